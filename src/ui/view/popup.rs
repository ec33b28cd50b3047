//! Forms and the undo confirmation, drawn over the board: ASCII frames,
//! one line per field with its error (or hint) on the line below, and the
//! terminal cursor placed in the focused text field by display width.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::detail::event_words;
use super::fmt::clock;
use super::style::{BORDER, bold, centered, dim, error, selected};
use crate::domain::VisitId;
use crate::domain::text::width;
use crate::i18n::{Texts, stage_name, texts};
use crate::ui::app::App;
use crate::ui::cell::{cell, clean, clip};
use crate::ui::form::{FieldId, FieldValue, Form, FormKind};

const MAX_WIDTH: u16 = 76;

fn label(t: &Texts, id: FieldId) -> &'static str {
    match id {
        FieldId::Name => t.field_name,
        FieldId::ChartNo => t.field_chart_no,
        FieldId::Treatment => t.field_treatment,
        FieldId::Bed => t.field_bed,
        FieldId::Reason => t.field_reason,
        FieldId::At => t.field_at,
    }
}

/// "#3 Yamada Hanako  Ready -> Administration": whom the form is about.
fn subject(app: &App, form: &Form) -> Option<String> {
    let v = app.board.visit(form.kind.visit()?)?;
    let who = format!("#{} {}", v.ticket, clean(&v.name));
    Some(match form.kind {
        FormKind::Advance { to, .. } => format!(
            "{who}  {} -> {}",
            stage_name(app.lang, v.stage),
            stage_name(app.lang, to)
        ),
        _ => format!("{who}  ({})", stage_name(app.lang, v.stage)),
    })
}

fn title(app: &App, t: &Texts, form: &Form) -> String {
    match form.kind {
        FormKind::Arrival => t.form_arrival.to_string(),
        FormKind::Advance { to, .. } => format!("{}: {}", t.form_advance, stage_name(app.lang, to)),
        FormKind::Cancel { .. } => t.form_cancel.to_string(),
    }
}

fn frame_block(title: &str, inner_w: usize) -> Block<'static> {
    Block::bordered().border_set(BORDER).title(Span::styled(
        format!(" {} ", clip(title, inner_w.saturating_sub(2))),
        bold(),
    ))
}

pub fn render_form(frame: &mut Frame, area: Rect, app: &App, form: &Form) {
    let t = texts(app.lang);
    let subject = subject(app, form);
    let rows = u16::try_from(form.fields.len() * 2).unwrap_or(u16::MAX);
    let height = 2 + rows + 1 + if subject.is_some() { 2 } else { 0 };
    let popup = centered(area, MAX_WIDTH.min(area.width.saturating_sub(4)), height);
    let inner_w = usize::from(popup.width.saturating_sub(4));
    frame.render_widget(Clear, popup);
    let block = frame_block(&title(app, t, form), inner_w);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };

    let label_w = form
        .fields
        .iter()
        .map(|f| width(label(t, f.id)))
        .max()
        .unwrap_or(0)
        + 2;
    // "> " focus mark, the label, then the value in brackets.
    let value_w = inner_w.saturating_sub(2 + label_w + 2);
    let mut lines = Vec::new();
    if let Some(subject) = subject {
        lines.push(Line::styled(cell(&subject, inner_w), bold()));
        lines.push(Line::raw(""));
    }
    let mut cursor = None;
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let mark = if focused { "> " } else { "  " };
        let label_style = if focused { bold() } else { Style::new() };
        let mut spans = vec![
            Span::styled(mark, bold()),
            Span::styled(cell(label(t, field.id), label_w), label_style),
        ];
        match &field.value {
            FieldValue::Text(input) => {
                let (shown, col) = input.window(value_w);
                if focused {
                    cursor = Some((lines.len(), 2 + label_w + 1 + col));
                }
                spans.push(Span::raw("["));
                spans.push(Span::styled(
                    cell(&shown, value_w),
                    Style::new().add_modifier(Modifier::UNDERLINED),
                ));
                spans.push(Span::raw("]"));
            }
            FieldValue::Choice { options, index } => {
                let chosen = options.get(*index).map_or("", |c| c.label.as_str());
                let text = format!("< {} >", clean(chosen));
                let style = if focused { selected() } else { Style::new() };
                spans.push(Span::styled(clip(&text, value_w + 2), style));
            }
        }
        lines.push(Line::from(spans));
        let indent = " ".repeat(2 + label_w);
        let note_w = inner_w.saturating_sub(2 + label_w);
        lines.push(match (&field.error, field.id) {
            (Some(e), _) => Line::from(vec![
                Span::raw(indent),
                Span::styled(cell(&format!("! {}", clean(e)), note_w), error()),
            ]),
            (None, FieldId::At) => Line::from(vec![
                Span::raw(indent),
                Span::styled(cell(t.at_hint, note_w), dim()),
            ]),
            (None, _) => Line::raw(""),
        });
    }
    lines.push(match (&form.error, form.pending) {
        (Some(e), _) => Line::styled(cell(&format!("! {}", clean(e)), inner_w), error()),
        (None, Some(_)) => Line::styled(cell(t.ui.sending, inner_w), bold()),
        (None, None) => Line::raw(""),
    });
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((row, col)) = cursor {
        let x = inner.x + u16::try_from(col).unwrap_or(0);
        let y = inner.y + u16::try_from(row).unwrap_or(0);
        if x < inner.right() && y < inner.bottom() {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}

pub fn render_confirm_undo(frame: &mut Frame, area: Rect, app: &App, visit: VisitId) {
    let t = texts(app.lang);
    let popup = centered(area, MAX_WIDTH.min(area.width.saturating_sub(4)), 6);
    let inner_w = usize::from(popup.width.saturating_sub(4));
    frame.render_widget(Clear, popup);
    let block = frame_block(t.key_undo, inner_w);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    let mut lines = vec![Line::styled(cell(t.confirm_undo, inner_w), bold())];
    if let Some(v) = app.board.visit(visit) {
        lines.push(Line::raw(cell(
            &format!("#{} {}", v.ticket, clean(&v.name)),
            inner_w,
        )));
        if let Some(last) = v.effective_events().last() {
            let what = event_words(t, &app.config, v, &last.kind);
            lines.push(Line::raw(cell(
                &format!(
                    "{}: {} {what}",
                    t.ui.undo_what,
                    clock(app.config.timezone, last.at)
                ),
                inner_w,
            )));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
