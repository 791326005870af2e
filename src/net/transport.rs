//! Transport failures classified once: what a retry can fix (timeouts, resets, a server
//! starting up) and what it cannot (an untrusted certificate, a host that does not exist).

use std::fmt;

/// The kind of a request that got no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransportKind {
    /// The server's TLS certificate is not trusted (self-signed, expired, wrong name, or a
    /// TLS-inspecting proxy whose root the operating system does not trust).
    Certificate,
    /// The host name does not resolve.
    UnknownHost,
    /// Nothing listens at that address (yet).
    Refused,
    /// Another failure to connect (unreachable network, TLS handshake failed).
    Connect,
    /// No answer within the request's timeout.
    Timeout,
    /// The answer was cut off or unreadable.
    CutOff,
    /// The answer is over the size cap.
    TooLarge,
    /// The connection failed after the request was sent.
    Broken,
}

impl TransportKind {
    /// Whether the request may have reached the server (so it may have had its effect).
    pub fn maybe_sent(self) -> bool {
        !matches!(
            self,
            TransportKind::Certificate
                | TransportKind::UnknownHost
                | TransportKind::Refused
                | TransportKind::Connect
        )
    }

    /// What retrying can do about it.
    pub fn retry(self) -> Retry {
        match self {
            TransportKind::Certificate | TransportKind::UnknownHost | TransportKind::TooLarge => {
                Retry::Never
            }
            TransportKind::Refused => Retry::Briefly,
            _ => Retry::AsUsual,
        }
    }
}

/// How a failure is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Retrying cannot help: the job ends at once with the cause and the fix.
    Never,
    /// A server may be starting: a few seconds of retries, not half an hour.
    Briefly,
    /// The policy's retries.
    AsUsual,
}

/// A request that got no usable answer: its kind and the underlying cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportFailure {
    /// What kind of failure.
    pub kind: TransportKind,
    /// The innermost cause, as the TLS or network layer put it.
    pub detail: String,
}

impl TransportFailure {
    /// A failure of `kind` with `detail`.
    pub fn new(kind: TransportKind, detail: impl Into<String>) -> Self {
        TransportFailure {
            kind,
            detail: detail.into(),
        }
    }

    /// Classifies a reqwest error by walking its causes.
    pub fn from_reqwest(e: &reqwest::Error) -> Self {
        let mut causes: Vec<String> = Vec::new();
        let mut refused = false;
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(s) = source {
            if let Some(io) = s.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::ConnectionRefused
            {
                refused = true;
            }
            causes.push(s.to_string());
            source = s.source();
        }
        let all = causes.join(": ").to_lowercase();
        let innermost = causes.last().cloned().unwrap_or_default();
        let kind = if all.contains("certificate") || all.contains("unknownissuer") {
            TransportKind::Certificate
        } else if all.contains("dns error")
            || all.contains("failed to lookup address")
            || all.contains("name or service not known")
            || all.contains("no address associated")
            || all.contains("nodename nor servname")
        {
            TransportKind::UnknownHost
        } else if refused || all.contains("connection refused") {
            TransportKind::Refused
        } else if e.is_timeout() {
            TransportKind::Timeout
        } else if e.is_connect() {
            TransportKind::Connect
        } else if e.is_decode() || e.is_body() {
            TransportKind::CutOff
        } else {
            TransportKind::Broken
        };
        TransportFailure::new(kind, innermost)
    }
}

/// What is wrong with a certificate, in words, from the TLS layer's terse cause.
fn certificate_problem(detail: &str) -> String {
    let d = detail.to_ascii_lowercase().replace(['_', ' '], "");
    let said = if d.contains("causedasendentity") || d.contains("selfsigned") {
        "it is self-signed"
    } else if d.contains("unknownissuer") {
        "it was issued by an authority this computer does not trust"
    } else if d.contains("expired") {
        "it has expired"
    } else if d.contains("notvalidyet") {
        "it is not valid yet"
    } else if d.contains("notvalidforname") || d.contains("notvalidforhostname") {
        "it was issued for another host name"
    } else if d.contains("revoked") {
        "it was revoked"
    } else {
        return format!("the TLS layer says \"{detail}\"");
    };
    said.to_string()
}

impl fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TransportKind::Certificate => write!(
                f,
                "the server's TLS certificate is not trusted: {}. If your network inspects TLS through a proxy, that proxy's root certificate must be trusted by the operating system, whose trust store this app uses",
                certificate_problem(&self.detail)
            ),
            TransportKind::UnknownHost => write!(
                f,
                "the host name does not resolve ({}); check the URL for a typo",
                self.detail
            ),
            TransportKind::Refused => f.write_str("could not connect (connection refused)"),
            TransportKind::Connect => write!(f, "could not connect ({})", self.detail),
            TransportKind::Timeout => f.write_str("the request timed out"),
            TransportKind::CutOff => f.write_str("the answer was cut off or unreadable"),
            TransportKind::TooLarge => f.write_str(&self.detail),
            TransportKind::Broken => f.write_str("the connection failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_causes_read_as_words() {
        let said = |d: &str| TransportFailure::new(TransportKind::Certificate, d).to_string();
        assert!(
            said("invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))")
                .contains("it is self-signed")
        );
        assert!(
            said("invalid peer certificate: UnknownIssuer")
                .contains("an authority this computer does not trust")
        );
        assert!(said("invalid peer certificate: Expired").contains("it has expired"));
        assert!(said("invalid peer certificate: NotValidForName").contains("another host name"));
        assert!(said("something new").contains("the TLS layer says \"something new\""));
        assert!(said("x").contains("root certificate must be trusted by the operating system"));
    }
}
