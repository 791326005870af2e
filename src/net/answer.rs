//! An answer read whole, and whether its request may be sent again.

use reqwest::header::HeaderMap;

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
    /// The HTTP status.
    pub status: u16,
    /// The answer's headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

impl Answer {
    /// A 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// No body, or only white space.
    pub fn is_empty(&self) -> bool {
        self.body.iter().all(u8::is_ascii_whitespace)
    }

    /// A body that is there but is not JSON: garbage or cut off.
    pub fn is_garbled(&self) -> bool {
        !self.is_empty() && serde_json::from_slice::<serde::de::IgnoredAny>(&self.body).is_err()
    }

    /// An HTML page (a sign-in page, a proxy's notice, a website) instead of the API.
    pub fn is_web_page(&self) -> bool {
        let html_type = self
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.to_ascii_lowercase().contains("text/html"));
        let start: String = String::from_utf8_lossy(&self.body[..self.body.len().min(512)])
            .trim_start()
            .chars()
            .take(15)
            .collect::<String>()
            .to_ascii_lowercase();
        html_type || start.starts_with("<!doctype html") || start.starts_with("<html")
    }
}
