//! A connection's outgoing queue, bounded in lines and in bytes.
//!
//! Everything the server sends a connection — its welcome, board or wall
//! updates, replies — goes through its [`Outbox`] as already encoded
//! [`Line`]s; one writer task per connection drains it into the socket. A
//! client that stops reading fills its queue, and the next line over
//! either bound is refused with [`Behind`]: the connection is closed (its
//! screen reconnects and gets the board as it is then), so a client that
//! never reads costs at most its bounds, never memory without end.
//!
//! Lines that every connection receives (a board, a wall projection) are
//! shared (`Arc<str>`), so a hundred slow readers of the same update hold
//! one copy of it, and the memory returns when the last of them goes.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// A piece of a line.
#[derive(Debug, Clone)]
pub enum Chunk {
    Static(&'static str),
    Shared(Arc<str>),
    Owned(String),
}

impl Chunk {
    fn as_bytes(&self) -> &[u8] {
        match self {
            Chunk::Static(s) => s.as_bytes(),
            Chunk::Shared(s) => s.as_bytes(),
            Chunk::Owned(s) => s.as_bytes(),
        }
    }
}

/// One protocol line, encoded, ending in a newline: written whole and in
/// order. It may be made of pieces, so a large shared part (the board's
/// JSON) is not copied for each connection.
#[derive(Debug, Clone)]
pub struct Line {
    chunks: Vec<Chunk>,
    len: usize,
}

impl Line {
    pub fn new(chunks: Vec<Chunk>) -> Line {
        let len = chunks.iter().map(|c| c.as_bytes().len()).sum();
        Line { chunks, len }
    }

    /// A line every connection receives the same.
    pub fn shared(line: Arc<str>) -> Line {
        Line::new(vec![Chunk::Shared(line)])
    }

    /// A line for this connection alone (a reply).
    pub fn owned(line: String) -> Line {
        Line::new(vec![Chunk::Owned(line)])
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The line's bytes, in one piece (for tests; the writer writes the
    /// pieces as they are).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.chunks
            .iter()
            .flat_map(|c| c.as_bytes().to_vec())
            .collect()
    }
}

/// How much may wait for one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub lines: usize,
    pub bytes: usize,
}

/// The client is not reading fast enough: this many lines and bytes were
/// waiting when one more came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Behind {
    pub lines: usize,
    pub bytes: usize,
}

/// The sending side of a connection's queue.
pub struct Outbox {
    tx: mpsc::Sender<Line>,
    queued: Arc<AtomicUsize>,
    bounds: Bounds,
    writer: JoinHandle<std::io::Result<()>>,
}

impl Outbox {
    /// Starts the writer task on `write`.
    pub fn start<W>(mut write: W, bounds: Bounds) -> Outbox
    where
        W: AsyncWrite + Unpin + Send + 'static,
    {
        let (tx, mut rx) = mpsc::channel::<Line>(bounds.lines.max(1));
        let queued = Arc::new(AtomicUsize::new(0));
        let drained = Arc::clone(&queued);
        let writer = tokio::spawn(async move {
            while let Some(line) = rx.recv().await {
                for chunk in &line.chunks {
                    write.write_all(chunk.as_bytes()).await?;
                }
                drained.fetch_sub(line.len(), Ordering::Relaxed);
            }
            write.shutdown().await
        });
        Outbox {
            tx,
            queued,
            bounds,
            writer,
        }
    }

    /// Queues a line, unless the bytes waiting already reach the bound or
    /// the lines waiting fill it. So a connection holds at most its bound
    /// and one line more: a board larger than the bound still reaches a
    /// client that reads, with the reply after it.
    pub fn push(&self, line: Line) -> Result<(), Behind> {
        let behind = || Behind {
            lines: self.bounds.lines - self.tx.capacity(),
            bytes: self.queued.load(Ordering::Relaxed),
        };
        if self.queued.load(Ordering::Relaxed) >= self.bounds.bytes {
            return Err(behind());
        }
        let len = line.len();
        self.queued.fetch_add(len, Ordering::Relaxed);
        match self.tx.try_send(line) {
            Ok(()) => Ok(()),
            Err(e) => {
                self.queued.fetch_sub(len, Ordering::Relaxed);
                match e {
                    mpsc::error::TrySendError::Full(_) => Err(behind()),
                    // The writer has stopped (the client went away): the
                    // connection's loop finds out from `gone`.
                    mpsc::error::TrySendError::Closed(_) => Ok(()),
                }
            }
        }
    }

    /// Resolves when the writer has stopped: the client is gone, or a
    /// write failed.
    pub async fn gone(&self) {
        self.tx.closed().await
    }

    /// Bytes waiting now (the line being written included).
    pub fn queued_bytes(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }

    /// Sends what is queued, then closes the writing side; a client that
    /// does not take it within `grace` loses it.
    pub async fn finish(mut self, grace: std::time::Duration) {
        let (closed, _) = mpsc::channel(1);
        drop(std::mem::replace(&mut self.tx, closed));
        let _ = tokio::time::timeout(grace, &mut self.writer).await;
    }
}

impl Drop for Outbox {
    fn drop(&mut self) {
        // A connection that ends (or fell behind) drops what it had queued
        // at once: the writer may be stuck on a client that does not read.
        self.writer.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    fn bounds(lines: usize, bytes: usize) -> Bounds {
        Bounds { lines, bytes }
    }

    #[tokio::test]
    async fn lines_reach_a_client_that_reads_in_order_and_whole() {
        let (client, server) = tokio::io::duplex(64);
        let outbox = Outbox::start(server, bounds(8, 1 << 20));
        let board: Arc<str> = Arc::from("{\"n\":1}");
        outbox
            .push(Line::new(vec![
                Chunk::Static("{\"board\":"),
                Chunk::Shared(Arc::clone(&board)),
                Chunk::Static("}\n"),
            ]))
            .unwrap();
        outbox.push(Line::owned("{\"reply\":{}}\n".into())).unwrap();
        outbox.finish(std::time::Duration::from_secs(5)).await;
        let mut got = String::new();
        let mut client = client;
        client.read_to_string(&mut got).await.unwrap();
        assert_eq!(got, "{\"board\":{\"n\":1}}\n{\"reply\":{}}\n");
    }

    /// A client that never reads: the queue fills to its bounds and the
    /// next line is refused, however many come.
    #[tokio::test]
    async fn a_client_that_never_reads_is_behind_at_the_bound_of_lines() {
        let (_client, server) = tokio::io::duplex(16);
        let outbox = Outbox::start(server, bounds(4, 1 << 20));
        let mut refused = None;
        for i in 0..100 {
            if let Err(behind) = outbox.push(Line::owned(format!("line {i:04} ......\n"))) {
                refused = Some((i, behind));
                break;
            }
        }
        let (at, behind) = refused.expect("refused before 100 lines");
        // Four wait in the queue, one is stuck in the writer.
        assert!((4..=6).contains(&at), "refused at line {at}");
        assert!(behind.lines >= 4, "{behind:?}");
    }

    #[tokio::test]
    async fn a_client_that_never_reads_is_behind_at_the_bound_of_bytes() {
        let (_client, server) = tokio::io::duplex(16);
        let outbox = Outbox::start(server, bounds(1000, 100));
        // Under the bound, a line is taken, even one larger than the bound.
        outbox.push(Line::owned("x".repeat(60))).unwrap();
        outbox.push(Line::owned("y".repeat(500))).unwrap();
        tokio::task::yield_now().await;
        let behind = outbox.push(Line::owned("z".repeat(10))).unwrap_err();
        assert!(behind.bytes >= 100, "{behind:?}");
        assert!(outbox.queued_bytes() <= 560);
    }

    #[tokio::test]
    async fn a_client_that_went_away_is_noticed() {
        let (client, server) = tokio::io::duplex(16);
        let outbox = Outbox::start(server, bounds(4, 1 << 20));
        drop(client);
        outbox.push(Line::owned("hello\n".into())).unwrap();
        tokio::time::timeout(std::time::Duration::from_secs(5), outbox.gone())
            .await
            .expect("the writer stops when the client is gone");
    }
}
