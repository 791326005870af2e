//! Groups: listing, lookups by name and id, creating and deleting teams, membership
//! PATCHes, and the cheap reads the watcher makes.

use super::{Progress, RemoveForm, ScimClient, decode, decode_group, patch};
use crate::model::StatsigGroup;
use crate::model::filter;
use crate::model::plan::PatchBatch;
use crate::net::ApiError;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Groups read by id per request, with an `or` filter.
const IDS_PER_REQUEST: usize = 50;

fn group_path(id: &str) -> String {
    format!(
        "/Groups/{}",
        percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC)
    )
}

/// A server that cannot run this filter (it answers 400 or 501).
fn unsupported(e: &ApiError) -> bool {
    matches!(e.status(), Some(400 | 501))
}

impl ScimClient {
    /// Groups at `/Groups` with `extra` query parameters, decoded page by page.
    async fn groups_where(
        &self,
        extra: &[(&str, String)],
        progress: Option<Progress>,
    ) -> Result<Vec<StatsigGroup>, ApiError> {
        let decode = |v: &Value| decode_group(v).map_err(|r| self.decode_err("GET", "/Groups", r));
        self.list_all("/Groups", extra, progress, &decode, |g: &StatsigGroup| {
            &g.id
        })
        .await
    }

    /// All groups, with members.
    pub async fn list_groups(
        &self,
        progress: Option<Progress>,
    ) -> Result<Vec<StatsigGroup>, ApiError> {
        self.groups_where(&[], progress).await
    }

    /// The group with this displayName (case-insensitive), if any.
    pub async fn find_group(&self, name: &str) -> Result<Option<StatsigGroup>, ApiError> {
        let q = [("filter", filter::eq("displayName", name))];
        match self.page("/Groups", 1, 2, &q).await {
            Ok((_, items)) => items
                .iter()
                .find(|v| {
                    v.get("displayName")
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.eq_ignore_ascii_case(name))
                })
                .map(|v| decode_group(v).map_err(|r| self.decode_err("GET", "/Groups", r)))
                .transpose(),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GET /Groups/{id}`.
    pub async fn get_group(&self, id: &str) -> Result<StatsigGroup, ApiError> {
        let path = group_path(id);
        let v = self
            .request(Method::GET, &path, &[], None)
            .await?
            .ok_or_else(|| self.decode_err("GET", &path, "empty answer"))?;
        decode_group(&v).map_err(|r| self.decode_err("GET", &path, r))
    }

    /// Groups by id, 50 to a request; one GET per group where the server does not filter
    /// on id. Groups that do not exist are left out.
    pub async fn groups_by_ids(&self, ids: &[String]) -> Result<Vec<StatsigGroup>, ApiError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(IDS_PER_REQUEST) {
            let f = chunk
                .iter()
                .map(|id| filter::eq("id", id))
                .collect::<Vec<_>>()
                .join(" or ");
            match self.groups_where(&[("filter", f)], None).await {
                Ok(groups) => out.extend(groups),
                Err(e) if unsupported(&e) => {
                    for id in chunk {
                        match self.get_group(id).await {
                            Ok(g) => out.push(g),
                            Err(e) if e.is_not_found() => {}
                            Err(e) => return Err(e),
                        }
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Groups modified after `since`; `None` when the server cannot filter on
    /// `meta.lastModified`.
    pub async fn groups_modified_since(
        &self,
        since: &str,
    ) -> Result<Option<Vec<StatsigGroup>>, ApiError> {
        let f = format!("meta.lastModified gt {}", filter::quote(since));
        match self.groups_where(&[("filter", f)], None).await {
            Ok(groups) => Ok(Some(groups)),
            Err(e) if unsupported(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// How many groups there are (one small request).
    pub async fn group_count(&self) -> Result<usize, ApiError> {
        self.count("/Groups").await
    }

    /// The ids of every group (members left out).
    pub async fn group_ids(&self) -> Result<BTreeSet<String>, ApiError> {
        let decode = |v: &Value| {
            decode::id_of(v)
                .map(str::to_string)
                .ok_or_else(|| self.decode_err("GET", "/Groups", "a group has no id"))
        };
        let ids = self
            .list_all(
                "/Groups",
                &[("attributes", "id".to_string())],
                None,
                &decode,
                |id: &String| id,
            )
            .await?;
        Ok(ids.into_iter().collect())
    }

    /// `POST /Groups` with no members.
    pub async fn create_group(&self, name: &str) -> Result<StatsigGroup, ApiError> {
        let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": name, "members": []});
        let (made, headers) = self
            .exchange(Method::POST, "/Groups", &[], Some(&body))
            .await?;
        if let Some(v) = made {
            return decode_group(&v).map_err(|r| self.decode_err("POST", "/Groups", r));
        }
        // Some servers answer 201 with no body: read it back from its Location, else by name.
        let found = match self.location_path(&headers)? {
            Some(path) => {
                let v = self.request(Method::GET, &path, &[], None).await?;
                v.map(|v| decode_group(&v).map_err(|r| self.decode_err("GET", &path, r)))
                    .transpose()?
            }
            None => self.find_group(name).await?,
        };
        found.ok_or_else(|| {
            self.decode_err(
                "POST",
                "/Groups",
                "the group was not there after it was created",
            )
        })
    }

    /// `DELETE /Groups/{id}`; a 404 means it is already gone.
    pub async fn delete_group(&self, id: &str) -> Result<(), ApiError> {
        match self
            .request(Method::DELETE, &group_path(id), &[], None)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Sends one membership PATCH. When the server refuses the removal form in use, the
    /// other form is tried once and, if accepted, remembered for this server.
    pub async fn patch_members(&self, group_id: &str, batch: &PatchBatch) -> Result<(), ApiError> {
        let path = group_path(group_id);
        let form = self.remove_form();
        let first = self
            .request(Method::PATCH, &path, &[], Some(&patch::body(batch, form)))
            .await;
        match first {
            Ok(_) => Ok(()),
            Err(ApiError::Status { status: 400, .. }) if !batch.removes.is_empty() => {
                let other: RemoveForm = form.other();
                match self
                    .request(Method::PATCH, &path, &[], Some(&patch::body(batch, other)))
                    .await
                {
                    Ok(_) => {
                        tracing::info!(
                            ?other,
                            "the SCIM server refused {form:?} member removal; switched"
                        );
                        self.set_remove_form(other);
                        Ok(())
                    }
                    Err(_) => first.map(|_| ()),
                }
            }
            Err(e) => Err(e),
        }
    }
}
