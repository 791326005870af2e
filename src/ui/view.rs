//! What every panel and dialog reads in one frame: a narrow, read-only view of the app's
//! state. Panels own their own state (search text, caches) and return actions.

use crate::engine::backend::Steered;
use crate::engine::runner::{ConnectionInfo, SnapshotInfo};
use crate::engine::workspace::ModeReport;
use crate::model::Directory;
use crate::model::mapping::{Guard, Mapping};
use crate::model::push_rule::PushRule;

/// The selection the tabs share.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// The project shown in Teams (persisted with the window).
    pub project: Option<String>,
    /// The team shown.
    pub team: Option<String>,
    /// The Okta group shown.
    pub okta_group: Option<String>,
    /// The mapping shown in Pushed groups and Verify.
    pub mapping: Option<String>,
}

/// The history the timelines show, as last read.
#[derive(Debug, Clone, Default)]
pub enum HistoryState {
    /// Not read since the connection was made.
    #[default]
    Unread,
    /// Being read.
    Reading,
    /// Read; `stale` once a step may have added to it.
    Read {
        /// What was read.
        history: std::sync::Arc<crate::engine::workspace::history::History>,
        /// A step ran since: the next look reads again.
        stale: bool,
    },
    /// The read failed: the sentence.
    Failed(String),
}

impl HistoryState {
    /// Just read.
    pub fn read(history: std::sync::Arc<crate::engine::workspace::history::History>) -> Self {
        HistoryState::Read {
            history,
            stale: false,
        }
    }
}

/// One frame's read-only view.
pub struct View<'a> {
    /// The directory (live or a snapshot's).
    pub directory: &'a Directory,
    /// Bumped whenever the directory changes.
    pub generation: u64,
    /// The mappings.
    pub mappings: &'a [Mapping],
    /// Bumped whenever the mappings change.
    pub mappings_version: u64,
    /// The connection's push rules (a snapshot's when one is open).
    pub rules: &'a [PushRule],
    /// Bumped whenever the rules change.
    pub rules_version: u64,
    /// The connection profile in use.
    pub profile: &'a str,
    /// Every profile, Default first.
    pub profiles: &'a [String],
    /// The connection, when connected.
    pub connection: Option<&'a ConnectionInfo>,
    /// Who pushes, once the first import settled it.
    pub mode: Option<&'a ModeReport>,
    /// The open snapshot, when reviewing offline.
    pub snapshot: Option<&'a SnapshotInfo>,
    /// Membership changes per PATCH, as the engine will send them.
    pub batch_size: usize,
    /// Whether a request-sending action is possible now, and why not.
    pub can_send: Result<(), &'static str>,
    /// Whether anything was imported (or a snapshot opened).
    pub imported: bool,
    /// When the directory shown was read, if it is the cached one not refreshed yet.
    pub cached: Option<&'a str>,
    /// Whether a job is running.
    pub busy: bool,
    /// The shared selection.
    pub sel: &'a Selection,
    /// The history for the timelines.
    pub history: &'a HistoryState,
}

impl View<'_> {
    /// The deletion guard in force.
    pub fn guard(&self) -> Guard {
        self.connection.map(|c| c.guard).unwrap_or_default()
    }

    /// "Okta push via …" or "Direct push" (or that it is being settled).
    pub fn mode_label(&self) -> String {
        match self.mode {
            Some(r) => r.mode.label(),
            None if self.connection.is_some() => "Finding the Statsig app in Okta…".into(),
            None => String::new(),
        }
    }

    /// How to speak of who pushes, when the backend steers another service's pushes.
    pub fn steered(&self) -> Option<Steered> {
        self.mode.and_then(|r| r.steered)
    }

    /// A mapping's pill while the service that pushes it still owes a push.
    pub fn pushing_label(&self) -> &'static str {
        self.steered().map_or("Pushing", |s| s.pushing)
    }

    /// Okta pushes (Okta push with its app found).
    pub fn okta_push(&self) -> bool {
        self.mode.is_some_and(|r| r.mode.app().is_some())
    }

    /// The mapping with this id.
    pub fn mapping(&self, id: &str) -> Option<&Mapping> {
        self.mappings.iter().find(|m| m.id == id)
    }
}
