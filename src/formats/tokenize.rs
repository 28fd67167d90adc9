//! Tokens and sentences for token-based formats (CoNLL).
//!
//! Tokens are UAX #29 words (with French elisions split off: `l’` +
//! `Azerbaïdjan`), punctuation and symbols; whitespace is never a token.
//! Tokens are always also split at the given cut points (annotation
//! boundaries), so every annotation maps to whole tokens exactly, whatever
//! the word rules say. Sentences end after `.`, `!`, `?` or `…` (and the
//! closing quotes or brackets right after them), unless the word before the
//! full stop is an abbreviation or an initial, and at every line break;
//! but never inside a protected range (an annotation that spans a full
//! stop stays in one sentence, so that one-tag-per-token formats keep it
//! whole).

use std::ops::Range;

use crate::model::Text;

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "M", "MM", "Mme", "Mmes", "Mlle", "Mlles", "Dr", "Pr", "Me", "St", "Ste", "Mgr", "Gén", "Col", "Lt", "Cdt", "av",
    "apr", "env", "cf", "p", "pp", "vol", "art", "chap", "fig", "éd", "ibid", "Mr", "Mrs", "Ms", "Prof", "Gen", "Sen",
    "Rep", "Jr", "Sr", "vs", "etc", "No", "no", "nº", "e.g", "i.e",
];

/// A token: where it is, in code points and in bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub chars: Range<usize>,
    pub bytes: Range<usize>,
}

/// A sentence: its tokens, in order.
pub type Sentence = Vec<Token>;

fn is_word(segment: &str) -> bool {
    segment.chars().any(char::is_alphanumeric)
}

fn is_sentence_end(token: &str) -> bool {
    !token.is_empty() && token.chars().all(|c| matches!(c, '.' | '!' | '?' | '…'))
}

fn is_closer(token: &str) -> bool {
    matches!(token, "»" | "”" | "\"" | "’" | "'" | ")" | "]" | "}")
}

fn is_abbreviation(word: &str) -> bool {
    let mut chars = word.chars();
    let initial = matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase());
    initial || ABBREVIATIONS.contains(&word)
}

/// Splits `text` into sentences of tokens, also cutting tokens at every
/// position of `cuts` (code points, in any order), and never ending a
/// sentence strictly inside one of `protected` (sorted, non-overlapping).
pub fn sentences(text: &Text, cuts: &[usize], protected: &[Range<usize>]) -> Vec<Sentence> {
    sentences_of(text.as_str(), cuts, protected)
}

/// [`sentences`] of a string (a part of a text: no offset index needed).
pub fn sentences_of(s: &str, cuts: &[usize], protected: &[Range<usize>]) -> Vec<Sentence> {
    // May a sentence end at code point `p`?
    let may_end = |p: usize| {
        let i = protected.partition_point(|r| r.end <= p);
        protected.get(i).is_none_or(|r| !(r.start < p && p < r.end))
    };
    let mut cuts: Vec<usize> = cuts.to_vec();
    cuts.sort_unstable();
    cuts.dedup();
    // About one token in six bytes and one sentence in 120 in running
    // text: reserving that avoids most regrowing on long documents.
    let mut out: Vec<Sentence> = Vec::with_capacity(s.len() / 120);
    let mut current: Sentence = Vec::new();
    let mut cp = 0usize;
    let mut byte = 0usize;
    let mut tokens: Vec<Token> = Vec::with_capacity(s.len() / 6);
    let mut line_break_before = Vec::with_capacity(s.len() / 6);
    let mut pending_break = false;
    let mut pieces = Vec::new();
    for (offset, segment) in super::word_bounds::word_bound_indices(s) {
        // Segments are contiguous: `byte` is already `offset`.
        debug_assert_eq!(byte, offset);
        byte = offset;
        if segment.chars().all(char::is_whitespace) {
            pending_break |= segment.contains('\n');
            cp += if segment.is_ascii() {
                segment.len()
            } else {
                segment.chars().count()
            };
            byte += segment.len();
            continue;
        }
        pieces.clear();
        if is_word(segment) {
            crate::model::words::split_elisions(segment, &mut pieces);
        } else {
            pieces.push(0..segment.len());
        }
        // Pieces are contiguous; a space can still hide inside one (a
        // combining mark on a space joins it in UAX #29), and a token
        // never holds whitespace, so runs of non-whitespace are the tokens.
        for piece in pieces.iter().cloned() {
            let piece_text = &segment[piece.clone()];
            let base = offset + piece.start;
            let mut run: Option<(usize, usize)> = None; // (byte, cp) where the run starts
            for (b, c) in piece_text
                .char_indices()
                .chain(std::iter::once((piece_text.len(), ' ')))
            {
                if c.is_whitespace() {
                    if let Some((rb, rc)) = run.take() {
                        tokens.push(Token {
                            chars: rc..cp,
                            bytes: base + rb..base + b,
                        });
                        line_break_before.push(std::mem::take(&mut pending_break));
                    }
                    pending_break |= c == '\n' && b < piece_text.len();
                } else if run.is_none() {
                    run = Some((b, cp));
                }
                if b < piece_text.len() {
                    cp += 1;
                }
            }
        }
        byte += segment.len();
    }
    let token_text = |t: &Token| &s[t.bytes.clone()];
    // Token `j` closes what precedes it: a closing quote or bracket right
    // after it, or (French typography) `»` or `”` after a space.
    let attached_closer = |j: usize| {
        j > 0
            && tokens.get(j).is_some_and(|t| {
                let x = token_text(t);
                is_closer(x)
                    && (t.chars.start == tokens[j - 1].chars.end || (matches!(x, "»" | "”") && !line_break_before[j]))
            })
    };
    let mut ending = false;
    let mut k = 0;
    for (i, token) in tokens.iter().enumerate() {
        let range = &token.chars;
        while k < cuts.len() && cuts[k] <= range.start {
            k += 1;
        }
        if line_break_before[i] && !current.is_empty() && may_end(range.start) {
            out.push(std::mem::take(&mut current));
        }
        // Cut the token at annotation boundaries strictly inside it.
        let (mut start, mut start_byte) = (range.start, token.bytes.start);
        while k < cuts.len() && cuts[k] < range.end {
            // Within the token: count its characters (tokens are short).
            let cut_byte = s[token.bytes.clone()]
                .char_indices()
                .nth(cuts[k] - range.start)
                .map_or(token.bytes.end, |(b, _)| token.bytes.start + b);
            current.push(Token {
                chars: start..cuts[k],
                bytes: start_byte..cut_byte,
            });
            (start, start_byte) = (cuts[k], cut_byte);
            k += 1;
        }
        current.push(Token {
            chars: start..range.end,
            bytes: start_byte..token.bytes.end,
        });
        // Sentence end: a full stop not after an abbreviation, carried over
        // the closing quotes and brackets attached to it.
        let x = token_text(token);
        ending = if attached_closer(i) {
            ending
        } else {
            is_sentence_end(x)
                && !(x == "."
                    && i > 0
                    && is_abbreviation(token_text(&tokens[i - 1]))
                    && tokens[i - 1].chars.end == range.start)
        };
        if ending && !attached_closer(i + 1) && may_end(range.end) {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str, cuts: &[usize]) -> Vec<Vec<String>> {
        let t = Text::new(text);
        sentences(&t, cuts, &[])
            .into_iter()
            .map(|s| s.into_iter().map(|r| t.as_str()[r.bytes].to_owned()).collect())
            .collect()
    }

    #[test]
    fn french_text_is_tokenized_with_elisions() {
        assert_eq!(
            show("L’armée d’Azerbaïdjan a attaqué. Erevan répond.", &[]),
            [
                vec!["L’", "armée", "d’", "Azerbaïdjan", "a", "attaqué", "."],
                vec!["Erevan", "répond", "."],
            ]
        );
    }

    #[test]
    fn abbreviations_and_initials_do_not_end_sentences() {
        assert_eq!(
            show("M. Pachinian et I. Aliyev ont parlé. Fin !", &[]),
            [
                vec!["M", ".", "Pachinian", "et", "I", ".", "Aliyev", "ont", "parlé", "."],
                vec!["Fin", "!"],
            ]
        );
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence_and_lines_end_sentences() {
        assert_eq!(
            show("« Nous vaincrons. » Il a dit\r\nFin", &[]),
            [
                vec!["«", "Nous", "vaincrons", ".", "»"],
                vec!["Il", "a", "dit"],
                vec!["Fin"]
            ]
        );
    }

    #[test]
    fn tokens_are_cut_at_annotation_boundaries() {
        // An annotation [4, 8) inside the word "Haut-Karabagh" style token.
        assert_eq!(show("Bakou2020", &[5]), [vec!["Bakou", "2020"]]);
        assert_eq!(show("Stepanakert", &[3, 6]), [vec!["Ste", "pan", "akert"]]);
    }

    #[test]
    fn sentences_do_not_end_inside_protected_ranges() {
        let t = Text::new("Il a dit : « Nous vaincrons. Pour la patrie. » Fin.");
        let quote = 11..46;
        let s = sentences(&t, &[quote.start, quote.end], std::slice::from_ref(&quote));
        assert_eq!(s.len(), 2, "{s:?}");
    }

    #[test]
    fn tokens_never_hold_whitespace() {
        // A combining mark after a space joins the space's segment.
        assert_eq!(show("a \u{301}b", &[]), [vec!["a", "\u{301}", "b"]]);
    }

    #[test]
    fn emoji_and_scripts_are_tokens() {
        assert_eq!(show("Հայաստան 👨🏻‍🚒 مرحبا", &[]), [vec!["Հայաստան", "👨🏻‍🚒", "مرحبا"]]);
    }
}
