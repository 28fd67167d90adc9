//! Mapping positions of an old text to a new text.
//!
//! When a researcher fixes a typo or gets a new revision of an article, the
//! annotations' offsets must follow the text. [`TextMap::between`] diffs
//! the two texts in two passes (lines first, which is fast on megabytes;
//! then words, UAX #29 segments, inside the changed lines, so that fixing
//! one word keeps every neighbouring span exact) and keeps the runs of
//! unchanged code points. Words rather than characters: a character diff
//! finds spurious common letters between unrelated replacements and would
//! end a span in the middle of a new word. Positions map through those runs the way helix-core maps them
//! through a change set: an annotation's start sticks *after* text inserted
//! at its position and its end sticks *before* it, so inserting text right
//! before or after a span does not pull the text into the span. A span
//! none of whose characters survive lies inside one changed region: if the
//! region's text was replaced (a corrected word), the span follows the
//! replacement; if it was deleted, the span has nothing left to anchor to
//! and is an orphan.

use std::ops::Range;
use std::time::{Duration, Instant};

use similar::{Algorithm, DiffOp, capture_diff_slices, capture_diff_slices_deadline};
use unicode_segmentation::UnicodeSegmentation;

/// Changed line groups longer than this (in bytes) are not diffed by word:
/// they count as replaced whole.
const MAX_WORD_DIFF: usize = 1_000_000;
/// Time allowed to each word diff before it settles for a rougher answer.
const WORD_DIFF_DEADLINE: Duration = Duration::from_millis(200);

/// A run of code points unchanged between the texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    old: usize,
    new: usize,
    len: usize,
}

/// How positions of an old text map to a new one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextMap {
    /// Unchanged runs, in order of both `old` and `new`.
    runs: Vec<Run>,
    old_len: usize,
    new_len: usize,
}

/// What became of a span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mapped {
    /// The span, in the new text.
    Span(Range<usize>),
    /// The span's text was deleted.
    Orphan,
}

impl TextMap {
    /// The map of a text to itself.
    pub fn identity(len: usize) -> TextMap {
        TextMap {
            runs: vec![Run { old: 0, new: 0, len }],
            old_len: len,
            new_len: len,
        }
    }

    /// Diffs `old` and `new`.
    pub fn between(old: &str, new: &str) -> TextMap {
        let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
        let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
        let old_starts = line_starts(&old_lines);
        let new_starts = line_starts(&new_lines);
        let mut runs = Vec::new();
        for op in capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines) {
            match op {
                DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => push_run(
                    &mut runs,
                    Run {
                        old: old_starts[old_index],
                        new: new_starts[new_index],
                        len: old_starts[old_index + len] - old_starts[old_index],
                    },
                ),
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => {
                    let old_part = old_lines[old_index..old_index + old_len].concat();
                    let new_part = new_lines[new_index..new_index + new_len].concat();
                    if old_part.len() + new_part.len() <= MAX_WORD_DIFF {
                        let old_words: Vec<&str> = old_part.split_word_bounds().collect();
                        let new_words: Vec<&str> = new_part.split_word_bounds().collect();
                        let (old_at, new_at) = (line_starts(&old_words), line_starts(&new_words));
                        let deadline = Instant::now() + WORD_DIFF_DEADLINE;
                        let ops =
                            capture_diff_slices_deadline(Algorithm::Myers, &old_words, &new_words, Some(deadline));
                        for op in ops {
                            if let DiffOp::Equal {
                                old_index: o,
                                new_index: n,
                                len,
                            } = op
                            {
                                push_run(
                                    &mut runs,
                                    Run {
                                        old: old_starts[old_index] + old_at[o],
                                        new: new_starts[new_index] + new_at[n],
                                        len: old_at[o + len] - old_at[o],
                                    },
                                );
                            }
                        }
                    }
                }
                DiffOp::Delete { .. } | DiffOp::Insert { .. } => {}
            }
        }
        TextMap {
            runs,
            old_len: *old_starts.last().unwrap_or(&0),
            new_len: *new_starts.last().unwrap_or(&0),
        }
    }

    /// True when nothing changed.
    pub fn is_identity(&self) -> bool {
        self.old_len == self.new_len && self.runs.len() <= 1 && self.runs.first().is_none_or(|r| r.len == self.old_len)
    }

    /// Index of the first run ending after `p` (a run containing `p` or the
    /// first one after it).
    fn run_after(&self, p: usize) -> usize {
        self.runs.partition_point(|r| r.old + r.len <= p)
    }

    /// Where a span start at old position `p` goes: into its run, or, if the
    /// character at `p` was changed, to the start of what replaced it.
    /// Text inserted exactly at `p` stays before the start.
    pub fn map_start(&self, p: usize) -> usize {
        let i = self.run_after(p);
        match self.runs.get(i) {
            Some(r) if r.old <= p => r.new + (p - r.old),
            // `p` lies in a change that ends where run `i` begins: the
            // replacement starts where the previous run ended.
            _ => self.changed_region_new_start(i, p),
        }
    }

    /// Where a span end at old position `p` goes (exclusive): after the
    /// character before it, or, if that character was changed, after what
    /// replaced it. Text inserted exactly at `p` stays after the end.
    pub fn map_end(&self, p: usize) -> usize {
        if p == 0 {
            return 0;
        }
        let last = p - 1;
        let i = self.run_after(last);
        match self.runs.get(i) {
            Some(r) if r.old <= last => r.new + (p - r.old),
            _ => self.runs.get(i).map_or(self.new_len, |r| r.new),
        }
    }

    /// The new start of the changed region before run `i` containing `p`:
    /// where the previous run ended (or 0), unless the region deleted
    /// nothing at `p` (a pure insertion at `p`), in which case the start
    /// sticks after the insertion.
    fn changed_region_new_start(&self, i: usize, p: usize) -> usize {
        let prev_end_old = i.checked_sub(1).map_or(0, |k| self.runs[k].old + self.runs[k].len);
        let prev_end_new = i.checked_sub(1).map_or(0, |k| self.runs[k].new + self.runs[k].len);
        let next_old = self.runs.get(i).map_or(self.old_len, |r| r.old);
        let next_new = self.runs.get(i).map_or(self.new_len, |r| r.new);
        if prev_end_old == next_old && p == next_old {
            next_new
        } else {
            prev_end_new
        }
    }

    /// True when some character of the old range `span` is unchanged.
    pub fn survives(&self, span: Range<usize>) -> bool {
        let i = self.run_after(span.start);
        self.runs
            .get(i)
            .is_some_and(|r| r.old < span.end && span.start < r.old + r.len)
    }

    /// Maps a span (old code points) to the new text.
    pub fn map_span(&self, span: Range<usize>) -> Mapped {
        if !self.survives(span.clone()) {
            // Wholly inside one changed region: follow its replacement.
            let i = self.run_after(span.start);
            let start = i.checked_sub(1).map_or(0, |k| self.runs[k].new + self.runs[k].len);
            let end = self.runs.get(i).map_or(self.new_len, |r| r.new);
            return if start < end {
                Mapped::Span(start..end)
            } else {
                Mapped::Orphan
            };
        }
        let (start, end) = (self.map_start(span.start), self.map_end(span.end));
        if start < end {
            Mapped::Span(start..end)
        } else {
            Mapped::Orphan
        }
    }
}

/// Code point offset of each piece's start, plus the total length.
fn line_starts(lines: &[&str]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(lines.len() + 1);
    let mut at = 0;
    starts.push(0);
    for l in lines {
        at += l.chars().count();
        starts.push(at);
    }
    starts
}

/// Appends a run, merging it with the previous one when they touch.
fn push_run(runs: &mut Vec<Run>, run: Run) {
    if run.len == 0 {
        return;
    }
    if let Some(last) = runs.last_mut()
        && last.old + last.len == run.old
        && last.new + last.len == run.new
    {
        last.len += run.len;
        return;
    }
    runs.push(run);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Maps the span of `needle` (its `nth` occurrence) from `old` to
    /// `new` and returns the new text it covers, or `None` for an orphan.
    fn follow(old: &str, new: &str, needle: &str) -> Option<String> {
        let byte = old.find(needle).expect("needle");
        let start = old[..byte].chars().count();
        let end = start + needle.chars().count();
        match TextMap::between(old, new).map_span(start..end) {
            Mapped::Span(r) => Some(new.chars().skip(r.start).take(r.len()).collect()),
            Mapped::Orphan => None,
        }
    }

    #[test]
    fn identical_texts_map_to_themselves() {
        let m = TextMap::between("a\nb\n", "a\nb\n");
        assert!(m.is_identity());
        assert_eq!(m.map_span(1..3), Mapped::Span(1..3));
        assert!(TextMap::identity(5).is_identity());
    }

    #[test]
    fn insertions_around_a_span_leave_it_alone() {
        let old = "Le président Aliyev a parlé.";
        assert_eq!(
            follow(old, "Hier, le président Aliyev a parlé.", "Aliyev").as_deref(),
            Some("Aliyev")
        );
        // Inserted exactly before and after the span: not pulled in.
        assert_eq!(
            follow(old, "Le président Ilham Aliyev, réélu, a parlé.", "Aliyev").as_deref(),
            Some("Aliyev")
        );
        assert_eq!(
            follow(old, "Le président Aliyev a parlé.\nSuite.", "Aliyev").as_deref(),
            Some("Aliyev")
        );
    }

    #[test]
    fn edits_inside_a_span_grow_or_shrink_it() {
        let old = "Le président Ilham Aliyev a parlé.";
        assert_eq!(
            follow(old, "Le président Ilham Heydar Aliyev a parlé.", "Ilham Aliyev").as_deref(),
            Some("Ilham Heydar Aliyev")
        );
        assert_eq!(
            follow(old, "Le président I. Aliyev a parlé.", "Ilham Aliyev").as_deref(),
            Some("I. Aliyev")
        );
        // A corrected word: the span follows the correction.
        assert_eq!(
            follow("les forces azéries", "les forces azerbaïdjanaises", "azéries").as_deref(),
            Some("azerbaïdjanaises")
        );
        assert_eq!(
            follow("Nikol Pachinian a dit", "Nikol Pashinyan a dit", "Nikol Pachinian").as_deref(),
            Some("Nikol Pashinyan")
        );
    }

    #[test]
    fn a_deleted_span_is_an_orphan() {
        let old = "Premier paragraphe.\nLe médiateur Stepanyan a parlé.\nDernier paragraphe.\n";
        let new = "Premier paragraphe.\nDernier paragraphe.\n";
        assert_eq!(follow(old, new, "Stepanyan"), None);
        // Its neighbours moved up intact.
        assert_eq!(follow(old, new, "Dernier").as_deref(), Some("Dernier"));
    }

    #[test]
    fn spans_follow_text_moved_by_earlier_edits_across_scripts() {
        let old = "👨🏻‍🚒 Հայաստան\r\nРоссия e\u{301} 中文 مرحبا\n";
        let new = "Nouveau début 😀\n👨🏻‍🚒 Հայաստան\r\nРоссия e\u{301} 中文 مرحبا\n";
        for needle in ["Հայաստան", "Россия", "e\u{301}", "中文", "مرحبا", "👨🏻‍🚒"] {
            assert_eq!(follow(old, new, needle).as_deref(), Some(needle));
        }
    }

    #[test]
    fn a_partly_replaced_span_covers_its_replacement() {
        // The end of the span was rewritten: the span now ends after the rewrite.
        let old = "les forces arméniennes ont tiré";
        let new = "les forces de l’Artsakh ont tiré";
        assert_eq!(
            follow(old, new, "forces arméniennes").as_deref(),
            Some("forces de l’Artsakh")
        );
    }
}
