//! What a retry cannot fix ends at once, with the real cause in one sentence: an untrusted
//! certificate (a self-signed HTTPS server on loopback), a host that does not resolve, a
//! URL that answers with a web page, a server that answers 404 for everything. Each ends
//! after one attempt (no retry wait) with its sentence in the engine's event and the CLI's
//! stderr (exit 2); a server that answers 503 twice and then 200 still succeeds.
#![allow(clippy::unwrap_used)]

mod common;

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use okta_statsig_teams::engine::config::Settings;
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::engine::runner::{Command, Event, JobKind};
use okta_statsig_teams::engine::secrets::MemoryStore;
use okta_statsig_teams::engine::{DataDir, EngineError};
use okta_statsig_teams::model::secret::Secret;
use okta_statsig_teams::net::{Observer, RequestRecord, RetryPolicy, WaitRecord};
use okta_statsig_teams::scim::ScimClient;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Requests and waits, as the transport reports them.
#[derive(Default)]
struct Seen {
    requests: AtomicUsize,
    waits: Mutex<Vec<String>>,
}

impl Observer for Seen {
    fn request(&self, _: RequestRecord) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
    fn wait(&self, w: WaitRecord) {
        self.waits.lock().unwrap().push(w.reason);
    }
}

/// Serves `router` on a loopback port; its base URL.
async fn serve(router: Router) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, router).await });
    format!("http://{addr}")
}

/// A client to `base` with the real retry policy, and what it reported.
fn client(
    base: &str,
) -> (
    Result<ScimClient, okta_statsig_teams::net::ApiError>,
    Arc<Seen>,
) {
    let seen = Arc::new(Seen::default());
    let c = ScimClient::new(base, Secret::new("t"), RetryPolicy::default(), seen.clone());
    (c, seen)
}

/// Checks `base`: the failure's sentence, after exactly one attempt and no wait.
async fn fails_at_once(base: &str) -> (String, bool) {
    let (c, seen) = client(base);
    let start = Instant::now();
    let e = c.unwrap().check().await.unwrap_err();
    eprintln!("{base}: {} in {:?}", e, start.elapsed());
    assert_eq!(
        seen.requests.load(Ordering::Relaxed),
        1,
        "{base}: one attempt, not retried"
    );
    assert!(
        seen.waits.lock().unwrap().is_empty(),
        "{base}: no retry wait"
    );
    (e.to_string(), e.is_configuration())
}

#[tokio::test]
async fn an_untrusted_certificate_is_named_with_the_fix_and_never_retried() {
    let base = format!("{}/scim", common::self_signed().await);
    let (sentence, config) = fails_at_once(&base).await;
    assert!(config, "a setting to change: {sentence}");
    assert!(
        sentence.contains("127.0.0.1") && sentence.contains("not trusted"),
        "{sentence}"
    );
    assert!(sentence.contains("certificate"), "{sentence}");
    assert!(
        sentence.contains("proxy") && sentence.contains("operating system"),
        "says what to do about a TLS-inspecting proxy: {sentence}"
    );
}

#[tokio::test]
async fn a_host_that_does_not_resolve_is_named_and_never_retried() {
    let (sentence, config) = fails_at_once("https://no-such-host.invalid/scim").await;
    assert!(config, "{sentence}");
    assert!(sentence.contains("no-such-host.invalid"), "{sentence}");
    assert!(sentence.contains("does not resolve"), "{sentence}");
}

#[tokio::test]
async fn a_web_page_and_a_404_everywhere_are_not_the_api() {
    let html = serve(Router::new().fallback(|| async {
        (
            [(axum::http::header::CONTENT_TYPE, "text/html")],
            "<html><body>Sign in</body></html>",
        )
    }))
    .await;
    let (sentence, config) = fails_at_once(&format!("{html}/scim")).await;
    assert!(config && sentence.contains("is not the API"), "{sentence}");
    assert!(sentence.contains("web page"), "{sentence}");
    let nothing = serve(Router::new().fallback(|| async { StatusCode::NOT_FOUND })).await;
    let (sentence, config) = fails_at_once(&format!("{nothing}/scim")).await;
    assert!(config && sentence.contains("is not the API"), "{sentence}");
    assert!(sentence.contains("404"), "{sentence}");
}

/// An empty SCIM list: what a working API answers.
fn empty_list() -> axum::response::Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/scim+json")],
        r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}"#,
    )
        .into_response()
}

/// A server whose k-th answer (from 0) is `answer(k)`, and a client to it with quick
/// retries and what it reported.
async fn scripted(
    answer: impl Fn(usize) -> axum::response::Response + Clone + Send + Sync + 'static,
) -> (ScimClient, Arc<Seen>) {
    let n = Arc::new(AtomicUsize::new(0));
    let base = serve(Router::new().fallback(move || {
        let k = n.fetch_add(1, Ordering::Relaxed);
        let answer = answer.clone();
        async move { answer(k) }
    }))
    .await;
    let seen = Arc::new(Seen::default());
    let c = ScimClient::new(
        &format!("{base}/scim"),
        Secret::new("t"),
        RetryPolicy {
            base_delay: Duration::from_millis(20),
            ..RetryPolicy::default()
        },
        seen.clone(),
    )
    .unwrap();
    (c, seen)
}

#[tokio::test]
async fn a_web_page_after_the_api_answered_is_read_again_not_called_a_wrong_url() {
    // The API answers, then once a proxy's page comes in place of an answer.
    let (c, seen) = scripted(|k| {
        if k == 1 {
            (
                [(axum::http::header::CONTENT_TYPE, "text/html")],
                "<html>bad gateway</html>",
            )
                .into_response()
        } else {
            empty_list()
        }
    })
    .await;
    c.check().await.unwrap();
    c.check().await.unwrap();
    assert_eq!(
        seen.requests.load(Ordering::Relaxed),
        3,
        "the page was read again"
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_briefly_not_for_half_an_hour() {
    // A port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (c, seen) = client(&format!("http://127.0.0.1:{port}/scim"));
    let e = c.unwrap().check().await.unwrap_err();
    assert!(e.to_string().contains("connection refused"), "{e}");
    let tries = seen.requests.load(Ordering::Relaxed);
    assert!(
        (2..=3).contains(&tries),
        "a few tries, then the sentence: {tries}"
    );
}

#[test]
fn the_okta_admin_console_and_a_statsig_url_without_scim_are_refused_before_sending() {
    let admin = okta_statsig_teams::net::check_okta_url("https://northwind-admin.okta.com")
        .unwrap_err()
        .to_string();
    assert!(
        admin.contains("northwind.okta.com"),
        "names the org URL to use: {admin}"
    );
    let no_scim = okta_statsig_teams::net::check_statsig_url("https://statsigapi.net")
        .unwrap_err()
        .to_string();
    assert!(no_scim.contains("/scim"), "{no_scim}");
}

#[tokio::test]
async fn two_503s_then_an_answer_still_succeed() {
    let (c, seen) = scripted(|k| {
        if k < 2 {
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        } else {
            empty_list()
        }
    })
    .await;
    c.check().await.unwrap();
    assert_eq!(seen.requests.load(Ordering::Relaxed), 3);
    assert_eq!(seen.waits.lock().unwrap().len(), 2);
}

#[test]
fn the_engine_and_the_cli_report_the_same_sentence_and_the_cli_exits_2() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let base = rt.block_on(common::self_signed());
    let sandbox = rt.block_on(common::sandbox());
    // The engine: Test connection ends with the sentence as a typed error.
    let data = tempfile::tempdir().unwrap();
    let handle = common::engine(Arc::new(MemoryStore::default()), DataDir::new(data.path()));
    let settings = Settings {
        statsig_url: format!("{base}/scim"),
        okta_url: sandbox.okta_url.clone(),
        push_mode: PushModeChoice::Direct,
        ..Settings::default()
    };
    handle.send(Command::TestConnection {
        settings: Box::new(settings),
        statsig_token: Some(Secret::new("t")),
        okta_token: Some(sandbox.okta_token.clone()),
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let outcome = loop {
        let done = handle
            .next_events(deadline)
            .into_iter()
            .find_map(|e| match e {
                Event::JobFinished {
                    kind: JobKind::TestConnection,
                    outcome,
                    ..
                } => Some(outcome),
                _ => None,
            });
        if let Some(o) = done {
            break o;
        }
        assert!(Instant::now() < deadline, "no outcome");
    };
    let e: EngineError = outcome.unwrap_err();
    assert!(e.to_string().contains("not trusted"), "{e}");
    // The CLI: the same sentence on stderr, exit 2, no colour codes.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
        .env("OKTA_STATSIG_TEAMS_DATA_DIR", data.path())
        .env("STATSIG_SCIM_TOKEN", "t")
        .env("OKTA_API_TOKEN", sandbox.okta_token.expose())
        .args([
            "--statsig-url",
            &format!("{base}/scim"),
            "--okta-url",
            &sandbox.okta_url,
            "--push-mode",
            "direct",
            "import",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not trusted"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "no terminal colour codes: {stderr:?}"
    );
}
