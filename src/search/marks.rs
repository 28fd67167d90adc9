//! Accents written apart (NFD: "i" then U+0308, as macOS and some web
//! scrapes store text) for searches that set accents aside.
//!
//! The folded copy of a text keeps one character per character
//! ([`crate::model::fold_for_search`]), so that a position in it is a
//! position in the text; a combining accent stays where it is, and
//! "azerbaidjan" would never meet "azerbai\u{308}djan". Where a folded text
//! holds combining diacritics (U+0300–U+036F, what the accents of Latin,
//! Greek and Cyrillic letters decompose into), matching runs on a copy
//! without them, and a map gives each of its characters' position in the
//! text. Texts without them (nearly all) are matched as they are: the check
//! is a byte scan.

use std::ops::Range;

/// True for a combining diacritic of the block U+0300–U+036F.
pub fn is_diacritic(c: char) -> bool {
    ('\u{300}'..='\u{36F}').contains(&c)
}

/// True when `text` holds a combining diacritic. Their UTF-8 encodings
/// start with the byte 0xCC or 0xCD: a text with neither has none.
pub fn has_diacritics(text: &str) -> bool {
    memchr::memchr2(0xCC, 0xCD, text.as_bytes()).is_some() && text.chars().any(is_diacritic)
}

/// `text` without its combining diacritics.
pub fn strip(text: &str) -> String {
    text.chars().filter(|c| !is_diacritic(*c)).collect()
}

/// A query or a term as folded matching looks for it: accents and case
/// aside ([`crate::model::fold_str_for_search`]), accents written apart
/// left out, as they are in the texts it is looked for in.
pub fn fold_needle(needle: &str) -> String {
    strip(&crate::model::fold_str_for_search(needle))
}

/// A text without its combining diacritics, and where each of its
/// characters is in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stripped {
    pub text: String,
    /// Code point in the text of each code point of `text`.
    map: Vec<usize>,
    /// The text's length in code points.
    len: usize,
}

impl Stripped {
    pub fn new(text: &str) -> Stripped {
        let mut out = String::with_capacity(text.len());
        let mut map = Vec::with_capacity(text.len());
        let mut len = 0;
        for (i, c) in text.chars().enumerate() {
            len = i + 1;
            if !is_diacritic(c) {
                out.push(c);
                map.push(i);
            }
        }
        Stripped { text: out, map, len }
    }

    /// The text's range of `range` (code points of the stripped copy): the
    /// accents written after its last character belong to it.
    pub fn to_text(&self, range: Range<usize>) -> Range<usize> {
        let start = self.map.get(range.start).copied().unwrap_or(self.len);
        let end = self.map.get(range.end).copied().unwrap_or(self.len);
        start..end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_map_back_with_their_accents() {
        // "Ai" + diaeresis, "é" as e + acute: 11 code points, 9 without.
        let text = "Azerbai\u{308}dje\u{301}n";
        assert!(has_diacritics(text));
        assert!(
            !has_diacritics("Azerbaïdjan Ελλάδα ж"),
            "precomposed letters are not apart"
        );
        let s = Stripped::new(text);
        assert_eq!(s.text, "Azerbaidjen");
        let at = s.text.find("baidje").map(|b| s.text[..b].chars().count()).unwrap();
        let range = s.to_text(at..at + 6);
        let quoted: String = text.chars().skip(range.start).take(range.len()).collect();
        assert_eq!(
            quoted, "bai\u{308}dje\u{301}",
            "the accent after the last letter is taken"
        );
        assert_eq!(s.to_text(0..11), 0..13);
        assert_eq!(strip("e\u{301}\u{300}"), "e");
    }
}
