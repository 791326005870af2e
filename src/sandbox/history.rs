//! The demo's System Log history, as an org that has used Group Push for a while has it:
//! the console mappings made by an admin, the failing Growth Lab mapping that failed
//! three times, a mapping made by a push rule, and one deactivated by another admin.

use super::world::log::{self, LogEntity, NewEvent};
use super::world::{World, okta_time, push_error_summary};

/// The admin who made the demo's console mappings.
pub fn console_admin(domain: &str) -> LogEntity {
    LogEntity::new(
        "00uconsoleadmin00001",
        "User",
        &format!("dana.okafor@{domain}"),
        "Dana Okafor",
    )
}

/// Another admin, who deactivated a mapping.
fn other_admin(domain: &str) -> LogEntity {
    LogEntity::new(
        "00uotheradmin0000001",
        "User",
        &format!("jordan.reyes@{domain}"),
        "Jordan Reyes",
    )
}

/// The push rule that made a mapping.
fn push_rule() -> LogEntity {
    LogEntity::new(
        "0prstatsigteams00001",
        "PushRule",
        "Statsig teams from Okta groups",
        "Statsig teams from Okta groups",
    )
}

/// The mapping whose source group is named `source`.
fn mapping_of(world: &World, source: &str) -> Option<String> {
    let gid = world.okta_group_by_name(source)?.id.clone();
    world
        .push_mappings
        .values()
        .find(|m| m.source_group_id == gid)
        .map(|m| m.id.clone())
}

/// The index of `mapping`'s event of `kind`.
fn event_of(world: &World, mapping: &str, kind: &str) -> Option<usize> {
    world
        .system_log
        .iter()
        .position(|e| e.event_type == kind && e.targets.iter().any(|t| t.id == mapping))
}

fn before(world: &World, minutes: i64) -> String {
    crate::clock::minutes_before(&world.seeded_at, minutes).unwrap_or(world.seeded_at.clone())
}

/// Rewrites the seeded console mappings' events into a history. `rule_made`, `deactivated`
/// and `failing` name the source groups of the three mappings.
pub fn seed(world: &mut World, rule_made: &str, deactivated: &str, failing: &str) {
    let domain = world.rules.org_domain.clone();
    if let Some(id) = mapping_of(world, rule_made)
        && let Some(i) = event_of(world, &id, log::MAPPING_CREATED)
    {
        let at = before(world, 14 * 24 * 60);
        let e = &mut world.system_log[i];
        e.event_type = log::MAPPING_FROM_RULE.to_string();
        e.display_message = "Group push mapping created from a push rule".to_string();
        e.actor = push_rule();
        e.published = at;
    }
    if let Some(id) = mapping_of(world, deactivated) {
        if let Some(i) = event_of(world, &id, log::MAPPING_CREATED) {
            world.system_log[i].published = before(world, 10 * 24 * 60);
        }
        if let Some(m) = world.push_mappings.get(&id).cloned() {
            let targets = world.mapping_targets(&m);
            world.acting = Some(other_admin(&domain));
            let at = before(world, 2 * 24 * 60);
            world.log_event(
                NewEvent::ok(
                    log::MAPPING_DEACTIVATED,
                    "Deactivate group push mapping",
                    targets,
                ),
                &at,
                false,
            );
            world.acting = None;
        }
    }
    seed_failures(world, failing);
}

/// The failing mapping: made three days ago, failed then, a day ago, and at the seed.
fn seed_failures(world: &mut World, failing: &str) {
    let Some(id) = mapping_of(world, failing) else {
        return;
    };
    let made = before(world, 3 * 24 * 60);
    if let Some(i) = event_of(world, &id, log::MAPPING_CREATED) {
        world.system_log[i].published = made.clone();
    }
    let Some(m) = world.push_mappings.get_mut(&id) else {
        return;
    };
    m.created = okta_time(&made);
    let m = m.clone();
    let Some(last) = event_of(world, &id, log::PUSH_FAILED_WITH_ERROR) else {
        return;
    };
    let target = world
        .okta_groups
        .get(&m.target_group_id)
        .map(|g| g.name.clone())
        .unwrap_or_default();
    let detail = world.system_log[last]
        .reason
        .as_deref()
        .and_then(|r| r.split_once("to Statsig SCIM: "))
        .map(|(_, d)| d.to_string())
        .unwrap_or_default();
    let targets = world.mapping_targets(&m);
    for minutes in [3 * 24 * 60 - 5, 24 * 60] {
        let at = before(world, minutes);
        world.log_event(
            NewEvent {
                event_type: log::PUSH_FAILED_WITH_ERROR,
                message: "Push group to app failed".to_string(),
                failure: Some(push_error_summary(&at, &target, &detail)),
                targets: targets.clone(),
                debug: Default::default(),
            },
            &at,
            true,
        );
    }
}

/// Adds `n` pushes of the mapping whose source group is `source` to the log, one every
/// five seconds up to the seed (a busy org's history, for paging tests and the benchmark). False when
/// there is no such mapping.
pub fn add_pushes(world: &mut World, source: &str, n: usize) -> bool {
    let Some(m) = mapping_of(world, source).and_then(|id| world.push_mappings.get(&id).cloned())
    else {
        return false;
    };
    let targets = world.mapping_targets(&m);
    for i in 0..n {
        let at = crate::clock::parse(&world.seeded_at)
            .map(|t| crate::clock::format(t - time::Duration::seconds(5 * (n - i) as i64)))
            .unwrap_or_else(|| world.seeded_at.clone());
        let mut ev = NewEvent::ok(
            log::PUSH_MEMBERSHIPS,
            "Push group memberships to app",
            targets.clone(),
        );
        ev.debug.insert("membersAdded".into(), "1".into());
        ev.debug.insert("membersRemoved".into(), "0".into());
        world.log_event(ev, &at, true);
    }
    true
}
