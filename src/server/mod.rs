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
use crate::domain::{Board, Context, apply, decide};
use crate::paths::DataDir;
use crate::protocol::{ErrorBody, Query, QueryRequest, Reply, Request};
use crate::store::{Store, StoreError};

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

/// The board as published to every connection: the value (for the wall's
/// projection) and its JSON, encoded once per change, not once per client,
/// and shared by every connection's queue.
pub struct Published {
    pub board: Board,
    pub json: Arc<str>,
}

impl Published {
    fn new(board: Board) -> Arc<Published> {
        // Serializing plain data cannot fail (no non-string map keys, no
        // custom serializers that error); an empty board is the fallback.
        let json = serde_json::to_string(&board).unwrap_or_else(|_| "{}".to_string());
        Arc::new(Published {
            board,
            json: Arc::from(json),
        })
    }
}

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
}

/// What every connection shares.
pub(crate) struct Shared {
    config: Arc<Config>,
    config_json: Arc<str>,
    board_rx: watch::Receiver<Arc<Published>>,
    wall_tx: Arc<watch::Sender<Arc<WallPublished>>>,
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
        let store = Store::open(&data.db())?;
        // Files an older flowboard (or a loose umask) left readable by
        // others are made the owner's alone.
        if let Err(e) = crate::paths::make_private(&data.db()) {
            tracing::warn!("cannot make {} private: {e}", data.db().display());
        }
        let mut board = store.load_board()?;
        let bad = store.is_behind(&board)?;
        if bad {
            tracing::warn!("materialised state behind the log: rebuilding from the log");
            board = store.repair()?;
        }
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
        let (board_tx, board_rx) = watch::channel(Published::new(board.clone()));
        let wall_tx = Arc::new(wall_feed::start(board_rx.clone(), Arc::clone(&config)));
        let (jobs, jobs_rx) = mpsc::channel(256);
        let writer_config = Arc::clone(&config);
        let root = data.root().to_path_buf();
        std::thread::Builder::new()
            .name("flowboard-writer".into())
            .spawn(move || writer(store, board, &writer_config, &root, jobs_rx, board_tx))
            .map_err(|source| ServeError::DataDir {
                dir: data.root().display().to_string(),
                source,
            })?;
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
            board_rx,
            wall_tx,
            jobs: jobs.clone(),
            owner_uid,
            group: group.map(Arc::new),
            pins: data.pins(),
            gate,
            handshake,
            bounds,
            quiet: Quiet::new(),
        });
        Ok(Server {
            listener,
            data,
            shared,
            jobs,
        })
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
fn writer(
    store: Store,
    mut board: Board,
    config: &Config,
    root: &std::path::Path,
    mut jobs: mpsc::Receiver<Job>,
    board_tx: watch::Sender<Arc<Published>>,
) {
    while let Some(job) = jobs.blocking_recv() {
        let request = match job.work {
            Work::Command(r) => r,
            Work::Query(q) => {
                let _ = job.reply.send(answer(&store, root, q));
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
        let reply = match decide(&board, config, &command, &ctx) {
            Err(rejection) => Reply::failed(id, ErrorBody::rejected(&rejection)),
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
                        tracing::info!(
                            "recorded {} for visit {}",
                            events
                                .iter()
                                .map(|e| e.kind.name())
                                .collect::<Vec<_>>()
                                .join(", "),
                            events.first().map_or(0, |e| e.visit.0)
                        );
                        board.prune(ctx.now - chrono::Duration::hours(WINDOW_HOURS));
                        board_tx.send_replace(Published::new(board.clone()));
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
        let _ = job.reply.send(reply);
    }
}

/// Answers a query from the store.
fn answer(store: &Store, root: &std::path::Path, q: QueryRequest) -> Reply {
    let data = match q.query {
        Query::Visits { from, to } => {
            if to < from {
                return Reply::failed(
                    q.id,
                    ErrorBody::new(
                        "bad_range",
                        "the range ends before it starts: give --from before --to",
                    ),
                );
            }
            store
                .visits_between(from, to)
                .map(|v| serde_json::json!({ "visits": v }))
        }
        Query::TraceLot { lot } => store
            .trace_lot(lot.trim())
            .map(|v| serde_json::json!({ "visits": v })),
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
        Query::Verify => store.verify().map(|bad| {
            serde_json::json!({
                "ok": bad.is_empty(),
                "events": store.events().count(),
                "disagree": bad,
            })
        }),
    };
    match data {
        Ok(data) => Reply {
            id: q.id,
            ok: true,
            visit: None,
            events: Vec::new(),
            error: None,
            data: Some(data),
        },
        Err(e) => Reply::failed(q.id, ErrorBody::new("storage", e.to_string())),
    }
}
