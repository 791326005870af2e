//! One watch cycle of direct push: ask Okta which groups changed (one request, however many
//! groups), push changed Active mappings, and read linked Statsig groups to find edits
//! made there (drift) and deleted targets.

use super::batch::push_many;
use crate::engine::backend::WatchReport;
use crate::engine::core::Core;
use crate::engine::error::{EngineError, Result};
use crate::engine::state::{Mapping, MappingStatus};

/// One watch cycle.
pub(crate) async fn watch_once(core: &mut Core) -> Result<WatchReport> {
    let mut report = WatchReport::default();
    let started = crate::clock::now();
    let since = core.state().watched_until.clone();
    let changed = core.okta_groups_changed(since.as_deref()).await?;
    report.okta_groups_changed = changed.len();
    let (current, complete, deleted) = core.statsig_changes(since.as_deref()).await?;
    let mut to_push = Vec::new();
    let ids: Vec<String> = core.state().mappings.iter().map(|m| m.id.clone()).collect();
    for id in ids {
        let Some(m) = core.state().mapping(&id).cloned() else {
            continue;
        };
        match current.iter().find(|g| g.id == m.statsig_group_id) {
            // Not among the groups modified lately, and not deleted: nothing new.
            None if !complete && !deleted.contains(&m.statsig_group_id) => {}
            None => {
                if let Some(e) = gone(core, &m).await {
                    let status = core.failure_status(&e);
                    if let Some(mm) = core.state_mut().mapping_mut(&id) {
                        mm.status = status;
                    }
                    report.failed.push(id.clone());
                    report.errors.push(e);
                    continue;
                }
            }
            Some(g) => {
                core.dir_mut().upsert_statsig_group(g.clone());
                // Edits made in Statsig stay open, and are held by every push, until the
                // admin chooses; the push below sends only Okta's other changes.
                core.note_drift(&id);
            }
        }
        // A mapping waiting for its removals to be confirmed is pushed too: its adds go
        // ahead and the removals stay held (the guard stops them again), so a change made
        // meanwhile is not passed over when the watermark moves on.
        let pushes = matches!(
            m.status,
            MappingStatus::Active | MappingStatus::NeedsConfirmation { .. }
        );
        if pushes && changed.contains(&m.okta_group_id) {
            to_push.push(id.clone());
        }
    }
    if !to_push.is_empty() {
        for (id, r) in push_many(core, &to_push, 0).await {
            match r {
                Ok(_) => report.pushed.push(id),
                Err(EngineError::NeedsConfirmation(_)) => report.needs_confirmation.push(id),
                Err(e) => {
                    report.failed.push(id);
                    report.errors.push(e);
                }
            }
        }
    }
    report.drifted = core
        .state()
        .mappings
        .iter()
        .filter(|m| m.drift.is_some())
        .map(|m| m.id.clone())
        .collect();
    core.state_mut().watched_until = Some(started);
    core.save()?;
    Ok(report)
}

/// Whether the Statsig group of `m`, missing from a list, is really gone: read by its id,
/// a 404 says so (with that request); found, it is kept.
async fn gone(core: &mut Core, m: &Mapping) -> Option<EngineError> {
    let read = core.scim().ok()?.get_group(&m.statsig_group_id).await;
    match read {
        Ok(g) => {
            core.dir_mut().upsert_statsig_group(g);
            None
        }
        Err(e) if e.is_not_found() => {
            core.dir_mut().remove_statsig_group(&m.statsig_group_id);
            Some(Core::target_gone(&m.statsig_group_name, e.request()))
        }
        Err(e) => Some(e.into()),
    }
}
