//! Find in document: the matches of a query, in code points, found by
//! [`crate::search::Matcher`] (case- and accent-insensitive unless "match
//! case" is on, whole words by default). The folded copy of the text the
//! search reads is kept until the text changes.

use std::ops::Range;

use crate::model::Text;

/// Searches never return more matches than this (a one-letter query in a
/// 10 MB document would otherwise allocate millions).
pub const MAX_MATCHES: usize = 100_000;

/// The find bar's state.
pub struct FindState {
    pub open: bool,
    pub query: String,
    pub case_sensitive: bool,
    /// Only matches that start and end on word boundaries (UAX #29, with
    /// French elisions split): "armenie" does not match inside
    /// "arméniens", but does in "l’Arménie".
    pub whole_word: bool,
    pub matches: Vec<Range<usize>>,
    pub current: Option<usize>,
    /// True when the match list was cut at [`MAX_MATCHES`].
    pub truncated: bool,
    /// The label "Tag all matches" applies.
    pub tag_label: Option<String>,
    pub focus_query: bool,
    searched: Option<(String, String, bool, bool, usize)>,
    folded: Option<(Text, Text)>,
    /// How many matches "Tag all" would tag: (label, project revision,
    /// match count) it was counted for, and the count.
    untagged: Option<((String, u64, usize), usize)>,
}

impl Default for FindState {
    fn default() -> FindState {
        FindState {
            open: false,
            query: String::new(),
            case_sensitive: false,
            whole_word: true,
            matches: Vec::new(),
            current: None,
            truncated: false,
            tag_label: None,
            focus_query: false,
            searched: None,
            folded: None,
            untagged: None,
        }
    }
}

impl FindState {
    /// Recomputes the matches if the query, options or text changed.
    pub fn update(&mut self, doc_id: &str, text: &Text) {
        let key = (
            doc_id.to_owned(),
            self.query.clone(),
            self.case_sensitive,
            self.whole_word,
            text.as_str().as_ptr() as usize,
        );
        if self.searched.as_ref() == Some(&key) {
            return;
        }
        self.searched = Some(key);
        self.current = None;
        // New matches: what "Tag all" would add is counted again.
        self.untagged = None;
        if self.query.is_empty() {
            self.matches.clear();
            self.truncated = false;
            return;
        }
        let query = crate::search::Query {
            pattern: self.query.clone(),
            regex: false,
            whole_word: self.whole_word,
            case_sensitive: self.case_sensitive,
        };
        let Ok(matcher) = crate::search::Matcher::new(&query) else {
            self.matches.clear();
            self.truncated = false;
            return;
        };
        if matcher.wants_folded() && !self.folded.as_ref().is_some_and(|(t, _)| t.ptr_eq(text)) {
            self.folded = Some((text.clone(), crate::search::fold(text)));
        }
        let folded = self.folded.as_ref().map(|(_, f)| f);
        let (found, truncated) = matcher.find(text, folded, MAX_MATCHES);
        self.matches = found;
        self.truncated = truncated;
    }

    /// How many matches are not yet tagged with `label` in `project`'s
    /// document `doc` (what "Tag all matches" would add), counted once per
    /// change of the project, the matches or the label.
    pub fn untagged(&mut self, project: &crate::model::Project, doc: &str, label: &str, revision: u64) -> usize {
        let key = (label.to_owned(), revision, self.matches.len());
        if let Some((k, n)) = &self.untagged
            && *k == key
        {
            return *n;
        }
        let existing = project.annotations_of(doc);
        let n = self
            .matches
            .iter()
            .filter(|m| {
                // Annotations are sorted by start: look only at those
                // starting where the match does.
                let from = existing.partition_point(|a| a.start < m.start);
                !existing[from..]
                    .iter()
                    .take_while(|a| a.start == m.start)
                    .any(|a| a.end == m.end && a.label == label)
            })
            .count();
        self.untagged = Some((key, n));
        n
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

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(text: &str, query: &str, case_sensitive: bool) -> Vec<String> {
        let t = Text::new(text);
        let mut f = FindState {
            query: query.into(),
            case_sensitive,
            whole_word: false,
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
        // Offsets stay exact after an astral emoji; an accent written
        // apart is set aside as a precomposed one, and taken with the hit.
        let text = "👨🏻‍🚒 cafe\u{301} — Café";
        assert_eq!(matches(text, "cafe", false), ["cafe\u{301}", "Café"]);
    }

    #[test]
    fn the_count_of_untagged_matches_follows_a_new_query_with_as_many_matches() {
        use crate::edit::{Command, new_annotation};
        use crate::model::{Document, Project, Timestamp};
        let text = "Bakou et Erevan";
        let mut p = Project::new("p");
        p.documents.push(Document::new("d", "D", "d.txt", Text::new(text)));
        let a = new_annotation(&p, "d", 0..5, "actor", "ana", Timestamp::from_unix(0)).unwrap();
        Command::AddAnnotations(vec![a]).apply(&mut p).unwrap();
        let t = p.document("d").unwrap().text.clone();
        let mut f = FindState {
            query: "Bakou".into(),
            ..Default::default()
        };
        f.update("d", &t);
        assert_eq!(f.untagged(&p, "d", "actor", 1), 0, "Bakou is tagged");
        // One match again, same revision and label: counted anew.
        f.query = "Erevan".into();
        f.update("d", &t);
        assert_eq!(f.untagged(&p, "d", "actor", 1), 1, "Erevan is not");
    }

    #[test]
    fn whole_words_only_by_default() {
        let t = Text::new("Les Arméniens de l’Arménie; armenie, ARMÉNIE! 中文文本");
        let mut f = FindState {
            query: "armenie".into(),
            ..Default::default()
        };
        f.update("d", &t);
        let found: Vec<&str> = f.matches.iter().map(|r| t.slice(r.clone()).unwrap()).collect();
        assert_eq!(found, ["Arménie", "armenie", "ARMÉNIE"], "not inside “Arméniens”");
        f.whole_word = false;
        f.update("d", &t);
        assert_eq!(f.matches.len(), 4);
        f.whole_word = true;
        f.query = "中文".into();
        f.update("d", &t);
        assert_eq!(f.matches.len(), 1, "ideographs are words of their own");
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
