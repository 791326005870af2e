//! Failures as each API spells them: SCIM error bodies and Okta error bodies.

use serde_json::{Value, json};

/// The SCIM Error message schema.
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// A SCIM failure: HTTP status, `scimType` and the sentence for `detail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimFailure {
    /// The HTTP status.
    pub status: u16,
    /// The SCIM error type.
    pub scim_type: Option<&'static str>,
    /// Why, in one sentence.
    pub detail: String,
}

impl ScimFailure {
    /// A failure with this status, type and detail.
    pub fn new(status: u16, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        Self {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    /// The RFC 7644 error body.
    pub fn body(&self) -> Value {
        let mut v = json!({"schemas": [ERROR_SCHEMA], "status": self.status.to_string(), "detail": self.detail});
        if let Some(t) = self.scim_type {
            v["scimType"] = json!(t);
        }
        v
    }
}

pub(super) fn bad(scim_type: &'static str, detail: impl Into<String>) -> ScimFailure {
    ScimFailure::new(400, Some(scim_type), detail)
}

pub(super) fn not_found(kind: &str, id: &str) -> ScimFailure {
    ScimFailure::new(404, None, format!("{kind} {id} not found"))
}

/// An Okta failure: status, `errorCode`, `errorSummary`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OktaFailure {
    /// The HTTP status.
    pub status: u16,
    /// Okta's error code (`E0000007`, …).
    pub code: &'static str,
    /// Why, in one sentence.
    pub summary: String,
}

impl OktaFailure {
    /// A failure with this status, code and summary.
    pub fn new(status: u16, code: &'static str, summary: impl Into<String>) -> Self {
        Self {
            status,
            code,
            summary: summary.into(),
        }
    }

    /// Okta's error body.
    pub fn body(&self, error_id: &str) -> Value {
        json!({
            "errorCode": self.code,
            "errorSummary": self.summary,
            "errorLink": self.code,
            "errorId": error_id,
            "errorCauses": [],
        })
    }
}
