//! Turning a filled form into requests, after the checks that can be made
//! here: a number that is not a number, a required field left blank, an
//! unanswered screening item. On failure the errors are shown next to
//! their fields and nothing is sent; the server checks the rest (a BP of
//! 400, an expired lot) and its answer lands next to the same fields.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};

use super::form::{FieldId, Form, FormKind, Part, Submission};
use crate::config::{Config, Level};
use crate::domain::clinical::{Answers, Consciousness, Lot, Method, Origin, Plan, Vitals};
use crate::domain::rules::{dose_too_high, missing_for_ready};
use crate::domain::{Board, Command, Entry, Missing, ReactionKind, Stage, Visit, VisitId};
use crate::domain::{parse_at, text::sanitize};
use crate::i18n::{Lang, missing_text, texts};

/// A unit enum from its serde name.
fn from_wire<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}

/// Errors found while reading a form, by field.
#[derive(Default)]
struct Errors(Vec<(FieldId, String)>);

impl Errors {
    fn add(&mut self, id: FieldId, message: &str) {
        self.0.push((id, message.to_string()));
    }
}

/// The counselling form read as entries (each with the field a refusal
/// belongs to), whatever is incomplete; and the errors found.
pub struct Counselled {
    pub entries: Vec<(Entry, Option<FieldId>)>,
    /// The reason, when the visit is deferred.
    pub defer: Option<String>,
    errors: Errors,
}

impl Form {
    fn clean(&self, id: FieldId) -> String {
        sanitize(self.text(id))
    }

    /// A number typed in a field: `None` when blank.
    fn number(&self, id: FieldId, lang: Lang, errors: &mut Errors) -> Option<f32> {
        let text = self.text(id).trim().replace(',', ".");
        if text.is_empty() {
            return None;
        }
        match text.parse::<f32>() {
            Ok(n) if n.is_finite() => Some(n),
            _ => {
                errors.add(id, texts(lang).clinic.err_not_a_number);
                None
            }
        }
    }

    /// A required whole number that fits `T`.
    fn whole<T: TryFrom<u32>>(&self, id: FieldId, lang: Lang, errors: &mut Errors) -> Option<T> {
        let c = &texts(lang).clinic;
        let text = self.text(id).trim();
        if text.is_empty() {
            errors.add(id, c.err_required);
            return None;
        }
        let Ok(n) = text.parse::<u32>() else {
            errors.add(id, c.err_not_a_number);
            return None;
        };
        match T::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                errors.add(id, c.err_out_of_range);
                None
            }
        }
    }

    fn required(&self, id: FieldId, lang: Lang, errors: &mut Errors) -> String {
        let text = self.clean(id);
        if text.is_empty() {
            errors.add(id, texts(lang).clinic.err_required);
        }
        text
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
                Some(a) => {
                    answers.insert(q.id.clone(), a == "yes");
                }
                None => {
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
                None => errors.add(FieldId::Decision, c.err_choose),
                Some("defer") => {
                    let mut reason = self.clean(FieldId::Reason);
                    if reason.is_empty() {
                        let items: Vec<String> = self
                            .gates(config)
                            .iter()
                            .map(|g| crate::i18n::gate_label(lang, config, g))
                            .collect();
                        reason = format!("{}: {}", c.defer_reason, items.join(", "));
                    }
                    defer = Some(reason);
                }
                Some(_) => {
                    let doctor = self.required(FieldId::Doctor, lang, &mut errors);
                    let reason = self.required(FieldId::Reason, lang, &mut errors);
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
            let doctor = self.clean(FieldId::CautionDoctor);
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
        gates.extend(self.vitals_gates.iter().cloned());
        gates
    }

    /// The plan, when any of it is filled in.
    fn plan(&self, lang: Lang, errors: &mut Errors) -> Option<Plan> {
        let c = &texts(lang).clinic;
        let typed = [
            FieldId::DoseMl,
            FieldId::Product,
            FieldId::Nurse,
            FieldId::Weight,
            FieldId::Age,
        ]
        .iter()
        .any(|id| !self.text(*id).trim().is_empty());
        if !typed {
            return None;
        }
        let before = errors.0.len();
        let dose_ml = match self.number(FieldId::DoseMl, lang, errors) {
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
        let product = self.required(FieldId::Product, lang, errors);
        let nurse = self.required(FieldId::Nurse, lang, errors);
        let weight_kg = match self.number(FieldId::Weight, lang, errors) {
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
        let treatment = self
            .chosen(FieldId::Treatment)
            .unwrap_or_default()
            .to_string();
        let injection = !self.drip_treatments.contains(&treatment);
        let plan = Plan {
            treatment,
            method: self
                .chosen(FieldId::Method)
                .filter(|_| injection)
                .and_then(from_wire::<Method>),
            sites: if injection {
                self.text(FieldId::Sites)
                    .split([',', '、'])
                    .map(sanitize)
                    .filter(|s| !s.is_empty())
                    .collect()
            } else {
                Vec::new()
            },
            dose_ml,
            product,
            origin: self.chosen(FieldId::Origin).and_then(from_wire::<Origin>),
            nurse,
            weight_kg,
            age_years,
        };
        (errors.0.len() == before).then_some(plan)
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

    /// Checks what can be checked here and builds the requests. On
    /// failure the errors are shown next to their fields and nothing is
    /// to be sent.
    pub fn submit(
        &mut self,
        board: &Board,
        config: &Config,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> Option<Submission> {
        self.clear_errors();
        self.missing.clear();
        let ui = &texts(lang).ui;
        let c = &texts(lang).clinic;
        let mut errors = Errors::default();
        // (In the correction form the time field is the right time, read
        // there.)
        let correcting = matches!(self.kind, FormKind::Correct { .. });
        let at = match self.text(FieldId::At).trim() {
            _ if correcting => None,
            "" => None,
            text => match parse_at(text, config.timezone, now) {
                Ok(at) => Some(at),
                Err(_) => {
                    errors.add(FieldId::At, ui.err_bad_time);
                    None
                }
            },
        };
        let one = |command: Command| {
            vec![Part {
                command,
                at,
                field: None,
                pin: None,
            }]
        };
        let record = |visit: VisitId, entry: Entry, field: Option<FieldId>| Part {
            command: Command::Record { visit, entry },
            at,
            field,
            pin: None,
        };
        let mut saved_note = None;
        let parts = match self.kind {
            FormKind::Arrival => {
                let name = self.clean(FieldId::Name);
                if name.is_empty() {
                    errors.add(FieldId::Name, ui.err_name_empty);
                }
                let chart_no = Some(self.clean(FieldId::ChartNo)).filter(|c| !c.is_empty());
                let treatment = self
                    .chosen(FieldId::Treatment)
                    .unwrap_or_default()
                    .to_string();
                one(Command::Arrive {
                    name,
                    treatment,
                    chart_no,
                    key: None,
                })
            }
            FormKind::Advance { visit, to } => {
                let bed = self.chosen(FieldId::Bed).map(str::to_string);
                if self.bed_required && bed.is_none() {
                    errors.add(FieldId::Bed, ui.err_bed_required);
                }
                let lot = if to == Stage::Administration {
                    let number = self.clean(FieldId::Lot);
                    if number.is_empty() {
                        errors.add(FieldId::Lot, c.err_lot_blank);
                    }
                    let expiry = match self.text(FieldId::LotExpiry).trim() {
                        "" => None,
                        text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                            Ok(d) => Some(d),
                            Err(_) => {
                                errors.add(FieldId::LotExpiry, c.err_bad_date);
                                None
                            }
                        },
                    };
                    Some(Lot { number, expiry })
                } else {
                    None
                };
                one(Command::Advance {
                    visit,
                    to,
                    bed,
                    lot,
                })
            }
            FormKind::Cancel { visit } => {
                let reason = self.clean(FieldId::Reason);
                if reason.is_empty() {
                    errors.add(FieldId::Reason, ui.err_reason_empty);
                }
                one(Command::Cancel { visit, reason })
            }
            FormKind::Undo { visit } => {
                let reason = self.clean(FieldId::Reason);
                if reason.is_empty() {
                    errors.add(FieldId::Reason, ui.err_reason_empty);
                }
                one(Command::Undo {
                    visit,
                    reason: Some(reason),
                })
            }
            FormKind::SkipCheck { visit, minute } => {
                let reason = self.required(FieldId::Reason, lang, &mut errors);
                vec![record(
                    visit,
                    Entry::DripCheck {
                        minute,
                        skipped: Some(reason),
                    },
                    Some(FieldId::Reason),
                )]
            }
            FormKind::Counselling { visit } => {
                let counselled = self.counselled(config, lang);
                errors.0.extend(counselled.errors.0);
                let mut parts: Vec<Part> = counselled
                    .entries
                    .iter()
                    .map(|(entry, field)| record(visit, entry.clone(), *field))
                    .collect();
                if let Some(reason) = counselled.defer {
                    parts.push(Part {
                        command: Command::Defer { visit, reason },
                        at,
                        field: Some(FieldId::Reason),
                        pin: None,
                    });
                } else if let Some(v) = board.visit(visit) {
                    let missing = self.counselling_preview(v, config, lang);
                    if !missing.is_empty() {
                        let list: Vec<String> = missing
                            .iter()
                            .map(|m| missing_text(lang, m, config))
                            .collect();
                        saved_note = Some(c.saved_not_ready.replace("{m}", &list.join("; ")));
                    } else if v.stage == Stage::Counselling {
                        parts.push(Part {
                            command: Command::Advance {
                                visit,
                                to: Stage::Ready,
                                bed: None,
                                lot: None,
                            },
                            at,
                            field: None,
                            pin: None,
                        });
                    }
                }
                parts
            }
            FormKind::Vitals { visit } => {
                let e = &mut errors;
                let systolic = self.whole::<u16>(FieldId::Systolic, lang, e);
                let diastolic = self.whole::<u16>(FieldId::Diastolic, lang, e);
                let pulse = self.whole::<u16>(FieldId::Pulse, lang, e);
                let spo2 = self.whole::<u8>(FieldId::Spo2, lang, e);
                let temperature = self.number(FieldId::Temperature, lang, e);
                if self.text(FieldId::Temperature).trim().is_empty() {
                    e.add(FieldId::Temperature, c.err_required);
                }
                let respiratory_rate = self.whole::<u8>(FieldId::RespRate, lang, e);
                let consciousness = self
                    .chosen(FieldId::Consciousness)
                    .and_then(from_wire::<Consciousness>)
                    .unwrap_or(Consciousness::Alert);
                match (
                    systolic,
                    diastolic,
                    pulse,
                    spo2,
                    temperature,
                    respiratory_rate,
                ) {
                    (Some(s), Some(d), Some(p), Some(o), Some(t), Some(r)) => {
                        let vitals = Vitals {
                            systolic: s,
                            diastolic: d,
                            pulse: p,
                            spo2: o,
                            temperature: t,
                            respiratory_rate: r,
                            consciousness,
                        };
                        vec![record(visit, Entry::Vitals { vitals }, None)]
                    }
                    _ => Vec::new(),
                }
            }
            FormKind::Pause { visit } => {
                let reason = self.required(FieldId::Reason, lang, &mut errors);
                vec![record(
                    visit,
                    Entry::Pause { reason },
                    Some(FieldId::Reason),
                )]
            }
            FormKind::StopEarly { visit } => {
                let reason = self.clean(FieldId::Reason);
                if reason.is_empty() {
                    errors.add(FieldId::Reason, ui.err_reason_empty);
                }
                let volume_ml = self.number(FieldId::Volume, lang, &mut errors);
                one(Command::StopEarly {
                    visit,
                    reason,
                    volume_ml,
                })
            }
            FormKind::Reaction { visit } => {
                let kind = self
                    .chosen(FieldId::Kind)
                    .and_then(from_wire::<ReactionKind>);
                if kind.is_none() {
                    errors.add(FieldId::Kind, c.err_choose);
                }
                let signs = self.required(FieldId::Signs, lang, &mut errors);
                let action = self.clean(FieldId::ActionTaken);
                let stop_drip = self.has_shown(FieldId::StopDrip) && self.ticked(FieldId::StopDrip);
                match kind {
                    Some(reaction) => vec![record(
                        visit,
                        Entry::Reaction {
                            reaction,
                            signs,
                            action,
                            stop_drip,
                        },
                        Some(FieldId::Kind),
                    )],
                    None => Vec::new(),
                }
            }
            FormKind::FollowUp { visit } => {
                let field = Some(FieldId::FollowUp);
                match self.chosen(FieldId::FollowUp).unwrap_or_default() {
                    "doctor_present" => {
                        let doctor = self.required(FieldId::Doctor, lang, &mut errors);
                        vec![record(visit, Entry::DoctorPresent { doctor }, field)]
                    }
                    "symptom_free" => vec![record(visit, Entry::SymptomFree, field)],
                    "adrenaline" => {
                        let dose = self.number(FieldId::DoseMg, lang, &mut errors);
                        if self.text(FieldId::DoseMg).trim().is_empty() {
                            errors.add(FieldId::DoseMg, c.err_required);
                        }
                        let dose_mg = dose.unwrap_or_default();
                        // A dose above the one for this patient is asked a
                        // second time: the doctor confirms it (the rule is
                        // the domain's; the server checks it again).
                        let too_high = board
                            .visit(visit)
                            .and_then(|v| dose_too_high(v, config, dose_mg));
                        let mut confirmed_by = None;
                        if let Some(why) = too_high.filter(|_| dose.is_some()) {
                            if self.confirm_dose {
                                let doctor = self.required(FieldId::Doctor, lang, &mut errors);
                                confirmed_by = Some(doctor);
                            } else {
                                self.confirm_dose = true;
                                errors.add(
                                    FieldId::DoseMg,
                                    &c.confirm_dose
                                        .replace("{why}", &crate::i18n::dose_problem(lang, &why)),
                                );
                            }
                        }
                        vec![record(
                            visit,
                            Entry::Adrenaline {
                                dose_mg,
                                confirmed_by,
                            },
                            field,
                        )]
                    }
                    "ambulance_called" => vec![record(visit, Entry::AmbulanceCalled, field)],
                    "transfer" => {
                        let reason = self.clean(FieldId::Reason);
                        if reason.is_empty() {
                            errors.add(FieldId::Reason, ui.err_reason_empty);
                        }
                        vec![Part {
                            command: Command::Transfer { visit, reason },
                            at,
                            field: Some(FieldId::Reason),
                            pin: None,
                        }]
                    }
                    _ => {
                        let doctor = self.required(FieldId::Doctor, lang, &mut errors);
                        let reason = Some(self.clean(FieldId::Reason)).filter(|r| !r.is_empty());
                        vec![record(visit, Entry::Clearance { doctor, reason }, field)]
                    }
                }
            }
            FormKind::Discharge { visit } => one(Command::Advance {
                visit,
                to: Stage::Discharged,
                bed: None,
                lot: None,
            }),
            FormKind::Correct { visit } => {
                let reason = self.clean(FieldId::Reason);
                if reason.is_empty() {
                    errors.add(FieldId::Reason, ui.err_reason_empty);
                }
                saved_note = Some(texts(lang).records.corrected.to_string());
                match board.visit(visit).map(|v| self.correction(v, config, lang)) {
                    Some(Ok(correction)) => one(Command::Correct {
                        visit,
                        correction,
                        reason,
                        doctor: Some(self.clean(FieldId::Doctor)).filter(|d| !d.is_empty()),
                    }),
                    Some(Err((id, message))) => {
                        errors.add(id, message);
                        Vec::new()
                    }
                    None => {
                        self.set_error(None, ui.not_active.to_string());
                        Vec::new()
                    }
                }
            }
        };
        // A doctor's act carries the doctor's PIN where the clinic asks.
        let mut parts = parts;
        if self.has_shown(FieldId::Pin) {
            let pin = self.text(FieldId::Pin).trim().to_string();
            for part in &mut parts {
                if part.command.doctor_named().is_some() {
                    if pin.is_empty() {
                        errors.add(FieldId::Pin, c.err_required);
                    }
                    part.pin = Some(pin.clone());
                }
            }
        }
        for (id, message) in errors.0 {
            self.set_error(Some(id), message);
        }
        if self.has_errors() || parts.is_empty() {
            return None;
        }
        Some(Submission {
            parts,
            close: true,
            saved_note,
        })
    }

    /// Space on a checklist item: records it now (the hemostasis timer
    /// starts when the pressure is recorded). The form stays open.
    pub fn tick(&mut self) -> Option<Submission> {
        let FormKind::Discharge { visit } = self.kind else {
            return None;
        };
        let field = self.focused()?.id;
        let FieldId::Check(item) = field else {
            return None;
        };
        self.clear_errors();
        self.missing.clear();
        Some(Submission {
            parts: vec![Part {
                command: Command::Record {
                    visit,
                    entry: Entry::Checklist { item },
                },
                at: None,
                field: Some(field),
                pin: None,
            }],
            close: false,
            saved_note: None,
        })
    }
}
