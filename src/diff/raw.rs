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

#[cfg(test)]
mod tests {
    use super::*;

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
