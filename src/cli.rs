//! Headless subcommands over the same engine the GUI uses, for scripting and automation.

use crate::engine::config::Settings;
use crate::engine::demo::Demo;
use crate::engine::secrets::{self, OsKeyring, SecretStore};
use crate::engine::state::{Mapping, MappingStatus, StateStore};
use crate::engine::workspace::{EngineError, Workspace};
use crate::engine::{Connection, Unlink};
use crate::model::names;
use crate::model::secret::Secret;
use crate::net::RetryPolicy;
use crate::sandbox::seed::{Scale, SeedKind, SeedSpec};
use crate::sandbox::{Sandbox, SandboxConfig};
use clap::{Args, Parser, Subcommand};
use serde_json::json;
use std::io::BufRead;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Prints a line to stdout; a closed pipe (`| head`) ends the output quietly instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

#[derive(Debug, Parser)]
#[command(
    name = "okta-statsig-teams",
    version,
    about = "Manage Statsig teams from Okta: import, map, push, verify and unlink over SCIM.",
    long_about = "With no subcommand, opens the desktop app. Subcommands run headless over the same engine.\n\
Tokens come from STATSIG_SCIM_TOKEN / OKTA_API_TOKEN or the OS keyring (see `login`); --demo uses the embedded sandbox."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

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
    /// Open a snapshot file in the desktop app (read-only).
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the local Statsig SCIM and Okta API emulators with demo data until interrupted.
    Sandbox(SandboxArgs),
    /// Store the Statsig SCIM and Okta API tokens in the OS keyring (read from stdin).
    Login,
    /// Forget the stored tokens.
    Logout,
    /// Import both directories and print a summary; `--out` also writes a snapshot.
    Import {
        /// Write a snapshot of what was imported to this file.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
        /// Replace emails and names in the snapshot by stable pseudonyms.
        #[arg(long, requires = "out")]
        redact: bool,
    },
    /// Snapshots: export, show, compare.
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
    /// List Statsig projects and teams with member counts.
    Teams {
        /// Only this project.
        #[arg(long)]
        project: Option<String>,
    },
    /// Show one team's members by role.
    Team { project: String, team: String },
    /// List Okta users, with whether each is provisioned in Statsig.
    Users {
        /// Only users whose name or email contains this (case-insensitive).
        #[arg(long)]
        search: Option<String>,
    },
    /// List Okta groups with member counts.
    Groups {
        /// Only groups whose name contains this (case-insensitive).
        #[arg(long)]
        search: Option<String>,
    },
    /// Create an Okta group of chosen users (a mapping group).
    CreateGroup {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        /// Member emails, comma-separated.
        #[arg(long, value_delimiter = ',')]
        members: Vec<String>,
    },
    /// Add a user to an Okta group.
    AddMember {
        #[arg(long)]
        group: String,
        #[arg(long)]
        user: String,
    },
    /// Remove a user from an Okta group.
    RemoveMember {
        #[arg(long)]
        group: String,
        #[arg(long)]
        user: String,
    },
    /// Show what pushing an Okta group into a Statsig group would do; sends nothing.
    Plan {
        #[arg(long)]
        okta_group: String,
        #[arg(long)]
        statsig_group: String,
    },
    /// Link an Okta group to an existing Statsig team group, and push.
    Link {
        #[arg(long)]
        okta_group: String,
        #[arg(long)]
        statsig_group: String,
        /// Save the mapping without pushing memberships now.
        #[arg(long)]
        no_push: bool,
    },
    /// Create a Statsig team (Statsig-<Project>-<Team>-Member) from an Okta group, and push.
    Create {
        #[arg(long)]
        okta_group: String,
        #[arg(long)]
        project: String,
        #[arg(long)]
        team: String,
        #[arg(long)]
        no_push: bool,
    },
    /// List push mappings and their status.
    Mappings,
    /// Push one mapping now (by id or Okta group name).
    Push { mapping: String },
    /// Push every mapping in Error again.
    Retry,
    /// Stop pushing a mapping; memberships stay.
    Deactivate { mapping: String },
    /// Resume pushing a mapping, and push.
    Activate { mapping: String },
    /// Unlink a mapping: --delete deletes the Statsig team, --leave only stops pushing.
    Unlink {
        mapping: String,
        #[arg(long, conflicts_with = "leave", required_unless_present = "leave")]
        delete: bool,
        #[arg(long)]
        leave: bool,
    },
    /// Settle edits made directly in Statsig: --overwrite from Okta, --adopt the extra
    /// members into the Okta group, or --pause the mapping.
    ResolveDrift {
        mapping: String,
        #[arg(long, group = "choice")]
        overwrite: bool,
        #[arg(long, group = "choice")]
        adopt: bool,
        #[arg(long, group = "choice")]
        pause: bool,
    },
    /// Compare a mapping's Okta group and Statsig group member by member.
    Verify { mapping: String },
    /// Push Okta membership changes as they happen (Ctrl-C to stop).
    Watch {
        /// Run one cycle and exit.
        #[arg(long)]
        once: bool,
        /// Seconds between cycles.
        #[arg(long, default_value_t = 60)]
        interval: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// Import, then write a snapshot to FILE.
    Export {
        file: std::path::PathBuf,
        /// Replace emails and names by stable pseudonyms.
        #[arg(long)]
        redact: bool,
    },
    /// Summarize a snapshot file.
    Show { file: std::path::PathBuf },
    /// What changed from BEFORE to AFTER (or to live data with --live). Exit 0 when equal,
    /// 1 when different, like diff.
    Diff {
        before: std::path::PathBuf,
        #[arg(required_unless_present = "live", conflicts_with = "live")]
        after: Option<std::path::PathBuf>,
        /// Compare with what the connection (or --demo) holds now.
        #[arg(long)]
        live: bool,
    },
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    #[arg(
        long,
        default_value_t = 0,
        help = "Port for the Statsig SCIM server (0: any free port)"
    )]
    pub statsig_port: u16,
    #[arg(
        long,
        default_value_t = 0,
        help = "Port for the Okta API server (0: any free port)"
    )]
    pub okta_port: u16,
    #[arg(
        long,
        help = "Bearer token the SCIM server requires (random when not given)"
    )]
    pub statsig_token: Option<String>,
    #[arg(
        long,
        help = "SSWS token the Okta server requires (random when not given)"
    )]
    pub okta_token: Option<String>,
    #[arg(
        long,
        default_value = "demo",
        help = "Data set: demo, large, or a number (the demo data from that seed)"
    )]
    pub seed: String,
    #[arg(
        long,
        help = "Generated data set: number of users (with --projects, --teams, --groups)"
    )]
    pub users: Option<usize>,
    #[arg(
        long,
        default_value_t = 10,
        help = "Generated data set: number of projects"
    )]
    pub project_count: usize,
    #[arg(long, default_value_t = 100)]
    pub teams: usize,
    #[arg(long, default_value_t = 200)]
    pub groups: usize,
    #[arg(
        long,
        default_value_t = 0,
        help = "Delay added to every request, in milliseconds"
    )]
    pub latency_ms: u64,
    #[arg(
        long,
        default_value_t = 100_000,
        help = "Okta requests allowed per minute before 429"
    )]
    pub okta_rate_limit: u32,
    #[arg(
        long,
        help = "Relax Statsig's group-name and email-domain rules, for generic SCIM checkers"
    )]
    pub generic_scim: bool,
    #[arg(
        long,
        value_name = "SPEC",
        help = "Inject faults per request, e.g. 500=0.05,503=0.05,429=0.05,reset=0.02,slow=0.01,garbage=0.01"
    )]
    pub faults: Option<String>,
    #[arg(long, default_value_t = 1, help = "Seed of the fault draws")]
    pub fault_seed: u64,
    #[arg(
        long,
        default_value_t = 65_000,
        help = "How late a 'slow' fault answers, in milliseconds"
    )]
    pub slow_ms: u64,
    #[arg(
        long,
        default_value_t = 1,
        help = "Retry-After of an injected 429, in seconds"
    )]
    pub retry_after: u64,
}

impl SandboxArgs {
    pub fn config(&self) -> Result<SandboxConfig, String> {
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
                }),
            ),
            ("demo", None) => (7, SeedKind::Demo),
            ("large", None) => (7, SeedKind::Scaled(Scale::large())),
            (n, None) => (
                n.parse::<u64>()
                    .map_err(|_| format!("--seed must be demo, large or a number, not \"{n}\""))?,
                SeedKind::Demo,
            ),
        };
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
            okta_rate_limit: self.okta_rate_limit,
            faults: match &self.faults {
                Some(spec) => crate::sandbox::faults::Faults {
                    slow_delay: Duration::from_millis(self.slow_ms),
                    retry_after: self.retry_after,
                    ..crate::sandbox::faults::Faults::parse(spec, self.fault_seed)
                        .map_err(|e| format!("--faults: {e}"))?
                },
                None => Default::default(),
            },
        })
    }
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("ost-worker")
        .build()
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => crate::ui::run(cli.global.snapshot.clone(), cli.global.demo),
        Some(Command::Sandbox(ref args)) => run_sandbox(args),
        Some(command) => run_command(&cli.global, command),
    }
}

fn run_sandbox(args: &SandboxArgs) -> ExitCode {
    let config = match args.config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async {
        let sandbox = match Sandbox::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot start the sandbox: {e}");
                return ExitCode::FAILURE;
            }
        };
        // Printing the sandbox's own throwaway tokens is the point of this command.
        out!("statsig_scim_url={}", sandbox.statsig_url);
        out!("statsig_token={}", sandbox.statsig_token.expose());
        out!("okta_url={}", sandbox.okta_url);
        out!("okta_token={}", sandbox.okta_token.expose());
        eprintln!("serving; press Ctrl-C to stop");
        let _ = tokio::signal::ctrl_c().await;
        drop(sandbox);
        ExitCode::SUCCESS
    })
}

/// Exit codes: 0 done, 1 a request failed, 2 bad input or refused, 3 not confirmed.
const FAILED: u8 = 1;
const REFUSED: u8 = 2;
const NOT_CONFIRMED: u8 = 3;

struct Failure(u8, String);

impl From<EngineError> for Failure {
    fn from(e: EngineError) -> Self {
        let bad_input = matches!(
            e,
            EngineError::Refused(_)
                | EngineError::Scim(crate::scim::ScimError::Config(_))
                | EngineError::Okta(crate::okta::OktaError::Config(_))
        );
        if let EngineError::NeedsConfirmation(why) = &e {
            return Failure(
                NOT_CONFIRMED,
                format!("{why} (pass --allow-removals N or --yes)"),
            );
        }
        let code = if bad_input { REFUSED } else { FAILED };
        Failure(code, e.to_string())
    }
}

fn refuse(s: impl Into<String>) -> Failure {
    Failure(REFUSED, s.into())
}

/// Logs every request to stderr when `RUST_LOG` asks for it; never headers.
struct CliObserver;

impl crate::net::Observer for CliObserver {
    fn request(&self, r: crate::net::RequestRecord) {
        tracing::debug!(service = r.service, method = %r.method, path = %r.path, status = ?r.status, ms = r.duration.as_millis() as u64, "request");
    }
    fn wait(&self, w: crate::net::WaitRecord) {
        eprintln!(
            "{}: {}, retrying in {} s",
            w.service,
            w.reason,
            w.wait.as_secs().max(1)
        );
    }
}

fn init_logging() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
}

/// The connection the flags and settings describe, with tokens from env or keyring.
fn real_connection(g: &Global) -> Result<Connection, Failure> {
    let saved = Settings::load().map_err(refuse)?.unwrap_or_default();
    let statsig_url = g.statsig_url.clone().unwrap_or(saved.statsig_url.clone());
    let okta_url = g.okta_url.clone().unwrap_or(saved.okta_url.clone());
    if statsig_url.trim().is_empty() || okta_url.trim().is_empty() {
        return Err(refuse(
            "No connection is configured: pass --statsig-url and --okta-url (and run `login`), or use --demo for the embedded sandbox.",
        ));
    }
    let store = OsKeyring;
    let token = |env: &str, service: &str, url: &str| -> Result<Secret, Failure> {
        secrets::resolve(env, &store, &secrets::account(service, url))
            .map_err(|e| refuse(e.0))?
            .ok_or_else(|| {
                refuse(format!(
                    "No {service} token: set {env} or run `okta-statsig-teams login`."
                ))
            })
    };
    Ok(Connection {
        statsig_token: token(secrets::STATSIG_ENV, "statsig", &statsig_url)?,
        okta_token: token(secrets::OKTA_ENV, "okta", &okta_url)?,
        statsig_url,
        okta_url,
        projects: if g.projects.is_empty() {
            saved.projects
        } else {
            g.projects.clone()
        },
        org_domains: saved.org_domains,
        batch_size: g.batch_size.unwrap_or(saved.batch_size),
        guard: saved.guard,
    })
}

fn run_command(g: &Global, command: Command) -> ExitCode {
    init_logging();
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async {
        match command {
            Command::Login => login(g),
            Command::Logout => logout(g),
            Command::Snapshot(SnapshotCommand::Show { file }) => snapshot_show(g, &file),
            Command::Snapshot(SnapshotCommand::Diff {
                before,
                after: Some(after),
                ..
            }) => snapshot_diff_files(g, &before, &after),
            other => with_workspace(g, other).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code, message)) => {
            // An empty message is an answer, not an error (diff found differences).
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            ExitCode::from(code)
        }
    }
}

fn read_line(prompt: &str) -> Result<String, Failure> {
    eprint!("{prompt}");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| refuse(format!("could not read stdin: {e}")))?;
    Ok(line.trim().to_string())
}

fn login(g: &Global) -> Result<(), Failure> {
    let mut settings = Settings::load().map_err(refuse)?.unwrap_or_default();
    if let Some(u) = &g.statsig_url {
        settings.statsig_url = u.clone();
    }
    if let Some(u) = &g.okta_url {
        settings.okta_url = u.clone();
    }
    if !settings.is_configured() {
        return Err(refuse("Pass --statsig-url and --okta-url to log in."));
    }
    for url in [&settings.statsig_url, &settings.okta_url] {
        crate::net::check_base_url(url).map_err(refuse)?;
    }
    let statsig = read_line("Statsig SCIM token: ")?;
    let okta = read_line("Okta API token: ")?;
    if statsig.is_empty() || okta.is_empty() {
        return Err(refuse("Both tokens are needed; nothing was stored."));
    }
    let store = OsKeyring;
    store
        .set(
            &secrets::account("statsig", &settings.statsig_url),
            &Secret::new(statsig),
        )
        .map_err(|e| refuse(e.0))?;
    store
        .set(
            &secrets::account("okta", &settings.okta_url),
            &Secret::new(okta),
        )
        .map_err(|e| refuse(e.0))?;
    settings.save().map_err(refuse)?;
    eprintln!("Tokens stored in the OS keyring; settings saved (without tokens).");
    Ok(())
}

fn logout(g: &Global) -> Result<(), Failure> {
    let settings = Settings::load().map_err(refuse)?.unwrap_or_default();
    let statsig = g.statsig_url.clone().unwrap_or(settings.statsig_url);
    let okta = g.okta_url.clone().unwrap_or(settings.okta_url);
    let store = OsKeyring;
    store
        .delete(&secrets::account("statsig", &statsig))
        .map_err(|e| refuse(e.0))?;
    store
        .delete(&secrets::account("okta", &okta))
        .map_err(|e| refuse(e.0))?;
    eprintln!("Tokens removed from the OS keyring.");
    Ok(())
}

async fn with_workspace(g: &Global, command: Command) -> Result<(), Failure> {
    let demo = if g.demo {
        Some(
            Demo::start(g.reset_demo)
                .await
                .map_err(|e| Failure(FAILED, format!("cannot start the sandbox: {e}")))?,
        )
    } else {
        None
    };
    let (mut conn, store) = match &demo {
        Some(d) => (d.connection(), d.state_store()),
        None => (
            real_connection(g)?,
            StateStore::new(crate::engine::config::data_dir().join("state.json")),
        ),
    };
    if let Some(b) = g.batch_size {
        conn.batch_size = b;
    }
    let (mut ws, warning) =
        Workspace::open(conn, store, RetryPolicy::default(), Arc::new(CliObserver))?;
    if let Some(w) = warning {
        eprintln!("warning: {w}");
    }
    let cancel = ws.cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("cancelling after the request in flight...");
            cancel.cancel();
        }
    });
    ws.import(|_| {}).await?;
    let result = run(g, &mut ws, command).await;
    if let Some(d) = &demo
        && let Err(e) = d.persist()
    {
        eprintln!("warning: could not save the demo data: {e}");
    }
    result
}

fn print_json(v: &serde_json::Value) {
    out!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

/// A mapping by id or by its Okta group's name.
fn find_mapping(ws: &Workspace, key: &str) -> Result<Mapping, Failure> {
    ws.mappings()
        .iter()
        .find(|m| {
            m.id == key
                || m.okta_group_name.eq_ignore_ascii_case(key)
                || m.statsig_group_name.eq_ignore_ascii_case(key)
        })
        .cloned()
        .ok_or_else(|| refuse(format!("No mapping is called \"{key}\"; see `mappings`.")))
}

fn okta_group_id(ws: &Workspace, key: &str) -> Result<String, Failure> {
    let d = ws.directory();
    d.okta_group(key)
        .or_else(|| d.okta_group_by_name(key))
        .map(|g| g.id.clone())
        .ok_or_else(|| refuse(format!("No Okta group is called \"{key}\".")))
}

fn statsig_group_id(ws: &Workspace, key: &str) -> Result<String, Failure> {
    let d = ws.directory();
    d.statsig_group(key)
        .or_else(|| d.statsig_group_by_name(key))
        .map(|g| g.id.clone())
        .ok_or_else(|| refuse(format!("No Statsig group is called \"{key}\".")))
}

fn okta_user_id(ws: &Workspace, key: &str) -> Result<String, Failure> {
    let d = ws.directory();
    d.okta_user(key)
        .or_else(|| d.okta_user_by_email(key))
        .map(|u| u.id.clone())
        .ok_or_else(|| refuse(format!("No Okta user has the email \"{key}\".")))
}

fn status_line(m: &Mapping) -> String {
    let mut s = format!(
        "{:<4} {:<9} {} -> {}",
        m.id,
        m.status.label(),
        m.okta_group_name,
        m.statsig_group_name
    );
    if let Some(t) = &m.last_push {
        s.push_str(&format!("  (last push {t})"));
    }
    if let MappingStatus::Error { at, cause, request } = &m.status {
        s.push_str(&format!("\n       error at {at}: {cause}"));
        if let Some(r) = request {
            s.push_str(&format!(" [{r}]"));
        }
    }
    if let Some(d) = &m.drift {
        s.push_str(&format!(
            "\n       drift: {} added and {} removed in Statsig since the last push",
            d.added_in_statsig.len(),
            d.removed_in_statsig.len()
        ));
    }
    s
}

fn print_plan(plan: &crate::model::Plan, ws: &Workspace) {
    out!(
        "{} <- Okta group {}",
        plan.statsig_group_name,
        ws.directory()
            .okta_group(&plan.okta_group_id)
            .map(|g| g.name.as_str())
            .unwrap_or("?")
    );
    out!("  {}", plan.summary());
    for m in &plan.adds {
        out!("  + {}", m.display);
    }
    for m in &plan.removes {
        out!("  - {}", m.display);
    }
    for s in &plan.skipped {
        out!("  ! {}: {}", s.email, s.reason);
    }
}

async fn run(g: &Global, ws: &mut Workspace, command: Command) -> Result<(), Failure> {
    match command {
        Command::Snapshot(SnapshotCommand::Export { file, redact }) => {
            write_snapshot(ws, g, &file, redact)?;
        }
        Command::Snapshot(SnapshotCommand::Diff { before, .. }) => {
            let old = crate::engine::files::open_snapshot(&before).map_err(refuse)?;
            let c = crate::model::snapshot::compare(&old, &ws.snapshot(g.demo));
            print_comparison(g, &c);
            if !c.is_empty() {
                return Err(Failure(FAILED, String::new()));
            }
        }
        Command::Snapshot(SnapshotCommand::Show { .. }) => {}
        Command::Import { out, redact } => {
            if let Some(file) = &out {
                write_snapshot(ws, g, file, redact)?;
            }
            let d = ws.directory();
            let teams: usize = d.teams().values().map(|t| t.len()).sum();
            if g.json {
                print_json(
                    &json!({"statsig_users": d.statsig_users.len(), "statsig_groups": d.statsig_groups.len(), "projects": d.projects, "teams": teams,
                    "okta_users": d.okta_users.len(), "okta_groups": d.okta_groups.len(), "unreadable": d.unreadable().len()}),
                );
            } else {
                out!(
                    "Statsig: {} users, {} groups, {} projects, {} teams",
                    d.statsig_users.len(),
                    d.statsig_groups.len(),
                    d.projects.len(),
                    teams
                );
                out!(
                    "Okta:    {} users, {} groups",
                    d.okta_users.len(),
                    d.okta_groups.len()
                );
                for u in d.unreadable() {
                    out!(
                        "unreadable: {} ({})",
                        names::display_safe(&d.statsig_groups[u.group].display_name),
                        u.reason
                    );
                }
            }
        }
        Command::Teams { project } => {
            let d = ws.directory();
            let mut rows = Vec::new();
            for (p, teams) in d.teams() {
                if project.as_ref().is_some_and(|x| !x.eq_ignore_ascii_case(p)) {
                    continue;
                }
                for (t, groups) in teams {
                    let count = |i: Option<usize>| {
                        i.map(|i| d.statsig_groups[i].members.len()).unwrap_or(0)
                    };
                    rows.push(json!({"project": p, "team": t, "admins": count(groups.admin), "members": count(groups.member)}));
                }
            }
            if g.json {
                print_json(&json!(rows));
            } else {
                for r in rows {
                    out!(
                        "{:<22} {:<20} {:>3} admins {:>3} members",
                        r["project"].as_str().unwrap_or_default(),
                        r["team"].as_str().unwrap_or_default(),
                        r["admins"],
                        r["members"]
                    );
                }
            }
        }
        Command::Team { project, team } => {
            let d = ws.directory();
            let groups = d
                .teams()
                .get(&project)
                .and_then(|t| t.get(&team))
                .ok_or_else(|| refuse(format!("Project \"{project}\" has no team \"{team}\".")))?;
            let mut rows = Vec::new();
            for role in names::Role::ALL {
                if let Some(i) = groups.get(role) {
                    for uid in &d.statsig_groups[i].members {
                        let u = d.statsig_user(uid);
                        rows.push(json!({"role": role.as_str(), "email": u.map(|u| u.user_name.clone()).unwrap_or(uid.clone()), "name": u.map(|u| u.display_name()).unwrap_or_default()}));
                    }
                }
            }
            if g.json {
                print_json(&json!(rows));
            } else {
                for r in rows {
                    out!(
                        "{:<7} {:<28} {}",
                        r["role"].as_str().unwrap_or_default(),
                        r["name"].as_str().unwrap_or_default(),
                        r["email"].as_str().unwrap_or_default()
                    );
                }
            }
        }
        Command::Groups { search } => {
            let d = ws.directory();
            let needle = search.map(|s| s.to_lowercase());
            let rows: Vec<_> = d
                .okta_groups
                .iter()
                .filter(|gr| needle.as_ref().is_none_or(|n| gr.name.to_lowercase().contains(n)))
                .map(|gr| {
                    let pushed = ws.mappings().iter().find(|m| m.okta_group_id == gr.id).map(|m| m.statsig_group_name.clone());
                    json!({"id": gr.id, "name": gr.name, "type": gr.kind, "members": gr.members.len(), "pushed_to": pushed})
                })
                .collect();
            if g.json {
                print_json(&json!(rows));
            } else {
                for r in rows {
                    out!(
                        "{:<22} {:<40} {:>4} members  {}",
                        r["id"].as_str().unwrap_or_default(),
                        r["name"].as_str().unwrap_or_default(),
                        r["members"],
                        r["pushed_to"]
                            .as_str()
                            .map(|s| format!("-> {s}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        Command::Users { search } => {
            let d = ws.directory();
            let needle = search.map(|s| s.to_lowercase());
            let rows: Vec<_> = d
                .okta_users
                .iter()
                .filter(|u| needle.as_ref().is_none_or(|n| u.email.to_lowercase().contains(n) || u.display_name().to_lowercase().contains(n)))
                .map(|u| json!({"id": u.id, "email": u.email, "name": u.display_name(), "status": u.status, "in_statsig": d.statsig_user_for(u).is_some()}))
                .collect();
            if g.json {
                print_json(&json!(rows));
            } else {
                for r in rows {
                    out!(
                        "{:<34} {:<24} {:<14} {}",
                        r["email"].as_str().unwrap_or_default(),
                        r["name"].as_str().unwrap_or_default(),
                        r["status"].as_str().unwrap_or_default(),
                        if r["in_statsig"] == true {
                            "in Statsig"
                        } else {
                            "not in Statsig"
                        }
                    );
                }
            }
        }
        Command::CreateGroup {
            name,
            description,
            members,
        } => {
            let ids = members
                .iter()
                .map(|m| okta_user_id(ws, m.trim()))
                .collect::<Result<Vec<_>, _>>()?;
            let group = ws.create_mapping_group(&name, &description, &ids).await?;
            if g.json {
                print_json(
                    &json!({"id": group.id, "name": group.name, "members": group.members.len()}),
                );
            } else {
                out!(
                    "Created Okta group \"{}\" ({}) with {} members",
                    group.name,
                    group.id,
                    group.members.len()
                );
            }
        }
        Command::AddMember { group, user } => {
            let (gid, uid) = (okta_group_id(ws, &group)?, okta_user_id(ws, &user)?);
            ws.set_okta_member(&gid, &uid, true).await?;
            out!("Added {user} to {group}");
        }
        Command::RemoveMember { group, user } => {
            let (gid, uid) = (okta_group_id(ws, &group)?, okta_user_id(ws, &user)?);
            ws.set_okta_member(&gid, &uid, false).await?;
            out!("Removed {user} from {group}");
        }
        Command::Plan {
            okta_group,
            statsig_group,
        } => {
            let plan = ws.plan(
                &okta_group_id(ws, &okta_group)?,
                &statsig_group_id(ws, &statsig_group)?,
            )?;
            if g.json {
                print_json(&serde_json::to_value(&plan).unwrap_or_default());
            } else {
                print_plan(&plan, ws);
            }
        }
        Command::Link {
            okta_group,
            statsig_group,
            no_push,
        } => {
            let m = ws
                .link_confirmed(
                    &okta_group_id(ws, &okta_group)?,
                    &statsig_group_id(ws, &statsig_group)?,
                    !no_push,
                    allowed(g),
                )
                .await?;
            report_mapping(g, &m);
        }
        Command::Create {
            okta_group,
            project,
            team,
            no_push,
        } => {
            let m = ws
                .create(&okta_group_id(ws, &okta_group)?, &project, &team, !no_push)
                .await?;
            report_mapping(g, &m);
        }
        Command::Mappings => {
            if g.json {
                print_json(&serde_json::to_value(ws.mappings()).unwrap_or_default());
            } else if ws.mappings().is_empty() {
                out!("No mappings yet; create one with `link` or `create`.");
            } else {
                for m in ws.mappings() {
                    out!("{}", status_line(m));
                }
            }
        }
        Command::Push { mapping } => {
            let m = find_mapping(ws, &mapping)?;
            let report = ws.confirm_removals(&m.id, allowed(g)).await?;
            if g.json {
                print_json(&serde_json::to_value(&report.plan).unwrap_or_default());
            } else {
                print_plan(&report.plan, ws);
            }
        }
        Command::Retry => {
            let failed = ws.retry_errors().await;
            for (id, e) in &failed {
                eprintln!("{id}: {e}");
            }
            if !failed.is_empty() {
                return Err(Failure(
                    FAILED,
                    format!("{} mapping(s) still fail", failed.len()),
                ));
            }
            out!("Every errored mapping was pushed again.");
        }
        Command::Deactivate { mapping } => {
            let m = find_mapping(ws, &mapping)?;
            ws.set_active(&m.id, false).await?;
            out!(
                "Deactivated {}: memberships stay, nothing is pushed.",
                m.okta_group_name
            );
        }
        Command::Activate { mapping } => {
            let m = find_mapping(ws, &mapping)?;
            ws.set_active_confirmed(&m.id, true, allowed(g)).await?;
            out!("Activated and pushed {}.", m.okta_group_name);
        }
        Command::ResolveDrift {
            mapping,
            overwrite,
            adopt,
            pause,
        } => {
            let m = find_mapping(ws, &mapping)?;
            let choice = match (overwrite, adopt, pause) {
                (true, _, _) => crate::model::mapping::DriftChoice::Overwrite,
                (_, true, _) => crate::model::mapping::DriftChoice::Adopt,
                (_, _, true) => crate::model::mapping::DriftChoice::Pause,
                _ => return Err(refuse("Choose --overwrite, --adopt or --pause.")),
            };
            ws.resolve_drift(&m.id, choice).await?;
            out!("Settled the drift of {}.", m.okta_group_name);
        }
        Command::Unlink {
            mapping,
            delete,
            leave: _,
        } => {
            let yes = g.yes;
            let m = find_mapping(ws, &mapping)?;
            let how = if delete {
                Unlink::Delete
            } else {
                Unlink::Leave
            };
            if how == Unlink::Delete && !yes {
                let team = ws
                    .directory()
                    .statsig_group_index(&m.statsig_group_id)
                    .and_then(|i| ws.directory().parsed(i).reading());
                let what = match team {
                    Some(names::NameReading::Team { project, team, .. }) => {
                        format!("team \"{team}\" in project \"{project}\"")
                    }
                    _ => format!("group \"{}\"", m.statsig_group_name),
                };
                let answer = read_line(&format!(
                    "This deletes the Statsig {what}. Type the team name to confirm: "
                ))?;
                if Some(&answer) != ws.confirmation_word(&m.id).as_ref() {
                    return Err(Failure(
                        NOT_CONFIRMED,
                        "Not confirmed; nothing was deleted. Pass --yes to confirm without asking."
                            .into(),
                    ));
                }
            }
            // The engine checks the confirmation again; --yes supplies the team's name.
            let confirmation = ws.confirmation_word(&m.id).unwrap_or_default();
            ws.unlink(&m.id, how, &confirmation).await?;
            match how {
                Unlink::Delete => out!(
                    "Unlinked {} and deleted {} in Statsig.",
                    m.okta_group_name,
                    m.statsig_group_name
                ),
                Unlink::Leave => out!(
                    "Unlinked {}; {} was left in Statsig as it is.",
                    m.okta_group_name,
                    m.statsig_group_name
                ),
            }
        }
        Command::Verify { mapping } => {
            let m = find_mapping(ws, &mapping)?;
            let plan = ws.plan(&m.okta_group_id, &m.statsig_group_id)?;
            if g.json {
                print_json(
                    &json!({"in_sync": plan.unchanged, "missing_in_statsig": plan.adds, "extra_in_statsig": plan.removes, "not_provisioned": plan.skipped}),
                );
            } else {
                for x in &plan.unchanged {
                    out!("  = {}", x.display);
                }
                for x in &plan.adds {
                    out!("  missing in Statsig: {}", x.display);
                }
                for x in &plan.removes {
                    out!("  extra in Statsig:   {}", x.display);
                }
                for x in &plan.skipped {
                    out!("  not pushed:         {} ({})", x.email, x.reason);
                }
            }
            if !plan.is_noop() {
                return Err(Failure(
                    FAILED,
                    format!(
                        "{} is out of sync: {}",
                        m.statsig_group_name,
                        plan.summary()
                    ),
                ));
            }
        }
        Command::Watch { once, interval } => loop {
            let r = ws.watch_once().await?;
            if g.json {
                print_json(
                    &json!({"okta_groups_changed": r.okta_groups_changed, "pushed": r.pushed, "drifted": r.drifted, "errors": r.errors}),
                );
            } else {
                out!(
                    "{} Okta group(s) changed; pushed {:?}; drift in {:?}",
                    r.okta_groups_changed,
                    r.pushed,
                    r.drifted
                );
                for e in &r.errors {
                    eprintln!("  {e}");
                }
            }
            if once || ws.cancel.is_cancelled() {
                break;
            }
            tokio::time::sleep(Duration::from_secs(interval.max(5))).await;
            if ws.cancel.is_cancelled() {
                break;
            }
        },
        Command::Sandbox(_) | Command::Login | Command::Logout => {}
    }
    Ok(())
}

fn write_snapshot(
    ws: &Workspace,
    g: &Global,
    file: &std::path::Path,
    redact: bool,
) -> Result<(), Failure> {
    let snap = ws.snapshot(g.demo);
    let snap = if redact { snap.redacted() } else { snap };
    crate::engine::files::export_snapshot(file, &snap).map_err(|e| Failure(FAILED, e))?;
    eprintln!(
        "Snapshot written{}: {}",
        if redact { " (redacted)" } else { "" },
        file.display()
    );
    Ok(())
}

fn snapshot_show(g: &Global, file: &std::path::Path) -> Result<(), Failure> {
    let s = crate::engine::files::open_snapshot(file).map_err(refuse)?;
    let d = s.directory();
    let teams: usize = d.teams().values().map(|t| t.len()).sum();
    if g.json {
        print_json(
            &json!({"taken_at": s.taken_at, "source": {"statsig_url": s.source.statsig_url, "okta_url": s.source.okta_url, "demo": s.source.demo},
            "redacted": s.redacted, "version": s.version, "projects": s.projects.len(), "teams": teams, "statsig_users": s.statsig_users.len(),
            "okta_users": s.okta_users.len(), "okta_groups": s.okta_groups.len(), "mappings": s.mappings.len()}),
        );
    } else {
        out!(
            "Snapshot taken {} (format {}){}",
            s.taken_at,
            s.version,
            if s.redacted { ", redacted" } else { "" }
        );
        out!(
            "From Okta {} and Statsig {}",
            s.source.okta_url,
            s.source.statsig_url
        );
        out!(
            "Statsig: {} users, {} projects, {} teams; Okta: {} users, {} groups; {} mappings",
            s.statsig_users.len(),
            s.projects.len(),
            teams,
            s.okta_users.len(),
            s.okta_groups.len(),
            s.mappings.len()
        );
    }
    Ok(())
}

fn print_comparison(g: &Global, c: &crate::model::snapshot::Comparison) {
    if g.json {
        print_json(&serde_json::to_value(c).unwrap_or_default());
        return;
    }
    if c.is_empty() {
        out!("No differences.");
        return;
    }
    out!("{}", c.summary());
    for t in &c.teams_created {
        out!("team created: {t}");
    }
    for t in &c.teams_deleted {
        out!("team deleted: {t}");
    }
    for r in &c.members_changed {
        for a in &r.added {
            out!("+ {} / {} / {}: {a}", r.project, r.team, r.role);
        }
        for a in &r.removed {
            out!("- {} / {} / {}: {a}", r.project, r.team, r.role);
        }
    }
    for m in &c.mappings_created {
        out!("mapping created: {m}");
    }
    for m in &c.mappings_unlinked {
        out!("mapping unlinked: {m}");
    }
    for s in &c.status_changes {
        out!(
            "status: {} -> {}: {} to {}",
            s.okta_group,
            s.statsig_group,
            s.before,
            s.after
        );
    }
}

fn snapshot_diff_files(
    g: &Global,
    before: &std::path::Path,
    after: &std::path::Path,
) -> Result<(), Failure> {
    let a = crate::engine::files::open_snapshot(before).map_err(refuse)?;
    let b = crate::engine::files::open_snapshot(after).map_err(refuse)?;
    let c = crate::model::snapshot::compare(&a, &b);
    print_comparison(g, &c);
    if c.is_empty() {
        Ok(())
    } else {
        Err(Failure(FAILED, String::new()))
    }
}

/// Removals the admin confirmed on the command line.
fn allowed(g: &Global) -> usize {
    if g.yes {
        usize::MAX
    } else {
        g.allow_removals.unwrap_or(0)
    }
}

fn report_mapping(g: &Global, m: &Mapping) {
    if g.json {
        print_json(&serde_json::to_value(m).unwrap_or_default());
    } else {
        out!("{}", status_line(m));
        if let Some(c) = &m.last_counts {
            out!(
                "     pushed: {} added, {} removed, {} not pushable, {} request(s)",
                c.added,
                c.removed,
                c.skipped,
                c.requests
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
        let parsed = Cli::try_parse_from([
            "okta-statsig-teams",
            "sandbox",
            "--users",
            "50",
            "--project-count",
            "3",
            "--latency-ms",
            "5",
        ])
        .unwrap();
        let Some(Command::Sandbox(args)) = parsed.command else {
            panic!("sandbox")
        };
        let config = args.config().unwrap();
        assert_eq!(config.latency, Duration::from_millis(5));
        assert!(matches!(
            config.seed.kind,
            SeedKind::Scaled(Scale {
                users: 50,
                projects: 3,
                ..
            })
        ));
        let bad = Cli::try_parse_from(["okta-statsig-teams", "sandbox", "--seed", "huge"]).unwrap();
        let Some(Command::Sandbox(args)) = bad.command else {
            panic!("sandbox")
        };
        assert_eq!(
            args.config().unwrap_err(),
            "--seed must be demo, large or a number, not \"huge\""
        );
    }
}
