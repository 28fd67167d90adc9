//! Exact conversion between the three offset units researchers' tools use.
//!
//! Project files count in Unicode scalar values ("code points", what Python's
//! `str` indexes by). Rust strings are indexed by UTF-8 bytes, and JavaScript,
//! Java and doccano count UTF-16 code units. Getting these conversions wrong
//! is the most common bug in annotation tools, so they live in one place.
//!
//! [`OffsetIndex`] is built once per text in O(n). It keeps a checkpoint every
//! [`STRIDE`] code points (the byte and UTF-16 offsets of that code point), so
//! a lookup is O(1) (code point → byte/UTF-16) or O(log n) (byte/UTF-16 →
//! code point) plus a scan of at most `STRIDE` characters. Pure-ASCII texts,
//! where all three units coincide, need no checkpoints at all. Memory is
//! about 8 bytes per 64 characters, so a 10 MB document costs ~1.3 MB.

/// Code points between two checkpoints.
pub const STRIDE: usize = 64;

/// The unit an offset is counted in. Its command-line names (`codepoint`,
/// `utf16`, `byte`, with aliases) are said here once, for clap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum OffsetUnit {
    /// Unicode scalar values (Python `str`, Marginalia's project files).
    #[value(name = "codepoint", aliases = ["codepoints", "char", "chars", "scalar"])]
    CodePoint,
    /// UTF-16 code units (JavaScript, Java, doccano).
    #[value(name = "utf16", alias = "utf-16")]
    Utf16,
    /// UTF-8 bytes (Rust, Go, spaCy's `Doc.char_span` on bytes, C).
    #[value(name = "byte", aliases = ["bytes", "utf8", "utf-8"])]
    Byte,
}

impl OffsetUnit {
    /// The spelling used on the command line and in exported metadata.
    pub fn name(self) -> &'static str {
        match self {
            OffsetUnit::CodePoint => "codepoint",
            OffsetUnit::Utf16 => "utf16",
            OffsetUnit::Byte => "byte",
        }
    }

    /// What the unit counts, for messages ("12 UTF-16 code units").
    pub fn counts(self) -> &'static str {
        match self {
            OffsetUnit::CodePoint => "code points",
            OffsetUnit::Utf16 => "UTF-16 code units",
            OffsetUnit::Byte => "UTF-8 bytes",
        }
    }

    /// Parses [`OffsetUnit::name`]'s spelling (plus a few common aliases).
    pub fn parse(s: &str) -> Option<OffsetUnit> {
        <OffsetUnit as clap::ValueEnum>::from_str(s, true).ok()
    }
}

impl std::fmt::Display for OffsetUnit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Checkpoints for converting offsets in one text. See the module docs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetIndex {
    len_chars: usize,
    len_bytes: usize,
    len_utf16: usize,
    /// Empty when the text is ASCII. Otherwise `bytes[k]` and `utf16[k]` are
    /// the offsets of code point `k * STRIDE`, for every such point ≤ len.
    bytes: Vec<u32>,
    utf16: Vec<u32>,
}

impl OffsetIndex {
    /// Builds the index in one pass over `text`.
    ///
    /// Texts are limited to 4 GiB by the `u32` checkpoints; Marginalia's
    /// document size limit is far below that.
    pub fn new(text: &str) -> OffsetIndex {
        let len_bytes = text.len();
        if text.is_ascii() {
            return OffsetIndex {
                len_chars: len_bytes,
                len_bytes,
                len_utf16: len_bytes,
                bytes: Vec::new(),
                utf16: Vec::new(),
            };
        }
        let mut bytes = Vec::with_capacity(len_bytes / STRIDE + 2);
        let mut utf16 = Vec::with_capacity(len_bytes / STRIDE + 2);
        let mut units = 0usize;
        let mut chars = 0usize;
        for (byte, c) in text.char_indices() {
            if chars.is_multiple_of(STRIDE) {
                bytes.push(byte as u32);
                utf16.push(units as u32);
            }
            units += c.len_utf16();
            chars += 1;
        }
        if chars.is_multiple_of(STRIDE) {
            bytes.push(len_bytes as u32);
            utf16.push(units as u32);
        }
        OffsetIndex {
            len_chars: chars,
            len_bytes,
            len_utf16: units,
            bytes,
            utf16,
        }
    }

    /// Length of the text in code points.
    pub fn len_chars(&self) -> usize {
        self.len_chars
    }

    /// Length of the text in UTF-8 bytes.
    pub fn len_bytes(&self) -> usize {
        self.len_bytes
    }

    /// Length of the text in UTF-16 code units.
    pub fn len_utf16(&self) -> usize {
        self.len_utf16
    }

    /// Length of the text in `unit`.
    pub fn len_in(&self, unit: OffsetUnit) -> usize {
        match unit {
            OffsetUnit::CodePoint => self.len_chars,
            OffsetUnit::Utf16 => self.len_utf16,
            OffsetUnit::Byte => self.len_bytes,
        }
    }

    fn is_ascii(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Byte offset of code point `cp`, or `None` past the end.
    pub fn char_to_byte(&self, text: &str, cp: usize) -> Option<usize> {
        if cp > self.len_chars {
            return None;
        }
        if self.is_ascii() {
            return Some(cp);
        }
        let k = cp / STRIDE;
        let base = self.bytes[k] as usize;
        let rest = cp - k * STRIDE;
        Some(advance_chars(text, base, rest))
    }

    /// UTF-16 offset of code point `cp`, or `None` past the end.
    pub fn char_to_utf16(&self, text: &str, cp: usize) -> Option<usize> {
        if cp > self.len_chars {
            return None;
        }
        if self.is_ascii() {
            return Some(cp);
        }
        let k = cp / STRIDE;
        let base_byte = self.bytes[k] as usize;
        let mut units = self.utf16[k] as usize;
        let rest = cp - k * STRIDE;
        for c in text[base_byte..].chars().take(rest) {
            units += c.len_utf16();
        }
        Some(units)
    }

    /// Code point of byte offset `byte`; `None` past the end or inside a
    /// character's encoding.
    pub fn byte_to_char(&self, text: &str, byte: usize) -> Option<usize> {
        if byte > self.len_bytes || !text.is_char_boundary(byte) {
            return None;
        }
        if self.is_ascii() {
            return Some(byte);
        }
        // Last checkpoint at or before `byte`.
        let k = self.bytes.partition_point(|&b| b as usize <= byte) - 1;
        let base = self.bytes[k] as usize;
        Some(k * STRIDE + text[base..byte].chars().count())
    }

    /// Code point of UTF-16 offset `unit`; `None` past the end or between the
    /// two halves of a surrogate pair.
    pub fn utf16_to_char(&self, text: &str, unit: usize) -> Option<usize> {
        if unit > self.len_utf16 {
            return None;
        }
        if self.is_ascii() {
            return Some(unit);
        }
        let k = self.utf16.partition_point(|&u| u as usize <= unit) - 1;
        let mut units = self.utf16[k] as usize;
        let mut cp = k * STRIDE;
        let mut chars = text[self.bytes[k] as usize..].chars();
        while units < unit {
            let c = chars.next()?;
            units += c.len_utf16();
            cp += 1;
        }
        (units == unit).then_some(cp)
    }

    /// Converts a code point offset to `unit`.
    pub fn from_char(&self, text: &str, cp: usize, unit: OffsetUnit) -> Option<usize> {
        match unit {
            OffsetUnit::CodePoint => (cp <= self.len_chars).then_some(cp),
            OffsetUnit::Utf16 => self.char_to_utf16(text, cp),
            OffsetUnit::Byte => self.char_to_byte(text, cp),
        }
    }

    /// Converts an offset in `unit` to code points.
    pub fn to_char(&self, text: &str, offset: usize, unit: OffsetUnit) -> Option<usize> {
        match unit {
            OffsetUnit::CodePoint => (offset <= self.len_chars).then_some(offset),
            OffsetUnit::Utf16 => self.utf16_to_char(text, offset),
            OffsetUnit::Byte => self.byte_to_char(text, offset),
        }
    }
}

/// Byte offset reached by stepping `n` characters forward from `byte`.
fn advance_chars(text: &str, byte: usize, n: usize) -> usize {
    match text[byte..].char_indices().nth(n) {
        Some((i, _)) => byte + i,
        None => text.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIXED: &str = "l’Azerbaïdjan 👨🏻‍🚒 e\u{301} Հայաստան Россия مرحبا 中文\r\n🇦🇲!";

    #[test]
    fn ascii_text_needs_no_checkpoints() {
        let idx = OffsetIndex::new("plain ascii");
        assert!(idx.bytes.is_empty());
        assert_eq!(idx.char_to_utf16("plain ascii", 5), Some(5));
        assert_eq!(idx.byte_to_char("plain ascii", 12), None);
    }

    #[test]
    fn astral_emoji_count_two_utf16_units_and_four_bytes() {
        let text = "a😀b";
        let idx = OffsetIndex::new(text);
        assert_eq!(idx.len_chars(), 3);
        assert_eq!(idx.len_utf16(), 4);
        assert_eq!(idx.len_bytes(), 6);
        assert_eq!(idx.char_to_byte(text, 2), Some(5));
        assert_eq!(idx.char_to_utf16(text, 2), Some(3));
        // Between the two halves of the surrogate pair.
        assert_eq!(idx.utf16_to_char(text, 2), None);
        // Inside the emoji's UTF-8 encoding.
        assert_eq!(idx.byte_to_char(text, 3), None);
    }

    #[test]
    fn every_char_boundary_round_trips_in_mixed_scripts() {
        let long = MIXED.repeat(20);
        let idx = OffsetIndex::new(&long);
        let mut units = 0;
        for (cp, (byte, c)) in long.char_indices().enumerate() {
            assert_eq!(idx.char_to_byte(&long, cp), Some(byte), "cp {cp}");
            assert_eq!(idx.byte_to_char(&long, byte), Some(cp));
            assert_eq!(idx.char_to_utf16(&long, cp), Some(units));
            assert_eq!(idx.utf16_to_char(&long, units), Some(cp));
            units += c.len_utf16();
        }
        let n = long.chars().count();
        assert_eq!(idx.char_to_byte(&long, n), Some(long.len()));
        assert_eq!(idx.char_to_utf16(&long, n), Some(units));
        assert_eq!(idx.char_to_byte(&long, n + 1), None);
    }

    #[test]
    fn zwj_sequence_is_several_code_points() {
        // 👨🏻‍🚒 = man, skin tone, ZWJ, fire engine: 4 scalars, 7 UTF-16 units.
        let text = "👨🏻‍🚒";
        let idx = OffsetIndex::new(text);
        assert_eq!(idx.len_chars(), 4);
        assert_eq!(idx.len_utf16(), 7);
        assert_eq!(idx.len_bytes(), 15);
    }

    #[test]
    fn units_parse_from_their_names() {
        for unit in [OffsetUnit::CodePoint, OffsetUnit::Utf16, OffsetUnit::Byte] {
            assert_eq!(OffsetUnit::parse(unit.name()), Some(unit));
        }
        assert_eq!(OffsetUnit::parse("furlongs"), None);
    }
}
