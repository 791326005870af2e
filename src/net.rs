//! What both API clients share: URL safety, the one retry policy, and the request log.

use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, Response};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

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

/// Whether a request may be sent again when its outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Reads, PUT, DELETE: sending twice does no harm.
    Safe,
    /// POST and PATCH: after a lost answer the caller decides (look up, re-plan).
    Unsafe,
}

/// An answer read whole (the body capped in size).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A body that is there but is not JSON: garbage or cut off.
    pub fn is_garbled(&self) -> bool {
        !self.body.iter().all(u8::is_ascii_whitespace)
            && serde_json::from_slice::<serde::de::IgnoredAny>(&self.body).is_err()
    }
}

/// A request that got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub reason: String,
    /// The request may have reached the server (so it may have had its effect).
    pub maybe_sent: bool,
    /// Sending it again cannot help (the answer is over the size cap).
    pub fatal: bool,
}

/// What one attempt gave.
#[derive(Debug, Clone)]
pub enum Attempt {
    Answered(Answer),
    Failed(Failure),
}

/// One attempt: send, then read the whole body under `limit`.
pub async fn attempt(builder: RequestBuilder, limit: usize) -> Attempt {
    let resp = match builder.send().await {
        Ok(r) => r,
        Err(e) => {
            return Attempt::Failed(Failure {
                reason: describe_transport(&e),
                maybe_sent: !e.is_connect(),
                fatal: false,
            });
        }
    };
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    match read_body(resp, limit).await {
        Ok(body) => Attempt::Answered(Answer {
            status,
            headers,
            body,
        }),
        Err(BodyError::TooLarge(reason)) => Attempt::Failed(Failure {
            reason,
            maybe_sent: true,
            fatal: true,
        }),
        Err(BodyError::Broken(reason)) => Attempt::Failed(Failure {
            reason,
            maybe_sent: true,
            fatal: false,
        }),
    }
}

fn jittered(base: Duration, attempt: u32, max: Duration) -> Duration {
    use rand::Rng;
    let exp = base.saturating_mul(1u32 << attempt.min(16)).min(max);
    // Jitter between half and all of the exponential delay.
    let ms = exp.as_millis() as u64;
    Duration::from_millis(rand::rng().random_range(ms / 2..=ms.max(1)))
}

/// Why an attempt should be tried again, if it should.
fn retry_reason(a: &Attempt, repeat: Repeat) -> Option<String> {
    match a {
        Attempt::Answered(ans) => match ans.status {
            // The server says it did not do it: safe to send again whatever the method.
            429 => Some("rate limited".into()),
            503 => Some("server answered 503".into()),
            // It may have done it: only what is safe to repeat is repeated.
            500 | 502 | 504 if repeat == Repeat::Safe => {
                Some(format!("server answered {}", ans.status))
            }
            s if (200..300).contains(&s) && ans.is_garbled() && repeat == Repeat::Safe => {
                Some("the answer was unreadable".into())
            }
            _ => None,
        },
        Attempt::Failed(f) if f.fatal => None,
        Attempt::Failed(f) if !f.maybe_sent || repeat == Repeat::Safe => Some(f.reason.clone()),
        Attempt::Failed(_) => None,
    }
}

/// Runs `attempt` until it gives a usable answer, retrying what is retryable under `policy`.
/// Every attempt and every wait goes to `observer`. Returns the last answer (which may be
/// an error status) or the last failure.
#[allow(clippy::too_many_arguments)]
pub async fn retry_loop<F, Fut>(
    service: &'static str,
    method: &str,
    path: &str,
    repeat: Repeat,
    policy: &RetryPolicy,
    observer: &Arc<dyn Observer>,
    mut attempt: F,
) -> Result<Answer, Failure>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Attempt>,
{
    let started = tokio::time::Instant::now();
    let mut n = 1;
    loop {
        let t0 = tokio::time::Instant::now();
        let result = attempt().await;
        observer.request(RequestRecord {
            service,
            method: method.to_string(),
            path: path.to_string(),
            status: match &result {
                Attempt::Answered(a) => Some(a.status),
                Attempt::Failed(_) => None,
            },
            duration: t0.elapsed(),
            error: match &result {
                Attempt::Failed(f) => Some(f.reason.clone()),
                Attempt::Answered(_) => None,
            },
        });
        let reason = retry_reason(&result, repeat);
        let asked = match &result {
            Attempt::Answered(a) => server_wait(&a.headers),
            Attempt::Failed(_) => None,
        };
        let wait = asked
            .unwrap_or_else(|| jittered(policy.base_delay, n - 1, policy.max_delay))
            .min(policy.max_delay);
        let give_up = reason.is_none()
            || n >= policy.max_attempts
            || started.elapsed() + wait > policy.max_total;
        if give_up {
            return match result {
                Attempt::Answered(a) => Ok(a),
                Attempt::Failed(f) => Err(f),
            };
        }
        observer.wait(WaitRecord {
            service,
            method: method.to_string(),
            path: path.to_string(),
            attempt: n,
            wait,
            reason: reason.unwrap_or_default(),
        });
        tokio::time::sleep(wait).await;
        n += 1;
    }
}

/// Sends the request `build` makes under `policy`, reading bodies up to `limit` bytes.
#[allow(clippy::too_many_arguments)]
pub async fn send(
    service: &'static str,
    method: &str,
    path: &str,
    repeat: Repeat,
    policy: &RetryPolicy,
    observer: &Arc<dyn Observer>,
    limit: usize,
    build: impl Fn() -> RequestBuilder,
) -> Result<Answer, Failure> {
    retry_loop(service, method, path, repeat, policy, observer, || {
        attempt(build(), limit)
    })
    .await
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

enum BodyError {
    TooLarge(String),
    Broken(String),
}

/// Reads a body with a size cap, so a hostile server cannot exhaust memory.
async fn read_body(mut resp: Response, limit: usize) -> Result<Vec<u8>, BodyError> {
    let mut out = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if out.len() + chunk.len() > limit {
                    return Err(BodyError::TooLarge(format!(
                        "the answer is larger than {} MB",
                        limit / (1024 * 1024)
                    )));
                }
                out.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(out),
            Err(_) => return Err(BodyError::Broken("the answer was cut off".to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    #[derive(Default)]
    struct Recorder {
        requests: Mutex<u32>,
        waits: Mutex<Vec<Duration>>,
    }

    impl Observer for Recorder {
        fn request(&self, _: RequestRecord) {
            *self.requests.lock().unwrap() += 1;
        }
        fn wait(&self, w: WaitRecord) {
            self.waits.lock().unwrap().push(w.wait);
        }
    }

    fn answer(status: u16, headers: &[(&'static str, String)]) -> Attempt {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, v.parse().unwrap());
        }
        Attempt::Answered(Answer {
            status,
            headers: h,
            body: b"{}".to_vec(),
        })
    }

    /// Runs the retry loop over a scripted sequence of attempts (the last one repeats).
    async fn run(
        script: Vec<Attempt>,
        repeat: Repeat,
        policy: &RetryPolicy,
    ) -> (Result<Answer, Failure>, Arc<Recorder>, Duration) {
        let rec = Arc::new(Recorder::default());
        let obs: Arc<dyn Observer> = rec.clone();
        let script = Mutex::new(
            script
                .into_iter()
                .collect::<std::collections::VecDeque<_>>(),
        );
        let start = tokio::time::Instant::now();
        let r = retry_loop("Test", "GET", "/x", repeat, policy, &obs, || {
            let mut s = script.lock().unwrap();
            let next = if s.len() > 1 {
                s.pop_front().unwrap()
            } else {
                s.front().unwrap().clone()
            };
            async move { next }
        })
        .await;
        (r, rec, start.elapsed())
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_is_honoured_in_both_forms_and_okta_reset_too() {
        let policy = RetryPolicy::default();
        let (r, rec, elapsed) = run(
            vec![
                answer(429, &[("retry-after", "7".into())]),
                answer(200, &[]),
            ],
            Repeat::Unsafe,
            &policy,
        )
        .await;
        assert_eq!(r.unwrap().status, 200);
        assert_eq!(*rec.waits.lock().unwrap(), vec![Duration::from_secs(7)]);
        assert!(elapsed >= Duration::from_secs(7));

        let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(20));
        let (_, rec, _) = run(
            vec![answer(503, &[("retry-after", date)]), answer(200, &[])],
            Repeat::Safe,
            &policy,
        )
        .await;
        let w = rec.waits.lock().unwrap()[0];
        assert!(
            w >= Duration::from_secs(18) && w <= Duration::from_secs(20),
            "{w:?}"
        );

        let reset = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 30;
        let (_, rec, _) = run(
            vec![
                answer(429, &[("x-rate-limit-reset", reset.to_string())]),
                answer(200, &[]),
            ],
            Repeat::Safe,
            &policy,
        )
        .await;
        let w = rec.waits.lock().unwrap()[0];
        assert!(
            w >= Duration::from_secs(29) && w <= Duration::from_secs(32),
            "{w:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn backoff_doubles_with_jitter_and_stops_at_the_attempt_cap() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(30),
            ..RetryPolicy::default()
        };
        let (r, rec, _) = run(vec![answer(503, &[])], Repeat::Safe, &policy).await;
        assert_eq!(r.unwrap().status, 503, "gives up with the last answer");
        assert_eq!(*rec.requests.lock().unwrap(), policy.max_attempts);
        let waits = rec.waits.lock().unwrap().clone();
        assert_eq!(waits.len() as u32, policy.max_attempts - 1);
        for (k, w) in waits.iter().enumerate() {
            let full = (Duration::from_millis(100) * (1u32 << k)).min(policy.max_delay);
            assert!(
                *w >= full / 2 && *w <= full,
                "wait {k}: {w:?} not within [{:?}, {full:?}]",
                full / 2
            );
        }
        assert!(*waits.last().unwrap() <= policy.max_delay);
    }

    #[tokio::test(start_paused = true)]
    async fn only_what_is_safe_is_repeated() {
        let policy = RetryPolicy::default();
        // A POST whose answer was lost: the caller decides (look up, re-plan).
        let lost = Attempt::Failed(Failure {
            reason: "the request timed out".into(),
            maybe_sent: true,
            fatal: false,
        });
        let (r, rec, _) = run(
            vec![lost.clone(), answer(201, &[])],
            Repeat::Unsafe,
            &policy,
        )
        .await;
        assert_eq!(r.unwrap_err().reason, "the request timed out");
        assert_eq!(*rec.requests.lock().unwrap(), 1);
        // The same failure on a read is retried.
        let (r, _, _) = run(vec![lost, answer(200, &[])], Repeat::Safe, &policy).await;
        assert_eq!(r.unwrap().status, 200);
        // Never sent (connection refused): retried whatever the method.
        let refused = Attempt::Failed(Failure {
            reason: "could not connect".into(),
            maybe_sent: false,
            fatal: false,
        });
        let (r, _, _) = run(vec![refused, answer(201, &[])], Repeat::Unsafe, &policy).await;
        assert_eq!(r.unwrap().status, 201);
        // 502 on a POST is ambiguous; on a GET it is retried.
        let (r, rec, _) = run(
            vec![answer(502, &[]), answer(201, &[])],
            Repeat::Unsafe,
            &policy,
        )
        .await;
        assert_eq!((r.unwrap().status, *rec.requests.lock().unwrap()), (502, 1));
        let (r, _, _) = run(
            vec![answer(502, &[]), answer(200, &[])],
            Repeat::Safe,
            &policy,
        )
        .await;
        assert_eq!(r.unwrap().status, 200);
        // An answer over the size cap is not fetched again.
        let big = Attempt::Failed(Failure {
            reason: "too large".into(),
            maybe_sent: true,
            fatal: true,
        });
        let (r, rec, _) = run(vec![big], Repeat::Safe, &policy).await;
        assert!(r.is_err() && *rec.requests.lock().unwrap() == 1);
        // A garbled 200 on a read is read again.
        let garbled = Attempt::Answered(Answer {
            status: 200,
            headers: HeaderMap::new(),
            body: b"<html>oops".to_vec(),
        });
        let (r, _, _) = run(vec![garbled, answer(200, &[])], Repeat::Safe, &policy).await;
        assert_eq!(r.unwrap().body, b"{}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_total_time_cap_ends_retries_early() {
        let policy = RetryPolicy {
            max_total: Duration::from_secs(10),
            ..RetryPolicy::default()
        };
        let (r, rec, _) = run(
            vec![answer(429, &[("retry-after", "6".into())])],
            Repeat::Safe,
            &policy,
        )
        .await;
        assert_eq!(r.unwrap().status, 429);
        assert_eq!(
            *rec.requests.lock().unwrap(),
            2,
            "6 s, then another 6 s would pass the 10 s cap"
        );
    }

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
