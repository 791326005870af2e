//! The real app driven through egui_kittest by accessible labels, against an in-process
//! sandbox: the seed's whole workflow, the verify view, settings with the keyring trait,
//! and the screenshots in `screenshots/`.

mod common;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::engine::runner::Target;
use okta_statsig_teams::engine::secrets::{self, MemoryStore, SecretStore};
use okta_statsig_teams::engine::state::MappingStatus;
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use okta_statsig_teams::ui::{App, AppOptions, Tab};
use serde_json::json;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Everything a UI test needs: a sandbox on its own runtime, and the app on it.
struct Fixture {
    harness: Harness<'static, App>,
    sandbox: Sandbox,
    store: Arc<MemoryStore>,
    _state: tempfile::TempDir,
    _rt: tokio::runtime::Runtime,
}

/// The one harness factory: the real app, connected to a fresh sandbox.
fn fixture() -> Fixture {
    let data = Box::leak(Box::new(tempfile::tempdir().unwrap()));
    okta_statsig_teams::engine::config::set_data_dir(data.path().to_path_buf());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig::default()))
        .unwrap();
    let state = tempfile::tempdir().unwrap();
    let connection = common::connection(&sandbox);
    let store = Arc::new(MemoryStore::default());
    let target = Target::Direct {
        connection,
        state_dir: state.path().to_path_buf(),
        label: "Demo sandbox".into(),
        demo: true,
    };
    let app_store: Arc<dyn SecretStore> = store.clone();
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_render_cursor(false)
        .build_eframe(move |cc| {
            App::new(
                cc,
                AppOptions {
                    target: Some(target),
                    store: app_store,
                    snapshot: None,
                },
            )
        });
    wait(&mut harness, "the first import", |a| {
        a.imported_once && a.busy.is_none()
    });
    Fixture {
        harness,
        sandbox,
        store,
        _state: state,
        _rt: rt,
    }
}

/// Steps frames until `done` holds (the engine works on its own thread).
fn wait(h: &mut Harness<'static, App>, what: &str, done: impl Fn(&App) -> bool) {
    let start = Instant::now();
    loop {
        h.step();
        if done(h.state()) {
            h.step();
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}; last messages: {:?}",
            h.state()
                .log
                .iter()
                .rev()
                .take(3)
                .map(|t| &t.text)
                .collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(15));
    }
}

fn idle(a: &App) -> bool {
    a.busy.is_none()
}

/// A few frames: a new window is measured in its first frame and shown in the next.
fn settle(h: &mut Harness<'static, App>) {
    for _ in 0..3 {
        h.step();
    }
}

fn click(h: &mut Harness<'static, App>, label: &str) {
    h.get_by_label(label).click();
    settle(h);
}

fn click_containing(h: &mut Harness<'static, App>, label: &str) {
    h.get_by_label_contains(label).click();
    settle(h);
}

fn type_into(h: &mut Harness<'static, App>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.step();
    h.get_by_label(label).type_text(text);
    h.step();
    h.step();
}

fn save_screenshot(h: &mut Harness<'static, App>, name: &str) {
    h.step();
    let image = h.render().expect("renders on the CPU through Mesa");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    image.save(dir.join(format!("{name}.png"))).unwrap();
}

#[test]
fn the_seed_workflow_through_the_ui() {
    let Fixture {
        mut harness,
        sandbox,
        _rt,
        _state,
        ..
    } = fixture();
    let h = &mut harness;

    // Browse project → team → members.
    click_containing(h, "Okta Test Proj  (");
    click_containing(h, "Test Team  (");
    let seed_member = common::statsig_emails(&sandbox, "Statsig-Okta Test Proj-Test Team-Member")
        .unwrap()[0]
        .clone();
    assert!(
        h.query_by_label(&seed_member).is_some(),
        "the team's members are listed by email"
    );
    assert_eq!(
        h.query_all_by_label_contains("not pushed from Okta")
            .count(),
        2,
        "both roles say who feeds them"
    );
    save_screenshot(h, "main-window");

    // Build a mapping group from chosen Okta users.
    click(h, "Okta groups");
    click(h, "New mapping group…");
    type_into(h, "Group name", "Test Team mapping");
    let chosen: Vec<String> = {
        let w = sandbox.world();
        w.okta_users
            .values()
            .filter(|u| u.status == "ACTIVE" && w.user_id_by_name(&u.email).is_some())
            .skip(30)
            .take(3)
            .map(|u| u.email.clone())
            .collect()
    };
    for email in &chosen {
        // Search first: only visible rows are laid out.
        h.get_by_label("Find Okta users").focus();
        h.step();
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        h.get_by_label("Find Okta users").type_text(email);
        settle(h);
        click(h, email);
    }
    assert!(h.query_by_label("3 selected").is_some());
    click(h, "Create in Okta");
    wait(h, "the mapping group", |a| {
        idle(a)
            && a.directory
                .okta_group_by_name("Test Team mapping")
                .is_some()
    });
    assert_eq!(
        sandbox
            .world()
            .okta_group_by_name("Test Team mapping")
            .unwrap()
            .members
            .len(),
        3
    );

    // Push with Link, previewing the plan first.
    click(h, "Pushed groups");
    click(h, "Push groups…");
    type_into(h, "Find Okta group", "Test Team");
    click(h, "Test Team mapping (3)");
    type_into(h, "Find team group", "Okta Test");
    click(h, "Statsig-Okta Test Proj-Test Team-Member");
    assert!(
        h.query_by_label_contains("to add").is_some(),
        "the plan preview shows before anything is sent"
    );
    // The link empties the team of its current members: Save waits for the team's name.
    assert!(
        h.query_all_by_label_contains("more than the deletion guard allows")
            .count()
            >= 1
    );
    click(h, "Save");
    assert!(
        h.state().push.is_some() && h.state().mappings.is_empty(),
        "nothing is saved or sent unconfirmed"
    );
    type_into(h, "Type the team name to allow the removals", "Test Team");
    save_screenshot(h, "push-dialog");
    click(h, "Save");
    wait(h, "the linked push", |a| {
        idle(a) && a.mappings.iter().any(|m| m.last_push.is_some())
    });
    let mut want: Vec<String> = chosen.iter().map(|e| e.to_lowercase()).collect();
    want.sort();
    assert_eq!(
        common::statsig_emails(&sandbox, "Statsig-Okta Test Proj-Test Team-Member").unwrap(),
        want,
        "the team now has exactly the group's members"
    );

    // Push with Create.
    click(h, "Push groups…");
    type_into(h, "Find Okta group", "Fraud");
    click(h, "Fraud Squad (5)");
    click(h, "Create group");
    h.get_by_role(egui::accesskit::Role::ComboBox).click();
    settle(h);
    click(h, "Checkout");
    type_into(h, "Team name", "Chargebacks");
    assert!(
        h.query_by_label("Group name: Statsig-Checkout-Chargebacks-Member")
            .is_some()
    );
    click(h, "Save");
    wait(h, "the new team", |a| idle(a) && a.mappings.len() == 2);
    assert!(
        !common::statsig_emails(&sandbox, "Statsig-Checkout-Chargebacks-Member")
            .unwrap()
            .is_empty()
    );

    // Deactivate, Activate, Push now.
    h.get_all_by_label("Deactivate").next().unwrap().click();
    wait(h, "deactivation", |a| {
        idle(a)
            && a.mappings
                .iter()
                .any(|m| m.status == MappingStatus::Inactive)
    });
    click(h, "Activate");
    wait(h, "activation", |a| {
        idle(a) && a.mappings.iter().all(|m| m.status == MappingStatus::Active)
    });
    h.get_all_by_label("Push now").next().unwrap().click();
    wait(h, "push now", |a| {
        idle(a) && a.log.back().is_some_and(|t| t.text.starts_with("Pushed"))
    });

    // Unlink with Leave: the team stays as it is.
    let first = h.state().mappings[0].clone();
    h.get_all_by_label("Unlink…").next().unwrap().click();
    settle(h);
    click(h, "Leave the group in the target app");
    click(h, "Unlink");
    wait(h, "unlink with Leave", |a| idle(a) && a.mappings.len() == 1);
    assert!(common::statsig_emails(&sandbox, &first.statsig_group_name).is_some());

    // Unlink with Delete: confirmation names the team and must be typed.
    let last = h.state().mappings[0].clone();
    assert_eq!(
        last.statsig_group_name,
        "Statsig-Checkout-Chargebacks-Member"
    );
    click(h, "Unlink…");
    click(h, "Delete the group in the target app");
    assert!(
        h.query_by_label_contains("team \"Chargebacks\" in project \"Checkout\"")
            .is_some()
    );
    click(h, "Unlink");
    assert_eq!(
        h.state().mappings.len(),
        1,
        "nothing happens before the team name is typed"
    );
    type_into(h, "Type the team name to confirm", "Chargebacks");
    click(h, "Unlink");
    wait(h, "unlink with Delete", |a| {
        idle(a) && a.mappings.is_empty()
    });
    assert!(
        common::statsig_emails(&sandbox, "Statsig-Checkout-Chargebacks-Member").is_none(),
        "the team is gone in Statsig"
    );
}

#[test]
fn verify_shows_an_out_of_band_change_and_errors_show_their_cause() {
    let Fixture {
        mut harness,
        sandbox,
        _rt,
        _state,
        ..
    } = fixture();
    let h = &mut harness;
    click(h, "Pushed groups");
    click(h, "Push groups…");
    type_into(h, "Find Okta group", "Payments");
    click_containing(h, "Payments Engineers (");
    type_into(h, "Find team group", "Checkout-Payments");
    click(h, "Statsig-Checkout-Payments-Member");
    click(h, "Save");
    wait(h, "the push", |a| {
        idle(a) && a.mappings.len() == 1 && a.mappings[0].last_push.is_some()
    });

    // Someone adds a member directly in Statsig.
    let (gid, stranger) = {
        let w = sandbox.world();
        let g = w
            .groups
            .by_name("Statsig-Checkout-Payments-Member")
            .unwrap()
            .clone();
        let members: Vec<String> = g["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["value"].as_str().unwrap().to_string())
            .collect();
        let stranger = w
            .users
            .iter()
            .find(|u| !members.contains(&u["id"].as_str().unwrap().to_string()))
            .unwrap()
            .clone();
        (g["id"].as_str().unwrap().to_string(), stranger)
    };
    sandbox
        .world()
        .patch_group(&gid, &json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": stranger["id"]}]}]}))
        .unwrap();
    click(h, "Verify");
    click(h, "Refresh comparison");
    wait(h, "the refresh", |a| {
        idle(a)
            && a.directory.statsig_group(&gid).is_some_and(|g| {
                g.members
                    .contains(&stranger["id"].as_str().unwrap().to_string())
            })
    });
    assert!(h.query_by_label("1 extra in Statsig").is_some());
    assert!(
        h.query_by_label(stranger["userName"].as_str().unwrap())
            .is_some()
    );
    save_screenshot(h, "verify-view");

    // The team is deleted in Statsig: the mapping shows Error with its cause.
    sandbox.world().delete_group(&gid).unwrap();
    click(h, "Pushed groups");
    click(h, "Check now");
    wait(h, "the error", |a| {
        idle(a) && matches!(a.mappings[0].status, MappingStatus::Error { .. })
    });
    assert!(
        h.query_by_label_contains("was deleted in Statsig")
            .is_some()
    );
    assert!(h.query_by_label("Errors (1)").is_some());
    save_screenshot(h, "pushed-groups-error");
}

#[test]
fn settings_store_tokens_through_the_keyring_and_never_show_them() {
    let Fixture {
        mut harness,
        sandbox,
        store,
        _rt,
        _state,
    } = fixture();
    let h = &mut harness;
    click(h, "File");
    click(h, "Settings…");
    type_into(h, "Okta org URL", &sandbox.okta_url);
    type_into(h, "Statsig SCIM URL", &sandbox.statsig_url);
    type_into(h, "Okta API token", sandbox.okta_token.expose());
    type_into(h, "Statsig SCIM token", sandbox.statsig_token.expose());
    // Masked: the token is not readable from the field.
    assert_ne!(
        h.get_by_label("Okta API token").value().as_deref(),
        Some(sandbox.okta_token.expose())
    );
    click(h, "Test connection");
    wait(h, "the connection test", |a| a.connection_test.is_some());
    assert_eq!(
        h.state().connection_test,
        Some(Ok("Both endpoints answered with these tokens.".to_string()))
    );
    save_screenshot(h, "settings");
    click(h, "Save");
    wait(h, "the reconnection", |a| {
        a.settings.is_none()
            && idle(a)
            && a.connection
                .as_ref()
                .is_some_and(|c| !c.label.contains("Demo"))
    });
    let okta = store
        .get(&secrets::account("okta", &sandbox.okta_url))
        .unwrap()
        .unwrap();
    assert_eq!(okta.expose(), sandbox.okta_token.expose());
    let statsig = store
        .get(&secrets::account("statsig", &sandbox.statsig_url))
        .unwrap()
        .unwrap();
    assert_eq!(statsig.expose(), sandbox.statsig_token.expose());
    assert!(h.state().imported_once);
    // Read back: the saved connection works with the tokens from the store alone.
    let saved = std::fs::read_to_string(
        okta_statsig_teams::engine::config::data_dir().join("settings.json"),
    )
    .unwrap();
    assert!(saved.contains(&sandbox.okta_url));
    assert!(
        !saved.contains(sandbox.okta_token.expose())
            && !saved.contains(sandbox.statsig_token.expose()),
        "no token in the settings file"
    );
}

#[test]
fn keyboard_escape_closes_dialogs_and_arrows_move_through_lists() {
    let Fixture {
        mut harness,
        _rt,
        _state,
        ..
    } = fixture();
    let h = &mut harness;
    click(h, "Okta groups");
    click(h, "Push groups…");
    assert!(h.state().push.is_some());
    h.key_press(egui::Key::Escape);
    h.step();
    assert!(h.state().push.is_none());
    h.key_press(egui::Key::ArrowDown);
    h.step();
    h.step();
    let first = h.state().directory.okta_groups[0].id.clone();
    assert_eq!(h.state().sel.okta_group.as_deref(), Some(first.as_str()));
    h.key_press(egui::Key::ArrowDown);
    h.step();
    h.step();
    assert_eq!(
        h.state().sel.okta_group.as_deref(),
        Some(h.state().directory.okta_groups[1].id.as_str())
    );
    assert_eq!(h.state().persisted.tab, Tab::OktaGroups);
}

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

#[test]
fn snapshots_open_read_only_by_drag_and_drop_and_compare() {
    use okta_statsig_teams::engine::runner::Command;
    let Fixture {
        mut harness,
        _rt,
        _state,
        ..
    } = fixture();
    let h = &mut harness;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("before.json");
    h.state().engine().send(Command::ExportSnapshot {
        path: Some(path.clone()),
        redact: false,
    });
    wait(h, "the export", |a| {
        a.log
            .back()
            .is_some_and(|t| t.text.starts_with("Snapshot saved"))
    });
    assert!(path.exists());

    // A bad file: one sentence naming it, and the view is untouched.
    let bad = dir.path().join("notes.json");
    std::fs::write(&bad, "{\"not\": \"a snapshot\"}").unwrap();
    let generation = h.state().generation;
    drop_file(h, &bad);
    wait(h, "the refusal", |a| {
        idle(a) && a.log.back().is_some_and(|t| t.error)
    });
    assert!(h.state().log.back().unwrap().text.contains("notes.json"));
    assert_eq!(h.state().generation, generation);
    assert!(h.state().snapshot.is_none());

    // The good file opens read-only, with a banner.
    drop_file(h, &path);
    wait(h, "the snapshot", |a| idle(a) && a.snapshot.is_some());
    assert!(h.query_by_label_contains("Snapshot taken").is_some());
    assert!(h.state().can_send().is_err());
    assert!(
        h.get_by_label("Refresh").accesskit_node().is_disabled(),
        "no request can be sent from a snapshot"
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
    save_screenshot(h, "snapshot-review");

    // Compare with the file it came from: nothing changed.
    h.state().engine().send(Command::Compare {
        path: Some(path.clone()),
    });
    wait(h, "the comparison", |a| a.comparison.is_some());
    assert!(h.query_by_label("No differences").is_some());
    click(h, "Close snapshot");
    wait(h, "live data", |a| {
        a.snapshot.is_none() && a.can_send().is_ok()
    });
}

#[test]
fn the_app_opens_a_snapshot_offline_from_the_command_line() {
    let data = Box::leak(Box::new(tempfile::tempdir().unwrap()));
    okta_statsig_teams::engine::config::set_data_dir(data.path().to_path_buf());
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshot-v1.json");
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            App::new(
                cc,
                AppOptions {
                    target: None,
                    store,
                    snapshot: Some(fixture),
                },
            )
        });
    let h = &mut harness;
    wait(h, "the snapshot", |a| a.snapshot.is_some() && idle(a));
    assert!(h.state().settings.is_none(), "no connection is asked for");
    click_containing(h, "Checkout  (");
    click_containing(h, "Payments  (");
    assert!(h.query_by_label("bob@northwind.dev").is_some());
}

#[derive(Default)]
struct MemoryStorage(std::collections::HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn the_tab_project_and_theme_survive_a_restart_but_no_token_does() {
    use eframe::App as _;
    let Fixture {
        mut harness,
        sandbox,
        _rt,
        _state,
        ..
    } = fixture();
    let h = &mut harness;
    click(h, "Okta groups");
    click(h, "View");
    click(h, "Light theme");
    click_containing(h, "Data-Platform  (");
    click(h, "Pushed groups");
    let mut storage = MemoryStorage::default();
    h.state_mut().save(&mut storage);
    let saved: String = storage.0.values().cloned().collect();
    assert!(
        !saved.contains(sandbox.statsig_token.expose())
            && !saved.contains(sandbox.okta_token.expose())
    );
    // A new app from what was saved opens as it was left.
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let restarted = Harness::builder().build_eframe(move |cc| {
        cc.storage = Some(Box::leak(Box::new(storage)));
        App::new(
            cc,
            AppOptions {
                target: None,
                store,
                snapshot: None,
            },
        )
    });
    let p = &restarted.state().persisted;
    assert_eq!(p.tab, Tab::Pushed);
    assert_eq!(p.project.as_deref(), Some("Data-Platform"));
    assert!(!p.dark);
}
