//! The event log in pages: page n holds the events with sequence numbers
//! 64n+1 ..= 64n+64, one JSON line each, in order. Appending to a page
//! adds lines to its value; nothing in a page is ever changed.

use super::{StoreError, decode, encode};
use crate::domain::EventRecord;

/// Events per page.
pub const PER_PAGE: u64 = 64;

/// The key of the page that holds `seq`.
pub fn page_of(seq: u64) -> [u8; 8] {
    (seq.saturating_sub(1) / PER_PAGE).to_be_bytes()
}

/// A page key and the lines that go to it.
pub type PageLines = ([u8; 8], Vec<u8>);

/// The events as lines, grouped by the page they go to, in order.
pub fn lines_by_page(events: &[EventRecord]) -> Result<Vec<PageLines>, StoreError> {
    let mut out: Vec<PageLines> = Vec::new();
    for e in events {
        let page = page_of(e.seq);
        let mut line = encode(e)?;
        line.push(b'\n');
        match out.last_mut() {
            Some((p, lines)) if *p == page => lines.extend_from_slice(&line),
            _ => out.push((page, line)),
        }
    }
    Ok(out)
}

/// The lines of a page (one event each).
pub fn lines(page: &[u8]) -> impl Iterator<Item = &[u8]> {
    page.split(|b| *b == b'\n').filter(|l| !l.is_empty())
}

/// The events of a page, in order.
pub fn decode_page(page: &[u8]) -> Vec<Result<EventRecord, StoreError>> {
    lines(page).map(|line| decode(line, "event")).collect()
}

/// How many events a page holds.
pub fn count(page: &[u8]) -> u64 {
    lines(page).count() as u64
}

/// The sequence number of the last event of a page.
pub fn last_seq(page: &[u8]) -> Result<u64, StoreError> {
    match lines(page).last() {
        Some(line) => Ok(decode::<EventRecord>(line, "event")?.seq),
        None => Ok(0),
    }
}
