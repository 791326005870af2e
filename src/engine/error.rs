//! The engine's one error type: every failure of a workflow step as one sentence naming
//! the object and the cause.

use super::files::FileError;
use super::secrets::SecretError;
use super::state::StoreError;
use crate::model::plan::PlanError;
use crate::model::rules::{GuardStop, RuleError};
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
    /// Stopped by the admin between requests.
    #[error("Cancelled; nothing more was sent.")]
    Cancelled,
    /// The deletion guard stopped a push before anything was sent; the admin must confirm.
    #[error("{0} Confirm these removals to go ahead.")]
    NeedsConfirmation(GuardStop),
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
            _ => None,
        }
    }

    /// A setting must change before this can work (bad URL, token, certificate, host).
    pub fn is_configuration(&self) -> bool {
        match self {
            EngineError::Api(e) => e.is_configuration(),
            EngineError::Secret(_) => true,
            _ => false,
        }
    }

    /// The admin's input or the current state refused it; nothing was sent.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            EngineError::Refused(_) | EngineError::Rule(_) | EngineError::Plan(_)
        )
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
