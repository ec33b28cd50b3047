//! Commands and `decide`: what a user asks for, checked against the board
//! and `now`, becomes events or a rejection that says why.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::beds::{self, BedState};
use super::caseload;
use super::clinical::{EarlyStop, Entry, Lot};
use super::event::{Correction, EventKind, EventRecord};
use super::model::{Board, Route, Stage, Visit, VisitId};
use super::moves::{self, Move};
use super::policy::{Policy, StaffRole};
use super::rules::{self, Missing};
use super::text::{MAX_NAME_CHARS, MAX_REASON_CHARS, sanitize};

/// What a terminal or a script asks the board to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// A patient has arrived (or is registered by reception).
    Arrive {
        name: String,
        treatment: String,
        #[serde(default)]
        chart_no: Option<String>,
        /// Chosen by the sender to make a retry safe: a second arrival
        /// with the same key is answered like the first and records
        /// nothing ([`Board::arrival_with_key`]).
        #[serde(default)]
        key: Option<String>,
        /// The patient asks not to be shown on the wall (recorded as a
        /// `do_not_display` entry with the arrival).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        do_not_display: bool,
    },
    /// The bed a patient left is cleaned and ready for the next one
    /// (recorded on the visit that left it).
    BedReady { bed: String },
    /// Move a visit to the next stage of the flow. `to` guards against two
    /// terminals pressing Enter on the same patient at once.
    Advance {
        visit: VisitId,
        to: Stage,
        #[serde(default)]
        bed: Option<String>,
        /// The product lot, required to start administration.
        #[serde(default)]
        lot: Option<Lot>,
    },
    /// Stop a drip before its time: observation begins.
    StopEarly {
        visit: VisitId,
        reason: String,
        #[serde(default)]
        volume_ml: Option<f32>,
    },
    /// Record a clinical fact (screening, vitals, a reaction …).
    Record { visit: VisitId, entry: Entry },
    /// A contraindication found at counselling: no administration today.
    Defer { visit: VisitId, reason: String },
    /// The patient left, did not come, or withdrew.
    Cancel { visit: VisitId, reason: String },
    /// Emergency transfer (ambulance).
    Transfer { visit: VisitId, reason: String },
    /// Undo the last action on a visit (recorded as a correction; a
    /// reaction, a dose, an approval or a change of stage needs a reason).
    Undo {
        visit: VisitId,
        #[serde(default)]
        reason: Option<String>,
    },
    /// A booking from the day sheet (`flowboard import`).
    Expect {
        name: String,
        treatment: String,
        #[serde(default)]
        chart_no: Option<String>,
        expected_at: DateTime<Utc>,
        /// Identifies the row; a second booking with the same key is
        /// refused as a duplicate.
        #[serde(default)]
        key: Option<String>,
    },
    /// Correct a recorded value, with the reason. The old value stays in
    /// the record.
    Correct {
        visit: VisitId,
        correction: Correction,
        reason: String,
        /// The doctor who approves a time correction that shortens a
        /// running observation or reaction timer.
        #[serde(default)]
        doctor: Option<String>,
    },
}

impl Command {
    /// The doctor a doctor's act names (an override, a caution
    /// acknowledgement, a clearance, a doctor present, a dose above the
    /// computed one, a time correction that shortens a timer).
    pub fn doctor_named(&self) -> Option<&str> {
        match self {
            Command::Record { entry, .. } => match entry {
                Entry::Override { doctor, .. }
                | Entry::CautionsAcknowledged { doctor, .. }
                | Entry::Clearance { doctor, .. }
                | Entry::DoctorPresent { doctor } => Some(doctor),
                Entry::Adrenaline {
                    confirmed_by: Some(doctor),
                    ..
                } => Some(doctor),
                _ => None,
            },
            Command::Correct {
                doctor: Some(doctor),
                ..
            } => Some(doctor),
            _ => None,
        }
    }

    pub fn visit(&self) -> Option<VisitId> {
        match self {
            Command::Arrive { .. } => None,
            Command::Advance { visit, .. }
            | Command::Defer { visit, .. }
            | Command::Cancel { visit, .. }
            | Command::Transfer { visit, .. }
            | Command::StopEarly { visit, .. }
            | Command::Record { visit, .. }
            | Command::Correct { visit, .. }
            | Command::Undo { visit, .. } => Some(*visit),
            Command::Expect { .. } | Command::BedReady { .. } => None,
        }
    }
}

/// Who asks, when, and for which moment (entries made after the fact).
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    pub now: DateTime<Utc>,
    /// When it happened, if not now.
    pub at: Option<DateTime<Utc>>,
    pub operator: Option<String>,
    /// The user confirmed an entry the board found doubtful (it is then
    /// recorded, and flagged).
    pub confirmed: bool,
}

/// Why a command was refused. The text is shown to the user as is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Rejection {
    #[error("there is no visit {0}")]
    UnknownVisit(VisitId),
    #[error("unknown treatment {given:?}: use one of {known}")]
    UnknownTreatment { given: String, known: String },
    #[error("the name is empty: type the patient's name")]
    EmptyName,
    #[error("the name is longer than {MAX_NAME_CHARS} characters")]
    NameTooLong,
    #[error("the chart number {0:?} is not valid: use up to 20 letters, digits or '-'")]
    BadChartNo(String),
    #[error("{name} is already in {stage}")]
    AlreadyThere { name: String, stage: Stage },
    #[error("{name} is in {from}: administration needs counselling first")]
    NeedsCounselling { name: String, from: Stage },
    #[error("{name} cannot go from {from} to {to}{hint}")]
    IllegalMove {
        name: String,
        from: Stage,
        to: Stage,
        hint: String,
    },
    #[error("{name} has left the flow ({stage}): nothing more can be done today")]
    Closed { name: String, stage: Stage },
    #[error("a drip needs a bed: choose one of the free beds ({free})")]
    BedRequired { free: String },
    #[error("there is no bed {given:?}: the beds are {known}")]
    UnknownBed { given: String, known: String },
    #[error("bed {bed} is occupied by {by}")]
    BedOccupied { bed: String, by: String },
    #[error(
        "bed {bed} is being cleaned (since {since}): mark it ready first, or choose another bed"
    )]
    BedCleaning { bed: String, since: String },
    #[error("a reason is required")]
    EmptyReason,
    #[error("the reason is longer than {MAX_REASON_CHARS} characters")]
    ReasonTooLong,
    #[error("nothing to undo for {0}: only the arrival is recorded (use cancel)")]
    NothingToUndo(String),
    #[error("the time {0} is in the future")]
    AtInFuture(String),
    #[error("the time {at} is more than {limit_minutes} minutes ago")]
    AtTooOld { at: String, limit_minutes: u32 },
    #[error("{name} cannot go to {to} yet: {text}")]
    NotReady {
        name: String,
        to: Stage,
        missing: Vec<Missing>,
        /// What is missing, in words (times in the clinic's zone).
        text: String,
    },
    #[error("{what} needs first: {text}")]
    Needs {
        what: String,
        missing: Vec<Missing>,
        text: String,
    },
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    NotNow(String),
    #[error("{name} is already on the day sheet (same row imported before)")]
    Duplicate { name: String },
    #[error("chart no. {chart} is already on today's board: {name} is in {where_}")]
    ChartOpen {
        chart: String,
        name: String,
        where_: String,
    },
    #[error("{given:?} is not on the staff list as a doctor: the doctors are {known}")]
    UnknownDoctor { given: String, known: String },
    #[error("{given:?} is not on the staff list as a nurse: the nurses are {known}")]
    UnknownNurse { given: String, known: String },
    #[error("{why}; {dose}: a doctor must confirm this dose (it stays flagged)")]
    DoseUnconfirmed { why: String, dose: String },
    #[error("undoing {what} needs a reason")]
    ReasonRequired { what: String },
    #[error("{why}: a doctor must approve it (name the doctor)")]
    DoctorRequired { why: String },
    #[error("{what} is due at {due}: it cannot be recorded before")]
    AtBeforeDue { what: String, due: String },
    #[error("{0}")]
    OutOfOrder(String),
    #[error("{why}: confirm to record it (it will be flagged)")]
    Unconfirmed { why: String },
    #[error("{why}: confirm to go ahead, or give a patient to another nurse")]
    OverCaseload { why: String },
    #[error("the time {at} is before {name} entered {stage} ({since})")]
    AtBeforeStage {
        at: String,
        name: String,
        stage: Stage,
        since: String,
    },
}

impl Rejection {
    /// A move refused for what it still lacks.
    pub fn not_ready(name: &str, to: Stage, missing: Vec<Missing>, tz: Tz) -> Rejection {
        let text = describe(&missing, tz);
        Rejection::NotReady {
            name: name.to_string(),
            to,
            missing,
            text,
        }
    }

    /// Stable machine-readable code for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::UnknownVisit(_) => "unknown_visit",
            Rejection::UnknownTreatment { .. } => "unknown_treatment",
            Rejection::EmptyName => "empty_name",
            Rejection::NameTooLong => "name_too_long",
            Rejection::BadChartNo(_) => "bad_chart_no",
            Rejection::AlreadyThere { .. } => "already_there",
            Rejection::NeedsCounselling { .. } => "needs_counselling",
            Rejection::IllegalMove { .. } => "illegal_move",
            Rejection::Closed { .. } => "closed",
            Rejection::BedRequired { .. } => "bed_required",
            Rejection::UnknownBed { .. } => "unknown_bed",
            Rejection::BedOccupied { .. } => "bed_occupied",
            Rejection::BedCleaning { .. } => "bed_cleaning",
            Rejection::EmptyReason => "empty_reason",
            Rejection::ReasonTooLong => "reason_too_long",
            Rejection::NothingToUndo(_) => "nothing_to_undo",
            Rejection::AtInFuture(_) => "at_in_future",
            Rejection::AtTooOld { .. } => "at_too_old",
            Rejection::AtBeforeStage { .. } => "at_before_stage",
            Rejection::NotReady {
                to: Stage::Discharged,
                ..
            } => "discharge_blocked",
            Rejection::NotReady { .. } | Rejection::Needs { .. } => "not_ready",
            Rejection::Invalid { .. } => "invalid",
            Rejection::NotNow(_) => "not_now",
            Rejection::Duplicate { .. } | Rejection::ChartOpen { .. } => "duplicate",
            Rejection::UnknownDoctor { .. } => "unknown_doctor",
            Rejection::UnknownNurse { .. } => "unknown_nurse",
            Rejection::DoseUnconfirmed { .. } => "dose_unconfirmed",
            Rejection::ReasonRequired { .. } => "reason_required",
            Rejection::DoctorRequired { .. } => "doctor_required",
            Rejection::AtBeforeDue { .. } => "at_before_due",
            Rejection::OutOfOrder(_) => "out_of_order",
            Rejection::Unconfirmed { .. } | Rejection::OverCaseload { .. } => "confirm_required",
        }
    }
}

/// Decides a command against the board: the events it produces, numbered
/// after `board.last_seq`, or why it is refused. Pure: same input, same
/// answer. What may happen to a visit is the protocol's (`moves`): every
/// new event must be possible at its moment, a move must have what it
/// needs, and the visit's record must stay chronological.
pub fn decide(
    board: &Board,
    policy: &Policy,
    command: &Command,
    ctx: &Context,
) -> Result<Vec<EventRecord>, Rejection> {
    let at = check_at(policy, ctx)?;
    let operator = ctx
        .operator
        .as_deref()
        .map(|o| sanitize(o).chars().take(MAX_NAME_CHARS).collect::<String>())
        .filter(|o| !o.is_empty());
    let numbered = |visit: VisitId, kinds: Vec<(DateTime<Utc>, EventKind)>| -> Vec<EventRecord> {
        kinds
            .into_iter()
            .enumerate()
            .map(|(i, (at, kind))| EventRecord {
                seq: board.last_seq + 1 + i as u64,
                visit,
                at,
                recorded_at: ctx.now,
                operator: operator.clone(),
                doubt: None,
                kind,
            })
            .collect()
    };

    match command {
        Command::Arrive {
            name,
            treatment,
            chart_no,
            key,
            do_not_display,
        } => {
            let name = clean_name(name)?;
            known_treatment(policy, treatment)?;
            let chart_no = clean_optional_chart_no(chart_no.as_deref())?;
            if let Some(chart) = &chart_no {
                chart_not_open(board, policy, chart, None, at)?;
            }
            let ticket = next_ticket(board, policy.timezone, at);
            let history = chart_no
                .as_deref()
                .map(|c| board.history(c, treatment, at))
                .unwrap_or_else(|| super::clinical::History {
                    session: 1,
                    ..Default::default()
                });
            let mut kinds = vec![(
                at,
                EventKind::Arrived {
                    name,
                    chart_no,
                    treatment: treatment.clone(),
                    ticket,
                    history,
                    key: clean_key(key.as_deref())?,
                },
            )];
            if *do_not_display {
                kinds.push((
                    at,
                    EventKind::Recorded {
                        entry: Entry::DoNotDisplay { on: true },
                    },
                ));
            }
            Ok(numbered(board.next_visit_id(), kinds))
        }
        Command::BedReady { bed } => {
            let bed = known_bed(policy, bed)?;
            if !policy.bed_cleaning.enabled {
                return Err(Rejection::NotNow(
                    "beds are not cleaned between patients in this clinic (bed_cleaning.enabled = false)"
                        .into(),
                ));
            }
            let state = beds::bed_state(board, policy, &bed, at);
            let after = match state {
                BedState::Cleaning { after, .. } => after,
                BedState::Occupied { visit } => {
                    return Err(Rejection::NotNow(format!(
                        "bed {bed} is occupied by {}: it is cleaned after they leave",
                        board.visit(visit).map_or("a patient", |v| v.name.as_str())
                    )));
                }
                BedState::Free => {
                    return Err(Rejection::NotNow(format!(
                        "bed {bed} is not being cleaned: it is free"
                    )));
                }
            };
            let v = board.visit(after).ok_or(Rejection::UnknownVisit(after))?;
            let then = Visit::as_of(&v.events, at, board.last_seq + 1)
                .ok_or(Rejection::UnknownVisit(v.id))?;
            moves::gate(&then, policy, Move::BedReady, at)?;
            let events = numbered(
                v.id,
                vec![(
                    at,
                    EventKind::Recorded {
                        entry: Entry::BedReady { bed },
                    },
                )],
            );
            admit(v, policy, &events)?;
            Ok(events)
        }
        Command::Expect {
            name,
            treatment,
            chart_no,
            expected_at,
            key,
        } => {
            let name = clean_name(name)?;
            known_treatment(policy, treatment)?;
            let chart_no = clean_optional_chart_no(chart_no.as_deref())?;
            let key = clean_key(key.as_deref())?;
            if let Some(k) = &key
                && let Some(dup) = board
                    .visits
                    .values()
                    .find(|v| v.import_key.as_deref() == Some(k.as_str()))
            {
                return Err(Rejection::Duplicate {
                    name: dup.name.clone(),
                });
            }
            Ok(numbered(
                board.next_visit_id(),
                vec![(
                    at,
                    EventKind::Expected {
                        name,
                        chart_no,
                        treatment: treatment.clone(),
                        expected_at: *expected_at,
                        key,
                    },
                )],
            ))
        }
        _ => {
            let id = command.visit().ok_or(Rejection::UnknownVisit(VisitId(0)))?;
            let v = board.visit(id).ok_or(Rejection::UnknownVisit(id))?;
            let kinds = visit_events(board, policy, command, v, at, ctx.now)?;
            let mut events = numbered(v.id, kinds);
            admit(v, policy, &events)?;
            // The visit's time on a bed still fits between the others'.
            let mut trial = v.events.clone();
            trial.extend(events.iter().cloned());
            let after = Visit::from_events(trial);
            if let Some(after) = &after
                && let Some(why) = beds::conflict(board, policy, v, after)
            {
                return Err(why);
            }
            // A fact entered after the act is not refused: when it would
            // have stopped a move already made, it is confirmed, and flagged.
            if matches!(command, Command::Record { .. })
                && let Some(why) = retroactive(v, policy, &events)
            {
                if !ctx.confirmed {
                    return Err(Rejection::Unconfirmed { why });
                }
                for e in &mut events {
                    e.doubt = Some(why.clone());
                }
            }
            // A drip that takes a nurse over the caseload limit is the
            // nurse's call: the board says so before it happens, and the
            // caseload alert stands while it lasts.
            if !ctx.confirmed
                && let Some(why) = after
                    .as_ref()
                    .and_then(|after| caseload::over_limit(board, policy, v, after))
            {
                return Err(Rejection::OverCaseload { why });
            }
            Ok(events)
        }
    }
}

/// The events a command on a visit records, checked against the visit as
/// it stood at `at` (what may happen then is the protocol's).
fn visit_events(
    board: &Board,
    policy: &Policy,
    command: &Command,
    v: &Visit,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, EventKind)>, Rejection> {
    let tz = policy.timezone;
    // The visit as it stood just before this command's moment.
    let then =
        Visit::as_of(&v.events, at, board.last_seq + 1).ok_or(Rejection::UnknownVisit(v.id))?;
    let one = |kind: EventKind| Ok(vec![(at, kind)]);
    match command {
        Command::Advance { to, bed, lot, .. } => {
            open(v)?;
            check_after_stage_start(v, at, tz)?;
            let mv = moves::move_to(&then, *to)?;
            let mut needs = moves::gate(&then, policy, mv, at)?;
            if mv == Move::StartAdministration
                && lot.as_ref().is_none_or(|l| l.number.trim().is_empty())
            {
                needs.push(Missing::Lot);
            }
            if !needs.is_empty() {
                return Err(Rejection::not_ready(&v.name, *to, needs, tz));
            }
            let kind = match mv {
                Move::CheckIn => {
                    if let Some(chart) = &v.chart_no {
                        chart_not_open(board, policy, chart, Some(v.id), at)?;
                    }
                    EventKind::CheckedIn {
                        ticket: next_ticket(board, tz, at),
                    }
                }
                Move::StartCounselling => EventKind::CounsellingStarted,
                Move::MarkReady => EventKind::MarkedReady,
                Move::StartAdministration => {
                    let lot = match lot {
                        Some(l) => Some(clean_lot(l, at, policy)?),
                        None => None,
                    };
                    // The plan decides the route: a drip lies on a bed.
                    let bed = match bed.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
                        Some(b) => Some(free_bed(board, policy, b, at, now)?),
                        None if rules::route(&then, policy) == Some(Route::Drip) => {
                            return Err(Rejection::BedRequired {
                                free: join(beds::free_beds(board, policy, now)),
                            });
                        }
                        None => None,
                    };
                    EventKind::AdministrationStarted { bed, lot }
                }
                Move::EndAdministration => EventKind::AdministrationEnded { early: None },
                Move::Discharge => EventKind::Discharged,
                _ => return Err(moves::flow_error(v, *to)),
            };
            one(kind)
        }
        Command::StopEarly {
            reason, volume_ml, ..
        } => {
            open(v)?;
            check_after_stage_start(v, at, tz)?;
            moves::gate(&then, policy, Move::StopEarly, at)?;
            let reason = clean_reason(reason)?;
            if let Some(ml) = volume_ml
                && !(0.0..=1000.0).contains(ml)
            {
                return Err(invalid(
                    "volume_ml",
                    format!("{ml} mL is not possible: enter 0-1000"),
                ));
            }
            one(EventKind::AdministrationEnded {
                early: Some(EarlyStop {
                    reason,
                    volume_ml: *volume_ml,
                    reaction: None,
                }),
            })
        }
        Command::Record { entry, .. } => {
            if let Entry::BedReady { bed } = entry {
                return Err(invalid(
                    "entry",
                    format!(
                        "a bed is marked ready by the bed_ready command: {{\"cmd\": \"bed_ready\", \"bed\": {:?}}}",
                        sanitize(bed)
                    ),
                ));
            }
            open(v)?;
            if at < v.arrived_at {
                let fmt = |t: DateTime<Utc>| t.with_timezone(&tz).format("%H:%M").to_string();
                return Err(Rejection::AtBeforeStage {
                    at: fmt(at),
                    name: v.name.clone(),
                    stage: Stage::Waiting,
                    since: fmt(v.arrived_at),
                });
            }
            let mv = Move::of_entry(entry);
            let needs = moves::gate(&then, policy, mv, at)?;
            if !needs.is_empty() {
                return Err(Rejection::Needs {
                    what: entry.name().replace('_', " "),
                    text: describe(&needs, tz),
                    missing: needs,
                });
            }
            let kinds = super::record::check(policy, &then, entry, at)?;
            Ok(kinds.into_iter().map(|k| (at, k)).collect())
        }
        // The side exits: a reason, and the protocol's say.
        Command::Defer { reason, .. }
        | Command::Cancel { reason, .. }
        | Command::Transfer { reason, .. } => {
            open(v)?;
            check_after_stage_start(v, at, tz)?;
            let mv = match command {
                Command::Defer { .. } => Move::Defer,
                Command::Cancel { .. } => Move::Cancel,
                _ => Move::Transfer,
            };
            moves::gate(&then, policy, mv, at)?;
            let reason = clean_reason(reason)?;
            one(match mv {
                Move::Defer => EventKind::Deferred { reason },
                Move::Cancel => EventKind::Cancelled { reason },
                _ => EventKind::Transferred { reason },
            })
        }
        Command::Undo { reason, .. } => {
            moves::gate(v, policy, Move::Undo, now)?;
            let targets = moves::undo_targets(v);
            let reason = match reason.as_deref().map(sanitize).filter(|r| !r.is_empty()) {
                Some(r) if r.chars().count() > MAX_REASON_CHARS => {
                    return Err(Rejection::ReasonTooLong);
                }
                Some(r) => Some(r),
                None if moves::undo_needs_reason(v) => {
                    let what = v
                        .events
                        .iter()
                        .filter(|e| targets.contains(&e.seq))
                        .map(|e| e.kind.name().replace('_', " "))
                        .collect::<Vec<_>>()
                        .join(" + ");
                    return Err(Rejection::ReasonRequired { what });
                }
                None => None,
            };
            // The visit goes back to where it was; that place must still be
            // free (a bed may have been given to someone else meanwhile).
            let mut events = v.events.clone();
            for t in &targets {
                events.push(EventRecord {
                    seq: board.last_seq + 1,
                    visit: v.id,
                    at: now,
                    recorded_at: now,
                    operator: None,
                    doubt: None,
                    kind: EventKind::Reverted {
                        target: *t,
                        reason: None,
                    },
                });
            }
            if let Some(after) = Visit::from_events(events) {
                if let Some(bed) = after.bed.as_deref()
                    && after.stage.is_active()
                    && let Some(other) = board.occupant(bed)
                    && other.id != v.id
                {
                    return Err(Rejection::BedOccupied {
                        bed: bed.to_string(),
                        by: other.name.clone(),
                    });
                }
                // Back in the clinic: the patient may have arrived again
                // meanwhile (one open visit per chart number).
                if after.stage.is_active()
                    && !v.stage.is_active()
                    && let Some(chart) = &after.chart_no
                {
                    chart_not_open(board, policy, chart, Some(v.id), now)?;
                }
            }
            Ok(targets
                .into_iter()
                .map(|target| {
                    (
                        now,
                        EventKind::Reverted {
                            target,
                            reason: reason.clone(),
                        },
                    )
                })
                .collect())
        }
        Command::Correct {
            correction,
            reason,
            doctor: approver,
            ..
        } => {
            let reason = clean_reason(reason)?;
            let (correction, old) = correct(board, v, correction, now, policy)?;
            // A corrected time that shortens a running timer (the
            // observation, a reaction's) needs a doctor, and stays shown.
            let doctor_needed = match &correction {
                Correction::Time { event, at } => {
                    shortens_running_timer(v, policy, *event, *at, now)
                }
                _ => None,
            };
            let approver = match (doctor_needed, approver) {
                (Some(why), None) => return Err(Rejection::DoctorRequired { why }),
                (Some(_), Some(who)) => Some(doctor(policy, who)?),
                (None, _) => None,
            };
            Ok(vec![(
                now,
                EventKind::Corrected {
                    correction,
                    reason,
                    old,
                    doctor: approver,
                },
            )])
        }
        Command::Arrive { .. } | Command::Expect { .. } | Command::BedReady { .. } => {
            Err(Rejection::UnknownVisit(v.id))
        }
    }
}

/// The visit's record with `events` added must stay chronological: every
/// event possible at its moment (nothing newly out of order).
fn admit(v: &Visit, policy: &Policy, events: &[EventRecord]) -> Result<(), Rejection> {
    let before: Vec<u64> = moves::out_of_order(&v.events, policy)
        .into_iter()
        .map(|(seq, _)| seq)
        .collect();
    let mut trial = v.events.clone();
    trial.extend(events.iter().cloned());
    let tz = policy.timezone;
    for (seq, why) in moves::out_of_order(&trial, policy) {
        if before.contains(&seq) {
            continue;
        }
        let Some(e) = trial.iter().find(|e| e.seq == seq) else {
            continue;
        };
        let when = e.at.with_timezone(&tz).format("%H:%M").to_string();
        if events.iter().any(|n| n.seq == seq) {
            return Err(why);
        }
        return Err(Rejection::OutOfOrder(format!(
            "this would put {} at {when} out of order ({why}): check the time",
            e.kind.name().replace('_', " ")
        )));
    }
    Ok(())
}

/// Why entries dated before a move already made would have stopped it,
/// if they would: what that move lacks now that it did not lack then.
fn retroactive(v: &Visit, policy: &Policy, events: &[EventRecord]) -> Option<String> {
    let mut trial = v.events.clone();
    trial.extend(events.iter().cloned());
    let tz = policy.timezone;
    for e in v.effective_events() {
        let mv = Move::of(&e.kind);
        if !matches!(
            mv,
            Move::MarkReady | Move::StartAdministration | Move::EndAdministration | Move::Discharge
        ) {
            continue;
        }
        let at = v.effective_time(e);
        let needs = |events: &[EventRecord]| {
            Visit::as_of(events, at, e.seq)
                .and_then(|then| moves::gate(&then, policy, mv, at).ok())
                .unwrap_or_default()
        };
        let before = needs(&v.events);
        let new: Vec<Missing> = needs(&trial)
            .into_iter()
            .filter(|m| !before.contains(m))
            .collect();
        if !new.is_empty() {
            let to = mv.leads_to().map_or(String::new(), |s| s.to_string());
            return Some(format!(
                "this entry comes before {} went to {to} at {}, which it would have stopped ({})",
                v.name,
                at.with_timezone(&tz).format("%H:%M"),
                describe(&new, tz)
            ));
        }
    }
    None
}

/// Why moving the time of event `seq` to `to` would shorten a timer that
/// is still running at `now`, if it would.
fn shortens_running_timer(
    v: &Visit,
    policy: &Policy,
    seq: u64,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<String> {
    let mut events = v.events.clone();
    events.push(EventRecord {
        seq: u64::MAX,
        visit: v.id,
        at: now,
        recorded_at: now,
        operator: None,
        doubt: None,
        kind: EventKind::Corrected {
            correction: Correction::Time { event: seq, at: to },
            reason: String::new(),
            old: String::new(),
            doctor: None,
        },
    });
    let after = Visit::from_events(events)?;
    if v.stage != Stage::Observation {
        return None;
    }
    let running = |end: Option<DateTime<Utc>>| end.is_none_or(|e| e > now);
    let before_end = rules::observation_end(v, policy);
    let after_end = rules::observation_end(&after, policy);
    let shorter = match (before_end, after_end) {
        (None, Some(_)) => true,
        (Some(b), Some(a)) => a < b,
        _ => false,
    };
    (running(before_end) && shorter)
        .then(|| format!("this shortens {}'s observation, still running", v.name))
}

/// A doctor named in an entry: with a staff list, one of its doctors (by
/// initials or name; the record keeps the name); without one, any name.
pub(super) fn doctor(policy: &Policy, given: &str) -> Result<String, Rejection> {
    let given = clean_text("doctor", given, true)?;
    if policy.staff.is_empty() {
        return Ok(given);
    }
    let found = policy.staff.iter().find(|s| {
        s.initials.eq_ignore_ascii_case(&given) || s.name.to_lowercase() == given.to_lowercase()
    });
    match found {
        Some(s) if s.role == StaffRole::Doctor => Ok(s.name.clone()),
        _ => Err(Rejection::UnknownDoctor {
            given,
            known: join(
                policy
                    .staff
                    .iter()
                    .filter(|s| s.role == StaffRole::Doctor)
                    .map(|s| s.initials.as_str()),
            ),
        }),
    }
}

/// A nurse named in an entry (the plan's, a reassignment): with a staff
/// list, one of its nurses (by initials or name; the record keeps the
/// name); without one, any name.
pub(super) fn nurse(policy: &Policy, given: &str) -> Result<String, Rejection> {
    let given = clean_text("nurse", given, true)?;
    if policy.staff.is_empty() {
        return Ok(given);
    }
    let found = policy.staff.iter().find(|s| {
        s.initials.eq_ignore_ascii_case(&given) || s.name.to_lowercase() == given.to_lowercase()
    });
    match found {
        Some(s) if s.role == StaffRole::Nurse => Ok(s.name.clone()),
        _ => Err(Rejection::UnknownNurse {
            given,
            known: join(
                policy
                    .staff
                    .iter()
                    .filter(|s| s.role == StaffRole::Nurse)
                    .map(|s| s.initials.as_str()),
            ),
        }),
    }
}

/// One open visit per patient: a chart number open on today's board (in
/// the clinic, or booked for today) is refused as a second arrival.
fn chart_not_open(
    board: &Board,
    policy: &Policy,
    chart: &str,
    except: Option<VisitId>,
    at: DateTime<Utc>,
) -> Result<(), Rejection> {
    let tz = policy.timezone;
    let today = at.with_timezone(&tz).date_naive();
    let open = board.visits.values().find(|v| {
        Some(v.id) != except
            && v.chart_no.as_deref() == Some(chart)
            && (v.stage.is_active()
                || (v.stage == Stage::Expected
                    && except.is_none()
                    && v.arrived_at.with_timezone(&tz).date_naive() == today))
    });
    match open {
        None => Ok(()),
        Some(v) => Err(Rejection::ChartOpen {
            chart: chart.to_string(),
            name: v.name.clone(),
            where_: if v.stage == Stage::Expected {
                format!(
                    "the day sheet, booked for {}: check them in (Enter on the booking)",
                    v.arrived_at.with_timezone(&tz).format("%H:%M")
                )
            } else {
                match &v.bed {
                    Some(bed) => format!("{} on bed {bed} (ticket {})", v.stage, v.ticket),
                    None => format!("{} (ticket {})", v.stage, v.ticket),
                }
            },
        }),
    }
}

fn known_treatment(policy: &Policy, treatment: &str) -> Result<(), Rejection> {
    if policy.treatment(treatment).is_none() {
        return Err(Rejection::UnknownTreatment {
            given: sanitize(treatment),
            known: join(policy.treatments.iter().map(|t| t.id.as_str())),
        });
    }
    Ok(())
}

fn clean_optional_chart_no(chart_no: Option<&str>) -> Result<Option<String>, Rejection> {
    match chart_no.map(str::trim) {
        None | Some("") => Ok(None),
        Some(c) => Ok(Some(clean_chart_no(c)?)),
    }
}

/// Needs in words, with times in the clinic's zone.
fn describe(missing: &[Missing], tz: Tz) -> String {
    missing
        .iter()
        .map(|m| m.describe(tz))
        .collect::<Vec<_>>()
        .join("; ")
}

fn known_bed(policy: &Policy, bed: &str) -> Result<String, Rejection> {
    let bed = bed.trim();
    if !policy.beds.iter().any(|b| b == bed) {
        return Err(Rejection::UnknownBed {
            given: sanitize(bed),
            known: join(policy.beds.iter().map(String::as_str)),
        });
    }
    Ok(bed.to_string())
}

/// A bed a drip may start on at `at` (entered at `now`): nobody on it then
/// or now, and not being cleaned then (DOMAIN.md "During a drip and
/// after it": a bed is cleaned before the next patient lies down).
fn free_bed(
    board: &Board,
    policy: &Policy,
    bed: &str,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<String, Rejection> {
    let bed = known_bed(policy, bed)?;
    if let Some(other) = board.occupant(&bed) {
        return Err(Rejection::BedOccupied {
            bed,
            by: other.name.clone(),
        });
    }
    for t in [at, now] {
        match beds::bed_state(board, policy, &bed, t) {
            BedState::Free => {}
            BedState::Occupied { visit } => {
                return Err(Rejection::BedOccupied {
                    by: board
                        .visit(visit)
                        .map_or_else(|| visit.to_string(), |v| v.name.clone()),
                    bed,
                });
            }
            BedState::Cleaning { since, .. } => {
                return Err(beds::cleaning(policy, &bed, Some(since)));
            }
        }
    }
    Ok(bed)
}

/// Entries and moves are for visits still open (in the clinic, or
/// booked); corrections and undo are for any visit the server holds.
fn open(v: &Visit) -> Result<(), Rejection> {
    if !v.stage.is_open() {
        return Err(Rejection::Closed {
            name: v.name.clone(),
            stage: v.stage,
        });
    }
    Ok(())
}

fn check_at(policy: &Policy, ctx: &Context) -> Result<DateTime<Utc>, Rejection> {
    let Some(at) = ctx.at else {
        return Ok(ctx.now);
    };
    let shown = || {
        at.with_timezone(&policy.timezone)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    if at > ctx.now {
        return Err(Rejection::AtInFuture(shown()));
    }
    if ctx.now - at > Duration::minutes(i64::from(policy.max_backdate_minutes)) {
        return Err(Rejection::AtTooOld {
            at: shown(),
            limit_minutes: policy.max_backdate_minutes,
        });
    }
    Ok(at)
}

fn check_after_stage_start(v: &Visit, at: DateTime<Utc>, tz: Tz) -> Result<(), Rejection> {
    if at < v.stage_since {
        let fmt = |t: DateTime<Utc>| t.with_timezone(&tz).format("%H:%M:%S").to_string();
        return Err(Rejection::AtBeforeStage {
            at: fmt(at),
            name: v.name.clone(),
            stage: v.stage,
            since: fmt(v.stage_since),
        });
    }
    Ok(())
}

pub(super) fn invalid(field: &str, message: impl Into<String>) -> Rejection {
    Rejection::Invalid {
        field: field.to_string(),
        message: message.into(),
    }
}

fn clean_lot(lot: &Lot, at: DateTime<Utc>, policy: &Policy) -> Result<Lot, Rejection> {
    // Stored as the vial prints it, so a trace finds every spelling.
    let number = super::text::lot_number(&lot.number);
    if number.is_empty() {
        return Err(invalid(
            "lot",
            "the lot number is blank: copy it from the vial",
        ));
    }
    if number.chars().count() > 40 {
        return Err(invalid(
            "lot",
            "the lot number is longer than 40 characters",
        ));
    }
    if let Some(expiry) = lot.expiry
        && expiry < at.with_timezone(&policy.timezone).date_naive()
    {
        return Err(invalid(
            "lot_expiry",
            format!("lot {number} expired on {expiry}: do not use it"),
        ));
    }
    Ok(Lot {
        number,
        expiry: lot.expiry,
    })
}

/// Cleans a free-text field a person fills in (a doctor's name, signs).
pub(super) fn clean_text(field: &str, text: &str, required: bool) -> Result<String, Rejection> {
    let text = sanitize(text);
    if required && text.is_empty() {
        return Err(invalid(field, "required"));
    }
    if text.chars().count() > MAX_REASON_CHARS {
        return Err(invalid(
            field,
            format!("longer than {MAX_REASON_CHARS} characters"),
        ));
    }
    Ok(text)
}

/// The longest idempotency key (`arrive`) or day-sheet row key (`expect`).
pub const MAX_KEY_CHARS: usize = 200;

/// A request's key, cleaned like any text; none when empty.
fn clean_key(key: Option<&str>) -> Result<Option<String>, Rejection> {
    let Some(key) = key.map(sanitize).filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    if key.chars().count() > MAX_KEY_CHARS {
        return Err(invalid(
            "key",
            format!("the key is longer than {MAX_KEY_CHARS} characters: use a shorter one"),
        ));
    }
    Ok(Some(key))
}

fn clean_name(name: &str) -> Result<String, Rejection> {
    let name = sanitize(name);
    if name.is_empty() {
        return Err(Rejection::EmptyName);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Rejection::NameTooLong);
    }
    Ok(name)
}

fn clean_chart_no(chart_no: &str) -> Result<String, Rejection> {
    let ok = chart_no.len() <= 20
        && chart_no
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(chart_no.to_string())
    } else {
        Err(Rejection::BadChartNo(sanitize(chart_no)))
    }
}

fn clean_reason(reason: &str) -> Result<String, Rejection> {
    let reason = sanitize(reason);
    if reason.is_empty() {
        return Err(Rejection::EmptyReason);
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(Rejection::ReasonTooLong);
    }
    Ok(reason)
}

/// Checks a correction and returns it cleaned, with the old value.
fn correct(
    board: &Board,
    v: &Visit,
    correction: &Correction,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Result<(Correction, String), Rejection> {
    let tz = policy.timezone;
    Ok(match correction {
        Correction::Name { name } => (
            Correction::Name {
                name: clean_name(name)?,
            },
            v.name.clone(),
        ),
        Correction::ChartNo { chart_no } => {
            let chart_no = clean_optional_chart_no(chart_no.as_deref())?;
            if let Some(chart) = &chart_no
                && v.stage.is_open()
            {
                chart_not_open(board, policy, chart, Some(v.id), now)?;
            }
            (
                Correction::ChartNo { chart_no },
                v.chart_no.clone().unwrap_or_default(),
            )
        }
        Correction::Lot { number } => {
            let Some(old) = &v.care.lot else {
                return Err(Rejection::NotNow(format!(
                    "{} has no lot recorded to correct",
                    v.name
                )));
            };
            let cleaned = clean_lot(
                &Lot {
                    number: number.clone(),
                    expiry: None,
                },
                now,
                policy,
            )?;
            (
                Correction::Lot {
                    number: cleaned.number,
                },
                old.number.clone(),
            )
        }
        Correction::Time { event, at } => {
            // Only the moments that start a stage can be re-timed.
            let Some(target) = v.effective_events().find(|e| {
                e.seq == *event
                    && !matches!(
                        e.kind,
                        EventKind::Recorded { .. } | EventKind::Corrected { .. }
                    )
            }) else {
                return Err(invalid(
                    "event",
                    format!("event {event} is not a stage change of {}", v.name),
                ));
            };
            let shown =
                |t: &DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
            if *at > now {
                return Err(Rejection::AtInFuture(shown(at)));
            }
            // Bounded like any entry after the fact, from when it is entered.
            if now - *at > Duration::minutes(i64::from(policy.max_backdate_minutes)) {
                return Err(Rejection::AtTooOld {
                    at: shown(at),
                    limit_minutes: policy.max_backdate_minutes,
                });
            }
            // The whole visit stays in order: the moved moment must be
            // possible where it lands, a move must have had what it needed
            // then, and nothing after it may fall out of order.
            let mut trial = v.events.clone();
            trial.push(EventRecord {
                seq: u64::MAX,
                visit: v.id,
                at: now,
                recorded_at: now,
                operator: None,
                doubt: None,
                kind: EventKind::Corrected {
                    correction: Correction::Time {
                        event: *event,
                        at: *at,
                    },
                    reason: String::new(),
                    old: String::new(),
                    doctor: None,
                },
            });
            let before: Vec<u64> = moves::out_of_order(&v.events, policy)
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            if let Some((_, why)) = moves::out_of_order(&trial, policy)
                .into_iter()
                .find(|(s, _)| !before.contains(s))
            {
                return Err(invalid(
                    "at",
                    format!("the visit would be out of order at {}: {why}", shown(at)),
                ));
            }
            let mv = Move::of(&target.kind);
            if let Some(then) = Visit::as_of(&trial, *at, *event) {
                let needs = moves::gate(&then, policy, mv, *at).unwrap_or_default();
                if !needs.is_empty() {
                    return Err(invalid(
                        "at",
                        format!("at {} {}", shown(at), describe(&needs, tz)),
                    ));
                }
            }
            let old = v
                .effective_time(target)
                .with_timezone(&tz)
                .format("%H:%M")
                .to_string();
            (
                Correction::Time {
                    event: *event,
                    at: *at,
                },
                old,
            )
        }
    })
}

/// Reception numbers restart every clinic day.
fn next_ticket(board: &Board, tz: Tz, at: DateTime<Utc>) -> u32 {
    let day = at.with_timezone(&tz).date_naive();
    let today = board
        .visits
        .values()
        .filter(|v| v.arrived_at.with_timezone(&tz).date_naive() == day)
        .map(|v| v.ticket)
        .max()
        .unwrap_or(0);
    today + 1
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<&str> = items.collect();
    if list.is_empty() {
        "none".to_string()
    } else {
        list.join(", ")
    }
}

/// Parses a time typed by a user for an entry made after the fact:
/// `HH:MM` (today, in the clinic's time zone) or a full RFC 3339 instant.
pub fn parse_at(text: &str, tz: Tz, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let time = NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .map_err(|_| {
            format!(
                "{:?} is not a time: use HH:MM (today) or 2026-11-21T10:05:00+09:00",
                sanitize(text)
            )
        })?;
    let day = now.with_timezone(&tz).date_naive();
    tz.from_local_datetime(&day.and_time(time))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("{text} does not exist today in {tz}"))
}
