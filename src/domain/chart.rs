//! The patient history: every visit of one chart number, as much of it as
//! a later visit needs (sessions given, reactions, the last screening
//! answers). A pure summary of visits; the server keeps it in the store,
//! updated in the same transaction as the events, so it outlives the
//! working window without reading every stored visit at start.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::clinical::{Answers, History, ReactionKind};
use super::command::Command;
use super::model::{Board, Stage, Visit, VisitId};

/// What a later visit needs to know about an earlier one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartVisit {
    pub arrived_at: DateTime<Utc>,
    pub treatment: String,
    /// Administration began (a session of the course was given).
    pub administered: bool,
    pub reactions: Vec<(ReactionKind, DateTime<Utc>)>,
    pub answers: Option<Answers>,
    /// Where the visit is now (an open visit is still in the flow or
    /// expected).
    #[serde(default = "ChartVisit::unknown_stage")]
    pub stage: Stage,
}

impl ChartVisit {
    /// The summary of a visit as it is now.
    pub fn of(visit: &Visit) -> ChartVisit {
        ChartVisit {
            arrived_at: visit.arrived_at,
            treatment: visit.treatment.clone(),
            administered: visit.care.administration_started.is_some(),
            reactions: visit
                .care
                .reactions
                .iter()
                .map(|r| (r.kind, r.at))
                .collect(),
            answers: visit.care.screening.clone(),
            stage: visit.stage,
        }
    }

    fn unknown_stage() -> Stage {
        Stage::Discharged
    }
}

/// Every visit of one chart number, by visit id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChartHistory {
    pub visits: BTreeMap<VisitId, ChartVisit>,
}

impl ChartHistory {
    /// Files a visit (or refreshes it).
    pub fn file(&mut self, visit: &Visit) {
        self.visits.insert(visit.id, ChartVisit::of(visit));
    }

    /// What is known of the visits before `at`, for a new visit of
    /// `treatment`: the session number in the course, the reactions that
    /// matter (not local ones), the last screening answers, the last visit.
    pub fn summary(&self, treatment: &str, at: DateTime<Utc>) -> History {
        let earlier: Vec<&ChartVisit> =
            self.visits.values().filter(|v| v.arrived_at < at).collect();
        History {
            session: 1 + earlier
                .iter()
                .filter(|v| v.administered && v.treatment == treatment)
                .count() as u32,
            reactions: earlier
                .iter()
                .flat_map(|v| v.reactions.iter().copied())
                .filter(|(kind, _)| *kind != ReactionKind::Local)
                .collect(),
            last_answers: earlier
                .iter()
                .filter_map(|v| v.answers.as_ref().map(|a| (v.arrived_at, a)))
                .max_by_key(|(at, _)| *at)
                .map(|(_, a)| a.clone()),
            last_visit: earlier.iter().map(|v| v.arrived_at).max(),
        }
    }
}

/// The chart numbers whose history `decide` reads for `command`. A caller
/// that holds only part of the records (the server: its working window)
/// puts those histories into `board.charts` before it decides.
pub fn charts_read(board: &Board, command: &Command) -> Vec<String> {
    let given = |chart: &Option<String>| {
        chart
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
    };
    let chart = match command {
        Command::Arrive { chart_no, .. } | Command::Expect { chart_no, .. } => given(chart_no),
        Command::Correct {
            correction: super::event::Correction::ChartNo { chart_no },
            ..
        } => given(chart_no),
        Command::Advance {
            visit,
            to: Stage::Waiting,
            ..
        } => board.visit(*visit).and_then(|v| v.chart_no.clone()),
        _ => None,
    };
    chart.into_iter().collect()
}
