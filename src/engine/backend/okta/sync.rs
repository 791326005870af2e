//! Okta's mappings as the app shows them: each of Okta's Group Push mappings read into a
//! [`Mapping`] (names from the directory, status from Okta), merged into the list, and
//! what can be said beyond Okta: whether Okta still has work to do, and drift.

use crate::engine::core::Core;
use crate::engine::error::Result;
use crate::engine::state::{Drift, Mapping, MappingStatus, PushAction};
use crate::model::Directory;
use crate::model::mapping::Remote;
use crate::model::okta_app::{OktaPushMapping, OktaPushStatus};
use crate::model::{plan, rules};

/// One of Okta's mappings as a [`Mapping`]; `previous` keeps what only the app knows.
pub fn to_mapping(dir: &Directory, m: &OktaPushMapping, previous: Option<&Mapping>) -> Mapping {
    let target_name = dir
        .app
        .group(&m.target_group_id)
        .map(|g| g.name.clone())
        .or_else(|| previous.map(|p| p.statsig_group_name.clone()))
        .unwrap_or_default();
    let statsig_group_id = dir
        .statsig_group_for_app_group(&m.target_group_id)
        .map(|g| g.id.clone())
        .unwrap_or_default();
    let status = match m.status {
        OktaPushStatus::Active => MappingStatus::Active,
        OktaPushStatus::Inactive => MappingStatus::Inactive,
        OktaPushStatus::Error => {
            let cause = m
                .error_summary
                .clone()
                .unwrap_or_else(|| "Okta reports an error and gives no summary.".into());
            MappingStatus::Error {
                at: m.last_updated.clone(),
                fix: rules::next_step(None, &cause).fix(),
                cause,
                request: None,
            }
        }
    };
    Mapping {
        id: m.id.clone(),
        okta_group_id: m.source_group_id.clone(),
        okta_group_name: dir
            .okta_group(&m.source_group_id)
            .map(|g| g.name.clone())
            .or_else(|| previous.map(|p| p.okta_group_name.clone()))
            .unwrap_or_default(),
        statsig_group_id,
        statsig_group_name: target_name,
        action: previous.map_or(PushAction::Link, |p| p.action),
        status,
        created: m.created.clone(),
        last_push: m.last_push.clone(),
        last_counts: None,
        last_pushed_members: Vec::new(),
        drift: None,
        remote: Some(Remote {
            target_group_id: m.target_group_id.clone(),
            last_updated: m.last_updated.clone(),
            error_summary: m.error_summary.clone(),
            pending: None,
        }),
    }
}

/// Replaces the list with Okta's whole list (mappings deleted in Okta's console go).
pub fn replace_all(core: &mut Core, list: &[OktaPushMapping]) {
    let dir = core.shared_directory();
    let next: Vec<Mapping> = list
        .iter()
        .map(|m| to_mapping(&dir, m, core.state().mapping(&m.id)))
        .collect();
    core.state_mut().mappings = next;
    refresh_derived(core);
}

/// Merges mappings Okta says changed.
pub fn upsert(core: &mut Core, list: &[OktaPushMapping]) {
    let dir = core.shared_directory();
    for m in list {
        let next = to_mapping(&dir, m, core.state().mapping(&m.id));
        match core.state_mut().mapping_mut(&m.id) {
            Some(slot) => *slot = next,
            None => core.state_mut().mappings.push(next),
        }
    }
    refresh_derived(core);
}

/// Puts `m` in the list as Okta answered it; `action` says how it was made here.
pub fn record(core: &mut Core, m: &OktaPushMapping, action: Option<PushAction>) -> Result<Mapping> {
    upsert(core, std::slice::from_ref(m));
    if let (Some(a), Some(mm)) = (action, core.state_mut().mapping_mut(&m.id)) {
        mm.action = a;
    }
    core.save()?;
    core.mapping(&m.id)
}

/// For every Active mapping: whether Okta still has work to do, and otherwise whether
/// Statsig differs from what Okta would push (drift).
pub fn refresh_derived(core: &mut Core) {
    let dir = core.shared_directory();
    let batch = core.batch_size();
    for m in &mut core.state_mut().mappings {
        let differs = if m.status == MappingStatus::Active {
            drift(&dir, m, batch)
        } else {
            None
        };
        let pending = pending(&dir, m, differs.is_some());
        if let Some(link) = &mut m.remote {
            link.pending = pending.clone();
        }
        m.drift = if pending.is_some() { None } else { differs };
    }
}

/// Why Okta still has work to do for an Active mapping, if it has. Okta stamps its pushes
/// to the second: a change in the same second as the last push counts as not yet pushed
/// when Statsig still differs.
fn pending(dir: &Directory, m: &Mapping, differs: bool) -> Option<String> {
    if m.status != MappingStatus::Active {
        return None;
    }
    let Some(last_push) = &m.last_push else {
        return Some("Okta has not pushed it yet (its pushes can take a few minutes)".into());
    };
    let changed = dir
        .okta_group(&m.okta_group_id)
        .and_then(|g| g.last_membership_updated.clone())?;
    let seconds = |t: &str| crate::clock::parse(t).map(|t| t.unix_timestamp());
    let (pushed_at, changed_at) = (seconds(last_push)?, seconds(&changed)?);
    (changed_at > pushed_at || (changed_at == pushed_at && differs)).then(|| {
        format!(
            "Okta is pushing: the group changed at {changed}, after Okta's last push at {last_push}"
        )
    })
}

/// What Statsig has that Okta would not push, and what it lacks, once Okta is done.
fn drift(dir: &Directory, m: &Mapping, batch: usize) -> Option<Drift> {
    if !dir.statsig_read || m.statsig_group_id.is_empty() {
        return None;
    }
    let plan = plan::plan_push(dir, &m.okta_group_id, &m.statsig_group_id, batch).ok()?;
    let d = Drift {
        added_in_statsig: plan.removes.iter().map(|x| x.id.to_string()).collect(),
        removed_in_statsig: plan.adds.iter().map(|x| x.id.to_string()).collect(),
    };
    (!d.is_empty()).then_some(d)
}
