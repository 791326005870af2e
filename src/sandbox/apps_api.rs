//! The Okta emulator's app routes: app instances, app users, the Group Push Mappings API
//! (as real Okta answers it: create 200, delete 200 with no body, delete of an ACTIVE
//! mapping 400, unknown ids 404 `E0000007`, cursor paging), and the sandbox-only *Import
//! Now* control, which real Okta has no API for.

use super::okta_http::{failure, json_ok, limit_of, paged};
use super::shared::Shared;
use super::world::{OktaFailure, World, okta_time};
use crate::model::filter;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

type Params = Query<HashMap<String, String>>;

/// Largest page of apps and app users.
const APPS_MAX_LIMIT: usize = 500;
/// Largest page of push mappings, and the default.
const MAPPINGS_MAX_LIMIT: usize = 1000;
const MAPPINGS_DEFAULT_LIMIT: usize = 100;

/// The routes, merged into the Okta router.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/api/v1/apps", get(list_apps))
        .route("/api/v1/apps/{app}", get(get_app))
        .route("/api/v1/apps/{app}/users", get(app_users))
        .route("/api/v1/apps/{app}/groups", get(app_group_assignments))
        .route(
            "/api/v1/apps/{app}/group-push/mappings",
            get(list_mappings).post(create_mapping),
        )
        .route(
            "/api/v1/apps/{app}/group-push/mappings/{id}",
            get(get_mapping)
                .patch(update_mapping)
                .delete(delete_mapping),
        )
        .route("/sandbox/apps/{app}/import", post(import_now))
}

fn answer(r: Result<Value, OktaFailure>) -> Response {
    match r {
        Ok(v) => json_ok(v, HeaderMap::new()),
        Err(f) => failure(&f),
    }
}

fn body_of(body: &Bytes) -> Result<Value, OktaFailure> {
    serde_json::from_slice(body).map_err(|e| {
        OktaFailure::new(
            400,
            "E0000003",
            format!("The request body was not well-formed: {e}"),
        )
    })
}

fn parse_filter(p: &HashMap<String, String>) -> Result<Option<filter::Filter>, OktaFailure> {
    p.get("filter")
        .map(|f| filter::parse(f))
        .transpose()
        .map_err(|e| OktaFailure::new(400, "E0000031", format!("Invalid search criteria: {e}")))
}

async fn list_apps(State(s): State<Arc<Shared>>, Query(p): Params) -> Response {
    let w = s.world();
    let q = p.get("q").map(|q| q.to_lowercase());
    let parsed = match parse_filter(&p) {
        Ok(f) => f,
        Err(f) => return failure(&f),
    };
    let keep = |a: &super::world::AppRec| {
        q.as_deref().is_none_or(|q| {
            a.label.to_lowercase().starts_with(q) || a.name.to_lowercase().starts_with(q)
        }) && parsed
            .as_ref()
            .is_none_or(|f| f.matches(&World::app_json(a)))
    };
    let r = limit_of(&p, APPS_MAX_LIMIT, APPS_MAX_LIMIT).and_then(|limit| {
        paged(
            &s,
            "/api/v1/apps",
            &p,
            &w.apps,
            keep,
            |a| a.id.clone(),
            limit,
        )
    });
    match r {
        Ok((items, h)) => json_ok(
            Value::Array(items.into_iter().map(World::app_json).collect()),
            h,
        ),
        Err(f) => failure(&f),
    }
}

async fn get_app(State(s): State<Arc<Shared>>, Path(app): Path<String>) -> Response {
    let w = s.world();
    answer(w.app(&app).map(World::app_json))
}

async fn app_users(
    State(s): State<Arc<Shared>>,
    Path(app): Path<String>,
    Query(p): Params,
) -> Response {
    let w = s.world();
    if let Err(f) = w.app(&app) {
        return failure(&f);
    }
    let empty = BTreeMap::new();
    let assigned = w.app_users.get(&app).unwrap_or(&empty);
    let r = limit_of(&p, 50, APPS_MAX_LIMIT).and_then(|limit| {
        paged(
            &s,
            &format!("/api/v1/apps/{app}/users"),
            &p,
            assigned,
            |_| true,
            |u| u.id.clone(),
            limit,
        )
    });
    match r {
        Ok((items, h)) => json_ok(
            Value::Array(
                items
                    .into_iter()
                    .map(|u| w.app_user_json(&app, u))
                    .collect(),
            ),
            h,
        ),
        Err(f) => failure(&f),
    }
}

async fn app_group_assignments(
    State(s): State<Arc<Shared>>,
    Path(app): Path<String>,
    Query(p): Params,
) -> Response {
    let w = s.world();
    if let Err(f) = w.app(&app) {
        return failure(&f);
    }
    let empty = BTreeMap::new();
    let assigned = w.app_group_assignments.get(&app).unwrap_or(&empty);
    let r = limit_of(&p, 20, 200).and_then(|limit| {
        paged(
            &s,
            &format!("/api/v1/apps/{app}/groups"),
            &p,
            assigned,
            |_| true,
            |a| a.id.clone(),
            limit,
        )
    });
    match r {
        Ok((items, h)) => json_ok(
            Value::Array(
                items
                    .into_iter()
                    .map(|a| World::app_group_json(&app, a))
                    .collect(),
            ),
            h,
        ),
        Err(f) => failure(&f),
    }
}

async fn list_mappings(
    State(s): State<Arc<Shared>>,
    Path(app): Path<String>,
    Query(p): Params,
) -> Response {
    let w = s.world();
    if let Err(f) = w.app(&app) {
        return failure(&f);
    }
    if let Some(st) = p.get("status")
        && !["ACTIVE", "INACTIVE", "ERROR"].contains(&st.as_str())
    {
        return failure(&OktaFailure::new(
            400,
            "E0000001",
            format!("Api validation failed: status: {st} is not one of ACTIVE, INACTIVE, ERROR"),
        ));
    }
    let since = match p.get("lastUpdated") {
        Some(t) if crate::clock::parse(t).is_none() => {
            return failure(&OktaFailure::new(
                400,
                "E0000001",
                format!(
                    "Api validation failed: lastUpdated: \"{t}\" is not a date-time like 2026-03-25T06:09:58Z"
                ),
            ));
        }
        Some(t) => Some(okta_time(t)),
        None => None,
    };
    let keep = |m: &super::world::PushMappingRec| {
        m.app_id == app
            && p.get("sourceGroupId")
                .is_none_or(|g| &m.source_group_id == g)
            && p.get("status").is_none_or(|st| &m.status == st)
            && since
                .as_deref()
                .is_none_or(|t| m.last_updated.as_str() >= t)
    };
    let r = limit_of(&p, MAPPINGS_DEFAULT_LIMIT, MAPPINGS_MAX_LIMIT).and_then(|limit| {
        paged(
            &s,
            &format!("/api/v1/apps/{app}/group-push/mappings"),
            &p,
            &w.push_mappings,
            keep,
            |m| m.id.clone(),
            limit,
        )
    });
    match r {
        Ok((items, h)) => json_ok(
            Value::Array(items.into_iter().map(World::push_mapping_json).collect()),
            h,
        ),
        Err(f) => failure(&f),
    }
}

async fn create_mapping(
    State(s): State<Arc<Shared>>,
    Path(app): Path<String>,
    body: Bytes,
) -> Response {
    let r = body_of(&body).and_then(|v| {
        s.world()
            .create_push_mapping(&app, &v, &crate::clock::now())
            .map(|m| World::push_mapping_json(&m))
    });
    // Real Okta answers 200 here, not the 201 its specification lists.
    answer(r)
}

async fn get_mapping(
    State(s): State<Arc<Shared>>,
    Path((app, id)): Path<(String, String)>,
) -> Response {
    let w = s.world();
    answer(w.push_mapping(&app, &id).map(World::push_mapping_json))
}

async fn update_mapping(
    State(s): State<Arc<Shared>>,
    Path((app, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let r = body_of(&body).and_then(|v| {
        s.world()
            .update_push_mapping(&app, &id, &v, &crate::clock::now())
            .map(|m| World::push_mapping_json(&m))
    });
    answer(r)
}

async fn delete_mapping(
    State(s): State<Arc<Shared>>,
    Path((app, id)): Path<(String, String)>,
    Query(p): Params,
) -> Response {
    let delete_target = match p.get("deleteTargetGroup").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return failure(&OktaFailure::new(
                400,
                "E0000001",
                format!(
                    "Api validation failed: deleteTargetGroup: \"{other}\" is not true or false"
                ),
            ));
        }
    };
    let r = s.world().delete_push_mapping(&app, &id, delete_target);
    match r {
        // Observed: 200 with an empty body (the specification says 204).
        Ok(()) => StatusCode::OK.into_response(),
        Err(f) => failure(&f),
    }
}

/// The sandbox's stand-in for the *Import Now* button of the app's Import tab.
async fn import_now(State(s): State<Arc<Shared>>, Path(app): Path<String>) -> Response {
    let r = s.world().import_app_groups(&app, &crate::clock::now());
    answer(r.map(|created| json!({"created": created})))
}
