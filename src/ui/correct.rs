//! The correction form: which recorded value was wrong (the name, the
//! chart number, the lot, or the time of one of the visit's stage
//! changes), the right value, and the reason. It becomes one
//! `Command::Correct`; the old value stays in the record and shows beside
//! the new one.

use chrono::{DateTime, Utc};

use super::form::{Choice, FieldId, Form, FormKind, choice_field, text_field, text_with};
use super::view::clock;
use super::words::{event_words, stage_changes};
use crate::config::Config;
use crate::domain::{Correction, Visit, parse_at, text::sanitize};
use crate::i18n::{Lang, texts};

/// The value of the "what" choice for the time of event `seq`.
fn time_choice(seq: u64) -> String {
    format!("time:{seq}")
}

/// The event a "what" value is about, when it is a time.
fn time_event(what: &str) -> Option<u64> {
    what.strip_prefix("time:")?.parse().ok()
}

impl Form {
    /// Correcting a value recorded for `v`: the name (typed over the
    /// current one), the chart number, the lot when one is recorded, or
    /// the time of one of its stage changes.
    pub fn correct(config: &Config, lang: Lang, v: &Visit) -> Form {
        let t = texts(lang);
        let r = &t.records;
        let mut options = vec![
            Choice {
                value: Some("name".into()),
                label: t.field_name.into(),
            },
            Choice {
                value: Some("chart_no".into()),
                label: t.field_chart_no.into(),
            },
        ];
        if v.care.lot.is_some() {
            options.push(Choice {
                value: Some("lot".into()),
                label: t.clinic.field_lot.into(),
            });
        }
        for (e, at) in stage_changes(v) {
            options.push(Choice {
                value: Some(time_choice(e.seq)),
                label: r
                    .what_time
                    .replace("{e}", &event_words(t, config, v, &e.kind))
                    .replace("{t}", &clock(config.timezone, at)),
            });
        }
        let mut fields = vec![
            choice_field(FieldId::What, options, 0),
            text_with(FieldId::Name, &v.name),
            text_with(FieldId::ChartNo, v.chart_no.as_deref().unwrap_or_default()),
        ];
        if let Some(lot) = &v.care.lot {
            fields.push(text_with(FieldId::Lot, &lot.number));
        }
        fields.push(text_field(FieldId::At));
        fields.push(text_field(FieldId::Reason));
        // A corrected time that shortens a running timer needs a doctor.
        fields.push(text_field(FieldId::Doctor));
        fields.push(text_field(FieldId::Pin));
        let mut form = Form::new(FormKind::Correct { visit: v.id }, fields);
        form.pin_required = config.doctor_pin == crate::config::DoctorPin::Required;
        form
    }

    /// Whether the value field `id` is the one for what is chosen.
    pub(super) fn correcting(&self, id: FieldId) -> bool {
        let what = self.chosen(FieldId::What).unwrap_or_default();
        match id {
            FieldId::Name => what == "name",
            FieldId::ChartNo => what == "chart_no",
            FieldId::Lot => what == "lot",
            FieldId::At | FieldId::Doctor => time_event(what).is_some(),
            FieldId::Pin => self.pin_required && time_event(what).is_some(),
            _ => true,
        }
    }

    /// The correction the form describes, or the errors to show next to
    /// its fields. `v` is the visit as the board has it now.
    pub(super) fn correction(
        &self,
        v: &Visit,
        config: &Config,
        lang: Lang,
    ) -> Result<Correction, (FieldId, &'static str)> {
        let t = texts(lang);
        let unchanged = t.records.err_unchanged;
        let typed = |id| sanitize(self.text(id));
        let what = self.chosen(FieldId::What).unwrap_or_default();
        match what {
            "name" => {
                let name = typed(FieldId::Name);
                match name.as_str() {
                    "" => Err((FieldId::Name, t.ui.err_name_empty)),
                    n if n == v.name => Err((FieldId::Name, unchanged)),
                    _ => Ok(Correction::Name { name }),
                }
            }
            "chart_no" => {
                let chart = typed(FieldId::ChartNo);
                if chart == v.chart_no.clone().unwrap_or_default() {
                    return Err((FieldId::ChartNo, unchanged));
                }
                Ok(Correction::ChartNo {
                    chart_no: Some(chart).filter(|c| !c.is_empty()),
                })
            }
            "lot" => {
                let number = typed(FieldId::Lot);
                let now = v.care.lot.as_ref().map(|l| l.number.as_str());
                match number.as_str() {
                    "" => Err((FieldId::Lot, t.clinic.err_lot_blank)),
                    n if Some(n) == now => Err((FieldId::Lot, unchanged)),
                    _ => Ok(Correction::Lot { number }),
                }
            }
            _ => {
                let Some((event, at)) = time_event(what).and_then(|seq| {
                    stage_changes(v)
                        .into_iter()
                        .find(|(e, _)| e.seq == seq)
                        .map(|(e, at)| (e.seq, at))
                }) else {
                    return Err((FieldId::What, t.clinic.err_choose));
                };
                match right_time(self.text(FieldId::At), config, at) {
                    Some(new) if new == at => Err((FieldId::At, unchanged)),
                    Some(new) => Ok(Correction::Time { event, at: new }),
                    None => Err((FieldId::At, t.ui.err_bad_time)),
                }
            }
        }
    }
}

/// The right time typed as HH:MM, on the clinic day of the time it
/// corrects (a patient still in the clinic after midnight keeps
/// yesterday's times); or a full RFC 3339 instant.
fn right_time(text: &str, config: &Config, was: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if text.trim().is_empty() {
        return None;
    }
    // `parse_at` takes the day from its last argument.
    parse_at(text, config.timezone, was).ok()
}
