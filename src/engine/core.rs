//! What every push backend shares: the clients, the imported directory (shared with the
//! UI, copied on write), the mappings and their file, and the helpers every step uses.

use crate::engine::connection::Connection;
use crate::engine::error::{EngineError, Result, refused};
use crate::engine::state::{Mapping, MappingStatus, PushAction, PushCounts, State, StateStore};
use crate::model::Directory;
use crate::model::hold::{self, Cut};
use crate::model::plan::{self, Plan};
use crate::model::rules;
use crate::net::CancelToken;
use crate::okta::OktaClient;
use crate::scim::ScimClient;
use std::sync::Arc;

/// Statsig's clock may differ from ours: "modified since" asks this much earlier.
const STATSIG_SKEW_MINUTES: i64 = 5;

/// Why a group could not be read again.
#[derive(Debug)]
pub enum Gone {
    /// The Statsig group no longer exists: its name, and the request that found it gone.
    Statsig(String, Option<String>),
    /// The Okta group no longer exists: its name (its id when not known).
    Okta(String),
    /// The read failed.
    Failed(EngineError),
}

impl From<Gone> for EngineError {
    fn from(g: Gone) -> Self {
        match g {
            Gone::Statsig(name, request) => EngineError::TargetGone { name, request },
            Gone::Okta(name) => EngineError::SourceGone { name },
            Gone::Failed(e) => e,
        }
    }
}

/// The shared part of a workspace: what every push backend works on, through its methods
/// (its fields are its own). Backends import it from here, never from `workspace`.
pub struct Core {
    /// The connection.
    conn: Connection,
    /// Statsig's SCIM API; `None` in Okta push without a Statsig token.
    statsig: Option<ScimClient>,
    /// Okta's Management API.
    okta: OktaClient,
    directory: Arc<Directory>,
    generation: u64,
    /// The mappings.
    state: State,
    store: StateStore,
    /// The running job's cancel flag.
    cancel: CancelToken,
    /// Teams another pusher feeds.
    other_pushers: Vec<OtherPusher>,
}

impl Core {
    /// The connection.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The connection, to change (the Statsig app chosen, the push mode).
    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Okta's Management API.
    pub fn okta(&self) -> &OktaClient {
        &self.okta
    }

    /// The mappings, as last loaded or changed.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The mappings, to change (the caller saves).
    pub fn state_mut(&mut self) -> &mut State {
        &mut self.state
    }

    /// The running job's cancel flag.
    pub fn cancel(&self) -> &CancelToken {
        &self.cancel
    }

    /// Teams another pusher feeds.
    pub fn other_pushers(&self) -> &[OtherPusher] {
        &self.other_pushers
    }

    /// Sets the teams another pusher feeds (found when the mode is settled).
    pub fn set_other_pushers(&mut self, pushers: Vec<OtherPusher>) {
        self.other_pushers = pushers;
    }

    /// A core over `state`, loaded from `store`.
    pub fn new(
        conn: Connection,
        scim: Option<ScimClient>,
        okta: OktaClient,
        state: State,
        store: StateStore,
        cancel: CancelToken,
    ) -> Self {
        Core {
            conn,
            statsig: scim,
            okta,
            directory: Arc::default(),
            generation: 0,
            state,
            store,
            cancel,
            other_pushers: Vec::new(),
        }
    }

    /// Moves to another mappings file (Okta push keeps Okta's mappings apart from the
    /// app's own): the mappings left behind become other pushers' teams.
    pub fn switch_store(&mut self, store: StateStore) -> Result<()> {
        self.other_pushers = self
            .state
            .mappings
            .iter()
            .filter(|m| m.status != MappingStatus::Inactive)
            .map(|m| OtherPusher {
                mapping_id: m.id.clone(),
                okta_group_id: m.okta_group_id.clone(),
                target_name: m.statsig_group_name.clone(),
                by: "this app's Direct push".into(),
            })
            .collect();
        let loaded = store.load();
        self.store = store;
        self.state = loaded.state;
        Ok(())
    }

    /// The other pusher of the Statsig group named `name`, if one feeds it.
    pub fn other_pusher_of(&self, name: &str) -> Option<&OtherPusher> {
        other_pusher_of(&self.other_pushers, name)
    }

    /// Statsig's SCIM API, or the refusal of a step that needs it.
    pub fn scim(&self) -> Result<&ScimClient> {
        self.statsig.as_ref().ok_or_else(|| {
            refused(
                "This step reads Statsig, and no Statsig SCIM URL and token are set. Okta push works without them; add them in Settings for previews, verify and drift.",
            )
        })
    }

    /// Whether Statsig's SCIM API is configured.
    pub fn has_statsig(&self) -> bool {
        self.statsig.is_some()
    }

    /// Membership changes per PATCH (Okta's 100 when Statsig is not read).
    pub fn batch_size(&self) -> usize {
        self.statsig
            .as_ref()
            .map_or(plan::DEFAULT_BATCH_SIZE, ScimClient::batch_size)
    }

    /// The imported directory.
    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    /// The directory to hand to another thread: shared, not copied.
    pub fn shared_directory(&self) -> Arc<Directory> {
        self.directory.clone()
    }

    /// Bumped by every change of the directory.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The directory, to change. Parts someone else still holds are copied first.
    pub fn dir_mut(&mut self) -> &mut Directory {
        self.generation += 1;
        Arc::make_mut(&mut self.directory)
    }

    /// Replaces the directory (after an import).
    pub fn set_directory(&mut self, directory: Directory) {
        self.generation += 1;
        self.directory = Arc::new(directory);
    }

    /// The state file.
    pub fn store(&self) -> &StateStore {
        &self.store
    }

    /// Saves the mappings; never over what another run saved since.
    pub fn save(&mut self) -> Result<()> {
        match self.store.save(&mut self.state) {
            Ok(()) => Ok(()),
            Err(e) => {
                // Keep what the other run saved, so the next try starts from it.
                if matches!(e, crate::engine::state::StoreError::Conflict { .. }) {
                    self.reload();
                }
                Err(e.into())
            }
        }
    }

    /// Re-reads the mappings when another run changed them; true when it did.
    pub fn sync(&mut self) -> bool {
        if !self.store.changed_on_disk() {
            return false;
        }
        let before = self.state.clone();
        self.reload();
        self.state != before
    }

    fn reload(&mut self) {
        let loaded = self.store.load();
        if loaded.warning.is_none() {
            self.state = loaded.state;
        }
    }

    /// The mapping `id`, or a refusal naming it.
    pub fn mapping(&self, id: &str) -> Result<Mapping> {
        self.state
            .mapping(id)
            .cloned()
            .ok_or_else(|| refused(format!("There is no mapping {id}.")))
    }

    /// Sets a mapping's status and saves.
    pub fn set_status(&mut self, id: &str, status: MappingStatus) -> Result<()> {
        if let Some(m) = self.state.mapping_mut(id) {
            m.status = status;
        }
        self.save()
    }

    /// The plan for pushing `okta_group_id` into `statsig_group_id`, from the directory.
    pub fn plan(&self, okta_group_id: &str, statsig_group_id: &str) -> Result<Plan> {
        Ok(plan::plan_push(
            &self.directory,
            okta_group_id,
            statsig_group_id,
            self.batch_size(),
        )?)
    }

    /// "team \"Payments\" (Member) in project \"Checkout\"", or the group's name.
    pub fn describe_target(&self, statsig_group_id: &str, fallback: &str) -> String {
        rules::describe_target(&self.directory, statsig_group_id, fallback)
    }

    /// Stops `plan` when the deletion guard would, unless `allowed_removals` cover it.
    pub fn check_guard(
        &self,
        plan: &Plan,
        okta_group: &str,
        allowed_removals: usize,
    ) -> Result<()> {
        match rules::check_guard(
            self.conn.guard,
            &self.directory,
            plan,
            okta_group,
            allowed_removals,
        ) {
            Some(stop) => Err(EngineError::NeedsConfirmation(Box::new(stop))),
            None => Ok(()),
        }
    }

    /// A new mapping with a never-reused id, named from the directory.
    pub fn new_mapping(
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
            created: crate::clock::now(),
            last_push: None,
            last_counts: None,
            last_pushed_members: Vec::new(),
            drift: None,
            remote: None,
        }
    }

    /// Adds a mapping and saves.
    pub fn add_mapping(&mut self, mapping: Mapping) -> Result<()> {
        self.state.mappings.push(mapping);
        self.save()
    }

    /// The status a failure leaves: Needs confirmation for the guard, else Error with the
    /// time, cause, failing request and, when a retry cannot work, what to change.
    pub fn failure_status(&self, e: &EngineError) -> MappingStatus {
        match e {
            EngineError::NeedsConfirmation(stop) => MappingStatus::NeedsConfirmation {
                at: crate::clock::now(),
                removals: stop.removals,
                members: stop.members,
                names: stop.names.clone(),
            },
            _ => MappingStatus::Error {
                at: crate::clock::now(),
                cause: e.to_string(),
                request: e.request(),
                fix: e.next_step().fix(),
            },
        }
    }

    /// Marks a mapping failed (in memory; the caller saves).
    pub fn mark_failed(&mut self, id: &str, e: &EngineError) {
        let status = self.failure_status(e);
        if let Some(m) = self.state.mapping_mut(id) {
            m.status = status;
        }
    }

    /// Cuts a fresh plan for a push of `m`: edits made in Statsig are held unless the
    /// admin chose to overwrite them, the guard judges the removals (see `model::hold`).
    pub fn cut(&self, m: &Mapping, plan: Plan, allowed: hold::Allowed<'_>) -> Cut {
        hold::cut(
            self.conn.guard,
            &self.directory,
            plan,
            &m.okta_group_name,
            &m.last_pushed_members,
            allowed,
        )
    }

    /// Records a finished push: what Statsig now has, what the next push compares with,
    /// and the edits made in Statsig that stay open.
    pub fn record_push(&mut self, m: &Mapping, cut: &Cut) {
        let plan = &cut.send;
        if let Some(mut g) = self.directory.statsig_group(&m.statsig_group_id).cloned() {
            g.members = cut.after.clone();
            self.dir_mut().upsert_statsig_group(g);
        }
        if let Some(mm) = self.state.mapping_mut(&m.id) {
            mm.status = MappingStatus::Active;
            mm.last_push = Some(crate::clock::now());
            mm.last_counts = Some(PushCounts {
                added: plan.adds.len(),
                removed: plan.removes.len(),
                skipped: plan.skipped.len(),
                requests: plan.request_count(),
            });
            mm.last_pushed_members = cut.baseline.clone();
            mm.drift = (!cut.drift.is_empty()).then(|| cut.drift.clone());
            mm.statsig_group_name = plan.statsig_group_name.clone();
        }
    }

    /// Finds the edits made in Statsig on mapping `id` from the directory as it is (both
    /// groups as last read), and records them; true when there are any.
    pub fn note_drift(&mut self, id: &str) -> bool {
        let Some(m) = self.state.mapping(id) else {
            return false;
        };
        if m.remote.is_some() {
            return m.drift.is_some();
        }
        let Ok(plan) = self.plan(&m.okta_group_id, &m.statsig_group_id) else {
            // Not comparable now (members still being read): what was found stays.
            return m.drift.is_some();
        };
        let found = hold::drift(&plan, &m.last_pushed_members);
        let found = (!found.is_empty()).then_some(found);
        let open = found.is_some();
        if let Some(mm) = self.state.mapping_mut(id) {
            mm.drift = found;
        }
        open
    }

    /// Each person of a drift by email, with what was done in Statsig.
    pub fn describe_drift(&self, d: &crate::model::mapping::Drift) -> Vec<String> {
        hold::people(&self.directory, d)
    }

    /// The refusal for a Statsig group that is gone, found by `request`.
    pub fn target_gone(name: &str, request: Option<String>) -> EngineError {
        EngineError::TargetGone {
            name: name.to_string(),
            request,
        }
    }

    /// Re-reads one mapping's two groups, so a plan is made from fresh data.
    pub async fn refresh_pair(&mut self, m: &Mapping) -> Result<()> {
        match self
            .refresh_groups(&m.okta_group_id, &m.statsig_group_id)
            .await
        {
            Err(Gone::Statsig(_, request)) => {
                Err(Self::target_gone(&m.statsig_group_name, request))
            }
            Err(Gone::Okta(_)) => Err(EngineError::SourceGone {
                name: m.okta_group_name.clone(),
            }),
            Err(Gone::Failed(e)) => Err(e),
            Ok(()) => Ok(()),
        }
    }

    /// Re-reads an Okta group (with members) and the Statsig group it feeds, when
    /// Statsig is read.
    pub async fn refresh_groups(
        &mut self,
        okta_group_id: &str,
        statsig_group_id: &str,
    ) -> std::result::Result<(), Gone> {
        let statsig = async {
            match &self.statsig {
                Some(scim) if !statsig_group_id.is_empty() && self.directory.statsig_read => {
                    Some(scim.get_group(statsig_group_id).await)
                }
                _ => None,
            }
        };
        let (okta_group, okta_members, statsig) = tokio::join!(
            self.okta.get_group(okta_group_id),
            self.okta.group_members(okta_group_id),
            statsig
        );
        match statsig {
            Some(Ok(g)) => self.dir_mut().upsert_statsig_group(g),
            Some(Err(e)) if e.is_not_found() => {
                let name = self
                    .directory
                    .statsig_group(statsig_group_id)
                    .map_or_else(|| statsig_group_id.to_string(), |g| g.display_name.clone());
                self.dir_mut().remove_statsig_group(statsig_group_id);
                return Err(Gone::Statsig(name, e.request()));
            }
            Some(Err(e)) => return Err(Gone::Failed(e.into())),
            None => {}
        }
        let mut g = match okta_group {
            Ok(g) => g,
            Err(e) if e.is_not_found() => {
                let name = self
                    .directory
                    .okta_group(okta_group_id)
                    .map_or_else(|| okta_group_id.to_string(), |g| g.name.clone());
                return Err(Gone::Okta(name));
            }
            Err(e) => return Err(Gone::Failed(e.into())),
        };
        g.members = okta_members.map_err(|e| Gone::Failed(e.into()))?;
        self.dir_mut().upsert_okta_group(g.clone());
        self.learn_users(&g.members).await.map_err(Gone::Failed)
    }

    /// The Okta groups whose membership changed after `since` (one request per page,
    /// however many groups), or every mapped group when there was no look yet.
    pub async fn okta_groups_changed(
        &self,
        since: Option<&str>,
    ) -> Result<std::collections::BTreeSet<String>> {
        Ok(match since {
            Some(t) => self
                .okta
                .groups_changed_since(t)
                .await?
                .into_iter()
                .collect(),
            // The first look: every mapped group counts as changed.
            None => self
                .state
                .mappings
                .iter()
                .map(|m| m.okta_group_id.clone())
                .collect(),
        })
    }

    /// The linked Statsig groups as they are now: (groups read, whether every linked group
    /// was read, groups deleted since). The first cycle reads every linked group. Later cycles
    /// ask only for groups modified since (with a margin for clock skew) and for the count,
    /// which shows whether any group was deleted; only then are the ids read to find which.
    pub async fn statsig_changes(
        &mut self,
        since: Option<&str>,
    ) -> Result<(
        Vec<crate::model::StatsigGroup>,
        bool,
        std::collections::BTreeSet<String>,
    )> {
        let modified =
            match since.and_then(|t| crate::clock::minutes_before(t, STATSIG_SKEW_MINUTES)) {
                Some(from) => self.scim()?.groups_modified_since(&from).await?,
                None => None,
            };
        let Some(changed) = modified else {
            let linked: Vec<String> = self
                .state
                .mappings
                .iter()
                .map(|m| m.statsig_group_id.clone())
                .collect();
            return Ok((
                self.scim()?.groups_by_ids(&linked).await?,
                true,
                std::collections::BTreeSet::new(),
            ));
        };
        for g in &changed {
            self.dir_mut().upsert_statsig_group(g.clone());
        }
        let total = self.scim()?.group_count().await?;
        let mut deleted = std::collections::BTreeSet::new();
        if total != self.directory().statsig_groups.len() {
            let live = self.scim()?.group_ids().await?;
            deleted = self
                .directory
                .statsig_groups
                .iter()
                .map(|g| g.id.clone())
                .filter(|id| !live.contains(id))
                .collect();
            for id in &deleted {
                self.dir_mut().remove_statsig_group(id);
            }
        }
        Ok((changed, false, deleted))
    }

    /// Reads the Okta users again when `members` names users the import did not see.
    pub async fn learn_users(&mut self, members: &[String]) -> Result<()> {
        if members
            .iter()
            .any(|u| self.directory.okta_user(u).is_none())
        {
            let users = self.okta.list_users(|| {}).await?;
            self.dir_mut().set_okta_users(users);
        }
        Ok(())
    }
}

/// A team another pusher feeds: Okta's mapping in Direct push, the app's own mapping in
/// Okta push. One pusher per team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherPusher {
    /// The other pusher's mapping id.
    pub mapping_id: String,
    /// The Okta group it pushes.
    pub okta_group_id: String,
    /// The Statsig group it pushes into, by name.
    pub target_name: String,
    /// Who pushes ("Okta's push mapping of \"Statsig SCIM\"").
    pub by: String,
}

impl OtherPusher {
    /// Why this connection may not push into its team too, in one sentence.
    pub fn refusal(&self) -> String {
        format!(
            "\"{}\" is already pushed by {} (mapping {}); one pusher per team. Unlink it there first, or switch this connection's push mode in Settings.",
            self.target_name, self.by, self.mapping_id
        )
    }
}

/// The other pusher of the Statsig group named `name` among `pushers`, if one feeds it.
pub fn other_pusher_of<'a>(pushers: &'a [OtherPusher], name: &str) -> Option<&'a OtherPusher> {
    pushers
        .iter()
        .find(|p| p.target_name.eq_ignore_ascii_case(name))
}
