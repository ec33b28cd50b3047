//! The clinical forms, built from the visit as the board holds it: what
//! was recorded before is filled in (the last visit's screening answers
//! to confirm, an earlier plan to correct), so staff confirm rather than
//! retype.

use super::form::{
    Choice, Field, FieldId, FieldValue, Form, FormKind, choice, choice_field, text_field,
    text_with, treatment_label,
};
use crate::config::Config;
use crate::domain::clinical::{Method, Origin};
use crate::domain::moves::{self, Move};
use crate::domain::rules::{self, AlertCode, adrenaline_dose};
use crate::domain::{Check, Route, Visit};
use crate::i18n::{Lang, texts};

/// The serde name of a unit enum value (`umbilical_cord`).
fn wire<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn yes_no(lang: Lang, answer: Option<bool>) -> Field {
    let c = &texts(lang).clinic;
    let options = vec![
        choice(None, c.answer_unset),
        choice(Some("no"), c.answer_no),
        choice(Some("yes"), c.answer_yes),
    ];
    let index = match answer {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    };
    choice_field(FieldId::Screening(0), options, index)
}

fn number(n: f32) -> String {
    // "10" rather than "10.0" for whole numbers.
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

impl Form {
    /// Screening, the doctor's decisions, consent and the plan. Answers
    /// recorded today come first; else the last visit's, to confirm.
    pub fn counselling(config: &Config, lang: Lang, visit: &Visit) -> Form {
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
            if first_visit && q.flags.contains(&crate::config::RiskFlag::FirstSession) {
                answer = Some(true);
            }
            if required.contains(&q.id) {
                answer = Some(true);
            }
            let mut field = yes_no(lang, answer);
            field.id = FieldId::Screening(i);
            fields.push(field);
        }
        let decision = vec![
            choice(None, c.decision_unset),
            choice(Some("defer"), c.decision_defer),
            choice(Some("override"), c.decision_override),
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
        let plan = care.plan.as_ref();
        let treatment = plan.map_or(visit.treatment.as_str(), |p| p.treatment.as_str());
        let options: Vec<Choice> = config
            .treatments
            .iter()
            .map(|t| choice(Some(&t.id), &treatment_label(config, lang, &t.id)))
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
        let mut options = vec![choice(None, c.not_chosen)];
        options.extend(methods.iter().map(|(m, l)| choice(Some(&wire(m)), l)));
        let index = plan
            .and_then(|p| p.method)
            .and_then(|m| methods.iter().position(|(x, _)| *x == m))
            .map_or(0, |i| i + 1);
        fields.push(choice_field(FieldId::Method, options, index));
        fields.push(text_with(
            FieldId::Sites,
            &plan.map(|p| p.sites.join(", ")).unwrap_or_default(),
        ));
        fields.push(text_with(
            FieldId::DoseMl,
            &plan.map(|p| number(p.dose_ml)).unwrap_or_default(),
        ));
        fields.push(text_with(
            FieldId::Product,
            plan.map_or("", |p| p.product.as_str()),
        ));
        let origins = [
            Origin::Adipose,
            Origin::UmbilicalCord,
            Origin::DentalPulp,
            Origin::BoneMarrow,
            Origin::Placenta,
        ];
        let mut options = vec![choice(None, c.not_chosen)];
        options.extend(
            origins
                .iter()
                .zip(c.origins)
                .map(|(o, l)| choice(Some(&wire(o)), l)),
        );
        let index = plan
            .and_then(|p| p.origin)
            .and_then(|o| origins.iter().position(|x| *x == o))
            .map_or(0, |i| i + 1);
        fields.push(choice_field(FieldId::Origin, options, index));
        fields.push(text_with(
            FieldId::Nurse,
            plan.map_or("", |p| p.nurse.as_str()),
        ));
        fields.push(text_with(
            FieldId::Weight,
            &plan
                .and_then(|p| p.weight_kg)
                .map(number)
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
        // A fever or critical vitals already recorded stop the start like a
        // block answer: the doctor's decision covers them too.
        form.vitals_gates = rules::uncovered_gates(visit, config)
            .into_iter()
            .filter(|g| config.screening_item(g).is_none())
            .collect();
        form.levels = config.screening.iter().map(|q| q.level).collect();
        form.drip_treatments = config
            .treatments
            .iter()
            .filter(|t| t.route == Route::Drip)
            .map(|t| t.id.clone())
            .collect();
        if from_last {
            form.answers_from = visit.history.last_visit;
        }
        form.first_visit = first_visit;
        form.pin_required = config.doctor_pin == crate::config::DoctorPin::Required;
        form
    }

    /// A set of vital signs.
    pub fn vitals(lang: Lang, visit: &Visit) -> Form {
        let c = &texts(lang).clinic;
        let values = ["alert", "confusion", "voice", "pain", "unresponsive"];
        let options = values
            .iter()
            .zip(c.consciousness)
            .map(|(v, l)| choice(Some(v), l))
            .collect();
        Form::new(
            FormKind::Vitals { visit: visit.id },
            vec![
                text_field(FieldId::Systolic),
                text_field(FieldId::Diastolic),
                text_field(FieldId::Pulse),
                text_field(FieldId::Spo2),
                text_field(FieldId::Temperature),
                text_field(FieldId::RespRate),
                choice_field(FieldId::Consciousness, options, 0),
                text_field(FieldId::At),
            ],
        )
    }

    pub fn pause(visit: &Visit) -> Form {
        Form::new(
            FormKind::Pause { visit: visit.id },
            vec![text_field(FieldId::Reason), text_field(FieldId::At)],
        )
    }

    pub fn stop_early(visit: &Visit) -> Form {
        Form::new(
            FormKind::StopEarly { visit: visit.id },
            vec![
                text_field(FieldId::Reason),
                text_field(FieldId::Volume),
                text_field(FieldId::At),
            ],
        )
    }

    /// A reaction: nothing chosen at first (Left once reaches anaphylaxis).
    pub fn reaction(config: &Config, lang: Lang, visit: &Visit) -> Form {
        use crate::domain::ReactionKind::*;
        let c = &texts(lang).clinic;
        let mut options = vec![choice(None, c.decision_unset)];
        options.extend(
            [Local, Vasovagal, Allergic, Anaphylaxis]
                .iter()
                .map(|k| choice(Some(k.as_str()), crate::i18n::reaction_name(lang, *k))),
        );
        let mut form = Form::new(
            FormKind::Reaction { visit: visit.id },
            vec![
                choice_field(FieldId::Kind, options, 0),
                text_field(FieldId::Signs),
                text_field(FieldId::ActionTaken),
                // A vasovagal reaction during a drip: the response starts
                // with "needle out" (DOMAIN.md "Vasovagal reaction").
                Field {
                    id: FieldId::StopDrip,
                    value: FieldValue::Tick(true),
                    error: None,
                },
                text_field(FieldId::At),
            ],
        );
        form.in_drip = visit.stage == crate::domain::Stage::Administration
            && rules::route(visit, config) == Some(Route::Drip);
        form
    }

    /// What happened after a reaction: the doctor came, symptom-free, a
    /// dose of adrenaline (the computed dose filled in), the ambulance, a
    /// transfer, the doctor's clearance.
    pub fn follow_up(
        config: &Config,
        lang: Lang,
        visit: &Visit,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Form {
        let c = &texts(lang).clinic;
        let options = crate::ui::form::FOLLOW_UPS
            .iter()
            .zip(c.followups)
            .map(|(v, l)| choice(Some(v), l))
            .collect();
        // What is due first: a repeat dose when it is due, a first dose, the
        // doctor, the ambulance, symptom-free, the clearance.
        let index = follow_up_due(config, visit, now).unwrap_or(5);
        let dose = adrenaline_dose(visit, config);
        let mut form = Form::new(
            FormKind::FollowUp { visit: visit.id },
            vec![
                choice_field(FieldId::FollowUp, options, index),
                text_field(FieldId::Doctor),
                text_field(FieldId::Pin),
                text_with(
                    FieldId::DoseMg,
                    &dose.map(|d| format!("{d:.2}")).unwrap_or_default(),
                ),
                text_field(FieldId::Reason),
                text_field(FieldId::At),
            ],
        );
        form.focus = 0;
        form.pin_required = config.doctor_pin == crate::config::DoctorPin::Required;
        form
    }

    /// The discharge checklist: one line per item (ticked on the board,
    /// not here), then the time of the discharge.
    pub fn discharge(visit: &Visit) -> Form {
        let mut fields: Vec<Field> = [Check::HemostasisPressure]
            .iter()
            .chain(Check::REQUIRED.iter())
            .map(|item| Field {
                id: FieldId::Check(*item),
                value: FieldValue::Tick(visit.care.checklist.contains_key(item)),
                error: None,
            })
            .collect();
        fields.push(text_field(FieldId::At));
        let mut form = Form::new(FormKind::Discharge { visit: visit.id }, fields);
        // Start on the first item not done.
        form.focus = (0..form.fields.len())
            .find(|i| {
                matches!(form.fields[*i].id, FieldId::Check(item) if !visit.care.checklist.contains_key(&item))
            })
            .unwrap_or(form.fields.len().saturating_sub(1));
        form
    }
}

/// Which follow-up (an index of `FOLLOW_UPS`) is due first, asked of the
/// protocol and the alerts: a repeat dose when it is due, a first dose,
/// the doctor, the ambulance, symptom-free, the clearance.
pub fn follow_up_due(
    config: &Config,
    visit: &Visit,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<usize> {
    let care = &visit.care;
    let alerts = rules::visit_alerts(visit, config, now);
    let due = |code: AlertCode| alerts.iter().any(|a| a.code == code);
    let offered = |mv: Move| moves::offered(visit, config, mv, now);
    let index = |name: &str| crate::ui::form::FOLLOW_UPS.iter().position(|f| *f == name);
    let open = care.open_reaction().map(|r| r.kind);
    use crate::domain::ReactionKind::{Allergic, Anaphylaxis};
    if due(AlertCode::AdrenalineRepeatDue) || (open == Some(Anaphylaxis) && care.doses.is_empty()) {
        return index("adrenaline");
    }
    // After the first dose of an anaphylaxis: the ambulance, then the
    // doctor; an allergic reaction: the doctor.
    if open == Some(Anaphylaxis) && offered(Move::AmbulanceCalled) {
        return index("ambulance_called");
    }
    let reaction_at = care.open_reaction().map(|r| r.at);
    if matches!(open, Some(Allergic | Anaphylaxis))
        && !reaction_at.is_some_and(|at| care.doctor_since(at))
    {
        return index("doctor_present");
    }
    if offered(Move::AmbulanceCalled) {
        return index("ambulance_called");
    }
    if offered(Move::SymptomFree) {
        return index("symptom_free");
    }
    if offered(Move::Clearance) && rules::covering_clearance(visit).is_none() {
        return index("clearance");
    }
    None
}
