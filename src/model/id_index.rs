//! Finding an annotation or a relation by id without a scan, once it is
//! asked for often.
//!
//! A project keeps its annotations sorted by position, so an id lookup is a
//! scan: about 1–2 ms over 100,000 annotations. The workbench looks ids up
//! many times a frame (the inspector, the ends of relations) and an edit
//! several times over. This index maps ids to positions for one state of
//! the list (a generation, see [`super::project::Generation`]); it is built
//! on the third lookup in one state, so that code that changes the list
//! and looks up once in turn (imports, merges) keeps paying a scan, not a
//! rebuild per change.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::AnnotationId;

/// Lookups in one state before the index is built.
const BUILD_AFTER: u32 = 3;
/// Below this many entries a scan is as fast as a hash lookup.
const SMALL: usize = 512;

/// A map built for one state (generation) of a list, on the third lookup
/// in that state.
pub struct Lazy<V> {
    state: Mutex<State<V>>,
}

struct State<V> {
    generation: u64,
    lookups: u32,
    built: Option<Arc<V>>,
}

impl<V> Default for Lazy<V> {
    fn default() -> Lazy<V> {
        Lazy {
            state: Mutex::new(State {
                generation: 0,
                lookups: 0,
                built: None,
            }),
        }
    }
}

impl<V> Lazy<V> {
    /// The map for state `generation`, once it is asked for often enough
    /// to be worth building; `None` before (the caller scans).
    pub fn get(&self, generation: u64, build: impl FnOnce() -> V) -> Option<Arc<V>> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.generation != generation {
            *state = State {
                generation,
                lookups: 0,
                built: None,
            };
        }
        state.lookups = state.lookups.saturating_add(1);
        if state.built.is_none() && state.lookups >= BUILD_AFTER {
            state.built = Some(Arc::new(build()));
        }
        state.built.clone()
    }
}

impl<V> Clone for Lazy<V> {
    fn clone(&self) -> Lazy<V> {
        Lazy::default()
    }
}

impl<V> PartialEq for Lazy<V> {
    fn eq(&self, _: &Lazy<V>) -> bool {
        true
    }
}

impl<V> Eq for Lazy<V> {}

impl<V> std::fmt::Debug for Lazy<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Lazy")
    }
}

/// A lazily built id → position index (see the module's notes). Not part
/// of a project's value: cloned empty, always equal.
#[derive(Clone, Default, PartialEq, Eq, Debug)]
pub struct IdIndex {
    positions: Lazy<HashMap<AnnotationId, usize>>,
}

impl IdIndex {
    /// The position of `id` among `ids` (in the list's order), for the
    /// state `generation` of the list.
    pub fn position<'a>(
        &self,
        generation: u64,
        id: AnnotationId,
        len: usize,
        ids: impl Fn() -> Box<dyn Iterator<Item = AnnotationId> + 'a>,
    ) -> Option<usize> {
        if len < SMALL {
            return ids().position(|x| x == id);
        }
        match self
            .positions
            .get(generation, || ids().enumerate().map(|(i, x)| (x, i)).collect())
        {
            Some(p) => p.get(&id).copied(),
            None => ids().position(|x| x == id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: u64) -> Vec<AnnotationId> {
        (0..n).map(|i| AnnotationId::from_u64(i * 7 + 3)).collect()
    }

    #[test]
    fn positions_are_found_with_and_without_the_index() {
        let list = ids(2000);
        let index = IdIndex::default();
        let all = || Box::new(list.iter().copied()) as Box<dyn Iterator<Item = AnnotationId>>;
        // The first lookups scan, later ones use the index: same answers.
        for _ in 0..5 {
            assert_eq!(index.position(1, list[1234], list.len(), all), Some(1234));
            assert_eq!(index.position(1, AnnotationId::from_u64(1), list.len(), all), None);
        }
        // Another state of the list: the old index is not used.
        let shorter = &list[..1500];
        let some = || Box::new(shorter.iter().copied()) as Box<dyn Iterator<Item = AnnotationId>>;
        for _ in 0..5 {
            assert_eq!(index.position(2, list[1234], shorter.len(), some), Some(1234));
            assert_eq!(index.position(2, list[1600], shorter.len(), some), None);
        }
    }
}
