//! Help: F1 opens the shortcuts, the Help menu has the README's walkthrough and About with
//! the version and the log file; Escape closes it.

use crate::support::{click, fixture, settle};
use egui_kittest::kittest::Queryable;

#[test]
fn help_shows_shortcuts_the_walkthrough_and_about_with_the_log_file() {
    let mut f = fixture();
    let h = &mut f.harness;
    h.key_press(egui::Key::F1);
    settle(h);
    assert!(h.state().has_dialog(), "F1 opens Help");
    assert!(h.query_by_label("Keyboard shortcuts").is_some());
    assert!(
        h.query_by_label_contains("Search the current list")
            .is_some()
    );
    click(h, "Walkthrough");
    assert!(
        h.query_by_label_contains("With nothing configured")
            .is_some()
    );
    click(h, "About");
    let version = format!("okta-statsig-teams {}", env!("CARGO_PKG_VERSION"));
    assert!(h.query_by_label(&version).is_some());
    let log = f.data.path().join("logs").join("okta-statsig-teams.log");
    let h = &mut f.harness;
    assert!(
        h.query_by_label(&log.display().to_string()).is_some(),
        "where the log is"
    );
    h.key_press(egui::Key::Escape);
    settle(h);
    assert!(!h.state().has_dialog(), "Escape closes Help");
    click(h, "Help");
    click(h, "About");
    assert!(h.state().has_dialog(), "the Help menu opens it too");
}

#[test]
fn the_walkthrough_reads_as_text_not_markdown() {
    let mut f = fixture();
    let h = &mut f.harness;
    h.key_press(egui::Key::F1);
    settle(h);
    click(h, "Walkthrough");
    use egui_kittest::kittest::NodeT;
    let texts: Vec<String> = h
        .root()
        .children_recursive()
        .filter_map(|n| {
            let a = n.accesskit_node();
            a.label().or_else(|| a.value())
        })
        .collect();
    let first = texts
        .iter()
        .find(|t| t.starts_with("With nothing configured"))
        .expect("the walkthrough shows");
    assert!(
        first.contains("(a yellow Demo sandbox badge), in Okta push"),
        "a paragraph is one text, its emphasis a style: {first:?}"
    );
    for t in &texts {
        assert!(
            !t.contains("**") && !t.contains('`') && !t.contains(" *File"),
            "no raw Markdown: {t:?}"
        );
        assert!(
            !t.contains('\n'),
            "no line breaks inside a paragraph: {t:?}"
        );
    }
}
