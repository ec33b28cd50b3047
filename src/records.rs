//! The records commands of the command line: import the day sheet,
//! reports, lot trace, export, backup, restore, verify. Each talks to the
//! server (the only owner of the database) except `restore`, which fills
//! an empty data directory while no server runs.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::Serialize;

use crate::client::Connection;
use crate::config::Config;
use crate::domain::{Visit, text::fit};
use crate::import;
use crate::paths::DataDir;
use crate::protocol::{Query, Request};
use crate::report;
use crate::store::Store;

/// How a report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Csv,
    Json,
}

/// What a records command ends with: a message for the user and whether
/// it is a failure (exit status 1).
pub type Outcome = Result<(), RecordsError>;

#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Failed(String),
    #[error(transparent)]
    Client(#[from] crate::client::ClientError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl RecordsError {
    /// 2 for bad usage (the user can fix the command), 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            RecordsError::Usage(_) => 2,
            _ => 1,
        }
    }
}

/// The instant a clinic day begins.
pub fn day_start(config: &Config, day: NaiveDate) -> DateTime<Utc> {
    config
        .timezone
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
}

/// A range of days as the command line gives it: both default to today in
/// the clinic's zone; `--from D` alone runs from D to today, `--to D`
/// alone is that day.
pub fn range(
    config: &Config,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> (NaiveDate, NaiveDate) {
    let today = today(config);
    match (from, to) {
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => (from, today.max(from)),
        (None, Some(to)) => (to, to),
        (None, None) => (today, today),
    }
}

fn today(config: &Config) -> NaiveDate {
    Utc::now().with_timezone(&config.timezone).date_naive()
}

/// Visits of the clinic days `from..=to`.
async fn visits(
    conn: &mut Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Visit>, RecordsError> {
    if to < from {
        return Err(RecordsError::Usage(format!(
            "the range is backwards: --from {from} is after --to {to}"
        )));
    }
    let config = conn.welcome.config.clone();
    let reply = conn
        .query(Query::Visits {
            from: day_start(&config, from),
            to: day_start(&config, to.succ_opt().unwrap_or(to)),
        })
        .await?;
    data_visits(reply)
}

fn data_visits(reply: crate::protocol::Reply) -> Result<Vec<Visit>, RecordsError> {
    if !reply.ok {
        return Err(RecordsError::Failed(
            reply.error.map(|e| e.message).unwrap_or_default(),
        ));
    }
    let data = reply.data.unwrap_or_default();
    serde_json::from_value(data["visits"].clone())
        .map_err(|e| RecordsError::Failed(format!("the server's answer could not be read: {e}")))
}

/// Where a report goes: standard output, or a file created owner-only
/// (it holds patient data), checked before the work starts.
pub struct Output {
    file: Option<(PathBuf, std::fs::File)>,
}

impl Output {
    /// `what` names what is written, for the error ("the export").
    pub fn open(path: Option<&Path>, what: &str) -> Result<Output, RecordsError> {
        let Some(path) = path else {
            return Ok(Output { file: None });
        };
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(path)
            .and_then(|f| {
                // A file that was there keeps its mode on open: it holds
                // patient data now, so it becomes the owner's alone.
                f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
                Ok(f)
            })
            .map_err(|e| {
                RecordsError::Usage(format!("cannot write {what} to {}: {e}", path.display()))
            })?;
        Ok(Output {
            file: Some((path.to_path_buf(), file)),
        })
    }

    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match &mut self.file {
            Some((_, f)) => {
                f.write_all(bytes)?;
                f.sync_all()
            }
            None => std::io::stdout().lock().write_all(bytes),
        }
    }

    /// The file written to, if not standard output.
    fn path(&self) -> Option<&Path> {
        self.file.as_ref().map(|(p, _)| p.as_path())
    }
}

fn print<T: Serialize>(
    rows: &[T],
    format: Format,
    out: &mut Output,
    text: impl FnOnce() -> String,
) -> Outcome {
    let bytes = match format {
        Format::Text => text().into_bytes(),
        Format::Json => {
            let mut json = serde_json::to_vec_pretty(rows).map_err(std::io::Error::other)?;
            json.push(b'\n');
            json
        }
        Format::Csv => crate::csv_out::to_csv(rows, false).map_err(std::io::Error::other)?,
    };
    out.write_all(&bytes)?;
    Ok(())
}

fn local(config: &Config, t: DateTime<Utc>) -> String {
    t.with_timezone(&config.timezone)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// `flowboard import FILE [--date D]`.
pub async fn import(
    conn: &mut Connection,
    file: &Path,
    date: Option<NaiveDate>,
    operator: Option<String>,
) -> Outcome {
    let bytes = std::fs::read(file)
        .map_err(|e| RecordsError::Usage(format!("cannot read {}: {e}", file.display())))?;
    let config = conn.welcome.config.clone();
    let day = date.unwrap_or_else(|| today(&config));
    let sheet = import::parse(&bytes, day, &config)
        .map_err(|e| RecordsError::Usage(format!("{}: {e}", file.display())))?;
    let (mut added, mut already) = (0, 0);
    let mut problems: Vec<(usize, String)> = sheet
        .bad
        .iter()
        .map(|b| (b.line, b.problem.clone()))
        .collect();
    for row in sheet.rows {
        let reply = conn
            .request(Request {
                id: None,
                at: None,
                operator: operator.clone(),
                command: row.command,
                confirm: false,
                pin: None,
            })
            .await?;
        match reply.error {
            None => added += 1,
            Some(e) if e.code == "duplicate" => already += 1,
            Some(e) => problems.push((row.line, e.message)),
        }
    }
    problems.sort();
    println!(
        "{}: {added} expected patients added for {day}, {already} already on the board, {} bad rows ({})",
        file.display(),
        problems.len(),
        sheet.encoding
    );
    for (line, problem) in &problems {
        println!("  line {line}: {problem}");
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(RecordsError::Failed(format!(
            "{} rows were not imported (see above); the others were",
            problems.len()
        )))
    }
}

/// `flowboard report day`.
pub async fn report_day(
    conn: &mut Connection,
    date: Option<NaiveDate>,
    format: Format,
    out: &mut Output,
) -> Outcome {
    let config = conn.welcome.config.clone();
    let date = date.unwrap_or_else(|| today(&config));
    let visits = visits(conn, date, date).await?;
    let r = report::day(&visits, &config, date, Utc::now());
    match format {
        Format::Json => {
            let mut json = serde_json::to_vec_pretty(&r).map_err(std::io::Error::other)?;
            json.push(b'\n');
            out.write_all(&json)?;
            Ok(())
        }
        Format::Csv => {
            // One table of figures: section, item, value.
            #[derive(Serialize)]
            struct Line {
                section: &'static str,
                item: String,
                value: String,
            }
            let mut lines = Vec::new();
            for t in &r.treatments {
                lines.push(Line {
                    section: "arrived",
                    item: t.treatment.clone(),
                    value: t.arrived.to_string(),
                });
                lines.push(Line {
                    section: "administered",
                    item: t.treatment.clone(),
                    value: t.administered.to_string(),
                });
            }
            for d in &r.deferred {
                lines.push(Line {
                    section: "deferred",
                    item: d.name.clone(),
                    value: d.reason.clone(),
                });
            }
            for n in &r.no_shows {
                lines.push(Line {
                    section: "no_show",
                    item: n.clone(),
                    value: String::new(),
                });
            }
            for n in &r.still_expected {
                lines.push(Line {
                    section: "still_expected",
                    item: n.clone(),
                    value: String::new(),
                });
            }
            for (k, n) in &r.reactions {
                lines.push(Line {
                    section: "reactions",
                    item: k.clone(),
                    value: n.to_string(),
                });
            }
            for s in &r.stage_minutes {
                lines.push(Line {
                    section: "median_minutes",
                    item: s.stage.to_string(),
                    value: format!("{:.1}", s.median_minutes),
                });
                lines.push(Line {
                    section: "p90_minutes",
                    item: s.stage.to_string(),
                    value: format!("{:.1}", s.p90_minutes),
                });
            }
            for b in &r.beds {
                lines.push(Line {
                    section: "bed_minutes",
                    item: b.bed.clone(),
                    value: b.minutes.to_string(),
                });
            }
            for o in &r.overrides {
                lines.push(Line {
                    section: "override",
                    item: o.name.clone(),
                    value: format!("{}: {}", o.doctor, o.reason),
                });
            }
            out.write_all(&crate::csv_out::to_csv(&lines, false).map_err(std::io::Error::other)?)?;
            Ok(())
        }
        Format::Text => {
            let mut s = format!(
                "{} — day report {date}\n\nPatients per treatment (arrived / treated)\n",
                config.clinic_name
            );
            for t in &r.treatments {
                s += &format!(
                    "  {} {:>4} / {}\n",
                    fit(&t.treatment, 12),
                    t.arrived,
                    t.administered
                );
            }
            s += &format!("\nDeferred: {}\n", r.deferred.len());
            for d in &r.deferred {
                s += &format!(
                    "  {} ({}): {}\n",
                    d.name,
                    d.chart_no.as_deref().unwrap_or("-"),
                    d.reason
                );
            }
            s += &format!(
                "No-shows: {}   Still expected: {}   Cancelled: {}   Transferred: {}\n",
                r.no_shows.len(),
                r.still_expected.len(),
                r.cancelled,
                r.transferred
            );
            s += "\nReactions\n";
            if r.reactions.is_empty() {
                s += "  none\n";
            }
            for (k, n) in &r.reactions {
                s += &format!("  {} {n}\n", fit(k, 12));
            }
            s += "\nTime in stage (minutes)       n  median     p90\n";
            for t in &r.stage_minutes {
                s += &format!(
                    "  {} {:>4} {:>7.1} {:>7.1}\n",
                    fit(t.stage.as_str(), 24),
                    t.count,
                    t.median_minutes,
                    t.p90_minutes
                );
            }
            s += "\nBeds (patients, minutes in use)\n";
            for b in &r.beds {
                s += &format!(
                    "  bed {} {:>3} {:>5}\n",
                    fit(&b.bed, 4),
                    b.patients,
                    b.minutes
                );
            }
            s += &format!("\nDoctor overrides: {}\n", r.overrides.len());
            for o in &r.overrides {
                s += &format!(
                    "  {} ({}): {} — {}\n",
                    o.name,
                    o.chart_no.as_deref().unwrap_or("-"),
                    o.doctor,
                    o.reason
                );
            }
            out.write_all(s.as_bytes())?;
            Ok(())
        }
    }
}

/// `flowboard report reactions --from D --to D`.
pub async fn report_reactions(
    conn: &mut Connection,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    format: Format,
    out: &mut Output,
) -> Outcome {
    let config = conn.welcome.config.clone();
    let (from, to) = range(&config, from, to);
    let rows = report::reactions(&visits(conn, from, to).await?);
    print(&rows, format, out, || {
        let mut s = format!("Reactions {from} to {to}: {}\n", rows.len());
        for r in &rows {
            s += &format!(
                "{}  {} ({})  {}  lot {}  {}: {} -> {}; adrenaline doses {}; {}; outcome {}\n",
                local(&config, r.at),
                r.name,
                r.chart_no.as_deref().unwrap_or("-"),
                r.treatment,
                r.lot.as_deref().unwrap_or("-"),
                r.kind.as_str(),
                r.signs,
                if r.action.is_empty() { "-" } else { &r.action },
                r.adrenaline_doses,
                r.resolved_at
                    .map_or("not recorded as resolved".to_string(), |t| format!(
                        "symptom-free {}",
                        local(&config, t)
                    )),
                r.outcome
            );
        }
        s
    })
}

/// `flowboard trace-lot LOT`: an unknown lot is an empty answer, not an
/// error.
pub async fn trace_lot(
    conn: &mut Connection,
    lot: &str,
    format: Format,
    out: &mut Output,
) -> Outcome {
    let config = conn.welcome.config.clone();
    let reply = conn
        .query(Query::TraceLot {
            // Lots are stored as the vial prints them: `ex2611-07` asks
            // for `EX2611-07`.
            lot: crate::domain::text::lot_number(lot),
        })
        .await?;
    let rows = report::lot_rows(&data_visits(reply)?, &config);
    if rows.is_empty() && format == Format::Text {
        out.write_all(format!("no administration of lot {lot:?} is on record\n").as_bytes())?;
        return Ok(());
    }
    print(&rows, format, out, || {
        let mut s = format!("Lot {lot}: {} administrations\n", rows.len());
        for r in &rows {
            // The dose given (the plan's unless stopped early), and what
            // happened to the patient after.
            let given = match (&r.stopped_early, r.given_ml) {
                (None, Some(d)) => format!("{d} mL"),
                (Some(why), Some(d)) => format!("{d} mL (stopped early: {why})"),
                (Some(why), None) => format!("? mL (stopped early: {why})"),
                (None, None) => "- mL".to_string(),
            };
            let reactions = if r.reactions.is_empty() {
                "no reaction".to_string()
            } else {
                r.reactions.clone()
            };
            s += &format!(
                "{}  {} ({})  {}  given {given}  nurse {}  {reactions}\n",
                r.at.map_or("-".to_string(), |t| local(&config, t)),
                fit(&r.name, 20),
                r.chart_no.as_deref().unwrap_or("-"),
                r.treatment,
                r.nurse.as_deref().unwrap_or("-")
            );
        }
        s
    })
}

/// `flowboard export --from D --to D --format csv|json [--bom] [--output F]`.
pub async fn export(
    conn: &mut Connection,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    format: Format,
    bom: bool,
    out: &mut Output,
) -> Outcome {
    let config = conn.welcome.config.clone();
    let (from, to) = range(&config, from, to);
    let rows = report::export_rows(&visits(conn, from, to).await?, &config);
    let bytes = match format {
        Format::Json => serde_json::to_vec_pretty(&rows).map_err(std::io::Error::other)?,
        Format::Csv | Format::Text => {
            crate::csv_out::to_csv(&rows, bom).map_err(std::io::Error::other)?
        }
    };
    out.write_all(&bytes)?;
    if let Some(path) = out.path() {
        eprintln!("exported {} events to {}", rows.len(), path.display());
    }
    Ok(())
}

/// `flowboard backup DIR`: a consistent copy made by the server.
pub async fn backup(conn: &mut Connection, dir: &Path) -> Outcome {
    let dir = std::path::absolute(dir)?;
    let reply = conn.query(Query::Backup { dir: dir.clone() }).await?;
    if !reply.ok {
        return Err(RecordsError::Failed(format!(
            "backup failed: {}",
            reply.error.map(|e| e.message).unwrap_or_default()
        )));
    }
    let events = reply
        .data
        .as_ref()
        .and_then(|d| d["events"].as_u64())
        .unwrap_or(0);
    println!(
        "backed up {events} events into {} (manifest {})",
        dir.display(),
        dir.join(crate::store::MANIFEST_FILE).display()
    );
    Ok(())
}

/// `flowboard restore DIR`: a backup made by `flowboard backup` into an
/// empty data directory, no server running (the database lock makes
/// sure). Checks the manifest before anything is written, copies the
/// backup and checks the copy (events, checksum, state) before it becomes
/// the database; never writes into DIR.
pub fn restore(data: &DataDir, dir: &Path) -> Outcome {
    use crate::store::{BACKUP_DB, Manifest};
    let target = data.db();
    if target.exists() && std::fs::read_dir(&target)?.next().is_some() {
        return Err(RecordsError::Usage(format!(
            "{} already holds a database: restore into an empty data directory (--data-dir)",
            data.root().display()
        )));
    }
    if !dir.is_dir() {
        return Err(RecordsError::Usage(format!(
            "there is no backup at {}: give the directory `flowboard backup` made",
            dir.display()
        )));
    }
    let manifest = Manifest::read(dir)
        .map_err(|why| RecordsError::Usage(format!("{why}; nothing was changed")))?;
    let source = dir.join(BACKUP_DB);
    if !source.is_dir() {
        return Err(RecordsError::Usage(format!(
            "{} has a manifest but no database ({} is missing): the backup is incomplete; nothing was changed",
            dir.display(),
            source.display()
        )));
    }
    data.create()?;
    let staging = data.root().join("db.restoring");
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    let result = (|| {
        copy_tree(&source, &staging)?;
        let copy = Store::open(&staging).map_err(|e| {
            RecordsError::Failed(format!("cannot open the copy of the backup: {e}"))
        })?;
        let (events, checksum) = copy.digest().map_err(|e| {
            RecordsError::Failed(format!("cannot read the copy of the backup: {e}"))
        })?;
        if events != manifest.events || checksum != manifest.checksum {
            return Err(RecordsError::Failed(format!(
                "the backup in {} is damaged: its manifest says {} events ({}), the database holds {events} ({checksum}); nothing was restored",
                dir.display(),
                manifest.events,
                manifest.checksum
            )));
        }
        let bad = copy
            .verify()
            .map_err(|e| RecordsError::Failed(e.to_string()))?;
        if !bad.is_empty() {
            return Err(RecordsError::Failed(format!(
                "the backup's state disagrees with its log for visits {bad:?}; nothing was restored"
            )));
        }
        Ok(events)
    })();
    let events = match result {
        Ok(events) => events,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    if target.exists() {
        std::fs::remove_dir(&target)?;
    }
    std::fs::rename(&staging, &target)?;
    crate::paths::make_private(&target)?;
    println!(
        "restored {events} events into {} (backup of {}, checksum verified); start the server on it",
        data.root().display(),
        manifest.created_at.format("%Y-%m-%d %H:%M UTC")
    );
    Ok(())
}

/// Copies the files of a closed database, reading the source only. A
/// symbolic link in a backup is refused, not followed.
fn copy_tree(from: &Path, to: &Path) -> Result<(), RecordsError> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let dest = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &dest)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &dest)?;
        } else {
            return Err(RecordsError::Failed(format!(
                "{} is not a plain file: a backup holds none such; nothing was restored",
                entry.path().display()
            )));
        }
    }
    Ok(())
}

/// `flowboard verify`.
pub async fn verify(conn: &mut Connection) -> Outcome {
    let reply = conn.query(Query::Verify).await?;
    let data = reply.data.unwrap_or_default();
    let events = data["events"].as_u64().unwrap_or(0);
    if data["ok"] == true {
        println!("verified: the state rebuilt from {events} events agrees with the stored state");
        Ok(())
    } else if reply.ok {
        Err(RecordsError::Failed(format!(
            "the stored state disagrees with the event log for visits {} (0 = counters or index)",
            data["disagree"]
        )))
    } else {
        Err(RecordsError::Failed(
            reply.error.map(|e| e.message).unwrap_or_default(),
        ))
    }
}
