//! What both API clients share: URL safety, the one retry policy, and the request log.

use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, Response, StatusCode};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// When and how often to retry.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (Okta gives up after 10).
    pub max_attempts: u32,
    /// First backoff; doubled on each retry, with jitter.
    pub base_delay: Duration,
    /// Longest single wait.
    pub max_delay: Duration,
    /// Give up once this much time has gone by.
    pub max_total: Duration,
    /// Timeout of one request (Okta requires an answer within 60 s).
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(300),
            max_total: Duration::from_secs(30 * 60),
            timeout: Duration::from_secs(60),
        }
    }
}

/// One request as the activity log shows it: never a header, so never a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub service: &'static str,
    pub method: String,
    pub path: String,
    /// `None` when no answer came (connection error, timeout).
    pub status: Option<u16>,
    pub duration: Duration,
    pub error: Option<String>,
}

/// A wait before a retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitRecord {
    pub service: &'static str,
    pub method: String,
    pub path: String,
    pub attempt: u32,
    pub wait: Duration,
    pub reason: String,
}

/// Receives every request and every retry wait (the engine's activity log).
pub trait Observer: Send + Sync {
    fn request(&self, record: RequestRecord);
    fn wait(&self, record: WaitRecord);
}

/// An observer that drops everything.
pub struct Silent;

impl Observer for Silent {
    fn request(&self, _: RequestRecord) {}
    fn wait(&self, _: WaitRecord) {}
}

/// A URL that may be sent a token: https anywhere, http on loopback only (the sandbox).
pub fn check_base_url(url: &str) -> Result<reqwest::Url, String> {
    let trimmed = url.trim().trim_end_matches('/');
    let parsed = reqwest::Url::parse(trimmed)
        .map_err(|e| format!("\"{trimmed}\" is not a valid URL ({e})"))?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" => {
            let loopback = match parsed.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            if loopback {
                Ok(parsed)
            } else {
                Err(format!(
                    "refusing to send a token over plain http to {trimmed}: use https (http is allowed only on this computer, for the sandbox)"
                ))
            }
        }
        other => Err(format!("\"{trimmed}\" uses {other}:, not https:")),
    }
}

/// An HTTP client with rustls and the platform's roots (reqwest's default), and timeouts.
pub fn http_client(policy: &RetryPolicy) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(policy.timeout)
        .connect_timeout(Duration::from_secs(15))
        .user_agent(concat!("okta-statsig-teams/", env!("CARGO_PKG_VERSION")))
        .pool_max_idle_per_host(32)
        .build()
        .unwrap_or_default()
}

/// How long the server asked us to wait: `Retry-After` (seconds or HTTP date), else Okta's
/// `X-Rate-Limit-Reset` (epoch seconds).
pub fn server_wait(headers: &HeaderMap) -> Option<Duration> {
    let now = SystemTime::now();
    if let Some(v) = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
    {
        let v = v.trim();
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(at) = httpdate::parse_http_date(v) {
            return Some(at.duration_since(now).unwrap_or_default());
        }
    }
    let reset = headers
        .get("x-rate-limit-reset")?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()?;
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(reset);
    Some(at.duration_since(now).unwrap_or_default() + Duration::from_secs(1))
}

fn is_retryable_status(status: StatusCode, idempotent: bool) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504) || (status.as_u16() == 500 && idempotent)
}

fn jittered(base: Duration, attempt: u32, max: Duration) -> Duration {
    use rand::Rng;
    let exp = base.saturating_mul(1u32 << attempt.min(16)).min(max);
    // Full jitter between half and all of the exponential delay.
    let ms = exp.as_millis() as u64;
    Duration::from_millis(rand::rng().random_range(ms / 2..=ms.max(1)))
}

/// Sends the request `build` makes, retrying what is retryable under `policy`. Every attempt
/// and every wait goes to `observer`. Returns the last response (which may be an error
/// status) or the last transport error.
pub async fn send(
    service: &'static str,
    method: &str,
    path: &str,
    idempotent: bool,
    policy: &RetryPolicy,
    observer: &Arc<dyn Observer>,
    build: impl Fn() -> RequestBuilder,
) -> Result<Response, reqwest::Error> {
    let started = Instant::now();
    let mut attempt = 1;
    loop {
        let t0 = Instant::now();
        let result = build().send().await;
        let record = RequestRecord {
            service,
            method: method.to_string(),
            path: path.to_string(),
            status: result.as_ref().ok().map(|r| r.status().as_u16()),
            duration: t0.elapsed(),
            error: result.as_ref().err().map(describe_transport),
        };
        observer.request(record);
        let (retry, wait, reason) = match &result {
            Ok(r) if is_retryable_status(r.status(), idempotent) => {
                let asked = server_wait(r.headers());
                let reason = if r.status() == StatusCode::TOO_MANY_REQUESTS {
                    "rate limited".to_string()
                } else {
                    format!("server answered {}", r.status().as_u16())
                };
                (
                    true,
                    asked
                        .unwrap_or_else(|| {
                            jittered(policy.base_delay, attempt - 1, policy.max_delay)
                        })
                        .min(policy.max_delay),
                    reason,
                )
            }
            Err(e) if e.is_connect() || e.is_timeout() || (idempotent && e.is_request()) => (
                true,
                jittered(policy.base_delay, attempt - 1, policy.max_delay),
                describe_transport(e),
            ),
            _ => (false, Duration::ZERO, String::new()),
        };
        if !retry || attempt >= policy.max_attempts || started.elapsed() + wait > policy.max_total {
            return result;
        }
        observer.wait(WaitRecord {
            service,
            method: method.to_string(),
            path: path.to_string(),
            attempt,
            wait,
            reason,
        });
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

/// A transport error in one short phrase, without the URL's query.
pub fn describe_transport(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "the request timed out".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else if e.is_decode() || e.is_body() {
        "the answer was cut off or unreadable".to_string()
    } else {
        "the connection failed".to_string()
    }
}

/// Reads a body with a size cap, so a hostile server cannot exhaust memory.
pub async fn read_body(mut resp: Response, limit: usize) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if out.len() + chunk.len() > limit {
                    return Err(format!(
                        "the answer is larger than {} MB",
                        limit / (1024 * 1024)
                    ));
                }
                out.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(out),
            Err(e) => return Err(describe_transport(&e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(check_base_url("https://statsigapi.net/scim").is_ok());
        assert!(check_base_url("http://127.0.0.1:8080/scim").is_ok());
        assert!(check_base_url("http://localhost:1").is_ok());
        assert!(check_base_url("http://[::1]:1").is_ok());
        let e = check_base_url("http://example.okta.com").unwrap_err();
        assert!(
            e.contains("refusing to send a token over plain http"),
            "{e}"
        );
        assert!(check_base_url("ftp://x").is_err());
        assert!(check_base_url("not a url").is_err());
    }

    #[test]
    fn reads_both_forms_of_retry_after_and_okta_reset() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "12".parse().unwrap());
        assert_eq!(server_wait(&h), Some(Duration::from_secs(12)));
        let later = SystemTime::now() + Duration::from_secs(30);
        h.insert(
            "retry-after",
            httpdate::fmt_http_date(later).parse().unwrap(),
        );
        let w = server_wait(&h).unwrap();
        assert!(
            w <= Duration::from_secs(30) && w >= Duration::from_secs(28),
            "{w:?}"
        );
        let mut h = HeaderMap::new();
        let reset = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 5;
        h.insert("x-rate-limit-reset", reset.to_string().parse().unwrap());
        assert!(server_wait(&h).unwrap() <= Duration::from_secs(6));
    }
}
