//! The selected patient in full: who, what, where, since when, and every
//! event with its time (with the time it was recorded when entered after
//! the fact, who entered it, and whether it was undone). Beside the board
//! on wide screens; a compact block below it at 80 columns.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::board::Estimates;
use super::care::{hemostasis_text, next_needs, vitals_text};
use super::fmt::clock;
use super::style::{bold, dim, selected, symbol};
use crate::domain::rules::vitals_findings;
use crate::domain::text::width;
use crate::domain::{Check, EventRecord, Missing, Stage, Visit, badges};
use crate::i18n::{Texts, badge_text, missing_text, reaction_name, stage_name, texts};
use crate::ui::app::App;
use crate::ui::cell::{cell, clean, clip, wrap};
use crate::ui::forms::treatment_label;
use crate::ui::words::{Corrected, corrected_at, early_stop_words, event_words, undone, was};

/// An event recorded more than this after it happened shows both times.
const LATE_ENTRY_SECS: i64 = 60;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    estimates: &Estimates,
    now: DateTime<Utc>,
    compact: bool,
) {
    let t = texts(app.lang);
    let w = usize::from(area.width);
    let Some(v) = app.selected_visit(now) else {
        let lines = vec![
            Line::styled(cell(t.detail_title, w), selected()),
            Line::styled(cell(t.detail_empty, w), dim()),
        ];
        frame.render_widget(Paragraph::new(lines), area);
        return;
    };
    let tz = app.config.timezone;
    let treatment = clean(&treatment_label(&app.config, app.lang, &v.treatment));
    // A corrected value shows with the old one beside it.
    let with_was = |value: String, field: Corrected| match was(v, field) {
        Some(old) => format!("{value} ({})", t.records.was.replace("{v}", &old)),
        None => value,
    };
    let chart = match (v.chart_no.as_deref().map(clean), was(v, Corrected::ChartNo)) {
        (None, Some(_)) => Some(with_was("-".into(), Corrected::ChartNo)),
        (chart, _) => chart.map(|c| with_was(c, Corrected::ChartNo)),
    };
    let stage = format!(
        "{} {}",
        stage_name(app.lang, v.stage),
        t.ui.since.replace("{t}", &clock(tz, v.stage_since))
    );
    // A drip patient waiting for a bed: the estimated start, as on the
    // row (where alerts can push it off at 80 columns).
    let estimate = estimates
        .get(&v.id)
        .and_then(|e| e.start)
        .map(|start| t.busy.starts_about.replace("{t}", &clock(tz, start)));
    let bed = v.bed.as_deref().map(clean);
    let reason = v.exit_reason.as_deref().map(clean);

    let mut head: Vec<Line> = Vec::new();
    let title = with_was(
        format!("#{} {}", v.ticket_text(), clean(&v.name)),
        Corrected::Name,
    );
    if compact {
        let mut parts = vec![title];
        if let Some(chart) = &chart {
            parts.push(format!("{} {chart}", t.field_chart_no));
        }
        parts.push(treatment);
        if let Some(bed) = &bed {
            parts.push(format!("{} {bed}", t.col_bed));
        }
        head.push(Line::styled(cell(&parts.join("  "), w), selected()));
        let mut second = match &estimate {
            Some(estimate) => format!("{stage}  {estimate}"),
            None => stage,
        };
        if let Some(reason) = &reason {
            second = format!("{second}  {}: {reason}", t.ui.exit_reason);
        }
        head.push(Line::styled(cell(&second, w), bold()));
        let care = care_summary(app, v, now);
        let flags = care
            .iter()
            .find(|(label, _)| *label == t.clinic.badges)
            .map(|(_, text)| text.clone());
        if let Some(flags) = flags {
            head.push(Line::raw(cell(&flags, w)));
        }
        let rest: Vec<String> = care
            .iter()
            .filter(|(label, _)| {
                [t.clinic.vitals, t.clinic.reactions, t.clinic.next_needs].contains(label)
            })
            .map(|(label, text)| format!("{label}: {text}"))
            .collect();
        if !rest.is_empty() {
            head.push(Line::raw(cell(&rest.join("  "), w)));
        }
    } else {
        head.push(Line::styled(cell(t.detail_title, w), selected()));
        head.push(Line::styled(cell(&title, w), bold()));
        let c = &t.clinic;
        let label_w = [
            t.field_chart_no,
            t.field_treatment,
            t.col_bed,
            t.ui.exit_reason,
            t.ui.stage,
            c.badges,
            c.plan,
            c.lot,
            c.vitals,
            c.reactions,
            c.checklist,
            c.next_needs,
            c.stopped_early,
        ]
        .iter()
        .map(|l| width(l))
        .max()
        .unwrap_or(0)
            + 2;
        let mut field = |label: &str, value: &str| {
            head.push(Line::from(vec![
                Span::styled(cell(label, label_w), dim()),
                Span::raw(cell(value, w.saturating_sub(label_w))),
            ]));
        };
        if let Some(chart) = &chart {
            field(t.field_chart_no, chart);
        }
        field(t.field_treatment, &treatment);
        field(t.ui.stage, &stage);
        if let Some(estimate) = &estimate {
            field("", estimate);
        }
        if let Some(bed) = &bed {
            field(t.col_bed, bed);
        }
        if let Some(reason) = &reason {
            field(t.ui.exit_reason, reason);
        }
        // The care, each value wrapped under its label.
        let value_w = w.saturating_sub(label_w);
        for (label, text) in care_summary(app, v, now) {
            for (i, part) in wrap(&text, value_w).into_iter().enumerate() {
                let shown = if i == 0 { label } else { "" };
                head.push(Line::from(vec![
                    Span::styled(cell(shown, label_w), dim()),
                    Span::raw(cell(&part, value_w)),
                ]));
            }
        }
        head.push(Line::styled(cell(t.ui.events_title, w), bold()));
    }

    // In the order they happened (a corrected time moves its event); the
    // newest matter most: when short of room, the oldest go.
    let mut ordered: Vec<&EventRecord> = v.events.iter().collect();
    ordered.sort_by_key(|e| (corrected_at(v, e.seq).unwrap_or(e.at), e.seq));
    let events: Vec<Line> = ordered
        .into_iter()
        .map(|e| event_line(app, t, v, e, w))
        .collect();
    let room = usize::from(area.height).saturating_sub(head.len());
    let skip = events.len().saturating_sub(room);
    let mut lines = head;
    lines.extend(events.into_iter().skip(skip));
    frame.render_widget(Paragraph::new(lines), area);
}

/// The care of a visit, as (label, words): flags, plan, lot, vitals with
/// NEWS2, reactions, checklist progress, what the next stage needs.
fn care_summary(app: &App, v: &Visit, now: DateTime<Utc>) -> Vec<(&'static str, String)> {
    let t = texts(app.lang);
    let c = &t.clinic;
    let config = &app.config;
    let tz = config.timezone;
    let care = &v.care;
    let mut out = Vec::new();
    let flags: Vec<String> = badges(v, config)
        .iter()
        .map(|b| clean(&badge_text(app.lang, b, tz)))
        .collect();
    if !flags.is_empty() {
        out.push((c.badges, flags.join(", ")));
    }
    if let Some(p) = &care.plan {
        let mut text = format!("{} mL {}", p.dose_ml, clean(&p.product));
        if let Some(origin) = p.origin {
            text = format!("{text} ({})", origin_word(c, origin));
        }
        if let Some(method) = p.method {
            text = format!("{text}, {}", method_word(c, method));
        }
        if !p.sites.is_empty() {
            text = format!("{text}: {}", clean(&p.sites.join(", ")));
        }
        text = format!("{text}, {} {}", c.field_nurse, clean(&p.nurse));
        if let Some(kg) = p.weight_kg {
            text = format!("{text}, {kg} kg");
        }
        out.push((c.plan, text));
    }
    if let Some(lot) = &care.lot {
        let mut text = match lot.expiry {
            Some(e) => format!("{} ({} {e})", clean(&lot.number), c.field_lot_expiry),
            None => clean(&lot.number),
        };
        if let Some(old) = was(v, Corrected::Lot) {
            text = format!("{text} ({})", t.records.was.replace("{v}", &old));
        }
        out.push((c.lot, text));
    }
    if let Some(stop) = &care.early_stop {
        out.push((c.stopped_early, early_stop_words(t, stop)));
    }
    if let Some(last) = care.latest_vitals() {
        let mut text = vitals_text(app.lang, config, last);
        if let Some((severity, findings)) = vitals_findings(&last.vitals, care.baseline(), config) {
            let why: Vec<String> = findings
                .iter()
                .map(|f| crate::i18n::words(app.lang).vitals_finding(f))
                .collect();
            text = format!(
                "{text}  {} {}",
                symbol(severity),
                why.join(crate::i18n::words(app.lang).list_separator())
            );
        }
        out.push((c.vitals, text));
    }
    if !care.reactions.is_empty() || care.paused_since.is_some() {
        let mut parts: Vec<String> = care
            .reactions
            .iter()
            .map(|r| {
                let status = match r.resolved_at {
                    Some(at) => c.reaction_resolved.replace("{t}", &clock(tz, at)),
                    None => c.reaction_open.to_string(),
                };
                format!(
                    "{} {} {status}",
                    clock(tz, r.at),
                    reaction_name(app.lang, r.kind)
                )
            })
            .collect();
        parts.extend(care.doses.iter().map(|dose| {
            format!(
                "{} {}",
                clock(tz, dose.at),
                c.adrenaline_im.replace("{d}", &format!("{:.2}", dose.mg))
            )
        }));
        if care.paused_since.is_some() {
            parts.push(c.paused.to_string());
        }
        out.push((c.reactions, parts.join(", ")));
    }
    if v.stage == Stage::Observation {
        let done = Check::REQUIRED
            .iter()
            .filter(|i| care.checklist.contains_key(i))
            .count();
        let mut text = format!("{done}/{}", Check::REQUIRED.len());
        if let Some(h) = hemostasis_text(app.lang, config, v, now) {
            text = format!("{text}  {h}");
        }
        out.push((c.checklist, text));
    }
    let needs: Vec<String> = next_needs(v, config, now)
        .iter()
        .map(|m| match m {
            Missing::Consent { items } => c.consent_count.replace("{n}", &items.len().to_string()),
            m => missing_text(app.lang, m, config),
        })
        .collect();
    if !needs.is_empty() {
        out.push((c.next_needs, needs.join("; ")));
    }
    out
}

fn origin_word(
    c: &crate::i18n::ClinicTexts,
    origin: crate::domain::clinical::Origin,
) -> &'static str {
    use crate::domain::clinical::Origin::*;
    let i = [Adipose, UmbilicalCord, DentalPulp, BoneMarrow, Placenta]
        .iter()
        .position(|o| *o == origin)
        .unwrap_or(0);
    c.origins[i]
}

fn method_word(
    c: &crate::i18n::ClinicTexts,
    method: crate::domain::clinical::Method,
) -> &'static str {
    match method {
        crate::domain::clinical::Method::Papule => c.method_papule,
        crate::domain::clinical::Method::Nappage => c.method_nappage,
    }
}

fn event_line(app: &App, t: &Texts, v: &Visit, e: &EventRecord, w: usize) -> Line<'static> {
    let tz = app.config.timezone;
    // A corrected time shows with the time first recorded beside it.
    let when = match corrected_at(v, e.seq) {
        Some(at) => format!(
            "{} ({})",
            clock(tz, at),
            t.records.was.replace("{v}", &clock(tz, e.at))
        ),
        None => clock(tz, e.at),
    };
    let mut text = format!("{when}  {}", event_words(t, &app.config, v, &e.kind));
    if (e.recorded_at - e.at).num_seconds().abs() > LATE_ENTRY_SECS {
        text = format!(
            "{text}  ({} {})",
            t.events.recorded,
            clock(tz, e.recorded_at)
        );
    }
    if let Some(op) = &e.operator {
        text = format!("{text}  {} {}", t.ui.by, clean(op));
    }
    if undone(v, e.seq) {
        let mark = format!(" [{}]", t.events.undone);
        let text_w = w.saturating_sub(width(&mark));
        let style = dim().add_modifier(Modifier::CROSSED_OUT);
        return Line::from(vec![
            Span::styled(clip(&text, text_w), style),
            Span::styled(
                cell(&mark, w.saturating_sub(width(&clip(&text, text_w)))),
                dim(),
            ),
        ]);
    }
    Line::styled(cell(&text, w), Style::new())
}
