//! The sandbox's two emulators driven over real HTTP on loopback.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Http, enc, okta, sandbox, scim};
use okta_statsig_teams::sandbox::seed::{Scale, SeedKind, SeedSpec};
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use std::collections::HashSet;

fn ids(body: &Value) -> Vec<String> {
    body["Resources"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["id"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn scim_paging_follows_rfc_semantics_with_odd_page_sizes() {
    let s = sandbox().await;
    let total = scim(&s, "GET", "/Users?count=0", None).await.body["totalResults"]
        .as_u64()
        .unwrap() as usize;
    assert!(total > 200, "the demo has a few hundred users");
    for page in [1usize, 7, 100, 999] {
        let mut seen = Vec::new();
        let mut start = 1;
        loop {
            let a = scim(
                &s,
                "GET",
                &format!("/Users?startIndex={start}&count={page}"),
                None,
            )
            .await;
            assert_eq!(a.status, 200);
            assert_eq!(a.body["totalResults"].as_u64().unwrap() as usize, total);
            let got = ids(&a.body);
            if got.is_empty() {
                assert!(
                    a.body.get("Resources").is_none(),
                    "an empty page leaves Resources out"
                );
                break;
            }
            assert!(got.len() <= page);
            assert_eq!(a.body["itemsPerPage"].as_u64().unwrap() as usize, got.len());
            start += got.len();
            seen.extend(got);
        }
        assert_eq!(seen.len(), total, "page size {page}");
        assert_eq!(
            seen.iter().collect::<HashSet<_>>().len(),
            total,
            "no duplicates at page size {page}"
        );
    }
    // count=0 gives only the total; startIndex below 1 counts as 1.
    let zero = scim(&s, "GET", "/Users?count=0", None).await;
    assert!(zero.body.get("Resources").is_none());
    let a = scim(&s, "GET", "/Users?startIndex=0&count=3", None).await;
    let b = scim(&s, "GET", "/Users?startIndex=1&count=3", None).await;
    assert_eq!(ids(&a.body), ids(&b.body));
    let bad = scim(&s, "GET", "/Users?count=many", None).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body["detail"].as_str().unwrap().contains("count"));
}

#[tokio::test]
async fn scim_max_page_size_is_announced_and_enforced() {
    let config = SandboxConfig {
        seed: SeedSpec {
            seed: 1,
            kind: SeedKind::Scaled(Scale {
                users: 1500,
                projects: 2,
                teams: 4,
                okta_groups: 3,
                team_members: 5,
                group_members: 5,
                // No Statsig app in Okta: only the users' pages matter here.
                okta_app: false,
            }),
            generic: false,
        },
        ..SandboxConfig::default()
    };
    let s = Sandbox::start(config).await.unwrap();
    let spc = scim(&s, "GET", "/ServiceProviderConfig", None).await;
    let max = spc.body["filter"]["maxResults"].as_u64().unwrap();
    let page = scim(&s, "GET", "/Users?count=5000", None).await;
    assert_eq!(page.body["itemsPerPage"].as_u64().unwrap(), max);
    assert!(page.body["totalResults"].as_u64().unwrap() > max);
}

#[tokio::test]
async fn scim_filters_and_attribute_selection() {
    let s = sandbox().await;
    let user = scim(&s, "GET", "/Users?count=1", None).await.body["Resources"][0].clone();
    let name = user["userName"].as_str().unwrap().to_uppercase();
    let eq = scim(
        &s,
        "GET",
        &format!("/Users?filter={}", enc(&format!("userName eq \"{name}\""))),
        None,
    )
    .await;
    assert_eq!(
        eq.body["totalResults"], 1,
        "userName eq is case-insensitive"
    );
    let sw = scim(
        &s,
        "GET",
        &format!(
            "/Groups?count=500&filter={}",
            enc("displayName sw \"Statsig-Checkout-\"")
        ),
        None,
    )
    .await;
    let names: Vec<&str> = sw.body["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["displayName"].as_str().unwrap())
        .collect();
    assert!(!names.is_empty() && names.iter().all(|n| n.starts_with("Statsig-Checkout-")));
    let co_and = scim(
        &s,
        "GET",
        &format!(
            "/Groups?filter={}",
            enc("displayName co \"Payments\" and displayName sw \"Statsig-Checkout Web\"")
        ),
        None,
    )
    .await;
    assert_eq!(
        co_and.body["totalResults"], 2,
        "Checkout Web's Payments team has an Admin and a Member group"
    );
    let pr = scim(
        &s,
        "GET",
        &format!("/Users?count=0&filter={}", enc("statsigOrgRole pr")),
        None,
    )
    .await;
    assert!(pr.body["totalResults"].as_u64().unwrap() > 0);
    let invalid = scim(
        &s,
        "GET",
        &format!("/Users?filter={}", enc("userName eq")),
        None,
    )
    .await;
    assert_eq!(invalid.status, 400);
    assert_eq!(invalid.body["scimType"], "invalidFilter");
    // Lists without members stay light.
    let light = scim(
        &s,
        "GET",
        "/Groups?count=100&excludedAttributes=members",
        None,
    )
    .await;
    assert!(
        light.body["Resources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g.get("members").is_none() && g.get("id").is_some())
    );
    let only = scim(&s, "GET", "/Users?count=3&attributes=userName", None).await;
    for u in only.body["Resources"].as_array().unwrap() {
        assert!(u.get("userName").is_some() && u.get("id").is_some() && u.get("name").is_none());
    }
}

async fn group_by_name(s: &Sandbox, name: &str) -> Option<Value> {
    let a = scim(
        s,
        "GET",
        &format!(
            "/Groups?filter={}",
            enc(&format!("displayName eq \"{name}\""))
        ),
        None,
    )
    .await;
    a.body["Resources"]
        .as_array()
        .and_then(|r| r.first().cloned())
}

#[tokio::test]
async fn creating_and_deleting_teams_follows_statsigs_rules() {
    let s = sandbox().await;
    let created = scim(
        &s,
        "POST",
        "/Groups",
        Some(json!({"displayName": "Statsig-Checkout-Risk-Member", "members": []})),
    )
    .await;
    assert_eq!(created.status, 201);
    assert!(created.body["id"].as_str().is_some());
    let admin = group_by_name(&s, "Statsig-Checkout-Risk-Admin")
        .await
        .expect("creating a team makes both role groups");
    let again = scim(
        &s,
        "POST",
        "/Groups",
        Some(json!({"displayName": "statsig-checkout-risk-member"})),
    )
    .await;
    assert_eq!(
        (again.status, again.body["scimType"].as_str()),
        (409, Some("uniqueness"))
    );
    for (name, expect) in [
        (
            "Statsig-Nope-Risk-Member",
            "does not start with any known project",
        ),
        ("Engineering", "not a Statsig team name"),
        ("Statsig-Checkout-Risk-Owner", "does not end in"),
        ("Statsig-Mobile-Payments-X-Member", "reads 2 ways"),
        (
            "Statsig-Checkout- Risk-Member",
            "starts or ends with a space",
        ),
    ] {
        let a = scim(&s, "POST", "/Groups", Some(json!({"displayName": name}))).await;
        assert_eq!(a.status, 400, "{name}");
        assert_eq!(a.body["scimType"], "invalidValue", "{name}");
        assert!(
            a.body["detail"].as_str().unwrap().contains(expect),
            "{name}: {}",
            a.body["detail"]
        );
        assert_eq!(
            a.body["schemas"][0],
            "urn:ietf:params:scim:api:messages:2.0:Error"
        );
    }
    // Rename is refused.
    let id = created.body["id"].as_str().unwrap();
    let rename = scim(&s, "PATCH", &format!("/Groups/{id}"), Some(json!({"Operations": [{"op": "replace", "path": "displayName", "value": "Statsig-Checkout-Other-Member"}]}))).await;
    assert_eq!(
        (rename.status, rename.body["scimType"].as_str()),
        (400, Some("mutability"))
    );
    // Deleting a team-role group deletes the team (200, as Statsig answers).
    let del = scim(&s, "DELETE", &format!("/Groups/{id}"), None).await;
    assert_eq!(del.status, 200);
    assert_eq!(
        scim(&s, "GET", &format!("/Groups/{id}"), None).await.status,
        404
    );
    assert_eq!(
        scim(
            &s,
            "GET",
            &format!("/Groups/{}", admin["id"].as_str().unwrap()),
            None
        )
        .await
        .status,
        404
    );
    let gone = scim(&s, "DELETE", &format!("/Groups/{id}"), None).await;
    assert_eq!(gone.status, 404);
    // Project groups cannot be deleted.
    let project = group_by_name(&s, "Statsig-Checkout-Admin").await.unwrap();
    let refused = scim(
        &s,
        "DELETE",
        &format!("/Groups/{}", project["id"].as_str().unwrap()),
        None,
    )
    .await;
    assert_eq!(refused.status, 400);
}

#[tokio::test]
async fn patch_members_in_every_form() {
    let s = sandbox().await;
    let g = group_by_name(&s, "Statsig-Growth Experiments-Empty Team-Member")
        .await
        .unwrap();
    let path = format!("/Groups/{}", g["id"].as_str().unwrap());
    let users = ids(&scim(&s, "GET", "/Users?count=4", None).await.body);
    let members = |a: &Value| -> Vec<String> {
        let mut m: Vec<String> = a["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["value"].as_str().unwrap().to_string())
            .collect();
        m.sort();
        m
    };
    let sorted = |v: &[&String]| -> Vec<String> {
        let mut x: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        x.sort();
        x
    };
    let add = scim(&s, "PATCH", &path, Some(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Add", "path": "members", "value": [{"value": users[0]}, {"value": users[1]}, {"value": users[2]}]}]}))).await;
    assert_eq!(add.status, 200);
    assert_eq!(
        members(&add.body),
        sorted(&[&users[0], &users[1], &users[2]])
    );
    let again = scim(&s, "PATCH", &path, Some(json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": users[0]}]}]}))).await;
    assert_eq!(
        members(&again.body).len(),
        3,
        "adding an existing member is a no-op"
    );
    let rfc = scim(&s, "PATCH", &path, Some(json!({"Operations": [{"op": "remove", "path": format!("members[value eq \"{}\"]", users[0])}]}))).await;
    assert_eq!(members(&rfc.body), sorted(&[&users[1], &users[2]]));
    let list = scim(&s, "PATCH", &path, Some(json!({"Operations": [{"op": "REMOVE", "path": "members", "value": [{"value": users[1]}]}]}))).await;
    assert_eq!(members(&list.body), sorted(&[&users[2]]));
    let replace = scim(&s, "PATCH", &path, Some(json!({"Operations": [{"op": "replace", "path": "members", "value": [{"value": users[3]}]}]}))).await;
    assert_eq!(members(&replace.body), sorted(&[&users[3]]));
    let unknown = scim(&s, "PATCH", &path, Some(json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": "no-such-user"}]}]}))).await;
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.body["detail"]
            .as_str()
            .unwrap()
            .contains("no-such-user")
    );
    assert_eq!(
        members(&scim(&s, "GET", &path, None).await.body),
        sorted(&[&users[3]]),
        "a refused PATCH changes nothing"
    );
    let no_path = scim(
        &s,
        "PATCH",
        &path,
        Some(json!({"Operations": [{"op": "remove"}]})),
    )
    .await;
    assert_eq!(
        (no_path.status, no_path.body["scimType"].as_str()),
        (400, Some("noTarget"))
    );
}

#[tokio::test]
async fn users_follow_the_org_domain() {
    let s = sandbox().await;
    let body = |email: &str| json!({"userName": email, "name": {"givenName": "A", "familyName": "B"}, "emails": [{"value": email}]});
    let outside = scim(&s, "POST", "/Users", Some(body("someone@gmail.com"))).await;
    assert_eq!(outside.status, 400);
    assert_eq!(
        outside.body["detail"],
        "User someone@gmail.com is not allowed to be created in this organization"
    );
    let ok = scim(
        &s,
        "POST",
        "/Users",
        Some(body(&format!("new.person@{}", s.org_domain()))),
    )
    .await;
    assert_eq!(ok.status, 201);
    let dup = scim(
        &s,
        "POST",
        "/Users",
        Some(body(&format!("NEW.person@{}", s.org_domain()))),
    )
    .await;
    assert_eq!(dup.status, 409);
    let id = ok.body["id"].as_str().unwrap();
    let deactivate = scim(
        &s,
        "PATCH",
        &format!("/Users/{id}"),
        Some(json!({"Operations": [{"op": "replace", "value": {"active": false}}]})),
    )
    .await;
    assert_eq!(deactivate.body["active"], false);
    let rename = scim(
        &s,
        "PATCH",
        &format!("/Users/{id}"),
        Some(json!({"Operations": [{"op": "replace", "path": "userName", "value": "x@y"}]})),
    )
    .await;
    assert_eq!(rename.status, 400);
    assert_eq!(
        scim(&s, "DELETE", &format!("/Users/{id}"), None)
            .await
            .status,
        405
    );
}

#[tokio::test]
async fn every_error_is_an_rfc_7644_error_body() {
    let s = sandbox().await;
    let http = Http::new();
    let no_token = http
        .call("GET", &format!("{}/Users", s.statsig_url), None, None)
        .await;
    let wrong_token = http
        .call(
            "GET",
            &format!("{}/Users", s.statsig_url),
            Some("Bearer nope".into()),
            None,
        )
        .await;
    let bad_json = http
        .client
        .post(format!("{}/Groups", s.statsig_url))
        .bearer_auth(s.statsig_token.expose())
        .body("{not json")
        .send()
        .await
        .unwrap();
    let bad_json_status = bad_json.status().as_u16();
    let bad_json_body: Value = bad_json.json().await.unwrap();
    let unknown = scim(&s, "GET", "/Groups/does-not-exist", None).await;
    let method = scim(&s, "DELETE", "/Users", None).await;
    let nowhere = scim(&s, "GET", "/Nothing", None).await;
    for (what, status, body) in [
        ("no token", no_token.status, &no_token.body),
        ("wrong token", wrong_token.status, &wrong_token.body),
        ("bad JSON", bad_json_status, &bad_json_body),
        ("unknown id", unknown.status, &unknown.body),
        ("wrong method", method.status, &method.body),
        ("unknown path", nowhere.status, &nowhere.body),
    ] {
        assert_eq!(
            body["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error",
            "{what}"
        );
        assert_eq!(body["status"], status.to_string(), "{what}");
        assert!(!body["detail"].as_str().unwrap().is_empty(), "{what}");
    }
    assert_eq!(
        (
            no_token.status,
            wrong_token.status,
            bad_json_status,
            unknown.status,
            method.status
        ),
        (401, 401, 400, 404, 405)
    );
    assert_eq!(bad_json_body["scimType"], "invalidSyntax");
}

#[tokio::test]
async fn okta_pages_only_through_link_headers() {
    let s = sandbox().await;
    let mut url = format!("{}/api/v1/users?limit=37", s.okta_url);
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let a = okta(&s, "GET", &url, None).await;
        assert_eq!(a.status, 200);
        pages += 1;
        seen.extend(
            a.body
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["id"].as_str().unwrap().to_string()),
        );
        let next = a
            .headers
            .get_all("link")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.contains("rel=\"next\""))
            .map(|v| v[1..v.find('>').unwrap()].to_string());
        match next {
            Some(n) => url = n,
            None => break,
        }
    }
    assert_eq!(seen.len(), 301);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 301);
    assert_eq!(pages, 301usize.div_ceil(37));
    let users = okta(&s, "GET", "/api/v1/users?limit=1", None).await;
    assert!(users.body[0]["profile"]["email"].as_str().is_some());
}

#[tokio::test]
async fn okta_group_search_filters_by_type_and_name() {
    let s = sandbox().await;
    let okta_only = okta(
        &s,
        "GET",
        &format!("/api/v1/groups?filter={}", enc("type eq \"OKTA_GROUP\"")),
        None,
    )
    .await;
    assert!(
        okta_only
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["type"] == "OKTA_GROUP")
    );
    let q = okta(&s, "GET", "/api/v1/groups?q=payments", None).await;
    let names: Vec<&str> = q
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["profile"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Payments Engineers"]);
}

/// Any user's Okta id.
async fn some_user(s: &okta_statsig_teams::sandbox::Sandbox) -> String {
    okta(s, "GET", "/api/v1/users?limit=1", None).await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn okta_groups_are_created_once_and_membership_changes_are_found_by_time() {
    let s = sandbox().await;
    let created = okta(
        &s,
        "POST",
        "/api/v1/groups",
        Some(json!({"profile": {"name": "Test Mapping", "description": "d"}})),
    )
    .await;
    assert_eq!(created.status, 200);
    let gid = created.body["id"].as_str().unwrap().to_string();
    let dup = okta(
        &s,
        "POST",
        "/api/v1/groups",
        Some(json!({"profile": {"name": "Test Mapping"}})),
    )
    .await;
    assert_eq!(
        (dup.status, dup.body["errorCode"].as_str()),
        (400, Some("E0000001"))
    );
    let since = created.body["lastMembershipUpdated"]
        .as_str()
        .unwrap()
        .to_string();
    let uid = some_user(&s).await;
    common::next_millisecond();
    assert_eq!(
        okta(
            &s,
            "PUT",
            &format!("/api/v1/groups/{gid}/users/{uid}"),
            None
        )
        .await
        .status,
        204
    );
    let changed = okta(
        &s,
        "GET",
        &format!(
            "/api/v1/groups?filter={}",
            enc(&format!("lastMembershipUpdated gt \"{since}\""))
        ),
        None,
    )
    .await;
    let changed_ids: Vec<&str> = changed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        changed_ids,
        [gid.as_str()],
        "only the group whose membership changed"
    );
    let members = okta(&s, "GET", &format!("/api/v1/groups/{gid}/users"), None).await;
    assert_eq!(members.body.as_array().unwrap().len(), 1);
    assert_eq!(
        okta(
            &s,
            "DELETE",
            &format!("/api/v1/groups/{gid}/users/{uid}"),
            None
        )
        .await
        .status,
        204
    );
    assert_eq!(
        okta(&s, "GET", &format!("/api/v1/groups/{gid}/users"), None)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        okta(&s, "DELETE", &format!("/api/v1/groups/{gid}"), None)
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn okta_refuses_app_group_edits_unknown_groups_and_bad_tokens_with_its_errors() {
    let s = sandbox().await;
    let uid = some_user(&s).await;
    let app_group = okta(
        &s,
        "GET",
        &format!("/api/v1/groups?filter={}", enc("type eq \"APP_GROUP\"")),
        None,
    )
    .await
    .body[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let refused = okta(
        &s,
        "PUT",
        &format!("/api/v1/groups/{app_group}/users/{uid}"),
        None,
    )
    .await;
    assert_eq!(
        (refused.status, refused.body["errorCode"].as_str()),
        (403, Some("E0000006"))
    );
    let missing = okta(&s, "GET", "/api/v1/groups/00gnope", None).await;
    assert_eq!(
        (missing.status, missing.body["errorCode"].as_str()),
        (404, Some("E0000007"))
    );
    assert!(
        missing.body["errorSummary"]
            .as_str()
            .unwrap()
            .contains("00gnope")
    );
    let bad_auth = Http::new()
        .call(
            "GET",
            &format!("{}/api/v1/users", s.okta_url),
            Some("SSWS wrong".into()),
            None,
        )
        .await;
    assert_eq!(
        (bad_auth.status, bad_auth.body["errorCode"].as_str()),
        (401, Some("E0000011"))
    );
}

#[tokio::test]
async fn okta_rate_limit_headers_and_429() {
    let s = Sandbox::start(SandboxConfig {
        okta_limits: okta_statsig_teams::sandbox::limits::OktaLimits::all(3),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let a = okta(&s, "GET", "/api/v1/groups?limit=1", None).await;
        assert_eq!(a.status, 200);
        assert_eq!(a.headers["x-rate-limit-limit"], "3");
        remaining.push(
            a.headers["x-rate-limit-remaining"]
                .to_str()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let limited = okta(&s, "GET", "/api/v1/groups?limit=1", None).await;
    assert_eq!(
        (limited.status, limited.body["errorCode"].as_str()),
        (429, Some("E0000047"))
    );
    let reset: u64 = limited.headers["x-rate-limit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // A minute from the first request, rounded up to a whole second.
    assert!(reset > now && reset <= now + 61, "{reset} against {now}");
}

#[tokio::test]
async fn the_same_seed_serves_identical_data() {
    let (a, b) = (sandbox().await, sandbox().await);
    for path in ["/Users?count=1000", "/Groups?count=1000"] {
        assert_eq!(
            scim(&a, "GET", path, None).await.body,
            scim(&b, "GET", path, None).await.body,
            "{path}"
        );
    }
    for path in ["/api/v1/users", "/api/v1/groups"] {
        assert_eq!(
            okta(&a, "GET", path, None).await.body,
            okta(&b, "GET", path, None).await.body,
            "{path}"
        );
    }
}

#[tokio::test]
async fn writes_are_visible_at_once_and_survive_concurrency() {
    let s = sandbox().await;
    let g = group_by_name(&s, "Statsig-Growth Experiments-Empty Team-Admin")
        .await
        .unwrap();
    let path = format!("/Groups/{}", g["id"].as_str().unwrap());
    let users = ids(&scim(&s, "GET", "/Users?count=60", None).await.body);
    let tasks: Vec<_> = users
        .iter()
        .map(|u| {
            let body =
                json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": u}]}]});
            scim(&s, "PATCH", &path, Some(body))
        })
        .collect();
    for a in futures::future::join_all(tasks).await {
        assert_eq!(a.status, 200);
    }
    let after = scim(&s, "GET", &path, None).await;
    assert_eq!(after.body["members"].as_array().unwrap().len(), 60);
}

#[tokio::test]
async fn each_okta_bucket_counts_on_its_own_with_its_own_headers() {
    use okta_statsig_teams::sandbox::limits::OktaLimits;
    let s = Sandbox::start(SandboxConfig {
        okta_limits: OktaLimits {
            users: 2,
            groups: 1,
            group: 3,
            apps: 1,
            logs: 4,
            other: 5,
        },
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let limit_of = |a: &common::Answer| {
        (
            a.status,
            a.headers["x-rate-limit-limit"]
                .to_str()
                .unwrap()
                .to_string(),
            a.headers["x-rate-limit-remaining"]
                .to_str()
                .unwrap()
                .to_string(),
        )
    };
    let groups = okta(&s, "GET", "/api/v1/groups?limit=1", None).await;
    assert_eq!(limit_of(&groups), (200, "1".into(), "0".into()));
    let id = groups.body[0]["id"].as_str().unwrap().to_string();
    // The groups list is spent; a group's members and the users are not.
    let again = okta(&s, "GET", "/api/v1/groups?limit=1", None).await;
    assert_eq!(again.status, 429);
    let members = okta(&s, "GET", &format!("/api/v1/groups/{id}/users"), None).await;
    assert_eq!(limit_of(&members), (200, "3".into(), "2".into()));
    let users = okta(&s, "GET", "/api/v1/users?limit=1", None).await;
    assert_eq!(limit_of(&users), (200, "2".into(), "1".into()));
    let apps = okta(&s, "GET", "/api/v1/apps", None).await;
    assert_eq!(limit_of(&apps), (200, "1".into(), "0".into()));
}

#[test]
fn the_sandbox_command_names_okta_editions_limits() {
    use clap::Parser;
    use okta_statsig_teams::cli::{Cli, Command, ToolCommand};
    use okta_statsig_teams::sandbox::limits::OktaLimits;
    let limits = |args: &[&str]| {
        let cli = Cli::try_parse_from(
            ["okta-statsig-teams", "sandbox"]
                .iter()
                .chain(args)
                .copied(),
        )
        .unwrap();
        let Some(Command::Tool(ToolCommand::Sandbox(a))) = cli.command else {
            panic!("not the sandbox command")
        };
        a.config().unwrap().okta_limits
    };
    assert_eq!(
        limits(&["--okta-limits", "enterprise"]),
        OktaLimits::enterprise()
    );
    assert_eq!(limits(&["--okta-limits", "developer"]).apps, 20);
    assert_eq!(limits(&[]), OktaLimits::none());
    let mixed = limits(&["--okta-limits", "enterprise", "--okta-apps-rate-limit", "7"]);
    assert_eq!((mixed.users, mixed.apps), (600, 7));
    assert!(
        Cli::try_parse_from(["okta-statsig-teams", "sandbox", "--okta-limits", "gold"]).is_err()
    );
}

/// `okta-statsig-teams sandbox` prints, beside its token, one without `okta.logs.read`:
/// the System Log answers it 403 and the full token 200, so an admin can try what History
/// and Health say to such a token.
#[tokio::test]
async fn the_sandbox_command_prints_a_token_the_system_log_refuses() {
    let s = common::SandboxProcess::spawn(&[]);
    let logs = format!("{}/api/v1/logs?limit=1", s.okta_url);
    let status = async |token: &str| {
        reqwest::Client::new()
            .get(&logs)
            .header("Authorization", format!("SSWS {token}"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    let full = s.printed.get("okta_token").expect("the token");
    let limited = s
        .printed
        .get("okta_token_without_logs_scope")
        .expect("the token without the logs scope");
    assert_ne!(full, limited);
    assert_eq!(status(full).await, 200);
    assert_eq!(status(limited).await, 403);
}
