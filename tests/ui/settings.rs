//! Settings: tokens go to the keyring only, are masked, and never reach a file.

use crate::support::*;
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::engine::secrets::{self, SecretStore};

#[test]
fn settings_store_tokens_through_the_keyring_and_never_show_them() {
    let mut f = fixture();
    let h = &mut f.harness;
    let s = &f.sandbox;
    click(h, "File");
    click(h, "Settings…");
    // As an admin fills it in for a real org (the screenshot), then for the sandbox.
    type_into(h, "Okta org URL", "https://northwind.okta.com");
    type_into(h, "Statsig SCIM URL", "https://statsigapi.net/scim");
    type_into(h, "Okta API token", s.okta_token.expose());
    type_into(h, "Statsig SCIM token", s.statsig_token.expose());
    // Masked: the token is not readable from the field.
    assert_ne!(
        h.get_by_label("Okta API token").value().as_deref(),
        Some(s.okta_token.expose())
    );
    screenshot(h, "settings");
    replace_text(h, "Okta org URL", &s.okta_url);
    replace_text(h, "Statsig SCIM URL", &s.statsig_url);
    click(h, "Test connection");
    wait_for_label(h, "Both endpoints answered with these tokens.");
    click(h, "Save");
    wait(h, "the reconnection", |a| {
        !a.has_dialog() && a.is_idle() && a.connection().is_some_and(|c| !c.label.contains("Demo"))
    });
    let okta = f
        .store
        .get(&secrets::account("okta", &s.okta_url))
        .unwrap()
        .unwrap();
    assert_eq!(okta.expose(), s.okta_token.expose());
    let statsig = f
        .store
        .get(&secrets::account("statsig", &s.statsig_url))
        .unwrap()
        .unwrap();
    assert_eq!(statsig.expose(), s.statsig_token.expose());
    assert!(h.state().has_data());
    let saved = std::fs::read_to_string(f.data.path().join("settings.json")).unwrap();
    assert!(saved.contains(&s.okta_url));
    assert!(
        !saved.contains(s.okta_token.expose()) && !saved.contains(s.statsig_token.expose()),
        "no token in the settings file"
    );
    // Opened again, Settings shows what was saved (and no token).
    click(h, "File");
    click(h, "Settings…");
    assert_eq!(
        h.get_by_label("Okta org URL").value().as_deref(),
        Some(s.okta_url.as_str())
    );
    assert_eq!(
        h.get_by_label("Okta API token").value().as_deref(),
        Some("")
    );
}

#[test]
fn test_connection_names_an_untrusted_certificate_at_once() {
    let mut f = fixture();
    let base = f._rt.block_on(crate::common::self_signed());
    let h = &mut f.harness;
    let s = &f.sandbox;
    click(h, "File");
    click(h, "Settings…");
    type_into(h, "Okta org URL", &s.okta_url);
    type_into(h, "Statsig SCIM URL", &format!("{base}/scim"));
    type_into(h, "Okta API token", s.okta_token.expose());
    type_into(h, "Statsig SCIM token", "t");
    click(h, "Test connection");
    wait(h, "the test", |a| a.is_idle());
    assert!(
        h.query_by_label_contains("TLS certificate is not trusted: it is self-signed")
            .is_some(),
        "the sentence shows in Settings"
    );
}

#[test]
fn a_failed_save_says_why_in_a_sentence_and_keeps_the_typed_tokens() {
    let mut f = fixture();
    // The settings file cannot be written: a folder stands where it goes.
    let blocker = f.data.path().join("settings.json");
    std::fs::create_dir_all(blocker.join("x")).unwrap();
    let h = &mut f.harness;
    let s = &f.sandbox;
    click(h, "File");
    click(h, "Settings…");
    type_into(h, "Okta org URL", &s.okta_url);
    type_into(h, "Statsig SCIM URL", &s.statsig_url);
    type_into(h, "Okta API token", s.okta_token.expose());
    type_into(h, "Statsig SCIM token", s.statsig_token.expose());
    click(h, "Save");
    wait(h, "the failed save", |a| a.is_idle());
    assert!(h.state().has_dialog(), "Settings stays open");
    let said = h
        .root()
        .children_recursive()
        .filter_map(|n| n.accesskit_node().value())
        .find(|v| v.starts_with("Could not write the settings"))
        .unwrap_or_else(|| panic!("a sentence says the save failed"));
    assert!(
        said.ends_with("a folder of that name is in the way.") && !said.contains("os error"),
        "one sentence in words: {said}"
    );
    // Once the cause is gone, Save again works without typing the tokens again.
    std::fs::remove_dir_all(&blocker).unwrap();
    click(h, "Save");
    wait(h, "the reconnection", |a| {
        !a.has_dialog() && a.is_idle() && a.connection().is_some_and(|c| !c.label.contains("Demo"))
    });
    let okta = f
        .store
        .get(&secrets::account("okta", &s.okta_url))
        .unwrap()
        .unwrap();
    assert_eq!(
        okta.expose(),
        s.okta_token.expose(),
        "the typed token was kept"
    );
}

#[test]
fn saving_settings_keeps_the_projects_list_unpinned() {
    let mut f = fixture();
    let h = &mut f.harness;
    let s = &f.sandbox;
    click(h, "File");
    click(h, "Settings…");
    type_into(h, "Okta org URL", &s.okta_url);
    type_into(h, "Statsig SCIM URL", &s.statsig_url);
    type_into(h, "Okta API token", s.okta_token.expose());
    type_into(h, "Statsig SCIM token", s.statsig_token.expose());
    click(h, "Save");
    wait(h, "the reconnection", |a| {
        !a.has_dialog() && a.is_idle() && a.connection().is_some_and(|c| !c.label.contains("Demo"))
    });
    // Opened again on the real org: the projects read from group names are a hint only.
    click(h, "File");
    click(h, "Settings…");
    let field = h
        .get_all_by_label("Projects")
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::TextInput)
        .unwrap();
    assert_eq!(
        field.accesskit_node().value().as_deref(),
        Some(""),
        "the worked-out list is not the field's value"
    );
    click(h, "Save");
    wait(h, "the second save", |a| !a.has_dialog() && a.is_idle());
    let saved = std::fs::read_to_string(f.data.path().join("settings.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(
        json["projects"],
        serde_json::json!([]),
        "a save asked for nothing about projects pins none: {saved}"
    );
}
