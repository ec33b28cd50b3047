//! Undo the last action with the reason (a reaction, a dose, an approval
//! or a change of stage stay explained in the history).

use chrono::{DateTime, Utc};

use super::read::{Errors, reason};
use super::{Ctx, FieldId, Form, FormKind, Part, text_field};
use crate::domain::{Command, VisitId};

impl Form {
    pub fn undo(visit: VisitId) -> Form {
        Form::new(FormKind::Undo { visit }, vec![text_field(FieldId::Reason)])
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
    vec![Part::new(
        Command::Undo {
            visit,
            reason: Some(reason),
        },
        at,
        None,
    )]
}
