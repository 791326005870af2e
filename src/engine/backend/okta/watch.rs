//! One watch cycle of Okta push: Okta pushes, the app watches. It asks Okta for the
//! mappings updated since the last look (and for the whole list now and then, to see
//! mappings deleted in Okta's console), for the groups whose membership changed, and
//! Statsig for the groups modified since; requests follow what changed, not how many
//! mappings there are. Then it tells "Okta is pushing" apart from drift.

use super::sync;
use crate::engine::backend::WatchReport;
use crate::engine::core::Core;
use crate::engine::error::{EngineError, Result};
use crate::engine::state::MappingStatus;
use crate::model::okta_app::{AppGroup, OktaApp, OktaPushMapping};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Instant;

/// Okta's clocks and ours may differ: look back this many minutes further.
const SKEW_MINUTES: i64 = 5;
/// Every this many cycles the whole list is read, to see mappings deleted in Okta.
const FULL_LIST_EVERY: u64 = 10;

/// One watch cycle.
/// `listed_at` is when Okta's whole list was last read; a full look sets it. `cycles`
/// counts the cycles run: every tenth reads Okta's whole list.
pub(super) async fn watch_once(
    app: &OktaApp,
    listed_at: &Mutex<Option<Instant>>,
    cycles: &std::sync::atomic::AtomicU64,
    core: &mut Core,
) -> Result<WatchReport> {
    let mut report = WatchReport::default();
    let started = crate::clock::now();
    let since = core.state().watched_until.clone();
    let cycle = cycles.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    let full = since.is_none() || cycle.is_multiple_of(FULL_LIST_EVERY);
    let from = since
        .as_deref()
        .and_then(|t| crate::clock::minutes_before(t, SKEW_MINUTES));
    let listed = match (&from, full) {
        (Some(t), false) => core.okta().push_mappings(&app.id, Some(t), None).await?,
        _ => core.okta().push_mappings(&app.id, None, None).await?,
    };
    learn_groups(core, &listed).await?;
    report.okta_groups_changed = read_changed_sources(core, since.as_deref(), &listed).await?;
    if core.has_statsig() && core.directory().statsig_read {
        read_statsig(core, since.as_deref()).await?;
    }
    // What was in error before this look: only new errors are news.
    let known_errors: BTreeSet<(String, String)> = core
        .state()
        .mappings
        .iter()
        .filter_map(|m| match &m.status {
            MappingStatus::Error { cause, .. } => Some((m.id.clone(), cause.clone())),
            _ => None,
        })
        .collect();
    // When Okta last pushed each mapping, as last seen: what moved is what Okta pushed.
    let pushed_before: BTreeMap<String, Option<String>> = core
        .state()
        .mappings
        .iter()
        .map(|m| (m.id.clone(), m.last_push.clone()))
        .collect();
    if full {
        sync::replace_all(core, &listed);
        if let Ok(mut at) = listed_at.lock() {
            *at = Some(Instant::now());
        }
    } else {
        sync::upsert(core, &listed);
    }
    // Pushes Okta owes: read those mappings again (lastPush may move without lastUpdated).
    let waiting: Vec<String> = core
        .state()
        .mappings
        .iter()
        .filter(|m| m.remote.as_ref().is_some_and(|o| o.pending.is_some()))
        .map(|m| m.id.clone())
        .collect();
    for id in waiting {
        match core.okta().get_push_mapping(&app.id, &id).await {
            Ok(m) => sync::upsert(core, &[m]),
            Err(e) if e.is_not_found() => core.state_mut().mappings.retain(|m| m.id != id),
            Err(e) => return Err(e.into()),
        }
    }
    for m in &core.state().mappings {
        if pushed_since(
            m.last_push.as_deref(),
            pushed_before.get(&m.id),
            since.as_deref(),
        ) {
            report.pushed.push(m.id.clone());
        }
        if m.drift.is_some() {
            report.drifted.push(m.id.clone());
        }
        if let MappingStatus::Error { cause, fix, .. } = &m.status
            && !known_errors.contains(&(m.id.clone(), cause.clone()))
        {
            report.errors.push(EngineError::MappingFails {
                name: format!("Mapping {} ({})", m.id, m.okta_group_name),
                cause: cause.clone(),
                fix: fix.clone(),
            });
        }
    }
    core.state_mut().watched_until = Some(started);
    core.save()?;
    Ok(report)
}

/// Whether Okta pushed a mapping since the last look: its last push moved from what was
/// seen then, or, for a mapping not seen then, came after that look.
fn pushed_since(now: Option<&str>, before: Option<&Option<String>>, since: Option<&str>) -> bool {
    let Some(now) = now else { return false };
    match before {
        Some(before) => before.as_deref() != Some(now),
        None => since.is_some_and(|t| {
            matches!((crate::clock::parse(now), crate::clock::parse(t)), (Some(a), Some(b)) if a > b)
        }),
    }
}

/// Learns the names of target groups the directory has not seen (a mapping made in
/// Okta's console to a new group) and the source groups it has not read.
async fn learn_groups(core: &mut Core, listed: &[OktaPushMapping]) -> Result<()> {
    for m in listed {
        if core.directory().app.group(&m.target_group_id).is_none() {
            match core.okta().get_group(&m.target_group_id).await {
                Ok(g) => {
                    let dir = core.dir_mut();
                    Arc::make_mut(&mut dir.app).groups.push(AppGroup {
                        id: g.id,
                        name: g.name,
                    });
                }
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e.into()),
            }
        }
        if core.directory().okta_group(&m.source_group_id).is_none() {
            let (group, members) = tokio::join!(
                core.okta().get_group(&m.source_group_id),
                core.okta().group_members(&m.source_group_id)
            );
            if let (Ok(mut g), Ok(members)) = (group, members) {
                g.members = members;
                core.learn_users(&g.members).await?;
                core.dir_mut().upsert_okta_group(g);
            }
        }
    }
    Ok(())
}

/// Reads again the mapped Okta groups whose membership changed since `since` (all of them
/// the first time); how many groups changed in Okta.
async fn read_changed_sources(
    core: &mut Core,
    since: Option<&str>,
    listed: &[OktaPushMapping],
) -> Result<usize> {
    let changed = core.okta_groups_changed(since).await?;
    let mapped: BTreeSet<String> = core
        .state()
        .mappings
        .iter()
        .map(|m| m.okta_group_id.clone())
        .chain(listed.iter().map(|m| m.source_group_id.clone()))
        .collect();
    let to_read: Vec<String> = changed.intersection(&mapped).cloned().collect();
    for (gid, members) in core.okta().members_of(to_read).await {
        let members = match members {
            Ok(m) => m,
            Err(e) if e.is_not_found() => continue,
            Err(e) => return Err(e.into()),
        };
        if let Some(mut group) = core.directory().okta_group(&gid).cloned() {
            group.members = members;
            core.learn_users(&group.members).await?;
            core.dir_mut().upsert_okta_group(group);
        }
    }
    Ok(changed.len())
}

/// Reads the Statsig groups modified since `since` (the linked ones the first time), and
/// the teams Okta was to create, by name, once Okta has made them.
async fn read_statsig(core: &mut Core, since: Option<&str>) -> Result<()> {
    let (groups, _, _) = core.statsig_changes(since).await?;
    for g in groups {
        core.dir_mut().upsert_statsig_group(g);
    }
    let unmade: Vec<String> = core
        .state()
        .mappings
        .iter()
        .filter(|m| m.remote.is_some() && m.statsig_group_id.is_empty())
        .map(|m| m.statsig_group_name.clone())
        .collect();
    for name in unmade {
        if let Some(g) = core.scim()?.find_group(&name).await? {
            core.dir_mut().upsert_statsig_group(g);
        }
    }
    Ok(())
}
