//! What screen readers see: the roles and states egui does not give on its own, set on
//! the AccessKit nodes of what the views draw. Every table, list, tab strip and dialog
//! goes through here, so a new view gets the same structure by using it.
//!
//! - [`table`] wraps an `egui_extras` table in a node with the table role, its name and
//!   the row count of the whole list (virtualised tables draw only the rows in sight);
//!   [`header`] draws its column headers as one header row; [`Rows::row`] gathers each
//!   drawn row's cells under a row node (its index, `selected`, and the Click action,
//!   which selects it as a mouse click does).
//! - [`list`] and [`option`] are a list box of selectable items; [`tabs`] and [`tab`] a
//!   tab list.
//! - [`live`] makes a label a live region; [`name`] names a widget.

use egui::accesskit::{self, Role};
use egui::{Context, Id, Response, Ui, UiBuilder};

/// What cells of a selectable table sense: clicks, without each cell being a Tab stop of
/// its own (the arrow keys move the selection; the row takes the accessibility action).
pub const ROW_SENSE: egui::Sense = egui::Sense::CLICK;

/// Names the window (the root node) by its title.
pub fn name_window(ctx: &Context, title: &str) {
    ctx.accesskit_node_builder(egui::accesskit_root_id(), |n| n.set_label(title));
}

/// Draws `add` (an `egui_extras` table) inside a node with the table role, named `name`,
/// of `rows` rows in all (drawn or not) and `columns` columns.
pub fn table<R>(
    ui: &mut Ui,
    name: &str,
    rows: usize,
    columns: usize,
    add: impl FnOnce(&mut Ui) -> R,
) -> R {
    let builder = UiBuilder::new()
        .accessibility_role(Role::Table)
        .accessibility_label(name);
    ui.scope_builder(builder, |ui| {
        ui.ctx().accesskit_node_builder(ui.unique_id(), |n| {
            n.set_row_count(rows);
            n.set_column_count(columns);
        });
        add(ui)
    })
    .inner
}

/// A table's header row: one column header per title.
pub fn header(row: &mut egui_extras::TableRow<'_, '_>, titles: &[&str]) {
    let mut found = None;
    let mut cells = Vec::with_capacity(titles.len());
    for (i, t) in titles.iter().enumerate() {
        row.col(|ui| {
            ui.strong(*t);
            let id = ui.unique_id();
            ui.ctx().accesskit_node_builder(id, |n| {
                n.set_role(Role::ColumnHeader);
                n.set_label(*t);
                n.set_column_index(i);
            });
            cells.push(id);
            if let Some(parent) = &ui.stack().parent {
                found = Some((ui.ctx().clone(), parent.unique_id));
            }
        });
    }
    if let (Some((ctx, parent)), Some(first)) = (found, cells.first()) {
        let row_id = first.with("a11y-header-row");
        gather(&ctx, parent, row_id, &cells, |n| {
            n.set_role(Role::Row);
            n.set_row_index(0);
        });
    }
}

/// The rows of one table body, as screen readers see them.
pub struct Rows {
    ctx: Context,
    /// The body's scope, where `egui_extras` places each cell.
    body: Id,
    columns: usize,
    selectable: bool,
}

impl Rows {
    /// The rows of `body`, each of `columns` cells; `selectable` when a row can be
    /// selected (then each row says whether it is, and takes the Click action).
    pub fn new(body: &mut egui_extras::TableBody<'_>, columns: usize, selectable: bool) -> Self {
        let ui = body.ui_mut();
        Rows {
            ctx: ui.ctx().clone(),
            body: ui.scope_id(),
            columns,
            selectable,
        }
    }

    /// After the cells of the row at `index` are drawn: gathers them under a row node.
    /// True when a screen reader asked to select the row (its Click action, or a
    /// cell's), which the caller treats as a click.
    pub fn row(&self, index: usize, selected: bool) -> bool {
        // Where `egui_extras` puts the cell in column `c` of this row.
        let cells: Vec<Id> = (0..self.columns)
            .map(|c| self.body.with(egui::IdSalt::new((index, c))))
            .filter(|id| self.ctx.has_accesskit_node(*id))
            .collect();
        let row_id = self.body.with(("a11y-row", index));
        let selectable = self.selectable;
        gather(&self.ctx, self.body, row_id, &cells, |n| {
            n.set_role(Role::Row);
            // The header is row 0.
            n.set_row_index(index + 1);
            if selectable {
                n.set_selected(selected);
                n.add_action(accesskit::Action::Click);
            }
        });
        for (c, id) in cells.iter().enumerate() {
            self.ctx.accesskit_node_builder(*id, |n| {
                n.set_role(Role::Cell);
                n.set_column_index(c);
                n.set_row_index(index + 1);
            });
        }
        selectable
            && self.ctx.input(|i| {
                std::iter::once(&row_id)
                    .chain(&cells)
                    .any(|id| i.has_accesskit_action_request(*id, accesskit::Action::Click))
            })
    }
}

/// Makes the node `row_id` (set up by `setup`) the parent of `cells`, in their place
/// among the children of `parent` (where egui put them).
fn gather(
    ctx: &Context,
    parent: Id,
    row_id: Id,
    cells: &[Id],
    setup: impl FnOnce(&mut accesskit::Node),
) {
    let kids: Vec<accesskit::NodeId> = cells.iter().map(|c| c.accesskit_id()).collect();
    let mut bounds: Option<accesskit::Rect> = None;
    for c in cells {
        if let Some(Some(b)) = ctx.accesskit_node_builder(*c, |n| n.bounds()) {
            bounds = Some(bounds.map_or(b, |a| a.union(b)));
        }
    }
    // A node made here hangs from the root; it moves to where its cells were.
    let made = ctx.accesskit_node_builder(row_id, |n| {
        setup(n);
        n.set_children(kids.clone());
        if let Some(b) = bounds {
            n.set_bounds(b);
        }
    });
    if made.is_none() {
        return;
    }
    let row = row_id.accesskit_id();
    ctx.accesskit_node_builder(egui::accesskit_root_id(), |n| {
        let rest: Vec<_> = n.children().iter().copied().filter(|c| *c != row).collect();
        n.set_children(rest);
    });
    ctx.accesskit_node_builder(parent, |n| {
        let mut rest: Vec<_> = n
            .children()
            .iter()
            .copied()
            .filter(|c| !kids.contains(c))
            .collect();
        rest.push(row);
        n.set_children(rest);
    });
}

/// A list box named `name`, drawn by `add`: its items are [`option`]s.
pub fn list<R>(ui: &mut Ui, name: &str, add: impl FnOnce(&mut Ui) -> R) -> R {
    let builder = UiBuilder::new()
        .accessibility_role(Role::ListBox)
        .accessibility_label(name);
    ui.scope_builder(builder, add).inner
}

/// Makes `r` (a selectable label) an item of a list box, selected or not.
pub fn option(r: &Response, selected: bool) {
    r.ctx.accesskit_node_builder(r.id, |n| {
        n.set_role(Role::ListBoxOption);
        n.clear_toggled();
        n.set_selected(selected);
    });
}

/// A tab list named `name`, drawn by `add` in a row: its items are [`tab`]s.
pub fn tabs<R>(ui: &mut Ui, name: &str, add: impl FnOnce(&mut Ui) -> R) -> R {
    let builder = UiBuilder::new()
        .layout(egui::Layout::left_to_right(egui::Align::Center))
        .accessibility_role(Role::TabList)
        .accessibility_label(name);
    ui.scope_builder(builder, add).inner
}

/// Makes `r` (a selectable label) a tab, selected or not.
pub fn tab(r: &Response, selected: bool) {
    r.ctx.accesskit_node_builder(r.id, |n| {
        n.set_role(Role::Tab);
        n.clear_toggled();
        n.set_selected(selected);
    });
}

/// Makes `r` (a label) a live region: polite for news, assertive for errors.
pub fn live(r: &Response, assertive: bool) {
    r.ctx.accesskit_node_builder(r.id, |n| {
        n.set_live(if assertive {
            accesskit::Live::Assertive
        } else {
            accesskit::Live::Polite
        });
    });
}

/// Names `r` (a field whose only words are its placeholder, which goes once it holds
/// text).
pub fn name(r: &Response, name: &str) {
    r.ctx.accesskit_node_builder(r.id, |n| n.set_label(name));
}
