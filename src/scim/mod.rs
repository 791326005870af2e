//! SCIM 2.0 client for Statsig's SCIM API (and any RFC 7644 server): paging, filters,
//! groups and users, membership PATCHes in batches. Callers get model types and
//! [`ApiError`]s; paths, filters and JSON stay in here.

mod config;
mod decode;
mod groups;
mod patch;

pub use config::ServerConfig;
pub use decode::{decode_group, decode_user};
pub use patch::{PATCH_OP_SCHEMA, RemoveForm, body as patch_body};

use crate::model::StatsigUser;
use crate::model::filter;
use crate::model::plan::DEFAULT_BATCH_SIZE;
use crate::model::secret::Secret;
use crate::net::{self, ApiError, CancelToken, Http, Observer, Repeat, RetryPolicy, Service};
use futures::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

/// Turns one listed resource into what the caller wants.
type Decoder<'a, T> = &'a (dyn Fn(&Value) -> Result<T, ApiError> + Sync);

/// Requests in flight to one SCIM endpoint at most.
pub const MAX_IN_FLIGHT: usize = 16;

/// Largest answer read from a SCIM server.
pub const MAX_RESPONSE: usize = 64 * 1024 * 1024;

/// Paging progress: pages done of pages known.
pub type Progress = Arc<dyn Fn(usize, usize) + Send + Sync>;

/// A Statsig SCIM client. Cheap to clone; clones share what was learned of the server.
#[derive(Clone)]
pub struct ScimClient {
    http: Http,
    token: Secret,
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
            .field("base", &self.http.base())
            .finish_non_exhaustive()
    }
}

impl ScimClient {
    /// A client for `base` (e.g. `https://statsigapi.net/scim`).
    pub fn new(
        base: &str,
        token: Secret,
        policy: RetryPolicy,
        observer: Arc<dyn Observer>,
    ) -> Result<Self, ApiError> {
        Self::with_cancel(base, token, policy, observer, CancelToken::default())
    }

    /// A client whose requests end when `cancel` is set.
    pub fn with_cancel(
        base: &str,
        token: Secret,
        policy: RetryPolicy,
        observer: Arc<dyn Observer>,
        cancel: CancelToken,
    ) -> Result<Self, ApiError> {
        let url = net::check_statsig_url(base).map_err(|problem| ApiError::Url {
            service: Service::Statsig,
            problem,
        })?;
        if token.is_empty() {
            return Err(ApiError::NoToken {
                service: Service::Statsig,
            });
        }
        Ok(ScimClient {
            http: Http::new(
                Service::Statsig,
                url.as_str(),
                policy,
                observer,
                cancel,
                MAX_RESPONSE,
            )?,
            token,
            remove_form: Arc::new(AtomicU8::new(0)),
            batch_size: Arc::new(AtomicUsize::new(DEFAULT_BATCH_SIZE)),
            page_size: 1000,
            concurrency: 8,
            in_flight: Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT)),
        })
    }

    /// A clone whose requests ignore the job's cancel flag (a last read after a cancel).
    pub fn detached(&self) -> Self {
        Self {
            http: self.http.with_cancel(CancelToken::default()),
            ..self.clone()
        }
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        self.http.base()
    }

    /// How member removal is spelled; learned from the server's refusals.
    pub fn remove_form(&self) -> RemoveForm {
        if self.remove_form.load(Ordering::Relaxed) == 1 {
            RemoveForm::ValueList
        } else {
            RemoveForm::Filter
        }
    }

    /// Sets how member removal is spelled.
    pub fn set_remove_form(&self, form: RemoveForm) {
        let v = match form {
            RemoveForm::Filter => 0,
            RemoveForm::ValueList => 1,
        };
        self.remove_form.store(v, Ordering::Relaxed);
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

    /// Sends one request; an error status becomes [`ApiError::Status`], a 2xx body that is
    /// not JSON an [`ApiError::Decode`] (but for PATCH, which was applied whatever it says).
    async fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Option<Value>, ApiError> {
        Ok(self.exchange(method, path, query, body).await?.0)
    }

    /// [`Self::request`], with the answer's headers.
    async fn exchange(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<(Option<Value>, reqwest::header::HeaderMap), ApiError> {
        let url = format!("{}{}", self.http.base(), path);
        let repeat = if method == Method::POST || method == Method::PATCH {
            Repeat::Unsafe
        } else {
            Repeat::Safe
        };
        let _permit = self.in_flight.acquire().await.ok();
        let answer = self
            .http
            .send(&method, &url, path, repeat, |b| {
                let mut b = b.bearer_auth(self.token.expose()).header(
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
            })
            .await?;
        let parsed: Option<Value> = if answer.is_empty() {
            None
        } else {
            serde_json::from_slice(&answer.body).ok()
        };
        if !answer.is_success() {
            let (code, detail) = decode::error_parts(parsed.as_ref(), &answer.body);
            return Err(ApiError::Status {
                service: Service::Statsig,
                method: method.to_string(),
                path: path.to_string(),
                status: answer.status,
                code,
                detail,
            });
        }
        if parsed.is_none() && !answer.is_empty() && method != Method::PATCH {
            return Err(self.decode_err(method.as_str(), path, "the body is not JSON"));
        }
        Ok((parsed, answer.headers))
    }

    /// The path below the base of a resource's `Location` (RFC 7644 §3.3), checked before
    /// anything is sent to it: on the base's server and under its path.
    fn location_path(
        &self,
        headers: &reqwest::header::HeaderMap,
    ) -> Result<Option<String>, ApiError> {
        let Some(value) = headers.get(reqwest::header::LOCATION) else {
            return Ok(None);
        };
        let link = String::from_utf8_lossy(value.as_bytes()).into_owned();
        let url = self.http.check_link(&link, "Location")?;
        Ok(Some(
            url.strip_prefix(self.http.base())
                .unwrap_or_default()
                .to_string(),
        ))
    }

    fn decode_err(&self, method: &str, path: &str, reason: impl std::fmt::Display) -> ApiError {
        self.http.decode_error(method, path, reason)
    }

    /// What the server says of itself; a server without the endpoint announces nothing.
    pub async fn server_config(&self) -> Result<ServerConfig, ApiError> {
        match self
            .request(Method::GET, "/ServiceProviderConfig", &[], None)
            .await
        {
            Ok(v) => Ok(ServerConfig::from_json(&v.unwrap_or(Value::Null))),
            Err(e) if e.is_not_found() => Ok(ServerConfig::default()),
            Err(e) => Err(e),
        }
    }

    /// One small request that proves the URL and token work.
    pub async fn check(&self) -> Result<(), ApiError> {
        self.count("/Users").await.map(|_| ())
    }

    /// One page: (totalResults, resources).
    async fn page(
        &self,
        path: &str,
        start: usize,
        count: usize,
        extra: &[(&str, String)],
    ) -> Result<(usize, Vec<Value>), ApiError> {
        let mut q: Vec<(&str, String)> = vec![
            ("startIndex", start.to_string()),
            ("count", count.to_string()),
        ];
        q.extend(extra.iter().cloned());
        let mut v = self
            .request(Method::GET, path, &q, None)
            .await?
            .ok_or_else(|| self.decode_err("GET", path, "empty answer to a list request"))?;
        let total = v
            .get("totalResults")
            .and_then(|t| {
                t.as_u64()
                    .or_else(|| t.as_str().and_then(|s| s.parse().ok()))
            })
            .ok_or_else(|| self.decode_err("GET", path, "the ListResponse has no totalResults"))?
            as usize;
        let resources = match v.get_mut("Resources").map(Value::take) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a,
            Some(_) => return Err(self.decode_err("GET", path, "Resources is not a list")),
        };
        Ok((total, resources))
    }

    /// One page, each resource decoded as it comes (a page's JSON is dropped at once,
    /// never held for the whole list).
    async fn page_as<T>(
        &self,
        path: &str,
        start: usize,
        count: usize,
        extra: &[(&str, String)],
        decode: Decoder<'_, T>,
    ) -> Result<(usize, Vec<T>), ApiError> {
        let (total, raw) = self.page(path, start, count, extra).await?;
        let items = raw
            .iter()
            .map(decode)
            .collect::<Result<Vec<T>, ApiError>>()?;
        Ok((total, items))
    }

    /// Every resource at `path`, decoded: the first page gives `totalResults`, the rest
    /// are fetched concurrently, and any gap left by short pages is filled one page at a
    /// time. A resource seen twice (data shifting while paging) is kept once, by `id`.
    async fn list_all<T: Send>(
        &self,
        path: &str,
        extra: &[(&str, String)],
        progress: Option<Progress>,
        decode: Decoder<'_, T>,
        id: fn(&T) -> &str,
    ) -> Result<Vec<T>, ApiError> {
        let count = self.page_size.max(1);
        let (total, first) = self.page_as(path, 1, count, extra, decode).await?;
        let per = first.len();
        let expected_pages = if per == 0 {
            1
        } else {
            total.div_ceil(per).max(1)
        };
        let done = Arc::new(AtomicUsize::new(1));
        if let Some(p) = &progress {
            p(1, expected_pages);
        }
        let mut pages: BTreeMap<usize, Vec<T>> = BTreeMap::new();
        pages.insert(1, first);
        if per > 0 && per < total {
            let starts: Vec<usize> = (1..expected_pages).map(|i| 1 + i * per).collect();
            let results: Vec<Result<(usize, Vec<T>), ApiError>> =
                futures::stream::iter(starts.into_iter().map(|start| {
                    let done = done.clone();
                    let progress = progress.clone();
                    async move {
                        let (_, items) = self.page_as(path, start, count, extra, decode).await?;
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
        let mut out = self
            .fill_gaps(path, pages, total, count, extra, decode)
            .await?;
        let mut seen = std::collections::HashSet::new();
        out.retain(|v| seen.insert(id(v).to_string()));
        Ok(out)
    }

    /// Joins pages in order; a page shorter than asked leaves indices unfetched, which are
    /// read one page at a time.
    async fn fill_gaps<T>(
        &self,
        path: &str,
        mut pages: BTreeMap<usize, Vec<T>>,
        total: usize,
        count: usize,
        extra: &[(&str, String)],
        decode: Decoder<'_, T>,
    ) -> Result<Vec<T>, ApiError> {
        let mut out = Vec::with_capacity(total);
        let mut next = 1;
        let starts: Vec<usize> = pages.keys().copied().collect();
        for (i, start) in starts.iter().enumerate() {
            let items = pages.remove(start).unwrap_or_default();
            if *start > next {
                out.extend(self.fill(path, next, *start, count, extra, decode).await?);
            }
            next = start + items.len();
            out.extend(items);
            if i + 1 == starts.len() && next <= total {
                out.extend(
                    self.fill(path, next, total + 1, count, extra, decode)
                        .await?,
                );
            }
        }
        Ok(out)
    }

    async fn fill<T>(
        &self,
        path: &str,
        mut from: usize,
        to: usize,
        count: usize,
        extra: &[(&str, String)],
        decode: Decoder<'_, T>,
    ) -> Result<Vec<T>, ApiError> {
        let mut out = Vec::new();
        while from < to {
            let (_, items) = self
                .page_as(path, from, count.min(to - from), extra, decode)
                .await?;
            if items.is_empty() {
                break;
            }
            from += items.len();
            out.extend(items);
        }
        Ok(out)
    }

    /// How many resources `path` has (`count=0`: one small request).
    async fn count(&self, path: &str) -> Result<usize, ApiError> {
        Ok(self.page(path, 1, 0, &[]).await?.0)
    }

    /// All Statsig users.
    pub async fn list_users(
        &self,
        progress: Option<Progress>,
    ) -> Result<Vec<StatsigUser>, ApiError> {
        let decode = |v: &Value| decode_user(v).map_err(|r| self.decode_err("GET", "/Users", r));
        self.list_all("/Users", &[], progress, &decode, |u: &StatsigUser| &u.id)
            .await
    }

    /// The user with this userName (case-insensitive), if any. A 404 counts as none.
    pub async fn find_user(&self, user_name: &str) -> Result<Option<StatsigUser>, ApiError> {
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

    /// `POST /Users`: provisions a user (tests and sandboxes; Okta provisions users in production).
    pub async fn create_user(
        &self,
        email: &str,
        given: &str,
        family: &str,
    ) -> Result<StatsigUser, ApiError> {
        let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": email,
            "name": {"givenName": given, "familyName": family}, "emails": [{"value": email, "primary": true}], "active": true});
        let v = self
            .request(Method::POST, "/Users", &[], Some(&body))
            .await?
            .ok_or_else(|| self.decode_err("POST", "/Users", "empty answer"))?;
        decode_user(&v).map_err(|r| self.decode_err("POST", "/Users", r))
    }
}
