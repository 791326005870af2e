//! What every dialog is drawn in: the modal frame that keeps its place and its pop-ups on
//! top, the two-column and full-width layouts, and what showing one gave ([`Shown`]).

use crate::ui::action::Action;

/// What showing a dialog gave: an action, and whether it stays open.
pub struct Shown {
    /// What the admin asked for.
    pub action: Option<Action>,
    /// False once the dialog is done (saved, cancelled, Escape).
    pub open: bool,
}

impl Shown {
    /// Still open, nothing asked.
    pub fn stay() -> Self {
        Shown {
            action: None,
            open: true,
        }
    }

    /// Closed, nothing asked.
    pub fn close() -> Self {
        Shown {
            action: None,
            open: false,
        }
    }

    /// Asks for `action` and closes.
    pub fn done(action: Action) -> Self {
        Shown {
            action: Some(action),
            open: false,
        }
    }
}

/// Two columns side by side, drawn by `add(left, right)`, whose text reads left to right:
/// egui's own columns justify wrapped text, stretching its word spacing.
pub fn two_columns<R>(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui, &mut egui::Ui) -> R) -> R {
    let layout = egui::Layout::top_down(egui::Align::LEFT);
    ui.columns(2, |cols| {
        let (left, right) = cols.split_at_mut(1);
        left[0]
            .with_layout(layout, |l| {
                right[0].with_layout(layout, |r| add(l, r)).inner
            })
            .inner
    })
}

/// A list's rows as wide as the list (each a full-width target).
pub fn full_width_rows<R>(ui: &mut egui::Ui, rows: impl FnOnce(&mut egui::Ui) -> R) -> R {
    ui.with_layout(egui::Layout::top_down_justified(egui::Align::LEFT), rows)
        .inner
}

/// How far a dialog keeps from the window's edges.
const EDGE: f32 = 20.0;

/// Passes a new dialog is centred for, while egui measures it, before it stays put.
const SETTLING_PASSES: u32 = 2;

/// Where an open dialog stands, kept while it stays open.
#[derive(Debug, Clone, Copy)]
struct Placed {
    /// Its top edge.
    top: f32,
    /// The pass it was last shown in (a gap means it was closed).
    pass: u64,
    /// How many passes it has been shown.
    age: u32,
}

/// Shows a modal titled `title`, `width` wide. Returns what `content` returned and whether
/// Escape was pressed while it was the topmost dialog (the backdrop does not close it,
/// so nothing typed is lost by a stray click).
///
/// Every dialog goes through here, so two things hold for all of them:
/// - It opens centred, then keeps its place while open: a preview appearing, a list
///   narrowing or a warning clearing changes its height, not where its controls are
///   (it moves only as far as it must to stay inside the window).
/// - Its pop-ups (combo boxes, menus) draw above it. egui puts pop-ups on the
///   `Foreground` order; a modal there too competes with them for the top, and a press
///   on the dialog in the same frame as the click that reopens a pop-up left the pop-up
///   behind it. Dialogs live one order below (`Middle`, egui's order for windows), so
///   every pop-up and tooltip is above every dialog by construction.
pub fn modal<R>(
    ctx: &egui::Context,
    id: &str,
    title: &str,
    width: f32,
    content: impl FnOnce(&mut egui::Ui) -> R,
) -> (R, bool) {
    let screen = ctx.content_rect();
    let max_h = (screen.height() - 60.0).max(200.0);
    let id = egui::Id::unique(id);
    let key = id.with("placed");
    let pass = ctx.cumulative_pass_nr();
    let placed = ctx
        .data(|d| d.get_temp::<Placed>(key))
        .filter(|p| p.pass + 1 >= pass);
    let area = match placed {
        Some(p) if p.age >= SETTLING_PASSES => {
            let height = ctx.memory(|m| m.area_rect(id)).map_or(0.0, |r| r.height());
            let top = p
                .top
                .min(screen.bottom() - EDGE - height)
                .max(screen.top() + EDGE);
            egui::Area::new(id)
                .kind(egui::UiKind::Modal)
                .sense(egui::Sense::hover())
                .interactable(true)
                .pivot(egui::Align2::CENTER_TOP)
                .fixed_pos(egui::pos2(screen.center().x, top))
        }
        _ => egui::Modal::default_area(id),
    }
    .order(egui::Order::Middle);
    let age = placed.map_or(1, |p| p.age.saturating_add(1));
    // In its second pass (after the dialog's own first pass, where it may focus a field
    // itself), focus moves to its first control unless it is inside already.
    if age == 2 {
        let inside = ctx
            .memory(|m| m.focused())
            .and_then(|f| ctx.read_response(f))
            .is_some_and(|r| r.layer_id.id == id);
        if !inside {
            ctx.memory_mut(|m| {
                if let Some(f) = m.focused() {
                    m.surrender_focus(f);
                }
                m.move_focus(egui::FocusDirection::Next);
            });
        }
    }
    let r = egui::Modal::new(id).area(area).show(ctx, |ui| {
        ui.set_width(width.min(screen.width() - 40.0));
        ui.set_max_height(max_h);
        // Named by its title, and modal: what is behind it is out of reach. (The area's
        // node is the dialog.)
        let heading = ui.heading(title).id;
        ui.ctx().accesskit_node_builder(id, |n| {
            n.set_modal();
            n.push_labelled_by(heading.accesskit_id());
        });
        ui.add_space(4.0);
        content(ui)
    });
    let rect = r.response.rect;
    ctx.accesskit_node_builder(id, |n| {
        n.set_bounds(egui::accesskit::Rect::new(
            rect.min.x.into(),
            rect.min.y.into(),
            rect.max.x.into(),
            rect.max.y.into(),
        ));
    });
    let top = rect.top();
    ctx.data_mut(|d| d.insert_temp(key, Placed { top, pass, age }));
    let escape = r.is_top_modal
        && !r.any_popup_open
        && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
    (r.inner, escape)
}
