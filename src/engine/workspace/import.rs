//! Import: both directories read side by side, with progress per stage.

use super::Workspace;
use super::progress::ImportProgress;
use crate::engine::error::{EngineError, Result, refused};
use crate::model::okta_app::{AppSide, OktaPushMapping};
use crate::model::plan::DEFAULT_BATCH_SIZE;
use crate::model::{Directory, OktaGroup, OktaUser};
use crate::net::ApiError;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

type Report = Arc<dyn Fn(ImportProgress) + Send + Sync>;

/// A progress callback for a stage whose total is known as pages come in.
fn pages(report: &Report, stage: &'static str) -> crate::scim::Progress {
    let r = report.clone();
    Arc::new(move |done, total| {
        r(ImportProgress {
            stage,
            done,
            total,
            left: None,
        })
    })
}

/// A page counter for Okta, whose total is not known until the last page.
fn counter(report: &Report, stage: &'static str) -> impl FnMut() + Send + 'static {
    let r = report.clone();
    let n = Arc::new(AtomicUsize::new(0));
    move || {
        let done = n.fetch_add(1, Ordering::Relaxed) + 1;
        r(ImportProgress {
            stage,
            done,
            total: done + 1,
            left: None,
        })
    }
}

impl Workspace {
    /// Reads both directories (and, in Okta push, the Statsig app's users, imported
    /// groups and Okta's push mappings). `progress` gets pages done of pages known per
    /// stage. The first import settles who pushes.
    pub async fn import(
        &mut self,
        progress: impl Fn(ImportProgress) + Send + Sync + 'static,
    ) -> Result<&Directory> {
        self.settle_mode().await?;
        let read_at = crate::clock::now();
        let report: Report = Arc::new(progress);
        // From a cached directory: only what Okta changed since is read again.
        let baseline = self
            .core
            .warm
            .clone()
            .map(|w| (w.since, self.core.shared_directory()));
        let core = &self.core;
        let okta_side = read_okta(core, &report, baseline);
        let statsig = async {
            let Ok(scim) = core.scim() else {
                return None;
            };
            let (users, groups, config) = tokio::join!(
                scim.list_users(Some(pages(&report, "Statsig users"))),
                scim.list_groups(Some(pages(&report, "Statsig groups"))),
                scim.server_config(),
            );
            Some((users, groups, config))
        };
        let app_side = read_app_side(core, &report);
        let (statsig, okta_side, app_side) = tokio::join!(statsig, okta_side, app_side);
        let (okta_users, okta_groups) = okta_side?;
        let (side, mappings) = match app_side {
            Some(r) => {
                let (side, mappings) = r?;
                (Some(side), Some(mappings))
            }
            None => (None, None),
        };
        let directory = match statsig {
            Some((users, groups, config)) => {
                let (users, groups, config) = (users?, groups?, config?);
                if config.no_patch {
                    return Err(refused(format!(
                        "The SCIM server at {} says it does not support PATCH, which membership pushes need.",
                        core.scim()?.base_url()
                    )));
                }
                let wanted = match core.conn.batch_size {
                    0 => DEFAULT_BATCH_SIZE,
                    n => n,
                };
                core.scim()?.set_batch_size(wanted, config.patch_cap);
                let dir = Directory::new(
                    core.conn.projects.clone(),
                    core.conn.org_domains.clone(),
                    users,
                    groups,
                    okta_users,
                    okta_groups,
                );
                match side {
                    Some(side) => dir.with_app(side),
                    None => dir,
                }
            }
            None => Directory::from_okta_only(
                core.conn.projects.clone(),
                okta_users,
                okta_groups,
                side.unwrap_or_default(),
            ),
        };
        if core.cancel.is_cancelled() {
            return Err(EngineError::Cancelled);
        }
        self.core.set_directory(directory);
        self.core.warm = None;
        if self.core.keep_cache
            && let Err(e) = self.save_cache(&read_at)
        {
            tracing::warn!("{e}");
        }
        match mappings {
            Some(list) => {
                crate::engine::backend::okta::sync::replace_all(&mut self.core, &list);
                self.core.save()?;
            }
            None => self.follow_renames()?,
        }
        Ok(self.core.directory())
    }

    /// Mapping names follow renames made in Okta.
    fn follow_renames(&mut self) -> Result<()> {
        let core = &mut self.core;
        let mut changed = false;
        let dir = core.shared_directory();
        for m in &mut core.state.mappings {
            if let Some(g) = dir.okta_group(&m.okta_group_id)
                && g.name != m.okta_group_name
            {
                m.okta_group_name = g.name.clone();
                changed = true;
            }
        }
        if changed {
            core.save()?;
        }
        Ok(())
    }
}

/// Okta's users and groups with their members, side by side: users page through Link
/// headers one page after another, the groups' members are fetched as soon as the group
/// list is in. From a `baseline` (a cached directory and the time to ask from) only the
/// users Okta changed since and the members of groups whose membership moved are read.
async fn read_okta(
    core: &super::Core,
    report: &Report,
    baseline: Option<(String, Arc<Directory>)>,
) -> std::result::Result<(Vec<OktaUser>, Vec<OktaGroup>), ApiError> {
    let okta = core.okta.clone();
    let members_report = report.clone();
    let known = baseline.as_ref().map(|(_, d)| d.clone());
    let okta_groups = async move {
        let groups = okta
            .list_groups(None, None, counter(&members_report, "Okta groups"))
            .await?;
        let (kept, mut stale) = reuse_members(groups, known.as_deref());
        let total = stale.len();
        let done = AtomicUsize::new(0);
        okta.fill_members(&mut stale, || {
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            members_report(ImportProgress {
                stage: "Okta memberships",
                done: d,
                total,
                left: None,
            });
        })
        .await?;
        Ok::<_, ApiError>(kept.into_iter().chain(stale).collect::<Vec<_>>())
    };
    let okta_users = async {
        match &baseline {
            Some((since, dir)) => {
                let changed = core
                    .okta
                    .users_changed_since(since, counter(report, "Okta users changed"))
                    .await?;
                Ok(merge_users(&dir.okta_users, changed))
            }
            None => core.okta.list_users(counter(report, "Okta users")).await,
        }
    };
    let (users, groups) = tokio::join!(okta_users, okta_groups);
    Ok((users?, groups?))
}

/// Groups whose membership Okta has not changed since `known` was read keep the members
/// read then; the rest (new, changed, or with no time to compare) are read again.
fn reuse_members(
    groups: Vec<OktaGroup>,
    known: Option<&Directory>,
) -> (Vec<OktaGroup>, Vec<OktaGroup>) {
    let Some(known) = known else {
        return (Vec::new(), groups);
    };
    let mut kept = Vec::new();
    let mut stale = Vec::new();
    for mut g in groups {
        match known.okta_group(&g.id) {
            Some(old)
                if old.last_membership_updated.is_some()
                    && old.last_membership_updated == g.last_membership_updated =>
            {
                g.members = old.members.clone();
                kept.push(g);
            }
            _ => stale.push(g),
        }
    }
    (kept, stale)
}

/// The users read before with the ones Okta changed since put in their place.
fn merge_users(known: &[OktaUser], changed: Vec<OktaUser>) -> Vec<OktaUser> {
    let mut by_id: std::collections::HashMap<String, OktaUser> =
        changed.into_iter().map(|u| (u.id.clone(), u)).collect();
    let mut all: Vec<OktaUser> = known
        .iter()
        .map(|u| by_id.remove(&u.id).unwrap_or_else(|| u.clone()))
        .collect();
    all.extend(by_id.into_values());
    all
}

/// Okta push: the Statsig app's users, imported groups and Okta's mappings, read side by
/// side (`None` in Direct push).
async fn read_app_side(
    core: &super::Core,
    report: &Report,
) -> Option<Result<(AppSide, Vec<OktaPushMapping>)>> {
    let app = core.mode.app()?.clone();
    let okta = &core.okta;
    let (users, groups, mappings) = tokio::join!(
        okta.app_users(&app.id, counter(report, "Okta app users")),
        okta.app_groups(&app.id),
        okta.push_mappings(&app.id, None, None),
    );
    Some((|| {
        let side = AppSide {
            app: Some(app),
            users: users?
                .into_iter()
                .map(|u| (u.okta_user_id.clone(), u))
                .collect(),
            groups: groups?,
        };
        Ok((side, mappings?))
    })())
}
