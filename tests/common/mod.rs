//! Helpers shared by the integration tests: a sandbox on loopback and raw HTTP calls.
#![allow(dead_code)]

use okta_statsig_teams::engine::state::StateStore;
use okta_statsig_teams::engine::{Connection, Workspace};
use okta_statsig_teams::net::{RetryPolicy, Silent};
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

pub mod notifications;

pub async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox starts")
}

pub struct Http {
    pub client: reqwest::Client,
}

/// One raw answer: status, headers, JSON body (Null when empty).
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Http {
    pub fn new() -> Self {
        Http {
            client: reqwest::Client::new(),
        }
    }

    pub async fn call(
        &self,
        method: &str,
        url: &str,
        auth: Option<String>,
        body: Option<Value>,
    ) -> Answer {
        let mut b = self.client.request(method.parse().unwrap(), url);
        if let Some(a) = auth {
            b = b.header("authorization", a);
        }
        if let Some(v) = body {
            b = b
                .header("content-type", "application/scim+json")
                .body(v.to_string());
        }
        let r = b.send().await.expect("request sent");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap_or_default();
        let body = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Answer {
            status,
            headers,
            body,
        }
    }
}

/// SCIM calls with the sandbox's bearer token.
pub async fn scim(s: &Sandbox, method: &str, path: &str, body: Option<Value>) -> Answer {
    Http::new()
        .call(
            method,
            &format!("{}{}", s.statsig_url, path),
            Some(format!("Bearer {}", s.statsig_token.expose())),
            body,
        )
        .await
}

/// Okta calls with the sandbox's SSWS token; `path_or_url` may be a full URL (Link headers).
pub async fn okta(s: &Sandbox, method: &str, path_or_url: &str, body: Option<Value>) -> Answer {
    let url = if path_or_url.starts_with("http") {
        path_or_url.to_string()
    } else {
        format!("{}{}", s.okta_url, path_or_url)
    };
    Http::new()
        .call(
            method,
            &url,
            Some(format!("SSWS {}", s.okta_token.expose())),
            body,
        )
        .await
}

pub fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The connection to a sandbox, with its projects and domain.
pub fn connection(s: &Sandbox) -> Connection {
    Connection {
        statsig_url: s.statsig_url.clone(),
        statsig_token: s.statsig_token.clone(),
        okta_url: s.okta_url.clone(),
        okta_token: s.okta_token.clone(),
        projects: s.projects(),
        org_domains: vec![s.org_domain()],
        batch_size: 0,
        guard: Default::default(),
        // Direct push: this app pushes over SCIM (Okta push has tests of its own).
        push_mode: okta_statsig_teams::engine::connection::PushModeChoice::Direct,
        ..Default::default()
    }
}

/// A workspace on `conn` with its state in `dir`.
pub fn open(
    conn: Connection,
    dir: &std::path::Path,
    policy: RetryPolicy,
    observer: Arc<dyn okta_statsig_teams::net::Observer>,
) -> Workspace {
    Workspace::open(
        conn,
        StateStore::new(dir.join("state.json")),
        policy,
        observer,
    )
    .expect("workspace opens")
    .0
}

/// A workspace on `conn` with its state in `dir`, whose requests end when `cancel` is set.
pub fn open_with_cancel(
    conn: Connection,
    dir: &std::path::Path,
    policy: RetryPolicy,
    observer: Arc<dyn okta_statsig_teams::net::Observer>,
    cancel: okta_statsig_teams::net::CancelToken,
) -> Workspace {
    Workspace::open_with(
        conn,
        StateStore::new(dir.join("state.json")),
        policy,
        observer,
        cancel,
    )
    .expect("workspace opens")
    .0
}

/// A workspace on the sandbox with its state in `dir`.
pub fn workspace(s: &Sandbox, dir: &std::path::Path) -> Workspace {
    let policy = RetryPolicy {
        base_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    open(connection(s), dir, policy, Arc::new(Silent))
}

/// Records each request's method and path.
#[derive(Default)]
pub struct Requests(pub std::sync::Mutex<Vec<(String, String)>>);

impl okta_statsig_teams::net::Observer for Requests {
    fn request(&self, r: okta_statsig_teams::net::RequestRecord) {
        self.0.lock().unwrap().push((r.method, r.path));
    }
    fn wait(&self, _: okta_statsig_teams::net::WaitRecord) {}
}

impl Requests {
    pub fn clear(&self) {
        self.0.lock().unwrap().clear();
    }

    pub fn with_method(&self, method: &str) -> usize {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(m, _)| m == method)
            .count()
    }
}

/// `okta-statsig-teams sandbox` in its own process, stopped when dropped.
pub struct SandboxProcess {
    child: std::process::Child,
    pub statsig_url: String,
    pub okta_url: String,
    /// Every `key=value` line it printed (the URLs and its tokens).
    pub printed: std::collections::HashMap<String, String>,
}

impl SandboxProcess {
    pub fn spawn(args: &[&str]) -> SandboxProcess {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
            .arg("sandbox")
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the sandbox starts");
        let lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let mut printed = std::collections::HashMap::new();
        for line in lines.take(5) {
            let line = line.unwrap();
            if let Some((k, v)) = line.split_once('=') {
                printed.insert(k.to_string(), v.to_string());
            }
        }
        SandboxProcess {
            child,
            statsig_url: printed.get("statsig_scim_url").cloned().unwrap_or_default(),
            okta_url: printed.get("okta_url").cloned().unwrap_or_default(),
            printed,
        }
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Statsig member emails of a group, read straight from the sandbox, sorted.
pub fn statsig_emails(s: &Sandbox, group: &str) -> Option<Vec<String>> {
    statsig_emails_in(&s.world(), group)
}

/// [`statsig_emails`] in a world already at hand (a wait's look at it).
pub fn statsig_emails_in(
    w: &okta_statsig_teams::sandbox::world::World,
    group: &str,
) -> Option<Vec<String>> {
    let ids = w.group_member_ids(group)?;
    let mut emails: Vec<String> = ids
        .iter()
        .filter_map(|id| w.users.get(id))
        .map(|u| u["userName"].as_str().unwrap().to_lowercase())
        .collect();
    emails.sort();
    Some(emails)
}

/// The emails of the Okta group `group`'s members that a push brings to Statsig (active,
/// with a Statsig user), read straight from the sandbox, lowercase and sorted: what the
/// team group holds once the group is pushed.
pub fn okta_pushable_emails(s: &Sandbox, group: &str) -> Vec<String> {
    let w = s.world();
    let g = w.okta_group_by_name(group).expect("the Okta group exists");
    let mut emails: Vec<String> = g
        .members
        .iter()
        .filter_map(|id| w.okta_users.get(id))
        .filter(|u| u.status == "ACTIVE" && w.user_id_by_name(&u.email).is_some())
        .map(|u| u.email.to_lowercase())
        .collect();
    emails.sort();
    emails
}

/// The ids of an Okta group and a Statsig group, by name, from the imported directory.
pub fn pair(ws: &Workspace, okta_group: &str, statsig_group: &str) -> (String, String) {
    let d = ws.directory();
    (
        d.okta_group_by_name(okta_group)
            .expect("the Okta group is imported")
            .id
            .clone(),
        d.statsig_group_by_name(statsig_group)
            .expect("the Statsig group is imported")
            .id
            .clone(),
    )
}

/// An HTTPS server on loopback whose certificate nobody trusts (self-signed).
pub async fn self_signed() -> String {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let cert = CertificateDer::from_pem_file(dir.join("selfsigned-cert.pem")).unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("selfsigned-key.pem")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = l.accept().await {
            let acceptor = acceptor.clone();
            // The handshake fails on the client's side; nothing more is served.
            tokio::spawn(async move {
                let _ = acceptor.accept(tcp).await;
            });
        }
    });
    format!("https://127.0.0.1:{}", addr.port())
}

/// Okta groups with their sorted members, to compare two reads.
pub fn okta_side(ws: &Workspace) -> Vec<(String, Vec<String>)> {
    ws.directory()
        .okta_groups
        .iter()
        .map(|g| (g.id.clone(), g.members.clone()))
        .collect()
}

/// The stdout of a command that must succeed, or a failure showing its stderr.
pub fn stdout_of(args: &[&str], out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Returns once the clock has moved to a later millisecond than when it was called, so a
/// change stamped after this is later than every stamp before it (Okta's and this app's
/// stamps are to the millisecond). Waits on the clock itself, at most a millisecond.
pub fn next_millisecond() {
    let now = okta_statsig_teams::clock::now();
    while okta_statsig_teams::clock::now() <= now {
        std::thread::yield_now();
    }
}

/// Returns once nothing listens at `url`'s host and port any more (a dropped sandbox).
pub async fn until_closed(url: &str) {
    let addr = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_string();
    let start = std::time::Instant::now();
    while tokio::net::TcpStream::connect(&addr).await.is_ok() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{addr} still answers"
        );
        tokio::task::yield_now().await;
    }
}

/// The engine's handle with its wake-up counted (the engine calls it after each event it
/// sends), so a test waits for the engine's next event instead of sleeping between looks.
pub struct Engine {
    handle: okta_statsig_teams::engine::runner::EngineHandle,
    woken: Arc<(std::sync::Mutex<u64>, std::sync::Condvar)>,
}

/// Starts the engine thread as the app does, with a wake-up a test can wait on.
pub fn engine(
    store: Arc<dyn okta_statsig_teams::engine::secrets::SecretStore>,
    data: okta_statsig_teams::engine::DataDir,
) -> Engine {
    let woken: Arc<(std::sync::Mutex<u64>, std::sync::Condvar)> = Arc::default();
    let wake = woken.clone();
    let handle = okta_statsig_teams::engine::runner::spawn(
        Arc::new(move || {
            *wake.0.lock().unwrap() += 1;
            wake.1.notify_all();
        }),
        store,
        data,
    );
    Engine { handle, woken }
}

impl std::ops::Deref for Engine {
    type Target = okta_statsig_teams::engine::runner::EngineHandle;

    fn deref(&self) -> &Self::Target {
        &self.handle
    }
}

impl Engine {
    /// The events sent since the last look, waiting for the engine's next one when there
    /// are none; empty only once `deadline` has passed.
    pub fn next_events(
        &self,
        deadline: std::time::Instant,
    ) -> Vec<okta_statsig_teams::engine::runner::Event> {
        loop {
            // The engine sends an event, then wakes: a count read before the look moves
            // on for any event the look missed.
            let seen = *self.woken.0.lock().unwrap();
            let events = self.handle.drain();
            if !events.is_empty() {
                return events;
            }
            let mut count = self.woken.0.lock().unwrap();
            while *count == seen {
                let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) else {
                    return Vec::new();
                };
                count = self.woken.1.wait_timeout(count, left).unwrap().0;
            }
        }
    }
}

/// Adds to Okta group `group` an active person with a Statsig account who is not in
/// Statsig group `team`: its mapping's next push has someone to add.
pub fn join_in_okta(s: &Sandbox, group: &str, team: &str) {
    let mut w = s.world();
    let in_team = w.group_member_ids(team).expect("the team exists");
    let domain = format!("@{}", w.rules.org_domain.to_lowercase());
    let email = w
        .users
        .iter()
        .filter(|u| u["active"] == true && !in_team.iter().any(|id| u["id"] == id.as_str()))
        .filter_map(|u| u["userName"].as_str().map(str::to_lowercase))
        .find(|e| e.ends_with(&domain))
        .expect("someone with a Statsig account outside the team");
    let gid = w.okta_group_by_name(group).expect("the group").id.clone();
    let uid = w
        .okta_users
        .values()
        .find(|u| u.email.eq_ignore_ascii_case(&email) && u.status == "ACTIVE")
        .expect("their Okta account")
        .id
        .clone();
    w.set_okta_membership(&gid, &uid, true, &okta_statsig_teams::clock::now())
        .expect("added in Okta");
}
