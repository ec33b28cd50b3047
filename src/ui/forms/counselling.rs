//! The counselling form: the screening questions (yes/no, each with its
//! level), the doctor's decision when a block answer stops the start
//! (defer, or an override), the doctor's acknowledgement of the cautions,
//! the consent items and the plan. What was recorded before is filled in
//! to confirm rather than retype: today's answers, else the last visit's;
//! the plan of the last patient given this treatment today; the nurse at
//! this terminal. The form opens on the first thing still to answer, and
//! each answer moves on to the next. Submitting records the screening,
//! the decisions, consent and plan, then "ready" when nothing is missing.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::read::{Errors, clean, number, required};
use super::{
    Choice, Ctx, Field, FieldId, FieldValue, Form, FormData, FormKind, Item, Part, Tone, Value,
    choice, choice_field, fields, missing_items, text_field, text_with, treatment_label,
};
use crate::config::{Config, DoctorPin, Level, RiskFlag};
use crate::domain::clinical::{Answers, Method, Origin, Plan};
use crate::domain::rules::{self, missing_for_ready};
use crate::domain::{Board, Command, Entry, Missing, Route, Stage, Visit, VisitId};
use crate::i18n::{Lang, gate_label, item_label, missing_text, texts};

/// What the counselling form knows of the visit and the clinic.
#[derive(Debug, Clone, PartialEq)]
pub struct Counselling {
    /// The level of each screening item (config order).
    pub levels: Vec<Level>,
    /// Treatments given by drip (no method or sites).
    pub drip_treatments: Vec<String>,
    /// The screening answers came from the visit on this date.
    pub answers_from: Option<DateTime<Utc>>,
    /// First visit: "first session" was answered yes for the staff.
    pub first_visit: bool,
    /// What stops the start besides block answers (`fever`, `vitals`):
    /// the doctor's decision covers them too.
    pub vitals_gates: Vec<String>,
}

/// The counselling form read as entries (each with the field a refusal
/// belongs to), whatever is incomplete; and the errors found.
pub struct Counselled {
    pub entries: Vec<(Entry, Option<FieldId>)>,
    /// The reason, when the visit is deferred.
    pub defer: Option<String>,
    errors: Errors,
}

fn number_text(n: f32) -> String {
    // "10" rather than "10.0" for whole numbers.
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

/// The plan of the patient last given `treatment` today: a clinic gives
/// one product at one dose most of the day.
fn todays_plan<'a>(board: &'a Board, treatment: &str, except: VisitId) -> Option<&'a Plan> {
    board
        .visits
        .values()
        .filter(|v| v.id != except)
        .filter_map(|v| {
            let plan = v.care.plan.as_ref().filter(|p| p.treatment == treatment)?;
            let at = v.events.iter().rev().find_map(|e| match &e.kind {
                crate::domain::EventKind::Recorded {
                    entry: Entry::Plan { .. },
                } => Some(e.at),
                _ => None,
            })?;
            Some((at, plan))
        })
        .max_by_key(|(at, _)| *at)
        .map(|(_, p)| p)
}

impl Form {
    /// Screening, the doctor's decisions, consent and the plan. Answers
    /// recorded today come first; else the last visit's, to confirm.
    /// `operator`: who works at this terminal (the nurse, unless another
    /// is named).
    pub fn counselling(
        board: &Board,
        config: &Config,
        lang: Lang,
        visit: &Visit,
        operator: Option<&str>,
    ) -> Form {
        let c = &texts(lang).clinic;
        let care = &visit.care;
        let from_last = care.screening.is_none() && visit.history.last_answers.is_some();
        let answers = care
            .screening
            .as_ref()
            .or(visit.history.last_answers.as_ref());
        let first_visit = answers.is_none() && visit.history.last_visit.is_none();
        // A reaction at an earlier visit makes its answer "yes": never
        // pre-filled as "no" (the protocol refuses it too).
        let required = rules::required_yes(visit, config);
        let mut fields = Vec::new();
        for (i, q) in config.screening.iter().enumerate() {
            let mut answer = answers.and_then(|a| a.get(&q.id).copied());
            if first_visit && q.flags.contains(&RiskFlag::FirstSession) {
                answer = Some(true);
            }
            if required.contains(&q.id) {
                answer = Some(true);
            }
            let options = vec![
                choice(Value::Unset, c.answer_unset),
                choice(Value::No, c.answer_no),
                choice(Value::Yes, c.answer_yes),
            ];
            let index = match answer {
                None => 0,
                Some(false) => 1,
                Some(true) => 2,
            };
            fields.push(choice_field(FieldId::Screening(i), options, index));
        }
        let decision = vec![
            choice(Value::Unset, c.decision_unset),
            choice(Value::Defer, c.decision_defer),
            choice(Value::Override, c.decision_override),
        ];
        let last = care.last_override();
        fields.push(choice_field(
            FieldId::Decision,
            decision,
            if last.is_some() { 2 } else { 0 },
        ));
        fields.push(text_with(
            FieldId::Doctor,
            last.map_or("", |a| a.doctor.as_str()),
        ));
        fields.push(text_with(
            FieldId::Reason,
            last.map_or("", |a| a.reason.as_str()),
        ));
        fields.push(text_with(
            FieldId::CautionDoctor,
            care.cautions_acks.last().map_or("", |a| a.doctor.as_str()),
        ));
        fields.push(text_field(FieldId::Pin));
        for (i, item) in config.consent.iter().enumerate() {
            fields.push(Field {
                id: FieldId::Consent(i),
                value: FieldValue::Tick(care.consent.contains(&item.id)),
                error: None,
            });
        }
        let treatment = care
            .plan
            .as_ref()
            .map_or(visit.treatment.as_str(), |p| p.treatment.as_str());
        // This visit's plan; else today's for the treatment (not the
        // patient's own facts: weight and age are theirs).
        let plan = care.plan.as_ref();
        let usual = plan.or_else(|| todays_plan(board, treatment, visit.id));
        let options: Vec<Choice> = config
            .treatments
            .iter()
            .map(|t| {
                choice(
                    Value::Treatment(t.id.clone()),
                    &treatment_label(config, lang, &t.id),
                )
            })
            .collect();
        let index = config
            .treatments
            .iter()
            .position(|t| t.id == treatment)
            .unwrap_or(0);
        fields.push(choice_field(FieldId::Treatment, options, index));
        let methods = [
            (Method::Papule, c.method_papule),
            (Method::Nappage, c.method_nappage),
        ];
        let mut options = vec![choice(Value::Unset, c.not_chosen)];
        options.extend(methods.iter().map(|(m, l)| choice(Value::Method(*m), l)));
        let index = usual
            .and_then(|p| p.method)
            .and_then(|m| methods.iter().position(|(x, _)| *x == m))
            .map_or(0, |i| i + 1);
        fields.push(choice_field(FieldId::Method, options, index));
        fields.push(text_with(
            FieldId::Sites,
            &usual.map(|p| p.sites.join(", ")).unwrap_or_default(),
        ));
        fields.push(text_with(
            FieldId::DoseMl,
            &usual.map(|p| number_text(p.dose_ml)).unwrap_or_default(),
        ));
        fields.push(text_with(
            FieldId::Product,
            usual.map_or("", |p| p.product.as_str()),
        ));
        let origins = [
            Origin::Adipose,
            Origin::UmbilicalCord,
            Origin::DentalPulp,
            Origin::BoneMarrow,
            Origin::Placenta,
        ];
        let mut options = vec![choice(Value::Unset, c.not_chosen)];
        options.extend(
            origins
                .iter()
                .zip(c.origins)
                .map(|(o, l)| choice(Value::Origin(*o), l)),
        );
        let index = usual
            .and_then(|p| p.origin)
            .and_then(|o| origins.iter().position(|x| *x == o))
            .map_or(0, |i| i + 1);
        fields.push(choice_field(FieldId::Origin, options, index));
        let nurse = plan.map_or(operator.unwrap_or_default(), |p| p.nurse.as_str());
        fields.push(text_with(FieldId::Nurse, nurse));
        fields.push(text_with(
            FieldId::Weight,
            &plan
                .and_then(|p| p.weight_kg)
                .map(number_text)
                .unwrap_or_default(),
        ));
        fields.push(text_with(
            FieldId::Age,
            &plan
                .and_then(|p| p.age_years)
                .map(|a| a.to_string())
                .unwrap_or_default(),
        ));
        let mut form = Form::new(FormKind::Counselling { visit: visit.id }, fields);
        form.data = FormData::Counselling(Box::new(Counselling {
            levels: config.screening.iter().map(|q| q.level).collect(),
            drip_treatments: config
                .treatments
                .iter()
                .filter(|t| t.route == Route::Drip)
                .map(|t| t.id.clone())
                .collect(),
            answers_from: if from_last {
                visit.history.last_visit
            } else {
                None
            },
            first_visit,
            // A fever or critical vitals already recorded stop the start
            // like a block answer: the doctor's decision covers them too.
            vitals_gates: rules::uncovered_gates(visit, config)
                .into_iter()
                .filter(|g| config.screening_item(g).is_none())
                .collect(),
        }));
        form.pin_required = config.doctor_pin == DoctorPin::Required;
        form.focus_first_needed();
        form
    }

    /// What the counselling form knows (on a counselling form).
    pub fn counselling_facts(&self) -> Option<&Counselling> {
        match &self.data {
            FormData::Counselling(c) => Some(c),
            _ => None,
        }
    }

    /// The level of the screening item at `i`.
    pub fn level(&self, i: usize) -> Level {
        self.counselling_facts()
            .and_then(|c| c.levels.get(i).copied())
            .unwrap_or(Level::Info)
    }

    /// Whether the screening item at `i` is answered yes.
    pub fn yes(&self, i: usize) -> bool {
        *self.chosen(FieldId::Screening(i)) == Value::Yes
    }

    /// Whether some screening item of `level` is answered yes.
    pub fn any_yes(&self, level: Level) -> bool {
        self.counselling_facts().is_some_and(|c| {
            c.levels
                .iter()
                .enumerate()
                .any(|(i, l)| *l == level && self.yes(i))
        })
    }

    /// Something stops the start: a block answer yes, or a fever or
    /// critical vitals already recorded. The doctor decides: defer, or
    /// override.
    pub fn blocked(&self) -> bool {
        self.any_yes(Level::Block)
            || self
                .counselling_facts()
                .is_some_and(|c| !c.vitals_gates.is_empty())
    }

    /// The counselling ends in deferral: only the screening and the
    /// deferral are sent.
    pub fn deferring(&self) -> bool {
        self.blocked() && *self.chosen(FieldId::Decision) == Value::Defer
    }

    /// The treatment chosen is given by injection (it has a method and
    /// sites).
    fn injection(&self) -> bool {
        match (self.chosen(FieldId::Treatment), self.counselling_facts()) {
            (Value::Treatment(t), Some(c)) => !c.drip_treatments.contains(t),
            _ => false,
        }
    }

    /// What the doctor's decision is about: the block answers "yes" in the
    /// form, and a fever or critical vitals already recorded.
    fn gates(&self, config: &Config) -> Vec<String> {
        let mut gates: Vec<String> = config
            .screening
            .iter()
            .enumerate()
            .filter(|(i, q)| q.level == Level::Block && self.yes(*i))
            .map(|(_, q)| q.id.clone())
            .collect();
        if let Some(c) = self.counselling_facts() {
            gates.extend(c.vitals_gates.iter().cloned());
        }
        gates
    }

    /// The counselling form as entries: screening (every item answered),
    /// the override or the deferral, the acknowledgement, consent, plan.
    pub fn counselled(&self, config: &Config, lang: Lang) -> Counselled {
        let c = &texts(lang).clinic;
        let mut errors = Errors::default();
        let mut entries = Vec::new();
        let mut answers = Answers::new();
        let mut unanswered = None;
        for (i, q) in config.screening.iter().enumerate() {
            match self.chosen(FieldId::Screening(i)) {
                Value::Yes => {
                    answers.insert(q.id.clone(), true);
                }
                Value::No => {
                    answers.insert(q.id.clone(), false);
                }
                _ => {
                    unanswered.get_or_insert(i);
                }
            }
        }
        match unanswered {
            Some(i) => errors.add(FieldId::Screening(i), c.err_answer),
            None => entries.push((Entry::Screening { answers }, None)),
        }
        let mut defer = None;
        if self.blocked() {
            match self.chosen(FieldId::Decision) {
                Value::Defer => {
                    let mut reason = clean(self, FieldId::Reason);
                    if reason.is_empty() {
                        let items: Vec<String> = self
                            .gates(config)
                            .iter()
                            .map(|g| gate_label(lang, config, g))
                            .collect();
                        reason = format!("{}: {}", c.defer_reason, items.join(", "));
                    }
                    defer = Some(reason);
                }
                Value::Override => {
                    let doctor = required(self, FieldId::Doctor, lang, &mut errors);
                    let reason = required(self, FieldId::Reason, lang, &mut errors);
                    // The override names exactly what it covers.
                    let items = self.gates(config);
                    entries.push((
                        Entry::Override {
                            doctor,
                            reason,
                            items,
                        },
                        Some(FieldId::Doctor),
                    ));
                }
                _ => errors.add(FieldId::Decision, c.err_choose),
            }
        }
        if defer.is_some() {
            return Counselled {
                entries,
                defer,
                errors,
            };
        }
        if self.any_yes(Level::Caution) {
            let doctor = clean(self, FieldId::CautionDoctor);
            // Blank: saved without it, and not ready until the doctor sees.
            if !doctor.is_empty() {
                let items = config
                    .screening
                    .iter()
                    .enumerate()
                    .filter(|(i, q)| q.level == Level::Caution && self.yes(*i))
                    .map(|(_, q)| q.id.clone())
                    .collect();
                entries.push((
                    Entry::CautionsAcknowledged { doctor, items },
                    Some(FieldId::CautionDoctor),
                ));
            }
        }
        let items: BTreeSet<String> = config
            .consent
            .iter()
            .enumerate()
            .filter(|(i, _)| self.ticked(FieldId::Consent(*i)))
            .map(|(_, item)| item.id.clone())
            .collect();
        entries.push((Entry::Consent { items }, None));
        if let Some(plan) = self.plan(lang, &mut errors) {
            entries.push((Entry::Plan { plan }, None));
        }
        Counselled {
            entries,
            defer,
            errors,
        }
    }

    /// The plan, when any of it is filled in (the nurse alone, filled in
    /// with who is at the terminal, is no plan yet).
    fn plan(&self, lang: Lang, errors: &mut Errors) -> Option<Plan> {
        let c = &texts(lang).clinic;
        let typed = [
            FieldId::DoseMl,
            FieldId::Product,
            FieldId::Weight,
            FieldId::Age,
        ]
        .iter()
        .any(|id| !self.text(*id).trim().is_empty());
        if !typed {
            return None;
        }
        let before = errors.count();
        let dose_ml = match number(self, FieldId::DoseMl, lang, errors) {
            None if self.text(FieldId::DoseMl).trim().is_empty() => {
                errors.add(FieldId::DoseMl, c.err_required);
                0.0
            }
            None => 0.0,
            Some(d) if d > 0.0 && d <= 100.0 => d,
            Some(_) => {
                errors.add(FieldId::DoseMl, c.err_dose);
                0.0
            }
        };
        let product = required(self, FieldId::Product, lang, errors);
        let nurse = required(self, FieldId::Nurse, lang, errors);
        let weight_kg = match number(self, FieldId::Weight, lang, errors) {
            Some(w) if !(2.0..=300.0).contains(&w) => {
                errors.add(FieldId::Weight, c.err_weight);
                None
            }
            w => w,
        };
        let age_years = match self.text(FieldId::Age).trim() {
            "" => None,
            text => match text.parse::<u32>() {
                Ok(a) if a <= 120 => Some(a),
                _ => {
                    errors.add(FieldId::Age, c.err_out_of_range);
                    None
                }
            },
        };
        let treatment = match self.chosen(FieldId::Treatment) {
            Value::Treatment(t) => t.clone(),
            _ => String::new(),
        };
        let injection = self.injection();
        let plan = Plan {
            treatment,
            method: match self.chosen(FieldId::Method) {
                Value::Method(m) if injection => Some(*m),
                _ => None,
            },
            sites: if injection {
                self.text(FieldId::Sites)
                    .split([',', '、'])
                    .map(crate::domain::text::sanitize)
                    .filter(|s| !s.is_empty())
                    .collect()
            } else {
                Vec::new()
            },
            dose_ml,
            product,
            origin: match self.chosen(FieldId::Origin) {
                Value::Origin(o) => Some(*o),
                _ => None,
            },
            nurse,
            weight_kg,
            age_years,
        };
        (errors.count() == before).then_some(plan)
    }

    /// What the visit would still lack for ready once this form is saved:
    /// the form's entries applied to a copy of the visit.
    pub fn counselling_preview(&self, visit: &Visit, config: &Config, lang: Lang) -> Vec<Missing> {
        let counselled = self.counselled(config, lang);
        let mut v = visit.clone();
        for (entry, _) in &counselled.entries {
            v.care.record(entry, v.stage_since, 0, v.stage, None);
        }
        missing_for_ready(&v, config)
    }
}

pub(super) fn shown(form: &Form, id: FieldId) -> bool {
    match id {
        FieldId::Decision => form.blocked(),
        FieldId::Doctor => form.blocked() && *form.chosen(FieldId::Decision) == Value::Override,
        FieldId::Reason => form.blocked() && *form.chosen(FieldId::Decision) != Value::Unset,
        // The PIN goes with the doctor's name, where the clinic asks.
        FieldId::Pin => {
            form.pin_required
                && (form.has_shown(FieldId::Doctor) || form.has_shown(FieldId::CautionDoctor))
        }
        FieldId::CautionDoctor => form.any_yes(Level::Caution) && !form.deferring(),
        FieldId::Method | FieldId::Sites => !form.deferring() && form.injection(),
        FieldId::Consent(_)
        | FieldId::DoseMl
        | FieldId::Product
        | FieldId::Origin
        | FieldId::Nurse
        | FieldId::Weight
        | FieldId::Age
        | FieldId::Treatment => !form.deferring(),
        _ => true,
    }
}

pub(super) fn submit(
    form: &Form,
    ctx: &Ctx,
    visit: VisitId,
    at: Option<DateTime<Utc>>,
    errors: &mut Errors,
    saved_note: &mut Option<String>,
) -> Vec<Part> {
    let (lang, config) = (ctx.lang, ctx.config);
    let c = &texts(lang).clinic;
    let counselled = form.counselled(config, lang);
    errors.0.extend(counselled.errors.0);
    let record = |entry: Entry, field| Part::new(Command::Record { visit, entry }, at, field);
    let mut parts: Vec<Part> = counselled
        .entries
        .iter()
        .map(|(entry, field)| record(entry.clone(), *field))
        .collect();
    if let Some(reason) = counselled.defer {
        parts.push(Part::new(
            Command::Defer { visit, reason },
            at,
            Some(FieldId::Reason),
        ));
    } else if let Some(v) = ctx.board.visit(visit) {
        let missing = form.counselling_preview(v, config, lang);
        if !missing.is_empty() {
            let list: Vec<String> = missing
                .iter()
                .map(|m| missing_text(lang, m, config))
                .collect();
            *saved_note = Some(c.saved_not_ready.replace("{m}", &list.join("; ")));
        } else if v.stage == Stage::Counselling {
            parts.push(Part::new(
                Command::Advance {
                    visit,
                    to: Stage::Ready,
                    bed: None,
                    lot: None,
                },
                at,
                None,
            ));
        }
    }
    parts
}

pub(super) fn body(form: &Form, ctx: &Ctx) -> Vec<Item> {
    let (lang, config) = (ctx.lang, ctx.config);
    let c = &texts(lang).clinic;
    let Some(data) = form.counselling_facts() else {
        return fields(form, |_| true);
    };
    let mut out = vec![Item::Heading(c.sec_screening.to_string())];
    if let Some(at) = data.answers_from {
        let day = at.with_timezone(&config.timezone).format("%Y-%m-%d");
        // In view even when the form opens at the consent.
        out.push(Item::Pinned(
            c.from_last_visit.replace("{d}", &day.to_string()),
            Tone::Warning,
        ));
    } else if data.first_visit {
        out.push(Item::Note(c.first_visit_note.to_string(), Tone::Dim));
    }
    out.extend(fields(form, |id| matches!(id, FieldId::Screening(_))));
    if form.has_shown(FieldId::Decision) {
        out.push(Item::Heading(c.sec_block.to_string()));
        // A fever or critical vitals stop the start too: named here,
        // covered by the same decision.
        if !data.vitals_gates.is_empty() {
            let gates: Vec<String> = data
                .vitals_gates
                .iter()
                .map(|g| gate_label(lang, config, g))
                .collect();
            out.push(Item::Note(
                format!("  {}", gates.join(", ")),
                Tone::Critical,
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
            .map(|(_, q)| item_label(lang, config, &q.id))
            .collect();
        out.push(Item::Note(format!("  {}", yes.join(", ")), Tone::Dim));
        out.extend(fields(form, |id| id == FieldId::CautionDoctor));
    }
    // The doctor's PIN, once, for the decision and the acknowledgement
    // (where the clinic asks for it).
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
        if let Some(v) = form.kind.visit().and_then(|id| ctx.board.visit(id)) {
            let missing = if form.missing.is_empty() {
                form.counselling_preview(v, config, lang)
            } else {
                form.missing.clone()
            };
            out.extend(missing_items(ctx, c.sec_missing_ready, &missing));
        }
    }
    out
}
