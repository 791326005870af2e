//! `okta-statsig-teams sandbox`: the two emulators in the foreground until interrupted.

use super::args::SandboxArgs;
use super::output::out;
use crate::sandbox::Sandbox;
use std::process::ExitCode;

/// Serves the sandbox and prints its URLs and tokens (the sandbox's own throwaway ones).
pub fn run(args: &SandboxArgs) -> ExitCode {
    let config = match args.config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(super::outcome::REFUSED);
        }
    };
    let rt = match super::outcome::runtime() {
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
        // To try what a token without the System Log's scope sees (History, Health).
        out!(
            "okta_token_without_logs_scope={}",
            sandbox.okta_token_without_logs_scope().expose()
        );
        eprintln!("serving; press Ctrl-C to stop");
        let _ = tokio::signal::ctrl_c().await;
        drop(sandbox);
        ExitCode::SUCCESS
    })
}
