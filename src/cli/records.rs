//! The records commands: import, reports, lot trace, export, backup,
//! verify (through the server), restore (without one).

use std::process::ExitCode;

use super::Outcome;
use super::args::{Mode, ReportKind};
use crate::client::{AutoStart, Connection};
use crate::paths::DataDir;
use crate::protocol::Role;
use crate::records;

pub fn records_outcome(outcome: records::Outcome) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // Read by `head` or a pager that has seen enough: not an error of
        // ours, and nothing to say about it.
        Err(records::RecordsError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("flowboard: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

pub async fn records_mode(
    data: &DataDir,
    autostart: Option<AutoStart>,
    operator: Option<String>,
    lang: Option<crate::i18n::Lang>,
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
            report:
                ReportKind::Day { output, .. }
                | ReportKind::Reactions { output, .. }
                | ReportKind::Incident { output, .. },
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
        Mode::Report {
            report:
                ReportKind::Incident {
                    visit,
                    date,
                    format,
                    ..
                },
        } => records::report_incident(&mut conn, visit, date, format, lang, &mut out).await,
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
