//! History: Okta's System Log read incrementally (only what is new since the last read)
//! and kept with the profile's cache, and the app's own journal of what it sent, when,
//! and what came of it. Both files sit beside the connection's mappings, user-only,
//! bounded, and hold no token.

use super::Workspace;
use crate::engine::error::EngineError;
use crate::engine::files::{self, FileError};
use crate::engine::state::Mapping;
use crate::model::history::{self, JournalEntry, LogEvent};
use crate::net::ApiError;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The System Log as last read, in the folder of the connection's mappings.
pub const LOG_CACHE_FILE: &str = "log-cache.json";
/// The app's own journal, in the same folder.
pub const JOURNAL_FILE: &str = "push-journal.json";
/// Largest history file read.
const MAX_FILE: u64 = 64 * 1024 * 1024;
/// Events kept at most (the oldest go first).
pub const MAX_EVENTS: usize = 100_000;

/// The System Log as last read for one org and app.
#[derive(Debug, Default, Serialize, Deserialize)]
struct LogCache {
    okta_url: String,
    app_id: String,
    /// Where the first read began: the log is complete from here on.
    #[serde(default)]
    from: String,
    events: Vec<LogEvent>,
}

/// What the history holds after a read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Okta's Group Push events of the app, oldest first (none in Direct push).
    pub events: Vec<LogEvent>,
    /// The app's own journal, oldest first.
    pub journal: Vec<JournalEntry>,
    /// Where Okta's part starts (Okta keeps 90 days); `None` when the log is not read.
    pub okta_from: Option<String>,
    /// What could not be read, one sentence each (the scope, a page, a file).
    pub notes: Vec<String>,
    /// Events this read added.
    pub new_events: usize,
    /// Pages this read asked for.
    pub pages: usize,
}

/// The history file `name` beside the mappings in `store_path`.
pub fn history_path(store_path: &Path, name: &str) -> PathBuf {
    files::parent_of(store_path).join(name)
}

fn read_json<T: for<'de> Deserialize<'de> + Default>(
    what: &'static str,
    path: &Path,
) -> Result<T, FileError> {
    if !path.exists() {
        return Ok(T::default());
    }
    let bytes = files::read_regular(what, path, MAX_FILE, || {
        FileError::unreadable(what, path, "it is larger than 64 MiB")
    })?;
    serde_json::from_slice(&bytes).map_err(|e| FileError::unreadable(what, path, e))
}

fn write_json<T: Serialize>(what: &'static str, path: &Path, value: &T) -> Result<(), FileError> {
    files::write_atomic_with(path, |out| Ok(serde_json::to_writer(out, value)?))
        .map_err(|e| FileError::write(what, path, e))
}

/// The sentence for a log read that failed: the missing scope by name, else the page.
pub fn log_failure(e: &ApiError, kept: usize) -> String {
    if let ApiError::Status { status: 403, .. } = e {
        return "The Okta token may not read the System Log (it lacks the okta.logs.read scope), so Okta's events are not shown; this app's own record is.".into();
    }
    format!(
        "A page of Okta's System Log could not be read ({e}); {} read before it {} shown, and the next read starts there.",
        crate::model::text::plural(kept, "event"),
        if kept == 1 { "is" } else { "are" }
    )
}

/// `events` with the new `read` added: none twice (by uuid), oldest first, at most
/// [`MAX_EVENTS`] (events older than Okta keeps stay: the cache remembers them). How
/// many were new.
fn merge(events: &mut Vec<LogEvent>, read: Vec<LogEvent>) -> usize {
    let seen: HashSet<String> = events.iter().map(|e| e.uuid.clone()).collect();
    let before = events.len();
    events.extend(
        read.into_iter()
            .filter(|e| e.uuid.is_empty() || !seen.contains(&e.uuid)),
    );
    let added = events.len() - before;
    events.sort_by(|a, b| a.published.cmp(&b.published));
    if events.len() > MAX_EVENTS {
        let over = events.len() - MAX_EVENTS;
        events.drain(..over);
    }
    added
}

impl Workspace {
    fn history_file(&self, name: &str) -> PathBuf {
        history_path(self.core.store().path(), name)
    }

    /// The app's own journal (empty when there is none yet).
    pub fn push_journal(&self) -> Result<Vec<JournalEntry>, FileError> {
        read_json("the push journal", &self.history_file(JOURNAL_FILE))
    }

    /// Adds `entries` to the journal. A journal that cannot be written is logged; the
    /// step it records still counts.
    pub(super) fn push_journal_add(&self, entries: Vec<JournalEntry>) {
        if entries.is_empty() {
            return;
        }
        let path = self.history_file(JOURNAL_FILE);
        let mut journal = match self.push_journal() {
            Ok(j) => j,
            Err(e) => {
                tracing::warn!("the push journal is not added to: {e}");
                return;
            }
        };
        for e in entries {
            history::journal_add(&mut journal, e);
        }
        if let Err(e) = write_json("the push journal", &path, &journal) {
            tracing::warn!("{e}");
        }
    }

    /// One journal entry of `action` on `m`: done with `done`, or failed with `failed`.
    pub(super) fn push_entry(
        &self,
        action: &str,
        m: &Mapping,
        outcome: std::result::Result<String, &EngineError>,
    ) -> JournalEntry {
        JournalEntry {
            at: crate::clock::now(),
            action: action.to_string(),
            mapping_id: m.id.clone(),
            okta_group: m.okta_group_name.clone(),
            statsig_group: m.statsig_group_name.clone(),
            ok: outcome.is_ok(),
            outcome: outcome.unwrap_or_else(|e| e.to_string()),
        }
    }

    /// Records `action` on the mapping `id` (as it was before the step, when `before`).
    pub(super) fn record_step(
        &self,
        action: &str,
        id: &str,
        before: Option<&Mapping>,
        outcome: std::result::Result<String, &EngineError>,
    ) {
        let now = self.core.state().mapping(id).cloned();
        if let Some(m) = now.as_ref().or(before) {
            self.push_journal_add(vec![self.push_entry(action, m, outcome)]);
        }
    }

    /// Records a new mapping (`link` or `create`) or the failure to make one.
    pub(super) fn record_made(
        &self,
        action: &str,
        okta_group_id: &str,
        target: &str,
        made: &super::Result<Mapping>,
    ) {
        self.push_journal_add(vec![self.made_entry(action, okta_group_id, target, made)]);
    }

    /// The journal entry of a new mapping, or of the failure to make one.
    pub(super) fn made_entry(
        &self,
        action: &str,
        okta_group_id: &str,
        target: &str,
        made: &super::Result<Mapping>,
    ) -> JournalEntry {
        match made {
            Ok(m) => self.push_entry(
                action,
                m,
                Ok(format!("{} ({})", m.statsig_group_name, m.status.label())),
            ),
            Err(e) => {
                let okta = self
                    .directory()
                    .okta_group(okta_group_id)
                    .map(|g| g.name.clone())
                    .unwrap_or_else(|| okta_group_id.to_string());
                JournalEntry {
                    at: crate::clock::now(),
                    action: action.to_string(),
                    mapping_id: String::new(),
                    okta_group: okta,
                    statsig_group: target.to_string(),
                    ok: false,
                    outcome: e.to_string(),
                }
            }
        }
    }

    /// Records each push of `outcomes`.
    pub(super) fn record_pushes(&self, outcomes: &super::Outcomes) {
        let entries = outcomes
            .iter()
            .filter_map(|(id, r)| {
                let m = self.core.state().mapping(id)?;
                Some(self.push_entry(
                    "push",
                    m,
                    r.as_ref().map(|p| {
                        let (a, r) = (p.plan.adds.len(), p.plan.removes.len());
                        match p.by {
                            Some(who) => format!("asked {who} for a full push ({a} to add, {r} to remove as last read)"),
                            None => format!("{a} added, {r} removed"),
                        }
                    }),
                ))
            })
            .collect();
        self.push_journal_add(entries);
    }

    /// Reads what is new in Okta's System Log since the last read (in Okta push), keeps
    /// it with the profile's cache, and returns the whole history with the journal. A
    /// token without `okta.logs.read`, or a page that cannot be read, is one sentence in
    /// `notes`; what was read still shows.
    pub async fn history(&mut self) -> super::Result<History> {
        self.settle_mode().await?;
        let mut out = History::default();
        match self.push_journal() {
            Ok(j) => out.journal = j,
            Err(e) => out.notes.push(e.to_string()),
        }
        let Some(app) = self.mode_report().and_then(|r| r.mode.app()).cloned() else {
            return Ok(out);
        };
        let path = self.history_file(LOG_CACHE_FILE);
        let okta_url = self.core.conn().okta_url.clone();
        let mut cache: LogCache = match read_json("the cached System Log", &path) {
            Ok(c) => c,
            Err(e) => {
                out.notes.push(format!("{e}; the log is read again."));
                LogCache::default()
            }
        };
        let now = crate::clock::now();
        let kept_from = history::okta_starts(&now, None);
        if cache.okta_url != okta_url || cache.app_id != app.id || cache.from.is_empty() {
            // The first read goes back to the oldest mapping (an org whose clock says
            // otherwise may still have it), else as far as Okta keeps.
            // Events about a mapping can come before its record's creation (the rule that
            // made it, an earlier mapping of its group): as far back again as Okta keeps.
            let oldest = self
                .mappings()
                .iter()
                .map(|m| m.created.clone())
                .filter(|o| crate::clock::parse(o).is_some())
                .min()
                .map(|o| history::okta_starts(&o, None));
            cache = LogCache {
                okta_url,
                app_id: app.id.clone(),
                from: oldest
                    .filter(|o| o.as_str() < kept_from.as_str())
                    .unwrap_or_else(|| kept_from.clone()),
                events: Vec::new(),
            };
        }
        // From the last event read (its instant again: events published then and not read
        // yet come, those read are known by uuid), else from where the log begins.
        let since = cache
            .events
            .last()
            .map(|e| e.published.clone())
            .unwrap_or_else(|| cache.from.clone());
        let filter = history::log_filter(&app.id);
        let okta = self.core.okta();
        let mut read = okta
            .log_events(&filter, &since, crate::okta::LOG_PAGE_LIMIT)
            .await;
        if let Some(ApiError::Status { status: 400, .. }) = read.failed
            && read.pages == 0
            && cache.events.is_empty()
            && since < kept_from
        {
            // Okta refuses a `since` before what it keeps: read what it keeps.
            cache.from = kept_from.clone();
            read = okta
                .log_events(&filter, &kept_from, crate::okta::LOG_PAGE_LIMIT)
                .await;
        }
        if matches!(read.failed, Some(ApiError::Cancelled)) {
            return Err(EngineError::Cancelled);
        }
        out.pages = read.pages;
        let got = read.events.len();
        out.new_events = merge(&mut cache.events, read.events);
        match &read.failed {
            Some(e @ ApiError::Status { status: 403, .. }) => out.notes.push(log_failure(e, 0)),
            Some(e) => out.notes.push(log_failure(e, got)),
            None => {}
        }
        // What the token may do, for Health: refused is said; a page read says it may.
        if let Some(p) = self.pusher.as_mut() {
            match &read.failed {
                Some(ApiError::Status { status: 403, .. }) => {
                    p.report.logs_denied = Some("Okta answered 403".into());
                }
                _ if read.pages > 0 => p.report.logs_denied = None,
                _ => {}
            }
        }
        if out.new_events > 0
            && let Err(e) = write_json("the cached System Log", &path, &cache)
        {
            out.notes.push(e.to_string());
        }
        let oldest = cache.events.first().map(|e| e.published.clone());
        let covered = cache.from.clone().max(kept_from);
        out.okta_from = Some(oldest.map_or(covered.clone(), |o| o.min(covered)));
        out.events = cache.events;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(uuid: &str, at: &str) -> LogEvent {
        LogEvent {
            uuid: uuid.into(),
            published: at.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_merge_adds_only_new_events_in_order() {
        let mut kept = vec![ev("a", "2026-01-02"), ev("b", "2026-01-03")];
        let added = merge(
            &mut kept,
            vec![
                ev("b", "2026-01-03"),
                ev("c", "2026-01-03"),
                ev("d", "2026-01-04"),
            ],
        );
        assert_eq!(added, 2);
        let ids: Vec<&str> = kept.iter().map(|e| e.uuid.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
        assert_eq!(merge(&mut kept, vec![ev("a", "2026-01-02")]), 0);
    }
}
