//! `flowboard group ...`: the clinic group's PostgreSQL (head office),
//! and this branch's shipper.

use std::path::PathBuf;

use super::Outcome;
use super::args::{GroupMode, ReportKind};
use super::records::records_outcome;
use crate::client::Connection;
use crate::config::Config;
use crate::i18n::Lang;
use crate::paths::DataDir;
use crate::protocol::Role;
use crate::records;

/// The group database as the command line gives it.
pub struct GroupTarget {
    pub connection: Option<String>,
    pub tls: Option<String>,
    pub ca_file: Option<PathBuf>,
}

impl GroupTarget {
    fn resolve(self, config: &Config) -> Option<crate::group::Target> {
        use crate::config::GroupTls;
        let from_config = config.group.as_ref().map(crate::group::Target::from);
        match self.connection {
            None => from_config,
            Some(connection) => Some(crate::group::Target {
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

pub async fn group_mode(
    data: &DataDir,
    config: &Config,
    target: GroupTarget,
    mode: GroupMode,
    lang: Option<Lang>,
) -> Outcome {
    use crate::group::commands;
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
                    .query(crate::protocol::Query::Shipping)
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
        GroupMode::Report {
            report: ReportKind::Incident { .. },
        } => Err(records::RecordsError::Usage(
            "an incident report is a branch's: run `flowboard report incident` at the branch"
                .into(),
        )),
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
            Some(t)
                if {
                    let today = chrono::Utc::now()
                        .with_timezone(&config.timezone)
                        .date_naive();
                    from.unwrap_or(today) <= to.unwrap_or(today)
                } =>
            {
                let today = chrono::Utc::now()
                    .with_timezone(&config.timezone)
                    .date_naive();
                let (from, to) = (from.unwrap_or(today), to.unwrap_or(today));
                commands::report_reactions(t, config, from, to, format, &mut out).await
            }
            Some(_) => Err(records::RecordsError::Usage(format!(
                "the range is backwards: --from {} is after --to {}",
                from.map(|d| d.to_string()).unwrap_or_default(),
                to.map(|d| d.to_string()).unwrap_or_default()
            ))),
            None => Err(need()),
        },
    };
    Ok(records_outcome(outcome))
}
