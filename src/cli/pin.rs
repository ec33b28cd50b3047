//! `flowboard pin set`: a doctor's PIN, kept as an argon2 hash.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use super::Outcome;
use crate::config::Config;
use crate::paths::DataDir;

/// `flowboard pin set MK`: the PIN twice (hidden at a terminal), kept as
/// an argon2 hash in the data directory.
pub fn set_pin(data: &DataDir, config: &Config, initials: &str) -> Outcome {
    let Some(doctor) = crate::staff::doctor(config, initials) else {
        let known: Vec<&str> = config
            .staff
            .iter()
            .filter(|s| s.role == crate::config::StaffRole::Doctor)
            .map(|s| s.initials.as_str())
            .collect();
        eprintln!(
            "flowboard: {:?} is not a doctor on the staff list ([[staff]] in config.toml): the doctors are {}",
            crate::domain::text::sanitize(initials),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        );
        return Ok(ExitCode::from(2));
    };
    let read = |prompt: &str| -> std::io::Result<String> {
        if std::io::stdin().is_terminal() {
            rpassword::prompt_password(prompt)
        } else {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            Ok(line.trim().to_string())
        }
    };
    let first = read(&format!("PIN for {}: ", doctor.name))?;
    let again = read("The same PIN again: ")?;
    if first != again {
        eprintln!("flowboard: the two PINs differ: nothing was changed");
        return Ok(ExitCode::from(1));
    }
    data.create()?;
    match crate::staff::set(&data.pins(), &doctor.initials, &first) {
        Ok(()) => {
            println!("PIN set for {} ({})", doctor.name, doctor.initials);
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ crate::staff::PinError::Shape) => {
            eprintln!("flowboard: {e}: nothing was changed");
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}
