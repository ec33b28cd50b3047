//! `flowboard wall`: the waiting room's screen.

use std::io::IsTerminal;
use std::process::ExitCode;

use super::Outcome;
use crate::client::{AutoStart, ClientEvent, run_link};
use crate::config::Config;
use crate::i18n::Lang;
use crate::paths::DataDir;
use crate::protocol::Role;
use crate::ui;

pub async fn wall(
    data: DataDir,
    config: Config,
    autostart: Option<AutoStart>,
    lang: Option<Lang>,
) -> Outcome {
    if !std::io::stdout().is_terminal() {
        return Err(
            "the wall needs a terminal (over SSH: ssh -t); for scripts use `flowboard snapshot --json`"
                .into(),
        );
    }
    // The Linux console draws no kanji or kana: reception numbers and
    // English words there, and the server's log says so.
    let term = std::env::var("TERM").ok();
    let cjk = ui::palette::Palette::draws_cjk(term.as_deref());
    let client = if cjk {
        "wall".to_string()
    } else {
        "wall, Linux console: numbers, English".to_string()
    };
    // The wall sends nothing (and the server would refuse it anything);
    // its role gets the wall's projection, never the board.
    let (req_tx, req_rx) = tokio::sync::mpsc::channel(1);
    let (ev_tx, ev_rx) = tokio::sync::mpsc::channel::<ClientEvent>(64);
    tokio::spawn(run_link(data, autostart, Role::Wall, client, req_rx, ev_tx));
    let mut screen = crate::wall::Wall::new(config).with_palette(ui::palette::Palette::from_env());
    if let Some(lang) = lang {
        screen = screen.with_lang(lang);
    }
    if !cjk {
        screen = screen.on_ascii_console();
    }
    ui::run(screen, ev_rx, req_tx).await?;
    Ok(ExitCode::SUCCESS)
}
