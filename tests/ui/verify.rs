//! Verify shows what changed in Statsig; an error shows its time, cause and request.

use crate::common;
use crate::support::*;
use egui_kittest::kittest::Queryable;
use okta_statsig_teams::engine::Workspace;
use okta_statsig_teams::engine::state::MappingStatus;
use serde_json::json;

fn linked_payments() -> Setup {
    Setup {
        before: Some(Box::new(|ws: &mut Workspace, rt, _| {
            let (okta, target) =
                common::pair(ws, "Payments Engineers", "Statsig-Checkout-Payments-Member");
            rt.block_on(ws.link(&okta, &target, true)).unwrap();
        })),
        ..Setup::default()
    }
}

#[test]
fn verify_shows_a_member_added_in_statsig() {
    let mut f = fixture_with(linked_payments());
    let h = &mut f.harness;
    // Someone adds a member directly in Statsig.
    let (gid, stranger, name) = {
        let w = f.sandbox.world();
        let g = w
            .groups
            .by_name("Statsig-Checkout-Payments-Member")
            .unwrap()
            .clone();
        let members: Vec<&str> = g["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["value"].as_str().unwrap())
            .collect();
        let stranger = w
            .users
            .iter()
            .find(|u| !members.contains(&u["id"].as_str().unwrap()))
            .unwrap()
            .clone();
        (
            g["id"].as_str().unwrap().to_string(),
            stranger["id"].as_str().unwrap().to_string(),
            stranger["userName"].as_str().unwrap().to_string(),
        )
    };
    f.sandbox
        .world()
        .patch_group(&gid, &json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": stranger}]}]}))
        .unwrap();
    click(h, "Verify");
    click(h, "Refresh comparison");
    wait(h, "the refresh", |a| {
        a.is_idle()
            && a.directory()
                .statsig_group(&gid)
                .is_some_and(|g| g.members.contains(&stranger))
    });
    assert!(h.query_by_label("1 extra in Statsig").is_some());
    assert!(h.query_by_label(&name).is_some());
    screenshot(h, "verify-view");
}

#[test]
fn a_team_deleted_in_statsig_shows_error_with_its_time_cause_and_way_out() {
    let mut f = fixture_with(Setup {
        before: Some(Box::new(|ws: &mut Workspace, rt, sandbox| {
            let (okta, target) =
                common::pair(ws, "Payments Engineers", "Statsig-Checkout-Payments-Member");
            rt.block_on(ws.link(&okta, &target, true)).unwrap();
            sandbox.world().delete_group(&target).unwrap();
            rt.block_on(ws.watch_once()).unwrap();
            assert!(matches!(
                ws.mappings()[0].status,
                MappingStatus::Error { .. }
            ));
        })),
        fixed_times: true,
        ..Setup::default()
    });
    let h = &mut f.harness;
    click(h, "Pushed groups (1 error)");
    assert!(
        h.query_by_label_contains("no longer exists (deleted in Statsig)")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Failing request: GET /Groups/")
            .is_some(),
        "the request that found it gone"
    );
    assert!(
        h.query_by_label_contains("A retry cannot fix this: The team no longer exists in Statsig: Unlink with Leave, then Create")
            .is_some(),
        "the way out, not a retry"
    );
    assert!(
        h.query_by_label_contains("Failed 2026-03-09 12:05:01 UTC")
            .is_some()
    );
    assert!(h.query_by_label("Errors (1)").is_some());
    screenshot(h, "pushed-groups-error");
}
