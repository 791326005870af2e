//! Headless subcommands over the same engine the GUI uses, for scripting and automation.

use crate::model::secret::Secret;
use crate::sandbox::seed::{Scale, SeedKind, SeedSpec};
use crate::sandbox::{Sandbox, SandboxConfig};
use clap::{Args, Parser, Subcommand};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "okta-statsig-teams",
    version,
    about = "Manage Statsig teams from Okta: import, map, push, verify and unlink over SCIM."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the local Statsig SCIM and Okta API emulators with demo data until interrupted.
    Sandbox(SandboxArgs),
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
    #[arg(long, default_value_t = 10)]
    pub projects: usize,
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
}

impl SandboxArgs {
    pub fn config(&self) -> Result<SandboxConfig, String> {
        let (seed, kind) = match (self.seed.as_str(), self.users) {
            (_, Some(users)) => (
                7,
                SeedKind::Scaled(Scale {
                    users,
                    projects: self.projects.max(1),
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
        None => {
            eprintln!("the desktop app is not built yet");
            ExitCode::FAILURE
        }
        Some(Command::Sandbox(args)) => run_sandbox(&args),
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
        println!("statsig_scim_url={}", sandbox.statsig_url);
        println!("statsig_token={}", sandbox.statsig_token.expose());
        println!("okta_url={}", sandbox.okta_url);
        println!("okta_token={}", sandbox.okta_token.expose());
        eprintln!("serving; press Ctrl-C to stop");
        let _ = tokio::signal::ctrl_c().await;
        drop(sandbox);
        ExitCode::SUCCESS
    })
}
