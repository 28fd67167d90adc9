//! Three-way merge of the suggestion layer, by key (document, span, label,
//! source). Never a conflict: a suggestion taken out on either side
//! (accepted or cleared) stays out, one added on either side comes in, and
//! a rejection on either side holds, so that no decision a person made is
//! undone by the merge. Suggestions whose document or label the merged
//! project no longer has are dropped with them.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::{Suggestion, SuggestionKey};

fn index<'s>(list: impl IntoIterator<Item = &'s Suggestion>) -> HashMap<SuggestionKey<'s>, &'s Suggestion> {
    list.into_iter().map(|s| (s.key(), s)).collect()
}

/// The merged layer, in key order; `keeps` says whether the merged project
/// still has a suggestion's document and label.
pub fn merge<'s>(
    base: impl IntoIterator<Item = &'s Suggestion>,
    ours: impl IntoIterator<Item = &'s Suggestion>,
    theirs: impl IntoIterator<Item = &'s Suggestion>,
    keeps: &dyn Fn(&Suggestion) -> bool,
) -> Vec<Suggestion> {
    let (b, o, t) = (index(base), index(ours), index(theirs));
    let keys: HashSet<SuggestionKey<'_>> = o.keys().chain(t.keys()).copied().collect();
    let mut out: BTreeMap<SuggestionKey<'_>, Suggestion> = BTreeMap::new();
    for key in keys {
        let (ours, theirs) = (o.get(&key), t.get(&key));
        if b.contains_key(&key) && (ours.is_none() || theirs.is_none()) {
            continue;
        }
        let Some(first) = ours.or(theirs) else { continue };
        let rejected = ours.is_some_and(|s| s.rejected) || theirs.is_some_and(|s| s.rejected);
        let merged = Suggestion {
            rejected,
            ..(*first).clone()
        };
        if keeps(&merged) {
            out.insert(key, merged);
        }
    }
    out.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(start: usize, source: &str, rejected: bool) -> Suggestion {
        Suggestion {
            doc: "d".into(),
            start,
            end: start + 2,
            label: "actor".into(),
            text: "ab".into(),
            source: source.into(),
            pattern: String::new(),
            entity: None,
            rejected,
        }
    }

    #[test]
    fn additions_combine_removals_hold_and_rejections_win() {
        let base = vec![s(0, "m", false), s(5, "m", false), s(9, "m", false)];
        // Ours accepted 0 and rejected 5; theirs added 20 from another source.
        let ours = vec![s(5, "m", true), s(9, "m", false)];
        let theirs = vec![s(0, "m", false), s(5, "m", false), s(9, "m", false), s(20, "g", false)];
        let merged = merge(&base, &ours, &theirs, &|_| true);
        let got: Vec<(usize, &str, bool)> = merged
            .iter()
            .map(|x| (x.start, x.source.as_str(), x.rejected))
            .collect();
        assert_eq!(got, [(5, "m", true), (9, "m", false), (20, "g", false)]);
        // What the merged project cannot hold is dropped.
        let kept = merge(&base, &ours, &theirs, &|x| x.source != "g");
        assert_eq!(kept.len(), 2);
    }
}
