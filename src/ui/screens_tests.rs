//! What the staff see, as snapshots of the whole screen at 10:00 on a
//! busy morning (src/ui/snapshots/). Review a changed snapshot as you would
//! the screen itself: are the Japanese rows aligned, is anything cut badly?

use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;

use super::fixture::{ENGLISH, JAPANESE, busy_morning, draw, press, type_text};
use super::{App, Connection, Mode};
use crate::client::ClientEvent;
use crate::i18n::Lang;
use crate::ui::{Msg, update};

/// The busy morning, with patient 10 (who has a history) selected.
fn morning(names: [&str; 13], lang: Lang) -> App {
    let (day, sho) = busy_morning(names);
    let mut app = day.app(lang);
    app.selected = Some(sho);
    app
}

#[test]
fn busy_morning_in_english_at_80x24() {
    let app = morning(ENGLISH, Lang::En);
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn busy_morning_in_english_at_160x48() {
    let app = morning(ENGLISH, Lang::En);
    assert_snapshot!(draw(&app, 160, 48).backend());
}

#[test]
fn busy_morning_in_english_at_200x50() {
    let app = morning(ENGLISH, Lang::En);
    assert_snapshot!(draw(&app, 200, 50).backend());
}

#[test]
fn japanese_names_on_a_japanese_screen_at_80x24() {
    let app = morning(JAPANESE, Lang::Ja);
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn japanese_names_on_a_japanese_screen_at_160x48() {
    let app = morning(JAPANESE, Lang::Ja);
    assert_snapshot!(draw(&app, 160, 48).backend());
}

#[test]
fn japanese_names_on_an_english_screen_at_80x24() {
    let app = morning(JAPANESE, Lang::En);
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn japanese_names_on_an_english_screen_at_160x48() {
    let app = morning(JAPANESE, Lang::En);
    assert_snapshot!(draw(&app, 160, 48).backend());
}

#[test]
fn the_selected_row_stays_in_view_at_the_bottom_of_the_list() {
    let mut app = morning(ENGLISH, Lang::En);
    press(&mut app, KeyCode::End);
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn help_lists_every_key() {
    let mut app = morning(ENGLISH, Lang::En);
    press(&mut app, KeyCode::Char('?'));
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn help_in_japanese() {
    let mut app = morning(JAPANESE, Lang::Ja);
    press(&mut app, KeyCode::Char('?'));
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn arrival_form_says_what_is_missing_next_to_the_field() {
    let mut app = morning(ENGLISH, Lang::En);
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "A-1234");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "9:7x");
    press(&mut app, KeyCode::Enter);
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn arrival_form_in_japanese_with_a_name_typed() {
    let mut app = morning(JAPANESE, Lang::Ja);
    press(&mut app, KeyCode::Char('a'));
    type_text(&mut app, "山田 花子");
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn bed_form_for_a_drip() {
    let mut app = morning(ENGLISH, Lang::En);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn cancel_form() {
    let mut app = morning(ENGLISH, Lang::En);
    press(&mut app, KeyCode::Char('x'));
    type_text(&mut app, "went home");
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn undo_asks_first() {
    // The selected patient's last action is a change of stage: the undo
    // asks for the reason.
    let mut app = morning(ENGLISH, Lang::En);
    press(&mut app, KeyCode::Char('u'));
    assert!(
        matches!(&app.mode, Mode::Form(f) if matches!(f.kind, crate::ui::forms::FormKind::Undo { .. }))
    );
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn connection_lost_banner_over_the_last_board_seen() {
    let mut app = morning(ENGLISH, Lang::En);
    update(
        &mut app,
        Msg::Client(ClientEvent::Lost("the server closed the connection".into())),
        super::fixture::ten(),
    );
    assert_eq!(
        app.connection,
        Connection::Lost("the server closed the connection".into())
    );
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn connection_lost_in_japanese() {
    let mut app = morning(JAPANESE, Lang::Ja);
    update(
        &mut app,
        Msg::Client(ClientEvent::Lost("the server closed the connection".into())),
        super::fixture::ten(),
    );
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn connecting_at_start_up() {
    let app = App::new(crate::config::Config::default(), None);
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn typing_a_filter() {
    let mut app = morning(ENGLISH, Lang::En);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "drip");
    assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn too_small_a_terminal_says_so() {
    let app = morning(ENGLISH, Lang::En);
    assert_snapshot!(draw(&app, 50, 12).backend());
}

#[test]
fn too_small_in_japanese() {
    let app = morning(JAPANESE, Lang::Ja);
    assert_snapshot!(draw(&app, 30, 10).backend());
}

#[test]
fn the_smallest_usable_screen() {
    let app = morning(JAPANESE, Lang::Ja);
    assert_snapshot!(draw(&app, 60, 16).backend());
}

#[test]
fn no_size_makes_the_screen_panic() {
    let mut app = morning(JAPANESE, Lang::Ja);
    for setup in 0..4 {
        match setup {
            1 => {
                press(&mut app, KeyCode::Char('?'));
            }
            2 => {
                press(&mut app, KeyCode::Esc);
                press(&mut app, KeyCode::Char('a'));
                type_text(&mut app, "長谷川 さくらこ長谷川 さくらこ");
            }
            3 => {
                press(&mut app, KeyCode::Esc);
                press(&mut app, KeyCode::Char('/'));
            }
            _ => {}
        }
        for w in [0, 1, 2, 10, 59, 60, 61, 79, 80, 119, 120, 121, 250] {
            for h in [0, 1, 5, 15, 16, 17, 24, 60] {
                draw(&app, w, h);
            }
        }
    }
}

#[test]
fn with_no_color_severity_still_reads_from_symbols_and_the_selection_from_reverse_video() {
    use ratatui::style::{Color, Modifier};
    let colored = morning(ENGLISH, Lang::En);
    let plain = morning(ENGLISH, Lang::En).with_color(false);
    let a = draw(&colored, 80, 24);
    let b = draw(&plain, 80, 24);
    // Same text on screen...
    assert_eq!(a.backend().to_string(), b.backend().to_string());
    let cells = &b.backend().buffer().content;
    // ...no colour at all...
    assert!(
        cells
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
    // ...while the coloured screen has some, and both show the selection.
    assert!(
        a.backend()
            .buffer()
            .content
            .iter()
            .any(|c| c.fg == Color::Red)
    );
    assert!(
        cells
            .iter()
            .any(|c| c.modifier.contains(Modifier::REVERSED))
    );
    assert!(b.backend().to_string().contains("!! CRITICAL"));
}

/// The Linux console of a small wall computer (TERM=linux): eight colours,
/// no grey, no italics. The style map shows where colour and reverse video
/// fall (`R` red, `Y` yellow, `C` cyan, `r` reverse, `.` plain).
#[test]
fn the_board_on_the_linux_console_uses_eight_colours() {
    use crate::ui::palette::{Palette, is_basic, style_map};
    let app = morning(ENGLISH, Lang::En).with_palette(Palette::Basic8);
    let t = draw(&app, 80, 24);
    let cells = &t.backend().buffer().content;
    assert!(cells.iter().all(|c| is_basic(c.fg) && is_basic(c.bg)));
    assert!(cells.iter().any(|c| c.fg == ratatui::style::Color::Red));
    assert_snapshot!(style_map(t.backend().buffer()));
}

#[test]
fn the_board_with_no_color_is_reverse_video_and_plain_text_only() {
    use crate::ui::palette::{Palette, style_map};
    let app = morning(ENGLISH, Lang::En).with_palette(Palette::Mono);
    let t = draw(&app, 80, 24);
    let map = style_map(t.backend().buffer());
    assert!(map.chars().all(|c| matches!(c, '.' | 'r' | '\n')), "{map}");
    assert_snapshot!(map);
}

/// A branch whose shipping to the clinic group is behind: the header's
/// second line says so first, in the screen's language, at 80 columns.
#[test]
fn the_header_warns_when_the_group_shipping_is_behind() {
    use super::fixture::{ten, tokyo};
    for (lang, words) in [
        (Lang::En, "! group: not shipped since 09:15 (45 min)"),
        (Lang::Ja, "! グループ未送信: 09:15 から (45 分)"),
    ] {
        let mut app = morning(ENGLISH, lang);
        app.shipping = Some(crate::protocol::ShippingBehind {
            site: "ginza".into(),
            since: tokyo(9, 15),
        });
        assert_eq!(ten() - tokyo(9, 15), chrono::Duration::minutes(45));
        let terminal = draw(&app, 80, 24);
        let buffer = terminal.backend().buffer();
        let second: String = (0..80)
            .map(|x| buffer[(x, 1)].symbol().to_string())
            .collect();
        // Wide characters take two cells; the second is blank in the buffer.
        let squeezed: String = second.replace(' ', "");
        assert!(
            squeezed.starts_with(&words.replace(' ', "")),
            "{lang:?}: {second:?}"
        );
        // Caught up: the counts are back where they were.
        app.shipping = None;
        let terminal = draw(&app, 80, 24);
        let buffer = terminal.backend().buffer();
        let second: String = (0..80)
            .map(|x| buffer[(x, 1)].symbol().to_string())
            .collect();
        assert!(!second.contains('!'), "{second:?}");
    }
}

/// The columns follow what they hold and the width of the screen: at 120
/// columns (the board beside the patient pane) an 18-cell name and a
/// 15-cell treatment are shown whole, the bed and timer columns as wide as
/// their content (the issue: names cut at 14 cells while there was room);
/// a longer name gives way there, marked where it is cut, and is whole at
/// 80 columns where the board has the screen to itself.
#[test]
fn the_columns_follow_their_content_and_the_screen() {
    let mut day = super::fixture::Day::new();
    let name = "Alexandra Hamilton";
    let kanji = "長谷川 久美子";
    let long = "Maximilian Alexandersson";
    day.arrive((9, 0), name, "drip");
    day.arrive((9, 5), kanji, "face");
    day.arrive((9, 10), long, "scalp");
    let app = day.app(Lang::En);
    let row = |w: u16, text: &str| -> String {
        let screen = draw(&app, w, 24).backend().to_string();
        screen
            .lines()
            // The board's row, not the alert strip's or the pane's (`#1`).
            .find(|l| l.contains(text) && !l.contains('#'))
            .unwrap_or_else(|| panic!("no row with {text:?} at {w}:\n{screen}"))
            .to_string()
    };
    let wide = row(120, name);
    assert!(
        wide.contains(&format!("{name}  Exosome IV drip -")),
        "{wide}"
    );
    assert!(row(120, kanji).contains(kanji));
    // Beside the pane the longest name gives way, marked where cut; at
    // 80 columns (no pane) it is whole, and the alerts keep their room.
    let beside = row(120, "Maximilian");
    assert!(beside.contains("Maximilian Alexand~ Scalp"), "{beside}");
    let narrow = row(80, long);
    assert!(
        narrow.contains("waited 50m"),
        "the alerts keep room: {narrow}"
    );
    // Not a fixed width: with short names only, the treatment starts
    // right after them.
    let mut short = super::fixture::Day::new();
    short.arrive((9, 0), "Li Na", "drip");
    let app = short.app(Lang::En);
    let screen = draw(&app, 120, 24).backend().to_string();
    let line = (screen.lines())
        .find(|l| l.contains("Li Na") && !l.contains('#'))
        .unwrap();
    assert!(line.contains("Li Na    Exosome IV drip -   "), "{line}");
}
