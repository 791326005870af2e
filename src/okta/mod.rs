//! Okta Management API client: users, groups and memberships, `Link`-header paging,
//! rate-limit headers read and respected, Okta error bodies.

use crate::model::secret::Secret;
use crate::model::{OktaGroup, OktaUser};
use crate::net::{self, Observer, RetryPolicy};
use futures::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

pub const MAX_RESPONSE: usize = 64 * 1024 * 1024;
/// Requests in flight to one Okta org at most.
pub const MAX_IN_FLIGHT: usize = 16;
/// Okta's page size for users and groups.
pub const PAGE_LIMIT: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OktaError {
    #[error("Okta answered {status} to {method} {path}: {summary}{}", code.as_ref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Status {
        method: String,
        path: String,
        status: u16,
        code: Option<String>,
        summary: String,
    },
    #[error("Okta did not answer {method} {path}: {reason}")]
    Transport {
        method: String,
        path: String,
        reason: String,
    },
    #[error("Okta sent an unreadable answer to {method} {path}: {reason}")]
    Decode {
        method: String,
        path: String,
        reason: String,
    },
    #[error("{0}")]
    Config(String),
}

impl OktaError {
    pub fn code(&self) -> Option<&str> {
        match self {
            OktaError::Status { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            OktaError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// What the last answer said of the rate limit.
#[derive(Debug, Clone, Copy, Default)]
struct RateState {
    limit: u64,
    remaining: u64,
    reset: u64,
}

/// An Okta Management API client. Cheap to clone.
#[derive(Clone)]
pub struct OktaClient {
    http: reqwest::Client,
    base: String,
    token: Secret,
    policy: RetryPolicy,
    observer: Arc<dyn Observer>,
    rate: Arc<Mutex<RateState>>,
    /// Requests in flight to the org at most (Okta's default concurrency limit is 75).
    in_flight: Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for OktaClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OktaClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// How long to wait before the next request, from the last rate-limit headers: nothing
/// while more than a tenth of the window's requests are left; then what is left of the
/// window spread over the requests left (all of it when none are).
pub fn pacing(limit: u64, remaining: u64, reset_epoch: u64, now_epoch: u64) -> Option<Duration> {
    if limit == 0 || remaining > limit / 10 {
        return None;
    }
    let left = reset_epoch.saturating_sub(now_epoch);
    if left == 0 {
        return None;
    }
    Some(if remaining == 0 {
        Duration::from_secs(left)
    } else {
        Duration::from_millis(left * 1000 / (remaining + 1))
    })
}

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

impl OktaClient {
    pub fn new(
        base: &str,
        token: Secret,
        policy: RetryPolicy,
        observer: Arc<dyn Observer>,
    ) -> Result<Self, OktaError> {
        let url = net::check_base_url(base).map_err(OktaError::Config)?;
        if token.is_empty() {
            return Err(OktaError::Config("no Okta API token is set".to_string()));
        }
        Ok(OktaClient {
            http: net::http_client(&policy),
            base: url.as_str().trim_end_matches('/').to_string(),
            token,
            policy,
            observer,
            rate: Arc::new(Mutex::new(RateState::default())),
            in_flight: Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT)),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Waits when the last answer said the rate limit is nearly spent: spreads what is
    /// left of the window instead of running into 429s.
    async fn pace(&self) {
        let state = *self.rate.lock().unwrap_or_else(|p| p.into_inner());
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let Some(wait) = pacing(state.limit, state.remaining, state.reset, now) else {
            return;
        };
        self.observer.wait(net::WaitRecord {
            service: "Okta",
            method: String::new(),
            path: String::new(),
            attempt: 0,
            wait,
            reason: format!(
                "slowing down: {} of {} Okta requests left in this minute",
                state.remaining, state.limit
            ),
        });
        tokio::time::sleep(wait.min(Duration::from_secs(60))).await;
    }

    fn note_rate(&self, headers: &reqwest::header::HeaderMap) {
        let get = |k: &str| {
            headers
                .get(k)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        if let (Some(limit), Some(remaining), Some(reset)) = (
            get("x-rate-limit-limit"),
            get("x-rate-limit-remaining"),
            get("x-rate-limit-reset"),
        ) {
            *self.rate.lock().unwrap_or_else(|p| p.into_inner()) = RateState {
                limit,
                remaining,
                reset,
            };
        }
    }

    /// Sends a request to a full URL; returns the JSON body (None for 204) and the next link.
    async fn call(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
    ) -> Result<(Option<Value>, Option<String>), OktaError> {
        let shown = url
            .strip_prefix(&self.base)
            .unwrap_or(url)
            .split('?')
            .next()
            .unwrap_or_default()
            .to_string();
        if !url.starts_with(&self.base) {
            // A Link header pointing elsewhere must not receive the token.
            return Err(OktaError::Decode {
                method: method.to_string(),
                path: shown,
                reason: "a paging link points away from the Okta org".to_string(),
            });
        }
        self.pace().await;
        let repeat = if method == Method::POST {
            net::Repeat::Unsafe
        } else {
            net::Repeat::Safe
        };
        let _permit = self.in_flight.acquire().await.ok();
        let answer = net::send(
            "Okta",
            method.as_str(),
            &shown,
            repeat,
            &self.policy,
            &self.observer,
            MAX_RESPONSE,
            || {
                let mut b = self
                    .http
                    .request(method.clone(), url)
                    .header(
                        reqwest::header::AUTHORIZATION,
                        format!("SSWS {}", self.token.expose()),
                    )
                    .header(reqwest::header::ACCEPT, "application/json");
                if let Some(body) = body {
                    b = b
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .body(body.to_string());
                }
                b
            },
        )
        .await
        .map_err(|f| {
            if f.fatal {
                OktaError::Decode {
                    method: method.to_string(),
                    path: shown.clone(),
                    reason: f.reason,
                }
            } else {
                OktaError::Transport {
                    method: method.to_string(),
                    path: shown.clone(),
                    reason: f.reason,
                }
            }
        })?;
        self.note_rate(&answer.headers);
        let status = answer.status;
        let next = next_link(&answer.headers);
        let bytes = answer.body;
        let parsed: Option<Value> = if bytes.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            serde_json::from_slice(&bytes).ok()
        };
        if !(200..300).contains(&status) {
            let code = parsed
                .as_ref()
                .and_then(|v| v.get("errorCode"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let summary = parsed
                .as_ref()
                .and_then(|v| v.get("errorSummary"))
                .and_then(Value::as_str)
                .map(|s| s.chars().take(500).collect())
                .unwrap_or_else(|| "no detail given".to_string());
            return Err(OktaError::Status {
                method: method.to_string(),
                path: shown,
                status,
                code,
                summary,
            });
        }
        if parsed.is_none() && !bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(OktaError::Decode {
                method: method.to_string(),
                path: shown,
                reason: "the body is not JSON".to_string(),
            });
        }
        Ok((parsed, next))
    }

    /// Every item of a paged list, following `Link: rel="next"` only.
    async fn get_all(
        &self,
        first_url: String,
        mut on_page: impl FnMut(),
    ) -> Result<Vec<Value>, OktaError> {
        let mut out = Vec::new();
        let mut url = Some(first_url);
        let mut pages = 0usize;
        while let Some(u) = url.take() {
            let (v, next) = self.call(Method::GET, &u, None).await?;
            let items = match v {
                Some(Value::Array(a)) => a,
                None => Vec::new(),
                Some(_) => {
                    return Err(OktaError::Decode {
                        method: "GET".into(),
                        path: u.strip_prefix(&self.base).unwrap_or(&u).to_string(),
                        reason: "expected a list".into(),
                    });
                }
            };
            pages += 1;
            on_page();
            // An empty page with a next link would loop forever on a broken server.
            if items.is_empty() || pages > 100_000 {
                break;
            }
            out.extend(items);
            url = next;
        }
        Ok(out)
    }

    fn url(&self, path: &str, query: &[(&str, &str)]) -> String {
        let mut u = format!("{}{}", self.base, path);
        if !query.is_empty() {
            u.push('?');
            u.push_str(
                &query
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{k}={}",
                            percent_encoding::utf8_percent_encode(
                                v,
                                percent_encoding::NON_ALPHANUMERIC
                            )
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("&"),
            );
        }
        u
    }

    fn seg(id: &str) -> String {
        percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
    }

    /// One small request that proves the URL and token work.
    pub async fn check(&self) -> Result<(), OktaError> {
        self.call(
            Method::GET,
            &self.url("/api/v1/groups", &[("limit", "1")]),
            None,
        )
        .await
        .map(|_| ())
    }

    /// All users.
    pub async fn list_users(&self, on_page: impl FnMut()) -> Result<Vec<OktaUser>, OktaError> {
        let limit = PAGE_LIMIT.to_string();
        let raw = self
            .get_all(self.url("/api/v1/users", &[("limit", &limit)]), on_page)
            .await?;
        raw.iter()
            .map(|v| decode_user(v).map_err(|r| self.decode("/api/v1/users", r)))
            .collect()
    }

    fn decode(&self, path: &str, reason: String) -> OktaError {
        OktaError::Decode {
            method: "GET".into(),
            path: path.into(),
            reason,
        }
    }

    /// Groups (without members), optionally by `filter` (e.g. `type eq "OKTA_GROUP"`) or
    /// `q` (name starts with).
    pub async fn list_groups(
        &self,
        filter: Option<&str>,
        q: Option<&str>,
        on_page: impl FnMut(),
    ) -> Result<Vec<OktaGroup>, OktaError> {
        let limit = PAGE_LIMIT.to_string();
        let mut query = vec![("limit", limit.as_str())];
        if let Some(f) = filter {
            query.push(("filter", f));
        }
        if let Some(q) = q {
            query.push(("q", q));
        }
        let raw = self
            .get_all(self.url("/api/v1/groups", &query), on_page)
            .await?;
        raw.iter()
            .map(|v| decode_group(v).map_err(|r| self.decode("/api/v1/groups", r)))
            .collect()
    }

    /// One group (without members).
    pub async fn get_group(&self, id: &str) -> Result<OktaGroup, OktaError> {
        let path = format!("/api/v1/groups/{}", Self::seg(id));
        let (v, _) = self.call(Method::GET, &self.url(&path, &[]), None).await?;
        decode_group(&v.unwrap_or_default()).map_err(|r| self.decode(&path, r))
    }

    /// The ids of a group's members.
    pub async fn group_members(&self, id: &str) -> Result<Vec<String>, OktaError> {
        let limit = PAGE_LIMIT.to_string();
        let raw = self
            .get_all(
                self.url(
                    &format!("/api/v1/groups/{}/users", Self::seg(id)),
                    &[("limit", &limit)],
                ),
                || {},
            )
            .await?;
        Ok(raw
            .iter()
            .filter_map(|u| u.get("id").and_then(Value::as_str).map(str::to_string))
            .collect())
    }

    /// Fills in `members` of every group, several groups at once.
    pub async fn fill_members(
        &self,
        groups: &mut [OktaGroup],
        on_group: impl Fn() + Sync,
    ) -> Result<(), OktaError> {
        let ids: Vec<String> = groups.iter().map(|g| g.id.clone()).collect();
        let on_group = &on_group;
        let results: Vec<Result<Vec<String>, OktaError>> =
            futures::stream::iter(ids.iter().map(|id| async move {
                let r = self.group_members(id).await;
                on_group();
                r
            }))
            .buffered(MAX_IN_FLIGHT)
            .collect()
            .await;
        for (g, r) in groups.iter_mut().zip(results) {
            g.members = r?;
            g.members.sort();
        }
        Ok(())
    }

    /// Creates an OKTA_GROUP.
    pub async fn create_group(
        &self,
        name: &str,
        description: &str,
    ) -> Result<OktaGroup, OktaError> {
        let body = json!({"profile": {"name": name, "description": description}});
        let (v, _) = self
            .call(Method::POST, &self.url("/api/v1/groups", &[]), Some(&body))
            .await?;
        decode_group(&v.unwrap_or_default()).map_err(|r| self.decode("/api/v1/groups", r))
    }

    /// Adds (`member = true`) or removes a user from an OKTA_GROUP.
    pub async fn set_member(
        &self,
        group_id: &str,
        user_id: &str,
        member: bool,
    ) -> Result<(), OktaError> {
        let url = self.url(
            &format!(
                "/api/v1/groups/{}/users/{}",
                Self::seg(group_id),
                Self::seg(user_id)
            ),
            &[],
        );
        let method = if member { Method::PUT } else { Method::DELETE };
        self.call(method, &url, None).await.map(|_| ())
    }

    pub async fn delete_group(&self, id: &str) -> Result<(), OktaError> {
        let url = self.url(&format!("/api/v1/groups/{}", Self::seg(id)), &[]);
        match self.call(Method::DELETE, &url, None).await {
            Err(e) if e.status() == Some(404) => Ok(()),
            r => r.map(|_| ()),
        }
    }
}

fn s<'a>(v: &'a Value, ptr: &str) -> Option<&'a str> {
    v.pointer(ptr).and_then(Value::as_str)
}

pub fn decode_user(v: &Value) -> Result<OktaUser, String> {
    let id = s(v, "/id").ok_or("a user has no id")?.to_string();
    let login = s(v, "/profile/login").unwrap_or_default().to_string();
    Ok(OktaUser {
        status: s(v, "/status").unwrap_or("ACTIVE").to_string(),
        email: s(v, "/profile/email")
            .map(str::to_string)
            .unwrap_or_else(|| login.clone()),
        first_name: s(v, "/profile/firstName").unwrap_or_default().to_string(),
        last_name: s(v, "/profile/lastName").unwrap_or_default().to_string(),
        login,
        id,
    })
}

pub fn decode_group(v: &Value) -> Result<OktaGroup, String> {
    let id = s(v, "/id").ok_or("a group has no id")?.to_string();
    Ok(OktaGroup {
        name: s(v, "/profile/name")
            .ok_or_else(|| format!("group {id} has no name"))?
            .to_string(),
        description: s(v, "/profile/description").unwrap_or_default().to_string(),
        kind: s(v, "/type").unwrap_or("OKTA_GROUP").to_string(),
        members: Vec::new(),
        last_membership_updated: s(v, "/lastMembershipUpdated").map(str::to_string),
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slows_down_as_the_rate_limit_runs_low() {
        assert_eq!(pacing(600, 300, 1_060, 1_000), None, "plenty left");
        assert_eq!(
            pacing(600, 60, 1_060, 1_000),
            Some(Duration::from_millis(60_000 / 61))
        );
        assert_eq!(
            pacing(600, 0, 1_060, 1_000),
            Some(Duration::from_secs(60)),
            "none left: wait for the reset"
        );
        assert_eq!(
            pacing(600, 0, 1_000, 1_000),
            None,
            "the window already reset"
        );
        assert_eq!(pacing(0, 0, 0, 0), None, "no headers seen");
    }

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
