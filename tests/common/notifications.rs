//! A real desktop notification server for the alert tests: Debian's `dunst` on a private
//! D-Bus session bus (on its own Xvfb display), read back with `dunstctl history`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

/// A child process ended when the test ends, pass or fail.
pub struct Kill(pub Child);

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
    BufReader::new(child.stdout.take().expect("a piped stdout"))
        .read_line(&mut line)
        .expect("its first line");
    assert!(!line.trim().is_empty(), "{what} printed nothing");
    (Kill(child), line.trim().to_string())
}

/// A private session bus with `dunst` on it: the bus address, and the home folder its
/// tools run with (so no one's own configuration is read).
pub struct NotificationServer {
    pub bus: String,
    pub home: PathBuf,
    _home: Option<tempfile::TempDir>,
    _running: Vec<Kill>,
}

impl NotificationServer {
    /// Starts a bus, a display and `dunst` on them; all end when this is dropped.
    pub fn start() -> NotificationServer {
        let home = tempfile::tempdir().expect("a temporary home");
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
            home: home.path().to_path_buf(),
            _home: Some(home),
            // Dropped in this order: dunst, then its display, then its bus.
            _running: vec![Kill(dunst), x_child, bus_child],
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

    /// The server another process started (see [`Self::start`]), on bus `bus` with its
    /// tools' home `home`: it keeps running when this is dropped.
    pub fn attach(bus: String, home: PathBuf) -> NotificationServer {
        NotificationServer {
            bus,
            home,
            _home: None,
            _running: Vec::new(),
        }
    }

    /// Runs `dunstctl` on the server's bus.
    pub fn dunstctl(&self, args: &[&str]) -> Output {
        Command::new("dunstctl")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env("HOME", &self.home)
            .args(args)
            .output()
            .expect("dunstctl runs")
    }

    /// Every notification the server received, as (app name, summary, body): the shown
    /// ones are closed first, so all are in its history.
    pub fn received(&self) -> Vec<(String, String, String)> {
        assert!(self.dunstctl(&["close-all"]).status.success());
        let out = self.dunstctl(&["history"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("dunstctl history is JSON");
        let field =
            |n: &serde_json::Value, k: &str| n[k]["data"].as_str().unwrap_or("").to_string();
        v["data"][0]
            .as_array()
            .expect("a list of notifications")
            .iter()
            .map(|n| (field(n, "appname"), field(n, "summary"), field(n, "body")))
            .collect()
    }

    /// What [`Self::received`] holds once it holds something, or after `tries` looks
    /// 50 ms apart.
    pub fn received_within(&self, tries: u32) -> Vec<(String, String, String)> {
        let mut got = Vec::new();
        for _ in 0..tries {
            got = self.received();
            if !got.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        got
    }
}

/// Asserts that `got` holds exactly one "Mapping in Error" notification, from the app,
/// naming the mapping of Okta group `group` and Statsig group `team`, saying why.
pub fn one_error_alert_naming(got: &[(String, String, String)], group: &str, team: &str) {
    let errors: Vec<_> = got
        .iter()
        .filter(|(_, summary, _)| summary.starts_with("Mapping in Error"))
        .collect();
    assert_eq!(errors.len(), 1, "one notification for the change: {got:?}");
    let (app, summary, body) = errors[0];
    assert_eq!(app, "Okta Statsig Teams");
    assert!(
        summary.contains(group) && summary.contains(team),
        "it names the mapping: {summary}"
    );
    assert!(!body.is_empty(), "the body says why");
}
