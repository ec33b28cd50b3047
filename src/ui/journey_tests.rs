//! The key count of the first journey of a busy morning: arrival to
//! discharge for a first-time drip patient with hay fever (an allergic
//! disease: a caution the doctor acknowledges, 30 minutes' observation),
//! played through the board's own update loop against the real domain,
//! the server answering each request as it comes. Every key is counted;
//! the characters typed into a field are not, the field is (one typed
//! field). README.md gives the figures, before and after.
//!
//! `cargo test --lib journey -- --nocapture` prints them.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::fixture::{Day, tokyo};
use super::{App, Mode, Msg, update};
use crate::domain::Stage;
use crate::i18n::Lang;
use crate::protocol::Request;

/// A terminal at the station, and the server.
struct Journey {
    day: Day,
    app: App,
    now: DateTime<Utc>,
    presses: usize,
    typed: usize,
}

impl Journey {
    fn at(&mut self, (h, m): (u32, u32)) {
        self.now = tokyo(h, m);
    }

    fn send(&mut self, mut requests: Vec<Request>) {
        while !requests.is_empty() {
            let answered = self.day.answer(&mut self.app, requests, self.now);
            if let Some(why) = answered.refused.first() {
                panic!("refused on the journey: {why}");
            }
            requests = answered.sent;
        }
    }

    /// A key press, counted.
    fn press(&mut self, code: KeyCode) {
        self.presses += 1;
        let sent = update(
            &mut self.app,
            Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
            self.now,
        )
        .send;
        self.send(sent);
    }

    fn presses(&mut self, code: KeyCode, n: usize) {
        for _ in 0..n {
            self.press(code);
        }
    }

    /// Text typed into a field: one typed field (the characters are not
    /// key presses).
    fn field(&mut self, text: &str) {
        self.typed += 1;
        for c in text.chars() {
            let sent = update(
                &mut self.app,
                Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
                self.now,
            )
            .send;
            assert!(sent.is_empty(), "typing {c:?} sent something");
        }
    }

    fn stage(&self, name: &str) -> Stage {
        self.day
            .board
            .visits
            .values()
            .find(|v| v.name == name)
            .map(|v| v.stage)
            .expect("the patient")
    }
}

/// A morning already under way: a drip patient counselled, started (lot
/// EX-2611-07) and on a bed, so today's lot and plan are known.
fn morning() -> Journey {
    let mut day = Day::new();
    let earlier = day.arrive((9, 0), "Kimura Rin", "drip");
    day.flow(earlier, &[(9, 5), (9, 20), (9, 30)], Some("1"));
    let app = day.app(Lang::En);
    Journey {
        day,
        app,
        now: tokyo(10, 0),
        presses: 0,
        typed: 0,
    }
}

/// The journey, as the nurse plays it on the board today.
fn journey() -> Journey {
    let mut j = morning();
    let name = "Aoki Ami";
    // 10:00 Reception registers her (the drip is the first treatment).
    j.press(KeyCode::Char('a'));
    j.field(name);
    j.press(KeyCode::Tab);
    j.field("10452");
    j.press(KeyCode::Enter);
    assert_eq!(j.stage(name), Stage::Waiting);
    // 10:05 Called in: Enter starts the counselling and opens its form.
    j.at((10, 5));
    j.press(KeyCode::Enter);
    assert_eq!(j.stage(name), Stage::Counselling);
    // Twelve questions (the first session is answered for her): hay
    // fever is the only yes.
    for item in 0..12 {
        let allergic_disease = 6;
        j.press(KeyCode::Char(if item == allergic_disease {
            'y'
        } else {
            'n'
        }));
    }
    // The doctor acknowledges it; five consent items; her weight (the
    // plan is today's, the nurse the one at this terminal).
    j.field("Dr. Mori");
    j.press(KeyCode::Tab);
    j.presses(KeyCode::Char('y'), 5);
    j.field("54");
    j.press(KeyCode::Enter);
    assert_eq!(j.stage(name), Stage::Ready);
    // 10:15 The start: the first free bed and today's lot are chosen; the
    // pre-treatment vitals are typed in the form.
    j.at((10, 15));
    j.press(KeyCode::Enter);
    j.field("118/74 72 98 36.5 14");
    j.press(KeyCode::Enter);
    assert_eq!(j.stage(name), Stage::Administration);
    // The drip checks at 0 and 15 minutes.
    j.press(KeyCode::Char('t'));
    j.at((10, 30));
    j.press(KeyCode::Char('t'));
    // 10:45 Needle out: the 30-minute check (y) and the pressure come
    // with it.
    j.at((10, 45));
    j.press(KeyCode::Enter);
    j.press(KeyCode::Char('y'));
    j.press(KeyCode::Enter);
    assert_eq!(j.stage(name), Stage::Observation);
    // 11:15 Thirty minutes later: the checklist, six items and the end
    // vitals, then home.
    j.at((11, 15));
    j.press(KeyCode::Enter);
    j.presses(KeyCode::Char('y'), 6);
    j.field("120/76 70 98 36.4 14");
    j.press(KeyCode::Enter);
    assert_eq!(j.stage(name), Stage::Discharged);
    assert_eq!(j.app.mode, Mode::Normal);
    j
}

#[test]
fn the_first_journey_takes_fewer_than_40_key_presses() {
    let j = journey();
    println!(
        "first journey (first-time drip patient with hay fever, arrival to discharge): {} key presses, {} typed fields",
        j.presses, j.typed
    );
    assert!(j.presses < 40, "{} key presses", j.presses);
    assert_eq!(
        j.typed, 6,
        "name, chart number, doctor, weight, two sets of vitals"
    );
    // Nothing of the record is missing for it: the lot, the bed, the
    // vitals before and after, every check and item.
    let v = j
        .day
        .board
        .visits
        .values()
        .find(|v| v.name == "Aoki Ami")
        .unwrap();
    let care = &v.care;
    assert_eq!(
        care.lot.as_ref().map(|l| l.number.as_str()),
        Some("EX-2611")
    );
    assert_eq!(care.vitals.len(), 2);
    assert_eq!(care.drip_checks.len(), 3);
    assert_eq!(
        care.plan.as_ref().map(|p| p.nurse.as_str()),
        Some("Nurse Sato")
    );
    assert_eq!(care.plan.as_ref().and_then(|p| p.weight_kg), Some(54.0));
}
