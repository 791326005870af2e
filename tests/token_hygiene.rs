//! No token ever leaves the keyring or the environment: a full import, push, watch and
//! snapshot export with known tokens and every log level on, then a search of every file
//! the app wrote, its output and logs, and its activity log.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const STATSIG_TOKEN: &str = "scim-KNOWN-statsig-token-7f3a9c";
const OKTA_TOKEN: &str = "00KNOWN-okta-token-b81e44";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for t in [STATSIG_TOKEN, OKTA_TOKEN] {
        assert!(!text.contains(t), "a token appears in {what}");
    }
}

#[test]
fn no_token_in_any_file_output_or_log() {
    let bin = env!("CARGO_BIN_EXE_okta-statsig-teams");
    // The sandbox is the server side: it is given the tokens to expect.
    let mut child = Command::new(bin)
        .args([
            "sandbox",
            "--statsig-token",
            STATSIG_TOKEN,
            "--okta-token",
            OKTA_TOKEN,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let _server = Server(child);
    let (mut statsig_url, mut okta_url) = (String::new(), String::new());
    for line in lines.by_ref().take(4) {
        let line = line.unwrap();
        if let Some(u) = line.strip_prefix("statsig_scim_url=") {
            statsig_url = u.to_string();
        }
        if let Some(u) = line.strip_prefix("okta_url=") {
            okta_url = u.to_string();
        }
    }
    let data = tempfile::tempdir().unwrap();
    let snap = data.path().join("exports/snap.json");
    std::fs::create_dir_all(snap.parent().unwrap()).unwrap();
    let run = |args: &[&str], token_ok: bool| {
        let out = Command::new(bin)
            .env("OKTA_STATSIG_TEAMS_DATA_DIR", data.path())
            .env("STATSIG_SCIM_TOKEN", if token_ok { STATSIG_TOKEN } else { "scim-wrong" })
            .env("OKTA_API_TOKEN", OKTA_TOKEN)
            .env("RUST_LOG", "trace")
            .args(["--statsig-url", &statsig_url, "--okta-url", &okta_url, "--projects", "Okta Test Proj,Checkout,Checkout Web,Data-Platform,Mobile,Mobile-Payments,Growth Experiments"])
            .args(args)
            .output()
            .unwrap();
        assert_clean(&format!("the output of {args:?}"), &out.stdout);
        assert_clean(&format!("the log of {args:?}"), &out.stderr);
        out
    };
    assert!(
        run(&["import", "--out", snap.to_str().unwrap()], true)
            .status
            .success()
    );
    let linked = run(
        &[
            "link",
            "--okta-group",
            "Okta Test Team",
            "--statsig-group",
            "Statsig-Okta Test Proj-Test Team-Member",
            "--yes",
        ],
        true,
    );
    assert!(
        linked.status.success(),
        "{}",
        String::from_utf8_lossy(&linked.stderr)
    );
    assert!(run(&["push", "m1"], true).status.success());
    assert!(run(&["watch", "--once"], true).status.success());
    assert!(
        run(
            &["snapshot", "export", snap.to_str().unwrap(), "--redact"],
            true
        )
        .status
        .success()
    );
    // A refused token is reported without echoing it.
    let refused = run(&["mappings"], false);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("401"));

    let mut files = Vec::new();
    files_under(data.path(), &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("state.json")),
        "the app wrote its state: {files:?}"
    );
    for f in &files {
        assert_clean(&f.display().to_string(), &std::fs::read(f).unwrap());
    }
}

/// The activity log (what the GUI shows) and every error the engine reports, in process.
#[tokio::test]
async fn the_activity_log_and_errors_never_hold_a_token() {
    #[derive(Default)]
    struct Log(std::sync::Mutex<Vec<String>>);
    impl okta_statsig_teams::net::Observer for Log {
        fn request(&self, r: okta_statsig_teams::net::RequestRecord) {
            self.0.lock().unwrap().push(format!("{r:?}"));
        }
        fn wait(&self, w: okta_statsig_teams::net::WaitRecord) {
            self.0.lock().unwrap().push(format!("{w:?}"));
        }
    }
    let s = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let log = std::sync::Arc::new(Log::default());
    let conn = okta_statsig_teams::engine::Connection {
        statsig_url: s.statsig_url.clone(),
        statsig_token: s.statsig_token.clone(),
        okta_url: s.okta_url.clone(),
        okta_token: s.okta_token.clone(),
        projects: s.projects(),
        org_domains: vec![],
        batch_size: 0,
        guard: Default::default(),
    };
    let debug = format!("{conn:?}");
    let (mut ws, _) = okta_statsig_teams::engine::Workspace::open(
        conn.clone(),
        okta_statsig_teams::engine::state::StateStore::new(dir.path().join("state.json")),
        okta_statsig_teams::net::RetryPolicy::default(),
        log.clone(),
    )
    .unwrap();
    ws.import(|_| {}).await.unwrap();
    let g = ws
        .directory()
        .okta_group_by_name("ML Platform")
        .unwrap()
        .id
        .clone();
    let t = ws
        .directory()
        .statsig_group_by_name("Statsig-Data-Platform-ML-Ops-Member")
        .unwrap()
        .id
        .clone();
    ws.link(&g, &t, true).await.unwrap();
    let bad = okta_statsig_teams::engine::Connection {
        statsig_token: okta_statsig_teams::model::secret::Secret::new("scim-wrong-token"),
        ..conn
    };
    let (mut wrong, _) = okta_statsig_teams::engine::Workspace::open(
        bad,
        okta_statsig_teams::engine::state::StateStore::new(dir.path().join("other.json")),
        okta_statsig_teams::net::RetryPolicy::default(),
        log.clone(),
    )
    .unwrap();
    let err = wrong.import(|_| {}).await.unwrap_err().to_string();
    let records = log.0.lock().unwrap().join("\n");
    assert!(records.contains("PATCH"), "the log has the requests");
    for t in [
        s.statsig_token.expose(),
        s.okta_token.expose(),
        "scim-wrong-token",
    ] {
        assert!(!records.contains(t) && !err.contains(t) && !debug.contains(t));
    }
    assert!(debug.contains("***"));
}
