//! Actions, applied after drawing: engine commands are sent, dialogs opened, selections
//! changed.

use super::App;
use crate::engine::runner::{Command, Ticket};
use crate::ui::action::{Action, Open};
use crate::ui::dialogs::{self, Dialog};
use crate::ui::file_dialog::Picked;
use crate::ui::widgets;

impl App {
    /// Sends a command; a job blocks other request-sending actions until the engine says
    /// it is done (so a double click sends it once).
    pub(super) fn send(&mut self, command: Command) -> Ticket {
        if command.job().is_some() {
            self.shown.pending = true;
        }
        self.engine.send(command)
    }

    pub(super) fn apply(&mut self, action: Action, ctx: &egui::Context) {
        match action {
            Action::Send(command) => {
                let activating = match &command {
                    Command::SetActive {
                        mapping_id,
                        active: true,
                        ..
                    } => Some(mapping_id.clone()),
                    _ => None,
                };
                if matches!(command, Command::ReadHistory) {
                    use crate::ui::view::HistoryState;
                    // What was read stays in sight while it is read again.
                    match &mut self.shown.history {
                        HistoryState::Read { stale, .. } => *stale = false,
                        h => *h = HistoryState::Reading,
                    }
                }
                let ticket = self.send(command);
                if let Some(id) = activating {
                    self.activating = Some((ticket, id));
                }
            }
            Action::Ask(command) => {
                let ticket = self.send(command);
                if let Some(d) = &mut self.dialog {
                    d.asked(ticket);
                }
            }
            Action::SelectProject(p) => {
                self.shown.sel.project = Some(p);
                self.shown.sel.team = None;
            }
            Action::SelectTeam(t) => self.shown.sel.team = Some(t),
            Action::SelectOktaGroup(g) => self.shown.sel.okta_group = Some(g),
            Action::SelectMapping(m) => self.shown.sel.mapping = Some(m),
            Action::SetTab(t) => self.persisted.tab = t,
            Action::Open(o) => self.open(o),
            Action::PickFile { job, suggested } => self.picker.pick(job, suggested, ctx.clone()),
            Action::Cancel => self.engine.cancel(),
            Action::ToggleTheme => {
                self.persisted.dark = !self.persisted.dark;
                widgets::apply_theme(ctx, self.persisted.dark);
            }
            Action::SetAlerts(on) => {
                self.persisted.alerts = on;
                self.send(Command::SetAlerts { on });
            }
            Action::DismissToasts => self.toasts.clear(),
            Action::OpenLogFolder => self.open_log_folder(),
            Action::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }

    pub(super) fn open(&mut self, what: Open) {
        if let Open::Settings = what {
            let demo = self.shown.connection.as_ref().is_some_and(|c| c.demo);
            let worked_out: &[String] = if demo {
                &[]
            } else {
                &self.shown.directory.projects
            };
            self.dialog = Some(Dialog::Settings(Box::new(
                dialogs::settings::SettingsDialog::new(self.saved.clone(), worked_out),
            )));
            return;
        }
        if let Open::Connect = what {
            self.dialog = Some(Dialog::Connect(Box::new(
                dialogs::wizard::ConnectWizard::new(&self.saved),
            )));
            return;
        }
        let view = self.shown.view();
        let dialog = match what {
            Open::Push { okta_group } => {
                Dialog::Push(Box::new(dialogs::push::PushDialog::new(okta_group)))
            }
            Open::Builder { from_group } => {
                let from = from_group.and_then(|g| view.directory.okta_group(&g).cloned());
                Dialog::Builder(Box::new(dialogs::builder::GroupBuilder::new(from.as_ref())))
            }
            Open::Members { group } => Dialog::Members(Box::new(
                dialogs::members::MembersDialog::new(&group, &view),
            )),
            Open::Unlink(id) => match view.mapping(&id) {
                Some(m) => Dialog::Unlink(dialogs::unlink::UnlinkDialog::new(m, &view)),
                None => return,
            },
            Open::ConfirmRemovals(id) => match view.mapping(&id) {
                Some(m) => {
                    Dialog::ConfirmRemovals(dialogs::confirm::ConfirmRemovals::new(m, &view))
                }
                None => return,
            },
            Open::ConfirmResetDemo => Dialog::ConfirmResetDemo(Default::default()),
            Open::Rules => Dialog::Rules(Box::new(dialogs::rules::RulesDialog::new(&view))),
            Open::Help(page) => {
                Dialog::Help(dialogs::help::HelpDialog::new(page, self.log_file.clone()))
            }
            Open::NewProfile => Dialog::NewProfile(dialogs::profile::NewProfile::default()),
            Open::Explain(query) => {
                Dialog::Explain(Box::new(dialogs::explain::ExplainDialog::new(query, &view)))
            }
            Open::Settings | Open::Connect => return,
        };
        self.dialog = Some(dialog);
    }

    /// Opens the log file's folder in the desktop's file manager, off the UI thread; when
    /// none can be started, says where the folder is.
    fn open_log_folder(&mut self) {
        let folder = self
            .log_file
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else if cfg!(windows) {
            "explorer"
        } else {
            "xdg-open"
        };
        let _ = crate::engine::files::create_private_dir(&folder);
        match std::process::Command::new(opener).arg(&folder).spawn() {
            // Reaped on its own thread: the window never waits for the file manager.
            Ok(mut child) => {
                std::thread::spawn(move || child.wait());
            }
            Err(e) => self.toast(
                format!(
                    "No file manager could be opened ({opener}: {e}); the log folder is {}.",
                    folder.display()
                ),
                true,
                0.0,
            ),
        }
    }

    pub(super) fn poll_file_dialog(&mut self) {
        match self.picker.poll() {
            Some(Picked::File(job, path)) => {
                self.send(job.command(path));
            }
            Some(Picked::Unavailable(job, suggested)) => {
                self.dialog = Some(Dialog::Path(dialogs::path::PathDialog::new(
                    job, &suggested,
                )));
            }
            Some(Picked::Cancelled) | None => {}
        }
    }
}
