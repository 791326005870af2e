//! Headless subcommands over the same engine the app uses, for scripting and automation.
//! Exit codes (one per kind of failure, see `outcome.rs`): 0 done, 1 a request failed and a
//! retry may work, or `verify`/`diff` found differences, 2 bad input or something must
//! change first, 3 not confirmed, 4 edits made in Statsig wait for a choice.

pub mod args;
mod auth;
mod directory;
mod doctor;
mod history;
mod link_many;
mod mappings;
mod outcome;
mod output;
mod restore;
mod rules;
mod sandbox;
mod snapshot;
mod subcommands;
mod suggest;

pub use args::{
    Cli, Command, DirectoryCommand, Global, MappingCommand, RuleCommand, SandboxArgs,
    SnapshotCommand, ToolCommand,
};
pub use auth::gui_flags;
pub use outcome::{DRIFT, FAILED, Failure, NOT_CONFIRMED, REFUSED};

use outcome::runtime;

use crate::engine::demo::{Demo, Owner};
use crate::engine::paths::DataDir;
use crate::engine::state::StateStore;
use crate::engine::workspace::Workspace;
use crate::net::RetryPolicy;
use output::Output;
use std::process::ExitCode;
use std::sync::Arc;

/// A subcommand's work, run once the runtime is up.
type Work<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Failure>> + 'a>>;

/// Logs every request at debug level and every wait on stderr; never a header.
struct CliObserver;

impl crate::net::Observer for CliObserver {
    fn request(&self, r: crate::net::RequestRecord) {
        tracing::debug!(service = r.service, method = %r.method, path = %r.path, status = ?r.status, ms = r.duration.as_millis() as u64, "request");
    }
    fn wait(&self, w: crate::net::WaitRecord) {
        output::err!(
            "{}: {}, retrying in {} s",
            w.service,
            w.reason,
            w.wait.as_secs().max(1)
        );
    }
}

/// Writes `bytes` to stdout; a closed pipe (`| head`) ends it quietly.
fn print_quietly(bytes: &[u8]) -> ExitCode {
    use std::io::Write;
    match std::io::stdout().write_all(bytes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: could not write to the output: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The data folder on the profile asked for: `--profile`, else the app's last one for the
/// app and Default for a command. A profile must exist, except for `login`, which makes it.
fn profile(cli: &Cli) -> Result<DataDir, Failure> {
    let root = DataDir::from_env();
    let Some(name) = &cli.global.profile else {
        return Ok(match cli.command {
            None => root.last_profile(),
            Some(_) => root,
        });
    };
    let data = root
        .with_profile(name)
        .map_err(|e| outcome::refuse(e.to_string()))?;
    let exists =
        data.profile() == crate::engine::paths::DEFAULT_PROFILE || data.profile_dir().is_dir();
    if !exists && !matches!(cli.command, Some(Command::Login)) {
        return Err(outcome::refuse(format!(
            "There is no profile \"{}\"; the profiles are {}. Make one with `login --profile {}` or in the app.",
            data.profile(),
            root.profiles().join(", "),
            data.profile()
        )));
    }
    Ok(data)
}

/// `snapshot copy FILE --to PROFILE`: on that profile's connection.
fn copy_to(g: &Global, out: Output, command: SnapshotCommand) -> Work<'_> {
    Box::pin(async move {
        let SnapshotCommand::Copy {
            file,
            to: Some(to),
            how,
        } = command
        else {
            return Err(outcome::refuse("Not a copy to another profile."));
        };
        let target = other_profile(&to)?;
        with_workspace(g, &target, Reads::Directories, async move |ws| {
            restore::restore(g, out, ws, &file, how, true).await
        })
        .await
    })
}

/// Another profile's data folder (`snapshot copy --to`), which must exist.
fn other_profile(name: &str) -> Result<DataDir, Failure> {
    let root = DataDir::from_env();
    let data = root
        .with_profile(name)
        .map_err(|e| outcome::refuse(e.to_string()))?;
    if data.profile() != crate::engine::paths::DEFAULT_PROFILE && !data.profile_dir().is_dir() {
        return Err(outcome::refuse(format!(
            "There is no profile \"{}\" to copy into; the profiles are {}.",
            data.profile(),
            root.profiles().join(", ")
        )));
    }
    Ok(data)
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::read(std::env::args_os()) {
        Ok(cli) => cli,
        Err(args::CliError::Clap(e)) => e.exit(),
        Err(e) => {
            output::err!("error: {e}");
            return ExitCode::from(REFUSED);
        }
    };
    let data = match profile(&cli) {
        Ok(d) => d,
        Err(Failure(code, message)) => {
            output::err!("error: {message}");
            return ExitCode::from(code);
        }
    };
    match cli.command {
        None => match auth::gui_flags(&cli.global, &data) {
            Ok(flags) => crate::ui::run(cli.global.snapshot.clone(), cli.global.demo, flags, data),
            Err(Failure(code, message)) => {
                output::err!("error: {message}");
                ExitCode::from(code)
            }
        },
        Some(command) => run_command(&cli.global, command, &data),
    }
}

/// `sandbox`, `completions`, `man`: no data folder, no connection.
fn run_tool(tool: ToolCommand) -> ExitCode {
    match tool {
        ToolCommand::Sandbox(args) => sandbox::run(&args),
        ToolCommand::Completions { shell } => {
            let mut cmd = Cli::command_line();
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut cmd, "okta-statsig-teams", &mut text);
            print_quietly(&text)
        }
        ToolCommand::Man => {
            let man = clap_mangen::Man::new(Cli::command_line());
            let mut text = Vec::new();
            match man.render(&mut text) {
                Ok(()) => print_quietly(&text),
                Err(e) => {
                    eprintln!("error: the manual page could not be made: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Runs a subcommand: one `match` names each, so a subcommand left unwired fails to compile.
fn run_command(g: &Global, command: Command, data: &DataDir) -> ExitCode {
    let out = Output { json: g.json };
    let work: Work<'_> = match command {
        Command::Tool(tool) => return run_tool(tool),
        Command::Login => Box::pin(async { auth::login(g, data) }),
        Command::Logout => Box::pin(async { auth::logout(g, data) }),
        Command::ForgetCache => Box::pin(async { auth::forget_cache(data) }),
        Command::Snapshot(SnapshotCommand::Show { file }) => {
            Box::pin(async move { snapshot::show(out, &file) })
        }
        Command::Snapshot(SnapshotCommand::Diff {
            before,
            after: Some(after),
            ..
        }) => Box::pin(async move { snapshot::diff_files(out, data, &before, &after) }),
        // A copy into another profile's org works on that profile's connection.
        Command::Snapshot(c @ SnapshotCommand::Copy { to: Some(_), .. }) => copy_to(g, out, c),
        Command::Snapshot(c) => Box::pin(with_workspace(
            g,
            data,
            Reads::Directories,
            async move |ws| snapshot::run(g, out, data, ws, c).await,
        )),
        Command::UndoBulk {
            plan: _,
            apply,
            skip,
        } => Box::pin(with_workspace(
            g,
            data,
            Reads::Directories,
            async move |ws| restore::undo(g, out, ws, apply, &skip).await,
        )),
        // Listing and removing rules read the rules file alone.
        Command::Rule(c @ (RuleCommand::List | RuleCommand::Remove { .. })) => {
            Box::pin(with_workspace(g, data, Reads::OwnFiles, async move |ws| {
                rules::run(g, out, ws, c).await
            }))
        }
        Command::Rule(
            c @ (RuleCommand::Add { .. } | RuleCommand::Preview { .. } | RuleCommand::Apply { .. }),
        ) => Box::pin(with_workspace(
            g,
            data,
            Reads::Directories,
            async move |ws| rules::run(g, out, ws, c).await,
        )),
        Command::Directory(c) => Box::pin(with_workspace(
            g,
            data,
            Reads::Directories,
            async move |ws| directory::run(g, out, data, ws, c).await,
        )),
        Command::Mapping(c) => Box::pin(with_workspace(
            g,
            data,
            Reads::Directories,
            async move |ws| mappings::run(g, out, ws, c).await,
        )),
        Command::Health(c) if c.snapshot().is_some() => {
            Box::pin(async move { doctor::run(out, None, c) })
        }
        Command::Health(c) => Box::pin(with_workspace(
            g,
            data,
            Reads::Directories,
            async move |ws| doctor::run(out, Some(ws), c),
        )),
        Command::History(ask) => history_work(g, data, out, ask),
        Command::LinkMany { file, no_push } => Box::pin(with_workspace(
            g,
            data,
            Reads::Directories,
            async move |ws| link_many::run(g, out, ws, &file, !no_push).await,
        )),
    };
    // User-only, as the app makes it, even when something else made it first.
    if let Err(e) = crate::engine::files::private_data_folder(data.path(), &data.profile_dir()) {
        output::err!(
            "warning: the data folder could not be made user-only ({e}): {}",
            data.path().display()
        );
    }
    crate::engine::logging::init(data);
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(work);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code, message)) => {
            if !message.is_empty() {
                output::err!("error: {message}");
            }
            if out.json {
                // A script reading stdout learns why too, not only from the exit code.
                out.failure(code, &message);
            }
            ExitCode::from(code)
        }
    }
}

/// `history`: on the workspace, after both directories are read (the mappings it names).
fn history_work<'a>(g: &'a Global, data: &'a DataDir, out: Output, ask: history::Ask) -> Work<'a> {
    Box::pin(with_workspace(
        g,
        data,
        Reads::Directories,
        async move |ws| history::run(out, ws, ask).await,
    ))
}

/// Whether a command reads the two directories before its work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reads {
    /// Imports both directories first (most commands).
    Directories,
    /// Only the profile's own files (listing and removing rules).
    OwnFiles,
}

/// Opens the workspace (the demo's or the saved connection's), imports when `reads`
/// says so, and does `work` on it; Ctrl-C cancels between requests.
async fn with_workspace(
    g: &Global,
    data: &DataDir,
    reads: Reads,
    work: impl AsyncFnOnce(&mut Workspace) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let demo = if g.demo {
        Some(Demo::start_as(data, g.reset_demo, Owner::Cli).await?)
    } else {
        None
    };
    let (mut conn, store) = match &demo {
        Some(d) => (d.connection(), d.state_store()),
        None => (
            auth::real_connection(g, data)?,
            StateStore::new(data.state_file()),
        ),
    };
    if let Some(b) = g.batch_size {
        conn.batch_size = b;
    }
    if let Some(m) = g.push_mode {
        conn.push_mode = m.into();
    }
    if let Some(app) = &g.okta_app {
        conn.okta_app_id = Some(app.clone());
    }
    let (mut ws, warning) =
        Workspace::open(conn, store, RetryPolicy::default(), Arc::new(CliObserver))?;
    if let Some(w) = warning {
        output::err!("warning: {w}");
    }
    let cancel = ws.cancel_token().clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("cancelling...");
            cancel.cancel();
        }
    });
    if reads == Reads::Directories {
        ws.import(|_| {}).await?;
        if let Some(w) = ws.mode_report().and_then(|r| r.warning.clone()) {
            output::err!("warning: {w}");
        }
    }
    let result = work(&mut ws).await;
    if let Some(d) = &demo {
        d.settle_okta(std::time::Duration::from_secs(20)).await;
        d.persist_if_changed();
    }
    drop(demo);
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::seed::{Scale, SeedKind};
    use clap::{CommandFactory, Parser};
    use std::time::Duration;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
        Cli::command_line().debug_assert();
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
        let Some(Command::Tool(ToolCommand::Sandbox(args))) = parsed.command else {
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
        let Some(Command::Tool(ToolCommand::Sandbox(args))) = bad.command else {
            panic!("sandbox")
        };
        assert_eq!(
            args.config().unwrap_err().to_string(),
            "--seed must be demo, large or a number, not \"huge\""
        );
    }
}
