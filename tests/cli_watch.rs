//! `watch` against a sandbox on loopback, as a chat hook or a desktop sees it: `--json`
//! prints one flushed JSON line per event (a mapping turning Error among them), and
//! `--notify` raises the same alerts the app raises while watching, through a real
//! notification server (Debian's `dunst`, under Xvfb, on the test's own D-Bus session
//! bus), read back with `dunstctl history`.
#![allow(clippy::unwrap_used)]

mod common;

use okta_statsig_teams::sandbox::Sandbox;
use okta_statsig_teams::sandbox::faults::OneOff;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

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
        join_in_okta(&self.sandbox);
        self.sandbox
            .scim_faults
            .answer_next("PATCH", "/Groups/", OneOff::ServerError, 50);
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Adds to GROUP, in Okta, an active person with a Statsig account who is not in TEAM.
fn join_in_okta(s: &Sandbox) {
    let mut w = s.world();
    let team = w.group_member_ids(TEAM).unwrap();
    let domain = format!("@{}", w.rules.org_domain.to_lowercase());
    let email = w
        .users
        .iter()
        .filter(|u| u["active"] == true && !team.iter().any(|id| u["id"] == id.as_str()))
        .map(|u| u["userName"].as_str().unwrap().to_lowercase())
        .find(|e| e.ends_with(&domain))
        .unwrap();
    let gid = w.okta_group_by_name(GROUP).unwrap().id.clone();
    let uid = w
        .okta_users
        .values()
        .find(|u| u.email.eq_ignore_ascii_case(&email) && u.status == "ACTIVE")
        .unwrap()
        .id
        .clone();
    w.set_okta_membership(&gid, &uid, true, &okta_statsig_teams::clock::now())
        .unwrap();
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

/// A child process ended when the test ends, pass or fail.
struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `program` and reads the first line it prints (an address, a display number).
fn start_reading_line(mut c: Command, what: &str) -> (Kill, String) {
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("{what} cannot start ({e}): scripts/test.sh installs dbus, xvfb and dunst")
        });
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(!line.trim().is_empty(), "{what} printed nothing");
    (Kill(child), line.trim().to_string())
}

/// A private session bus with `dunst` on it (on its own Xvfb display): the bus address.
struct NotificationServer {
    bus: String,
    home: tempfile::TempDir,
    _dunst: Kill,
    _x: Kill,
    _bus: Kill,
}

impl NotificationServer {
    fn start() -> NotificationServer {
        let home = tempfile::tempdir().unwrap();
        let mut d = Command::new("dbus-daemon");
        d.args(["--session", "--nofork", "--print-address=1"]);
        let (bus_child, bus) = start_reading_line(d, "dbus-daemon");
        let mut x = Command::new("Xvfb");
        x.args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "640x480x24",
            "-nolisten",
            "tcp",
        ]);
        let (x_child, display) = start_reading_line(x, "Xvfb");
        let dunst = Command::new("dunst")
            .env("DBUS_SESSION_BUS_ADDRESS", &bus)
            .env("DISPLAY", format!(":{display}"))
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("dunst cannot start ({e}): scripts/test.sh installs it"));
        let server = NotificationServer {
            bus,
            home,
            _dunst: Kill(dunst),
            _x: x_child,
            _bus: bus_child,
        };
        // Ready when dunst answers on the bus.
        let ready = (0..200).any(|_| {
            let ok = server.dunstctl(&["is-paused"]).status.success();
            if !ok {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            ok
        });
        assert!(ready, "dunst never answered on the test's session bus");
        server
    }

    fn dunstctl(&self, args: &[&str]) -> Output {
        Command::new("dunstctl")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env("HOME", self.home.path())
            .args(args)
            .output()
            .expect("dunstctl runs")
    }

    /// Every notification the server received, as (app name, summary, body): the shown
    /// ones are closed first, so all are in its history.
    fn received(&self) -> Vec<(String, String, String)> {
        assert!(self.dunstctl(&["close-all"]).status.success());
        let out = self.dunstctl(&["history"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let field =
            |n: &serde_json::Value, k: &str| n[k]["data"].as_str().unwrap_or("").to_string();
        v["data"][0]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| (field(n, "appname"), field(n, "summary"), field(n, "body")))
            .collect()
    }
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
    let mut got = Vec::new();
    for _ in 0..100 {
        got = server.received();
        if !got.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let errors: Vec<_> = got
        .iter()
        .filter(|(_, summary, _)| summary.starts_with("Mapping in Error"))
        .collect();
    assert_eq!(errors.len(), 1, "one notification for the change: {got:?}");
    let (app, summary, body) = errors[0];
    assert_eq!(app, "Okta Statsig Teams");
    assert!(
        summary.contains(GROUP) && summary.contains(TEAM),
        "{summary}"
    );
    assert!(!body.is_empty(), "the body says why");
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
