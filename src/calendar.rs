//! Working days and deadlines, counted in the business time zone. Working days are Monday
//! to Friday; public holidays are not known.

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

pub fn is_working_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// `days` working days after `from`, at the same local time of day. A start on a weekend
/// counts from the weekend, so Saturday plus one working day is Monday.
pub fn add_working_days(from: DateTime<Utc>, days: u32, tz: Tz) -> DateTime<Utc> {
    let local = from.with_timezone(&tz).naive_local();
    let mut day = local.date();
    let mut left = days;
    while left > 0 {
        let Some(next) = day.checked_add_days(Days::new(1)) else {
            break;
        };
        day = next;
        if is_working_day(day) {
            left -= 1;
        }
    }
    let target = day.and_time(local.time());
    // A local time that does not exist (a DST gap) is taken an hour later.
    tz.from_local_datetime(&target)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(target + Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(from + Duration::days(i64::from(days)))
}

/// Working days from `earlier` to `later`: the working days after `earlier`'s local date up
/// to and including `later`'s. The same day is 0; Friday to Monday is 1.
pub fn working_days_between(earlier: DateTime<Utc>, later: DateTime<Utc>, tz: Tz) -> i64 {
    let from = earlier.with_timezone(&tz).date_naive();
    let to = later.with_timezone(&tz).date_naive();
    if to <= from {
        return 0;
    }
    let mut count = 0;
    let mut day = from;
    while day < to {
        let Some(next) = day.checked_add_days(Days::new(1)) else {
            break;
        };
        day = next;
        if is_working_day(day) {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn working_days_skip_the_weekend_in_the_business_zone() {
        let berlin = chrono_tz::Europe::Berlin;
        // Friday 2026-11-27 10:00 in Berlin (09:00 UTC) plus one working day is Monday.
        assert_eq!(
            add_working_days(at("2026-11-27T09:00:00Z"), 1, berlin),
            at("2026-11-30T09:00:00Z")
        );
        assert_eq!(
            add_working_days(at("2026-11-25T09:00:00Z"), 5, berlin),
            at("2026-12-02T09:00:00Z")
        );
        // Saturday 23:30 UTC is already Sunday in Shanghai; one working day is Monday.
        let shanghai = chrono_tz::Asia::Shanghai;
        assert_eq!(
            add_working_days(at("2026-11-28T23:30:00Z"), 1, shanghai),
            at("2026-11-29T23:30:00Z")
        );
    }

    #[test]
    fn a_deadline_across_a_dst_change_keeps_its_local_time() {
        let berlin = chrono_tz::Europe::Berlin;
        // Friday 2026-03-27 10:00 CET; Monday 2026-03-30 10:00 is CEST, an hour earlier in UTC.
        assert_eq!(
            add_working_days(at("2026-03-27T09:00:00Z"), 1, berlin),
            at("2026-03-30T08:00:00Z")
        );
    }

    #[test]
    fn working_days_between_count_the_days_after_the_first() {
        let utc = chrono_tz::UTC;
        let friday = at("2026-11-27T16:00:00Z");
        assert_eq!(working_days_between(friday, friday, utc), 0);
        assert_eq!(
            working_days_between(friday, at("2026-11-29T10:00:00Z"), utc),
            0
        );
        assert_eq!(
            working_days_between(friday, at("2026-11-30T08:00:00Z"), utc),
            1
        );
        assert_eq!(
            working_days_between(friday, at("2026-12-02T08:00:00Z"), utc),
            3
        );
        assert_eq!(
            working_days_between(at("2026-12-02T08:00:00Z"), friday, utc),
            0
        );
    }
}
