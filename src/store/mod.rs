//! The sled store: an append-only event log, the materialised visits and
//! what is derived from them, written in one transaction and flushed
//! before a command is acknowledged.
//!
//! Trees (schema version 4):
//! * `log_pages`  — the event log, the truth: page n (big-endian u64) ->
//!   the events with sequence numbers 64n+1 ..= 64n+64, one JSON line
//!   each, in order (pages, not one key per event: sled keeps a page
//!   table in memory and reads it at every start, so the number of keys
//!   is what a start and an idle server cost);
//! * `visits`     — big-endian u64 visit id -> visit as folded (JSON);
//! * `index`      — lookup keys, no values (see `derived`): visits by
//!   arrival, a lot's administrations, visits still in the clinic;
//! * `history`    — chart number + 0 + visit id -> what a later visit of
//!   the patient needs to know (`ChartVisit`);
//! * `reactions`  — when + visit id + n -> a row of the reaction report;
//!
//! A changed visit's old derived rows are those of the visit as stored
//! before the change (read in the same transaction), so they go with it.
//! * `meta`       — `schema_version` (u32 BE), `last_seq` (u64 BE).
//!
//! The log is the truth; everything else is derived from it and `verify`
//! proves they agree. A start reads only the working window (through the
//! index), never every stored visit; the records queries read their range
//! through the index, a page at a time.

mod derived;
mod log;
mod migrate;
pub mod shape;
#[cfg(test)]
mod tests;

use std::ops::Bound;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::{Transactional, Tree};

use crate::domain::{Board, ChartHistory, ChartVisit, EventRecord, Visit, VisitId, replay};
use crate::report::ReactionRow;
use derived::{BY_ARRIVAL, Derived, OPEN, VisitKeys, instant_key};

pub use shape::LogRow;

/// What the server needs of its store, and nothing more: the boundary
/// between the branch server and its database. sled ([`Store`]) is its
/// one implementation on a branch; the group's PostgreSQL receives the
/// same event log ([`LogRow`]) through the shipper (`crate::group`).
///
/// The server's writer is the only caller of `append`; `events_after` is
/// read by the shipper from another thread while the writer goes on (it
/// must never wait for the writer, nor the writer for it).
pub trait EventStore: Send + Sync + 'static {
    /// Appends a command's events and the visits they touched (as in
    /// `after`) atomically, durable when it returns Ok.
    fn append(&self, events: &[EventRecord], after: &Board) -> Result<(), StoreError>;
    /// The working window: visits still in the clinic and those that
    /// arrived from `since` on.
    fn load_window(&self, since: DateTime<Utc>) -> Result<Board, StoreError>;
    /// Whether the materialised state is behind the log.
    fn is_behind(&self, board: &Board) -> Result<bool, StoreError>;
    /// Rebuilds everything derived from the log.
    fn repair(&self) -> Result<Board, StoreError>;
    /// Visits read since the store was opened (what a start costs).
    fn visits_read(&self) -> u64;
    /// Every visit of a chart number.
    fn chart_history(&self, chart: &str) -> Result<ChartHistory, StoreError>;
    /// A page of the visits that arrived in `[from, to)`.
    fn visits_page(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        after: Option<&[u8]>,
        limit: PageLimit,
    ) -> Result<Page<Visit>, StoreError>;
    /// A page of a lot's administrations.
    fn lot_page(
        &self,
        lot: &str,
        after: Option<&[u8]>,
        limit: PageLimit,
    ) -> Result<Page<Visit>, StoreError>;
    fn count_lot(&self, lot: &str) -> Result<u64, StoreError>;
    /// A page of the reactions in `[from, to)`.
    fn reactions_page(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        after: Option<&[u8]>,
        limit: PageLimit,
    ) -> Result<Page<ReactionRow>, StoreError>;
    fn count_reactions(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<u64, StoreError>;
    /// A consistent copy with its manifest.
    fn backup(&self, dir: &Path) -> Result<Manifest, StoreError>;
    /// The visits whose stored state disagrees with the log.
    fn verify(&self) -> Result<Vec<VisitId>, StoreError>;
    fn event_count(&self) -> Result<u64, StoreError>;
    /// At most `max` events with sequence numbers above `seq`, in order
    /// (the shipper's read; never blocks the writer).
    fn events_after(&self, seq: u64, max: usize) -> Result<Vec<EventRecord>, StoreError>;
}

impl EventStore for Store {
    fn append(&self, events: &[EventRecord], after: &Board) -> Result<(), StoreError> {
        Store::append(self, events, after)
    }
    fn load_window(&self, since: DateTime<Utc>) -> Result<Board, StoreError> {
        Store::load_window(self, since)
    }
    fn is_behind(&self, board: &Board) -> Result<bool, StoreError> {
        Store::is_behind(self, board)
    }
    fn repair(&self) -> Result<Board, StoreError> {
        Store::repair(self)
    }
    fn visits_read(&self) -> u64 {
        Store::visits_read(self)
    }
    fn chart_history(&self, chart: &str) -> Result<ChartHistory, StoreError> {
        Store::chart_history(self, chart)
    }
    fn visits_page(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        after: Option<&[u8]>,
        limit: PageLimit,
    ) -> Result<Page<Visit>, StoreError> {
        Store::visits_page(self, from, to, after, limit)
    }
    fn lot_page(
        &self,
        lot: &str,
        after: Option<&[u8]>,
        limit: PageLimit,
    ) -> Result<Page<Visit>, StoreError> {
        Store::lot_page(self, lot, after, limit)
    }
    fn count_lot(&self, lot: &str) -> Result<u64, StoreError> {
        Store::count_lot(self, lot)
    }
    fn reactions_page(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        after: Option<&[u8]>,
        limit: PageLimit,
    ) -> Result<Page<ReactionRow>, StoreError> {
        Store::reactions_page(self, from, to, after, limit)
    }
    fn count_reactions(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<u64, StoreError> {
        Store::count_reactions(self, from, to)
    }
    fn backup(&self, dir: &Path) -> Result<Manifest, StoreError> {
        Store::backup(self, dir)
    }
    fn verify(&self) -> Result<Vec<VisitId>, StoreError> {
        Store::verify(self)
    }
    fn event_count(&self) -> Result<u64, StoreError> {
        Store::event_count(self)
    }
    fn events_after(&self, seq: u64, max: usize) -> Result<Vec<EventRecord>, StoreError> {
        Store::events_after(self, seq, max)
    }
}

/// Version of the on-disk layout. A newer database is refused; an older
/// one is migrated once, at the first start (`migrate`).
/// 2: adds `index` and `visit_keys`.
/// 3: visits are folded in the order things happened, with the visit
///    protocol's approvals (visits folded again from their events).
/// 4: the log in pages of 64 events (`log_pages`, was `log`); adds
///    `history` and `reactions`; the lot keys carry the start of
///    administration; the `o` keys (visits in the clinic); no
///    `visit_keys`.
/// 5: visits folded again from their events for what the busy hour keeps
///    on them (the bed a patient left and when it was ready, the nurse
///    a patient was given to, a wish not to be displayed); the derived
///    trees as in 4.
pub const SCHEMA_VERSION: u32 = 5;

const SCHEMA_KEY: &[u8] = b"schema_version";
const LAST_SEQ_KEY: &[u8] = b"last_seq";

/// The manifest's file in a backup directory, beside the database.
pub const MANIFEST_FILE: &str = "flowboard-backup.json";
/// The database's directory in a backup directory.
pub const BACKUP_DB: &str = "db";
const MANIFEST_FORMAT: &str = "flowboard-backup";

/// What `flowboard backup` writes beside the copy, and `restore` checks
/// before it touches anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `flowboard-backup`.
    pub format: String,
    pub schema_version: u32,
    pub events: u64,
    pub last_seq: u64,
    /// `sha256:` and the hex SHA-256 of the log ([`Store::digest`]).
    pub checksum: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The flowboard version that made it.
    pub flowboard: String,
}

impl Manifest {
    /// Reads the manifest of the backup in `dir`; the error is a sentence
    /// saying what is wrong.
    pub fn read(dir: &Path) -> Result<Manifest, String> {
        let path = dir.join(MANIFEST_FILE);
        let text = std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!(
                "{} is not a flowboard backup: it has no {MANIFEST_FILE} (the manifest `flowboard backup` writes)",
                dir.display()
            ),
            _ => format!("cannot read {}: {e}", path.display()),
        })?;
        let manifest: Manifest = serde_json::from_slice(&text)
            .map_err(|e| format!("{} is not a flowboard backup manifest: {e}", path.display()))?;
        if manifest.format != MANIFEST_FORMAT {
            return Err(format!(
                "{} is not a flowboard backup manifest (format {:?})",
                path.display(),
                manifest.format
            ));
        }
        if manifest.schema_version > SCHEMA_VERSION {
            return Err(format!(
                "the backup in {} has schema version {}, newer than this flowboard understands ({SCHEMA_VERSION}): restore it with flowboard {} or newer",
                dir.display(),
                manifest.schema_version,
                manifest.flowboard
            ));
        }
        Ok(manifest)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("backup: {0}")]
    Backup(String),
    #[error(
        "another flowboard server is using {0}: attach to it with `flowboard`, or stop it first"
    )]
    Locked(String),
    #[error(
        "the database in {dir} has schema version {found}, newer than this flowboard understands ({supported}): upgrade flowboard; nothing was changed"
    )]
    NewerSchema {
        dir: String,
        found: u32,
        supported: u32,
    },
    #[error("database error in {dir}: {source}")]
    Sled { dir: String, source: sled::Error },
    #[error("database error: {0}")]
    Db(#[from] sled::Error),
    #[error("corrupt record in the database ({what}): {detail}")]
    Corrupt { what: String, detail: String },
}

/// How the database is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// The most memory sled's page cache may use.
    pub cache_bytes: u64,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            cache_bytes: 4 * 1024 * 1024,
        }
    }
}

pub struct Store {
    db: sled::Db,
    /// The event log, in pages (`log_pages`).
    log: Tree,
    visits: Tree,
    meta: Tree,
    index: Tree,
    history: Tree,
    reactions: Tree,
    /// How many visits were read (decoded) from `visits`: what a start
    /// costs, counted rather than timed.
    reads: AtomicU64,
}

/// One page of a records query, and where the next one starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The key the next page starts after; `None`: this was the last page.
    pub next: Option<Vec<u8>>,
}

/// How much one page may hold: this many items, and (for visits) about
/// this many bytes of JSON, whichever comes first; always at least one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimit {
    pub items: usize,
    pub bytes: usize,
}

impl PageLimit {
    /// The server's ceiling, whatever a client asks for.
    pub const MAX: PageLimit = PageLimit {
        items: 500,
        bytes: 512 * 1024,
    };
}

impl Store {
    /// Opens (or creates) the database in `dir` with the default options.
    /// Only one process may hold it; a second gets `StoreError::Locked`.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Store::open_with(dir, StoreOptions::default())
    }

    /// Opens (or creates) the database in `dir`; an older schema is
    /// migrated first (a progress line in the log).
    pub fn open_with(dir: &Path, options: StoreOptions) -> Result<Store, StoreError> {
        // sled releases its file lock a moment after the last handle in
        // this process is dropped: a reopen right after a close (restore,
        // tests) waits for it rather than failing.
        let mut tries = 0;
        loop {
            match Store::open_once(dir, options) {
                Err(StoreError::Locked(_)) if tries < 25 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    fn open_once(dir: &Path, options: StoreOptions) -> Result<Store, StoreError> {
        let shown = dir.parent().unwrap_or(dir).display().to_string();
        let db = sled::Config::new()
            .path(dir)
            .mode(sled::Mode::LowSpace)
            .use_compression(true)
            // zstd's fastest level: every command compresses what it
            // writes (its log page, its visit), and the records take
            // within a few per cent of the space the default level gives.
            .compression_factor(1)
            .cache_capacity(options.cache_bytes)
            // Every acknowledged write is flushed before its ack, and every
            // other write (migration, repair, backup) flushes when done:
            // sled's own timed flush would only wake an idle server.
            .flush_every_ms(None)
            .open()
            .map_err(|e| match e {
                // sled wraps the lock failure (EWOULDBLOCK) in its own
                // io::Error, so look at the text too.
                sled::Error::Io(ref io)
                    if io.kind() == std::io::ErrorKind::WouldBlock
                        || io.to_string().contains("could not acquire lock") =>
                {
                    StoreError::Locked(shown.clone())
                }
                other => StoreError::Sled {
                    dir: shown.clone(),
                    source: other,
                },
            })?;
        let store = Store {
            log: db.open_tree("log_pages")?,
            visits: db.open_tree("visits")?,
            meta: db.open_tree("meta")?,
            index: db.open_tree("index")?,
            history: db.open_tree("history")?,
            reactions: db.open_tree("reactions")?,
            db,
            reads: AtomicU64::new(0),
        };
        match store.meta.get(SCHEMA_KEY)? {
            Some(v) => {
                let found =
                    u32::from_be_bytes(v.as_ref().try_into().map_err(|_| StoreError::Corrupt {
                        what: "schema_version".into(),
                        detail: format!("{} bytes", v.len()),
                    })?);
                if found > SCHEMA_VERSION {
                    return Err(StoreError::NewerSchema {
                        dir: shown,
                        found,
                        supported: SCHEMA_VERSION,
                    });
                }
                if found < SCHEMA_VERSION {
                    migrate::run(&store, found, &shown)?;
                }
                // The trees of older schemas go once the new ones are
                // written (also after a crash between the two).
                migrate::drop_old_trees(&store)?;
            }
            None => {
                store
                    .meta
                    .insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())?;
                store.db.flush()?;
            }
        }
        Ok(store)
    }

    /// How many visits this store has read since it was opened.
    pub fn visits_read(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    fn decode_visit(&self, bytes: &[u8]) -> Result<Visit, StoreError> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        decode(bytes, "visit")
    }

    fn visit_by_id(&self, id: &[u8]) -> Result<Option<Visit>, StoreError> {
        match self.visits.get(id)? {
            Some(value) => Ok(Some(self.decode_visit(&value)?)),
            None => Ok(None),
        }
    }

    fn counters(&self, board: &mut Board) -> Result<(), StoreError> {
        board.last_seq = match self.meta.get(LAST_SEQ_KEY)? {
            Some(v) => u64_from(&v, "last_seq")?,
            None => 0,
        };
        // Visit ids only grow: the last key is the highest ever given.
        if let Some((key, _)) = self.visits.last()? {
            board.last_visit = board.last_visit.max(u64_from(&key, "visit id")?);
        }
        Ok(())
    }

    /// The working window, as the server holds it: every visit still in
    /// the clinic, and every visit that arrived (or is expected) from
    /// `since` on. Reads only those visits, through the index; patient
    /// histories are not loaded (`chart_history` reads one when needed).
    pub fn load_window(&self, since: DateTime<Utc>) -> Result<Board, StoreError> {
        let mut board = Board::default();
        let mut from = vec![BY_ARRIVAL];
        from.extend_from_slice(&instant_key(since));
        let recent = self.index.range(from..vec![BY_ARRIVAL + 1]);
        let open = self.index.scan_prefix([OPEN]);
        for item in open.chain(recent) {
            let (key, _) = item?;
            let Some(id) = derived::id_at_end(&key) else {
                continue;
            };
            let visit_id = VisitId(u64::from_be_bytes(id));
            if board.visits.contains_key(&visit_id) {
                continue;
            }
            if let Some(visit) = self.visit_by_id(&id)? {
                board.visits.insert(visit.id, visit);
            }
        }
        self.counters(&mut board)?;
        Ok(board)
    }

    /// Every stored visit, with every patient history (verify, tests).
    /// Reads everything: the server never calls this at start.
    pub fn load_board(&self) -> Result<Board, StoreError> {
        let mut board = Board::default();
        for item in self.visits.iter() {
            let (_, value) = item?;
            let visit = self.decode_visit(&value)?;
            board.index_chart(&visit, None);
            board.visits.insert(visit.id, visit);
        }
        self.counters(&mut board)?;
        Ok(board)
    }

    /// Every visit of a chart number, as the patient history of a new
    /// visit needs it.
    pub fn chart_history(&self, chart: &str) -> Result<ChartHistory, StoreError> {
        let mut history = ChartHistory::default();
        for item in self.history.scan_prefix(derived::chart_prefix(chart)) {
            let (key, value) = item?;
            let Some(id) = derived::id_at_end(&key) else {
                continue;
            };
            let row: ChartVisit = decode(&value, "history")?;
            history.visits.insert(VisitId(u64::from_be_bytes(id)), row);
        }
        Ok(history)
    }

    /// Appends `events` and writes the visits they touched as they are in
    /// `after` (the board with the events applied), with what is derived
    /// from them, in one transaction, then flushes. When this returns Ok
    /// the events survive a crash.
    pub fn append(&self, events: &[EventRecord], after: &Board) -> Result<(), StoreError> {
        self.append_unflushed(events, after)?;
        self.db.flush()?;
        Ok(())
    }

    /// `append` without the flush: for filling a new database in bulk
    /// (the demo's past days), where one `flush` at the end makes it all
    /// durable. The server never calls it: its acks wait for the flush.
    pub fn append_unflushed(
        &self,
        events: &[EventRecord],
        after: &Board,
    ) -> Result<(), StoreError> {
        // Serialise outside the transaction: its closure may run twice and
        // must not have side effects.
        let log_lines = log::lines_by_page(events)?;
        let mut visit_rows: Vec<VisitRows> = Vec::new();
        for e in events {
            if let Some(v) = after.visit(e.visit)
                && !visit_rows.iter().any(|r| r.id == v.id.0.to_be_bytes())
            {
                visit_rows.push(VisitRows::of(v)?);
            }
        }
        let last_seq = after.last_seq.to_be_bytes();
        (
            &self.log,
            &self.visits,
            &self.meta,
            &self.index,
            &self.history,
            &self.reactions,
        )
            .transaction(|(log, visits, meta, index, history, reactions)| {
                for (page, lines) in &log_lines {
                    let mut value = log.get(page)?.map(|v| v.to_vec()).unwrap_or_default();
                    value.extend_from_slice(lines);
                    log.insert(page, value)?;
                }
                for rows in &visit_rows {
                    // What the visit had before this change goes unless it
                    // still has it.
                    let old = visits
                        .get(rows.id)?
                        .and_then(|v| serde_json::from_slice::<Visit>(&v).ok())
                        .map(|v| Derived::of(&v).keys)
                        .unwrap_or_default();
                    visits.insert(&rows.id, rows.visit.as_slice())?;
                    let new = &rows.keys;
                    for k in old.index.iter().filter(|k| !new.index.contains(k)) {
                        index.remove(k.as_slice())?;
                    }
                    for k in &new.index {
                        index.insert(k.as_slice(), &[])?;
                    }
                    if let Some(k) = &old.history
                        && new.history.as_ref() != Some(k)
                    {
                        history.remove(k.as_slice())?;
                    }
                    if let Some((k, v)) = &rows.history {
                        history.insert(k.as_slice(), v.as_slice())?;
                    }
                    for k in old.reactions.iter().filter(|k| !new.reactions.contains(k)) {
                        reactions.remove(k.as_slice())?;
                    }
                    for (k, v) in &rows.reactions {
                        reactions.insert(k.as_slice(), v.as_slice())?;
                    }
                }
                meta.insert(LAST_SEQ_KEY, &last_seq)?;
                Ok::<(), ConflictableTransactionError<()>>(())
            })
            .map_err(|e| match e {
                TransactionError::Storage(e) => StoreError::Db(e),
                TransactionError::Abort(()) => StoreError::Corrupt {
                    what: "transaction".into(),
                    detail: "aborted".into(),
                },
            })?;
        Ok(())
    }

    /// Makes everything written so far durable.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    /// True when no event was ever recorded.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.log.first()?.is_none())
    }

    /// Every event in the log, in order.
    pub fn events(&self) -> impl Iterator<Item = Result<EventRecord, StoreError>> + '_ {
        self.log.iter().flat_map(|item| match item {
            Ok((_, page)) => log::decode_page(&page),
            Err(e) => vec![Err(e.into())],
        })
    }

    /// At most `max` events with sequence numbers above `seq`, in order,
    /// read from the pages (a page's value is replaced whole by each
    /// append, so a reader sees it before or after, never half).
    pub fn events_after(&self, seq: u64, max: usize) -> Result<Vec<EventRecord>, StoreError> {
        let mut out = Vec::new();
        for item in self.log.range(log::page_of(seq + 1)..) {
            let (_, page) = item?;
            for event in log::decode_page(&page) {
                let event = event?;
                if event.seq > seq {
                    out.push(event);
                    if out.len() >= max {
                        return Ok(out);
                    }
                }
            }
        }
        Ok(out)
    }

    /// How many events the log holds.
    pub fn event_count(&self) -> Result<u64, StoreError> {
        let mut n = 0;
        for item in self.log.iter() {
            let (_, page) = item?;
            n += log::count(&page);
        }
        Ok(n)
    }

    /// The board rebuilt from the log alone.
    pub fn rebuild(&self) -> Result<Board, StoreError> {
        let events: Vec<EventRecord> = self.events().collect::<Result<_, _>>()?;
        Ok(replay(events))
    }

    /// Compares the materialised visits, the counters and everything
    /// derived (index, history, reaction rows) with the state rebuilt from
    /// the log. Returns the visits that disagree (`VisitId(0)`: the
    /// counters or a derived tree; empty: all is well).
    pub fn verify(&self) -> Result<Vec<VisitId>, StoreError> {
        let stored = self.load_board()?;
        let rebuilt = self.rebuild()?;
        let mut bad: Vec<VisitId> = rebuilt
            .visits
            .iter()
            .filter(|(id, v)| stored.visits.get(id) != Some(v))
            .map(|(id, _)| *id)
            .collect();
        bad.extend(
            stored
                .visits
                .keys()
                .filter(|id| !rebuilt.visits.contains_key(id)),
        );
        let mut derived_ok = stored.last_seq == rebuilt.last_seq;
        let mut index = Vec::new();
        let mut history = Vec::new();
        let mut reactions = Vec::new();
        for v in rebuilt.visits.values() {
            let rows = VisitRows::of(v)?;
            index.extend(rows.keys.index);
            history.extend(rows.history);
            reactions.extend(rows.reactions);
        }
        index.sort();
        history.sort();
        reactions.sort();
        derived_ok &= keys_of(&self.index)? == index;
        derived_ok &= rows_of(&self.history)? == history;
        derived_ok &= rows_of(&self.reactions)? == reactions;
        if !derived_ok && !bad.contains(&VisitId(0)) {
            bad.push(VisitId(0));
        }
        Ok(bad)
    }

    /// True when the materialised state is behind the log (a cheap check
    /// made at every start).
    pub fn is_behind(&self, board: &Board) -> Result<bool, StoreError> {
        let last = match self.log.last()? {
            Some((_, page)) => log::last_seq(&page)?,
            None => 0,
        };
        Ok(last != board.last_seq)
    }

    /// Replaces the materialised visits and everything derived from them
    /// with the state rebuilt from the log.
    pub fn repair(&self) -> Result<Board, StoreError> {
        let board = self.rebuild()?;
        self.visits.clear()?;
        for v in board.visits.values() {
            self.visits.insert(v.id.0.to_be_bytes(), encode(v)?)?;
        }
        self.meta
            .insert(LAST_SEQ_KEY, &board.last_seq.to_be_bytes())?;
        self.rebuild_derived(false, |_, _| Ok(()))?;
        self.db.flush()?;
        Ok(board)
    }

    /// Rebuilds the index, the histories and the reaction rows from the
    /// materialised visits, in batches; with `refold`, each visit is first
    /// folded again from its own events (the same events as the log's,
    /// written in the same transaction) as this version folds.
    /// `progress(done, total)` is called after each batch is written (and
    /// flushed). Holds one batch at a time, whatever the records.
    fn rebuild_derived(
        &self,
        refold: bool,
        mut progress: impl FnMut(u64, u64) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        const BATCH: usize = 250;
        for tree in [&self.index, &self.history, &self.reactions] {
            tree.clear()?;
        }
        let total = self.visits.len() as u64;
        let mut done = 0u64;
        let mut batch = Batches::default();
        for item in self.visits.iter() {
            let (_, value) = item?;
            let mut visit = self.decode_visit(&value)?;
            if refold
                && let Some(again) = Visit::from_events(visit.events.clone())
                && again != visit
            {
                visit = again;
                batch
                    .refolded
                    .insert(&visit.id.0.to_be_bytes(), encode(&visit)?);
            }
            let rows = VisitRows::of(&visit)?;
            batch.add(rows);
            done += 1;
            if batch.visits == BATCH {
                std::mem::take(&mut batch).apply(self)?;
                self.db.flush()?;
                progress(done, total)?;
            }
        }
        batch.apply(self)?;
        self.db.flush()?;
        progress(done, total)?;
        Ok(())
    }

    /// Reads the visits whose keys the iterator yields (keys ending in a
    /// visit id), at most `limit`; the next page starts after the last
    /// key read.
    fn visit_page(
        &self,
        keys: impl Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>,
        limit: PageLimit,
    ) -> Result<Page<Visit>, StoreError> {
        let limit = limit.capped();
        let mut items = Vec::new();
        let mut bytes = 0;
        let mut last = None;
        for item in keys {
            let (key, _) = item?;
            if items.len() >= limit.items || (bytes >= limit.bytes && !items.is_empty()) {
                return Ok(Page { items, next: last });
            }
            if let Some(id) = derived::id_at_end(&key)
                && let Some(value) = self.visits.get(id)?
            {
                bytes += value.len();
                items.push(self.decode_visit(&value)?);
                let_go(&self.visits, &id)?;
            }
            let_go(&self.index, &key)?;
            last = Some(key.to_vec());
        }
        Ok(Page { items, next: None })
    }

    /// Every visit that arrived (or was expected) in `[from, to)`, by
    /// arrival. Reads the whole range: for small ranges and benchmarks;
    /// the server answers with `visits_page`.
    pub fn visits_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Visit>, StoreError> {
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = self.visits_page(from, to, after.as_deref(), PageLimit::MAX)?;
            out.extend(page.items);
            match page.next {
                Some(next) => after = Some(next),
                None => return Ok(out),
            }
        }
    }

    /// One page of the visits that arrived (or were expected) in
    /// `[from, to)`, by arrival, starting after the key `after`.
    pub fn visits_page(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        after: Option<&[u8]>,
        limit: PageLimit,
    ) -> Result<Page<Visit>, StoreError> {
        let mut start = vec![BY_ARRIVAL];
        start.extend_from_slice(&instant_key(from));
        let mut end = vec![BY_ARRIVAL];
        end.extend_from_slice(&instant_key(to));
        let range = resume(start, end, after);
        self.visit_page(self.index.range(range), limit)
    }

    /// Every visit given product from `lot` (exact lot number), in order
    /// of administration.
    pub fn trace_lot(&self, lot: &str) -> Result<Vec<Visit>, StoreError> {
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = self.lot_page(lot, after.as_deref(), PageLimit::MAX)?;
            out.extend(page.items);
            match page.next {
                Some(next) => after = Some(next),
                None => return Ok(out),
            }
        }
    }

    /// One page of a lot's administrations, in order, after `after`.
    pub fn lot_page(
        &self,
        lot: &str,
        after: Option<&[u8]>,
        limit: PageLimit,
    ) -> Result<Page<Visit>, StoreError> {
        let start = derived::lot_key(lot, None, None);
        let mut end = start.clone();
        if let Some(last) = end.last_mut() {
            *last = 1; // just past `lot` + 0
        }
        self.visit_page(self.index.range(resume(start, end, after)), limit)
    }

    /// How many administrations of `lot` are on record (keys only).
    pub fn count_lot(&self, lot: &str) -> Result<u64, StoreError> {
        let mut n = 0;
        for item in self.index.scan_prefix(derived::lot_key(lot, None, None)) {
            item?;
            n += 1;
        }
        Ok(n)
    }

    /// One page of the reactions that happened in `[from, to)`, in order,
    /// after `after`. Reads the reaction rows only, never a visit.
    pub fn reactions_page(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        after: Option<&[u8]>,
        limit: PageLimit,
    ) -> Result<Page<ReactionRow>, StoreError> {
        let limit = limit.capped();
        let range = resume(instant_key(from).to_vec(), instant_key(to).to_vec(), after);
        let mut items = Vec::new();
        let mut last = None;
        for item in self.reactions.range(range) {
            let (key, value) = item?;
            if items.len() >= limit.items {
                return Ok(Page { items, next: last });
            }
            items.push(decode(&value, "reaction row")?);
            last = Some(key.to_vec());
        }
        Ok(Page { items, next: None })
    }

    /// How many reactions happened in `[from, to)`.
    pub fn count_reactions(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut n = 0;
        for item in self
            .reactions
            .range(instant_key(from).to_vec()..instant_key(to).to_vec())
        {
            item?;
            n += 1;
        }
        Ok(n)
    }

    fn trees(&self) -> [(&'static str, &Tree); 6] {
        [
            ("log_pages", &self.log),
            ("visits", &self.visits),
            ("meta", &self.meta),
            ("index", &self.index),
            ("history", &self.history),
            ("reactions", &self.reactions),
        ]
    }

    /// A consistent copy of the whole database into `dir`: the database in
    /// `dir/db`, and `dir/flowboard-backup.json`, the manifest restore
    /// checks (schema version, events, checksum of the log). Called by the
    /// server's writer between commands, so no write is half in the copy.
    /// `dir` must be new or empty (the caller says so to the user). Copies
    /// in batches: the memory it holds does not grow with the records.
    pub fn backup(&self, dir: &Path) -> Result<Manifest, StoreError> {
        let io = |e: std::io::Error| StoreError::Backup(format!("{}: {e}", dir.display()));
        std::fs::create_dir_all(dir).map_err(io)?;
        let copy = Store::open(&dir.join(BACKUP_DB))?;
        for ((_, from), (_, to)) in self.trees().iter().zip(copy.trees().iter()) {
            let mut batch = sled::Batch::default();
            let mut n = 0;
            for item in from.iter() {
                let (k, v) = item?;
                batch.insert(k, v);
                n += 1;
                if n % 1000 == 0 {
                    to.apply_batch(std::mem::take(&mut batch))?;
                }
            }
            to.apply_batch(batch)?;
        }
        copy.db.flush()?;
        let (events, checksum) = copy.digest()?;
        let manifest = Manifest {
            format: MANIFEST_FORMAT.to_string(),
            schema_version: SCHEMA_VERSION,
            events,
            last_seq: self.load_last_seq()?,
            checksum,
            created_at: chrono::Utc::now(),
            flowboard: env!("CARGO_PKG_VERSION").to_string(),
        };
        drop(copy);
        let text = serde_json::to_vec_pretty(&manifest).map_err(|e| StoreError::Corrupt {
            what: "manifest".into(),
            detail: e.to_string(),
        })?;
        let path = dir.join(MANIFEST_FILE);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io)?;
        std::io::Write::write_all(&mut file, &text).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(manifest)
    }

    /// The number of events in the log and the SHA-256 of the log: each
    /// event's sequence number (8 bytes, big-endian), length and JSON, in
    /// order. What a backup's manifest records and restore checks; the
    /// same for a log kept one key per event (schema 3 and before) and in
    /// pages, so an older backup checks after its migration.
    pub fn digest(&self) -> Result<(u64, String), StoreError> {
        use sha2::{Digest, Sha256};
        #[derive(serde::Deserialize)]
        struct Seq {
            seq: u64,
        }
        let mut hash = Sha256::new();
        let mut events = 0u64;
        for item in self.log.iter() {
            let (_, page) = item?;
            for line in log::lines(&page) {
                let seq: Seq = decode(line, "event")?;
                hash.update(seq.seq.to_be_bytes());
                hash.update((line.len() as u64).to_be_bytes());
                hash.update(line);
                events += 1;
            }
        }
        let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Ok((events, format!("sha256:{hex}")))
    }

    fn load_last_seq(&self) -> Result<u64, StoreError> {
        match self.meta.get(LAST_SEQ_KEY)? {
            Some(v) => u64_from(&v, "last_seq"),
            None => Ok(0),
        }
    }

    /// Overwrites the schema version (tests of the "newer schema" refusal).
    #[doc(hidden)]
    pub fn set_schema_version_for_test(&self, version: u32) -> Result<(), StoreError> {
        self.meta.insert(SCHEMA_KEY, &version.to_be_bytes())?;
        self.db.flush()?;
        Ok(())
    }
}

impl PageLimit {
    fn capped(self) -> PageLimit {
        PageLimit {
            items: self.items.clamp(1, PageLimit::MAX.items),
            bytes: self.bytes.clamp(1, PageLimit::MAX.bytes),
        }
    }
}

/// How many times a page of records reads each key again ([`let_go`]).
const LET_GO_READS: usize = 7;

/// Reads `key` again a few times so that sled lets go of the page that
/// holds it. sled 0.34 notes each read of a page in one of 256 queues (by
/// page) and looks at a queue, evicting what its cache cannot hold, only
/// when the queue has 64 reads (`lru.rs`): a page read once or a few times
/// by a long scan stays in memory until other reads fill its queue. An
/// export of ten years read that way held 80 MB of pages it never read
/// again (a program that only reads the same keys from the same database
/// shows it: 35 -> 117 MB, and 63 MB with seven more reads of each key;
/// README "Performance"). Each read is of a page in memory.
fn let_go(tree: &Tree, key: &[u8]) -> Result<(), StoreError> {
    for _ in 0..LET_GO_READS {
        tree.contains_key(key)?;
    }
    Ok(())
}

/// The range `[start, end)`, resumed just after the key `after` when it
/// lies inside it.
fn resume(start: Vec<u8>, end: Vec<u8>, after: Option<&[u8]>) -> (Bound<Vec<u8>>, Bound<Vec<u8>>) {
    let start = match after {
        Some(a) if a >= start.as_slice() => Bound::Excluded(a.to_vec()),
        _ => Bound::Included(start),
    };
    (start, Bound::Excluded(end))
}

/// A visit and its derived rows, encoded for the store.
struct VisitRows {
    id: [u8; 8],
    visit: Vec<u8>,
    keys: VisitKeys,
    history: Option<Row>,
    reactions: Vec<Row>,
}

impl VisitRows {
    fn of(v: &Visit) -> Result<VisitRows, StoreError> {
        let d = Derived::of(v);
        let history = match (&d.keys.history, &d.history) {
            (Some(k), Some(row)) => Some((k.clone(), encode(row)?)),
            _ => None,
        };
        let reactions = d
            .keys
            .reactions
            .iter()
            .zip(&d.reactions)
            .map(|(k, row)| Ok((k.clone(), encode(row)?)))
            .collect::<Result<_, StoreError>>()?;
        Ok(VisitRows {
            id: v.id.0.to_be_bytes(),
            visit: encode(v)?,
            keys: d.keys,
            history,
            reactions,
        })
    }
}

/// Derived rows of many visits, written with one batch per tree.
#[derive(Default)]
struct Batches {
    visits: usize,
    /// Visits folded again (a migration).
    refolded: sled::Batch,
    index: sled::Batch,
    history: sled::Batch,
    reactions: sled::Batch,
}

impl Batches {
    fn add(&mut self, rows: VisitRows) {
        self.visits += 1;
        for k in &rows.keys.index {
            self.index.insert(k.as_slice(), &[]);
        }
        if let Some((k, v)) = rows.history {
            self.history.insert(k, v);
        }
        for (k, v) in rows.reactions {
            self.reactions.insert(k, v);
        }
    }

    fn apply(self, store: &Store) -> Result<(), StoreError> {
        store.visits.apply_batch(self.refolded)?;
        store.index.apply_batch(self.index)?;
        store.history.apply_batch(self.history)?;
        store.reactions.apply_batch(self.reactions)?;
        Ok(())
    }
}

fn keys_of(tree: &Tree) -> Result<Vec<Vec<u8>>, StoreError> {
    tree.iter().map(|item| Ok(item?.0.to_vec())).collect()
}

/// A key and its value, as stored.
type Row = (Vec<u8>, Vec<u8>);

fn rows_of(tree: &Tree) -> Result<Vec<Row>, StoreError> {
    tree.iter()
        .map(|item| {
            let (k, v) = item?;
            Ok((k.to_vec(), v.to_vec()))
        })
        .collect()
}

fn encode<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|e| StoreError::Corrupt {
        what: "encoding".into(),
        detail: e.to_string(),
    })
}

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
        what: what.into(),
        detail: e.to_string(),
    })
}

fn u64_from(bytes: &[u8], what: &str) -> Result<u64, StoreError> {
    let arr: [u8; 8] = bytes.try_into().map_err(|_| StoreError::Corrupt {
        what: what.into(),
        detail: format!("{} bytes", bytes.len()),
    })?;
    Ok(u64::from_be_bytes(arr))
}
