//! Synthetic projects for benchmarks and stress tests.
//!
//! [`synthetic_project`] builds a large document by repeating real source
//! texts (so word lengths, accents, punctuation and line lengths are those
//! researchers meet) and scatters annotations over it at word boundaries,
//! with overlaps and nesting arising naturally. Everything is derived from
//! a seed, so two runs give the same project.

use crate::model::{Annotation, AnnotationId, Document, Project, Status, Text, Timestamp};

/// A deterministic xorshift generator: good enough to scatter spans, and
/// reproducible across platforms without a dependency.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Concatenates `sources` (separated by blank lines) until the text holds
/// at least `bytes` bytes, then cuts it at a character boundary.
pub fn synthetic_text(sources: &[&str], bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 64 * 1024);
    if sources.iter().all(|s| s.is_empty()) {
        return out;
    }
    while out.len() < bytes {
        for s in sources {
            out.push_str(s);
            out.push_str("\n\n");
        }
    }
    let mut cut = bytes;
    while !out.is_char_boundary(cut) {
        cut -= 1;
    }
    out.truncate(cut);
    out
}

/// A project with one document of about `bytes` bytes made from `sources`
/// and `annotations` annotations spread over it (labels event, claim and
/// actor, spans of one to eight words, some overlapping or nested).
pub fn synthetic_project(sources: &[&str], bytes: usize, annotations: usize, seed: u64) -> Project {
    let text = Text::new(synthetic_text(sources, bytes));
    let mut project = Project::new("Synthetic benchmark project");
    let mut doc = Document::new("synthetic", "Synthetic document", "synthetic.txt", text.clone());
    doc.status = Status::InProgress;
    let spans = synthetic_spans(&text, annotations, seed);
    let labels = ["event", "claim", "actor"];
    let at = Timestamp::from_unix(1_700_000_000);
    let mut rng = Rng::new(seed ^ 0xA5A5);
    let list = spans
        .into_iter()
        .enumerate()
        .map(|(i, (start, end))| {
            let quoted = text.slice(start..end).unwrap_or_default().to_owned();
            Annotation {
                id: AnnotationId::from_u64(splitmix(i as u64 + seed)),
                doc: doc.id.clone(),
                start,
                end,
                label: labels[rng.below(labels.len())].to_owned(),
                text: quoted,
                note: if i % 10 == 0 {
                    format!("note {i}")
                } else {
                    String::new()
                },
                author: "synth".to_owned(),
                created: at,
                modified: at,
                meta: Default::default(),
                attrs: Default::default(),
                fragments: Default::default(),
            }
        })
        .collect();
    project.documents.push(doc);
    Project::from_parts(project.name, project.schema, project.documents, list)
}

/// `count` spans (code points) starting at word starts, one to eight words
/// long, in no particular order.
fn synthetic_spans(text: &Text, count: usize, seed: u64) -> Vec<(usize, usize)> {
    let s = text.as_str();
    let bytes = s.as_bytes();
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(count);
    if s.trim().is_empty() {
        return out;
    }
    while out.len() < count {
        // Next word start after a random position: a non-space after a space.
        let mut b = rng.below(bytes.len());
        while b < bytes.len() && !bytes[b].is_ascii_whitespace() {
            b += 1;
        }
        while b < bytes.len() && bytes[b].is_ascii_whitespace() {
            b += 1;
        }
        if b >= bytes.len() || !s.is_char_boundary(b) {
            continue;
        }
        let start = b;
        let words = 1 + rng.below(8);
        let mut end = start;
        for _ in 0..words {
            while end < bytes.len() && !bytes[end].is_ascii_whitespace() {
                end += 1;
            }
            if end >= bytes.len() || bytes[end] == b'\n' {
                break;
            }
            let next = end + 1;
            if next < bytes.len() && !bytes[next].is_ascii_whitespace() {
                end = next;
            }
        }
        while end > start && (bytes[end - 1].is_ascii_whitespace() || !s.is_char_boundary(end)) {
            end -= 1;
        }
        if end <= start {
            continue;
        }
        if let (Some(a), Some(z)) = (text.char_of_byte(start), text.char_of_byte(end)) {
            out.push((a, z));
        }
    }
    out
}

/// SplitMix64: spreads sequential numbers into distinct-looking ids.
fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Adds structure to a synthetic project: a `claimant` relation type
/// (claim → actor, at most one per claim) and a `related` one (any labels),
/// `count` relations between annotations a few positions apart in their
/// document, a polarity on every second claim and an actor reference on
/// every third actor (an entity list of ten), and one document field. It
/// stays valid: `check` finds nothing.
pub fn add_structure(project: &mut Project, count: usize, seed: u64) {
    use crate::model::{
        AttrKind, AttrTarget, AttrValue, AttributeDef, Cardinality, ChoiceValue, Colour, Entity, Relation, RelationType,
    };
    let relation_type = |id: &str, from: &[&str], to: &[&str], cardinality| RelationType {
        id: id.to_owned(),
        name: id.to_owned(),
        colour: Colour([0x4e, 0x79, 0xa7]),
        hotkey: None,
        from: from.iter().map(|s| (*s).to_owned()).collect(),
        to: to.iter().map(|s| (*s).to_owned()).collect(),
        symmetric: false,
        cardinality,
        guideline: String::new(),
    };
    project.schema.relation_types = vec![
        relation_type("claimant", &["claim"], &["actor"], Cardinality::Optional),
        relation_type("related", &[], &[], Cardinality::Any),
    ];
    project.schema.entities = (0..10)
        .map(|i| Entity {
            id: format!("actor{i}"),
            name: format!("Actor {i}"),
            reference: Some(format!("Wikidata:Q{}", 1000 + i)),
            note: String::new(),
        })
        .collect();
    project.schema.attributes = vec![
        AttributeDef {
            id: "polarity".to_owned(),
            name: "Polarity".to_owned(),
            kind: AttrKind::Choice,
            on: vec![AttrTarget::Label("claim".to_owned())],
            values: ["affirms", "denies"]
                .map(|v| ChoiceValue {
                    id: v.to_owned(),
                    hotkey: None,
                })
                .into(),
            default: None,
            required: false,
            guideline: String::new(),
        },
        AttributeDef {
            id: "refers_to".to_owned(),
            name: "Refers to".to_owned(),
            kind: AttrKind::Entity,
            on: vec![AttrTarget::Label("actor".to_owned())],
            values: Vec::new(),
            default: None,
            required: false,
            guideline: String::new(),
        },
    ];
    let mut rng = Rng::new(seed ^ 0x5EED);
    let mut annotations = project.annotations().to_vec();
    for (i, a) in annotations.iter_mut().enumerate() {
        match a.label.as_str() {
            "claim" if i % 2 == 0 => {
                let v = if rng.below(4) == 0 { "denies" } else { "affirms" };
                a.attrs.insert("polarity".to_owned(), AttrValue::Text(v.to_owned()));
            }
            "actor" if i % 3 == 0 => {
                a.attrs.insert(
                    "refers_to".to_owned(),
                    AttrValue::Text(format!("actor{}", rng.below(10))),
                );
            }
            _ => {}
        }
    }
    let n = annotations.len();
    let at = Timestamp::from_unix(1_700_000_000);
    let mut relations = Vec::with_capacity(count);
    let mut claimed = vec![false; n];
    let mut linked = std::collections::HashSet::new();
    let mut k = 0u64;
    while relations.len() < count && n > 1 {
        let i = rng.below(n);
        let j = (i + 1 + rng.below(8)).min(n - 1);
        if i == j || annotations[i].doc != annotations[j].doc {
            continue;
        }
        let (from, to) = (&annotations[i], &annotations[j]);
        if !linked.insert((i, j)) {
            continue;
        }
        let kind = if from.label == "claim" && to.label == "actor" && !claimed[i] {
            claimed[i] = true;
            "claimant"
        } else {
            "related"
        };
        k += 1;
        relations.push(Relation {
            id: AnnotationId::from_u64(splitmix(k ^ seed ^ 0xBEEF_0000_0000)),
            doc: from.doc.clone(),
            kind: kind.to_owned(),
            from: from.id,
            to: to.id,
            attrs: Default::default(),
            note: String::new(),
            author: "synth".to_owned(),
            created: at,
            modified: at,
            meta: Default::default(),
        });
    }
    if let Some(d) = project.documents.first_mut() {
        d.attrs
            .insert("outlet".to_owned(), AttrValue::Text("Synthetic".to_owned()));
    }
    let mut out = Project::from_parts(
        project.name.clone(),
        project.schema.clone(),
        project.documents.clone(),
        annotations,
    );
    out.insert_relations(relations);
    *project = out;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::check;

    #[test]
    fn synthetic_projects_are_valid_and_deterministic() {
        let sources = [
            "L’Azerbaïdjan attaque.\nLe président Ilham Aliyev a déclaré la victoire.",
            "Հայաստան 👨🏻‍🚒 Россия",
        ];
        let p = synthetic_project(&sources, 20_000, 500, 7);
        assert_eq!(p.annotations().len(), 500);
        assert!(p.documents[0].text.as_str().len() <= 20_000);
        assert!(p.documents[0].text.as_str().len() > 19_900);
        assert_eq!(check(&p, &Default::default()), vec![]);
        assert_eq!(p, synthetic_project(&sources, 20_000, 500, 7));
        assert_ne!(p, synthetic_project(&sources, 20_000, 500, 8));
        let all = p.annotations().to_vec();
        let nested = all.windows(2).filter(|w| w[1].start < w[0].end).count();
        assert!(nested > 0, "some spans overlap");
    }

    #[test]
    fn structure_is_added_valid_and_deterministic() {
        let sources = ["L’Azerbaïdjan attaque.\nLe président Ilham Aliyev a déclaré la victoire."];
        let mut p = synthetic_project(&sources, 20_000, 500, 7);
        add_structure(&mut p, 250, 7);
        assert_eq!(p.relations().len(), 250);
        assert!(p.relations().iter().any(|r| r.kind == "claimant"));
        assert!(p.annotations().iter().any(|a| a.attrs.contains_key("polarity")));
        assert_eq!(check(&p, &Default::default()), vec![]);
        let mut q = synthetic_project(&sources, 20_000, 500, 7);
        add_structure(&mut q, 250, 7);
        assert_eq!(p, q);
    }
}
