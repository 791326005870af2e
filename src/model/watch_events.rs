//! What a watch cycle changed, as events (`watch --json` prints one per line) and the
//! alerts among them (a mapping entering Error, new drift, a new error-level finding),
//! each raised once per change. Pure: the engine keeps a [`Seen`] between cycles.

use super::health::{Finding, Kind, Severity};
use super::mapping::{Mapping, MappingStatus};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One thing a watch cycle found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum WatchEvent {
    /// A mapping's status changed.
    StatusChanged {
        /// The mapping.
        mapping_id: String,
        /// Its Okta group and team role, as the app names it.
        mapping: String,
        /// The status before ("Active", …).
        from: String,
        /// The status now.
        to: String,
        /// Why, when it is an error.
        #[serde(skip_serializing_if = "Option::is_none")]
        cause: Option<String>,
    },
    /// Edits made in Statsig were found on a mapping (held until the admin chooses).
    DriftFound {
        /// The mapping.
        mapping_id: String,
        /// Its name.
        mapping: String,
    },
    /// A mapping was pushed.
    Pushed {
        /// The mapping.
        mapping_id: String,
        /// Its name.
        mapping: String,
    },
    /// A push rule proposed a mapping (or made one).
    ProposalMade {
        /// What the rule says, in one sentence.
        says: String,
    },
    /// A Health finding that was not there before.
    FindingRaised {
        /// Its severity.
        severity: Severity,
        /// Its stable key.
        key: String,
        /// What is wrong.
        what: String,
        /// The fix.
        fix: String,
    },
}

/// A desktop notification: the title and one or two sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// The title: what happened.
    pub summary: String,
    /// Which mapping or what, and what to do.
    pub body: String,
}

impl WatchEvent {
    /// The alert this event raises, if it is one: a mapping entering Error, new drift, a
    /// new error-level finding.
    pub fn alert(&self) -> Option<Alert> {
        match self {
            WatchEvent::StatusChanged {
                mapping, to, cause, ..
            } if to == "Error" => Some(Alert {
                summary: format!("Mapping in Error: {mapping}"),
                body: cause
                    .clone()
                    .unwrap_or_else(|| "Its last push failed.".into()),
            }),
            WatchEvent::DriftFound { mapping, .. } => Some(Alert {
                summary: format!("Edited in Statsig: {mapping}"),
                body: "Edits made in Statsig are held until you choose Overwrite or Adopt.".into(),
            }),
            WatchEvent::FindingRaised {
                severity: Severity::Error,
                what,
                fix,
                ..
            } => Some(Alert {
                summary: "Health: a new error".into(),
                body: format!("{what} {fix}"),
            }),
            _ => None,
        }
    }
}

/// What the previous cycle saw, so each change is told once.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    statuses: BTreeMap<String, &'static str>,
    drifted: BTreeSet<String>,
    findings: BTreeSet<String>,
}

/// A mapping as events name it: "Okta group → Statsig group".
pub fn mapping_name(m: &Mapping) -> String {
    format!("{} → {}", m.okta_group_name, m.statsig_group_name)
}

impl Seen {
    /// What is seen now, before the first cycle: nothing in it is news.
    pub fn of(mappings: &[Mapping], findings: &[Finding]) -> Seen {
        Seen {
            statuses: mappings
                .iter()
                .map(|m| (m.id.clone(), m.status.label()))
                .collect(),
            drifted: mappings
                .iter()
                .filter(|m| m.drift.is_some())
                .map(|m| m.id.clone())
                .collect(),
            findings: findings.iter().map(|f| f.key.clone()).collect(),
        }
    }

    /// The events of one cycle, from what it pushed and found drifted, the mappings and
    /// the findings after it; remembers them, so the same change is not told again.
    /// A finding about a mapping whose status change is already told is not told twice.
    pub fn update(
        &mut self,
        mappings: &[Mapping],
        pushed: &[String],
        drifted: &[String],
        findings: &[Finding],
    ) -> Vec<WatchEvent> {
        let mut events = Vec::new();
        let by_id: BTreeMap<&str, &Mapping> = mappings.iter().map(|m| (m.id.as_str(), m)).collect();
        for id in pushed {
            if let Some(m) = by_id.get(id.as_str()) {
                events.push(WatchEvent::Pushed {
                    mapping_id: id.clone(),
                    mapping: mapping_name(m),
                });
            }
        }
        let mut told = BTreeSet::new();
        for m in mappings {
            let now = m.status.label();
            let before = self.statuses.insert(m.id.clone(), now);
            if before.is_some_and(|b| b != now) || (before.is_none() && now == "Error") {
                told.insert(m.id.clone());
                events.push(WatchEvent::StatusChanged {
                    mapping_id: m.id.clone(),
                    mapping: mapping_name(m),
                    from: before.unwrap_or("New").to_string(),
                    to: now.to_string(),
                    cause: match &m.status {
                        MappingStatus::Error { cause, .. } => Some(cause.clone()),
                        _ => None,
                    },
                });
            }
        }
        self.statuses
            .retain(|id, _| by_id.contains_key(id.as_str()));
        let drifting: BTreeSet<String> = drifted
            .iter()
            .cloned()
            .chain(
                mappings
                    .iter()
                    .filter(|m| m.drift.is_some())
                    .map(|m| m.id.clone()),
            )
            .collect();
        for id in drifting.difference(&self.drifted) {
            if let Some(m) = by_id.get(id.as_str()) {
                events.push(WatchEvent::DriftFound {
                    mapping_id: id.clone(),
                    mapping: mapping_name(m),
                });
            }
        }
        self.drifted = drifting;
        let keys: BTreeSet<String> = findings.iter().map(|f| f.key.clone()).collect();
        for f in findings.iter().filter(|f| !self.findings.contains(&f.key)) {
            let about_told = f.kind == Kind::MappingError
                && told.iter().any(|id| f.key.ends_with(&format!(":{id}")));
            if !about_told {
                events.push(WatchEvent::FindingRaised {
                    severity: f.severity,
                    key: f.key.clone(),
                    what: f.what.clone(),
                    fix: f.fix.clone(),
                });
            }
        }
        self.findings = keys;
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::health::tests::mapping;

    fn error(cause: &str) -> MappingStatus {
        MappingStatus::Error {
            at: "2026-06-01T00:00:00Z".into(),
            cause: cause.into(),
            request: None,
            fix: None,
        }
    }

    fn finding(key: &str, kind: Kind, severity: Severity) -> Finding {
        Finding {
            severity,
            kind,
            key: key.into(),
            what: format!("{key} is wrong."),
            why: String::new(),
            fix: "Fix it.".into(),
            action: None,
            items: vec![],
        }
    }

    #[test]
    fn a_mapping_entering_error_is_one_alert_told_once() {
        let before = vec![mapping("m1", "g1", "Pay", MappingStatus::Active)];
        let mut seen = Seen::of(&before, &[]);
        let after = vec![mapping("m1", "g1", "Pay", error("Statsig answered 500."))];
        let raised = vec![finding(
            "MappingError:m1",
            Kind::MappingError,
            Severity::Error,
        )];
        let events = seen.update(&after, &[], &[], &raised);
        let alerts: Vec<Alert> = events.iter().filter_map(WatchEvent::alert).collect();
        assert_eq!(alerts.len(), 1, "{events:?}");
        assert!(alerts[0].summary.starts_with("Mapping in Error: "));
        assert!(alerts[0].summary.contains("Pay"), "{:?}", alerts[0]);
        assert_eq!(alerts[0].body, "Statsig answered 500.");
        // The next cycle sees the same: nothing is told again.
        assert!(seen.update(&after, &[], &[], &raised).is_empty());
        // Back to Active, then Error again: told again.
        let ok = vec![mapping("m1", "g1", "Pay", MappingStatus::Active)];
        let back = seen.update(&ok, &["m1".into()], &[], &[]);
        assert!(back.iter().all(|e| e.alert().is_none()), "{back:?}");
        assert!(back.iter().any(|e| matches!(e, WatchEvent::Pushed { .. })));
        let again = seen.update(&after, &[], &[], &raised);
        assert_eq!(again.iter().filter_map(WatchEvent::alert).count(), 1);
    }

    #[test]
    fn new_drift_and_new_error_findings_alert_once_and_warnings_only_as_events() {
        let ms = vec![mapping("m1", "g1", "Pay", MappingStatus::Active)];
        let mut seen = Seen::of(&ms, &[finding("Leaver:s0", Kind::Leaver, Severity::Error)]);
        let found = vec![
            finding("Leaver:s0", Kind::Leaver, Severity::Error),
            finding("Leaver:s1", Kind::Leaver, Severity::Error),
            finding("InactiveLong:m9", Kind::InactiveLong, Severity::Warning),
        ];
        let events = seen.update(&ms, &[], &["m1".into()], &found);
        let alerts: Vec<Alert> = events.iter().filter_map(WatchEvent::alert).collect();
        assert_eq!(alerts.len(), 2, "{events:?}");
        assert!(alerts[0].summary.starts_with("Edited in Statsig"));
        assert_eq!(alerts[1].body, "Leaver:s1 is wrong. Fix it.");
        assert_eq!(events.len(), 3, "the warning is an event, not an alert");
        assert!(seen.update(&ms, &[], &["m1".into()], &found).is_empty());
        let line = serde_json::to_string(&events[0]).unwrap();
        assert!(line.starts_with("{\"event\":\"drift_found\""), "{line}");
    }
}
