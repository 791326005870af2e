//! The one retry policy: what is retried, how long to wait (what the server asks, else
//! exponential backoff with jitter), and when to give up. Cancel ends a wait at once.

use super::answer::{Answer, Repeat};
use super::cancel::CancelToken;
use super::observe::{Observer, RequestRecord, WaitRecord};
use super::transport::{Retry, TransportFailure};
use reqwest::header::HeaderMap;
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
    /// Give up once this much time has gone by (a wait that ends on it is still taken).
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

/// Attempts at most for a failure that a brief retry may fix (a refused connection).
const BRIEF_ATTEMPTS: u32 = 3;
/// How long brief retries may take in all.
const BRIEF_TOTAL: Duration = Duration::from_secs(5);

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

/// What one attempt gave.
#[derive(Debug, Clone)]
pub(crate) enum Attempt {
    Answered(Answer),
    Failed(TransportFailure),
}

/// Why the loop ended without a usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stop {
    Failed(TransportFailure),
    Cancelled,
}

fn jittered(base: Duration, attempt: u32, max: Duration) -> Duration {
    use rand::Rng;
    let exp = base.saturating_mul(1u32 << attempt.min(16)).min(max);
    // Jitter between half and all of the exponential delay.
    let ms = exp.as_millis() as u64;
    Duration::from_millis(rand::rng().random_range(ms / 2..=ms.max(1)))
}

/// Why an attempt should be tried again, if it should, and whether only briefly.
fn retry_reason(a: &Attempt, repeat: Repeat) -> Option<(String, Retry)> {
    match a {
        Attempt::Answered(ans) => match ans.status {
            // The server says it did not do it: safe to send again whatever the method.
            429 => Some(("rate limited".into(), Retry::AsUsual)),
            503 => Some(("server answered 503".into(), Retry::AsUsual)),
            // It may have done it: only what is safe to repeat is repeated.
            500 | 502 | 504 if repeat == Repeat::Safe => {
                Some((format!("server answered {}", ans.status), Retry::AsUsual))
            }
            // A web page is a wrong URL, which no retry fixes.
            s if (200..300).contains(&s)
                && ans.is_garbled()
                && !ans.is_web_page()
                && repeat == Repeat::Safe =>
            {
                Some(("the answer was unreadable".into(), Retry::AsUsual))
            }
            _ => None,
        },
        Attempt::Failed(f) => match f.kind.retry() {
            Retry::Never => None,
            _ if f.kind.maybe_sent() && repeat == Repeat::Unsafe => None,
            how => Some((f.to_string(), how)),
        },
    }
}

/// One request as the retry loop sees it: where it goes, what it is, whether it may be
/// sent again, under which rules, who watches, and what ends it.
pub(crate) struct Call<'a> {
    /// The service, as the Activity log names it ("Okta").
    pub service: &'static str,
    /// The HTTP method.
    pub method: &'a str,
    /// The path, as logged.
    pub path: &'a str,
    /// Whether sending it twice is harmless.
    pub repeat: Repeat,
    /// How often and how long to try.
    pub policy: &'a RetryPolicy,
    /// Where every attempt and wait is reported.
    pub observer: &'a Arc<dyn Observer>,
    /// Ends a wait (and a read in flight) at once.
    pub cancel: &'a CancelToken,
}

/// Runs `attempt` until it gives a usable answer, retrying what is retryable under `policy`.
/// Every attempt and every wait goes to `observer`; `cancel` ends a wait (and a read in
/// flight) at once. Returns the last answer (which may be an error status) or why none.
pub(crate) async fn retry_loop<F, Fut>(call: Call<'_>, mut attempt: F) -> Result<Answer, Stop>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Attempt>,
{
    let Call {
        service,
        method,
        path,
        repeat,
        policy,
        observer,
        cancel,
    } = call;
    let started = tokio::time::Instant::now();
    let mut n = 1;
    loop {
        if cancel.is_cancelled() {
            return Err(Stop::Cancelled);
        }
        let t0 = tokio::time::Instant::now();
        // A read can be dropped mid-flight; a write runs to its end, so its outcome is known.
        let result = if repeat == Repeat::Safe {
            tokio::select! {
                r = attempt() => r,
                _ = cancel.cancelled() => return Err(Stop::Cancelled),
            }
        } else {
            attempt().await
        };
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
                Attempt::Failed(f) => Some(f.to_string()),
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
        let (max_attempts, max_total) = match &reason {
            Some((_, Retry::Briefly)) => (
                policy.max_attempts.min(BRIEF_ATTEMPTS),
                policy.max_total.min(BRIEF_TOTAL),
            ),
            _ => (policy.max_attempts, policy.max_total),
        };
        let give_up = reason.is_none() || n >= max_attempts || started.elapsed() + wait > max_total;
        if give_up {
            return match result {
                Attempt::Answered(a) => Ok(a),
                Attempt::Failed(f) => Err(Stop::Failed(f)),
            };
        }
        observer.wait(WaitRecord {
            service,
            method: method.to_string(),
            path: path.to_string(),
            attempt: n,
            wait,
            reason: reason.map(|(r, _)| r).unwrap_or_default(),
        });
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = cancel.cancelled() => return Err(Stop::Cancelled),
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::transport::TransportKind;
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
    ) -> (Result<Answer, Stop>, Arc<Recorder>, Duration) {
        let rec = Arc::new(Recorder::default());
        let obs: Arc<dyn Observer> = rec.clone();
        let script = Mutex::new(
            script
                .into_iter()
                .collect::<std::collections::VecDeque<_>>(),
        );
        let start = tokio::time::Instant::now();
        let cancel = CancelToken::default();
        let r = retry_loop(
            Call {
                service: "Test",
                method: "GET",
                path: "/x",
                repeat,
                policy,
                observer: &obs,
                cancel: &cancel,
            },
            || {
                let mut s = script.lock().unwrap();
                let next = if s.len() > 1 {
                    s.pop_front().unwrap()
                } else {
                    s.front().unwrap().clone()
                };
                async move { next }
            },
        )
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
        let lost = Attempt::Failed(TransportFailure::new(TransportKind::Timeout, "timed out"));
        let (r, rec, _) = run(
            vec![lost.clone(), answer(201, &[])],
            Repeat::Unsafe,
            &policy,
        )
        .await;
        assert_eq!(
            r.unwrap_err(),
            Stop::Failed(TransportFailure::new(TransportKind::Timeout, "timed out"))
        );
        assert_eq!(*rec.requests.lock().unwrap(), 1);
        // The same failure on a read is retried.
        let (r, _, _) = run(vec![lost, answer(200, &[])], Repeat::Safe, &policy).await;
        assert_eq!(r.unwrap().status, 200);
        // Never sent (connection refused): retried whatever the method.
        let refused = Attempt::Failed(TransportFailure::new(TransportKind::Refused, "refused"));
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
        let big = Attempt::Failed(TransportFailure::new(TransportKind::TooLarge, "too large"));
        let (r, rec, _) = run(vec![big], Repeat::Safe, &policy).await;
        assert!(r.is_err() && *rec.requests.lock().unwrap() == 1);
        // A garbled 200 on a read (JSON cut off) is read again.
        let garbled = Attempt::Answered(Answer {
            status: 200,
            headers: HeaderMap::new(),
            body: br#"{"Resources": [{"id": "#.to_vec(),
        });
        let (r, _, _) = run(vec![garbled, answer(200, &[])], Repeat::Safe, &policy).await;
        assert_eq!(r.unwrap().body, b"{}");
        // A web page is a wrong URL: not read again.
        let page = Attempt::Answered(Answer {
            status: 200,
            headers: HeaderMap::new(),
            body: b"<html>Sign in</html>".to_vec(),
        });
        let (r, rec, _) = run(vec![page], Repeat::Safe, &policy).await;
        assert!(r.is_ok() && *rec.requests.lock().unwrap() == 1);
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

    #[tokio::test(start_paused = true)]
    async fn a_wait_that_ends_on_the_total_time_cap_is_still_taken() {
        let policy = RetryPolicy {
            max_total: Duration::from_secs(12),
            ..RetryPolicy::default()
        };
        let (r, rec, elapsed) = run(
            vec![answer(429, &[("retry-after", "6".into())])],
            Repeat::Safe,
            &policy,
        )
        .await;
        assert_eq!(r.unwrap().status, 429);
        assert_eq!(
            *rec.requests.lock().unwrap(),
            3,
            "at 0, 6 and 12 s; another 6 s would pass the cap"
        );
        assert_eq!(elapsed, Duration::from_secs(12));
    }

    /// Cancel drops a read in flight at once; a write runs to its end, so its outcome is
    /// known (and returned), whatever Cancel says meanwhile.
    #[tokio::test(start_paused = true)]
    async fn cancel_drops_a_read_in_flight_but_lets_a_write_finish() {
        let policy = RetryPolicy::default();
        let obs: Arc<dyn Observer> = Arc::new(Recorder::default());
        let cancel_soon = || {
            let cancel = CancelToken::default();
            let c = cancel.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(100)).await;
                c.cancel();
            });
            cancel
        };
        let cancel = cancel_soon();
        let read = retry_loop(
            Call {
                service: "Test",
                method: "GET",
                path: "/x",
                repeat: Repeat::Safe,
                policy: &policy,
                observer: &obs,
                cancel: &cancel,
            },
            std::future::pending::<Attempt>,
        );
        let r = tokio::time::timeout(Duration::from_secs(60), read).await;
        assert_eq!(
            r.expect("the read was not dropped").unwrap_err(),
            Stop::Cancelled
        );

        let cancel = cancel_soon();
        let r = retry_loop(
            Call {
                service: "Test",
                method: "POST",
                path: "/x",
                repeat: Repeat::Unsafe,
                policy: &policy,
                observer: &obs,
                cancel: &cancel,
            },
            || async {
                tokio::time::sleep(Duration::from_secs(1)).await;
                answer(201, &[])
            },
        )
        .await;
        assert_eq!(r.unwrap().status, 201, "the write's outcome");
    }

    #[tokio::test(start_paused = true)]
    async fn what_a_retry_cannot_fix_ends_at_once_and_a_refused_connection_briefly() {
        let policy = RetryPolicy::default();
        for kind in [TransportKind::Certificate, TransportKind::UnknownHost] {
            let (r, rec, elapsed) = run(
                vec![Attempt::Failed(TransportFailure::new(kind, "x"))],
                Repeat::Safe,
                &policy,
            )
            .await;
            assert!(matches!(r, Err(Stop::Failed(f)) if f.kind == kind));
            assert_eq!(*rec.requests.lock().unwrap(), 1, "{kind:?}");
            assert_eq!(elapsed, Duration::ZERO);
        }
        let (r, rec, elapsed) = run(
            vec![Attempt::Failed(TransportFailure::new(
                TransportKind::Refused,
                "x",
            ))],
            Repeat::Safe,
            &policy,
        )
        .await;
        assert!(r.is_err());
        assert_eq!(*rec.requests.lock().unwrap(), BRIEF_ATTEMPTS);
        assert!(elapsed < BRIEF_TOTAL, "{elapsed:?}");
    }

    /// On tokio's paused clock: the 120-second wait Retry-After asks for ends when the
    /// admin cancels, 100 ms in, not when it runs out (no wall-clock timing).
    #[tokio::test(start_paused = true)]
    async fn cancel_ends_a_retry_wait_at_once() {
        let policy = RetryPolicy::default();
        let rec = Arc::new(Recorder::default());
        let obs: Arc<dyn Observer> = rec.clone();
        let cancel = CancelToken::default();
        let c = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            c.cancel();
        });
        let start = tokio::time::Instant::now();
        let r = retry_loop(
            Call {
                service: "Test",
                method: "GET",
                path: "/x",
                repeat: Repeat::Safe,
                policy: &policy,
                observer: &obs,
                cancel: &cancel,
            },
            || async { answer(429, &[("retry-after", "120".into())]) },
        )
        .await;
        assert_eq!(r.unwrap_err(), Stop::Cancelled);
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(100),
            "the wait ended at the cancel"
        );
        assert_eq!(*rec.requests.lock().unwrap(), 1, "nothing was sent again");
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
