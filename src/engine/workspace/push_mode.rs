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
    /// The backend the program chose when it opened the workspace
    /// ([`super::Workspace::push_with`]), by name.
    Chosen(&'static str),
}

impl PushMode {
    /// What the top bar calls it.
    pub fn label(&self) -> String {
        match self {
            PushMode::Direct => "Direct push".into(),
            PushMode::Okta(app) => format!("Okta push via \"{}\"", app.label),
            PushMode::OktaUnavailable(_) => "Okta push (not ready)".into(),
            PushMode::Chosen(name) => (*name).into(),
        }
    }

    /// What the top bar says of it when the pointer rests on it.
    pub fn hover(&self) -> String {
        match self {
            PushMode::Okta(app) => format!(
                "Okta pushes: mappings live in Okta's \"{}\" app ({}), and Okta keeps teams in sync while this app is closed.",
                app.label, app.id
            ),
            PushMode::OktaUnavailable(why) => why.clone(),
            PushMode::Direct => {
                "This app pushes over Statsig's SCIM API; nothing is pushed while it is closed."
                    .into()
            }
            PushMode::Chosen(name) => format!("{name} pushes, as this program chose."),
        }
    }

    /// Whether it can push: `Some(true)` another service pushes and is ready,
    /// `Some(false)` it was chosen and cannot run, `None` the app pushes itself.
    pub fn ready(&self) -> Option<bool> {
        match self {
            PushMode::Okta(_) => Some(true),
            PushMode::OktaUnavailable(_) => Some(false),
            PushMode::Direct | PushMode::Chosen(_) => None,
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

/// How the app and the command line speak of a backend that steers another service's
/// pushes (its mappings live there, carry a [`crate::model::mapping::Remote`], and the
/// service pushes them): its name and the sentences only it can say. A backend that pushes
/// itself has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Steered {
    /// Who pushes ("Okta"): "Okta's last push", "in Okta".
    pub who: &'static str,
    /// A mapping's pill while the service still owes a push ("Okta is pushing").
    pub pushing: &'static str,
    /// Where its mappings live and what that means (a hover).
    pub lives: &'static str,
    /// What *Push now* does there (a hover).
    pub push_now: &'static str,
    /// What a mapping in error there means, and how it is pushed again.
    pub after_error: &'static str,
    /// Why edits made in Statsig stay until the admin chooses.
    pub drift: &'static str,
    /// What *Retry all* does there (a hover).
    pub retry_all: &'static str,
    /// What *Check now* does there (a hover).
    pub check_now: &'static str,
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
    /// How the views speak of the backend, when it steers another service's pushes.
    pub steered: Option<Steered>,
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
