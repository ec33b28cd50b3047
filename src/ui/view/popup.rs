//! Forms and the undo confirmation, drawn over the board: ASCII frames,
//! sections with their notes (what is still missing, what to do now), one
//! line per field with its error (or hint) below, and the terminal cursor
//! placed in the focused text field by display width. A form taller than
//! the screen scrolls to keep the focused field in view.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::care::{hemostasis_text, next_visit_text, vitals_text};
use super::fmt::clock;
use super::style::{BORDER, bold, centered, clear_popup, dim, error, selected, severity_style};
use crate::config::{Config, Level};
use crate::domain::rules::{
    adrenaline_cap, adrenaline_dose, missing_for_administration, missing_for_discharge,
};
use crate::domain::text::width;
use crate::domain::{Check, Missing, ReactionKind, Severity, Stage, Visit, VisitId};
use crate::i18n::{Texts, check_name, item_label, missing_text, reaction_steps, stage_name, texts};
use crate::ui::app::App;
use crate::ui::cell::{cell, clean, clip, wrap};
use crate::ui::form::{FieldId, FieldValue, Form, FormKind};
use crate::ui::words::event_words;

const MAX_WIDTH: u16 = 76;
/// The long clinical forms use more of a wide screen.
const MAX_WIDTH_LONG: u16 = 100;

fn label(t: &Texts, config: &Config, kind: FormKind, id: FieldId) -> String {
    let c = &t.clinic;
    let correcting = matches!(kind, FormKind::Correct { .. });
    match id {
        FieldId::What => t.records.field_what.into(),
        FieldId::At if correcting => t.records.field_right_time.into(),
        FieldId::Name => t.field_name.into(),
        FieldId::ChartNo => t.field_chart_no.into(),
        FieldId::Treatment => t.field_treatment.into(),
        FieldId::Bed => t.field_bed.into(),
        FieldId::Reason => t.field_reason.into(),
        FieldId::At => t.field_at.into(),
        FieldId::Screening(i) => config
            .screening
            .get(i)
            .map(|q| item_label(t.lang, config, &q.id))
            .unwrap_or_default(),
        FieldId::Decision => c.field_decision.into(),
        FieldId::Doctor | FieldId::CautionDoctor => c.field_doctor.into(),
        FieldId::Consent(i) => config
            .consent
            .get(i)
            .map(|item| item_label(t.lang, config, &item.id))
            .unwrap_or_default(),
        FieldId::Method => c.field_method.into(),
        FieldId::Sites => c.field_sites.into(),
        FieldId::DoseMl => c.field_dose_ml.into(),
        FieldId::Product => c.field_product.into(),
        FieldId::Origin => c.field_origin.into(),
        FieldId::Nurse => c.field_nurse.into(),
        FieldId::Weight => c.field_weight.into(),
        FieldId::Age => c.field_age.into(),
        FieldId::Pin => c.field_pin.into(),
        FieldId::StopDrip => c.field_stop_drip.into(),
        FieldId::Systolic => c.field_systolic.into(),
        FieldId::Diastolic => c.field_diastolic.into(),
        FieldId::Pulse => c.field_pulse.into(),
        FieldId::Spo2 => c.field_spo2.into(),
        FieldId::Temperature => c.field_temperature.into(),
        FieldId::RespRate => c.field_resp_rate.into(),
        FieldId::Consciousness => c.field_consciousness.into(),
        FieldId::Lot => c.field_lot.into(),
        FieldId::LotExpiry => c.field_lot_expiry.into(),
        FieldId::Volume => c.field_volume.into(),
        FieldId::Kind => c.field_kind.into(),
        FieldId::Signs => c.field_signs.into(),
        FieldId::ActionTaken => c.field_action.into(),
        FieldId::FollowUp => c.field_followup.into(),
        FieldId::DoseMg => c.field_dose_mg.into(),
        FieldId::Check(item) => check_name(t.lang, item).into(),
    }
}

fn hint(t: &Texts, kind: FormKind, id: FieldId) -> Option<&'static str> {
    let c = &t.clinic;
    let correcting = matches!(kind, FormKind::Correct { .. });
    match id {
        FieldId::At if correcting => Some(t.records.right_time_hint),
        FieldId::Reason if correcting => Some(t.records.reason_hint),
        FieldId::At => Some(t.at_hint),
        FieldId::Sites => Some(c.sites_hint),
        FieldId::Weight => Some(c.weight_hint),
        FieldId::LotExpiry => Some(c.expiry_hint),
        FieldId::Volume => Some(c.volume_hint),
        _ => None,
    }
}

fn level_word(t: &Texts, level: Level) -> &'static str {
    match level {
        Level::Block => t.clinic.level_block,
        Level::Caution => t.clinic.level_caution,
        Level::Info => t.clinic.level_info,
    }
}

/// "#3 Yamada Hanako  Ready -> Administration": whom the form is about.
fn subject(app: &App, form: &Form) -> Option<String> {
    let v = app.board.visit(form.kind.visit()?)?;
    let who = format!("#{} {}", v.ticket_text(), clean(&v.name));
    Some(match form.kind {
        FormKind::Advance { to, .. } => format!(
            "{who}  {} -> {}",
            stage_name(app.lang, v.stage),
            stage_name(app.lang, to)
        ),
        _ => format!("{who}  ({})", stage_name(app.lang, v.stage)),
    })
}

fn title(app: &App, t: &Texts, form: &Form) -> String {
    let c = &t.clinic;
    match form.kind {
        FormKind::Arrival => t.form_arrival.to_string(),
        FormKind::Advance {
            to: Stage::Administration,
            ..
        } => c.form_start.to_string(),
        FormKind::Advance { visit, .. }
            if app
                .board
                .visit(visit)
                .is_some_and(|v| v.stage == Stage::Expected) =>
        {
            t.records.form_check_in.to_string()
        }
        FormKind::Advance { to, .. } => format!("{}: {}", t.form_advance, stage_name(app.lang, to)),
        FormKind::Cancel { .. } => t.form_cancel.to_string(),
        FormKind::Counselling { .. } => c.form_counselling.to_string(),
        FormKind::Vitals { .. } => c.form_vitals.to_string(),
        FormKind::Pause { .. } => c.form_pause.to_string(),
        FormKind::StopEarly { .. } => c.form_stop.to_string(),
        FormKind::Reaction { .. } => c.form_reaction.to_string(),
        FormKind::Undo { .. } => c.form_undo.to_string(),
        FormKind::SkipCheck { minute, .. } => format!("{} ({minute})", c.form_skip_check),
        FormKind::FollowUp { .. } => c.form_followup.to_string(),
        FormKind::Discharge { .. } => c.form_discharge.to_string(),
        FormKind::Correct { .. } => t.records.form_correct.to_string(),
    }
}

fn frame_block(title: &str, inner_w: usize) -> Block<'static> {
    Block::bordered().border_set(BORDER).title(Span::styled(
        format!(" {} ", clip(title, inner_w.saturating_sub(2))),
        bold(),
    ))
}

/// One piece of a form's body.
enum Item {
    Heading(String),
    /// A line of text (wrapped to the width), in a style.
    Note(String, Style),
    Field(usize),
}

fn note(text: impl Into<String>) -> Item {
    Item::Note(text.into(), dim())
}

fn missing_items(t: &Texts, config: &Config, heading: &str, missing: &[Missing]) -> Vec<Item> {
    let mut out = vec![Item::Heading(heading.to_string())];
    if missing.is_empty() {
        out.push(note(format!("  {}", t.clinic.nothing_missing)));
    }
    for m in missing {
        // The consent items are ticked right above: a count is enough.
        let text = match m {
            Missing::Consent { items } => t
                .clinic
                .consent_count
                .replace("{n}", &items.len().to_string()),
            m => missing_text(t.lang, m, config),
        };
        out.push(Item::Note(
            format!("  - {text}"),
            severity_style(Severity::Warning),
        ));
    }
    out
}

/// The fields shown, in order, under `ids` matching `pick`.
fn fields(form: &Form, pick: impl Fn(FieldId) -> bool) -> Vec<Item> {
    (0..form.fields.len())
        .filter(|i| form.shown(*i) && pick(form.fields[*i].id))
        .map(Item::Field)
        .collect()
}

/// The body of a form: its sections, notes and fields in order.
fn items(app: &App, form: &Form, now: DateTime<Utc>) -> Vec<Item> {
    let t = texts(app.lang);
    let c = &t.clinic;
    let config = &app.config;
    let visit: Option<&Visit> = form.kind.visit().and_then(|id| app.board.visit(id));
    match form.kind {
        FormKind::Counselling { .. } => {
            let mut out = vec![Item::Heading(c.sec_screening.to_string())];
            if let Some(at) = form.answers_from {
                let day = at.with_timezone(&config.timezone).format("%Y-%m-%d");
                out.push(Item::Note(
                    c.from_last_visit.replace("{d}", &day.to_string()),
                    severity_style(Severity::Warning),
                ));
            } else if form.first_visit {
                out.push(note(c.first_visit_note));
            }
            out.extend(fields(form, |id| matches!(id, FieldId::Screening(_))));
            if form.has_shown(FieldId::Decision) {
                out.push(Item::Heading(c.sec_block.to_string()));
                // A fever or critical vitals stop the start too: named here,
                // covered by the same decision.
                if !form.vitals_gates.is_empty() {
                    let gates: Vec<String> = form
                        .vitals_gates
                        .iter()
                        .map(|g| crate::i18n::gate_label(app.lang, config, g))
                        .collect();
                    out.push(Item::Note(
                        format!("  {}", gates.join(", ")),
                        severity_style(Severity::Critical),
                    ));
                }
                out.extend(fields(form, |id| {
                    matches!(id, FieldId::Decision | FieldId::Doctor | FieldId::Reason)
                }));
            }
            if form.has_shown(FieldId::CautionDoctor) {
                out.push(Item::Heading(c.sec_caution.to_string()));
                let yes: Vec<String> = config
                    .screening
                    .iter()
                    .enumerate()
                    .filter(|(i, q)| q.level == Level::Caution && form.yes(*i))
                    .map(|(_, q)| item_label(app.lang, config, &q.id))
                    .collect();
                out.push(note(format!("  {}", yes.join(", "))));
                out.extend(fields(form, |id| id == FieldId::CautionDoctor));
            }
            // The doctor's PIN, once, for the decision and the
            // acknowledgement (where the clinic asks for it).
            out.extend(fields(form, |id| id == FieldId::Pin));
            if !form.deferring() {
                out.push(Item::Heading(c.sec_consent.to_string()));
                out.extend(fields(form, |id| matches!(id, FieldId::Consent(_))));
                out.push(Item::Heading(c.sec_plan.to_string()));
                out.extend(fields(form, |id| {
                    matches!(
                        id,
                        FieldId::Treatment
                            | FieldId::Method
                            | FieldId::Sites
                            | FieldId::DoseMl
                            | FieldId::Product
                            | FieldId::Origin
                            | FieldId::Nurse
                            | FieldId::Weight
                            | FieldId::Age
                    )
                }));
                if let Some(v) = visit {
                    let missing = if form.missing.is_empty() {
                        form.counselling_preview(v, config, app.lang)
                    } else {
                        form.missing.clone()
                    };
                    out.extend(missing_items(t, config, c.sec_missing_ready, &missing));
                }
            }
            out
        }
        FormKind::Advance {
            to: Stage::Administration,
            ..
        } => {
            let mut out = fields(form, |_| true);
            if let Some(v) = visit {
                let missing = if form.missing.is_empty() {
                    missing_for_administration(v, config)
                } else {
                    form.missing.clone()
                };
                if !missing.is_empty() {
                    out.extend(missing_items(t, config, c.sec_missing_start, &missing));
                }
            }
            out
        }
        FormKind::Vitals { .. } => {
            let mut out = Vec::new();
            if let Some(last) = visit.and_then(|v| v.care.latest_vitals()) {
                out.push(note(format!(
                    "{}: {}",
                    c.vitals,
                    vitals_text(app.lang, config, last)
                )));
            }
            out.extend(fields(form, |_| true));
            out
        }
        FormKind::Reaction { .. } => {
            let mut out = fields(form, |id| id == FieldId::Kind);
            let kind = form
                .chosen(FieldId::Kind)
                .and_then(|k| serde_json::from_value::<ReactionKind>(k.into()).ok());
            if let (Some(kind), Some(v)) = (kind, visit) {
                out.push(Item::Heading(c.sec_steps.to_string()));
                let weight = v.care.plan.as_ref().and_then(|p| p.weight_kg);
                let style = if kind >= ReactionKind::Allergic {
                    severity_style(Severity::Critical)
                } else {
                    bold()
                };
                let steps = reaction_steps(
                    app.lang,
                    kind,
                    adrenaline_dose(v, config),
                    adrenaline_cap(v, config),
                    weight,
                );
                for (i, step) in steps.into_iter().enumerate() {
                    out.push(Item::Note(format!("  {}. {step}", i + 1), style));
                }
            }
            out.extend(fields(form, |id| id != FieldId::Kind));
            out
        }
        FormKind::FollowUp { .. } => {
            let mut out = Vec::new();
            if let Some(v) = visit {
                let care = &v.care;
                if let Some(r) = care.open_reaction() {
                    out.push(Item::Note(
                        format!(
                            "{} {} {}",
                            clock(config.timezone, r.at),
                            crate::i18n::reaction_name(app.lang, r.kind),
                            c.reaction_open
                        ),
                        severity_style(Severity::Critical),
                    ));
                }
                for dose in &care.doses {
                    out.push(note(format!(
                        "{} {}",
                        clock(config.timezone, dose.at),
                        c.adrenaline_im.replace("{d}", &format!("{:.2}", dose.mg))
                    )));
                }
            }
            out.extend(fields(form, |_| true));
            out
        }
        FormKind::Discharge { .. } => {
            let mut out = Vec::new();
            if let Some(v) = visit {
                let missing = if form.missing.is_empty() {
                    missing_for_discharge(v, config, now)
                } else {
                    form.missing.clone()
                };
                out.extend(missing_items(t, config, c.sec_missing_discharge, &missing));
                if missing.contains(&Missing::EndVitals)
                    || missing.contains(&Missing::EndVitalsInRange)
                {
                    out.push(note(format!("  {}", c.vitals_hint)));
                }
                if missing.contains(&Missing::DoctorClearance) {
                    out.push(note(format!("  {}", c.clearance_hint)));
                }
            }
            out.push(Item::Heading(c.sec_checklist.to_string()));
            for i in 0..form.fields.len() {
                let FieldId::Check(item) = form.fields[i].id else {
                    continue;
                };
                out.push(Item::Field(i));
                let Some(v) = visit else { continue };
                let extra: Vec<String> = match item {
                    Check::HemostasisPressure | Check::HemostasisConfirmed => {
                        hemostasis_text(app.lang, config, v, now)
                            .filter(|_| item == Check::HemostasisConfirmed)
                            .into_iter()
                            .collect()
                    }
                    Check::AftercareExplained if !v.care.checklist.contains_key(&item) => config
                        .discharge
                        .aftercare
                        .iter()
                        .map(|a| format!("- {}", item_label(app.lang, config, &a.id)))
                        .collect(),
                    Check::NextVisitSuggested => {
                        next_visit_text(app.lang, config, v).into_iter().collect()
                    }
                    Check::WhomToCallExplained => vec![
                        c.whom_to_call
                            .replace("{p}", &clean(&config.discharge.clinic_phone)),
                    ],
                    _ => Vec::new(),
                };
                out.extend(extra.into_iter().map(|e| note(format!("      {e}"))));
            }
            out.extend(fields(form, |id| id == FieldId::At));
            out.push(note(c.discharge_hint));
            out
        }
        _ => fields(form, |_| true),
    }
}

/// Whether a checklist item is done on the board (the form's own tick
/// is only what was pressed).
fn done(app: &App, form: &Form, item: Check) -> bool {
    form.kind
        .visit()
        .and_then(|id| app.board.visit(id))
        .is_some_and(|v| v.care.checklist.contains_key(&item))
}

pub fn render_form(frame: &mut Frame, area: Rect, app: &App, form: &Form, now: DateTime<Utc>) {
    let t = texts(app.lang);
    let config = &app.config;
    let long = matches!(
        form.kind,
        FormKind::Counselling { .. } | FormKind::Discharge { .. }
    );
    let max_w = if long { MAX_WIDTH_LONG } else { MAX_WIDTH };
    let popup_w = max_w.min(area.width.saturating_sub(4));
    let inner_w = usize::from(popup_w.saturating_sub(4));
    // Small forms keep a line under every field; long ones only under a
    // field with something to say.
    let spacious = form.fields.len() <= 4 || matches!(form.kind, FormKind::Correct { .. });

    let items = items(app, form, now);
    let screening_w = inner_w.saturating_sub(2 + 12);
    let label_w = items
        .iter()
        .filter_map(|it| match it {
            Item::Field(i) => Some(form.fields[*i].id),
            _ => None,
        })
        .filter(|id| {
            !matches!(
                id,
                FieldId::Screening(_) | FieldId::Consent(_) | FieldId::Check(_)
            )
        })
        .map(|id| width(&label(t, config, form.kind, id)))
        .max()
        .unwrap_or(0)
        .min(inner_w / 2)
        + 2;
    let tag_w = [Level::Block, Level::Caution, Level::Info]
        .iter()
        .map(|l| width(level_word(t, *l)))
        .max()
        .unwrap_or(0)
        + 1;

    let mut body: Vec<Line<'static>> = Vec::new();
    let mut focus_line = 0;
    let mut cursor = None;
    for item in &items {
        match item {
            Item::Heading(text) => {
                body.push(Line::styled(cell(&format!("-- {text} "), inner_w), bold()))
            }
            Item::Note(text, style) => {
                let indent = text.len() - text.trim_start().len();
                let pad = " ".repeat(indent);
                for (k, l) in wrap(text.trim_start(), inner_w.saturating_sub(indent + 2))
                    .into_iter()
                    .enumerate()
                {
                    let lead = if k == 0 {
                        pad.clone()
                    } else {
                        format!("{pad}  ")
                    };
                    body.push(Line::styled(cell(&format!("{lead}{l}"), inner_w), *style));
                }
            }
            Item::Field(i) => {
                let field = &form.fields[*i];
                let focused = *i == form.focus;
                if focused {
                    focus_line = body.len();
                }
                let mark = if focused { "> " } else { "  " };
                let label_style = if focused { bold() } else { Style::new() };
                let mut spans = vec![Span::styled(mark, bold())];
                let name = label(t, config, form.kind, field.id);
                let this_label_w = match field.id {
                    FieldId::Screening(_) => screening_w,
                    _ => label_w,
                };
                let value_w = inner_w.saturating_sub(2 + this_label_w + 2);
                match (&field.value, field.id) {
                    (FieldValue::Tick(on), id) => {
                        let on = match id {
                            FieldId::Check(item) => done(app, form, item),
                            _ => *on,
                        };
                        let bx = if on { "[x] " } else { "[ ] " };
                        let style = if focused { selected() } else { Style::new() };
                        spans.push(Span::styled(bx, style));
                        spans.push(Span::styled(
                            cell(&name, inner_w.saturating_sub(6)),
                            label_style,
                        ));
                    }
                    (FieldValue::Choice { options, index }, FieldId::Screening(q)) => {
                        let level = form.levels.get(q).copied().unwrap_or(Level::Info);
                        let tag = cell(level_word(t, level), tag_w);
                        let tag_style = match level {
                            Level::Block => severity_style(Severity::Critical),
                            Level::Caution => severity_style(Severity::Warning),
                            Level::Info => dim(),
                        };
                        spans.push(Span::styled(tag, tag_style));
                        spans.push(Span::styled(
                            cell(&name, this_label_w.saturating_sub(tag_w)),
                            label_style,
                        ));
                        let chosen = options.get(*index).map_or("", |c| c.label.as_str());
                        let style = if focused { selected() } else { Style::new() };
                        spans.push(Span::styled(clip(&format!("< {chosen} >"), 12), style));
                    }
                    (FieldValue::Text(input), _) => {
                        spans.push(Span::styled(cell(&name, label_w), label_style));
                        let (shown, col) = input.window(value_w);
                        // A PIN is never shown.
                        let shown = if field.id == FieldId::Pin {
                            "*".repeat(shown.chars().count())
                        } else {
                            shown
                        };
                        if focused {
                            cursor = Some((body.len(), 2 + label_w + 1 + col));
                        }
                        spans.push(Span::raw("["));
                        spans.push(Span::styled(
                            cell(&shown, value_w),
                            Style::new().add_modifier(Modifier::UNDERLINED),
                        ));
                        spans.push(Span::raw("]"));
                    }
                    (FieldValue::Choice { options, index }, _) => {
                        spans.push(Span::styled(cell(&name, label_w), label_style));
                        let chosen = options.get(*index).map_or("", |c| c.label.as_str());
                        let text = format!("< {} >", clean(chosen));
                        let style = if focused { selected() } else { Style::new() };
                        spans.push(Span::styled(clip(&text, value_w + 2), style));
                    }
                }
                body.push(Line::from(spans));
                let indent_w = match field.id {
                    FieldId::Consent(_) | FieldId::Check(_) => 6,
                    _ => 2 + label_w,
                };
                let indent = " ".repeat(indent_w);
                let note_w = inner_w.saturating_sub(indent_w);
                let hint = hint(t, form.kind, field.id).filter(|_| spacious || focused);
                match (&field.error, hint) {
                    (Some(e), _) => body.push(Line::from(vec![
                        Span::raw(indent),
                        Span::styled(cell(&format!("! {}", clean(e)), note_w), error()),
                    ])),
                    (None, Some(h)) => body.push(Line::from(vec![
                        Span::raw(indent),
                        Span::styled(cell(h, note_w), dim()),
                    ])),
                    (None, None) if spacious => body.push(Line::raw("")),
                    (None, None) => {}
                }
            }
        }
    }

    let subject = subject(app, form);
    let head = if subject.is_some() { 2 } else { 0 };
    let wanted = 2 + head + body.len() + 1;
    let height = u16::try_from(wanted).unwrap_or(u16::MAX).min(area.height);
    let popup = centered(area, popup_w, height);
    clear_popup(frame, popup);
    let room = usize::from(popup.height.saturating_sub(2)).saturating_sub(head + 1);
    // Scroll so the focused field and the line under it are in view; on
    // the last field, everything after it too (what is still missing).
    let last = (0..form.fields.len()).rev().find(|i| form.shown(*i));
    let end = if last == Some(form.focus) {
        body.len()
    } else {
        focus_line + 2
    };
    let offset = end
        .saturating_sub(room)
        .min(focus_line)
        .min(body.len().saturating_sub(room));
    let mut block = frame_block(&title(app, t, form), inner_w);
    if offset > 0 {
        block = block.title_top(Line::styled(" ^ ", bold()).right_aligned());
    }
    if offset + room < body.len() {
        block = block.title_bottom(Line::styled(" v ", bold()).right_aligned());
    }
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };

    let mut lines = Vec::new();
    if let Some(subject) = subject {
        lines.push(Line::styled(cell(&subject, inner_w), bold()));
        lines.push(Line::raw(""));
    }
    lines.extend(body.into_iter().skip(offset).take(room));
    while lines.len() < head + room {
        lines.push(Line::raw(""));
    }
    lines.push(match (&form.error, form.is_pending()) {
        (Some(e), _) => Line::styled(cell(&format!("! {}", clean(e)), inner_w), error()),
        (None, true) => Line::styled(cell(t.ui.sending, inner_w), bold()),
        (None, false) => Line::raw(""),
    });
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((row, col)) = cursor
        && row >= offset
        && row < offset + room
    {
        let x = inner.x + u16::try_from(col).unwrap_or(0);
        let y = inner.y + u16::try_from(head + row - offset).unwrap_or(0);
        if x < inner.right() && y < inner.bottom() {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}

pub fn render_confirm_undo(frame: &mut Frame, area: Rect, app: &App, visit: VisitId) {
    let t = texts(app.lang);
    let popup = centered(area, MAX_WIDTH.min(area.width.saturating_sub(4)), 6);
    let inner_w = usize::from(popup.width.saturating_sub(4));
    clear_popup(frame, popup);
    let block = frame_block(t.key_undo, inner_w);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    let mut lines = vec![Line::styled(cell(t.confirm_undo, inner_w), bold())];
    if let Some(v) = app.board.visit(visit) {
        lines.push(Line::raw(cell(
            &format!("#{} {}", v.ticket_text(), clean(&v.name)),
            inner_w,
        )));
        if let Some(last) = v.effective_events().last() {
            let what = event_words(t, &app.config, v, &last.kind);
            lines.push(Line::raw(cell(
                &format!(
                    "{}: {} {what}",
                    t.ui.undo_what,
                    clock(app.config.timezone, last.at)
                ),
                inner_w,
            )));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
