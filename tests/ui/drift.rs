//! Edits made in Statsig, the deletion guard and one pusher per team in the real window
//! (Direct push unless said), each result checked in the sandbox's world: the drift pane
//! names each person, Push now keeps them and Overwrite acts on them; removals the guard
//! holds have their own filter and colour and are confirmed by name; the one-pusher
//! conflict shows in the preview with Save disabled; Retry all pushes again what a retry
//! can fix and skips what it cannot; the periodic watcher holds removals past the guard on
//! its own.

use crate::common;
use crate::support::*;
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::engine::state::MappingStatus;
use okta_statsig_teams::sandbox::Sandbox;
use serde_json::json;

const TEAM: &str = "Statsig-Checkout-Payments-Member";

/// (Statsig id, email) of someone added to the team in Statsig, and of someone removed.
type Edited = ((String, String), (String, String));

fn people(s: &Sandbox) -> Edited {
    let w = s.world();
    let team = w.group_member_ids(TEAM).unwrap();
    let user = |id: &String| {
        (
            id.clone(),
            w.users.get(id).unwrap()["userName"]
                .as_str()
                .unwrap()
                .to_lowercase(),
        )
    };
    let stranger = w
        .users
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .find(|id| !team.contains(id))
        .unwrap();
    (user(&stranger), user(&team[0]))
}

/// Payments Engineers linked and pushed; then someone added and someone removed in
/// Statsig's console (who, in `edited`).
fn edited_in_statsig(edited: std::sync::Arc<std::sync::Mutex<Option<Edited>>>) -> Setup {
    Setup {
        before: Some(Box::new(move |ws, rt, s| {
            let (okta, team) = common::pair(ws, "Payments Engineers", TEAM);
            rt.block_on(ws.link(&okta, &team, true)).unwrap();
            let who = people(s);
            let ((added, _), (removed, _)) = who.clone();
            *edited.lock().unwrap() = Some(who);
            let ops = json!({"Operations": [
                {"op": "add", "path": "members", "value": [{"value": added}]},
                {"op": "remove", "path": format!("members[value eq \"{removed}\"]")},
            ]});
            let r = rt.block_on(common::scim(
                s,
                "PATCH",
                &format!("/Groups/{team}"),
                Some(ops),
            ));
            assert_eq!(r.status, 200);
        })),
        fixed_times: true,
        ..Setup::default()
    }
}

fn in_team(s: &Sandbox, id: &str) -> bool {
    s.world()
        .group_member_ids(TEAM)
        .unwrap()
        .iter()
        .any(|m| m == id)
}

#[test]
fn the_drift_pane_names_each_person_push_now_keeps_them_and_overwrite_acts_on_them() {
    let edited = std::sync::Arc::default();
    let mut f = fixture_with(edited_in_statsig(std::sync::Arc::clone(&edited)));
    let ((added, added_email), (removed, removed_email)) = edited.lock().unwrap().clone().unwrap();
    let h = &mut f.harness;
    click(h, "Pushed groups");
    select_mapping(h, "Payments Engineers");
    assert!(
        h.query_by_label("edited in Statsig").is_some(),
        "the row says so"
    );
    assert!(
        h.query_by_label(&format!("+ {added_email}  (added in Statsig)"))
            .is_some()
    );
    assert!(
        h.query_by_label(&format!("- {removed_email}  (removed in Statsig)"))
            .is_some()
    );
    assert!(
        h.query_by_label(&format!(
            "Overwrite from Okta: removes {added_email}; adds back {removed_email}."
        ))
        .is_some()
    );
    assert!(
        h.query_by_label_contains("in Okta not pushed yet")
            .is_none(),
        "an edit made in Statsig is not a change in Okta"
    );
    screenshot(h, "drift-pane");

    click(h, "Push now");
    wait_message(h, "Pushed Statsig-Checkout-Payments-Member");
    assert!(last_message(h).contains("Kept the edits made in Statsig"));
    assert!(in_team(&f.sandbox, &added) && !in_team(&f.sandbox, &removed));

    // Pause keeps them listed; Activate pushes and holds them again.
    click(h, "Pause mapping");
    wait_message(h, "Paused Payments Engineers");
    assert!(
        h.query_by_label(&format!("+ {added_email}  (added in Statsig)"))
            .is_some()
    );
    click(h, "Activate");
    wait_message(h, "Activated and pushed Payments Engineers.");
    assert!(
        last_message(h).contains(&added_email),
        "{}",
        last_message(h)
    );
    assert!(in_team(&f.sandbox, &added) && !in_team(&f.sandbox, &removed));

    click(h, "Overwrite from Okta");
    wait_message(h, "Overwrote the edits made in Statsig");
    assert_eq!(
        last_message(h),
        format!(
            "Overwrote the edits made in Statsig on {TEAM}: removed {added_email}; added back {removed_email}."
        )
    );
    assert!(!in_team(&f.sandbox, &added) && in_team(&f.sandbox, &removed));
    assert!(h.query_by_label("edited in Statsig").is_none());
}

/// A group of two linked to the seed's team of six: the push would empty it.
fn held_removals() -> Setup {
    Setup {
        before: Some(Box::new(|ws, rt, _| {
            let users: Vec<String> = ws
                .directory()
                .okta_group_by_name("Payments Engineers")
                .unwrap()
                .members
                .iter()
                .take(2)
                .cloned()
                .collect();
            let g = rt
                .block_on(ws.create_mapping_group("Pair", "", &users))
                .unwrap();
            let (_, team) = common::pair(ws, "Pair", "Statsig-Okta Test Proj-Test Team-Member");
            let e = rt.block_on(ws.link(&g.id, &team, true)).unwrap_err();
            assert!(e.to_string().contains("deletion guard"), "{e}");
        })),
        ..Setup::default()
    }
}

#[test]
fn held_removals_have_their_own_filter_and_are_confirmed_by_name() {
    const SEED: &str = "Statsig-Okta Test Proj-Test Team-Member";
    let mut f = fixture_with(held_removals());
    let before = common::statsig_emails(&f.sandbox, SEED).unwrap();
    assert_eq!(
        before.len(),
        8,
        "six members, and the two adds that went ahead"
    );
    let h = &mut f.harness;
    click(h, "Pushed groups");
    assert!(h.query_by_label("Errors (0)").is_some(), "not an error");
    assert!(h.query_by_label("Needs confirmation (1)").is_some());
    assert!(h.query_by_label("1 push waits for confirmation").is_some());
    assert!(
        h.get_by_label("Retry all").accesskit_node().is_disabled(),
        "Retry all is off: a retry does nothing for removals waiting to be confirmed"
    );
    click(h, "Needs confirmation (1)");
    select_mapping(h, "Pair");
    let MappingStatus::NeedsConfirmation { names, .. } = h.state().mappings()[0].status.clone()
    else {
        panic!("Needs confirmation")
    };
    assert_eq!(names.len(), 6);
    click(h, "Confirm 6 removals…");
    for n in &names {
        assert_eq!(
            h.query_all_by_label(&format!("- {n}")).count(),
            2,
            "{n} is named in the detail and in the dialog"
        );
    }
    type_into(h, "Type the team name, Test Team, to confirm", "Test Team");
    click(h, "Remove 6 members and push");
    wait(h, "the confirmed push", |a| {
        a.is_idle() && a.mappings()[0].status == MappingStatus::Active
    });
    assert_eq!(common::statsig_emails(&f.sandbox, SEED).unwrap().len(), 2);
}

#[test]
fn the_one_pusher_conflict_shows_in_the_preview_with_save_disabled_and_nothing_lost() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Pushed groups");
    click(h, "Push groups…");
    type_into(h, "Find Okta group", "Fraud");
    click_containing(h, "Fraud Squad (");
    type_into(h, "Find team group", "Mobile-iOS");
    click(h, "Statsig-Mobile-iOS-Member");
    let conflict = "\"Statsig-Mobile-iOS-Member\" is already pushed by Okta's push mapping of \"Statsig SCIM\" (mapping gPm";
    assert!(
        h.query_all_by_label_contains(conflict).count() >= 1,
        "the preview names the other pusher and its mapping"
    );
    assert!(h.get_by_label("Save").accesskit_node().is_disabled());
    assert!(
        h.get_by_label("Save & Add Another")
            .accesskit_node()
            .is_disabled()
    );
    assert!(h.state().has_dialog(), "the dialog and its choices stay");
    assert!(h.query_by_label("Statsig-Mobile-iOS-Member").is_some());
    // Okta's copies of Statsig groups are not sources.
    replace_text(h, "Find Okta group", "Statsig-");
    assert!(
        h.query_by_label_contains("Statsig-Checkout-Payments-Member (")
            .is_none()
    );
    assert!(h.state().mappings().is_empty());
    click(h, "Cancel");
    // The Okta groups list says where Okta's own mappings push, and keeps its copies apart.
    click(h, "Okta groups");
    click_containing(h, "iOS Guild");
    assert!(
        h.query_by_label_contains("Pushed to Statsig-Mobile-iOS-Member by Okta's push mapping")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Imported from Statsig (")
            .is_some()
    );
}

#[test]
fn create_refuses_a_name_that_breaks_urls_and_names_an_unusual_character() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Pushed groups");
    fill_in_create(h, "Pay/ments<b>");
    assert!(
        h.query_all_by_label_contains("has \"/\", which breaks URLs, file paths or markup")
            .count()
            >= 1,
        "one sentence naming the character"
    );
    assert!(h.query_by_label("Valid name").is_none());
    assert!(h.get_by_label("Save").accesskit_node().is_disabled());
    replace_text(h, "Team name", "Payments #2");
    assert!(h.query_by_label("Valid name").is_some());
    assert!(
        h.query_by_label_contains("The team name has \"#\"")
            .is_some()
    );
    assert!(common::statsig_emails(&f.sandbox, "Statsig-Checkout-Pay/ments<b>-Member").is_none());
}

#[test]
fn retry_all_skips_an_error_a_retry_cannot_fix_and_says_what_to_do() {
    let mut f = fixture_with(Setup {
        mode: PushModeChoice::Auto,
        ..Setup::default()
    });
    let h = &mut f.harness;
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    click_containing(h, "Pushed groups");
    select_mapping(h, "Growth Lab");
    assert!(
        h.query_by_label_contains("A retry cannot fix this: Statsig refuses this team name")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Push now (or Retry all) re-activates it")
            .is_none(),
        "no advice to retry"
    );
    let updated = |s: &Sandbox| {
        let w = s.world();
        let m = w
            .push_mappings
            .values()
            .find(|m| m.status == "ERROR")
            .unwrap();
        m.last_updated.clone()
    };
    let before = updated(&f.sandbox);
    click(h, "Retry all");
    wait_message(h, "Skipped Growth Lab, which a retry cannot fix");
    assert!(last_message(h).contains("Unlink, then Create with a valid name"));
    assert_eq!(updated(&f.sandbox), before, "Okta's mapping was left alone");
    // Push now is off for it, and a push asked for anyway (the CLI's `push`) is refused.
    assert!(h.get_by_label("Push now").accesskit_node().is_disabled());
    let id = h
        .state()
        .mappings()
        .iter()
        .find(|m| m.okta_group_name == "Growth Lab")
        .unwrap()
        .id
        .clone();
    h.state_mut().perform(okta_statsig_teams::ui::Action::Send(
        okta_statsig_teams::engine::runner::Command::Push {
            mapping_id: id,
            allowed_removals: 0,
        },
    ));
    wait_message(
        h,
        "Growth Lab is not pushed again: Statsig refuses this team name",
    );
    assert_eq!(updated(&f.sandbox), before, "still left alone");
}

#[test]
fn a_snapshot_shows_no_sync_health_of_the_live_connection() {
    let mut f = fixture_with(linked("Payments Engineers", TEAM));
    let h = &mut f.harness;
    click(h, "Pushed groups");
    select_mapping(h, "Payments Engineers");
    click(h, "Push now");
    wait_message(h, "Pushed Statsig-Checkout-Payments-Member");
    click(h, "Check now");
    wait_message(h, "Checked:");
    assert!(
        h.query_by_label("Sync health since connecting").is_some(),
        "the live chart, sampled"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snap.json");
    h.state().engine().send(
        okta_statsig_teams::engine::runner::Command::ExportSnapshot {
            path: path.clone(),
            redact: false,
        },
    );
    wait_message(h, "Snapshot saved");
    h.state()
        .engine()
        .send(okta_statsig_teams::engine::runner::Command::OpenSnapshot(
            path,
        ));
    wait(h, "the snapshot", |a| a.is_idle() && a.shows_snapshot());
    settle(h);
    assert!(
        h.query_by_label("Sync health since connecting").is_none(),
        "a snapshot is one moment: no live history beside it"
    );
}

#[test]
fn an_okta_users_state_reads_the_same_in_the_group_and_the_builder() {
    let mut f = fixture();
    let (email, status) = {
        let w = f.sandbox.world();
        let g = w.okta_group_by_name("Payments Engineers").unwrap();
        let u = w
            .okta_users
            .values()
            .find(|u| u.status != "ACTIVE" && g.members.contains(&u.id))
            .or_else(|| w.okta_users.values().find(|u| u.status == "DEPROVISIONED"))
            .unwrap();
        (u.email.clone(), u.status.to_lowercase())
    };
    let h = &mut f.harness;
    click(h, "Okta groups");
    click(h, "New mapping group…");
    replace_text(h, "Find Okta users", &email);
    assert!(
        h.query_by_label(&status).is_some(),
        "the builder says {status}"
    );
    assert!(h.query_by_label("inactive").is_none());
}

/// Adopt: the edits made in Statsig go into the Okta group, and Statsig keeps them.
#[test]
fn adopt_takes_the_edits_made_in_statsig_into_the_okta_group() {
    let edited = std::sync::Arc::default();
    let mut f = fixture_with(edited_in_statsig(std::sync::Arc::clone(&edited)));
    let ((added, added_email), (removed, removed_email)) = edited.lock().unwrap().clone().unwrap();
    let in_okta_group = |s: &Sandbox, email: &str| {
        let w = s.world();
        let g = w.okta_group_by_name("Payments Engineers").unwrap();
        g.members
            .iter()
            .any(|id| w.okta_users[id].email.eq_ignore_ascii_case(email))
    };
    assert!(!in_okta_group(&f.sandbox, &added_email) && in_okta_group(&f.sandbox, &removed_email));
    let h = &mut f.harness;
    click(h, "Pushed groups");
    select_mapping(h, "Payments Engineers");
    let said = h
        .get_by_label_contains("Adopt into Okta group: adds to Payments Engineers")
        .accesskit_node()
        .value()
        .unwrap_or_default();
    assert!(
        said.contains(&added_email) && said.contains(&removed_email),
        "the choice names who moves: {said}"
    );
    click(h, "Adopt into Okta group");
    wait(h, "the adoption", |a| {
        a.is_idle() && a.mappings().iter().all(|m| m.drift.is_none())
    });
    assert!(h.query_by_label("edited in Statsig").is_none());
    assert!(
        in_okta_group(&f.sandbox, &added_email) && !in_okta_group(&f.sandbox, &removed_email),
        "Okta's group now has the edits"
    );
    assert!(
        in_team(&f.sandbox, &added) && !in_team(&f.sandbox, &removed),
        "Statsig keeps them"
    );
}

/// Retry all in Direct push: a push Statsig failed with a 500 shows in Errors with a retry
/// advised; once Statsig answers again, Retry all pushes it and the team has the group.
#[test]
fn retry_all_pushes_a_mapping_in_error_again_once_statsig_answers() {
    const FRAUD: &str = "Statsig-Checkout-Fraud Detection-Member";
    let mut f = fixture_with(linked("Fraud Squad", FRAUD));
    let want = common::okta_pushable_emails(&f.sandbox, "Fraud Squad");
    let before = common::statsig_emails(&f.sandbox, FRAUD).unwrap();
    assert_ne!(before, want, "the push has something to change");
    // Every membership PATCH fails with a 500 until the fault is cleared.
    f.sandbox.scim_faults.answer_next(
        "PATCH",
        "/Groups/",
        okta_statsig_teams::sandbox::faults::OneOff::ServerError,
        u32::MAX,
    );
    let h = &mut f.harness;
    click(h, "Pushed groups");
    select_mapping(h, "Fraud Squad");
    click(h, "Push now");
    wait(h, "the failed push", |a| {
        a.is_idle() && matches!(a.mappings()[0].status, MappingStatus::Error { .. })
    });
    assert!(
        matches!(
            &h.state().mappings()[0].status,
            MappingStatus::Error { fix: None, cause, .. } if cause.contains("500")
        ),
        "an error a retry may fix: {:?}",
        h.state().mappings()[0].status
    );
    assert_eq!(common::statsig_emails(&f.sandbox, FRAUD).unwrap(), before);
    assert!(h.query_by_label("Errors (1)").is_some());
    assert!(
        h.query_by_label_contains("Failing request: PATCH /Groups/")
            .is_some()
    );
    assert!(
        h.query_by_label("A retry may fix this: Push now, or Retry all.")
            .is_some()
    );
    assert!(!h.get_by_label("Retry all").accesskit_node().is_disabled());
    f.sandbox.scim_faults.clear_next();
    click(h, "Retry all");
    wait_message(h, "Pushed 1 mapping again.");
    assert_eq!(last_message(h), "Pushed 1 mapping again.");
    assert_eq!(h.state().mappings()[0].status, MappingStatus::Active);
    assert!(h.query_by_label("Errors (0)").is_some());
    assert!(h.query_by_label_contains("Failing request").is_none());
    assert!(h.get_by_label("Retry all").accesskit_node().is_disabled());
    assert_eq!(
        common::statsig_emails(&f.sandbox, FRAUD).unwrap(),
        want,
        "the team has exactly the group's pushable members"
    );
}

/// The periodic watcher in Direct push: removals made in Okta past the deletion guard are
/// held by the watcher on its own (no click), the mapping shows Needs confirmation, and
/// Statsig keeps everyone.
#[test]
fn the_watcher_holds_removals_past_the_guard_and_the_mapping_needs_confirmation() {
    use okta_statsig_teams::engine::runner::Command;
    use std::time::Duration;
    let mut f = fixture_with(Setup {
        before: Some(Box::new(|ws, rt, _| {
            let (okta, team) = common::pair(ws, "Payments Engineers", TEAM);
            rt.block_on(ws.link(&okta, &team, true)).unwrap();
        })),
        ..Setup::default()
    });
    let before = common::statsig_emails(&f.sandbox, TEAM).unwrap();
    assert_eq!(
        before,
        common::okta_pushable_emails(&f.sandbox, "Payments Engineers"),
        "in sync after the link"
    );
    // Someone removes four of the group's members in the team from the group in Okta.
    let (group, members) = {
        let w = f.sandbox.world();
        let g = w.okta_group_by_name("Payments Engineers").unwrap();
        let in_team = |id: &String| before.contains(&w.okta_users[id].email.to_lowercase());
        let members: Vec<String> = g.members.iter().filter(|id| in_team(id)).cloned().collect();
        (g.id.clone(), members)
    };
    common::next_millisecond();
    for uid in members.iter().take(4) {
        let path = format!("/api/v1/groups/{group}/users/{uid}");
        let r = f
            ._rt
            .block_on(common::okta(&f.sandbox, "DELETE", &path, None));
        assert_eq!(r.status, 204);
    }
    let h = &mut f.harness;
    click(h, "Pushed groups");
    select_mapping(h, "Payments Engineers");
    assert_eq!(
        h.state().mappings()[0].status,
        MappingStatus::Active,
        "nothing has looked yet"
    );
    // Watching on, as the status bar's box turns it on: the first look is at once, long
    // before the next one an hour later.
    h.state().engine().send(Command::SetWatching {
        on: true,
        interval: Duration::from_secs(3600),
    });
    wait(h, "the watcher on", |a| a.is_watching());
    assert_eq!(
        h.get_by_label("Watch for changes")
            .accesskit_node()
            .toggled(),
        Some(egui::accesskit::Toggled::True),
        "the box shows the watcher on"
    );
    wait(h, "the watcher's hold", |a| {
        a.is_idle()
            && matches!(
                a.mappings()[0].status,
                MappingStatus::NeedsConfirmation { removals: 4, .. }
            )
    });
    assert!(
        h.state()
            .messages()
            .any(|m| m.contains("1 waiting for confirmation of removals")),
        "the watcher says so: {:?}",
        h.state().messages().collect::<Vec<_>>()
    );
    assert!(h.query_by_label("Needs confirmation (1)").is_some());
    assert!(h.query_by_label("1 push waits for confirmation").is_some());
    assert!(h.query_by_label("Confirm 4 removals…").is_some());
    assert!(
        h.query_all_by_label_contains("this push would remove 4 of")
            .next()
            .is_some()
    );
    assert_eq!(
        common::statsig_emails(&f.sandbox, TEAM).unwrap(),
        before,
        "the watcher removed no one"
    );
}
