//! What a step did, as one report the app and the command line both show: each has one
//! `Display`, so the same thing is said the same way in both.

use crate::engine::backend::{PushReport, Unlink};
use crate::engine::error::{EngineError, Result, partly};
use crate::model::mapping::{Mapping, MappingStatus, PushAction};
use crate::model::text::plural;
use std::fmt;

/// What *Link* or *Create* did: the mapping made, and who pushes it when the app only
/// asks another service to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Made {
    /// The mapping as made (pushed already, unless asked not to).
    pub mapping: Mapping,
    /// Who pushes when the app only asks ("Okta").
    pub by: Option<&'static str>,
}

impl fmt::Display for Made {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = &self.mapping;
        let (okta, statsig) = (&m.okta_group_name, &m.statsig_group_name);
        match (m.action, self.by) {
            (PushAction::Link, Some(who)) => write!(
                f,
                "Linked {okta} to {statsig} in {who} ({}). {}",
                m.id,
                if m.status == MappingStatus::Active {
                    format!("{who} pushes its members within a few minutes.")
                } else {
                    format!("It is inactive: {who} pushes nothing until it is activated.")
                }
            ),
            (PushAction::Link, None) => {
                write!(f, "Linked {okta} to {statsig}.")?;
                match &m.last_counts {
                    Some(c) => write!(
                        f,
                        " Pushed: {} added, {} removed, {}.",
                        c.added,
                        c.removed,
                        plural(c.requests, "request")
                    ),
                    None => Ok(()),
                }
            }
            (PushAction::Create, Some(who)) => write!(
                f,
                "{who} mapping {} made: {who} creates {statsig} from {okta} at its first push.",
                m.id
            ),
            (PushAction::Create, None) => write!(f, "Created {statsig} from {okta}."),
        }
    }
}

/// What *Push now* did, with the edits made in Statsig it kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    /// The push.
    pub report: PushReport,
    /// The edits made in Statsig the mapping keeps open, in one sentence, if any.
    pub kept: Option<String>,
    /// The mapping's name, as the admin calls it: its Okta group's.
    pub okta_group_name: String,
}

impl fmt::Display for Pushed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.report.plan;
        let (name, adds, removes) = (&p.statsig_group_name, p.adds.len(), p.removes.len());
        if let Some(who) = self.report.by {
            // Named as Activate names it: by the Okta group, as Okta's console does.
            let okta = &self.okta_group_name;
            return write!(
                f,
                "Re-activated {okta} in {who}: {who} runs a full push to {name} ({adds} to add, {removes} to remove as last read)."
            );
        }
        let requests = plural(p.request_count(), "request");
        write!(
            f,
            "Pushed {name}: {adds} added, {removes} removed, {requests}."
        )?;
        match &self.kept {
            Some(note) => write!(f, " {note}"),
            None => Ok(()),
        }
    }
}

/// What *Unlink* did (the mapping as it was).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlinked {
    /// The mapping's Okta group, by name.
    pub okta_group_name: String,
    /// Its Statsig group, by name.
    pub statsig_group_name: String,
    /// Deleted the team, or left it.
    pub how: Unlink,
    /// Who deletes the team when the app only asks ("Okta").
    pub by: Option<&'static str>,
    /// The Statsig group had already been deleted there.
    pub already_gone: bool,
}

impl fmt::Display for Unlinked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (okta, statsig) = (&self.okta_group_name, &self.statsig_group_name);
        match (self.how, self.by) {
            (Unlink::Delete, Some(who)) => {
                write!(
                    f,
                    "Unlinked {okta} in {who}; {who} deletes {statsig} in Statsig."
                )
            }
            (Unlink::Delete, None) => {
                write!(f, "Unlinked {okta} and deleted {statsig} in Statsig.")
            }
            (Unlink::Leave, _) if self.already_gone => write!(
                f,
                "Unlinked {okta}; {statsig} had already been deleted in Statsig, so nothing is left there."
            ),
            (Unlink::Leave, _) => {
                write!(
                    f,
                    "Unlinked {okta}; {statsig} was left in Statsig as it is."
                )
            }
        }
    }
}

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
    fn push_now_in_okta_push_names_the_mapping_by_its_okta_group_as_activate_does() {
        let pushed = Pushed {
            report: PushReport {
                mapping_id: "m1".into(),
                plan: crate::model::plan::Plan {
                    statsig_group_name: "Statsig-Checkout-Payments-Member".into(),
                    ..Default::default()
                },
                by: Some("Okta"),
                held: Default::default(),
            },
            kept: None,
            okta_group_name: "Payments Engineers".into(),
        };
        assert_eq!(
            pushed.to_string(),
            "Re-activated Payments Engineers in Okta: Okta runs a full push to Statsig-Checkout-Payments-Member (0 to add, 0 to remove as last read)."
        );
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

    fn mapping(action: PushAction, status: MappingStatus) -> Mapping {
        Mapping {
            id: "m7".into(),
            okta_group_id: "00g1".into(),
            okta_group_name: "Payments Engineers".into(),
            statsig_group_id: "g1".into(),
            statsig_group_name: "Statsig-Checkout-Payments-Member".into(),
            action,
            status,
            created: "2026-01-01T00:00:00Z".into(),
            last_push: None,
            last_counts: Some(crate::model::mapping::PushCounts {
                added: 3,
                removed: 1,
                skipped: 0,
                requests: 1,
            }),
            last_pushed_members: Vec::new(),
            drift: None,
            remote: None,
        }
    }

    #[test]
    fn a_mapping_made_says_who_pushes_it_and_what_went() {
        let made = |action, status, by| {
            Made {
                mapping: mapping(action, status),
                by,
            }
            .to_string()
        };
        assert_eq!(
            made(PushAction::Link, MappingStatus::Active, None),
            "Linked Payments Engineers to Statsig-Checkout-Payments-Member. Pushed: 3 added, 1 removed, 1 request."
        );
        assert_eq!(
            made(PushAction::Link, MappingStatus::Active, Some("Okta")),
            "Linked Payments Engineers to Statsig-Checkout-Payments-Member in Okta (m7). Okta pushes its members within a few minutes."
        );
        assert_eq!(
            made(PushAction::Link, MappingStatus::Inactive, Some("Okta")),
            "Linked Payments Engineers to Statsig-Checkout-Payments-Member in Okta (m7). It is inactive: Okta pushes nothing until it is activated."
        );
        assert_eq!(
            made(PushAction::Create, MappingStatus::Active, None),
            "Created Statsig-Checkout-Payments-Member from Payments Engineers."
        );
        assert_eq!(
            made(PushAction::Create, MappingStatus::Active, Some("Okta")),
            "Okta mapping m7 made: Okta creates Statsig-Checkout-Payments-Member from Payments Engineers at its first push."
        );
    }

    #[test]
    fn an_unlink_says_what_became_of_the_team() {
        let unlinked = |how, by, already_gone| {
            Unlinked {
                okta_group_name: "Payments Engineers".into(),
                statsig_group_name: "Statsig-Checkout-Payments-Member".into(),
                how,
                by,
                already_gone,
            }
            .to_string()
        };
        assert_eq!(
            unlinked(Unlink::Delete, None, false),
            "Unlinked Payments Engineers and deleted Statsig-Checkout-Payments-Member in Statsig."
        );
        assert_eq!(
            unlinked(Unlink::Delete, Some("Okta"), false),
            "Unlinked Payments Engineers in Okta; Okta deletes Statsig-Checkout-Payments-Member in Statsig."
        );
        assert_eq!(
            unlinked(Unlink::Leave, None, true),
            "Unlinked Payments Engineers; Statsig-Checkout-Payments-Member had already been deleted in Statsig, so nothing is left there."
        );
        assert_eq!(
            unlinked(Unlink::Leave, Some("Okta"), false),
            "Unlinked Payments Engineers; Statsig-Checkout-Payments-Member was left in Statsig as it is."
        );
    }
}
