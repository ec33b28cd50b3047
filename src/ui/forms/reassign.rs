//! The patient is given to another nurse: who (with a staff list, one of
//! its nurses chosen with Left/Right, the one with the fewest drips now
//! first offered, or someone else typed; without one, initials or name),
//! and when. Before a running drip goes to a nurse already at the caseload
//! limit, the form says so; Enter is the confirmation.

use chrono::{DateTime, Utc};

use super::read::{Errors, required};
use super::{
    Choice, Ctx, FieldId, Form, FormKind, Item, Part, Tone, Value, choice_field, fields, text_field,
};
use crate::config::{Config, StaffRole};
use crate::domain::caseload::{caseloads, initials, over_after_reassign};
use crate::domain::{Board, Command, Entry, VisitId};
use crate::i18n::{Lang, texts};
use crate::ui::cell::clean;

impl Form {
    pub fn reassign(visit: VisitId, board: &Board, config: &Config, lang: Lang) -> Form {
        let b = &texts(lang).busy;
        let mut fields = Vec::new();
        let current = board.visit(visit).and_then(|v| v.care.nurse());
        let loads = caseloads(board, config);
        let drips = |name: &str, initials: &str| {
            loads
                .iter()
                .find(|l| l.nurse == name || l.nurse == initials)
                .map_or(0, |l| l.drips)
        };
        let mut options: Vec<(u32, Choice)> = config
            .staff
            .iter()
            .filter(|s| s.role == StaffRole::Nurse)
            .filter(|s| current.is_none_or(|c| c != s.name && c != s.initials))
            .map(|s| {
                let n = drips(&s.name, &s.initials);
                let who = if s.name == s.initials {
                    clean(&s.initials)
                } else {
                    format!("{} {}", clean(&s.initials), clean(&s.name))
                };
                let label = b
                    .reassign_option
                    .replace("{n}", &n.to_string())
                    .replace("{who}", &who);
                (
                    n,
                    Choice {
                        value: Value::Nurse(s.name.clone()),
                        label,
                    },
                )
            })
            .collect();
        if options.is_empty() {
            // No other nurse on the staff list (or no list): typed.
            fields.push(text_field(FieldId::Nurse));
        } else {
            // The nurse with the fewest drips now first offered (the
            // staff list's order among equals).
            let first = options
                .iter()
                .enumerate()
                .min_by_key(|(i, (n, _))| (*n, *i))
                .map_or(0, |(i, _)| i);
            options.push((
                0,
                Choice {
                    value: Value::OtherNurse,
                    label: b.reassign_other.into(),
                },
            ));
            fields.push(choice_field(
                FieldId::NurseChoice,
                options.into_iter().map(|(_, c)| c).collect(),
                first,
            ));
            fields.push(text_field(FieldId::OtherNurse));
        }
        fields.push(text_field(FieldId::At));
        Form::new(FormKind::Reassign { visit }, fields)
    }
}

pub(super) fn shown(form: &Form, id: FieldId) -> bool {
    match id {
        FieldId::OtherNurse => *form.chosen(FieldId::NurseChoice) == Value::OtherNurse,
        _ => true,
    }
}

/// The field that holds the nurse: the staff list's choice, the typed
/// "someone else" beside it, or the typed field alone (no list).
fn nurse_field(form: &Form) -> FieldId {
    match form.chosen(FieldId::NurseChoice) {
        Value::Nurse(_) => FieldId::NurseChoice,
        Value::OtherNurse => FieldId::OtherNurse,
        _ => FieldId::Nurse,
    }
}

/// The nurse chosen or typed, as the record will name them (the staff
/// list's name).
fn named(form: &Form, ctx: &Ctx) -> String {
    let field = nurse_field(form);
    if let Value::Nurse(name) = form.chosen(field) {
        return name.clone();
    }
    let typed = form.text(field).trim().to_string();
    ctx.config
        .staff
        .iter()
        .find(|s| {
            s.role == StaffRole::Nurse
                && (s.initials.eq_ignore_ascii_case(&typed)
                    || s.name.to_lowercase() == typed.to_lowercase())
        })
        .map_or(typed, |s| s.name.clone())
}

/// The warning before a running drip goes to a nurse at the limit.
fn over(form: &Form, ctx: &Ctx, visit: VisitId) -> Option<String> {
    let nurse = named(form, ctx);
    if nurse.is_empty() {
        return None;
    }
    let (nurse, n) = over_after_reassign(ctx.board, ctx.config, visit, &nurse)?;
    let v = ctx.board.visit(visit)?;
    let who = initials(ctx.config, &nurse).unwrap_or(&nurse);
    Some(
        texts(ctx.lang)
            .busy
            .reassign_over
            .replace("{p}", &clean(&v.name))
            .replace("{nurse}", &clean(who))
            .replace("{n}", &n.to_string())
            .replace("{m}", &ctx.config.caseload.max_drips_per_nurse.to_string()),
    )
}

pub(super) fn submit(
    form: &Form,
    ctx: &Ctx,
    visit: VisitId,
    at: Option<DateTime<Utc>>,
    errors: &mut Errors,
) -> Vec<Part> {
    let field = nurse_field(form);
    let nurse = match form.chosen(field) {
        Value::Nurse(name) => name.clone(),
        _ => required(form, field, ctx.lang, errors),
    };
    let mut part = Part::new(
        Command::Record {
            visit,
            entry: Entry::Reassigned { nurse },
        },
        at,
        Some(field),
    );
    part.confirm = over(form, ctx, visit).is_some();
    vec![part]
}

pub(super) fn body(form: &Form, ctx: &Ctx) -> Vec<Item> {
    let b = &texts(ctx.lang).busy;
    let mut out = Vec::new();
    let Some(visit) = form.kind.visit() else {
        return out;
    };
    if let Some(now) = ctx.board.visit(visit).and_then(|v| v.care.nurse()) {
        let who = initials(ctx.config, now).unwrap_or(now);
        out.push(Item::Note(
            b.reassign_now.replace("{nurse}", &clean(who)),
            Tone::Dim,
        ));
    }
    if let Some(note) = over(form, ctx, visit) {
        out.push(Item::Note(note, Tone::Warning));
    }
    out.extend(fields(form, |_| true));
    out
}
