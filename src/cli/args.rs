//! The command line's definition: global flags, subcommands and their arguments. Shell
//! completions and the man page are generated from it.

use crate::model::secret::Secret;
use crate::sandbox::SandboxConfig;
use crate::sandbox::limits::OktaLimits;
use crate::sandbox::seed::{Scale, SeedKind, SeedSpec};
use clap::{Args, Parser, Subcommand};
use std::time::Duration;

pub use super::subcommands::{DirectoryCommand, MappingCommand};

/// The command line: global flags and an optional subcommand (none opens the app).
#[derive(Debug, Parser)]
#[command(
    name = "okta-statsig-teams",
    version,
    about = "Manage Statsig teams from Okta: import, map, push, verify and unlink over SCIM.",
    long_about = "With no subcommand, opens the desktop app. Subcommands run headless over the same engine.\n\
The desktop app takes --okta-url, --statsig-url, --push-mode, --okta-app, --projects, --batch-size and --profile as the commands do (for that run; Settings saves them), or --demo, or --snapshot.\n\
Tokens come from STATSIG_SCIM_TOKEN / OKTA_API_TOKEN or the OS keyring (see `login`); --demo uses the embedded sandbox."
)]
pub struct Cli {
    /// Flags every subcommand takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do; none opens the desktop app.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands the global flags mean nothing to: hidden from their help, and refused
/// when given to them.
const WITHOUT_GLOBALS: &[&str] = &["sandbox"];

impl Cli {
    /// The command line as clap reads it (and as help, completions and the man page show
    /// it): [`Cli`]'s, with the global flags hidden from `sandbox`, where they do nothing.
    pub fn command_line() -> clap::Command {
        let root = <Cli as clap::CommandFactory>::command();
        // The same ids, not global and hidden: clap then leaves the global ones out there.
        let hidden: Vec<clap::Arg> = root
            .get_arguments()
            .filter(|a| a.is_global_set())
            .map(|a| a.clone().global(false).hide(true))
            .collect();
        WITHOUT_GLOBALS.iter().fold(root, |root, name| {
            root.mut_subcommand(*name, |s| s.args(hidden.clone()))
        })
    }

    /// Reads `args` (the program's name first). A global flag given to a subcommand it
    /// means nothing to is refused with a sentence naming it.
    pub fn read<I, T>(args: I) -> Result<Cli, CliError>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::FromArgMatches;
        let matches = Self::command_line()
            .try_get_matches_from(args)
            .map_err(CliError::Clap)?;
        if let Some((name, sub)) = matches.subcommand()
            && WITHOUT_GLOBALS.contains(&name)
        {
            let root = <Cli as clap::CommandFactory>::command();
            for a in root.get_arguments().filter(|a| a.is_global_set()) {
                if sub.value_source(a.get_id().as_str())
                    == Some(clap::parser::ValueSource::CommandLine)
                {
                    return Err(CliError::Meaningless(format!(
                        "--{} does nothing with `{name}`; its own flags are listed by `{name} --help`",
                        a.get_long().unwrap_or_default()
                    )));
                }
            }
        }
        Cli::from_arg_matches(&matches).map_err(CliError::Clap)
    }
}

/// Why the command line could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// clap's own: a bad flag, or --help and --version (which print and exit 0).
    #[error(transparent)]
    Clap(clap::Error),
    /// A flag the subcommand means nothing with.
    #[error("{0}")]
    Meaningless(String),
}

/// Flags every subcommand takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Run against the embedded sandbox with demo data (kept between runs; see --reset-demo).
    #[arg(long, global = true)]
    pub demo: bool,
    /// Forget the demo's saved data and mappings first.
    #[arg(long, global = true, requires = "demo")]
    pub reset_demo: bool,
    /// Statsig SCIM base URL (default: the saved settings).
    #[arg(long, global = true, value_name = "URL")]
    pub statsig_url: Option<String>,
    /// Okta org URL (default: the saved settings).
    #[arg(long, global = true, value_name = "URL")]
    pub okta_url: Option<String>,
    /// Statsig projects, comma-separated, for reading group names (default: derived).
    #[arg(long, global = true, value_delimiter = ',')]
    pub projects: Vec<String>,
    /// Membership changes per PATCH (default: the settings, else 100), never above what the
    /// server allows.
    #[arg(long, global = true)]
    pub batch_size: Option<usize>,
    /// Confirm destructive steps without asking: deletions, and removals past the guard.
    #[arg(long, global = true)]
    pub yes: bool,
    /// Confirm up to N member removals that the deletion guard would stop.
    #[arg(long, global = true, value_name = "N")]
    pub allow_removals: Option<usize>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Who pushes: okta (Okta's Group Push, steered through its API), direct (this app,
    /// over SCIM) or auto (okta when the Statsig app has Group Push). Default: the settings.
    #[arg(long, global = true, value_enum, value_name = "MODE")]
    pub push_mode: Option<PushModeArg>,
    /// The Statsig app's id in Okta, when a search finds several (see `apps`).
    #[arg(long, global = true, value_name = "APP_ID")]
    pub okta_app: Option<String>,
    /// Open a snapshot file in the desktop app (read-only).
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<std::path::PathBuf>,
    /// The connection profile (its own settings, tokens and mappings; default: Default,
    /// and for the app the last one it used). `login --profile NAME` makes a new one.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
}

/// `--push-mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PushModeArg {
    /// Okta push when the Statsig app has Group Push, else direct.
    Auto,
    /// Okta's Group Push.
    Okta,
    /// This app over Statsig's SCIM API.
    Direct,
}

impl From<PushModeArg> for crate::engine::connection::PushModeChoice {
    fn from(a: PushModeArg) -> Self {
        match a {
            PushModeArg::Auto => Self::Auto,
            PushModeArg::Okta => Self::Okta,
            PushModeArg::Direct => Self::Direct,
        }
    }
}

impl Global {
    /// Removals the admin confirmed on the command line (`--yes` confirms any number).
    pub fn allowed_removals(&self) -> usize {
        if self.yes {
            usize::MAX
        } else {
            self.allow_removals.unwrap_or(0)
        }
    }
}

/// The subcommands: each group is an enum of its own, flattened into one command line, so
/// that every `match` over a group names each of its subcommands (a subcommand left
/// unwired fails to compile).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Tools that need no connection: the sandbox, completions, the manual page.
    #[command(flatten)]
    Tool(ToolCommand),
    /// Store the Statsig SCIM and Okta API tokens in the OS keyring (read from stdin).
    Login,
    /// Forget the stored tokens.
    Logout,
    /// Remove the directory the app keeps for a fast start (this profile's; the app's
    /// next start reads everything again).
    ForgetCache,
    /// Snapshots: export, show, compare.
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
    /// Push rules: push every Okta group whose name matches, with one preview for all.
    #[command(subcommand)]
    Rule(RuleCommand),
    /// Directories: read them, list them, change Okta groups.
    #[command(flatten)]
    Directory(DirectoryCommand),
    /// Push mappings: make, list, push, unlink, verify, watch.
    #[command(flatten)]
    Mapping(MappingCommand),
    /// Health and a person's trace: `doctor`, `explain`.
    #[command(flatten)]
    Health(super::doctor::HealthCommand),
    /// A mapping's or a team's history: in Okta push, Okta's System Log (created by whom,
    /// activated, deactivated, pushed with counts, failed with Okta's reason, renamed,
    /// deleted, made by a rule) beside this app's own record; in Direct push, the app's
    /// journal of what it pushed. Without MAPPING or --team, every mapping's.
    History(super::history::Ask),
    /// Undo the last bulk apply (a restore, a copy or a rule apply), from this profile's
    /// journal: mappings it made are unlinked (Leave), statuses, members and rules set
    /// back. Prints the plan (--plan, the default) or applies it (--apply).
    UndoBulk {
        /// Print the plan only (the default).
        #[arg(long, conflicts_with = "apply")]
        plan: bool,
        /// Apply the plan.
        #[arg(long)]
        apply: bool,
        /// Leave out this row: its Okta group or rule name, or its key (repeat for several).
        #[arg(long, value_name = "ROW")]
        skip: Vec<String>,
    },
    /// Link many Okta groups to team groups at once, from a CSV file of
    /// `okta group,statsig team group` lines (names or ids). The whole file is checked
    /// first (every bad line named by number, nothing sent); a line already linked the
    /// same way is done. In Okta push the creates are paced to Okta's apps rate limit,
    /// with the time left on stderr.
    LinkMany {
        /// The CSV file.
        file: std::path::PathBuf,
        /// Make the mappings without pushing memberships now (INACTIVE in Okta).
        #[arg(long)]
        no_push: bool,
    },
}

/// Tools that need no connection.
#[derive(Debug, Subcommand)]
pub enum ToolCommand {
    /// Serve the local Statsig SCIM and Okta API emulators with demo or generated data until
    /// interrupted.
    ///
    /// Prints the two URLs and the sandbox's own throwaway tokens. Every data set has the
    /// Statsig app in Okta with Group Push (unless --no-okta-app), so both Okta push and
    /// Direct push can be tried; --seed and --users say what each one holds.
    Sandbox(SandboxArgs),
    /// Print shell completions for SHELL (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `okta-statsig-teams man > okta-statsig-teams.1`.
    Man,
}

/// Push rule subcommands.
#[derive(Debug, Subcommand)]
pub enum RuleCommand {
    /// Save a rule (checked first; nothing is pushed until `rule apply`).
    #[command(group(clap::ArgGroup::new("how").required(true).args(["starts_with", "contains", "pattern"])))]
    Add {
        /// The rule's name.
        name: String,
        /// Okta groups whose name starts with this (any case); the team is the rest.
        #[arg(long, value_name = "TEXT")]
        starts_with: Option<String>,
        /// Okta groups whose name contains this; the team is the name without it.
        #[arg(long, value_name = "TEXT")]
        contains: Option<String>,
        /// Okta groups whose whole name matches (`*` any run, `?` one character); the
        /// team is what the first `*` matched.
        #[arg(long, value_name = "PATTERN")]
        pattern: Option<String>,
        /// Only Okta groups of this type ("any" for every type).
        #[arg(long, default_value = "OKTA_GROUP")]
        kind: String,
        /// Link each to the team of that name in this project (default: the one project
        /// that has such a team).
        #[arg(long, value_name = "PROJECT")]
        link_in: Option<String>,
        /// Create each as a new team in this project instead of linking.
        #[arg(long, value_name = "PROJECT", conflicts_with = "link_in")]
        create_in: Option<String>,
        /// Make the mappings of new matches at each check without asking (never past
        /// the deletion guard).
        #[arg(long)]
        auto: bool,
    },
    /// List the rules.
    List,
    /// Remove a rule (the mappings it made stay).
    Remove {
        /// The rule's id or name.
        rule: String,
    },
    /// Import, then list every mapping the rule would make, with adds, removes, members
    /// that cannot be pushed and the guard.
    Preview {
        /// The rule's id or name.
        rule: String,
    },
    /// Import, then make the rule's mappings (paced; Ctrl-C stops between requests and
    /// applying again makes only the rest). Exit 3 when the guard stops a row.
    Apply {
        /// The rule's id or name.
        rule: String,
        /// Leave out this Okta group (repeat for several).
        #[arg(long, value_name = "OKTA_GROUP")]
        skip: Vec<String>,
    },
}

/// Snapshot subcommands.
#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// Import, then write a snapshot to FILE.
    Export {
        /// Where to write it.
        file: std::path::PathBuf,
        /// Replace emails, names and ids by pseudonyms under the profile's key (the same in
        /// each file it redacts, so they compare).
        #[arg(long)]
        redact: bool,
    },
    /// Summarize a snapshot file.
    Show {
        /// The snapshot file.
        file: std::path::PathBuf,
    },
    /// What changed from BEFORE to AFTER (or to live data with --live). Exit 0 when equal,
    /// 1 when different, like diff.
    Diff {
        /// The earlier snapshot.
        before: std::path::PathBuf,
        /// The later snapshot.
        #[arg(required_unless_present = "live", conflicts_with = "live")]
        after: Option<std::path::PathBuf>,
        /// Compare with what the connection (or --demo) holds now.
        #[arg(long)]
        live: bool,
    },
    /// Import, then put back what FILE shows: each mapping unlinked or deleted since
    /// (Link when its team exists, else Create), each status, each rule. Prints the plan
    /// (--plan, the default) or applies it (--apply: paced; Ctrl-C stops between requests
    /// and running it again finishes it). Exit 3 when the guard stops a row.
    Restore {
        /// The snapshot file (of this profile's org).
        file: std::path::PathBuf,
        /// How it runs.
        #[command(flatten)]
        how: RestoreArgs,
    },
    /// Import, then make FILE's mappings in this profile's org (--profile NAME, or --to
    /// NAME), matching Okta groups, teams and people by name; what has no match is listed
    /// with why. --plan (the default) or --apply, as `snapshot restore`.
    Copy {
        /// The snapshot file (of another org or profile).
        file: std::path::PathBuf,
        /// The profile to copy into (default: --profile, else Default).
        #[arg(long, value_name = "PROFILE")]
        to: Option<String>,
        /// How it runs.
        #[command(flatten)]
        how: RestoreArgs,
    },
}

/// How `snapshot restore` and `snapshot copy` run.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Print the plan only (the default).
    #[arg(long, conflicts_with = "apply")]
    pub plan: bool,
    /// Apply the plan.
    #[arg(long)]
    pub apply: bool,
    /// Also unlink the mappings made since the snapshot (Leave: their teams stay).
    #[arg(long)]
    pub unlink_new: bool,
    /// Also set the members of the mapped Okta groups back to the snapshot's.
    #[arg(long)]
    pub members: bool,
    /// Leave out this row: its Okta group or rule name, or its key (repeat for several).
    #[arg(long, value_name = "ROW")]
    pub skip: Vec<String>,
}

/// The sandbox's flags.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port for the Statsig SCIM server (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub statsig_port: u16,
    /// Port for the Okta API server (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub okta_port: u16,
    /// Bearer token the SCIM server requires (random when not given).
    #[arg(long)]
    pub statsig_token: Option<String>,
    /// SSWS token the Okta server requires (random when not given).
    #[arg(long)]
    pub okta_token: Option<String>,
    /// Data set: demo, large, or a number (the demo data from that seed); --help says what
    /// each holds.
    ///
    /// demo: 300 people (some suspended, deprovisioned, staged, only in Okta, or outside the
    /// org's domain; one deprovisioned in Okta but still active in Statsig) in 7 projects and 16 teams with every hard case of names; Okta groups
    /// that match a team, differ from one, or hold every member that cannot be pushed; the
    /// Statsig app in Okta with Group Push, its users (with externalId) and imported groups
    /// (all but two new teams'), and mappings made in Okta's console: one Active and pushed,
    /// one Inactive, one in Error (its group also assigns the app).
    ///
    /// large: 100,000 users, 40 projects, 2,500 teams, 5,000 Okta groups, and the Statsig
    /// app as in the demo (see --users).
    #[arg(long, default_value = "demo")]
    pub seed: String,
    /// Generated data set: number of users (with --project-count, --teams, --groups).
    ///
    /// The same users in Okta and Statsig (one in 20 only in Okta, one in 97 suspended),
    /// projects and teams with members, Okta groups "Group 00000"… with members, and the
    /// Statsig app as in the demo: Group Push, the provisioned users assigned with
    /// externalId, Statsig's groups imported but the newest team's, and console mappings
    /// from Group 00000 (Active, pushed), Group 00001 (Inactive) and Group 00002 (Error).
    #[arg(long)]
    pub users: Option<usize>,
    /// Generated data set: number of projects.
    #[arg(long, default_value_t = 10)]
    pub project_count: usize,
    /// Generated data set: number of teams.
    #[arg(long, default_value_t = 100)]
    pub teams: usize,
    /// Generated data set: number of Okta groups.
    #[arg(long, default_value_t = 200)]
    pub groups: usize,
    /// Generated data sets (--users, --seed large): no Statsig app in Okta.
    ///
    /// No app users, imported groups or console mappings, so only Direct push can run.
    #[arg(long)]
    pub no_okta_app: bool,
    /// Delay added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Okta's per-minute rate limits, per bucket (users, groups, a group's members, apps)
    /// as Okta publishes them for an edition.
    #[arg(long, value_enum, default_value_t = OktaLimitsArg::None)]
    pub okta_limits: OktaLimitsArg,
    /// Requests per minute before 429 for every bucket but apps (overrides --okta-limits).
    #[arg(long)]
    pub okta_rate_limit: Option<u32>,
    /// Requests per minute before 429 under /api/v1/apps, a bucket of its own (overrides
    /// --okta-limits; Okta's is 100 on paid orgs, 20 on free developer orgs).
    #[arg(long)]
    pub okta_apps_rate_limit: Option<u32>,
    /// How long the Okta push worker waits before pushing a mapping's changes, in
    /// milliseconds (real Okta can take minutes).
    #[arg(long, default_value_t = 3_000)]
    pub okta_push_delay_ms: u64,
    /// Relax Statsig's group-name and email-domain rules, for generic SCIM checkers.
    #[arg(long)]
    pub generic_scim: bool,
    /// Inject faults per request, e.g. 500=0.05,503=0.05,429=0.05,reset=0.02,slow=0.01,garbage=0.01.
    #[arg(long, value_name = "SPEC")]
    pub faults: Option<String>,
    /// Seed of the fault draws.
    #[arg(long, default_value_t = 1)]
    pub fault_seed: u64,
    /// How late a 'slow' fault answers, in milliseconds.
    #[arg(long, default_value_t = 65_000)]
    pub slow_ms: u64,
    /// Retry-After of an injected 429, in seconds.
    #[arg(long, default_value_t = 1)]
    pub retry_after: u64,
}

/// Which of Okta's published rate limits the sandbox applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OktaLimitsArg {
    /// An Enterprise org: users, groups and a group's members 600 a minute, apps 100.
    Enterprise,
    /// A free developer org: users and groups 100 a minute, apps 20.
    Developer,
    /// No limit.
    None,
}

/// A sandbox flag that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SandboxArgError(pub String);

impl SandboxArgs {
    /// The rate limits the flags ask for: the preset, then the overrides.
    fn limits(&self) -> OktaLimits {
        let preset = match self.okta_limits {
            OktaLimitsArg::Enterprise => OktaLimits::enterprise(),
            OktaLimitsArg::Developer => OktaLimits::developer(),
            OktaLimitsArg::None => OktaLimits::none(),
        };
        let base = match self.okta_rate_limit {
            Some(n) => OktaLimits::all(n).with_apps(preset.apps),
            None => preset,
        };
        match self.okta_apps_rate_limit {
            Some(n) => base.with_apps(n),
            None => base,
        }
    }

    /// The sandbox these flags describe.
    pub fn config(&self) -> Result<SandboxConfig, SandboxArgError> {
        let (seed, kind) = match (self.seed.as_str(), self.users) {
            (_, Some(users)) => (
                7,
                SeedKind::Scaled(Scale {
                    users,
                    projects: self.project_count.max(1),
                    teams: self.teams,
                    okta_groups: self.groups,
                    team_members: 20,
                    group_members: 25,
                    okta_app: !self.no_okta_app,
                }),
            ),
            ("demo", None) => (7, SeedKind::Demo),
            ("large", None) => (
                7,
                SeedKind::Scaled(Scale {
                    okta_app: !self.no_okta_app,
                    ..Scale::large()
                }),
            ),
            (n, None) => (
                n.parse::<u64>().map_err(|_| {
                    SandboxArgError(format!(
                        "--seed must be demo, large or a number, not \"{n}\""
                    ))
                })?,
                SeedKind::Demo,
            ),
        };
        if self.no_okta_app && kind == SeedKind::Demo {
            return Err(SandboxArgError(
                "--no-okta-app is for generated data sets (--users, --seed large); the demo always has the Statsig app".into(),
            ));
        }
        Ok(SandboxConfig {
            seed: SeedSpec {
                seed,
                kind,
                generic: self.generic_scim,
            },
            statsig_port: self.statsig_port,
            okta_port: self.okta_port,
            statsig_token: self.statsig_token.clone().map(Secret::new),
            okta_token: self.okta_token.clone().map(Secret::new),
            latency: Duration::from_millis(self.latency_ms),
            okta_limits: self.limits(),
            okta_push_delay: Duration::from_millis(self.okta_push_delay_ms),
            okta_rate_window_secs: 60,
            okta_apps_forbidden: false,
            faults: match &self.faults {
                Some(spec) => crate::sandbox::faults::Faults {
                    slow_delay: Duration::from_millis(self.slow_ms),
                    retry_after: self.retry_after,
                    ..crate::sandbox::faults::Faults::parse(spec, self.fault_seed)
                        .map_err(|e| SandboxArgError(format!("--faults: {e}")))?
                },
                None => Default::default(),
            },
        })
    }
}
