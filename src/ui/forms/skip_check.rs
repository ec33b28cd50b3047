//! Skip the due drip check: why, and when.

use chrono::{DateTime, Utc};

use super::read::{Errors, required};
use super::{Ctx, FieldId, Form, FormKind, Part, text_field};
use crate::domain::{Command, Entry, VisitId};

impl Form {
    pub fn skip_check(visit: VisitId, minute: u32) -> Form {
        Form::new(
            FormKind::SkipCheck { visit, minute },
            vec![text_field(FieldId::Reason), text_field(FieldId::At)],
        )
    }
}

pub(super) fn submit(
    form: &Form,
    ctx: &Ctx,
    visit: VisitId,
    minute: u32,
    at: Option<DateTime<Utc>>,
    errors: &mut Errors,
) -> Vec<Part> {
    let reason = required(form, FieldId::Reason, ctx.lang, errors);
    vec![Part::new(
        Command::Record {
            visit,
            entry: Entry::DripCheck {
                minute,
                skipped: Some(reason),
            },
        },
        at,
        Some(FieldId::Reason),
    )]
}
