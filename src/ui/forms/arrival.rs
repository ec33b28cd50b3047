//! Reception registers a patient: name, chart number, treatment, and the
//! time when it is entered after the fact.

use chrono::{DateTime, Utc};

use super::read::{Errors, clean};
use super::{
    Choice, Ctx, FieldId, Form, FormKind, Part, Value, choice_field, text_field, treatment_label,
};
use crate::config::Config;
use crate::domain::Command;
use crate::i18n::{Lang, texts};

impl Form {
    pub fn arrival(config: &Config, lang: Lang) -> Form {
        let options = config
            .treatments
            .iter()
            .map(|t| Choice {
                value: Value::Treatment(t.id.clone()),
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
}

pub(super) fn submit(
    form: &Form,
    ctx: &Ctx,
    at: Option<DateTime<Utc>>,
    errors: &mut Errors,
) -> Vec<Part> {
    let name = clean(form, FieldId::Name);
    if name.is_empty() {
        errors.add(FieldId::Name, texts(ctx.lang).ui.err_name_empty);
    }
    let chart_no = Some(clean(form, FieldId::ChartNo)).filter(|c| !c.is_empty());
    let treatment = match form.chosen(FieldId::Treatment) {
        Value::Treatment(t) => t.clone(),
        _ => String::new(),
    };
    vec![Part::new(
        Command::Arrive {
            name,
            treatment,
            chart_no,
            key: None,
            do_not_display: false,
        },
        at,
        None,
    )]
}
