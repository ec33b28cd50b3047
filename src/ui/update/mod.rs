//! `update`: the only place the model changes. Pure: a message and `now`
//! in, the changed model and what to do (requests to send, quitting) out.
//! One file per mode the keyboard can be in: the board, a form, the
//! history, the alert list; and the server's news.

mod alerts;
mod board;
mod busy;
mod client;
mod form;
mod history;

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::{App, Connection, Mode, Status, StatusKind};
use super::input::TextInput;
use super::keymap::{self, Op};
use super::msg::Msg;
use crate::domain::Command;
use crate::protocol::{QueryRequest, Request};

pub use board::{next_stage, offers};

/// What the loop is to do after an update.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Action {
    /// Requests for the server, to be sent in this order (a form may
    /// record several facts and then move the patient on).
    pub send: Vec<Request>,
    /// A question for the server (the history of a past day); its reply
    /// comes back as a `Reply` like a command's.
    pub query: Option<QueryRequest>,
    pub quit: bool,
    /// Ring the terminal bell (a new critical alert).
    pub bell: bool,
}

impl Action {
    fn none() -> Action {
        Action::default()
    }

    fn quit() -> Action {
        Action {
            quit: true,
            ..Action::default()
        }
    }

    fn send(request: Request) -> Action {
        Action {
            send: vec![request],
            ..Action::default()
        }
    }

    /// This, then `then` (keys replayed after a save send their own).
    fn and(mut self, then: Action) -> Action {
        self.send.extend(then.send);
        self.query = self.query.or(then.query);
        self.quit |= then.quit;
        self.bell |= then.bell;
        self
    }
}

/// Rows moved by PgUp / PgDn.
const PAGE: isize = 10;

pub fn update(app: &mut App, msg: Msg, now: DateTime<Utc>) -> Action {
    let mut action = match msg {
        Msg::Key(key) => on_key(app, key, now),
        Msg::Tick | Msg::Resize => Action::none(),
        Msg::Client(event) => client::on_client(app, event, now),
    };
    app.reconcile_selection(now);
    if app.connection == Connection::Connected {
        let alerts = app.board_alerts(now);
        action.bell = app.bell.check(&alerts) && app.config.terminal.bell;
    }
    action
}

fn on_key(app: &mut App, key: KeyEvent, now: DateTime<Utc>) -> Action {
    // Key releases and repeats (reported by some terminals) are not presses.
    if key.kind != KeyEventKind::Press {
        return Action::none();
    }
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        return Action::quit();
    }
    match app.mode {
        Mode::Normal => board::on_board_key(app, key, now),
        Mode::Help => {
            match keymap::lookup(keymap::HELP, &key) {
                Some(Op::Close) => {
                    app.mode = Mode::Normal;
                    app.help_scroll = 0;
                }
                Some(Op::Down) => app.help_scroll = app.help_scroll.saturating_add(1),
                Some(Op::Up) => app.help_scroll = app.help_scroll.saturating_sub(1),
                _ => {}
            }
            Action::none()
        }
        Mode::Alerts(_) => alerts::on_alerts_key(app, key, now),
        Mode::Beds(_) => busy::on_beds_key(app, key, now),
        Mode::Caseload => {
            if keymap::lookup(keymap::CASELOAD, &key) == Some(Op::Close) {
                app.mode = Mode::Normal;
            }
            Action::none()
        }
        Mode::Filter => {
            let op = keymap::lookup(keymap::FILTER, &key);
            match op {
                Some(Op::KeepFilter) => app.mode = Mode::Normal,
                Some(Op::ClearFilter) => {
                    app.filter.clear();
                    app.mode = Mode::Normal;
                }
                _ => {
                    edit(&mut app.filter, op, &key);
                }
            }
            Action::none()
        }
        Mode::Form(_) => form::on_form_key(app, key, now),
        Mode::History(_) => history::on_history_key(app, key, now),
        Mode::ConfirmUndo(visit) => match keymap::lookup(keymap::CONFIRM, &key) {
            Some(Op::Yes) => {
                app.mode = Mode::Normal;
                let id = app.take_request_id();
                app.pending.insert(id, super::app::Pending::Undo(visit));
                Action::send(request(
                    app,
                    id,
                    None,
                    Command::Undo {
                        visit,
                        reason: None,
                    },
                ))
            }
            Some(Op::No) => {
                app.mode = Mode::Normal;
                Action::none()
            }
            _ => Action::none(),
        },
    }
}

fn request(app: &App, id: u64, at: Option<DateTime<Utc>>, command: Command) -> Request {
    Request {
        id: Some(id),
        at,
        operator: app.operator.clone(),
        command,
        confirm: false,
        pin: None,
    }
}

fn error(app: &mut App, text: &str) {
    app.status = Some(Status {
        kind: StatusKind::Error,
        text: text.to_string(),
    });
}

fn info(app: &mut App, text: &str) {
    app.status = Some(Status {
        kind: StatusKind::Info,
        text: text.to_string(),
    });
}

/// Typing, Backspace, Delete, Ctrl-U, the cursor keys: the same in every
/// line of text (a form field or a filter). Returns whether the text
/// changed.
fn edit(input: &mut TextInput, op: Option<Op>, key: &KeyEvent) -> bool {
    let before = input.text().to_string();
    match op {
        Some(Op::Left) => input.left(),
        Some(Op::Right) => input.right(),
        Some(Op::Backspace) => input.backspace(),
        Some(Op::Delete) => input.delete(),
        Some(Op::Home) => input.home(),
        Some(Op::End) => input.end(),
        Some(Op::ClearField) => input.clear(),
        Some(_) => {}
        None => {
            // Any character, including Japanese text committed by an IME;
            // `insert` refuses control characters (ESC never gets in).
            // Control or Alt alone make a shortcut, not text; both at once
            // is AltGr on many keyboards, which types characters.
            let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
            let alt = key.modifiers.contains(KeyModifiers::ALT);
            if let KeyCode::Char(c) = key.code
                && ctrl == alt
            {
                input.insert(c);
            }
        }
    }
    input.text() != before
}
