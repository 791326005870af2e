//! What screen readers see: the roles and states egui does not give on its own, set on
//! the AccessKit nodes of what the views draw. Every table, list, tab strip and dialog
//! goes through here, so a new view gets the same structure by using it.
//!
//! - [`table`] wraps an `egui_extras` table in a node with the table role, its name and
//!   the row count of the whole list (virtualised tables draw only the rows in sight);
//!   [`header`] draws its column headers as one header row; [`Rows::row`] gathers each
//!   drawn row's cells under a row node (its index, `selected`, and the Click action,
//!   which selects it as a mouse click does).
//!   A selectable table is one Tab stop ([`Rows::stop`]), on its selected row.
//! - [`list`] and [`option`] are a list box of selectable items; [`items`] and [`item`]
//!   a list of text to read; [`tabs`] and [`tab`] a tab list; [`menu_bar`], [`menu`] and [`menu_items`] the menus.
//! - [`live`] makes a label a live region; [`name`] names a widget; [`hide`] hides what
//!   is behind a modal dialog.
//! - Focus: [`focus_ring`] rings the focused control, [`is_handle`] tells the resize
//!   handles Tab passes over, [`acted_on`] what opened a dialog, and [`keep`] / [`fill`]
//!   draw a panel later than it is laid out, so that Tab follows the screen; [`put_after`]
//!   makes screen readers meet such a panel where it is on screen.
//! - [`tidy`], after drawing: text offers no action, nameless column handles are hidden.

use egui::accesskit::{self, Role};
use egui::{Context, Id, Response, Ui, UiBuilder};

/// What cells of a selectable table sense: clicks, without each cell being a Tab stop of
/// its own (the arrow keys move the selection; the row takes the accessibility action).
pub const ROW_SENSE: egui::Sense = egui::Sense::CLICK;

/// Names the window (the root node) by its title.
pub fn name_window(ctx: &Context, title: &str) {
    ctx.accesskit_node_builder(egui::accesskit_root_id(), |n| n.set_label(title));
}

/// Whether `id` is a resize handle (a panel's edge, a column's border) or a scroll bar:
/// a thin strip that is dragged. Tab passes over them.
pub fn is_handle(ctx: &Context, id: Id) -> bool {
    ctx.viewport(|v| {
        v.this_pass.widgets.get(id).is_some_and(|w| {
            w.sense.senses_drag() && w.rect.width().min(w.rect.height()) <= HANDLE_WIDTH
        })
    })
}

/// The widest a handle [`is_handle`] knows is (egui's grab width, both sides of a line).
const HANDLE_WIDTH: f32 = 12.0;

/// Whether `id` is a table's Tab stop (see [`Rows::stop`]): the arrow keys move its
/// selection.
pub fn is_row_stop(ctx: &Context, id: Id) -> bool {
    ctx.data(|d| {
        d.get_temp::<Vec<(Id, Id)>>(Id::unique("a11y-row-stops"))
            .is_some_and(|s| s.iter().any(|(_, stop)| *stop == id))
    })
}

/// The Tab stop of a selectable table drawn in this pass, if one is.
pub fn drawn_row_stop(ctx: &Context) -> Option<Id> {
    let stops = ctx.data(|d| d.get_temp::<Vec<(Id, Id)>>(Id::unique("a11y-row-stops")))?;
    ctx.viewport(|v| {
        stops
            .iter()
            .map(|(_, stop)| *stop)
            .find(|stop| v.this_pass.widgets.contains(*stop))
    })
}

/// Draws a ring around the focused control (not a text field, which shows focus itself),
/// clearly visible in both themes, inside what clips it.
pub fn focus_ring(ctx: &Context) {
    let Some(id) = ctx.memory(|m| m.focused()) else {
        return;
    };
    let Some(r) = ctx.read_response(id) else {
        return;
    };
    if is_row_stop(ctx, id) {
        // Its row draws its own ring.
        return;
    }
    let text = ctx
        .accesskit_node_builder(id, |n| {
            matches!(
                n.role(),
                Role::TextInput
                    | Role::MultilineTextInput
                    | Role::PasswordInput
                    | Role::SearchInput
                    | Role::EmailInput
                    | Role::NumberInput
                    | Role::SpinButton
            )
        })
        .unwrap_or(false);
    let rect = r.interact_rect;
    if text || rect.width() < 1.0 || rect.height() < 1.0 {
        return;
    }
    let color = ctx.global_style().visuals.selection.stroke.color;
    let layer = egui::LayerId::new(egui::Order::Tooltip, Id::unique("focus-ring"));
    ctx.layer_painter(layer).rect_stroke(
        rect.expand(1.0),
        3.0,
        egui::Stroke::new(2.0, color),
        egui::StrokeKind::Outside,
    );
}

/// After drawing, what egui leaves untidy for screen readers: text offers no action (a
/// label takes clicks only so that its text can be selected with the pointer, which is
/// no action to announce), and a table column's resize handle, a nameless strip only a
/// pointer can drag, is left out (a panel's edge has a name and keyboard actions, and
/// stays).
pub fn tidy(ctx: &Context) {
    if !ctx.has_accesskit_node(egui::accesskit_root_id()) {
        return;
    }
    let ids: Vec<(Id, bool)> = ctx.viewport(|v| {
        let widgets = &v.this_pass.widgets;
        widgets
            .layer_ids()
            .flat_map(|l| widgets.get_layer(l))
            .filter(|w| w.sense.senses_click() || w.sense.senses_drag())
            .map(|w| {
                let thin = w.rect.width().min(w.rect.height()) <= HANDLE_WIDTH;
                (w.id, w.sense.senses_drag() && thin)
            })
            .collect()
    });
    for (id, handle) in ids
        .into_iter()
        .filter(|(id, _)| ctx.has_accesskit_node(*id))
    {
        ctx.accesskit_node_builder(id, |n| match n.role() {
            Role::Label => n.remove_action(accesskit::Action::Click),
            Role::Unknown if handle && n.label().is_none() => {
                n.set_hidden();
                n.clear_actions();
            }
            _ => {}
        });
    }
}

/// The widget the admin acted on in this frame: the one with keyboard focus, else the one
/// clicked, else the one a screen reader asked to click.
pub fn acted_on(ctx: &Context) -> Option<Id> {
    if let Some(id) = ctx.memory(|m| m.focused()) {
        return Some(id);
    }
    if let Some(id) = ctx.interaction_snapshot(|s| s.clicked) {
        return Some(id);
    }
    let target = ctx.input(|i| {
        i.events.iter().find_map(|e| match e {
            egui::Event::AccessKitActionRequest(r) if r.action == accesskit::Action::Click => {
                Some(r.target_node)
            }
            _ => None,
        })
    })?;
    ctx.viewport(|v| {
        let widgets = &v.this_pass.widgets;
        widgets
            .layer_ids()
            .flat_map(|l| widgets.get_layer(l))
            .map(|w| w.id)
            .find(|id| id.accesskit_id() == target)
    })
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
    /// The body's extent and clip (a focused row's ring spans the table, inside it).
    right: f32,
    clip: egui::Rect,
    /// The row that holds the table's Tab stop this frame.
    stop_at: std::cell::Cell<Option<usize>>,
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
            right: ui.max_rect().right(),
            clip: ui.clip_rect(),
            stop_at: std::cell::Cell::new(None),
        }
    }

    /// The node of the row at `index` (the same while the row stays at its place).
    fn row_id(&self, index: usize) -> Id {
        self.body.with(("a11y-row", index))
    }

    /// In the first cell of the row at `index` (`ui` is the cell's): when `here` (the
    /// selected row, or the first when none is), the row is the table's one Tab stop, its
    /// node the focused one. When the selection moves, focus moves with it, so it stays
    /// on the table while the arrow keys move the selection. Focused, the row shows a
    /// ring around it, and the arrow keys are left to the app.
    pub fn stop(&self, ui: &mut Ui, index: usize, here: bool) {
        if !here || self.stop_at.get().is_some() {
            return;
        }
        self.stop_at.set(Some(index));
        let id = self.row_id(index);
        let stops = Id::unique("a11y-row-stops");
        let before = ui.ctx().data_mut(|d| {
            let known: &mut Vec<(Id, Id)> = d.get_temp_mut_or_default(stops);
            match known.iter_mut().find(|(table, _)| *table == self.body) {
                Some((_, stop)) => Some(std::mem::replace(stop, id)),
                None => {
                    known.push((self.body, id));
                    None
                }
            }
        });
        if before.is_some_and(|b| b != id && ui.memory(|m| m.has_focus(b))) {
            ui.memory_mut(|m| m.request_focus(id));
        }
        let cell = ui.max_rect();
        let r = ui.interact(cell, id, egui::Sense::FOCUSABLE);
        if r.has_focus() {
            ui.memory_mut(|m| {
                m.set_focus_lock_filter(
                    id,
                    egui::EventFilter {
                        vertical_arrows: true,
                        ..Default::default()
                    },
                );
            });
            let row = egui::Rect::from_min_max(cell.min, egui::pos2(self.right, cell.max.y));
            let color = ui.visuals().selection.stroke.color;
            let layer = egui::LayerId::new(egui::Order::Tooltip, Id::unique("focus-ring"));
            ui.ctx()
                .layer_painter(layer)
                .with_clip_rect(self.clip)
                .rect_stroke(
                    row.shrink(1.0),
                    3.0,
                    egui::Stroke::new(2.0, color),
                    egui::StrokeKind::Inside,
                );
        }
    }

    /// After the cells of the row at `index` are drawn: gathers them under a row node,
    /// named by the text in its columns `naming` (what tells the row from the others).
    /// True when a screen reader asked to select the row (its Click action, or a cell's),
    /// which the caller treats as a click.
    pub fn row(&self, index: usize, selected: bool, naming: &[usize]) -> bool {
        // Where `egui_extras` puts the cell in column `c` of this row.
        let cells: Vec<Id> = (0..self.columns)
            .map(|c| self.body.with(egui::IdSalt::new((index, c))))
            .filter(|id| self.ctx.has_accesskit_node(*id))
            .collect();
        let row_id = self.row_id(index);
        let selectable = self.selectable;
        let stop = self.stop_at.get() == Some(index);
        let names: Vec<accesskit::NodeId> = naming
            .iter()
            .filter_map(|&c| {
                let id = self.body.with(egui::IdSalt::new((index, c)));
                self.ctx
                    .accesskit_node_builder(id, |n| n.children().to_vec())
            })
            .flatten()
            .collect();
        gather(&self.ctx, self.body, row_id, &cells, |n| {
            n.set_role(Role::Row);
            // The header is row 0.
            n.set_row_index(index + 1);
            for label in names {
                n.push_labelled_by(label);
            }
            if selectable {
                n.set_selected(selected);
                n.add_action(accesskit::Action::Click);
            }
            if !stop {
                n.remove_action(accesskit::Action::Focus);
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
    // Nothing to gather where egui made no node (an invisible pass, a sizing pass): a row
    // made then would hang from nothing.
    if cells.is_empty() || !ctx.has_accesskit_node(parent) {
        return;
    }
    let kids: Vec<accesskit::NodeId> = cells.iter().map(|c| c.accesskit_id()).collect();
    // Where egui laid the cells out (their nodes get their bounds only at the end of the
    // pass).
    let rect = ctx.viewport(|v| {
        cells
            .iter()
            .filter_map(|c| v.this_pass.widgets.get(*c).map(|w| w.rect))
            .filter(|r| r.is_positive())
            .reduce(|a, b| a.union(b))
    });
    let bounds = rect.map(|r| {
        accesskit::Rect::new(
            r.min.x.into(),
            r.min.y.into(),
            r.max.x.into(),
            r.max.y.into(),
        )
    });
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
    // Made here, it hangs from the root; made by egui (a row's Tab stop, in its first
    // cell), from that cell. Either way it moves to where its cells were.
    let row = row_id.accesskit_id();
    for holder in std::iter::once(egui::accesskit_root_id()).chain(cells.iter().copied()) {
        ctx.accesskit_node_builder(holder, |n| {
            if n.children().contains(&row) {
                let rest: Vec<_> = n.children().iter().copied().filter(|c| *c != row).collect();
                n.set_children(rest);
            }
        });
    }
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

/// A list box named `name` of `count` items in all (drawn or not), drawn by `add`: its
/// items are [`option`]s.
pub fn list<R>(ui: &mut Ui, name: &str, count: usize, add: impl FnOnce(&mut Ui) -> R) -> R {
    let builder = UiBuilder::new()
        .accessibility_role(Role::ListBox)
        .accessibility_label(name);
    ui.scope_builder(builder, |ui| {
        ui.ctx()
            .accesskit_node_builder(ui.unique_id(), |n| n.set_row_count(count));
        add(ui)
    })
    .inner
}

/// Makes `r` (a selectable label) item `index` of a list box of `count`, selected or not.
pub fn option(r: &Response, selected: bool, index: usize, count: usize) {
    r.ctx.accesskit_node_builder(r.id, |n| {
        n.set_role(Role::ListBoxOption);
        n.clear_toggled();
        n.set_selected(selected);
        n.set_position_in_set(index + 1);
        n.set_size_of_set(count);
    });
}

/// A list (not for choosing from) named `name`, of `count` items in all, drawn by `add`:
/// its items are [`item`]s.
pub fn items<R>(ui: &mut Ui, name: &str, count: usize, add: impl FnOnce(&mut Ui) -> R) -> R {
    let builder = UiBuilder::new()
        .accessibility_role(Role::List)
        .accessibility_label(name);
    ui.scope_builder(builder, |ui| {
        ui.ctx()
            .accesskit_node_builder(ui.unique_id(), |n| n.set_size_of_set(count));
        add(ui)
    })
    .inner
}

/// Makes `r` (a label) item `index` of a list of `count` items, named by its text.
pub fn item(r: &Response, index: usize, count: usize) {
    r.ctx.accesskit_node_builder(r.id, |n| {
        if let Some(text) = n.value().map(str::to_owned) {
            n.clear_value();
            n.set_label(text);
        }
        n.set_role(Role::ListItem);
        n.remove_action(accesskit::Action::Click);
        n.set_position_in_set(index + 1);
        n.set_size_of_set(count);
    });
}

/// Marks `r` (an [`item`] of a list of steps) as the current step (in its description
/// too, which every screen reader reads).
pub fn current_step(r: &Response) {
    r.ctx.accesskit_node_builder(r.id, |n| {
        n.set_aria_current(accesskit::AriaCurrent::Step);
        n.set_description("current step");
    });
}

/// Describes the node `id` (a dialog: where it is at) to screen readers.
pub fn describe(ctx: &Context, id: Id, description: &str) {
    ctx.accesskit_node_builder(id, |n| n.set_description(description));
}

/// A tab list named `name`, drawn by `add` in a row: its items are [`tab`]s.
pub fn tabs<R>(ui: &mut Ui, name: &str, add: impl FnOnce(&mut Ui) -> R) -> R {
    let builder = UiBuilder::new()
        .accessibility_role(Role::TabList)
        .accessibility_label(name);
    ui.scope_builder(builder, |ui| ui.horizontal(add).inner)
        .inner
}

/// Makes `r` (a selectable label) a tab, selected or not.
pub fn tab(r: &Response, selected: bool) {
    r.ctx.accesskit_node_builder(r.id, |n| {
        n.set_role(Role::Tab);
        n.clear_toggled();
        n.set_selected(selected);
    });
}

/// Makes `ui` (an `egui::MenuBar`'s) the menu bar.
pub fn menu_bar(ui: &Ui) {
    ui.ctx().accesskit_node_builder(ui.unique_id(), |n| {
        n.set_role(Role::MenuBar);
        n.set_label("Menu bar");
    });
}

/// Makes `r` (a menu bar's button) an item that opens a menu.
pub fn menu(r: &Response) {
    r.ctx.accesskit_node_builder(r.id, |n| {
        n.set_role(Role::MenuItem);
        n.set_has_popup(accesskit::HasPopup::Menu);
    });
}

/// Draws a menu's content with `add`; its buttons are menu items (its check boxes
/// checkable ones). A menu is a layer of its own, so every widget on it is the menu's.
/// An item chosen by a screen reader's action closes the menu, as a click does (egui
/// closes a menu on a pointer click only); one that opens a submenu ([`menu`]) does not.
pub fn menu_items<R>(ui: &mut Ui, add: impl FnOnce(&mut Ui) -> R) -> R {
    let r = add(ui);
    let ctx = ui.ctx().clone();
    let layer = ui.layer_id();
    let ids: Vec<Id> =
        ctx.viewport(|v| v.this_pass.widgets.get_layer(layer).map(|w| w.id).collect());
    let mut chosen = false;
    for id in ids.into_iter().filter(|id| ctx.has_accesskit_node(*id)) {
        let acted = ctx.input(|i| i.has_accesskit_action_request(id, accesskit::Action::Click));
        ctx.accesskit_node_builder(id, |n| {
            match n.role() {
                Role::Button => n.set_role(Role::MenuItem),
                Role::CheckBox => n.set_role(Role::MenuItemCheckBox),
                _ => {}
            }
            chosen |= acted && n.has_popup().is_none() && !n.is_disabled();
        });
    }
    if chosen {
        ui.close();
    }
    r
}

/// A place kept in a panel and filled later in the frame: egui's Tab order is the order
/// controls are drawn in, and panels must be laid out before the central area, so a
/// panel whose controls come later in the Tab order (the projects after the tabs, the
/// status bar last) keeps its place first and is drawn when its turn comes.
#[derive(Debug, Clone, Copy)]
pub struct Kept {
    rect: egui::Rect,
    clip: egui::Rect,
    parent: Id,
    layer: egui::LayerId,
}

/// Inside a panel: keeps `height` (or all that is left) of it for [`fill`].
pub fn keep(ui: &mut Ui, height: Option<f32>) -> Kept {
    let room = ui.available_rect_before_wrap();
    let rect = egui::Rect::from_min_size(
        room.min,
        egui::vec2(room.width(), height.unwrap_or(room.height())),
    );
    ui.advance_cursor_after_rect(rect);
    Kept {
        rect,
        clip: ui.clip_rect(),
        parent: ui.unique_id(),
        layer: ui.layer_id(),
    }
}

/// Draws `add` in the place kept (in its panel, to screen readers too); returns what it
/// returned and the height it took.
pub fn fill<R>(ui: &mut Ui, kept: Kept, add: impl FnOnce(&mut Ui) -> R) -> (R, f32) {
    let builder = UiBuilder::new()
        .max_rect(kept.rect)
        .layer_id(kept.layer)
        .layout(egui::Layout::top_down(egui::Align::Min))
        .accessibility_parent(kept.parent);
    let mut child = ui.new_child(builder);
    child.set_clip_rect(kept.clip);
    let r = add(&mut child);
    (r, child.min_rect().height())
}

/// Puts what holds the node `later` after what holds the node `earlier`, where the two
/// meet in the tree: a side panel is laid out before the area beside it, so egui lists
/// it first, but a screen reader should meet them as they are on screen.
pub fn put_after(ctx: &Context, earlier: Id, later: Id) {
    let found = ctx.viewport(|v| {
        let state = v.this_pass.accesskit_state.as_ref()?;
        let mut parents: std::collections::HashMap<accesskit::NodeId, Id> = Default::default();
        for (id, node) in &state.nodes {
            for c in node.children() {
                parents.insert(*c, *id);
            }
        }
        // From `id` up to the root: each node with the one below it on the way.
        let chain = |id: Id| {
            std::iter::successors(Some((id, id)), |(node, _)| {
                parents.get(&node.accesskit_id()).map(|p| (*p, *node))
            })
            .skip(1)
            .collect::<Vec<(Id, Id)>>()
        };
        let (up_earlier, up_later) = (chain(earlier), chain(later));
        up_later.into_iter().find_map(|(parent, later)| {
            let earlier = up_earlier.iter().find(|(p, _)| *p == parent)?.1;
            Some((parent, earlier, later))
        })
    });
    let Some((parent, earlier, later)) = found else {
        return;
    };
    let (earlier, later) = (earlier.accesskit_id(), later.accesskit_id());
    ctx.accesskit_node_builder(parent, |n| {
        let mut kids: Vec<_> = n
            .children()
            .iter()
            .copied()
            .filter(|c| *c != later)
            .collect();
        let Some(at) = kids.iter().position(|c| *c == earlier) else {
            return;
        };
        kids.insert(at + 1, later);
        n.set_children(kids);
    });
}

/// Hides what is under the node `id` from screen readers, and gives it back whole once
/// this is no longer called.
///
/// The hidden mark goes on the first nodes under `id` that screen readers see, never on a
/// container they pass through (a `GenericContainer`, such as the window's top `Ui`):
/// AccessKit's AT-SPI adapter brings a subtree back when a node it sees is shown again,
/// but not when a container it passes through is, so what was added or changed behind a
/// dialog hidden that way stayed an "Unknown object" to Orca after the dialog closed.
pub fn hide(ctx: &Context, id: Id) {
    let targets = ctx.viewport(|v| {
        let Some(state) = v.this_pass.accesskit_state.as_ref() else {
            return Vec::new();
        };
        let by_node: std::collections::HashMap<accesskit::NodeId, Id> = state
            .nodes
            .keys()
            .map(|id| (id.accesskit_id(), *id))
            .collect();
        let mut targets = Vec::new();
        let mut stack = vec![id];
        while let Some(id) = stack.pop() {
            let Some(node) = state.nodes.get(&id) else {
                continue;
            };
            if node.role() == Role::GenericContainer {
                stack.extend(node.children().iter().filter_map(|c| by_node.get(c)));
            } else {
                targets.push(id);
            }
        }
        targets
    });
    for id in targets {
        ctx.accesskit_node_builder(id, |n| n.set_hidden());
    }
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
