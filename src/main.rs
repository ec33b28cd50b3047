//! The `flowboard` command: parses the command line and chooses a mode;
//! the modes are `flowboard::cli`. Errors are reported once, here. Exit
//! status: 0 ok, 1 the command failed (refused, no server), 2 bad usage or
//! a bad config file.

use std::process::ExitCode;

use clap::Parser;

use flowboard::cli::args::{Cli, Mode, PinAction};
use flowboard::cli::{board, docs, group, oneshot, pin, records, serve, wall};
use flowboard::client::AutoStart;
use flowboard::config;
use flowboard::paths::DataDir;
use flowboard::protocol::Role;

fn main() -> ExitCode {
    // Everything flowboard creates holds patient data or leads to it (the
    // database, the log, the socket, backups, exports): owner-only, from
    // the first file on, whatever umask the shell or the unit gave us.
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
    let cli = Cli::parse();
    // Written from the command line's definitions: no config, no data.
    match &cli.command {
        Some(Mode::Completions { shell }) => return docs::completions(*shell),
        Some(Mode::Man { dir }) => return docs::man_pages(dir.as_deref()),
        _ => {}
    }
    flowboard::client::set_timeout(std::time::Duration::from_secs_f64(cli.timeout));
    // Every mode needs a valid config first: a bad file stops us before
    // any data is touched.
    let (config, config_path) = match config::resolve(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("flowboard: {e}");
            return ExitCode::from(2);
        }
    };
    let data = match DataDir::resolve(cli.data_dir.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("flowboard: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("flowboard: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let autostart = if cli.no_autostart {
        None
    } else {
        std::env::current_exe().ok().map(|exe| AutoStart {
            exe,
            config: config_path.clone(),
        })
    };
    let result = match cli.command {
        Some(Mode::Serve) => match serve::socket_group(&config, config_path.as_deref()) {
            Ok(group) => runtime.block_on(serve::serve(data, config, group)),
            Err(code) => return code,
        },
        Some(Mode::Snapshot { json }) => {
            runtime.block_on(oneshot::print_snapshot(&data, autostart, json))
        }
        Some(Mode::Add {
            name,
            treatment,
            chart_no,
            at,
            key,
            do_not_display,
        }) => runtime.block_on(oneshot::add(
            &data,
            autostart,
            cli.operator,
            oneshot::arrival(name, treatment, chart_no, key, do_not_display),
            at,
        )),
        Some(Mode::Send { lines }) => runtime.block_on(oneshot::send(&data, autostart, lines)),
        Some(Mode::Demo {
            history_days,
            fill_only,
        }) => {
            let history = history_days.map(|days| board::History {
                days,
                dir: cli.data_dir.clone(),
                config: config.clone(),
            });
            if fill_only {
                return board::fill_only_mode(history);
            }
            runtime.block_on(board::demo(
                config_path,
                cli.lang,
                cli.operator,
                cli.data_dir.clone(),
                history,
            ))
        }
        Some(Mode::Restore { dir }) => Ok(records::records_outcome(flowboard::records::restore(
            &data, &dir,
        ))),
        Some(
            mode @ (Mode::Import { .. }
            | Mode::Report { .. }
            | Mode::TraceLot { .. }
            | Mode::Export { .. }
            | Mode::Backup { .. }
            | Mode::Verify),
        ) => runtime.block_on(records::records_mode(
            &data,
            autostart,
            cli.operator,
            cli.lang,
            mode,
        )),
        Some(Mode::Group {
            connection,
            tls,
            ca_file,
            command,
        }) => runtime.block_on(group::group_mode(
            &data,
            &config,
            group::GroupTarget {
                connection,
                tls,
                ca_file,
            },
            command,
            cli.lang,
        )),
        Some(Mode::Wall) => runtime.block_on(wall::wall(data, config, autostart, cli.lang)),
        Some(Mode::Pin {
            action: PinAction::Set { initials },
        }) => pin::set_pin(&data, &config, &initials),
        // Answered before the config was read.
        Some(Mode::Completions { .. } | Mode::Man { .. }) => Ok(ExitCode::SUCCESS),
        None => {
            let role = if cli.read_only {
                Role::ReadOnly
            } else {
                Role::Operator
            };
            runtime.block_on(board::board(
                data,
                config,
                autostart,
                role,
                cli.lang,
                cli.operator,
            ))
        }
    };
    // Do not wait for the terminal reader thread or an idle connection.
    runtime.shutdown_background();
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("flowboard: {e}");
            ExitCode::FAILURE
        }
    }
}
