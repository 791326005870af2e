//! Push by rule through the engine, over real HTTP to the sandbox: a rule previews every
//! mapping it would make, applies all but the unticked rows (Direct push and Okta push), a
//! bulk cut short by Cancel is applied again without duplicates, a new Okta group that a
//! rule matches is proposed (or made, when the rule says so) at the next check, the guard
//! stops a row, and rules are kept per connection and in snapshots.
#![allow(clippy::unwrap_used)]

mod common;

use okta_statsig_teams::engine::Workspace;
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::model::push_rule::{NameMatch, PushRule, RowTarget, RuleAction};
use okta_statsig_teams::net::{RetryPolicy, Silent};
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

async fn sandbox_with(config: SandboxConfig) -> Sandbox {
    Sandbox::start(SandboxConfig {
        okta_push_delay: Duration::from_millis(100),
        ..config
    })
    .await
    .unwrap()
}

async fn open(s: &Sandbox, mode: PushModeChoice, dir: &std::path::Path) -> Workspace {
    let conn = okta_statsig_teams::engine::Connection {
        push_mode: mode,
        ..common::connection(s)
    };
    let policy = RetryPolicy {
        base_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    let mut ws = common::open(conn, dir, policy, Arc::new(Silent));
    ws.import(|_| {}).await.unwrap();
    ws
}

/// Okta users that Statsig knows and Okta pushes (members of a seeded team's group).
fn pushable(ws: &Workspace) -> Vec<String> {
    let d = ws.directory();
    d.okta_group_by_name("Payments Engineers")
        .unwrap()
        .members
        .iter()
        .take(4)
        .cloned()
        .collect()
}

/// Mapping groups named `names`, each with a few pushable members.
async fn groups(ws: &mut Workspace, names: &[&str]) -> Vec<String> {
    let users = pushable(ws);
    let mut ids = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let g = ws
            .create_mapping_group(n, "", &users[..1 + i % users.len()])
            .await
            .unwrap();
        ids.push(g.id);
    }
    ids
}

fn create_rule(name: &str, text: &str, project: &str) -> PushRule {
    PushRule {
        id: String::new(),
        name: name.into(),
        how: NameMatch::StartsWith,
        text: text.into(),
        kind: Some("OKTA_GROUP".into()),
        action: RuleAction::Create {
            project: project.into(),
        },
        auto_create: false,
    }
}

/// Waits until `ok` holds, looking again at each write to the sandbox's world (20 s at
/// most, so a hang fails).
async fn eventually(s: &Sandbox, what: &str, mut ok: impl FnMut() -> bool) {
    let done = s.until_async(Duration::from_secs(20), async || ok()).await;
    assert!(done, "{what}");
}

async fn preview_untick_apply(mode: PushModeChoice) {
    let s = sandbox_with(SandboxConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(&s, mode, dir.path()).await;
    let ids = groups(&mut ws, &["Team Alpha", "Team Beta", "Team Gamma"]).await;
    let rule = ws
        .add_rule(create_rule("Teams", "Team ", "Mobile"))
        .unwrap();
    let rows = ws.preview_rule(&rule.id).unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r.okta_group_name.as_str()).collect();
    assert_eq!(names, ["Team Alpha", "Team Beta", "Team Gamma"]);
    assert!(rows.iter().all(|r| r.ready()));
    assert_eq!(
        rows[0].target,
        RowTarget::Create {
            project: "Mobile".into(),
            team: "Alpha".into(),
            name: "Statsig-Mobile-Alpha-Member".into()
        }
    );
    assert_eq!(
        rows.iter().map(|r| r.adds).collect::<Vec<_>>(),
        [Some(1), Some(2), Some(3)]
    );
    let done = ws
        .apply_rule(&rule.id, &[ids[1].clone()], 0, &|_, _, _| {})
        .await
        .unwrap();
    let made: Vec<&str> = done
        .made
        .iter()
        .map(|m| m.statsig_group_name.as_str())
        .collect();
    assert_eq!(
        made,
        ["Statsig-Mobile-Alpha-Member", "Statsig-Mobile-Gamma-Member"]
    );
    assert_eq!(
        done.skipped,
        [("Team Beta".to_string(), "unticked".to_string())]
    );
    // Statsig gets exactly the others (Okta pushes them in Okta push).
    for (team, n) in [
        ("Statsig-Mobile-Alpha-Member", 1),
        ("Statsig-Mobile-Gamma-Member", 3),
    ] {
        eventually(&s, &format!("{team} in Statsig with its members"), || {
            common::statsig_emails(&s, team).is_some_and(|m| m.len() == n)
        })
        .await;
    }
    assert!(common::statsig_emails(&s, "Statsig-Mobile-Beta-Member").is_none());
    // The preview now says which are done; Beta is still proposed.
    let again = ws.preview_rule(&rule.id).unwrap();
    assert!(again[0].target_text().starts_with("already pushed"));
    assert!(again[1].ready());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_previews_every_match_and_makes_all_but_the_unticked_in_direct_push() {
    preview_untick_apply(PushModeChoice::Direct).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_previews_every_match_and_makes_all_but_the_unticked_in_okta_push() {
    preview_untick_apply(PushModeChoice::Okta).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_cut_short_by_cancel_is_applied_again_without_duplicates() {
    // A small apps bucket: the bulk waits for it, and Cancel ends the wait.
    let s = sandbox_with(SandboxConfig {
        okta_limits: okta_statsig_teams::sandbox::limits::OktaLimits::none().with_apps(3),
        okta_rate_window_secs: 2,
        ..SandboxConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(&s, PushModeChoice::Okta, dir.path()).await;
    let names = [
        "Team One",
        "Team Two",
        "Team Three",
        "Team Four",
        "Team Five",
        "Team Six",
    ];
    groups(&mut ws, &names).await;
    let rule = ws
        .add_rule(create_rule("Teams", "Team ", "Mobile"))
        .unwrap();
    let cancel = ws.cancel_token().clone();
    let made = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = made.clone();
    let report = move |done: usize, _: usize, _: Option<Duration>| {
        seen.store(done, std::sync::atomic::Ordering::SeqCst);
        if done >= 2 {
            cancel.cancel();
        }
    };
    let first = ws.apply_rule(&rule.id, &[], 0, &report).await.unwrap();
    assert!(
        !first.made.is_empty() && first.made.len() < names.len(),
        "cut short: {} made",
        first.made.len()
    );
    assert!(first.skipped.iter().all(|(_, why)| why == "cancelled"));
    ws.cancel_token().reset();
    let second = ws
        .apply_rule(&rule.id, &[], 0, &|_, _, _| {})
        .await
        .unwrap();
    assert_eq!(first.made.len() + second.made.len(), names.len());
    // Okta holds one mapping per group, never two.
    let w = s.world();
    let mut sources: Vec<&String> = w
        .push_mappings
        .values()
        .map(|m| &m.source_group_id)
        .collect();
    let all = sources.len();
    sources.sort();
    sources.dedup();
    assert_eq!(sources.len(), all, "no duplicate mapping");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_okta_group_is_proposed_at_the_next_check_or_made_when_the_rule_says_so() {
    let s = sandbox_with(SandboxConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(&s, PushModeChoice::Direct, dir.path()).await;
    ws.add_rule(create_rule("Squads", "Squad ", "Mobile"))
        .unwrap();
    let mut auto = create_rule("Crews", "Crew ", "Mobile");
    auto.auto_create = true;
    ws.add_rule(auto).unwrap();
    ws.watch_once().await.unwrap();
    assert!(ws.rules_after_a_look(true).await.unwrap().is_empty());
    // Someone makes two groups in Okta's console.
    let member = pushable(&ws)[0].clone();
    for name in ["Squad Night", "Crew Day"] {
        let g = common::okta(
            &s,
            "POST",
            "/api/v1/groups",
            Some(json!({"profile": {"name": name, "description": ""}})),
        )
        .await;
        let gid = g.body["id"].as_str().unwrap().to_string();
        let r = common::okta(
            &s,
            "PUT",
            &format!("/api/v1/groups/{gid}/users/{member}"),
            None,
        )
        .await;
        assert!(r.status < 300);
    }
    ws.watch_once().await.unwrap();
    let said = ws.rules_after_a_look(true).await.unwrap().join(" ");
    assert!(
        said.contains("1 Okta group matches rule \"Squads\""),
        "proposed, not made: {said}"
    );
    assert!(said.contains("Rule \"Crews\": 1 mapping made"), "{said}");
    let names: Vec<&str> = ws
        .mappings()
        .iter()
        .map(|m| m.statsig_group_name.as_str())
        .collect();
    assert_eq!(names, ["Statsig-Mobile-Day-Member"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guard_stops_a_row_and_nothing_is_made_for_it() {
    let s = sandbox_with(SandboxConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(&s, PushModeChoice::Direct, dir.path()).await;
    // "Payments Crew" has one member; Checkout's Payments team has twelve.
    let one = pushable(&ws)[..1].to_vec();
    ws.create_mapping_group("Payments Crew", "", &one)
        .await
        .unwrap();
    let rule = ws
        .add_rule(PushRule {
            id: String::new(),
            name: "Crews".into(),
            how: NameMatch::Contains,
            text: "crew".into(),
            kind: None,
            action: RuleAction::Link {
                project: Some("Checkout".into()),
            },
            auto_create: false,
        })
        .unwrap();
    let rows = ws.preview_rule(&rule.id).unwrap();
    let row = rows
        .iter()
        .find(|r| r.okta_group_name == "Payments Crew")
        .unwrap();
    assert!(row.guard.is_some() && !row.ready(), "{row:?}");
    let before = common::statsig_emails(&s, "Statsig-Checkout-Payments-Member").unwrap();
    let done = ws
        .apply_rule(&rule.id, &[], 0, &|_, _, _| {})
        .await
        .unwrap();
    assert!(done.made.is_empty());
    assert_eq!(done.stopped.len(), 1);
    assert_eq!(
        common::statsig_emails(&s, "Statsig-Checkout-Payments-Member").unwrap(),
        before,
        "nothing was sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_are_kept_per_connection_and_in_snapshots_and_compare_sees_them_change() {
    let s = sandbox_with(SandboxConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut ws = open(&s, PushModeChoice::Direct, dir.path()).await;
    let before = ws.snapshot(false);
    let r = ws
        .add_rule(create_rule("Teams", "Team ", "Mobile"))
        .unwrap();
    assert!(
        ws.add_rule(create_rule("teams", "Other ", "Mobile"))
            .is_err(),
        "two rules of one name"
    );
    drop(ws);
    let ws = open(&s, PushModeChoice::Direct, dir.path()).await;
    assert_eq!(
        ws.rules(),
        std::slice::from_ref(&r),
        "kept with the connection"
    );
    let file = std::fs::read_to_string(dir.path().join("rules.json")).unwrap();
    assert!(!file.contains(s.okta_token.expose()) && !file.contains(s.statsig_token.expose()));
    let after = ws.snapshot(false);
    assert_eq!(after.rules, [r]);
    let c = okta_statsig_teams::model::compare::compare(&before, &after);
    assert_eq!(c.rule_changes.len(), 1);
    assert!(
        c.rule_changes[0].starts_with("added rule \"Teams\""),
        "{c:?}"
    );
}
