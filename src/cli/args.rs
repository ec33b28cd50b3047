//! The command line: every mode and option, as clap parses them (and as
//! the completions and the manual pages describe them). Names are a
//! contract scripts depend on: extended, never renamed.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::i18n::Lang;
use crate::records::Format;

#[derive(Parser)]
#[command(
    name = "flowboard",
    version,
    about = "A terminal patient-flow board for exosome drip and injection clinics",
    long_about = "A terminal patient-flow board for exosome drip and injection clinics.\n\nWithout a subcommand, opens the board (starting the server in the background when none runs)."
)]
pub struct Cli {
    /// Data directory (database, socket, log). Default: the XDG data dir.
    #[arg(long, global = true, env = "FLOWBOARD_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Clinic configuration. Default: ./config.toml, else the XDG config dir, else built-in defaults.
    #[arg(long, global = true, env = "FLOWBOARD_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Screen language for this terminal: en or ja (default: from the config).
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<Lang>,
    /// Who is working at this terminal (initials); recorded with every entry.
    #[arg(long = "as", global = true, value_name = "INITIALS", value_parser = InitialsParser)]
    pub operator: Option<String>,
    /// Do not start a server when none answers.
    #[arg(long, global = true)]
    pub no_autostart: bool,
    /// Board only: look, do not touch (enforced by the server).
    #[arg(long)]
    pub read_only: bool,
    /// Seconds to wait for the server's answer before giving up.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 30.0,
          value_parser = parse_timeout)]
    pub timeout: f64,
    #[command(subcommand)]
    pub command: Option<Mode>,
}

#[derive(Subcommand)]
pub enum PinAction {
    /// Set or replace a doctor's PIN (4 to 12 digits).
    Set {
        /// The doctor's initials, as in [[staff]].
        initials: String,
    },
}

#[derive(Subcommand)]
pub enum Mode {
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
        /// The patient asks not to be shown on the wall (neither initials
        /// nor number; only that their bed is occupied).
        #[arg(long)]
        do_not_display: bool,
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
    /// The board on a database filled with a realistic morning: in
    /// --data-dir DIR (a new, empty one, kept, so a second terminal and
    /// the wall can join with --data-dir DIR), else a throwaway one.
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
pub enum GroupMode {
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
pub enum ReportKind {
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
    /// One reaction's course minute by minute, for the adverse-event
    /// report: the lot, the first signs, each vitals reading with its
    /// NEWS2 score, each dose and who entered it, the doctor, the
    /// ambulance, the transfer or the discharge, and every correction.
    /// In the screen language (--lang ja for Japanese).
    Incident {
        /// The visit's number (the `id` of `snapshot --json`, the board's
        /// detail pane).
        visit: u64,
        /// The day the visit arrived (default: today, clinic time zone).
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
        crate::operator::initials(&typed).ok_or_else(|| {
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!(
                    "--as {:?}: use 1 to {} letters or digits (e.g. KS)\n",
                    crate::domain::text::sanitize(&typed),
                    crate::operator::MAX_INITIALS
                ),
            )
            .with_cmd(cmd)
        })
    }
}
