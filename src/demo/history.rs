//! Past clinic days for the demo, the benchmarks and the tests: realistic
//! records to try reports and a lot recall on. Pure: a day's commands are
//! a function of the seed, the day and the patients seen so far.
//!
//! What a day holds: 50 to 90 visits between 9:00 and 18:00 (closed on
//! Sundays), most booked on the day sheet and checked in, some walk-ins;
//! returning patients on their course (a session every 1 to 4 weeks) and
//! new ones; every route; screening answers (first session, the cautions
//! at their usual share, a past reaction answered yes at the next visit);
//! lots that change every few days; reactions at about their real
//! frequencies (injection site 2 % of injections, vasovagal 1 %, allergic
//! 0.2 %, anaphylaxis 0.02 % ending in a transfer); a few deferrals,
//! people who leave before counselling, and no-shows.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};

use super::{lot, plan, routine_discharge, vitals};
use crate::config::{Config, Level};
use crate::domain::clinical::Lot;
use crate::domain::{Command, Entry, ReactionKind, Route, Stage, VisitId};

/// One patient of the clinic, as the generator remembers them.
#[derive(Debug, Clone)]
struct Patient {
    chart_no: String,
    name: String,
    treatment: String,
    /// Sessions given in the current course.
    sessions: u32,
    /// The reactions they ever had (answered yes at later visits).
    reacted: Vec<ReactionKind>,
    /// Treated at least once (not their first session ever).
    treated: bool,
    allergy: bool,
    blood_thinner: bool,
    needle_fear: bool,
}

/// How often things happen, per 10,000 visits (reactions of the local
/// kind: per 10,000 injections).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    pub anaphylaxis: u32,
    pub allergic: u32,
    pub vasovagal: u32,
    pub local: u32,
    /// A contraindication found at counselling (fever, pregnancy).
    pub deferral: u32,
    /// Leaves before counselling.
    pub leaves: u32,
    /// Booked, never comes.
    pub no_show: u32,
}

impl Default for Rates {
    /// About the real frequencies (DOMAIN.md "Side effects", "Clinical
    /// guidance"): anaphylaxis is very rare, allergic rare.
    fn default() -> Self {
        Rates {
            anaphylaxis: 2,
            allergic: 20,
            vasovagal: 100,
            local: 200,
            deferral: 150,
            leaves: 80,
            no_show: 300,
        }
    }
}

/// The patients and lots across days: what makes day N follow day N-1.
#[derive(Debug, Clone)]
pub struct Clinic {
    rng: fastrand::Rng,
    rates: Rates,
    patients: Vec<Patient>,
    /// Day -> patients (by index) who come back that day.
    returns: BTreeMap<NaiveDate, Vec<usize>>,
    /// Per route: the lot in use, and the day it runs out.
    lots: BTreeMap<&'static str, (String, NaiveDate)>,
    lot_serial: u32,
}

/// A command at its time, for the visit it is about (`None`: a new
/// visit, whose id the board gives).
#[derive(Debug, Clone, PartialEq)]
pub struct Timed {
    pub at: DateTime<Utc>,
    /// The day's nth visit (0-based), in order of its first command.
    pub visit: usize,
    pub command: Command,
}

/// One clinic day: its commands in time order, and how many visits.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Day {
    pub commands: Vec<Timed>,
    pub visits: usize,
}

const FAMILY: [&str; 20] = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "清水",
];
const GIVEN: [&str; 20] = [
    "花子",
    "美咲",
    "結衣",
    "愛",
    "さくら",
    "直子",
    "恵",
    "優子",
    "健",
    "翔",
    "大輔",
    "誠",
    "陽子",
    "真由美",
    "智子",
    "裕子",
    "明美",
    "由美子",
    "京子",
    "久美子",
];
const LATIN: [&str; 10] = [
    "Emily Clark",
    "Lucas Martin",
    "Olivia Brown",
    "Liam Wilson",
    "Chloé Dubois",
    "Mei Chen",
    "Anna Schmidt",
    "Daniel Kim",
    "Sofia Rossi",
    "Noah Taylor",
];

impl Clinic {
    pub fn new(seed: u64) -> Clinic {
        Clinic::with_rates(seed, Rates::default())
    }

    pub fn with_rates(seed: u64, rates: Rates) -> Clinic {
        Clinic {
            rng: fastrand::Rng::with_seed(seed),
            rates,
            patients: Vec::new(),
            returns: BTreeMap::new(),
            lots: BTreeMap::new(),
            lot_serial: 0,
        }
    }

    fn new_patient(&mut self, config: &Config) -> usize {
        let n = self.patients.len();
        let name = if self.rng.u8(..10) == 0 {
            LATIN[self.rng.usize(..LATIN.len())].to_string()
        } else {
            format!(
                "{} {}",
                FAMILY[self.rng.usize(..FAMILY.len())],
                GIVEN[self.rng.usize(..GIVEN.len())]
            )
        };
        let treatment = match self.rng.u8(..100) {
            0..40 => "drip",
            40..75 => "face",
            _ => "scalp",
        };
        let treatment = config
            .treatment(treatment)
            .or_else(|| config.treatments.first())
            .map_or_else(|| treatment.to_string(), |t| t.id.clone());
        self.patients.push(Patient {
            // Apart from the demo morning's chart numbers (10077 …).
            chart_no: format!("{}", 30_000 + n),
            name,
            treatment,
            sessions: 0,
            reacted: Vec::new(),
            treated: false,
            allergy: self.rng.u8(..100) < 6,
            blood_thinner: self.rng.u8(..100) < 3,
            needle_fear: self.rng.u8(..100) < 8,
        });
        n
    }

    /// The lot in use for a route on `day`: a new one every 3 to 5 days.
    fn lot(&mut self, route: &'static str, day: NaiveDate, at: DateTime<Utc>) -> Lot {
        let fresh = match self.lots.get(route) {
            Some((_, until)) => *until < day,
            None => true,
        };
        if fresh {
            self.lot_serial += 1;
            let number = format!(
                "EX{}-{:02}{:02}-{:03}",
                if route == "drip" { "D" } else { "I" },
                day.year() % 100,
                day.month(),
                self.lot_serial % 1000
            );
            let until = day + Duration::days(2 + i64::from(self.rng.u8(..3)));
            self.lots.insert(route, (number, until));
        }
        let number = self
            .lots
            .get(route)
            .map(|(n, _)| n.clone())
            .unwrap_or_default();
        lot(&number, at)
    }

    /// The commands of one clinic day (`day` in the clinic's time zone).
    /// Sundays are closed.
    pub fn day(&mut self, config: &Config, day: NaiveDate) -> Day {
        if day.weekday() == Weekday::Sun {
            self.returns.remove(&day);
            return Day::default();
        }
        let local = |h: u32, m: u32| {
            config
                .timezone
                .from_local_datetime(&day.and_hms_opt(h, m, 0).unwrap_or_default())
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| day.and_hms_opt(h, m, 0).unwrap_or_default().and_utc())
        };
        let target = match day.weekday() {
            Weekday::Sat => 75 + self.rng.usize(..16),
            _ => 50 + self.rng.usize(..31),
        };
        let mut today: Vec<usize> = self.returns.remove(&day).unwrap_or_default();
        today.truncate(target);
        while today.len() < target {
            let p = self.new_patient(config);
            today.push(p);
        }
        self.rng.shuffle(&mut today);
        let opening = local(9, 0);
        let import = local(8, 0);
        let beds = config.beds.len().max(1);
        let mut bed_free: Vec<DateTime<Utc>> = vec![opening; beds];
        let mut out: Vec<Timed> = Vec::new();
        let slot = 540 / today.len().max(1) as i64;
        for (k, &p) in today.iter().enumerate() {
            let arrival =
                opening + Duration::minutes(slot * k as i64 + self.rng.i64(0..slot.max(1)));
            let mut steps = Steps {
                out: &mut out,
                visit: k,
            };
            self.visit(config, day, p, arrival, import, &mut bed_free, &mut steps);
        }
        // In time order; a visit's own steps keep their order (stable).
        out.sort_by_key(|t| t.at);
        Day {
            commands: out,
            visits: today.len(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn visit(
        &mut self,
        config: &Config,
        day: NaiveDate,
        p: usize,
        arrival: DateTime<Utc>,
        import: DateTime<Utc>,
        bed_free: &mut [DateTime<Utc>],
        steps: &mut Steps,
    ) {
        let patient = self.patients[p].clone();
        let visit = VisitId(0); // filled in by the runner
        let m = |t: DateTime<Utc>, n: i64| t + Duration::minutes(n);
        let record = |entry: Entry| Command::Record { visit, entry };
        let advance = |to: Stage, bed: Option<String>, lot: Option<Lot>| Command::Advance {
            visit,
            to,
            bed,
            lot,
        };
        // Most come booked from the day sheet; some of those never come.
        let booked = self.rng.u8(..100) < 70;
        if booked {
            steps.push(
                import,
                Command::Expect {
                    name: patient.name.clone(),
                    treatment: patient.treatment.clone(),
                    chart_no: Some(patient.chart_no.clone()),
                    expected_at: arrival,
                    key: Some(format!("{day}-{}", patient.chart_no)),
                },
            );
            if self.chance(self.rates.no_show) {
                return; // a no-show
            }
            let early = self.rng.i64(-10..10);
            steps.push(
                m(arrival, early.max(-59)),
                advance(Stage::Waiting, None, None),
            );
        } else {
            steps.push(
                arrival,
                Command::Arrive {
                    name: patient.name.clone(),
                    treatment: patient.treatment.clone(),
                    chart_no: Some(patient.chart_no.clone()),
                    key: None,
                    do_not_display: false,
                },
            );
        }
        let arrived = if booked { m(arrival, 10) } else { arrival };
        if self.chance(self.rates.leaves) {
            steps.push(
                m(arrived, 15 + self.rng.i64(0..20)),
                Command::Cancel {
                    visit,
                    reason: "left before counselling".into(),
                },
            );
            self.come_back(config, p, day, false);
            return;
        }
        let counselling = m(arrived, 3 + self.rng.i64(0..20));
        steps.push(counselling, advance(Stage::Counselling, None, None));
        let mut yes: Vec<&str> = Vec::new();
        if !patient.treated {
            yes.push("first_session");
        }
        if patient.allergy {
            yes.push("drug_allergy");
        }
        // An earlier reaction is answered yes where the screening asks
        // about it (the domain insists: DOMAIN.md "Screening").
        for q in &config.screening {
            if q.reactions.iter().any(|k| patient.reacted.contains(k)) {
                yes.push(q.id.as_str());
            }
        }
        yes.sort_unstable();
        yes.dedup();
        if patient.blood_thinner {
            yes.push("blood_thinner");
        }
        if patient.needle_fear {
            yes.push("vasovagal_risk");
        }
        // A contraindication today: no treatment (fever, pregnancy).
        let deferred = self.chance(self.rates.deferral);
        if deferred {
            yes.push(if self.rng.bool() {
                "infection"
            } else {
                "pregnant"
            });
        }
        yes.retain(|y| config.screening_item(y).is_some());
        let answers = config
            .screening
            .iter()
            .map(|q| (q.id.clone(), yes.contains(&q.id.as_str())))
            .collect();
        steps.push(m(counselling, 2), record(Entry::Screening { answers }));
        if deferred {
            steps.push(
                m(counselling, 6),
                Command::Defer {
                    visit,
                    reason: if yes.contains(&"infection") {
                        "fever 37.9: come back when well".into()
                    } else {
                        "may be pregnant".into()
                    },
                },
            );
            self.come_back(config, p, day, false);
            return;
        }
        let cautions: Vec<String> = yes
            .iter()
            .filter(|y| {
                config
                    .screening_item(y)
                    .is_some_and(|q| q.level == Level::Caution)
            })
            .map(|y| y.to_string())
            .collect();
        if !cautions.is_empty() {
            steps.push(
                m(counselling, 4),
                record(Entry::CautionsAcknowledged {
                    doctor: "Dr. Mori".into(),
                    items: cautions,
                }),
            );
        }
        steps.push(
            m(counselling, 5),
            record(Entry::Consent {
                items: config.consent.iter().map(|c| c.id.clone()).collect(),
            }),
        );
        // The plan (and its nurse) is pushed once the bed is known, below.
        let planned = m(counselling, 7);
        steps.push(
            m(counselling, 8),
            record(Entry::Vitals {
                vitals: vitals(108 + self.rng.u16(..25), 62 + self.rng.u16(..20)),
            }),
        );
        let ready = m(counselling, 10 + self.rng.i64(0..6));
        steps.push(ready, advance(Stage::Ready, None, None));
        let treatment = config.treatment(&patient.treatment);
        let route = treatment.map_or(Route::Injection, |t| t.route);
        let minutes = treatment.map_or(15, |t| i64::from(t.minutes));
        let mut start = m(ready, 2 + self.rng.i64(0..8));
        // A drip lies on a bed from the start until the patient leaves.
        let bed = (route == Route::Drip).then(|| {
            let (i, free) = bed_free
                .iter()
                .enumerate()
                .min_by_key(|(_, t)| **t)
                .map(|(i, t)| (i, *t))
                .unwrap_or((0, start));
            if free > start {
                start = m(free, 1);
            }
            i
        });
        // A drip's nurse watches the beds of their share (the config's
        // caseload limit kept: the beds cycle over enough nurses).
        let mut the_plan = plan(&patient.treatment);
        if let Some(i) = bed {
            the_plan.nurse = drip_nurse(config, i).into();
        }
        steps.push(planned, record(Entry::Plan { plan: the_plan }));
        let route_key = if route == Route::Drip {
            "drip"
        } else {
            "injection"
        };
        let lot = self.lot(route_key, day, start);
        steps.push(
            start,
            advance(
                Stage::Administration,
                bed.and_then(|i| config.beds.get(i).cloned()),
                Some(lot),
            ),
        );
        if route == Route::Drip {
            for minute in &config.administration.drip_check_minutes {
                let at = m(start, i64::from(*minute));
                if i64::from(*minute) <= minutes {
                    steps.push(
                        at,
                        record(Entry::DripCheck {
                            minute: *minute,
                            skipped: None,
                        }),
                    );
                }
            }
        }
        let observed = m(start, minutes + self.rng.i64(0..3));
        steps.push(observed, advance(Stage::Observation, None, None));
        let roll = self.rng.u32(..10_000);
        let r = self.rates;
        let reaction = if roll < r.anaphylaxis {
            Some(ReactionKind::Anaphylaxis)
        } else if roll < r.anaphylaxis + r.allergic {
            Some(ReactionKind::Allergic)
        } else if roll < r.anaphylaxis + r.allergic + r.vasovagal {
            Some(ReactionKind::Vasovagal)
        } else if route == Route::Injection && self.chance(r.local) {
            Some(ReactionKind::Local)
        } else {
            None
        };
        let leaves = match reaction {
            Some(ReactionKind::Anaphylaxis) => {
                steps.push(
                    m(observed, 3),
                    record(Entry::Reaction {
                        reaction: ReactionKind::Anaphylaxis,
                        signs: "wheeze, BP 84/52, hives".into(),
                        action: "lying flat, oxygen, adrenaline IM".into(),
                        stop_drip: false,
                    }),
                );
                steps.push(
                    m(observed, 4),
                    record(Entry::Adrenaline {
                        dose_mg: 0.5,
                        confirmed_by: None,
                    }),
                );
                steps.push(m(observed, 5), record(Entry::AmbulanceCalled));
                let gone = m(observed, 25);
                steps.push(
                    gone,
                    Command::Transfer {
                        visit,
                        reason: "ambulance to the university hospital".into(),
                    },
                );
                gone
            }
            Some(kind) => {
                let (signs, action) = match kind {
                    ReactionKind::Allergic => {
                        ("hives on the forearm", "antihistamine, doctor called")
                    }
                    ReactionKind::Vasovagal => ("pale, sweating, dizzy", "lay flat, legs raised"),
                    _ => ("redness and swelling at a site", "cold compress"),
                };
                steps.push(
                    m(observed, 3),
                    record(Entry::Reaction {
                        reaction: kind,
                        signs: signs.into(),
                        action: action.into(),
                        stop_drip: false,
                    }),
                );
                let mut after = 0;
                if kind == ReactionKind::Allergic {
                    steps.push(
                        m(observed, 5),
                        record(Entry::DoctorPresent {
                            doctor: "Dr. Mori".into(),
                        }),
                    );
                }
                if kind != ReactionKind::Local {
                    steps.push(
                        m(observed, 6),
                        record(Entry::Vitals {
                            vitals: vitals(96, 58),
                        }),
                    );
                    steps.push(m(observed, 18), record(Entry::SymptomFree));
                    after = 18;
                }
                self.discharge(config, visit, observed, after, Some(kind), steps)
            }
            None => self.discharge(config, visit, observed, 0, None, steps),
        };
        if let Some(i) = bed {
            bed_free[i] = leaves;
            // The bed is cleaned before the next patient lies down.
            if config.bed_cleaning.enabled
                && let Some(name) = config.beds.get(i)
            {
                let ready = m(leaves, 4 + self.rng.i64(0..5));
                steps.push(ready, Command::BedReady { bed: name.clone() });
                bed_free[i] = ready;
            }
        }
        if let Some(kind) = reaction
            && !self.patients[p].reacted.contains(&kind)
        {
            self.patients[p].reacted.push(kind);
        }
        self.patients[p].sessions += 1;
        self.patients[p].treated = true;
        self.come_back(config, p, day, reaction == Some(ReactionKind::Anaphylaxis));
    }

    /// The discharge checklist and the discharge, after the observation
    /// (and `after` minutes into it, a reaction resolved); returns when
    /// the patient leaves. The times follow the config's observation
    /// rules, so the discharge is never refused.
    fn discharge(
        &mut self,
        config: &Config,
        visit: VisitId,
        observed: DateTime<Utc>,
        after: i64,
        kind: Option<ReactionKind>,
        steps: &mut Steps,
    ) -> DateTime<Utc> {
        let m = |t: DateTime<Utc>, n: i64| t + Duration::minutes(n);
        let d = &config.discharge;
        let pressure = d.hemostasis_minutes.max(d.hemostasis_minutes_blood_thinner);
        let mut last = 0;
        for (k, entry) in routine_discharge(pressure) {
            let at = after + k;
            last = last.max(at);
            steps.push(m(observed, at), Command::Record { visit, entry });
        }
        let o = &config.observation;
        let r = &config.reactions;
        let mut minutes = i64::from(o.minutes.max(o.extended_minutes)).max(last) + 1;
        match kind {
            Some(ReactionKind::Allergic) => {
                // Counted from the reaction (3 minutes in).
                minutes = minutes.max(3 + i64::from(r.allergic_observation_minutes) + 1);
                steps.push(
                    m(observed, minutes),
                    Command::Record {
                        visit,
                        entry: Entry::Clearance {
                            doctor: "Dr. Mori".into(),
                            reason: None,
                        },
                    },
                );
                minutes += 1;
            }
            Some(ReactionKind::Vasovagal) => {
                minutes =
                    minutes.max(after + i64::from(r.vasovagal_after_symptom_free_minutes) + 1);
            }
            _ => {}
        }
        let leave = m(observed, minutes + self.rng.i64(0..8));
        steps.push(
            leave,
            Command::Advance {
                visit,
                to: Stage::Discharged,
                bed: None,
                lot: None,
            },
        );
        leave
    }

    /// True `per_10000` times in 10,000.
    fn chance(&mut self, per_10000: u32) -> bool {
        self.rng.u32(..10_000) < per_10000
    }

    /// Books the patient's next visit on their course, if there is one.
    fn come_back(&mut self, config: &Config, p: usize, day: NaiveDate, never: bool) {
        let patient = &mut self.patients[p];
        let Some(t) = config.treatment(&patient.treatment) else {
            return;
        };
        if never {
            return;
        }
        if patient.sessions >= t.course.sessions {
            // A course done: a third start another one after a break.
            if self.rng.u8(..3) != 0 {
                return;
            }
            patient.sessions = 0;
        }
        let (lo, hi) = (
            t.course.interval_days_min,
            t.course.interval_days_max.max(t.course.interval_days_min),
        );
        let days = i64::from(lo + self.rng.u32(..=(hi - lo)));
        let next = day + Duration::days(days.max(1));
        self.returns.entry(next).or_default().push(p);
    }
}

/// Collects a visit's commands.
struct Steps<'a> {
    out: &'a mut Vec<Timed>,
    visit: usize,
}

impl Steps<'_> {
    fn push(&mut self, at: DateTime<Utc>, command: Command) {
        self.out.push(Timed {
            at,
            visit: self.visit,
            command,
        });
    }
}

/// The nurse of the drips on bed `i`: beds cycle over as many nurses as
/// keep each within `caseload.max_drips_per_nurse`.
fn drip_nurse(config: &Config, i: usize) -> &'static str {
    const NURSES: [&str; 6] = ["KS", "MT", "YA", "NH", "TI", "RS"];
    let limit = (config.caseload.max_drips_per_nurse as usize).max(1);
    let needed = config.beds.len().div_ceil(limit).clamp(2, NURSES.len());
    NURSES[i % needed]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn reactions(day: &Day) -> Vec<ReactionKind> {
        day.commands
            .iter()
            .filter_map(|t| match &t.command {
                Command::Record {
                    entry: Entry::Reaction { reaction, .. },
                    ..
                } => Some(*reaction),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn two_years_of_generated_days_look_like_a_clinic() {
        let config = Config::default();
        let mut clinic = Clinic::new(7);
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let (mut visits, mut open_days) = (0, 0);
        let mut kinds: BTreeMap<ReactionKind, usize> = BTreeMap::new();
        let mut treatments = BTreeSet::new();
        let mut lots = BTreeSet::new();
        let (mut deferred, mut transferred, mut booked, mut checked_in) = (0, 0, 0, 0);
        for d in 0..730 {
            let day = start + Duration::days(d);
            let plan = clinic.day(&config, day);
            if day.weekday() == Weekday::Sun {
                assert!(plan.commands.is_empty(), "closed on Sundays");
                continue;
            }
            open_days += 1;
            assert!((50..=90).contains(&plan.visits), "{day}: {}", plan.visits);
            assert!(
                plan.commands.windows(2).all(|w| w[0].at <= w[1].at),
                "in time order"
            );
            visits += plan.visits;
            for k in reactions(&plan) {
                *kinds.entry(k).or_default() += 1;
            }
            for t in &plan.commands {
                match &t.command {
                    Command::Arrive { treatment, .. } | Command::Expect { treatment, .. } => {
                        treatments.insert(treatment.clone());
                    }
                    Command::Advance { lot: Some(lot), .. } => {
                        lots.insert(lot.number.clone());
                    }
                    Command::Defer { .. } => deferred += 1,
                    Command::Transfer { .. } => transferred += 1,
                    _ => {}
                }
                match &t.command {
                    Command::Expect { .. } => booked += 1,
                    Command::Advance {
                        to: Stage::Waiting, ..
                    } => checked_in += 1,
                    _ => {}
                }
            }
        }
        assert!(open_days > 600);
        let per_10k = |n: usize| n * 10_000 / visits;
        // DOMAIN.md "Side effects": injection-site reactions common,
        // vasovagal uncommon, allergic rare, anaphylaxis very rare.
        let count = |k| kinds.get(&k).copied().unwrap_or(0);
        assert!(
            (50..=200).contains(&per_10k(count(ReactionKind::Local))),
            "{kinds:?}"
        );
        assert!(
            (60..=140).contains(&per_10k(count(ReactionKind::Vasovagal))),
            "{kinds:?}"
        );
        assert!(
            (8..=35).contains(&per_10k(count(ReactionKind::Allergic))),
            "{kinds:?}"
        );
        assert!(count(ReactionKind::Anaphylaxis) >= 1, "{kinds:?}");
        assert!(per_10k(count(ReactionKind::Anaphylaxis)) <= 6, "{kinds:?}");
        assert_eq!(transferred, count(ReactionKind::Anaphylaxis));
        assert_eq!(
            treatments,
            ["drip", "face", "scalp"].map(String::from).into()
        );
        // A new lot every 3 to 5 days, for each of the two routes.
        let expected = 2 * 730 / 4;
        assert!(
            (expected / 2..expected * 2).contains(&lots.len()),
            "{} lots",
            lots.len()
        );
        assert!(
            (50..=300).contains(&per_10k(deferred)),
            "{deferred} deferrals"
        );
        let no_shows = booked - checked_in;
        assert!(no_shows > 0 && no_shows * 100 / booked < 10, "{no_shows}");
    }

    #[test]
    fn a_returning_patient_who_reacted_says_so_at_the_next_screening() {
        // DOMAIN.md "Screening": a past fainting with needles is a caution
        // item; the generated patient answers it from their own history.
        let config = Config::default();
        let mut clinic = Clinic::with_rates(
            3,
            Rates {
                vasovagal: 10_000,
                anaphylaxis: 0,
                allergic: 0,
                ..Rates::default()
            },
        );
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let mut seen = BTreeSet::new();
        let mut answered_yes = 0;
        for d in 0..60 {
            let plan = clinic.day(&config, start + Duration::days(d));
            let mut chart_of: BTreeMap<usize, String> = BTreeMap::new();
            for t in &plan.commands {
                match &t.command {
                    Command::Arrive { chart_no, .. } | Command::Expect { chart_no, .. } => {
                        chart_of.insert(t.visit, chart_no.clone().unwrap_or_default());
                    }
                    Command::Record {
                        entry: Entry::Screening { answers },
                        ..
                    } => {
                        let chart = &chart_of[&t.visit];
                        let said = answers.get("vasovagal_history").copied().unwrap_or(false);
                        if seen.contains(chart) {
                            assert!(said, "{chart} fainted before and must say so");
                            answered_yes += 1;
                        }
                    }
                    Command::Record {
                        entry: Entry::Reaction { .. },
                        ..
                    } => {
                        seen.insert(chart_of[&t.visit].clone());
                    }
                    _ => {}
                }
            }
        }
        assert!(answered_yes > 10, "{answered_yes}");
    }
}
