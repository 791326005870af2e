//! Screen readers: through the AccessKit tree alone, every table and list has its rows,
//! cells and selection, every dialog its name, modality and focus, every input its name;
//! tabs, menus and the status line have their roles.

use crate::support::*;
use egui::accesskit::Role;
use egui_kittest::kittest::{AccessKitNode, NodeT, Queryable};

/// Whether `n` or a node under it shows `text` (a label's value or a node's name).
fn shows(n: &AccessKitNode<'_>, text: &str) -> bool {
    n.value().as_deref() == Some(text)
        || n.label().as_deref() == Some(text)
        || n.children().any(|c| shows(&c, text))
}

/// The texts under `n`, in order.
fn texts(n: &AccessKitNode<'_>, out: &mut Vec<String>) {
    if n.role() == Role::Label {
        out.extend(n.value());
        return;
    }
    for c in n.children() {
        texts(&c, out);
    }
}

/// The table named `name`: its row count, and each drawn row's texts.
fn table(
    h: &egui_kittest::Harness<'static, okta_statsig_teams::ui::App>,
    name: &str,
) -> (usize, Vec<Vec<String>>) {
    let t = h.get_by_role_and_label(Role::Table, name);
    let count = t
        .accesskit_node()
        .data()
        .row_count()
        .expect("the table says its row count");
    let rows = t
        .get_all_by_role(Role::Row)
        .map(|r| {
            let mut out = Vec::new();
            texts(&r.accesskit_node(), &mut out);
            out
        })
        .collect();
    (count, rows)
}

#[test]
fn okta_groups_are_a_table_whose_rows_select_by_the_accessibility_action() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Okta groups");
    // The groups listed: all but those Okta imported from the Statsig app.
    let d = h.state().directory();
    let groups = d.okta_groups.len() - d.app.groups.len();
    let (count, rows) = table(h, "Okta groups");
    // Every group counts, drawn or not; the header is a row of column headers.
    assert_eq!(count, groups);
    assert_eq!(rows[0], ["Group", "Type", "Members", "Pushed to"]);
    assert_eq!(rows.len(), groups + 1);
    assert!(
        rows.iter()
            .any(|r| r.first().map(String::as_str) == Some("Fraud Squad"))
    );
    {
        let t = h.get_by_role_and_label(Role::Table, "Okta groups");
        let headers: Vec<String> = t
            .get_all_by_role(Role::ColumnHeader)
            .filter_map(|n| n.accesskit_node().label())
            .collect();
        assert_eq!(headers, ["Group", "Type", "Members", "Pushed to"]);
        let row = t.get_by(|n| n.role() == Role::Row && shows(n, "Fraud Squad"));
        assert_eq!(row.accesskit_node().is_selected(), Some(false));
        row.click_accesskit();
    }
    settle(h);
    let fraud = h
        .state()
        .directory()
        .okta_group_by_name("Fraud Squad")
        .unwrap()
        .id
        .clone();
    assert_eq!(h.state().selected_okta_group(), Some(fraud.as_str()));
    let t = h.get_by_role_and_label(Role::Table, "Okta groups");
    let row = t.get_by(|n| n.role() == Role::Row && shows(n, "Fraud Squad"));
    assert_eq!(row.accesskit_node().is_selected(), Some(true));
    let selected = t
        .get_all_by_role(Role::Row)
        .filter(|r| r.accesskit_node().is_selected() == Some(true))
        .count();
    assert_eq!(selected, 1, "one row is selected");
    // The selected group's members are a table of their own.
    let (count, rows) = table(h, "Members of Fraud Squad");
    assert_eq!(count, 5);
    assert_eq!(rows[0], ["Name", "Status", "Email"]);
    assert_eq!(rows.len(), 6);
}
