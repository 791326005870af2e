//! How a command ends: its exit code and one sentence; and the async runtime commands run on.
//!
//! One exit code per kind of failure, whatever the command (the README's table):
//! 1 a request failed in a way trying again may fix (a timeout, no answer, 429, a 5xx), or
//! `verify` / `snapshot diff` found differences; 2 bad input, or something must change
//! before it can work (a name Statsig refuses, a deleted team, a setting); 3 the deletion
//! guard or a delete waits for confirmation; 4 edits made in Statsig wait for the admin's
//! choice (`resolve-drift`). When a command meets several, it exits with the highest.

use crate::engine::error::EngineError;
use crate::engine::files::FileError;
use crate::model::rules::NextStep;

/// Exit code: a request failed and trying again may work, or a comparison found
/// differences.
pub const FAILED: u8 = 1;
/// Exit code: bad input, or refused: something must change first.
pub const REFUSED: u8 = 2;
/// Exit code: a destructive step was not confirmed.
pub const NOT_CONFIRMED: u8 = 3;
/// Exit code: edits made in Statsig are kept and wait for `resolve-drift`.
pub const DRIFT: u8 = 4;

/// How a command ends when it does not succeed: the exit code and one sentence (empty
/// when the output already said it, as `diff` does).
#[derive(Debug)]
pub struct Failure(pub u8, pub String);

/// The exit code of a failure of this kind.
pub fn code_of(e: &EngineError) -> u8 {
    match e {
        EngineError::NeedsConfirmation(_) | EngineError::NotConfirmed { .. } => NOT_CONFIRMED,
        EngineError::Drift(_) => DRIFT,
        e => match e.next_step() {
            NextStep::Retry => FAILED,
            NextStep::Change(_) => REFUSED,
        },
    }
}

impl From<EngineError> for Failure {
    fn from(e: EngineError) -> Self {
        Failure(code_of(&e), e.to_string())
    }
}

impl From<FileError> for Failure {
    fn from(e: FileError) -> Self {
        Failure(REFUSED, e.to_string())
    }
}

/// A refusal: bad input, nothing was sent.
pub fn refuse(s: impl Into<String>) -> Failure {
    Failure(REFUSED, s.into())
}

/// The runtime the headless commands run on.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("ost-worker")
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::error::{EngineError, interrupted, partly, refused};

    #[test]
    fn each_kind_of_failure_has_its_exit_code_and_a_partial_one_takes_its_causes() {
        assert_eq!(code_of(&interrupted("Okta answered 503.")), FAILED);
        assert_eq!(code_of(&refused("There is no mapping m9.")), REFUSED);
        assert_eq!(
            code_of(&EngineError::Failed("The demo could not start.".into())),
            FAILED
        );
        assert_eq!(
            code_of(&EngineError::SourceGone {
                name: "Payments".into()
            }),
            REFUSED
        );
        let okta = |fix: Option<&str>| EngineError::MappingFails {
            name: "Mapping 0oa1 (Payments)".into(),
            cause: "Statsig answered 500.".into(),
            fix: fix.map(Into::into),
        };
        assert_eq!(code_of(&okta(None)), FAILED);
        assert_eq!(code_of(&okta(Some("Unlink, then Create."))), REFUSED);
        assert_eq!(code_of(&EngineError::Drift("kept".into())), DRIFT);
        // Done in part: the exit code is the failure's, not "refused" for all.
        let some = "Made 3 mappings.";
        assert_eq!(
            code_of(&partly(some, "Risk", interrupted("Okta answered 503."))),
            FAILED
        );
        assert_eq!(
            code_of(&partly(some, "Risk", refused("Statsig refuses this name."))),
            REFUSED
        );
        assert_eq!(
            partly(some, "Risk", interrupted("Okta answered 503.")).to_string(),
            "Made 3 mappings. Risk: Okta answered 503."
        );
        assert_eq!(
            partly("", "", interrupted("Okta answered 503.")).to_string(),
            "Okta answered 503."
        );
    }
}
