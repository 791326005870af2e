//! One watch cycle of direct push: ask Okta which groups changed (one request, however many
//! groups), push changed Active mappings, and read linked Statsig groups to find edits
//! made there (drift) and deleted targets.

use super::batch::push_many;
use crate::engine::backend::WatchReport;
use crate::engine::error::{EngineError, Result};
use crate::engine::state::{Drift, MappingStatus};
use crate::engine::workspace::core::Core;
use crate::model::StatsigGroup;
use std::collections::BTreeSet;

/// Statsig's clock may differ from ours: look back this many minutes further.
const SKEW_MINUTES: i64 = 5;

/// One watch cycle.
pub(crate) async fn watch_once(core: &mut Core) -> Result<WatchReport> {
    let mut report = WatchReport::default();
    let started = crate::clock::now();
    let since = core.state.watched_until.clone();
    let changed = core.okta_groups_changed(since.as_deref()).await?;
    report.okta_groups_changed = changed.len();
    let (current, complete, deleted) = statsig_side(core, since.as_deref()).await?;
    let mut to_push = Vec::new();
    let ids: Vec<String> = core.state.mappings.iter().map(|m| m.id.clone()).collect();
    for id in ids {
        let Some(m) = core.state.mapping(&id).cloned() else {
            continue;
        };
        match current.iter().find(|g| g.id == m.statsig_group_id) {
            // Not among the groups modified lately, and not deleted: nothing new.
            None if !complete && !deleted.contains(&m.statsig_group_id) => {}
            None => {
                let cause = format!(
                    "Statsig group \"{}\" was deleted in Statsig. Unlink with Leave, then push again with Create to make the team anew.",
                    m.statsig_group_name
                );
                if let Some(mm) = core.state.mapping_mut(&id) {
                    mm.status = MappingStatus::Error {
                        at: crate::clock::now(),
                        cause: cause.clone(),
                        request: None,
                    };
                }
                core.dir_mut().remove_statsig_group(&m.statsig_group_id);
                report.errors.push(cause);
                continue;
            }
            Some(g) => {
                core.dir_mut().upsert_statsig_group(g.clone());
                let drift = drift_of(&m.last_pushed_members, &g.members);
                let drifted = !drift.is_empty();
                if let Some(mm) = core.state.mapping_mut(&id) {
                    mm.drift = drifted.then_some(drift);
                }
                if drifted {
                    report.drifted.push(id.clone());
                    // Never overwrite edits made in Statsig silently: the admin decides.
                    continue;
                }
            }
        }
        if m.status == MappingStatus::Active && changed.contains(&m.okta_group_id) {
            to_push.push(id.clone());
        }
    }
    if !to_push.is_empty() {
        for (id, r) in push_many(core, &to_push, 0).await {
            match r {
                Ok(_) => report.pushed.push(id),
                Err(EngineError::NeedsConfirmation(_)) => report.needs_confirmation.push(id),
                Err(e) => report.errors.push(e.to_string()),
            }
        }
    }
    core.state.watched_until = Some(started);
    core.save()?;
    Ok(report)
}

/// The linked Statsig groups as they are now: (groups read, whether every linked group
/// was read, groups deleted since). The first cycle reads every linked group. Later cycles
/// ask only for groups modified since (with a margin for clock skew) and for the count,
/// which shows whether any group was deleted; only then are the ids read to find which.
pub(crate) async fn statsig_side(
    core: &mut Core,
    since: Option<&str>,
) -> Result<(Vec<StatsigGroup>, bool, BTreeSet<String>)> {
    let modified = match since.and_then(|t| crate::clock::minutes_before(t, SKEW_MINUTES)) {
        Some(from) => core.scim()?.groups_modified_since(&from).await?,
        None => None,
    };
    let Some(changed) = modified else {
        let linked: Vec<String> = core
            .state
            .mappings
            .iter()
            .map(|m| m.statsig_group_id.clone())
            .collect();
        return Ok((
            core.scim()?.groups_by_ids(&linked).await?,
            true,
            BTreeSet::new(),
        ));
    };
    for g in &changed {
        core.dir_mut().upsert_statsig_group(g.clone());
    }
    let total = core.scim()?.group_count().await?;
    let mut deleted = BTreeSet::new();
    if total != core.directory().statsig_groups.len() {
        let live = core.scim()?.group_ids().await?;
        deleted = core
            .directory()
            .statsig_groups
            .iter()
            .map(|g| g.id.clone())
            .filter(|id| !live.contains(id))
            .collect();
        for id in &deleted {
            core.dir_mut().remove_statsig_group(id);
        }
    }
    Ok((changed, false, deleted))
}

/// What changed in Statsig since the last push.
pub(crate) fn drift_of(last_pushed: &[String], now: &[String]) -> Drift {
    let before: BTreeSet<&String> = last_pushed.iter().collect();
    let after: BTreeSet<&String> = now.iter().collect();
    Drift {
        added_in_statsig: after.difference(&before).map(|s| s.to_string()).collect(),
        removed_in_statsig: before.difference(&after).map(|s| s.to_string()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_is_what_changed_in_statsig() {
        let d = drift_of(&["a".into(), "b".into()], &["b".into(), "c".into()]);
        assert_eq!(d.added_in_statsig, vec!["c".to_string()]);
        assert_eq!(d.removed_in_statsig, vec!["a".to_string()]);
    }
}
