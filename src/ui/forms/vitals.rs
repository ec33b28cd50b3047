//! A set of vital signs: the form of its own (`v`), and the same fields
//! inside the start form and the discharge checklist when the protocol
//! asks for vitals there. Every value that cannot be right is named at
//! once, by the domain's own check.

use chrono::{DateTime, Utc};

use super::read::{Errors, number, whole};
use super::{Ctx, Field, FieldId, Form, FormKind, Item, Part, Tone, Value, choice, choice_field};
use super::{fields, text_field};
use crate::domain::clinical::{Consciousness, Vitals, vitals_problems};
use crate::domain::{Command, Entry, Visit, VisitId};
use crate::i18n::{Lang, texts};
use crate::ui::view::care::vitals_text;

/// The six values, in the order a nurse reads them out.
pub const VALUES: [FieldId; 6] = [
    FieldId::Systolic,
    FieldId::Diastolic,
    FieldId::Pulse,
    FieldId::Spo2,
    FieldId::Temperature,
    FieldId::RespRate,
];

/// Whether a field holds one of the six values.
pub fn is_vitals_field(id: FieldId) -> bool {
    VALUES.contains(&id)
}

/// The fields of a set of vitals: the six values and the consciousness.
pub(super) fn vitals_fields(lang: Lang) -> Vec<Field> {
    let c = &texts(lang).clinic;
    let levels = [
        Consciousness::Alert,
        Consciousness::Confusion,
        Consciousness::Voice,
        Consciousness::Pain,
        Consciousness::Unresponsive,
    ];
    let options = levels
        .iter()
        .zip(c.consciousness)
        .map(|(v, l)| choice(Value::Consciousness(*v), l))
        .collect();
    let mut out: Vec<Field> = VALUES.iter().map(|id| text_field(*id)).collect();
    out.push(choice_field(FieldId::Consciousness, options, 0));
    out
}

/// Whether anything of a set of vitals is typed.
pub(super) fn typed(form: &Form) -> bool {
    VALUES.iter().any(|id| !form.text(*id).trim().is_empty())
}

/// The vitals typed, every problem named next to its field.
pub(super) fn read(form: &Form, lang: Lang, errors: &mut Errors) -> Option<Vitals> {
    let c = &texts(lang).clinic;
    let before = errors.count();
    let systolic = whole::<u16>(form, FieldId::Systolic, lang, errors);
    let diastolic = whole::<u16>(form, FieldId::Diastolic, lang, errors);
    let pulse = whole::<u16>(form, FieldId::Pulse, lang, errors);
    let spo2 = whole::<u8>(form, FieldId::Spo2, lang, errors);
    let temperature = number(form, FieldId::Temperature, lang, errors);
    if form.text(FieldId::Temperature).trim().is_empty() {
        errors.add(FieldId::Temperature, c.err_required);
    }
    let respiratory_rate = whole::<u8>(form, FieldId::RespRate, lang, errors);
    let consciousness = match form.chosen(FieldId::Consciousness) {
        Value::Consciousness(c) => *c,
        _ => Consciousness::Alert,
    };
    let (Some(s), Some(d), Some(p), Some(o), Some(t), Some(r)) = (
        systolic,
        diastolic,
        pulse,
        spo2,
        temperature,
        respiratory_rate,
    ) else {
        return None;
    };
    let vitals = Vitals {
        systolic: s,
        diastolic: d,
        pulse: p,
        spo2: o,
        temperature: t,
        respiratory_rate: r,
        consciousness,
    };
    // The same check the server makes, but every problem at once.
    for (field, message) in vitals_problems(&vitals) {
        if let Some(id) = super::field_for_name(field, None) {
            errors.add(id, &message);
        }
    }
    (errors.count() == before).then_some(vitals)
}

/// The vitals as one record, to send before what needs them.
pub(super) fn record(visit: VisitId, vitals: Vitals, at: Option<DateTime<Utc>>) -> Part {
    Part::new(
        Command::Record {
            visit,
            entry: Entry::Vitals { vitals },
        },
        at,
        // The server names the field it refuses.
        None,
    )
}

impl Form {
    pub fn vitals(lang: Lang, visit: &Visit) -> Form {
        let mut fields = vitals_fields(lang);
        fields.push(text_field(FieldId::At));
        Form::new(FormKind::Vitals { visit: visit.id }, fields)
    }
}

pub(super) fn submit(
    form: &Form,
    ctx: &Ctx,
    visit: VisitId,
    at: Option<DateTime<Utc>>,
    errors: &mut Errors,
) -> Vec<Part> {
    read(form, ctx.lang, errors)
        .map(|v| vec![record(visit, v, at)])
        .unwrap_or_default()
}

pub(super) fn body(form: &Form, ctx: &Ctx) -> Vec<Item> {
    let c = &texts(ctx.lang).clinic;
    let mut out = Vec::new();
    let last = form
        .kind
        .visit()
        .and_then(|id| ctx.board.visit(id))
        .and_then(|v| v.care.latest_vitals());
    if let Some(last) = last {
        out.push(Item::Note(
            format!("{}: {}", c.vitals, vitals_text(ctx.lang, ctx.config, last)),
            Tone::Dim,
        ));
    }
    out.push(Item::Note(c.vitals_typing.to_string(), Tone::Dim));
    out.extend(fields(form, |_| true));
    out
}
