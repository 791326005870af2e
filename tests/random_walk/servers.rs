//! What happens on the servers behind the app's back, each through the emulator's own
//! HTTP API: a push mapping made in Okta's console, a team group deleted in Statsig, a
//! member added or removed directly in Statsig.

use crate::common::{Http, scim};
use crate::run::Walk;
use okta_statsig_teams::sandbox::world::STATSIG_APP_LABEL;
use serde_json::json;

/// Someone maps the n-th unmapped Okta group to the n-th free app group in Okta's console.
pub fn console_mapping(w: &mut Walk, group: u8, target: u8) -> Result<(), String> {
    if !w.okta_push {
        return Ok(());
    }
    let (app, source, to) = {
        let world = w.sandbox.world();
        let Some(app) = world.apps.values().find(|a| a.label == STATSIG_APP_LABEL) else {
            return Ok(());
        };
        let mapped: Vec<&str> = world
            .push_mappings
            .values()
            .map(|m| m.source_group_id.as_str())
            .collect();
        let targeted: Vec<&str> = world
            .push_mappings
            .values()
            .map(|m| m.target_group_id.as_str())
            .collect();
        let sources: Vec<String> = world
            .okta_groups
            .values()
            .filter(|g| g.kind != "APP_GROUP" && !mapped.contains(&g.id.as_str()))
            .map(|g| g.id.clone())
            .collect();
        let targets: Vec<String> = world
            .app_groups(&app.id)
            .filter(|g| !targeted.contains(&g.id.as_str()))
            .map(|g| g.id.clone())
            .collect();
        if sources.is_empty() || targets.is_empty() {
            return Ok(());
        }
        (
            app.id.clone(),
            sources[group as usize % sources.len()].clone(),
            targets[target as usize % targets.len()].clone(),
        )
    };
    let url = format!(
        "{}/api/v1/apps/{app}/group-push/mappings",
        w.sandbox.okta_url
    );
    let auth = format!("SSWS {}", w.sandbox.okta_token.expose());
    let answer = w.rt.block_on(Http::new().call(
        "POST",
        &url,
        Some(auth),
        Some(json!({"sourceGroupId": source, "targetGroupId": to, "status": "ACTIVE"})),
    ));
    if answer.status == 200 || answer.status == 201 {
        w.ledger.may_map.insert(source);
        // What a console-made mapping pushes is the console's doing, not the app's.
        if let Some(scim_id) = w
            .sandbox
            .world()
            .okta_groups
            .get(&to)
            .and_then(|g| g.external_id.clone())
        {
            w.ledger.confirmed.insert(scim_id);
        }
    }
    Ok(())
}

/// Someone deletes a team group in Statsig.
pub fn delete_group(w: &mut Walk, scim_id: &str) {
    let path = format!("/Groups/{scim_id}");
    w.rt.block_on(scim(&w.sandbox, "DELETE", &path, None));
    w.ledger.settle(scim_id);
}

/// Someone adds the n-th user who is not a member (or removes the n-th member) of a group
/// directly in Statsig.
pub fn edit_member(w: &mut Walk, scim_id: &str, user: u8, add: bool) {
    let candidates: Vec<String> = {
        let world = w.sandbox.world();
        let Ok(group) = world.get_group(scim_id) else {
            return;
        };
        let members: Vec<String> = group["members"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|m| m["value"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if add {
            let mut ids: Vec<String> = world
                .users
                .iter()
                .filter_map(|u| u["id"].as_str().map(str::to_string))
                .filter(|id| !members.contains(id))
                .collect();
            ids.sort();
            ids
        } else {
            members
        }
    };
    if candidates.is_empty() {
        return;
    }
    let who = candidates[user as usize % candidates.len()].clone();
    let op = if add {
        json!({"op": "add", "path": "members", "value": [{"value": who}]})
    } else {
        json!({"op": "remove", "path": format!("members[value eq \"{who}\"]")})
    };
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [op],
    });
    let answer = w.rt.block_on(scim(
        &w.sandbox,
        "PATCH",
        &format!("/Groups/{scim_id}"),
        Some(body),
    ));
    if answer.status < 300 {
        w.edited(scim_id, &who, add);
    }
}
