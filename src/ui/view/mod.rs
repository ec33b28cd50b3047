//! `view`: draws the whole screen from the model and `now`, nothing else.
//! Header, connection banner, alert strip, board and patient detail,
//! status and keys; forms, confirmation and help drawn over them.

mod alerts;
mod banner;
mod beds;
mod board;
pub(crate) mod care;
mod caseload;
mod detail;
mod emergency;
pub(crate) mod fmt;
pub(crate) mod footer;
mod header;
mod help;
mod history;
mod popup;
pub(crate) mod style;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::app::{App, Mode};
use super::cell::wrap;
use crate::i18n::texts;
pub(super) use fmt::clock;

/// Smaller than this, the screen says so instead of drawing garbage.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;
/// From this width on, the patient detail goes beside the board.
pub const SIDE_BY_SIDE_WIDTH: u16 = 120;

pub fn view(frame: &mut Frame, app: &App, now: DateTime<Utc>) {
    draw(frame, app, now);
    // One pass at the end rather than a colour check in every widget.
    app.palette.apply(frame.buffer_mut());
}

fn draw(frame: &mut Frame, app: &App, now: DateTime<Utc>) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, app);
        return;
    }
    // Computed once per frame; the strip and the banner both read it.
    let alerts = app.board_alerts(now);
    let emergency_h = emergency::height(app, &alerts, area.width);
    let banner_h = banner::height(app, area.width);
    let status_h = footer::status_height(app);
    let fixed = emergency_h + header::HEIGHT + banner_h + status_h + 1;
    let rest = area.height.saturating_sub(fixed);
    // The strip grows into rows the board (and the detail below it) does
    // not need.
    let board_rows = board::rows_needed(app, now);
    let side_by_side = area.width >= SIDE_BY_SIDE_WIDTH;
    let strip_h = alerts::height(&alerts, area.height, |strip| {
        let main = rest.saturating_sub(strip);
        let detail = if side_by_side { 0 } else { detail_height(main) };
        usize::from(main.saturating_sub(detail)) >= board_rows
    });
    let [
        emergency_area,
        head,
        banner_area,
        alert_area,
        main,
        status,
        keys,
    ] = Layout::vertical([
        Constraint::Length(emergency_h),
        Constraint::Length(header::HEIGHT),
        Constraint::Length(banner_h),
        Constraint::Length(strip_h),
        Constraint::Min(0),
        Constraint::Length(status_h),
        Constraint::Length(1),
    ])
    .areas(area);
    let cut = alerts.len() > usize::from(alert_area.height);

    emergency::render(frame, emergency_area, app, &alerts);
    header::render(frame, head, app, now);
    banner::render(frame, banner_area, app);
    alerts::render(frame, alert_area, app, &alerts, now);
    // Once a frame: the board's rows and the selected patient share them.
    let estimates = crate::domain::forecast::estimates_by_visit(&app.board, &app.config, now);
    if let Mode::History(h) = &app.mode {
        history::render(frame, main, app, h, now);
    } else if side_by_side {
        let detail_w = (area.width * 2 / 5).clamp(44, 72);
        let [board_area, gap, detail_area] = Layout::horizontal([
            Constraint::Min(0),
            Constraint::Length(2),
            Constraint::Length(detail_w),
        ])
        .areas(main);
        board::render(frame, board_area, app, &estimates, now);
        let bar: Vec<Line> = (0..gap.height)
            .map(|_| Line::styled("| ", style::dim()))
            .collect();
        frame.render_widget(Paragraph::new(bar), gap);
        detail::render(frame, detail_area, app, &estimates, now, false);
    } else {
        let detail_h = detail_height(main.height);
        let [board_area, detail_area] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(detail_h)]).areas(main);
        board::render(frame, board_area, app, &estimates, now);
        detail::render(frame, detail_area, app, &estimates, now, true);
    }
    footer::render_status(frame, status, app);
    footer::render_keys(frame, keys, app, now, cut);

    // Nothing covers the emergency banner.
    let below = Rect {
        y: area.y + emergency_area.height,
        height: area.height - emergency_area.height,
        ..area
    };
    match &app.mode {
        Mode::Form(form) => popup::render_form(frame, main_or(below, main), app, form, now),
        Mode::ConfirmUndo(visit) => {
            popup::render_confirm_undo(frame, main_or(below, main), app, *visit)
        }
        Mode::Help => help::render(frame, below, app),
        Mode::Caseload => caseload::render(frame, below, app),
        Mode::Alerts(cursor) => {
            alerts::render_list(frame, below_keys(below), app, &alerts, *cursor, now)
        }
        Mode::Beds(cursor) => beds::render(frame, main_or(below, main), app, cursor, now),
        Mode::Normal | Mode::Filter | Mode::History(_) => {}
    }
}

/// Lines of the patient detail under the board (below 120 columns).
fn detail_height(main: u16) -> u16 {
    match main {
        24.. => 9,
        14.. => 6,
        _ => 4,
    }
}

/// The area above the footer's key line (the keys stay readable).
fn below_keys(area: Rect) -> Rect {
    Rect {
        height: area.height.saturating_sub(1),
        ..area
    }
}

/// Popups sit over the board, or over the whole screen (below the
/// emergency banner) when it is cramped.
fn main_or(area: Rect, main: Rect) -> Rect {
    if main.height >= 20 { main } else { area }
}

fn too_small(frame: &mut Frame, area: Rect, app: &App) {
    let t = texts(app.lang);
    let text = format!("{} ({}x{})", t.too_small, area.width, area.height);
    let lines: Vec<Line> = wrap(&text, usize::from(area.width))
        .into_iter()
        .map(Line::raw)
        .collect();
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .min(area.height);
    let middle = Rect {
        y: area.y + (area.height - height) / 2,
        height,
        ..area
    };
    frame.render_widget(Paragraph::new(lines), middle);
}
