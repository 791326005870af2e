//! Redaction that holds: every email, name and id in a snapshot replaced through a keyed
//! hash (HMAC-SHA256) under a secret kept per profile. The same person keeps the same
//! pseudonym across one profile's redacted snapshots (so they still compare), another
//! profile's differ, and without the key a list of guessed emails matches nothing.

use super::mapping::{Mapping, MappingStatus};
use super::snapshot::{Snapshot, Source};
use hmac::{KeyInit, Mac};
use rustc_hash::FxHashSet;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// A profile's secret for redaction (32 random bytes). Not an API token: it only decides
/// the pseudonyms, and it is never written into a snapshot. `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct RedactionKey([u8; 32]);

impl std::fmt::Debug for RedactionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RedactionKey(***)")
    }
}

impl RedactionKey {
    /// The key made of these bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        RedactionKey(bytes)
    }

    /// The key as 64 hex digits (how it is kept on disk).
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// The key from 64 hex digits.
    pub fn from_hex(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.len() != 64 || !text.is_ascii() {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(RedactionKey(out))
    }

    /// Which key redacted a file, as the file says it: a keyed hash of a fixed text, so
    /// it tells keys apart and reveals nothing of the key or of anyone.
    pub fn fingerprint(&self) -> String {
        self.tag("key", "fingerprint", 8)
    }

    /// `bytes` hex digits of HMAC-SHA256(key, kind ‖ 0 ‖ value).
    fn tag(&self, kind: &str, value: &str, bytes: usize) -> String {
        // A key of any length is accepted by HMAC: this cannot fail.
        let Ok(mut mac) = HmacSha256::new_from_slice(&self.0) else {
            return String::new();
        };
        mac.update(kind.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        let out = mac.finalize().into_bytes();
        hex(&out[..bytes.min(out.len())])
    }

    /// The pseudonym of an id (Okta's, SCIM's, an external id, a mapping's). Every kind of
    /// id goes through the one function, so a reference (a member, an `externalId`, a
    /// mapping's group) still finds what it names. An empty id stays empty.
    pub fn id(&self, id: &str) -> String {
        if id.is_empty() {
            return String::new();
        }
        format!("r{}", self.tag("id", id, 8))
    }

    /// The pseudonym of an email domain.
    pub fn domain(&self, domain: &str) -> String {
        format!(
            "org-{}.invalid",
            self.tag("domain", &domain.to_lowercase(), 4)
        )
    }

    /// The pseudonym of a person, from their email (or login), compared without case.
    pub fn person(&self, email: &str) -> Pseudonym {
        let email = email.trim().to_lowercase();
        let tag = self.tag("person", &email, 8);
        let domain = match email.rsplit_once('@') {
            Some((_, d)) if !d.is_empty() => self.domain(d),
            _ => "redacted.invalid".to_string(),
        };
        Pseudonym {
            email: format!("person-{tag}@{domain}"),
            given: "Person".into(),
            family: tag,
        }
    }
}

/// What stands for a person in a redacted file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pseudonym {
    /// `person-<tag>@org-<tag>.invalid`.
    pub email: String,
    /// "Person".
    pub given: String,
    /// The tag.
    pub family: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `url` is on this computer (loopback: the sandbox).
pub fn on_this_computer(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Services whose host names are `<org>.<service>`: the org's part is redacted, the
/// service's kept (so a reader still sees which service it was).
const SERVICE_DOMAINS: &[&str] = &[
    "okta.com",
    "oktapreview.com",
    "okta-emea.com",
    "okta-gov.com",
    "statsigapi.net",
    "statsig.com",
];

/// A source URL without the org's name: `https://northwind.okta.com` reads
/// `https://redacted.okta.com`; a host of the org's own (a custom domain) reads
/// `redacted.invalid`; this computer (the sandbox) and Statsig's own API stay as they are.
fn redact_url(url: &str) -> String {
    let Ok(parsed) = url::Url::parse(url) else {
        return if url.trim().is_empty() {
            String::new()
        } else {
            "redacted".to_string()
        };
    };
    if on_this_computer(&parsed) {
        return url.to_string();
    }
    let host = parsed.host_str().unwrap_or_default().to_lowercase();
    let kept = SERVICE_DOMAINS.iter().find_map(|d| {
        if host == *d {
            Some(host.clone())
        } else if host.ends_with(&format!(".{d}")) {
            Some(format!("redacted.{d}"))
        } else {
            None
        }
    });
    match kept {
        Some(h) => format!(
            "{}://{h}{}",
            parsed.scheme(),
            parsed.path().trim_end_matches('/')
        ),
        None => format!("{}://redacted.invalid", parsed.scheme()),
    }
}

/// What free text (an error's cause, Okta's `errorSummary`) may name: every id in the
/// snapshot and every domain its emails are in.
struct Scrubber<'a> {
    key: &'a RedactionKey,
    ids: FxHashSet<String>,
    domains: FxHashSet<String>,
}

impl Scrubber<'_> {
    /// The text with every email, id and domain in it replaced by its pseudonym.
    fn scrub(&self, text: &str) -> String {
        let token_char = |c: char| c.is_alphanumeric() || "@._%+-".contains(c);
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(token_char) {
            out.push_str(&rest[..start]);
            let after = &rest[start..];
            let end = after.find(|c| !token_char(c)).unwrap_or(after.len());
            let token = &after[..end];
            // A sentence's full stop is not part of the token.
            let core = token.trim_end_matches('.');
            out.push_str(&self.replace(core));
            out.push_str(&token[core.len()..]);
            rest = &after[end..];
        }
        out.push_str(rest);
        out
    }

    fn replace(&self, token: &str) -> String {
        let decoded = percent_encoding::percent_decode_str(token).decode_utf8_lossy();
        if self.ids.contains(token) || self.ids.contains(decoded.as_ref()) {
            return self.key.id(&decoded);
        }
        if token.contains('@') {
            return self.key.person(token).email;
        }
        let lower = token.to_lowercase();
        if self.domains.contains(&lower) {
            return self.key.domain(&lower);
        }
        token.to_string()
    }
}

impl Snapshot {
    /// A copy with every email, name and id replaced through `key` (the same person and
    /// the same id get the same pseudonym in every snapshot redacted with this key),
    /// the org's domains and group descriptions gone, the source URLs without the org's
    /// name, and ids, emails and domains in error texts replaced too. Group, team and
    /// project names, statuses, times and counts stay. A file redacted under a key is
    /// returned as it is.
    pub fn redacted(&self, key: &RedactionKey) -> Snapshot {
        let mut s = self.clone();
        // Redacted under a key already; a file of the older, unkeyed redaction still has
        // real ids and domains, so it goes through again.
        if s.redacted && s.redaction_key.is_some() {
            return s;
        }
        let scrubber = self.scrubber(key);
        s.redacted = true;
        s.redaction_key = Some(key.fingerprint());
        s.source = Source {
            statsig_url: redact_url(&s.source.statsig_url),
            okta_url: redact_url(&s.source.okta_url),
            demo: s.source.demo,
        };
        s.org_domains = s.org_domains.iter().map(|d| key.domain(d)).collect();
        for u in &mut s.statsig_users {
            let p = key.person(&u.user_name);
            u.id = key.id(&u.id);
            u.user_name = p.email.clone();
            u.email = key.person(&u.email).email;
            u.given_name = p.given;
            u.family_name = p.family;
        }
        for g in &mut s.statsig_groups {
            g.id = key.id(&g.id);
            ids(key, &mut g.members);
        }
        for r in &mut s.statsig_names {
            r.group_id = key.id(&r.group_id);
        }
        for u in &mut s.okta_users {
            let p = key.person(&u.email);
            u.id = key.id(&u.id);
            u.login = key.person(&u.login).email;
            u.email = p.email;
            u.first_name = p.given;
            u.last_name = p.family;
        }
        for g in &mut s.okta_groups {
            g.id = key.id(&g.id);
            g.description.clear();
            ids(key, &mut g.members);
        }
        for m in &mut s.mappings {
            redact_mapping(key, &scrubber, m);
        }
        s.mappings.sort_by(|a, b| a.id.cmp(&b.id));
        if let Some(app) = &mut s.okta_app {
            app.app.id = key.id(&app.app.id);
            for u in &mut app.users {
                u.okta_user_id = key.id(&u.okta_user_id);
                u.external_id = u.external_id.as_deref().map(|x| key.id(x));
                u.user_name = key.person(&u.user_name).email;
            }
            app.users
                .sort_by(|a, b| a.okta_user_id.cmp(&b.okta_user_id));
            for g in &mut app.groups {
                g.id = key.id(&g.id);
            }
        }
        // Ids changed: the file's fixed order follows them.
        s.statsig_users.sort_by(|a, b| a.id.cmp(&b.id));
        s.okta_users.sort_by(|a, b| a.id.cmp(&b.id));
        s
    }

    fn scrubber<'a>(&self, key: &'a RedactionKey) -> Scrubber<'a> {
        let mut ids: FxHashSet<String> = FxHashSet::default();
        ids.extend(self.statsig_users.iter().map(|u| u.id.clone()));
        ids.extend(self.statsig_groups.iter().map(|g| g.id.clone()));
        ids.extend(self.okta_users.iter().map(|u| u.id.clone()));
        ids.extend(self.okta_groups.iter().map(|g| g.id.clone()));
        ids.extend(self.mappings.iter().map(|m| m.id.clone()));
        if let Some(app) = &self.okta_app {
            ids.insert(app.app.id.clone());
            ids.extend(app.groups.iter().map(|g| g.id.clone()));
        }
        ids.retain(|i| !i.is_empty());
        let emails = self
            .statsig_users
            .iter()
            .map(|u| u.user_name.as_str())
            .chain(self.okta_users.iter().map(|u| u.email.as_str()));
        let mut domains: FxHashSet<String> = emails
            .filter_map(|e| e.rsplit_once('@').map(|(_, d)| d.to_lowercase()))
            .collect();
        domains.extend(self.org_domains.iter().map(|d| d.to_lowercase()));
        Scrubber { key, ids, domains }
    }
}

fn ids(key: &RedactionKey, list: &mut [String]) {
    for id in list.iter_mut() {
        *id = key.id(id);
    }
    list.sort();
}

fn redact_mapping(key: &RedactionKey, scrubber: &Scrubber, m: &mut Mapping) {
    m.id = key.id(&m.id);
    m.okta_group_id = key.id(&m.okta_group_id);
    m.statsig_group_id = key.id(&m.statsig_group_id);
    ids(key, &mut m.last_pushed_members);
    if let Some(d) = &mut m.drift {
        ids(key, &mut d.added_in_statsig);
        ids(key, &mut d.removed_in_statsig);
    }
    if let MappingStatus::Error {
        cause,
        request,
        fix,
        ..
    } = &mut m.status
    {
        *cause = scrubber.scrub(cause);
        *request = request.as_deref().map(|r| scrubber.scrub(r));
        *fix = fix.as_deref().map(|f| scrubber.scrub(f));
    }
    if let MappingStatus::NeedsConfirmation { names, .. } = &mut m.status {
        for name in names.iter_mut() {
            *name = scrubber.scrub(name);
        }
    }
    if let Some(o) = &mut m.remote {
        o.target_group_id = key.id(&o.target_group_id);
        o.error_summary = o.error_summary.as_deref().map(|t| scrubber.scrub(t));
        o.pending = o.pending.as_deref().map(|t| scrubber.scrub(t));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> RedactionKey {
        RedactionKey::from_bytes([b; 32])
    }

    #[test]
    fn pseudonyms_are_keyed_stable_and_case_blind() {
        let (a, b) = (key(1), key(2));
        assert_eq!(a.person("Ada@Northwind.dev"), a.person("ada@northwind.dev"));
        assert_ne!(a.person("ada@northwind.dev"), b.person("ada@northwind.dev"));
        assert_ne!(a.person("ada@northwind.dev"), a.person("bob@northwind.dev"));
        let p = a.person("ada@northwind.dev");
        assert!(p.email.starts_with("person-") && p.email.ends_with(".invalid"));
        assert!(
            p.email
                .ends_with(&format!("@{}", a.domain("NORTHWIND.dev")))
        );
        assert_eq!(a.id("00u1"), a.id("00u1"));
        assert_ne!(a.id("00u1"), b.id("00u1"));
        assert_eq!(a.id(""), "");
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(RedactionKey::from_hex(&a.to_hex()), Some(a.clone()));
        assert_eq!(RedactionKey::from_hex("zz"), None);
        assert_eq!(format!("{a:?}"), "RedactionKey(***)");
    }

    #[test]
    fn a_redacted_snapshot_keeps_references_and_loses_people_ids_and_domains() {
        use crate::model::directory::tests::{og, ou, sg, su};
        use crate::model::mapping::MappingStatus;
        use crate::model::snapshot::tests::mapping;
        let mut g = og("og1", "Payments", &["o1"]);
        g.description = "Ada's payments people".into();
        let d = crate::model::Directory::new(
            vec!["Checkout".into()],
            vec!["example.com".into()],
            vec![su("s1", "ada@example.com"), su("s2", "bob@example.com")],
            vec![sg("g1", "Statsig-Checkout-Payments-Member", &["s1"])],
            vec![ou("o1", "ada@example.com", "ACTIVE")],
            vec![g],
        );
        let mut m = mapping(MappingStatus::Error {
            at: "t".into(),
            cause: "Statsig refused s1 (ada@example.com) in example.com.".into(),
            request: Some("PATCH /Groups/g1".into()),
            fix: Some("Unlink, then Create without ada@example.com's team name.".into()),
        });
        m.last_pushed_members = vec!["s1".into()];
        // A held push names who it would remove.
        let mut held = mapping(MappingStatus::NeedsConfirmation {
            at: "t".into(),
            removals: 1,
            members: 2,
            names: vec!["bob@example.com".into()],
        });
        held.id = "m2".into();
        let source = Source {
            statsig_url: "https://statsigapi.net/scim".into(),
            okta_url: "https://example.okta.com".into(),
            demo: false,
        };
        let s = Snapshot::capture("t", source, &d, &[m, held]);
        let r = s.redacted(&key(1));
        let text = String::from_utf8(r.to_json()).unwrap();
        for secret in [
            "ada@", "bob@", "example", "Given", "\"s1\"", "\"g1\"", "\"o1\"", "\"og1\"", "\"m1\"",
            "Ada's", "/g1",
        ] {
            assert!(!text.contains(secret), "{secret} leaked:\n{text}");
        }
        assert!(text.contains("Statsig-Checkout-Payments-Member") && text.contains("Payments"));
        assert_eq!(
            r.redaction_key.as_deref(),
            Some(key(1).fingerprint().as_str())
        );
        assert!(
            !text.contains(&key(1).to_hex()),
            "the key itself is never written"
        );
        // References still resolve: the file opens, and the Okta user still matches the
        // Statsig user through their email's pseudonym.
        let back = Snapshot::from_json(&r.to_json()).unwrap();
        let dir = back.directory();
        assert_eq!(dir.statsig_groups[0].members, vec![key(1).id("s1")]);
        assert_eq!(r.mappings[0].statsig_group_id, key(1).id("g1"));
        assert!(dir.in_org_domain(&r.okta_users[0].email));
        let failed = r.mappings.iter().find(|m| m.id == key(1).id("m1"));
        let Some(MappingStatus::Error { cause, fix, .. }) = failed.map(|m| &m.status) else {
            panic!("status")
        };
        assert!(cause.starts_with("Statsig refused r"), "{cause}");
        let fix = fix.as_deref().unwrap_or_default();
        assert!(!fix.contains("ada@example.com"), "{fix}");
        assert_eq!(
            r.redacted(&key(2)),
            r,
            "a redacted file is not redacted twice"
        );
    }

    #[test]
    fn source_urls_lose_the_org_name() {
        assert_eq!(
            redact_url("https://northwind.okta.com"),
            "https://redacted.okta.com"
        );
        assert_eq!(
            redact_url("https://statsigapi.net/scim"),
            "https://statsigapi.net/scim"
        );
        assert_eq!(
            redact_url("https://login.northwind.dev/scim"),
            "https://redacted.invalid"
        );
        assert_eq!(
            redact_url("http://127.0.0.1:9/scim"),
            "http://127.0.0.1:9/scim"
        );
    }
}
