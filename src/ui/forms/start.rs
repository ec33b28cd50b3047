//! The start of administration: the bed (the first free one for a drip),
//! the lot (today's lots offered first, the one last used for this
//! treatment chosen; a new lot typed, its expiry filled in from the last
//! use of that lot), and the pre-treatment vitals when the protocol still
//! asks for them — so nothing has to be closed and opened again.

use chrono::{DateTime, NaiveDate, Utc};

use super::read::{Errors, clean};
use super::{
    Choice, Ctx, FieldId, Form, FormData, FormKind, Item, Part, Value, choice, choice_field,
    fields, missing_items, text_field, vitals,
};
use crate::config::Config;
use crate::domain::clinical::Lot;
use crate::domain::moves::{self, Move};
use crate::domain::rules::route;
use crate::domain::{Board, Command, EventKind, Missing, Route, Stage, Visit, VisitId, free_beds};
use crate::i18n::{Lang, texts};
use crate::ui::cell::clean as clean_text;

use crate::domain::text::lot_key;

/// The lots on the board, most recently used first, once each; with the
/// treatment they were used for and whether that was today.
fn lots_used(board: &Board, config: &Config, now: DateTime<Utc>) -> Vec<(Lot, String, bool)> {
    let today = now.with_timezone(&config.timezone).date_naive();
    let mut used: Vec<(DateTime<Utc>, Lot, String)> = board
        .visits
        .values()
        .filter_map(|v| {
            let lot = v.care.lot.clone()?;
            let at = v.events.iter().rev().find_map(|e| match e.kind {
                EventKind::AdministrationStarted { .. } => Some(v.effective_time(e)),
                _ => None,
            })?;
            let treatment = v
                .care
                .plan
                .as_ref()
                .map_or(v.treatment.clone(), |p| p.treatment.clone());
            Some((at, lot, treatment))
        })
        .collect();
    used.sort_by_key(|(at, _, _)| std::cmp::Reverse(*at));
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for (at, lot, treatment) in used {
        let key = lot_key(&lot.number);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let on_day = at.with_timezone(&config.timezone).date_naive() == today;
        out.push((lot, treatment, on_day));
    }
    out
}

impl Form {
    pub fn start(
        board: &Board,
        config: &Config,
        lang: Lang,
        v: &Visit,
        now: DateTime<Utc>,
    ) -> Form {
        let t = texts(lang);
        let c = &t.clinic;
        let bed_required = route(v, config) == Some(Route::Drip);
        let mut beds = vec![choice(
            if bed_required {
                Value::Unset
            } else {
                Value::NoBed
            },
            if bed_required {
                t.ui.bed_choose
            } else {
                t.ui.bed_none
            },
        )];
        beds.extend(free_beds(board, config, now).map(|b| choice(Value::Bed(b.to_string()), b)));
        // A drip lies on the first free bed unless another is chosen.
        let bed = usize::from(bed_required && beds.len() > 1);
        let treatment = v
            .care
            .plan
            .as_ref()
            .map_or(v.treatment.as_str(), |p| p.treatment.as_str());
        let used = lots_used(board, config, now);
        // Today's lots first, this treatment's first among them.
        let mut offered: Vec<&(Lot, String, bool)> = used.iter().filter(|(_, _, d)| *d).collect();
        offered.sort_by_key(|(_, tr, _)| tr != treatment);
        let mut lots: Vec<Choice> = offered
            .iter()
            .map(|(lot, _, _)| {
                let label = match lot.expiry {
                    Some(e) => c
                        .lot_with_expiry
                        .replace("{n}", &lot.number)
                        .replace("{e}", &e.to_string()),
                    None => lot.number.clone(),
                };
                Choice {
                    value: Value::Lot(lot.clone()),
                    label,
                }
            })
            .collect();
        lots.push(choice(Value::NewLot, c.lot_new));
        let needs = moves::gate(v, config, Move::StartAdministration, now).unwrap_or_default();
        let wants_vitals = needs.contains(&Missing::PreTreatmentVitals);
        let mut fields = vec![
            choice_field(FieldId::Bed, beds, bed),
            choice_field(FieldId::Lot, lots, 0),
            text_field(FieldId::LotNumber),
            text_field(FieldId::LotExpiry),
        ];
        fields.extend(vitals::vitals_fields(lang));
        fields.push(text_field(FieldId::At));
        let mut form = Form::new(FormKind::Start { visit: v.id }, fields);
        form.data = FormData::Start {
            bed_required,
            vitals: wants_vitals,
            known: used.into_iter().map(|(lot, _, _)| lot).collect(),
        };
        form.focus_first_needed();
        form
    }
}

pub(super) fn shown(form: &Form, id: FieldId) -> bool {
    let FormData::Start { vitals: wants, .. } = &form.data else {
        return true;
    };
    match id {
        FieldId::LotNumber | FieldId::LotExpiry => *form.chosen(FieldId::Lot) == Value::NewLot,
        id if vitals::is_vitals_field(id) || id == FieldId::Consciousness => *wants,
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
    let t = texts(ctx.lang);
    let c = &t.clinic;
    let FormData::Start {
        bed_required,
        vitals: wants_vitals,
        known,
    } = &form.data
    else {
        return Vec::new();
    };
    let bed = match form.chosen(FieldId::Bed) {
        Value::Bed(b) => Some(b.clone()),
        _ => None,
    };
    if *bed_required && bed.is_none() {
        errors.add(FieldId::Bed, t.ui.err_bed_required);
    }
    let lot = match form.chosen(FieldId::Lot) {
        Value::Lot(lot) => lot.clone(),
        _ => {
            let number = clean(form, FieldId::LotNumber);
            if number.is_empty() {
                errors.add(FieldId::LotNumber, c.err_lot_blank);
            }
            let expiry = match form.text(FieldId::LotExpiry).trim() {
                // The expiry of this lot's last use.
                "" => known
                    .iter()
                    .find(|l| lot_key(&l.number) == lot_key(&number))
                    .and_then(|l| l.expiry),
                text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                    Ok(d) => Some(d),
                    Err(_) => {
                        errors.add(FieldId::LotExpiry, c.err_bad_date);
                        None
                    }
                },
            };
            Lot { number, expiry }
        }
    };
    let mut parts = Vec::new();
    if *wants_vitals
        && vitals::typed(form)
        && let Some(v) = vitals::read(form, ctx.lang, errors)
    {
        parts.push(vitals::record(visit, v, at));
    }
    let mut start = Part::new(
        Command::Advance {
            visit,
            to: Stage::Administration,
            bed,
            lot: Some(lot),
        },
        at,
        None,
    );
    // The form said so above the fields: submitting it is the nurse's
    // confirmation (the server asks for one).
    start.confirm = caseload_note(ctx, visit).is_some();
    parts.push(start);
    parts
}

/// When this drip would give its nurse more drips at once than the
/// clinic's limit, the form says so before it starts.
fn caseload_note(ctx: &Ctx, visit: VisitId) -> Option<String> {
    let (nurse, n) = crate::domain::caseload::over_after_start(ctx.board, ctx.config, visit)?;
    let v = ctx.board.visit(visit)?;
    let who = crate::domain::caseload::initials(ctx.config, &nurse).unwrap_or(&nurse);
    Some(
        texts(ctx.lang)
            .busy
            .caseload_start
            .replace("{p}", &clean_text(&v.name))
            .replace("{nurse}", &clean_text(who))
            .replace("{n}", &n.to_string())
            .replace("{m}", &ctx.config.caseload.max_drips_per_nurse.to_string()),
    )
}

pub(super) fn body(form: &Form, ctx: &Ctx) -> Vec<Item> {
    let c = &texts(ctx.lang).clinic;
    let vitals_shown = form.has_shown(FieldId::Systolic);
    let mut out = Vec::new();
    if let Some(visit) = form.kind.visit()
        && let Some(note) = caseload_note(ctx, visit)
    {
        out.push(Item::Note(note, super::Tone::Warning));
    }
    out.extend(fields(form, |id| {
        matches!(
            id,
            FieldId::Bed | FieldId::Lot | FieldId::LotNumber | FieldId::LotExpiry
        )
    }));
    if vitals_shown {
        out.push(Item::Heading(c.sec_pre_vitals.to_string()));
        out.push(Item::Note(c.vitals_typing.to_string(), super::Tone::Dim));
        out.extend(fields(form, |id| {
            vitals::is_vitals_field(id) || id == FieldId::Consciousness
        }));
    }
    out.extend(fields(form, |id| id == FieldId::At));
    let visit = form.kind.visit().and_then(|id| ctx.board.visit(id));
    if let Some(v) = visit {
        let mut missing = if form.missing.is_empty() {
            moves::gate(v, ctx.config, Move::StartAdministration, ctx.now).unwrap_or_default()
        } else {
            form.missing.clone()
        };
        // What the form takes is not "missing": it is right here.
        if vitals_shown {
            missing.retain(|m| *m != Missing::PreTreatmentVitals);
        }
        missing.retain(|m| *m != Missing::Lot);
        if !missing.is_empty() {
            out.extend(missing_items(ctx, c.sec_missing_start, &missing));
        }
    }
    out
}
