//! The imported records of both sides: Statsig users and groups as read over SCIM, Okta
//! users and groups as read from the Management API.

use serde::{Deserialize, Serialize};

/// A Statsig user as seen over SCIM. `user_name` is the email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsigUser {
    /// The SCIM id.
    pub id: String,
    /// The userName (the email).
    pub user_name: String,
    /// First name.
    pub given_name: String,
    /// Last name.
    pub family_name: String,
    /// The primary email.
    pub email: String,
    /// Whether the user is active in Statsig.
    pub active: bool,
    /// Statsig's organization role (Member, Admin, Owner), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_role: Option<String>,
}

impl StatsigUser {
    /// "First Last", or the email when there is no name.
    pub fn display_name(&self) -> String {
        full_name(&self.given_name, &self.family_name, &self.email)
    }
}

/// A Statsig SCIM group; `members` are Statsig user ids, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsigGroup {
    /// The SCIM id.
    pub id: String,
    /// The name (`Statsig-<Project>-<Team>-<Role>` for a team role).
    pub display_name: String,
    /// Member user ids, sorted.
    pub members: Vec<String>,
}

/// An Okta user from the Management API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OktaUser {
    /// The Okta id (`00u…`).
    pub id: String,
    /// ACTIVE, PROVISIONED, STAGED, SUSPENDED, DEPROVISIONED, ...
    pub status: String,
    /// The login (usually the email).
    pub login: String,
    /// The email.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
}

impl OktaUser {
    /// Whether Okta counts the user as active (only active users are pushed).
    pub fn is_active(&self) -> bool {
        self.status.eq_ignore_ascii_case("ACTIVE")
    }

    /// "First Last", or the email when there is no name.
    pub fn display_name(&self) -> String {
        full_name(&self.first_name, &self.last_name, &self.email)
    }
}

/// An Okta group; `members` are Okta user ids, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OktaGroup {
    /// The Okta id (`00g…`).
    pub id: String,
    /// The name.
    pub name: String,
    /// The description.
    #[serde(default)]
    pub description: String,
    /// OKTA_GROUP, APP_GROUP or BUILT_IN; only OKTA_GROUP memberships can change.
    pub kind: String,
    /// Member user ids, sorted.
    pub members: Vec<String>,
    /// When the membership last changed, as Okta says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_membership_updated: Option<String>,
    /// Its members are not in yet (an import reads the mapped groups' members first and
    /// the rest after the views are shown; a stopped import leaves them unread):
    /// `members` is empty until then. `Directory::members_reading` says which.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub members_pending: bool,
}

impl OktaGroup {
    /// Whether its members can be changed here (OKTA_GROUP only).
    pub fn is_editable(&self) -> bool {
        self.kind == "OKTA_GROUP"
    }
}

fn full_name(given: &str, family: &str, fallback: &str) -> String {
    let name = format!("{given} {family}");
    let name = name.trim();
    if name.is_empty() {
        fallback.to_string()
    } else {
        name.to_string()
    }
}

/// The email domain of an address, lower-cased.
pub fn email_domain(email: &str) -> Option<String> {
    email
        .rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
        .filter(|d| !d.is_empty())
}
