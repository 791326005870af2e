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
    let (count, rows) = table(h, "Okta group list");
    // Every group counts, drawn or not; the header is a row of column headers.
    assert_eq!(count, groups);
    assert_eq!(rows[0], ["Group", "Type", "Members", "Pushed to"]);
    assert_eq!(rows.len(), groups + 1);
    assert!(
        rows.iter()
            .any(|r| r.first().map(String::as_str) == Some("Fraud Squad"))
    );
    {
        let t = h.get_by_role_and_label(Role::Table, "Okta group list");
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
    let t = h.get_by_role_and_label(Role::Table, "Okta group list");
    let row = t.get_by(|n| n.role() == Role::Row && shows(n, "Fraud Squad"));
    assert_eq!(row.accesskit_node().is_selected(), Some(true));
    let selected = t
        .get_all_by_role(Role::Row)
        .filter(|r| r.accesskit_node().is_selected() == Some(true))
        .count();
    assert_eq!(selected, 1, "one row is selected");
    // The selected group's members are a table of their own.
    let (count, rows) = table(h, "Member list");
    assert_eq!(count, 5);
    assert_eq!(rows[0], ["Name", "Status", "Email"]);
    assert_eq!(rows.len(), 6);
}

#[test]
fn pushed_groups_verify_and_activity_are_tables_and_teams_projects_and_tabs_are_lists() {
    let mut f = fixture_with(linked(
        "Fraud Squad",
        "Statsig-Checkout-Fraud Detection-Member",
    ));
    let h = &mut f.harness;
    // The tabs: a tab list, the shown one selected; a tab is chosen by its action.
    {
        let tabs = h.get_by_role_and_label(Role::TabList, "Views");
        let names: Vec<String> = tabs
            .get_all_by_role(Role::Tab)
            .filter_map(|t| t.accesskit_node().label())
            .collect();
        assert_eq!(
            names,
            [
                "Teams",
                "Okta groups",
                "Pushed groups",
                "Verify",
                "Health (7)",
                "Activity"
            ]
        );
        assert_eq!(
            tabs.get_by_role_and_label(Role::Tab, "Teams")
                .accesskit_node()
                .is_selected(),
            Some(true)
        );
        tabs.get_by_role_and_label(Role::Tab, "Pushed groups")
            .click_accesskit();
    }
    settle(h);
    assert_eq!(h.state().tab(), okta_statsig_teams::ui::Tab::Pushed);
    assert_eq!(
        h.get_by_role_and_label(Role::Tab, "Pushed groups")
            .accesskit_node()
            .is_selected(),
        Some(true)
    );
    // Pushed groups: the mapping's row, selected by its action.
    let (count, rows) = table(h, "Mapping list");
    assert_eq!(count, 1);
    assert_eq!(
        rows[0],
        ["Status", "Okta group", "Statsig group", "Last push"]
    );
    assert!(rows[1].contains(&"Fraud Squad".to_string()), "{rows:?}");
    h.get_by_role_and_label(Role::Table, "Mapping list")
        .get_by(|n| n.role() == Role::Row && shows(n, "Fraud Squad"))
        .click_accesskit();
    settle(h);
    let id = mapping_id(h, "Fraud Squad");
    assert_eq!(h.state().selected_mapping(), Some(id.as_str()));
    // Verify: the comparison is a table with a row per person.
    h.get_by_role_and_label(Role::Tab, "Verify")
        .click_accesskit();
    settle(h);
    let (count, rows) = table(h, "Comparison");
    assert!(count > 0);
    assert_eq!(
        rows[0],
        ["Okta group member", "Statsig team member", "Difference"]
    );
    assert_eq!(rows.len(), count + 1);
    // Activity: every request counts, also those scrolled out of sight.
    h.get_by_role_and_label(Role::Tab, "Activity")
        .click_accesskit();
    settle(h);
    let lines = h.state().activity_len();
    let (count, rows) = table(h, "Requests");
    assert_eq!(count, lines);
    assert!(
        rows.len() < count + 1,
        "only the rows in sight are drawn ({} of {count})",
        rows.len()
    );
    // Projects and teams: list boxes with their items, the selected one selected.
    h.get_by_role_and_label(Role::ListBox, "Project list")
        .get_by(|n| {
            n.role() == Role::ListBoxOption
                && n.label().is_some_and(|l| l.starts_with("Checkout  ("))
        })
        .click_accesskit();
    settle(h);
    let projects = h.get_by_role_and_label(Role::ListBox, "Project list");
    let chosen: Vec<String> = projects
        .get_all_by_role(Role::ListBoxOption)
        .filter(|o| o.accesskit_node().is_selected() == Some(true))
        .filter_map(|o| o.accesskit_node().label())
        .collect();
    assert_eq!(chosen, ["Checkout  (3 teams)"]);
    let teams = h.get_by_role_and_label(Role::ListBox, "Team list");
    assert_eq!(teams.get_all_by_role(Role::ListBoxOption).count(), 3);
}

/// The node that has keyboard focus, if any.
fn focused(h: &egui_kittest::Harness<'static, okta_statsig_teams::ui::App>) -> Option<String> {
    h.root()
        .children_recursive()
        .find(|n| n.accesskit_node().is_focused())
        .map(|n| {
            let a = n.accesskit_node();
            format!("{:?} {}", a.role(), a.label().unwrap_or_default())
        })
}

/// Whether the focused node is inside the dialog named `title`.
fn focus_inside(
    h: &egui_kittest::Harness<'static, okta_statsig_teams::ui::App>,
    title: &str,
) -> bool {
    let dialog = h.get_by_role_and_label(Role::Dialog, title);
    dialog
        .accesskit_node()
        .children()
        .any(|c| c.is_focused() || has_focused(&c))
}

fn has_focused(n: &AccessKitNode<'_>) -> bool {
    n.children().any(|c| c.is_focused() || has_focused(&c))
}

/// Whether the tab list named `name` is hidden from screen readers (it or what holds it).
fn out_of_reach(
    h: &egui_kittest::Harness<'static, okta_statsig_teams::ui::App>,
    name: &str,
) -> bool {
    let tabs = h.get_by_role_and_label(Role::TabList, name);
    std::iter::successors(Some(tabs.accesskit_node()), |n| n.parent()).any(|n| n.is_hidden())
}

#[test]
fn every_dialog_is_named_by_its_title_modal_and_takes_focus() {
    let mut f = fixture_with(linked(
        "Fraud Squad",
        "Statsig-Checkout-Fraud Detection-Member",
    ));
    let h = &mut f.harness;
    let titles = [
        ("Push Groups", "Push Groups"),
        ("New mapping group", "New mapping group"),
        ("Members", "Members of Fraud Squad"),
        ("Unlink", "Unlink pushed group"),
        ("Confirm removals", "Confirm removals"),
        ("Settings", "Settings"),
        ("Reset demo data", "Reset demo data?"),
        ("Push by rule", "Push by rule"),
        ("Help, shortcuts", "Help"),
        ("Help, walkthrough", "Help"),
        ("Help, about", "Help"),
        ("Connect", "Connect to your org"),
        ("New profile", "New profile"),
        ("Explain", "Explain"),
    ];
    let mut wrong = Vec::new();
    assert!(!out_of_reach(h, "Views"));
    for (name, open) in every_dialog(h) {
        let title = titles.iter().find(|t| t.0 == name).map(|t| t.1).unwrap();
        h.state_mut()
            .perform(okta_statsig_teams::ui::Action::Open(open));
        settle(h);
        match h.query_by_role_and_label(Role::Dialog, title) {
            None => wrong.push(format!("{name}: no dialog named {title:?}")),
            Some(d) => {
                if !d.accesskit_node().is_modal() {
                    wrong.push(format!("{name}: not modal"));
                }
                if !focus_inside(h, title) {
                    wrong.push(format!("{name}: focus is on {:?}", focused(h)));
                }
                if !out_of_reach(h, "Views") {
                    wrong.push(format!("{name}: the tabs behind it are in reach"));
                }
            }
        }
        h.key_press(egui::Key::Escape);
        settle(h);
        pass_shield(h);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(
        !out_of_reach(h, "Views"),
        "in reach again once the dialogs are closed"
    );
}

#[test]
fn focus_goes_back_to_what_opened_a_dialog() {
    let mut f = fixture();
    let h = &mut f.harness;
    h.get_by_role_and_label(Role::Tab, "Okta groups")
        .click_accesskit();
    settle(h);
    h.get_by_label("Push groups…").click_accesskit();
    settle(h);
    assert!(h.state().has_dialog());
    assert!(
        focus_inside(h, "Push Groups"),
        "focus is on {:?}",
        focused(h)
    );
    h.key_press(egui::Key::Escape);
    settle(h);
    assert!(!h.state().has_dialog());
    assert_eq!(focused(h).as_deref(), Some("Button Push groups…"));
}

/// What is wrong for screen readers in the tree shown now: a focusable node with no name,
/// a plain label that offers an action, a description that repeats the name.
fn faults(
    h: &egui_kittest::Harness<'static, okta_statsig_teams::ui::App>,
    where_: &str,
) -> Vec<String> {
    use egui::accesskit::Action;
    let mut out = Vec::new();
    for n in h.root().children_recursive() {
        let a = n.accesskit_node();
        if a.is_hidden() {
            continue;
        }
        let name = a.label().unwrap_or_default();
        let data = a.data();
        if data.supports_action(Action::Focus) && name.trim().is_empty() {
            out.push(format!(
                "{where_}: unnamed focusable {:?} at {:?}",
                a.role(),
                a.raw_bounds()
            ));
        }
        if a.role() == Role::Label && data.supports_action(Action::Click) {
            out.push(format!("{where_}: label {:?} offers a click", a.value()));
        }
        if !name.is_empty() && data.description() == Some(name.as_str()) {
            out.push(format!("{where_}: {name:?} is described by its name"));
        }
    }
    out
}

#[test]
fn no_view_or_dialog_has_an_unnamed_focusable_node_or_a_clickable_label() {
    let mut f = fixture_with(linked(
        "Fraud Squad",
        "Statsig-Checkout-Fraud Detection-Member",
    ));
    let h = &mut f.harness;
    let mut found = Vec::new();
    h.get_by_role_and_label(Role::ListBox, "Project list")
        .get_by(|n| {
            n.role() == Role::ListBoxOption
                && n.label().is_some_and(|l| l.starts_with("Checkout  ("))
        })
        .click_accesskit();
    settle(h);
    h.get_by_role_and_label(Role::ListBoxOption, "Fraud Detection  (7)  · pushed")
        .click_accesskit();
    settle(h);
    select_mapping(h, "Fraud Squad");
    for tab in [
        "Teams",
        "Okta groups",
        "Pushed groups",
        "Verify",
        "Health (7)",
        "Activity",
    ] {
        h.get_by_role_and_label(Role::Tab, tab).click_accesskit();
        settle(h);
        found.extend(faults(h, tab));
    }
    for (name, open) in every_dialog(h) {
        h.state_mut()
            .perform(okta_statsig_teams::ui::Action::Open(open));
        settle(h);
        found.extend(faults(h, name));
        h.key_press(egui::Key::Escape);
        settle(h);
        pass_shield(h);
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_window_menus_search_fields_combo_boxes_and_status_line_say_what_they_are() {
    let mut f = fixture_with(linked(
        "Fraud Squad",
        "Statsig-Checkout-Fraud Detection-Member",
    ));
    let h = &mut f.harness;
    assert_eq!(
        h.root().accesskit_node().label().as_deref(),
        Some(okta_statsig_teams::ui::TITLE)
    );
    // The menu bar and its menus.
    let bar = h.get_by_role(Role::MenuBar);
    let menus: Vec<String> = bar
        .get_all_by_role(Role::MenuItem)
        .filter_map(|m| m.accesskit_node().label())
        .collect();
    assert_eq!(menus, ["File", "View", "Help"]);
    h.get_by_role_and_label(Role::MenuItem, "Help").click();
    settle(h);
    let menu = h.get_by_role(Role::Menu);
    assert!(
        menu.query_by_role_and_label(Role::MenuItem, "Keyboard shortcuts")
            .is_some()
    );
    h.key_press(egui::Key::Escape);
    settle(h);
    // A search field keeps its name once something is typed in it.
    type_into(h, "Search projects", "Check");
    let field = h.get_by_role_and_label(Role::TextInput, "Search projects");
    assert_eq!(field.accesskit_node().value().as_deref(), Some("Check"));
    // The Verify tab's mapping: a named combo box with its value.
    click(h, "Verify");
    select_mapping(h, "Fraud Squad");
    let combo = h.get_by_role_and_label(Role::ComboBox, "Mapping:");
    assert_eq!(
        combo.accesskit_node().value().as_deref(),
        Some("Fraud Squad -> Statsig-Checkout-Fraud Detection-Member")
    );
    // The status line: a polite live region.
    let line = h.get_by(|n| n.role() == Role::Label && n.live() != egui::accesskit::Live::Off);
    assert_eq!(line.accesskit_node().live(), egui::accesskit::Live::Polite);
    assert!(
        line.accesskit_node()
            .value()
            .is_some_and(|v| v.starts_with("Connected to"))
    );
    // An error is said at once: an assertive live region.
    let before = h.state().messages().count();
    h.state_mut().perform(okta_statsig_teams::ui::Action::Send(
        okta_statsig_teams::engine::runner::Command::Push {
            mapping_id: "no-such-mapping".into(),
            allowed_removals: 0,
        },
    ));
    wait(h, "the push to fail", |a| {
        a.is_idle() && a.messages().count() > before
    });
    settle(h);
    let line = h.get_by(|n| n.role() == Role::Label && n.live() != egui::accesskit::Live::Off);
    assert_eq!(
        line.accesskit_node().live(),
        egui::accesskit::Live::Assertive
    );
}

#[test]
fn tab_passes_over_resize_handles() {
    let mut f = fixture_with(linked(
        "Fraud Squad",
        "Statsig-Checkout-Fraud Detection-Member",
    ));
    let h = &mut f.harness;
    h.get_by_role_and_label(Role::ListBox, "Project list")
        .get_by(|n| {
            n.role() == Role::ListBoxOption
                && n.label().is_some_and(|l| l.starts_with("Checkout  ("))
        })
        .click_accesskit();
    settle(h);
    h.get_by_role_and_label(Role::ListBoxOption, "Fraud Detection  (7)  · pushed")
        .click_accesskit();
    settle(h);
    // The Teams view has a resizable panel and tables with resizable columns.
    let mut seen = Vec::new();
    for _ in 0..60 {
        h.key_press(egui::Key::Tab);
        h.step();
        h.step();
        if let Some(f) = focused(h) {
            seen.push(f);
        }
    }
    assert!(
        seen.iter().any(|f| f == "Button Export CSV…"),
        "Tab reaches the view: {seen:?}"
    );
    assert!(
        !seen
            .iter()
            .any(|f| f.starts_with("Splitter") || f.starts_with("Unknown")),
        "Tab stopped on a resize handle: {seen:?}"
    );
}

#[test]
fn tab_follows_the_screen_top_bar_tabs_projects_view_status_bar() {
    let mut f = fixture();
    let h = &mut f.harness;
    h.get_by_role_and_label(Role::Tab, "Okta groups")
        .click_accesskit();
    settle(h);
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..60 {
        h.key_press(egui::Key::Tab);
        h.step();
        h.step();
        if let Some(f) = focused(h)
            && !seen.contains(&f)
        {
            seen.push(f);
        }
    }
    let at = |what: &str| {
        seen.iter()
            .position(|f| f == what)
            .unwrap_or_else(|| panic!("Tab reaches {what}: {seen:?}"))
    };
    assert_eq!(at("MenuItem File"), 0, "{seen:?}");
    let order = [
        at("Button Refresh"),
        at("Tab Teams"),
        at("Tab Activity"),
        at("TextInput Search projects"),
        at("ListBoxOption Checkout  (3 teams)"),
        at("Button Push groups…"),
        at("TextInput Search Okta groups"),
        at("CheckBox Watch for changes"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
}

#[test]
fn the_push_and_rule_dialogs_lists_are_list_boxes_whose_items_select_by_the_action() {
    let mut f = fixture();
    let h = &mut f.harness;
    h.get_by_role_and_label(Role::Tab, "Okta groups")
        .click_accesskit();
    settle(h);
    h.get_by_label("Push groups…").click_accesskit();
    settle(h);
    let listed = {
        let d = h.state().directory();
        d.okta_groups.len() - d.app.groups.len()
    };
    let list = h.get_by_role_and_label(Role::ListBox, "Okta group list");
    assert_eq!(list.accesskit_node().data().row_count(), Some(listed));
    type_into(h, "Find Okta group", "Fraud");
    let item = h
        .get_by_role_and_label(Role::ListBox, "Okta group list")
        .get_by(|n| {
            n.role() == Role::ListBoxOption
                && n.label().is_some_and(|l| l.starts_with("Fraud Squad ("))
        });
    assert_eq!(item.accesskit_node().is_selected(), Some(false));
    item.click_accesskit();
    settle(h);
    let item = h
        .get_by_role_and_label(Role::ListBox, "Okta group list")
        .get_by(|n| {
            n.role() == Role::ListBoxOption
                && n.label().is_some_and(|l| l.starts_with("Fraud Squad ("))
        });
    assert_eq!(item.accesskit_node().is_selected(), Some(true));
    assert!(
        h.query_by_role_and_label(Role::ListBox, "Team group list")
            .is_some()
    );
    h.key_press(egui::Key::Escape);
    settle(h);
    pass_shield(h);
    // Push by rule: the saved rules and the new one are a list box.
    h.state_mut().perform(okta_statsig_teams::ui::Action::Open(
        okta_statsig_teams::ui::action::Open::Rules,
    ));
    settle(h);
    let rules = h.get_by_role_and_label(Role::ListBox, "Rules");
    let new = rules.get_by_role_and_label(Role::ListBoxOption, "New rule…");
    assert_eq!(new.accesskit_node().is_selected(), Some(true));
}

#[test]
fn a_table_is_one_tab_stop_on_its_selected_row_and_the_arrows_move_it() {
    let mut f = fixture();
    let h = &mut f.harness;
    h.get_by_role_and_label(Role::Tab, "Okta groups")
        .click_accesskit();
    settle(h);
    // Tab reaches the table once: on its first row while none is selected.
    let mut rows = 0;
    let mut seen = Vec::new();
    for _ in 0..40 {
        h.key_press(egui::Key::Tab);
        h.step();
        h.step();
        let f = focused(h).unwrap_or_default();
        if f.starts_with("Row") {
            rows += 1;
            break;
        }
        seen.push(f);
    }
    assert_eq!(rows, 1, "Tab reaches the table's row: {seen:?}");
    let groups: Vec<String> = {
        let d = h.state().directory();
        d.okta_groups
            .iter()
            .filter(|g| d.app.group(&g.id).is_none())
            .map(|g| g.id.clone())
            .collect()
    };
    // The arrows move the selection; focus stays on the table, on the selected row.
    h.key_press(egui::Key::ArrowDown);
    settle(h);
    assert_eq!(h.state().selected_okta_group(), Some(groups[0].as_str()));
    h.key_press(egui::Key::ArrowDown);
    settle(h);
    assert_eq!(h.state().selected_okta_group(), Some(groups[1].as_str()));
    let row = h
        .root()
        .children_recursive()
        .find(|n| n.accesskit_node().is_focused())
        .expect("something has focus");
    assert_eq!(row.accesskit_node().role(), Role::Row);
    assert_eq!(row.accesskit_node().is_selected(), Some(true));
    // Enter on it opens Push Groups for the group.
    h.key_press(egui::Key::Enter);
    settle(h);
    assert!(
        h.query_by_role_and_label(Role::Dialog, "Push Groups")
            .is_some()
    );
}

#[test]
fn explain_opened_from_healths_search_gives_back_focus_and_the_background() {
    let mut f = fixture();
    let h = &mut f.harness;
    click_containing(h, "Health (");
    for round in 1..=3 {
        replace_text(h, "Explain a person:", "Gita Fernandes");
        h.key_press(egui::Key::Enter);
        settle(h);
        assert!(h.state().has_dialog(), "Enter opens Explain ({round})");
        h.key_press(egui::Key::Escape);
        settle(h);
        assert!(!h.state().has_dialog(), "Escape closes Explain ({round})");
        pass_shield(h);
        // Focus is back on the search that opened it, and nothing of the background is
        // hidden from screen readers any more.
        let field = h.get_by_role_and_label(Role::TextInput, "Explain a person:");
        assert!(field.is_focused(), "focus is back on the search ({round})");
        let hidden: Vec<String> = h
            .root()
            .children_recursive()
            .filter(|n| n.accesskit_node().is_hidden())
            .filter_map(|n| n.accesskit_node().label().or(n.accesskit_node().value()))
            .collect();
        assert!(
            !hidden.iter().any(|t| t.starts_with("Explain a person")),
            "the background is back ({round}): {hidden:?}"
        );
    }
}

#[test]
fn no_node_id_stands_for_two_kinds_of_control_across_the_tabs() {
    // Screen readers keep what they learnt of a node id (its role, whether it can be typed
    // into): an id reused by another kind of control reads as an unknown object.
    let mut f = fixture();
    let h = &mut f.harness;
    let mut seen: std::collections::HashMap<_, (Role, String)> = std::collections::HashMap::new();
    let mut clashes = Vec::new();
    for tab in [
        "Teams",
        "Okta groups",
        "Pushed groups",
        "Verify",
        "Activity",
        "Health",
    ] {
        h.get_by(|n| n.role() == Role::Tab && n.label().is_some_and(|l| l.starts_with(tab)))
            .click_accesskit();
        settle(h);
        for n in h.root().children_recursive() {
            let a = n.accesskit_node();
            let what = (a.role(), a.label().unwrap_or_default());
            if !matches!(a.role(), Role::Button | Role::TextInput | Role::CheckBox) {
                continue;
            }
            if let Some(before) = seen.insert(a.id(), what.clone())
                && before.0 != what.0
            {
                clashes.push(format!("{tab}: {what:?} was {before:?}"));
            }
        }
    }
    assert!(clashes.is_empty(), "{}", clashes.join("\n"));
}

/// The dialogs that open from a file or a plan (Compare, then Restore from it) are named,
/// modal and take focus as the others do, and have no unnamed focusable node: the plan's
/// tick boxes are named by their row.
#[test]
fn compare_and_restore_are_named_modal_dialogs_with_focus_inside_and_no_unnamed_control() {
    use okta_statsig_teams::engine::backend::Unlink;
    use okta_statsig_teams::engine::runner::Command;
    use okta_statsig_teams::ui::Action;
    let mut f = fixture_with(linked(
        "Fraud Squad",
        "Statsig-Checkout-Fraud Detection-Member",
    ));
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("before.json");
    let h = &mut f.harness;
    h.state_mut().perform(Action::Send(Command::ExportSnapshot {
        path: file.clone(),
        redact: false,
    }));
    wait(h, "the snapshot", |a| a.is_idle() && file.exists());
    // Unlinked since (Leave): the restore has one row to put back.
    let mapping_id = mapping_id(h, "Fraud Squad");
    h.state_mut().perform(Action::Send(Command::Unlink {
        mapping_id,
        how: Unlink::Leave,
        confirmation: String::new(),
    }));
    wait(h, "the unlink", |a| a.is_idle() && a.mappings().is_empty());
    h.state_mut()
        .perform(Action::Send(Command::Compare { path: file.clone() }));
    wait_for_label(h, "Restore…");
    let mut wrong = Vec::new();
    for title in ["Compare", "Restore"] {
        if title == "Restore" {
            click(h, "Restore…");
            wait_for_label(h, "Apply 1 change");
            wait(h, "the plan", |a| a.is_idle());
        }
        match h.query_by_role_and_label(Role::Dialog, title) {
            None => wrong.push(format!("no dialog named {title:?}")),
            Some(d) if !d.accesskit_node().is_modal() => wrong.push(format!("{title}: not modal")),
            Some(_) => {}
        }
        if !focus_inside(h, title) {
            wrong.push(format!("{title}: focus is on {:?}", focused(h)));
        }
        if !out_of_reach(h, "Views") {
            wrong.push(format!("{title}: the tabs behind it are in reach"));
        }
        wrong.extend(faults(h, title));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Health's findings are a list whose count is the whole list's, though only the findings
/// in view are drawn, and each item says its place in it.
#[test]
fn healths_findings_list_counts_every_finding_though_only_those_in_view_are_drawn() {
    let mut f = fixture_with(Setup {
        mode: okta_statsig_teams::engine::connection::PushModeChoice::Auto,
        ..Setup::default()
    });
    let h = &mut f.harness;
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    click_containing(h, "Health (");
    let list = h.get_by_role_and_label(Role::List, "Findings");
    let total = list
        .accesskit_node()
        .data()
        .size_of_set()
        .expect("the list says its count");
    let drawn: Vec<(Option<usize>, Option<usize>)> = list
        .get_all_by_role(Role::ListItem)
        .map(|i| {
            let d = i.accesskit_node();
            (d.data().position_in_set(), d.data().size_of_set())
        })
        .collect();
    assert!(
        !drawn.is_empty() && drawn.len() < total,
        "{} drawn of {total}",
        drawn.len()
    );
    assert_eq!(
        drawn[0].0,
        Some(1),
        "the first item is the first of the list"
    );
    assert!(drawn.iter().all(|(_, size)| *size == Some(total)));
}
