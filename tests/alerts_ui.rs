//! The watcher's desktop alerts through the app's window: a mapping that turns Error
//! while *Watch for changes* is ticked reaches a real notification server (Debian's
//! `dunst`, under Xvfb, on a private D-Bus session bus) once, and none is raised with
//! *Desktop alerts* unticked.
//!
//! Its own test binary: the test runs itself again as a child process whose
//! `DBUS_SESSION_BUS_ADDRESS` names the private bus from the start, so nothing in it
//! reads the session bus before, and no other test (nor the keyring's session) sees it.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "ui/support.rs"]
#[allow(dead_code)]
mod support;

use common::notifications::NotificationServer;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::model::mapping::MappingStatus;
use okta_statsig_teams::sandbox::faults::OneOff;
use okta_statsig_teams::ui::App;
use std::process::Command;
use support::*;

const PAYMENTS: &str = "Payments Engineers";
const PAYMENTS_TEAM: &str = "Statsig-Checkout-Payments-Member";
const FRAUD: &str = "Fraud Squad";
const FRAUD_TEAM: &str = "Statsig-Checkout-Fraud Detection-Member";

/// Set, in the child process, to the notification server's bus (as is
/// `DBUS_SESSION_BUS_ADDRESS`) and its tools' home.
const BUS: &str = "OST_ALERTS_TEST_BUS";
const HOME: &str = "OST_ALERTS_TEST_HOME";

/// The "Done when" through the window: one notification naming the mapping when
/// it turns Error while watching, nothing new at the next look, and none for a new Error
/// once Desktop alerts is unticked.
#[test]
fn a_mapping_turning_error_while_watching_in_the_app_reaches_a_real_notification_server_once() {
    const NAME: &str =
        "a_mapping_turning_error_while_watching_in_the_app_reaches_a_real_notification_server_once";
    if let (Ok(bus), Ok(home)) = (std::env::var(BUS), std::env::var(HOME)) {
        assert_eq!(
            std::env::var("DBUS_SESSION_BUS_ADDRESS").as_deref(),
            Ok(bus.as_str()),
            "the app's alerts go to the test's own bus"
        );
        return alerts_through_the_window(&NotificationServer::attach(bus, home.into()));
    }
    let server = NotificationServer::start();
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", NAME, "--nocapture", "--test-threads=1"])
        .env("DBUS_SESSION_BUS_ADDRESS", &server.bus)
        .env(BUS, &server.bus)
        .env(HOME, &server.home)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "the app's run failed:\n{said}");
    assert!(
        said.contains("1 passed"),
        "the app's run ran the test:\n{said}"
    );
}

fn status_of(a: &App, okta_group: &str) -> MappingStatus {
    a.mappings()
        .iter()
        .find(|m| m.okta_group_name == okta_group)
        .expect("the mapping exists")
        .status
        .clone()
}

fn is_error(a: &App, okta_group: &str) -> bool {
    matches!(status_of(a, okta_group), MappingStatus::Error { .. })
}

fn ticked(h: &Harness<'static, App>, label: &str) -> bool {
    h.get_by_label(label).accesskit_node().toggled() == Some(egui::accesskit::Toggled::True)
}

/// The alerts about the mapping of `okta_group` (its name is Okta group → team).
fn about<'a>(
    got: &'a [(String, String, String)],
    okta_group: &str,
) -> Vec<&'a (String, String, String)> {
    got.iter()
        .filter(|(_, summary, _)| summary.contains(okta_group))
        .collect()
}

/// Clicks *Check now* (the watcher's look, done at once) and waits until it is done.
fn check_now(h: &mut Harness<'static, App>) {
    let checked = |a: &App| a.messages().filter(|m| m.starts_with("Checked:")).count();
    let before = checked(h.state());
    click(h, "Check now");
    wait(h, "the look", |a| checked(a) > before && a.is_idle());
}

/// Looks at the server's history for a while (alerts are sent off the engine's thread):
/// what it holds then.
fn history_after_a_while(server: &NotificationServer) -> Vec<(String, String, String)> {
    for _ in 0..40 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    server.received()
}

fn alerts_through_the_window(server: &NotificationServer) {
    let mut f = fixture_with(Setup {
        before: Some(Box::new(|ws, rt, _| {
            for (okta, team) in [(PAYMENTS, PAYMENTS_TEAM), (FRAUD, FRAUD_TEAM)] {
                let (o, t) = common::pair(ws, okta, team);
                rt.block_on(ws.link(&o, &t, true)).unwrap();
            }
        })),
        ..Setup::default()
    });
    assert!(server.received().is_empty(), "nothing raised yet");
    let h = &mut f.harness;
    assert!(matches!(
        status_of(h.state(), PAYMENTS),
        MappingStatus::Active
    ));
    assert!(matches!(status_of(h.state(), FRAUD), MappingStatus::Active));
    // Someone joins Payments Engineers in Okta, and Statsig fails every membership PATCH.
    common::join_in_okta(&f.sandbox, PAYMENTS, PAYMENTS_TEAM);
    f.sandbox
        .scim_faults
        .answer_next("PATCH", "/Groups/", OneOff::ServerError, u32::MAX);

    // Watch for changes, ticked in the status bar: Desktop alerts is on, and the first look
    // (at once) fails the push.
    click(h, "Watch for changes");
    wait(h, "the watcher on", App::is_watching);
    assert!(ticked(h, "Watch for changes") && ticked(h, "Desktop alerts"));
    wait(h, "the mapping in Error", |a| {
        is_error(a, PAYMENTS) && a.is_idle()
    });
    let got = server.received_within(200);
    common::notifications::one_error_alert_naming(&got, PAYMENTS, PAYMENTS_TEAM);
    assert_eq!(got.len(), 1, "nothing else was raised: {got:?}");

    // The next look finds the same mapping still in Error: nothing new is raised.
    click_containing(h, "Pushed groups");
    check_now(h);
    assert!(is_error(h.state(), PAYMENTS), "the push fails again");
    let again = history_after_a_while(server);
    assert_eq!(again, got, "nothing new at the next look");

    // Desktop alerts unticked: a new Error (Fraud Squad's push fails) raises nothing.
    click(h, "Desktop alerts");
    assert!(!ticked(h, "Desktop alerts") && ticked(h, "Watch for changes"));
    common::join_in_okta(&f.sandbox, FRAUD, FRAUD_TEAM);
    check_now(h);
    assert!(is_error(h.state(), FRAUD), "Fraud Squad's push failed");
    let after = history_after_a_while(server);
    assert!(
        about(&after, FRAUD).is_empty(),
        "no alert while unticked: {after:?}"
    );
    assert_eq!(after, got, "nothing new while unticked");
}
