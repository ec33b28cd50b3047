//! Moving a patient on where the move needs only its time: checking in a
//! booked patient, and the needle out at the end of a drip or an
//! injection. At needle out the form offers what the protocol still asks
//! for first (a drip check due: `y` ticks it) and what comes with it (the
//! pressure on the site, which starts the hemostasis timer).

use chrono::{DateTime, Utc};

use super::read::Errors;
use super::{Ctx, FieldId, Form, FormKind, Item, Part, fields, text_field, tick_field};
use crate::domain::moves::{self, Move};
use crate::domain::{Check, Command, Entry, Missing, Stage, Visit, VisitId};
use crate::i18n::texts;

impl Form {
    /// Every move that needs only the time (Enter, Enter is the common
    /// case). `now`: what is due at needle out is asked of the protocol.
    pub fn advance(
        config: &crate::config::Config,
        v: &Visit,
        to: Stage,
        now: DateTime<Utc>,
    ) -> Form {
        let mut fields = Vec::new();
        if to == Stage::Observation {
            let needs = moves::gate(v, config, Move::EndAdministration, now).unwrap_or_default();
            for m in needs {
                if let Missing::DripCheck { minute } = m {
                    fields.push(tick_field(FieldId::DripCheck(minute), false));
                }
            }
            // The needle comes out, the pressure goes on (DOMAIN.md
            // "Hemostasis"): shown ticked, Space or n if not.
            fields.push(tick_field(FieldId::Check(Check::HemostasisPressure), true));
        }
        fields.push(text_field(FieldId::At));
        Form::new(
            FormKind::Advance {
                visit: v.id,
                from: v.stage,
                to,
            },
            fields,
        )
    }
}

pub(super) fn submit(
    form: &Form,
    _ctx: &Ctx,
    visit: VisitId,
    to: Stage,
    at: Option<DateTime<Utc>>,
    _errors: &mut Errors,
) -> Vec<Part> {
    let mut parts = Vec::new();
    for f in &form.fields {
        if let FieldId::DripCheck(minute) = f.id
            && form.ticked(f.id)
        {
            parts.push(Part::new(
                Command::Record {
                    visit,
                    entry: Entry::DripCheck {
                        minute,
                        skipped: None,
                    },
                },
                at,
                Some(f.id),
            ));
        }
    }
    parts.push(Part::new(
        Command::Advance {
            visit,
            to,
            bed: None,
            lot: None,
        },
        at,
        None,
    ));
    let pressure = FieldId::Check(Check::HemostasisPressure);
    if form.ticked(pressure) {
        parts.push(Part::new(
            Command::Record {
                visit,
                entry: Entry::Checklist {
                    item: Check::HemostasisPressure,
                },
            },
            at,
            Some(pressure),
        ));
    }
    parts
}

pub(super) fn body(form: &Form, ctx: &Ctx) -> Vec<Item> {
    let c = &texts(ctx.lang).clinic;
    let mut out = Vec::new();
    if form
        .fields
        .iter()
        .any(|f| matches!(f.id, FieldId::DripCheck(_)))
    {
        out.push(Item::Heading(c.sec_checks_due.to_string()));
        out.extend(fields(form, |id| matches!(id, FieldId::DripCheck(_))));
    }
    out.extend(fields(form, |id| !matches!(id, FieldId::DripCheck(_))));
    out
}
