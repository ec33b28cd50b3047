//! One connection, from the peer's credentials to its last line.
//!
//! 1. Only the server's user (and the socket group) may connect.
//! 2. The hello must come within the handshake deadline, and the
//!    connection must be let in by the [`Gate`](super::gate::Gate).
//! 3. Then the role's loop: staff (operator, read-only) receive the board
//!    and may send commands (operators) and queries; the wall receives its
//!    projection and may send nothing.
//!
//! Everything sent goes through the connection's bounded
//! [`Outbox`]: a client that falls behind is disconnected.

use std::sync::Arc;

use tokio::io::BufReader;
use tokio::net::UnixStream;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::gate::{self, Waiting};
use super::outbox::{Behind, Chunk, Line, Outbox};
use super::{Job, Shared, Work};
use crate::access::{Peer, may_attach};
use crate::client::{LineRead, read_bounded_line};
use crate::domain::policy::StaffMember;
use crate::feed::{Follower, Next};
use crate::protocol::{
    ClientMsg, ErrorBody, Incoming, MAX_LINE_BYTES, PROTOCOL_VERSION, Query, Reply, Role,
    ServerMsg, WallWelcome, encode, parse_line,
};

/// Who is on the other end, for the log.
struct Who {
    uid: u32,
    client: String,
}

impl std::fmt::Display for Who {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} (uid {})", self.client, self.uid)
    }
}

/// Writes a last line to a client we are closing, if its socket takes it
/// now; never waits for a client that does not read.
fn parting(write: &OwnedWriteHalf, msg: &ServerMsg) {
    let _ = write.try_write(encode(msg).as_bytes());
}

pub(super) async fn serve(
    shared: Arc<Shared>,
    stream: UnixStream,
    waiting: Waiting,
) -> std::io::Result<()> {
    // Only the user who runs the server (and the socket group's members)
    // may connect: the socket's mode says so too, and this holds even if
    // someone loosens the file mode.
    let cred = stream.peer_cred().ok();
    let allowed = cred.is_some_and(|cred| {
        may_attach(
            Peer {
                uid: cred.uid(),
                gid: cred.gid(),
            },
            shared.owner_uid,
            shared.group.as_deref(),
        )
    });
    let uid = cred.map_or(u32::MAX, |c| c.uid());
    let (read, write) = stream.into_split();
    if !allowed {
        tracing::warn!("refused a connection from uid {uid}");
        parting(
            &write,
            &ServerMsg::Error(ErrorBody::new(
                "forbidden",
                "this flowboard server belongs to another user: ask its owner to add you to its socket_group",
            )),
        );
        return Ok(());
    }

    // The hello, within the deadline; a flood of silent connections
    // pushes out the one that waited longest.
    let mut reader = BufReader::new(read);
    let mut buf = Vec::new();
    let hello = {
        let read = read_bounded_line(&mut reader, &mut buf);
        tokio::select! {
            line = read => Some(line?),
            _ = tokio::time::sleep(shared.handshake) => None,
            _ = waiting.evicted.notified() => None,
        }
    };
    let Some(line) = hello else {
        if let Some(n) = gate::hit(&shared.quiet.no_hello) {
            tracing::info!(
                "closed {n} connection(s) that did not say hello within {} ms (the last from uid {uid})",
                shared.handshake.as_millis()
            );
        }
        parting(
            &write,
            &ServerMsg::Error(ErrorBody::new(
                "handshake_timeout",
                format!(
                    "no hello within {} ms: send {{\"hello\":{{\"protocol\":{PROTOCOL_VERSION}}}}} first, at once",
                    shared.handshake.as_millis()
                ),
            )),
        );
        return Ok(());
    };
    let hello = match line {
        LineRead::Eof => return Ok(()),
        LineRead::TooLong => {
            parting(&write, &too_long());
            return Ok(());
        }
        LineRead::Line => match serde_json::from_slice::<ClientMsg>(&buf) {
            Ok(ClientMsg::Hello(h)) if h.protocol == PROTOCOL_VERSION => h,
            Ok(ClientMsg::Hello(h)) => {
                parting(
                    &write,
                    &ServerMsg::Error(ErrorBody::new(
                        "protocol_version",
                        format!(
                            "this server speaks protocol {PROTOCOL_VERSION} (changes instead of whole boards, records in pages, ticks taken back, the group's shipping state), the client {}: use the same flowboard version on both sides",
                            h.protocol
                        ),
                    )),
                );
                return Ok(());
            }
            Err(e) => {
                parting(
                    &write,
                    &ServerMsg::Error(ErrorBody::new(
                        "handshake",
                        format!(
                            "the first line must be {{\"hello\":{{\"protocol\":{PROTOCOL_VERSION}}}}}: {e}"
                        ),
                    )),
                );
                return Ok(());
            }
        },
    };
    let who = Who {
        uid,
        client: crate::domain::text::sanitize(hello.client.as_deref().unwrap_or("?"))
            .chars()
            .take(40)
            .collect(),
    };
    let _admitted = match shared.gate.admit(waiting) {
        Ok(admitted) => admitted,
        Err(full) => {
            if let Some(n) = gate::hit(&shared.quiet.full) {
                tracing::warn!(
                    "refused {n} connection(s): {} are open, the limit (server.max_connections); the last was {who}",
                    full.open
                );
            }
            parting(
                &write,
                &ServerMsg::Error(ErrorBody::new(
                    "too_many_connections",
                    format!(
                        "the server has {} connections open, its limit: close a terminal you do not need, or raise server.max_connections in the config",
                        full.open
                    ),
                )),
            );
            return Ok(());
        }
    };
    // A member of staff who logs in with their own account (over SSH) is
    // recorded as themselves (looked up once let in, not for every
    // connection a flood opens).
    let member = match hello.role {
        Role::Operator => crate::staff::unix_user_name(uid)
            .and_then(|user| crate::staff::member_for_user(&shared.config, &user).cloned()),
        Role::ReadOnly | Role::Wall => None,
    };
    let outbox = Outbox::start(write, shared.bounds);
    if hello.role == Role::Wall
        && let Some(n) = gate::hit(&shared.quiet.walls)
    {
        tracing::info!(
            "wall attached: {who} ({n} wall connection(s) in the last {} s)",
            super::LOG_EVERY.as_secs()
        );
    }
    let ended = match hello.role {
        Role::Wall => wall(&shared, reader, &outbox).await,
        role => staff(&shared, reader, &outbox, role, member.as_ref()).await,
    };
    match ended {
        Ended::Closed => outbox.finish(shared.handshake).await,
        Ended::Behind(behind) => {
            if let Some(n) = gate::hit(&shared.quiet.behind) {
                tracing::warn!(
                    "disconnected {who}: it fell behind ({} lines, {} KiB waiting; server.send_queue_*); {n} such in the last {} s; its screen reconnects",
                    behind.lines,
                    behind.bytes / 1024,
                    super::LOG_EVERY.as_secs()
                );
            }
            // Dropping the outbox drops what waited, at once.
        }
    }
    Ok(())
}

/// How a connection's loop ended.
enum Ended {
    /// The client closed, or the server is stopping.
    Closed,
    /// The client did not read fast enough.
    Behind(Behind),
}

/// Lines from the client, read by their own task so that waiting for an
/// update never cuts a half-read line. The task ends with the connection.
struct Lines {
    rx: mpsc::Receiver<Option<Vec<u8>>>,
    task: JoinHandle<()>,
}

impl Lines {
    fn start(mut reader: BufReader<OwnedReadHalf>) -> Lines {
        let (tx, rx) = mpsc::channel::<Option<Vec<u8>>>(16);
        let task = tokio::spawn(async move {
            let mut buf = Vec::new();
            loop {
                let item = match read_bounded_line(&mut reader, &mut buf).await {
                    Ok(LineRead::Line) => Some(std::mem::take(&mut buf)),
                    Ok(LineRead::TooLong) => None,
                    Ok(LineRead::Eof) | Err(_) => return,
                };
                if tx.send(item).await.is_err() {
                    return;
                }
            }
        });
        Lines { rx, task }
    }
}

impl Drop for Lines {
    fn drop(&mut self) {
        // A client that keeps its socket open must not keep the reader
        // (and the file) after the connection ended.
        self.task.abort();
    }
}

/// The whole board, for a connection that fell behind the changes.
fn board_line(board: &crate::domain::Board) -> Line {
    Line::owned(encode(&ServerMsg::Board(Box::new(board.clone()))))
}

fn shipping_line(behind: Option<crate::protocol::ShippingBehind>) -> Line {
    Line::owned(encode(&ServerMsg::Shipping(behind)))
}

fn reply_line(reply: Reply) -> Line {
    Line::owned(encode(&ServerMsg::Reply(reply)))
}

/// A staff connection's welcome as serde would write a [`Welcome`], with
/// the config and the board shared rather than copied for each connection.
///
/// [`Welcome`]: crate::protocol::Welcome
fn staff_welcome(role: Role, config_json: &Arc<str>, board_json: &Arc<str>) -> Line {
    Line::new(vec![
        Chunk::Owned(format!(
            "{{\"welcome\":{{\"protocol\":{PROTOCOL_VERSION},\"server_version\":\"{}\",\"role\":\"{}\",\"config\":",
            env!("CARGO_PKG_VERSION"),
            role.as_str()
        )),
        Chunk::Shared(Arc::clone(config_json)),
        Chunk::Static(",\"board\":"),
        Chunk::Shared(Arc::clone(board_json)),
        Chunk::Static("}}\n"),
    ])
}

/// Operators and read-only staff: the welcome with the config and the
/// board, every change after it, a reply to every line.
async fn staff(
    shared: &Shared,
    reader: BufReader<OwnedReadHalf>,
    outbox: &Outbox,
    role: Role,
    member: Option<&StaffMember>,
) -> Ended {
    // Follow the changes from before the board is taken, so none falls
    // between the two; those the board holds already are skipped.
    let mut follower = shared.feed.follow();
    let Some(board) = super::board_now(&shared.jobs).await else {
        return Ended::Closed; // shutting down
    };
    follower.seen = board.last_seq;
    let board_json: Arc<str> =
        Arc::from(serde_json::to_string(&board).unwrap_or_else(|_| "{}".to_string()));
    drop(board);
    let welcome = staff_welcome(role, &shared.config_json, &board_json);
    drop(board_json);
    if let Err(behind) = outbox.push(welcome) {
        return Ended::Behind(behind);
    }
    // A branch in a group: its header says when the shipping is behind.
    let mut behind = shared.shipping.as_ref().map(|s| s.behind.clone());
    if let Some(rx) = behind.as_mut() {
        let now = rx.borrow_and_update().clone();
        if now.is_some()
            && let Err(full) = outbox.push(shipping_line(now))
        {
            return Ended::Behind(full);
        }
    }
    let mut lines = Lines::start(reader);
    loop {
        let shipping_changed = async {
            match behind.as_mut() {
                Some(rx) => rx.changed().await.ok(),
                None => std::future::pending().await,
            }
        };
        let pushed = tokio::select! {
            Some(()) = shipping_changed => {
                let now = behind.as_mut().and_then(|rx| rx.borrow_and_update().clone());
                outbox.push(shipping_line(now))
            },
            line = lines.rx.recv() => match line {
                None => return Ended::Closed,
                Some(None) => outbox.push(Line::owned(encode(&too_long()))),
                Some(Some(line)) => {
                    if line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let reply = handle(shared, &line, role, member).await;
                    // The change this command made goes first (the writer
                    // published it before replying), so a client holding
                    // its ack also holds the change.
                    let mut sent = Ok(());
                    while sent.is_ok()
                        && let Some(next) = follower.ready()
                    {
                        sent = match forward(shared, next, &mut follower, outbox).await {
                            Some(pushed) => pushed,
                            None => return Ended::Closed,
                        };
                    }
                    sent.and_then(|()| outbox.push(reply_line(reply)))
                }
            },
            next = follower.next() => match forward(shared, next, &mut follower, outbox).await {
                Some(pushed) => pushed,
                None => return Ended::Closed,
            },
            _ = outbox.gone() => return Ended::Closed,
        };
        if let Err(behind) = pushed {
            return Ended::Behind(behind);
        }
    }
}

/// Queues what the change feed gave: a change, or (behind it) the whole
/// board once. `None`: the server is stopping.
async fn forward(
    shared: &Shared,
    next: Next,
    follower: &mut Follower,
    outbox: &Outbox,
) -> Option<Result<(), Behind>> {
    match next {
        Next::Change(change) => Some(outbox.push(Line::shared(Arc::clone(&change.line)))),
        Next::Behind => {
            let board = super::board_now(&shared.jobs).await?;
            follower.seen = board.last_seq;
            Some(outbox.push(board_line(&board)))
        }
        Next::Closed => None,
    }
}

/// The wall: its settings and projection, every change of it, and a
/// refusal for anything it sends.
async fn wall(shared: &Shared, reader: BufReader<OwnedReadHalf>, outbox: &Outbox) -> Ended {
    let mut wall_rx = shared.wall_tx.subscribe();
    shared.wall_joined.notify_one();
    // Fresh, whatever the feed last computed (it may not have run while
    // no wall was connected).
    let Some(board) = super::board_now(&shared.jobs).await else {
        return Ended::Closed; // shutting down
    };
    let mut shown = crate::projection::project(&board, &shared.config, chrono::Utc::now());
    drop(board);
    wall_rx.mark_unchanged();
    let welcome = ServerMsg::WallWelcome(Box::new(WallWelcome {
        protocol: PROTOCOL_VERSION,
        server_version: env!("CARGO_PKG_VERSION").to_string(),
        role: Role::Wall,
        settings: crate::projection::WallSettings::of(&shared.config),
        wall: shown.clone(),
    }));
    if let Err(behind) = outbox.push(Line::owned(encode(&welcome))) {
        return Ended::Behind(behind);
    }
    let mut lines = Lines::start(reader);
    loop {
        let pushed = tokio::select! {
            line = lines.rx.recv() => match line {
                None => return Ended::Closed,
                Some(None) => outbox.push(Line::owned(encode(&too_long()))),
                Some(Some(line)) => {
                    if line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let id = serde_json::from_slice::<serde_json::Value>(&line)
                        .ok()
                        .and_then(|v| v.get("id").and_then(serde_json::Value::as_u64));
                    outbox.push(reply_line(Reply::failed(
                        id,
                        ErrorBody::new(
                            "wall",
                            "a wall connection may send no command and no query: staff connect as operator (or read_only, to look); nothing was changed",
                        ),
                    )))
                }
            },
            changed = wall_rx.changed() => {
                if changed.is_err() {
                    return Ended::Closed;
                }
                let published = Arc::clone(&wall_rx.borrow_and_update());
                if published.view == shown {
                    continue;
                }
                shown = published.view.clone();
                outbox.push(Line::shared(Arc::clone(&published.line)))
            }
            _ = outbox.gone() => return Ended::Closed,
        };
        if let Err(behind) = pushed {
            return Ended::Behind(behind);
        }
    }
}

/// The reply to one line of a staff connection.
async fn handle(shared: &Shared, line: &[u8], role: Role, member: Option<&StaffMember>) -> Reply {
    let incoming = match parse_line(line) {
        Ok(incoming) => incoming,
        Err((id, error)) => return Reply::failed(id, error),
    };
    match incoming {
        Incoming::Query(q) => {
            if role != Role::Operator && matches!(q.query, Query::Backup { .. }) {
                return Reply::failed(
                    q.id,
                    ErrorBody::new(
                        "read_only",
                        "a read-only connection cannot start a backup: connect as operator",
                    ),
                );
            }
            let id = q.id;
            if q.query == Query::Shipping {
                // The shipper's own state: no need to wait for the writer.
                let status = shared
                    .shipping
                    .as_ref()
                    .and_then(|s| s.status.lock().ok().map(|s| s.clone()));
                return Reply {
                    id,
                    ok: true,
                    visit: None,
                    events: Vec::new(),
                    error: None,
                    data: Some(serde_json::to_value(status).unwrap_or_default()),
                };
            }
            submit(shared, id, Work::Query(q)).await
        }
        Incoming::Command(mut request) => {
            if role != Role::Operator {
                return Reply::failed(
                    request.id,
                    ErrorBody::new(
                        "read_only",
                        "this connection is read-only: nothing was changed",
                    ),
                );
            }
            if let Err(e) = crate::staff::admit(&shared.config, &shared.pins, member, &mut request)
            {
                return Reply::failed(request.id, e);
            }
            let id = request.id;
            submit(shared, id, Work::Command(request)).await
        }
    }
}

async fn submit(shared: &Shared, id: Option<u64>, work: Work) -> Reply {
    let stopping = || {
        Reply::failed(
            id,
            ErrorBody::new(
                "shutting_down",
                "the server is stopping: nothing was changed",
            ),
        )
    };
    let (tx, rx) = oneshot::channel();
    if shared.jobs.send(Job { work, reply: tx }).await.is_err() {
        return stopping();
    }
    rx.await.unwrap_or_else(|_| stopping())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::protocol::Welcome;
    use crate::ui::fixture::{ENGLISH, busy_morning};

    /// The welcome put together from shared pieces is the one serde writes.
    #[test]
    fn the_staff_welcome_reads_as_the_protocol_s_welcome() {
        let (day, _) = busy_morning(ENGLISH);
        let config = Config::default();
        let config_json: Arc<str> = Arc::from(serde_json::to_string(&config).unwrap());
        let board_json: Arc<str> = Arc::from(serde_json::to_string(&day.board).unwrap());
        for role in [Role::Operator, Role::ReadOnly] {
            let line = staff_welcome(role, &config_json, &board_json);
            let text = String::from_utf8(line.to_bytes()).unwrap();
            assert!(text.ends_with("}}\n"));
            let read: ServerMsg = serde_json::from_str(&text).unwrap();
            let expected = ServerMsg::Welcome(Box::new(Welcome {
                protocol: PROTOCOL_VERSION,
                server_version: env!("CARGO_PKG_VERSION").to_string(),
                role,
                config: config.clone(),
                board: day.board.clone(),
            }));
            assert_eq!(read, expected);
            assert_eq!(text, encode(&expected));
        }
    }
}
