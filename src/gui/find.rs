//! Find in document: the matches of a query, in code points.
//!
//! Unless "match case" is on, search compares a folded copy of the text in
//! which every character folds to exactly one character (lower case,
//! accents of precomposed letters dropped: [`crate::model::fold_for_search`]), so that
//! match positions in the copy are positions in the document. The folded
//! copy is kept per document until its text changes.

use std::ops::Range;

use crate::model::{Text, fold_str_for_search};

/// Searches never return more matches than this (a one-letter query in a
/// 10 MB document would otherwise allocate millions).
pub const MAX_MATCHES: usize = 100_000;

/// The find bar's state.
#[derive(Default)]
pub struct FindState {
    pub open: bool,
    pub query: String,
    pub case_sensitive: bool,
    pub matches: Vec<Range<usize>>,
    pub current: Option<usize>,
    /// True when the match list was cut at [`MAX_MATCHES`].
    pub truncated: bool,
    /// The label "Tag all matches" applies.
    pub tag_label: Option<String>,
    pub focus_query: bool,
    searched: Option<(String, String, bool, usize)>,
    folded: Option<(Text, Text)>,
}

impl FindState {
    /// Recomputes the matches if the query, options or text changed.
    pub fn update(&mut self, doc_id: &str, text: &Text) {
        let key = (
            doc_id.to_owned(),
            self.query.clone(),
            self.case_sensitive,
            text.as_str().as_ptr() as usize,
        );
        if self.searched.as_ref() == Some(&key) {
            return;
        }
        self.searched = Some(key);
        self.current = None;
        if self.query.is_empty() {
            self.matches.clear();
            self.truncated = false;
            return;
        }
        let (found, truncated) = if self.case_sensitive {
            find(text, &self.query)
        } else {
            if !self.folded.as_ref().is_some_and(|(t, _)| t.ptr_eq(text)) {
                let folded = Text::new(fold_str_for_search(text.as_str()));
                self.folded = Some((text.clone(), folded));
            }
            let needle = fold_str_for_search(&self.query);
            match &self.folded {
                Some((_, folded)) => find(folded, &needle),
                None => (Vec::new(), false),
            }
        };
        self.matches = found;
        self.truncated = truncated;
    }

    /// Moves to the next match at or after `from` (wrapping).
    pub fn next(&mut self, from: usize) -> Option<Range<usize>> {
        if self.matches.is_empty() {
            return None;
        }
        let i = match self.current {
            Some(i) => (i + 1) % self.matches.len(),
            None => self.matches.partition_point(|m| m.start < from) % self.matches.len(),
        };
        self.current = Some(i);
        Some(self.matches[i].clone())
    }

    /// Moves to the previous match (wrapping).
    pub fn previous(&mut self, from: usize) -> Option<Range<usize>> {
        if self.matches.is_empty() {
            return None;
        }
        let n = self.matches.len();
        let i = match self.current {
            Some(i) => (i + n - 1) % n,
            None => (self.matches.partition_point(|m| m.start < from) + n - 1) % n,
        };
        self.current = Some(i);
        Some(self.matches[i].clone())
    }
}

/// Non-overlapping occurrences of `needle` in `text`, in code points.
fn find(text: &Text, needle: &str) -> (Vec<Range<usize>>, bool) {
    let len = needle.chars().count();
    let mut out = Vec::new();
    for (byte, _) in text.as_str().match_indices(needle) {
        if out.len() == MAX_MATCHES {
            return (out, true);
        }
        if let Some(start) = text.char_of_byte(byte) {
            out.push(start..start + len);
        }
    }
    (out, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(text: &str, query: &str, case_sensitive: bool) -> Vec<String> {
        let t = Text::new(text);
        let mut f = FindState {
            query: query.into(),
            case_sensitive,
            ..Default::default()
        };
        f.update("d", &t);
        f.matches
            .iter()
            .map(|r| t.slice(r.clone()).unwrap().to_owned())
            .collect()
    }

    #[test]
    fn case_insensitive_matches_keep_exact_offsets() {
        let text = "L’ARMÉE 👨🏻‍🚒 l’armée, Армия армия";
        assert_eq!(matches(text, "l’armée", false), ["L’ARMÉE", "l’armée"]);
        assert_eq!(matches(text, "l’armée", true), ["l’armée"]);
        assert_eq!(matches(text, "АРМИЯ", false), ["Армия", "армия"]);
        assert!(matches(text, "", false).is_empty());
        // Accents count only when matching case.
        let text = "l’Azerbaïdjan, AZERBAIDJAN, Ереван, Ёлка";
        assert_eq!(matches(text, "azerbaidjan", false), ["Azerbaïdjan", "AZERBAIDJAN"]);
        assert_eq!(matches(text, "Azerbaïdjan", true), ["Azerbaïdjan"]);
        assert_eq!(matches(text, "елка", false), ["Ёлка"]);
        // Offsets stay exact after an astral emoji and a combining mark.
        let text = "👨🏻‍🚒 cafe\u{301} — Café";
        assert_eq!(matches(text, "cafe", false), ["cafe", "Café"]);
    }

    #[test]
    fn next_and_previous_wrap_around() {
        let t = Text::new("a b a b a");
        let mut f = FindState {
            query: "a".into(),
            case_sensitive: true,
            ..Default::default()
        };
        f.update("d", &t);
        assert_eq!(f.next(3), Some(4..5), "first match after the caret");
        assert_eq!(f.next(3), Some(8..9));
        assert_eq!(f.next(3), Some(0..1), "wraps");
        assert_eq!(f.previous(0), Some(8..9));
        f.query = "b".into();
        f.update("d", &t);
        assert_eq!(f.current, None, "a new query starts afresh");
        assert_eq!(f.matches, [2..3, 6..7]);
    }
}
