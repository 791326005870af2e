//! Okta's app side of the world: app instances, their user assignments (each with the
//! SCIM id Statsig gave the user as `externalId`), and the Statsig groups imported into
//! Okta as APP_GROUPs.

use super::World;
use super::failure::OktaFailure;
use super::store::id_of;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// An Okta group assigned to an app: its members are assigned through it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppGroupAssignment {
    /// The Okta group's id.
    pub id: String,
    /// When it was assigned.
    pub created: String,
}

/// The label Statsig's setup guide gives the app.
pub const STATSIG_APP_LABEL: &str = "Statsig SCIM";

/// An app instance.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppRec {
    /// The id (`0oa…`).
    pub id: String,
    /// The generated key (custom SWA apps get one).
    pub name: String,
    /// What admins call it.
    pub label: String,
    /// ACTIVE or INACTIVE.
    pub status: String,
    /// AUTO_LOGIN (SWA), SAML_2_0, OPENID_CONNECT, …
    pub sign_on_mode: String,
    /// GROUP_PUSH, PUSH_NEW_USERS, …
    pub features: Vec<String>,
    /// When it was made.
    pub created: String,
}

/// A user assigned to an app.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppUserRec {
    /// The Okta user id.
    pub id: String,
    /// The id the app gave the user (Statsig's SCIM id), once provisioned.
    pub external_id: Option<String>,
    /// The app username (the email for Statsig).
    pub user_name: String,
    /// PROVISIONED once pushed to the app, else STAGED.
    pub status: String,
    /// When it was assigned.
    pub created: String,
}

impl World {
    /// Adds an app; returns its id.
    pub fn add_app(&mut self, label: &str, sign_on_mode: &str, features: &[&str]) -> String {
        let id = self.okta_id("0oa");
        let name = format!(
            "{}_{}",
            label.to_lowercase().replace(' ', ""),
            self.token(4)
        );
        self.apps.insert(
            id.clone(),
            AppRec {
                id: id.clone(),
                name,
                label: label.to_string(),
                status: "ACTIVE".into(),
                sign_on_mode: sign_on_mode.to_string(),
                features: features.iter().map(|f| f.to_string()).collect(),
                created: self.seeded_at.clone(),
            },
        );
        id
    }

    /// The app `id`, or Okta's 404.
    pub fn app(&self, id: &str) -> Result<&AppRec, OktaFailure> {
        self.apps.get(id).ok_or_else(|| {
            OktaFailure::new(
                404,
                "E0000007",
                format!("Not found: Resource not found: {id} (AppInstance)"),
            )
        })
    }

    /// Assigns an Okta user to an app, as provisioned with `external_id` when given.
    pub fn assign_app_user(&mut self, app_id: &str, okta_user_id: &str, external_id: Option<&str>) {
        let user_name = self
            .okta_users
            .get(okta_user_id)
            .map(|u| u.login.clone())
            .unwrap_or_default();
        let rec = AppUserRec {
            id: okta_user_id.to_string(),
            external_id: external_id.map(str::to_string),
            user_name,
            status: if external_id.is_some() {
                "PROVISIONED".into()
            } else {
                "STAGED".into()
            },
            created: self.seeded_at.clone(),
        };
        self.app_users
            .entry(app_id.to_string())
            .or_default()
            .insert(okta_user_id.to_string(), rec);
    }

    /// Assigns an Okta group to an app (its members keep their own assignments here).
    pub fn assign_app_group(&mut self, app_id: &str, group_id: &str) {
        let rec = AppGroupAssignment {
            id: group_id.to_string(),
            created: self.now(),
        };
        let stamp = rec.created.clone();
        self.app_group_assignments
            .entry(app_id.to_string())
            .or_default()
            .insert(group_id.to_string(), rec);
        let mut targets = Vec::new();
        if let Some(a) = self.apps.get(app_id) {
            targets.push(super::log::LogEntity::new(
                &a.id,
                "AppInstance",
                &a.name,
                &a.label,
            ));
        }
        if let Some(g) = self.okta_groups.get(group_id) {
            targets.push(super::log::LogEntity::new(
                &g.id,
                "UserGroup",
                &g.name,
                &g.name,
            ));
        }
        self.log_event(
            super::log::NewEvent::ok(
                super::log::APP_ASSIGNMENT_ADDED,
                "Add assigned application to group",
                targets,
            ),
            &stamp,
            false,
        );
    }

    /// A group assignment as Okta's API answers it.
    pub fn app_group_json(app_id: &str, a: &AppGroupAssignment) -> Value {
        json!({
            "id": a.id, "lastUpdated": a.created, "priority": 0, "profile": {},
            "_links": {
                "app": {"href": format!("/api/v1/apps/{app_id}")},
                "group": {"href": format!("/api/v1/groups/{}", a.id)},
            },
        })
    }

    /// The SCIM ids Okta pushes for these Okta users: active users assigned to the app
    /// and provisioned in it, in no particular order.
    pub fn pushable_scim_ids<'a>(
        &self,
        app_id: &str,
        okta_user_ids: impl IntoIterator<Item = &'a String>,
    ) -> BTreeSet<String> {
        let Some(assigned) = self.app_users.get(app_id) else {
            return BTreeSet::new();
        };
        okta_user_ids
            .into_iter()
            .filter(|uid| {
                self.okta_users
                    .get(*uid)
                    .is_some_and(|u| u.status == "ACTIVE")
            })
            .filter_map(|uid| assigned.get(uid).and_then(|a| a.external_id.clone()))
            .collect()
    }

    /// The APP_GROUPs imported from `app_id`, by id.
    pub fn app_groups(&self, app_id: &str) -> impl Iterator<Item = &super::OktaGroupRec> {
        self.okta_groups
            .values()
            .filter(move |g| g.kind == "APP_GROUP" && g.source.as_deref() == Some(app_id))
    }

    /// Okta's *Import Now* for a SCIM app: reads every group the app's SCIM server has and
    /// creates or refreshes its APP_GROUP (name and members); groups gone from the app are
    /// removed unless a push mapping still targets them. Returns how many were new.
    pub fn import_app_groups(&mut self, app_id: &str, at: &str) -> Result<usize, OktaFailure> {
        self.app(app_id)?;
        let scim: Vec<(String, String, Vec<String>)> = self
            .groups
            .iter()
            .map(|g| {
                let name = g
                    .get("displayName")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let members = g
                    .get("members")
                    .and_then(Value::as_array)
                    .map(|m| {
                        m.iter()
                            .filter_map(|x| x.get("value").and_then(Value::as_str))
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                (id_of(g).to_string(), name, members)
            })
            .collect();
        // SCIM id → Okta user id, through the app's assignments.
        let by_external: BTreeMap<String, String> = self
            .app_users
            .get(app_id)
            .map(|a| {
                a.values()
                    .filter_map(|u| u.external_id.clone().map(|e| (e, u.id.clone())))
                    .collect()
            })
            .unwrap_or_default();
        let mut created = 0;
        let mut seen = BTreeSet::new();
        for (scim_id, name, members) in scim {
            let okta_members: BTreeSet<String> = members
                .iter()
                .filter_map(|m| by_external.get(m).cloned())
                .collect();
            let existing = self
                .app_groups(app_id)
                .find(|g| g.external_id.as_deref() == Some(scim_id.as_str()))
                .or_else(|| {
                    self.app_groups(app_id)
                        .find(|g| g.external_id.is_none() && g.name == name)
                })
                .map(|g| g.id.clone());
            let gid = match existing {
                Some(gid) => gid,
                None => {
                    created += 1;
                    let g = self.create_okta_group(&name, "", "APP_GROUP", at)?;
                    g.id
                }
            };
            if let Some(g) = self.okta_groups.get_mut(&gid) {
                g.source = Some(app_id.to_string());
                g.external_id = Some(scim_id.clone());
                if g.name != name {
                    g.name = name.clone();
                    g.last_updated = at.to_string();
                }
                if g.members != okta_members {
                    g.members = okta_members;
                    g.last_membership_updated = at.to_string();
                }
            }
            seen.insert(gid);
        }
        let targeted: BTreeSet<String> = self
            .push_mappings
            .values()
            .map(|m| m.target_group_id.clone())
            .collect();
        let gone: Vec<String> = self
            .app_groups(app_id)
            .filter(|g| !seen.contains(&g.id) && !targeted.contains(&g.id))
            .map(|g| g.id.clone())
            .collect();
        for gid in gone {
            self.okta_groups.remove(&gid);
        }
        Ok(created)
    }

    /// An app as Okta's API answers it.
    pub fn app_json(a: &AppRec) -> Value {
        json!({
            "id": a.id, "name": a.name, "label": a.label, "status": a.status,
            "signOnMode": a.sign_on_mode, "features": a.features,
            "created": a.created, "lastUpdated": a.created,
            "accessibility": {"selfService": false, "errorRedirectUrl": null, "loginRedirectUrl": null},
            "visibility": {"autoSubmitToolbar": false, "hide": {"iOS": false, "web": false}, "appLinks": {}},
            "credentials": {"scheme": "EDIT_USERNAME_AND_PASSWORD", "userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"}},
            "settings": {"app": {"url": "https://console.statsig.com"}},
            "_links": {
                "users": {"href": format!("/api/v1/apps/{}/users", a.id)},
                "groups": {"href": format!("/api/v1/apps/{}/groups", a.id)},
            },
        })
    }

    /// An app user as Okta's API answers it.
    pub fn app_user_json(&self, app_id: &str, u: &AppUserRec) -> Value {
        let person = self.okta_users.get(&u.id);
        json!({
            "id": u.id, "externalId": u.external_id, "created": u.created,
            "lastUpdated": u.created, "scope": "USER", "status": u.status,
            "statusChanged": u.created, "passwordChanged": null,
            "syncState": if u.external_id.is_some() { "SYNCHRONIZED" } else { "DISABLED" },
            "lastSync": u.created,
            "credentials": {"userName": u.user_name},
            "profile": {
                "email": person.map(|p| p.email.clone()),
                "givenName": person.map(|p| p.first_name.clone()),
                "familyName": person.map(|p| p.last_name.clone()),
            },
            "_links": {
                "app": {"href": format!("/api/v1/apps/{app_id}")},
                "user": {"href": format!("/api/v1/users/{}", u.id)},
            },
        })
    }
}
