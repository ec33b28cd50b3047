//! Keys on the board: moving the selection, Enter (the protocol's next
//! step for the selected patient), the patient-care keys, and what the
//! footer may offer. Whether a key applies is the visit protocol's
//! (`moves`); when it does not, the refusal says why.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

use super::{Action, PAGE, error, info, request};
use crate::domain::moves::{self, Move};
use crate::domain::{Command, Entry, Missing, Rejection, Stage, VisitId, visit_alerts};
use crate::i18n::{Lang, texts};
use crate::ui::app::{App, Mode, Pending};
use crate::ui::forms::Form;
use crate::ui::history::{History, today};
use crate::ui::keymap::{self, Op};

pub(super) fn on_board_key(app: &mut App, key: KeyEvent, now: DateTime<Utc>) -> Action {
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
        Op::Next => return next(app, now),
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
        Op::Alerts => app.mode = Mode::Alerts(0),
        Op::Caseload => app.mode = Mode::Caseload,
        Op::Reassign => match app.selected_visit(now) {
            None => error(app, ui.nothing_selected),
            Some(v) => match moves::gate(v, &app.config, Move::Reassign, now) {
                Ok(_) => {
                    let form = Form::reassign(v.id, &app.board, &app.config, app.lang);
                    app.mode = Mode::Form(Box::new(form));
                }
                Err(why) => {
                    let text = refusal(app.lang, &why, ui.not_active);
                    error(app, &text);
                }
            },
        },
        Op::BedReady => return super::busy::bed_ready(app, now),
        Op::DoNotDisplay => return super::busy::do_not_display(app, now),
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

/// Enter: the protocol's next move for the selected patient.
fn next(app: &mut App, now: DateTime<Utc>) -> Action {
    let ui = &texts(app.lang).ui;
    let Some(v) = app.selected_visit(now) else {
        error(app, ui.nothing_selected);
        return Action::none();
    };
    let Some(offer) = moves::next_step(v, &app.config, now) else {
        if !v.stage.is_active() && v.stage != Stage::Expected {
            error(app, ui.not_active);
        } else {
            error(app, ui.no_next);
        }
        return Action::none();
    };
    let visit = v.id;
    match offer.mv {
        // The patient is called in: counselling starts now and its form
        // opens at once (keys typed while the move is saved wait for it).
        Move::StartCounselling => {
            let mut form = Form::counselling(
                &app.board,
                &app.config,
                app.lang,
                v,
                app.operator.as_deref(),
            );
            let id = app.take_request_id();
            app.pending.insert(id, Pending::Form(form.kind));
            form.pending = vec![(id, None)];
            form.close_on_ok = false;
            form.saved_note = Some(texts(app.lang).records.counselling_started.to_string());
            let send = request(
                app,
                id,
                None,
                Command::Advance {
                    visit,
                    to: Stage::Counselling,
                    bed: None,
                    lot: None,
                },
            );
            app.mode = Mode::Form(Box::new(form));
            Action::send(send)
        }
        Move::MarkReady => care_key(app, Op::Counselling, now),
        Move::Discharge => care_key(app, Op::Next, now),
        Move::StartAdministration => {
            let form = Form::start(&app.board, &app.config, app.lang, v, now);
            app.mode = Mode::Form(Box::new(form));
            Action::none()
        }
        // A drip still running ends by stop early, with a reason: Enter
        // says so rather than open a form that would be refused.
        Move::EndAdministration
            if offer
                .needs
                .iter()
                .any(|m| matches!(m, Missing::DripRunning { .. })) =>
        {
            let text = missing_words(app, &offer.needs);
            error(app, &text);
            Action::none()
        }
        mv => {
            let to = mv.leads_to().unwrap_or(v.stage);
            let form = Form::advance(&app.config, v, to, now);
            app.mode = Mode::Form(Box::new(form));
            Action::none()
        }
    }
}

/// The patient-care keys: a clinical form, or one record sent at once.
/// `Op::Next` here means the discharge checklist (Enter in observation).
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
        Op::Next => Form::discharge(&app.config, app.lang, v, now),
        Op::Counselling => Form::counselling(
            &app.board,
            &app.config,
            app.lang,
            v,
            app.operator.as_deref(),
        ),
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
            info(app, c.resuming);
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
fn refusal(lang: Lang, why: &Rejection, ja: &str) -> String {
    match lang {
        Lang::En => why.to_string(),
        Lang::Ja => ja.to_string(),
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

/// The protocol's moves a board key stands for.
pub fn op_moves(op: Op) -> &'static [Move] {
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
