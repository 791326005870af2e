//! Users, groups and memberships.

use super::{MAX_IN_FLIGHT, OktaClient, PAGE_LIMIT, decode, decode_group, decode_user, seg};
use crate::model::{OktaGroup, OktaUser};
use crate::net::ApiError;
use futures::StreamExt;
use reqwest::Method;
use serde_json::json;

impl OktaClient {
    /// All users; `on_page` is called after each page.
    pub async fn list_users(&self, on_page: impl FnMut()) -> Result<Vec<OktaUser>, ApiError> {
        self.users_where(None, on_page).await
    }

    /// The users Okta changed (or made) after `since`: one request per page of changes.
    pub async fn users_changed_since(
        &self,
        since: &str,
        on_page: impl FnMut(),
    ) -> Result<Vec<OktaUser>, ApiError> {
        let f = format!("lastUpdated gt {}", crate::model::filter::quote(since));
        self.users_where(Some(&f), on_page).await
    }

    async fn users_where(
        &self,
        filter: Option<&str>,
        on_page: impl FnMut(),
    ) -> Result<Vec<OktaUser>, ApiError> {
        let limit = PAGE_LIMIT.to_string();
        let mut query = vec![("limit", limit.as_str())];
        if let Some(f) = filter {
            query.push(("filter", f));
        }
        self.get_all_as(self.url("/api/v1/users", &query), on_page, |v| {
            decode_user(&v).map_err(|r| self.decode_err("/api/v1/users", r))
        })
        .await
    }

    /// Groups (without members), optionally by `filter` (e.g. `type eq "OKTA_GROUP"`) or
    /// `q` (name starts with).
    pub async fn list_groups(
        &self,
        filter: Option<&str>,
        q: Option<&str>,
        on_page: impl FnMut(),
    ) -> Result<Vec<OktaGroup>, ApiError> {
        let limit = PAGE_LIMIT.to_string();
        let mut query = vec![("limit", limit.as_str())];
        if let Some(f) = filter {
            query.push(("filter", f));
        }
        if let Some(q) = q {
            query.push(("q", q));
        }
        self.get_all_as(self.url("/api/v1/groups", &query), on_page, |v| {
            decode_group(&v).map_err(|r| self.decode_err("/api/v1/groups", r))
        })
        .await
    }

    /// The ids of groups whose membership changed after `since` (one request per page,
    /// however many groups there are).
    pub async fn groups_changed_since(&self, since: &str) -> Result<Vec<String>, ApiError> {
        let f = format!(
            "lastMembershipUpdated gt {}",
            crate::model::filter::quote(since)
        );
        Ok(self
            .list_groups(Some(&f), None, || {})
            .await?
            .into_iter()
            .map(|g| g.id)
            .collect())
    }

    /// One group (without members).
    pub async fn get_group(&self, id: &str) -> Result<OktaGroup, ApiError> {
        let path = format!("/api/v1/groups/{}", seg(id));
        let (v, _) = self.call(Method::GET, &self.url(&path, &[]), None).await?;
        decode_group(&v.unwrap_or_default()).map_err(|r| self.decode_err(&path, r))
    }

    /// The ids of a group's members.
    pub async fn group_members(&self, id: &str) -> Result<Vec<String>, ApiError> {
        let limit = PAGE_LIMIT.to_string();
        let url = self.url(
            &format!("/api/v1/groups/{}/users", seg(id)),
            &[("limit", &limit)],
        );
        // Members are whole user records; only their ids are kept.
        let ids = self
            .get_all_as(url, || {}, |u| Ok(decode::id_of(&u).map(str::to_string)))
            .await?;
        Ok(ids.into_iter().flatten().collect())
    }

    /// Fills in `members` of every group, several groups at once.
    pub async fn fill_members(
        &self,
        groups: &mut [OktaGroup],
        on_group: impl Fn() + Sync,
    ) -> Result<(), ApiError> {
        let ids: Vec<String> = groups.iter().map(|g| g.id.clone()).collect();
        let (tx, results) = tokio::sync::mpsc::unbounded_channel();
        let fill = async {
            // Owned here: a failure drops it, which stops the reading.
            let mut results = results;
            // Every group's members come, in order, unless a failure comes first.
            for g in groups.iter_mut() {
                let Some((_, r)) = results.recv().await else {
                    break;
                };
                g.members = r?;
                on_group();
            }
            Ok(())
        };
        tokio::join!(self.send_members(ids, tx), fill).1
    }

    /// The members of the groups `ids`, several groups at once, each sent to `to` (sorted)
    /// as it comes in, in the order of `ids`. Stops at the first failure (sent too) or when
    /// nobody listens any more.
    pub async fn send_members(
        &self,
        ids: Vec<String>,
        to: tokio::sync::mpsc::UnboundedSender<(String, Result<Vec<String>, ApiError>)>,
    ) {
        let mut results = futures::stream::iter(ids.into_iter().map(|gid| async move {
            let r = self.group_members(&gid).await.map(|mut m| {
                m.sort();
                m
            });
            (gid, r)
        }))
        .buffered(MAX_IN_FLIGHT);
        while let Some((gid, r)) = results.next().await {
            let failed = r.is_err();
            if to.send((gid, r)).is_err() || failed {
                return;
            }
        }
    }

    /// The members of several groups, several groups at once, each with its own outcome.
    pub async fn members_of(
        &self,
        ids: Vec<String>,
    ) -> Vec<(String, Result<Vec<String>, ApiError>)> {
        futures::stream::iter(ids.into_iter().map(|gid| async move {
            let r = self.group_members(&gid).await;
            (gid, r)
        }))
        .buffer_unordered(MAX_IN_FLIGHT)
        .collect()
        .await
    }

    /// Creates an OKTA_GROUP.
    pub async fn create_group(&self, name: &str, description: &str) -> Result<OktaGroup, ApiError> {
        let body = json!({"profile": {"name": name, "description": description}});
        let (v, _) = self
            .call(Method::POST, &self.url("/api/v1/groups", &[]), Some(&body))
            .await?;
        decode_group(&v.unwrap_or_default()).map_err(|r| self.decode_err("/api/v1/groups", r))
    }

    /// Adds (`member = true`) or removes a user from an OKTA_GROUP.
    pub async fn set_member(
        &self,
        group_id: &str,
        user_id: &str,
        member: bool,
    ) -> Result<(), ApiError> {
        let url = self.url(
            &format!("/api/v1/groups/{}/users/{}", seg(group_id), seg(user_id)),
            &[],
        );
        let method = if member { Method::PUT } else { Method::DELETE };
        self.call(method, &url, None).await.map(|_| ())
    }

    /// Deletes a group; a 404 means it is already gone.
    pub async fn delete_group(&self, id: &str) -> Result<(), ApiError> {
        let url = self.url(&format!("/api/v1/groups/{}", seg(id)), &[]);
        match self.call(Method::DELETE, &url, None).await {
            Err(e) if e.is_not_found() => Ok(()),
            r => r.map(|_| ()),
        }
    }
}
