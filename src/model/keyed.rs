//! Users by id and by email without a copy of either: each entry is the key's hash and
//! the user's place, and a lookup confirms the candidate by the user's own fields. A
//! large org's index so holds 12 bytes an entry instead of a copied string.

use super::records::{OktaUser, StatsigUser};
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::{Hash, Hasher};

/// A user's id and the two emails it is found by (email and login, or userName and
/// email).
pub(crate) type Keys<'a> = (&'a str, [&'a str; 2]);

/// Places by one kind of key (ids as they are, or emails lower-cased).
#[derive(Debug, Clone, Default)]
pub(crate) struct Keyed {
    by_hash: FxHashMap<u64, u32>,
    /// Keys whose hash another key already had (rare): kept whole.
    clashes: FxHashMap<String, u32>,
}

fn hash(key: &str) -> u64 {
    let mut h = FxHasher::default();
    key.hash(&mut h);
    h.finish()
}

/// `s` lower-cased is `lower`, without making the lower-cased copy.
fn lower_is(s: &str, lower: &str) -> bool {
    s.chars().flat_map(char::to_lowercase).eq(lower.chars())
}

impl Keyed {
    /// Adds `key` for `place` unless it is there already (the first place keeps it).
    /// `is_key(p, key)` says whether the user at `p` has `key`.
    fn insert_first(&mut self, key: &str, place: usize, is_key: impl Fn(usize, &str) -> bool) {
        match self.by_hash.entry(hash(key)) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(place as u32);
            }
            std::collections::hash_map::Entry::Occupied(e) => {
                if !is_key(*e.get() as usize, key) {
                    self.clashes.entry(key.to_string()).or_insert(place as u32);
                }
            }
        }
    }

    fn get(&self, key: &str, is_key: impl Fn(usize, &str) -> bool) -> Option<usize> {
        match self.by_hash.get(&hash(key)) {
            Some(&p) if is_key(p as usize, key) => Some(p as usize),
            Some(_) => self.clashes.get(key).map(|&p| p as usize),
            None => None,
        }
    }
}

/// Users by id and by email (any case), over `users` whose keys `keys` gives.
#[derive(Debug, Clone, Default)]
pub(crate) struct UserKeys {
    by_id: Keyed,
    by_email: Keyed,
}

impl UserKeys {
    /// Indexes `users`; the first user with an email keeps it.
    pub(crate) fn new<U>(users: &[U], keys: impl Fn(&U) -> Keys<'_>) -> Self {
        let mut ix = UserKeys::default();
        let id_is = |p: usize, k: &str| keys(&users[p]).0 == k;
        let email_is = |p: usize, k: &str| keys(&users[p]).1.iter().any(|e| lower_is(e, k));
        ix.by_id.by_hash.reserve(users.len());
        ix.by_email.by_hash.reserve(users.len() * 2);
        for (i, u) in users.iter().enumerate() {
            let (id, emails) = keys(u);
            ix.by_id.insert_first(id, i, id_is);
            for e in emails {
                ix.by_email.insert_first(&e.to_lowercase(), i, email_is);
            }
        }
        ix
    }

    /// The place of the user with this id.
    pub(crate) fn id<U>(
        &self,
        users: &[U],
        keys: impl Fn(&U) -> Keys<'_>,
        id: &str,
    ) -> Option<usize> {
        self.by_id.get(id, |p, k| keys(&users[p]).0 == k)
    }

    /// The place of the user with this email (any case).
    pub(crate) fn email<U>(
        &self,
        users: &[U],
        keys: impl Fn(&U) -> Keys<'_>,
        email: &str,
    ) -> Option<usize> {
        self.by_email.get(&email.to_lowercase(), |p, k| {
            keys(&users[p]).1.iter().any(|e| lower_is(e, k))
        })
    }
}

/// A Statsig user's id, and its userName and email (what Okta users are matched by).
pub(crate) fn statsig_keys(u: &StatsigUser) -> Keys<'_> {
    (&u.id, [&u.user_name, &u.email])
}

/// An Okta user's id, and its email and login.
pub(crate) fn okta_keys(u: &OktaUser) -> Keys<'_> {
    (&u.id, [&u.email, &u.login])
}

/// Statsig users found by id or email while the index is built.
pub(crate) struct Finder<'a> {
    pub(crate) keys: &'a UserKeys,
    pub(crate) users: &'a [StatsigUser],
}

impl Finder<'_> {
    pub(crate) fn id(&self, id: &str) -> Option<usize> {
        self.keys.id(self.users, statsig_keys, id)
    }

    pub(crate) fn email(&self, email: &str) -> Option<usize> {
        self.keys.email(self.users, statsig_keys, email)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(u: &(String, String, String)) -> Keys<'_> {
        (&u.0, [&u.1, &u.2])
    }

    #[test]
    fn finds_by_id_and_any_case_email_and_the_first_user_keeps_a_shared_email() {
        let users = vec![
            (
                "u1".to_string(),
                "Ada@Example.com".to_string(),
                "ada".to_string(),
            ),
            (
                "u2".to_string(),
                "bob@example.com".to_string(),
                "ADA@example.com".to_string(),
            ),
        ];
        let ix = UserKeys::new(&users, keys);
        assert_eq!(ix.id(&users, keys, "u2"), Some(1));
        assert_eq!(ix.id(&users, keys, "u3"), None);
        assert_eq!(ix.email(&users, keys, "ada@EXAMPLE.com"), Some(0));
        assert_eq!(ix.email(&users, keys, "BOB@example.com"), Some(1));
        assert_eq!(ix.email(&users, keys, "nobody@example.com"), None);
    }

    #[test]
    fn keys_whose_hashes_clash_are_still_told_apart() {
        // Force a clash: an entry for another key's hash, as a colliding hash would make.
        let users = vec![
            ("a".to_string(), String::new(), String::new()),
            ("b".to_string(), String::new(), String::new()),
        ];
        let mut ix = UserKeys::default();
        ix.by_id.by_hash.insert(hash("b"), 0);
        ix.by_id.insert_first("b", 1, |p, k| users[p].0 == k);
        assert_eq!(ix.id(&users, keys, "b"), Some(1));
        assert_eq!(ix.by_id.clashes.len(), 1);
    }
}
