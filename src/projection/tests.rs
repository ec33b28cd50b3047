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
