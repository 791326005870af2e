//! The walk's model of what the admin saw and chose, and of what the walk itself did to
//! the servers: what the promises are checked against.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// A member added or removed directly in Statsig, not yet settled by the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The Statsig group (its SCIM id).
    pub group: String,
    /// The SCIM user.
    pub user: String,
    /// Added (else removed).
    pub added: bool,
}

/// What the walk knows.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Okta groups a mapping may exist for: those mapped when the walk began, those the
    /// admin saved from a preview showing their plan, and those the walk mapped in Okta's
    /// console.
    pub may_map: BTreeSet<String>,
    /// Statsig groups (SCIM ids) whose removals the admin confirmed by typing the team's
    /// name, or that a console-made mapping feeds.
    pub confirmed: BTreeSet<String>,
    /// Edits made in Statsig and not settled.
    pub drift: Vec<Edit>,
    /// The last snapshot exported.
    pub snapshot: Option<PathBuf>,
    /// Statsig memberships (SCIM group id → user ids) after the last step.
    pub members: BTreeMap<String, BTreeSet<String>>,
    /// Snapshots exported so far.
    pub exports: u32,
}

impl Ledger {
    /// Forgets the edits made in Statsig group `group` (the admin chose, or it is gone).
    pub fn settle(&mut self, group: &str) {
        self.drift.retain(|e| e.group != group);
    }
}
