//! Times as the staff read them: clock times in the clinic's time zone,
//! and the live timer of a row (elapsed, or remaining / over).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::config::Config;
use crate::domain::{Visit, timer};
use crate::i18n::Texts;

/// The date in the clinic's time zone and format (`[terminal]
/// date_format`; the config refuses a bad one, and `%Y-%m-%d` stands in
/// should one get here anyway: formatting must never panic).
pub fn date(tz: Tz, format: &str, t: DateTime<Utc>) -> String {
    use chrono::format::StrftimeItems;
    let local = t.with_timezone(&tz);
    match StrftimeItems::new(format).parse() {
        Ok(items) => local.format_with_items(items.into_iter()).to_string(),
        Err(_) => local.format("%Y-%m-%d").to_string(),
    }
}

/// `HH:MM` in the clinic's time zone.
pub fn clock(tz: Tz, t: DateTime<Utc>) -> String {
    t.with_timezone(&tz).format("%H:%M").to_string()
}

/// `mm:ss`, or `h:mm:ss` from an hour on.
pub fn duration(secs: i64) -> String {
    let secs = secs.abs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// What a row's timer column says now: time in the stage for waiting,
/// counselling and ready; time left (or over) for administration and
/// observation; the clock time they left for the others.
pub fn timer_text(visit: &Visit, config: &Config, t: &Texts, now: DateTime<Utc>) -> String {
    if let (crate::domain::Stage::Expected, Some(at)) = (visit.stage, visit.expected_at) {
        // The booked time.
        return format!("@{}", clock(config.timezone, at));
    }
    if !visit.stage.is_active() {
        return clock(config.timezone, visit.stage_since);
    }
    let timer = timer(visit, config, now);
    match timer.remaining_secs {
        Some(left) if left >= 0 => t.ui.timer_left.replace("{t}", &duration(left)),
        // An observation past its time is simply done, not late.
        Some(over) if visit.stage == crate::domain::Stage::Observation => {
            t.clinic.timer_done.replace("{t}", &duration(over))
        }
        Some(over) => t.ui.timer_over.replace("{t}", &duration(over)),
        None => duration(timer.elapsed_secs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_clinic_format_and_a_bad_format_cannot_panic() {
        use chrono::TimeZone;
        let tz = chrono_tz::Asia::Tokyo;
        // 2026-11-20 23:30 UTC is already the 21st in Tokyo.
        let t = Utc.with_ymd_and_hms(2026, 11, 20, 23, 30, 0).unwrap();
        assert_eq!(date(tz, "%Y-%m-%d", t), "2026-11-21");
        assert_eq!(date(tz, "%Y年%m月%d日", t), "2026年11月21日");
        assert_eq!(date(tz, "%Q", t), "2026-11-21");
    }

    #[test]
    fn durations_read_like_a_stopwatch() {
        assert_eq!(duration(0), "00:00");
        assert_eq!(duration(754), "12:34");
        assert_eq!(duration(-190), "03:10");
        assert_eq!(duration(3723), "1:02:03");
    }
}
