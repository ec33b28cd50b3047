//! The sled store: an append-only event log and the materialised board,
//! written in one transaction and flushed before a command is acknowledged.
//!
//! Trees:
//! * `log`    — big-endian u64 sequence -> event (JSON);
//! * `visits` — big-endian u64 visit id -> visit as folded (JSON);
//! * `meta`   — `schema_version` (u32 BE), `last_seq` (u64 BE).
//!
//! * `index`  — lookup keys, no values: `t` + arrival instant + visit id
//!   (visits by day, for reports and export), `l` + lot number + 0 + visit
//!   id (trace a lot in milliseconds over years of records);
//! * `visit_keys` — visit id -> the index keys it has now (so a changed
//!   visit's old keys can be removed in the same transaction).
//!
//! The log is the truth; `visits` is a cache of `replay(log)` that makes the
//! server start fast, and `index` is derived from `visits`. `verify` proves
//! they agree.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::{Transactional, Tree};

use crate::domain::{Board, EventRecord, Visit, VisitId, replay};

/// Version of the on-disk layout. A newer database is refused.
/// 2: adds `index` and `visit_keys` (built from `visits` when missing).
/// 3: visits are folded in the order things happened, with the visit
///    protocol's approvals (`visits` and the index rebuilt from the log).
pub const SCHEMA_VERSION: u32 = 3;

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

pub struct Store {
    db: sled::Db,
    log: Tree,
    visits: Tree,
    meta: Tree,
    index: Tree,
    visit_keys: Tree,
}

/// The index keys of a visit as it is now.
fn index_keys(v: &Visit) -> Vec<Vec<u8>> {
    let mut keys = Vec::with_capacity(2);
    let mut t = vec![b't'];
    t.extend_from_slice(&instant_key(v.arrived_at));
    t.extend_from_slice(&v.id.0.to_be_bytes());
    keys.push(t);
    if let Some(lot) = &v.care.lot {
        let mut l = vec![b'l'];
        l.extend_from_slice(lot.number.as_bytes());
        l.push(0);
        l.extend_from_slice(&v.id.0.to_be_bytes());
        keys.push(l);
    }
    keys
}

/// An instant as 8 bytes that sort like time.
fn instant_key(t: chrono::DateTime<chrono::Utc>) -> [u8; 8] {
    ((t.timestamp_millis() as u64) ^ (1 << 63)).to_be_bytes()
}

impl Store {
    /// Opens (or creates) the database in `dir`. Only one process may hold
    /// it; a second gets `StoreError::Locked`.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        // sled releases its file lock a moment after the last handle in
        // this process is dropped (its flusher thread): a reopen right
        // after a close (restore, tests) waits for it rather than failing.
        let mut tries = 0;
        loop {
            match Store::open_once(dir) {
                Err(StoreError::Locked(_)) if tries < 25 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    fn open_once(dir: &Path) -> Result<Store, StoreError> {
        let shown = dir.parent().unwrap_or(dir).display().to_string();
        let db = sled::Config::new()
            .path(dir)
            .mode(sled::Mode::LowSpace)
            .use_compression(true)
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
            log: db.open_tree("log")?,
            visits: db.open_tree("visits")?,
            meta: db.open_tree("meta")?,
            index: db.open_tree("index")?,
            visit_keys: db.open_tree("visit_keys")?,
            db,
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
                if found < 3 {
                    // The log is the truth: fold it again as this version
                    // folds, then index that. A crash before the version
                    // is written runs this again on the next start.
                    tracing::info!(
                        "migrating the database from schema {found} to {SCHEMA_VERSION}: re-folding visits from the log"
                    );
                    store.repair()?;
                    store.rebuild_index()?;
                    store
                        .meta
                        .insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())?;
                    store.db.flush()?;
                    tracing::info!("migration to schema {SCHEMA_VERSION} done");
                }
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

    /// The board as materialised (fast: one read per visit).
    pub fn load_board(&self) -> Result<Board, StoreError> {
        let mut board = Board::default();
        for item in self.visits.iter() {
            let (_, value) = item?;
            let visit: Visit = decode(&value, "visit")?;
            board.last_visit = board.last_visit.max(visit.id.0);
            board.index_chart(&visit);
            board.visits.insert(visit.id, visit);
        }
        board.last_seq = match self.meta.get(LAST_SEQ_KEY)? {
            Some(v) => u64_from(&v, "last_seq")?,
            None => 0,
        };
        Ok(board)
    }

    /// Appends `events` and writes the visits they touched as they are in
    /// `after` (the board with the events applied), in one transaction,
    /// then flushes. When this returns Ok the events survive a crash.
    pub fn append(&self, events: &[EventRecord], after: &Board) -> Result<(), StoreError> {
        // Serialise outside the transaction: its closure may run twice and
        // must not have side effects.
        let mut log_rows = Vec::with_capacity(events.len());
        let mut visit_rows = Vec::new();
        for e in events {
            log_rows.push((e.seq.to_be_bytes(), encode(e)?));
            if let Some(v) = after.visit(e.visit)
                && !visit_rows.iter().any(|(id, _, _, _)| *id == v.id)
            {
                let keys = index_keys(v);
                visit_rows.push((v.id, encode(v)?, encode(&keys)?, keys));
            }
        }
        let last_seq = after.last_seq.to_be_bytes();
        (
            &self.log,
            &self.visits,
            &self.meta,
            &self.index,
            &self.visit_keys,
        )
            .transaction(|(log, visits, meta, index, visit_keys)| {
                for (key, value) in &log_rows {
                    log.insert(key, value.as_slice())?;
                }
                for (id, value, keys_json, keys) in &visit_rows {
                    let id_key = id.0.to_be_bytes();
                    visits.insert(&id_key, value.as_slice())?;
                    let old: Vec<Vec<u8>> = visit_keys
                        .get(id_key)?
                        .and_then(|v| serde_json::from_slice(&v).ok())
                        .unwrap_or_default();
                    for k in old.iter().filter(|k| !keys.contains(k)) {
                        index.remove(k.as_slice())?;
                    }
                    for k in keys {
                        index.insert(k.as_slice(), &[])?;
                    }
                    visit_keys.insert(&id_key, keys_json.as_slice())?;
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
        self.db.flush()?;
        Ok(())
    }

    /// Every event in the log, in order.
    pub fn events(&self) -> impl Iterator<Item = Result<EventRecord, StoreError>> + '_ {
        self.log.iter().map(|item| {
            let (_, value) = item?;
            decode(&value, "event")
        })
    }

    /// The board rebuilt from the log alone.
    pub fn rebuild(&self) -> Result<Board, StoreError> {
        let events: Vec<EventRecord> = self.events().collect::<Result<_, _>>()?;
        Ok(replay(events))
    }

    /// Compares the materialised board with the one rebuilt from the log.
    /// Returns the visits that disagree (empty: all is well).
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
        if bad.is_empty() && stored.last_seq != rebuilt.last_seq {
            bad.push(VisitId(0));
        }
        // The index must hold exactly the keys of the visits.
        let mut expected: Vec<Vec<u8>> = rebuilt.visits.values().flat_map(index_keys).collect();
        expected.sort();
        let mut actual = Vec::new();
        for item in self.index.iter() {
            actual.push(item?.0.to_vec());
        }
        if expected != actual && !bad.contains(&VisitId(0)) {
            bad.push(VisitId(0));
        }
        Ok(bad)
    }

    /// True when the materialised board is behind the log (a cheap check
    /// made at every start).
    pub fn is_behind(&self, board: &Board) -> Result<bool, StoreError> {
        let last = match self.log.last()? {
            Some((key, _)) => u64_from(&key, "log key")?,
            None => 0,
        };
        Ok(last != board.last_seq)
    }

    /// Replaces the materialised board with the one rebuilt from the log.
    pub fn repair(&self) -> Result<Board, StoreError> {
        let board = self.rebuild()?;
        self.visits.clear()?;
        for v in board.visits.values() {
            self.visits.insert(v.id.0.to_be_bytes(), encode(v)?)?;
        }
        self.meta
            .insert(LAST_SEQ_KEY, &board.last_seq.to_be_bytes())?;
        self.db.flush()?;
        Ok(board)
    }

    /// Builds the index from the materialised visits (a database from
    /// before the index, or a repair).
    pub fn rebuild_index(&self) -> Result<(), StoreError> {
        self.index.clear()?;
        self.visit_keys.clear()?;
        for item in self.visits.iter() {
            let (id, value) = item?;
            let visit: Visit = decode(&value, "visit")?;
            let keys = index_keys(&visit);
            for k in &keys {
                self.index.insert(k.as_slice(), &[])?;
            }
            self.visit_keys.insert(id, encode(&keys)?)?;
        }
        Ok(())
    }

    fn visits_by_keys(&self, prefix_scan: sled::Iter) -> Result<Vec<Visit>, StoreError> {
        let mut out = Vec::new();
        for item in prefix_scan {
            let (key, _) = item?;
            let id = &key[key.len() - 8..];
            if let Some(value) = self.visits.get(id)? {
                out.push(decode(&value, "visit")?);
            }
        }
        Ok(out)
    }

    /// Every visit that arrived (or was expected) in `[from, to)`, by
    /// arrival.
    pub fn visits_between(
        &self,
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<Visit>, StoreError> {
        let mut start = vec![b't'];
        start.extend_from_slice(&instant_key(from));
        let mut end = vec![b't'];
        end.extend_from_slice(&instant_key(to));
        self.visits_by_keys(self.index.range(start..end))
    }

    /// Every visit given product from `lot` (exact lot number).
    pub fn trace_lot(&self, lot: &str) -> Result<Vec<Visit>, StoreError> {
        let mut prefix = vec![b'l'];
        prefix.extend_from_slice(lot.as_bytes());
        prefix.push(0);
        let mut visits = self.visits_by_keys(self.index.scan_prefix(prefix))?;
        visits.sort_by_key(|v| v.care.administration_started);
        Ok(visits)
    }

    /// A consistent copy of the whole database into `dir`: the database in
    /// `dir/db`, and `dir/flowboard-backup.json`, the manifest restore
    /// checks (schema version, events, checksum of the log). Called by the
    /// server's writer between commands, so no write is half in the copy.
    /// `dir` must be new or empty (the caller says so to the user).
    pub fn backup(&self, dir: &Path) -> Result<Manifest, StoreError> {
        let io = |e: std::io::Error| StoreError::Backup(format!("{}: {e}", dir.display()));
        std::fs::create_dir_all(dir).map_err(io)?;
        let copy = Store::open(&dir.join(BACKUP_DB))?;
        for (from, to) in [
            (&self.log, &copy.log),
            (&self.visits, &copy.visits),
            (&self.meta, &copy.meta),
            (&self.index, &copy.index),
            (&self.visit_keys, &copy.visit_keys),
        ] {
            let mut batch = sled::Batch::default();
            for item in from.iter() {
                let (k, v) = item?;
                batch.insert(k, v);
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

    /// The number of events in the log and the SHA-256 of the log (each
    /// entry's key, length and value, in order): what a backup's manifest
    /// records and restore checks.
    pub fn digest(&self) -> Result<(u64, String), StoreError> {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        let mut events = 0u64;
        for item in self.log.iter() {
            let (k, v) = item?;
            hash.update(&k);
            hash.update((v.len() as u64).to_be_bytes());
            hash.update(&v);
            events += 1;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::domain::{Command, Context, Stage, apply, decide};
    use chrono::{Duration, TimeZone, Utc};

    fn run(store: &Store, board: &mut Board, now: chrono::DateTime<Utc>, command: Command) {
        let ctx = Context {
            now,
            at: None,
            operator: Some("KS".into()),
            confirmed: false,
        };
        let events = decide(board, &Config::default(), &command, &ctx).unwrap();
        for e in events.clone() {
            apply(board, e);
        }
        store.append(&events, board).unwrap();
    }

    fn morning(store: &Store) -> Board {
        let nine = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap();
        let mut board = Board::default();
        for (i, name) in ["山田 花子", "Tanaka", "Sato"].iter().enumerate() {
            run(
                store,
                &mut board,
                nine,
                Command::Arrive {
                    name: name.to_string(),
                    treatment: "drip".into(),
                    chart_no: Some(format!("C-{i}")),
                    key: None,
                },
            );
        }
        let id = VisitId(1);
        run(
            store,
            &mut board,
            nine + Duration::minutes(1),
            Command::Advance {
                visit: id,
                to: Stage::Counselling,
                bed: None,
                lot: None,
            },
        );
        run(
            store,
            &mut board,
            nine + Duration::minutes(2),
            Command::Undo {
                visit: id,
                reason: Some("entered by mistake".into()),
            },
        );
        run(
            store,
            &mut board,
            nine + Duration::minutes(3),
            Command::Cancel {
                visit: VisitId(2),
                reason: "left".into(),
            },
        );
        board
    }

    #[test]
    fn the_materialised_state_equals_the_replayed_log() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let board = morning(&store);
        assert_eq!(store.load_board().unwrap(), board);
        assert_eq!(store.rebuild().unwrap(), board);
        assert!(store.verify().unwrap().is_empty());
        assert_eq!(store.events().count(), 6);
    }

    #[test]
    fn the_board_survives_closing_and_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let board = {
            let store = Store::open(dir.path()).unwrap();
            morning(&store)
        };
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.load_board().unwrap(), board);
    }

    #[test]
    fn a_newer_schema_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            morning(&store);
            store
                .set_schema_version_for_test(SCHEMA_VERSION + 1)
                .unwrap();
        }
        let err = Store::open(dir.path()).err().unwrap().to_string();
        assert!(err.contains("newer than this flowboard"), "{err}");
        assert!(err.contains("upgrade flowboard"), "{err}");
    }

    #[test]
    fn a_damaged_materialised_state_is_found_by_verify_and_repaired_from_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let board = morning(&store);
        store.visits.remove(1u64.to_be_bytes()).unwrap();
        assert_eq!(store.verify().unwrap(), vec![VisitId(1)]);
        assert_eq!(store.repair().unwrap(), board);
        assert!(store.verify().unwrap().is_empty());
    }

    /// A database written by schema 2 (visits folded in the order they
    /// were typed) is folded again from its log on the first start.
    #[test]
    fn a_schema_2_database_is_refolded_from_its_log_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let board = {
            let store = Store::open(dir.path()).unwrap();
            let board = morning(&store);
            // What schema 2 would have held: a stale visit.
            let mut stale = board.visit(VisitId(1)).unwrap().clone();
            stale.name = "stale".into();
            store
                .visits
                .insert(1u64.to_be_bytes(), encode(&stale).unwrap())
                .unwrap();
            store.set_schema_version_for_test(2).unwrap();
            board
        };
        let store = Store::open(dir.path()).unwrap();
        assert!(store.verify().unwrap().is_empty());
        assert_eq!(store.load_board().unwrap().visits, board.visits);
        let version = store.meta.get(SCHEMA_KEY).unwrap().unwrap();
        assert_eq!(version.as_ref(), SCHEMA_VERSION.to_be_bytes());
    }
}
