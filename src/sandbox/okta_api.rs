//! The Okta Management API emulator's HTTP routes (`/api/v1/...`): SSWS auth, Link-header
//! paging, rate-limit headers and 429s, Okta error bodies.

use super::okta_http::{failure, json_ok, limit_of, paged};
use super::shared::{OktaTokenKind, Shared};
use super::world::{OktaFailure, World};
use crate::model::filter;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, put};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

type Params = Query<HashMap<String, String>>;

/// The Okta server's routes.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api/v1/users", get(list_users))
        .route("/api/v1/users/{id}", get(get_user))
        .route("/api/v1/groups", get(list_groups).post(create_group))
        .route("/api/v1/groups/{id}", get(get_group).delete(delete_group))
        .route("/api/v1/groups/{id}/users", get(group_users))
        .route(
            "/api/v1/groups/{gid}/users/{uid}",
            put(add_member).merge(delete(remove_member)),
        )
        .merge(super::apps_api::routes())
        .merge(super::logs_api::routes())
        .fallback(|| async {
            failure(&OktaFailure::new(
                404,
                "E0000022",
                "The endpoint does not support the provided HTTP method",
            ))
        })
        .method_not_allowed_fallback(|| async {
            failure(&OktaFailure::new(
                405,
                "E0000022",
                "The endpoint does not support the provided HTTP method",
            ))
        })
        .layer(axum::middleware::from_fn_with_state(shared.clone(), guard))
        .with_state(shared)
}

/// Auth and rate limiting, with the rate-limit headers on every answer.
async fn guard(
    State(shared): State<Arc<Shared>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let kind = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        // Okta's docs send `SSWS <token>`; Okta's own Python SDK sends `SSWS<token>`.
        .and_then(|v| v.strip_prefix("SSWS"))
        .and_then(|t| shared.okta_token_kind(t.trim_start()));
    let Some(kind) = kind else {
        return failure(&OktaFailure::new(401, "E0000011", "Invalid token provided"));
    };
    if kind == OktaTokenKind::WithoutLogs && req.uri().path().starts_with("/api/v1/logs") {
        return super::logs_api::missing_scope();
    }
    if shared.okta_apps_forbidden && req.uri().path().starts_with("/api/v1/apps") {
        return failure(&OktaFailure::new(
            403,
            "E0000006",
            "You do not have permission to perform the requested action",
        ));
    }
    // Each group of endpoints counts against a bucket of its own.
    let window = shared.okta_windows.for_path(req.uri().path());
    let (allowed, limit, remaining, reset) = window.take();
    let mut resp = if allowed {
        next.run(req).await
    } else {
        failure(&OktaFailure::new(
            429,
            "E0000047",
            "API call exceeded rate limit due to too many requests.",
        ))
    };
    let h = resp.headers_mut();
    for (k, v) in [
        ("x-rate-limit-limit", limit),
        ("x-rate-limit-remaining", remaining),
        ("x-rate-limit-reset", reset),
    ] {
        if let Ok(v) = HeaderValue::from_str(&v.to_string()) {
            h.insert(k, v);
        }
    }
    resp
}

/// `filter` (or `search`) of a list request, parsed; a bad one is Okta's 400 E0000031.
fn filter_of(p: &HashMap<String, String>) -> Result<Option<filter::Filter>, OktaFailure> {
    match p.get("filter").or_else(|| p.get("search")) {
        None => Ok(None),
        Some(f) => filter::parse(f).map(Some).map_err(|e| {
            OktaFailure::new(400, "E0000031", format!("Invalid search criteria: {e}"))
        }),
    }
}

async fn list_users(State(s): State<Arc<Shared>>, Query(p): Params) -> Response {
    let w = s.world();
    let q = p.get("q").map(|q| q.to_lowercase());
    let r = filter_of(&p).and_then(|f| page_users(&s, &w, &p, q.as_deref(), f.as_ref()));
    match r {
        Ok((v, h)) => json_ok(v, h),
        Err(f) => failure(&f),
    }
}

fn page_users(
    s: &Shared,
    w: &World,
    p: &HashMap<String, String>,
    q: Option<&str>,
    f: Option<&filter::Filter>,
) -> Result<(Value, HeaderMap), OktaFailure> {
    let keep = |u: &super::world::OktaUserRec| {
        q.is_none_or(|q| {
            u.first_name.to_lowercase().starts_with(q)
                || u.last_name.to_lowercase().starts_with(q)
                || u.email.to_lowercase().starts_with(q)
        }) && f.is_none_or(|f| f.matches(&World::okta_user_json(u)))
    };
    let limit = limit_of(
        p,
        super::world::OKTA_MAX_LIMIT,
        super::world::OKTA_MAX_LIMIT,
    )?;
    let (items, headers) = paged(
        s,
        "/api/v1/users",
        p,
        &w.okta_users,
        keep,
        |u| u.id.clone(),
        limit,
    )?;
    Ok((
        Value::Array(items.into_iter().map(World::okta_user_json).collect()),
        headers,
    ))
}

async fn get_user(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let w = s.world();
    match w.okta_users.get(&id).or_else(|| {
        w.okta_users
            .values()
            .find(|u| u.login.eq_ignore_ascii_case(&id))
    }) {
        Some(u) => json_ok(World::okta_user_json(u), HeaderMap::new()),
        None => failure(&OktaFailure::new(
            404,
            "E0000007",
            format!("Not found: Resource not found: {id} (User)"),
        )),
    }
}

async fn list_groups(State(s): State<Arc<Shared>>, Query(p): Params) -> Response {
    let parsed = match filter_of(&p) {
        Ok(f) => f,
        Err(f) => return failure(&f),
    };
    let q = p.get("q").map(|q| q.to_lowercase());
    let w = s.world();
    let keep = |g: &super::world::OktaGroupRec| {
        q.as_deref()
            .is_none_or(|q| g.name.to_lowercase().starts_with(q))
            && parsed
                .as_ref()
                .is_none_or(|f| f.matches(&World::okta_group_json(g)))
    };
    let limit = match limit_of(&p, super::world::OKTA_MAX_LIMIT, 10_000) {
        Ok(l) => l,
        Err(f) => return failure(&f),
    };
    match paged(
        &s,
        "/api/v1/groups",
        &p,
        &w.okta_groups,
        keep,
        |g| g.id.clone(),
        limit,
    ) {
        Ok((items, h)) => {
            let expand = p.get("expand").is_some_and(|e| e.contains("stats"));
            let v: Vec<Value> = items
                .into_iter()
                .map(|g| {
                    let mut j = World::okta_group_json(g);
                    if expand {
                        j["_embedded"] = json!({"stats": {"usersCount": g.members.len()}});
                    }
                    j
                })
                .collect();
            json_ok(Value::Array(v), h)
        }
        Err(f) => failure(&f),
    }
}

async fn get_group(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let w = s.world();
    match w.okta_groups.get(&id) {
        Some(g) => json_ok(World::okta_group_json(g), HeaderMap::new()),
        None => failure(&OktaFailure::new(
            404,
            "E0000007",
            format!("Not found: Resource not found: {id} (UserGroup)"),
        )),
    }
}

async fn group_users(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(p): Params,
) -> Response {
    let w = s.world();
    let Some(g) = w.okta_groups.get(&id) else {
        return failure(&OktaFailure::new(
            404,
            "E0000007",
            format!("Not found: Resource not found: {id} (UserGroup)"),
        ));
    };
    let members: BTreeMap<String, &super::world::OktaUserRec> = g
        .members
        .iter()
        .filter_map(|uid| w.okta_users.get(uid).map(|u| (uid.clone(), u)))
        .collect();
    let limit = match limit_of(
        &p,
        super::world::OKTA_MAX_LIMIT,
        super::world::OKTA_MAX_LIMIT,
    ) {
        Ok(l) => l,
        Err(f) => return failure(&f),
    };
    match paged(
        &s,
        &format!("/api/v1/groups/{id}/users"),
        &p,
        &members,
        |_| true,
        |u| u.id.clone(),
        limit,
    ) {
        Ok((items, h)) => json_ok(
            Value::Array(
                items
                    .into_iter()
                    .map(|u| World::okta_user_json(u))
                    .collect(),
            ),
            h,
        ),
        Err(f) => failure(&f),
    }
}

async fn create_group(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
    let v: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return failure(&OktaFailure::new(
                400,
                "E0000003",
                format!("The request body was not well-formed: {e}"),
            ));
        }
    };
    let Some(name) = v.pointer("/profile/name").and_then(Value::as_str) else {
        return failure(&OktaFailure::new(
            400,
            "E0000001",
            "Api validation failed: name: The field cannot be left blank",
        ));
    };
    let desc = v
        .pointer("/profile/description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let r = s
        .world()
        .create_okta_group(name, desc, "OKTA_GROUP", &crate::clock::now());
    match r {
        Ok(g) => json_ok(World::okta_group_json(&g), HeaderMap::new()),
        Err(f) => failure(&f),
    }
}

async fn delete_group(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let r = s.world().delete_okta_group(&id);
    match r {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(f) => failure(&f),
    }
}

async fn membership(s: &Shared, gid: &str, uid: &str, member: bool) -> Response {
    let r = s
        .world()
        .set_okta_membership(gid, uid, member, &crate::clock::now());
    match r {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(f) => failure(&f),
    }
}

async fn add_member(
    State(s): State<Arc<Shared>>,
    Path((gid, uid)): Path<(String, String)>,
) -> Response {
    membership(&s, &gid, &uid, true).await
}

async fn remove_member(
    State(s): State<Arc<Shared>>,
    Path((gid, uid)): Path<(String, String)>,
) -> Response {
    membership(&s, &gid, &uid, false).await
}
