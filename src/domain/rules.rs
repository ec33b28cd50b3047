//! Timers and alerts, derived from the board, the config and `now`.
//! Nothing here is stored: a restart or a second terminal derives the same.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::{Board, Stage, Visit, VisitId};
use crate::config::Config;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertCode {
    /// Too long in waiting, counselling or ready.
    WaitedTooLong,
    /// The expected administration time is over: needle out, hemostasis.
    AdministrationDue,
    /// Well past the expected end of administration.
    AdministrationOverdue,
    /// Observation time is over: ready for discharge.
    ObservationComplete,
    /// Observation ended long ago and the patient is still not discharged.
    DischargeOverdue,
}

impl AlertCode {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertCode::WaitedTooLong => "waited_too_long",
            AlertCode::AdministrationDue => "administration_due",
            AlertCode::AdministrationOverdue => "administration_overdue",
            AlertCode::ObservationComplete => "observation_complete",
            AlertCode::DischargeOverdue => "discharge_overdue",
        }
    }
}

/// One thing that needs attention now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub visit: VisitId,
    pub severity: Severity,
    pub code: AlertCode,
    /// Minutes that matter for the message (waited, overdue by).
    pub minutes: i64,
    /// The stage the alert is about.
    pub stage: Stage,
}

/// How a visit's clock reads now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    /// Seconds since the stage began (never negative).
    pub elapsed_secs: i64,
    /// For administration and observation: seconds left of the expected
    /// length (negative when over).
    pub remaining_secs: Option<i64>,
}

/// Expected length of the current stage, when the stage has one.
pub fn expected_secs(visit: &Visit, config: &Config) -> Option<i64> {
    match visit.stage {
        Stage::Administration => config
            .treatment(&visit.treatment)
            .map(|t| i64::from(t.minutes) * 60),
        Stage::Observation => Some(i64::from(config.observation.minutes) * 60),
        _ => None,
    }
}

pub fn timer(visit: &Visit, config: &Config, now: DateTime<Utc>) -> Timer {
    let elapsed_secs = (now - visit.stage_since).num_seconds().max(0);
    Timer {
        elapsed_secs,
        remaining_secs: expected_secs(visit, config).map(|e| e - elapsed_secs),
    }
}

/// The alerts of one visit now, most severe first.
pub fn visit_alerts(visit: &Visit, config: &Config, now: DateTime<Utc>) -> Vec<Alert> {
    let t = timer(visit, config, now);
    let minutes = t.elapsed_secs / 60;
    let alert = |severity, code, minutes| Alert {
        visit: visit.id,
        severity,
        code,
        minutes,
        stage: visit.stage,
    };
    let mut out = Vec::new();
    match visit.stage {
        Stage::Waiting | Stage::Counselling | Stage::Ready => {
            if let Some(limit) = config.limit(visit.stage) {
                if minutes >= i64::from(limit.critical_minutes) {
                    out.push(alert(Severity::Critical, AlertCode::WaitedTooLong, minutes));
                } else if minutes >= i64::from(limit.warn_minutes) {
                    out.push(alert(Severity::Warning, AlertCode::WaitedTooLong, minutes));
                }
            }
        }
        Stage::Administration => {
            if let Some(remaining) = t.remaining_secs {
                let over = -remaining / 60;
                if over >= i64::from(config.administration.overdue_minutes) {
                    out.push(alert(
                        Severity::Critical,
                        AlertCode::AdministrationOverdue,
                        over,
                    ));
                } else if remaining <= 0 {
                    out.push(alert(Severity::Warning, AlertCode::AdministrationDue, over));
                }
            }
        }
        Stage::Observation => {
            if let Some(remaining) = t.remaining_secs {
                let over = -remaining / 60;
                if over >= i64::from(config.observation.discharge_overdue_minutes) {
                    out.push(alert(Severity::Warning, AlertCode::DischargeOverdue, over));
                } else if remaining <= 0 {
                    out.push(alert(Severity::Info, AlertCode::ObservationComplete, over));
                }
            }
        }
        Stage::Discharged | Stage::Deferred | Stage::Cancelled | Stage::Transferred => {}
    }
    out
}

/// Every active alert on the board: most severe first, then the longest
/// standing, then by visit.
pub fn alerts(board: &Board, config: &Config, now: DateTime<Utc>) -> Vec<Alert> {
    let mut all: Vec<Alert> = board
        .visits
        .values()
        .flat_map(|v| visit_alerts(v, config, now))
        .collect();
    all.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.minutes.cmp(&a.minutes))
            .then(a.visit.cmp(&b.visit))
    });
    all
}
