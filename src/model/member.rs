//! A Statsig user as a team member, a group's members as user indices, and why an Okta
//! member cannot be pushed: the pieces the directory and plans share.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// A Statsig user as a group member: id and the email shown beside it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MemberRef {
    /// Shared with the directory: plans copy these by reference count, not by allocation.
    pub id: Arc<str>,
    /// The email shown beside it.
    pub display: Arc<str>,
}

/// A group's members as user indices, tied to the group value they were made from.
#[derive(Debug, Clone)]
pub(crate) struct Members<G> {
    group: std::sync::Weak<G>,
    users: Option<Box<[u32]>>,
}

impl<G> Members<G> {
    pub(crate) fn of(group: &Arc<G>, users: Option<Box<[u32]>>) -> Self {
        Members {
            group: Arc::downgrade(group),
            users,
        }
    }

    /// The indices, if `group` is still the value they were made from.
    pub(crate) fn for_group(&self, group: &Arc<G>) -> Option<&[u32]> {
        if std::ptr::eq(self.group.as_ptr(), Arc::as_ptr(group)) {
            self.users.as_deref()
        } else {
            None
        }
    }
}

/// Why an Okta group member cannot be pushed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SkipReason {
    /// Not active in Okta (suspended, deprovisioned, staged...): Okta pushes active users only.
    InactiveInOkta {
        /// The user's Okta status.
        status: String,
    },
    /// The email's domain is not one Statsig accepts for this organization.
    OutsideOrgDomain {
        /// The email's domain.
        domain: String,
    },
    /// No Statsig user has this email: assign the user to the Statsig app first.
    NoStatsigUser,
    /// Okta push: not assigned to the Statsig app in Okta, so Okta does not push them.
    NotAssigned {
        /// The app's label.
        app: String,
    },
    /// Okta push: assigned, but Okta has not created the Statsig account yet.
    NotProvisionedYet {
        /// The app's label.
        app: String,
    },
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::InactiveInOkta { status } => {
                write!(
                    f,
                    "{} in Okta; only active users are pushed",
                    status.to_lowercase()
                )
            }
            SkipReason::OutsideOrgDomain { domain } => {
                write!(
                    f,
                    "{domain} is outside the Statsig organization's email domains"
                )
            }
            SkipReason::NoStatsigUser => {
                f.write_str("not provisioned in Statsig; assign the user to the Statsig app first")
            }
            SkipReason::NotAssigned { app } => {
                write!(
                    f,
                    "not assigned to the \"{app}\" app in Okta; Okta pushes assigned users only"
                )
            }
            SkipReason::NotProvisionedYet { app } => {
                write!(
                    f,
                    "assigned to \"{app}\" but Okta has not created the Statsig account yet"
                )
            }
        }
    }
}

/// An Okta member left out of the push.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Skipped {
    /// The member's email.
    pub email: String,
    /// The member's Okta id.
    pub okta_user_id: String,
    /// Why the member is left out.
    pub reason: SkipReason,
}
