//! A text field's buffer for a token: typed like any text, but it never prints (`Debug`
//! shows `***`), becomes a [`Secret`] when sent, and is wiped when dropped.

use crate::model::secret::Secret;
use crate::model::token::{self, TokenFor};
use egui::TextBuffer;
use egui::text::CharIndex;
use std::ops::Range;

/// The buffer behind a masked token field.
#[derive(Default, Clone)]
pub struct SecretField(String);

impl std::fmt::Debug for SecretField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl SecretField {
    /// The token typed, trimmed; `None` when nothing was typed.
    pub fn secret(&self) -> Option<Secret> {
        let t = self.0.trim();
        (!t.is_empty()).then(|| Secret::new(t))
    }

    /// What the typed token says before it is sent: `Ok(Some(note))` when its scheme
    /// (`Bearer `, `SSWS `) will be taken off, `Err(sentence)` when it is clearly the
    /// other service's; `Ok(None)` when empty or as it should be.
    pub fn check(&self, kind: TokenFor) -> Result<Option<String>, String> {
        if self.is_empty() {
            return Ok(None);
        }
        let what = format!("The {}", kind.name());
        token::clean(kind, &self.0, &what)
            .map(|c| c.note(&what))
            .map_err(|e| e.0)
    }

    /// Whether anything was typed.
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// Forgets what was typed.
    pub fn wipe(&mut self) {
        // Overwrite before freeing, so the token does not linger in freed memory.
        let len = self.0.len();
        self.0.clear();
        self.0.extend(std::iter::repeat_n('\0', len));
        self.0.clear();
    }
}

impl Drop for SecretField {
    fn drop(&mut self) {
        self.wipe();
    }
}

impl TextBuffer for SecretField {
    fn is_mutable(&self) -> bool {
        true
    }

    fn as_str(&self) -> &str {
        &self.0
    }

    fn insert_text(&mut self, text: &str, char_index: CharIndex) -> usize {
        self.0.insert_text(text, char_index)
    }

    fn delete_char_range(&mut self, char_range: Range<CharIndex>) {
        self.0.delete_char_range(char_range)
    }

    fn type_id(&self) -> std::any::TypeId {
        std::any::TypeId::of::<Self>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_and_becomes_a_secret() {
        let mut f = SecretField::default();
        f.insert_text(" scim-abc ", CharIndex(0));
        assert_eq!(format!("{f:?}"), "***");
        assert_eq!(f.secret().unwrap().expose(), "scim-abc");
        f.wipe();
        assert!(f.is_empty() && f.secret().is_none());
    }
}
