//! The SCIM client against servers it did not write: short pages and missing `Resources`
//! from a minimal server, and the independent python `scim2-server`.
#![allow(clippy::unwrap_used)]

mod common;

use axum::extract::Query;
use axum::routing::get;
use okta_statsig_teams::model::plan::{MemberRef, batch};
use okta_statsig_teams::model::secret::Secret;
use okta_statsig_teams::net::{RetryPolicy, Silent};
use okta_statsig_teams::scim::RemoveForm;
use okta_statsig_teams::scim::ScimClient;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

fn client(base: &str, token: &str) -> ScimClient {
    ScimClient::new(
        base,
        Secret::new(token),
        RetryPolicy {
            base_delay: Duration::from_millis(10),
            ..RetryPolicy::default()
        },
        Arc::new(Silent),
    )
    .unwrap()
}

/// A server with 23 users that answers at most 3 per page whatever is asked, and leaves
/// `Resources` out of empty pages.
async fn stingy_server() -> String {
    async fn users(Query(q): Query<HashMap<String, String>>) -> axum::Json<Value> {
        let start: usize = q
            .get("startIndex")
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        let items: Vec<Value> = (start..start + 3)
            .filter(|i| *i <= 23)
            .map(|i| json!({"id": format!("u{i:02}"), "userName": format!("u{i}@x.io")}))
            .collect();
        let mut body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": "23", "itemsPerPage": items.len(), "startIndex": start});
        if !items.is_empty() {
            body["Resources"] = Value::Array(items);
        }
        axum::Json(body)
    }
    let app = axum::Router::new().route("/scim/Users", get(users));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/scim", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::test]
async fn paging_survives_short_pages_and_a_string_total() {
    let url = stingy_server().await;
    let c = client(&url, "t");
    let users = c.list_users(None).await.unwrap();
    let ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
    let expected: Vec<String> = (1..=23).map(|i| format!("u{i:02}")).collect();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn paging_concurrently_reports_progress_against_the_sandbox() {
    let s = common::sandbox().await;
    let mut c = client(&s.statsig_url, s.statsig_token.expose());
    c.page_size = 17;
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    let users = c
        .list_users(Some(Arc::new(move |d, t| {
            sink.lock().unwrap().push((d, t))
        })))
        .await
        .unwrap();
    assert_eq!(users.len(), 262);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 262usize.div_ceil(17));
    assert!(seen.iter().any(|(d, t)| d == t));
    // An insecure or malformed URL never gets a token.
    let e = ScimClient::new(
        "http://statsig.example.com/scim",
        Secret::new("x"),
        RetryPolicy::default(),
        Arc::new(Silent),
    )
    .unwrap_err();
    assert!(e.to_string().contains("plain http"), "{e}");
}

struct Peer {
    child: Child,
    url: String,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts python `scim2-server` from the venv `scripts/test.sh` installs.
async fn scim2_server(token: &str) -> Peer {
    let bin = std::env::var("SCIM2_SERVER_BIN")
        .unwrap_or_else(|_| format!("{}/.venv/bin/scim2-server", env!("CARGO_MANIFEST_DIR")));
    assert!(
        std::path::Path::new(&bin).exists(),
        "python scim2-server is not installed at {bin}; run scripts/test.sh, which installs it in .venv"
    );
    let port = free_port();
    let child = Command::new(&bin)
        .args([
            "--hostname",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--tenant",
            "scim",
            "--bearer-token",
            token,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("scim2-server starts");
    let url = format!("http://127.0.0.1:{port}/scim/v2");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Peer { child, url }
}

#[tokio::test]
async fn import_create_push_and_delete_against_python_scim2_server() {
    let peer = scim2_server("peer-token").await;
    let c = client(&peer.url, "peer-token");
    c.server_config().await.unwrap();
    // Users to push (Okta provisions them in production).
    let mut users = Vec::new();
    for i in 0..12 {
        users.push(
            c.create_user(
                &format!("person{i:02}@northwind.dev"),
                "Person",
                &format!("{i:02}"),
            )
            .await
            .unwrap(),
        );
    }
    let imported = c.list_users(None).await.unwrap();
    assert_eq!(imported.len(), 12);
    assert_eq!(
        c.find_user("PERSON03@northwind.dev")
            .await
            .unwrap()
            .unwrap()
            .id,
        users[3].id,
        "userName eq is case-insensitive"
    );
    // Create a team group, then push memberships in batches of 5.
    let group = c
        .create_group("Statsig-Checkout-Peer Team-Member")
        .await
        .unwrap();
    assert!(group.members.is_empty());
    c.set_batch_size(5, None);
    let refs = |r: std::ops::Range<usize>| -> Vec<MemberRef> {
        r.map(|i| MemberRef {
            id: users[i].id.as_str().into(),
            display: users[i].user_name.as_str().into(),
        })
        .collect()
    };
    for b in batch(&[], &refs(0..10), c.batch_size()) {
        c.patch_members(&group.id, &b).await.unwrap();
    }
    let mut got = c.get_group(&group.id).await.unwrap().members;
    got.sort();
    let mut want: Vec<String> = users[0..10].iter().map(|u| u.id.clone()).collect();
    want.sort();
    assert_eq!(got, want);
    // Removal: the strict server refuses a remove with a value, so the RFC form is kept;
    // a client that starts in the other form falls back and remembers.
    c.set_remove_form(RemoveForm::ValueList);
    for b in batch(&refs(0..3), &refs(10..12), c.batch_size()) {
        c.patch_members(&group.id, &b).await.unwrap();
    }
    assert_eq!(
        c.remove_form(),
        RemoveForm::Filter,
        "fell back to the RFC form and remembered it"
    );
    let mut got = c.get_group(&group.id).await.unwrap().members;
    got.sort();
    let mut want: Vec<String> = users[3..12].iter().map(|u| u.id.clone()).collect();
    want.sort();
    assert_eq!(got, want);
    let groups = c.list_groups(None).await.unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(
        c.find_group("statsig-checkout-peer team-member")
            .await
            .unwrap()
            .unwrap()
            .id,
        group.id
    );
    c.delete_group(&group.id).await.unwrap();
    assert!(c.get_group(&group.id).await.unwrap_err().is_not_found());
    c.delete_group(&group.id).await.unwrap();
}
