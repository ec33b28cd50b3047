//! The records commands of the command line: import the day sheet,
//! reports, lot trace, export, backup, restore, verify. Each talks to the
//! server (the only owner of the database) except `restore`, which fills
//! an empty data directory while no server runs.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::client::Connection;
use crate::config::Config;
use crate::domain::{Visit, text::fit};
use crate::import;
use crate::paths::DataDir;
use crate::protocol::{Query, QueryRequest, Request};
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

/// The instants `[from, to)` of the clinic days `from..=to`.
pub(crate) fn days(
    config: &Config,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(DateTime<Utc>, DateTime<Utc>), RecordsError> {
    if to < from {
        return Err(RecordsError::Usage(format!(
            "the range is backwards: --from {from} is after --to {to}"
        )));
    }
    Ok((
        day_start(config, from),
        day_start(config, to.succ_opt().unwrap_or(to)),
    ))
}

/// Asks `query` page after page and hands each page's `data` to `each`
/// as it comes. The next page is asked for as soon as a page has come,
/// before `each` writes it, so that the server reads the next page while
/// this one is written; nothing holds more than a page, and a second one
/// on its way.
async fn pages(
    conn: &mut Connection,
    query: Query,
    mut each: impl FnMut(&serde_json::Value) -> Result<(), RecordsError>,
) -> Result<(), RecordsError> {
    let ask = |query: Query| QueryRequest { id: None, query };
    let mut asked = conn.send_query(ask(query.clone())).await?;
    loop {
        let reply = conn.reply_to(asked).await?;
        if !reply.ok {
            return Err(RecordsError::Failed(
                reply.error.map(|e| e.message).unwrap_or_default(),
            ));
        }
        let data = reply.data.unwrap_or_default();
        let next = data.get("next").and_then(serde_json::Value::as_str);
        if let Some(next) = next {
            asked = conn.send_query(ask(query.resumed(next))).await?;
        }
        each(&data)?;
        if next.is_none() {
            return Ok(());
        }
    }
}

/// The items of a page (`visits`, `reactions`).
fn items<T: serde::de::DeserializeOwned>(
    data: &serde_json::Value,
    name: &str,
) -> Result<Vec<T>, RecordsError> {
    Vec::<T>::deserialize(&data[name])
        .map_err(|e| RecordsError::Failed(format!("the server's answer could not be read: {e}")))
}

/// Every visit of one clinic day (a day is small: this one is held).
async fn day_visits(conn: &mut Connection, day: NaiveDate) -> Result<Vec<Visit>, RecordsError> {
    let config = conn.welcome.config.clone();
    let (from, to) = days(&config, day, day)?;
    let mut visits = Vec::new();
    pages(
        conn,
        Query::Visits {
            from,
            to,
            after: None,
            limit: None,
        },
        |data| {
            visits.extend(items::<Visit>(data, "visits")?);
            Ok(())
        },
    )
    .await?;
    Ok(visits)
}

/// A branch's row with its site (the group commands' rows).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Sited<T> {
    pub site: String,
    #[serde(flatten)]
    pub row: T,
}

/// Rows written as they come: CSV (one header, every cell neutralised:
/// `csv_out`), a JSON array (laid out as `serde_json`'s pretty printer
/// does), or lines of text.
pub(crate) enum Sink<'a> {
    Csv(Box<crate::csv_out::CsvWriter<&'a mut Output>>),
    Json { out: &'a mut Output, rows: u64 },
    Text(&'a mut Output),
}

impl<'a> Sink<'a> {
    pub(crate) fn new(out: &'a mut Output, format: Format, bom: bool) -> std::io::Result<Sink<'a>> {
        Ok(match format {
            Format::Csv => Sink::Csv(Box::new(crate::csv_out::CsvWriter::new(out, bom)?)),
            Format::Json => Sink::Json { out, rows: 0 },
            Format::Text => Sink::Text(out),
        })
    }

    /// Writes rows; `text` is a row's line for the text format.
    pub(crate) fn rows<T: Serialize>(
        &mut self,
        rows: &[T],
        text: impl Fn(&T) -> String,
    ) -> std::io::Result<()> {
        match self {
            Sink::Csv(w) => {
                for row in rows {
                    w.row(row).map_err(csv_io)?;
                }
            }
            Sink::Json { out, rows: n } => {
                for row in rows {
                    out.write_all(if *n == 0 { b"[\n" } else { b",\n" })?;
                    let pretty =
                        serde_json::to_string_pretty(row).map_err(std::io::Error::other)?;
                    for (i, line) in pretty.lines().enumerate() {
                        if i > 0 {
                            out.write_all(b"\n")?;
                        }
                        out.write_all(b"  ")?;
                        out.write_all(line.as_bytes())?;
                    }
                    *n += 1;
                }
            }
            Sink::Text(out) => {
                for row in rows {
                    out.write_all(text(row).as_bytes())?;
                }
            }
        }
        Ok(())
    }

    /// Rows of many branches (the group commands), each with its site
    /// first: in JSON one object, `site` then the row's fields; in CSV the
    /// `site` column then the row's (the csv crate writes no flattened
    /// map, so the record is the pair).
    pub(crate) fn sited_rows<T: Serialize>(
        &mut self,
        rows: &[Sited<T>],
        text: impl Fn(&Sited<T>) -> String,
    ) -> std::io::Result<()> {
        if let Sink::Csv(w) = self {
            #[derive(Serialize)]
            struct Site<'s> {
                site: &'s str,
            }
            for r in rows {
                w.row(&(Site { site: &r.site }, &r.row)).map_err(csv_io)?;
            }
            return Ok(());
        }
        self.rows(rows, text)
    }

    /// A line of the text format (a heading), written as it comes.
    pub(crate) fn text(&mut self, line: &str) -> std::io::Result<()> {
        if let Sink::Text(out) = self {
            out.write_all(line.as_bytes())?;
        }
        Ok(())
    }

    /// Ends the output: the JSON array's end, the CSV's last bytes.
    pub(crate) fn finish(self) -> std::io::Result<()> {
        match self {
            Sink::Csv(w) => {
                w.finish().map_err(csv_io)?;
            }
            Sink::Json { out, rows } => {
                out.write_all(if rows == 0 { b"[]\n" } else { b"\n]\n" })?;
            }
            Sink::Text(_) => {}
        }
        Ok(())
    }
}

/// A CSV error as the I/O error it is when it is one (a closed pipe stays
/// a closed pipe).
fn csv_io(e: csv::Error) -> std::io::Error {
    let said = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        _ => std::io::Error::other(said),
    }
}

/// Where a report goes: standard output, or a file created owner-only
/// (it holds patient data), checked before the work starts.
pub struct Output {
    file: Option<(PathBuf, std::io::BufWriter<std::fs::File>)>,
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
            file: Some((path.to_path_buf(), std::io::BufWriter::new(file))),
        })
    }

    /// Writes what is buffered and, for a file, makes it durable.
    pub fn finish(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some((_, f)) => {
                f.flush()?;
                f.get_ref().sync_all()
            }
            None => std::io::stdout().lock().flush(),
        }
    }

    /// The file written to, if not standard output.
    fn path(&self) -> Option<&Path> {
        self.file.as_ref().map(|(p, _)| p.as_path())
    }
}

/// Written as it comes (a report streams page after page); `finish` ends
/// it.
impl Write for Output {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some((_, f)) => f.write(bytes),
            None => std::io::stdout().lock().write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some((_, f)) => f.flush(),
            None => std::io::stdout().lock().flush(),
        }
    }
}

pub(crate) fn local(config: &Config, t: DateTime<Utc>) -> String {
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
    let visits = day_visits(conn, date).await?;
    let r = report::day(&visits, &config, date, Utc::now());
    write_day(&r, &config.clinic_name, date, format, out)
}

/// Writes a day report: the JSON of `DayReport`, a CSV of figures
/// (section, item, value), or text headed by `title`.
pub(crate) fn write_day(
    r: &report::DayReport,
    title: &str,
    date: NaiveDate,
    format: Format,
    out: &mut Output,
) -> Outcome {
    match format {
        Format::Json => {
            let mut json = serde_json::to_vec_pretty(r).map_err(std::io::Error::other)?;
            json.push(b'\n');
            out.write_all(&json)?;
            out.finish()?;
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
            out.finish()?;
            Ok(())
        }
        Format::Text => {
            let mut s = format!(
                "{title} — day report {date}\n\nPatients per treatment (arrived / treated)\n"
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
            out.finish()?;
            Ok(())
        }
    }
}

/// `flowboard report incident VISIT [--date D]`: the visit is read through
/// the records query of its day; its reaction's course in the language
/// asked (`--lang`, else the clinic's).
pub async fn report_incident(
    conn: &mut Connection,
    visit: u64,
    date: Option<NaiveDate>,
    format: Format,
    lang: Option<crate::i18n::Lang>,
    out: &mut Output,
) -> Outcome {
    let config = conn.welcome.config.clone();
    let lang = lang.unwrap_or(config.language);
    let day = date.unwrap_or_else(|| today(&config));
    let visits = day_visits(conn, day).await?;
    let Some(v) = visits.iter().find(|v| v.id.0 == visit) else {
        return Err(RecordsError::Usage(match lang {
            crate::i18n::Lang::En => format!(
                "there is no visit {visit} on {day}: give the day it arrived with --date YYYY-MM-DD"
            ),
            crate::i18n::Lang::Ja => format!(
                "{day} に来院 {visit} はありません：来院日を --date YYYY-MM-DD で指定してください"
            ),
        }));
    };
    let Some(course) = crate::domain::incident::course(v, config.timezone) else {
        return Err(RecordsError::Failed(crate::incident_report::no_reaction(
            lang, visit, &v.name,
        )));
    };
    let bytes = match format {
        Format::Text => crate::incident_report::text(&course, &config, lang).into_bytes(),
        Format::Json => {
            let mut json = serde_json::to_vec_pretty(&course).map_err(std::io::Error::other)?;
            json.push(b'\n');
            json
        }
        Format::Csv => crate::csv_out::to_csv(
            &crate::incident_report::rows(&course, &config, lang),
            lang == crate::i18n::Lang::Ja,
        )
        .map_err(std::io::Error::other)?,
    };
    out.write_all(&bytes)?;
    Ok(())
}

/// `flowboard report reactions --from D --to D`: the reaction rows come
/// from the server a page at a time and are written as they come.
pub async fn report_reactions(
    conn: &mut Connection,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    format: Format,
    out: &mut Output,
) -> Outcome {
    let config = conn.welcome.config.clone();
    let (from, to) = range(&config, from, to);
    let (start, end) = days(&config, from, to)?;
    let line = |r: &report::ReactionRow| reaction_line(&config, r);
    // Rows are small: the largest pages the server gives.
    let query = Query::Reactions {
        from: start,
        to: end,
        after: None,
        limit: Some(500),
    };
    let mut sink = Sink::new(out, format, false)?;
    pages(conn, query, |data| {
        if let Some(total) = data["total"].as_u64() {
            sink.text(&format!("Reactions {from} to {to}: {total}\n"))?;
        }
        let rows: Vec<report::ReactionRow> = items(data, "reactions")?;
        sink.rows(&rows, line)?;
        Ok(())
    })
    .await?;
    sink.finish()?;
    out.finish()?;
    Ok(())
}

/// A reaction report's line of text.
pub(crate) fn reaction_line(config: &Config, r: &report::ReactionRow) -> String {
    format!(
        "{}  {} ({})  {}  lot {}  {}: {} -> {}; adrenaline doses {}; {}; outcome {}\n",
        local(config, r.at),
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
                local(config, t)
            )),
        r.outcome
    )
}

/// `flowboard trace-lot LOT`: an unknown lot is an empty answer, not an
/// error. The administrations come a page at a time.
pub async fn trace_lot(
    conn: &mut Connection,
    lot: &str,
    format: Format,
    out: &mut Output,
) -> Outcome {
    let config = conn.welcome.config.clone();
    let line = |r: &report::LotRow| lot_line(&config, r);
    // Lots are stored as the vial prints them: `ex2611-07` asks for (and
    // is shown as) `EX2611-07`.
    let lot = crate::domain::text::lot_number(lot);
    let query = Query::TraceLot {
        lot: lot.clone(),
        after: None,
        limit: None,
    };
    let mut sink = Sink::new(out, format, false)?;
    pages(conn, query, |data| {
        match data["total"].as_u64() {
            Some(0) => sink.text(&format!("no administration of lot {lot:?} is on record\n"))?,
            Some(total) => sink.text(&format!("Lot {lot}: {total} administrations\n"))?,
            None => {}
        }
        let rows = report::lot_rows(&items::<Visit>(data, "visits")?, &config);
        sink.rows(&rows, line)?;
        Ok(())
    })
    .await?;
    sink.finish()?;
    out.finish()?;
    Ok(())
}

/// A lot trace's line of text.
pub(crate) fn lot_line(config: &Config, r: &report::LotRow) -> String {
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
    format!(
        "{}  {} ({})  {}  given {given}  nurse {}  {reactions}\n",
        r.at.map_or("-".to_string(), |t| local(config, t)),
        fit(&r.name, 20),
        r.chart_no.as_deref().unwrap_or("-"),
        r.treatment,
        r.nurse.as_deref().unwrap_or("-")
    )
}

/// `flowboard export --from D --to D --format csv|json [--bom] [--output F]`:
/// the visits come a page at a time and their events are written as they
/// come, so the memory held does not grow with the range.
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
    let (start, end) = days(&config, from, to)?;
    let format = if format == Format::Json {
        Format::Json
    } else {
        Format::Csv
    };
    let mut events = 0u64;
    let query = Query::Visits {
        from: start,
        to: end,
        after: None,
        limit: None,
    };
    let mut sink = Sink::new(out, format, bom)?;
    pages(conn, query, |data| {
        let rows = report::export_rows(&items::<Visit>(data, "visits")?, &config);
        events += rows.len() as u64;
        sink.rows(&rows, |_| String::new())?;
        Ok(())
    })
    .await?;
    sink.finish()?;
    out.finish()?;
    if let Some(path) = out.path() {
        eprintln!("exported {events} events to {}", path.display());
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
