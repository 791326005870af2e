//! The headless CLI through the seed's workflow against `--demo`, with its exit codes.

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

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = args.to_vec();
        a.push("--json");
        serde_json::from_str(&self.ok(&a)).unwrap()
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

#[test]
fn the_seed_workflow_from_the_cli() {
    let cli = Cli::new();
    let summary = cli.json(&["import"]);
    assert_eq!(summary["projects"].as_array().unwrap().len(), 7);
    assert!(!summary["unreadable"].as_array().unwrap().is_empty());
    let teams = cli.json(&["teams", "--project", "Okta Test Proj"]);
    assert_eq!(teams[0]["team"], "Test Team");

    // A mapping group, linked to the seed's team.
    let users = cli.json(&["users"]);
    let pushable: Vec<String> = users
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["status"] == "ACTIVE" && u["in_statsig"] == true)
        .map(|u| u["email"].as_str().unwrap().to_string())
        .collect();
    let mut emails: Vec<String> = pushable[20..23].to_vec();
    emails.sort();
    let newcomer = pushable[40].clone();
    let created = cli.json(&[
        "create-group",
        "--name",
        "Test Team mapping",
        "--members",
        &emails.join(","),
    ]);
    assert_eq!(created["members"], 3);
    let plan = cli.json(&[
        "plan",
        "--okta-group",
        "Test Team mapping",
        "--statsig-group",
        "Statsig-Okta Test Proj-Test Team-Member",
    ]);
    assert!(!plan["batches"].as_array().unwrap().is_empty());
    // The link would empty the team: the deletion guard stops it (exit 3, nothing sent).
    let before = members(&cli, "Okta Test Proj", "Test Team");
    let guarded = cli.run(&[
        "link",
        "--okta-group",
        "Test Team mapping",
        "--statsig-group",
        "Statsig-Okta Test Proj-Test Team-Member",
    ]);
    assert_eq!(guarded.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&guarded.stderr).contains("more than the deletion guard allows")
    );
    assert_eq!(members(&cli, "Okta Test Proj", "Test Team"), before);
    let waiting = cli.json(&["mappings"]);
    assert_eq!(waiting[0]["status"], "NeedsConfirmation");
    let id = waiting[0]["id"].as_str().unwrap().to_string();
    let too_few = cli.run(&["push", &id, "--allow-removals", "1"]);
    assert_eq!(too_few.status.code(), Some(3));
    cli.ok(&["push", &id, "--allow-removals", &before.len().to_string()]);
    let mapping = cli.json(&["mappings"])[0].clone();
    assert_eq!(mapping["status"], "Active");
    let id = mapping["id"].as_str().unwrap().to_string();
    assert_eq!(members(&cli, "Okta Test Proj", "Test Team"), emails);
    assert!(
        cli.run(&["verify", &id]).status.success(),
        "in sync right after the push"
    );

    // Change the Okta group; verify sees the difference (exit 1), push fixes it.
    cli.ok(&[
        "add-member",
        "--group",
        "Test Team mapping",
        "--user",
        &newcomer,
    ]);
    assert_eq!(cli.run(&["verify", &id]).status.code(), Some(1));
    cli.ok(&["push", &id]);
    assert!(members(&cli, "Okta Test Proj", "Test Team").contains(&newcomer));

    // Deactivate, push now refused, activate.
    cli.ok(&["deactivate", &id]);
    let refused = cli.run(&["push", &id]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("deactivated"));
    assert_eq!(cli.json(&["mappings"])[0]["status"], "Inactive");
    cli.ok(&["activate", &id]);

    // Bad input: one sentence, exit 2, nothing changed.
    let bad = cli.run(&[
        "link",
        "--okta-group",
        "No Such Group",
        "--statsig-group",
        "Statsig-Checkout-Payments-Member",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr).trim(),
        "error: No Okta group is called \"No Such Group\"."
    );
    let bad_name = cli.run(&[
        "create",
        "--okta-group",
        "Fraud Squad",
        "--project",
        "Nowhere",
        "--team",
        "X",
    ]);
    assert_eq!(bad_name.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad_name.stderr)
            .contains("not one of the imported Statsig projects")
    );

    // Unlink with Leave keeps the team as it is.
    cli.ok(&["unlink", &id, "--leave"]);
    assert!(cli.json(&["mappings"]).as_array().unwrap().is_empty());
    assert_eq!(members(&cli, "Okta Test Proj", "Test Team").len(), 4);

    // Create a team by push, then unlink with Delete (confirmation required).
    let created = cli.json(&[
        "create",
        "--okta-group",
        "Fraud Squad",
        "--project",
        "Checkout",
        "--team",
        "Chargebacks",
    ]);
    assert_eq!(
        created["statsig_group_name"],
        "Statsig-Checkout-Chargebacks-Member"
    );
    assert!(!members(&cli, "Checkout", "Chargebacks").is_empty());
    let cid = created["id"].as_str().unwrap().to_string();
    let unconfirmed = cli.run(&["unlink", &cid, "--delete"]);
    assert_eq!(
        unconfirmed.status.code(),
        Some(3),
        "no confirmation on stdin: nothing deleted"
    );
    assert!(!members(&cli, "Checkout", "Chargebacks").is_empty());
    cli.ok(&["unlink", &cid, "--delete", "--yes"]);
    let gone = cli.run(&["team", "Checkout", "Chargebacks"]);
    assert_eq!(gone.status.code(), Some(2));
}

#[test]
fn without_a_connection_the_cli_says_what_to_do() {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
        .env("OKTA_STATSIG_TEAMS_DATA_DIR", data.path())
        .arg("mappings")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("No connection is configured"));
    let insecure = Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
        .env("OKTA_STATSIG_TEAMS_DATA_DIR", data.path())
        .env("STATSIG_SCIM_TOKEN", "scim-x")
        .env("OKTA_API_TOKEN", "okta-x")
        .args([
            "--statsig-url",
            "http://statsig.example.com/scim",
            "--okta-url",
            "https://x.okta.com",
            "mappings",
        ])
        .output()
        .unwrap();
    assert_eq!(insecure.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&insecure.stderr)
            .contains("refusing to send a token over plain http")
    );
}
