//! The event log's shape, the same in every store: a branch's sled log
//! and the group's PostgreSQL table hold the same rows.
//!
//! | column        | what                                                  |
//! |---------------|-------------------------------------------------------|
//! | `site`        | the branch (`[group] site`; empty for a lone clinic)  |
//! | `seq`         | the event's place in its branch's log, from 1, no gaps|
//! | `visit`       | the visit (per branch)                                |
//! | `at`          | when it happened                                      |
//! | `recorded_at` | when the branch's server recorded it                  |
//! | `operator`    | who entered it, when the terminal said                |
//! | `kind`        | the event's name (`arrived`, `administration_started`)|
//! | `body`        | the rest of the event, as JSON (with the times at     |
//! |               | full precision: `timestamptz` keeps microseconds)     |
//!
//! `LogRow::of` and `LogRow::event` are exact inverses (tested over the
//! demo's records and hostile text): what PostgreSQL holds folds into
//! the same visits as the branch's own log.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::domain::{EventKind, EventRecord, VisitId};

/// One event of the log, in columns.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRow {
    pub site: String,
    pub seq: u64,
    pub visit: VisitId,
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub operator: Option<String>,
    pub kind: String,
    /// The event's other fields (a JSON object).
    pub body: Value,
}

/// The fields that are columns, taken out of the body. The times stay in
/// the body too, at the event's full precision (nanoseconds): PostgreSQL's
/// `timestamptz` keeps microseconds, and a row must give back its event
/// exactly.
const COLUMNS: [&str; 4] = ["seq", "visit", "operator", "event"];

impl LogRow {
    /// The row of `event` at `site`.
    pub fn of(site: &str, event: &EventRecord) -> Result<LogRow, serde_json::Error> {
        let mut body = match serde_json::to_value(event)? {
            Value::Object(map) => map,
            // An EventRecord is a struct: always an object.
            other => {
                let mut map = Map::new();
                map.insert("value".into(), other);
                map
            }
        };
        // The serde tag, not `EventKind::name` (which names a recorded
        // entry by its own kind).
        let kind = match body.get("event") {
            Some(Value::String(k)) => k.clone(),
            _ => event.kind.name().to_string(),
        };
        for column in COLUMNS {
            body.remove(column);
        }
        Ok(LogRow {
            site: site.to_string(),
            seq: event.seq,
            visit: event.visit,
            at: event.at,
            recorded_at: event.recorded_at,
            operator: event.operator.clone(),
            kind,
            body: Value::Object(body),
        })
    }

    /// The event this row holds.
    pub fn event(&self) -> Result<EventRecord, serde_json::Error> {
        let mut map = match &self.body {
            Value::Object(map) => map.clone(),
            _ => Map::new(),
        };
        map.insert("seq".into(), self.seq.into());
        map.insert("visit".into(), self.visit.0.into());
        if !map.contains_key("at") {
            map.insert("at".into(), serde_json::to_value(self.at)?);
        }
        if !map.contains_key("recorded_at") {
            map.insert(
                "recorded_at".into(),
                serde_json::to_value(self.recorded_at)?,
            );
        }
        if let Some(op) = &self.operator {
            map.insert("operator".into(), op.clone().into());
        }
        map.insert("event".into(), self.kind.clone().into());
        serde_json::from_value(Value::Object(map))
    }

    /// The event of a row read as text (the body as PostgreSQL prints a
    /// `jsonb`), in one pass: the columns go into the body's object as
    /// `event` would put them, and the whole is read once. The same
    /// inverse as [`LogRow::event`] (tested), without a JSON tree between.
    pub fn event_from_text(
        seq: u64,
        visit: VisitId,
        operator: Option<&str>,
        kind: &str,
        body: &str,
    ) -> Result<EventRecord, serde_json::Error> {
        let rest = body.trim_start();
        let rest = rest.strip_prefix('{').unwrap_or(rest).trim_start();
        let mut text = String::with_capacity(body.len() + 96);
        text.push_str("{\"seq\":");
        text.push_str(&seq.to_string());
        text.push_str(",\"visit\":");
        text.push_str(&visit.0.to_string());
        text.push_str(",\"event\":");
        text.push_str(&serde_json::to_string(kind)?);
        if let Some(op) = operator {
            text.push_str(",\"operator\":");
            text.push_str(&serde_json::to_string(op)?);
        }
        if !rest.starts_with('}') {
            text.push(',');
        }
        text.push_str(rest);
        serde_json::from_str(&text)
    }

    /// The lot number this event records (the start of administration,
    /// or a correction of the lot): an index column of the group's log.
    pub fn lot(event: &EventRecord) -> Option<String> {
        use crate::domain::Correction;
        match &event.kind {
            EventKind::AdministrationStarted { lot: Some(lot), .. } => Some(lot.number.clone()),
            EventKind::Corrected {
                correction: Correction::Lot { number },
                ..
            } => Some(number.clone()),
            _ => None,
        }
    }

    /// The chart number this event gives the visit (arrival, booking,
    /// correction): an index column.
    pub fn chart_no(event: &EventRecord) -> Option<String> {
        use crate::domain::Correction;
        match &event.kind {
            EventKind::Arrived { chart_no, .. } | EventKind::Expected { chart_no, .. } => {
                chart_no.clone()
            }
            EventKind::Corrected {
                correction: Correction::ChartNo { chart_no },
                ..
            } => chart_no.clone(),
            _ => None,
        }
    }

    /// The instant this event says the visit arrived (or is expected):
    /// the date index column. A visit whose arrival is corrected has the
    /// corrected instant on the correction's row (a superset: the group's
    /// queries fold the visits found and keep those the fold puts there).
    pub fn arrival(event: &EventRecord) -> Option<DateTime<Utc>> {
        match &event.kind {
            EventKind::Arrived { .. } | EventKind::CheckedIn { .. } => Some(event.at),
            EventKind::Expected { expected_at, .. } => Some(*expected_at),
            EventKind::Corrected {
                correction: crate::domain::Correction::Time { at, .. },
                ..
            } => Some(*at),
            _ => None,
        }
    }

    /// Whether this event records a reaction (an index column).
    pub fn reaction(event: &EventRecord) -> bool {
        matches!(
            &event.kind,
            EventKind::Recorded {
                entry: crate::domain::Entry::Reaction { .. }
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event of a few generated clinic days, and events carrying
    /// the hostile corpus's text, come back from their row unchanged.
    #[test]
    fn a_row_gives_back_its_event() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = crate::store::Store::open(&dir.path().join("db")).expect("store");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
        crate::demo::fill::fill(
            &store,
            &crate::config::Config::default(),
            3,
            today,
            &mut crate::demo::history::Clinic::new(7),
            |_, _| {},
        )
        .expect("fill");
        let mut n = 0;
        let mut kinds = std::collections::BTreeSet::new();
        for event in store.events() {
            let event = event.expect("event");
            let mut row = LogRow::of("tokyo_ginza", &event).expect("row");
            assert_eq!(row.event().expect("event back"), event);
            // PostgreSQL's timestamptz keeps microseconds: the columns
            // come back cut, the event does not.
            use chrono::SubsecRound;
            row.at = row.at.trunc_subsecs(6);
            row.recorded_at = row.recorded_at.trunc_subsecs(6);
            assert_eq!(row.event().expect("event back"), event);
            // Read back from the body's text, as the group's queries do.
            let text = row.body.to_string();
            let back = LogRow::event_from_text(
                row.seq,
                row.visit,
                row.operator.as_deref(),
                &row.kind,
                &text,
            )
            .expect("event from text");
            assert_eq!(back, event);
            assert_eq!(row.site, "tokyo_ginza");
            kinds.insert(row.kind.clone());
            n += 1;
        }
        assert!(n > 100, "only {n} events");
        assert!(kinds.contains("administration_started"), "{kinds:?}");
        let corpus = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/hostile-text.jsonl"
        ))
        .unwrap_or_default();
        assert!(corpus.lines().count() > 10, "the hostile corpus is missing");
        for (i, line) in corpus.lines().enumerate() {
            let Ok(text) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let text = text["text"].as_str().unwrap_or(line).to_string();
            let event = EventRecord {
                seq: i as u64 + 1,
                visit: VisitId(9),
                at: Utc::now(),
                recorded_at: Utc::now(),
                operator: Some(text.clone()),
                doubt: Some(text.clone()),
                kind: EventKind::Cancelled { reason: text },
            };
            let row = LogRow::of("s", &event).expect("row");
            assert_eq!(row.event().expect("back"), event);
            let back = LogRow::event_from_text(
                row.seq,
                row.visit,
                row.operator.as_deref(),
                &row.kind,
                &row.body.to_string(),
            )
            .expect("from text");
            assert_eq!(back, event);
        }
    }
}
