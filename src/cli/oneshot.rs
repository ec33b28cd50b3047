//! The one-shot clients for scripts: snapshot, add, send.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use chrono::Utc;

use super::Outcome;
use crate::client::{AutoStart, Connection};
use crate::domain::{Command, parse_at};
use crate::paths::DataDir;
use crate::protocol::{Request, Role};
use crate::snapshot;

/// The arrival `flowboard add` registers. A retry after a timeout or a
/// crash must not register the patient twice: every add carries a key.
pub fn arrival(
    name: String,
    treatment: String,
    chart_no: Option<String>,
    key: Option<String>,
    do_not_display: bool,
) -> Command {
    Command::Arrive {
        name,
        treatment,
        chart_no,
        key: Some(key.unwrap_or_else(crate::client::new_key)),
        do_not_display,
    }
}

pub async fn print_snapshot(data: &DataDir, autostart: Option<AutoStart>, json: bool) -> Outcome {
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

pub async fn add(
    data: &DataDir,
    autostart: Option<AutoStart>,
    operator: Option<String>,
    command: Command,
    at: Option<String>,
) -> Outcome {
    use crate::client::ClientError;
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

pub async fn send(data: &DataDir, autostart: Option<AutoStart>, lines: Vec<String>) -> Outcome {
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
