//! `update`: the only place the model changes. Pure: a message and `now`
//! in, the changed model and what to do (a request to send, quitting) out.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::{App, Connection, Mode, Pending, Status, StatusKind};
use super::form::{Form, FormKind};
use super::history::{History, Source, day_range, today};
use super::input::TextInput;
use super::keymap::{self, Op};
use super::msg::Msg;
use crate::client::ClientEvent;
use crate::domain::moves::{self, Move};
use crate::domain::{Command, Entry, Missing, Stage, VisitId, text::sanitize, visit_alerts};
use crate::i18n::texts;
use crate::protocol::{ErrorBody, Query, QueryRequest, Reply, Request, Role};

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
        Mode::Filter => {
            on_filter_key(app, key);
            Action::none()
        }
        Mode::Form(_) => on_form_key(app, key, now),
        Mode::History(_) => on_history_key(app, key, now),
        Mode::ConfirmUndo(visit) => match keymap::lookup(keymap::CONFIRM, &key) {
            Some(Op::Yes) => {
                app.mode = Mode::Normal;
                let id = app.take_request_id();
                app.pending.insert(id, Pending::Undo(visit));
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
        Op::Arrival => app.mode = Mode::Form(Box::new(Form::arrival(&app.config, app.lang))),
        // Enter: the protocol's next move for the selected patient.
        Op::Next => match app.selected_visit(now) {
            None => error(app, ui.nothing_selected),
            Some(v) => match moves::next_step(v, &app.config, now) {
                None if !v.stage.is_active() && v.stage != Stage::Expected => {
                    error(app, ui.not_active)
                }
                None => error(app, ui.no_next),
                Some(offer) => {
                    let (visit, stage) = (v.id, v.stage);
                    match offer.mv {
                        Move::MarkReady => return care_key(app, Op::Counselling, now),
                        Move::Discharge => return care_key(app, Op::Next, now),
                        // A drip still running ends by stop early, with a
                        // reason: Enter says so rather than open a form that
                        // would be refused.
                        Move::EndAdministration
                            if offer
                                .needs
                                .iter()
                                .any(|m| matches!(m, Missing::DripRunning { .. })) =>
                        {
                            let text = missing_words(app, &offer.needs);
                            error(app, &text);
                        }
                        mv => {
                            let to = mv.leads_to().unwrap_or(stage);
                            let form = Form::advance(&app.board, &app.config, app.lang, visit, to);
                            app.mode = Mode::Form(Box::new(form));
                        }
                    }
                }
            },
        },
        Op::Cancel => match app.selected_visit(now) {
            None => error(app, ui.nothing_selected),
            Some(v) => match moves::gate(v, &app.config, Move::Cancel, now) {
                Ok(_) => app.mode = Mode::Form(Box::new(Form::cancel(v.id))),
                Err(why) => {
                    let text = refusal(app.lang, &why, ui.not_active);
                    error(app, &text);
                }
            },
        },
        Op::Undo => match app.selected_visit(now) {
            None => error(app, ui.nothing_selected),
            Some(v) if !moves::offered(v, &app.config, Move::Undo, now) => {
                error(app, ui.nothing_to_undo)
            }
            // A reaction, a dose, an approval or a change of stage is
            // undone only with a reason, which stays in the history.
            Some(v) if moves::undo_needs_reason(v) => {
                app.mode = Mode::Form(Box::new(Form::undo(v.id)));
            }
            Some(v) => app.mode = Mode::ConfirmUndo(v.id),
        },
        Op::Filter => {
            app.filter.end();
            app.mode = Mode::Filter;
        }
        Op::ClearFilter => app.filter.clear(),
        Op::Help => app.mode = Mode::Help,
        Op::History => {
            // The cursor on the selected patient's latest event, so `p`
            // shows that patient's history.
            let mut history = History::new(today(&app.config, now));
            if let Some(selected) = app.selected_visit(now).map(|v| v.id)
                && let Some(i) = history.rows(app).iter().rposition(|r| r.visit == selected)
            {
                history.cursor = i;
            }
            app.mode = Mode::History(Box::new(history));
        }
        Op::Correct => match app.selected_visit(now) {
            None => error(app, ui.nothing_selected),
            Some(v) => app.mode = Mode::Form(Box::new(Form::correct(&app.config, app.lang, v))),
        },
        Op::Counselling
        | Op::Vitals
        | Op::DripCheck
        | Op::SkipCheck
        | Op::Pause
        | Op::StopEarly
        | Op::Reaction
        | Op::FollowUp
        | Op::Acknowledge => return care_key(app, op, now),
        _ => {}
    }
    Action::none()
}

/// The patient-care keys: a clinical form, or one record sent at once.
/// `Op::Next` here means the discharge checklist (Enter in observation).
/// Whether the key applies is the protocol's (`moves`); when it does not,
/// the refusal says why.
fn care_key(app: &mut App, op: Op, now: DateTime<Utc>) -> Action {
    let ui = &texts(app.lang).ui;
    let c = &texts(app.lang).clinic;
    let Some(v) = app.selected_visit(now) else {
        error(app, ui.nothing_selected);
        return Action::none();
    };
    if !offers(app, op, now) {
        let why = op_moves(op)
            .first()
            .and_then(|mv| moves::gate(v, &app.config, *mv, now).err());
        let fallback = match op {
            Op::Counselling => c.only_counselling,
            Op::DripCheck | Op::SkipCheck => c.no_drip_check,
            Op::Pause | Op::StopEarly => c.only_administration,
            Op::Reaction | Op::FollowUp => c.only_from_administration,
            Op::Acknowledge => c.no_unacknowledged,
            _ => ui.not_active,
        };
        let text = match why {
            Some(why) => refusal(app.lang, &why, fallback),
            None => fallback.to_string(),
        };
        error(app, &text);
        return Action::none();
    }
    let visit = v.id;
    let form = match op {
        Op::Next => Form::discharge(v),
        Op::Counselling => Form::counselling(&app.config, app.lang, v),
        Op::Vitals => Form::vitals(app.lang, v),
        Op::DripCheck | Op::SkipCheck => {
            let due = crate::domain::rules::drip_checks_due(v, &app.config, now);
            let Some(minute) = due.last().copied() else {
                error(app, c.no_drip_check);
                return Action::none();
            };
            if op == Op::SkipCheck {
                Form::skip_check(visit, minute)
            } else {
                return quick(
                    app,
                    visit,
                    vec![Entry::DripCheck {
                        minute,
                        skipped: None,
                    }],
                );
            }
        }
        Op::Pause if v.care.paused_since.is_some() => {
            app.status = Some(Status {
                kind: StatusKind::Info,
                text: c.resuming.to_string(),
            });
            return quick(app, visit, vec![Entry::Resume]);
        }
        Op::Pause => Form::pause(v),
        Op::StopEarly => Form::stop_early(v),
        Op::Reaction => Form::reaction(&app.config, app.lang, v),
        Op::FollowUp => Form::follow_up(&app.config, app.lang, v, now),
        Op::Acknowledge => {
            let mut codes: Vec<&'static str> = Vec::new();
            for a in visit_alerts(v, &app.config, now) {
                if a.acknowledged_by.is_none() && !codes.contains(&a.code.as_str()) {
                    codes.push(a.code.as_str());
                }
            }
            let entries = codes
                .into_iter()
                .map(|code| Entry::Acknowledge {
                    code: code.to_string(),
                })
                .collect();
            return quick(app, visit, entries);
        }
        _ => return Action::none(),
    };
    app.mode = Mode::Form(Box::new(form));
    Action::none()
}

/// What a move still lacks, in the screen's words.
fn missing_words(app: &App, needs: &[Missing]) -> String {
    needs
        .iter()
        .map(|m| crate::i18n::missing_text(app.lang, m, &app.config))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A refusal of the protocol, for the status line: the domain's words in
/// English; in Japanese the screen's own words for the key.
fn refusal(lang: crate::i18n::Lang, why: &crate::domain::Rejection, ja: &str) -> String {
    match lang {
        crate::i18n::Lang::En => why.to_string(),
        crate::i18n::Lang::Ja => ja.to_string(),
    }
}

/// Records sent at once from the board, one request each.
fn quick(app: &mut App, visit: VisitId, entries: Vec<Entry>) -> Action {
    let mut send = Vec::new();
    for entry in entries {
        let id = app.take_request_id();
        app.pending.insert(id, Pending::Quick(visit));
        send.push(request(app, id, None, Command::Record { visit, entry }));
    }
    Action {
        send,
        ..Action::default()
    }
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
    let mut op = keymap::lookup(keymap::FORM, &key);
    // Space, y and n answer a question; in a text field they are letters.
    if matches!(op, Some(Op::Toggle | Op::AnswerYes | Op::AnswerNo)) && form.input_mut().is_some() {
        op = None;
    }
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
        // One batch per form at a time: a second Enter while the server
        // has not answered would record the action twice.
        Some(Op::Submit | Op::Toggle) if form.is_pending() => return Action::none(),
        Some(Op::Submit) => form.submit(&app.board, &app.config, app.lang, now),
        Some(Op::Toggle) => {
            if form.toggle() {
                form.tick()
            } else {
                None
            }
        }
        Some(Op::AnswerYes | Op::AnswerNo) => {
            if form.answer(op == Some(Op::AnswerYes)) {
                form.focus_next();
            }
            None
        }
        Some(Op::Left) | Some(Op::Right) => {
            form.step(op == Some(Op::Right));
            None
        }
        _ => {
            if let Some(input) = form.input_mut() {
                edit(input, op, &key);
            }
            None
        }
    };
    let Some(submission) = submission else {
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

/// The history view: moving through the day's events, the filters, and
/// the days before (asked of the server).
fn on_history_key(app: &mut App, key: KeyEvent, now: DateTime<Utc>) -> Action {
    let Mode::History(history) = &app.mode else {
        return Action::none();
    };
    let rows = history.rows(app);
    let under_cursor = rows.get(history.cursor_in(rows.len())).cloned();
    let typing = history.typing_by;
    let table = if typing {
        keymap::HISTORY_BY
    } else {
        keymap::HISTORY
    };
    let op = keymap::lookup(table, &key);
    let config = app.config.clone();
    let mut query = None;
    let mut note = None;
    let Mode::History(history) = &mut app.mode else {
        return Action::none();
    };
    let h = &mut **history;
    if typing {
        match op {
            Some(Op::KeepFilter) => h.typing_by = false,
            Some(Op::ClearFilter) => {
                h.by.clear();
                h.typing_by = false;
            }
            _ => edit(&mut h.by, op, &key),
        }
        // The list changes as the name is typed: the newest line.
        h.cursor = usize::MAX;
        return Action::none();
    }
    let len = rows.len();
    match op {
        Some(Op::Close) => {
            app.mode = Mode::Normal;
            return Action::none();
        }
        Some(Op::Down) => h.move_cursor(1, len),
        Some(Op::Up) => h.move_cursor(-1, len),
        Some(Op::PageDown) => h.move_cursor(PAGE, len),
        Some(Op::PageUp) => h.move_cursor(-PAGE, len),
        Some(Op::First) => h.cursor = 0,
        Some(Op::Last) => h.cursor = usize::MAX,
        Some(Op::FilterBy) => {
            h.by.end();
            h.typing_by = true;
        }
        Some(Op::TogglePatient) => {
            h.patient = match (h.patient, &under_cursor) {
                (Some(_), _) => None,
                (None, Some(row)) => Some(row.visit),
                (None, None) => {
                    note = Some(texts(app.lang).records.no_patient_row);
                    None
                }
            };
        }
        Some(Op::CycleKind) => h.kind = h.kind.next(),
        Some(Op::PrevDay | Op::NextDay) => {
            let today = today(&config, now);
            let day = if op == Some(Op::PrevDay) {
                h.day.pred_opt()
            } else {
                h.day.succ_opt().filter(|d| *d <= today)
            };
            match day {
                None => note = Some(texts(app.lang).records.no_later_day),
                Some(day) => {
                    h.day = day;
                    // Visit ids of one day mean nothing on another.
                    h.patient = None;
                    h.cursor = usize::MAX;
                    if day == today {
                        h.source = Source::Board;
                    } else {
                        let id = app.next_request;
                        app.next_request += 1;
                        h.source = Source::Loading(id);
                        let (from, to) = day_range(&config, day);
                        query = Some(QueryRequest {
                            id: Some(id),
                            query: Query::Visits {
                                from,
                                to,
                                after: None,
                                limit: None,
                            },
                        });
                        app.pending.insert(id, Pending::Visits);
                    }
                }
            }
        }
        _ => {}
    }
    if matches!(op, Some(Op::TogglePatient | Op::CycleKind))
        && let Mode::History(h) = &app.mode
    {
        let rows = h.rows(app);
        let seq = under_cursor.map(|r| r.seq);
        if let Mode::History(h) = &mut app.mode {
            h.keep_cursor_on(seq, &rows);
        }
    }
    if let Some(text) = note {
        app.status = Some(Status {
            kind: StatusKind::Info,
            text: text.to_string(),
        });
    }
    Action {
        query,
        ..Action::default()
    }
}

/// The answer to a past day's query reaches the history view, if it is
/// still waiting for that day.
fn on_visits(app: &mut App, id: u64, reply: Reply) {
    let Mode::History(h) = &mut app.mode else {
        return;
    };
    if h.source != Source::Loading(id) {
        return;
    }
    let visits = if reply.ok {
        let data = reply.data.unwrap_or_default();
        serde_json::from_value::<Vec<crate::domain::Visit>>(data["visits"].clone())
            .map_err(|e| format!("the server's answer could not be read: {e}"))
    } else {
        Err(reply
            .error
            .map(|e| e.message)
            .unwrap_or_else(|| "the server refused the request".into()))
    };
    h.source = match visits {
        Ok(visits) => Source::Loaded(visits),
        Err(why) => Source::Failed(sanitize(&why)),
    };
}

fn on_client(app: &mut App, event: ClientEvent) {
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
        ClientEvent::Board(board) => app.board = *board,
        // The link checks the changes follow (it reconnects when they do
        // not), so they apply here.
        ClientEvent::Changed(changes) => {
            let _ = changes.apply_to(&mut app.board);
        }
        // The wall's news: a staff board's link never asks for it.
        ClientEvent::WallConnected(_) | ClientEvent::Wall(_) => {}
        ClientEvent::Shipping(behind) => app.shipping = behind,
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
                Mode::History(h) if h.is_loading() => {
                    h.source = Source::Failed(sanitize(&reason));
                }
                Mode::Form(form) if form.is_pending() => {
                    form.pending.clear();
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
    if from == Pending::Visits {
        on_visits(app, id, reply);
        return;
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
        if form.is_pending() || form.failed {
            return;
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
        return;
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
}

/// The protocol's moves a board key stands for.
fn op_moves(op: Op) -> &'static [Move] {
    match op {
        Op::Next => &[],
        Op::Cancel => &[Move::Cancel],
        Op::Undo => &[Move::Undo],
        Op::Correct => &[Move::Correct],
        Op::Counselling => &[Move::Screening],
        Op::Vitals => &[Move::Vitals],
        Op::DripCheck | Op::SkipCheck => &[Move::DripCheck],
        Op::Pause => &[Move::Pause, Move::Resume],
        Op::StopEarly => &[Move::StopEarly],
        Op::Reaction => &[Move::Reaction],
        Op::FollowUp => &[
            Move::SymptomFree,
            Move::Adrenaline,
            Move::AmbulanceCalled,
            Move::Clearance,
        ],
        Op::Acknowledge => &[Move::Acknowledge],
        _ => &[],
    }
}

/// Whether a board key applies to the selected patient now: asked of the
/// protocol (the footer offers only those; the key itself says why when
/// it does not).
pub fn offers(app: &App, op: Op, now: DateTime<Utc>) -> bool {
    let Some(v) = app.selected_visit(now) else {
        // Nobody selected: only what needs no patient (an arrival).
        return op == Op::Arrival || !op.changes_board();
    };
    let config = &app.config;
    match op {
        Op::Next => moves::next_step(v, config, now).is_some(),
        // The follow-up form: after a reaction, while something of it is
        // still to do (the doctor, a dose, symptom-free, the clearance).
        Op::FollowUp => {
            !v.care.reactions.is_empty()
                && v.stage.is_active()
                && (op_moves(op)
                    .iter()
                    .any(|mv| moves::offered(v, config, *mv, now))
                    || v.care.open_reaction().is_some())
        }
        _ => match op_moves(op) {
            [] => true,
            mvs => mvs.iter().any(|mv| moves::offered(v, config, *mv, now)),
        },
    }
}

/// The stage Enter would move the selected patient to, for the footer.
pub fn next_stage(app: &App, now: DateTime<Utc>) -> Option<Stage> {
    let v = app.selected_visit(now)?;
    moves::next_step(v, &app.config, now)?.mv.leads_to()
}
