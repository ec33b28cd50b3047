//! The wall's projection, kept current: recomputed when the board changes
//! and every second (alert levels change with time alone: "waited too
//! long"), and published only when it differs, so an idle clinic sends
//! its walls nothing. Computed only while a wall is connected.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

use super::Published;
use crate::config::Config;
use crate::projection::{WallView, project};
use crate::protocol::{ServerMsg, encode};

/// How often the projection is recomputed while the board stands still.
pub const REFRESH: Duration = Duration::from_secs(1);

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
pub fn start(
    mut board_rx: watch::Receiver<Arc<Published>>,
    config: Arc<Config>,
) -> watch::Sender<Arc<WallPublished>> {
    let (tx, _) = watch::channel(WallPublished::new(WallView::default()));
    let feed = tx.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(REFRESH);
        tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                changed = board_rx.changed() => if changed.is_err() { return },
                _ = tick.tick() => {}
            }
            // No receiver: no wall is connected, nobody to compute for.
            if feed.receiver_count() == 0 {
                continue;
            }
            let board = Arc::clone(&board_rx.borrow_and_update());
            let view = project(&board.board, &config, chrono::Utc::now());
            if view != feed.borrow().view {
                feed.send_replace(WallPublished::new(view));
            }
        }
    });
    tx
}
