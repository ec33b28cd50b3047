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

/// Writes the `days` clinic days before `today`, as `clinic` makes them,
/// into `store` (which must hold no records). `progress(done, days)`
/// after each day. Flushes once, at the end: nothing is acknowledged to
/// anyone before.
pub fn fill(
    store: &Store,
    config: &Config,
    days: u32,
    today: NaiveDate,
    clinic: &mut Clinic,
    mut progress: impl FnMut(u32, u32),
) -> Result<Filled, FillError> {
    if !store.is_empty()? {
        return Err(FillError::NotEmpty("the data directory".into()));
    }
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
                confirmed: false,
            };
            let events =
                decide(&board, config, &command, &ctx).map_err(|r| FillError::Refused {
                    day,
                    command: format!(
                        "{command:?} at {} after {}",
                        timed.at,
                        command
                            .visit()
                            .and_then(|id| board.visit(id))
                            .map(|v| v
                                .events
                                .iter()
                                .map(|e| format!("{} {}", e.kind.name(), e.at.format("%H:%M")))
                                .collect::<Vec<_>>()
                                .join(", "))
                            .unwrap_or_default()
                    ),
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
        | Command::Undo { visit, .. } => *visit = id,
        Command::Arrive { .. } | Command::Expect { .. } | Command::BedReady { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::history::Rates;
    use crate::domain::{ReactionKind, Stage};

    #[test]
    fn every_generated_path_is_accepted_by_the_domain_and_the_store_agrees_with_its_log() {
        // Reactions, deferrals and no-shows far more often than in life,
        // so that a week goes down every path: anaphylaxis and transfer,
        // allergic with the doctor's clearance, vasovagal, local.
        let rates = Rates {
            anaphylaxis: 300,
            allergic: 600,
            vasovagal: 900,
            local: 2000,
            deferral: 600,
            leaves: 400,
            no_show: 1000,
        };
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let config = Config::default();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut days = Vec::new();
        let filled = fill(
            &store,
            &config,
            7,
            today,
            &mut Clinic::with_rates(11, rates),
            |done, of| days.push((done, of)),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(filled.days, 7);
        assert_eq!(days.last(), Some(&(7, 7)));
        assert!(filled.visits > 250, "{filled:?}");
        assert!(store.verify().unwrap().is_empty());
        let board = store.load_board().unwrap();
        let stages: std::collections::BTreeSet<Stage> =
            board.visits.values().map(|v| v.stage).collect();
        for stage in [
            Stage::Discharged,
            Stage::Deferred,
            Stage::Cancelled,
            Stage::Transferred,
            Stage::Expected,
        ] {
            assert!(stages.contains(&stage), "no visit ends {stage}: {stages:?}");
        }
        let kinds: std::collections::BTreeSet<ReactionKind> = board
            .visits
            .values()
            .flat_map(|v| v.care.reactions.iter().map(|r| r.kind))
            .collect();
        assert_eq!(kinds.len(), 4, "{kinds:?}");
        // Nobody is left in the clinic overnight.
        assert!(board.visits.values().all(|v| !v.stage.is_active()));
    }

    #[test]
    fn a_database_with_records_is_not_filled() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let config = Config::default();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        // Three days: one of them may be a Sunday (closed).
        fill(&store, &config, 3, today, &mut Clinic::new(1), |_, _| {}).unwrap();
        let err = fill(&store, &config, 1, today, &mut Clinic::new(1), |_, _| {})
            .unwrap_err()
            .to_string();
        assert!(err.contains("only a new, empty database"), "{err}");
    }
}
