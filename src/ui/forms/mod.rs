//! Forms as model state, one file per form: its fields, which of them it
//! shows for the answers given, what it offers to fill in (what the visit
//! protocol says is still missing), and how it turns into requests. This
//! module holds what every form shares: fields and their values (typed
//! choices, never strings), the focus, the errors next to fields, the
//! requests awaited and the keys typed while they are.

mod advance;
mod arrival;
mod cancel;
mod correct;
mod counselling;
mod discharge;
mod follow_up;
mod pause;
mod reaction;
mod read;
mod reassign;
mod skip_check;
mod start;
mod stop_early;
mod undo;
mod vitals;

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

use super::input::TextInput;
use crate::config::Config;
use crate::domain::clinical::{Consciousness, Lot, Method, Origin};
use crate::domain::{Board, Check, Command, Missing, ReactionKind, Stage, VisitId, text::sanitize};
use crate::i18n::Lang;
use crate::protocol::ErrorBody;

pub use crate::i18n::treatment_label;
pub use correct::What;
pub use counselling::Counselling;
pub use follow_up::{FollowUp, follow_up_due};
pub use read::Errors;
pub use vitals::is_vitals_field;

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
    /// The reassignment's nurse, from the staff list; or someone else,
    /// typed.
    NurseChoice,
    OtherNurse,
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
    /// Which lot: one used today, or a new one.
    Lot,
    /// A lot's number, typed (a new lot, or a corrected one).
    LotNumber,
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
    // The discharge checklist (the state comes from the board), and the
    // pressure at needle out.
    Check(Check),
    /// A drip check due at this minute, ticked at needle out.
    DripCheck(u32),
    // Corrections.
    /// Which recorded value is corrected.
    What,
}

/// What a choice field holds: typed, so a form reads what was chosen
/// without comparing words.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Nothing chosen yet.
    Unset,
    Yes,
    No,
    /// A contraindication: no treatment today.
    Defer,
    /// A contraindication: the doctor lets the treatment go ahead.
    Override,
    /// No bed (an injection given in a chair).
    NoBed,
    Bed(String),
    Treatment(String),
    Method(Method),
    Origin(Origin),
    Consciousness(Consciousness),
    Reaction(ReactionKind),
    FollowUp(FollowUp),
    What(What),
    /// A lot already used, offered again.
    Lot(Lot),
    /// A lot not used yet: typed.
    NewLot,
    /// A nurse of the staff list, by the name the record keeps.
    Nurse(String),
    /// Someone not in the list: typed.
    OtherNurse,
}

/// One option of a choice field: the value and the words shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub value: Value,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Text(TextInput),
    Choice {
        options: Vec<Choice>,
        index: usize,
    },
    /// A checkbox.
    Tick(bool),
}

#[derive(Debug, Clone, PartialEq)]
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
    /// Check in, or needle out: the time (and what comes with it).
    Advance {
        visit: VisitId,
        /// The stage the form was opened in (another terminal may move
        /// the patient meanwhile; the form still says what it asked).
        from: Stage,
        to: Stage,
    },
    /// The start of administration: bed, lot, pre-treatment vitals.
    Start {
        visit: VisitId,
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
    /// The discharge checklist (each tick recorded at once, Enter
    /// discharges).
    Discharge {
        visit: VisitId,
    },
    /// A recorded value was wrong: the right one and why.
    Correct {
        visit: VisitId,
    },
    /// Undo the last action, with the reason.
    Undo {
        visit: VisitId,
    },
    /// Skip the due drip check, with the reason.
    SkipCheck {
        visit: VisitId,
        minute: u32,
    },
    /// The patient given to another nurse.
    Reassign {
        visit: VisitId,
    },
}

impl FormKind {
    pub fn visit(self) -> Option<VisitId> {
        match self {
            FormKind::Arrival => None,
            FormKind::Advance { visit, .. }
            | FormKind::Start { visit }
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
            | FormKind::SkipCheck { visit, .. }
            | FormKind::Reassign { visit } => Some(visit),
        }
    }
}

/// What only one kind of form knows.
#[derive(Debug, Clone, PartialEq)]
pub enum FormData {
    None,
    Start {
        /// A drip cannot start without a bed.
        bed_required: bool,
        /// The protocol asks for pre-treatment vitals: the form takes them.
        vitals: bool,
        /// Lots seen on the board (the expiry of one typed again).
        known: Vec<Lot>,
    },
    Counselling(Box<Counselling>),
    /// The end vitals are still to take: the checklist takes them.
    Discharge {
        vitals: bool,
    },
    Reaction {
        /// The reaction form of a patient on a drip.
        in_drip: bool,
    },
    FollowUp {
        /// The dose typed is above the computed one: the next Enter
        /// confirms it with the doctor named.
        confirm_dose: bool,
    },
}

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
    /// Keys typed while the form waits for the server: applied in order
    /// when it has answered (nothing typed is dropped).
    pub queued: Vec<KeyEvent>,
    /// What the server said is still missing (a refused move).
    pub missing: Vec<Missing>,
    /// Some request of the last batch was refused.
    pub failed: bool,
    /// Whether the form closes when every request of the batch is saved.
    pub close_on_ok: bool,
    /// The status line once the batch is saved (else "Saved").
    pub saved_note: Option<String>,
    /// The clinic asks for the doctor's PIN with doctors' acts.
    pub pin_required: bool,
    pub data: FormData,
}

/// One request of a submitted form.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub command: Command,
    pub at: Option<DateTime<Utc>>,
    /// The field a refusal of this request is shown next to, when the
    /// server names none the form has.
    pub field: Option<FieldId>,
    /// The doctor's PIN, for a doctor's act where the clinic asks for it.
    pub pin: Option<String>,
    /// Sent confirmed: the form showed why it needs confirming (a drip
    /// over the nurse's caseload) and the user went ahead.
    pub confirm: bool,
}

impl Part {
    fn new(command: Command, at: Option<DateTime<Utc>>, field: Option<FieldId>) -> Part {
        Part {
            command,
            at,
            field,
            pin: None,
            confirm: false,
        }
    }
}

/// A form that passed the client-side checks: its requests, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub parts: Vec<Part>,
    pub close: bool,
    pub saved_note: Option<String>,
}

/// What a form reads the board and the clinic through.
pub struct Ctx<'a> {
    pub board: &'a Board,
    pub config: &'a Config,
    pub lang: Lang,
    pub now: DateTime<Utc>,
}

/// How a line of a form's body is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Dim,
    Bold,
    Warning,
    Critical,
}

/// One piece of a form's body, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Heading(String),
    /// A line of text (wrapped to the width).
    Note(String, Tone),
    /// A line kept in view under the title, however the form scrolls.
    Pinned(String, Tone),
    Field(usize),
}

pub(super) fn text_field(id: FieldId) -> Field {
    text_with(id, "")
}

pub(super) fn text_with(id: FieldId, text: &str) -> Field {
    Field {
        id,
        value: FieldValue::Text(TextInput::with_text(text)),
        error: None,
    }
}

pub(super) fn tick_field(id: FieldId, on: bool) -> Field {
    Field {
        id,
        value: FieldValue::Tick(on),
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

pub(super) fn choice(value: Value, label: &str) -> Choice {
    Choice {
        value,
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
            queued: Vec::new(),
            missing: Vec::new(),
            failed: false,
            close_on_ok: true,
            saved_note: None,
            pin_required: false,
            data: FormData::None,
        }
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

    /// The value chosen in a choice field (`Unset` when the form has no
    /// such field).
    pub fn chosen(&self, id: FieldId) -> &Value {
        match self.field(id).map(|f| &f.value) {
            Some(FieldValue::Choice { options, index }) => {
                options.get(*index).map_or(&Value::Unset, |c| &c.value)
            }
            _ => &Value::Unset,
        }
    }

    /// Whether a checkbox is ticked.
    pub fn ticked(&self, id: FieldId) -> bool {
        matches!(
            self.field(id).map(|f| &f.value),
            Some(FieldValue::Tick(true))
        )
    }

    /// Whether the field at `i` is shown now: some fields only matter for
    /// some answers (the override for a block answer, the method for an
    /// injection, the dose for adrenaline). Each form says.
    pub fn shown(&self, i: usize) -> bool {
        let Some(field) = self.fields.get(i) else {
            return false;
        };
        let id = field.id;
        match self.kind {
            FormKind::Counselling { .. } => counselling::shown(self, id),
            FormKind::FollowUp { .. } => follow_up::shown(self, id),
            FormKind::Correct { .. } => correct::shown(self, id),
            FormKind::Start { .. } => start::shown(self, id),
            FormKind::Discharge { .. } => discharge::shown(self, id),
            FormKind::Reaction { .. } => reaction::shown(self, id),
            FormKind::Reassign { .. } => reassign::shown(self, id),
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

    /// Whether the field at `i` still waits for something: an empty text
    /// (not the time: empty is "now"), nothing chosen, a box not ticked.
    fn needs_input(&self, i: usize) -> bool {
        let Some(f) = self.fields.get(i) else {
            return false;
        };
        if !self.shown(i) {
            return false;
        }
        match &f.value {
            FieldValue::Text(input) => {
                input.is_blank() && !matches!(f.id, FieldId::At | FieldId::ActionTaken)
            }
            FieldValue::Choice { options, index } => {
                options.get(*index).map(|c| &c.value) == Some(&Value::Unset)
            }
            FieldValue::Tick(on) => !on,
        }
    }

    /// The focus on the first field that waits for something (else where
    /// it is): a form opens where the work is.
    pub(super) fn focus_first_needed(&mut self) {
        if let Some(i) = (0..self.fields.len()).find(|i| self.needs_input(*i)) {
            self.focus = i;
        }
    }

    /// After an answer: on to the next field that waits for something, or
    /// the next field.
    pub fn focus_next_needed(&mut self) {
        match (self.focus + 1..self.fields.len()).find(|i| self.needs_input(*i)) {
            Some(i) => self.focus = i,
            None if self.focus + 1 < self.fields.len() => self.focus_next(),
            None => {}
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
                field.error = None;
            }
            FieldValue::Tick(on) => {
                *on = !*on;
                field.error = None;
            }
        }
    }

    /// `y` / `n` (Space: the other way) on a yes/no question or a
    /// checkbox answers it. Returns whether the focus was on one.
    pub fn answer(&mut self, yes: Option<bool>) -> bool {
        let Some(field) = self.focused_mut() else {
            return false;
        };
        let done = match &mut field.value {
            FieldValue::Tick(on) => {
                *on = yes.unwrap_or(!*on);
                true
            }
            FieldValue::Choice { options, index } => {
                let want = match (yes, options.get(*index).map(|c| &c.value)) {
                    (Some(true), _) | (None, Some(Value::No | Value::Unset)) => Value::Yes,
                    (Some(false), _) | (None, _) => Value::No,
                };
                match options.iter().position(|c| c.value == want) {
                    Some(i) => {
                        *index = i;
                        true
                    }
                    None => false,
                }
            }
            FieldValue::Text(_) => false,
        };
        if done {
            field.error = None;
        }
        done
    }

    /// Whether the focused field is answered with `y` / `n`.
    pub fn focus_is_yes_no(&self) -> bool {
        match self.focused().map(|f| &f.value) {
            Some(FieldValue::Tick(_)) => true,
            Some(FieldValue::Choice { options, .. }) => {
                options.iter().any(|c| c.value == Value::Yes)
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

    /// The focused field was changed: its error no longer stands.
    pub fn edited(&mut self) {
        if let Some(f) = self.focused_mut() {
            f.error = None;
        }
    }

    /// In a vitals value, a space or `/` goes on to the next value (neither
    /// is part of a number): `118/74 72 98 36.5 14` fills six fields.
    pub fn separator(&mut self, c: char) -> bool {
        let Some(field) = self.focused() else {
            return false;
        };
        if !(is_vitals_field(field.id) && matches!(c, ' ' | '/')) {
            return false;
        }
        if field.id != FieldId::RespRate {
            self.focus_next();
        }
        true
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

    /// Checks what can be checked here and builds the requests (each form
    /// says how). On failure the errors are shown next to their fields,
    /// all at once, and nothing is to be sent.
    pub fn submit(&mut self, ctx: &Ctx) -> Option<Submission> {
        self.clear_errors();
        self.missing.clear();
        let mut errors = Errors::default();
        let at = if matches!(self.kind, FormKind::Correct { .. }) {
            // The time field is the right time there, read by the form.
            None
        } else {
            read::at(self, ctx, &mut errors)
        };
        let mut out = Submission {
            parts: Vec::new(),
            close: true,
            saved_note: None,
        };
        out.parts = match self.kind {
            FormKind::Arrival => arrival::submit(self, ctx, at, &mut errors),
            FormKind::Advance { visit, to, .. } => {
                advance::submit(self, ctx, visit, to, at, &mut errors)
            }
            FormKind::Start { visit } => start::submit(self, ctx, visit, at, &mut errors),
            FormKind::Cancel { visit } => cancel::submit(self, ctx, visit, at, &mut errors),
            FormKind::Reassign { visit } => reassign::submit(self, ctx, visit, at, &mut errors),
            FormKind::Undo { visit } => undo::submit(self, ctx, visit, at, &mut errors),
            FormKind::SkipCheck { visit, minute } => {
                skip_check::submit(self, ctx, visit, minute, at, &mut errors)
            }
            FormKind::Counselling { visit } => {
                counselling::submit(self, ctx, visit, at, &mut errors, &mut out.saved_note)
            }
            FormKind::Vitals { visit } => vitals::submit(self, ctx, visit, at, &mut errors),
            FormKind::Pause { visit } => pause::submit(self, ctx, visit, at, &mut errors),
            FormKind::StopEarly { visit } => stop_early::submit(self, ctx, visit, at, &mut errors),
            FormKind::Reaction { visit } => reaction::submit(self, ctx, visit, at, &mut errors),
            FormKind::FollowUp { visit } => follow_up::submit(self, ctx, visit, at, &mut errors),
            FormKind::Discharge { visit } => discharge::submit(self, ctx, visit, at, &mut errors),
            FormKind::Correct { visit } => {
                out.saved_note = Some(crate::i18n::texts(ctx.lang).records.corrected.into());
                correct::submit(self, ctx, visit, &mut errors)
            }
        };
        // A doctor's act carries the doctor's PIN where the clinic asks.
        if self.has_shown(FieldId::Pin) {
            let pin = self.text(FieldId::Pin).trim().to_string();
            for part in &mut out.parts {
                if part.command.doctor_named().is_some() {
                    if pin.is_empty() {
                        errors.required(FieldId::Pin, ctx.lang);
                    }
                    part.pin = Some(pin.clone());
                }
            }
        }
        for (id, message) in errors.0 {
            self.set_error(Some(id), message);
        }
        if self.has_errors() || out.parts.is_empty() {
            return None;
        }
        Some(out)
    }

    /// The ticks of a checklist as the board has them (a tick being saved
    /// keeps what was pressed).
    pub fn sync(&mut self, board: &Board) {
        let FormKind::Discharge { visit } = self.kind else {
            return;
        };
        let Some(v) = board.visit(visit) else {
            return;
        };
        let pending: Vec<FieldId> = self.pending.iter().filter_map(|(_, f)| *f).collect();
        for f in &mut self.fields {
            if let FieldId::Check(item) = f.id
                && !pending.contains(&f.id)
            {
                f.value = FieldValue::Tick(v.care.checklist.contains_key(&item));
            }
        }
    }

    /// Space, `y` or `n` on a checklist item: records it (or takes it
    /// back) at once; the form stays open. `None` when the focus is on
    /// no checklist item or the answer changes nothing.
    pub fn tick(&mut self, board: &Board, yes: Option<bool>) -> Option<Submission> {
        match self.kind {
            FormKind::Discharge { visit } => discharge::tick(self, board, visit, yes),
            _ => None,
        }
    }

    /// The body of the form: its sections, notes and fields in order.
    pub fn body(&self, ctx: &Ctx) -> Vec<Item> {
        match self.kind {
            FormKind::Counselling { .. } => counselling::body(self, ctx),
            FormKind::Start { .. } => start::body(self, ctx),
            FormKind::Advance { .. } => advance::body(self, ctx),
            FormKind::Vitals { .. } => vitals::body(self, ctx),
            FormKind::Reaction { .. } => reaction::body(self, ctx),
            FormKind::FollowUp { .. } => follow_up::body(self, ctx),
            FormKind::Discharge { .. } => discharge::body(self, ctx),
            FormKind::Reassign { .. } => reassign::body(self, ctx),
            _ => fields(self, |_| true),
        }
    }
}

/// The fields shown, in order, whose ids match `pick`.
pub(super) fn fields(form: &Form, pick: impl Fn(FieldId) -> bool) -> Vec<Item> {
    (0..form.fields.len())
        .filter(|i| form.shown(*i) && pick(form.fields[*i].id))
        .map(Item::Field)
        .collect()
}

/// What a move still needs, as a section of notes.
pub(super) fn missing_items(ctx: &Ctx, heading: &str, missing: &[Missing]) -> Vec<Item> {
    let c = &crate::i18n::texts(ctx.lang).clinic;
    let mut out = vec![Item::Heading(heading.to_string())];
    if missing.is_empty() {
        out.push(Item::Note(format!("  {}", c.nothing_missing), Tone::Dim));
    }
    for m in missing {
        // The consent items are ticked right above: a count is enough.
        let text = match m {
            Missing::Consent { items } => c.consent_count.replace("{n}", &items.len().to_string()),
            m => crate::i18n::missing_text(ctx.lang, m, ctx.config),
        };
        out.push(Item::Note(format!("  - {text}"), Tone::Warning));
    }
    out
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
        "lot" => FieldId::LotNumber,
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
