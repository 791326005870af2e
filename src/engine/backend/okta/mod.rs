//! Okta push: the mappings live in Okta, and Okta pushes. The app makes, activates,
//! deactivates and deletes Okta's own Group Push mappings through the Management API,
//! after the same preview and deletion guard as a direct push, so Okta keeps teams in sync
//! while the app is closed and mappings made in Okta's console show up here.
//!
//! What the API cannot do is said plainly: there is no "push now" call (re-activating
//! makes Okta run a full push), and no "Import Now" (the admin clicks it in Okta).

pub mod sync;
mod watch;

use super::{AfterImport, Outcomes, PushBackend, PushReport, Report, Steered, Unlink, WatchReport};
use crate::engine::core::Core;
use crate::engine::error::{EngineError, Result, refused};
use crate::engine::state::{Drift, Mapping, MappingStatus, PushAction};
use crate::model::okta_app::{AppGroup, OktaApp, OktaPushMapping};
use crate::model::plan::Plan;
use crate::okta::PushTarget;
use futures::FutureExt;
use futures::future::BoxFuture;
use std::sync::Arc;

/// Okta push for one app.
pub struct OktaPush {
    app: OktaApp,
    /// When Okta's whole list of mappings was last read.
    listed_at: std::sync::Mutex<Option<std::time::Instant>>,
    /// Watch cycles run.
    cycles: std::sync::atomic::AtomicU64,
}

/// Who pushes, and what only Okta push says.
const STEERED: Steered = Steered {
    who: "Okta",
    pushing: "Okta is pushing",
    lives: "This mapping lives in Okta's Statsig app: Okta pushes it, also while this app is closed, and it shows in Okta's Push Groups tab",
    push_now: "Okta has no public \"push now\" call: this deactivates and re-activates the mapping, which makes Okta run a full push (after the same preview and deletion guard)",
    after_error: "Okta pushes nothing until it is retried: Push now (or Retry all) re-activates it, which makes Okta push again.",
    drift: "Okta pushes only changes of the Okta group, so these edits stay until you choose:",
    retry_all: "Re-activate every mapping in ERROR: Okta then pushes each again (Okta has no public retry call)",
    check_now: "Ask Okta what changed: new mappings made in its console, statuses, pushes, drift",
};

impl OktaPush {
    /// Okta push through `app`.
    pub fn new(app: OktaApp) -> Self {
        OktaPush {
            app,
            listed_at: std::sync::Mutex::default(),
            cycles: std::sync::atomic::AtomicU64::default(),
        }
    }

    /// Replaces the list with Okta's whole list, and notes when it was read.
    fn listed(&self, core: &mut Core, list: &[OktaPushMapping]) {
        sync::replace_all(core, list);
        if let Ok(mut at) = self.listed_at.lock() {
            *at = Some(std::time::Instant::now());
        }
    }

    /// Okta's whole list was read less than a minute ago.
    fn listed_lately(&self) -> bool {
        self.listed_at
            .lock()
            .is_ok_and(|at| at.is_some_and(|t| t.elapsed() < std::time::Duration::from_secs(60)))
    }
}

/// Okta push that cannot run (no app, several apps, no Group Push): every step says why.
pub struct Unavailable(pub String);

/// The refusal of a mapping Okta no longer has.
fn deleted_in_okta(core: &mut Core, id: &str) -> EngineError {
    let name = core
        .state()
        .mapping(id)
        .map(|m| m.okta_group_name.clone())
        .unwrap_or_default();
    core.state_mut().mappings.retain(|m| m.id != id);
    let _ = core.save();
    EngineError::MappingGone {
        id: id.to_string(),
        name,
    }
}

impl OktaPush {
    /// Okta's mappings of one source group, read fresh (never two for one group).
    async fn ensure_unmapped(&self, core: &Core, okta_group_id: &str, target: &str) -> Result<()> {
        let existing = core
            .okta()
            .push_mappings(&self.app.id, None, Some(okta_group_id))
            .await?;
        if let Some(m) = existing.first() {
            let name = core
                .directory()
                .app
                .group(&m.target_group_id)
                .map_or(m.target_group_id.clone(), |g| g.name.clone());
            return Err(refused(format!(
                "This Okta group is already pushed by Okta's mapping {} (to \"{name}\"); one mapping per Okta group. Unlink it first.",
                m.id
            )));
        }
        if let Some(m) = core.state().mappings.iter().find(|m| {
            m.remote
                .as_ref()
                .is_some_and(|o| o.target_group_id == target)
        }) {
            return Err(refused(format!(
                "\"{}\" is already fed by Okta's mapping {} from \"{}\"; one pusher per team.",
                m.statsig_group_name, m.id, m.okta_group_name
            )));
        }
        Ok(())
    }

    /// Creates a mapping once: when the answer is lost, Okta may have made it, so it is
    /// looked up by its source group before the create is sent again.
    async fn create_once(
        &self,
        core: &Core,
        okta_group_id: &str,
        target: &PushTarget,
        active: bool,
    ) -> Result<OktaPushMapping> {
        let okta = &core.okta();
        match okta
            .create_push_mapping(&self.app.id, okta_group_id, target, active)
            .await
        {
            Ok(m) => Ok(m),
            Err(e) if e.is_ambiguous() => {
                tracing::warn!("the answer to a mapping create was lost ({e}); looking it up");
                let found = okta
                    .push_mappings(&self.app.id, None, Some(okta_group_id))
                    .await?;
                match found.into_iter().next() {
                    Some(m) => Ok(m),
                    None => Ok(okta
                        .create_push_mapping(&self.app.id, okta_group_id, target, active)
                        .await?),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    /// What Okta's full push of `okta_group_id` into `statsig_group_id` would do, read
    /// fresh, stopped by the guard past `allowed_removals` when Okta is to push now.
    async fn preview(
        &self,
        core: &mut Core,
        okta_group_id: &str,
        statsig_group_id: &str,
        pushes_now: bool,
        allowed_removals: usize,
    ) -> Result<Option<Plan>> {
        let guarded = pushes_now && guard_sees(core)?;
        if statsig_group_id.is_empty() {
            return Ok(None);
        }
        core.refresh_groups(okta_group_id, statsig_group_id).await?;
        let plan = core.plan(okta_group_id, statsig_group_id)?;
        if guarded {
            let name = core
                .directory()
                .okta_group(okta_group_id)
                .map(|g| g.name.clone())
                .unwrap_or_default();
            core.check_guard(&plan, &name, allowed_removals)?;
        }
        Ok(Some(plan))
    }

    /// PATCHes a mapping's status; a mapping Okta no longer has leaves the list.
    async fn set_status(&self, core: &mut Core, id: &str, active: bool) -> Result<OktaPushMapping> {
        match core
            .okta()
            .set_push_mapping_status(&self.app.id, id, active)
            .await
        {
            Ok(m) => Ok(m),
            Err(e) if e.is_not_found() => Err(deleted_in_okta(core, id)),
            Err(e) => Err(e.into()),
        }
    }

    /// Re-activates (INACTIVE, then ACTIVE): Okta then runs a full push. There is no
    /// public "push now" call.
    async fn push_one(&self, core: &mut Core, id: &str, allowed: usize) -> Result<PushReport> {
        let m = okta_mapping(core, id)?;
        let plan = self
            .preview(core, &m.okta_group_id, &m.statsig_group_id, true, allowed)
            .await?;
        if m.status != MappingStatus::Inactive {
            self.set_status(core, id, false).await?;
        }
        let fresh = self.set_status(core, id, true).await?;
        sync::record(core, &fresh, None)?;
        Ok(PushReport {
            mapping_id: id.to_string(),
            plan: plan.unwrap_or_else(|| unknown_plan(&m)),
            by: Some(STEERED.who),
            held: Drift::default(),
        })
    }
}

impl OktaPush {
    /// Many links: one fresh read of Okta's mappings checks every source at once, then the
    /// creates go one after another, paced to the apps bucket, with the time left from
    /// Okta's rate limit. Pairs that would trip the guard are refused, not created.
    async fn link_all(
        &self,
        core: &mut Core,
        pairs: &[(String, String)],
        push_now: bool,
        allowed_removals: usize,
        report: Report<'_>,
    ) -> Vec<Result<Mapping>> {
        // Okta's list, read again unless it was read a moment ago (every request counts
        // against the same bucket as the creates).
        if !self.listed_lately() {
            match core.okta().push_mappings(&self.app.id, None, None).await {
                Ok(list) => self.listed(core, &list),
                Err(e) => {
                    let e = EngineError::from(e);
                    return pairs.iter().map(|_| Err(e.clone())).collect();
                }
            }
        }
        let mut out = Vec::with_capacity(pairs.len());
        for (i, (okta_group_id, statsig_group_id)) in pairs.iter().enumerate() {
            if core.cancel().is_cancelled() {
                out.push(Err(EngineError::Cancelled));
                continue;
            }
            let r = self
                .link_checked(
                    core,
                    okta_group_id,
                    statsig_group_id,
                    push_now,
                    allowed_removals,
                )
                .await;
            out.push(r);
            let left = core.okta().apps_time_for((pairs.len() - i - 1) as u64);
            report(i + 1, pairs.len(), left);
        }
        out
    }

    /// One link of many, checked against the mappings read for all of them.
    async fn link_checked(
        &self,
        core: &mut Core,
        okta_group_id: &str,
        statsig_group_id: &str,
        push_now: bool,
        allowed_removals: usize,
    ) -> Result<Mapping> {
        let dir = core.shared_directory();
        let target = dir
            .app_group_for(statsig_group_id)
            .cloned()
            .ok_or_else(|| not_imported(&dir, statsig_group_id))?;
        if let Some(m) = core.state().mappings.iter().find(|m| {
            m.okta_group_id == okta_group_id
                || m.remote
                    .as_ref()
                    .is_some_and(|o| o.target_group_id == target.id)
        }) {
            return Err(refused(format!(
                "Okta's mapping {} already pushes this Okta group or into this team; one pusher per team.",
                m.id
            )));
        }
        if push_now && guard_sees(core)? {
            let plan = core.plan(okta_group_id, statsig_group_id)?;
            let name = dir
                .okta_group(okta_group_id)
                .map(|g| g.name.clone())
                .unwrap_or_default();
            core.check_guard(&plan, &name, allowed_removals)?;
        }
        let made = self
            .create_once(core, okta_group_id, &PushTarget::Link(target.id), push_now)
            .await?;
        sync::record(core, &made, Some(PushAction::Link))
    }
}

/// The refusal of a push Okta would run over edits made in Statsig.
fn drift_open(core: &Core, id: &str, d: &Drift) -> EngineError {
    let m = core.mapping(id).ok();
    EngineError::Drift(format!(
        "Statsig was edited on {} ({}): Okta's full push would undo these edits. Choose Overwrite from Okta or Adopt into Okta group first; nothing was sent.",
        m.map_or_else(|| id.to_string(), |m| m.statsig_group_name),
        crate::model::text::names(&core.describe_drift(d), 5)
    ))
}

/// The refusal of a team Okta has not imported yet.
fn not_imported(dir: &crate::model::Directory, statsig_group_id: &str) -> EngineError {
    let name = dir
        .statsig_group(statsig_group_id)
        .map_or(statsig_group_id.to_string(), |g| g.display_name.clone());
    refused(format!(
        "\"{name}\" is not imported into Okta yet, so Okta cannot link to it. In Okta, open Applications > {} > Import and click Import Now, then import here again.",
        dir.app.label()
    ))
}

/// The mapping `id`, which must be one of Okta's.
fn okta_mapping(core: &Core, id: &str) -> Result<Mapping> {
    let m = core.mapping(id)?;
    if m.remote.is_none() {
        return Err(refused(format!(
            "Mapping {id} is the app's own (Direct push), not one of Okta's."
        )));
    }
    Ok(m)
}

/// Whether the deletion guard can see what Okta's push would remove: Statsig's teams are
/// read. With a Statsig token but its teams not read yet (a cancelled or failed import),
/// nothing is sent rather than pushed unguarded; with no Statsig token the push goes, and
/// its preview says what cannot be known.
fn guard_sees(core: &Core) -> Result<bool> {
    if core.directory().statsig_read {
        return Ok(true);
    }
    if core.has_statsig() {
        return Err(refused(
            "Statsig's teams are not read yet (the import was cancelled or failed), so the deletion guard cannot see what Okta's push would remove; Refresh, then push.",
        ));
    }
    Ok(false)
}

/// A plan that says nothing is known (no Statsig token, or no team yet).
fn unknown_plan(m: &Mapping) -> Plan {
    Plan {
        okta_group_id: m.okta_group_id.clone(),
        statsig_group_id: m.statsig_group_id.clone(),
        statsig_group_name: m.statsig_group_name.clone(),
        ..Plan::default()
    }
}

impl PushBackend for OktaPush {
    fn name(&self) -> &'static str {
        "Okta push"
    }

    fn steered(&self) -> Option<Steered> {
        Some(STEERED)
    }

    /// Okta's mappings, read beside the import: they are the list.
    fn beside_import<'a: 'c, 'c>(
        &'a self,
        core: &'c Core,
    ) -> Option<BoxFuture<'c, Result<AfterImport<'a>>>> {
        Some(
            async move {
                let list = core.okta().push_mappings(&self.app.id, None, None).await?;
                let after: AfterImport<'a> =
                    Box::new(move |core: &mut Core| self.listed(core, &list));
                Ok(after)
            }
            .boxed(),
        )
    }

    fn link<'a>(
        &'a self,
        core: &'a mut Core,
        okta_group_id: &'a str,
        statsig_group_id: &'a str,
        push_now: bool,
        allowed_removals: usize,
    ) -> BoxFuture<'a, Result<Mapping>> {
        async move {
            let dir = core.shared_directory();
            let target = dir
                .app_group_for(statsig_group_id)
                .cloned()
                .ok_or_else(|| not_imported(&dir, statsig_group_id))?;
            self.ensure_unmapped(core, okta_group_id, &target.id)
                .await?;
            self.preview(
                core,
                okta_group_id,
                statsig_group_id,
                push_now,
                allowed_removals,
            )
            .await?;
            let made = self
                .create_once(core, okta_group_id, &PushTarget::Link(target.id), push_now)
                .await?;
            sync::record(core, &made, Some(PushAction::Link))
        }
        .boxed()
    }

    fn link_many<'a>(
        &'a self,
        core: &'a mut Core,
        pairs: &'a [(String, String)],
        push_now: bool,
        allowed_removals: usize,
        report: Report<'a>,
    ) -> BoxFuture<'a, Vec<Result<Mapping>>> {
        async move {
            self.link_all(core, pairs, push_now, allowed_removals, report)
                .await
        }
        .boxed()
    }

    fn create<'a>(
        &'a self,
        core: &'a mut Core,
        okta_group_id: &'a str,
        name: &'a str,
        push_now: bool,
    ) -> BoxFuture<'a, Result<Mapping>> {
        async move {
            if let Some(g) = core.directory().app.group_named(name) {
                let id = g.id.clone();
                self.ensure_unmapped(core, okta_group_id, &id).await?;
            } else {
                self.ensure_unmapped(core, okta_group_id, "").await?;
            }
            let made = self
                .create_once(
                    core,
                    okta_group_id,
                    &PushTarget::Create(name.to_string()),
                    push_now,
                )
                .await?;
            // Okta made an app group for the new team; the first push makes the team.
            if core.directory().app.group(&made.target_group_id).is_none() {
                let dir = core.dir_mut();
                Arc::make_mut(&mut dir.app).groups.push(AppGroup {
                    id: made.target_group_id.clone(),
                    name: name.to_string(),
                });
            }
            sync::record(core, &made, Some(PushAction::Create))
        }
        .boxed()
    }

    fn push<'a>(
        &'a self,
        core: &'a mut Core,
        ids: &'a [String],
        allowed_removals: usize,
    ) -> BoxFuture<'a, Outcomes> {
        async move {
            let mut out = Vec::new();
            for id in ids {
                if core.cancel().is_cancelled() {
                    out.push((id.clone(), Err(EngineError::Cancelled)));
                    continue;
                }
                let r = match core.mapping(id).map(|m| m.drift) {
                    // Okta's full push would overwrite the edits made in Statsig.
                    Ok(Some(d)) => Err(drift_open(core, id, &d)),
                    _ => self.push_one(core, id, allowed_removals).await,
                };
                out.push((id.clone(), r));
            }
            out
        }
        .boxed()
    }

    fn overwrite<'a>(
        &'a self,
        core: &'a mut Core,
        id: &'a str,
        _chosen: &'a Drift,
    ) -> BoxFuture<'a, Result<PushReport>> {
        // Okta's full push makes the team exactly what Okta would push.
        async move { self.push_one(core, id, 0).await }.boxed()
    }

    fn set_active<'a>(
        &'a self,
        core: &'a mut Core,
        id: &'a str,
        active: bool,
        allowed_removals: usize,
    ) -> BoxFuture<'a, Result<()>> {
        async move {
            let m = okta_mapping(core, id)?;
            if active {
                self.preview(
                    core,
                    &m.okta_group_id,
                    &m.statsig_group_id,
                    true,
                    allowed_removals,
                )
                .await?;
            }
            let fresh = self.set_status(core, id, active).await?;
            sync::record(core, &fresh, None).map(|_| ())
        }
        .boxed()
    }

    fn unlink<'a>(
        &'a self,
        core: &'a mut Core,
        id: &'a str,
        how: Unlink,
    ) -> BoxFuture<'a, Result<Mapping>> {
        async move {
            let m = okta_mapping(core, id)?;
            // Okta deletes only INACTIVE mappings.
            if m.status != MappingStatus::Inactive {
                self.set_status(core, id, false).await?;
            }
            let delete = how == Unlink::Delete;
            match core
                .okta()
                .delete_push_mapping(&self.app.id, id, delete)
                .await
            {
                Ok(()) => {}
                Err(e) if e.is_not_found() => return Err(deleted_in_okta(core, id)),
                Err(e) => return Err(e.into()),
            }
            core.state_mut().mappings.retain(|x| x.id != id);
            if delete {
                let dir = core.dir_mut();
                dir.remove_statsig_group(&m.statsig_group_id);
                if let Some(o) = &m.remote {
                    Arc::make_mut(&mut dir.app)
                        .groups
                        .retain(|g| g.id != o.target_group_id);
                }
            }
            core.save()?;
            Ok(m)
        }
        .boxed()
    }

    fn watch<'a>(&'a self, core: &'a mut Core) -> BoxFuture<'a, Result<WatchReport>> {
        async move { watch::watch_once(&self.app, &self.listed_at, &self.cycles, core).await }
            .boxed()
    }
}

impl PushBackend for Unavailable {
    fn name(&self) -> &'static str {
        "Okta push (not ready)"
    }

    fn link<'a>(
        &'a self,
        _: &'a mut Core,
        _: &'a str,
        _: &'a str,
        _: bool,
        _: usize,
    ) -> BoxFuture<'a, Result<Mapping>> {
        let e = refused(self.0.clone());
        async move { Err(e) }.boxed()
    }

    fn create<'a>(
        &'a self,
        _: &'a mut Core,
        _: &'a str,
        _: &'a str,
        _: bool,
    ) -> BoxFuture<'a, Result<Mapping>> {
        let e = refused(self.0.clone());
        async move { Err(e) }.boxed()
    }

    fn push<'a>(&'a self, _: &'a mut Core, ids: &'a [String], _: usize) -> BoxFuture<'a, Outcomes> {
        let out = ids
            .iter()
            .map(|id| (id.clone(), Err(refused(self.0.clone()))))
            .collect();
        async move { out }.boxed()
    }

    fn overwrite<'a>(
        &'a self,
        _: &'a mut Core,
        _: &'a str,
        _: &'a Drift,
    ) -> BoxFuture<'a, Result<PushReport>> {
        let e = refused(self.0.clone());
        async move { Err(e) }.boxed()
    }

    fn set_active<'a>(
        &'a self,
        _: &'a mut Core,
        _: &'a str,
        _: bool,
        _: usize,
    ) -> BoxFuture<'a, Result<()>> {
        let e = refused(self.0.clone());
        async move { Err(e) }.boxed()
    }

    fn unlink<'a>(
        &'a self,
        _: &'a mut Core,
        _: &'a str,
        _: Unlink,
    ) -> BoxFuture<'a, Result<Mapping>> {
        let e = refused(self.0.clone());
        async move { Err(e) }.boxed()
    }

    fn watch<'a>(&'a self, _: &'a mut Core) -> BoxFuture<'a, Result<WatchReport>> {
        async move { Ok(WatchReport::default()) }.boxed()
    }
}
