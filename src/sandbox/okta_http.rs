//! What every Okta route answers with: Okta's error body, JSON answers, `limit`, and
//! cursor paging with `Link` headers (`after` = the last id).

use super::shared::Shared;
use super::world::OktaFailure;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

/// An Okta error answer.
pub fn failure(f: &OktaFailure) -> Response {
    let id = format!(
        "oae{:016x}",
        f.summary.len() as u64 * 2654435761 + f.status as u64
    );
    (
        StatusCode::from_u16(f.status).unwrap_or(StatusCode::BAD_REQUEST),
        [(header::CONTENT_TYPE, "application/json")],
        f.body(&id).to_string(),
    )
        .into_response()
}

/// A 200 answer with a JSON body and `headers`.
pub fn json_ok(v: Value, headers: HeaderMap) -> Response {
    let mut r = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        v.to_string(),
    )
        .into_response();
    r.headers_mut().extend(headers);
    r
}

/// The `limit` parameter, between 1 and `max`.
pub fn limit_of(
    p: &HashMap<String, String>,
    default: usize,
    max: usize,
) -> Result<usize, OktaFailure> {
    match p.get("limit") {
        None => Ok(default),
        Some(v) => v.parse::<usize>().map(|n| n.clamp(1, max)).map_err(|_| {
            OktaFailure::new(
                400,
                "E0000001",
                format!("Api validation failed: limit must be a number, got \"{v}\""),
            )
        }),
    }
}

/// A page of `map` after the `after` cursor, and the `Link: rel="self"` header.
pub fn page<'a, T>(
    shared: &Shared,
    path: &str,
    p: &HashMap<String, String>,
    map: &'a BTreeMap<String, T>,
    keep: impl Fn(&T) -> bool,
    limit: usize,
) -> Result<(Vec<&'a T>, HeaderMap), OktaFailure> {
    let start = match p.get("after") {
        Some(a) => Bound::Excluded(a.clone()),
        None => Bound::Unbounded,
    };
    let items: Vec<&T> = map
        .range((start, Bound::Unbounded))
        .map(|(_, v)| v)
        .filter(|v| keep(v))
        .take(limit)
        .collect();
    let mut headers = HeaderMap::new();
    let query = encode_query(p, None);
    let sep = if query.is_empty() { "" } else { "?" };
    if let Ok(v) = HeaderValue::from_str(&format!(
        "<{}{path}{sep}{query}>; rel=\"self\"",
        shared.okta_base
    )) {
        headers.append(header::LINK, v);
    }
    Ok((items, headers))
}

/// The query string of `p` with `after` replaced by `after`.
pub fn encode_query(p: &HashMap<String, String>, after: Option<&str>) -> String {
    let mut query: Vec<(&str, &str)> = p
        .iter()
        .filter(|(k, _)| k.as_str() != "after")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    if let Some(a) = after {
        query.push(("after", a));
    }
    query.sort();
    query
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Pages `map` (`limit` items) after the `after` cursor and adds `Link` headers (self,
/// and next when more).
pub fn paged<'a, T>(
    shared: &Shared,
    path: &str,
    p: &HashMap<String, String>,
    map: &'a BTreeMap<String, T>,
    keep: impl Fn(&T) -> bool,
    id: impl Fn(&T) -> String,
    limit: usize,
) -> Result<(Vec<&'a T>, HeaderMap), OktaFailure> {
    let (items, mut headers) = page(shared, path, p, map, &keep, limit)?;
    // Is there anything after the last item?
    if let Some(last) = items.last() {
        let last_id = id(last);
        let more = map
            .range((Bound::Excluded(last_id.clone()), Bound::Unbounded))
            .any(|(_, v)| keep(v));
        if more {
            let q = encode_query(p, Some(&last_id));
            if let Ok(v) =
                HeaderValue::from_str(&format!("<{}{path}?{q}>; rel=\"next\"", shared.okta_base))
            {
                headers.append(header::LINK, v);
            }
        }
    }
    Ok((items, headers))
}
