//! A list kept in canonical order (document, then position), stored one
//! document at a time: the project's annotations and its suggestions.
//!
//! One vector for the whole project made every edit of a 10,000-document
//! corpus move the tail of 500,000 annotations (120 MB) to make room or
//! close a gap: 10 ms of a frame to accept one suggestion. Here an edit
//! moves only its document's items. Each document's items live in a
//! *slot* that does not move while the document has items, so an index of
//! ids can name the slot ([`crate::model::Project::annotation`]); the
//! documents are ordered by id in a map, so that walking the slots in that
//! order gives the whole list in canonical order ([`Items`]).
//!
//! Each slot's vector is shared (`Arc`) and copied only when changed, so
//! a clone of the project costs one pointer per document, not a copy of
//! half a million annotations: the workbench hands such a clone to a
//! thread to write the recovery copy while the user goes on tagging.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet, btree_map};
use std::sync::Arc;

/// What a [`ByDoc`] holds: an item of one document, ordered within it.
pub trait InDocument {
    fn doc(&self) -> &str;
    /// Canonical order (the document first; within one, the position).
    fn canonical(&self, other: &Self) -> Ordering;
}

impl InDocument for super::Annotation {
    fn doc(&self) -> &str {
        &self.doc
    }

    fn canonical(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl InDocument for super::Suggestion {
    fn doc(&self) -> &str {
        &self.doc
    }

    fn canonical(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// A document's place in a [`ByDoc`].
pub type Slot = u32;

/// Items in canonical order, one sorted vector per document.
///
/// Invariants: a slot in `order` holds at least one item, every item of
/// which belongs to the slot's document, sorted; a slot not in `order` is
/// empty and listed in `free`.
#[derive(Clone)]
pub struct ByDoc<T> {
    slots: Vec<Arc<Vec<T>>>,
    order: BTreeMap<String, Slot>,
    free: Vec<Slot>,
    len: usize,
}

impl<T> Default for ByDoc<T> {
    fn default() -> ByDoc<T> {
        ByDoc {
            slots: Vec::new(),
            order: BTreeMap::new(),
            free: Vec::new(),
            len: 0,
        }
    }
}

impl<T: InDocument> ByDoc<T> {
    /// The items of `items`, sorted.
    pub fn from_vec(items: Vec<T>) -> ByDoc<T> {
        let mut by = ByDoc {
            len: items.len(),
            ..ByDoc::default()
        };
        for run in runs(items) {
            by.push_slot(run);
        }
        by
    }

    /// Adds a non-empty sorted run of one document that has no slot yet.
    fn push_slot(&mut self, run: Vec<T>) -> Slot {
        let doc = run.first().map(|x| x.doc().to_owned()).unwrap_or_default();
        let slot = match self.free.pop() {
            Some(s) => {
                self.slots[s as usize] = Arc::new(run);
                s
            }
            None => {
                self.slots.push(Arc::new(run));
                Slot::try_from(self.slots.len() - 1).unwrap_or(Slot::MAX)
            }
        };
        self.order.insert(doc, slot);
        slot
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// The whole list, in canonical order.
    pub fn all(&self) -> Items<'_, T> {
        Items { by: self }
    }

    /// The slot of document `doc`, when it has items.
    pub fn slot(&self, doc: &str) -> Option<Slot> {
        self.order.get(doc).copied()
    }

    /// The items of a slot (empty for a freed or unknown one).
    pub fn in_slot(&self, slot: Slot) -> &[T] {
        self.slots.get(slot as usize).map_or(&[], |items| items.as_slice())
    }

    /// The items of document `doc`, in order.
    pub fn of(&self, doc: &str) -> &[T] {
        self.slot(doc).map_or(&[], |s| self.in_slot(s))
    }

    /// Each document's items, in document order.
    pub fn documents(&self) -> impl Iterator<Item = &[T]> + '_ {
        self.order.values().map(|&s| self.in_slot(s))
    }
}

/// Changes: a slot shared with a clone is copied first (`Arc::make_mut`).
impl<T: InDocument + Clone> ByDoc<T> {
    /// Inserts one item in its place, returning its document's slot.
    pub fn insert(&mut self, item: T) -> Slot {
        self.len += 1;
        match self.slot(item.doc()) {
            Some(slot) => {
                let items = Arc::make_mut(&mut self.slots[slot as usize]);
                let at = items.partition_point(|x| x.canonical(&item) == Ordering::Less);
                items.insert(at, item);
                slot
            }
            None => self.push_slot(vec![item]),
        }
    }

    /// Inserts many items, returning, for each, `key` of it and its slot.
    pub fn extend<K>(&mut self, items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<(K, Slot)> {
        let mut placed = Vec::with_capacity(items.len());
        self.len += items.len();
        for group in runs(items) {
            let keys: Vec<K> = group.iter().map(&key).collect();
            let slot = match group.first().and_then(|x| self.slot(x.doc())) {
                Some(slot) => {
                    let items = Arc::make_mut(&mut self.slots[slot as usize]);
                    items.reserve_exact(group.len());
                    items.extend(group);
                    items.sort_by(T::canonical);
                    slot
                }
                None => self.push_slot(group),
            };
            placed.extend(keys.into_iter().map(|k| (k, slot)));
        }
        placed
    }

    /// Removes the items of `slots` that `gone` picks, returning them in
    /// canonical order.
    pub fn remove_where(&mut self, slots: &HashSet<Slot>, mut gone: impl FnMut(&T) -> bool) -> Vec<T> {
        let mut slots: Vec<Slot> = slots.iter().copied().filter(|s| !self.in_slot(*s).is_empty()).collect();
        slots.sort_by(|a, b| self.in_slot(*a)[0].doc().cmp(self.in_slot(*b)[0].doc()));
        let mut removed = Vec::new();
        for slot in slots {
            let items = self.take_slot(slot);
            let doc = items[0].doc().to_owned();
            let (out, kept): (Vec<T>, Vec<T>) = items.into_iter().partition(|x| gone(x));
            self.len -= out.len();
            removed.extend(out);
            self.put_back(slot, &doc, kept);
        }
        removed
    }

    /// Removes the item of `slot` at `at`.
    pub fn remove_at(&mut self, slot: Slot, at: usize) -> Option<T> {
        let items = Arc::make_mut(self.slots.get_mut(slot as usize)?);
        if at >= items.len() {
            return None;
        }
        let item = items.remove(at);
        self.len -= 1;
        if items.is_empty() {
            self.put_back(slot, item.doc(), Vec::new());
        }
        Some(item)
    }

    /// Every slot whose items `gone` may pick, for [`ByDoc::remove_where`]
    /// when nothing says which documents to look in.
    pub fn every_slot(&self) -> HashSet<Slot> {
        self.order.values().copied().collect()
    }

    /// Removes every item of document `doc`.
    pub fn remove_document(&mut self, doc: &str) -> Vec<T> {
        let Some(slot) = self.order.remove(doc) else {
            return Vec::new();
        };
        let items = self.take_slot(slot);
        self.free.push(slot);
        self.len -= items.len();
        items
    }

    /// Puts a slot's items back after a removal: the slot is freed when
    /// none are left.
    fn put_back(&mut self, slot: Slot, doc: &str, items: Vec<T>) {
        if items.is_empty() {
            self.order.remove(doc);
            self.free.push(slot);
        }
        self.slots[slot as usize] = Arc::new(items);
    }

    /// A slot's items, taken out (copied only if a clone shares them).
    fn take_slot(&mut self, slot: Slot) -> Vec<T> {
        let shared = std::mem::take(&mut self.slots[slot as usize]);
        Arc::try_unwrap(shared).unwrap_or_else(|shared| (*shared).clone())
    }

    /// Document `doc`'s items, mutably: the caller keeps them in order and
    /// in their document (values change, keys do not).
    pub fn of_mut(&mut self, doc: &str) -> &mut [T] {
        match self.order.get(doc) {
            Some(&s) => Arc::make_mut(&mut self.slots[s as usize]).as_mut_slice(),
            None => &mut [],
        }
    }

    /// Changes items in place through `change` (which must not move one
    /// to another document), then sorts each changed document again.
    pub fn change_all(&mut self, mut change: impl FnMut(&mut T) -> bool) {
        for &slot in self.order.values() {
            let shared = &mut self.slots[slot as usize];
            let mut changed = false;
            if let Some(items) = Arc::get_mut(shared) {
                for item in items.iter_mut() {
                    changed |= change(item);
                }
            } else {
                // A slot a clone shares is copied only when something in
                // it changes: each item is tried on a copy first.
                for k in 0..shared.len() {
                    let mut item = shared[k].clone();
                    if change(&mut item) {
                        Arc::make_mut(shared)[k] = item;
                        changed = true;
                    }
                }
            }
            if changed {
                Arc::make_mut(shared).sort_by(T::canonical);
            }
        }
    }
}

/// `items` sorted and cut into one vector per document, each allocated to
/// its size (grown by pushing, they would hold a third more on average:
/// 60 MB more for 500,000 annotations).
fn runs<T: InDocument>(mut items: Vec<T>) -> Vec<Vec<T>> {
    items.sort_by(T::canonical);
    let mut lengths = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let doc = items[i].doc();
        let n = items[i..].partition_point(|x| x.doc() == doc);
        lengths.push(n);
        i += n;
    }
    let mut all = items.into_iter();
    lengths.into_iter().map(|n| all.by_ref().take(n).collect()).collect()
}

impl<T: InDocument + PartialEq> PartialEq for ByDoc<T> {
    fn eq(&self, other: &ByDoc<T>) -> bool {
        self.all() == other.all()
    }
}

impl<T: InDocument + Eq> Eq for ByDoc<T> {}

impl<T: InDocument + std::fmt::Debug> std::fmt::Debug for ByDoc<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.all().fmt(f)
    }
}

/// The whole of a [`ByDoc`] as one list in canonical order (what a slice
/// of the single vector used to be): iterate it, count it, index it.
pub struct Items<'a, T> {
    by: &'a ByDoc<T>,
}

impl<T> Clone for Items<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Items<'_, T> {}

impl<'a, T: InDocument> Items<'a, T> {
    pub fn iter(&self) -> Iter<'a, T> {
        Iter {
            slots: &self.by.slots,
            order: self.by.order.values(),
            front: [].iter(),
            back: [].iter(),
            remaining: self.by.len,
        }
    }

    pub fn len(&self) -> usize {
        self.by.len
    }

    pub fn is_empty(&self) -> bool {
        self.by.len == 0
    }

    /// The item at position `i` of the whole list: a walk over the
    /// documents, not a constant-time index.
    pub fn get(&self, i: usize) -> Option<&'a T> {
        let mut i = i;
        for items in self.by.documents() {
            if i < items.len() {
                return items.get(i);
            }
            i -= items.len();
        }
        None
    }

    pub fn first(&self) -> Option<&'a T> {
        self.iter().next()
    }

    pub fn last(&self) -> Option<&'a T> {
        self.iter().next_back()
    }

    pub fn to_vec(&self) -> Vec<T>
    where
        T: Clone,
    {
        self.iter().cloned().collect()
    }
}

impl<T: InDocument> std::ops::Index<usize> for Items<'_, T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        match self.get(i) {
            Some(x) => x,
            None => panic!("index {i} out of a list of {}", self.len()),
        }
    }
}

impl<'a, T: InDocument> IntoIterator for Items<'a, T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<'a, T: InDocument> IntoIterator for &Items<'a, T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<T: InDocument + PartialEq> PartialEq for Items<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: InDocument + PartialEq> PartialEq<[T]> for Items<'_, T> {
    fn eq(&self, other: &[T]) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: InDocument + PartialEq> PartialEq<&[T]> for Items<'_, T> {
    fn eq(&self, other: &&[T]) -> bool {
        *self == **other
    }
}

impl<T: InDocument + PartialEq> PartialEq<Vec<T>> for Items<'_, T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        *self == **other
    }
}

impl<T: InDocument + std::fmt::Debug> std::fmt::Debug for Items<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The items of a [`ByDoc`] in canonical order, from both ends.
pub struct Iter<'a, T> {
    slots: &'a [Arc<Vec<T>>],
    order: btree_map::Values<'a, String, Slot>,
    front: std::slice::Iter<'a, T>,
    back: std::slice::Iter<'a, T>,
    remaining: usize,
}

impl<T> Clone for Iter<'_, T> {
    fn clone(&self) -> Self {
        Iter {
            slots: self.slots,
            order: self.order.clone(),
            front: self.front.clone(),
            back: self.back.clone(),
            remaining: self.remaining,
        }
    }
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        loop {
            if let Some(x) = self.front.next() {
                self.remaining -= 1;
                return Some(x);
            }
            match self.order.next() {
                Some(&s) => self.front = self.slots[s as usize].iter(),
                None => {
                    let x = self.back.next()?;
                    self.remaining -= 1;
                    return Some(x);
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl<T> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(x) = self.back.next_back() {
                self.remaining -= 1;
                return Some(x);
            }
            match self.order.next_back() {
                Some(&s) => self.back = self.slots[s as usize].iter(),
                None => {
                    let x = self.front.next_back()?;
                    self.remaining -= 1;
                    return Some(x);
                }
            }
        }
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

impl<T> std::iter::FusedIterator for Iter<'_, T> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq)]
    struct Item(String, u32);

    impl InDocument for Item {
        fn doc(&self) -> &str {
            &self.0
        }

        fn canonical(&self, other: &Self) -> Ordering {
            (&self.0, self.1).cmp(&(&other.0, other.1))
        }
    }

    fn item(doc: &str, at: u32) -> Item {
        Item(doc.to_owned(), at)
    }

    fn listed(by: &ByDoc<Item>) -> Vec<(String, u32)> {
        by.all().iter().map(|x| (x.0.clone(), x.1)).collect()
    }

    #[test]
    fn keeps_canonical_order_through_inserts_and_removals() {
        let mut by = ByDoc::from_vec(vec![item("b", 2), item("a", 5), item("b", 1), item("c", 0)]);
        assert_eq!(
            listed(&by),
            [("a".into(), 5), ("b".into(), 1), ("b".into(), 2), ("c".into(), 0)]
        );
        let b = by.insert(item("b", 0));
        assert_eq!(by.in_slot(b).iter().map(|x| x.1).collect::<Vec<_>>(), [0, 1, 2]);
        by.insert(item("aa", 3));
        assert_eq!(by.len(), 6);
        assert_eq!(by.all()[1], item("aa", 3));
        assert_eq!(by.all().get(6), None);
        // Removing a document's last item frees its slot; a new document
        // takes it and still lists in its place.
        let a = by.slot("a").expect("a");
        let removed = by.remove_where(&HashSet::from([a, b]), |x| x.0 == "a" || x.1 == 1);
        assert_eq!(removed, [item("a", 5), item("b", 1)]);
        assert_eq!(by.slot("a"), None);
        assert_eq!(by.insert(item("d", 9)), a);
        assert_eq!(
            listed(&by),
            [
                ("aa".into(), 3),
                ("b".into(), 0),
                ("b".into(), 2),
                ("c".into(), 0),
                ("d".into(), 9)
            ]
        );
        assert_eq!(by.all().iter().rev().map(|x| x.1).collect::<Vec<_>>(), [9, 0, 2, 0, 3]);
        assert_eq!(by.all().iter().len(), 5);
    }

    #[test]
    fn extend_places_each_item_and_says_where() {
        let mut by = ByDoc::from_vec(vec![item("b", 5)]);
        let placed = by.extend(vec![item("b", 1), item("a", 2), item("b", 9)], |x| x.1);
        let b = by.slot("b").expect("b");
        let a = by.slot("a").expect("a");
        let mut placed = placed;
        placed.sort();
        assert_eq!(placed, [(1, b), (2, a), (9, b)]);
        assert_eq!(by.of("b").iter().map(|x| x.1).collect::<Vec<_>>(), [1, 5, 9]);
        assert_eq!(by.remove_document("b").len(), 3);
        assert_eq!(listed(&by), [("a".into(), 2)]);
        assert_eq!(by.len(), 1);
        assert_eq!(by.remove_at(a, 0), Some(item("a", 2)));
        assert!(by.all().is_empty() && by.all().first().is_none());
    }

    #[test]
    fn a_clone_shares_each_document_until_one_side_changes_it() {
        let original = ByDoc::from_vec(vec![item("a", 1), item("b", 2), item("c", 3)]);
        let mut copy = original.clone();
        let shared = |by: &ByDoc<Item>, doc: &str| by.of(doc).as_ptr();
        assert_eq!(shared(&original, "a"), shared(&copy, "a"), "no copy made");
        // Every kind of change leaves the original as it was.
        copy.insert(item("a", 0));
        copy.remove_document("b");
        let c = copy.slot("c").expect("c");
        copy.remove_at(c, 0);
        copy.of_mut("a")[1].1 = 7;
        copy.change_all(|x| {
            x.1 += 10;
            true
        });
        assert_eq!(listed(&original), [("a".into(), 1), ("b".into(), 2), ("c".into(), 3)]);
        assert_eq!(listed(&copy), [("a".into(), 10), ("a".into(), 17)]);
        // An untouched document stays shared; a touched one is copied.
        let mut again = original.clone();
        again.change_all(|x| {
            x.0 == "b" && {
                x.1 = 5;
                true
            }
        });
        assert_eq!(shared(&original, "a"), shared(&again, "a"));
        assert_ne!(shared(&original, "b"), shared(&again, "b"));
        assert_eq!(listed(&original)[1], ("b".into(), 2));
    }

    #[test]
    fn both_ends_of_the_iterator_meet_once() {
        let by = ByDoc::from_vec((0..7).map(|i| item(["x", "y", "z"][i % 3], i as u32)).collect());
        let mut it = by.all().iter();
        let mut seen = Vec::new();
        while let Some(x) = it.next() {
            seen.push(x.1);
            if let Some(y) = it.next_back() {
                seen.push(y.1);
            }
        }
        seen.sort();
        assert_eq!(seen, [0, 1, 2, 3, 4, 5, 6]);
    }
}
