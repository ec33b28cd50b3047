//! The clinical screens as the staff see them, as snapshots at 10:00
//! (src/ui/snapshots/). Review each like the screen itself: Japanese
//! columns aligned, nothing important cut, the words making sense.

use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;

use super::fixture::{
    CLINIC_EN, CLINIC_JA, Clinic, Day, anaphylaxis, clinic_morning, draw, press, type_text,
};
use super::{App, Mode};
use crate::i18n::Lang;

fn clinic(lang: Lang) -> (Day, Clinic) {
    clinic_morning(if lang == Lang::Ja {
        CLINIC_JA
    } else {
        CLINIC_EN
    })
}

fn on(day: &Day, lang: Lang, visit: crate::domain::VisitId) -> App {
    let mut app = day.app(lang);
    app.selected = Some(visit);
    app
}

/// Tab until the focus is on `id`.
fn to(app: &mut App, id: crate::ui::FieldId) {
    for _ in 0..60 {
        if let Mode::Form(f) = &app.mode
            && f.focused().map(|f| f.id) == Some(id)
        {
            return;
        }
        press(app, KeyCode::Tab);
    }
    panic!("no field {id:?}");
}

/// The returning patient's counselling form, opened with Enter.
fn counselling(lang: Lang) -> App {
    let (day, p) = clinic(lang);
    let mut app = on(&day, lang, p.returning);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Form(_)));
    app
}

#[test]
fn the_board_with_badges_and_the_care_summary_at_120x40() {
    let (day, p) = clinic(Lang::En);
    let app = on(&day, Lang::En, p.returning);
    assert_snapshot!(draw(&app, 120, 40).backend());
}

#[test]
fn the_board_in_japanese_at_120x40() {
    let (day, p) = clinic(Lang::Ja);
    let app = on(&day, Lang::Ja, p.dripping);
    assert_snapshot!(draw(&app, 120, 40).backend());
}

#[test]
fn counselling_form_at_80x24() {
    assert_snapshot!(draw(&counselling(Lang::En), 80, 24).backend());
}

#[test]
fn counselling_form_in_japanese_at_80x24() {
    assert_snapshot!(draw(&counselling(Lang::Ja), 80, 24).backend());
}

#[test]
fn counselling_form_at_120x40() {
    assert_snapshot!(draw(&counselling(Lang::En), 120, 40).backend());
}

#[test]
fn counselling_form_in_japanese_at_120x40() {
    assert_snapshot!(draw(&counselling(Lang::Ja), 120, 40).backend());
}

#[test]
fn counselling_form_scrolled_to_the_plan_with_a_weight_of_0() {
    let mut app = counselling(Lang::En);
    to(&mut app, crate::ui::FieldId::Weight);
    type_text(&mut app, "0");
    press(&mut app, KeyCode::Enter);
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn counselling_form_in_japanese_at_the_consent() {
    let mut app = counselling(Lang::Ja);
    to(&mut app, crate::ui::FieldId::Consent(1));
    press(&mut app, KeyCode::Char('y'));
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn reaction_dialog_for_anaphylaxis() {
    let (day, p) = clinic(Lang::En);
    let mut app = on(&day, Lang::En, p.dripping);
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Left);
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn reaction_dialog_for_anaphylaxis_in_japanese() {
    let (day, p) = clinic(Lang::Ja);
    let mut app = on(&day, Lang::Ja, p.dripping);
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Left);
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn emergency_banner_on_the_board() {
    let (mut day, p) = clinic(Lang::En);
    anaphylaxis(&mut day, p.dripping);
    let app = on(&day, Lang::En, p.dripping);
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn emergency_banner_in_japanese_at_120x40() {
    let (mut day, p) = clinic(Lang::Ja);
    anaphylaxis(&mut day, p.dripping);
    let app = on(&day, Lang::Ja, p.ready);
    assert_snapshot!(draw(&app, 120, 40).backend());
}

#[test]
fn discharge_checklist_with_a_missing_item() {
    let (day, p) = clinic(Lang::En);
    let mut app = on(&day, Lang::En, p.observed);
    press(&mut app, KeyCode::Enter);
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn discharge_checklist_in_japanese_at_120x40() {
    let (day, p) = clinic(Lang::Ja);
    let mut app = on(&day, Lang::Ja, p.observed);
    press(&mut app, KeyCode::Enter);
    assert_snapshot!(draw(&app, 120, 40).backend());
}

#[test]
fn vitals_form_with_an_error_next_to_a_field() {
    let (day, p) = clinic(Lang::En);
    let mut app = on(&day, Lang::En, p.ready);
    press(&mut app, KeyCode::Char('v'));
    for text in ["abc", "74", "72", "98", "36.5", "14"] {
        type_text(&mut app, text);
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Enter);
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn vitals_form_in_japanese() {
    let (day, p) = clinic(Lang::Ja);
    let mut app = on(&day, Lang::Ja, p.dripping);
    press(&mut app, KeyCode::Char('v'));
    type_text(&mut app, "12O");
    press(&mut app, KeyCode::Enter);
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn start_administration_form_with_the_lot_field() {
    let (day, p) = clinic(Lang::En);
    let mut app = on(&day, Lang::En, p.ready);
    press(&mut app, KeyCode::Enter);
    // Today's lot is offered first; a new one is blank.
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Enter);
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn start_administration_form_in_japanese() {
    let (day, p) = clinic(Lang::Ja);
    let mut app = on(&day, Lang::Ja, p.ready);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "EX-2612");
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn follow_up_after_anaphylaxis() {
    let (mut day, p) = clinic(Lang::En);
    anaphylaxis(&mut day, p.dripping);
    let mut app = on(&day, Lang::En, p.dripping);
    press(&mut app, KeyCode::Char('f'));
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn no_clinical_form_makes_the_screen_panic_at_any_size() {
    let (mut day, p) = clinic(Lang::Ja);
    anaphylaxis(&mut day, p.dripping);
    let forms: [(crate::domain::VisitId, KeyCode); 6] = [
        (p.returning, KeyCode::Enter),
        (p.ready, KeyCode::Enter),
        (p.ready, KeyCode::Char('v')),
        (p.observed, KeyCode::Enter),
        (p.dripping, KeyCode::Char('r')),
        (p.dripping, KeyCode::Char('f')),
    ];
    for (visit, key) in forms {
        let mut app = on(&day, Lang::Ja, visit);
        press(&mut app, key);
        press(&mut app, KeyCode::Left);
        for w in [0, 1, 10, 59, 60, 61, 80, 119, 120, 200] {
            for h in [0, 1, 5, 15, 16, 17, 24, 40, 60] {
                draw(&app, w, h);
            }
        }
    }
}
