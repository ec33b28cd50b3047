//! Keys in the history view: moving through the day's events, the
//! filters, and the days before (asked of the server); and the server's
//! answer with a past day's visits.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

use super::{Action, PAGE, edit};
use crate::domain::text::sanitize;
use crate::i18n::texts;
use crate::protocol::{Query, QueryRequest, Reply};
use crate::ui::app::{App, Mode, Pending, Status, StatusKind};
use crate::ui::history::{Source, day_range, today};
use crate::ui::keymap::{self, Op};

/// The history view: moving through the day's events, the filters, and
/// the days before (asked of the server).
pub(super) fn on_history_key(app: &mut App, key: KeyEvent, now: DateTime<Utc>) -> Action {
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
            _ => {
                edit(&mut h.by, op, &key);
            }
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
pub(super) fn on_visits(app: &mut App, id: u64, reply: Reply) {
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
