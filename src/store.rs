//! The sled store: an append-only event log and the materialised board,
//! written in one transaction and flushed before a command is acknowledged.
//!
//! Trees:
//! * `log`    — big-endian u64 sequence -> event (JSON);
//! * `visits` — big-endian u64 visit id -> visit as folded (JSON);
//! * `meta`   — `schema_version` (u32 BE), `last_seq` (u64 BE).
//!
//! The log is the truth; `visits` is a cache of `replay(log)` that makes the
//! server start fast. `verify` proves the two agree.

use std::path::Path;

use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::{Transactional, Tree};

use crate::domain::{Board, EventRecord, Visit, VisitId, replay};

/// Version of the on-disk layout. A newer database is refused.
pub const SCHEMA_VERSION: u32 = 1;

const SCHEMA_KEY: &[u8] = b"schema_version";
const LAST_SEQ_KEY: &[u8] = b"last_seq";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
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
}

impl Store {
    /// Opens (or creates) the database in `dir`. Only one process may hold
    /// it; a second gets `StoreError::Locked`.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        let shown = dir.parent().unwrap_or(dir).display().to_string();
        let db = sled::Config::new()
            .path(dir)
            .mode(sled::Mode::HighThroughput)
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
                && !visit_rows.iter().any(|(id, _)| *id == v.id)
            {
                visit_rows.push((v.id, encode(v)?));
            }
        }
        let last_seq = after.last_seq.to_be_bytes();
        (&self.log, &self.visits, &self.meta)
            .transaction(|(log, visits, meta)| {
                for (key, value) in &log_rows {
                    log.insert(key, value.as_slice())?;
                }
                for (id, value) in &visit_rows {
                    visits.insert(&id.0.to_be_bytes(), value.as_slice())?;
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
            Command::Undo { visit: id },
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
}
