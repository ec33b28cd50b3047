//! The top three lines: clinic, date and clock in the clinic's time zone,
//! free beds (or, when none is, when the next one frees: "next bed
//! 10:42"); then how many patients are in each active stage (and the
//! filter, when one is set); then the bed map: each bed free, until when
//! it is taken, or how long it has been cleaned.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fmt::date;
use super::style::{bold, dim, error, severity_style};
use crate::domain::forecast::{BedForecast, bed_forecast, next_bed};
use crate::domain::text::width;
use crate::domain::{BedState, Severity, Stage, free_beds};
use crate::i18n::{stage_name, texts};
use crate::snapshot::on_board;
use crate::ui::app::App;
use crate::ui::cell::{cell, clean, clip};

pub const HEIGHT: u16 = 3;

pub fn render(frame: &mut Frame, area: Rect, app: &App, now: DateTime<Utc>) {
    let t = texts(app.lang);
    let w = usize::from(area.width);
    let config = &app.config;

    let free = free_beds(&app.board, config, now).count();
    let clock = format!(
        "{} {}",
        date(config.timezone, &config.terminal.date_format, now),
        now.with_timezone(&config.timezone).format("%H:%M:%S")
    );
    let forecast = bed_forecast(&app.board, config, now);
    let hhmm = |at: DateTime<Utc>| {
        at.with_timezone(&config.timezone)
            .format("%H:%M")
            .to_string()
    };
    let next = next_bed(&forecast).map_or(String::new(), |(_, at)| {
        format!("  {}", t.busy.next_bed.replace("{t}", &hhmm(at)))
    });
    let right = format!(
        "{} {free}/{}{next}   {clock}",
        t.beds_free,
        config.beds.len()
    );
    let right = clip(&right, w);
    let left_w = w.saturating_sub(width(&right) + 1);
    let first = Line::from(vec![
        Span::styled(cell(&clean(&config.clinic_name), left_w), bold()),
        Span::raw(if left_w > 0 { " " } else { "" }),
        Span::raw(right),
    ]);

    let visits = on_board(&app.board, config, now);
    let mut counts = Vec::new();
    for stage in Stage::ACTIVE {
        let n = visits.iter().filter(|v| v.stage == stage).count();
        let style = if n == 0 { dim() } else { bold() };
        counts.push(Span::styled(
            format!("{} {n}", stage_name(app.lang, stage)),
            style,
        ));
        counts.push(Span::raw("  "));
    }
    counts.pop();
    let filter = clean(app.filter.text());
    let filter = if filter.is_empty() {
        String::new()
    } else {
        clip(&format!("  {}: {filter}", t.filter), w / 3)
    };
    // The branch's shipping to the clinic group is behind: first, so it
    // is seen (the counts give way).
    if let Some(behind) = &app.shipping {
        let since = behind
            .since
            .with_timezone(&config.timezone)
            .format("%H:%M")
            .to_string();
        let minutes = (now - behind.since).num_minutes().max(0);
        let warning = clip(
            &format!(
                "{}  ",
                crate::i18n::shipping_behind(app.lang, &since, minutes)
            ),
            w,
        );
        counts.insert(0, Span::styled(warning, error()));
    }
    let counts_w = w.saturating_sub(width(&filter));
    let mut second = Line::from(fit_spans(counts, counts_w));
    second.spans.push(Span::styled(filter, bold()));

    let third = Line::from(fit_spans(bed_map(app, &forecast, now), w));
    frame.render_widget(Paragraph::new(vec![first, second, third]), area);
}

/// `Beds  1 free  2 to 10:40  3 to ?  4 cleaning 12m`: a cleaning past
/// its warning minutes in the warning's style.
fn bed_map(app: &App, forecast: &[BedForecast], now: DateTime<Utc>) -> Vec<Span<'static>> {
    let t = &texts(app.lang).busy;
    let config = &app.config;
    let mut spans = vec![Span::styled(format!("{} ", t.beds), dim())];
    for f in forecast {
        let (word, style) = match f.state {
            BedState::Free => (t.bed_free.to_string(), bold()),
            BedState::Occupied { .. } => (
                f.free_at.map_or(t.bed_unknown.to_string(), |at| {
                    let at = at.with_timezone(&config.timezone).format("%H:%M");
                    t.bed_until.replace("{t}", &at.to_string())
                }),
                ratatui::style::Style::new(),
            ),
            BedState::Cleaning { since, .. } => {
                let minutes = (now - since).num_minutes().max(0);
                let late = minutes >= i64::from(config.bed_cleaning.warn_minutes);
                (
                    t.bed_cleaning.replace("{m}", &minutes.to_string()),
                    if late {
                        severity_style(Severity::Warning)
                    } else {
                        bold()
                    },
                )
            }
        };
        spans.push(Span::styled(format!(" {} ", clean(&f.bed)), bold()));
        spans.push(Span::styled(word, style));
        spans.push(Span::raw(" "));
    }
    spans
}

/// Keeps whole spans while they fit in `cols`, cutting the last one.
pub fn fit_spans(spans: Vec<Span<'static>>, cols: usize) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut used = 0;
    for span in spans {
        let w = width(&span.content);
        if used + w <= cols {
            used += w;
            out.push(span);
        } else {
            let rest = cols - used;
            if rest > 0 {
                out.push(Span::styled(clip(&span.content, rest), span.style));
            }
            break;
        }
    }
    let pad = cols.saturating_sub(out.iter().map(|s| width(&s.content)).sum());
    out.push(Span::raw(" ".repeat(pad)));
    out
}
