//! `update`: the only place the model changes. Pure: a message and `now`
//! in, the changed model and what to do (a request to send, quitting) out.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::{App, Connection, Mode, Pending, Status, StatusKind};
use super::form::{Form, FormKind};
use super::input::TextInput;
use super::keymap::{self, Op};
use super::msg::Msg;
use crate::client::ClientEvent;
use crate::domain::{Command, EventKind, Stage, text::sanitize};
use crate::i18n::texts;
use crate::protocol::{Reply, Request, Role};

/// What the loop is to do after an update.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Action {
    /// A request for the server.
    pub send: Option<Request>,
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
            send: Some(request),
            ..Action::default()
        }
    }
}

/// Rows moved by PgUp / PgDn.
const PAGE: isize = 10;

pub fn update(app: &mut App, msg: Msg, now: DateTime<Utc>) -> Action {
    let mut action = match msg {
        Msg::Key(key) => on_key(app, key, now),
        Msg::Tick | Msg::Resize => Action::none(),
        Msg::Client(event) => {
            on_client(app, event);
            Action::none()
        }
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
        Mode::Normal => on_board_key(app, key, now),
        Mode::Help => {
            if keymap::lookup(keymap::HELP, &key) == Some(Op::Close) {
                app.mode = Mode::Normal;
            }
            Action::none()
        }
        Mode::Filter => {
            on_filter_key(app, key);
            Action::none()
        }
        Mode::Form(_) => on_form_key(app, key, now),
        Mode::ConfirmUndo(visit) => match keymap::lookup(keymap::CONFIRM, &key) {
            Some(Op::Yes) => {
                app.mode = Mode::Normal;
                let id = app.take_request_id();
                app.pending.insert(id, Pending::Undo(visit));
                Action::send(request(app, id, None, Command::Undo { visit }))
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
    }
}

fn error(app: &mut App, text: &str) {
    app.status = Some(Status {
        kind: StatusKind::Error,
        text: text.to_string(),
    });
}

fn on_board_key(app: &mut App, key: KeyEvent, now: DateTime<Utc>) -> Action {
    let Some(op) = keymap::lookup(keymap::NORMAL, &key) else {
        return Action::none();
    };
    let ui = &texts(app.lang).ui;
    if app.read_only && op.changes_board() {
        error(app, ui.read_only);
        return Action::none();
    }
    match op {
        Op::Quit => return Action::quit(),
        Op::Down => app.move_selection(1, now),
        Op::Up => app.move_selection(-1, now),
        Op::PageDown => app.move_selection(PAGE, now),
        Op::PageUp => app.move_selection(-PAGE, now),
        Op::First => app.move_selection(isize::MIN / 2, now),
        Op::Last => app.move_selection(isize::MAX / 2, now),
        Op::Arrival => app.mode = Mode::Form(Form::arrival(&app.config, app.lang)),
        Op::Next => match app.selected_visit(now).map(|v| (v.id, v.stage)) {
            None => error(app, ui.nothing_selected),
            Some((visit, stage)) => match stage.next() {
                None if !stage.is_active() => error(app, ui.not_active),
                None => error(app, ui.no_next),
                Some(to) => {
                    let form = Form::advance(&app.board, &app.config, app.lang, visit, to);
                    app.mode = Mode::Form(form);
                }
            },
        },
        Op::Cancel => match app.selected_visit(now).map(|v| (v.id, v.stage)) {
            None => error(app, ui.nothing_selected),
            Some((_, stage)) if !stage.is_active() => error(app, ui.not_active),
            Some((visit, _)) => app.mode = Mode::Form(Form::cancel(visit)),
        },
        Op::Undo => match app.selected_visit(now) {
            None => error(app, ui.nothing_selected),
            Some(v) => {
                let undoable = v
                    .effective_events()
                    .last()
                    .is_some_and(|e| !matches!(e.kind, EventKind::Arrived { .. }));
                if undoable {
                    app.mode = Mode::ConfirmUndo(v.id);
                } else {
                    error(app, ui.nothing_to_undo);
                }
            }
        },
        Op::Filter => {
            app.filter.end();
            app.mode = Mode::Filter;
        }
        Op::ClearFilter => app.filter.clear(),
        Op::Help => app.mode = Mode::Help,
        _ => {}
    }
    Action::none()
}

/// Typing, Backspace, Delete, the cursor keys: the same in every line of
/// text (a form field or the filter).
fn edit(input: &mut TextInput, op: Option<Op>, key: &KeyEvent) {
    match op {
        Some(Op::Left) => input.left(),
        Some(Op::Right) => input.right(),
        Some(Op::Backspace) => input.backspace(),
        Some(Op::Delete) => input.delete(),
        Some(Op::Home) => input.home(),
        Some(Op::End) => input.end(),
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
}

fn on_filter_key(app: &mut App, key: KeyEvent) {
    let op = keymap::lookup(keymap::FILTER, &key);
    match op {
        Some(Op::KeepFilter) => app.mode = Mode::Normal,
        Some(Op::ClearFilter) => {
            app.filter.clear();
            app.mode = Mode::Normal;
        }
        _ => edit(&mut app.filter, op, &key),
    }
}

fn on_form_key(app: &mut App, key: KeyEvent, now: DateTime<Utc>) -> Action {
    let Mode::Form(form) = &mut app.mode else {
        return Action::none();
    };
    let op = keymap::lookup(keymap::FORM, &key);
    match op {
        Some(Op::Abort) => {
            app.mode = Mode::Normal;
            Action::none()
        }
        Some(Op::FieldNext) => {
            form.focus_next();
            Action::none()
        }
        Some(Op::FieldPrev) => {
            form.focus_prev();
            Action::none()
        }
        Some(Op::Submit) => {
            // One request per form at a time: a second Enter while the
            // server has not answered would record the action twice.
            if form.pending.is_some() {
                return Action::none();
            }
            let Some(submission) = form.submit(&app.config, app.lang, now) else {
                return Action::none();
            };
            let kind = form.kind;
            let id = app.take_request_id();
            if let Mode::Form(form) = &mut app.mode {
                form.pending = Some(id);
            }
            app.pending.insert(id, Pending::Form(kind));
            Action::send(request(app, id, submission.at, submission.command))
        }
        Some(Op::Left) | Some(Op::Right) => {
            form.step(op == Some(Op::Right));
            Action::none()
        }
        _ => {
            if let Some(input) = form.input_mut() {
                edit(input, op, &key);
            }
            Action::none()
        }
    }
}

fn on_client(app: &mut App, event: ClientEvent) {
    match event {
        ClientEvent::Connected(welcome) => {
            let welcome = *welcome;
            app.read_only = welcome.role == Role::ReadOnly;
            app.config = welcome.config;
            app.board = welcome.board;
            if !app.lang_pinned {
                app.lang = app.config.language;
            }
            app.connection = Connection::Connected;
            app.bell.reset();
        }
        ClientEvent::Board(board) => app.board = *board,
        ClientEvent::Reply(reply) => on_reply(app, reply),
        ClientEvent::Lost(reason) => {
            app.connection = Connection::Lost(sanitize(&reason));
            // A request sent before the loss may or may not have been
            // recorded: say so rather than guess.
            if app.pending.is_empty() {
                return;
            }
            app.pending.clear();
            let lost = texts(app.lang).ui.lost_pending;
            match &mut app.mode {
                Mode::Form(form) if form.pending.is_some() => {
                    form.pending = None;
                    form.set_error(None, lost.to_string());
                }
                _ => error(app, lost),
            }
        }
    }
}

fn on_reply(app: &mut App, reply: Reply) {
    let Some(id) = reply.id else {
        return;
    };
    let Some(from) = app.pending.remove(&id) else {
        return;
    };
    let in_open_form = matches!(&app.mode, Mode::Form(f) if f.pending == Some(id));
    if reply.ok {
        if in_open_form {
            app.mode = Mode::Normal;
        }
        if from == Pending::Form(FormKind::Arrival) {
            app.select_when_seen = reply.visit;
        }
        app.status = Some(Status {
            kind: StatusKind::Info,
            text: texts(app.lang).sent.to_string(),
        });
        return;
    }
    let (code, message) = match reply.error {
        Some(e) => (e.code, e.message),
        None => (
            "unknown".to_string(),
            "the server refused the request".to_string(),
        ),
    };
    match &mut app.mode {
        Mode::Form(form) if in_open_form => form.rejected(&code, &message),
        _ => error(app, &sanitize(&message)),
    }
}

/// The stage Enter would move the selected patient to, for the footer.
pub fn next_stage(app: &App, now: DateTime<Utc>) -> Option<Stage> {
    app.selected_visit(now).and_then(|v| v.stage.next())
}
