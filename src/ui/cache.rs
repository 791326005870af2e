//! Derived data kept between frames: computed when its key changes (the directory's
//! generation, the search text, a selection), never per frame.

/// One value, recomputed only when its key changes.
#[derive(Debug)]
pub struct Memo<K, V> {
    entry: Option<(K, V)>,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo { entry: None }
    }
}

impl<K: PartialEq, V> Memo<K, V> {
    /// The value for `key`, computed by `make` when the key changed.
    pub fn get(&mut self, key: K, make: impl FnOnce() -> V) -> &V {
        if self.entry.as_ref().is_some_and(|(k, _)| *k != key) {
            self.entry = None;
        }
        &self.entry.get_or_insert_with(|| (key, make())).1
    }

    /// Forgets the value.
    pub fn clear(&mut self) {
        self.entry = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computes_once_per_key() {
        let mut m: Memo<u32, u32> = Memo::default();
        let mut calls = 0;
        assert_eq!(
            *m.get(1, || {
                calls += 1;
                10
            }),
            10
        );
        assert_eq!(
            *m.get(1, || {
                calls += 1;
                11
            }),
            10
        );
        assert_eq!(
            *m.get(2, || {
                calls += 1;
                20
            }),
            20
        );
        assert_eq!(calls, 2);
    }
}
