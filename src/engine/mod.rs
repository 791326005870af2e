//! The async side: the workspace (every workflow step), persisted mappings, secrets, and
//! the command/event loop the GUI drives. Knows nothing of egui.

pub mod config;
pub mod demo;
pub mod files;
pub mod runner;
pub mod secrets;
pub mod state;
pub mod workspace;

pub use workspace::{Connection, EngineError, Unlink, Workspace};
