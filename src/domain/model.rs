//! The board and its visits: what a stage is, and how a visit's state is
//! folded from its own events.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::chart::ChartHistory;
use super::clinical::{Care, History};
use super::event::{Correction, EventKind, EventRecord};

/// Identifies one visit (one patient, one day). Assigned by the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VisitId(pub u64);

impl fmt::Display for VisitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where a visit is in the clinic's flow. The order of the variants is the
/// order the board lists them in: the patients in the clinic in the order
/// of the flow, then the expected ones (booked, not arrived yet), then the
/// ones who left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Waiting,
    Counselling,
    Ready,
    Administration,
    Observation,
    /// On the day sheet, not arrived yet.
    Expected,
    Discharged,
    Deferred,
    Cancelled,
    Transferred,
}

impl Stage {
    pub const ALL: [Stage; 10] = [
        Stage::Waiting,
        Stage::Counselling,
        Stage::Ready,
        Stage::Administration,
        Stage::Observation,
        Stage::Expected,
        Stage::Discharged,
        Stage::Deferred,
        Stage::Cancelled,
        Stage::Transferred,
    ];

    /// The stages a patient is still in the clinic for.
    pub const ACTIVE: [Stage; 5] = [
        Stage::Waiting,
        Stage::Counselling,
        Stage::Ready,
        Stage::Administration,
        Stage::Observation,
    ];

    /// The name used on the command line, in the protocol and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Waiting => "waiting",
            Stage::Counselling => "counselling",
            Stage::Ready => "ready",
            Stage::Administration => "administration",
            Stage::Observation => "observation",
            Stage::Expected => "expected",
            Stage::Discharged => "discharged",
            Stage::Deferred => "deferred",
            Stage::Cancelled => "cancelled",
            Stage::Transferred => "transferred",
        }
    }

    pub fn is_active(self) -> bool {
        Stage::ACTIVE.contains(&self)
    }

    /// Still open: in the clinic, or expected.
    pub fn is_open(self) -> bool {
        self.is_active() || self == Stage::Expected
    }

    /// The next stage of the main flow, if there is one.
    pub fn next(self) -> Option<Stage> {
        match self {
            Stage::Expected => Some(Stage::Waiting),
            Stage::Waiting => Some(Stage::Counselling),
            Stage::Counselling => Some(Stage::Ready),
            Stage::Ready => Some(Stage::Administration),
            Stage::Administration => Some(Stage::Observation),
            Stage::Observation => Some(Stage::Discharged),
            _ => None,
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a treatment is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    Drip,
    Injection,
}

/// One patient's visit today, as folded from its events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub id: VisitId,
    /// Reception number of the day, given on arrival.
    pub ticket: u32,
    pub name: String,
    pub chart_no: Option<String>,
    pub treatment: String,
    pub stage: Stage,
    /// When the current stage began (the time it happened, not when it
    /// was recorded).
    pub stage_since: DateTime<Utc>,
    /// When the patient arrived (for an expected visit: when expected).
    pub arrived_at: DateTime<Utc>,
    /// The booked time, for a visit from the day sheet.
    #[serde(default)]
    pub expected_at: Option<DateTime<Utc>>,
    /// The day-sheet row it came from (re-imports skip it).
    #[serde(default)]
    pub import_key: Option<String>,
    pub bed: Option<String>,
    /// Why the visit left the flow (deferred, cancelled, transferred).
    pub exit_reason: Option<String>,
    /// Earlier visits of the same chart number, as known at arrival.
    #[serde(default)]
    pub history: History,
    /// Everything recorded about the care given.
    #[serde(default)]
    pub care: Care,
    /// Each stage entered, with when (after undos and corrections): the
    /// time spent in each stage, for the reports.
    #[serde(default)]
    pub stage_log: Vec<(Stage, DateTime<Utc>)>,
    /// Every event of this visit, in order, corrections included.
    pub events: Vec<EventRecord>,
}

impl Visit {
    /// Folds a visit from its events. The first event must be the arrival;
    /// events that a later `Reverted` event undoes have no effect; the rest
    /// count in the order they happened (see [`Visit::timeline`]).
    pub fn from_events(events: Vec<EventRecord>) -> Option<Visit> {
        let (mut visit, rest) = Visit::timeline(&events)?;
        for event in &rest {
            visit.fold(event);
        }
        // What was undone stays listed when undoing it makes the board
        // look safer than anyone recorded (a reaction, a dose).
        for e in &events {
            if let EventKind::Reverted { target, reason } = &e.kind
                && let Some(undone) = events.iter().find(|x| x.seq == *target)
                && undone_matters(&undone.kind)
            {
                visit.care.undone.push(super::clinical::Undone {
                    what: undone.kind.name().to_string(),
                    reason: reason.clone().unwrap_or_default(),
                    by: e.operator.clone(),
                    at: e.recorded_at,
                });
            }
        }
        visit.events = events;
        Some(visit)
    }

    /// The visit as it stood just before `(at, seq)`: folded from the
    /// events that happened earlier (or at the same moment and were
    /// recorded earlier). What a command dated `at` is checked against.
    pub fn as_of(events: &[EventRecord], at: DateTime<Utc>, seq: u64) -> Option<Visit> {
        let (mut visit, rest) = Visit::timeline(events)?;
        for event in rest.iter().filter(|e| (e.at, e.seq) < (at, seq)) {
            visit.fold(event);
        }
        visit.events = events.to_vec();
        Some(visit)
    }

    /// The visit at its arrival, and the events after it that still count
    /// (not undone, not undo markers), with corrected times, in the order
    /// they happened, then in the order they were recorded.
    pub fn timeline(events: &[EventRecord]) -> Option<(Visit, Vec<EventRecord>)> {
        let first = events.first()?;
        let mut visit = match &first.kind {
            EventKind::Arrived {
                name,
                chart_no,
                treatment,
                ticket,
                history,
                ..
            } => Visit::new(
                first,
                name,
                chart_no,
                treatment,
                *ticket,
                history,
                Stage::Waiting,
            ),
            EventKind::Expected {
                name,
                chart_no,
                treatment,
                expected_at,
                key,
            } => {
                let mut v = Visit::new(
                    first,
                    name,
                    chart_no,
                    treatment,
                    0,
                    &History::default(),
                    Stage::Expected,
                );
                v.arrived_at = *expected_at;
                v.stage_since = first.at;
                v.expected_at = Some(*expected_at);
                v.import_key = key.clone();
                v
            }
            _ => return None,
        };
        let reverted = reverted_targets(events);
        // Corrected times replace the recorded ones (the records stay).
        let times = corrected_times(events, &reverted);
        if let Some(at) = times.get(&first.seq) {
            visit.arrived_at = *at;
            visit.stage_since = *at;
            visit.stage_log[0].1 = *at;
        }
        let mut rest: Vec<EventRecord> = events
            .iter()
            .skip(1)
            .filter(|e| !reverted.contains(&e.seq) && !matches!(e.kind, EventKind::Reverted { .. }))
            .map(|e| {
                let mut e = e.clone();
                if let Some(at) = times.get(&e.seq) {
                    e.at = *at;
                }
                e
            })
            .collect();
        rest.sort_by_key(|e| (e.at, e.seq));
        Some((visit, rest))
    }

    fn new(
        first: &EventRecord,
        name: &str,
        chart_no: &Option<String>,
        treatment: &str,
        ticket: u32,
        history: &History,
        stage: Stage,
    ) -> Visit {
        Visit {
            id: first.visit,
            ticket,
            name: name.to_string(),
            chart_no: chart_no.clone(),
            treatment: treatment.to_string(),
            stage,
            stage_since: first.at,
            arrived_at: first.at,
            expected_at: None,
            import_key: None,
            bed: None,
            exit_reason: None,
            history: history.clone(),
            care: Care::default(),
            stage_log: vec![(stage, first.at)],
            events: Vec::new(),
        }
    }

    /// Folds one event (events come in the order they happened).
    pub(super) fn fold(&mut self, event: &EventRecord) {
        let enter = |visit: &mut Visit, stage: Stage| {
            visit.stage = stage;
            visit.stage_since = event.at;
            visit.stage_log.push((stage, event.at));
        };
        match &event.kind {
            EventKind::Arrived { .. } | EventKind::Expected { .. } | EventKind::Reverted { .. } => {
            }
            EventKind::CheckedIn { ticket } => {
                self.ticket = *ticket;
                self.arrived_at = event.at;
                enter(self, Stage::Waiting);
            }
            EventKind::Corrected {
                correction, doctor, ..
            } => {
                match correction {
                    Correction::Name { name } => self.name = name.clone(),
                    Correction::ChartNo { chart_no } => self.chart_no = chart_no.clone(),
                    Correction::Lot { number } => {
                        if let Some(lot) = &mut self.care.lot {
                            lot.number = number.clone();
                        }
                    }
                    // Applied before the fold (see `timeline`).
                    Correction::Time { .. } => {}
                }
                if let Some(doctor) = doctor {
                    self.care.timer_corrections.push(super::clinical::Approval {
                        doctor: doctor.clone(),
                        reason: String::new(),
                        items: Vec::new(),
                        at: event.at,
                    });
                }
            }
            EventKind::CounsellingStarted => enter(self, Stage::Counselling),
            EventKind::MarkedReady => enter(self, Stage::Ready),
            EventKind::AdministrationStarted { bed, lot } => {
                enter(self, Stage::Administration);
                self.bed = bed.clone();
                self.care.lot = lot.clone();
                self.care.administration_started = Some(event.at);
            }
            EventKind::AdministrationEnded { early } => {
                // A pause still running ends with the drip.
                self.care.record(
                    &super::clinical::Entry::Resume,
                    event.at,
                    event.seq,
                    self.stage,
                    None,
                );
                self.care.early_stop = early.clone();
                self.care.administration_ended = Some(event.at);
                enter(self, Stage::Observation);
            }
            EventKind::Recorded {
                entry: super::clinical::Entry::Plan { plan },
            } => {
                // The plan decides the treatment from here on (the booking's
                // stays in the arrival event).
                self.treatment = plan.treatment.clone();
                self.care.record(
                    &super::clinical::Entry::Plan { plan: plan.clone() },
                    event.at,
                    event.seq,
                    self.stage,
                    event.operator.as_deref(),
                );
            }
            EventKind::Recorded { entry } => {
                if let Some(why) = &event.doubt {
                    self.care
                        .doubts
                        .push((entry.name().to_string(), why.clone()));
                }
                self.care.record(
                    entry,
                    event.at,
                    event.seq,
                    self.stage,
                    event.operator.as_deref(),
                );
            }
            EventKind::Discharged => {
                enter(self, Stage::Discharged);
                self.leave_bed(event.at);
            }
            EventKind::Deferred { reason } => {
                enter(self, Stage::Deferred);
                self.exit_reason = Some(reason.clone());
                self.leave_bed(event.at);
            }
            EventKind::Cancelled { reason } => {
                enter(self, Stage::Cancelled);
                self.exit_reason = Some(reason.clone());
                self.leave_bed(event.at);
            }
            EventKind::Transferred { reason } => {
                enter(self, Stage::Transferred);
                self.exit_reason = Some(reason.clone());
                self.leave_bed(event.at);
            }
        }
    }

    /// The patient leaves the bed (if on one): it is cleaned after them.
    fn leave_bed(&mut self, at: DateTime<Utc>) {
        if let Some(bed) = self.bed.take() {
            self.care.bed_left = Some((bed, at));
            self.care.bed_ready = None;
        }
    }

    /// The reception number as shown: "-" before the patient arrived.
    pub fn ticket_text(&self) -> String {
        if self.ticket == 0 {
            "-".to_string()
        } else {
            self.ticket.to_string()
        }
    }

    /// The events that still count (not undone, not undo markers), newest
    /// last. `u` undoes the last of these.
    pub fn effective_events(&self) -> impl Iterator<Item = &EventRecord> {
        let reverted = reverted_targets(&self.events);
        self.events.iter().filter(move |e| {
            !reverted.contains(&e.seq) && !matches!(e.kind, EventKind::Reverted { .. })
        })
    }

    /// When an event happened, as it stands after time corrections.
    pub fn effective_time(&self, event: &EventRecord) -> DateTime<Utc> {
        let reverted = reverted_targets(&self.events);
        corrected_times(&self.events, &reverted)
            .get(&event.seq)
            .copied()
            .unwrap_or(event.at)
    }
}

/// The sequence numbers that `reverted` events undo.
fn reverted_targets(events: &[EventRecord]) -> Vec<u64> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Reverted { target, .. } => Some(target),
            _ => None,
        })
        .collect()
}

/// Undoing these makes the board look safer: the undo stays listed.
fn undone_matters(kind: &EventKind) -> bool {
    use super::clinical::Entry;
    matches!(
        kind,
        EventKind::Recorded {
            entry: Entry::Reaction { .. } | Entry::Adrenaline { .. } | Entry::AmbulanceCalled
        } | EventKind::Transferred { .. }
    )
}

/// Event sequence number -> its corrected time (the latest correction
/// that was not itself undone).
fn corrected_times(events: &[EventRecord], reverted: &[u64]) -> BTreeMap<u64, DateTime<Utc>> {
    let mut times = BTreeMap::new();
    for e in events {
        if let EventKind::Corrected {
            correction: Correction::Time { event, at },
            ..
        } = &e.kind
            && !reverted.contains(&e.seq)
        {
            times.insert(*event, *at);
        }
    }
    times
}

/// Every visit the server holds, and the counters that number new ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub visits: BTreeMap<VisitId, Visit>,
    /// Sequence number of the last event applied (0: none yet).
    pub last_seq: u64,
    /// The highest visit id ever given, so ids stay unique when old visits
    /// are pruned from memory.
    #[serde(default)]
    pub last_visit: u64,
    /// Patient histories by chart number: every visit of the chart, as a
    /// new arrival is linked to them. Derived from the visits, never sent
    /// to clients; kept when old visits are pruned. `replay` fills it with
    /// every chart; the server loads the charts a command reads
    /// (`charts_read`) from the store, which keeps them all.
    #[serde(skip)]
    pub charts: BTreeMap<String, ChartHistory>,
}

impl Board {
    pub fn visit(&self, id: VisitId) -> Option<&Visit> {
        self.visits.get(&id)
    }

    /// The visit lying on `bed` now, if any.
    pub fn occupant(&self, bed: &str) -> Option<&Visit> {
        self.visits
            .values()
            .find(|v| v.stage.is_active() && v.bed.as_deref() == Some(bed))
    }

    /// The visit an arrival with this idempotency key registered, and the
    /// sequence number of its arrival: a retried `arrive` is answered with
    /// them and records nothing.
    pub fn arrival_with_key(&self, key: &str) -> Option<(VisitId, u64)> {
        self.visits.values().find_map(|v| match v.events.first() {
            Some(EventRecord {
                seq,
                kind: EventKind::Arrived { key: Some(k), .. },
                ..
            }) if k == key => Some((v.id, *seq)),
            _ => None,
        })
    }

    /// Drops visits that are over and arrived before `keep_since`: the
    /// server keeps only the working window in memory and on the wire (the
    /// store keeps everything). Patients still in the clinic always stay.
    pub fn prune(&mut self, keep_since: DateTime<Utc>) {
        self.visits
            .retain(|_, v| v.stage.is_active() || v.arrived_at >= keep_since);
        // (Expected visits are dated by their booking: a no-show from two
        // days ago goes, tomorrow's booking stays.)
    }

    /// Files a visit under its chart number (or refreshes it there);
    /// `old_chart` is the chart number it had, so a corrected chart number
    /// moves it from the old chart to the new one.
    pub fn index_chart(&mut self, visit: &Visit, old_chart: Option<&str>) {
        if let Some(old) = old_chart
            && visit.chart_no.as_deref() != Some(old)
            && let Some(chart) = self.charts.get_mut(old)
        {
            chart.visits.remove(&visit.id);
        }
        let Some(chart) = &visit.chart_no else {
            return;
        };
        self.charts.entry(chart.clone()).or_default().file(visit);
    }

    /// What is known of a chart number's visits before `at`, for a new
    /// visit of `treatment`.
    pub fn history(&self, chart: &str, treatment: &str, at: DateTime<Utc>) -> History {
        self.charts
            .get(chart)
            .map(|c| c.summary(treatment, at))
            .unwrap_or_else(|| ChartHistory::default().summary(treatment, at))
    }

    pub fn next_visit_id(&self) -> VisitId {
        let highest = self.visits.keys().next_back().map_or(0, |id| id.0);
        VisitId(highest.max(self.last_visit) + 1)
    }
}
