//! The alert strip: what needs attention now, most severe first. It takes
//! 2 to 4 lines by terminal height, and grows into the rows the board
//! does not need; when still cut it says "+N more" and `!` lists them all.
//! An alert of the selected patient is never among the ones cut. Every
//! alert on the board is listed whatever the filter: a filter must not
//! hide a critical alert. The emergency path comes first; an acknowledged
//! alert says who took it in hand.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::board::alert_style;
use super::style::{
    BORDER, bold, centered, clear_popup, dim, selected, severity_style, severity_word, symbol,
};
use crate::domain::text::width;
use crate::domain::{Alert, Severity};
use crate::i18n::{alert_message, texts};
use crate::ui::app::App;
use crate::ui::cell::{cell, clean, clip};

/// Lines the strip takes at least (when there are as many alerts).
fn base_lines(screen_height: u16) -> usize {
    match screen_height {
        0..30 => 2,
        30..40 => 3,
        _ => 4,
    }
}

/// Lines the strip takes: the base, or more when the board leaves rows
/// free. `room(strip)`: whether the rest of the screen still has what it
/// needs with a strip that high.
pub fn height(alerts: &[Alert], screen_height: u16, room: impl Fn(u16) -> bool) -> u16 {
    let want = u16::try_from(alerts.len().max(1)).unwrap_or(u16::MAX);
    let mut lines = want.min(u16::try_from(base_lines(screen_height)).unwrap_or(2));
    while lines < want && room(lines + 1) {
        lines += 1;
    }
    lines
}

/// The alerts the strip shows in `rows` lines: all when they fit; else the
/// most severe of all, then the selected patient's, then the next most
/// severe; in board order.
fn shown<'a>(app: &App, all: &'a [Alert], rows: usize) -> Vec<&'a Alert> {
    if all.len() <= rows {
        return all.iter().collect();
    }
    let mut keep: Vec<bool> = all
        .iter()
        .enumerate()
        .map(|(i, a)| i == 0 || Some(a.visit) == app.selected)
        .collect();
    let mut left = rows.saturating_sub(keep.iter().filter(|k| **k).count());
    for k in &mut keep {
        if left == 0 {
            break;
        }
        if !*k {
            *k = true;
            left -= 1;
        }
    }
    // More of the selected patient's than the rows: the most severe.
    all.iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(a, _)| a)
        .take(rows)
        .collect()
}

/// One alert as a line: severity, who, what; `more` on its right.
fn line(app: &App, alert: &Alert, w: usize, more: &str, now: DateTime<Utc>) -> Line<'static> {
    let t = texts(app.lang);
    let word_w = [Severity::Critical, Severity::Warning, Severity::Info]
        .iter()
        .map(|s| width(severity_word(*s, t)))
        .max()
        .unwrap_or(0);
    let Some(visit) = app.board.visit(alert.visit) else {
        return Line::raw(cell("", w));
    };
    let route = app.config.treatment(&visit.treatment).map(|t| t.route);
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
    let text_w = w.saturating_sub(width(&badge) + width(more));
    Line::from(vec![
        Span::styled(clip(&badge, w), alert_style(alert, now)),
        Span::raw(cell(&text, text_w)),
        Span::styled(
            clip(more, w.saturating_sub(width(&badge) + text_w)),
            severity_style(Severity::Warning),
        ),
    ])
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
    let shown = shown(app, all, rows);
    let hidden = all.len() - shown.len();
    let lines: Vec<Line> = shown
        .iter()
        .enumerate()
        .map(|(i, alert)| {
            let more = if hidden > 0 && i + 1 == shown.len() {
                format!("  {}", t.ui.more_alerts.replace("{n}", &hidden.to_string()))
            } else {
                String::new()
            };
            line(app, alert, w, &more, now)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// Every alert on the board, over the screen, the cursor on one (`!`).
pub fn render_list(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    all: &[Alert],
    cursor: usize,
    now: DateTime<Utc>,
) {
    let t = texts(app.lang);
    let popup = centered(
        area,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    clear_popup(frame, popup);
    let title = format!(" {} ({}) ", t.alerts_title, all.len());
    let block = Block::bordered()
        .border_set(BORDER)
        .title(Span::styled(title, bold()));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let w = usize::from(inner.width);
    let rows = usize::from(inner.height);
    if all.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(cell(t.no_alerts, w), dim())),
            inner,
        );
        return;
    }
    let cursor = cursor.min(all.len() - 1);
    // Scroll just enough to keep the cursor in view.
    let offset = (cursor + 1).saturating_sub(rows);
    let lines: Vec<Line> = all
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, a)| {
            let l = line(app, a, w, "", now);
            if i == cursor {
                l.patch_style(selected())
            } else {
                l
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
