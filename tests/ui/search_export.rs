//! Ctrl+F puts the cursor in the tab's search and the list follows what is typed; Export
//! CSV writes an Okta group's members as Okta holds them.

use crate::support::*;
use egui_kittest::kittest::Queryable;
use std::time::{Duration, Instant};

#[test]
fn ctrl_f_searches_the_tab_and_export_csv_writes_the_groups_members() {
    let mut f = fixture();
    let h = &mut f.harness;
    click(h, "Okta groups");
    assert!(h.query_by_label("Engineering").is_some());
    // Ctrl+F: the search field has the focus, and typing filters the list.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    h.step();
    h.step();
    assert!(
        h.query_by(|n| n.is_focused() && n.role() == egui::accesskit::Role::TextInput)
            .is_some(),
        "Ctrl+F focuses the search field"
    );
    h.get_by(|n| n.is_focused()).type_text("sales");
    settle(h);
    assert!(h.query_by_label("Sales").is_some());
    assert!(
        h.query_by_label("Engineering").is_none(),
        "groups that do not match are hidden"
    );

    // Export CSV of Sales: without a file dialog, a typed path; one row per member.
    click(h, "Sales");
    click(h, "Export CSV…");
    let start = Instant::now();
    while h.query_by_label("File path").is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the path field shows"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    let path = f.data.path().join("sales.csv");
    let h = &mut f.harness;
    replace_text(h, "File path", path.to_str().unwrap());
    click(h, "Save");
    wait(h, "the export", |a| a.is_idle() && !a.has_dialog());
    let csv = std::fs::read_to_string(&path).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("group,name,email,okta_status,in_statsig")
    );
    let mut got: Vec<String> = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            assert_eq!(cells.len(), 5, "{l}");
            assert_eq!(cells[0], "Sales");
            cells[2].to_lowercase()
        })
        .collect();
    got.sort();
    let mut want: Vec<String> = {
        let w = f.sandbox.world();
        let g = w.okta_group_by_name("Sales").unwrap();
        g.members
            .iter()
            .map(|id| w.okta_users[id].email.to_lowercase())
            .collect()
    };
    want.sort();
    assert!(!want.is_empty());
    assert_eq!(got, want, "every member of Sales in Okta, once");
}
