//! A mapping group's members: search Okta users, tick who belongs, and apply the
//! additions and removals one by one (what `add-member` and `remove-member` do).

use super::frame::{Shown, modal};
use super::user_picker::{UserPicker, user_table};
use crate::engine::runner::Command;
use crate::model::names;
use crate::model::text::plural;
use crate::ui::action::Action;
use crate::ui::view::View;
use crate::ui::widgets;
use std::collections::BTreeSet;

/// The dialog's state.
pub struct MembersDialog {
    group_id: String,
    users: UserPicker,
    selected: BTreeSet<String>,
}

impl MembersDialog {
    /// For the Okta group `group_id`, starting from its members.
    pub fn new(group_id: &str, view: &View) -> Self {
        MembersDialog {
            group_id: group_id.to_string(),
            users: UserPicker::default(),
            selected: view
                .directory
                .okta_group(group_id)
                .map(|g| g.members.iter().cloned().collect())
                .unwrap_or_default(),
        }
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context, view: &View) -> Shown {
        let d = view.directory;
        let Some(group) = d.okta_group(&self.group_id) else {
            return Shown::close();
        };
        let title = format!("Members of {}", names::display_safe(&group.name));
        let (shown, escape) = modal(ctx, "members", &title, 680.0, |ui| {
            let now: BTreeSet<&String> = group.members.iter().collect();
            let adds: Vec<String> = self
                .selected
                .iter()
                .filter(|u| !now.contains(u))
                .cloned()
                .collect();
            let removes: Vec<String> = group
                .members
                .iter()
                .filter(|u| !self.selected.contains(*u))
                .cloned()
                .collect();
            self.users.search_field(ui);
            user_table(ui, view, self.users.found(view), &mut self.selected);
            ui.separator();
            ui.label(format!(
                "{} to add, {} to remove; each change is one request to Okta.",
                plural(adds.len(), "member"),
                plural(removes.len(), "member")
            ));
            let mut out = Shown::stay();
            ui.horizontal(|ui| {
                let changes = !adds.is_empty() || !removes.is_empty();
                if widgets::send_button(ui, view.can_send, changes, "Apply").clicked() {
                    out = Shown::done(Action::Send(Command::SetOktaMembers {
                        group_id: self.group_id.clone(),
                        add: adds.clone(),
                        remove: removes.clone(),
                    }));
                }
                if ui.button("Cancel").clicked() {
                    out = Shown::close();
                }
            });
            out
        });
        if escape { Shown::close() } else { shown }
    }
}
