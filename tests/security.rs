//! The token never leaves the org: a hostile Okta and a hostile SCIM server on loopback
//! answer with paging links and `Location`s that point elsewhere (a user name before the
//! host, another port whose digits start with the org's, another scheme, a path outside
//! the base) and with a cross-origin 307; a second listener records whatever reaches it.
//! Nothing does, and the error names the link. With `HTTP_PROXY` set, loopback traffic
//! still goes straight to the org, while a real org's goes through the proxy.
#![allow(clippy::unwrap_used)]

mod common;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use okta_statsig_teams::model::secret::Secret;
use okta_statsig_teams::net::{ApiError, RetryPolicy, Silent};
use okta_statsig_teams::okta::OktaClient;
use okta_statsig_teams::scim::ScimClient;
use serde_json::json;
use std::io::{BufRead, Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOKEN: &str = "tok-secret-4711";

/// What reached a listener: the request line and its Authorization header, if any.
type Seen = Arc<Recorded>;

/// What the other listener saw (each request's first line and authorization), and a
/// way to wait for the first.
#[derive(Default)]
struct Recorded {
    lines: Mutex<Vec<String>>,
    arrived: std::sync::Condvar,
}

impl Recorded {
    fn lock(&self) -> std::sync::LockResult<std::sync::MutexGuard<'_, Vec<String>>> {
        self.lines.lock()
    }

    /// The first request seen, waiting for it until `limit` (`None` if none came).
    fn first_within(&self, limit: Duration) -> Option<String> {
        let lines = self.lines.lock().unwrap();
        let (lines, _) = self
            .arrived
            .wait_timeout_while(lines, limit, |l| l.is_empty())
            .unwrap();
        lines.first().cloned()
    }
}

/// A listener that records the first line and any Authorization header of every request
/// (plain TCP, so a proxy's `CONNECT` shows too), then closes the connection.
fn recorder_on(listener: std::net::TcpListener) -> Seen {
    let seen: Seen = Arc::default();
    let s = seen.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            let s = s.clone();
            std::thread::spawn(move || {
                let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                let mut reader = std::io::BufReader::new(&conn);
                let mut head = Vec::new();
                for line in reader.by_ref().lines() {
                    let Ok(line) = line else { break };
                    if line.is_empty() {
                        break;
                    }
                    if head.is_empty() || line.to_ascii_lowercase().starts_with("authorization") {
                        head.push(line);
                    }
                }
                if !head.is_empty() {
                    s.lock().unwrap().push(head.join(" | "));
                    s.arrived.notify_all();
                }
                let _ = (&conn).write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
            });
        }
    });
    seen
}

/// The other listener on a free port; its port.
fn recorder() -> (u16, Seen) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    (port, recorder_on(l))
}

/// A hostile server and the other listener, on ports where the other's digits start with
/// the server's (`:2543` and `:25439`), so a link that merely starts with the base URL
/// reaches the other listener.
async fn ports_sharing_a_prefix() -> (tokio::net::TcpListener, u16, Seen) {
    for _ in 0..50 {
        let other = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = other.local_addr().unwrap().port();
        if port < 10_240 {
            continue;
        }
        if let Ok(own) = tokio::net::TcpListener::bind(("127.0.0.1", port / 10)).await {
            return (own, port, recorder_on(other));
        }
    }
    panic!("no two free ports share a prefix")
}

/// The listener kept for the first case (on the port sharing a prefix), then fresh ones;
/// with its address.
async fn next_listener(
    own: &mut Option<tokio::net::TcpListener>,
) -> (tokio::net::TcpListener, String) {
    let listener = match own.take() {
        Some(l) => l,
        None => tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
    };
    let addr = listener.local_addr().unwrap().to_string();
    (listener, addr)
}

/// A URL made from the hostile server's own address.
type MakeUrl<'a> = &'a dyn Fn(&str) -> String;

fn no_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 1,
        timeout: Duration::from_secs(10),
        ..RetryPolicy::default()
    }
}

/// A hostile Okta whose users page carries `Link: <link>; rel="next"` (or a 307 to it).
fn hostile_okta(link: String, redirect: bool) -> Router {
    Router::new().fallback(move || {
        let link = link.clone();
        async move {
            if redirect {
                return (StatusCode::TEMPORARY_REDIRECT, [("location", link)], String::new())
                    .into_response();
            }
            let user = json!([{"id": "00u1", "status": "ACTIVE",
                "profile": {"login": "a@x.dev", "email": "a@x.dev", "firstName": "A", "lastName": "B"}}]);
            (
                [
                    ("content-type", "application/json".to_string()),
                    ("link", format!("<{link}>; rel=\"next\"")),
                ],
                user.to_string(),
            )
                .into_response()
        }
    })
}

/// Each link form, and a cross-origin 307: refused with the link named, and nothing with
/// or without the token reaches the other listener.
#[tokio::test]
async fn okta_links_and_redirects_elsewhere_never_receive_the_token() {
    let (own, other_port, seen) = ports_sharing_a_prefix().await;
    let other = format!("127.0.0.1:{other_port}");
    // The first case runs on the port the other's digits start with.
    let cases: [(MakeUrl, bool); 4] = [
        (
            &|_| format!("http://{other}/api/v1/users?after=00u1"),
            false,
        ),
        (
            &|own| format!("http://{own}@{other}/api/v1/users?after=00u1"),
            false,
        ),
        (
            &|own| format!("https://{own}/api/v1/users?after=00u1"),
            false,
        ),
        (&|_| format!("http://{other}/api/v1/users"), true),
    ];
    let mut own = Some(own);
    for (make, redirect) in cases {
        let (listener, addr) = next_listener(&mut own).await;
        let base = format!("http://{addr}");
        let link = make(&addr);
        let app = hostile_okta(link.clone(), redirect);
        tokio::spawn(async move { axum::serve(listener, app).await });
        let c = OktaClient::new(&base, Secret::new(TOKEN), no_retry(), Arc::new(Silent)).unwrap();
        let e = c.list_users(|| {}).await.unwrap_err();
        let said = e.to_string();
        assert!(said.contains(&link), "the error names the link: {said}");
        if redirect {
            assert!(
                matches!(e, ApiError::Redirect { status: 307, .. }),
                "{said}"
            );
            assert!(said.contains("not followed"), "{said}");
        } else {
            assert!(matches!(e, ApiError::Link { .. }), "{said}");
            assert!(said.contains("nothing was sent to it"), "{said}");
        }
    }
    // The recorder writes a request down before it answers, so anything sent to it was
    // recorded before the client's call returned: no wait is needed.
    assert_eq!(*seen.lock().unwrap(), Vec::<String>::new());
}

/// A link on the org's own server and under its path is followed as before.
#[tokio::test]
async fn a_link_on_the_org_itself_is_followed() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    let next = format!("{base}/api/v1/users?after=00u1");
    let app = Router::new().fallback(move |uri: axum::http::Uri| {
        let next = next.clone();
        async move {
            let (id, link) = if uri.query().unwrap_or_default().contains("after") {
                ("00u2", Vec::new())
            } else {
                ("00u1", vec![("link", format!("<{next}>; rel=\"next\""))])
            };
            let body = json!([{"id": id, "status": "ACTIVE",
                "profile": {"login": format!("{id}@x.dev"), "email": format!("{id}@x.dev"), "firstName": "A", "lastName": "B"}}]);
            let mut h = HeaderMap::new();
            for (k, v) in link {
                h.insert(k, v.parse().unwrap());
            }
            (h, [("content-type", "application/json")], body.to_string())
        }
    });
    tokio::spawn(async move { axum::serve(l, app).await });
    let c = OktaClient::new(&base, Secret::new(TOKEN), no_retry(), Arc::new(Silent)).unwrap();
    let users = c.list_users(|| {}).await.unwrap();
    assert_eq!(users.len(), 2);
}

/// A hostile SCIM server: a created group comes back with no body and a `Location`
/// elsewhere; reads are answered with a 307 elsewhere.
fn hostile_scim(location: String) -> Router {
    Router::new().fallback(move |method: axum::http::Method| {
        let location = location.clone();
        async move {
            if method == axum::http::Method::POST {
                (StatusCode::CREATED, [("location", location)], String::new()).into_response()
            } else {
                (
                    StatusCode::TEMPORARY_REDIRECT,
                    [("location", location)],
                    String::new(),
                )
                    .into_response()
            }
        }
    })
}

#[tokio::test]
async fn scim_locations_and_redirects_elsewhere_never_receive_the_token() {
    let (own, other_port, seen) = ports_sharing_a_prefix().await;
    let other = format!("127.0.0.1:{other_port}");
    // The first case runs on the port the other's digits start with.
    let locations: [MakeUrl; 4] = [
        &|_| format!("http://{other}/scim/Groups/g1"),
        &|own| format!("http://{own}@{other}/scim/Groups/g1"),
        &|own| format!("http://{own}/admin/Groups/g1"),
        &|own| format!("http://{own}/scim/../admin/g1"),
    ];
    let mut own = Some(own);
    for make in locations {
        let (listener, addr) = next_listener(&mut own).await;
        let base = format!("http://{addr}/scim");
        let location = make(&addr);
        let app = hostile_scim(location.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let c = ScimClient::new(&base, Secret::new(TOKEN), no_retry(), Arc::new(Silent)).unwrap();
        let e = c.create_group("Statsig-A-B-Member").await.unwrap_err();
        assert!(matches!(e, ApiError::Link { .. }), "{e}");
        assert!(e.to_string().contains(&location), "{e}");
        let e = c.list_users(None).await.unwrap_err();
        assert!(matches!(e, ApiError::Redirect { .. }), "{e}");
        assert!(e.to_string().contains(&location), "{e}");
    }
    // The recorder writes a request down before it answers, so anything sent to it was
    // recorded before the client's call returned: no wait is needed.
    assert_eq!(*seen.lock().unwrap(), Vec::<String>::new());
}

/// A `Location` on the server and under the base is read back (a 201 with no body).
#[tokio::test]
async fn a_location_under_the_base_is_read_back() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/scim", l.local_addr().unwrap());
    let location = format!("{base}/Groups/g%201");
    let app = Router::new().fallback(move |method: axum::http::Method, uri: axum::http::Uri| {
        let location = location.clone();
        async move {
            if method == axum::http::Method::POST {
                return (StatusCode::CREATED, [("location", location)], String::new())
                    .into_response();
            }
            assert_eq!(uri.path(), "/scim/Groups/g%201");
            let g = json!({"id": "g 1", "displayName": "Statsig-A-B-Member", "members": []});
            ([("content-type", "application/scim+json")], g.to_string()).into_response()
        }
    });
    tokio::spawn(async move { axum::serve(l, app).await });
    let c = ScimClient::new(&base, Secret::new(TOKEN), no_retry(), Arc::new(Silent)).unwrap();
    let g = c.create_group("Statsig-A-B-Member").await.unwrap();
    assert_eq!(g.id, "g 1");
}

/// The command line against the sandbox (its own process) with a proxy set in the
/// environment: loopback traffic never goes to the proxy, token or not.
#[test]
fn a_proxy_in_the_environment_never_sees_loopback_traffic() {
    let sandbox = common::SandboxProcess::spawn(&[
        "--statsig-token",
        "scim-proxy-test",
        "--okta-token",
        "okta-proxy-test",
    ]);
    let (proxy_port, seen) = recorder();
    let proxy = format!("http://127.0.0.1:{proxy_port}");
    let data = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
        .args([
            "--statsig-url",
            &sandbox.statsig_url,
            "--okta-url",
            &sandbox.okta_url,
        ])
        .args(["--push-mode", "direct", "teams"])
        .env("OKTA_STATSIG_TEAMS_DATA_DIR", data.path())
        .env("STATSIG_SCIM_TOKEN", "scim-proxy-test")
        .env("OKTA_API_TOKEN", "okta-proxy-test")
        .env("HTTP_PROXY", &proxy)
        .env("http_proxy", &proxy)
        .env("ALL_PROXY", &proxy)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Checkout"));
    assert_eq!(*seen.lock().unwrap(), Vec::<String>::new());
}

/// A real org's traffic goes through `HTTPS_PROXY`, as enterprises need (the proxy here
/// refuses the tunnel, so nothing leaves this computer).
#[test]
fn a_real_org_goes_through_the_proxy_in_the_environment() {
    let (proxy_port, seen) = recorder();
    let data = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
        .args([
            "--okta-url",
            "https://northwind.example.invalid",
            "--push-mode",
            "okta",
        ])
        .arg("teams")
        .env("OKTA_STATSIG_TEAMS_DATA_DIR", data.path())
        .env("OKTA_API_TOKEN", "okta-proxy-test")
        .env("HTTPS_PROXY", format!("http://127.0.0.1:{proxy_port}"))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let first = seen
        .first_within(Duration::from_secs(60))
        .unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.starts_with("CONNECT northwind.example.invalid:443"),
        "{first}"
    );
    assert!(
        !first.contains("okta-proxy-test"),
        "the tunnel request carries no token"
    );
}

/// A link planted where the old temp name was (`.{name}.tmp-{pid}`) is never followed:
/// the export lands in its file (user-only) and the link's target is untouched.
#[cfg(unix)]
#[test]
fn an_export_never_writes_through_a_planted_link() {
    use okta_statsig_teams::engine::files;
    use std::os::unix::fs::PermissionsExt;
    let shared = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let victim = elsewhere.path().join("victim.txt");
    std::fs::write(&victim, b"keep me").unwrap();
    let target = shared.path().join("members.csv");
    for name in [
        format!(".members.csv.tmp-{}", std::process::id()),
        ".members.csv.tmp".to_string(),
    ] {
        std::os::unix::fs::symlink(&victim, shared.path().join(name)).unwrap();
    }
    files::export_csv(&target, &["email"], &[vec!["ada@x.dev".into()]]).unwrap();
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "email\r\nada@x.dev\r\n"
    );
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let left: Vec<_> = std::fs::read_dir(shared.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert_eq!(
        left,
        vec![".members.csv.tmp".to_string()],
        "no temp file is left"
    );
}

/// `/dev/zero` (behind a link) and a named pipe as a snapshot: each refused at once with
/// one sentence, by the library and by `snapshot show`, without reading or waiting.
#[cfg(unix)]
#[test]
fn special_files_are_refused_as_snapshots() {
    use okta_statsig_teams::engine::files;
    let dir = tempfile::tempdir().unwrap();
    let zero = dir.path().join("zero.json");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let fifo = dir.path().join("pipe.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    for (path, kind) in [(&zero, "a device"), (&fifo, "a named pipe")] {
        let e = files::open_snapshot(path).unwrap_err().to_string();
        assert!(
            e.contains(kind) && e.contains("not a file") && e.contains(&path.display().to_string()),
            "{e}"
        );
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
            .args(["snapshot", "show"])
            .arg(path)
            .env("OKTA_STATSIG_TEAMS_DATA_DIR", dir.path().join("data"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break Some(s);
            }
            if started.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert_eq!(status.and_then(|s| s.code()), Some(2), "{stderr}");
        assert!(stderr.contains(kind), "{stderr}");
    }
}

/// Runs the command line on the data folder `data`; (exit code, stdout, stderr).
fn cli(data: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
        .args(args)
        .env("OKTA_STATSIG_TEAMS_DATA_DIR", data)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The pseudonym tag the unkeyed redaction gave an address (FNV-1a, 40 bits).
fn old_tag(email: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in email.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:010x}", h & 0xff_ffff_ffff)
}

/// Addresses guessed from the people's names (and the real ones), hashed every way the
/// old redaction did: none is in the redacted text, raw or hashed.
fn no_guess_matches(plain: &okta_statsig_teams::model::snapshot::Snapshot, text: &str) {
    let a1_text = text;
    // Addresses guessed from the names, hashed every way the old redaction did.
    let domain = &plain.org_domains[0];
    let mut guesses = Vec::new();
    for u in &plain.okta_users {
        let (f, l) = (u.first_name.to_lowercase(), u.last_name.to_lowercase());
        for local in [
            format!("{f}.{l}"),
            format!("{f}{l}"),
            format!("{}{l}", &f[..1]),
            f.clone(),
        ] {
            guesses.push(format!("{local}@{domain}"));
        }
        guesses.extend([u.email.clone(), u.login.clone(), u.email.to_lowercase()]);
    }
    assert!(guesses.len() > 1000);
    for g in &guesses {
        assert!(!a1_text.contains(&old_tag(g)), "{g} re-identified");
        assert!(!a1_text.contains(g.as_str()), "{g} is in the file");
    }
}

/// No id (Okta's, SCIM's, external, a mapping's, the app's), org domain or group
/// description of the plain file is in the redacted text.
fn no_real_id_domain_or_description(
    plain: &okta_statsig_teams::model::snapshot::Snapshot,
    text: &str,
) {
    let a1_text = text;
    // No real id, domain or description.
    let mut ids: Vec<String> = Vec::new();
    ids.extend(plain.statsig_users.iter().map(|u| u.id.clone()));
    ids.extend(plain.statsig_groups.iter().map(|g| g.id.clone()));
    ids.extend(plain.okta_users.iter().map(|u| u.id.clone()));
    ids.extend(plain.okta_groups.iter().map(|g| g.id.clone()));
    ids.extend(plain.mappings.iter().map(|m| m.id.clone()));
    let app = plain.okta_app.as_ref().unwrap();
    ids.push(app.app.id.clone());
    ids.extend(app.groups.iter().map(|g| g.id.clone()));
    ids.extend(app.users.iter().filter_map(|u| u.external_id.clone()));
    assert!(ids.len() > 600);
    for id in ids.iter().filter(|i| !i.is_empty()) {
        assert!(
            !a1_text.contains(&format!("\"{id}\"")),
            "id {id} is in the file"
        );
        if id.len() >= 8 {
            assert!(!a1_text.contains(id.as_str()), "id {id} is in the file");
        }
    }
    for d in &plain.org_domains {
        assert!(!a1_text.contains(d.as_str()), "{d} is in the file");
    }
    let descriptions: Vec<&String> = plain
        .okta_groups
        .iter()
        .map(|g| &g.description)
        .filter(|d| !d.is_empty())
        .collect();
    assert!(!descriptions.is_empty());
    for d in descriptions {
        assert!(!a1_text.contains(&format!("\"{d}\"")), "{d} is in the file");
    }
}

/// Redaction that holds, through the command line on the demo: two profiles give
/// different pseudonyms, one profile's two files the same (they compare); no address
/// guessed from the people's names and hashed the old way matches; no real id, domain or
/// description is in the file; a plain file compared with a redacted one is compared
/// fully with the profile that redacted it, and without members elsewhere, saying so.
#[test]
fn redacted_snapshots_are_keyed_per_profile() {
    use okta_statsig_teams::model::snapshot::Snapshot;
    let data = tempfile::tempdir().unwrap();
    for p in ["Alpha", "Beta"] {
        std::fs::create_dir_all(data.path().join("profiles").join(p)).unwrap();
    }
    let file = |n: &str| data.path().join(n).display().to_string();
    let export = |profile: &str, name: &str, redact: bool| {
        let out = file(name);
        let mut args = vec!["--demo", "--profile", profile, "import", "--out", &out];
        if redact {
            args.push("--redact");
        }
        let (code, _, err) = cli(data.path(), &args);
        assert_eq!(code, 0, "{err}");
        let text = std::fs::read_to_string(&out).unwrap();
        let snap = Snapshot::from_json(text.as_bytes()).unwrap();
        (text, snap)
    };
    let (plain_text, plain) = export("Alpha", "plain.json", false);
    let (a1_text, a1) = export("Alpha", "a1.json", true);
    let (_, a2) = export("Alpha", "a2.json", true);
    let (_, b) = export("Beta", "b.json", true);
    let emails = |s: &Snapshot| -> std::collections::BTreeSet<String> {
        s.statsig_users
            .iter()
            .map(|u| u.user_name.clone())
            .collect()
    };
    assert_eq!(emails(&a1), emails(&a2), "one profile: the same pseudonyms");
    assert!(
        emails(&a1).is_disjoint(&emails(&b)),
        "two profiles: none shared"
    );
    assert_eq!(emails(&a1).len(), plain.statsig_users.len());
    let (code, out, err) = cli(
        data.path(),
        &[
            "--profile",
            "Alpha",
            "snapshot",
            "diff",
            &file("a1.json"),
            &file("a2.json"),
        ],
    );
    assert_eq!((code, out.trim()), (0, "No differences."), "{err}");

    no_guess_matches(&plain, &a1_text);
    no_real_id_domain_or_description(&plain, &a1_text);
    assert!(plain_text.contains(plain.org_domains[0].as_str()));

    // Plain against redacted: fully, with the profile that redacted it; elsewhere the
    // members are not compared and the output says so.
    let (code, out, err) = cli(
        data.path(),
        &[
            "--profile",
            "Alpha",
            "snapshot",
            "diff",
            &file("plain.json"),
            &file("a1.json"),
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("this profile's key") && out.contains("No differences."),
        "{out}"
    );
    let (code, out, err) = cli(
        data.path(),
        &[
            "--profile",
            "Beta",
            "snapshot",
            "diff",
            &file("plain.json"),
            &file("a1.json"),
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("members are not compared"), "{out}");
    assert!(!out.contains("added"), "{out}");
    let (_, json, _) = cli(
        data.path(),
        &[
            "--profile",
            "Beta",
            "--json",
            "snapshot",
            "diff",
            &file("plain.json"),
            &file("b.json"),
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["members_changed"], serde_json::json!([]));
    assert!(
        v["note"].as_str().unwrap().contains("this profile's key"),
        "{v}"
    );
}

/// The sandbox answers a request addressed to another host (a page that rebound its own
/// name to 127.0.0.1) with 421 and a sentence, on both emulators, token or not; its own
/// address still works.
#[tokio::test]
async fn the_sandbox_refuses_a_foreign_host() {
    let s = common::sandbox().await;
    let client = reqwest::Client::new();
    for (url, auth) in [
        (
            format!("{}/Users?count=1", s.statsig_url),
            format!("Bearer {}", s.statsig_token.expose()),
        ),
        (
            format!("{}/api/v1/users?limit=1", s.okta_url),
            format!("SSWS {}", s.okta_token.expose()),
        ),
    ] {
        let port = reqwest::Url::parse(&url).unwrap().port().unwrap();
        let foreign = client
            .get(&url)
            .header("host", format!("rebind.attacker.example:{port}"))
            .header("authorization", &auth)
            .send()
            .await
            .unwrap();
        assert_eq!(foreign.status().as_u16(), 421);
        let said = foreign.text().await.unwrap();
        assert!(
            said.contains("rebind.attacker.example") && said.contains("127.0.0.1"),
            "{said}"
        );
        for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
            let own = client
                .get(&url)
                .header("host", host)
                .header("authorization", &auth)
                .send()
                .await
                .unwrap();
            assert_eq!(own.status().as_u16(), 200);
        }
    }
}

/// `login` on a terminal (a pty, driven by Python's `pty` module) does not echo the token
/// typed; the terminal shows the prompt and nothing of the token. No keyring is reachable
/// here (the D-Bus address is removed), so nothing is stored.
#[cfg(unix)]
#[test]
fn login_reads_tokens_from_a_terminal_without_echo() {
    let data = tempfile::tempdir().unwrap();
    let script = r#"
import os, pty, sys, select, time
binary, token = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(binary, [binary, "--okta-url", "https://echo-check.okta.com", "--push-mode", "okta", "login"])
seen = b""
def read_for(seconds, until=None):
    global seen
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            seen += chunk
            if until and until in seen:
                return
read_for(30, b"token: ")
os.write(fd, token.encode() + b"\n")
read_for(30)
os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
"#;
    let token = "tok-echo-check-90817";
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            script,
            env!("CARGO_BIN_EXE_okta-statsig-teams"),
            token,
        ])
        .env("OKTA_STATSIG_TEAMS_DATA_DIR", data.path())
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("OKTA_API_TOKEN")
        .output()
        .unwrap();
    let terminal = String::from_utf8_lossy(&out.stdout);
    assert!(terminal.contains("Okta API token: "), "{terminal}");
    assert!(
        !terminal.contains(token),
        "the token was echoed: {terminal}"
    );
}

/// The command line tightens a data folder (and the profile's) that something else made
/// readable by others to user-only, as the app does.
#[cfg(unix)]
#[test]
fn the_command_line_makes_the_data_folder_user_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let profile = data.join("profiles").join("Work");
    std::fs::create_dir_all(&profile).unwrap();
    for d in [&data, &profile] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let (code, _, err) = cli(&data, &["--profile", "Work", "forget-cache"]);
    assert_eq!(code, 0, "{err}");
    for d in [&data, &profile] {
        let mode = std::fs::metadata(d).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", d.display());
    }
}

/// ESC/OSC (a window title), BEL and a screen clear.
const EVIL: &str = "\u{1b}]0;owned\u{7}\u{1b}[2J";

/// A snapshot whose source URLs and names carry [`EVIL`].
fn hostile_snapshot(
    members: &[&str],
    okta_members: &[&str],
) -> okta_statsig_teams::model::snapshot::Snapshot {
    use okta_statsig_teams::model::Directory;
    use okta_statsig_teams::model::records::{OktaGroup, OktaUser, StatsigGroup, StatsigUser};
    use okta_statsig_teams::model::snapshot::{Snapshot, Source};
    let evil = EVIL;
    let user = |id: &str, email: &str| StatsigUser {
        id: id.into(),
        user_name: email.into(),
        given_name: "A".into(),
        family_name: "B".into(),
        email: email.into(),
        active: true,
        org_role: None,
    };
    let d = Directory::new(
        vec!["Checkout".into()],
        vec!["x.dev".into()],
        vec![user("s1", "a@x.dev"), user("s2", &format!("b{evil}@x.dev"))],
        vec![StatsigGroup {
            id: "g1".into(),
            display_name: format!("Statsig-Checkout-Pay{evil}-Member"),
            members: members.iter().map(|m| m.to_string()).collect(),
        }],
        vec![OktaUser {
            id: "o1".into(),
            status: "ACTIVE".into(),
            login: format!("o{evil}@x.dev"),
            email: format!("o{evil}@x.dev"),
            first_name: "O".into(),
            last_name: "K".into(),
        }],
        vec![OktaGroup {
            id: "og1".into(),
            name: format!("Group{evil}"),
            description: String::new(),
            kind: "OKTA_GROUP".into(),
            members: okta_members.iter().map(|m| m.to_string()).collect(),
            last_membership_updated: None,
            members_pending: false,
        }],
    );
    let source = Source {
        statsig_url: format!("https://statsigapi.net/scim{evil}"),
        okta_url: format!("https://x.okta.com{evil}"),
        demo: false,
    };
    Snapshot::capture("2026-01-01T00:00:00.000Z", source, &d, &[])
}

/// Text from a server or a file reaches the terminal escaped, never as escape sequences:
/// a snapshot whose source URL and names carry ESC/OSC and BEL (`snapshot show`, `snapshot
/// diff`), a group made in Okta with such a name (`groups`, from the sandbox), and an
/// error naming such a file.
#[test]
fn terminal_escapes_from_servers_and_files_are_shown_not_sent() {
    let evil = EVIL;
    let dir = tempfile::tempdir().unwrap();
    let before = dir.path().join("before.json");
    let after = dir.path().join("after.json");
    std::fs::write(&before, hostile_snapshot(&["s1"], &[]).to_json()).unwrap();
    std::fs::write(&after, hostile_snapshot(&["s2"], &["o1"]).to_json()).unwrap();
    let data = dir.path().join("data");
    let (b, a) = (before.display().to_string(), after.display().to_string());
    let missing = dir
        .path()
        .join(format!("gone{evil}.json"))
        .display()
        .to_string();
    let mut printed = String::new();
    for args in [
        vec!["snapshot", "show", b.as_str()],
        vec!["snapshot", "diff", b.as_str(), a.as_str()],
        vec!["snapshot", "show", missing.as_str()],
    ] {
        let (_, out, err) = cli(&data, &args);
        printed.push_str(&out);
        printed.push_str(&err);
    }
    // From a server: a group named with the same sequence, listed by `groups`.
    let sandbox =
        common::SandboxProcess::spawn(&["--okta-token", "okta-esc", "--statsig-token", "scim-esc"]);
    let made = tokio::runtime::Runtime::new().unwrap().block_on(async {
        reqwest::Client::new()
            .post(format!("{}/api/v1/groups", sandbox.okta_url))
            .header("authorization", "SSWS okta-esc")
            .json(&serde_json::json!({"profile": {"name": format!("Escape{evil}Club"), "description": ""}}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    assert_eq!(made, 200);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
        .args([
            "--statsig-url",
            &sandbox.statsig_url,
            "--okta-url",
            &sandbox.okta_url,
        ])
        .args(["--push-mode", "direct", "groups", "--search", "Escape"])
        .env("OKTA_STATSIG_TEAMS_DATA_DIR", &data)
        .env("STATSIG_SCIM_TOKEN", "scim-esc")
        .env("OKTA_API_TOKEN", "okta-esc")
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("Escape\\u{001B}]0;owned\\u{0007}"),
        "{listed}"
    );
    printed.push_str(&listed);
    assert!(printed.contains("Pay\\u{001B}"), "{printed}");
    assert!(printed.contains("https://x.okta.com\\u{001B}"), "{printed}");
    assert!(printed.contains("gone\\u{001B}"), "{printed}");
    assert!(
        !printed.contains(['\u{1b}', '\u{7}']),
        "a raw escape reached the terminal: {printed:?}"
    );
}

/// The demo's Okta push worker (in the command line's own process) talks to its Statsig
/// emulator on loopback without a proxy, whatever the environment says: activating a
/// mapping makes it push, and the proxy sees nothing.
#[test]
fn the_demos_push_worker_never_goes_through_a_proxy() {
    let (proxy_port, seen) = recorder();
    let proxy = format!("http://127.0.0.1:{proxy_port}");
    let data = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
        .args(["--demo", "activate", "Warehouse Crew", "--yes"])
        .env("OKTA_STATSIG_TEAMS_DATA_DIR", data.path())
        .env("HTTP_PROXY", &proxy)
        .env("http_proxy", &proxy)
        .env("ALL_PROXY", &proxy)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, listed, _) = cli(data.path(), &["--demo", "mappings"]);
    assert_eq!(code, 0);
    assert!(
        listed
            .lines()
            .any(|l| l.contains("Warehouse Crew") && l.contains("Active")),
        "{listed}"
    );
    assert_eq!(*seen.lock().unwrap(), Vec::<String>::new());
}
