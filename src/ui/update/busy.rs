//! The busy hour's keys on the board: marking a cleaned bed ready, a
//! patient's wish not to be shown on the wall. What may be done is the
//! domain's (the server checks again); here only which bed or patient the
//! key means.

use chrono::{DateTime, Utc};

use super::{Action, error, info, request};
use crate::domain::beds::bed_states;
use crate::domain::{BedState, Command, Entry};
use crate::i18n::texts;
use crate::ui::app::{App, Pending};

/// `b`: the bed being cleaned is marked ready. With several, the one the
/// selected patient left (a key must never guess which bed is clean).
pub(super) fn bed_ready(app: &mut App, now: DateTime<Utc>) -> Action {
    let t = &texts(app.lang).busy;
    let cleaning: Vec<(String, crate::domain::VisitId)> = bed_states(&app.board, &app.config, now)
        .into_iter()
        .filter_map(|(bed, state)| match state {
            BedState::Cleaning { after, .. } => Some((bed, after)),
            _ => None,
        })
        .collect();
    let selected = app.selected;
    let chosen = match cleaning.as_slice() {
        [] => {
            error(app, t.no_bed_cleaning);
            return Action::default();
        }
        [one] => one.clone(),
        many => match many.iter().find(|(_, after)| Some(*after) == selected) {
            Some(one) => one.clone(),
            None => {
                let beds: Vec<&str> = many.iter().map(|(b, _)| b.as_str()).collect();
                let text = t.which_bed.replace("{beds}", &beds.join(", "));
                error(app, &text);
                return Action::default();
            }
        },
    };
    let (bed, after) = chosen;
    let id = app.take_request_id();
    app.pending.insert(id, Pending::Quick(after));
    let send = request(app, id, None, Command::BedReady { bed: bed.clone() });
    info(
        app,
        &t.bed_marked.replace("{b}", &crate::ui::cell::clean(&bed)),
    );
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
