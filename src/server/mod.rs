//! `flowboard serve`: the one process that owns the sled database.
//!
//! Every write goes through one writer thread, one command at a time:
//! decide -> append + flush -> apply -> acknowledge -> broadcast. So three
//! terminals can never race each other into a lost update, and nothing is
//! acknowledged before it is on disk. Read-only connections are refused
//! any command here, whatever the client does; `wall` connections receive
//! only the wall's projection and may send nothing.
//!
//! * [`conn`] — one connection: who it is, its hello, its role's loop.
//! * [`gate`] — how many may connect, and the handshake deadline.
//! * [`outbox`] — each connection's bounded outgoing queue.
//! * [`wall_feed`] — the wall's projection, recomputed and published.
//!
//! After each command the writer publishes what changed on the change
//! feed ([`crate::feed`]): staff connections send it on, the wall's feed
//! keeps its board by it. Nothing clones or encodes the board per command.
//! * [`place`] — the socket's place and the limit of open files.

mod conn;
pub mod gate;
pub mod outbox;
mod place;
mod wall_feed;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::net::UnixListener;
use tokio::sync::{mpsc, oneshot, watch};

use crate::access::{SocketGroup, apply_modes};
use crate::config::Config;
use crate::domain::{Board, Context, EventRecord, VisitId, apply, charts_read, decide};
use crate::feed::Feed;
use crate::paths::DataDir;
use crate::protocol::{
    Changes, DEFAULT_PAGE, ErrorBody, Query, QueryRequest, Reply, Request, VisitChange, cursor_key,
    cursor_text,
};
use crate::store::{EventStore, Page, PageLimit, Store, StoreError, StoreOptions};

pub use wall_feed::WallPublished;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot use data directory {dir}: {source}")]
    DataDir { dir: String, source: std::io::Error },
    #[error("cannot listen on {socket}: {source}")]
    Listen {
        socket: String,
        source: std::io::Error,
    },
    #[error("cannot listen on {socket}: {problem}")]
    SocketPlace { socket: String, problem: String },
}

/// How long closed visits stay in the server's working window (memory and
/// the wire). The board shows today's; the store keeps everything.
const WINDOW_HOURS: i64 = 36;

/// Open files the server keeps for itself (the database, the log, the
/// listener) beyond its connections.
const RESERVED_FILES: u64 = 64;

/// Work for the writer, with where to send the answer.
struct Job {
    work: Work,
    reply: oneshot::Sender<Reply>,
}

enum Work {
    Command(Request),
    /// Queries run in the writer too, between commands, so a report or a
    /// backup never sees half a command.
    Query(QueryRequest),
    /// The board as it is between two commands: for a new connection's
    /// welcome, one that fell behind the changes, and the wall's feed.
    Board(oneshot::Sender<Board>),
}

/// The board as the writer holds it between two commands (`None`: the
/// server is stopping).
async fn board_now(jobs: &mpsc::Sender<Job>) -> Option<Board> {
    let (to, board) = oneshot::channel();
    let (reply, _) = oneshot::channel();
    jobs.send(Job {
        work: Work::Board(to),
        reply,
    })
    .await
    .ok()?;
    board.await.ok()
}

/// What every connection shares.
pub(crate) struct Shared {
    config: Arc<Config>,
    config_json: Arc<str>,
    feed: Feed,
    wall_tx: Arc<watch::Sender<Arc<WallPublished>>>,
    /// Told when a wall connects: the wall's feed starts keeping time.
    wall_joined: Arc<tokio::sync::Notify>,
    jobs: mpsc::Sender<Job>,
    owner_uid: u32,
    group: Option<Arc<SocketGroup>>,
    /// The doctors' PIN hashes.
    pins: std::path::PathBuf,
    gate: Arc<gate::Gate>,
    handshake: Duration,
    bounds: outbox::Bounds,
    /// Log lines that a flood would repeat: one per interval.
    quiet: Quiet,
    /// The shipper's status, when the branch is in a group.
    shipping: Option<crate::group::ship::Shipping>,
}

/// The throttles of the log lines a flood would repeat.
pub(crate) struct Quiet {
    no_hello: gate::SharedThrottle,
    full: gate::SharedThrottle,
    behind: gate::SharedThrottle,
    /// Walls that attach (one a boot, or a reconnection): said in the log,
    /// with what the wall says of its screen.
    walls: gate::SharedThrottle,
}

/// How often a repeated log line may be written.
const LOG_EVERY: Duration = Duration::from_secs(10);

impl Quiet {
    fn new() -> Quiet {
        let throttle = || Arc::new(std::sync::Mutex::new(gate::Throttle::new(LOG_EVERY)));
        Quiet {
            no_hello: throttle(),
            full: throttle(),
            behind: throttle(),
            walls: throttle(),
        }
    }
}

/// A running server: the database is open and the socket is listening.
pub struct Server {
    listener: UnixListener,
    data: DataDir,
    shared: Arc<Shared>,
    jobs: mpsc::Sender<Job>,
    start_reads: u64,
}

impl Server {
    /// Opens the store (refused if another server holds it), replaces a
    /// stale socket left by a crash, and binds the socket with mode 0600,
    /// or 0660 for `group` (resolved from the config's `socket_group`).
    pub fn bind(
        data: DataDir,
        config: Config,
        group: Option<SocketGroup>,
    ) -> Result<Server, ServeError> {
        data.create().map_err(|source| ServeError::DataDir {
            dir: data.root().display().to_string(),
            source,
        })?;
        let files = place::raise_file_limit();
        let started = Instant::now();
        let options = StoreOptions {
            cache_bytes: u64::from(config.store.cache_mb) * 1024 * 1024,
        };
        let store = Arc::new(Store::open_with(&data.db(), options)?);
        // Files an older flowboard (or a loose umask) left readable by
        // others are made the owner's alone.
        if let Err(e) = crate::paths::make_private(&data.db()) {
            tracing::warn!("cannot make {} private: {e}", data.db().display());
        }
        // Only the working window: the start costs the same after ten
        // years of records as after one day.
        let since = Utc::now() - chrono::Duration::hours(WINDOW_HOURS);
        let mut board = store.load_window(since)?;
        if store.is_behind(&board)? {
            tracing::warn!("materialised state behind the log: rebuilding from the log");
            store.repair()?;
            board = store.load_window(since)?;
        }
        let start_reads = store.visits_read();
        tracing::info!(
            "working window: {} visits ({start_reads} read from the store) in {:.0} ms",
            board.visits.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );
        // The store lock proves no other server runs here: whatever is at
        // the socket's place is left over, and goes (or is reported).
        let socket = data.socket();
        place::clear_socket_place(&socket).map_err(|problem| ServeError::SocketPlace {
            socket: socket.display().to_string(),
            problem,
        })?;
        let listener = UnixListener::bind(&socket).map_err(|source| ServeError::Listen {
            socket: socket.display().to_string(),
            source,
        })?;
        apply_modes(
            data.root(),
            &socket,
            &data.db(),
            &data.log(),
            group.as_ref(),
        )
        .map_err(|source| ServeError::Listen {
            socket: socket.display().to_string(),
            source,
        })?;
        let owner_uid = nix::unistd::geteuid().as_raw();
        board.prune(Utc::now() - chrono::Duration::hours(WINDOW_HOURS));
        // Each connection takes one open file, and as many may wait for
        // their hello as are let in: the limit fits the files we have.
        let limits = config.server.clone();
        let fit = files.saturating_sub(RESERVED_FILES) / 2;
        let max = u64::from(limits.max_connections).min(fit.max(1));
        if max < u64::from(limits.max_connections) {
            tracing::warn!(
                "server.max_connections {} lowered to {max}: the limit of open files is {files}",
                limits.max_connections
            );
        }
        let gate = gate::Gate::new(usize::try_from(max).unwrap_or(1));
        let handshake = Duration::from_millis(u64::from(limits.handshake_timeout_ms));
        let bounds = outbox::Bounds {
            lines: usize::try_from(limits.send_queue_lines).unwrap_or(256),
            bytes: usize::try_from(limits.send_queue_kib)
                .unwrap_or(16_384)
                .saturating_mul(1024),
        };
        let config = Arc::new(config);
        let config_json: Arc<str> =
            Arc::from(serde_json::to_string(&*config).unwrap_or_else(|_| "{}".to_string()));
        let feed = Feed::default();
        let (jobs, jobs_rx) = mpsc::channel(256);
        let wall_joined = Arc::new(tokio::sync::Notify::new());
        let wall_tx = Arc::new(wall_feed::start(
            feed.clone(),
            jobs.clone(),
            Arc::clone(&config),
            Arc::clone(&wall_joined),
        ));
        let writer_config = Arc::clone(&config);
        let writer_feed = feed.clone();
        let root = data.root().to_path_buf();
        // The highest sequence number durable in the store: the writer
        // raises it after each flush, the shipper follows it.
        let (durable_tx, durable) = watch::channel(board.last_seq);
        let writer_store = Arc::clone(&store);
        std::thread::Builder::new()
            .name("flowboard-writer".into())
            .spawn(move || {
                writer(
                    &*writer_store,
                    board,
                    &writer_config,
                    &root,
                    jobs_rx,
                    writer_feed,
                    durable_tx,
                )
            })
            .map_err(|source| ServeError::DataDir {
                dir: data.root().display().to_string(),
                source,
            })?;
        // The shipper follows what the writer flushed; nothing waits for it.
        let shipping = config
            .group
            .as_ref()
            .map(|g| crate::group::ship::start(Arc::clone(&store), g, durable.clone()));
        tracing::info!(
            "flowboard {} serving {} on {} (at most {max} connections, hello within {} ms, open files {files})",
            env!("CARGO_PKG_VERSION"),
            data.root().display(),
            socket.display(),
            limits.handshake_timeout_ms,
        );
        let shared = Arc::new(Shared {
            config,
            config_json,
            feed,
            wall_tx,
            wall_joined,
            jobs: jobs.clone(),
            owner_uid,
            group: group.map(Arc::new),
            pins: data.pins(),
            gate,
            handshake,
            bounds,
            quiet: Quiet::new(),
            shipping,
        });
        Ok(Server {
            listener,
            data,
            shared,
            jobs,
            start_reads,
        })
    }

    /// How many stored visits the start read: the working window, never
    /// every visit on record.
    pub fn visits_read_at_start(&self) -> u64 {
        self.start_reads
    }

    /// Accepts connections until SIGTERM or SIGINT; SIGHUP is ignored (the
    /// server outlives the terminal that started it).
    pub async fn run(self) -> std::io::Result<()> {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        let mut hup = signal(SignalKind::hangup())?;
        let mut failures = gate::Throttle::new(LOG_EVERY);
        let mut backoff = ACCEPT_BACKOFF_MIN;
        loop {
            tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        backoff = ACCEPT_BACKOFF_MIN;
                        let shared = Arc::clone(&self.shared);
                        let waiting = shared.gate.arrive();
                        tokio::spawn(async move {
                            if let Err(e) = conn::serve(shared, stream, waiting).await {
                                tracing::debug!("connection ended: {e}");
                            }
                        });
                    }
                    Err(e) => {
                        // Out of file descriptors (or memory): the pending
                        // connection stays in the backlog and accept fails
                        // again at once. Pause, and say so once an interval,
                        // never in a loop.
                        if let Some(n) = failures.hit(Instant::now()) {
                            tracing::warn!(
                                "accept failed {n} time(s) in the last {}s: {e}; pausing accepts {} ms at a time",
                                LOG_EVERY.as_secs(),
                                backoff.as_millis()
                            );
                        }
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                    }
                },
                _ = term.recv() => break,
                _ = int.recv() => break,
                _ = hup.recv() => tracing::info!("SIGHUP ignored"),
            }
        }
        tracing::info!("shutting down");
        let _ = std::fs::remove_file(self.data.socket());
        // Every acknowledged command was flushed before its ack; dropping
        // the job senders lets the writer finish the one in hand and exit.
        drop(self.jobs);
        drop(self.shared);
        Ok(())
    }
}

/// The first pause after a failed accept, and the longest.
const ACCEPT_BACKOFF_MIN: Duration = Duration::from_millis(50);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// The writer: the only code that changes the board or the store.
fn writer<S: EventStore>(
    store: &S,
    mut board: Board,
    config: &Config,
    root: &std::path::Path,
    mut jobs: mpsc::Receiver<Job>,
    feed: Feed,
    durable: watch::Sender<u64>,
) {
    // Visits leave the window at most once a minute, not at every command.
    let mut pruned = Instant::now();
    while let Some(job) = jobs.blocking_recv() {
        let request = match job.work {
            Work::Command(r) => r,
            Work::Query(q) => {
                let _ = job.reply.send(answer(store, root, q));
                continue;
            }
            Work::Board(to) => {
                let _ = to.send(board.clone());
                continue;
            }
        };
        let Request {
            id,
            at,
            operator,
            command,
            confirm,
            pin: _,
        } = request;
        let ctx = Context {
            now: Utc::now(),
            at,
            operator,
            confirmed: confirm,
        };
        // A retried arrival (same key) gets the first one's answer and
        // records nothing.
        if let crate::domain::Command::Arrive { key: Some(key), .. } = &command
            && let Some((visit, seq)) = board.arrival_with_key(&crate::domain::text::sanitize(key))
        {
            let _ = job.reply.send(Reply {
                id,
                ok: true,
                visit: Some(visit),
                events: vec![seq],
                error: None,
                data: None,
            });
            continue;
        }
        // The patient histories this command reads come from the store
        // (which keeps every chart), not from the window in memory.
        let mut histories = Ok(());
        for chart in charts_read(&board, &command) {
            match store.chart_history(&chart) {
                Ok(history) => {
                    board.charts.insert(chart, history);
                }
                Err(e) => histories = Err(e),
            }
        }
        let decided = match histories {
            Ok(()) => decide(&board, config, &command, &ctx).map_err(|r| ErrorBody::rejected(&r)),
            Err(e) => {
                tracing::error!("store read failed: {e}");
                Err(ErrorBody::new(
                    "storage",
                    format!("not saved: the patient history could not be read ({e})"),
                ))
            }
        };
        let reply = match decided {
            Err(body) => Reply::failed(id, body),
            Ok(events) => {
                // Apply in place; on a failed write put back what changed.
                let before: Vec<_> = events
                    .iter()
                    .map(|e| (e.visit, board.visits.get(&e.visit).cloned()))
                    .collect();
                let (seq_before, visit_before) = (board.last_seq, board.last_visit);
                for e in events.iter().cloned() {
                    apply(&mut board, e);
                }
                match store.append(&events, &board) {
                    Ok(()) => {
                        // Never waits: the shipper reads when it can.
                        durable.send_replace(board.last_seq);
                        tracing::info!(
                            "recorded {} for visit {}",
                            events
                                .iter()
                                .map(|e| e.kind.name())
                                .collect::<Vec<_>>()
                                .join(", "),
                            events.first().map_or(0, |e| e.visit.0)
                        );
                        let removed = if pruned.elapsed() >= Duration::from_secs(60) {
                            pruned = Instant::now();
                            let before: Vec<VisitId> = board.visits.keys().copied().collect();
                            board.prune(ctx.now - chrono::Duration::hours(WINDOW_HOURS));
                            before
                                .into_iter()
                                .filter(|id| !board.visits.contains_key(id))
                                .collect()
                        } else {
                            Vec::new()
                        };
                        feed.publish(changes(&board, &events, seq_before, removed));
                        Reply {
                            id,
                            ok: true,
                            visit: events.first().map(|e| e.visit),
                            events: events.iter().map(|e| e.seq).collect(),
                            error: None,
                            data: None,
                        }
                    }
                    Err(e) => {
                        for (id, old) in before.into_iter().rev() {
                            match old {
                                Some(v) => board.visits.insert(id, v),
                                None => board.visits.remove(&id),
                            };
                        }
                        board.last_seq = seq_before;
                        board.last_visit = visit_before;
                        tracing::error!("store write failed: {e}");
                        Reply::failed(
                            id,
                            ErrorBody::new(
                                "storage",
                                format!("not saved: the database could not be written ({e})"),
                            ),
                        )
                    }
                }
            }
        };
        // Histories are read per command: what stays in memory is the
        // working window only.
        board.charts.clear();
        let _ = job.reply.send(reply);
    }
}

/// What `events` changed on `board` (which holds them now).
fn changes(board: &Board, events: &[EventRecord], base: u64, removed: Vec<VisitId>) -> Changes {
    let mut visits: Vec<VisitChange> = Vec::new();
    for e in events {
        match visits.iter_mut().find(|c| c.visit.id == e.visit) {
            Some(change) => change.events.push(e.clone()),
            None => {
                if let Some(v) = board.visit(e.visit) {
                    visits.push(VisitChange::of(v, vec![e.clone()]));
                }
            }
        }
    }
    Changes {
        base,
        seq: board.last_seq,
        last_visit: board.last_visit,
        visits,
        removed: removed
            .into_iter()
            .filter(|id| !events.iter().any(|e| e.visit == *id))
            .collect(),
    }
}

/// Answers a query from the store.
fn answer<S: EventStore>(store: &S, root: &std::path::Path, q: QueryRequest) -> Reply {
    let id = q.id;
    let bad = |code: &str, message: &str| Reply::failed(id, ErrorBody::new(code, message));
    let limit = |limit: Option<u32>| PageLimit {
        items: limit.unwrap_or(DEFAULT_PAGE) as usize,
        bytes: PageLimit::MAX.bytes,
    };
    let cursor = |after: &Option<String>| match after {
        None => Ok(None),
        Some(text) => cursor_key(text).map(Some).ok_or(()),
    };
    let backwards = "the range ends before it starts: give --from before --to";
    let not_a_cursor = "`after` is not a cursor: give the `next` of the previous page as it came";
    let data = match q.query {
        Query::Visits {
            from,
            to,
            after,
            limit: n,
        } => {
            if to < from {
                return bad("bad_range", backwards);
            }
            let Ok(after) = cursor(&after) else {
                return bad("bad_request", not_a_cursor);
            };
            store
                .visits_page(from, to, after.as_deref(), limit(n))
                .map(|page| paged("visits", page, None))
        }
        Query::TraceLot {
            lot,
            after,
            limit: n,
        } => {
            let Ok(after) = cursor(&after) else {
                return bad("bad_request", not_a_cursor);
            };
            let lot = lot.trim();
            let total = match after {
                None => store.count_lot(lot).map(Some),
                Some(_) => Ok(None),
            };
            total.and_then(|total| {
                store
                    .lot_page(lot, after.as_deref(), limit(n))
                    .map(|page| paged("visits", page, total))
            })
        }
        Query::Reactions {
            from,
            to,
            after,
            limit: n,
        } => {
            if to < from {
                return bad("bad_range", backwards);
            }
            let Ok(after) = cursor(&after) else {
                return bad("bad_request", not_a_cursor);
            };
            let total = match after {
                None => store.count_reactions(from, to).map(Some),
                Some(_) => Ok(None),
            };
            total.and_then(|total| {
                store
                    .reactions_page(from, to, after.as_deref(), limit(n))
                    .map(|page| paged("reactions", page, total))
            })
        }
        Query::Backup { dir } => {
            if let Err((code, message)) = place::check_backup_dir(&dir, root) {
                return Reply::failed(q.id, ErrorBody::new(code, message));
            }
            store.backup(&dir).map(|manifest| {
                tracing::info!(
                    "backup of {} events into {}",
                    manifest.events,
                    dir.display()
                );
                serde_json::json!({
                    "events": manifest.events,
                    "dir": dir,
                    "checksum": manifest.checksum,
                })
            })
        }
        // Answered by the connection itself (the shipper's state).
        Query::Shipping => Ok(serde_json::Value::Null),
        Query::Verify => store.verify().and_then(|bad| {
            Ok(serde_json::json!({
                "ok": bad.is_empty(),
                "events": store.event_count()?,
                "disagree": bad,
            }))
        }),
    };
    match data {
        Ok(data) => Reply {
            id,
            ok: true,
            visit: None,
            events: Vec::new(),
            error: None,
            data: Some(data),
        },
        Err(e) => Reply::failed(id, ErrorBody::new("storage", e.to_string())),
    }
}

/// A page as the answer's `data`: the items under `name`, `next` when
/// there is more, `total` (of the whole answer) on the first page.
fn paged<T: serde::Serialize>(name: &str, page: Page<T>, total: Option<u64>) -> serde_json::Value {
    let mut data = serde_json::Map::new();
    data.insert(
        name.to_string(),
        serde_json::to_value(&page.items).unwrap_or_default(),
    );
    if let Some(next) = page.next {
        data.insert("next".into(), cursor_text(&next).into());
    }
    if let Some(total) = total {
        data.insert("total".into(), total.into());
    }
    serde_json::Value::Object(data)
}
