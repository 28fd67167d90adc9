//! A typed link between two annotations of one document.
//!
//! Relations carry who makes a claim (`claimant`), whom it is about
//! (`target`), who did what in an event (an event trigger's roles). They
//! share the annotations' id space (one random id scheme for everything a
//! project file names), so an id on the command line or in a merge
//! conflict says unambiguously what it is.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::attrs::Attrs;
use super::ids::{AnnotationId, Timestamp};

/// One relation: `from` —type→ `to`, both annotations of `doc`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    pub id: AnnotationId,
    pub doc: String,
    /// The relation type's id.
    #[serde(rename = "type")]
    pub kind: String,
    pub from: AnnotationId,
    pub to: AnnotationId,
    #[serde(default, skip_serializing_if = "Attrs::is_empty")]
    pub attrs: Attrs,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    pub author: String,
    pub created: Timestamp,
    pub modified: Timestamp,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, String>,
}

/// The order relations are kept and written in.
pub type RelationKey<'a> = (&'a str, AnnotationId, &'a str, AnnotationId, AnnotationId);

impl Relation {
    /// Sort key: (document, from, type, to, id): a trigger's roles and a
    /// claim's links sit together in the file.
    pub fn sort_key(&self) -> RelationKey<'_> {
        (&self.doc, self.from, &self.kind, self.to, self.id)
    }

    /// True when the relation touches annotation `id`.
    pub fn touches(&self, id: AnnotationId) -> bool {
        self.from == id || self.to == id
    }
}
