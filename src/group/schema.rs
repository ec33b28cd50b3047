//! The group database's tables, created and migrated by the program.
//!
//! `schema_version` lists the migrations applied. Every connection checks
//! it ([`ensure`]): the current version goes on; an older one is migrated
//! (under an advisory lock, one migration per transaction) when the role
//! may create tables, and otherwise refused with what to run; a newer one
//! is refused (upgrade flowboard).
//!
//! The event log is `events`: the store's [`LogRow`](crate::store::LogRow)
//! as columns, primary key (site, seq), and index columns derived from
//! the event at insert (lot, chart number, arrival, reaction). Version 2
//! adds the lot rows, `administrations` (see [`super::lots`]), and fills
//! them from the events already shipped.

use tokio_postgres::Client;

use super::GroupError;

/// Each migration's SQL, in order: version n is `MIGRATIONS[n - 1]`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the event log, the sites' shipping state.
    "CREATE TABLE events (
        site        text        NOT NULL,
        seq         bigint      NOT NULL CHECK (seq > 0),
        visit       bigint      NOT NULL,
        at          timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        operator    text,
        kind        text        NOT NULL,
        body        jsonb       NOT NULL,
        lot         text,
        chart_no    text,
        arrival     timestamptz,
        reaction    boolean     NOT NULL DEFAULT false,
        shipped_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (site, seq)
    );
    CREATE INDEX events_visit ON events (site, visit);
    CREATE INDEX events_lot ON events (lot) WHERE lot IS NOT NULL;
    CREATE INDEX events_chart_no ON events (chart_no) WHERE chart_no IS NOT NULL;
    CREATE INDEX events_arrival ON events (arrival) WHERE arrival IS NOT NULL;
    CREATE INDEX events_reaction ON events (at) WHERE reaction;
    CREATE TABLE sites (
        site          text PRIMARY KEY,
        last_seq      bigint NOT NULL DEFAULT 0,
        last_event_at timestamptz,
        last_contact  timestamptz,
        last_error    text,
        error_at      timestamptz
    );",
    // 2: the lot rows (see `lots`): one per administered visit per site,
    // written by the shipper in each batch's transaction; filled here
    // for what was shipped before (`fill`, in Rust, after this SQL).
    "CREATE TABLE administrations (
        site   text   NOT NULL,
        visit  bigint NOT NULL,
        seq    bigint NOT NULL CHECK (seq > 0),
        lot    text,
        at     timestamptz,
        row    jsonb,
        PRIMARY KEY (site, visit)
    );
    CREATE INDEX administrations_lot ON administrations (lot) WHERE lot IS NOT NULL;
    ALTER TABLE sites ADD COLUMN folded_seq bigint NOT NULL DEFAULT 0;",
];

/// The version this flowboard writes and reads.
pub const VERSION: i32 = MIGRATIONS.len() as i32;

/// The NOTIFY channel told the site after each batch.
pub const CHANNEL: &str = "flowboard_events";

/// The version the database is at (0: no tables yet).
pub async fn version(client: &Client) -> Result<i32, GroupError> {
    let exists: bool = client
        .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])
        .await?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let v: Option<i32> = client
        .query_one("SELECT max(version) FROM schema_version", &[])
        .await?
        .get(0);
    Ok(v.unwrap_or(0))
}

/// Migrates the database to [`VERSION`]: each missing migration in its
/// own transaction, under an advisory lock (two servers starting at once
/// do not both migrate; a shipper waits for the lot rows' fill).
/// `progress` hears a line per step of a long one. Returns the versions
/// applied.
pub async fn migrate(
    client: &mut Client,
    progress: &mut (dyn FnMut(&str) + Send),
) -> Result<Vec<i32>, GroupError> {
    let mut applied = Vec::new();
    let tx = client.transaction().await?;
    tx.batch_execute(
        "SELECT pg_advisory_xact_lock(7140214);
         CREATE TABLE IF NOT EXISTS schema_version (
            version    integer PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
         );",
    )
    .await?;
    tx.commit().await?;
    loop {
        let tx = client.transaction().await?;
        tx.batch_execute("SELECT pg_advisory_xact_lock(7140214)")
            .await?;
        let current: i32 = tx
            .query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[])
            .await?
            .get(0);
        if current > VERSION {
            return Err(newer(current));
        }
        if current == VERSION {
            tx.commit().await?;
            return Ok(applied);
        }
        let next = current + 1;
        tx.batch_execute(MIGRATIONS[(next - 1) as usize]).await?;
        if next == 2 {
            // The rows of what was shipped before, folded in Rust.
            super::lots::fill(&tx, progress).await?;
        }
        tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&next])
            .await?;
        tx.commit().await?;
        applied.push(next);
    }
}

fn newer(found: i32) -> GroupError {
    GroupError::Schema(format!(
        "the group database has schema version {found}, newer than this flowboard understands ({VERSION}): upgrade flowboard"
    ))
}

/// Checks the schema at a connection: current goes on, older is migrated
/// when this role may (else refused saying what to run), newer refused.
pub async fn ensure(client: &mut Client) -> Result<(), GroupError> {
    let found = version(client).await?;
    if found == VERSION {
        return Ok(());
    }
    if found > VERSION {
        return Err(newer(found));
    }
    let mut progress = |line: &str| tracing::info!("group: migrating: {line}");
    match migrate(client, &mut progress).await {
        Ok(_) => Ok(()),
        Err(GroupError::Db(e))
            if e.code() == Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) =>
        {
            Err(GroupError::Schema(format!(
                "the group database has schema version {found}, this flowboard needs {VERSION}, and this role may not create tables: run `flowboard group migrate` as the database's owner"
            )))
        }
        Err(e) => Err(e),
    }
}
