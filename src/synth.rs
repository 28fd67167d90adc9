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
        let nested = p.annotations().windows(2).filter(|w| w[1].start < w[0].end).count();
        assert!(nested > 0, "some spans overlap");
    }
}
