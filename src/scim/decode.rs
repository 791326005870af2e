//! SCIM resources read into the model, tolerating what servers leave out; anything that
//! is not what SCIM promises is a sentence naming the resource, never a panic.

use crate::model::{StatsigGroup, StatsigUser};
use crate::net::DecodeError;
use serde_json::Value;

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .and_then(|(_, v)| v.as_str())
}

/// Decodes a SCIM user.
pub fn decode_user(v: &Value) -> Result<StatsigUser, DecodeError> {
    let id = str_at(v, "id")
        .ok_or(DecodeError::NoId { kind: "user" })?
        .to_string();
    let user_name = str_at(v, "userName")
        .ok_or_else(|| DecodeError::Missing {
            kind: "user",
            id: id.clone(),
            field: "userName",
        })?
        .to_string();
    let name = v.get("name");
    let email = v
        .get("emails")
        .and_then(Value::as_array)
        .and_then(|e| {
            e.iter()
                .find(|x| x.get("primary").and_then(Value::as_bool) == Some(true))
                .or_else(|| e.first())
        })
        .and_then(|x| x.get("value").and_then(Value::as_str))
        .unwrap_or(&user_name)
        .to_string();
    Ok(StatsigUser {
        id,
        given_name: name
            .and_then(|n| str_at(n, "givenName"))
            .unwrap_or_default()
            .to_string(),
        family_name: name
            .and_then(|n| str_at(n, "familyName"))
            .unwrap_or_default()
            .to_string(),
        email,
        active: v.get("active").and_then(Value::as_bool).unwrap_or(true),
        org_role: str_at(v, "statsigOrgRole").map(str::to_string),
        user_name,
    })
}

/// Decodes a SCIM group.
pub fn decode_group(v: &Value) -> Result<StatsigGroup, DecodeError> {
    let id = str_at(v, "id")
        .ok_or(DecodeError::NoId { kind: "group" })?
        .to_string();
    let display_name = str_at(v, "displayName")
        .ok_or_else(|| DecodeError::Missing {
            kind: "group",
            id: id.clone(),
            field: "displayName",
        })?
        .to_string();
    let members = match v.get("members") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(m)) => m
            .iter()
            .filter_map(|x| str_at(x, "value").map(str::to_string))
            .collect(),
        Some(_) => {
            return Err(DecodeError::NotAList {
                kind: "group",
                id,
                field: "members",
            });
        }
    };
    Ok(StatsigGroup {
        id,
        display_name,
        members,
    })
}

/// The `id` of a resource, when it has one.
pub fn id_of(v: &Value) -> Option<&str> {
    str_at(v, "id")
}

/// SCIM's error body: (`scimType`, `detail`), from whatever the server sent.
pub fn error_parts(v: Option<&Value>, raw: &[u8]) -> (Option<String>, String) {
    let Some(v) = v else {
        let text: String = String::from_utf8_lossy(raw).chars().take(200).collect();
        let text = text.trim().to_string();
        return (
            None,
            if text.is_empty() {
                "no detail given".to_string()
            } else {
                text
            },
        );
    };
    let scim_type = v
        .get("scimType")
        .and_then(Value::as_str)
        .map(str::to_string);
    let detail = v
        .get("detail")
        .and_then(Value::as_str)
        .or_else(|| v.get("message").and_then(Value::as_str))
        .map(|d| d.chars().take(500).collect())
        .unwrap_or_else(|| "no detail given".to_string());
    (scim_type, detail)
}
