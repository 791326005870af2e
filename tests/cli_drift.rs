//! The command line against a sandbox on loopback (its URLs and projects passed as flags,
//! tokens from the environment), every result checked in the emulator's world: edits
//! made in Statsig survive `push`, `activate` and `watch` until `resolve-drift`; the
//! commands it suggests run as printed; `link-many` checks the whole file first and a
//! re-run is done; and each kind of failure exits with the code the README's table gives.
#![allow(clippy::unwrap_used)]

mod common;

use okta_statsig_teams::sandbox::Sandbox;
use okta_statsig_teams::sandbox::faults::OneOff;
use serde_json::json;
use std::collections::BTreeSet;
use std::process::Output;

const TEAM: &str = "Statsig-Checkout-Payments-Member";
/// The seed's test team, which `link-many` links to Fraud Squad in its tests.
const TEST_TEAM: &str = "Statsig-Okta Test Proj-Test Team-Member";

/// The CLI on one sandbox, with its own data folder, in Direct push.
struct Cli {
    data: tempfile::TempDir,
    sandbox: Sandbox,
    rt: tokio::runtime::Runtime,
    statsig_url: String,
}

impl Cli {
    fn new() -> Self {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let sandbox = rt.block_on(common::sandbox());
        let statsig_url = sandbox.statsig_url.clone();
        Cli {
            data: tempfile::tempdir().unwrap(),
            sandbox,
            rt,
            statsig_url,
        }
    }

    /// The flags that choose this connection, as the CLI repeats them.
    fn flags(&self) -> Vec<String> {
        vec![
            "--statsig-url".into(),
            self.statsig_url.clone(),
            "--okta-url".into(),
            self.sandbox.okta_url.clone(),
            "--projects".into(),
            self.sandbox.projects().join(","),
            "--push-mode".into(),
            "direct".into(),
        ]
    }

    fn run_raw(&self, args: &[String]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
            .env("OKTA_STATSIG_TEAMS_DATA_DIR", self.data.path())
            .env("STATSIG_SCIM_TOKEN", self.sandbox.statsig_token.expose())
            .env("OKTA_API_TOKEN", self.sandbox.okta_token.expose())
            .args(args)
            .output()
            .expect("the binary runs")
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut all = self.flags();
        all.extend(args.iter().map(|a| a.to_string()));
        self.run_raw(&all)
    }

    fn ok(&self, args: &[&str]) -> String {
        common::stdout_of(args, self.run(args))
    }

    /// A SCIM call straight to the emulator (an admin editing in Statsig's console).
    fn scim(&self, method: &str, path: &str, body: Option<serde_json::Value>) -> u16 {
        self.rt
            .block_on(common::scim(&self.sandbox, method, path, body))
            .status
    }

    fn team_id(&self, name: &str) -> String {
        self.sandbox.world().groups.by_name(name).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn in_team(&self, team: &str, statsig_id: &str) -> bool {
        self.sandbox
            .world()
            .group_member_ids(team)
            .unwrap()
            .iter()
            .any(|m| m == statsig_id)
    }
}

/// What Direct push must leave in a team linked to an Okta group, from the emulators
/// alone: the Statsig accounts of the group's active members in the org's domain.
fn desired(s: &Sandbox, okta_group: &str) -> BTreeSet<String> {
    let w = s.world();
    let domain = format!("@{}", w.rules.org_domain.to_lowercase());
    w.okta_group_by_name(okta_group)
        .unwrap()
        .members
        .iter()
        .filter_map(|uid| w.okta_users.get(uid))
        .filter(|u| u.status == "ACTIVE" && u.email.to_lowercase().ends_with(&domain))
        .filter_map(|u| w.user_id_by_name(&u.email))
        .collect()
}

/// Adds to an Okta group, in Okta, someone with a Statsig account who is not in TEAM, so
/// a push of the group to TEAM has something to send; their Statsig id.
fn join_in_okta(s: &Sandbox, okta_group: &str) -> String {
    let (sid, email) = stranger(s);
    let mut w = s.world();
    let gid = w.okta_group_by_name(okta_group).unwrap().id.clone();
    let uid = w
        .okta_users
        .values()
        .find(|u| u.email.eq_ignore_ascii_case(&email) && u.status == "ACTIVE")
        .unwrap()
        .id
        .clone();
    w.set_okta_membership(&gid, &uid, true, &okta_statsig_teams::clock::now())
        .unwrap();
    sid
}

/// The members of a Statsig group, as the SCIM emulator holds them.
fn members(s: &Sandbox, team: &str) -> BTreeSet<String> {
    s.world()
        .group_member_ids(team)
        .unwrap()
        .into_iter()
        .collect()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A Statsig user (id, email) in neither the team nor its Okta group.
fn stranger(s: &Sandbox) -> (String, String) {
    let w = s.world();
    let team = w.group_member_ids(TEAM).unwrap();
    w.users
        .iter()
        .filter(|u| u["active"] == true)
        .map(|u| {
            (
                u["id"].as_str().unwrap().to_string(),
                u["userName"].as_str().unwrap().to_lowercase(),
            )
        })
        .find(|(id, _)| !team.contains(id))
        .unwrap()
}

/// The command a message suggests after `marker`, split into its arguments (the program
/// name dropped), quoted words kept whole.
fn suggested(said: &str, marker: &str) -> Vec<String> {
    let line = said[said.find(marker).unwrap() + marker.len()..]
        .lines()
        .next()
        .unwrap();
    // "… --overwrite (or --adopt, or --pause)": the command is what comes first.
    let line = line.split(" (or ").next().unwrap().trim().to_string();
    let mut words = Vec::new();
    let (mut cur, mut quoted) = (String::new(), false);
    for c in line.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    assert_eq!(words[0], "okta-statsig-teams", "{line}");
    words.remove(0);
    words
}

#[test]
fn an_edit_made_in_statsig_survives_push_activate_and_watch_until_resolve_drift() {
    let cli = Cli::new();
    cli.ok(&[
        "link",
        "--okta-group",
        "Payments Engineers",
        "--statsig-group",
        TEAM,
    ]);
    let team = cli.team_id(TEAM);
    let (sid, email) = stranger(&cli.sandbox);
    let add = json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": sid}]}]});
    assert_eq!(
        cli.scim("PATCH", &format!("/Groups/{team}"), Some(add)),
        200
    );

    // `mappings` names the person edited in Statsig.
    let listed = cli.ok(&["mappings"]);
    assert!(
        listed.contains("edited in Statsig")
            && listed.contains(&format!("{email} (added in Statsig)")),
        "{listed}"
    );
    let json: serde_json::Value = serde_json::from_str(&cli.ok(&["mappings", "--json"])).unwrap();
    assert_eq!(
        json[0]["edited_in_statsig"][0],
        format!("{email} (added in Statsig)")
    );

    // push keeps the edit and exits 4, with the command that settles it.
    let pushed = cli.run(&["push", "m1"]);
    assert_eq!(pushed.status.code(), Some(4), "{}", stderr(&pushed));
    assert!(cli.in_team(TEAM, &sid), "push never pushes over the edit");
    let said = stderr(&pushed);
    assert!(said.contains(&email), "{said}");
    let settle = suggested(&said, "To choose: ");
    let flags = cli.flags();
    assert_eq!(
        &settle[..flags.len()],
        &flags[..],
        "the connection flags given"
    );

    // watch --once exits 0, or 4 when asked to fail on drift; the edit stays.
    assert_eq!(cli.run(&["watch", "--once"]).status.code(), Some(0));
    let failing = cli.run(&["watch", "--once", "--fail-on-drift"]);
    assert_eq!(failing.status.code(), Some(4), "{}", stderr(&failing));
    assert!(cli.in_team(TEAM, &sid));

    // Pause says what it did and keeps the drift listed; activate holds it again (4).
    let paused = cli.ok(&["resolve-drift", "m1", "--pause"]);
    assert!(
        paused.starts_with("Paused Payments Engineers") && paused.contains(&email),
        "{paused}"
    );
    assert!(
        cli.ok(&["mappings"])
            .contains(&format!("{email} (added in Statsig)"))
    );
    let activated = cli.run(&["activate", "m1"]);
    assert_eq!(activated.status.code(), Some(4), "{}", stderr(&activated));
    assert!(cli.in_team(TEAM, &sid));

    // The suggested command runs as printed (Overwrite) and says what it did.
    assert_eq!(settle.last().unwrap(), "--overwrite");
    let done = cli.run_raw(&settle);
    assert!(done.status.success(), "{}", stderr(&done));
    let out = String::from_utf8_lossy(&done.stdout);
    assert_eq!(
        out.trim(),
        format!("Overwrote the edits made in Statsig on {TEAM}: removed {email}.")
    );
    assert!(!cli.in_team(TEAM, &sid));
    assert!(!cli.ok(&["mappings"]).contains("edited in Statsig"));
}

#[test]
fn link_many_checks_the_whole_file_first_and_a_rerun_goes_on_where_it_stopped() {
    let cli = Cli::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pairs.csv");
    let before = cli.sandbox.world().group_member_ids(TEAM).unwrap();
    std::fs::write(
        &file,
        format!(
            "# okta group,statsig team group\nPayments Engineers,{TEAM}\njust one field\nNo Such Group,{TEAM}\nML Platform,Statsig-Nope-Member\n"
        ),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let bad = cli.run(&["link-many", path]);
    assert_eq!(bad.status.code(), Some(2));
    let said = stderr(&bad);
    for n in [3, 4, 5] {
        assert!(said.contains(&format!("line {n}: ")), "line {n}: {said}");
    }
    assert!(!said.contains("line 2:"), "{said}");
    assert!(
        said.contains("No Okta group is called \"No Such Group\""),
        "{said}"
    );
    assert!(said.contains("nothing was linked"), "{said}");
    assert!(cli.ok(&["mappings", "--json"]).trim() == "[]");
    assert_eq!(cli.sandbox.world().group_member_ids(TEAM).unwrap(), before);

    // Two lines go; one would empty a team: held for confirmation (exit 3, as `link`).
    let joined = join_in_okta(&cli.sandbox, "Payments Engineers");
    let (payments, fraud) = (
        desired(&cli.sandbox, "Payments Engineers"),
        desired(&cli.sandbox, "Fraud Squad"),
    );
    let test_team = members(&cli.sandbox, TEST_TEAM);
    assert!(!payments.is_empty() && !fraud.is_empty());
    assert!(payments.contains(&joined) && !members(&cli.sandbox, TEAM).contains(&joined));
    assert!(test_team.is_disjoint(&fraud), "the link would empty it");
    std::fs::write(
        &file,
        format!("Payments Engineers,{TEAM}\nFraud Squad,{TEST_TEAM}\n"),
    )
    .unwrap();
    let first = cli.run(&["link-many", path]);
    assert_eq!(first.status.code(), Some(3), "{}", stderr(&first));
    // Line 1 is linked and pushed: its team holds exactly the Okta group's people. Line 2's
    // adds went and its removals wait: nobody has left its team yet.
    assert_eq!(members(&cli.sandbox, TEAM), payments);
    assert_eq!(
        members(&cli.sandbox, TEST_TEAM),
        test_team.union(&fraud).cloned().collect()
    );
    let said = stderr(&first);
    assert!(said.contains("line 2: "), "{said}");
    assert!(!said.contains("linked 2 of 2"), "{said}");
    // Each line counted once: two lines, two counts.
    assert!(
        said.contains(
            "link-many: 1 linked, 1 linked with its push waiting for confirmation of removals."
        ),
        "{said}"
    );
    let finish = suggested(&said, "To push with these removals: ");
    assert!(
        finish.ends_with(&[
            "push".into(),
            "m2".into(),
            "--allow-removals".into(),
            finish.last().unwrap().clone()
        ]),
        "{finish:?}"
    );
    // A re-run: the lines linked already are done; the held one still waits (3).
    let again = cli.run(&["link-many", path]);
    assert_eq!(again.status.code(), Some(3), "{}", stderr(&again));
    assert!(
        stderr(&again).contains(
            "link-many: 0 linked, 1 linked already, 1 linked already and waiting for confirmation."
        ),
        "{}",
        stderr(&again)
    );
    assert!(
        stderr(&again).contains("line 1: Payments Engineers is linked to"),
        "{}",
        stderr(&again)
    );
    assert_eq!(cli.ok(&["mappings", "--json"]).matches("\"id\"").count(), 2);
    // Its printed command confirms the removals; the next re-run is all done (0).
    let done = cli.run_raw(&finish);
    assert!(done.status.success(), "{}", stderr(&done));
    let rerun = cli.run(&["link-many", path]);
    assert_eq!(rerun.status.code(), Some(0), "{}", stderr(&rerun));
    assert!(
        stderr(&rerun).contains("2 linked already"),
        "{}",
        stderr(&rerun)
    );
    // Both links are real: each team holds exactly its Okta group's people.
    assert_eq!(members(&cli.sandbox, TEAM), payments);
    assert_eq!(members(&cli.sandbox, TEST_TEAM), fraud);
}

/// A line linked whose push failed in a way a retry may fix (Statsig answered 500) exits 1
/// with the line named; a re-run of the file does not call it done: it names the failure,
/// exits 1 again, and the command it suggests pushes the team for real.
#[test]
fn link_many_exits_1_on_a_failed_push_and_a_rerun_does_not_call_it_done() {
    let cli = Cli::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pairs.csv");
    std::fs::write(&file, format!("Payments Engineers,{TEAM}\n")).unwrap();
    let path = file.to_str().unwrap();
    let joined = join_in_okta(&cli.sandbox, "Payments Engineers");
    let before = members(&cli.sandbox, TEAM);
    assert!(!before.contains(&joined));
    cli.sandbox
        .scim_faults
        .answer_next("PATCH", "/Groups/", OneOff::ServerError, 20);
    let first = cli.run(&["link-many", path]);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("line 1: ") && stderr(&first).contains("1 failed"),
        "{}",
        stderr(&first)
    );
    assert_eq!(members(&cli.sandbox, TEAM), before, "not applied");
    // Statsig answers again (the one-off left in place of the 500s is a real answer).
    cli.sandbox.scim_faults.answer_next(
        "PATCH",
        "/Groups/",
        OneOff::Late(std::time::Duration::ZERO),
        1,
    );

    let again = cli.run(&["link-many", path]);
    let said = stderr(&again);
    assert_eq!(again.status.code(), Some(1), "{said}");
    assert!(!said.contains("; done"), "{said}");
    assert!(
        said.contains("line 1: Payments Engineers is linked to")
            && said.contains("but its last push failed"),
        "{said}"
    );
    assert_eq!(members(&cli.sandbox, TEAM), before);
    let push = suggested(&said, "To push it again: ");
    let pushed = cli.run_raw(&push);
    assert!(pushed.status.success(), "{}", stderr(&pushed));
    assert_eq!(
        members(&cli.sandbox, TEAM),
        desired(&cli.sandbox, "Payments Engineers")
    );
    let done = cli.run(&["link-many", path]);
    assert_eq!(done.status.code(), Some(0), "{}", stderr(&done));
}

/// A new team named with a character that breaks URLs is refused (`refused`, one
/// sentence naming it, nothing made); one with an unusual character is made, with a
/// warning naming it (mapping m1, "Statsig-Checkout-Chargebacks #2-Member").
fn named_teams(refused: i32) -> Cli {
    let cli = Cli::new();
    let create = |team: &str| {
        cli.run(&[
            "create",
            "--okta-group",
            "Fraud Squad",
            "--project",
            "Checkout",
            "--team",
            team,
        ])
    };
    // A name Statsig refuses: a change is needed (2), with one sentence naming "/".
    let bad = create("Pay/ments<b>");
    assert_eq!(bad.status.code(), Some(refused));
    assert!(
        stderr(&bad).contains("has \"/\", which breaks URLs"),
        "{}",
        stderr(&bad)
    );
    assert!(
        cli.sandbox
            .world()
            .groups
            .iter()
            .all(|g| !g["displayName"].as_str().unwrap().contains("Pay/")),
        "nothing was made"
    );
    // An unusual character is allowed, with a warning naming it.
    let odd = create("Chargebacks #2");
    assert!(odd.status.success(), "{}", stderr(&odd));
    assert!(
        stderr(&odd).contains("warning: The team name has \"#\""),
        "{}",
        stderr(&odd)
    );
    cli
}

/// The exit codes the README's table promises, read from the README itself.
fn readme_codes() -> Vec<(u8, String)> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("| Exit code |").expect("the exit code table");
    readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].parse().unwrap(), cells[2].to_string())
        })
        .collect()
}

#[test]
fn each_kind_of_failure_exits_with_the_code_the_readme_gives_in_every_command() {
    let codes = readme_codes();
    assert_eq!(
        codes.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
    let code = |kind: &str| {
        codes
            .iter()
            .find(|(_, meaning)| meaning.contains(kind))
            .unwrap_or_else(|| panic!("no row for {kind}: {codes:?}"))
            .0 as i32
    };
    let cli = named_teams(code("must change"));
    // A team deleted in Statsig: push and retry both say a change is needed (2).
    let team = cli.team_id("Statsig-Checkout-Chargebacks #2-Member");
    assert_eq!(cli.scim("DELETE", &format!("/Groups/{team}"), None), 200);
    let push = cli.run(&["push", "m1"]);
    assert_eq!(
        push.status.code(),
        Some(code("must change")),
        "{}",
        stderr(&push)
    );
    let retry = cli.run(&["retry"]);
    assert_eq!(
        retry.status.code(),
        Some(code("must change")),
        "{}",
        stderr(&retry)
    );
    assert!(
        stderr(&retry).contains("Unlink with Leave, then Create"),
        "{}",
        stderr(&retry)
    );
    // With --json, a script reading stdout learns the code and the sentence too.
    let json = cli.run(&["--json", "retry"]);
    assert_eq!(json.status.code(), Some(code("must change")));
    let failed: serde_json::Value = serde_json::from_slice(&json.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&json.stdout)));
    assert_eq!(
        failed["error"]["exit_code"],
        serde_json::json!(code("must change"))
    );
    assert!(
        failed["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Unlink with Leave, then Create")),
        "{failed}"
    );
    let left = cli.ok(&["unlink", "m1", "--leave"]);
    assert!(
        left.contains("had already been deleted in Statsig"),
        "{left}"
    );

    // The deletion guard holds removals: not confirmed (3).
    let guarded = cli.run(&[
        "link",
        "--okta-group",
        "Fraud Squad",
        "--statsig-group",
        "Statsig-Okta Test Proj-Test Team-Member",
    ]);
    assert_eq!(guarded.status.code(), Some(code("confirm")));

    // Differences found (1), and a request a retry may fix (1): nothing listens there.
    assert_eq!(
        cli.run(&["verify", "m2"]).status.code(),
        Some(code("differences"))
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/scim", closed.local_addr().unwrap());
    drop(closed);
    let mut flags = cli.flags();
    flags[1] = dead;
    flags.push("mappings".into());
    let unreachable = cli.run_raw(&flags);
    assert_eq!(
        unreachable.status.code(),
        Some(code("trying again")),
        "{}",
        stderr(&unreachable)
    );

    // Edits made in Statsig wait for a choice (4) — see the drift test for every command.
    assert_eq!(code("edits made in Statsig"), 4);
}

/// `watch` in Okta push: the app pushes nothing itself. A change made in Okta is counted
/// and, while Okta's worker has not pushed it, the mapping says "Okta is pushing" and
/// Statsig is untouched; once Okta has pushed, that is gone.
#[test]
fn watch_in_okta_push_counts_oktas_changes_and_leaves_the_push_to_okta() {
    let cli = Cli::new();
    let flags: Vec<String> = cli
        .flags()
        .into_iter()
        .map(|f| if f == "direct" { "okta".into() } else { f })
        .collect();
    let json = |args: &[&str]| {
        let mut all = flags.clone();
        all.push("--json".into());
        all.extend(args.iter().map(|a| a.to_string()));
        let out = cli.run_raw(&all);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    // `watch --json` prints JSON lines: the events, then the cycle's "checked" line.
    let checked = |args: &[&str]| {
        let mut all = flags.clone();
        all.push("--json".into());
        all.extend(args.iter().map(|a| a.to_string()));
        let out = cli.run_raw(&all);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        let last = text.lines().last().unwrap().to_string();
        let v: serde_json::Value = serde_json::from_str(&last).unwrap();
        assert_eq!(v["event"], "checked", "{text}");
        v
    };
    checked(&["watch", "--once"]); // the first look sets where the next one starts
    let team = "Statsig-Mobile-iOS-Member";
    let (mapping, email) = {
        let mut w = cli.sandbox.world();
        let group = w.okta_group_by_name("iOS Guild").unwrap().clone();
        let app = w
            .apps
            .values()
            .find(|a| a.label == "Statsig SCIM")
            .unwrap()
            .id
            .clone();
        let newcomer = w.app_users[&app]
            .values()
            .find(|u| u.external_id.is_some() && !group.members.contains(&u.id))
            .map(|u| u.id.clone())
            .unwrap();
        let email = w.okta_users[&newcomer].email.to_lowercase();
        let mapping = w
            .push_mappings
            .values()
            .find(|m| m.source_group_id == group.id)
            .unwrap()
            .id
            .clone();
        common::next_millisecond();
        let at = okta_statsig_teams::clock::now();
        w.set_okta_membership(&group.id, &newcomer, true, &at)
            .unwrap();
        (mapping, email)
    };
    // Statsig holds the writes of Okta's worker: Okta has not pushed yet.
    let held = cli
        .sandbox
        .hold_statsig_requests(|method, _| method != "GET");
    let seen = checked(&["watch", "--once"]);
    assert!(seen["okta_groups_changed"].as_u64().unwrap() >= 1, "{seen}");
    assert_eq!(seen["pushed"], json!([]), "{seen}");
    assert_eq!(seen["errors"], json!([]), "{seen}");
    assert!(
        !common::statsig_emails(&cli.sandbox, team)
            .unwrap()
            .contains(&email)
    );
    let pending = |listed: &serde_json::Value| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == mapping.as_str())
            .unwrap()["remote"]["pending"]
            .clone()
    };
    let listed = json(&["mappings"]);
    assert!(
        pending(&listed)
            .as_str()
            .is_some_and(|p| p.starts_with("Okta is pushing")),
        "{listed}"
    );
    // Okta's worker pushes it (after its delay), not the app.
    held.release();
    let pushed = cli.sandbox.until(std::time::Duration::from_secs(20), |w| {
        common::statsig_emails_in(w, team).unwrap().contains(&email)
    });
    assert!(pushed, "Okta pushes");
    assert_eq!(pending(&json(&["mappings"])), serde_json::Value::Null);
}
