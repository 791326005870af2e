//! The pure domain: names, both directories, diffs and push plans. No IO, no async, no UI.

pub mod compare;
pub mod directory;
pub mod explain;
pub mod filter;
pub mod health;
pub mod history;
pub mod hold;
mod keyed;
pub mod mapping;
pub mod member;
pub mod names;
pub mod okta_app;
pub mod plan;
pub mod push_rule;
pub mod records;
pub mod redact;
pub mod restore;
pub mod rules;
pub mod secret;
pub mod snapshot;
pub mod text;
pub mod token;
pub mod undo;
pub mod watch_events;

pub use directory::{Directory, OktaGroup, OktaUser, StatsigGroup, StatsigUser};
pub use member::{MemberList, MemberRef, SharedList, SkipReason, Skipped, SkippedList};
pub use names::{ParsedName, Role};
pub use plan::Plan;
