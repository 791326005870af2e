//! A push killed mid-way (SIGKILL) converges at the next run, with nothing lost.
#![allow(clippy::unwrap_used)]

mod common;

use okta_statsig_teams::model::secret::Secret;
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const TEAM: &str = "Statsig-Growth Experiments-Empty Team-Member";

#[test]
fn a_killed_push_converges_at_the_next_run() {
    let bin = env!("CARGO_BIN_EXE_okta-statsig-teams");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(Sandbox::start(SandboxConfig {
            statsig_token: Some(Secret::new("scim-crash".to_string())),
            okta_token: Some(Secret::new("okta-crash".to_string())),
            ..SandboxConfig::default()
        }))
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| {
        let mut c = Command::new(bin);
        c.env("OKTA_STATSIG_TEAMS_DATA_DIR", data.path())
            .env("STATSIG_SCIM_TOKEN", "scim-crash")
            .env("OKTA_API_TOKEN", "okta-crash")
            .args([
                "--statsig-url",
                &server.statsig_url,
                "--okta-url",
                &server.okta_url,
                "--batch-size",
                "1",
                "--push-mode",
                "direct",
                "--json",
            ])
            .args(args);
        c
    };
    let run = |args: &[&str]| {
        let out = cli(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap_or_default()
    };
    let emails = linked_without_pushing(&run);

    // Push one member per request; Statsig takes three and holds the fourth, and the
    // process is killed there.
    let patches = AtomicUsize::new(0);
    let held = server.hold_statsig_requests(move |method, _| {
        method == "PATCH" && patches.fetch_add(1, Ordering::SeqCst) >= 3
    });
    let mut push = cli(&["push", "m1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let state_file = data.path().join("state.json");
    let reached = held.until_one_waits(Duration::from_secs(30));
    assert!(
        push.try_wait().unwrap().is_none(),
        "the push ended before its fourth request"
    );
    assert!(reached, "the push reaches its fourth request");
    push.kill().unwrap(); // SIGKILL on Unix
    push.wait().unwrap();
    // The state file is whole and says a push was under way.
    let state: serde_json::Value = serde_json::from_slice(&std::fs::read(&state_file).unwrap())
        .expect("the state file is intact");
    assert_eq!(state["mappings"][0]["status"], "Pushing");
    let partial = team_members(&run(&["team", "Growth Experiments", "Empty Team"]));
    assert_eq!(partial, 3, "killed part-way: {partial} of 30 pushed");
    held.release();

    // The next run shows the interrupted push as an error to finish.
    let mappings = run(&["mappings"]);
    assert_eq!(mappings[0]["status"], "Error");
    assert!(
        mappings[0]["cause"]
            .as_str()
            .unwrap()
            .contains("stopped during a push")
    );

    // Retry converges: exactly the group's members, nothing lost, nothing extra.
    run(&["retry"]);
    let mappings = run(&["mappings"]);
    assert_eq!(mappings[0]["status"], "Active");
    let mut want = emails.clone();
    want.sort();
    assert_eq!(
        member_emails(&run(&["team", "Growth Experiments", "Empty Team"])),
        want
    );
}

/// A mapping group of 30 provisioned, active people, linked without pushing; their emails.
fn linked_without_pushing(run: &dyn Fn(&[&str]) -> serde_json::Value) -> Vec<String> {
    let users = run(&["users"]);
    let emails: Vec<String> = users
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["status"] == "ACTIVE" && u["in_statsig"] == true)
        .take(30)
        .map(|u| u["email"].as_str().unwrap().to_string())
        .collect();
    run(&[
        "create-group",
        "--name",
        "Crash Test",
        "--members",
        &emails.join(","),
    ]);
    run(&[
        "link",
        "--okta-group",
        "Crash Test",
        "--statsig-group",
        TEAM,
        "--no-push",
    ]);
    emails
}

/// A team's Member emails, sorted, from `team --json`.
fn member_emails(team: &serde_json::Value) -> Vec<String> {
    let mut got: Vec<String> = team
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["role"] == "Member")
        .map(|r| r["email"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    got
}

fn team_members(v: &serde_json::Value) -> usize {
    v.as_array()
        .map(|a| a.iter().filter(|r| r["role"] == "Member").count())
        .unwrap_or(0)
}
