//! Word boundaries: UAX #29 words with French elisions split off.
//!
//! Used to snap a selection to whole words in the GUI and as the base of the
//! exporters' tokenizer. Unicode's word rules keep `l’Azerbaïdjan` together
//! (the apostrophe is `MidNumLet`), but annotators want to tag the country,
//! not the article, so an elided French prefix (`l’`, `d’`, `qu’`, …) is
//! split into its own token.
//!
//! Every function works on a bounded window around the position it is asked
//! about (UAX #29 never joins words across whitespace), so snapping costs the
//! same in a 10 MB single-line document as in a short one.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::text::Text;

/// How far (in bytes) to look for whitespace around a position before giving
/// up and cutting the window there; words longer than this are split.
const WINDOW: usize = 512;

/// French words that elide their final vowel before a vowel or mute h.
const ELIDED: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "ç", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
];

pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

/// A word token contains at least one letter or digit; punctuation, spaces
/// and emoji segments are not words.
fn is_word(segment: &str) -> bool {
    segment.chars().any(char::is_alphanumeric)
}

/// Splits a UAX #29 word segment at elided prefixes: `l’Azerbaïdjan` yields
/// `l’` and `Azerbaïdjan`; `jusqu’à` yields `jusqu’` and `à`.
fn push_with_elisions(out: &mut Vec<Range<usize>>, segment: &str, offset: usize) {
    let mut rest = segment;
    let mut at = offset;
    while let Some((i, c)) = rest.char_indices().find(|&(_, c)| is_apostrophe(c)) {
        let prefix = &rest[..i];
        let after = &rest[i + c.len_utf8()..];
        let elided = ELIDED.contains(&prefix.to_lowercase().as_str());
        if !elided || !is_word(after) {
            break;
        }
        let cut = i + c.len_utf8();
        out.push(at..at + cut);
        at += cut;
        rest = after;
    }
    out.push(at..at + rest.len());
}

/// Splits one UAX #29 word segment at elided prefixes, pushing the byte
/// ranges (relative to the segment) of its pieces.
pub fn split_elisions(segment: &str, out: &mut Vec<Range<usize>>) {
    push_with_elisions(out, segment, 0);
}

/// Byte ranges of the word tokens of `text` (UAX #29 words containing a
/// letter or digit, with elided prefixes split), in order.
pub fn word_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for (offset, segment) in text.split_word_bound_indices() {
        if is_word(segment) {
            push_with_elisions(&mut out, segment, offset);
        }
    }
    out
}

/// A window of `text` around byte `at`, bounded by whitespace or `WINDOW`,
/// always on character boundaries.
fn window(text: &str, at: usize) -> Range<usize> {
    let lo_limit = floor_boundary(text, at.saturating_sub(WINDOW));
    let hi_limit = ceil_boundary(text, (at + WINDOW).min(text.len()));
    let start = text[lo_limit..at]
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace())
        .map_or(lo_limit, |(i, c)| lo_limit + i + c.len_utf8());
    let end = text[at..hi_limit]
        .char_indices()
        .find(|&(_, c)| c.is_whitespace())
        .map_or(hi_limit, |(i, _)| at + i);
    start..end
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The word token containing byte `at` (a position strictly inside it or at
/// its start), if any.
fn word_containing_byte(text: &str, at: usize) -> Option<Range<usize>> {
    let win = window(text, at);
    word_ranges(&text[win.clone()])
        .into_iter()
        .map(|r| r.start + win.start..r.end + win.start)
        .find(|r| r.start <= at && at < r.end)
}

/// Grapheme cluster boundaries at or around byte `at`: (last boundary ≤ at,
/// first boundary ≥ at).
fn grapheme_bounds(text: &str, at: usize) -> (usize, usize) {
    let win = window(text, at);
    let slice = &text[win.clone()];
    let mut lo = win.start;
    for (i, g) in slice.grapheme_indices(true) {
        let (s, e) = (win.start + i, win.start + i + g.len());
        if s == at {
            return (at, at);
        }
        if s < at && at < e {
            return (s, e);
        }
        lo = e;
    }
    (lo.min(at), at)
}

/// The word (in code points) under code point `cp`, for double-click
/// selection. Falls back to the grapheme cluster when `cp` is not in a word.
pub fn word_at(text: &Text, cp: usize) -> Option<Range<usize>> {
    let s = text.as_str();
    let byte = text.byte_of(cp)?;
    if byte >= s.len() {
        return None;
    }
    let bytes = word_containing_byte(s, byte).unwrap_or_else(|| {
        let (lo, _) = grapheme_bounds(s, byte);
        let next = s[lo..].graphemes(true).next().map_or(0, str::len);
        lo..lo + next
    });
    Some(text.char_of_byte(bytes.start)?..text.char_of_byte(bytes.end)?)
}

/// Which end of a span moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    Start,
    End,
}

/// Where a span's `edge` at `pos` lands after one word step (Ctrl+Shift+←/→):
/// a start always lands at the start of a word, an end at the end of one,
/// so a step never leaves a span beginning or ending with white space or
/// punctuation. Words are UAX #29 words with elisions split; a step with no
/// word left in its direction stays at the text's edge.
pub fn word_step(text: &Text, pos: usize, forward: bool, edge: Edge) -> usize {
    let len = text.len_chars();
    let is_word = |cp: usize| {
        text.slice(cp..cp + 1)
            .is_some_and(|c| c.chars().all(char::is_alphanumeric))
    };
    let word = |cp: usize| word_at(text, cp).unwrap_or(cp..cp + 1);
    let mut p = pos.min(len);
    match (edge, forward) {
        (Edge::End, true) => {
            while p < len && !is_word(p) {
                p += 1;
            }
            if p < len {
                p = word(p).end;
            }
        }
        (Edge::End, false) => {
            if p > 0 && is_word(p - 1) {
                p = word(p - 1).start;
            }
            while p > 0 && !is_word(p - 1) {
                p -= 1;
            }
        }
        (Edge::Start, true) => {
            if p < len && is_word(p) {
                p = word(p).end;
            }
            while p < len && !is_word(p) {
                p += 1;
            }
        }
        (Edge::Start, false) => {
            while p > 0 && !is_word(p - 1) {
                p -= 1;
            }
            if p > 0 {
                p = word(p - 1).start;
            }
        }
    }
    p
}

/// Moves a span edge one character at a time past white space, so that a
/// character step never leaves the span beginning or ending with it: `pos`
/// is where a one-character step put the edge, `forward` its direction.
pub fn skip_white_space(text: &Text, pos: usize, forward: bool, edge: Edge) -> usize {
    let len = text.len_chars();
    let white = |cp: usize| {
        text.slice(cp..cp + 1)
            .is_some_and(|c| c.chars().all(char::is_whitespace))
    };
    let mut p = pos.min(len);
    // The character just inside the span at this edge.
    let inside = |p: usize| match edge {
        Edge::Start => Some(p),
        Edge::End => p.checked_sub(1),
    };
    while let Some(c) = inside(p)
        && white(c)
    {
        match forward {
            true if p < len => p += 1,
            false if p > 0 => p -= 1,
            _ => break,
        }
    }
    p
}

/// Extends a code point range outward to grapheme cluster boundaries, so a
/// span never splits `e` + U+0301 or a ZWJ emoji sequence.
pub fn snap_to_graphemes(text: &Text, range: Range<usize>) -> Range<usize> {
    let s = text.as_str();
    let (Some(start), Some(end)) = (text.byte_of(range.start), text.byte_of(range.end)) else {
        return range;
    };
    let start = grapheme_bounds(s, start).0;
    let end = if end > start { grapheme_bounds(s, end).1 } else { end };
    match (text.char_of_byte(start), text.char_of_byte(end)) {
        (Some(a), Some(b)) => a..b,
        _ => range,
    }
}

/// Punctuation that ends clauses and sentences: a drag that ends on it
/// almost never means to tag it.
fn is_edge_punctuation(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '…')
}

/// Snaps a selection (code points) to whole words: trims surrounding
/// whitespace and clause punctuation (`.,;:!?…`), then extends each end that
/// falls inside a word to that word's boundary (elided prefixes count as
/// their own word, so selecting inside `Azerbaïdjan` in `l’Azerbaïdjan`
/// gives `Azerbaïdjan`). Ends outside words are kept but moved to grapheme
/// boundaries. A selection of only whitespace or punctuation is returned
/// unchanged.
pub fn snap_to_words(text: &Text, range: Range<usize>) -> Range<usize> {
    let s = text.as_str();
    let (Some(mut start), Some(mut end)) = (text.byte_of(range.start), text.byte_of(range.end)) else {
        return range;
    };
    if start >= end {
        return range;
    }
    let edge = |c: char| c.is_whitespace() || is_edge_punctuation(c);
    let trimmed = s[start..end].trim_start_matches(edge);
    start = end - trimmed.len();
    end = start + trimmed.trim_end_matches(edge).len();
    if start == end {
        return range;
    }
    start = match word_containing_byte(s, start) {
        Some(w) => w.start,
        None => grapheme_bounds(s, start).0,
    };
    // `end` is exclusive: the word that matters contains the last selected byte.
    let last = floor_boundary(s, end - 1);
    end = match word_containing_byte(s, last) {
        Some(w) => w.end.max(end),
        None => grapheme_bounds(s, end).1,
    };
    match (text.char_of_byte(start), text.char_of_byte(end)) {
        (Some(a), Some(b)) => a..b,
        _ => range,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_steps_land_on_word_boundaries() {
        let t = Text::new("Les camps respirent, en Syrie, l’armée 👨🏻‍🚒 avance.");
        let at = |s: &str| t.as_str().find(s).map(|b| t.char_of_byte(b).unwrap()).unwrap();
        let end_of = |s: &str| at(s) + s.chars().count();
        let slice = |a: usize, b: usize| t.slice(a..b).unwrap().to_owned();
        // The end grows by a word, never stopping at the space or comma.
        let s = at("camps");
        let e = word_step(&t, end_of("camps"), true, Edge::End);
        assert_eq!(slice(s, e), "camps respirent");
        let e = word_step(&t, e, true, Edge::End);
        assert_eq!(slice(s, e), "camps respirent, en");
        let e = word_step(&t, e, false, Edge::End);
        assert_eq!(slice(s, e), "camps respirent");
        // The start moves by words both ways.
        let s2 = word_step(&t, s, false, Edge::Start);
        assert_eq!(slice(s2, e), "Les camps respirent");
        let s3 = word_step(&t, s2, true, Edge::Start);
        assert_eq!(s3, s);
        // Elisions are words of their own; an emoji is not a word.
        let e = word_step(&t, end_of("Syrie"), true, Edge::End);
        assert_eq!(slice(at("Syrie"), e), "Syrie, l’");
        let e = word_step(&t, e, true, Edge::End);
        assert_eq!(slice(at("Syrie"), e), "Syrie, l’armée");
        let e = word_step(&t, e, true, Edge::End);
        assert_eq!(slice(at("Syrie"), e), "Syrie, l’armée 👨🏻‍🚒 avance");
        // At the edges of the text a step stays put.
        assert_eq!(word_step(&t, t.len_chars(), true, Edge::End), t.len_chars());
        assert_eq!(word_step(&t, 0, false, Edge::Start), 0);
    }

    #[test]
    fn character_steps_skip_white_space() {
        let t = Text::new("Erevan et Bakou");
        // The end stepped onto the space after "Erevan" goes on to "e".
        assert_eq!(skip_white_space(&t, 7, true, Edge::End), 8);
        // Back onto the space: back to "Erevan".
        assert_eq!(skip_white_space(&t, 7, false, Edge::End), 6);
        // A start stepped onto the space goes on to "et", or back to "n".
        assert_eq!(skip_white_space(&t, 6, true, Edge::Start), 7);
        assert_eq!(skip_white_space(&t, 6, false, Edge::Start), 5);
    }

    fn words(s: &str) -> Vec<&str> {
        word_ranges(s).into_iter().map(|r| &s[r]).collect()
    }

    /// Snaps the part of `marked` between `[` and `]` and returns the result
    /// in the same notation, so tests read like the text they check.
    fn snap(marked: &str) -> String {
        let open = marked.find('[').expect("[");
        let close = marked.find(']').expect("]");
        let plain: String = marked.chars().filter(|&c| c != '[' && c != ']').collect();
        let text = Text::new(plain.clone());
        let a = marked[..open].chars().count();
        let b = marked[..close].chars().count() - 1;
        let r = snap_to_words(&text, a..b);
        let chars: Vec<char> = plain.chars().collect();
        let mut out = String::new();
        for (i, c) in chars.iter().enumerate() {
            if i == r.start {
                out.push('[');
            }
            if i == r.end {
                out.push(']');
            }
            out.push(*c);
        }
        if r.end == chars.len() {
            out.push(']');
        }
        out
    }

    #[test]
    fn elided_articles_are_split() {
        assert_eq!(words("l’Azerbaïdjan attaque"), ["l’", "Azerbaïdjan", "attaque"]);
        assert_eq!(words("jusqu’à l'Arménie"), ["jusqu’", "à", "l'", "Arménie"]);
        assert_eq!(
            words("L’attaque s’est étendue"),
            ["L’", "attaque", "s’", "est", "étendue"]
        );
        // Not an elision: the prefix is not an elided word.
        assert_eq!(words("aujourd’hui"), ["aujourd’hui"]);
    }

    #[test]
    fn punctuation_and_spaces_are_not_words() {
        assert_eq!(words("« 22 chars », (UAV)."), ["22", "chars", "UAV"]);
    }

    #[test]
    fn snapping_extends_to_words() {
        assert_eq!(snap("avec l’Azer[baïd]jan voisine"), "avec l’[Azerbaïdjan] voisine");
        assert_eq!(snap("avec l[’Azerbaï]djan voisine"), "avec [l’Azerbaïdjan] voisine");
        assert_eq!(
            snap("Nikol Pash[inyan (@Nik]olPashinyan)"),
            "Nikol [Pashinyan (@NikolPashinyan])"
        );
        assert_eq!(snap("a [ Stepanakert ] b"), "a  [Stepanakert]  b");
        assert_eq!(snap("la [capitale de l’Artsakh.] En"), "la [capitale de l’Artsakh]. En");
        assert_eq!(snap("dit[, « nous] allons"), "dit, [« nous] allons");
        assert_eq!(snap("a [...] b"), "a [...] b");
    }

    #[test]
    fn snapping_works_in_other_scripts() {
        assert_eq!(snap("Հայ[աստ]ան и Россия"), "[Հայաստան] и Россия");
        assert_eq!(snap("в Ро[сс]ии"), "в [России]");
        assert_eq!(snap("قال [الرئي]س"), "قال [الرئيس]");
    }

    #[test]
    fn snapping_never_splits_graphemes() {
        // Inside a ZWJ emoji sequence (not a word): extend to the cluster.
        let t = Text::new("x 👨🏻‍🚒 y");
        assert_eq!(snap_to_words(&t, 3..4), 2..6);
        // Combining acute on e.
        let t = Text::new("cafe\u{301} noir");
        assert_eq!(snap_to_words(&t, 0..4), 0..5);
    }

    #[test]
    fn word_at_finds_the_double_clicked_word() {
        let t = Text::new("De violents combats, l’Azerbaïdjan");
        assert_eq!(t.slice(word_at(&t, 5).unwrap()), Some("violents"));
        assert_eq!(t.slice(word_at(&t, 25).unwrap()), Some("Azerbaïdjan"));
        assert_eq!(t.slice(word_at(&t, 19).unwrap()), Some(","));
        assert_eq!(word_at(&t, 99), None);
    }

    #[test]
    fn crlf_is_not_part_of_a_word() {
        let t = Text::new("Bakou\r\nErevan");
        assert_eq!(snap_to_words(&t, 2..9), 0..13);
        assert_eq!(snap_to_words(&t, 2..6), 0..5);
    }
}
