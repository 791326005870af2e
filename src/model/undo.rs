//! Undo of a bulk apply (a restore, a copy, a rule's apply): what each one did, as the
//! journal keeps it, and the plan that reverses it, previewed as a restore's.

use super::directory::Directory;
use super::mapping::{Guard, Mapping};
use super::restore::{Change, MakeTarget, RestorePlan, RestoreRow, preview, row};
use super::rules;
use serde::{Deserialize, Serialize};

/// One change a bulk apply (a restore, a rule) made, as the journal keeps it: enough to
/// plan its reverse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "done")]
pub enum Applied {
    /// A mapping made.
    Made {
        /// The mapping's id.
        mapping_id: String,
        /// The Okta group's name.
        okta_group_name: String,
        /// The team group's name.
        statsig_group_name: String,
    },
    /// A mapping's status set.
    Status {
        /// The mapping's id.
        mapping_id: String,
        /// The Okta group's name.
        okta_group_name: String,
        /// Active (else Inactive).
        active: bool,
    },
    /// A push rule put back.
    Rule {
        /// Its name.
        name: String,
    },
    /// A mapping unlinked with Leave.
    Unlinked {
        /// The Okta group's id.
        okta_group_id: String,
        /// Its name.
        okta_group_name: String,
        /// The team group's id.
        statsig_group_id: String,
        /// Its name.
        statsig_group_name: String,
        /// It was Active.
        active: bool,
    },
    /// An Okta group's members changed.
    Members {
        /// The group's id.
        okta_group_id: String,
        /// Its name.
        okta_group_name: String,
        /// Okta user ids added.
        add: Vec<String>,
        /// Okta user ids removed.
        remove: Vec<String>,
    },
}

/// The plan that reverses `done` (the changes of one bulk apply), against now: mappings
/// made are unlinked (Leave), statuses set back, rules removed, unlinked mappings linked
/// again, members changed back. Each row with its preview, as a restore's.
pub fn undo(dir: &Directory, mappings: &[Mapping], done: &[Applied], guard: Guard) -> RestorePlan {
    RestorePlan {
        rows: done
            .iter()
            .rev()
            .map(|a| undo_row(dir, mappings, a, guard))
            .collect(),
        ..RestorePlan::default()
    }
}

/// The reverse of one change.
fn undo_row(dir: &Directory, mappings: &[Mapping], a: &Applied, guard: Guard) -> RestoreRow {
    match a {
        Applied::Made {
            mapping_id,
            okta_group_name,
            statsig_group_name,
        } => {
            let mut r = row(
                format!("unlink:{okta_group_name}"),
                okta_group_name,
                statsig_group_name,
            );
            if mappings.iter().any(|m| &m.id == mapping_id) {
                r.change = Some(Change::Unlink {
                    mapping_id: mapping_id.clone(),
                });
            } else {
                r.skipped = Some("It is unlinked already.".to_string());
            }
            r
        }
        Applied::Status {
            mapping_id,
            okta_group_name,
            active,
        } => {
            let mut r = row(format!("status:{okta_group_name}"), okta_group_name, "");
            match mappings.iter().find(|m| &m.id == mapping_id) {
                Some(m) => {
                    r.target = m.statsig_group_name.clone();
                    r.change = Some(Change::Status {
                        mapping_id: mapping_id.clone(),
                        active: !active,
                    });
                    if !active {
                        preview(
                            &mut r,
                            dir,
                            dir,
                            &m.okta_group_id,
                            &m.statsig_group_id,
                            guard,
                        );
                    }
                }
                None => r.skipped = Some("The mapping is gone.".to_string()),
            }
            r
        }
        Applied::Rule { name } => {
            let mut r = row(format!("rule:{name}"), name, "");
            r.change = Some(Change::RemoveRule { name: name.clone() });
            r
        }
        Applied::Unlinked { .. } => relink_row(dir, mappings, a, guard),
        Applied::Members {
            okta_group_id,
            okta_group_name,
            add,
            remove,
        } => {
            let mut r = row(format!("members:{okta_group_name}"), okta_group_name, "");
            let email = |id: &String| dir.okta_user(id).map_or(id.clone(), |u| u.email.clone());
            r.people = remove
                .iter()
                .map(|u| format!("+ {}", email(u)))
                .chain(add.iter().map(|u| format!("- {}", email(u))))
                .collect();
            r.change = Some(Change::Members {
                okta_group_id: okta_group_id.clone(),
                add: remove.clone(),
                remove: add.clone(),
            });
            r
        }
    }
}

/// An unlinked mapping linked again (the reverse of an unlink).
fn relink_row(dir: &Directory, mappings: &[Mapping], a: &Applied, guard: Guard) -> RestoreRow {
    let Applied::Unlinked {
        okta_group_id,
        okta_group_name,
        statsig_group_id,
        statsig_group_name,
        active,
    } = a
    else {
        return row(String::new(), "", "");
    };
    let mut r = row(
        format!("make:{okta_group_name}"),
        okta_group_name,
        statsig_group_name,
    );
    match rules::check_link(dir, mappings, okta_group_id, statsig_group_id) {
        Ok(()) => {
            r.change = Some(Change::Make {
                okta_group_id: okta_group_id.clone(),
                target: MakeTarget::Link {
                    statsig_group_id: statsig_group_id.clone(),
                },
                active: *active,
            });
            if *active {
                preview(&mut r, dir, dir, okta_group_id, statsig_group_id, guard);
            }
        }
        Err(e) => r.skipped = Some(e.to_string()),
    }
    r
}
