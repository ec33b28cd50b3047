//! What head office reads from the group's PostgreSQL: visits folded
//! from the shipped events, by the same domain fold as a branch's (so a
//! report over PostgreSQL says what the branch's own report says).
//!
//! Each query finds the visits through an index column (arrival,
//! reaction), reads all their events through (site, visit), folds them,
//! and keeps those the fold puts in the answer (a corrected time is found
//! through either row and decided by the fold). The lot recall reads the
//! rows the shipper folded instead ([`super::lots::trace`]).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use tokio_postgres::Client;
use tokio_postgres::types::ToSql;

use super::GroupError;
use crate::domain::{Visit, VisitId};
use crate::store::LogRow;

/// A visit of one branch.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteVisit {
    pub site: String,
    pub visit: Visit,
}

/// The visits (with all their events) of the (site, visit) pairs that
/// `condition` (over `events`) selects, folded.
async fn visits_where(
    client: &Client,
    condition: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<SiteVisit>, GroupError> {
    // The pairs first, then each visit's events through (site, visit):
    // LATERAL makes it an index lookup per visit found, whatever the
    // planner guesses of their number (never a scan of the whole log).
    let sql = format!(
        "SELECT e.site, e.seq, e.visit, e.operator, e.kind, e.body::text
         FROM (SELECT DISTINCT site, visit FROM events WHERE {condition}) v
         CROSS JOIN LATERAL (
           SELECT site, seq, visit, operator, kind, body FROM events x
           WHERE x.site = v.site AND x.visit = v.visit
         ) e
         ORDER BY e.site, e.visit, e.seq"
    );
    let rows = client.query(sql.as_str(), params).await?;
    let mut by_visit: BTreeMap<(String, i64), Vec<crate::domain::EventRecord>> = BTreeMap::new();
    for row in rows {
        let site: String = row.get(0);
        let seq: i64 = row.get(1);
        let visit: i64 = row.get(2);
        let operator: Option<&str> = row.get(3);
        let kind: &str = row.get(4);
        let body: &str = row.get(5);
        let event = LogRow::event_from_text(
            u64::try_from(seq).unwrap_or(0),
            VisitId(u64::try_from(visit).unwrap_or(0)),
            operator,
            kind,
            body,
        )
        .map_err(|e| GroupError::Log(format!("event {site}/{seq} cannot be read: {e}")))?;
        by_visit.entry((site, visit)).or_default().push(event);
    }
    Ok(by_visit
        .into_iter()
        .filter_map(|((site, _), events)| {
            Visit::from_events(events).map(|visit| SiteVisit { site, visit })
        })
        .collect())
}

/// Every visit that arrived (or was expected) in `[from, to)`, in every
/// branch, by site then arrival.
pub async fn visits_between(
    client: &Client,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<SiteVisit>, GroupError> {
    let mut visits = visits_where(
        client,
        // A visit's arrival is always one of its rows' `arrival` (the
        // arrival, the booking, the check-in, a corrected time): the
        // exact range finds every visit the fold puts in it.
        "arrival >= $1 AND arrival < $2",
        &[&from, &to],
    )
    .await?;
    visits.retain(|v| v.visit.arrived_at >= from && v.visit.arrived_at < to);
    visits.sort_by_key(|v| (v.site.clone(), v.visit.arrived_at, v.visit.id));
    Ok(visits)
}

/// The visits with a reaction recorded near `[from, to)` (the rows are
/// cut to the range by the caller's report).
pub async fn visits_with_reactions(
    client: &Client,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<SiteVisit>, GroupError> {
    visits_where(
        client,
        "reaction AND at >= $1::timestamptz - interval '1 day' AND at < $2::timestamptz + interval '1 day'",
        &[&from, &to],
    )
    .await
}

/// A site's shipping state as PostgreSQL holds it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SiteRow {
    pub site: String,
    pub last_seq: i64,
    pub last_event_at: Option<DateTime<Utc>>,
    pub last_contact: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// The site's lot rows are complete up to this event (below
    /// `last_seq`: an older flowboard shipped the rest without them).
    pub folded_seq: i64,
}

/// Every site that has shipped, by name.
pub async fn sites(client: &Client) -> Result<Vec<SiteRow>, GroupError> {
    let rows = client
        .query(
            "SELECT site, last_seq, last_event_at, last_contact, last_error, folded_seq FROM sites ORDER BY site",
            &[],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| SiteRow {
            site: r.get(0),
            last_seq: r.get(1),
            last_event_at: r.get(2),
            last_contact: r.get(3),
            last_error: r.get(4),
            folded_seq: r.get(5),
        })
        .collect())
}
