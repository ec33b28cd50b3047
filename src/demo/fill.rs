//! Writes past clinic days (`history`) into a new database, through the
//! domain as the server would (`decide`, `apply`, the patient histories
//! read from the store), one write per day and one flush at the end:
//! `flowboard demo --history-days N --data-dir DIR --fill-only`.

use chrono::{Duration, NaiveDate};

use super::history::Clinic;
use crate::config::Config;
use crate::domain::{Board, Command, Context, VisitId, apply, charts_read, decide};
use crate::records::day_start;
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum FillError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the demo fills only a new, empty database, and {0} already holds records")]
    NotEmpty(String),
    #[error("the generated day {day} was refused at {command}: {why} (a bug in the demo)")]
    Refused {
        day: NaiveDate,
        command: String,
        why: String,
    },
}

/// What a fill wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Filled {
    pub days: u32,
    pub visits: u64,
    pub events: u64,
}

/// Writes the `days` clinic days before `today` into `store` (which must
/// hold no records), from `seed`. `progress(done, days)` after each day.
/// Flushes once, at the end: nothing is acknowledged to anyone before.
pub fn fill(
    store: &Store,
    config: &Config,
    days: u32,
    today: NaiveDate,
    seed: u64,
    mut progress: impl FnMut(u32, u32),
) -> Result<Filled, FillError> {
    if !store.is_empty()? {
        return Err(FillError::NotEmpty("the data directory".into()));
    }
    let mut clinic = Clinic::new(seed);
    let mut board = Board::default();
    let mut filled = Filled::default();
    const OPERATORS: [&str; 4] = ["KS", "MS", "YT", "AN"];
    for back in (1..=i64::from(days)).rev() {
        let day = today - Duration::days(back);
        let plan = clinic.day(config, day);
        let mut ids: Vec<Option<VisitId>> = vec![None; plan.visits];
        let mut written = Vec::new();
        for (n, timed) in plan.commands.into_iter().enumerate() {
            let mut command = timed.command;
            if let Some(id) = ids.get(timed.visit).copied().flatten() {
                set_visit(&mut command, id);
            }
            for chart in charts_read(&board, &command) {
                let history = store.chart_history(&chart)?;
                board.charts.insert(chart, history);
            }
            let ctx = Context {
                now: timed.at,
                at: None,
                operator: Some(OPERATORS[n % OPERATORS.len()].to_string()),
            };
            let events =
                decide(&board, config, &command, &ctx).map_err(|r| FillError::Refused {
                    day,
                    command: format!("{command:?}"),
                    why: r.to_string(),
                })?;
            if let (Some(slot), Some(first)) = (ids.get_mut(timed.visit), events.first())
                && slot.is_none()
            {
                *slot = Some(first.visit);
                filled.visits += 1;
            }
            for e in events {
                apply(&mut board, e.clone());
                written.push(e);
            }
            board.charts.clear();
        }
        filled.events += written.len() as u64;
        store.append_unflushed(&written, &board)?;
        // Everyone has gone home (a no-show stays expected): the next day
        // starts with an empty board, as the server's window would.
        board.prune(day_start(config, day + Duration::days(1)));
        filled.days += 1;
        progress(filled.days, days);
    }
    store.flush()?;
    Ok(filled)
}

/// Points a generated command at the visit the board gave its patient.
fn set_visit(command: &mut Command, id: VisitId) {
    match command {
        Command::Advance { visit, .. }
        | Command::Defer { visit, .. }
        | Command::Cancel { visit, .. }
        | Command::Transfer { visit, .. }
        | Command::StopEarly { visit, .. }
        | Command::Record { visit, .. }
        | Command::Correct { visit, .. }
        | Command::Undo { visit } => *visit = id,
        Command::Arrive { .. } | Command::Expect { .. } => {}
    }
}
