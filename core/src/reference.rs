//! Reference numbers: per entity and Hijri (Umm al-Qura) year, e.g. `1448-000123`.

use chrono::{DateTime, Datelike, Utc};
use icu_calendar::Date;
use icu_calendar::cal::Hijri;

use crate::ErrorCode;

/// The Umm al-Qura year of an instant (days change at midnight UTC+3, Mecca).
pub fn hijri_year(at: DateTime<Utc>) -> i32 {
    let mecca = at + chrono::Duration::hours(3);
    let (y, m, d) = (mecca.year(), mecca.month() as u8, mecca.day() as u8);
    Date::try_new_iso(y, m, d)
        .map(|iso| iso.to_calendar(Hijri::new_umm_al_qura()).era_year().year)
        // Outside the calendar's tables: the tabular approximation is within a year.
        .unwrap_or_else(|_| ((y - 622) as f64 * 33.0 / 32.0) as i32 + 1)
}

/// A reference as shown to people: year and a six-digit (or longer) sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reference {
    pub hijri_year: i32,
    pub number: i64,
}

impl Reference {
    /// Accepts `1448-000123`, and a bare `123` when the year is given apart.
    pub fn parse(raw: &str, hijri_year: Option<i32>) -> Result<Reference, ErrorCode> {
        let s = crate::identity::ascii_digits(raw.trim());
        let (year, number) = match s.split_once('-') {
            Some((y, n)) => (y.parse::<i32>().ok(), n),
            None => (hijri_year, s.as_str()),
        };
        let number = number.parse::<i64>().ok().filter(|n| *n > 0);
        match (year.filter(|y| (1300..=1600).contains(y)), number) {
            (Some(hijri_year), Some(number)) => Ok(Reference { hijri_year, number }),
            _ => Err(ErrorCode::InvalidField),
        }
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:06}", self.hijri_year, self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(12, 0, 0).unwrap().and_utc()
    }

    #[test]
    fn umm_al_qura_years() {
        // 1 Muharram 1447 fell on 26 June 2025; 1 Muharram 1448 on 16 June 2026.
        assert_eq!(hijri_year(at(2025, 6, 25)), 1446);
        assert_eq!(hijri_year(at(2025, 6, 27)), 1447);
        assert_eq!(hijri_year(at(2026, 11, 23)), 1448);
    }

    #[test]
    fn references_format_and_parse() {
        let r = Reference { hijri_year: 1448, number: 123 };
        assert_eq!(r.to_string(), "1448-000123");
        assert_eq!(Reference::parse("1448-000123", None), Ok(r));
        assert_eq!(Reference::parse("١٤٤٨-٠٠٠١٢٣", None), Ok(r));
        assert_eq!(Reference::parse("123", Some(1448)), Ok(r));
        assert!(Reference::parse("123", None).is_err());
        assert!(Reference::parse("1448-abc", None).is_err());
        assert!(Reference::parse("1448-0", None).is_err());
    }
}
