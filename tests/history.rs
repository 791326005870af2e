//! History over real HTTP: Okta's System Log read by the engine (paged with `after`, under
//! the logs bucket's own limit, incrementally, kept with the profile's cache), a token
//! without `okta.logs.read`, a page that cannot be read, a crafted paging link, and the
//! app's own journal in both push modes.
#![allow(clippy::unwrap_used)]

mod common;

use okta_statsig_teams::engine::Workspace;
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::engine::workspace::history::{JOURNAL_FILE, LOG_CACHE_FILE};
use okta_statsig_teams::model::history::{self, Subject, What};
use okta_statsig_teams::net::{RequestRecord, RetryPolicy, WaitRecord};
use okta_statsig_teams::okta::OktaClient;
use okta_statsig_teams::sandbox::faults::OneOff;
use okta_statsig_teams::sandbox::limits::OktaLimits;
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Each request's path, query and status.
#[derive(Default)]
struct Seen(Mutex<Vec<(String, Option<u16>)>>);

impl okta_statsig_teams::net::Observer for Seen {
    fn request(&self, r: RequestRecord) {
        self.0.lock().unwrap().push((r.path, r.status));
    }
    fn wait(&self, _: WaitRecord) {}
}

impl Seen {
    fn logs(&self) -> Vec<Option<u16>> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p == "/api/v1/logs")
            .map(|(_, s)| *s)
            .collect()
    }
}

async fn sandbox(limits: OktaLimits) -> Sandbox {
    Sandbox::start(SandboxConfig {
        okta_push_delay: Duration::from_millis(50),
        okta_limits: limits,
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(10),
        ..RetryPolicy::default()
    }
}

async fn open(
    s: &Sandbox,
    mode: PushModeChoice,
    dir: &std::path::Path,
    seen: Arc<Seen>,
) -> Workspace {
    let conn = okta_statsig_teams::engine::Connection {
        push_mode: mode,
        ..common::connection(s)
    };
    let mut ws = common::open(conn, dir, policy(), seen);
    ws.import(|_| {}).await.unwrap();
    ws
}

fn growth(ws: &Workspace) -> Subject {
    let m = ws
        .mappings()
        .iter()
        .find(|m| m.okta_group_name == "Growth Lab")
        .unwrap();
    Subject::of([m])
}

#[tokio::test]
async fn growth_labs_history_is_its_creation_and_three_failures_then_only_whats_new_is_read() {
    let s = sandbox(OktaLimits::none()).await;
    let dir = tempfile::tempdir().unwrap();
    let seen = Arc::new(Seen::default());
    let mut ws = open(&s, PushModeChoice::Auto, dir.path(), seen.clone()).await;
    let h = ws.history().await.unwrap();
    assert!(h.notes.is_empty(), "{:?}", h.notes);
    assert!(h.new_events > 0);
    let t = history::timeline(&h.events, &h.journal, Some(&growth(&ws)), None);
    let whats: Vec<What> = t.iter().map(|e| e.what).collect();
    assert_eq!(
        whats
            .iter()
            .filter(|w| **w != What::Assignment)
            .copied()
            .collect::<Vec<_>>(),
        [
            What::Created,
            What::FailedNeedsAdmin,
            What::FailedNeedsAdmin,
            What::FailedNeedsAdmin
        ],
        "{t:#?}"
    );
    assert_eq!(t[0].who, "Dana Okafor");
    // The first read reaches back past the mappings' own records: iOS Guild's mapping was
    // made by a rule before its record's creation.
    let ios = history::Subject::of(
        ws.mappings()
            .iter()
            .filter(|m| m.okta_group_name == "iOS Guild"),
    );
    let ios = history::timeline(&h.events, &h.journal, Some(&ios), None);
    assert!(ios.iter().any(|e| e.what == What::MadeByRule), "{ios:#?}");
    for failed in t.iter().filter(|e| e.what.failed()) {
        let reason = failed.reason.as_deref().unwrap();
        assert!(reason.contains("Statsig answered 400"), "{reason}");
        assert_eq!(failed.who, "Okta");
    }
    let from = h.okta_from.clone().unwrap();
    assert!(
        from.as_str() <= t[0].at.as_str(),
        "the timeline says where it starts: {from}"
    );
    let cache = dir.path().join(LOG_CACHE_FILE);
    let text = std::fs::read_to_string(&cache).unwrap();
    assert!(
        !text.contains(s.okta_token.expose()),
        "no token in the cache"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&cache).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "user-only: {mode:o}");
    }

    // Nothing new: the next read gets only what it already has, in one page.
    seen.0.lock().unwrap().clear();
    let again = ws.history().await.unwrap();
    assert_eq!(again.new_events, 0);
    assert_eq!(again.events.len(), h.events.len());
    assert_eq!(seen.logs(), [Some(200)]);

    // The app activates Warehouse Crew's inactive mapping: Okta logs it, the journal too.
    let crew = ws
        .mappings()
        .iter()
        .find(|m| m.okta_group_name == "Warehouse Crew")
        .unwrap()
        .id
        .clone();
    ws.set_active_confirmed(&crew, true, usize::MAX)
        .await
        .unwrap();
    let after = ws.history().await.unwrap();
    assert!(after.new_events >= 1, "Okta's activate event is new");
    assert!(
        after.new_events < 5,
        "only what is new: {}",
        after.new_events
    );
    let m = ws.mappings().iter().find(|m| m.id == crew).unwrap();
    let t = history::timeline(&after.events, &after.journal, Some(&Subject::of([m])), None);
    let last_three: Vec<(What, &str)> =
        t.iter().rev().take(3).map(|e| (e.what, e.source)).collect();
    assert!(
        last_three.contains(&(What::AppAction, "app"))
            && last_three.contains(&(What::Activated, "okta")),
        "the app's own action beside Okta's event: {t:#?}"
    );
    assert!(dir.path().join(JOURNAL_FILE).exists());
}

#[tokio::test]
async fn ten_thousand_events_are_read_in_pages_under_the_logs_bucket_and_meet_no_429() {
    // The log bucket allows exactly the pages the read needs.
    let s = sandbox(OktaLimits {
        logs: 11,
        ..OktaLimits::none()
    })
    .await;
    assert!(okta_statsig_teams::sandbox::history::add_pushes(
        &mut s.world(),
        "iOS Guild",
        10_000
    ));
    let dir = tempfile::tempdir().unwrap();
    let seen = Arc::new(Seen::default());
    let mut ws = open(&s, PushModeChoice::Auto, dir.path(), seen.clone()).await;
    let h = ws.history().await.unwrap();
    assert!(h.notes.is_empty(), "{:?}", h.notes);
    assert!(h.events.len() > 10_000, "{}", h.events.len());
    assert_eq!(
        h.pages, 11,
        "pages of 1,000, followed through Link: rel=\"next\""
    );
    let logs = seen.logs();
    assert!(
        logs.iter().all(|st| *st == Some(200)),
        "no request met a 429: {logs:?}"
    );
    assert_eq!(logs.len(), 11);
    // The bucket is spent to its bound, not past it.
    let refused = common::okta(&s, "GET", "/api/v1/logs?limit=1", None).await;
    assert_eq!(refused.status, 429);
}

#[tokio::test]
async fn a_token_without_the_logs_scope_gets_one_sentence_and_the_journal_still_shows() {
    let s = sandbox(OktaLimits::none()).await;
    let dir = tempfile::tempdir().unwrap();
    let conn = okta_statsig_teams::engine::Connection {
        push_mode: PushModeChoice::Auto,
        okta_token: s.okta_token_without_logs_scope(),
        ..common::connection(&s)
    };
    let mut ws = common::open(conn, dir.path(), policy(), Arc::new(Seen::default()));
    ws.import(|_| {}).await.unwrap();
    let crew = ws
        .mappings()
        .iter()
        .find(|m| m.okta_group_name == "Warehouse Crew")
        .unwrap()
        .id
        .clone();
    ws.set_active_confirmed(&crew, true, usize::MAX)
        .await
        .unwrap();
    let h = ws.history().await.unwrap();
    assert_eq!(h.notes.len(), 1, "{:?}", h.notes);
    assert!(h.notes[0].contains("okta.logs.read"), "{}", h.notes[0]);
    assert!(h.events.is_empty());
    assert_eq!(h.journal.len(), 1);
    assert_eq!(h.journal[0].action, "activate");
    assert!(h.journal[0].ok);
    // Health names what the token may not do, and what that hides.
    assert_eq!(
        ws.access().logs_read,
        okta_statsig_teams::model::health::Permission::Denied("Okta answered 403".into())
    );
    let findings =
        okta_statsig_teams::model::health::check(okta_statsig_teams::model::health::Input {
            dir: ws.directory(),
            mappings: ws.mappings(),
            other_feeds: &ws.other_feeds(),
            access: &ws.access(),
            now: &okta_statsig_teams::clock::now(),
        });
    assert!(
        findings
            .iter()
            .any(|f| f.what.contains("may not read Okta's System Log")
                && f.fix.contains("okta.logs.read")),
        "{findings:#?}"
    );
}

#[tokio::test]
async fn a_page_that_cannot_be_read_is_named_and_what_was_read_still_shows() {
    let s = sandbox(OktaLimits::none()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(
        &s,
        PushModeChoice::Auto,
        dir.path(),
        Arc::new(Seen::default()),
    )
    .await;
    let first = ws.history().await.unwrap();
    s.okta_faults
        .answer_next("GET", "/api/v1/logs", OneOff::ServerError, 100);
    let h = ws.history().await.unwrap();
    s.okta_faults.clear_next();
    assert_eq!(h.notes.len(), 1, "{:?}", h.notes);
    assert!(
        h.notes[0].starts_with("A page of Okta's System Log could not be read"),
        "{}",
        h.notes[0]
    );
    assert_eq!(h.events, first.events, "what was read before still shows");
}

#[tokio::test]
async fn direct_push_keeps_the_apps_own_journal_of_what_it_pushed() {
    let s = sandbox(OktaLimits::none()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(
        &s,
        PushModeChoice::Direct,
        dir.path(),
        Arc::new(Seen::default()),
    )
    .await;
    let (okta, statsig) = common::pair(
        &ws,
        "Payments Engineers",
        "Statsig-Checkout-Payments-Member",
    );
    let m = ws
        .link_confirmed(&okta, &statsig, true, usize::MAX)
        .await
        .unwrap();
    ws.push(&m.id).await.unwrap();
    let bad = ws.push("m-none").await;
    assert!(bad.is_err());
    let h = ws.history().await.unwrap();
    assert_eq!(h.okta_from, None, "Direct push reads no System Log");
    let t = history::timeline(&h.events, &h.journal, Some(&Subject::of([&m])), None);
    let says: Vec<&str> = t.iter().map(|e| e.says.as_str()).collect();
    assert_eq!(t.len(), 2, "{says:?}");
    assert!(says[0].starts_with("link done"), "{says:?}");
    assert!(says[1].starts_with("push done"), "{says:?}");
    let text = std::fs::read_to_string(dir.path().join(JOURNAL_FILE)).unwrap();
    assert!(!text.contains(s.statsig_token.expose()) && !text.contains(s.okta_token.expose()));
}

/// A server whose first log page links to a second page on another host.
async fn crafted_server(hits: Arc<Mutex<Vec<String>>>) -> String {
    use axum::routing::get;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().route(
        "/api/v1/logs",
        get(move |uri: axum::http::Uri| {
            let hits = hits.clone();
            async move {
                hits.lock().unwrap().push(uri.to_string());
                let body = serde_json::json!([{
                    "uuid": "e1", "published": "2026-01-05T09:00:00.000Z",
                    "eventType": "application.provision.group_push.pushed",
                    "displayMessage": "Push group to app", "actor": {}, "outcome": {"result": "SUCCESS"},
                    "target": []
                }]);
                (
                    [(
                        "link",
                        "<https://evil.example.com/api/v1/logs?after=e1>; rel=\"next\"",
                    )],
                    axum::Json(body),
                )
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

#[tokio::test]
async fn a_crafted_link_to_another_host_never_gets_the_token_and_the_first_page_stays() {
    let hits = Arc::new(Mutex::new(Vec::new()));
    let base = crafted_server(hits.clone()).await;
    let client = OktaClient::new(
        &base,
        okta_statsig_teams::model::secret::Secret::new("00tok"),
        policy(),
        Arc::new(Seen::default()),
    )
    .unwrap();
    let read = client
        .log_events(
            &history::log_filter("0oa1"),
            "2026-01-01T00:00:00.000Z",
            1000,
        )
        .await;
    assert_eq!(read.events.len(), 1, "the page read stays");
    let failed = read.failed.expect("the link is refused").to_string();
    assert!(
        failed.contains("evil.example.com") || failed.contains("link"),
        "{failed}"
    );
    assert_eq!(hits.lock().unwrap().len(), 1, "nothing followed the link");
}
