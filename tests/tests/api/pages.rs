//! The web pages over plain HTTP, as a browser without JavaScript uses them:
//! a cookie jar, forms posted as `application/x-www-form-urlencoded`, redirects
//! followed by hand. What each person's pages show (never an internal comment
//! to a beneficiary, in the whole HTML), the CSRF refusals, one session for the
//! cookie and the tokens, and a request opened from the form.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::json;
use tawasul_core::api::TransactionTypeView;
use tawasul_core::ids::TransactionId;

use crate::helpers::*;
use crate::transactions::{request, setup};
use crate::{on_both_backends, on_both_backends_with};

on_both_backends!(
    pages_show_each_person_only_what_they_may_see,
    forms_without_their_csrf_token_are_refused,
    signing_out_of_the_pages_ends_the_session_everywhere,
    a_request_opened_from_the_form_has_its_reference_and_fields,
    a_beneficiary_registers_from_the_form,
    an_employee_takes_steps_from_the_transaction_page,
    documents_and_voice_notes_from_the_page_reach_only_their_audience,
    a_supervisor_assigns_and_a_beneficiary_rates_and_reopens_from_the_page,
    notices_and_notification_settings_from_the_pages,
    a_transaction_is_found_by_its_reference_from_the_page,
    a_beneficiary_verifies_their_e_mail_from_the_account_page,
    each_person_s_own_record_is_on_their_account_page,
    the_archive_search_page_shows_each_person_only_what_they_could_open,
    the_audit_page_lists_and_verifies_the_trail_for_those_who_read_it,
    the_directory_lists_entities_and_their_requests,
    an_entity_admin_builds_the_organisation_from_the_pages,
    a_forgotten_password_is_reset_from_the_sign_in_page,
    every_page_asks_whether_it_was_useful_and_the_answers_are_counted,
    a_request_prints_its_summary_without_any_internal_comment,
    the_platform_admin_registers_entities_and_regulators_from_the_pages,
    a_draft_is_kept_resumed_sent_and_seen_by_its_author_alone,
    the_overview_counts_an_entitys_transactions_for_those_who_oversee_it,
);

/// A browser without JavaScript: cookies kept, redirects not followed.
pub struct Page {
    base: String,
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

pub struct Answer {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl Page {
    pub fn new(app: &TestApp) -> Page {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Page { base: app.client.base_url().to_owned(), http, cookies: BTreeMap::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn keep(&mut self, res: reqwest::Response) -> Answer {
        for c in res.headers().get_all(SET_COOKIE) {
            let c = c.to_str().unwrap();
            let pair = c.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() || c.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        let status = res.status();
        let location = res.headers().get(LOCATION).map(|l| l.to_str().unwrap().to_owned());
        Answer { status, location, body: res.text().await.unwrap() }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let res =
            self.http.get(format!("{}{path}", self.base)).header(COOKIE, self.cookie_header()).send().await.unwrap();
        self.keep(res).await
    }

    fn posting(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.post(format!("{}{path}", self.base)).header(COOKIE, self.cookie_header())
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        let res = self.posting(path).form(form).send().await.unwrap();
        self.keep(res).await
    }

    /// Sends a form with a file, as a browser's `multipart/form-data`.
    pub async fn upload(&mut self, path: &str, form: reqwest::multipart::Form) -> Answer {
        let res = self.posting(path).multipart(form).send().await.unwrap();
        self.keep(res).await
    }

    /// Sends a body as it is (the recorder's audio), with its type.
    pub async fn send(&mut self, path: &str, content_type: &str, body: Vec<u8>) -> Answer {
        let res =
            self.posting(path).header(reqwest::header::CONTENT_TYPE, content_type).body(body).send().await.unwrap();
        self.keep(res).await
    }

    /// The bytes at `path`.
    pub async fn bytes(&mut self, path: &str) -> (StatusCode, Vec<u8>) {
        let res =
            self.http.get(format!("{}{path}", self.base)).header(COOKIE, self.cookie_header()).send().await.unwrap();
        (res.status(), res.bytes().await.unwrap().to_vec())
    }

    /// Signs in through the form, as a person would.
    pub async fn sign_in(app: &TestApp, login: &str) -> Page {
        let mut p = Page::new(app);
        let form = p.get("/sign-in").await;
        let csrf = csrf_of(&form.body);
        let done = p.post("/sign-in", &[("login", login), ("password", PASSWORD), ("csrf", &csrf)]).await;
        assert_eq!(
            (done.status, done.location.as_deref()),
            (StatusCode::SEE_OTHER, Some("/transactions")),
            "{}",
            done.body
        );
        p
    }
}

/// The CSRF token of the first form on a page.
pub fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a form with a CSRF token") + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_owned()
}

async fn pages_show_each_person_only_what_they_may_see(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 91).await;
    let (ben, _) = app.beneficiary(9100).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    let employee = &s.employees[0].1;
    employee.comment(t.id, "internal", "ملاحظةسرية لا يراها المستفيد").await.unwrap();
    employee.comment(t.id, "external", "نرجو إرفاق صورة الهوية").await.unwrap();

    let mut ben_page = Page::sign_in(&app, "sara9100@example.sa").await;
    let list = ben_page.get("/transactions").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("data-testid=\"tx-row\"") && list.body.contains(&t.reference), "{}", list.body);
    for lang in ["ar", "en"] {
        ben_page.get(&format!("/language?to={lang}&back=/")).await;
        let page = ben_page.get(&format!("/transactions/{}", t.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(&format!("<html lang=\"{lang}\"")), "{}", &page.body[..200]);
        assert!(page.body.contains("نرجو إرفاق صورة الهوية"));
        // Not the text, not its marker, not the composer's internal choice.
        assert!(!page.body.contains("ملاحظةسرية"), "an internal comment reached the beneficiary's page");
        assert!(!page.body.contains("class=\"event internal"), "{}", page.body);
        assert!(!page.body.contains("value=\"internal\""));
    }

    let mut staff_page = Page::sign_in(&app, "employee9100@entity.sa").await;
    let inbox = staff_page.get("/transactions").await;
    assert!(inbox.body.contains(&t.reference));
    let page = staff_page.get(&format!("/transactions/{}", t.id)).await;
    assert!(page.body.contains("ملاحظةسرية لا يراها المستفيد"));
    // Internal notes are marked by words and a class, not colour alone.
    let note = page.body.find("ملاحظةسرية").unwrap();
    let item = page.body[..note].rfind("<li").unwrap();
    assert!(page.body[item..note].contains("class=\"event internal"), "{}", &page.body[item..note]);
    assert!(page.body[item..note].contains("badge-internal"));

    // Someone else's transaction is not found, as in the API.
    let (_, _) = app.beneficiary(9101).await;
    let mut other = Page::sign_in(&app, "sara9101@example.sa").await;
    assert_eq!(other.get(&format!("/transactions/{}", t.id)).await.status, StatusCode::NOT_FOUND);
}

async fn forms_without_their_csrf_token_are_refused(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 92).await;
    let (ben, _) = app.beneficiary(9200).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    let mut p = Page::sign_in(&app, "sara9200@example.sa").await;
    let path = format!("/transactions/{}/comments", t.id);
    assert_eq!(p.post(&path, &[("body", "بدون رمز")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(p.post(&path, &[("body", "برمز خاطئ"), ("csrf", "abc")]).await.status, StatusCode::FORBIDDEN);
    // The token of another session does not do either.
    let mut q = Page::sign_in(&app, "sara9200@example.sa").await;
    let theirs = csrf_of(&q.get(&format!("/transactions/{}", t.id)).await.body);
    assert_eq!(p.post(&path, &[("body", "برمز جلسة أخرى"), ("csrf", &theirs)]).await.status, StatusCode::FORBIDDEN);
    let timeline = ben.timeline(t.id).await.unwrap();
    assert!(timeline.iter().all(|e| e.kind != tawasul_core::events::EventKind::Comment), "a refused form wrote");
    // With its own token the same form goes through.
    let mine = csrf_of(&p.get(&format!("/transactions/{}", t.id)).await.body);
    let sent = p.post(&path, &[("body", "برمزي الصحيح"), ("csrf", &mine)]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    // The sign-in form checks its own token against its cookie.
    let mut fresh = Page::new(&app);
    let refused =
        fresh.post("/sign-in", &[("login", "sara9200@example.sa"), ("password", PASSWORD), ("csrf", "x")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!fresh.cookies.contains_key("tawasul_session"));
}

async fn signing_out_of_the_pages_ends_the_session_everywhere(app: TestApp) {
    app.beneficiary(9300).await;
    let mut p = Page::sign_in(&app, "sara9300@example.sa").await;
    let token: serde_json::Value = serde_json::from_str(&p.get("/session/token").await.body).unwrap();
    let api = app.client.with_token(token["token"].as_str().unwrap().to_owned());
    assert!(api.me().await.is_ok());
    let csrf = csrf_of(&p.get("/transactions").await.body);
    let out = p.post("/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!((out.status, out.location.as_deref()), (StatusCode::SEE_OTHER, Some("/sign-in")));
    // The page's cookie is dropped; a copy of it kept elsewhere opens nothing,
    // and the tokens of the same session are refused too.
    assert!(!p.cookies.contains_key("tawasul_session"));
    let mut copy = Page::sign_in(&app, "sara9300@example.sa").await;
    copy.cookies = p.cookies.clone();
    let signed_out = copy.get("/transactions").await;
    assert_eq!((signed_out.status, signed_out.location.as_deref()), (StatusCode::SEE_OTHER, Some("/sign-in")));
    assert!(api.me().await.is_err());
    // A forged cookie is refused alike.
    let mut forged = Page::new(&app);
    forged.cookies.insert("tawasul_session".into(), format!("{}.{}.00", uuid::Uuid::now_v7(), uuid::Uuid::now_v7()));
    assert_eq!(forged.get("/transactions").await.location.as_deref(), Some("/sign-in"));
}

async fn a_request_opened_from_the_form_has_its_reference_and_fields(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 94).await;
    let (ben, _) = app.beneficiary(9400).await;
    let mut p = Page::sign_in(&app, "sara9400@example.sa").await;
    let (entity, ty) = (s.entity.id.to_string(), s.type_id.to_string());
    let form = p.get(&format!("/transactions/new?entity={entity}&type={ty}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"fields.preferred_date\"") && form.body.contains("التاريخ المفضل"));
    let csrf = csrf_of(&form.body);
    let base = [("csrf", csrf.as_str()), ("entity", &entity), ("type", &ty), ("priority", "urgent")];
    // Without the required field: the form again, the field named in the summary, nothing opened.
    let mut missing = base.to_vec();
    missing.extend([("subject", "طلب موعد عاجل"), ("body", "أحتاج موعداً هذا الأسبوع")]);
    let refused = p.post("/transactions/new", &missing).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#fields.preferred_date\""), "{}", refused.body);
    assert!(refused.body.contains("id=\"fields.preferred_date-error\""), "named beside the field too");
    assert!(refused.body.contains("value=\"طلب موعد عاجل\""), "what was typed is kept");
    assert_eq!(ben.list_transactions("").await.unwrap().items.len(), 0);
    let mut complete = missing.clone();
    complete.push(("fields.preferred_date", "2026-12-20"));
    // Check your answers: shown as they will be sent, nothing opened yet.
    let check = p.post("/transactions/new", &complete).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    assert!(check.body.contains("data-testid=\"check-answers\"") && check.body.contains("2026-12-20"));
    assert!(check.body.contains("طلب موعد عاجل") && check.body.contains("جهة رقم 94"), "{}", check.body);
    assert_eq!(ben.list_transactions("").await.unwrap().items.len(), 0);
    // Back to change them: the form again, filled in.
    let mut change = complete.clone();
    change.push(("change", "1"));
    let again = p.post("/transactions/new", &change).await;
    assert!(again.body.contains("value=\"2026-12-20\"") && again.body.contains("data-testid=\"tx-submit\""));
    // Sent from the check step's form, with no document chosen (a browser
    // still sends the empty file input).
    assert!(check.body.contains(&format!("action=\"/transactions/new/send?csrf={csrf}\"")));
    let opened = send_request(&mut p, &csrf, &complete, vec![("documents", "", vec![])]).await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    assert!(!opened.body.contains("data-testid=\"tx-documents\""));
    let mine = ben.list_transactions("").await.unwrap().items;
    assert_eq!(mine.len(), 1);
    assert!(opened.body.contains(&mine[0].reference) && opened.body.contains("data-testid=\"tx-reference\""));
    assert_eq!(mine[0].fields.get("preferred_date"), Some(&json!("2026-12-20")));
    assert_eq!(mine[0].priority.as_str(), "urgent");
    let id: TransactionId = mine[0].id;
    assert!(p.get(&format!("/transactions/{id}")).await.body.contains("طلب موعد عاجل"));
}

/// The registration form's fields for `r`, with this CSRF token.
fn registration_form(r: &tawasul_core::api::RegisterRequest, csrf: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_owned()),
        ("name_ar", r.name_ar.clone()),
        ("name_en", r.name_en.clone()),
        ("id_type", r.id_type.clone()),
        ("id_number", r.id_number.clone()),
        ("mobile", r.mobile.clone()),
        ("email", r.email.clone()),
        ("residence", r.residence.clone()),
        ("language", "ar".to_owned()),
        ("password", r.password.clone()),
    ]
}

fn refs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn a_beneficiary_registers_from_the_form(app: TestApp) {
    let r = registration(9500);
    let mut p = Page::new(&app);
    let form = p.get("/register").await;
    assert_eq!(form.status, StatusCode::OK);
    // A wrong ID number and a short password: both named, beside the field and in the summary.
    let wrong =
        tawasul_core::api::RegisterRequest { id_number: "1234567890".into(), password: "short".into(), ..r.clone() };
    let refused = p.post("/register", &refs(&registration_form(&wrong, &csrf_of(&form.body)))).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    for field in ["id_number", "password"] {
        assert!(refused.body.contains(&format!("href=\"#{field}\"")), "{field}: {}", refused.body);
        assert!(refused.body.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    assert!(refused.body.contains(&format!("value=\"{}\"", r.email)), "what was typed is kept");
    assert!(!refused.body.contains("value=\"short\""), "a password is never sent back");
    assert!(app.client.login(&r.email, PASSWORD).await.is_err(), "nothing was registered");
    // Right: signed in at once, on their list.
    let done = p.post("/register", &refs(&registration_form(&r, &csrf_of(&refused.body)))).await;
    assert_eq!(
        (done.status, done.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/transactions")),
        "{}",
        done.body
    );
    let list = p.get("/transactions").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&r.name_ar));
    assert!(app.client.login(&r.email, PASSWORD).await.is_ok());
    // The same person again: refused without saying which identifier exists.
    let mut again = Page::new(&app);
    let csrf = csrf_of(&again.get("/register").await.body);
    assert_eq!(again.post("/register", &refs(&registration_form(&r, &csrf))).await.status, StatusCode::CONFLICT);
}

async fn an_employee_takes_steps_from_the_transaction_page(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 98).await;
    let (ben, _) = app.beneficiary(9800).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    let path = format!("/transactions/{}", t.id);
    // The beneficiary is offered no step; the assignee the ones their permissions allow.
    let mut mine = Page::sign_in(&app, "sara9800@example.sa").await;
    assert!(!mine.get(&path).await.body.contains("data-testid=\"step-"));
    let mut staff = Page::sign_in(&app, "employee9800@entity.sa").await;
    let page = staff.get(&path).await.body;
    for step in ["complete", "await"] {
        assert!(page.contains(&format!("data-testid=\"step-{step}\"")), "{step}");
    }
    // An employee holds no `transaction.postpone`: not offered, and refused when posted.
    assert!(!page.contains("data-testid=\"step-postpone\""));
    let csrf = csrf_of(&page);
    let until = [("csrf", csrf.as_str()), ("until", "2030-01-01"), ("reason", "إجازة")];
    assert_eq!(staff.post(&format!("{path}/steps/postpone"), &until).await.status, StatusCode::FORBIDDEN);
    // A step the server refuses whatever the page shows: the beneficiary posting one.
    let theirs = csrf_of(&mine.get(&path).await.body);
    let refused = mine.post(&format!("{path}/steps/complete"), &[("csrf", &theirs)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // A request for information without its message: the field named, nothing changed.
    let no_message = staff.post(&format!("{path}/steps/await"), &[("csrf", &csrf), ("message", "")]).await;
    assert_eq!(no_message.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_message.body.contains("href=\"#await-message\""), "{}", no_message.body);
    assert_eq!(ben.get_transaction(t.id).await.unwrap().status.as_str(), "assigned");
    // Completed with a note: closed, and no step is offered any more.
    let done = staff.post(&format!("{path}/steps/complete"), &[("csrf", &csrf), ("note", "تم إنجاز طلبكم")]).await;
    assert_eq!((done.status, done.location.as_deref()), (StatusCode::SEE_OTHER, Some(path.as_str())));
    assert_eq!(ben.get_transaction(t.id).await.unwrap().status.as_str(), "completed");
    let closed = staff.get(&path).await.body;
    assert!(!closed.contains("data-testid=\"step-") && closed.contains("status-completed"));
    assert!(mine.get(&path).await.body.contains("تم إنجاز طلبكم"));
}

/// The first address after `marker` on a page, up to the next quote.
fn address_after(html: &str, marker: &str) -> String {
    let at = html.find(marker).unwrap_or_else(|| panic!("no {marker} in {html}")) + marker.len();
    html[at..].split('"').next().unwrap().to_owned()
}

/// Every document link of a page.
fn document_links(html: &str) -> Vec<String> {
    html.split("href=\"/attachments/")
        .skip(1)
        .map(|rest| format!("/attachments/{}", rest.split('"').next().unwrap()))
        .collect()
}

fn file(name: &str, bytes: &[u8]) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned())
}

/// The check step's send form as a browser sends it: the answers (hidden
/// inputs) first, then each file input's file (input, file name, bytes).
async fn send_request(p: &mut Page, csrf: &str, answers: &[(&str, &str)], files: Vec<(&str, &str, Vec<u8>)>) -> Answer {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in answers.iter().filter(|(k, _)| *k != "csrf") {
        form = form.text(k.to_string(), v.to_string());
    }
    for (input, name, bytes) in files {
        form = form.part(input.to_owned(), file(name, &bytes));
    }
    p.upload(&format!("/transactions/new/send?csrf={csrf}"), form).await
}

async fn documents_and_voice_notes_from_the_page_reach_only_their_audience(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 87).await;
    let (ben, _) = app.beneficiary(8700).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    let path = format!("/transactions/{}", t.id);
    let mut mine = Page::sign_in(&app, "sara8700@example.sa").await;
    let csrf = csrf_of(&mine.get(&path).await.body);

    // Without its token, nothing is stored.
    let forged = mine
        .upload(
            &format!("{path}/attachments"),
            reqwest::multipart::Form::new().part("file", file("x.pdf", b"%PDF-1.4 x")),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Sent with no file chosen: the field is named, on the page.
    let empty = reqwest::multipart::Form::new().part("file", file("", b""));
    let refused = mine.upload(&format!("{path}/attachments?csrf={csrf}"), empty).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("id=\"attach-file-error\"") && refused.body.contains("href=\"#attach-file\""));
    assert!(ben.timeline(t.id).await.unwrap().iter().all(|e| e.kind.as_str() != "attachment"));

    // A document from the form: on the timeline as a link, and the same bytes back.
    let pdf = b"%PDF-1.4 \xd8\xb5\xd9\x88\xd8\xb1\xd8\xa9 \xd8\xa7\xd9\x84\xd9\x87\xd9\x88\xd9\x8a\xd8\xa9".to_vec();
    let form = reqwest::multipart::Form::new().part("file", file("صورة الهوية.pdf", &pdf));
    let sent = mine.upload(&format!("{path}/attachments?csrf={csrf}"), form).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let page = mine.get(&path).await.body;
    assert!(page.contains("صورة الهوية.pdf"), "{page}");
    let links = document_links(&page);
    assert_eq!(links.len(), 1, "{page}");
    assert_eq!(mine.bytes(&links[0]).await, (StatusCode::OK, pdf.clone()));

    // Staff attach a document for themselves: the beneficiary neither sees it
    // nor can fetch it by its address.
    let mut staff = Page::sign_in(&app, "employee8700@entity.sa").await;
    let staff_csrf = csrf_of(&staff.get(&path).await.body);
    let form = reqwest::multipart::Form::new()
        .text("visibility", "internal")
        .part("file", file("تقرير-داخلي.pdf", b"%PDF-1.4 internal"));
    assert_eq!(
        staff.upload(&format!("{path}/attachments?csrf={staff_csrf}"), form).await.status,
        StatusCode::SEE_OTHER
    );
    let staff_page = staff.get(&path).await.body;
    assert!(staff_page.contains("تقرير-داخلي.pdf"));
    let internal_link = document_links(&staff_page).into_iter().find(|l| *l != links[0]).expect("the internal link");
    let theirs = mine.get(&path).await.body;
    assert!(!theirs.contains("تقرير-داخلي") && document_links(&theirs) == links);
    assert_eq!(mine.bytes(&internal_link).await.0, StatusCode::NOT_FOUND);
    assert_eq!(staff.bytes(&internal_link).await.0, StatusCode::OK);
    // A beneficiary asking for an internal document in the form is refused.
    let form =
        reqwest::multipart::Form::new().text("visibility", "internal").part("file", file("y.pdf", b"%PDF-1.4 y"));
    assert_eq!(mine.upload(&format!("{path}/attachments?csrf={csrf}"), form).await.status, StatusCode::FORBIDDEN);

    // A voice note from the page's recorder (its body is the audio), played
    // back from the page to the beneficiary.
    let r = tawasul_tests::speech::record().unwrap();
    let webm = std::fs::read(&r.webm).unwrap();
    assert_eq!(mine.send(&format!("{path}/voice"), "audio/webm", webm.clone()).await.status, StatusCode::FORBIDDEN);
    let recorded = mine.send(&format!("{path}/voice?csrf={csrf}"), "audio/webm", webm).await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
    let page = mine.get(&path).await.body;
    assert!(page.contains("data-testid=\"voice-player\""), "{page}");
    let src = address_after(&page, "<audio controls preload=\"none\" src=\"");
    let (status, ogg) = mine.bytes(&src).await;
    assert_eq!(status, StatusCode::OK);
    assert!(tawasul_tests::speech::played_ms(&ogg).unwrap() > 500);
    // Staff's internal recording is not on the beneficiary's page, nor theirs to play.
    let wav = std::fs::read(&r.wav).unwrap();
    let internal = staff.send(&format!("{path}/voice?csrf={staff_csrf}&visibility=internal"), "audio/wav", wav).await;
    assert_eq!(internal.status, StatusCode::CREATED, "{}", internal.body);
    let id: serde_json::Value = serde_json::from_str(&internal.body).unwrap();
    let internal_src = format!("/voice/{}", id["id"].as_str().unwrap());
    assert_eq!(mine.bytes(&internal_src).await.0, StatusCode::NOT_FOUND);
    assert_eq!(mine.get(&path).await.body.matches("data-testid=\"voice-player\"").count(), 1);
    assert_eq!(staff.get(&path).await.body.matches("data-testid=\"voice-player\"").count(), 2);

    // Without the script: the recording chosen as a file, in a plain form.
    let ogg_file = |bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("تسجيل.ogg").mime_str("audio/ogg").unwrap();
        reqwest::multipart::Form::new().part("audio", part)
    };
    let forged = mine.upload(&format!("{path}/voice-file"), ogg_file(ogg.clone())).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let sent = mine.upload(&format!("{path}/voice-file?csrf={csrf}"), ogg_file(ogg)).await;
    assert_eq!(sent.location.as_deref(), Some(path.as_str()), "{}", sent.body);
    assert_eq!(mine.get(&path).await.body.matches("data-testid=\"voice-player\"").count(), 2);
    // Not audio: refused beside the file input, nothing kept.
    let bad = mine.upload(&format!("{path}/voice-file?csrf={csrf}"), ogg_file(b"not audio".to_vec())).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", &bad.body[..200.min(bad.body.len())]);
    assert!(bad.body.contains("id=\"audio-error\"") && bad.body.contains("href=\"#audio\""));
    assert_eq!(mine.get(&path).await.body.matches("data-testid=\"voice-player\"").count(), 2);
    // A beneficiary's file cannot be internal.
    let internal = reqwest::multipart::Form::new().text("visibility", "internal").part(
        "audio",
        reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("a.ogg").mime_str("audio/ogg").unwrap(),
    );
    assert_eq!(mine.upload(&format!("{path}/voice-file?csrf={csrf}"), internal).await.status, StatusCode::FORBIDDEN);
}

async fn a_supervisor_assigns_and_a_beneficiary_rates_and_reopens_from_the_page(app: TestApp) {
    let s = setup(&app, 2, "round_robin", 86).await;
    let (ben, _) = app.beneficiary(8600).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    let path = format!("/transactions/{}", t.id);
    let first = t.assignee.as_ref().unwrap().id;
    let (other, other_client) = s.employees.iter().find(|(id, _)| *id != first).unwrap();

    // The supervisor is offered the department's people, and gives it to the other one.
    let mut sup = Page::sign_in(&app, "employee8699@entity.sa").await;
    let page = sup.get(&path).await.body;
    assert!(page.contains("data-testid=\"step-assign\""), "{page}");
    assert!(page.contains(&format!("<option value=\"{other}\"")));
    let csrf = csrf_of(&page);
    let none = sup.post(&format!("{path}/steps/assign"), &[("csrf", &csrf), ("employee", "")]).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("href=\"#assign-employee\"") && none.body.contains("<details class=\"step-form\" open"));
    let given = sup.post(&format!("{path}/steps/assign"), &[("csrf", &csrf), ("employee", &other.to_string())]).await;
    assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.body);
    assert_eq!(ben.get_transaction(t.id).await.unwrap().assignee.unwrap().id, *other);
    // An employee is not offered the assignment, and is refused it.
    let mut emp = Page::sign_in(
        &app,
        &format!("employee{}@entity.sa", 8600 + s.employees.iter().position(|(id, _)| id == other).unwrap()),
    )
    .await;
    let emp_page = emp.get(&path).await.body;
    assert!(!emp_page.contains("data-testid=\"step-assign\""));
    let emp_csrf = csrf_of(&emp_page);
    let taken =
        emp.post(&format!("{path}/steps/assign"), &[("csrf", &emp_csrf), ("employee", &first.to_string())]).await;
    assert_eq!(taken.status, StatusCode::FORBIDDEN);
    other_client.step(t.id, "complete", &json!({"note": "تم"})).await.unwrap();

    // Closed: the beneficiary may rate it once and reopen it.
    let mut mine = Page::sign_in(&app, "sara8600@example.sa").await;
    let page = mine.get(&path).await.body;
    assert!(page.contains("data-testid=\"step-rate\"") && page.contains("data-testid=\"step-reopen\""), "{page}");
    let csrf = csrf_of(&page);
    let no_stars = mine.post(&format!("{path}/steps/rate"), &[("csrf", &csrf), ("stars", "")]).await;
    assert_eq!(no_stars.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rated =
        mine.post(&format!("{path}/steps/rate"), &[("csrf", &csrf), ("stars", "5"), ("comment", "خدمة سريعة")]).await;
    assert_eq!(rated.status, StatusCode::SEE_OTHER, "{}", rated.body);
    assert_eq!(ben.get_transaction(t.id).await.unwrap().rating, Some(5));
    let page = mine.get(&path).await.body;
    assert!(!page.contains("data-testid=\"step-rate\""), "rated once: not offered again");
    let again = mine.post(&format!("{path}/steps/rate"), &[("csrf", &csrf), ("stars", "1")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let reopened = mine.post(&format!("{path}/steps/reopen"), &[("csrf", &csrf), ("reason", "لم يصلني الموعد")]).await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER, "{}", reopened.body);
    assert!(!ben.get_transaction(t.id).await.unwrap().status.is_closed());
}

async fn notices_and_notification_settings_from_the_pages(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 85).await;
    let (ben, _) = app.beneficiary(8500).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    s.employees[0].1.comment(t.id, "internal", "ملاحظةداخلية للموظفين").await.unwrap();
    s.employees[0].1.comment(t.id, "external", "نرجو إرفاق الهوية").await.unwrap();
    let mut mine = Page::sign_in(&app, "sara8500@example.sa").await;
    // The notifier works from the log: wait for the reply's notice.
    let started = std::time::Instant::now();
    let page = loop {
        let page = mine.get("/notifications").await;
        assert_eq!(page.status, StatusCode::OK);
        if page.body.matches("data-testid=\"notice\"").count() >= 2 {
            break page.body;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "{}", page.body);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(page.contains(&t.reference) && page.contains(&format!("href=\"/transactions/{}\"", t.id)), "{page}");
    assert!(page.contains("class=\"notice-item unread\""));
    // The header counts them on every page.
    let unread = page.matches("class=\"notice-item unread\"").count();
    let header = mine.get("/transactions").await.body;
    assert!(header.contains(&format!("data-testid=\"unread-count\">{unread}<")), "{header}");
    assert!(!page.contains("ملاحظةداخلية"), "an internal comment reached a notice");
    let csrf = csrf_of(&page);
    assert_eq!(mine.post("/notifications/read", &[("csrf", "forged")]).await.status, StatusCode::FORBIDDEN);
    let read = mine.post("/notifications/read", &[("csrf", &csrf)]).await;
    assert_eq!(read.location.as_deref(), Some("/notifications"));
    let page = mine.get("/notifications").await.body;
    assert!(!page.contains("unread") && !page.contains("data-testid=\"notices-mark-all\""), "{page}");

    // Settings: the kinds a beneficiary can hear of, the receipt's SMS fixed on.
    let settings = mine.get("/settings/notifications").await.body;
    assert!(settings.contains("data-testid=\"pref-completed-email\"") && !settings.contains("pref-assigned-"));
    let receipt = settings.split("data-testid=\"pref-transaction_created-sms\"").next().unwrap();
    assert!(receipt.rsplit("<input").next().unwrap().contains("disabled"));
    // E-mail off for completions, SMS off altogether.
    let mut form: Vec<(String, String)> = vec![("csrf".into(), csrf.clone())];
    form.extend(["channel-email", "channel-in_app"].map(|c| (c.to_owned(), "on".to_owned())));
    for kind in ["external_reply", "awaiting_beneficiary", "completed", "rejected"] {
        for channel in ["email", "sms", "in_app"] {
            if !(kind == "completed" && channel == "email") {
                form.push((format!("{kind}-{channel}"), "on".into()));
            }
        }
    }
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = mine.post("/settings/notifications", &fields).await;
    assert_eq!(saved.location.as_deref(), Some("/settings/notifications?saved=1"), "{}", saved.body);
    let res = ben.request(reqwest::Method::GET, "/api/v1/me/notification-preferences").send().await.unwrap();
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["channels"], json!({"email": true, "sms": false, "in_app": true}));
    assert_eq!(p["events"]["completed"], json!(["sms", "in_app"]));
    assert!(p["events"].get("external_reply").is_none(), "every box ticked: every channel, as by default");
    let settings = mine.get("/settings/notifications?saved=1").await.body;
    assert!(settings.contains("data-testid=\"preferences-saved\""));
    let email = settings.split("data-testid=\"pref-completed-email\"").next().unwrap();
    assert!(!email.rsplit("<input").next().unwrap().contains("checked"));
}

async fn a_transaction_is_found_by_its_reference_from_the_page(app: TestApp) {
    let one = setup(&app, 1, "round_robin", 84).await;
    let two = setup(&app, 1, "round_robin", 83).await;
    let (ben, _) = app.beneficiary(8400).await;
    app.beneficiary(8401).await;
    let t = ben.create_transaction(&request(one.entity.id, one.type_id, 1)).await.unwrap();
    let mut mine = Page::sign_in(&app, "sara8400@example.sa").await;
    let found = |reference: &str, year: &str| {
        let url = reqwest::Url::parse_with_params("http://x/lookup", [("reference", reference), ("hijri_year", year)]);
        format!("/lookup?{}", url.unwrap().query().unwrap())
    };
    // As the receipt writes it, or the number alone with its year.
    let (year, number) = t.reference.split_once('-').unwrap();
    for path in [found(&t.reference, ""), found(number.trim_start_matches('0'), year)] {
        let res = mine.get(&path).await;
        assert_eq!(res.location, Some(format!("/transactions/{}", t.id)), "{path}: {}", res.body);
    }
    // Nonsense is named on the form; someone else's number is not found.
    let bad = mine.get(&found("رقم", "")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("href=\"#reference\"") && bad.body.contains("aria-invalid=\"true\""), "{}", bad.body);
    let mut them = Page::sign_in(&app, "sara8401@example.sa").await;
    let not_theirs = them.get(&found(&t.reference, "")).await;
    assert_eq!(not_theirs.status, StatusCode::NOT_FOUND);
    assert!(not_theirs.body.contains("id=\"reference-error\""));
    // The same number at two entities: the page asks which, and each choice finds its own.
    let at_two = ben.create_transaction(&request(two.entity.id, two.type_id, 1)).await.unwrap();
    assert_eq!(t.reference, at_two.reference, "the first transaction of the year at each entity");
    let ambiguous = mine.get(&found(&t.reference, "")).await;
    assert_eq!(ambiguous.status, StatusCode::CONFLICT, "{}", ambiguous.body);
    let choices: Vec<String> = ambiguous
        .body
        .split("<a href=\"/lookup?")
        .skip(1)
        .map(|rest| format!("/lookup?{}", rest.split('"').next().unwrap().replace("&#38;", "&").replace("&amp;", "&")))
        .collect();
    assert_eq!(choices.len(), 2, "{}", ambiguous.body);
    let mut reached = vec![];
    for c in choices {
        let res = mine.get(&c).await;
        reached.push(res.location.unwrap_or_else(|| panic!("{c}: {}", res.body)));
    }
    reached.sort();
    let mut expected = vec![format!("/transactions/{}", t.id), format!("/transactions/{}", at_two.id)];
    expected.sort();
    assert_eq!(reached, expected);
}

async fn a_beneficiary_verifies_their_e_mail_from_the_account_page(app: TestApp) {
    app.beneficiary(8200).await;
    let mut mine = Page::sign_in(&app, "sara8200@example.sa").await;
    let page = mine.get("/account").await.body;
    assert!(
        page.contains("data-testid=\"unverified-email\"") && page.contains("data-testid=\"unverified-sms\""),
        "{page}"
    );
    let csrf = csrf_of(&page);
    assert_eq!(
        mine.post("/account/code", &[("csrf", "forged"), ("channel", "email")]).await.status,
        StatusCode::FORBIDDEN
    );
    let sent = mine.post("/account/code", &[("csrf", &csrf), ("channel", "email")]).await;
    assert_eq!(sent.location.as_deref(), Some("/account?sent=email#code-email"), "{}", sent.body);
    assert!(mine.get("/account?sent=email").await.body.contains("data-testid=\"code-email\""));
    let mails = app.mails(1).await;
    let code: String = mails[0]
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a six-digit code in the e-mail")
        .to_owned();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = mine.post("/account/verify", &[("csrf", &csrf), ("channel", "email"), ("code", wrong)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"code-email-error\"") && refused.body.contains("href=\"#code-email\""),
        "{}",
        refused.body
    );
    let done = mine.post("/account/verify", &[("csrf", &csrf), ("channel", "email"), ("code", &code)]).await;
    assert_eq!(done.location.as_deref(), Some("/account?verified=email"), "{}", done.body);
    let page = mine.get("/account?verified=email").await.body;
    assert!(page.contains("data-testid=\"verified-email\"") && page.contains("data-testid=\"unverified-sms\""));
}

/// The figure a page shows under `data-figure="{name}"`, as shown.
fn figure_text(html: &str, name: &str) -> String {
    let at = html.split(&format!("data-figure=\"{name}\">")).nth(1).unwrap_or_else(|| panic!("no {name} figure"));
    at.split('<').next().unwrap().to_owned()
}

async fn each_person_s_own_record_is_on_their_account_page(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 54).await;
    let (ben, _) = app.beneficiary(5400).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    ben.create_transaction(&request(s.entity.id, s.type_id, 2)).await.unwrap();
    s.employees[0].1.step(t.id, "complete", &serde_json::json!({})).await.unwrap();
    // The same figures as `/me/stats`: the beneficiary's two, the one
    // employee's two held, each with the time present.
    let own = ben.my_stats("").await.unwrap().figures;
    let page = Page::sign_in(&app, "sara5400@example.sa").await.get("/account").await.body;
    assert!(page.contains("data-testid=\"own-record\""), "{page}");
    assert_eq!((figure(&page, "total"), figure(&page, "completed")), (own.total, own.completed));
    assert_eq!((own.total, own.completed, own.open), (2, 1, 1));
    assert_eq!(figure_text(&page, "completion_rate"), "50%");
    assert!(!figure_text(&page, "active").is_empty());
    let staff = Page::sign_in(&app, "employee5400@entity.sa").await.get("/account").await.body;
    assert_eq!(figure(&staff, "total"), 2);
    // A regulator opens and holds none: no record.
    app.platform.create_regulator(&crate::audit::regulator_of(5401, s.entity.id)).await.unwrap();
    let theirs = Page::sign_in(&app, "reg5401@nazaha.sa").await.get("/account").await.body;
    assert!(theirs.contains("data-testid=\"verified-") || theirs.contains("data-testid=\"unverified-"), "{theirs}");
    assert!(!theirs.contains("own-record"), "{theirs}");
}

/// The text of the hits a search page lists.
fn hits(html: &str) -> Vec<String> {
    html.split("data-testid=\"search-hit\"").skip(1).map(|h| h.split("</li>").next().unwrap().to_owned()).collect()
}

async fn the_archive_search_page_shows_each_person_only_what_they_could_open(app: TestApp) {
    let a = setup(&app, 1, "round_robin", 71).await;
    let b = setup(&app, 1, "round_robin", 72).await;
    let (ben, _) = app.beneficiary(7100).await;
    let mine = ben.create_transaction(&request(a.entity.id, a.type_id, 1)).await.unwrap();
    let emp = &a.employees[0].1;
    emp.comment(mine.id, "external", "وصلت المستندات المطلوبة لتجديد الرخصة").await.unwrap();
    emp.comment(mine.id, "internal", "المستندات ناقصة والملفسري للغاية").await.unwrap();
    let (other, _) = app.beneficiary(7101).await;
    let theirs = other.create_transaction(&request(b.entity.id, b.type_id, 2)).await.unwrap();
    b.employees[0].1.comment(theirs.id, "external", "المستندات لدى الجهة الأخرى").await.unwrap();
    crate::search::indexed_n(&app.platform, "المستندات", 3).await;

    let search = |q: &str, more: &[(&str, &str)]| {
        let mut params = vec![("q", q)];
        params.extend_from_slice(more);
        let url = reqwest::Url::parse_with_params("http://x/search", params).unwrap();
        format!("/search?{}", url.query().unwrap())
    };
    // The beneficiary: their own external comment, the match marked, never
    // the internal one nor the other entity's, anywhere in the page.
    let mut ben_page = Page::sign_in(&app, "sara7100@example.sa").await;
    let empty = ben_page.get("/search").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("data-testid=\"search-box\"") && !empty.body.contains("search-total"));
    let found = ben_page.get(&search("المستندات", &[])).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    let listed = hits(&found.body);
    assert_eq!(listed.len(), 1, "{}", found.body);
    assert!(listed[0].contains("<mark>المستندات</mark>"), "{}", listed[0]);
    assert!(listed[0].contains(&format!("href=\"/transactions/{}\"", mine.id)));
    assert!(!found.body.contains("الملفسري") && !found.body.contains("الجهة الأخرى"), "{}", found.body);
    // A filter narrows, and a word of the subject is a transaction hit.
    assert!(hits(&ben_page.get(&search("المستندات", &[("kind", "transaction")])).await.body).is_empty());
    assert_eq!(hits(&ben_page.get(&search("موعد", &[("kind", "transaction")])).await.body).len(), 1);
    // What cannot be searched is named on its field.
    let bad = ben_page.get(&search("المستندات", &[("from", "أمس")])).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("href=\"#from\"") && bad.body.contains("id=\"from-error\""), "{}", bad.body);
    let nothing = ben_page.get(&search("؟!", &[])).await;
    assert!(nothing.body.contains("href=\"#q\""), "{}", nothing.body);

    // The employee: both comments of their entity, no choice of entity.
    let mut staff_page = Page::sign_in(&app, "employee7100@entity.sa").await;
    let found = staff_page.get(&search("المستندات", &[])).await;
    assert_eq!(hits(&found.body).len(), 2, "{}", found.body);
    assert!(found.body.contains("الملفسري") && !found.body.contains("الجهة الأخرى"));
    assert!(!found.body.contains("data-testid=\"search-entity\""));

    // A regulator of entity A: A's hits, internal ones too, and A alone to choose.
    app.platform.create_regulator(&crate::audit::regulator_of(7101, a.entity.id)).await.unwrap();
    let mut reg_page = Page::sign_in(&app, "reg7101@nazaha.sa").await;
    let found = reg_page.get(&search("المستندات", &[("entity_id", &a.entity.id.to_string())])).await;
    assert_eq!(hits(&found.body).len(), 2, "{}", found.body);
    assert!(found.body.contains(&format!("<option value=\"{}\" selected>", a.entity.id)), "{}", found.body);
    assert!(!found.body.contains(&format!("value=\"{}\"", b.entity.id)));
    let outside = reg_page.get(&search("المستندات", &[("entity_id", &b.entity.id.to_string())])).await;
    assert!(hits(&outside.body).is_empty() && !outside.body.contains("الجهة الأخرى"));
}

async fn the_audit_page_lists_and_verifies_the_trail_for_those_who_read_it(app: TestApp) {
    let a = setup(&app, 1, "round_robin", 73).await;
    let b = setup(&app, 1, "round_robin", 74).await;
    let (ben, _) = app.beneficiary(7300).await;
    let t = ben.create_transaction(&request(a.entity.id, a.type_id, 1)).await.unwrap();
    a.employees[0].1.comment(t.id, "external", "تم").await.unwrap();
    let other = b.employees[0].1.me().await.unwrap();
    crate::helpers::sealed(&app).await;

    // A supervisor (audit.view) reads their entity's trail, in words.
    let mut sup = Page::sign_in(&app, "employee7399@entity.sa").await;
    let home = sup.get("/transactions").await;
    assert!(home.body.contains("data-testid=\"audit-link\""));
    let trail = sup.get("/audit").await;
    assert_eq!(trail.status, StatusCode::OK, "{}", trail.body);
    assert!(trail.body.contains("data-testid=\"audit-row\""));
    assert!(trail.body.contains("تعليق على معاملة") && trail.body.contains("تقديم معاملة"), "{}", trail.body);
    assert!(!trail.body.contains(&other.id.to_string()), "another entity's entries reached the page");
    assert!(!trail.body.contains("data-testid=\"audit-entity\""));
    // Filtered by action, then verified.
    let comments = sup.get("/audit?action=transaction.comment").await;
    assert_eq!(comments.body.matches("data-testid=\"audit-row\"").count(), 1, "{}", comments.body);
    let verified = sup.get("/audit?verify=1").await;
    assert!(verified.body.contains("data-testid=\"audit-verification\""), "{}", verified.body);
    assert!(verified.body.contains("class=\"panel verification intact\""), "{}", verified.body);
    // A period of days on Riyadh's clock, both ends included: today alone
    // holds every entry, the days before it none.
    let today = tawasul_core::dates::form_day(chrono::Utc::now());
    let yesterday = tawasul_core::dates::form_day(chrono::Utc::now() - chrono::Duration::days(1));
    let today_only = sup.get(&format!("/audit?from={today}&to={today}")).await;
    assert_eq!(
        today_only.body.matches("data-testid=\"audit-row\"").count(),
        trail.body.matches("data-testid=\"audit-row\"").count()
    );
    let before = sup.get(&format!("/audit?to={yesterday}")).await;
    assert!(!before.body.contains("data-testid=\"audit-row\""), "{}", before.body);
    let bad = sup.get("/audit?from=never").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"from-error\""));

    // A regulator of A chooses among their remit, and must choose to verify.
    app.platform.create_regulator(&crate::audit::regulator_of(7301, a.entity.id)).await.unwrap();
    let mut reg = Page::sign_in(&app, "reg7301@nazaha.sa").await;
    let trail = reg.get("/audit").await;
    assert!(trail.body.contains("data-testid=\"audit-entity\""));
    assert!(trail.body.contains(&format!("value=\"{}\"", a.entity.id)));
    assert!(!trail.body.contains(&format!("value=\"{}\"", b.entity.id)));
    let verified = reg.get(&format!("/audit?entity_id={}&verify=1", a.entity.id)).await;
    assert!(verified.body.contains("verification intact"), "{}", verified.body);
    let refused = reg.get(&format!("/audit?entity_id={}", b.entity.id)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Neither a beneficiary nor a plain employee reads a trail, nor sees the link.
    for login in ["sara7300@example.sa", "employee7300@entity.sa"] {
        let mut p = Page::sign_in(&app, login).await;
        assert!(!p.get("/transactions").await.body.contains("audit-link"), "{login}");
        let res = p.get("/audit").await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{login}");
        assert!(!res.body.contains("audit-row"));
    }
}

async fn the_directory_lists_entities_and_their_requests(app: TestApp) {
    let a = setup(&app, 1, "round_robin", 75).await;
    app.beneficiary(7500).await;
    let mut p = Page::sign_in(&app, "sara7500@example.sa").await;
    let list = p.get("/entities").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("data-testid=\"directory-entity\""));
    // Each type opens the new request with its entity and type chosen.
    let start = format!("/transactions/new?entity={}&amp;type={}", a.entity.id, a.type_id);
    assert!(list.body.contains(&start), "{}", list.body);
    let form = p.get(&start.replace("&amp;", "&")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&format!("<option value=\"{}\" selected", a.type_id)), "{}", form.body);
}

async fn an_entity_admin_builds_the_organisation_from_the_pages(app: TestApp) {
    use tawasul_core::api::PageQuery;
    use tawasul_core::permissions::Permission;
    let entity = app.entity(76).await;
    let mut admin = Page::sign_in(&app, "admin76@entity.sa").await;
    assert!(admin.get("/transactions").await.body.contains("data-testid=\"admin-link\""));
    let csrf = csrf_of(&admin.get("/admin/departments").await.body);
    let at = |path: &str| format!("{path}?entity={}", entity.id);

    // Departments: one at the top, one under it, shown as a tree.
    let top = admin
        .post("/admin/departments", &[("csrf", &csrf), ("name_ar", "خدمات المستفيدين"), ("name_en", "Services")])
        .await;
    assert_eq!(top.location, Some(at("/admin/departments")), "{}", top.body);
    let top_id = entity.admin.list_departments(entity.id, &PageQuery::default()).await.unwrap().items[0].id.to_string();
    let child = [("csrf", csrf.as_str()), ("name_ar", "المواعيد"), ("name_en", "Appointments"), ("parent_id", &top_id)];
    assert_eq!(admin.post("/admin/departments", &child).await.status, StatusCode::SEE_OTHER);
    let tree = admin.get("/admin/departments").await.body;
    assert!(tree.contains("class=\"depth-1\" data-testid=\"department\">المواعيد"), "{tree}");
    let unnamed = admin.post("/admin/departments", &[("csrf", &csrf), ("name_ar", ""), ("name_en", "")]).await;
    assert_eq!(unnamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unnamed.body.contains("href=\"#name_ar\"") && unnamed.body.contains("id=\"name_ar-error\""));
    let departments = entity.admin.list_departments(entity.id, &PageQuery::default()).await.unwrap().items;
    assert_eq!(departments.len(), 2, "a refused form wrote nothing");
    let child_id = departments.iter().find(|d| d.name_en == "Appointments").unwrap().id.to_string();

    // An employee: added with e-mailed sign-in details.
    let new_employee = |email: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("name_ar", "نورة القحطاني".to_owned()),
            ("name_en", "Noura Alqahtani".to_owned()),
            ("email", email.to_owned()),
            ("mobile", "0571234576".to_owned()),
            ("national_id", valid_id(1, 76_000_076)),
            ("role", "employee".to_owned()),
            ("department_ids", child_id.clone()),
        ]
    };
    let bad = admin.post("/admin/employees", &refs(&new_employee("not-an-address"))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("href=\"#email\"") && bad.body.contains("value=\"نورة القحطاني\""), "{}", bad.body);
    let added = admin.post("/admin/employees", &refs(&new_employee("noura76@entity.sa"))).await;
    let location = added.location.unwrap_or_else(|| panic!("{}", added.body));
    let listed = admin.get(&location).await.body;
    assert!(listed.contains("data-testid=\"employee-added\"") && listed.contains("نورة القحطاني"), "{listed}");
    let mails = app.mails(1).await;
    assert!(mails.iter().any(|m| m.contains("noura76@entity.sa")), "{mails:?}");
    let again = admin.post("/admin/employees", &refs(&new_employee("noura76@entity.sa"))).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "the same person twice");
    let id: tawasul_core::ids::UserId = location.split("added=").nth(1).unwrap().parse().unwrap();

    // Changed: one more permission than the role gives, then deactivated.
    let form = admin.get(&format!("/admin/employees/{id}")).await.body;
    assert!(
        form.contains("data-testid=\"permission-comment.internal\" checked")
            || form.contains("value=\"comment.internal\" checked"),
        "{form}"
    );
    let mut change: Vec<(&str, String)> = vec![
        ("csrf", csrf.clone()),
        ("role", "employee".into()),
        ("role_was", "employee".into()),
        ("department_ids", child_id.clone()),
        ("active", "1".into()),
    ];
    for p in tawasul_core::permissions::StaffRole::Employee.default_permissions().to_vec() {
        change.push(("permissions", p.as_str().into()));
    }
    change.push(("permissions", "transaction.assign".into()));
    let saved = admin.post(&format!("/admin/employees/{id}"), &refs(&change)).await;
    assert_eq!(saved.location, Some(format!("/admin/employees/{id}?saved=1")), "{}", saved.body);
    let stored = tawasul_storage::organisation::employee(app.db.read(), id).await.unwrap().unwrap();
    assert_eq!(stored.grant, vec![Permission::TransactionAssign]);
    assert!(stored.revoke.is_empty() && stored.active);
    let noura =
        app.client.with_token(app.client.login("noura76@entity.sa", &new_password(&mails)).await.unwrap().access_token);
    change.retain(|(k, _)| *k != "active");
    assert_eq!(admin.post(&format!("/admin/employees/{id}"), &refs(&change)).await.status, StatusCode::SEE_OTHER);
    assert_eq!(noura.me().await.unwrap_err().status(), Some(403), "a deactivated account is refused at once");
    // A new role starts from its own permissions, whatever the old role's ticks said.
    for (k, v) in change.iter_mut() {
        if *k == "role" {
            *v = "supervisor".into();
        }
    }
    assert_eq!(admin.post(&format!("/admin/employees/{id}"), &refs(&change)).await.status, StatusCode::SEE_OTHER);
    let stored = tawasul_storage::organisation::employee(app.db.read(), id).await.unwrap().unwrap();
    assert_eq!(stored.role.as_str(), "supervisor");
    assert!(stored.grant.is_empty() && stored.revoke.is_empty(), "{stored:?}");

    // The only admin cannot take away their own standing: said on the form.
    let me = entity.admin.me().await.unwrap().id;
    let own = [("csrf", csrf.as_str()), ("role", "employee")];
    let refused = admin.post(&format!("/admin/employees/{me}"), &own).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("data-testid=\"employee-refused\""));
    assert_eq!(
        tawasul_storage::organisation::employee(app.db.read(), me).await.unwrap().unwrap().role.as_str(),
        "admin"
    );

    // A transaction type with a text field and a choice field.
    let mut ty: Vec<(&str, String)> = vec![
        ("csrf", csrf.clone()),
        ("name_ar", "تجديد رخصة".into()),
        ("name_en", "Licence renewal".into()),
        ("code", "Bad Code".into()),
        ("department_id", child_id.clone()),
        ("sla_hours", "48".into()),
        ("routing", "round_robin".into()),
        ("fields[0].key", "plate".into()),
        ("fields[0].label_ar", "رقم اللوحة".into()),
        ("fields[0].label_en", "Plate".into()),
        ("fields[0].kind", "text".into()),
        ("fields[0].required", "1".into()),
        ("fields[1].key", "City".into()),
        ("fields[1].label_ar", "المدينة".into()),
        ("fields[1].label_en", "City".into()),
        ("fields[1].kind", "choice".into()),
        ("fields[1].choices", "الرياض، جدة".into()),
        ("fields[2].kind", "text".into()),
    ];
    let refused = admin.post("/admin/types", &refs(&ty)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("href=\"#code\"") && refused.body.contains("id=\"fields[1].key-error\""),
        "{}",
        refused.body
    );
    for (k, v) in ty.iter_mut() {
        match *k {
            "code" => *v = "licence".into(),
            "fields[1].key" => *v = "city".into(),
            _ => {}
        }
    }
    // Four rows at first; "Add another field" gives the form back, as typed,
    // with a fifth, and a field typed there is kept.
    let mut more = ty.clone();
    more.push(("another_field", "1".into()));
    let fifth = admin.post("/admin/types", &refs(&more)).await;
    assert_eq!(fifth.status, StatusCode::OK, "{}", fifth.body);
    assert_eq!(fifth.body.matches("data-testid=\"field-row\"").count(), 5);
    assert!(fifth.body.contains("name=\"rows\" value=\"5\"") && fifth.body.contains("value=\"plate\""));
    assert!(entity.admin.list_transaction_types(entity.id, &PageQuery::default()).await.unwrap().items.is_empty());
    ty.extend([
        ("rows", "5".into()),
        ("fields[4].key", "permit".into()),
        ("fields[4].label_ar", "التصريح".into()),
        ("fields[4].label_en", "Permit".into()),
        ("fields[4].kind", "file".into()),
    ]);
    // A refusal on the fifth row, past two empty ones, is named on that row.
    let mut bad = ty.clone();
    bad.iter_mut().filter(|(k, _)| *k == "fields[4].key").for_each(|(_, v)| *v = "Bad Key".into());
    let refused = admin.post("/admin/types", &refs(&bad)).await;
    assert!(refused.body.contains("id=\"fields[4].key-error\""), "{}", refused.body);
    let made = admin.post("/admin/types", &refs(&ty)).await;
    assert_eq!(made.location, Some(at("/admin/types")), "{}", made.body);
    let types = entity.admin.list_transaction_types(entity.id, &PageQuery::default()).await.unwrap().items;
    assert_eq!(types.len(), 1);
    let keys: Vec<&str> = types[0].fields.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["plate", "city", "permit"], "the empty rows are no fields");
    assert_eq!(types[0].fields[1].choices.as_deref(), Some(&["الرياض".to_owned(), "جدة".to_owned()][..]));
    assert!(admin.get("/admin/types").await.body.contains("data-testid=\"type-row\""));

    // No one else manages this entity: a plain employee, another entity's admin.
    setup(&app, 1, "round_robin", 77).await;
    let mut plain = Page::sign_in(&app, "employee7700@entity.sa").await;
    assert!(!plain.get("/transactions").await.body.contains("admin-link"));
    assert_eq!(plain.get("/admin/employees").await.status, StatusCode::FORBIDDEN);
    let mut other = Page::sign_in(&app, "admin77@entity.sa").await;
    assert_eq!(other.get(&format!("/admin/employees/{id}")).await.status, StatusCode::NOT_FOUND);
    let theirs = csrf_of(&other.get("/admin/departments").await.body);
    let sneak =
        other.post(&format!("/admin/employees/{id}"), &[("csrf", &theirs), ("role", "admin"), ("active", "1")]).await;
    assert_eq!(sneak.status, StatusCode::NOT_FOUND);
    // Naming this entity on the form changes nothing: a staff admin manages their own.
    let foreign =
        [("csrf", theirs.as_str()), ("name_ar", "قسم"), ("name_en", "Dept"), ("entity", &entity.id.to_string())];
    assert_eq!(other.post("/admin/departments", &foreign).await.status, StatusCode::SEE_OTHER);
    assert_eq!(entity.admin.list_departments(entity.id, &PageQuery::default()).await.unwrap().items.len(), 2);
}

/// The temporary password in a new employee's e-mail.
fn new_password(mails: &[String]) -> String {
    let mail = mails.iter().find(|m| m.contains("noura76@entity.sa")).expect("the credentials e-mail");
    mail.lines().find_map(|l| l.strip_prefix("Temporary password: ")).expect("the password line").trim().to_owned()
}

async fn a_forgotten_password_is_reset_from_the_sign_in_page(app: TestApp) {
    app.beneficiary(7800).await;
    let email = "sara7800@example.sa";
    let mut p = Page::new(&app);
    let sign_in = p.get("/sign-in").await;
    assert!(sign_in.body.contains("href=\"/password/forgot\""));
    assert_eq!(p.get("/password/forgot").await.status, StatusCode::OK);
    // Without its token, refused.
    let forged = p.post("/password/forgot", &[("login", email), ("channel", "email")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // The refusal is a fresh form with its own token.
    let csrf = csrf_of(&forged.body);
    let asked = p.post("/password/forgot", &[("csrf", &csrf), ("login", email), ("channel", "email")]).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert!(asked.body.contains("data-testid=\"reset-sent\""));
    let code = crate::identity::code_in(&app.mails(1).await, email);
    let csrf = csrf_of(&asked.body);
    let new = "جملة طويلة لا يخمنها أحد";
    let weak = p
        .post(
            "/password/reset",
            &[("csrf", &csrf), ("login", email), ("channel", "email"), ("code", &code), ("new_password", "12345678")],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains("href=\"#new_password\"") && !weak.body.contains(&code), "{}", weak.body);
    let csrf = csrf_of(&weak.body);
    let done = p
        .post(
            "/password/reset",
            &[("csrf", &csrf), ("login", email), ("channel", "email"), ("code", &code), ("new_password", new)],
        )
        .await;
    assert_eq!(done.location.as_deref(), Some("/sign-in?reset=1"), "{}", done.body);
    let back = p.get("/sign-in?reset=1").await;
    assert!(back.body.contains("data-testid=\"reset-done\""));
    let csrf = csrf_of(&back.body);
    let signed = p.post("/sign-in", &[("login", email), ("password", new), ("csrf", &csrf)]).await;
    assert_eq!(signed.location.as_deref(), Some("/transactions"));
}

async fn every_page_asks_whether_it_was_useful_and_the_answers_are_counted(app: TestApp) {
    let (ben, _) = app.beneficiary(7900).await;
    let s = setup(&app, 1, "round_robin", 79).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    let mut mine = Page::sign_in(&app, "sara7900@example.sa").await;
    let page = format!("/transactions/{}", t.id);
    let shown = mine.get(&page).await.body;
    assert!(
        shown.contains("data-testid=\"page-useful\"") && shown.contains(&format!("name=\"back\" value=\"{page}\""))
    );
    let csrf = csrf_of(&shown);
    for useful in ["yes", "yes", "no"] {
        let thanks = mine.post("/feedback", &[("csrf", &csrf), ("back", &page), ("useful", useful)]).await;
        assert_eq!(thanks.status, StatusCode::OK, "{}", thanks.body);
        assert!(
            thanks.body.contains("data-testid=\"useful-thanks\"") && thanks.body.contains(&format!("href=\"{page}\""))
        );
    }
    // Someone not signed in answers the sign-in page with its own form's token.
    let mut visitor = Page::new(&app);
    let sign_in = visitor.get("/sign-in").await.body;
    assert!(sign_in.contains("data-testid=\"page-useful\""));
    let anonymous = csrf_of(&sign_in);
    let thanks = visitor.post("/feedback", &[("csrf", &anonymous), ("back", "/sign-in"), ("useful", "no")]).await;
    assert_eq!(thanks.status, StatusCode::OK);
    // Refused, and not counted: no token, another site, no answer.
    let refused = [
        mine.post("/feedback", &[("back", &page), ("useful", "yes")]).await.status,
        mine.post("/feedback", &[("csrf", &csrf), ("back", "https://evil.example/"), ("useful", "yes")]).await.status,
        mine.post("/feedback", &[("csrf", &csrf), ("back", &page), ("useful", "maybe")]).await.status,
    ];
    assert_eq!(refused, [StatusCode::FORBIDDEN, StatusCode::UNPROCESSABLE_ENTITY, StatusCode::UNPROCESSABLE_ENTITY]);

    let counts: serde_json::Value = app
        .platform
        .request(reqwest::Method::GET, "/api/v1/feedback/pages")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        counts,
        json!([
            {"page": "/sign-in", "useful": 0, "not_useful": 1},
            {"page": "/transactions/{id}", "useful": 2, "not_useful": 1},
        ])
    );
    let res = ben.request(reqwest::Method::GET, "/api/v1/feedback/pages").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

async fn a_request_prints_its_summary_without_any_internal_comment(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 69).await;
    let (ben, _) = app.beneficiary(6900).await;
    app.beneficiary(6901).await;
    let t = ben.create_transaction(&request(s.entity.id, s.type_id, 1)).await.unwrap();
    s.employees[0].1.comment(t.id, "internal", "ملاحظةداخلية لا تطبع").await.unwrap();
    s.employees[0].1.comment(t.id, "external", "موعدكم يوم الأحد").await.unwrap();
    let print = format!("/transactions/{}/print", t.id);
    for login in ["sara6900@example.sa", "employee6900@entity.sa"] {
        let mut p = Page::sign_in(&app, login).await;
        let page = p.get(&format!("/transactions/{}", t.id)).await.body;
        assert!(page.contains(&format!("href=\"{print}\"")), "{login}");
        // The page and the summary show the custom field with its label.
        assert!(page.contains("<dt>التاريخ المفضل</dt><dd><bdi>2026-12-01</bdi></dd>"), "{page}");
        let printed = p.get(&print).await;
        assert_eq!(printed.status, StatusCode::OK, "{login}");
        for shown in [t.reference.as_str(), "طلب موعد رقم 1", "التاريخ المفضل", "موعدكم يوم الأحد", "جهة رقم 69"]
        {
            assert!(printed.body.contains(shown), "{login}: {shown} missing");
        }
        assert!(!printed.body.contains("ملاحظةداخلية"), "{login}: an internal comment was printed");
    }
    let mut other = Page::sign_in(&app, "sara6901@example.sa").await;
    assert_eq!(other.get(&print).await.status, StatusCode::NOT_FOUND);
}

async fn the_platform_admin_registers_entities_and_regulators_from_the_pages(app: TestApp) {
    let mut p = Page::sign_in(&app, "platform@tawasul.test").await;
    assert!(p.get("/transactions").await.body.contains("data-testid=\"platform-link\""));
    let page = p.get("/platform/entities").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = csrf_of(&page.body);
    let r = crate::helpers::entity_request(68);
    let mut entity = vec![
        ("csrf", csrf.clone()),
        ("name_ar", r.name_ar.clone()),
        ("name_en", r.name_en.clone()),
        ("kind", "government".into()),
        ("unified_number", r.unified_number.clone()),
        ("admin.name_ar", r.admin.name_ar.clone()),
        ("admin.name_en", r.admin.name_en.clone()),
        ("admin.email", "not an address".into()),
        ("admin.mobile", r.admin.mobile.clone()),
        ("admin.national_id", r.admin.national_id.clone()),
    ];
    let refused = p.post("/platform/entities", &refs(&entity)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#admin.email\""), "{}", refused.body);
    entity[7].1 = r.admin.email.clone();
    let made = p.post("/platform/entities", &refs(&entity)).await;
    let to = made.location.unwrap_or_else(|| panic!("{}", made.body));
    assert!(p.get(&to).await.body.contains("data-testid=\"platform-created\""));
    // The first admin is e-mailed their sign-in details.
    assert!(app.mails(1).await.iter().any(|m| m.contains(&r.admin.email)));
    let again = p.post("/platform/entities", &refs(&entity)).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "the same unified number twice");
    let listed = tawasul_storage::organisation::find_entity_by_unified_number(app.db.read(), &r.unified_number)
        .await
        .unwrap()
        .expect("the entity");
    // The platform admin reaches the entity's administration.
    assert_eq!(p.get(&format!("/admin/employees?entity={}", listed.id)).await.status, StatusCode::OK);

    // A regulator of that entity alone, who then reads its trail.
    let regulator = |remit: Option<&str>| {
        let mut f = vec![
            ("csrf", csrf.clone()),
            ("name_ar", "هيئة الرقابة".to_owned()),
            ("name_en", "Oversight".to_owned()),
            ("email", "watch68@oversight.sa".to_owned()),
            ("mobile", "0591000068".to_owned()),
            ("national_id", valid_id(1, 68_000_068)),
            ("remit", "list".to_owned()),
        ];
        f.extend(remit.map(|e| ("entity_ids", e.to_owned())));
        f
    };
    let none = p.post("/platform/regulators", &refs(&regulator(None))).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY, "a remit of no entity");
    let made = p.post("/platform/regulators", &refs(&regulator(Some(&listed.id.to_string())))).await;
    assert!(made.location.is_some_and(|l| l.starts_with("/platform/regulators?created=")), "{}", made.body);
    let mails = app.mails(2).await;
    let mail = mails.iter().find(|m| m.contains("watch68@oversight.sa")).expect("the regulator's e-mail");
    let password = mail.lines().find_map(|l| l.strip_prefix("Temporary password: ")).unwrap().trim().to_owned();
    let watcher =
        app.client.with_token(app.client.login("watch68@oversight.sa", &password).await.unwrap().access_token);
    let me = watcher.me().await.unwrap();
    assert_eq!(me.role.as_str(), "regulator");
    // Listed with their remit, on the page and by the API, to the platform admin alone.
    let list = p.get("/platform/regulators").await.body;
    assert_eq!(list.matches("data-testid=\"regulator-row\"").count(), 1, "{list}");
    assert!(list.contains("watch68@oversight.sa") && list.contains(&listed.name_ar), "{list}");
    let listed_by_api = app.platform.list_regulators().await.unwrap().items;
    assert_eq!(listed_by_api.len(), 1);
    assert_eq!(listed_by_api[0].entity_ids, tawasul_core::api::EntityIds::List(vec![listed.id]));
    assert_eq!(watcher.list_regulators().await.unwrap_err().status(), Some(403));

    // Nobody else has these pages.
    app.beneficiary(6800).await;
    let mut ben = Page::sign_in(&app, "sara6800@example.sa").await;
    assert!(!ben.get("/transactions").await.body.contains("platform-link"));
    assert_eq!(ben.get("/platform/entities").await.status, StatusCode::FORBIDDEN);
    let theirs = csrf_of(&ben.get("/transactions").await.body);
    let mut sneaked = entity.clone();
    sneaked[0].1 = theirs;
    assert_eq!(ben.post("/platform/entities", &refs(&sneaked)).await.status, StatusCode::FORBIDDEN);
}

async fn a_draft_is_kept_resumed_sent_and_seen_by_its_author_alone(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 67).await;
    let (ben, _) = app.beneficiary(6700).await;
    app.beneficiary(6701).await;
    let mut p = Page::sign_in(&app, "sara6700@example.sa").await;
    let (entity, ty) = (s.entity.id.to_string(), s.type_id.to_string());
    let csrf = csrf_of(&p.get(&format!("/transactions/new?entity={entity}&type={ty}")).await.body);
    // Half written: no body, no date. Kept as typed.
    let half = [
        ("csrf", csrf.as_str()),
        ("entity", &entity),
        ("type", &ty),
        ("subject", "تجديد رخصة المحل"),
        ("priority", "important"),
        ("save_draft", "1"),
    ];
    let saved = p.post("/transactions/new", &half).await;
    assert_eq!(saved.location.as_deref(), Some("/transactions/drafts?saved=1"), "{}", saved.body);
    assert!(p.get("/transactions").await.body.contains("data-testid=\"drafts-link\""));
    let list = p.get("/transactions/drafts?saved=1").await.body;
    assert!(list.contains("data-testid=\"draft-saved\"") && list.contains("تجديد رخصة المحل"), "{list}");
    let id = address_after(&list, "<a href=\"/transactions/new?draft=");
    let resume = format!("/transactions/new?draft={id}");
    assert_eq!(ben.list_transactions("").await.unwrap().items.len(), 0, "a draft is not a request");

    // Resumed into the form, filled in, saved again under the same draft.
    let form = p.get(&resume).await.body;
    assert!(form.contains("value=\"تجديد رخصة المحل\"") && form.contains(&format!("name=\"draft\" value=\"{id}\"")));
    assert!(form.contains("<option value=\"important\" selected>"), "{form}");
    let mut again = half.to_vec();
    again.push(("draft", &id));
    again.push(("body", "أرفقت صورة السجل التجاري"));
    assert_eq!(p.post("/transactions/new", &again).await.status, StatusCode::SEE_OTHER);
    assert_eq!(p.get("/transactions/drafts").await.body.matches("data-testid=\"draft\"").count(), 1);

    // Someone else reaches neither the draft nor its deletion.
    let mut other = Page::sign_in(&app, "sara6701@example.sa").await;
    assert_eq!(other.get(&resume).await.status, StatusCode::NOT_FOUND);
    let theirs = csrf_of(&other.get("/transactions/drafts").await.body);
    other.post(&format!("/transactions/drafts/{id}/delete"), &[("csrf", &theirs)]).await;
    assert_eq!(p.get("/transactions/drafts").await.body.matches("data-testid=\"draft\"").count(), 1);
    // Saving under someone else's draft id makes one's own, and a person
    // keeps their latest twenty.
    for n in 0..21 {
        let subject = format!("مسودة {n}");
        let form = [
            ("csrf", theirs.as_str()),
            ("entity", &entity),
            ("type", &ty),
            ("subject", &subject),
            ("draft", &id),
            ("save_draft", "1"),
        ];
        assert_eq!(other.post("/transactions/new", &form).await.status, StatusCode::SEE_OTHER);
    }
    let kept = other.get("/transactions/drafts").await.body;
    assert_eq!(
        kept.matches("data-testid=\"draft\"").count(),
        20,
        "each save under a foreign id is a new draft, twenty kept"
    );
    let mine_still = p.get(&resume).await.body;
    assert!(mine_still.contains("value=\"تجديد رخصة المحل\""), "the author's draft is untouched");
    // Nor may staff keep drafts of requests.
    let mut staff = Page::sign_in(&app, "employee6700@entity.sa").await;
    assert_eq!(staff.get("/transactions/drafts").await.status, StatusCode::FORBIDDEN);

    // Sent: the draft is gone.
    let mut send: Vec<(&str, &str)> = again.iter().filter(|(k, _)| *k != "save_draft").copied().collect();
    send.push(("fields.preferred_date", "2026-12-20"));
    let csrf = csrf_of(&p.get("/transactions/drafts").await.body);
    let sent = send_request(&mut p, &csrf, &send, vec![]).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    assert!(!p.get("/transactions/drafts").await.body.contains("data-testid=\"draft\""));
    assert_eq!(ben.list_transactions("").await.unwrap().items.len(), 1);
}

fn small_limit(s: &mut tawasul_server::settings::Settings) {
    s.attachment_max_bytes = 200 * 1024;
}

on_both_backends_with!(small_limit; a_request_is_sent_with_its_documents_all_or_nothing);

/// A type asking for a document (a file field), and a beneficiary's page at
/// its details form.
async fn licence_type(s: &crate::transactions::Setup) -> TransactionTypeView {
    let admin = &s.entity.admin;
    let dept = admin.list_departments(s.entity.id, &Default::default()).await.unwrap().items.remove(0);
    let field = |key: &str, ar: &str, en: &str, kind: &str| tawasul_core::api::FieldSpecRequest {
        key: key.into(),
        label_ar: ar.into(),
        label_en: en.into(),
        kind: kind.into(),
        required: true,
        choices: None,
    };
    let request = tawasul_core::api::CreateTransactionTypeRequest {
        code: "licence".into(),
        name_ar: "تجديد رخصة".into(),
        name_en: "Licence renewal".into(),
        department_id: dept.id.to_string(),
        sla_hours: 48,
        first_response_hours: None,
        escalate_after_hours: None,
        routing: "round_robin".into(),
        fields: Some(vec![
            field("shop_name", "اسم المحل", "Shop name", "text"),
            field("register", "السجل التجاري", "Commercial register", "file"),
        ]),
    };
    admin.create_transaction_type(s.entity.id, &request).await.unwrap()
}

async fn a_request_is_sent_with_its_documents_all_or_nothing(app: TestApp) {
    let s = setup(&app, 1, "round_robin", 62).await;
    let ty = licence_type(&s).await;
    let (ben, _) = app.beneficiary(6200).await;
    let mut p = Page::sign_in(&app, "sara6200@example.sa").await;
    let (entity, type_id) = (s.entity.id.to_string(), ty.id.to_string());
    let form = p.get(&format!("/transactions/new?entity={entity}&type={type_id}")).await.body;
    // A file field is not typed in: it is chosen with the send form.
    assert!(form.contains("name=\"fields.shop_name\"") && !form.contains("name=\"fields.register\""), "{form}");
    let csrf = csrf_of(&form);
    let answers = [
        ("csrf", csrf.as_str()),
        ("entity", &entity),
        ("type", &type_id),
        ("subject", "تجديد رخصة محل العطور"),
        ("body", "أرفقت السجل التجاري وصورة الهوية."),
        ("priority", "normal"),
        ("fields.shop_name", "عطور الخزامى"),
    ];
    // A value typed for the file field is refused: it names an attachment
    // sent with the request, never a made-up one.
    let mut forged = answers.to_vec();
    forged.push(("fields.register", "0190d0b8-1a2b-7c3d-8e4f-5a6b7c8d9e0f"));
    let refused = p.post("/transactions/new", &forged).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let check = p.post("/transactions/new", &answers).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    assert!(check.body.contains("name=\"fields.register\" type=\"file\"") && check.body.contains("name=\"documents\""));
    assert!(check.body.contains("enctype=\"multipart/form-data\""));

    let register = b"%PDF-1.7\n% commercial register 1010101010\n%%EOF\n".to_vec();
    let photo = {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(std::iter::repeat_n(7u8, 4096));
        png
    };
    // Without its CSRF token the send form is refused before a byte is kept.
    let forged = send_request(&mut p, "", &answers, vec![("fields.register", "سجل.pdf", register.clone())]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Without the required document: the send form again, the field named,
    // nothing opened and nothing kept.
    let missing = send_request(&mut p, &csrf, &answers, vec![("documents", "هوية.png", photo.clone())]).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", missing.body);
    assert!(
        missing.body.contains("href=\"#fields.register\"") && missing.body.contains("id=\"fields.register-error\"")
    );
    // A document past the limit: refused beside its input, the other file
    // already stored deleted again.
    let huge = vec![0u8; 300 * 1024];
    let files = vec![("fields.register", "سجل.pdf", register.clone()), ("documents", "كبير.bin", huge)];
    let too_large = send_request(&mut p, &csrf, &answers, files).await;
    assert_eq!(too_large.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", too_large.body);
    assert!(too_large.body.contains("id=\"documents-error\""), "{}", too_large.body);
    // Eleven documents are more than a request takes.
    let many: Vec<_> = (0..11).map(|n| ("documents", "صفحة.pdf", format!("%PDF-1.7 {n}").into_bytes())).collect();
    let too_many = send_request(&mut p, &csrf, &answers, many).await;
    assert!(too_many.body.contains("id=\"documents-error\""), "{}", too_many.body);
    assert_eq!(ben.list_transactions("").await.unwrap().items.len(), 0);
    assert!(app.objects.list("").await.unwrap().is_empty(), "a refused request keeps no file");

    // Sent with the register and two documents, one of them the register's
    // own bytes again (stored once).
    let files = vec![
        ("fields.register", "السجل التجاري.pdf", register.clone()),
        ("documents", "هوية.png", photo.clone()),
        ("documents", "نسخة السجل.pdf", register.clone()),
    ];
    let sent = send_request(&mut p, &csrf, &answers, files).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    assert!(sent.body.contains("data-testid=\"tx-documents\"") && sent.body.contains("هوية.png"));
    let t = ben.list_transactions("").await.unwrap().items.remove(0);
    let events = ben.timeline(t.id).await.unwrap();
    let documents: Vec<_> = events.iter().filter(|e| e.kind == tawasul_core::events::EventKind::Attachment).collect();
    assert_eq!(documents.len(), 3);
    assert!(documents.iter().all(|e| e.visibility == tawasul_core::visibility::Visibility::External));
    let register_id = t.fields["register"].as_str().unwrap().to_owned();
    let named = documents.iter().find(|e| e.data["attachment_id"] == json!(register_id)).expect("the field names one");
    assert_eq!(named.data["name"], json!("السجل التجاري.pdf"));
    assert_eq!(app.objects.list("").await.unwrap().len(), 2, "the same bytes are kept once");
    // The assignee sees the field as its document and downloads it.
    let mut staff = Page::sign_in(&app, "employee6200@entity.sa").await;
    let page = staff.get(&format!("/transactions/{}", t.id)).await.body;
    let link = format!("href=\"/attachments/{register_id}\" download data-testid=\"field-document\"");
    assert!(page.contains(&link) && page.contains("السجل التجاري.pdf"), "{page}");
    assert_eq!(staff.bytes(&format!("/attachments/{register_id}")).await, (StatusCode::OK, register));
    // Each document is audited as the step it is (read once the sealer has
    // moved the entries into the trail).
    sealed(&app).await;
    let target = t.id.to_string();
    let attached =
        tawasul_storage::audit::with_action(app.db.read(), tawasul_core::audit::AuditAction::TransactionAttachment)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.target.ends_with(&target))
            .count();
    assert_eq!(attached, 3);
}

/// The headline figure named `name` on an overview page.
fn figure(html: &str, name: &str) -> u64 {
    figure_text(html, name).trim().parse().unwrap()
}

async fn the_overview_counts_an_entitys_transactions_for_those_who_oversee_it(app: TestApp) {
    let a = setup(&app, 2, "round_robin", 63).await;
    let b = setup(&app, 1, "round_robin", 64).await;
    let (ben, _) = app.beneficiary(6300).await;
    let mut opened = vec![];
    for n in 0..5 {
        opened.push(ben.create_transaction(&request(a.entity.id, a.type_id, n)).await.unwrap());
    }
    ben.create_transaction(&request(b.entity.id, b.type_id, 9)).await.unwrap();
    // Each employee holds some and completes one; the supervisor rejects one
    // and postpones one.
    let holder = |t: &tawasul_core::api::TransactionView| {
        let id = t.assignee.as_ref().unwrap().id;
        &a.employees.iter().find(|(e, _)| *e == id).unwrap().1
    };
    holder(&opened[0]).step(opened[0].id, "complete", &json!({ "note": "أنجز" })).await.unwrap();
    a.supervisor.step(opened[1].id, "reject", &json!({ "reason": "ناقص" })).await.unwrap();
    let until = (chrono::Utc::now() + chrono::Duration::days(5)).to_rfc3339();
    a.supervisor.step(opened[2].id, "postpone", &json!({ "until": until, "reason": "بانتظار" })).await.unwrap();

    // The supervisor (stats.view) reads their entity's, from the header.
    let mut sup = Page::sign_in(&app, "employee6399@entity.sa").await;
    assert!(sup.get("/transactions").await.body.contains("data-testid=\"overview-link\""));
    let page = sup.get("/overview").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = &page.body;
    assert_eq!(
        [figure(html, "total"), figure(html, "open"), figure(html, "completed"), figure(html, "rejected")],
        [5, 3, 1, 1]
    );
    assert_eq!((figure(html, "postponed"), figure(html, "late")), (1, 0));
    assert!(html.contains("data-status=\"completed\"") && html.contains("data-testid=\"overview-employees\""));
    assert!(html.contains("Appointments") || html.contains("طلب موعد"), "{html}");
    assert!(!html.contains("data-testid=\"overview-entity\""), "staff see their own entity only");
    // Each employee appears with their own open count.
    for (_, employee) in &a.employees {
        let me = employee.me().await.unwrap().name_ar;
        assert!(html.contains(&me), "{me} missing");
    }
    // Asked for another entity, staff still see their own.
    let theirs = sup.get(&format!("/overview?entity_id={}", b.entity.id)).await;
    assert_eq!(figure(&theirs.body, "total"), 5);

    // An employee without stats.view has no overview.
    let mut emp = Page::sign_in(&app, &format!("employee{}@entity.sa", 6300)).await;
    assert!(!emp.get("/transactions").await.body.contains("data-testid=\"overview-link\""));
    assert_eq!(emp.get("/overview").await.status, StatusCode::FORBIDDEN);
    let mut citizen = Page::sign_in(&app, "sara6300@example.sa").await;
    assert_eq!(citizen.get("/overview").await.status, StatusCode::FORBIDDEN);

    // A regulator of A: A's alone, chosen at once; B is refused by name.
    app.platform.create_regulator(&crate::audit::regulator_of(6301, a.entity.id)).await.unwrap();
    let mut reg = Page::sign_in(&app, "reg6301@nazaha.sa").await;
    let mine = reg.get("/overview").await;
    assert_eq!(figure(&mine.body, "open"), 3, "{}", mine.body);
    assert!(!mine.body.contains(&format!("value=\"{}\"", b.entity.id)));
    let outside = reg.get(&format!("/overview?entity_id={}", b.entity.id)).await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!outside.body.contains("data-testid=\"overview-figures\""));

    // Late is the lifecycle's rule, in SQL: a month on, the two still on the
    // clock are late, the postponed one is not.
    let later = chrono::Utc::now() + chrono::Duration::days(30);
    let rows = tawasul_storage::stats::counts(app.db.read(), a.entity.id, later).await.unwrap();
    let o = tawasul_core::stats::Overview::of(&rows);
    assert_eq!((o.all.open, o.all.late, o.all.postponed), (3, 2, 1));
    assert_eq!(o.by_employee.values().map(|t| t.late).sum::<u64>(), 2);
}
