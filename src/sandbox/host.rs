//! The sandbox answers only requests addressed to it: a `Host` that is its own loopback
//! address and port. A web page that rebinds its own name to 127.0.0.1 sends its own name
//! as `Host`, and is answered 421 with a sentence instead of the demo's data.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Whether `host` (a `Host` header's value) names this computer at `port`.
pub fn is_own(host: &str, port: u16) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let (name, given_port) = match host.rsplit_once(':') {
        Some((n, p)) => (n, Some(p)),
        None => (host.as_str(), None),
    };
    let name_ok = matches!(name, "127.0.0.1" | "localhost");
    let port_ok = given_port.is_none_or(|p| p.parse::<u16>() == Ok(port));
    name_ok && port_ok
}

/// The layer's function: passes requests whose `Host` is this server's, refuses others.
pub async fn check(port: u16, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    match host {
        Some(h) if is_own(&h, port) => next.run(req).await,
        other => (
            StatusCode::MISDIRECTED_REQUEST,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!(
                "This sandbox answers only requests addressed to 127.0.0.1:{port} or localhost:{port}, not to Host {}.\n",
                other.map_or_else(|| "(none)".to_string(), |h| format!("\"{}\"", h.escape_debug()))
            ),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_computer_at_this_port() {
        assert!(is_own("127.0.0.1:8601", 8601));
        assert!(is_own("localhost:8601", 8601));
        assert!(is_own("LOCALHOST", 8601));
        assert!(!is_own("127.0.0.1:8602", 8601));
        assert!(!is_own("rebind.attacker.example:8601", 8601));
        assert!(!is_own("127.0.0.1.attacker.example:8601", 8601));
        assert!(!is_own("", 8601));
    }
}
