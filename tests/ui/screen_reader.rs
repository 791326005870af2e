//! The app as a screen reader on Linux reaches it, frame by frame (see `reader`): after
//! each dialog closes, however it closes, the whole window is there again, with no
//! object the screen reader is shown but cannot use.

use crate::reader::Reader;
use crate::support::{Setup, fixture, fixture_with};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::ui::App;

/// Steps (with the reader) until `done` holds.
fn step_until(
    h: &mut Harness<'static, App>,
    r: &mut Reader,
    what: &str,
    done: impl Fn(&App) -> bool,
) {
    let start = std::time::Instant::now();
    while !done(h.state()) {
        assert!(
            start.elapsed().as_secs() < 30,
            "timed out waiting for {what}"
        );
        r.step(h, 1);
        std::thread::sleep(std::time::Duration::from_millis(15));
    }
    r.step(h, 3);
}

/// The main window as a screen reader walks it: its tabs and the project list, by name.
fn assert_window_whole(r: &Reader, when: &str) {
    let faults = r.faults();
    assert!(faults.is_empty(), "{when}: {}", faults.join("\n"));
    let tabs = r.reached(Role::TabList, "Views");
    assert!(
        tabs.iter().any(|t| t.starts_with("Teams")) && tabs.iter().any(|t| t.starts_with("Health")),
        "{when}: the tabs are reached: {tabs:?}"
    );
    let projects = r.reached(Role::ListBox, "Project list");
    assert!(
        projects.len() > 3,
        "{when}: the whole project list is reached: {projects:?}"
    );
}

#[test]
fn after_the_first_use_wizard_the_window_is_whole_to_a_screen_reader() {
    let mut f = fixture_with(Setup {
        offer_connect: true,
        ..Default::default()
    });
    let h = &mut f.harness;
    assert!(h.state().has_dialog(), "the wizard shows on a first start");
    let mut r = Reader::start(h);
    h.get_by_label("Use the demo instead").click_accesskit();
    step_until(h, &mut r, "the demo", |a| {
        !a.has_dialog() && a.has_data() && a.is_idle()
    });
    r.step(h, 30);
    assert_window_whole(&r, "after the wizard");
}

#[test]
fn after_explain_closes_by_escape_or_close_the_window_is_whole_to_a_screen_reader() {
    let mut f = fixture();
    let h = &mut f.harness;
    let mut r = Reader::start(h);
    h.get_by(|n| n.role() == Role::Tab && n.label().is_some_and(|l| l.starts_with("Health (")))
        .click_accesskit();
    r.step(h, 3);
    for (round, close) in ["Escape", "Close", "Escape"].into_iter().enumerate() {
        h.get_by_label("Explain a person:").focus();
        r.step(h, 1);
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        r.step(h, 1);
        h.get_by_label("Explain a person:")
            .type_text("Gita Fernandes");
        r.step(h, 2);
        h.key_press(egui::Key::Enter);
        step_until(h, &mut r, "Explain to open", App::has_dialog);
        if close == "Escape" {
            h.key_press(egui::Key::Escape);
        } else {
            h.get_by_label("Close").click_accesskit();
        }
        step_until(h, &mut r, "Explain to close", |a| !a.has_dialog());
        r.step(h, 30);
        let when = format!("after Explain closed by {close} ({})", round + 1);
        assert_window_whole(&r, &when);
        assert!(
            r.reached_field("Explain a person:"),
            "{when}: the Explain a person field is reached"
        );
    }
}

/// The items of the list named `name` in the open dialog: their names, and the size of
/// the set each says it is in.
fn list_items(h: &Harness<'static, App>, name: &str) -> (Vec<String>, Vec<Option<usize>>) {
    let list = h.get_by_role_and_label(Role::List, name);
    let items: Vec<_> = list
        .accesskit_node()
        .children()
        .filter(|n| n.role() == Role::ListItem)
        .collect();
    (
        items.iter().filter_map(|n| n.label()).collect(),
        items.iter().map(|n| n.data().size_of_set()).collect(),
    )
}

#[test]
fn push_groups_preview_lists_who_is_added_and_removed_as_lists_of_items() {
    let mut f = fixture();
    let h = &mut f.harness;
    crate::support::click(h, "Okta groups");
    h.get_by_label("Push groups…").click_accesskit();
    crate::support::settle(h);
    // An Okta group pushed onto a team it has nobody in common with.
    crate::support::type_into(h, "Find Okta group", "Okta Test");
    crate::support::click_containing(h, "Okta Test Team (");
    crate::support::type_into(h, "Find team group", "Checkout-Payments");
    crate::support::click(h, "Statsig-Checkout-Payments-Member");
    crate::support::settle(h);
    let (adds, add_sizes) = list_items(h, "Added members");
    let (removes, remove_sizes) = list_items(h, "Removed members");
    assert!(
        !adds.is_empty() && !removes.is_empty(),
        "{adds:?} / {removes:?}"
    );
    assert!(adds.iter().all(|a| a.starts_with("+ ")), "{adds:?}");
    assert!(removes.iter().all(|r| r.starts_with("- ")), "{removes:?}");
    assert!(
        add_sizes.iter().all(|s| *s == Some(adds.len())),
        "{add_sizes:?}"
    );
    assert!(
        remove_sizes.iter().all(|s| *s == Some(removes.len())),
        "{remove_sizes:?}"
    );
    // The counts the pills show are the lists' own.
    assert!(
        h.query_by_label_contains(&format!("{} to add", adds.len()))
            .is_some(),
        "the pill counts the list of adds"
    );
    assert!(
        h.query_by_label_contains(&format!("{} to remove", removes.len()))
            .is_some(),
        "the pill counts the list of removals"
    );
}

/// What a screen reader reads of each node, depth first in the tree's order.
fn reading_order(h: &Harness<'static, App>) -> Vec<(Role, String)> {
    let mut out = Vec::new();
    let mut stack = vec![h.kittest_state().root()];
    while let Some(n) = stack.pop() {
        if n.is_hidden() {
            continue;
        }
        let text = n.label().or(n.value()).unwrap_or_default();
        out.push((n.role(), text));
        stack.extend(n.children().rev());
    }
    out
}

#[test]
fn pushed_groups_detail_comes_after_the_list_as_on_screen() {
    let mut f = fixture_with(crate::support::linked(
        "Payments Engineers",
        "Statsig-Checkout-Payments-Member",
    ));
    let h = &mut f.harness;
    crate::support::click_containing(h, "Pushed groups");
    let order = reading_order(h);
    let at = |what: &dyn Fn(&(Role, String)) -> bool| order.iter().position(what);
    let list = at(&|(r, t)| *r == Role::Table && t == "Mapping list").expect("the list");
    let detail = at(&|(_, t)| t.starts_with("Last push:")).expect("the detail");
    let search = at(&|(_, t)| t == "Search pushed groups").expect("the search");
    assert!(
        search < list && list < detail,
        "search {search}, list {list}, detail {detail}: {order:?}"
    );
    // Tab goes the same way: from the search into the list, then into the detail.
    h.get_by_label("Search pushed groups").focus();
    h.step();
    let mut met = Vec::new();
    for _ in 0..6 {
        h.key_press(egui::Key::Tab);
        crate::support::settle(h);
        let focused = h.kittest_state().root().tree_state.focus();
        let Some(n) = focused else { continue };
        let in_list = std::iter::successors(Some(n), |n| n.parent())
            .any(|a| a.role() == Role::Table && a.label().as_deref() == Some("Mapping list"));
        met.push((in_list, n.role(), n.label().unwrap_or_default()));
    }
    let row = met.iter().position(|m| m.0);
    let button = met.iter().position(|m| m.2 == "Push now");
    assert!(
        row.zip(button).is_some_and(|(r, b)| r < b),
        "Tab meets the list's row, then the detail's buttons: {met:?}"
    );
}

/// The wizard's description, and the step its list of steps marks as current.
fn wizard_step(h: &Harness<'static, App>) -> (String, Vec<String>) {
    let dialog = h.get_by_role_and_label(Role::Dialog, "Connect to your org");
    let description = dialog.accesskit_node().description().unwrap_or_default();
    let steps = h.get_by_role_and_label(Role::List, "Steps");
    let current = steps
        .accesskit_node()
        .children()
        .filter(|n| n.role() == Role::ListItem)
        .filter(|n| n.data().aria_current() == Some(egui::accesskit::AriaCurrent::Step))
        .filter_map(|n| n.label())
        .collect();
    (description, current)
}

#[test]
fn the_wizard_tells_screen_readers_its_current_step() {
    let mut f = fixture();
    let (okta_url, token) = (f.sandbox.okta_url.clone(), f.sandbox.okta_token.clone());
    let h = &mut f.harness;
    crate::support::click(h, "File");
    crate::support::click(h, "Connect…");
    assert_eq!(
        wizard_step(h),
        ("Step 1 of 3: Okta".to_string(), vec!["1. Okta".to_string()])
    );
    crate::support::type_into(h, "Okta org URL", &okta_url);
    crate::support::type_into(h, "Okta API token", token.expose());
    crate::support::click(h, "Test the Okta token");
    crate::support::wait_for_label(h, "Statsig SCIM");
    assert_eq!(
        wizard_step(h),
        (
            "Step 2 of 3: Statsig app".to_string(),
            vec!["2. Statsig app".to_string()]
        )
    );
    crate::support::click(h, "Next");
    assert_eq!(
        wizard_step(h),
        (
            "Step 3 of 3: Statsig".to_string(),
            vec!["3. Statsig".to_string()]
        )
    );
}

#[test]
fn a_menu_item_chosen_by_its_accessible_action_closes_the_menu() {
    let mut f = fixture();
    let h = &mut f.harness;
    let dark = h.state().is_dark();
    // View > the theme item: it does its work and the menu closes, as after a click.
    h.get_by_role_and_label(Role::MenuItem, "View")
        .click_accesskit();
    crate::support::settle(h);
    let item = if dark { "Light theme" } else { "Dark theme" };
    h.get_by_role_and_label(Role::MenuItem, item)
        .click_accesskit();
    crate::support::settle(h);
    assert_ne!(h.state().is_dark(), dark, "{item} did its work");
    assert!(
        h.query_by_label("Light theme").is_none() && h.query_by_label("Dark theme").is_none(),
        "the View menu closed"
    );
    // Help > Keyboard shortcuts: the dialog opens and the menu is gone behind it.
    h.get_by_role_and_label(Role::MenuItem, "Help")
        .click_accesskit();
    crate::support::settle(h);
    h.get_by_role_and_label(Role::MenuItem, "Keyboard shortcuts")
        .click_accesskit();
    crate::support::settle(h);
    assert!(h.state().has_dialog(), "Keyboard shortcuts opened Help");
    assert!(
        h.query_by_label("Open log folder").is_none(),
        "the Help menu closed"
    );
}
