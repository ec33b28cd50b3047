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
    Demo {
        /// First write this many past clinic days of realistic records
        /// (reports, a lot recall and patient histories to try).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=36_500))]
        history_days: Option<u32>,
        /// Only write the past days into --data-dir (a new, empty
        /// directory), then exit: no server, no board.
        #[arg(long, requires = "history_days")]
        fill_only: bool,
    },
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
        #[arg(long)]
        from: NaiveDate,
        #[arg(long)]
        to: NaiveDate,
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
    /// The clinic group's PostgreSQL (head office): every branch's
    /// records. The connection is `[group]`'s in config.toml, or
    /// --connection (a reader role: see README, "A clinic group").
    Group {
        /// A PostgreSQL connection string instead of `[group] connection`.
        #[arg(long, env = "FLOWBOARD_GROUP_CONNECTION", global = true)]
        connection: Option<String>,
        /// TLS with --connection: verify-full (default), require, disable.
        #[arg(long, global = true, value_parser = ["verify-full", "require", "disable"])]
        tls: Option<String>,
        /// The CA certificate (PEM) with --connection and verify-full.
        #[arg(long, global = true)]
        ca_file: Option<PathBuf>,
        #[command(subcommand)]
        command: GroupMode,
    },
}

#[derive(Subcommand)]
enum GroupMode {
    /// Each site's last shipped event, its lag, its last error; and this
    /// branch's shipper when a server runs here.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Every administration of a lot in every branch.
    TraceLot {
        lot: String,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Write to this file (created owner-only) instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Reports over every branch's records.
    Report {
        #[command(subcommand)]
        report: ReportKind,
    },
    /// Create or migrate the group database's tables (as its owner).
    Migrate,
    /// Every branch now (patients per stage, beds in use, emergencies),
    /// read-only, redrawn when a branch ships (LISTEN/NOTIFY).
    Board {
        /// Print the table at each change instead of a full screen.
        #[arg(long)]
        plain: bool,
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
        #[arg(long)]
        from: NaiveDate,
        #[arg(long)]
        to: NaiveDate,
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
        Some(Mode::Demo {
            history_days,
            fill_only,
        }) => {
            let history = history_days.map(|days| History {
                days,
                dir: cli.data_dir.clone(),
                config: config.clone(),
            });
            if fill_only {
                return fill_only_mode(history);
            }
            runtime.block_on(demo(config_path, cli.lang, cli.operator, history))
        }
        Some(Mode::Restore { dir }) => Ok(records_outcome(records::restore(&data, &dir))),
        Some(
            mode @ (Mode::Import { .. }
            | Mode::Report { .. }
            | Mode::TraceLot { .. }
            | Mode::Export { .. }
            | Mode::Backup { .. }
            | Mode::Verify),
        ) => runtime.block_on(records_mode(&data, autostart, cli.operator, mode)),
        Some(Mode::Group {
            connection,
            tls,
            ca_file,
            command,
        }) => runtime.block_on(group_mode(
            &data,
            &config,
            GroupTarget {
                connection,
                tls,
                ca_file,
            },
            command,
            cli.lang,
        )),
        Some(Mode::Wall) => runtime.block_on(wall(data, config, autostart, cli.lang)),
        Some(Mode::Pin {
            action: PinAction::Set { initials },
        }) => set_pin(&data, &config, &initials),
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

/// The group database as the command line gives it.
struct GroupTarget {
    connection: Option<String>,
    tls: Option<String>,
    ca_file: Option<PathBuf>,
}

impl GroupTarget {
    fn resolve(self, config: &Config) -> Option<flowboard::group::Target> {
        use flowboard::config::GroupTls;
        let from_config = config.group.as_ref().map(flowboard::group::Target::from);
        match self.connection {
            None => from_config,
            Some(connection) => Some(flowboard::group::Target {
                connection,
                tls: match self.tls.as_deref() {
                    Some("disable") => GroupTls::Disable,
                    Some("require") => GroupTls::Require,
                    _ => GroupTls::VerifyFull,
                },
                ca_file: self.ca_file,
            }),
        }
    }
}

async fn group_mode(
    data: &DataDir,
    config: &Config,
    target: GroupTarget,
    mode: GroupMode,
    lang: Option<Lang>,
) -> Outcome {
    use flowboard::group::commands;
    let target = target.resolve(config);
    let need = || {
        records::RecordsError::Usage(
            "no group database: add [group] to config.toml or give --connection".into(),
        )
    };
    let output = match &mode {
        GroupMode::TraceLot { output, .. }
        | GroupMode::Report {
            report: ReportKind::Day { output, .. } | ReportKind::Reactions { output, .. },
        } => output.clone(),
        _ => None,
    };
    let mut out = match records::Output::open(output.as_deref(), "the report") {
        Ok(out) => out,
        Err(e) => return Ok(records_outcome(Err(e))),
    };
    let outcome = match mode {
        GroupMode::Status { json } => {
            // This branch's own shipper, when a server runs here.
            let local = match Connection::connect(&data.socket(), Role::ReadOnly, "group").await {
                Ok(mut conn) => conn
                    .query(flowboard::protocol::Query::Shipping)
                    .await
                    .ok()
                    .and_then(|r| r.data)
                    .and_then(|d| serde_json::from_value(d).ok()),
                Err(_) => None,
            };
            commands::status(target.as_ref(), config, local, json).await
        }
        GroupMode::Board { plain } => match &target {
            Some(t) => {
                let lang = lang.unwrap_or(config.language);
                commands::board(t, config, lang, plain).await
            }
            None => Err(need()),
        },
        GroupMode::Migrate => match &target {
            Some(t) => commands::migrate(t).await,
            None => Err(need()),
        },
        GroupMode::TraceLot { lot, format, .. } => match &target {
            Some(t) => commands::trace_lot(t, config, &lot, format, &mut out).await,
            None => Err(need()),
        },
        GroupMode::Report {
            report: ReportKind::Day { date, format, .. },
        } => match &target {
            Some(t) => commands::report_day(t, config, date, format, &mut out).await,
            None => Err(need()),
        },
        GroupMode::Report {
            report: ReportKind::Reactions {
                from, to, format, ..
            },
        } => match &target {
            Some(t) if to >= from => {
                commands::report_reactions(t, config, from, to, format, &mut out).await
            }
            Some(_) => Err(records::RecordsError::Usage(format!(
                "the range is backwards: --from {from} is after --to {to}"
            ))),
            None => Err(need()),
        },
    };
    Ok(records_outcome(outcome))
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

/// `demo --history-days N`: past days to write first, and where.
struct History {
    days: u32,
    /// Given with --data-dir (else a throwaway directory).
    dir: Option<PathBuf>,
    config: Config,
}

/// Writes the past days into the data directory; prints what it wrote.
fn fill_history(data: &DataDir, history: &History) -> Result<(), Box<dyn std::error::Error>> {
    data.create()?;
    let options = flowboard::store::StoreOptions {
        cache_bytes: u64::from(history.config.store.cache_mb) * 1024 * 1024,
    };
    let store = flowboard::store::Store::open_with(&data.db(), options)?;
    let started = std::time::Instant::now();
    let today = Utc::now()
        .with_timezone(&history.config.timezone)
        .date_naive();
    let step = (history.days / 10).max(1);
    let filled = flowboard::demo::fill::fill(
        &store,
        &history.config,
        history.days,
        today,
        &mut flowboard::demo::history::Clinic::new(1),
        |done, days| {
            if done % step == 0 && done < days {
                eprintln!("flowboard demo: {done} of {days} days written");
            }
        },
    )?;
    // sled writes its page table (a snapshot) when it opens: opening once
    // now spares the first start of a server the reading of the whole log.
    drop(store);
    drop(flowboard::store::Store::open_with(&data.db(), options)?);
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

fn fill_only_mode(history: Option<History>) -> ExitCode {
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

async fn demo(
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
    // The wall sends nothing (and the server would refuse it anything);
    // its role gets the wall's projection, never the board.
    let (req_tx, req_rx) = tokio::sync::mpsc::channel(1);
    let (ev_tx, ev_rx) = tokio::sync::mpsc::channel::<ClientEvent>(64);
    tokio::spawn(run_link(
        data,
        autostart,
        Role::Wall,
        "wall".to_string(),
        req_rx,
        ev_tx,
    ));
    let mut screen =
        flowboard::wall::Wall::new(config).with_palette(ui::palette::Palette::from_env());
    if let Some(lang) = lang {
        screen = screen.with_lang(lang);
    }
    ui::run(screen, ev_rx, req_tx).await?;
    Ok(ExitCode::SUCCESS)
}
