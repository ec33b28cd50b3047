//! Shell completions and manual pages, written from the command line's
//! own definitions (so they always describe the binary that writes them).

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use super::args::Cli;

/// `flowboard completions SHELL`: the completion script on standard output.
pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut command = Cli::command();
    // Into memory first (writing there cannot fail), then out: a closed
    // pipe is an error said, not a panic.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "flowboard", &mut script);
    match std::io::stdout().lock().write_all(&script) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("flowboard: cannot write the completions: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `flowboard man`: flowboard(1) on standard output; with `dir`, it and a
/// page for each subcommand written there (as git's are).
pub fn man_pages(dir: Option<&std::path::Path>) -> ExitCode {
    let command = Cli::command();
    let written = match dir {
        None => clap_mangen::Man::new(command).render(&mut std::io::stdout().lock()),
        Some(dir) => write_man_pages(dir, command),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("flowboard: cannot write the manual pages: {e}");
            ExitCode::FAILURE
        }
    }
}

pub fn write_man_pages(dir: &std::path::Path, command: clap::Command) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let page = |name: &str, command: clap::Command| -> std::io::Result<()> {
        let mut file = std::fs::File::create(dir.join(format!("{name}.1")))?;
        clap_mangen::Man::new(command).render(&mut file)
    };
    page("flowboard", command.clone())?;
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("flowboard-{}", sub.get_name());
        let bin = format!("flowboard {}", sub.get_name());
        page(&name, sub.clone().display_name(name.clone()).bin_name(bin))?;
    }
    Ok(())
}
