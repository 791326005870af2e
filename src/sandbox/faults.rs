//! Fault injection: 500 and 503 answers, 429 with Retry-After, connections reset after the
//! request was applied, answers slower than a client's timeout, and garbled bodies, at set
//! rates per request, drawn from a seed.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Rates (0 to 1) of each fault per request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Share of answers replaced by 500.
    pub e500: f64,
    /// Share of answers replaced by 503.
    pub e503: f64,
    /// Share of answers replaced by 429 with Retry-After.
    pub e429: f64,
    /// Share of connections broken after the request was applied.
    pub reset: f64,
    /// Share of answers later than the client's timeout.
    pub slow: f64,
    /// Share of answers with a cut-off body.
    pub garbage: f64,
    /// The seed of the draws.
    pub seed: u64,
    /// How late a slow answer comes.
    pub slow_delay: Duration,
    /// The Retry-After of a 429, in seconds.
    pub retry_after: u64,
}

/// A fault spec that cannot be read, as one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FaultSpecError(String);

impl Faults {
    /// Parses `500=0.05,503=0.05,429=0.05,reset=0.02,slow=0.01,garbage=0.01`.
    pub fn parse(spec: &str, seed: u64) -> Result<Faults, FaultSpecError> {
        let err = |s: String| FaultSpecError(s);
        let mut f = Faults {
            seed,
            slow_delay: Duration::from_secs(65),
            retry_after: 1,
            ..Faults::default()
        };
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| err(format!("\"{part}\" is not kind=rate")))?;
            let rate: f64 = v.trim().parse().map_err(|_| {
                err(format!(
                    "the rate of {k} must be a number from 0 to 1, not \"{v}\""
                ))
            })?;
            if !(0.0..=1.0).contains(&rate) {
                return Err(err(format!(
                    "the rate of {k} must be from 0 to 1, not {rate}"
                )));
            }
            match k.trim() {
                "500" => f.e500 = rate,
                "503" => f.e503 = rate,
                "429" => f.e429 = rate,
                "reset" => f.reset = rate,
                "slow" => f.slow = rate,
                "garbage" => f.garbage = rate,
                other => {
                    return Err(err(format!(
                        "unknown fault \"{other}\" (use 500, 503, 429, reset, slow, garbage)"
                    )));
                }
            }
        }
        if f.e500 + f.e503 + f.e429 + f.reset + f.slow + f.garbage > 1.0 {
            return Err(err("the fault rates add up to more than 1".into()));
        }
        Ok(f)
    }

    /// No fault at all.
    pub fn is_off(&self) -> bool {
        self.e500 + self.e503 + self.e429 + self.reset + self.slow + self.garbage == 0.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    E500,
    E503,
    E429,
    Reset,
    Slow,
    Garbage,
    /// A 400 refusal, the request not applied (one-off faults only).
    Refuse,
    /// The real answer, this late (one-off faults only).
    Late(Duration),
}

/// A one-off answer for [`Injector::answer_next`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneOff {
    /// 429 with Retry-After, not applied.
    TooMany,
    /// 500, not applied.
    ServerError,
    /// 503, not applied.
    Unavailable,
    /// The real answer, this late.
    Late(Duration),
}

/// How many faults of each kind were injected.
#[derive(Debug, Default)]
pub struct FaultCounts {
    /// Requests seen.
    pub requests: AtomicU64,
    /// 500s injected.
    pub e500: AtomicU64,
    /// 503s injected.
    pub e503: AtomicU64,
    /// 429s injected.
    pub e429: AtomicU64,
    /// Connections broken.
    pub reset: AtomicU64,
    /// Answers delayed.
    pub slow: AtomicU64,
    /// Bodies garbled.
    pub garbage: AtomicU64,
}

impl FaultCounts {
    /// Faults injected in all.
    pub fn injected(&self) -> u64 {
        [
            &self.e500,
            &self.e503,
            &self.e429,
            &self.reset,
            &self.slow,
            &self.garbage,
        ]
        .iter()
        .map(|c| c.load(Ordering::Relaxed))
        .sum()
    }
}

/// The faults of one server, with its own draw sequence.
pub struct Injector {
    /// The rates.
    pub faults: Faults,
    rng: Mutex<u64>,
    /// What was injected so far.
    pub counts: FaultCounts,
    scim: bool,
    /// A one-off fault for the next request of this method whose path contains this text.
    next: Mutex<Option<(String, String, Fault, u32)>>,
}

impl Injector {
    /// An injector for the SCIM server (`scim`) or the Okta one.
    pub fn new(faults: Faults, scim: bool) -> Self {
        let seed = faults.seed ^ if scim { 0x5C1A } else { 0x0C7A };
        Injector {
            faults,
            rng: Mutex::new(seed),
            counts: FaultCounts::default(),
            scim,
            next: Mutex::new(None),
        }
    }

    /// Applies the next `method` request whose path contains `path`, then breaks its
    /// connection: the client cannot know whether it was applied.
    pub fn lose_next_answer(&self, method: &str, path: &str) {
        self.set_next(method, path, Fault::Reset, 1);
    }

    /// Refuses the next `times` `method` requests whose path contains `path` with a 400
    /// (not applied), as a server refuses what it will not do.
    pub fn refuse_next(&self, method: &str, path: &str, times: u32) {
        self.set_next(method, path, Fault::Refuse, times);
    }

    /// Answers the next `times` `method` requests (`*`: any method) whose path contains
    /// `path` with `answer` instead: a 429 or 5xx (not applied), or the real answer
    /// `delay` late.
    pub fn answer_next(&self, method: &str, path: &str, answer: OneOff, times: u32) {
        let fault = match answer {
            OneOff::TooMany => Fault::E429,
            OneOff::ServerError => Fault::E500,
            OneOff::Unavailable => Fault::E503,
            OneOff::Late(delay) => Fault::Late(delay),
        };
        self.set_next(method, path, fault, times);
    }

    /// Drops the one-off fault set by [`Self::answer_next`] or [`Self::refuse_next`] that
    /// has not been used up: the next requests get their real answers.
    pub fn clear_next(&self) {
        *self.next.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    fn set_next(&self, method: &str, path: &str, fault: Fault, times: u32) {
        *self.next.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((method.to_string(), path.to_string(), fault, times));
    }

    fn take_next(&self, req: &Request) -> Option<Fault> {
        let mut slot = self.next.lock().unwrap_or_else(|p| p.into_inner());
        let (m, p, fault, times) = slot.as_mut()?;
        if (m != "*" && req.method().as_str() != m) || !req.uri().path().contains(p.as_str()) {
            return None;
        }
        let fault = *fault;
        *times = times.saturating_sub(1);
        if *times == 0 {
            *slot = None;
        }
        Some(fault)
    }

    fn draw(&self) -> Fault {
        let x = {
            let mut s = self.rng.lock().unwrap_or_else(|p| p.into_inner());
            *s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = *s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        };
        let f = &self.faults;
        let mut edge = 0.0;
        for (rate, fault) in [
            (f.e500, Fault::E500),
            (f.e503, Fault::E503),
            (f.e429, Fault::E429),
            (f.reset, Fault::Reset),
            (f.slow, Fault::Slow),
            (f.garbage, Fault::Garbage),
        ] {
            edge += rate;
            if x < edge {
                return fault;
            }
        }
        Fault::None
    }

    fn error(&self, status: StatusCode, detail: &str) -> Response {
        let body = if self.scim {
            serde_json::json!({"schemas": [super::world::ERROR_SCHEMA], "status": status.as_u16().to_string(), "detail": detail})
        } else {
            serde_json::json!({"errorCode": if status == StatusCode::TOO_MANY_REQUESTS { "E0000047" } else { "E0000009" }, "errorSummary": detail, "errorLink": "", "errorId": "fault", "errorCauses": []})
        };
        (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    }
}

/// The middleware: decides a fault for each request and acts it out.
pub async fn inject(injector: std::sync::Arc<Injector>, req: Request, next: Next) -> Response {
    injector.counts.requests.fetch_add(1, Ordering::Relaxed);
    let fault = if let Some(f) = injector.take_next(&req) {
        f
    } else if injector.faults.is_off() {
        Fault::None
    } else {
        injector.draw()
    };
    let c = &injector.counts;
    match fault {
        Fault::None => next.run(req).await,
        Fault::E500 => {
            c.e500.fetch_add(1, Ordering::Relaxed);
            injector.error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "injected fault: internal error",
            )
        }
        Fault::E503 => {
            c.e503.fetch_add(1, Ordering::Relaxed);
            injector.error(
                StatusCode::SERVICE_UNAVAILABLE,
                "injected fault: unavailable",
            )
        }
        Fault::E429 => {
            c.e429.fetch_add(1, Ordering::Relaxed);
            let mut r = injector.error(
                StatusCode::TOO_MANY_REQUESTS,
                "injected fault: too many requests",
            );
            if let Ok(v) = HeaderValue::from_str(&injector.faults.retry_after.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        // The request is applied, then the connection breaks: the client cannot know.
        Fault::Reset => {
            c.reset.fetch_add(1, Ordering::Relaxed);
            let (mut parts, _) = next.run(req).await.into_parts();
            parts.headers.remove(header::CONTENT_LENGTH);
            let broken = futures::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "injected reset",
                ))
            });
            Response::from_parts(parts, Body::from_stream(broken))
        }
        Fault::Refuse => injector.error(StatusCode::BAD_REQUEST, "injected fault: refused"),
        Fault::Slow => {
            c.slow.fetch_add(1, Ordering::Relaxed);
            let r = next.run(req).await;
            tokio::time::sleep(injector.faults.slow_delay).await;
            r
        }
        Fault::Late(delay) => {
            c.slow.fetch_add(1, Ordering::Relaxed);
            let r = next.run(req).await;
            tokio::time::sleep(delay).await;
            r
        }
        Fault::Garbage => {
            c.garbage.fetch_add(1, Ordering::Relaxed);
            let (mut parts, body) = next.run(req).await.into_parts();
            let bytes = axum::body::to_bytes(body, super::shared::MAX_BODY * 8)
                .await
                .unwrap_or_default();
            let garbled: Vec<u8> = if bytes.len() > 2 {
                bytes[..bytes.len() / 2].to_vec()
            } else {
                b"<html>bad gateway</html>".to_vec()
            };
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(garbled))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_command_line_form() {
        let f = Faults::parse(
            "500=0.05,503=0.05,429=0.05,reset=0.02,slow=0.01,garbage=0.01",
            9,
        )
        .unwrap();
        assert_eq!((f.e500, f.reset, f.garbage, f.seed), (0.05, 0.02, 0.01, 9));
        assert!(Faults::parse("", 0).unwrap().is_off());
        assert!(
            Faults::parse("teapot=0.1", 0)
                .unwrap_err()
                .to_string()
                .contains("unknown fault")
        );
        assert!(Faults::parse("500=2", 0).is_err());
        assert!(Faults::parse("500=0.6,503=0.6", 0).is_err());
    }

    #[test]
    fn draws_follow_the_rates_and_the_seed() {
        let f = Faults::parse("500=0.1,reset=0.05", 3).unwrap();
        let (a, b) = (Injector::new(f.clone(), true), Injector::new(f, true));
        let da: Vec<Fault> = (0..2000).map(|_| a.draw()).collect();
        let db: Vec<Fault> = (0..2000).map(|_| b.draw()).collect();
        assert_eq!(da, db, "the same seed draws the same faults");
        let e500 = da.iter().filter(|x| **x == Fault::E500).count();
        assert!((150..250).contains(&e500), "{e500}");
    }
}
