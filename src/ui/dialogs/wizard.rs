//! Connect: a first-run wizard (also *File > Connect…*) that sets up a real org step by
//! step: the Okta org and its API token (tested at once), the Statsig app picked from the
//! org's apps (Okta push) or Direct push, Statsig's SCIM URL and token (optional with Okta
//! push), a test of both, then the tokens saved to the keyring. Every test runs in the
//! engine; the window stays live, and the demo is one click away. *Save and connect* tests
//! both, saves, and closes: the first import's progress is the main window's.

use super::app_picker::app_list;
use super::frame::{Shown, modal};
use crate::engine::config::Settings;
use crate::engine::connection::{DEFAULT_APP_SEARCH, PushModeChoice};
use crate::engine::error::EngineError;
use crate::engine::runner::{Command, JobKind, Target, Ticket};
use crate::engine::secrets;
use crate::model::okta_app::OktaApp;
use crate::model::token::TokenFor;
use crate::ui::a11y;
use crate::ui::action::Action;
use crate::ui::secret_field::SecretField;
use crate::ui::view::View;
use crate::ui::widgets::{self, Pill};
use egui::{RichText, Ui};

/// The wizard's dialog (its node too).
const WIZARD_ID: &str = "connect-wizard";

/// The wizard's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Okta,
    App,
    Statsig,
}

/// What a test said, shown under its step.
enum Said {
    Nothing,
    /// Waiting for the engine: what it is doing.
    Waiting(&'static str),
    Good(String),
    Bad(String),
}

/// The dialog's state.
pub struct ConnectWizard {
    step: Step,
    okta_url: String,
    okta_token: SecretField,
    app_search: String,
    apps: Option<Vec<OktaApp>>,
    chosen: Option<String>,
    statsig_url: String,
    statsig_token: SecretField,
    said: Said,
    /// Save was sent; the wizard closes once the connection is tested and saved.
    saving: bool,
    /// The ticket of the wizard's last request, whose answer it shows.
    waiting: Option<Ticket>,
    /// The last settings (projects, domains, guard) are kept.
    base: Settings,
    /// OKTA_API_TOKEN and STATSIG_SCIM_TOKEN are set: a token left empty is taken from
    /// there.
    env_okta: bool,
    env_statsig: bool,
}

const OKTA_TOKEN_HELP: &str = "Create it in the Okta Admin Console: Security > API > Tokens > Create token. A token acts with its creator's admin role: reading needs okta.apps.read and okta.groups.read (Read-Only Administrator is enough); making and changing Group Push mappings needs okta.apps.manage and okta.groups.manage (Application Administrator for the Statsig app and Group Administrator, or Super Administrator); History reads Okta's System Log with okta.logs.read (without it, only this app's own record shows).";
const STATSIG_TOKEN_HELP: &str = "An organization admin makes it in the Statsig console, in the organization's SCIM provisioning settings; it starts with \"scim\". With Okta push it is optional: Okta pushes, and Statsig is read only for previews and Verify.";

impl ConnectWizard {
    /// The wizard, starting from the saved settings (tokens are never shown).
    pub fn new(saved: &Settings) -> Self {
        ConnectWizard {
            step: Step::Okta,
            okta_url: saved.okta_url.clone(),
            okta_token: SecretField::default(),
            app_search: if saved.okta_app_search.trim().is_empty() {
                DEFAULT_APP_SEARCH.to_string()
            } else {
                saved.okta_app_search.clone()
            },
            apps: None,
            chosen: None,
            statsig_url: if saved.statsig_url.is_empty() {
                "https://statsigapi.net/scim".to_string()
            } else {
                saved.statsig_url.clone()
            },
            statsig_token: SecretField::default(),
            said: Said::Nothing,
            saving: false,
            waiting: None,
            base: saved.clone(),
            env_okta: secrets::from_env(secrets::OKTA_ENV).is_some(),
            env_statsig: secrets::from_env(secrets::STATSIG_ENV).is_some(),
        }
    }

    /// The settings as typed so far.
    fn settings(&self) -> Settings {
        let okta_push = self.chosen.is_some();
        Settings {
            okta_url: self.okta_url.trim().to_string(),
            statsig_url: self.statsig_url.trim().to_string(),
            push_mode: if okta_push {
                PushModeChoice::Okta
            } else {
                PushModeChoice::Direct
            },
            okta_app_id: self.chosen.clone().unwrap_or_default(),
            okta_app_search: self.app_search.trim().to_string(),
            ..self.base.clone()
        }
    }

    /// Its last request was sent with `ticket`.
    pub fn asked(&mut self, ticket: Ticket) {
        self.waiting = Some(ticket);
    }

    /// Whether `ticket` answers the wizard's last request.
    pub fn asked_for(&self, ticket: Ticket) -> bool {
        self.waiting == Some(ticket)
    }

    /// The org's apps that the search found (the Okta step's test), when the search was
    /// the wizard's own.
    pub fn apps_found(&mut self, ticket: Ticket, apps: Vec<OktaApp>) {
        if !self.asked_for(ticket) {
            return;
        }
        self.chosen = apps
            .iter()
            .find(|a| a.is_active() && a.has_group_push())
            .map(|a| a.id.clone());
        self.apps = Some(apps);
    }

    /// Save was sent and has not ended yet.
    pub fn is_saving(&self) -> bool {
        self.saving
    }

    /// A job ended. True when the wizard is done (connected). What answers another's
    /// request (a Settings dialog closed meanwhile) is not the wizard's to say.
    pub fn finished(
        &mut self,
        kind: JobKind,
        ticket: Ticket,
        outcome: &Result<String, EngineError>,
    ) -> bool {
        let said = |o: &Result<String, EngineError>| match o {
            Ok(s) => Said::Good(s.clone()),
            Err(e) => Said::Bad(e.to_string()),
        };
        if !self.asked_for(ticket) {
            return false;
        }
        match kind {
            JobKind::FindApps if self.step == Step::Okta => {
                self.said = said(outcome);
                if outcome.is_ok() {
                    self.step = Step::App;
                    self.said = Said::Nothing;
                }
                false
            }
            JobKind::FindApps => {
                self.said = said(outcome);
                false
            }
            JobKind::TestConnection => {
                self.said = said(outcome);
                false
            }
            JobKind::Connect if self.saving => {
                self.saving = false;
                self.said = said(outcome);
                if outcome.is_ok() {
                    self.okta_token.wipe();
                    self.statsig_token.wipe();
                }
                outcome.is_ok()
            }
            _ => false,
        }
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context, view: &View) -> Shown {
        // A steady height: nothing moves under the pointer as answers come and go.
        let steady = (ctx.content_rect().height() - 120.0).clamp(300.0, 440.0);
        let (shown, escape) = modal(ctx, WIZARD_ID, "Connect to your org", 640.0, |ui| {
            let top = ui.cursor().top();
            steps(ui, self.step);
            ui.separator();
            let out = match self.step {
                Step::Okta => self.okta(ui),
                Step::App => self.app(ui),
                Step::Statsig => self.statsig(ui, view),
            };
            match &self.said {
                Said::Nothing => {}
                Said::Waiting(doing) => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(*doing);
                    });
                }
                Said::Good(s) => {
                    let c = widgets::pill_color(ui, Pill::Good);
                    ui.label(RichText::new(s).color(c));
                }
                Said::Bad(s) => {
                    widgets::error_text(ui, s);
                }
            }
            let used = ui.cursor().top() - top;
            if used + 40.0 < steady {
                ui.add_space(steady - used - 40.0);
            }
            ui.separator();
            let mut shown = out.unwrap_or_else(Shown::stay);
            ui.horizontal(|ui| {
                if self.step != Step::Okta && ui.button("Back").clicked() {
                    self.step = match self.step {
                        Step::Statsig => Step::App,
                        _ => Step::Okta,
                    };
                    self.said = Said::Nothing;
                }
                if ui
                    .button("Use the demo instead")
                    .on_hover_text(
                        "The embedded sandbox with demo data; connect later from File > Connect…",
                    )
                    .clicked()
                {
                    shown = Shown::done(Action::Send(Command::Connect(Target::Demo {
                        reset: false,
                    })));
                }
                if ui.button("Cancel").clicked() {
                    shown = self.cancel();
                }
            });
            shown
        });
        if escape { self.cancel() } else { shown }
    }

    /// Cancel (or Escape): closes; while *Save and connect* runs, it also stops it, so a
    /// save still testing saves nothing and connects nowhere.
    fn cancel(&self) -> Shown {
        if self.saving {
            Shown::done(Action::Cancel)
        } else {
            Shown::close()
        }
    }

    fn okta(&mut self, ui: &mut Ui) -> Option<Shown> {
        ui.label("Your Okta org's URL, and an Okta API token.");
        widgets::labelled_text(
            ui,
            "Okta org URL",
            &mut self.okta_url,
            "https://yourorg.okta.com",
            false,
        );
        widgets::okta_url_note(ui, &self.okta_url);
        let env = self.env_okta.then_some(secrets::OKTA_ENV);
        secret(ui, "Okta API token", &mut self.okta_token, env);
        let token_ok = widgets::token_check(ui, &self.okta_token.check(TokenFor::Okta));
        ui.label(OKTA_TOKEN_HELP);
        let problem = crate::net::check_okta_url(self.okta_url.trim())
            .err()
            .map(|e| format!("Okta org URL: {e}"))
            .filter(|_| !self.okta_url.trim().is_empty());
        if let Some(p) = &problem {
            widgets::error_text(ui, p);
        }
        let ready = problem.is_none()
            && token_ok
            && !self.okta_url.trim().is_empty()
            && (!self.okta_token.is_empty() || self.env_okta);
        if ui
            .add_enabled(ready, egui::Button::new("Test the Okta token"))
            .on_disabled_hover_text("Type the org URL and the token first")
            .clicked()
        {
            self.said = Said::Waiting("Testing the Okta token and looking for the Statsig app…");
            return Some(Shown {
                action: Some(Action::Ask(Command::FindApps {
                    settings: Box::new(self.settings()),
                    okta_token: self.okta_token.secret(),
                })),
                open: true,
            });
        }
        None
    }

    fn app(&mut self, ui: &mut Ui) -> Option<Shown> {
        let apps = self.apps.clone().unwrap_or_default();
        if apps.is_empty() {
            ui.label(format!(
                "The token works, and no app in this Okta org has a label starting with \"{}\". Okta push needs Statsig's app (from the Okta Integration Network) with Push Groups on; without it, this app pushes itself (Direct push).",
                self.app_search.trim()
            ));
        } else {
            ui.label("The token works. Choose the Statsig app whose Group Push Okta uses, or let this app push itself (Direct push).");
            app_list(ui, &apps, &mut self.chosen);
        }
        if ui
            .radio(
                self.chosen.is_none(),
                "Direct push: this app pushes over Statsig's SCIM API",
            )
            .clicked()
        {
            self.chosen = None;
        }
        let mut out = None;
        ui.horizontal(|ui| {
            let l = ui.label("App label starts with");
            ui.text_edit_singleline(&mut self.app_search)
                .labelled_by(l.id);
            if ui.button("Search again").clicked() {
                self.said = Said::Waiting("Looking for the Statsig app…");
                out = Some(Shown {
                    action: Some(Action::Ask(Command::FindApps {
                        settings: Box::new(self.settings()),
                        okta_token: self.okta_token.secret(),
                    })),
                    open: true,
                });
            }
        });
        let usable = self.chosen.as_ref().is_none_or(|id| {
            apps.iter()
                .any(|a| &a.id == id && a.is_active() && a.has_group_push())
        });
        if !usable {
            widgets::warn_text(
                ui,
                "This app is inactive or has no Group Push: Okta cannot push with it.",
            );
        }
        if ui.add_enabled(usable, egui::Button::new("Next")).clicked() {
            self.step = Step::Statsig;
            self.said = Said::Nothing;
        }
        out
    }

    fn statsig(&mut self, ui: &mut Ui, view: &View) -> Option<Shown> {
        let okta_push = self.chosen.is_some();
        ui.label(if okta_push {
            "Statsig's SCIM endpoint and token (optional with Okta push)."
        } else {
            "Statsig's SCIM endpoint and token (Direct push sends through them)."
        });
        widgets::labelled_text(
            ui,
            "Statsig SCIM URL",
            &mut self.statsig_url,
            "https://statsigapi.net/scim",
            false,
        );
        let env = self.env_statsig.then_some(secrets::STATSIG_ENV);
        secret(ui, "Statsig SCIM token", &mut self.statsig_token, env);
        let token_ok = widgets::token_check(ui, &self.statsig_token.check(TokenFor::Statsig));
        // The Okta token's note stays in sight: it is sent again from here.
        let okta_ok = widgets::token_check(ui, &self.okta_token.check(TokenFor::Okta));
        ui.label(STATSIG_TOKEN_HELP);
        let missing = !okta_push && self.statsig_token.is_empty() && !self.env_statsig;
        if missing {
            widgets::warn_text(ui, "Direct push needs the Statsig token.");
        }
        let needed = missing || !token_ok || !okta_ok;
        let mut out = None;
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!needed, egui::Button::new("Test both"))
                .clicked()
            {
                self.said = Said::Waiting("Testing both endpoints…");
                out = Some(Shown {
                    action: Some(Action::Ask(Command::TestConnection {
                        settings: Box::new(self.settings()),
                        statsig_token: self.statsig_token.secret(),
                        okta_token: self.okta_token.secret(),
                    })),
                    open: true,
                });
            }
            if widgets::send_button(ui, Ok(()), !needed && !view.busy, "Save and connect")
                .on_hover_text("Tokens go to the OS keyring, never to a file")
                .clicked()
            {
                self.said = Said::Waiting("Testing both endpoints, then saving…");
                self.saving = true;
                out = Some(Shown {
                    action: Some(Action::Ask(Command::SaveSettings {
                        settings: Box::new(self.settings()),
                        statsig_token: self.statsig_token.secret(),
                        okta_token: self.okta_token.secret(),
                        test_first: true,
                    })),
                    open: true,
                });
            }
        });
        out
    }
}

/// The three steps, the current one marked: underlined on screen; to screen readers a
/// list of the steps with the current one marked as such, and the dialog described by it.
fn steps(ui: &mut Ui, at: Step) {
    let all = [
        (Step::Okta, "1. Okta", "Okta"),
        (Step::App, "2. Statsig app", "Statsig app"),
        (Step::Statsig, "3. Statsig", "Statsig"),
    ];
    ui.horizontal(|ui| {
        a11y::items(ui, "Steps", all.len(), |ui| {
            for (i, (step, label, _)) in all.iter().enumerate() {
                let text = RichText::new(*label);
                let r = ui.label(if *step == at {
                    text.strong().underline()
                } else {
                    text.weak()
                });
                a11y::item(&r, i, all.len());
                if *step == at {
                    a11y::current_step(&r);
                }
            }
        });
    });
    if let Some((i, (_, _, name))) = all.iter().enumerate().find(|(_, s)| s.0 == at) {
        let description = format!("Step {} of {}: {name}", i + 1, all.len());
        a11y::describe(ui.ctx(), egui::Id::unique(WIZARD_ID), &description);
    }
}

/// A token field; `env` names the variable a token left empty is taken from.
fn secret(ui: &mut Ui, label: &str, field: &mut SecretField, env: Option<&str>) {
    ui.horizontal(|ui| {
        let l = ui.add_sized([170.0, 20.0], egui::Label::new(label));
        let hint = env.map(|v| format!("empty: {v} from the environment"));
        ui.add(
            egui::TextEdit::singleline(field)
                .hint_text(hint.unwrap_or_default())
                .password(true)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id);
    });
}
