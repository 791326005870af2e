//! The engine as the GUI sees it: a background thread with a tokio runtime that takes
//! [`Command`]s, runs them one at a time on the workspace, and sends [`Event`]s back,
//! waking the UI through an injected repaint callback. Knows nothing of egui.

use super::config::Settings;
use super::demo::Demo;
use super::secrets::{self, SecretStore};
use super::state::{Mapping, StateStore};
use super::workspace::{CancelToken, Connection, EngineError, ImportProgress, Unlink, Workspace};
use crate::model::Directory;
use crate::model::secret::Secret;
use crate::net::{Observer, RequestRecord, RetryPolicy, WaitRecord};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

/// What to connect to.
pub enum Target {
    /// The embedded sandbox with demo data, kept between runs (`reset` starts over).
    Demo { reset: bool },
    /// A saved connection: tokens from the environment or the keyring.
    Saved(Settings),
    /// A ready connection and where its mappings live (tests, CLI-made setups).
    Direct {
        connection: Connection,
        state_dir: PathBuf,
        label: String,
        demo: bool,
    },
}

/// Everything the UI can ask the engine to do.
pub enum Command {
    Connect(Target),
    /// Import both directories.
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
        /// Removals the admin confirmed (the deletion guard stops above this).
        allowed_removals: usize,
    },
    Create {
        okta_group_id: String,
        project: String,
        team: String,
        push_now: bool,
    },
    Push {
        mapping_id: String,
        /// Removals the admin confirmed (the deletion guard stops above this).
        allowed_removals: usize,
    },
    /// Settle edits made directly in Statsig.
    ResolveDrift {
        mapping_id: String,
        choice: crate::model::mapping::DriftChoice,
    },
    RetryAll,
    SetActive {
        mapping_id: String,
        active: bool,
    },
    Unlink {
        mapping_id: String,
        how: Unlink,
        /// For Delete: the team's name, typed by the admin.
        confirmation: String,
    },
    /// Run one watch cycle now.
    WatchNow,
    /// Start or stop watching every `interval`.
    SetWatching {
        on: bool,
        interval: Duration,
    },
    /// Save settings and tokens (tokens go to the keyring only), then connect.
    SaveSettings {
        settings: Settings,
        statsig_token: Option<Secret>,
        okta_token: Option<Secret>,
    },
    /// Check that both endpoints answer with the given tokens; changes nothing.
    TestConnection {
        settings: Settings,
        statsig_token: Option<Secret>,
        okta_token: Option<Secret>,
    },
    /// Remove the saved tokens from the keyring.
    ForgetTokens {
        settings: Settings,
    },
    /// Open a snapshot read-only; `None` asks with the native open dialog.
    OpenSnapshot(Option<PathBuf>),
    /// Back to the live connection.
    CloseSnapshot,
    /// Export what is shown (live or the open snapshot); `None` asks where.
    ExportSnapshot {
        path: Option<PathBuf>,
        redact: bool,
    },
    /// Compare what is shown with a snapshot file; `None` asks which.
    Compare {
        path: Option<PathBuf>,
    },
    /// Write member rows as CSV; `None` asks where.
    ExportCsv {
        path: Option<PathBuf>,
        suggested_name: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// What the banner says of an open snapshot.
#[derive(Debug, Clone)]
pub struct SnapshotInfo {
    pub path: PathBuf,
    pub taken_at: String,
    pub source: crate::model::snapshot::Source,
    pub redacted: bool,
}

/// One line of the activity log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activity {
    Request(RequestRecord),
    Wait(WaitRecord),
}

/// What the engine tells the UI.
#[derive(Debug, Clone)]
pub enum Event {
    Connected {
        label: String,
        demo: bool,
        statsig_url: String,
        okta_url: String,
        guard: crate::model::mapping::Guard,
    },
    /// A job started (its label) or ended (`None`).
    Busy(Option<String>),
    Progress(ImportProgress),
    Imported(Arc<Directory>),
    Mappings(Vec<Mapping>),
    Activity(Activity),
    /// A job finished well: one sentence.
    Info(String),
    /// A job failed or was refused: one sentence.
    Error(String),
    /// The saved mappings file had a problem.
    Warning(String),
    /// A connection test's result.
    ConnectionTest(Result<String, String>),
    Watching(bool),
    /// A snapshot is open: show its data, read-only.
    SnapshotOpened {
        info: SnapshotInfo,
        directory: Arc<Directory>,
        mappings: Vec<Mapping>,
    },
    /// Back to live data (which follows as Imported and Mappings).
    SnapshotClosed,
    /// What changed between a snapshot file (before) and what is shown (after).
    Compared {
        against: PathBuf,
        comparison: crate::model::snapshot::Comparison,
    },
}

/// The UI's handle: send commands, drain events, cancel the running job.
pub struct EngineHandle {
    commands: tokio::sync::mpsc::UnboundedSender<Command>,
    events: mpsc::Receiver<Event>,
    cancel: CancelToken,
}

impl EngineHandle {
    /// Queues a command; never blocks.
    pub fn send(&self, command: Command) {
        let _ = self.commands.send(command);
    }

    /// Events that arrived since the last call.
    pub fn drain(&self) -> Vec<Event> {
        self.events.try_iter().collect()
    }

    /// Stops the running job between two requests.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }
}

struct Sink {
    tx: mpsc::Sender<Event>,
    wake: Arc<dyn Fn() + Send + Sync>,
}

impl Sink {
    fn send(&self, e: Event) {
        let _ = self.tx.send(e);
        (self.wake)();
    }
}

struct ActivityObserver(Arc<Sink>);

impl Observer for ActivityObserver {
    fn request(&self, record: RequestRecord) {
        self.0.send(Event::Activity(Activity::Request(record)));
    }
    fn wait(&self, record: WaitRecord) {
        self.0.send(Event::Activity(Activity::Wait(record)));
    }
}

/// Starts the engine thread. `wake` is called after every event (egui's request_repaint).
/// `store` is where tokens are kept (the OS keyring in the app, memory in tests).
pub fn spawn(wake: Arc<dyn Fn() + Send + Sync>, store: Arc<dyn SecretStore>) -> EngineHandle {
    let (cmd_tx, cmd_rx) = tokio::sync::mpsc::unbounded_channel();
    let (ev_tx, ev_rx) = mpsc::channel();
    let cancel = CancelToken::default();
    let sink = Arc::new(Sink { tx: ev_tx, wake });
    let loop_cancel = cancel.clone();
    let spawned = std::thread::Builder::new()
        .name("engine".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("engine-io")
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    sink.send(Event::Error(format!(
                        "The background engine could not start: {e}"
                    )));
                    return;
                }
            };
            rt.block_on(
                Runner {
                    sink,
                    store,
                    ws: None,
                    demo: None,
                    cancel: loop_cancel,
                    watching: None,
                    snapshot: None,
                }
                .run(cmd_rx),
            );
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the engine thread: {e}");
    }
    EngineHandle {
        commands: cmd_tx,
        events: ev_rx,
        cancel,
    }
}

struct Runner {
    sink: Arc<Sink>,
    store: Arc<dyn SecretStore>,
    ws: Option<Workspace>,
    demo: Option<Demo>,
    cancel: CancelToken,
    watching: Option<Duration>,
    /// The open snapshot, when reviewing offline.
    snapshot: Option<(PathBuf, crate::model::snapshot::Snapshot)>,
}

/// Asks for a file with the native dialog, off the async threads. Headless, it answers
/// `None` at once.
async fn pick_file(
    save: bool,
    suggested: String,
    kind: &'static str,
    ext: &'static str,
) -> Option<PathBuf> {
    tokio::task::spawn_blocking(move || {
        let dialog = rfd::FileDialog::new()
            .add_filter(kind, &[ext])
            .set_file_name(&suggested);
        if save {
            dialog.save_file()
        } else {
            dialog.pick_file()
        }
    })
    .await
    .ok()
    .flatten()
}

impl Runner {
    async fn run(mut self, mut rx: tokio::sync::mpsc::UnboundedReceiver<Command>) {
        loop {
            let command = match self.watching {
                Some(every) => match tokio::time::timeout(every, rx.recv()).await {
                    Ok(c) => c,
                    Err(_) => Some(Command::WatchNow),
                },
                None => rx.recv().await,
            };
            let Some(command) = command else { break };
            self.cancel.reset();
            self.handle(command).await;
            // The demo's data is kept for the next run (the CLI's --demo shares it).
            if let Some(demo) = &self.demo
                && let Err(e) = demo.persist()
            {
                tracing::warn!("could not save the demo data: {e}");
            }
            // Whatever happened, the job is over.
            self.send(Event::Busy(None));
        }
    }

    fn send(&self, e: Event) {
        self.sink.send(e);
    }

    fn publish_mappings(&self) {
        if let Some(ws) = &self.ws {
            self.send(Event::Mappings(ws.mappings().to_vec()));
        }
    }

    fn publish_directory(&self) {
        if let Some(ws) = &self.ws {
            self.send(Event::Imported(Arc::new(ws.directory().clone())));
        }
    }

    fn observer(&self) -> Arc<dyn Observer> {
        Arc::new(ActivityObserver(self.sink.clone()))
    }

    fn resolve(
        &self,
        settings: &Settings,
        statsig: Option<Secret>,
        okta: Option<Secret>,
    ) -> Result<Connection, String> {
        let get = |given: Option<Secret>,
                   env: &str,
                   service: &str,
                   url: &str|
         -> Result<Secret, String> {
            if let Some(s) = given.filter(|s| !s.is_empty()) {
                return Ok(s);
            }
            secrets::resolve(env, self.store.as_ref(), &secrets::account(service, url))
                .map_err(|e| e.0)?
                .ok_or_else(|| {
                    format!("No {service} token is stored for {url}; enter it in Settings.")
                })
        };
        Ok(Connection {
            statsig_token: get(
                statsig,
                secrets::STATSIG_ENV,
                "statsig",
                &settings.statsig_url,
            )?,
            okta_token: get(okta, secrets::OKTA_ENV, "okta", &settings.okta_url)?,
            statsig_url: settings.statsig_url.clone(),
            okta_url: settings.okta_url.clone(),
            projects: settings.projects.clone(),
            org_domains: settings.org_domains.clone(),
            batch_size: settings.batch_size,
            guard: settings.guard,
        })
    }

    async fn connect(&mut self, target: Target) {
        self.ws = None;
        self.demo = None;
        let (conn, store, label, demo) = match target {
            Target::Demo { reset } => {
                let demo = match Demo::start(reset).await {
                    Ok(d) => d,
                    Err(e) => {
                        return self.send(Event::Error(format!(
                            "The demo sandbox could not start: {e}"
                        )));
                    }
                };
                let r = (
                    demo.connection(),
                    demo.state_store(),
                    "Demo sandbox".to_string(),
                    true,
                );
                self.demo = Some(demo);
                r
            }
            Target::Saved(settings) => match self.resolve(&settings, None, None) {
                Ok(conn) => {
                    let label = format!(
                        "{} -> {}",
                        host_of(&settings.okta_url),
                        host_of(&settings.statsig_url)
                    );
                    (
                        conn,
                        StateStore::new(super::config::data_dir().join("state.json")),
                        label,
                        false,
                    )
                }
                Err(e) => return self.send(Event::Error(e)),
            },
            Target::Direct {
                connection,
                state_dir,
                label,
                demo,
            } => (
                connection,
                StateStore::new(state_dir.join("state.json")),
                label,
                demo,
            ),
        };
        let (statsig_url, okta_url, guard) =
            (conn.statsig_url.clone(), conn.okta_url.clone(), conn.guard);
        match Workspace::open(conn, store, RetryPolicy::default(), self.observer()) {
            Ok((mut ws, warning)) => {
                // The UI's Cancel reaches the workspace's jobs.
                ws.cancel = self.cancel.clone();
                self.ws = Some(ws);
                if let Some(w) = warning {
                    self.send(Event::Warning(w));
                }
                self.send(Event::Connected {
                    label,
                    demo,
                    statsig_url,
                    okta_url,
                    guard,
                });
                self.publish_mappings();
                self.import().await;
            }
            Err(e) => self.send(Event::Error(e.to_string())),
        }
    }

    async fn import(&mut self) {
        let sink = self.sink.clone();
        let Some(ws) = self.ws.as_mut() else {
            return self.send(Event::Error(
                "Not connected: open Settings or use the demo.".into(),
            ));
        };
        self.sink.send(Event::Busy(Some("Importing".into())));
        let r = ws
            .import(move |p| sink.send(Event::Progress(p)))
            .await
            .map(|d| (d.statsig_groups.len(), d.okta_groups.len()));
        self.sink.send(Event::Busy(None));
        match r {
            Ok((s, o)) => {
                self.publish_directory();
                self.publish_mappings();
                self.send(Event::Info(format!(
                    "Imported {s} Statsig groups and {o} Okta groups."
                )));
            }
            Err(e) => self.send(Event::Error(format!("Import failed: {e}"))),
        }
    }

    async fn job<T>(
        &mut self,
        label: &str,
        f: impl AsyncFnOnce(&mut Workspace) -> Result<T, EngineError>,
        done: impl FnOnce(T) -> String,
    ) {
        let Some(ws) = self.ws.as_mut() else {
            return self.send(Event::Error(
                "Not connected: open Settings or use the demo.".into(),
            ));
        };
        self.sink.send(Event::Busy(Some(label.to_string())));
        let r = f(ws).await;
        self.sink.send(Event::Busy(None));
        self.publish_directory();
        self.publish_mappings();
        match r {
            Ok(v) => self.send(Event::Info(done(v))),
            Err(e) => self.send(Event::Error(e.to_string())),
        }
    }

    fn read_only(&self, command: &Command) -> bool {
        self.snapshot.is_some()
            && !matches!(
                command,
                Command::Connect(_)
                    | Command::OpenSnapshot(_)
                    | Command::CloseSnapshot
                    | Command::ExportSnapshot { .. }
                    | Command::Compare { .. }
                    | Command::ExportCsv { .. }
                    | Command::SetWatching { .. }
                    | Command::TestConnection { .. }
                    | Command::ForgetTokens { .. }
                    | Command::SaveSettings { .. }
            )
    }

    /// What is shown now, as a snapshot.
    fn current(&self) -> Option<crate::model::snapshot::Snapshot> {
        match (&self.snapshot, &self.ws) {
            (Some((_, s)), _) => Some(s.clone()),
            (None, Some(ws)) => Some(ws.snapshot(self.demo.is_some())),
            (None, None) => None,
        }
    }

    async fn handle(&mut self, command: Command) {
        if self.read_only(&command) {
            return self.send(Event::Error(
                "A snapshot is open (read-only); close it to send requests.".into(),
            ));
        }
        match command {
            Command::OpenSnapshot(path) => {
                let Some(path) = (match path {
                    Some(p) => Some(p),
                    None => pick_file(false, String::new(), "Snapshot", "json").await,
                }) else {
                    return self.send(Event::Info("No file was chosen.".into()));
                };
                self.send(Event::Busy(Some("Opening the snapshot".into())));
                let p = path.clone();
                let opened = tokio::task::spawn_blocking(move || super::files::open_snapshot(&p))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()));
                match opened {
                    Ok(snap) => {
                        let info = SnapshotInfo {
                            path: path.clone(),
                            taken_at: snap.taken_at.clone(),
                            source: snap.source.clone(),
                            redacted: snap.redacted,
                        };
                        let directory = Arc::new(snap.directory());
                        let mappings = snap.mappings.clone();
                        self.watching = None;
                        self.snapshot = Some((path, snap));
                        self.send(Event::SnapshotOpened {
                            info,
                            directory,
                            mappings,
                        });
                    }
                    // The current view stays as it was.
                    Err(e) => self.send(Event::Error(e)),
                }
            }
            Command::CloseSnapshot => {
                self.snapshot = None;
                self.send(Event::SnapshotClosed);
                self.publish_directory();
                self.publish_mappings();
            }
            Command::ExportSnapshot { path, redact } => {
                let Some(snap) = self.current() else {
                    return self.send(Event::Error(
                        "Nothing to export yet: import first, or open a snapshot.".into(),
                    ));
                };
                let suggested = format!(
                    "statsig-teams-{}{}.json",
                    snap.taken_at.get(..10).unwrap_or("snapshot"),
                    if redact { "-redacted" } else { "" }
                );
                let Some(path) = (match path {
                    Some(p) => Some(p),
                    None => pick_file(true, suggested, "Snapshot", "json").await,
                }) else {
                    return self.send(Event::Info(
                        "No file was chosen; nothing was exported.".into(),
                    ));
                };
                let snap = if redact { snap.redacted() } else { snap };
                let p = path.clone();
                match tokio::task::spawn_blocking(move || super::files::export_snapshot(&p, &snap))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()))
                {
                    Ok(()) => self.send(Event::Info(format!(
                        "Snapshot saved{}: {}",
                        if redact { " (redacted)" } else { "" },
                        path.display()
                    ))),
                    Err(e) => self.send(Event::Error(e)),
                }
            }
            Command::Compare { path } => {
                let Some(current) = self.current() else {
                    return self.send(Event::Error(
                        "Nothing to compare yet: import first, or open a snapshot.".into(),
                    ));
                };
                let Some(path) = (match path {
                    Some(p) => Some(p),
                    None => pick_file(false, String::new(), "Snapshot", "json").await,
                }) else {
                    return self.send(Event::Info("No file was chosen.".into()));
                };
                let p = path.clone();
                match tokio::task::spawn_blocking(move || super::files::open_snapshot(&p))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()))
                {
                    Ok(before) => {
                        let comparison = crate::model::snapshot::compare(&before, &current);
                        self.send(Event::Compared {
                            against: path,
                            comparison,
                        });
                    }
                    Err(e) => self.send(Event::Error(e)),
                }
            }
            Command::ExportCsv {
                path,
                suggested_name,
                header,
                rows,
            } => {
                let Some(path) = (match path {
                    Some(p) => Some(p),
                    None => pick_file(true, suggested_name, "CSV", "csv").await,
                }) else {
                    return self.send(Event::Info(
                        "No file was chosen; nothing was exported.".into(),
                    ));
                };
                let header: Vec<&str> = header.iter().map(String::as_str).collect();
                match super::files::export_csv(&path, &header, &rows) {
                    Ok(()) => self.send(Event::Info(format!(
                        "{} rows saved: {}",
                        rows.len(),
                        path.display()
                    ))),
                    Err(e) => self.send(Event::Error(e)),
                }
            }
            Command::Connect(t) => self.connect(t).await,
            Command::Import => self.import().await,
            Command::CreateMappingGroup {
                name,
                description,
                user_ids,
            } => {
                self.job(
                    "Creating the Okta group",
                    async |ws| {
                        ws.create_mapping_group(&name, &description, &user_ids)
                            .await
                    },
                    |g| {
                        format!(
                            "Created Okta group \"{}\" with {} members.",
                            g.name,
                            g.members.len()
                        )
                    },
                )
                .await
            }
            Command::Link {
                okta_group_id,
                statsig_group_id,
                push_now,
                allowed_removals,
            } => {
                self.job(
                    "Linking",
                    async |ws| {
                        ws.link_confirmed(
                            &okta_group_id,
                            &statsig_group_id,
                            push_now,
                            allowed_removals,
                        )
                        .await
                    },
                    |m| format!("Linked {} to {}.", m.okta_group_name, m.statsig_group_name),
                )
                .await
            }
            Command::Create {
                okta_group_id,
                project,
                team,
                push_now,
            } => {
                self.job(
                    "Creating the team",
                    async |ws| ws.create(&okta_group_id, &project, &team, push_now).await,
                    |m| {
                        format!(
                            "Created {} from {}.",
                            m.statsig_group_name, m.okta_group_name
                        )
                    },
                )
                .await
            }
            Command::ResolveDrift { mapping_id, choice } => {
                self.job(
                    "Settling the drift",
                    async |ws| ws.resolve_drift(&mapping_id, choice).await,
                    |_| match choice {
                        crate::model::mapping::DriftChoice::Overwrite => {
                            "Statsig now has Okta's membership again.".to_string()
                        }
                        crate::model::mapping::DriftChoice::Adopt => {
                            "The Okta group adopted the members added in Statsig.".to_string()
                        }
                        crate::model::mapping::DriftChoice::Pause => {
                            "Paused: Statsig keeps its edits; nothing is pushed.".to_string()
                        }
                    },
                )
                .await
            }
            Command::Push {
                mapping_id,
                allowed_removals,
            } => {
                self.job(
                    "Pushing",
                    async |ws| ws.confirm_removals(&mapping_id, allowed_removals).await,
                    |r| {
                        format!(
                            "Pushed {}: {}.",
                            r.plan.statsig_group_name,
                            r.plan.summary()
                        )
                    },
                )
                .await
            }
            Command::RetryAll => {
                self.job(
                    "Retrying errors",
                    async |ws| {
                        let failed = ws.retry_errors().await;
                        match failed.first() {
                            None => Ok(()),
                            Some((_, e)) => Err(EngineError::Refused(format!(
                                "{} mapping(s) still fail; the first: {e}",
                                failed.len()
                            ))),
                        }
                    },
                    |_| "Every errored mapping was pushed again.".to_string(),
                )
                .await
            }
            Command::SetActive { mapping_id, active } => {
                self.job(
                    if active { "Activating" } else { "Deactivating" },
                    async |ws| ws.set_active(&mapping_id, active).await,
                    |_| {
                        if active {
                            "Activated and pushed.".to_string()
                        } else {
                            "Deactivated: memberships stay, nothing is pushed.".to_string()
                        }
                    },
                )
                .await
            }
            Command::Unlink {
                mapping_id,
                how,
                confirmation,
            } => {
                self.job(
                    "Unlinking",
                    async |ws| ws.unlink(&mapping_id, how, &confirmation).await,
                    |m| match how {
                        Unlink::Delete => format!(
                            "Unlinked {} and deleted {} in Statsig.",
                            m.okta_group_name, m.statsig_group_name
                        ),
                        Unlink::Leave => format!(
                            "Unlinked {}; {} was left in Statsig as it is.",
                            m.okta_group_name, m.statsig_group_name
                        ),
                    },
                )
                .await
            }
            Command::WatchNow => {
                if self.ws.is_none() {
                    return;
                }
                self.job(
                    "Watching for changes",
                    async |ws| ws.watch_once().await,
                    |r| {
                        format!(
                            "Watch: {} Okta group(s) changed, {} pushed, {} with drift.",
                            r.okta_groups_changed,
                            r.pushed.len(),
                            r.drifted.len()
                        )
                    },
                )
                .await
            }
            Command::SetWatching { on, interval } => {
                self.watching = on.then_some(interval);
                self.send(Event::Watching(on));
            }
            Command::SaveSettings {
                settings,
                statsig_token,
                okta_token,
            } => {
                for url in [&settings.statsig_url, &settings.okta_url] {
                    if let Err(e) = crate::net::check_base_url(url) {
                        return self.send(Event::Error(e));
                    }
                }
                for (service, url, token) in [
                    ("statsig", &settings.statsig_url, &statsig_token),
                    ("okta", &settings.okta_url, &okta_token),
                ] {
                    if let Some(t) = token.as_ref().filter(|t| !t.is_empty())
                        && let Err(e) = self.store.set(&secrets::account(service, url), t)
                    {
                        return self.send(Event::Error(e.0));
                    }
                }
                if let Err(e) = settings.save() {
                    return self.send(Event::Error(e));
                }
                self.send(Event::Info(
                    "Settings saved; tokens are in the OS keyring.".into(),
                ));
                self.connect(Target::Saved(settings)).await;
            }
            Command::TestConnection {
                settings,
                statsig_token,
                okta_token,
            } => {
                let r = self
                    .test_connection(&settings, statsig_token, okta_token)
                    .await;
                self.send(Event::ConnectionTest(r));
            }
            Command::ForgetTokens { settings } => {
                let r = [
                    ("statsig", &settings.statsig_url),
                    ("okta", &settings.okta_url),
                ]
                .iter()
                .try_for_each(|(s, u)| self.store.delete(&secrets::account(s, u)));
                match r {
                    Ok(()) => self.send(Event::Info("Tokens removed from the OS keyring.".into())),
                    Err(e) => self.send(Event::Error(e.0)),
                }
            }
        }
    }

    async fn test_connection(
        &self,
        settings: &Settings,
        statsig: Option<Secret>,
        okta: Option<Secret>,
    ) -> Result<String, String> {
        let conn = self.resolve(settings, statsig, okta)?;
        let policy = RetryPolicy {
            max_attempts: 1,
            timeout: Duration::from_secs(15),
            ..RetryPolicy::default()
        };
        let scim = crate::scim::ScimClient::new(
            &conn.statsig_url,
            conn.statsig_token.clone(),
            policy.clone(),
            self.observer(),
        )
        .map_err(|e| e.to_string())?;
        let okta = crate::okta::OktaClient::new(
            &conn.okta_url,
            conn.okta_token.clone(),
            policy,
            self.observer(),
        )
        .map_err(|e| e.to_string())?;
        let (a, b) = tokio::join!(scim.service_provider_config(), okta.check());
        a.map_err(|e| e.to_string())?;
        b.map_err(|e| e.to_string())?;
        Ok("Both endpoints answered with these tokens.".into())
    }
}

fn host_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| url.to_string())
}
