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
