//! Okta's System Log (`GET /api/v1/logs`, scope `okta.logs.read`): events read page by
//! page with `after` through `Link: rel="next"` (each link checked before the token goes
//! near it), paced to the logs bucket's own rate limit. A page that cannot be read ends
//! the read: what came before it is kept, and the failure is handed back beside it.

use super::OktaClient;
use crate::model::history::{LogEntity, LogEvent};
use crate::net::ApiError;
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Events per page asked for (Okta's most).
pub const LOG_PAGE_LIMIT: usize = 1000;
/// Pages read at most in one read, so a broken server cannot keep a read going forever.
const MAX_PAGES: usize = 10_000;

/// What one read of the System Log got.
#[derive(Debug, Default)]
pub struct LogRead {
    /// The events read, in Okta's order (oldest first).
    pub events: Vec<LogEvent>,
    /// The page that could not be read (and so ended the read), if one could not.
    pub failed: Option<ApiError>,
    /// Pages read.
    pub pages: usize,
}

/// An entity as the log writes it (any field may be missing or null).
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct RawEntity {
    id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    alternate_id: Option<String>,
    display_name: Option<String>,
}

impl From<RawEntity> for LogEntity {
    fn from(r: RawEntity) -> Self {
        LogEntity {
            id: r.id.unwrap_or_default(),
            kind: r.kind.unwrap_or_default(),
            alternate_id: r.alternate_id.unwrap_or_default(),
            display_name: r.display_name.unwrap_or_default(),
        }
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct RawOutcome {
    result: Option<String>,
    reason: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct RawDebug {
    debug_data: Option<BTreeMap<String, Value>>,
}

/// A LogEvent as Okta writes it: the strings are moved out of the page's JSON, not copied.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEvent {
    #[serde(default)]
    uuid: Option<String>,
    published: String,
    event_type: String,
    #[serde(default)]
    display_message: Option<String>,
    #[serde(default)]
    actor: Option<RawEntity>,
    #[serde(default)]
    outcome: Option<RawOutcome>,
    #[serde(default)]
    target: Option<Vec<RawEntity>>,
    #[serde(default)]
    debug_context: Option<RawDebug>,
}

/// `published` in the app's fixed-width form (already so when Okta wrote it so).
fn fixed_width(t: String) -> Option<String> {
    let b = t.as_bytes();
    if b.len() == 24 && b[19] == b'.' && b[23] == b'Z' && b[10] == b'T' {
        return Some(t);
    }
    crate::clock::parse(&t).map(crate::clock::format)
}

/// One LogEvent; `None` when it lacks what makes it an event (its type and time).
pub fn decode_event(v: Value) -> Option<LogEvent> {
    let r: RawEvent = serde_json::from_value(v).ok()?;
    let outcome = r.outcome.unwrap_or_default();
    let debug = r
        .debug_context
        .and_then(|d| d.debug_data)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| match v {
            Value::String(s) => Some((k, s)),
            Value::Number(n) => Some((k, n.to_string())),
            _ => None,
        })
        .collect();
    Some(LogEvent {
        uuid: r.uuid.unwrap_or_default(),
        published: fixed_width(r.published)?,
        event_type: r.event_type,
        display_message: r.display_message.unwrap_or_default(),
        actor: r.actor.unwrap_or_default().into(),
        result: outcome.result.unwrap_or_default(),
        reason: outcome.reason,
        targets: r
            .target
            .unwrap_or_default()
            .into_iter()
            .map(LogEntity::from)
            .collect(),
        debug,
    })
}

impl OktaClient {
    /// The System Log's events from `since` on (inclusive) that match `filter`, oldest
    /// first, `limit` a page.
    pub async fn log_events(&self, filter: &str, since: &str, limit: usize) -> LogRead {
        let path = "/api/v1/logs";
        let limit = limit.clamp(1, LOG_PAGE_LIMIT).to_string();
        let mut url = Some(self.url(
            path,
            &[
                ("since", since),
                ("filter", filter),
                ("limit", &limit),
                ("sortOrder", "ASCENDING"),
            ],
        ));
        let mut read = LogRead::default();
        while let Some(u) = url.take() {
            let (body, next) = match self.call(Method::GET, &u, None).await {
                Ok(answer) => answer,
                Err(e) => {
                    read.failed = Some(e);
                    break;
                }
            };
            read.pages += 1;
            let items = match body {
                Some(Value::Array(a)) => a,
                None => Vec::new(),
                Some(_) => {
                    read.failed = Some(self.decode_err(path, "a page of the log is not a list"));
                    break;
                }
            };
            // Okta always names a next page of a log read without `until`: an empty page
            // is where the log ends for now.
            if items.is_empty() || read.pages >= MAX_PAGES {
                break;
            }
            for item in items {
                match decode_event(item) {
                    Some(e) => read.events.push(e),
                    None => {
                        read.failed =
                            Some(self.decode_err(path, "an event of the log has no type or time"));
                        return read;
                    }
                }
            }
            url = match next.map(|n| self.http.check_link(&n, "paging link")) {
                Some(Ok(n)) => Some(n),
                Some(Err(e)) => {
                    read.failed = Some(e);
                    break;
                }
                None => None,
            };
        }
        read
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_keeps_oktas_fields_and_one_without_a_time_is_refused() {
        let v = serde_json::json!({
            "uuid": "u1", "published": "2026-01-05T09:00:00Z", "eventType": "x.y",
            "displayMessage": "Something new", "actor": {"id": "a", "type": "User",
            "alternateId": "dana@example.com", "displayName": "Dana"},
            "outcome": {"result": "FAILURE", "reason": "why"},
            "target": [{"id": "m1", "type": "GroupPushMapping"}],
            "debugContext": {"debugData": {"membersAdded": "2", "n": 3, "deep": {}}}
        });
        let e = decode_event(v).unwrap();
        assert_eq!(e.published, "2026-01-05T09:00:00.000Z");
        assert_eq!(e.actor.display_name, "Dana");
        assert_eq!(e.reason.as_deref(), Some("why"));
        assert_eq!(e.targets[0].kind, "GroupPushMapping");
        assert_eq!(e.debug.len(), 2);
        assert!(decode_event(serde_json::json!({"eventType": "x"})).is_none());
        let bare = decode_event(serde_json::json!({
            "published": "2026-01-05T09:00:00+01:00", "eventType": "x", "actor": null,
            "target": [{"id": "g", "displayName": null}]
        }))
        .unwrap();
        assert_eq!(bare.published, "2026-01-05T08:00:00.000Z");
        assert_eq!(bare.targets[0].display_name, "");
    }
}
