//! The history view, corrections from the board and the check-in of a
//! booked patient, as clinic stories; and snapshots of what the staff see
//! (src/ui/snapshots/). Everything at 10:00 on 2026-11-21; the "server" is
//! played by hand.

use chrono::{DateTime, TimeZone, Utc};
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;

use super::fixture::{Day, draw, press, ten, tokyo, type_text};
use super::forms::{Value, What};
use super::history::{History, Kind, Source};
use super::{FieldId, FormKind, Mode, Msg, StatusKind, update};
use crate::client::ClientEvent;
use crate::domain::{Command, Correction, EventKind, Stage, VisitId};
use crate::i18n::{Lang, texts};
use crate::protocol::{ErrorBody, Query, Reply};

/// `h:m` on 2026-11-20, the day before, Tokyo time.
fn yesterday(h: u32, m: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Tokyo
        .with_ymd_and_hms(2026, 11, 20, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// The words of one language's story.
struct Words {
    names: [&'static str; 6],
    /// The right name of the second patient (registered with a typo).
    right_name: &'static str,
    typo_reason: &'static str,
    lot_reason: &'static str,
    fever: &'static str,
    left: &'static str,
    ks: &'static str,
    mt: &'static str,
}

const EN: Words = Words {
    names: [
        "Aoki Ami",
        "Watanabe Shou",
        "Chiba Yuu",
        "Ono Mei",
        "Mori Kenta",
        "Ishii Rei",
    ],
    right_name: "Watanabe Sho",
    typo_reason: "typo at reception",
    lot_reason: "label misread",
    fever: "fever 38.0C",
    left: "left before counselling",
    ks: "KS",
    mt: "MT",
};

const JA: Words = Words {
    names: [
        "青木 亜美",
        "渡辺 翔太",
        "千葉 ゆう",
        "小野 芽衣",
        "森 健太",
        "石井 玲",
    ],
    right_name: "渡辺 翔",
    typo_reason: "受付での入力ミス",
    lot_reason: "ラベルの読み違い",
    fever: "発熱 38.0C",
    left: "カウンセリング前に帰宅",
    ks: "佐藤",
    mt: "松田",
};

/// The patients of the story.
struct Story {
    day: Day,
    /// Ready marked by mistake and undone; on a drip since 9:40 (bed 2);
    /// lot corrected.
    aoki: VisitId,
    /// Registered as "Watanabe Shou", name corrected; counselling entered
    /// late.
    watanabe: VisitId,
    /// Waiting since 9:50, not corrected yet.
    chiba: VisitId,
    /// Booked for 10:30, not arrived.
    ono: VisitId,
    /// Yesterday: deferred.
    mori: VisitId,
}

/// Yesterday: Mori deferred for a fever, Ishii left. Today: Aoki ready
/// by mistake (undone) then on a drip with a corrected lot; Watanabe's
/// name corrected; Chiba waiting; Ono booked for 10:30.
fn story(w: &Words) -> Story {
    let mut day = Day::new();
    let run = |day: &mut Day, now, op: &str, command| day.run(now, None, Some(op), command);
    let arrive = |name: &str, chart: Option<&str>| Command::Arrive {
        name: name.into(),
        treatment: "drip".into(),
        chart_no: chart.map(str::to_string),
        key: None,
        do_not_display: false,
    };
    let advance = |visit, to| Command::Advance {
        visit,
        to,
        bed: None,
        lot: None,
    };

    // Yesterday.
    let mori = run(&mut day, yesterday(14, 0), w.ks, arrive(w.names[4], None));
    run(
        &mut day,
        yesterday(14, 10),
        w.ks,
        advance(mori, Stage::Counselling),
    );
    run(
        &mut day,
        yesterday(14, 20),
        w.mt,
        Command::Defer {
            visit: mori,
            reason: w.fever.into(),
        },
    );
    let ishii = run(&mut day, yesterday(15, 0), w.mt, arrive(w.names[5], None));
    run(
        &mut day,
        yesterday(15, 30),
        w.mt,
        Command::Cancel {
            visit: ishii,
            reason: w.left.into(),
        },
    );

    // Today.
    let aoki = run(&mut day, tokyo(9, 0), w.ks, arrive(w.names[0], None));
    run(
        &mut day,
        tokyo(9, 5),
        w.ks,
        advance(aoki, Stage::Counselling),
    );
    let watanabe = run(
        &mut day,
        tokyo(9, 10),
        w.mt,
        arrive(w.names[1], Some("10077")),
    );
    run(
        &mut day,
        tokyo(9, 12),
        w.ks,
        Command::Correct {
            visit: watanabe,
            correction: Correction::Name {
                name: w.right_name.into(),
            },
            reason: w.typo_reason.into(),
            doctor: None,
        },
    );
    for entry in crate::demo::routine_counselling(&day.config, "drip", &[]) {
        run(
            &mut day,
            tokyo(9, 14),
            w.ks,
            Command::Record { visit: aoki, entry },
        );
    }
    run(&mut day, tokyo(9, 15), w.ks, advance(aoki, Stage::Ready));
    run(
        &mut day,
        tokyo(9, 16),
        w.ks,
        Command::Undo {
            visit: aoki,
            reason: Some("entered by mistake".into()),
        },
    );
    run(&mut day, tokyo(9, 20), w.ks, advance(aoki, Stage::Ready));
    // Watanabe's counselling began at 9:30, entered at 9:36.
    day.run(
        tokyo(9, 36),
        Some(tokyo(9, 30)),
        Some(w.mt),
        advance(watanabe, Stage::Counselling),
    );
    run(
        &mut day,
        tokyo(9, 40),
        w.mt,
        Command::Advance {
            visit: aoki,
            to: Stage::Administration,
            bed: Some("2".into()),
            lot: Some(crate::demo::lot("EX-2611", tokyo(9, 40))),
        },
    );
    run(
        &mut day,
        tokyo(9, 45),
        w.ks,
        Command::Correct {
            visit: aoki,
            correction: Correction::Lot {
                number: "EX-2612".into(),
            },
            reason: w.lot_reason.into(),
            doctor: None,
        },
    );
    let chiba = run(&mut day, tokyo(9, 50), w.mt, arrive(w.names[2], None));
    let ono = run(
        &mut day,
        tokyo(9, 55),
        w.ks,
        Command::Expect {
            name: w.names[3].into(),
            treatment: "drip".into(),
            chart_no: None,
            expected_at: tokyo(10, 30),
            key: None,
        },
    );
    Story {
        day,
        aoki,
        watanabe,
        chiba,
        ono,
        mori,
    }
}

fn history(app: &super::App) -> &History {
    match &app.mode {
        Mode::History(h) => h,
        other => panic!("expected the history, the screen is in {other:?}"),
    }
}

fn form(app: &super::App) -> &super::Form {
    match &app.mode {
        Mode::Form(form) => form,
        other => panic!("expected a form, the screen is in {other:?}"),
    }
}

fn field_error(app: &super::App, id: FieldId) -> Option<String> {
    form(app).field(id).and_then(|f| f.error.clone())
}

/// The lines of the history as (patient, what, undone).
fn lines(app: &super::App) -> Vec<(String, String, bool)> {
    history(app)
        .rows(app)
        .into_iter()
        .map(|r| (r.name, r.what, r.undone))
        .collect()
}

fn select(app: &mut super::App, visit: VisitId) {
    app.selected = Some(visit);
}

/// The server's answer to a visits query: the visits of the story that
/// arrived in `[from, to)`, as the store would send them.
fn answer(day: &Day, id: u64, from: DateTime<Utc>, to: DateTime<Utc>) -> Msg {
    let visits: Vec<&crate::domain::Visit> = day
        .board
        .visits
        .values()
        .filter(|v| v.arrived_at >= from && v.arrived_at < to)
        .collect();
    Msg::Client(ClientEvent::Reply(Reply {
        id: Some(id),
        ok: true,
        visit: None,
        events: Vec::new(),
        error: None,
        data: Some(serde_json::json!({ "visits": visits })),
    }))
}

#[test]
fn the_history_of_a_patient_lists_the_undo_and_the_correction_with_the_old_value() {
    let s = story(&EN);
    let mut app = s.day.app(Lang::En);
    select(&mut app, s.aoki);
    press(&mut app, KeyCode::Char('H'));
    let all = history(&app).rows(&app).len();
    assert!(
        lines(&app).iter().any(|(name, _, _)| name == "Chiba Yuu"),
        "everyone's events first"
    );
    assert!(
        lines(&app).iter().all(|(name, _, _)| name != "Mori Kenta"),
        "yesterday's patients are not in today's history"
    );

    press(&mut app, KeyCode::Char('p'));
    let rows = lines(&app);
    assert!(rows.len() < all);
    assert!(
        rows.iter().all(|(name, _, _)| name == "Aoki Ami"),
        "{rows:?}"
    );
    let ready: Vec<&(String, String, bool)> = rows
        .iter()
        .filter(|(_, what, _)| what == "ready for treatment")
        .collect();
    assert_eq!(ready.len(), 2, "the mistaken ready and the real one");
    assert!(ready[0].2, "the first is marked undone");
    assert!(!ready[1].2, "the second stands");
    assert!(
        rows.iter()
            .any(|(_, what, _)| what == "undo of ready for treatment: entered by mistake"),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|(_, what, _)| what == "corrected lot: EX-2611 -> EX-2612 (label misread)"),
        "{rows:?}"
    );

    // Only the corrections: the undo and the lot.
    press(&mut app, KeyCode::Char('t'));
    press(&mut app, KeyCode::Char('t'));
    press(&mut app, KeyCode::Char('t'));
    assert_eq!(history(&app).kind, Kind::Corrections);
    assert_eq!(lines(&app).len(), 2);

    // `p` again: everyone's corrections (Watanabe's name too).
    press(&mut app, KeyCode::Char('p'));
    assert!(
        lines(&app).iter().any(|(_, what, _)| what
            == "corrected name: Watanabe Shou -> Watanabe Sho (typo at reception)")
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn filtering_by_operator() {
    let s = story(&EN);
    let mut app = s.day.app(Lang::En);
    press(&mut app, KeyCode::Char('H'));
    let all = history(&app).rows(&app);
    press(&mut app, KeyCode::Char('/'));
    assert!(history(&app).typing_by);
    type_text(&mut app, "mt");
    press(&mut app, KeyCode::Enter);
    assert!(!history(&app).typing_by);
    let rows = history(&app).rows(&app);
    assert!(!rows.is_empty());
    assert!(rows.len() < all.len());
    assert!(
        rows.iter().all(|r| r.operator.as_deref() == Some("MT")),
        "initials match whatever the case"
    );
    assert_eq!(
        rows.len(),
        all.iter()
            .filter(|r| r.operator.as_deref() == Some("MT"))
            .count()
    );
    // Nobody called "zz": says so rather than an empty screen.
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "zz");
    press(&mut app, KeyCode::Enter);
    assert!(history(&app).rows(&app).is_empty());
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(screen.contains("No event matches the filters"), "{screen}");
    // Esc while typing clears it.
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(history(&app).rows(&app).len(), all.len());
}

#[test]
fn going_to_yesterday_sends_a_visits_query_for_yesterdays_clinic_day_and_shows_the_answer() {
    let s = story(&EN);
    let mut app = s.day.app(Lang::En);
    app.read_only = true;
    press(&mut app, KeyCode::Char('H'));
    assert_eq!(history(&app).source, Source::Board);

    // Tomorrow has no records: nothing is asked.
    let action = press(&mut app, KeyCode::Char(']'));
    assert_eq!(action.query, None);
    assert_eq!(
        app.status.as_ref().map(|s| s.text.as_str()),
        Some("There are no records after today")
    );

    let action = press(&mut app, KeyCode::Char('['));
    assert!(action.send.is_empty(), "a question, not a command");
    let query = action.query.expect("a query for yesterday");
    let id = query.id.expect("an id to match the reply");
    // The clinic day in Tokyo: from midnight to midnight, +09:00.
    assert_eq!(
        query.query,
        Query::Visits {
            from: yesterday(0, 0),
            to: tokyo(0, 0),
            after: None,
            limit: None,
        }
    );
    assert_eq!(history(&app).source, Source::Loading(id));
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(
        screen.contains("Loading the records of 2026-11-20 (Fri)..."),
        "{screen}"
    );

    update(
        &mut app,
        answer(&s.day, id, yesterday(0, 0), tokyo(0, 0)),
        ten(),
    );
    let rows = lines(&app);
    assert!(
        rows.iter()
            .any(|(name, what, _)| name == "Mori Kenta" && what == "deferred: fever 38.0C")
    );
    assert!(rows.iter().all(|(name, _, _)| name != "Aoki Ami"));
    assert!(!history(&app).rows(&app).is_empty());
    // Filters work on a past day too.
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Char('p'));
    assert!(lines(&app).iter().all(|(name, _, _)| name == "Mori Kenta"));

    // Back to today: the board, no question asked.
    let action = press(&mut app, KeyCode::Right);
    assert_eq!(action.query, None);
    assert_eq!(history(&app).source, Source::Board);
    assert_eq!(
        history(&app).patient,
        None,
        "yesterday's patient filter goes"
    );
    let _ = s.mori;
}

#[test]
fn a_day_that_cannot_be_read_says_why_and_a_late_answer_for_another_day_is_ignored() {
    let s = story(&EN);
    let mut app = s.day.app(Lang::En);
    press(&mut app, KeyCode::Char('H'));
    let first = press(&mut app, KeyCode::Char('['))
        .query
        .unwrap()
        .id
        .unwrap();
    // The staff go one day further back before the answer comes.
    let second = press(&mut app, KeyCode::Char('['))
        .query
        .unwrap()
        .id
        .unwrap();
    update(
        &mut app,
        answer(&s.day, first, yesterday(0, 0), tokyo(0, 0)),
        ten(),
    );
    assert_eq!(history(&app).source, Source::Loading(second));
    update(
        &mut app,
        Msg::Client(ClientEvent::Reply(Reply::failed(
            Some(second),
            ErrorBody::new("storage", "the database could not be read"),
        ))),
        ten(),
    );
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(
        screen.contains("Could not load 2026-11-19 (Thu): the database could not be read"),
        "{screen}"
    );
    // The link lost while waiting: said too.
    let third = press(&mut app, KeyCode::Char('['))
        .query
        .unwrap()
        .id
        .unwrap();
    assert_eq!(history(&app).source, Source::Loading(third));
    update(
        &mut app,
        Msg::Client(ClientEvent::Lost("the server closed the connection".into())),
        ten(),
    );
    assert_eq!(
        history(&app).source,
        Source::Failed("the server closed the connection".into())
    );
}

#[test]
fn a_correction_without_a_reason_is_refused_next_to_the_reason_field() {
    let s = story(&EN);
    let mut app = s.day.app(Lang::En);
    select(&mut app, s.chiba);
    press(&mut app, KeyCode::Char('C'));
    assert_eq!(form(&app).kind, FormKind::Correct { visit: s.chiba });
    assert_eq!(form(&app).chosen(FieldId::What), &Value::What(What::Name));
    press(&mut app, KeyCode::Tab);
    assert_eq!(form(&app).text(FieldId::Name), "Chiba Yuu", "typed over");
    press(&mut app, KeyCode::Backspace);
    let action = press(&mut app, KeyCode::Enter);
    assert!(action.send.is_empty(), "nothing is sent");
    assert_eq!(
        field_error(&app, FieldId::Reason).as_deref(),
        Some("type a reason")
    );
    assert_eq!(form(&app).focused().map(|f| f.id), Some(FieldId::Reason));

    // With a reason it goes; the server's refusal lands next to the
    // reason too.
    type_text(&mut app, "x");
    let action = press(&mut app, KeyCode::Enter);
    let request = action.send.first().expect("sent").clone();
    assert_eq!(
        request.command,
        Command::Correct {
            visit: s.chiba,
            correction: Correction::Name {
                name: "Chiba Yu".into()
            },
            reason: "x".into(),
            doctor: None,
        }
    );
    let mut refusal = ErrorBody::new("invalid", "say why the record was wrong");
    refusal.field = Some("reason".into());
    update(
        &mut app,
        Msg::Client(ClientEvent::Reply(Reply::failed(request.id, refusal))),
        ten(),
    );
    assert_eq!(
        field_error(&app, FieldId::Reason).as_deref(),
        Some("say why the record was wrong")
    );
    assert_eq!(form(&app).text(FieldId::Name), "Chiba Yu", "kept as typed");
}

#[test]
fn correcting_the_start_time_sends_the_events_sequence_number_and_the_new_time() {
    let s = story(&EN);
    let mut app = s.day.app(Lang::En);
    select(&mut app, s.aoki);
    press(&mut app, KeyCode::Char('C'));
    let start = s
        .day
        .board
        .visit(s.aoki)
        .unwrap()
        .events
        .iter()
        .find(|e| matches!(e.kind, EventKind::AdministrationStarted { .. }))
        .unwrap()
        .seq;
    let want = Value::What(What::Time(start));
    while *form(&app).chosen(FieldId::What) != want {
        press(&mut app, KeyCode::Right);
    }
    // Only the right time and the reason are asked now.
    press(&mut app, KeyCode::Tab);
    assert_eq!(form(&app).focused().map(|f| f.id), Some(FieldId::At));
    assert!(!form(&app).has_shown(FieldId::Name));
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(
        screen.contains("time of administration started (09:40)"),
        "{screen}"
    );
    type_text(&mut app, "09:35");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "entered late");
    let action = press(&mut app, KeyCode::Enter);
    let request = action.send.first().expect("sent");
    assert_eq!(request.at, None, "the time is in the correction");
    assert_eq!(
        request.command,
        Command::Correct {
            visit: s.aoki,
            correction: Correction::Time {
                event: start,
                at: tokyo(9, 35),
            },
            reason: "entered late".into(),
            doctor: None,
        }
    );
    // The server refuses a time out of order: next to the time.
    let mut refusal = ErrorBody::new(
        "invalid",
        "the corrected time must stay between the stage before and the stage after",
    );
    refusal.field = Some("at".into());
    update(
        &mut app,
        Msg::Client(ClientEvent::Reply(Reply::failed(request.id, refusal))),
        ten(),
    );
    assert!(field_error(&app, FieldId::At).is_some());
}

#[test]
fn after_a_correction_the_detail_shows_the_old_value_beside_the_new_one() {
    let mut s = story(&EN);
    let start = s
        .day
        .board
        .visit(s.aoki)
        .unwrap()
        .events
        .iter()
        .find(|e| matches!(e.kind, EventKind::AdministrationStarted { .. }))
        .unwrap()
        .seq;
    s.day.run(
        tokyo(9, 58),
        None,
        Some("KS"),
        Command::Correct {
            visit: s.aoki,
            correction: Correction::Time {
                event: start,
                at: tokyo(9, 35),
            },
            reason: "entered late".into(),
            doctor: None,
        },
    );
    let mut app = s.day.app(Lang::En);
    select(&mut app, s.aoki);
    let screen = draw(&app, 160, 40).backend().to_string();
    assert!(
        screen.contains("EX-2612 (Lot expiry 2027-01-20) (was EX-2611)"),
        "{screen}"
    );
    assert!(
        screen.contains("09:35 (was 09:40)  administration started"),
        "{screen}"
    );
    select(&mut app, s.watanabe);
    let screen = draw(&app, 160, 40).backend().to_string();
    assert!(
        screen.contains("Watanabe Sho (was Watanabe Shou)"),
        "{screen}"
    );
    press(&mut app, KeyCode::Char('H'));
    press(&mut app, KeyCode::Char('p'));
    assert!(
        lines(&app).iter().any(|(_, what, _)| what
            == "corrected name: Watanabe Shou -> Watanabe Sho (typo at reception)")
    );
}

#[test]
fn enter_on_a_booked_patient_checks_them_in() {
    let s = story(&EN);
    let mut app = s.day.app(Lang::En);
    select(&mut app, s.ono);
    let screen = draw(&app, 120, 30).backend().to_string();
    assert!(screen.contains("Enter check in"), "{screen}");
    press(&mut app, KeyCode::Enter);
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(screen.contains("Check in"), "{screen}");
    let action = press(&mut app, KeyCode::Enter);
    assert!(matches!(
        action.send[0].command,
        Command::Advance {
            visit,
            to: Stage::Waiting,
            ..
        } if visit == s.ono
    ));

    let mut app = s.day.app(Lang::Ja);
    select(&mut app, s.ono);
    let screen = draw(&app, 120, 30).backend().to_string();
    assert!(screen.contains("Enter 来院受付"), "{screen}");
    press(&mut app, KeyCode::Char('?'));
    let help = draw(&app, 100, 40).backend().to_string();
    assert!(help.contains("予約患者の来院受付"), "{help}");
}

#[test]
fn a_read_only_terminal_may_read_the_history_but_not_correct() {
    let s = story(&EN);
    let mut app = s.day.app(Lang::En);
    app.read_only = true;
    select(&mut app, s.chiba);
    press(&mut app, KeyCode::Char('C'));
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(
        app.status.as_ref().map(|s| (s.kind, s.text.as_str())),
        Some((StatusKind::Error, texts(Lang::En).ui.read_only))
    );
    press(&mut app, KeyCode::Char('H'));
    assert!(matches!(app.mode, Mode::History(_)));
}

// Snapshots.

#[test]
fn history_in_english_at_80x24() {
    let s = story(&EN);
    let mut app = s.day.app(Lang::En);
    press(&mut app, KeyCode::Char('H'));
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn history_in_japanese_at_120x40() {
    let s = story(&JA);
    let mut app = s.day.app(Lang::Ja);
    press(&mut app, KeyCode::Char('H'));
    assert_snapshot!(draw(&app, 120, 40).backend());
}

#[test]
fn correction_form_with_an_error_next_to_a_field() {
    let s = story(&EN);
    let mut app = s.day.app(Lang::En);
    select(&mut app, s.aoki);
    press(&mut app, KeyCode::Char('C'));
    while *form(&app).chosen(FieldId::What) != Value::What(What::Lot) {
        press(&mut app, KeyCode::Right);
    }
    press(&mut app, KeyCode::Tab);
    for _ in 0.."EX-2612".len() {
        press(&mut app, KeyCode::Backspace);
    }
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "vial label reread");
    press(&mut app, KeyCode::Enter);
    assert!(field_error(&app, FieldId::LotNumber).is_some());
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn correction_form_in_japanese() {
    let s = story(&JA);
    let mut app = s.day.app(Lang::Ja);
    select(&mut app, s.watanabe);
    press(&mut app, KeyCode::Char('C'));
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn a_past_day_loaded() {
    let s = story(&EN);
    let mut app = s.day.app(Lang::En);
    press(&mut app, KeyCode::Char('H'));
    let id = press(&mut app, KeyCode::Char('['))
        .query
        .unwrap()
        .id
        .unwrap();
    update(
        &mut app,
        answer(&s.day, id, yesterday(0, 0), tokyo(0, 0)),
        ten(),
    );
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn a_past_day_loaded_in_japanese() {
    let s = story(&JA);
    let mut app = s.day.app(Lang::Ja);
    press(&mut app, KeyCode::Char('H'));
    let id = press(&mut app, KeyCode::Char('['))
        .query
        .unwrap()
        .id
        .unwrap();
    update(
        &mut app,
        answer(&s.day, id, yesterday(0, 0), tokyo(0, 0)),
        ten(),
    );
    assert_snapshot!(draw(&app, 120, 40).backend());
}

#[test]
fn no_size_makes_the_history_panic() {
    let s = story(&JA);
    let mut app = s.day.app(Lang::Ja);
    press(&mut app, KeyCode::Char('H'));
    press(&mut app, KeyCode::Char('/'));
    type_text(
        &mut app,
        "佐藤佐藤佐藤佐藤佐藤佐藤佐藤佐藤佐藤佐藤佐藤佐藤佐藤",
    );
    for w in [0, 1, 10, 59, 60, 61, 79, 80, 120, 250] {
        for h in [0, 1, 5, 16, 17, 24, 60] {
            draw(&app, w, h);
        }
    }
}
