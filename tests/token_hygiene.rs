//! No token ever leaves the keyring or the environment: a full import, push, watch and
//! snapshot export with known tokens and every log level on, then a search of every file
//! the app wrote, its output and logs, and its activity log.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

const STATSIG_TOKEN: &str = "scim-KNOWN-statsig-token-7f3a9c";
const OKTA_TOKEN: &str = "00KNOWN-okta-token-b81e44";

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
    let server = common::SandboxProcess::spawn(&[
        "--statsig-token",
        STATSIG_TOKEN,
        "--okta-token",
        OKTA_TOKEN,
    ]);
    let (statsig_url, okta_url) = (server.statsig_url.clone(), server.okta_url.clone());
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
            // Direct push: the app's own pushes carry the Statsig token.
            .args(["--push-mode", "direct"])
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
    let log = data.path().join("logs/okta-statsig-teams.log");
    assert!(
        std::fs::metadata(&log).is_ok_and(|m| m.len() > 0),
        "the log file holds every level asked for: {files:?}"
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
    let conn = common::connection(&s);
    let debug = format!("{conn:?}");
    let mut ws = common::open(
        conn.clone(),
        dir.path(),
        okta_statsig_teams::net::RetryPolicy::default(),
        log.clone(),
    );
    ws.import(|_| {}).await.unwrap();
    let (g, t) = common::pair(&ws, "ML Platform", "Statsig-Data-Platform-ML-Ops-Member");
    ws.link(&g, &t, true).await.unwrap();
    let bad = okta_statsig_teams::engine::Connection {
        statsig_token: okta_statsig_teams::model::secret::Secret::new("scim-wrong-token"),
        ..conn
    };
    let other = tempfile::tempdir().unwrap();
    let mut wrong = common::open(
        bad,
        other.path(),
        okta_statsig_teams::net::RetryPolicy::default(),
        log.clone(),
    );
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
