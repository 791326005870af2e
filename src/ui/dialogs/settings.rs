//! Settings: the Okta org and Statsig SCIM URLs, the two tokens (to the OS keyring only),
//! the Statsig organization's projects and email domains, and the deletion guard.

use super::frame::{Shown, modal};
use crate::engine::config::Settings;
use crate::engine::error::EngineError;
use crate::engine::runner::{Command, Target, Ticket};
use crate::model::token::TokenFor;
use crate::ui::action::Action;
use crate::ui::secret_field::SecretField;
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill};
use egui::{RichText, Ui};

/// The dialog's state.
pub struct SettingsDialog {
    settings: Settings,
    projects: String,
    /// The hint of an empty Projects field: the projects read from group names.
    projects_hint: String,
    domains: String,
    statsig_token: SecretField,
    okta_token: SecretField,
    /// The last test's (or failed save's) outcome.
    test: Option<Result<String, EngineError>>,
    /// Saved; waiting to hear whether the connection works.
    saving: bool,
    /// Apps the last search found, for choosing the Statsig app.
    apps: Option<Vec<crate::model::okta_app::OktaApp>>,
    /// "Find apps in Okta" was clicked.
    find: bool,
    /// The ticket of the dialog's last request, whose answer it shows.
    waiting: Option<Ticket>,
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

impl SettingsDialog {
    /// The dialog over `settings`; `worked_out` is the projects read from group names,
    /// shown as the hint of an empty Projects field (saved only when typed).
    pub fn new(settings: Settings, worked_out: &[String]) -> Self {
        let projects_hint = if worked_out.is_empty() {
            "comma-separated; empty: read from group names".to_string()
        } else {
            format!("empty: read from group names ({})", worked_out.join(", "))
        };
        SettingsDialog {
            projects: settings.projects.join(", "),
            projects_hint,
            domains: settings.org_domains.join(", "),
            settings,
            statsig_token: SecretField::default(),
            okta_token: SecretField::default(),
            test: None,
            saving: false,
            apps: None,
            find: false,
            waiting: None,
        }
    }

    /// Its last request was sent with `ticket`.
    pub fn asked(&mut self, ticket: Ticket) {
        self.waiting = Some(ticket);
    }

    /// Whether `ticket` answers this dialog's last request.
    pub fn asked_for(&self, ticket: Ticket) -> bool {
        self.waiting == Some(ticket)
    }

    /// A search for the Statsig app ended: taken when it is this dialog's own.
    pub fn apps_found(&mut self, ticket: Ticket, apps: Vec<crate::model::okta_app::OktaApp>) {
        if self.asked_for(ticket) {
            self.apps = Some(apps);
        }
    }

    fn collected(&self) -> Settings {
        Settings {
            statsig_url: self.settings.statsig_url.trim().to_string(),
            okta_url: self.settings.okta_url.trim().to_string(),
            projects: list(&self.projects),
            org_domains: list(&self.domains),
            guard: self.settings.guard,
            batch_size: self.settings.batch_size,
            push_mode: self.settings.push_mode,
            okta_app_id: self.settings.okta_app_id.trim().to_string(),
            okta_app_search: self.settings.okta_app_search.trim().to_string(),
        }
    }

    /// A connection test ended.
    pub fn tested(&mut self, outcome: &Result<String, EngineError>) {
        self.test = Some(outcome.clone());
    }

    /// A save ended: the typed tokens are wiped once saved, and kept when it failed.
    pub fn saved(&mut self, outcome: &Result<String, EngineError>) {
        self.saving = false;
        match outcome {
            Ok(_) => {
                self.statsig_token.wipe();
                self.okta_token.wipe();
            }
            Err(e) => self.test = Some(Err(e.clone())),
        }
    }

    /// Whether a save is waiting for its outcome.
    pub fn is_saving(&self) -> bool {
        self.saving
    }

    /// Problems with what is typed, as sentences (a token of the other service is said
    /// under its field).
    fn problems(&self) -> Vec<String> {
        let s = self.collected();
        let mut out = Vec::new();
        if self.okta_token.check(TokenFor::Okta).is_err()
            || self.statsig_token.check(TokenFor::Statsig).is_err()
        {
            out.push("A token above is not the one its field asks for.".to_string());
        }
        if !s.okta_url.is_empty()
            && let Err(e) = crate::net::check_okta_url(&s.okta_url)
        {
            out.push(format!("Okta org URL: {e}"));
        }
        if !s.statsig_url.is_empty()
            && let Err(e) = crate::net::check_statsig_url(&s.statsig_url)
        {
            out.push(format!("Statsig SCIM URL: {e}"));
        }
        out
    }

    /// Draws the dialog; it closes only when something is connected.
    pub fn show(&mut self, ctx: &egui::Context, view: &View) -> Shown {
        let (shown, escape) = modal(ctx, "settings", "Settings", 660.0, |ui| {
            self.fields(ui);
            let problems = self.problems();
            for p in &problems {
                widgets::error_text(ui, p);
            }
            match &self.test {
                Some(Ok(m)) => {
                    let c = widgets::pill_color(ui, Pill::Good);
                    ui.label(RichText::new(m).color(c));
                }
                Some(Err(e)) => {
                    widgets::error_text(ui, e.to_string());
                }
                None => {}
            }
            self.buttons(ui, view, problems.is_empty())
        });
        if escape && view.connection.is_some() {
            Shown::close()
        } else {
            shown
        }
    }

    fn fields(&mut self, ui: &mut Ui) {
        ui.label(RichText::new("Connection").strong());
        widgets::labelled_text(
            ui,
            "Okta org URL",
            &mut self.settings.okta_url,
            "https://your-org.okta.com",
            false,
        );
        widgets::labelled_text(
            ui,
            "Statsig SCIM URL",
            &mut self.settings.statsig_url,
            "https://statsigapi.net/scim",
            false,
        );
        widgets::okta_url_note(ui, &self.settings.okta_url);
        secret(ui, "Okta API token", &mut self.okta_token);
        widgets::token_check(ui, &self.okta_token.check(TokenFor::Okta));
        secret(ui, "Statsig SCIM token", &mut self.statsig_token);
        widgets::token_check(ui, &self.statsig_token.check(TokenFor::Statsig));
        ui.label(RichText::new("Tokens are never written to a file: they are stored in the OS keyring when there is one (without one, set STATSIG_SCIM_TOKEN and OKTA_API_TOKEN in the environment; Save says which). Leave a token empty to keep the stored one. The Okta token's admin needs to read users, groups and apps, and to manage apps and groups for Okta push.").italics());
        ui.add_space(6.0);
        self.push_mode(ui);
        ui.add_space(6.0);
        ui.label(RichText::new("Statsig organization").strong());
        widgets::labelled_text(
            ui,
            "Projects",
            &mut self.projects,
            &self.projects_hint,
            false,
        );
        widgets::labelled_text(
            ui,
            "Email domains",
            &mut self.domains,
            "comma-separated; empty: from Statsig users",
            false,
        );
        ui.horizontal_wrapped(|ui| {
            let count = ui.label("Deletion guard: ask before removing more than");
            ui.add(egui::DragValue::new(&mut self.settings.guard.max_removals).range(0..=100_000))
                .labelled_by(count.id);
            let share = ui.label("members or");
            ui.add(
                egui::DragValue::new(&mut self.settings.guard.max_percent)
                    .range(0..=100)
                    .suffix("%"),
            )
            .labelled_by(share.id);
            ui.label("of a team role");
        });
        ui.horizontal_wrapped(|ui| {
            let floor = ui.label("Small teams: removing");
            ui.add(
                egui::DragValue::new(&mut self.settings.guard.small_removals).range(0..=100),
            )
            .labelled_by(floor.id)
            .on_hover_text("Removing this many members or fewer never counts as a mass removal, however small the team, unless it empties the team role");
            ui.label("or fewer is never a mass removal (unless it empties the team role)");
        });
        ui.add_space(6.0);
    }

    fn push_mode(&mut self, ui: &mut Ui) {
        use crate::engine::connection::PushModeChoice;
        ui.label(RichText::new("Who pushes").strong());
        ui.horizontal_wrapped(|ui| {
            for choice in [
                PushModeChoice::Auto,
                PushModeChoice::Okta,
                PushModeChoice::Direct,
            ] {
                ui.radio_value(&mut self.settings.push_mode, choice, choice.label())
                    .on_hover_text(match choice {
                        PushModeChoice::Auto => "Okta push when the Okta org has a Statsig app with Group Push; Direct push otherwise",
                        PushModeChoice::Okta => "Mappings live in Okta and Okta pushes, even while this app is closed. The Statsig token becomes optional (previews and verify need it)",
                        PushModeChoice::Direct => "This app pushes over Statsig's SCIM API, for orgs without Group Push and for repairs; nothing is pushed while it is closed",
                    });
            }
        });
        if self.settings.push_mode == PushModeChoice::Direct {
            return;
        }
        widgets::labelled_text(
            ui,
            "Statsig app label",
            &mut self.settings.okta_app_search,
            "starts with; empty: Statsig",
            false,
        );
        widgets::labelled_text(
            ui,
            "Statsig app id",
            &mut self.settings.okta_app_id,
            "empty: found by its label",
            false,
        );
        ui.horizontal(|ui| {
            let can = !self.settings.okta_url.trim().is_empty();
            if ui
                .add_enabled(can, egui::Button::new("Find apps in Okta"))
                .on_hover_text(
                    "List the apps whose label starts with the text above, to choose one",
                )
                .clicked()
            {
                self.apps = None;
                self.find = true;
            }
        });
        if let Some(apps) = &self.apps {
            if apps.is_empty() {
                widgets::warn_text(ui, "No app's label starts with that text in this Okta org.");
            } else {
                let mut chosen = Some(self.settings.okta_app_id.clone()).filter(|s| !s.is_empty());
                super::app_picker::app_list(ui, apps, &mut chosen);
                if let Some(id) = chosen {
                    self.settings.okta_app_id = id;
                }
            }
        }
    }

    fn buttons(&mut self, ui: &mut Ui, view: &View, valid: bool) -> Shown {
        let mut out = Shown::stay();
        if std::mem::take(&mut self.find) {
            out.action = Some(Action::Ask(Command::FindApps {
                settings: Box::new(self.collected()),
                okta_token: self.okta_token.secret(),
            }));
        }
        let filled = valid && self.collected().is_configured();
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(filled, egui::Button::new("Test connection"))
                .clicked()
            {
                self.test = None;
                out.action = Some(Action::Ask(Command::TestConnection {
                    settings: Box::new(self.collected()),
                    statsig_token: self.statsig_token.secret(),
                    okta_token: self.okta_token.secret(),
                }));
            }
            if ui
                .add_enabled(filled && !self.saving, egui::Button::new("Save"))
                .clicked()
            {
                self.test = None;
                self.saving = true;
                out.action = Some(Action::Ask(Command::SaveSettings {
                    settings: Box::new(self.collected()),
                    statsig_token: self.statsig_token.secret(),
                    okta_token: self.okta_token.secret(),
                    test_first: false,
                }));
            }
            if ui
                .add_enabled(filled, egui::Button::new("Forget tokens"))
                .clicked()
            {
                out.action = Some(Action::Send(Command::ForgetTokens {
                    settings: Box::new(self.collected()),
                }));
            }
            if ui.button("Use demo sandbox").clicked() {
                out = Shown::done(Action::Send(Command::Connect(Target::Demo {
                    reset: false,
                })));
            }
            if view.connection.is_some() && ui.button("Close").clicked() {
                out = Shown::close();
            }
        });
        out
    }
}

fn secret(ui: &mut Ui, label: &str, field: &mut SecretField) {
    ui.horizontal(|ui| {
        let l = ui.add_sized([170.0, 20.0], egui::Label::new(label));
        ui.add(
            egui::TextEdit::singleline(field)
                .hint_text("leave empty to keep the stored token")
                .password(true)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id);
    });
}
