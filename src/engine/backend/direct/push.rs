//! One mapping pushed: fresh reads of both groups, a plan, the deletion guard, then the
//! PATCHes, re-planned from a fresh read whenever one ends unclear.

use super::refusals::{deactivated, lock_failed, someone_else_pushing};
use crate::engine::backend::PushReport;
use crate::engine::core::Core;
use crate::engine::error::{EngineError, Result, interrupted};
use crate::engine::state::{Mapping, MappingStatus};
use crate::model::hold::{Allowed, Cut};
use crate::model::plan::Plan;
use std::collections::{BTreeSet, VecDeque};

/// Re-plans after an unclear PATCH at most this often per push.
const MAX_REPLANS: usize = 5;

/// "Push now": re-reads both groups, plans, and sends the PATCHes. Inactive mappings push
/// nothing. Members edited in Statsig since the last push are held (they stay open as
/// drift) unless the admin chose to overwrite them; removals past the deletion guard are
/// held unless the admin confirmed at least that many (the mapping then shows Needs
/// confirmation), while the adds go. On failure the mapping shows Error with the time,
/// cause and request.
pub(crate) async fn push_one(
    core: &mut Core,
    mapping_id: &str,
    allowed: Allowed<'_>,
) -> Result<PushReport> {
    let m = core.mapping(mapping_id)?;
    if m.status == MappingStatus::Inactive {
        return Err(deactivated(&m));
    }
    let previous = m.status.clone();
    let _running = match core.store().try_lock_push() {
        Ok(Some(lock)) => lock,
        Ok(None) => return Err(someone_else_pushing()),
        Err(e) => return Err(lock_failed(core, e)),
    };
    core.set_status(mapping_id, MappingStatus::Pushing)?;
    let result = push_inner(core, &m, allowed).await;
    if let Err(e) = &result {
        let status = match e {
            // A push cancelled before it sent anything leaves the mapping as it was.
            EngineError::Cancelled if previous != MappingStatus::Pushing => previous,
            _ => core.failure_status(e),
        };
        core.set_status(mapping_id, status)?;
    }
    result
}

async fn push_inner(core: &mut Core, m: &Mapping, allowed: Allowed<'_>) -> Result<PushReport> {
    let read_at = crate::clock::now();
    core.refresh_pair(m).await?;
    let plan = core.plan(&m.okta_group_id, &m.statsig_group_id)?;
    let cut = core.cut(m, plan, allowed);
    send_batches(core, m, &cut, allowed).await?;
    core.record_push(m, &cut);
    // The watcher's first look starts from this push's reads: what it pushed is not news.
    if core.state().watched_until.is_none() {
        core.state_mut().watched_until = Some(read_at);
    }
    core.save()?;
    if let Some(stop) = cut.stop {
        return Err(EngineError::NeedsConfirmation(Box::new(stop)));
    }
    Ok(PushReport {
        mapping_id: m.id.clone(),
        plan: cut.send,
        by: None,
        held: cut.drift,
    })
}

/// Sends a cut's PATCHes. When a PATCH's outcome is unknown (no answer, a garbled one,
/// or a 5xx after which the server may have applied it), the group is read again and
/// the rest re-planned (and cut the same way) from what Statsig really has, so nothing is
/// applied twice and nothing outside the approved plan is touched. Cancel stops between
/// requests.
async fn send_batches(core: &mut Core, m: &Mapping, cut: &Cut, allowed: Allowed<'_>) -> Result<()> {
    let approved = &cut.send;
    let mut batches: VecDeque<_> = approved.batches().into_iter().collect();
    let total = batches.len();
    let (mut sent, mut replans) = (0usize, 0usize);
    while let Some(batch) = batches.pop_front() {
        if core.cancel().is_cancelled() {
            return Err(cancelled_after(core, m, sent, total).await);
        }
        match core
            .scim()?
            .patch_members(&m.statsig_group_id, &batch)
            .await
        {
            Ok(()) => sent += 1,
            Err(e) if e.is_ambiguous() && replans < MAX_REPLANS => {
                replans += 1;
                tracing::info!(
                    "a membership PATCH ended unclear ({e}); re-planning from a fresh read"
                );
                let fresh = core.scim()?.get_group(&m.statsig_group_id).await?;
                core.dir_mut().upsert_statsig_group(fresh);
                let plan = core.plan(&m.okta_group_id, &m.statsig_group_id)?;
                // Cut as the approved plan was: a part applied never makes the guard
                // stricter, so what it let through goes, and what it held stays held.
                let again = core.cut(m, plan, allowed).send;
                if !within(&again, approved) {
                    return Err(interrupted(format!(
                        "Statsig group \"{}\" changed during the push; push again to plan from what it has now.",
                        m.statsig_group_name
                    )));
                }
                batches = again.batches().into_iter().collect();
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// The error of a push cancelled between requests; Statsig's group is read again so the
/// views show what it has.
async fn cancelled_after(core: &mut Core, m: &Mapping, sent: usize, total: usize) -> EngineError {
    if sent == 0 {
        return EngineError::Cancelled;
    }
    // The job is cancelled; this one read tells the views where it stopped.
    if let Ok(scim) = core.scim().map(crate::scim::ScimClient::detached)
        && let Ok(g) = scim.get_group(&m.statsig_group_id).await
    {
        core.dir_mut().upsert_statsig_group(g);
    }
    interrupted(format!(
        "Cancelled after {sent} of {total} requests: Statsig has part of the change. Push again to finish it."
    ))
}

/// A fresh plan may only do what the approved plan did.
fn within(again: &Plan, approved: &Plan) -> bool {
    let adds: BTreeSet<&str> = approved.adds.iter().map(|x| &*x.id).collect();
    let removes: BTreeSet<&str> = approved.removes.iter().map(|x| &*x.id).collect();
    again.adds.iter().all(|x| adds.contains(&*x.id))
        && again.removes.iter().all(|x| removes.contains(&*x.id))
}
