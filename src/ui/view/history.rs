//! The history view, in place of the board: the day (today, or a past day
//! read from the records), the filters, and one aligned line per event:
//! when it happened, when it was entered (if later), who, which patient,
//! what (a correction with its old value; an undone event struck through
//! and marked). Columns by display width, so Japanese names line up.

use chrono::{Datelike, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fmt::clock;
use super::style::{bold, dim, error, selected};
use crate::domain::text::width;
use crate::i18n::{Lang, Texts, texts};
use crate::ui::app::App;
use crate::ui::cell::{cell, clean, clip, wrap};
use crate::ui::history::{History, Row, Source};

/// An event entered more than this after it happened shows both times.
const LATE_ENTRY_SECS: i64 = 60;

/// "2026-11-20 (Fri)", "2026-11-20（金）".
fn day_text(lang: Lang, day: NaiveDate) -> String {
    let i = day.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::En => {
            let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            format!("{} ({})", day.format("%Y-%m-%d"), names[i])
        }
        Lang::Ja => {
            let names = ["月", "火", "水", "木", "金", "土", "日"];
            format!("{}（{}）", day.format("%Y-%m-%d"), names[i])
        }
    }
}

struct Columns {
    time: usize,
    entered: usize,
    by: usize,
    patient: usize,
    what: usize,
}

impl Columns {
    fn for_width(total: usize, t: &Texts, rows: &[Row]) -> Columns {
        let r = &t.records;
        let time = width(r.col_time).max(5);
        let entered = width(r.col_recorded).max(5);
        let longest_by = rows
            .iter()
            .filter_map(|row| row.operator.as_deref())
            .map(|op| width(&clean(op)))
            .max()
            .unwrap_or(0);
        let by = longest_by.max(width(r.col_by)).clamp(4, 12);
        let patient = (total / 5).clamp(14, 26);
        // Four separating spaces.
        let what = total.saturating_sub(time + entered + by + patient + 4);
        Columns {
            time,
            entered,
            by,
            patient,
            what,
        }
    }

    fn line(&self, time: &str, entered: &str, by: &str, patient: &str) -> String {
        format!(
            "{} {} {} {} ",
            cell(time, self.time),
            cell(entered, self.entered),
            cell(by, self.by),
            cell(patient, self.patient)
        )
    }
}

fn row_line(app: &App, t: &Texts, cols: &Columns, row: &Row, under_cursor: bool) -> Line<'static> {
    let tz = app.config.timezone;
    let entered = if (row.recorded_at - row.at).num_seconds().abs() > LATE_ENTRY_SECS {
        clock(tz, row.recorded_at)
    } else {
        String::new()
    };
    let by = row.operator.as_deref().map(clean).unwrap_or_default();
    let patient = format!("#{} {}", row.ticket, clean(&row.name));
    let head = cols.line(&clock(tz, row.at), &entered, &by, &patient);
    let base = if under_cursor {
        selected()
    } else {
        Style::new()
    };
    if row.undone {
        let mark = format!(" [{}]", t.events.undone);
        let what_w = cols.what.saturating_sub(width(&mark));
        let what = clip(&row.what, what_w);
        let pad = cols.what.saturating_sub(width(&what) + width(&mark));
        return Line::from(vec![
            Span::styled(head, base),
            Span::styled(what, base.patch(dim()).add_modifier(Modifier::CROSSED_OUT)),
            Span::styled(format!("{mark}{}", " ".repeat(pad)), base.patch(dim())),
        ]);
    }
    Line::from(vec![
        Span::styled(head, base),
        Span::styled(cell(&row.what, cols.what), base),
    ])
}

pub fn render(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    h: &History,
    now: chrono::DateTime<chrono::Utc>,
) {
    let t = texts(app.lang);
    let r = &t.records;
    let w = usize::from(area.width);
    if area.height == 0 || w == 0 {
        return;
    }
    let rows = h.rows(app);
    let cursor = h.cursor_in(rows.len());

    // The title bar: which day, where in the list.
    let mut day = day_text(app.lang, h.day);
    if h.day == crate::ui::history::today(&app.config, now) {
        day = format!("{day} {}", r.today);
    }
    let count = match rows.len() {
        1 => r.count_one.to_string(),
        n => r.count.replace("{n}", &n.to_string()),
    };
    let position = if rows.is_empty() {
        count
    } else {
        format!("{}/{}  {count}", cursor + 1, rows.len())
    };
    let left = format!("{}  {day}", r.history_title);
    let right_w = width(&position).min(w);
    let left_w = w.saturating_sub(right_w + 1);
    let mut lines = vec![Line::from(vec![
        Span::styled(cell(&left, left_w), selected()),
        Span::styled(if left_w > 0 { " " } else { "" }, selected()),
        Span::styled(cell(&position, right_w), selected()),
    ])];

    // The filters; who entered is typed here.
    let patient = match h.patient {
        None => r.kinds[0].to_string(),
        Some(id) => rows
            .iter()
            .find(|row| row.visit == id)
            .map(|row| format!("#{} {}", row.ticket, clean(&row.name)))
            .unwrap_or_else(|| format!("{id}")),
    };
    let mut filters = vec![
        Span::styled(format!("{}: ", r.filter_kind), dim()),
        Span::styled(r.kinds[h.kind.index()].to_string(), bold()),
        Span::styled(format!("   {}: ", r.filter_patient), dim()),
        Span::styled(patient, bold()),
        Span::styled(format!("   {}: ", r.filter_by), dim()),
    ];
    let used: usize = filters.iter().map(|s| width(&s.content)).sum();
    let by_w = w.saturating_sub(used).min(24);
    let mut cursor_at = None;
    if h.typing_by {
        let (shown, col) = h.by.window(by_w.saturating_sub(2));
        cursor_at = Some(used + 1 + col);
        filters.push(Span::raw("["));
        filters.push(Span::styled(
            cell(&shown, by_w.saturating_sub(2)),
            Style::new().add_modifier(Modifier::UNDERLINED),
        ));
        filters.push(Span::raw("]"));
    } else {
        let by = clean(h.by.text());
        let by = if by.is_empty() {
            r.kinds[0].to_string()
        } else {
            by
        };
        filters.push(Span::styled(clip(&by, by_w), bold()));
    }
    lines.push(Line::from(super::header::fit_spans(filters, w)));

    let cols = Columns::for_width(w, t, &rows);
    lines.push(Line::styled(
        cell(
            &format!(
                "{}{}",
                cols.line(r.col_time, r.col_recorded, r.col_by, r.col_patient),
                r.col_what
            ),
            w,
        ),
        bold(),
    ));

    let room = usize::from(area.height).saturating_sub(lines.len());
    let message = |text: String, style: Style| -> Vec<Line<'static>> {
        wrap(&text, w)
            .into_iter()
            .map(|l| Line::styled(cell(&l, w), style))
            .collect()
    };
    let day_words = day_text(app.lang, h.day);
    match &h.source {
        Source::Loading(_) => lines.extend(message(r.loading.replace("{d}", &day_words), bold())),
        Source::Failed(why) => lines.extend(message(
            r.load_failed
                .replace("{d}", &day_words)
                .replace("{e}", &clean(why)),
            error(),
        )),
        _ if rows.is_empty() => {
            let empty = h.all_rows(app).is_empty();
            let text = if empty { r.no_events } else { r.no_match };
            lines.extend(message(text.to_string(), dim()));
        }
        _ => {
            // The cursor in the middle of the page when it can be; the
            // page full at either end.
            let offset = cursor
                .saturating_sub(room / 2)
                .min(rows.len().saturating_sub(room));
            for (i, row) in rows.iter().enumerate().skip(offset).take(room) {
                lines.push(row_line(app, t, &cols, row, i == cursor));
            }
        }
    }
    lines.truncate(usize::from(area.height));
    frame.render_widget(Paragraph::new(lines), area);
    if let Some(col) = cursor_at
        && area.height > 1
    {
        let x = area.x + u16::try_from(col).unwrap_or(u16::MAX);
        if x < area.right() {
            frame.set_cursor_position(Position::new(x, area.y + 1));
        }
    }
}
