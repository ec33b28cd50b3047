//! The screens this board changed for a busy clinic, as snapshots in
//! English and Japanese at 80x24 and 200x50 (src/ui/snapshots/): the
//! alert list, what was done shown on the patient, the forms that take
//! what the move needs, the saving state with keys waiting. Review each
//! as the staff would: nothing urgent hidden, each line in one language.

use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;

use super::fixture::{
    CLINIC_EN, CLINIC_JA, Clinic, Day, clinic_morning, draw, press, ten, tokyo, type_text,
};
use super::{App, Mode};
use crate::domain::{Command, Correction, Entry, EventKind, Stage};
use crate::i18n::Lang;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];

fn clinic(lang: Lang) -> (Day, Clinic) {
    clinic_morning(if lang == Lang::Ja {
        CLINIC_JA
    } else {
        CLINIC_EN
    })
}

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "english",
        Lang::Ja => "japanese",
    }
}

/// Snapshots of `app` at both sizes, named for the scene and language.
fn shots(scene: &str, lang: Lang, app: &App) {
    for (w, h) in SIZES {
        let name = format!("{scene}_{}_{w}x{h}", lang_name(lang));
        assert_snapshot!(name, draw(app, w, h).backend());
    }
}

fn both(scene: &str, build: impl Fn(Lang) -> App) {
    for lang in [Lang::En, Lang::Ja] {
        shots(scene, lang, &build(lang));
    }
}

/// Patients enough for more alerts than the strip shows.
fn crowded(day: &mut Day) {
    for i in 0..12 {
        day.arrive((8, 40 + i), &format!("Queue Person{i:02}"), "face");
    }
}

#[test]
fn every_alert_in_the_list() {
    both("alert_list", |lang| {
        let (mut day, p) = clinic(lang);
        crowded(&mut day);
        let mut app = day.app(lang);
        app.selected = Some(p.ready);
        press(&mut app, KeyCode::Char('!'));
        press(&mut app, KeyCode::Char('j'));
        assert!(matches!(app.mode, Mode::Alerts(1)));
        app
    });
}

#[test]
fn what_was_done_on_the_patient() {
    // A time corrected (the events in the order they happened), and a
    // drip stopped early with the reason and the volume given.
    both("what_was_done", |lang| {
        let (mut day, p) = clinic(lang);
        let v = p.dripping;
        let start = day
            .board
            .visit(v)
            .unwrap()
            .events
            .iter()
            .find(|e| matches!(e.kind, EventKind::AdministrationStarted { .. }))
            .unwrap()
            .seq;
        day.run(
            tokyo(9, 50),
            None,
            Some("KS"),
            Command::Correct {
                visit: v,
                correction: Correction::Time {
                    event: start,
                    at: tokyo(9, 38),
                },
                reason: "started before it was entered".into(),
                doctor: None,
            },
        );
        day.run(
            tokyo(9, 55),
            None,
            Some("KS"),
            Command::StopEarly {
                visit: v,
                reason: "patient asked to stop".into(),
                volume_ml: Some(7.5),
            },
        );
        assert_eq!(day.board.visit(v).unwrap().stage, Stage::Observation);
        let mut app = day.app(lang);
        app.selected = Some(v);
        app
    });
}

#[test]
fn the_start_form_takes_the_vitals_it_needs() {
    both("start_with_vitals", |lang| {
        let mut day = Day::new();
        let v = day.arrive((9, 0), "Aoki Ami", "face");
        day.advance((9, 5), v, None);
        for entry in crate::demo::routine_counselling(&day.config, "face", &[]) {
            if !matches!(entry, Entry::Vitals { .. }) {
                day.run(
                    tokyo(9, 10),
                    None,
                    None,
                    Command::Record { visit: v, entry },
                );
            }
        }
        day.run(
            tokyo(9, 12),
            None,
            None,
            Command::Advance {
                visit: v,
                to: Stage::Ready,
                bed: None,
                lot: None,
            },
        );
        let mut app = day.app(lang);
        app.selected = Some(v);
        press(&mut app, KeyCode::Enter);
        type_text(&mut app, "EX-2611");
        press(&mut app, KeyCode::Tab);
        press(&mut app, KeyCode::Tab);
        type_text(&mut app, "118/74 72");
        app
    });
}

#[test]
fn the_checklist_takes_the_end_vitals() {
    both("checklist_with_end_vitals", |lang| {
        let mut day = Day::new();
        let v = day.arrive((9, 0), "Aoki Ami", "drip");
        day.flow(v, &[(9, 2), (9, 5), (9, 10), (9, 40)], Some("1"));
        let mut app = day.app(lang);
        app.selected = Some(v);
        press(&mut app, KeyCode::Enter);
        app
    });
}

#[test]
fn needle_out_ticks_the_due_check_and_the_pressure() {
    both("needle_out", |lang| {
        let mut day = Day::new();
        let v = day.arrive((9, 0), "Aoki Ami", "drip");
        day.flow(v, &[(9, 2), (9, 5), (9, 30)], Some("1"));
        for (at, entry) in
            crate::demo::routine_drip_checks(&day.config, day.board.visit(v).unwrap(), tokyo(9, 50))
        {
            day.run(
                tokyo(9, 50),
                Some(at),
                None,
                Command::Record { visit: v, entry },
            );
        }
        let mut app = day.app(lang);
        app.selected = Some(v);
        press(&mut app, KeyCode::Enter);
        app
    });
}

#[test]
fn keys_typed_while_saving_wait_and_the_form_says_so() {
    both("saving_with_keys_waiting", |lang| {
        let (day, p) = clinic(lang);
        let mut app = day.app(lang);
        app.selected = Some(p.observed);
        press(&mut app, KeyCode::Enter);
        // The tick is being saved; the next keys wait.
        press(&mut app, KeyCode::Char('y'));
        press(&mut app, KeyCode::Char('y'));
        press(&mut app, KeyCode::Char('y'));
        app
    });
}

#[test]
fn a_patient_called_in_has_the_counselling_form_open_at_once() {
    both("called_in", |lang| {
        let mut day = Day::new();
        let names = if lang == Lang::Ja {
            ["青木 亜美", "馬場 健"]
        } else {
            ["Aoki Ami", "Baba Ken"]
        };
        let v = day.arrive((9, 40), names[0], "drip");
        day.arrive((9, 45), names[1], "face");
        let mut app = day.app(lang);
        app.selected = Some(v);
        press(&mut app, KeyCode::Enter);
        assert_eq!(ten(), tokyo(10, 0));
        app
    });
}

/// A form opened for a move says what it asks even when another terminal
/// made the move meanwhile (the issue: the refusal on the second terminal
/// was titled `Counselling -> Counselling`): its title keeps the stage it
/// was opened from, in each language.
#[test]
fn a_move_made_on_another_terminal_leaves_the_form_s_title_as_it_was_asked() {
    for (lang, asked, wrong) in [
        (
            Lang::En,
            "Administration -> Observation",
            "Observation -> Observation",
        ),
        (Lang::Ja, "施術・投与 -> 経過観察", "経過観察 -> 経過観察"),
    ] {
        let mut day = Day::new();
        let v = day.arrive((9, 0), "Aoki Ami", "drip");
        day.flow(v, &[(9, 2), (9, 5), (9, 30)], Some("1"));
        let mut app = day.app(lang);
        app.selected = Some(v);
        // This terminal opens the needle out; the other one takes it out.
        press(&mut app, KeyCode::Enter);
        assert!(matches!(app.mode, Mode::Form(_)));
        day.advance((10, 0), v, None);
        assert_eq!(day.board.visit(v).unwrap().stage, Stage::Observation);
        super::update(
            &mut app,
            super::Msg::Client(crate::client::ClientEvent::Board(Box::new(
                day.board.clone(),
            ))),
            ten(),
        );
        let screen = draw(&app, 80, 24).backend().to_string();
        // Wide characters come with a blank cell after each in the
        // backend's text: compare without them.
        let flat: String = screen.chars().filter(|c| *c != ' ').collect();
        let squeeze = |s: &str| s.chars().filter(|c| *c != ' ').collect::<String>();
        assert!(flat.contains(&squeeze(asked)), "{lang:?}:\n{screen}");
        assert!(!flat.contains(&squeeze(wrong)), "{lang:?}:\n{screen}");
    }
}
