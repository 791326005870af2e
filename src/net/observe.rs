//! The request log: every request and every wait before a retry, reported to an observer
//! (the activity log in the app, stderr in the CLI). Never a header, so never a token.

use std::time::Duration;

/// One request as the activity log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// "Statsig" or "Okta".
    pub service: &'static str,
    /// The HTTP method.
    pub method: String,
    /// The path below the base URL, without the query.
    pub path: String,
    /// `None` when no answer came (connection error, timeout).
    pub status: Option<u16>,
    /// How long the request took.
    pub duration: Duration,
    /// Why no usable answer came, if none did.
    pub error: Option<String>,
}

/// A wait before a retry, or to stay under a rate limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitRecord {
    /// "Statsig" or "Okta".
    pub service: &'static str,
    /// The method of the request that waits (empty for pacing).
    pub method: String,
    /// Its path (empty for pacing).
    pub path: String,
    /// The attempt that failed (0 for pacing).
    pub attempt: u32,
    /// How long the wait is.
    pub wait: Duration,
    /// Why: "rate limited", "server answered 503", "slowing down: …".
    pub reason: String,
}

/// Receives every request and every retry wait.
pub trait Observer: Send + Sync {
    /// A request ended (answered or not).
    fn request(&self, record: RequestRecord);
    /// A wait begins.
    fn wait(&self, record: WaitRecord);
}

/// An observer that drops everything.
pub struct Silent;

impl Observer for Silent {
    fn request(&self, _: RequestRecord) {}
    fn wait(&self, _: WaitRecord) {}
}
