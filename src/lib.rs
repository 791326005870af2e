//! okta-statsig-teams: manage Statsig teams from Okta over SCIM.
//!
//! Layers, each looking only down: [`model`] (pure domain) ← [`scim`], [`okta`] (HTTP
//! clients) ← [`engine`] (async jobs, state, secrets) ← [`ui`] and [`cli`]. The [`sandbox`]
//! serves local Statsig SCIM and Okta APIs with demo data.

pub mod cli;
pub mod clock;
pub mod engine;
pub mod model;
pub mod net;
pub mod okta;
pub mod sandbox;
pub mod scim;
pub mod ui;
