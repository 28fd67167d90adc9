//! Regular expressions for corpus search, with Unicode word boundaries run
//! fast.
//!
//! The `regex` crate's fast engine (a lazy DFA) cannot run `\b` on text that
//! is not ASCII: on a French article it gives up at the first « é » and the
//! whole search falls back to the slow one (PikeVM), 20 times slower, so
//! `\bArménie\b` over a 100 MB corpus took 3.4 s. Researchers write `\b`
//! all the time.
//!
//! The pattern with its word boundaries removed matches everything the
//! pattern does (an assertion removed only loosens), and the fast engine
//! runs it. So a search finds the next place where the loosened pattern
//! starts to match, and there asks the full pattern, anchored, for its
//! match: anchored, the slow engine stops as soon as the match is decided,
//! a word or two later. No match of the full pattern can start before the
//! loosened one's leftmost start, so the matches found are exactly the
//! full pattern's, leftmost-first, as `find_iter` gives them (a test
//! compares them on the Unicode torture text).
//!
//! A pattern for which this does badly (the anchored search runs far each
//! time, as `(?s)\bx.*y\b` does) is noticed by the time it takes, and the
//! rest of that text is searched the plain way: the results are the same
//! either way, only the speed differs.

use std::ops::Range;
use std::time::{Duration, Instant};

use regex_automata::meta::{self, Regex};
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input};
use regex_syntax::hir::{Hir, HirKind, Look};

/// A compiled search pattern.
#[derive(Clone, Debug)]
pub struct WordRegex {
    full: Regex,
    /// The pattern without its Unicode word boundaries, when it has some
    /// and can match only non-empty text.
    loosened: Option<Regex>,
}

/// A user's pattern is bounded: no 1 GB automaton.
const SIZE_LIMIT: usize = 10 << 20;

impl WordRegex {
    /// Compiles `pattern` (the `regex` crate's syntax).
    pub fn new(pattern: &str, case_insensitive: bool) -> Result<WordRegex, String> {
        let hir = regex_syntax::ParserBuilder::new()
            .case_insensitive(case_insensitive)
            .build()
            .parse(pattern)
            .map_err(|e| e.to_string())?;
        let build = |hir: &Hir| {
            Regex::builder()
                .configure(meta::Config::new().nfa_size_limit(Some(SIZE_LIMIT)))
                .syntax(syntax::Config::new().case_insensitive(case_insensitive))
                .build_from_hir(hir)
                .map_err(|e| e.to_string())
        };
        let full = build(&hir)?;
        let looks = hir.properties().look_set();
        let has_unicode_boundary = looks.contains_word_unicode();
        let non_empty = hir.properties().minimum_len().is_some_and(|n| n > 0);
        let loosened = if has_unicode_boundary && non_empty {
            Some(build(&without_word_boundaries(&hir))?)
        } else {
            None
        };
        Ok(WordRegex { full, loosened })
    }

    /// The non-empty matches in `hay` (byte ranges, leftmost-first, not
    /// overlapping, as `find_iter` gives them, empty ones left out), each
    /// given to `each`, until it returns false.
    pub fn for_each(&self, hay: &str, mut each: impl FnMut(Range<usize>) -> bool) {
        let mut at = 0;
        if let Some(loosened) = &self.loosened
            && !hay.is_ascii()
        {
            match self.guided(loosened, hay, &mut each) {
                Guided::Done => return,
                Guided::Slow(from) => at = from,
            }
        }
        for m in self.full.find_iter(Input::new(hay).range(at..)) {
            if !m.is_empty() && !each(m.range()) {
                return;
            }
        }
    }

    /// The search guided by the loosened pattern; `Slow(at)` when it is
    /// doing worse than the plain search would, to go on that way from
    /// `at`.
    fn guided(&self, loosened: &Regex, hay: &str, each: &mut impl FnMut(Range<usize>) -> bool) -> Guided {
        let started = Instant::now();
        // The plain search's pace on text that is not ASCII is about
        // 10 MB/s; past twice its time, it would have been faster.
        let budget = Duration::from_nanos(200 * hay.len() as u64) + Duration::from_micros(200);
        let mut at = 0;
        let mut tries = 0u32;
        while at < hay.len() {
            let Some(candidate) = loosened.find(Input::new(hay).range(at..)) else {
                return Guided::Done;
            };
            let start = candidate.start();
            match self.full.find(Input::new(hay).range(start..).anchored(Anchored::Yes)) {
                Some(m) => {
                    if !each(m.range()) {
                        return Guided::Done;
                    }
                    at = m.end();
                }
                None => at = next_char(hay, start),
            }
            tries += 1;
            if tries.is_multiple_of(64) && started.elapsed() > budget {
                return Guided::Slow(at);
            }
        }
        Guided::Done
    }
}

enum Guided {
    Done,
    Slow(usize),
}

/// The byte after the character at `i`.
fn next_char(hay: &str, i: usize) -> usize {
    hay[i..].chars().next().map_or(hay.len(), |c| i + c.len_utf8())
}

/// `hir` with every Unicode word-boundary assertion replaced by nothing.
fn without_word_boundaries(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Look(look) if is_unicode_word_look(*look) => Hir::empty(),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => hir.clone(),
        HirKind::Repetition(r) => Hir::repetition(regex_syntax::hir::Repetition {
            sub: Box::new(without_word_boundaries(&r.sub)),
            ..r.clone()
        }),
        HirKind::Capture(c) => Hir::capture(regex_syntax::hir::Capture {
            sub: Box::new(without_word_boundaries(&c.sub)),
            ..c.clone()
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(without_word_boundaries).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(without_word_boundaries).collect()),
    }
}

fn is_unicode_word_look(look: Look) -> bool {
    matches!(
        look,
        Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(pattern: &str, hay: &str) -> Vec<Range<usize>> {
        regex::RegexBuilder::new(pattern)
            .case_insensitive(true)
            .build()
            .expect("valid")
            .find_iter(hay)
            .map(|m| m.range())
            .filter(|r| !r.is_empty())
            .collect()
    }

    fn guided(pattern: &str, hay: &str) -> Vec<Range<usize>> {
        let re = WordRegex::new(pattern, true).expect("valid");
        let mut out = Vec::new();
        re.for_each(hay, |r| {
            out.push(r);
            true
        });
        out
    }

    const TEXTS: [&str; 4] = [
        "L’armée azerbaïdjanaise entre à Stepanakert ; l'Arménie proteste. Arménie-Azerbaïdjan: «Arménien» 👩‍👩‍👧 Ереван Ереванский",
        "Հայաստան, Երևան — e\u{301}te\u{301} ÉTÉ été\r\nالقاهرة 北京 abc_déf déf9 9déf x",
        "Zaza\u{a0}Zaza.Zaza — ZazaZaza zaza_ zaza-zaza",
        "",
    ];

    #[test]
    fn finds_what_find_iter_finds_on_the_torture_text() {
        let patterns = [
            r"\b[A-Z][a-zéè]+(an|ie)\b",
            r"\bArméni\w*",
            r"\w+\b",
            r"\b\w",
            r"\B\w\b",
            r"\b(?:Zaza)+\b",
            r"\bze?\b|[é]",
            r"\<\w+\>",
            r"\b{start}\w+\b{end-half}",
            r"\bЕреван\w*\b",
            r"(?s)\bL.*\b",
            r"\bé",
        ];
        for pattern in patterns {
            for text in TEXTS {
                assert_eq!(guided(pattern, text), plain(pattern, text), "{pattern} on {text:?}");
            }
        }
        // The guided search really ran (the texts are not ASCII) and found
        // something.
        let re = WordRegex::new(r"\bArméni\w*", true).expect("valid");
        assert!(re.loosened.is_some());
        assert_eq!(guided(r"\bArméni\w*", TEXTS[0]).len(), 3);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Texts drawn from letters, accents, marks, digits, spaces and
        /// punctuation of several scripts: the guided search finds what
        /// the plain one does.
        #[test]
        fn agrees_with_find_iter_on_random_text(
            text in proptest::collection::vec(proptest::sample::select(vec![
                "a", "an", "ie", "A", "é", "É", "e\u{301}", " ", "\u{a0}", "-", "_", "9", "’", "'", "Ա", "Ж", "ж", "ب", "北",
                "👩‍👧", "\r\n", ".", "z",
            ]), 0..40),
            pattern in proptest::sample::select(vec![
                r"\b[a-zé]+(an|ie)\b", r"\b\w", r"\w\b", r"\B\w+", r"\b(é|a)+", r"\<\w+\>", r"\b.\b", r"(?s)\b.+?\b",
            ]),
        ) {
            let text = text.concat();
            proptest::prop_assert_eq!(guided(pattern, &text), plain(pattern, &text));
        }
    }

    #[test]
    fn a_pattern_without_word_boundaries_or_able_to_match_nothing_runs_plainly() {
        assert!(WordRegex::new(r"arm[ée]e", true).expect("valid").loosened.is_none());
        assert!(WordRegex::new(r"\b\w*", true).expect("valid").loosened.is_none());
        // ASCII word boundaries run on the fast engine already.
        assert!(WordRegex::new(r"(?-u:\b)x", true).expect("valid").loosened.is_none());
        assert_eq!(guided(r"\b\w*", "é a"), plain(r"\b\w*", "é a"));
    }

    #[test]
    fn a_stop_ends_the_search() {
        let re = WordRegex::new(r"\bé\w*", true).expect("valid");
        let mut seen = 0;
        re.for_each("été étude été", |_| {
            seen += 1;
            seen < 2
        });
        assert_eq!(seen, 2);
    }

    #[test]
    fn a_bad_pattern_is_refused_with_its_reason() {
        let e = WordRegex::new("(", true).expect_err("unclosed");
        assert!(e.contains("unclosed"), "{e}");
        // An automaton past the size limit is refused, not built.
        assert!(WordRegex::new(r"\w{1000}{1000}", false).is_err());
    }
}
