//! `flowboard serve`: the server, and its log.

use std::process::ExitCode;

use super::Outcome;
use crate::access::SocketGroup;
use crate::config::Config;
use crate::paths::DataDir;
use crate::server::Server;

/// The socket group the config names. One that does not exist is a
/// config mistake: said (exit status 2) before any data is touched, like
/// any other bad key.
pub fn socket_group(
    config: &Config,
    file: Option<&std::path::Path>,
) -> Result<Option<SocketGroup>, ExitCode> {
    match config
        .socket_group
        .as_deref()
        .map(crate::access::resolve_group)
    {
        None => Ok(None),
        Some(Ok(group)) => Ok(Some(group)),
        Some(Err(problem)) => {
            eprintln!(
                "flowboard: {}",
                crate::config::ConfigError::Invalid {
                    file: file.map(std::path::Path::to_path_buf).unwrap_or_default(),
                    key: "socket_group".into(),
                    problem,
                }
            );
            Err(ExitCode::from(2))
        }
    }
}

pub async fn serve(data: DataDir, config: Config, group: Option<SocketGroup>) -> Outcome {
    data.create()?;
    init_log(&data, &config.server)?;
    let server = match Server::bind(data, config, group) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("{e}");
            return Err(e.into());
        }
    };
    server.run().await?;
    Ok(ExitCode::SUCCESS)
}

pub fn init_log(data: &DataDir, limits: &crate::config::ServerLimits) -> std::io::Result<()> {
    let replaced = crate::log::prepare(&data.log())?;
    let writer = crate::log::writer(&data.log(), limits);
    tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(writer))
        .with_ansi(false)
        .init();
    if let Some(what) = replaced {
        tracing::warn!("{what}");
    }
    Ok(())
}
