//! `watch` against a sandbox on loopback, as a chat hook or a desktop sees it: `--json`
//! prints one flushed JSON line per event (a mapping turning Error among them), and
//! `--notify` raises the same alerts the app raises while watching, through a real
//! notification server (Debian's `dunst`, under Xvfb, on the test's own D-Bus session
//! bus), read back with `dunstctl history`.
#![allow(clippy::unwrap_used)]

mod common;

use common::notifications::NotificationServer;
use okta_statsig_teams::sandbox::Sandbox;
use okta_statsig_teams::sandbox::faults::OneOff;
use std::process::{Command, Output};

const TEAM: &str = "Statsig-Checkout-Payments-Member";
const GROUP: &str = "Payments Engineers";

/// The CLI on one sandbox, with its own data folder, in Direct push.
struct Cli {
    data: tempfile::TempDir,
    sandbox: Sandbox,
    _rt: tokio::runtime::Runtime,
}

impl Cli {
    fn new() -> Self {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let sandbox = rt.block_on(common::sandbox());
        Cli {
            data: tempfile::tempdir().unwrap(),
            sandbox,
            _rt: rt,
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"));
        c.env("OKTA_STATSIG_TEAMS_DATA_DIR", self.data.path())
            .env("STATSIG_SCIM_TOKEN", self.sandbox.statsig_token.expose())
            .env("OKTA_API_TOKEN", self.sandbox.okta_token.expose())
            .args([
                "--statsig-url",
                &self.sandbox.statsig_url,
                "--okta-url",
                &self.sandbox.okta_url,
                "--projects",
                &self.sandbox.projects().join(","),
                "--push-mode",
                "direct",
            ])
            .args(args);
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("the binary runs")
    }

    /// Links GROUP to TEAM (pushed at once), then adds someone to GROUP in Okta and makes
    /// Statsig answer 500 to every PATCH: the watcher's next push of it fails.
    fn a_push_that_will_fail(&self) {
        let linked = self.run(&["link", "--okta-group", GROUP, "--statsig-group", TEAM]);
        assert!(linked.status.success(), "{}", stderr(&linked));
        common::join_in_okta(&self.sandbox, GROUP, TEAM);
        self.sandbox
            .scim_faults
            .answer_next("PATCH", "/Groups/", OneOff::ServerError, 50);
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn watch_json_prints_one_line_per_event_and_a_mapping_turning_error_is_one_of_them() {
    let cli = Cli::new();
    cli.a_push_that_will_fail();
    let out = cli.run(&["--json", "watch", "--once"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a push failed: {}",
        stderr(&out)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let error = lines
        .iter()
        .find(|l| l["event"] == "status_changed" && l["to"] == "Error")
        .unwrap_or_else(|| panic!("no status_changed to Error in:\n{text}"));
    assert_eq!(error["from"], "Active", "{error}");
    let name = error["mapping"].as_str().unwrap();
    assert!(name.contains(GROUP) && name.contains(TEAM), "{name}");
    assert!(!error["cause"].as_str().unwrap().is_empty(), "{error}");
    // Told once: no other line says the same change.
    assert_eq!(
        lines
            .iter()
            .filter(|l| l["event"] == "status_changed")
            .count(),
        1,
        "{text}"
    );
    let last = lines.last().unwrap();
    assert_eq!(last["event"], "checked", "{text}");
    assert_eq!(last["failed"].as_array().unwrap().len(), 1, "{text}");
}

/// The "Done when": a mapping turns Error while watching, and one notification
/// naming it reaches a real notification server on the test's session bus. The app's
/// watcher raises it through the same code (`engine::alerts`, from the workspace's
/// watch events).
#[test]
fn a_mapping_turning_error_while_watching_reaches_a_real_notification_server_once() {
    let server = NotificationServer::start();
    let cli = Cli::new();
    cli.a_push_that_will_fail();
    let out = cli
        .command(&["watch", "--once", "--notify"])
        .env("DBUS_SESSION_BUS_ADDRESS", &server.bus)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let got = server.received_within(100);
    common::notifications::one_error_alert_naming(&got, GROUP, TEAM);
    // The same mapping still in Error at the next look raises nothing new.
    let again = cli
        .command(&["watch", "--once", "--notify"])
        .env("DBUS_SESSION_BUS_ADDRESS", &server.bus)
        .output()
        .unwrap();
    assert!(again.status.code().is_some(), "{}", stderr(&again));
    assert!(
        server.received().len() == got.len(),
        "nothing new: {:?}",
        server.received()
    );
}

/// Without a notification service, `--notify` says so in one log line and the watch
/// goes on as without it.
#[test]
fn no_notification_service_is_one_line_in_the_log_not_a_failure() {
    let cli = Cli::new();
    cli.a_push_that_will_fail();
    let out = cli
        .command(&["watch", "--once", "--notify"])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the push's failure, nothing else"
    );
    let said = stderr(&out);
    let lines: Vec<&str> = said
        .lines()
        .filter(|l| l.contains("desktop notification"))
        .collect();
    assert_eq!(lines.len(), 1, "{said}");
    assert!(lines[0].contains("not shown"), "{said}");
}
