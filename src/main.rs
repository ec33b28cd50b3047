//! The `flowboard` command: parses the command line, chooses a mode, and
//! reports errors once, at the edge. Exit status: 0 ok, 1 the command
//! failed (refused, no server), 2 bad usage or a bad config file.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{NaiveDate, Utc};
use clap::{Parser, Subcommand};

use flowboard::access::{SocketGroup, resolve_group};
use flowboard::client::{AutoStart, ClientEvent, Connection, run_link};
use flowboard::config::{self, Config};
use flowboard::domain::{Command, parse_at};
use flowboard::i18n::Lang;
use flowboard::paths::DataDir;
use flowboard::protocol::{Request, Role};
use flowboard::records::{self, Format};
use flowboard::server::Server;
use flowboard::{snapshot, ui};

#[derive(Parser)]
#[command(
    name = "flowboard",
    version,
    about = "A terminal patient-flow board for exosome drip and injection clinics",
    long_about = "A terminal patient-flow board for exosome drip and injection clinics.\n\nWithout a subcommand, opens the board (starting the server in the background when none runs)."
)]
struct Cli {
    /// Data directory (database, socket, log). Default: the XDG data dir.
    #[arg(long, global = true, env = "FLOWBOARD_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Clinic configuration. Default: ./config.toml, else the XDG config dir, else built-in defaults.
    #[arg(long, global = true, env = "FLOWBOARD_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Screen language for this terminal: en or ja (default: from the config).
    #[arg(long, global = true, value_name = "LANG")]
    lang: Option<Lang>,
    /// Who is working at this terminal (initials); recorded with every entry.
    #[arg(long = "as", global = true, value_name = "INITIALS", value_parser = InitialsParser)]
    operator: Option<String>,
    /// Do not start a server when none answers.
    #[arg(long, global = true)]
    no_autostart: bool,
    /// Board only: look, do not touch (enforced by the server).
    #[arg(long)]
    read_only: bool,
    /// Seconds to wait for the server's answer before giving up.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 30.0,
          value_parser = parse_timeout)]
    timeout: f64,
    #[command(subcommand)]
    command: Option<Mode>,
}

#[derive(Subcommand)]
enum PinAction {
    /// Set or replace a doctor's PIN (4 to 12 digits).
    Set {
        /// The doctor's initials, as in [[staff]].
        initials: String,
    },
}

#[derive(Subcommand)]
enum Mode {
    /// Run the server: owns the database, listens on DATA_DIR/flowboard.sock.
    Serve,
    /// Print the board now (a table, or JSON for scripts with --json).
    Snapshot {
        /// Print JSON (the documented, stable format).
        #[arg(long)]
        json: bool,
    },
    /// Register an arrival.
    Add {
        /// The patient's name.
        #[arg(long)]
        name: String,
        /// Treatment id from the config (e.g. drip, face, scalp).
        #[arg(long)]
        treatment: String,
        /// Chart number (カルテ番号).
        #[arg(long)]
        chart_no: Option<String>,
        /// When the patient arrived, if not now: HH:MM today or RFC 3339.
        #[arg(long)]
        at: Option<String>,
        /// Makes a retry safe: a second `add` with the same key registers
        /// nobody and answers like the first (default: a new key each run).
        #[arg(long)]
        key: Option<String>,
    },
    /// Send protocol commands (JSON, one per line, from the arguments or
    /// standard input) and print each reply. See docs/PROTOCOL.md.
    Send {
        /// Command lines; read from standard input when none are given.
        lines: Vec<String>,
    },
    /// The wall display: read-only (enforced by the server), names masked,
    /// no input needed; for a monitor in the waiting room.
    Wall,
    /// Doctors' PINs, for clinics that ask for them (`doctor_pin =
    /// "required"`): `flowboard pin set MK` asks for the PIN twice (or
    /// reads two lines from standard input) and keeps an argon2 hash.
    Pin {
        #[command(subcommand)]
        action: PinAction,
    },
    /// The board on a throwaway database filled with a realistic morning.
    Demo,
    /// Import the day sheet: an appointments CSV (time, name, chart_no,
    /// treatment; UTF-8 or Shift_JIS). Re-importing skips rows already in.
    Import {
        file: PathBuf,
        /// The day of the appointments (default: today, clinic time zone).
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// Reports over the records.
    Report {
        #[command(subcommand)]
        report: ReportKind,
    },
    /// Every administration of a lot: patient, chart number, time, dose, nurse.
    TraceLot {
        lot: String,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Write to this file (created owner-only) instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// The full event record of a date range, for an EMR or an auditor.
    Export {
        /// The first day (default: today, in the clinic's time zone).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// The last day (default: today; never before --from).
        #[arg(long)]
        to: Option<NaiveDate>,
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
        /// Start the CSV with a UTF-8 byte order mark (for Excel in Japan).
        #[arg(long)]
        bom: bool,
        /// Write to this file (created owner-only) instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// A consistent copy of the database, made by the running server.
    Backup { dir: PathBuf },
    /// Restore a backup into an empty data directory (no server running).
    Restore { dir: PathBuf },
    /// Rebuild the state from the event log and report any disagreement.
    Verify,
    /// Shell completions, from these very definitions: `flowboard
    /// completions bash > /usr/share/bash-completion/completions/flowboard`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// The manual pages (roff), from these very definitions: `flowboard
    /// man` prints flowboard(1); `--dir DIR` writes it and a page for each
    /// subcommand (flowboard-serve.1, ...) into DIR.
    Man {
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ReportKind {
    /// A day's figures: treatments, deferrals, reactions, time in stage, beds, overrides.
    Day {
        #[arg(long)]
        date: Option<NaiveDate>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Write to this file (created owner-only) instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Every reaction in a date range, with what was done and how it ended.
    Reactions {
        /// The first day (default: today, in the clinic's time zone).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// The last day (default: today; never before --from).
        #[arg(long)]
        to: Option<NaiveDate>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Write to this file (created owner-only) instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

/// `--timeout`: a positive number of seconds, at most a day.
fn parse_timeout(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs <= 86_400.0 => Ok(secs),
        _ => Err(format!(
            "{text:?} is not a timeout: give seconds, more than 0 and at most 86400"
        )),
    }
}

fn main() -> ExitCode {
    // Everything flowboard creates holds patient data or leads to it (the
    // database, the log, the socket, backups, exports): owner-only, from
    // the first file on, whatever umask the shell or the unit gave us.
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
    let cli = Cli::parse();
    // Written from the command line's definitions: no config, no data.
    match &cli.command {
        Some(Mode::Completions { shell }) => return completions(*shell),
        Some(Mode::Man { dir }) => return man_pages(dir.as_deref()),
        _ => {}
    }
    flowboard::client::set_timeout(std::time::Duration::from_secs_f64(cli.timeout));
    // Every mode needs a valid config first: a bad file stops us before
    // any data is touched.
    let (config, config_path) = match config::resolve(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("flowboard: {e}");
            return ExitCode::from(2);
        }
    };
    let data = match DataDir::resolve(cli.data_dir.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("flowboard: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("flowboard: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let autostart = if cli.no_autostart {
        None
    } else {
        std::env::current_exe().ok().map(|exe| AutoStart {
            exe,
            config: config_path.clone(),
        })
    };
    let result = match cli.command {
        Some(Mode::Serve) => {
            // A socket group that does not exist is a config mistake: stop
            // before any data is touched, like any other bad key.
            let group = match config.socket_group.as_deref().map(resolve_group) {
                None => None,
                Some(Ok(group)) => Some(group),
                Some(Err(problem)) => {
                    let file = config_path.clone().unwrap_or_default();
                    eprintln!(
                        "flowboard: {}",
                        config::ConfigError::Invalid {
                            file,
                            key: "socket_group".into(),
                            problem,
                        }
                    );
                    return ExitCode::from(2);
                }
            };
            runtime.block_on(serve(data, config, group))
        }
        Some(Mode::Snapshot { json }) => runtime.block_on(print_snapshot(&data, autostart, json)),
        Some(Mode::Add {
            name,
            treatment,
            chart_no,
            at,
            key,
        }) => runtime.block_on(add(
            &data,
            autostart,
            cli.operator,
            Command::Arrive {
                name,
                treatment,
                chart_no,
                // A retry after a timeout or a crash must not register the
                // patient twice: every add carries a key.
                key: Some(key.unwrap_or_else(flowboard::client::new_key)),
            },
            at,
        )),
        Some(Mode::Send { lines }) => runtime.block_on(send(&data, autostart, lines)),
        Some(Mode::Demo) => runtime.block_on(demo(config_path, cli.lang, cli.operator)),
        Some(Mode::Restore { dir }) => Ok(records_outcome(records::restore(&data, &dir))),
        Some(
            mode @ (Mode::Import { .. }
            | Mode::Report { .. }
            | Mode::TraceLot { .. }
            | Mode::Export { .. }
            | Mode::Backup { .. }
            | Mode::Verify),
        ) => runtime.block_on(records_mode(&data, autostart, cli.operator, mode)),
        Some(Mode::Wall) => runtime.block_on(wall(data, config, autostart, cli.lang)),
        Some(Mode::Pin {
            action: PinAction::Set { initials },
        }) => set_pin(&data, &config, &initials),
        // Answered before the config was read.
        Some(Mode::Completions { .. } | Mode::Man { .. }) => Ok(ExitCode::SUCCESS),
        None => {
            let role = if cli.read_only {
                Role::ReadOnly
            } else {
                Role::Operator
            };
            runtime.block_on(board(data, config, autostart, role, cli.lang, cli.operator))
        }
    };
    // Do not wait for the terminal reader thread or an idle connection.
    runtime.shutdown_background();
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("flowboard: {e}");
            ExitCode::FAILURE
        }
    }
}

type Outcome = Result<ExitCode, Box<dyn std::error::Error>>;

/// `flowboard completions SHELL`: the completion script on standard output.
fn completions(shell: clap_complete::Shell) -> ExitCode {
    use clap::CommandFactory;
    let mut command = Cli::command();
    // Into memory first (writing there cannot fail), then out: a closed
    // pipe is an error said, not a panic.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "flowboard", &mut script);
    match std::io::stdout().lock().write_all(&script) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("flowboard: cannot write the completions: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `flowboard man`: flowboard(1) on standard output; with `dir`, it and a
/// page for each subcommand written there (as git's are).
fn man_pages(dir: Option<&std::path::Path>) -> ExitCode {
    use clap::CommandFactory;
    let command = Cli::command();
    let written = match dir {
        None => clap_mangen::Man::new(command).render(&mut std::io::stdout().lock()),
        Some(dir) => write_man_pages(dir, command),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("flowboard: cannot write the manual pages: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write_man_pages(dir: &std::path::Path, command: clap::Command) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let page = |name: &str, command: clap::Command| -> std::io::Result<()> {
        let mut file = std::fs::File::create(dir.join(format!("{name}.1")))?;
        clap_mangen::Man::new(command).render(&mut file)
    };
    page("flowboard", command.clone())?;
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("flowboard-{}", sub.get_name());
        let bin = format!("flowboard {}", sub.get_name());
        page(&name, sub.clone().display_name(name.clone()).bin_name(bin))?;
    }
    Ok(())
}

/// `flowboard pin set MK`: the PIN twice (hidden at a terminal), kept as
/// an argon2 hash in the data directory.
fn set_pin(data: &DataDir, config: &Config, initials: &str) -> Outcome {
    let Some(doctor) = flowboard::staff::doctor(config, initials) else {
        let known: Vec<&str> = config
            .staff
            .iter()
            .filter(|s| s.role == flowboard::config::StaffRole::Doctor)
            .map(|s| s.initials.as_str())
            .collect();
        eprintln!(
            "flowboard: {:?} is not a doctor on the staff list ([[staff]] in config.toml): the doctors are {}",
            flowboard::domain::text::sanitize(initials),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        );
        return Ok(ExitCode::from(2));
    };
    let read = |prompt: &str| -> std::io::Result<String> {
        if std::io::stdin().is_terminal() {
            rpassword::prompt_password(prompt)
        } else {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            Ok(line.trim().to_string())
        }
    };
    let first = read(&format!("PIN for {}: ", doctor.name))?;
    let again = read("The same PIN again: ")?;
    if first != again {
        eprintln!("flowboard: the two PINs differ: nothing was changed");
        return Ok(ExitCode::from(1));
    }
    data.create()?;
    match flowboard::staff::set(&data.pins(), &doctor.initials, &first) {
        Ok(()) => {
            println!("PIN set for {} ({})", doctor.name, doctor.initials);
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ flowboard::staff::PinError::Shape) => {
            eprintln!("flowboard: {e}: nothing was changed");
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}

/// `--as`: checked when the command line is parsed, before anything else
/// (a bad value is a usage error, exit 2, whatever the mode). The error is
/// our own so that what was typed is echoed cleaned, never raw.
#[derive(Clone)]
struct InitialsParser;

impl clap::builder::TypedValueParser for InitialsParser {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        let typed = value.to_string_lossy();
        flowboard::operator::initials(&typed).ok_or_else(|| {
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!(
                    "--as {:?}: use 1 to {} letters or digits (e.g. KS)\n",
                    flowboard::domain::text::sanitize(&typed),
                    flowboard::operator::MAX_INITIALS
                ),
            )
            .with_cmd(cmd)
        })
    }
}

fn records_outcome(outcome: records::Outcome) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("flowboard: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

async fn records_mode(
    data: &DataDir,
    autostart: Option<AutoStart>,
    operator: Option<String>,
    mode: Mode,
) -> Outcome {
    // Backwards ranges are caught before any connection.
    if let Mode::Export { from, to, .. }
    | Mode::Report {
        report: ReportKind::Reactions { from, to, .. },
    } = &mode
        && let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        eprintln!("flowboard: the range is backwards: --from {from} is after --to {to}");
        return Ok(ExitCode::from(2));
    }
    let role = match mode {
        Mode::Import { .. } | Mode::Backup { .. } => Role::Operator,
        _ => Role::ReadOnly,
    };
    // A file to write to is checked before the work starts.
    let output = match &mode {
        Mode::Report {
            report: ReportKind::Day { output, .. } | ReportKind::Reactions { output, .. },
        }
        | Mode::TraceLot { output, .. }
        | Mode::Export { output, .. } => output.clone(),
        _ => None,
    };
    let what = if matches!(mode, Mode::Export { .. }) {
        "the export"
    } else {
        "the report"
    };
    let mut out = match records::Output::open(output.as_deref(), what) {
        Ok(out) => out,
        Err(e) => return Ok(records_outcome(Err(e))),
    };
    let mut conn = Connection::connect_or_start(data, autostart.as_ref(), role, "records").await?;
    let outcome = match mode {
        Mode::Import { file, date } => records::import(&mut conn, &file, date, operator).await,
        Mode::Report {
            report: ReportKind::Day { date, format, .. },
        } => records::report_day(&mut conn, date, format, &mut out).await,
        Mode::Report {
            report: ReportKind::Reactions {
                from, to, format, ..
            },
        } => records::report_reactions(&mut conn, from, to, format, &mut out).await,
        Mode::TraceLot { lot, format, .. } => {
            records::trace_lot(&mut conn, &lot, format, &mut out).await
        }
        Mode::Export {
            from,
            to,
            format,
            bom,
            ..
        } => records::export(&mut conn, from, to, format, bom, &mut out).await,
        Mode::Backup { dir } => records::backup(&mut conn, &dir).await,
        _ => records::verify(&mut conn).await,
    };
    Ok(records_outcome(outcome))
}

async fn serve(data: DataDir, config: Config, group: Option<SocketGroup>) -> Outcome {
    data.create()?;
    init_log(&data, &config.server)?;
    let server = match Server::bind(data, config, group) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("{e}");
            return Err(e.into());
        }
    };
    server.run().await?;
    Ok(ExitCode::SUCCESS)
}

fn init_log(data: &DataDir, limits: &flowboard::config::ServerLimits) -> std::io::Result<()> {
    let replaced = flowboard::log::prepare(&data.log())?;
    let writer = flowboard::log::writer(&data.log(), limits);
    tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(writer))
        .with_ansi(false)
        .init();
    if let Some(what) = replaced {
        tracing::warn!("{what}");
    }
    Ok(())
}

async fn print_snapshot(data: &DataDir, autostart: Option<AutoStart>, json: bool) -> Outcome {
    let conn =
        Connection::connect_or_start(data, autostart.as_ref(), Role::ReadOnly, "snapshot").await?;
    let snap = snapshot::build(conn.board(), &conn.welcome.config, Utc::now());
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &snap)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", snapshot::to_text(&snap, &conn.welcome.config))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// How often `flowboard add` sends an arrival whose answer was lost.
const ADD_TRIES: u32 = 5;

async fn add(
    data: &DataDir,
    autostart: Option<AutoStart>,
    operator: Option<String>,
    command: Command,
    at: Option<String>,
) -> Outcome {
    use flowboard::client::ClientError;
    // The arrival carries a key, so sending it again after a lost answer
    // (the server restarted, the line timed out) registers nobody twice:
    // the server answers a repeat like the first.
    let mut tries = 0;
    let (reply, board) = loop {
        tries += 1;
        let attempt = async {
            let mut conn =
                Connection::connect_or_start(data, autostart.as_ref(), Role::Operator, "add")
                    .await?;
            let at = match &at {
                Some(text) => match parse_at(text, conn.welcome.config.timezone, Utc::now()) {
                    Ok(t) => Some(t),
                    Err(e) => return Ok(Err(format!("--at: {e}"))),
                },
                None => None,
            };
            let reply = conn
                .request(Request {
                    id: None,
                    at,
                    operator: operator.clone(),
                    command: command.clone(),
                    confirm: false,
                    pin: None,
                })
                .await?;
            Ok::<_, ClientError>(Ok((reply, conn.board().clone())))
        };
        match attempt.await {
            Ok(Ok(done)) => break done,
            Ok(Err(usage)) => {
                eprintln!("flowboard: {usage}");
                return Ok(ExitCode::from(2));
            }
            Err(
                e @ (ClientError::Closed
                | ClientError::Io(_)
                | ClientError::TimedOut { .. }
                | ClientError::NoServer { .. }
                | ClientError::StartFailed(_)),
            ) if tries < ADD_TRIES => {
                eprintln!("flowboard: {e}; trying again (the arrival is registered once)");
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
            Err(e) => return Err(e.into()),
        }
    };
    if reply.ok {
        let id = reply.visit.map(|v| v.0).unwrap_or_default();
        match reply.visit.and_then(|v| board.visit(v)) {
            Some(v) => println!("registered visit {id} (ticket {}): {}", v.ticket, v.name),
            None => println!("registered visit {id}"),
        }
        Ok(ExitCode::SUCCESS)
    } else {
        let msg = reply.error.map(|e| e.message).unwrap_or_default();
        eprintln!("flowboard: refused: {msg}");
        Ok(ExitCode::FAILURE)
    }
}

async fn send(data: &DataDir, autostart: Option<AutoStart>, lines: Vec<String>) -> Outcome {
    let mut conn =
        Connection::connect_or_start(data, autostart.as_ref(), Role::Operator, "send").await?;
    let lines: Vec<String> = if lines.is_empty() {
        std::io::stdin().lock().lines().collect::<Result<_, _>>()?
    } else {
        lines
    };
    let mut all_ok = true;
    let mut out = std::io::stdout().lock();
    for line in lines.iter().filter(|l| !l.trim().is_empty()) {
        conn.send_line(line).await?;
        let reply = conn.next_reply().await?;
        all_ok &= reply.ok;
        serde_json::to_writer(&mut out, &reply)?;
        writeln!(out)?;
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `config` is the local one, shown until the server's arrives.
async fn board(
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

async fn demo(config: Option<PathBuf>, lang: Option<Lang>, operator: Option<String>) -> Outcome {
    let dir = tempfile::Builder::new()
        .prefix("flowboard-demo-")
        .tempdir()?;
    let data = DataDir::new(dir.path());
    data.create()?;
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

async fn demo_with(data: &DataDir, lang: Option<Lang>, operator: Option<String>) -> Outcome {
    let mut tries = 0;
    let mut conn = loop {
        match Connection::connect(&data.socket(), Role::Operator, "demo").await {
            Ok(c) => break c,
            Err(flowboard::client::ClientError::NoServer { .. }) if tries < 200 => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(e) => return Err(e.into()),
        }
    };
    let config = conn.welcome.config.clone();
    for request in flowboard::demo::morning(Utc::now(), &config) {
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
fn ask_operator(lang: Lang) -> Result<String, Box<dyn std::error::Error>> {
    use flowboard::operator::{
        initials, memory_file, remember, remembered, state_dir, terminal_name,
    };
    let t = &flowboard::i18n::texts(lang).wall;
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

async fn wall(
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
    let mut screen =
        flowboard::wall::Wall::new(config).with_palette(ui::palette::Palette::from_env());
    if let Some(lang) = lang {
        screen = screen.with_lang(lang);
    }
    if !cjk {
        screen = screen.on_ascii_console();
    }
    ui::run(screen, ev_rx, req_tx).await?;
    Ok(ExitCode::SUCCESS)
}
