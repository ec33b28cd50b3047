//! Times as the staff read them: clock times in the clinic's time zone,
//! and the live timer of a row (elapsed, or remaining / over).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::config::Config;
use crate::domain::{Visit, timer};
use crate::i18n::Texts;

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
        Some(over) => t.ui.timer_over.replace("{t}", &duration(over)),
        None => duration(timer.elapsed_secs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_stopwatch() {
        assert_eq!(duration(0), "00:00");
        assert_eq!(duration(754), "12:34");
        assert_eq!(duration(-190), "03:10");
        assert_eq!(duration(3723), "1:02:03");
    }
}
