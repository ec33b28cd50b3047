//! Every line of a Japanese screen is wholly Japanese: no English word of
//! the screen's own among Japanese ones (`バイタル異常：systolic 86`,
//! `計画 scalp 4 mL`). What may stay in Latin letters is what Japanese
//! clinics write so too (SpO2, NEWS2, mL, mg, kg), key names, formats to
//! type (HH:MM), and data the staff typed (names, products, lots).

use ratatui::crossterm::event::KeyCode;

use super::fixture::{CLINIC_JA, JAPANESE, anaphylaxis, busy_morning, clinic_morning, draw, press};
use super::{App, Mode};
use crate::domain::{Entry, ReactionKind};
use crate::i18n::Lang;

/// Latin words a Japanese screen may show.
const ALLOWED: &[&str] = &[
    // Units and the clinical abbreviations used in Japanese clinics.
    "SpO",
    "NEWS",
    "mL",
    "mg",
    "kg",
    "mmHg",
    "VVR",
    "IM",
    // Keys.
    "Tab",
    "Down",
    "Up",
    "Left",
    "Right",
    "Enter",
    "Esc",
    "Space",
    "Backspace",
    "Del",
    "Home",
    "End",
    "PgUp",
    "PgDn",
    "Ctrl-U",
    "S-Tab",
    // What to type.
    "HH",
    "MM",
    "YYYY",
    "DD",
];

/// What the staff typed on this board (names, products, doctors, signs,
/// reasons, who entered what): data, in whatever language it was typed.
fn typed_data(app: &App) -> Vec<String> {
    use crate::domain::EventKind;
    let mut out = vec![app.config.clinic_name.clone()];
    for v in app.board.visits.values() {
        out.push(v.name.clone());
        for e in &v.events {
            out.extend(e.operator.clone());
            match &e.kind {
                EventKind::Deferred { reason }
                | EventKind::Cancelled { reason }
                | EventKind::Transferred { reason } => out.push(reason.clone()),
                EventKind::Reverted { reason, .. } => out.extend(reason.clone()),
                EventKind::Corrected { reason, old, .. } => {
                    out.push(reason.clone());
                    out.push(old.clone());
                }
                EventKind::Recorded { entry } => match entry {
                    Entry::Plan { plan } => {
                        out.push(plan.product.clone());
                        out.push(plan.nurse.clone());
                        out.extend(plan.sites.iter().cloned());
                    }
                    Entry::Reaction { signs, action, .. } => {
                        out.push(signs.clone());
                        out.push(action.clone());
                    }
                    Entry::CautionsAcknowledged { doctor, .. }
                    | Entry::DoctorPresent { doctor }
                    | Entry::Clearance { doctor, .. } => out.push(doctor.clone()),
                    Entry::Override { doctor, reason, .. } => {
                        out.push(doctor.clone());
                        out.push(reason.clone());
                    }
                    Entry::Pause { reason, .. } => out.push(reason.clone()),
                    _ => {}
                },
                _ => {}
            }
        }
    }
    out
}

/// The English words left on a line once the words of `data` and the
/// allowed ones are out.
fn english_words(line: &str, data: &[String]) -> Vec<String> {
    let data: Vec<&str> = data
        .iter()
        .flat_map(|d| d.split(|c: char| !c.is_ascii_alphabetic()))
        .filter(|w| !w.is_empty())
        .collect();
    let line = line.to_string();
    let mut out = Vec::new();
    let mut word = String::new();
    for c in line.chars().chain([' ']) {
        if c.is_ascii_alphabetic() || (c == '-' && !word.is_empty()) {
            word.push(c);
            continue;
        }
        let w = word.trim_end_matches('-').to_string();
        word.clear();
        // A word cut at the edge ("SpO~") or a lot number (EX-2611) is
        // not a word of the screen.
        // (A word cut at the edge of a pane or a popup is a piece of one.)
        let typed = data.iter().any(|d| d.contains(w.as_str()))
            || ALLOWED.iter().any(|a| a.starts_with(w.as_str()));
        if w.len() >= 2 && !typed && !w.starts_with("EX") {
            out.push(w);
        }
    }
    out
}

fn assert_japanese(app: &App, what: &str) {
    let data = typed_data(app);
    for (w, h) in [(80, 24), (120, 40), (200, 50)] {
        let screen = draw(app, w, h).backend().to_string();
        // Each row as TestBackend prints it: quoted, with a note on the
        // cells wide characters cover.
        for line in screen.lines() {
            let line = line.split("\" Hidden by").next().unwrap_or(line);
            let words = english_words(line, &data);
            assert!(
                words.is_empty(),
                "{what} at {w}x{h}: English {words:?} in a Japanese line:\n{line}"
            );
        }
    }
}

#[test]
fn every_line_of_the_japanese_board_and_its_forms_is_japanese() {
    let (mut day, p) = clinic_morning(CLINIC_JA);
    // A reaction with abnormal vitals, a paused drip's words, a stop.
    anaphylaxis(&mut day, p.dripping);
    let vitals = crate::domain::Vitals {
        systolic: 86,
        diastolic: 50,
        pulse: 128,
        spo2: 91,
        temperature: 36.5,
        respiratory_rate: 26,
        consciousness: crate::domain::clinical::Consciousness::Alert,
    };
    day.run(
        super::fixture::tokyo(9, 55),
        None,
        None,
        crate::domain::Command::Record {
            visit: p.dripping,
            entry: Entry::Vitals { vitals },
        },
    );
    let _ = ReactionKind::Anaphylaxis;
    for visit in [p.returning, p.ready, p.dripping, p.observed] {
        let mut app = day.app(Lang::Ja);
        app.selected = Some(visit);
        assert_japanese(&app, "the board");
        for key in [
            KeyCode::Enter,
            KeyCode::Char('c'),
            KeyCode::Char('v'),
            KeyCode::Char('r'),
            KeyCode::Char('f'),
            KeyCode::Char('C'),
            KeyCode::Char('x'),
            KeyCode::Char('?'),
            KeyCode::Char('!'),
            KeyCode::Char('H'),
        ] {
            let mut app = app.clone();
            press(&mut app, key);
            if app.mode == Mode::Normal {
                continue;
            }
            assert_japanese(&app, &format!("{key:?}"));
            // The form sent empty: its errors, in Japanese too.
            if matches!(app.mode, Mode::Form(_)) {
                press(&mut app, KeyCode::Enter);
                assert_japanese(&app, &format!("{key:?} then Enter"));
            }
        }
    }
}

#[test]
fn every_line_of_the_busy_japanese_morning_is_japanese() {
    let (day, sho) = busy_morning(JAPANESE);
    let mut app = day.app(Lang::Ja);
    app.selected = Some(sho);
    assert_japanese(&app, "the busy morning");
    for _ in 0..14 {
        press(&mut app, KeyCode::Char('j'));
        assert_japanese(&app, "the busy morning, a patient selected");
    }
}

#[test]
fn the_checker_finds_an_english_word_among_japanese_ones() {
    let none: Vec<String> = Vec::new();
    assert_eq!(
        english_words("バイタル異常：systolic 86", &none),
        ["systolic"]
    );
    assert_eq!(english_words("計画 scalp 4 mL", &none), ["scalp"]);
    assert!(english_words("血圧118/74 脈拍74 SpO2 98 NEWS2 0", &none).is_empty());
    assert!(english_words("ロット EX-2611 (使用期限 2027-01-20)", &none).is_empty());
    let typed = vec!["Exosome 10B".to_string()];
    assert!(english_words("計画 10 mL Exosome 10B", &typed).is_empty());
}
