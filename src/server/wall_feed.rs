//! The wall's projection, kept current: recomputed when the board changes
//! and every few seconds (alert levels change with time alone: "waited
//! too long"; the wall's timers tick on the wall itself), and published
//! only when it differs, so an idle clinic sends its walls nothing.
//! Computed only while a wall is connected: the feed then keeps its own
//! copy of the board, taken from the writer once and brought up to date
//! by the change feed (never a board per command). With no wall, nothing
//! here wakes but a change.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc, watch};
use tokio::time::MissedTickBehavior;

use super::{Job, board_now};
use crate::config::Config;
use crate::domain::Board;
use crate::feed::{Feed, Next};
use crate::projection::{WallView, project};
use crate::protocol::{ServerMsg, encode};

/// How often the projection is recomputed while the board stands still:
/// an alert level that changes with time alone (its thresholds are
/// minutes) reaches the wall within this; commands reach it at once.
pub const REFRESH: Duration = Duration::from_secs(5);

/// A projection and its line (`{"wall": ...}`), encoded once for every
/// wall connection.
pub struct WallPublished {
    pub view: WallView,
    pub line: Arc<str>,
}

impl WallPublished {
    fn new(view: WallView) -> Arc<WallPublished> {
        let line = encode(&ServerMsg::Wall(Box::new(view.clone())));
        Arc::new(WallPublished {
            view,
            line: Arc::from(line),
        })
    }
}

/// Starts the feed; wall connections subscribe to the sender it returns.
/// `joined` is notified when a wall connects (the feed then starts
/// keeping the board and the clock).
pub fn start(
    feed: Feed,
    jobs: mpsc::Sender<Job>,
    config: Arc<Config>,
    joined: Arc<Notify>,
) -> watch::Sender<Arc<WallPublished>> {
    let (tx, _) = watch::channel(WallPublished::new(WallView::default()));
    let walls = tx.clone();
    tokio::spawn(async move {
        let mut follower = feed.follow();
        // The board, while a wall is connected.
        let mut board: Option<Board> = None;
        let mut tick = tokio::time::interval(REFRESH);
        tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
        loop {
            let walls_on = walls.receiver_count() > 0;
            tokio::select! {
                _ = joined.notified() => {}
                next = follower.next() => match next {
                    Next::Change(change) => {
                        if let Some(b) = &mut board
                            && change.changes.clone().apply_to(b).is_err()
                        {
                            board = None; // taken again below
                        }
                    }
                    Next::Behind => board = None,
                    Next::Closed => return,
                },
                _ = tick.tick(), if walls_on => {}
            }
            // No receiver: no wall is connected, nobody to compute for.
            if walls.receiver_count() == 0 {
                board = None;
                continue;
            }
            if board.is_none() {
                let Some(b) = board_now(&jobs).await else {
                    return; // the writer is gone: shutting down
                };
                follower.seen = b.last_seq;
                board = Some(b);
            }
            if let Some(b) = &board {
                let view = project(b, &config, chrono::Utc::now());
                if view != walls.borrow().view {
                    walls.send_replace(WallPublished::new(view));
                }
            }
        }
    });
    tx
}
