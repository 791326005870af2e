//! The app: the state it alone owns (private), drawn each frame from a read-only
//! [`View`]; engine events applied at the top of the frame ([`events`]), actions after
//! drawing ([`actions`]).

mod actions;
mod events;
mod keyboard;

use super::action::{Action, Tab};
use super::dialogs::Dialog;
use super::file_dialog::FilePicker;
use super::panels::{self, Busy, Chrome};
use super::tabs::Tabs;
use super::view::{Selection, View};
use super::widgets::{self, Toast};
use crate::engine::config::Settings;
use crate::engine::paths::DataDir;
use crate::engine::runner::{
    self, Command, ConnectionInfo, EngineHandle, JobId, SnapshotInfo, Target,
};
use crate::engine::secrets::SecretStore;
use crate::engine::workspace::ModeReport;
use crate::model::Directory;
use crate::model::mapping::Mapping;
use crate::model::push_rule::PushRule;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

/// What survives a restart (never a token).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
struct Persisted {
    dark: bool,
    tab: Tab,
    project: Option<String>,
    /// The connect wizard was offered at a first start.
    connect_offered: bool,
    /// Recently opened snapshots of the Default profile, newest first.
    recent: Vec<PathBuf>,
    /// The other profiles' recent snapshots.
    recent_by_profile: std::collections::BTreeMap<String, Vec<PathBuf>>,
    /// Desktop alerts while watching (a mapping entering Error, new drift, a new
    /// error-level finding).
    alerts: bool,
}

impl Persisted {
    /// The recent snapshots of `profile`.
    fn recent_mut(&mut self, profile: &str) -> &mut Vec<PathBuf> {
        if profile == crate::engine::paths::DEFAULT_PROFILE {
            &mut self.recent
        } else {
            self.recent_by_profile
                .entry(profile.to_string())
                .or_default()
        }
    }

    fn recent(&self, profile: &str) -> &[PathBuf] {
        if profile == crate::engine::paths::DEFAULT_PROFILE {
            &self.recent
        } else {
            self.recent_by_profile
                .get(profile)
                .map_or(&[], Vec::as_slice)
        }
    }
}

impl Default for Persisted {
    fn default() -> Self {
        Persisted {
            dark: true,
            tab: Tab::Teams,
            project: None,
            connect_offered: false,
            recent: Vec::new(),
            recent_by_profile: Default::default(),
            alerts: true,
        }
    }
}

/// How the app is started.
pub struct AppOptions {
    /// What to connect to at once; `None` opens Settings.
    pub target: Option<Target>,
    /// Where tokens live: the OS keyring in the app, memory in tests.
    pub store: Arc<dyn SecretStore>,
    /// A snapshot to open offline instead of connecting.
    pub snapshot: Option<PathBuf>,
    /// The data folder.
    pub data: DataDir,
    /// Nothing is configured: offer the connect wizard (once; the demo runs behind it).
    pub offer_connect: bool,
}

/// Messages kept in the log.
const LOG_LEN: usize = 200;
/// The status bar's height before it was first drawn (one row of controls).
const STATUS_HEIGHT: f32 = 20.0;

/// How long clicks are held back after a dialog closes (a double click's second half).
const SHIELD_SECONDS: f64 = 0.4;

/// How long a toast shows.
const TOAST_SECONDS: f64 = 8.0;

/// What the app shows: the engine's latest word on the connection and its data.
struct Shown {
    connection: Option<ConnectionInfo>,
    mode: Option<ModeReport>,
    directory: Arc<Directory>,
    generation: u64,
    batch_size: usize,
    mappings: Vec<Mapping>,
    mappings_version: u64,
    rules: Vec<PushRule>,
    rules_version: u64,
    /// The profile in use and every profile.
    profile: String,
    profiles: Vec<String>,
    busy: Option<Busy>,
    job: Option<JobId>,
    /// A job was sent and has not started yet.
    pending: bool,
    snapshot: Option<SnapshotInfo>,
    imported: bool,
    /// The directory shown is the one cached at this time, not refreshed yet.
    cached: Option<String>,
    sel: Selection,
    history: crate::ui::view::HistoryState,
}

impl Shown {
    /// Whether a request-sending action is possible now, with the reason when not.
    fn can_send(&self) -> Result<(), &'static str> {
        if self.snapshot.is_some() {
            Err("Read-only snapshot: nothing is sent. File > Close snapshot returns to live data")
        } else if self.connection.is_none() {
            Err("Not connected: open Settings or use the demo sandbox")
        } else if self.pending
            || self
                .busy
                .as_ref()
                .is_some_and(|b| b.kind.holds_the_connection())
        {
            Err("Wait for the running job to finish, or cancel it")
        } else {
            Ok(())
        }
    }

    fn view(&self) -> View<'_> {
        View {
            directory: &self.directory,
            generation: self.generation,
            mappings: &self.mappings,
            mappings_version: self.mappings_version,
            rules: &self.rules,
            rules_version: self.rules_version,
            profile: &self.profile,
            profiles: &self.profiles,
            connection: self.connection.as_ref(),
            mode: self.mode.as_ref(),
            snapshot: self.snapshot.as_ref(),
            batch_size: self.batch_size,
            can_send: self.can_send(),
            imported: self.imported,
            cached: self.cached.as_deref(),
            busy: self.busy.is_some() || self.pending,
            sel: &self.sel,
            history: &self.history,
        }
    }
}

/// The desktop app.
pub struct App {
    engine: EngineHandle,
    /// The saved settings, as the engine last read or wrote them.
    saved: Settings,
    /// Where the log file is (Help > About, Open log folder).
    log_file: std::path::PathBuf,
    persisted: Persisted,
    shown: Shown,
    watching: bool,
    other_pushing: bool,
    /// The last Activate sent and its mapping: held by the deletion guard, it asks to
    /// confirm the removals.
    activating: Option<(crate::engine::runner::Ticket, String)>,
    toasts: Vec<Toast>,
    /// Since when the toasts wait for a dialog to close (egui time).
    toasts_held_since: Option<f64>,
    log: VecDeque<Toast>,
    status_line: panels::status_bar::StatusLine,
    projects: panels::projects::ProjectsPanel,
    tabs: Tabs,
    dialog: Option<Dialog>,
    picker: FilePicker,
    /// Clicks are held back until then (egui time).
    shield_until: f64,
    /// Actions asked for from outside a frame (tests, benchmarks).
    queued: Vec<Action>,
    /// Where keyboard focus was, to scroll what Tab focuses into view.
    focus: FocusWatch,
    /// The height the status bar's content took in the last frame.
    status_height: f32,
}

/// Where keyboard focus was, to scroll what Tab focuses into view.
#[derive(Debug, Default)]
struct FocusWatch {
    /// The widget focused at the end of the last frame.
    focused: Option<egui::Id>,
    /// Tab (or Shift+Tab) was pressed in the last frame.
    tabbed: bool,
    /// What opened the open dialog, where focus goes back when it closes.
    opener: Option<egui::Id>,
    /// Focus goes back here once the closed dialog no longer holds it.
    give_back: Option<egui::Id>,
    /// The way the last Tab press moved focus.
    last_tab: Option<egui::FocusDirection>,
    /// Tab landed on a resize handle: focus moves on in this way in the next frame.
    pass_over: Option<egui::FocusDirection>,
    /// The last widget that had focus (kept while nothing has it).
    last: Option<egui::Id>,
}

impl App {
    /// The app, connecting to `options.target` (or opening a snapshot, or Settings).
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        let persisted: Persisted = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        let ctx = cc.egui_ctx.clone();
        let engine = runner::spawn(
            Arc::new(move || ctx.request_repaint()),
            options.store,
            options.data.clone(),
        );
        widgets::apply_theme(&cc.egui_ctx, persisted.dark);
        let sel = Selection {
            project: persisted.project.clone(),
            ..Selection::default()
        };
        let mut app = App {
            engine,
            saved: Settings::default(),
            log_file: options.data.log_file(),
            persisted,
            shown: Shown {
                connection: None,
                mode: None,
                directory: Arc::new(Directory::default()),
                generation: 0,
                batch_size: crate::model::plan::DEFAULT_BATCH_SIZE,
                mappings: Vec::new(),
                mappings_version: 0,
                rules: Vec::new(),
                rules_version: 0,
                profile: options.data.profile().to_string(),
                profiles: Vec::new(),
                busy: None,
                job: None,
                pending: false,
                snapshot: None,
                imported: false,
                cached: None,
                sel,
                history: Default::default(),
            },
            watching: false,
            other_pushing: false,
            activating: None,
            toasts: Vec::new(),
            toasts_held_since: None,
            log: VecDeque::new(),
            status_line: Default::default(),
            projects: Default::default(),
            tabs: Tabs::default(),
            dialog: None,
            picker: FilePicker::default(),
            shield_until: 0.0,
            queued: Vec::new(),
            focus: Default::default(),
            status_height: STATUS_HEIGHT,
        };
        if !app.persisted.alerts {
            app.send(Command::SetAlerts { on: false });
        }
        if let Some(path) = options.snapshot {
            // Offline review: no connection needed.
            app.send(Command::OpenSnapshot(path));
        } else if let Some(target) = options.target {
            app.send(Command::Connect(target));
            if options.offer_connect && !app.persisted.connect_offered {
                app.persisted.connect_offered = true;
                app.open(super::action::Open::Connect);
            }
        } else {
            app.open(super::action::Open::Settings);
        }
        app
    }

    /// A message: always in the log, whose newest line the status bar shows; errors and
    /// warnings also as a toast, since the status line alone would let them pass unseen.
    fn toast(&mut self, text: String, error: bool, now: f64) {
        let t = Toast {
            text,
            error,
            at: now,
        };
        self.remember(t.clone());
        self.status_line.said(&t);
        if error {
            self.toasts.push(t);
            if self.toasts.len() > 4 {
                self.toasts.remove(0);
            }
        }
    }

    /// A passing notice (a wait on `service` before a retry): in the log, and on the
    /// status line until that service answers again or a newer message comes.
    fn notice(&mut self, text: String, service: &'static str, now: f64) {
        let t = Toast {
            text,
            error: false,
            at: now,
        };
        self.remember(t.clone());
        self.status_line.waiting(&t, service);
    }

    fn remember(&mut self, t: Toast) {
        self.log.push_back(t);
        if self.log.len() > LOG_LEN {
            self.log.pop_front();
        }
    }

    // ------------------------------------------------------------------ for tests

    /// Queues `action`, applied after the next frame is drawn, as if clicked.
    pub fn perform(&mut self, action: Action) {
        self.queued.push(action);
    }

    /// The engine, for tests that drive it past the window.
    pub fn engine(&self) -> &EngineHandle {
        &self.engine
    }

    /// No job runs or waits to start.
    pub fn is_idle(&self) -> bool {
        self.shown.busy.is_none() && !self.shown.pending
    }

    /// Something was imported, or a snapshot opened.
    pub fn has_data(&self) -> bool {
        self.shown.imported
    }

    /// What the status line shows.
    pub fn status_line(&self) -> Option<&str> {
        self.status_line.shown().map(|t| t.text.as_str())
    }

    /// Every message shown, oldest first.
    pub fn messages(&self) -> impl Iterator<Item = &str> {
        self.log.iter().map(|t| t.text.as_str())
    }

    /// The current tab.
    pub fn tab(&self) -> Tab {
        self.persisted.tab
    }

    /// Whether the dark theme is on.
    pub fn is_dark(&self) -> bool {
        self.persisted.dark
    }

    /// The selected project.
    pub fn project(&self) -> Option<&str> {
        self.shown.sel.project.as_deref()
    }

    /// The selected Okta group.
    pub fn selected_okta_group(&self) -> Option<&str> {
        self.shown.sel.okta_group.as_deref()
    }

    /// The mappings shown.
    pub fn mappings(&self) -> &[Mapping] {
        &self.shown.mappings
    }

    /// The directory shown.
    pub fn directory(&self) -> &Arc<Directory> {
        &self.shown.directory
    }

    /// Whether a dialog is open.
    pub fn has_dialog(&self) -> bool {
        self.dialog.is_some()
    }

    /// Whether an offline snapshot is shown.
    pub fn shows_snapshot(&self) -> bool {
        self.shown.snapshot.is_some()
    }

    /// Whether watching is on.
    pub fn is_watching(&self) -> bool {
        self.watching
    }

    /// Whether the watcher raises desktop alerts (the status bar's *Desktop alerts*).
    pub fn alerts_on(&self) -> bool {
        self.persisted.alerts
    }

    /// The connection profile in use.
    pub fn profile(&self) -> &str {
        &self.shown.profile
    }

    /// Every profile, as the switcher lists them.
    pub fn profiles(&self) -> &[String] {
        &self.shown.profiles
    }

    /// The connection shown.
    pub fn connection(&self) -> Option<&ConnectionInfo> {
        self.shown.connection.as_ref()
    }

    /// How many lines the Activity log holds.
    pub fn activity_len(&self) -> usize {
        self.tabs.activity.len()
    }

    /// The selected mapping.
    pub fn selected_mapping(&self) -> Option<&str> {
        self.shown.sel.mapping.as_deref()
    }

    /// The comparison the Compare dialog shows, while it is open.
    pub fn comparison(&self) -> Option<&crate::model::compare::Comparison> {
        match &self.dialog {
            Some(crate::ui::dialogs::Dialog::Compare(d)) => Some(d.comparison()),
            _ => None,
        }
    }

    /// Sync health's samples over this connection, oldest first.
    pub fn sync_health(&self) -> &[crate::ui::tabs::health::Sample] {
        self.tabs.pushed.health().samples()
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        let now = ctx.input(|i| i.time);
        self.apply_events(now, ctx);
        self.poll_file_dialog();
        self.hold_toasts_under_a_dialog(now);
        if self.toasts_held_since.is_none() {
            if !self.toasts.is_empty() {
                ctx.request_repaint_after(std::time::Duration::from_millis(500));
            }
            self.toasts.retain(|t| now - t.at < TOAST_SECONDS);
        }
        // A file dropped on the window opens as a snapshot (the engine checks it).
        let dropped: Option<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .next()
        });
        if let Some(p) = dropped {
            self.send(Command::OpenSnapshot(p));
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let now = ctx.input(|i| i.time);
        let mut actions = std::mem::take(&mut self.queued);
        let had_dialog = self.dialog.is_some();
        crate::ui::a11y::name_window(&ctx, crate::ui::TITLE);
        self.reveal_focus(&ctx);
        self.keyboard(&ctx, &mut actions);
        {
            let view = self.shown.view();
            let chrome = Chrome {
                dark: self.persisted.dark,
                recent: self.persisted.recent(&self.shown.profile),
                busy: self.shown.busy.as_ref(),
                watching: self.watching,
                alerts: self.persisted.alerts,
                other_pushing: self.other_pushing,
                last_message: self.status_line.shown(),
            };
            // Drawn in the Tab order: the top bar, the tabs, the projects, the view, the
            // status bar (the panels keep their places first).
            panels::top_bar::show(ui, &view, &chrome, &mut actions);
            let status = panels::status_bar::place(ui, self.status_height);
            let projects_place = panels::projects::ProjectsPanel::place(ui);
            let tab = self.persisted.tab;
            let tabs = &mut self.tabs;
            let projects = &mut self.projects;
            egui::CentralPanel::default().show(ui, |ui| {
                tabs.strip(ui, tab, &view, &mut actions);
                projects.show(ui, projects_place, &view, &mut actions);
                tabs.show(ui, tab, &view, &mut actions);
            });
            self.status_height = panels::status_bar::show(ui, status, &view, &chrome, &mut actions);
        }
        self.show_dialog(&ctx, now, &mut actions);
        if self.dialog.is_some() {
            // What is behind a modal dialog is out of screen readers' reach, as of the
            // pointer's and the keyboard's.
            crate::ui::a11y::hide(&ctx, ui.unique_id());
        }
        self.shield(&ctx, now);
        if self.dialog.is_none() && widgets::toasts(&ctx, &self.toasts) {
            actions.push(Action::DismissToasts);
        }
        // What opened a dialog; a field that Enter left (it gave up focus while drawn)
        // counts as acted on too.
        let acted_on = crate::ui::a11y::acted_on(&ctx).or(self.focus.focused);
        self.after_drawing_focus(&ctx);
        for a in actions {
            self.apply(a, &ctx);
        }
        self.follow_dialog_focus(&ctx, had_dialog, acted_on);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.persisted.project = self.shown.sel.project.clone();
        eframe::set_value(storage, eframe::APP_KEY, &self.persisted);
    }
}

impl App {
    fn show_dialog(&mut self, ctx: &egui::Context, now: f64, actions: &mut Vec<Action>) {
        let Some(mut dialog) = self.dialog.take() else {
            return;
        };
        let shown = dialog.show(ctx, &self.shown.view());
        if let Some(a) = shown.action {
            actions.push(a);
        }
        if shown.open {
            self.dialog = Some(dialog);
        } else {
            self.shield_until = now + SHIELD_SECONDS;
        }
    }

    /// While a dialog is open, messages wait: a toast never covers (and takes the clicks
    /// of) the dialog's controls, and its time runs again when the dialog closes. The
    /// status line and the Activity log have them at once.
    fn hold_toasts_under_a_dialog(&mut self, now: f64) {
        match (self.dialog.is_some(), self.toasts_held_since) {
            (true, None) => self.toasts_held_since = Some(now),
            (false, Some(since)) => {
                for t in &mut self.toasts {
                    // What was left of its time (at least half of it, so one that was
                    // about to go is still seen), or all of it when it came meanwhile.
                    t.at = if t.at < since {
                        (t.at + (now - since)).max(now - TOAST_SECONDS / 2.0)
                    } else {
                        now
                    };
                }
                self.toasts_held_since = None;
            }
            _ => {}
        }
    }

    /// Right after a dialog closes, a click (a double click's second half) must not reach
    /// what was behind it.
    fn shield(&mut self, ctx: &egui::Context, now: f64) {
        if now >= self.shield_until {
            return;
        }
        ctx.request_repaint_after(std::time::Duration::from_millis(50));
        let rect = ctx.content_rect();
        egui::Area::new(egui::Id::unique("click-shield"))
            .order(egui::Order::Foreground)
            .fixed_pos(rect.min)
            .interactable(true)
            .show(ctx, |ui| {
                ui.allocate_rect(rect, egui::Sense::click_and_drag());
            });
    }
}
