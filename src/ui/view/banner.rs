//! The connection banner: while not connected to the server, one line in
//! reverse red that nobody can miss, above a board that may be stale.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::i18n::texts;
use crate::ui::app::{App, Connection};
use crate::ui::cell::{cell, clean, wrap};

/// At most this many lines; the reason is cut after that.
const MAX_LINES: usize = 2;

/// The banner's lines for a screen `width` wide (none when connected).
fn lines(app: &App, width: u16) -> Vec<String> {
    let t = texts(app.lang);
    let text = match &app.connection {
        Connection::Connected => return Vec::new(),
        Connection::Connecting => t.connecting.to_string(),
        Connection::Lost(reason) => {
            format!(
                "{}  ({}: {})",
                t.reconnecting,
                t.ui.lost_because,
                clean(reason)
            )
        }
    };
    let width = usize::from(width);
    let mut lines = wrap(&text, width.saturating_sub(1));
    lines.truncate(MAX_LINES);
    lines
        .iter()
        .map(|l| cell(&format!(" {l}"), width))
        .collect()
}

/// Lines the banner takes on a screen `width` wide.
pub fn height(app: &App, width: u16) -> u16 {
    u16::try_from(lines(app, width).len()).unwrap_or(0)
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    // Reversed red reads as red with colour, as reverse video without.
    let style = Style::new()
        .fg(Color::Red)
        .add_modifier(Modifier::REVERSED | Modifier::BOLD);
    let lines: Vec<Line> = lines(app, area.width)
        .into_iter()
        .map(|l| Line::styled(l, style))
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}
