//! `history` from the command line against `--demo` (the embedded sandbox on loopback),
//! in both push modes, with its exit codes.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::{Command, Output};

struct Cli {
    data: tempfile::TempDir,
    mode: &'static str,
}

impl Cli {
    fn new(mode: &'static str) -> Self {
        Cli {
            data: tempfile::tempdir().unwrap(),
            mode,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
            .env("OKTA_STATSIG_TEAMS_DATA_DIR", self.data.path())
            .env_remove("STATSIG_SCIM_TOKEN")
            .env_remove("OKTA_API_TOKEN")
            .arg("--demo")
            .args(["--push-mode", self.mode])
            .args(args)
            .output()
            .expect("the binary runs")
    }

    fn ok(&self, args: &[&str]) -> String {
        common::stdout_of(args, self.run(args))
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = args.to_vec();
        a.push("--json");
        serde_json::from_str(&self.ok(&a)).unwrap()
    }
}

fn whats(report: &serde_json::Value) -> Vec<String> {
    report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["what"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn okta_push_history_shows_growth_labs_creation_and_three_failures_with_oktas_reason() {
    let cli = Cli::new("auto");
    let report = cli.json(&["history", "Growth Lab"]);
    let made_and_failed: Vec<String> = whats(&report)
        .into_iter()
        .filter(|w| w != "assignment")
        .collect();
    assert_eq!(
        made_and_failed,
        [
            "created",
            "failed_needs_admin",
            "failed_needs_admin",
            "failed_needs_admin"
        ],
        "{report:#}"
    );
    let entries = report["entries"].as_array().unwrap();
    assert_eq!(entries[0]["who"], "Dana Okafor");
    let failures: Vec<&serde_json::Value> = entries
        .iter()
        .filter(|e| e["what"] == "failed_needs_admin")
        .collect();
    assert!(failures.iter().all(|f| {
        f["reason"]
            .as_str()
            .unwrap()
            .contains("Statsig answered 400")
    }));
    assert!(report["okta_from"].as_str().unwrap() <= entries[0]["at"].as_str().unwrap());

    let text = cli.ok(&["history", "Growth Lab"]);
    assert!(text.contains("Okta's System Log from"), "{text}");
    assert!(text.contains("failed (needs an admin)"), "{text}");
    assert!(text.contains("reason: "), "{text}");

    // A team's history: the mappings that feed it; --since keeps only what is recent.
    let team = cli.json(&["history", "--team", "Mobile/iOS"]);
    assert!(!whats(&team).is_empty(), "{team:#}");
    let recent = cli.json(&["history", "--since", "1d"]);
    let since = recent["okta_from"].as_str().unwrap().to_string();
    assert!(
        recent["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["at"].as_str().unwrap() >= since.as_str())
    );
}

#[test]
fn bad_input_to_history_is_one_sentence_and_exit_2() {
    let cli = Cli::new("auto");
    for (args, says) in [
        (vec!["history", "--since", "a week"], "--since takes a span"),
        (
            vec!["history", "Nope Group"],
            "No mapping is called \"Nope Group\"",
        ),
        (
            vec!["history", "--team", "Checkout"],
            "--team takes PROJECT/TEAM",
        ),
        (
            vec!["history", "--team", "Nope/Team"],
            "There is no project \"Nope\"",
        ),
    ] {
        let out = cli.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn direct_push_history_is_the_apps_own_journal() {
    let cli = Cli::new("direct");
    cli.ok(&[
        "link",
        "--okta-group",
        "Payments Engineers",
        "--statsig-group",
        "Statsig-Checkout-Payments-Member",
        "--yes",
    ]);
    let report = cli.json(&["history", "Payments Engineers"]);
    assert!(
        report["okta_from"].is_null(),
        "no System Log in Direct push"
    );
    let entries = report["entries"].as_array().unwrap();
    assert!(!entries.is_empty(), "{report:#}");
    assert!(
        entries
            .iter()
            .all(|e| e["source"] == "app" && e["who"] == "this app")
    );
    assert!(
        entries[0]["says"]
            .as_str()
            .unwrap()
            .starts_with("link done"),
        "{report:#}"
    );
    let text = cli.ok(&["history", "Payments Engineers"]);
    assert!(text.contains("own record"), "{text}");
    // Unlinked, the mapping is gone, but the team's timeline keeps what happened to it.
    cli.ok(&["unlink", "Payments Engineers", "--leave"]);
    let team = cli.json(&["history", "--team", "Checkout/Payments"]);
    let says: Vec<&str> = team["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["says"].as_str())
        .collect();
    assert!(
        says.iter().any(|s| s.starts_with("link done"))
            && says.iter().any(|s| s.starts_with("unlink done")),
        "{team:#}"
    );
}
