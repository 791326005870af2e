//! The app's promises, checked after every step of the walk.

use crate::run::Walk;
use crate::steps::Step;
use crate::support;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use okta_statsig_teams::model::mapping::Guard;
use okta_statsig_teams::sandbox::Sandbox;
use okta_statsig_teams::sandbox::world::STATSIG_APP_LABEL;
use okta_statsig_teams::ui::App;
use std::collections::{BTreeMap, BTreeSet};

/// Every Statsig group's members: SCIM group id → SCIM user ids.
pub fn statsig_members(s: &Sandbox) -> BTreeMap<String, BTreeSet<String>> {
    let w = s.world();
    w.groups
        .iter()
        .filter_map(|g| {
            let id = g["id"].as_str()?.to_string();
            let members = g["members"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|m| m["value"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            Some((id, members))
        })
        .collect()
}

/// What the window shows: every pop-up of the top dialog above it, nothing drawn over
/// anything at 1024x700, nothing "being read" unless a job runs.
pub fn window(h: &Harness<'static, App>) -> Result<(), String> {
    let toasts: Vec<String> = h.state().messages().map(|m| format!("\"{m}\"")).collect();
    let under = support::popups_under_top_dialog(h);
    if !under.is_empty() {
        return Err(format!("pop-ups drawn under the top dialog: {under:?}"));
    }
    // Messages float over the window by design (and go with Dismiss): the layout beneath
    // is what is checked.
    let over: Vec<String> = support::overlaps(h)
        .into_iter()
        .filter(|o| !o.contains("\"Dismiss\"") && !toasts.iter().any(|t| o.contains(t.as_str())))
        .collect();
    if !over.is_empty() {
        return Err(format!(
            "widgets drawn over each other at 1024x700: {over:?}"
        ));
    }
    if h.state().is_idle()
        && !h.state().has_dialog()
        && let Some(n) = h.query_by_label_contains("Reading this group's members")
    {
        return Err(format!(
            "no job runs, yet the window says {:?}",
            n.accesskit_node().label()
        ));
    }
    Ok(())
}

/// Every promise, after `last` (None: before the first step).
pub fn check(w: &mut Walk, last: Option<&Step>) -> Result<(), String> {
    window(&w.h)?;
    mappings_were_previewed(w)?;
    if matches!(last, Some(Step::CheckNow)) && w.okta_push {
        check_matches_okta(w)?;
    }
    drift_stays(w)?;
    guard_holds(w)?;
    Ok(())
}

/// The Statsig app's push mappings in the Okta emulator: (source group, target group).
fn okta_mappings(w: &Walk) -> BTreeSet<(String, String)> {
    let world = w.sandbox.world();
    let Some(app) = world.apps.values().find(|a| a.label == STATSIG_APP_LABEL) else {
        return BTreeSet::new();
    };
    world
        .push_mappings
        .values()
        .filter(|m| m.app_id == app.id)
        .map(|m| (m.source_group_id.clone(), m.target_group_id.clone()))
        .collect()
}

/// No mapping exists, in the app or in Okta, that the admin did not save from a preview
/// showing its plan (or that the walk did not make in Okta's console).
fn mappings_were_previewed(w: &Walk) -> Result<(), String> {
    for m in w.h.state().mappings() {
        if !w.ledger.may_map.contains(&m.okta_group_id) {
            return Err(format!(
                "the app shows a mapping from {} to {} that was never saved from a preview",
                m.okta_group_name, m.statsig_group_name
            ));
        }
    }
    for (source, target) in okta_mappings(w) {
        if !w.ledger.may_map.contains(&source) {
            return Err(format!(
                "Okta has a push mapping from {source} to {target} that was never saved from a preview"
            ));
        }
    }
    Ok(())
}

/// After a Check, the app's mappings are Okta's.
fn check_matches_okta(w: &Walk) -> Result<(), String> {
    let app: BTreeSet<(String, String)> =
        w.h.state()
            .mappings()
            .iter()
            .filter_map(|m| {
                Some((
                    m.okta_group_id.clone(),
                    m.remote.as_ref()?.target_group_id.clone(),
                ))
            })
            .collect();
    let okta = okta_mappings(w);
    if app != okta {
        return Err(format!(
            "after Check now the app shows mappings {app:?} but Okta lists {okta:?}; last message: {:?}",
            w.h.state().messages().last()
        ));
    }
    Ok(())
}

/// Direct push: an edit made in Statsig stays until the admin chooses Overwrite or Adopt.
/// (In Okta push, Okta's own worker pushes the whole group, as real Okta does; the app
/// sends nothing to Statsig there.)
fn drift_stays(w: &Walk) -> Result<(), String> {
    if w.okta_push {
        return Ok(());
    }
    let now = statsig_members(&w.sandbox);
    for e in &w.ledger.drift {
        let Some(members) = now.get(&e.group) else {
            continue;
        };
        if members.contains(&e.user) != e.added {
            return Err(format!(
                "{} {} directly in Statsig group {} was {} without the admin's choice (Overwrite or Adopt); last message: {:?}",
                e.user,
                if e.added { "added" } else { "removed" },
                e.group,
                if e.added { "removed" } else { "put back" },
                w.h.state().messages().last()
            ));
        }
    }
    Ok(())
}

/// No push removes more than the guard allows from a team group without the typed
/// confirmation.
fn guard_holds(w: &mut Walk) -> Result<(), String> {
    let now = statsig_members(&w.sandbox);
    let guard = Guard::default();
    for (group, before) in &w.ledger.members {
        let Some(after) = now.get(group) else {
            continue;
        };
        // Members the walk itself added or removed directly in Statsig are not the app's
        // removals: in Okta push, Okta's own worker pushes the whole group again and takes
        // away what was added in Statsig (as real Okta does); in Direct push the drift
        // promise above holds them.
        let by_walk: BTreeSet<&String> = w
            .ledger
            .drift
            .iter()
            .filter(|e| e.group == *group)
            .map(|e| &e.user)
            .collect();
        let removed = before
            .iter()
            .filter(|u| !after.contains(*u) && !by_walk.contains(u))
            .count();
        if guard.trips(removed, before.len()) && !w.ledger.confirmed.contains(group) {
            let feeding: Vec<String> =
                w.h.state()
                    .mappings()
                    .iter()
                    .filter(|m| m.statsig_group_id == *group)
                    .map(|m| {
                        format!(
                            "{} -> {} ({:?})",
                            m.okta_group_name, m.statsig_group_name, m.status
                        )
                    })
                    .collect();
            return Err(format!(
                "{removed} of {} members were removed from Statsig group {group} past the deletion guard without the typed confirmation; the app's mappings into it: {feeding:?}; last messages: {:?}",
                before.len(),
                w.h.state()
                    .messages()
                    .collect::<Vec<_>>()
                    .iter()
                    .rev()
                    .take(4)
                    .collect::<Vec<_>>()
            ));
        }
    }
    w.ledger.members = now;
    Ok(())
}
