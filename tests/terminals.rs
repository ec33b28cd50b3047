//! The screens in real terminals: the board, the wall and a snapshot
//! client at once in tmux (as over `ssh -t`), resizes, a server that
//! restarts under a wall, TERM=linux and NO_COLOR, the operator question,
//! and bad input on the command line. Needs tmux (CI installs it).

mod common;

use std::time::Duration;

use common::tmux::Tmux;
use common::{BIN, Clinic};

/// The shell line that runs flowboard on this clinic.
fn flowboard(clinic: &Clinic, args: &str) -> String {
    format!(
        "{BIN} --data-dir {} --config {} --no-autostart {args}",
        clinic.data().display(),
        clinic.config().display()
    )
}

const SLOW: Duration = Duration::from_secs(20);

/// How fast the change arrives is measured by `cargo bench --bench
/// roundtrip` ("a change reaches the wall"); here only that it does.
#[test]
fn a_patient_registered_on_the_board_appears_on_the_wall_masked() {
    let Some(tmux) = Tmux::new() else { return };
    let clinic = Clinic::started();
    tmux.start("board", 120, 40, &flowboard(&clinic, "--as KS"));
    tmux.start("wall", 80, 24, &flowboard(&clinic, "--lang ja wall"));
    tmux.wait_for("board", "a arrival", SLOW);
    tmux.wait_for("wall", "お待ちの方はいません", SLOW);

    tmux.keys("board", &["a"]);
    tmux.wait_for("board", "Register arrival", SLOW);
    tmux.type_text("board", "Tanaka Yui");
    tmux.keys("board", &["Enter"]);
    let wall = tmux.wait_for("wall", "T.Y.", SLOW);
    // The wall masks the name and never shows the treatment.
    assert!(!wall.contains("Tanaka"), "{wall}");
    assert!(!wall.contains("点滴") && !wall.contains("drip"), "{wall}");
    assert!(wall.contains("受付済・待合 (1)"), "{wall}");

    // The board shows it in full, and a snapshot client at the same time.
    tmux.wait_for("board", "Tanaka Yui", SLOW);
    let snap = clinic.snapshot();
    assert_eq!(snap["visits"][0]["name"], "Tanaka Yui");
    let events = &clinic.ok(&["--no-autostart", "snapshot", "--json"]);
    assert!(events.contains("Tanaka Yui"));
}

#[test]
fn the_board_at_80x24_takes_resizes_and_says_when_it_is_too_small() {
    let Some(tmux) = Tmux::new() else { return };
    let clinic = Clinic::started();
    clinic.ok(&["add", "--name", "山田 花子", "--treatment", "drip"]);
    tmux.start("board", 80, 24, &flowboard(&clinic, "--as KS"));
    tmux.wait_for("board", "山田 花子", SLOW);
    for (w, h) in [(120, 40), (50, 12), (200, 50), (60, 16), (80, 24)] {
        tmux.resize("board", w, h);
        let screen = if w < 60 || h < 16 {
            tmux.wait_for("board", "Terminal too small", SLOW)
        } else {
            tmux.wait_for("board", "山田 花子", SLOW)
        };
        for line in screen.lines() {
            assert!(
                unicode_width(line) <= usize::from(w),
                "{w}x{h}: a line overflows: {line:?}"
            );
        }
    }
    let wall_ok = tmux.capture("board");
    assert!(wall_ok.contains("Flowboard Clinic"), "{wall_ok}");
}

fn unicode_width(s: &str) -> usize {
    flowboard::domain::text::width(s)
}

#[test]
fn the_wall_says_reconnecting_while_the_server_restarts_and_comes_back() {
    let Some(tmux) = Tmux::new() else { return };
    let mut clinic = Clinic::started();
    clinic.ok(&["add", "--name", "Sato Ken", "--treatment", "face"]);
    tmux.start("wall", 80, 24, &flowboard(&clinic, "wall"));
    tmux.wait_for("wall", "S.K.", SLOW);
    clinic.kill9();
    let lost = tmux.wait_for("wall", "RECONNECTING", SLOW);
    assert!(lost.contains("S.K."), "the last board stays: {lost}");
    clinic.start();
    clinic.ok(&["add", "--name", "Ito Mai", "--treatment", "face"]);
    let back = tmux.wait_for("wall", "I.M.", SLOW);
    assert!(!back.contains("RECONNECTING"), "{back}");
}

#[test]
fn on_the_linux_console_and_with_no_color_the_screens_stay_legible() {
    let Some(tmux) = Tmux::new() else { return };
    let clinic = Clinic::started();
    // Waiting for an hour: a critical alert.
    let hour_ago = (chrono::Utc::now() - chrono::Duration::minutes(60)).to_rfc3339();
    clinic.ok(&[
        "add",
        "--name",
        "Sato Ken",
        "--treatment",
        "drip",
        "--at",
        &hour_ago,
    ]);
    let linux = |args: &str| format!("env TERM=linux {}", flowboard(&clinic, args));
    let mono = |args: &str| format!("env NO_COLOR=1 {}", flowboard(&clinic, args));
    tmux.start("wall-linux", 80, 24, &linux("wall"));
    tmux.start("board-linux", 80, 24, &linux("--as KS"));
    tmux.start("wall-mono", 80, 24, &mono("wall"));
    tmux.start("board-mono", 80, 24, &mono("--as KS"));
    for name in ["wall-linux", "wall-mono"] {
        tmux.wait_for(name, "S.K.", SLOW);
    }
    for name in ["board-linux", "board-mono"] {
        tmux.wait_for(name, "Sato Ken", SLOW);
    }
    // Waiting since midnight: critical, readable as a word and a symbol.
    let board = tmux.wait_for("board-mono", "!! CRITICAL", SLOW);
    assert!(board.contains("waited"), "{board}");
    tmux.wait_for("wall-mono", "!! S.K.: needs attention now", SLOW);
    for name in ["wall-mono", "board-mono"] {
        let styled = tmux.capture_styled(name);
        // tmux writes colours as 3x/4x, 9x/10x or 38;/48; parameters.
        let coloured = styled
            .split('\u{1b}')
            .filter(|seq| seq.starts_with('['))
            .any(|seq| {
                let params = seq[1..].split('m').next().unwrap_or("");
                params.split(';').any(|p| {
                    let n: u32 = p.parse().unwrap_or(0);
                    (30..=49).contains(&n) && n != 39 && n != 49 || (90..=107).contains(&n)
                })
            });
        assert!(!coloured, "{name} has colour under NO_COLOR:\n{styled:?}");
    }
    for name in ["wall-linux", "board-linux"] {
        let styled = tmux.capture_styled(name);
        let indexed: Vec<u32> = styled
            .split("8;5;")
            .skip(1)
            .filter_map(|rest| rest.split(['m', ';']).next()?.parse().ok())
            .collect();
        assert!(
            indexed.iter().all(|n| *n < 8) && !styled.contains("\u{1b}[9"),
            "{name} uses more than the eight colours {indexed:?}:\n{styled:?}"
        );
        assert!(indexed.contains(&1), "{name}: critical is red:\n{styled:?}");
    }
}

#[test]
fn the_board_asks_who_is_working_and_remembers_it_for_this_terminal() {
    let Some(tmux) = Tmux::new() else { return };
    let clinic = Clinic::started();
    let state = clinic.dir.path().join("state");
    let board = format!(
        "env XDG_STATE_HOME={} {}",
        state.display(),
        flowboard(&clinic, "")
    );
    // The same terminal runs the board twice.
    tmux.start(
        "station",
        100,
        30,
        &format!("{board}; echo FIRST RUN OVER; {board}"),
    );
    tmux.wait_for("station", "Your initials", SLOW);
    tmux.keys("station", &["Enter"]);
    tmux.wait_for("station", "Initials are needed", SLOW);
    tmux.type_text("station", "ks");
    tmux.keys("station", &["Enter"]);
    tmux.wait_for("station", "a arrival", SLOW);
    tmux.keys("station", &["a"]);
    tmux.type_text("station", "Sato Ken");
    tmux.keys("station", &["Enter"]);
    tmux.wait_for("station", "by KS", SLOW);
    let snap = clinic.ok(&["--no-autostart", "snapshot", "--json"]);
    assert!(snap.contains("Sato Ken"), "{snap}");
    // Quit; the same terminal starts the board again: KS is offered.
    tmux.keys("station", &["q"]);
    tmux.wait_for("station", "[KS]", SLOW);
    tmux.keys("station", &["Enter"]);
    tmux.wait_for("station", "a arrival", SLOW);
    let remembered = std::fs::read_dir(state.join("flowboard/operators"))
        .unwrap()
        .count();
    assert_eq!(remembered, 1);
}

#[test]
fn bad_input_on_the_command_line_is_a_clear_error() {
    let clinic = Clinic::new();
    let out = clinic.run(&["--lang", "xx", "wall"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("use \"en\" or \"ja\""));

    let bad_names = Clinic::with_config("[wall]\nnames = \"nicknames\"\n");
    let out = bad_names.run(&["wall"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown variant `nicknames`"), "{err}");
    assert!(err.contains("initials") && err.contains("ticket"), "{err}");

    // Bad initials are a usage error in every mode, before anything else
    // (even before the board's own "needs a terminal" check).
    let started = Clinic::started();
    for args in [
        &["--as", "Nurse Sato", "--no-autostart"][..],
        &["--as", "\u{1b}[31mK S", "--no-autostart", "snapshot"][..],
        &["--as", "", "--no-autostart", "wall"][..],
    ] {
        let out = started.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--as") && err.contains("letters or digits"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("needs a terminal"), "{err}");
        assert!(
            !err.contains('\u{1b}'),
            "the error echoes no escape: {err:?}"
        );
    }

    // The wall needs a terminal and says so.
    let out = started.run(&["--no-autostart", "wall"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the wall needs a terminal"));
}

#[test]
fn a_wall_on_the_linux_console_shows_reception_numbers_for_kanji_and_says_so_in_the_log() {
    let Some(tmux) = Tmux::new() else { return };
    let clinic = Clinic::started();
    clinic.ok(&["add", "--name", "山田 花子", "--treatment", "drip"]);
    clinic.ok(&["add", "--name", "Sato Ken", "--treatment", "face"]);
    let linux = format!("env TERM=linux {}", flowboard(&clinic, "--lang ja wall"));
    tmux.start("wall-linux", 80, 24, &linux);
    let screen = tmux.wait_for("wall-linux", "No. 1", SLOW);
    // The console has no kanji: the number, and English words (whatever
    // --lang says); the initials it can draw stay.
    assert!(screen.contains("S.K."), "{screen}");
    assert!(screen.contains("Waiting"), "{screen}");
    assert!(screen.is_ascii(), "{screen}");
    let log = std::fs::read_to_string(clinic.data().join("flowboard.log")).unwrap();
    assert!(
        log.contains("wall attached") && log.contains("Linux console"),
        "{log}"
    );
    // A terminal that draws Japanese gets the initials as written.
    tmux.start("wall-utf8", 80, 24, &flowboard(&clinic, "--lang ja wall"));
    tmux.wait_for("wall-utf8", "山.花.", SLOW);
}
