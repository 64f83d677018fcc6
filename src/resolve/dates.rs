//! Dates as editors write them on a date claim: `YYYY-MM-DD`, or a weekday name
//! ("Sunday") meaning the latest such day on or before the article's date.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// Resolves `written` against the article's publication date. `Err` says why
/// the text is not a date.
pub fn resolve_date(written: &str, published: NaiveDate) -> Result<NaiveDate, String> {
    let text = written.trim();
    if let Some(weekday) = parse_weekday(text) {
        let back =
            (7 + published.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
        return Ok(published - Days::new(u64::from(back)));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is neither a date (YYYY-MM-DD) nor a weekday name"))
}

/// An English weekday name, full or abbreviated, any case.
pub fn parse_weekday(text: &str) -> Option<Weekday> {
    let lower = text.trim().to_ascii_lowercase();
    let day = match lower.as_str() {
        "monday" | "mon" => Weekday::Mon,
        "tuesday" | "tue" | "tues" => Weekday::Tue,
        "wednesday" | "wed" => Weekday::Wed,
        "thursday" | "thu" | "thurs" => Weekday::Thu,
        "friday" | "fri" => Weekday::Fri,
        "saturday" | "sat" => Weekday::Sat,
        "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    };
    Some(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekday_resolves_to_latest_on_or_before() {
        // 2025-05-21 was a Wednesday.
        assert_eq!(resolve_date("Sunday", d(2025, 5, 21)), Ok(d(2025, 5, 18)));
        assert_eq!(
            resolve_date("wednesday", d(2025, 5, 21)),
            Ok(d(2025, 5, 21))
        );
        assert_eq!(resolve_date("Thursday", d(2025, 5, 21)), Ok(d(2025, 5, 15)));
    }

    #[test]
    fn iso_dates_and_errors() {
        assert_eq!(
            resolve_date("2025-05-11", d(2025, 5, 21)),
            Ok(d(2025, 5, 11))
        );
        assert!(resolve_date("2025-02-30", d(2025, 5, 21)).is_err());
        assert!(resolve_date("soon", d(2025, 5, 21)).is_err());
    }
}
