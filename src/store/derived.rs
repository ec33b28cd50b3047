//! What the store derives from a visit and keeps beside it, in the same
//! transaction: its index keys, its row in the patient history, its rows
//! in the reaction report. A pure function of the visit, recomputed whole
//! whenever it changes: the rows of the visit as it was stored before go
//! in the same transaction.
//!
//! Index keys (no values), each ending in the visit id where noted:
//! * `t` + arrival instant + id — visits by day (reports, export, the
//!   working window at start);
//! * `l` + lot number + 0 + start of administration + id — a lot's
//!   administrations in order;
//! * `o` + id — visits still in the clinic (the working window keeps them
//!   whenever they arrived).
//!
//! History rows: chart number + 0 + id -> `ChartVisit` (JSON).
//! Reaction rows: when it happened + id + reaction number (u16) ->
//! `ReactionRow` (JSON).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{ChartVisit, Visit, VisitId};
use crate::report::{self, ReactionRow};

pub const BY_ARRIVAL: u8 = b't';
pub const BY_LOT: u8 = b'l';
pub const OPEN: u8 = b'o';

/// The keys a visit has in the derived trees.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VisitKeys {
    pub index: Vec<Vec<u8>>,
    #[serde(default)]
    pub history: Option<Vec<u8>>,
    #[serde(default)]
    pub reactions: Vec<Vec<u8>>,
}

/// Everything derived from one visit: keys and the values that go with
/// them.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    pub keys: VisitKeys,
    pub history: Option<ChartVisit>,
    pub reactions: Vec<ReactionRow>,
}

impl Derived {
    pub fn of(v: &Visit) -> Derived {
        let id = v.id.0.to_be_bytes();
        let mut index = Vec::with_capacity(3);
        let mut t = vec![BY_ARRIVAL];
        t.extend_from_slice(&instant_key(v.arrived_at));
        t.extend_from_slice(&id);
        index.push(t);
        if let Some(lot) = &v.care.lot {
            index.push(lot_key(
                &lot.number,
                v.care.administration_started,
                Some(v.id),
            ));
        }
        if v.stage.is_active() {
            let mut o = vec![OPEN];
            o.extend_from_slice(&id);
            index.push(o);
        }
        let history = v.chart_no.as_ref().map(|chart| {
            let mut key = chart_prefix(chart);
            key.extend_from_slice(&id);
            key
        });
        let reactions = report::reactions(std::slice::from_ref(v));
        let reaction_keys = reactions
            .iter()
            .enumerate()
            .map(|(n, row)| {
                let mut key = instant_key(row.at).to_vec();
                key.extend_from_slice(&id);
                key.extend_from_slice(&(n as u16).to_be_bytes());
                key
            })
            .collect();
        Derived {
            keys: VisitKeys {
                index,
                history,
                reactions: reaction_keys,
            },
            history: v.chart_no.as_ref().map(|_| ChartVisit::of(v)),
            reactions,
        }
    }
}

/// An instant as 8 bytes that sort like time.
pub fn instant_key(t: DateTime<Utc>) -> [u8; 8] {
    ((t.timestamp_millis() as u64) ^ (1 << 63)).to_be_bytes()
}

/// `l` + lot + 0, then (when given) the start of administration and the id.
/// The lot by its matching key (upper case, half-width, no spaces), so
/// `ex 2611-07` finds what was stored as `EX2611-07`, whenever stored.
pub fn lot_key(lot: &str, started: Option<DateTime<Utc>>, id: Option<VisitId>) -> Vec<u8> {
    let mut key = vec![BY_LOT];
    key.extend_from_slice(crate::domain::text::lot_key(lot).as_bytes());
    key.push(0);
    if let Some(id) = id {
        key.extend_from_slice(&instant_key(started.unwrap_or(DateTime::<Utc>::MIN_UTC)));
        key.extend_from_slice(&id.0.to_be_bytes());
    }
    key
}

/// The prefix of a chart number's rows in the history tree.
pub fn chart_prefix(chart: &str) -> Vec<u8> {
    let mut key = chart.as_bytes().to_vec();
    key.push(0);
    key
}

/// The visit id at the end of an index key (`t`, `l` and `o` keys).
pub fn id_at_end(key: &[u8]) -> Option<[u8; 8]> {
    key.len()
        .checked_sub(8)
        .and_then(|at| key[at..].try_into().ok())
}
