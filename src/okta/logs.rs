//! Okta's System Log (`GET /api/v1/logs`, scope `okta.logs.read`): events read page by
//! page with `after` through `Link: rel="next"` (each link checked before the token goes
//! near it), paced to the logs bucket's own rate limit. A page that cannot be read ends
//! the read: what came before it is kept, and the failure is handed back beside it.

use super::OktaClient;
use crate::model::history::{LogEntity, LogEvent};
use crate::net::ApiError;
use reqwest::Method;
use serde_json::Value;

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

fn text(v: &Value, ptr: &str) -> String {
    v.pointer(ptr)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn entity(v: &Value) -> LogEntity {
    LogEntity {
        id: text(v, "/id"),
        kind: text(v, "/type"),
        alternate_id: text(v, "/alternateId"),
        display_name: text(v, "/displayName"),
    }
}

/// One LogEvent; `None` when it lacks what makes it an event (its type and time).
pub fn decode_event(v: &Value) -> Option<LogEvent> {
    let published = crate::clock::parse(v.get("published")?.as_str()?)?;
    let event_type = v.get("eventType")?.as_str()?.to_string();
    let debug = v
        .pointer("/debugContext/debugData")
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| match v {
                    Value::String(s) => Some((k.clone(), s.clone())),
                    Value::Number(n) => Some((k.clone(), n.to_string())),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Some(LogEvent {
        uuid: text(v, "/uuid"),
        published: crate::clock::format(published),
        event_type,
        display_message: text(v, "/displayMessage"),
        actor: v.get("actor").map(entity).unwrap_or_default(),
        result: text(v, "/outcome/result"),
        reason: v
            .pointer("/outcome/reason")
            .and_then(Value::as_str)
            .map(str::to_string),
        targets: v
            .get("target")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(entity).collect())
            .unwrap_or_default(),
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
            for item in &items {
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
        let e = decode_event(&v).unwrap();
        assert_eq!(e.published, "2026-01-05T09:00:00.000Z");
        assert_eq!(e.actor.display_name, "Dana");
        assert_eq!(e.reason.as_deref(), Some("why"));
        assert_eq!(e.targets[0].kind, "GroupPushMapping");
        assert_eq!(e.debug.len(), 2);
        assert!(decode_event(&serde_json::json!({"eventType": "x"})).is_none());
    }
}
