//! SCIM 2.0 client for Statsig's SCIM API (and any RFC 7644 server): paging, filters,
//! groups and users, membership PATCHes in batches, and an error type with status,
//! `scimType` and `detail`.

use crate::model::filter;
use crate::model::plan::{DEFAULT_BATCH_SIZE, PatchBatch, RemoveForm};
use crate::model::secret::Secret;
use crate::model::{StatsigGroup, StatsigUser};
use crate::net::{self, Observer, RetryPolicy};
use futures::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

/// Requests in flight to one SCIM endpoint at most.
pub const MAX_IN_FLIGHT: usize = 16;

/// Largest answer read from a SCIM server.
pub const MAX_RESPONSE: usize = 64 * 1024 * 1024;

/// A SCIM request that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScimError {
    /// The server answered with an error status.
    #[error("Statsig SCIM answered {status}{} to {method} {path}: {detail}", scim_type.as_ref().map(|t| format!(" {t}")).unwrap_or_default())]
    Status {
        method: String,
        path: String,
        status: u16,
        scim_type: Option<String>,
        detail: String,
    },
    /// No answer (connection refused, timeout, reset).
    #[error("Statsig SCIM did not answer {method} {path}: {reason}")]
    Transport {
        method: String,
        path: String,
        reason: String,
    },
    /// An answer that is not what SCIM promises.
    #[error("Statsig SCIM sent an unreadable answer to {method} {path}: {reason}")]
    Decode {
        method: String,
        path: String,
        reason: String,
    },
    /// A setting or argument that cannot work.
    #[error("{0}")]
    Config(String),
}

impl ScimError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ScimError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// The method and path of the failing request, for the Error status of a mapping.
    pub fn request(&self) -> Option<String> {
        match self {
            ScimError::Status { method, path, .. }
            | ScimError::Transport { method, path, .. }
            | ScimError::Decode { method, path, .. } => Some(format!("{method} {path}")),
            ScimError::Config(_) => None,
        }
    }
}

/// Paging progress: pages done of pages known.
pub type Progress = Arc<dyn Fn(usize, usize) + Send + Sync>;

/// A Statsig SCIM client. Cheap to clone; clones share the learned removal form.
#[derive(Clone)]
pub struct ScimClient {
    http: reqwest::Client,
    base: String,
    token: Secret,
    policy: RetryPolicy,
    observer: Arc<dyn Observer>,
    remove_form: Arc<AtomicU8>,
    batch_size: Arc<AtomicUsize>,
    /// Page size asked for when listing.
    pub page_size: usize,
    /// Pages fetched at once once `totalResults` is known.
    pub concurrency: usize,
    /// Requests in flight to this endpoint at most.
    in_flight: Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for ScimClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScimClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

fn form_to_u8(f: RemoveForm) -> u8 {
    match f {
        RemoveForm::Filter => 0,
        RemoveForm::ValueList => 1,
    }
}

impl ScimClient {
    /// A client for `base` (e.g. `https://statsigapi.net/scim`).
    pub fn new(
        base: &str,
        token: Secret,
        policy: RetryPolicy,
        observer: Arc<dyn Observer>,
    ) -> Result<Self, ScimError> {
        let url = net::check_base_url(base).map_err(ScimError::Config)?;
        if token.is_empty() {
            return Err(ScimError::Config(
                "no Statsig SCIM token is set".to_string(),
            ));
        }
        Ok(ScimClient {
            http: net::http_client(&policy),
            base: url.as_str().trim_end_matches('/').to_string(),
            token,
            policy,
            observer,
            remove_form: Arc::new(AtomicU8::new(0)),
            batch_size: Arc::new(AtomicUsize::new(DEFAULT_BATCH_SIZE)),
            page_size: 1000,
            concurrency: 8,
            in_flight: Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT)),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// How member removal is spelled; learned from the server's refusals.
    pub fn remove_form(&self) -> RemoveForm {
        if self.remove_form.load(Ordering::Relaxed) == 1 {
            RemoveForm::ValueList
        } else {
            RemoveForm::Filter
        }
    }

    pub fn set_remove_form(&self, form: RemoveForm) {
        self.remove_form.store(form_to_u8(form), Ordering::Relaxed);
    }

    /// Membership changes per PATCH.
    pub fn batch_size(&self) -> usize {
        self.batch_size.load(Ordering::Relaxed)
    }

    /// Sets the batch size, never above `cap` (from the server's configuration) nor below 1.
    pub fn set_batch_size(&self, size: usize, cap: Option<usize>) {
        let size = size.clamp(1, cap.unwrap_or(usize::MAX).max(1));
        self.batch_size.store(size, Ordering::Relaxed);
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<(u16, Option<Value>), ScimError> {
        let url = format!("{}{}", self.base, path);
        let shown = path.to_string();
        let repeat = if method == Method::POST || method == Method::PATCH {
            net::Repeat::Unsafe
        } else {
            net::Repeat::Safe
        };
        // Bounded concurrency per endpoint.
        let _permit = self.in_flight.acquire().await.ok();
        let answer = net::send(
            "Statsig",
            method.as_str(),
            &shown,
            repeat,
            &self.policy,
            &self.observer,
            MAX_RESPONSE,
            || {
                let mut b = self
                    .http
                    .request(method.clone(), &url)
                    .bearer_auth(self.token.expose())
                    .header(
                        reqwest::header::ACCEPT,
                        "application/scim+json, application/json",
                    );
                if !query.is_empty() {
                    b = b.query(query);
                }
                if let Some(body) = body {
                    b = b
                        .header(reqwest::header::CONTENT_TYPE, "application/scim+json")
                        .body(body.to_string());
                }
                b
            },
        )
        .await
        .map_err(|f| {
            if f.fatal {
                ScimError::Decode {
                    method: method.to_string(),
                    path: shown.clone(),
                    reason: f.reason,
                }
            } else {
                ScimError::Transport {
                    method: method.to_string(),
                    path: shown.clone(),
                    reason: f.reason,
                }
            }
        })?;
        let status = answer.status;
        let bytes = answer.body;
        let parsed: Option<Value> = if bytes.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            serde_json::from_slice(&bytes).ok()
        };
        if !(200..300).contains(&status) {
            let (scim_type, detail) = error_parts(parsed.as_ref(), &bytes);
            return Err(ScimError::Status {
                method: method.to_string(),
                path: shown,
                status,
                scim_type,
                detail,
            });
        }
        // A PATCH answered 2xx was applied, whatever its body says.
        if parsed.is_none() && !bytes.iter().all(u8::is_ascii_whitespace) && method != Method::PATCH
        {
            return Err(ScimError::Decode {
                method: method.to_string(),
                path: shown,
                reason: "the body is not JSON".to_string(),
            });
        }
        Ok((status, parsed))
    }

    fn decode_err(&self, method: &str, path: &str, reason: impl Into<String>) -> ScimError {
        ScimError::Decode {
            method: method.to_string(),
            path: path.to_string(),
            reason: reason.into(),
        }
    }

    /// `GET /ServiceProviderConfig`.
    pub async fn service_provider_config(&self) -> Result<Value, ScimError> {
        let (_, v) = self
            .request(Method::GET, "/ServiceProviderConfig", &[], None)
            .await?;
        v.ok_or_else(|| self.decode_err("GET", "/ServiceProviderConfig", "empty answer"))
    }

    /// One page: (totalResults, resources).
    async fn page(
        &self,
        path: &str,
        start: usize,
        count: usize,
        extra: &[(&str, String)],
    ) -> Result<(usize, Vec<Value>), ScimError> {
        let mut q: Vec<(&str, String)> = vec![
            ("startIndex", start.to_string()),
            ("count", count.to_string()),
        ];
        q.extend(extra.iter().cloned());
        let (_, v) = self.request(Method::GET, path, &q, None).await?;
        let v = v.ok_or_else(|| self.decode_err("GET", path, "empty answer to a list request"))?;
        let total = v
            .get("totalResults")
            .and_then(|t| {
                t.as_u64()
                    .or_else(|| t.as_str().and_then(|s| s.parse().ok()))
            })
            .ok_or_else(|| self.decode_err("GET", path, "the ListResponse has no totalResults"))?
            as usize;
        let resources = match v.get("Resources") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a.clone(),
            Some(_) => return Err(self.decode_err("GET", path, "Resources is not a list")),
        };
        Ok((total, resources))
    }

    /// Every resource at `path`: the first page gives `totalResults`, the rest are fetched
    /// concurrently, and any gap left by short pages is filled one page at a time.
    pub async fn list_all(
        &self,
        path: &str,
        extra: &[(&str, String)],
        progress: Option<Progress>,
    ) -> Result<Vec<Value>, ScimError> {
        let count = self.page_size.max(1);
        let (total, first) = self.page(path, 1, count, extra).await?;
        let per = first.len();
        let mut pages: BTreeMap<usize, Vec<Value>> = BTreeMap::new();
        let expected_pages = if per == 0 {
            1
        } else {
            total.div_ceil(per).max(1)
        };
        let done = Arc::new(AtomicUsize::new(1));
        if let Some(p) = &progress {
            p(1, expected_pages);
        }
        pages.insert(1, first);
        if per > 0 && per < total {
            let starts: Vec<usize> = (1..expected_pages).map(|i| 1 + i * per).collect();
            let results: Vec<Result<(usize, Vec<Value>), ScimError>> =
                futures::stream::iter(starts.into_iter().map(|start| {
                    let done = done.clone();
                    let progress = progress.clone();
                    async move {
                        let (_, items) = self.page(path, start, count, extra).await?;
                        let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                        if let Some(p) = &progress {
                            p(d, expected_pages);
                        }
                        Ok((start, items))
                    }
                }))
                .buffer_unordered(self.concurrency.max(1))
                .collect()
                .await;
            for r in results {
                let (start, items) = r?;
                pages.insert(start, items);
            }
        }
        // Fill gaps: a page shorter than asked leaves the indices after it unfetched.
        let mut out = Vec::with_capacity(total);
        let mut next = 1;
        let starts: Vec<usize> = pages.keys().copied().collect();
        for (i, start) in starts.iter().enumerate() {
            let items = pages.remove(start).unwrap_or_default();
            if *start > next {
                out.extend(self.fill(path, next, *start, count, extra).await?);
            }
            next = start + items.len();
            out.extend(items);
            if i + 1 == starts.len() && next <= total {
                out.extend(self.fill(path, next, total + 1, count, extra).await?);
            }
        }
        // Data may shift while paging; never return a resource twice.
        let mut seen = std::collections::HashSet::new();
        out.retain(|v| {
            v.get("id")
                .and_then(Value::as_str)
                .is_none_or(|id| seen.insert(id.to_string()))
        });
        Ok(out)
    }

    async fn fill(
        &self,
        path: &str,
        mut from: usize,
        to: usize,
        count: usize,
        extra: &[(&str, String)],
    ) -> Result<Vec<Value>, ScimError> {
        let mut out = Vec::new();
        while from < to {
            let (_, items) = self.page(path, from, count.min(to - from), extra).await?;
            if items.is_empty() {
                break;
            }
            from += items.len();
            out.extend(items);
        }
        Ok(out)
    }

    /// How many resources `path` has (`count=0`: one small request).
    pub async fn count(&self, path: &str) -> Result<usize, ScimError> {
        Ok(self.page(path, 1, 0, &[]).await?.0)
    }

    /// All Statsig users.
    pub async fn list_users(
        &self,
        progress: Option<Progress>,
    ) -> Result<Vec<StatsigUser>, ScimError> {
        let raw = self.list_all("/Users", &[], progress).await?;
        raw.iter()
            .map(|v| decode_user(v).map_err(|r| self.decode_err("GET", "/Users", r)))
            .collect()
    }

    /// All groups, with members.
    pub async fn list_groups(
        &self,
        progress: Option<Progress>,
    ) -> Result<Vec<StatsigGroup>, ScimError> {
        let raw = self.list_all("/Groups", &[], progress).await?;
        raw.iter()
            .map(|v| decode_group(v).map_err(|r| self.decode_err("GET", "/Groups", r)))
            .collect()
    }

    /// The user with this userName (case-insensitive), if any. A 404 counts as none.
    pub async fn find_user(&self, user_name: &str) -> Result<Option<StatsigUser>, ScimError> {
        let q = [("filter", filter::eq("userName", user_name))];
        match self.page("/Users", 1, 2, &q).await {
            Ok((_, items)) => items
                .first()
                .map(|v| decode_user(v).map_err(|r| self.decode_err("GET", "/Users", r)))
                .transpose(),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The group with this displayName (case-insensitive), if any.
    pub async fn find_group(&self, name: &str) -> Result<Option<StatsigGroup>, ScimError> {
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

    fn group_path(id: &str) -> String {
        format!(
            "/Groups/{}",
            percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC)
        )
    }

    /// `GET /Groups/{id}`.
    pub async fn get_group(&self, id: &str) -> Result<StatsigGroup, ScimError> {
        let path = Self::group_path(id);
        let (_, v) = self.request(Method::GET, &path, &[], None).await?;
        let v = v.ok_or_else(|| self.decode_err("GET", &path, "empty answer"))?;
        decode_group(&v).map_err(|r| self.decode_err("GET", &path, r))
    }

    /// `POST /Groups` with no members.
    pub async fn create_group(&self, name: &str) -> Result<StatsigGroup, ScimError> {
        let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": name, "members": []});
        let (_, v) = self
            .request(Method::POST, "/Groups", &[], Some(&body))
            .await?;
        match v {
            Some(v) => decode_group(&v).map_err(|r| self.decode_err("POST", "/Groups", r)),
            // Some servers answer 201 with no body: read it back by name.
            None => self.find_group(name).await?.ok_or_else(|| {
                self.decode_err(
                    "POST",
                    "/Groups",
                    "the group was not there after it was created",
                )
            }),
        }
    }

    /// `DELETE /Groups/{id}`; a 404 means it is already gone.
    pub async fn delete_group(&self, id: &str) -> Result<(), ScimError> {
        match self
            .request(Method::DELETE, &Self::group_path(id), &[], None)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Sends one membership PATCH. When the server refuses the removal form in use, the
    /// other form is tried once and, if accepted, remembered for this server.
    pub async fn patch_members(&self, group_id: &str, batch: &PatchBatch) -> Result<(), ScimError> {
        let path = Self::group_path(group_id);
        let form = self.remove_form();
        let first = self
            .request(Method::PATCH, &path, &[], Some(&batch.body(form)))
            .await;
        match first {
            Ok(_) => Ok(()),
            Err(ScimError::Status { status: 400, .. }) if !batch.removes.is_empty() => {
                let other = form.other();
                match self
                    .request(Method::PATCH, &path, &[], Some(&batch.body(other)))
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

    /// `POST /Users`: provisions a user (tests and sandboxes; Okta provisions users in production).
    pub async fn create_user(
        &self,
        email: &str,
        given: &str,
        family: &str,
    ) -> Result<StatsigUser, ScimError> {
        let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": email,
            "name": {"givenName": given, "familyName": family}, "emails": [{"value": email, "primary": true}], "active": true});
        let (_, v) = self
            .request(Method::POST, "/Users", &[], Some(&body))
            .await?;
        let v = v.ok_or_else(|| self.decode_err("POST", "/Users", "empty answer"))?;
        decode_user(&v).map_err(|r| self.decode_err("POST", "/Users", r))
    }
}

fn error_parts(v: Option<&Value>, raw: &[u8]) -> (Option<String>, String) {
    let Some(v) = v else {
        let text: String = String::from_utf8_lossy(raw).chars().take(200).collect();
        let text = text.trim().to_string();
        return (
            None,
            if text.is_empty() {
                "no detail given".to_string()
            } else {
                text
            },
        );
    };
    let scim_type = v
        .get("scimType")
        .and_then(Value::as_str)
        .map(str::to_string);
    let detail = v
        .get("detail")
        .and_then(Value::as_str)
        .or_else(|| v.get("message").and_then(Value::as_str))
        .map(|d| d.chars().take(500).collect())
        .unwrap_or_else(|| "no detail given".to_string());
    (scim_type, detail)
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .and_then(|(_, v)| v.as_str())
}

/// Decodes a SCIM user, tolerating missing optional parts.
pub fn decode_user(v: &Value) -> Result<StatsigUser, String> {
    let id = str_at(v, "id").ok_or("a user has no id")?.to_string();
    let user_name = str_at(v, "userName")
        .ok_or_else(|| format!("user {id} has no userName"))?
        .to_string();
    let name = v.get("name");
    let email = v
        .get("emails")
        .and_then(Value::as_array)
        .and_then(|e| {
            e.iter()
                .find(|x| x.get("primary").and_then(Value::as_bool) == Some(true))
                .or_else(|| e.first())
        })
        .and_then(|x| x.get("value").and_then(Value::as_str))
        .unwrap_or(&user_name)
        .to_string();
    Ok(StatsigUser {
        id,
        given_name: name
            .and_then(|n| str_at(n, "givenName"))
            .unwrap_or_default()
            .to_string(),
        family_name: name
            .and_then(|n| str_at(n, "familyName"))
            .unwrap_or_default()
            .to_string(),
        email,
        active: v.get("active").and_then(Value::as_bool).unwrap_or(true),
        org_role: str_at(v, "statsigOrgRole").map(str::to_string),
        user_name,
    })
}

/// Decodes a SCIM group.
pub fn decode_group(v: &Value) -> Result<StatsigGroup, String> {
    let id = str_at(v, "id").ok_or("a group has no id")?.to_string();
    let display_name = str_at(v, "displayName")
        .ok_or_else(|| format!("group {id} has no displayName"))?
        .to_string();
    let members = match v.get("members") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(m)) => m
            .iter()
            .filter_map(|x| str_at(x, "value").map(str::to_string))
            .collect(),
        Some(_) => return Err(format!("group {id}'s members is not a list")),
    };
    Ok(StatsigGroup {
        id,
        display_name,
        members,
    })
}
