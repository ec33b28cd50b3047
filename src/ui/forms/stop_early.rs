//! Stop the drip before its time: the reason and the volume given (both
//! shown on the patient afterwards).

use chrono::{DateTime, Utc};

use super::read::{Errors, number, reason};
use super::{Ctx, FieldId, Form, FormKind, Part, text_field};
use crate::domain::{Command, Visit, VisitId};

impl Form {
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
}

pub(super) fn submit(
    form: &Form,
    ctx: &Ctx,
    visit: VisitId,
    at: Option<DateTime<Utc>>,
    errors: &mut Errors,
) -> Vec<Part> {
    let reason = reason(form, ctx.lang, errors);
    let volume_ml = number(form, FieldId::Volume, ctx.lang, errors);
    vec![Part::new(
        Command::StopEarly {
            visit,
            reason,
            volume_ml,
        },
        at,
        None,
    )]
}
