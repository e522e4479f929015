//! Time zones from the IANA database (`jiff`, with the database built in,
//! so no machine needs tzdata): the offsets a zone had and will have, for
//! the pages to show times in the account's zone.

use std::{
    collections::HashMap,
    sync::{Mutex, OnceLock},
};

use crate::domain::Zone;

/// The offsets are worked out from here…
const FROM: i64 = 946_684_800; // 2000-01-01
/// …to here; beyond, the last offset holds.
const UNTIL: i64 = 2_208_988_800; // 2040-01-01

/// `name`'s offsets, worked out once per zone; an unknown name is UTC.
pub fn zone(name: &str) -> Zone {
    static ZONES: OnceLock<Mutex<HashMap<String, Zone>>> = OnceLock::new();
    let zones = ZONES.get_or_init(Mutex::default);
    let mut zones = zones.lock().unwrap_or_else(|e| e.into_inner());
    zones
        .entry(name.to_owned())
        .or_insert_with(|| work_out(name).unwrap_or_else(Zone::utc))
        .clone()
}

fn work_out(name: &str) -> Option<Zone> {
    let tz = jiff::tz::TimeZone::get(name).ok()?;
    let start = jiff::Timestamp::from_second(FROM).ok()?;
    let mut offsets = vec![(i64::MIN, tz.to_offset(start).seconds())];
    for transition in tz.following(start) {
        let at = transition.timestamp().as_second();
        if at > UNTIL {
            break;
        }
        offsets.push((at, transition.offset().seconds()));
    }
    Some(Zone {
        name: name.to_owned(),
        offsets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zone_follows_its_daylight_saving() {
        let berlin = zone("Europe/Berlin");
        assert_eq!(
            berlin.short_time("2026-01-15T10:20:30Z"),
            "2026-01-15 11:20"
        );
        assert_eq!(
            berlin.short_time("2026-07-01T10:20:30Z"),
            "2026-07-01 12:20"
        );
        let kolkata = zone("Asia/Kolkata");
        assert_eq!(
            kolkata.short_time("2026-07-01T10:20:30Z"),
            "2026-07-01 15:50"
        );
        assert_eq!(zone("Nowhere/Atlantis"), Zone::utc());
    }
}
