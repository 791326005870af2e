//! Snapshots: export, refuse a bad file, open read-only by drag and drop, compare; and
//! open one offline from the command line.

use crate::support::*;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::engine::DataDir;
use okta_statsig_teams::engine::runner::Command;
use okta_statsig_teams::engine::secrets::{MemoryStore, SecretStore};
use okta_statsig_teams::ui::{App, AppOptions};
use std::path::Path;
use std::sync::Arc;

#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn drop_file(h: &mut Harness<'static, App>, path: &Path) {
    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped(path.to_path_buf())));
    h.step();
}

/// Deletes the Empty Team in Statsig and adds someone to Pricing's Member role; returns
/// the userName of who joined.
fn delete_a_team_and_add_a_member(sandbox: &okta_statsig_teams::sandbox::Sandbox) -> String {
    let mut w = sandbox.world();
    let gone: Vec<String> = w
        .groups
        .iter()
        .filter(|g| {
            g["displayName"]
                .as_str()
                .is_some_and(|n| n.starts_with("Statsig-Growth Experiments-Empty Team-"))
        })
        .map(|g| g["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!gone.is_empty());
    for id in gone {
        // Deleting one role may take the team's other roles with it.
        let _ = w.delete_group(&id);
    }
    assert!(
        !w.groups.iter().any(|g| g["displayName"]
            .as_str()
            .is_some_and(|n| n.contains("Empty Team"))),
        "the team is gone from Statsig"
    );
    let role = "Statsig-Growth Experiments-Pricing-Member";
    let members = w.group_member_ids(role).unwrap();
    let user = w
        .users
        .iter()
        .find(|u| !members.iter().any(|m| m == u["id"].as_str().unwrap()))
        .unwrap()
        .clone();
    let gid = w.groups.by_name(role).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let add = serde_json::json!({"Operations": [
        {"op": "add", "path": "members", "value": [{"value": user["id"]}]}
    ]});
    w.patch_group(&gid, &add).unwrap();
    user["userName"].as_str().unwrap().to_string()
}

#[test]
fn snapshots_open_read_only_by_drag_and_drop_and_compare() {
    let mut f = fixture();
    let h = &mut f.harness;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("before.json");
    h.state().engine().send(Command::ExportSnapshot {
        path: path.clone(),
        redact: false,
    });
    wait_message(h, "Snapshot saved");
    assert!(path.exists());

    // Then, in Statsig, a team goes and someone joins another team's Member role.
    let joined = delete_a_team_and_add_a_member(&f.sandbox);
    let h = &mut f.harness;
    h.state().engine().send(Command::Import);
    wait(h, "the refresh", |a| {
        a.is_idle()
            && !a
                .directory()
                .statsig_groups
                .iter()
                .any(|g| g.display_name.contains("Empty Team"))
    });
    let after = dir.path().join("after.json");
    h.state().engine().send(Command::ExportSnapshot {
        path: after.clone(),
        redact: false,
    });
    wait(h, "the second export", |a| a.is_idle() && after.exists());

    // A bad file: one sentence naming it, and the view is untouched.
    let bad = dir.path().join("notes.json");
    std::fs::write(&bad, "{\"not\": \"a snapshot\"}").unwrap();
    let before = h.state().directory().clone();
    drop_file(h, &bad);
    wait(h, "the refusal", |a| {
        a.is_idle()
            && a.messages()
                .last()
                .is_some_and(|m| m.contains("notes.json"))
    });
    assert!(
        Arc::ptr_eq(h.state().directory(), &before),
        "the view is untouched"
    );
    assert!(!h.state().shows_snapshot());

    // The later file opens read-only, with a banner.
    drop_file(h, &after);
    wait(h, "the snapshot", |a| a.is_idle() && a.shows_snapshot());
    assert!(h.query_by_label_contains("Snapshot taken").is_some());
    assert!(
        h.get_by_label("Refresh").accesskit_node().is_disabled(),
        "no request can be sent"
    );
    click(h, "Okta groups");
    assert!(
        h.get_by_label("Push groups…")
            .accesskit_node()
            .is_disabled()
    );
    // Hovering a disabled action says why.
    h.get_by_label("Push groups…").hover();
    for _ in 0..30 {
        h.step();
    }
    assert!(
        h.query_by_label_contains("Read-only snapshot").is_some(),
        "the tooltip explains"
    );

    // Compared with the earlier file: the team that went and the person who joined.
    h.state()
        .engine()
        .send(Command::Compare { path: path.clone() });
    wait(h, "the comparison", |a| a.is_idle() && a.has_dialog());
    assert!(h.query_by_label("No differences").is_none());
    assert!(h.query_by_label("Teams deleted (1)").is_some());
    assert!(
        h.query_by_label("Empty Team (Growth Experiments)")
            .is_some()
    );
    assert!(h.query_by_label("Members changed (1 team roles)").is_some());
    click(h, "Growth Experiments · Pricing · Member: +1 -0");
    assert!(
        h.query_by_label(&format!("+ {joined}")).is_some(),
        "the person who joined is named"
    );
    h.key_press(egui::Key::Escape);
    settle(h);
    // Compared with itself: nothing changed.
    h.state().engine().send(Command::Compare {
        path: after.clone(),
    });
    wait(h, "the comparison", |a| a.is_idle() && a.has_dialog());
    assert!(h.query_by_label("No differences").is_some());
    h.key_press(egui::Key::Escape);
    settle(h);
    assert!(!h.state().has_dialog(), "Escape closes Compare too");
    pass_shield(h);
    click(h, "Close snapshot");
    wait(h, "live data", |a| !a.shows_snapshot() && a.is_idle());
}

#[test]
fn the_app_opens_a_snapshot_offline_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshot-v1.json");
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let data_dir = DataDir::new(data.path());
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_render_cursor(false)
        .build_eframe(move |cc| {
            App::new(
                cc,
                AppOptions {
                    target: None,
                    store,
                    snapshot: Some(fixture),
                    data: data_dir,
                    offer_connect: false,
                },
            )
        });
    let h = &mut harness;
    wait(h, "the snapshot", |a| a.shows_snapshot() && a.is_idle());
    assert!(!h.state().has_dialog(), "no connection is asked for");
    click_containing(h, "Checkout  (");
    click_containing(h, "Payments  (");
    assert!(h.query_by_label("bob@northwind.dev").is_some());
    click(h, "Okta groups");
    screenshot(h, "snapshot-review");
}

/// Compare shows a person added to an Okta group (after a refresh); a redacted export is
/// made with the profile's own key, and comparing it with live data (redacted the same way
/// first) says so and still sees the change.
#[test]
fn compare_shows_an_okta_groups_change_and_redaction_uses_the_profiles_key() {
    let mut f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let (plain, redacted) = (dir.path().join("plain.json"), dir.path().join("red.json"));
    for (path, redact) in [(&plain, false), (&redacted, true)] {
        f.harness.state().engine().send(Command::ExportSnapshot {
            path: path.clone(),
            redact,
        });
        wait(&mut f.harness, "the export", |a| {
            a.is_idle() && path.exists()
        });
    }
    let key =
        okta_statsig_teams::engine::redaction::profile_key(&DataDir::new(f.data.path())).unwrap();
    let file = okta_statsig_teams::engine::files::open_snapshot(&redacted).unwrap();
    assert_eq!(file.redaction_key, Some(key.fingerprint()));

    // Someone joins an Okta group in Okta.
    let (group, user) = {
        let d = f.harness.state().directory().clone();
        let g = d
            .okta_groups
            .iter()
            .find(|g| g.is_editable() && !g.members.is_empty())
            .unwrap()
            .clone();
        let u = d
            .okta_users
            .iter()
            .find(|u| u.is_active() && !g.members.contains(&u.id))
            .unwrap()
            .clone();
        (g, u)
    };
    f.sandbox
        .world()
        .set_okta_membership(&group.id, &user.id, true, &okta_statsig_teams::clock::now())
        .unwrap();
    let h = &mut f.harness;
    h.state().engine().send(Command::Import);
    wait(h, "the refresh", |a| {
        a.is_idle()
            && a.directory()
                .okta_group(&group.id)
                .is_some_and(|g| g.members.contains(&user.id))
    });
    for (path, note) in [(&plain, None), (&redacted, Some("this profile's key"))] {
        h.state()
            .engine()
            .send(Command::Compare { path: path.clone() });
        wait(h, "the comparison", |a| a.is_idle() && a.has_dialog());
        assert!(
            h.query_by_label("Okta group members changed (1)").is_some(),
            "{}",
            path.display()
        );
        if let Some(n) = note {
            assert!(h.query_by_label_contains(n).is_some());
        }
        h.key_press(egui::Key::Escape);
        settle(h);
    }
}

/// Health compared: a snapshot and now, then two snapshots (the later one opened): the
/// Compare view lists the findings new, gone and unchanged. Here a Statsig account Okta
/// has no user for appears between the two: one new finding, the rest unchanged.
#[test]
fn compare_shows_healths_findings_new_gone_and_unchanged_between_a_snapshot_and_now_or_two() {
    let mut f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = (
        dir.path().join("before.json"),
        dir.path().join("after.json"),
    );
    let export = |f: &mut Fixture, path: &Path| {
        f.harness.state().engine().send(Command::ExportSnapshot {
            path: path.to_path_buf(),
            redact: false,
        });
        wait(&mut f.harness, "the export", |a| {
            a.is_idle() && path.exists()
        });
    };
    export(&mut f, &before);
    let body = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "ghost.account@northwind.dev",
        "name": {"givenName": "Ghost", "familyName": "Account"},
        "emails": [{"value": "ghost.account@northwind.dev", "primary": true}],
        "active": true
    });
    let made = f._rt.block_on(crate::common::scim(
        &f.sandbox,
        "POST",
        "/Users",
        Some(body),
    ));
    assert_eq!(made.status, 201);
    let h = &mut f.harness;
    h.state().engine().send(Command::Import);
    wait(h, "the refresh", |a| {
        a.is_idle()
            && a.directory()
                .statsig_users
                .iter()
                .any(|u| u.user_name == "ghost.account@northwind.dev")
    });
    let new = "ghost.account@northwind.dev is active in Statsig, but Okta has no such user.";
    let check = |h: &mut Harness<'static, App>, path: &Path| {
        h.state().engine().send(Command::Compare {
            path: path.to_path_buf(),
        });
        wait(h, "the comparison", |a| a.is_idle() && a.has_dialog());
        let header = h
            .query_all_by_label_contains("Health: 1 new, 0 gone, ")
            .next()
            .map(|n| n.accesskit_node().label().unwrap_or_default())
            .expect("Health's counts");
        assert!(!header.ends_with(" 0 unchanged"), "{header}");
        assert!(h.query_by_label("New findings (1)").is_some());
        assert!(
            h.query_by_label_contains(new).is_some(),
            "the new finding is listed"
        );
        assert!(h.query_by_label_contains("Findings unchanged (").is_some());
        h.key_press(egui::Key::Escape);
        settle(h);
    };
    // A snapshot and now.
    check(h, &before);
    // Two snapshots: the later one opened, compared with the earlier one.
    export(&mut f, &after);
    let h = &mut f.harness;
    h.state()
        .engine()
        .send(Command::OpenSnapshot(after.clone()));
    wait(h, "the snapshot", |a| a.is_idle() && a.shows_snapshot());
    check(h, &before);
    // From the Health tab: its Compare button asks for the file.
    click_containing(h, "Health (");
    assert!(h.query_by_label("Compare with snapshot…").is_some());
}
