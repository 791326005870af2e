//! A mapping whose Statsig team was deleted in Statsig (the demo's Loyalty Crew): the
//! pushed group's detail, Verify and Unlink each say the team is gone and what to do,
//! as Health does, instead of promising a first push or a team to delete.

use crate::support::{
    Setup, click, click_containing, fixture_with, last_message, select_mapping, wait,
    wait_for_label,
};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::engine::connection::PushModeChoice;
use okta_statsig_teams::ui::App;

const SOURCE: &str = "Loyalty Crew";

fn okta_demo() -> crate::support::Fixture {
    let mut f = fixture_with(Setup {
        mode: PushModeChoice::Auto,
        ..Setup::default()
    });
    wait_for_label(&mut f.harness, "Okta push via \"Statsig SCIM\"");
    f
}

fn shows(h: &Harness<'static, App>, what: &str) -> bool {
    h.query_all_by_label_contains(what).next().is_some()
}

#[test]
fn the_detail_of_a_mapping_whose_team_is_gone_says_so_and_how_to_recover() {
    let mut f = okta_demo();
    let h = &mut f.harness;
    click_containing(h, "Pushed groups");
    select_mapping(h, SOURCE);
    assert!(
        shows(h, "The Statsig team is gone: it was deleted in Statsig"),
        "the detail says the team is gone"
    );
    assert!(
        shows(h, "Unlink with Leave, then Create or Link again."),
        "the detail says what to do"
    );
    assert!(
        !shows(h, "Okta creates it at its first push"),
        "no promise that a push makes the team again"
    );
}

#[test]
fn verify_names_the_gone_team_and_says_it_is_gone() {
    let mut f = okta_demo();
    let h = &mut f.harness;
    click(h, "Verify");
    select_mapping(h, SOURCE);
    assert!(
        shows(
            h,
            "Statsig group Statsig-Checkout-Loyalty-Member is gone: it was deleted in Statsig"
        ),
        "Verify names the team and says it is gone"
    );
    assert!(
        !shows(h, "Statsig group  is not"),
        "no sentence with the name missing"
    );
}

#[test]
fn unlink_of_a_gone_team_offers_leave_only_and_says_why() {
    let mut f = okta_demo();
    let h = &mut f.harness;
    click_containing(h, "Pushed groups");
    select_mapping(h, SOURCE);
    click(h, "Unlink…");
    wait_for_label(h, "Unlink pushed group");
    assert!(
        shows(
            h,
            "The Statsig team is already gone: it was deleted in Statsig. Leave only removes the mapping; Delete has nothing to delete."
        ),
        "Leave says it only removes the mapping"
    );
    assert!(
        !shows(h, "The Statsig team and its members stay as they are"),
        "no word of a team that stays"
    );
    assert!(
        h.get_by_label("Delete the group in the target app")
            .accesskit_node()
            .is_disabled(),
        "Delete is off: there is nothing to delete"
    );
    click(h, "Unlink");
    wait(h, "the unlink", |a| {
        a.is_idle() && !a.mappings().iter().any(|m| m.okta_group_name == SOURCE)
    });
    let said = last_message(h);
    assert!(
        said.contains("Statsig-Checkout-Loyalty-Member had already been deleted in Statsig"),
        "the outcome says the team was already gone, not that it was left as it is: {said}"
    );
}
