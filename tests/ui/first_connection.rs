//! The first connection to a real org in the app, as a new admin makes it: tokens pasted
//! with their scheme and a URL copied from the browser (noted, then connected), a token of
//! the other service (named before anything is sent), the app opened with connection
//! flags, and a computer without an OS keyring.

use crate::support::{click, replace_text, type_into, wait, wait_for_label};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::engine::DataDir;
use okta_statsig_teams::engine::config::Settings;
use okta_statsig_teams::engine::runner::Target;
use okta_statsig_teams::engine::secrets::{self, OsKeyring, SecretStore};
use okta_statsig_teams::model::secret::Secret;
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use okta_statsig_teams::ui::{App, AppOptions};
use std::sync::Arc;

/// An Okta-shaped token ("00" and forty more), as Okta makes them.
const OKTA_TOKEN: &str = "00firstconnABCDEFGHIJKLMNOPQRSTUVWXYZ0123";

fn open_wizard(h: &mut Harness<'static, App>) {
    click(h, "File");
    click(h, "Connect…");
    assert!(h.state().has_dialog());
}

fn shows(h: &Harness<'static, App>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

#[test]
fn tokens_with_their_scheme_and_a_browser_url_are_noted_in_the_wizard_and_connect() {
    let mut f = crate::support::fixture();
    let s = &f.sandbox;
    let h = &mut f.harness;
    open_wizard(h);
    type_into(
        h,
        "Okta org URL",
        &format!("{}/admin/dashboard", s.okta_url),
    );
    type_into(
        h,
        "Okta API token",
        &format!("SSWS {}", s.okta_token.expose()),
    );
    assert!(shows(
        h,
        &format!(
            "Okta org URL: using {}; Okta org URLs have no path, so \"/admin/dashboard\" was left out.",
            s.okta_url
        )
    ));
    assert!(shows(
        h,
        "The Okta API token: the \"SSWS \" prefix was removed"
    ));
    click(h, "Test the Okta token");
    wait_for_label(h, "Next");
    click(h, "Next");
    replace_text(h, "Statsig SCIM URL", &s.statsig_url);
    type_into(
        h,
        "Statsig SCIM token",
        &format!("Bearer {}", s.statsig_token.expose()),
    );
    assert!(shows(
        h,
        "The Statsig SCIM token: the \"Bearer \" prefix was removed"
    ));
    click(h, "Save and connect");
    wait(h, "the connection", |a| {
        !a.has_dialog() && a.is_idle() && a.connection().is_some_and(|c| !c.demo)
    });
    let data = DataDir::new(f.data.path());
    let saved = Settings::load(&data).unwrap().unwrap();
    assert_eq!(saved.okta_url, f.sandbox.okta_url, "the origin is saved");
    let kept = f
        .store
        .get(&data.account("statsig", &f.sandbox.statsig_url))
        .unwrap()
        .unwrap();
    assert_eq!(kept.expose(), f.sandbox.statsig_token.expose());
}

#[test]
fn a_token_of_the_other_service_is_named_in_the_wizard_and_in_settings() {
    let mut f = crate::support::fixture();
    let s = &f.sandbox;
    let h = &mut f.harness;
    open_wizard(h);
    type_into(h, "Okta org URL", &s.okta_url);
    type_into(h, "Okta API token", s.statsig_token.expose());
    assert!(shows(
        h,
        "The Okta API token looks like a Statsig SCIM token"
    ));
    assert!(
        h.get_by_label("Test the Okta token")
            .accesskit_node()
            .is_disabled(),
        "nothing is sent with it"
    );
    click(h, "Cancel");
    click(h, "File");
    click(h, "Settings…");
    type_into(h, "Statsig SCIM token", &format!("SSWS {OKTA_TOKEN}"));
    assert!(shows(
        h,
        "The Statsig SCIM token looks like an Okta API token"
    ));
    assert!(h.get_by_label("Save").accesskit_node().is_disabled());
    replace_text(
        h,
        "Statsig SCIM token",
        &format!("bearer {}", s.statsig_token.expose()),
    );
    assert!(shows(
        h,
        "The Statsig SCIM token: the \"bearer \" prefix was removed"
    ));
}

#[test]
fn the_app_opened_with_connection_flags_shows_that_org_not_the_demo() {
    let rt = crate::support::runtime();
    let s = rt
        .block_on(Sandbox::start(SandboxConfig::default()))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::new(dir.path());
    let store = Arc::new(okta_statsig_teams::engine::secrets::MemoryStore::default());
    store
        .set(&data.account("okta", &s.okta_url), &s.okta_token)
        .unwrap();
    store
        .set(&data.account("statsig", &s.statsig_url), &s.statsig_token)
        .unwrap();
    let browser = format!("{}/admin/dashboard", s.okta_url);
    let cli = okta_statsig_teams::cli::Cli::read([
        "okta-statsig-teams",
        "--okta-url",
        &browser,
        "--statsig-url",
        &s.statsig_url,
        "--push-mode",
        "direct",
    ])
    .unwrap();
    let flags = okta_statsig_teams::cli::gui_flags(&cli.global, &data).unwrap();
    let (target, offer_connect) = okta_statsig_teams::ui::start_target(false, false, flags, &data);
    assert!(matches!(target, Some(Target::Flags(_))) && !offer_connect);
    let app_store: Arc<dyn SecretStore> = store.clone();
    let app_data = data.clone();
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            App::new(
                cc,
                AppOptions {
                    target,
                    store: app_store,
                    snapshot: None,
                    data: app_data,
                    offer_connect,
                },
            )
        });
    wait(&mut h, "the org", |a| a.is_idle() && a.has_data());
    let c = h.state().connection().unwrap();
    assert!(!c.demo, "not the demo: {c:?}");
    assert_eq!(c.okta_url, s.okta_url, "the org of the flags, its origin");
    assert!(
        Settings::load(&data).unwrap().is_none(),
        "nothing saved until the admin saves"
    );
    // The flags with --demo say why they do not go together.
    let both = okta_statsig_teams::cli::Cli::read([
        "okta-statsig-teams",
        "--okta-url",
        &s.okta_url,
        "--demo",
    ])
    .unwrap();
    let e = okta_statsig_teams::cli::gui_flags(&both.global, &data).unwrap_err();
    assert!(e.1.contains("do not go with --demo"), "{}", e.1);
}

/// Runs the test `name` of this file again in a child process without a Secret Service
/// (its D-Bus address leads nowhere), with `env` set; true in the child itself.
fn in_child_without_keyring(name: &str, env: &[(&str, &str)]) -> bool {
    if std::env::var_os("OST_NO_KEYRING_CHILD").is_some() {
        return true;
    }
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args([
        &format!("first_connection::{name}"),
        "--exact",
        "--nocapture",
    ])
    .env("OST_NO_KEYRING_CHILD", "1")
    .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    .env_remove(secrets::STATSIG_ENV)
    .env_remove(secrets::OKTA_ENV);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("1 passed"),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    false
}

/// In the child: the wizard over a sandbox with these tokens, on the real OS keyring
/// (which is not there), Okta org typed, both tokens typed as pasted, Save and connect;
/// what the app said. With `then_settings`, Settings is then saved with no token typed.
fn save_without_keyring(statsig: &str, okta: &str, then_settings: bool) -> Vec<String> {
    let probe = OsKeyring.get("statsig:https://probe.example.com/scim");
    assert!(
        probe.as_ref().is_err_and(|e| e.is_unavailable()),
        "no OS keyring in this process: {probe:?}"
    );
    let rt = crate::support::runtime();
    let s = rt
        .block_on(Sandbox::start(SandboxConfig {
            statsig_token: Some(Secret::new(statsig)),
            okta_token: Some(Secret::new(okta)),
            ..SandboxConfig::default()
        }))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::new(dir.path());
    let app_data = data.clone();
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            App::new(
                cc,
                AppOptions {
                    target: Some(Target::Demo { reset: false }),
                    store: Arc::new(OsKeyring),
                    snapshot: None,
                    data: app_data,
                    offer_connect: true,
                },
            )
        });
    wait_for_label(&mut h, "Test the Okta token");
    type_into(&mut h, "Okta org URL", &s.okta_url);
    type_into(&mut h, "Okta API token", &format!("SSWS {okta}"));
    click(&mut h, "Test the Okta token");
    wait_for_label(&mut h, "Next");
    click(
        &mut h,
        "Direct push: this app pushes over Statsig's SCIM API",
    );
    click(&mut h, "Next");
    replace_text(&mut h, "Statsig SCIM URL", &s.statsig_url);
    type_into(&mut h, "Statsig SCIM token", &format!("Bearer {statsig}"));
    click(&mut h, "Save and connect");
    wait(&mut h, "the connection", |a| {
        !a.has_dialog() && a.is_idle() && a.connection().is_some_and(|c| !c.demo)
    });
    assert!(h.state().has_data(), "the org's directory is shown");
    let saved = Settings::load(&data).unwrap().unwrap();
    assert_eq!(
        (saved.okta_url.as_str(), saved.statsig_url.as_str()),
        (s.okta_url.as_str(), s.statsig_url.as_str()),
        "the URLs are saved"
    );
    if then_settings {
        click(&mut h, "File");
        click(&mut h, "Settings…");
        click(&mut h, "Save");
        wait(&mut h, "the save", |a| !a.has_dialog() && a.is_idle());
    }
    h.state().messages().map(str::to_string).collect()
}

#[test]
fn without_a_keyring_and_with_both_variables_the_wizard_saves_the_urls_and_connects() {
    let (statsig, okta) = ("scim-nokeyring-env", OKTA_TOKEN);
    let name = "without_a_keyring_and_with_both_variables_the_wizard_saves_the_urls_and_connects";
    if !in_child_without_keyring(
        name,
        &[(secrets::STATSIG_ENV, statsig), (secrets::OKTA_ENV, okta)],
    ) {
        return;
    }
    let said = save_without_keyring(statsig, okta, false);
    assert!(
        said.iter().any(|m| m.starts_with(
            "Settings saved without the tokens (there is no OS keyring here); the tokens come from STATSIG_SCIM_TOKEN and OKTA_API_TOKEN. Connected to"
        )),
        "{said:?}"
    );
}

#[test]
fn without_a_keyring_or_variables_save_names_the_variables_to_set() {
    let (statsig, okta) = ("scim-nokeyring-typed", OKTA_TOKEN);
    let name = "without_a_keyring_or_variables_save_names_the_variables_to_set";
    if !in_child_without_keyring(name, &[]) {
        return;
    }
    let said = save_without_keyring(statsig, okta, false);
    assert!(
        said.iter().any(|m| m.starts_with(
            "Settings saved without the tokens (there is no OS keyring here): this run uses the tokens typed. Next time set STATSIG_SCIM_TOKEN and OKTA_API_TOKEN in the environment, as in `STATSIG_SCIM_TOKEN=scim-… OKTA_API_TOKEN=00… okta-statsig-teams`."
        )),
        "{said:?}"
    );
}

#[test]
fn without_a_keyring_settings_saved_with_no_token_typed_says_so() {
    let (statsig, okta) = ("scim-nokeyring-settings", OKTA_TOKEN);
    let name = "without_a_keyring_settings_saved_with_no_token_typed_says_so";
    if !in_child_without_keyring(
        name,
        &[(secrets::STATSIG_ENV, statsig), (secrets::OKTA_ENV, okta)],
    ) {
        return;
    }
    let said = save_without_keyring(statsig, okta, true);
    assert!(
        said.iter().any(|m| m.starts_with(
            "Settings saved; no token is stored (there is no OS keyring here); the tokens come from STATSIG_SCIM_TOKEN and OKTA_API_TOKEN. Connected to"
        )),
        "{said:?}"
    );
    assert!(
        !said
            .iter()
            .any(|m| m.contains("tokens are in the OS keyring")),
        "no keyring is claimed: {said:?}"
    );
}
