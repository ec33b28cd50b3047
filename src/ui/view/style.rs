//! How severities, dimmed rows and popups look. Severity is always shown
//! by a symbol and a word as well as a colour (never colour alone), and
//! every mark is plain ASCII (no ambiguous-width symbols, STYLE.md).

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::domain::Severity;
use crate::i18n::Texts;

pub fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Critical => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        Severity::Warning => Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        Severity::Info => Style::new().fg(Color::Cyan),
    }
}

pub fn symbol(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "!!",
        Severity::Warning => "!",
        Severity::Info => "i",
    }
}

pub fn severity_word(severity: Severity, t: &Texts) -> &'static str {
    match severity {
        Severity::Critical => t.ui.critical,
        Severity::Warning => t.ui.warning,
        Severity::Info => t.ui.info,
    }
}

/// Patients who left the flow, hints.
pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn error() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}

/// Reverse video: seen without colour too.
pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

/// Box drawing characters are ambiguous-width: popups are framed in ASCII.
pub const BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// A `width` x `height` rectangle centred in `area` (clamped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Clears `area` for a popup. A wide (Japanese) character just left of it
/// would spill its second half over the popup's border: it is blanked.
pub fn clear_popup(frame: &mut ratatui::Frame, area: Rect) {
    frame.render_widget(ratatui::widgets::Clear, area);
    if area.x == 0 {
        return;
    }
    let buffer = frame.buffer_mut();
    for y in area.top()..area.bottom() {
        let cell = &mut buffer[(area.x - 1, y)];
        if crate::domain::text::width(cell.symbol()) > 1 {
            cell.set_symbol(" ");
        }
    }
}
