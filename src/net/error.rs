//! The one shape of a failed request, for both APIs: the service, the request, and what
//! went wrong, as one sentence naming the endpoint, the cause and (where there is one)
//! the fix.

use super::transport::{TransportFailure, TransportKind};
use super::url::{LinkError, UrlError};
use std::fmt;

/// Which API a request went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// Statsig's SCIM API.
    Statsig,
    /// Okta's Management API.
    Okta,
}

impl Service {
    /// The short name the activity log uses.
    pub fn short(self) -> &'static str {
        match self {
            Service::Statsig => "Statsig",
            Service::Okta => "Okta",
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Service::Statsig => "Statsig SCIM",
            Service::Okta => "Okta",
        })
    }
}

/// Why a resource in an answer cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The resource has no id.
    #[error("one {kind} has no id")]
    NoId {
        /// "user" or "group".
        kind: &'static str,
    },
    /// A field the resource must have is missing.
    #[error("{kind} {id} has no {field}")]
    Missing {
        /// "user" or "group".
        kind: &'static str,
        /// The resource's id.
        id: String,
        /// The field.
        field: &'static str,
    },
    /// A field is not a list.
    #[error("{kind} {id}'s {field} is not a list")]
    NotAList {
        /// "user" or "group".
        kind: &'static str,
        /// The resource's id.
        id: String,
        /// The field.
        field: &'static str,
    },
}

/// A request that failed, or could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The server answered with an error status.
    #[error("{}", status_sentence(*service, method, path, *status, code.as_deref(), detail))]
    Status {
        /// Which API.
        service: Service,
        /// The request's method.
        method: String,
        /// The request's path below the base URL.
        path: String,
        /// The HTTP status.
        status: u16,
        /// SCIM's `scimType` or Okta's `errorCode`.
        code: Option<String>,
        /// SCIM's `detail` or Okta's `errorSummary`.
        detail: String,
    },
    /// No usable answer came.
    #[error("{}", transport_sentence(*service, base, method, path, failure))]
    Transport {
        /// Which API.
        service: Service,
        /// The base URL the request went to.
        base: String,
        /// The request's method.
        method: String,
        /// The request's path below the base URL.
        path: String,
        /// What happened.
        failure: TransportFailure,
    },
    /// An answer that is not what the API promises.
    #[error("{service} sent an unreadable answer to {method} {path}: {reason}")]
    Decode {
        /// Which API.
        service: Service,
        /// The request's method.
        method: String,
        /// The request's path below the base URL.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The URL answers, but it is not the API (a web page, a sign-in page, a wrong path).
    #[error("{service} at {base} is not the API: {reason}; {fix}")]
    NotTheApi {
        /// Which API.
        service: Service,
        /// The base URL.
        base: String,
        /// What came back instead.
        reason: String,
        /// What to change.
        fix: String,
    },
    /// A base URL that cannot be used.
    #[error("{service}: {problem}")]
    Url {
        /// Which API.
        service: Service,
        /// What is wrong with it.
        problem: UrlError,
    },
    /// A URL taken from an answer (a paging link, a `Location`) that may not be sent the
    /// token; nothing was sent to it.
    #[error("refused {service}'s {what} {link}: {problem}; nothing was sent to it")]
    Link {
        /// Which API.
        service: Service,
        /// What the URL was ("paging link", "Location").
        what: &'static str,
        /// The URL as the answer gave it.
        link: String,
        /// Why it is refused.
        problem: LinkError,
    },
    /// A redirect away from the base URL, which is not followed.
    #[error(
        "{service} answered {method} {path} with a redirect ({status}) to {location}, which was not followed: {problem}; if the API has moved there, use that URL"
    )]
    Redirect {
        /// Which API.
        service: Service,
        /// The request's method.
        method: String,
        /// The request's path below the base URL.
        path: String,
        /// The redirect's status.
        status: u16,
        /// Where it pointed.
        location: String,
        /// Why it is not followed.
        problem: LinkError,
    },
    /// The HTTP client could not be set up (the TLS backend or the system's resolver).
    #[error("the HTTP client for {service} could not be set up: {reason}")]
    Client {
        /// Which API.
        service: Service,
        /// Why.
        reason: String,
    },
    /// No token is set.
    #[error("no {service} token is set")]
    NoToken {
        /// Which API.
        service: Service,
    },
    /// The admin cancelled the job.
    #[error("cancelled")]
    Cancelled,
}

fn status_sentence(
    service: Service,
    method: &str,
    path: &str,
    status: u16,
    code: Option<&str>,
    detail: &str,
) -> String {
    // A refused token is the admin's to fix: say how.
    let fix = if status == 401 {
        match service {
            Service::Okta => {
                "; the Okta API token is wrong, expired or revoked: create a new one (Security > API > Tokens)"
            }
            Service::Statsig => {
                "; the Statsig SCIM token is wrong or revoked: make a new one in the Statsig console"
            }
        }
    } else {
        ""
    };
    match (service, code) {
        (Service::Statsig, Some(t)) => {
            format!("{service} answered {status} {t} to {method} {path}: {detail}{fix}")
        }
        (Service::Okta, Some(c)) => {
            let need = okta_permission_hint(status, method, path);
            format!("{service} answered {status} to {method} {path}: {detail} ({c}){need}{fix}")
        }
        (_, None) => format!("{service} answered {status} to {method} {path}: {detail}{fix}"),
    }
}

/// What a 403 from Okta says is missing: the token's admin role or OAuth scopes.
fn okta_permission_hint(status: u16, method: &str, path: &str) -> String {
    if status != 403 {
        return String::new();
    }
    let area = if path.starts_with("/api/v1/apps") {
        "apps"
    } else if path.starts_with("/api/v1/groups") {
        "groups"
    } else if path.starts_with("/api/v1/users") {
        "users"
    } else {
        return String::new();
    };
    let level = if method == "GET" { "read" } else { "manage" };
    let scopes = if area == "apps" {
        format!("okta.apps.{level} and okta.groups.{level}")
    } else {
        format!("okta.{area}.{level}")
    };
    format!(
        ". The token's admin lacks permission to {level} {area}: use a token of an admin who may (for OAuth, the scopes {scopes})"
    )
}

fn transport_sentence(
    service: Service,
    base: &str,
    method: &str,
    path: &str,
    failure: &TransportFailure,
) -> String {
    match failure.kind {
        TransportKind::Certificate => {
            let host = reqwest::Url::parse(base)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_else(|| base.to_string());
            format!("{service} at {base} ({host}): {failure}")
        }
        TransportKind::UnknownHost => format!("{service} at {base}: {failure}"),
        _ => format!("{service} did not answer {method} {path}: {failure}"),
    }
}

impl ApiError {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// SCIM's `scimType` or Okta's `errorCode`.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Status { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// A 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// "METHOD /path" of the failing request, for a mapping's Error status.
    pub fn request(&self) -> Option<String> {
        match self {
            ApiError::Status { method, path, .. }
            | ApiError::Transport { method, path, .. }
            | ApiError::Decode { method, path, .. } => Some(format!("{method} {path}")),
            _ => None,
        }
    }

    /// A failure after which the server may or may not have applied the request.
    pub fn is_ambiguous(&self) -> bool {
        match self {
            ApiError::Transport { failure, .. } => failure.kind.maybe_sent(),
            ApiError::Decode { .. } => true,
            ApiError::Status { status, .. } => matches!(status, 500 | 502 | 504),
            _ => false,
        }
    }

    /// A setting that must change before anything can work (URL, token, wrong endpoint,
    /// untrusted certificate, unknown host).
    pub fn is_configuration(&self) -> bool {
        match self {
            ApiError::Url { .. }
            | ApiError::NoToken { .. }
            | ApiError::NotTheApi { .. }
            | ApiError::Redirect { .. }
            | ApiError::Client { .. } => true,
            ApiError::Transport { failure, .. } => matches!(
                failure.kind,
                TransportKind::Certificate | TransportKind::UnknownHost
            ),
            _ => false,
        }
    }
}
