//! The OS keyring through the app's secret store: a real Secret Service when
//! `scripts/test.sh` provides one (OST_REAL_KEYRING=1: D-Bus + unlocked gnome-keyring).
#![allow(clippy::unwrap_used)]

use okta_statsig_teams::engine::secrets::{OsKeyring, SecretStore, account};
use okta_statsig_teams::model::secret::Secret;

#[test]
fn tokens_round_trip_through_the_os_keyring() {
    let store = OsKeyring;
    let acct = account(
        "statsig",
        &format!(
            "https://keyring-test-{}.example.com/scim",
            std::process::id()
        ),
    );
    let token = Secret::new(format!("scim-test-{}", std::process::id()));
    let real = std::env::var("OST_REAL_KEYRING").is_ok_and(|v| v == "1");
    match store.set(&acct, &token) {
        Ok(()) => {
            assert_eq!(store.get(&acct).unwrap().unwrap().expose(), token.expose());
            store.delete(&acct).unwrap();
            assert_eq!(store.get(&acct).unwrap(), None, "forgotten tokens are gone");
            store.delete(&acct).unwrap();
        }
        Err(e) => {
            // Without a Secret Service the app must say so plainly, never fall back to a file.
            assert!(
                !real,
                "scripts/test.sh provides a real Secret Service, yet: {e}"
            );
            assert!(
                e.0.contains("keyring"),
                "a clear sentence about the keyring: {e}"
            );
        }
    }
}
