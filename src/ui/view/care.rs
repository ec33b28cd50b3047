//! The care of a visit in words, shared by the detail pane and the forms:
//! the latest vitals with their NEWS2 score, the hemostasis timer, the
//! next visit the course suggests, what the next stage still needs.

use chrono::{DateTime, Duration, Utc};

use super::fmt::{clock, duration};
use crate::config::Config;
use crate::domain::clinical::{News2, VitalsRecord, news2};
use crate::domain::rules::{
    hemostasis_minutes, missing_for_administration, missing_for_discharge, missing_for_ready,
};
use crate::domain::{Check, Missing, Stage, Visit};
use crate::i18n::{Lang, texts};

/// "118/74 P74 SpO2 98 36.5C RR14 NEWS2 0 (10:02)".
pub fn vitals_text(lang: Lang, config: &Config, record: &VitalsRecord) -> String {
    let News2 { total, any_three } = news2(&record.vitals);
    let three = if any_three { "!" } else { "" };
    format!(
        "{} NEWS2 {total}{three} ({})",
        crate::i18n::vitals_line(lang, &record.vitals),
        clock(config.timezone, record.at)
    )
}

/// The hemostasis timer, once pressure is recorded and until confirmed.
pub fn hemostasis_text(
    lang: Lang,
    config: &Config,
    visit: &Visit,
    now: DateTime<Utc>,
) -> Option<String> {
    let c = &texts(lang).clinic;
    let care = &visit.care;
    if care.checklist.contains_key(&Check::HemostasisConfirmed) {
        return None;
    }
    let pressed = care.checklist.get(&Check::HemostasisPressure)?;
    let end = *pressed + Duration::minutes(i64::from(hemostasis_minutes(visit, config)));
    let left = (end - now).num_seconds();
    Some(if left > 0 {
        c.hemostasis_left.replace("{t}", &duration(left))
    } else {
        c.hemostasis_done.to_string()
    })
}

/// "next visit: in 7-14 days, session 2 of 5", from the treatment's course.
pub fn next_visit_text(lang: Lang, config: &Config, visit: &Visit) -> Option<String> {
    let c = &texts(lang).clinic;
    let treatment = visit
        .care
        .plan
        .as_ref()
        .map_or(visit.treatment.as_str(), |p| p.treatment.as_str());
    let course = &config.treatment(treatment)?.course;
    let next = visit.history.session.max(1) + 1;
    if next > course.sessions {
        return Some(c.course_done.replace("{m}", &course.sessions.to_string()));
    }
    Some(
        c.next_visit
            .replace("{a}", &course.interval_days_min.to_string())
            .replace("{b}", &course.interval_days_max.to_string())
            .replace("{n}", &next.to_string())
            .replace("{m}", &course.sessions.to_string()),
    )
}

/// What the visit's next stage still needs (nothing for the stages that
/// have no conditions).
pub fn next_needs(visit: &Visit, config: &Config, now: DateTime<Utc>) -> Vec<Missing> {
    match visit.stage {
        Stage::Counselling => missing_for_ready(visit, config),
        Stage::Ready => missing_for_administration(visit, config),
        Stage::Observation => missing_for_discharge(visit, config, now),
        _ => Vec::new(),
    }
}
