//! The incident report in words, at fixed times: a vasovagal faint that
//! took the needle out, with the start's time corrected and the name
//! corrected, in English and in Japanese.

use chrono::Duration;

use super::*;
use crate::domain::clinical::Vitals;
use crate::domain::incident::course;
use crate::domain::{Command, Correction, Entry, ReactionKind, Stage, VisitId};
use crate::ui::fixture::{Day, tokyo};

fn vitals(systolic: u16, pulse: u16) -> Vitals {
    Vitals {
        systolic,
        diastolic: systolic - 40,
        pulse,
        spo2: 97,
        temperature: 36.4,
        respiratory_rate: 16,
        consciousness: Consciousness::Alert,
    }
}

/// A first-time drip patient who faints at 09:47: the nurse takes the
/// needle out, lays her flat, the doctor comes; symptom-free at 10:00,
/// still observed at 10:05. The start was entered as 09:40 and corrected to 09:38;
/// the name was misspelt and corrected.
fn fainted() -> (Day, VisitId) {
    let mut day = Day::new();
    let v = day.arrive((9, 0), "Satou Mika", "drip");
    day.flow(v, &[(9, 5), (9, 30), (9, 40)], Some("3"));
    let start = day
        .board
        .visit(v)
        .unwrap()
        .events
        .iter()
        .find(|e| e.kind.name() == "administration_started")
        .unwrap()
        .seq;
    let run = |day: &mut Day, (h, m): (u32, u32), at: Option<(u32, u32)>, command| {
        day.run(
            tokyo(h, m),
            at.map(|(h, m)| tokyo(h, m)),
            Some("MT"),
            command,
        );
    };
    let record = |visit, entry| Command::Record { visit, entry };
    run(
        &mut day,
        (9, 47),
        None,
        record(
            v,
            Entry::Reaction {
                reaction: ReactionKind::Vasovagal,
                signs: "pale, sweating, pulse 46".into(),
                action: "needle out, flat, legs up".into(),
                stop_drip: true,
            },
        ),
    );
    run(
        &mut day,
        (9, 50),
        Some((9, 48)),
        record(
            v,
            Entry::Vitals {
                vitals: vitals(92, 46),
            },
        ),
    );
    run(
        &mut day,
        (9, 50),
        None,
        record(
            v,
            Entry::DoctorPresent {
                doctor: "Dr. Mori".into(),
            },
        ),
    );
    run(
        &mut day,
        (10, 0),
        None,
        record(
            v,
            Entry::Vitals {
                vitals: vitals(116, 68),
            },
        ),
    );
    run(&mut day, (10, 0), None, record(v, Entry::SymptomFree));
    run(
        &mut day,
        (10, 2),
        None,
        Command::Correct {
            visit: v,
            correction: Correction::Time {
                event: start,
                at: tokyo(9, 38),
            },
            reason: "the drip went in at 09:38".into(),
            doctor: None,
        },
    );
    run(
        &mut day,
        (10, 3),
        None,
        Command::Correct {
            visit: v,
            correction: Correction::Name {
                name: "Sato Mika".into(),
            },
            reason: "spelling".into(),
            doctor: None,
        },
    );
    (day, v)
}

#[test]
fn a_faint_that_took_the_needle_out_reads_minute_by_minute_with_its_corrections() {
    let (day, v) = fainted();
    let visit = day.board.visit(v).unwrap();
    assert_eq!(visit.stage, Stage::Observation);
    let c = course(visit, day.config.timezone).expect("a reaction on record");
    assert_eq!(c.reaction, ReactionKind::Vasovagal);
    assert_eq!(c.onset, tokyo(9, 47));
    let text = text(&c, &day.config, Lang::En);
    let course_lines: Vec<&str> = text.lines().skip(8).collect();
    assert_eq!(
        course_lines,
        [
            "09:30  T-17   -       vitals: BP 118/74, pulse 74, SpO2 98 %, 36.5 C, RR 14, alert (NEWS2 0)",
            "09:38  T-9    -       drip started on bed 3: lot EX-2611 (expires 2027-01-20), Exosome 10B (umbilical cord MSC), 10 mL, nurse KS",
            "                      time corrected from 09:40 to 09:38 at 10:02 by MT: the drip went in at 09:38",
            "09:47  T+0    MT      first signs: vasovagal: pale, sweating, pulse 46; done: needle out, flat, legs up",
            "09:47  T+0    MT      administration stopped for the vasovagal",
            "09:48  T+1    MT      vitals: BP 92/52, pulse 46, SpO2 97 %, 36.4 C, RR 16, alert (NEWS2 3)",
            "09:50  T+3    MT      doctor present: Dr. Mori",
            "10:00  T+13   MT      vitals: BP 116/76, pulse 68, SpO2 97 %, 36.4 C, RR 16, alert (NEWS2 0)",
            "10:00  T+13   MT      symptom-free",
            "",
            "Corrections of the visit",
            "  name corrected from Satou Mika to Sato Mika at 10:03 by MT: spelling",
        ]
    );
    assert!(
        text.starts_with("Aoyama Exosome Clinic incident report\nVisit 1, reception no. 1: Sato Mika (chart no. none)\nTreatment: Exosome IV drip\nReaction: vasovagal; first signs 2026-11-21 09:47\nOutcome: still in the clinic (Observation)\n"),
        "{text}"
    );
}

/// Every line of the Japanese report is Japanese: what is not is data
/// (names, signs, lots, the clinic's name) or a unit (mg, mL, SpO2,
/// NEWS2).
#[test]
fn the_japanese_report_speaks_japanese_on_every_line() {
    let (day, v) = fainted();
    let c = course(day.board.visit(v).unwrap(), day.config.timezone).unwrap();
    let text = text(&c, &day.config, Lang::Ja);
    let data = [
        "Aoyama Exosome Clinic",
        "Satou Mika",
        "Sato Mika",
        "pale, sweating, pulse 46",
        "needle out, flat, legs up",
        "Dr. Mori",
        "the drip went in at 09:38",
        "spelling",
        "Exosome 10B (umbilical cord MSC)",
        "EX-2611",
        "KS",
        "MT",
        "SpO2",
        "NEWS2",
        "mL",
    ];
    for line in text.lines() {
        let mut rest = line.to_string();
        for d in data {
            rest = rest.replace(d, "");
        }
        assert!(
            !rest.chars().any(|ch| ch.is_ascii_alphabetic()),
            "an English word in {line:?}"
        );
    }
    assert!(text.contains("投与中止（迷走神経反射のため）"), "{text}");
    assert!(
        text.contains("10:02 MTが時刻を訂正（09:40 → 09:38）"),
        "{text}"
    );
    assert!(text.contains("転帰：院内（経過観察）"), "{text}");
}

#[test]
fn a_visit_without_a_reaction_has_no_course() {
    let mut day = Day::new();
    let v = day.arrive((9, 0), "Ito Sho", "drip");
    assert!(course(day.board.visit(v).unwrap(), day.config.timezone).is_none());
    assert!(no_reaction(Lang::Ja, 1, "Ito Sho").contains("反応の記録がありません"));
}

#[test]
fn minutes_from_the_first_signs_stay_text_in_a_spreadsheet() {
    let (day, v) = fainted();
    let c = course(day.board.visit(v).unwrap(), day.config.timezone).unwrap();
    assert_eq!(minute(&c, tokyo(9, 47) - Duration::seconds(30)), "T-1");
    assert_eq!(minute(&c, tokyo(9, 47)), "T+0");
    assert_eq!(minute_words(&c, tokyo(9, 30), Lang::Ja), "-17分");
    let csv = crate::csv_out::to_csv(&rows(&c, &day.config, Lang::En), false).unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert!(text.contains(",T-17,vitals,"), "{text}");
    assert!(!text.contains(",'T"), "no formula quote needed: {text}");
    assert!(text.contains(",correction,"), "{text}");
}
