//! The async side: the workspace (every workflow step), push backends, persisted mappings,
//! secrets, files, and the command loop the app drives. Knows nothing of egui.

pub mod alerts;
pub mod backend;
pub mod config;
pub mod connection;
pub mod core;
pub mod demo;
pub mod error;
pub mod files;
pub mod logging;
pub mod paths;
pub mod redaction;
pub mod runner;
pub mod secrets;
pub mod state;
pub mod workspace;

pub use backend::{PushReport, Unlink, WatchReport};
pub use connection::Connection;
pub use error::EngineError;
pub use paths::DataDir;
pub use workspace::Workspace;
