//! Pause the drip (its countdown stops): why, and when. Resuming is one
//! key on the board.

use chrono::{DateTime, Utc};

use super::read::{Errors, required};
use super::{Ctx, FieldId, Form, FormKind, Part, text_field};
use crate::domain::{Command, Entry, Visit, VisitId};

impl Form {
    pub fn pause(visit: &Visit) -> Form {
        Form::new(
            FormKind::Pause { visit: visit.id },
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
    let reason = required(form, FieldId::Reason, ctx.lang, errors);
    vec![Part::new(
        Command::Record {
            visit,
            entry: Entry::Pause {
                reason,
                reaction: None,
            },
        },
        at,
        Some(FieldId::Reason),
    )]
}
