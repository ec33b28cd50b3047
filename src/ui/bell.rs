//! The terminal bell: it rings once when a critical alert appears, not
//! again while that alert stands, and again only if the alert goes (the
//! staff acted on it) and comes back. What is on the screen when a
//! terminal starts or reconnects is taken as already seen: opening a
//! terminal does not ring.

use std::collections::HashSet;
use std::hash::Hash;

use crate::domain::{Alert, AlertCode, Severity, VisitId};

/// Remembers which critical alerts stand. `K` names one alert: by default
/// the visit and the alert's code (the board); the wall, which is never
/// told what an alert is about, counts them per patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bell<K: Eq + Hash = (VisitId, AlertCode)> {
    /// The critical alerts standing at the last look.
    standing: HashSet<K>,
    /// False until the first look (start-up or reconnection).
    primed: bool,
}

impl<K: Eq + Hash> Default for Bell<K> {
    fn default() -> Self {
        Bell {
            standing: HashSet::new(),
            primed: false,
        }
    }
}

impl Bell {
    /// Looks at the alerts now; true when the bell is to ring (at least one
    /// critical alert is new since the last look).
    pub fn check(&mut self, alerts: &[Alert]) -> bool {
        let now: HashSet<(VisitId, AlertCode)> = alerts
            .iter()
            .filter(|a| a.severity == Severity::Critical && a.acknowledged_by.is_none())
            .map(|a| (a.visit, a.code))
            .collect();
        self.ring_for(now)
    }
}

impl<K: Eq + Hash> Bell<K> {
    /// Looks at the critical alerts standing now; true when one is new
    /// since the last look (and this is not the first look).
    pub fn ring_for(&mut self, now: HashSet<K>) -> bool {
        let new = now.difference(&self.standing).next().is_some();
        self.standing = now;
        let ring = new && self.primed;
        self.primed = true;
        ring
    }

    /// The next look takes what stands as seen (after a reconnection, when
    /// the board jumps to whatever happened meanwhile).
    pub fn reset(&mut self) {
        self.primed = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Stage;

    fn alert(visit: u64, severity: Severity, code: AlertCode) -> Alert {
        Alert {
            visit: VisitId(visit),
            severity,
            code,
            minutes: 40,
            stage: Stage::Waiting,
            since: chrono::DateTime::UNIX_EPOCH,
            acknowledged_by: None,
            detail: String::new(),
            emergency: None,
            findings: Vec::new(),
        }
    }

    #[test]
    fn a_new_critical_alert_rings_once_and_not_again_while_it_stands() {
        let mut bell = Bell::default();
        assert!(!bell.check(&[]), "start-up");
        let waited = alert(3, Severity::Critical, AlertCode::WaitedTooLong);
        assert!(bell.check(std::slice::from_ref(&waited)));
        assert!(!bell.check(std::slice::from_ref(&waited)));
        assert!(!bell.check(std::slice::from_ref(&waited)));
        // A second patient's critical alert rings again.
        let overdue = alert(5, Severity::Critical, AlertCode::AdministrationOverdue);
        assert!(bell.check(&[waited.clone(), overdue.clone()]));
        // The first is dealt with: silence; it comes back: it rings.
        assert!(!bell.check(std::slice::from_ref(&overdue)));
        assert!(bell.check(&[waited, overdue]));
    }

    #[test]
    fn warnings_never_ring_and_a_fresh_terminal_does_not_ring_for_what_stands() {
        let mut bell = Bell::default();
        let standing = alert(3, Severity::Critical, AlertCode::WaitedTooLong);
        assert!(!bell.check(std::slice::from_ref(&standing)));
        assert!(!bell.check(&[alert(4, Severity::Warning, AlertCode::WaitedTooLong)]));
        bell.reset();
        assert!(!bell.check(&[standing]), "after a reconnection");
    }
}
