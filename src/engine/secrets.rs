//! API tokens: from the environment or the OS keyring, never from or into a file.

use crate::model::secret::Secret;
use std::collections::HashMap;
use std::sync::Mutex;

/// The keyring service name tokens are stored under.
pub const SERVICE: &str = "okta-statsig-teams";
/// The environment variable that holds the Statsig SCIM token.
pub const STATSIG_ENV: &str = "STATSIG_SCIM_TOKEN";
/// The environment variable that holds the Okta API token.
pub const OKTA_ENV: &str = "OKTA_API_TOKEN";

/// Why the keyring could not be used, as one sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SecretError(pub String);

impl SecretError {
    /// There is no OS keyring to use at all (no Secret Service), or it is locked: tokens
    /// then come from the environment.
    pub fn is_unavailable(&self) -> bool {
        self.0 == NO_KEYRING || self.0 == LOCKED
    }
}

/// Where tokens are kept. `account` names the token (e.g. `statsig:https://...`).
pub trait SecretStore: Send + Sync {
    /// The token stored for `account`, if any.
    fn get(&self, account: &str) -> Result<Option<Secret>, SecretError>;
    /// Stores the token for `account`.
    fn set(&self, account: &str, secret: &Secret) -> Result<(), SecretError>;
    /// Removes the token for `account` (nothing stored is not an error).
    fn delete(&self, account: &str) -> Result<(), SecretError>;
}

/// The account name for a token of `service` ("statsig" or "okta") at `url`.
pub fn account(service: &str, url: &str) -> String {
    format!("{service}:{}", url.trim().trim_end_matches('/'))
}

/// The OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows).
pub struct OsKeyring;

const NO_KEYRING: &str = "No OS keyring is available (on Linux: no Secret Service on the D-Bus session; start gnome-keyring or KeePassXC). Tokens are never saved to a file; use the STATSIG_SCIM_TOKEN and OKTA_API_TOKEN environment variables instead.";
const LOCKED: &str = "The OS keyring is locked or refused access; unlock it and try again.";

fn explain(e: keyring::Error) -> SecretError {
    SecretError(match e {
        keyring::Error::NoDefaultStore => NO_KEYRING.to_string(),
        keyring::Error::NoStorageAccess(_) => LOCKED.to_string(),
        keyring::Error::PlatformFailure(p) => platform_failure(&p.to_string()),
        other => format!("The OS keyring refused: {other}."),
    })
}

/// A platform failure (mostly D-Bus's terse errors) as a sentence.
fn platform_failure(raw: &str) -> String {
    let r = raw.to_ascii_lowercase();
    if r.contains("serviceunknown")
        || r.contains("not provided by any .service")
        || r.contains("no such file or directory")
        || r.contains("connection refused")
        || r.contains("dbus_session_bus_address")
    {
        NO_KEYRING.to_string()
    } else if r.contains("locked") || r.contains("dismissed") || r.contains("denied") {
        LOCKED.to_string()
    } else if r.contains("noreply") || r.contains("timeout") || r.contains("timed out") {
        "The OS keyring did not answer (its service may be starting or stuck); try again in a moment.".to_string()
    } else {
        let first = raw.lines().next().unwrap_or_default().trim();
        format!("The OS keyring failed ({first}); nothing was stored or read.")
    }
}

impl SecretStore for OsKeyring {
    fn get(&self, account: &str) -> Result<Option<Secret>, SecretError> {
        let entry = keyring::Entry::new(SERVICE, account).map_err(explain)?;
        match entry.get_password() {
            Ok(p) => Ok(Some(Secret::new(p))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(explain(e)),
        }
    }

    fn set(&self, account: &str, secret: &Secret) -> Result<(), SecretError> {
        keyring::Entry::new(SERVICE, account)
            .map_err(explain)?
            .set_password(secret.expose())
            .map_err(explain)
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        match keyring::Entry::new(SERVICE, account)
            .map_err(explain)?
            .delete_credential()
        {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(explain(e)),
        }
    }
}

/// An in-memory store for tests and the demo.
#[derive(Default)]
pub struct MemoryStore(Mutex<HashMap<String, Secret>>);

impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<Secret>, SecretError> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(account)
            .cloned())
    }

    fn set(&self, account: &str, secret: &Secret) -> Result<(), SecretError> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(account.to_string(), secret.clone());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(account);
        Ok(())
    }
}

/// The value of `env_var`, trimmed, when it is set and not blank.
pub fn from_env(env_var: &str) -> Option<String> {
    std::env::var(env_var)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// How to start the app with both tokens in the environment (`profile`: the profile to
/// name, when it is not the default one).
pub fn start_with_env(profile: Option<&str>) -> String {
    let flag = match profile {
        None => String::new(),
        Some(p) if p.contains([' ', '\'', '"']) => {
            format!(" --profile '{}'", p.replace('\'', "'\\''"))
        }
        Some(p) => format!(" --profile {p}"),
    };
    format!("{STATSIG_ENV}=scim-… {OKTA_ENV}=00… okta-statsig-teams{flag}")
}

/// The token from `env_var` if set, else from `store`.
pub fn resolve(
    env_var: &str,
    store: &dyn SecretStore,
    account: &str,
) -> Result<Option<Secret>, SecretError> {
    match from_env(env_var) {
        Some(v) => Ok(Some(Secret::new(v))),
        None => store.get(account),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trip() {
        let s = MemoryStore::default();
        let a = account("statsig", "https://statsigapi.net/scim/");
        assert_eq!(a, "statsig:https://statsigapi.net/scim");
        assert_eq!(s.get(&a).unwrap(), None);
        s.set(&a, &Secret::new("scim-x")).unwrap();
        assert_eq!(s.get(&a).unwrap().unwrap().expose(), "scim-x");
        s.delete(&a).unwrap();
        assert_eq!(s.get(&a).unwrap(), None);
    }

    #[test]
    fn keyring_failures_read_as_sentences() {
        assert!(super::platform_failure("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files").starts_with("No OS keyring is available"));
        assert!(super::platform_failure("Prompt dismissed by user").contains("locked"));
        assert!(
            super::platform_failure("org.freedesktop.DBus.Error.NoReply: Did not receive a reply")
                .contains("did not answer")
        );
        assert!(super::platform_failure("odd").contains("failed (odd)"));
    }
}
