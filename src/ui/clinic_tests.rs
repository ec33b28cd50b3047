//! The clinical forms as the staff use them, as clinic stories: before,
//! keys, after. The "server" is the domain itself: requests the screen
//! sends are decided against the same board, so a refusal is the one a
//! real server would give.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Modifier;

use super::fixture::{
    CLINIC_EN, Clinic, Day, anaphylaxis, clinic_morning, draw, press, press_ctrl, ten, tokyo,
    type_text,
};
use super::forms::{FollowUp, Value};
use super::{Action, App, FieldId, FormKind, Mode, Msg, StatusKind, update};
use crate::client::ClientEvent;
use crate::domain::clinical::{Consciousness, Lot};
use crate::domain::{
    AlertCode, Check, Command, Entry, Missing, ReactionKind, Stage, VisitId, visit_alerts,
};
use crate::i18n::{Lang, texts};
use crate::protocol::{ErrorBody, Reply, Request};

fn form(app: &App) -> &super::Form {
    match &app.mode {
        Mode::Form(form) => form,
        other => panic!("expected a form, the screen is in {other:?}"),
    }
}

fn field_error(app: &App, id: FieldId) -> Option<String> {
    form(app).field(id).and_then(|f| f.error.clone())
}

fn clinic() -> (Day, Clinic) {
    clinic_morning(CLINIC_EN)
}

/// The screen with `visit` selected.
fn screen(day: &Day, visit: VisitId) -> App {
    let mut app = day.app(Lang::En);
    app.selected = Some(visit);
    app
}

/// Plays the server: decides each request against the day's board at
/// `now`, applies what is accepted, and hands the replies and the new
/// board to the screen.
fn serve(day: &mut Day, app: &mut App, requests: Vec<Request>, now: DateTime<Utc>) {
    day.answer(app, requests, now);
}

/// Types into the focused field and moves on.
fn fill(app: &mut App, text: &str) {
    type_text(app, text);
    press(app, KeyCode::Tab);
}

/// Opens the vitals form and types a set, the systolic as given.
fn vitals_typed(app: &mut App, systolic: &str, diastolic: &str) {
    press(app, KeyCode::Char('v'));
    assert!(matches!(form(app).kind, FormKind::Vitals { .. }));
    for text in [systolic, diastolic, "72", "98", "36.5", "14"] {
        fill(app, text);
    }
}

#[test]
fn a_bp_of_abc_is_refused_next_to_the_field_and_nothing_is_sent() {
    let (day, p) = clinic();
    let mut app = screen(&day, p.ready);
    vitals_typed(&mut app, "abc", "74");
    let action = press(&mut app, KeyCode::Enter);
    assert!(action.send.is_empty(), "nothing is sent");
    assert_eq!(
        field_error(&app, FieldId::Systolic).as_deref(),
        Some(texts(Lang::En).clinic.err_not_a_number)
    );
    assert_eq!(form(&app).focus, 0, "the focus goes to the systolic");
}

#[test]
fn impossible_vitals_are_named_all_at_once_next_to_their_fields_and_clear_when_fixed() {
    let (mut day, p) = clinic();
    let mut app = screen(&day, p.ready);
    let before = day.board.visit(p.ready).unwrap().care.vitals.len();
    press(&mut app, KeyCode::Char('v'));
    for text in ["400", "74", "300", "98", "36.5", "14"] {
        fill(&mut app, text);
    }
    let action = press(&mut app, KeyCode::Enter);
    assert!(action.send.is_empty(), "nothing is sent");
    let e = field_error(&app, FieldId::Systolic).expect("next to the systolic");
    assert!(e.contains("400"), "{e}");
    let e = field_error(&app, FieldId::Pulse).expect("and next to the pulse, at once");
    assert!(e.contains("300"), "{e}");
    assert_eq!(form(&app).focus, 0, "the focus on the first");

    // Fixed, the systolic's error goes as it is typed; now the diastolic
    // is above it (the domain's own check, before anything is sent).
    press_ctrl(&mut app, 'u');
    assert_eq!(
        field_error(&app, FieldId::Systolic),
        None,
        "gone when edited"
    );
    type_text(&mut app, "70");
    if let Mode::Form(f) = &mut app.mode {
        f.focus = 2;
    }
    press_ctrl(&mut app, 'u');
    type_text(&mut app, "72");
    let action = press(&mut app, KeyCode::Enter);
    assert!(action.send.is_empty());
    let e = field_error(&app, FieldId::Diastolic).expect("an error next to the diastolic");
    assert!(e.contains("below the systolic"), "{e}");
    assert_eq!(field_error(&app, FieldId::Pulse), None);

    // Right at last: saved.
    if let Mode::Form(f) = &mut app.mode {
        f.focus = 0;
    }
    press_ctrl(&mut app, 'u');
    type_text(&mut app, "118");
    let action = press(&mut app, KeyCode::Enter);
    serve(&mut day, &mut app, action.send, ten());
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(
        day.board.visit(p.ready).unwrap().care.vitals.len(),
        before + 1,
        "saved"
    );
}

#[test]
fn saved_vitals_show_their_news2_score_and_alert_in_the_detail_pane() {
    let (mut day, p) = clinic();
    let mut app = screen(&day, p.dripping);
    press(&mut app, KeyCode::Char('v'));
    for text in ["86", "50", "128", "91", "36.5", "26"] {
        fill(&mut app, text);
    }
    press(&mut app, KeyCode::Right); // consciousness: new confusion
    let action = press(&mut app, KeyCode::Enter);
    let sent = action.send[0].command.clone();
    assert!(matches!(
        sent,
        Command::Record { entry: Entry::Vitals { vitals }, .. }
            if vitals.consciousness == Consciousness::Confusion && vitals.spo2 == 91
    ));
    serve(&mut day, &mut app, action.send, ten());
    assert_eq!(app.mode, Mode::Normal, "saved: the form closes");
    let screen = draw(&app, 120, 40).backend().to_string();
    // resp 3 + SpO2 3 + systolic 3 + pulse 2 + confusion 3 = 14.
    assert!(screen.contains("NEWS2 14"), "{screen}");
    assert!(screen.contains("vital signs: NEWS2 14"), "{screen}");
}

#[test]
fn the_bed_form_without_a_lot_number_says_so_next_to_the_lot_field() {
    let (day, p) = clinic();
    let mut app = screen(&day, p.ready);
    press(&mut app, KeyCode::Enter);
    assert_eq!(form(&app).kind, FormKind::Start { visit: p.ready });
    assert_eq!(form(&app).fields[0].id, FieldId::Bed);
    assert_eq!(
        *form(&app).chosen(FieldId::Bed),
        Value::Bed("1".into()),
        "the first free bed"
    );
    // Today's lot is offered; a new one is typed.
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Right);
    assert_eq!(*form(&app).chosen(FieldId::Lot), Value::NewLot);
    let action = press(&mut app, KeyCode::Enter);
    assert!(action.send.is_empty(), "nothing is sent without a lot");
    assert_eq!(
        field_error(&app, FieldId::LotNumber).as_deref(),
        Some(texts(Lang::En).clinic.err_lot_blank)
    );
    assert_eq!(field_error(&app, FieldId::Bed), None);
}

/// A lot typed again (in any case) without its expiry takes the expiry of
/// its last use: the vial's date is typed once a day, not per patient.
#[test]
fn a_lot_typed_again_without_its_expiry_takes_the_expiry_of_its_last_use() {
    let (day, p) = clinic();
    let known = (day.board.visits.values())
        .find_map(|v| v.care.lot.clone())
        .expect("a lot given this morning");
    assert!(known.expiry.is_some());
    let mut app = screen(&day, p.ready);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Right); // a new lot, typed
    press(&mut app, KeyCode::Tab);
    fill(&mut app, &known.number.to_lowercase());
    let action = press(&mut app, KeyCode::Enter);
    let Command::Advance { lot: Some(lot), .. } = &action.send[0].command else {
        panic!("{:?}", action.send);
    };
    assert_eq!(lot.expiry, known.expiry, "the expiry of its last use");
}

#[test]
fn an_expired_lot_is_refused_by_the_server_next_to_the_expiry_and_nothing_starts() {
    let (mut day, p) = clinic();
    let mut app = screen(&day, p.ready);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Right); // a new lot
    press(&mut app, KeyCode::Tab);
    fill(&mut app, "EX-2609");
    type_text(&mut app, "2026-11-20");
    let action = press(&mut app, KeyCode::Enter);
    assert_eq!(
        action.send[0].command,
        Command::Advance {
            visit: p.ready,
            to: Stage::Administration,
            bed: Some("1".into()),
            lot: Some(Lot {
                number: "EX-2609".into(),
                expiry: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
            }),
        }
    );
    serve(&mut day, &mut app, action.send, ten());
    let e = field_error(&app, FieldId::LotExpiry).expect("next to the expiry");
    assert!(e.contains("expired"), "{e}");
    assert_eq!(day.board.visit(p.ready).unwrap().stage, Stage::Ready);

    // A bad date never leaves the screen.
    press(&mut app, KeyCode::End);
    type_text(&mut app, "x");
    assert!(press(&mut app, KeyCode::Enter).send.is_empty());
    assert_eq!(
        field_error(&app, FieldId::LotExpiry).as_deref(),
        Some(texts(Lang::En).clinic.err_bad_date)
    );
}

#[test]
fn the_start_form_takes_the_pre_treatment_vitals_the_protocol_still_asks_for() {
    let mut day = Day::new();
    let v = day.arrive((9, 0), "Aoki Ami", "face");
    day.advance((9, 5), v, None);
    // Counselled in full, but without vitals.
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
    let mut app = screen(&day, v);
    press(&mut app, KeyCode::Enter);
    assert_eq!(form(&app).kind, FormKind::Start { visit: v });
    // No lot used today yet: the form opens on the lot number.
    assert_eq!(form(&app).focused().unwrap().id, FieldId::LotNumber);
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(screen.contains("Pre-treatment vitals"), "{screen}");
    fill(&mut app, "EX-2611");
    press(&mut app, KeyCode::Tab); // no expiry
    assert_eq!(form(&app).focused().unwrap().id, FieldId::Systolic);
    // One line, as the nurse reads them out.
    type_text(&mut app, "118/74 72 98 36.5 14");
    assert_eq!(form(&app).text(FieldId::Temperature), "36.5");
    let action = press(&mut app, KeyCode::Enter);
    let kinds: Vec<&str> = action
        .send
        .iter()
        .map(|r| match &r.command {
            Command::Record { entry, .. } => entry.name(),
            Command::Advance { to, .. } => to.as_str(),
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["vitals", "administration"], "vitals first");
    serve(&mut day, &mut app, action.send, ten());
    assert_eq!(app.mode, Mode::Normal);
    let visit = day.board.visit(v).unwrap();
    assert_eq!(visit.stage, Stage::Administration);
    assert_eq!(
        visit.care.vitals.last().unwrap().vitals.respiratory_rate,
        14
    );
    let _ = Missing::PreTreatmentVitals;
}

/// Answers the screening items not answered yet, in order: yes for the
/// indexes given, no otherwise (each answer moves on to the next).
fn answer(app: &mut App, yes: &[usize]) {
    for i in 0..13 {
        if *form(app).chosen(FieldId::Screening(i)) != Value::Unset {
            continue;
        }
        assert_eq!(form(app).focused().unwrap().id, FieldId::Screening(i));
        let key = if yes.contains(&i) { 'y' } else { 'n' };
        press(app, KeyCode::Char(key));
    }
}

#[test]
fn submitting_the_counselling_form_sends_screening_acknowledgement_consent_plan_then_ready_in_order()
 {
    let mut day = Day::new();
    let v = day.arrive((9, 0), "Aoki Ami", "drip");
    day.advance((9, 5), v, None);
    let mut app = screen(&day, v);
    press(&mut app, KeyCode::Enter);
    assert_eq!(form(&app).kind, FormKind::Counselling { visit: v });
    assert!(
        form(&app).counselling_facts().unwrap().first_visit,
        "no earlier visit"
    );
    assert_eq!(
        form(&app).chosen(FieldId::Screening(12)),
        &Value::Yes,
        "first session is answered for the staff"
    );
    // Past allergic reaction to a drug (a caution), first session.
    answer(&mut app, &[5, 12]);
    assert_eq!(form(&app).focused().unwrap().id, FieldId::CautionDoctor);
    fill(&mut app, "Dr. Mori");
    // y ticks a consent item and moves on.
    for _ in 0..5 {
        press(&mut app, KeyCode::Char('y'));
    }
    // The treatment is the drip booked: on to the dose.
    assert_eq!(form(&app).focused().unwrap().id, FieldId::DoseMl);
    fill(&mut app, "10");
    fill(&mut app, "Exosome 10B");
    press(&mut app, KeyCode::Right); // origin: adipose
    press(&mut app, KeyCode::Tab);
    assert_eq!(
        form(&app).text(FieldId::Nurse),
        "Nurse Sato",
        "who is at the terminal"
    );
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "54");
    let action = press(&mut app, KeyCode::Enter);
    let names: Vec<&str> = action
        .send
        .iter()
        .map(|r| match &r.command {
            Command::Record { entry, .. } => entry.name(),
            Command::Advance { to, .. } => to.as_str(),
            _ => "other",
        })
        .collect();
    assert_eq!(
        names,
        [
            "screening",
            "cautions_acknowledged",
            "consent",
            "plan",
            "ready"
        ]
    );
    assert_eq!(form(&app).pending.len(), 5, "the form waits for all five");
    serve(&mut day, &mut app, action.send, ten());
    assert_eq!(app.mode, Mode::Normal, "all saved: the form closes");
    let visit = day.board.visit(v).unwrap();
    assert_eq!(visit.stage, Stage::Ready);
    let plan = visit.care.plan.as_ref().unwrap();
    assert_eq!((plan.dose_ml, plan.weight_kg), (10.0, Some(54.0)));
    assert_eq!(plan.origin, Some(crate::domain::clinical::Origin::Adipose));
    assert_eq!(
        visit.care.cautions_acks.last().map(|a| a.doctor.as_str()),
        Some("Dr. Mori")
    );
}

#[test]
fn without_the_doctor_the_counselling_is_saved_but_the_patient_is_not_ready() {
    let mut day = Day::new();
    let v = day.arrive((9, 0), "Aoki Ami", "drip");
    day.advance((9, 5), v, None);
    let mut app = screen(&day, v);
    press(&mut app, KeyCode::Char('c'));
    answer(&mut app, &[5]);
    let action = press(&mut app, KeyCode::Enter);
    assert!(
        action
            .send
            .iter()
            .all(|r| !matches!(r.command, Command::Advance { .. })),
        "no move to ready"
    );
    serve(&mut day, &mut app, action.send, ten());
    let status = app.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Info);
    assert!(
        status.text.contains("doctor's acknowledgement"),
        "{}",
        status.text
    );
    assert_eq!(day.board.visit(v).unwrap().stage, Stage::Counselling);
    // Opened again, the answers recorded are there to finish.
    press(&mut app, KeyCode::Char('c'));
    assert_eq!(form(&app).chosen(FieldId::Screening(5)), &Value::Yes);
}

/// A returning patient's counselling opens on the first thing left to do
/// (the last visit's answers are there to confirm): the doctor of the
/// cautions, and the consent one Tab on (the issue: 16 Tabs to reach it).
#[test]
fn a_returning_patient_s_counselling_opens_where_the_work_is() {
    let (day, p) = clinic();
    let mut app = screen(&day, p.returning);
    press(&mut app, KeyCode::Enter);
    let focused = |app: &App| form(app).fields[form(app).focus].id;
    assert_eq!(focused(&app), FieldId::CautionDoctor);
    type_text(&mut app, "Dr. Mori");
    press(&mut app, KeyCode::Tab);
    assert_eq!(focused(&app), FieldId::Consent(0), "one Tab to the consent");
}

#[test]
fn a_weight_of_0_is_refused_next_to_the_weight() {
    let (day, p) = clinic();
    let mut app = screen(&day, p.returning);
    press(&mut app, KeyCode::Char('c'));
    let weight = form(&app)
        .fields
        .iter()
        .position(|f| f.id == FieldId::Weight)
        .unwrap();
    if let Mode::Form(f) = &mut app.mode {
        f.focus = weight;
    }
    type_text(&mut app, "0");
    let action = press(&mut app, KeyCode::Enter);
    assert!(action.send.is_empty(), "nothing is sent");
    assert_eq!(
        field_error(&app, FieldId::Weight).as_deref(),
        Some(texts(Lang::En).clinic.err_weight)
    );
}

#[test]
fn a_returning_patient_s_answers_are_there_to_confirm_with_a_note() {
    let (day, p) = clinic();
    let mut app = screen(&day, p.returning);
    press(&mut app, KeyCode::Enter);
    let f = form(&app);
    assert!(f.counselling_facts().unwrap().answers_from.is_some());
    assert!(!f.counselling_facts().unwrap().first_visit);
    assert_eq!(f.chosen(FieldId::Screening(5)), &Value::Yes, "drug allergy");
    assert_eq!(f.chosen(FieldId::Screening(0)), &Value::No);
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(
        screen.contains("from the last visit (2026-10-01)"),
        "{screen}"
    );
}

#[test]
fn a_pregnancy_answer_defers_the_visit_with_the_screening_on_record() {
    let mut day = Day::new();
    let v = day.arrive((9, 0), "Aoki Ami", "drip");
    day.advance((9, 5), v, None);
    let mut app = screen(&day, v);
    press(&mut app, KeyCode::Enter);
    answer(&mut app, &[2]);
    // A block answer: the decision comes first.
    assert_eq!(form(&app).focused().unwrap().id, FieldId::Decision);
    assert!(press(&mut app, KeyCode::Enter).send.is_empty());
    assert_eq!(
        field_error(&app, FieldId::Decision).as_deref(),
        Some(texts(Lang::En).clinic.err_choose)
    );
    press(&mut app, KeyCode::Right); // defer
    let action = press(&mut app, KeyCode::Enter);
    assert_eq!(action.send.len(), 2);
    assert!(matches!(
        &action.send[1].command,
        Command::Defer { reason, .. } if reason.contains("Pregnant")
    ));
    serve(&mut day, &mut app, action.send, ten());
    let visit = day.board.visit(v).unwrap();
    assert_eq!(visit.stage, Stage::Deferred);
    assert!(visit.care.screening.is_some());
}

#[test]
fn a_doctor_s_override_needs_a_name_and_a_reason() {
    let mut day = Day::new();
    let v = day.arrive((9, 0), "Aoki Ami", "drip");
    day.advance((9, 5), v, None);
    let mut app = screen(&day, v);
    press(&mut app, KeyCode::Enter);
    answer(&mut app, &[1]);
    press(&mut app, KeyCode::Left); // override
    assert!(press(&mut app, KeyCode::Enter).send.is_empty());
    assert_eq!(
        field_error(&app, FieldId::Doctor).as_deref(),
        Some(texts(Lang::En).clinic.err_required)
    );
    assert!(field_error(&app, FieldId::Reason).is_some());
}

#[test]
fn the_reaction_dialog_for_anaphylaxis_shows_the_dose_for_54_kg_as_0_5_mg_capped() {
    let (day, p) = clinic();
    let mut app = screen(&day, p.dripping);
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Left); // from "choose" straight to anaphylaxis
    assert_eq!(
        form(&app).chosen(FieldId::Kind),
        &Value::Reaction(ReactionKind::Anaphylaxis)
    );
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(
        screen.contains("adrenaline 0.50 mg = 0.50 mL (1 mg/mL) IM, outer thigh (54 kg)"),
        "{screen}"
    );
    assert!(screen.contains("call the ambulance"), "{screen}");
}

#[test]
fn the_dose_for_30_kg_is_0_3_mg_in_the_dialog_and_the_follow_up() {
    let mut day = Day::new();
    let v = day.arrive((9, 0), "Aoki Ami", "drip");
    day.advance((9, 5), v, None);
    for mut entry in crate::demo::routine_counselling(&day.config, "drip", &[]) {
        if let Entry::Plan { plan } = &mut entry {
            plan.weight_kg = Some(30.0);
        }
        day.run(
            tokyo(9, 10),
            None,
            None,
            Command::Record { visit: v, entry },
        );
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
    day.advance((9, 40), v, Some("1"));
    let mut app = screen(&day, v);
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Left);
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(
        screen.contains("adrenaline 0.30 mg = 0.30 mL (1 mg/mL) IM, outer thigh (30 kg)"),
        "{screen}"
    );
    press(&mut app, KeyCode::Esc);

    anaphylaxis_on(&mut day, &mut app, v);
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(
        form(&app).chosen(FieldId::FollowUp),
        &Value::FollowUp(FollowUp::Adrenaline)
    );
    assert_eq!(form(&app).text(FieldId::DoseMg), "0.30");
}

/// Records an anaphylaxis (no dose yet) through the screen's own dialog.
fn anaphylaxis_on(day: &mut Day, app: &mut App, visit: VisitId) {
    app.selected = Some(visit);
    press(app, KeyCode::Char('r'));
    press(app, KeyCode::Left);
    press(app, KeyCode::Tab);
    fill(app, "wheeze, BP 82/50");
    let action = press(app, KeyCode::Enter);
    serve(day, app, action.send, ten());
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn anaphylaxis_raises_the_banner_and_the_follow_ups_close_the_tasks() {
    let (mut day, p) = clinic();
    let mut app = screen(&day, p.dripping);
    anaphylaxis_on(&mut day, &mut app, p.dripping);
    let screen = draw(&app, 80, 24).backend().to_string();
    let first = screen.lines().next().unwrap();
    assert!(first.contains("EMERGENCY"), "{first}");
    assert!(first.contains("adrenaline 0.50 mg"), "{first}");

    // The dose, pre-filled: Enter.
    press(&mut app, KeyCode::Char('f'));
    let action = press(&mut app, KeyCode::Enter);
    assert!(matches!(
        action.send[0].command,
        Command::Record { entry: Entry::Adrenaline { dose_mg, confirmed_by: None }, .. } if dose_mg == 0.5
    ));
    serve(&mut day, &mut app, action.send, ten());

    // Five minutes on, the repeat is due; the ambulance is still to call.
    let later = tokyo(10, 6);
    let codes: Vec<AlertCode> =
        visit_alerts(day.board.visit(p.dripping).unwrap(), &day.config, later)
            .iter()
            .map(|a| a.code)
            .collect();
    assert!(codes.contains(&AlertCode::AdrenalineRepeatDue), "{codes:?}");
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    terminal.draw(|f| super::view(f, &app, later)).unwrap();
    let top = terminal.backend().to_string();
    assert!(top.lines().next().unwrap().contains("REPEAT DUE"), "{top}");
    assert!(top.contains("CALL AMBULANCE"), "{top}");

    press(&mut app, KeyCode::Char('f'));
    assert_eq!(
        form(&app).chosen(FieldId::FollowUp),
        &Value::FollowUp(FollowUp::AmbulanceCalled),
        "the next task is offered first"
    );
    let action = update(&mut app, super::fixture::key(KeyCode::Enter), later);
    serve(&mut day, &mut app, action.send, later);
    let codes: Vec<AlertCode> =
        visit_alerts(day.board.visit(p.dripping).unwrap(), &day.config, later)
            .iter()
            .map(|a| a.code)
            .collect();
    assert!(!codes.contains(&AlertCode::CallAmbulance), "{codes:?}");

    // The doctor is still to come: offered next. Transfer: a reason is
    // asked for.
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(
        form(&app).chosen(FieldId::FollowUp),
        &Value::FollowUp(FollowUp::DoctorPresent)
    );
    for _ in 0..4 {
        press(&mut app, KeyCode::Right);
    }
    assert_eq!(
        form(&app).chosen(FieldId::FollowUp),
        &Value::FollowUp(FollowUp::Transfer)
    );
    assert!(press(&mut app, KeyCode::Enter).send.is_empty());
    assert_eq!(form(&app).focused().unwrap().id, FieldId::Reason);
    type_text(&mut app, "ambulance to Aoyama General");
    let action = update(&mut app, super::fixture::key(KeyCode::Enter), later);
    serve(&mut day, &mut app, action.send, later);
    assert_eq!(
        day.board.visit(p.dripping).unwrap().stage,
        Stage::Transferred
    );
}

#[test]
fn a_vasovagal_reaction_shows_its_steps_and_symptom_free_closes_it() {
    let (mut day, p) = clinic();
    let mut app = screen(&day, p.dripping);
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    assert_eq!(
        form(&app).chosen(FieldId::Kind),
        &Value::Reaction(ReactionKind::Vasovagal)
    );
    let screen = draw(&app, 80, 24).backend().to_string();
    for step in ["needle out", "lie flat, legs up", "stay with the patient"] {
        assert!(screen.contains(step), "{step}: {screen}");
    }
    // Signs are required.
    assert!(press(&mut app, KeyCode::Enter).send.is_empty());
    assert!(field_error(&app, FieldId::Signs).is_some());
    assert_eq!(form(&app).focused().unwrap().id, FieldId::Signs);
    fill(&mut app, "pale, sweating");
    type_text(&mut app, "lay flat, legs up");
    let action = press(&mut app, KeyCode::Enter);
    serve(&mut day, &mut app, action.send, ten());
    let open = day
        .board
        .visit(p.dripping)
        .unwrap()
        .care
        .open_reaction()
        .map(|r| r.kind);
    assert_eq!(open, Some(ReactionKind::Vasovagal));
    // The response starts with "needle out": the drip stopped with it.
    assert_eq!(
        day.board.visit(p.dripping).unwrap().stage,
        Stage::Observation
    );

    // Symptom-free waits for a reading in range after the reaction.
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(
        form(&app).chosen(FieldId::FollowUp),
        &Value::FollowUp(FollowUp::SymptomFree)
    );
    let action = press(&mut app, KeyCode::Enter);
    serve(&mut day, &mut app, action.send, ten());
    assert!(form(&app).error.is_some() || form(&app).fields.iter().any(|f| f.error.is_some()));
    press(&mut app, KeyCode::Esc);
    day.run(
        ten(),
        None,
        None,
        Command::Record {
            visit: p.dripping,
            entry: Entry::Vitals {
                vitals: crate::domain::Vitals {
                    systolic: 112,
                    diastolic: 70,
                    pulse: 66,
                    spo2: 98,
                    temperature: 36.5,
                    respiratory_rate: 14,
                    consciousness: crate::domain::clinical::Consciousness::Alert,
                },
            },
        },
    );
    super::fixture::connect(&mut app, &day.board, ten());
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(
        form(&app).chosen(FieldId::FollowUp),
        &Value::FollowUp(FollowUp::SymptomFree)
    );
    let action = press(&mut app, KeyCode::Enter);
    serve(&mut day, &mut app, action.send, ten());
    assert!(
        day.board
            .visit(p.dripping)
            .unwrap()
            .care
            .open_reaction()
            .is_none()
    );
}

#[test]
fn acknowledging_stops_the_flashing_but_the_alert_stays_listed_with_who() {
    let (mut day, p) = clinic();
    let mut app = screen(&day, p.dripping);
    press(&mut app, KeyCode::Char('r'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Right); // allergic
    }
    press(&mut app, KeyCode::Tab);
    fill(&mut app, "hives on the arm");
    let action = press(&mut app, KeyCode::Enter);
    serve(&mut day, &mut app, action.send, ten());
    // Someone else is selected: the flashing is not hidden by the
    // selection's reverse video.
    app.selected = Some(p.ready);

    let strip_reversed = |app: &App| {
        let terminal = draw(app, 100, 30);
        let buffer = terminal.backend().buffer();
        let row = (0..30)
            .find(|y| {
                let line: String = (0..100).map(|x| buffer[(x, *y)].symbol()).collect();
                line.contains("allergic reaction")
            })
            .expect("the alert is listed");
        let reversed = (0..12).any(|x| buffer[(x, row)].modifier.contains(Modifier::REVERSED));
        let line: String = (0..100).map(|x| buffer[(x, row)].symbol()).collect();
        (reversed, line)
    };
    let (reversed, _) = strip_reversed(&app);
    assert!(
        reversed,
        "an unacknowledged critical alert flashes (even second)"
    );

    app.selected = Some(p.dripping);
    let action = press(&mut app, KeyCode::Char('A'));
    let codes: Vec<String> = action
        .send
        .iter()
        .filter_map(|r| match &r.command {
            Command::Record {
                entry: Entry::Acknowledge { code },
                ..
            } => Some(code.clone()),
            _ => None,
        })
        .collect();
    assert!(codes.contains(&"allergic".to_string()), "{codes:?}");
    serve(&mut day, &mut app, action.send, ten());
    app.selected = Some(p.ready);
    let (reversed, line) = strip_reversed(&app);
    assert!(!reversed, "acknowledged: no more flashing");
    assert!(line.contains("ack Nurse Sato"), "{line}");
    app.selected = Some(p.dripping);
    assert_eq!(
        press(&mut app, KeyCode::Char('A')).send.len(),
        0,
        "nothing left to acknowledge"
    );
}

#[test]
fn t_ticks_the_drip_check_that_is_due() {
    let (day, p) = clinic();
    let mut app = screen(&day, p.dripping);
    let action = press(&mut app, KeyCode::Char('t'));
    assert_eq!(
        action.send[0].command,
        Command::Record {
            visit: p.dripping,
            entry: Entry::DripCheck {
                minute: 15,
                skipped: None
            }
        }
    );
    // Not on a drip: the protocol's reason, in its words.
    let mut app = screen(&day, p.ready);
    assert!(press(&mut app, KeyCode::Char('t')).send.is_empty());
    let why = crate::domain::moves::gate(
        day.board.visit(p.ready).unwrap(),
        &day.config,
        crate::domain::moves::Move::DripCheck,
        ten(),
    )
    .unwrap_err();
    assert_eq!(app.status.unwrap().text, why.to_string());
}

#[test]
fn p_pauses_the_drip_with_a_reason_and_p_again_resumes_it() {
    let (mut day, p) = clinic();
    let mut app = screen(&day, p.dripping);
    press(&mut app, KeyCode::Char('p'));
    assert!(matches!(form(&app).kind, FormKind::Pause { .. }));
    assert!(
        press(&mut app, KeyCode::Enter).send.is_empty(),
        "a reason is required"
    );
    type_text(&mut app, "toilet");
    let action = press(&mut app, KeyCode::Enter);
    serve(&mut day, &mut app, action.send, ten());
    assert!(
        day.board
            .visit(p.dripping)
            .unwrap()
            .care
            .paused_since
            .is_some()
    );
    let action = press(&mut app, KeyCode::Char('p'));
    assert_eq!(
        action.send[0].command,
        Command::Record {
            visit: p.dripping,
            entry: Entry::Resume
        }
    );
}

#[test]
fn s_stops_the_drip_early_with_the_volume_given() {
    let (mut day, p) = clinic();
    let mut app = screen(&day, p.dripping);
    press(&mut app, KeyCode::Char('s'));
    fill(&mut app, "patient asked to stop");
    type_text(&mut app, "6.5");
    let action = press(&mut app, KeyCode::Enter);
    assert_eq!(
        action.send[0].command,
        Command::StopEarly {
            visit: p.dripping,
            reason: "patient asked to stop".into(),
            volume_ml: Some(6.5)
        }
    );
    serve(&mut day, &mut app, action.send, ten());
    assert_eq!(
        day.board.visit(p.dripping).unwrap().stage,
        Stage::Observation
    );
}

#[test]
fn hemostasis_cannot_be_confirmed_before_the_pressure_time_is_up() {
    let mut day = Day::new();
    let v = day.arrive((9, 0), "Aoki Ami", "drip");
    day.flow(v, &[(9, 2), (9, 5), (9, 10), (9, 58)], Some("1"));
    let mut app = screen(&day, v);
    press(&mut app, KeyCode::Enter);
    assert_eq!(form(&app).kind, FormKind::Discharge { visit: v });
    assert_eq!(
        form(&app).focused().unwrap().id,
        FieldId::Check(Check::HemostasisPressure)
    );
    let action = press(&mut app, KeyCode::Char('y'));
    serve(&mut day, &mut app, action.send, ten());
    assert!(
        matches!(app.mode, Mode::Form(_)),
        "ticking keeps the list open"
    );
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(screen.contains("pressure: 05:00 left"), "{screen}");

    // `y` ticked and moved on to the next item.
    assert_eq!(
        form(&app).focused().unwrap().id,
        FieldId::Check(Check::HemostasisConfirmed)
    );
    let action = press(&mut app, KeyCode::Char('y'));
    serve(&mut day, &mut app, action.send, ten());
    let e = field_error(&app, FieldId::Check(Check::HemostasisConfirmed))
        .expect("the refusal is next to the item");
    assert!(e.contains("keep pressure 5 min"), "{e}");
}

#[test]
fn discharge_with_items_missing_is_refused_and_the_list_says_which() {
    let (mut day, p) = clinic();
    let mut app = screen(&day, p.observed);
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        form(&app).focused().unwrap().id,
        FieldId::Check(Check::BloodDonationDeferralExplained),
        "the first item not done"
    );
    // Enter from the list: the server says what is missing.
    let action = press(&mut app, KeyCode::Enter);
    serve(&mut day, &mut app, action.send, ten());
    assert_eq!(
        form(&app).missing,
        [
            Missing::Check {
                item: Check::BloodDonationDeferralExplained
            },
            Missing::Check {
                item: Check::NextVisitSuggested
            },
            Missing::Check {
                item: Check::WhomToCallExplained
            },
        ]
    );
    assert!(
        form(&app)
            .error
            .as_deref()
            .unwrap()
            .contains("cannot go to discharged")
    );
    // Each `y` ticks and moves on to the next item not done.
    for _ in 0..3 {
        let action = press(&mut app, KeyCode::Char('y'));
        serve(&mut day, &mut app, action.send, ten());
    }
    let action = press(&mut app, KeyCode::Enter);
    serve(&mut day, &mut app, action.send, ten());
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(
        day.board.visit(p.observed).unwrap().stage,
        Stage::Discharged
    );
}

#[test]
fn space_y_and_n_are_letters_in_a_text_field() {
    let (day, p) = clinic();
    let mut app = screen(&day, p.dripping);
    press(&mut app, KeyCode::Char('p'));
    type_text(&mut app, "yes no");
    assert_eq!(form(&app).text(FieldId::Reason), "yes no");
}

#[test]
fn the_care_keys_say_when_they_do_not_apply() {
    let (day, p) = clinic();
    // Each refusal is the protocol's own reason (one place says it).
    use crate::domain::moves::{Move, gate};
    let why = |v, mv| {
        gate(day.board.visit(v).unwrap(), &day.config, mv, ten())
            .unwrap_err()
            .to_string()
    };
    let mut app = screen(&day, p.ready);
    for (key, mv) in [('p', Move::Pause), ('r', Move::Reaction)] {
        assert_eq!(press(&mut app, KeyCode::Char(key)), Action::default());
        assert_eq!(app.status.clone().unwrap().text, why(p.ready, mv));
        assert_eq!(app.mode, Mode::Normal);
    }
    let mut app = screen(&day, p.dripping);
    press(&mut app, KeyCode::Char('c'));
    assert_eq!(
        app.status.clone().unwrap().text,
        why(p.dripping, Move::Screening)
    );
    // In Japanese, the screen's own words (each line in one language).
    let mut app = screen(&day, p.ready).with_lang(Lang::Ja);
    press(&mut app, KeyCode::Char('p'));
    assert_eq!(
        app.status.clone().unwrap().text,
        texts(Lang::Ja).clinic.only_administration
    );
}

#[test]
fn a_batch_stops_being_sent_once_the_link_refuses_one() {
    // The run loop fails the rest of a batch when one request cannot be
    // sent: here, the form hears every refusal and stays open.
    let (day, p) = clinic();
    let mut app = screen(&day, p.ready);
    vitals_typed(&mut app, "120", "74");
    let action = press(&mut app, KeyCode::Enter);
    let id = action.send[0].id;
    update(
        &mut app,
        Msg::Client(ClientEvent::Reply(Reply::failed(
            id,
            ErrorBody::new("not_connected", "not sent: channel closed"),
        ))),
        ten(),
    );
    assert_eq!(
        form(&app).error.as_deref(),
        Some("not sent: channel closed")
    );
    assert!(form(&app).pending.is_empty());
}

#[test]
fn the_emergency_banner_shows_on_every_terminal_even_over_a_form() {
    let (mut day, p) = clinic();
    anaphylaxis(&mut day, p.dripping);
    let mut app = screen(&day, p.ready).with_color(false);
    press(&mut app, KeyCode::Char('v'));
    let terminal = draw(&app, 80, 24);
    let text = terminal.backend().to_string();
    let first = text.lines().next().unwrap();
    assert!(first.contains("EMERGENCY  #1 bed 2  Sato Ken"), "{first}");
    let cell = &terminal.backend().buffer()[(2, 0)];
    assert!(
        cell.modifier.contains(Modifier::REVERSED | Modifier::BOLD),
        "readable without colour"
    );
}

#[test]
fn on_the_last_field_of_the_counselling_form_what_is_missing_is_in_view() {
    let (day, p) = clinic();
    let mut app = screen(&day, p.returning);
    press(&mut app, KeyCode::Char('c'));
    if let Mode::Form(f) = &mut app.mode {
        f.focus = 0;
    }
    press(&mut app, KeyCode::BackTab); // from the first field to the last
    assert_eq!(form(&app).focused().unwrap().id, FieldId::Age);
    let screen = draw(&app, 80, 24).backend().to_string();
    assert!(screen.contains("Still missing before ready"), "{screen}");
    assert!(screen.contains("consent (5 items)"), "{screen}");
}

#[test]
fn the_help_scrolls_to_the_last_care_key_on_a_small_screen() {
    let (day, p) = clinic();
    let mut app = screen(&day, p.ready);
    press(&mut app, KeyCode::Char('?'));
    assert!(
        !draw(&app, 80, 24)
            .backend()
            .to_string()
            .contains("acknowledge alerts")
    );
    for _ in 0..10 {
        press(&mut app, KeyCode::Char('j'));
    }
    assert!(
        draw(&app, 80, 24)
            .backend()
            .to_string()
            .contains("acknowledge alerts")
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.help_scroll, 0);
}

/// The footer offers exactly the keys the visit protocol allows for the
/// selected patient, and Enter does the protocol's next move (or says why
/// it cannot), for a patient in every stage of the morning (issue 9: "the
/// board offers exactly what is allowed").
#[test]
fn the_footer_and_enter_offer_exactly_what_the_protocol_allows_in_every_stage() {
    use crate::domain::moves::{self, Move};
    use crate::ui::keymap::{NORMAL, Op};
    let (mut day, p) = clinic();
    // A booked patient, and one who waited and left, besides the clinic's.
    let booked = day.run(
        tokyo(8, 0),
        None,
        None,
        Command::Expect {
            name: "Booked Ami".into(),
            treatment: "face".into(),
            chart_no: None,
            expected_at: tokyo(11, 0),
            key: None,
        },
    );
    let waiting = day.arrive((9, 50), "Waiting Ken", "scalp");
    let now = ten();
    // What each board key stands for in the protocol.
    let stands_for = |op: Op| -> &'static [Move] {
        match op {
            Op::Cancel => &[Move::Cancel],
            Op::Undo => &[Move::Undo],
            Op::Counselling => &[Move::Screening],
            Op::Vitals => &[Move::Vitals],
            Op::DripCheck | Op::SkipCheck => &[Move::DripCheck],
            Op::Pause => &[Move::Pause, Move::Resume],
            Op::StopEarly => &[Move::StopEarly],
            Op::Reaction => &[Move::Reaction],
            Op::Acknowledge => &[Move::Acknowledge],
            _ => &[],
        }
    };
    for visit in [
        booked,
        waiting,
        p.returning,
        p.ready,
        p.dripping,
        p.observed,
    ] {
        let mut app = screen(&day, visit);
        let v = day.board.visit(visit).unwrap().clone();
        let shown: Vec<String> = crate::ui::view::footer::footer_items(&app, now, true)
            .into_iter()
            .map(|(_, _, keys, _)| keys)
            .collect();
        for b in NORMAL.iter().filter(|b| b.footer.is_some()) {
            for (_, op) in b.keys {
                let mvs = stands_for(*op);
                if mvs.is_empty() {
                    continue;
                }
                let allowed = mvs
                    .iter()
                    .any(|mv| moves::offered(&v, &day.config, *mv, now));
                assert_eq!(
                    shown.contains(&b.shown.to_string()),
                    allowed,
                    "{} in {}: key {} ({op:?})",
                    v.name,
                    v.stage,
                    b.shown
                );
            }
        }
        // Enter: the protocol's next move.
        let step = moves::next_step(&v, &day.config, now);
        assert_eq!(
            shown.contains(&"Enter".to_string()),
            step.is_some(),
            "{}",
            v.name
        );
        let action = press(&mut app, KeyCode::Enter);
        // Enter opens a form or explains; calling a patient in also
        // starts the counselling at once.
        let calls_in = step
            .as_ref()
            .is_some_and(|s| s.mv == Move::StartCounselling);
        assert_eq!(action.send.len(), usize::from(calls_in), "{}", v.name);
        match step.map(|s| s.mv) {
            Some(Move::MarkReady) => {
                assert!(matches!(form(&app).kind, FormKind::Counselling { .. }))
            }
            Some(Move::Discharge) => {
                assert!(matches!(form(&app).kind, FormKind::Discharge { .. }))
            }
            Some(Move::EndAdministration) => {
                // The drip still runs: Enter says until when, and how to
                // stop it early.
                assert_eq!(app.mode, Mode::Normal);
                let status = app.status.clone().unwrap().text;
                assert!(status.contains("the drip runs until"), "{status}");
            }
            Some(Move::StartCounselling) => {
                // Called in: the move is sent and the form opens at once.
                assert!(matches!(form(&app).kind, FormKind::Counselling { .. }))
            }
            Some(Move::StartAdministration) => {
                assert_eq!(form(&app).kind, FormKind::Start { visit }, "{}", v.name)
            }
            Some(mv) => assert_eq!(
                form(&app).kind,
                FormKind::Advance {
                    visit,
                    from: v.stage,
                    to: mv.leads_to().unwrap()
                },
                "{}",
                v.name
            ),
            None => assert_eq!(app.mode, Mode::Normal),
        }
    }
    // The booked patient can be cancelled (a no-show), from the board too.
    let mut app = screen(&day, booked);
    press(&mut app, KeyCode::Char('x'));
    assert!(matches!(form(&app).kind, FormKind::Cancel { .. }));
}

#[test]
fn the_checklist_lists_the_aftercare_of_the_patient_s_route_and_treatment() {
    // DOMAIN.md "Discharge checklist and aftercare": no make-up after a
    // facial injection; a bruise at a drip site.
    let mut day = Day::new();
    let drip = day.arrive((9, 0), "Aoki Ami", "drip");
    day.flow(drip, &[(9, 2), (9, 5), (9, 10), (9, 45)], Some("1"));
    let face = day.arrive((9, 0), "Baba Ken", "face");
    day.flow(face, &[(9, 2), (9, 5), (9, 10), (9, 30)], None);
    let words = |visit| {
        let mut app = screen(&day, visit);
        press(&mut app, KeyCode::Enter);
        draw(&app, 120, 50).backend().to_string()
    };
    let on_drip = words(drip);
    assert!(on_drip.contains("A bruise at a drip site"), "{on_drip}");
    assert!(!on_drip.contains("After facial injection"), "{on_drip}");
    assert!(
        !on_drip.contains("Do not touch the injection sites"),
        "{on_drip}"
    );
    let on_face = words(face);
    assert!(on_face.contains("After facial injection"), "{on_face}");
    assert!(
        on_face.contains("Do not touch the injection sites"),
        "{on_face}"
    );
    assert!(!on_face.contains("A bruise at a drip site"), "{on_face}");
}
