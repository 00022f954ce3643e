//! Dates as people read them: the Gregorian and the Hijri (Umm al-Qura) date
//! side by side, on Riyadh's clock (UTC+3, no daylight saving), with month
//! names from the message catalogue.

use chrono::{DateTime, Datelike, Timelike, Utc};
use icu_calendar::Date;
use icu_calendar::cal::Hijri;

use crate::Lang;
use crate::catalogue::{Arg, text};

/// One instant as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownDate {
    /// "1 ديسمبر 2026، 14:05"
    pub gregorian: String,
    /// "10 جمادى الآخرة 1448"; empty outside the calendar's tables.
    pub hijri: String,
    /// RFC 3339, for `<time datetime>`.
    pub iso: String,
}

/// Riyadh's offset from UTC.
const RIYADH: chrono::Duration = chrono::Duration::hours(3);

/// A day as a form's `<input type=date>` holds it, on Riyadh's clock.
pub fn form_day(at: DateTime<Utc>) -> String {
    (at + RIYADH).format("%Y-%m-%d").to_string()
}

/// The start of a form's day on Riyadh's clock, in RFC 3339: `form_day`'s
/// inverse.
pub fn form_day_start(day: &str) -> String {
    format!("{day}T00:00:00+03:00")
}

/// A period's bound from a form's day, on Riyadh's clock, as the API's
/// `from` (inclusive: the day's start) or `to` (exclusive: the next day's
/// start, so that the day chosen is in the period). What is not a day is
/// given back as it is, for the API's parse to refuse on its field.
pub fn form_period_bound(day: &str, end: bool) -> String {
    match chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d") {
        Ok(d) if end => d.succ_opt().map_or_else(|| day.to_owned(), |next| form_day_start(&next.to_string())),
        Ok(d) => form_day_start(&d.to_string()),
        Err(_) => day.to_owned(),
    }
}

pub fn shown(lang: Lang, at: DateTime<Utc>) -> ShownDate {
    let local = at + RIYADH;
    let month = |kind: &str, n: u32| text(lang, &format!("month-{kind}-{n}"), &[]);
    let gregorian = text(
        lang,
        "date-gregorian",
        &[
            ("day", Arg::Number(i64::from(local.day()))),
            ("month", Arg::Text(&month("gregorian", local.month()))),
            ("year", Arg::Number(i64::from(local.year()))),
            ("time", Arg::Text(&format!("{:02}:{:02}", local.hour(), local.minute()))),
        ],
    );
    let hijri = hijri(local)
        .map(|(y, m, d)| {
            text(
                lang,
                "date-hijri",
                &[
                    ("day", Arg::Number(i64::from(d))),
                    ("month", Arg::Text(&month("hijri", u32::from(m)))),
                    ("year", Arg::Number(i64::from(y))),
                ],
            )
        })
        .unwrap_or_default();
    ShownDate { gregorian, hijri, iso: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true) }
}

/// The Umm al-Qura year and month of an instant, on Riyadh's clock.
pub fn hijri_month(at: DateTime<Utc>) -> Option<(i32, u8)> {
    hijri(at + RIYADH).map(|(y, m, _)| (y, m))
}

/// The Sunday that begins the week of an instant, on Riyadh's clock.
pub fn week_start(at: DateTime<Utc>) -> chrono::NaiveDate {
    let day = (at + RIYADH).date_naive();
    day - chrono::Duration::days(i64::from(day.weekday().num_days_from_sunday()))
}

/// The Umm al-Qura year, month and day of a calendar day.
pub fn hijri_of_day(day: chrono::NaiveDate) -> Option<(i32, u8, u8)> {
    hijri(day.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// The instant a Riyadh day begins.
pub fn day_start(day: chrono::NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc() - RIYADH
}

/// An instant's day and minute on Riyadh's clock.
pub fn riyadh_day_and_time(at: DateTime<Utc>) -> (chrono::NaiveDate, String) {
    let local = at + RIYADH;
    (local.date_naive(), format!("{:02}:{:02}", local.hour(), local.minute()))
}

/// The Umm al-Qura year, month and day of a Riyadh-clock date.
fn hijri(local: DateTime<Utc>) -> Option<(i32, u8, u8)> {
    let iso = Date::try_new_iso(local.year(), local.month() as u8, local.day() as u8).ok()?;
    let h = iso.to_calendar(Hijri::new_umm_al_qura());
    Some((h.era_year().year, h.month().ordinal, h.day_of_month().0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_form_s_day_is_riyadh_s_and_comes_back_as_its_start() {
        // 22:30 UTC on 1 December is already 2 December in Riyadh.
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 22, 30, 0).unwrap();
        assert_eq!(form_day(at), "2026-12-02");
        let start = DateTime::parse_from_rfc3339(&form_day_start("2026-12-02")).unwrap();
        assert_eq!(start.with_timezone(&Utc), Utc.with_ymd_and_hms(2026, 12, 1, 21, 0, 0).unwrap());
        assert_eq!(form_day(start.with_timezone(&Utc)), "2026-12-02");
    }

    #[test]
    fn a_period_from_one_day_to_another_holds_both_days_on_riyadhs_clock() {
        let bound = |day, end| DateTime::parse_from_rfc3339(&form_period_bound(day, end)).unwrap().with_timezone(&Utc);
        // From 2 December to 2 December: 21:00 UTC on the 1st to 21:00 UTC on the 2nd.
        assert_eq!(bound("2026-12-02", false), Utc.with_ymd_and_hms(2026, 12, 1, 21, 0, 0).unwrap());
        assert_eq!(bound("2026-12-02", true), Utc.with_ymd_and_hms(2026, 12, 2, 21, 0, 0).unwrap());
        assert_eq!(bound("2026-12-31", true), Utc.with_ymd_and_hms(2026, 12, 31, 21, 0, 0).unwrap());
        assert_eq!(form_period_bound("never", true), "never", "left for the API to refuse");
    }

    #[test]
    fn both_calendars_on_riyadhs_clock() {
        // 1 December 2026 22:30 UTC is already 2 December in Riyadh.
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 22, 30, 0).single().unwrap_or_default();
        let ar = shown(Lang::Ar, at);
        assert_eq!(ar.gregorian, "2 ديسمبر 2026، 01:30");
        assert_eq!(ar.hijri, "22 جمادى الآخرة 1448");
        let en = shown(Lang::En, at);
        assert_eq!(en.gregorian, "2 December 2026, 01:30");
        assert_eq!(en.hijri, "22 Jumada al-Akhirah 1448");
        assert_eq!(en.iso, "2026-12-01T22:30:00Z");
    }
}
