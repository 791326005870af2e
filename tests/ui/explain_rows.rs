//! Explain from any person's row: a Teams member row, an Okta group's member row and a
//! Verify row each offer "Explain…" as a button named by the person (what a screen reader
//! or the keyboard reaches) and on the row's context menu; both open Explain for that
//! person.

use crate::support::{click, fixture, fixture_with, linked, settle, wait_for_label};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::ui::App;

type H = egui_kittest::Harness<'static, App>;

/// Explain is open on `email`: the trace's first line names them.
fn explains(h: &mut H, email: &str) {
    wait_for_label(h, "Close");
    assert!(
        h.query_by_label_contains(&format!("<{email}>")).is_some(),
        "Explain shows {email}"
    );
    click(h, "Close");
    settle(h);
    assert!(!h.state().has_dialog());
}

/// In the table `name`: the first row's Explain button by its accessibility action, then
/// the second row's context menu; each opens Explain on that row's person.
fn explain_both_ways(h: &mut H, name: &str) {
    let buttons: Vec<String> = h
        .get_by_role_and_label(Role::Table, name)
        .get_all_by_role(Role::Button)
        .filter_map(|b| b.accesskit_node().label())
        .filter(|l| l.starts_with("Explain "))
        .collect();
    assert!(buttons.len() >= 2, "each row has its Explain: {buttons:?}");
    let email = buttons[0].trim_start_matches("Explain ").to_string();
    h.get_by_role_and_label(Role::Table, name)
        .get_by_role_and_label(Role::Button, &buttons[0])
        .click_accesskit();
    settle(h);
    explains(h, &email);

    // The second row's context menu, opened on one of its texts.
    let email = buttons[1].trim_start_matches("Explain ").to_string();
    {
        let t = h.get_by_role_and_label(Role::Table, name);
        let row = t
            .get_all_by_role(Role::Row)
            .find(|r| {
                r.query_all_by_role(Role::Button)
                    .any(|b| b.accesskit_node().label().as_deref() == Some(buttons[1].as_str()))
            })
            .expect("the second person's row");
        row.get_all_by_role(Role::Label)
            .next()
            .expect("a text in the row")
            .click_secondary();
    }
    settle(h);
    h.get_by_role_and_label(Role::Button, "Explain…").click();
    settle(h);
    explains(h, &email);
}

#[test]
fn explain_from_a_teams_member_row() {
    let mut f = fixture();
    let h = &mut f.harness;
    h.get_by_role_and_label(Role::ListBox, "Team list")
        .get_all_by_role(Role::ListBoxOption)
        .next()
        .expect("a team")
        .click_accesskit();
    settle(h);
    explain_both_ways(h, "Member list");
}

#[test]
fn explain_from_an_okta_group_member_row() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Okta groups");
    h.get_by_role_and_label(Role::Table, "Okta group list")
        .get_all_by_role(Role::Row)
        .find(|r| {
            r.get_all_by_role(Role::Label)
                .any(|l| l.accesskit_node().value().as_deref() == Some("Fraud Squad"))
        })
        .expect("Fraud Squad's row")
        .click_accesskit();
    settle(h);
    explain_both_ways(h, "Member list");
}

#[test]
fn explain_from_a_verify_row() {
    let mut f = fixture_with(linked(
        "Fraud Squad",
        "Statsig-Checkout-Fraud Detection-Member",
    ));
    let h = &mut f.harness;
    h.get_by_role_and_label(Role::Tab, "Verify")
        .click_accesskit();
    settle(h);
    explain_both_ways(h, "Comparison");
}
