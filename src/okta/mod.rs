//! Okta Management API client: users, groups and memberships, `Link`-header paging,
//! per-bucket rate-limit pacing, Okta error bodies. Callers get model types and
//! [`ApiError`]s; routes and JSON stay in here.

mod apps;
mod decode;
mod groups;
mod logs;
mod rate;

pub use apps::PushTarget;
pub use decode::{decode_group, decode_user};
pub use logs::{LOG_PAGE_LIMIT, LogRead, decode_event};
pub use rate::{Bucket, RateState};

use crate::model::secret::Secret;
use crate::net::{self, ApiError, CancelToken, Http, Observer, Repeat, RetryPolicy, Service};
use reqwest::Method;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// Largest answer read from Okta.
pub const MAX_RESPONSE: usize = 64 * 1024 * 1024;
/// Requests in flight to one Okta org at most.
pub const MAX_IN_FLIGHT: usize = 16;
/// Okta's page size for users and groups.
pub const PAGE_LIMIT: usize = 200;

/// The `rel="next"` URL of a `Link` header.
pub fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    for value in headers.get_all(reqwest::header::LINK) {
        let Ok(text) = value.to_str() else { continue };
        for part in text.split(',') {
            let mut pieces = part.split(';');
            let url = pieces.next()?.trim();
            let is_next = pieces.any(|p| {
                let p = p.trim().replace(' ', "");
                p == "rel=\"next\"" || p == "rel=next"
            });
            if is_next && url.starts_with('<') && url.ends_with('>') {
                return Some(url[1..url.len() - 1].to_string());
            }
        }
    }
    None
}

/// An Okta Management API client. Cheap to clone.
#[derive(Clone)]
pub struct OktaClient {
    http: Http,
    token: Secret,
    pacer: Arc<rate::Pacer>,
    /// Requests in flight to the org at most (Okta's default concurrency limit is 75).
    in_flight: Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for OktaClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OktaClient")
            .field("base", &self.http.base())
            .finish_non_exhaustive()
    }
}

impl OktaClient {
    /// A client for the org at `base` (e.g. `https://your-org.okta.com`).
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
        let url = net::check_okta_url(base).map_err(|problem| ApiError::Url {
            service: Service::Okta,
            problem,
        })?;
        if token.is_empty() {
            return Err(ApiError::NoToken {
                service: Service::Okta,
            });
        }
        Ok(OktaClient {
            http: Http::new(
                Service::Okta,
                url.as_str(),
                policy,
                observer,
                cancel,
                MAX_RESPONSE,
            )?,
            token,
            pacer: Arc::new(rate::Pacer::default()),
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

    /// The org URL.
    pub fn base_url(&self) -> &str {
        self.http.base()
    }

    /// Takes one request of `bucket`'s rate limit, waiting for the window to reset when
    /// the last answers say none is left: normal work never runs into a 429.
    async fn pace(&self, bucket: Bucket) -> Result<rate::InFlight<'_>, ApiError> {
        let mut told = false;
        loop {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs_f64();
            let Some((wait, state)) = self.pacer.take(bucket, now) else {
                return Ok(rate::InFlight::counted(&self.pacer, bucket));
            };
            let cancel = self.http.cancel_token();
            // Short naps: an answer may name an earlier reset than was assumed.
            let nap = wait.min(Duration::from_secs(1));
            if told || state.limit == 0 {
                tokio::select! {
                    _ = tokio::time::sleep(nap) => continue,
                    _ = cancel.cancelled() => return Err(ApiError::Cancelled),
                }
            }
            told = true;
            self.http.observer().wait(net::WaitRecord {
                service: "Okta",
                method: String::new(),
                path: String::new(),
                attempt: 0,
                wait,
                reason: format!(
                    "waiting for Okta's rate limit: all {} requests of this minute are used",
                    state.limit
                ),
            });
            tokio::select! {
                _ = tokio::time::sleep(nap) => {}
                _ = cancel.cancelled() => return Err(ApiError::Cancelled),
            }
        }
    }

    /// How long `requests` more requests under `/api/v1/apps` take at the least, from
    /// the rate limit Okta last named (`None` before it named one).
    pub fn apps_time_for(&self, requests: u64) -> Option<Duration> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        self.pacer.time_for(Bucket::Apps, requests, now)
    }

    /// `SSWS <token>`, marked sensitive (kept out of debug output and HTTP/2 header tables).
    fn authorization(&self) -> reqwest::header::HeaderValue {
        let mut v =
            reqwest::header::HeaderValue::from_str(&format!("SSWS {}", self.token.expose()))
                .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static(""));
        v.set_sensitive(true);
        v
    }

    /// The path of `url` below the org URL, without the query (as the log shows it).
    fn path_of(&self, url: &str) -> String {
        let rest = url.strip_prefix(self.http.base()).unwrap_or(url);
        rest.split('?').next().unwrap_or_default().to_string()
    }

    /// Sends a request to a full URL; returns the JSON body (`None` for an empty one) and
    /// the next link.
    async fn call(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
    ) -> Result<(Option<Value>, Option<String>), ApiError> {
        let path = self.path_of(url);
        let bucket = Bucket::of(&path);
        // Counted until answered; a cancel that drops this request mid-flight uncounts it.
        let flight = self.pace(bucket).await?;
        let repeat = if method == Method::POST {
            Repeat::Unsafe
        } else {
            Repeat::Safe
        };
        let _permit = self.in_flight.acquire().await.ok();
        let sent = self
            .http
            .send(&method, url, &path, repeat, |b| {
                let mut b = b
                    .header(reqwest::header::AUTHORIZATION, self.authorization())
                    .header(reqwest::header::ACCEPT, "application/json");
                if let Some(body) = body {
                    b = b
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .body(body.to_string());
                }
                b
            })
            .await;
        let answer = sent?;
        flight.answered(&answer.headers);
        let next = next_link(&answer.headers);
        let parsed: Option<Value> = if answer.is_empty() {
            None
        } else {
            serde_json::from_slice(&answer.body).ok()
        };
        if !answer.is_success() {
            let (code, detail) = decode::error_parts(parsed.as_ref());
            return Err(ApiError::Status {
                service: Service::Okta,
                method: method.to_string(),
                path,
                status: answer.status,
                code,
                detail,
            });
        }
        if parsed.is_none() && !answer.is_empty() {
            return Err(self
                .http
                .decode_error(method.as_str(), &path, "the body is not JSON"));
        }
        Ok((parsed, next))
    }

    /// Every item of a paged list, following `Link: rel="next"` only.
    async fn get_all(
        &self,
        first_url: String,
        on_page: impl FnMut(),
    ) -> Result<Vec<Value>, ApiError> {
        self.get_all_as(first_url, on_page, Ok).await
    }

    /// Every page from `first_url` on, each item decoded as its page comes (a page's JSON
    /// is dropped at once, never held for the whole list).
    async fn get_all_as<T>(
        &self,
        first_url: String,
        mut on_page: impl FnMut(),
        decode: impl Fn(Value) -> Result<T, ApiError>,
    ) -> Result<Vec<T>, ApiError> {
        let mut out = Vec::new();
        let mut url = Some(first_url);
        let mut pages = 0usize;
        while let Some(u) = url.take() {
            let (v, next) = self.call(Method::GET, &u, None).await?;
            let items = match v {
                Some(Value::Array(a)) => a,
                None => Vec::new(),
                Some(_) => {
                    return Err(self.http.decode_error(
                        "GET",
                        &self.path_of(&u),
                        "expected a list",
                    ));
                }
            };
            pages += 1;
            on_page();
            // An empty page with a next link would loop forever on a broken server.
            if items.is_empty() || pages > 100_000 {
                break;
            }
            for item in items {
                out.push(decode(item)?);
            }
            // The link is checked before the token goes anywhere near it.
            url = next
                .map(|n| self.http.check_link(&n, "paging link"))
                .transpose()?;
        }
        Ok(out)
    }

    /// The full URL of `path` with `query`, every value percent-encoded.
    fn url(&self, path: &str, query: &[(&str, &str)]) -> String {
        let mut u = format!("{}{}", self.http.base(), path);
        if !query.is_empty() {
            u.push('?');
            u.push_str(
                &query
                    .iter()
                    .map(|(k, v)| format!("{k}={}", seg(v)))
                    .collect::<Vec<_>>()
                    .join("&"),
            );
        }
        u
    }

    fn decode_err(&self, path: &str, reason: impl std::fmt::Display) -> ApiError {
        self.http.decode_error("GET", path, reason)
    }

    /// One small request that proves the URL and token work.
    pub async fn check(&self) -> Result<(), ApiError> {
        self.call(
            Method::GET,
            &self.url("/api/v1/groups", &[("limit", "1")]),
            None,
        )
        .await
        .map(|_| ())
    }
}

/// One path segment or query value, percent-encoded.
fn seg(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_next_link_among_several() {
        let mut h = reqwest::header::HeaderMap::new();
        h.append(
            "link",
            "<https://x.okta.com/api/v1/users?limit=2>; rel=\"self\""
                .parse()
                .unwrap(),
        );
        h.append(
            "link",
            "<https://x.okta.com/api/v1/users?after=00u1&limit=2>; rel=\"next\""
                .parse()
                .unwrap(),
        );
        assert_eq!(
            next_link(&h).as_deref(),
            Some("https://x.okta.com/api/v1/users?after=00u1&limit=2")
        );
        let mut one = reqwest::header::HeaderMap::new();
        one.append(
            "link",
            "<a>; rel=\"self\", <b>; rel=\"next\"".parse().unwrap(),
        );
        assert_eq!(next_link(&one).as_deref(), Some("b"));
        assert_eq!(next_link(&reqwest::header::HeaderMap::new()), None);
    }
}
