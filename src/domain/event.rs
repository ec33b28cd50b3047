//! Events: the facts the board is made of. They are only ever appended;
//! a correction is a new event that points at the one it undoes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::clinical::{EarlyStop, Entry, History, Lot};
use super::model::{Board, Visit, VisitId};

/// One event as stored in the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    /// Position in the log, from 1, without gaps.
    pub seq: u64,
    pub visit: VisitId,
    /// When it happened (may be earlier than `recorded_at` for entries
    /// made after the fact).
    pub at: DateTime<Utc>,
    /// When the server recorded it.
    pub recorded_at: DateTime<Utc>,
    /// Who entered it, when the terminal said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// An entry made after the fact that would have stopped a move already
    /// made (a fever reading dated before the start): why, as confirmed by
    /// whoever entered it. It stays flagged on the visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doubt: Option<String>,
    #[serde(flatten)]
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    Arrived {
        name: String,
        chart_no: Option<String>,
        treatment: String,
        ticket: u32,
        /// What the board knew of earlier visits of this chart number.
        #[serde(default)]
        history: History,
        /// The sender's idempotency key, when it gave one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
    },
    /// A booking from the day sheet: the visit exists, the patient has not
    /// arrived.
    Expected {
        name: String,
        chart_no: Option<String>,
        treatment: String,
        expected_at: DateTime<Utc>,
        /// Identifies the day-sheet row, so a re-import skips it.
        #[serde(default)]
        key: Option<String>,
    },
    /// An expected patient arrived.
    CheckedIn {
        ticket: u32,
    },
    /// A recorded value was wrong: the new value, why, and the old one
    /// (which stays in the log).
    Corrected {
        correction: Correction,
        reason: String,
        old: String,
        /// The doctor who approved a correction that shortened a running
        /// timer (an observation, a reaction's).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        doctor: Option<String>,
    },
    CounsellingStarted,
    MarkedReady,
    AdministrationStarted {
        bed: Option<String>,
        #[serde(default)]
        lot: Option<Lot>,
    },
    /// Needle out: observation begins (`early` when stopped before its
    /// time).
    AdministrationEnded {
        #[serde(default)]
        early: Option<EarlyStop>,
    },
    /// A clinical fact recorded without a change of stage.
    Recorded {
        entry: Entry,
    },
    Discharged,
    Deferred {
        reason: String,
    },
    Cancelled {
        reason: String,
    },
    Transferred {
        reason: String,
    },
    /// Undoes the event with sequence number `target` (a correction, not a
    /// deletion: both stay in the log), with why when it matters.
    Reverted {
        target: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

impl EventKind {
    /// Stable name of the event kind, as in the JSON.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Arrived { .. } => "arrived",
            EventKind::Expected { .. } => "expected",
            EventKind::CheckedIn { .. } => "checked_in",
            EventKind::Corrected { .. } => "corrected",
            EventKind::CounsellingStarted => "counselling_started",
            EventKind::MarkedReady => "marked_ready",
            EventKind::AdministrationStarted { .. } => "administration_started",
            EventKind::AdministrationEnded { .. } => "administration_ended",
            EventKind::Recorded { entry } => entry.name(),
            EventKind::Discharged => "discharged",
            EventKind::Deferred { .. } => "deferred",
            EventKind::Cancelled { .. } => "cancelled",
            EventKind::Transferred { .. } => "transferred",
            EventKind::Reverted { .. } => "reverted",
        }
    }
}

/// A correction of a recorded value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "field", rename_all = "snake_case", deny_unknown_fields)]
pub enum Correction {
    Name {
        name: String,
    },
    ChartNo {
        chart_no: Option<String>,
    },
    /// The lot number recorded at the start of administration.
    Lot {
        number: String,
    },
    /// The time an event happened (a wrong start time, a wrong arrival).
    Time {
        event: u64,
        at: DateTime<Utc>,
    },
}

/// Applies one event to the board. Events come from `decide` (or from the
/// log), so they are already valid; an event for an unknown visit that is
/// not an arrival is ignored rather than inventing a visit.
pub fn apply(board: &mut Board, event: EventRecord) {
    board.last_seq = board.last_seq.max(event.seq);
    let id = event.visit;
    board.last_visit = board.last_visit.max(id.0);
    let mut old_chart = None;
    let mut events = match board.visits.remove(&id) {
        Some(visit) => {
            old_chart = visit.chart_no;
            visit.events
        }
        None if matches!(
            event.kind,
            EventKind::Arrived { .. } | EventKind::Expected { .. }
        ) =>
        {
            Vec::new()
        }
        None => return,
    };
    events.push(event);
    if let Some(visit) = Visit::from_events(events) {
        board.index_chart(&visit, old_chart.as_deref());
        board.visits.insert(id, visit);
    }
}

/// Folds a whole log into a board: the definition of the materialised state.
pub fn replay(events: impl IntoIterator<Item = EventRecord>) -> Board {
    let mut board = Board::default();
    for event in events {
        apply(&mut board, event);
    }
    board
}
