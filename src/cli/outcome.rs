//! How a command ends: its exit code and one sentence; and the async runtime commands run on.

use crate::engine::error::EngineError;
use crate::engine::files::FileError;

/// Exit code: a request failed, or a comparison found differences.
pub const FAILED: u8 = 1;
/// Exit code: bad input, or refused.
pub const REFUSED: u8 = 2;
/// Exit code: a destructive step was not confirmed.
pub const NOT_CONFIRMED: u8 = 3;

/// How a command ends when it does not succeed: the exit code and one sentence (empty
/// when the output already said it, as `diff` does).
#[derive(Debug)]
pub struct Failure(pub u8, pub String);

impl From<EngineError> for Failure {
    fn from(e: EngineError) -> Self {
        let code = match &e {
            EngineError::NeedsConfirmation(_) | EngineError::NotConfirmed { .. } => NOT_CONFIRMED,
            e if e.is_refusal() || e.is_configuration() => REFUSED,
            _ => FAILED,
        };
        Failure(code, e.to_string())
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
