//! The board (the nurse station, the back office) and the demo: the
//! operator's initials asked and remembered, the link, the screen.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;

use super::Outcome;
use crate::client::{AutoStart, ClientEvent, Connection, run_link};
use crate::config::Config;
use crate::i18n::Lang;
use crate::paths::DataDir;
use crate::protocol::Role;
use crate::ui;

/// `config` is the local one, shown until the server's arrives.
pub async fn board(
    data: DataDir,
    config: Config,
    autostart: Option<AutoStart>,
    role: Role,
    lang: Option<Lang>,
    operator: Option<String>,
) -> Outcome {
    if !std::io::stdout().is_terminal() {
        return Err(
            "the board needs a terminal; for scripts use `flowboard snapshot --json`".into(),
        );
    }
    // Every change is recorded with who made it: ask when --as is not given
    // (a read-only board records nothing, so it does not ask).
    let operator = match (operator, role) {
        // Already checked and cleaned by `parse_initials`.
        (Some(who), _) => Some(who),
        (None, Role::Operator) => Some(ask_operator(lang.unwrap_or(config.language))?),
        (None, Role::ReadOnly | Role::Wall) => None,
    };
    let (req_tx, req_rx) = tokio::sync::mpsc::channel(32);
    let (ev_tx, ev_rx) = tokio::sync::mpsc::channel::<ClientEvent>(64);
    tokio::spawn(run_link(
        data,
        autostart,
        role,
        "board".to_string(),
        req_rx,
        ev_tx,
    ));
    // TERM decides the colours (the Linux console has eight), and
    // https://no-color.org: any non-empty NO_COLOR turns colour off.
    let mut app = ui::App::new(config, operator).with_palette(ui::palette::Palette::from_env());
    if let Some(lang) = lang {
        app = app.with_lang(lang);
    }
    ui::run(app, ev_rx, req_tx).await?;
    Ok(ExitCode::SUCCESS)
}

/// `demo --history-days N`: past days to write first, and where.
pub struct History {
    pub days: u32,
    /// Given with --data-dir (else a throwaway directory).
    pub dir: Option<PathBuf>,
    pub config: Config,
}

/// Writes the past days into the data directory; prints what it wrote.
fn fill_history(data: &DataDir, history: &History) -> Result<(), Box<dyn std::error::Error>> {
    data.create()?;
    let options = crate::store::StoreOptions {
        cache_bytes: u64::from(history.config.store.cache_mb) * 1024 * 1024,
    };
    let store = crate::store::Store::open_with(&data.db(), options)?;
    let started = std::time::Instant::now();
    let today = Utc::now()
        .with_timezone(&history.config.timezone)
        .date_naive();
    let step = (history.days / 10).max(1);
    let filled = crate::demo::fill::fill(
        &store,
        &history.config,
        history.days,
        today,
        &mut crate::demo::history::Clinic::new(1),
        |done, days| {
            if done % step == 0 && done < days {
                eprintln!("flowboard demo: {done} of {days} days written");
            }
        },
    )?;
    // sled writes its page table (a snapshot) when it opens: opening once
    // now spares the first start of a server the reading of the whole log.
    drop(store);
    drop(crate::store::Store::open_with(&data.db(), options)?);
    eprintln!(
        "flowboard demo: {} days ({} visits, {} events) written into {} in {:.1} s",
        filled.days,
        filled.visits,
        filled.events,
        data.root().display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `demo --history-days N --fill-only`: the past days, no server, no board.
pub fn fill_only_mode(history: Option<History>) -> ExitCode {
    let Some(history) = history else {
        eprintln!("flowboard: --fill-only needs --history-days N");
        return ExitCode::from(2);
    };
    let Some(dir) = history.dir.clone() else {
        eprintln!("flowboard: --fill-only writes into --data-dir DIR: name a new, empty directory");
        return ExitCode::from(2);
    };
    match fill_history(&DataDir::new(dir), &history) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("flowboard: {e}");
            ExitCode::FAILURE
        }
    }
}

pub async fn demo(
    config: Option<PathBuf>,
    lang: Option<Lang>,
    operator: Option<String>,
    history: Option<History>,
) -> Outcome {
    let dir = tempfile::Builder::new()
        .prefix("flowboard-demo-")
        .tempdir()?;
    // Past days go into --data-dir when one is given (and kept there);
    // the plain demo always runs on a throwaway directory.
    let data = match history.as_ref().and_then(|h| h.dir.clone()) {
        Some(dir) => DataDir::new(dir),
        None => DataDir::new(dir.path()),
    };
    data.create()?;
    if let Some(history) = &history {
        fill_history(&data, history)?;
    }
    // The demo's server is our child, not detached: it goes when we go.
    let mut server = std::process::Command::new(std::env::current_exe()?);
    server.arg("serve").arg("--data-dir").arg(data.root());
    if let Some(config) = &config {
        server.arg("--config").arg(config);
    }
    let mut server = server
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let result = demo_with(&data, lang, operator).await;
    let _ = server.kill();
    let _ = server.wait();
    result
}

pub async fn demo_with(data: &DataDir, lang: Option<Lang>, operator: Option<String>) -> Outcome {
    let mut tries = 0;
    let mut conn = loop {
        match Connection::connect(&data.socket(), Role::Operator, "demo").await {
            Ok(c) => break c,
            Err(crate::client::ClientError::NoServer { .. }) if tries < 200 => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(e) => return Err(e.into()),
        }
    };
    let config = conn.welcome.config.clone();
    for request in crate::demo::morning(Utc::now(), &config) {
        let reply = conn.request(request).await?;
        if !reply.ok {
            return Err(format!(
                "the demo morning was refused: {}",
                reply.error.map(|e| e.message).unwrap_or_default()
            )
            .into());
        }
    }
    drop(conn);
    board(data.clone(), config, None, Role::Operator, lang, operator).await
}

/// Asks who is working at this terminal, offering the initials this
/// terminal remembers; remembers the answer (README: operator identity).
pub fn ask_operator(lang: Lang) -> Result<String, Box<dyn std::error::Error>> {
    use crate::operator::{initials, memory_file, remember, remembered, state_dir, terminal_name};
    let t = &crate::i18n::texts(lang).wall;
    let file = terminal_name()
        .zip(state_dir())
        .map(|(tty, dir)| memory_file(&dir, &tty));
    let offered = file.as_deref().and_then(remembered);
    let mut err = std::io::stderr().lock();
    let stdin = std::io::stdin();
    loop {
        match &offered {
            Some(who) => write!(err, "{} [{who}]: ", t.ask_operator)?,
            None => write!(err, "{}: ", t.ask_operator)?,
        }
        err.flush()?;
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 {
            return Err("no initials given: say who works here with --as INITIALS".into());
        }
        let answer = if line.trim().is_empty() {
            offered.clone()
        } else {
            initials(&line)
        };
        match answer {
            Some(who) => {
                if let Some(file) = &file
                    && let Err(e) = remember(file, &who)
                {
                    writeln!(
                        err,
                        "flowboard: cannot remember the initials in {}: {e}",
                        file.display()
                    )?;
                }
                return Ok(who);
            }
            None => writeln!(err, "{}", t.ask_operator_again)?,
        }
    }
}
