//! The workspace: one connection (Okta org + Statsig SCIM endpoint), the imported
//! directory and the persisted mappings, with every step of the push workflow as an async
//! method. The rules are checked here, once, before any backend sends anything; the
//! backend decides how a mapping is pushed. The CLI calls it directly; the app through
//! the engine's command loop.

pub mod cache;
mod groups;
pub mod history;
mod import;
pub mod journal;
pub mod mode;
mod pending;
mod progress;
pub mod push_mode;
pub mod push_rules;
mod reports;
pub mod restore;
mod watching;

use super::core::Core;
pub use progress::ImportProgress;
pub use push_mode::{ModeReport, PushMode};
pub use push_rules::{RuleApplied, RuleStore};
pub use reports::{Activation, Made, Named, Pushed, Retried, Unlinked};
pub use restore::RestoreDone;

use super::backend::{Outcomes, PushBackend, PushReport, Unlink};
use super::connection::{Connection, PushModeChoice};
use super::error::{EngineError, Result};
use super::state::{Mapping, MappingStatus, State, StateStore};
use crate::model::Directory;
use crate::model::plan::Plan;
use crate::model::rules;
use crate::net::{CancelToken, Observer, RetryPolicy};
use crate::okta::OktaClient;
use crate::scim::ScimClient;
use std::sync::Arc;

/// Who pushes: the backend, and how it was chosen (see `mode.rs`).
struct Pusher {
    backend: Arc<dyn PushBackend>,
    report: ModeReport,
}

/// One connection's workspace.
pub struct Workspace {
    core: Core,
    /// Who pushes, once settled (at the first import, or the first step that needs it):
    /// the backend, and how it was chosen. The one place the mode is kept.
    pusher: Option<Pusher>,
    /// The backend the program chose ([`Self::push_with`]), which then always pushes.
    chosen: Option<Arc<dyn PushBackend>>,
    rules: RuleStore,
    /// In Direct push: the Statsig app's imported groups in Okta (never push sources).
    app_groups: Vec<crate::model::okta_app::AppGroup>,
    /// The cached directory shown and not refreshed yet (the next import reads what
    /// changed since).
    warm: Option<progress::Warm>,
    /// Keep the directory for the next start after each import.
    keep_cache: bool,
    /// Okta groups whose members an import is still reading (see `import.rs`).
    pending: Option<pending::Pending>,
    /// What the last watch cycle saw, so each change is told once (see `watching.rs`).
    seen: Option<crate::model::watch_events::Seen>,
}

impl Workspace {
    /// Connects (nothing is sent yet) and loads the saved mappings. The second value is a
    /// warning about the state file, if any. Requests end when `cancel` is set.
    pub fn open(
        conn: Connection,
        store: StateStore,
        policy: RetryPolicy,
        observer: Arc<dyn Observer>,
    ) -> Result<(Self, Option<String>)> {
        Self::open_with(conn, store, policy, observer, CancelToken::default())
    }

    /// [`Self::open`] with the job's cancel flag.
    pub fn open_with(
        conn: Connection,
        store: StateStore,
        policy: RetryPolicy,
        observer: Arc<dyn Observer>,
        cancel: CancelToken,
    ) -> Result<(Self, Option<String>)> {
        // Okta push reads Statsig only for previews and verify: it may go without it.
        let scim = if conn.has_statsig() || conn.push_mode != PushModeChoice::Okta {
            Some(ScimClient::with_cancel(
                &conn.statsig_url,
                conn.statsig_token.clone(),
                policy.clone(),
                observer.clone(),
                cancel.clone(),
            )?)
        } else {
            None
        };
        let okta = OktaClient::with_cancel(
            &conn.okta_url,
            conn.okta_token.clone(),
            policy,
            observer,
            cancel.clone(),
        )?;
        let loaded = store.load();
        let folder = store
            .path()
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        // An unreadable rules file is left as it is: saving a rule refuses until it is fixed.
        let (rules, warning) = match RuleStore::open(&folder) {
            Ok(r) => (r, loaded.warning),
            Err(e) => (
                RuleStore::empty(&folder),
                Some(loaded.warning.map_or(e.to_string(), |w| format!("{w} {e}"))),
            ),
        };
        let mut core = Core::new(conn, scim, okta, loaded.state, store, cancel);
        // A push cut short by a crash is re-planned from fresh reads at the next push. A
        // push another process is running right now holds the lock and is left alone.
        let nobody_pushing = core.store().try_lock_push().ok().flatten();
        let mut resumed = false;
        for m in &mut core.state_mut().mappings {
            if m.status == MappingStatus::Pushing && nobody_pushing.is_some() {
                m.status = MappingStatus::Error {
                    at: crate::clock::now(),
                    cause: "the app stopped during a push; push again to finish it (the plan is made from fresh reads)".into(),
                    request: None,
                    fix: None,
                };
                resumed = true;
            }
        }
        drop(nobody_pushing);
        if resumed {
            core.save()?;
        }
        let ws = Workspace {
            core,
            pusher: None,
            chosen: None,
            app_groups: Vec::new(),
            warm: None,
            keep_cache: false,
            rules,
            pending: None,
            seen: None,
        };
        Ok((ws, warning))
    }

    /// The registration point for a push backend of the program's own: from now on
    /// `backend` pushes for this workspace, whatever the connection's push mode says (its
    /// mode reads as the backend's name). The app and the command line never call it: they
    /// push as the connection's mode settles (see `mode.rs`).
    pub fn push_with(&mut self, backend: Arc<dyn PushBackend>) {
        self.chosen = Some(backend);
        self.pusher = None;
    }

    /// How the views speak of who pushes, when the backend steers another service's
    /// pushes (`None` before who pushes is settled, or when the app pushes itself).
    pub fn steered(&self) -> Option<super::backend::Steered> {
        self.pusher.as_ref().and_then(|p| p.backend.steered())
    }

    /// Who carries out what the app asks, when another service does ("Okta").
    fn by(&self) -> Option<&'static str> {
        self.steered().map(|s| s.who)
    }

    /// The imported directory.
    pub fn directory(&self) -> &Directory {
        self.core.directory()
    }

    /// The directory to hand to another thread: shared, not copied.
    pub fn shared_directory(&self) -> Arc<Directory> {
        self.core.shared_directory()
    }

    /// Bumped by every change of the directory.
    pub fn generation(&self) -> u64 {
        self.core.generation()
    }

    /// The persisted state.
    pub fn state(&self) -> &State {
        self.core.state()
    }

    /// The mappings.
    pub fn mappings(&self) -> &[Mapping] {
        &self.core.state().mappings
    }

    /// The connection.
    pub fn connection(&self) -> &Connection {
        self.core.conn()
    }

    /// Membership changes per PATCH, as the server allows.
    pub fn batch_size(&self) -> usize {
        self.core.batch_size()
    }

    /// The job's cancel flag.
    pub fn cancel_token(&self) -> &CancelToken {
        self.core.cancel()
    }

    /// The Statsig SCIM client, when Statsig is configured.
    pub fn scim(&self) -> Result<&ScimClient> {
        self.core.scim()
    }

    /// Re-reads the mappings when another run of the app changed them; true when it did.
    pub fn sync(&mut self) -> bool {
        self.core.sync()
    }

    /// Whether another run of the app is pushing right now.
    pub fn someone_else_pushing(&self) -> bool {
        self.core.store().is_push_locked()
    }

    /// The plan for pushing `okta_group_id` into `statsig_group_id`, from the imported data.
    pub fn plan(&self, okta_group_id: &str, statsig_group_id: &str) -> Result<Plan> {
        self.core.plan(okta_group_id, statsig_group_id)
    }

    /// "team \"Payments\" (Member) in project \"Checkout\"", or the group's name.
    pub fn describe_target(&self, statsig_group_id: &str) -> String {
        self.core
            .describe_target(statsig_group_id, statsig_group_id)
    }

    /// The word an admin types to confirm deleting a mapping's team: the team's name.
    pub fn confirmation_word(&self, mapping_id: &str) -> Option<String> {
        let m = self.core.state().mapping(mapping_id)?;
        Some(rules::confirmation_word(
            self.directory(),
            &m.statsig_group_id,
            &m.statsig_group_name,
        ))
    }

    /// Checks that `okta_group_id` → `statsig_group_id` may become a mapping.
    pub fn check_link(&self, okta_group_id: &str, statsig_group_id: &str) -> Result<()> {
        rules::check_link(
            self.directory(),
            self.mappings(),
            okta_group_id,
            statsig_group_id,
        )?;
        // One pusher per team: never push where the other mode already pushes.
        if let Some(g) = self.directory().statsig_group(statsig_group_id)
            && let Some(other) = self.core.other_pusher_of(&g.display_name)
        {
            return Err(super::error::refused(other.refusal()));
        }
        // A mapping is only made where its plan can be made (and shown) first.
        self.core.plan(okta_group_id, statsig_group_id)?;
        Ok(())
    }

    /// The other pusher of a Statsig group, when another mode pushes into it.
    pub fn other_pusher_of(&self, statsig_group_name: &str) -> Option<&super::core::OtherPusher> {
        self.core.other_pusher_of(statsig_group_name)
    }

    /// Uses `app_id` as the Statsig app in Okta, then imports again.
    pub async fn choose_app(&mut self, app_id: &str) -> Result<()> {
        self.core.conn_mut().okta_app_id = Some(app_id.to_string());
        if self.core.conn().push_mode == PushModeChoice::Direct {
            self.core.conn_mut().push_mode = PushModeChoice::Auto;
        }
        self.pusher = None;
        self.core.set_other_pushers(Vec::new());
        let direct =
            super::state::StateStore::new(self.core.store().path().with_file_name("state.json"));
        self.core.switch_store(direct)?;
        self.core.set_other_pushers(Vec::new());
        self.import(|_| {}).await?;
        Ok(())
    }

    /// The sandbox's *Import Now* for the Statsig app (real Okta has no API for it):
    /// how many groups were new.
    pub async fn sandbox_import_now(&mut self) -> Result<usize> {
        let Some(app) = self.push_mode().app().cloned() else {
            return Err(super::error::refused(
                "Import Now needs Okta push with its Statsig app found.",
            ));
        };
        match self.core.okta().sandbox_import_now(&app.id).await {
            Ok(n) => Ok(n),
            Err(e) if e.status() == Some(404) => Err(super::error::refused(format!(
                "Okta has no API for Import Now; in Okta, open Applications > {} > Import and click Import Now. (This step works against the sandbox only.)",
                app.label
            ))),
            Err(e) => Err(e.into()),
        }
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
    ) -> Result<Mapping> {
        self.settle_mode().await?;
        self.check_link(okta_group_id, statsig_group_id)?;
        let (core, backend) = self.backend()?;
        let made = backend
            .link(
                core,
                okta_group_id,
                statsig_group_id,
                push_now,
                allowed_removals,
            )
            .await;
        let target = self.describe_target(statsig_group_id);
        self.record_made("link", okta_group_id, &target, &made);
        made
    }

    /// "Link group" with no removals confirmed beyond what the guard lets through.
    pub async fn link(
        &mut self,
        okta_group_id: &str,
        statsig_group_id: &str,
        push_now: bool,
    ) -> Result<Mapping> {
        self.link_confirmed(okta_group_id, statsig_group_id, push_now, 0)
            .await
    }

    /// "Link group" for many pairs at once (each checked first); each outcome in order.
    /// `report` gets done, total, and the time left when Okta's rate limit tells it.
    pub async fn link_many(
        &mut self,
        pairs: &[(String, String)],
        push_now: bool,
        allowed_removals: usize,
        report: super::backend::Report<'_>,
    ) -> Vec<Result<Mapping>> {
        if let Err(e) = self.settle_mode().await {
            return pairs.iter().map(|_| Err(e.clone())).collect();
        }
        let mut checked = Vec::new();
        let mut out: Vec<Option<Result<Mapping>>> = Vec::with_capacity(pairs.len());
        for (okta, statsig) in pairs {
            match self.check_link(okta, statsig) {
                Ok(()) => {
                    checked.push((okta.clone(), statsig.clone()));
                    out.push(None);
                }
                Err(e) => out.push(Some(Err(e))),
            }
        }
        let mut done = match self.backend() {
            Ok((core, backend)) => {
                backend
                    .link_many(core, &checked, push_now, allowed_removals, report)
                    .await
            }
            Err(e) => checked.iter().map(|_| Err(e.clone())).collect(),
        }
        .into_iter();
        let made: Vec<Result<Mapping>> = out
            .into_iter()
            .map(|o| o.unwrap_or_else(|| done.next().unwrap_or(Err(EngineError::Cancelled))))
            .collect();
        let entries = pairs
            .iter()
            .zip(&made)
            .map(|((okta, statsig), m)| {
                self.made_entry("link", okta, &self.describe_target(statsig), m)
            })
            .collect();
        self.push_journal_add(entries);
        made
    }

    /// Validates a new team's group name (`Statsig-<Project>-<Team>-Member`).
    pub fn validate_create(&self, project: &str, team: &str) -> Result<String> {
        Ok(rules::unclaimed_team_name(
            self.directory(),
            self.mappings(),
            project,
            team,
        )?)
    }

    /// "Create group": creates the team in Statsig, links the Okta group to its Member
    /// group, then pushes when `push_now`.
    pub async fn create(
        &mut self,
        okta_group_id: &str,
        project: &str,
        team: &str,
        push_now: bool,
    ) -> Result<Mapping> {
        self.settle_mode().await?;
        let name = rules::check_create(
            self.directory(),
            self.mappings(),
            okta_group_id,
            project,
            team,
        )?;
        // A mapping is only made where its plan can be made (and shown) first.
        crate::model::plan::desired_members(self.directory(), okta_group_id)?;
        // The directory may be older than the team: one of that name made since (Okta's
        // push of an earlier Create, or someone in Statsig) is asked for by name first, as
        // Okta would push into it, replacing its members, instead of making a new team.
        let found = match self.core.scim() {
            Ok(scim) => scim.find_group(&name).await?,
            Err(_) => None,
        };
        if let Some(g) = found {
            let taken = g.display_name.clone();
            self.core.dir_mut().upsert_statsig_group(g);
            return Err(rules::RuleError::TeamExists(taken).into());
        }
        let (core, backend) = self.backend()?;
        let made = backend.create(core, okta_group_id, &name, push_now).await;
        self.record_made("create", okta_group_id, &name, &made);
        made
    }

    /// "Push now" with no removals confirmed beyond what the deletion guard lets through.
    pub async fn push(&mut self, mapping_id: &str) -> Result<PushReport> {
        self.push_confirmed(mapping_id, 0).await
    }

    /// "Push now" with up to `allowed_removals` removals confirmed.
    pub async fn push_confirmed(
        &mut self,
        mapping_id: &str,
        allowed_removals: usize,
    ) -> Result<PushReport> {
        self.settle_mode().await?;
        let ids = [mapping_id.to_string()];
        let (core, backend) = self.backend()?;
        let mut out = backend.push(core, &ids, allowed_removals).await;
        self.record_pushes(&out);
        match out.pop() {
            Some((_, r)) => r,
            None => Err(super::error::refused(format!(
                "There is no mapping {mapping_id}."
            ))),
        }
    }

    /// Pushes several mappings at once, with the fewest requests; each mapping's outcome.
    pub async fn push_many(&mut self, ids: &[String], allowed_removals: usize) -> Outcomes {
        let settled = self.settle_mode().await;
        if ids.is_empty() {
            return Vec::new();
        }
        let out = match settled.and_then(|()| self.backend()) {
            Ok((core, backend)) => backend.push(core, ids, allowed_removals).await,
            Err(e) => ids.iter().map(|id| (id.clone(), Err(e.clone()))).collect(),
        };
        self.record_pushes(&out);
        out
    }

    /// Pushes a mapping the guard stopped, with `allowed_removals` confirmed.
    pub async fn confirm_removals(
        &mut self,
        mapping_id: &str,
        allowed_removals: usize,
    ) -> Result<PushReport> {
        self.settle_mode().await?;
        let m = self.core.mapping(mapping_id)?;
        // An error a push cannot fix is not pushed again (in Okta push that would only
        // re-activate the mapping, and Okta fail the same way).
        if let MappingStatus::Error { fix: Some(fix), .. } = &m.status {
            return Err(super::error::refused(format!(
                "{} is not pushed again: {fix}",
                m.okta_group_name
            )));
        }
        if matches!(m.status, MappingStatus::NeedsConfirmation { .. }) {
            self.core.set_status(mapping_id, MappingStatus::Active)?;
        }
        self.push_confirmed(mapping_id, allowed_removals).await
    }

    /// Pushes again every mapping in Error that a retry may fix; those that need a change
    /// first (a name Statsig refuses, a deleted team) are skipped with what to change.
    pub async fn retry_errors(&mut self) -> Retried {
        let mut retried = Retried::default();
        let mut ids = Vec::new();
        for m in self.mappings() {
            match &m.status {
                MappingStatus::Error { fix: Some(fix), .. } => {
                    retried.skipped.push((self.named(&m.id), fix.clone()));
                }
                MappingStatus::Error { .. } => ids.push(m.id.clone()),
                _ => {}
            }
        }
        let outcomes = self.push_many(&ids, 0).await;
        retried.by = self.by();
        for (id, r) in outcomes {
            let m = self.named(&id);
            match r {
                Ok(_) => retried.pushed.push(m),
                Err(e) => retried.failed.push((m, e)),
            }
        }
        retried
    }

    /// A mapping as a report names it.
    fn named(&self, id: &str) -> Named {
        Named {
            id: id.to_string(),
            name: self.mapping_name(id),
        }
    }

    /// Deactivate (`false`) or activate (`true`) a mapping's push. Activating pushes.
    pub async fn set_active(&mut self, mapping_id: &str, active: bool) -> Result<Activation> {
        self.set_active_confirmed(mapping_id, active, 0).await
    }

    /// Activates with up to `allowed_removals` removals confirmed, or deactivates.
    pub async fn set_active_confirmed(
        &mut self,
        mapping_id: &str,
        active: bool,
        allowed_removals: usize,
    ) -> Result<Activation> {
        self.settle_mode().await?;
        let (core, backend) = self.backend()?;
        let done = backend
            .set_active(core, mapping_id, active, allowed_removals)
            .await;
        let action = if active { "activate" } else { "deactivate" };
        let word = if active { "activated" } else { "deactivated" };
        self.record_step(action, mapping_id, None, done.as_ref().map(|_| word.into()));
        done?;
        Ok(Activation {
            name: self.mapping_name(mapping_id),
            active,
            by: self.by(),
        })
    }

    /// Unlinks a mapping: Delete removes the Statsig group (and so the team); Leave only
    /// stops pushing. No user accounts are touched either way.
    ///
    /// Delete needs `confirmation` to be the team's name ([`Self::confirmation_word`]);
    /// otherwise nothing is sent.
    pub async fn unlink(
        &mut self,
        mapping_id: &str,
        how: Unlink,
        confirmation: &str,
    ) -> Result<Mapping> {
        self.settle_mode().await?;
        let m = self.core.mapping(mapping_id)?;
        if how == Unlink::Delete {
            let word = rules::confirmation_word(
                self.directory(),
                &m.statsig_group_id,
                &m.statsig_group_name,
            );
            if confirmation != word {
                return Err(EngineError::NotConfirmed {
                    target: rules::describe_deletion(
                        self.directory(),
                        &m.statsig_group_id,
                        &m.statsig_group_name,
                    ),
                    word,
                });
            }
        }
        let (core, backend) = self.backend()?;
        let done = backend.unlink(core, mapping_id, how).await;
        let said = match how {
            Unlink::Delete => "unlinked; the Statsig group is deleted",
            Unlink::Leave => "unlinked; the Statsig group is left as it is",
        };
        self.record_step(
            "unlink",
            mapping_id,
            Some(&m),
            done.as_ref().map(|_| said.into()),
        );
        done
    }

    /// The backend that pushes, with the shared core it works on. Every step that goes
    /// through the backend settles who pushes first (`settle_mode`); before that there is
    /// no backend, and nothing answers for one.
    fn backend(&mut self) -> Result<(&mut Core, &dyn PushBackend)> {
        match &self.pusher {
            Some(p) => Ok((&mut self.core, p.backend.as_ref())),
            None => Err(super::error::interrupted(
                "Who pushes is not settled yet (the Statsig app was not looked up); try again.",
            )),
        }
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
            statsig_url: url(&self.core.conn().statsig_url),
            okta_url: url(&self.core.conn().okta_url),
            demo,
        };
        crate::model::snapshot::Snapshot::capture(
            &crate::clock::now(),
            source,
            self.directory(),
            self.mappings(),
        )
        .with_rules(self.rules())
    }
}
