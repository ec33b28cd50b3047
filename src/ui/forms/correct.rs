//! The correction form: which recorded value was wrong (the name, the
//! chart number, the lot, or the time of one of the visit's stage
//! changes), the right value, and the reason. It becomes one
//! `Command::Correct`; the old value stays in the record and shows beside
//! the new one.

use chrono::{DateTime, Utc};

use super::read::{Errors, reason};
use super::{
    Choice, Ctx, FieldId, Form, FormKind, Part, Value, choice_field, text_field, text_with,
};
use crate::config::{Config, DoctorPin};
use crate::domain::{Command, Correction, Visit, VisitId, parse_at, text::sanitize};
use crate::i18n::{Lang, texts};
use crate::ui::view::clock;
use crate::ui::words::{event_words, stage_changes};

/// Which recorded value a correction is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Name,
    ChartNo,
    Lot,
    /// The time of the event with this sequence number.
    Time(u64),
}

impl Form {
    /// Correcting a value recorded for `v`: the name (typed over the
    /// current one), the chart number, the lot when one is recorded, or
    /// the time of one of its stage changes.
    pub fn correct(config: &Config, lang: Lang, v: &Visit) -> Form {
        let t = texts(lang);
        let r = &t.records;
        let mut options = vec![
            Choice {
                value: Value::What(What::Name),
                label: t.field_name.into(),
            },
            Choice {
                value: Value::What(What::ChartNo),
                label: t.field_chart_no.into(),
            },
        ];
        if v.care.lot.is_some() {
            options.push(Choice {
                value: Value::What(What::Lot),
                label: t.clinic.field_lot.into(),
            });
        }
        for (e, at) in stage_changes(v) {
            // The moment by its name alone (not its bed and lot).
            let name = match &e.kind {
                crate::domain::EventKind::AdministrationStarted { .. } => {
                    t.events.administration_started.to_string()
                }
                kind => event_words(t, config, v, kind),
            };
            options.push(Choice {
                value: Value::What(What::Time(e.seq)),
                label: r
                    .what_time
                    .replace("{e}", &name)
                    .replace("{t}", &clock(config.timezone, at)),
            });
        }
        let mut fields = vec![
            choice_field(FieldId::What, options, 0),
            text_with(FieldId::Name, &v.name),
            text_with(FieldId::ChartNo, v.chart_no.as_deref().unwrap_or_default()),
        ];
        if let Some(lot) = &v.care.lot {
            fields.push(text_with(FieldId::LotNumber, &lot.number));
        }
        fields.push(text_field(FieldId::At));
        fields.push(text_field(FieldId::Reason));
        // A corrected time that shortens a running timer needs a doctor.
        fields.push(text_field(FieldId::Doctor));
        fields.push(text_field(FieldId::Pin));
        let mut form = Form::new(FormKind::Correct { visit: v.id }, fields);
        form.pin_required = config.doctor_pin == DoctorPin::Required;
        form
    }
}

fn what(form: &Form) -> Option<What> {
    match form.chosen(FieldId::What) {
        Value::What(w) => Some(*w),
        _ => None,
    }
}

/// Whether the value field `id` is the one for what is chosen.
pub(super) fn shown(form: &Form, id: FieldId) -> bool {
    let w = what(form);
    let time = matches!(w, Some(What::Time(_)));
    match id {
        FieldId::Name => w == Some(What::Name),
        FieldId::ChartNo => w == Some(What::ChartNo),
        FieldId::LotNumber => w == Some(What::Lot),
        FieldId::At | FieldId::Doctor => time,
        FieldId::Pin => form.pin_required && time,
        _ => true,
    }
}

pub(super) fn submit(form: &Form, ctx: &Ctx, visit: VisitId, errors: &mut Errors) -> Vec<Part> {
    let reason = reason(form, ctx.lang, errors);
    let Some(v) = ctx.board.visit(visit) else {
        errors.add(FieldId::What, texts(ctx.lang).ui.not_active);
        return Vec::new();
    };
    match correction(form, v, ctx.config, ctx.lang) {
        Ok(correction) => vec![Part::new(
            Command::Correct {
                visit,
                correction,
                reason,
                doctor: Some(sanitize(form.text(FieldId::Doctor))).filter(|d| !d.is_empty()),
            },
            None,
            None,
        )],
        Err((id, message)) => {
            errors.add(id, message);
            Vec::new()
        }
    }
}

/// The correction the form describes, or the error to show next to its
/// field. `v` is the visit as the board has it now.
fn correction(
    form: &Form,
    v: &Visit,
    config: &Config,
    lang: Lang,
) -> Result<Correction, (FieldId, &'static str)> {
    let t = texts(lang);
    let unchanged = t.records.err_unchanged;
    let typed = |id| sanitize(form.text(id));
    match what(form) {
        Some(What::Name) => {
            let name = typed(FieldId::Name);
            match name.as_str() {
                "" => Err((FieldId::Name, t.ui.err_name_empty)),
                n if n == v.name => Err((FieldId::Name, unchanged)),
                _ => Ok(Correction::Name { name }),
            }
        }
        Some(What::ChartNo) => {
            let chart = typed(FieldId::ChartNo);
            if chart == v.chart_no.clone().unwrap_or_default() {
                return Err((FieldId::ChartNo, unchanged));
            }
            Ok(Correction::ChartNo {
                chart_no: Some(chart).filter(|c| !c.is_empty()),
            })
        }
        Some(What::Lot) => {
            let number = typed(FieldId::LotNumber);
            let now = v.care.lot.as_ref().map(|l| l.number.as_str());
            match number.as_str() {
                "" => Err((FieldId::LotNumber, t.clinic.err_lot_blank)),
                n if Some(n) == now => Err((FieldId::LotNumber, unchanged)),
                _ => Ok(Correction::Lot { number }),
            }
        }
        Some(What::Time(seq)) => {
            let Some(at) = crate::ui::words::stage_changes(v)
                .into_iter()
                .find(|(e, _)| e.seq == seq)
                .map(|(_, at)| at)
            else {
                return Err((FieldId::What, t.clinic.err_choose));
            };
            match right_time(form.text(FieldId::At), config, at) {
                Some(new) if new == at => Err((FieldId::At, unchanged)),
                Some(new) => Ok(Correction::Time {
                    event: seq,
                    at: new,
                }),
                None => Err((FieldId::At, t.ui.err_bad_time)),
            }
        }
        None => Err((FieldId::What, t.clinic.err_choose)),
    }
}

/// The right time typed as HH:MM, on the clinic day of the time it
/// corrects (a patient still in the clinic after midnight keeps
/// yesterday's times); or a full RFC 3339 instant.
fn right_time(text: &str, config: &Config, was: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if text.trim().is_empty() {
        return None;
    }
    // `parse_at` takes the day from its last argument.
    parse_at(text, config.timezone, was).ok()
}
