//! Nurses' caseloads: who watches whom now, and whether one nurse has more
//! drips at once than the clinic allows (DOMAIN.md "During a drip and
//! after it": infusion centres plan around about three patients per nurse
//! at any one time; a warning when one nurse has more than 3 drips
//! running).
//!
//! A patient's nurse is the plan's, or the last reassignment's
//! (`Care::nurse`). A drip counts from its start until the needle is out,
//! paused or not: the nurse still watches it.

use serde::{Deserialize, Serialize};

use super::model::{Board, Route, Stage, Visit, VisitId};
use super::policy::Policy;
use super::rules;

/// One nurse's patients now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caseload {
    pub nurse: String,
    /// The nurse's initials on the staff list, when they are on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initials: Option<String>,
    /// In administration (drips and injections), longest first.
    pub administration: Vec<VisitId>,
    /// In observation, longest first.
    pub observation: Vec<VisitId>,
    /// Drips running (paused ones included).
    pub drips: u32,
    /// More drips than `caseload.max_drips_per_nurse`.
    pub over: bool,
}

/// Whether `v` is a drip in administration (paused or not).
pub fn is_running_drip(v: &Visit, policy: &Policy) -> bool {
    v.stage == Stage::Administration && rules::route(v, policy) == Some(Route::Drip)
}

/// The initials the staff list gives a nurse's recorded name.
pub fn initials<'a>(policy: &'a Policy, nurse: &str) -> Option<&'a str> {
    policy
        .staff
        .iter()
        .find(|s| s.name == nurse || s.initials == nurse)
        .map(|s| s.initials.as_str())
}

/// Every nurse with a patient in administration or observation now, in
/// the staff list's order (then by name for nurses not on it).
pub fn caseloads(board: &Board, policy: &Policy) -> Vec<Caseload> {
    let mut out: Vec<Caseload> = Vec::new();
    let mut visits: Vec<&Visit> = board
        .visits
        .values()
        .filter(|v| matches!(v.stage, Stage::Administration | Stage::Observation))
        .collect();
    visits.sort_by_key(|v| (v.stage_since, v.id));
    for v in visits {
        let Some(nurse) = v.care.nurse() else {
            continue;
        };
        let i = match out.iter().position(|c| c.nurse == nurse) {
            Some(i) => i,
            None => {
                out.push(Caseload {
                    nurse: nurse.to_string(),
                    initials: initials(policy, nurse).map(str::to_string),
                    administration: Vec::new(),
                    observation: Vec::new(),
                    drips: 0,
                    over: false,
                });
                out.len() - 1
            }
        };
        let c = &mut out[i];
        if v.stage == Stage::Administration {
            c.administration.push(v.id);
        } else {
            c.observation.push(v.id);
        }
        if is_running_drip(v, policy) {
            c.drips += 1;
        }
    }
    for c in &mut out {
        c.over = c.drips > policy.caseload.max_drips_per_nurse;
    }
    let rank = |c: &Caseload| {
        policy
            .staff
            .iter()
            .position(|s| s.name == c.nurse || s.initials == c.nurse)
            .unwrap_or(usize::MAX)
    };
    out.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.nurse.cmp(&b.nurse)));
    out
}

/// What starting `visit`'s drip now would do to its nurse's caseload, if
/// it takes them over the limit: the nurse and how many drips they would
/// watch at once. The start form says so before it happens.
pub fn over_after_start(board: &Board, policy: &Policy, visit: VisitId) -> Option<(String, u32)> {
    let v = board.visit(visit)?;
    if v.stage == Stage::Administration || rules::route(v, policy) != Some(Route::Drip) {
        return None;
    }
    let nurse = v.care.nurse()?;
    over_with(board, policy, nurse, visit)
}

/// What giving `visit` to `nurse` would do to that nurse's drips, if it
/// takes them over the limit (the reassignment form says so).
pub fn over_after_reassign(
    board: &Board,
    policy: &Policy,
    visit: VisitId,
    nurse: &str,
) -> Option<(String, u32)> {
    let v = board.visit(visit)?;
    if !is_running_drip(v, policy) {
        return None;
    }
    over_with(board, policy, nurse, visit)
}

fn over_with(board: &Board, policy: &Policy, nurse: &str, visit: VisitId) -> Option<(String, u32)> {
    let drips = board
        .visits
        .values()
        .filter(|o| o.id != visit && is_running_drip(o, policy) && o.care.nurse() == Some(nurse))
        .count() as u32
        + 1;
    (drips > policy.caseload.max_drips_per_nurse).then(|| (nurse.to_string(), drips))
}

/// Why a change of `before` into `after` needs a confirmation, when it
/// takes a nurse over `caseload.max_drips_per_nurse`: a drip started, or a
/// running drip given to another nurse (a reassignment, a corrected plan).
/// The caseload alert stands while it lasts.
pub fn over_limit(board: &Board, policy: &Policy, before: &Visit, after: &Visit) -> Option<String> {
    if !is_running_drip(after, policy) {
        return None;
    }
    let nurse = after.care.nurse()?;
    if is_running_drip(before, policy) && before.care.nurse() == Some(nurse) {
        return None;
    }
    let (nurse, drips) = over_with(board, policy, nurse, after.id)?;
    Some(format!(
        "{}'s drip would give {nurse} {drips} drips at once (the limit is {})",
        after.name, policy.caseload.max_drips_per_nurse
    ))
}
