//! UAX #29 word boundaries, fast for the text researchers mostly tag.
//!
//! `unicode_segmentation` implements every rule for every script and was
//! most of the CoNLL export's time. Most lines of a French, English or
//! German corpus use a small alphabet: ASCII, the Latin-1 and Latin
//! Extended letters, and common punctuation. For such a line only a few
//! rules can apply (WB3–WB3b line breaks, WB3d spaces, WB5–WB13b letters,
//! digits and their middle punctuation, and WB999), and this module
//! applies them directly; any line with another character (combining
//! marks, other scripts, emoji, a narrow no-break space) goes to
//! `unicode_segmentation`. The two are compared on random text of the
//! alphabet and on the sample corpus (see the tests).

use unicode_segmentation::UnicodeSegmentation;

/// The Word_Break property of the characters this module handles.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Wb {
    Letter,
    Numeric,
    MidLetter,
    MidNumLet,
    SingleQuote,
    MidNum,
    ExtendNumLet,
    Space,
    Cr,
    Lf,
    Other,
}

/// The property of `c`, or `None` outside the handled alphabet.
fn category(c: char) -> Option<Wb> {
    Some(match c {
        'a'..='z' | 'A'..='Z' => Wb::Letter,
        '0'..='9' => Wb::Numeric,
        ':' | '\u{B7}' => Wb::MidLetter,
        '.' | '\u{2018}' | '\u{2019}' => Wb::MidNumLet,
        '\'' => Wb::SingleQuote,
        ',' | ';' => Wb::MidNum,
        '_' => Wb::ExtendNumLet,
        ' ' => Wb::Space,
        '\r' => Wb::Cr,
        '\n' => Wb::Lf,
        '\u{AA}' | '\u{B5}' | '\u{BA}' => Wb::Letter,
        '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{24F}' => Wb::Letter,
        '\t' | '!' | '"' | '#' | '$' | '%' | '&' | '(' | ')' | '*' | '+' | '-' | '/' | '<' | '=' | '>' | '?' | '@'
        | '[' | '\\' | ']' | '^' | '`' | '{' | '|' | '}' | '~' => Wb::Other,
        // Latin-1 punctuation and symbols (not the soft hyphen, a format
        // character), and common dashes, quotes and the ellipsis.
        '\u{A0}'..='\u{A9}' | '\u{AB}' | '\u{AC}' | '\u{AE}'..='\u{B4}' | '\u{B6}' | '\u{B8}' | '\u{B9}' => Wb::Other,
        '\u{BB}'..='\u{BF}' | '\u{D7}' | '\u{F7}' => Wb::Other,
        '\u{2013}' | '\u{2014}' | '\u{201C}' | '\u{201D}' | '\u{2026}' => Wb::Other,
        _ => return None,
    })
}

fn is_mid_letter(w: Wb) -> bool {
    matches!(w, Wb::MidLetter | Wb::MidNumLet | Wb::SingleQuote)
}

fn is_mid_num(w: Wb) -> bool {
    matches!(w, Wb::MidNum | Wb::MidNumLet | Wb::SingleQuote)
}

/// Whether there is no boundary between `cats[i - 1]` and `cats[i]`.
fn joined(cats: &[Wb], i: usize) -> bool {
    use Wb::*;
    let (a, b) = (cats[i - 1], cats[i]);
    let before = i.checked_sub(2).map(|j| cats[j]);
    let after = cats.get(i + 1).copied();
    match (a, b) {
        (Cr, Lf) => true,
        (Cr | Lf, _) | (_, Cr | Lf) => false,
        (Space, Space) => true,
        (Letter | Numeric, Letter | Numeric) => true,
        (Letter, m) if is_mid_letter(m) && after == Some(Letter) => true,
        (m, Letter) if is_mid_letter(m) && before == Some(Letter) => true,
        (Numeric, m) if is_mid_num(m) && after == Some(Numeric) => true,
        (m, Numeric) if is_mid_num(m) && before == Some(Numeric) => true,
        (Letter | Numeric | ExtendNumLet, ExtendNumLet) => true,
        (ExtendNumLet, Letter | Numeric) => true,
        _ => false,
    }
}

/// The word segments of `s` with their byte offsets, as
/// `unicode_segmentation`'s `split_word_bound_indices` gives them.
#[cfg(test)]
pub fn word_bound_indices(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for_each_word_bound(s, |b, w, _| {
        out.push((b, w));
        true
    });
    out
}

/// What the segmenter already knows of a segment, so that its caller need
/// not read it again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// White space only.
    Space,
    /// No white space and no apostrophe or full stop inside: this many
    /// code points.
    Plain(usize),
    /// Anything else (the caller looks).
    Unknown,
}

/// The shape of a segment of the handled alphabet, from its categories
/// and its first character.
fn shape(cats: &[Wb], first: char) -> Shape {
    match cats {
        [Wb::Space | Wb::Cr | Wb::Lf, ..] => Shape::Space,
        // Tab and no-break space are categorised Other, alone in their segment.
        [Wb::Other] if first.is_whitespace() => Shape::Space,
        _ if cats.iter().any(|&w| matches!(w, Wb::MidNumLet | Wb::SingleQuote)) => Shape::Unknown,
        _ => Shape::Plain(cats.len()),
    }
}

/// Calls `f` with each word segment of `s` and its byte offset, in order
/// (until `f` returns false),
/// as `unicode_segmentation`'s `split_word_bound_indices` gives them
/// (called, not collected: a list of the segments of a 10 MB text is
/// 80 MB written once and read once).
///
/// The text is cut into pieces where a boundary is certain whatever the
/// context (after a line feed, WB3a; between a space and a character of
/// the alphabet that is not a space, WB999: no rule joins them, and no
/// rule looks across a space); a piece of the alphabet only is segmented
/// here, any other by `unicode_segmentation`.
pub fn for_each_word_bound<'s>(s: &'s str, mut f: impl FnMut(usize, &'s str, Shape) -> bool) {
    let mut cats: Vec<Wb> = Vec::new();
    let mut starts: Vec<usize> = Vec::new();
    let mut piece_start = 0;
    let mut simple = true;
    let mut previous: Option<Wb> = None;
    // Hands the segments of `s[from..to]` to `f`; false once `f` said stop.
    let mut flush = |from: usize, to: usize, simple: bool, cats: &[Wb], starts: &[usize]| {
        if from == to {
            return true;
        }
        if simple {
            let mut first = 0;
            let mut emit = |first: usize, end: usize, cats: &[Wb]| {
                let w = &s[starts[first]..end];
                f(starts[first], w, shape(cats, w.chars().next().unwrap_or(' ')))
            };
            for i in 1..cats.len() {
                if !joined(cats, i) {
                    if !emit(first, starts[i], &cats[first..i]) {
                        return false;
                    }
                    first = i;
                }
            }
            emit(first, to, &cats[first..])
        } else {
            s[from..to]
                .split_word_bound_indices()
                .all(|(b, w)| f(from + b, w, Shape::Unknown))
        }
    };
    for (b, c) in s.char_indices() {
        let cat = category(c);
        let cut = match (previous, cat) {
            (Some(Wb::Lf), _) => true,
            (Some(Wb::Space), Some(w)) => !matches!(w, Wb::Space | Wb::Cr | Wb::Lf),
            _ => false,
        };
        if cut {
            if !flush(piece_start, b, simple, &cats, &starts) {
                return;
            }
            cats.clear();
            starts.clear();
            piece_start = b;
            simple = true;
        }
        match cat {
            Some(w) if simple => {
                cats.push(w);
                starts.push(b);
            }
            _ => simple = false,
        }
        previous = cat;
    }
    flush(piece_start, s.len(), simple, &cats, &starts);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reference(s: &str) -> Vec<(usize, &str)> {
        s.split_word_bound_indices().collect()
    }

    #[test]
    fn the_sample_corpus_segments_as_unicode_segmentation_does() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_projects/karabakh");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert_eq!(word_bound_indices(&text), reference(&text), "{}", path.display());
            }
        }
        for text in [
            "l’Azerbaïdjan, 3.5 km; a:b l'armée 1,000.25 a_b _x x_ 12_a «oui» — « non »… ½ ×2",
            "Pompier 👨🏻‍🚒 à Stepanakert, café\u{301} noir.\r\nՀայաստան\r\n\r\n  \t x",
            "a\u{202F}: b\u{A0}c\u{AD}d",
        ] {
            assert_eq!(word_bound_indices(text), reference(text), "{text:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
        #[test]
        fn random_text_of_the_alphabet_segments_the_same(
            chars in proptest::collection::vec(
                prop::sample::select(vec![
                    'a', 'Z', 'é', 'ï', 'Œ', 'ß', '0', '9', ':', '·', '.', '’', '‘', '\'', ',', ';', '_', ' ', ' ',
                    '\r', '\n', '\t', '!', '"', '-', '(', '«', '»', '\u{A0}', '—', '…', '“', 'ª', 'µ', '×', '¿',
                    '\u{301}', '\u{202F}', 'Ա', '😀',
                ]),
                0..40,
            )
        ) {
            let s: String = chars.into_iter().collect();
            prop_assert_eq!(word_bound_indices(&s), reference(&s));
        }

        /// Only the handled alphabet: every line takes the fast path.
        #[test]
        fn the_fast_path_alone_segments_the_same(
            chars in proptest::collection::vec(
                prop::sample::select(vec![
                    'a', 'b', 'É', 'ç', 'ÿ', 'ő', 'ſ', '0', '1', ':', '·', '.', '’', '‘', '\'', ',', ';', '_', ' ',
                    '\r', '\n', '\t', '?', '"', '-', '/', '«', '»', '\u{A0}', '–', '…', '”', 'º', '÷', '¡', '§',
                ]),
                0..60,
            )
        ) {
            let s: String = chars.into_iter().collect();
            prop_assert_eq!(word_bound_indices(&s), reference(&s));
        }
    }
}
