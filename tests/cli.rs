//! The headless CLI through the seed's workflow against `--demo`, with its exit codes.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::{Command, Output};

struct Cli {
    data: tempfile::TempDir,
    mode: &'static str,
}

impl Cli {
    /// Direct push: the app pushes over SCIM (Okta push has its own tests below).
    fn new() -> Self {
        Cli {
            data: tempfile::tempdir().unwrap(),
            mode: "direct",
        }
    }

    /// The demo's default: Okta push through the sandbox's Okta emulator.
    fn okta() -> Self {
        Cli {
            data: tempfile::tempdir().unwrap(),
            mode: "auto",
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

/// Emails of active users provisioned in Statsig, as `users` lists them.
fn pushable(cli: &Cli) -> Vec<String> {
    cli.json(&["users"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["status"] == "ACTIVE" && u["in_statsig"] == true)
        .map(|u| u["email"].as_str().unwrap().to_string())
        .collect()
}

/// Creates "Test Team mapping" with three pushable users; their emails, sorted.
fn mapping_group(cli: &Cli) -> Vec<String> {
    let mut emails: Vec<String> = pushable(cli)[20..23].to_vec();
    emails.sort();
    let created = cli.json(&[
        "create-group",
        "--name",
        "Test Team mapping",
        "--members",
        &emails.join(","),
    ]);
    assert_eq!(created["members"], 3);
    emails
}

const LINK: [&str; 5] = [
    "link",
    "--okta-group",
    "Test Team mapping",
    "--statsig-group",
    "Statsig-Okta Test Proj-Test Team-Member",
];

#[test]
fn import_lists_projects_teams_and_unreadable_names() {
    let cli = Cli::new();
    let summary = cli.json(&["import"]);
    assert_eq!(summary["projects"].as_array().unwrap().len(), 7);
    assert!(!summary["unreadable"].as_array().unwrap().is_empty());
    let teams = cli.json(&["teams", "--project", "Okta Test Proj"]);
    assert_eq!(teams[0]["team"], "Test Team");
    let text = cli.ok(&["import"]);
    assert!(text.contains("Statsig: 262 users, "), "{text}");
}

#[test]
fn a_guarded_link_names_the_saved_mapping_and_the_command_that_finishes_it() {
    let cli = Cli::new();
    let emails = mapping_group(&cli);
    let plan = cli.json(&[
        "plan",
        "--okta-group",
        "Test Team mapping",
        "--statsig-group",
        "Statsig-Okta Test Proj-Test Team-Member",
    ]);
    assert!(!plan["batches"].as_array().unwrap().is_empty());
    // The link would empty the team: the deletion guard holds the removals (exit 3; the
    // adds go, no one is removed).
    let before = members(&cli, "Okta Test Proj", "Test Team");
    let guarded = cli.run(&LINK);
    assert_eq!(guarded.status.code(), Some(3));
    let said = String::from_utf8_lossy(&guarded.stderr).to_string();
    let finish = format!(
        "okta-statsig-teams --demo --push-mode direct push m1 --allow-removals {}",
        before.len()
    );
    assert!(
        said.contains("more than the deletion guard allows"),
        "{said}"
    );
    assert!(
        said.contains("Mapping m1 was saved and waits for confirmation"),
        "{said}"
    );
    assert!(said.trim_end().ends_with(&finish), "{said}");
    let mut with_adds = before.clone();
    with_adds.extend(emails.iter().cloned());
    with_adds.sort();
    assert_eq!(members(&cli, "Okta Test Proj", "Test Team"), with_adds);
    assert_eq!(cli.json(&["mappings"])[0]["status"], "NeedsConfirmation");
    let too_few = cli.run(&["push", "m1", "--allow-removals", "1"]);
    assert_eq!(too_few.status.code(), Some(3));
    // The command it printed finishes it, and says what it did in the past tense.
    let args: Vec<&str> = finish.split(' ').skip(4).collect();
    let done = cli.ok(&args);
    assert!(
        done.contains(&format!("Pushed: 0 added, {} removed", before.len())),
        "{done}"
    );
    assert_eq!(cli.json(&["mappings"])[0]["status"], "Active");
    assert_eq!(members(&cli, "Okta Test Proj", "Test Team"), emails);
}

#[test]
fn verify_push_deactivate_and_activate_from_the_cli() {
    let cli = Cli::new();
    mapping_group(&cli);
    let mut link = LINK.to_vec();
    link.push("--yes");
    cli.ok(&link);
    assert!(
        cli.run(&["verify", "m1"]).status.success(),
        "in sync right after the push"
    );
    // Change the Okta group; verify sees the difference (exit 1), push fixes it.
    let newcomer = pushable(&cli)[40].clone();
    cli.ok(&[
        "add-member",
        "--group",
        "Test Team mapping",
        "--user",
        &newcomer,
    ]);
    assert_eq!(cli.run(&["verify", "m1"]).status.code(), Some(1));
    cli.ok(&["push", "m1"]);
    assert!(members(&cli, "Okta Test Proj", "Test Team").contains(&newcomer));
    // Deactivate, push now refused, activate.
    cli.ok(&["deactivate", "m1"]);
    let refused = cli.run(&["push", "m1"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("deactivated"));
    assert_eq!(cli.json(&["mappings"])[0]["status"], "Inactive");
    cli.ok(&["activate", "m1"]);
    assert_eq!(cli.json(&["mappings"])[0]["status"], "Active");
}

#[test]
fn bad_input_is_one_sentence_and_exit_2() {
    let cli = Cli::new();
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
    assert!(
        cli.json(&["mappings"]).as_array().unwrap().is_empty(),
        "nothing was made"
    );
}

#[test]
fn unlink_with_leave_keeps_the_team_and_with_delete_needs_its_name() {
    let cli = Cli::new();
    mapping_group(&cli);
    let before = members(&cli, "Okta Test Proj", "Test Team");
    cli.ok(&[
        "link",
        "--okta-group",
        "Test Team mapping",
        "--statsig-group",
        "Statsig-Okta Test Proj-Test Team-Member",
        "--no-push",
    ]);
    cli.ok(&["unlink", "m1", "--leave"]);
    assert!(cli.json(&["mappings"]).as_array().unwrap().is_empty());
    assert_eq!(members(&cli, "Okta Test Proj", "Test Team"), before);
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

#[test]
fn groups_lists_groups_to_push_from_and_the_apps_imported_groups_when_asked() {
    let cli = Cli::okta();
    // `groups` lists groups to push from: the Statsig app's imported team groups only when
    // asked, and the text says how many it left out.
    let names = |rows: serde_json::Value| -> Vec<String> {
        rows.as_array()
            .unwrap()
            .iter()
            .map(|g| g["name"].as_str().unwrap().to_string())
            .collect()
    };
    let sources = names(cli.json(&["groups"]));
    let all = names(cli.json(&["groups", "--app-groups"]));
    assert!(sources.iter().any(|n| n == "Growth Lab"), "{sources:?}");
    let imported = "Statsig-Checkout-Payments-Member".to_string();
    assert!(!sources.contains(&imported), "{sources:?}");
    assert!(all.contains(&imported) && all.len() > sources.len());
    let text = cli.ok(&["groups"]);
    assert!(
        text.contains(&format!(
            "({} of the Statsig app's imported groups not listed; --app-groups lists them)",
            all.len() - sources.len()
        )),
        "{text}"
    );
}

#[test]
fn okta_push_from_the_cli_finds_the_app_links_and_okta_pushes() {
    let cli = Cli::okta();
    let apps = cli.ok(&["apps"]);
    assert!(
        apps.lines()
            .any(|l| l.starts_with('*') && l.contains("Statsig SCIM ") && l.contains("Group Push")),
        "{apps}"
    );
    assert!(
        apps.contains("Statsig SCIM (staging)") && apps.contains("no Group Push"),
        "{apps}"
    );
    let import = cli.ok(&["import"]);
    assert!(
        import.contains("Push:    Okta push via \"Statsig SCIM\""),
        "{import}"
    );
    assert!(
        import.contains("not imported into Okta yet") && import.contains("Import Now"),
        "{import}"
    );
    let made_in_console = cli.json(&["mappings"]);
    let failed = made_in_console
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["okta_group_name"] == "Growth Lab")
        .unwrap();
    assert_eq!(failed["status"], "Error");
    assert!(
        failed["cause"]
            .as_str()
            .unwrap()
            .contains("Statsig answered 400")
    );

    // Link: the guard stops it before anything is made in Okta, and says how to go on.
    let emails = mapping_group(&cli);
    let before = members(&cli, "Okta Test Proj", "Test Team");
    let guarded = cli.run(&LINK);
    assert_eq!(guarded.status.code(), Some(3));
    let said = String::from_utf8_lossy(&guarded.stderr).to_string();
    assert!(said.contains("No mapping was made in Okta"), "{said}");
    assert!(
        said.contains(&format!("--allow-removals {}", before.len())),
        "{said}"
    );
    let n = before.len().to_string();
    let mut confirmed = LINK.to_vec();
    confirmed.extend(["--allow-removals", &n]);
    let linked = cli.json(&confirmed);
    let id = linked["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("gPm"), "{linked}");
    // Okta pushed it (the demo's Okta finishes before the command ends).
    assert_eq!(members(&cli, "Okta Test Proj", "Test Team"), emails);

    cli.ok(&["deactivate", &id]);
    let status = |cli: &Cli| {
        cli.json(&["mappings"])
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id.as_str())
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status(&cli), "Inactive");
    cli.ok(&["activate", &id]);
    assert_eq!(status(&cli), "Active");

    // Create: Okta makes the team at its first push; Delete removes it again.
    cli.ok(&[
        "create",
        "--okta-group",
        "Pricing Council",
        "--project",
        "Checkout",
        "--team",
        "Pricing Council",
    ]);
    assert!(!members(&cli, "Checkout", "Pricing Council").is_empty());
    cli.ok(&["unlink", &id, "--leave"]);
    assert_eq!(
        members(&cli, "Okta Test Proj", "Test Team"),
        emails,
        "Leave keeps the team"
    );
    cli.ok(&["unlink", "Pricing Council", "--delete", "--yes"]);
    let teams = cli.json(&["teams", "--project", "Checkout"]);
    assert!(
        teams
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["team"] != "Pricing Council"),
        "{teams}"
    );

    // The sandbox's Import Now brings the newest teams into Okta.
    let imported = cli.ok(&["import-now"]);
    assert!(
        imported.contains("Okta imported Statsig's groups"),
        "{imported}"
    );
    assert!(
        !imported.contains("Statsig-Data-Platform-Analytics Eng-Member"),
        "{imported}"
    );
}

#[test]
fn push_rules_from_the_cli_preview_skip_apply_and_stop_at_the_guard() {
    for cli in [Cli::new(), Cli::okta()] {
        // Two squads become new teams in Mobile; one is left out.
        let added = cli.json(&[
            "rule",
            "add",
            "Squads",
            "--contains",
            "squad",
            "--create-in",
            "Mobile",
        ]);
        assert_eq!(added["id"], "r1");
        assert_eq!(cli.json(&["rule", "list"]).as_array().unwrap().len(), 1);
        let rows = cli.json(&["rule", "preview", "Squads"]);
        let groups: Vec<&str> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["okta_group"].as_str().unwrap())
            .collect();
        assert_eq!(groups, ["Fraud Squad", "Onboarding Squad"]);
        assert!(
            rows.as_array()
                .unwrap()
                .iter()
                .all(|r| r["status"] == "ready")
        );
        let made = cli.json(&["rule", "apply", "r1", "--skip", "Onboarding Squad"]);
        let made: Vec<&str> = made
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["statsig_group_name"].as_str().unwrap())
            .collect();
        assert_eq!(made, ["Statsig-Mobile-Fraud-Member"], "{}", cli.mode);
        // A link rule that would empty most of a team: exit 3, nothing made.
        cli.ok(&[
            "create-group",
            "--name",
            "Payments Crew",
            "--members",
            "ada.tanaka@northwind.dev",
        ]);
        cli.ok(&[
            "rule",
            "add",
            "Crews",
            "--contains",
            "crew",
            "--link-in",
            "Checkout",
        ]);
        let stopped = cli.run(&["rule", "apply", "Crews"]);
        assert_eq!(stopped.status.code(), Some(3), "{}", cli.mode);
        let said = String::from_utf8_lossy(&stopped.stderr);
        assert!(said.contains("--allow-removals"), "{said}");
        assert_eq!(cli.ok(&["rule", "remove", "Crews"]), "");
        assert_eq!(cli.json(&["rule", "list"]).as_array().unwrap().len(), 1);
    }
}

#[test]
fn version_completions_and_the_manual_come_from_the_command_line_definition() {
    let bin = env!("CARGO_BIN_EXE_okta-statsig-teams");
    let run = |args: &[&str]| {
        let out = Command::new(bin).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(
        run(&["--version"]).trim(),
        format!("okta-statsig-teams {}", env!("CARGO_PKG_VERSION"))
    );
    for shell in ["bash", "zsh", "fish"] {
        let text = run(&["completions", shell]);
        assert!(
            text.contains("link-many") && text.contains("rule"),
            "{shell}"
        );
    }
    let man = run(&["man"]);
    assert!(man.starts_with(".ie") || man.contains(".TH okta-statsig-teams 1"));
    assert!(man.contains("okta\\-statsig\\-teams\\-rule") || man.contains("rule"));
}

#[test]
fn profile_picks_its_own_settings_and_a_missing_one_is_named() {
    let bin = env!("CARGO_BIN_EXE_okta-statsig-teams");
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(bin)
            .env("OKTA_STATSIG_TEAMS_DATA_DIR", data.path())
            .env_remove("STATSIG_SCIM_TOKEN")
            .env_remove("OKTA_API_TOKEN")
            .args(args)
            .output()
            .unwrap()
    };
    let said = |o: &Output| String::from_utf8_lossy(&o.stderr).to_string();
    let bad = run(&["--profile", "../etc", "mappings"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        said(&bad).contains("cannot name a profile"),
        "{}",
        said(&bad)
    );
    let missing = run(&["--profile", "Staging", "mappings"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        said(&missing).contains("There is no profile \"Staging\"; the profiles are Default."),
        "{}",
        said(&missing)
    );
    // The Default profile has a connection; Staging, once made, has its own (none yet).
    std::fs::write(
        data.path().join("settings.json"),
        r#"{"statsig_url":"http://127.0.0.1:9/scim","okta_url":"http://127.0.0.1:9","push_mode":"Direct"}"#,
    )
    .unwrap();
    std::fs::create_dir_all(data.path().join("profiles/Staging")).unwrap();
    let staging = run(&["--profile", "Staging", "mappings"]);
    assert_eq!(staging.status.code(), Some(2));
    assert!(
        said(&staging).contains("No connection is configured"),
        "{}",
        said(&staging)
    );
    let default = run(&["mappings"]);
    assert!(
        !said(&default).contains("No connection is configured")
            && said(&default).to_lowercase().contains("token"),
        "Default uses its own settings, and asks for their tokens: {}",
        said(&default)
    );
}

#[test]
fn sandbox_help_says_what_each_data_set_holds_and_lists_only_its_own_flags() {
    let bin = || Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"));
    let out = bin().args(["sandbox", "--help"]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for holds in [
        "the Statsig app in Okta with Group Push",
        "externalId",
        "one Active and pushed, one Inactive, one in Error",
        "100,000 users, 40 projects, 2,500 teams, 5,000 Okta groups",
        "--no-okta-app",
    ] {
        assert!(
            help.contains(holds),
            "sandbox --help says {holds:?}:\n{help}"
        );
    }
    for global in [
        "--demo",
        "--json",
        "--profile",
        "--yes",
        "--push-mode",
        "--statsig-url",
    ] {
        assert!(
            !help.contains(&format!("{global} ")) && !help.contains(&format!("{global}\n")),
            "{global} does nothing with sandbox: not in its help"
        );
    }
    // Given anyway, it is refused with a sentence rather than ignored.
    let out = bin().args(["sandbox", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: --json does nothing with `sandbox`; its own flags are listed by `sandbox --help`"
    );
    // Elsewhere the global flags work as before.
    let top = bin().args(["teams", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&top.stdout).contains("--json"));
}

#[test]
fn rule_list_and_remove_read_the_rules_file_alone() {
    // A connection to servers that are not there: any request would fail.
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
            .env("OKTA_STATSIG_TEAMS_DATA_DIR", data.path())
            .env("STATSIG_SCIM_TOKEN", "scim-x")
            .env("OKTA_API_TOKEN", "okta-x")
            .args([
                "--statsig-url",
                "http://127.0.0.1:9/scim",
                "--okta-url",
                "http://127.0.0.1:9",
            ])
            .args(args)
            .output()
            .unwrap()
    };
    let list = run(&["rule", "list"]);
    assert_eq!(
        list.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    assert!(String::from_utf8_lossy(&list.stdout).contains("No push rules yet"));
    let remove = run(&["rule", "remove", "r1"]);
    assert_eq!(remove.status.code(), Some(2), "no such rule: bad input");
    let stderr = String::from_utf8_lossy(&remove.stderr);
    assert!(
        !stderr.contains("connect") && !stderr.contains("retrying"),
        "nothing was asked of the servers: {stderr}"
    );
    // A step that needs the directories still reads them, and says it cannot.
    let preview = run(&["rule", "preview", "r1"]);
    assert_ne!(preview.status.code(), Some(0));
}

/// While a window holds the profile, the CLI still reads it, and its writes land (through
/// the state file's revision check, as ever).
#[test]
fn the_cli_reads_and_writes_a_profile_a_window_holds() {
    let cli = Cli::okta();
    let data = okta_statsig_teams::engine::DataDir::new(cli.data.path());
    let held = data.lock().expect("the window's hold");
    let listed = cli.ok(&["mappings"]);
    assert!(listed.contains("iOS Guild"), "{listed}");
    cli.ok(&["deactivate", "iOS Guild"]);
    let status = |v: &serde_json::Value| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|m| m["okta_group_name"] == "iOS Guild")
            .map(|m| m["status"].clone())
    };
    let after = cli.json(&["mappings"]);
    assert_eq!(
        status(&after),
        Some(serde_json::json!("Inactive")),
        "{after}"
    );
    assert!(
        data.lock().is_err(),
        "the window's hold is still there: {held:?}"
    );
}
