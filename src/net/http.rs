//! One HTTP transport per API: rustls with the platform's certificate verifier, the one
//! retry policy, the request log, the job's cancel flag, and bodies read whole under a
//! size cap. The API clients build requests and read answers; they never see a retry.

use super::answer::{Answer, Repeat};
use super::cancel::CancelToken;
use super::error::{ApiError, Service};
use super::observe::Observer;
use super::retry::{Attempt, Call, RetryPolicy, Stop, retry_loop};
use super::transport::{TransportFailure, TransportKind};
use super::url::{LinkError, check_link, is_loopback};
use reqwest::{Method, RequestBuilder, Response, Url};
use std::sync::Arc;
use std::time::Duration;

/// The transport of one API: cheap to clone.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    service: Service,
    base: Arc<str>,
    /// The base, parsed: every URL sent to must be on its server and under its path.
    base_url: Arc<Url>,
    policy: RetryPolicy,
    observer: Arc<dyn Observer>,
    cancel: CancelToken,
    limit: usize,
    /// The API has answered a read with JSON: this URL is the API, so a web page later
    /// is a broken answer to read again, not a wrong URL.
    proven: Arc<std::sync::atomic::AtomicBool>,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("service", &self.service)
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Http {
    /// A transport to `base` (already checked) for `service`, reading at most `limit`
    /// bytes per answer. Redirects are followed only on the base's server and under its
    /// path; proxies from the environment (`HTTPS_PROXY`, …) are used except for a base on
    /// this computer, whose traffic never leaves it.
    pub fn new(
        service: Service,
        base: &str,
        policy: RetryPolicy,
        observer: Arc<dyn Observer>,
        cancel: CancelToken,
        limit: usize,
    ) -> Result<Self, ApiError> {
        let base = base.trim_end_matches('/');
        let base_url = Url::parse(base).map_err(|e| ApiError::Client {
            service,
            reason: format!("{base} is not a web address ({e})"),
        })?;
        let home = base_url.clone();
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() < 5 && check_link(&home, attempt.url().as_str()).is_ok() {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        let mut builder = reqwest::Client::builder()
            .timeout(policy.timeout)
            .connect_timeout(Duration::from_secs(15))
            .user_agent(concat!("okta-statsig-teams/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(32)
            .redirect(redirects);
        if is_loopback(&base_url) {
            builder = builder.no_proxy();
        }
        let client = builder.build().map_err(|e| ApiError::Client {
            service,
            reason: TransportFailure::from_reqwest(&e).detail,
        })?;
        Ok(Http {
            client,
            service,
            base: base.into(),
            base_url: Arc::new(base_url),
            policy,
            observer,
            cancel,
            limit,
            proven: Arc::default(),
        })
    }

    /// Checks a URL taken from an answer (`what`: "paging link", "Location") before anything
    /// is sent to it: the base's scheme, host and port, no user or password, a path under
    /// the base's. Returns it absolute.
    pub fn check_link(&self, link: &str, what: &'static str) -> Result<String, ApiError> {
        check_link(&self.base_url, link)
            .map(String::from)
            .map_err(|problem| ApiError::Link {
                service: self.service,
                what,
                link: link.to_string(),
                problem,
            })
    }

    /// The base URL, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Which API this is.
    pub fn service(&self) -> Service {
        self.service
    }

    /// Where requests and waits are reported.
    pub fn observer(&self) -> &Arc<dyn Observer> {
        &self.observer
    }

    /// The job's cancel flag.
    pub fn cancel_token(&self) -> &CancelToken {
        &self.cancel
    }

    /// The same transport with another cancel flag (a job of its own).
    pub fn with_cancel(&self, cancel: CancelToken) -> Self {
        Http {
            cancel,
            ..self.clone()
        }
    }

    /// Notes an answer that proves this URL is the API; once proven, a web page in
    /// place of an answer is a broken answer (read again when safe), not a wrong URL.
    fn judge(&self, a: Attempt) -> Attempt {
        use std::sync::atomic::Ordering;
        match a {
            Attempt::Answered(ans) if ans.is_success() && ans.is_web_page() => {
                if self.proven.load(Ordering::Relaxed) {
                    Attempt::Failed(TransportFailure::new(
                        TransportKind::CutOff,
                        "a web page came in place of the API's answer",
                    ))
                } else {
                    Attempt::Answered(ans)
                }
            }
            Attempt::Answered(ans) => {
                if !self.proven.load(Ordering::Relaxed)
                    && ans.is_success()
                    && !ans.is_empty()
                    && !ans.is_garbled()
                {
                    self.proven.store(true, Ordering::Relaxed);
                }
                Attempt::Answered(ans)
            }
            failed => failed,
        }
    }

    /// Sends `method url` (shown as `path` in the log) under the retry policy. `build`
    /// adds what the API needs (auth, headers, body) to a fresh request each attempt.
    /// Returns the last answer, which may be an error status for the caller to read.
    pub async fn send(
        &self,
        method: &Method,
        url: &str,
        path: &str,
        repeat: Repeat,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Answer, ApiError> {
        // The last guard: nothing with a token goes outside the base.
        self.check_link(url, "request URL")?;
        let result = retry_loop(
            Call {
                service: self.service.short(),
                method: method.as_str(),
                path,
                repeat,
                policy: &self.policy,
                observer: &self.observer,
                cancel: &self.cancel,
            },
            || async {
                let a = attempt(build(self.client.request(method.clone(), url)), self.limit).await;
                self.judge(a)
            },
        )
        .await;
        let answer = match result {
            Ok(a) => a,
            Err(Stop::Cancelled) => return Err(ApiError::Cancelled),
            Err(Stop::Failed(f)) if f.kind == TransportKind::TooLarge => {
                return Err(self.decode_error(method.as_str(), path, f.detail));
            }
            Err(Stop::Failed(failure)) => {
                return Err(ApiError::Transport {
                    service: self.service,
                    base: self.base.to_string(),
                    method: method.to_string(),
                    path: path.to_string(),
                    failure,
                });
            }
        };
        if (300..400).contains(&answer.status) {
            return Err(self.redirect_error(method.as_str(), path, &answer));
        }
        let reason = if answer.is_web_page() {
            Some(format!(
                "{method} {path} answered {} with a web page",
                answer.status
            ))
        } else if answer.status == 404 && self.is_collection(path) {
            // Every SCIM server has /Users and /Groups; every Okta org /api/v1/users.
            Some(format!(
                "{method} {path} answered 404: there is no such API at this URL"
            ))
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(ApiError::NotTheApi {
                service: self.service,
                base: self.base.to_string(),
                reason,
                fix: match self.service {
                    Service::Statsig => {
                        "use the SCIM URL from Statsig's settings, e.g. https://statsigapi.net/scim"
                            .into()
                    }
                    Service::Okta => "use your Okta org URL, e.g. https://your-org.okta.com".into(),
                },
            });
        }
        Ok(answer)
    }

    /// A redirect that was not followed: it pointed away from the base (or went round).
    fn redirect_error(&self, method: &str, path: &str, answer: &Answer) -> ApiError {
        let location = answer
            .headers
            .get(reqwest::header::LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default();
        let problem = match check_link(&self.base_url, &location) {
            Err(p) => p,
            // On the base, yet not followed: the chain went on too long.
            Ok(_) => LinkError::Loop,
        };
        ApiError::Redirect {
            service: self.service,
            method: method.to_string(),
            path: path.to_string(),
            status: answer.status,
            location: crate::model::names::display_safe(&location),
            problem,
        }
    }

    /// A list every server of this API has (its absence means the URL is wrong).
    fn is_collection(&self, path: &str) -> bool {
        match self.service {
            Service::Statsig => matches!(path, "/Users" | "/Groups"),
            Service::Okta => matches!(path, "/api/v1/users" | "/api/v1/groups" | "/api/v1/apps"),
        }
    }

    /// A decode failure of this API's `method path`.
    pub fn decode_error(
        &self,
        method: &str,
        path: &str,
        reason: impl std::fmt::Display,
    ) -> ApiError {
        ApiError::Decode {
            service: self.service,
            method: method.to_string(),
            path: path.to_string(),
            reason: reason.to_string(),
        }
    }
}

/// One attempt: send, then read the whole body under `limit`.
async fn attempt(builder: RequestBuilder, limit: usize) -> Attempt {
    let resp = match builder.send().await {
        Ok(r) => r,
        Err(e) => return Attempt::Failed(TransportFailure::from_reqwest(&e)),
    };
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    match read_body(resp, limit).await {
        Ok(body) => Attempt::Answered(Answer {
            status,
            headers,
            body,
        }),
        Err(f) => Attempt::Failed(f),
    }
}

/// Reads a body with a size cap, so a hostile server cannot exhaust memory.
async fn read_body(mut resp: Response, limit: usize) -> Result<Vec<u8>, TransportFailure> {
    let mut out = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if out.len() + chunk.len() > limit {
                    return Err(TransportFailure::new(
                        TransportKind::TooLarge,
                        format!("the answer is larger than {} MB", limit / (1024 * 1024)),
                    ));
                }
                out.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(out),
            Err(_) => {
                return Err(TransportFailure::new(
                    TransportKind::CutOff,
                    "the answer was cut off",
                ));
            }
        }
    }
}
