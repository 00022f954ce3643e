//! The web client in a real browser: Debian's Chromium, headless, driven
//! through ChromeDriver (WebDriver) with fantoccini. A beneficiary registers
//! and opens a request, the assigned employee answers with an internal and an external
//! comment, and the beneficiary's open page shows the external one live and
//! never the internal one; the same flow with JavaScript off; the language
//! switch. Each main page is written as a screenshot under
//! `target/screenshots/`, in both languages.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client as Browser, ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::*;
use crate::transactions::{Setup, setup};

/// ChromeDriver on a port of its own, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
    _profiles: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn driver() -> Driver {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian's chromium-driver; scripts/test installs it)");
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Driver { child, url, _profiles: tempfile::tempdir().unwrap() }
}

impl Driver {
    /// A fresh headless Chromium (its own profile), with JavaScript on or off.
    async fn browser(&self, javascript: bool) -> Browser {
        let profile = tempfile::tempdir_in(self._profiles.path()).unwrap().keep();
        let mut options = json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,1000", "--lang=ar",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--autoplay-policy=no-user-gesture-required",
                format!("--user-data-dir={}", profile.display()),
            ],
        });
        // Arabic first, as a browser set up in Saudi Arabia asks for it.
        options["prefs"] = json!({ "intl.accept_languages": "ar,en" });
        if !javascript {
            options["prefs"]["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a Chromium session")
    }
}

/// Where the screenshots go: `target/screenshots/` of the workspace.
fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the page's screenshot and checks it with axe-core (WCAG 2.2 A and
/// AA rules): no serious or critical finding.
async fn shoot(b: &Browser, name: &str) {
    picture(b, name).await;
    let axe = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/axe/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&axe).expect("axe-core (scripts/test installs it under target/axe)");
    b.execute(&source, vec![]).await.unwrap();
    let found = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] })
                .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.html).slice(0, 3) }))));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(found, json!([]), "axe-core on {name}");
}

/// Writes the page's screenshot only (a browser with JavaScript off runs no
/// checker).
async fn picture(b: &Browser, name: &str) {
    let png = b.screenshot().await.unwrap();
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
}

async fn css(b: &Browser, selector: &str) -> fantoccini::elements::Element {
    b.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(selector)).await.unwrap_or_else(|e| {
        panic!("{selector}: {e}");
    })
}

async fn sign_in(b: &Browser, base: &str, login: &str) {
    b.goto(&format!("{base}/sign-in")).await.unwrap();
    css(b, "[data-testid=login-id]").await.send_keys(login).await.unwrap();
    css(b, "[data-testid=login-password]").await.send_keys(PASSWORD).await.unwrap();
    css(b, "[data-testid=login-submit]").await.click().await.unwrap();
    // The sign-in page has a heading of its own: wait for the next page's address.
    let started = Instant::now();
    while b.current_url().await.unwrap().path() == "/sign-in" {
        assert!(started.elapsed() < Duration::from_secs(10), "{login} was not signed in");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    css(b, "main h1").await;
    assert!(b.current_url().await.unwrap().path().starts_with("/transactions"));
}

/// Opens a request from the form, step by step; returns its reference.
/// A document, when given, is chosen on the send form.
async fn open_request(
    b: &Browser,
    s: &Setup,
    subject: &str,
    document: Option<&std::path::Path>,
    shots: Option<&str>,
) -> String {
    css(b, "[data-testid=new-transaction]").await.click().await.unwrap();
    css(b, "[data-testid=tx-entity]").await.select_by_value(&s.entity.id.to_string()).await.unwrap();
    css(b, "form.step button").await.click().await.unwrap();
    css(b, "[data-testid=tx-type]").await.select_by_value(&s.type_id.to_string()).await.unwrap();
    css(b, "form.step button").await.click().await.unwrap();
    // A date input is typed in the browser's own locale format; set as the
    // ISO value the browser submits instead (WebDriver's script runs even
    // where the page's JavaScript is off).
    let date = css(b, "input[name='fields.preferred_date']").await;
    b.execute("arguments[0].value = '2026-12-20'", vec![serde_json::to_value(&date).unwrap()]).await.unwrap();
    css(b, "[data-testid=tx-subject]").await.send_keys(subject).await.unwrap();
    css(b, "[data-testid=tx-body]").await.send_keys("أرجو تحديد موعد لمراجعة الملف.").await.unwrap();
    css(b, "[data-testid=tx-priority]").await.select_by_value("important").await.unwrap();
    if let Some(name) = shots {
        shoot(b, name).await;
    }
    css(b, "[data-testid=tx-submit]").await.click().await.unwrap();
    // Check your answers, then send.
    css(b, "[data-testid=check-answers]").await;
    if let Some(name) = shots {
        shoot(b, &name.replace("new-request", "check-request")).await;
    }
    if let Some(path) = document {
        css(b, "input[name=documents]").await.send_keys(&path.display().to_string()).await.unwrap();
    }
    css(b, "[data-testid=tx-confirm]").await.click().await.unwrap();
    css(b, "[data-testid=tx-reference]").await.text().await.unwrap()
}

async fn comment(b: &Browser, internal: bool, text: &str) {
    let choice = if internal { "comment-visibility-internal" } else { "comment-visibility" };
    css(b, &format!("[data-testid={choice}]")).await.click().await.unwrap();
    css(b, "[data-testid=comment-body]").await.send_keys(text).await.unwrap();
    css(b, "[data-testid=comment-submit]").await.click().await.unwrap();
    wait_for_text(b, "[data-testid=timeline]", text).await;
}

/// The element's text once it holds `wanted`: a form's answer replaces the
/// page some time after the click returns, so the page read at once may
/// still be the one the form was sent from.
async fn wait_for_text(b: &Browser, selector: &str, wanted: &str) -> String {
    let started = Instant::now();
    loop {
        let text = text_of(b, selector).await;
        if text.contains(wanted) {
            return text;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{selector} never showed {wanted:?}: {text}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of the element; found again if the page was replaced meanwhile
/// (a form's answer arriving just as it is read).
async fn text_of(b: &Browser, selector: &str) -> String {
    for _ in 0..3 {
        if let Ok(text) = css(b, selector).await.text().await {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    css(b, selector).await.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_worked_through_the_pages_and_the_beneficiary_sees_replies_live() {
    let app = spawn_app("sqlite").await;
    let s = setup(&app, 1, "round_robin", 96).await;
    let base = app.client.base_url().to_owned();
    let d = driver().await;
    let ben = d.browser(true).await;
    ben.goto(&format!("{base}/sign-in")).await.unwrap();
    shoot(&ben, "sign-in.ar").await;
    css(&ben, "[data-testid=forgot-link]").await.click().await.unwrap();
    css(&ben, "[data-testid=reset-send]").await;
    shoot(&ben, "forgot-password.ar").await;
    ben.back().await.unwrap();
    // A new beneficiary registers from the sign-in page and is signed in.
    css(&ben, "[data-testid=register-link]").await.click().await.unwrap();
    let r = registration(9600);
    for (field, value) in [
        ("name_ar", &r.name_ar),
        ("name_en", &r.name_en),
        ("id_number", &r.id_number),
        ("mobile", &r.mobile),
        ("email", &r.email),
        ("password", &r.password),
    ] {
        css(&ben, &format!("#{field}")).await.send_keys(value).await.unwrap();
    }
    shoot(&ben, "register.ar").await;
    css(&ben, "[data-testid=register-submit]").await.click().await.unwrap();
    css(&ben, "[data-testid=new-transaction]").await;
    assert_eq!(ben.current_url().await.unwrap().path(), "/transactions");
    // With a custom field (the preferred date) and a document sent with it.
    let dir = tempfile::tempdir().unwrap();
    let document = dir.path().join("صورة-الهوية.pdf");
    std::fs::write(&document, b"%PDF-1.4 national id copy").unwrap();
    let reference = open_request(&ben, &s, "طلب موعد من المتصفح", Some(&document), Some("new-request.ar")).await;
    shoot(&ben, "request-sent.ar").await;
    assert!(reference.starts_with("14"), "{reference}");
    assert!(text_of(&ben, "[data-testid=tx-documents]").await.contains("صورة-الهوية.pdf"));
    css(&ben, "[data-testid=tx-open]").await.click().await.unwrap();
    css(&ben, "[data-testid=timeline]").await;
    // The script is following the timeline before the employee writes.
    let started = Instant::now();
    while ben.execute("return document.documentElement.dataset.live", vec![]).await.unwrap() != json!("on") {
        assert!(started.elapsed() < Duration::from_secs(10), "the live timeline did not connect");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let emp = d.browser(true).await;
    sign_in(&emp, &base, "employee9600@entity.sa").await;
    assert!(text_of(&emp, "table.list").await.contains(&reference));
    shoot(&emp, "inbox.ar").await;
    css(&emp, "[data-testid=tx-row] a").await.click().await.unwrap();
    comment(&emp, true, "ملاحظة داخلية: الملف ناقص").await;
    comment(&emp, false, "تم تحديد موعدكم يوم الأحد").await;
    let staff_view = text_of(&emp, "[data-testid=timeline]").await;
    assert!(staff_view.contains("ملاحظة داخلية: الملف ناقص") && staff_view.contains("تم تحديد موعدكم"));
    assert!(staff_view.contains("صورة-الهوية.pdf"), "the document sent with the request: {staff_view}");
    shoot(&emp, "transaction-staff.ar").await;

    // Without a reload, the external reply appears on the beneficiary's page.
    let started = Instant::now();
    while !text_of(&ben, "[data-testid=timeline]").await.contains("تم تحديد موعدكم يوم الأحد") {
        assert!(started.elapsed() < Duration::from_secs(10), "the reply did not arrive live");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let html = ben.source().await.unwrap();
    assert!(!html.contains("الملف ناقص"), "an internal comment reached the beneficiary's page");
    shoot(&ben, "transaction-beneficiary.ar").await;

    // A voice note from the page's recorder (Chromium's fake microphone): it
    // appears, with its player, on both pages without a reload.
    css(&ben, "#recorder:not([hidden]) [data-testid=voice-record]").await.click().await.unwrap();
    css(&ben, "[data-testid=voice-record][aria-pressed=true]").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    css(&ben, "[data-testid=voice-record]").await.click().await.unwrap();
    for b in [&ben, &emp] {
        b.wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css("[data-testid=timeline] [data-testid=voice-player] audio[src^='/voice/']"))
            .await
            .expect("the voice note on the timeline");
    }
    let state = text_of(&ben, ".recorder-state").await;
    assert_eq!(state, "", "the recorder reported: {state}");
    // It plays back: the sound advances, the waveform follows it, and its
    // stated length is the recording's (about 1.5 s).
    let wave = css(&ben, "[data-testid=voice-player] .wave").await;
    wave.click().await.unwrap();
    let started = Instant::now();
    let (heard, played) = loop {
        let probe = ben
            .execute(
                "const a = document.querySelector('[data-testid=voice-player] audio');
                 return [a.currentTime, document.querySelectorAll('[data-testid=voice-player] rect.played').length,
                         Number(a.closest('.voice').dataset.durationMs)];",
                vec![],
            )
            .await
            .unwrap();
        let (heard, played, length) =
            (probe[0].as_f64().unwrap(), probe[1].as_u64().unwrap(), probe[2].as_u64().unwrap());
        assert!((800..=3000).contains(&length), "the note's length: {length} ms");
        if heard > 0.3 && played > 0 {
            break (heard, played);
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the voice note did not play: at {heard} s, {played} bars"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(heard > 0.3 && played > 0);
    shoot(&ben, "transaction-voice.ar").await;

    // The language switch keeps the page and turns it to English, left to right, and back.
    css(&ben, "[data-testid=lang-toggle]").await.click().await.unwrap();
    css(&ben, "html[lang=en][dir=ltr]").await;
    assert!(ben.current_url().await.unwrap().path().starts_with("/transactions/"));
    assert!(text_of(&ben, "[data-testid=timeline]").await.contains("تم تحديد موعدكم"));
    shoot(&ben, "transaction-beneficiary.en").await;
    ben.goto(&format!("{base}/transactions")).await.unwrap();
    shoot(&ben, "transactions.en").await;
    ben.goto(&format!("{base}/transactions/new?entity={}&type={}", s.entity.id, s.type_id)).await.unwrap();
    shoot(&ben, "new-request.en").await;
    css(&ben, "[data-testid=lang-toggle]").await.click().await.unwrap();
    css(&ben, "html[lang=ar][dir=rtl]").await;
    ben.goto(&format!("{base}/transactions")).await.unwrap();
    shoot(&ben, "transactions.ar").await;
    // The bell's list: the receipt and the replies, from the header's link.
    css(&ben, "[data-testid=notices-link]").await.click().await.unwrap();
    css(&ben, "[data-testid=notice]").await;
    shoot(&ben, "notices.ar").await;
    css(&ben, "[data-testid=preferences-link]").await.click().await.unwrap();
    css(&ben, "[data-testid=pref-completed-email]").await;
    shoot(&ben, "preferences.ar").await;
    css(&ben, "[data-testid=lookup-link]").await.click().await.unwrap();
    css(&ben, "[data-testid=lookup-reference]").await.send_keys(&reference).await.unwrap();
    shoot(&ben, "lookup.ar").await;
    css(&ben, "[data-testid=lookup-submit]").await.click().await.unwrap();
    css(&ben, "[data-testid=timeline]").await;
    css(&ben, "[data-testid=account-link]").await.click().await.unwrap();
    css(&ben, "[data-testid=send-code-email]").await.click().await.unwrap();
    css(&ben, "[data-testid=code-email]").await;
    shoot(&ben, "account.ar").await;
    css(&emp, "[data-testid=lang-toggle]").await.click().await.unwrap();
    css(&emp, "html[lang=en]").await;
    shoot(&emp, "transaction-staff.en").await;
    // The archive search from the header, the match marked in the snippet
    // (the index takes the new comments within a second or so).
    css(&emp, "[data-testid=search-link]").await.click().await.unwrap();
    css(&emp, "[data-testid=search-box]").await.send_keys("موعدكم").await.unwrap();
    css(&emp, "[data-testid=search-submit]").await.click().await.unwrap();
    let started = Instant::now();
    while emp.find(Locator::Css("[data-testid=search-hit] mark")).await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(10), "the comment was not found");
        tokio::time::sleep(Duration::from_millis(200)).await;
        emp.refresh().await.unwrap();
    }
    shoot(&emp, "search.en").await;
    css(&emp, "[data-testid=lang-toggle]").await.click().await.unwrap();
    css(&emp, "html[lang=ar] [data-testid=search-hit]").await;
    shoot(&emp, "search.ar").await;
    css(&ben, "[data-testid=directory-link]").await.click().await.unwrap();
    css(&ben, "[data-testid=directory-entity]").await;
    shoot(&ben, "directory.ar").await;
    // The printable summary, and every main page at a phone's 320 px with
    // nothing wider than the screen (tables scroll inside their own box).
    ben.goto(&format!("{base}/transactions")).await.unwrap();
    css(&ben, "[data-testid=tx-row] a").await.click().await.unwrap();
    let page = ben.current_url().await.unwrap().path().to_owned();
    css(&ben, "[data-testid=print-link]").await.click().await.unwrap();
    css(&ben, "[data-print]:not([hidden])").await;
    shoot(&ben, "print.ar").await;
    ben.set_window_size(320, 800).await.unwrap();
    for path in [
        "/transactions".to_owned(),
        page.clone(),
        format!("/transactions/new?entity={}&type={}", s.entity.id, s.type_id),
        "/search?q=%D9%85%D9%88%D8%B9%D8%AF".to_owned(),
        "/entities".to_owned(),
        "/account".to_owned(),
        "/notifications".to_owned(),
    ] {
        ben.goto(&format!("{base}{path}")).await.unwrap();
        css(&ben, "main h1").await;
        let wide = ben
            .execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth", vec![])
            .await
            .unwrap();
        assert!(wide.as_i64().unwrap_or(1) <= 0, "{path} is {wide} px wider than a 320 px screen");
    }
    ben.goto(&format!("{base}{page}")).await.unwrap();
    css(&ben, "[data-testid=timeline]").await;
    picture(&ben, "transaction-320px.ar").await;
    ben.set_window_size(1280, 900).await.unwrap();
    // The department's supervisor reads the audit trail and verifies it.
    let sup = d.browser(true).await;
    sign_in(&sup, &base, "employee9699@entity.sa").await;
    css(&sup, "[data-testid=audit-link]").await.click().await.unwrap();
    css(&sup, "[data-testid=audit-row]").await;
    css(&sup, "[data-testid=audit-verify]").await.click().await.unwrap();
    assert!(
        css(&sup, "[data-testid=audit-verification]").await.attr("class").await.unwrap().unwrap().contains("intact")
    );
    shoot(&sup, "audit.ar").await;
    css(&sup, "[data-testid=lang-toggle]").await.click().await.unwrap();
    css(&sup, "html[lang=en] [data-testid=audit-verification]").await;
    shoot(&sup, "audit.en").await;
    // And the entity's overview, in English then Arabic.
    css(&sup, "[data-testid=overview-link]").await.click().await.unwrap();
    assert!(text_of(&sup, "[data-testid=overview-figures]").await.contains("Open"));
    shoot(&sup, "overview.en").await;
    css(&sup, "[data-testid=lang-toggle]").await.click().await.unwrap();
    css(&sup, "html[lang=ar] [data-testid=overview-figures]").await;
    shoot(&sup, "overview.ar").await;
    sup.close().await.unwrap();
    // The entity admin's pages, from the header's link.
    let admin = d.browser(true).await;
    sign_in(&admin, &base, "admin96@entity.sa").await;
    css(&admin, "[data-testid=admin-link]").await.click().await.unwrap();
    css(&admin, "[data-testid=employee-row]").await;
    shoot(&admin, "admin-employees.ar").await;
    css(&admin, "[data-testid=employee-row] a").await.click().await.unwrap();
    css(&admin, "[data-testid=employee-save]").await;
    shoot(&admin, "admin-employee.ar").await;
    css(&admin, "[data-testid=admin-departments]").await.click().await.unwrap();
    css(&admin, "[data-testid=department-tree]").await;
    shoot(&admin, "admin-departments.ar").await;
    css(&admin, "[data-testid=admin-types]").await.click().await.unwrap();
    css(&admin, "[data-testid=type-row]").await;
    shoot(&admin, "admin-types.ar").await;
    css(&admin, "[data-testid=lang-toggle]").await.click().await.unwrap();
    css(&admin, "html[lang=en] [data-testid=type-row]").await;
    shoot(&admin, "admin-types.en").await;
    admin.close().await.unwrap();
    // The platform admin's pages.
    let platform = d.browser(true).await;
    sign_in(&platform, &base, "platform@tawasul.test").await;
    css(&platform, "[data-testid=platform-link]").await.click().await.unwrap();
    css(&platform, "[data-testid=platform-entity]").await;
    shoot(&platform, "platform-entities.ar").await;
    css(&platform, "[data-testid=platform-regulators]").await.click().await.unwrap();
    css(&platform, "[data-testid=regulator-submit]").await;
    css(&platform, "[data-testid=lang-toggle]").await.click().await.unwrap();
    css(&platform, "html[lang=en] [data-testid=regulator-submit]").await;
    shoot(&platform, "platform-regulators.en").await;
    platform.close().await.unwrap();
    ben.close().await.unwrap();
    emp.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_flow_works_with_javascript_off() {
    let app = spawn_app("sqlite").await;
    let s = setup(&app, 1, "round_robin", 97).await;
    app.beneficiary(9700).await;
    let base = app.client.base_url().to_owned();
    let d = driver().await;
    let ben = d.browser(false).await;
    sign_in(&ben, &base, "sara9700@example.sa").await;
    let reference = open_request(&ben, &s, "طلب دون جافاسكربت", None, None).await;
    let emp = d.browser(false).await;
    sign_in(&emp, &base, "employee9700@entity.sa").await;
    assert!(text_of(&emp, "table.list").await.contains(&reference));
    css(&emp, "[data-testid=tx-row] a").await.click().await.unwrap();
    comment(&emp, true, "ملاحظة داخلية دون سكربت").await;
    comment(&emp, false, "رد خارجي دون سكربت").await;
    ben.goto(&format!("{base}/transactions")).await.unwrap();
    css(&ben, "[data-testid=tx-row] a").await.click().await.unwrap();
    let timeline = text_of(&ben, "[data-testid=timeline]").await;
    assert!(timeline.contains("رد خارجي دون سكربت"), "{timeline}");
    // The page's own script never ran: the live timeline did not start.
    let live = ben.execute("return document.documentElement.dataset.live || null", vec![]).await.unwrap();
    assert_eq!(live, serde_json::Value::Null, "JavaScript is off in this browser");
    assert!(!ben.source().await.unwrap().contains("ملاحظة داخلية دون سكربت"));
    // The beneficiary replies with the form alone.
    css(&ben, "[data-testid=comment-body]").await.send_keys("شكراً لكم").await.unwrap();
    css(&ben, "[data-testid=comment-submit]").await.click().await.unwrap();
    wait_for_text(&ben, "[data-testid=timeline]", "شكراً لكم").await;
    // And attaches a document with the form alone; the employee downloads it.
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("شهادة-راتب.pdf");
    std::fs::write(&doc, b"%PDF-1.4 salary certificate").unwrap();
    css(&ben, "[data-testid=attach-file]").await.send_keys(&doc.display().to_string()).await.unwrap();
    css(&ben, "[data-testid=attach-submit]").await.click().await.unwrap();
    let link = css(&ben, "[data-testid=timeline] [data-testid=attachment-link]").await;
    assert!(link.text().await.unwrap().contains("شهادة-راتب.pdf"));
    picture(&ben, "transaction-attachment.ar").await;
    emp.refresh().await.unwrap();
    let href = css(&emp, "[data-testid=attachment-link]").await.attr("href").await.unwrap().unwrap();
    assert!(href.starts_with("/attachments/"), "{href}");
    ben.close().await.unwrap();
    emp.close().await.unwrap();
}

/// Signs in with a password, wherever the person lands.
async fn sign_in_as(b: &Browser, base: &str, login: &str, password: &str) {
    b.goto(&format!("{base}/sign-in")).await.unwrap();
    css(b, "[data-testid=login-id]").await.send_keys(login).await.unwrap();
    css(b, "[data-testid=login-password]").await.send_keys(password).await.unwrap();
    css(b, "[data-testid=login-submit]").await.click().await.unwrap();
    css(b, "main h1").await;
}

/// The dashboards on the demo's six months: a supervisor's (the entity's, then
/// one department's), the transactions behind a figure, and the regulator's
/// console — charts drawn as SVG with their tables, in both languages, with
/// no serious axe-core finding.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboards_draw_their_charts_with_tables_in_both_languages() {
    let app = spawn_demo("sqlite").await;
    let base = app.client.base_url().to_owned();
    let d = driver().await;
    let password = tawasul_server::demo::DEMO_PASSWORD;
    let sup = d.browser(true).await;
    sign_in_as(&sup, &base, "supervisor@hrsd.demo.sa", password).await;
    css(&sup, "[data-testid=dashboard-link]").await.click().await.unwrap();
    css(&sup, "[data-testid=dashboard-figures]").await;
    let total: u64 = text_of(&sup, "[data-figure=total]").await.trim().parse().unwrap();
    assert!(total > 50, "half a year of the ministry's transactions: {total}");
    assert!(!sup.find_all(Locator::Css("figure svg.chart rect")).await.unwrap().is_empty(), "bars are drawn");
    assert_eq!(sup.find_all(Locator::Css("figure details table")).await.unwrap().len(), 2, "each chart's table");
    assert!(text_of(&sup, "[data-testid=dashboard-employees]").await.contains("ريم"));
    shoot(&sup, "dashboard.ar").await;
    css(&sup, "[data-testid=lang-toggle]").await.click().await.unwrap();
    css(&sup, "html[lang=en] [data-testid=dashboard-figures]").await;
    shoot(&sup, "dashboard.en").await;
    // One department: fewer transactions.
    let dept = css(&sup, "[data-testid=dashboard-department] option:nth-child(3)").await;
    let value = dept.attr("value").await.unwrap().unwrap();
    sup.goto(&format!("{base}/dashboard?department_id={value}")).await.unwrap();
    let narrowed: u64 = text_of(&sup, "[data-figure=total]").await.trim().parse().unwrap();
    assert!(narrowed < total, "{narrowed} of {total}");
    // The transactions behind the completed figure.
    css(&sup, "[data-figure=completed] a").await.click().await.unwrap();
    css(&sup, "[data-testid=dashboard-row]").await;
    let rows = sup.find_all(Locator::Css("[data-testid=dashboard-row]")).await.unwrap();
    assert!(!rows.is_empty());
    assert!(text_of(&sup, "[data-testid=dashboard-rows]").await.contains("Completed"));
    shoot(&sup, "dashboard-rows.en").await;
    sup.close().await.unwrap();

    let reg = d.browser(true).await;
    sign_in_as(&reg, &base, "regulator@nazaha.demo.sa", password).await;
    css(&reg, "[data-testid=console-link]").await.click().await.unwrap();
    css(&reg, "[data-testid=console-entities]").await;
    let entities = reg.find_all(Locator::Css("[data-testid=console-entities] tbody tr")).await.unwrap();
    assert_eq!(entities.len(), 2, "the regulator's remit");
    shoot(&reg, "console.ar").await;
    css(&reg, "[data-testid=lang-toggle]").await.click().await.unwrap();
    css(&reg, "html[lang=en] [data-testid=console-entities]").await;
    shoot(&reg, "console.en").await;
    // From the console to an entity's dashboard.
    css(&reg, "[data-testid=console-entities] tbody a").await.click().await.unwrap();
    css(&reg, "[data-testid=dashboard-figures]").await;
    reg.close().await.unwrap();
}

/// The meeting room in Chromium: the organiser opens a secret vote, a member
/// checks in, shares an opinion and votes, the organiser closes the vote,
/// approves the minutes and records the decision; and the page a guest's link
/// opens. Each page with no serious axe-core finding.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_meeting_room_is_worked_through_in_the_browser() {
    let app = spawn_app("sqlite").await;
    let c = crate::meetings::committee(&app, 2, 77).await;
    let base = app.client.base_url().to_owned();
    let d = driver().await;

    // The organiser schedules it from their calendar, starting now (Riyadh).
    let organiser = d.browser(true).await;
    sign_in(&organiser, &base, "employee7700@entity.sa").await;
    organiser.goto(&format!("{base}/calendar")).await.unwrap();
    css(&organiser, "[data-testid=schedule-link]").await.click().await.unwrap();
    let (day, time) = tawasul_core::dates::riyadh_day_and_time(chrono::Utc::now());
    let set = "document.querySelector(arguments[0]).value = arguments[1]";
    organiser.execute(set, vec![json!("[data-testid=schedule-day]"), json!(day.to_string())]).await.unwrap();
    organiser.execute(set, vec![json!("[data-testid=schedule-time]"), json!(time)]).await.unwrap();
    css(&organiser, "[data-testid=schedule-title]").await.send_keys("اجتماع لجنة المشتريات").await.unwrap();
    css(&organiser, "[data-testid=schedule-agenda]").await.send_keys("اعتماد العروض\nما يستجد من أعمال").await.unwrap();
    css(&organiser, "[data-testid=schedule-location]").await.send_keys("قاعة الاجتماعات الكبرى").await.unwrap();
    for (id, _) in &c.members {
        css(&organiser, &format!("[data-testid=schedule-invitee][value='{id}']")).await.click().await.unwrap();
    }
    css(&organiser, "[data-testid=schedule-guest-name]").await.send_keys("سارة العتيبي").await.unwrap();
    css(&organiser, "[data-testid=schedule-guest-email]").await.send_keys("sara@guest.sa").await.unwrap();
    shoot(&organiser, "meeting-new.ar").await;
    css(&organiser, "[data-testid=schedule-submit]").await.click().await.unwrap();
    css(&organiser, "[data-testid=meeting-room]").await;
    let room = organiser.current_url().await.unwrap().to_string();
    let id: tawasul_core::ids::MeetingId =
        room.rsplit('/').next().unwrap().parse().expect("the room's address names the meeting");
    let m = c.organiser.meeting(id).await.unwrap();
    assert_eq!((m.invitees.len(), m.agenda.len()), (3, 2), "two employees and the guest: {m:?}");
    shoot(&organiser, "meeting-room.organiser.ar").await;
    css(&organiser, "[data-testid=vote-new]").await.click().await.unwrap();
    css(&organiser, "[data-testid=vote-question]").await.send_keys("هل يُعتمد العرض الأول؟").await.unwrap();
    css(&organiser, "[data-testid=vote-options]").await.send_keys("نعم\nلا").await.unwrap();
    css(&organiser, "[data-testid=vote-quorum]").await.clear().await.unwrap();
    css(&organiser, "[data-testid=vote-quorum]").await.send_keys("1").await.unwrap();
    css(&organiser, "[data-testid=vote-open]").await.click().await.unwrap();
    wait_for_text(&organiser, "[data-testid=vote]", "هل يُعتمد العرض الأول؟").await;

    let member = d.browser(true).await;
    sign_in(&member, &base, "employee7701@entity.sa").await;
    member.goto(&room).await.unwrap();
    css(&member, "[data-testid=check-in]").await.click().await.unwrap();
    css(&member, "[data-testid=present]").await;
    css(&member, "[data-testid=note-body]").await.send_keys("أؤيد العرض الأول لأنه الأقل كلفة").await.unwrap();
    css(&member, "[data-testid=note-item]").await.select_by_value("0").await.unwrap();
    css(&member, "[data-testid=note-submit]").await.click().await.unwrap();
    wait_for_text(&member, "[data-testid=notes]", "أؤيد العرض الأول").await;
    css(&member, "[data-testid=option-0]").await.click().await.unwrap();
    css(&member, "[data-testid=ballot-submit]").await.click().await.unwrap();
    wait_for_text(&member, "[data-testid=turnout]", "1").await;
    assert!(
        member.find(Locator::Css("[data-testid=ballot-submit]")).await.is_ok(),
        "the form stays; a second ballot is refused"
    );
    css(&member, "[data-testid=ballot-submit]").await;
    shoot(&member, "meeting-room.member.ar").await;
    css(&member, "[data-testid=option-1]").await.click().await.unwrap();
    css(&member, "[data-testid=ballot-submit]").await.click().await.unwrap();
    let refusal = text_of(&member, ".error-summary").await;
    assert!(refusal.contains("سبق أن أدليت بصوتك"), "{refusal}");

    // The organiser's room, left open since the vote was opened, followed
    // the meeting live: the check-in, the opinion and the turnout, not reloaded.
    css(&organiser, "html[data-live=on]").await;
    wait_for_text(&organiser, "[data-testid=notes]", "أؤيد العرض الأول").await;
    wait_for_text(&organiser, "[data-testid=turnout]", "1").await;
    assert!(organiser.find(Locator::Css("[data-testid=attendance] time")).await.is_ok(), "the member's check-in time");
    shoot(&organiser, "meeting-room.live.ar").await;
    organiser.goto(&room).await.unwrap();
    css(&organiser, "[data-testid=vote-close]").await.click().await.unwrap();
    let outcome = text_of(&organiser, "[data-testid=vote-outcome]").await;
    assert!(outcome.contains("تقرر") && outcome.contains("نعم"), "{outcome}");
    css(&organiser, "[data-testid=minutes-body]").await.send_keys("حضر الأعضاء واعتُمد العرض الأول.").await.unwrap();
    css(&organiser, "[data-testid=minutes-save]").await.click().await.unwrap();
    css(&organiser, "[data-testid=minutes-approve]").await.click().await.unwrap();
    css(&organiser, "[data-testid=minutes-sealed]").await;
    assert!(organiser.find(Locator::Css("[data-testid=minutes-save]")).await.is_err(), "sealed minutes have no form");
    css(&organiser, "[data-testid=decision-text]").await.send_keys("اعتماد العرض الأول").await.unwrap();
    css(&organiser, "[data-testid=decision-submit]").await.click().await.unwrap();
    wait_for_text(&organiser, "[data-testid=decisions]", "اعتماد العرض الأول").await;
    shoot(&organiser, "meeting-room.closed.ar").await;
    css(&organiser, "[data-testid=register-link]").await.click().await.unwrap();
    let register = text_of(&organiser, "[data-testid=decisions-register]").await;
    assert!(register.contains("اعتماد العرض الأول") && register.contains("اجتماع لجنة المشتريات"), "{register}");
    shoot(&organiser, "decisions.ar").await;

    // The member's calendar: the meeting on its day, a reminder added by the
    // form, the week around it; Gregorian and Hijri side by side.
    member.goto(&format!("{base}/calendar")).await.unwrap();
    let meeting = css(&member, "[data-testid=calendar-meeting] a").await;
    assert_eq!(meeting.attr("href").await.unwrap().as_deref(), Some(format!("/meetings/{}", m.id).as_str()));
    let heading = text_of(&member, "[data-testid=calendar-heading]").await;
    assert!(heading.contains("1448"), "the Hijri month too: {heading}");
    let today = tawasul_core::dates::form_day(chrono::Utc::now());
    member
        .execute("document.querySelector('[data-testid=reminder-day]').value = arguments[0]", vec![json!(today)])
        .await
        .unwrap();
    member.execute("document.querySelector('[data-testid=reminder-time]').value = '23:50'", vec![]).await.unwrap();
    css(&member, "[data-testid=reminder-text]").await.send_keys("مراجعة محضر اللجنة").await.unwrap();
    css(&member, "[data-testid=reminder-submit]").await.click().await.unwrap();
    wait_for_text(&member, "[data-testid=calendar]", "مراجعة محضر اللجنة").await;
    shoot(&member, "calendar.month.ar").await;
    css(&member, "[data-testid=calendar-switch]").await.click().await.unwrap();
    css(&member, "table.calendar.week").await;
    assert!(text_of(&member, "[data-testid=calendar]").await.contains("اجتماع لجنة المشتريات"));
    shoot(&member, "calendar.week.ar").await;
    // In English, left to right: the same calendar and room.
    css(&member, "[data-testid=lang-toggle]").await.click().await.unwrap();
    css(&member, "html[lang=en][dir=ltr]").await;
    let heading = text_of(&member, "[data-testid=calendar-heading]").await;
    assert!(
        !heading.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "both calendars' months in English: {heading}"
    );
    shoot(&member, "calendar.week.en").await;
    member.goto(&room).await.unwrap();
    css(&member, "[data-testid=meeting-room]").await;
    shoot(&member, "meeting-room.member.en").await;

    // The guest's page, by the link their invitation carries.
    let mails = app.mails(1).await;
    let invitation = mails.iter().find(|m| m.contains("/guest/meetings/")).expect("the guest's invitation");
    let at = invitation.find("/guest/meetings/").unwrap() + "/guest/meetings/".len();
    let token: String =
        invitation[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || "-_".contains(*c)).collect();
    let guest = d.browser(true).await;
    guest.goto(&format!("{base}/guest/meetings/{token}")).await.unwrap();
    css(&guest, "[data-testid=guest-accept]").await.click().await.unwrap();
    // The answer is shown on the page the form comes back to.
    css(&guest, "[data-testid=guest-accept][aria-pressed=true]").await;
    css(&guest, "[data-testid=guest-check-in]").await.click().await.unwrap();
    css(&guest, "[data-testid=guest-present]").await;
    shoot(&guest, "guest-meeting.ar").await;
    for b in [organiser, member, guest] {
        b.close().await.unwrap();
    }
}
