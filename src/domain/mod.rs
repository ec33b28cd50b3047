//! The clinic's rules, pure: no I/O, no clock, no tokio. Everything that
//! needs the time takes `now`.
//!
//! `decide(board, config, command, ctx)` turns a command into events or a
//! rejection; `apply(board, event)` folds an event into the board;
//! `alerts(board, config, now)` and `timer(visit, config, now)` derive what
//! the screen shows.

mod command;
mod event;
mod model;
mod rules;
pub mod text;

pub use command::{Command, Context, Rejection, decide, free_beds, parse_at};
pub use event::{EventKind, EventRecord, apply, replay};
pub use model::{Board, Route, Stage, Visit, VisitId};
pub use rules::{Alert, AlertCode, Severity, Timer, alerts, expected_secs, timer, visit_alerts};

#[cfg(test)]
mod tests;
