//! Forms as model state: which fields a form has, what is typed or chosen
//! in each, which are shown now, where the focus is, the errors shown next
//! to fields, and the requests it is waiting for. Turning a filled form
//! into requests (with client-side checks) lives in `submit.rs`; the
//! clinical forms are built in `clinic_forms.rs`.

use chrono::{DateTime, Utc};

use super::input::TextInput;
use crate::config::{Config, Level};
use crate::domain::{Board, Check, Missing, Route, Stage, VisitId, free_beds, text::sanitize};
use crate::i18n::{Lang, texts};
use crate::protocol::ErrorBody;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldId {
    Name,
    ChartNo,
    Treatment,
    Bed,
    Reason,
    At,
    // Counselling.
    /// The screening item at this index of the config.
    Screening(usize),
    /// Defer, or the doctor's override, when a block item is yes.
    Decision,
    /// The doctor of an override, a follow-up or a clearance.
    Doctor,
    /// The doctor who acknowledges the caution answers.
    CautionDoctor,
    /// The doctor's PIN, where the clinic asks for one (never shown).
    Pin,
    /// The consent item at this index of the config.
    Consent(usize),
    Method,
    Sites,
    DoseMl,
    Product,
    Origin,
    Nurse,
    Weight,
    /// Age in years (the child's adrenaline cap).
    Age,
    // Vitals.
    Systolic,
    Diastolic,
    Pulse,
    Spo2,
    Temperature,
    RespRate,
    Consciousness,
    // Start of administration.
    Lot,
    LotExpiry,
    // Stop early.
    Volume,
    // Reactions.
    Kind,
    Signs,
    ActionTaken,
    /// A vasovagal reaction during a drip: take the needle out.
    StopDrip,
    FollowUp,
    DoseMg,
    // The discharge checklist (the state comes from the board).
    Check(Check),
    // Corrections.
    /// Which recorded value is corrected.
    What,
}

/// One option of a choice field: the value sent (`None`: nothing chosen,
/// or "no bed") and the words shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: Option<String>,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    Text(TextInput),
    Choice {
        options: Vec<Choice>,
        index: usize,
    },
    /// A checkbox.
    Tick(bool),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub id: FieldId,
    pub value: FieldValue,
    /// Shown next to the field: a client-side check or the server's answer.
    pub error: Option<String>,
}

/// What the form is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Arrival,
    /// Moving a visit on; into administration it asks for bed and lot.
    Advance {
        visit: VisitId,
        to: Stage,
    },
    Cancel {
        visit: VisitId,
    },
    /// Screening, consent and plan; then ready (from counselling).
    Counselling {
        visit: VisitId,
    },
    Vitals {
        visit: VisitId,
    },
    Pause {
        visit: VisitId,
    },
    StopEarly {
        visit: VisitId,
    },
    Reaction {
        visit: VisitId,
    },
    FollowUp {
        visit: VisitId,
    },
    /// The discharge checklist (Space ticks, Enter discharges).
    Discharge {
        visit: VisitId,
    },
    /// A recorded value was wrong: the right one and why.
    Correct {
        visit: VisitId,
    },
    /// Undo the last action, with the reason (a reaction, a dose, an
    /// approval, a change of stage).
    Undo {
        visit: VisitId,
    },
    /// Skip the due drip check, with the reason.
    SkipCheck {
        visit: VisitId,
        minute: u32,
    },
}

impl FormKind {
    pub fn visit(self) -> Option<VisitId> {
        match self {
            FormKind::Arrival => None,
            FormKind::Advance { visit, .. }
            | FormKind::Cancel { visit }
            | FormKind::Counselling { visit }
            | FormKind::Vitals { visit }
            | FormKind::Pause { visit }
            | FormKind::StopEarly { visit }
            | FormKind::Reaction { visit }
            | FormKind::FollowUp { visit }
            | FormKind::Discharge { visit }
            | FormKind::Correct { visit }
            | FormKind::Undo { visit }
            | FormKind::SkipCheck { visit, .. } => Some(visit),
        }
    }
}

/// The follow-up actions after a reaction, in the order of the menu.
pub const FOLLOW_UPS: [&str; 6] = [
    "doctor_present",
    "symptom_free",
    "adrenaline",
    "ambulance_called",
    "transfer",
    "clearance",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub kind: FormKind,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// An error that belongs to no field, shown at the bottom.
    pub error: Option<String>,
    /// The requests sent for this form, in order, while their replies are
    /// awaited; with the field a refusal of each is about.
    pub pending: Vec<(u64, Option<FieldId>)>,
    /// A drip cannot start without a bed.
    pub bed_required: bool,
    /// What the server said is still missing (a refused move).
    pub missing: Vec<Missing>,
    /// Some request of the last batch was refused.
    pub failed: bool,
    /// Whether the form closes when every request of the batch is saved.
    pub close_on_ok: bool,
    /// The status line once the batch is saved (else "Saved").
    pub saved_note: Option<String>,
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
    /// The reaction form of a patient on a drip.
    pub in_drip: bool,
    /// The dose typed is above the computed one: the next Enter confirms
    /// it with the doctor named.
    pub confirm_dose: bool,
    /// The clinic asks for the doctor's PIN with doctors' acts.
    pub pin_required: bool,
}

/// One request of a submitted form.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub command: crate::domain::Command,
    pub at: Option<DateTime<Utc>>,
    /// The field a refusal of this request is shown next to, when the
    /// server names none the form has.
    pub field: Option<FieldId>,
    /// The doctor's PIN, for a doctor's act where the clinic asks for it.
    pub pin: Option<String>,
}

/// A form that passed the client-side checks: its requests, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub parts: Vec<Part>,
    pub close: bool,
    pub saved_note: Option<String>,
}

pub(super) fn text_field(id: FieldId) -> Field {
    Field {
        id,
        value: FieldValue::Text(TextInput::new()),
        error: None,
    }
}

pub(super) fn text_with(id: FieldId, text: &str) -> Field {
    Field {
        id,
        value: FieldValue::Text(TextInput::with_text(text)),
        error: None,
    }
}

pub(super) fn choice_field(id: FieldId, options: Vec<Choice>, index: usize) -> Field {
    Field {
        id,
        value: FieldValue::Choice { options, index },
        error: None,
    }
}

pub(super) fn choice(value: Option<&str>, label: &str) -> Choice {
    Choice {
        value: value.map(str::to_string),
        label: label.to_string(),
    }
}

impl Form {
    pub(super) fn new(kind: FormKind, fields: Vec<Field>) -> Form {
        Form {
            kind,
            fields,
            focus: 0,
            error: None,
            pending: Vec::new(),
            bed_required: false,
            missing: Vec::new(),
            failed: false,
            close_on_ok: true,
            saved_note: None,
            levels: Vec::new(),
            drip_treatments: Vec::new(),
            answers_from: None,
            first_visit: false,
            vitals_gates: Vec::new(),
            in_drip: false,
            confirm_dose: false,
            pin_required: false,
        }
    }

    /// Reception registers a patient: name, chart number, treatment, time.
    pub fn arrival(config: &Config, lang: Lang) -> Form {
        let options = config
            .treatments
            .iter()
            .map(|t| Choice {
                value: Some(t.id.clone()),
                label: treatment_label(config, lang, &t.id),
            })
            .collect();
        Form::new(
            FormKind::Arrival,
            vec![
                text_field(FieldId::Name),
                text_field(FieldId::ChartNo),
                choice_field(FieldId::Treatment, options, 0),
                text_field(FieldId::At),
            ],
        )
    }

    /// Moving a patient on. Into administration it asks for the bed
    /// (required for a drip, "none" allowed for an injection) and the lot;
    /// every other move only asks for the time, so Enter, Enter is the
    /// common case.
    pub fn advance(board: &Board, config: &Config, lang: Lang, visit: VisitId, to: Stage) -> Form {
        let mut fields = Vec::new();
        let mut bed_required = false;
        if to == Stage::Administration {
            let route = board
                .visit(visit)
                .and_then(|v| config.treatment(&v.treatment))
                .map(|t| t.route);
            bed_required = route == Some(Route::Drip);
            let ui = &texts(lang).ui;
            let first = Choice {
                value: None,
                label: if bed_required {
                    ui.bed_choose
                } else {
                    ui.bed_none
                }
                .to_string(),
            };
            let options = std::iter::once(first)
                .chain(free_beds(board, config).map(|b| Choice {
                    value: Some(b.to_string()),
                    label: b.to_string(),
                }))
                .collect();
            fields.push(choice_field(FieldId::Bed, options, 0));
            fields.push(text_field(FieldId::Lot));
            fields.push(text_field(FieldId::LotExpiry));
        }
        fields.push(text_field(FieldId::At));
        let mut form = Form::new(FormKind::Advance { visit, to }, fields);
        form.bed_required = bed_required;
        form
    }

    /// Undo the last action with the reason.
    pub fn undo(visit: VisitId) -> Form {
        Form::new(FormKind::Undo { visit }, vec![text_field(FieldId::Reason)])
    }

    /// Skip the due drip check: why, and when.
    pub fn skip_check(visit: VisitId, minute: u32) -> Form {
        Form::new(
            FormKind::SkipCheck { visit, minute },
            vec![text_field(FieldId::Reason), text_field(FieldId::At)],
        )
    }

    /// The patient left, did not come, or withdrew: a reason and the time.
    pub fn cancel(visit: VisitId) -> Form {
        Form::new(
            FormKind::Cancel { visit },
            vec![text_field(FieldId::Reason), text_field(FieldId::At)],
        )
    }

    pub fn field(&self, id: FieldId) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn focused_mut(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }

    /// The text typed in a field ("" when the form has no such field).
    pub fn text(&self, id: FieldId) -> &str {
        match self.field(id).map(|f| &f.value) {
            Some(FieldValue::Text(input)) => input.text(),
            _ => "",
        }
    }

    /// The value chosen in a choice field.
    pub fn chosen(&self, id: FieldId) -> Option<&str> {
        match self.field(id).map(|f| &f.value) {
            Some(FieldValue::Choice { options, index }) => {
                options.get(*index).and_then(|c| c.value.as_deref())
            }
            _ => None,
        }
    }

    /// Whether a checkbox is ticked.
    pub fn ticked(&self, id: FieldId) -> bool {
        matches!(
            self.field(id).map(|f| &f.value),
            Some(FieldValue::Tick(true))
        )
    }

    /// Whether the screening item at `i` is answered yes.
    pub fn yes(&self, i: usize) -> bool {
        self.chosen(FieldId::Screening(i)) == Some("yes")
    }

    /// Whether some screening item of `level` is answered yes.
    pub fn any_yes(&self, level: Level) -> bool {
        self.levels
            .iter()
            .enumerate()
            .any(|(i, l)| *l == level && self.yes(i))
    }

    /// Something stops the start: a block answer yes, or a fever or
    /// critical vitals already recorded. The doctor decides: defer, or
    /// override.
    pub fn blocked(&self) -> bool {
        self.any_yes(Level::Block) || !self.vitals_gates.is_empty()
    }

    /// The counselling ends in deferral: only the screening and the
    /// deferral are sent.
    pub fn deferring(&self) -> bool {
        self.blocked() && self.chosen(FieldId::Decision) == Some("defer")
    }

    fn follow_up_choice(&self) -> Option<&str> {
        self.chosen(FieldId::FollowUp)
    }

    /// Whether the field at `i` is shown now: some fields only matter for
    /// some answers (the override for a block answer, the method for an
    /// injection, the dose for adrenaline).
    pub fn shown(&self, i: usize) -> bool {
        let Some(field) = self.fields.get(i) else {
            return false;
        };
        if matches!(self.kind, FormKind::Correct { .. }) {
            return self.correcting(field.id);
        }
        let counselling = matches!(self.kind, FormKind::Counselling { .. });
        let follow_up = matches!(self.kind, FormKind::FollowUp { .. });
        match field.id {
            FieldId::Decision => self.blocked(),
            FieldId::Doctor if counselling => {
                self.blocked() && self.chosen(FieldId::Decision) == Some("override")
            }
            FieldId::Doctor if follow_up => match self.follow_up_choice() {
                Some("doctor_present" | "clearance") => true,
                Some("adrenaline") => self.confirm_dose,
                _ => false,
            },
            FieldId::Reason if counselling => {
                self.blocked() && self.chosen(FieldId::Decision).is_some()
            }
            FieldId::Reason if follow_up => {
                matches!(self.follow_up_choice(), Some("transfer" | "clearance"))
            }
            FieldId::StopDrip => self.in_drip && self.chosen(FieldId::Kind) == Some("vasovagal"),
            // The PIN goes with the doctor's name, where the clinic asks.
            FieldId::Pin => {
                self.pin_required
                    && (self.has_shown(FieldId::Doctor) || self.has_shown(FieldId::CautionDoctor))
            }
            FieldId::DoseMg => self.follow_up_choice() == Some("adrenaline"),
            FieldId::CautionDoctor => self.any_yes(Level::Caution) && !self.deferring(),
            FieldId::Method | FieldId::Sites => {
                !self.deferring()
                    && self
                        .chosen(FieldId::Treatment)
                        .is_some_and(|t| !self.drip_treatments.iter().any(|d| d == t))
            }
            FieldId::Consent(_)
            | FieldId::DoseMl
            | FieldId::Product
            | FieldId::Origin
            | FieldId::Nurse
            | FieldId::Weight
            | FieldId::Age => !self.deferring(),
            FieldId::Treatment if counselling => !self.deferring(),
            _ => true,
        }
    }

    /// Whether the form shows a field with this id now.
    pub fn has_shown(&self, id: FieldId) -> bool {
        self.fields
            .iter()
            .position(|f| f.id == id)
            .is_some_and(|i| self.shown(i))
    }

    pub fn focus_next(&mut self) {
        let n = self.fields.len();
        for step in 1..=n {
            let i = (self.focus + step) % n;
            if self.shown(i) {
                self.focus = i;
                return;
            }
        }
    }

    pub fn focus_prev(&mut self) {
        let n = self.fields.len();
        for step in 1..=n {
            let i = (self.focus + n - step) % n;
            if self.shown(i) {
                self.focus = i;
                return;
            }
        }
    }

    /// Left/Right: the previous/next option of a choice, the cursor of a
    /// text field, or a checkbox.
    pub fn step(&mut self, forward: bool) {
        let Some(field) = self.focused_mut() else {
            return;
        };
        match &mut field.value {
            FieldValue::Text(input) if forward => input.right(),
            FieldValue::Text(input) => input.left(),
            FieldValue::Choice { options, index } => {
                let n = options.len();
                if n > 0 {
                    *index = if forward {
                        (*index + 1) % n
                    } else {
                        (*index + n - 1) % n
                    };
                }
            }
            FieldValue::Tick(on) => *on = !*on,
        }
    }

    /// Space on a checkbox ticks or unticks it. Returns whether the focus
    /// was on one.
    pub fn toggle(&mut self) -> bool {
        match self.focused_mut().map(|f| &mut f.value) {
            Some(FieldValue::Tick(on)) => {
                *on = !*on;
                true
            }
            _ => false,
        }
    }

    /// `y` / `n` on a yes/no choice answers it. Returns whether the focus
    /// was on one.
    pub fn answer(&mut self, yes: bool) -> bool {
        let want = if yes { "yes" } else { "no" };
        match self.focused_mut().map(|f| &mut f.value) {
            Some(FieldValue::Choice { options, index }) => {
                match options
                    .iter()
                    .position(|c| c.value.as_deref() == Some(want))
                {
                    Some(i) => {
                        *index = i;
                        true
                    }
                    None => false,
                }
            }
            _ => false,
        }
    }

    /// The focused text field, if the focus is on one.
    pub fn input_mut(&mut self) -> Option<&mut TextInput> {
        match self.focused_mut().map(|f| &mut f.value) {
            Some(FieldValue::Text(input)) => Some(input),
            _ => None,
        }
    }

    pub(super) fn clear_errors(&mut self) {
        self.error = None;
        for f in &mut self.fields {
            f.error = None;
        }
    }

    /// Shows `message` next to `field` (at the bottom when the form shows
    /// no such field) and moves the focus to the first field in error.
    /// The first message of a batch stays: later refusals are often its
    /// consequence.
    pub fn set_error(&mut self, field: Option<FieldId>, message: String) {
        let index = field.and_then(|id| {
            self.fields
                .iter()
                .position(|f| f.id == id)
                .filter(|i| self.shown(*i))
        });
        match index {
            Some(i) => {
                if self.fields[i].error.is_none() {
                    self.fields[i].error = Some(message);
                }
            }
            None => {
                if self.error.is_none() {
                    self.error = Some(message);
                }
            }
        }
        if let Some(i) = self.fields.iter().position(|f| f.error.is_some()) {
            self.focus = i;
        }
    }

    /// The server refused one of this form's requests: say why, next to
    /// the field it is about, list what is missing, keep everything typed.
    pub fn rejected(&mut self, body: &ErrorBody, hint: Option<FieldId>) {
        self.failed = true;
        if !body.missing.is_empty() {
            self.missing = body.missing.clone();
        }
        let named = body
            .field
            .as_deref()
            .and_then(|name| field_for_name(name, hint))
            .filter(|id| self.has_shown(*id));
        let field = named
            .or(hint)
            .or_else(|| field_for_code(&body.code))
            .filter(|id| self.has_shown(*id));
        self.set_error(field, sanitize(&body.message));
    }

    pub fn has_errors(&self) -> bool {
        self.error.is_some() || self.fields.iter().any(|f| f.error.is_some())
    }

    /// The form is waiting for the server.
    pub fn is_pending(&self) -> bool {
        !self.pending.is_empty()
    }
}

/// Which field a server error is about, by the field the server names.
/// "doctor" and "reason" belong to the request's own field when it has one
/// (the counselling form has two doctors).
pub fn field_for_name(name: &str, hint: Option<FieldId>) -> Option<FieldId> {
    Some(match name {
        "doctor" | "reason" if hint.is_some() => return hint,
        "name" => FieldId::Name,
        "chart_no" => FieldId::ChartNo,
        "treatment" => FieldId::Treatment,
        "bed" => FieldId::Bed,
        "reason" => FieldId::Reason,
        "at" => FieldId::At,
        "doctor" => FieldId::Doctor,
        "dose_ml" => FieldId::DoseMl,
        "weight_kg" => FieldId::Weight,
        "age_years" => FieldId::Age,
        "product" => FieldId::Product,
        "nurse" => FieldId::Nurse,
        "systolic" => FieldId::Systolic,
        "diastolic" => FieldId::Diastolic,
        "pulse" => FieldId::Pulse,
        "spo2" => FieldId::Spo2,
        "temperature" => FieldId::Temperature,
        "respiratory_rate" => FieldId::RespRate,
        "lot" => FieldId::Lot,
        "lot_expiry" => FieldId::LotExpiry,
        "volume_ml" => FieldId::Volume,
        "signs" => FieldId::Signs,
        "action" => FieldId::ActionTaken,
        "dose_mg" => FieldId::DoseMg,
        "event" => FieldId::What,
        "pin" => FieldId::Pin,
        _ => return None,
    })
}

/// Which field a server error is about, by its stable code (for replies
/// that name no field).
pub fn field_for_code(code: &str) -> Option<FieldId> {
    match code {
        "pin_required" | "pin_wrong" | "pin_not_set" => Some(FieldId::Pin),
        "bed_required" | "unknown_bed" | "bed_occupied" => Some(FieldId::Bed),
        "at_in_future" | "at_too_old" | "at_before_stage" => Some(FieldId::At),
        "empty_name" | "name_too_long" => Some(FieldId::Name),
        "bad_chart_no" => Some(FieldId::ChartNo),
        "unknown_treatment" => Some(FieldId::Treatment),
        "empty_reason" | "reason_too_long" => Some(FieldId::Reason),
        _ => None,
    }
}

/// A treatment's label in the screen's language (the Japanese label when
/// there is one), or its id when the config does not know it.
pub fn treatment_label(config: &Config, lang: Lang, id: &str) -> String {
    match config.treatment(id) {
        Some(t) => match (lang, &t.label_ja) {
            (Lang::Ja, Some(ja)) => ja.clone(),
            _ => t.label.clone(),
        },
        None => id.to_string(),
    }
}
