//! The busy hour on the staff's screen (src/ui/snapshots/): the header's
//! next bed, the bed map with a bed being cleaned, each drip patient's
//! estimated start, the nurse on the row, the badge of a patient not on
//! the wall, the nurses' patients (`N`); and the keys that mark a bed
//! ready (`b`) and keep a patient off the wall (`D`), in stories.

use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;

use super::fixture::{Day, ENGLISH, JAPANESE, busy_hour, draw, press, ten, tokyo};
use super::{Action, App, Mode};
use crate::domain::{BedState, Command, Entry};
use crate::i18n::Lang;

/// The busy hour with Suzuki Aoi (on bed 1, not on the wall) selected.
fn hour(names: [&str; 13], lang: Lang) -> (Day, App) {
    let day = busy_hour(names);
    let mut app = day.app(lang);
    app.selected = day
        .board
        .visits
        .values()
        .find(|v| v.name == names[3])
        .map(|v| v.id);
    (day, app)
}

fn text(app: &App, w: u16, h: u16) -> String {
    draw(app, w, h).backend().to_string()
}

#[test]
fn the_busy_hour_in_english_at_80x24() {
    let (_, app) = hour(ENGLISH, Lang::En);
    let screen = text(&app, 80, 24);
    // No bed is free: the header says when the next one is.
    assert!(screen.contains("beds free 0/4  next bed 10:00"), "{screen}");
    assert!(screen.contains("4 cleaning 30m"), "{screen}");
    assert!(screen.contains("start ~10:10"), "{screen}");
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn the_busy_hour_in_english_at_160x48() {
    let (_, app) = hour(ENGLISH, Lang::En);
    let screen = text(&app, 160, 48);
    assert!(screen.contains("not on wall"), "{screen}");
    assert!(screen.contains("nurse KS has 2 drips at once"), "{screen}");
    assert_snapshot!(draw(&app, 160, 48).backend());
}

#[test]
fn the_busy_hour_in_japanese_at_80x24() {
    let (_, app) = hour(JAPANESE, Lang::Ja);
    let screen = text(&app, 80, 24);
    assert!(screen.contains("次のベッド 10:00"), "{screen}");
    assert!(screen.contains("清掃中30分"), "{screen}");
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn the_busy_hour_in_japanese_at_160x48() {
    let (_, app) = hour(JAPANESE, Lang::Ja);
    assert!(text(&app, 160, 48).contains("掲示なし"));
    assert_snapshot!(draw(&app, 160, 48).backend());
}

#[test]
fn the_nurses_patients_in_english_at_80x24() {
    let (_, mut app) = hour(ENGLISH, Lang::En);
    press(&mut app, KeyCode::Char('N'));
    assert_eq!(app.mode, Mode::Caseload);
    let screen = text(&app, 80, 24);
    assert!(
        screen.contains("Kato Sachiko (KS)  2 of 1 drips"),
        "{screen}"
    );
    assert!(screen.contains("over the limit"), "{screen}");
    assert_snapshot!(draw(&app, 80, 24).backend());
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn the_nurses_patients_in_english_at_160x48() {
    let (_, mut app) = hour(ENGLISH, Lang::En);
    press(&mut app, KeyCode::Char('N'));
    assert_snapshot!(draw(&app, 160, 48).backend());
}

#[test]
fn the_nurses_patients_in_japanese_at_80x24() {
    let (_, mut app) = hour(JAPANESE, Lang::Ja);
    press(&mut app, KeyCode::Char('N'));
    assert!(text(&app, 80, 24).contains("点滴2件（上限1件）"));
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn the_nurses_patients_in_japanese_at_160x48() {
    let (_, mut app) = hour(JAPANESE, Lang::Ja);
    press(&mut app, KeyCode::Char('N'));
    assert_snapshot!(draw(&app, 160, 48).backend());
}

/// The one request a key sent, decided and applied as the server would.
fn served(day: &mut Day, action: Action) -> Command {
    assert_eq!(action.send.len(), 1, "{action:?}");
    let r = &action.send[0];
    day.decide_request(r, ten())
        .unwrap_or_else(|e| panic!("{:?} refused: {e}", r.command));
    r.command.clone()
}

/// DOMAIN.md "During a drip and after it": the bed a patient left is
/// cleaned before the next one lies down.
#[test]
fn the_nurse_marks_the_one_bed_being_cleaned_ready_with_b() {
    let (mut day, mut app) = hour(ENGLISH, Lang::En);
    let action = press(&mut app, KeyCode::Char('b'));
    assert_eq!(
        served(&mut day, action),
        Command::BedReady { bed: "4".into() }
    );
    assert_eq!(
        crate::domain::beds::bed_state(&day.board, &day.config, "4", ten()),
        BedState::Free
    );
    assert!(text(&app, 80, 24).contains("Bed 4 marked ready"));
}

/// The busy hour after Kato Riku left bed 3 at 10:00: beds 3 and 4 are
/// being cleaned; nobody selected.
fn two_beds_cleaning(names: [&str; 13], lang: Lang) -> (Day, App, crate::domain::VisitId) {
    let (mut day, _) = hour(names, lang);
    let riku = day
        .board
        .visits
        .values()
        .find(|v| v.name == names[5])
        .map(|v| v.id)
        .unwrap();
    day.advance((10, 0), riku, None);
    let mut app = day.app(lang);
    app.selected = None;
    (day, app, riku)
}

#[test]
fn with_two_beds_being_cleaned_b_marks_the_one_the_selected_patient_left() {
    let (mut day, mut app, riku) = two_beds_cleaning(ENGLISH, Lang::En);
    app.selected = Some(riku);
    let action = press(&mut app, KeyCode::Char('b'));
    assert_eq!(
        served(&mut day, action),
        Command::BedReady { bed: "3".into() }
    );
}

/// The patient who left a bed may be off the board already: the nurse
/// chooses the bed from the list, nothing is guessed.
#[test]
fn with_two_beds_being_cleaned_and_nobody_chosen_b_lists_them_and_enter_marks_the_one_under_the_cursor()
 {
    let (mut day, mut app, _) = two_beds_cleaning(ENGLISH, Lang::En);
    let action = press(&mut app, KeyCode::Char('b'));
    assert!(action.send.is_empty(), "no bed is guessed");
    assert_eq!(app.mode, Mode::Beds("3".into()));
    let screen = text(&app, 80, 24);
    assert!(screen.contains("Which bed is ready?"), "{screen}");
    assert!(
        screen.contains("Bed 3  cleaning for 0 min  after #5 Kato Riku"),
        "{screen}"
    );
    assert!(screen.contains("Bed 4  cleaning for 30 min"), "{screen}");
    assert_snapshot!(draw(&app, 80, 24).backend());
    // Esc leaves the list without marking anything.
    assert!(press(&mut app, KeyCode::Esc).send.is_empty());
    assert_eq!(app.mode, Mode::Normal);
    press(&mut app, KeyCode::Char('b'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(
        app.mode,
        Mode::Beds("4".into()),
        "the cursor stops at the last bed"
    );
    let action = press(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(
        served(&mut day, action),
        Command::BedReady { bed: "4".into() }
    );
    assert!(text(&app, 80, 24).contains("Bed 4 marked ready"));
    // One bed left being cleaned: `b` marks it at once.
    let mut app = day.app(Lang::En);
    app.selected = None;
    let action = press(&mut app, KeyCode::Char('b'));
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(
        served(&mut day, action),
        Command::BedReady { bed: "3".into() }
    );
}

#[test]
fn the_bed_list_in_japanese_at_80x24() {
    let (_, mut app, _) = two_beds_cleaning(JAPANESE, Lang::Ja);
    press(&mut app, KeyCode::Char('b'));
    let screen = text(&app, 80, 24);
    assert!(screen.contains("準備完了にするベッド"), "{screen}");
    assert!(screen.contains("ベッド4　清掃中30分"), "{screen}");
    assert_snapshot!(draw(&app, 80, 24).backend());
}

/// Another terminal marks the bed under the cursor ready meanwhile: Enter
/// says so and marks nothing else.
#[test]
fn a_bed_marked_ready_elsewhere_while_the_list_is_open_is_not_marked_again_nor_another_one() {
    let (mut day, mut app, _) = two_beds_cleaning(ENGLISH, Lang::En);
    press(&mut app, KeyCode::Char('b'));
    assert_eq!(app.mode, Mode::Beds("3".into()));
    day.run(ten(), None, None, Command::BedReady { bed: "3".into() });
    super::update(
        &mut app,
        super::Msg::Client(crate::client::ClientEvent::Board(Box::new(
            day.board.clone(),
        ))),
        ten(),
    );
    let action = press(&mut app, KeyCode::Enter);
    assert!(action.send.is_empty(), "{action:?}");
    assert_eq!(app.mode, Mode::Beds("4".into()));
    let screen = text(&app, 100, 30);
    assert!(
        screen.contains("Bed 3 is no longer being cleaned (marked ready at another terminal)"),
        "{screen}"
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
    let _ = tokyo(10, 0);
}

/// DOMAIN.md "Records (Japan)": a patient may decline being displayed.
#[test]
fn a_patient_who_asks_not_to_be_shown_is_taken_off_the_wall_with_d_and_back_with_d_again() {
    let mut day = Day::new();
    let v = day.arrive((9, 50), "Kobayashi Ren", "face");
    let mut app = day.app(Lang::En);
    app.selected = Some(v);
    let action = press(&mut app, KeyCode::Char('D'));
    assert_eq!(
        served(&mut day, action),
        Command::Record {
            visit: v,
            entry: Entry::DoNotDisplay { on: true }
        }
    );
    assert!(day.board.visit(v).unwrap().care.do_not_display);
    let wall = crate::projection::project(&day.board, &day.config, ten());
    assert!(wall.queue.is_empty(), "not on the wall: {wall:?}");
    let mut app = day.app(Lang::En);
    app.selected = Some(v);
    let action = press(&mut app, KeyCode::Char('D'));
    assert_eq!(
        served(&mut day, action),
        Command::Record {
            visit: v,
            entry: Entry::DoNotDisplay { on: false }
        }
    );
    let wall = crate::projection::project(&day.board, &day.config, ten());
    assert_eq!(wall.queue.len(), 1);
}

/// DOMAIN.md "During a drip and after it": about three patients per nurse
/// at any one time — here one, and KS has two drips already. The start
/// form says so before the drip starts; Enter is the nurse's confirmation.
#[test]
fn the_start_form_says_before_a_drip_that_it_takes_the_nurse_over_the_limit() {
    let (mut day, mut app) = hour(ENGLISH, Lang::En);
    // Bed 4 is cleaned first, so the form has a bed to offer.
    let action = press(&mut app, KeyCode::Char('b'));
    served(&mut day, action);
    let sho = day
        .board
        .visits
        .values()
        .find(|v| v.name == ENGLISH[9])
        .map(|v| v.id)
        .unwrap();
    let mut app = day.app(Lang::En);
    app.selected = Some(sho);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Form(_)), "{:?}", app.mode);
    let screen = text(&app, 80, 24);
    assert!(
        screen.contains("Watanabe Sho's drip gives nurse KS 3 drips at once (limit 1)"),
        "{screen}"
    );
    assert_snapshot!(draw(&app, 80, 24).backend());
    let action = press(&mut app, KeyCode::Enter);
    assert!(action.send.iter().all(|r| r.confirm), "{action:?}");
    served_all(&mut day, action);
    assert_eq!(
        day.board.visit(sho).unwrap().stage,
        crate::domain::Stage::Administration
    );
}

#[test]
fn the_start_form_over_the_caseload_in_japanese() {
    let (mut day, mut app) = hour(JAPANESE, Lang::Ja);
    let action = press(&mut app, KeyCode::Char('b'));
    served(&mut day, action);
    let sho = day
        .board
        .visits
        .values()
        .find(|v| v.name == JAPANESE[9])
        .map(|v| v.id)
        .unwrap();
    let mut app = day.app(Lang::Ja);
    app.selected = Some(sho);
    press(&mut app, KeyCode::Enter);
    let screen = text(&app, 80, 24);
    assert!(screen.contains("看護師KSの担当が同時3件"), "{screen}");
    assert_snapshot!(draw(&app, 80, 24).backend());
}

/// Every request of an action, decided and applied in order.
fn served_all(day: &mut Day, action: Action) {
    for r in action.send {
        served(
            day,
            Action {
                send: vec![r],
                ..Action::default()
            },
        );
    }
}

/// The busy hour with a second nurse on the staff list, Matsui Taro (MT),
/// who has no patient yet; and Takahashi Jun, whose drip is with KS.
fn with_a_second_nurse() -> (Day, crate::domain::VisitId) {
    use crate::config::{StaffMember, StaffRole};
    let (mut day, _) = hour(ENGLISH, Lang::En);
    day.config.staff.push(StaffMember {
        initials: "MT".into(),
        name: "Matsui Taro".into(),
        role: StaffRole::Nurse,
        unix_user: None,
    });
    let jun = day
        .board
        .visits
        .values()
        .find(|v| v.name == ENGLISH[1])
        .map(|v| v.id)
        .unwrap();
    (day, jun)
}

/// A nurse over the limit gives a patient to another nurse with `R`: the
/// form says who has the patient now and offers the staff list's other
/// nurses, the one with the fewest drips first; the reassignment is an
/// event and the caseload follows it.
#[test]
fn a_patient_is_given_to_another_nurse_with_r() {
    let (mut day, jun) = with_a_second_nurse();
    let mut app = day.app(Lang::En);
    app.selected = Some(jun);
    press(&mut app, KeyCode::Char('R'));
    assert!(matches!(app.mode, Mode::Form(_)), "{:?}", app.mode);
    let screen = text(&app, 80, 24);
    assert!(screen.contains("With nurse KS now"), "{screen}");
    assert!(
        screen.contains("< MT Matsui Taro (drips now: 0) >"),
        "{screen}"
    );
    assert!(
        !screen.contains("Other nurse"),
        "the typed field only for someone else: {screen}"
    );
    assert_snapshot!(draw(&app, 80, 24).backend());
    let action = press(&mut app, KeyCode::Enter);
    assert!(action.send.iter().all(|r| !r.confirm), "MT has no drip yet");
    served_all(&mut day, action);
    assert_eq!(
        day.board.visit(jun).unwrap().care.nurse(),
        Some("Matsui Taro")
    );
    let loads = crate::domain::caseload::caseloads(&day.board, &day.config);
    assert_eq!(
        loads
            .iter()
            .map(|c| (c.nurse.as_str(), c.drips))
            .collect::<Vec<_>>(),
        vec![("KS", 1), ("Matsui Taro", 1)]
    );
    // The other drip to MT as well: over MT's limit of one, said first.
    let aoi = day
        .board
        .visits
        .values()
        .find(|v| v.name == ENGLISH[3])
        .map(|v| v.id)
        .unwrap();
    let mut app = day.app(Lang::En);
    app.selected = Some(aoi);
    press(&mut app, KeyCode::Char('R'));
    assert!(
        text(&app, 80, 24).contains("< MT Matsui Taro (drips now: 1) >"),
        "{}",
        text(&app, 80, 24)
    );
    assert!(
        text(&app, 80, 24).contains("Suzuki Aoi's drip would give nurse MT 2 drips at once"),
        "{}",
        text(&app, 80, 24)
    );
    let action = press(&mut app, KeyCode::Enter);
    assert!(action.send.iter().all(|r| r.confirm));
}

/// Someone not on the staff list (a nurse from another floor): chosen as
/// "someone else" and typed; the server decides whether it knows them.
#[test]
fn a_nurse_not_offered_is_typed_after_choosing_someone_else() {
    let (mut day, jun) = with_a_second_nurse();
    let mut app = day.app(Lang::En);
    app.selected = Some(jun);
    press(&mut app, KeyCode::Char('R'));
    press(&mut app, KeyCode::Right);
    let screen = text(&app, 80, 24);
    assert!(screen.contains("< someone else >"), "{screen}");
    assert!(
        screen.contains("Other nurse (initials or name)"),
        "{screen}"
    );
    // Nothing typed: said, nothing sent.
    let action = press(&mut app, KeyCode::Enter);
    assert!(action.send.is_empty(), "{action:?}");
    super::fixture::type_text(&mut app, "mt");
    let action = press(&mut app, KeyCode::Enter);
    let Command::Record {
        entry: Entry::Reassigned { nurse },
        ..
    } = served(&mut day, action)
    else {
        panic!("a reassignment");
    };
    assert_eq!(
        nurse, "mt",
        "typed as typed; the server names the staff member"
    );
}

#[test]
fn the_reassignment_form_in_japanese() {
    let (_, mut app) = hour(JAPANESE, Lang::Ja);
    press(&mut app, KeyCode::Char('R'));
    let screen = text(&app, 80, 24);
    assert!(screen.contains("現在の担当：看護師KS"), "{screen}");
    assert_snapshot!(draw(&app, 80, 24).backend());
}
