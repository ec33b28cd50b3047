//! The emergency banner: while any visit on the board has an anaphylaxis
//! emergency, every terminal shows it at the very top, above everything,
//! in bold reverse red (bold reverse video without colour) with the word
//! EMERGENCY, where, who, the adrenaline dose, "repeat due" and "call
//! ambulance" while they are open. Readable without colour; no filter,
//! form or help hides it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::domain::text::width;
use crate::domain::{Alert, AlertCode};
use crate::i18n::texts;
use crate::ui::app::App;
use crate::ui::cell::{cell, clean, wrap};

/// At most this many lines per emergency.
const LINES_EACH: usize = 2;

/// The banner's lines for a screen `width` wide (none without an
/// emergency).
fn lines(app: &App, alerts: &[Alert], width: u16) -> Vec<String> {
    let c = &texts(app.lang).clinic;
    let width = usize::from(width);
    let mut out = Vec::new();
    for alert in alerts.iter().filter(|a| a.code == AlertCode::Emergency) {
        let Some(v) = app.board.visit(alert.visit) else {
            continue;
        };
        let mut parts = vec![c.emergency.to_string()];
        parts.push(match &v.bed {
            Some(bed) => format!("#{} {} {}", v.ticket_text(), c.bed, clean(bed)),
            None => format!("#{}", v.ticket_text()),
        });
        parts.push(clean(&v.name));
        parts.push(c.anaphylaxis.to_string());
        parts.push(c.adrenaline_im.replace("{d}", &alert.detail));
        let open = |code| alerts.iter().any(|a| a.visit == v.id && a.code == code);
        if open(AlertCode::AdrenalineRepeatDue) {
            parts.push(c.repeat_due.to_string());
        }
        if open(AlertCode::CallAmbulance) {
            parts.push(c.call_ambulance.to_string());
        }
        let mut wrapped = pack(&parts, width.saturating_sub(2));
        wrapped.truncate(LINES_EACH);
        out.extend(wrapped.iter().map(|l| cell(&format!(" {l}"), width)));
    }
    out
}

/// Lays the parts out two spaces apart, never breaking one across lines
/// unless it is longer than a whole line ("CALL AMBULANCE" stays whole).
fn pack(parts: &[String], cols: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for part in parts {
        let joined = if line.is_empty() {
            part.clone()
        } else {
            format!("{line}  {part}")
        };
        if width(&joined) <= cols {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut pieces = wrap(part, cols);
        line = pieces.pop().unwrap_or_default();
        lines.extend(pieces);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Lines the banner takes on a screen `width` wide.
pub fn height(app: &App, alerts: &[Alert], width: u16) -> u16 {
    u16::try_from(lines(app, alerts, width).len()).unwrap_or(0)
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, alerts: &[Alert]) {
    let style = Style::new()
        .fg(Color::Red)
        .add_modifier(Modifier::REVERSED | Modifier::BOLD);
    let lines: Vec<Line> = lines(app, alerts, area.width)
        .into_iter()
        .map(|l| Line::styled(l, style))
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}
