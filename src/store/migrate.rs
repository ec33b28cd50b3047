//! The one-time migration of an older database, at the first start of a
//! newer flowboard, in batches, with progress lines in the log: the log's
//! events are copied into pages (`log_pages`); from before schema 3 each
//! visit is folded again from its own events (things in the order they
//! happened; and from before schema 5, for what the busy hour keeps on a
//! visit); then what schema 4 keeps beside the visits (patient history,
//! reaction rows, index keys) is derived from them. The old
//! trees (`log`, `visit_keys`) are dropped only after the new version is
//! written. The schema version is written last: a crash part-way
//! (kill -9, power cut) leaves the old version, and the next start begins
//! the migration again; folding again and deriving again give the same
//! rows, so nothing is lost or doubled. Memory: one batch, whatever the
//! records.

use std::time::Instant;

use super::{SCHEMA_KEY, SCHEMA_VERSION, Store, StoreError, log, u64_from};

/// Test hook: stop (sleep, holding the database) once this many visits
/// are migrated and flushed, so a test can kill the process part-way.
const PAUSE_AFTER: &str = "FLOWBOARD_TEST_PAUSE_MIGRATION_AFTER";

pub(super) fn run(store: &Store, from: u32, dir: &str) -> Result<(), StoreError> {
    let started = Instant::now();
    let total = store.visits.len() as u64;
    // Schema 5 keeps more on each visit (beds left and cleaned, nurses,
    // not displayed): folded again, as for schema 3.
    let refold = from < 5;
    tracing::info!(
        "migrating the database in {dir} from schema {from} to {SCHEMA_VERSION} ({}patient history, reaction rows, index): {total} visits; this happens once, and a start interrupted part-way begins it again",
        if refold {
            "visits folded again in the order things happened, "
        } else {
            ""
        }
    );
    if from < 4 {
        copy_log(store)?;
    }
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

/// Copies the log of one key per event (schema 3 and before) into pages,
/// again from the start if a copy was cut short. A database without the
/// old tree keeps its pages.
fn copy_log(store: &Store) -> Result<(), StoreError> {
    const BATCH_PAGES: usize = 64;
    if !store.db.tree_names().iter().any(|n| n.as_ref() == b"log") {
        return Ok(());
    }
    let old = store.db.open_tree("log")?;
    store.log.clear()?;
    let total = old.len() as u64;
    let step = (total / 10).max(10_000);
    let mut next_line = step;
    let mut done = 0u64;
    let mut batch = sled::Batch::default();
    let mut pages = 0;
    let mut page: Option<([u8; 8], Vec<u8>)> = None;
    for item in old.iter() {
        let (key, value) = item?;
        let key = log::page_of(u64_from(&key, "log key")?);
        match &mut page {
            Some((k, lines)) if *k == key => {
                lines.extend_from_slice(&value);
                lines.push(b'\n');
            }
            _ => {
                if let Some((k, lines)) = page.take() {
                    batch.insert(&k, lines);
                    pages += 1;
                }
                let mut lines = value.to_vec();
                lines.push(b'\n');
                page = Some((key, lines));
            }
        }
        done += 1;
        if pages == BATCH_PAGES {
            store.log.apply_batch(std::mem::take(&mut batch))?;
            pages = 0;
            if done >= next_line {
                tracing::info!("migrating: {done} of {total} events copied into log pages");
                next_line = done + step;
            }
        }
    }
    if let Some((k, lines)) = page {
        batch.insert(&k, lines);
    }
    store.log.apply_batch(batch)?;
    store.db.flush()?;
    Ok(())
}

/// Drops the trees older schemas kept, once the new ones are in place.
pub(super) fn drop_old_trees(store: &Store) -> Result<(), StoreError> {
    let names = store.db.tree_names();
    let mut dropped = false;
    for old in ["log", "visit_keys"] {
        if names.iter().any(|n| n.as_ref() == old.as_bytes()) {
            store.db.drop_tree(old)?;
            dropped = true;
        }
    }
    if dropped {
        store.db.flush()?;
    }
    Ok(())
}
