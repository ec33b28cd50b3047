//! Keys in a form: moving between fields, typing, choosing, answering
//! (`y`, `n`, Space), Ctrl-U, Enter. While the form waits for the server,
//! keys are kept in order and applied when it has answered: nothing typed
//! is dropped, and nothing is sent twice.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Action, edit, on_key, request};
use crate::i18n::texts;
use crate::ui::app::{App, Mode, Pending};
use crate::ui::forms::{Ctx, FieldId, FieldValue, FormKind, Submission};
use crate::ui::keymap::{self, Op};

pub(super) fn on_form_key(app: &mut App, key: KeyEvent, now: DateTime<Utc>) -> Action {
    let Mode::Form(form) = &mut app.mode else {
        return Action::none();
    };
    let mut op = keymap::lookup(keymap::FORM, &key);
    // While a save is in flight the keys wait their turn (Esc excepted:
    // it closes the form; the replies still reach the status line).
    if form.is_pending() && op != Some(Op::Abort) {
        form.queued.push(key);
        return Action::none();
    }
    // Space, y and n answer a question; in a text field they are letters.
    if matches!(op, Some(Op::Toggle | Op::AnswerYes | Op::AnswerNo)) && form.input_mut().is_some() {
        op = None;
    }
    let answer = match op {
        Some(Op::AnswerYes) => Some(Some(true)),
        Some(Op::AnswerNo) => Some(Some(false)),
        Some(Op::Toggle) => Some(None),
        _ => None,
    };
    let submission = match op {
        Some(Op::Abort) => {
            app.mode = Mode::Normal;
            return Action::none();
        }
        Some(Op::FieldNext) => {
            form.focus_next();
            return Action::none();
        }
        Some(Op::FieldPrev) => {
            form.focus_prev();
            return Action::none();
        }
        Some(Op::Submit) => {
            let ctx = Ctx {
                board: &app.board,
                config: &app.config,
                lang: app.lang,
                now,
            };
            form.submit(&ctx)
        }
        // A checklist item is recorded the moment it is answered.
        Some(_)
            if answer.is_some()
                && matches!(form.kind, FormKind::Discharge { .. })
                && matches!(form.focused().map(|f| f.id), Some(FieldId::Check(_))) =>
        {
            // The answer replaces any words beside the box.
            let focus = form.focus;
            if let Some(f) = form.fields.get_mut(focus) {
                f.error = None;
            }
            form.tick(&app.board, answer.flatten())
        }
        // y / n answer and move on; Space turns a box over in place.
        Some(_) if answer.is_some() => {
            let yes = answer.flatten();
            if form.answer(yes) && yes.is_some() {
                form.focus_next_needed();
            }
            None
        }
        Some(Op::Left) | Some(Op::Right) => {
            form.step(op == Some(Op::Right));
            None
        }
        _ => {
            // A space or `/` between vitals values moves on.
            if let (None, KeyCode::Char(c)) = (op, key.code)
                && form.separator(c)
            {
                return Action::none();
            }
            if let Some(input) = form.input_mut() {
                if edit(input, op, &key) {
                    form.edited();
                }
            } else if let (None, KeyCode::Char(c)) = (op, key.code)
                && !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
            {
                // Typed on a box or a choice: said beside it, never
                // dropped without a word.
                not_typed(form, c, app.lang);
            }
            None
        }
    };
    match submission {
        Some(submission) => send(app, submission),
        None => Action::none(),
    }
}

/// Sends a form's requests, in order, and waits for their replies.
fn send(app: &mut App, submission: Submission) -> Action {
    let Mode::Form(form) = &app.mode else {
        return Action::none();
    };
    let kind = form.kind;
    let mut send = Vec::new();
    let mut pending = Vec::new();
    for part in submission.parts {
        let id = app.take_request_id();
        app.pending.insert(id, Pending::Form(kind));
        pending.push((id, part.field));
        let mut req = request(app, id, part.at, part.command);
        req.pin = part.pin;
        req.confirm = part.confirm;
        send.push(req);
    }
    if let Mode::Form(form) = &mut app.mode {
        form.pending = pending;
        form.failed = false;
        form.close_on_ok = submission.close;
        form.saved_note = submission.saved_note;
    }
    Action {
        send,
        ..Action::default()
    }
}

/// The keys typed while a form waited, applied in order now that the
/// server has answered: to the form if it is still open, else to the
/// board. After a refusal an Enter among them is not taken (the form
/// would be sent again unchanged): the status line says so.
pub(super) fn replay(
    app: &mut App,
    keys: Vec<KeyEvent>,
    refused: bool,
    now: DateTime<Utc>,
) -> Action {
    let mut action = Action::none();
    let mut dropped = 0;
    for key in keys {
        if let Mode::Form(form) = &mut app.mode {
            if form.is_pending() {
                // A save again: the rest wait behind it.
                form.queued.push(key);
                continue;
            }
            if refused && keymap::lookup(keymap::FORM, &key) == Some(Op::Submit) {
                dropped += 1;
                continue;
            }
        }
        action = action.and(on_key(app, key, now));
    }
    if dropped > 0 {
        // Said below the form, whatever the refusal says in it.
        super::error(app, texts(app.lang).ui.enter_not_taken);
    }
    action
}

/// The focused field is not typed in: says so beside it, with its keys.
fn not_typed(form: &mut crate::ui::forms::Form, c: char, lang: crate::i18n::Lang) {
    let t = &crate::i18n::texts(lang).ui;
    let focus = form.focus;
    let Some(field) = form.fields.get_mut(focus) else {
        return;
    };
    let text = match field.value {
        FieldValue::Tick(_) => t.not_typed_tick,
        FieldValue::Choice { .. } => t.not_typed_choice,
        FieldValue::Text(_) => return,
    };
    field.error = Some(text.replace("{c}", &crate::ui::cell::clean(&c.to_string())));
}
