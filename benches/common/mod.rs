//! Shared by the benchmarks: the large synthetic project and timing helpers.
//!
//! Benchmarks print their figures; they assert nothing about time (timing
//! depends on the machine, so it belongs in a report, not in `cargo test`).

#![allow(dead_code)] // each benchmark uses a different subset

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use marginalia::model::{Annotation, AnnotationId, Project};
use marginalia::synth::{Rng, synthetic_project};

/// The size the issues' targets are stated for.
pub const DOC_BYTES: usize = 10 * 1024 * 1024;
pub const ANNOTATIONS: usize = 100_000;
pub const RELATIONS: usize = 50_000;

/// The texts of the sample project, the raw material of synthetic documents.
pub fn seed_texts() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_projects/karabakh");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("sample project folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("seed text"))
        .collect()
}

/// The 10 MB / 100,000-annotation / 50,000-relation project (with
/// attribute values on a third of the annotations).
pub fn large_project() -> Project {
    let texts = seed_texts();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mut project = synthetic_project(&refs, DOC_BYTES, ANNOTATIONS, 42);
    marginalia::synth::add_structure(&mut project, RELATIONS, 42);
    project
}

/// Writes `project`'s documents and project file into `dir`.
pub fn write_project(project: &Project, dir: &Path) -> PathBuf {
    for doc in &project.documents {
        std::fs::write(dir.join(&doc.path), doc.text.as_str()).expect("write document");
    }
    let path = dir.join("synthetic.ron");
    marginalia::persist::save(project, &path).expect("save");
    path
}

/// Runs `f` `runs` times and returns the durations, sorted.
pub fn measure<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    times
}

/// Milliseconds, for printing.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Prints `name: median, min, max` against a target.
pub fn report(name: &str, times: &[Duration], target_ms: f64) {
    let median = times[times.len() / 2];
    let verdict = if ms(median) <= target_ms { "ok" } else { "OVER TARGET" };
    println!(
        "{name:<34} median {:>8.1} ms   min {:>8.1} ms   max {:>8.1} ms   target < {target_ms} ms   {verdict}",
        ms(median),
        ms(times[0]),
        ms(times[times.len() - 1]),
    );
}

/// A version of `p` with one annotation in `one_in` changed: relabeled,
/// resized, its note edited, or deleted and replaced by a new one (ids
/// from `new_ids`). `seed` picks which.
pub fn changed_copy(p: &Project, one_in: usize, seed: u64, new_ids: u64) -> Project {
    let text = p.documents[0].text.clone();
    let mut rng = Rng::new(seed);
    let n = p.annotations().len();
    let mut list: Vec<Annotation> = p.annotations().to_vec();
    let changed = n / one_in;
    let mut deleted = std::collections::HashSet::new();
    // A relation's end, or an annotation with attributes, keeps its label
    // (a relabel could break its type's ends or its attributes'
    // declarations, and a project that does not validate cannot be
    // reviewed; the workbench refuses such a relabel too).
    let ends: std::collections::HashSet<AnnotationId> = p.relations().iter().flat_map(|r| [r.from, r.to]).collect();
    for k in 0..changed {
        let i = rng.below(n);
        let a = &mut list[i];
        match k % 4 {
            0 if ends.contains(&a.id) || !a.attrs.is_empty() => a.note = format!("revu {k}"),
            0 => {
                a.label = if a.label == "claim" {
                    "event".into()
                } else {
                    "claim".into()
                }
            }
            1 if a.len() > 1 => {
                a.end -= 1;
                a.text = text.slice(a.range()).unwrap_or_default().to_owned();
            }
            2 => a.note = format!("revu {k}"),
            _ => {
                deleted.insert(a.id);
            }
        }
    }
    let mut added = Vec::new();
    for (k, template) in list.iter().take(deleted.len()).enumerate() {
        let start = rng.below(text.len_chars() - 20);
        let mut a = template.clone();
        a.id = AnnotationId::from_u64(new_ids + k as u64);
        a.start = start;
        a.end = start + 7;
        a.text = text.slice(a.range()).unwrap_or_default().to_owned();
        added.push(a);
    }
    list.retain(|a| !deleted.contains(&a.id));
    list.extend(added);
    let mut q = Project::from_parts(p.name.clone(), p.schema.clone(), p.documents.clone(), list);
    q.orphans = p.orphans.clone();
    // Relations follow: those of deleted annotations go, one in `one_in`
    // gets another note.
    let relations = p
        .relations()
        .iter()
        .filter(|r| !deleted.contains(&r.from) && !deleted.contains(&r.to))
        .enumerate()
        .map(|(k, r)| {
            let mut r = r.clone();
            if k % one_in == 0 {
                r.note = format!("revu {k}");
            }
            r
        })
        .collect();
    q.insert_relations(relations);
    q
}

/// The corpus issue's texts: 10,000 documents of about 10 KB (100 MB,
/// windows of the sample's texts, each opened by its number so that no
/// two are the same), as (path `outlet-NN/article-NNNNN.txt`, text), in
/// 100 folders of 100.
pub fn corpus_texts() -> impl Iterator<Item = (String, String)> {
    const DOCUMENTS: usize = 10_000;
    const BYTES: usize = 10 * 1024;
    let chars: Vec<char> = seed_texts().join("\n\n").chars().collect();
    (0..DOCUMENTS).map(move |i| {
        let start = (i * 7919) % (chars.len() - BYTES);
        let body: String = chars[start..start + BYTES].iter().collect();
        (
            format!("outlet-{:02}/article-{i:05}.txt", i % 100),
            format!("Article {i}\n\n{body}"),
        )
    })
}

/// Up to `n` annotations for `project`: every whole word "de", as events,
/// in one step.
pub fn tag_every_de(project: &Project, n: usize) -> marginalia::edit::Command {
    use marginalia::search::{self, Matcher, Query};
    let m = Matcher::new(&Query {
        pattern: "de".into(),
        whole_word: true,
        case_sensitive: true,
        ..Query::default()
    })
    .expect("valid");
    let hits = search::search(project, &m, &|_| true, &|_| None, n);
    let tagged = search::tag_hits(
        project,
        &hits.hits,
        "event",
        false,
        "bench",
        marginalia::model::Timestamp::now(),
    )
    .expect("tag");
    tagged.command.expect("hits")
}

/// [`corpus_texts`] written into `dir` with a project, `corpus.ron`,
/// holding `annotations` of [`tag_every_de`].
pub fn corpus_project(dir: &Path, annotations: usize) -> PathBuf {
    use marginalia::model::{Document, Text};
    let mut project = Project::new("corpus");
    for (i, (rel, text)) in corpus_texts().enumerate() {
        if let Some(folder) = Path::new(&rel).parent() {
            std::fs::create_dir_all(dir.join(folder)).expect("folder");
        }
        std::fs::write(dir.join(&rel), &text).expect("write");
        project.documents.push(Document::new(
            format!("article-{i:05}"),
            format!("Article {i}"),
            &rel,
            Text::new(text),
        ));
    }
    tag_every_de(&project, annotations)
        .apply(&mut project)
        .expect("applies");
    let path = dir.join("corpus.ron");
    marginalia::persist::save(&project, &path).expect("save");
    path
}
