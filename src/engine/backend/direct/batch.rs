//! Many mappings pushed at once with the fewest requests: Statsig groups read 50 to a
//! request, each Okta group's members once, then every mapping's PATCHes side by side.

use super::push::push_one;
use super::refusals::{deactivated, someone_else_pushing};
use crate::engine::backend::{Outcomes, PushReport};
use crate::engine::core::Core;
use crate::engine::error::{EngineError, Result, interrupted};
use crate::engine::state::{Mapping, MappingStatus};
use crate::model::hold::{Allowed, Cut};
use crate::model::plan::PatchBatch;
use crate::net::ApiError;
use futures::StreamExt;
use std::collections::{BTreeMap, BTreeSet};

/// Pushes several mappings at once. Each mapping is cut on its own: edits made in Statsig
/// held, removals past the deletion guard held (its adds still go). A mapping whose PATCH
/// ended unclear is finished by a normal push (fresh read, re-plan). Returns each
/// mapping's outcome.
pub(crate) async fn push_many(
    core: &mut Core,
    ids: &[String],
    allowed_removals: usize,
) -> Outcomes {
    let mut out = Vec::new();
    let mut todo: Vec<Mapping> = Vec::new();
    for id in ids {
        match core.mapping(id) {
            Ok(m) if m.status == MappingStatus::Inactive => {
                out.push((id.clone(), Err(deactivated(&m))))
            }
            Ok(m) => todo.push(m),
            Err(e) => out.push((id.clone(), Err(e))),
        }
    }
    if todo.is_empty() {
        return out;
    }
    let Ok(Some(running)) = core.store().try_lock_push() else {
        out.extend(
            todo.iter()
                .map(|m| (m.id.clone(), Err(someone_else_pushing()))),
        );
        return out;
    };
    for m in &todo {
        if let Some(mm) = core.state_mut().mapping_mut(&m.id) {
            mm.status = MappingStatus::Pushing;
        }
    }
    if let Err(e) = core.save() {
        out.extend(todo.iter().map(|m| (m.id.clone(), Err(e.clone()))));
        return out;
    }
    let ready = match read_and_plan(core, todo, allowed_removals, &mut out).await {
        Ok(ready) => ready,
        Err(()) => return finish(core, out),
    };
    let finish_alone = send_all(core, &ready, &mut out).await;
    let mut out = finish(core, out);
    drop(running);
    for id in finish_alone {
        let r = push_one(core, &id, Allowed::removals(allowed_removals)).await;
        out.push((id, r));
    }
    out
}

/// Saves the statuses; a save that fails is reported against every mapping pushed, so it
/// is never lost.
fn finish(core: &mut Core, mut out: Outcomes) -> Outcomes {
    if let Err(e) = core.save() {
        for (_, r) in &mut out {
            if r.is_ok() {
                *r = Err(e.clone());
            }
        }
    }
    out
}

/// Fresh reads of both sides, then a plan per mapping, each cut (drift and the guard).
/// Mappings that cannot go ahead get their outcome in `out`; `Err` when nothing can.
async fn read_and_plan(
    core: &mut Core,
    todo: Vec<Mapping>,
    allowed_removals: usize,
    out: &mut Outcomes,
) -> std::result::Result<Vec<(Mapping, Cut)>, ()> {
    let statsig_ids: Vec<String> = todo.iter().map(|m| m.statsig_group_id.clone()).collect();
    let okta_ids: Vec<String> = todo.iter().map(|m| m.okta_group_id.clone()).collect();
    let okta = core.okta().clone();
    let scim = core.scim().cloned();
    let read_statsig = async {
        match &scim {
            Ok(scim) => scim
                .groups_by_ids(&statsig_ids)
                .await
                .map_err(EngineError::from),
            Err(e) => Err(e.clone()),
        }
    };
    let (fresh_statsig, fresh_okta) = tokio::join!(read_statsig, okta.members_of(okta_ids));
    let fresh_statsig = match fresh_statsig {
        Ok(groups) => groups,
        Err(e) => {
            for m in &todo {
                core.mark_failed(&m.id, &e);
                out.push((m.id.clone(), Err(e.clone())));
            }
            return Err(());
        }
    };
    let returned: BTreeSet<String> = fresh_statsig.iter().map(|g| g.id.clone()).collect();
    for g in fresh_statsig {
        core.dir_mut().upsert_statsig_group(g);
    }
    let missing: Vec<String> = statsig_ids
        .iter()
        .filter(|id| !returned.contains(*id))
        .cloned()
        .collect();
    let gone = confirm_gone(core, &missing).await;
    let okta_failed = apply_okta_members(core, fresh_okta).await;
    let mut ready = Vec::new();
    for m in todo {
        let checked = match (
            okta_failed.get(&m.okta_group_id),
            gone.get(&m.statsig_group_id),
        ) {
            (_, Some(request)) => Err(Core::target_gone(&m.statsig_group_name, request.clone())),
            (Some(e), _) => Err(e.clone()),
            (None, None) => planned(core, &m, allowed_removals),
        };
        match checked {
            Ok(plan) => ready.push((m, plan)),
            Err(e) => {
                core.mark_failed(&m.id, &e);
                out.push((m.id.clone(), Err(e)));
            }
        }
    }
    Ok(ready)
}

/// Stores each Okta group's fresh members; returns the groups whose read failed.
async fn apply_okta_members(
    core: &mut Core,
    fresh: Vec<(String, std::result::Result<Vec<String>, ApiError>)>,
) -> BTreeMap<String, EngineError> {
    let mut failed = BTreeMap::new();
    let mut seen = Vec::new();
    for (gid, r) in fresh {
        match (r, core.directory().okta_group(&gid).cloned()) {
            (Ok(members), Some(mut g)) => {
                seen.extend(members.iter().cloned());
                g.members = members;
                core.dir_mut().upsert_okta_group(g);
            }
            (Err(e), _) => {
                failed.insert(gid, e.into());
            }
            (Ok(_), None) => {}
        }
    }
    if let Err(e) = core.learn_users(&seen).await {
        tracing::warn!("could not read the Okta users again: {e}");
    }
    failed
}

/// Reads one by one the groups a batched read did not return: those that answer 404 are
/// gone (with the request that found it, removed from the directory); the others are
/// kept (a list that lagged behind).
async fn confirm_gone(core: &mut Core, missing: &[String]) -> BTreeMap<String, Option<String>> {
    let mut gone = BTreeMap::new();
    for id in missing {
        let read = match core.scim() {
            Ok(scim) => scim.get_group(id).await,
            Err(_) => continue,
        };
        match read {
            Ok(g) => core.dir_mut().upsert_statsig_group(g),
            Err(e) if e.is_not_found() => {
                core.dir_mut().remove_statsig_group(id);
                gone.insert(id.clone(), e.request());
            }
            Err(e) => tracing::warn!("could not read Statsig group {id} again: {e}"),
        }
    }
    gone
}

fn planned(core: &Core, m: &Mapping, allowed_removals: usize) -> Result<Cut> {
    if core
        .directory()
        .statsig_group(&m.statsig_group_id)
        .is_none()
    {
        return Err(Core::target_gone(&m.statsig_group_name, None));
    }
    let plan = core.plan(&m.okta_group_id, &m.statsig_group_id)?;
    Ok(core.cut(m, plan, Allowed::removals(allowed_removals)))
}

/// Sends each job's batches in order, jobs side by side; each job's outcome.
async fn send_jobs(
    scim: crate::scim::ScimClient,
    cancel: crate::net::CancelToken,
    jobs: Vec<(usize, String, Vec<PatchBatch>)>,
) -> Vec<(usize, std::result::Result<(), ApiError>)> {
    futures::stream::iter(jobs.into_iter().map(|(i, gid, batches)| {
        let (scim, cancel) = (scim.clone(), cancel.clone());
        async move {
            for b in &batches {
                if cancel.is_cancelled() {
                    return (i, Err(ApiError::Cancelled));
                }
                if let Err(e) = scim.patch_members(&gid, b).await {
                    return (i, Err(e));
                }
            }
            (i, Ok(()))
        }
    }))
    .buffer_unordered(crate::scim::MAX_IN_FLIGHT)
    .collect()
    .await
}

/// Every mapping's batches, mappings side by side (bounded per endpoint). Records each
/// outcome; returns the mappings whose PATCH ended unclear, to finish one by one.
async fn send_all(core: &mut Core, ready: &[(Mapping, Cut)], out: &mut Outcomes) -> Vec<String> {
    let jobs: Vec<(usize, String, Vec<PatchBatch>)> = ready
        .iter()
        .enumerate()
        .map(|(i, (m, cut))| (i, m.statsig_group_id.clone(), cut.send.batches()))
        .collect();
    let Ok(scim) = core.scim().cloned() else {
        // Planning read Statsig, so it is there; nothing is sent otherwise.
        return Vec::new();
    };
    let sent = send_jobs(scim, core.cancel().clone(), jobs).await;
    let mut finish_alone = Vec::new();
    for (i, r) in sent {
        let (m, cut) = &ready[i];
        match r {
            Ok(()) => {
                core.record_push(m, cut);
                let outcome = match &cut.stop {
                    Some(stop) => {
                        let e = EngineError::NeedsConfirmation(Box::new(stop.clone()));
                        core.mark_failed(&m.id, &e);
                        Err(e)
                    }
                    None => Ok(PushReport {
                        mapping_id: m.id.clone(),
                        plan: cut.send.clone(),
                        by: None,
                        held: cut.drift.clone(),
                    }),
                };
                out.push((m.id.clone(), outcome));
            }
            // Unclear: a normal push reads afresh and finishes it.
            Err(e) if e.is_ambiguous() => finish_alone.push(m.id.clone()),
            Err(e) => {
                let e = match e {
                    ApiError::Cancelled => interrupted("Cancelled: push again to finish."),
                    other => other.into(),
                };
                core.mark_failed(&m.id, &e);
                out.push((m.id.clone(), Err(e)));
            }
        }
    }
    finish_alone
}
