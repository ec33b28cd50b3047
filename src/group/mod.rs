//! A clinic group: every branch's event log in one PostgreSQL.
//!
//! A branch keeps its own server and sled database (it must work when its
//! line is down); with `[group]` in its config the server ships its log,
//! in order and idempotently, to the group's PostgreSQL ([`ship`]). Head
//! office reads it there ([`read`]: lot recall, reports, the live view of
//! every branch). The rows are the store's [`LogRow`](crate::store::LogRow),
//! the same shape as the branch's own log.
//!
//! * [`schema`] — versioned migrations, checked at every connection.
//! * [`ship`] — the branch server's shipper (a background task).
//! * [`lots`] — the lot rows derived from the events (one row per
//!   administration, written with each batch), for the lot recall.
//! * [`read`] — the group commands' queries.
//!
//! Layering: beside `store` (it knows PostgreSQL as `store` knows sled);
//! the domain knows nothing of it, the UI never calls it.

pub mod board;
pub mod commands;
pub mod lots;
pub mod read;
pub mod schema;
pub mod ship;

use std::time::Duration;

use crate::config::{Group, GroupTls};

/// Where the group's PostgreSQL is and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub connection: String,
    pub tls: GroupTls,
    pub ca_file: Option<std::path::PathBuf>,
}

impl From<&Group> for Target {
    fn from(g: &Group) -> Target {
        Target {
            connection: g.connection.clone(),
            tls: g.tls,
            ca_file: g.ca_file.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GroupError {
    #[error("{0}")]
    Db(#[from] tokio_postgres::Error),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("{0}")]
    Schema(String),
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    Log(String),
}

impl GroupError {
    /// The error as one line for a log or a status (PostgreSQL's own
    /// message and detail when it gave them).
    pub fn line(&self) -> String {
        match self {
            GroupError::Db(e) => match e.as_db_error() {
                Some(db) => format!("{} ({})", db.message(), db.code().code()),
                None => {
                    let mut s = e.to_string();
                    let mut source = std::error::Error::source(e);
                    while let Some(inner) = source {
                        s = format!("{s}: {inner}");
                        source = inner.source();
                    }
                    s
                }
            },
            other => other.to_string(),
        }
    }
}

/// Connects to the group's PostgreSQL; the connection's task runs on the
/// current runtime and ends with the client.
pub async fn connect(target: &Target, app: &str) -> Result<tokio_postgres::Client, GroupError> {
    open(target, app, None).await
}

/// Connects, and hands every NOTIFY's payload to the receiver (which
/// ends when the connection does).
pub async fn connect_listening(
    target: &Target,
    app: &str,
) -> Result<
    (
        tokio_postgres::Client,
        tokio::sync::mpsc::UnboundedReceiver<String>,
    ),
    GroupError,
> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let client = open(target, app, Some(tx)).await?;
    Ok((client, rx))
}

async fn open(
    target: &Target,
    app: &str,
    notes: Option<tokio::sync::mpsc::UnboundedSender<String>>,
) -> Result<tokio_postgres::Client, GroupError> {
    use tokio_postgres::config::SslMode;
    let mut config: tokio_postgres::Config = target
        .connection
        .parse()
        .map_err(|e| GroupError::Schema(format!("the connection string is not valid: {e}")))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    config.application_name(app);
    match target.tls {
        GroupTls::Disable => {
            config.ssl_mode(SslMode::Disable);
            let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
            drive(connection, notes);
            Ok(client)
        }
        GroupTls::Require | GroupTls::VerifyFull => {
            config.ssl_mode(SslMode::Require);
            let mut builder = native_tls::TlsConnector::builder();
            if target.tls == GroupTls::Require {
                builder
                    .danger_accept_invalid_certs(true)
                    .danger_accept_invalid_hostnames(true);
            }
            if let Some(ca) = &target.ca_file {
                let pem = std::fs::read(ca).map_err(|e| {
                    GroupError::Tls(format!("cannot read group.ca_file {}: {e}", ca.display()))
                })?;
                let cert = native_tls::Certificate::from_pem(&pem).map_err(|e| {
                    GroupError::Tls(format!(
                        "group.ca_file {} is not a PEM certificate: {e}",
                        ca.display()
                    ))
                })?;
                builder.add_root_certificate(cert);
            }
            let connector = builder
                .build()
                .map_err(|e| GroupError::Tls(e.to_string()))?;
            let tls = postgres_native_tls::MakeTlsConnector::new(connector);
            let (client, connection) = config.connect(tls).await?;
            drive(connection, notes);
            Ok(client)
        }
    }
}

/// Runs a connection on the current runtime, handing its notifications
/// to `notes`.
fn drive<S, T>(
    mut connection: tokio_postgres::Connection<S, T>,
    notes: Option<tokio::sync::mpsc::UnboundedSender<String>>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(tokio_postgres::AsyncMessage::Notification(n))) => {
                    if let Some(tx) = &notes {
                        let _ = tx.send(n.payload().to_string());
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    tracing::debug!("group connection ended: {e}");
                    return;
                }
                None => return,
            }
        }
    });
}
