//! The refusals direct push shares between its steps.

use crate::engine::core::Core;
use crate::engine::error::{EngineError, interrupted, refused};
use crate::engine::state::Mapping;

/// The refusal for a mapping whose push is deactivated.
pub(crate) fn deactivated(m: &Mapping) -> EngineError {
    refused(format!(
        "The push of \"{}\" is deactivated; activate it first.",
        m.okta_group_name
    ))
}

/// The refusal when another run of the app holds the push lock.
pub(crate) fn someone_else_pushing() -> EngineError {
    interrupted(
        "Another run of this app is pushing right now; wait for it to finish, then push again.",
    )
}

/// A state-file lock that could not be taken.
pub(crate) fn lock_failed(core: &Core, e: std::io::Error) -> EngineError {
    crate::engine::files::FileError::write("the push lock", core.store().path(), e).into()
}
