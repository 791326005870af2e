//! Connection profiles kept apart, in the app started as `okta-statsig-teams` starts it:
//! two profiles on the same org keep their own mappings, rules and keyring entries, and
//! the app started again opens the profile used last.

use crate::support::{click, settle, wait};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use okta_statsig_teams::engine::DataDir;
use okta_statsig_teams::engine::config::Settings;
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::engine::runner::Command;
use okta_statsig_teams::engine::secrets::{MemoryStore, SecretStore};
use okta_statsig_teams::model::push_rule::{NameMatch, PushRule, RuleAction};
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use okta_statsig_teams::ui::{Action, App, AppOptions};
use std::sync::Arc;

/// The app as a start without flags opens it: on the profile used last, its saved
/// connection (tokens from `store`), or the demo when it has none.
fn start(root: &DataDir, store: &Arc<MemoryStore>) -> Harness<'static, App> {
    let data = root.last_profile();
    let (target, offer_connect) = okta_statsig_teams::ui::start_target(false, false, None, &data);
    let store: Arc<dyn SecretStore> = store.clone();
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            App::new(
                cc,
                AppOptions {
                    target,
                    store,
                    snapshot: None,
                    data,
                    offer_connect,
                },
            )
        })
}

/// Saves profile `data`'s connection to sandbox `s` (Direct push), and its tokens in
/// `store` unless `tokens` is false.
fn save_profile(data: &DataDir, s: &Sandbox, store: &MemoryStore, tokens: bool) {
    std::fs::create_dir_all(data.profile_dir()).unwrap();
    Settings {
        statsig_url: s.statsig_url.clone(),
        okta_url: s.okta_url.clone(),
        projects: s.projects(),
        push_mode: PushModeChoice::Direct,
        ..Settings::default()
    }
    .save(data)
    .unwrap();
    if tokens {
        store_tokens(data, s, store);
    }
}

fn store_tokens(data: &DataDir, s: &Sandbox, store: &MemoryStore) {
    store
        .set(&data.account("okta", &s.okta_url), &s.okta_token)
        .unwrap();
    store
        .set(&data.account("statsig", &s.statsig_url), &s.statsig_token)
        .unwrap();
}

/// Switches profile from the top bar, as the admin does.
fn switch_to(h: &mut Harness<'static, App>, profile: &str) {
    h.get_by_label("Profile").click();
    settle(h);
    click(h, profile);
    wait(h, profile, |a| a.is_idle() && a.profile() == profile);
}

fn has_mapping_of(h: &Harness<'static, App>, okta_group: &str) -> bool {
    h.state()
        .mappings()
        .iter()
        .any(|m| m.okta_group_name == okta_group)
}

/// Links Okta group `okta` to Statsig group `statsig` without pushing, in the profile shown.
fn link(h: &mut Harness<'static, App>, okta: &str, statsig: &str) {
    let d = h.state().directory().clone();
    h.state_mut().perform(Action::Send(Command::Link {
        okta_group_id: d.okta_group_by_name(okta).unwrap().id.clone(),
        statsig_group_id: d.statsig_group_by_name(statsig).unwrap().id.clone(),
        push_now: false,
        allowed_removals: 0,
    }));
    wait(h, "the mapping", |a| {
        a.is_idle() && a.mappings().iter().any(|m| m.okta_group_name == okta)
    });
}

/// The saved rules the Rules dialog lists: whether `rule` is one of them.
fn rules_dialog_lists(h: &mut Harness<'static, App>, rule: &str) -> bool {
    click(h, "Pushed groups");
    click(h, "Push by rule…");
    assert!(
        h.query_by_label("Saved rules").is_some(),
        "the Rules dialog"
    );
    let listed = h.query_by_label(&format!("Remove {rule}")).is_some();
    assert_eq!(
        h.query_by_label("None yet: write one on the right.")
            .is_some(),
        !listed
    );
    crate::support::close_dialog(h);
    listed
}

fn file_says(path: &std::path::Path, words: &str) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| t.contains(words))
}

#[test]
fn two_profiles_on_one_org_keep_their_own_mappings_rules_and_keyring_entries() {
    let rt = crate::support::runtime();
    let s = rt
        .block_on(Sandbox::start(SandboxConfig::default()))
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let root = DataDir::new(data.path());
    let staging = root.with_profile("Staging").unwrap();
    let store = Arc::new(MemoryStore::default());
    // The same org's URLs in both; only Default's tokens are stored yet.
    save_profile(&root, &s, &store, true);
    save_profile(&staging, &s, &store, false);
    let mut app = start(&root, &store);
    let h = &mut app;
    wait(h, "Default's import", |a| a.is_idle() && a.has_data());
    assert_eq!(h.state().profile(), "Default");
    link(h, "Fraud Squad", "Statsig-Checkout-Payments-Member");
    h.state_mut()
        .perform(Action::Send(Command::SaveRule(Box::new(PushRule {
            id: String::new(),
            name: "Squads".into(),
            how: NameMatch::Contains,
            text: "Squad".into(),
            kind: None,
            action: RuleAction::Create {
                project: "Mobile".into(),
            },
            auto_create: false,
        }))));
    wait(h, "the rule saved", |a| a.is_idle());
    assert!(rules_dialog_lists(h, "Squads"));

    // Staging, on the same URLs, has no token of its own: Default's are not taken.
    switch_to(h, "Staging");
    assert!(
        !h.state().has_data(),
        "nothing shown without Staging's tokens"
    );
    assert!(!has_mapping_of(h, "Fraud Squad"));
    let said = crate::support::last_message(h);
    assert!(
        said.contains(&format!(
            "No Statsig SCIM token is stored for {}",
            s.statsig_url
        )),
        "{said}"
    );
    // With its own keyring entries it connects, and shows none of Default's work.
    store_tokens(&staging, &s, &store);
    switch_to(h, "Default");
    switch_to(h, "Staging");
    wait(h, "Staging's import", |a| a.is_idle() && a.has_data());
    assert!(!has_mapping_of(h, "Fraud Squad"), "Default's mapping");
    assert!(!rules_dialog_lists(h, "Squads"), "Default's rule");
    link(h, "Sales", "Statsig-Checkout-Payments-Admin");
    // Back in Default: its own mapping and rule, and none of Staging's.
    switch_to(h, "Default");
    wait(h, "Default's import", |a| a.is_idle() && a.has_data());
    assert!(has_mapping_of(h, "Fraud Squad"));
    assert!(!has_mapping_of(h, "Sales"), "Staging's mapping");
    assert!(rules_dialog_lists(h, "Squads"));
    // Each profile's files hold its own.
    let (mine, theirs) = (root.profile_dir(), staging.profile_dir());
    assert!(file_says(&mine.join("state.json"), "Fraud Squad"));
    assert!(!file_says(&mine.join("state.json"), "\"Sales\""));
    assert!(file_says(&mine.join("rules.json"), "Squads"));
    assert!(file_says(&theirs.join("state.json"), "\"Sales\""));
    assert!(!file_says(&theirs.join("state.json"), "Fraud Squad"));
    assert!(!file_says(&theirs.join("rules.json"), "Squads"));
}

#[test]
fn the_app_started_again_opens_the_profile_used_last() {
    let rt = crate::support::runtime();
    let default_org = rt
        .block_on(Sandbox::start(SandboxConfig::default()))
        .unwrap();
    // Staging is another org: a group only it has.
    let mut world = okta_statsig_teams::sandbox::seed::build(&Default::default());
    let now = okta_statsig_teams::clock::now();
    world
        .create_okta_group("Staging Only Group", "", "OKTA_GROUP", &now)
        .unwrap();
    let staging_org = rt
        .block_on(Sandbox::start_with_world(SandboxConfig::default(), world))
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let root = DataDir::new(data.path());
    let store = Arc::new(MemoryStore::default());
    save_profile(&root, &default_org, &store, true);
    save_profile(
        &root.with_profile("Staging").unwrap(),
        &staging_org,
        &store,
        true,
    );
    let shows = |h: &Harness<'static, App>, org: &Sandbox| {
        h.state()
            .connection()
            .is_some_and(|c| c.okta_url == org.okta_url)
    };
    let staging_group = |h: &Harness<'static, App>| {
        h.state()
            .directory()
            .okta_group_by_name("Staging Only Group")
            .is_some()
    };

    // The first start: Default. The admin switches to Staging and closes the window.
    let mut first = start(&root, &store);
    wait(&mut first, "the first start", |a| {
        a.is_idle() && a.has_data()
    });
    assert_eq!(first.state().profile(), "Default");
    assert!(shows(&first, &default_org));
    switch_to(&mut first, "Staging");
    drop(first);

    // Started again: Staging, with its org's data.
    let mut again = start(&root, &store);
    wait(&mut again, "the start again", |a| {
        a.is_idle() && a.has_data()
    });
    assert_eq!(again.state().profile(), "Staging");
    assert!(
        shows(&again, &staging_org),
        "{:?}",
        again.state().connection()
    );
    assert!(staging_group(&again), "Staging's org is shown");
    // Back to Default, closed, started again: Default.
    switch_to(&mut again, "Default");
    drop(again);
    let mut third = start(&root, &store);
    wait(&mut third, "the third start", |a| {
        a.is_idle() && a.has_data()
    });
    assert_eq!(third.state().profile(), "Default");
    assert!(shows(&third, &default_org));
    assert!(!staging_group(&third));
}
