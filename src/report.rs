//! Reports over the records: the day sheet's figures, the reactions, the
//! trace of a lot, the full export. Pure functions of visits (as the
//! server returns them) and the config; the command line prints them as a
//! table, CSV or JSON.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::domain::{EventKind, ReactionKind, Stage, Visit};

/// The figures of one clinic day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayReport {
    pub date: NaiveDate,
    /// Per treatment: visits that arrived, and those given the treatment.
    pub treatments: Vec<TreatmentCount>,
    pub deferred: Vec<Deferred>,
    /// Expected patients who never arrived.
    pub no_shows: Vec<String>,
    pub cancelled: usize,
    pub transferred: usize,
    pub reactions: BTreeMap<String, usize>,
    /// Minutes spent in each stage: median and 90th percentile.
    pub stage_minutes: Vec<StageTimes>,
    pub beds: Vec<BedUse>,
    pub overrides: Vec<Override>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreatmentCount {
    pub treatment: String,
    pub arrived: usize,
    pub administered: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deferred {
    pub name: String,
    pub chart_no: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageTimes {
    pub stage: Stage,
    pub count: usize,
    pub median_minutes: f64,
    pub p90_minutes: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BedUse {
    pub bed: String,
    pub patients: usize,
    pub minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Override {
    pub name: String,
    pub chart_no: Option<String>,
    pub doctor: String,
    pub reason: String,
}

/// The nearest-rank percentile of sorted values (`p` in 0..=100).
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The day report of the visits of `date` (those the server returns for
/// that day). Time in a stage counts stages that ended.
pub fn day(visits: &[Visit], config: &Config, date: NaiveDate) -> DayReport {
    let mut treatments: BTreeMap<&str, (usize, usize)> = config
        .treatments
        .iter()
        .map(|t| (t.id.as_str(), (0, 0)))
        .collect();
    let mut report = DayReport {
        date,
        treatments: Vec::new(),
        deferred: Vec::new(),
        no_shows: Vec::new(),
        cancelled: 0,
        transferred: 0,
        reactions: BTreeMap::new(),
        stage_minutes: Vec::new(),
        beds: Vec::new(),
        overrides: Vec::new(),
    };
    let mut times: BTreeMap<Stage, Vec<f64>> = BTreeMap::new();
    let mut beds: BTreeMap<String, (usize, i64)> =
        config.beds.iter().map(|b| (b.clone(), (0, 0))).collect();
    for v in visits {
        if v.stage == Stage::Expected {
            report.no_shows.push(v.name.clone());
            continue;
        }
        let arrived = !v.stage_log.iter().all(|(s, _)| *s == Stage::Expected);
        if !arrived {
            // Booked, then cancelled before arriving.
            report.no_shows.push(v.name.clone());
            continue;
        }
        let entry = treatments.entry(v.treatment.as_str()).or_default();
        entry.0 += 1;
        if v.care.administration_started.is_some() {
            entry.1 += 1;
        }
        match v.stage {
            Stage::Deferred => report.deferred.push(Deferred {
                name: v.name.clone(),
                chart_no: v.chart_no.clone(),
                reason: v.exit_reason.clone().unwrap_or_default(),
            }),
            Stage::Cancelled => report.cancelled += 1,
            Stage::Transferred => report.transferred += 1,
            _ => {}
        }
        for r in &v.care.reactions {
            *report
                .reactions
                .entry(r.kind.as_str().to_string())
                .or_default() += 1;
        }
        for a in &v.care.overrides {
            report.overrides.push(Override {
                name: v.name.clone(),
                chart_no: v.chart_no.clone(),
                doctor: a.doctor.clone(),
                reason: a.reason.clone(),
            });
        }
        for pair in v.stage_log.windows(2) {
            let (stage, start) = pair[0];
            let end = pair[1].1;
            if stage.is_active() {
                times
                    .entry(stage)
                    .or_default()
                    .push((end - start).num_seconds() as f64 / 60.0);
            }
        }
        // A bed is taken from the start of administration until the
        // patient leaves the flow.
        if let (Some(bed), Some(start)) = (
            bed_of(v),
            v.stage_log
                .iter()
                .find(|(s, _)| *s == Stage::Administration)
                .map(|(_, t)| *t),
        ) {
            let end = v
                .stage_log
                .iter()
                .find(|(s, _)| !s.is_open())
                .map(|(_, t)| *t);
            let use_ = beds.entry(bed).or_default();
            use_.0 += 1;
            if let Some(end) = end {
                use_.1 += (end - start).num_minutes();
            }
        }
    }
    report.treatments = treatments
        .into_iter()
        .map(|(t, (arrived, administered))| TreatmentCount {
            treatment: t.to_string(),
            arrived,
            administered,
        })
        .collect();
    report.stage_minutes = times
        .into_iter()
        .map(|(stage, mut v)| {
            v.sort_by(f64::total_cmp);
            StageTimes {
                stage,
                count: v.len(),
                median_minutes: median(&v),
                p90_minutes: percentile(&v, 90.0),
            }
        })
        .collect();
    report.beds = beds
        .into_iter()
        .map(|(bed, (patients, minutes))| BedUse {
            bed,
            patients,
            minutes,
        })
        .collect();
    report
}

/// The bed a visit was given (it is cleared when the patient leaves).
fn bed_of(v: &Visit) -> Option<String> {
    v.effective_events().find_map(|e| match &e.kind {
        EventKind::AdministrationStarted { bed, .. } => bed.clone(),
        _ => None,
    })
}

/// One reaction, with what was done and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReactionRow {
    pub at: DateTime<Utc>,
    pub name: String,
    pub chart_no: Option<String>,
    pub treatment: String,
    pub kind: ReactionKind,
    pub signs: String,
    pub action: String,
    pub adrenaline_doses: usize,
    pub resolved_at: Option<DateTime<Utc>>,
    /// The visit's stage now: discharged, transferred …
    pub outcome: Stage,
    pub lot: Option<String>,
}

pub fn reactions(visits: &[Visit]) -> Vec<ReactionRow> {
    let mut rows: Vec<ReactionRow> = visits
        .iter()
        .flat_map(|v| {
            v.care.reactions.iter().map(move |r| ReactionRow {
                at: r.at,
                name: v.name.clone(),
                chart_no: v.chart_no.clone(),
                treatment: v.treatment.clone(),
                kind: r.kind,
                signs: r.signs.clone(),
                action: r.action.clone(),
                adrenaline_doses: if r.kind == ReactionKind::Anaphylaxis {
                    v.care.doses.len()
                } else {
                    0
                },
                resolved_at: r.resolved_at,
                outcome: v.stage,
                lot: v.care.lot.as_ref().map(|l| l.number.clone()),
            })
        })
        .collect();
    rows.sort_by_key(|r| r.at);
    rows
}

/// One administration of a lot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LotRow {
    pub at: Option<DateTime<Utc>>,
    pub name: String,
    pub chart_no: Option<String>,
    pub treatment: String,
    pub dose_ml: Option<f32>,
    pub nurse: Option<String>,
    pub lot: String,
}

pub fn lot_rows(visits: &[Visit]) -> Vec<LotRow> {
    visits
        .iter()
        .filter_map(|v| {
            let lot = v.care.lot.as_ref()?;
            Some(LotRow {
                at: v.care.administration_started,
                name: v.name.clone(),
                chart_no: v.chart_no.clone(),
                treatment: v.treatment.clone(),
                dose_ml: v.care.plan.as_ref().map(|p| p.dose_ml),
                nurse: v.care.plan.as_ref().map(|p| p.nurse.clone()),
                lot: lot.number.clone(),
            })
        })
        .collect()
}

/// One event of the full record, flattened for an EMR or an auditor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportRow {
    pub seq: u64,
    pub visit: u64,
    pub chart_no: Option<String>,
    pub name: String,
    pub event: &'static str,
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub operator: Option<String>,
    /// The event's own fields, as JSON.
    pub details: String,
}

pub fn export_rows(visits: &[Visit]) -> Vec<ExportRow> {
    let mut rows: Vec<ExportRow> = visits
        .iter()
        .flat_map(|v| {
            v.events.iter().map(move |e| ExportRow {
                seq: e.seq,
                visit: v.id.0,
                chart_no: v.chart_no.clone(),
                name: v.name.clone(),
                event: e.kind.name(),
                at: e.at,
                recorded_at: e.recorded_at,
                operator: e.operator.clone(),
                details: serde_json::to_value(&e.kind)
                    .map(|mut j| {
                        if let Some(o) = j.as_object_mut() {
                            o.remove("event");
                        }
                        j.to_string()
                    })
                    .unwrap_or_default(),
            })
        })
        .collect();
    rows.sort_by_key(|r| r.seq);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{lot, routine_counselling, routine_discharge};
    use crate::domain::{Board, Command, Context, Entry, VisitId, apply, decide};
    use chrono::{Duration, TimeZone};

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Tokyo
            .with_ymd_and_hms(2026, 11, 21, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn run(board: &mut Board, config: &Config, now: DateTime<Utc>, command: Command) -> VisitId {
        let ctx = Context {
            now,
            at: None,
            operator: None,
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

    /// A small day, counted by hand:
    /// - A: drip on bed 1, waited 10, counselled 20, ready 5, drip 30,
    ///   observed 20 (15 + checklist), discharged;
    /// - B: face injection, waited 30, counselled 10, deferred (pregnant);
    /// - C: scalp injection, waited 20, counselled 10, ready 10, injection
    ///   15, vasovagal reaction, observed 35, discharged; overridden
    ///   cancer_recent;
    /// - D: expected at 11:00, never came.
    fn small_day() -> (Vec<Visit>, Config) {
        let config = Config::default();
        let mut b = Board::default();
        let arrive = |b: &mut Board, now, name: &str, treatment: &str| {
            run(
                b,
                &config,
                now,
                Command::Arrive {
                    name: name.into(),
                    treatment: treatment.into(),
                    chart_no: Some(format!("C-{name}")),
                    key: None,
                },
            )
        };
        let adv = |b: &mut Board, now, visit, to, bed: Option<&str>| {
            run(
                b,
                &config,
                now,
                Command::Advance {
                    visit,
                    to,
                    bed: bed.map(str::to_string),
                    lot: (to == Stage::Administration).then(|| lot("LOT-7", now)),
                },
            );
        };
        let rec = |b: &mut Board, now, visit, entry| {
            run(b, &config, now, Command::Record { visit, entry });
        };
        let a = arrive(&mut b, t(9, 0), "A", "drip");
        adv(&mut b, t(9, 10), a, Stage::Counselling, None);
        for e in routine_counselling(&config, "drip", &[]) {
            rec(&mut b, t(9, 20), a, e);
        }
        adv(&mut b, t(9, 30), a, Stage::Ready, None);
        adv(&mut b, t(9, 35), a, Stage::Administration, Some("1"));
        for m in [0, 15, 30] {
            let check = Entry::DripCheck {
                minute: m,
                skipped: None,
            };
            rec(&mut b, t(9, 35) + Duration::minutes(i64::from(m)), a, check);
        }
        adv(&mut b, t(10, 5), a, Stage::Observation, None);
        for (m, e) in routine_discharge(5) {
            rec(&mut b, t(10, 5) + Duration::minutes(m), a, e);
        }
        adv(&mut b, t(10, 25), a, Stage::Discharged, None);

        let bb = arrive(&mut b, t(9, 0), "B", "face");
        adv(&mut b, t(9, 30), bb, Stage::Counselling, None);
        run(
            &mut b,
            &config,
            t(9, 40),
            Command::Defer {
                visit: bb,
                reason: "pregnant".into(),
            },
        );

        let c = arrive(&mut b, t(9, 10), "C", "scalp");
        adv(&mut b, t(9, 30), c, Stage::Counselling, None);
        for e in routine_counselling(&config, "scalp", &["cancer_recent"]) {
            rec(&mut b, t(9, 35), c, e);
        }
        rec(
            &mut b,
            t(9, 36),
            c,
            Entry::Override {
                doctor: "Dr. Mori".into(),
                reason: "in remission".into(),
                items: vec!["cancer_recent".into()],
            },
        );
        adv(&mut b, t(9, 40), c, Stage::Ready, None);
        adv(&mut b, t(9, 50), c, Stage::Administration, None);
        adv(&mut b, t(10, 5), c, Stage::Observation, None);
        rec(
            &mut b,
            t(10, 6),
            c,
            Entry::Reaction {
                reaction: ReactionKind::Vasovagal,
                signs: "pale".into(),
                action: "lay flat".into(),
                stop_drip: false,
            },
        );
        rec(
            &mut b,
            t(10, 19),
            c,
            Entry::Vitals {
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
        );
        rec(&mut b, t(10, 20), c, Entry::SymptomFree);
        for (m, e) in routine_discharge(5) {
            rec(&mut b, t(10, 20) + Duration::minutes(m), c, e);
        }
        adv(&mut b, t(10, 40), c, Stage::Discharged, None);

        run(
            &mut b,
            &config,
            t(8, 0),
            Command::Expect {
                name: "D".into(),
                treatment: "face".into(),
                chart_no: None,
                expected_at: t(11, 0),
                key: None,
            },
        );
        (b.visits.values().cloned().collect(), config)
    }

    #[test]
    fn the_day_report_matches_a_hand_count() {
        let (visits, config) = small_day();
        let r = day(&visits, &config, t(9, 0).date_naive());
        let counts: Vec<(&str, usize, usize)> = r
            .treatments
            .iter()
            .map(|t| (t.treatment.as_str(), t.arrived, t.administered))
            .collect();
        assert_eq!(
            counts,
            vec![("drip", 1, 1), ("face", 1, 0), ("scalp", 1, 1)]
        );
        assert_eq!(
            r.deferred,
            vec![Deferred {
                name: "B".into(),
                chart_no: Some("C-B".into()),
                reason: "pregnant".into()
            }]
        );
        assert_eq!(r.no_shows, vec!["D".to_string()]);
        assert_eq!(r.reactions.get("vasovagal"), Some(&1));
        assert_eq!(r.overrides.len(), 1);
        let waiting = r
            .stage_minutes
            .iter()
            .find(|s| s.stage == Stage::Waiting)
            .unwrap();
        // Waited 10, 30 and 20 minutes.
        assert_eq!(
            (waiting.count, waiting.median_minutes, waiting.p90_minutes),
            (3, 20.0, 30.0)
        );
        let admin = r
            .stage_minutes
            .iter()
            .find(|s| s.stage == Stage::Administration)
            .unwrap();
        assert_eq!(
            (admin.count, admin.median_minutes),
            (2, 22.5),
            "30 and 15 minutes"
        );
        let bed1 = r.beds.iter().find(|b| b.bed == "1").unwrap();
        assert_eq!((bed1.patients, bed1.minutes), (1, 50), "9:35 to 10:25");
    }

    #[test]
    fn the_reaction_report_says_what_was_done_and_how_it_ended() {
        let (visits, _) = small_day();
        let rows = reactions(&visits);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].kind, ReactionKind::Vasovagal);
        assert_eq!(rows[0].action, "lay flat");
        assert_eq!(rows[0].resolved_at, Some(t(10, 20)));
        assert_eq!(rows[0].outcome, Stage::Discharged);
    }

    #[test]
    fn the_export_has_every_event_in_order_and_csv_can_carry_a_bom() {
        let (visits, _) = small_day();
        let rows = export_rows(&visits);
        let total: usize = visits.iter().map(|v| v.events.len()).sum();
        assert_eq!(rows.len(), total);
        assert!(rows.windows(2).all(|w| w[0].seq < w[1].seq));
        let csv = crate::csv_out::to_csv(&rows, true).unwrap();
        assert!(csv.starts_with(
            b"\xef\xbb\xbfseq,visit,chart_no,name,event,at,recorded_at,operator,details"
        ));
        let plain = crate::csv_out::to_csv(&rows, false).unwrap();
        assert!(plain.starts_with(b"seq,"));
    }
}
