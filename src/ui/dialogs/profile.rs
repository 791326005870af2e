//! New profile: a name for another connection (e.g. *Staging*), with its own settings,
//! tokens, mappings and recent snapshots. Made and switched to by the engine. And what a
//! window offers when another window has its profile open.

use super::frame::{Shown, modal};
use crate::engine::paths::DataDir;
use crate::engine::runner::Command;
use crate::ui::action::{Action, Open};
use crate::ui::view::View;
use crate::ui::widgets;

/// The dialog's state.
#[derive(Default)]
pub struct NewProfile {
    name: String,
    /// The name field took the focus once (Tab then moves on as usual).
    focused: bool,
}

impl NewProfile {
    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context, view: &View) -> Shown {
        let (shown, escape) = modal(ctx, "new-profile", "New profile", 480.0, |ui| {
            ui.label("A profile is one org's connection: its own settings, tokens, mappings and recent snapshots. Switch between profiles from the top bar.");
            let field =
                widgets::labelled_text(ui, "Profile name", &mut self.name, "e.g. Staging", false);
            if !self.focused {
                field.request_focus();
                self.focused = true;
            }
            let name = self.name.trim();
            let problem = if name.is_empty() {
                None
            } else if view.profiles.iter().any(|p| p.eq_ignore_ascii_case(name)) {
                Some(format!("A profile named \"{name}\" exists already."))
            } else {
                DataDir::new("")
                    .with_profile(name)
                    .err()
                    .map(|e| e.to_string())
            };
            if let Some(p) = &problem {
                widgets::warn_text(ui, p);
            }
            let ok = !name.is_empty() && problem.is_none();
            let mut out = Shown::stay();
            ui.horizontal(|ui| {
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if ui
                    .add_enabled(ok, egui::Button::new("Make and switch"))
                    .clicked()
                    || (enter && ok)
                {
                    out = Shown::done(Action::Send(Command::SwitchProfile {
                        name: name.to_string(),
                        create: true,
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

/// Another window has the profile open: open another one here, make one, try again once
/// that window is closed, or quit.
pub struct ProfileInUse {
    profile: String,
}

impl ProfileInUse {
    /// The dialog for `profile`, held by another window.
    pub fn new(profile: String) -> Self {
        ProfileInUse { profile }
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context, view: &View) -> Shown {
        let (shown, _) = modal(ctx, "profile-in-use", "Profile in use", 480.0, |ui| {
            ui.label(format!(
                "Another window has profile \"{}\" open. Use that window, or open another profile here.",
                self.profile
            ));
            ui.add_space(6.0);
            let mut out = Shown::stay();
            let switch = |name: &str| {
                Shown::done(Action::Send(Command::SwitchProfile {
                    name: name.to_string(),
                    create: false,
                }))
            };
            for p in view.profiles.iter().filter(|p| **p != self.profile) {
                if ui.button(format!("Open profile \"{p}\"")).clicked() {
                    out = switch(p);
                }
            }
            ui.horizontal(|ui| {
                if ui.button("New profile…").clicked() {
                    out = Shown::done(Action::Open(Open::NewProfile));
                }
                if ui
                    .button("Try again")
                    .on_hover_text("Once the other window is closed")
                    .clicked()
                {
                    out = switch(&self.profile);
                }
                if ui.button("Quit").clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            out
        });
        shown
    }
}
