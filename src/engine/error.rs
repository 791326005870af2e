//! The engine's one error type: every failure of a workflow step as one sentence naming
//! the object and the cause.

use super::files::FileError;
use super::secrets::SecretError;
use super::state::StoreError;
use crate::model::plan::PlanError;
use crate::model::rules::{self, GuardStop, NextStep, RuleError};
use crate::net::ApiError;

/// Any failure of a workflow step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// A request to Statsig or Okta failed.
    #[error(transparent)]
    Api(ApiError),
    /// A plan could not be made.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The mapping asked for breaks a rule; nothing was sent.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// The request makes no sense in the current state; nothing was sent.
    #[error("{0}")]
    Refused(String),
    /// The mappings could not be saved.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file could not be read or written.
    #[error(transparent)]
    File(#[from] FileError),
    /// The OS keyring could not be used.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// Stopped part way, or blocked for now (another run pushing, a group that changed
    /// during the push): doing it again may work.
    #[error("{0}")]
    Interrupted(String),
    /// A step over several items did some of them, then one failed: what was done, the
    /// item that failed, and its failure (whose kind says what to do next).
    #[error("{}", partly_text(done, item, cause))]
    Partly {
        /// What was done before (or besides) the failure, in one sentence; may be empty.
        done: String,
        /// The item that failed ("Payments still fails").
        item: String,
        /// Why it failed.
        cause: Box<EngineError>,
    },
    /// A mapping is in Error as its pusher (Okta) reports it: which mapping, the cause, and
    /// what must change first when a retry cannot fix it.
    #[error("{name}: {cause}")]
    MappingFails {
        /// The mapping, named ("Mapping 0oa… (Payments)").
        name: String,
        /// The pusher's own words.
        cause: String,
        /// What must change first; `None` when trying again may work.
        fix: Option<String>,
    },
    /// The push mapping itself was deleted by its pusher's own console (or another tool);
    /// the app's list no longer has it.
    #[error(
        "Push mapping {id} ({name}) was deleted in Okta (in its console or by another tool); it is gone from this list."
    )]
    MappingGone {
        /// The mapping's id.
        id: String,
        /// Its Okta group's name.
        name: String,
    },
    /// The Okta group a mapping pushes from was deleted in Okta.
    #[error("Okta group \"{name}\" no longer exists in Okta; unlink this mapping.")]
    SourceGone {
        /// The group's name (its id when the name is not known).
        name: String,
    },
    /// The app itself could not do it (a background task stopped, the demo sandbox could
    /// not start); not a refusal of what was asked.
    #[error("{0}")]
    Failed(String),
    /// The Statsig group a mapping pushes into was deleted in Statsig.
    #[error(
        "Statsig group \"{name}\" no longer exists (deleted in Statsig). Unlink with Leave, then Create to make the team anew."
    )]
    TargetGone {
        /// The group's name.
        name: String,
        /// The request that found it gone ("GET /Groups/…").
        request: Option<String>,
    },
    /// Edits made in Statsig wait for the admin's choice (Overwrite or Adopt) before this
    /// can go ahead; nothing was sent.
    #[error("{0}")]
    Drift(String),
    /// Stopped by the admin between requests.
    #[error("Cancelled; nothing more was sent.")]
    Cancelled,
    /// The deletion guard stopped a push before anything was sent; the admin must confirm.
    #[error("{0} Confirm these removals to go ahead.")]
    NeedsConfirmation(Box<GuardStop>),
    /// Deleting a team needs its name typed; nothing was deleted.
    #[error(
        "Unlinking with Delete deletes {target} and all its memberships; confirm with the team name \"{word}\". Nothing was deleted."
    )]
    NotConfirmed {
        /// The team, described.
        target: String,
        /// The word to type.
        word: String,
    },
}

/// The engine's result.
pub type Result<T, E = EngineError> = std::result::Result<T, E>;

impl EngineError {
    /// "METHOD /path" of the failing request, when a request failed.
    pub fn request(&self) -> Option<String> {
        match self {
            EngineError::Api(e) => e.request(),
            EngineError::TargetGone { request, .. } => request.clone(),
            EngineError::Partly { cause, .. } => cause.request(),
            _ => None,
        }
    }

    /// Whether doing it again as it is may work, or what must change first (the one
    /// classification, [`rules::next_step`], applied to this failure).
    pub fn next_step(&self) -> NextStep {
        let change = |s: &str| NextStep::Change(s.to_string());
        match self {
            EngineError::Api(e) if e.is_configuration() => {
                change("Fix the connection in Settings (the cause says what), then try again.")
            }
            EngineError::Api(e @ ApiError::Status { status, .. }) => {
                rules::next_step(Some(*status), &e.to_string())
            }
            EngineError::Partly { cause, .. } => cause.next_step(),
            EngineError::Api(_)
            | EngineError::Failed(_)
            | EngineError::Interrupted(_)
            | EngineError::Cancelled
            | EngineError::Store(_)
            | EngineError::Plan(PlanError::MembersPending(_)) => NextStep::Retry,
            EngineError::TargetGone { .. } => change(rules::RECREATE),
            EngineError::SourceGone { .. } => change("Unlink this mapping."),
            EngineError::MappingGone { .. } => {
                change("Link the group again if it should still be pushed.")
            }
            EngineError::MappingFails { fix, .. } => fix.as_deref().map_or(NextStep::Retry, change),
            EngineError::Drift(_) => {
                change("Choose Overwrite from Okta or Adopt into Okta group first.")
            }
            EngineError::NeedsConfirmation(_) | EngineError::NotConfirmed { .. } => {
                change("Confirm by typing the team's name.")
            }
            other => NextStep::Change(other.to_string()),
        }
    }
}

impl From<ApiError> for EngineError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Cancelled => EngineError::Cancelled,
            other => EngineError::Api(other),
        }
    }
}

/// Some items were done (`done`, one sentence or empty) and `item` failed with `cause`.
pub fn partly(done: impl Into<String>, item: impl Into<String>, cause: EngineError) -> EngineError {
    EngineError::Partly {
        done: done.into(),
        item: item.into(),
        cause: Box::new(cause),
    }
}

/// "What was done. The item: why it failed", without a leading space when nothing was.
fn partly_text(done: &str, item: &str, cause: &EngineError) -> String {
    let failed = match item {
        "" => cause.to_string(),
        item => format!("{item}: {cause}"),
    };
    match done.trim() {
        "" => failed,
        done => format!("{done} {failed}"),
    }
}

/// A refusal: nothing was sent.
pub fn refused(s: impl Into<String>) -> EngineError {
    EngineError::Refused(s.into())
}

/// Stopped part way or blocked for now: doing it again may work.
pub fn interrupted(s: impl Into<String>) -> EngineError {
    EngineError::Interrupted(s.into())
}
