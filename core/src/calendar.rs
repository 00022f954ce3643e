//! Working time: an entity's working week, working hours and holidays, in its
//! time zone. Service levels are counted in it: a type's targets are working
//! hours, a transaction's due time is its opening plus its target in working
//! time, and response and resolution times are measured in it. Holidays are
//! yearly, on the Gregorian calendar (national days) or the Hijri one (the two
//! Eids, Umm al-Qura), or one-off closures between two dates.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use icu_calendar::Date;
use icu_calendar::cal::Hijri;
use serde::{Deserialize, Serialize};

/// Minutes in a day: the latest a working day may close.
pub const MINUTES_A_DAY: u16 = 24 * 60;

/// The longest a calendar is searched for working time: a calendar with no
/// working day in ten years is refused when it is set, so this is a guard.
const SEARCH_DAYS: i64 = 3660;

/// A holiday: yearly on either calendar, or one closure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "calendar", rename_all = "snake_case")]
pub enum Holiday {
    /// Every year from this Gregorian month and day, for `days` days.
    Gregorian { month: u8, day: u8, days: u8 },
    /// Every Hijri year from this month and day, for `days` days.
    Hijri { month: u8, day: u8, days: u8 },
    /// Once, from one date to another, both included.
    Closure {
        #[schema(value_type = String, format = Date)]
        from: NaiveDate,
        #[schema(value_type = String, format = Date)]
        to: NaiveDate,
    },
}

/// An entity's working calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    pub zone: Tz,
    /// Which days are worked, Sunday first.
    pub week: [bool; 7],
    /// When the working day opens and closes, in minutes after midnight on
    /// the entity's clock (closing at 1440 works to midnight: a day of 24
    /// hours is `0` to `1440`).
    pub opens: u16,
    pub closes: u16,
    pub holidays: Vec<Holiday>,
}

impl Default for WorkingCalendar {
    /// Saudi government hours: Sunday to Thursday, 07:30 to 14:30, Riyadh;
    /// Founding Day (22 February), National Day (23 September), Eid al-Fitr
    /// (1 to 4 Shawwal) and Eid al-Adha (9 to 12 Dhu al-Hijjah, from Arafat day).
    fn default() -> WorkingCalendar {
        WorkingCalendar {
            zone: chrono_tz::Asia::Riyadh,
            week: [true, true, true, true, true, false, false],
            opens: 7 * 60 + 30,
            closes: 14 * 60 + 30,
            holidays: vec![
                Holiday::Gregorian { month: 2, day: 22, days: 1 },
                Holiday::Gregorian { month: 9, day: 23, days: 1 },
                Holiday::Hijri { month: 10, day: 1, days: 4 },
                Holiday::Hijri { month: 12, day: 9, days: 4 },
            ],
        }
    }
}

/// Why a calendar cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarError {
    /// No day of the week is worked.
    NoWorkingDay,
    /// It closes before it opens.
    Hours,
    /// A holiday's date does not exist, or lasts no day or too long.
    Holiday(usize),
}

impl WorkingCalendar {
    /// Checks what a person set.
    pub fn check(&self) -> Result<(), CalendarError> {
        if !self.week.contains(&true) {
            return Err(CalendarError::NoWorkingDay);
        }
        if self.closes <= self.opens || self.closes > MINUTES_A_DAY {
            return Err(CalendarError::Hours);
        }
        for (i, h) in self.holidays.iter().enumerate() {
            let ok = match *h {
                Holiday::Gregorian { month, day, days } => {
                    NaiveDate::from_ymd_opt(2024, u32::from(month), u32::from(day)).is_some()
                        && (1..=30).contains(&days)
                }
                Holiday::Hijri { month, day, days } => {
                    (1..=12).contains(&month) && (1..=30).contains(&day) && (1..=30).contains(&days)
                }
                Holiday::Closure { from, to } => from <= to && (to - from).num_days() < 366,
            };
            if !ok {
                return Err(CalendarError::Holiday(i));
            }
        }
        Ok(())
    }

    /// Whether this day (on the entity's clock) is worked.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        self.week[day.weekday().num_days_from_sunday() as usize] && !self.is_holiday(day)
    }

    fn is_holiday(&self, day: NaiveDate) -> bool {
        self.holidays.iter().any(|h| match *h {
            Holiday::Gregorian { month, day: first, days } => (0..i64::from(days)).any(|k| {
                let d = day - Duration::days(k);
                d.month() == u32::from(month) && d.day() == u32::from(first)
            }),
            Holiday::Hijri { month, day: first, days } => (0..i64::from(days))
                .any(|k| hijri_of(day - Duration::days(k)).is_some_and(|(m, d)| m == month && d == first)),
            Holiday::Closure { from, to } => from <= day && day <= to,
        })
    }

    /// The day's working interval as instants, if it is worked.
    fn working_interval(&self, day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if !self.is_working_day(day) {
            return None;
        }
        let midnight = self.zone.from_local_datetime(&day.and_time(NaiveTime::MIN)).earliest()?.with_timezone(&Utc);
        let at = |minutes: u16| midnight + Duration::minutes(i64::from(minutes));
        Some((at(self.opens), at(self.closes)))
    }

    fn local_day(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }

    /// The instant `work` of working time after `start`: a due time. Zero
    /// work is the start itself.
    pub fn add(&self, start: DateTime<Utc>, work: Duration) -> DateTime<Utc> {
        if work <= Duration::zero() {
            return start;
        }
        let mut left = work;
        let mut day = self.local_day(start);
        let mut from = start;
        for _ in 0..SEARCH_DAYS {
            if let Some((opens, closes)) = self.working_interval(day) {
                let begin = from.max(opens);
                if begin < closes {
                    let here = closes - begin;
                    if left <= here {
                        return begin + left;
                    }
                    left -= here;
                }
            }
            day = day.succ_opt().unwrap_or(day);
            from = DateTime::<Utc>::MIN_UTC;
        }
        // A calendar checked on setting always has working time; should one
        // not, the due time falls as if every hour were worked.
        start + work
    }

    /// How much working time lies between two instants (zero if `to` is not
    /// after `from`).
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        let (first, last) = (self.local_day(from), self.local_day(to));
        let mut total = Duration::zero();
        let mut day = first;
        while day <= last {
            if let Some((opens, closes)) = self.working_interval(day) {
                let (a, b) = (from.max(opens), to.min(closes));
                if a < b {
                    total += b - a;
                }
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        total
    }
}

/// A day's Hijri month and day (Umm al-Qura), if the tables reach it.
fn hijri_of(day: NaiveDate) -> Option<(u8, u8)> {
    let iso = Date::try_new_iso(day.year(), day.month() as u8, day.day() as u8).ok()?;
    let h = iso.to_calendar(Hijri::new_umm_al_qura());
    Some((h.month().ordinal, h.day_of_month().0))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn riyadh(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Riyadh.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_target_runs_across_the_weekend() {
        let c = WorkingCalendar::default();
        // Thursday 3 December 2026, 13:30: one working hour left that day
        // (to 14:30), then Friday and Saturday off; 4 hours reach Sunday 10:30.
        let thursday = riyadh(2026, 12, 3, 13, 30);
        assert_eq!(c.add(thursday, Duration::hours(4)), riyadh(2026, 12, 6, 10, 30));
        assert_eq!(c.between(thursday, riyadh(2026, 12, 6, 10, 30)), Duration::hours(4));
        // Opened at night: the clock starts when the day opens.
        assert_eq!(c.add(riyadh(2026, 12, 1, 22, 0), Duration::hours(1)), riyadh(2026, 12, 2, 8, 30));
    }

    #[test]
    fn the_eids_and_national_days_are_not_worked() {
        let c = WorkingCalendar::default();
        // 1 Shawwal 1448 is 9 March 2027 (Umm al-Qura): Tuesday 9 to Friday 12 off.
        assert_eq!(hijri_of(NaiveDate::from_ymd_opt(2027, 3, 9).unwrap()), Some((10, 1)));
        for d in 9..=12 {
            assert!(!c.is_working_day(NaiveDate::from_ymd_opt(2027, 3, d).unwrap()), "March {d}");
        }
        assert!(c.is_working_day(NaiveDate::from_ymd_opt(2027, 3, 8).unwrap()));
        // Monday 8 March 14:00 + 1 hour: half an hour on the 8th, then the
        // Eid and the weekend, then Sunday 14 March 08:00.
        assert_eq!(c.add(riyadh(2027, 3, 8, 14, 0), Duration::hours(1)), riyadh(2027, 3, 14, 8, 0));
        // National Day, Wednesday 23 September 2026.
        assert!(!c.is_working_day(NaiveDate::from_ymd_opt(2026, 9, 23).unwrap()));
    }

    #[test]
    fn a_calendar_that_cannot_be_worked_is_refused() {
        let mut c = WorkingCalendar { week: [false; 7], ..WorkingCalendar::default() };
        assert_eq!(c.check(), Err(CalendarError::NoWorkingDay));
        c.week[0] = true;
        c.closes = c.opens;
        assert_eq!(c.check(), Err(CalendarError::Hours));
        c.closes = MINUTES_A_DAY + 1;
        assert_eq!(c.check(), Err(CalendarError::Hours));
        c.closes = 16 * 60;
        c.holidays.push(Holiday::Gregorian { month: 2, day: 30, days: 1 });
        assert_eq!(c.check(), Err(CalendarError::Holiday(4)));
    }

    proptest! {
        /// The due time of a target holds exactly that much working time,
        /// and no earlier instant does.
        #[test]
        fn add_and_between_agree(start in 0i64..(400 * 86_400), minutes in 0i64..(80 * 60)) {
            let c = WorkingCalendar::default();
            let start = riyadh(2026, 1, 1, 0, 0) + Duration::seconds(start);
            let work = Duration::minutes(minutes);
            let due = c.add(start, work);
            prop_assert_eq!(c.between(start, due), work);
            if work > Duration::zero() {
                prop_assert!(c.between(start, due - Duration::minutes(1)) < work);
            }
        }

        /// Working time adds up over a split, and never exceeds the clock's.
        #[test]
        fn between_adds_up(a in 0i64..(200 * 86_400), b in 0i64..(200 * 86_400), c2 in 0i64..(200 * 86_400)) {
            let c = WorkingCalendar::default();
            let mut t = [a, b, c2];
            t.sort();
            let at = |s: i64| riyadh(2026, 6, 1, 0, 0) + Duration::seconds(s);
            let whole = c.between(at(t[0]), at(t[2]));
            prop_assert_eq!(whole, c.between(at(t[0]), at(t[1])) + c.between(at(t[1]), at(t[2])));
            prop_assert!(whole <= at(t[2]) - at(t[0]));
        }
    }
}
