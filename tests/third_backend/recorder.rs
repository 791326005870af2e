//! A push backend written only in this test: it records what the engine asks of it, and
//! pushes by writing the sandbox's world itself (as a third pusher would, beside Direct
//! push over SCIM and Okta's Group Push), with the engine's shared core for plans, the
//! deletion guard and the mappings.

use futures::FutureExt;
use futures::future::BoxFuture;
use okta_statsig_teams::engine::backend::{Outcomes, PushBackend, PushReport, WatchReport};
use okta_statsig_teams::engine::core::Core;
use okta_statsig_teams::engine::error::{Result, interrupted, refused};
use okta_statsig_teams::engine::state::{Drift, Mapping, MappingStatus, PushAction};
use okta_statsig_teams::engine::{EngineError, Unlink};
use okta_statsig_teams::model::hold::Allowed;
use okta_statsig_teams::sandbox::Sandbox;
use okta_statsig_teams::sandbox::world::GROUP_SCHEMA;
use okta_statsig_teams::scim::{RemoveForm, decode_group, patch_body};
use serde_json::json;
use std::sync::{Arc, Mutex};

/// The third backend: what it was asked, in order, and the world it pushes into.
pub struct Recorder {
    world: Arc<Sandbox>,
    asked: Mutex<Vec<String>>,
}

impl Recorder {
    pub fn new(world: Arc<Sandbox>) -> Self {
        Recorder {
            world,
            asked: Mutex::default(),
        }
    }

    /// What the engine asked, one word a call ("link", "push", …), in order.
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }

    fn note(&self, what: &str) {
        self.asked.lock().unwrap().push(what.to_string());
    }

    /// Pushes mapping `id` into the world: fresh reads, the engine's plan cut by the
    /// guard, the cut's batches written, the push recorded.
    async fn push_one(
        &self,
        core: &mut Core,
        id: &str,
        allowed: Allowed<'_>,
    ) -> Result<PushReport> {
        let m = core.mapping(id)?;
        if m.status == MappingStatus::Inactive {
            return Err(refused(format!("{} is inactive.", m.okta_group_name)));
        }
        let result = self.push_inner(core, &m, allowed).await;
        if let Err(e) = &result {
            let status = core.failure_status(e);
            core.set_status(id, status)?;
        }
        result
    }

    async fn push_inner(
        &self,
        core: &mut Core,
        m: &Mapping,
        allowed: Allowed<'_>,
    ) -> Result<PushReport> {
        core.refresh_pair(m).await?;
        let plan = core.plan(&m.okta_group_id, &m.statsig_group_id)?;
        let cut = core.cut(m, plan, allowed);
        for batch in cut.send.batches() {
            let body = patch_body(&batch, RemoveForm::Filter);
            self.world
                .world()
                .patch_group(&m.statsig_group_id, &body)
                .map_err(|e| interrupted(format!("the world refused a push: {e:?}")))?;
        }
        core.record_push(m, &cut);
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

    async fn add(
        &self,
        core: &mut Core,
        mapping: Mapping,
        push_now: bool,
        allowed: usize,
    ) -> Result<Mapping> {
        let id = mapping.id.clone();
        core.add_mapping(mapping)?;
        if push_now {
            self.push_one(core, &id, Allowed::removals(allowed)).await?;
        }
        core.mapping(&id)
    }
}

impl PushBackend for Recorder {
    fn name(&self) -> &'static str {
        "Recorder"
    }

    fn link<'a>(
        &'a self,
        core: &'a mut Core,
        okta_group_id: &'a str,
        statsig_group_id: &'a str,
        push_now: bool,
        allowed_removals: usize,
    ) -> BoxFuture<'a, Result<Mapping>> {
        self.note("link");
        async move {
            let mut m = core.new_mapping(okta_group_id, statsig_group_id, PushAction::Link);
            if let Some(g) = core.directory().statsig_group(statsig_group_id) {
                m.last_pushed_members = g.members.clone();
            }
            self.add(core, m, push_now, allowed_removals).await
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
        self.note("create");
        async move {
            let body = json!({"schemas": [GROUP_SCHEMA], "displayName": name});
            let made = self
                .world
                .world()
                .create_group(body, &okta_statsig_teams::clock::now())
                .map_err(|e| interrupted(format!("the world refused the team: {e:?}")))?;
            let group = decode_group(&made).map_err(|e| interrupted(e.to_string()))?;
            core.dir_mut().upsert_statsig_group(group.clone());
            let mut m = core.new_mapping(okta_group_id, &group.id, PushAction::Create);
            m.last_pushed_members = group.members.clone();
            self.add(core, m, push_now, 0).await
        }
        .boxed()
    }

    fn push<'a>(
        &'a self,
        core: &'a mut Core,
        ids: &'a [String],
        allowed_removals: usize,
    ) -> BoxFuture<'a, Outcomes> {
        self.note("push");
        async move {
            let mut out = Vec::new();
            for id in ids {
                let r = self
                    .push_one(core, id, Allowed::removals(allowed_removals))
                    .await;
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
        chosen: &'a Drift,
    ) -> BoxFuture<'a, Result<PushReport>> {
        self.note("overwrite");
        let allowed = Allowed {
            removals: 0,
            overwrite: chosen,
        };
        self.push_one(core, id, allowed).boxed()
    }

    fn set_active<'a>(
        &'a self,
        core: &'a mut Core,
        id: &'a str,
        active: bool,
        allowed_removals: usize,
    ) -> BoxFuture<'a, Result<()>> {
        self.note(if active { "activate" } else { "deactivate" });
        async move {
            if !active {
                return core.set_status(id, MappingStatus::Inactive);
            }
            core.set_status(id, MappingStatus::Active)?;
            self.push_one(core, id, Allowed::removals(allowed_removals))
                .await
                .map(|_| ())
        }
        .boxed()
    }

    fn unlink<'a>(
        &'a self,
        core: &'a mut Core,
        id: &'a str,
        how: Unlink,
    ) -> BoxFuture<'a, Result<Mapping>> {
        self.note("unlink");
        async move {
            let m = core.mapping(id)?;
            if how == Unlink::Delete {
                self.world
                    .world()
                    .delete_group(&m.statsig_group_id)
                    .map_err(|e| interrupted(format!("the world kept the team: {e:?}")))?;
                core.dir_mut().remove_statsig_group(&m.statsig_group_id);
            }
            core.state_mut().mappings.retain(|x| x.id != id);
            core.save()?;
            Ok(m)
        }
        .boxed()
    }

    /// Pushes every active mapping whose Okta group differs from its team now.
    fn watch<'a>(&'a self, core: &'a mut Core) -> BoxFuture<'a, Result<WatchReport>> {
        self.note("watch");
        async move {
            let mut report = WatchReport::default();
            let active: Vec<Mapping> = core
                .state()
                .mappings
                .iter()
                .filter(|m| m.status == MappingStatus::Active)
                .cloned()
                .collect();
            for m in active {
                core.refresh_pair(&m).await?;
                let plan = core.plan(&m.okta_group_id, &m.statsig_group_id)?;
                if core.cut(&m, plan, Allowed::nothing()).send.is_noop() {
                    continue;
                }
                report.okta_groups_changed += 1;
                match self.push_one(core, &m.id, Allowed::nothing()).await {
                    Ok(_) => report.pushed.push(m.id.clone()),
                    Err(e) => {
                        report.failed.push(m.id.clone());
                        report.errors.push(e);
                    }
                }
            }
            Ok(report)
        }
        .boxed()
    }
}
