//! The alert strip: what needs attention now, most severe first, as many
//! as fit (2 to 4 lines by terminal height), "+N more" when cut. Every
//! alert on the board is listed whatever the filter: a filter must not
//! hide a critical alert. The emergency path comes first; an
//! acknowledged alert says who took it in hand.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::board::alert_style;
use super::style::{dim, severity_style, severity_word, symbol};
use crate::domain::text::width;
use crate::domain::{Alert, Severity};
use crate::i18n::{alert_message, texts};
use crate::ui::app::App;
use crate::ui::cell::{cell, clean, clip};

fn max_lines(screen_height: u16) -> usize {
    match screen_height {
        0..30 => 2,
        30..40 => 3,
        _ => 4,
    }
}

/// Lines the strip takes on a screen this high.
pub fn height(alerts: &[Alert], screen_height: u16) -> u16 {
    let n = alerts.len().clamp(1, max_lines(screen_height));
    u16::try_from(n).unwrap_or(1)
}

/// `all`: the alerts of the visits on the board, most severe first.
pub fn render(frame: &mut Frame, area: Rect, app: &App, all: &[Alert], now: DateTime<Utc>) {
    let t = texts(app.lang);
    let w = usize::from(area.width);
    if all.is_empty() {
        let line = Line::styled(cell(t.no_alerts, w), dim());
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let rows = usize::from(area.height).max(1);
    let cut = all.len() > rows;
    let word_w = [Severity::Critical, Severity::Warning, Severity::Info]
        .iter()
        .map(|s| width(severity_word(*s, t)))
        .max()
        .unwrap_or(0);
    let mut lines = Vec::new();
    for (i, alert) in all.iter().take(rows).enumerate() {
        let Some(visit) = app.board.visit(alert.visit) else {
            continue;
        };
        let route = app.config.treatment(&visit.treatment).map(|t| t.route);
        let more = if cut && i + 1 == rows {
            format!(
                "  {}",
                t.ui.more_alerts
                    .replace("{n}", &(all.len() - rows).to_string())
            )
        } else {
            String::new()
        };
        let badge = format!(
            "{} {}",
            cell(symbol(alert.severity), 2),
            cell(severity_word(alert.severity, t), word_w)
        );
        let mut text = format!(
            "  #{} {}  {}",
            visit.ticket_text(),
            clean(&visit.name),
            alert_message(app.lang, alert, route, &app.config)
        );
        if let Some(who) = &alert.acknowledged_by {
            let who = if who.is_empty() { "-" } else { who.as_str() };
            text = format!(
                "{text}  [{}]",
                t.clinic.acknowledged_by.replace("{who}", &clean(who))
            );
        }
        let text_w = w.saturating_sub(width(&badge) + width(&more));
        lines.push(Line::from(vec![
            Span::styled(clip(&badge, w), alert_style(alert, now)),
            Span::raw(cell(&text, text_w)),
            Span::styled(
                clip(&more, w.saturating_sub(width(&badge) + text_w)),
                severity_style(Severity::Warning),
            ),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
