//! `spawn_app`: the real server on a random port, with its own data directory and
//! a fresh database on the chosen backend; plus typed shortcuts for the set-up
//! most tests need.

use std::path::PathBuf;

use chrono::Utc;
use tawasul_client::Client;
use tawasul_core::api::*;
use tawasul_core::identity::{Email, id_check_digit};
use tawasul_core::ids::EntityId;
use tawasul_server::settings::Settings;
use tawasul_server::startup::Application;
use tawasul_tests::TestDatabase;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub client: Client,
    /// The server's object store, to look at what is kept at rest.
    pub objects: tawasul_storage::objects::Objects,
    pub admin_address: String,
    pub data_dir: PathBuf,
    /// The database the server uses (for tools run beside it, as `tawasul reindex` is).
    pub database_url: String,
    /// A client signed in as a platform administrator.
    pub platform: Client,
    /// The server's database, to read what the API does not show (the audit log).
    pub db: tawasul_storage::Db,
    _db: TestDatabase,
    _dir: tempfile::TempDir,
}

/// Runs one test body on SQLite and on PostgreSQL, as two tests.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::spawn_app("sqlite").await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::helpers::spawn_app("postgres").await).await
            }
        }
    )*};
}

/// `on_both_backends!` with settings adjusted by a function `fn(&mut Settings)`.
#[macro_export]
macro_rules! on_both_backends_with {
    ($adjust:ident; $($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::spawn_app_with("sqlite", super::$adjust).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::helpers::spawn_app_with("postgres", super::$adjust).await).await
            }
        }
    )*};
}

/// Waits until the server's sealer has put every audit entry written so far
/// into its chain (a tenth of a second, normally).
pub async fn sealed(app: &TestApp) {
    for _ in 0..100 {
        if !tawasul_storage::audit::any_pending(app.db.read()).await.unwrap() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("audit entries were not sealed within 5 s");
}

pub async fn spawn_app(backend: &str) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// `spawn_app`, with settings adjusted by `adjust` (an SMTP server, an SMS gateway…).
pub async fn spawn_app_with(backend: &str, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn(backend, adjust, false).await
}

/// `spawn_app` with the demo's data loaded before it serves, as `serve
/// --demo` does.
pub async fn spawn_demo(backend: &str) -> TestApp {
    spawn(backend, |_| {}, true).await
}

async fn spawn(backend: &str, adjust: impl FnOnce(&mut Settings), demo: bool) -> TestApp {
    let db = TestDatabase::by_name(backend).expect("test database");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        admin_listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_path_buf(),
        database_url: Some(db.url.clone()),
        workers: Some(2),
        ..Settings::default()
    };
    adjust(&mut settings);
    let app = Application::build(settings).await.expect("application");
    if demo {
        tawasul_server::demo::seed(&app.state().app).await.expect("the demo's data");
    }
    let address = format!("http://{}", app.address());
    let admin_address = format!("http://{}", app.admin_address());
    let state = app.state();
    let hash = tawasul_server::auth::passwords::hash(PASSWORD.into()).await.unwrap();
    tawasul_storage::accounts::upsert_platform_admin(
        state.db.write(),
        &Email::parse("platform@tawasul.test").unwrap(),
        &hash,
        Utc::now(),
    )
    .await
    .unwrap();
    tokio::spawn(app.run_until_stopped());
    let client = Client::new(address);
    let auth = client.login("platform@tawasul.test", PASSWORD).await.expect("platform admin log-in");
    let platform = client.with_token(auth.access_token);
    TestApp {
        client,
        objects: state.objects.clone(),
        admin_address,
        data_dir: dir.path().to_path_buf(),
        database_url: db.url.clone(),
        platform,
        db: state.db.clone(),
        _db: db,
        _dir: dir,
    }
}

/// A valid national ID (prefix 1) or iqama (prefix 2) from a number.
pub fn valid_id(prefix: u8, n: u32) -> String {
    let body = format!("{prefix}{n:08}");
    let mut nine = [0u8; 9];
    for (d, b) in nine.iter_mut().zip(body.bytes()) {
        *d = b - b'0';
    }
    format!("{body}{}", id_check_digit(&nine))
}

/// A registration unique by `n`.
pub fn registration(n: u32) -> RegisterRequest {
    RegisterRequest {
        name_ar: "سارة العتيبي".into(),
        name_en: "Sara Alotaibi".into(),
        id_type: "national_id".into(),
        id_number: valid_id(1, n),
        password: PASSWORD.into(),
        mobile: format!("05{:08}", n),
        email: format!("sara{n}@example.sa"),
        residence: "inside".into(),
        language: None,
    }
}

pub fn entity_request(n: u32) -> CreateEntityRequest {
    CreateEntityRequest {
        name_ar: format!("جهة رقم {n}"),
        name_en: format!("Entity {n}"),
        kind: "government".into(),
        unified_number: format!("7{n:09}"),
        admin: NewEntityAdminRequest {
            name_ar: "مسؤول الجهة".into(),
            name_en: "Entity admin".into(),
            email: format!("admin{n}@entity.sa"),
            mobile: format!("056{:07}", n),
            national_id: valid_id(1, 50_000_000 + n),
            initial_password: Some(PASSWORD.into()),
        },
    }
}

impl TestApp {
    /// A second server process's equal on the same database (a second node):
    /// its own data directory and listeners, the same rows. It serves until
    /// the test ends; returns its address.
    pub async fn second_node(&self, adjust: impl FnOnce(&mut Settings)) -> (String, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut settings = Settings {
            listen: "127.0.0.1:0".parse().unwrap(),
            admin_listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: dir.path().to_path_buf(),
            database_url: Some(self.database_url.clone()),
            workers: Some(1),
            ..Settings::default()
        };
        adjust(&mut settings);
        let app = Application::build(settings).await.expect("second node");
        let address = format!("http://{}", app.address());
        tokio::spawn(app.run_until_stopped());
        (address, dir)
    }
}

pub struct TestEntity {
    pub id: EntityId,
    /// Signed in as the entity's first admin.
    pub admin: Client,
}

impl TestApp {
    pub async fn entity(&self, n: u32) -> TestEntity {
        let created = self.platform.create_entity(&entity_request(n)).await.expect("create entity");
        let auth = self.client.login(&format!("admin{n}@entity.sa"), PASSWORD).await.expect("entity admin log-in");
        TestEntity { id: created.entity.id, admin: self.client.with_token(auth.access_token) }
    }

    pub async fn beneficiary(&self, n: u32) -> (Client, AuthResponse) {
        let auth = self.client.register(&registration(n)).await.expect("register");
        (self.client.with_token(auth.access_token.clone()), auth)
    }

    /// The e-mails written under `<data-dir>/outbox-mail`, decoded to
    /// "To/Subject/body" text, waiting up to 5 s for at least `n` of them (the
    /// outbox is delivered asynchronously).
    pub async fn mails(&self, n: usize) -> Vec<String> {
        let dir = self.data_dir.join("outbox-mail");
        for _ in 0..50 {
            let mails: Vec<String> = std::fs::read_dir(&dir)
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .filter_map(|e| std::fs::read(e.path()).ok())
                .filter_map(|raw| decode_mail(&raw))
                .collect();
            if mails.len() >= n {
                return mails;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("fewer than {n} e-mails arrived");
    }
}

/// Decodes a raw e-mail into "To/Subject/body" text.
pub fn decode_mail(raw: &[u8]) -> Option<String> {
    let m = mail_parser::MessageParser::default().parse(raw)?;
    let to = m.to().and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or_default().to_owned();
    Some(format!("To: {to}\nSubject: {}\n\n{}", m.subject().unwrap_or_default(), m.body_text(0)?))
}

pub fn employee_request(n: u32, role: &str, departments: Vec<String>) -> CreateEmployeeRequest {
    CreateEmployeeRequest {
        name_ar: "فهد الشهري".into(),
        name_en: "Fahad Alshehri".into(),
        email: format!("employee{n}@entity.sa"),
        mobile: format!("057{:07}", n),
        national_id: valid_id(1, 60_000_000 + n),
        department_ids: departments,
        role: role.into(),
        grant: None,
        revoke: None,
        initial_password: Some(PASSWORD.into()),
    }
}

pub fn department_request(name: &str, parent: Option<String>) -> CreateDepartmentRequest {
    CreateDepartmentRequest {
        name_ar: format!("إدارة {name}"),
        name_en: format!("{name} department"),
        parent_id: parent,
    }
}

/// What the fake SMS operator received.
pub type Received = std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>;

/// A stand-in for the SMS operator (truly outside, so faked): refuses the
/// first `refuse` requests with 503, then accepts and records each.
pub async fn sms_gateway(refuse: u32) -> (String, Received, actix_web::dev::ServerHandle) {
    use actix_web::{App, HttpResponse, HttpServer, web};
    use std::sync::{Arc, Mutex};
    let received = Arc::new(Mutex::new(Vec::new()));
    let calls = Arc::new(Mutex::new(0u32));
    let r = received.clone();
    let server = HttpServer::new(move || {
        let r = r.clone();
        let calls = calls.clone();
        App::new().route(
            "/sms",
            web::post().to(move |body: web::Json<serde_json::Value>| {
                let r = r.clone();
                let calls = calls.clone();
                async move {
                    let n = {
                        let mut c = calls.lock().unwrap();
                        *c += 1;
                        *c
                    };
                    if n <= refuse {
                        return HttpResponse::ServiceUnavailable().finish();
                    }
                    r.lock().unwrap().push(body.into_inner());
                    HttpResponse::Accepted().finish()
                }
            }),
        )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    (format!("http://{addr}/sms"), received, handle)
}
