//! Direct push: the app pushes memberships itself over Statsig's SCIM API, the way Okta's
//! Group Push would, for orgs where the Statsig app has no Group Push, and for repairs.

mod batch;
mod push;
mod refusals;
mod watch;

use super::{Outcomes, PushBackend, PushReport, Unlink, WatchReport};
use crate::engine::core::Core;
use crate::engine::error::{EngineError, Result};
use crate::engine::state::{Drift, Mapping, MappingStatus, PushAction};
use crate::model::hold::Allowed;
use crate::model::names::{self, NameReading, Role};
use futures::FutureExt;
use futures::future::BoxFuture;

/// The direct SCIM pusher. Stateless: everything it knows is in the [`Core`].
#[derive(Debug, Default, Clone, Copy)]
pub struct DirectPush;

/// Creates a team group; when the answer was lost after the server made it, finds it by
/// name before anyone tries again, so a team is never created twice.
async fn create_team_group(core: &Core, name: &str) -> Result<crate::model::StatsigGroup> {
    match core.scim()?.create_group(name).await {
        Ok(g) => Ok(g),
        Err(e) if e.is_ambiguous() => match core.scim()?.find_group(name).await {
            Ok(Some(g)) => Ok(g),
            _ => Err(e.into()),
        },
        Err(e) => Err(e.into()),
    }
}

impl DirectPush {
    async fn link(
        core: &mut Core,
        okta_group_id: &str,
        statsig_group_id: &str,
        push_now: bool,
        allowed_removals: usize,
    ) -> Result<Mapping> {
        let mut mapping = core.new_mapping(okta_group_id, statsig_group_id, PushAction::Link);
        if let Some(g) = core.directory().statsig_group(statsig_group_id) {
            mapping.last_pushed_members = g.members.clone();
        }
        let id = mapping.id.clone();
        core.add_mapping(mapping)?;
        if push_now {
            push::push_one(core, &id, Allowed::removals(allowed_removals)).await?;
        }
        core.mapping(&id)
    }

    async fn create(
        core: &mut Core,
        okta_group_id: &str,
        name: &str,
        push_now: bool,
    ) -> Result<Mapping> {
        let created = create_team_group(core, name).await?;
        core.dir_mut().upsert_statsig_group(created.clone());
        // The team's Admin group appears with it; pick it up so the team shows whole.
        if let Some(admin_name) = name.strip_suffix("-Member").map(|p| format!("{p}-Admin"))
            && let Ok(Some(admin)) = core.scim()?.find_group(&admin_name).await
        {
            core.dir_mut().upsert_statsig_group(admin);
        }
        let mut mapping = core.new_mapping(okta_group_id, &created.id, PushAction::Create);
        mapping.last_pushed_members = created.members.clone();
        let id = mapping.id.clone();
        core.add_mapping(mapping)?;
        if push_now {
            push::push_one(core, &id, Allowed::nothing()).await?;
        }
        core.mapping(&id)
    }

    async fn set_active(
        core: &mut Core,
        id: &str,
        active: bool,
        allowed_removals: usize,
    ) -> Result<()> {
        core.mapping(id)?;
        if active {
            core.set_status(id, MappingStatus::Active)?;
            push::push_one(core, id, Allowed::removals(allowed_removals))
                .await
                .map(|_| ())
        } else {
            core.set_status(id, MappingStatus::Inactive)
        }
    }

    async fn unlink(core: &mut Core, id: &str, how: Unlink) -> Result<Mapping> {
        let m = core.mapping(id)?;
        if how == Unlink::Delete {
            core.scim()?
                .delete_group(&m.statsig_group_id)
                .await
                .map_err(EngineError::from)?;
            forget_team(core, &m.statsig_group_id);
        }
        core.state_mut().mappings.retain(|x| x.id != id);
        core.save()?;
        Ok(m)
    }
}

/// Deleting a team-role group deletes the team: both its role groups leave the directory.
pub(crate) fn forget_team(core: &mut Core, statsig_group_id: &str) {
    let team = core
        .directory()
        .statsig_group_index(statsig_group_id)
        .and_then(|i| core.directory().parsed(i).reading());
    let dir = core.dir_mut();
    dir.remove_statsig_group(statsig_group_id);
    if let Some(NameReading::Team { project, team, .. }) = team {
        for role in Role::ALL {
            if let Some(id) = dir
                .statsig_group_by_name(&names::team_group_name(&project, &team, role))
                .map(|g| g.id.clone())
            {
                dir.remove_statsig_group(&id);
            }
        }
    }
}

impl PushBackend for DirectPush {
    fn name(&self) -> &'static str {
        "Direct push"
    }

    fn link<'a>(
        &'a self,
        core: &'a mut Core,
        okta_group_id: &'a str,
        statsig_group_id: &'a str,
        push_now: bool,
        allowed_removals: usize,
    ) -> BoxFuture<'a, Result<Mapping>> {
        Self::link(
            core,
            okta_group_id,
            statsig_group_id,
            push_now,
            allowed_removals,
        )
        .boxed()
    }

    fn create<'a>(
        &'a self,
        core: &'a mut Core,
        okta_group_id: &'a str,
        name: &'a str,
        push_now: bool,
    ) -> BoxFuture<'a, Result<Mapping>> {
        Self::create(core, okta_group_id, name, push_now).boxed()
    }

    fn push<'a>(
        &'a self,
        core: &'a mut Core,
        ids: &'a [String],
        allowed_removals: usize,
    ) -> BoxFuture<'a, Outcomes> {
        async move {
            match ids {
                [one] => vec![(
                    one.clone(),
                    push::push_one(core, one, Allowed::removals(allowed_removals)).await,
                )],
                many => batch::push_many(core, many, allowed_removals).await,
            }
        }
        .boxed()
    }

    fn overwrite<'a>(
        &'a self,
        core: &'a mut Core,
        id: &'a str,
        chosen: &'a Drift,
    ) -> BoxFuture<'a, Result<PushReport>> {
        let allowed = Allowed {
            removals: 0,
            overwrite: chosen,
        };
        push::push_one(core, id, allowed).boxed()
    }

    fn set_active<'a>(
        &'a self,
        core: &'a mut Core,
        id: &'a str,
        active: bool,
        allowed_removals: usize,
    ) -> BoxFuture<'a, Result<()>> {
        Self::set_active(core, id, active, allowed_removals).boxed()
    }

    fn unlink<'a>(
        &'a self,
        core: &'a mut Core,
        id: &'a str,
        how: Unlink,
    ) -> BoxFuture<'a, Result<Mapping>> {
        Self::unlink(core, id, how).boxed()
    }

    fn watch<'a>(&'a self, core: &'a mut Core) -> BoxFuture<'a, Result<WatchReport>> {
        watch::watch_once(core).boxed()
    }
}
