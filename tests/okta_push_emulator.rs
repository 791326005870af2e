//! The sandbox's Okta push side over real HTTP: apps, app users, imported APP_GROUPs, the
//! Group Push Mappings API as real Okta answers it, the apps rate bucket, and the push
//! worker's effect on the Statsig emulator.
#![allow(clippy::unwrap_used)]

mod common;

use common::{enc, okta, scim};
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use std::time::Duration;

async fn sandbox_with(apps_rate: u32) -> Sandbox {
    Sandbox::start(SandboxConfig {
        okta_limits: okta_statsig_teams::sandbox::limits::OktaLimits::none().with_apps(apps_rate),
        okta_push_delay: Duration::from_millis(100),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

async fn statsig_app(s: &Sandbox) -> String {
    let apps = okta(s, "GET", "/api/v1/apps?q=Statsig", None).await;
    assert_eq!(apps.status, 200);
    let apps = apps.body.as_array().unwrap().clone();
    assert!(apps.len() >= 2, "the search has to choose");
    apps.iter().find(|a| a["label"] == "Statsig SCIM").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn group_id(s: &Sandbox, name: &str) -> String {
    let found = okta(
        s,
        "GET",
        &format!(
            "/api/v1/groups?search={}",
            enc(&format!("profile.name eq \"{name}\""))
        ),
        None,
    )
    .await;
    found.body[0]["id"].as_str().unwrap().to_string()
}

fn mappings_path(app: &str) -> String {
    format!("/api/v1/apps/{app}/group-push/mappings")
}

/// Waits until `ok` holds (it asks over HTTP), asking again at each write to the
/// emulator's world (20 s at most, so a hang fails).
async fn wait_until(s: &Sandbox, what: &str, ok: impl AsyncFnMut() -> bool) {
    assert!(s.until_async(Duration::from_secs(20), ok).await, "{what}");
}

/// Every item of a list, following `Link: rel="next"`.
async fn all_pages(s: &Sandbox, first: &str) -> Vec<Value> {
    let mut url = first.to_string();
    let mut seen = Vec::new();
    loop {
        let page = okta(s, "GET", &url, None).await;
        seen.extend(page.body.as_array().unwrap().iter().cloned());
        let next = page
            .headers
            .get_all("link")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|l| l.contains("rel=\"next\""))
            .map(|l| l[1..l.find('>').unwrap()].to_string());
        match next {
            Some(n) => url = n,
            None => return seen,
        }
    }
}

async fn statsig_members(s: &Sandbox, name: &str) -> Option<Vec<String>> {
    s.world().group_member_ids(name)
}

#[tokio::test]
async fn the_statsig_apps_groups_and_users_are_found_the_way_okta_serves_them() {
    let s = sandbox_with(100_000).await;
    let app = statsig_app(&s).await;
    let a = okta(&s, "GET", &format!("/api/v1/apps/{app}"), None).await;
    assert!(
        a.body["features"]
            .as_array()
            .unwrap()
            .contains(&json!("GROUP_PUSH"))
    );
    let search = format!("type eq \"APP_GROUP\" and source.id eq \"{app}\"");
    let groups = okta(
        &s,
        "GET",
        &format!("/api/v1/groups?search={}", enc(&search)),
        None,
    )
    .await;
    let groups = groups.body.as_array().unwrap();
    assert!(groups.len() > 10);
    assert!(groups.iter().all(|g| g["source"]["id"] == app.as_str()));
    let users = okta(
        &s,
        "GET",
        &format!("/api/v1/apps/{app}/users?limit=500"),
        None,
    )
    .await;
    let users = users.body.as_array().unwrap();
    assert!(users.iter().all(|u| u["externalId"].is_string()));
    // Statsig's SCIM id is the externalId.
    let some = users[0]["externalId"].as_str().unwrap();
    assert_eq!(
        scim(&s, "GET", &format!("/Users/{some}"), None)
            .await
            .status,
        200
    );
    // The groups assigned to the app, as Okta's group assignments list them.
    let assigned = all_pages(&s, &format!("/api/v1/apps/{app}/groups?limit=1")).await;
    let growth = group_id(&s, "Growth Lab").await;
    assert_eq!(
        assigned
            .iter()
            .map(|a| a["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec![growth.as_str()],
        "the demo assigns the app with Growth Lab"
    );
    assert_eq!(
        okta(&s, "GET", "/api/v1/apps/0oaNope/groups", None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn mappings_are_made_paged_changed_and_deleted_with_real_oktas_answers() {
    let s = sandbox_with(100_000).await;
    let app = statsig_app(&s).await;
    let source = group_id(&s, "Okta Test Team").await;
    let target = group_id(&s, "Statsig-Okta Test Proj-Test Team-Member").await;
    let path = mappings_path(&app);
    for (body, why) in [
        (json!({"targetGroupId": target}), "no source"),
        (json!({"sourceGroupId": source}), "no target"),
        (
            json!({"sourceGroupId": source, "targetGroupId": target, "targetGroupName": "x"}),
            "both targets",
        ),
        (
            json!({"sourceGroupId": source, "targetGroupId": target, "status": "ERROR"}),
            "ERROR is not an input",
        ),
    ] {
        let a = okta(&s, "POST", &path, Some(body)).await;
        assert_eq!(
            (a.status, a.body["errorCode"].as_str()),
            (400, Some("E0000001")),
            "{why}"
        );
    }
    let made = okta(
        &s,
        "POST",
        &path,
        Some(json!({"sourceGroupId": source, "targetGroupId": target, "status": "INACTIVE"})),
    )
    .await;
    assert_eq!(made.status, 200, "real Okta answers 200, not 201");
    let id = made.body["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("gPm") && id.len() == 20);
    assert!(made.body.get("lastPush").is_none() && made.body.get("errorSummary").is_none());
    let again = okta(
        &s,
        "POST",
        &path,
        Some(json!({"sourceGroupId": group_id(&s, "Fraud Squad").await, "targetGroupId": target})),
    )
    .await;
    assert_eq!(again.status, 400, "one source group per target");

    // Paging: cursor after the last id, followed through Link headers.
    let seen = all_pages(&s, &format!("{}{path}?limit=2", s.okta_url)).await;
    assert_eq!(seen.len(), 5, "four made in the console and this one");
    let by_source = okta(&s, "GET", &format!("{path}?sourceGroupId={source}"), None).await;
    assert_eq!(by_source.body.as_array().unwrap().len(), 1);

    // Activate, then delete: an ACTIVE mapping cannot be deleted.
    let one = format!("{path}/{id}");
    let active = okta(&s, "PATCH", &one, Some(json!({"status": "ACTIVE"}))).await;
    assert_eq!(active.body["status"], "ACTIVE");
    let refused = okta(
        &s,
        "DELETE",
        &format!("{one}?deleteTargetGroup=false"),
        None,
    )
    .await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body["errorSummary"]
            .as_str()
            .unwrap()
            .contains("INACTIVE")
    );
    okta(&s, "PATCH", &one, Some(json!({"status": "INACTIVE"}))).await;
    let gone = okta(
        &s,
        "DELETE",
        &format!("{one}?deleteTargetGroup=false"),
        None,
    )
    .await;
    assert!(matches!(gone.status, 200 | 204) && gone.body == Value::Null);
    for method in ["GET", "PATCH", "DELETE"] {
        let a = okta(&s, method, &one, Some(json!({"status": "ACTIVE"}))).await;
        assert_eq!(
            (a.status, a.body["errorCode"].as_str()),
            (404, Some("E0000007")),
            "{method} of a deleted mapping"
        );
    }
}

#[tokio::test]
async fn the_worker_pushes_links_changes_creates_and_deletes_like_okta() {
    let s = sandbox_with(100_000).await;
    let app = statsig_app(&s).await;
    let path = mappings_path(&app);
    let source = group_id(&s, "Okta Test Team").await;
    let target = group_id(&s, "Statsig-Okta Test Proj-Test Team-Member").await;
    let made = okta(
        &s,
        "POST",
        &path,
        Some(json!({"sourceGroupId": source, "targetGroupId": target})),
    )
    .await;
    let id = made.body["id"].as_str().unwrap().to_string();
    let team = "Statsig-Okta Test Proj-Test Team-Member";
    let expected = |s: &Sandbox| {
        let w = s.world();
        let members = w.okta_groups[&source].members.clone();
        w.pushable_scim_ids(&app, &members)
            .into_iter()
            .collect::<Vec<_>>()
    };
    wait_until(&s, "the link is pushed", async || {
        statsig_members(&s, team).await == Some(expected(&s))
    })
    .await;
    let one = okta(&s, "GET", &format!("{path}/{id}"), None).await;
    assert!(one.body["lastPush"].is_string());

    // A later change in Okta is pushed too.
    let newcomer = {
        let w = s.world();
        let assigned = &w.app_users[&app];
        w.okta_users
            .values()
            .find(|u| {
                u.status == "ACTIVE"
                    && assigned.get(&u.id).is_some_and(|a| a.external_id.is_some())
                    && !w.okta_groups[&source].members.contains(&u.id)
            })
            .unwrap()
            .id
            .clone()
    };
    let added = okta(
        &s,
        "PUT",
        &format!("/api/v1/groups/{source}/users/{newcomer}"),
        None,
    )
    .await;
    assert_eq!(added.status, 204);
    wait_until(&s, "the change is pushed", async || {
        statsig_members(&s, team).await == Some(expected(&s))
    })
    .await;

    // Create with a name Statsig refuses: ERROR with Statsig's reason.
    let bad = okta(
        &s,
        "POST",
        &path,
        Some(json!({"sourceGroupId": group_id(&s, "Pricing Council").await, "targetGroupName": "Statsig-Nowhere-Team-Member"})),
    )
    .await;
    let bad_id = bad.body["id"].as_str().unwrap().to_string();
    wait_until(&s, "the refusal puts the mapping in ERROR", async || {
        okta(&s, "GET", &format!("{path}/{bad_id}"), None)
            .await
            .body["status"]
            == "ERROR"
    })
    .await;
    let summary = okta(&s, "GET", &format!("{path}/{bad_id}"), None)
        .await
        .body["errorSummary"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(summary.contains("Statsig-Nowhere-Team-Member") && summary.contains("400"));

    // Create a real team, then unlink with Delete: the team goes from Statsig.
    let name = "Statsig-Checkout-Pricing Council-Member";
    let created = okta(
        &s,
        "POST",
        &path,
        Some(json!({"sourceGroupId": group_id(&s, "Growth Lab").await, "targetGroupName": name})),
    )
    .await;
    let created_id = created.body["id"].as_str().unwrap().to_string();
    wait_until(&s, "the team is created", async || {
        statsig_members(&s, name).await.is_some()
    })
    .await;
    let one = format!("{path}/{created_id}");
    okta(&s, "PATCH", &one, Some(json!({"status": "INACTIVE"}))).await;
    okta(&s, "DELETE", &format!("{one}?deleteTargetGroup=true"), None).await;
    wait_until(&s, "Delete removes the team", async || {
        statsig_members(&s, name).await.is_none()
    })
    .await;
}

#[tokio::test]
async fn the_apps_bucket_has_its_own_limit_and_okta_sdks_auth_form_is_accepted() {
    let s = sandbox_with(5).await;
    let mut last = None;
    for _ in 0..5 {
        last = Some(okta(&s, "GET", "/api/v1/apps?q=Statsig", None).await);
    }
    let last = last.unwrap();
    assert_eq!(last.headers["x-rate-limit-limit"], "5");
    let over = okta(&s, "GET", "/api/v1/apps", None).await;
    // The window opened at the first request and lasts a minute: the sixth is refused.
    assert_eq!(
        over.headers["x-rate-limit-reset"],
        last.headers["x-rate-limit-reset"]
    );
    assert_eq!(
        (over.status, over.body["errorCode"].as_str()),
        (429, Some("E0000047"))
    );
    let groups = okta(&s, "GET", "/api/v1/groups?limit=1", None).await;
    assert_eq!(groups.status, 200, "groups are another bucket");
    assert_ne!(groups.headers["x-rate-limit-limit"], "5");
    let no_space = common::Http::new()
        .call(
            "GET",
            &format!("{}/api/v1/groups?limit=1", s.okta_url),
            Some(format!("SSWS{}", s.okta_token.expose())),
            None,
        )
        .await;
    assert_eq!(no_space.status, 200);
}

#[tokio::test]
async fn import_now_brings_new_statsig_teams_into_okta() {
    let s = sandbox_with(100_000).await;
    let app = statsig_app(&s).await;
    let search = format!(
        "type eq \"APP_GROUP\" and source.id eq \"{app}\" and profile.name eq \"Statsig-Mobile-Payments-Wallet-Member\""
    );
    let url = format!("/api/v1/groups?search={}", enc(&search));
    assert_eq!(
        okta(&s, "GET", &url, None).await.body,
        json!([]),
        "not imported yet"
    );
    let imported = okta(&s, "POST", &format!("/sandbox/apps/{app}/import"), None).await;
    assert_eq!(imported.status, 200);
    assert!(imported.body["created"].as_u64().unwrap() >= 2);
    assert_eq!(
        okta(&s, "GET", &url, None)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn scim_names_what_it_created_in_location() {
    let s = sandbox_with(100_000).await;
    let made = scim(
        &s,
        "POST",
        "/Groups",
        Some(json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Statsig-Checkout-Located-Member"})),
    )
    .await;
    assert_eq!(made.status, 201);
    assert_eq!(
        made.headers["location"].to_str().unwrap(),
        made.body["meta"]["location"].as_str().unwrap()
    );
}
