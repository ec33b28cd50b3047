//! The bottom lines: the status line (last outcome or error, or the
//! filter being typed) and the keys that work right now, read from the
//! key binding table of the current mode.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::style::{bold, dim, error};
use crate::domain::Stage;
use crate::domain::moves;
use crate::domain::text::width;
use crate::i18n::{stage_name, texts};
use crate::ui::app::{App, Mode, StatusKind};
use crate::ui::cell::{cell, clean, clip};
use crate::ui::forms::{FieldValue, Form};
use crate::ui::keymap::{self, Binding, Op};
use crate::ui::update::{next_stage, offers};

/// Lines the status line takes now.
pub fn status_height(app: &App) -> u16 {
    u16::from(app.status.is_some() || app.mode == Mode::Filter)
}

pub fn render_status(frame: &mut Frame, area: Rect, app: &App) {
    let t = texts(app.lang);
    let w = usize::from(area.width);
    if app.mode == Mode::Filter {
        let prompt = format!("/ {}: ", t.filter);
        let field_w = w.saturating_sub(width(&prompt) + 1);
        let (shown, cursor) = app.filter.window(field_w);
        let line = Line::from(vec![
            Span::styled(clip(&prompt, w), bold()),
            Span::raw(cell(&shown, field_w)),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        let x = area.x + u16::try_from(width(&prompt) + cursor).unwrap_or(0);
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
        return;
    }
    if let Some(status) = &app.status {
        let style = match status.kind {
            StatusKind::Info => bold(),
            StatusKind::Error => error(),
        };
        let mark = match status.kind {
            StatusKind::Info => "",
            StatusKind::Error => "! ",
        };
        let line = Line::styled(cell(&format!("{mark}{}", clean(&status.text)), w), style);
        frame.render_widget(Paragraph::new(line), area);
    }
}

/// The binding table of the current mode.
pub fn table(mode: &Mode) -> &'static [Binding] {
    match mode {
        Mode::Normal => keymap::NORMAL,
        Mode::Help => keymap::HELP,
        Mode::Caseload => keymap::CASELOAD,
        Mode::Filter => keymap::FILTER,
        Mode::Form(_) => keymap::FORM,
        Mode::ConfirmUndo(_) => keymap::CONFIRM,
        Mode::History(h) if h.typing_by => keymap::HISTORY_BY,
        Mode::History(_) => keymap::HISTORY,
        Mode::Alerts(_) => keymap::ALERTS,
        Mode::Beds(_) => keymap::BEDS,
    }
}

/// Whether a form key applies to the focused field: `y`/`n` on a yes/no
/// question or a box, Left/Right on a choice, Ctrl-U in a text.
fn form_offers(form: &Form, op: Op) -> bool {
    let text = matches!(form.focused().map(|f| &f.value), Some(FieldValue::Text(_)));
    let choice = matches!(
        form.focused().map(|f| &f.value),
        Some(FieldValue::Choice { .. })
    );
    match op {
        Op::Toggle | Op::AnswerYes | Op::AnswerNo => form.focus_is_yes_no(),
        Op::Left | Op::Right => choice,
        Op::ClearField => text,
        _ => true,
    }
}

/// The keys the footer offers now, before they are fitted to the width:
/// (table index, priority, keys, words). On the board, only what the
/// visit protocol allows for the selected patient, the keys of the stage
/// at hand first; in a form, the keys of the focused field. `cut`: the
/// alert strip could not show every alert.
pub fn footer_items(app: &App, now: DateTime<Utc>, cut: bool) -> Vec<(usize, u8, String, String)> {
    let t = texts(app.lang);
    table(&app.mode)
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            let mut priority = b.footer?;
            if app.read_only && b.keys.iter().any(|(_, op)| op.changes_board()) {
                return None;
            }
            let ops = || b.keys.iter().map(|(_, op)| *op);
            if app.mode == Mode::Normal {
                if ops().any(|op| !offers(app, op, now)) {
                    return None;
                }
                if ops().any(|op| op == Op::Alerts) && !cut {
                    return None;
                }
                // The care of the patient at hand comes before the keys of
                // the whole board.
                let care = i >= keymap::CARE_FROM;
                priority = if care || ops().any(|op| op == Op::Next) {
                    priority.min(1)
                } else {
                    priority.saturating_add(2)
                };
                // Enter that could only say what is still missing (a drip
                // that runs until its time) yields to the keys that act.
                if ops().any(|op| op == Op::Next)
                    && app
                        .selected_visit(now)
                        .and_then(|v| moves::next_step(v, &app.config, now))
                        .is_some_and(|offer| !offer.ready())
                {
                    priority = 3;
                }
                // Help, and the list of every alert when the strip is cut.
                if ops().any(|op| op == Op::Help || op == Op::Alerts) {
                    priority = 0;
                }
            }
            if let Mode::Form(form) = &app.mode {
                if ops().any(|op| !form_offers(form, op)) {
                    return None;
                }
                // The keys of the focused field first (y/n before Left/Right
                // on a yes/no question: one key, not a cycle).
                if ops().any(|op| matches!(op, Op::Toggle | Op::AnswerYes | Op::ClearField)) {
                    priority = 0;
                }
                if ops().any(|op| op == Op::Left) {
                    priority = u8::from(form.focus_is_yes_no());
                }
            }
            // Fewer words where room is short.
            let mut words = b
                .brief
                .map_or((b.describe)(t), |brief| brief(t))
                .to_string();
            if ops().any(|op| op == Op::Next) && app.mode == Mode::Normal {
                // Say where Enter takes the selected patient; an expected
                // patient is checked in.
                let expected = app
                    .selected_visit(now)
                    .is_some_and(|v| v.stage == Stage::Expected);
                match next_stage(app, now) {
                    Some(_) if expected => words = t.records.key_check_in.to_string(),
                    Some(next) => words = format!("{words}: {}", stage_name(app.lang, next)),
                    None => return None,
                }
            }
            Some((i, priority, b.shown.to_string(), words))
        })
        .collect()
}

pub fn render_keys(frame: &mut Frame, area: Rect, app: &App, now: DateTime<Utc>, cut: bool) {
    let w = usize::from(area.width);
    let items = footer_items(app, now, cut);
    // The most important keys first, while they fit; shown in table order.
    let mut by_priority: Vec<&(usize, u8, String, String)> = items.iter().collect();
    by_priority.sort_by_key(|(i, p, _, _)| (*p, *i));
    let mut used = 0;
    let mut keep = Vec::new();
    for item in by_priority {
        let item_w = width(&item.2) + 1 + width(&item.3) + 2;
        if used + item_w <= w + 2 {
            used += item_w;
            keep.push(item.0);
        }
    }
    let mut spans = Vec::new();
    for (_, _, keys, words) in items.iter().filter(|it| keep.contains(&it.0)) {
        if !spans.is_empty() {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(keys.clone(), bold()));
        spans.push(Span::styled(format!(" {words}"), dim()));
    }
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    spans.push(Span::raw(" ".repeat(w.saturating_sub(used))));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
