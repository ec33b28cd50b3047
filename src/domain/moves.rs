//! The visit protocol: everything that may happen to a visit, in each
//! stage, and what each move still needs. This is the one place that says
//! it: `decide` refuses what is not possible here, the board's keys, its
//! footer and Enter offer what is possible here, the forms open on what is
//! due here, and the snapshot's `next_needs` lists what Enter still needs.
//!
//! A newcomer reads [`gate`]: for a visit as it stood at a moment, and a
//! move, either why the move cannot happen then, or what it still lacks
//! (nothing: it may happen). [`out_of_order`] applies the same rules to a
//! whole record: every event possible at the moment it happened, so the
//! record is chronological whatever order things were typed in.

use chrono::{DateTime, Duration, Utc};

use super::clinical::{Check, Entry, ReactionKind};
use super::command::Rejection;
use super::event::{EventKind, EventRecord};
use super::model::{Route, Stage, Visit};
use super::policy::{Level, Policy};
use super::rules::{self, Missing, Severity};

/// Every kind of thing that can happen to a visit: the moves of the flow,
/// the side exits, and the entries recorded without a change of stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Move {
    // The flow.
    CheckIn,
    StartCounselling,
    MarkReady,
    StartAdministration,
    /// Needle out at the drip's end (or an injection done).
    EndAdministration,
    /// Needle out before the drip's time, with a reason.
    StopEarly,
    Discharge,
    // The side exits.
    Defer,
    Cancel,
    Transfer,
    // Entries.
    Screening,
    CautionsAcknowledged,
    Override,
    Consent,
    Plan,
    Vitals,
    DripCheck,
    Pause,
    Resume,
    Reaction,
    DoctorPresent,
    SymptomFree,
    Adrenaline,
    AmbulanceCalled,
    Acknowledge,
    Clearance,
    Checklist,
    /// The patient is given to another nurse.
    Reassign,
    /// The patient asks not to be shown on the wall (or takes it back).
    DoNotDisplay,
    /// The bed the patient left is cleaned and ready.
    BedReady,
    // On the record itself.
    Undo,
    Correct,
}

impl Move {
    /// Every move, in the order the board offers them.
    pub const ALL: [Move; 32] = [
        Move::CheckIn,
        Move::StartCounselling,
        Move::MarkReady,
        Move::StartAdministration,
        Move::EndAdministration,
        Move::StopEarly,
        Move::Discharge,
        Move::Defer,
        Move::Cancel,
        Move::Transfer,
        Move::Screening,
        Move::CautionsAcknowledged,
        Move::Override,
        Move::Consent,
        Move::Plan,
        Move::Vitals,
        Move::DripCheck,
        Move::Pause,
        Move::Resume,
        Move::Reaction,
        Move::DoctorPresent,
        Move::SymptomFree,
        Move::Adrenaline,
        Move::AmbulanceCalled,
        Move::Acknowledge,
        Move::Clearance,
        Move::Checklist,
        Move::Reassign,
        Move::DoNotDisplay,
        Move::BedReady,
        Move::Undo,
        Move::Correct,
    ];

    /// The move an event records.
    pub fn of(kind: &EventKind) -> Move {
        match kind {
            EventKind::Arrived { .. } | EventKind::Expected { .. } => Move::CheckIn,
            EventKind::CheckedIn { .. } => Move::CheckIn,
            EventKind::CounsellingStarted => Move::StartCounselling,
            EventKind::MarkedReady => Move::MarkReady,
            EventKind::AdministrationStarted { .. } => Move::StartAdministration,
            EventKind::AdministrationEnded { early: None } => Move::EndAdministration,
            EventKind::AdministrationEnded { early: Some(_) } => Move::StopEarly,
            EventKind::Discharged => Move::Discharge,
            EventKind::Deferred { .. } => Move::Defer,
            EventKind::Cancelled { .. } => Move::Cancel,
            EventKind::Transferred { .. } => Move::Transfer,
            EventKind::Reverted { .. } => Move::Undo,
            EventKind::Corrected { .. } => Move::Correct,
            EventKind::Recorded { entry } => Move::of_entry(entry),
        }
    }

    pub fn of_entry(entry: &Entry) -> Move {
        match entry {
            Entry::Screening { .. } => Move::Screening,
            Entry::CautionsAcknowledged { .. } => Move::CautionsAcknowledged,
            Entry::Override { .. } => Move::Override,
            Entry::Consent { .. } => Move::Consent,
            Entry::Plan { .. } => Move::Plan,
            Entry::Vitals { .. } => Move::Vitals,
            Entry::DripCheck { .. } => Move::DripCheck,
            Entry::Pause { .. } => Move::Pause,
            Entry::Resume => Move::Resume,
            Entry::Reaction { .. } => Move::Reaction,
            Entry::DoctorPresent { .. } => Move::DoctorPresent,
            Entry::SymptomFree => Move::SymptomFree,
            Entry::Adrenaline { .. } => Move::Adrenaline,
            Entry::AmbulanceCalled => Move::AmbulanceCalled,
            Entry::Acknowledge { .. } => Move::Acknowledge,
            Entry::Clearance { .. } => Move::Clearance,
            Entry::Checklist { .. } | Entry::Untick { .. } => Move::Checklist,
            Entry::Reassigned { .. } => Move::Reassign,
            Entry::DoNotDisplay { .. } => Move::DoNotDisplay,
            Entry::BedReady { .. } => Move::BedReady,
        }
    }

    /// The stage a move of the flow (or a side exit) leads to.
    pub fn leads_to(self) -> Option<Stage> {
        Some(match self {
            Move::CheckIn => Stage::Waiting,
            Move::StartCounselling => Stage::Counselling,
            Move::MarkReady => Stage::Ready,
            Move::StartAdministration => Stage::Administration,
            Move::EndAdministration | Move::StopEarly => Stage::Observation,
            Move::Discharge => Stage::Discharged,
            Move::Defer => Stage::Deferred,
            Move::Cancel => Stage::Cancelled,
            Move::Transfer => Stage::Transferred,
            _ => return None,
        })
    }

    /// The move that leads from `from` to `to`, if one does.
    pub fn between(from: Stage, to: Stage) -> Option<Move> {
        let mv = match (from, to) {
            (Stage::Expected, Stage::Waiting) => Move::CheckIn,
            (Stage::Waiting, Stage::Counselling) => Move::StartCounselling,
            (Stage::Counselling, Stage::Ready) => Move::MarkReady,
            (Stage::Ready, Stage::Administration) => Move::StartAdministration,
            (Stage::Administration, Stage::Observation) => Move::EndAdministration,
            (Stage::Observation, Stage::Discharged) => Move::Discharge,
            _ => return None,
        };
        Some(mv)
    }

    /// Doctor's acts: with `[[staff]]`, they name a doctor from the list
    /// (and a clinic can ask for the doctor's PIN).
    pub fn is_doctors_act(self) -> bool {
        matches!(
            self,
            Move::Override | Move::CautionsAcknowledged | Move::Clearance | Move::DoctorPresent
        )
    }
}

/// The main flow's next move from a stage: what Enter does.
pub fn next_move(stage: Stage) -> Option<Move> {
    Some(match stage {
        Stage::Expected => Move::CheckIn,
        Stage::Waiting => Move::StartCounselling,
        Stage::Counselling => Move::MarkReady,
        Stage::Ready => Move::StartAdministration,
        Stage::Administration => Move::EndAdministration,
        Stage::Observation => Move::Discharge,
        _ => return None,
    })
}

/// Why `v` cannot move to `to` now (it is elsewhere in the flow).
pub fn flow_error(v: &Visit, to: Stage) -> Rejection {
    let name = v.name.clone();
    if !v.stage.is_open() {
        return Rejection::Closed {
            name,
            stage: v.stage,
        };
    }
    if v.stage == to {
        return Rejection::AlreadyThere { name, stage: to };
    }
    if to == Stage::Administration && matches!(v.stage, Stage::Waiting | Stage::Counselling) {
        return Rejection::NeedsCounselling {
            name,
            from: v.stage,
        };
    }
    let hint = match next_move(v.stage).and_then(Move::leads_to) {
        Some(next) => format!(": the next stage is {next}"),
        None => String::new(),
    };
    Rejection::IllegalMove {
        name,
        from: v.stage,
        to,
        hint,
    }
}

/// The move of the flow that takes `v` to `to`, or why there is none.
pub fn move_to(v: &Visit, to: Stage) -> Result<Move, Rejection> {
    Move::between(v.stage, to).ok_or_else(|| flow_error(v, to))
}

fn not_now(why: String) -> Rejection {
    Rejection::NotNow(why)
}

fn stage_is(v: &Visit, stages: &[Stage], why: impl FnOnce() -> String) -> Result<(), Rejection> {
    if stages.contains(&v.stage) {
        Ok(())
    } else if !v.stage.is_open() {
        Err(Rejection::Closed {
            name: v.name.clone(),
            stage: v.stage,
        })
    } else {
        Err(not_now(why()))
    }
}

/// Whether `mv` can happen to `v` (the visit as it stood) at `at`:
/// `Err` says why not in this state; `Ok(needs)` says what it still lacks
/// (empty: it may happen now).
pub fn gate(
    v: &Visit,
    policy: &Policy,
    mv: Move,
    at: DateTime<Utc>,
) -> Result<Vec<Missing>, Rejection> {
    use Stage::*;
    let care = &v.care;
    let route = rules::route(v, policy);
    let flow = |from: Stage| -> Result<(), Rejection> {
        if v.stage == from {
            Ok(())
        } else {
            Err(flow_error(v, mv.leads_to().unwrap_or(v.stage)))
        }
    };
    let none = Ok(Vec::new());
    match mv {
        Move::CheckIn => flow(Expected).and(none),
        Move::StartCounselling => flow(Waiting).and(none),
        Move::MarkReady => flow(Counselling).map(|_| rules::missing_for_ready(v, policy)),
        Move::StartAdministration => {
            flow(Ready).map(|_| rules::missing_for_administration(v, policy))
        }
        Move::EndAdministration => {
            flow(Administration).map(|_| rules::missing_for_end_of_administration(v, policy, at))
        }
        Move::StopEarly => {
            stage_is(v, &[Administration], || {
                format!("{} is not in administration: nothing to stop", v.name)
            })?;
            none
        }
        Move::Discharge => flow(Observation).map(|_| rules::missing_for_discharge(v, policy, at)),
        Move::Defer => {
            stage_is(v, &[Waiting, Counselling, Ready], || {
                format!(
                    "{} cannot be deferred in {}: defer before administration starts",
                    v.name, v.stage
                )
            })
            .map_err(|e| match e {
                Rejection::NotNow(_) => Rejection::IllegalMove {
                    name: v.name.clone(),
                    from: v.stage,
                    to: Deferred,
                    hint: ": defer before administration starts".into(),
                },
                e => e,
            })?;
            none
        }
        Move::Cancel => {
            stage_is(
                v,
                &[
                    Expected,
                    Waiting,
                    Counselling,
                    Ready,
                    Administration,
                    Observation,
                ],
                String::new,
            )?;
            // An emergency ends only by its own exits (DOMAIN.md "Side
            // effects": allergic and anaphylaxis block the discharge until
            // the doctor clears it; the anaphylaxis exit is transfer).
            if let Some(r) = care.open_reaction() {
                return Err(not_now(format!(
                    "{} has an open {} reaction: it ends by transfer, or by discharge after symptom-free and the observation",
                    v.name,
                    r.kind.as_str()
                )));
            }
            if care.worst_reaction() >= Some(ReactionKind::Allergic) {
                return Err(not_now(format!(
                    "{} had an {} reaction today: the visit ends by transfer, or by discharge with the doctor's clearance",
                    v.name,
                    care.worst_reaction().map_or("", ReactionKind::as_str)
                )));
            }
            none
        }
        Move::Transfer => {
            stage_is(v, &Stage::ACTIVE, || {
                format!("{} is not in the clinic", v.name)
            })?;
            none
        }
        Move::Screening | Move::Consent | Move::Plan => {
            stage_is(v, &[Counselling, Ready], || {
                format!("{} is not in counselling", v.name)
            })?;
            none
        }
        Move::CautionsAcknowledged => {
            stage_is(v, &[Counselling, Ready], || {
                format!("{} is not in counselling", v.name)
            })?;
            if rules::answered(v, policy, Level::Caution).is_empty() {
                return Err(not_now("no caution answer needs the doctor".into()));
            }
            none
        }
        Move::Override => {
            stage_is(v, &[Counselling, Ready], || {
                format!("{} is not in counselling", v.name)
            })?;
            if rules::start_gates(v, policy).is_empty() {
                return Err(not_now(
                    "nothing stops the start: no override is needed".into(),
                ));
            }
            none
        }
        Move::Vitals | Move::DoctorPresent => {
            stage_is(v, &Stage::ACTIVE, || {
                format!("{} is not in the clinic", v.name)
            })?;
            none
        }
        Move::DripCheck => {
            drip(v, route, "has no drip check")?;
            if rules::drip_checks_due(v, policy, at).is_empty() {
                return Err(not_now(format!("no drip check of {} is due", v.name)));
            }
            none
        }
        Move::Pause => {
            drip(v, route, "cannot be paused: pause is for drips")?;
            if care.paused_since.is_some() {
                return Err(not_now(format!("{}'s drip is already paused", v.name)));
            }
            none
        }
        Move::Resume => {
            stage_is(v, &[Administration], || {
                format!("{}'s drip is not paused", v.name)
            })?;
            if care.paused_since.is_none() {
                return Err(not_now(format!("{}'s drip is not paused", v.name)));
            }
            // After an allergic reaction the doctor decides when the drip
            // resumes: a doctor present since that reaction.
            match care.open_reaction() {
                Some(r) if r.kind >= ReactionKind::Allergic && !care.doctor_since(r.at) => {
                    Err(not_now(
                        "an allergic reaction is open: the doctor decides when the drip resumes (record the doctor present first)"
                            .into(),
                    ))
                }
                _ => none,
            }
        }
        Move::Reaction => {
            stage_is(v, &[Administration, Observation], || {
                format!(
                    "{} has not had administration yet: reactions are recorded from administration on",
                    v.name
                )
            })?;
            none
        }
        Move::SymptomFree => {
            let Some(r) = care.open_reaction() else {
                return Err(not_now(format!("{} has no open reaction", v.name)));
            };
            // Symptom-free starts the last part of the observation: not
            // while the last reading is critical, and not before a reading
            // in range was taken after the reaction.
            let mut needs = Vec::new();
            let after: Vec<_> = care.vitals.iter().filter(|x| x.at >= r.at).collect();
            let latest_critical = care.latest_vitals().is_some_and(|x| {
                matches!(
                    rules::vitals_alert(&x.vitals, care.baseline(), policy),
                    Some((Severity::Critical, _))
                )
            });
            let in_range_after = after
                .iter()
                .any(|x| rules::vitals_alert(&x.vitals, care.baseline(), policy).is_none());
            if latest_critical || !in_range_after {
                needs.push(Missing::ReadingInRange);
            }
            Ok(needs)
        }
        Move::Adrenaline => match care.open_reaction() {
            Some(r) if r.kind == ReactionKind::Anaphylaxis => none,
            _ => Err(not_now(
                "adrenaline is logged for an open anaphylaxis: record the anaphylaxis first".into(),
            )),
        },
        Move::AmbulanceCalled => {
            if care.worst_reaction() != Some(ReactionKind::Anaphylaxis) {
                return Err(not_now("the ambulance task belongs to anaphylaxis".into()));
            }
            if care.ambulance_called.is_some() {
                return Err(not_now("the ambulance is already called".into()));
            }
            none
        }
        Move::Acknowledge => {
            if rules::visit_alerts(v, policy, at)
                .iter()
                .all(|a| a.acknowledged_by.is_some())
            {
                return Err(not_now(format!("{} has no alert to acknowledge", v.name)));
            }
            none
        }
        Move::Clearance => {
            if care.worst_reaction() < Some(ReactionKind::Allergic) {
                return Err(not_now(format!("{} needs no doctor's clearance", v.name)));
            }
            none
        }
        Move::Checklist => {
            stage_is(v, &[Observation], || {
                format!(
                    "the discharge checklist starts when the needle is out; {} is in {}",
                    v.name, v.stage
                )
            })?;
            none
        }
        Move::Reassign => {
            stage_is(
                v,
                &[Counselling, Ready, Administration, Observation],
                || format!("{} is not with a nurse now", v.name),
            )?;
            if care.nurse().is_none() {
                return Err(not_now(format!(
                    "{} has no nurse yet: the plan at counselling names the nurse",
                    v.name
                )));
            }
            none
        }
        // At arrival or later, as long as the patient is expected or here
        // (DOMAIN.md "Records (Japan)": a patient may ask not to be
        // displayed).
        Move::DoNotDisplay => {
            if !v.stage.is_open() {
                return Err(Rejection::Closed {
                    name: v.name.clone(),
                    stage: v.stage,
                });
            }
            none
        }
        // DOMAIN.md "During a drip and after it": the bed a patient left
        // is cleaned before the next one lies down.
        Move::BedReady => {
            if !policy.bed_cleaning.enabled {
                return Err(not_now(
                    "beds are not cleaned between patients in this clinic (bed_cleaning.enabled = false)"
                        .into(),
                ));
            }
            match (&care.bed_left, care.bed_ready) {
                (None, _) => Err(not_now(format!("{} has not left a bed", v.name))),
                (Some((bed, _)), Some(_)) => {
                    Err(not_now(format!("bed {bed} is already marked ready")))
                }
                (Some(_), None) => none,
            }
        }
        Move::Undo => {
            if undo_targets(v).is_empty() {
                return Err(Rejection::NothingToUndo(v.name.clone()));
            }
            none
        }
        Move::Correct => none,
    }
}

fn drip(v: &Visit, route: Option<Route>, not: &str) -> Result<(), Rejection> {
    if v.stage != Stage::Administration {
        return Err(not_now(format!("{} is not on a drip", v.name)));
    }
    if route != Some(Route::Drip) {
        return Err(not_now(format!("{}'s treatment {not}", v.name)));
    }
    Ok(())
}

/// Whether an event could have happened to `v` (the visit as it stood
/// just before) at its moment: the move's own rule, plus what the entry
/// depends on having happened first (a hemostasis confirmed after its
/// pressure time, a drip check at or after its minute). What a move still
/// lacks (`needs`) is not asked here: that stands before the act, in
/// `decide`.
pub fn possible(v: &Visit, policy: &Policy, event: &EventRecord) -> Result<(), Rejection> {
    let mv = Move::of(&event.kind);
    if matches!(mv, Move::Undo | Move::Correct) {
        return Ok(());
    }
    // Nothing happens before the visit began (the arrival, or the booking
    // was made).
    if let Some((stage, first)) = v.stage_log.first()
        && event.at < *first
    {
        let hm = |t: &DateTime<Utc>| {
            t.with_timezone(&policy.timezone)
                .format("%H:%M")
                .to_string()
        };
        return Err(Rejection::AtBeforeStage {
            at: hm(&event.at),
            name: v.name.clone(),
            stage: *stage,
            since: hm(first),
        });
    }
    // The order of the flow is the fold's: a move of the flow happened in
    // the stage it leaves.
    gate(v, policy, mv, event.at).map(|_| ())?;
    let at = event.at;
    let care = &v.care;
    if let EventKind::Recorded { entry } = &event.kind {
        match entry {
            Entry::DripCheck { minute, .. } => {
                let running = (at - v.stage_since).num_seconds() - care.paused_secs_at(at);
                if i64::from(*minute) * 60 > running {
                    let due = v.stage_since
                        + Duration::minutes(i64::from(*minute))
                        + Duration::seconds(care.paused_secs_at(at));
                    return Err(Rejection::AtBeforeDue {
                        what: format!("the {minute}-minute drip check"),
                        due: due
                            .with_timezone(&policy.timezone)
                            .format("%H:%M")
                            .to_string(),
                    });
                }
            }
            Entry::Checklist {
                item: Check::HemostasisConfirmed,
            } => {
                let minutes = rules::hemostasis_minutes(v, policy);
                match care.checklist.get(&Check::HemostasisPressure) {
                    None => {
                        return Err(not_now(format!(
                            "apply pressure first ({minutes} min), then confirm hemostasis"
                        )));
                    }
                    Some(since) => {
                        let due = *since + Duration::minutes(i64::from(minutes));
                        if due > at {
                            return Err(not_now(format!(
                                "keep pressure {minutes} min: {} s left",
                                (due - at).num_seconds()
                            )));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The events of a record that could not have happened when they did
/// (see [`possible`]), with why: empty for a chronological record.
pub fn out_of_order(events: &[EventRecord], policy: &Policy) -> Vec<(u64, Rejection)> {
    let Some((mut visit, rest)) = Visit::timeline(events) else {
        return Vec::new();
    };
    let mut wrong = Vec::new();
    for event in &rest {
        if let Err(why) = possible(&visit, policy, event) {
            wrong.push((event.seq, why));
        }
        visit.fold(event);
    }
    wrong
}

/// What may be done to a visit now, with what each move still lacks.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub mv: Move,
    pub needs: Vec<Missing>,
}

impl Offer {
    pub fn ready(&self) -> bool {
        self.needs.is_empty()
    }
}

/// Every move possible for `v` at `now`, in [`Move::ALL`]'s order.
pub fn offers(v: &Visit, policy: &Policy, now: DateTime<Utc>) -> Vec<Offer> {
    Move::ALL
        .iter()
        .filter_map(|mv| {
            gate(v, policy, *mv, now)
                .ok()
                .map(|needs| Offer { mv: *mv, needs })
        })
        .collect()
}

/// Whether `mv` is possible for `v` at `now` (what it lacks aside).
pub fn offered(v: &Visit, policy: &Policy, mv: Move, now: DateTime<Utc>) -> bool {
    gate(v, policy, mv, now).is_ok()
}

/// What Enter does for `v`: the main flow's next move, with its needs.
pub fn next_step(v: &Visit, policy: &Policy, now: DateTime<Utc>) -> Option<Offer> {
    let mv = next_move(v.stage)?;
    gate(v, policy, mv, now)
        .ok()
        .map(|needs| Offer { mv, needs })
}

/// The events `undo` takes back: all of the last command's (an entry and
/// what it brought with it — an anaphylaxis and the drip it stopped — go
/// together), never the arrival.
pub fn undo_targets(v: &Visit) -> Vec<u64> {
    let effective: Vec<&EventRecord> = v.effective_events().collect();
    let Some(last) = effective.last() else {
        return Vec::new();
    };
    if matches!(
        last.kind,
        EventKind::Arrived { .. } | EventKind::Expected { .. }
    ) {
        return Vec::new();
    }
    // What a reaction brought with it (the drip paused or stopped) goes
    // back with the reaction: recorded by the same command, right after it.
    let mut group = vec![last.seq];
    let consequence = matches!(
        last.kind,
        EventKind::AdministrationEnded { early: Some(_) }
            | EventKind::Recorded {
                entry: Entry::Pause { .. }
            }
    );
    if consequence
        && let Some(cause) = effective.iter().rev().nth(1)
        && cause.seq + 1 == last.seq
        && cause.recorded_at == last.recorded_at
        && cause.at == last.at
        && matches!(
            cause.kind,
            EventKind::Recorded {
                entry: Entry::Reaction { .. }
            }
        )
    {
        group.push(cause.seq);
    }
    group.reverse();
    group
}

/// Whether undoing the last command needs a reason: a reaction, a dose,
/// an approval or a change of stage stay explained.
pub fn undo_needs_reason(v: &Visit) -> bool {
    let targets = undo_targets(v);
    v.events
        .iter()
        .filter(|e| targets.contains(&e.seq))
        .any(|e| match &e.kind {
            EventKind::Recorded { entry } => matches!(
                entry,
                Entry::Reaction { .. }
                    | Entry::Adrenaline { .. }
                    | Entry::Override { .. }
                    | Entry::CautionsAcknowledged { .. }
                    | Entry::Clearance { .. }
                    | Entry::SymptomFree
                    | Entry::DoctorPresent { .. }
                    | Entry::AmbulanceCalled
            ),
            EventKind::Corrected { .. } => false,
            _ => true,
        })
}
