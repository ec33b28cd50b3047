//! The wall, drawn from the model and `now`: a header with the clock, the
//! emergency banner, the connection banner, alerts without detail, the bed
//! map, the queue by stage. Pages turn with the clock (`now`), so the view
//! stays a pure function and every wall shows the same page.

mod banner;
mod beds;
pub mod digits;
mod queue;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub use banner::emergency_banner;

use super::model::Wall;
use crate::domain::Severity;
use crate::domain::text::width;
use crate::i18n::texts;
use crate::projection::Place;
use crate::ui::Connection;
use crate::ui::cell::{Plain, cell, clean, clip, wrap};
use crate::ui::view::fmt::{clock, date};
use crate::ui::view::style::{bold, severity_style, symbol};

/// Smaller than this, the wall says so instead of drawing garbage.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// The lines the alert strip may take.
const STRIP_LINES: usize = 2;

pub fn view(frame: &mut Frame, wall: &Wall, now: DateTime<Utc>) {
    let emergencies = emergencies(wall);
    draw_with(frame, wall, now, &emergencies);
}

/// Draws the wall with these emergencies (bed or patient label each).
pub fn draw_with(frame: &mut Frame, wall: &Wall, now: DateTime<Utc>, emergencies: &[String]) {
    draw(frame, wall, now, emergencies);
    wall.palette.apply(frame.buffer_mut());
}

/// A place as the wall says it: `Bed 2`, or the patient's masked label.
fn place(place: &Place, wall: &Wall) -> String {
    match place {
        Place::Bed(bed) => texts(wall.lang).wall.bed.replace("{b}", &clean(bed)),
        Place::Patient(label) => wall.label_of(label),
        Place::Someone => match wall.lang {
            crate::i18n::Lang::En => "a patient".to_string(),
            crate::i18n::Lang::Ja => "患者さん".to_string(),
        },
    }
}

/// The emergencies now, as the places the banner names.
pub fn emergencies(wall: &Wall) -> Vec<String> {
    wall.view
        .emergencies
        .iter()
        .map(|p| place(p, wall))
        .collect()
}

/// Which page shows now, of `pages`: turns every `page_seconds`.
pub fn page_now(now: DateTime<Utc>, page_seconds: u32, pages: usize) -> usize {
    if pages <= 1 {
        return 0;
    }
    let turn = now.timestamp().max(0) / i64::from(page_seconds.max(1));
    usize::try_from(turn).unwrap_or(0) % pages
}

fn draw(frame: &mut Frame, wall: &Wall, now: DateTime<Utc>, emergencies: &[String]) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, wall);
        return;
    }
    let w = usize::from(area.width);
    let strip = strip_lines(wall, w);

    let mut y = area.y;
    let mut take = |h: u16| {
        let h = h.min(area.bottom().saturating_sub(y));
        let r = Rect {
            x: area.x,
            y,
            width: area.width,
            height: h,
        };
        y += h;
        r
    };
    let header = take(1);
    if !emergencies.is_empty() {
        let h = if area.height >= 20 { 3 } else { 1 };
        emergency_banner(frame, take(h), &emergencies.join(", "), wall.lang);
    }
    if wall.connection != Connection::Connected {
        banner::connection(frame, take(1), wall);
    }
    if !strip.is_empty() {
        let h = u16::try_from(strip.len()).unwrap_or(1);
        frame.render_widget(Plain::new(strip), take(h));
    }
    let roomy = area.height >= 20;
    if roomy {
        take(1);
    }
    let rest = take(u16::MAX);

    // The bed map takes up to three fifths of what is left; the queue the rest.
    let plan = beds::plan(wall.view.beds.len(), rest.width, rest.height * 3 / 5);
    let beds_h = plan.height();
    let gap = u16::from(roomy && beds_h > 0);
    let beds_area = Rect {
        height: beds_h,
        ..rest
    };
    let queue_area = Rect {
        y: rest.y + beds_h + gap,
        height: rest.height.saturating_sub(beds_h + gap),
        ..rest
    };
    let queue_pages = queue::pages(wall, queue_area);
    let pages = plan.pages.max(queue_pages);
    let page = page_now(now, wall.settings.page_seconds, pages);

    render_header(frame, header, wall, now, page, pages);
    beds::render(frame, beds_area, wall, now, &plan, page);
    queue::render(frame, queue_area, wall, now, page);
}

fn render_header(
    frame: &mut Frame,
    area: Rect,
    wall: &Wall,
    now: DateTime<Utc>,
    page: usize,
    pages: usize,
) {
    let t = &texts(wall.lang).wall;
    let w = usize::from(area.width);
    let tz = wall.settings.timezone;
    let mut right = format!(
        "{} {}",
        date(tz, &wall.settings.date_format, now),
        clock(tz, now)
    );
    if pages > 1 {
        let p = t
            .page
            .replace("{n}", &(page + 1).to_string())
            .replace("{m}", &pages.to_string());
        right = format!("{p}   {right}");
    }
    let right = clip(&right, w);
    let left_w = w.saturating_sub(width(&right) + 1);
    let line = Line::from(vec![
        Span::styled(cell(&clinic_name(wall), left_w), bold()),
        Span::raw(if left_w > 0 { " " } else { "" }),
        Span::styled(right, bold()),
    ]);
    frame.render_widget(Plain::new(line), area);
}

/// The clinic's name, unless the terminal cannot draw it (a Japanese name
/// on the Linux console: better none than a row of boxes).
fn clinic_name(wall: &Wall) -> String {
    let name = clean(&wall.settings.clinic_name);
    if wall.ascii && !name.is_ascii() {
        String::new()
    } else {
        name
    }
}

/// The alert strip: one item per patient with a warning or worse, the
/// place and a word, never what the alert is about ("Bed 2: needs
/// attention", not the reaction). At most two lines; "+N more" when cut.
fn strip_lines(wall: &Wall, w: usize) -> Vec<Line<'static>> {
    let t = &texts(wall.lang).wall;
    let ui = &texts(wall.lang).ui;
    let items: Vec<(Severity, String)> = wall
        .view
        .attention
        .iter()
        .filter(|a| a.severity >= Severity::Warning)
        .map(|a| {
            let words = if a.severity == Severity::Critical {
                t.attention_now
            } else {
                t.attention
            };
            let text = format!("{} {}: {words}", symbol(a.severity), place(&a.place, wall));
            (a.severity, text)
        })
        .collect();
    let mut lines: Vec<Vec<Span<'static>>> = Vec::new();
    let mut used = 0;
    for (i, (severity, text)) in items.iter().enumerate() {
        let more = items.len() - i;
        let item_w = width(text) + 3;
        let new_line = lines.is_empty() || used + item_w > w;
        if new_line && lines.len() == STRIP_LINES {
            // Replace the tail of the last line with how many are left.
            let tail = ui.more_alerts.replace("{n}", &more.to_string());
            if let Some(last) = lines.last_mut() {
                let room = w.saturating_sub(used);
                last.push(Span::styled(clip(&tail, room), bold()));
            }
            break;
        }
        if new_line {
            lines.push(Vec::new());
            used = 0;
        }
        if let Some(line) = lines.last_mut() {
            line.push(Span::styled(
                clip(&format!(" {text}"), w.saturating_sub(used)),
                severity_style(*severity),
            ));
            line.push(Span::raw("  "));
            used += item_w;
        }
    }
    lines
        .into_iter()
        .map(|mut spans| {
            let used: usize = spans.iter().map(|s| width(&s.content)).sum();
            if used > w {
                spans.pop();
            }
            Line::from(spans)
        })
        .collect()
}

fn too_small(frame: &mut Frame, area: Rect, wall: &Wall) {
    let t = &texts(wall.lang).wall;
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
