//! The wire protocol between clients and the server: newline-delimited
//! JSON over a Unix socket. Documented for script writers in
//! docs/PROTOCOL.md; `PROTOCOL_VERSION` is checked at the handshake.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::domain::{Board, Command, VisitId};

/// Bumped on any change a client of the previous version would misread.
pub const PROTOCOL_VERSION: u32 = 2;

/// Longest line the server accepts; longer lines are refused, not read.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// What a connection may do. Enforced by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Full control: the nurse station, the back office.
    #[default]
    Operator,
    /// Sees the board, cannot change it: the wall, viewers.
    ReadOnly,
}

/// The first line a client sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hello {
    pub protocol: u32,
    #[serde(default)]
    pub role: Role,
    /// What the client is (`board`, `snapshot`, `send` …), for the log.
    #[serde(default)]
    pub client: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientMsg {
    Hello(Hello),
}

/// A command with its envelope: a request id to match the reply, the time
/// it happened (entries after the fact) and who entered it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// The user confirms an entry the board found doubtful (an entry after
    /// the fact that would have stopped a move already made): it is
    /// recorded, and flagged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub confirm: bool,
    /// The doctor's PIN for a doctor's act, where the clinic asks for one
    /// (`doctor_pin = "required"`): checked by the server, never recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    #[serde(flatten)]
    pub command: Command,
}

/// A question about the records (reports, lot trace, export, backup).
/// Read-only connections may ask all but `backup`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "query", rename_all = "snake_case", deny_unknown_fields)]
pub enum Query {
    /// Visits that arrived (or were expected) in `[from, to)`, each with
    /// all its events.
    Visits {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
    /// Visits given product from this lot.
    TraceLot { lot: String },
    /// A consistent copy of the database into `dir` (on the server's
    /// machine; the directory must be new or empty).
    Backup { dir: std::path::PathBuf },
    /// Rebuilds the state from the event log and compares.
    Verify,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryRequest {
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(flatten)]
    pub query: Query,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerMsg {
    /// Answer to `hello`: the clinic's config (so every client derives the
    /// same timers and alerts) and the board as it is now.
    Welcome(Box<Welcome>),
    /// Answer to one request.
    Reply(Reply),
    /// The board changed (sent to every client after every change).
    Board(Box<Board>),
    /// A line that could not be handled at all.
    Error(ErrorBody),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Welcome {
    pub protocol: u32,
    pub server_version: String,
    pub role: Role,
    pub config: Config,
    pub board: Board,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    #[serde(default)]
    pub id: Option<u64>,
    pub ok: bool,
    /// The visit the command concerned (for `arrive`: the new visit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<VisitId>,
    /// Sequence numbers of the events recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
    /// The answer to a query.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    /// The field the error is about (`systolic`, `lot` …), when there is
    /// one: forms show the message next to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What a move still needs (code `not_ready` / `discharge_blocked`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<crate::domain::Missing>,
}

impl ErrorBody {
    pub fn new(code: &str, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            code: code.to_string(),
            message: message.into(),
            field: None,
            missing: Vec::new(),
        }
    }

    /// The reply body of a rejected command.
    pub fn rejected(rejection: &crate::domain::Rejection) -> ErrorBody {
        use crate::domain::Rejection;
        let mut body = ErrorBody::new(rejection.code(), rejection.to_string());
        match rejection {
            Rejection::Invalid { field, message } => {
                body.field = Some(field.clone());
                body.message = message.clone();
            }
            Rejection::NotReady { missing, .. } => body.missing = missing.clone(),
            Rejection::BedRequired { .. }
            | Rejection::UnknownBed { .. }
            | Rejection::BedOccupied { .. } => body.field = Some("bed".into()),
            Rejection::AtInFuture(_)
            | Rejection::AtTooOld { .. }
            | Rejection::AtBeforeStage { .. } => {
                body.field = Some("at".into());
            }
            Rejection::EmptyName | Rejection::NameTooLong => body.field = Some("name".into()),
            Rejection::EmptyReason | Rejection::ReasonTooLong => body.field = Some("reason".into()),
            Rejection::BadChartNo(_) => body.field = Some("chart_no".into()),
            Rejection::UnknownTreatment { .. } => body.field = Some("treatment".into()),
            _ => {}
        }
        body
    }
}

impl Reply {
    pub fn failed(id: Option<u64>, error: ErrorBody) -> Reply {
        Reply {
            id,
            ok: false,
            visit: None,
            events: Vec::new(),
            error: Some(error),
            data: None,
        }
    }
}

/// Encodes one message as a line (with its newline).
pub fn encode<T: Serialize>(msg: &T) -> String {
    // Serializing these plain data types cannot fail: no maps with non-string
    // keys, no custom serializers that error.
    let mut line = serde_json::to_string(msg).unwrap_or_else(|e| {
        serde_json::json!({"error": {"code": "internal", "message": e.to_string()}}).to_string()
    });
    line.push('\n');
    line
}
