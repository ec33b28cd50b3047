//! The wire protocol between clients and the server: newline-delimited
//! JSON over a Unix socket. Documented for script writers in
//! docs/PROTOCOL.md; `PROTOCOL_VERSION` is checked at the handshake.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::domain::{Board, Command, EventRecord, Visit, VisitId};
use crate::projection::{WallSettings, WallView};

/// Bumped on any change a client of the previous version would misread.
/// 2: after a command the server sends what changed (`changes`), not the
///    board; the records come in pages; a checklist tick can be taken back
///    (`untick`); a pause and an early stop may carry the `reaction`.
/// 3: a branch in a clinic group sends `shipping` lines.
pub const PROTOCOL_VERSION: u32 = 3;

/// Longest line the server accepts; longer lines are refused, not read.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// What a connection may do. Enforced by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Full control: the nurse station, the back office.
    #[default]
    Operator,
    /// Staff who look and do not touch: the whole board (names, records),
    /// the record queries, no command.
    ReadOnly,
    /// The wall in the waiting room: receives only the wall's projection
    /// (masked labels, stages, timers, alert levels), never a name, chart
    /// number, treatment or record; may send nothing.
    Wall,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::ReadOnly => "read_only",
            Role::Wall => "wall",
        }
    }
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
/// Operators may ask all; read-only connections all but `backup`; the wall
/// none. The records come in pages: an answer with `next` has more, asked
/// for with `after: next`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "query", rename_all = "snake_case", deny_unknown_fields)]
pub enum Query {
    /// Visits that arrived (or were expected) in `[from, to)`, each with
    /// all its events, by arrival.
    Visits {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    /// Visits given product from this lot, in order of administration.
    TraceLot {
        lot: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    /// The reactions that happened in `[from, to)`, in order, as rows of
    /// the reaction report (read without reading the visits).
    Reactions {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    /// A consistent copy of the database into `dir` (on the server's
    /// machine; the directory must be new or empty).
    Backup { dir: std::path::PathBuf },
    /// Rebuilds the state from the event log and compares.
    Verify,
    /// How shipping to the clinic group's PostgreSQL goes (`[group]`):
    /// the shipper's status, or `null` data when this branch has none.
    Shipping,
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
    /// What one command changed: the visits it touched, with their new
    /// state and their new events (sent to every connection after every
    /// change, before the reply to the command).
    Changes(Box<Changes>),
    /// The whole board: to a connection that fell behind the changes.
    Board(Box<Board>),
    /// A line that could not be handled at all.
    Error(ErrorBody),
    /// Answer to the `hello` of a `wall` connection: its settings and the
    /// wall's projection, nothing more.
    WallWelcome(Box<WallWelcome>),
    /// What the wall shows changed (sent to `wall` connections only).
    Wall(Box<WallView>),
    /// A branch in a clinic group (protocol 3): the shipping to the
    /// group's PostgreSQL is behind (`null`: it is not, any more). Sent to
    /// staff connections after the welcome when behind, and whenever it
    /// changes.
    Shipping(Option<ShippingBehind>),
}

/// The branch's events not yet in the group's PostgreSQL are older than
/// `[group] warn_behind_minutes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingBehind {
    pub site: String,
    /// When the oldest event not yet shipped was recorded.
    pub since: DateTime<Utc>,
}

/// The welcome of a `wall` connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WallWelcome {
    pub protocol: u32,
    pub server_version: String,
    pub role: Role,
    pub settings: WallSettings,
    pub wall: WallView,
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

/// What one command changed. Applied to the board it follows (whose
/// `last_seq` is `base`), it gives the server's board after the command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    /// The board's `last_seq` before the change.
    pub base: u64,
    /// The board's `last_seq` after it.
    pub seq: u64,
    pub last_visit: u64,
    /// The visits the command touched, as they are now.
    pub visits: Vec<VisitChange>,
    /// Visits that left the server's working window.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<VisitId>,
}

/// One visit as a command left it: its state, and the events the command
/// added (the ones before are those the client has).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitChange {
    /// The visit's state; its `events` are empty here.
    pub visit: Visit,
    /// The events the command recorded for this visit, in order.
    pub events: Vec<EventRecord>,
}

impl VisitChange {
    /// The change of `visit` by `events` (its newest ones).
    pub fn of(visit: &Visit, events: Vec<EventRecord>) -> VisitChange {
        let mut state = visit.clone();
        state.events = Vec::new();
        VisitChange {
            visit: state,
            events,
        }
    }
}

/// The changes do not follow the board they were applied to (it missed
/// some): it needs the whole board again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the changes follow event {base}, the board is at {at}: it needs the whole board")]
pub struct OutOfStep {
    pub base: u64,
    pub at: u64,
}

impl Changes {
    /// Brings `board` up to date. A board that is not where the changes
    /// start is left as it was.
    pub fn apply_to(self, board: &mut Board) -> Result<(), OutOfStep> {
        if board.last_seq != self.base {
            return Err(OutOfStep {
                base: self.base,
                at: board.last_seq,
            });
        }
        for change in self.visits {
            let mut visit = change.visit;
            let mut events = board
                .visits
                .remove(&visit.id)
                .map(|old| old.events)
                .unwrap_or_default();
            events.extend(change.events);
            visit.events = events;
            board.visits.insert(visit.id, visit);
        }
        for id in self.removed {
            board.visits.remove(&id);
        }
        board.last_seq = self.seq;
        board.last_visit = board.last_visit.max(self.last_visit);
        Ok(())
    }
}

/// Visits (or rows) in one page when the query names no `limit`.
pub const DEFAULT_PAGE: u32 = 100;

impl Query {
    /// The same query, for the page after `next`.
    pub fn resumed(&self, next: &str) -> Query {
        let mut q = self.clone();
        if let Query::Visits { after, .. }
        | Query::TraceLot { after, .. }
        | Query::Reactions { after, .. } = &mut q
        {
            *after = Some(next.to_string());
        }
        q
    }
}

/// A page cursor as it travels: the store key in lowercase hex.
pub fn cursor_text(key: &[u8]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

/// The store key of a cursor; `None` if it is not one.
pub fn cursor_key(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

/// One line a client sent after the handshake.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Command(Request),
    Query(QueryRequest),
}

/// Reads one line as a command or a query. A refusal is the error to
/// reply with (code `bad_request`, what is wrong and what to do), with
/// the line's `id` when it had one. Tags (`cmd`, `query`, an entry's
/// `kind`, a correction's `field`) are names only: a number is refused,
/// never taken as the n-th command.
pub fn parse_line(line: &[u8]) -> Result<Incoming, (Option<u64>, ErrorBody)> {
    let bad = |id: Option<u64>, what: String| {
        (
            id,
            ErrorBody::new(
                "bad_request",
                format!("{what}. See docs/PROTOCOL.md; nothing was changed"),
            ),
        )
    };
    let value: serde_json::Value = serde_json::from_slice(line)
        .map_err(|e| bad(None, format!("the line is not JSON: {e}")))?;
    let id = value.get("id").and_then(serde_json::Value::as_u64);
    let Some(object) = value.as_object() else {
        return Err(bad(
            id,
            "a line must be a JSON object with \"cmd\" or \"query\"".to_string(),
        ));
    };
    let nested = |path: &[&str]| path.iter().try_fold(&value, |at, step| at.get(step));
    for (path, tag, example) in [
        (&[][..], "cmd", "arrive"),
        (&[][..], "query", "visits"),
        (&["entry"][..], "kind", "vitals"),
        (&["correction"][..], "field", "name"),
    ] {
        if let Some(tag_value) = nested(path).and_then(|at| at.get(tag))
            && !tag_value.is_string()
        {
            let whose = path.first().map_or(String::new(), |p| format!("{p}."));
            return Err(bad(
                id,
                format!(
                    "`{whose}{tag}` must be a name in quotes, such as \"{example}\", got {tag_value}"
                ),
            ));
        }
    }
    match (object.contains_key("cmd"), object.contains_key("query")) {
        (true, true) => Err(bad(
            id,
            "a line is a command (\"cmd\") or a query (\"query\"), not both".to_string(),
        )),
        (false, true) => serde_json::from_value::<QueryRequest>(value)
            .map(Incoming::Query)
            .map_err(|e| bad(id, format!("could not read the query: {e}"))),
        (true, false) => serde_json::from_value::<Request>(value)
            .map(Incoming::Command)
            .map_err(|e| bad(id, format!("could not read the command: {e}"))),
        (false, false) => Err(bad(
            id,
            "the line has neither \"cmd\" nor \"query\": say what to do".to_string(),
        )),
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

#[cfg(test)]
mod fuzz {
    //! The protocol parser under arbitrary input: no line, however hostile,
    //! makes it panic; every valid command line is read as sent. (The
    //! whole-program counterpart, against the real server, is in
    //! tests/hardening.rs.)
    use super::*;
    use crate::domain::{Entry, Stage};
    use proptest::prelude::*;

    /// Lines per property: enough to find the shapes that matter, quick
    /// enough for every `cargo test`.
    const BYTES_CASES: u32 = 20_000;
    const JSON_CASES: u32 = 10_000;
    const VALID_CASES: u32 = 5_000;

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "\\PC{0,12}".prop_map(Value::String),
            // Names the parser looks for, so the fuzz reaches deep.
            prop::sample::select(vec![
                "arrive",
                "advance",
                "record",
                "expect",
                "correct",
                "undo",
                "cancel",
                "visits",
                "trace_lot",
                "backup",
                "verify",
                "vitals",
                "name",
                "time",
                "counselling",
                "drip",
                "2026-11-21T10:00:00Z",
            ])
            .prop_map(|s| Value::String(s.to_string())),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            let key = prop::sample::select(vec![
                "cmd",
                "query",
                "id",
                "visit",
                "name",
                "treatment",
                "chart_no",
                "key",
                "to",
                "bed",
                "lot",
                "entry",
                "kind",
                "correction",
                "field",
                "at",
                "operator",
                "reason",
                "from",
                "dir",
                "hello",
                "protocol",
                "role",
                "number",
                "expected_at",
            ])
            .prop_map(str::to_string);
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                prop::collection::btree_map(key, inner, 0..6)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn valid_command() -> impl Strategy<Value = Command> {
        let name = "[A-Za-z山田花子 ]{1,20}".prop_map(|s| format!("N{s}"));
        prop_oneof![
            (
                name.clone(),
                prop::option::of("[0-9]{1,8}"),
                prop::option::of("[a-z0-9-]{1,20}")
            )
                .prop_map(|(name, chart_no, key)| Command::Arrive {
                    name,
                    treatment: "drip".into(),
                    chart_no,
                    key,
                    do_not_display: false,
                }),
            (1u64..1000, prop::sample::select(Stage::ACTIVE.to_vec())).prop_map(|(v, to)| {
                Command::Advance {
                    visit: crate::domain::VisitId(v),
                    to,
                    bed: None,
                    lot: None,
                }
            }),
            (1u64..1000, "[a-z ]{1,30}").prop_map(|(v, reason)| Command::Cancel {
                visit: crate::domain::VisitId(v),
                reason,
            }),
            (1u64..1000, prop::option::of("[a-z ]{1,20}")).prop_map(|(v, reason)| Command::Undo {
                visit: crate::domain::VisitId(v),
                reason,
            }),
            (1u64..1000).prop_map(|v| Command::Record {
                visit: crate::domain::VisitId(v),
                entry: Entry::SymptomFree,
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(BYTES_CASES))]
        #[test]
        fn arbitrary_bytes_never_panic_the_parser(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse_line(&bytes);
            let _ = serde_json::from_slice::<ClientMsg>(&bytes);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(JSON_CASES))]
        #[test]
        fn arbitrary_json_never_panics_the_parser_and_a_refusal_says_what_to_do(value in json_value()) {
            let line = serde_json::to_vec(&value).unwrap();
            if let Err((_, error)) = parse_line(&line) {
                prop_assert_eq!(error.code.as_str(), "bad_request");
                prop_assert!(error.message.contains("docs/PROTOCOL.md"), "{}", error.message);
            }
            let _ = serde_json::from_slice::<ClientMsg>(&line);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(VALID_CASES))]
        #[test]
        fn every_valid_command_line_is_read_as_sent(command in valid_command(), id in prop::option::of(any::<u64>())) {
            let request = Request { id, at: None, operator: Some("KS".into()), command, confirm: false, pin: None };
            let line = encode(&request);
            match parse_line(line.trim_end().as_bytes()) {
                Ok(Incoming::Command(read)) => prop_assert_eq!(read, request),
                other => prop_assert!(false, "{line} read as {other:?}"),
            }
        }
    }

    #[test]
    fn a_number_is_never_taken_for_a_command_or_a_query() {
        for line in [
            r#"{"cmd": 0, "name": "A", "treatment": "drip"}"#,
            r#"{"query": 3}"#,
            r#"{"cmd": "record", "visit": 1, "entry": {"kind": 5}}"#,
            r#"{"cmd": "correct", "visit": 1, "reason": "x", "correction": {"field": 0, "name": "B"}}"#,
        ] {
            let (_, error) = parse_line(line.as_bytes()).unwrap_err();
            assert_eq!(error.code, "bad_request", "{line}");
            assert!(
                error.message.contains("must be a name in quotes"),
                "{line}: {}",
                error.message
            );
        }
        let (id, error) = parse_line(br#"{"id": 7, "cmd": "fly"}"#).unwrap_err();
        assert_eq!(id, Some(7));
        assert!(
            error.message.contains("could not read the command"),
            "{}",
            error.message
        );
    }
}
