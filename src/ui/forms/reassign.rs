//! The patient is given to another nurse: who (initials or name; with a
//! staff list, one of its nurses — the server says which when not), and
//! when. Before a running drip goes to a nurse already at the caseload
//! limit, the form says so; Enter is the confirmation.

use chrono::{DateTime, Utc};

use super::read::{Errors, required};
use super::{Ctx, FieldId, Form, FormKind, Item, Part, Tone, fields, text_field};
use crate::config::StaffRole;
use crate::domain::caseload::{initials, over_after_reassign};
use crate::domain::{Command, Entry, VisitId};
use crate::i18n::texts;
use crate::ui::cell::clean;

impl Form {
    pub fn reassign(visit: VisitId) -> Form {
        Form::new(
            FormKind::Reassign { visit },
            vec![text_field(FieldId::Nurse), text_field(FieldId::At)],
        )
    }
}

/// The nurse typed, as the record will name them (the staff list's name).
fn named(form: &Form, ctx: &Ctx) -> String {
    let typed = form.text(FieldId::Nurse).trim().to_string();
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
    let nurse = required(form, FieldId::Nurse, ctx.lang, errors);
    let mut part = Part::new(
        Command::Record {
            visit,
            entry: Entry::Reassigned { nurse },
        },
        at,
        Some(FieldId::Nurse),
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
    let nurses: Vec<&str> = ctx
        .config
        .staff
        .iter()
        .filter(|s| s.role == StaffRole::Nurse)
        .map(|s| s.initials.as_str())
        .collect();
    if !nurses.is_empty() {
        out.push(Item::Note(
            b.reassign_nurses.replace("{list}", &nurses.join(" ")),
            Tone::Dim,
        ));
    }
    if let Some(note) = over(form, ctx, visit) {
        out.push(Item::Note(note, Tone::Warning));
    }
    out.extend(fields(form, |_| true));
    out
}
