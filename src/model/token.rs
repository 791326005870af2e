//! A token as an admin pastes it: with its scheme (`Bearer scim-…`, `SSWS 00…`, as
//! Statsig's and Okta's own pages show it), or one of the other service's. The scheme is
//! taken off (the app sends its own) and said; the other service's token is named before
//! any request.

use super::secret::Secret;

/// Which service a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFor {
    /// Statsig's SCIM API (`Authorization: Bearer …`).
    Statsig,
    /// Okta's Management API (`Authorization: SSWS …`).
    Okta,
}

impl TokenFor {
    /// The token's name in sentences.
    pub fn name(self) -> &'static str {
        match self {
            TokenFor::Statsig => "Statsig SCIM token",
            TokenFor::Okta => "Okta API token",
        }
    }
}

/// A token ready to send, and what was taken off it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanToken {
    /// The token without its scheme.
    pub token: Secret,
    /// The scheme taken off (`Bearer` or `SSWS`, as pasted), if any.
    pub removed: Option<String>,
}

impl CleanToken {
    /// What was taken off, as a note: `the "Bearer " prefix was removed…`.
    pub fn note(&self, what: &str) -> Option<String> {
        self.removed.as_ref().map(|scheme| {
            format!("{what}: the \"{scheme} \" prefix was removed (the app adds its own).")
        })
    }
}

/// Why a token cannot be the one asked for, as one sentence naming the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TokenError(pub String);

/// Okta's API tokens: "00" and about forty letters, digits, `-` and `_`.
fn looks_like_okta(t: &str) -> bool {
    t.starts_with("00")
        && (38..=46).contains(&t.len())
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Statsig's SCIM tokens start with "scim".
fn looks_like_statsig(t: &str) -> bool {
    t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("scim"))
}

/// The token `raw` for `service`: trimmed, its scheme (`Bearer `, `SSWS `, any case, an
/// `Authorization:` before it) taken off; refused when it is clearly the other service's
/// or nothing is left. `what` names where it came from (a field, a variable).
pub fn clean(service: TokenFor, raw: &str, what: &str) -> Result<CleanToken, TokenError> {
    let mut t = raw.trim();
    if let Some(rest) = t
        .get(..14)
        .filter(|p| p.eq_ignore_ascii_case("authorization:"))
        .map(|_| &t[14..])
    {
        t = rest.trim_start();
    }
    let mut removed = None;
    for scheme in ["Bearer", "SSWS"] {
        let n = scheme.len();
        if t.get(..n).is_some_and(|p| p.eq_ignore_ascii_case(scheme))
            && (t.len() == n || t[n..].starts_with(char::is_whitespace))
        {
            removed = Some(t[..n].to_string());
            t = t[n..].trim_start();
            break;
        }
    }
    if t.is_empty() {
        return Err(TokenError(format!(
            "{what} holds only the \"{}\" prefix: paste the token after it.",
            removed.unwrap_or_default()
        )));
    }
    match service {
        TokenFor::Statsig if looks_like_okta(t) => Err(TokenError(format!(
            "{what} looks like an Okta API token (it starts with \"00\"), not a Statsig SCIM token: Statsig's start with \"scim\" and are made in the Statsig console's SCIM provisioning settings."
        ))),
        TokenFor::Okta if looks_like_statsig(t) => Err(TokenError(format!(
            "{what} looks like a Statsig SCIM token (it starts with \"scim\"), not an Okta API token: Okta's start with \"00\" and are made in the Okta Admin Console, Security > API > Tokens."
        ))),
        _ => Ok(CleanToken {
            token: Secret::new(t),
            removed,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OKTA: &str = "00abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123";

    #[test]
    fn schemes_are_taken_off_in_any_case_for_either_service() {
        for (service, raw, left, scheme) in [
            (TokenFor::Statsig, "Bearer scim-abc", "scim-abc", "Bearer"),
            (
                TokenFor::Statsig,
                " bearer  scim-abc\n",
                "scim-abc",
                "bearer",
            ),
            (TokenFor::Okta, "SSWS okta1", "okta1", "SSWS"),
            (TokenFor::Okta, "ssws\t00x", "00x", "ssws"),
            (TokenFor::Okta, "Bearer 00x", "00x", "Bearer"),
            (TokenFor::Statsig, "SSWS scim-1", "scim-1", "SSWS"),
            (
                TokenFor::Statsig,
                "Authorization: Bearer scim-2",
                "scim-2",
                "Bearer",
            ),
        ] {
            let c = clean(service, raw, "the field").unwrap();
            assert_eq!(c.token.expose(), left, "{raw}");
            assert_eq!(c.removed.as_deref(), Some(scheme), "{raw}");
            assert!(
                c.note("Statsig SCIM token")
                    .unwrap()
                    .contains(&format!("the \"{scheme} \" prefix was removed"))
            );
        }
        let plain = clean(TokenFor::Statsig, "scim-abc", "x").unwrap();
        assert_eq!((plain.token.expose(), plain.removed), ("scim-abc", None));
        // A token that merely starts with the letters is not cut.
        let c = clean(TokenFor::Statsig, "Bearerish-token", "x").unwrap();
        assert_eq!(c.token.expose(), "Bearerish-token");
    }

    #[test]
    fn the_other_services_token_and_a_bare_scheme_are_named() {
        let e = clean(
            TokenFor::Statsig,
            &format!("SSWS {OKTA}"),
            "STATSIG_SCIM_TOKEN",
        )
        .unwrap_err()
        .0;
        assert!(
            e.starts_with("STATSIG_SCIM_TOKEN looks like an Okta API token"),
            "{e}"
        );
        let e = clean(TokenFor::Okta, "scim-abc", "OKTA_API_TOKEN")
            .unwrap_err()
            .0;
        assert!(
            e.starts_with("OKTA_API_TOKEN looks like a Statsig SCIM token"),
            "{e}"
        );
        assert!(clean(TokenFor::Okta, OKTA, "x").is_ok());
        let e = clean(TokenFor::Okta, "SSWS ", "the field").unwrap_err().0;
        assert!(e.contains("only the \"SSWS\" prefix"), "{e}");
    }
}
