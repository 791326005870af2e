//! What a new admin hits, tried as one would: Cancel during a retry wait, a change of
//! connection while a job runs, names that read two ways when projects are inferred, the
//! app and the CLI on one data folder, user-only files whoever runs first, and a watch
//! right after a link that reports nothing that did not happen.
#![allow(clippy::unwrap_used)]

mod common;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::engine::runner::{self, Command, Event, JobKind, Target};
use okta_statsig_teams::engine::secrets::MemoryStore;
use okta_statsig_teams::engine::{Connection, DataDir, EngineError};
use okta_statsig_teams::model::ParsedName;
use okta_statsig_teams::model::mapping::MappingStatus;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A SCIM endpoint that is always busy: 503 with `Retry-After: 60`; and how many requests
/// it has had.
async fn always_busy() -> (String, Arc<Mutex<Vec<String>>>) {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let recorded = asked.clone();
    let router = Router::new().fallback(move |req: axum::extract::Request| async move {
        recorded
            .lock()
            .unwrap()
            .push(format!("{} {}", req.method(), req.uri()));
        let mut r = StatusCode::SERVICE_UNAVAILABLE.into_response();
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        r
    });
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, router).await });
    (format!("http://{addr}/scim"), asked)
}

/// Requests the busy server was asked more than once: a retry sends the same request
/// again (every answer was a 503 asking to wait 60 s). Requests already on their way
/// when a cancel comes may still arrive; a repeat may not.
fn nothing_retried(asked: &Mutex<Vec<String>>, after: &str) {
    let all = asked.lock().unwrap().clone();
    assert!(!all.is_empty(), "the busy server was asked");
    let mut seen = std::collections::BTreeSet::new();
    let again: Vec<&String> = all.iter().filter(|r| !seen.insert(*r)).collect();
    assert!(again.is_empty(), "retried after {after}: {again:?}");
}

/// Events until one matches, failing after `limit`.
fn until(
    h: &common::Engine,
    seen: &mut Vec<Event>,
    limit: Duration,
    what: &str,
    hit: impl Fn(&Event) -> bool,
) -> Event {
    let deadline = Instant::now() + limit;
    loop {
        for e in h.next_events(deadline) {
            let done = hit(&e);
            seen.push(e.clone());
            if done {
                return e;
            }
        }
        assert!(Instant::now() < deadline, "no {what} within {limit:?}");
    }
}

#[test]
fn cancel_ends_a_retry_wait_and_a_new_connection_preempts_the_running_job() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (busy, asked) = rt.block_on(always_busy());
    let sandbox = rt.block_on(common::sandbox());
    let (data, state) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let h = common::engine(Arc::new(MemoryStore::default()), DataDir::new(data.path()));
    let stuck = Connection {
        statsig_url: busy,
        push_mode: PushModeChoice::Direct,
        ..common::connection(&sandbox)
    };
    let connect = |c: Connection, label: &str| {
        Command::Connect(Target::Direct {
            connection: Box::new(c),
            state_dir: state.path().to_path_buf(),
            label: label.into(),
            demo: false,
        })
    };
    let mut seen = Vec::new();
    h.send(connect(stuck.clone(), "busy org"));
    let wait = until(
        &h,
        &mut seen,
        Duration::from_secs(10),
        "a retry wait",
        |e| matches!(e, Event::Activity(runner::Activity::Wait(_))),
    );
    let Event::Activity(runner::Activity::Wait(wait)) = wait else {
        unreachable!()
    };
    assert_eq!(
        wait.wait,
        Duration::from_secs(60),
        "the server's Retry-After"
    );
    // Cancel: the 60-second wait ends (well before it would have: `until` gives up after
    // 10 s), the job says it was cancelled, and nothing was sent again.
    h.cancel();
    let end = until(
        &h,
        &mut seen,
        Duration::from_secs(10),
        "the end of the job",
        |e| matches!(e, Event::JobFinished { .. }),
    );
    let Event::JobFinished { outcome, .. } = end else {
        unreachable!()
    };
    let error = outcome.unwrap_err();
    assert!(matches!(error, EngineError::Cancelled), "{error:?}");
    assert_eq!(error.to_string(), "Cancelled; nothing more was sent.");
    nothing_retried(&asked, "Cancel");
    // Again stuck; this time a new connection pre-empts it, and nothing of the busy org
    // shows under the new label: Connecting comes before the new Connected.
    h.send(connect(stuck, "busy org"));
    until(
        &h,
        &mut seen,
        Duration::from_secs(10),
        "a retry wait",
        |e| matches!(e, Event::Activity(runner::Activity::Wait(_))),
    );
    seen.clear();
    h.send(connect(common::connection(&sandbox), "sandbox"));
    until(
        &h,
        &mut seen,
        Duration::from_secs(30),
        "the new connection",
        |e| {
            matches!(
                e,
                Event::JobFinished {
                    kind: JobKind::Connect,
                    outcome: Ok(_),
                    ..
                }
            )
        },
    );
    let connecting = seen
        .iter()
        .position(|e| matches!(e, Event::Connecting))
        .unwrap();
    let connected = seen
        .iter()
        .position(|e| matches!(e, Event::Connected(c) if c.label == "sandbox"))
        .unwrap();
    assert!(connecting < connected);
    assert!(
        !seen[connected..]
            .iter()
            .any(|e| matches!(e, Event::Connected(c) if c.label == "busy org")),
        "the busy org never shows again"
    );
}

#[tokio::test]
async fn with_projects_inferred_a_name_that_reads_two_ways_is_never_a_team() {
    let s = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection {
        projects: Vec::new(),
        ..common::connection(&s)
    };
    let mut ws = common::open(
        conn,
        dir.path(),
        Default::default(),
        Arc::new(okta_statsig_teams::net::Silent),
    );
    ws.import(|_| {}).await.unwrap();
    let d = ws.directory();
    for name in [
        "Statsig-Mobile-Payments-Admin",
        "Statsig-Mobile-Payments-Member",
        "Statsig-Mobile-Payments-Core-Member",
    ] {
        let i = d
            .statsig_group_index(&d.statsig_group_by_name(name).unwrap().id)
            .unwrap();
        assert!(
            matches!(d.parsed(i), ParsedName::Ambiguous { .. }),
            "{name}: {:?}",
            d.parsed(i)
        );
        assert!(d.unreadable().iter().any(|u| u.group == i));
    }
    assert!(
        !d.teams()
            .get("Mobile")
            .is_some_and(|t| t.contains_key("Payments")),
        "never offered as team Payments of Mobile"
    );
    assert!(
        d.teams()["Mobile"].contains_key("iOS"),
        "plain teams still read"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_ends_the_clis_retry_wait_at_once() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (busy, asked) = rt.block_on(always_busy());
    let sandbox = rt.block_on(common::sandbox());
    let data = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
        .env("OKTA_STATSIG_TEAMS_DATA_DIR", data.path())
        .env("STATSIG_SCIM_TOKEN", sandbox.statsig_token.expose())
        .env("OKTA_API_TOKEN", sandbox.okta_token.expose())
        .args(["--statsig-url", &busy, "--okta-url", &sandbox.okta_url])
        .args(["--push-mode", "direct", "import"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Statsig answers 503 with Retry-After 60: the CLI says it waits to retry.
    let (lines, said) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut stderr = Vec::new();
    while !stderr
        .iter()
        .any(|l: &String| l.contains("retrying in 60 s"))
    {
        stderr.push(
            said.recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("no retry wait announced: {stderr:?}")),
        );
    }
    // The shell's own kill: Ctrl-C is SIGINT.
    let kill = std::process::Command::new("sh")
        .args(["-c", &format!("kill -INT {}", child.id())])
        .status()
        .unwrap();
    assert!(kill.success());
    // The CLI ends without waiting out the 60 s it announced (the channel closes when it
    // exits; 30 s is only how long the test waits before calling it stuck).
    loop {
        match said.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => stderr.push(line),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                panic!("the CLI still runs after Ctrl-C: {stderr:?}");
            }
        }
    }
    let status = child.wait().unwrap();
    let stderr = stderr.join("\n");
    assert!(!status.success());
    assert!(
        stderr.contains("Cancelled; nothing more was sent."),
        "{stderr}"
    );
    nothing_retried(&asked, "Ctrl-C");
}

/// The CLI on the demo the app serves, in `data` (both in the demo's own push mode).
fn cli(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
        .env("OKTA_STATSIG_TEAMS_DATA_DIR", data)
        .arg("--demo")
        .args(args)
        .output()
        .unwrap()
}

/// The app's engine on the demo in `data`, connected.
fn demo_app(data: &std::path::Path) -> (common::Engine, Vec<Event>) {
    let h = common::engine(Arc::new(MemoryStore::default()), DataDir::new(data));
    let mut seen = Vec::new();
    h.send(Command::Connect(Target::Demo { reset: false }));
    until(&h, &mut seen, Duration::from_secs(60), "the demo", |e| {
        matches!(
            e,
            Event::JobFinished {
                kind: JobKind::Connect,
                outcome: Ok(_),
                ..
            }
        )
    });
    (h, seen)
}

#[test]
fn the_app_and_the_cli_on_one_demo_see_each_others_changes() {
    let data = tempfile::tempdir().unwrap();
    let (h, mut seen) = demo_app(data.path());
    // The CLI changes an Okta group in the demo the app serves.
    let out = cli(
        data.path(),
        &[
            "add-member",
            "--group",
            "Pricing Council",
            "--user",
            "zoe.khan@northwind.dev",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The app's next import sees it (the CLI wrote into the app's sandbox, not a copy).
    h.send(Command::Import);
    let dir = until(&h, &mut seen, Duration::from_secs(60), "the import", |e| {
        matches!(
            e,
            Event::JobFinished {
                kind: JobKind::Import,
                ..
            }
        )
    });
    assert!(matches!(dir, Event::JobFinished { outcome: Ok(_), .. }));
    let d = seen
        .iter()
        .rev()
        .find_map(|e| match e {
            Event::Directory { directory, .. } => Some(directory.clone()),
            _ => None,
        })
        .unwrap();
    let zoe = d
        .okta_user_by_email("zoe.khan@northwind.dev")
        .unwrap()
        .id
        .clone();
    assert!(
        d.okta_group_by_name("Pricing Council")
            .unwrap()
            .members
            .contains(&zoe)
    );
}

#[test]
fn a_mapping_the_cli_makes_and_deactivates_shows_in_the_app_without_a_click() {
    let data = tempfile::tempdir().unwrap();
    let (h, mut seen) = demo_app(data.path());
    // Both steer Okta's push here, the demo's default.
    let out = cli(
        data.path(),
        &[
            "link",
            "--okta-group",
            "Pricing Council",
            "--statsig-group",
            "Statsig-Checkout-Fraud Detection-Member",
            "--yes",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = |status: MappingStatus| {
        move |e: &Event| {
            matches!(e, Event::Mappings(m)
                if m.iter().any(|m| m.okta_group_name == "Pricing Council" && m.status == status))
        }
    };
    until(
        &h,
        &mut seen,
        Duration::from_secs(10),
        "the CLI's mapping",
        shown(MappingStatus::Active),
    );
    let id = seen
        .iter()
        .rev()
        .find_map(|e| match e {
            Event::Mappings(m) => m.iter().find(|m| m.okta_group_name == "Pricing Council"),
            _ => None,
        })
        .unwrap()
        .id
        .clone();
    let out = cli(data.path(), &["deactivate", &id]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    until(
        &h,
        &mut seen,
        Duration::from_secs(10),
        "the CLI's deactivation",
        shown(MappingStatus::Inactive),
    );
}

#[cfg(unix)]
#[test]
fn the_data_folder_and_the_window_state_are_user_only_whoever_runs_first() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // The app first.
    let root = tempfile::tempdir().unwrap();
    let data = DataDir::new(root.path().join("app-first"));
    let file = okta_statsig_teams::ui::private_window_state(&data).unwrap();
    // eframe rewrites the file in place; the permissions stay.
    std::fs::write(&file, "(window: ())").unwrap();
    assert_eq!(mode(data.path()), 0o700);
    assert_eq!(mode(&file), 0o600);
    // The CLI first.
    let cli_first = root.path().join("cli-first");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
        .env("OKTA_STATSIG_TEAMS_DATA_DIR", &cli_first)
        .args(["--demo", "import"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(mode(&cli_first), 0o700);
    for entry in walk(&cli_first) {
        let want = if entry.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&entry), want, "{}", entry.display());
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

#[tokio::test]
async fn a_watch_right_after_a_link_reports_nothing_that_did_not_happen() {
    let s = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = common::workspace(&s, dir.path());
    ws.import(|_| {}).await.unwrap();
    let (okta, target) = common::pair(
        &ws,
        "Payments Engineers",
        "Statsig-Checkout-Payments-Member",
    );
    ws.link(&okta, &target, true).await.unwrap();
    let r = ws.watch_once().await.unwrap();
    assert_eq!(r.okta_groups_changed, 0, "{r:?}");
    assert!(r.pushed.is_empty() && r.drifted.is_empty(), "{r:?}");
}
