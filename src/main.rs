//! The `okta-statsig-teams` binary: the desktop app by default, headless subcommands otherwise.

fn main() -> std::process::ExitCode {
    okta_statsig_teams::cli::main()
}
