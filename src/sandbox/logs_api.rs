//! The Okta emulator's System Log: `GET /api/v1/logs` with `since`, `until` (exclusive),
//! `after` (the cursor of `Link: rel="next"`), `limit` (100 by default, at most 1000),
//! `sortOrder` and `filter` (the SCIM filter language: `eventType eq "…"`,
//! `eventType sw "…"`, `target.id eq "…"`, joined with `and`/`or`). It counts against
//! its own rate-limit bucket, and a token without `okta.logs.read` gets Okta's 403.
//! Unlike a real org, which keeps 90 days and reads the last 7 when `since` is absent,
//! the emulator keeps and serves its whole log, so a seeded history stays readable.

use super::okta_http::{encode_query, failure, json_ok, limit_of};
use super::shared::Shared;
use super::world::OktaFailure;
use super::world::log::LogEventRec;
use crate::model::filter;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// Events per page when `limit` is absent, and the most a page holds.
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;

/// The route, merged into the Okta router.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new().route("/api/v1/logs", get(list_logs))
}

/// Okta's answer to a token without the `okta.logs.read` scope.
pub fn missing_scope() -> Response {
    let mut r = failure(&OktaFailure::new(
        403,
        "E0000006",
        "You do not have permission to perform the requested action",
    ));
    if let Ok(v) = HeaderValue::from_str(
        "Bearer error=\"insufficient_scope\", error_description=\"The access token provided does not contain the required scopes.\", resource=\"/api/v1/logs\", scope=\"okta.logs.read\"",
    ) {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    r
}

/// A read of the log, as its parameters ask.
struct LogQuery {
    since: Option<String>,
    until: Option<String>,
    after: Option<String>,
    limit: usize,
    descending: bool,
    filter: Option<filter::Filter>,
}

fn invalid(summary: String) -> OktaFailure {
    OktaFailure::new(400, "E0000001", summary)
}

/// A time parameter in the log's fixed-width form, so it compares with `published`.
fn time_of(p: &HashMap<String, String>, key: &str) -> Result<Option<String>, OktaFailure> {
    p.get(key)
        .map(|v| {
            crate::clock::parse(v).map(crate::clock::format).ok_or_else(|| {
                invalid(format!(
                    "Api validation failed: {key}: \"{v}\" is not an ISO 8601 date and time (for example 2026-01-05T09:00:00.000Z)"
                ))
            })
        })
        .transpose()
}

fn query_of(p: &HashMap<String, String>) -> Result<LogQuery, OktaFailure> {
    let since = time_of(p, "since")?;
    let until = time_of(p, "until")?;
    if let (Some(s), Some(u)) = (&since, &until)
        && s > u
    {
        return Err(invalid(format!(
            "Api validation failed: since: {s} is after until ({u})"
        )));
    }
    let descending = match p.get("sortOrder").map(String::as_str) {
        None | Some("ASCENDING") => false,
        Some("DESCENDING") => true,
        Some(other) => {
            return Err(invalid(format!(
                "Api validation failed: sortOrder: \"{other}\" is not ASCENDING or DESCENDING"
            )));
        }
    };
    let filter = p
        .get("filter")
        .map(|f| filter::parse(f))
        .transpose()
        .map_err(|e| OktaFailure::new(400, "E0000031", format!("Invalid search criteria: {e}")))?;
    Ok(LogQuery {
        since,
        until,
        after: p.get("after").cloned(),
        limit: limit_of(p, DEFAULT_LIMIT, MAX_LIMIT)?,
        descending,
        filter,
    })
}

/// What a filter can look at, without building the whole event.
fn filter_view(e: &LogEventRec) -> Value {
    json!({
        "eventType": e.event_type, "severity": e.severity, "displayMessage": e.display_message,
        "actor": {"id": e.actor.id, "type": e.actor.kind, "alternateId": e.actor.alternate_id},
        "outcome": {"result": e.result},
        "target": e.targets.iter()
            .map(|t| json!({"id": t.id, "type": t.kind, "alternateId": t.alternate_id, "displayName": t.display_name}))
            .collect::<Vec<_>>(),
    })
}

/// The events a read asks for, in its order, each with its cursor; and whether more follow.
fn select<'a>(log: &'a [LogEventRec], q: &LogQuery) -> (Vec<(String, &'a LogEventRec)>, bool) {
    let mut all: Vec<(String, &LogEventRec)> = log
        .iter()
        .filter(|e| q.since.as_ref().is_none_or(|s| &e.published >= s))
        .filter(|e| q.until.as_ref().is_none_or(|u| &e.published < u))
        .map(|e| (e.key(), e))
        .filter(|(k, _)| {
            q.after
                .as_ref()
                .is_none_or(|a| if q.descending { k < a } else { k > a })
        })
        .filter(|(_, e)| q.filter.as_ref().is_none_or(|f| f.matches(&filter_view(e))))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    if q.descending {
        all.reverse();
    }
    let more = all.len() > q.limit;
    all.truncate(q.limit);
    (all, more)
}

async fn list_logs(
    State(s): State<Arc<Shared>>,
    Query(p): Query<HashMap<String, String>>,
) -> Response {
    let q = match query_of(&p) {
        Ok(q) => q,
        Err(f) => return failure(&f),
    };
    let w = s.world();
    let (page, more) = select(&w.system_log, &q);
    let mut headers = HeaderMap::new();
    let link = |query: String, rel: &str| {
        let sep = if query.is_empty() { "" } else { "?" };
        HeaderValue::from_str(&format!(
            "<{}/api/v1/logs{sep}{query}>; rel=\"{rel}\"",
            s.okta_base
        ))
    };
    if let Ok(v) = link(encode_query(&p, q.after.as_deref()), "self") {
        headers.append(header::LINK, v);
    }
    if more
        && let Some((cursor, _)) = page.last()
        && let Ok(v) = link(encode_query(&p, Some(cursor)), "next")
    {
        headers.append(header::LINK, v);
    }
    let body = Value::Array(page.iter().map(|(_, e)| e.json()).collect());
    json_ok(body, headers)
}
