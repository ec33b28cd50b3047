//! The history view's model: which clinic day it shows, where that day's
//! visits come from (the board for today, the server's records for a past
//! day), the filters (patient, who entered, kind) and the cursor; and the
//! day's events as the view lists them. Pure: the query for a past day is
//! sent by the loop, its answer comes back as a reply.

use chrono::{DateTime, NaiveDate, Utc};

use super::app::App;
use super::input::TextInput;
use super::words::{event_words, undone};
use crate::config::Config;
use crate::domain::{EventKind, EventRecord, Visit, VisitId};
use crate::i18n::texts;
use crate::records::day_start;

/// Where the day's visits are.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Today: the board the screen already has.
    Board,
    /// A past day asked of the server with this request id.
    Loading(u64),
    /// A past day as the server answered.
    Loaded(Vec<Visit>),
    /// The past day could not be read: why.
    Failed(String),
}

/// Which events are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    All,
    /// Arrivals, check-ins, moves, discharges, deferrals, cancellations,
    /// transfers, bookings.
    Stages,
    /// Screening, vitals, reactions, checklist... (`record`).
    Clinical,
    /// Corrections and undos.
    Corrections,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::All, Kind::Stages, Kind::Clinical, Kind::Corrections];

    pub fn next(self) -> Kind {
        let i = Kind::ALL.iter().position(|k| *k == self).unwrap_or(0);
        Kind::ALL[(i + 1) % Kind::ALL.len()]
    }

    /// Position in `Kind::ALL` (and in the words for the kinds).
    pub fn index(self) -> usize {
        Kind::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }

    pub fn admits(self, kind: &EventKind) -> bool {
        match self {
            Kind::All => true,
            Kind::Clinical => matches!(kind, EventKind::Recorded { .. }),
            Kind::Corrections => {
                matches!(
                    kind,
                    EventKind::Corrected { .. } | EventKind::Reverted { .. }
                )
            }
            Kind::Stages => !matches!(
                kind,
                EventKind::Recorded { .. }
                    | EventKind::Corrected { .. }
                    | EventKind::Reverted { .. }
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// The clinic day shown (in the clinic's time zone).
    pub day: NaiveDate,
    pub source: Source,
    /// Only this patient's events.
    pub patient: Option<VisitId>,
    /// Only events entered by someone whose initials or name contain this
    /// (case-insensitive).
    pub by: TextInput,
    /// The keyboard is typing into `by`.
    pub typing_by: bool,
    pub kind: Kind,
    /// The line under the cursor (clamped to the list when used, so
    /// `usize::MAX` means the last line).
    pub cursor: usize,
}

/// One line of the history.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub seq: u64,
    pub visit: VisitId,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// When the server recorded it.
    pub recorded_at: DateTime<Utc>,
    pub operator: Option<String>,
    pub ticket: String,
    pub name: String,
    /// What happened, in the staff's words (a correction: old -> new).
    pub what: String,
    /// A later undo cancelled it (it stays in the record).
    pub undone: bool,
}

/// The clinic day `now` falls on.
pub fn today(config: &Config, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&config.timezone).date_naive()
}

/// `[from, to)` of a clinic day.
pub fn day_range(config: &Config, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let next = day.succ_opt().unwrap_or(day);
    (day_start(config, day), day_start(config, next))
}

impl History {
    /// Today's history, from the board, with the cursor on the newest line.
    pub fn new(day: NaiveDate) -> History {
        History {
            day,
            source: Source::Board,
            patient: None,
            by: TextInput::new(),
            typing_by: false,
            kind: Kind::All,
            cursor: usize::MAX,
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self.source, Source::Loading(_))
    }

    /// The visits of the day: those that arrived (or were booked) that
    /// day; for today also anyone still in the clinic since yesterday.
    fn visits<'a>(&'a self, app: &'a App) -> Vec<&'a Visit> {
        match &self.source {
            Source::Board => {
                let (from, to) = day_range(&app.config, self.day);
                app.board
                    .visits
                    .values()
                    .filter(|v| (from..to).contains(&v.arrived_at) || v.stage.is_active())
                    .collect()
            }
            Source::Loaded(visits) => visits.iter().collect(),
            Source::Loading(_) | Source::Failed(_) => Vec::new(),
        }
    }

    fn admits(&self, v: &Visit, e: &EventRecord) -> bool {
        if self.patient.is_some_and(|p| p != v.id) || !self.kind.admits(&e.kind) {
            return false;
        }
        let by = self.by.text().trim().to_lowercase();
        by.is_empty()
            || e.operator
                .as_deref()
                .is_some_and(|op| op.to_lowercase().contains(&by))
    }

    /// Every event of the day, before the filters: in the order they
    /// happened.
    pub fn all_rows(&self, app: &App) -> Vec<Row> {
        self.rows_where(app, |_, _| true)
    }

    /// The lines listed now: the day's events that pass the filters, in
    /// the order they happened (then the order they were recorded).
    pub fn rows(&self, app: &App) -> Vec<Row> {
        self.rows_where(app, |v, e| self.admits(v, e))
    }

    fn rows_where(&self, app: &App, keep: impl Fn(&Visit, &EventRecord) -> bool) -> Vec<Row> {
        let t = texts(app.lang);
        let mut rows: Vec<Row> = self
            .visits(app)
            .into_iter()
            .flat_map(|v| v.events.iter().map(move |e| (v, e)))
            .filter(|(v, e)| keep(v, e))
            .map(|(v, e)| Row {
                seq: e.seq,
                visit: v.id,
                at: e.at,
                recorded_at: e.recorded_at,
                operator: e.operator.clone(),
                ticket: v.ticket_text(),
                name: v.name.clone(),
                what: event_words(t, &app.config, v, &e.kind),
                undone: undone(v, e.seq),
            })
            .collect();
        rows.sort_by_key(|r| (r.at, r.seq));
        rows
    }

    /// The cursor within a list of `len` lines.
    pub fn cursor_in(&self, len: usize) -> usize {
        self.cursor.min(len.saturating_sub(1))
    }

    /// Moves the cursor by `delta` lines within `len`.
    pub fn move_cursor(&mut self, delta: isize, len: usize) {
        self.cursor = self
            .cursor_in(len)
            .saturating_add_signed(delta)
            .min(len.saturating_sub(1));
    }

    /// After a filter changed: the cursor stays on the same event when it
    /// is still listed, else on the last line.
    pub fn keep_cursor_on(&mut self, seq: Option<u64>, rows: &[Row]) {
        self.cursor = seq
            .and_then(|s| rows.iter().position(|r| r.seq == s))
            .unwrap_or(usize::MAX);
    }
}
