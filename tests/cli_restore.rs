//! `snapshot restore`, `snapshot copy` and `undo-bulk` from the command line against
//! `--demo`, in both push modes, with their exit codes.
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

    fn file(&self, name: &str) -> String {
        self.data.path().join(name).to_str().unwrap().to_string()
    }
}

fn members(cli: &Cli, project: &str, team: &str) -> Vec<String> {
    let mut v: Vec<String> = cli
        .json(&["team", project, team])
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["role"] == "Member")
        .map(|r| r["email"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn row<'a>(rows: &'a serde_json::Value, what: &str) -> &'a serde_json::Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["what"] == what)
        .unwrap_or_else(|| panic!("a row for {what}: {rows}"))
}

fn said(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn a_team_deleted_by_unlink_is_restored_from_the_cli_and_the_restore_undone() {
    for mode in ["direct", "auto"] {
        let cli = Cli::new(mode);
        let created = cli.json(&[
            "create",
            "--okta-group",
            "Fraud Squad",
            "--project",
            "Checkout",
            "--team",
            "Chargebacks",
        ]);
        let before = members(&cli, "Checkout", "Chargebacks");
        assert!(!before.is_empty());
        let snap = cli.file("before.json");
        cli.ok(&["snapshot", "export", &snap]);
        let id = created["id"].as_str().unwrap().to_string();
        cli.ok(&["unlink", &id, "--delete", "--yes"]);
        assert_eq!(
            cli.run(&["team", "Checkout", "Chargebacks"]).status.code(),
            Some(2),
            "the team is gone ({mode})"
        );

        // The plan: the mapping made again, with who the team gets back.
        let plan = cli.json(&["snapshot", "restore", &snap]);
        let r = row(&plan, "Fraud Squad");
        assert_eq!(r["action"], "Create", "{mode}: {r}");
        assert_eq!(r["target"], "Statsig-Checkout-Chargebacks-Member");
        assert_eq!(r["status"], "ready");
        let mut gains: Vec<String> = r["gains"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap().to_string())
            .collect();
        gains.sort();
        assert_eq!(gains, before, "{mode}: the preview names who comes back");

        let applied = cli.run(&["snapshot", "restore", &snap, "--apply"]);
        assert_eq!(applied.status.code(), Some(0), "{}", said(&applied));
        assert!(
            said(&applied).contains("1 change made"),
            "{}",
            said(&applied)
        );
        assert_eq!(
            members(&cli, "Checkout", "Chargebacks"),
            before,
            "{mode}: the team is back with its members, as the preview said"
        );
        // A second run makes nothing.
        let again = cli.json(&["snapshot", "restore", &snap]);
        assert!(
            again
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["status"] != "ready"),
            "{mode}: {again}"
        );

        // Undo the restore: the mapping goes (Leave), the team stays.
        let undo = cli.json(&["undo-bulk"]);
        let u = row(&undo, "Fraud Squad");
        assert_eq!(u["action"], "Unlink (Leave)");
        let undone = cli.run(&["undo-bulk", "--apply"]);
        assert_eq!(undone.status.code(), Some(0), "{}", said(&undone));
        let mappings = cli.json(&["mappings"]);
        assert!(
            !mappings
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["okta_group_name"] == "Fraud Squad"),
            "{mode}: {mappings}"
        );
        assert_eq!(members(&cli, "Checkout", "Chargebacks"), before);
        let nothing = cli.run(&["undo-bulk"]);
        assert_eq!(nothing.status.code(), Some(2));
        assert!(
            said(&nothing).contains("no bulk apply to undo"),
            "{}",
            said(&nothing)
        );
    }
}

#[test]
fn a_snapshot_of_another_org_is_refused_for_restore_and_copied_by_names() {
    let from = Cli::new("direct");
    from.ok(&[
        "create-group",
        "--name",
        "Only In The First",
        "--members",
        "ada.tanaka@northwind.dev",
    ]);
    from.ok(&[
        "create",
        "--okta-group",
        "Only In The First",
        "--project",
        "Mobile",
        "--team",
        "First",
    ]);
    from.ok(&[
        "create",
        "--okta-group",
        "Fraud Squad",
        "--project",
        "Checkout",
        "--team",
        "Chargebacks",
    ]);
    let snap = from.file("first.json");
    from.ok(&["snapshot", "export", &snap]);
    // Another org's file, as the second demo sees it.
    let text = std::fs::read_to_string(&snap)
        .unwrap()
        .replace("\"demo sandbox\"", "\"https://first.okta.com\"")
        .replace("\"demo\": true", "\"demo\": false");
    let to = Cli::new("direct");
    let other = to.file("other-org.json");
    std::fs::write(&other, text).unwrap();
    let refused = to.run(&["snapshot", "restore", &other]);
    assert_eq!(refused.status.code(), Some(2));
    let e = said(&refused);
    assert!(
        e.contains("another org") && e.contains("snapshot copy"),
        "{e}"
    );

    let plan = to.json(&["snapshot", "copy", &other]);
    assert_eq!(
        row(&plan, "Only In The First")["status"],
        "skipped: No Okta group here is named \"Only In The First\", so its mapping is not copied."
    );
    assert_eq!(row(&plan, "Fraud Squad")["action"], "Create");
    let missing = to.run(&["snapshot", "copy", &other, "--to", "Nowhere"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        said(&missing).contains("no profile \"Nowhere\""),
        "{}",
        said(&missing)
    );
    let applied = to.run(&["snapshot", "copy", &other, "--to", "Default", "--apply"]);
    assert_eq!(applied.status.code(), Some(0), "{}", said(&applied));
    let made: Vec<(String, String)> = to
        .json(&["mappings"])
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["okta_group_name"].as_str().unwrap().to_string(),
                m["statsig_group_name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        made,
        [(
            "Fraud Squad".to_string(),
            "Statsig-Checkout-Chargebacks-Member".to_string()
        )]
    );
    assert_eq!(
        members(&to, "Checkout", "Chargebacks"),
        members(&from, "Checkout", "Chargebacks"),
        "the same people, matched by email"
    );
}

#[test]
fn a_restore_row_the_guard_stops_exits_3_and_changes_nothing() {
    let cli = Cli::new("direct");
    cli.ok(&[
        "create-group",
        "--name",
        "Payments Crew",
        "--members",
        "ada.tanaka@northwind.dev",
    ]);
    // Linked without a push: its first push would empty most of Payments.
    let linked = cli.json(&[
        "link",
        "--okta-group",
        "Payments Crew",
        "--statsig-group",
        "Statsig-Checkout-Payments-Member",
        "--no-push",
    ]);
    let snap = cli.file("crew.json");
    cli.ok(&["snapshot", "export", &snap]);
    cli.ok(&["unlink", linked["id"].as_str().unwrap(), "--leave"]);
    let before = members(&cli, "Checkout", "Payments");
    let plan = cli.json(&["snapshot", "restore", &snap]);
    let r = row(&plan, "Payments Crew");
    assert!(
        r["status"]
            .as_str()
            .unwrap()
            .starts_with("stopped by the guard"),
        "{r}"
    );
    assert!(r["loses"].as_array().unwrap().len() > 2, "{r}");
    let stopped = cli.run(&["snapshot", "restore", &snap, "--apply"]);
    assert_eq!(stopped.status.code(), Some(3), "{}", said(&stopped));
    assert!(
        said(&stopped).contains("--allow-removals"),
        "{}",
        said(&stopped)
    );
    assert!(cli.json(&["mappings"]).as_array().unwrap().is_empty());
    assert_eq!(
        members(&cli, "Checkout", "Payments"),
        before,
        "nothing sent"
    );
}
