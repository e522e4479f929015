//! The account's time zone as the pages use it: its name and the UTC
//! offsets it had, each from the instant it began. The server works the
//! offsets out from the time zone database once; the browser only looks
//! them up, so it needs no time zone data of its own.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    /// The IANA name, e.g. `Europe/Berlin`.
    pub name: String,
    /// `(from, offset)`: from this Unix second on, local time is UTC plus
    /// `offset` seconds. Ascending; the first holds for all times before.
    pub offsets: Vec<(i64, i32)>,
}

impl Default for Zone {
    fn default() -> Self {
        Self::utc()
    }
}

impl Zone {
    pub fn utc() -> Self {
        Self {
            name: "UTC".to_owned(),
            offsets: vec![(i64::MIN, 0)],
        }
    }

    /// The offset from UTC, in seconds, at the Unix second `at`.
    pub fn offset_at(&self, at: i64) -> i32 {
        let after = self.offsets.partition_point(|(from, _)| *from <= at);
        self.offsets
            .get(after.saturating_sub(1))
            .map_or(0, |(_, offset)| *offset)
    }

    /// `2026-11-27T10:20:30Z` as `2026-11-27 11:20` in this zone. Text that
    /// is not such a time stamp is shown as it is (to the minute).
    pub fn short_time(&self, utc: &str) -> String {
        match unix_seconds(utc) {
            Some(at) => civil_minute(at + i64::from(self.offset_at(at))),
            None => utc.replace('T', " ").chars().take(16).collect(),
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm), and back: no date library needed in the browser.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `YYYY-MM-DDTHH:MM:SSZ` (seconds optional) as Unix seconds.
fn unix_seconds(utc: &str) -> Option<i64> {
    let bytes = utc.as_bytes();
    if bytes.len() < 16
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || bytes[10] != b'T'
        || bytes[13] != b':'
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| utc.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute) = (number(11..13)?, number(14..16)?);
    let second = number(17..19).unwrap_or(0);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

fn civil_minute(local: i64) -> String {
    let (year, month, day) = civil_from_days(local.div_euclid(86_400));
    let second_of_day = local.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        second_of_day / 3600,
        second_of_day % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> Zone {
        // 2026: CET (+1) until 29 March 01:00 UTC, then CEST (+2) until 25 October 01:00 UTC.
        Zone {
            name: "Europe/Berlin".into(),
            offsets: vec![
                (i64::MIN, 3600),
                (1_774_746_000, 7200),
                (1_792_890_000, 3600),
            ],
        }
    }

    #[test]
    fn times_are_shown_in_the_zone_with_its_daylight_saving() {
        let zone = berlin();
        assert_eq!(zone.short_time("2026-01-15T10:20:30Z"), "2026-01-15 11:20");
        assert_eq!(zone.short_time("2026-07-01T23:30:00Z"), "2026-07-02 01:30");
        assert_eq!(zone.short_time("2026-11-27T10:20:30Z"), "2026-11-27 11:20");
        assert_eq!(
            Zone::utc().short_time("2026-11-27T10:20:30Z"),
            "2026-11-27 10:20"
        );
        assert_eq!(zone.short_time("yesterday"), "yesterday");
    }

    #[test]
    fn civil_dates_round_trip() {
        for days in [-800_000, -1, 0, 1, 19_000, 20_454, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2026-11-28T05:16:56Z"), Some(1_795_843_016));
    }
}
