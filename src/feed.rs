//! The change feed: after each command the writer publishes what changed
//! (`protocol::Changes`), encoded once for every connection; each
//! connection follows the feed, and one that falls behind it (a terminal
//! that stopped reading) is sent the whole board once, then follows on.
//! What a command costs does not depend on the size of the day.

use std::sync::Arc;

use tokio::sync::broadcast;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use crate::protocol::{Changes, ServerMsg, encode};

/// How many changes a connection may be behind before it is sent the
/// board instead.
const BACKLOG: usize = 512;

/// One published change: its value (for those who keep a board: the
/// wall's projection) and its line, ready to write.
#[derive(Debug)]
pub struct Published {
    /// The board's `last_seq` after the change.
    pub seq: u64,
    pub changes: Changes,
    pub line: Arc<str>,
}

#[derive(Clone)]
pub struct Feed {
    tx: broadcast::Sender<Arc<Published>>,
}

impl Default for Feed {
    fn default() -> Self {
        Feed {
            tx: broadcast::channel(BACKLOG).0,
        }
    }
}

impl Feed {
    /// Sends a change to every connection (none listening is fine).
    pub fn publish(&self, changes: Changes) {
        let seq = changes.seq;
        let msg = ServerMsg::Changes(Box::new(changes));
        let line = Arc::from(encode(&msg));
        let ServerMsg::Changes(changes) = msg else {
            return;
        };
        let _ = self.tx.send(Arc::new(Published {
            seq,
            changes: *changes,
            line,
        }));
    }

    /// A follower from now on; `seen` is the `last_seq` of the board the
    /// connection was given (changes up to it are skipped).
    pub fn follow(&self) -> Follower {
        Follower {
            rx: self.tx.subscribe(),
            seen: 0,
        }
    }
}

/// What a follower reads next.
pub enum Next {
    /// A change to write.
    Change(Arc<Published>),
    /// Changes were missed: send the board, then follow on.
    Behind,
    /// The writer is gone (shutting down).
    Closed,
}

pub struct Follower {
    rx: broadcast::Receiver<Arc<Published>>,
    /// The `last_seq` the connection's client has.
    pub seen: u64,
}

impl Follower {
    /// The next change, waiting for it.
    pub async fn next(&mut self) -> Next {
        loop {
            match self.rx.recv().await {
                Ok(change) if change.seq <= self.seen => continue,
                Ok(change) => {
                    self.seen = change.seq;
                    return Next::Change(change);
                }
                Err(RecvError::Lagged(_)) => return Next::Behind,
                Err(RecvError::Closed) => return Next::Closed,
            }
        }
    }

    /// The next change if one is waiting (the changes a reply must follow).
    pub fn ready(&mut self) -> Option<Next> {
        loop {
            match self.rx.try_recv() {
                Ok(change) if change.seq <= self.seen => continue,
                Ok(change) => {
                    self.seen = change.seq;
                    return Some(Next::Change(change));
                }
                Err(TryRecvError::Lagged(_)) => return Some(Next::Behind),
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Closed) => return Some(Next::Closed),
            }
        }
    }
}
