//! Forms as model state: which fields a form has, what is typed or chosen
//! in each, where the focus is, the errors shown next to fields, and the
//! request it is waiting for. Turning a filled form into a command
//! (with client-side checks) lives here too.

use chrono::{DateTime, Utc};

use super::input::TextInput;
use crate::config::Config;
use crate::domain::{Board, Command, Route, Stage, VisitId, free_beds, parse_at, text::sanitize};
use crate::i18n::{Lang, texts};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldId {
    Name,
    ChartNo,
    Treatment,
    Bed,
    Reason,
    At,
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
    Choice { options: Vec<Choice>, index: usize },
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
    Advance { visit: VisitId, to: Stage },
    Cancel { visit: VisitId },
}

impl FormKind {
    pub fn visit(self) -> Option<VisitId> {
        match self {
            FormKind::Arrival => None,
            FormKind::Advance { visit, .. } | FormKind::Cancel { visit } => Some(visit),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub kind: FormKind,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// An error that belongs to no field, shown at the bottom.
    pub error: Option<String>,
    /// The request sent for this form, while its reply is awaited.
    pub pending: Option<u64>,
    /// A drip cannot start without a bed.
    pub bed_required: bool,
}

/// A form that passed the client-side checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub command: Command,
    pub at: Option<DateTime<Utc>>,
}

fn text_field(id: FieldId) -> Field {
    Field {
        id,
        value: FieldValue::Text(TextInput::new()),
        error: None,
    }
}

impl Form {
    fn new(kind: FormKind, fields: Vec<Field>) -> Form {
        Form {
            kind,
            fields,
            focus: 0,
            error: None,
            pending: None,
            bed_required: false,
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
                Field {
                    id: FieldId::Treatment,
                    value: FieldValue::Choice { options, index: 0 },
                    error: None,
                },
                text_field(FieldId::At),
            ],
        )
    }

    /// Moving a patient on. Into administration it asks for the bed
    /// (required for a drip, "none" allowed for an injection); every other
    /// move only asks for the time, so Enter, Enter is the common case.
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
            fields.push(Field {
                id: FieldId::Bed,
                value: FieldValue::Choice { options, index: 0 },
                error: None,
            });
        }
        fields.push(text_field(FieldId::At));
        let mut form = Form::new(FormKind::Advance { visit, to }, fields);
        form.bed_required = bed_required;
        form
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

    fn field_mut(&mut self, id: FieldId) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.id == id)
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

    pub fn focus_next(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + 1) % self.fields.len();
        }
    }

    pub fn focus_prev(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        }
    }

    /// Left/Right: the previous/next option of a choice, or the cursor of
    /// a text field.
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
        }
    }

    /// The focused text field, if the focus is on one.
    pub fn input_mut(&mut self) -> Option<&mut TextInput> {
        match self.focused_mut().map(|f| &mut f.value) {
            Some(FieldValue::Text(input)) => Some(input),
            _ => None,
        }
    }

    fn clear_errors(&mut self) {
        self.error = None;
        for f in &mut self.fields {
            f.error = None;
        }
    }

    /// Shows `message` next to `field` (at the bottom when the form has no
    /// such field) and moves the focus to the first field in error.
    pub fn set_error(&mut self, field: Option<FieldId>, message: String) {
        match field.and_then(|id| self.field_mut(id)) {
            Some(f) => f.error = Some(message),
            None => self.error = Some(message),
        }
        if let Some(i) = self.fields.iter().position(|f| f.error.is_some()) {
            self.focus = i;
        }
    }

    /// The server refused this form's request: say why, next to the field
    /// it is about, and keep everything typed.
    pub fn rejected(&mut self, code: &str, message: &str) {
        self.pending = None;
        self.clear_errors();
        self.set_error(field_for_code(code), sanitize(message));
    }

    pub fn has_errors(&self) -> bool {
        self.error.is_some() || self.fields.iter().any(|f| f.error.is_some())
    }

    /// Checks what can be checked here (empty name, bad time, missing
    /// bed) and builds the command. On failure the errors are shown next
    /// to their fields and nothing is to be sent.
    pub fn submit(
        &mut self,
        config: &Config,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> Option<Submission> {
        self.clear_errors();
        let ui = &texts(lang).ui;
        let at_text = self.text(FieldId::At).trim().to_string();
        let at = if at_text.is_empty() {
            None
        } else {
            match parse_at(&at_text, config.timezone, now) {
                Ok(at) => Some(at),
                Err(_) => {
                    self.set_error(Some(FieldId::At), ui.err_bad_time.to_string());
                    None
                }
            }
        };
        let command = match self.kind {
            FormKind::Arrival => {
                let name = sanitize(self.text(FieldId::Name));
                if name.is_empty() {
                    self.set_error(Some(FieldId::Name), ui.err_name_empty.to_string());
                }
                let chart_no =
                    Some(sanitize(self.text(FieldId::ChartNo))).filter(|c| !c.is_empty());
                let treatment = self
                    .chosen(FieldId::Treatment)
                    .unwrap_or_default()
                    .to_string();
                Command::Arrive {
                    name,
                    treatment,
                    chart_no,
                }
            }
            FormKind::Advance { visit, to } => {
                let bed = self.chosen(FieldId::Bed).map(str::to_string);
                if self.bed_required && bed.is_none() {
                    self.set_error(Some(FieldId::Bed), ui.err_bed_required.to_string());
                }
                Command::Advance {
                    visit,
                    to,
                    bed,
                    lot: None,
                }
            }
            FormKind::Cancel { visit } => {
                let reason = sanitize(self.text(FieldId::Reason));
                if reason.is_empty() {
                    self.set_error(Some(FieldId::Reason), ui.err_reason_empty.to_string());
                }
                Command::Cancel { visit, reason }
            }
        };
        if self.has_errors() {
            return None;
        }
        Some(Submission { command, at })
    }
}

/// Which field a server error is about, by its stable code.
pub fn field_for_code(code: &str) -> Option<FieldId> {
    match code {
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
