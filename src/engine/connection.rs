//! One connection: an Okta org and a Statsig SCIM endpoint, their tokens, and what the
//! admin told us of the Statsig organization.

use crate::model::mapping::Guard;
use crate::model::secret::Secret;

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
}

impl Connection {
    /// "okta-host -> statsig-host", for labels.
    pub fn label(&self) -> String {
        format!(
            "{} -> {}",
            host_of(&self.okta_url),
            host_of(&self.statsig_url)
        )
    }
}

/// The host of a URL, or the URL when it has none.
pub fn host_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| url.to_string())
}
