//! Who pushes, as settled for a connection: the types the views and backends share.

use crate::model::okta_app::OktaApp;

/// The push mode a workspace runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushMode {
    /// The app pushes over SCIM.
    Direct,
    /// Okta pushes; the app manages Okta's mappings for this app.
    Okta(OktaApp),
    /// Okta push was chosen but cannot run: every push step refuses with this sentence.
    OktaUnavailable(String),
}

impl PushMode {
    /// What the top bar calls it.
    pub fn label(&self) -> String {
        match self {
            PushMode::Direct => "Direct push".into(),
            PushMode::Okta(app) => format!("Okta push via \"{}\"", app.label),
            PushMode::OktaUnavailable(_) => "Okta push (not ready)".into(),
        }
    }

    /// The Statsig app, in Okta push.
    pub fn app(&self) -> Option<&OktaApp> {
        match self {
            PushMode::Okta(app) => Some(app),
            _ => None,
        }
    }
}

/// How the mode was settled, for the views.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeReport {
    /// The mode.
    pub mode: PushMode,
    /// Apps the admin may choose from, when the search found several.
    pub candidates: Vec<OktaApp>,
    /// What the admin should know (an app without Group Push, a 403), one sentence.
    pub warning: Option<String>,
}
