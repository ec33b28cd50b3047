//! The client side of the socket: handshake, starting the server when none
//! answers (like tmux), and a self-healing link for long-running screens
//! that reports "connection lost" and reconnects by itself.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixStream;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::mpsc;

use std::sync::atomic::{AtomicU64, Ordering};

use crate::domain::Board;
use crate::paths::DataDir;
use crate::projection::WallView;
use crate::protocol::{
    Changes, ClientMsg, ErrorBody, Hello, MAX_LINE_BYTES, PROTOCOL_VERSION, Query, QueryRequest,
    Reply, Request, Role, ServerMsg, WallWelcome, Welcome, encode,
};

/// A key no other request has: an idempotency key for a request this
/// process may send more than once (`flowboard add` retrying).
pub fn new_key() -> String {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "cli-{}-{nanos}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    )
}

/// How long a client waits for the server: for its welcome, and for each
/// reply (`--timeout`). A server that does not answer in time is reported,
/// not waited for forever.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

static TIMEOUT_MS: AtomicU64 = AtomicU64::new(30_000);

/// Sets how long this process's clients wait for the server.
pub fn set_timeout(timeout: Duration) {
    let ms = u64::try_from(timeout.as_millis())
        .unwrap_or(u64::MAX)
        .max(1);
    TIMEOUT_MS.store(ms, Ordering::Relaxed);
}

/// How long this process's clients wait for the server.
pub fn timeout() -> Duration {
    Duration::from_millis(TIMEOUT_MS.load(Ordering::Relaxed))
}

/// Waits for `work` at most [`timeout`]; `what` says what for.
async fn within<T>(
    what: &str,
    work: impl std::future::Future<Output = Result<T, ClientError>>,
) -> Result<T, ClientError> {
    let limit = timeout();
    tokio::time::timeout(limit, work).await.unwrap_or_else(|_| {
        Err(ClientError::TimedOut {
            what: what.to_string(),
            secs: limit.as_secs_f64(),
        })
    })
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("no flowboard server answers at {}: {source}", socket.display())]
    NoServer { socket: PathBuf, source: io::Error },
    #[error("the flowboard server did not start: {0}")]
    StartFailed(String),
    #[error(
        "the server speaks protocol {server}, this client {client}: run the same flowboard version on both sides"
    )]
    VersionMismatch { server: u32, client: u32 },
    #[error("the server refused the connection: {0}")]
    Refused(String),
    #[error("the server closed the connection")]
    Closed,
    #[error("connection error: {0}")]
    Io(#[from] io::Error),
    #[error("the server sent something this client cannot read: {0}")]
    BadMessage(String),
    #[error(
        "the server did not answer within {secs} s ({what}): it may be overloaded or stuck; see the server's log (DATA_DIR/flowboard.log), or wait longer with --timeout SECONDS"
    )]
    TimedOut { what: String, secs: f64 },
}

/// How to start a server when none answers.
#[derive(Debug, Clone)]
pub struct AutoStart {
    /// The flowboard executable.
    pub exe: PathBuf,
    /// The config the server is to use, if not its own default lookup.
    pub config: Option<PathBuf>,
}

/// What the server answers a hello with: a staff connection's
/// [`Welcome`] (config and board) or a wall's [`WallWelcome`] (its
/// projection only). It keeps the latest update the connection received.
pub trait Greeting: Sized + Clone + Send + 'static {
    /// The greeting in the server's answer, or the answer as it came.
    fn from_msg(msg: ServerMsg) -> Result<Self, Box<ServerMsg>>;
    /// Keeps an update (a new board, changes, a new projection); changes
    /// that do not follow what it holds are an error (out of step: the
    /// connection is to be made again, for the whole board).
    fn absorb(&mut self, msg: &ServerMsg) -> Result<(), ClientError>;
    /// What a screen's link reports when it (re)connects.
    fn connected(self) -> ClientEvent;
}

impl Greeting for Welcome {
    fn from_msg(msg: ServerMsg) -> Result<Self, Box<ServerMsg>> {
        match msg {
            ServerMsg::Welcome(w) => Ok(*w),
            other => Err(Box::new(other)),
        }
    }

    fn absorb(&mut self, msg: &ServerMsg) -> Result<(), ClientError> {
        match msg {
            ServerMsg::Board(board) => self.board = (**board).clone(),
            ServerMsg::Changes(changes) => (**changes)
                .clone()
                .apply_to(&mut self.board)
                .map_err(|e| ClientError::BadMessage(e.to_string()))?,
            _ => {}
        }
        Ok(())
    }

    fn connected(self) -> ClientEvent {
        ClientEvent::Connected(Box::new(self))
    }
}

impl Greeting for WallWelcome {
    fn from_msg(msg: ServerMsg) -> Result<Self, Box<ServerMsg>> {
        match msg {
            ServerMsg::WallWelcome(w) => Ok(*w),
            other => Err(Box::new(other)),
        }
    }

    fn absorb(&mut self, msg: &ServerMsg) -> Result<(), ClientError> {
        if let ServerMsg::Wall(view) = msg {
            self.wall = (**view).clone();
        }
        Ok(())
    }

    fn connected(self) -> ClientEvent {
        ClientEvent::WallConnected(Box::new(self))
    }
}

/// One open, handshaken connection; `G` is what the server greeted it
/// with.
pub struct Link<G> {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
    pub welcome: G,
    next_id: u64,
    /// The longest line received so far, in bytes: what this connection
    /// ever held of one answer at once.
    longest_line: usize,
}

/// A staff connection (operator or read-only): the config and the board.
pub type Connection = Link<Welcome>;

/// A wall connection: the wall's projection only.
pub type WallConnection = Link<WallWelcome>;

impl<G: Greeting> Link<G> {
    /// Connects and handshakes; the welcome holds what the server sends
    /// this role. Gives up after [`timeout`].
    pub async fn connect(socket: &Path, role: Role, client: &str) -> Result<Link<G>, ClientError> {
        within(
            "waiting for its welcome",
            Link::connect_now(socket, role, client),
        )
        .await
    }

    async fn connect_now(socket: &Path, role: Role, client: &str) -> Result<Link<G>, ClientError> {
        let stream = UnixStream::connect(socket)
            .await
            .map_err(|source| ClientError::NoServer {
                socket: socket.to_path_buf(),
                source,
            })?;
        let (read, mut writer) = stream.into_split();
        let hello = ClientMsg::Hello(Hello {
            protocol: PROTOCOL_VERSION,
            role,
            client: Some(client.to_string()),
        });
        // A server that refuses us says why and closes at once, maybe before
        // our hello is written: read its answer before reporting the write.
        let wrote = writer.write_all(encode(&hello).as_bytes()).await;
        let mut reader = BufReader::new(read);
        let answer = match (read_msg(&mut reader).await, wrote) {
            (Ok((msg, _)), _) => msg,
            (Err(_), Err(e)) => return Err(e.into()),
            (Err(e), Ok(())) => return Err(e),
        };
        let welcome = match G::from_msg(answer).map_err(|other| *other) {
            Ok(w) => w,
            Err(ServerMsg::Error(e)) if e.code == "protocol_version" => {
                return Err(ClientError::VersionMismatch {
                    server: e
                        .message
                        .split_whitespace()
                        .find_map(|w| w.parse().ok())
                        .unwrap_or(0),
                    client: PROTOCOL_VERSION,
                });
            }
            Err(ServerMsg::Error(e)) => return Err(ClientError::Refused(e.message)),
            Err(other) => {
                return Err(ClientError::BadMessage(format!(
                    "expected a welcome, got {other:?}"
                )));
            }
        };
        Ok(Link {
            reader,
            writer,
            welcome,
            next_id: 1,
            longest_line: 0,
        })
    }

    /// Connects, starting a server in the background first if none answers.
    pub async fn connect_or_start(
        data: &DataDir,
        start: Option<&AutoStart>,
        role: Role,
        client: &str,
    ) -> Result<Link<G>, ClientError> {
        let socket = data.socket();
        let start = match (Link::connect(&socket, role, client).await, start) {
            (Ok(c), _) => return Ok(c),
            (Err(ClientError::NoServer { .. }), Some(start)) => start,
            (Err(e), _) => return Err(e),
        };
        let mut child = spawn_server(data, start)?;
        // Poll for the socket; a second client racing us may start the
        // server instead, which is fine: ours then exits on the lock.
        let mut waited = Duration::ZERO;
        let mut ours_failed: Option<(Duration, std::process::ExitStatus)> = None;
        let step = Duration::from_millis(50);
        loop {
            match Link::connect(&socket, role, client).await {
                Ok(c) => {
                    std::thread::spawn(move || child.wait());
                    return Ok(c);
                }
                Err(ClientError::NoServer { .. }) => {}
                Err(e) => return Err(e),
            }
            if ours_failed.is_none()
                && let Ok(Some(status)) = child.try_wait()
                && !status.success()
            {
                // Perhaps another client's server won the lock: give it a
                // moment to answer before reporting our failure.
                ours_failed = Some((waited, status));
            }
            let gave_up = match ours_failed {
                Some((at, _)) => waited > at + Duration::from_secs(3),
                None => waited > Duration::from_secs(10),
            };
            if gave_up {
                let why = match ours_failed {
                    Some((_, status)) => format!("it exited with {status}"),
                    None => "no answer after 10 s".to_string(),
                };
                return Err(ClientError::StartFailed(format!(
                    "{why}; {}",
                    log_tail(&data.log())
                )));
            }
            tokio::time::sleep(step).await;
            waited += step;
        }
    }

    /// The next message from the server, waiting as long as it takes (a
    /// screen's link: updates may be minutes apart). Updates are also kept
    /// in `welcome`, so it always holds the latest seen.
    pub async fn recv(&mut self) -> Result<ServerMsg, ClientError> {
        let (msg, bytes) = read_msg(&mut self.reader).await?;
        self.longest_line = self.longest_line.max(bytes);
        self.welcome.absorb(&msg)?;
        Ok(msg)
    }

    /// The longest line received since the welcome, in bytes: what this
    /// connection ever held of one answer at once.
    pub fn longest_line(&self) -> usize {
        self.longest_line
    }

    /// The next reply (or error line), updates on the way absorbed; gives
    /// up after [`timeout`].
    pub async fn next_reply(&mut self) -> Result<Reply, ClientError> {
        within("waiting for a reply", async {
            loop {
                match self.recv().await? {
                    ServerMsg::Reply(r) => return Ok(r),
                    ServerMsg::Error(e) => return Ok(Reply::failed(None, e)),
                    _ => {}
                }
            }
        })
        .await
    }

    /// Waits (at most [`timeout`]) for the reply to request `id`.
    pub async fn reply_to(&mut self, id: u64) -> Result<Reply, ClientError> {
        within("waiting for a reply", async {
            loop {
                match self.recv().await? {
                    ServerMsg::Reply(r) if r.id == Some(id) => return Ok(r),
                    ServerMsg::Error(e) => return Ok(Reply::failed(Some(id), e)),
                    _ => {}
                }
            }
        })
        .await
    }

    /// Sends a request, assigning it an id when it has none; returns the id.
    pub async fn send(&mut self, mut request: Request) -> Result<u64, ClientError> {
        let id = match request.id {
            Some(id) => id,
            None => {
                let id = self.next_id;
                self.next_id += 1;
                request.id = Some(id);
                id
            }
        };
        self.next_id = self.next_id.max(id + 1);
        self.write(encode(&request).as_bytes()).await?;
        Ok(id)
    }

    /// Sends a raw protocol line as typed by a user (`flowboard send`).
    pub async fn send_line(&mut self, line: &str) -> Result<(), ClientError> {
        let mut bytes = line.trim_end().as_bytes().to_vec();
        bytes.push(b'\n');
        self.write(&bytes).await
    }

    /// Writes, giving up after [`timeout`] (a server that reads nothing).
    async fn write(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
        let writer = &mut self.writer;
        within("sending", async { Ok(writer.write_all(bytes).await?) }).await
    }

    /// Sends a request and waits for its reply (board updates on the way
    /// are absorbed).
    pub async fn request(&mut self, request: Request) -> Result<Reply, ClientError> {
        let id = self.send(request).await?;
        self.reply_to(id).await
    }

    /// Sends a query, assigning it an id when it has none; returns the id.
    /// Queries and commands share one id counter, so replies never mix.
    pub async fn send_query(&mut self, mut query: QueryRequest) -> Result<u64, ClientError> {
        let id = *query.id.get_or_insert(self.next_id);
        self.next_id = self.next_id.max(id + 1);
        self.write(encode(&query).as_bytes()).await?;
        Ok(id)
    }

    /// Sends a command or a query.
    pub async fn send_outgoing(&mut self, outgoing: Outgoing) -> Result<u64, ClientError> {
        match outgoing {
            Outgoing::Command(request) => self.send(request).await,
            Outgoing::Query(query) => self.send_query(query).await,
        }
    }

    /// Asks a question about the records and waits for the answer.
    pub async fn query(&mut self, query: Query) -> Result<Reply, ClientError> {
        let id = self.send_query(QueryRequest { id: None, query }).await?;
        self.reply_to(id).await
    }
}

impl Link<Welcome> {
    pub fn board(&self) -> &Board {
        &self.welcome.board
    }
}

async fn read_msg(
    reader: &mut BufReader<OwnedReadHalf>,
) -> Result<(ServerMsg, usize), ClientError> {
    let mut line = String::new();
    let n = reader.read_line(&mut line).await?;
    // A line cut short is a server that went away in the middle of it.
    if n == 0 || !line.ends_with('\n') {
        return Err(ClientError::Closed);
    }
    let msg = serde_json::from_str(&line).map_err(|e| ClientError::BadMessage(e.to_string()))?;
    Ok((msg, n))
}

/// Starts `flowboard serve` detached from this terminal: its own process
/// group (Ctrl-C here does not reach it), no terminal on its standard
/// streams, early errors appended to the log file.
fn spawn_server(data: &DataDir, start: &AutoStart) -> Result<std::process::Child, ClientError> {
    use std::os::unix::process::CommandExt;
    data.create().map_err(|e| {
        ClientError::StartFailed(format!("cannot create {}: {e}", data.root().display()))
    })?;
    let log = crate::log::open_for_append(&data.log()).map_err(|e| {
        ClientError::StartFailed(format!("cannot open {}: {e}", data.log().display()))
    })?;
    let mut cmd = std::process::Command::new(&start.exe);
    cmd.arg("serve").arg("--data-dir").arg(data.root());
    if let Some(config) = &start.config {
        cmd.arg("--config").arg(config);
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .process_group(0);
    cmd.spawn()
        .map_err(|e| ClientError::StartFailed(format!("cannot run {}: {e}", start.exe.display())))
}

fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().rev().take(3).collect();
    if lines.is_empty() {
        format!("see {}", log.display())
    } else {
        let tail: Vec<&str> = lines.into_iter().rev().collect();
        format!("{} says: {}", log.display(), tail.join(" / "))
    }
}

/// What a long-running screen hears from its link to the server.
#[derive(Debug, Clone)]
pub enum ClientEvent {
    /// (Re)connected: config and the board as it is now.
    Connected(Box<Welcome>),
    /// A command changed the board: apply these to the board last heard.
    Changed(Box<Changes>),
    /// The whole board (the screen fell behind the changes).
    Board(Box<Board>),
    /// The answer to a request the screen sent.
    Reply(Reply),
    /// The connection is gone; the link is retrying. The text says why.
    Lost(String),
    /// A wall link (re)connected: the wall's settings and projection.
    WallConnected(Box<WallWelcome>),
    /// What the wall shows changed.
    Wall(Box<WallView>),
    /// The branch's shipping to the group is behind (`None`: not now).
    Shipping(Option<crate::protocol::ShippingBehind>),
}

/// What a screen sends through its link: a command (which changes the
/// board) or a question about the records (a past day's visits). Both are
/// answered by a `ClientEvent::Reply` with the same id.
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    Command(Request),
    Query(QueryRequest),
}

impl Outgoing {
    pub fn id(&self) -> Option<u64> {
        match self {
            Outgoing::Command(r) => r.id,
            Outgoing::Query(q) => q.id,
        }
    }
}

impl From<Request> for Outgoing {
    fn from(request: Request) -> Outgoing {
        Outgoing::Command(request)
    }
}

impl From<QueryRequest> for Outgoing {
    fn from(query: QueryRequest) -> Outgoing {
        Outgoing::Query(query)
    }
}

/// Keeps a screen connected: connects (starting the server if allowed),
/// forwards updates and replies, and on any loss reports it and retries
/// every second until the screen goes away. The screen's channel may carry
/// plain commands or `Outgoing` (commands and queries). A `wall` link
/// receives the wall's projection; any other, the board.
pub async fn run_link<R: Into<Outgoing> + Send>(
    data: DataDir,
    start: Option<AutoStart>,
    role: Role,
    client: String,
    requests: mpsc::Receiver<R>,
    events: mpsc::Sender<ClientEvent>,
) {
    match role {
        Role::Wall => {
            link_loop::<WallWelcome, R>(data, start, role, client, requests, events).await
        }
        Role::Operator | Role::ReadOnly => {
            link_loop::<Welcome, R>(data, start, role, client, requests, events).await
        }
    }
}

async fn link_loop<G: Greeting, R: Into<Outgoing> + Send>(
    data: DataDir,
    start: Option<AutoStart>,
    role: Role,
    client: String,
    mut requests: mpsc::Receiver<R>,
    events: mpsc::Sender<ClientEvent>,
) {
    loop {
        let mut conn = match Link::<G>::connect_or_start(&data, start.as_ref(), role, &client).await
        {
            Ok(c) => c,
            Err(e) => {
                if events.send(ClientEvent::Lost(e.to_string())).await.is_err() {
                    return;
                }
                // Refuse what the screen asks meanwhile, so it can say so.
                let deadline = tokio::time::sleep(Duration::from_secs(1));
                tokio::pin!(deadline);
                loop {
                    tokio::select! {
                        _ = &mut deadline => break,
                        req = requests.recv() => match req {
                            Some(req) => {
                                let reply = Reply::failed(req.into().id(), ErrorBody::new("not_connected", "not connected to the server: nothing was saved, try again when the board is back"));
                                if events.send(ClientEvent::Reply(reply)).await.is_err() { return; }
                            }
                            None => return,
                        }
                    }
                }
                continue;
            }
        };
        if events.send(conn.welcome.clone().connected()).await.is_err() {
            return;
        }
        // A screen's query is answered whole (a screen asks for a day):
        // the link follows the pages and hands the screen one reply.
        let mut paging: std::collections::HashMap<u64, (Query, Vec<serde_json::Value>)> =
            Default::default();
        let reason = loop {
            tokio::select! {
                req = requests.recv() => match req {
                    Some(req) => {
                        let req = req.into();
                        let id = req.id();
                        if let (Outgoing::Query(q), Some(id)) = (&req, id) {
                            paging.insert(id, (q.query.clone(), Vec::new()));
                        }
                        if let Err(e) = conn.send_outgoing(req).await {
                            let reply = Reply::failed(id, ErrorBody::new("not_connected", format!("not sent: {e}")));
                            let _ = events.send(ClientEvent::Reply(reply)).await;
                            break e.to_string();
                        }
                    }
                    None => return,
                },
                msg = conn.recv() => {
                    let event = match msg {
                        Ok(ServerMsg::Board(b)) => ClientEvent::Board(b),
                        Ok(ServerMsg::Changes(c)) => ClientEvent::Changed(c),
                        Ok(ServerMsg::Wall(w)) => ClientEvent::Wall(w),
                        Ok(ServerMsg::Shipping(s)) => ClientEvent::Shipping(s),
                        Ok(ServerMsg::Reply(r)) => match whole(&mut paging, r) {
                            Whole::Done(r) => ClientEvent::Reply(r),
                            Whole::Next(q) => {
                                if let Err(e) = conn.send_query(q).await {
                                    break e.to_string();
                                }
                                continue;
                            }
                        },
                        // After the welcome, an error line says why the
                        // server is closing this connection.
                        Ok(ServerMsg::Error(e)) => break e.message,
                        Ok(ServerMsg::Welcome(_) | ServerMsg::WallWelcome(_)) => continue,
                        Err(e) => break e.to_string(),
                    };
                    if events.send(event).await.is_err() { return; }
                }
            }
        };
        if events.send(ClientEvent::Lost(reason)).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// A screen's paged answer: done (one reply with every item), or the
/// query for the next page.
enum Whole {
    Done(Reply),
    Next(QueryRequest),
}

fn whole(
    paging: &mut std::collections::HashMap<u64, (Query, Vec<serde_json::Value>)>,
    mut r: Reply,
) -> Whole {
    let Some(id) = r.id else {
        return Whole::Done(r);
    };
    let Some((query, mut so_far)) = paging.remove(&id) else {
        return Whole::Done(r);
    };
    let Some(serde_json::Value::Object(data)) = r.data.as_mut().filter(|_| r.ok) else {
        return Whole::Done(r);
    };
    let name = match query {
        Query::Reactions { .. } => "reactions",
        _ => "visits",
    };
    if let Some(serde_json::Value::Array(items)) = data.get_mut(name) {
        so_far.append(items);
    }
    match data
        .remove("next")
        .as_ref()
        .and_then(serde_json::Value::as_str)
    {
        Some(next) => {
            let next = query.resumed(next);
            paging.insert(id, (query, so_far));
            Whole::Next(QueryRequest {
                id: Some(id),
                query: next,
            })
        }
        None => {
            data.insert(name.to_string(), serde_json::Value::Array(so_far));
            Whole::Done(r)
        }
    }
}

/// Reads at most `MAX_LINE_BYTES` of one line; used by the server too.
pub async fn read_bounded_line<R: tokio::io::AsyncBufRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
) -> io::Result<LineRead> {
    buf.clear();
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(if buf.is_empty() {
                LineRead::Eof
            } else {
                LineRead::Line
            });
        }
        if let Some(pos) = available.iter().position(|b| *b == b'\n') {
            let take = pos + 1;
            if buf.len() + pos <= MAX_LINE_BYTES {
                buf.extend_from_slice(&available[..pos]);
                reader.consume(take);
                return Ok(LineRead::Line);
            }
            reader.consume(take);
            return Ok(LineRead::TooLong);
        }
        let n = available.len();
        if buf.len() + n > MAX_LINE_BYTES {
            // Drop the rest of this line without keeping it in memory.
            reader.consume(n);
            loop {
                let rest = reader.fill_buf().await?;
                if rest.is_empty() {
                    return Ok(LineRead::TooLong);
                }
                if let Some(pos) = rest.iter().position(|b| *b == b'\n') {
                    reader.consume(pos + 1);
                    return Ok(LineRead::TooLong);
                }
                let m = rest.len();
                reader.consume(m);
            }
        }
        buf.extend_from_slice(available);
        reader.consume(n);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineRead {
    Line,
    TooLong,
    Eof,
}
