//! The employee's calendar (مفكرة) as a page: a month or a week, each day
//! with its Gregorian and Hijri (Umm al-Qura) date on Riyadh's clock, and on
//! it the person's meetings, the due dates of what they hold and their
//! reminders (`App::my_calendar`, the API's read); a form adds a reminder.
//! Weeks begin on Sunday. No script needed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use serde::Deserialize;
use tawasul_core::api::{CalendarItemKind, CreateReminderRequest};
use tawasul_core::dates::{day_start, hijri_of_day, riyadh_day_and_time};

use super::layout::Layout;
use super::session::Visitor;
use super::{error_page, html, see_other, signed_in};
use crate::error::ApiError;
use crate::state::AppState;

/// One thing on a day.
struct Entry {
    time: String,
    title: String,
    href: String,
    kind: &'static str,
}

struct Day {
    iso: String,
    gregorian: u32,
    hijri: String,
    in_span: bool,
    today: bool,
    entries: Vec<Entry>,
}

#[derive(Template)]
#[template(path = "my_calendar.html")]
struct CalendarPage {
    page: Layout,
    week_view: bool,
    /// "December 2026 · Jumada al-Akhirah – Rajab 1448"
    heading: String,
    weeks: Vec<Vec<Day>>,
    weekdays: Vec<&'static str>,
    previous: String,
    next: String,
    today: String,
    other_view: String,
    /// The person may schedule meetings.
    can_schedule: bool,
    errors: Vec<(String, &'static str)>,
}

impl CalendarPage {
    /// What an entry is, said for those who do not see its colour.
    fn kind(&self, e: &Entry) -> &'static str {
        self.page.t(&format!("ui-calendar-kind-{}", e.kind))
    }
}

#[derive(Deserialize, Default)]
pub struct CalendarQuery {
    #[serde(default)]
    view: Option<String>,
    /// `YYYY-MM-DD`, a day of the month or week shown; today by default.
    #[serde(default)]
    date: Option<String>,
}

fn href(week: bool, day: NaiveDate) -> String {
    format!("/calendar?view={}&date={day}", if week { "week" } else { "month" })
}

async fn calendar_page(
    state: &AppState,
    v: &Visitor,
    layout: Layout,
    q: &CalendarQuery,
    errors: Vec<(String, &'static str)>,
) -> Result<CalendarPage, (Layout, ApiError)> {
    let week_view = q.view.as_deref() == Some("week");
    let (today, _) = riyadh_day_and_time(Utc::now());
    let shown = q.date.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).unwrap_or(today);
    let sunday = |d: NaiveDate| d - Duration::days(i64::from(d.weekday().num_days_from_sunday()));
    let (span_start, span_end, first, last) = if week_view {
        let s = sunday(shown);
        (s, s + Duration::days(7), s, s + Duration::days(7))
    } else {
        let s = shown.with_day(1).unwrap_or(shown);
        let e = (s + Duration::days(32)).with_day(1).unwrap_or(s);
        let grid_end = sunday(e - Duration::days(1)) + Duration::days(7);
        (s, e, sunday(s), grid_end)
    };
    let items = match state.app.my_calendar(&v.caller.account, day_start(first), day_start(last)).await {
        Ok(c) => c.items,
        Err(e) => return Err((layout, e)),
    };
    let page = layout.titled("ui-calendar-title");
    let lang = page.lang;
    let month = |kind: &str, n: u32| tawasul_core::catalogue::text(lang, &format!("month-{kind}-{n}"), &[]);
    let mut days = Vec::new();
    let mut d = first;
    while d < last {
        let hijri =
            hijri_of_day(d).map(|(_, m, day)| format!("{day} {}", month("hijri", u32::from(m)))).unwrap_or_default();
        days.push(Day {
            iso: d.to_string(),
            gregorian: d.day(),
            hijri,
            in_span: span_start <= d && d < span_end,
            today: d == today,
            entries: vec![],
        });
        d += Duration::days(1);
    }
    for i in items {
        let (day, time) = riyadh_day_and_time(i.starts_at);
        let Some(slot) = days.iter_mut().find(|x| x.iso == day.to_string()) else { continue };
        let (kind, href) = match i.kind {
            CalendarItemKind::Meeting => ("meeting", format!("/meetings/{}", i.id)),
            CalendarItemKind::Due => ("due", format!("/transactions/{}", i.id)),
            CalendarItemKind::Reminder => {
                ("reminder", i.transaction_id.map_or_else(String::new, |t| format!("/transactions/{t}")))
            }
        };
        let title = match (&i.reference, i.kind) {
            (Some(r), CalendarItemKind::Due) => format!("{r} — {}", i.title),
            _ => i.title.clone(),
        };
        slot.entries.push(Entry { time, title, href, kind });
    }
    let hijri_months = |a: NaiveDate, b: NaiveDate| -> String {
        let name = |d: NaiveDate| hijri_of_day(d).map(|(y, m, _)| (y, month("hijri", u32::from(m))));
        match (name(a), name(b - Duration::days(1))) {
            (Some((y1, m1)), Some((y2, m2))) if (y1, &m1) == (y2, &m2) => format!("{m1} {y1}"),
            (Some((y1, m1)), Some((y2, m2))) if y1 == y2 => format!("{m1} – {m2} {y2}"),
            (Some((y1, m1)), Some((y2, m2))) => format!("{m1} {y1} – {m2} {y2}"),
            _ => String::new(),
        }
    };
    let gregorian = if week_view {
        // A week may straddle two months (and years): its first and last day.
        let end = span_end - Duration::days(1);
        let day = |d: NaiveDate| format!("{} {} {}", d.day(), month("gregorian", d.month()), d.year());
        format!("{} – {}", day(span_start), day(end))
    } else {
        format!("{} {}", month("gregorian", span_start.month()), span_start.year())
    };
    let heading = format!("{gregorian} · {}", hijri_months(span_start, span_end));
    let step = |forward: bool| {
        if week_view {
            span_start + Duration::days(if forward { 7 } else { -7 })
        } else if forward {
            span_end
        } else {
            (span_start - Duration::days(1)).with_day(1).unwrap_or(span_start)
        }
    };
    let weekdays = (0..7).map(|n| page.t(&format!("ui-weekday-{n}"))).collect();
    let mut weeks = Vec::new();
    let mut rest = days.into_iter().peekable();
    while rest.peek().is_some() {
        weeks.push(rest.by_ref().take(7).collect());
    }
    Ok(CalendarPage {
        page,
        week_view,
        heading,
        weeks,
        weekdays,
        previous: href(week_view, step(false)),
        next: href(week_view, step(true)),
        today: href(week_view, today),
        other_view: href(!week_view, shown),
        can_schedule: v
            .caller
            .actor()
            .staff()
            .is_some_and(|s| tawasul_core::meetings::may_create(v.caller.actor(), s.entity_id).is_ok()),
        errors,
    })
}

#[get("/calendar")]
pub async fn calendar(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    query: web::Query<CalendarQuery>,
) -> HttpResponse {
    let v = signed_in!(req, visitor);
    let layout = Layout::of(&req, Some(&v));
    match calendar_page(&state, &v, layout, &query, vec![]).await {
        Ok(p) => html(StatusCode::OK, &p),
        Err((layout, e)) => error_page(layout, e),
    }
}

#[derive(Deserialize, Default)]
pub struct ReminderForm {
    #[serde(default)]
    csrf: String,
    /// `YYYY-MM-DD` and `HH:MM`, on Riyadh's clock.
    #[serde(default)]
    day: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    text: String,
}

#[post("/calendar/reminders")]
pub async fn add_reminder(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Result<Visitor, ApiError>,
    form: web::Form<ReminderForm>,
) -> HttpResponse {
    let (v, layout) = super::signed_in_form!(req, state, visitor, &form.csrf);
    // Riyadh's clock, as the form shows it.
    let at = format!("{}T{}:00+03:00", form.day.trim(), form.time.trim());
    let done = async {
        let r = CreateReminderRequest { at, text: form.text.clone(), transaction_id: None }.parse()?;
        state.app.add_reminder(&v.caller.account, r).await
    }
    .await;
    let q = CalendarQuery { view: None, date: Some(form.day.trim().to_owned()) };
    match done {
        Ok(_) => see_other(&href(false, NaiveDate::parse_from_str(form.day.trim(), "%Y-%m-%d").unwrap_or_default())),
        Err(e) if !e.field_messages(layout.lang).is_empty() => {
            let errors = e.field_messages(layout.lang);
            match calendar_page(&state, &v, layout, &q, errors).await {
                Ok(p) => html(StatusCode::UNPROCESSABLE_ENTITY, &p),
                Err((layout, e)) => error_page(layout, e),
            }
        }
        Err(e) => error_page(layout, e),
    }
}
