//! The push-backend seam: what differs between pushing memberships ourselves over SCIM
//! ([`direct::DirectPush`]) and steering another pusher. Everything else (import, plans,
//! the guard, verify, snapshots) is shared in [`Core`], so the UI and the CLI work the
//! same whatever the backend.

pub mod direct;
pub mod okta;

use super::core::Core;
use super::error::Result;
use crate::model::mapping::{Drift, Mapping};
use crate::model::plan::Plan;
use futures::FutureExt;
use futures::future::BoxFuture;

/// How to unlink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unlink {
    /// DELETE the Statsig group, which deletes the team.
    Delete,
    /// Stop pushing; touch nothing in Statsig.
    Leave,
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushReport {
    /// The mapping pushed.
    pub mapping_id: String,
    /// The plan that was carried out, or that the service the backend steers will carry out.
    pub plan: Plan,
    /// Who carries it out when the app only asked (the steered service's name, see
    /// [`Steered::who`]); `None` when the app pushed itself.
    pub by: Option<&'static str>,
    /// Edits made in Statsig the push left as they are, open until the admin chooses.
    pub held: Drift,
}

/// What one watch cycle did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchReport {
    /// Okta groups whose membership changed since the last cycle.
    pub okta_groups_changed: usize,
    /// Mappings pushed.
    pub pushed: Vec<String>,
    /// Mappings with edits made in Statsig open (held until the admin chooses).
    pub drifted: Vec<String>,
    /// Mappings the deletion guard stopped; the watcher never confirms removals itself.
    pub needs_confirmation: Vec<String>,
    /// What failed, each with its kind (what to do next).
    pub errors: Vec<super::error::EngineError>,
    /// The mappings whose push failed (their status says why and what to do).
    pub failed: Vec<String>,
    /// What changed since the last cycle (filled in by the workspace).
    pub events: Vec<crate::model::watch_events::WatchEvent>,
    /// What the push rules proposed or made after the look (filled in by
    /// `Workspace::watch_cycle`).
    pub proposals: Vec<String>,
}

/// How the app and the command line speak of a backend that steers another service's
/// pushes (its mappings live there, carry a [`crate::model::mapping::Remote`], and the
/// service pushes them): its name and the sentences only it can say. A backend that pushes
/// itself has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Steered {
    /// Who pushes ("Okta"): "Okta's last push", "in Okta".
    pub who: &'static str,
    /// A mapping's pill while the service still owes a push ("Okta is pushing").
    pub pushing: &'static str,
    /// Where its mappings live and what that means (a hover).
    pub lives: &'static str,
    /// What *Push now* does there (a hover).
    pub push_now: &'static str,
    /// What a mapping in error there means, and how it is pushed again.
    pub after_error: &'static str,
    /// Why edits made in Statsig stay until the admin chooses.
    pub drift: &'static str,
    /// What *Retry all* does there (a hover).
    pub retry_all: &'static str,
    /// What *Check now* does there (a hover).
    pub check_now: &'static str,
}

/// What a backend applies to the core once an import is shown (see
/// [`PushBackend::beside_import`]).
pub type AfterImport<'a> = Box<dyn FnOnce(&mut Core) + Send + 'a>;

/// Each push outcome, by mapping id.
pub type Outcomes = Vec<(String, Result<PushReport>)>;

/// Where long work reports: done, total, and the time left when it is known.
pub type Report<'a> = &'a (dyn Fn(usize, usize, Option<std::time::Duration>) + Send + Sync);

/// A way of pushing mappings. Each method takes the shared [`Core`].
pub trait PushBackend: Send + Sync {
    /// The name shown to the admin ("Direct push").
    fn name(&self) -> &'static str;

    /// How the views speak of it when it steers another service's pushes; `None` (the
    /// default) when the app pushes itself.
    fn steered(&self) -> Option<Steered> {
        None
    }

    /// What the backend reads side by side with an import, and applies once the
    /// directory is shown: the mappings as its service lists them (Okta push). `None` (the
    /// default): the import keeps the mappings, following renames of their groups.
    fn beside_import<'a: 'c, 'c>(
        &'a self,
        _core: &'c Core,
    ) -> Option<BoxFuture<'c, Result<AfterImport<'a>>>> {
        None
    }

    /// "Link group": maps an Okta group to an existing team group, then pushes when
    /// `push_now`, with up to `allowed_removals` removals confirmed.
    fn link<'a>(
        &'a self,
        core: &'a mut Core,
        okta_group_id: &'a str,
        statsig_group_id: &'a str,
        push_now: bool,
        allowed_removals: usize,
    ) -> BoxFuture<'a, Result<Mapping>>;

    /// "Link group" for many pairs (each already checked), one after another, each with up
    /// to `allowed_removals` removals confirmed; each outcome in order.
    fn link_many<'a>(
        &'a self,
        core: &'a mut Core,
        pairs: &'a [(String, String)],
        push_now: bool,
        allowed_removals: usize,
        report: Report<'a>,
    ) -> BoxFuture<'a, Vec<Result<Mapping>>> {
        async move {
            let mut out = Vec::with_capacity(pairs.len());
            for (i, (okta, statsig)) in pairs.iter().enumerate() {
                if core.cancel().is_cancelled() {
                    out.push(Err(super::error::EngineError::Cancelled));
                    continue;
                }
                out.push(
                    self.link(core, okta, statsig, push_now, allowed_removals)
                        .await,
                );
                report(i + 1, pairs.len(), None);
            }
            out
        }
        .boxed()
    }

    /// "Create group": creates the team whose Member group is `name` (already checked),
    /// links the Okta group to it, then pushes when `push_now`.
    fn create<'a>(
        &'a self,
        core: &'a mut Core,
        okta_group_id: &'a str,
        name: &'a str,
        push_now: bool,
    ) -> BoxFuture<'a, Result<Mapping>>;

    /// Pushes the mappings `ids` now, each checked against the deletion guard with up to
    /// `allowed_removals` removals confirmed.
    fn push<'a>(
        &'a self,
        core: &'a mut Core,
        ids: &'a [String],
        allowed_removals: usize,
    ) -> BoxFuture<'a, Outcomes>;

    /// Overwrite: pushes the mapping over the edits made in Statsig that the admin chose
    /// by name (`chosen`); edits made since stay held.
    fn overwrite<'a>(
        &'a self,
        core: &'a mut Core,
        id: &'a str,
        chosen: &'a Drift,
    ) -> BoxFuture<'a, Result<PushReport>>;

    /// Deactivates, or activates and pushes.
    fn set_active<'a>(
        &'a self,
        core: &'a mut Core,
        id: &'a str,
        active: bool,
        allowed_removals: usize,
    ) -> BoxFuture<'a, Result<()>>;

    /// Unlinks (the confirmation was checked): Delete removes the team, Leave stops.
    fn unlink<'a>(
        &'a self,
        core: &'a mut Core,
        id: &'a str,
        how: Unlink,
    ) -> BoxFuture<'a, Result<Mapping>>;

    /// One watch cycle: pushes what changed in Okta, finds edits made in Statsig.
    fn watch<'a>(&'a self, core: &'a mut Core) -> BoxFuture<'a, Result<WatchReport>>;
}
