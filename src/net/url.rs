//! Which base URLs may be sent a token, and the wrong URLs an admin is likely to paste.

use reqwest::Url;

/// Why a base URL cannot be used. Each says what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// Not a URL at all.
    #[error(
        "\"{url}\" is not a web address: it starts with https:// (for example https://your-org.okta.com)"
    )]
    Invalid {
        /// What was given.
        url: String,
    },
    /// Plain http to another computer.
    #[error(
        "refusing to send a token over plain http to {url}: use https (http is allowed only on this computer, for the sandbox)"
    )]
    PlainHttp {
        /// What was given.
        url: String,
    },
    /// Another scheme than http(s).
    #[error("\"{url}\" uses {scheme}:, not https:")]
    Scheme {
        /// What was given.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// The Okta admin console's host instead of the org's.
    #[error(
        "{url} is the Okta admin console, not the API: use {fixed} (the org URL, without \"-admin\")"
    )]
    OktaAdminConsole {
        /// What was given.
        url: String,
        /// The org URL to use.
        fixed: String,
    },
    /// A Statsig URL that is not the SCIM API.
    #[error(
        "{url} is not Statsig's SCIM API: use https://statsigapi.net/scim (the URL ends in /scim)"
    )]
    NotStatsigScim {
        /// What was given.
        url: String,
    },
}

/// A URL that may be sent a token: https anywhere, http on loopback only (the sandbox).
pub fn check_base_url(url: &str) -> Result<Url, UrlError> {
    let trimmed = url.trim().trim_end_matches('/');
    let parsed = Url::parse(trimmed).map_err(|_| UrlError::Invalid {
        url: trimmed.to_string(),
    })?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        "http" => Err(UrlError::PlainHttp {
            url: trimmed.to_string(),
        }),
        other => Err(UrlError::Scheme {
            url: trimmed.to_string(),
            scheme: other.to_string(),
        }),
    }
}

/// An Okta org URL: [`check_base_url`], and not the admin console's host. Okta org URLs
/// have no path, so one copied from the browser (`/admin/dashboard`) keeps its origin.
pub fn check_okta_url(url: &str) -> Result<Url, UrlError> {
    let mut parsed = check_base_url(url)?;
    parsed.set_path("");
    parsed.set_query(None);
    parsed.set_fragment(None);
    if let Some(host) = parsed.host_str()
        && let Some((first, rest)) = host.split_once('.')
        && let Some(org) = first.strip_suffix("-admin")
        && rest.contains("okta")
    {
        return Err(UrlError::OktaAdminConsole {
            url: url.trim().trim_end_matches('/').to_string(),
            fixed: format!("https://{org}.{rest}"),
        });
    }
    Ok(parsed)
}

/// The Okta org URL to keep for `url` (its origin), and a note when a path, query or
/// fragment was left out (`https://org.okta.com/admin/dashboard` was pasted).
pub fn okta_org_url(url: &str) -> Result<(String, Option<String>), UrlError> {
    let origin = check_okta_url(url)?
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let given = check_base_url(url)?;
    let mut rest = given.path().trim_end_matches('/').to_string();
    if let Some(q) = given.query() {
        rest = format!("{rest}?{q}");
    }
    if let Some(f) = given.fragment() {
        rest = format!("{rest}#{f}");
    }
    let note = (!rest.is_empty()).then(|| {
        format!(
            "Okta org URL: using {origin}; Okta org URLs have no path, so \"{rest}\" was left out."
        )
    });
    Ok((origin, note))
}

/// A Statsig SCIM URL: [`check_base_url`], and on Statsig's own hosts, the `/scim` path.
pub fn check_statsig_url(url: &str) -> Result<Url, UrlError> {
    let parsed = check_base_url(url)?;
    let statsig_host = parsed.host_str().is_some_and(|h| {
        let h = h.to_ascii_lowercase();
        h == "statsigapi.net"
            || h.ends_with(".statsigapi.net")
            || h == "statsig.com"
            || h.ends_with(".statsig.com")
    });
    if statsig_host && !parsed.path().trim_end_matches('/').ends_with("/scim") {
        return Err(UrlError::NotStatsigScim {
            url: url.trim().trim_end_matches('/').to_string(),
        });
    }
    Ok(parsed)
}

/// Why a URL taken from an answer (a paging link, a `Location`, a redirect) is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LinkError {
    /// Not a URL.
    #[error("it is not a web address")]
    Invalid,
    /// It names a user or a password (`https://org@elsewhere/…` goes to `elsewhere`).
    #[error("it carries a user name or password")]
    UserInfo,
    /// Another scheme, host or port than the base's.
    #[error("it points to another server than {base}")]
    Elsewhere {
        /// The base's origin.
        base: String,
    },
    /// Redirects that go on and on.
    #[error("it is one redirect too many")]
    Loop,
    /// The base's server, outside the base's path.
    #[error("it is outside {base}")]
    OutsidePath {
        /// The base URL.
        base: String,
    },
}

/// A URL taken from an answer, which will be sent the token: it must have `base`'s
/// scheme, host and port, no user or password, and a path under `base`'s. A relative URL
/// is read against `base`. Dot segments (also percent-encoded) are resolved first, so
/// `/scim/../x` is outside `/scim`.
pub fn check_link(base: &Url, link: &str) -> Result<Url, LinkError> {
    let url = base.join(link.trim()).map_err(|_| LinkError::Invalid)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(LinkError::UserInfo);
    }
    let same_origin = url.scheme() == base.scheme()
        && url.host() == base.host()
        && url.port_or_known_default() == base.port_or_known_default();
    if !same_origin {
        return Err(LinkError::Elsewhere {
            base: base.origin().ascii_serialization(),
        });
    }
    let root = base.path().trim_end_matches('/');
    let path = url.path();
    let under = root.is_empty()
        || path == root
        || path
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('/'));
    if !under {
        return Err(LinkError::OutsidePath {
            base: base.as_str().trim_end_matches('/').to_string(),
        });
    }
    Ok(url)
}

/// Whether `url` is on this computer (the sandbox): no proxy is used for it.
pub fn is_loopback(url: &Url) -> bool {
    crate::model::redact::on_this_computer(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_must_stay_on_the_base_server_and_under_its_path() {
        let okta = Url::parse("https://org.okta.com").unwrap();
        let ok = |b: &Url, l: &str| check_link(b, l).map(|u| u.to_string());
        assert_eq!(
            ok(&okta, "https://org.okta.com/api/v1/users?after=1").unwrap(),
            "https://org.okta.com/api/v1/users?after=1"
        );
        assert_eq!(
            ok(&okta, "/api/v1/users?after=2").unwrap(),
            "https://org.okta.com/api/v1/users?after=2"
        );
        assert_eq!(
            ok(&okta, "https://org.okta.com:443/api/v1/users").unwrap(),
            "https://org.okta.com/api/v1/users"
        );
        for (link, why) in [
            (
                "https://org.okta.com@attacker.example/api/v1/users",
                "user name",
            ),
            ("https://u:p@org.okta.com/api/v1/users", "user name"),
            (
                "https://org.okta.com.attacker.example/api/v1/users",
                "another server",
            ),
            ("http://org.okta.com/api/v1/users", "another server"),
            ("https://org.okta.com:8443/api/v1/users", "another server"),
            ("//attacker.example/x", "another server"),
        ] {
            let e = check_link(&okta, link).unwrap_err().to_string();
            assert!(e.contains(why), "{link}: {e}");
        }
        let local = Url::parse("http://127.0.0.1:2543/scim").unwrap();
        assert!(check_link(&local, "http://127.0.0.1:2543/scim/Groups/1").is_ok());
        assert!(check_link(&local, "http://127.0.0.1:2543/scim").is_ok());
        for link in [
            "http://127.0.0.1:25439/scim/Groups/1",
            "http://127.0.0.1:2543/scimx/Groups/1",
            "http://127.0.0.1:2543/scim/../admin",
            "http://127.0.0.1:2543/scim/%2e%2e/admin",
            "http://localhost:2543/scim/Groups/1",
        ] {
            assert!(check_link(&local, link).is_err(), "{link}");
        }
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(check_base_url("https://statsigapi.net/scim").is_ok());
        assert!(check_base_url("http://127.0.0.1:8080/scim").is_ok());
        assert!(check_base_url("http://localhost:1").is_ok());
        assert!(check_base_url("http://[::1]:1").is_ok());
        let e = check_base_url("http://example.okta.com").unwrap_err();
        assert!(
            e.to_string()
                .contains("refusing to send a token over plain http"),
            "{e}"
        );
        assert!(check_base_url("ftp://x").is_err());
        assert!(check_base_url("not a url").is_err());
    }

    #[test]
    fn the_okta_admin_console_and_a_statsig_url_without_scim_are_refused_with_the_fix() {
        let e = check_okta_url("https://northwind-admin.okta.com/").unwrap_err();
        assert_eq!(
            e.to_string(),
            "https://northwind-admin.okta.com is the Okta admin console, not the API: use https://northwind.okta.com (the org URL, without \"-admin\")"
        );
        assert!(check_okta_url("https://northwind.okta.com").is_ok());
        assert!(check_okta_url("https://my-admin-tools.example.com").is_ok());
        let (kept, note) = okta_org_url("https://northwind.okta.com/admin/dashboard#x").unwrap();
        assert_eq!(kept, "https://northwind.okta.com");
        assert_eq!(
            note.unwrap(),
            "Okta org URL: using https://northwind.okta.com; Okta org URLs have no path, so \"/admin/dashboard#x\" was left out."
        );
        assert_eq!(
            okta_org_url(" https://northwind.okta.com/ ").unwrap(),
            ("https://northwind.okta.com".to_string(), None)
        );
        assert_eq!(
            okta_org_url("http://127.0.0.1:9/").unwrap(),
            ("http://127.0.0.1:9".to_string(), None)
        );
        let e = check_statsig_url("https://statsigapi.net").unwrap_err();
        assert!(e.to_string().contains("ends in /scim"), "{e}");
        assert!(check_statsig_url("https://statsigapi.net/scim/").is_ok());
        assert!(check_statsig_url("http://127.0.0.1:9/scim/v2").is_ok());
    }
}
