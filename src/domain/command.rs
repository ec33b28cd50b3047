//! Commands and `decide`: what a user asks for, checked against the board
//! and `now`, becomes events or a rejection that says why.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::clinical::{EarlyStop, Entry, Lot};
use super::event::{Correction, EventKind, EventRecord};
use super::model::{Board, Route, Stage, Visit, VisitId};
use super::rules::{self, Missing};
use super::text::{MAX_NAME_CHARS, MAX_REASON_CHARS, sanitize};
use super::policy::Policy;

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
    },
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
    /// Undo the last action on a visit (recorded as a correction).
    Undo { visit: VisitId },
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
    },
}

impl Command {
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
            | Command::Undo { visit } => Some(*visit),
            Command::Expect { .. } => None,
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
    #[error("{name} cannot go to {to} yet: {}", list(missing))]
    NotReady {
        name: String,
        to: Stage,
        missing: Vec<Missing>,
    },
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    NotNow(String),
    #[error("{name} is already on the day sheet (same row imported before)")]
    Duplicate { name: String },
    #[error("the time {at} is before {name} entered {stage} ({since})")]
    AtBeforeStage {
        at: String,
        name: String,
        stage: Stage,
        since: String,
    },
}

impl Rejection {
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
            Rejection::NotReady { .. } => "not_ready",
            Rejection::Invalid { .. } => "invalid",
            Rejection::NotNow(_) => "not_now",
            Rejection::Duplicate { .. } => "duplicate",
        }
    }
}

/// Decides a command against the board: the events it produces, numbered
/// after `board.last_seq`, or why it is refused. Pure: same input, same
/// answer.
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
    let event = |visit: VisitId, at: DateTime<Utc>, kind: EventKind| EventRecord {
        seq: board.last_seq + 1,
        visit,
        at,
        recorded_at: ctx.now,
        operator: operator.clone(),
        kind,
    };

    match command {
        Command::Arrive {
            name,
            treatment,
            chart_no,
        } => {
            let name = clean_name(name)?;
            if policy.treatment(treatment).is_none() {
                return Err(Rejection::UnknownTreatment {
                    given: sanitize(treatment),
                    known: join(policy.treatments.iter().map(|t| t.id.as_str())),
                });
            }
            let chart_no = match chart_no.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(c) => Some(clean_chart_no(c)?),
            };
            let ticket = next_ticket(board, policy.timezone, at);
            let history = chart_no
                .as_deref()
                .map(|c| board.history(c, treatment, at))
                .unwrap_or_else(|| super::clinical::History {
                    session: 1,
                    ..Default::default()
                });
            Ok(vec![event(
                board.next_visit_id(),
                at,
                EventKind::Arrived {
                    name,
                    chart_no,
                    treatment: treatment.clone(),
                    ticket,
                    history,
                },
            )])
        }
        Command::Advance {
            visit,
            to,
            bed,
            lot,
        } => {
            let v = open_visit(board, *visit)?;
            check_after_stage_start(v, at, policy.timezone)?;
            let kind = advance(board, policy, v, *to, bed.as_deref(), lot.as_ref(), at)?;
            Ok(vec![event(v.id, at, kind)])
        }
        Command::StopEarly {
            visit,
            reason,
            volume_ml,
        } => {
            let v = open_visit(board, *visit)?;
            check_after_stage_start(v, at, policy.timezone)?;
            if v.stage != Stage::Administration {
                return Err(Rejection::NotNow(format!(
                    "{} is not in administration: nothing to stop",
                    v.name
                )));
            }
            let reason = clean_reason(reason)?;
            if let Some(ml) = volume_ml
                && !(0.0..=1000.0).contains(ml)
            {
                return Err(invalid(
                    "volume_ml",
                    format!("{ml} mL is not possible: enter 0-1000"),
                ));
            }
            Ok(vec![event(
                v.id,
                at,
                EventKind::AdministrationEnded {
                    early: Some(EarlyStop {
                        reason,
                        volume_ml: *volume_ml,
                    }),
                },
            )])
        }
        Command::Record { visit, entry } => {
            let v = open_visit(board, *visit)?;
            if at < v.arrived_at {
                let fmt = |t: DateTime<Utc>| {
                    t.with_timezone(&policy.timezone)
                        .format("%H:%M")
                        .to_string()
                };
                return Err(Rejection::AtBeforeStage {
                    at: fmt(at),
                    name: v.name.clone(),
                    stage: Stage::Waiting,
                    since: fmt(v.arrived_at),
                });
            }
            let entries = super::record::check(policy, v, entry, at, ctx.now)?;
            let mut events: Vec<EventRecord> = Vec::new();
            for (i, kind) in entries.into_iter().enumerate() {
                let mut e = event(v.id, at, kind);
                e.seq += i as u64;
                events.push(e);
            }
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
            if policy.treatment(treatment).is_none() {
                return Err(Rejection::UnknownTreatment {
                    given: sanitize(treatment),
                    known: join(policy.treatments.iter().map(|t| t.id.as_str())),
                });
            }
            let chart_no = match chart_no.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(c) => Some(clean_chart_no(c)?),
            };
            let key = key.as_deref().map(sanitize).filter(|k| !k.is_empty());
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
            Ok(vec![event(
                board.next_visit_id(),
                at,
                EventKind::Expected {
                    name,
                    chart_no,
                    treatment: treatment.clone(),
                    expected_at: *expected_at,
                    key,
                },
            )])
        }
        Command::Correct {
            visit,
            correction,
            reason,
        } => {
            let v = board.visit(*visit).ok_or(Rejection::UnknownVisit(*visit))?;
            let reason = clean_reason(reason)?;
            let (correction, old) = correct(v, correction, ctx.now, policy)?;
            Ok(vec![event(
                v.id,
                ctx.now,
                EventKind::Corrected {
                    correction,
                    reason,
                    old,
                },
            )])
        }
        Command::Defer { visit, reason } => {
            let v = open_visit(board, *visit)?;
            check_after_stage_start(v, at, policy.timezone)?;
            if !matches!(v.stage, Stage::Waiting | Stage::Counselling | Stage::Ready) {
                return Err(illegal(
                    v,
                    Stage::Deferred,
                    ": defer before administration starts",
                ));
            }
            let reason = clean_reason(reason)?;
            Ok(vec![event(v.id, at, EventKind::Deferred { reason })])
        }
        Command::Cancel { visit, reason } => {
            let v = open_visit(board, *visit)?;
            check_after_stage_start(v, at, policy.timezone)?;
            let reason = clean_reason(reason)?;
            Ok(vec![event(v.id, at, EventKind::Cancelled { reason })])
        }
        Command::Transfer { visit, reason } => {
            let v = open_visit(board, *visit)?;
            check_after_stage_start(v, at, policy.timezone)?;
            let reason = clean_reason(reason)?;
            Ok(vec![event(v.id, at, EventKind::Transferred { reason })])
        }
        Command::Undo { visit } => {
            let v = board.visit(*visit).ok_or(Rejection::UnknownVisit(*visit))?;
            let target = v
                .effective_events()
                .last()
                .filter(|e| !matches!(e.kind, EventKind::Arrived { .. }))
                .ok_or_else(|| Rejection::NothingToUndo(v.name.clone()))?;
            // The visit goes back to where it was; that place must still be
            // free (a bed may have been given to someone else meanwhile).
            let mut events = v.events.clone();
            events.push(event(
                v.id,
                ctx.now,
                EventKind::Reverted { target: target.seq },
            ));
            if let Some(after) = Visit::from_events(events)
                && let Some(bed) = after.bed.as_deref()
                && after.stage.is_active()
                && let Some(other) = board.occupant(bed)
                && other.id != v.id
            {
                return Err(Rejection::BedOccupied {
                    bed: bed.to_string(),
                    by: other.name.clone(),
                });
            }
            Ok(vec![event(
                v.id,
                ctx.now,
                EventKind::Reverted { target: target.seq },
            )])
        }
    }
}

fn advance(
    board: &Board,
    policy: &Policy,
    v: &Visit,
    to: Stage,
    bed: Option<&str>,
    lot: Option<&Lot>,
    at: DateTime<Utc>,
) -> Result<EventKind, Rejection> {
    if v.stage == to {
        return Err(Rejection::AlreadyThere {
            name: v.name.clone(),
            stage: to,
        });
    }
    if to == Stage::Administration && matches!(v.stage, Stage::Waiting | Stage::Counselling) {
        return Err(Rejection::NeedsCounselling {
            name: v.name.clone(),
            from: v.stage,
        });
    }
    if v.stage.next() != Some(to) {
        let hint = match v.stage.next() {
            Some(next) => format!(": the next stage is {next}"),
            None => String::new(),
        };
        return Err(Rejection::IllegalMove {
            name: v.name.clone(),
            from: v.stage,
            to,
            hint,
        });
    }
    let missing = match to {
        Stage::Ready => rules::missing_for_ready(v, policy),
        Stage::Administration => {
            let mut m = rules::missing_for_administration(v, policy);
            if lot.is_none_or(|l| l.number.trim().is_empty()) {
                m.push(Missing::Lot);
            }
            m
        }
        Stage::Discharged => rules::missing_for_discharge(v, policy, at),
        _ => Vec::new(),
    };
    if !missing.is_empty() {
        return Err(Rejection::NotReady {
            name: v.name.clone(),
            to,
            missing,
        });
    }
    Ok(match to {
        Stage::Waiting => EventKind::CheckedIn {
            ticket: next_ticket(board, policy.timezone, at),
        },
        Stage::Counselling => EventKind::CounsellingStarted,
        Stage::Ready => EventKind::MarkedReady,
        Stage::Administration => {
            let lot = match lot {
                Some(l) => Some(clean_lot(l, at, policy)?),
                None => None,
            };
            let route = policy.treatment(&v.treatment).map(|t| t.route);
            let bed = match bed.map(str::trim).filter(|b| !b.is_empty()) {
                Some(b) => Some(free_bed(board, policy, b)?),
                None if route == Some(Route::Drip) => {
                    return Err(Rejection::BedRequired {
                        free: join(free_beds(board, policy)),
                    });
                }
                None => None,
            };
            EventKind::AdministrationStarted { bed, lot }
        }
        Stage::Observation => EventKind::AdministrationEnded { early: None },
        Stage::Discharged => EventKind::Discharged,
        // `next()` only yields the stages above.
        _ => {
            return Err(Rejection::IllegalMove {
                name: v.name.clone(),
                from: v.stage,
                to,
                hint: String::new(),
            });
        }
    })
}

/// Beds not taken by a patient in an active stage, in policy order.
pub fn free_beds<'a>(board: &'a Board, policy: &'a Policy) -> impl Iterator<Item = &'a str> {
    policy
        .beds
        .iter()
        .map(String::as_str)
        .filter(|b| board.occupant(b).is_none())
}

fn free_bed(board: &Board, policy: &Policy, bed: &str) -> Result<String, Rejection> {
    if !policy.beds.iter().any(|b| b == bed) {
        return Err(Rejection::UnknownBed {
            given: sanitize(bed),
            known: join(policy.beds.iter().map(String::as_str)),
        });
    }
    if let Some(other) = board.occupant(bed) {
        return Err(Rejection::BedOccupied {
            bed: bed.to_string(),
            by: other.name.clone(),
        });
    }
    Ok(bed.to_string())
}

fn open_visit(board: &Board, id: VisitId) -> Result<&Visit, Rejection> {
    let v = board.visit(id).ok_or(Rejection::UnknownVisit(id))?;
    if !v.stage.is_open() {
        return Err(Rejection::Closed {
            name: v.name.clone(),
            stage: v.stage,
        });
    }
    Ok(v)
}

fn illegal(v: &Visit, to: Stage, hint: &str) -> Rejection {
    Rejection::IllegalMove {
        name: v.name.clone(),
        from: v.stage,
        to,
        hint: hint.to_string(),
    }
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
    let number = sanitize(&lot.number);
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

fn list(missing: &[Missing]) -> String {
    missing
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
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
    v: &Visit,
    correction: &Correction,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Result<(Correction, String), Rejection> {
    Ok(match correction {
        Correction::Name { name } => (
            Correction::Name {
                name: clean_name(name)?,
            },
            v.name.clone(),
        ),
        Correction::ChartNo { chart_no } => {
            let chart_no = match chart_no.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(c) => Some(clean_chart_no(c)?),
            };
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
            // Only the moments that start a stage can be re-timed, and the
            // order of the stages must stay as it was.
            let moves: Vec<&EventRecord> = v
                .effective_events()
                .filter(|e| {
                    !matches!(
                        e.kind,
                        EventKind::Recorded { .. } | EventKind::Corrected { .. }
                    )
                })
                .collect();
            let Some(pos) = moves.iter().position(|e| e.seq == *event) else {
                return Err(invalid(
                    "event",
                    format!("event {event} is not a stage change of {}", v.name),
                ));
            };
            if *at > now {
                return Err(Rejection::AtInFuture(
                    at.with_timezone(&policy.timezone)
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                ));
            }
            // The neighbours' times as they stand, after earlier corrections.
            let prev = pos.checked_sub(1).map(|p| v.effective_time(moves[p]));
            let next = moves.get(pos + 1).map(|e| v.effective_time(e));
            if prev.is_some_and(|p| *at < p) || next.is_some_and(|n| *at > n) {
                return Err(invalid(
                    "at",
                    "the corrected time must stay between the stage before and the stage after",
                ));
            }
            let old = moves[pos]
                .at
                .with_timezone(&policy.timezone)
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
