//! The clinic's rules, pure: no I/O, no clock, no tokio. Everything that
//! needs the time takes `now`.
//!
//! `decide(board, config, command, ctx)` turns a command into events or a
//! rejection; `apply(board, event)` folds an event into the board;
//! `alerts(board, config, now)` and `timer(visit, config, now)` derive what
//! the screen shows.

pub mod beds;
pub mod caseload;
mod chart;
pub mod clinical;
mod command;
mod event;
pub mod forecast;
pub mod incident;
mod model;
pub mod moves;
pub mod policy;
mod record;
pub mod rules;
pub mod text;

pub use beds::{BedState, free_beds};
pub use chart::{ChartHistory, ChartVisit, charts_read};
pub use clinical::{Care, Check, Entry, History, ReactionKind, Vitals};
pub use command::{Command, Context, Rejection, decide, parse_at};
pub use event::{Correction, EventKind, EventRecord, apply, replay};
pub use model::{Board, Route, Stage, Visit, VisitId};
pub use rules::{
    Alert, AlertCode, Badge, Missing, Severity, Timer, alerts, badges, expected_secs, timer,
    visit_alerts,
};

#[cfg(test)]
mod busy_hour_tests;
#[cfg(test)]
mod clinical_tests;
#[cfg(test)]
mod protocol_props;
#[cfg(test)]
mod protocol_tests;
#[cfg(test)]
mod records_tests;
#[cfg(test)]
mod tests;
