//! The board: patients grouped by stage (active stages first, the ones who
//! left dimmed at the end), one aligned row each with ticket, name,
//! treatment, bed, live timer and alert badges. Columns are laid out by
//! display width so Japanese names line up. Scrolls to keep the selected
//! row in view.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fmt::timer_text;
use super::style::{bold, dim, selected, severity_style, symbol};
use crate::domain::text::width;
use crate::domain::{Alert, AlertCode, Severity, Visit, badges, visit_alerts};
use crate::i18n::{Texts, badge_text, stage_name, texts};
use crate::ui::app::App;
use crate::ui::cell::{cell, cell_right, clean, clip};
use crate::ui::forms::treatment_label;
use crate::ui::rows::{Row, grouped};

/// Column widths for a board `total` columns wide.
struct Columns {
    no: usize,
    name: usize,
    treatment: usize,
    bed: usize,
    timer: usize,
    alerts: usize,
}

impl Columns {
    /// Widths for a board `total` columns wide whose longest name,
    /// treatment, bed and timer are `need` wide: each shown whole when
    /// they fit, the alerts taking the rest (at least `ALERTS_MIN`).
    fn for_width(total: usize, t: &Texts, need: Need) -> Columns {
        const ALERTS_MIN: usize = 14;
        const MIN: usize = 8;
        let Need {
            names,
            treatments,
            beds,
            timers,
        } = need;
        let no = width(t.col_no).max(3);
        let bed = beds.max(width(t.col_bed)).clamp(1, 12);
        let timer = timers.max(width(t.col_timer)).clamp(5, 16);
        // Five separating spaces.
        let rest = total.saturating_sub(no + bed + timer + 5);
        let need_name = names.max(width(t.col_name)).clamp(MIN, 30);
        let need_treatment = treatments.max(width(t.col_treatment)).clamp(MIN, 30);
        let room = rest.saturating_sub(ALERTS_MIN.min(rest / 3));
        let (name, treatment) = if need_name + need_treatment <= room {
            (need_name, need_treatment)
        } else {
            // Each its need up to half; what one leaves, the other takes.
            let half = room / 2;
            let name = need_name.min(half);
            let treatment = need_treatment.min(room - name);
            let name = (room - treatment).min(need_name);
            (name, treatment)
        };
        Columns {
            no,
            name,
            treatment,
            bed,
            timer,
            alerts: rest.saturating_sub(name + treatment),
        }
    }
}

/// How wide the longest of each column's content is.
struct Need {
    names: usize,
    treatments: usize,
    beds: usize,
    timers: usize,
}

impl Need {
    fn of(app: &App, t: &Texts, visits: &[&Visit], now: DateTime<Utc>) -> Need {
        let widest =
            |texts: &mut dyn Iterator<Item = String>| texts.map(|s| width(&s)).max().unwrap_or(0);
        // The widest a timer of this language can read in the hour, so
        // the column stands still as the timers run.
        let templates = [t.ui.timer_left, t.ui.timer_over, t.clinic.timer_done]
            .map(|f| f.replace("{t}", "00:00"))
            .into_iter()
            .chain(["@00:00".to_string()]);
        Need {
            names: widest(&mut visits.iter().map(|v| clean(&v.name))),
            treatments: widest(
                &mut visits
                    .iter()
                    .map(|v| treatment_label(&app.config, app.lang, &v.treatment)),
            ),
            // Every bed of the clinic, not only those taken now, and the
            // nurse beside it (`2 KS`).
            beds: widest(&mut app.config.beds.iter().map(|b| clean(b)))
                .max(1)
                .max(widest(&mut visits.iter().map(|v| bed_cell(app, v)))),
            timers: widest(
                &mut visits
                    .iter()
                    .map(|v| timer_text(v, &app.config, t, now))
                    .chain(templates),
            ),
        }
    }
}

pub fn rows_needed(app: &App, now: DateTime<Utc>) -> usize {
    let visits = app.visible(now);
    1 + grouped(&visits).len().max(1)
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, estimates: &Estimates, now: DateTime<Utc>) {
    let t = texts(app.lang);
    let w = usize::from(area.width);
    let visits = app.visible(now);
    let cols = Columns::for_width(w, t, Need::of(app, t, &visits, now));
    let heading = format!(
        "{} {} {} {} {} {}",
        cell_right(t.col_no, cols.no),
        cell(t.col_name, cols.name),
        cell(t.col_treatment, cols.treatment),
        cell(t.col_bed, cols.bed),
        cell_right(t.col_timer, cols.timer),
        cell(t.col_alerts, cols.alerts),
    );
    let mut lines = vec![Line::styled(
        cell(&heading, w),
        bold().add_modifier(ratatui::style::Modifier::UNDERLINED),
    )];

    let rows = grouped(&visits);
    let body = usize::from(area.height).saturating_sub(1);
    if rows.is_empty() {
        let empty = if app.filter.is_blank() {
            t.no_patients
        } else {
            t.ui.no_match
        };
        lines.push(Line::styled(cell(empty, w), dim()));
    }
    let at = rows
        .iter()
        .position(|r| matches!(r, Row::Visit(v) if Some(v.id) == app.selected));
    // Scroll just enough to show the selected row at the bottom.
    let offset = at.map_or(0, |at| (at + 1).saturating_sub(body));
    for row in rows.iter().skip(offset).take(body) {
        lines.push(match row {
            Row::Stage { stage, count } => {
                let label = format!("-- {} ({count}) ", stage_name(app.lang, *stage));
                let fill = "-".repeat(w.saturating_sub(width(&label)));
                let style = if stage.is_active() { bold() } else { dim() };
                Line::styled(clip(&format!("{label}{fill}"), w), style)
            }
            Row::Visit(v) => visit_row(app, t, &cols, v, estimates, now),
        });
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn visit_row(
    app: &App,
    t: &Texts,
    cols: &Columns,
    v: &Visit,
    estimates: &Estimates,
    now: DateTime<Utc>,
) -> Line<'static> {
    let base = if v.stage.is_active() {
        Style::new()
    } else {
        dim()
    };
    let treatment = treatment_label(&app.config, app.lang, &v.treatment);
    let bed = bed_cell(app, v);
    let text = format!(
        "{} {} {} {} {} ",
        cell_right(&v.ticket_text(), cols.no),
        cell(&clean(&v.name), cols.name),
        cell(&clean(&treatment), cols.treatment),
        cell(&bed, cols.bed),
        cell_right(&timer_text(v, &app.config, t, now), cols.timer),
    );
    let mut spans = vec![Span::styled(text, base)];
    if let Some(reason) = &v.exit_reason {
        spans.push(Span::styled(clip(&clean(reason), cols.alerts), dim()));
    }
    // The first mark may be cut; the others show whole or not at all.
    let mut left = cols.alerts;
    for (i, (text, style)) in marks(app, t, v, estimates, now).into_iter().enumerate() {
        if i > 0 && width(&text) > left {
            break;
        }
        let text = clip(&text, left);
        left = left.saturating_sub(width(&text) + 1);
        spans.push(Span::styled(text, style));
        if left == 0 {
            break;
        }
        spans.push(Span::raw(" "));
    }
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    let total = cols.no + cols.name + cols.treatment + cols.bed + cols.timer + cols.alerts + 5;
    spans.push(Span::raw(" ".repeat(total.saturating_sub(used))));
    let line = Line::from(spans);
    if Some(v.id) == app.selected {
        line.patch_style(selected())
    } else {
        line
    }
}

/// What a row says after its timer, most severe first, as room allows:
/// the alerts (an unacknowledged critical one flashing) and the standing
/// badges (a reaction at an earlier visit is critical).
fn marks(
    app: &App,
    t: &Texts,
    v: &Visit,
    estimates: &Estimates,
    now: DateTime<Utc>,
) -> Vec<(String, Style)> {
    let mut out: Vec<(Severity, String, Style)> = visit_alerts(v, &app.config, now)
        .iter()
        .map(|a| (a.severity, badge(t, a), alert_style(a, now)))
        .collect();
    if v.stage.is_active() {
        out.extend(badges(v, &app.config).iter().map(|b| {
            let severity = b.severity();
            let text = format!(
                "{} {}",
                symbol(severity),
                clean(&badge_text(app.lang, b, app.config.timezone))
            );
            (severity, text, severity_style(severity))
        }));
    }
    // Stable: alerts before badges of the same severity.
    out.sort_by_key(|(severity, _, _)| std::cmp::Reverse(*severity));
    // A drip patient waiting for a bed: when they can expect to start
    // (first among the facts, after what needs attention).
    if let Some(start) = estimates.get(&v.id).and_then(|e| e.start) {
        let at = start.with_timezone(&app.config.timezone).format("%H:%M");
        let text = t.busy.starts_about.replace("{t}", &at.to_string());
        let i = out
            .iter()
            .position(|(severity, _, _)| *severity < Severity::Warning)
            .unwrap_or(out.len());
        out.insert(i, (Severity::Info, text, bold()));
    }
    out.into_iter()
        .map(|(_, text, style)| (text, style))
        .collect()
}

/// An unacknowledged critical alert flashes: reverse video on even
/// seconds of `now` (the view stays a pure function of the time).
pub fn alert_style(alert: &Alert, now: DateTime<Utc>) -> Style {
    let style = severity_style(alert.severity);
    if flashing(alert) && now.timestamp().rem_euclid(2) == 0 {
        style.add_modifier(Modifier::REVERSED)
    } else {
        style
    }
}

/// Whether an alert still asks to be taken in hand.
pub fn flashing(alert: &Alert) -> bool {
    alert.severity == Severity::Critical && alert.acknowledged_by.is_none()
}

/// A row's badge for an alert: the severity symbol and a short word.
fn badge(t: &Texts, alert: &Alert) -> String {
    let ui = &t.ui;
    let minutes = |word: &str| format!("{word} {}{}", alert.minutes, ui.minutes_unit);
    let text = match alert.code {
        AlertCode::WaitedTooLong => minutes(ui.badge_waited),
        AlertCode::AdministrationDue => ui.badge_due.to_string(),
        AlertCode::AdministrationOverdue => minutes(ui.badge_overdue),
        AlertCode::ObservationComplete => ui.badge_observed.to_string(),
        AlertCode::DischargeOverdue => minutes(ui.badge_discharge),
        other => crate::i18n::alert_short(t.lang, other).to_string(),
    };
    format!("{} {text}", symbol(alert.severity))
}

/// Every drip patient's estimated start, worked out once a frame.
pub type Estimates =
    std::collections::BTreeMap<crate::domain::VisitId, crate::domain::forecast::Estimate>;

/// The bed column: the bed (or `-`) and, from the plan on, the patient's
/// nurse (initials from the staff list when they are on it): `2 KS`.
fn bed_cell(app: &App, v: &Visit) -> String {
    let bed = v.bed.as_deref().map_or("-".to_string(), clean);
    match v.care.nurse().filter(|_| v.stage.is_active()) {
        Some(nurse) => {
            let who = crate::domain::caseload::initials(&app.config, nurse).unwrap_or(nurse);
            format!("{bed} {}", clean(who))
        }
        None => bed,
    }
}
