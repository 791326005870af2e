//! Okta resources read into the model; anything unexpected is a sentence, never a panic.

use crate::model::okta_app::{AppUser, OktaApp, OktaPushMapping, OktaPushStatus};
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
        members_pending: false,
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

/// Decodes an app instance.
pub fn decode_app(v: &Value) -> Result<OktaApp, DecodeError> {
    let id = s(v, "/id").ok_or(DecodeError::NoId { kind: "app" })?;
    Ok(OktaApp {
        id: id.to_string(),
        label: s(v, "/label")
            .ok_or_else(|| DecodeError::Missing {
                kind: "app",
                id: id.to_string(),
                field: "label",
            })?
            .to_string(),
        status: s(v, "/status").unwrap_or("ACTIVE").to_string(),
        sign_on_mode: s(v, "/signOnMode").unwrap_or_default().to_string(),
        features: v
            .get("features")
            .and_then(Value::as_array)
            .map(|f| {
                f.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// Decodes an app user (assignment).
pub fn decode_app_user(v: &Value) -> Result<AppUser, DecodeError> {
    let id = s(v, "/id").ok_or(DecodeError::NoId { kind: "app user" })?;
    Ok(AppUser {
        okta_user_id: id.to_string(),
        external_id: s(v, "/externalId")
            .filter(|e| !e.is_empty())
            .map(str::to_string),
        user_name: s(v, "/credentials/userName")
            .or_else(|| s(v, "/profile/email"))
            .unwrap_or_default()
            .to_string(),
    })
}

/// Decodes a Group Push mapping.
pub fn decode_push_mapping(v: &Value) -> Result<OktaPushMapping, DecodeError> {
    let id = s(v, "/id").ok_or(DecodeError::NoId {
        kind: "push mapping",
    })?;
    let field = |name: &'static str| {
        s(v, &format!("/{name}"))
            .map(str::to_string)
            .ok_or_else(|| DecodeError::Missing {
                kind: "push mapping",
                id: id.to_string(),
                field: name,
            })
    };
    let status = field("status")?;
    Ok(OktaPushMapping {
        id: id.to_string(),
        source_group_id: field("sourceGroupId")?,
        target_group_id: field("targetGroupId")?,
        status: OktaPushStatus::parse(&status).ok_or_else(|| DecodeError::Missing {
            kind: "push mapping",
            id: id.to_string(),
            field: "status (ACTIVE, INACTIVE or ERROR)",
        })?,
        created: s(v, "/created").unwrap_or_default().to_string(),
        last_updated: s(v, "/lastUpdated").unwrap_or_default().to_string(),
        last_push: s(v, "/lastPush")
            .filter(|t| !t.is_empty())
            .map(str::to_string),
        error_summary: s(v, "/errorSummary")
            .filter(|t| !t.is_empty())
            .map(str::to_string),
    })
}
