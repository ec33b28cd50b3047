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

use super::fmt::clock;
use super::style::{BORDER, bold, centered, clear_popup, dim, error, selected, severity_style};
use crate::config::{Config, Level};
use crate::domain::text::width;
use crate::domain::{Check, Severity, Stage, VisitId};
use crate::i18n::{Texts, check_name, item_label, stage_name, texts};
use crate::ui::app::App;
use crate::ui::cell::{cell, clean, clip, wrap};
use crate::ui::forms::{Ctx, FieldId, FieldValue, Form, FormKind, Item, Tone};
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
        FieldId::Nurse | FieldId::NurseChoice => c.field_nurse.into(),
        FieldId::OtherNurse => t.busy.field_other_nurse.into(),
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
        FieldId::Lot => c.lot_choice.into(),
        FieldId::LotNumber => c.field_lot.into(),
        FieldId::LotExpiry => c.field_lot_expiry.into(),
        FieldId::DripCheck(minute) => c.field_drip_check.replace("{m}", &minute.to_string()),
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
        FieldId::LotNumber if !correcting => Some(c.lot_number_hint),
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
        // What the form asks, whatever another terminal did meanwhile.
        FormKind::Advance { from, to, .. } => format!(
            "{who}  {} -> {}",
            stage_name(app.lang, from),
            stage_name(app.lang, to)
        ),
        _ => format!("{who}  ({})", stage_name(app.lang, v.stage)),
    })
}

fn title(app: &App, t: &Texts, form: &Form) -> String {
    let c = &t.clinic;
    match form.kind {
        FormKind::Arrival => t.form_arrival.to_string(),
        FormKind::Start { .. } => c.form_start.to_string(),
        FormKind::Advance {
            from: Stage::Expected,
            ..
        } => t.records.form_check_in.to_string(),
        FormKind::Advance {
            to: Stage::Observation,
            ..
        } => c.form_needle_out.to_string(),
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
        FormKind::Reassign { .. } => t.busy.form_reassign.to_string(),
    }
}

fn frame_block(title: &str, inner_w: usize) -> Block<'static> {
    Block::bordered().border_set(BORDER).title(Span::styled(
        format!(" {} ", clip(title, inner_w.saturating_sub(2))),
        bold(),
    ))
}

fn tone(tone: Tone) -> Style {
    match tone {
        Tone::Dim => dim(),
        Tone::Bold => bold(),
        Tone::Warning => severity_style(Severity::Warning),
        Tone::Critical => severity_style(Severity::Critical),
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

    let ctx = Ctx {
        board: &app.board,
        config,
        lang: app.lang,
        now,
    };
    let items = form.body(&ctx);
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
    let mut pinned: Vec<Line<'static>> = Vec::new();
    let mut focus_line = 0;
    let mut cursor = None;
    for item in &items {
        match item {
            Item::Heading(text) => {
                body.push(Line::styled(cell(&format!("-- {text} "), inner_w), bold()))
            }
            Item::Pinned(text, how) => {
                for l in wrap(text, inner_w) {
                    pinned.push(Line::styled(cell(&l, inner_w), tone(*how)));
                }
            }
            Item::Note(text, how) => {
                let style = tone(*how);
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
                    body.push(Line::styled(cell(&format!("{lead}{l}"), inner_w), style));
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
                        // A checklist item shows the board's state, and
                        // "[~]" while its tick is being saved.
                        let saving = form.pending.iter().any(|(_, f)| *f == Some(id));
                        let on = match (id, form.kind) {
                            (FieldId::Check(item), FormKind::Discharge { .. }) => {
                                done(app, form, item)
                            }
                            _ => *on,
                        };
                        let bx = match (saving, on) {
                            (true, _) => "[~] ",
                            (false, true) => "[x] ",
                            (false, false) => "[ ] ",
                        };
                        let style = if focused { selected() } else { Style::new() };
                        spans.push(Span::styled(bx, style));
                        spans.push(Span::styled(
                            cell(&name, inner_w.saturating_sub(6)),
                            label_style,
                        ));
                    }
                    (FieldValue::Choice { options, index }, FieldId::Screening(q)) => {
                        let level = form.level(q);
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
    let head = usize::from(subject.is_some()) * 2 + pinned.len();
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
    lines.extend(pinned);
    lines.extend(body.into_iter().skip(offset).take(room));
    while lines.len() < head + room {
        lines.push(Line::raw(""));
    }
    lines.push(match (&form.error, form.is_pending()) {
        (Some(e), _) => Line::styled(cell(&format!("! {}", clean(e)), inner_w), error()),
        (None, true) if !form.queued.is_empty() => Line::styled(
            cell(
                &t.ui
                    .saving_queued
                    .replace("{n}", &form.queued.len().to_string()),
                inner_w,
            ),
            bold(),
        ),
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
