//! The connect wizard step by step against sandboxes on loopback (a wrong token, a token
//! that may not read apps, an org with no Statsig app, then a good connection saved to the
//! keyring), and connection profiles switched from the top bar without mixing two orgs'
//! data.

use crate::support::{
    click, click_containing, fixture, replace_text, screenshot, settle, type_into, wait,
    wait_for_label,
};
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::engine::DataDir;
use okta_statsig_teams::engine::config::Settings;
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::engine::secrets::SecretStore;
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};

fn start(rt: &tokio::runtime::Runtime, config: SandboxConfig, no_statsig_app: bool) -> Sandbox {
    let mut world = okta_statsig_teams::sandbox::seed::build(&Default::default());
    if no_statsig_app {
        world.apps.retain(|_, a| !a.label.starts_with("Statsig"));
    }
    rt.block_on(Sandbox::start_with_world(config, world))
        .unwrap()
}

/// Clicks `button` in the wizard, waits until its request is held at the emulator's gate,
/// then closes the wizard with Escape while the request is still out.
fn escape_while_held(
    h: &mut egui_kittest::Harness<'static, okta_statsig_teams::ui::App>,
    held: &okta_statsig_teams::sandbox::gate::Held,
    button: &str,
) {
    click(h, button);
    settle(h);
    assert!(
        held.until_one_waits(std::time::Duration::from_secs(30)),
        "{button}'s request reached the emulator"
    );
    h.key_press(egui::Key::Escape);
    settle(h);
    assert!(!h.state().has_dialog(), "Escape closed the wizard");
}

fn open_wizard(h: &mut egui_kittest::Harness<'static, okta_statsig_teams::ui::App>) {
    click(h, "File");
    click(h, "Connect…");
    assert!(h.state().has_dialog());
}

#[test]
fn a_first_start_offers_the_wizard_over_the_demo_and_the_demo_stays_one_click_away() {
    let mut f = crate::support::fixture_with(crate::support::Setup {
        offer_connect: true,
        ..Default::default()
    });
    let h = &mut f.harness;
    assert!(
        h.query_by_label("Test the Okta token").is_some(),
        "the wizard is open once the data behind it is in"
    );
    click(h, "Use the demo instead");
    wait(h, "the demo", |a| a.is_idle() && a.has_data());
    assert!(!h.state().has_dialog());
}

#[test]
fn the_wizard_connects_step_by_step_and_names_each_problem() {
    let mut f = fixture();
    let s = &f.sandbox;
    let h = &mut f.harness;
    open_wizard(h);
    type_into(h, "Okta org URL", &s.okta_url);
    type_into(h, "Okta API token", "00wrong-token");
    click(h, "Test the Okta token");
    wait(h, "the test", |a| a.is_idle());
    assert!(
        h.query_all_by_label_contains("401")
            .next()
            .is_some_and(|n| n
                .accesskit_node()
                .value()
                .unwrap_or_default()
                .contains("create a new one")),
        "a wrong token is named at once, with the fix"
    );
    replace_text(h, "Okta API token", s.okta_token.expose());
    click(h, "Test the Okta token");
    wait_for_label(h, "Statsig SCIM");
    screenshot(h, "connect-wizard");
    click(h, "Next");
    replace_text(h, "Statsig SCIM URL", &s.statsig_url);
    type_into(h, "Statsig SCIM token", s.statsig_token.expose());
    click(h, "Test both");
    wait_for_label(h, "Both endpoints answered with these tokens.");
    click(h, "Save and connect");
    wait(h, "the connection", |a| {
        !a.has_dialog() && a.is_idle() && a.connection().is_some_and(|c| !c.label.contains("Demo"))
    });
    let okta = f
        .store
        .get(&okta_statsig_teams::engine::secrets::account(
            "okta",
            &s.okta_url,
        ))
        .unwrap()
        .unwrap();
    assert_eq!(
        okta.expose(),
        s.okta_token.expose(),
        "the token is in the keyring"
    );
    let saved = Settings::load(&DataDir::new(f.data.path()))
        .unwrap()
        .unwrap();
    assert_eq!(saved.push_mode, PushModeChoice::Okta);
    assert!(!saved.okta_app_id.is_empty(), "the app picked is kept");
}

#[test]
fn a_token_that_may_not_read_apps_and_an_org_without_the_app_are_each_said() {
    let mut f = fixture();
    let forbidden = start(
        &f._rt,
        SandboxConfig {
            okta_apps_forbidden: true,
            ..SandboxConfig::default()
        },
        false,
    );
    let bare = start(&f._rt, SandboxConfig::default(), true);
    let h = &mut f.harness;
    open_wizard(h);
    type_into(h, "Okta org URL", &forbidden.okta_url);
    type_into(h, "Okta API token", forbidden.okta_token.expose());
    click(h, "Test the Okta token");
    wait(h, "the test", |a| a.is_idle());
    assert!(
        h.query_all_by_label_contains("okta.apps.read")
            .next()
            .is_some(),
        "the missing permission is named"
    );
    replace_text(h, "Okta org URL", &bare.okta_url);
    replace_text(h, "Okta API token", bare.okta_token.expose());
    click(h, "Test the Okta token");
    wait(h, "the test", |a| a.is_idle());
    assert!(
        h.query_all_by_label_contains(
            "no app in this Okta org has a label starting with \"Statsig\""
        )
        .next()
        .is_some()
    );
    click(h, "Next");
    assert!(
        h.query_by_label("Direct push needs the Statsig token.")
            .is_some(),
        "without the app, Direct push and its token"
    );
}

/// Saves two profiles for `f`'s window: Default on its sandbox, and "Staging" on another
/// org (started here, returned) with a group only it has, "Staging Only Group".
fn with_staging(f: &crate::support::Fixture) -> Sandbox {
    let mut world = okta_statsig_teams::sandbox::seed::build(&Default::default());
    let now = okta_statsig_teams::clock::now();
    world
        .create_okta_group("Staging Only Group", "", "OKTA_GROUP", &now)
        .unwrap();
    let staging = f
        ._rt
        .block_on(Sandbox::start_with_world(SandboxConfig::default(), world))
        .unwrap();
    let root = DataDir::new(f.data.path());
    for (data, s) in [
        (root.clone(), &f.sandbox),
        (root.with_profile("Staging").unwrap(), &staging),
    ] {
        Settings {
            statsig_url: s.statsig_url.clone(),
            okta_url: s.okta_url.clone(),
            push_mode: PushModeChoice::Direct,
            ..Settings::default()
        }
        .save(&data)
        .unwrap();
        f.store
            .set(&data.account("okta", &s.okta_url), &s.okta_token)
            .unwrap();
        f.store
            .set(&data.account("statsig", &s.statsig_url), &s.statsig_token)
            .unwrap();
    }
    staging
}

#[test]
fn while_a_switched_to_profile_connects_the_window_says_so_not_the_last_profiles_counts() {
    let mut f = fixture();
    let staging = with_staging(&f);
    let h = &mut f.harness;
    wait(h, "Default connected and the profiles listed", |a| {
        a.is_idle() && a.has_data() && a.profiles().iter().any(|p| p == "Staging")
    });
    let before = h.state().status_line().map(str::to_string);
    assert!(before.is_some(), "Default's connection said something");
    // Staging's Okta holds every request: the switch stays in the middle of connecting.
    let held = staging.hold_okta();
    h.get_by_label("Profile").click();
    settle(h);
    click(h, "Staging");
    settle(h);
    assert!(
        held.until_one_waits(std::time::Duration::from_secs(30)),
        "Staging's first request reached its Okta"
    );
    settle(h);
    assert_ne!(
        h.state().status_line().map(str::to_string),
        before,
        "Default's last message is not shown as Staging's"
    );
    assert!(
        h.query_by_label_contains("0 mappings").is_none(),
        "no counts of an org not read yet"
    );
    assert!(
        h.query_by_label("Reading Okta and Statsig…").is_some(),
        "the status bar says what is happening"
    );
    held.release();
    wait(h, "Staging", |a| a.is_idle() && a.has_data());
    assert!(
        h.state()
            .status_line()
            .is_some_and(|m| m.starts_with("Profile \"Staging\"")),
        "{:?}",
        h.state().status_line()
    );
    assert!(h.query_by_label_contains("mapping").is_some());
}

#[test]
fn profiles_switch_from_the_top_bar_without_mixing_two_orgs_data() {
    let mut f = fixture();
    let _staging = with_staging(&f);
    let h = &mut f.harness;
    let has_staging_group = |a: &okta_statsig_teams::ui::App| {
        a.directory()
            .okta_group_by_name("Staging Only Group")
            .is_some()
    };
    assert!(!has_staging_group(h.state()));
    wait(h, "the profiles listed", |a| {
        a.profiles().iter().any(|p| p == "Staging")
    });
    h.get_by_label("Profile").click();
    settle(h);
    screenshot(h, "profile-switcher");
    click(h, "Staging");
    wait(h, "Staging", |a| a.is_idle() && a.has_data());
    assert!(has_staging_group(h.state()), "Staging's org is shown");
    assert_eq!(h.state().profile(), "Staging");
    h.get_by_label("Profile").click();
    settle(h);
    click(h, "Default");
    wait(h, "Default", |a| {
        a.is_idle() && a.has_data() && a.profile() == "Default"
    });
    assert!(!has_staging_group(h.state()), "nothing of Staging stays");
    // A new profile starts empty, with the wizard.
    h.get_by_label("Profile").click();
    settle(h);
    click(h, "New profile…");
    type_into(h, "Profile name", "Sandbox Two");
    click(h, "Make and switch");
    wait(h, "the new profile", |a| {
        a.is_idle() && a.profile() == "Sandbox Two"
    });
    assert!(!h.state().has_data(), "no data from another profile");
    assert!(
        h.query_by_label("Test the Okta token").is_some(),
        "the wizard offers to connect"
    );
    click_containing(h, "Cancel");
}

#[test]
fn save_and_connect_tests_saves_and_closes_before_the_first_import_ends() {
    use okta_statsig_teams::sandbox::limits::OktaLimits;
    let mut f = fixture();
    // A developer org's pace: the first import takes a while.
    let org = start(
        &f._rt,
        SandboxConfig {
            okta_limits: OktaLimits {
                group: 8,
                ..OktaLimits::none()
            },
            okta_rate_window_secs: 1,
            ..SandboxConfig::default()
        },
        false,
    );
    let h = &mut f.harness;
    open_wizard(h);
    type_into(h, "Okta org URL", &org.okta_url);
    type_into(h, "Okta API token", org.okta_token.expose());
    click(h, "Test the Okta token");
    wait_for_label(h, "Statsig SCIM");
    click(h, "Next");
    replace_text(h, "Statsig SCIM URL", &org.statsig_url);
    // A wrong Statsig token: the test fails, nothing is saved, the wizard says why.
    type_into(h, "Statsig SCIM token", "scim-wrong-token");
    click(h, "Save and connect");
    wait(h, "the test", |a| a.is_idle());
    assert!(h.state().has_dialog(), "the wizard stays open to fix it");
    assert!(
        h.query_all_by_label_contains("401").next().is_some(),
        "the refusal is named in the wizard"
    );
    let data = DataDir::new(f.data.path());
    assert!(Settings::load(&data).unwrap().is_none(), "nothing saved");

    replace_text(h, "Statsig SCIM token", org.statsig_token.expose());
    click(h, "Save and connect");
    wait(h, "the wizard to close", |a| !a.has_dialog());
    assert!(
        !h.state().is_idle(),
        "closed once tested and saved, while the first import goes on in the main window"
    );
    assert!(h.query_by_label("Asking…").is_none());
    assert!(Settings::load(&data).unwrap().is_some(), "saved");
    wait(h, "the first import", |a| {
        a.is_idle() && a.has_data() && a.connection().is_some_and(|c| !c.label.contains("Demo"))
    });
    assert!(
        h.state()
            .messages()
            .any(|m| m.starts_with("Settings saved; tokens are in the OS keyring. Connected")),
        "the import's outcome is the main window's"
    );
}

#[test]
fn switching_back_to_a_profile_that_showed_the_demo_shows_the_demo() {
    let mut f = crate::support::fixture_with(crate::support::Setup {
        offer_connect: true,
        ..Default::default()
    });
    let h = &mut f.harness;
    click(h, "Use the demo instead");
    wait(h, "the demo", |a| a.is_idle() && a.has_data());
    // Another profile, left without a connection.
    h.get_by_label("Profile").click();
    settle(h);
    click(h, "New profile…");
    type_into(h, "Profile name", "Staging");
    click(h, "Make and switch");
    wait(h, "the new profile", |a| {
        a.is_idle() && a.profile() == "Staging"
    });
    assert!(h.query_by_label("Test the Okta token").is_some());
    click_containing(h, "Cancel");
    crate::support::pass_shield(h);
    // Back to Default: the demo it was showing, not "Not connected" and the wizard.
    h.get_by_label("Profile").click();
    settle(h);
    click(h, "Default");
    wait(h, "Default", |a| {
        a.is_idle() && a.profile() == "Default" && a.has_data()
    });
    assert!(
        h.state().connection().is_some_and(|c| c.demo),
        "the demo is shown: {:?}",
        h.state().connection()
    );
    assert!(!h.state().has_dialog(), "no wizard");
}

#[test]
fn a_second_window_on_the_same_profile_is_told_and_offered_another_profile() {
    let mut f = fixture();
    let root = DataDir::new(f.data.path());
    std::fs::create_dir_all(root.with_profile("Staging").unwrap().profile_dir()).unwrap();
    let state = tempfile::tempdir().unwrap();
    let mut second = crate::support::app_on(
        crate::support::connection(&f.sandbox),
        state.path(),
        root.clone(),
    );
    let h2 = &mut second;
    wait(h2, "the refusal", |a| a.is_idle() && a.has_dialog());
    assert!(
        h2.query_all_by_label_contains("Another window has profile \"Default\" open")
            .next()
            .is_some()
    );
    h2.get_by_label("Try again");
    h2.get_by_label("Quit");
    assert!(h2.state().connection().is_none(), "nothing connected here");
    assert!(!h2.state().has_data());
    click(h2, "Open profile \"Staging\"");
    wait(h2, "Staging", |a| {
        a.is_idle() && a.profile() == "Staging" && a.has_data()
    });
    // The first window goes on as it was.
    let h = &mut f.harness;
    h.step();
    assert_eq!(h.state().profile(), "Default");
    assert!(h.state().connection().is_some());
    // Default is free once the first window is gone.
    drop(f.harness);
    h2.get_by_label("Profile").click();
    settle(h2);
    click(h2, "Default");
    wait(h2, "Default", |a| a.is_idle() && a.profile() == "Default");
    assert!(h2.state().connection().is_some());
}

/// The wizard's Direct path: a wrong Statsig token is named at Test both, nothing is
/// saved; the right one connects in Direct push with the token in the keyring.
#[test]
fn the_wizards_direct_path_names_a_wrong_statsig_token_and_keeps_the_right_one_in_the_keyring() {
    let mut f = fixture();
    let s = &f.sandbox;
    let h = &mut f.harness;
    open_wizard(h);
    type_into(h, "Okta org URL", &s.okta_url);
    type_into(h, "Okta API token", s.okta_token.expose());
    click(h, "Test the Okta token");
    wait_for_label(h, "Statsig SCIM");
    click(h, "Direct push: this app pushes over Statsig's SCIM API");
    click(h, "Next");
    replace_text(h, "Statsig SCIM URL", &s.statsig_url);
    type_into(h, "Statsig SCIM token", "scim-wrong-token");
    click(h, "Test both");
    wait(h, "the test", |a| a.is_idle());
    let said: Vec<String> = h
        .query_all_by_label_contains("401")
        .filter_map(|n| n.accesskit_node().value().or(n.accesskit_node().label()))
        .collect();
    assert!(
        said.iter().any(|t| t.contains("Statsig")),
        "the wrong Statsig token is named: {said:?}"
    );
    assert!(
        h.query_by_label("Both endpoints answered with these tokens.")
            .is_none()
    );
    let account = okta_statsig_teams::engine::secrets::account("statsig", &s.statsig_url);
    assert!(
        f.store.get(&account).unwrap().is_none(),
        "nothing saved yet"
    );
    let h = &mut f.harness;
    replace_text(h, "Statsig SCIM token", s.statsig_token.expose());
    click(h, "Test both");
    wait_for_label(h, "Both endpoints answered with these tokens.");
    click(h, "Save and connect");
    wait(h, "the connection", |a| {
        !a.has_dialog() && a.is_idle() && a.connection().is_some_and(|c| !c.label.contains("Demo"))
    });
    assert_eq!(
        f.store.get(&account).unwrap().unwrap().expose(),
        s.statsig_token.expose(),
        "the Statsig token is in the keyring"
    );
    let saved = Settings::load(&DataDir::new(f.data.path()))
        .unwrap()
        .unwrap();
    assert_eq!(saved.push_mode, PushModeChoice::Direct);
    assert!(saved.okta_app_id.is_empty(), "no app: this app pushes");
}

#[test]
fn switching_back_to_a_profile_opened_on_a_given_connection_shows_that_org_not_the_demo() {
    // The window opened on a connection given for this run (as the command line's flags
    // do), nothing saved in the profile.
    let rt = crate::support::runtime();
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig::default()))
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let mut h = crate::support::app_on(
        crate::support::connection(&sandbox),
        state.path(),
        DataDir::new(data.path()),
    );
    wait(&mut h, "the first import", |a| a.is_idle() && a.has_data());
    let h = &mut h;
    h.state_mut().perform(okta_statsig_teams::ui::Action::Send(
        okta_statsig_teams::engine::runner::Command::SwitchProfile {
            name: "Staging".into(),
            create: true,
        },
    ));
    wait(h, "the new profile", |a| {
        a.is_idle() && a.profile() == "Staging"
    });
    if h.state().has_dialog() {
        crate::support::close_dialog(h);
    }
    h.state_mut().perform(okta_statsig_teams::ui::Action::Send(
        okta_statsig_teams::engine::runner::Command::SwitchProfile {
            name: "Default".into(),
            create: false,
        },
    ));
    wait(h, "Default", |a| {
        a.is_idle() && a.profile() == "Default" && a.has_data()
    });
    let shown = h.state().connection().cloned();
    assert!(
        shown.as_ref().is_some_and(|c| !c.demo
            && c.label == "Loopback org"
            && c.okta_url == sandbox.okta_url),
        "the org the window was opened on is shown again, not the demo: {shown:?}"
    );
}

#[test]
fn an_answer_goes_to_the_dialog_that_asked_and_to_no_other() {
    let mut f = fixture();
    let s = &f.sandbox;
    let h = &mut f.harness;
    open_wizard(h);
    type_into(h, "Okta org URL", &s.okta_url);
    type_into(h, "Okta API token", s.okta_token.expose());
    // The search for the Statsig app is held at Okta while the admin closes the wizard
    // and opens a new one.
    let held = s.hold_okta_requests(|_, path| path.starts_with("/api/v1/apps"));
    escape_while_held(h, &held, "Test the Okta token");
    open_wizard(h);
    held.release();
    wait(h, "the search's answer", |a| a.is_idle());
    settle(h);
    // The new wizard did not ask: it stays on its first step, with no app list.
    assert!(
        h.query_by_label("Test the Okta token").is_some(),
        "the new wizard is still on its first step"
    );
    assert!(
        h.query_by_label_contains("Choose the Statsig app")
            .is_none()
            && h.query_by_label_contains("Direct push: this app pushes")
                .is_none(),
        "no app list the new wizard never asked for"
    );
    // What the search found is said as a message instead.
    let messages: Vec<String> = h.state().messages().map(str::to_string).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Found ") && m.contains("whose label starts with")),
        "the answer is a message: {messages:?}"
    );
}

#[test]
fn cancel_while_save_and_connect_tests_saves_nothing_and_stays_on_the_org_shown() {
    let mut f = fixture();
    let org = start(&f._rt, SandboxConfig::default(), false);
    let h = &mut f.harness;
    let before = h.state().connection().map(|c| c.label.clone());
    open_wizard(h);
    type_into(h, "Okta org URL", &org.okta_url);
    type_into(h, "Okta API token", org.okta_token.expose());
    click(h, "Test the Okta token");
    wait_for_label(h, "Statsig SCIM");
    click(h, "Next");
    replace_text(h, "Statsig SCIM URL", &org.statsig_url);
    type_into(h, "Statsig SCIM token", org.statsig_token.expose());
    // Save and connect tests both endpoints first: Statsig's answer is held while the
    // admin changes their mind.
    let held = org.hold_statsig();
    // The top bar has its own Cancel for the running job; the wizard's is Escape here.
    escape_while_held(h, &held, "Save and connect");
    held.release();
    wait(h, "the cancelled save", |a| a.is_idle());
    let data = DataDir::new(f.data.path());
    assert!(
        Settings::load(&data).unwrap().is_none(),
        "a cancelled save saves nothing"
    );
    assert_eq!(
        h.state().connection().map(|c| c.label.clone()),
        before,
        "still on the org shown before"
    );
    assert!(
        f.store
            .get(&okta_statsig_teams::engine::secrets::account(
                "okta",
                &org.okta_url
            ))
            .unwrap()
            .is_none(),
        "no token kept for an org not connected"
    );
}

#[test]
fn one_escape_in_a_wizard_field_closes_the_wizard_as_in_every_dialog() {
    let mut f = crate::support::fixture();
    let h = &mut f.harness;
    for field in ["Okta org URL", "Okta API token"] {
        open_wizard(h);
        crate::support::type_into(h, field, "x");
        assert!(h.get_by_label(field).is_focused());
        // As a keyboard gives it: the press in one frame, the release in a later one.
        for pressed in [true, false] {
            h.event(egui::Event::Key {
                key: egui::Key::Escape,
                physical_key: None,
                pressed,
                repeat: false,
                modifiers: egui::Modifiers::NONE,
            });
            h.step();
        }
        settle(h);
        assert!(
            !h.state().has_dialog(),
            "one Escape in {field} closed the wizard"
        );
        crate::support::pass_shield(h);
    }
}
