//! Reports over the records: the day sheet's figures, the reactions, the
//! trace of a lot, the full export. Pure functions of visits (as the
//! server returns them) and the config; the command line prints them as a
//! table, CSV or JSON.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::domain::{EventKind, ReactionKind, Stage, Visit};

/// The figures of one clinic day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayReport {
    pub date: NaiveDate,
    /// Per treatment: visits that arrived, and those given the treatment.
    pub treatments: Vec<TreatmentCount>,
    pub deferred: Vec<Deferred>,
    /// Expected patients who did not come: their booking's time and the
    /// grace (`day_sheet.late_grace_minutes`) had passed when the report
    /// was made.
    pub no_shows: Vec<String>,
    /// Booked patients whose time (and grace) had not come yet.
    pub still_expected: Vec<String>,
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
    /// Minutes patients lay on the bed: from the start of administration
    /// until they left it (through observation); one still on it counts
    /// until the report was made.
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
/// that day), made at `now`. Time in a stage counts stages that ended.
pub fn day(visits: &[Visit], config: &Config, date: NaiveDate, now: DateTime<Utc>) -> DayReport {
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
        still_expected: Vec::new(),
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
    let grace = chrono::Duration::minutes(i64::from(config.day_sheet.late_grace_minutes));
    // A bed still taken counts until the report was made, at most until
    // the day's end.
    let day_end = date
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| t.and_local_timezone(config.timezone).earliest())
        .map_or(now, |t| t.with_timezone(&Utc));
    let until_now = now.min(day_end);
    for v in visits {
        if v.stage == Stage::Expected {
            // Not a no-show before the booking's time and its grace.
            match v.expected_at {
                Some(at) if at + grace > now => report.still_expected.push(v.name.clone()),
                _ => report.no_shows.push(v.name.clone()),
            }
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
        // patient leaves it (the bed is kept through observation): from
        // the stage log; someone still on it, until now.
        if let Some(bed) = bed_of(v)
            && let Some(start) = v
                .stage_log
                .iter()
                .position(|(s, _)| *s == Stage::Administration)
        {
            let since = v.stage_log[start].1;
            let until = v.stage_log[start..]
                .iter()
                .find(|(s, _)| !matches!(s, Stage::Administration | Stage::Observation))
                .map_or(until_now, |(_, t)| *t);
            let use_ = beds.entry(bed).or_default();
            use_.0 += 1;
            use_.1 += (until - since).num_minutes().max(0);
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

/// One reaction, with what was done and how it ended. The store keeps
/// these rows beside the visits (so the report over years reads only
/// them), and sends them as they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The lot given on that visit (rows stored before it was kept have
    /// none).
    #[serde(default)]
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
    /// The dose planned.
    pub dose_ml: Option<f32>,
    /// The dose given: the plan's, or what was given when the drip was
    /// stopped early (unknown when the volume was not recorded).
    pub given_ml: Option<f32>,
    /// Why it was stopped early, if it was.
    pub stopped_early: Option<String>,
    pub nurse: Option<String>,
    pub lot: String,
    /// The reactions of that visit: kind and local time each
    /// (`anaphylaxis 10:05, resolved 10:40`), in order.
    pub reactions: String,
}

pub fn lot_rows(visits: &[Visit], config: &Config) -> Vec<LotRow> {
    visits
        .iter()
        .filter_map(Administration::of)
        .map(|a| a.row(config))
        .collect()
}

/// One administration of a lot as the fold of its visit says it: a lot
/// trace's row before it is worded (times in UTC, reactions as facts).
/// What the branch's `trace-lot`, the group's derived row (stored as this
/// JSON in PostgreSQL by the shipper) and `group trace-lot` say of a visit
/// all come from [`Administration::of`], and are worded by
/// [`Administration::row`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Administration {
    /// When administration started.
    pub at: Option<DateTime<Utc>>,
    pub name: String,
    pub chart_no: Option<String>,
    pub treatment: String,
    /// The dose planned.
    pub dose_ml: Option<f32>,
    /// The dose given (see [`LotRow::given_ml`]).
    pub given_ml: Option<f32>,
    pub stopped_early: Option<String>,
    pub nurse: Option<String>,
    pub lot: String,
    #[serde(default)]
    pub reactions: Vec<ReactionMark>,
}

/// A reaction of an administered visit: kind, when, when resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReactionMark {
    pub kind: ReactionKind,
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub resolved_at: Option<DateTime<Utc>>,
}

impl Administration {
    /// The administration of a lot on visit `v` (none: no lot was given,
    /// or its start was undone).
    pub fn of(v: &Visit) -> Option<Administration> {
        let lot = v.care.lot.as_ref()?;
        let planned = v.care.plan.as_ref().map(|p| p.dose_ml);
        let early = v.care.early_stop.as_ref();
        Some(Administration {
            at: v.care.administration_started,
            name: v.name.clone(),
            chart_no: v.chart_no.clone(),
            treatment: v.treatment.clone(),
            dose_ml: planned,
            given_ml: match early {
                Some(stop) => stop.volume_ml,
                None => planned,
            },
            stopped_early: early.map(|e| e.reason.clone()),
            nurse: v.care.plan.as_ref().map(|p| p.nurse.clone()),
            lot: lot.number.clone(),
            reactions: v
                .care
                .reactions
                .iter()
                .map(|r| ReactionMark {
                    kind: r.kind,
                    at: r.at,
                    resolved_at: r.resolved_at,
                })
                .collect(),
        })
    }

    /// The lot trace's row: the reactions worded in the clinic's local
    /// time (`anaphylaxis 10:05, resolved 10:40`).
    pub fn row(&self, config: &Config) -> LotRow {
        let hm = |t: DateTime<Utc>| {
            t.with_timezone(&config.timezone)
                .format("%H:%M")
                .to_string()
        };
        let reactions: Vec<String> = self
            .reactions
            .iter()
            .map(|r| match r.resolved_at {
                Some(end) => format!("{} {}, resolved {}", r.kind.as_str(), hm(r.at), hm(end)),
                None => format!("{} {}", r.kind.as_str(), hm(r.at)),
            })
            .collect();
        LotRow {
            at: self.at,
            name: self.name.clone(),
            chart_no: self.chart_no.clone(),
            treatment: self.treatment.clone(),
            dose_ml: self.dose_ml,
            given_ml: self.given_ml,
            stopped_early: self.stopped_early.clone(),
            nurse: self.nurse.clone(),
            lot: self.lot.clone(),
            reactions: reactions.join("; "),
        }
    }
}

/// One event of the full record, flattened for an EMR or an auditor: a
/// column for each field a spreadsheet user filters on, the rest of the
/// event as JSON. Times are the clinic's local time with its offset, to
/// the second; decimals as they were entered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportRow {
    pub seq: u64,
    pub visit: u64,
    pub chart_no: Option<String>,
    pub name: String,
    pub event: &'static str,
    /// `2026-11-21T10:05:00+09:00`.
    pub at: String,
    pub recorded_at: String,
    pub operator: Option<String>,
    /// The entry of a `recorded` event (`vitals`, `reaction` …).
    pub entry: Option<&'static str>,
    pub treatment: Option<String>,
    pub bed: Option<String>,
    pub lot: Option<String>,
    pub lot_expiry: Option<String>,
    pub dose_ml: Option<String>,
    pub volume_ml: Option<String>,
    pub reaction: Option<&'static str>,
    pub doctor: Option<String>,
    pub reason: Option<String>,
    /// A checklist item, a drip check's minute, an acknowledged alert.
    pub item: Option<String>,
    /// The rest of the event's fields, as JSON.
    pub details: String,
}

/// A number as it was entered: the domain keeps f32, and its shortest
/// decimal form is what was typed (36.3, not 36.29999923706055).
pub fn decimal(n: f32) -> String {
    n.to_string()
}

/// The clinic's local time with its offset, to the second.
pub fn local_time(config: &Config, t: DateTime<Utc>) -> String {
    t.with_timezone(&config.timezone)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// A JSON value whose floats read as entered (every float in an event
/// is an f32) and whose instants are in the clinic's local time with its
/// offset, to the second, like the columns (an instant of an event is
/// written as RFC 3339 in UTC: `...Z`).
fn as_entered(value: serde_json::Value, config: &Config) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => n
            .as_f64()
            .and_then(|f| decimal(f as f32).parse::<serde_json::Number>().ok())
            .map_or(Value::Number(n), Value::Number),
        Value::String(s) if s.ends_with('Z') => match DateTime::parse_from_rfc3339(&s) {
            Ok(t) => Value::String(local_time(config, t.with_timezone(&Utc))),
            Err(_) => Value::String(s),
        },
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| as_entered(v, config)).collect())
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, as_entered(v, config)))
                .collect(),
        ),
        other => other,
    }
}

/// The columns an event fills, and its JSON without them.
fn columns(kind: &EventKind, row: &mut ExportRow) {
    use crate::domain::Entry;
    let date = |d: NaiveDate| d.to_string();
    match kind {
        EventKind::Arrived { treatment, .. } | EventKind::Expected { treatment, .. } => {
            row.treatment = Some(treatment.clone());
        }
        EventKind::AdministrationStarted { bed, lot } => {
            row.bed = bed.clone();
            row.lot = lot.as_ref().map(|l| l.number.clone());
            row.lot_expiry = lot.as_ref().and_then(|l| l.expiry).map(date);
        }
        EventKind::AdministrationEnded { early: Some(stop) } => {
            row.reason = Some(stop.reason.clone());
            row.volume_ml = stop.volume_ml.map(decimal);
            row.reaction = stop.reaction.map(ReactionKind::as_str);
        }
        EventKind::Deferred { reason }
        | EventKind::Cancelled { reason }
        | EventKind::Transferred { reason } => row.reason = Some(reason.clone()),
        EventKind::Reverted { reason, .. } => row.reason = reason.clone(),
        EventKind::Corrected {
            correction,
            reason,
            doctor,
            ..
        } => {
            row.reason = Some(reason.clone());
            row.doctor = doctor.clone();
            if let crate::domain::Correction::Lot { number } = correction {
                row.lot = Some(number.clone());
            }
        }
        EventKind::Recorded { entry } => {
            row.entry = Some(entry.name());
            match entry {
                Entry::Plan { plan } => {
                    row.treatment = Some(plan.treatment.clone());
                    row.dose_ml = Some(decimal(plan.dose_ml));
                }
                Entry::Override { doctor, reason, .. } => {
                    row.doctor = Some(doctor.clone());
                    row.reason = Some(reason.clone());
                }
                Entry::CautionsAcknowledged { doctor, .. } | Entry::DoctorPresent { doctor } => {
                    row.doctor = Some(doctor.clone())
                }
                Entry::Clearance { doctor, reason } => {
                    row.doctor = Some(doctor.clone());
                    row.reason = reason.clone();
                }
                Entry::Pause { reason, reaction } => {
                    row.reason = Some(reason.clone());
                    row.reaction = reaction.map(ReactionKind::as_str);
                }
                Entry::DripCheck { minute, skipped } => {
                    row.item = Some(minute.to_string());
                    row.reason = skipped.clone();
                }
                Entry::Reaction { reaction, .. } => row.reaction = Some(reaction.as_str()),
                Entry::Adrenaline {
                    dose_mg,
                    confirmed_by,
                } => {
                    row.item = Some(format!("{} mg", decimal(*dose_mg)));
                    row.doctor = confirmed_by.clone();
                }
                Entry::Checklist { item } | Entry::Untick { item } => {
                    row.item = Some(item.as_str().to_string());
                }
                Entry::Acknowledge { code } => row.item = Some(code.clone()),
                _ => {}
            }
        }
        _ => {}
    }
}

/// The rows of `visits`: visit by visit in the order given (the server's
/// is by arrival), each visit's events in the order they were recorded.
/// So an export can be written a page of visits at a time.
pub fn export_rows(visits: &[Visit], config: &Config) -> Vec<ExportRow> {
    visits
        .iter()
        .flat_map(|v| {
            v.events.iter().map(move |e| {
                let mut row = ExportRow {
                    seq: e.seq,
                    visit: v.id.0,
                    chart_no: v.chart_no.clone(),
                    name: v.name.clone(),
                    event: e.kind.name(),
                    at: local_time(config, e.at),
                    recorded_at: local_time(config, e.recorded_at),
                    operator: e.operator.clone(),
                    entry: None,
                    treatment: None,
                    bed: None,
                    lot: None,
                    lot_expiry: None,
                    dose_ml: None,
                    volume_ml: None,
                    reaction: None,
                    doctor: None,
                    reason: None,
                    item: None,
                    details: String::new(),
                };
                columns(&e.kind, &mut row);
                row.details = serde_json::to_value(&e.kind)
                    .map(|mut j| {
                        if let Some(o) = j.as_object_mut() {
                            o.remove("event");
                        }
                        as_entered(j, config).to_string()
                    })
                    .unwrap_or_default();
                row
            })
        })
        .collect()
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
    /// - D: expected at 11:00, never came;
    /// - E: drip on bed 2 from 10:00, stopped early at 10:20 (allergic:
    ///   7.5 mL given), still in observation on the bed.
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
                    do_not_display: false,
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

        let e = arrive(&mut b, t(9, 20), "E", "drip");
        adv(&mut b, t(9, 30), e, Stage::Counselling, None);
        for entry in routine_counselling(&config, "drip", &[]) {
            rec(&mut b, t(9, 40), e, entry);
        }
        adv(&mut b, t(9, 45), e, Stage::Ready, None);
        adv(&mut b, t(10, 0), e, Stage::Administration, Some("2"));
        rec(
            &mut b,
            t(10, 0),
            e,
            Entry::DripCheck {
                minute: 0,
                skipped: None,
            },
        );
        rec(
            &mut b,
            t(10, 15),
            e,
            Entry::DripCheck {
                minute: 15,
                skipped: None,
            },
        );
        run(
            &mut b,
            &config,
            t(10, 20),
            Command::StopEarly {
                visit: e,
                reason: "hives on the arm".into(),
                volume_ml: Some(7.5),
            },
        );
        rec(
            &mut b,
            t(10, 21),
            e,
            Entry::Reaction {
                reaction: ReactionKind::Allergic,
                signs: "hives".into(),
                action: "antihistamine".into(),
                stop_drip: false,
            },
        );
        rec(
            &mut b,
            t(10, 30),
            e,
            Entry::Vitals {
                vitals: crate::domain::Vitals {
                    systolic: 120,
                    diastolic: 76,
                    pulse: 80,
                    spo2: 98,
                    temperature: 36.3,
                    respiratory_rate: 16,
                    consciousness: crate::domain::clinical::Consciousness::Alert,
                },
            },
        );
        (b.visits.values().cloned().collect(), config)
    }

    #[test]
    fn the_day_report_matches_a_hand_count() {
        let (visits, config) = small_day();
        let date = t(9, 0).with_timezone(&config.timezone).date_naive();
        let r = day(&visits, &config, date, t(11, 20));
        let counts: Vec<(&str, usize, usize)> = r
            .treatments
            .iter()
            .map(|t| (t.treatment.as_str(), t.arrived, t.administered))
            .collect();
        assert_eq!(
            counts,
            vec![("drip", 2, 2), ("face", 1, 0), ("scalp", 1, 1)]
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
        // Waited 10, 30, 20 and 10 minutes.
        assert_eq!(
            (waiting.count, waiting.median_minutes, waiting.p90_minutes),
            (4, 15.0, 30.0)
        );
        let admin = r
            .stage_minutes
            .iter()
            .find(|s| s.stage == Stage::Administration)
            .unwrap();
        assert_eq!(
            (admin.count, admin.median_minutes),
            (3, 20.0),
            "30, 15 and 20 minutes"
        );
        let bed1 = r.beds.iter().find(|b| b.bed == "1").unwrap();
        assert_eq!((bed1.patients, bed1.minutes), (1, 50), "9:35 to 10:25");
    }

    #[test]
    fn a_booking_is_a_no_show_only_once_its_time_and_grace_have_passed() {
        // D is booked for 11:00; the grace is 15 minutes.
        let (visits, config) = small_day();
        let date = t(9, 0).with_timezone(&config.timezone).date_naive();
        let at_1041 = day(&visits, &config, date, t(10, 41));
        assert!(at_1041.no_shows.is_empty(), "{:?}", at_1041.no_shows);
        assert_eq!(at_1041.still_expected, vec!["D".to_string()]);
        let at_1114 = day(&visits, &config, date, t(11, 14));
        assert!(at_1114.no_shows.is_empty(), "within the grace");
        let at_1115 = day(&visits, &config, date, t(11, 15));
        assert_eq!(at_1115.no_shows, vec!["D".to_string()]);
        assert!(at_1115.still_expected.is_empty());
    }

    #[test]
    fn a_bed_still_taken_counts_its_minutes_from_the_stage_log() {
        // E lies on bed 2 since 10:00, in observation after the drip: at
        // 10:41 that is 41 minutes, not 0.
        let (visits, config) = small_day();
        let date = t(9, 0).with_timezone(&config.timezone).date_naive();
        let r = day(&visits, &config, date, t(10, 41));
        let bed2 = r.beds.iter().find(|b| b.bed == "2").unwrap();
        assert_eq!((bed2.patients, bed2.minutes), (1, 41));
        // A report of a past day counts no further than its end.
        let later = day(&visits, &config, date, t(10, 41) + Duration::days(3));
        let bed2 = later.beds.iter().find(|b| b.bed == "2").unwrap();
        let midnight = t(0, 0) + Duration::days(1);
        assert_eq!(bed2.minutes, (midnight - t(10, 0)).num_minutes());
    }

    #[test]
    fn a_lot_s_trace_has_the_dose_given_and_the_reactions_of_each_visit() {
        let (visits, config) = small_day();
        let rows = lot_rows(&visits, &config);
        let e = rows.iter().find(|r| r.name == "E").unwrap();
        assert_eq!(e.dose_ml, Some(10.0), "planned");
        assert_eq!(e.given_ml, Some(7.5), "given: stopped early");
        assert_eq!(e.stopped_early.as_deref(), Some("hives on the arm"));
        assert_eq!(e.reactions, "allergic 10:21");
        let a = rows.iter().find(|r| r.name == "A").unwrap();
        assert_eq!((a.given_ml, a.reactions.as_str()), (Some(10.0), ""));
        let c = rows.iter().find(|r| r.name == "C").unwrap();
        assert_eq!(c.reactions, "vasovagal 10:06, resolved 10:20");
    }

    /// The group keeps an administration as JSON (jsonb) and words it at
    /// head office: it must come back as the same row the branch prints.
    #[test]
    fn an_administration_kept_as_json_gives_the_branch_s_row() {
        let (visits, config) = small_day();
        let kept: Vec<Administration> = visits.iter().filter_map(Administration::of).collect();
        assert!(kept.len() >= 3, "{kept:?}");
        let json = serde_json::to_string(&kept).unwrap();
        let back: Vec<Administration> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, kept);
        let rows: Vec<LotRow> = back.iter().map(|a| a.row(&config)).collect();
        assert_eq!(rows, lot_rows(&visits, &config));
    }

    #[test]
    fn the_reaction_report_names_the_lot() {
        let (visits, _) = small_day();
        let rows = reactions(&visits);
        let e = rows.iter().find(|r| r.name == "E").unwrap();
        assert_eq!(e.lot.as_deref(), Some("LOT-7"));
    }

    #[test]
    fn the_export_speaks_local_time_and_decimals_as_entered_with_a_column_per_field() {
        let (visits, config) = small_day();
        let rows = export_rows(&visits, &config);
        let start = rows
            .iter()
            .find(|r| r.name == "E" && r.event == "administration_started")
            .unwrap();
        assert_eq!(
            start.at, "2026-11-21T10:00:00+09:00",
            "local, to the second"
        );
        assert_eq!(start.bed.as_deref(), Some("2"));
        assert_eq!(start.lot.as_deref(), Some("LOT-7"));
        let stop = rows
            .iter()
            .find(|r| r.name == "E" && r.event == "administration_ended")
            .unwrap();
        assert_eq!(stop.volume_ml.as_deref(), Some("7.5"));
        assert_eq!(stop.reason.as_deref(), Some("hives on the arm"));
        let vitals = rows
            .iter()
            .rfind(|r| r.name == "E" && r.entry == Some("vitals"))
            .unwrap();
        assert!(
            vitals.details.contains("\"temperature\":36.3"),
            "{}",
            vitals.details
        );
        assert!(!vitals.details.contains("36.29"), "{}", vitals.details);
        let plan = rows
            .iter()
            .find(|r| r.name == "E" && r.entry == Some("plan"))
            .unwrap();
        assert_eq!(plan.dose_ml.as_deref(), Some("10"));
        let reaction = rows
            .iter()
            .find(|r| r.name == "E" && r.entry == Some("reaction"))
            .unwrap();
        assert_eq!(reaction.reaction, Some("allergic"));
        // An instant inside the rest of the event (D's booking at 11:00)
        // is local too, to the second.
        let booked = rows
            .iter()
            .find(|r| r.name == "D" && r.event == "expected")
            .unwrap();
        assert!(
            booked.details.contains("\"2026-11-21T11:00:00+09:00\""),
            "{}",
            booked.details
        );
        assert!(
            rows.iter().all(|r| !r.details.contains("Z\"")),
            "no UTC instant left"
        );
        // In CSV, each in its own column.
        let csv = String::from_utf8(crate::csv_out::to_csv(&rows, false).unwrap()).unwrap();
        let header = csv.lines().next().unwrap();
        for column in ["lot", "dose_ml", "bed", "reason", "reaction", "doctor"] {
            assert!(header.split(',').any(|c| c == column), "{header}");
        }
    }

    #[test]
    fn the_reaction_report_says_what_was_done_and_how_it_ended() {
        let (visits, _) = small_day();
        let rows = reactions(&visits);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].kind, ReactionKind::Vasovagal);
        assert_eq!(rows[0].action, "lay flat");
        assert_eq!(rows[0].resolved_at, Some(t(10, 20)));
        assert_eq!(rows[0].outcome, Stage::Discharged);
        assert_eq!(rows[1].kind, ReactionKind::Allergic);
        assert_eq!(rows[1].outcome, Stage::Observation, "still here");
    }

    #[test]
    fn the_export_has_every_event_visit_by_visit_in_order_and_csv_can_carry_a_bom() {
        let (visits, _) = small_day();
        let rows = export_rows(&visits, &Config::default());
        let total: usize = visits.iter().map(|v| v.events.len()).sum();
        assert_eq!(rows.len(), total);
        // Visit by visit, as given; each visit's events in the order recorded.
        let order: Vec<u64> = rows.iter().map(|r| r.visit).collect();
        let mut grouped = order.clone();
        grouped.dedup();
        assert_eq!(grouped, visits.iter().map(|v| v.id.0).collect::<Vec<_>>());
        assert!(
            rows.windows(2)
                .all(|w| w[0].visit != w[1].visit || w[0].seq < w[1].seq)
        );
        let csv = crate::csv_out::to_csv(&rows, true).unwrap();
        assert!(csv.starts_with(
            b"\xef\xbb\xbfseq,visit,chart_no,name,event,at,recorded_at,operator,entry,"
        ));
        let plain = crate::csv_out::to_csv(&rows, false).unwrap();
        assert!(plain.starts_with(b"seq,"));
    }
}
