//! `tawasul`: serve, migrate, and administer.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use chrono::Utc;
use clap::{Args, Parser, Subcommand};
use tawasul_core::audit::{AuditAction, AuditTarget};
use tawasul_core::identity::{Email, Password};
use tawasul_server::settings::{Overrides, Settings};
use tawasul_server::startup::{Application, open_database};
use tawasul_server::{auth::passwords, demo, memory, telemetry};
use tawasul_storage::audit::{self, AuditEntry};
use tawasul_storage::{TransactionTrait, accounts};

#[derive(Parser)]
#[command(name = "tawasul", version, about = "Tawasul — one channel between the public and every entity")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, then serve the API, the WebSocket and the web client.
    Serve(ServeArgs),
    /// Apply pending database migrations.
    Migrate(StoreArgs),
    /// Rebuild the archive search index from the database, beside the one in
    /// use, and switch to it atomically (a running server follows).
    Reindex(StoreArgs),
    /// Administrative tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Reads a document from standard input and writes its text to standard
    /// output, within memory and CPU limits: how the server extracts the text
    /// of attachments, in a process of its own.
    #[command(hide = true)]
    ExtractText {
        #[arg(long)]
        content_type: String,
    },
}

#[derive(Args)]
struct StoreArgs {
    /// Data directory (database, objects, index, keys).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// `sqlite://…` or `postgres://…`; default SQLite in the data directory.
    #[arg(long)]
    database_url: Option<String>,
}

#[derive(Args)]
struct ServeArgs {
    /// Address of the API [default: 127.0.0.1:8080].
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Address of the admin listener with /metrics [default: 127.0.0.1:9090].
    #[arg(long)]
    admin_listen: Option<SocketAddr>,
    #[command(flatten)]
    store: StoreArgs,
    /// `file://…` or `s3://bucket/prefix`.
    #[arg(long)]
    object_store: Option<String>,
    /// Load the demo data set first and print its log-ins.
    #[arg(long)]
    demo: bool,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create (or reset the password of) a platform administrator.
    CreatePlatformAdmin {
        /// The administrator's e-mail.
        #[arg(long)]
        login: String,
        /// Read the password from standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Replace the master key that wraps every document's data key: the data
    /// keys are re-wrapped in one database transaction, the documents are not
    /// touched. Stop the server first.
    RotateMasterKey {
        #[command(flatten)]
        store: StoreArgs,
    },
}

fn overrides(store: &StoreArgs) -> Overrides {
    Overrides { data_dir: store.data_dir.clone(), database_url: store.database_url.clone(), ..Overrides::default() }
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    memory::return_large_blocks();
    telemetry::init();
    match Cli::parse().command {
        Command::Serve(args) => {
            let flags = Overrides {
                listen: args.listen,
                admin_listen: args.admin_listen,
                object_store: args.object_store.clone(),
                ..overrides(&args.store)
            };
            let settings = Settings::load(&flags)?;
            let app = Application::build(settings.clone()).await?;
            if args.demo {
                let logins = demo::seed(&app.state().app).await.context("loading the demo data")?;
                println!("Demo log-ins (password for all: {}):", demo::DEMO_PASSWORD);
                for (who, login) in logins {
                    println!("  {who:<48} {login}");
                }
                // Seeding freed most of what it allocated.
                memory::trim();
            }
            println!("listening on http://{}", app.address());
            println!("metrics on http://{}/metrics", app.admin_address());
            app.run_until_stopped().await
        }
        Command::Migrate(store) => {
            let settings = Settings::load(&overrides(&store))?;
            open_database(&settings).await?.close().await;
            println!("migrations applied");
            Ok(())
        }
        Command::ExtractText { content_type } => {
            let code = tawasul_server::archive::extractor::extract_text_child(&content_type)?;
            std::process::exit(code);
        }
        Command::Reindex(store) => {
            let settings = Settings::load(&overrides(&store))?;
            reindex(&settings).await
        }
        Command::Admin(AdminCommand::CreatePlatformAdmin { login, password_stdin: _, store }) => {
            let email =
                Email::parse(&login).map_err(|c| anyhow::anyhow!("--login: {}", c.message(tawasul_core::Lang::En)))?;
            let mut raw = String::new();
            std::io::stdin().read_to_string(&mut raw)?;
            let password = Password::parse(raw.trim_end_matches(['\r', '\n']), &[email.as_str()])
                .map_err(|c| anyhow::anyhow!("password: {}", c.message(tawasul_core::Lang::En)))?;
            let settings = Settings::load(&overrides(&store))?;
            let db = open_database(&settings).await?;
            let hash = passwords::hash(password.expose().to_owned()).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let now = Utc::now();
            let tx = db.write().begin().await?;
            let id = accounts::upsert_platform_admin(&tx, &email, &hash, now).await?;
            let entry = AuditEntry::new(None, None, AuditAction::PlatformAdminCreateOrReset, AuditTarget::User(id));
            audit::append(&tx, entry, now).await?;
            tx.commit().await?;
            db.close().await;
            println!("platform administrator {email} ready ({id})");
            Ok(())
        }
        Command::Admin(AdminCommand::RotateMasterKey { store }) => {
            let settings = Settings::load(&overrides(&store))?;
            rotate_master_key(&settings).await
        }
    }
}

/// `tawasul reindex`, with a progress bar on a terminal.
async fn reindex(settings: &Settings) -> anyhow::Result<()> {
    let db = open_database(settings).await?;
    let bar = indicatif::ProgressBar::new(0).with_style(indicatif::ProgressStyle::with_template(
        "{elapsed_precise} [{wide_bar}] {pos}/{len} transactions ({per_sec}, {eta} left)",
    )?);
    let rebuilt = tawasul_server::archive::rebuild::rebuild(&db, &settings.index_dir(), |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await;
    bar.finish_and_clear();
    db.close().await;
    let r = rebuilt?;
    println!(
        "reindexed {} transactions, {} documents in {:.1} s ({:.0} documents/s); generation {} is current",
        r.transactions,
        r.documents,
        r.seconds,
        r.documents as f64 / r.seconds.max(1e-9),
        r.generation
    );
    Ok(())
}

/// With the key in `<data-dir>/master.key`: the new key is written beside it as
/// `master.key.next` before anything changes, the data keys are re-wrapped and
/// committed, then the files are swapped (the old key kept as
/// `master.key.previous`). Interrupted after the commit, renaming
/// `master.key.next` to `master.key` finishes the job. With the key in the
/// configuration, the new key is printed for the operator to put there.
async fn rotate_master_key(settings: &Settings) -> anyhow::Result<()> {
    use secrecy::ExposeSecret;
    use tawasul_storage::attachments;
    use tawasul_storage::objects::MasterKey;
    let configured = settings.master_key.as_ref().map(|k| k.expose_secret().to_owned());
    let old = MasterKey::load_or_create(configured.as_deref(), &settings.data_dir)?;
    let new = MasterKey::generate();
    let file = settings.data_dir.join("master.key");
    let next = settings.data_dir.join("master.key.next");
    if configured.is_none() {
        std::fs::write(&next, new.to_base64())?;
        #[cfg(unix)]
        std::fs::set_permissions(&next, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    }
    let db = open_database(settings).await?;
    let tx = db.write().begin().await?;
    let keys = attachments::wrapped_keys(&tx).await?;
    for (blob, wrapped) in &keys {
        let rewrapped = old.rewrap(wrapped, &new).with_context(|| format!("stored content {blob}"))?;
        attachments::set_wrapped_key(&tx, *blob, rewrapped).await?;
    }
    let entry = AuditEntry::new(None, None, AuditAction::MasterKeyRotate, AuditTarget::Objects)
        .after(serde_json::json!({ "data_keys": keys.len() }));
    audit::append(&tx, entry, Utc::now()).await?;
    tx.commit().await?;
    db.close().await;
    match configured {
        None => {
            std::fs::rename(&file, settings.data_dir.join("master.key.previous"))?;
            std::fs::rename(&next, &file)?;
            println!("master key rotated: {} data keys re-wrapped; the new key is in {}", keys.len(), file.display());
        }
        Some(_) => {
            println!("{} data keys re-wrapped. Set TAWASUL_MASTER_KEY to the new key before starting:", keys.len());
            println!("{}", new.to_base64());
        }
    }
    Ok(())
}
