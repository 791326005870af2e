//! Import: both directories read side by side, with progress per stage.

use super::Workspace;
use super::progress::ImportProgress;
use crate::engine::error::{EngineError, Result, refused};
use crate::model::Directory;
use crate::model::plan::DEFAULT_BATCH_SIZE;
use crate::net::ApiError;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

type Report = Arc<dyn Fn(ImportProgress) + Send + Sync>;

/// A progress callback for a stage whose total is known as pages come in.
fn pages(report: &Report, stage: &'static str) -> crate::scim::Progress {
    let r = report.clone();
    Arc::new(move |done, total| r(ImportProgress { stage, done, total }))
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
        })
    }
}

impl Workspace {
    /// Reads both directories. `progress` gets pages done of pages known per stage.
    pub async fn import(
        &mut self,
        progress: impl Fn(ImportProgress) + Send + Sync + 'static,
    ) -> Result<&Directory> {
        let report: Report = Arc::new(progress);
        let core = &self.core;
        // Okta pages users through Link headers, one page after another; the groups'
        // members are fetched meanwhile, as soon as the group list is in.
        let okta = core.okta.clone();
        let members_report = report.clone();
        let okta_groups = async move {
            let mut groups = okta
                .list_groups(None, None, counter(&members_report, "Okta groups"))
                .await?;
            let total = groups.len();
            let done = AtomicUsize::new(0);
            okta.fill_members(&mut groups, || {
                let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                members_report(ImportProgress {
                    stage: "Okta memberships",
                    done: d,
                    total,
                });
            })
            .await?;
            Ok::<_, ApiError>(groups)
        };
        let (users, groups, okta_users, okta_groups, config) = tokio::join!(
            core.scim.list_users(Some(pages(&report, "Statsig users"))),
            core.scim
                .list_groups(Some(pages(&report, "Statsig groups"))),
            core.okta.list_users(counter(&report, "Okta users")),
            okta_groups,
            core.scim.server_config(),
        );
        let (users, groups, okta_users, okta_groups, config) =
            (users?, groups?, okta_users?, okta_groups?, config?);
        if config.no_patch {
            return Err(refused(format!(
                "The SCIM server at {} says it does not support PATCH, which membership pushes need.",
                core.scim.base_url()
            )));
        }
        let wanted = match core.conn.batch_size {
            0 => DEFAULT_BATCH_SIZE,
            n => n,
        };
        core.scim.set_batch_size(wanted, config.patch_cap);
        if core.cancel.is_cancelled() {
            return Err(EngineError::Cancelled);
        }
        let directory = Directory::new(
            core.conn.projects.clone(),
            core.conn.org_domains.clone(),
            users,
            groups,
            okta_users,
            okta_groups,
        );
        self.core.set_directory(directory);
        self.follow_renames()?;
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
