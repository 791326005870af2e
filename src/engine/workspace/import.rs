//! Import: both directories read side by side, with progress per stage.

use super::Workspace;
use super::pending::{Members, Pending, Reader, Report};
use super::progress::ImportProgress;
use crate::engine::error::{EngineError, Result, interrupted, refused};
use crate::model::okta_app::AppSide;
use crate::model::plan::DEFAULT_BATCH_SIZE;
use crate::model::{Directory, OktaGroup, OktaUser};
use crate::net::ApiError;
use futures::future::OptionFuture;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;

/// What `read_okta` gives: users, groups (some with members pending), and the reading of
/// the pending ones.
type OktaSide = (Vec<OktaUser>, Vec<OktaGroup>, Option<Reading>);

/// Members still coming in, the task reading them, and how many groups are left.
type Reading = (mpsc::UnboundedReceiver<Members>, Reader, usize);

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
    /// groups and Okta's push mappings), whole, and shows them once. `progress` gets
    /// pages done of pages known per stage. The first import settles who pushes.
    pub async fn import(
        &mut self,
        progress: impl Fn(ImportProgress) + Send + Sync + 'static,
    ) -> Result<&Directory> {
        self.read(Arc::new(progress), false).await
    }

    /// Reads what the views need first: with nothing shown yet, everything but the
    /// members of the Okta groups no mapping pushes, which go on being read (side by side with
    /// the rest, so no rate-limit bucket idles) and come in through
    /// [`Workspace::read_pending_members`]. Until then those groups are marked
    /// `members_pending`, and plans refuse them.
    pub async fn import_first(
        &mut self,
        progress: impl Fn(ImportProgress) + Send + Sync + 'static,
    ) -> Result<&Directory> {
        self.read(Arc::new(progress), true).await
    }

    /// An import; `staged`: the views may be shown before the other groups' members.
    async fn read(&mut self, report: Report, staged: bool) -> Result<&Directory> {
        self.stop_reading();
        self.settle_mode().await?;
        let read_at = crate::clock::now();
        // From a cached directory: only what Okta changed since is read again.
        let baseline = self
            .warm
            .clone()
            .map(|w| (w.since, self.core.shared_directory()));
        let app = self.push_mode().app().cloned();
        let core = &self.core;
        let okta_side = read_okta(core, &report, baseline, staged);
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
        let app_side = read_app_side(core, app.as_ref(), &report);
        // What the backend reads beside the import (Okta push: Okta's mappings).
        let backend = self.pusher.as_ref().map(|p| p.backend.clone());
        let beside: OptionFuture<_> = backend.as_ref().and_then(|b| b.beside_import(core)).into();
        let (statsig, okta_side, app_side, beside) =
            tokio::join!(statsig, okta_side, app_side, beside);
        let (okta_users, okta_groups, pending) = okta_side?;
        let side = app_side.transpose()?;
        let after_import = beside.transpose()?;
        let mut directory = match statsig {
            Some((users, groups, config)) => {
                let (users, groups, config) = (users?, groups?, config?);
                if config.no_patch {
                    return Err(refused(format!(
                        "The SCIM server at {} says it does not support PATCH, which membership pushes need.",
                        core.scim()?.base_url()
                    )));
                }
                let wanted = match core.conn().batch_size {
                    0 => DEFAULT_BATCH_SIZE,
                    n => n,
                };
                core.scim()?.set_batch_size(wanted, config.patch_cap);
                let dir = Directory::new(
                    core.conn().projects.clone(),
                    core.conn().org_domains.clone(),
                    users,
                    groups,
                    okta_users,
                    okta_groups,
                );
                match side {
                    Some(side) => dir.with_app(side),
                    // Direct push with the Statsig app in Okta: its imported groups are
                    // known, so they are never taken for mapping groups.
                    None if !self.app_groups.is_empty() => dir.with_app(AppSide {
                        groups: self.app_groups.clone(),
                        ..AppSide::default()
                    }),
                    None => dir,
                }
            }
            None => Directory::from_okta_only(
                core.conn().projects.clone(),
                okta_users,
                okta_groups,
                side.unwrap_or_default(),
            ),
        };
        if core.cancel().is_cancelled() {
            return Err(EngineError::Cancelled);
        }
        directory.members_reading = pending.is_some();
        self.core.set_directory(directory);
        self.warm = None;
        match pending {
            Some((results, reader, total)) => {
                self.pending = Some(Pending {
                    results,
                    _reader: reader,
                    left: total,
                    total,
                    report: report.clone(),
                    read_at,
                });
            }
            None => self.keep_for_next_start(&read_at),
        }
        match after_import {
            Some(apply) => {
                apply(&mut self.core);
                self.core.save()?;
            }
            None => self.follow_renames()?,
        }
        Ok(self.core.directory())
    }

    /// Some Okta groups' members are still being read.
    pub fn members_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// Stops reading the other groups' members: the groups not read stay marked, and the
    /// directory no longer says they are being read.
    fn stop_reading(&mut self) {
        if self.pending.take().is_some() && self.core.directory().members_reading {
            self.core.dir_mut().members_reading = false;
        }
    }

    /// Takes the members read since into the directory, waiting up to `for_at_most` for
    /// more. When the last group is in, the directory is indexed whole and kept for the
    /// next start. A failed read (or a cancel) stops the reading; the groups not read stay
    /// marked and the next import reads them.
    pub async fn read_pending_members(&mut self, for_at_most: Duration) -> Result<()> {
        let Some(p) = &mut self.pending else {
            return Ok(());
        };
        let deadline = tokio::time::Instant::now() + for_at_most;
        let mut got = Vec::new();
        let mut failed = None;
        while p.left > 0 {
            if self.core.cancel().is_cancelled() {
                failed = Some(EngineError::Cancelled);
                break;
            }
            match tokio::time::timeout_at(deadline, p.results.recv()).await {
                Err(_) => break,
                Ok(Some((id, Ok(members)))) => {
                    got.push((id, members));
                    p.left -= 1;
                    (p.report)(ImportProgress {
                        stage: "Okta memberships",
                        done: p.total - p.left,
                        total: p.total,
                        left: None,
                    });
                }
                Ok(Some((_, Err(e)))) => {
                    failed = Some(e.into());
                    break;
                }
                Ok(None) => {
                    failed = Some(interrupted(
                        "Reading the Okta groups' members stopped before the end; import again.",
                    ));
                    break;
                }
            }
        }
        let done = p.left == 0;
        if !got.is_empty() {
            let dir = self.core.dir_mut();
            for (id, members) in got {
                if let Some(g) = dir.okta_group(&id) {
                    let mut g = g.clone();
                    g.members = members;
                    g.members_pending = false;
                    dir.upsert_okta_group(g);
                }
            }
            if done {
                dir.reindex();
            }
        }
        if let Some(e) = failed {
            self.stop_reading();
            return Err(e);
        }
        if done {
            let read_at = p.read_at.clone();
            self.stop_reading();
            self.keep_for_next_start(&read_at);
        }
        Ok(())
    }

    /// Keeps the directory, read whole at `read_at`, for the next start (when asked to).
    fn keep_for_next_start(&self, read_at: &str) {
        if self.keep_cache
            && let Err(e) = self.save_cache(read_at)
        {
            tracing::warn!("{e}");
        }
    }

    /// Mapping names follow renames made in Okta, and edits made in Statsig since the last
    /// push are found (they stay open until the admin chooses, whatever else runs).
    fn follow_renames(&mut self) -> Result<()> {
        let core = &mut self.core;
        let before = core.state().clone();
        let dir = core.shared_directory();
        for m in &mut core.state_mut().mappings {
            if let Some(g) = dir.okta_group(&m.okta_group_id)
                && g.name != m.okta_group_name
            {
                m.okta_group_name = g.name.clone();
            }
        }
        if dir.statsig_read {
            let ids: Vec<String> = core.state().mappings.iter().map(|m| m.id.clone()).collect();
            for id in ids {
                core.note_drift(&id);
            }
        }
        if *core.state() != before {
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
    staged: bool,
) -> std::result::Result<OktaSide, ApiError> {
    let okta = core.okta().clone();
    let members_report = report.clone();
    let known = baseline.as_ref().map(|(_, d)| d.clone());
    // With nothing shown yet, the mapped groups' members are read first and the rest
    // after the views are shown; a refresh keeps what is shown until all is in.
    let nothing_shown = staged && baseline.is_none() && core.directory().okta_groups.is_empty();
    let mapped: Option<HashSet<String>> = nothing_shown.then(|| {
        core.state()
            .mappings
            .iter()
            .map(|m| m.okta_group_id.clone())
            .collect()
    });
    let okta_groups = async move {
        let groups = okta
            .list_groups(None, None, counter(&members_report, "Okta groups"))
            .await?;
        let (kept, mut stale) = reuse_members(groups, known.as_deref());
        if let Some(mapped) = mapped {
            let pending = read_mapped_first(&okta, &mut stale, &mapped, &members_report).await?;
            let groups = kept.into_iter().chain(stale).collect::<Vec<_>>();
            return Ok::<_, ApiError>((groups, pending));
        }
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
        Ok::<_, ApiError>((kept.into_iter().chain(stale).collect::<Vec<_>>(), None))
    };
    let okta_users = async {
        match &baseline {
            Some((since, dir)) => {
                let changed = core
                    .okta()
                    .users_changed_since(since, counter(report, "Okta users changed"))
                    .await?;
                Ok(merge_users(&dir.okta_users, changed))
            }
            None => core.okta().list_users(counter(report, "Okta users")).await,
        }
    };
    let (users, groups) = tokio::join!(okta_users, okta_groups);
    let (groups, pending) = groups?;
    Ok((users?, groups, pending))
}

/// Starts reading the members of `groups`, the mapped ones first, and waits for the
/// mapped ones. The others are marked pending and given back with their reading (none
/// when every group is in).
async fn read_mapped_first(
    okta: &crate::okta::OktaClient,
    groups: &mut [OktaGroup],
    mapped: &HashSet<String>,
    report: &Report,
) -> std::result::Result<Option<Reading>, ApiError> {
    // The mapped groups first, then in the order the lists show (so they fill in from
    // the top).
    groups.sort_by(|a, b| {
        (!mapped.contains(&a.id), &a.name, &a.id).cmp(&(!mapped.contains(&b.id), &b.name, &b.id))
    });
    let first = groups.iter().filter(|g| mapped.contains(&g.id)).count();
    let ids: Vec<String> = groups.iter().map(|g| g.id.clone()).collect();
    let (tx, mut results) = mpsc::unbounded_channel();
    let reader = {
        let okta = okta.clone();
        Reader(tokio::spawn(
            async move { okta.send_members(ids, tx).await },
        ))
    };
    let mut received = 0;
    while received < first {
        let Some((_, r)) = results.recv().await else {
            break;
        };
        groups[received].members = r?;
        received += 1;
        report(ImportProgress {
            stage: "Mapped groups' memberships",
            done: received,
            total: first,
            left: None,
        });
    }
    for g in &mut groups[received..] {
        g.members_pending = true;
    }
    let rest = groups.len() - received;
    Ok((rest > 0).then_some((results, reader, rest)))
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

/// With the Statsig app found: its users and imported groups, read side by side (`None`
/// without it).
async fn read_app_side(
    core: &super::Core,
    app: Option<&crate::model::okta_app::OktaApp>,
    report: &Report,
) -> Option<Result<AppSide>> {
    let app = app?.clone();
    let okta = core.okta();
    let (users, groups) = tokio::join!(
        okta.app_users(&app.id, counter(report, "Okta app users")),
        okta.app_groups(&app.id),
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
        Ok(side)
    })())
}
