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

use super::word_bounds::Shape;

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

/// `char::is_whitespace` on an ASCII byte (which includes U+000B, unlike
/// `u8::is_ascii_whitespace`).
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t'..=b'\r')
}

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

/// Splits `s` into sentences of tokens, also cutting tokens at every
/// position of `cuts` (code points, in any order), and never ending a
/// sentence strictly inside one of `protected` (sorted, non-overlapping).
/// Each sentence is handed to `f` in order as it is found (in a buffer
/// reused from one to the next: a 10 MB text has a million tokens, written
/// once and read once), stopping at `f`'s first error.
pub fn for_each_sentence<E>(
    s: &str,
    cuts: &[usize],
    protected: &[Range<usize>],
    f: impl FnMut(&[Token]) -> Result<(), E>,
) -> Result<(), E> {
    let mut cuts: Vec<usize> = cuts.to_vec();
    cuts.sort_unstable();
    cuts.dedup();
    let mut sentencer = Sentencer {
        s,
        cuts,
        k: 0,
        protected,
        prev: None,
        cur: None,
        current: Vec::new(),
        ending: false,
        f,
        error: None,
    };
    let mut cp = 0usize;
    let mut byte = 0usize;
    let mut pending_break = false;
    let mut pieces = Vec::new();
    super::word_bounds::for_each_word_bound(s, |offset, segment, shape| {
        // Segments are contiguous: `byte` is already `offset`.
        debug_assert_eq!(byte, offset);
        byte = offset;
        // Most segments are one token or one run of spaces: the segmenter
        // may know which already, else one pass tells (its length in code
        // points, whether it holds whitespace, whether it is only
        // whitespace, whether an elision may split it).
        let (mut n, mut spaces, mut apostrophe) = (0usize, 0usize, false);
        match shape {
            Shape::Space => {
                n = segment.chars().count();
                spaces = n;
            }
            Shape::Plain(chars) => n = chars,
            Shape::Unknown if segment.is_ascii() => {
                n = segment.len();
                for &b in segment.as_bytes() {
                    spaces += usize::from(is_ascii_space(b));
                    apostrophe |= b == b'\'';
                }
            }
            Shape::Unknown => {
                for c in segment.chars() {
                    n += 1;
                    spaces += usize::from(c.is_whitespace());
                    apostrophe |= crate::model::words::is_apostrophe(c);
                }
            }
        }
        if spaces == n {
            pending_break |= segment.contains('\n');
            cp += n;
            byte += segment.len();
            return true;
        }
        if spaces == 0 && !apostrophe {
            let token = Token {
                chars: cp..cp + n,
                bytes: offset..offset + segment.len(),
            };
            cp += n;
            byte += segment.len();
            return sentencer.push(token, std::mem::take(&mut pending_break));
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
        let mut going = true;
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
                        let token = Token {
                            chars: rc..cp,
                            bytes: base + rb..base + b,
                        };
                        going &= sentencer.push(token, std::mem::take(&mut pending_break));
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
        going
    });
    sentencer.finish()
}

/// Sentences from a stream of tokens. A token's sentence is decided with
/// the tokens on either side of it (an abbreviation before a full stop, a
/// closing quote after it), so each is decided when the next arrives.
struct Sentencer<'s, F, E> {
    s: &'s str,
    /// Annotation boundaries (sorted), where tokens are also cut.
    cuts: Vec<usize>,
    /// The first cut not behind the token being decided.
    k: usize,
    protected: &'s [Range<usize>],
    prev: Option<Token>,
    /// The token being decided, and whether a line break precedes it.
    cur: Option<(Token, bool)>,
    /// The sentence being built.
    current: Vec<Token>,
    /// Whether the last token ended a sentence (a full stop), to be carried
    /// over the closing quotes attached to it.
    ending: bool,
    f: F,
    error: Option<E>,
}

impl<F: FnMut(&[Token]) -> Result<(), E>, E> Sentencer<'_, F, E> {
    /// Takes the next token; false once `f` has failed (stop).
    fn push(&mut self, token: Token, line_break_before: bool) -> bool {
        if let Some((cur, cur_break)) = self.cur.take() {
            self.decide(&cur, cur_break, Some((&token, line_break_before)));
            self.prev = Some(cur);
        }
        self.cur = Some((token, line_break_before));
        self.error.is_none()
    }

    fn finish(mut self) -> Result<(), E> {
        if let Some((cur, cur_break)) = self.cur.take() {
            self.decide(&cur, cur_break, None);
        }
        self.end_sentence();
        self.error.map_or(Ok(()), Err)
    }

    /// May a sentence end at code point `p`?
    fn may_end(&self, p: usize) -> bool {
        let i = self.protected.partition_point(|r| r.end <= p);
        self.protected.get(i).is_none_or(|r| !(r.start < p && p < r.end))
    }

    fn end_sentence(&mut self) {
        if !self.current.is_empty()
            && self.error.is_none()
            && let Err(e) = (self.f)(&self.current)
        {
            self.error = Some(e);
        }
        self.current.clear();
    }

    /// Token `t` closes what precedes it (`before`): a closing quote or
    /// bracket right after it, or (French typography) `»` or `”` after a
    /// space.
    fn attached_closer(&self, before: Option<&Token>, t: &Token, line_break_before: bool) -> bool {
        before.is_some_and(|before| {
            let x = &self.s[t.bytes.clone()];
            is_closer(x) && (t.chars.start == before.chars.end || (matches!(x, "»" | "”") && !line_break_before))
        })
    }

    /// Places `token` (cut at the annotation boundaries inside it) and ends
    /// the sentence before or after it where it should.
    fn decide(&mut self, token: &Token, line_break_before: bool, next: Option<(&Token, bool)>) {
        let range = &token.chars;
        while self.k < self.cuts.len() && self.cuts[self.k] <= range.start {
            self.k += 1;
        }
        if line_break_before && self.may_end(range.start) {
            self.end_sentence();
        }
        let (mut start, mut start_byte) = (range.start, token.bytes.start);
        while self.k < self.cuts.len() && self.cuts[self.k] < range.end {
            let cut = self.cuts[self.k];
            // Within the token: count its characters (tokens are short).
            let cut_byte = self.s[token.bytes.clone()]
                .char_indices()
                .nth(cut - range.start)
                .map_or(token.bytes.end, |(b, _)| token.bytes.start + b);
            self.current.push(Token {
                chars: start..cut,
                bytes: start_byte..cut_byte,
            });
            (start, start_byte) = (cut, cut_byte);
            self.k += 1;
        }
        self.current.push(Token {
            chars: start..range.end,
            bytes: start_byte..token.bytes.end,
        });
        // Sentence end: a full stop not after an abbreviation, carried over
        // the closing quotes and brackets attached to it.
        let x = &self.s[token.bytes.clone()];
        let prev = self.prev.as_ref();
        self.ending = if self.attached_closer(prev, token, line_break_before) {
            self.ending
        } else {
            is_sentence_end(x)
                && !(x == "."
                    && prev.is_some_and(|p| is_abbreviation(&self.s[p.bytes.clone()]) && p.chars.end == range.start))
        };
        let closer_follows = next.is_some_and(|(n, n_break)| self.attached_closer(Some(token), n, n_break));
        if self.ending && !closer_follows && self.may_end(range.end) {
            self.end_sentence();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sentence of `text`, collected.
    fn sentences(text: &str, cuts: &[usize], protected: &[Range<usize>]) -> Vec<Vec<Token>> {
        let mut out = Vec::new();
        let done: Result<(), ()> = for_each_sentence(text, cuts, protected, |s| {
            out.push(s.to_vec());
            Ok(())
        });
        assert_eq!(done, Ok(()));
        out
    }

    fn show(text: &str, cuts: &[usize]) -> Vec<Vec<String>> {
        sentences(text, cuts, &[])
            .iter()
            .map(|s| s.iter().map(|r| text[r.bytes.clone()].to_owned()).collect())
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
        let t = "Il a dit : « Nous vaincrons. Pour la patrie. » Fin.";
        let quote = 11..46;
        let s = sentences(t, &[quote.start, quote.end], std::slice::from_ref(&quote));
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

    #[test]
    fn the_first_error_stops_the_sentences() {
        let text = "Un. Deux. Trois. Quatre.";
        let mut seen = Vec::new();
        let done = for_each_sentence(text, &[], &[], |sentence| {
            seen.push(text[sentence[0].bytes.clone()].to_owned());
            if seen.len() == 2 { Err("stop") } else { Ok(()) }
        });
        assert_eq!(done, Err("stop"));
        assert_eq!(seen, ["Un", "Deux"]);
    }
}
