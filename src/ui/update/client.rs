//! News from the server link: the welcome, a new board, the reply to a
//! request (to the form that sent it, or the status line), a lost link.
//! A form's batch answered in full lets the keys typed meanwhile go on.

use chrono::{DateTime, Utc};

use super::{Action, error, form::replay, history::on_visits};
use crate::client::ClientEvent;
use crate::domain::text::sanitize;
use crate::i18n::texts;
use crate::protocol::{ErrorBody, Reply, Role};
use crate::ui::app::{App, Connection, Mode, Pending, Status, StatusKind};
use crate::ui::forms::FormKind;
use crate::ui::history::Source;

pub(super) fn on_client(app: &mut App, event: ClientEvent, now: DateTime<Utc>) -> Action {
    match event {
        ClientEvent::Connected(welcome) => {
            let welcome = *welcome;
            app.read_only = welcome.role != Role::Operator;
            app.config = welcome.config;
            app.board = welcome.board;
            if !app.lang_pinned {
                app.lang = app.config.language;
            }
            app.connection = Connection::Connected;
            // The server says again if the shipping is behind.
            app.shipping = None;
            app.bell.reset();
        }
        ClientEvent::Board(board) => {
            app.board = *board;
            if let Mode::Form(form) = &mut app.mode {
                form.sync(&app.board);
            }
        }
        // The link checks the changes follow (it reconnects when they do
        // not), so they apply here.
        ClientEvent::Changed(changes) => {
            let _ = changes.apply_to(&mut app.board);
            if let Mode::Form(form) = &mut app.mode {
                form.sync(&app.board);
            }
        }
        // The wall's news: a staff board's link never asks for it.
        ClientEvent::WallConnected(_) | ClientEvent::Wall(_) => {}
        ClientEvent::Shipping(behind) => app.shipping = behind,
        ClientEvent::Reply(reply) => return on_reply(app, reply, now),
        ClientEvent::Lost(reason) => {
            app.connection = Connection::Lost(sanitize(&reason));
            // A request sent before the loss may or may not have been
            // recorded: say so rather than guess.
            if app.pending.is_empty() {
                return Action::none();
            }
            app.pending.clear();
            let lost = texts(app.lang).ui.lost_pending;
            match &mut app.mode {
                Mode::History(h) if h.is_loading() => {
                    h.source = Source::Failed(sanitize(&reason));
                }
                Mode::Form(form) if form.is_pending() => {
                    // The keys typed meanwhile stay in the form: they
                    // were not applied, and the form says why.
                    form.pending.clear();
                    form.queued.clear();
                    form.set_error(None, lost.to_string());
                }
                _ => error(app, lost),
            }
        }
    }
    Action::none()
}

fn on_reply(app: &mut App, reply: Reply, now: DateTime<Utc>) -> Action {
    let Some(id) = reply.id else {
        return Action::none();
    };
    let Some(from) = app.pending.remove(&id) else {
        return Action::none();
    };
    if from == Pending::Visits {
        on_visits(app, id, reply);
        return Action::none();
    }
    let body = reply
        .error
        .unwrap_or_else(|| ErrorBody::new("unknown", "the server refused the request"));
    if let Mode::Form(form) = &mut app.mode
        && let Some(at) = form.pending.iter().position(|(p, _)| *p == id)
    {
        let (_, field) = form.pending.remove(at);
        if !reply.ok {
            form.rejected(&body, field);
        }
        form.sync(&app.board);
        if form.is_pending() {
            return Action::none();
        }
        let queued = std::mem::take(&mut form.queued);
        if form.failed {
            return replay(app, queued, true, now);
        }
        let text = form
            .saved_note
            .take()
            .unwrap_or_else(|| texts(app.lang).sent.to_string());
        if form.close_on_ok {
            app.mode = Mode::Normal;
        }
        if from == Pending::Form(FormKind::Arrival) {
            app.select_when_seen = reply.visit;
        }
        app.status = Some(Status {
            kind: StatusKind::Info,
            text,
        });
        return replay(app, queued, false, now);
    }
    if reply.ok {
        if from == Pending::Form(FormKind::Arrival) {
            app.select_when_seen = reply.visit;
        }
        app.status = Some(Status {
            kind: StatusKind::Info,
            text: texts(app.lang).sent.to_string(),
        });
    } else {
        error(app, &sanitize(&body.message));
    }
    Action::none()
}
