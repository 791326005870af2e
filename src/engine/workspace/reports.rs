//! What a step did, as one report the app and the command line both show: each has one
//! `Display`, so the same thing is said the same way in both.

use crate::engine::error::{EngineError, Result, partly};
use crate::model::text::plural;
use std::fmt;

/// A mapping named in a report: its id, and its Okta group's name as the admin knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The mapping's id.
    pub id: String,
    /// Its Okta group's name.
    pub name: String,
}

/// What *Retry all* did.
#[derive(Debug, Default)]
pub struct Retried {
    /// Who pushes when the app only asks ("Okta"): pushing again was re-activating.
    pub by: Option<&'static str>,
    /// Mappings pushed again (in Okta push: re-activated).
    pub pushed: Vec<Named>,
    /// Mappings that failed again, with why.
    pub failed: Vec<(Named, EngineError)>,
    /// Mappings left alone because a retry cannot fix them, with what to change first.
    pub skipped: Vec<(Named, String)>,
}

impl Retried {
    /// What was pushed again and what was skipped, by name; empty when neither.
    fn done(&self) -> String {
        let mut said = match (self.pushed.len(), self.by) {
            (0, _) if self.skipped.is_empty() && self.failed.is_empty() => {
                "No mapping is in error.".to_string()
            }
            (0, _) => String::new(),
            (n, Some(who)) => format!(
                "Re-activated {} in {who}: {who} pushes {} again.",
                plural(n, "mapping"),
                if n == 1 { "it" } else { "them" }
            ),
            (n, None) => format!("Pushed {} again.", plural(n, "mapping")),
        };
        for (m, fix) in &self.skipped {
            said.push_str(&format!(
                " Skipped {}, which a retry cannot fix: {fix}",
                m.name
            ));
        }
        said.trim().to_string()
    }

    /// The step's outcome: the report, or, when a mapping failed again, that failure (its
    /// kind says what to do next) after what was done.
    pub fn outcome(&self) -> Result<String> {
        match self.failed.first() {
            Some((m, e)) => Err(partly(
                self.done(),
                format!("{} still fails", m.name),
                e.clone(),
            )),
            None => Ok(self.done()),
        }
    }
}

/// What *Activate* or *Deactivate* did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activation {
    /// The mapping's Okta group, by name.
    pub name: String,
    /// Activated (and pushed), or deactivated.
    pub active: bool,
    /// Who pushes when the app only asks ("Okta"): the app only changed the mapping's
    /// status there.
    pub by: Option<&'static str>,
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.name;
        match (self.by, self.active) {
            (Some(who), true) => write!(
                f,
                "Activated {name} in {who}: {who} runs a full push within a few minutes."
            ),
            (Some(who), false) => write!(
                f,
                "Deactivated {name} in {who}: memberships stay, {who} pushes nothing."
            ),
            (None, true) => write!(f, "Activated and pushed {name}."),
            (None, false) => write!(
                f,
                "Deactivated {name}: memberships stay, nothing is pushed."
            ),
        }
    }
}

impl fmt::Display for Retried {
    /// What was pushed again, what was skipped and why, and what still fails, by name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut said = self.done();
        for (m, e) in &self.failed {
            said.push_str(&format!(" {} still fails: {e}", m.name));
        }
        f.write_str(said.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::error::interrupted;

    fn named(id: &str, name: &str) -> Named {
        Named {
            id: id.into(),
            name: name.into(),
        }
    }

    #[test]
    fn a_retry_says_what_it_pushed_skipped_and_what_still_fails_by_name() {
        let none = Retried::default();
        assert_eq!(none.outcome().unwrap(), "No mapping is in error.");
        let r = Retried {
            by: Some("Okta"),
            pushed: vec![named("m1", "Payments"), named("m2", "Growth")],
            failed: vec![(named("m3", "Risk"), interrupted("Okta answered 503."))],
            skipped: vec![(named("m4", "Growth Lab"), "Unlink, then Create.".into())],
        };
        assert_eq!(
            r.to_string(),
            "Re-activated 2 mappings in Okta: Okta pushes them again. Skipped Growth Lab, which a retry cannot fix: Unlink, then Create. Risk still fails: Okta answered 503."
        );
        // The failure keeps its kind: a 503 is worth trying again, not a refusal.
        let e = r.outcome().unwrap_err();
        assert_eq!(e.to_string(), r.to_string());
        assert_eq!(e.next_step(), crate::model::rules::NextStep::Retry);
        let direct = Retried {
            pushed: vec![named("m1", "Payments")],
            ..Retried::default()
        };
        assert_eq!(direct.outcome().unwrap(), "Pushed 1 mapping again.");
    }

    #[test]
    fn activation_says_who_pushes_now_and_what_stays() {
        let a = |steered: bool, active| {
            Activation {
                name: "Payments".into(),
                active,
                by: steered.then_some("Okta"),
            }
            .to_string()
        };
        assert_eq!(
            a(true, true),
            "Activated Payments in Okta: Okta runs a full push within a few minutes."
        );
        assert_eq!(
            a(true, false),
            "Deactivated Payments in Okta: memberships stay, Okta pushes nothing."
        );
        assert_eq!(a(false, true), "Activated and pushed Payments.");
        assert_eq!(
            a(false, false),
            "Deactivated Payments: memberships stay, nothing is pushed."
        );
    }
}
