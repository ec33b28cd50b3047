//! When each bed is expected to be free, and when each drip patient who
//! waits for one can expect to start. Pure functions of the board, the
//! policy and `now`; an estimate is given only where the board knows
//! enough to keep it.
//!
//! A bed is free after its patient's drip (the time left, pauses so far
//! included: a paused drip is counted as resuming now), their observation
//! (the rules' own end, with the answers and reactions recorded), and the
//! cleaning (`bed_cleaning.warn_minutes`, when beds are cleaned). While a
//! reaction is open, or an observation waits for "symptom-free", nobody
//! can say: the bed's time is unknown.
//!
//! The drip patients waiting for a bed queue in the order of the flow —
//! ready, then in counselling, then waiting, then expected (booked today,
//! not yet late) — each taking the bed that frees first, no earlier than
//! they are ready. When a patient will be ready comes from today's own
//! pace: the median time from arrival to counselling and of counselling
//! itself, over today's visits. Before any counselling has finished today
//! there is no pace, so nobody still to be counselled gets an estimate.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::beds::{BedState, bed_states};
use super::model::{Board, Route, Stage, Visit, VisitId};
use super::policy::Policy;
use super::rules;

/// A bed, what it is now, and when it is expected to be free.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BedForecast {
    pub bed: String,
    pub state: BedState,
    /// `now` for a free bed; `None` when nobody can say.
    pub free_at: Option<DateTime<Utc>>,
}

/// A drip patient's estimated start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    pub visit: VisitId,
    /// `None` when it cannot be estimated.
    pub start: Option<DateTime<Utc>>,
    /// The bed the estimate counts on.
    pub bed: Option<String>,
}

fn minutes(m: u32) -> Duration {
    Duration::minutes(i64::from(m))
}

/// The time the forecast allows for cleaning a bed between patients.
pub fn cleaning_allowance(policy: &Policy) -> Duration {
    if policy.bed_cleaning.enabled {
        minutes(policy.bed_cleaning.warn_minutes)
    } else {
        Duration::zero()
    }
}

/// When `v`, lying on a bed now, is expected to leave it: after the drip
/// (or injection) and the observation. `None` while a reaction is open or
/// the observation waits for symptom-free.
pub fn leaves_at(v: &Visit, policy: &Policy, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if v.care.open_reaction().is_some() {
        return None;
    }
    let end = match v.stage {
        Stage::Administration => {
            let needle_out = match rules::drip_end(v, policy, now) {
                Some(end) => end,
                None => v.stage_since + minutes(policy.treatment(&v.treatment)?.minutes),
            };
            rules::observation_end_after(v, policy, needle_out.max(now))?
        }
        Stage::Observation => rules::observation_end(v, policy)?,
        _ => return None,
    };
    Some(end.max(now))
}

/// Every bed, in the config's order, with when it is expected to be free.
pub fn bed_forecast(board: &Board, policy: &Policy, now: DateTime<Utc>) -> Vec<BedForecast> {
    let clean = cleaning_allowance(policy);
    bed_states(board, policy, now)
        .into_iter()
        .map(|(bed, state)| {
            let free_at = match state {
                BedState::Free => Some(now),
                BedState::Occupied { visit } => board
                    .visit(visit)
                    .and_then(|v| leaves_at(v, policy, now))
                    .map(|t| t + clean),
                BedState::Cleaning { since, .. } => Some((since + clean).max(now)),
            };
            BedForecast {
                bed,
                state,
                free_at,
            }
        })
        .collect()
}

/// The next bed to free among those not free now, and when: "next bed
/// 10:42". `None` when a bed is free now, or none can be said.
pub fn next_bed(forecast: &[BedForecast]) -> Option<(&str, DateTime<Utc>)> {
    if forecast.iter().any(|f| f.state == BedState::Free) {
        return None;
    }
    forecast
        .iter()
        .filter_map(|f| f.free_at.map(|t| (f.bed.as_str(), t)))
        .min_by_key(|(bed, t)| (*t, *bed))
}

/// Today's pace: the median minutes from arrival to counselling, and of
/// counselling (to ready), over today's visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pace {
    pub waiting: Option<Duration>,
    pub counselling: Option<Duration>,
}

fn median(mut d: Vec<Duration>) -> Option<Duration> {
    if d.is_empty() {
        return None;
    }
    d.sort();
    let n = d.len();
    Some(if n % 2 == 1 {
        d[n / 2]
    } else {
        (d[n / 2 - 1] + d[n / 2]) / 2
    })
}

pub fn pace(board: &Board, policy: &Policy, now: DateTime<Utc>) -> Pace {
    let tz = policy.timezone;
    let today = now.with_timezone(&tz).date_naive();
    let mut waits = Vec::new();
    let mut counsellings = Vec::new();
    for v in board
        .visits
        .values()
        .filter(|v| v.arrived_at.with_timezone(&tz).date_naive() == today)
    {
        for pair in v.stage_log.windows(2) {
            let ((from, since), (to, until)) = (pair[0], pair[1]);
            if until > now {
                continue;
            }
            match (from, to) {
                (Stage::Waiting, Stage::Counselling) => waits.push(until - since),
                (Stage::Counselling, Stage::Ready) => counsellings.push(until - since),
                _ => {}
            }
        }
    }
    Pace {
        waiting: median(waits),
        counselling: median(counsellings),
    }
}

/// Whether the observation after `v`'s drip will likely be the extended
/// one: by the answers once screened; before, for a first visit or a
/// patient who reacted before (the longer one, so no estimate behind it
/// comes too early).
fn likely_extended(v: &Visit, policy: &Policy) -> bool {
    if v.care.screening.is_some() {
        rules::extended_observation(v, policy)
    } else {
        v.history.session <= 1 || !v.history.reactions.is_empty()
    }
}

/// How long `v` will hold a bed once their drip starts: the drip, the
/// observation, the cleaning after.
fn bed_time(v: &Visit, policy: &Policy) -> Option<Duration> {
    let drip = policy.treatment(&v.treatment)?.minutes;
    let obs = if likely_extended(v, policy) {
        policy.observation.extended_minutes
    } else {
        policy.observation.minutes
    };
    Some(minutes(drip) + minutes(obs) + cleaning_allowance(policy))
}

/// The drip patients waiting for a bed, in the order they get one.
pub fn drip_queue<'a>(board: &'a Board, policy: &Policy, now: DateTime<Utc>) -> Vec<&'a Visit> {
    let tz = policy.timezone;
    let today = now.with_timezone(&tz).date_naive();
    let grace = minutes(policy.day_sheet.late_grace_minutes);
    let mut queue: Vec<&Visit> = board
        .visits
        .values()
        .filter(|v| rules::route(v, policy) == Some(Route::Drip))
        .filter(|v| match v.stage {
            Stage::Ready | Stage::Counselling | Stage::Waiting => true,
            Stage::Expected => v
                .expected_at
                .is_some_and(|at| at.with_timezone(&tz).date_naive() == today && at + grace >= now),
            _ => false,
        })
        .collect();
    let rank = |s: Stage| match s {
        Stage::Ready => 0,
        Stage::Counselling => 1,
        Stage::Waiting => 2,
        _ => 3,
    };
    queue.sort_by_key(|v| {
        let since = match v.stage {
            Stage::Expected => v.expected_at.unwrap_or(v.arrived_at),
            _ => v.stage_since,
        };
        (rank(v.stage), since, v.id)
    });
    queue
}

/// When `v` is expected to be ready for the drip, at today's pace.
fn ready_at(v: &Visit, pace: Pace, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    Some(match v.stage {
        Stage::Ready => now,
        Stage::Counselling => (v.stage_since + pace.counselling?).max(now),
        Stage::Waiting => (v.stage_since + pace.waiting?).max(now) + pace.counselling?,
        Stage::Expected => {
            v.expected_at.unwrap_or(v.arrived_at).max(now) + pace.waiting? + pace.counselling?
        }
        _ => return None,
    })
}

/// Every drip patient waiting for a bed, with the estimated start, in the
/// queue's order.
pub fn estimates(board: &Board, policy: &Policy, now: DateTime<Utc>) -> Vec<Estimate> {
    let pace = pace(board, policy, now);
    let mut beds: Vec<(String, Option<DateTime<Utc>>)> = bed_forecast(board, policy, now)
        .into_iter()
        .map(|f| (f.bed, f.free_at))
        .collect();
    let mut out = Vec::new();
    let mut blocked = false;
    for v in drip_queue(board, policy, now) {
        let unknown = Estimate {
            visit: v.id,
            start: None,
            bed: None,
        };
        let (Some(ready), false) = (ready_at(v, pace, now), blocked) else {
            out.push(unknown);
            continue;
        };
        // The bed that frees first (then the first in the config's order).
        let Some(i) = beds
            .iter()
            .enumerate()
            .filter_map(|(i, (_, t))| t.map(|t| (t, i)))
            .min()
            .map(|(_, i)| i)
        else {
            // No bed can be said to free: nobody behind gets a time.
            blocked = true;
            out.push(unknown);
            continue;
        };
        let Some(free) = beds[i].1 else {
            out.push(unknown);
            continue;
        };
        let start = free.max(ready);
        beds[i].1 = bed_time(v, policy).map(|d| start + d);
        out.push(Estimate {
            visit: v.id,
            start: Some(start),
            bed: Some(beds[i].0.clone()),
        });
    }
    out
}

/// The estimates by visit.
pub fn estimates_by_visit(
    board: &Board,
    policy: &Policy,
    now: DateTime<Utc>,
) -> BTreeMap<VisitId, Estimate> {
    estimates(board, policy, now)
        .into_iter()
        .map(|e| (e.visit, e))
        .collect()
}

/// The wait until `start` as a waiting room reads it: whole minutes
/// rounded up to the next 5 (never sooner than the estimate), 0 when it
/// is due now ("soon").
pub fn wait_step(start: DateTime<Utc>, now: DateTime<Utc>) -> u32 {
    let secs = (start - now).num_seconds();
    if secs <= 0 {
        return 0;
    }
    let step = 5 * 60;
    let steps = (secs + step - 1) / step;
    u32::try_from(steps * 5).unwrap_or(u32::MAX)
}
