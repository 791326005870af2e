//! A first import cancelled while the other groups' members come in: what was not read
//! says so (never "being read" with nothing reading it, never 0 members), and nothing can
//! be saved for it until Refresh has read it.

use crate::support::*;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::sandbox::limits::OktaLimits;
use okta_statsig_teams::sandbox::{Sandbox, SandboxConfig};
use okta_statsig_teams::ui::{Action, App};

/// The app on a loopback org whose groups' members come in eight a second (long enough
/// to cancel, short enough for a refresh to read them all well inside a wait).
fn slow_org() -> (
    Harness<'static, App>,
    Sandbox,
    tempfile::TempDir,
    tokio::runtime::Runtime,
) {
    let rt = runtime();
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig {
            okta_limits: OktaLimits {
                group: 8,
                ..OktaLimits::none()
            },
            okta_rate_window_secs: 1,
            ..SandboxConfig::default()
        }))
        .unwrap();
    let state = tempfile::tempdir().unwrap();
    let data = okta_statsig_teams::engine::DataDir::new(state.path().join("data"));
    let h = app_on(connection(&sandbox), state.path(), data);
    (h, sandbox, state, rt)
}

#[test]
fn a_cancelled_first_import_says_what_was_not_read_and_saves_nothing_for_it() {
    let (mut h, _sandbox, _state, _rt) = slow_org();
    let h = &mut h;
    wait(h, "the groups", App::has_data);
    assert!(!h.state().is_idle(), "shown while the members come in");
    click(h, "Cancel");
    wait(h, "the cancel", App::is_idle);
    let unread = h
        .state()
        .directory()
        .okta_groups
        .iter()
        .find(|g| g.members_pending)
        .map(|g| (g.id.clone(), g.name.clone()))
        .expect("the cancel left groups unread");
    assert!(
        !h.state().directory().members_reading,
        "nothing reads them any more"
    );

    click(h, "Okta groups");
    h.state_mut()
        .perform(Action::SelectOktaGroup(unread.0.clone()));
    settle(h);
    assert!(
        h.query_by_label_contains("Reading this group's members")
            .is_none(),
        "no job reads it: it must not say it is being read"
    );
    h.get_by_label_contains("members were not read");
    h.get_by_label_contains("Refresh reads them");
    assert!(
        h.query_all_by_label("…").next().is_some(),
        "an unread group's count is …, never 0"
    );
    h.get_by_label("Refresh to read them");

    click(h, "Push this group…");
    h.get_by_label(&format!("{} (…)", unread.1));
    type_into(h, "Find team group", "Checkout-Payments-Member");
    click(h, "Statsig-Checkout-Payments-Member");
    assert!(
        h.query_all_by_label_contains("were not read")
            .next()
            .is_some(),
        "the preview says why it cannot plan"
    );
    for button in ["Save", "Save & Add Another"] {
        assert!(
            h.get_by_label(button).accesskit_node().is_disabled(),
            "{button}: nothing is saved without the plan shown"
        );
    }
    click(h, "Cancel");
    assert!(h.state().mappings().is_empty());

    // Refresh reads what was not read.
    pass_shield(h);
    click(h, "Refresh to read them");
    wait(h, "the refresh", |a| {
        a.is_idle() && a.directory().okta_groups.iter().all(|g| !g.members_pending)
    });
}
