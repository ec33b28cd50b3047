//! The beds being cleaned, to choose the one that is ready (`b` when
//! several are and the selected patient left none of them).

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::style::{BORDER, bold, centered, clear_popup, dim, selected};
use crate::domain::beds::cleaning_beds;
use crate::i18n::texts;
use crate::ui::app::App;
use crate::ui::cell::{cell, clean};

/// The list over the board, the cursor on the bed named `cursor`.
pub fn render(frame: &mut Frame, area: Rect, app: &App, cursor: &str, now: DateTime<Utc>) {
    let t = texts(app.lang);
    let beds = cleaning_beds(&app.board, &app.config, now);
    let rows = u16::try_from(beds.len().max(1)).unwrap_or(u16::MAX);
    let popup = centered(
        area,
        area.width.saturating_sub(2).min(72),
        rows.saturating_add(2).min(area.height),
    );
    clear_popup(frame, popup);
    let block = Block::bordered()
        .border_set(BORDER)
        .title(Span::styled(format!(" {} ", t.busy.beds_title), bold()));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let w = usize::from(inner.width);
    if beds.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(cell(t.busy.no_bed_cleaning, w), dim())),
            inner,
        );
        return;
    }
    let at = beds.iter().position(|(b, ..)| b == cursor).unwrap_or(0);
    // Scroll just enough to keep the cursor in view.
    let offset = (at + 1).saturating_sub(usize::from(inner.height));
    let lines: Vec<Line> = beds
        .iter()
        .enumerate()
        .skip(offset)
        .map(|(i, (bed, since, after))| {
            let who = app
                .board
                .visit(*after)
                .map(|v| format!("#{} {}", v.ticket_text(), clean(&v.name)))
                .unwrap_or_default();
            let minutes = (now - *since).num_minutes().max(0);
            let text = t
                .busy
                .beds_line
                .replace("{b}", &clean(bed))
                .replace("{m}", &minutes.to_string())
                .replace("{who}", &who);
            let line = Line::raw(cell(&format!(" {text}"), w));
            if i == at {
                line.patch_style(selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
