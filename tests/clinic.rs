//! A whole clinic morning played through the real server, with the
//! clinical rules: every entry goes over the socket as a real client sends
//! it, dated when it happened (entries after the fact), and what the board
//! says is read back through `flowboard snapshot --json`.

mod common;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use common::Clinic;
use flowboard::client::Connection;
use flowboard::config::Config;
use flowboard::demo::{routine_counselling, routine_discharge};
use flowboard::domain::clinical::{Consciousness, Vitals};
use flowboard::domain::{Command, Entry, ReactionKind, Stage, VisitId};
use flowboard::protocol::{Reply, Request, Role};

/// The morning began three hours ago: every entry is dated from then. The
/// clinic's clock reads mid-morning now (`common::TEST_HOUR`), so the whole
/// story lies on one clinic day whatever hour the tests run at.
struct Morning {
    clinic: Clinic,
    rt: tokio::runtime::Runtime,
    conn: Connection,
    start: DateTime<Utc>,
    config: Config,
}

impl Morning {
    fn new() -> Morning {
        // The morning is three hours long: keep those who left on the board.
        let clinic =
            Clinic::started_with("left_visible_minutes = 120", "left_visible_minutes = 600");
        Morning::on(clinic)
    }

    /// A morning at a clinic whose config is the shipped one plus `extra`.
    fn with(extra: &str) -> Morning {
        let text = common::config_at_hour(common::TEST_HOUR)
            .replace("left_visible_minutes = 120", "left_visible_minutes = 600");
        let mut clinic = Clinic::with_config(&format!("{text}\n{extra}"));
        clinic.start();
        Morning::on(clinic)
    }

    fn on(clinic: Clinic) -> Morning {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let conn = rt
            .block_on(Connection::connect(
                &clinic.socket(),
                Role::Operator,
                "test",
            ))
            .unwrap();
        let config = clinic.clinic_config();
        Morning {
            clinic,
            rt,
            conn,
            start: Utc::now() - Duration::minutes(180),
            config,
        }
    }

    /// Sends a command dated `minute` minutes into the morning.
    fn try_at(&mut self, minute: i64, command: Command) -> Reply {
        let request = Request {
            id: None,
            at: Some(self.start + Duration::minutes(minute)),
            operator: Some("KS".into()),
            command,
            confirm: false,
            pin: None,
        };
        self.rt.block_on(self.conn.request(request)).unwrap()
    }

    fn at(&mut self, minute: i64, command: Command) -> Reply {
        let shown = format!("{command:?}");
        let reply = self.try_at(minute, command);
        assert!(reply.ok, "{shown} at minute {minute}: {:?}", reply.error);
        reply
    }

    fn record(&mut self, minute: i64, visit: VisitId, entry: Entry) {
        self.at(minute, Command::Record { visit, entry });
    }

    fn arrive(&mut self, minute: i64, name: &str, treatment: &str, chart: &str) -> VisitId {
        self.at(
            minute,
            Command::Arrive {
                name: name.into(),
                treatment: treatment.into(),
                chart_no: Some(chart.into()),
                key: None,
                do_not_display: false,
            },
        )
        .visit
        .unwrap()
    }

    fn advance(&mut self, minute: i64, visit: VisitId, to: Stage, bed: Option<&str>) -> Reply {
        let lot =
            (to == Stage::Administration).then(|| flowboard::demo::lot("EXO-2611-01", Utc::now()));
        self.try_at(
            minute,
            Command::Advance {
                visit,
                to,
                bed: bed.map(str::to_string),
                lot,
            },
        )
    }

    /// Arrival, counselling with `yes` answers, ready: a patient whose
    /// counselling found nothing the doctor did not clear.
    fn counselled(
        &mut self,
        minute: i64,
        name: &str,
        treatment: &str,
        chart: &str,
        yes: &[&str],
    ) -> VisitId {
        let v = self.arrive(minute, name, treatment, chart);
        assert!(self.advance(minute + 2, v, Stage::Counselling, None).ok);
        for entry in routine_counselling(&self.config, treatment, yes) {
            self.record(minute + 8, v, entry);
        }
        v
    }

    fn discharge_checklist(&mut self, needle_out: i64, v: VisitId) {
        for (m, entry) in routine_discharge(5) {
            self.record(needle_out + m, v, entry);
        }
    }

    fn snapshot_visit(&self, v: VisitId) -> Value {
        let snap = self.clinic.snapshot();
        snap["visits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == v.0)
            .cloned()
            .unwrap_or_else(|| panic!("visit {v} not on the board: {snap}"))
    }
}

fn codes(visit: &Value) -> Vec<String> {
    visit["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_morning_with_a_deferral_an_override_reactions_an_emergency_and_a_returning_patient() {
    let mut m = Morning::new();

    // 1. Pregnant: counselling finds it, the visit is deferred with the reason.
    let aoi = m.counselled(0, "鈴木 葵", "drip", "20001", &["pregnant"]);
    let refused = m.advance(10, aoi, Stage::Ready, None);
    assert_eq!(refused.error.as_ref().unwrap().code, "not_ready");
    assert!(
        refused
            .error
            .as_ref()
            .unwrap()
            .message
            .contains("contraindication (pregnant)")
    );
    m.at(
        11,
        Command::Defer {
            visit: aoi,
            reason: "may be pregnant".into(),
        },
    );
    let v = m.snapshot_visit(aoi);
    assert_eq!(v["stage"], "deferred");
    assert_eq!(v["exit_reason"], "may be pregnant");

    // 2. Cancer treatment finished 3 years ago: the doctor overrides, with a reason.
    let ren = m.counselled(5, "Kobayashi Ren", "face", "20002", &["cancer_recent"]);
    m.record(
        14,
        ren,
        Entry::Override {
            doctor: "Dr. Mori".into(),
            reason: "oncologist's clearance letter on file".into(),
            items: vec!["cancer_recent".into()],
        },
    );
    assert!(m.advance(15, ren, Stage::Ready, None).ok);
    let badges = m.snapshot_visit(ren)["badges"].clone();
    assert!(
        badges
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["code"] == "override"),
        "{badges}"
    );

    // 3. A drip with a vasovagal reaction during it, observed until 15
    //    minutes after symptom-free, then discharged.
    let sho = m.counselled(10, "伊藤 翔", "drip", "20003", &["vasovagal_history"]);
    assert!(m.advance(20, sho, Stage::Ready, None).ok);
    assert!(m.advance(22, sho, Stage::Administration, Some("1")).ok);
    m.record(
        27,
        sho,
        Entry::Reaction {
            reaction: ReactionKind::Vasovagal,
            signs: "pale, sweating, pulse 48".into(),
            action: "needle out, lay flat, legs raised".into(),
            stop_drip: false,
        },
    );
    let during = m.snapshot_visit(sho);
    assert!(
        codes(&during).contains(&"vasovagal".to_string()),
        "{}",
        during["alerts"]
    );
    m.at(
        28,
        Command::StopEarly {
            visit: sho,
            reason: "vasovagal reaction".into(),
            volume_ml: Some(3.0),
        },
    );
    m.record(
        29,
        sho,
        Entry::Vitals {
            vitals: vitals(98, 50),
        },
    );
    m.record(
        45,
        sho,
        Entry::Vitals {
            vitals: vitals(116, 68),
        },
    );
    m.record(45, sho, Entry::SymptomFree);
    m.discharge_checklist(28, sho);
    // Not before 45 + 15 minutes.
    let early = m.advance(55, sho, Stage::Discharged, None);
    assert_eq!(early.error.as_ref().unwrap().code, "discharge_blocked");
    assert!(m.advance(61, sho, Stage::Discharged, None).ok);

    // 4. Anaphylaxis during a drip: the drip stops, two adrenaline doses,
    //    ambulance called, transferred.
    let yui = m.counselled(20, "高橋 結衣", "drip", "20004", &[]);
    assert!(m.advance(30, yui, Stage::Ready, None).ok);
    assert!(m.advance(32, yui, Stage::Administration, Some("2")).ok);
    m.record(
        36,
        yui,
        Entry::Reaction {
            reaction: ReactionKind::Anaphylaxis,
            signs: "wheeze, hives, BP 80/48".into(),
            action: "drip stopped, lying flat, doctor called".into(),
            stop_drip: false,
        },
    );
    let emergency = m.snapshot_visit(yui);
    assert_eq!(emergency["stage"], "observation", "the drip was stopped");
    // The emergency is still open now: every terminal sees it.
    let snap = m.clinic.snapshot();
    assert_eq!(
        snap["alerts"][0]["code"], "emergency",
        "most severe first: {}",
        snap["alerts"]
    );
    assert!(
        snap["alerts"][0]["message"]
            .as_str()
            .unwrap()
            .contains("adrenaline 0.50 mg")
    );
    m.record(
        37,
        yui,
        Entry::Adrenaline {
            dose_mg: 0.5,
            confirmed_by: None,
        },
    );
    m.record(
        42,
        yui,
        Entry::Adrenaline {
            dose_mg: 0.5,
            confirmed_by: None,
        },
    );
    m.record(38, yui, Entry::AmbulanceCalled);
    // The rest of the course, for the incident report: readings with
    // their NEWS2, the doctor, a dose entered twice and taken back, the
    // lot copied wrong and corrected.
    m.record(
        36,
        yui,
        Entry::Vitals {
            vitals: Vitals {
                systolic: 80,
                diastolic: 48,
                pulse: 128,
                spo2: 91,
                temperature: 36.8,
                respiratory_rate: 26,
                consciousness: Consciousness::Alert,
            },
        },
    );
    m.record(
        38,
        yui,
        Entry::DoctorPresent {
            doctor: "Dr. Mori".into(),
        },
    );
    m.record(
        43,
        yui,
        Entry::Adrenaline {
            dose_mg: 0.5,
            confirmed_by: None,
        },
    );
    m.at(
        44,
        Command::Undo {
            visit: yui,
            reason: Some("entered twice".into()),
        },
    );
    m.record(
        44,
        yui,
        Entry::Vitals {
            vitals: Vitals {
                systolic: 104,
                diastolic: 66,
                pulse: 108,
                spo2: 95,
                temperature: 36.8,
                respiratory_rate: 20,
                consciousness: Consciousness::Alert,
            },
        },
    );
    m.at(
        45,
        Command::Correct {
            visit: yui,
            correction: flowboard::domain::Correction::Lot {
                number: "EXO-2611-02".into(),
            },
            reason: "wrong vial label copied".into(),
            doctor: None,
        },
    );
    let blocked = m.advance(60, yui, Stage::Discharged, None);
    assert_eq!(blocked.error.as_ref().unwrap().code, "discharge_blocked");
    m.at(
        55,
        Command::Transfer {
            visit: yui,
            reason: "ambulance to the university hospital".into(),
        },
    );
    let v = m.snapshot_visit(yui);
    assert_eq!(v["stage"], "transferred");
    assert_eq!(v["reactions"][0]["kind"], "anaphylaxis");
    // The reactions report, read through the server's pages, names the
    // lot of the anaphylaxis (the issue: only the export had it).
    let tz = m.config.timezone;
    let from = m.start.with_timezone(&tz).date_naive().to_string();
    let to = Utc::now().with_timezone(&tz).date_naive().to_string();
    let rows: Value = serde_json::from_str(&m.clinic.ok(&[
        "report",
        "reactions",
        "--from",
        &from,
        "--to",
        &to,
        "--format",
        "json",
    ]))
    .unwrap();
    let anaphylaxis = (rows.as_array().unwrap().iter())
        .find(|r| r["kind"] == "anaphylaxis")
        .expect("the anaphylaxis in the report");
    assert_eq!(anaphylaxis["name"], "高橋 結衣");
    // The lot as corrected after the wrong vial label was copied.
    assert_eq!(anaphylaxis["lot"], "EXO-2611-02");
    let text = m
        .clinic
        .ok(&["report", "reactions", "--from", &from, "--to", &to]);
    assert!(text.contains("lot EXO-2611-02  anaphylaxis"), "{text}");
    the_incident_report_tells_the_anaphylaxis_as_it_happened(&m, yui);

    // 5. A normal drip and a scalp injection, discharged on time.
    let hana = m.counselled(40, "山田 花子", "drip", "20005", &[]);
    assert!(m.advance(50, hana, Stage::Ready, None).ok);
    assert!(m.advance(52, hana, Stage::Administration, Some("3")).ok);
    for minute in [0, 15, 30] {
        m.record(
            52 + minute,
            hana,
            Entry::DripCheck {
                minute: minute as u32,
                skipped: None,
            },
        );
    }
    assert!(m.advance(82, hana, Stage::Observation, None).ok);
    m.discharge_checklist(82, hana);
    assert!(
        m.advance(97, hana, Stage::Discharged, None).ok,
        "15 minutes of observation"
    );

    let sora = m.counselled(45, "Yamamoto Sora", "scalp", "20006", &[]);
    assert!(m.advance(55, sora, Stage::Ready, None).ok);
    assert!(
        m.advance(60, sora, Stage::Administration, None).ok,
        "no bed for an injection"
    );
    assert!(m.advance(72, sora, Stage::Observation, None).ok);
    m.discharge_checklist(72, sora);
    assert!(m.advance(87, sora, Stage::Discharged, None).ok);
    for v in [hana, sora] {
        let shown = m.snapshot_visit(v);
        assert_eq!(shown["stage"], "discharged");
        assert_eq!(
            shown["lot"]["number"], "EXO-2611-01",
            "the lot stays on the record"
        );
    }

    // 6. An allergic reaction on a face injection: the doctor comes, the
    //    patient is observed an hour, cleared and goes home; back the same
    //    afternoon with the same chart number, she is flagged on arrival
    //    and her screening cannot say "no allergy".
    let kai = m.counselled(60, "Inoue Kai", "face", "20007", &[]);
    assert!(m.advance(70, kai, Stage::Ready, None).ok);
    assert!(m.advance(72, kai, Stage::Administration, None).ok);
    m.record(
        75,
        kai,
        Entry::Reaction {
            reaction: ReactionKind::Allergic,
            signs: "hives on the neck".into(),
            action: "doctor called".into(),
            stop_drip: false,
        },
    );
    m.record(
        76,
        kai,
        Entry::DoctorPresent {
            doctor: "Dr. Mori".into(),
        },
    );
    // An open allergic reaction does not end by "went home".
    let cancel = m.try_at(
        80,
        Command::Cancel {
            visit: kai,
            reason: "sent home with antihistamine".into(),
        },
    );
    let e = cancel.error.unwrap();
    assert_eq!(e.code, "not_now");
    assert!(
        e.message.contains("open allergic reaction"),
        "{}",
        e.message
    );
    assert!(m.advance(77, kai, Stage::Observation, None).ok);
    // While she is still in the clinic, her chart number cannot arrive twice.
    let twice = m.try_at(
        100,
        Command::Arrive {
            name: "Inoue Kai".into(),
            treatment: "face".into(),
            chart_no: Some("20007".into()),
            key: None,
            do_not_display: false,
        },
    );
    let e = twice.error.unwrap();
    assert_eq!(e.code, "duplicate");
    assert!(
        e.message.contains("Inoue Kai is in observation"),
        "{}",
        e.message
    );
    m.record(
        85,
        kai,
        Entry::Vitals {
            vitals: vitals(118, 72),
        },
    );
    m.record(86, kai, Entry::SymptomFree);
    m.discharge_checklist(90, kai);
    let early = m.advance(120, kai, Stage::Discharged, None);
    let e = early.error.unwrap();
    assert_eq!(e.code, "discharge_blocked");
    assert!(
        e.message.contains("the doctor's clearance"),
        "{}",
        e.message
    );
    m.record(
        136,
        kai,
        Entry::Clearance {
            doctor: "Dr. Mori".into(),
            reason: None,
        },
    );
    assert!(
        m.advance(140, kai, Stage::Discharged, None).ok,
        "an hour after the reaction"
    );

    let back = m.arrive(170, "Inoue Kai", "face", "20007");
    let v = m.snapshot_visit(back);
    let first_badge = &v["badges"][0];
    assert_eq!(first_badge["code"], "prior_reaction", "{}", v["badges"]);
    assert_eq!(first_badge["severity"], "critical");
    assert!(first_badge["text"].as_str().unwrap().contains("ALLERGIC"));
    assert_eq!(v["alerts"][0]["code"], "prior_reaction", "{}", v["alerts"]);
    assert_eq!(v["alerts"][0]["severity"], "critical");
    assert_eq!(v["session"], 2);
    assert!(m.advance(172, back, Stage::Counselling, None).ok);
    let all_no = routine_counselling(&m.config, "face", &[]).remove(0);
    let refused = m.try_at(
        174,
        Command::Record {
            visit: back,
            entry: all_no,
        },
    );
    let e = refused.error.unwrap();
    assert_eq!(
        (e.code.as_str(), e.field.as_deref()),
        ("invalid", Some("answers"))
    );
    assert!(
        e.message.contains("drug_allergy must be yes"),
        "{}",
        e.message
    );
    // Answered yes, the caution waits for the doctor.
    for entry in routine_counselling(&m.config, "face", &["drug_allergy"])
        .into_iter()
        .filter(|e| !matches!(e, Entry::CautionsAcknowledged { .. }))
    {
        m.record(175, back, entry);
    }
    let not_yet = m.advance(176, back, Stage::Ready, None);
    assert!(
        not_yet
            .error
            .unwrap()
            .message
            .contains("acknowledgement of drug_allergy"),
        "the caution needs a doctor"
    );

    // The store agrees with its own log after all of this.
    m.clinic.kill9();
    let store = flowboard::store::Store::open(&m.clinic.data().join("db")).unwrap();
    assert!(store.verify().unwrap().is_empty());
}

/// `flowboard report incident` for the anaphylaxis of the morning above,
/// against its course written out by hand: every line the clinic would
/// attach to its adverse-event report, in English and in Japanese, and
/// the same course as JSON and CSV.
fn the_incident_report_tells_the_anaphylaxis_as_it_happened(m: &Morning, yui: VisitId) {
    let tz: chrono_tz::Tz = m.config.timezone;
    let t = |minute: i64| {
        (m.start + Duration::minutes(minute))
            .with_timezone(&tz)
            .format("%H:%M")
            .to_string()
    };
    let day = (m.start + Duration::minutes(36))
        .with_timezone(&tz)
        .format("%Y-%m-%d")
        .to_string();
    let snap = m.snapshot_visit(yui);
    let ticket = snap["ticket"].as_u64().unwrap();
    let expiry = snap["lot"]["expiry"].as_str().unwrap().to_string();
    let id = yui.0.to_string();
    let date = m.clinic.today();
    let report = |extra: &[&str]| {
        let mut args = vec!["report", "incident", id.as_str(), "--date", date.as_str()];
        args.extend_from_slice(extra);
        m.clinic.ok(&args)
    };
    // When the undo and the lot correction were entered: now, as the
    // record says (the JSON carries every entered time).
    let json: Value = serde_json::from_str(&report(&["--format", "json"])).unwrap();
    let entered = |field: &str| {
        json["steps"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| {
                s["undone"]
                    .as_object()
                    .into_iter()
                    .cloned()
                    .chain(
                        s["corrected"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|c| c.as_object().cloned()),
                    )
                    .collect::<Vec<_>>()
            })
            .find(|f| f["field"] == field)
            .and_then(|f| f["recorded_at"].as_str().map(str::to_string))
            .map(|at| {
                DateTime::parse_from_rfc3339(&at)
                    .unwrap()
                    .with_timezone(&tz)
                    .format("%H:%M")
                    .to_string()
            })
            .unwrap_or_else(|| panic!("no {field} correction in {json:#}"))
    };
    let (undone, lot_fixed) = (entered("undone"), entered("lot"));
    let pad = " ".repeat(22);
    let english = format!(
        "Flowboard Clinic incident report
Visit {id}, reception no. {ticket}: 高橋 結衣 (chart no. 20004)
Treatment: Exosome IV drip
Reaction: anaphylaxis; first signs {day} {t36}
Outcome: Transferred at {t55}

Course (minute 0: the first signs)
time   min    by      what
{t28}  T-8    KS      vitals: BP 118/74, pulse 74, SpO2 98 %, 36.5 C, RR 14, alert (NEWS2 0)
{t32}  T-4    KS      drip started on bed 2: lot EXO-2611-01 (expires {expiry}), Exosome 10B (umbilical cord MSC), 10 mL, nurse KS
{pad}lot corrected from EXO-2611-01 to EXO-2611-02 at {lot_fixed} by KS: wrong vial label copied
{t36}  T+0    KS      first signs: anaphylaxis: wheeze, hives, BP 80/48; done: drip stopped, lying flat, doctor called
{t36}  T+0    KS      administration stopped for the anaphylaxis
{t36}  T+0    KS      vitals: BP 80/48, pulse 128, SpO2 91 %, 36.8 C, RR 26, alert (NEWS2 11)
{t37}  T+1    KS      adrenaline 0.50 mg IM
{t38}  T+2    KS      ambulance called
{t38}  T+2    KS      doctor present: Dr. Mori
{t42}  T+6    KS      adrenaline 0.50 mg IM
{t43}  T+7    KS      adrenaline 0.50 mg IM
{pad}undone at {undone} by KS: entered twice
{t44}  T+8    KS      vitals: BP 104/66, pulse 108, SpO2 95 %, 36.8 C, RR 20, alert (NEWS2 3)
{t55}  T+19   KS      transferred: ambulance to the university hospital
",
        t28 = t(28),
        t32 = t(32),
        t36 = t(36),
        t37 = t(37),
        t38 = t(38),
        t42 = t(42),
        t43 = t(43),
        t44 = t(44),
        t55 = t(55),
    );
    assert_eq!(report(&[]), english);
    let japanese = format!(
        "Flowboard Clinic 有害事象 経過報告
来院 {id}・受付番号 {ticket}：高橋 結衣（カルテ番号 20004）
施術：エクソソーム点滴
反応：アナフィラキシー・初発 {day} {t36}
転帰：救急搬送（{t55}）

経過（初発を0分とする）
時刻   分     記録者  内容
{t28}  -8分   KS      バイタル：血圧 118/74・脈拍 74・SpO2 98%・体温 36.5℃・呼吸数 14・意識清明（NEWS2 0点）
{t32}  -4分   KS      点滴開始（ベッド2）：ロット EXO-2611-01（有効期限 {expiry}）、Exosome 10B (umbilical cord MSC)、10 mL、看護師 KS
{pad}{lot_fixed} KSがロット番号を訂正（EXO-2611-01 → EXO-2611-02）：wrong vial label copied
{t36}  0分    KS      初発症状：アナフィラキシー：wheeze, hives, BP 80/48；対応：drip stopped, lying flat, doctor called
{t36}  0分    KS      投与中止（アナフィラキシーのため）
{t36}  0分    KS      バイタル：血圧 80/48・脈拍 128・SpO2 91%・体温 36.8℃・呼吸数 26・意識清明（NEWS2 11点）
{t37}  +1分   KS      アドレナリン 0.50 mg 筋注
{t38}  +2分   KS      救急車要請
{t38}  +2分   KS      医師到着：Dr. Mori
{t42}  +6分   KS      アドレナリン 0.50 mg 筋注
{t43}  +7分   KS      アドレナリン 0.50 mg 筋注
{pad}{undone} KSが取り消し：entered twice
{t44}  +8分   KS      バイタル：血圧 104/66・脈拍 108・SpO2 95%・体温 36.8℃・呼吸数 20・意識清明（NEWS2 3点）
{t55}  +19分  KS      救急搬送：ambulance to the university hospital
",
        t28 = t(28),
        t32 = t(32),
        t36 = t(36),
        t37 = t(37),
        t38 = t(38),
        t42 = t(42),
        t43 = t(43),
        t44 = t(44),
        t55 = t(55),
    );
    assert_eq!(report(&["--lang", "ja"]), japanese);

    // JSON: stable codes, in the order things happened.
    let events: Vec<&str> = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "vitals",
            "administration_started",
            "reaction",
            "administration_ended",
            "vitals",
            "adrenaline",
            "ambulance_called",
            "doctor_present",
            "adrenaline",
            "adrenaline",
            "vitals",
            "transferred"
        ]
    );
    assert_eq!(json["reaction"], "anaphylaxis");
    assert_eq!(json["outcome"], "transferred");
    assert_eq!(json["steps"][4]["news2"], 11);
    assert_eq!(json["steps"][5]["by"], "KS");

    // CSV: one row a step, minutes from the first signs as text.
    let csv = report(&["--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("visit,chart_no,time,minute,event,what,by,entered,corrections")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 12);
    assert!(rows[0].contains(",T-8,vitals,"), "{}", rows[0]);
    assert!(
        rows[9].contains(",T+7,adrenaline,") && rows[9].contains("undone at"),
        "{}",
        rows[9]
    );
    // In Japanese the CSV starts with the byte order mark Excel needs.
    let ja_csv = report(&["--format", "csv", "--lang", "ja"]);
    assert!(ja_csv.starts_with('\u{feff}'));
    assert!(ja_csv.contains("アドレナリン 0.50 mg 筋注"));

    // A visit without a reaction has no incident; an unknown one says
    // which day was searched.
    let hana_less = m
        .clinic
        .run(&["report", "incident", "999999", "--date", date.as_str()]);
    assert_eq!(hana_less.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&hana_less.stderr).contains("there is no visit 999999 on"),
        "{}",
        String::from_utf8_lossy(&hana_less.stderr)
    );
}

#[test]
fn bad_clinical_input_is_refused_next_to_its_field_and_nothing_is_saved() {
    let mut m = Morning::new();
    let v = m.counselled(0, "A", "drip", "1", &[]);
    let bad = |m: &mut Morning, line: Value| {
        let out = m.clinic.run(&["send", &line.to_string()]);
        assert_eq!(out.status.code(), Some(1), "{line}");
        let reply: Value = serde_json::from_slice(&out.stdout).unwrap();
        reply["error"].clone()
    };
    // A blood pressure of "abc": the protocol refuses the line.
    let e = bad(
        &mut m,
        json!({"cmd": "record", "visit": v.0, "entry": {"kind": "vitals", "vitals": {"systolic": "abc", "diastolic": 80, "pulse": 70, "spo2": 98, "temperature": 36.5, "respiratory_rate": 14, "consciousness": "alert"}}}),
    );
    assert_eq!(e["code"], "bad_request");
    assert!(
        e["message"].as_str().unwrap().contains("systolic")
            || e["message"].as_str().unwrap().contains("invalid type"),
        "{e}"
    );
    // 400 mmHg, and a diastolic above the systolic.
    let vitals = |sys: u16, dia: u16| json!({"cmd": "record", "visit": v.0, "entry": {"kind": "vitals", "vitals": {"systolic": sys, "diastolic": dia, "pulse": 70, "spo2": 98, "temperature": 36.5, "respiratory_rate": 14, "consciousness": "alert"}}});
    let e = bad(&mut m, vitals(400, 80));
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("invalid"), Some("systolic"))
    );
    let e = bad(&mut m, vitals(110, 120));
    assert_eq!(e["field"], "diastolic");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("must be below the systolic")
    );
    // A weight of 0.
    let e = bad(
        &mut m,
        json!({"cmd": "record", "visit": v.0, "entry": {"kind": "plan", "plan": {"treatment": "drip", "dose_ml": 10.0, "product": "X", "nurse": "KS", "weight_kg": 0.0}}}),
    );
    assert_eq!(e["field"], "weight_kg");
    // A blank lot number.
    assert!(m.advance(10, v, Stage::Ready, None).ok);
    let e = bad(
        &mut m,
        json!({"cmd": "advance", "visit": v.0, "to": "administration", "bed": "1", "lot": {"number": "  "}}),
    );
    assert_eq!(e["code"], "not_ready");
    assert_eq!(e["missing"][0]["missing"], "lot");
    // Nothing of it was saved: only the routine vitals are on record.
    let snap = m.clinic.snapshot();
    assert_eq!(snap["visits"][0]["stage"], "ready");
    assert_eq!(m.conn.board().visit(v).unwrap().care.vitals.len(), 1);
}

fn vitals(systolic: u16, pulse: u16) -> Vitals {
    Vitals {
        systolic,
        diastolic: systolic - 40,
        pulse,
        spo2: 98,
        temperature: 36.5,
        respiratory_rate: 14,
        consciousness: Consciousness::Alert,
    }
}

/// Midnight through the real server, on purpose: the clinic's zone is
/// chosen so that the real clock reads just after midnight there, and the
/// story is told around that midnight. A drip that began ten minutes
/// before it runs on with the right countdown; a patient discharged five
/// minutes before it stays listed as usual; the new day numbers its
/// patients from 1; yesterday's report still counts both.
#[test]
fn a_drip_and_a_discharge_either_side_of_midnight_through_the_real_server() {
    use chrono::{TimeZone, Timelike};
    let config_text = common::config_at_hour(0).replace(
        "route = \"drip\"\nminutes = 30",
        "route = \"drip\"\nminutes = 120",
    );
    let mut clinic = Clinic::with_config(&config_text);
    clinic.start();
    let config = clinic.clinic_config();
    let tz = config.timezone;
    let local_now = Utc::now().with_timezone(&tz);
    assert!(local_now.hour() <= 1, "{local_now}");
    let midnight = tz
        .from_local_datetime(&local_now.date_naive().and_hms_opt(0, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut conn = rt
        .block_on(Connection::connect(
            &clinic.socket(),
            Role::Operator,
            "test",
        ))
        .unwrap();
    let mut at = |minute: i64, command: Command| -> Reply {
        let shown = format!("{command:?}");
        let reply = rt
            .block_on(conn.request(Request {
                id: None,
                at: Some(midnight + Duration::minutes(minute)),
                operator: Some("KS".into()),
                command,
                confirm: false,
                pin: None,
            }))
            .unwrap();
        assert!(reply.ok, "{shown} at {minute}: {:?}", reply.error);
        reply
    };
    let advance = |visit, to, bed: Option<&str>| Command::Advance {
        visit,
        to,
        bed: bed.map(str::to_string),
        lot: (to == Stage::Administration).then(|| flowboard::demo::lot("EXO-2612-01", Utc::now())),
    };
    let arrive = |name: &str, treatment: &str| Command::Arrive {
        name: name.into(),
        treatment: treatment.into(),
        chart_no: None,
        key: None,
        do_not_display: false,
    };

    // 23:00 and 23:05: two arrivals, counselled, ready.
    let hana = at(-60, arrive("山田 花子", "drip")).visit.unwrap();
    let ken = at(-55, arrive("佐藤 健", "face")).visit.unwrap();
    for (v, treatment) in [(hana, "drip"), (ken, "face")] {
        at(-50, advance(v, Stage::Counselling, None));
        for entry in routine_counselling(&config, treatment, &[]) {
            at(-45, Command::Record { visit: v, entry });
        }
        at(-40, advance(v, Stage::Ready, None));
    }
    // Ken: injection 23:25-23:40, observed, discharged at 23:55.
    at(-35, advance(ken, Stage::Administration, None));
    at(-20, advance(ken, Stage::Observation, None));
    for (m, entry) in routine_discharge(5) {
        at(-20 + m, Command::Record { visit: ken, entry });
    }
    at(-5, advance(ken, Stage::Discharged, None));
    // Hana: a two-hour drip started at 23:50 on bed 1.
    at(-10, advance(hana, Stage::Administration, Some("1")));
    // After midnight: the first arrival of the new day.
    let new_day = at(0, arrive("Ito Mai", "face")).visit.unwrap();

    let snap = clinic.snapshot();
    let find = |v: VisitId| {
        snap["visits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == v.0)
            .cloned()
            .unwrap_or_else(|| panic!("visit {v} is not on the board: {snap}"))
    };
    let drip = find(hana);
    assert_eq!(drip["stage"], "administration");
    assert_eq!(drip["bed"], "1");
    let snap_now: chrono::DateTime<Utc> = snap["now"].as_str().unwrap().parse().unwrap();
    let expected = 120 * 60 - (snap_now - (midnight - Duration::minutes(10))).num_seconds();
    let remaining = drip["timer"]["remaining_secs"].as_i64().unwrap();
    assert!(
        (remaining - expected).abs() <= 1,
        "{remaining} s left, expected {expected}"
    );
    assert_eq!(
        find(ken)["stage"],
        "discharged",
        "still listed after midnight"
    );
    assert_eq!(find(new_day)["ticket"], 1, "the new day numbers from 1");
    assert_eq!(find(hana)["ticket"], 1);
    assert_eq!(find(ken)["ticket"], 2);

    // Yesterday's report counts both; today's has only the new arrival.
    let yesterday = (midnight - Duration::minutes(1))
        .with_timezone(&tz)
        .format("%Y-%m-%d")
        .to_string();
    let count = |date: Option<&str>| -> Vec<(String, u64, u64)> {
        let mut args = vec!["report", "day", "--format", "json"];
        if let Some(d) = date {
            args.extend(["--date", d]);
        }
        let json: Value = serde_json::from_str(&clinic.ok(&args)).unwrap();
        json["treatments"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["arrived"].as_u64().unwrap() > 0)
            .map(|t| {
                (
                    t["treatment"].as_str().unwrap().to_string(),
                    t["arrived"].as_u64().unwrap(),
                    t["administered"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        count(Some(&yesterday)),
        vec![("drip".to_string(), 1, 1), ("face".to_string(), 1, 1)]
    );
    assert_eq!(count(None), vec![("face".to_string(), 1, 0)]);
    clinic.kill9();
}

fn refused(reply: Reply) -> flowboard::protocol::ErrorBody {
    assert!(!reply.ok, "refused");
    reply.error.unwrap()
}

/// What a hurried nurse or a careless script tries, through the real
/// server: each gate holds, and says why in words a nurse understands.
#[test]
fn the_safety_gates_hold_against_what_a_hurried_nurse_or_a_script_tries() {
    let mut m = Morning::with(
        "[[staff]]\ninitials = \"MK\"\nname = \"Dr. Mori\"\nrole = \"doctor\"\n\n[[staff]]\ninitials = \"KS\"\nname = \"Kato Sachiko\"\nrole = \"nurse\"\n",
    );

    // An override for "pregnant" does not cover "cancer under treatment"
    // answered yes afterwards (DOMAIN.md "Screening": block answers).
    let a = m.counselled(0, "Aoki", "face", "30001", &["pregnant"]);
    m.record(
        9,
        a,
        Entry::Override {
            doctor: "MK".into(),
            reason: "not pregnant: test negative".into(),
            items: vec!["pregnant".into()],
        },
    );
    let mut again = routine_counselling(&m.config, "face", &["pregnant", "cancer_treatment"]);
    m.record(10, a, again.remove(0));
    let e = refused(m.advance(11, a, Stage::Ready, None));
    assert_eq!(e.code, "not_ready");
    assert!(
        e.message.contains("contraindication (cancer_treatment)"),
        "{}",
        e.message
    );
    // Any name as the doctor: refused with the list.
    let e = refused(m.try_at(
        12,
        Command::Record {
            visit: a,
            entry: Entry::Override {
                doctor: "Nurse Kato".into(),
                reason: "x".into(),
                items: vec!["cancer_treatment".into()],
            },
        },
    ));
    assert_eq!(e.code, "unknown_doctor");
    assert!(e.message.contains("the doctors are MK"), "{}", e.message);

    // Vitals at NEWS2 17 before the start stop it like a block answer.
    let b = m.counselled(20, "Baba", "drip", "30002", &[]);
    assert!(m.advance(30, b, Stage::Ready, None).ok);
    m.record(
        31,
        b,
        Entry::Vitals {
            vitals: Vitals {
                systolic: 82,
                diastolic: 50,
                pulse: 135,
                spo2: 86,
                temperature: 39.5,
                respiratory_rate: 26,
                consciousness: Consciousness::Confusion,
            },
        },
    );
    let e = refused(m.advance(32, b, Stage::Administration, Some("1")));
    assert_eq!(e.code, "not_ready");
    assert!(
        e.message.contains("fever") && e.message.contains("vitals"),
        "{}",
        e.message
    );

    // A 30-minute drip is not ended one minute in by a plain advance.
    let c = m.counselled(40, "Chiba", "drip", "30003", &[]);
    assert!(m.advance(50, c, Stage::Ready, None).ok);
    assert!(m.advance(52, c, Stage::Administration, Some("2")).ok);
    let e = refused(m.advance(53, c, Stage::Observation, None));
    assert_eq!(e.code, "not_ready");
    assert!(e.message.contains("the drip runs until"), "{}", e.message);
    assert!(
        e.message.contains("stop it early with a reason"),
        "{}",
        e.message
    );

    // An open anaphylaxis: not cancelled ("went home"), not undone without
    // a reason; the adrenaline dose for a 15 kg child is not 1.0 mg.
    let d = m.counselled(60, "Doi", "drip", "30004", &[]);
    m.record(
        69,
        d,
        Entry::Plan {
            plan: flowboard::domain::clinical::Plan {
                treatment: "drip".into(),
                method: None,
                sites: Vec::new(),
                dose_ml: 5.0,
                product: "Exosome".into(),
                origin: None,
                nurse: "KS".into(),
                weight_kg: Some(15.0),
                age_years: Some(4),
            },
        },
    );
    assert!(m.advance(70, d, Stage::Ready, None).ok);
    assert!(m.advance(71, d, Stage::Administration, Some("3")).ok);
    m.record(
        74,
        d,
        Entry::Reaction {
            reaction: ReactionKind::Anaphylaxis,
            signs: "stridor, hives".into(),
            action: "drip stopped".into(),
            stop_drip: false,
        },
    );
    let e = refused(m.try_at(
        75,
        Command::Cancel {
            visit: d,
            reason: "went home".into(),
        },
    ));
    assert!(
        e.message.contains("open anaphylaxis reaction"),
        "{}",
        e.message
    );
    let e = refused(m.try_at(
        75,
        Command::Undo {
            visit: d,
            reason: None,
        },
    ));
    assert_eq!(e.code, "reason_required");
    let snap = m.clinic.snapshot();
    let emergency = snap["alerts"][0]["message"].as_str().unwrap().to_string();
    assert!(emergency.contains("adrenaline 0.15 mg"), "{emergency}");
    assert!(emergency.contains("0.15 mL of 1 mg/mL"), "{emergency}");
    let e = refused(m.try_at(
        76,
        Command::Record {
            visit: d,
            entry: Entry::Adrenaline {
                dose_mg: 1.0,
                confirmed_by: None,
            },
        },
    ));
    assert_eq!(e.code, "dose_unconfirmed");
    assert!(
        e.message.contains("above the child cap of 0.30 mg"),
        "{}",
        e.message
    );
    // A fact after the act is recorded once a doctor confirms it, flagged.
    m.record(
        76,
        d,
        Entry::Adrenaline {
            dose_mg: 0.3,
            confirmed_by: Some("MK".into()),
        },
    );
    let v = m.snapshot_visit(d);
    assert!(
        v["badges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["code"] == "over_dose"),
        "{}",
        v["badges"]
    );
    let line = m.clinic.snapshot()["alerts"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        line.contains("1 dose(s) given"),
        "the emergency line moves on: {line}"
    );

    // A reaction dated before the administration it belongs to, a
    // symptom-free before its reaction, a stage time three days back.
    let e = refused(m.try_at(
        70,
        Command::Record {
            visit: d,
            entry: Entry::Reaction {
                reaction: ReactionKind::Local,
                signs: "redness".into(),
                action: String::new(),
                stop_drip: false,
            },
        },
    ));
    assert!(
        e.message
            .contains("reactions are recorded from administration on"),
        "{}",
        e.message
    );
    let e = refused(m.try_at(
        73,
        Command::Record {
            visit: d,
            entry: Entry::SymptomFree,
        },
    ));
    assert!(e.message.contains("has no open reaction"), "{}", e.message);
    let started = m.snapshot_visit(c)["stage_since"]
        .as_str()
        .unwrap()
        .to_string();
    let seq = m
        .conn
        .board()
        .visit(c)
        .unwrap()
        .events
        .iter()
        .find(|e| e.kind.name() == "administration_started")
        .unwrap()
        .seq;
    let e = refused(m.try_at(
        70,
        Command::Correct {
            visit: c,
            correction: flowboard::domain::Correction::Time {
                event: seq,
                at: Utc::now() - Duration::days(3),
            },
            reason: "typo".into(),
            doctor: None,
        },
    ));
    assert_eq!(e.code, "at_too_old", "{started}");

    // An open allergic reaction stops the discharge.
    let f = m.counselled(80, "Fujita", "face", "30006", &[]);
    assert!(m.advance(90, f, Stage::Ready, None).ok);
    assert!(m.advance(91, f, Stage::Administration, None).ok);
    assert!(m.advance(95, f, Stage::Observation, None).ok);
    m.record(
        96,
        f,
        Entry::Reaction {
            reaction: ReactionKind::Allergic,
            signs: "hives".into(),
            action: String::new(),
            stop_drip: false,
        },
    );
    m.discharge_checklist(95, f);
    let e = refused(m.advance(175, f, Stage::Discharged, None));
    assert_eq!(e.code, "discharge_blocked");
    assert!(
        e.message.contains("allergic reaction is open"),
        "{}",
        e.message
    );

    // The same chart number open twice; a drip planned on a face booking
    // starts with no bed; a pause for a scalp injection.
    let e = refused(m.try_at(
        100,
        Command::Arrive {
            name: "Fujita".into(),
            treatment: "face".into(),
            chart_no: Some("30006".into()),
            key: None,
            do_not_display: false,
        },
    ));
    assert_eq!(e.code, "duplicate");
    let g = m.counselled(100, "Goto", "face", "30007", &[]);
    m.record(
        109,
        g,
        Entry::Plan {
            plan: flowboard::domain::clinical::Plan {
                treatment: "drip".into(),
                method: None,
                sites: Vec::new(),
                dose_ml: 10.0,
                product: "Exosome".into(),
                origin: None,
                nurse: "KS".into(),
                weight_kg: Some(60.0),
                age_years: None,
            },
        },
    );
    assert!(m.advance(110, g, Stage::Ready, None).ok);
    assert_eq!(m.snapshot_visit(g)["treatment"], "drip", "the plan decides");
    let e = refused(m.advance(111, g, Stage::Administration, None));
    assert_eq!(e.code, "bed_required");
    let h = m.counselled(110, "Hara", "scalp", "30008", &[]);
    assert!(m.advance(120, h, Stage::Ready, None).ok);
    assert!(m.advance(121, h, Stage::Administration, None).ok);
    let e = refused(m.try_at(
        122,
        Command::Record {
            visit: h,
            entry: Entry::Pause {
                reason: "toilet".into(),
                reaction: None,
            },
        },
    ));
    assert!(e.message.contains("pause is for drips"), "{}", e.message);

    // After all of it the store agrees with its own log.
    m.clinic.kill9();
    let store = flowboard::store::Store::open(&m.clinic.data().join("db")).unwrap();
    assert!(store.verify().unwrap().is_empty());
}

/// The busy hour's protocol through the real server and `flowboard send`
/// (docs/PROTOCOL.md): a drip that takes a nurse over the caseload limit
/// is asked to be confirmed before it starts (DOMAIN.md "During a drip and
/// after it": about three patients per nurse at a time; this clinic allows
/// one), a reassignment is recorded and the caseload follows it, a
/// patient asks not to be displayed, a free bed cannot be marked ready.
#[test]
fn a_second_drip_for_one_nurse_is_confirmed_first_and_given_to_another_nurse() {
    let staff = r#"
[[staff]]
initials = "KS"
name = "Kato Sachiko"
role = "nurse"

[[staff]]
initials = "MT"
name = "Matsui Taro"
role = "nurse"
"#;
    let shipped = common::config_at_hour(common::TEST_HOUR);
    assert!(shipped.contains("max_drips_per_nurse = 3"));
    let text = shipped
        .replace("left_visible_minutes = 120", "left_visible_minutes = 600")
        .replace("max_drips_per_nurse = 3", "max_drips_per_nurse = 1");
    let mut clinic = Clinic::with_config(&format!("{text}\n{staff}"));
    clinic.start();
    let mut m = Morning::on(clinic);
    let plan_nurse = |m: &Morning, nurse: &str| -> Vec<Entry> {
        routine_counselling(&m.config, "drip", &[])
            .into_iter()
            .map(|e| match e {
                Entry::Plan { mut plan } => {
                    plan.nurse = nurse.into();
                    Entry::Plan { plan }
                }
                e => e,
            })
            .collect()
    };
    let ready = |m: &mut Morning, minute: i64, name: &str, chart: &str| {
        let v = m.arrive(minute, name, "drip", chart);
        assert!(m.advance(minute + 2, v, Stage::Counselling, None).ok);
        for entry in plan_nurse(m, "KS") {
            m.record(minute + 8, v, entry);
        }
        assert!(m.advance(minute + 9, v, Stage::Ready, None).ok);
        v
    };
    let first = ready(&mut m, 100, "山田 花子", "40001");
    let second = ready(&mut m, 105, "Lucas Martin", "40002");
    assert!(m.advance(115, first, Stage::Administration, Some("1")).ok);
    let asked = m.advance(120, second, Stage::Administration, Some("2"));
    let e = asked.error.unwrap();
    assert_eq!(e.code, "confirm_required");
    assert_eq!(
        e.message,
        "Lucas Martin's drip would give Kato Sachiko 2 drips at once (the limit is 1): confirm to go ahead, or give a patient to another nurse"
    );
    assert_eq!(m.snapshot_visit(second)["stage"], "ready", "nothing saved");
    // Confirmed: the nurse's call; the caseload warning stands.
    let line = json!({"cmd": "advance", "visit": second.0, "to": "administration", "bed": "2",
        "lot": {"number": "EXO-2611-01"}, "confirm": true});
    m.clinic.ok(&["send", &line.to_string()]);
    let snap = m.clinic.snapshot();
    assert_eq!(snap["caseload"][0]["nurse"], "Kato Sachiko");
    assert_eq!(snap["caseload"][0]["drips"], 2);
    assert_eq!(snap["caseload"][0]["over"], true);
    let board_codes = |snap: &Value| -> Vec<(String, u64)> {
        snap["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["code"].as_str().unwrap().to_string(),
                    a["visit"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert!(
        board_codes(&snap).contains(&("caseload".into(), second.0)),
        "{snap}"
    );

    // Given to Matsui Taro, by initials: an event; the caseload follows.
    let line =
        json!({"cmd": "record", "visit": second.0, "entry": {"kind": "reassigned", "nurse": "mt"}});
    m.clinic.ok(&["send", &line.to_string()]);
    let v = m.snapshot_visit(second);
    assert_eq!(v["nurse"], "Matsui Taro");
    let snap = m.clinic.snapshot();
    assert!(!board_codes(&snap).iter().any(|(c, _)| c == "caseload"));
    let loads: Vec<(String, u64)> = snap["caseload"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["initials"].as_str().unwrap().to_string(),
                c["drips"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(loads, vec![("KS".into(), 1), ("MT".into(), 1)]);
    // Nobody not on the staff list as a nurse.
    let line = json!({"cmd": "record", "visit": second.0, "entry": {"kind": "reassigned", "nurse": "Dr. Who"}});
    let out = m.clinic.run(&["send", &line.to_string()]);
    let reply: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(reply["error"]["code"], "unknown_nurse", "{reply}");

    // Not on the wall, asked on her drip: a badge for the staff.
    let line =
        json!({"cmd": "record", "visit": first.0, "entry": {"kind": "do_not_display", "on": true}});
    m.clinic.ok(&["send", &line.to_string()]);
    let v = m.snapshot_visit(first);
    assert_eq!(v["do_not_display"], true);
    assert!(
        v["badges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["code"] == "do_not_display"),
        "{v}"
    );

    // Bed 3 is free: there is nothing to mark ready.
    let out = m
        .clinic
        .run(&["send", r#"{"cmd": "bed_ready", "bed": "3"}"#]);
    assert_eq!(out.status.code(), Some(1));
    let reply: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(reply["error"]["code"], "not_now");
    assert_eq!(
        reply["error"]["message"],
        "bed 3 is not being cleaned: it is free"
    );
}
