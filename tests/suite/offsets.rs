//! Property tests of offset conversion and word snapping on mixed scripts.

use crate::common;

use marginalia::model::words::{snap_to_words, word_at};
use marginalia::model::{OffsetUnit, Text};
use proptest::prelude::*;

/// Pieces of text that stress offset arithmetic: astral emoji, ZWJ and
/// flag sequences, combining marks, RTL and CJK scripts, CRLF.
const PIECES: &[&str] = &[
    "a",
    "Z",
    " ",
    "é",
    "e\u{301}",
    "’",
    "l’",
    "👨🏻‍🚒",
    "🇦🇲",
    "😀",
    "Հայ",
    "Россия",
    "مرحبا",
    "中文",
    "\r\n",
    "\n",
    "\t",
    "—",
    "«\u{a0}",
    "\u{200d}",
    "𝔄",
    ".",
    "Azerbaïdjan",
];

fn mixed_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..300).prop_map(|v| v.concat())
}

/// Reference conversion: count units of the prefix of `cp` characters.
fn reference(text: &str, cp: usize, unit: OffsetUnit) -> usize {
    let prefix: String = text.chars().take(cp).collect();
    match unit {
        OffsetUnit::CodePoint => cp,
        OffsetUnit::Utf16 => prefix.encode_utf16().count(),
        OffsetUnit::Byte => prefix.len(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn conversions_agree_with_counting(text in mixed_text(), frac in 0.0f64..=1.0) {
        let t = Text::new(text.clone());
        let n = t.len_chars();
        let cp = ((n as f64) * frac) as usize;
        for unit in [OffsetUnit::CodePoint, OffsetUnit::Utf16, OffsetUnit::Byte] {
            let expected = reference(&text, cp, unit);
            prop_assert_eq!(t.offset_in(cp, unit), Some(expected));
            prop_assert_eq!(t.char_from(expected, unit), Some(cp));
        }
        prop_assert_eq!(t.offset_in(n + 1, OffsetUnit::Utf16), None);
    }

    #[test]
    fn offsets_inside_a_character_are_rejected(text in mixed_text()) {
        let t = Text::new(text.clone());
        for byte in 0..=text.len() {
            prop_assert_eq!(t.char_from(byte, OffsetUnit::Byte).is_some(), text.is_char_boundary(byte));
        }
        let mut boundaries = std::collections::HashSet::new();
        let mut units = 0;
        boundaries.insert(0);
        for c in text.chars() {
            units += c.len_utf16();
            boundaries.insert(units);
        }
        for u in 0..=units {
            prop_assert_eq!(t.char_from(u, OffsetUnit::Utf16).is_some(), boundaries.contains(&u));
        }
    }

    #[test]
    fn slices_match_unit_slicing(text in mixed_text(), a in 0.0f64..=1.0, b in 0.0f64..=1.0) {
        let t = Text::new(text.clone());
        let n = t.len_chars();
        let (mut s, mut e) = (((n as f64) * a) as usize, ((n as f64) * b) as usize);
        if s > e { std::mem::swap(&mut s, &mut e); }
        let expected: String = text.chars().skip(s).take(e - s).collect();
        prop_assert_eq!(t.slice(s..e), Some(expected.as_str()));
        // The same span through UTF-16 units and bytes.
        let (us, ue) = (t.offset_in(s, OffsetUnit::Utf16).unwrap(), t.offset_in(e, OffsetUnit::Utf16).unwrap());
        let utf16: Vec<u16> = text.encode_utf16().collect();
        let through_utf16 = String::from_utf16(&utf16[us..ue]).unwrap();
        prop_assert_eq!(through_utf16.as_str(), expected.as_str());
        let (bs, be) = (t.offset_in(s, OffsetUnit::Byte).unwrap(), t.offset_in(e, OffsetUnit::Byte).unwrap());
        prop_assert_eq!(&text[bs..be], expected.as_str());
    }

    #[test]
    fn snapping_only_grows_and_stays_in_bounds(text in mixed_text(), a in 0.0f64..=1.0, b in 0.0f64..=1.0) {
        let t = Text::new(text);
        let n = t.len_chars();
        let (mut s, mut e) = (((n as f64) * a) as usize, ((n as f64) * b) as usize);
        if s > e { std::mem::swap(&mut s, &mut e); }
        let r = snap_to_words(&t, s..e);
        prop_assert!(r.start <= r.end && r.end <= n);
        let selected = t.slice(s..e).unwrap();
        // Whitespace and clause punctuation at the edges aside, snapping
        // never loses selected text.
        let edge = |c: char| c.is_whitespace() || ".,;:!?…".contains(c);
        let inner = selected.trim_matches(edge);
        if !inner.is_empty() {
            let trimmed_start = s + (selected.chars().count() - selected.trim_start_matches(edge).chars().count());
            let trimmed_end = e - (selected.chars().count() - selected.trim_end_matches(edge).chars().count());
            prop_assert!(r.start <= trimmed_start && trimmed_end <= r.end, "{:?} from {:?}", r, s..e);
        }
        // Snapping is idempotent.
        prop_assert_eq!(snap_to_words(&t, r.clone()), r);
    }

    #[test]
    fn double_click_word_contains_the_click(text in mixed_text(), a in 0.0f64..1.0) {
        let t = Text::new(text);
        let n = t.len_chars();
        prop_assume!(n > 0);
        let cp = (((n as f64) * a) as usize).min(n - 1);
        let w = word_at(&t, cp).unwrap();
        prop_assert!(w.start <= cp && cp < w.end && w.end <= n, "{:?} for {}", w, cp);
    }
}

#[test]
fn offsets_of_the_fixture_text_in_each_unit() {
    let t = Text::new(common::MIXED_TEXT);
    let byte = common::MIXED_TEXT.find("👨🏻‍🚒").unwrap();
    let cp = t.char_from(byte, OffsetUnit::Byte).unwrap();
    assert_eq!(t.slice(cp..cp + 4), Some("👨🏻‍🚒"));
    let u = t.offset_in(cp, OffsetUnit::Utf16).unwrap();
    assert_eq!(t.offset_in(cp + 4, OffsetUnit::Utf16), Some(u + 7));
    assert_eq!(t.offset_in(cp + 4, OffsetUnit::Byte), Some(byte + 15));
}
