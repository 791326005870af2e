//! Okta's side of the world: users, groups (OKTA_GROUP, APP_GROUP, BUILT_IN) and their
//! memberships, as Okta's Management API shows them.

use super::World;
use super::failure::OktaFailure;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// An Okta user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OktaUserRec {
    /// The id (`00u…`).
    pub id: String,
    /// ACTIVE, SUSPENDED, DEPROVISIONED, STAGED, …
    pub status: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email.
    pub email: String,
    /// Login.
    pub login: String,
    /// When it was made.
    pub created: String,
}

/// An Okta group with its members.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OktaGroupRec {
    /// The id (`00g…`).
    pub id: String,
    /// The name.
    pub name: String,
    /// The description.
    pub description: String,
    /// OKTA_GROUP, APP_GROUP or BUILT_IN.
    pub kind: String,
    /// When it was made.
    pub created: String,
    /// When its profile last changed.
    pub last_updated: String,
    /// When its membership last changed.
    pub last_membership_updated: String,
    /// Member user ids.
    pub members: BTreeSet<String>,
    /// For an APP_GROUP: the app it was imported from.
    #[serde(default)]
    pub source: Option<String>,
    /// For an APP_GROUP: the group's id in the app (Statsig's SCIM id), once known.
    #[serde(default)]
    pub external_id: Option<String>,
}

impl World {
    /// A new id with Okta's `prefix`.
    pub fn okta_id(&mut self, prefix: &str) -> String {
        format!("{prefix}{}", self.token(17))
    }

    /// Adds an Okta user; returns its id.
    pub fn add_okta_user(&mut self, first: &str, last: &str, email: &str, status: &str) -> String {
        let id = self.okta_id("00u");
        self.okta_users.insert(
            id.clone(),
            OktaUserRec {
                id: id.clone(),
                status: status.to_string(),
                first_name: first.to_string(),
                last_name: last.to_string(),
                email: email.to_string(),
                login: email.to_string(),
                created: self.seeded_at.clone(),
            },
        );
        id
    }

    /// The Okta group with this name, compared case-insensitively.
    pub fn okta_group_by_name(&self, name: &str) -> Option<&OktaGroupRec> {
        self.okta_groups
            .values()
            .find(|g| g.name.eq_ignore_ascii_case(name))
    }

    /// Creates an Okta group of `kind`, as Okta's API refuses what it refuses.
    pub fn create_okta_group(
        &mut self,
        name: &str,
        description: &str,
        kind: &str,
        at: &str,
    ) -> Result<OktaGroupRec, OktaFailure> {
        let name = name.trim();
        if name.is_empty() {
            return Err(OktaFailure::new(
                400,
                "E0000001",
                "Api validation failed: name: The field cannot be left blank",
            ));
        }
        if name.chars().count() > 255 {
            return Err(OktaFailure::new(
                400,
                "E0000001",
                "Api validation failed: name: The field is too long",
            ));
        }
        if kind == "OKTA_GROUP"
            && self
                .okta_group_by_name(name)
                .is_some_and(|g| g.kind == "OKTA_GROUP")
        {
            return Err(OktaFailure::new(
                400,
                "E0000001",
                format!(
                    "Api validation failed: name: An object with this field already exists in the current organization ({name})"
                ),
            ));
        }
        let id = self.okta_id("00g");
        let g = OktaGroupRec {
            id: id.clone(),
            name: name.to_string(),
            description: description.to_string(),
            kind: kind.to_string(),
            created: at.to_string(),
            last_updated: at.to_string(),
            last_membership_updated: at.to_string(),
            members: BTreeSet::new(),
            source: None,
            external_id: None,
        };
        self.okta_groups.insert(id, g.clone());
        Ok(g)
    }

    fn okta_group_mut(&mut self, gid: &str) -> Result<&mut OktaGroupRec, OktaFailure> {
        self.okta_groups.get_mut(gid).ok_or_else(|| {
            OktaFailure::new(
                404,
                "E0000007",
                format!("Not found: Resource not found: {gid} (UserGroup)"),
            )
        })
    }

    /// Adds (`member`) or removes a user of an OKTA_GROUP.
    pub fn set_okta_membership(
        &mut self,
        gid: &str,
        uid: &str,
        member: bool,
        at: &str,
    ) -> Result<(), OktaFailure> {
        if !self.okta_users.contains_key(uid) {
            return Err(OktaFailure::new(
                404,
                "E0000007",
                format!("Not found: Resource not found: {uid} (User)"),
            ));
        }
        let g = self.okta_group_mut(gid)?;
        if g.kind != "OKTA_GROUP" {
            return Err(OktaFailure::new(
                403,
                "E0000006",
                format!(
                    "You do not have permission to perform the requested action: {} is an {} and its members are managed elsewhere",
                    g.name, g.kind
                ),
            ));
        }
        let changed = if member {
            g.members.insert(uid.to_string())
        } else {
            g.members.remove(uid)
        };
        if changed {
            g.last_membership_updated = at.to_string();
        }
        Ok(())
    }

    /// Deletes an Okta group (not Everyone).
    pub fn delete_okta_group(&mut self, gid: &str) -> Result<(), OktaFailure> {
        if self.okta_group_mut(gid)?.kind == "BUILT_IN" {
            return Err(OktaFailure::new(
                403,
                "E0000006",
                "You do not have permission to perform the requested action: the Everyone group cannot be deleted",
            ));
        }
        if let Some(m) = self
            .push_mappings
            .values()
            .find(|m| m.target_group_id == gid || m.source_group_id == gid)
        {
            return Err(OktaFailure::new(
                400,
                "E0000001",
                format!(
                    "Api validation failed: the group is used by push mapping {}; delete the mapping first",
                    m.id
                ),
            ));
        }
        self.okta_groups.remove(gid);
        Ok(())
    }

    /// A user as Okta's API answers it.
    pub fn okta_user_json(u: &OktaUserRec) -> Value {
        json!({
            "id": u.id, "status": u.status, "created": u.created, "activated": u.created,
            "statusChanged": u.created, "lastLogin": null, "lastUpdated": u.created,
            "passwordChanged": null, "type": {"id": "oty00000000000000000"},
            "profile": {"firstName": u.first_name, "lastName": u.last_name, "email": u.email,
                         "login": u.login, "mobilePhone": null, "secondEmail": null},
            "_links": {"self": {"href": format!("/api/v1/users/{}", u.id)}},
        })
    }

    /// A group as Okta's API answers it.
    pub fn okta_group_json(g: &OktaGroupRec) -> Value {
        let mut v = json!({
            "id": g.id, "created": g.created, "lastUpdated": g.last_updated,
            "lastMembershipUpdated": g.last_membership_updated,
            "objectClass": ["okta:user_group"], "type": g.kind,
            "profile": {"name": g.name, "description": g.description},
            "_links": {"users": {"href": format!("/api/v1/groups/{}/users", g.id)}},
        });
        if let Some(app) = &g.source {
            v["source"] = json!({"id": app});
            v["_links"]["source"] = json!({"href": format!("/api/v1/apps/{app}")});
        }
        v
    }
}
