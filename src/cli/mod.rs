//! The modes of the `flowboard` command, one file each: `main.rs` parses
//! the command line ([`args`]) and chooses one; each mode is a function
//! here that does its work and says how it went.

pub mod args;
pub mod board;
pub mod docs;
pub mod group;
pub mod oneshot;
pub mod pin;
pub mod records;
pub mod serve;
pub mod wall;

/// How a mode ended: an exit status, or an error to report once.
pub type Outcome = Result<std::process::ExitCode, Box<dyn std::error::Error>>;
