//! A document's text together with its offset index.
//!
//! [`Text`] is immutable and cheap to clone (an `Arc`), so the session, the
//! GUI's layout cache and background jobs can all hold the same text. All
//! offsets in its API are code points, the unit of project files; the other
//! units go through [`OffsetIndex`].

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use super::offsets::{OffsetIndex, OffsetUnit};

/// An immutable document text with O(1)/O(log n) offset conversions.
#[derive(Clone, Default)]
pub struct Text(Arc<TextInner>);

#[derive(Default)]
struct TextInner {
    string: String,
    index: OffsetIndex,
    /// The content hash, computed once on first use: the GUI asks every
    /// frame whether a document still has the text its annotations were
    /// made on, and hashing 10 MB takes milliseconds.
    hash: OnceLock<String>,
}

impl Text {
    /// Wraps `string`, building its offset index (O(n)).
    pub fn new(string: impl Into<String>) -> Text {
        let string = string.into();
        let index = OffsetIndex::new(&string);
        Text(Arc::new(TextInner {
            string,
            index,
            hash: OnceLock::new(),
        }))
    }

    /// The text's content hash (`sha256:…`), computed once.
    pub fn content_hash(&self) -> &str {
        self.0
            .hash
            .get_or_init(|| super::document::content_hash(&self.0.string))
    }

    /// The whole text.
    pub fn as_str(&self) -> &str {
        &self.0.string
    }

    /// The offset index.
    pub fn index(&self) -> &OffsetIndex {
        &self.0.index
    }

    /// Length in code points.
    pub fn len_chars(&self) -> usize {
        self.0.index.len_chars()
    }

    /// True for the empty text.
    pub fn is_empty(&self) -> bool {
        self.0.string.is_empty()
    }

    /// Byte offset of code point `cp`, or `None` past the end.
    pub fn byte_of(&self, cp: usize) -> Option<usize> {
        self.0.index.char_to_byte(&self.0.string, cp)
    }

    /// Code point of byte offset `byte` (`None` if not on a character boundary).
    pub fn char_of_byte(&self, byte: usize) -> Option<usize> {
        self.0.index.byte_to_char(&self.0.string, byte)
    }

    /// Byte range of a code point range, or `None` if it is out of bounds or reversed.
    pub fn byte_range(&self, range: Range<usize>) -> Option<Range<usize>> {
        if range.start > range.end {
            return None;
        }
        Some(self.byte_of(range.start)?..self.byte_of(range.end)?)
    }

    /// The text of code points `[start, end)`, or `None` if out of bounds.
    pub fn slice(&self, range: Range<usize>) -> Option<&str> {
        let bytes = self.byte_range(range)?;
        Some(&self.0.string[bytes])
    }

    /// Converts a code point offset to `unit`.
    pub fn offset_in(&self, cp: usize, unit: OffsetUnit) -> Option<usize> {
        self.0.index.from_char(&self.0.string, cp, unit)
    }

    /// Converts an offset in `unit` to code points.
    pub fn char_from(&self, offset: usize, unit: OffsetUnit) -> Option<usize> {
        self.0.index.to_char(&self.0.string, offset, unit)
    }

    /// True when both values share one allocation (a cheap identity check).
    pub fn ptr_eq(&self, other: &Text) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.ptr_eq(other) || self.0.string == other.0.string
    }
}

impl Eq for Text {}

/// `s` cut to `max` characters (code points) with an ellipsis, for
/// messages, menus and lists.
pub fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// `c` as searches compare it: lower case and without the accents of a
/// precomposed letter (`É` → `e`, `ï` → `i`, `й` → `и`, `أ` → `ا`), so that
/// researchers typing "Azerbaidjan" find "Azerbaïdjan". Always exactly one
/// character, so that positions in a folded copy are positions in the
/// text; a combining mark written apart stays as it is.
pub fn fold_for_search(c: char) -> char {
    use unicode_normalization::UnicodeNormalization;
    // Most of a text is ASCII: folding a 10 MB French text takes 56 ms
    // with this shortcut, 242 ms through normalisation alone.
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    // Typographic and straight apostrophes are one (« l’armée », « l'armée »).
    if matches!(c, '\u{2019}' | '\u{2018}' | '\u{02BC}') {
        return '\'';
    }
    let lower = c.to_lowercase().next().unwrap_or(c);
    std::iter::once(lower).nfd().next().unwrap_or(lower)
}

/// `s` with every character folded by [`fold_for_search`].
pub fn fold_str_for_search(s: &str) -> String {
    s.chars().map(fold_for_search).collect()
}

/// `n` and an English noun with a plain plural: "1 change", "2 changes".
pub fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const SHOWN: usize = 40;
        let s = self.as_str();
        match s.char_indices().nth(SHOWN) {
            Some((cut, _)) => write!(f, "Text({:?}… {} chars)", &s[..cut], self.len_chars()),
            None => write!(f, "Text({s:?})"),
        }
    }
}

/// One piece of a [`natural_key`]: a run of digits (by value) or the text
/// between them. Numbers sort before text at the same place.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NaturalPart {
    /// Digits without their leading zeros: shorter is smaller, then by digit.
    Number(usize, String),
    Text(String),
}

/// A key that sorts titles as people read them: "Article 2" before
/// "Article 10", accents and case aside.
pub fn natural_key(s: &str) -> Vec<NaturalPart> {
    let folded = fold_str_for_search(s);
    let mut out = Vec::new();
    let mut rest = folded.as_str();
    while let Some(c) = rest.chars().next() {
        let digit = c.is_ascii_digit();
        let end = rest.find(|ch: char| ch.is_ascii_digit() != digit).unwrap_or(rest.len());
        let (run, tail) = rest.split_at(end);
        out.push(if digit {
            let value = run.trim_start_matches('0');
            NaturalPart::Number(value.len(), value.to_owned())
        } else {
            NaturalPart::Text(run.to_owned())
        });
        rest = tail;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_folding_is_one_character_for_one() {
        assert_eq!(
            fold_str_for_search("L’Azerbaïdjan"),
            "l'azerbaidjan",
            "apostrophes are one"
        );
        assert_eq!(fold_str_for_search("ÉVÉNEMENT Şuşa"), "evenement susa");
        assert_eq!(fold_str_for_search("Йошкар Ёлка"), "иошкар елка");
        assert_eq!(fold_str_for_search("أحمد"), "احمد");
        assert_eq!(fold_str_for_search("Հայաստան 中文"), "հայաստան 中文");
        let mixed = "Pompier 👨🏻‍🚒 café\u{301} 🇦🇲\r\nİstanbul ẞ";
        assert_eq!(fold_str_for_search(mixed).chars().count(), mixed.chars().count());
        assert_eq!(fold_for_search('\u{301}'), '\u{301}', "a mark written apart stays");
    }

    #[test]
    fn slices_by_code_points() {
        let t = Text::new("Հայաստան и Россия");
        assert_eq!(t.slice(0..8), Some("Հայաստան"));
        assert_eq!(t.slice(11..17), Some("Россия"));
        assert_eq!(t.slice(11..18), None);
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 5..4;
        assert_eq!(t.slice(reversed), None);
    }

    #[test]
    fn crlf_counts_as_two_code_points() {
        let t = Text::new("a\r\nb");
        assert_eq!(t.len_chars(), 4);
        assert_eq!(t.slice(3..4), Some("b"));
    }

    #[test]
    fn equality_compares_content() {
        assert_eq!(Text::new("x"), Text::new("x"));
        assert_ne!(Text::new("x"), Text::new("y"));
    }

    #[test]
    fn natural_keys_sort_numbers_by_value() {
        let mut titles = vec![
            "Article 10",
            "article 2",
            "Article 1",
            "Article 100",
            "Article 02b",
            "Bakou",
            "Árticle 3",
        ];
        titles.sort_by_cached_key(|t| natural_key(t));
        assert_eq!(
            titles,
            [
                "Article 1",
                "article 2",
                "Article 02b",
                "Árticle 3",
                "Article 10",
                "Article 100",
                "Bakou"
            ]
        );
        assert!(
            natural_key("x99999999999999999999999") > natural_key("x1000"),
            "beyond u64"
        );
    }
}
