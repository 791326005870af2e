//! The Statsig app in Okta: finding it, its users and imported groups, and Okta's Group
//! Push Mappings API. Everything under `/api/v1/apps` counts against one rate-limit
//! bucket of its own (100 requests a minute on paid orgs), which the client paces.

use super::decode::{decode_app, decode_app_user, decode_push_mapping};
use super::{OktaClient, PAGE_LIMIT, decode_group, seg};
use crate::model::filter::quote;
use crate::model::okta_app::{AppGroup, AppUser, OktaApp, OktaPushMapping};
use crate::net::ApiError;
use reqwest::Method;
use serde_json::{Value, json};

/// Largest page of app users Okta serves.
const APP_USERS_LIMIT: usize = 500;
/// Largest page of group assignments Okta serves.
const APP_GROUPS_LIMIT: usize = 200;
/// Largest page of push mappings Okta serves.
const MAPPINGS_LIMIT: usize = 1000;

/// What a new mapping pushes into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushTarget {
    /// "Link group": an APP_GROUP imported from the app (its Okta id).
    Link(String),
    /// "Create group": a new group of this name in the app.
    Create(String),
}

impl OktaClient {
    /// Apps whose label or name starts with `q`.
    pub async fn find_apps(&self, q: &str) -> Result<Vec<OktaApp>, ApiError> {
        let limit = PAGE_LIMIT.to_string();
        let raw = self
            .get_all(
                self.url("/api/v1/apps", &[("q", q), ("limit", &limit)]),
                || {},
            )
            .await?;
        raw.iter()
            .map(|v| decode_app(v).map_err(|r| self.decode_err("/api/v1/apps", r)))
            .collect()
    }

    /// The app `id`.
    pub async fn get_app(&self, id: &str) -> Result<OktaApp, ApiError> {
        let path = format!("/api/v1/apps/{}", seg(id));
        let (v, _) = self.call(Method::GET, &self.url(&path, &[]), None).await?;
        let v = v.ok_or_else(|| self.decode_err(&path, "the body is empty"))?;
        decode_app(&v).map_err(|r| self.decode_err(&path, r))
    }

    /// The users assigned to the app.
    pub async fn app_users(
        &self,
        app_id: &str,
        on_page: impl FnMut(),
    ) -> Result<Vec<AppUser>, ApiError> {
        let path = format!("/api/v1/apps/{}/users", seg(app_id));
        let limit = APP_USERS_LIMIT.to_string();
        self.get_all_as(self.url(&path, &[("limit", &limit)]), on_page, |v| {
            decode_app_user(&v).map_err(|r| self.decode_err(&path, r))
        })
        .await
    }

    /// The groups imported from the app (its APP_GROUPs), found by `search`.
    pub async fn app_groups(&self, app_id: &str) -> Result<Vec<AppGroup>, ApiError> {
        let search = format!("type eq \"APP_GROUP\" and source.id eq {}", quote(app_id));
        let limit = PAGE_LIMIT.to_string();
        let raw = self
            .get_all(
                self.url(
                    "/api/v1/groups",
                    &[("search", search.as_str()), ("limit", &limit)],
                ),
                || {},
            )
            .await?;
        raw.iter()
            .map(|v| {
                decode_group(v)
                    .map(|g| AppGroup {
                        id: g.id,
                        name: g.name,
                    })
                    .map_err(|r| self.decode_err("/api/v1/groups", r))
            })
            .collect()
    }

    /// The ids of the Okta groups assigned to the app.
    pub async fn app_group_assignments(&self, app_id: &str) -> Result<Vec<String>, ApiError> {
        let path = format!("/api/v1/apps/{}/groups", seg(app_id));
        let limit = APP_GROUPS_LIMIT.to_string();
        let raw = self
            .get_all(self.url(&path, &[("limit", &limit)]), || {})
            .await?;
        raw.iter()
            .map(|v| {
                v.get("id")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| self.decode_err(&path, "a group assignment has no id"))
            })
            .collect()
    }

    fn mappings_path(app_id: &str) -> String {
        format!("/api/v1/apps/{}/group-push/mappings", seg(app_id))
    }

    /// The app's push mappings; with `since`, only those updated at or after it; with
    /// `source`, only those of that Okta group.
    pub async fn push_mappings(
        &self,
        app_id: &str,
        since: Option<&str>,
        source: Option<&str>,
    ) -> Result<Vec<OktaPushMapping>, ApiError> {
        let path = Self::mappings_path(app_id);
        let limit = MAPPINGS_LIMIT.to_string();
        let mut query = vec![("limit", limit.clone())];
        if let Some(t) = since {
            // Okta wants seconds and no fraction: 2026-03-25T06:09:58Z.
            let secs = t.split('.').next().unwrap_or(t).trim_end_matches('Z');
            query.push(("lastUpdated", format!("{secs}Z")));
        }
        if let Some(g) = source {
            query.push(("sourceGroupId", g.to_string()));
        }
        let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let raw = self.get_all(self.url(&path, &query), || {}).await?;
        raw.iter()
            .map(|v| decode_push_mapping(v).map_err(|r| self.decode_err(&path, r)))
            .collect()
    }

    /// One push mapping.
    pub async fn get_push_mapping(
        &self,
        app_id: &str,
        id: &str,
    ) -> Result<OktaPushMapping, ApiError> {
        let path = format!("{}/{}", Self::mappings_path(app_id), seg(id));
        let (v, _) = self.call(Method::GET, &self.url(&path, &[]), None).await?;
        self.mapping_from(&path, v)
    }

    fn mapping_from(&self, path: &str, v: Option<Value>) -> Result<OktaPushMapping, ApiError> {
        let v = v.ok_or_else(|| self.decode_err(path, "the body is empty"))?;
        decode_push_mapping(&v).map_err(|r| self.decode_err(path, r))
    }

    /// Creates a mapping (sent once: a lost answer is for the caller to look up).
    pub async fn create_push_mapping(
        &self,
        app_id: &str,
        source_group_id: &str,
        target: &PushTarget,
        active: bool,
    ) -> Result<OktaPushMapping, ApiError> {
        let path = Self::mappings_path(app_id);
        let mut body = json!({
            "sourceGroupId": source_group_id,
            "status": if active { "ACTIVE" } else { "INACTIVE" },
        });
        match target {
            PushTarget::Link(id) => body["targetGroupId"] = json!(id),
            PushTarget::Create(name) => body["targetGroupName"] = json!(name),
        }
        let (v, _) = self
            .call(Method::POST, &self.url(&path, &[]), Some(&body))
            .await?;
        self.mapping_from(&path, v)
    }

    /// Sets a mapping ACTIVE (Okta then runs a full push) or INACTIVE.
    pub async fn set_push_mapping_status(
        &self,
        app_id: &str,
        id: &str,
        active: bool,
    ) -> Result<OktaPushMapping, ApiError> {
        let path = format!("{}/{}", Self::mappings_path(app_id), seg(id));
        let body = json!({"status": if active { "ACTIVE" } else { "INACTIVE" }});
        let (v, _) = self
            .call(Method::PATCH, &self.url(&path, &[]), Some(&body))
            .await?;
        self.mapping_from(&path, v)
    }

    /// Deletes an INACTIVE mapping; `delete_target` also deletes the group in the app.
    pub async fn delete_push_mapping(
        &self,
        app_id: &str,
        id: &str,
        delete_target: bool,
    ) -> Result<(), ApiError> {
        let path = format!("{}/{}", Self::mappings_path(app_id), seg(id));
        let flag = if delete_target { "true" } else { "false" };
        self.call(
            Method::DELETE,
            &self.url(&path, &[("deleteTargetGroup", flag)]),
            None,
        )
        .await
        .map(|_| ())
    }

    /// The sandbox's stand-in for Okta's *Import Now* (real Okta has no API for it).
    pub async fn sandbox_import_now(&self, app_id: &str) -> Result<usize, ApiError> {
        let path = format!("/sandbox/apps/{}/import", seg(app_id));
        let (v, _) = self
            .call(Method::POST, &self.url(&path, &[]), Some(&json!({})))
            .await?;
        Ok(v.and_then(|v| v.get("created").and_then(Value::as_u64))
            .unwrap_or(0) as usize)
    }
}
