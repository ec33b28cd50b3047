//! `flowboard serve`: the one process that owns the sled database.
//!
//! Every write goes through one writer thread, one command at a time:
//! decide -> append + flush -> apply -> acknowledge -> broadcast. So three
//! terminals can never race each other into a lost update, and nothing is
//! acknowledged before it is on disk. Read-only connections are refused
//! any command here, whatever the client does.

use std::os::unix::fs::MetadataExt;
use std::sync::Arc;

use chrono::Utc;
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, oneshot};

use crate::access::{Peer, SocketGroup, apply_modes, may_attach};
use crate::client::{LineRead, read_bounded_line};
use crate::config::Config;
use crate::domain::{Board, Context, VisitId, apply, charts_read, decide};
use crate::feed::{Feed, Follower, Next};
use crate::paths::DataDir;
use crate::protocol::{
    Changes, ClientMsg, DEFAULT_PAGE, ErrorBody, MAX_LINE_BYTES, PROTOCOL_VERSION, Query,
    QueryRequest, Reply, Request, Role, ServerMsg, VisitChange, Welcome, cursor_key, cursor_text,
    encode,
};
use crate::store::{Page, PageLimit, Store, StoreError, StoreOptions};

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
}

/// How long closed visits stay in the server's working window (memory and
/// the wire). The board shows today's; the store keeps everything.
const WINDOW_HOURS: i64 = 36;

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
    /// welcome, and for one that fell behind the changes.
    Board(oneshot::Sender<Board>),
}

/// A running server: the database is open and the socket is listening.
pub struct Server {
    listener: UnixListener,
    data: DataDir,
    config: Arc<Config>,
    feed: Feed,
    jobs: mpsc::Sender<Job>,
    owner_uid: u32,
    group: Option<Arc<SocketGroup>>,
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
        let started = std::time::Instant::now();
        let options = StoreOptions {
            cache_bytes: u64::from(config.store.cache_mb) * 1024 * 1024,
        };
        let store = Store::open_with(&data.db(), options)?;
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
        // The store lock proves no other server runs here: a socket file
        // left over is from a crash and can go.
        let socket = data.socket();
        if socket.exists() {
            let _ = std::fs::remove_file(&socket);
        }
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
        let owner_uid = std::fs::metadata(&socket)
            .map_err(|source| ServeError::Listen {
                socket: socket.display().to_string(),
                source,
            })?
            .uid();
        board.prune(Utc::now() - chrono::Duration::hours(WINDOW_HOURS));
        let config = Arc::new(config);
        let feed = Feed::default();
        let (jobs, jobs_rx) = mpsc::channel(256);
        let writer_config = Arc::clone(&config);
        let writer_feed = feed.clone();
        std::thread::Builder::new()
            .name("flowboard-writer".into())
            .spawn(move || writer(store, board, &writer_config, jobs_rx, writer_feed))
            .map_err(|source| ServeError::DataDir {
                dir: data.root().display().to_string(),
                source,
            })?;
        tracing::info!(
            "flowboard {} serving {} on {}",
            env!("CARGO_PKG_VERSION"),
            data.root().display(),
            socket.display()
        );
        Ok(Server {
            listener,
            data,
            config,
            feed,
            jobs,
            owner_uid,
            group: group.map(Arc::new),
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
        loop {
            tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        let conn = Conn {
                            config: Arc::clone(&self.config),
                            feed: self.feed.clone(),
                            jobs: self.jobs.clone(),
                            owner_uid: self.owner_uid,
                            group: self.group.clone(),
                            pins: self.data.pins(),
                            member: None,
                        };
                        tokio::spawn(async move {
                            if let Err(e) = conn.serve(stream).await {
                                tracing::debug!("connection ended: {e}");
                            }
                        });
                    }
                    Err(e) => tracing::warn!("accept failed: {e}"),
                },
                _ = term.recv() => break,
                _ = int.recv() => break,
                _ = hup.recv() => tracing::info!("SIGHUP ignored"),
            }
        }
        tracing::info!("shutting down");
        let _ = std::fs::remove_file(self.data.socket());
        // Every acknowledged command was flushed before its ack; dropping
        // the job sender lets the writer finish the one in hand and exit.
        drop(self.jobs);
        Ok(())
    }
}

/// The writer: the only code that changes the board or the store.
fn writer(
    store: Store,
    mut board: Board,
    config: &Config,
    mut jobs: mpsc::Receiver<Job>,
    feed: Feed,
) {
    // Visits leave the window at most once a minute, not at every command.
    let mut pruned = std::time::Instant::now();
    while let Some(job) = jobs.blocking_recv() {
        let request = match job.work {
            Work::Command(r) => r,
            Work::Query(q) => {
                let _ = job.reply.send(answer(&store, q));
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
                        tracing::info!(
                            "recorded {} for visit {}",
                            events
                                .iter()
                                .map(|e| e.kind.name())
                                .collect::<Vec<_>>()
                                .join(", "),
                            events.first().map_or(0, |e| e.visit.0)
                        );
                        let removed = if pruned.elapsed() >= std::time::Duration::from_secs(60) {
                            pruned = std::time::Instant::now();
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
fn changes(
    board: &Board,
    events: &[crate::domain::EventRecord],
    base: u64,
    removed: Vec<VisitId>,
) -> Changes {
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

/// Answers a query from the store: a page of records at most.
fn answer(store: &Store, q: QueryRequest) -> Reply {
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
        Query::Backup { dir } => store.backup(&dir).map(|events| {
            tracing::info!("backup of {events} events into {}", dir.display());
            serde_json::json!({ "events": events, "dir": dir })
        }),
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

struct Conn {
    config: Arc<Config>,
    feed: Feed,
    jobs: mpsc::Sender<Job>,
    owner_uid: u32,
    group: Option<Arc<SocketGroup>>,
    /// The doctors' PIN hashes.
    pins: std::path::PathBuf,
    /// The member of staff whose own Unix account connected, if any.
    member: Option<crate::domain::policy::StaffMember>,
}

impl Conn {
    async fn serve(mut self, stream: UnixStream) -> std::io::Result<()> {
        // Only the user who runs the server (and the socket group's members)
        // may connect: the socket's mode says so too, and this holds even if
        // someone loosens the file mode.
        let allowed = match stream.peer_cred() {
            Ok(cred) => may_attach(
                Peer {
                    uid: cred.uid(),
                    gid: cred.gid(),
                },
                self.owner_uid,
                self.group.as_deref(),
            ),
            Err(_) => false,
        };
        // A member of staff who logs in with their own account (over SSH)
        // is recorded as themselves.
        if let Ok(cred) = stream.peer_cred()
            && let Some(user) = crate::staff::unix_user_name(cred.uid())
        {
            self.member = crate::staff::member_for_user(&self.config, &user).cloned();
        }
        if !allowed {
            let cred = stream.peer_cred().map(|c| c.uid()).unwrap_or(u32::MAX);
            tracing::warn!("refused a connection from uid {cred}");
            let (_, mut w) = stream.into_split();
            let msg = ServerMsg::Error(ErrorBody::new(
                "forbidden",
                "this flowboard server belongs to another user",
            ));
            w.write_all(encode(&msg).as_bytes()).await?;
            return Ok(());
        }
        let (read, mut write) = stream.into_split();
        let mut reader = BufReader::new(read);
        let mut buf = Vec::new();

        // Handshake: the first line must be a hello with our version.
        let role = match read_bounded_line(&mut reader, &mut buf).await? {
            LineRead::Eof => return Ok(()),
            LineRead::TooLong => {
                send(&mut write, &too_long()).await?;
                return Ok(());
            }
            LineRead::Line => match serde_json::from_slice::<ClientMsg>(&buf) {
                Ok(ClientMsg::Hello(h)) if h.protocol == PROTOCOL_VERSION => h.role,
                Ok(ClientMsg::Hello(h)) => {
                    let msg = ServerMsg::Error(ErrorBody::new(
                        "protocol_version",
                        format!(
                            "this server speaks protocol {PROTOCOL_VERSION} (changes instead of whole boards, records in pages), the client {}: use the same flowboard version on both sides",
                            h.protocol
                        ),
                    ));
                    send(&mut write, &msg).await?;
                    return Ok(());
                }
                Err(e) => {
                    let msg = ServerMsg::Error(ErrorBody::new(
                        "handshake",
                        format!(
                            "the first line must be {{\"hello\":{{\"protocol\":{PROTOCOL_VERSION}}}}}: {e}"
                        ),
                    ));
                    send(&mut write, &msg).await?;
                    return Ok(());
                }
            },
        };
        // Follow the changes from before the board is taken, so none falls
        // between the two; those the board holds already are skipped.
        let mut follower = self.feed.follow();
        let Some(board) = self.board_now().await else {
            return Ok(()); // shutting down
        };
        follower.seen = board.last_seq;
        let welcome = ServerMsg::Welcome(Box::new(Welcome {
            protocol: PROTOCOL_VERSION,
            server_version: env!("CARGO_PKG_VERSION").to_string(),
            role,
            config: (*self.config).clone(),
            board,
        }));
        send(&mut write, &welcome).await?;

        // Lines are read by their own task so that waiting for a board
        // change never cuts a half-read line (select! drops the loser).
        let (lines_tx, mut lines) = mpsc::channel::<Option<Vec<u8>>>(16);
        tokio::spawn(async move {
            let mut buf = Vec::new();
            loop {
                let item = match read_bounded_line(&mut reader, &mut buf).await {
                    Ok(LineRead::Line) => Some(std::mem::take(&mut buf)),
                    Ok(LineRead::TooLong) => None,
                    Ok(LineRead::Eof) | Err(_) => return,
                };
                if lines_tx.send(item).await.is_err() {
                    return;
                }
            }
        });
        loop {
            tokio::select! {
                line = lines.recv() => match line {
                    None => return Ok(()),
                    Some(None) => send(&mut write, &too_long()).await?,
                    Some(Some(line)) => {
                        if line.iter().all(u8::is_ascii_whitespace) {
                            continue;
                        }
                        let reply = self.handle(&line, role).await;
                        // The change this command made goes first (the
                        // writer published it before replying), so a client
                        // holding its ack also holds the change.
                        while let Some(next) = follower.ready() {
                            if !self.forward(next, &mut follower, &mut write).await? {
                                return Ok(());
                            }
                        }
                        send(&mut write, &ServerMsg::Reply(reply)).await?;
                    }
                },
                next = follower.next() => {
                    if !self.forward(next, &mut follower, &mut write).await? {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Writes what the feed gave: a change, or (behind) the whole board
    /// once. False when the server is shutting down.
    async fn forward(
        &self,
        next: Next,
        follower: &mut Follower,
        write: &mut tokio::net::unix::OwnedWriteHalf,
    ) -> std::io::Result<bool> {
        match next {
            Next::Change(change) => write.write_all(change.line.as_bytes()).await?,
            Next::Behind => {
                let Some(board) = self.board_now().await else {
                    return Ok(false);
                };
                follower.seen = board.last_seq;
                send(write, &ServerMsg::Board(Box::new(board))).await?;
            }
            Next::Closed => return Ok(false),
        }
        Ok(true)
    }

    /// The board as the writer holds it between two commands.
    async fn board_now(&self) -> Option<Board> {
        let (to, board) = oneshot::channel();
        let (reply, _) = oneshot::channel();
        self.jobs
            .send(Job {
                work: Work::Board(to),
                reply,
            })
            .await
            .ok()?;
        board.await.ok()
    }

    async fn handle(&self, line: &[u8], role: Role) -> Reply {
        let is_query = serde_json::from_slice::<serde_json::Value>(line)
            .ok()
            .is_some_and(|v| v.get("query").is_some());
        if is_query {
            return match serde_json::from_slice::<QueryRequest>(line) {
                Ok(q) if role == Role::ReadOnly && matches!(q.query, Query::Backup { .. }) => {
                    Reply::failed(
                        q.id,
                        ErrorBody::new("read_only", "a read-only connection cannot start a backup"),
                    )
                }
                Ok(q) => {
                    let id = q.id;
                    self.submit(id, Work::Query(q)).await
                }
                Err(e) => Reply::failed(
                    None,
                    ErrorBody::new(
                        "bad_request",
                        format!("could not read the query: {e}. See docs/PROTOCOL.md"),
                    ),
                ),
            };
        }
        let mut request: Request = match serde_json::from_slice(line) {
            Ok(r) => r,
            Err(e) => {
                // Keep the id if the line had one, so the client can match.
                let id = serde_json::from_slice::<serde_json::Value>(line)
                    .ok()
                    .and_then(|v| v.get("id").and_then(serde_json::Value::as_u64));
                return Reply::failed(
                    id,
                    ErrorBody::new(
                        "bad_request",
                        format!(
                            "could not read the command: {e}. See docs/PROTOCOL.md; nothing was changed"
                        ),
                    ),
                );
            }
        };
        if role == Role::ReadOnly {
            return Reply::failed(
                request.id,
                ErrorBody::new(
                    "read_only",
                    "this connection is read-only: nothing was changed",
                ),
            );
        }
        if let Err(e) =
            crate::staff::admit(&self.config, &self.pins, self.member.as_ref(), &mut request)
        {
            return Reply::failed(request.id, e);
        }
        let id = request.id;
        self.submit(id, Work::Command(request)).await
    }

    async fn submit(&self, id: Option<u64>, work: Work) -> Reply {
        let (tx, rx) = oneshot::channel();
        if self.jobs.send(Job { work, reply: tx }).await.is_err() {
            return Reply::failed(
                id,
                ErrorBody::new(
                    "shutting_down",
                    "the server is stopping: nothing was changed",
                ),
            );
        }
        rx.await.unwrap_or_else(|_| {
            Reply::failed(
                id,
                ErrorBody::new(
                    "shutting_down",
                    "the server is stopping: nothing was changed",
                ),
            )
        })
    }
}

fn too_long() -> ServerMsg {
    ServerMsg::Reply(Reply::failed(
        None,
        ErrorBody::new(
            "line_too_long",
            format!("a protocol line may be at most {MAX_LINE_BYTES} bytes: nothing was changed"),
        ),
    ))
}

async fn send(
    write: &mut tokio::net::unix::OwnedWriteHalf,
    msg: &ServerMsg,
) -> std::io::Result<()> {
    write.write_all(encode(msg).as_bytes()).await
}
