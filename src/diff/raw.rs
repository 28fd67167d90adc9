//! The raw view: a line diff of two project files.
//!
//! Project files hold one label, document or annotation per line, so a
//! plain unified diff of the RON text reads as a list of changed
//! annotations; it is what `git diff` would show, available for any two
//! versions.

use similar::{ChangeTag, TextDiff};

/// Lines of context around each change.
pub const CONTEXT: usize = 3;

/// One line of a unified diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawLine {
    /// `@@ -a,b +c,d @@` between hunks.
    Hunk(String),
    Same(String),
    Removed(String),
    Added(String),
}

/// The unified diff of `a` and `b` as text, with `a_name`/`b_name` headers.
pub fn unified(a: &str, b: &str, a_name: &str, b_name: &str) -> String {
    TextDiff::from_lines(a, b)
        .unified_diff()
        .context_radius(CONTEXT)
        .header(a_name, b_name)
        .to_string()
}

/// The unified diff of `a` and `b` as lines, for display.
pub fn lines(a: &str, b: &str) -> Vec<RawLine> {
    let diff = TextDiff::from_lines(a, b);
    let mut out = Vec::new();
    for group in diff.grouped_ops(CONTEXT) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let (old, new) = (
            first.old_range().start..last.old_range().end,
            first.new_range().start..last.new_range().end,
        );
        out.push(RawLine::Hunk(format!(
            "@@ -{},{} +{},{} @@",
            old.start + 1,
            old.len(),
            new.start + 1,
            new.len()
        )));
        for op in &group {
            for change in diff.iter_changes(op) {
                let text = change.value().trim_end_matches(['\n', '\r']).to_owned();
                out.push(match change.tag() {
                    ChangeTag::Equal => RawLine::Same(text),
                    ChangeTag::Delete => RawLine::Removed(text),
                    ChangeTag::Insert => RawLine::Added(text),
                });
            }
        }
    }
    out
}

/// For each line of [`lines`], the byte ranges that changed inside it: a
/// run of removed lines followed by a run of added lines is paired line by
/// line (a changed note or timestamp at the end of a long annotation line
/// is then marked, not just the whole line), and each pair is diffed word
/// by word. Lines without a partner have no marks.
pub fn inline_changes(lines: &[RawLine]) -> Vec<Vec<std::ops::Range<usize>>> {
    let mut marks = vec![Vec::new(); lines.len()];
    let mut i = 0;
    while i < lines.len() {
        let removed_start = i;
        while i < lines.len() && matches!(lines[i], RawLine::Removed(_)) {
            i += 1;
        }
        let added_start = i;
        while i < lines.len() && matches!(lines[i], RawLine::Added(_)) {
            i += 1;
        }
        let pairs = (added_start - removed_start).min(i - added_start);
        for k in 0..pairs {
            let (r, a) = (removed_start + k, added_start + k);
            if let (RawLine::Removed(old), RawLine::Added(new)) = (&lines[r], &lines[a]) {
                let (old_marks, new_marks) = word_changes(old, new);
                marks[r] = old_marks;
                marks[a] = new_marks;
            }
        }
        if i == removed_start {
            i += 1;
        }
    }
    marks
}

/// The byte ranges of `old` and of `new` that a word diff says differ
/// (adjacent ranges merged).
fn word_changes(old: &str, new: &str) -> (Vec<std::ops::Range<usize>>, Vec<std::ops::Range<usize>>) {
    let diff = TextDiff::from_words(old, new);
    let (mut in_old, mut in_new) = (Vec::new(), Vec::new());
    let (mut o, mut n) = (0usize, 0usize);
    let push = |v: &mut Vec<std::ops::Range<usize>>, r: std::ops::Range<usize>| match v.last_mut() {
        Some(last) if last.end == r.start => last.end = r.end,
        _ => v.push(r),
    };
    for change in diff.iter_all_changes() {
        let len = change.value().len();
        match change.tag() {
            ChangeTag::Equal => {
                o += len;
                n += len;
            }
            ChangeTag::Delete => {
                push(&mut in_old, o..o + len);
                o += len;
            }
            ChangeTag::Insert => {
                push(&mut in_new, n..n + len);
                n += len;
            }
        }
    }
    (in_old, in_new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_changed_part_of_a_changed_line_is_marked() {
        let a = "(\n    (id: \"x\", note: \"à vérifier\", modified: \"2026-01-01T00:00:00Z\"),\n)\n";
        let b = "(\n    (id: \"x\", note: \"vérifié\", modified: \"2026-02-01T00:00:00Z\"),\n)\n";
        let shown = lines(a, b);
        let marks = inline_changes(&shown);
        let (RawLine::Removed(old), RawLine::Added(new)) = (&shown[2], &shown[3]) else {
            panic!("{shown:?}");
        };
        let cut = |s: &str, m: &[std::ops::Range<usize>]| m.iter().map(|r| s[r.clone()].to_owned()).collect::<Vec<_>>();
        let old_cut = cut(old, &marks[2]);
        let new_cut = cut(new, &marks[3]);
        assert!(old_cut.iter().any(|s| s.contains("vérifier")), "{old_cut:?}");
        assert!(new_cut.iter().any(|s| s.contains("vérifié")), "{new_cut:?}");
        assert!(!new_cut.concat().contains("id:"), "only the changed words: {new_cut:?}");
        assert!(
            marks[0].is_empty() && marks[1].is_empty(),
            "the hunk header and context are not marked"
        );
    }

    #[test]
    fn one_changed_line_is_one_removed_and_one_added_line() {
        let a = "(\n    a: 1,\n    b: 2,\n    c: 3,\n)\n";
        let b = "(\n    a: 1,\n    b: 20,\n    c: 3,\n)\n";
        let shown = lines(a, b);
        assert_eq!(shown[0], RawLine::Hunk("@@ -1,5 +1,5 @@".into()));
        assert!(shown.contains(&RawLine::Removed("    b: 2,".into())));
        assert!(shown.contains(&RawLine::Added("    b: 20,".into())));
        let text = unified(a, b, "a.ron", "b.ron");
        assert!(text.starts_with("--- a.ron\n+++ b.ron\n"), "{text}");
        assert!(text.contains("-    b: 2,\n+    b: 20,\n"));
        assert!(lines("same\n", "same\n").is_empty());
    }
}
