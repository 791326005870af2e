//! Who pushes, as settled for a connection: the types the views and backends share.

pub use crate::engine::backend::Steered;
pub use crate::engine::core::{OtherPusher, other_pusher_of};
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
    /// Okta's answer when a read of its System Log (History) was refused: the token lacks
    /// `okta.logs.read`. Health names it.
    pub logs_denied: Option<String>,
}

impl ModeReport {
    /// The other pusher of the Statsig group named `name`, if one feeds it.
    pub fn other_pusher_of(&self, name: &str) -> Option<&OtherPusher> {
        other_pusher_of(&self.other_pushers, name)
    }
}
