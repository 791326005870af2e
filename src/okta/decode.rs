//! Okta resources read into the model; anything unexpected is a sentence, never a panic.

use crate::model::{OktaGroup, OktaUser};
use crate::net::DecodeError;
use serde_json::Value;

fn s<'a>(v: &'a Value, ptr: &str) -> Option<&'a str> {
    v.pointer(ptr).and_then(Value::as_str)
}

/// Decodes an Okta user.
pub fn decode_user(v: &Value) -> Result<OktaUser, DecodeError> {
    let id = s(v, "/id")
        .ok_or(DecodeError::NoId { kind: "user" })?
        .to_string();
    let login = s(v, "/profile/login").unwrap_or_default().to_string();
    Ok(OktaUser {
        status: s(v, "/status").unwrap_or("ACTIVE").to_string(),
        email: s(v, "/profile/email")
            .map(str::to_string)
            .unwrap_or_else(|| login.clone()),
        first_name: s(v, "/profile/firstName").unwrap_or_default().to_string(),
        last_name: s(v, "/profile/lastName").unwrap_or_default().to_string(),
        login,
        id,
    })
}

/// Decodes an Okta group (without members).
pub fn decode_group(v: &Value) -> Result<OktaGroup, DecodeError> {
    let id = s(v, "/id")
        .ok_or(DecodeError::NoId { kind: "group" })?
        .to_string();
    Ok(OktaGroup {
        name: s(v, "/profile/name")
            .ok_or_else(|| DecodeError::Missing {
                kind: "group",
                id: id.clone(),
                field: "name",
            })?
            .to_string(),
        description: s(v, "/profile/description").unwrap_or_default().to_string(),
        kind: s(v, "/type").unwrap_or("OKTA_GROUP").to_string(),
        members: Vec::new(),
        last_membership_updated: s(v, "/lastMembershipUpdated").map(str::to_string),
        id,
    })
}

/// The `id` of a resource, when it has one.
pub fn id_of(v: &Value) -> Option<&str> {
    s(v, "/id")
}

/// Okta's error body: (`errorCode`, `errorSummary`).
pub fn error_parts(v: Option<&Value>) -> (Option<String>, String) {
    let code = v
        .and_then(|v| v.get("errorCode"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let summary = v
        .and_then(|v| v.get("errorSummary"))
        .and_then(Value::as_str)
        .map(|s| s.chars().take(500).collect())
        .unwrap_or_else(|| "no detail given".to_string());
    (code, summary)
}
