//! The one-time migration of an older database, at the first start of a
//! newer flowboard. Visit by visit, in batches, with a progress line in
//! the log: from before schema 3 each visit is folded again from its own
//! events (things in the order they happened); then what schema 4 keeps
//! beside the visits (patient history, reaction rows, index keys) is
//! derived from them. The schema version is written last: a crash part-way
//! (kill -9, power cut) leaves the old version, and the next start begins
//! the migration again; folding again and deriving again give the same
//! rows, so nothing is lost or doubled. Memory: one batch, whatever the
//! records.

use std::time::Instant;

use super::{SCHEMA_KEY, SCHEMA_VERSION, Store, StoreError};

/// Test hook: stop (sleep, holding the database) once this many visits
/// are migrated and flushed, so a test can kill the process part-way.
const PAUSE_AFTER: &str = "FLOWBOARD_TEST_PAUSE_MIGRATION_AFTER";

pub(super) fn run(store: &Store, from: u32, dir: &str) -> Result<(), StoreError> {
    let started = Instant::now();
    let total = store.visits.len() as u64;
    let refold = from < 3;
    tracing::info!(
        "migrating the database in {dir} from schema {from} to {SCHEMA_VERSION} ({}patient history, reaction rows, index): {total} visits; this happens once, and a start interrupted part-way begins it again",
        if refold {
            "visits folded again in the order things happened, "
        } else {
            ""
        }
    );
    let pause_after: Option<u64> = std::env::var(PAUSE_AFTER).ok().and_then(|v| v.parse().ok());
    let step = (total / 10).max(250);
    let mut next_line = step;
    store.rebuild_derived(refold, |done, total| {
        if done >= next_line && done < total {
            tracing::info!(
                "migrating: {done} of {total} visits ({}%)",
                done * 100 / total.max(1)
            );
            next_line = done + step;
        }
        if pause_after.is_some_and(|n| done >= n) {
            tracing::warn!("migration paused after {done} visits ({PAUSE_AFTER})");
            loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            }
        }
        Ok(())
    })?;
    store
        .meta
        .insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())?;
    store.db.flush()?;
    tracing::info!(
        "migrated {total} visits to schema {SCHEMA_VERSION} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
