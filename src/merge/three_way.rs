//! The three-way rule for one value, shared by every part of the merge.
//!
//! A value both sides agree on is taken; a value only one side changed
//! (relative to the common ancestor) is that side's; a value both changed,
//! differently, is a conflict. With no ancestor (both sides added the
//! same thing), any difference is a conflict.

/// Which side a merged value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum From {
    /// Both sides have this value (unchanged, or changed the same way).
    Both,
    Ours,
    Theirs,
}

/// The outcome of merging one value.
#[derive(Debug, PartialEq, Eq)]
pub enum Pick<'a, T: ?Sized> {
    Clean(&'a T, From),
    /// Both changed it differently: the caller keeps ours and records this.
    Conflict {
        ours: &'a T,
        theirs: &'a T,
    },
}

impl<'a, T: ?Sized> Pick<'a, T> {
    /// The value the merge keeps (ours, on conflict).
    pub fn value(&self) -> &'a T {
        match self {
            Pick::Clean(v, _) => v,
            Pick::Conflict { ours, .. } => ours,
        }
    }

    /// The side the kept value came from (ours, on conflict).
    pub fn from(&self) -> From {
        match self {
            Pick::Clean(_, from) => *from,
            Pick::Conflict { .. } => From::Ours,
        }
    }
}

/// Merges one value.
pub fn pick<'a, T: PartialEq + ?Sized>(base: Option<&T>, ours: &'a T, theirs: &'a T) -> Pick<'a, T> {
    if ours == theirs {
        Pick::Clean(ours, From::Both)
    } else if base.is_some_and(|b| b == ours) {
        Pick::Clean(theirs, From::Theirs)
    } else if base.is_some_and(|b| b == theirs) {
        Pick::Clean(ours, From::Ours)
    } else {
        Pick::Conflict { ours, theirs }
    }
}

/// Merges two maps key by key (attribute values, metadata): a key one
/// side set, changed or removed is that side's; both changing one key
/// differently is a conflict, said as `{what} "key": ours …, theirs …`,
/// which keeps ours. Returns the map and which sides contributed.
pub fn merge_map<V: PartialEq + Clone + std::fmt::Debug>(
    what: &str,
    base: Option<&std::collections::BTreeMap<String, V>>,
    ours: &std::collections::BTreeMap<String, V>,
    theirs: &std::collections::BTreeMap<String, V>,
    conflicts: &mut Vec<String>,
) -> (std::collections::BTreeMap<String, V>, Vec<From>) {
    let mut out = std::collections::BTreeMap::new();
    let mut sides = Vec::new();
    let keys: std::collections::BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
    for k in keys {
        let b = base.map(|m| m.get(k));
        let (ov, tv) = (ours.get(k), theirs.get(k));
        let p = pick(b.as_ref(), &ov, &tv);
        if let Pick::Conflict { ours, theirs } = p {
            conflicts.push(format!("{what} {k:?}: ours {ours:?}, theirs {theirs:?}"));
        }
        sides.push(p.from());
        if let Some(v) = p.value() {
            out.insert(k.clone(), (*v).clone());
        }
    }
    (out, sides)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_side_that_changed_wins_and_double_changes_conflict() {
        assert_eq!(pick(Some(&1), &1, &2), Pick::Clean(&2, From::Theirs));
        assert_eq!(pick(Some(&1), &3, &1), Pick::Clean(&3, From::Ours));
        assert_eq!(pick(Some(&1), &4, &4), Pick::Clean(&4, From::Both));
        assert_eq!(pick(Some(&1), &1, &1), Pick::Clean(&1, From::Both));
        assert_eq!(pick(Some(&1), &3, &4), Pick::Conflict { ours: &3, theirs: &4 });
        assert_eq!(pick(None, &3, &4), Pick::Conflict { ours: &3, theirs: &4 });
        assert_eq!(pick(Some(&1), &3, &4).value(), &3);
    }

    #[test]
    fn maps_merge_key_by_key() {
        let m = |pairs: &[(&str, i32)]| pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let base = m(&[("polarity", 1), ("certainty", 5), ("gone", 0)]);
        let ours = m(&[("polarity", 2), ("certainty", 5), ("gone", 0), ("new", 7)]);
        let theirs = m(&[("polarity", 1), ("certainty", 6)]);
        let mut conflicts = Vec::new();
        let (merged, _) = merge_map("attribute", Some(&base), &ours, &theirs, &mut conflicts);
        assert_eq!(merged, m(&[("polarity", 2), ("certainty", 6), ("new", 7)]));
        assert!(conflicts.is_empty());
        let clash = m(&[("polarity", 3)]);
        merge_map("attribute", Some(&base), &ours, &clash, &mut conflicts);
        assert!(
            conflicts
                .iter()
                .any(|c| c.starts_with("attribute \"polarity\": ours Some(2), theirs Some(3)")),
            "{conflicts:?}"
        );
    }
}
