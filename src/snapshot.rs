//! The board as scripts see it (`flowboard snapshot --json`), and which
//! visits are "on the board today". The JSON field names are a contract:
//! extend them, never rename them.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::domain::{
    Badge, Board, Missing, Severity, Stage, Timer, Visit, alerts, badges, timer, visit_alerts,
};
use crate::i18n::{Lang, alert_message, badge_text};

/// What the next move of the flow (what Enter does) still needs: asked
/// of the visit protocol, plus the lot the start of administration brings
/// with it.
pub fn next_needs(v: &Visit, config: &Config, now: DateTime<Utc>) -> Vec<Missing> {
    use crate::domain::moves::{self, Move};
    match moves::next_step(v, config, now) {
        Some(offer) => {
            let mut needs = offer.needs;
            if offer.mv == Move::StartAdministration {
                needs.push(Missing::Lot);
            }
            needs
        }
        None => Vec::new(),
    }
}

fn badge_code(b: &Badge) -> String {
    match b {
        Badge::PriorReaction { .. } => "prior_reaction".into(),
        Badge::Override { .. } => "override".into(),
        Badge::Risk { flag } => serde_json::to_value(flag)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        Badge::Session { .. } => "session".into(),
        Badge::OverDose { .. } => "over_dose".into(),
        Badge::Undone { .. } => "undone".into(),
        Badge::TimerShortened { .. } => "timer_shortened".into(),
        Badge::Doubtful { .. } => "doubtful".into(),
        Badge::NotShown => "do_not_display".into(),
    }
}

/// The visits the board shows at `now`: everyone still in the clinic
/// (whatever day they arrived: a patient present after midnight stays),
/// today's expected patients, and the patients who left in the last
/// `board.left_visible_minutes` (midnight does not cut that short: a
/// patient discharged at 23:55 is listed until 23:55 plus that time).
/// Ordered by stage (in the clinic, in flow order; expected; left), then
/// by time in the stage (longest first).
pub fn on_board<'a>(board: &'a Board, config: &Config, now: DateTime<Utc>) -> Vec<&'a Visit> {
    let today = now.with_timezone(&config.timezone).date_naive();
    let left_visible = chrono::Duration::minutes(i64::from(config.board.left_visible_minutes));
    let mut visits: Vec<&Visit> = board
        .visits
        .values()
        .filter(|v| match v.stage {
            s if s.is_active() => true,
            Stage::Expected => v.arrived_at.with_timezone(&config.timezone).date_naive() == today,
            _ => now - v.stage_since < left_visible,
        })
        .collect();
    // Expected patients in the order of their bookings.
    let since = |v: &Visit| {
        if v.stage == Stage::Expected {
            v.arrived_at
        } else {
            v.stage_since
        }
    };
    visits.sort_by(|a, b| {
        a.stage
            .cmp(&b.stage)
            .then(since(a).cmp(&since(b)))
            .then(a.id.cmp(&b.id))
    });
    visits
}

#[derive(Debug, Serialize)]
pub struct Snapshot {
    pub now: DateTime<Utc>,
    pub clinic: String,
    pub timezone: String,
    pub beds: Beds,
    /// Number of visits per stage, every stage present.
    pub counts: std::collections::BTreeMap<&'static str, usize>,
    pub visits: Vec<VisitView>,
    /// Every active alert, most severe first.
    pub alerts: Vec<AlertView>,
    /// Each nurse's patients now (administration and observation) and
    /// drips at once.
    pub caseload: Vec<crate::domain::caseload::Caseload>,
}

#[derive(Debug, Serialize)]
pub struct Beds {
    pub total: usize,
    /// Beds a drip could start on now: nobody on them, not being cleaned.
    pub free: usize,
    pub occupied: Vec<BedView>,
    /// Beds whose patient left and that are not marked ready yet.
    pub cleaning: Vec<CleaningView>,
    /// Every bed with when it is expected to be free (`free_at` absent:
    /// nobody can say, e.g. a reaction is open).
    pub forecast: Vec<crate::domain::forecast::BedForecast>,
    /// The next bed to free when none is free now: "next bed 10:42".
    pub next_bed: Option<NextBed>,
}

#[derive(Debug, Serialize)]
pub struct CleaningView {
    pub bed: String,
    pub since: DateTime<Utc>,
    /// The visit that left it.
    pub after: u64,
}

#[derive(Debug, Serialize)]
pub struct NextBed {
    pub bed: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
pub struct BedView {
    pub bed: String,
    pub visit: u64,
}

#[derive(Debug, Serialize)]
pub struct VisitView {
    pub id: u64,
    pub ticket: u32,
    pub name: String,
    pub chart_no: Option<String>,
    pub stage: Stage,
    pub treatment: String,
    pub treatment_label: String,
    pub route: Option<crate::domain::Route>,
    pub bed: Option<String>,
    pub arrived_at: DateTime<Utc>,
    /// The booked time, for a visit from the day sheet.
    pub expected_at: Option<DateTime<Utc>>,
    pub stage_since: DateTime<Utc>,
    pub timer: Timer,
    pub exit_reason: Option<String>,
    pub alerts: Vec<AlertView>,
    /// Standing facts: a reaction at an earlier visit, an override, the
    /// risks the screening implies, the session in the course.
    pub badges: Vec<BadgeView>,
    /// This visit's session in its course (1 = first).
    pub session: u32,
    pub lot: Option<crate::domain::clinical::Lot>,
    pub reactions: Vec<ReactionView>,
    /// What the move to the next stage still needs (English).
    pub next_needs: Vec<String>,
    /// The nurse the patient is with (the plan's, or a reassignment's).
    pub nurse: Option<String>,
    /// The patient asked not to be shown on the wall.
    pub do_not_display: bool,
    /// For a drip patient waiting for a bed: the estimated start (absent
    /// when it cannot be said) and the bed it counts on.
    pub estimated_start: Option<DateTime<Utc>>,
    pub estimated_bed: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct BadgeView {
    pub severity: Severity,
    pub code: String,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct ReactionView {
    pub kind: crate::domain::ReactionKind,
    pub at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct AlertView {
    pub visit: u64,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    /// For abnormal vitals: what is abnormal (a script need not parse
    /// the message).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<crate::domain::rules::VitalsFinding>,
}

pub fn build(board: &Board, config: &Config, now: DateTime<Utc>) -> Snapshot {
    let visits = on_board(board, config, now);
    let alert_view = |a: &crate::domain::Alert| {
        let route = board
            .visit(a.visit)
            .and_then(|v| config.treatment(&v.treatment))
            .map(|t| t.route);
        AlertView {
            visit: a.visit.0,
            severity: a.severity,
            code: a.code.as_str(),
            message: alert_message(Lang::En, a, route, config),
            findings: a.findings.clone(),
        }
    };
    let mut counts: std::collections::BTreeMap<&'static str, usize> =
        Stage::ALL.iter().map(|s| (s.as_str(), 0)).collect();
    for v in &visits {
        *counts.entry(v.stage.as_str()).or_default() += 1;
    }
    let occupied: Vec<BedView> = config
        .beds
        .iter()
        .filter_map(|b| {
            board.occupant(b).map(|v| BedView {
                bed: b.clone(),
                visit: v.id.0,
            })
        })
        .collect();
    let forecast = crate::domain::forecast::bed_forecast(board, config, now);
    let cleaning: Vec<CleaningView> = forecast
        .iter()
        .filter_map(|f| match f.state {
            crate::domain::BedState::Cleaning { since, after } => Some(CleaningView {
                bed: f.bed.clone(),
                since,
                after: after.0,
            }),
            _ => None,
        })
        .collect();
    let next_bed = crate::domain::forecast::next_bed(&forecast).map(|(bed, at)| NextBed {
        bed: bed.to_string(),
        at,
    });
    let estimates = crate::domain::forecast::estimates_by_visit(board, config, now);
    Snapshot {
        now,
        clinic: config.clinic_name.clone(),
        timezone: config.timezone.name().to_string(),
        beds: Beds {
            total: config.beds.len(),
            free: crate::domain::free_beds(board, config, now).count(),
            occupied,
            cleaning,
            forecast,
            next_bed,
        },
        counts,
        visits: visits
            .iter()
            .map(|v| {
                let treatment = config.treatment(&v.treatment);
                VisitView {
                    id: v.id.0,
                    ticket: v.ticket,
                    name: v.name.clone(),
                    chart_no: v.chart_no.clone(),
                    stage: v.stage,
                    treatment: v.treatment.clone(),
                    treatment_label: treatment.map_or(v.treatment.clone(), |t| t.label.clone()),
                    route: treatment.map(|t| t.route),
                    bed: v.bed.clone(),
                    arrived_at: v.arrived_at,
                    expected_at: v.expected_at,
                    stage_since: v.stage_since,
                    timer: timer(v, config, now),
                    exit_reason: v.exit_reason.clone(),
                    alerts: visit_alerts(v, config, now)
                        .iter()
                        .map(alert_view)
                        .collect(),
                    badges: badges(v, config)
                        .iter()
                        .map(|b| BadgeView {
                            severity: b.severity(),
                            code: badge_code(b),
                            text: badge_text(Lang::En, b, config.timezone),
                        })
                        .collect(),
                    session: v.history.session.max(1),
                    lot: v.care.lot.clone(),
                    reactions: v
                        .care
                        .reactions
                        .iter()
                        .map(|r| ReactionView {
                            kind: r.kind,
                            at: r.at,
                            resolved_at: r.resolved_at,
                        })
                        .collect(),
                    next_needs: next_needs(v, config, now)
                        .iter()
                        .map(|m| m.describe(config.timezone))
                        .collect(),
                    nurse: v.care.nurse().map(str::to_string),
                    do_not_display: v.care.do_not_display,
                    estimated_start: estimates.get(&v.id).and_then(|e| e.start),
                    estimated_bed: estimates.get(&v.id).and_then(|e| e.bed.clone()),
                }
            })
            .collect(),
        // A bed still to be cleaned stays listed whoever left it, however
        // long ago.
        alerts: alerts(board, config, now)
            .iter()
            .filter(|a| {
                a.code == crate::domain::AlertCode::BedNotReady
                    || visits.iter().any(|v| v.id == a.visit)
            })
            .map(alert_view)
            .collect(),
        caseload: crate::domain::caseload::caseloads(board, config),
    }
}

/// The snapshot as a plain table for people at a shell (`flowboard
/// snapshot` without `--json`). Columns are laid out by display width, so
/// Japanese names line up.
pub fn to_text(snap: &Snapshot, config: &Config) -> String {
    // Text leaves for a terminal here: cleaned again, whatever its source
    // (a database written before a rule, a server of another version).
    use crate::domain::text::{fit, sanitize};
    use std::fmt::Write;
    let local = snap.now.with_timezone(&config.timezone);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} ({}) — beds free {}/{}",
        sanitize(&snap.clinic),
        local.format("%Y-%m-%d %H:%M"),
        snap.timezone,
        snap.beds.free,
        snap.beds.total
    );
    let _ = writeln!(
        out,
        "{} {} {} {} {} {} Alerts",
        fit("No", 3),
        fit("Name", 16),
        fit("Stage", 14),
        fit("Treatment", 16),
        fit("Bed", 4),
        fit("Timer", 12)
    );
    for v in &snap.visits {
        let timer = match v.timer.remaining_secs {
            _ if v.stage == Stage::Expected => v.expected_at.map_or(String::new(), |t| {
                format!("@{}", t.with_timezone(&config.timezone).format("%H:%M"))
            }),
            Some(r) if r >= 0 => format!("{} left", clock(r)),
            Some(r) => format!("+{} over", clock(-r)),
            None => clock(v.timer.elapsed_secs),
        };
        let alerts: Vec<String> = v
            .alerts
            .iter()
            .map(|a| format!("[{}] {}", a.severity.as_str(), sanitize(&a.message)))
            .collect();
        let _ = writeln!(
            out,
            "{:>3} {} {} {} {} {} {}",
            if v.ticket == 0 {
                "-".to_string()
            } else {
                v.ticket.to_string()
            },
            fit(&sanitize(&v.name), 16),
            fit(v.stage.as_str(), 14),
            fit(&sanitize(&v.treatment_label), 16),
            fit(&sanitize(v.bed.as_deref().unwrap_or("-")), 4),
            fit(&timer, 12),
            alerts.join("; ")
        );
    }
    if snap.visits.is_empty() {
        out.push_str("(no patients today)\n");
    }
    out
}

/// `mm:ss`, or `h:mm:ss` from an hour on.
pub fn clock(secs: i64) -> String {
    let secs = secs.max(0);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// Midnight on purpose, at fixed times: the clinic's day changes, the
/// patients in the clinic do not.
#[cfg(test)]
mod midnight_tests {
    use super::*;
    use crate::demo::{lot, routine_counselling, routine_discharge};
    use crate::domain::{Command, Context, VisitId, apply, decide};
    use chrono::{Duration, NaiveDate, TimeZone};

    /// A time in Tokyo on 2026-11-21 (`h` may be 24 or more: the next day).
    fn tokyo(h: u32, m: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Tokyo
            .with_ymd_and_hms(2026, 11, 21, 0, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
            + Duration::minutes(i64::from(h * 60 + m))
    }

    fn run(board: &mut Board, config: &Config, now: DateTime<Utc>, command: Command) -> VisitId {
        let ctx = Context {
            now,
            at: None,
            operator: Some("KS".into()),
            confirmed: false,
        };
        let events =
            decide(board, config, &command, &ctx).unwrap_or_else(|e| panic!("{command:?}: {e}"));
        let id = events[0].visit;
        for e in events {
            apply(board, e);
        }
        id
    }

    /// A patient who arrives at `arrive`, is counselled and starts the
    /// treatment at `start` (on bed 1 for a drip).
    fn started(
        board: &mut Board,
        config: &Config,
        name: &str,
        treatment: &str,
        arrive: DateTime<Utc>,
        start: DateTime<Utc>,
    ) -> VisitId {
        let v = run(
            board,
            config,
            arrive,
            Command::Arrive {
                name: name.into(),
                treatment: treatment.into(),
                chart_no: None,
                key: None,
                do_not_display: false,
            },
        );
        let to = |to, bed: Option<&str>, at| Command::Advance {
            visit: v,
            to,
            bed: bed.map(str::to_string),
            lot: (to == Stage::Administration).then(|| lot("EX-1", at)),
        };
        run(board, config, arrive, to(Stage::Counselling, None, arrive));
        for entry in routine_counselling(config, treatment, &[]) {
            run(board, config, arrive, Command::Record { visit: v, entry });
        }
        run(board, config, arrive, to(Stage::Ready, None, arrive));
        let bed = (treatment == "drip").then_some("1");
        run(board, config, start, to(Stage::Administration, bed, start));
        v
    }

    fn shown(board: &Board, config: &Config, now: DateTime<Utc>, v: VisitId) -> bool {
        on_board(board, config, now).iter().any(|x| x.id == v)
    }

    /// DOMAIN.md "The treatment": a drip takes about 30 minutes. One
    /// started at 23:50 is still running at 00:10, with 10 minutes left,
    /// on the board and on its bed.
    #[test]
    fn a_drip_started_at_23_50_is_still_on_the_board_at_00_10_with_ten_minutes_left() {
        let config = Config::default();
        let mut board = Board::default();
        let v = started(
            &mut board,
            &config,
            "Late Drip",
            "drip",
            tokyo(23, 20),
            tokyo(23, 50),
        );
        let ten_past = tokyo(24, 10);
        assert!(shown(&board, &config, ten_past, v));
        let snap = build(&board, &config, ten_past);
        let view = snap.visits.iter().find(|x| x.id == v.0).unwrap();
        assert_eq!(view.stage, Stage::Administration);
        assert_eq!(view.timer.remaining_secs, Some(10 * 60));
        assert_eq!(view.timer.elapsed_secs, 20 * 60);
        assert_eq!(snap.beds.occupied[0].bed, "1");
        // Its reception number belongs to the day it arrived; a patient
        // arriving after midnight starts the new day at 1.
        let new_day = run(
            &mut board,
            &config,
            ten_past,
            Command::Arrive {
                name: "Early Bird".into(),
                treatment: "face".into(),
                chart_no: None,
                key: None,
                do_not_display: false,
            },
        );
        assert_eq!(board.visit(new_day).unwrap().ticket, 1);
        assert_eq!(board.visit(v).unwrap().ticket, 1);
    }

    /// A patient discharged at 23:55 stays listed for the usual
    /// `left_visible_minutes` (120): midnight does not cut it short.
    #[test]
    fn a_patient_discharged_at_23_55_leaves_the_board_on_the_normal_schedule() {
        let config = Config::default();
        let mut board = Board::default();
        let v = started(
            &mut board,
            &config,
            "Night Face",
            "face",
            tokyo(23, 0),
            tokyo(23, 20),
        );
        let needle_out = tokyo(23, 35);
        run(
            &mut board,
            &config,
            needle_out,
            Command::Advance {
                visit: v,
                to: Stage::Observation,
                bed: None,
                lot: None,
            },
        );
        for (m, entry) in routine_discharge(5) {
            run(
                &mut board,
                &config,
                needle_out + Duration::minutes(m),
                Command::Record { visit: v, entry },
            );
        }
        run(
            &mut board,
            &config,
            tokyo(23, 55),
            Command::Advance {
                visit: v,
                to: Stage::Discharged,
                bed: None,
                lot: None,
            },
        );
        assert_eq!(config.board.left_visible_minutes, 120);
        for still in [tokyo(23, 59), tokyo(24, 0), tokyo(24, 10), tokyo(25, 54)] {
            assert!(shown(&board, &config, still, v), "at {still}");
        }
        assert!(!shown(&board, &config, tokyo(25, 55), v));

        // The day report of the 21st counts the visit, read after midnight;
        // the 22nd's does not (a day's visits are those that arrived on
        // it, in the clinic's zone, as `report day` asks the store).
        let of_day = |d: u32| {
            let date = NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
            let visits: Vec<Visit> = board
                .visits
                .values()
                .filter(|v| v.arrived_at.with_timezone(&config.timezone).date_naive() == date)
                .cloned()
                .collect();
            crate::report::day(&visits, &config, date, chrono::Utc::now())
        };
        let face = |r: &crate::report::DayReport| {
            let t = r.treatments.iter().find(|t| t.treatment == "face").unwrap();
            (t.arrived, t.administered)
        };
        assert_eq!(face(&of_day(21)), (1, 1));
        assert_eq!(face(&of_day(22)), (0, 0));
    }

    /// The same at a Tokyo hour that is another date in UTC: "today" is
    /// the clinic's calendar day, not the machine's.
    #[test]
    fn today_is_the_clinics_calendar_day_not_utcs() {
        let config = Config::default();
        let mut board = Board::default();
        // 08:30 in Tokyo is 23:30 UTC the day before.
        let v = run(
            &mut board,
            &config,
            tokyo(8, 30),
            Command::Expect {
                name: "Booked".into(),
                treatment: "face".into(),
                chart_no: None,
                expected_at: tokyo(10, 0),
                key: None,
            },
        );
        assert!(shown(&board, &config, tokyo(8, 30), v));
        assert!(shown(&board, &config, tokyo(23, 59), v));
        assert!(
            !shown(&board, &config, tokyo(24, 0), v),
            "a no-show of yesterday"
        );
    }
}
