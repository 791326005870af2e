//! The app picker: when a search finds several apps in Okta that could be Statsig's (a
//! production and a staging app, say), the admin chooses the one Okta pushes to Statsig
//! with. Each shows its label, id, status and features; an app without Group Push says so.

use super::frame::{Shown, modal};
use crate::engine::runner::Command;
use crate::model::okta_app::OktaApp;
use crate::ui::action::Action;
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill};
use egui::{RichText, Ui};

/// The dialog's state.
pub struct AppPicker {
    apps: Vec<OktaApp>,
    chosen: Option<String>,
}

impl AppPicker {
    /// A picker over `apps`; the first usable one is preselected.
    pub fn new(apps: Vec<OktaApp>) -> Self {
        let chosen = apps
            .iter()
            .find(|a| a.is_active() && a.has_group_push())
            .map(|a| a.id.clone());
        AppPicker { apps, chosen }
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context, view: &View) -> Shown {
        let (shown, escape) = modal(
            ctx,
            "app_picker",
            "Choose the Statsig app in Okta",
            620.0,
            |ui| {
                ui.label(
                "Several apps in your Okta org match. Choose the one whose Group Push feeds Statsig; it is saved with this connection (Settings can change it).",
            );
                ui.add_space(6.0);
                app_list(ui, &self.apps, &mut self.chosen);
                ui.add_space(6.0);
                let mut out = Shown::stay();
                ui.horizontal(|ui| {
                    let usable = self.chosen.is_some();
                    if widgets::send_button(ui, view.can_send, usable, "Use this app").clicked()
                        && let Some(id) = &self.chosen
                    {
                        out = Shown::done(Action::Send(Command::ChooseApp { app_id: id.clone() }));
                    }
                    if ui.button("Not now").clicked() {
                        out = Shown::close();
                    }
                });
                out
            },
        );
        if escape { Shown::close() } else { shown }
    }
}

/// The apps as radio rows: label, id, status, features; `chosen` is the selected id.
pub fn app_list(ui: &mut Ui, apps: &[OktaApp], chosen: &mut Option<String>) {
    for app in apps {
        ui.horizontal_wrapped(|ui| {
            let selected = chosen.as_deref() == Some(app.id.as_str());
            if ui
                .radio(selected, RichText::new(&app.label).strong())
                .on_hover_text(format!("App id {}", app.id))
                .clicked()
            {
                *chosen = Some(app.id.clone());
            }
            ui.label(RichText::new(&app.id).weak().monospace());
            let status = if app.is_active() {
                Pill::Good
            } else {
                Pill::Warn
            };
            widgets::pill(ui, status, &app.status.to_lowercase());
            if app.has_group_push() {
                widgets::pill(ui, Pill::Good, "Group Push");
            } else {
                widgets::pill(ui, Pill::Bad, "no Group Push").on_hover_text(
                    "Okta cannot push groups to this app: enable Push Groups in its Provisioning tab",
                );
            }
        });
        let features = if app.features.is_empty() {
            "no provisioning features".to_string()
        } else {
            app.features.join(", ")
        };
        ui.indent(&app.id, |ui| {
            ui.label(RichText::new(features).small().weak());
        });
    }
}
