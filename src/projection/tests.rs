//! The wall's projection, at 10:00 on the test mornings: what the wall
//! receives carries no name, chart number, treatment, answer or reason,
//! and still tells the wall everything it shows.

use chrono::Duration;

use super::*;
use crate::config::WallNames;
use crate::domain::{Command, Entry, timer};
use crate::ui::fixture::{
    CLINIC_EN, CLINIC_JA, ENGLISH, JAPANESE, anaphylaxis, busy_morning, clinic_morning, ten,
};

/// Every piece of a name longer than one character, chart numbers,
/// treatment ids and labels, the screening items, the reasons and signs
/// recorded: none may be in what the wall receives.
fn secrets(board: &Board, config: &Config) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in board.visits.values() {
        out.extend(
            v.name
                .split([' ', '\u{3000}'])
                .filter(|p| p.chars().count() > 1)
                .map(str::to_string),
        );
        out.extend(v.chart_no.clone());
        out.extend(v.exit_reason.clone());
        for r in &v.care.reactions {
            out.push(r.signs.clone());
            out.push(r.action.clone());
        }
    }
    for t in &config.treatments {
        out.push(format!("\"{}\"", t.id));
        out.push(t.label.clone());
        out.extend(t.label_ja.clone());
    }
    for q in &config.screening {
        out.push(q.id.clone());
    }
    for word in [
        "drip",
        "injection",
        "anaphylaxis",
        "allergic",
        "screening",
        "lot",
        "EX-26",
    ] {
        out.push(word.to_string());
    }
    out
}

fn assert_private(view: &WallView, board: &Board, config: &Config) {
    let json = serde_json::to_string(view).unwrap();
    for secret in secrets(board, config) {
        assert!(
            !json.contains(&secret),
            "{secret:?} reaches the wall: {json}"
        );
    }
}

#[test]
fn the_wall_receives_no_name_chart_number_treatment_or_record() {
    for names in [CLINIC_EN, CLINIC_JA] {
        let (mut day, clinic) = clinic_morning(names);
        anaphylaxis(&mut day, clinic.dripping);
        let view = project(&day.board, &day.config, ten());
        assert_private(&view, &day.board, &day.config);
        assert!(!view.queue.is_empty() && !view.emergencies.is_empty());
    }
    for names in [ENGLISH, JAPANESE] {
        let (day, _) = busy_morning(names);
        assert_private(
            &project(&day.board, &day.config, ten()),
            &day.board,
            &day.config,
        );
    }
}

#[test]
fn ticket_mode_sends_reception_numbers_only() {
    let (mut day, _) = busy_morning(JAPANESE);
    day.config.wall.names = WallNames::Ticket;
    let view = project(&day.board, &day.config, ten());
    assert_private(&view, &day.board, &day.config);
    assert!(
        view.queue
            .iter()
            .all(|p| matches!(p.label, Label::Ticket { .. }))
    );
}

/// The wall's timers tick on the wall from the projection's anchors: at
/// any moment they read what the board's timer reads.
#[test]
fn the_wall_reads_the_same_timers_as_the_board_at_any_moment() {
    let (mut day, clinic) = clinic_morning(CLINIC_EN);
    // A paused drip too: its countdown stands still.
    day.run(
        ten() - Duration::minutes(3),
        None,
        Some("KS"),
        Command::Record {
            visit: clinic.dripping,
            entry: Entry::Pause {
                reason: "patient to the toilet".into(),
                reaction: None,
            },
        },
    );
    let view = project(&day.board, &day.config, ten());
    let on_wall: Vec<&WallPatient> = view
        .beds
        .iter()
        .filter_map(|b| b.patient.as_ref())
        .chain(view.queue.iter())
        .collect();
    assert_eq!(on_wall.len(), 4);
    for later in [0, 1, 59, 61, 600, 3600] {
        let now = ten() + Duration::seconds(later);
        for p in &on_wall {
            let v = day.board.visit(p.visit).unwrap();
            assert_eq!(
                p.timer(now),
                timer(v, &day.config, now),
                "{} +{later}s",
                v.name
            );
        }
    }
}

#[test]
fn alert_levels_and_where_attention_is_are_on_the_wall_but_not_what_they_are() {
    let (mut day, clinic) = clinic_morning(CLINIC_EN);
    anaphylaxis(&mut day, clinic.dripping);
    let view = project(&day.board, &day.config, ten());
    assert_eq!(view.emergencies, vec![Place::Bed("2".into())]);
    let on_bed_2 = view.beds[1].patient.as_ref().unwrap();
    assert_eq!(on_bed_2.alert, Some(Severity::Critical));
    assert!(on_bed_2.alarms >= 1);
    assert_eq!(
        view.attention.first(),
        Some(&Attention {
            place: Place::Bed("2".into()),
            severity: Severity::Critical
        })
    );
}

/// Levels change with time alone: the server's next projection differs,
/// and so is sent; while nothing changes, the projection stays equal (and
/// nothing is sent).
#[test]
fn a_wait_that_grows_too_long_changes_the_projection_and_nothing_else_does() {
    let (day, _) = busy_morning(ENGLISH);
    let now = project(&day.board, &day.config, ten());
    assert_eq!(
        now,
        project(&day.board, &day.config, ten() + Duration::seconds(1))
    );
    let later = project(&day.board, &day.config, ten() + Duration::minutes(45));
    assert_ne!(now, later);
}

#[test]
fn nobody_who_left_or_is_only_expected_is_on_the_wall() {
    let (day, _) = clinic_morning(CLINIC_EN);
    let view = project(&day.board, &day.config, ten());
    let on_wall: Vec<VisitId> = view
        .beds
        .iter()
        .filter_map(|b| b.patient.as_ref())
        .chain(view.queue.iter())
        .map(|p| p.visit)
        .collect();
    for v in day.board.visits.values() {
        assert_eq!(on_wall.contains(&v.id), v.stage.is_active(), "{}", v.name);
    }
}

/// DOMAIN.md "Records (Japan)": a patient may ask not to be displayed.
/// The wall then receives neither their initials nor their number, only
/// that their bed is occupied (and its level, for the staff's eyes).
#[test]
fn a_patient_who_asked_not_to_be_shown_is_only_an_occupied_bed_on_the_wall() {
    for names in [CLINIC_EN, CLINIC_JA] {
        let (mut day, clinic) = clinic_morning(names);
        let shown_before = project(&day.board, &day.config, ten());
        let label = shown_before.beds[1]
            .patient
            .as_ref()
            .expect("someone on bed 2")
            .label
            .clone();
        day.run(
            ten() - Duration::minutes(1),
            None,
            Some("KS"),
            Command::Record {
                visit: clinic.dripping,
                entry: Entry::DoNotDisplay { on: true },
            },
        );
        anaphylaxis(&mut day, clinic.dripping);
        let view = project(&day.board, &day.config, ten());
        assert_private(&view, &day.board, &day.config);
        let bed = &view.beds[1];
        assert_eq!(bed.bed, "2");
        assert_eq!(bed.state, BedUse::Occupied);
        assert!(bed.patient.is_none());
        assert_eq!(bed.alert, Some(Severity::Critical));
        assert!(bed.alarms >= 1, "the wall's bell still rings for the bed");
        assert_eq!(view.emergencies, vec![Place::Bed("2".into())]);
        let json = serde_json::to_string(&view).unwrap();
        let ticket = day.board.visit(clinic.dripping).unwrap().ticket;
        assert!(
            !json.contains(&format!("\"visit\":{}", clinic.dripping.0)),
            "{json}"
        );
        assert!(
            !json.contains(&serde_json::to_string(&label).unwrap()),
            "{label:?} in {json}"
        );
        // In ticket mode too: the reception number is nowhere.
        day.config.wall.names = WallNames::Ticket;
        let json = serde_json::to_string(&project(&day.board, &day.config, ten())).unwrap();
        assert!(
            !json.contains(&format!("\"number\":{ticket}")),
            "the reception number {ticket} in {json}"
        );
        assert!(json.contains("\"number\":"), "others keep theirs: {json}");
    }
}

#[test]
fn a_hidden_patient_in_the_waiting_room_is_not_in_the_queue_at_all() {
    let (mut day, _) = busy_morning(JAPANESE);
    let waiting = day
        .board
        .visits
        .values()
        .find(|v| v.stage == Stage::Waiting)
        .unwrap()
        .id;
    day.run(
        ten(),
        None,
        None,
        Command::Record {
            visit: waiting,
            entry: Entry::DoNotDisplay { on: true },
        },
    );
    for names in [WallNames::Initials, WallNames::Ticket, WallNames::Full] {
        day.config.wall.names = names;
        let view = project(&day.board, &day.config, ten());
        assert!(view.queue.iter().all(|p| p.visit != waiting));
        let name = day.board.visit(waiting).unwrap().name.clone();
        let json = serde_json::to_string(&view).unwrap();
        assert!(!json.contains(&name), "{names:?}: {json}");
        assert!(
            view.attention
                .iter()
                .all(|a| !matches!(&a.place, Place::Patient(l) if l.show(crate::i18n::Lang::En).contains(&name)))
        );
    }
}

/// The wall shows each drip patient waiting for a bed an estimated wait,
/// in 5-minute steps, from the domain's estimate; nobody else gets one,
/// and no number where the board cannot say.
#[test]
fn drip_patients_waiting_for_a_bed_see_an_estimated_wait_and_the_beds_their_state() {
    let (day, _) = busy_morning(ENGLISH);
    let view = project(&day.board, &day.config, ten());
    let estimates = crate::domain::forecast::estimates_by_visit(&day.board, &day.config, ten());
    let mut with_wait = 0;
    for p in &view.queue {
        let expected = estimates
            .get(&p.visit)
            .and_then(|e| e.start)
            .map(|s| crate::domain::forecast::wait_step(s, ten()));
        assert_eq!(p.wait_minutes, expected, "visit {}", p.visit);
        let v = day.board.visit(p.visit).unwrap();
        if crate::domain::rules::route(v, &day.config) != Some(crate::domain::Route::Drip) {
            assert_eq!(p.wait_minutes, None, "{} has no bed to wait for", v.name);
        }
        with_wait += usize::from(p.wait_minutes.is_some());
        if let Some(w) = p.wait_minutes {
            assert_eq!(w % 5, 0);
        }
    }
    assert!(with_wait >= 2, "{:#?}", view.queue);
    // Bed 4's patient left by ambulance at 09:30: the bed is being cleaned.
    assert_eq!(view.beds[3].state, BedUse::Cleaning);
    assert!(view.beds[3].patient.is_none());
    assert_eq!(view.beds[0].state, BedUse::Occupied);
}
