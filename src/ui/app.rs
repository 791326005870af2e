//! The app: the state it alone owns, the events it applies, the actions it turns into
//! engine commands.

use super::dialogs::{GroupBuilder, PushDialog, SettingsDialog, UnlinkDialog};
use super::{views, widgets};
use crate::engine::Unlink;
use crate::engine::config::Settings;
use crate::engine::runner::{self, Activity, Command, EngineHandle, Event, Target};
use crate::engine::secrets::SecretStore;
use crate::engine::state::Mapping;
use crate::engine::workspace::ImportProgress;
use crate::model::Directory;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The main views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Tab {
    #[default]
    Teams,
    OktaGroups,
    Pushed,
    Verify,
    Activity,
}

impl Tab {
    pub const ALL: [Tab; 5] = [
        Tab::Teams,
        Tab::OktaGroups,
        Tab::Pushed,
        Tab::Verify,
        Tab::Activity,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Teams => "Teams",
            Tab::OktaGroups => "Okta groups",
            Tab::Pushed => "Pushed groups",
            Tab::Verify => "Verify",
            Tab::Activity => "Activity",
        }
    }
}

/// What survives a restart (never a token).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Persisted {
    pub dark: bool,
    pub tab: Tab,
    pub project: Option<String>,
    /// Recently opened snapshots, newest first.
    pub recent: Vec<PathBuf>,
}

impl Default for Persisted {
    fn default() -> Self {
        Persisted {
            dark: true,
            tab: Tab::Teams,
            project: None,
            recent: Vec::new(),
        }
    }
}

const MAX_RECENT: usize = 8;

/// How the app is started.
pub struct AppOptions {
    /// What to connect to at once; `None` waits for Settings.
    pub target: Option<Target>,
    /// Where tokens live: the OS keyring in the app, memory in tests.
    pub store: Arc<dyn SecretStore>,
    pub snapshot: Option<PathBuf>,
}

/// A message shown for a while in the corner, and kept in the log.
#[derive(Debug, Clone)]
pub struct Toast {
    pub text: String,
    pub error: bool,
    pub at: f64,
}

/// Everything a click can ask for; applied after drawing.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Engine(EngineAction),
    SelectProject(String),
    SelectTeam(String),
    SelectOktaGroup(String),
    SelectMapping(String),
    SetTab(Tab),
    OpenPush { okta_group: Option<String> },
    OpenGroupBuilder { from_group: Option<String> },
    OpenUnlink(String),
    OpenConfirmRemovals(String),
    OpenSettings,
    Cancel,
    ToggleTheme,
    DismissToasts,
}

/// Actions that become engine commands.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineAction {
    Import,
    CreateMappingGroup {
        name: String,
        description: String,
        user_ids: Vec<String>,
    },
    Link {
        okta_group_id: String,
        statsig_group_id: String,
        push_now: bool,
        allowed_removals: usize,
    },
    Create {
        okta_group_id: String,
        project: String,
        team: String,
        push_now: bool,
    },
    /// Push a mapping with this many removals confirmed.
    Push(String, usize),
    RetryAll,
    SetActive(String, bool),
    /// Unlink; for Delete, with the team name the admin typed.
    Unlink(String, Unlink, String),
    ResolveDrift(String, crate::model::mapping::DriftChoice),
    WatchNow,
    SetWatching(bool),
    UseDemo,
    ResetDemo,
    SaveSettings {
        settings: Settings,
        statsig_token: String,
        okta_token: String,
    },
    TestConnection {
        settings: Settings,
        statsig_token: String,
        okta_token: String,
    },
    ForgetTokens(Settings),
    OpenSnapshot(Option<PathBuf>),
    CloseSnapshot,
    ExportSnapshot {
        redact: bool,
    },
    Compare,
    ExportCsv {
        suggested_name: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// The connection as the top bar shows it.
#[derive(Debug, Clone, Default)]
pub struct ConnectionInfo {
    pub label: String,
    pub demo: bool,
    pub statsig_url: String,
    pub okta_url: String,
    pub guard: crate::model::mapping::Guard,
}

/// Per-view search text and selection.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub team: Option<String>,
    pub okta_group: Option<String>,
    pub mapping: Option<String>,
    pub project_search: String,
    pub team_search: String,
    pub group_search: String,
    pub mapping_search: String,
    pub activity_search: String,
    pub errors_only: bool,
}

/// The running job, with progress.
#[derive(Debug, Clone)]
pub struct Busy {
    pub label: String,
    pub progress: Option<ImportProgress>,
}

pub struct App {
    engine: EngineHandle,
    pub persisted: Persisted,
    pub connection: Option<ConnectionInfo>,
    pub directory: Arc<Directory>,
    /// Bumped when the directory changes, so cached filters know to recompute.
    pub generation: u64,
    pub mappings: Vec<Mapping>,
    pub busy: Option<Busy>,
    pub watching: bool,
    /// The activity log, formatted once as each line arrives, oldest first.
    pub activity: VecDeque<String>,
    /// Bumped with every new line, so a filtered view knows to recompute.
    pub activity_version: u64,
    /// The filtered activity (search text, version, indices), kept between frames.
    pub activity_filtered: Option<(String, u64, Vec<usize>)>,
    pub toasts: Vec<Toast>,
    pub log: VecDeque<Toast>,
    pub sel: Selection,
    pub push: Option<PushDialog>,
    pub builder: Option<GroupBuilder>,
    pub unlink: Option<UnlinkDialog>,
    pub settings: Option<SettingsDialog>,
    pub confirm: Option<super::dialogs::ConfirmRemovals>,
    pub connection_test: Option<Result<String, String>>,
    pub imported_once: bool,
    /// The open snapshot (read-only mode).
    pub snapshot: Option<runner::SnapshotInfo>,
    /// The last comparison, shown in its window until closed.
    pub comparison: Option<(PathBuf, crate::model::snapshot::Comparison)>,
}

const MAX_ACTIVITY: usize = 5000;

impl App {
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        let persisted: Persisted = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        let ctx = cc.egui_ctx.clone();
        let engine = runner::spawn(Arc::new(move || ctx.request_repaint()), options.store);
        widgets::apply_theme(&cc.egui_ctx, persisted.dark);
        let mut app = App {
            engine,
            persisted,
            connection: None,
            directory: Arc::new(Directory::default()),
            generation: 0,
            mappings: Vec::new(),
            busy: None,
            watching: false,
            activity: VecDeque::new(),
            activity_version: 0,
            activity_filtered: None,
            toasts: Vec::new(),
            log: VecDeque::new(),
            sel: Selection::default(),
            push: None,
            builder: None,
            unlink: None,
            settings: None,
            confirm: None,
            connection_test: None,
            imported_once: false,
            snapshot: None,
            comparison: None,
        };
        if let Some(path) = options.snapshot {
            // Offline review: no connection needed.
            app.busy = Some(Busy {
                label: "Opening the snapshot".into(),
                progress: None,
            });
            app.engine.send(Command::OpenSnapshot(Some(path)));
        } else if let Some(target) = options.target {
            app.busy = Some(Busy {
                label: "Connecting".into(),
                progress: None,
            });
            app.engine.send(Command::Connect(target));
        } else {
            app.settings = Some(SettingsDialog::new(
                Settings::load().ok().flatten().unwrap_or_default(),
            ));
        }
        app
    }

    fn toast(&mut self, text: String, error: bool, now: f64) {
        let t = Toast {
            text,
            error,
            at: now,
        };
        self.log.push_back(t.clone());
        if self.log.len() > 200 {
            self.log.pop_front();
        }
        self.toasts.push(t);
        if self.toasts.len() > 4 {
            self.toasts.remove(0);
        }
    }

    /// Applies everything the engine said since the last frame.
    fn apply_events(&mut self, now: f64) {
        for event in self.engine.drain() {
            match event {
                Event::Connected {
                    label,
                    demo,
                    statsig_url,
                    okta_url,
                    guard,
                } => {
                    self.connection = Some(ConnectionInfo {
                        label,
                        demo,
                        statsig_url,
                        okta_url,
                        guard,
                    });
                    self.settings = None;
                }
                Event::Busy(label) => {
                    self.busy = label.map(|label| Busy {
                        label,
                        progress: None,
                    });
                }
                Event::Progress(p) => {
                    if let Some(b) = &mut self.busy {
                        b.progress = Some(p);
                    }
                }
                Event::Imported(d) => {
                    self.directory = d;
                    self.generation += 1;
                    self.imported_once = true;
                    let projects = &self.directory.projects;
                    if self
                        .persisted
                        .project
                        .as_ref()
                        .is_none_or(|p| !projects.contains(p))
                    {
                        self.persisted.project = projects.first().cloned();
                    }
                }
                Event::Mappings(m) => self.mappings = m,
                Event::Activity(a) => {
                    if let Activity::Wait(w) = &a {
                        self.toast(
                            format!(
                                "{}: {}, retrying in {} s",
                                w.service,
                                w.reason,
                                w.wait.as_secs().max(1)
                            ),
                            false,
                            now,
                        );
                    }
                    self.activity.push_back(super::views::activity_line(&a));
                    self.activity_version += 1;
                    if self.activity.len() > MAX_ACTIVITY {
                        self.activity.pop_front();
                    }
                }
                Event::Info(s) => self.toast(s, false, now),
                Event::Error(s) | Event::Warning(s) => {
                    if self.busy.as_ref().is_some_and(|b| b.label == "Connecting") {
                        self.busy = None;
                    }
                    self.toast(s, true, now)
                }
                Event::ConnectionTest(r) => self.connection_test = Some(r),
                Event::Watching(on) => self.watching = on,
                Event::SnapshotOpened {
                    info,
                    directory,
                    mappings,
                } => {
                    self.persisted.recent.retain(|p| p != &info.path);
                    self.persisted.recent.insert(0, info.path.clone());
                    self.persisted.recent.truncate(MAX_RECENT);
                    self.directory = directory;
                    self.generation += 1;
                    self.mappings = mappings;
                    self.imported_once = true;
                    self.watching = false;
                    self.push = None;
                    self.builder = None;
                    self.unlink = None;
                    if self
                        .persisted
                        .project
                        .as_ref()
                        .is_none_or(|p| !self.directory.projects.contains(p))
                    {
                        self.persisted.project = self.directory.projects.first().cloned();
                    }
                    self.toast(
                        format!(
                            "Opened the snapshot taken {}: {}",
                            widgets::short_time(&info.taken_at),
                            info.path.display()
                        ),
                        false,
                        now,
                    );
                    self.snapshot = Some(info);
                }
                Event::SnapshotClosed => self.snapshot = None,
                Event::Compared {
                    against,
                    comparison,
                } => self.comparison = Some((against, comparison)),
            }
        }
        self.toasts.retain(|t| now - t.at < 8.0);
    }

    /// Whether a request-sending action is possible now, with the reason when not.    /// The engine, for tests that drive it past native dialogs.
    pub fn engine(&self) -> &EngineHandle {
        &self.engine
    }

    pub fn can_send(&self) -> Result<(), &'static str> {
        if self.snapshot.is_some() {
            Err("Read-only snapshot: nothing is sent. File > Close snapshot returns to live data")
        } else if self.connection.is_none() {
            Err("Not connected: open Settings or use the demo sandbox")
        } else if self.busy.is_some() {
            Err("Wait for the running job to finish, or cancel it")
        } else {
            Ok(())
        }
    }

    fn apply(&mut self, action: Action, ctx: &egui::Context) {
        match action {
            Action::Engine(e) => self.engine_action(e),
            Action::SelectProject(p) => {
                self.persisted.project = Some(p);
                self.sel.team = None;
            }
            Action::SelectTeam(t) => self.sel.team = Some(t),
            Action::SelectOktaGroup(g) => self.sel.okta_group = Some(g),
            Action::SelectMapping(m) => self.sel.mapping = Some(m),
            Action::SetTab(t) => self.persisted.tab = t,
            Action::OpenPush { okta_group } => self.push = Some(PushDialog::new(okta_group)),
            Action::OpenGroupBuilder { from_group } => {
                let start = from_group.and_then(|g| self.directory.okta_group(&g).cloned());
                self.builder = Some(GroupBuilder::new(start.as_ref()));
            }
            Action::OpenUnlink(id) => {
                if let Some(m) = self.mappings.iter().find(|m| m.id == id) {
                    self.unlink = Some(UnlinkDialog::new(m, &self.directory));
                }
            }
            Action::OpenConfirmRemovals(id) => {
                if let Some(m) = self.mappings.iter().find(|m| m.id == id) {
                    self.confirm = Some(super::dialogs::ConfirmRemovals::new(m, &self.directory));
                }
            }
            Action::OpenSettings => {
                let mut s = Settings::load().ok().flatten().unwrap_or_default();
                if s.projects.is_empty() && !self.connection.as_ref().is_some_and(|c| c.demo) {
                    s.projects = self.directory.projects.clone();
                }
                self.connection_test = None;
                self.settings = Some(SettingsDialog::new(s));
            }
            Action::Cancel => self.engine.cancel(),
            Action::ToggleTheme => {
                self.persisted.dark = !self.persisted.dark;
                widgets::apply_theme(ctx, self.persisted.dark);
            }
            Action::DismissToasts => self.toasts.clear(),
        }
    }

    fn engine_action(&mut self, e: EngineAction) {
        let cmd = match e {
            EngineAction::Import => Command::Import,
            EngineAction::CreateMappingGroup {
                name,
                description,
                user_ids,
            } => Command::CreateMappingGroup {
                name,
                description,
                user_ids,
            },
            EngineAction::Link {
                okta_group_id,
                statsig_group_id,
                push_now,
                allowed_removals,
            } => Command::Link {
                okta_group_id,
                statsig_group_id,
                push_now,
                allowed_removals,
            },
            EngineAction::Create {
                okta_group_id,
                project,
                team,
                push_now,
            } => Command::Create {
                okta_group_id,
                project,
                team,
                push_now,
            },
            EngineAction::Push(id, allowed_removals) => Command::Push {
                mapping_id: id,
                allowed_removals,
            },
            EngineAction::ResolveDrift(id, choice) => Command::ResolveDrift {
                mapping_id: id,
                choice,
            },
            EngineAction::RetryAll => Command::RetryAll,
            EngineAction::SetActive(id, active) => Command::SetActive {
                mapping_id: id,
                active,
            },
            EngineAction::Unlink(id, how, confirmation) => Command::Unlink {
                mapping_id: id,
                how,
                confirmation,
            },
            EngineAction::WatchNow => Command::WatchNow,
            EngineAction::SetWatching(on) => Command::SetWatching {
                on,
                interval: Duration::from_secs(60),
            },
            EngineAction::UseDemo => {
                self.settings = None;
                Command::Connect(Target::Demo { reset: false })
            }
            EngineAction::ResetDemo => {
                self.settings = None;
                Command::Connect(Target::Demo { reset: true })
            }
            EngineAction::SaveSettings {
                settings,
                statsig_token,
                okta_token,
            } => Command::SaveSettings {
                settings,
                statsig_token: secret_or_none(statsig_token),
                okta_token: secret_or_none(okta_token),
            },
            EngineAction::TestConnection {
                settings,
                statsig_token,
                okta_token,
            } => {
                self.connection_test = None;
                Command::TestConnection {
                    settings,
                    statsig_token: secret_or_none(statsig_token),
                    okta_token: secret_or_none(okta_token),
                }
            }
            EngineAction::ForgetTokens(s) => Command::ForgetTokens { settings: s },
            EngineAction::OpenSnapshot(p) => Command::OpenSnapshot(p),
            EngineAction::CloseSnapshot => Command::CloseSnapshot,
            EngineAction::ExportSnapshot { redact } => {
                Command::ExportSnapshot { path: None, redact }
            }
            EngineAction::Compare => Command::Compare { path: None },
            EngineAction::ExportCsv {
                suggested_name,
                header,
                rows,
            } => Command::ExportCsv {
                path: None,
                suggested_name,
                header,
                rows,
            },
        };
        if matches!(cmd, Command::Connect(_) | Command::SaveSettings { .. }) {
            self.busy = Some(Busy {
                label: "Connecting".into(),
                progress: None,
            });
        } else if !matches!(
            cmd,
            Command::SetWatching { .. }
                | Command::TestConnection { .. }
                | Command::ForgetTokens { .. }
                | Command::ExportSnapshot { .. }
                | Command::Compare { .. }
                | Command::ExportCsv { .. }
                | Command::CloseSnapshot
        ) {
            // Shown at once; the engine's Busy(None) clears it.
            self.busy = Some(Busy {
                label: "Working".into(),
                progress: None,
            });
        }
        self.engine.send(cmd);
    }

    /// Keyboard: Ctrl+F search, arrows through the current list, Escape closes dialogs.
    fn keyboard(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        let (escape, ctrl_f) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::Escape),
                i.modifiers.command && i.key_pressed(egui::Key::F),
            )
        });
        if escape {
            if self.confirm.is_some() {
                self.confirm = None;
            } else if self.unlink.is_some() {
                self.unlink = None;
            } else if self.push.is_some() {
                self.push = None;
            } else if self.builder.is_some() {
                self.builder = None;
            } else if self.settings.is_some() && self.connection.is_some() {
                self.settings = None;
            }
        }
        if ctrl_f {
            ctx.memory_mut(|m| {
                m.request_focus(egui::Id::unique(views::search_id(self.persisted.tab)))
            });
        }
        let dialog_open = self.confirm.is_some()
            || self.push.is_some()
            || self.builder.is_some()
            || self.unlink.is_some()
            || self.settings.is_some();
        if dialog_open || ctx.memory(|m| m.focused().is_some()) {
            return;
        }
        let (up, down, enter) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::ArrowUp),
                i.key_pressed(egui::Key::ArrowDown),
                i.key_pressed(egui::Key::Enter),
            )
        });
        if up || down {
            views::step_selection(self, if down { 1 } else { -1 }, actions);
        }
        if enter && self.persisted.tab == Tab::OktaGroups && self.sel.okta_group.is_some() {
            actions.push(Action::OpenPush {
                okta_group: self.sel.okta_group.clone(),
            });
        }
    }
}

fn secret_or_none(s: String) -> Option<crate::model::secret::Secret> {
    let t = s.trim();
    (!t.is_empty()).then(|| crate::model::secret::Secret::new(t))
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        let now = ctx.input(|i| i.time);
        self.apply_events(now);
        if !self.toasts.is_empty() {
            ctx.request_repaint_after(Duration::from_millis(500));
        }
        // A file dropped on the window opens as a snapshot (the engine checks it).
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if let Some(p) = dropped.into_iter().next() {
            self.engine_action(EngineAction::OpenSnapshot(Some(p)));
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let mut actions = Vec::new();
        self.keyboard(&ctx, &mut actions);
        views::top_bar(self, ui, &mut actions);
        views::status_bar(self, ui, &mut actions);
        views::projects_panel(self, ui, &mut actions);
        egui::CentralPanel::default().show(ui, |ui| views::central(self, ui, &mut actions));
        super::dialogs::show_all(self, &ctx, &mut actions);
        widgets::toasts(self, &ctx, &mut actions);
        for a in actions {
            self.apply(a, &ctx);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.persisted);
    }
}
