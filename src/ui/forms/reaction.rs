//! A reaction: its kind (nothing chosen at first: Left once reaches
//! anaphylaxis), the signs, what was done; what to do now, by kind (the
//! adrenaline dose for the recorded weight); during a drip, a vasovagal
//! reaction's "needle out" (ticked: the response starts with it).

use chrono::{DateTime, Utc};

use super::read::{Errors, clean, required};
use super::{
    Ctx, FieldId, Form, FormData, FormKind, Item, Part, Tone, Value, choice, choice_field, fields,
    text_field, tick_field,
};
use crate::config::Config;
use crate::domain::rules::{self, adrenaline_cap, adrenaline_dose};
use crate::domain::{Command, Entry, ReactionKind, Route, Stage, Visit, VisitId};
use crate::i18n::{Lang, reaction_name, reaction_steps, texts};

impl Form {
    pub fn reaction(config: &Config, lang: Lang, visit: &Visit) -> Form {
        use ReactionKind::*;
        let c = &texts(lang).clinic;
        let mut options = vec![choice(Value::Unset, c.decision_unset)];
        options.extend(
            [Local, Vasovagal, Allergic, Anaphylaxis]
                .iter()
                .map(|k| choice(Value::Reaction(*k), reaction_name(lang, *k))),
        );
        let mut form = Form::new(
            FormKind::Reaction { visit: visit.id },
            vec![
                choice_field(FieldId::Kind, options, 0),
                text_field(FieldId::Signs),
                text_field(FieldId::ActionTaken),
                // DOMAIN.md "Vasovagal reaction": needle out first.
                tick_field(FieldId::StopDrip, true),
                text_field(FieldId::At),
            ],
        );
        form.data = FormData::Reaction {
            in_drip: visit.stage == Stage::Administration
                && rules::route(visit, config) == Some(Route::Drip),
        };
        form
    }
}

fn kind(form: &Form) -> Option<ReactionKind> {
    match form.chosen(FieldId::Kind) {
        Value::Reaction(k) => Some(*k),
        _ => None,
    }
}

pub(super) fn shown(form: &Form, id: FieldId) -> bool {
    match id {
        FieldId::StopDrip => {
            matches!(form.data, FormData::Reaction { in_drip: true })
                && kind(form) == Some(ReactionKind::Vasovagal)
        }
        _ => true,
    }
}

pub(super) fn submit(
    form: &Form,
    ctx: &Ctx,
    visit: VisitId,
    at: Option<DateTime<Utc>>,
    errors: &mut Errors,
) -> Vec<Part> {
    let c = &texts(ctx.lang).clinic;
    let reaction = kind(form);
    if reaction.is_none() {
        errors.add(FieldId::Kind, c.err_choose);
    }
    let signs = required(form, FieldId::Signs, ctx.lang, errors);
    let action = clean(form, FieldId::ActionTaken);
    let stop_drip = form.has_shown(FieldId::StopDrip) && form.ticked(FieldId::StopDrip);
    match reaction {
        Some(reaction) => vec![Part::new(
            Command::Record {
                visit,
                entry: Entry::Reaction {
                    reaction,
                    signs,
                    action,
                    stop_drip,
                },
            },
            at,
            Some(FieldId::Kind),
        )],
        None => Vec::new(),
    }
}

pub(super) fn body(form: &Form, ctx: &Ctx) -> Vec<Item> {
    let c = &texts(ctx.lang).clinic;
    let mut out = fields(form, |id| id == FieldId::Kind);
    let visit = form.kind.visit().and_then(|id| ctx.board.visit(id));
    if let (Some(kind), Some(v)) = (kind(form), visit) {
        out.push(Item::Heading(c.sec_steps.to_string()));
        let weight = v.care.plan.as_ref().and_then(|p| p.weight_kg);
        let tone = if kind >= ReactionKind::Allergic {
            Tone::Critical
        } else {
            Tone::Bold
        };
        let steps = reaction_steps(
            ctx.lang,
            kind,
            adrenaline_dose(v, ctx.config),
            adrenaline_cap(v, ctx.config),
            weight,
        );
        for (i, step) in steps.into_iter().enumerate() {
            out.push(Item::Note(format!("  {}. {step}", i + 1), tone));
        }
    }
    out.extend(fields(form, |id| id != FieldId::Kind));
    out
}
