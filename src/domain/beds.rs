//! Beds: who lies on each, which are being cleaned, and whether a stay on
//! a bed fits between the others (DOMAIN.md "During a drip and after it":
//! a bed is cleaned between patients before the next one lies down; it
//! goes to "cleaning" when its patient leaves it and is free again when
//! marked ready).
//!
//! Everything here is derived from the visits: a stay is the time a visit
//! held a bed (from the start of administration until it left the clinic),
//! and the cleaning after it lasts until the `bed_ready` entry on the visit
//! that left. A bed left on an earlier clinic day counts as cleaned at the
//! day's end (and a record from before cleaning was tracked leaves no bed
//! waiting for ever).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::command::Rejection;
use super::model::{Board, Visit, VisitId};
use super::policy::Policy;

/// What a bed is at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum BedState {
    Free,
    Occupied {
        visit: VisitId,
    },
    /// The patient left at `since`; the bed is not marked ready yet.
    Cleaning {
        since: DateTime<Utc>,
        after: VisitId,
    },
}

impl BedState {
    pub fn as_str(self) -> &'static str {
        match self {
            BedState::Free => "free",
            BedState::Occupied { .. } => "occupied",
            BedState::Cleaning { .. } => "cleaning",
        }
    }
}

/// One visit's time on a bed, and the cleaning after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stay {
    pub visit: VisitId,
    pub bed: String,
    /// Administration began.
    pub from: DateTime<Utc>,
    /// The patient left the clinic (`None`: still on the bed).
    pub until: Option<DateTime<Utc>>,
    /// The bed was marked ready after it.
    pub ready: Option<DateTime<Utc>>,
}

/// The stay of a visit on a bed, if it had one.
pub fn stay(v: &Visit) -> Option<Stay> {
    let from = v.care.administration_started?;
    let (bed, until) = match (&v.bed, &v.care.bed_left) {
        (Some(bed), _) if v.stage.is_active() => (bed.clone(), None),
        (_, Some((bed, at))) => (bed.clone(), Some(*at)),
        _ => return None,
    };
    Some(Stay {
        visit: v.id,
        bed,
        from,
        until,
        ready: v.care.bed_ready,
    })
}

fn same_day(policy: &Policy, a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
    let tz = policy.timezone;
    a.with_timezone(&tz).date_naive() == b.with_timezone(&tz).date_naive()
}

/// Whether `stay`'s cleaning is still going on at `t`: after the patient
/// left, the same clinic day, before the bed was marked ready.
fn cleaning_at(policy: &Policy, stay: &Stay, t: DateTime<Utc>) -> bool {
    let Some(left) = stay.until else {
        return false;
    };
    policy.bed_cleaning.enabled
        && left <= t
        && same_day(policy, left, t)
        && stay.ready.is_none_or(|ready| ready > t)
}

/// What `bed` was at `t`, from the stays on it.
fn state_among<'a>(
    policy: &Policy,
    stays: impl Iterator<Item = &'a Stay>,
    bed: &str,
    t: DateTime<Utc>,
) -> BedState {
    let mut last_left: Option<&Stay> = None;
    for s in stays.filter(|s| s.bed == bed && s.from <= t) {
        match s.until {
            None => return BedState::Occupied { visit: s.visit },
            Some(until) if until > t => return BedState::Occupied { visit: s.visit },
            Some(until) => {
                if last_left.is_none_or(|l| l.until < Some(until)) {
                    last_left = Some(s);
                }
            }
        }
    }
    match last_left {
        Some(s) if cleaning_at(policy, s, t) => BedState::Cleaning {
            since: s.until.unwrap_or(t),
            after: s.visit,
        },
        _ => BedState::Free,
    }
}

fn stays(board: &Board) -> Vec<Stay> {
    board.visits.values().filter_map(stay).collect()
}

/// What `bed` is at `t`.
pub fn bed_state(board: &Board, policy: &Policy, bed: &str, t: DateTime<Utc>) -> BedState {
    state_among(policy, stays(board).iter(), bed, t)
}

/// Every bed in the config's order, with what it is at `now`.
pub fn bed_states(board: &Board, policy: &Policy, now: DateTime<Utc>) -> Vec<(String, BedState)> {
    let all = stays(board);
    policy
        .beds
        .iter()
        .map(|b| (b.clone(), state_among(policy, all.iter(), b, now)))
        .collect()
}

/// The beds being cleaned at `now`, in the config's order: each bed, since
/// when, and the visit that left it.
pub fn cleaning_beds(
    board: &Board,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Vec<(String, DateTime<Utc>, VisitId)> {
    bed_states(board, policy, now)
        .into_iter()
        .filter_map(|(bed, state)| match state {
            BedState::Cleaning { since, after } => Some((bed, since, after)),
            _ => None,
        })
        .collect()
}

/// Beds a drip could start on at `now`: nobody on them, not being
/// cleaned, in the config's order.
pub fn free_beds<'a>(
    board: &'a Board,
    policy: &'a Policy,
    now: DateTime<Utc>,
) -> impl Iterator<Item = &'a str> {
    let states = bed_states(board, policy, now);
    policy.beds.iter().map(String::as_str).filter(move |b| {
        states
            .iter()
            .any(|(name, s)| name == b && *s == BedState::Free)
    })
}

/// The visit whose leaving left `bed` to be cleaned at `now`.
pub fn being_cleaned(
    board: &Board,
    policy: &Policy,
    bed: &str,
    now: DateTime<Utc>,
) -> Option<VisitId> {
    match bed_state(board, policy, bed, now) {
        BedState::Cleaning { after, .. } => Some(after),
        _ => None,
    }
}

/// Why `trial` (a visit as a command would leave it) does not fit on its
/// bed beside the other visits' stays, if it does not: it would lie on a
/// bed someone else lay on then, start on a bed being cleaned then, or
/// leave a later stay of someone else starting during its own (a time
/// moved, an undo). What was already so before the command is not its
/// fault: only a conflict `before` did not have counts.
pub fn conflict(
    board: &Board,
    policy: &Policy,
    before: &Visit,
    trial: &Visit,
) -> Option<Rejection> {
    let others: Vec<Stay> = board
        .visits
        .values()
        .filter(|v| v.id != trial.id)
        .filter_map(stay)
        .collect();
    let problems = |v: &Visit| -> Vec<Rejection> {
        let Some(mine) = stay(v) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for other in others.iter().filter(|o| o.bed == mine.bed) {
            let name = || {
                board
                    .visit(other.visit)
                    .map_or_else(|| other.visit.to_string(), |o| o.name.clone())
            };
            let end = |s: &Stay| s.until.unwrap_or(DateTime::<Utc>::MAX_UTC);
            if mine.from < end(other) && other.from < end(&mine) {
                out.push(Rejection::BedOccupied {
                    bed: mine.bed.clone(),
                    by: name(),
                });
            } else if cleaning_at(policy, other, mine.from) {
                out.push(cleaning(policy, &mine.bed, other.until));
            } else if cleaning_at(policy, &mine, other.from) {
                out.push(Rejection::NotNow(format!(
                    "bed {} was given to {} at {}: this would put them on a bed not yet cleaned after {}",
                    mine.bed,
                    name(),
                    other
                        .from
                        .with_timezone(&policy.timezone)
                        .format("%H:%M"),
                    v.name
                )));
            }
        }
        out
    };
    let old = problems(before);
    problems(trial).into_iter().find(|p| !old.contains(p))
}

/// A bed being cleaned since `since`, as a refusal.
pub fn cleaning(policy: &Policy, bed: &str, since: Option<DateTime<Utc>>) -> Rejection {
    Rejection::BedCleaning {
        bed: bed.to_string(),
        since: since.map_or_else(String::new, |t| {
            t.with_timezone(&policy.timezone)
                .format("%H:%M")
                .to_string()
        }),
    }
}
