//! The shipper: a background task of the branch server that ships the
//! branch's event log to the group's PostgreSQL.
//!
//! * In order, in batches: each batch is the next events after the
//!   highest sequence number PostgreSQL holds for the site, contiguous,
//!   inserted in one transaction with the site's row (`sites`) and a
//!   NOTIFY. A batch is all or nothing, so what PostgreSQL holds for a
//!   site is always 1 ..= its highest: no gap.
//! * Idempotently: `INSERT ... ON CONFLICT (site, seq) DO NOTHING`, and
//!   every (re)connection resumes from `max(seq)` for the site: a batch
//!   retried after a crash inserts nothing twice.
//! * Never in a command's way: the writer only raises a watch value after
//!   its flush (it never waits); the shipper reads the log from sled on a
//!   blocking thread beside it. Only events the writer has flushed are
//!   shipped. When PostgreSQL cannot be reached the shipper retries with
//!   backoff (1 s doubling to 60 s) and the backlog waits in sled.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::{GroupError, Target, lots, schema};
use crate::config::Group;
use crate::domain::EventRecord;
use crate::protocol::ShippingBehind;
use crate::store::{EventStore, LogRow};

/// What the shipper knows, for `flowboard group status` and the board's
/// header.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShipStatus {
    pub site: String,
    /// Whether the last attempt reached PostgreSQL.
    pub connected: bool,
    /// The highest sequence number PostgreSQL holds for the site (as far
    /// as this server knows).
    pub shipped_seq: u64,
    /// When the last shipped event was recorded here.
    pub shipped_recorded_at: Option<DateTime<Utc>>,
    /// The highest sequence number durable in the branch's store.
    pub durable_seq: u64,
    /// When the oldest event not yet shipped was recorded (none: all is
    /// shipped).
    pub oldest_unshipped: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
    /// The header's threshold (`[group] warn_behind_minutes`).
    pub warn_behind_minutes: u32,
}

impl ShipStatus {
    /// How long the oldest unshipped event has waited, at `now`.
    pub fn lag(&self, now: DateTime<Utc>) -> chrono::Duration {
        self.oldest_unshipped.map_or(chrono::Duration::zero(), |t| {
            (now - t).max(chrono::Duration::zero())
        })
    }

    /// Whether the board's header should warn at `now`.
    pub fn behind(&self, now: DateTime<Utc>) -> bool {
        self.lag(now) > chrono::Duration::minutes(i64::from(self.warn_behind_minutes))
    }
}

/// The shipper's state, shared with the server's queries.
pub type SharedStatus = Arc<Mutex<ShipStatus>>;

/// What a running shipper shows: its status (for `group status`) and
/// whether it is behind (for every board's header; changes rarely).
#[derive(Clone)]
pub struct Shipping {
    pub status: SharedStatus,
    pub behind: watch::Receiver<Option<ShippingBehind>>,
}

const BACKOFF_MIN: Duration = Duration::from_secs(1);
/// How long a caught-up shipper waits after the first new event before it
/// ships, so that the events of a burst of commands make one batch.
const COALESCE: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(60);

/// Starts the shipper on the current runtime. `durable` is the highest
/// sequence number the writer has flushed.
pub fn start<S: EventStore>(
    store: Arc<S>,
    group: &Group,
    durable: watch::Receiver<u64>,
) -> Shipping {
    let status = Arc::new(Mutex::new(ShipStatus {
        site: group.site.clone(),
        durable_seq: *durable.borrow(),
        warn_behind_minutes: group.warn_behind_minutes,
        ..ShipStatus::default()
    }));
    let (behind_tx, behind) = watch::channel(None);
    let shipper = Shipper {
        behind: behind_tx,
        store,
        target: Target::from(group),
        site: group.site.clone(),
        batch: group.batch as usize,
        durable,
        status: Arc::clone(&status),
        reached: false,
    };
    tokio::spawn(shipper.run());
    Shipping { status, behind }
}

struct Shipper<S> {
    store: Arc<S>,
    target: Target,
    site: String,
    batch: usize,
    durable: watch::Receiver<u64>,
    status: SharedStatus,
    behind: watch::Sender<Option<ShippingBehind>>,
    /// Whether the current session reached PostgreSQL.
    reached: bool,
}

impl<S: EventStore> Shipper<S> {
    fn update(&self, f: impl FnOnce(&mut ShipStatus)) {
        let now = Utc::now();
        let behind = match self.status.lock() {
            Ok(mut s) => {
                f(&mut s);
                match s.oldest_unshipped {
                    Some(since) if s.behind(now) => Some(ShippingBehind {
                        site: s.site.clone(),
                        since,
                    }),
                    _ => None,
                }
            }
            Err(_) => return,
        };
        // Told only when it turns (behind, caught up): never per command
        // nor per batch; while draining, the header keeps the first
        // `since` (the oldest event when it fell behind).
        self.behind.send_if_modified(|now| {
            if now.is_some() == behind.is_some() {
                false
            } else {
                *now = behind;
                true
            }
        });
    }

    async fn run(mut self) {
        let mut backoff = BACKOFF_MIN;
        let mut logged: Option<String> = None;
        loop {
            match self.session().await {
                Ok(()) => return, // the server is stopping
                Err(e) => {
                    if std::mem::take(&mut self.reached) {
                        backoff = BACKOFF_MIN;
                        logged = None;
                    }
                    let line = e.line();
                    // Logged once per kind of failure, not at every retry.
                    if logged.as_deref() != Some(line.as_str()) {
                        tracing::warn!(
                            "group: shipping to PostgreSQL failed: {line}; retrying (the backlog waits in the branch's database)"
                        );
                        logged = Some(line.clone());
                    }
                    self.update(|s| {
                        s.connected = false;
                        s.last_error = Some(line);
                        s.last_error_at = Some(Utc::now());
                    });
                    self.refresh_backlog(None).await;
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(BACKOFF_MAX);
                }
            }
        }
    }

    /// One connection: resume, then ship as the writer flushes. Ok only
    /// when the server stops (the watch closes).
    async fn session(&mut self) -> Result<(), GroupError> {
        let mut client = super::connect(&self.target, &format!("flowboard-{}", self.site)).await?;
        schema::ensure(&mut client).await?;
        let resumed: i64 = client
            .query_one(
                "SELECT coalesce(max(seq), 0) FROM events WHERE site = $1",
                &[&self.site],
            )
            .await?
            .get(0);
        let mut shipped = u64::try_from(resumed).unwrap_or(0);
        self.catch_up(&mut client, resumed).await?;
        tracing::info!(
            "group: connected as site {}, PostgreSQL holds its events up to {shipped}",
            self.site
        );
        self.reached = true;
        self.update(|s| {
            s.connected = true;
            s.shipped_seq = shipped;
        });
        loop {
            let durable = *self.durable.borrow_and_update();
            if shipped > durable {
                let error = GroupError::Log(format!(
                    "PostgreSQL holds events up to {shipped} for site {}, but this branch's log ends at {durable}: the branch's database is older than what it shipped (restored from an old backup?); nothing more is shipped until that is resolved",
                    self.site
                ));
                // Head office sees it in `group status` too.
                let _ = client
                    .execute(
                        "UPDATE sites SET last_error = $2, error_at = now() WHERE site = $1",
                        &[&self.site, &error.line()],
                    )
                    .await;
                return Err(error);
            }
            if shipped == durable {
                self.refresh_backlog(Some(shipped)).await;
                if self.durable.changed().await.is_err() {
                    return Ok(());
                }
                // The commands of a busy moment go in one batch: the
                // shipper wakes at most every `COALESCE` while the branch
                // is busy, not at every command (its CPU on a small
                // clinic PC is the commands' too); the header warns of
                // minutes behind, so this wait is never seen.
                // `group status` counts the new events as waiting meanwhile.
                self.refresh_backlog(Some(shipped)).await;
                tokio::time::sleep(COALESCE).await;
                continue;
            }
            // One more than the batch: the first event left after it is
            // the oldest unshipped once the batch is in.
            let mut events = self.read(shipped, durable).await?;
            let next = if events.len() > self.batch {
                events.pop()
            } else {
                None
            };
            let Some(last) = events.last() else {
                continue;
            };
            let (last_seq, last_at) = (last.seq, last.recorded_at);
            ship_batch(&mut client, &self.site, &events).await?;
            // Nothing awaited between the commit and the status: `group
            // status` at the branch says what PostgreSQL holds.
            shipped = last_seq;
            self.update(|s| {
                s.shipped_seq = last_seq;
                s.shipped_recorded_at = Some(last_at);
                s.durable_seq = durable;
                s.oldest_unshipped = next.map(|e| e.recorded_at);
                s.last_error = None;
            });
        }
    }

    /// Folds the lot rows of events PostgreSQL holds for the site but has
    /// no rows for (shipped by an older flowboard after the lot rows were
    /// created), before shipping more.
    async fn catch_up(
        &self,
        client: &mut tokio_postgres::Client,
        upto: i64,
    ) -> Result<(), GroupError> {
        let tx = client.transaction().await?;
        let folded: i64 = tx
            .query_opt(
                "SELECT folded_seq FROM sites WHERE site = $1 FOR UPDATE",
                &[&self.site],
            )
            .await?
            .map_or(0, |r| r.get(0));
        if folded >= upto {
            return Ok(());
        }
        tracing::info!(
            "group: folding the lot rows of site {}'s events {} to {upto} (shipped without them)",
            self.site,
            folded + 1
        );
        lots::catch_up(&tx, &self.site, folded, upto, &mut |_, _| {}).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The next events after `shipped` (a batch and one), up to
    /// `durable`, contiguous.
    async fn read(&self, shipped: u64, durable: u64) -> Result<Vec<EventRecord>, GroupError> {
        let store = Arc::clone(&self.store);
        let batch = self.batch + 1;
        let mut events = tokio::task::spawn_blocking(move || store.events_after(shipped, batch))
            .await
            .map_err(|e| GroupError::Log(format!("reading the log: {e}")))??;
        events.retain(|e| e.seq <= durable);
        for (i, e) in events.iter().enumerate() {
            if e.seq != shipped + 1 + i as u64 {
                return Err(GroupError::Log(format!(
                    "the branch's log jumps from {} to {}: run `flowboard verify`",
                    shipped + i as u64,
                    e.seq
                )));
            }
        }
        Ok(events)
    }

    /// When the first event after `seq` was recorded.
    async fn oldest_after(&self, seq: u64) -> Option<DateTime<Utc>> {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || store.events_after(seq, 1))
            .await
            .ok()
            .and_then(Result::ok)
            .and_then(|e| e.first().map(|e| e.recorded_at))
    }

    /// Updates the backlog figures: what is durable, and when the oldest
    /// unshipped event was recorded.
    async fn refresh_backlog(&self, shipped: Option<u64>) {
        let durable = *self.durable.borrow();
        let shipped =
            shipped.unwrap_or_else(|| self.status.lock().map(|s| s.shipped_seq).unwrap_or(0));
        let oldest = if shipped >= durable {
            None
        } else {
            self.oldest_after(shipped).await
        };
        self.update(|s| {
            s.durable_seq = durable;
            s.oldest_unshipped = oldest;
        });
    }
}

/// Inserts `events` for `site` in one transaction, with the site's row
/// and a NOTIFY; an event PostgreSQL already holds is left as it is.
pub async fn ship_batch(
    client: &mut tokio_postgres::Client,
    site: &str,
    events: &[EventRecord],
) -> Result<(), GroupError> {
    let mut cols = Columns::default();
    for e in events {
        cols.push(site, e)?;
    }
    let tx = client.transaction().await?;
    tx.execute(
        "INSERT INTO events (site, seq, visit, at, recorded_at, operator, kind, body, lot, chart_no, arrival, reaction)
         SELECT $1, u.seq, u.visit, u.at, u.recorded_at, u.operator, u.kind, u.body::jsonb, u.lot, u.chart_no, u.arrival, u.reaction
         FROM unnest($2::bigint[], $3::bigint[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::boolean[])
           AS u(seq, visit, at, recorded_at, operator, kind, body, lot, chart_no, arrival, reaction)
         ON CONFLICT (site, seq) DO NOTHING",
        &[
            &site,
            &cols.seq,
            &cols.visit,
            &cols.at,
            &cols.recorded_at,
            &cols.operator,
            &cols.kind,
            &cols.body,
            &cols.lot,
            &cols.chart_no,
            &cols.arrival,
            &cols.reaction,
        ],
    )
    .await?;
    let first_seq = cols.seq.first().copied().unwrap_or(0);
    let last_seq = cols.seq.last().copied().unwrap_or(0);
    let last_at = cols.recorded_at.last().copied();
    // The lot rows of the visits the batch touches, folded from what
    // PostgreSQL now holds of them (this transaction's events included).
    let mut visits = cols.visit.clone();
    visits.sort_unstable();
    visits.dedup();
    lots::refold(&tx, site, &visits, last_seq).await?;
    // The rows are complete up to this batch when they were up to the
    // event before it (a gap left by an older shipper is caught up at
    // the next connection: `Shipper::session`).
    tx.execute(
        "INSERT INTO sites (site, last_seq, last_event_at, last_contact, last_error, folded_seq)
         VALUES ($1, $2::bigint, $3, now(), NULL, CASE WHEN $4::bigint <= 1 THEN $2::bigint ELSE 0 END)
         ON CONFLICT (site) DO UPDATE SET
           last_seq = GREATEST(sites.last_seq, EXCLUDED.last_seq),
           last_event_at = EXCLUDED.last_event_at,
           last_contact = now(),
           last_error = NULL,
           folded_seq = CASE WHEN sites.folded_seq >= $4::bigint - 1
             THEN GREATEST(sites.folded_seq, $2::bigint) ELSE sites.folded_seq END",
        &[&site, &last_seq, &last_at, &first_seq],
    )
    .await?;
    tx.execute("SELECT pg_notify($1, $2)", &[&schema::CHANNEL, &site])
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A batch as columns (one array per column).
#[derive(Default)]
struct Columns {
    seq: Vec<i64>,
    visit: Vec<i64>,
    at: Vec<DateTime<Utc>>,
    recorded_at: Vec<DateTime<Utc>>,
    operator: Vec<Option<String>>,
    kind: Vec<String>,
    body: Vec<String>,
    lot: Vec<Option<String>>,
    chart_no: Vec<Option<String>>,
    arrival: Vec<Option<DateTime<Utc>>>,
    reaction: Vec<bool>,
}

impl Columns {
    fn push(&mut self, site: &str, e: &EventRecord) -> Result<(), GroupError> {
        let row = LogRow::of(site, e).map_err(|e| GroupError::Log(e.to_string()))?;
        let big = |n: u64| i64::try_from(n).map_err(|_| GroupError::Log(format!("{n} is too big")));
        self.seq.push(big(row.seq)?);
        self.visit.push(big(row.visit.0)?);
        self.at.push(row.at);
        self.recorded_at.push(row.recorded_at);
        // PostgreSQL's text holds no NUL: the domain's text cleaning
        // removes control characters, so this only guards old records.
        let clean = |s: String| s.replace('\0', "\u{FFFD}");
        self.operator.push(row.operator.map(clean));
        self.kind.push(row.kind);
        self.body
            .push(row.body.to_string().replace("\\u0000", "\\uFFFD"));
        self.lot.push(LogRow::lot(e).map(clean));
        self.chart_no.push(LogRow::chart_no(e).map(clean));
        self.arrival.push(LogRow::arrival(e));
        self.reaction.push(LogRow::reaction(e));
        Ok(())
    }
}
