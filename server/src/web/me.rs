//! A person's own pages: the in-app notices (the bell's list), and which
//! notices reach them by which channel. Reads are the API's (`in_app`,
//! `recipients`); changes are the same use cases (`App::mark_read`,
//! `App::set_preferences`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use tawasul_core::api::{NoticeView, Page, PageQuery};
use tawasul_core::notify::{Channel, Channels, NoticeKind, Preferences};
use tawasul_storage::{in_app, recipients};

use super::layout::Layout;
use super::session::Visitor;
use super::{error_page, html, see_other, signed_in, signed_in_form};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "notices.html")]
struct Notices {
    page: Layout,
    notices: Vec<NoticeView>,
    unread: u64,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct NoticesQuery {
    cursor: Option<String>,
}

#[get("/notifications")]
pub async fn notices(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    q: web::Query<NoticesQuery>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    let me = v.caller.actor().user_id;
    let listed = async {
        let page = PageQuery { limit: None, cursor: q.cursor.clone() }.parse()?;
        let rows = in_app::list(state.db.read(), me, page.after, page.limit + 1).await?;
        let page = Page::from_rows(rows, page.limit, |n| n.id);
        let unread = in_app::unread(state.db.read(), me).await?;
        ApiResult::Ok((page, unread))
    }
    .await;
    match listed {
        Ok((page, unread)) => {
            let notices = page.items.into_iter().map(crate::routes::notifications::notice_view).collect();
            let next = page.next_cursor.map(|c| format!("/notifications?cursor={}", super::layout::urlencode(&c)));
            html(StatusCode::OK, &Notices { page: layout.titled("ui-notices-title"), notices, unread, next })
        }
        Err(e) => error_page(layout, e),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Marks every notice read.
#[post("/notifications/read")]
pub async fn mark_all_read(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    let (v, layout) = signed_in_form!(req, state, visitor, &form.csrf);
    match state.app.mark_read(&v.caller.account, None).await {
        Ok(_) => see_other("/notifications"),
        Err(e) => error_page(layout, e),
    }
}

/// One kind of notice, with a box per channel: (channel, on, fixed).
pub struct KindRow {
    pub kind: &'static str,
    pub cells: Vec<(&'static str, bool, bool)>,
}

#[derive(Template)]
#[template(path = "preferences.html")]
struct PreferencesPage {
    page: Layout,
    channels: Vec<(&'static str, bool)>,
    rows: Vec<KindRow>,
    saved: bool,
    errors: Vec<(String, &'static str)>,
}

/// The kinds this person can be sent (`NoticeKind::heard_by`), as rows.
fn rows(staff: bool, p: &Preferences) -> Vec<KindRow> {
    NoticeKind::ALL
        .into_iter()
        .filter(|k| k.heard_by(staff))
        .map(|kind| KindRow {
            kind: kind.as_str(),
            cells: Channel::ALL
                .into_iter()
                .map(|c| {
                    let on = p.events.get(&kind).is_none_or(|listed| listed.contains(&c));
                    // The receipt's SMS goes whatever the preferences say.
                    let fixed = kind == NoticeKind::TransactionCreated && c == Channel::Sms;
                    (c.as_str(), on || fixed, fixed)
                })
                .collect(),
        })
        .collect()
}

fn preferences_page(layout: Layout, p: &Preferences, saved: bool) -> HttpResponse {
    let channels = Channel::ALL.into_iter().map(|c| (c.as_str(), p.channels.has(c))).collect();
    let rows = rows(layout.staff, p);
    let page = PreferencesPage { page: layout.titled("ui-preferences-title"), channels, rows, saved, errors: vec![] };
    html(StatusCode::OK, &page)
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    saved: Option<String>,
}

#[get("/settings/notifications")]
pub async fn preferences(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    q: web::Query<SavedQuery>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    match recipients::preferences(state.db.read(), v.caller.actor().user_id).await {
        Ok(p) => preferences_page(layout, &p, q.saved.is_some()),
        Err(e) => error_page(layout, e.into()),
    }
}

/// The form's boxes as preferences: the channels that are on, and for each
/// kind offered the channels ticked (a kind with every box ticked is left
/// out, which means every channel; kinds not offered keep what they had).
fn read_form(staff: bool, before: &Preferences, form: &[(String, String)]) -> Preferences {
    let ticked = |name: String| form.iter().any(|(k, v)| *k == name && v == "on");
    let channels = Channels {
        email: ticked("channel-email".into()),
        sms: ticked("channel-sms".into()),
        in_app: ticked("channel-in_app".into()),
    };
    let mut events = before.events.clone();
    for kind in NoticeKind::ALL.into_iter().filter(|k| k.heard_by(staff)) {
        let chosen: Vec<Channel> =
            Channel::ALL.into_iter().filter(|c| ticked(format!("{}-{}", kind.as_str(), c.as_str()))).collect();
        if chosen.len() == Channel::ALL.len() {
            events.remove(&kind);
        } else {
            events.insert(kind, chosen);
        }
    }
    Preferences { channels, events }
}

#[post("/settings/notifications")]
pub async fn save_preferences(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let csrf = form.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or_default();
    let (v, layout) = signed_in_form!(req, state, visitor, csrf);
    let saved = async {
        let before = recipients::preferences(state.db.read(), v.caller.actor().user_id).await?;
        let p = read_form(layout.staff, &before, &form);
        state.app.set_preferences(&v.caller.account, p).await
    }
    .await;
    match saved {
        Ok(_) => see_other("/settings/notifications?saved=1"),
        Err(e) => error_page(layout, e),
    }
}
