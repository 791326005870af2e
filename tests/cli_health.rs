//! `doctor` and `explain` from the command line against `--demo` (the embedded sandbox on
//! loopback), live and on snapshot files, with their exit codes.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::{Command, Output};

struct Cli {
    data: tempfile::TempDir,
}

impl Cli {
    fn new() -> Self {
        Cli {
            data: tempfile::tempdir().unwrap(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
            .env("OKTA_STATSIG_TEAMS_DATA_DIR", self.data.path())
            .env_remove("STATSIG_SCIM_TOKEN")
            .env_remove("OKTA_API_TOKEN")
            .arg("--demo")
            .args(args)
            .output()
            .expect("the binary runs")
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = args.to_vec();
        a.push("--json");
        serde_json::from_str(&common::stdout_of(&a, self.run(&a))).unwrap()
    }

    fn path(&self, name: &str) -> String {
        self.data.path().join(name).display().to_string()
    }
}

fn kinds(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn doctor_lists_the_findings_and_fail_on_sets_the_exit_code() {
    let cli = Cli::new();
    let report = cli.json(&["doctor"]);
    let kinds = kinds(&report);
    for kind in [
        "leaver",
        "assigns_and_pushes",
        "mapping_error",
        "inactive_long",
        "skipped_members",
        "not_imported",
        "unreadable_name",
        "team_gone",
        "lookalike_group",
    ] {
        assert!(kinds.contains(&kind.to_string()), "{kind} in {kinds:?}");
    }
    let gone = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "team_gone")
        .unwrap();
    assert!(
        gone["what"]
            .as_str()
            .unwrap()
            .contains("Loyalty Crew -> Statsig-Checkout-Loyalty-Member"),
        "{gone}"
    );
    assert_eq!(gone["action"]["action"], "unlink", "{gone}");
    let first = &report["findings"][0];
    assert_eq!(first["severity"], "error", "the most severe first");
    let leaver = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "leaver")
        .unwrap();
    assert!(
        leaver["what"]
            .as_str()
            .unwrap()
            .ends_with("is active in Statsig, but deprovisioned in Okta."),
        "{leaver:#}"
    );
    for field in ["what", "why", "fix"] {
        assert!(!first[field].as_str().unwrap().is_empty(), "{field}");
    }
    let errors = report["errors"].as_u64().unwrap();
    assert!(errors >= 1);

    let text = cli.run(&["doctor"]);
    assert_eq!(text.status.code(), Some(0), "no --fail-on: exit 0");
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(out.contains("why: ") && out.contains("fix: "), "{out}");
    assert!(
        out.trim_end().ends_with("."),
        "a summary line ends it: {out}"
    );

    let failing = cli.run(&["doctor", "--fail-on", "error"]);
    assert_eq!(failing.status.code(), Some(1));
    assert!(
        stderr(&failing).contains("at error or above (--fail-on error)"),
        "{}",
        stderr(&failing)
    );
    assert_eq!(
        cli.run(&["doctor", "--fail-on", "warning"]).status.code(),
        Some(1)
    );
    let bad = cli.run(&["doctor", "--fail-on", "fatal"]);
    assert_eq!(bad.status.code(), Some(2), "bad input");
    assert!(stderr(&bad).contains("fatal"));
}

#[test]
fn doctor_on_snapshots_compares_two_and_fails_only_on_what_was_raised() {
    let cli = Cli::new();
    let (before, after) = (cli.path("before.json"), cli.path("after.json"));
    common::stdout_of(&[], cli.run(&["snapshot", "export", &before]));
    let offline = cli.json(&["doctor", "--snapshot", &before]);
    let live = cli.json(&["doctor"]);
    assert_eq!(
        kinds(&offline),
        kinds(&live),
        "a snapshot holds what Health reads"
    );
    assert!(kinds(&offline).contains(&"mapping_error".to_string()));
    // The mapping in Error is unlinked: its finding is resolved in the later snapshot.
    common::stdout_of(&[], cli.run(&["unlink", "Growth Lab", "--leave"]));
    common::stdout_of(&[], cli.run(&["snapshot", "export", &after]));
    let change = cli.json(&["doctor", "--snapshot", &after, "--since", &before]);
    let resolved: Vec<&str> = change["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(resolved.contains(&"mapping_error"), "{change:#}");
    assert!(
        !change["raised"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["severity"] == "error"),
        "{change:#}"
    );
    let gate = cli.run(&[
        "doctor",
        "--snapshot",
        &after,
        "--since",
        &before,
        "--fail-on",
        "error",
    ]);
    assert_eq!(gate.status.code(), Some(0), "{}", stderr(&gate));
    let reverse = cli.run(&[
        "doctor",
        "--snapshot",
        &before,
        "--since",
        &after,
        "--fail-on",
        "error",
    ]);
    assert_eq!(
        reverse.status.code(),
        Some(1),
        "the error is raised going back"
    );
    let missing = cli.run(&["doctor", "--snapshot", &cli.path("nope.json")]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("nope.json"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn explain_says_why_someone_is_not_pushed_and_names_bad_input() {
    let cli = Cli::new();
    let report = cli.json(&["doctor"]);
    let unassigned = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["kind"] == "skipped_members" && f["what"].as_str().unwrap().contains("not assigned")
        })
        .expect("the demo has a member not assigned to the app");
    let email = unassigned["items"]
        .as_array()
        .map(|i| i[0].as_str().unwrap().to_string())
        .unwrap_or_else(|| unassigned["action"]["person"].as_str().unwrap().to_string());
    let e = cli.json(&["explain", &email]);
    assert_eq!(e["person"]["email"], email.as_str());
    let steps = e["steps"].to_string();
    assert!(steps.contains("Not assigned to the"), "{steps}");
    let role = &e["roles"][0];
    assert_eq!(role["verdict"], "not_pushed");
    assert_eq!(role["says"], "not pushed: not assigned to the Statsig app");
    assert!(role["next"].as_str().unwrap().contains("Assignments"));

    let text = common::stdout_of(&[], cli.run(&["explain", &email]));
    assert!(
        text.contains("verdict: not pushed: not assigned to the Statsig app"),
        "{text}"
    );

    // One team: both roles, a role no mapping feeds says so.
    let team = format!(
        "{}/{}",
        role["project"].as_str().unwrap(),
        role["team"].as_str().unwrap()
    );
    let both = cli.json(&["explain", &email, "--team", &team.to_lowercase()]);
    let says: Vec<&str> = both["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["says"].as_str().unwrap())
        .collect();
    assert_eq!(says.len(), 2, "{both:#}");
    assert!(says.contains(&"no mapping feeds this team"), "{says:?}");

    // Offline, from a snapshot: the same trace.
    let snap = cli.path("snap.json");
    common::stdout_of(&[], cli.run(&["snapshot", "export", &snap]));
    assert_eq!(cli.json(&["explain", &email, "--snapshot", &snap]), e);

    for (args, says) in [
        (
            vec!["explain", "nobody@example.com"],
            "No one in Okta or Statsig",
        ),
        (vec!["explain", &email, "--team", "Mobile"], "PROJECT/TEAM"),
        (
            vec!["explain", &email, "--team", "Nope/Team"],
            "There is no project \"Nope\"",
        ),
    ] {
        let o = cli.run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn doctor_finds_nothing_gone_in_a_create_not_yet_pushed() {
    let cli = Cli::new();
    let made = cli.run(&[
        "create",
        "--okta-group",
        "Payments Engineers",
        "--project",
        "Checkout",
        "--team",
        "Chargebacks",
        "--no-push",
    ]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let report = cli.json(&["doctor"]);
    let gone: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["what"].as_str().unwrap().contains("Chargebacks"))
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(
        gone.is_empty(),
        "the team is made at the first push: {gone:#?}"
    );
}

/// `doctor`'s text names the people behind each finding (not only counts them), a
/// leaver's `explain` says they still have access and what to do, and `explain` finds a
/// person by first name alone (or lists everyone of that name).
#[test]
fn doctor_names_the_people_it_skipped_and_explain_finds_first_names_and_leavers() {
    let cli = Cli::new();
    let report = cli.json(&["doctor"]);
    let findings = report["findings"].as_array().unwrap();
    let text = common::stdout_of(&[], cli.run(&["doctor"]));
    let skipped: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["kind"] == "skipped_members")
        .collect();
    assert!(!skipped.is_empty());
    for f in &skipped {
        let items = f["items"].as_array().unwrap();
        for person in items.iter().take(10) {
            assert!(
                text.contains(person.as_str().unwrap()),
                "{person} named in:\n{text}"
            );
        }
        if items.len() > 10 {
            assert!(text.contains(&format!("and {} more", items.len() - 10)));
        }
    }

    let leaver = findings.iter().find(|f| f["kind"] == "leaver").unwrap();
    let email = leaver["action"]["person"].as_str().unwrap();
    let e = cli.json(&["explain", email]);
    let access = e["still_has_access"].as_str().unwrap();
    assert!(
        access.starts_with("Still has access to Statsig") && access.contains("deactivate"),
        "{e:#}"
    );
    let said = common::stdout_of(&[], cli.run(&["explain", email]));
    assert!(said.contains("Still has access to Statsig"), "{said}");
    assert!(!said.contains("No team role Okta feeds concerns"), "{said}");

    // By first name alone, any case: the person, or a list that names them.
    let unassigned = skipped[0]["items"][0].as_str().unwrap();
    let name = cli.json(&["explain", unassigned])["person"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let first = name.split_whitespace().next().unwrap().to_lowercase();
    let o = cli.run(&["explain", &first, "--json"]);
    match o.status.code() {
        Some(0) => {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            assert_eq!(v["person"]["email"], unassigned, "{first}");
        }
        code => {
            assert_eq!(code, Some(2), "{}", stderr(&o));
            assert!(
                stderr(&o).contains("people match") && stderr(&o).contains(unassigned),
                "{}",
                stderr(&o)
            );
        }
    }
}
