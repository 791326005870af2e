//! The status line says what holds now: a retry notice gives way as soon as the service
//! answers again, not only when the job ends.

use crate::support::*;
use egui_kittest::kittest::Queryable;
use okta_statsig_teams::ui::App;
use std::time::Duration;

#[test]
fn a_retry_notice_gives_way_once_okta_answers_again() {
    // A slow network: the refresh goes on for a while after the retry.
    let mut f = fixture_with(Setup {
        latency: Duration::from_millis(100),
        ..Setup::default()
    });
    let h = &mut f.harness;
    // The groups list's answer is lost once: the client waits, then asks again.
    f.sandbox
        .okta_faults
        .lose_next_answer("GET", "/api/v1/groups");
    click(h, "Refresh");
    wait(h, "the retry notice", |a| {
        a.status_line().is_some_and(|t| t.contains("retrying in"))
    });
    h.get_by_label_contains("retrying in");
    wait(h, "the notice to give way", |a| {
        !a.status_line().is_some_and(|t| t.contains("retrying in"))
    });
    assert!(
        !h.state().is_idle(),
        "Okta answered again while the refresh still runs: the notice is stale by then"
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
