//! Snapshots: export and open round trips, determinism, redaction, old format versions,
//! bad files, and `snapshot diff` from the CLI.
#![allow(clippy::unwrap_used)]

mod common;

use common::{sandbox, workspace};
use okta_statsig_teams::engine::files::{export_snapshot, open_snapshot};
use okta_statsig_teams::model::compare;
use okta_statsig_teams::model::snapshot::{self, Snapshot};
use std::path::Path;
use std::process::Command;

#[tokio::test]
async fn export_then_open_gives_the_same_directory_and_twice_gives_the_same_file() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&s, dir.path());
    ws.import(|_| {}).await.unwrap();
    let (okta, target) = common::pair(&ws, "ML Platform", "Statsig-Data-Platform-ML-Ops-Member");
    ws.link(&okta, &target, true).await.unwrap();

    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    export_snapshot(&a, &ws.snapshot(false)).unwrap();
    common::next_millisecond();
    export_snapshot(&b, &ws.snapshot(false)).unwrap();
    let opened = open_snapshot(&a).unwrap();
    let d = opened.directory();
    assert_eq!(d.statsig_groups, ws.directory().statsig_groups);
    assert_eq!(d.statsig_users, ws.directory().statsig_users);
    assert_eq!(d.okta_groups, ws.directory().okta_groups);
    assert_eq!(d.okta_users, ws.directory().okta_users);
    assert_eq!(d.teams(), ws.directory().teams());
    assert_eq!(opened.mappings, ws.mappings());
    assert!(
        opened.statsig_names.iter().any(|r| r.kind == "ambiguous"),
        "unresolved names are kept"
    );
    assert_eq!(
        opened.source.statsig_url, s.statsig_url,
        "the endpoints are recorded"
    );

    let (ta, tb) = (
        std::fs::read_to_string(&a).unwrap(),
        std::fs::read_to_string(&b).unwrap(),
    );
    let differing: Vec<(&str, &str)> = ta.lines().zip(tb.lines()).filter(|(x, y)| x != y).collect();
    assert_eq!(ta.lines().count(), tb.lines().count());
    assert_eq!(differing.len(), 1, "only the time differs: {differing:?}");
    assert!(differing[0].0.contains("\"taken_at\""));
    // No token is ever written.
    for t in [s.statsig_token.expose(), s.okta_token.expose()] {
        assert!(!ta.contains(t));
    }
}

#[tokio::test]
async fn an_okta_push_snapshot_records_the_app_and_oktas_mappings_and_compare_sees_them_change() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let conn = okta_statsig_teams::engine::Connection {
        push_mode: okta_statsig_teams::engine::connection::PushModeChoice::Auto,
        ..common::connection(&s)
    };
    let mut ws = common::open(
        conn,
        dir.path(),
        Default::default(),
        std::sync::Arc::new(okta_statsig_teams::net::Silent),
    );
    ws.import(|_| {}).await.unwrap();
    let before = ws.snapshot(false);
    assert_eq!(before.version, okta_statsig_teams::model::snapshot::VERSION);
    let app = before.okta_app.as_ref().expect("the app is recorded");
    assert_eq!(app.app.label, "Statsig SCIM");
    assert!(!app.groups.is_empty() && !app.users.is_empty());
    assert!(before.mappings.iter().all(|m| m.remote.is_some()));
    // Opened offline, it reads as it did live: the app's users decide who Okta pushes.
    let path = dir.path().join("okta.json");
    export_snapshot(&path, &before).unwrap();
    let opened = open_snapshot(&path).unwrap();
    assert_eq!(opened.okta_app, before.okta_app);
    let d = opened.directory();
    assert_eq!(
        d.app.app.as_ref().map(|a| a.label.as_str()),
        Some("Statsig SCIM")
    );
    assert_eq!(d.not_imported().len(), ws.directory().not_imported().len());
    // Compare sees a mapping made and one deactivated.
    let (src, target) = common::pair(&ws, "Sales", "Statsig-Checkout-Payments-Admin");
    ws.link(&src, &target, false).await.unwrap();
    let ios = ws
        .mappings()
        .iter()
        .find(|m| m.okta_group_name == "iOS Guild")
        .unwrap()
        .id
        .clone();
    ws.set_active(&ios, false).await.unwrap();
    let c = compare::compare(&before, &ws.snapshot(false));
    assert_eq!(c.mappings_created.len(), 1, "{c:?}");
    assert_eq!(c.status_changes.len(), 1, "{c:?}");
    // Redacted, the app's usernames (emails) are gone too.
    let red = String::from_utf8(before.redacted(&key()).to_json()).unwrap();
    assert!(!red.contains("@northwind.dev"));
}

/// A profile's redaction key.
fn key() -> okta_statsig_teams::model::redact::RedactionKey {
    okta_statsig_teams::model::redact::RedactionKey::from_bytes([7; 32])
}

#[tokio::test]
async fn a_redacted_export_has_none_of_the_emails_or_names() {
    let s = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&s, dir.path());
    ws.import(|_| {}).await.unwrap();
    let path = dir.path().join("r.json");
    export_snapshot(&path, &ws.snapshot(false).redacted(&key())).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let d = ws.directory();
    let mut secrets: Vec<String> = Vec::new();
    for u in d.statsig_users.iter() {
        secrets.extend([
            u.user_name.clone(),
            u.email.clone(),
            format!("\"{}\"", u.given_name),
            format!("\"{}\"", u.family_name),
        ]);
    }
    for u in d.okta_users.iter() {
        secrets.extend([
            u.email.clone(),
            u.login.clone(),
            format!("\"{}\"", u.first_name),
            format!("\"{}\"", u.last_name),
        ]);
    }
    for secret in secrets.iter().filter(|s| s.len() > 2) {
        assert!(
            !text.contains(secret.as_str()),
            "{secret} is in the redacted snapshot"
        );
    }
    // The review still works: the same teams, and members map to the same pseudonyms.
    let r = open_snapshot(&path).unwrap();
    assert!(r.redacted);
    assert_eq!(r.directory().teams().len(), d.teams().len());
    let again = ws.snapshot(false).redacted(&key());
    assert!(compare::compare(&r, &again).is_empty());
}

#[test]
fn a_version_1_file_keeps_opening() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshot-v1.json");
    let s = open_snapshot(&path).unwrap();
    assert_eq!(s.version, 1);
    assert_eq!(s.taken_at, "2026-03-10T09:30:00.000Z");
    let d = s.directory();
    let team = &d.teams()["Checkout"]["Payments"];
    let members = &d.statsig_groups[team.member.unwrap()].members;
    assert_eq!(members, &vec!["su-ada".to_string(), "su-bob".to_string()]);
    assert_eq!(s.mappings[0].okta_group_name, "Payments Engineers");
    assert_eq!(s.mappings[0].status.label(), "Active");
}

fn expect_error(path: &Path, words: &str) {
    let e = open_snapshot(path).unwrap_err().to_string();
    assert!(e.contains(words), "{e}");
    assert!(
        e.contains(&path.display().to_string()) && e.ends_with('.'),
        "one sentence naming the file: {e}"
    );
}

#[test]
fn bad_files_give_one_sentence_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshot-v1.json"),
    )
    .unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    expect_error(&write("truncated.json", &good[..good.len() / 2]), "cut off");
    expect_error(&write("other.json", "{\"users\": []}"), "not a snapshot");
    expect_error(&write("picture.json", "\u{89}PNG garbage"), "not JSON");
    expect_error(
        &write(
            "newer.json",
            &good.replace("\"version\": 1", "\"version\": 7"),
        ),
        "newer than this app reads",
    );
    expect_error(
        &write(
            "broken-ref.json",
            &good.replacen("\"su-bob\"", "\"su-nobody\"", 1),
        ),
        "which no Statsig user has",
    );
    // Over the size limit: a sparse file, so the test writes nothing big.
    let huge = dir.path().join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(snapshot::MAX_BYTES + 1)
        .unwrap();
    expect_error(&huge, "larger than");
}

/// The first line where two texts differ, shown, or `None` when they are equal.
fn first_difference(want: &str, got: &str) -> Option<String> {
    let line = want
        .lines()
        .zip(got.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
        .map(|(n, (a, b))| format!("line {} differs:\n expected: {a}\n written:  {b}", n + 1));
    line.or_else(|| (want != got).then(|| "one file is longer than the other".to_string()))
}

#[test]
fn the_fixture_is_what_this_build_writes() {
    // `snapshot-current.json` is the format this build writes, byte for byte: the v1 file
    // re-exported gives it, and it re-exports as itself. A change to the format fails
    // here, and the fixture is changed with it on purpose.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let current = std::fs::read_to_string(fixtures.join("snapshot-current.json")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for from in ["snapshot-v1.json", "snapshot-current.json"] {
        let s = open_snapshot(&fixtures.join(from)).unwrap();
        assert_eq!(Snapshot::from_json(&s.to_json()).unwrap(), s, "{from}");
        let written = dir.path().join(from);
        export_snapshot(&written, &s).unwrap();
        let got = std::fs::read_to_string(&written).unwrap();
        if let Some(d) = first_difference(&current, &got) {
            panic!("{from} written again is not snapshot-current.json: {d}");
        }
    }
}

#[test]
fn snapshot_diff_from_the_cli_exits_like_diff() {
    let dir = tempfile::tempdir().unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshot-v1.json");
    let mut changed = open_snapshot(&base).unwrap();
    changed
        .statsig_groups
        .iter_mut()
        .find(|g| g.display_name == "Statsig-Checkout-Payments-Member")
        .unwrap()
        .members
        .retain(|m| m != "su-bob");
    let after = dir.path().join("after.json");
    export_snapshot(&after, &changed).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
            .env("OKTA_STATSIG_TEAMS_DATA_DIR", dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    let same = run(&[
        "snapshot",
        "diff",
        base.to_str().unwrap(),
        base.to_str().unwrap(),
    ]);
    assert_eq!(same.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&same.stdout).contains("No differences"));
    let differ = run(&[
        "snapshot",
        "diff",
        base.to_str().unwrap(),
        after.to_str().unwrap(),
    ]);
    assert_eq!(differ.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&differ.stdout)
            .contains("- Checkout / Payments / Member: bob@northwind.dev")
    );
    let json = run(&[
        "snapshot",
        "diff",
        base.to_str().unwrap(),
        after.to_str().unwrap(),
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["members_changed"][0]["removed"][0], "bob@northwind.dev");
    let bad = run(&[
        "snapshot",
        "diff",
        base.to_str().unwrap(),
        "/nonexistent/x.json",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("/nonexistent/x.json"));
}

/// `snapshot diff --live` includes Okta groups: one made since, and a person added to it.
#[test]
fn snapshot_diff_live_shows_okta_groups_changes() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
            .env("OKTA_STATSIG_TEAMS_DATA_DIR", dir.path())
            .arg("--demo")
            .args(args)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code(), text)
    };
    let file = |n: &str| dir.path().join(n).display().to_string();
    let (before, mid) = (file("before.json"), file("mid.json"));
    assert_eq!(run(&["import", "--out", &before]).0, Some(0));
    let (code, said) = run(&[
        "create-group",
        "--name",
        "Diff Check",
        "--members",
        "ada.okafor@northwind.dev",
    ]);
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(run(&["import", "--out", &mid]).0, Some(0));
    let (code, said) = run(&[
        "add-member",
        "--group",
        "Diff Check",
        "--user",
        "carlos.khan@northwind.dev",
    ]);
    assert_eq!(code, Some(0), "{said}");
    let (code, said) = run(&["snapshot", "diff", &mid, "--live"]);
    assert_eq!(code, Some(1), "{said}");
    assert!(
        said.contains("+ Okta group Diff Check: carlos.khan@northwind.dev"),
        "{said}"
    );
    let (code, said) = run(&["snapshot", "diff", &before, "--live"]);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("Okta group created: Diff Check"), "{said}");
}

/// The command line on one sandbox in Okta push, its tokens from the environment.
struct OktaCli {
    s: okta_statsig_teams::sandbox::Sandbox,
    rt: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
}

impl OktaCli {
    fn new() -> Self {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let s = rt.block_on(sandbox());
        OktaCli {
            s,
            rt,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Exit code, stdout, and stdout with stderr.
    fn run(&self, args: &[&str]) -> (Option<i32>, Vec<u8>, String) {
        let s = &self.s;
        let out = Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
            .env("OKTA_STATSIG_TEAMS_DATA_DIR", self.dir.path())
            .env("STATSIG_SCIM_TOKEN", s.statsig_token.expose())
            .env("OKTA_API_TOKEN", s.okta_token.expose())
            .args(["--statsig-url", &s.statsig_url, "--okta-url", &s.okta_url])
            .args(["--projects", &s.projects().join(","), "--push-mode", "okta"])
            .args(args)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code(), out.stdout, said)
    }

    fn ok(&self, args: &[&str]) {
        let (code, _, said) = self.run(args);
        assert_eq!(code, Some(0), "{args:?}: {said}");
    }

    /// `args` print JSON and exit 1 (there are differences).
    fn differences(&self, args: &[&str]) -> serde_json::Value {
        let (code, out, said) = self.run(args);
        assert_eq!(code, Some(1), "{args:?}: {said}");
        serde_json::from_slice(&out).unwrap()
    }

    fn file(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// The status of the Okta push mapping from Okta group `source`, as Okta holds it.
    fn okta_mapping(&self, source: &str) -> Option<String> {
        let w = self.s.world();
        let id = w.okta_group_by_name(source).unwrap().id.clone();
        w.push_mappings
            .values()
            .find(|m| m.source_group_id == id)
            .map(|m| m.status.clone())
    }

    /// An admin deletes a team in Statsig's console (its team-role group).
    fn delete_team(&self, group: &str) {
        let id = self.s.world().groups.by_name(group).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let path = format!("/Groups/{id}");
        let answer = self
            .rt
            .block_on(common::scim(&self.s, "DELETE", &path, None));
        assert!(answer.status < 300, "{}", answer.status);
    }
}

const MADE: &str = "Sales -> Statsig-Checkout-Payments-Admin";
const UNLINKED: &str = "Warehouse Crew -> Statsig-Data-Platform-Warehouse-Member";

/// Each of the four changes on its own line in the text `said`, and neither mapping of
/// them in another mapping section.
fn assert_each_in_its_section(said: &str) {
    let lines: Vec<&str> = said.lines().collect();
    for line in [
        "team deleted: Fraud Detection (Checkout)".to_string(),
        format!("mapping created: {MADE}"),
        format!("mapping unlinked: {UNLINKED}"),
        "status: iOS Guild -> Statsig-Mobile-iOS-Member: Active to Inactive".to_string(),
    ] {
        assert!(lines.contains(&line.as_str()), "{line:?} in:\n{said}");
    }
    let unlinked = format!("mapping unlinked: {UNLINKED}");
    for line in &lines {
        let about_mappings = line.starts_with("mapping ") || line.starts_with("status: ");
        assert!(
            !about_mappings || !line.contains("Warehouse Crew") || *line == unlinked,
            "Warehouse Crew only as unlinked: {line}"
        );
        assert!(
            !line.starts_with("mapping ") || !line.contains("iOS Guild"),
            "iOS Guild is a status change, not made or unlinked: {line}"
        );
        assert!(!line.starts_with("team created"), "{line}");
    }
}

/// The same, section by section, in `diff --json`'s output.
fn assert_each_in_its_json_section(diff: &serde_json::Value) {
    use serde_json::json;
    assert_eq!(diff["teams_deleted"], json!(["Fraud Detection (Checkout)"]));
    assert_eq!(diff["teams_created"], json!([]));
    assert_eq!(diff["mappings_created"], json!([MADE]));
    assert_eq!(diff["mappings_unlinked"], json!([UNLINKED]));
    assert_eq!(
        diff["status_changes"],
        json!([{
            "okta_group": "iOS Guild",
            "statsig_group": "Statsig-Mobile-iOS-Member",
            "before": "Active",
            "after": "Inactive",
        }])
    );
    let roles = diff["members_changed"].as_array().unwrap();
    assert!(!roles.is_empty(), "the deleted team's members went with it");
    for r in roles {
        assert_eq!(r["team"], "Fraud Detection", "{r}");
        assert_eq!(r["added"], json!([]), "{r}");
    }
}

/// Okta push, compared item by item (not only counted): between the earlier file and
/// what Okta and Statsig hold now a mapping was made, one deactivated, one unlinked and a
/// team deleted in Statsig. `snapshot diff --live` and the diff of two files name each in
/// its own section, and nothing of them in another.
#[test]
fn okta_push_compare_names_each_mapping_made_deactivated_unlinked_and_the_team_deleted() {
    let cli = OktaCli::new();
    let (before, after) = (cli.file("before.json"), cli.file("after.json"));
    cli.ok(&["import", "--out", &before]);
    // The earlier file holds Okta's mappings as they were.
    let then = open_snapshot(Path::new(&before)).unwrap();
    let status_then = |group: &str| {
        then.mappings
            .iter()
            .find(|m| m.okta_group_name == group)
            .map(|m| (m.status.label(), m.remote.is_some()))
    };
    assert_eq!(status_then("iOS Guild"), Some(("Active", true)));
    assert_eq!(status_then("Warehouse Crew"), Some(("Inactive", true)));
    assert_eq!(status_then("Sales"), None);

    cli.ok(&[
        "link",
        "--okta-group",
        "Sales",
        "--statsig-group",
        "Statsig-Checkout-Payments-Admin",
        "--no-push",
    ]);
    cli.ok(&["deactivate", "iOS Guild"]);
    cli.ok(&["unlink", "Warehouse Crew", "--leave"]);
    cli.delete_team("Statsig-Checkout-Fraud Detection-Member");
    // What Okta and Statsig hold now.
    assert_eq!(cli.okta_mapping("Sales").as_deref(), Some("INACTIVE"));
    assert_eq!(cli.okta_mapping("iOS Guild").as_deref(), Some("INACTIVE"));
    assert_eq!(cli.okta_mapping("Warehouse Crew"), None, "unlinked in Okta");
    for role in ["Member", "Admin"] {
        let name = format!("Statsig-Checkout-Fraud Detection-{role}");
        assert!(
            cli.s.world().groups.by_name(&name).is_none(),
            "{name} is gone"
        );
    }

    // What the admin reads, then the same in JSON; two files say what the live diff says.
    let (code, _, said) = cli.run(&["snapshot", "diff", &before, "--live"]);
    assert_eq!(code, Some(1), "{said}");
    assert_each_in_its_section(&said);
    let live = cli.differences(&["--json", "snapshot", "diff", &before, "--live"]);
    assert_each_in_its_json_section(&live);
    cli.ok(&["import", "--out", &after]);
    let now = open_snapshot(Path::new(&after)).unwrap();
    assert!(
        now.mappings
            .iter()
            .all(|m| m.okta_group_name != "Warehouse Crew")
    );
    let files = cli.differences(&["--json", "snapshot", "diff", &before, &after]);
    assert_eq!(
        files, live,
        "two files compare as the file and live data do"
    );
}

/// The README's snapshot format section names the version this build writes, in its
/// heading and in its example.
#[test]
fn the_readme_names_the_snapshot_format_version_this_build_writes() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let v = snapshot::VERSION;
    assert!(
        readme.contains(&format!("**Format** (version {v})")),
        "the README's format heading says version {v}"
    );
    assert!(
        readme.contains(&format!("\"version\": {v},")),
        "the README's example snapshot has \"version\": {v}"
    );
}
