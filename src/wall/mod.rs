//! The wall display (`flowboard wall`): a read-only screen for a monitor
//! that faces the waiting room and that nobody touches all day.
//!
//! * [`Wall`] — the model: what the server projected for the wall
//!   ([`crate::projection`]: labels, stages, timers' anchors, alert
//!   levels; never a name, a treatment or a record), the link state, the
//!   palette, the bell. No selection, no forms: there is no input.
//! * [`update`] — pure; the only keys are `q` and Ctrl-C (to leave).
//! * [`view`] — bed map with large drip timers, then the queue by stage;
//!   pages every `[wall] page_seconds` when it does not fit; names masked
//!   by `[wall] names`; alerts without detail; the emergency banner.
//!
//! It runs in the board's loop (`ui::run`, through [`crate::ui::Screen`]) and
//! its connection has the `wall` role: the server sends it the projection
//! only, and refuses it every command and query, whatever this code does.

mod model;
mod view;

pub use model::{Wall, update};
pub use view::{MIN_HEIGHT, MIN_WIDTH, draw_with, emergencies, emergency_banner, view};

#[cfg(test)]
mod tests;
