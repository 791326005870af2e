//! What the app can ask the engine to do ([`Command`]), and what the engine tells it back
//! ([`Event`]). One enum each: the app sends the engine's own commands, never a copy.

use crate::engine::backend::Unlink;
use crate::engine::config::Settings;
use crate::engine::connection::Connection;
use crate::engine::error::EngineError;
use crate::engine::workspace::history::History;
use crate::engine::workspace::{ImportProgress, ModeReport};
use crate::model::Directory;
use crate::model::compare::Comparison;
use crate::model::mapping::{DriftChoice, Guard, Mapping};
use crate::model::okta_app::OktaApp;
use crate::model::push_rule::PushRule;
use crate::model::secret::Secret;
use crate::model::snapshot::Source;
use crate::net::{RequestRecord, WaitRecord};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What to connect to.
#[derive(Clone)]
pub enum Target {
    /// The embedded sandbox with demo data, kept between runs (`reset` starts over).
    Demo {
        /// Forget the saved demo data and mappings first.
        reset: bool,
    },
    /// A saved connection: tokens from the environment or the keyring.
    Saved(Box<Settings>),
    /// A connection given on the command line (`--okta-url`, `--statsig-url`, …) over the
    /// saved settings, for this run: tokens from the environment or the keyring, saved
    /// only when the admin saves in Settings.
    Flags(Box<Settings>),
    /// A ready connection and where its mappings live (tests, CLI-made setups).
    Direct {
        /// The connection, tokens included.
        connection: Box<Connection>,
        /// The folder of its state file.
        state_dir: PathBuf,
        /// What the top bar calls it.
        label: String,
        /// Whether it is the demo.
        demo: bool,
    },
}

/// Everything the app can ask the engine to do.
pub enum Command {
    /// Connect (pre-empts the running job), then import.
    Connect(Target),
    /// Import both directories.
    Import,
    /// Create an Okta group of chosen users.
    CreateMappingGroup {
        /// Its name.
        name: String,
        /// Its description.
        description: String,
        /// Okta user ids.
        user_ids: Vec<String>,
    },
    /// Add and remove users of an Okta group (a mapping group).
    SetOktaMembers {
        /// The Okta group.
        group_id: String,
        /// Okta users to add.
        add: Vec<String>,
        /// Okta users to remove.
        remove: Vec<String>,
    },
    /// "Link group".
    Link {
        /// The Okta group pushed.
        okta_group_id: String,
        /// The team group it feeds.
        statsig_group_id: String,
        /// Push memberships at once.
        push_now: bool,
        /// Removals the admin confirmed (the deletion guard stops above this).
        allowed_removals: usize,
    },
    /// "Create group".
    Create {
        /// The Okta group pushed.
        okta_group_id: String,
        /// The project of the new team.
        project: String,
        /// The new team's name.
        team: String,
        /// Push memberships at once.
        push_now: bool,
    },
    /// "Push now".
    Push {
        /// The mapping.
        mapping_id: String,
        /// Removals the admin confirmed (the deletion guard stops above this).
        allowed_removals: usize,
    },
    /// Settle edits made directly in Statsig.
    ResolveDrift {
        /// The mapping.
        mapping_id: String,
        /// How.
        choice: DriftChoice,
    },
    /// Push every mapping in Error again.
    RetryAll,
    /// Activate (and push) or deactivate a mapping.
    SetActive {
        /// The mapping.
        mapping_id: String,
        /// Activate when true.
        active: bool,
        /// Removals the admin confirmed past the deletion guard (activating only).
        allowed_removals: usize,
    },
    /// Unlink a mapping.
    Unlink {
        /// The mapping.
        mapping_id: String,
        /// Delete the team, or leave it.
        how: Unlink,
        /// For Delete: the team's name, typed by the admin.
        confirmation: String,
    },
    /// Run one watch cycle now.
    WatchNow,
    /// Start or stop watching every `interval`.
    SetWatching {
        /// On or off.
        on: bool,
        /// How often.
        interval: Duration,
    },
    /// Raise desktop notifications while watching (a mapping entering Error, new drift,
    /// a new error-level finding), or not.
    SetAlerts {
        /// On or off.
        on: bool,
    },
    /// Switch to connection profile `name` (made first when `create`), then connect to its
    /// saved connection, if it has one. Nothing of the previous profile stays shown.
    SwitchProfile {
        /// The profile.
        name: String,
        /// Make it: a new, empty profile.
        create: bool,
    },
    /// Save settings and tokens (tokens go to the keyring only), then connect. The
    /// engine says [`Event::Connected`] once they are saved, before the import.
    SaveSettings {
        /// The settings.
        settings: Box<Settings>,
        /// A new Statsig token, if typed.
        statsig_token: Option<Secret>,
        /// A new Okta token, if typed.
        okta_token: Option<Secret>,
        /// Test both endpoints first, and save nothing unless they answer.
        test_first: bool,
    },
    /// Check that both endpoints answer with the given tokens; changes nothing.
    TestConnection {
        /// The settings to test.
        settings: Box<Settings>,
        /// A typed Statsig token, else the stored one.
        statsig_token: Option<Secret>,
        /// A typed Okta token, else the stored one.
        okta_token: Option<Secret>,
    },
    /// Remove the saved tokens from the keyring.
    ForgetTokens {
        /// Whose tokens.
        settings: Box<Settings>,
    },
    /// Use this app as the Statsig app in Okta (saved with the connection), then import.
    ChooseApp {
        /// The app's id.
        app_id: String,
    },
    /// List the apps the settings' search finds in Okta (for the picker); changes nothing.
    FindApps {
        /// The settings to search with.
        settings: Box<Settings>,
        /// A typed Okta token, else the stored one.
        okta_token: Option<Secret>,
    },
    /// The sandbox's *Import Now* (demo only: real Okta has no API for it), then import.
    ImportNow,
    /// Read what is new in Okta's System Log (Okta push) and the app's own journal, for
    /// the timelines; changes nothing.
    ReadHistory,
    /// Open a snapshot read-only.
    OpenSnapshot(PathBuf),
    /// Back to the live connection.
    CloseSnapshot,
    /// Export what is shown (live or the open snapshot).
    ExportSnapshot {
        /// Where.
        path: PathBuf,
        /// Replace emails and names by pseudonyms.
        redact: bool,
    },
    /// Compare what is shown with a snapshot file.
    Compare {
        /// The snapshot (before).
        path: PathBuf,
    },
    /// Write member rows as CSV.
    ExportCsv {
        /// Where.
        path: PathBuf,
        /// The column names.
        header: Vec<String>,
        /// The rows.
        rows: Vec<Vec<String>>,
    },
    /// Save a new push rule (its id is given by the engine).
    SaveRule(Box<PushRule>),
    /// Remove a push rule (the mappings it made stay).
    RemoveRule {
        /// Its id.
        id: String,
    },
    /// Make the mappings a rule previews, except the unticked rows.
    ApplyRule {
        /// The rule's id.
        id: String,
        /// Okta group ids of the rows the admin unticked.
        unticked: Vec<String>,
        /// Removals confirmed past the guard, per row.
        allowed_removals: usize,
    },
    /// Plan putting back what a snapshot file shows (`None`: the undo of the last bulk
    /// apply), against live data (an open snapshot is closed first).
    PlanRestore(RestoreRequest),
    /// Apply that plan, made again from the file (or the journal), but the unticked rows.
    ApplyRestore {
        /// What is restored.
        request: RestoreRequest,
        /// Keys of the rows the admin unticked.
        unticked: Vec<String>,
    },
}

/// A restore (or an undo) as the app asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreRequest {
    /// The snapshot file; `None` for *Undo last bulk apply*.
    pub path: Option<PathBuf>,
    /// Also unlink mappings made since (Leave).
    pub unlink_new: bool,
    /// Also set the mapped Okta groups' members back.
    pub members: bool,
    /// Copy the snapshot's mappings into this org, matched by names (a snapshot of
    /// another org or profile), not a restore.
    pub copy: bool,
}

impl Command {
    /// The job this command runs, if it is one (settings like watching are not).
    pub fn job(&self) -> Option<JobKind> {
        Some(match self {
            Command::Connect(_) | Command::SaveSettings { .. } | Command::SwitchProfile { .. } => {
                JobKind::Connect
            }
            Command::Import => JobKind::Import,
            Command::CreateMappingGroup { .. } => JobKind::CreateMappingGroup,
            Command::SetOktaMembers { .. } => JobKind::ChangeMember,
            Command::Link { .. } => JobKind::Link,
            Command::Create { .. } => JobKind::Create,
            Command::Push { .. } => JobKind::Push,
            Command::ResolveDrift { .. } => JobKind::ResolveDrift,
            Command::RetryAll => JobKind::RetryAll,
            Command::SetActive { active: true, .. } => JobKind::Activate,
            Command::SetActive { active: false, .. } => JobKind::Deactivate,
            Command::Unlink { .. } => JobKind::Unlink,
            Command::WatchNow => JobKind::Watch,
            Command::TestConnection { .. } => JobKind::TestConnection,
            Command::ChooseApp { .. } => JobKind::ChooseApp,
            Command::FindApps { .. } => JobKind::FindApps,
            Command::ImportNow => JobKind::ImportNow,
            Command::ReadHistory => JobKind::History,
            Command::ForgetTokens { .. } => JobKind::ForgetTokens,
            Command::OpenSnapshot(_) => JobKind::OpenSnapshot,
            Command::ExportSnapshot { .. } => JobKind::ExportSnapshot,
            Command::Compare { .. } => JobKind::Compare,
            Command::ExportCsv { .. } => JobKind::ExportCsv,
            Command::SaveRule(_) => JobKind::SaveRule,
            Command::RemoveRule { .. } => JobKind::RemoveRule,
            Command::ApplyRule { .. } => JobKind::ApplyRule,
            Command::PlanRestore(_) => JobKind::PlanRestore,
            Command::ApplyRestore { .. } => JobKind::ApplyRestore,
            Command::SetWatching { .. } | Command::SetAlerts { .. } | Command::CloseSnapshot => {
                return None;
            }
        })
    }

    /// Whether this command sends a request (refused while a snapshot is open).
    pub fn sends(&self) -> bool {
        self.job().is_some_and(|k| k.spec().sends)
    }

    /// Whether this command stops the running job first (a change of connection).
    pub fn preempts(&self) -> bool {
        self.job().is_some_and(|k| k.spec().preempts)
    }
}

/// What the engine needs to know of a kind of job, answered once per kind in
/// [`JobKind::spec`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobSpec {
    /// What the busy indicator says.
    pub label: &'static str,
    /// It sends requests (refused while a snapshot is open).
    pub sends: bool,
    /// It stops the running job first (a change of connection).
    pub preempts: bool,
    /// Other request-sending actions wait while it runs.
    pub holds_the_connection: bool,
}

impl JobSpec {
    /// A job that sends requests and holds the connection while it runs.
    const fn job(label: &'static str) -> JobSpec {
        JobSpec {
            label,
            sends: true,
            preempts: false,
            holds_the_connection: true,
        }
    }

    /// It sends no request (allowed while a snapshot is open).
    const fn sending_nothing(self) -> JobSpec {
        JobSpec {
            sends: false,
            ..self
        }
    }

    /// Request-sending actions need not wait for it.
    const fn leaving_the_connection(self) -> JobSpec {
        JobSpec {
            holds_the_connection: false,
            ..self
        }
    }

    /// It stops the running job first.
    const fn preempting(self) -> JobSpec {
        JobSpec {
            preempts: true,
            ..self
        }
    }
}

/// A kind of job, for the busy indicator and the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JobKind {
    /// Connecting (and importing).
    Connect,
    /// Importing both directories.
    Import,
    /// Creating an Okta group.
    CreateMappingGroup,
    /// Changing an Okta group's members.
    ChangeMember,
    /// Linking.
    Link,
    /// Creating a team.
    Create,
    /// Pushing.
    Push,
    /// Settling drift.
    ResolveDrift,
    /// Retrying errors.
    RetryAll,
    /// Activating.
    Activate,
    /// Deactivating.
    Deactivate,
    /// Unlinking.
    Unlink,
    /// A watch cycle.
    Watch,
    /// Testing a connection.
    TestConnection,
    /// Choosing the Statsig app.
    ChooseApp,
    /// Listing apps for the picker.
    FindApps,
    /// The sandbox's Import Now.
    ImportNow,
    /// Reading the history.
    History,
    /// Forgetting tokens.
    ForgetTokens,
    /// Opening a snapshot.
    OpenSnapshot,
    /// Exporting a snapshot.
    ExportSnapshot,
    /// Comparing with a snapshot.
    Compare,
    /// Exporting CSV.
    ExportCsv,
    /// Saving a push rule.
    SaveRule,
    /// Removing a push rule.
    RemoveRule,
    /// Applying a push rule.
    ApplyRule,
    /// Planning a restore or an undo.
    PlanRestore,
    /// Applying a restore or an undo.
    ApplyRestore,
}

impl JobKind {
    /// Everything the engine needs to know of this kind of job, one answer per kind.
    pub fn spec(self) -> JobSpec {
        match self {
            JobKind::Connect => JobSpec::job("Connecting").sending_nothing().preempting(),
            JobKind::Import => JobSpec::job("Importing"),
            JobKind::CreateMappingGroup => JobSpec::job("Creating the Okta group"),
            JobKind::ChangeMember => JobSpec::job("Changing the Okta group"),
            JobKind::Link => JobSpec::job("Linking"),
            JobKind::Create => JobSpec::job("Creating the team"),
            JobKind::Push => JobSpec::job("Pushing"),
            JobKind::ResolveDrift => JobSpec::job("Settling the drift"),
            JobKind::RetryAll => JobSpec::job("Retrying errors"),
            JobKind::Activate => JobSpec::job("Activating"),
            JobKind::Deactivate => JobSpec::job("Deactivating"),
            JobKind::Unlink => JobSpec::job("Unlinking"),
            JobKind::Watch => JobSpec::job("Watching for changes"),
            JobKind::TestConnection => JobSpec::job("Testing the connection")
                .sending_nothing()
                .leaving_the_connection(),
            JobKind::ChooseApp => JobSpec::job("Switching to the chosen app"),
            JobKind::FindApps => JobSpec::job("Looking for the Statsig app")
                .sending_nothing()
                .leaving_the_connection(),
            JobKind::ImportNow => JobSpec::job("Importing Statsig's groups into Okta"),
            JobKind::History => JobSpec::job("Reading the history"),
            JobKind::ForgetTokens => JobSpec::job("Forgetting tokens")
                .sending_nothing()
                .leaving_the_connection(),
            JobKind::OpenSnapshot => JobSpec::job("Opening the snapshot").sending_nothing(),
            JobKind::ExportSnapshot => JobSpec::job("Exporting the snapshot")
                .sending_nothing()
                .leaving_the_connection(),
            JobKind::Compare => JobSpec::job("Comparing")
                .sending_nothing()
                .leaving_the_connection(),
            JobKind::ExportCsv => JobSpec::job("Exporting CSV")
                .sending_nothing()
                .leaving_the_connection(),
            JobKind::SaveRule => JobSpec::job("Saving the rule").sending_nothing(),
            JobKind::RemoveRule => JobSpec::job("Removing the rule").sending_nothing(),
            JobKind::ApplyRule => JobSpec::job("Making the rule's mappings"),
            JobKind::PlanRestore => JobSpec::job("Planning the restore")
                .sending_nothing()
                .leaving_the_connection(),
            JobKind::ApplyRestore => JobSpec::job("Restoring"),
        }
    }

    /// What the busy indicator says.
    pub fn label(self) -> &'static str {
        self.spec().label
    }

    /// Whether other request-sending actions wait while it runs.
    pub fn holds_the_connection(self) -> bool {
        self.spec().holds_the_connection
    }
}

/// A request's number, given by `EngineHandle::send`: the job's result comes back with
/// it, so it reaches whoever asked (a dialog closed meanwhile gets nothing). The engine's
/// own jobs (the watcher's cycles) carry `Ticket(0)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Ticket(pub u64);

/// One job, numbered in the order the engine started them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JobId(pub u64);

/// The connection as the top bar shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionInfo {
    /// "Demo sandbox" or "okta-host -> statsig-host".
    pub label: String,
    /// Whether it is the demo.
    pub demo: bool,
    /// Statsig SCIM URL.
    pub statsig_url: String,
    /// Okta org URL.
    pub okta_url: String,
    /// The deletion guard in force.
    pub guard: Guard,
}

/// What the banner says of an open snapshot.
#[derive(Debug, Clone)]
pub struct SnapshotInfo {
    /// The file.
    pub path: PathBuf,
    /// When it was taken.
    pub taken_at: String,
    /// Where from.
    pub source: Source,
    /// Whether emails and names were replaced.
    pub redacted: bool,
}

/// One line of the activity log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activity {
    /// A request.
    Request(RequestRecord),
    /// A wait before a retry.
    Wait(WaitRecord),
}

/// What the engine tells the app.
#[derive(Debug, Clone)]
pub enum Event {
    /// A connection is being made: whatever was shown belongs to the old one.
    Connecting,
    /// Connected.
    Connected(ConnectionInfo),
    /// A job began.
    JobStarted {
        /// Which.
        id: JobId,
        /// What.
        kind: JobKind,
    },
    /// A job ended: one sentence on success, the typed error on failure.
    JobFinished {
        /// Which.
        id: JobId,
        /// What.
        kind: JobKind,
        /// The request it answers.
        ticket: Ticket,
        /// How it went.
        outcome: Result<String, EngineError>,
    },
    /// Import progress.
    Progress(ImportProgress),
    /// The directory, shared (not copied), with its generation and the batch size pushes use.
    Directory {
        /// The directory.
        directory: Arc<Directory>,
        /// Bumped by every change.
        generation: u64,
        /// Membership changes per PATCH.
        batch_size: usize,
    },
    /// The directory shown is the one cached at this time (not refreshed yet), or, with
    /// `None`, freshly read.
    Cached(Option<String>),
    /// The mappings.
    Mappings(Vec<Mapping>),
    /// Who pushes, settled at the first import (and when the admin picks the app).
    Mode(ModeReport),
    /// The history as last read (Okta's System Log, the app's journal), for the timelines.
    History(Arc<History>),
    /// Apps found in Okta for Settings' app picker.
    AppsFound {
        /// The request (Find apps) they answer.
        ticket: Ticket,
        /// The apps.
        apps: Vec<OktaApp>,
    },
    /// A request or a wait.
    Activity(Activity),
    /// Something the admin should know that is not a job's outcome (a moved-aside file).
    Warning(String),
    /// Watching turned on or off.
    Watching(bool),
    /// Another run of the app is (or stopped) pushing with the same mappings.
    OtherInstancePushing(bool),
    /// The connection's push rules (sent when they change).
    Rules(Vec<PushRule>),
    /// The profiles, and the one in use (sent at start and when they change).
    Profiles {
        /// The one in use.
        current: String,
        /// Every profile, Default first.
        all: Vec<String>,
    },
    /// The profile in use has no connection yet: the app offers to set one up.
    NoConnection,
    /// Another window has this profile open: nothing connects here until another profile
    /// is chosen (the app offers them).
    ProfileInUse(String),
    /// The saved settings (none saved: the defaults), read at start and sent again when
    /// they change, so Settings opens on them without the UI reading a file.
    Settings(Box<Settings>),
    /// A snapshot is open: show its data, read-only.
    SnapshotOpened {
        /// What the banner says.
        info: SnapshotInfo,
        /// Its directory.
        directory: Arc<Directory>,
        /// Its mappings.
        mappings: Vec<Mapping>,
        /// Its push rules.
        rules: Vec<PushRule>,
    },
    /// Back to live data (which follows as Directory and Mappings).
    SnapshotClosed,
    /// The plan of a restore (or of the undo of the last bulk apply).
    RestorePlanned {
        /// What was asked.
        request: RestoreRequest,
        /// What it is ("Restore from the snapshot taken …", "Undo of Rule \"Teams\"").
        what: String,
        /// The rows.
        plan: crate::model::restore::RestorePlan,
    },
    /// A restore refused because the snapshot is of another org: the app offers to copy
    /// it by names instead.
    RestoreRefused {
        /// What was asked.
        request: RestoreRequest,
        /// The snapshot's Okta.
        okta: String,
    },
    /// What changed between a snapshot file (before) and what is shown (after).
    Compared {
        /// The file.
        against: PathBuf,
        /// The changes.
        comparison: Comparison,
        /// Health's findings new, gone and unchanged from the file to what is shown.
        health: crate::model::health::Change,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Box<Settings> {
        Box::default()
    }

    /// An open snapshot refuses exactly the commands that send requests, and only a change
    /// of connection stops the running job.
    fn path() -> PathBuf {
        PathBuf::from("x.json")
    }

    fn id() -> String {
        "m1".to_string()
    }

    /// Commands that send requests.
    fn sending() -> Vec<Command> {
        vec![
            Command::Import,
            Command::CreateMappingGroup {
                name: "g".into(),
                description: String::new(),
                user_ids: vec![],
            },
            Command::SetOktaMembers {
                group_id: id(),
                add: vec![],
                remove: vec![],
            },
            Command::Link {
                okta_group_id: id(),
                statsig_group_id: id(),
                push_now: true,
                allowed_removals: 0,
            },
            Command::Create {
                okta_group_id: id(),
                project: "P".into(),
                team: "T".into(),
                push_now: true,
            },
            Command::Push {
                mapping_id: id(),
                allowed_removals: 0,
            },
            Command::ResolveDrift {
                mapping_id: id(),
                choice: DriftChoice::Adopt,
            },
            Command::RetryAll,
            Command::SetActive {
                mapping_id: id(),
                active: true,
                allowed_removals: 0,
            },
            Command::SetActive {
                mapping_id: id(),
                active: false,
                allowed_removals: 0,
            },
            Command::Unlink {
                mapping_id: id(),
                how: Unlink::Leave,
                confirmation: String::new(),
            },
            Command::WatchNow,
            Command::ChooseApp { app_id: id() },
            Command::ImportNow,
            Command::ReadHistory,
            Command::ApplyRule {
                id: id(),
                unticked: vec![],
                allowed_removals: 0,
            },
            Command::ApplyRestore {
                request: restore(),
                unticked: vec![],
            },
        ]
    }

    fn restore() -> RestoreRequest {
        RestoreRequest {
            path: Some(path()),
            unlink_new: false,
            members: false,
            copy: false,
        }
    }

    /// Commands that send none.
    fn quiet() -> Vec<Command> {
        vec![
            Command::Connect(Target::Demo { reset: false }),
            Command::OpenSnapshot(path()),
            Command::CloseSnapshot,
            Command::ExportSnapshot {
                path: path(),
                redact: false,
            },
            Command::Compare { path: path() },
            Command::ExportCsv {
                path: path(),
                header: vec![],
                rows: vec![],
            },
            Command::SetWatching {
                on: true,
                interval: Duration::from_secs(60),
            },
            Command::TestConnection {
                settings: settings(),
                statsig_token: None,
                okta_token: None,
            },
            Command::FindApps {
                settings: settings(),
                okta_token: None,
            },
            Command::ForgetTokens {
                settings: settings(),
            },
            Command::SaveSettings {
                settings: settings(),
                statsig_token: None,
                okta_token: None,
                test_first: true,
            },
            Command::SwitchProfile {
                name: "Staging".into(),
                create: true,
            },
            Command::RemoveRule { id: id() },
            Command::SetAlerts { on: false },
            Command::PlanRestore(restore()),
        ]
    }

    #[test]
    fn each_command_says_whether_it_sends_and_whether_it_preempts() {
        let (sending, quiet) = (sending(), quiet());
        for c in &sending {
            assert!(c.sends(), "{:?} sends requests", c.job());
            assert!(!c.preempts(), "{:?} waits its turn", c.job());
        }
        for c in &quiet {
            assert!(!c.sends(), "{:?} sends nothing", c.job());
        }
        let preempting: Vec<_> = quiet.iter().filter(|c| c.preempts()).collect();
        assert_eq!(
            preempting.len(),
            3,
            "Connect, SaveSettings and SwitchProfile"
        );
        assert!(preempting.iter().all(|c| c.job() == Some(JobKind::Connect)));
        // Jobs that only read or write local files leave the connection to others.
        for c in [
            &quiet[3], &quiet[4], &quiet[5], &quiet[7], &quiet[8], &quiet[9],
        ] {
            assert!(!c.job().unwrap().holds_the_connection());
        }
        assert!(JobKind::Push.holds_the_connection() && JobKind::Connect.holds_the_connection());
    }
}
