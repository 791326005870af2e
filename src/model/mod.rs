//! The pure domain: names, both directories, diffs and push plans. No IO, no async, no UI.

pub mod directory;
pub mod filter;
pub mod mapping;
pub mod names;
pub mod plan;
pub mod secret;
pub mod snapshot;

pub use directory::{Directory, OktaGroup, OktaUser, StatsigGroup, StatsigUser};
pub use names::{ParsedName, Role};
pub use plan::{MemberRef, Plan, RemoveForm, SkipReason};
