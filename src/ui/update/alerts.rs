//! Keys in the alert list (every alert on the board, most severe first,
//! when the strip cannot show them all): move, Enter selects the patient
//! of the alert under the cursor, Esc back to the board.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

use super::{Action, PAGE};
use crate::ui::app::{App, Mode};
use crate::ui::keymap::{self, Op};

pub(super) fn on_alerts_key(app: &mut App, key: KeyEvent, now: DateTime<Utc>) -> Action {
    let Mode::Alerts(cursor) = app.mode else {
        return Action::none();
    };
    let alerts = app.board_alerts(now);
    let last = alerts.len().saturating_sub(1);
    let moved = |by: isize| cursor.saturating_add_signed(by).min(last);
    match keymap::lookup(keymap::ALERTS, &key) {
        Some(Op::Close) => app.mode = Mode::Normal,
        Some(Op::Down) => app.mode = Mode::Alerts(moved(1)),
        Some(Op::Up) => app.mode = Mode::Alerts(moved(-1)),
        Some(Op::PageDown) => app.mode = Mode::Alerts(moved(PAGE)),
        Some(Op::PageUp) => app.mode = Mode::Alerts(moved(-PAGE)),
        Some(Op::First) => app.mode = Mode::Alerts(0),
        Some(Op::Last) => app.mode = Mode::Alerts(last),
        Some(Op::Next) => {
            if let Some(alert) = alerts.get(cursor) {
                // A filter that hides the patient is lifted: the alert is
                // about them.
                if !app.visible(now).iter().any(|v| v.id == alert.visit) {
                    app.filter.clear();
                }
                app.selected = Some(alert.visit);
            }
            app.mode = Mode::Normal;
        }
        _ => {}
    }
    Action::none()
}
