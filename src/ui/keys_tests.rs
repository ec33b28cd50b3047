//! Nothing typed is dropped, nothing urgent is hidden: clinic stories of
//! keys typed faster than the server answers, refusals in the middle of
//! them, and an alert strip with more alerts than lines. The "server" is
//! the domain itself, answering when the story says so.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::fixture::{CLINIC_EN, Clinic, Day, clinic_morning, draw, ten, tokyo};
use super::{Action, App, FieldId, Mode, Msg, update};
use crate::client::ClientEvent;
use crate::domain::{Check, Command, Entry, Stage};
use crate::i18n::{Lang, texts};
use crate::protocol::{ErrorBody, Reply, Request};

fn key(app: &mut App, code: KeyCode, now: DateTime<Utc>) -> Action {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)), now)
}

fn keys(app: &mut App, codes: &[KeyCode], now: DateTime<Utc>) -> Vec<Request> {
    codes.iter().flat_map(|c| key(app, *c, now).send).collect()
}

/// The server answers `requests` in order, as it would; the screen hears
/// each reply (and sends what the keys waiting for it now send). Returns
/// what was sent meanwhile.
fn answer(
    day: &mut Day,
    app: &mut App,
    requests: Vec<Request>,
    now: DateTime<Utc>,
) -> Vec<Request> {
    day.answer(app, requests, now).sent
}

/// Answers until nothing more is sent.
fn answer_all(day: &mut Day, app: &mut App, mut requests: Vec<Request>, now: DateTime<Utc>) {
    while !requests.is_empty() {
        requests = answer(day, app, requests, now);
    }
}

fn checklist(day: &Day, c: &Clinic) -> Vec<Check> {
    day.board
        .visit(c.observed)
        .unwrap()
        .care
        .checklist
        .keys()
        .copied()
        .collect()
}

fn form(app: &App) -> &super::Form {
    match &app.mode {
        Mode::Form(f) => f,
        other => panic!("expected a form, the screen is in {other:?}"),
    }
}

#[test]
fn tab_space_tab_space_ticks_every_item_while_the_first_tick_is_saved() {
    let (mut day, c) = clinic_morning(CLINIC_EN);
    let mut app = day.app(Lang::En);
    app.selected = Some(c.observed);
    key(&mut app, KeyCode::Enter, ten());
    // Three items left: donation, next visit, whom to call. The nurse
    // types them all before the server has answered the first.
    let sent = keys(
        &mut app,
        &[
            KeyCode::Char(' '),
            KeyCode::Tab,
            KeyCode::Char(' '),
            KeyCode::Tab,
            KeyCode::Char(' '),
        ],
        ten(),
    );
    assert_eq!(sent.len(), 1, "one save at a time");
    assert_eq!(form(&app).queued.len(), 4, "the other keys wait their turn");
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(screen.contains("Saving... (4 keys waiting"), "{screen}");
    answer_all(&mut day, &mut app, sent, ten());
    assert!(form(&app).queued.is_empty());
    let done = checklist(&day, &c);
    for item in Check::REQUIRED {
        assert!(done.contains(&item), "{item:?} ticked");
    }
    // Enter now discharges: nothing was skipped.
    let sent = keys(&mut app, &[KeyCode::Enter], ten());
    answer_all(&mut day, &mut app, sent, ten());
    assert_eq!(
        day.board.visit(c.observed).unwrap().stage,
        Stage::Discharged
    );
}

#[test]
fn after_a_refused_tick_the_next_keys_still_do_what_they_say() {
    let mut day = Day::new();
    let v = day.arrive((9, 0), "Aoki Ami", "drip");
    day.flow(v, &[(9, 2), (9, 5), (9, 10), (9, 58)], Some("1"));
    let mut app = day.app(Lang::En);
    app.selected = Some(v);
    key(&mut app, KeyCode::Enter, ten());
    // Pressure (10:00), then hemostasis confirmed at once (too early:
    // refused), then on to "feels well": all typed in one go.
    let sent = keys(
        &mut app,
        &[
            KeyCode::Char('y'),
            KeyCode::Char('y'),
            KeyCode::Tab,
            KeyCode::Char(' '),
        ],
        ten(),
    );
    answer_all(&mut day, &mut app, sent, ten());
    let care = &day.board.visit(v).unwrap().care;
    assert!(care.checklist.contains_key(&Check::HemostasisPressure));
    assert!(
        !care.checklist.contains_key(&Check::HemostasisConfirmed),
        "refused: keep pressure first"
    );
    assert!(
        care.checklist.contains_key(&Check::FeelsWellWalksSteadily),
        "the keys after the refusal were applied"
    );
    let e = form(&app)
        .field(FieldId::Check(Check::HemostasisConfirmed))
        .and_then(|f| f.error.clone())
        .expect("the refusal is next to its item");
    assert!(e.contains("keep pressure"), "{e}");
}

/// The observed patient's discharge checklist open, the cursor on the
/// aftercare box (and its field index).
fn on_the_aftercare_box(day: &Day, c: &Clinic, lang: Lang) -> (App, usize) {
    let mut app = day.app(lang);
    app.selected = Some(c.observed);
    key(&mut app, KeyCode::Enter, ten());
    let at = form(&app)
        .fields
        .iter()
        .position(|f| f.id == FieldId::Check(Check::AftercareExplained))
        .unwrap();
    if let Mode::Form(f) = &mut app.mode {
        f.focus = at;
    }
    (app, at)
}

#[test]
fn a_wrong_tick_is_taken_back_with_n_and_the_discharge_waits_for_it_again() {
    let (mut day, c) = clinic_morning(CLINIC_EN);
    // Aftercare was ticked by mistake: back to it, n.
    let (mut app, _) = on_the_aftercare_box(&day, &c, Lang::En);
    let sent = keys(&mut app, &[KeyCode::Char('n')], ten());
    assert!(matches!(
        &sent[0].command,
        Command::Record {
            entry: Entry::Untick {
                item: Check::AftercareExplained
            },
            ..
        }
    ));
    answer_all(&mut day, &mut app, sent, ten());
    assert!(!checklist(&day, &c).contains(&Check::AftercareExplained));
    // Space never takes a tick back: it ticks again.
    let sent = keys(&mut app, &[KeyCode::Char(' '), KeyCode::Char(' ')], ten());
    answer_all(&mut day, &mut app, sent, ten());
    assert!(checklist(&day, &c).contains(&Check::AftercareExplained));
    let v = day.board.visit(c.observed).unwrap();
    let unticks = v
        .events
        .iter()
        .filter(|e| {
            matches!(
                &e.kind,
                crate::domain::EventKind::Recorded {
                    entry: Entry::Untick { .. }
                }
            )
        })
        .count();
    assert_eq!(unticks, 1, "the untick stays in the record");
}

/// Vitals typed while the cursor is still on a tick box of the checklist
/// (the box could not be ticked yet): each character is said beside the
/// box, nothing is sent, nothing changes, and the box still ticks.
#[test]
fn characters_typed_on_a_tick_box_are_said_not_dropped_without_a_word() {
    let (mut day, c) = clinic_morning(CLINIC_EN);
    let (mut app, at) = on_the_aftercare_box(&day, &c, Lang::En);
    let before = form(&app).clone();
    let sent = keys(&mut app, &[KeyCode::Char('1'), KeyCode::Char('8')], ten());
    assert!(sent.is_empty(), "{sent:?}");
    let said = "\u{201c}8\u{201d} not typed in: a tick box (Space or y ticks it, n takes it back; Tab: next field)";
    assert_eq!(form(&app).fields[at].error.as_deref(), Some(said));
    let screen = draw(&app, 120, 40).backend().to_string();
    assert!(screen.contains("not typed in: a tick box"), "{screen}");
    let mut unchanged = form(&app).clone();
    unchanged.fields[at].error = None;
    assert_eq!(unchanged, before, "only the words beside the box");
    // The box still ticks, and the words go with the answer.
    let sent = keys(&mut app, &[KeyCode::Char(' ')], ten());
    answer_all(&mut day, &mut app, sent, ten());
    assert_eq!(form(&app).fields[at].error, None);
    // In Japanese, wholly Japanese.
    let (mut app, _) = on_the_aftercare_box(&day, &c, Lang::Ja);
    keys(&mut app, &[KeyCode::Char('x')], ten());
    assert_eq!(
        form(&app).fields[at].error.as_deref(),
        Some(
            "「x」は入力されません：チェック欄です（Space・y で記録、n で取り消し、Tab で次の項目）"
        )
    );
}

#[test]
fn enter_pressed_twice_while_vitals_are_saved_records_them_once() {
    let (mut day, c) = clinic_morning(CLINIC_EN);
    let mut app = day.app(Lang::En);
    app.selected = Some(c.ready);
    let before = day.board.visit(c.ready).unwrap().care.vitals.len();
    key(&mut app, KeyCode::Char('v'), ten());
    for ch in "120/76 70 98 36.6 14".chars() {
        key(&mut app, KeyCode::Char(ch), ten());
    }
    let sent = keys(&mut app, &[KeyCode::Enter, KeyCode::Enter], ten());
    assert_eq!(sent.len(), 1);
    answer_all(&mut day, &mut app, sent, ten());
    assert_eq!(
        day.board.visit(c.ready).unwrap().care.vitals.len(),
        before + 1,
        "once"
    );
    // The second Enter was applied after the save, to the board: the
    // patient's next step (the start form), not a second entry.
    assert!(matches!(form(&app).kind, super::FormKind::Start { .. }));
}

#[test]
fn an_enter_typed_after_a_refused_save_is_not_taken_and_the_form_says_so() {
    let (mut day, c) = clinic_morning(CLINIC_EN);
    let mut app = day.app(Lang::En);
    app.selected = Some(c.ready);
    key(&mut app, KeyCode::Char('x'), ten());
    for ch in "changed her mind".chars() {
        key(&mut app, KeyCode::Char(ch), ten());
    }
    let sent = keys(&mut app, &[KeyCode::Enter, KeyCode::Enter], ten());
    // Someone else moved her meanwhile: the first is refused.
    let reply = Reply::failed(
        sent[0].id,
        ErrorBody::new("closed", "Ito Sho has left the flow"),
    );
    let more = update(&mut app, Msg::Client(ClientEvent::Reply(reply)), ten()).send;
    assert!(more.is_empty(), "the queued Enter is not sent again");
    assert_eq!(
        form(&app).error.as_deref(),
        Some("Ito Sho has left the flow")
    );
    let _ = &mut day;
    // Typed text is never lost: it is all there to send again.
    assert_eq!(form(&app).text(FieldId::Reason), "changed her mind");
    let again = keys(&mut app, &[KeyCode::Enter], ten());
    assert_eq!(again.len(), 1, "Enter again sends it");
}

#[test]
fn the_enter_not_taken_after_a_refusal_is_said_on_the_screen() {
    let (day, c) = clinic_morning(CLINIC_EN);
    let mut app = day.app(Lang::En);
    app.selected = Some(c.ready);
    key(&mut app, KeyCode::Char('x'), ten());
    for ch in "left".chars() {
        key(&mut app, KeyCode::Char(ch), ten());
    }
    let sent = keys(&mut app, &[KeyCode::Enter, KeyCode::Enter], ten());
    // Refused with no message of its own: the form says what was not taken.
    let reply = Reply {
        id: sent[0].id,
        ok: false,
        visit: None,
        events: Vec::new(),
        error: None,
        data: None,
    };
    update(&mut app, Msg::Client(ClientEvent::Reply(reply)), ten());
    assert!(form(&app).error.is_some(), "the refusal in the form");
    assert_eq!(
        app.status.clone().map(|s| s.text).as_deref(),
        Some(texts(Lang::En).ui.enter_not_taken),
        "and what was not taken below it"
    );
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(screen.contains("Enter was not taken"), "{screen}");
}

/// A clinic with many alerts: 24 patients waiting far too long.
fn crowded(day: &mut Day, n: u32) {
    for i in 0..n {
        day.arrive((8, 30 + i % 20), &format!("Waiting {i:02}"), "face");
    }
}

fn strip_lines(screen: &str) -> usize {
    screen
        .lines()
        .filter(|l| l.contains("CRITICAL") || l.contains("WARNING") || l.contains("INFO "))
        .count()
}

#[test]
fn the_alert_strip_grows_into_the_rows_the_board_leaves_free() {
    let (mut day, c) = clinic_morning(CLINIC_EN);
    crowded(&mut day, 6);
    let mut app = day.app(Lang::En);
    app.selected = Some(c.ready);
    let alerts = app.board_alerts(ten()).len();
    assert!(alerts > 4, "{alerts}");
    // At 120x40 the board needs few rows: every alert shows.
    let screen = draw(&app, 120, 40).backend().to_string();
    assert_eq!(strip_lines(&screen), alerts, "{screen}");
    assert!(!screen.contains("more"), "{screen}");
}

#[test]
fn the_selected_patient_s_alert_is_never_among_the_ones_cut() {
    let (mut day, c) = clinic_morning(CLINIC_EN);
    crowded(&mut day, 30);
    let mut app = day.app(Lang::En);
    // The patient on the drip has only an info alert (the check due); a
    // crowd of critical waits outranks it.
    app.selected = Some(c.dripping);
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(
        screen.contains("#1 Sato Ken  drip check at 15 min"),
        "{screen}"
    );
    assert!(screen.contains("more"), "the others are counted");
    // The most severe stays first.
    let first = screen
        .lines()
        .find(|l| strip_lines(l) == 1)
        .unwrap()
        .to_string();
    assert!(first.contains("CRITICAL"), "{first}");
}

#[test]
fn at_80x24_the_exclamation_key_lists_every_alert_and_enter_goes_to_the_patient() {
    let (mut day, c) = clinic_morning(CLINIC_EN);
    crowded(&mut day, 10);
    let mut app = day.app(Lang::En);
    app.selected = Some(c.ready);
    let all = app.board_alerts(ten());
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(
        screen.contains("! alerts"),
        "the footer offers it: {screen}"
    );
    key(&mut app, KeyCode::Char('!'), ten());
    assert_eq!(app.mode, Mode::Alerts(0));
    // Down to the last: the list scrolls, every alert is there.
    for _ in 1..all.len() {
        key(&mut app, KeyCode::Char('j'), ten());
    }
    let screen = draw(&app, 80, 24).backend().to_string();
    let last = day.board.visit(all.last().unwrap().visit).unwrap();
    assert!(screen.contains(&last.name), "{screen}");
    key(&mut app, KeyCode::Enter, ten());
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.selected, Some(last.id));
    let _ = tokyo(10, 0);
}
