//! The Okta emulator's System Log over real HTTP: the demo's seeded history, the events a
//! mapping change and a push (or a failed one) write, `GET /api/v1/logs` with its filter,
//! time bounds, sort order and `Link` paging, its own rate-limit bucket, and Okta's 403
//! for a token without `okta.logs.read`.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Http, enc, okta};
use okta_statsig_teams::sandbox::limits::OktaLimits;
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use std::time::Duration;

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        okta_push_delay: Duration::from_millis(50),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// The id of the push mapping whose source group is `source`.
fn mapping_of(s: &Sandbox, source: &str) -> String {
    let w = s.world();
    let gid = w.okta_group_by_name(source).unwrap().id.clone();
    w.push_mappings
        .values()
        .find(|m| m.source_group_id == gid)
        .unwrap()
        .id
        .clone()
}

fn statsig_app(s: &Sandbox) -> String {
    let w = s.world();
    w.apps
        .values()
        .find(|a| a.label == "Statsig SCIM")
        .unwrap()
        .id
        .clone()
}

fn group(s: &Sandbox, name: &str) -> String {
    s.world().okta_group_by_name(name).unwrap().id.clone()
}

fn logs_path(query: &[(&str, &str)]) -> String {
    let q: Vec<String> = query
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect();
    format!("/api/v1/logs?{}", q.join("&"))
}

fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all("link")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|l| l.contains("rel=\"next\""))
        .map(|l| l[1..l.find('>').unwrap()].to_string())
}

/// Every event of a read, following `Link: rel="next"`; and how many pages it took.
async fn all_pages(s: &Sandbox, first: &str) -> (Vec<Value>, usize) {
    let mut url = first.to_string();
    let (mut seen, mut pages) = (Vec::new(), 0);
    loop {
        let page = okta(s, "GET", &url, None).await;
        assert_eq!(page.status, 200, "{}", page.body);
        pages += 1;
        seen.extend(page.body.as_array().unwrap().iter().cloned());
        match next_link(&page.headers) {
            Some(n) => url = n,
            None => return (seen, pages),
        }
    }
}

fn types(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["eventType"].as_str().unwrap())
        .collect()
}

fn target_filter(id: &str) -> String {
    format!("target.id eq \"{id}\"")
}

#[tokio::test]
async fn the_demos_history_tells_who_made_changed_and_failed_each_mapping() {
    let s = sandbox().await;
    let growth = mapping_of(&s, "Growth Lab");
    let (events, _) = all_pages(&s, &logs_path(&[("filter", &target_filter(&growth))])).await;
    assert_eq!(
        types(&events),
        [
            "application.provision.group_push.mapping.created",
            "application.provision.group_push.mapping.update.or.delete.failed.with.error",
            "application.provision.group_push.mapping.update.or.delete.failed.with.error",
            "application.provision.group_push.mapping.update.or.delete.failed.with.error",
        ],
        "created, then failed three times, oldest first"
    );
    assert_eq!(events[0]["actor"]["displayName"], "Dana Okafor");
    for failed in &events[1..] {
        assert_eq!(failed["outcome"]["result"], "FAILURE");
        assert_eq!(failed["severity"], "ERROR");
        assert_eq!(failed["actor"]["type"], "SystemPrincipal");
        let reason = failed["outcome"]["reason"].as_str().unwrap();
        assert!(reason.contains("Statsig answered 400"), "{reason}");
        assert!(reason.chars().count() <= 255, "{reason}");
    }
    let kinds: Vec<&str> = events[0]["target"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["AppInstance", "UserGroup", "AppGroup", "GroupPushMapping"]
    );
    let published: Vec<&str> = events
        .iter()
        .map(|e| e["published"].as_str().unwrap())
        .collect();
    assert!(published.windows(2).all(|w| w[0] <= w[1]), "{published:?}");

    let ios = mapping_of(&s, "iOS Guild");
    let (made, _) = all_pages(
        &s,
        &logs_path(&[(
            "filter",
            &format!(
                "eventType sw \"app.user_management.grouppush\" and {}",
                target_filter(&ios)
            ),
        )]),
    )
    .await;
    assert_eq!(
        types(&made),
        ["app.user_management.grouppush.mapping.created.from.rule"]
    );

    let warehouse = mapping_of(&s, "Warehouse Crew");
    let (off, _) = all_pages(
        &s,
        &logs_path(&[(
            "filter",
            &format!(
                "eventType eq \"application.provision.group_push.deactivate_mapping\" and {}",
                target_filter(&warehouse)
            ),
        )]),
    )
    .await;
    assert_eq!(off.len(), 1);
    assert_eq!(off[0]["actor"]["displayName"], "Jordan Reyes");

    // `or` joins two event types; the app assignment of Growth Lab is among them.
    let (either, _) = all_pages(
        &s,
        &logs_path(&[(
            "filter",
            "eventType eq \"group.application_assignment.add\" or eventType eq \"app.user_management.grouppush.mapping.created.from.rule\"",
        )]),
    )
    .await;
    let mut kinds = types(&either);
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "app.user_management.grouppush.mapping.created.from.rule",
            "group.application_assignment.add"
        ]
    );
    let growth_group = group(&s, "Growth Lab");
    assert!(either.iter().any(|e| {
        e["target"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == growth_group.as_str())
    }));
}

#[tokio::test]
async fn paging_follows_link_next_in_either_order_within_since_and_until() {
    let s = sandbox().await;
    let (whole, pages) = all_pages(&s, &logs_path(&[("limit", "1000")])).await;
    assert_eq!(pages, 1);
    assert!(whole.len() >= 8, "the seeded history: {}", whole.len());
    let (paged, pages) = all_pages(&s, &logs_path(&[("limit", "3")])).await;
    assert_eq!(pages, whole.len().div_ceil(3));
    let uuids = |e: &[Value]| -> Vec<String> {
        e.iter()
            .map(|x| x["uuid"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(uuids(&paged), uuids(&whole));
    let (backwards, _) = all_pages(
        &s,
        &logs_path(&[("limit", "2"), ("sortOrder", "DESCENDING")]),
    )
    .await;
    let mut reversed = uuids(&whole);
    reversed.reverse();
    assert_eq!(uuids(&backwards), reversed);
    let mut unique = uuids(&whole);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), whole.len(), "every uuid is its own");

    // `since` is inclusive, `until` exclusive.
    let times: Vec<&str> = whole
        .iter()
        .map(|e| e["published"].as_str().unwrap())
        .collect();
    let (since, until) = (times[1], times[times.len() - 1]);
    let (bounded, _) = all_pages(
        &s,
        &logs_path(&[("since", since), ("until", until), ("limit", "2")]),
    )
    .await;
    let expected: Vec<String> = whole
        .iter()
        .filter(|e| {
            let p = e["published"].as_str().unwrap();
            p >= since && p < until
        })
        .map(|e| e["uuid"].as_str().unwrap().to_string())
        .collect();
    assert!(!expected.is_empty() && expected.len() < whole.len());
    assert_eq!(uuids(&bounded), expected);
}

#[tokio::test]
async fn bad_parameters_get_oktas_400_naming_what_is_wrong() {
    let s = sandbox().await;
    for (query, code, names) in [
        (
            vec![("filter", "eventType eq")],
            "E0000031",
            "Invalid search criteria",
        ),
        (
            vec![("filter", "eventType xx \"a\"")],
            "E0000031",
            "Invalid search criteria",
        ),
        (vec![("since", "yesterday")], "E0000001", "since"),
        (vec![("until", "2026-13-45")], "E0000001", "until"),
        (
            vec![
                ("since", "2026-02-01T00:00:00Z"),
                ("until", "2026-01-01T00:00:00Z"),
            ],
            "E0000001",
            "since",
        ),
        (vec![("sortOrder", "SIDEWAYS")], "E0000001", "sortOrder"),
        (vec![("limit", "many")], "E0000001", "limit"),
    ] {
        let r = okta(&s, "GET", &logs_path(&query), None).await;
        assert_eq!(r.status, 400, "{query:?}");
        assert_eq!(r.body["errorCode"], code, "{query:?}");
        let summary = r.body["errorSummary"].as_str().unwrap();
        assert!(summary.contains(names), "{query:?}: {summary}");
        assert!(r.body["errorId"].is_string() && r.body["errorCauses"].is_array());
    }
}

#[tokio::test]
async fn the_logs_bucket_counts_on_its_own_and_answers_429() {
    let s = Sandbox::start(SandboxConfig {
        okta_limits: OktaLimits {
            logs: 2,
            ..OktaLimits::none().with_apps(1)
        },
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    for left in ["1", "0"] {
        let r = okta(&s, "GET", "/api/v1/logs", None).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.headers["x-rate-limit-limit"], "2");
        assert_eq!(r.headers["x-rate-limit-remaining"], left);
    }
    let refused = okta(&s, "GET", "/api/v1/logs?limit=5", None).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.body["errorCode"], "E0000047");
    assert!(refused.headers.contains_key("x-rate-limit-reset"));
    // Other buckets are not spent by the log, nor the log by them.
    assert_eq!(okta(&s, "GET", "/api/v1/apps", None).await.status, 200);
    assert_eq!(
        okta(&s, "GET", "/api/v1/users?limit=1", None).await.status,
        200
    );
    s.end_okta_rate_windows();
    assert_eq!(okta(&s, "GET", "/api/v1/logs", None).await.status, 200);
}

#[tokio::test]
async fn a_token_without_the_logs_scope_gets_oktas_403_and_keeps_the_rest() {
    let s = sandbox().await;
    let token = s.okta_token_without_logs_scope();
    let call = |path: &str| {
        let url = format!("{}{path}", s.okta_url);
        let auth = format!("SSWS {}", token.expose());
        async move { Http::new().call("GET", &url, Some(auth), None).await }
    };
    let refused = call("/api/v1/logs").await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.body["errorCode"], "E0000006");
    let challenge = refused.headers["www-authenticate"].to_str().unwrap();
    assert!(challenge.contains("insufficient_scope") && challenge.contains("okta.logs.read"));
    assert_eq!(call("/api/v1/users?limit=1").await.status, 200);
    assert_eq!(call("/api/v1/apps").await.status, 200);
    // The main token still reads the log; a made-up token reads nothing.
    assert_eq!(okta(&s, "GET", "/api/v1/logs", None).await.status, 200);
    let stranger = Http::new()
        .call(
            "GET",
            &format!("{}/api/v1/logs", s.okta_url),
            Some("SSWS 00nologs-not-made".into()),
            None,
        )
        .await;
    assert_eq!(stranger.status, 401);
}

/// The event types written about `mapping`, oldest first.
async fn mapping_events(s: &Sandbox, mapping: &str) -> Vec<Value> {
    all_pages(s, &logs_path(&[("filter", &target_filter(mapping))]))
        .await
        .0
}

#[tokio::test]
async fn mapping_changes_and_the_workers_pushes_are_logged_with_counts() {
    let s = sandbox().await;
    let app = statsig_app(&s);
    let path = format!("/api/v1/apps/{app}/group-push/mappings");
    let made = okta(
        &s,
        "POST",
        &path,
        Some(json!({"sourceGroupId": group(&s, "Okta Test Team"),
                    "targetGroupId": group(&s, "Statsig-Okta Test Proj-Test Team-Member")})),
    )
    .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let id = made.body["id"].as_str().unwrap().to_string();
    assert!(
        s.until_async(Duration::from_secs(20), async || {
            types(&mapping_events(&s, &id).await)
                .contains(&"application.provision.group_push.pushed")
        })
        .await,
        "the push is logged"
    );
    let pushed = mapping_events(&s, &id).await;
    let push = pushed
        .iter()
        .find(|e| e["eventType"] == "application.provision.group_push.pushed")
        .unwrap();
    assert_eq!(push["outcome"]["result"], "SUCCESS");
    assert_eq!(push["actor"]["type"], "SystemPrincipal");
    let members = s.world().push_mappings[&id].pushed.len().to_string();
    assert_eq!(
        push["debugContext"]["debugData"]["groupMembers"],
        members.as_str()
    );
    assert_eq!(pushed[0]["actor"]["displayName"], "Okta API admin");

    // A later membership change is pushed as such, with its count.
    let source = group(&s, "Okta Test Team");
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
    let put = format!("/api/v1/groups/{source}/users/{newcomer}");
    assert_eq!(okta(&s, "PUT", &put, None).await.status, 204);
    let memberships = "application.provision.group_push.push_memberships";
    assert!(
        s.until_async(Duration::from_secs(20), async || {
            types(&mapping_events(&s, &id).await).contains(&memberships)
        })
        .await,
        "the membership push is logged"
    );
    let events = mapping_events(&s, &id).await;
    let change = events
        .iter()
        .find(|e| e["eventType"] == memberships)
        .unwrap();
    assert_eq!(change["debugContext"]["debugData"]["membersAdded"], "1");
    assert_eq!(change["debugContext"]["debugData"]["membersRemoved"], "0");

    let off = okta(
        &s,
        "PATCH",
        &format!("{path}/{id}"),
        Some(json!({"status": "INACTIVE"})),
    )
    .await;
    assert_eq!(off.status, 200);
    let deleted = okta(&s, "DELETE", &format!("{path}/{id}"), None).await;
    assert_eq!(deleted.status, 200);
    let after = types(&mapping_events(&s, &id).await)
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    assert_eq!(
        after[after.len() - 2..],
        [
            "application.provision.group_push.deactivate_mapping",
            "application.provision.group_push.mapping.deleted"
        ]
    );
    assert_eq!(after[0], "application.provision.group_push.mapping.created");
}

#[tokio::test]
async fn a_push_statsig_refuses_is_logged_with_oktas_reason() {
    let s = sandbox().await;
    let app = statsig_app(&s);
    let path = format!("/api/v1/apps/{app}/group-push/mappings");
    // A push Statsig refuses: a failure with Okta's reason, the mapping's errorSummary.
    let bad = okta(
        &s,
        "POST",
        &path,
        Some(json!({"sourceGroupId": group(&s, "Pricing Council"),
                    "targetGroupName": "Statsig-Nowhere-Team-Member"})),
    )
    .await;
    let bad_id = bad.body["id"].as_str().unwrap().to_string();
    let failed = "application.provision.group_push.mapping.update.or.delete.failed.with.error";
    assert!(
        s.until_async(Duration::from_secs(20), async || {
            types(&mapping_events(&s, &bad_id).await).contains(&failed)
        })
        .await,
        "the failure is logged"
    );
    let events = mapping_events(&s, &bad_id).await;
    let failure = events.iter().find(|e| e["eventType"] == failed).unwrap();
    let summary = okta(&s, "GET", &format!("{path}/{bad_id}"), None)
        .await
        .body["errorSummary"]
        .clone();
    // Okta's reason holds 255 characters at most: the summary, cut where it must be.
    let (reason, summary) = (
        failure["outcome"]["reason"].as_str().unwrap(),
        summary.as_str().unwrap(),
    );
    assert!(reason.chars().count() <= 255, "{reason}");
    assert!(
        summary.starts_with(reason.trim_end_matches('…'))
            && reason.contains("Statsig answered 400"),
        "{reason} / {summary}"
    );
    assert_eq!(failure["outcome"]["result"], "FAILURE");
}
