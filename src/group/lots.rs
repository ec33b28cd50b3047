//! The group's lot rows: one row per administered visit per site, derived
//! from the shipped events by the branch's own domain fold, so a lot
//! recall reads one row per administration (an index lookup by lot)
//! instead of folding every event of every visit.
//!
//! `administrations` (schema version 2):
//!
//! | column | what                                                        |
//! |--------|-------------------------------------------------------------|
//! | `site`, `visit` | primary key                                        |
//! | `seq`  | the visit's last event folded into the row                  |
//! | `lot`  | the lot given, by its matching key (indexed); NULL: the     |
//! |        | fold gives no administration of a lot (undone, corrected    |
//! |        | away to no lot): the row stays, so its `seq` never goes back|
//! | `at`   | when administration started                                 |
//! | `row`  | the [`Administration`] as JSON (patient, chart number, dose |
//! |        | planned and given, early stop, nurse, reactions)            |
//!
//! The rows are a cache of the log: [`refold`] recomputes a visit's row
//! from the events PostgreSQL holds for it, always whole. The shipper
//! calls it in each batch's transaction for the visits the batch touches
//! (PostgreSQL never holds events without their rows, nor the reverse),
//! the migration that created the table fills it for what was shipped
//! before ([`catch_up`]), and `sites.folded_seq` says up to which event
//! of each site the rows are complete (a branch still running an older
//! flowboard ships events without rows: its next new shipper folds them).
//!
//! Idempotent: a row is replaced only by the fold of a later event of its
//! visit (`WHERE administrations.seq < EXCLUDED.seq`); a retried batch
//! folds the same events into the same row and changes nothing. A branch
//! role may INSERT and UPDATE its own site's rows, never DELETE (README).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;

use super::GroupError;
use crate::domain::{EventRecord, Visit, VisitId};
use crate::report::Administration;
use crate::store::LogRow;

/// How many visits one refold reads at a time (catching up, migrating).
const CHUNK: usize = 1000;

/// A visit's row as the fold says it.
#[derive(Debug, Clone, PartialEq)]
pub struct Folded {
    pub visit: i64,
    /// The visit's last event folded.
    pub seq: i64,
    pub administration: Option<Administration>,
}

/// The row key of a lot: the branch's own matching key (case, full-width
/// forms and spaces do not matter), so `group trace-lot` finds what each
/// branch's `trace-lot` finds.
pub fn lot_key(number: &str) -> String {
    crate::domain::text::lot_key(number)
}

/// Folds each visit from its events (in order of seq), its row.
pub fn fold(visit: i64, events: Vec<EventRecord>) -> Folded {
    let seq = events
        .last()
        .map_or(0, |e| i64::try_from(e.seq).unwrap_or(i64::MAX));
    Folded {
        visit,
        seq,
        administration: Visit::from_events(events)
            .as_ref()
            .and_then(Administration::of),
    }
}

/// Recomputes the rows of `visits` of `site` from the events PostgreSQL
/// holds for them up to `upto`, and writes them (on `db`: the caller's
/// transaction). Only visits with an event naming a lot (the `lot`
/// column: a start of administration, a correction of the lot) can have
/// a row: the others are not read further. Returns the rows written.
pub async fn refold(
    db: &impl GenericClient,
    site: &str,
    visits: &[i64],
    upto: i64,
) -> Result<usize, GroupError> {
    if visits.is_empty() {
        return Ok(0);
    }
    let rows = db
        .query(
            "SELECT visit, seq, operator, kind, body::text, lot IS NOT NULL
             FROM events
             WHERE site = $1 AND visit = ANY($2) AND seq <= $3
             ORDER BY visit, seq",
            &[&site, &visits, &upto],
        )
        .await?;
    // Each visit's rows, and whether any names a lot (read only then).
    let mut by_visit: BTreeMap<i64, (bool, Vec<tokio_postgres::Row>)> = BTreeMap::new();
    for row in rows {
        let entry = by_visit.entry(row.get(0)).or_default();
        entry.0 |= row.get::<_, bool>(5);
        entry.1.push(row);
    }
    let mut folded = Vec::new();
    for (visit, (has_lot, rows)) in by_visit {
        if !has_lot {
            continue;
        }
        let mut events = Vec::with_capacity(rows.len());
        for row in rows {
            let seq: i64 = row.get(1);
            let event = LogRow::event_from_text(
                u64::try_from(seq).unwrap_or(0),
                VisitId(u64::try_from(visit).unwrap_or(0)),
                row.get(2),
                row.get(3),
                row.get(4),
            )
            .map_err(|e| GroupError::Log(format!("event {site}/{seq} cannot be read: {e}")))?;
            events.push(event);
        }
        folded.push(fold(visit, events));
    }
    write(db, site, &folded).await?;
    Ok(folded.len())
}

/// Writes the rows, each only over an older fold of its visit.
async fn write(db: &impl GenericClient, site: &str, rows: &[Folded]) -> Result<(), GroupError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut visit = Vec::with_capacity(rows.len());
    let mut seq = Vec::with_capacity(rows.len());
    let mut lot: Vec<Option<String>> = Vec::with_capacity(rows.len());
    let mut at: Vec<Option<DateTime<Utc>>> = Vec::with_capacity(rows.len());
    let mut json: Vec<Option<String>> = Vec::with_capacity(rows.len());
    for r in rows {
        visit.push(r.visit);
        seq.push(r.seq);
        lot.push(r.administration.as_ref().map(|a| lot_key(&a.lot)));
        at.push(r.administration.as_ref().and_then(|a| a.at));
        json.push(match &r.administration {
            Some(a) => Some(
                serde_json::to_string(a)
                    .map_err(|e| GroupError::Log(format!("a lot row: {e}")))?
                    // PostgreSQL's jsonb holds no NUL (the events it was
                    // folded from hold none: see the shipper).
                    .replace("\\u0000", "\\uFFFD"),
            ),
            None => None,
        });
    }
    db.execute(
        "INSERT INTO administrations (site, visit, seq, lot, at, row)
         SELECT $1, u.visit, u.seq, u.lot, u.at, u.row::jsonb
         FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::timestamptz[], $6::text[])
           AS u(visit, seq, lot, at, row)
         ON CONFLICT (site, visit) DO UPDATE SET
           seq = EXCLUDED.seq, lot = EXCLUDED.lot, at = EXCLUDED.at, row = EXCLUDED.row
         WHERE administrations.seq < EXCLUDED.seq",
        &[&site, &visit, &seq, &lot, &at, &json],
    )
    .await?;
    Ok(())
}

/// Brings `site`'s rows up to `upto`: refolds every visit an event after
/// `after` (up to `upto`) touches, then records `upto` as the site's
/// `folded_seq` (when the rows were complete up to `after`). `progress`
/// hears the visits done and their number.
pub async fn catch_up(
    db: &impl GenericClient,
    site: &str,
    after: i64,
    upto: i64,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<(), GroupError> {
    let visits: Vec<i64> = db
        .query(
            "SELECT DISTINCT visit FROM events WHERE site = $1 AND seq > $2 AND seq <= $3 ORDER BY visit",
            &[&site, &after, &upto],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut done = 0;
    for chunk in visits.chunks(CHUNK) {
        refold(db, site, chunk, upto).await?;
        done += chunk.len();
        progress(done, visits.len());
    }
    db.execute(
        "INSERT INTO sites (site, last_seq, folded_seq) VALUES ($1, $2::bigint, $2::bigint)
         ON CONFLICT (site) DO UPDATE SET folded_seq = GREATEST(sites.folded_seq, $2::bigint)
         WHERE sites.folded_seq >= $3::bigint",
        &[&site, &upto, &after],
    )
    .await?;
    Ok(())
}

/// Fills the rows of everything shipped before the table existed (the
/// migration that creates it, on its transaction): every site, from its
/// first event to its last. `progress` hears a line per step.
pub async fn fill(
    db: &impl GenericClient,
    progress: &mut (dyn FnMut(&str) + Send),
) -> Result<(), GroupError> {
    let sites: Vec<String> = db
        .query("SELECT site FROM sites ORDER BY site", &[])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for (n, site) in sites.iter().enumerate() {
        let upto: i64 = db
            .query_one(
                "SELECT coalesce(max(seq), 0) FROM events WHERE site = $1",
                &[site],
            )
            .await?
            .get(0);
        let mut last = std::time::Instant::now();
        let mut report = |done: usize, total: usize| {
            if done == total || last.elapsed().as_secs() >= 2 {
                last = std::time::Instant::now();
                progress(&format!(
                    "lot rows: site {site} ({} of {}): {done} of {total} visits folded ({upto} events)",
                    n + 1,
                    sites.len()
                ));
            }
        };
        catch_up(db, site, 0, upto, &mut report).await?;
    }
    Ok(())
}

/// A site whose lot rows lag its events (shipped by an older flowboard).
#[derive(Debug, Clone, PartialEq)]
pub struct Unfolded {
    pub site: String,
    pub folded_seq: i64,
    pub last_seq: i64,
}

/// Every administration of `lot` in every branch, in order of
/// administration (then site), and the sites whose rows are not complete.
pub async fn trace(
    db: &impl GenericClient,
    lot: &str,
) -> Result<(Vec<(String, Administration)>, Vec<Unfolded>), GroupError> {
    let rows = db
        .query(
            "SELECT site, row::text FROM administrations WHERE lot = $1 ORDER BY at, site, visit",
            &[&lot_key(lot)],
        )
        .await?;
    let mut found = Vec::with_capacity(rows.len());
    for row in rows {
        let site: String = row.get(0);
        let text: &str = row.get(1);
        let a: Administration = serde_json::from_str(text).map_err(|e| {
            GroupError::Log(format!("a lot row of site {site} cannot be read: {e}"))
        })?;
        found.push((site, a));
    }
    let unfolded = db
        .query(
            "SELECT site, folded_seq, last_seq FROM sites WHERE folded_seq < last_seq ORDER BY site",
            &[],
        )
        .await?
        .iter()
        .map(|r| Unfolded {
            site: r.get(0),
            folded_seq: r.get(1),
            last_seq: r.get(2),
        })
        .collect();
    Ok((found, unfolded))
}
