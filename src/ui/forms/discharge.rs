//! The discharge checklist: one line per item, each recorded the moment
//! it is ticked (Space or `y`) and taken back with `n` (an untick, an
//! event like any other: Space never takes a tick back, so a habit of
//! Tab, Space cannot undo one); the end vitals when the protocol still
//! asks for them; Enter discharges. What is missing is named above.

use chrono::{DateTime, Utc};

use super::read::Errors;
use super::{
    Ctx, FieldId, FieldValue, Form, FormData, FormKind, Item, Part, Submission, Tone, fields,
    missing_items, text_field, tick_field, vitals,
};
use crate::domain::rules::{missing_for_discharge, route};
use crate::domain::{Board, Check, Command, Entry, Missing, Route, Stage, Visit, VisitId};
use crate::i18n::{Lang, item_label, texts};
use crate::ui::cell::clean;
use crate::ui::view::care::{hemostasis_text, next_visit_text};

impl Form {
    pub fn discharge(
        config: &crate::config::Config,
        lang: Lang,
        visit: &Visit,
        now: DateTime<Utc>,
    ) -> Form {
        let mut fields: Vec<_> = [Check::HemostasisPressure]
            .iter()
            .chain(Check::REQUIRED.iter())
            .map(|item| {
                tick_field(
                    FieldId::Check(*item),
                    visit.care.checklist.contains_key(item),
                )
            })
            .collect();
        let missing = missing_for_discharge(visit, config, now);
        let wants_vitals = missing
            .iter()
            .any(|m| matches!(m, Missing::EndVitals | Missing::EndVitalsInRange));
        fields.extend(vitals::vitals_fields(lang));
        fields.push(text_field(FieldId::At));
        let mut form = Form::new(FormKind::Discharge { visit: visit.id }, fields);
        form.data = FormData::Discharge {
            vitals: wants_vitals,
        };
        // Start on the first item not done, else on what is left.
        form.focus = (0..form.fields.len())
            .find(|i| {
                matches!(form.fields[*i].id, FieldId::Check(item) if !visit.care.checklist.contains_key(&item))
            })
            .or_else(|| wants_vitals.then(|| form.fields.iter().position(|f| f.id == FieldId::Systolic)).flatten())
            .unwrap_or(form.fields.len().saturating_sub(1));
        form
    }
}

pub(super) fn shown(form: &Form, id: FieldId) -> bool {
    match (&form.data, id) {
        (FormData::Discharge { vitals: wants }, id)
            if vitals::is_vitals_field(id) || id == FieldId::Consciousness =>
        {
            *wants
        }
        _ => true,
    }
}

/// A tick (or an untick) of the focused item, recorded at once: the
/// hemostasis timer starts when the pressure is recorded. `yes`: `y` (a
/// tick, then on to the next item) or `n` (an untick, staying there);
/// `None`: Space, a tick in place (so Tab, Space, Tab, Space ticks every
/// item as it always did).
pub(super) fn tick(
    form: &mut Form,
    board: &Board,
    visit: VisitId,
    yes: Option<bool>,
) -> Option<Submission> {
    let field = form.focused()?.id;
    let FieldId::Check(item) = field else {
        return None;
    };
    let done = board
        .visit(visit)
        .is_some_and(|v| v.care.checklist.contains_key(&item));
    let want = yes.unwrap_or(true);
    let advance = yes == Some(true);
    if want == done {
        // Already so: `y` moves on as if it had ticked it.
        if advance {
            form.focus_next_needed();
        }
        return None;
    }
    if let Some(f) = form.focused_mut() {
        f.value = FieldValue::Tick(want);
        f.error = None;
    }
    form.missing.clear();
    let entry = if want {
        Entry::Checklist { item }
    } else {
        Entry::Untick { item }
    };
    if advance {
        form.focus_next_needed();
    }
    Some(Submission {
        parts: vec![Part::new(
            Command::Record { visit, entry },
            None,
            Some(field),
        )],
        close: false,
        saved_note: None,
    })
}

pub(super) fn submit(
    form: &Form,
    ctx: &Ctx,
    visit: VisitId,
    at: Option<DateTime<Utc>>,
    errors: &mut Errors,
) -> Vec<Part> {
    let mut parts = Vec::new();
    if form.has_shown(FieldId::Systolic)
        && vitals::typed(form)
        && let Some(v) = vitals::read(form, ctx.lang, errors)
    {
        parts.push(vitals::record(visit, v, at));
    }
    parts.push(Part::new(
        Command::Advance {
            visit,
            to: Stage::Discharged,
            bed: None,
            lot: None,
        },
        at,
        None,
    ));
    parts
}

/// The aftercare to explain to this patient: the items for the route of
/// the treatment (from config.toml).
pub fn aftercare<'a>(
    config: &'a crate::config::Config,
    v: &Visit,
) -> impl Iterator<Item = &'a crate::config::Aftercare> {
    let route = route(v, config).unwrap_or(Route::Injection);
    let treatment = v
        .care
        .plan
        .as_ref()
        .map_or(v.treatment.clone(), |p| p.treatment.clone());
    config
        .discharge
        .aftercare
        .iter()
        .filter(move |a| a.applies(route, &treatment))
}

pub(super) fn body(form: &Form, ctx: &Ctx) -> Vec<Item> {
    let t = texts(ctx.lang);
    let c = &t.clinic;
    let config = ctx.config;
    let visit = form.kind.visit().and_then(|id| ctx.board.visit(id));
    let mut out = Vec::new();
    let vitals_shown = form.has_shown(FieldId::Systolic);
    if let Some(v) = visit {
        let all = if form.missing.is_empty() {
            missing_for_discharge(v, config, ctx.now)
        } else {
            form.missing.clone()
        };
        // The items and the vitals are right below: not listed twice (the
        // boxes not ticked say it).
        let mut missing = all.clone();
        missing.retain(|m| !matches!(m, Missing::Check { .. }));
        if vitals_shown {
            missing.retain(|m| *m != Missing::EndVitals);
        }
        if all.is_empty() || !missing.is_empty() {
            out.extend(missing_items(ctx, c.sec_missing_discharge, &missing));
        }
        if missing.contains(&Missing::DoctorClearance) {
            out.push(Item::Note(format!("  {}", c.clearance_hint), Tone::Dim));
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
            Check::HemostasisConfirmed => hemostasis_text(ctx.lang, config, v, ctx.now)
                .into_iter()
                .collect(),
            Check::AftercareExplained if !v.care.checklist.contains_key(&item) => {
                aftercare(config, v)
                    .map(|a| format!("- {}", item_label(ctx.lang, config, &a.id)))
                    .collect()
            }
            Check::NextVisitSuggested => next_visit_text(ctx.lang, config, v).into_iter().collect(),
            Check::WhomToCallExplained => vec![
                c.whom_to_call
                    .replace("{p}", &clean(&config.discharge.clinic_phone)),
            ],
            _ => Vec::new(),
        };
        out.extend(
            extra
                .into_iter()
                .map(|e| Item::Note(format!("      {e}"), Tone::Dim)),
        );
    }
    if vitals_shown {
        out.push(Item::Heading(c.sec_end_vitals.to_string()));
        out.push(Item::Note(c.vitals_typing.to_string(), Tone::Dim));
        out.extend(fields(form, |id| {
            vitals::is_vitals_field(id) || id == FieldId::Consciousness
        }));
    }
    out.extend(fields(form, |id| id == FieldId::At));
    out.push(Item::Note(c.discharge_hint.to_string(), Tone::Dim));
    out
}
