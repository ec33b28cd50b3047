//! The terminal UI: the Elm architecture (DESIGN.md).
//!
//! * [`App`] — the model: the server's config and board, the selection,
//!   the filter, the mode (board, help, a form, a confirmation), the status
//!   line and the requests awaiting replies.
//! * [`Msg`] — what can happen: a key, a tick, news from the server link.
//! * [`update`] — the only place the model changes; pure, returns an
//!   [`Action`] (a request to send, whether to quit).
//! * [`view`] — draws the model at `now`; pure.
//! * [`run`] — the real loop with the terminal, the keyboard thread, the
//!   link and a one-second clock.
//!
//! Key bindings live in one table ([`keymap`]) that the key handling, the
//! footer and the help screen share.

mod app;
pub mod bell;
pub mod cell;
pub mod forms;
pub mod history;
mod input;
pub mod keymap;
mod msg;
pub mod palette;
mod rows;
mod run;
mod update;
pub(crate) mod view;
mod words;

pub use app::{App, Connection, Mode, Pending, Status, StatusKind};
pub use forms::{FieldId, Form, FormKind};
pub use input::TextInput;
pub use msg::Msg;
pub use run::{Screen, run};
pub use update::{Action, update};
pub use view::{MIN_HEIGHT, MIN_WIDTH, view};

#[cfg(test)]
mod busy_screens_tests;
#[cfg(test)]
mod change_screens_tests;
#[cfg(test)]
mod clinic_screens_tests;
#[cfg(test)]
mod clinic_tests;
#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod history_tests;
#[cfg(test)]
mod journey_tests;
#[cfg(test)]
mod keys_tests;
#[cfg(test)]
mod language_tests;
#[cfg(test)]
mod screens_tests;
#[cfg(test)]
mod update_tests;
