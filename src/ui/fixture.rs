//! A clinic day for the UI tests, built through the domain's own
//! `decide`/`apply` (so the board is one the server could hold), at fixed
//! times on 2026-11-21 in Tokyo.

use chrono::{DateTime, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Action, App, Msg, update, view};
use crate::client::ClientEvent;
use crate::config::Config;
use crate::domain::{
    Board, Command, Context, EventRecord, Rejection, Stage, VisitId, apply, decide,
};
use crate::i18n::Lang;
use crate::protocol::{ErrorBody, Reply, Request, Role, Welcome};

/// What [`Day::answer`] did: the requests the screen sent meanwhile, and
/// the refusals it answered.
#[derive(Debug, Default)]
pub struct Answered {
    pub sent: Vec<Request>,
    pub refused: Vec<Rejection>,
}

/// `h:m` on the test day, Tokyo time.
pub fn tokyo(h: u32, m: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Tokyo
        .with_ymd_and_hms(2026, 11, 21, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// The moment every screen is drawn at: 10:00.
pub fn ten() -> DateTime<Utc> {
    tokyo(10, 0)
}

pub struct Day {
    pub board: Board,
    pub config: Config,
}

impl Day {
    pub fn new() -> Day {
        Day {
            board: Board::default(),
            config: Config {
                clinic_name: "Aoyama Exosome Clinic".into(),
                ..Config::default()
            },
        }
    }

    /// Decides `request` as the server would (its time, operator and
    /// confirmation) against the board at `now`, and applies what it
    /// accepts.
    pub fn decide_request(
        &mut self,
        request: &Request,
        now: DateTime<Utc>,
    ) -> Result<Vec<EventRecord>, Rejection> {
        let ctx = Context {
            now,
            at: request.at,
            operator: request.operator.clone(),
            confirmed: request.confirm,
        };
        let events = decide(&self.board, &self.config, &request.command, &ctx)?;
        for e in events.clone() {
            apply(&mut self.board, e);
        }
        Ok(events)
    }

    /// Plays the server for a screen: answers `requests` in order; after
    /// each accepted one the screen gets the new board, then the reply
    /// (and sends what keys waiting for it now send).
    pub fn answer(
        &mut self,
        app: &mut App,
        requests: Vec<Request>,
        now: DateTime<Utc>,
    ) -> Answered {
        let mut answered = Answered::default();
        for r in requests {
            let reply = match self.decide_request(&r, now) {
                Ok(events) => {
                    update(
                        app,
                        Msg::Client(ClientEvent::Board(Box::new(self.board.clone()))),
                        now,
                    );
                    Reply {
                        id: r.id,
                        ok: true,
                        visit: events.first().map(|e| e.visit),
                        events: events.iter().map(|e| e.seq).collect(),
                        error: None,
                        data: None,
                    }
                }
                Err(rejection) => {
                    let reply = Reply::failed(r.id, ErrorBody::rejected(&rejection));
                    answered.refused.push(rejection);
                    reply
                }
            };
            answered
                .sent
                .extend(update(app, Msg::Client(ClientEvent::Reply(reply)), now).send);
        }
        answered
    }

    /// Runs a command as the server would; the story expects it accepted.
    pub fn run(
        &mut self,
        now: DateTime<Utc>,
        at: Option<DateTime<Utc>>,
        operator: Option<&str>,
        command: Command,
    ) -> VisitId {
        let ctx = Context {
            now,
            at,
            operator: operator.map(str::to_string),
            confirmed: false,
        };
        let events = decide(&self.board, &self.config, &command, &ctx)
            .unwrap_or_else(|e| panic!("{command:?} refused: {e}"));
        let id = events[0].visit;
        for e in events {
            apply(&mut self.board, e);
        }
        id
    }

    pub fn arrive(&mut self, (h, m): (u32, u32), name: &str, treatment: &str) -> VisitId {
        self.run(
            tokyo(h, m),
            None,
            None,
            Command::Arrive {
                name: name.into(),
                treatment: treatment.into(),
                chart_no: None,
                key: None,
                do_not_display: false,
            },
        )
    }

    /// Moves a visit to its next stage at h:m, doing first what the move
    /// needs when all is in order (a routine counselling, a lot, the
    /// discharge checklist).
    pub fn advance(&mut self, (h, m): (u32, u32), visit: VisitId, bed: Option<&str>) {
        let now = tokyo(h, m);
        let v = self.board.visit(visit).expect("a visit").clone();
        let to = v.stage.next().expect("a next stage");
        match to {
            Stage::Ready => {
                for entry in crate::demo::routine_counselling(&self.config, &v.treatment, &[]) {
                    self.run(now, None, None, Command::Record { visit, entry });
                }
            }
            Stage::Observation => {
                for (at, entry) in crate::demo::routine_drip_checks(&self.config, &v, now) {
                    self.run(now, Some(at), None, Command::Record { visit, entry });
                }
            }
            Stage::Discharged => {
                for (m, entry) in crate::demo::routine_discharge(5) {
                    let at = (v.stage_since + chrono::Duration::minutes(m)).min(now);
                    self.run(now, Some(at), None, Command::Record { visit, entry });
                }
            }
            _ => {}
        }
        self.run(
            now,
            None,
            None,
            Command::Advance {
                visit,
                to,
                bed: bed.map(str::to_string),
                lot: (to == Stage::Administration).then(|| crate::demo::lot("EX-2611", now)),
            },
        );
    }

    /// Moves a visit on through the flow, one stage at each time given.
    pub fn flow(&mut self, visit: VisitId, times: &[(u32, u32)], bed: Option<&str>) {
        for t in times {
            self.advance(*t, visit, bed);
        }
    }

    /// The screen of a terminal connected to this clinic.
    pub fn app(&self, lang: Lang) -> App {
        let mut app = App::new(self.config.clone(), Some("Nurse Sato".into())).with_lang(lang);
        connect(&mut app, &self.board, ten());
        app
    }
}

/// The server's welcome reaches the screen.
pub fn connect(app: &mut App, board: &Board, now: DateTime<Utc>) {
    let welcome = Welcome {
        protocol: crate::protocol::PROTOCOL_VERSION,
        server_version: "test".into(),
        role: Role::Operator,
        config: app.config.clone(),
        board: board.clone(),
    };
    update(
        app,
        Msg::Client(ClientEvent::Connected(Box::new(welcome))),
        now,
    );
}

/// The names of the day's thirteen patients, in the order of the story.
pub const ENGLISH: [&str; 13] = [
    "Yamamoto Sora",
    "Takahashi Jun",
    "Kobayashi Ren",
    "Suzuki Aoi",
    "Hayashi Mio",
    "Kato Riku",
    "Inoue Kai",
    "Alexandra Montgomery-Smith",
    "Kimura Rin",
    "Watanabe Sho",
    "Yoshida Nao",
    "Nakamura Emi",
    "Tanaka Yui",
];

pub const JAPANESE: [&str; 13] = [
    "山本 空",
    "佐藤 健",
    "小林 蓮",
    "山田 花子",
    "林 美緒",
    "加藤 陸",
    "井上 海",
    "長谷川 さくらこ",
    "木村 凛",
    "渡辺 翔",
    "吉田 直子",
    "中村 恵美",
    "田中 ゆい",
];

/// A morning with someone in every stage and every kind of alert at 10:00:
/// a drip due (4), a drip critically overdue (2), an observation complete
/// (6), a patient who waited too long (3, critical) and one kept ready
/// too long (10, warning, after an undone "ready" and a late entry).
/// Returns the day and the id of patient 10 (the one with a history).
pub fn busy_morning(names: [&str; 13]) -> (Day, VisitId) {
    let mut day = Day::new();
    let [
        sora,
        jun,
        ren,
        aoi,
        mio,
        riku,
        kai,
        mai,
        rin,
        sho,
        nao,
        emi,
        yui,
    ] = names;
    let sora = day.arrive((8, 45), sora, "face");
    let jun = day.arrive((8, 50), jun, "drip");
    let aoi = day.arrive((8, 55), aoi, "drip");
    let mio = day.arrive((9, 0), mio, "drip");
    let riku = day.arrive((9, 0), riku, "face");
    day.flow(sora, &[(8, 50), (9, 0), (9, 5), (9, 20), (9, 35)], None);
    day.flow(jun, &[(8, 55), (9, 10), (9, 15)], Some("2"));
    day.flow(aoi, &[(9, 0), (9, 20), (9, 25)], Some("1"));
    day.flow(mio, &[(9, 5), (9, 15), (9, 20)], Some("4"));
    day.flow(riku, &[(9, 5), (9, 15), (9, 25), (9, 40)], Some("3"));
    let kai = day.arrive((9, 10), kai, "drip");
    let ren = day.arrive((9, 15), ren, "scalp");
    let _ = ren;
    day.advance((9, 15), kai, None);
    let mai = day.arrive((9, 20), mai, "drip");
    let rin = day.arrive((9, 25), rin, "scalp");
    let sho = day.arrive((9, 25), sho, "drip");
    day.run(
        tokyo(9, 25),
        None,
        None,
        Command::Defer {
            visit: kai,
            reason: "fever 38.2C at screening".into(),
        },
    );
    day.run(
        tokyo(9, 30),
        None,
        None,
        Command::Transfer {
            visit: mio,
            reason: "suspected anaphylaxis, ambulance called".into(),
        },
    );
    day.advance((9, 30), mai, None);
    // Counselling began at 9:30 but was entered at 9:36, by Nurse Sato.
    day.run(
        tokyo(9, 36),
        Some(tokyo(9, 30)),
        Some("Nurse Sato"),
        Command::Advance {
            visit: sho,
            to: Stage::Counselling,
            bed: None,
            lot: None,
        },
    );
    let nao = day.arrive((9, 30), nao, "scalp");
    day.flow(nao, &[(9, 35), (9, 40), (9, 45), (9, 50)], None);
    let emi = day.arrive((9, 35), emi, "face");
    // Marked ready by mistake, undone, then ready for real.
    day.advance((9, 38), sho, None);
    day.run(
        tokyo(9, 39),
        None,
        Some("Nurse Sato"),
        Command::Undo {
            visit: sho,
            reason: Some("marked ready by mistake".into()),
        },
    );
    day.advance((9, 40), sho, None);
    day.run(
        tokyo(9, 40),
        None,
        None,
        Command::Cancel {
            visit: rin,
            reason: "left: family emergency".into(),
        },
    );
    day.flow(emi, &[(9, 40), (9, 50), (9, 52)], None);
    day.arrive((9, 50), yui, "drip");
    (day, sho)
}

/// The busy morning of the busy hour: the same 10:00, with two patients
/// who asked not to be shown on the wall (Suzuki Aoi on her drip on bed
/// 1, Tanaka Yui waiting for one), a staff list naming the nurse of every
/// plan, and a caseload limit of one drip (the clinic's config is changed
/// after the starts, as a manager would: Kato Sachiko, with two drips, is
/// over it). No bed is free: bed 4 is being cleaned since 9:30.
pub fn busy_hour(names: [&str; 13]) -> Day {
    use crate::config::{StaffMember, StaffRole};
    let (mut day, _) = busy_morning(names);
    let hide = |day: &mut Day, name: &str, (h, m): (u32, u32)| {
        let visit = day
            .board
            .visits
            .values()
            .find(|v| v.name == name)
            .map(|v| v.id)
            .expect("a patient of the morning");
        day.run(
            tokyo(h, m),
            None,
            None,
            Command::Record {
                visit,
                entry: crate::domain::Entry::DoNotDisplay { on: true },
            },
        );
    };
    hide(&mut day, names[3], (9, 26));
    hide(&mut day, names[12], (9, 51));
    day.config.staff = vec![StaffMember {
        initials: "KS".into(),
        name: "Kato Sachiko".into(),
        role: StaffRole::Nurse,
        unix_user: None,
    }];
    day.config.caseload.max_drips_per_nurse = 1;
    day
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Presses one key at `now`.
pub fn press(app: &mut App, code: KeyCode) -> Action {
    update(app, key(code), ten())
}

/// Presses Control and a letter at 10:00 (Ctrl-U clears a field).
pub fn press_ctrl(app: &mut App, c: char) -> Action {
    update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        ten(),
    )
}

/// Types text one character at a time, as a terminal (or an IME
/// committing Japanese text) delivers it.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        let action = press(app, KeyCode::Char(c));
        assert_eq!(action, Action::default(), "typing {c:?} did something");
    }
}

/// Draws the screen at 10:00 on a test terminal.
pub fn draw(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view(f, app, ten())).unwrap();
    terminal
}

/// The patients of the clinical morning.
pub struct Clinic {
    /// Returning (chart 10077): reacted (allergic) on 2026-10-01, in
    /// counselling since 9:35.
    pub returning: VisitId,
    /// A drip patient ready since 9:20 (vitals taken).
    pub ready: VisitId,
    /// On a drip on bed 2 since 9:40 (weight 54 kg): the 15-minute check
    /// is due at 10:00.
    pub dripping: VisitId,
    /// Needle out at 9:40 (observation done at 9:55); hemostasis
    /// confirmed, end vitals, feels well and aftercare ticked; three items
    /// left.
    pub observed: VisitId,
}

fn record(day: &mut Day, (h, m): (u32, u32), visit: VisitId, entry: crate::domain::Entry) {
    day.run(
        tokyo(h, m),
        None,
        Some("Nurse Sato"),
        Command::Record { visit, entry },
    );
}

/// A morning for the clinical screens, every patient brought there
/// through the domain: a returning patient who reacted last time, one
/// ready, one on a drip, one nearly discharged.
pub fn clinic_morning(names: [&str; 4]) -> (Day, Clinic) {
    use crate::domain::{Check, Entry, ReactionKind};
    let mut day = Day::new();
    // 2026-10-01: the returning patient's first visit, an allergic
    // reaction on the drip.
    let tz = chrono_tz::Asia::Tokyo;
    let oct = |h, m| {
        tz.with_ymd_and_hms(2026, 10, 1, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    };
    let first = day.run(
        oct(9, 0),
        None,
        None,
        Command::Arrive {
            name: names[0].into(),
            treatment: "drip".into(),
            chart_no: Some("10077".into()),
            key: None,
            do_not_display: false,
        },
    );
    let steps: [(u32, u32); 3] = [(9, 5), (9, 15), (9, 20)];
    for (h, m) in steps {
        let now = oct(h, m);
        let v = day.board.visit(first).unwrap().clone();
        let to = v.stage.next().unwrap();
        if to == Stage::Ready {
            for entry in crate::demo::routine_counselling(&day.config, "drip", &["drug_allergy"]) {
                day.run(
                    now,
                    None,
                    None,
                    Command::Record {
                        visit: first,
                        entry,
                    },
                );
            }
        }
        day.run(
            now,
            None,
            None,
            Command::Advance {
                visit: first,
                to,
                bed: Some("1".into()),
                lot: (to == Stage::Administration).then(|| crate::demo::lot("EX-2610", now)),
            },
        );
    }
    day.run(
        oct(9, 30),
        None,
        None,
        Command::Record {
            visit: first,
            entry: Entry::Reaction {
                reaction: ReactionKind::Allergic,
                signs: "hives on both arms".into(),
                action: "drip paused, doctor called".into(),
                stop_drip: false,
            },
        },
    );
    // The doctor came, the drip was not resumed; symptom-free, observed
    // an hour, cleared, home.
    let rec = |day: &mut Day, (h, m): (u32, u32), entry: Entry| {
        day.run(
            oct(h, m),
            None,
            None,
            Command::Record {
                visit: first,
                entry,
            },
        );
    };
    rec(
        &mut day,
        (9, 32),
        Entry::DoctorPresent {
            doctor: "Dr. Mori".into(),
        },
    );
    day.run(
        oct(9, 33),
        None,
        None,
        Command::StopEarly {
            visit: first,
            reason: "allergic reaction: drip not resumed".into(),
            volume_ml: None,
        },
    );
    rec(
        &mut day,
        (9, 50),
        Entry::Vitals {
            vitals: crate::domain::Vitals {
                systolic: 118,
                diastolic: 74,
                pulse: 76,
                spo2: 98,
                temperature: 36.5,
                respiratory_rate: 14,
                consciousness: crate::domain::clinical::Consciousness::Alert,
            },
        },
    );
    rec(&mut day, (9, 51), Entry::SymptomFree);
    rec(
        &mut day,
        (9, 52),
        Entry::Vitals {
            vitals: crate::domain::Vitals {
                systolic: 116,
                diastolic: 72,
                pulse: 74,
                spo2: 98,
                temperature: 36.5,
                respiratory_rate: 14,
                consciousness: crate::domain::clinical::Consciousness::Alert,
            },
        },
    );
    for (m, entry) in crate::demo::routine_discharge(5) {
        rec(&mut day, (9, 52 + m as u32), entry);
    }
    rec(
        &mut day,
        (10, 30),
        Entry::Clearance {
            doctor: "Dr. Mori".into(),
            reason: None,
        },
    );
    day.run(
        oct(10, 35),
        None,
        None,
        Command::Advance {
            visit: first,
            to: Stage::Discharged,
            bed: None,
            lot: None,
        },
    );

    // Today.
    let dripping = day.arrive((9, 0), names[2], "drip");
    let observed = day.arrive((9, 0), names[3], "drip");
    day.flow(observed, &[(9, 2), (9, 5), (9, 10), (9, 40)], Some("3"));
    let ready = day.arrive((9, 10), names[1], "drip");
    day.flow(dripping, &[(9, 12), (9, 30), (9, 40)], Some("2"));
    day.flow(ready, &[(9, 15), (9, 20)], None);
    let returning = day.run(
        tokyo(9, 30),
        None,
        None,
        Command::Arrive {
            name: names[0].into(),
            treatment: "drip".into(),
            chart_no: Some("10077".into()),
            key: None,
            do_not_display: false,
        },
    );
    day.advance((9, 35), returning, None);
    record(
        &mut day,
        (9, 41),
        observed,
        Entry::Checklist {
            item: Check::HemostasisPressure,
        },
    );
    record(
        &mut day,
        (9, 47),
        observed,
        Entry::Checklist {
            item: Check::HemostasisConfirmed,
        },
    );
    record(
        &mut day,
        (9, 55),
        observed,
        Entry::Vitals {
            vitals: crate::domain::Vitals {
                systolic: 116,
                diastolic: 72,
                pulse: 70,
                spo2: 98,
                temperature: 36.4,
                respiratory_rate: 14,
                consciousness: crate::domain::clinical::Consciousness::Alert,
            },
        },
    );
    record(
        &mut day,
        (9, 56),
        observed,
        Entry::Checklist {
            item: Check::FeelsWellWalksSteadily,
        },
    );
    record(
        &mut day,
        (9, 57),
        observed,
        Entry::Checklist {
            item: Check::AftercareExplained,
        },
    );
    (
        day,
        Clinic {
            returning,
            ready,
            dripping,
            observed,
        },
    )
}

pub const CLINIC_EN: [&str; 4] = ["Yamada Hanako", "Ito Sho", "Sato Ken", "Suzuki Misaki"];
pub const CLINIC_JA: [&str; 4] = ["山田 花子", "伊藤 翔", "佐藤 健", "鈴木 美咲"];

/// Anaphylaxis on the drip at 9:50, one dose of adrenaline at 9:52, the
/// ambulance not yet called: at 10:00 the repeat dose is due.
pub fn anaphylaxis(day: &mut Day, visit: VisitId) {
    use crate::domain::{Entry, ReactionKind};
    record(
        day,
        (9, 50),
        visit,
        Entry::Reaction {
            reaction: ReactionKind::Anaphylaxis,
            signs: "wheeze, BP 82/50, hives".into(),
            action: "drip stopped, lying flat".into(),
            stop_drip: false,
        },
    );
    record(
        day,
        (9, 52),
        visit,
        Entry::Adrenaline {
            dose_mg: 0.5,
            confirmed_by: None,
        },
    );
}
