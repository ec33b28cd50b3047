//! The busy hour's keys on the board: marking a cleaned bed ready, a
//! patient's wish not to be shown on the wall. What may be done is the
//! domain's (the server checks again); here only which bed or patient the
//! key means.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

use super::{Action, error, info, request};
use crate::domain::beds;
use crate::domain::{Command, Entry, VisitId};
use crate::i18n::texts;
use crate::ui::app::{App, Mode, Pending};
use crate::ui::cell::clean;
use crate::ui::keymap::{self, Op};

/// The beds being cleaned now and the visit that left each.
fn cleaning_beds(app: &App, now: DateTime<Utc>) -> Vec<(String, VisitId)> {
    beds::cleaning_beds(&app.board, &app.config, now)
        .into_iter()
        .map(|(bed, _, after)| (bed, after))
        .collect()
}

/// `b`: the bed being cleaned is marked ready. With several, the one the
/// selected patient left; else a list of them to choose from (a key must
/// never guess which bed is clean).
pub(super) fn bed_ready(app: &mut App, now: DateTime<Utc>) -> Action {
    let t = &texts(app.lang).busy;
    let cleaning = cleaning_beds(app, now);
    let selected = app.selected;
    match cleaning.as_slice() {
        [] => {
            error(app, t.no_bed_cleaning);
            Action::default()
        }
        [(bed, after)] => mark_ready(app, bed.clone(), *after),
        many => match many.iter().find(|(_, after)| Some(*after) == selected) {
            Some((bed, after)) => mark_ready(app, bed.clone(), *after),
            None => {
                app.mode = Mode::Beds(many[0].0.clone());
                Action::default()
            }
        },
    }
}

/// Keys in the list of beds being cleaned: move, Enter marks the bed
/// under the cursor ready, Esc back to the board.
pub(super) fn on_beds_key(app: &mut App, key: KeyEvent, now: DateTime<Utc>) -> Action {
    let Mode::Beds(cursor) = &app.mode else {
        return Action::none();
    };
    let cursor = cursor.clone();
    let cleaning = cleaning_beds(app, now);
    let at = cleaning.iter().position(|(b, _)| *b == cursor);
    let moved = |by: isize| {
        let last = cleaning.len().saturating_sub(1);
        let i = at.unwrap_or(0).saturating_add_signed(by).min(last);
        cleaning.get(i).map(|(b, _)| b.clone())
    };
    let to = match keymap::lookup(keymap::BEDS, &key) {
        Some(Op::Close) => {
            app.mode = Mode::Normal;
            return Action::none();
        }
        Some(Op::Down) => moved(1),
        Some(Op::Up) => moved(-1),
        Some(Op::First) => moved(-isize::MAX),
        Some(Op::Last) => moved(isize::MAX),
        Some(Op::Next) => {
            let t = &texts(app.lang).busy;
            return match at.map(|i| cleaning[i].clone()) {
                Some((bed, after)) => {
                    app.mode = Mode::Normal;
                    mark_ready(app, bed, after)
                }
                // Marked ready at another terminal meanwhile: said, and
                // the cursor goes to a bed still being cleaned.
                None => {
                    let text = t.bed_not_cleaning.replace("{b}", &clean(&cursor));
                    error(app, &text);
                    app.mode = match cleaning.first() {
                        Some((b, _)) => Mode::Beds(b.clone()),
                        None => Mode::Normal,
                    };
                    Action::none()
                }
            };
        }
        _ => None,
    };
    if let Some(bed) = to {
        app.mode = Mode::Beds(bed);
    }
    Action::none()
}

fn mark_ready(app: &mut App, bed: String, after: VisitId) -> Action {
    let t = &texts(app.lang).busy;
    let id = app.take_request_id();
    app.pending.insert(id, Pending::Quick(after));
    let send = request(app, id, None, Command::BedReady { bed: bed.clone() });
    info(app, &t.bed_marked.replace("{b}", &clean(&bed)));
    Action {
        send: vec![send],
        ..Action::default()
    }
}

/// `D`: the selected patient is not shown on the wall from now on, or
/// shown again.
pub(super) fn do_not_display(app: &mut App, now: DateTime<Utc>) -> Action {
    let ui = &texts(app.lang).ui;
    let t = &texts(app.lang).busy;
    let Some(v) = app.selected_visit(now) else {
        error(app, ui.nothing_selected);
        return Action::default();
    };
    let (visit, on) = (v.id, !v.care.do_not_display);
    let id = app.take_request_id();
    app.pending.insert(id, Pending::Quick(visit));
    let send = request(
        app,
        id,
        None,
        Command::Record {
            visit,
            entry: Entry::DoNotDisplay { on },
        },
    );
    let text = if on { t.now_hidden } else { t.now_shown };
    info(app, text);
    Action {
        send: vec![send],
        ..Action::default()
    }
}
