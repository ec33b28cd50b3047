//! The patient left, did not come, or withdrew: a reason and the time.

use chrono::{DateTime, Utc};

use super::read::{Errors, reason};
use super::{Ctx, FieldId, Form, FormKind, Part, text_field};
use crate::domain::{Command, VisitId};

impl Form {
    pub fn cancel(visit: VisitId) -> Form {
        Form::new(
            FormKind::Cancel { visit },
            vec![text_field(FieldId::Reason), text_field(FieldId::At)],
        )
    }
}

pub(super) fn submit(
    form: &Form,
    ctx: &Ctx,
    visit: VisitId,
    at: Option<DateTime<Utc>>,
    errors: &mut Errors,
) -> Vec<Part> {
    let reason = reason(form, ctx.lang, errors);
    vec![Part::new(Command::Cancel { visit, reason }, at, None)]
}
