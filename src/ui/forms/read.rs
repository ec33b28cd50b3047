//! Reading what was typed in a form, with the checks that can be made
//! here: a number that is not a number, a required field left blank, a
//! time that is not `HH:MM`. The errors are gathered, so a form shows all
//! of them at once; the server checks the rest and its answer lands next
//! to the same fields.

use chrono::{DateTime, Utc};

use super::{Ctx, FieldId, Form};
use crate::domain::{parse_at, text::sanitize};
use crate::i18n::{Lang, texts};

/// Errors found while reading a form, by field, in the order found.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<(FieldId, String)>);

impl Errors {
    pub fn add(&mut self, id: FieldId, message: &str) {
        self.0.push((id, message.to_string()));
    }

    pub fn required(&mut self, id: FieldId, lang: Lang) {
        self.add(id, texts(lang).clinic.err_required);
    }

    pub fn count(&self) -> usize {
        self.0.len()
    }
}

/// The time of the entry: empty is now, else `HH:MM` today (or an RFC
/// 3339 instant).
pub fn at(form: &Form, ctx: &Ctx, errors: &mut Errors) -> Option<DateTime<Utc>> {
    match form.text(FieldId::At).trim() {
        "" => None,
        text => match parse_at(text, ctx.config.timezone, ctx.now) {
            Ok(at) => Some(at),
            Err(_) => {
                errors.add(FieldId::At, texts(ctx.lang).ui.err_bad_time);
                None
            }
        },
    }
}

/// The text of a field, cleaned as the server will clean it.
pub fn clean(form: &Form, id: FieldId) -> String {
    sanitize(form.text(id))
}

/// A text that must not be blank.
pub fn required(form: &Form, id: FieldId, lang: Lang, errors: &mut Errors) -> String {
    let text = clean(form, id);
    if text.is_empty() {
        errors.required(id, lang);
    }
    text
}

/// A reason that must not be blank ("type a reason").
pub fn reason(form: &Form, lang: Lang, errors: &mut Errors) -> String {
    let text = clean(form, FieldId::Reason);
    if text.is_empty() {
        errors.add(FieldId::Reason, texts(lang).ui.err_reason_empty);
    }
    text
}

/// A number typed in a field: `None` when blank. A comma is a decimal
/// point (36,5).
pub fn number(form: &Form, id: FieldId, lang: Lang, errors: &mut Errors) -> Option<f32> {
    let text = form.text(id).trim().replace(',', ".");
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
pub fn whole<T: TryFrom<u32>>(
    form: &Form,
    id: FieldId,
    lang: Lang,
    errors: &mut Errors,
) -> Option<T> {
    let c = &texts(lang).clinic;
    let text = form.text(id).trim();
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
