//! What can happen to the screen: a key, a clock tick, news from the
//! server link, a resize.

use ratatui::crossterm::event::KeyEvent;

use crate::client::ClientEvent;

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// Once a second: timers move on.
    Tick,
    Client(ClientEvent),
    /// The terminal changed size (the next draw adapts).
    Resize,
}
