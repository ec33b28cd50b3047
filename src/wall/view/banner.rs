//! The two banners of the wall: the emergency (red, reverse video, three
//! lines when there is room: nobody can miss it, with colour or without)
//! and the link to the server (reconnecting: the wall may be out of date).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::domain::text::width;
use crate::i18n::{Lang, texts};
use crate::ui::Connection;
use crate::ui::cell::{cell, clean, clip};
use crate::wall::Wall;

fn alarm() -> Style {
    Style::new()
        .fg(Color::Red)
        .add_modifier(Modifier::REVERSED | Modifier::BOLD)
}

/// Centres `text` in exactly `w` columns.
fn centred(text: &str, w: usize) -> String {
    let text = clip(text, w);
    let left = (w - width(&text)) / 2;
    cell(&format!("{}{text}", " ".repeat(left)), w)
}

/// The emergency banner over the whole width of `area`: where the
/// emergency is (a bed, or a patient's masked label), never what it is.
pub fn emergency_banner(frame: &mut Frame, area: Rect, bed_or_ticket: &str, lang: Lang) {
    let t = &texts(lang).wall;
    let w = usize::from(area.width);
    let text = format!("!! {}: {} !!", t.emergency, clean(bed_or_ticket));
    let middle = usize::from(area.height) / 2;
    let lines: Vec<Line> = (0..usize::from(area.height))
        .map(|i| {
            let content = if i == middle {
                centred(&text, w)
            } else {
                centred(&format!("!! {} !!", t.emergency), w)
            };
            Line::styled(content, alarm())
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// One line while the wall is not connected to the server.
pub fn connection(frame: &mut Frame, area: Rect, wall: &Wall) {
    let t = &texts(wall.lang).wall;
    let text = match &wall.connection {
        Connection::Connected => return,
        Connection::Connecting => t.connecting,
        Connection::Lost(_) => t.reconnecting,
    };
    let line = Line::styled(cell(&format!(" {text}"), usize::from(area.width)), alarm());
    frame.render_widget(Paragraph::new(line), area);
}
