//! The engine as the app sees it: a background thread with a tokio runtime that takes
//! [`Command`]s, runs them one job at a time, and sends [`Event`]s back, waking the app
//! through an injected repaint callback. The engine alone knows which job runs: it says so
//! once when a job starts and once when it ends, with the job's id. Knows nothing of egui.

mod command;
mod connect;
mod jobs;
mod restore;
mod snapshots;

pub use command::{
    Activity, Command, ConnectionInfo, Event, JobId, JobKind, RestoreRequest, SnapshotInfo, Target,
    Ticket,
};

use super::config::Settings;
use super::demo::Demo;
use super::error::Result;
use super::paths::{DataDir, ProfileLock};
use super::secrets::SecretStore;
use super::workspace::Workspace;
use crate::model::mapping::Mapping;
use crate::model::snapshot::Snapshot;
use crate::model::text::plural;
use crate::net::{CancelToken, Observer, RequestRecord, WaitRecord};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

/// How often an idle engine looks for changes another run of the app made.
const IDLE_CHECK: Duration = Duration::from_secs(2);

/// This window's hold on its profile (see [`DataDir::lock`]), shared with the handle so
/// that closing the window lets go at once.
type Held = Arc<std::sync::Mutex<Option<ProfileLock>>>;

/// The app's handle: send commands, drain events, cancel the running job.
pub struct EngineHandle {
    commands: tokio::sync::mpsc::UnboundedSender<(Ticket, Command)>,
    /// The last ticket given.
    tickets: std::sync::atomic::AtomicU64,
    events: mpsc::Receiver<Event>,
    cancel: CancelToken,
    held: Held,
}

impl Drop for EngineHandle {
    /// The window is gone: its profile is free for another window now, not when the
    /// engine's last job ends.
    fn drop(&mut self) {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).take();
    }
}

impl EngineHandle {
    /// Queues a command; never blocks. A change of connection stops the running job first.
    /// Its job's result comes back with the ticket returned.
    pub fn send(&self, command: Command) -> Ticket {
        if command.preempts() {
            self.cancel.cancel();
        }
        let ticket = Ticket(
            self.tickets
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                + 1,
        );
        let _ = self.commands.send((ticket, command));
        ticket
    }

    /// Events that arrived since the last call.
    pub fn drain(&self) -> Vec<Event> {
        self.events.try_iter().collect()
    }

    /// Stops the running job: a wait ends at once, a request in flight is not repeated.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }
}

/// Where events go: the channel, then a wake-up of the app.
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

/// Starts the engine thread. `wake` is called after every event (egui's request_repaint);
/// `store` is where tokens are kept (the OS keyring in the app, memory in tests); `data`
/// is the data folder.
pub fn spawn(
    wake: Arc<dyn Fn() + Send + Sync>,
    store: Arc<dyn SecretStore>,
    data: DataDir,
) -> EngineHandle {
    let (cmd_tx, cmd_rx) = tokio::sync::mpsc::unbounded_channel();
    let (ev_tx, ev_rx) = mpsc::channel();
    let cancel = CancelToken::default();
    let sink = Arc::new(Sink { tx: ev_tx, wake });
    let held = Held::default();
    let runner = Runner {
        held: held.clone(),
        sink: sink.clone(),
        store,
        data,
        ws: None,
        demo: None,
        cancel: cancel.clone(),
        watching: None,
        alerts: true,
        snapshot: None,
        jobs: 0,
        published: Published::default(),
        other_pushing: false,
        saved: None,
        this_run: Default::default(),
        showing_demo: Default::default(),
        this_run_targets: Default::default(),
        asking: Ticket::default(),
    };
    let spawned = std::thread::Builder::new()
        .name("engine".into())
        .spawn(move || {
            match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("engine-io")
                .enable_all()
                .build()
            {
                Ok(rt) => rt.block_on(runner.run(cmd_rx)),
                Err(e) => sink.send(Event::Warning(format!(
                    "The background engine could not start: {e}"
                ))),
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the engine thread: {e}");
    }
    EngineHandle {
        commands: cmd_tx,
        tickets: Default::default(),
        events: ev_rx,
        cancel,
        held,
    }
}

/// What the app was last sent, so only changes are sent again.
#[derive(Default)]
struct Published {
    generation: Option<u64>,
    batch_size: usize,
    mappings: Option<Vec<Mapping>>,
    mode: Option<super::workspace::ModeReport>,
    rules: Option<Vec<crate::model::push_rule::PushRule>>,
    profiles: Option<Vec<String>>,
    cached: Option<Option<String>>,
}

struct Runner {
    sink: Arc<Sink>,
    store: Arc<dyn SecretStore>,
    data: DataDir,
    ws: Option<Workspace>,
    demo: Option<Demo>,
    cancel: CancelToken,
    watching: Option<Duration>,
    /// Raise desktop notifications while watching (`engine::alerts`).
    alerts: bool,
    /// The open snapshot, when reviewing offline.
    snapshot: Option<(PathBuf, Snapshot)>,
    jobs: u64,
    published: Published,
    other_pushing: bool,
    /// The saved settings of the connection, when it is the saved one.
    saved: Option<Settings>,
    /// Tokens typed in this run on a computer without an OS keyring (memory only).
    this_run: super::secrets::MemoryStore,
    /// Profiles that were showing the demo when the app switched away from them.
    showing_demo: std::collections::HashSet<String>,
    /// Connections given for this run (command-line flags, a ready connection), by the
    /// profile that showed them: switching back to that profile shows them again.
    this_run_targets: std::collections::HashMap<String, Target>,
    /// This window's hold on its profile, taken at its first connection (a snapshot
    /// opens without it).
    held: Held,
    /// The request the running job answers.
    asking: Ticket,
}

impl Runner {
    async fn run(mut self, mut rx: tokio::sync::mpsc::UnboundedReceiver<(Ticket, Command)>) {
        self.send_profiles();
        self.send_saved_settings();
        let mut idle = tokio::time::interval(IDLE_CHECK);
        idle.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut next_watch = tokio::time::Instant::now();
        loop {
            let watching = self.watching;
            let (ticket, command) = tokio::select! {
                c = rx.recv() => match c {
                    Some(c) => c,
                    None => break,
                },
                _ = tokio::time::sleep_until(next_watch), if watching.is_some() => {
                    (Ticket::default(), Command::WatchNow)
                }
                _ = idle.tick() => {
                    self.idle_check();
                    continue;
                }
            };
            if matches!(command, Command::WatchNow)
                && let Some(every) = self.watching
            {
                next_watch = tokio::time::Instant::now() + every;
            }
            // Turned on, the watcher looks at once (then every `interval`): an admin who
            // ticks the box learns now, not a minute later, what changed meanwhile.
            if let Command::SetWatching { on: true, .. } = &command
                && self.watching.is_none()
            {
                next_watch = tokio::time::Instant::now();
            }
            self.handle(ticket, command).await;
        }
        if let Some(demo) = &self.demo {
            demo.persist_if_changed();
        }
    }

    fn send(&self, e: Event) {
        self.sink.send(e);
    }

    fn observer(&self) -> Arc<dyn Observer> {
        Arc::new(ActivityObserver(self.sink.clone()))
    }

    /// Sends the directory and the mappings when they changed since last sent. The
    /// directory is shared, never copied.
    fn publish(&mut self) {
        if self.snapshot.is_some() {
            return;
        }
        let Some(ws) = &self.ws else { return };
        let (generation, batch_size) = (ws.generation(), ws.batch_size());
        // Generation 0 is no directory yet (nothing read or cached): not one to show.
        if generation > 0
            && (self.published.generation != Some(generation)
                || self.published.batch_size != batch_size)
        {
            self.published.generation = Some(generation);
            self.published.batch_size = batch_size;
            self.sink.send(Event::Directory {
                directory: ws.shared_directory(),
                generation,
                batch_size,
            });
        }
        let cached = ws.warm().map(|w| w.read_at.clone());
        if self.published.cached.as_ref() != Some(&cached) {
            self.published.cached = Some(cached.clone());
            self.sink.send(Event::Cached(cached));
        }
        if let Some(report) = ws.mode_report()
            && self.published.mode.as_ref() != Some(report)
        {
            self.published.mode = Some(report.clone());
            self.sink.send(Event::Mode(report.clone()));
        }
        if self.published.mappings.as_deref() != Some(ws.mappings()) {
            let m = ws.mappings().to_vec();
            self.published.mappings = Some(m.clone());
            self.sink.send(Event::Mappings(m));
        }
        if self.published.rules.as_deref() != Some(ws.rules()) {
            let r = ws.rules().to_vec();
            self.published.rules = Some(r.clone());
            self.sink.send(Event::Rules(r));
        }
    }

    /// The profiles, for the top bar's switcher (again only when they changed, e.g. one
    /// made by `login --profile`).
    fn send_profiles(&mut self) {
        let all = self.data.profiles();
        if self.published.profiles.as_ref() == Some(&all) {
            return;
        }
        self.published.profiles = Some(all.clone());
        self.send(Event::Profiles {
            current: self.data.profile().to_string(),
            all,
        });
    }

    /// Reads the saved settings for the UI (an unreadable file is a warning; Settings then
    /// opens on the defaults and saving writes a good file).
    fn send_saved_settings(&self) {
        let settings = match Settings::load(&self.data) {
            Ok(s) => s.unwrap_or_default(),
            Err(e) => {
                self.send(Event::Warning(e.to_string()));
                Settings::default()
            }
        };
        self.send(Event::Settings(Box::new(settings)));
    }

    /// Between jobs: keep the demo's data saved, show what another run of the app changed,
    /// and say when another run is pushing.
    fn idle_check(&mut self) {
        if let Some(demo) = &self.demo {
            demo.persist_if_changed();
        }
        self.send_profiles();
        let Some(ws) = &mut self.ws else { return };
        ws.sync();
        let pushing = ws.someone_else_pushing();
        if pushing != self.other_pushing {
            self.other_pushing = pushing;
            self.send(Event::OtherInstancePushing(pushing));
        }
        self.publish();
    }

    async fn handle(&mut self, ticket: Ticket, command: Command) {
        self.asking = ticket;
        let Some(kind) = command.job() else {
            // A setting: done at once, no job.
            let _ = self.perform(command).await;
            return;
        };
        self.cancel.reset();
        self.jobs += 1;
        let id = JobId(self.jobs);
        self.send(Event::JobStarted { id, kind });
        let outcome = if self.snapshot.is_some() && command.sends() {
            Err(super::error::refused(
                "A snapshot is open (read-only); close it to send requests.",
            ))
        } else {
            if let Some(ws) = &mut self.ws {
                ws.sync();
            }
            self.perform(command).await
        };
        self.publish();
        if let Some(demo) = &self.demo {
            demo.persist_if_changed();
        }
        self.send(Event::JobFinished {
            id,
            kind,
            ticket,
            outcome,
        });
    }

    /// A setting: answers at once, with nothing to say.
    fn set_alerts(&mut self, on: bool) -> Result<String> {
        self.alerts = on;
        Ok(String::new())
    }

    /// A setting: answers at once, with nothing to say.
    fn set_watching(&mut self, on: bool, interval: std::time::Duration) -> Result<String> {
        self.watching = (on && self.snapshot.is_none()).then_some(interval);
        self.send(Event::Watching(self.watching.is_some()));
        Ok(String::new())
    }

    /// A setting: back to the live connection.
    fn close_snapshot(&mut self) -> Result<String> {
        self.snapshot = None;
        self.send(Event::SnapshotClosed);
        self.published = Published::default();
        self.publish();
        Ok(String::new())
    }

    fn workspace(&mut self) -> Result<&mut Workspace> {
        self.ws.as_mut().ok_or_else(|| {
            super::error::refused("Not connected: open Settings or use the demo sandbox.")
        })
    }

    /// Does what a command asks: the one `match` over commands, naming each (a command left
    /// unwired fails to compile). Settings answer at once with an empty sentence.
    async fn perform(&mut self, command: Command) -> Result<String> {
        match command {
            Command::SetWatching { on, interval } => self.set_watching(on, interval),
            Command::SetAlerts { on } => self.set_alerts(on),
            Command::CloseSnapshot => self.close_snapshot(),
            Command::Connect(target) => self.connect(target).await,
            Command::SwitchProfile { name, create } => self.switch_profile(&name, create).await,
            Command::SaveSettings {
                settings,
                statsig_token,
                okta_token,
                test_first,
            } => {
                self.save_settings(*settings, statsig_token, okta_token, test_first)
                    .await
            }
            Command::TestConnection {
                settings,
                statsig_token,
                okta_token,
            } => {
                self.test_connection(&settings, statsig_token, okta_token)
                    .await
            }
            Command::ForgetTokens { settings } => self.forget_tokens(&settings),
            Command::ChooseApp { app_id } => self.choose_app(app_id).await,
            Command::FindApps {
                settings,
                okta_token,
            } => self.find_apps(&settings, okta_token).await,
            Command::ImportNow => self.import_now().await,
            Command::ReadHistory => self.read_history().await,
            Command::Import => self.import().await,
            Command::ApplyRule {
                id,
                unticked,
                allowed_removals,
            } => self.apply_rule(&id, &unticked, allowed_removals).await,
            Command::PlanRestore(request) => self.plan_restore(request).await,
            Command::ApplyRestore { request, unticked } => {
                self.apply_restore(request, &unticked).await
            }
            Command::OpenSnapshot(path) => self.open_snapshot(path).await,
            Command::ExportSnapshot { path, redact } => self.export_snapshot(path, redact).await,
            Command::Compare { path } => self.compare(path).await,
            Command::ExportCsv { path, header, rows } => Self::export_csv(&path, &header, &rows),
            Command::CreateMappingGroup {
                name,
                description,
                user_ids,
            } => {
                jobs::create_mapping_group(self.workspace()?, &name, &description, &user_ids).await
            }
            Command::SetOktaMembers {
                group_id,
                add,
                remove,
            } => jobs::set_okta_members(self.workspace()?, &group_id, &add, &remove).await,
            Command::Link {
                okta_group_id,
                statsig_group_id,
                push_now,
                allowed_removals,
            } => {
                let (okta, team) = (&okta_group_id, &statsig_group_id);
                jobs::link(self.workspace()?, okta, team, push_now, allowed_removals).await
            }
            Command::Create {
                okta_group_id,
                project,
                team,
                push_now,
            } => jobs::create(self.workspace()?, &okta_group_id, &project, &team, push_now).await,
            Command::Unlink {
                mapping_id,
                how,
                confirmation,
            } => jobs::unlink(self.workspace()?, &mapping_id, how, &confirmation).await,
            Command::Push {
                mapping_id,
                allowed_removals,
            } => jobs::push(self.workspace()?, &mapping_id, allowed_removals).await,
            Command::ResolveDrift { mapping_id, choice } => {
                self.workspace()?.resolve_drift(&mapping_id, choice).await
            }
            Command::RetryAll => jobs::retry_all(self.workspace()?).await,
            Command::SetActive {
                mapping_id,
                active,
                allowed_removals,
            } => jobs::set_active(self.workspace()?, &mapping_id, active, allowed_removals).await,
            Command::WatchNow => jobs::watch(self.ws.as_mut(), self.alerts).await,
            Command::SaveRule(rule) => jobs::save_rule(self.workspace()?, *rule),
            Command::RemoveRule { id } => jobs::remove_rule(self.workspace()?, &id),
        }
    }

    /// Reads the history and publishes it for the timelines.
    async fn read_history(&mut self) -> Result<String> {
        let h = self.workspace()?.history().await?;
        let said = jobs::history_read(&h);
        self.send(Event::History(Arc::new(h)));
        Ok(said)
    }

    /// Imports: the views get what they need first, then fill in as the other Okta
    /// groups' members come in (about once a second).
    async fn import(&mut self) -> Result<String> {
        let sink = self.sink.clone();
        self.workspace()?
            .import_first(move |p| sink.send(Event::Progress(p)))
            .await?;
        while self.workspace()?.members_pending() {
            self.publish();
            self.workspace()?
                .read_pending_members(std::time::Duration::from_secs(1))
                .await?;
        }
        let ws = self.workspace()?;
        let d = ws.directory();
        let mut said = format!(
            "Imported {} and {}.",
            plural(d.statsig_groups.len(), "Statsig group"),
            plural(d.okta_groups.len(), "Okta group")
        );
        for line in ws.rules_after_a_look(false).await? {
            said.push(' ');
            said.push_str(&line);
        }
        Ok(said)
    }

    async fn apply_rule(
        &mut self,
        id: &str,
        unticked: &[String],
        allowed_removals: usize,
    ) -> Result<String> {
        let sink = self.sink.clone();
        let ws = self.workspace()?;
        let name = ws.rule(id)?.name.clone();
        let report = move |done, total, left| {
            sink.send(Event::Progress(super::workspace::ImportProgress {
                stage: "Mappings made",
                done,
                total,
                left,
            }));
        };
        let done = ws
            .apply_rule(id, unticked, allowed_removals, &report)
            .await?;
        let summary = done.summary(&name);
        match done.failed.first() {
            Some((group, e)) => Err(super::error::partly(summary, group.clone(), e.clone())),
            None => Ok(summary),
        }
    }
}
