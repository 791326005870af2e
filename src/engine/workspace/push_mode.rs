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
    /// Teams another pusher feeds: Okta's mappings in Direct push, the app's own Direct
    /// mappings in Okta push. One pusher per team.
    pub other_pushers: Vec<OtherPusher>,
}

impl ModeReport {
    /// The other pusher of the Statsig group named `name`, if one feeds it.
    pub fn other_pusher_of(&self, name: &str) -> Option<&OtherPusher> {
        other_pusher_of(&self.other_pushers, name)
    }
}

/// A team another pusher feeds: Okta's mapping in Direct push, the app's own mapping in
/// Okta push. One pusher per team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherPusher {
    /// The other pusher's mapping id.
    pub mapping_id: String,
    /// The Okta group it pushes.
    pub okta_group_id: String,
    /// The Statsig group it pushes into, by name.
    pub target_name: String,
    /// Who pushes ("Okta's push mapping of \"Statsig SCIM\"").
    pub by: String,
}

impl OtherPusher {
    /// Why this connection may not push into its team too, in one sentence.
    pub fn refusal(&self) -> String {
        format!(
            "\"{}\" is already pushed by {} (mapping {}); one pusher per team. Unlink it there first, or switch this connection's push mode in Settings.",
            self.target_name, self.by, self.mapping_id
        )
    }
}

/// The other pusher of the Statsig group named `name` among `pushers`, if one feeds it.
pub fn other_pusher_of<'a>(pushers: &'a [OtherPusher], name: &str) -> Option<&'a OtherPusher> {
    pushers
        .iter()
        .find(|p| p.target_name.eq_ignore_ascii_case(name))
}
