//! One connection: an Okta org and a Statsig SCIM endpoint, their tokens, and what the
//! admin told us of the Statsig organization.

use crate::model::mapping::Guard;
use crate::model::secret::Secret;
use serde::{Deserialize, Serialize};

/// Who pushes memberships to Statsig, as chosen in Settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PushModeChoice {
    /// Okta push when the Okta org has a Statsig app with Group Push, else Direct push.
    #[default]
    Auto,
    /// Okta's own Group Push, steered through its Management API.
    Okta,
    /// The app pushes over Statsig's SCIM API itself.
    Direct,
}

impl PushModeChoice {
    /// What Settings calls it.
    pub fn label(self) -> &'static str {
        match self {
            PushModeChoice::Auto => "Okta push when the Statsig app has Group Push",
            PushModeChoice::Okta => "Okta push",
            PushModeChoice::Direct => "Direct push",
        }
    }
}

/// The search text that finds the Statsig app among an org's apps (a label prefix).
pub const DEFAULT_APP_SEARCH: &str = "Statsig";

/// Where to connect, and how.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    /// Statsig SCIM base URL.
    pub statsig_url: String,
    /// The Statsig SCIM token.
    pub statsig_token: Secret,
    /// Okta org URL.
    pub okta_url: String,
    /// The Okta API token.
    pub okta_token: Secret,
    /// Statsig projects; derived from group names when empty.
    pub projects: Vec<String>,
    /// Email domains Statsig accepts; derived from Statsig users when empty.
    pub org_domains: Vec<String>,
    /// Membership changes per PATCH; 0 means Okta's default (100).
    pub batch_size: usize,
    /// When a push stops to ask before removing members.
    pub guard: Guard,
    /// Okta push or Direct push.
    pub push_mode: PushModeChoice,
    /// The Statsig app's id in Okta, once chosen; found by `app_search` when `None`.
    pub okta_app_id: Option<String>,
    /// What the Statsig app's label starts with (empty: "Statsig").
    pub app_search: String,
}

impl Connection {
    /// "okta-host -> statsig-host", for labels.
    pub fn label(&self) -> String {
        if self.statsig_url.trim().is_empty() {
            return host_of(&self.okta_url);
        }
        format!(
            "{} -> {}",
            host_of(&self.okta_url),
            host_of(&self.statsig_url)
        )
    }

    /// Statsig's SCIM API can be read (its URL and token are set).
    pub fn has_statsig(&self) -> bool {
        !self.statsig_url.trim().is_empty() && !self.statsig_token.is_empty()
    }

    /// The search text for the Statsig app.
    pub fn app_search(&self) -> &str {
        match self.app_search.trim() {
            "" => DEFAULT_APP_SEARCH,
            s => s,
        }
    }
}

/// The host of a URL, or the URL when it has none.
pub fn host_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| url.to_string())
}
