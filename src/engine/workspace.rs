//! The workspace: one connection (Okta org + Statsig SCIM endpoint), the imported
//! directory and the persisted mappings, with every operation of the push workflow as an
//! async method. The CLI calls it directly; the GUI through [`super::Engine`].

use super::state::{Drift, Mapping, MappingStatus, PushAction, PushCounts, State, StateStore};
use crate::model::names::{self, ParsedName, Role};
use crate::model::plan::{self, Plan};
use crate::model::secret::Secret;
use crate::model::{Directory, OktaGroup};
use crate::net::{Observer, RetryPolicy};
use crate::okta::{OktaClient, OktaError};
use crate::scim::{ScimClient, ScimError};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Where to connect, and what the admin told us of the Statsig org.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    pub statsig_url: String,
    pub statsig_token: Secret,
    pub okta_url: String,
    pub okta_token: Secret,
    /// Statsig projects; derived from group names when empty.
    pub projects: Vec<String>,
    /// Email domains Statsig accepts; derived from Statsig users when empty.
    pub org_domains: Vec<String>,
    /// Membership changes per PATCH; 0 means Okta's default (100).
    pub batch_size: usize,
    /// When a push stops to ask before removing members.
    pub guard: crate::model::mapping::Guard,
}

/// Any failure of a workflow step, as one sentence naming the object and the cause.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    #[error(transparent)]
    Scim(#[from] ScimError),
    #[error(transparent)]
    Okta(#[from] OktaError),
    #[error(transparent)]
    Plan(#[from] plan::PlanError),
    /// The request makes no sense in the current state; nothing was sent.
    #[error("{0}")]
    Refused(String),
    /// The mappings could not be saved.
    #[error("could not save the mappings: {0}")]
    Save(String),
    /// Stopped by the user between requests.
    #[error("cancelled")]
    Cancelled,
    /// A destructive step stopped before sending anything; the admin must confirm it.
    #[error("{0}")]
    NeedsConfirmation(String),
}

impl EngineError {
    fn request(&self) -> Option<String> {
        match self {
            EngineError::Scim(e) => e.request(),
            EngineError::Okta(
                OktaError::Status { method, path, .. }
                | OktaError::Transport { method, path, .. }
                | OktaError::Decode { method, path, .. },
            ) => Some(format!("{method} {path}")),
            _ => None,
        }
    }
}

fn refused(s: impl Into<String>) -> EngineError {
    EngineError::Refused(s.into())
}

/// How to unlink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unlink {
    /// DELETE the Statsig group, which deletes the team.
    Delete,
    /// Stop pushing; touch nothing in Statsig.
    Leave,
}

/// Import progress: which side, pages done, pages known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProgress {
    pub stage: &'static str,
    pub done: usize,
    pub total: usize,
}

/// What one watch cycle did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchReport {
    pub okta_groups_changed: usize,
    pub pushed: Vec<String>,
    pub drifted: Vec<String>,
    /// Mappings the deletion guard stopped; the watcher never confirms removals itself.
    pub needs_confirmation: Vec<String>,
    pub errors: Vec<String>,
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushReport {
    pub mapping_id: String,
    pub plan: Plan,
}

pub fn now() -> String {
    crate::sandbox::world::now_rfc3339()
}

/// A cancellation flag checked between requests.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<std::sync::atomic::AtomicBool>);

impl CancelToken {
    pub fn cancel(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn reset(&self) {
        self.0.store(false, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

pub struct Workspace {
    pub scim: ScimClient,
    pub okta: OktaClient,
    conn: Connection,
    directory: Directory,
    state: State,
    store: StateStore,
    pub cancel: CancelToken,
}

impl Workspace {
    /// Connects (nothing is sent yet) and loads the saved mappings. The second value is a
    /// warning about the state file, if any.
    pub fn open(
        conn: Connection,
        store: StateStore,
        policy: RetryPolicy,
        observer: Arc<dyn Observer>,
    ) -> Result<(Self, Option<String>), EngineError> {
        let scim = ScimClient::new(
            &conn.statsig_url,
            conn.statsig_token.clone(),
            policy.clone(),
            observer.clone(),
        )?;
        let okta = OktaClient::new(&conn.okta_url, conn.okta_token.clone(), policy, observer)?;
        let loaded = store.load();
        let mut ws = Workspace {
            scim,
            okta,
            conn,
            directory: Directory::default(),
            state: loaded.state,
            store,
            cancel: CancelToken::default(),
        };
        // A push cut short by a crash is re-planned from fresh reads at the next push. A
        // push another process is running right now holds the lock and is left alone.
        let nobody_pushing = ws.store.try_lock_push().ok().flatten();
        let mut resumed = false;
        for m in &mut ws.state.mappings {
            if m.status == MappingStatus::Pushing && nobody_pushing.is_some() {
                m.status = MappingStatus::Error {
                    at: now(),
                    cause: "the app stopped during a push; push again to finish it (the plan is made from fresh reads)".into(),
                    request: None,
                };
                resumed = true;
            }
        }
        if resumed {
            ws.save()?;
        }
        Ok((ws, loaded.warning))
    }

    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn mappings(&self) -> &[Mapping] {
        &self.state.mappings
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn save(&self) -> Result<(), EngineError> {
        self.store
            .save(&self.state)
            .map_err(|e| EngineError::Save(format!("{e}: {}", self.store.path().display())))
    }

    /// Reads both directories. `progress` gets pages done of pages known per stage.
    pub async fn import(
        &mut self,
        progress: impl Fn(ImportProgress) + Send + Sync + 'static,
    ) -> Result<&Directory, EngineError> {
        let progress = Arc::new(progress);
        let p = progress.clone();
        let users_progress: crate::scim::Progress = Arc::new(move |done, total| {
            p(ImportProgress {
                stage: "Statsig users",
                done,
                total,
            })
        });
        let p = progress.clone();
        let groups_progress: crate::scim::Progress = Arc::new(move |done, total| {
            p(ImportProgress {
                stage: "Statsig groups",
                done,
                total,
            })
        });
        let okta_pages = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (op, pu) = (okta_pages.clone(), progress.clone());
        let okta_users_fut = self.okta.list_users(move || {
            let d = op.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            pu(ImportProgress {
                stage: "Okta users",
                done: d,
                total: d + 1,
            });
        });
        let pg = progress.clone();
        let gp = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let gp2 = gp.clone();
        // Okta pages users through Link headers, one page after another; the groups'
        // members are fetched meanwhile, as soon as the group list is in.
        let okta = self.okta.clone();
        let pm = progress.clone();
        let okta_groups_fut = async move {
            let mut groups = okta
                .list_groups(None, None, move || {
                    let d = gp2.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    pg(ImportProgress {
                        stage: "Okta groups",
                        done: d,
                        total: d + 1,
                    });
                })
                .await?;
            let total = groups.len();
            let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            okta.fill_members(&mut groups, move || {
                let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                pm(ImportProgress {
                    stage: "Okta memberships",
                    done: d,
                    total,
                });
            })
            .await?;
            Ok::<_, OktaError>(groups)
        };
        let (users, groups, okta_users, okta_groups, limits) = tokio::join!(
            self.scim.list_users(Some(users_progress)),
            self.scim.list_groups(Some(groups_progress)),
            okta_users_fut,
            okta_groups_fut,
            server_limits(&self.scim),
        );
        let (users, groups, okta_users, okta_groups) = (users?, groups?, okta_users?, okta_groups?);
        let wanted = if self.conn.batch_size == 0 {
            plan::DEFAULT_BATCH_SIZE
        } else {
            self.conn.batch_size
        };
        self.scim.set_batch_size(wanted, limits?);
        if self.cancel.is_cancelled() {
            return Err(EngineError::Cancelled);
        }
        self.directory = Directory::new(
            self.conn.projects.clone(),
            self.conn.org_domains.clone(),
            users,
            groups,
            okta_users,
            okta_groups,
        );
        // Mapping names follow renames made in Okta.
        let mut changed = false;
        for m in &mut self.state.mappings {
            if let Some(g) = self.directory.okta_group(&m.okta_group_id)
                && g.name != m.okta_group_name
            {
                m.okta_group_name = g.name.clone();
                changed = true;
            }
        }
        if changed {
            self.save()?;
        }
        Ok(&self.directory)
    }

    /// Creates an Okta group with the chosen Okta users (a "mapping group").
    pub async fn create_mapping_group(
        &mut self,
        name: &str,
        description: &str,
        user_ids: &[String],
    ) -> Result<OktaGroup, EngineError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(refused("Type a name for the new Okta group."));
        }
        if let Some(existing) = self.directory.okta_group_by_name(name) {
            return Err(refused(format!(
                "An Okta group named \"{}\" already exists; pick another name or start from that group.",
                existing.name
            )));
        }
        if let Some(unknown) = user_ids
            .iter()
            .find(|u| self.directory.okta_user(u).is_none())
        {
            return Err(refused(format!(
                "Okta user {unknown} is not in the imported directory; import again."
            )));
        }
        let mut group = self.okta.create_group(name, description).await?;
        for uid in user_ids {
            if self.cancel.is_cancelled() {
                break;
            }
            self.okta.set_member(&group.id, uid, true).await?;
            group.members.push(uid.clone());
        }
        group.members.sort();
        self.directory.upsert_okta_group(group.clone());
        Ok(group)
    }

    /// Adds or removes one member of an Okta group (used to change a mapping group).
    pub async fn set_okta_member(
        &mut self,
        group_id: &str,
        user_id: &str,
        member: bool,
    ) -> Result<(), EngineError> {
        self.okta.set_member(group_id, user_id, member).await?;
        if let Some(mut g) = self.directory.okta_group(group_id).cloned() {
            if member {
                g.members.push(user_id.to_string());
            } else {
                g.members.retain(|m| m != user_id);
            }
            self.directory.upsert_okta_group(g);
        }
        Ok(())
    }

    /// The plan for pushing `okta_group_id` into `statsig_group_id`, from the imported data.
    pub fn plan(&self, okta_group_id: &str, statsig_group_id: &str) -> Result<Plan, EngineError> {
        Ok(plan::plan_push(
            &self.directory,
            okta_group_id,
            statsig_group_id,
            self.scim.batch_size(),
        )?)
    }

    /// Checks that `okta_group_id` → `statsig_group_id` may become a mapping.
    pub fn check_link(
        &self,
        okta_group_id: &str,
        statsig_group_id: &str,
    ) -> Result<(), EngineError> {
        let okta = self.directory.okta_group(okta_group_id).ok_or_else(|| {
            refused(format!(
                "Okta group {okta_group_id} is not in the imported directory; import again."
            ))
        })?;
        let idx = self
            .directory
            .statsig_group_index(statsig_group_id)
            .ok_or_else(|| refused(format!("Statsig group {statsig_group_id} is not in the imported directory; import again.")))?;
        let target = &self.directory.statsig_groups[idx];
        match self.directory.parsed(idx) {
            ParsedName::Team { .. } => {}
            ParsedName::Project { project, .. } => {
                return Err(refused(format!(
                    "\"{}\" is a project role group of \"{project}\"; push to a team group instead.",
                    target.display_name
                )));
            }
            other => {
                return Err(refused(format!(
                    "\"{}\" is not a usable team group: {}.",
                    names::display_safe(&target.display_name),
                    other
                        .problem()
                        .unwrap_or_else(|| "it is not a Statsig group".into())
                )));
            }
        }
        if let Some(m) = self
            .state
            .mappings
            .iter()
            .find(|m| m.okta_group_id == okta_group_id)
        {
            return Err(refused(format!(
                "Okta group \"{}\" is already pushed to \"{}\"; one Okta group maps to one Statsig group.",
                okta.name, m.statsig_group_name
            )));
        }
        if let Some(m) = self
            .state
            .mappings
            .iter()
            .find(|m| m.statsig_group_id == statsig_group_id)
        {
            return Err(refused(format!(
                "\"{}\" is already pushed from Okta group \"{}\"; a Statsig group is pushed from one Okta group only.",
                target.display_name, m.okta_group_name
            )));
        }
        Ok(())
    }

    fn new_mapping(
        &mut self,
        okta_group_id: &str,
        statsig_group_id: &str,
        action: PushAction,
    ) -> Mapping {
        let okta_name = self
            .directory
            .okta_group(okta_group_id)
            .map(|g| g.name.clone())
            .unwrap_or_default();
        let statsig_name = self
            .directory
            .statsig_group(statsig_group_id)
            .map(|g| g.display_name.clone())
            .unwrap_or_default();
        let mut n = self.state.last_mapping_number + 1;
        while self.state.mapping(&format!("m{n}")).is_some() {
            n += 1;
        }
        self.state.last_mapping_number = n;
        Mapping {
            id: format!("m{n}"),
            okta_group_id: okta_group_id.to_string(),
            okta_group_name: okta_name,
            statsig_group_id: statsig_group_id.to_string(),
            statsig_group_name: statsig_name,
            action,
            status: MappingStatus::Active,
            created: now(),
            last_push: None,
            last_counts: None,
            last_pushed_members: Vec::new(),
            drift: None,
        }
    }

    /// "Link group": maps an Okta group to an existing Statsig team group, then pushes
    /// when `push_now`.
    pub async fn link(
        &mut self,
        okta_group_id: &str,
        statsig_group_id: &str,
        push_now: bool,
    ) -> Result<Mapping, EngineError> {
        self.link_confirmed(okta_group_id, statsig_group_id, push_now, 0)
            .await
    }

    /// "Link group" with up to `allowed_removals` removals confirmed by the admin. The
    /// mapping is saved even when the guard stops the first push (it then shows Needs
    /// confirmation).
    pub async fn link_confirmed(
        &mut self,
        okta_group_id: &str,
        statsig_group_id: &str,
        push_now: bool,
        allowed_removals: usize,
    ) -> Result<Mapping, EngineError> {
        self.check_link(okta_group_id, statsig_group_id)?;
        let mut mapping = self.new_mapping(okta_group_id, statsig_group_id, PushAction::Link);
        if let Some(g) = self.directory.statsig_group(statsig_group_id) {
            mapping.last_pushed_members = g.members.clone();
        }
        let id = mapping.id.clone();
        self.state.mappings.push(mapping);
        self.save()?;
        if push_now {
            self.push_confirmed(&id, allowed_removals).await?;
        }
        self.state.mapping(&id).cloned().ok_or_else(|| {
            refused(format!(
                "Mapping {id} was removed while it was being pushed."
            ))
        })
    }

    /// Validates a new team's group name (`Statsig-<Project>-<Team>-Member`).
    pub fn validate_create(&self, project: &str, team: &str) -> Result<String, EngineError> {
        let name = names::validate_new_team(project, team, Role::Member, &self.directory.projects)
            .map_err(|e| refused(e.to_string()))?;
        if let Some(g) = self.directory.statsig_group_by_name(&name) {
            return Err(refused(format!(
                "\"{}\" already exists in Statsig; use Link instead.",
                g.display_name
            )));
        }
        Ok(name)
    }

    /// "Create group": creates the team in Statsig, links the Okta group to its Member
    /// group, then pushes when `push_now`.
    pub async fn create(
        &mut self,
        okta_group_id: &str,
        project: &str,
        team: &str,
        push_now: bool,
    ) -> Result<Mapping, EngineError> {
        let name = self.validate_create(project, team)?;
        if self.directory.okta_group(okta_group_id).is_none() {
            return Err(refused(format!(
                "Okta group {okta_group_id} is not in the imported directory; import again."
            )));
        }
        if let Some(m) = self
            .state
            .mappings
            .iter()
            .find(|m| m.okta_group_id == okta_group_id)
        {
            return Err(refused(format!(
                "This Okta group is already pushed to \"{}\"; one Okta group maps to one Statsig group.",
                m.statsig_group_name
            )));
        }
        let created = match self.scim.create_group(&name).await {
            Ok(g) => g,
            // The answer may have been lost after the server made the team: look before
            // anyone tries again, so a team is never created twice.
            Err(e @ (ScimError::Transport { .. } | ScimError::Decode { .. })) => {
                match self.scim.find_group(&name).await {
                    Ok(Some(g)) => g,
                    _ => return Err(e.into()),
                }
            }
            Err(e) if e.status().is_some_and(|s| s >= 500) => {
                match self.scim.find_group(&name).await {
                    Ok(Some(g)) => g,
                    _ => return Err(e.into()),
                }
            }
            Err(e) => return Err(e.into()),
        };
        self.directory.upsert_statsig_group(created.clone());
        // The team's Admin group appears with it; pick it up so the team shows whole.
        if let Some(admin_name) = name.strip_suffix("-Member").map(|p| format!("{p}-Admin"))
            && let Ok(Some(admin)) = self.scim.find_group(&admin_name).await
        {
            self.directory.upsert_statsig_group(admin);
        }
        let mut mapping = self.new_mapping(okta_group_id, &created.id, PushAction::Create);
        mapping.last_pushed_members = created.members.clone();
        let id = mapping.id.clone();
        self.state.mappings.push(mapping);
        self.save()?;
        if push_now {
            self.push(&id).await?;
        }
        self.state.mapping(&id).cloned().ok_or_else(|| {
            refused(format!(
                "Mapping {id} was removed while it was being pushed."
            ))
        })
    }

    fn set_status(&mut self, id: &str, status: MappingStatus) -> Result<(), EngineError> {
        if let Some(m) = self.state.mapping_mut(id) {
            m.status = status;
        }
        self.save()
    }

    fn mapping_or_refuse(&self, id: &str) -> Result<Mapping, EngineError> {
        self.state
            .mapping(id)
            .cloned()
            .ok_or_else(|| refused(format!("There is no mapping {id}.")))
    }

    /// Re-reads one mapping's two groups, so a plan is made from fresh data.
    async fn refresh_pair(&mut self, m: &Mapping) -> Result<(), EngineError> {
        let (okta_group, okta_members, statsig) = tokio::join!(
            self.okta.get_group(&m.okta_group_id),
            self.okta.group_members(&m.okta_group_id),
            self.scim.get_group(&m.statsig_group_id)
        );
        match statsig {
            Ok(g) => self.directory.upsert_statsig_group(g),
            Err(e) if e.is_not_found() => {
                self.directory.remove_statsig_group(&m.statsig_group_id);
                return Err(refused(format!(
                    "Statsig group \"{}\" no longer exists (deleted in Statsig). Unlink with Leave, then push again with Create to make the team anew.",
                    m.statsig_group_name
                )));
            }
            Err(e) => return Err(e.into()),
        }
        let mut g = match okta_group {
            Ok(g) => g,
            Err(e) if e.status() == Some(404) => {
                return Err(refused(format!(
                    "Okta group \"{}\" no longer exists in Okta; unlink this mapping.",
                    m.okta_group_name
                )));
            }
            Err(e) => return Err(e.into()),
        };
        g.members = okta_members?;
        // Members Okta added since the import may be users the import did not see.
        let unknown: Vec<String> = g
            .members
            .iter()
            .filter(|u| self.directory.okta_user(u).is_none())
            .cloned()
            .collect();
        if !unknown.is_empty() {
            let users = self.okta.list_users(|| {}).await?;
            self.directory.okta_users = users;
            self.directory.reindex();
        }
        self.directory.upsert_okta_group(g);
        Ok(())
    }

    /// "Push now" with no removals confirmed beyond what the deletion guard lets through.
    pub async fn push(&mut self, mapping_id: &str) -> Result<PushReport, EngineError> {
        self.push_confirmed(mapping_id, 0).await
    }

    /// "Push now": re-reads both groups, plans, and sends the PATCHes. Inactive mappings
    /// push nothing. A plan that removes more than the deletion guard allows stops before
    /// sending anything, unless the admin confirmed at least that many removals
    /// (`allowed_removals`); the mapping then shows Needs confirmation. On failure the
    /// mapping shows Error with the time, cause and request.
    pub async fn push_confirmed(
        &mut self,
        mapping_id: &str,
        allowed_removals: usize,
    ) -> Result<PushReport, EngineError> {
        let m = self.mapping_or_refuse(mapping_id)?;
        if m.status == MappingStatus::Inactive {
            return Err(refused(format!(
                "The push of \"{}\" is deactivated; activate it first.",
                m.okta_group_name
            )));
        }
        let previous = m.status.clone();
        let _running = match self.store.try_lock_push() {
            Ok(Some(lock)) => lock,
            Ok(None) => {
                return Err(refused(
                    "Another run of this app is pushing right now; wait for it to finish, then push again.",
                ));
            }
            Err(e) => {
                return Err(EngineError::Save(format!(
                    "{e}: {}",
                    self.store.path().display()
                )));
            }
        };
        self.set_status(mapping_id, MappingStatus::Pushing)?;
        let result = self.push_inner(&m, allowed_removals).await;
        if let Err(e) = &result {
            let status = match e {
                EngineError::NeedsConfirmation(_) => {
                    let plan = self.plan(&m.okta_group_id, &m.statsig_group_id).ok();
                    MappingStatus::NeedsConfirmation {
                        at: now(),
                        removals: plan.as_ref().map_or(0, |p| p.removes.len()),
                        members: plan
                            .as_ref()
                            .map_or(0, |p| p.removes.len() + p.unchanged.len()),
                    }
                }
                // A push cancelled before it sent anything leaves the mapping as it was.
                EngineError::Cancelled if previous != MappingStatus::Pushing => previous,
                _ => MappingStatus::Error {
                    at: now(),
                    cause: e.to_string(),
                    request: e.request(),
                },
            };
            self.set_status(mapping_id, status)?;
        }
        result
    }

    /// "team \"Payments\" (Member) in project \"Checkout\"", or the group's name.
    pub fn describe_target(&self, statsig_group_id: &str) -> String {
        match self
            .directory
            .statsig_group_index(statsig_group_id)
            .and_then(|i| self.directory.parsed(i).reading())
        {
            Some(names::NameReading::Team {
                project,
                team,
                role,
            }) => format!("team \"{team}\" ({role}) in project \"{project}\""),
            _ => format!(
                "group \"{}\"",
                self.directory
                    .statsig_group(statsig_group_id)
                    .map(|g| g.display_name.as_str())
                    .unwrap_or(statsig_group_id)
            ),
        }
    }

    /// The word an admin types to confirm deleting a mapping's team: the team's name.
    pub fn confirmation_word(&self, mapping_id: &str) -> Option<String> {
        let m = self.state.mapping(mapping_id)?;
        match self
            .directory
            .statsig_group_index(&m.statsig_group_id)
            .and_then(|i| self.directory.parsed(i).reading())
        {
            Some(names::NameReading::Team { team, .. }) => Some(team),
            _ => Some(m.statsig_group_name.clone()),
        }
    }

    async fn push_inner(
        &mut self,
        m: &Mapping,
        allowed_removals: usize,
    ) -> Result<PushReport, EngineError> {
        self.refresh_pair(m).await?;
        let plan = self.plan(&m.okta_group_id, &m.statsig_group_id)?;
        let members = plan.removes.len() + plan.unchanged.len();
        if plan.removes.len() > allowed_removals
            && self.conn.guard.trips(plan.removes.len(), members)
        {
            return Err(EngineError::NeedsConfirmation(format!(
                "Pushing \"{}\" would remove {} of the {} members of {}, more than the deletion guard allows ({} members or {}%); nothing was sent. Confirm these removals to go ahead.",
                m.okta_group_name,
                plan.removes.len(),
                members,
                self.describe_target(&m.statsig_group_id),
                self.conn.guard.max_removals,
                self.conn.guard.max_percent
            )));
        }
        self.send_batches(m, &plan).await?;
        self.record_success(m, &plan);
        self.save()?;
        Ok(PushReport {
            mapping_id: m.id.clone(),
            plan,
        })
    }

    /// Sends a plan's PATCHes. When a PATCH's outcome is unknown (no answer, a garbled one,
    /// or a 5xx after which the server may have applied it), the group is read again and
    /// the rest re-planned from what Statsig really has, so nothing is applied twice and
    /// nothing outside the plan is touched. Cancel stops between requests.
    async fn send_batches(&mut self, m: &Mapping, plan: &Plan) -> Result<(), EngineError> {
        const MAX_REPLANS: usize = 5;
        let mut batches: std::collections::VecDeque<_> = plan.batches.iter().cloned().collect();
        let total = batches.len();
        let (mut sent, mut replans) = (0usize, 0usize);
        while let Some(batch) = batches.pop_front() {
            if self.cancel.is_cancelled() {
                if let Ok(g) = self.scim.get_group(&m.statsig_group_id).await {
                    self.directory.upsert_statsig_group(g);
                }
                return Err(if sent == 0 {
                    EngineError::Cancelled
                } else {
                    refused(format!(
                        "Cancelled after {sent} of {total} requests: Statsig has part of the change. Push again to finish it."
                    ))
                });
            }
            match self.scim.patch_members(&m.statsig_group_id, &batch).await {
                Ok(()) => sent += 1,
                Err(e) if is_ambiguous(&e) && replans < MAX_REPLANS => {
                    replans += 1;
                    tracing::info!(
                        "a membership PATCH ended unclear ({e}); re-planning from a fresh read"
                    );
                    let fresh = self.scim.get_group(&m.statsig_group_id).await?;
                    self.directory.upsert_statsig_group(fresh);
                    let again = self.plan(&m.okta_group_id, &m.statsig_group_id)?;
                    // The fresh plan may only do what the approved plan did.
                    let planned_adds: BTreeSet<&str> = plan.adds.iter().map(|x| &*x.id).collect();
                    let planned_removes: BTreeSet<&str> =
                        plan.removes.iter().map(|x| &*x.id).collect();
                    if again.adds.iter().any(|x| !planned_adds.contains(&*x.id))
                        || again
                            .removes
                            .iter()
                            .any(|x| !planned_removes.contains(&*x.id))
                    {
                        return Err(refused(format!(
                            "Statsig group \"{}\" changed during the push; push again to plan from what it has now.",
                            m.statsig_group_name
                        )));
                    }
                    batches = again.batches.into_iter().collect();
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Pushes several mappings at once, with the fewest requests: the Statsig groups are
    /// read 50 to a request, each Okta group's members once, then every mapping's PATCHes
    /// go out concurrently (bounded per endpoint). Each mapping is checked against the
    /// deletion guard on its own. A mapping whose PATCH ended unclear is finished by a
    /// normal push (fresh read, re-plan). Returns each mapping's outcome.
    pub async fn push_many(
        &mut self,
        ids: &[String],
        allowed_removals: usize,
    ) -> Vec<(String, Result<PushReport, EngineError>)> {
        use futures::StreamExt;
        let mut out = Vec::new();
        let mut todo: Vec<Mapping> = Vec::new();
        for id in ids {
            match self.mapping_or_refuse(id) {
                Ok(m) if m.status == MappingStatus::Inactive => {
                    out.push((
                        id.clone(),
                        Err(refused(format!(
                            "The push of \"{}\" is deactivated; activate it first.",
                            m.okta_group_name
                        ))),
                    ));
                }
                Ok(m) => todo.push(m),
                Err(e) => out.push((id.clone(), Err(e))),
            }
        }
        if todo.is_empty() {
            return out;
        }
        let _running = match self.store.try_lock_push() {
            Ok(Some(lock)) => lock,
            _ => {
                out.extend(todo.iter().map(|m| (m.id.clone(), Err(refused("Another run of this app is pushing right now; wait for it to finish, then push again.")))));
                return out;
            }
        };
        for m in &todo {
            if let Some(mm) = self.state.mapping_mut(&m.id) {
                mm.status = MappingStatus::Pushing;
            }
        }
        if let Err(e) = self.save() {
            out.extend(todo.iter().map(|m| (m.id.clone(), Err(e.clone()))));
            return out;
        }
        // Fresh reads: Statsig groups 50 to a request, each Okta group's members once.
        let statsig_ids: Vec<String> = todo.iter().map(|m| m.statsig_group_id.clone()).collect();
        let fresh_statsig = self.read_groups_by_id(&statsig_ids).await;
        let okta = self.okta.clone();
        let okta_ids: Vec<String> = todo.iter().map(|m| m.okta_group_id.clone()).collect();
        let fresh_okta: Vec<(String, Result<Vec<String>, OktaError>)> =
            futures::stream::iter(okta_ids.into_iter().map(|gid| {
                let okta = okta.clone();
                async move {
                    let r = okta.group_members(&gid).await;
                    (gid, r)
                }
            }))
            .buffer_unordered(crate::okta::MAX_IN_FLIGHT)
            .collect()
            .await;
        let fresh_statsig = match fresh_statsig {
            Ok(groups) => groups,
            Err(e) => {
                for m in &todo {
                    let _ = self.fail(&m.id, &e);
                    out.push((m.id.clone(), Err(e.clone())));
                }
                return out;
            }
        };
        let returned: BTreeSet<String> = fresh_statsig.iter().map(|g| g.id.clone()).collect();
        for g in fresh_statsig {
            self.directory.upsert_statsig_group(g);
        }
        for gone in statsig_ids.iter().filter(|id| !returned.contains(*id)) {
            self.directory.remove_statsig_group(gone);
        }
        let mut okta_failed: BTreeMap<String, EngineError> = BTreeMap::new();
        let mut unknown_users = false;
        for (gid, r) in fresh_okta {
            match (r, self.directory.okta_group(&gid).cloned()) {
                (Ok(members), Some(mut g)) => {
                    unknown_users |= members
                        .iter()
                        .any(|u| self.directory.okta_user(u).is_none());
                    g.members = members;
                    self.directory.upsert_okta_group(g);
                }
                (Err(e), _) => {
                    okta_failed.insert(gid, e.into());
                }
                (Ok(_), None) => {}
            }
        }
        if unknown_users && let Ok(users) = self.okta.list_users(|| {}).await {
            self.directory.okta_users = users;
            self.directory.reindex();
        }
        // Plans, each checked against the guard.
        let mut ready: Vec<(Mapping, Plan)> = Vec::new();
        for m in todo {
            let checked = if let Some(e) = okta_failed.get(&m.okta_group_id) {
                Err(e.clone())
            } else if self.directory.statsig_group(&m.statsig_group_id).is_none() {
                Err(refused(format!(
                    "Statsig group \"{}\" no longer exists (deleted in Statsig). Unlink with Leave, then push again with Create to make the team anew.",
                    m.statsig_group_name
                )))
            } else {
                self.plan(&m.okta_group_id, &m.statsig_group_id).and_then(|plan| {
                    let members = plan.removes.len() + plan.unchanged.len();
                    if plan.removes.len() > allowed_removals && self.conn.guard.trips(plan.removes.len(), members) {
                        Err(EngineError::NeedsConfirmation(format!(
                            "Pushing \"{}\" would remove {} of the {} members of {}, more than the deletion guard allows; nothing was sent.",
                            m.okta_group_name,
                            plan.removes.len(),
                            members,
                            self.describe_target(&m.statsig_group_id)
                        )))
                    } else {
                        Ok(plan)
                    }
                })
            };
            match checked {
                Ok(plan) => ready.push((m, plan)),
                Err(e) => {
                    let _ = self.fail(&m.id, &e);
                    out.push((m.id.clone(), Err(e)));
                }
            }
        }
        // Every mapping's batches, mappings side by side.
        let scim = self.scim.clone();
        let cancel = self.cancel.clone();
        let sent: Vec<(usize, Result<(), ScimError>)> =
            futures::stream::iter(ready.iter().enumerate().map(|(i, (m, plan))| {
                let (scim, cancel, gid) =
                    (scim.clone(), cancel.clone(), m.statsig_group_id.clone());
                let batches = plan.batches.clone();
                async move {
                    for b in &batches {
                        if cancel.is_cancelled() {
                            return (i, Err(ScimError::Config("cancelled".into())));
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
            .await;
        let mut finish_alone = Vec::new();
        for (i, r) in sent {
            let (m, plan) = &ready[i];
            match r {
                Ok(()) => {
                    self.record_success(m, plan);
                    out.push((
                        m.id.clone(),
                        Ok(PushReport {
                            mapping_id: m.id.clone(),
                            plan: plan.clone(),
                        }),
                    ));
                }
                // Unclear or cancelled: a normal push reads afresh and finishes it.
                Err(e) if is_ambiguous(&e) => finish_alone.push(m.id.clone()),
                Err(e) => {
                    let e = if matches!(&e, ScimError::Config(c) if c == "cancelled") {
                        refused("Cancelled: push again to finish.")
                    } else {
                        e.into()
                    };
                    let _ = self.fail(&m.id, &e);
                    out.push((m.id.clone(), Err(e)));
                }
            }
        }
        let _ = self.save();
        drop(_running);
        for id in finish_alone {
            let r = self.push_confirmed(&id, allowed_removals).await;
            out.push((id, r));
        }
        out
    }

    fn fail(&mut self, id: &str, e: &EngineError) -> Result<(), EngineError> {
        let status = match e {
            EngineError::NeedsConfirmation(_) => {
                let m = self.mapping_or_refuse(id)?;
                let plan = self.plan(&m.okta_group_id, &m.statsig_group_id).ok();
                MappingStatus::NeedsConfirmation {
                    at: now(),
                    removals: plan.as_ref().map_or(0, |p| p.removes.len()),
                    members: plan
                        .as_ref()
                        .map_or(0, |p| p.removes.len() + p.unchanged.len()),
                }
            }
            _ => MappingStatus::Error {
                at: now(),
                cause: e.to_string(),
                request: e.request(),
            },
        };
        if let Some(m) = self.state.mapping_mut(id) {
            m.status = status;
        }
        Ok(())
    }

    /// Records a finished push: Statsig now has exactly the desired members.
    fn record_success(&mut self, m: &Mapping, plan: &Plan) {
        let mut members: Vec<String> = plan
            .unchanged
            .iter()
            .chain(&plan.adds)
            .map(|x| x.id.to_string())
            .collect();
        members.sort();
        if let Some(mut g) = self.directory.statsig_group(&m.statsig_group_id).cloned() {
            g.members = members.clone();
            self.directory.upsert_statsig_group(g);
        }
        if let Some(mm) = self.state.mapping_mut(&m.id) {
            mm.status = MappingStatus::Active;
            mm.last_push = Some(now());
            mm.last_counts = Some(PushCounts {
                added: plan.adds.len(),
                removed: plan.removes.len(),
                skipped: plan.skipped.len(),
                requests: plan.request_count(),
            });
            mm.last_pushed_members = members;
            mm.drift = None;
            mm.statsig_group_name = plan.statsig_group_name.clone();
        }
    }

    /// Pushes every mapping in Error again. Returns the ids that still fail.
    pub async fn retry_errors(&mut self) -> Vec<(String, EngineError)> {
        let ids: Vec<String> = self
            .state
            .mappings
            .iter()
            .filter(|m| matches!(m.status, MappingStatus::Error { .. }))
            .map(|m| m.id.clone())
            .collect();
        self.push_many(&ids, 0)
            .await
            .into_iter()
            .filter_map(|(id, r)| r.err().map(|e| (id, e)))
            .collect()
    }

    /// Settles edits made directly in Statsig, as the admin chose. Never done silently.
    pub async fn resolve_drift(
        &mut self,
        mapping_id: &str,
        choice: crate::model::mapping::DriftChoice,
    ) -> Result<(), EngineError> {
        use crate::model::mapping::DriftChoice;
        let m = self.mapping_or_refuse(mapping_id)?;
        let drift = m.drift.clone().unwrap_or_default();
        match choice {
            DriftChoice::Overwrite => {
                // Removing what was added in Statsig is exactly what the admin chose.
                if m.status == MappingStatus::Inactive {
                    self.set_status(mapping_id, MappingStatus::Active)?;
                }
                self.push_confirmed(mapping_id, drift.added_in_statsig.len())
                    .await
                    .map(|_| ())
            }
            DriftChoice::Adopt => {
                let group = self
                    .directory
                    .okta_group(&m.okta_group_id)
                    .cloned()
                    .ok_or_else(|| {
                        refused(format!(
                            "Okta group \"{}\" is not in the imported directory; import again.",
                            m.okta_group_name
                        ))
                    })?;
                if !group.is_editable() {
                    return Err(refused(format!(
                        "Okta group \"{}\" is an {} whose members Okta manages elsewhere; it cannot adopt members.",
                        group.name, group.kind
                    )));
                }
                let mut missing = Vec::new();
                let mut to_add = Vec::new();
                for sid in &drift.added_in_statsig {
                    let email = self
                        .directory
                        .statsig_user(sid)
                        .map(|u| u.user_name.clone())
                        .unwrap_or_else(|| sid.clone());
                    match self.directory.okta_user_by_email(&email) {
                        Some(u) => to_add.push(u.id.clone()),
                        None => missing.push(email),
                    }
                }
                if !missing.is_empty() {
                    return Err(refused(format!(
                        "These members added in Statsig have no Okta account, so the Okta group cannot adopt them: {}. Nothing was changed.",
                        missing.join(", ")
                    )));
                }
                for uid in to_add {
                    if !group.members.contains(&uid) {
                        self.set_okta_member(&group.id, &uid, true).await?;
                    }
                }
                if m.status == MappingStatus::Inactive {
                    self.set_status(mapping_id, MappingStatus::Active)?;
                }
                self.push(mapping_id).await.map(|_| ())
            }
            DriftChoice::Pause => self.set_status(mapping_id, MappingStatus::Inactive),
        }
    }

    /// Pushes a mapping the guard stopped, with `allowed_removals` confirmed.
    pub async fn confirm_removals(
        &mut self,
        mapping_id: &str,
        allowed_removals: usize,
    ) -> Result<PushReport, EngineError> {
        let m = self.mapping_or_refuse(mapping_id)?;
        if matches!(m.status, MappingStatus::NeedsConfirmation { .. }) {
            self.set_status(mapping_id, MappingStatus::Active)?;
        }
        self.push_confirmed(mapping_id, allowed_removals).await
    }

    /// Deactivate (`false`) or activate (`true`) a mapping's push. Activating pushes.
    pub async fn set_active(&mut self, mapping_id: &str, active: bool) -> Result<(), EngineError> {
        self.set_active_confirmed(mapping_id, active, 0).await
    }

    /// Activates with up to `allowed_removals` removals confirmed, or deactivates.
    pub async fn set_active_confirmed(
        &mut self,
        mapping_id: &str,
        active: bool,
        allowed_removals: usize,
    ) -> Result<(), EngineError> {
        self.mapping_or_refuse(mapping_id)?;
        if active {
            self.set_status(mapping_id, MappingStatus::Active)?;
            self.push_confirmed(mapping_id, allowed_removals)
                .await
                .map(|_| ())
        } else {
            self.set_status(mapping_id, MappingStatus::Inactive)
        }
    }

    /// Unlinks a mapping: Delete removes the Statsig group (and so the team); Leave only
    /// stops pushing. No user accounts are touched either way.    ///
    /// Delete needs `confirmation` to be the team's name ([`Self::confirmation_word`]);
    /// otherwise nothing is sent.
    pub async fn unlink(
        &mut self,
        mapping_id: &str,
        how: Unlink,
        confirmation: &str,
    ) -> Result<Mapping, EngineError> {
        let m = self.mapping_or_refuse(mapping_id)?;
        if how == Unlink::Delete {
            let word = self.confirmation_word(mapping_id).unwrap_or_default();
            if confirmation != word {
                return Err(EngineError::NeedsConfirmation(format!(
                    "Unlinking with Delete deletes {} and all its memberships; confirm with the team name \"{word}\". Nothing was deleted.",
                    self.describe_target(&m.statsig_group_id)
                )));
            }
            self.scim.delete_group(&m.statsig_group_id).await?;
            // Deleting a team-role group deletes the team: both its role groups go.
            let team = self
                .directory
                .statsig_group_index(&m.statsig_group_id)
                .and_then(|i| self.directory.parsed(i).reading());
            self.directory.remove_statsig_group(&m.statsig_group_id);
            if let Some(names::NameReading::Team { project, team, .. }) = team {
                for role in Role::ALL {
                    if let Some(id) = self
                        .directory
                        .statsig_group_by_name(&names::team_group_name(&project, &team, role))
                        .map(|g| g.id.clone())
                    {
                        self.directory.remove_statsig_group(&id);
                    }
                }
            }
        }
        self.state.mappings.retain(|x| x.id != mapping_id);
        self.save()?;
        Ok(m)
    }

    /// One watch cycle: asks Okta which groups' memberships changed since the last cycle
    /// (one request, however many groups there are), pushes changed Active mappings, and
    /// re-reads linked Statsig groups in batches to find drift and deleted targets.
    pub async fn watch_once(&mut self) -> Result<WatchReport, EngineError> {
        let mut report = WatchReport::default();
        let started = now();
        let since = self.state.watched_until.clone();
        let changed: BTreeSet<String> = match &since {
            Some(t) => {
                let f = format!(
                    "lastMembershipUpdated gt {}",
                    crate::model::filter::quote(t)
                );
                self.okta
                    .list_groups(Some(&f), None, || {})
                    .await?
                    .into_iter()
                    .map(|g| g.id)
                    .collect()
            }
            // First cycle: everything counts as changed.
            None => self
                .state
                .mappings
                .iter()
                .map(|m| m.okta_group_id.clone())
                .collect(),
        };
        report.okta_groups_changed = changed.len();
        // Statsig side: the linked groups, read with id filters in chunks.
        let linked: Vec<String> = self
            .state
            .mappings
            .iter()
            .map(|m| m.statsig_group_id.clone())
            .collect();
        // The first cycle reads every linked group. Later cycles ask only for groups
        // modified since (with a margin for clock skew) and for the count, which shows
        // whether any group was deleted; only then are the linked groups read to find which.
        let incremental = match &since {
            Some(t) => self.statsig_changes(t).await?,
            None => None,
        };
        let (current, complete, deleted) = match incremental {
            Some((changed, deleted)) => (changed, false, deleted),
            None => (
                self.read_groups_by_id(&linked).await?,
                true,
                BTreeSet::new(),
            ),
        };
        let ids: Vec<String> = self.state.mappings.iter().map(|m| m.id.clone()).collect();
        let mut to_push = Vec::new();
        for id in ids {
            let Some(m) = self.state.mapping(&id).cloned() else {
                continue;
            };
            match current.iter().find(|g| g.id == m.statsig_group_id) {
                // Not among the groups modified lately, and not deleted: nothing new.
                None if !complete && !deleted.contains(&m.statsig_group_id) => {}
                None => {
                    let cause = format!(
                        "Statsig group \"{}\" was deleted in Statsig. Unlink with Leave, then push again with Create to make the team anew.",
                        m.statsig_group_name
                    );
                    if let Some(mm) = self.state.mapping_mut(&id) {
                        mm.status = MappingStatus::Error {
                            at: now(),
                            cause: cause.clone(),
                            request: None,
                        };
                    }
                    self.directory.remove_statsig_group(&m.statsig_group_id);
                    report.errors.push(cause);
                    continue;
                }
                Some(g) => {
                    self.directory.upsert_statsig_group(g.clone());
                    let drift = drift_of(&m.last_pushed_members, &g.members);
                    if let Some(mm) = self.state.mapping_mut(&id) {
                        mm.drift = (!drift.is_empty()).then_some(drift.clone());
                    }
                    if !drift.is_empty() {
                        report.drifted.push(id.clone());
                        // Never overwrite edits made in Statsig silently: the admin decides.
                        continue;
                    }
                }
            }
            if m.status == MappingStatus::Active && changed.contains(&m.okta_group_id) {
                to_push.push(id.clone());
            }
        }
        for (id, r) in self.push_many(&to_push, 0).await {
            match r {
                Ok(_) => report.pushed.push(id),
                Err(EngineError::NeedsConfirmation(_)) => report.needs_confirmation.push(id),
                Err(e) => report.errors.push(e.to_string()),
            }
        }
        self.state.watched_until = Some(started);
        self.save()?;
        Ok(report)
    }

    /// Statsig groups modified since `since` (less five minutes for clock skew), applied
    /// to the directory, and the ids of groups deleted since. Deletions are looked for
    /// (one id-only listing) only when the group count says there were some. `None` when
    /// the server cannot filter on `meta.lastModified`: the caller reads the linked groups.
    async fn statsig_changes(
        &mut self,
        since: &str,
    ) -> Result<Option<(Vec<crate::model::StatsigGroup>, BTreeSet<String>)>, EngineError> {
        let Ok(t) =
            time::OffsetDateTime::parse(since, &time::format_description::well_known::Rfc3339)
        else {
            return Ok(None);
        };
        let from = crate::sandbox::world::format_time(t - time::Duration::minutes(5));
        let f = format!(
            "meta.lastModified gt {}",
            crate::model::filter::quote(&from)
        );
        let raw = match self.scim.list_all("/Groups", &[("filter", f)], None).await {
            Ok(raw) => raw,
            Err(ScimError::Status {
                status: 400 | 501, ..
            }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let mut changed = Vec::new();
        for v in raw {
            let g = crate::scim::decode_group(&v)
                .map_err(|r| refused(format!("Statsig sent an unreadable group: {r}")))?;
            self.directory.upsert_statsig_group(g.clone());
            changed.push(g);
        }
        let total = self.scim.count("/Groups").await?;
        let mut deleted = BTreeSet::new();
        if total != self.directory.statsig_groups.len() {
            let live: BTreeSet<String> = self
                .scim
                .list_all("/Groups", &[("attributes", "id".to_string())], None)
                .await?
                .iter()
                .filter_map(|v| {
                    v.get("id")
                        .and_then(serde_json::Value::as_str)
                        .map(str::to_string)
                })
                .collect();
            deleted = self
                .directory
                .statsig_groups
                .iter()
                .map(|g| g.id.clone())
                .filter(|id| !live.contains(id))
                .collect();
            for id in &deleted {
                self.directory.remove_statsig_group(id);
            }
        }
        Ok(Some((changed, deleted)))
    }

    /// Reads groups by id, 50 to a request with an `or` filter; falls back to one GET per
    /// group where the server does not filter on id.
    async fn read_groups_by_id(
        &self,
        ids: &[String],
    ) -> Result<Vec<crate::model::StatsigGroup>, EngineError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(50) {
            let f = chunk
                .iter()
                .map(|id| crate::model::filter::eq("id", id))
                .collect::<Vec<_>>()
                .join(" or ");
            match self.scim.list_all("/Groups", &[("filter", f)], None).await {
                Ok(raw) => {
                    for v in raw {
                        out.push(crate::scim::decode_group(&v).map_err(|r| {
                            refused(format!("Statsig sent an unreadable group: {r}"))
                        })?);
                    }
                }
                Err(ScimError::Status {
                    status: 400 | 501, ..
                }) => {
                    for id in chunk {
                        match self.scim.get_group(id).await {
                            Ok(g) => out.push(g),
                            Err(e) if e.is_not_found() => {}
                            Err(e) => return Err(e.into()),
                        }
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(out)
    }

    /// A snapshot of what the workspace holds now.
    pub fn snapshot(&self, demo: bool) -> crate::model::snapshot::Snapshot {
        // The demo's sandbox listens on a new port each run: its URLs say nothing.
        let url = |u: &str| {
            if demo {
                "demo sandbox".to_string()
            } else {
                u.to_string()
            }
        };
        let source = crate::model::snapshot::Source {
            statsig_url: url(&self.conn.statsig_url),
            okta_url: url(&self.conn.okta_url),
            demo,
        };
        crate::model::snapshot::Snapshot::capture(
            &now(),
            source,
            &self.directory,
            &self.state.mappings,
        )
    }

    /// Sets how the projects are known (the settings' list) and re-reads names.
    pub fn set_projects(&mut self, projects: Vec<String>) {
        self.conn.projects = projects.clone();
        if !projects.is_empty() {
            self.directory.projects = projects;
            self.directory.reindex();
        }
    }
}

/// Reads the SCIM server's configuration: the PATCH size it allows (`None`: it does not
/// say), or a refusal when it does not support PATCH at all.
async fn server_limits(scim: &ScimClient) -> Result<Option<usize>, EngineError> {
    let spc = match scim.service_provider_config().await {
        Ok(v) => v,
        // A server without the endpoint announces nothing; keep the chosen size.
        Err(e) if e.is_not_found() => serde_json::Value::Null,
        Err(e) => return Err(e.into()),
    };
    if spc
        .pointer("/patch/supported")
        .and_then(serde_json::Value::as_bool)
        == Some(false)
    {
        return Err(refused(format!(
            "The SCIM server at {} says it does not support PATCH, which membership pushes need.",
            scim.base_url()
        )));
    }
    Ok(server_patch_cap(&spc))
}

/// The most membership changes one request may carry, as far as the server says: the
/// largest list it serves (`filter.maxResults`) and, when it takes bulk requests, its
/// `bulk.maxOperations`. SCIM has no field for PATCH size itself.
pub fn server_patch_cap(spc: &serde_json::Value) -> Option<usize> {
    let num = |p: &str| {
        spc.pointer(p)
            .and_then(serde_json::Value::as_u64)
            .filter(|n| *n > 0)
            .map(|n| n as usize)
    };
    let bulk = (spc
        .pointer("/bulk/supported")
        .and_then(serde_json::Value::as_bool)
        == Some(true))
    .then(|| num("/bulk/maxOperations"))
    .flatten();
    [num("/filter/maxResults"), bulk]
        .into_iter()
        .flatten()
        .min()
}

/// A failure after which the server may or may not have applied the request.
fn is_ambiguous(e: &ScimError) -> bool {
    match e {
        ScimError::Transport { .. } | ScimError::Decode { .. } => true,
        ScimError::Status { status, .. } => matches!(status, 500 | 502 | 504),
        _ => false,
    }
}

fn drift_of(last_pushed: &[String], now: &[String]) -> Drift {
    let before: BTreeSet<&String> = last_pushed.iter().collect();
    let after: BTreeSet<&String> = now.iter().collect();
    Drift {
        added_in_statsig: after.difference(&before).map(|s| s.to_string()).collect(),
        removed_in_statsig: before.difference(&after).map(|s| s.to_string()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_patch_cap_comes_from_what_the_server_announces() {
        assert_eq!(
            server_patch_cap(&json!({"filter": {"supported": true, "maxResults": 200}})),
            Some(200)
        );
        assert_eq!(
            server_patch_cap(
                &json!({"filter": {"maxResults": 200}, "bulk": {"supported": true, "maxOperations": 50}})
            ),
            Some(50)
        );
        assert_eq!(
            server_patch_cap(
                &json!({"filter": {"maxResults": 200}, "bulk": {"supported": false, "maxOperations": 0}})
            ),
            Some(200)
        );
        assert_eq!(server_patch_cap(&json!({})), None);
        assert_eq!(server_patch_cap(&serde_json::Value::Null), None);
    }

    #[test]
    fn drift_is_what_changed_in_statsig() {
        let d = drift_of(&["a".into(), "b".into()], &["b".into(), "c".into()]);
        assert_eq!(d.added_in_statsig, vec!["c".to_string()]);
        assert_eq!(d.removed_in_statsig, vec!["a".to_string()]);
    }
}
