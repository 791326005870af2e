//! Keyboard use: Ctrl+F focuses the current list's search, arrows move through it, Enter
//! on an Okta group opens Push, Ctrl+Q quits. Escape closes dialogs (each dialog handles
//! it). Whatever Tab focuses is scrolled into view.

use super::{App, FocusWatch};
use crate::ui::action::{Action, Open, Tab};

impl App {
    /// Scrolls the widget Tab just focused into view when it is (partly) out of sight, in
    /// any list, dialog or panel: egui moves focus to widgets a scroll area has clipped
    /// and leaves them there. Runs before drawing, so the scroll area holding the widget
    /// scrolls to it in this frame.
    pub(super) fn reveal_focus(&mut self, ctx: &egui::Context) {
        let focused = ctx.memory(|m| m.focused());
        let moved = focused.is_some() && focused != self.focus.focused;
        if moved
            && self.focus.tabbed
            && let Some(id) = focused
            && ctx
                .read_response(id)
                .is_some_and(|r| r.interact_rect != r.rect)
        {
            ctx.input_mut(|i| {
                i.events.push(egui::Event::AccessKitActionRequest(
                    egui::accesskit::ActionRequest {
                        action: egui::accesskit::Action::ScrollIntoView,
                        target_tree: egui::accesskit::TreeId::ROOT,
                        target_node: id.accesskit_id(),
                        data: None,
                    },
                ));
            });
        }
        let pass_over = self.focus.pass_over.take();
        self.focus = FocusWatch {
            focused,
            tabbed: ctx.input(|i| i.key_pressed(egui::Key::Tab)),
            opener: self.focus.opener.take(),
            give_back: self.focus.give_back.take(),
            last_tab: ctx
                .input(|i| {
                    i.key_pressed(egui::Key::Tab)
                        .then_some(if i.modifiers.shift {
                            egui::FocusDirection::Previous
                        } else {
                            egui::FocusDirection::Next
                        })
                })
                .or(self.focus.last_tab),
            pass_over: None,
            last: focused.or(self.focus.last),
        };
        // Tab passes over resize handles: it moves on before anything is drawn.
        if let Some(direction) = pass_over {
            ctx.memory_mut(|m| m.move_focus(direction));
        }
    }

    /// After drawing: the focused control gets its ring; Tab that landed on a resize
    /// handle moves on in the next frame; labels and handles are tidied for screen
    /// readers.
    pub(super) fn after_drawing_focus(&mut self, ctx: &egui::Context) {
        crate::ui::a11y::tidy(ctx);
        // The focused control went away (the mapping it acted on was unlinked, say):
        // focus goes to the view's list, or its search, rather than nowhere.
        if self.dialog.is_none()
            && ctx.memory(|m| m.focused().is_none_or(|f| Some(f) == self.focus.last))
            && let Some(id) = self.focus.last
            && !ctx.viewport(|v| v.this_pass.widgets.contains(id))
        {
            self.focus.last = None;
            let search = egui::Id::unique(self.persisted.tab.search_id());
            let to = crate::ui::a11y::drawn_row_stop(ctx).unwrap_or(search);
            ctx.memory_mut(|m| m.request_focus(to));
        }
        if let Some(id) = ctx.memory(|m| m.focused())
            && crate::ui::a11y::is_handle(ctx, id)
        {
            self.focus.pass_over = self.focus.last_tab;
            return;
        }
        crate::ui::a11y::focus_ring(ctx);
    }

    /// A dialog that opened remembers what opened it (`acted_on`, the widget used this
    /// frame); once one closed, focus goes back to it. (The dialog moves focus to its
    /// first control itself, see `dialogs::modal`.)
    pub(super) fn follow_dialog_focus(
        &mut self,
        ctx: &egui::Context,
        had_dialog: bool,
        acted_on: Option<egui::Id>,
    ) {
        match (had_dialog, self.dialog.is_some()) {
            (false, true) => self.focus.opener = acted_on,
            (true, false) => self.focus.give_back = self.focus.opener.take(),
            _ => {}
        }
        // A closed modal keeps what is behind it from taking focus for one more frame.
        if self.dialog.is_none()
            && ctx.memory(|m| m.top_modal_layer().is_none())
            && let Some(id) = self.focus.give_back.take()
        {
            ctx.memory_mut(|m| m.request_focus(id));
        }
    }

    pub(super) fn keyboard(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        if ctx.input_mut(|i| i.consume_shortcut(&crate::ui::action::QUIT)) {
            actions.push(Action::Quit);
        }
        if self.dialog.is_some() || self.picker.is_open() {
            return;
        }
        if ctx.input(|i| i.key_pressed(egui::Key::F1)) {
            actions.push(Action::Open(Open::Help(
                crate::ui::dialogs::help::HelpPage::Shortcuts,
            )));
        }
        let ctrl_f = ctx.input(|i| i.modifiers.command && i.key_pressed(egui::Key::F));
        if ctrl_f {
            let id = egui::Id::unique(self.persisted.tab.search_id());
            ctx.memory_mut(|m| m.request_focus(id));
        }
        // The arrows move through the list with nothing focused, or with focus on the
        // list's own Tab stop (its selected row).
        if ctx
            .memory(|m| m.focused())
            .is_some_and(|id| !crate::ui::a11y::is_row_stop(ctx, id))
        {
            return;
        }
        let (up, down, enter) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::ArrowUp),
                i.key_pressed(egui::Key::ArrowDown),
                i.key_pressed(egui::Key::Enter),
            )
        });
        let tab = self.persisted.tab;
        if up || down {
            let (items, current) = self.tabs.list(tab, &self.shown.view());
            if let Some(next) = step(&items, current.as_ref(), if down { 1 } else { -1 }) {
                actions.push(match tab {
                    Tab::Teams => Action::SelectTeam(next),
                    Tab::OktaGroups => Action::SelectOktaGroup(next),
                    _ => Action::SelectMapping(next),
                });
            }
        }
        if enter
            && tab == Tab::OktaGroups
            && self.shown.sel.okta_group.is_some()
            && self.shown.can_send().is_ok()
        {
            actions.push(Action::Open(Open::Push {
                okta_group: self.shown.sel.okta_group.clone(),
            }));
        }
    }
}

/// The item `delta` away from `current` (the first when none is selected).
fn step(items: &[String], current: Option<&String>, delta: i32) -> Option<String> {
    if items.is_empty() {
        return None;
    }
    let next = match current.and_then(|c| items.iter().position(|x| x == c)) {
        Some(p) => (p as i32 + delta).clamp(0, items.len() as i32 - 1) as usize,
        None => 0,
    };
    items.get(next).cloned()
}
