//! `tawasul`: serve, migrate, and administer.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use chrono::Utc;
use clap::{Args, Parser, Subcommand};
use tawasul_core::identity::{Email, Password};
use tawasul_server::settings::{Overrides, Settings};
use tawasul_server::startup::{Application, open_database};
use tawasul_server::{auth::passwords, demo, telemetry};
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
    /// Administrative tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
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
}

fn overrides(store: &StoreArgs) -> Overrides {
    Overrides { data_dir: store.data_dir.clone(), database_url: store.database_url.clone(), ..Overrides::default() }
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
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
                let logins = demo::seed(&app.state().db).await.context("loading the demo data")?;
                println!("Demo log-ins (password for all: {}):", demo::DEMO_PASSWORD);
                for (who, login) in logins {
                    println!("  {who:<48} {login}");
                }
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
        Command::Admin(AdminCommand::CreatePlatformAdmin { login, password_stdin: _, store }) => {
            let email =
                Email::parse(&login).map_err(|c| anyhow::anyhow!("--login: {}", c.message(tawasul_core::Lang::En)))?;
            let mut raw = String::new();
            std::io::stdin().read_to_string(&mut raw)?;
            let password = Password::parse(raw.trim_end_matches(['\r', '\n']))
                .map_err(|c| anyhow::anyhow!("password: {}", c.message(tawasul_core::Lang::En)))?;
            let settings = Settings::load(&overrides(&store))?;
            let db = open_database(&settings).await?;
            let hash = passwords::hash(password.expose().to_owned()).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let now = Utc::now();
            let tx = db.write().begin().await?;
            let id = accounts::upsert_platform_admin(&tx, &email, &hash, now).await?;
            let entry = AuditEntry::new(None, None, "platform_admin.create_or_reset", format!("user:{id}"));
            audit::append(&tx, entry, now).await?;
            tx.commit().await?;
            db.close().await;
            println!("platform administrator {email} ready ({id})");
            Ok(())
        }
    }
}
