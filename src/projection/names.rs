//! How the wall names a patient: never the full name unless the clinic
//! opted in (`[wall] names = "full"`), and never ambiguously.
//!
//! Initials are the first character of the first and the last part of the
//! name: "Yamamoto Sora" -> `Y.S.`, "Alexandra Montgomery-Smith" -> `A.M.`.
//! A Japanese name in kanji or kana has no romanization to take letters
//! from, so its initials are its first characters, family name first as
//! written: "山田 花子" -> `山.花.`, "ヤマダ ハナコ" -> `ヤ.ハ.`. A name
//! written without a space ("山田花子") gives one character: `山.`.
//!
//! Two patients on the wall with the same label (two `T.Y.`) both get
//! their reception number, `T.Y. #8` and `T.Y. #12`, so staff cannot mix
//! them up; labels are unique among the visits passed in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::WallNames;
use crate::domain::text::sanitize;
use crate::domain::{Visit, VisitId};
use crate::i18n::{Lang, texts};

/// How the wall names one patient.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// Initials (or, if the clinic chose so, the full name), made unique
    /// with the reception number when two would look alike: `T.Y. #8`.
    Text(String),
    /// The reception number alone (`names = "ticket"`), worded in the
    /// wall's language; `visit` tells two equal numbers apart (yesterday's
    /// number 8 still here after midnight).
    Ticket {
        number: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        visit: Option<VisitId>,
    },
}

impl Default for Label {
    fn default() -> Label {
        Label::Text(String::new())
    }
}

impl Label {
    /// The label as the wall shows it, in `lang`.
    pub fn show(&self, lang: Lang) -> String {
        match self {
            Label::Text(text) => sanitize(text),
            Label::Ticket { number, visit } => {
                let ticket = texts(lang).wall.ticket.replace("{n}", &number.to_string());
                match visit {
                    Some(v) => format!("{ticket}/{v}"),
                    None => ticket,
                }
            }
        }
    }
}

/// The initials of a name (see the module comment).
pub fn initials(name: &str) -> String {
    let clean = sanitize(name);
    let parts: Vec<&str> = clean
        .split([' ', '\u{3000}'])
        .filter(|p| !p.is_empty())
        .collect();
    let picked: Vec<&str> = match parts.as_slice() {
        [] => return "?".to_string(),
        [one] => vec![one],
        [first, .., last] => vec![first, last],
    };
    picked
        .iter()
        .filter_map(|p| p.chars().next())
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect()
}

/// The label of each visit on the wall, unique among `visits`.
pub fn labels(visits: &[&Visit], mode: WallNames) -> BTreeMap<VisitId, Label> {
    let base = |v: &Visit| match mode {
        WallNames::Initials => Label::Text(initials(&v.name)),
        WallNames::Ticket => Label::Ticket {
            number: v.ticket,
            visit: None,
        },
        WallNames::Full => Label::Text(sanitize(&v.name)),
    };
    let mut out: BTreeMap<VisitId, Label> = visits.iter().map(|v| (v.id, base(v))).collect();
    // Colliding labels get the reception number; should that collide too
    // (yesterday's patient still here with today's number), the visit id.
    for step in 0..2 {
        let mut count: BTreeMap<&Label, usize> = BTreeMap::new();
        for label in out.values() {
            *count.entry(label).or_default() += 1;
        }
        let clashing: Vec<VisitId> = out
            .iter()
            .filter(|(_, label)| count[label] > 1)
            .map(|(id, _)| *id)
            .collect();
        for id in clashing {
            if let Some(v) = visits.iter().find(|v| v.id == id) {
                let label = match (step, &out[&id]) {
                    (_, Label::Ticket { number, .. }) => Label::Ticket {
                        number: *number,
                        visit: Some(v.id),
                    },
                    (0, Label::Text(text)) => Label::Text(format!("{text} #{}", v.ticket)),
                    (_, Label::Text(text)) => Label::Text(format!("{text}/{}", v.id)),
                };
                out.insert(id, label);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Stage;
    use chrono::{TimeZone, Utc};

    /// The labels as a wall in `lang` shows them.
    fn shown(visits: &[&Visit], mode: WallNames, lang: Lang) -> BTreeMap<VisitId, String> {
        labels(visits, mode)
            .into_iter()
            .map(|(id, label)| (id, label.show(lang)))
            .collect()
    }

    fn visit(id: u64, ticket: u32, name: &str) -> Visit {
        let at = Utc.with_ymd_and_hms(2026, 11, 21, 1, 0, 0).unwrap();
        Visit {
            id: VisitId(id),
            ticket,
            name: name.into(),
            chart_no: None,
            treatment: "drip".into(),
            stage: Stage::Waiting,
            stage_since: at,
            arrived_at: at,
            expected_at: None,
            import_key: None,
            bed: None,
            exit_reason: None,
            history: Default::default(),
            care: Default::default(),
            stage_log: Vec::new(),
            events: Vec::new(),
        }
    }

    #[test]
    fn initials_of_latin_names_are_capital_letters() {
        assert_eq!(initials("Yamamoto Sora"), "Y.S.");
        assert_eq!(initials("  tanaka   yui "), "T.Y.");
        assert_eq!(initials("Alexandra Montgomery-Smith"), "A.M.");
        assert_eq!(initials("Mary Ann Lee"), "M.L.");
        assert_eq!(initials("Madonna"), "M.");
        assert_eq!(initials(""), "?");
    }

    #[test]
    fn initials_of_japanese_names_are_their_first_characters() {
        assert_eq!(initials("山田 花子"), "山.花.");
        assert_eq!(initials("山田\u{3000}花子"), "山.花.");
        assert_eq!(initials("ヤマダ ハナコ"), "ヤ.ハ.");
        assert_eq!(initials("山田花子"), "山.");
    }

    #[test]
    fn initials_never_carry_escape_sequences() {
        assert_eq!(initials("\u{1b}[31mTanaka \u{1b}]0;x\u{7}Yui"), "T.Y.");
    }

    #[test]
    fn two_patients_with_the_same_initials_get_their_reception_numbers() {
        let a = visit(1, 8, "Tanaka Yui");
        let b = visit(2, 12, "Takahashi Yuto");
        let c = visit(3, 13, "Sato Ken");
        let labels = shown(&[&a, &b, &c], WallNames::Initials, Lang::En);
        assert_eq!(labels[&a.id], "T.Y. #8");
        assert_eq!(labels[&b.id], "T.Y. #12");
        assert_eq!(labels[&c.id], "S.K.");
    }

    #[test]
    fn japanese_names_that_collide_are_told_apart_too() {
        let a = visit(1, 3, "山田 花子");
        let b = visit(2, 9, "山本 花江");
        let labels = shown(&[&a, &b], WallNames::Initials, Lang::Ja);
        assert_eq!(labels[&a.id], "山.花. #3");
        assert_eq!(labels[&b.id], "山.花. #9");
    }

    #[test]
    fn ticket_mode_shows_only_the_reception_number_in_the_screen_language() {
        let a = visit(1, 8, "Tanaka Yui");
        assert_eq!(shown(&[&a], WallNames::Ticket, Lang::En)[&a.id], "No. 8");
        assert_eq!(shown(&[&a], WallNames::Ticket, Lang::Ja)[&a.id], "8番");
        // Yesterday's number 8 still here after midnight, and today's.
        let b = visit(40, 8, "Sato Ken");
        let both = shown(&[&a, &b], WallNames::Ticket, Lang::En);
        assert_eq!(both[&a.id], "No. 8/1");
        assert_eq!(both[&b.id], "No. 8/40");
    }

    #[test]
    fn full_names_only_when_the_clinic_opts_in_and_still_unique() {
        let a = visit(1, 8, "Sato Ken");
        let b = visit(2, 9, "Sato Ken");
        let full = shown(&[&a, &b], WallNames::Full, Lang::En);
        assert_eq!(full[&a.id], "Sato Ken #8");
        let masked = shown(&[&a], WallNames::Initials, Lang::En);
        assert!(!masked[&a.id].contains("Sato"));
    }
}
