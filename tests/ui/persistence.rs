//! What survives a restart: the tab, the project and the theme, never a token.

use crate::support::*;
use egui_kittest::Harness;
use okta_statsig_teams::engine::DataDir;
use okta_statsig_teams::engine::secrets::{MemoryStore, SecretStore};
use okta_statsig_teams::ui::{App, AppOptions, Tab};
use std::sync::Arc;

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
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Okta groups");
    click(h, "View");
    click(h, "Light theme");
    click_containing(h, "Data-Platform  (");
    click(h, "Pushed groups");
    let mut storage = MemoryStorage::default();
    h.state_mut().save(&mut storage);
    let saved: String = storage.0.values().cloned().collect();
    assert!(
        !saved.contains(f.sandbox.statsig_token.expose())
            && !saved.contains(f.sandbox.okta_token.expose())
    );
    // A new app from what was saved opens as it was left.
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let data = tempfile::tempdir().unwrap();
    let data_dir = DataDir::new(data.path());
    let restarted = Harness::builder().build_eframe(move |cc| {
        cc.storage = Some(Box::leak(Box::new(storage)));
        App::new(
            cc,
            AppOptions {
                target: None,
                store,
                snapshot: None,
                data: data_dir,
                offer_connect: false,
            },
        )
    });
    let a = restarted.state();
    assert_eq!(a.tab(), Tab::Pushed);
    assert_eq!(a.project(), Some("Data-Platform"));
    assert!(!a.is_dark());
}

#[test]
fn the_next_start_shows_the_cached_directory_with_its_age_then_refreshes_it() {
    use egui_kittest::kittest::Queryable;
    use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
    let rt = runtime();
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig::default()))
        .unwrap();
    let state = tempfile::tempdir().unwrap();
    let conn = connection(&sandbox);
    let start = |state: &std::path::Path| start_on(&conn, state);
    // The first start reads everything: nothing cached to show meanwhile.
    let mut first = start(state.path());
    wait(&mut first, "the first import", |a| {
        a.has_data() && a.is_idle()
    });
    assert!(first.query_by_label_contains("Cached").is_none());
    drop(first);

    // The next start shows the directory at once, says how old it is, and refreshes it
    // (Okta holds the refresh's requests until the cached view has been checked).
    let held = sandbox.hold_okta();
    let mut next = start(state.path());
    wait(&mut next, "the cached directory", App::has_data);
    assert!(!next.state().is_idle(), "shown before the refresh ends");
    next.get_by_label_contains("Cached just now; refreshing");
    assert!(next.state().directory().okta_groups.len() > 5);
    held.release();
    wait(&mut next, "the refresh", App::is_idle);
    assert!(
        next.query_by_label_contains("Cached").is_none(),
        "fresh once refreshed"
    );
}

/// The app on `conn` (a saved connection, not the demo), keeping its files in `state`.
fn start_on(
    conn: &okta_statsig_teams::engine::Connection,
    state: &std::path::Path,
) -> Harness<'static, App> {
    app_on(conn.clone(), state, DataDir::new(state.join("data")))
}

#[test]
fn the_first_import_shows_the_groups_then_fills_in_their_members() {
    use egui_kittest::kittest::Queryable;
    use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
    let rt = runtime();
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig::default()))
        .unwrap();
    // As in a large org, the groups' members (one request each) are what takes long: here
    // Okta holds them until the groups have been seen without them.
    let held = sandbox
        .hold_okta_requests(|_, p| p.starts_with("/api/v1/groups/") && p.ends_with("/users"));
    let state = tempfile::tempdir().unwrap();
    let mut h = start_on(&connection(&sandbox), state.path());
    wait(&mut h, "the groups", App::has_data);
    assert!(!h.state().is_idle(), "shown before the import ends");
    let pending = |h: &Harness<'static, App>| {
        h.state()
            .directory()
            .okta_groups
            .iter()
            .filter(|g| g.members_pending)
            .count()
    };
    assert!(pending(&h) > 0, "members still being read");
    click(&mut h, "Okta groups");
    assert!(
        h.query_all_by_label("…").next().is_some(),
        "a group whose members are not in yet shows …, not 0"
    );
    assert!(held.waiting() > 0, "the members' reads wait at Okta");
    held.release();
    wait(&mut h, "the members", App::is_idle);
    assert_eq!(pending(&h), 0);
    h.run_ok();
    assert!(h.query_all_by_label("…").next().is_none());
}
