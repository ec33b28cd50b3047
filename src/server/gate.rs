//! Who gets in: at most `max` connections that said hello, and at most
//! `max` still waiting to say it. A connection that has not said hello
//! within the handshake deadline is closed; when too many wait, the one
//! that has waited longest goes first, so a flood of idle connections
//! never keeps a real terminal (which says hello at once) out.
//!
//! And [`Throttle`]: one log line per interval for something that may
//! happen a thousand times a second (a flood), with how many it stood for.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

#[derive(Debug)]
pub struct Gate {
    max: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    open: usize,
    waiting: VecDeque<(u64, Arc<Notify>)>,
    next: u64,
}

/// A connection that has not said hello yet. `evicted` is notified when
/// newer connections push it out.
#[derive(Debug)]
pub struct Waiting {
    gate: Arc<Gate>,
    id: u64,
    pub evicted: Arc<Notify>,
}

/// A connection that said hello and was let in; it leaves when dropped.
#[derive(Debug)]
pub struct Admitted {
    gate: Arc<Gate>,
}

/// The connection limit is reached: this many are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full {
    pub open: usize,
    pub max: usize,
}

impl Gate {
    pub fn new(max: usize) -> Arc<Gate> {
        Arc::new(Gate {
            max: max.max(1),
            state: Mutex::new(State::default()),
        })
    }

    pub fn max(&self) -> usize {
        self.max
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the counts half
        // changed (each change is one statement): go on with them.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new connection: it waits for its hello. When `max` already
    /// wait, the longest waiting is told to go.
    pub fn arrive(self: &Arc<Gate>) -> Waiting {
        let evicted = Arc::new(Notify::new());
        let mut state = self.state();
        while state.waiting.len() >= self.max {
            if let Some((_, oldest)) = state.waiting.pop_front() {
                oldest.notify_one();
            }
        }
        let id = state.next;
        state.next += 1;
        state.waiting.push_back((id, Arc::clone(&evicted)));
        Waiting {
            gate: Arc::clone(self),
            id,
            evicted,
        }
    }

    /// The connection said hello: let in, unless `max` are open.
    pub fn admit(self: &Arc<Gate>, waiting: Waiting) -> Result<Admitted, Full> {
        let mut state = self.state();
        if state.open >= self.max {
            return Err(Full {
                open: state.open,
                max: self.max,
            });
        }
        state.open += 1;
        drop(state);
        drop(waiting);
        Ok(Admitted {
            gate: Arc::clone(self),
        })
    }

    /// Connections open (said hello) and waiting now.
    pub fn counts(&self) -> (usize, usize) {
        let state = self.state();
        (state.open, state.waiting.len())
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        let mut state = self.gate.state();
        state.waiting.retain(|(id, _)| *id != self.id);
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut state = self.gate.state();
        state.open = state.open.saturating_sub(1);
    }
}

/// At most one log line per `every`.
#[derive(Debug)]
pub struct Throttle {
    every: Duration,
    last: Option<Instant>,
    held: u64,
}

impl Throttle {
    pub fn new(every: Duration) -> Throttle {
        Throttle {
            every,
            last: None,
            held: 0,
        }
    }

    /// One more occurrence at `now`: `Some(n)` when it is to be logged,
    /// `n` being how many occurrences the line stands for.
    pub fn hit(&mut self, now: Instant) -> Option<u64> {
        self.held += 1;
        match self.last {
            Some(last) if now.duration_since(last) < self.every => None,
            _ => {
                self.last = Some(now);
                Some(std::mem::take(&mut self.held))
            }
        }
    }
}

/// A throttle shared by the connections.
pub type SharedThrottle = Arc<Mutex<Throttle>>;

/// One occurrence on a shared throttle (see [`Throttle::hit`]).
pub fn hit(throttle: &SharedThrottle) -> Option<u64> {
    throttle
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .hit(Instant::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_max_are_let_in_and_leaving_makes_room() {
        let gate = Gate::new(2);
        let a = gate.admit(gate.arrive()).unwrap();
        let _b = gate.admit(gate.arrive()).unwrap();
        let full = gate.admit(gate.arrive()).unwrap_err();
        assert_eq!(full, Full { open: 2, max: 2 });
        drop(a);
        assert!(gate.admit(gate.arrive()).is_ok());
    }

    #[tokio::test]
    async fn a_flood_of_silent_connections_pushes_out_the_oldest_not_the_newest() {
        let gate = Gate::new(3);
        let silent: Vec<Waiting> = (0..3).map(|_| gate.arrive()).collect();
        // A real terminal arrives: the longest waiting is told to go.
        let terminal = gate.arrive();
        tokio::time::timeout(Duration::from_secs(1), silent[0].evicted.notified())
            .await
            .expect("the oldest is evicted");
        assert_eq!(gate.counts(), (0, 3));
        let _let_in = gate.admit(terminal).unwrap();
        assert_eq!(gate.counts(), (1, 2));
    }

    #[test]
    fn a_flood_is_logged_once_an_interval_with_its_count() {
        let mut t = Throttle::new(Duration::from_secs(10));
        let start = Instant::now();
        assert_eq!(t.hit(start), Some(1));
        for i in 1..1000 {
            assert_eq!(t.hit(start + Duration::from_millis(i)), None);
        }
        assert_eq!(t.hit(start + Duration::from_secs(11)), Some(1000));
    }
}
