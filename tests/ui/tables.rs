//! Tables at 1024x700: columns give way by priority, the most telling text of a row stays
//! whole and in its column, and a cut name shows whole on hover.

use crate::support::*;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::engine::connection::PushModeChoice;

type H = egui_kittest::Harness<'static, okta_statsig_teams::ui::App>;

/// A text drawn in a table: its column, its words, where it is, and whether it is cut
/// short (narrower than its words).
#[derive(Debug)]
struct Cell {
    column: usize,
    text: String,
    rect: egui::Rect,
    short: bool,
}

/// The dialog a node is drawn on (empty: the window).
fn surface(n: &egui_kittest::Node<'_>) -> String {
    let mut p = n.accesskit_node().parent();
    while let Some(a) = p {
        if a.role() == Role::Dialog {
            return format!("{:?}", a.id());
        }
        p = a.parent();
    }
    String::new()
}

/// The header's rectangle of each of `headers` (the top-most text reading it, on a dialog
/// first), and the surface the table is drawn on.
fn header_rects(h: &H, headers: &[&str]) -> (Vec<egui::Rect>, String) {
    let mut on = String::new();
    let rects = headers
        .iter()
        .map(|t| {
            let n = h
                .root()
                .children_recursive()
                .filter(|n| {
                    let a = n.accesskit_node();
                    a.role() == Role::Label && a.value().as_deref() == Some(*t)
                })
                // A dialog's table before the window's behind it.
                .min_by_key(|n| (surface(n).is_empty(), n.rect().top() as i32))
                .unwrap_or_else(|| panic!("the header {t} shows"));
            on = surface(&n);
            n.rect()
        })
        .collect();
    (rects, on)
}

/// The texts of the table whose headers are `headers`, its right edge at `right`.
fn cells(h: &H, headers: &[&str], right: f32) -> (Vec<egui::Rect>, Vec<Cell>) {
    let (heads, on) = header_rects(h, headers);
    let top = heads[0].bottom();
    let left = heads[0].left() - 4.0;
    let cells = h
        .root()
        .children_recursive()
        .filter_map(|n| {
            let a = n.accesskit_node();
            if a.role() != Role::Label || surface(&n) != on {
                return None;
            }
            let rect = n.rect();
            if rect.top() < top || rect.left() < left || rect.left() >= right || rect.top() > 640.0
            {
                return None;
            }
            let column = heads
                .iter()
                .rposition(|hd| hd.left() <= rect.left() + 2.0)?;
            let text = a.value().unwrap_or_default();
            let body = egui::TextStyle::Body.resolve(&h.ctx.global_style());
            let width = h.ctx.fonts_mut(|f| {
                f.layout_no_wrap(text.clone(), body, egui::Color32::WHITE)
                    .size()
                    .x
            });
            Some(Cell {
                column,
                short: rect.width() + 0.5 < width,
                text,
                rect,
            })
        })
        .collect();
    (heads, cells)
}

/// What is wrong with the table: a text past its column's edge, or a text of one of the
/// `whole` columns cut short.
fn cut(h: &H, headers: &[&str], right: f32, whole: &[usize]) -> Vec<String> {
    let (heads, cells) = cells(h, headers, right);
    assert!(!cells.is_empty(), "the table under {headers:?} has rows");
    let mut found = Vec::new();
    for c in &cells {
        let edge = heads.get(c.column + 1).map_or(right, |n| n.left());
        if c.rect.right() > edge + 1.0 {
            found.push(format!(
                "{:?} in {} runs past its column's edge at {edge}: {:?}",
                c.text, headers[c.column], c.rect
            ));
        }
        if whole.contains(&c.column) && c.short {
            found.push(format!(
                "{:?} in {} is cut short",
                c.text, headers[c.column]
            ));
        }
    }
    found
}

/// Hovers the text `text` until a tooltip says `full`.
fn hover_says(h: &mut H, text: &str, full: &str) -> bool {
    let before = h.query_all_by_label(full).count();
    h.get_by_label(text).hover();
    for _ in 0..90 {
        h.step();
        if h.query_all_by_label(full).count() > before {
            return true;
        }
    }
    false
}

#[test]
fn every_table_keeps_its_telling_text_whole_at_1024_by_700() {
    let mut f = fixture_with(Setup {
        size: SMALL,
        mode: PushModeChoice::Auto,
        ..Setup::default()
    });
    let h = &mut f.harness;
    wait_for_label(h, "Okta push via \"Statsig SCIM\"");
    dismiss_messages(h);
    let mut found = Vec::new();

    // Pushed groups: status, Okta group and last push whole; the Statsig group gives way.
    click_containing(h, "Pushed groups");
    click(h, "Check now");
    wait(h, "the check", |a| a.is_idle());
    dismiss_messages(h);
    let detail = h.get_by_label("Push now").rect().left();
    let pushed = ["Status", "Okta group", "Statsig group", "Last push"];
    found.extend(cut(h, &pushed, detail - 4.0, &[0, 1, 3]));
    assert!(
        found.is_empty(),
        "Pushed groups at 1024x700:\n{}",
        found.join("\n")
    );
    // A cut Statsig group keeps its telling part, and shows whole on hover.
    let (_, rows) = cells(h, &pushed, detail - 4.0);
    let growth = rows
        .iter()
        .find(|c| c.column == 2 && c.text.contains("Growth Lab"))
        .expect("Growth Lab's target shows");
    let full = "Statsig-Growth Lab-Experiments-Member";
    if growth.text != full || growth.short {
        assert!(
            growth.text.starts_with("Growth Lab-"),
            "the team's part shows first: {:?}",
            growth.text
        );
        let text = growth.text.clone();
        assert!(hover_says(h, &text, full), "the whole name shows on hover");
    }

    // Okta groups: the group's name and its members' count whole.
    click(h, "Okta groups");
    let groups = ["Group", "Members", "Pushed to"];
    let right = h
        .query_by_label("Select a group to see its members and where it is pushed.")
        .map_or(1024.0, |n| n.rect().left() - 4.0);
    found.extend(cut(h, &groups, right, &[0, 1]));
    assert!(
        found.is_empty(),
        "Okta groups at 1024x700:\n{}",
        found.join("\n")
    );

    // The rule preview: the Okta group, the counts and the status whole.
    click_containing(h, "Pushed groups");
    click(h, "Push by rule…");
    h.get_by_label("Okta group names").click();
    settle(h);
    click(h, "contains");
    type_into(h, "Text or pattern", "e");
    let preview = [
        "Okta group",
        "Pushed to",
        "Adds",
        "Removes",
        "Cannot push",
        "Status",
    ];
    let right = h.get_by_label("Text or pattern").rect().right();
    found.extend(cut(h, &preview, right, &[0, 2, 3, 4, 5]));
    assert!(
        found.is_empty(),
        "the rule preview at 1024x700:\n{}",
        found.join("\n")
    );
    assert!(overlaps(h).is_empty(), "{:?}", overlaps(h));
}
