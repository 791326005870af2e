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
            EngineError::Api(_)
            | EngineError::Interrupted(_)
            | EngineError::Cancelled
            | EngineError::Store(_)
            | EngineError::Plan(PlanError::MembersPending(_)) => NextStep::Retry,
            EngineError::TargetGone { .. } => change(rules::RECREATE),
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

/// A refusal: nothing was sent.
pub fn refused(s: impl Into<String>) -> EngineError {
    EngineError::Refused(s.into())
}

/// Stopped part way or blocked for now: doing it again may work.
pub fn interrupted(s: impl Into<String>) -> EngineError {
    EngineError::Interrupted(s.into())
}
