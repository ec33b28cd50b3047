//! The real loop: the terminal, the keyboard thread, the server link and
//! the clock, wired to a screen's `update` and `view` (the board's, the
//! wall's). Redraws on a key, on news from the server and once a second;
//! never spins, never clears: ratatui writes only the cells that changed.

use std::io::{self, Write};
use std::time::Duration;

use chrono::DateTime;
use chrono::Utc;
use ratatui::crossterm::event::{self, Event};
use ratatui::{DefaultTerminal, Frame};
use tokio::sync::mpsc;
use tokio::time::MissedTickBehavior;

use super::app::App;
use super::msg::Msg;
use super::update::{Action, update};
use super::view::view;
use crate::client::{ClientEvent, Outgoing};
use crate::protocol::{ErrorBody, Reply};

/// A screen the loop can drive: the Elm architecture's update and view.
pub trait Screen {
    fn update(&mut self, msg: Msg, now: DateTime<Utc>) -> Action;
    fn view(&self, frame: &mut Frame, now: DateTime<Utc>);
}

impl Screen for App {
    fn update(&mut self, msg: Msg, now: DateTime<Utc>) -> Action {
        update(self, msg, now)
    }

    fn view(&self, frame: &mut Frame, now: DateTime<Utc>) {
        view(frame, self, now);
    }
}

/// Runs a screen until the user quits. Restores the terminal on the way
/// out, and on a panic (the hook `ratatui::try_init` installs).
pub async fn run<S: Screen>(
    app: S,
    events: mpsc::Receiver<ClientEvent>,
    requests: mpsc::Sender<Outgoing>,
) -> io::Result<()> {
    let mut terminal = match ratatui::try_init() {
        Ok(terminal) => terminal,
        Err(e) => {
            // Raw mode may be on already when the alternate screen failed.
            ratatui::restore();
            return Err(e);
        }
    };
    let result = event_loop(&mut terminal, app, events, requests).await;
    ratatui::restore();
    result
}

/// Blocking reads on their own thread, forwarded to the async loop: no
/// polling. The thread ends at the next event after the loop has gone (or
/// with the process).
fn spawn_terminal_reader() -> io::Result<mpsc::Receiver<io::Result<Event>>> {
    let (tx, rx) = mpsc::channel(64);
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || {
            loop {
                let event = event::read();
                let failed = event.is_err();
                if tx.blocking_send(event).is_err() || failed {
                    return;
                }
            }
        })?;
    Ok(rx)
}

async fn event_loop<S: Screen>(
    terminal: &mut DefaultTerminal,
    mut app: S,
    mut events: mpsc::Receiver<ClientEvent>,
    requests: mpsc::Sender<Outgoing>,
) -> io::Result<()> {
    let mut keys = spawn_terminal_reader()?;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut link_open = true;
    terminal.draw(|f| app.view(f, Utc::now()))?;
    loop {
        let msg = tokio::select! {
            event = keys.recv() => match event {
                Some(Ok(Event::Key(key))) => Msg::Key(key),
                Some(Ok(Event::Resize(..))) => Msg::Resize,
                // Mouse, focus and paste are not used.
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
            event = events.recv(), if link_open => match event {
                Some(event) => Msg::Client(event),
                None => {
                    link_open = false;
                    Msg::Client(ClientEvent::Lost("the connection task has stopped".into()))
                }
            },
            _ = tick.tick() => Msg::Tick,
        };
        let action = app.update(msg, Utc::now());
        // In order; once one cannot be sent, the rest are not sent either
        // (a later one depends on the earlier: ready after the screening).
        let mut unsent: Option<String> = None;
        let outgoing = action
            .send
            .into_iter()
            .map(Outgoing::Command)
            .chain(action.query.map(Outgoing::Query));
        for request in outgoing {
            let id = request.id();
            let failed = match &unsent {
                Some(why) => Some(why.clone()),
                None => requests.try_send(request).err().map(|e| e.to_string()),
            };
            if let Some(why) = failed {
                // The link is gone or jammed: the form (or the history
                // waiting for a day) hears it like a refusal.
                let reply = Reply::failed(
                    id,
                    ErrorBody::new("not_connected", format!("not sent: {why}")),
                );
                app.update(Msg::Client(ClientEvent::Reply(reply)), Utc::now());
                unsent = Some(why);
            }
        }
        if action.quit {
            return Ok(());
        }
        terminal.draw(|f| app.view(f, Utc::now()))?;
        if action.bell {
            let out = terminal.backend_mut();
            out.write_all(b"\x07")?;
            out.flush()?;
        }
    }
}
