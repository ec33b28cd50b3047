//! The help overlay: every key of every mode with what it does, read from
//! the same binding tables as the key handling and the footer (sections
//! from `keymap::help_sections`). The board and patient-care keys on the
//! left, the others on the right.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::style::{BORDER, bold, centered, clear_popup, dim};
use crate::i18n::{Texts, texts};
use crate::ui::app::App;
use crate::ui::cell::{cell, clip};
use crate::ui::keymap::{Binding, help_sections};

/// Room for the longest keys ("Backspace/Del") and a space.
const KEYS_W: usize = 15;

fn section_lines(t: &Texts, title: &str, bindings: &[Binding], w: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(cell(title, w), bold())];
    for b in bindings {
        lines.push(Line::from(vec![
            Span::styled(cell(&format!(" {}", b.shown), KEYS_W), bold()),
            Span::raw(cell((b.describe)(t), w.saturating_sub(KEYS_W))),
        ]));
    }
    lines.push(Line::raw(cell("", w)));
    lines
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let t = texts(app.lang);
    let popup = centered(
        area,
        area.width.saturating_sub(2).min(100),
        area.height.saturating_sub(2),
    );
    clear_popup(frame, popup);
    let block = Block::bordered()
        .border_set(BORDER)
        .title(Span::styled(format!(" {} ", t.help_title), bold()));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    // The board's keys on the left, the others on the right.
    let col_w = usize::from(inner.width.saturating_sub(2)) / 2;
    let mut left = Vec::new();
    let mut right = Vec::new();
    for (i, (title, bindings)) in help_sections().iter().enumerate() {
        let lines = section_lines(t, title(t), bindings, col_w);
        if i <= 1 { &mut left } else { &mut right }.extend(lines);
    }
    let rows = left.len().max(right.len());
    let mut lines = Vec::with_capacity(rows + 1);
    for i in 0..rows {
        let mut spans = left
            .get(i)
            .map_or_else(|| vec![Span::raw(" ".repeat(col_w))], |l| l.spans.clone());
        spans.push(Span::raw("  "));
        if let Some(r) = right.get(i) {
            spans.extend(r.spans.iter().cloned());
        }
        lines.push(Line::from(spans));
    }
    // The way out, on the last line whatever the height; j/k scroll a
    // screen too short for every key.
    let body = usize::from(inner.height).saturating_sub(1);
    let scroll = usize::from(app.help_scroll).min(lines.len().saturating_sub(body));
    let mut lines: Vec<Line> = lines.into_iter().skip(scroll).collect();
    lines.truncate(body);
    while lines.len() < body {
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(
        clip(t.ui.help_close, usize::from(inner.width)),
        dim(),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
}
