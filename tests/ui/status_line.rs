//! The status line says what holds now: a retry or rate-limit notice gives way as soon as
//! the service answers again, not only when the job ends.

use crate::support::*;
use egui_kittest::kittest::Queryable;
use okta_statsig_teams::sandbox::limits::OktaLimits;
use okta_statsig_teams::ui::App;

#[test]
fn a_retry_notice_gives_way_once_okta_answers_again() {
    // Okta's group bucket at eight a second: a refresh waits for it, then goes on for a
    // few seconds with every answer a success.
    let mut f = fixture_with(Setup {
        sandbox: Some(Box::new(|c| {
            c.okta_limits = OktaLimits {
                group: 8,
                ..OktaLimits::none()
            };
            c.okta_rate_window_secs = 1;
        })),
        ..Setup::default()
    });
    let h = &mut f.harness;
    // And the groups list's answer is lost once: the client waits, then asks again.
    f.sandbox
        .okta_faults
        .lose_next_answer("GET", "/api/v1/groups");
    let said_before = h.state().messages().count();
    click(h, "Refresh");
    wait(h, "a retry notice", |a| {
        a.messages()
            .skip(said_before)
            .any(|m| m.contains("retrying in"))
    });
    wait(h, "the notice to give way", |a| {
        !a.status_line().is_some_and(|t| t.contains("retrying in"))
    });
    assert!(
        !h.state().is_idle(),
        "Okta answered again while the refresh still runs: the notice is stale by then ({:?})",
        h.state().status_line()
    );
    assert!(h.query_by_label_contains("retrying in").is_none());
    wait(h, "the refresh", App::is_idle);
    assert!(
        h.state()
            .status_line()
            .is_some_and(|t| t.starts_with("Imported")),
        "{:?}",
        h.state().status_line()
    );
}

/// "Watch for changes" turns the engine's watcher on and off, and the box shows what the
/// engine says, not only what was clicked.
#[test]
fn the_watch_toggle_turns_the_watcher_on_and_off() {
    use egui_kittest::kittest::NodeT;
    let mut f = fixture();
    let h = &mut f.harness;
    let ticked = |h: &egui_kittest::Harness<'static, App>| {
        h.get_by_label("Watch for changes")
            .accesskit_node()
            .toggled()
            == Some(egui::accesskit::Toggled::True)
    };
    assert!(!h.state().is_watching() && !ticked(h));
    assert!(
        h.query_by_label("Desktop alerts").is_none(),
        "alerts are a setting of watching"
    );
    click(h, "Watch for changes");
    wait(h, "the watcher on", App::is_watching);
    assert!(ticked(h));
    // While watching, Desktop alerts is on until turned off, and stays off.
    let alerts = |h: &egui_kittest::Harness<'static, App>| {
        h.get_by_label("Desktop alerts").accesskit_node().toggled()
            == Some(egui::accesskit::Toggled::True)
    };
    assert!(alerts(h) && h.state().alerts_on());
    click(h, "Desktop alerts");
    assert!(!alerts(h) && !h.state().alerts_on());
    click(h, "Watch for changes");
    wait(h, "the watcher off", |a| !a.is_watching());
    assert!(!ticked(h));
}
