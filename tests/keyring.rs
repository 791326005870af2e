//! The OS keyring through the app's secret store: a real Secret Service when
//! `scripts/test.sh` provides one (OST_REAL_KEYRING=1: D-Bus + unlocked gnome-keyring),
//! and `login --profile` storing its tokens under that profile alone.
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

/// Removes the keyring entries named, however the test ends.
struct Forget(Vec<String>);

impl Drop for Forget {
    fn drop(&mut self) {
        for a in &self.0 {
            let _ = OsKeyring.delete(a);
        }
    }
}

/// `login --profile Staging` stores both tokens under Staging's own keyring accounts:
/// Default, on the very same URLs, has none of them, the command line on Staging connects
/// with them alone, and `logout --profile Staging` removes them. Without a Secret Service
/// it says so, and stores and saves nothing (no profile appears).
#[test]
fn login_with_a_profile_stores_the_tokens_under_that_profile_only() {
    use okta_statsig_teams::engine::DataDir;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = rt.block_on(okta_statsig_teams::sandbox::Sandbox::start(
        okta_statsig_teams::sandbox::SandboxConfig::default(),
    ));
    let s = s.unwrap();
    let data = tempfile::tempdir().unwrap();
    let root = DataDir::new(data.path());
    let staging = root.with_profile("Staging").unwrap();
    let accounts = |d: &DataDir| {
        [
            d.account("okta", &s.okta_url),
            d.account("statsig", &s.statsig_url),
        ]
    };
    let _forget = Forget(
        accounts(&staging)
            .into_iter()
            .chain(accounts(&root))
            .collect(),
    );
    let cli = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_okta-statsig-teams"))
            .env("OKTA_STATSIG_TEAMS_DATA_DIR", data.path())
            .env_remove("STATSIG_SCIM_TOKEN")
            .env_remove("OKTA_API_TOKEN")
            .args(["--statsig-url", &s.statsig_url, "--okta-url", &s.okta_url])
            .args(["--push-mode", "direct"])
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let said = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code(), said)
    };
    let tokens = format!("{}\n{}\n", s.okta_token.expose(), s.statsig_token.expose());
    let (code, said) = cli(&["--profile", "Staging", "login"], &tokens);
    let real = std::env::var("OST_REAL_KEYRING").is_ok_and(|v| v == "1");
    if code != Some(0) {
        assert!(
            !real,
            "scripts/test.sh provides a real Secret Service, yet: {said}"
        );
        assert!(said.contains("keyring"), "a clear sentence: {said}");
        assert!(!staging.settings_file().exists(), "nothing saved");
        assert_eq!(root.profiles(), ["Default"], "no profile made");
        return;
    }
    assert!(said.contains("Tokens stored in the OS keyring"), "{said}");
    let stored = |a: &str| OsKeyring.get(a).unwrap().map(|t| t.expose().to_string());
    let [okta, statsig] = accounts(&staging);
    assert_eq!(stored(&okta).as_deref(), Some(s.okta_token.expose()));
    assert_eq!(stored(&statsig).as_deref(), Some(s.statsig_token.expose()));
    for a in accounts(&root) {
        assert_eq!(stored(&a), None, "Default has no token: {a}");
    }
    assert!(staging.settings_file().is_file(), "Staging's settings");
    assert!(!root.settings_file().exists(), "Default's untouched");
    assert_eq!(root.profiles(), ["Default", "Staging"]);
    // The command line on Staging connects with the stored tokens alone; Default cannot.
    let (code, said) = cli(&["--profile", "Staging", "groups"], "");
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("Fraud Squad"), "{said}");
    let (code, said) = cli(&["groups"], "");
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains("No statsig token"), "{said}");
    let (code, said) = cli(&["--profile", "Staging", "logout"], "");
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(stored(&okta), None);
    assert_eq!(stored(&statsig), None);
}
