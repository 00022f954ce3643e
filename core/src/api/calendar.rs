//! An entity's working calendar as the API reads and writes it
//! (`GET`/`PUT /api/v1/entities/{id}/calendar`).

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::calendar::{CalendarError, Holiday, MINUTES_A_DAY, WorkingCalendar};
use crate::error::{ErrorCode, FieldErrors};

/// The days of the week as the API names them, Sunday first.
pub const WEEKDAY_NAMES: [&str; 7] = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

/// `{time_zone, working_days, opens, closes, holidays}`: the zone by its IANA
/// name, the days worked, the hours as `HH:MM` (`24:00` closes at midnight),
/// holidays yearly on either calendar or one-off closures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarView {
    /// `Asia/Riyadh` by default.
    pub time_zone: String,
    /// `sunday` … `saturday`.
    pub working_days: Vec<String>,
    /// `07:30`.
    pub opens: String,
    /// `14:30`.
    pub closes: String,
    pub holidays: Vec<Holiday>,
}

impl From<&WorkingCalendar> for CalendarView {
    fn from(c: &WorkingCalendar) -> CalendarView {
        CalendarView {
            time_zone: c.zone.name().to_owned(),
            working_days: WEEKDAY_NAMES
                .iter()
                .zip(c.week)
                .filter(|(_, on)| *on)
                .map(|(d, _)| (*d).to_owned())
                .collect(),
            opens: clock_time(c.opens),
            closes: clock_time(c.closes),
            holidays: c.holidays.clone(),
        }
    }
}

/// Minutes after midnight as `HH:MM`.
pub fn clock_time(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `HH:MM` (00:00 to 24:00) as minutes after midnight.
pub fn parse_clock_time(raw: &str) -> Option<u16> {
    let (h, m) = raw.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && h * 60 + m <= MINUTES_A_DAY).then_some(h * 60 + m)
}

impl CalendarView {
    /// The calendar it describes, or every field it gets wrong.
    pub fn parse(&self) -> Result<WorkingCalendar, FieldErrors> {
        let mut e = FieldErrors::default();
        let zone =
            e.check("time_zone", chrono_tz::Tz::from_str(self.time_zone.trim()).map_err(|_| ErrorCode::InvalidChoice));
        let mut week = [false; 7];
        let mut days_ok = true;
        for d in &self.working_days {
            match WEEKDAY_NAMES.iter().position(|n| *n == d.trim()) {
                Some(i) => week[i] = true,
                None => days_ok = false,
            }
        }
        if !days_ok {
            e.push("working_days", ErrorCode::InvalidChoice);
        }
        let opens = e.check("opens", parse_clock_time(&self.opens).ok_or(ErrorCode::InvalidField));
        let closes = e.check("closes", parse_clock_time(&self.closes).ok_or(ErrorCode::InvalidField));
        let (Some(zone), Some(opens), Some(closes), true) = (zone, opens, closes, days_ok) else {
            return e.finish(None);
        };
        let c = WorkingCalendar { zone, week, opens, closes, holidays: self.holidays.clone() };
        match c.check() {
            Ok(()) => {}
            Err(CalendarError::NoWorkingDay) => e.push("working_days", ErrorCode::NoWorkingDay),
            Err(CalendarError::Hours) => e.push("closes", ErrorCode::InvalidHours),
            Err(CalendarError::Holiday(i)) => e.push(format!("holidays[{i}]"), ErrorCode::InvalidField),
        }
        e.finish(Some(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_calendar_round_trips() {
        let c = WorkingCalendar::default();
        let v = CalendarView::from(&c);
        assert_eq!(v.working_days, ["sunday", "monday", "tuesday", "wednesday", "thursday"]);
        assert_eq!((v.opens.as_str(), v.closes.as_str(), v.time_zone.as_str()), ("07:30", "14:30", "Asia/Riyadh"));
        assert_eq!(v.parse().unwrap(), c);
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["holidays"][2], serde_json::json!({ "calendar": "hijri", "month": 10, "day": 1, "days": 4 }));
    }

    #[test]
    fn every_wrong_field_is_named() {
        let mut v = CalendarView::from(&WorkingCalendar::default());
        v.time_zone = "Mars/Olympus".into();
        v.working_days.push("someday".into());
        v.opens = "25:00".into();
        let fields: Vec<_> = v.parse().unwrap_err().0.into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["time_zone", "working_days", "opens"]);
        let mut v = CalendarView::from(&WorkingCalendar::default());
        v.working_days.clear();
        assert_eq!(v.parse().unwrap_err().0[0].code, ErrorCode::NoWorkingDay);
        v.working_days.push("friday".into());
        v.closes = "07:00".into();
        assert_eq!(v.parse().unwrap_err().0[0].field, "closes");
        v.closes = "24:00".into();
        assert_eq!(v.parse().unwrap().closes, MINUTES_A_DAY);
    }
}
