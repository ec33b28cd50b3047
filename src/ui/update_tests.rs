//! How the board answers the staff's keys, as clinic stories: before, keys,
//! after. Everything at fixed times; the "server" is played by hand.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::fixture::{Day, connect, draw, press, ten, tokyo, type_text};
use super::forms::Value;
use super::{Action, App, Connection, FieldId, FormKind, Mode, Msg, StatusKind, update};
use crate::client::ClientEvent;
use crate::domain::clinical::Lot;
use crate::domain::{Command, Entry, Stage, VisitId};
use crate::i18n::{Lang, texts};
use crate::protocol::{ErrorBody, Reply};

/// Three patients waiting since 9:00, 9:10 and 9:20.
fn three_waiting() -> (Day, [VisitId; 3]) {
    let mut day = Day::new();
    let a = day.arrive((9, 0), "Aoki Ami", "drip");
    let b = day.arrive((9, 10), "Baba Ken", "face");
    let c = day.arrive((9, 20), "Chiba Yu", "scalp");
    (day, [a, b, c])
}

fn form(app: &App) -> &super::Form {
    match &app.mode {
        Mode::Form(form) => form,
        other => panic!("expected a form, the screen is in {other:?}"),
    }
}

fn field_error(app: &App, id: FieldId) -> Option<String> {
    form(app).field(id).and_then(|f| f.error.clone())
}

fn sent(action: Action) -> crate::protocol::Request {
    assert_eq!(action.send.len(), 1, "one request was sent");
    action.send.into_iter().next().expect("a request was sent")
}

fn reply(id: u64, ok: bool, error: Option<(&str, &str)>) -> Msg {
    Msg::Client(ClientEvent::Reply(Reply {
        id: Some(id),
        ok,
        visit: None,
        events: Vec::new(),
        error: error.map(|(code, message)| ErrorBody::new(code, message)),
        data: None,
    }))
}

#[test]
fn the_selection_stays_on_the_patient_when_another_one_moves_on() {
    let (mut day, [a, b, c]) = three_waiting();
    let mut app = day.app(Lang::En);
    assert_eq!(
        app.selected,
        Some(a),
        "the first row is selected on connect"
    );
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.selected, Some(b));

    // Another terminal takes Aoki to counselling: she moves below the
    // waiting group, so Baba is now the first row. Baba stays selected.
    day.advance((9, 30), a, None);
    update(
        &mut app,
        Msg::Client(ClientEvent::Board(Box::new(day.board.clone()))),
        ten(),
    );
    let order: Vec<VisitId> = app.visible(ten()).iter().map(|v| v.id).collect();
    assert_eq!(order, [b, c, a]);
    assert_eq!(app.selected, Some(b));

    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.selected, Some(c));
    press(&mut app, KeyCode::Down);
    assert_eq!(app.selected, Some(a));
    press(&mut app, KeyCode::Down);
    assert_eq!(app.selected, Some(a), "the last row stays selected");
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Up);
    assert_eq!(app.selected, Some(b));
    press(&mut app, KeyCode::End);
    assert_eq!(app.selected, Some(a));
    press(&mut app, KeyCode::Home);
    assert_eq!(app.selected, Some(b));
}

#[test]
fn enter_calls_a_waiting_patient_in_and_the_counselling_form_opens_at_once() {
    let (day, [a, ..]) = three_waiting();
    let mut app = day.app(Lang::En);
    let request = sent(press(&mut app, KeyCode::Enter));
    assert_eq!(
        request.command,
        Command::Advance {
            visit: a,
            to: Stage::Counselling,
            bed: None,
            lot: None
        }
    );
    assert_eq!(request.id, Some(1));
    assert_eq!(request.at, None, "counselling starts now");
    assert_eq!(request.operator.as_deref(), Some("Nurse Sato"));
    assert_eq!(form(&app).kind, FormKind::Counselling { visit: a });
    assert_eq!(form(&app).pending, [(1, None)], "the move is being saved");
    // The first answer typed while the move is saved waits for it.
    assert_eq!(press(&mut app, KeyCode::Char('n')), Action::default());
    assert_eq!(*form(&app).chosen(FieldId::Screening(0)), Value::Unset);
    assert_eq!(form(&app).queued.len(), 1);

    update(&mut app, reply(1, true, None), ten());
    assert_eq!(
        *form(&app).chosen(FieldId::Screening(0)),
        Value::No,
        "applied once the move was saved"
    );
    assert_eq!(form(&app).focus, 1, "and on to the next question");
    let status = app.status.clone().expect("a status");
    assert_eq!(
        (status.kind, status.text.as_str()),
        (
            StatusKind::Info,
            texts(Lang::En).records.counselling_started
        )
    );
}

#[test]
fn a_cancel_entered_after_the_fact_carries_its_time() {
    let (day, [a, ..]) = three_waiting();
    let mut app = day.app(Lang::En);
    press(&mut app, KeyCode::Char('x'));
    type_text(&mut app, "left");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "09:45");
    let request = sent(press(&mut app, KeyCode::Enter));
    assert_eq!(request.at, Some(tokyo(9, 45)));
    assert!(matches!(request.command, Command::Cancel { visit, .. } if visit == a));
}

/// Aoki (drip) and Baba (face injection) are both ready.
fn two_ready() -> (Day, VisitId, VisitId) {
    let mut day = Day::new();
    let drip = day.arrive((9, 0), "Aoki Ami", "drip");
    let face = day.arrive((9, 5), "Baba Ken", "face");
    day.flow(drip, &[(9, 10), (9, 20)], None);
    day.flow(face, &[(9, 10), (9, 25)], None);
    (day, drip, face)
}

#[test]
fn a_drip_does_not_start_until_a_bed_is_chosen() {
    let (day, drip, _) = two_ready();
    let mut app = day.app(Lang::En);
    assert_eq!(app.selected, Some(drip));
    press(&mut app, KeyCode::Enter);
    assert_eq!(form(&app).kind, FormKind::Start { visit: drip });
    assert_eq!(form(&app).fields[0].id, FieldId::Bed);
    assert_eq!(
        *form(&app).chosen(FieldId::Bed),
        Value::Bed("1".into()),
        "the first free bed"
    );
    // No lot used today: the form opens on the lot number.
    assert_eq!(form(&app).focused().unwrap().id, FieldId::LotNumber);
    type_text(&mut app, "EX-2611");
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::Left); // "choose a bed"

    let nothing = press(&mut app, KeyCode::Enter);
    assert!(nothing.send.is_empty(), "nothing is sent without a bed");
    assert_eq!(
        field_error(&app, FieldId::Bed).as_deref(),
        Some(texts(Lang::En).ui.err_bed_required)
    );

    press(&mut app, KeyCode::Right);
    let request = sent(press(&mut app, KeyCode::Enter));
    assert_eq!(
        request.command,
        Command::Advance {
            visit: drip,
            to: Stage::Administration,
            bed: Some("1".into()),
            lot: Some(Lot {
                number: "EX-2611".into(),
                expiry: None
            })
        }
    );
}

#[test]
fn an_injection_may_start_without_a_bed() {
    let (day, _, face) = two_ready();
    let mut app = day.app(Lang::En);
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.selected, Some(face));
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "EX-2611");
    let request = sent(press(&mut app, KeyCode::Enter));
    assert_eq!(
        request.command,
        Command::Advance {
            visit: face,
            to: Stage::Administration,
            bed: None,
            lot: Some(Lot {
                number: "EX-2611".into(),
                expiry: None
            })
        }
    );
}

#[test]
fn a_refused_request_keeps_the_form_open_with_the_reason_next_to_the_field() {
    let (day, drip, _) = two_ready();
    let mut app = day.app(Lang::En);
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "EX-2611");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "09:15");
    let first = sent(press(&mut app, KeyCode::Enter));
    assert_eq!(first.at, Some(tokyo(9, 15)));

    // Someone else put a patient on bed 1 meanwhile.
    let id = first.id.unwrap();
    update(
        &mut app,
        reply(
            id,
            false,
            Some(("bed_occupied", "bed 1 is occupied by Ueda Rio")),
        ),
        ten(),
    );
    assert_eq!(
        field_error(&app, FieldId::Bed).as_deref(),
        Some("bed 1 is occupied by Ueda Rio")
    );
    assert_eq!(
        form(&app).text(FieldId::At),
        "09:15",
        "what was typed is kept"
    );
    assert!(form(&app).pending.is_empty());

    // The time was before she was ready: the message goes next to the time.
    let second = sent(press(&mut app, KeyCode::Enter));
    update(
        &mut app,
        reply(
            second.id.unwrap(),
            false,
            Some((
                "at_before_stage",
                "the time 09:15:00 is before Aoki Ami entered ready (09:20:00)",
            )),
        ),
        ten(),
    );
    assert_eq!(field_error(&app, FieldId::Bed), None);
    assert!(
        field_error(&app, FieldId::At)
            .unwrap()
            .contains("before Aoki Ami entered ready")
    );
    assert_eq!(
        form(&app).focused().unwrap().id,
        FieldId::At,
        "the focus goes to the field in error"
    );

    // Anything else is said at the bottom of the form.
    let third = sent(press(&mut app, KeyCode::Enter));
    update(
        &mut app,
        reply(
            third.id.unwrap(),
            false,
            Some(("closed", "Aoki Ami has left the flow")),
        ),
        ten(),
    );
    assert_eq!(
        form(&app).error.as_deref(),
        Some("Aoki Ami has left the flow")
    );
    assert_eq!(form(&app).kind, FormKind::Start { visit: drip });
}

#[test]
fn a_registered_arrival_is_selected_when_the_board_shows_it() {
    let (mut day, _) = three_waiting();
    let mut app = day.app(Lang::En);
    press(&mut app, KeyCode::Char('a'));
    type_text(&mut app, "Doi Mika");
    let request = sent(press(&mut app, KeyCode::Enter));
    assert_eq!(
        request.command,
        Command::Arrive {
            name: "Doi Mika".into(),
            treatment: "drip".into(),
            chart_no: None,
            key: None,
            do_not_display: false,
        }
    );
    let new = day.arrive((9, 58), "Doi Mika", "drip");
    update(
        &mut app,
        Msg::Client(ClientEvent::Reply(Reply {
            id: request.id,
            ok: true,
            visit: Some(new),
            events: vec![4],
            error: None,
            data: None,
        })),
        ten(),
    );
    assert_eq!(app.mode, Mode::Normal);
    update(
        &mut app,
        Msg::Client(ClientEvent::Board(Box::new(day.board.clone()))),
        ten(),
    );
    assert_eq!(app.selected, Some(new));
}

#[test]
fn an_arrival_without_a_name_or_with_a_bad_time_is_not_sent() {
    let (day, _) = three_waiting();
    let mut app = day.app(Lang::Ja);
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::BackTab);
    type_text(&mut app, "25:99");
    let action = press(&mut app, KeyCode::Enter);
    assert!(action.send.is_empty());
    let ui = &texts(Lang::Ja).ui;
    assert_eq!(
        field_error(&app, FieldId::Name).as_deref(),
        Some(ui.err_name_empty)
    );
    assert_eq!(
        field_error(&app, FieldId::At).as_deref(),
        Some(ui.err_bad_time)
    );
    assert_eq!(
        form(&app).focus,
        0,
        "the focus goes to the first field in error"
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn the_filter_narrows_the_board_to_matching_patients() {
    let (day, [a, b, c]) = three_waiting();
    let mut app = day.app(Lang::En);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "BABA");
    let shown: Vec<VisitId> = app.visible(ten()).iter().map(|v| v.id).collect();
    assert_eq!(shown, [b], "names match whatever the case");
    assert_eq!(
        app.selected,
        Some(b),
        "the selection moves onto what is shown"
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.filter.text(), "BABA", "Enter keeps the filter");

    press(&mut app, KeyCode::Char('/'));
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "scalp");
    let shown: Vec<VisitId> = app.visible(ten()).iter().map(|v| v.id).collect();
    assert_eq!(shown, [c], "treatments match too");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.filter.text(), "", "Esc clears the filter");
    assert_eq!(app.visible(ten()).len(), 3);
    let _ = a;
}

#[test]
fn the_filter_finds_japanese_names_ticket_and_chart_numbers() {
    let mut day = Day::new();
    let yamada = day.arrive((9, 0), "山田 花子", "drip");
    day.run(
        tokyo(9, 5),
        None,
        None,
        Command::Arrive {
            name: "佐藤 健".into(),
            treatment: "face".into(),
            chart_no: Some("K-0042".into()),
            key: None,
            do_not_display: false,
        },
    );
    let mut app = day.app(Lang::Ja);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "山田");
    assert_eq!(
        app.visible(ten()).iter().map(|v| v.id).collect::<Vec<_>>(),
        [yamada]
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "k-0042");
    assert_eq!(
        app.visible(ten())
            .iter()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>(),
        ["佐藤 健"]
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "点滴");
    assert_eq!(
        app.visible(ten()).iter().map(|v| v.id).collect::<Vec<_>>(),
        [yamada]
    );
}

#[test]
fn undo_is_only_sent_after_the_nurse_confirms() {
    let (mut day, [a, ..]) = three_waiting();
    // Vitals typed on the wrong patient: a plain entry, undone on a yes.
    day.run(
        tokyo(9, 30),
        None,
        None,
        Command::Record {
            visit: a,
            entry: Entry::Vitals {
                vitals: crate::domain::Vitals {
                    systolic: 118,
                    diastolic: 74,
                    pulse: 70,
                    spo2: 98,
                    temperature: 36.5,
                    respiratory_rate: 14,
                    consciousness: crate::domain::clinical::Consciousness::Alert,
                },
            },
        },
    );
    let mut app = day.app(Lang::En);
    app.selected = Some(a);
    let asked = press(&mut app, KeyCode::Char('u'));
    assert_eq!(asked, Action::default());
    assert_eq!(app.mode, Mode::ConfirmUndo(a));
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.mode, Mode::Normal);

    press(&mut app, KeyCode::Char('u'));
    let request = sent(press(&mut app, KeyCode::Enter));
    assert_eq!(
        request.command,
        Command::Undo {
            visit: a,
            reason: None
        }
    );
    assert_eq!(app.mode, Mode::Normal);
    update(
        &mut app,
        reply(
            request.id.unwrap(),
            false,
            Some(("bed_occupied", "bed 2 is occupied by X")),
        ),
        ten(),
    );
    let status = app.status.clone().unwrap();
    assert_eq!(
        (status.kind, status.text.as_str()),
        (StatusKind::Error, "bed 2 is occupied by X")
    );
}

/// Undoing a change of stage (or a reaction, a dose, an approval) asks
/// why: the reason stays in the history (issue 9, "undo ... needs a
/// reason").
#[test]
fn undoing_a_change_of_stage_asks_for_the_reason_and_sends_it() {
    let (mut day, [a, ..]) = three_waiting();
    day.advance((9, 30), a, None);
    let mut app = day.app(Lang::En);
    app.selected = Some(a);
    press(&mut app, KeyCode::Char('u'));
    assert!(matches!(
        &app.mode,
        Mode::Form(f) if f.kind == FormKind::Undo { visit: a }
    ));
    // No reason: nothing is sent, the field says so.
    assert!(press(&mut app, KeyCode::Enter).send.is_empty());
    type_text(&mut app, "wrong patient");
    let request = sent(press(&mut app, KeyCode::Enter));
    assert_eq!(
        request.command,
        Command::Undo {
            visit: a,
            reason: Some("wrong patient".into())
        }
    );
}

#[test]
fn there_is_nothing_to_undo_on_a_patient_who_only_arrived() {
    let (day, _) = three_waiting();
    let mut app = day.app(Lang::En);
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.status.unwrap().text, texts(Lang::En).ui.nothing_to_undo);
}

#[test]
fn a_cancellation_needs_a_reason() {
    let (day, [a, ..]) = three_waiting();
    let mut app = day.app(Lang::En);
    press(&mut app, KeyCode::Char('x'));
    assert!(press(&mut app, KeyCode::Enter).send.is_empty());
    assert_eq!(
        field_error(&app, FieldId::Reason).as_deref(),
        Some(texts(Lang::En).ui.err_reason_empty)
    );
    type_text(&mut app, "no-show");
    let request = sent(press(&mut app, KeyCode::Enter));
    assert_eq!(
        request.command,
        Command::Cancel {
            visit: a,
            reason: "no-show".into()
        }
    );
}

#[test]
fn typing_a_japanese_name_moves_the_cursor_by_display_width() {
    let (day, _) = three_waiting();
    let mut app = day.app(Lang::Ja);
    press(&mut app, KeyCode::Char('a'));
    type_text(&mut app, "山田花子");
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Left);
    type_text(&mut app, " ");
    let Some(super::forms::FieldValue::Text(name)) =
        form(&app).field(FieldId::Name).map(|f| f.value.clone())
    else {
        panic!("the name is a text field");
    };
    assert_eq!(name.text(), "山田 花子");
    assert_eq!(name.cursor(), 3, "three characters before the cursor");
    assert_eq!(name.cursor_col(), 5, "five columns before the cursor");

    // On screen the terminal cursor sits right after "山田 ".
    let mut terminal = draw(&app, 80, 24);
    let buffer = terminal.backend().buffer().clone();
    let cursor = terminal.get_cursor_position().unwrap();
    // The cells before the cursor, a wide character's second cell skipped.
    let mut left = String::new();
    let mut x = 0;
    while x < cursor.x {
        let symbol = buffer[(x, cursor.y)].symbol();
        left.push_str(symbol);
        x += u16::try_from(crate::domain::text::width(symbol).max(1)).unwrap();
    }
    assert_eq!(x, cursor.x, "the cursor is not inside a wide character");
    assert!(left.ends_with("[山田 "), "the cursor follows {left:?}");

    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Delete);
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Backspace);
    let request_name = form(&app).text(FieldId::Name).to_string();
    assert_eq!(request_name, "田 花");
}

#[test]
fn escape_sequences_typed_into_a_name_never_reach_the_buffer() {
    let (day, _) = three_waiting();
    let mut app = day.app(Lang::En);
    press(&mut app, KeyCode::Char('a'));
    // What a terminal delivers when raw escape sequences are pasted or
    // sent without bracketed paste: each byte as a character.
    for c in "Eve\u{1b}[2J\u{1b}]0;owned\u{7}\u{9b}31m\u{202e}lyn".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let typed = form(&app).text(FieldId::Name).to_string();
    assert!(!typed.chars().any(|c| c.is_control()), "{typed:?}");
    assert!(!typed.contains('\u{1b}') && !typed.contains('\u{202e}'));
    let request = sent(press(&mut app, KeyCode::Enter));
    let Command::Arrive { name, .. } = request.command else {
        panic!("an arrival");
    };
    assert!(!name.chars().any(|c| c.is_control()), "{name:?}");
}

#[test]
fn q_quits_the_board_but_is_a_letter_in_a_form() {
    let (day, _) = three_waiting();
    let mut app = day.app(Lang::En);
    press(&mut app, KeyCode::Char('a'));
    type_text(&mut app, "q");
    assert_eq!(form(&app).text(FieldId::Name), "q");
    press(&mut app, KeyCode::Esc);
    assert!(press(&mut app, KeyCode::Char('q')).quit);
    let ctrl_c = Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    press(&mut app, KeyCode::Char('a'));
    assert!(
        update(&mut app, ctrl_c, ten()).quit,
        "Ctrl-C quits from anywhere"
    );
}

#[test]
fn help_opens_and_closes() {
    let (day, _) = three_waiting();
    let mut app = day.app(Lang::En);
    press(&mut app, KeyCode::Char('?'));
    assert_eq!(app.mode, Mode::Help);
    assert!(
        !press(&mut app, KeyCode::Char('q')).quit,
        "q closes the help first"
    );
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn key_releases_are_not_presses() {
    let (day, _) = three_waiting();
    let mut app = day.app(Lang::En);
    let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    assert!(!update(&mut app, Msg::Key(release), ten()).quit);
}

#[test]
fn losing_the_connection_while_a_form_waits_says_it_may_not_be_saved() {
    let (day, _) = three_waiting();
    let mut app = day.app(Lang::En);
    press(&mut app, KeyCode::Char('x'));
    type_text(&mut app, "left");
    sent(press(&mut app, KeyCode::Enter));
    update(
        &mut app,
        Msg::Client(ClientEvent::Lost("broken pipe".into())),
        ten(),
    );
    assert_eq!(app.connection, Connection::Lost("broken pipe".into()));
    assert_eq!(
        form(&app).error.as_deref(),
        Some(texts(Lang::En).ui.lost_pending)
    );
    assert!(app.pending.is_empty());

    // Back again: the board is the server's, the form can be sent again.
    connect(&mut app, &day.board, ten());
    assert_eq!(app.connection, Connection::Connected);
    assert!(!press(&mut app, KeyCode::Enter).send.is_empty());
}

#[test]
fn the_server_config_decides_the_language_unless_one_was_chosen() {
    let (mut day, _) = three_waiting();
    day.config.language = Lang::Ja;
    let mut app = App::new(crate::config::Config::default(), None);
    assert_eq!(app.lang, Lang::En);
    app.config = day.config.clone();
    connect(&mut app, &day.board, ten());
    assert_eq!(app.lang, Lang::Ja);
    let pinned = day.app(Lang::En);
    assert_eq!(pinned.lang, Lang::En);
}

#[test]
fn a_read_only_terminal_offers_no_forms() {
    let (day, _) = three_waiting();
    let mut app = App::new(day.config.clone(), None).with_lang(Lang::En);
    let welcome = crate::protocol::Welcome {
        protocol: crate::protocol::PROTOCOL_VERSION,
        server_version: "test".into(),
        role: crate::protocol::Role::ReadOnly,
        config: day.config.clone(),
        board: day.board.clone(),
    };
    update(
        &mut app,
        Msg::Client(ClientEvent::Connected(Box::new(welcome))),
        ten(),
    );
    for key in ['a', 'x', 'u'] {
        assert_eq!(press(&mut app, KeyCode::Char(key)), Action::default());
        assert_eq!(app.mode, Mode::Normal);
    }
    assert_eq!(press(&mut app, KeyCode::Enter), Action::default());
    assert_eq!(
        app.status.clone().unwrap().text,
        texts(Lang::En).ui.read_only
    );
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.visible(ten()).len(), 3, "looking still works");
}
