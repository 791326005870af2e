//! The demo's cases for the Health findings the rest of the demo does not raise: a team
//! deleted in Statsig that one of Okta's mappings still pushes into, and an Okta group
//! named like a Statsig team group that is not the team.

use super::world::{PushOutcome, World, id_of};
use serde_json::json;

/// The Statsig team deleted in Statsig after Okta imported it and its mapping pushed it.
pub const GONE_TEAM: (&str, &str) = ("Checkout", "Loyalty");

/// The Okta group whose mapping still pushes into the deleted team.
pub const GONE_TEAM_SOURCE: &str = "Loyalty Crew";

/// The Okta group an admin made by hand, named like the Checkout Growth team's group.
pub const LOOKALIKE: &str = "Statsig-Checkout-Growth-Member";

fn team_group(role: &str) -> String {
    format!("Statsig-{}-{}-{role}", GONE_TEAM.0, GONE_TEAM.1)
}

/// Before Okta's import: the team that is deleted later, with some of the Checkout
/// Growth team's members.
pub fn gone_team(world: &mut World) {
    let at = &world.seeded_at.clone();
    let members = world
        .group_member_ids("Statsig-Checkout-Growth-Member")
        .unwrap_or_default();
    let members: Vec<&str> = members.iter().map(String::as_str).take(5).collect();
    for role in ["Admin", "Member"] {
        let generic = world.rules.generic;
        world.rules.generic = true;
        let g = world
            .create_group(json!({"displayName": team_group(role)}), at)
            .expect("seed group names are unique");
        world.rules.generic = generic;
        let gid = id_of(&g).to_string();
        let take = if role == "Admin" { 1 } else { members.len() };
        let value: Vec<_> = members
            .iter()
            .take(take)
            .map(|id| json!({"value": id}))
            .collect();
        world
            .patch_group(
                &gid,
                &json!({"Operations": [{"op": "replace", "path": "members", "value": value}]}),
            )
            .expect("seed members are valid");
    }
}

/// After Okta's import, as the console admin: the gone team's mapping and the lookalike
/// group, from these Okta users.
pub fn after_import(
    world: &mut World,
    app: &str,
    crew: Vec<String>,
    lookalike_members: Vec<String>,
) {
    let at = world.seeded_at.clone();
    gone_team_mapping(world, app, crew, &at);
    lookalike(world, lookalike_members, &at);
}

/// The Loyalty Crew's mapping, linked to the imported team group and pushed; then the
/// team deleted in Statsig, which Okta does not know until it pushes again.
fn gone_team_mapping(world: &mut World, app: &str, source_members: Vec<String>, at: &str) {
    let source = world
        .create_okta_group(
            GONE_TEAM_SOURCE,
            "Checkout loyalty programme",
            "OKTA_GROUP",
            at,
        )
        .expect("seeded Okta group names are unique")
        .id;
    if let Some(rec) = world.okta_groups.get_mut(&source) {
        rec.members.extend(source_members);
    }
    let Some(target) = world
        .okta_group_by_name(&team_group("Member"))
        .map(|g| g.id.clone())
    else {
        return;
    };
    let mapping = world
        .create_push_mapping(
            app,
            &json!({"sourceGroupId": source, "targetGroupId": target}),
            at,
        )
        .expect("a valid mapping");
    let scim_id = world.okta_groups[&target]
        .external_id
        .clone()
        .unwrap_or_default();
    for job in world.owed_pushes() {
        if job.mapping_id == mapping.id {
            let members = job.desired.clone();
            let outcome = PushOutcome::Pushed {
                scim_id: scim_id.clone(),
                members,
            };
            world.record_push(&job, outcome, at);
        }
    }
    world
        .delete_group(&scim_id)
        .expect("the pushed team group exists");
}

/// An Okta group named like a Statsig team group, made by hand, not the imported one.
fn lookalike(world: &mut World, members: Vec<String>, at: &str) {
    let g = world
        .create_okta_group(LOOKALIKE, "Growth team (made by hand)", "OKTA_GROUP", at)
        .expect("seeded Okta group names are unique");
    if let Some(rec) = world.okta_groups.get_mut(&g.id) {
        rec.members.extend(members);
    }
}
