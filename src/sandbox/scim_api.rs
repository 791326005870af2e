//! The Statsig SCIM emulator's HTTP routes (`/scim/...`).

use super::discovery;
use super::shared::Shared;
use super::world::{LIST_SCHEMA, MAX_PAGE, ScimFailure, World, project};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

const SCIM_JSON: &str = "application/scim+json";

type Params = Query<HashMap<String, String>>;

/// The SCIM server's routes.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/scim/Users", get(list_users).post(create_user))
        .route("/scim/Users/.search", post(search_users))
        .route("/scim/Groups/.search", post(search_groups))
        .route("/scim/.search", post(search_all))
        .route(
            "/scim/Users/{id}",
            get(get_user)
                .put(put_user)
                .patch(patch_user)
                .delete(delete_user),
        )
        .route("/scim/Groups", get(list_groups).post(create_group))
        .route(
            "/scim/Groups/{id}",
            get(get_group)
                .put(put_group)
                .patch(patch_group)
                .delete(delete_group),
        )
        .route("/scim/ServiceProviderConfig", get(spc))
        .route("/scim/ResourceTypes", get(resource_types))
        .route("/scim/ResourceTypes/{id}", get(resource_type))
        .route("/scim/Schemas", get(schemas))
        .route("/scim/Schemas/{id}", get(schema))
        .fallback(|| async { failure(ScimFailure::new(404, None, "no such SCIM endpoint")) })
        .method_not_allowed_fallback(|| async {
            failure(ScimFailure::new(
                405,
                None,
                "this SCIM endpoint does not accept that method",
            ))
        })
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            authorize,
        ))
        .with_state(shared)
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, SCIM_JSON)],
        body.to_string(),
    )
        .into_response()
}

/// A SCIM error answer.
pub fn failure(f: ScimFailure) -> Response {
    json_response(
        StatusCode::from_u16(f.status).unwrap_or(StatusCode::BAD_REQUEST),
        f.body(),
    )
}

fn result(
    r: Result<Value, ScimFailure>,
    ok: StatusCode,
    params: &HashMap<String, String>,
) -> Response {
    match r {
        Ok(v) => {
            let mut resp = json_response(
                ok,
                project(
                    &v,
                    params.get("attributes").map(String::as_str),
                    params.get("excludedAttributes").map(String::as_str),
                ),
            );
            // RFC 7644 §3.3: a 201 names the new resource in Location, as meta.location.
            if ok == StatusCode::CREATED
                && let Some(loc) = v.pointer("/meta/location").and_then(Value::as_str)
                && let Ok(h) = axum::http::HeaderValue::from_str(loc)
            {
                resp.headers_mut().insert(header::LOCATION, h);
            }
            resp
        }
        Err(f) => failure(f),
    }
}

async fn authorize(
    State(shared): State<Arc<Shared>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let ok = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| shared.statsig_token.matches(t));
    if !ok {
        return failure(ScimFailure::new(401, None, "missing or wrong bearer token"));
    }
    next.run(req).await
}

fn parse_body(body: &Bytes) -> Result<Value, ScimFailure> {
    if body.len() > super::shared::MAX_BODY {
        return Err(ScimFailure::new(
            413,
            Some("tooMany"),
            "the request body is too large",
        ));
    }
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        ScimFailure::new(
            400,
            Some("invalidSyntax"),
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    if !v.is_object() {
        return Err(ScimFailure::new(
            400,
            Some("invalidSyntax"),
            "the body must be a JSON object",
        ));
    }
    Ok(v)
}

/// Which resources a list covers.
#[derive(Clone, Copy)]
enum Scope {
    Users,
    Groups,
    Both,
}

fn list(shared: &Shared, groups: bool, params: &HashMap<String, String>) -> Response {
    list_scope(
        shared,
        if groups { Scope::Groups } else { Scope::Users },
        params,
    )
}

fn list_scope(shared: &Shared, scope: Scope, params: &HashMap<String, String>) -> Response {
    let parse_int = |k: &str| -> Result<Option<i64>, ScimFailure> {
        params
            .get(k)
            .map(|v| {
                v.trim().parse::<i64>().map_err(|_| {
                    ScimFailure::new(
                        400,
                        Some("invalidValue"),
                        format!("{k} must be an integer, got \"{v}\""),
                    )
                })
            })
            .transpose()
    };
    let (start, count) = match (parse_int("startIndex"), parse_int("count")) {
        (Ok(s), Ok(c)) => (s, c),
        (Err(e), _) | (_, Err(e)) => return failure(e),
    };
    let world = shared.world();
    let filter = params.get("filter").map(String::as_str);
    let listed = match scope {
        Scope::Users => world.list(false, filter, start, count, MAX_PAGE),
        Scope::Groups => world.list(true, filter, start, count, MAX_PAGE),
        // Users then groups, paged as one list.
        Scope::Both => {
            world
                .list(false, filter, None, None, usize::MAX)
                .and_then(|(ut, users, _)| {
                    let (gt, groups, _) = world.list(true, filter, None, None, usize::MAX)?;
                    let start = start.unwrap_or(1).max(1) as usize;
                    let count = count.unwrap_or(MAX_PAGE as i64).clamp(0, MAX_PAGE as i64) as usize;
                    let page = users
                        .into_iter()
                        .chain(groups)
                        .skip(start - 1)
                        .take(count)
                        .collect();
                    Ok((ut + gt, page, start))
                })
        }
    };
    match listed {
        Ok((total, page, start)) => {
            let attrs = params.get("attributes").map(String::as_str);
            let excluded = params.get("excludedAttributes").map(String::as_str);
            let resources: Vec<Value> = page.iter().map(|r| project(r, attrs, excluded)).collect();
            let mut body = json!({"schemas": [LIST_SCHEMA], "totalResults": total, "startIndex": start, "itemsPerPage": resources.len()});
            if !resources.is_empty() {
                body["Resources"] = Value::Array(resources);
            }
            drop(world);
            json_response(StatusCode::OK, body)
        }
        Err(f) => failure(f),
    }
}

async fn list_users(State(s): State<Arc<Shared>>, Query(p): Params) -> Response {
    list(&s, false, &p)
}

async fn list_groups(State(s): State<Arc<Shared>>, Query(p): Params) -> Response {
    list(&s, true, &p)
}

fn write<F>(s: &Shared, body: &Bytes, f: F) -> Result<Value, ScimFailure>
where
    F: FnOnce(&mut World, Value) -> Result<Value, ScimFailure>,
{
    let v = parse_body(body)?;
    let mut world = s.world();
    f(&mut world, v)
}

/// POST `.search`: the same query as GET, from a SearchRequest body.
fn search(s: &Shared, scope: Scope, body: &Bytes) -> Response {
    let v = match parse_body(body) {
        Ok(v) => v,
        Err(f) => return failure(f),
    };
    let mut params = HashMap::new();
    for k in [
        "filter",
        "startIndex",
        "count",
        "attributes",
        "excludedAttributes",
    ] {
        match v.get(k) {
            Some(Value::String(x)) => {
                params.insert(k.to_string(), x.clone());
            }
            Some(Value::Number(n)) => {
                params.insert(k.to_string(), n.to_string());
            }
            Some(Value::Array(a)) => {
                let joined: Vec<&str> = a.iter().filter_map(Value::as_str).collect();
                params.insert(k.to_string(), joined.join(","));
            }
            _ => {}
        }
    }
    list_scope(s, scope, &params)
}

async fn search_users(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
    search(&s, Scope::Users, &body)
}

async fn search_groups(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
    search(&s, Scope::Groups, &body)
}

async fn search_all(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
    search(&s, Scope::Both, &body)
}

async fn create_user(State(s): State<Arc<Shared>>, Query(p): Params, body: Bytes) -> Response {
    result(
        write(&s, &body, |w, v| w.create_user(v, &crate::clock::now())),
        StatusCode::CREATED,
        &p,
    )
}

async fn get_user(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(p): Params,
) -> Response {
    let r = s.world().get_user(&id);
    result(r, StatusCode::OK, &p)
}

async fn put_user(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(p): Params,
    body: Bytes,
) -> Response {
    result(
        write(&s, &body, |w, v| w.put_user(&id, v)),
        StatusCode::OK,
        &p,
    )
}

async fn patch_user(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(p): Params,
    body: Bytes,
) -> Response {
    result(
        write(&s, &body, |w, v| w.patch_user(&id, &v)),
        StatusCode::OK,
        &p,
    )
}

async fn delete_user(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let r = s.world().delete_user(&id);
    match r {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(f) => failure(f),
    }
}

async fn create_group(State(s): State<Arc<Shared>>, Query(p): Params, body: Bytes) -> Response {
    result(
        write(&s, &body, |w, v| w.create_group(v, &crate::clock::now())),
        StatusCode::CREATED,
        &p,
    )
}

async fn get_group(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(p): Params,
) -> Response {
    let r = s.world().get_group(&id);
    result(r, StatusCode::OK, &p)
}

async fn put_group(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(p): Params,
    body: Bytes,
) -> Response {
    result(
        write(&s, &body, |w, v| w.put_group(&id, v)),
        StatusCode::OK,
        &p,
    )
}

async fn patch_group(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(p): Params,
    body: Bytes,
) -> Response {
    result(
        write(&s, &body, |w, v| w.patch_group(&id, &v)),
        StatusCode::OK,
        &p,
    )
}

async fn delete_group(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let (r, generic) = {
        let mut w = s.world();
        (w.delete_group(&id), w.rules.generic)
    };
    match r {
        // Statsig answers 200 to a delete; RFC 7644 servers answer 204.
        Ok(()) if generic => StatusCode::NO_CONTENT.into_response(),
        Ok(()) => StatusCode::OK.into_response(),
        Err(f) => failure(f),
    }
}

async fn spc() -> Response {
    json_response(StatusCode::OK, discovery::service_provider_config())
}

fn list_of(items: Vec<Value>) -> Response {
    json_response(
        StatusCode::OK,
        json!({"schemas": [LIST_SCHEMA], "totalResults": items.len(), "startIndex": 1, "itemsPerPage": items.len(), "Resources": items}),
    )
}

fn one_of(items: Vec<Value>, id: &str, kind: &str) -> Response {
    match items.into_iter().find(|i| i["id"] == id) {
        Some(v) => json_response(StatusCode::OK, v),
        None => failure(ScimFailure::new(
            404,
            None,
            format!("{kind} {id} not found"),
        )),
    }
}

async fn resource_types() -> Response {
    list_of(discovery::resource_types())
}

async fn resource_type(Path(id): Path<String>) -> Response {
    one_of(discovery::resource_types(), &id, "ResourceType")
}

async fn schemas() -> Response {
    list_of(discovery::schemas())
}

async fn schema(Path(id): Path<String>) -> Response {
    one_of(discovery::schemas(), &id, "Schema")
}
