//! What happened after a reaction: the doctor came, symptom-free, a dose
//! of adrenaline (the computed dose filled in; a dose above it is asked a
//! second time, with the doctor who confirms it), the ambulance, a
//! transfer, the doctor's clearance. The form opens on what is due, as
//! the protocol and the alerts say.

use chrono::{DateTime, Utc};

use super::read::{Errors, clean, number, reason, required};
use super::{
    Ctx, FieldId, Form, FormData, FormKind, Item, Part, Tone, Value, choice, choice_field, fields,
    text_field, text_with,
};
use crate::config::{Config, DoctorPin};
use crate::domain::moves::{self, Move};
use crate::domain::rules::{self, AlertCode, adrenaline_dose, dose_too_high};
use crate::domain::{Command, Entry, ReactionKind, Visit, VisitId};
use crate::i18n::{Lang, reaction_name, texts};
use crate::ui::view::fmt::clock;

/// The follow-ups after a reaction, in the order of the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUp {
    DoctorPresent,
    SymptomFree,
    Adrenaline,
    AmbulanceCalled,
    Transfer,
    Clearance,
}

impl FollowUp {
    pub const ALL: [FollowUp; 6] = [
        FollowUp::DoctorPresent,
        FollowUp::SymptomFree,
        FollowUp::Adrenaline,
        FollowUp::AmbulanceCalled,
        FollowUp::Transfer,
        FollowUp::Clearance,
    ];
}

impl Form {
    pub fn follow_up(config: &Config, lang: Lang, visit: &Visit, now: DateTime<Utc>) -> Form {
        let c = &texts(lang).clinic;
        let options = FollowUp::ALL
            .iter()
            .zip(c.followups)
            .map(|(f, l)| choice(Value::FollowUp(*f), l))
            .collect();
        let due = follow_up_due(config, visit, now).unwrap_or(FollowUp::Clearance);
        let index = FollowUp::ALL.iter().position(|f| *f == due).unwrap_or(0);
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
        form.data = FormData::FollowUp {
            confirm_dose: false,
        };
        form.pin_required = config.doctor_pin == DoctorPin::Required;
        form
    }
}

fn chosen(form: &Form) -> Option<FollowUp> {
    match form.chosen(FieldId::FollowUp) {
        Value::FollowUp(f) => Some(*f),
        _ => None,
    }
}

fn confirming(form: &Form) -> bool {
    matches!(form.data, FormData::FollowUp { confirm_dose: true })
}

pub(super) fn shown(form: &Form, id: FieldId) -> bool {
    let f = chosen(form);
    match id {
        FieldId::Doctor => match f {
            Some(FollowUp::DoctorPresent | FollowUp::Clearance) => true,
            Some(FollowUp::Adrenaline) => confirming(form),
            _ => false,
        },
        FieldId::Reason => matches!(f, Some(FollowUp::Transfer | FollowUp::Clearance)),
        FieldId::Pin => form.pin_required && form.has_shown(FieldId::Doctor),
        FieldId::DoseMg => f == Some(FollowUp::Adrenaline),
        _ => true,
    }
}

pub(super) fn submit(
    form: &mut Form,
    ctx: &Ctx,
    visit: VisitId,
    at: Option<DateTime<Utc>>,
    errors: &mut Errors,
) -> Vec<Part> {
    let (lang, config) = (ctx.lang, ctx.config);
    let c = &texts(lang).clinic;
    let field = Some(FieldId::FollowUp);
    let record = |entry: Entry| Part::new(Command::Record { visit, entry }, at, field);
    match chosen(form).unwrap_or(FollowUp::Clearance) {
        FollowUp::DoctorPresent => {
            let doctor = required(form, FieldId::Doctor, lang, errors);
            vec![record(Entry::DoctorPresent { doctor })]
        }
        FollowUp::SymptomFree => vec![record(Entry::SymptomFree)],
        FollowUp::Adrenaline => {
            let dose = number(form, FieldId::DoseMg, lang, errors);
            if form.text(FieldId::DoseMg).trim().is_empty() {
                errors.add(FieldId::DoseMg, c.err_required);
            }
            let dose_mg = dose.unwrap_or_default();
            // A dose above the one for this patient is asked a second
            // time: the doctor confirms it (the rule is the domain's; the
            // server checks it again).
            let too_high = ctx
                .board
                .visit(visit)
                .and_then(|v| dose_too_high(v, config, dose_mg));
            let mut confirmed_by = None;
            if let Some(why) = too_high.filter(|_| dose.is_some()) {
                if confirming(form) {
                    confirmed_by = Some(required(form, FieldId::Doctor, lang, errors));
                } else {
                    form.data = FormData::FollowUp { confirm_dose: true };
                    errors.add(
                        FieldId::DoseMg,
                        &c.confirm_dose
                            .replace("{why}", &crate::i18n::dose_problem(lang, &why)),
                    );
                }
            }
            vec![record(Entry::Adrenaline {
                dose_mg,
                confirmed_by,
            })]
        }
        FollowUp::AmbulanceCalled => vec![record(Entry::AmbulanceCalled)],
        FollowUp::Transfer => {
            let reason = reason(form, lang, errors);
            vec![Part::new(
                Command::Transfer { visit, reason },
                at,
                Some(FieldId::Reason),
            )]
        }
        FollowUp::Clearance => {
            let doctor = required(form, FieldId::Doctor, lang, errors);
            let reason = Some(clean(form, FieldId::Reason)).filter(|r| !r.is_empty());
            vec![record(Entry::Clearance { doctor, reason })]
        }
    }
}

pub(super) fn body(form: &Form, ctx: &Ctx) -> Vec<Item> {
    let c = &texts(ctx.lang).clinic;
    let tz = ctx.config.timezone;
    let mut out = Vec::new();
    if let Some(v) = form.kind.visit().and_then(|id| ctx.board.visit(id)) {
        let care = &v.care;
        if let Some(r) = care.open_reaction() {
            out.push(Item::Note(
                format!(
                    "{} {} {}",
                    clock(tz, r.at),
                    reaction_name(ctx.lang, r.kind),
                    c.reaction_open
                ),
                Tone::Critical,
            ));
        }
        for dose in &care.doses {
            out.push(Item::Note(
                format!(
                    "{} {}",
                    clock(tz, dose.at),
                    c.adrenaline_im.replace("{d}", &format!("{:.2}", dose.mg))
                ),
                Tone::Dim,
            ));
        }
    }
    out.extend(fields(form, |_| true));
    out
}

/// Which follow-up is due first, asked of the protocol and the alerts: a
/// repeat dose when it is due, a first dose, the doctor, the ambulance,
/// symptom-free, the clearance.
pub fn follow_up_due(config: &Config, visit: &Visit, now: DateTime<Utc>) -> Option<FollowUp> {
    let care = &visit.care;
    let alerts = rules::visit_alerts(visit, config, now);
    let due = |code: AlertCode| alerts.iter().any(|a| a.code == code);
    let offered = |mv: Move| moves::offered(visit, config, mv, now);
    let open = care.open_reaction().map(|r| r.kind);
    use ReactionKind::{Allergic, Anaphylaxis};
    if due(AlertCode::AdrenalineRepeatDue) || (open == Some(Anaphylaxis) && care.doses.is_empty()) {
        return Some(FollowUp::Adrenaline);
    }
    // After the first dose of an anaphylaxis: the ambulance, then the
    // doctor; an allergic reaction: the doctor.
    if open == Some(Anaphylaxis) && offered(Move::AmbulanceCalled) {
        return Some(FollowUp::AmbulanceCalled);
    }
    let reaction_at = care.open_reaction().map(|r| r.at);
    if matches!(open, Some(Allergic | Anaphylaxis))
        && !reaction_at.is_some_and(|at| care.doctor_since(at))
    {
        return Some(FollowUp::DoctorPresent);
    }
    if offered(Move::AmbulanceCalled) {
        return Some(FollowUp::AmbulanceCalled);
    }
    if offered(Move::SymptomFree) {
        return Some(FollowUp::SymptomFree);
    }
    if offered(Move::Clearance) && rules::covering_clearance(visit).is_none() {
        return Some(FollowUp::Clearance);
    }
    None
}
