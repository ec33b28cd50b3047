//! The wall as the waiting room sees it, at 10:00 on the busy morning
//! (src/wall/snapshots/). Review a changed snapshot as the room would:
//! can it be read from across the room, does it give anything away?

use chrono::{DateTime, Duration, Utc};
use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{Wall, draw_with, emergency_banner, update, view};
use crate::client::ClientEvent;
use crate::config::WallNames;
use crate::i18n::Lang;
use crate::projection::{WallSettings, project};
use crate::protocol::{Role, WallWelcome};
use crate::ui::fixture::{Day, ENGLISH, JAPANESE, busy_hour, busy_morning, ten, tokyo};
use crate::ui::palette::{Palette, style_map};
use crate::ui::{Connection, Msg};

/// A wall connected to the clinic of `day`: it holds what the server
/// projects for it at 10:00, nothing more.
fn wall_of(day: &Day, lang: Lang) -> Wall {
    wall_at(day, lang, ten())
}

/// A wall connected to the clinic of `day`, as projected at `now`.
fn wall_at(day: &Day, lang: Lang, now: DateTime<Utc>) -> Wall {
    let mut wall = Wall::new(day.config.clone()).with_lang(lang);
    let welcome = WallWelcome {
        protocol: crate::protocol::PROTOCOL_VERSION,
        server_version: "test".into(),
        role: Role::Wall,
        settings: WallSettings::of(&day.config),
        wall: project(&day.board, &day.config, now),
    };
    update(
        &mut wall,
        Msg::Client(ClientEvent::WallConnected(Box::new(welcome))),
        now,
    );
    wall
}

/// The server's next projection reaches the wall.
fn projected(wall: &mut Wall, day: &Day, now: DateTime<Utc>) -> crate::ui::Action {
    let view = project(&day.board, &day.config, now);
    update(wall, Msg::Client(ClientEvent::Wall(Box::new(view))), now)
}

fn morning(names: [&str; 13], lang: Lang) -> Wall {
    let (day, _) = busy_morning(names);
    wall_of(&day, lang)
}

fn draw_at(wall: &Wall, w: u16, h: u16, now: DateTime<Utc>) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| view(f, wall, now)).unwrap();
    terminal
}

fn draw(wall: &Wall, w: u16, h: u16) -> Terminal<TestBackend> {
    draw_at(wall, w, h, ten())
}

fn text(terminal: &Terminal<TestBackend>) -> String {
    terminal.backend().to_string()
}

#[test]
fn busy_morning_in_english_at_80x24() {
    assert_snapshot!(draw(&morning(ENGLISH, Lang::En), 80, 24).backend());
}

#[test]
fn busy_morning_in_english_at_160x48() {
    assert_snapshot!(draw(&morning(ENGLISH, Lang::En), 160, 48).backend());
}

#[test]
fn busy_morning_in_english_at_240x67() {
    assert_snapshot!(draw(&morning(ENGLISH, Lang::En), 240, 67).backend());
}

#[test]
fn busy_morning_in_japanese_at_80x24() {
    assert_snapshot!(draw(&morning(JAPANESE, Lang::Ja), 80, 24).backend());
}

#[test]
fn busy_morning_in_japanese_at_160x48() {
    assert_snapshot!(draw(&morning(JAPANESE, Lang::Ja), 160, 48).backend());
}

#[test]
fn busy_morning_in_japanese_at_240x67() {
    assert_snapshot!(draw(&morning(JAPANESE, Lang::Ja), 240, 67).backend());
}

/// Every screen size and language: no full name, no treatment, no reason
/// for leaving, no detail of an alert reaches the waiting room.
#[test]
fn the_wall_never_shows_a_name_a_treatment_or_what_an_alert_is_about() {
    for (names, lang) in [
        (ENGLISH, Lang::En),
        (JAPANESE, Lang::Ja),
        (ENGLISH, Lang::Ja),
    ] {
        let (day, _) = busy_morning(names);
        let wall = wall_of(&day, lang);
        for (w, h) in [(40, 10), (80, 24), (120, 30), (160, 48), (240, 67)] {
            let shown = text(&draw(&wall, w, h));
            for name in names {
                for part in name.split(' ').filter(|p| p.chars().count() > 1) {
                    assert!(!shown.contains(part), "{part} shown at {w}x{h}:\n{shown}");
                }
            }
            for t in &day.config.treatments {
                assert!(!shown.contains(&t.label), "{} at {w}x{h}", t.label);
                if let Some(ja) = &t.label_ja {
                    assert!(!shown.contains(ja.as_str()), "{ja} at {w}x{h}");
                }
            }
            for secret in [
                "drip",
                "injection",
                "anaphylaxis",
                "fever",
                "hemostasis",
                "点滴",
                "注射",
                "止血",
                "waited",
                "overdue",
            ] {
                assert!(!shown.contains(secret), "{secret} at {w}x{h}:\n{shown}");
            }
        }
    }
}

/// Kobayashi Ren (waiting, #7) and Kato Riku (on bed 3, #5) are both
/// K.R.; Tanaka Yui (#13) gets two more T.Y.s for company.
#[test]
fn colliding_initials_get_their_reception_numbers() {
    let (mut day, _) = busy_morning(ENGLISH);
    day.arrive((9, 55), "Tanaka Yuto", "face");
    day.arrive((9, 56), "Takeda Yoko", "drip");
    let wall = wall_of(&day, Lang::En);
    let shown = text(&draw(&wall, 80, 24));
    for label in ["K.R. #7", "K.R. #5", "T.Y. #13", "T.Y. #14", "T.Y. #15"] {
        assert!(shown.contains(label), "{label} missing:\n{shown}");
    }
    assert_snapshot!(shown);
}

#[test]
fn the_wall_can_show_reception_numbers_only() {
    let (mut day, _) = busy_morning(JAPANESE);
    day.config.wall.names = WallNames::Ticket;
    let wall = wall_of(&day, Lang::Ja);
    let shown = text(&draw(&wall, 80, 24));
    assert!(shown.contains("13番"), "{shown}");
    assert!(!shown.contains("田."), "{shown}");
}

/// Forty-five patients waiting do not fit at 80x24: the queue turns its page
/// every ten seconds (the default), says which page it shows, and every
/// patient is on one of the pages.
#[test]
fn a_long_queue_pages_every_page_seconds() {
    let mut day = Day::new();
    for i in 0..45u32 {
        let name = format!("Patient{i:02} Test{i:02}");
        let treatment = ["drip", "face", "scalp"][i as usize % 3];
        day.arrive((9 + i / 60, i % 60), &name, treatment);
    }
    let wall = wall_of(&day, Lang::En);
    let first = text(&draw_at(&wall, 80, 24, tokyo(10, 0)));
    let second = text(&draw_at(
        &wall,
        80,
        24,
        tokyo(10, 0) + Duration::seconds(10),
    ));
    let back = text(&draw_at(
        &wall,
        80,
        24,
        tokyo(10, 0) + Duration::seconds(20),
    ));
    assert_ne!(first, second);
    assert!(first.contains("page 1/2"), "{first}");
    assert!(second.contains("page 2/2"), "{second}");
    assert!(
        back.contains("page 1/2") && back.contains("P.T. #1 "),
        "{back}"
    );
    // Every patient is on one of the pages.
    let all = format!("{first}{second}");
    for i in 1..=45 {
        assert!(all.contains(&format!("P.T. #{i} ")), "#{i} on no page");
    }
    assert_snapshot!("paging_first_page", first);
    assert_snapshot!("paging_second_page", second);
}

#[test]
fn the_emergency_banner_alone() {
    let mut terminal = Terminal::new(TestBackend::new(60, 3)).unwrap();
    terminal
        .draw(|f| emergency_banner(f, f.area(), "Bed 2", Lang::En))
        .unwrap();
    assert_snapshot!(terminal.backend());
    let mut terminal = Terminal::new(TestBackend::new(60, 3)).unwrap();
    terminal
        .draw(|f| emergency_banner(f, f.area(), "ベッド 2", Lang::Ja))
        .unwrap();
    assert_snapshot!(terminal.backend());
}

fn with_emergency(wall: &Wall, w: u16, h: u16, place: &str) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| draw_with(f, wall, ten(), &[place.to_string()]))
        .unwrap();
    terminal
}

#[test]
fn the_emergency_banner_over_the_wall_in_english_at_80x24() {
    let wall = morning(ENGLISH, Lang::En);
    assert_snapshot!(with_emergency(&wall, 80, 24, "Bed 2").backend());
}

#[test]
fn the_emergency_banner_over_the_wall_in_japanese_at_160x48() {
    let wall = morning(JAPANESE, Lang::Ja);
    assert_snapshot!(with_emergency(&wall, 160, 48, "ベッド 2").backend());
}

#[test]
fn the_emergency_banner_reads_without_colour() {
    let wall = morning(ENGLISH, Lang::En).with_palette(Palette::Mono);
    let t = with_emergency(&wall, 80, 24, "Bed 2");
    let buffer = t.backend().buffer();
    // Reverse video on the banner's whole width, with no colour at all.
    let map = style_map(buffer);
    let banner_line = map.lines().nth(2).unwrap();
    assert_eq!(banner_line, "r".repeat(80), "{map}");
}

#[test]
fn an_anaphylaxis_puts_the_emergency_banner_on_the_wall_without_saying_what_it_is() {
    let (mut day, _) = busy_morning(ENGLISH);
    let on_bed_2 = day.board.occupant("2").expect("someone on bed 2").id;
    let name = day.board.visit(on_bed_2).unwrap().name.clone();
    day.run(
        ten() - Duration::minutes(2),
        None,
        Some("KS"),
        crate::domain::Command::Record {
            visit: on_bed_2,
            entry: crate::domain::Entry::Reaction {
                reaction: crate::domain::ReactionKind::Anaphylaxis,
                signs: "wheeze, hives".into(),
                action: "drip stopped".into(),
                stop_drip: false,
            },
        },
    );
    let wall = wall_of(&day, Lang::En);
    assert_eq!(super::emergencies(&wall), vec!["Bed 2".to_string()]);
    let shown = text(&draw(&wall, 80, 24));
    assert!(shown.contains("EMERGENCY"), "{shown}");
    assert!(
        !shown.contains("naphylaxis") && !shown.contains("wheeze"),
        "{shown}"
    );
    assert!(!shown.contains(&name), "no full name on the wall: {shown}");
    // And without one, no banner.
    let calm = morning(ENGLISH, Lang::En);
    assert!(super::emergencies(&calm).is_empty());
    assert!(!text(&draw(&calm, 80, 24)).contains("EMERGENCY"));
}

#[test]
fn reconnecting_is_shown_over_the_last_board_seen() {
    let mut wall = morning(JAPANESE, Lang::Ja);
    update(
        &mut wall,
        Msg::Client(ClientEvent::Lost("the server closed the connection".into())),
        ten(),
    );
    assert!(matches!(wall.connection, Connection::Lost(_)));
    assert_snapshot!(draw(&wall, 80, 24).backend());
}

#[test]
fn too_small_a_wall_says_so() {
    assert_snapshot!(draw(&morning(ENGLISH, Lang::En), 39, 9).backend());
}

#[test]
fn no_size_makes_the_wall_panic() {
    let wall = morning(JAPANESE, Lang::Ja);
    for w in [
        0, 1, 2, 10, 39, 40, 41, 59, 60, 79, 80, 81, 119, 160, 250, 400,
    ] {
        for h in [0, 1, 5, 9, 10, 11, 19, 20, 24, 48, 67, 100] {
            draw(&wall, w, h);
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            terminal
                .draw(|f| draw_with(f, &wall, ten(), &["ベッド 2".into(), "Bed 4".into()]))
                .unwrap();
        }
    }
}

#[test]
fn the_wall_ignores_every_key_but_leaving() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut wall = morning(ENGLISH, Lang::En);
    let before = wall.view.clone();
    for code in [
        KeyCode::Char('a'),
        KeyCode::Enter,
        KeyCode::Char('x'),
        KeyCode::Char('u'),
        KeyCode::Down,
    ] {
        let action = update(
            &mut wall,
            Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
            ten(),
        );
        assert!(action.send.is_empty() && !action.quit, "{code:?}");
    }
    assert_eq!(wall.view, before);
    let quit = update(
        &mut wall,
        Msg::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE)),
        ten(),
    );
    assert!(quit.quit);
}

/// A patient arrives at 9:50 and waits: at 10:10 a warning (no bell), at
/// 10:30 the wait turns critical and the bell rings, once; with the bell
/// off in the config, never. The wall hears of it from the server's next
/// projection: it is never told what the alert is.
#[test]
fn the_bell_rings_once_when_a_critical_alert_appears() {
    let mut day = Day::new();
    day.arrive((9, 50), "Tanaka Yui", "face");
    let mut wall = wall_at(&day, Lang::En, tokyo(10, 5));
    let ring = |wall: &mut Wall, now| projected(wall, &day, now).bell;
    assert!(!ring(&mut wall, tokyo(10, 10)));
    assert!(!ring(&mut wall, tokyo(10, 29)));
    assert!(ring(&mut wall, tokyo(10, 30)));
    assert!(!ring(&mut wall, tokyo(10, 31)));
    assert!(!update(&mut wall, Msg::Tick, tokyo(10, 32)).bell);
    day.config.terminal.bell = false;
    let mut quiet = wall_at(&day, Lang::En, tokyo(10, 5));
    let ring = |wall: &mut Wall, now| projected(wall, &day, now).bell;
    assert!(!ring(&mut quiet, tokyo(10, 29)));
    assert!(!ring(&mut quiet, tokyo(10, 30)));
}

/// Connecting (or reconnecting) to a wall where a critical alert already
/// stands does not ring.
#[test]
fn a_wall_that_connects_to_a_standing_critical_alert_does_not_ring() {
    let mut day = Day::new();
    day.arrive((9, 0), "Tanaka Yui", "face");
    let mut wall = Wall::new(day.config.clone());
    let welcome = WallWelcome {
        protocol: crate::protocol::PROTOCOL_VERSION,
        server_version: "test".into(),
        role: Role::Wall,
        settings: WallSettings::of(&day.config),
        wall: project(&day.board, &day.config, ten()),
    };
    let action = update(
        &mut wall,
        Msg::Client(ClientEvent::WallConnected(Box::new(welcome))),
        ten(),
    );
    assert!(!action.bell);
    assert!(wall.confirmed);
}

#[test]
fn on_the_linux_console_the_wall_uses_eight_colours() {
    let wall = morning(ENGLISH, Lang::En).with_palette(Palette::Basic8);
    let t = draw(&wall, 80, 24);
    assert!(
        t.backend()
            .buffer()
            .content
            .iter()
            .all(|c| crate::ui::palette::is_basic(c.fg) && crate::ui::palette::is_basic(c.bg))
    );
    assert_snapshot!(style_map(t.backend().buffer()));
}

// ---- the busy hour -------------------------------------------------------------

/// The waiting room at 10:00 of the busy hour: bed 4 being cleaned, bed 1
/// in use by a patient who asked not to be shown (no initials, no
/// number), the drip patients waiting for a bed with their estimated wait
/// in 5-minute steps, and the other patient not shown nowhere.
fn busy_hour_wall(names: [&str; 13], lang: Lang) -> Wall {
    wall_of(&busy_hour(names), lang)
}

fn assert_hidden(screen: &str, names: [&str; 13]) {
    let day = busy_hour(names);
    for v in day.board.visits.values().filter(|v| v.care.do_not_display) {
        let label = crate::projection::names::initials(&v.name);
        assert!(!screen.contains(&label), "{label} on the wall:\n{screen}");
        assert!(
            !screen.contains(&format!("#{}", v.ticket)),
            "#{} on the wall:\n{screen}",
            v.ticket
        );
    }
}

/// A patient on bed 2 in a vasovagal reaction: observation runs until
/// 15 minutes after symptom-free, which has not come yet.
fn until_symptom_free(names: [&str; 13]) -> Day {
    use crate::domain::{Command, Entry, ReactionKind};
    let (mut day, _) = busy_morning(names);
    let on_bed_2 = day
        .board
        .visits
        .values()
        .find(|v| v.bed.as_deref() == Some("2"))
        .map(|v| v.id)
        .unwrap();
    day.run(
        tokyo(9, 58),
        None,
        None,
        Command::Record {
            visit: on_bed_2,
            entry: Entry::Reaction {
                reaction: ReactionKind::Vasovagal,
                signs: "pale, sweating".into(),
                action: "lying flat".into(),
                stop_drip: true,
            },
        },
    );
    day
}

#[test]
fn an_observation_until_symptom_free_shows_the_word_never_a_finished_00_00() {
    let day = until_symptom_free(ENGLISH);
    let shown = text(&draw(&wall_of(&day, Lang::En), 120, 30));
    assert!(shown.contains("until symptom-free"), "{shown}");
    assert!(!shown.contains("resting - left"), "{shown}");
    let day = until_symptom_free(JAPANESE);
    let shown = text(&draw(&wall_of(&day, Lang::Ja), 120, 30));
    assert!(shown.contains("症状消失まで"), "{shown}");
}

#[test]
fn an_observation_until_symptom_free_on_the_wall_at_120x30() {
    let day = until_symptom_free(ENGLISH);
    assert_snapshot!(draw(&wall_of(&day, Lang::En), 120, 30).backend());
}

#[test]
fn on_the_linux_console_kanji_initials_become_reception_numbers_in_english() {
    let (mut day, _) = busy_morning(JAPANESE);
    day.config.clinic_name = "青山クリニック".into();
    let wall = wall_of(&day, Lang::Ja).on_ascii_console();
    for (w, h) in [(80, 24), (160, 48)] {
        let shown = text(&draw(&wall, w, h));
        let body: String = shown
            .lines()
            .map(|l| l.split("\" Hidden by").next().unwrap_or(l))
            .collect();
        assert!(
            body.is_ascii(),
            "only what the console can draw at {w}x{h}:\n{shown}"
        );
        assert!(shown.contains("No. "), "{shown}");
        assert!(shown.contains("Waiting"), "English words: {shown}");
    }
}

#[test]
fn the_busy_hour_wall_in_english_at_80x24() {
    let wall = busy_hour_wall(ENGLISH, Lang::En);
    let screen = draw(&wall, 80, 24);
    assert!(text(&screen).contains("Bed 1  ! in use"));
    assert!(text(&screen).contains("Bed 4  cleaning"));
    assert!(text(&screen).contains("about 10 min"));
    assert_hidden(&text(&screen), ENGLISH);
    assert_snapshot!(screen.backend());
}

#[test]
fn the_busy_hour_wall_in_english_at_160x48() {
    let wall = busy_hour_wall(ENGLISH, Lang::En);
    let screen = draw(&wall, 160, 48);
    assert_hidden(&text(&screen), ENGLISH);
    assert_snapshot!(screen.backend());
}

#[test]
fn the_busy_hour_wall_in_japanese_at_80x24() {
    let wall = busy_hour_wall(JAPANESE, Lang::Ja);
    let screen = draw(&wall, 80, 24);
    assert!(text(&screen).contains("使用中"));
    assert!(text(&screen).contains("清掃中"));
    assert!(text(&screen).contains("約10分"));
    assert_snapshot!(screen.backend());
}

#[test]
fn the_busy_hour_wall_in_japanese_at_160x48() {
    let wall = busy_hour_wall(JAPANESE, Lang::Ja);
    assert_snapshot!(draw(&wall, 160, 48).backend());
}

#[test]
fn the_wall_on_the_linux_console_at_80x24() {
    let (day, _) = busy_morning(JAPANESE);
    let wall = wall_of(&day, Lang::Ja)
        .on_ascii_console()
        .with_palette(Palette::Basic8);
    assert_snapshot!(draw(&wall, 80, 24).backend());
}

#[test]
fn a_long_queue_at_80x24_names_each_stage_once_and_says_where_it_goes_on() {
    let (mut day, _) = busy_morning(ENGLISH);
    for i in 0..23 {
        day.arrive((9, 30 + i / 3), &format!("Queue Person{i:02}"), "face");
    }
    let wall = wall_of(&day, Lang::En);
    let shown = text(&draw(&wall, 80, 24));
    let headings = shown.matches("Waiting (").count();
    assert_eq!(headings, 1, "the count is said once:\n{shown}");
    assert!(shown.contains("Waiting, continued"), "{shown}");
    assert_snapshot!(draw(&wall, 80, 24).backend());
}
