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

/// An Okta org URL: [`check_base_url`], and not the admin console's host.
pub fn check_okta_url(url: &str) -> Result<Url, UrlError> {
    let parsed = check_base_url(url)?;
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

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let e = check_statsig_url("https://statsigapi.net").unwrap_err();
        assert!(e.to_string().contains("ends in /scim"), "{e}");
        assert!(check_statsig_url("https://statsigapi.net/scim/").is_ok());
        assert!(check_statsig_url("http://127.0.0.1:9/scim/v2").is_ok());
    }
}
