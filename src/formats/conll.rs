//! CoNLL: one token per line (`token TAG`), a blank line between
//! sentences, `-DOCSTART- O` before each document. Tags follow a scheme:
//! IOB2 (default), IOB1 or BIOES.
//!
//! Tokens come from [`super::tokenize`]: Unicode words with French elisions
//! split, always also split at annotation boundaries, so every exported
//! annotation covers whole tokens exactly. One tag column cannot hold
//! overlapping annotations: the outermost is kept by default
//! (`--overlaps inner` keeps the innermost), ties going to the earlier, and
//! every annotation dropped is listed in the export's warnings.
//!
//! Import rebuilds each document's text from its tokens (one space between
//! tokens, one line per sentence) and the spans from the tags; a tag
//! sequence the scheme does not allow (`I-X` after `O` in IOB2, `E-X`
//! without `B-X` in BIOES) is refused, or with `--lenient` read as the
//! start of an entity and reported. Files with more columns (CoNLL-2003)
//! are read with the first column as token and the last as tag.

use crate::persist::safe_read::{self, MAX_PROJECT_BYTES};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::project_builder::NewSpan;
use super::tokenize::{Token, for_each_sentence};
use super::{
    Export, ExportFile, ExportOptions, Exporter, FormatError, ImportOptions, Imported, Importer, OverlapPolicy,
    Problems, Progress, ProjectBuilder, Scheme, expand_inputs, select, type_name,
};
use crate::model::{Annotation, Project, Status, Text};

pub struct Conll;

/// The annotations one tag column keeps, in order of position.
pub fn non_overlapping<'a>(
    annotations: &[&'a Annotation],
    policy: OverlapPolicy,
) -> (Vec<&'a Annotation>, Vec<&'a Annotation>) {
    // Ties between lengths go to the earlier, then by label and id
    // (deterministic). The integers are compared first, from a copy
    // beside the reference, so the sort rarely reads an annotation.
    let mut order: Vec<(usize, usize, usize, &Annotation)> = annotations
        .iter()
        .map(|a| {
            let len = match policy {
                OverlapPolicy::Outer => usize::MAX - a.len(),
                OverlapPolicy::Inner => a.len(),
            };
            (len, a.start, a.end, *a)
        })
        .collect();
    order.sort_unstable_by(|x, y| {
        (x.0, x.1)
            .cmp(&(y.0, y.1))
            .then_with(|| (x.3.label.as_str(), x.3.id).cmp(&(y.3.label.as_str(), y.3.id)))
    });
    // Kept annotations are disjoint, so ordered by start they are ordered
    // by end too: the only one that can overlap `a` is the last starting
    // before `a` ends. Their ends are kept beside them, so the search
    // reads no annotation.
    let mut kept_at: BTreeMap<usize, (usize, &Annotation)> = BTreeMap::new();
    let mut dropped = Vec::new();
    for (_, start, end, a) in order {
        let overlaps = kept_at
            .range(..end)
            .next_back()
            .is_some_and(|(_, (kept_end, _))| start < *kept_end);
        if overlaps {
            dropped.push(a);
        } else {
            kept_at.insert(start, (end, a));
        }
    }
    let kept: Vec<&Annotation> = kept_at.into_values().map(|(_, a)| a).collect();
    dropped.sort_by_key(|a| (a.start, a.end));
    (kept, dropped)
}

/// Tags of a sentence's tokens, given the kept annotations (sorted): the
/// prefix and the annotation, or `None` for `O`.
/// Written into `out` (cleared), which a caller reuses from sentence to
/// sentence.
/// Tokens are in code points from `lo`.
fn tags<'a>(
    tokens: &[Token],
    lo: usize,
    kept: &[&'a Annotation],
    scheme: Scheme,
    out: &mut Vec<Option<(char, &'a Annotation)>>,
) {
    out.clear();
    // The covering annotations first (prefix filled in below).
    // Tokens are in order: one search for the first, then a walk (a search
    // per token chased pointers into 100,000 annotations).
    let mut k = tokens
        .first()
        .map_or(0, |t| kept.partition_point(|a| a.end <= t.chars.start + lo));
    out.extend(tokens.iter().map(|t| {
        let (start, end) = (t.chars.start + lo, t.chars.end + lo);
        while kept.get(k).is_some_and(|a| a.end <= start) {
            k += 1;
        }
        kept.get(k)
            .filter(|a| a.start <= start && end <= a.end)
            .map(|a| ('O', *a))
    }));
    // Only the annotations are read below, so setting prefixes in place
    // as we go changes nothing read later.
    for i in 0..out.len() {
        let covering = |i: usize| out.get(i).copied().flatten().map(|(_, a)| a);
        let same = |i: Option<usize>, a: &Annotation| i.and_then(covering).is_some_and(|b| b.id == a.id);
        let Some(a) = covering(i) else {
            continue;
        };
        // First and last tokens of the annotation (which may begin or end
        // on whitespace, which has no token).
        let first = !same(i.checked_sub(1), a);
        let last = !same(Some(i + 1), a);
        let prefix = match scheme {
            Scheme::Iob2 => {
                if first {
                    'B'
                } else {
                    'I'
                }
            }
            // B- only where an entity directly follows one of the same type.
            Scheme::Iob1 => {
                let follows_same_type = i
                    .checked_sub(1)
                    .and_then(covering)
                    .is_some_and(|b| b.id != a.id && b.label == a.label);
                if first && follows_same_type { 'B' } else { 'I' }
            }
            Scheme::Bioes => match (first, last) {
                (true, true) => 'S',
                (true, false) => 'B',
                (false, true) => 'E',
                (false, false) => 'I',
            },
        };
        out[i] = Some((prefix, a));
    }
}

impl Exporter for Conll {
    fn export(&self, project: &Project, options: &ExportOptions, progress: &Progress) -> Result<Export, FormatError> {
        let mut out = String::new();
        let mut export = Export::default();
        let mut renamed: Vec<String> = Vec::new();
        let selected = select(project, options);
        // Steps: code points of text.
        progress.add_total(selected.iter().map(|s| s.doc.length as u64).sum());
        let (mut relations, mut attributes) = (0, 0);
        for sel in selected {
            // A discontinuous span is tagged piece by piece: each piece
            // begins its own entity (B-), as the tag scheme can say no more.
            let pieces: Vec<Annotation> = sel
                .annotations
                .iter()
                .filter(|a| a.is_discontinuous())
                .flat_map(|a| {
                    a.pieces().into_iter().enumerate().map(|(k, p)| Annotation {
                        id: crate::model::AnnotationId::from_u64(a.id.as_u64().wrapping_add(k as u64)),
                        start: p.start,
                        end: p.end,
                        fragments: Vec::new(),
                        text: text_of(&sel.doc.text, p),
                        ..(*a).clone()
                    })
                })
                .collect();
            // A piece's id → its annotation's.
            let source_of: std::collections::HashMap<crate::model::AnnotationId, crate::model::AnnotationId> = sel
                .annotations
                .iter()
                .filter(|a| a.is_discontinuous())
                .flat_map(|a| {
                    (0..a.fragments.len() as u64).map(move |k| {
                        (
                            crate::model::AnnotationId::from_u64(a.id.as_u64().wrapping_add(k)),
                            a.id,
                        )
                    })
                })
                .collect();
            let annotations: Vec<&Annotation> = sel
                .annotations
                .iter()
                .copied()
                .filter(|a| !a.is_discontinuous())
                .chain(&pieces)
                .collect();
            relations += project.relations_of(&sel.doc.id).len();
            attributes += sel.annotations.iter().map(|a| a.attrs.len()).sum::<usize>()
                + project
                    .relations_of(&sel.doc.id)
                    .iter()
                    .map(|r| r.attrs.len())
                    .sum::<usize>()
                + sel.doc.attrs.len();
            let (kept, dropped) = non_overlapping(&annotations, options.overlaps);
            // Annotations written, not pieces: a discontinuous one counts once.
            let (mut written, mut written_pieces) = (0, Vec::new());
            for a in &kept {
                if a.text.chars().all(char::is_whitespace) {
                    export.warnings.push(format!(
                        "{}: {} [{}, {}) holds only whitespace, which has no tokens; it is not in the CoNLL file",
                        a.doc, a.label, a.start, a.end
                    ));
                } else if let Some(source) = source_of.get(&a.id) {
                    written_pieces.push(*source);
                } else {
                    written += 1;
                }
                if a.label.contains(char::is_whitespace) && !renamed.contains(&a.label) {
                    renamed.push(a.label.clone());
                    export.warnings.push(format!(
                        "label {:?} is written as {:?}: CoNLL tags cannot hold spaces",
                        a.label,
                        type_name(&a.label)
                    ));
                }
            }
            for d in &dropped {
                export.warnings.push(format!(
                    "{}: {} [{}, {}) “{}” overlaps a kept annotation and is not in the CoNLL file",
                    d.doc, d.label, d.start, d.end, d.text
                ));
            }
            out.push_str("-DOCSTART- O\n\n");
            let text = &sel.doc.text;
            out.reserve(text.as_str().len() * 2);
            // A long text is cut at line breaks (where sentences end anyway,
            // outside every kept annotation) and its parts tokenized and
            // tagged in parallel: the output is the same, in order.
            let parts = chunks(text, &kept);
            let rendered: Vec<Result<String, FormatError>> = std::thread::scope(|scope| {
                let handles: Vec<_> = parts
                    .iter()
                    .map(|part| {
                        let kept = &kept;
                        scope.spawn(move || render(text, part.clone(), kept, options.scheme, progress))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            });
            for part in rendered {
                out.push_str(&part?);
            }
            export.documents += 1;
            written_pieces.sort_unstable();
            written_pieces.dedup();
            export.annotations += written + written_pieces.len();
            let split = sel.annotations.iter().filter(|a| a.is_discontinuous()).count();
            if split > 0 {
                export.warnings.push(format!(
                    "{}: {split} discontinuous annotation(s) tagged piece by piece (each piece begins with B-)",
                    sel.doc.id
                ));
            }
        }
        // What the format has no place for, counted (never silent).
        if relations > 0 {
            export.warnings.push(format!(
                "{relations} relation(s) left out: CoNLL has no place for relations"
            ));
        }
        if attributes > 0 {
            export.warnings.push(format!(
                "{attributes} attribute value(s) left out: CoNLL has no place for attributes"
            ));
        }
        export.files.push(ExportFile {
            name: None,
            content: out,
            beside: Default::default(),
        });
        Ok(export)
    }
}

/// One token line of an input file.
struct Line<'s> {
    number: usize,
    token: &'s str,
    tag: &'s str,
}

impl Importer for Conll {
    fn import(
        &self,
        inputs: &[PathBuf],
        options: &ImportOptions,
        progress: &Progress,
    ) -> Result<Imported, FormatError> {
        let files = expand_inputs(inputs, super::Format::Conll.extensions())?;
        let mut builder = ProjectBuilder::new(&options.name, &options.author);
        let mut problems = Problems::new(options.lenient);
        // Steps: bytes of input.
        progress.add_total(files.iter().map(|f| std::fs::metadata(f).map_or(0, |m| m.len())).sum());
        for file in &files {
            let source = safe_read::read_utf8(file, MAX_PROJECT_BYTES).map_err(FormatError::io(file))?;
            // Old Mac files end lines with CR alone: every line ending
            // counts once, whichever it is.
            let source = if source.contains('\r') {
                source.replace("\r\n", "\n").replace('\r', "\n")
            } else {
                source
            };
            let stem = file
                .file_stem()
                .map_or_else(|| "document".to_owned(), |s| s.to_string_lossy().into_owned());
            // Documents: lists of sentences of token lines.
            // With -DOCSTART- markers, each starts a document (even an
            // empty one: a document without tokens); without, the file is one.
            let mut docs: Vec<Vec<Vec<Line>>> = vec![Vec::new()];
            let mut markers = false;
            let mut sentence: Vec<Line> = Vec::new();
            for (i, raw) in source.lines().enumerate() {
                if i.is_multiple_of(4096) {
                    progress.advance(0)?;
                }
                let line = raw;
                if line.starts_with("-DOCSTART-") {
                    if !sentence.is_empty() {
                        docs.last_mut()
                            .expect("one document")
                            .push(std::mem::take(&mut sentence));
                    }
                    if markers || docs.last().is_some_and(|d| !d.is_empty()) {
                        docs.push(Vec::new());
                    }
                    markers = true;
                    continue;
                }
                if line.trim().is_empty() {
                    if !sentence.is_empty() {
                        docs.last_mut()
                            .expect("one document")
                            .push(std::mem::take(&mut sentence));
                    }
                    continue;
                }
                // Tab-separated columns where there are tabs (a token may
                // then hold spaces: `New York<TAB>B-loc`); otherwise ASCII
                // white space, so that a no-break space stays in its token.
                let tabbed = line.trim_end_matches(['\t', ' ']).contains('\t');
                let (token, tag) = if tabbed {
                    let mut cols = line.split('\t').map(|c| c.trim_matches(' ')).filter(|c| !c.is_empty());
                    (cols.next().unwrap_or(""), cols.next_back())
                } else {
                    let mut cols = line.split_ascii_whitespace();
                    (cols.next().unwrap_or(""), cols.next_back())
                };
                match tag {
                    Some(tag) => sentence.push(Line {
                        number: i + 1,
                        token,
                        tag,
                    }),
                    None => problems.report(file, Some(i + 1), format!("no tag after the token {token:?}"))?,
                }
            }
            if !sentence.is_empty() {
                docs.last_mut().expect("one document").push(sentence);
            }
            if !markers {
                docs.retain(|d| !d.is_empty());
            }
            let count = docs.len();
            for (k, doc) in docs.into_iter().enumerate() {
                let id = if count == 1 {
                    stem.clone()
                } else {
                    format!("{stem}-{}", k + 1)
                };
                read_document(&mut builder, &mut problems, file, &id, doc, options.scheme)?;
            }
            progress.advance(source.len() as u64)?;
        }
        Ok(Imported {
            notes: builder.notes(),
            project: builder.finish(),
            skipped: problems.skipped,
        })
    }
}

/// Rebuilds a document's text and spans from its sentences.
fn read_document(
    builder: &mut ProjectBuilder,
    problems: &mut Problems,
    file: &Path,
    id: &str,
    sentences: Vec<Vec<Line>>,
    scheme: Scheme,
) -> Result<(), FormatError> {
    let mut text = String::new();
    let mut cp = 0usize;
    let mut spans: Vec<(Range<usize>, String)> = Vec::new();
    for (s, sentence) in sentences.iter().enumerate() {
        if s > 0 {
            text.push('\n');
            cp += 1;
        }
        // The entity being read: (start, label).
        let mut open: Option<(usize, String)> = None;
        let mut last_end = cp;
        for (t, line) in sentence.iter().enumerate() {
            if t > 0 {
                text.push(' ');
                cp += 1;
            }
            let start = cp;
            text.push_str(line.token);
            cp += line.token.chars().count();
            let (prefix, label) = match line.tag {
                "O" => ("O", ""),
                tag => match tag.split_once('-') {
                    Some((p @ ("B" | "I" | "E" | "S"), l)) if !l.is_empty() => (p, l),
                    _ => {
                        problems.report(file, Some(line.number), format!("unknown tag {tag:?}"))?;
                        ("O", "")
                    }
                },
            };
            let continues = open.as_ref().is_some_and(|(_, l)| l == label);
            let allowed = match (scheme, prefix) {
                // In BIOES an entity ends with E- or S-, never by O.
                (Scheme::Bioes, "O") => open.is_none(),
                (_, "O") => true,
                (Scheme::Iob2, "B") | (Scheme::Iob1, "I") => true,
                (Scheme::Iob2, "I") | (Scheme::Iob1, "B") => continues,
                (Scheme::Bioes, "B" | "S") => open.is_none(),
                (Scheme::Bioes, "I" | "E") => continues,
                _ => false,
            };
            if !allowed {
                let what = if matches!(prefix, "B" | "S" | "O") {
                    let open = open.as_ref().map_or("", |(_, l)| l.as_str());
                    format!("{} while the entity {open} is still open (it needs E-{open})", line.tag)
                } else {
                    format!("{} does not continue an entity", line.tag)
                };
                problems.report(file, Some(line.number), format!("{what} ({} scheme)", scheme.name()))?;
            }
            // Close the open entity unless this token continues it.
            let continuing = allowed
                && continues
                && matches!(
                    (scheme, prefix),
                    (Scheme::Iob2 | Scheme::Iob1, "I") | (Scheme::Bioes, "I" | "E")
                );
            if !continuing && let Some((s, l)) = open.take() {
                spans.push((s..last_end, l));
            }
            match prefix {
                "O" => {}
                _ if continuing => {}
                _ => open = Some((start, label.to_owned())),
            }
            last_end = cp;
            if scheme == Scheme::Bioes
                && matches!(prefix, "E" | "S")
                && let Some((s, l)) = open.take()
            {
                spans.push((s..cp, l));
            }
        }
        if let Some((s, l)) = open.take() {
            if scheme == Scheme::Bioes {
                problems.report(
                    file,
                    sentence.last().map(|l| l.number),
                    format!("the entity {l} is not closed by E- or S- at the end of the sentence"),
                )?;
            }
            spans.push((s..last_end, l));
        }
    }
    let title = id.to_owned();
    let doc = match builder.add_document(id, &title, Text::new(text), Status::Todo) {
        Ok(doc) => doc,
        Err(reason) => return problems.report(file, None, reason),
    };
    for (range, label) in spans {
        if let Err(reason) = builder.add_span(
            &doc,
            NewSpan {
                range,
                label,
                ..NewSpan::default()
            },
        ) {
            problems.report(file, None, reason)?;
        }
    }
    Ok(())
}

/// The text of `range` (empty when out of range, which a valid project never is).
fn text_of(text: &Text, range: Range<usize>) -> String {
    text.slice(range).unwrap_or_default().to_owned()
}

/// A part of a text: its bytes and its first code point.
#[derive(Clone, Debug)]
struct Part {
    bytes: Range<usize>,
    first_char: usize,
}

/// The parts a text is tagged in: as many as the machine has cores (one
/// for a short text), cut after a line break that no kept annotation spans.
fn chunks(text: &Text, kept: &[&Annotation]) -> Vec<Part> {
    const MIN_PART: usize = 512 * 1024;
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    chunks_of(text, kept, cores.min(text.as_str().len() / MIN_PART).max(1))
}

/// [`chunks`] into `n` parts (fewer when line breaks are lacking).
fn chunks_of(text: &Text, kept: &[&Annotation], n: usize) -> Vec<Part> {
    let s = text.as_str();
    let inside = |cp: usize| {
        let i = kept.partition_point(|a| a.end <= cp);
        kept.get(i).is_some_and(|a| a.start < cp)
    };
    let mut cuts = vec![(0usize, 0usize)];
    for k in 1..n {
        let mut from = s.len() * k / n;
        // Bytes, not str slicing: `from` may fall inside a character.
        while let Some(nl) = s.as_bytes()[from..].iter().position(|&b| b == b'\n').map(|i| from + i) {
            let (byte, cp) = (nl + 1, text.char_of_byte(nl).map_or(0, |c| c + 1));
            if !inside(cp) {
                if byte > cuts.last().map_or(0, |c| c.0) && byte < s.len() {
                    cuts.push((byte, cp));
                }
                break;
            }
            from = byte;
        }
    }
    let mut parts = Vec::with_capacity(cuts.len());
    for (i, &(byte, cp)) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).map_or(s.len(), |c| c.0);
        parts.push(Part {
            bytes: byte..end,
            first_char: cp,
        });
    }
    parts
}

/// The CoNLL lines of one part of `text`.
fn render(
    text: &Text,
    part: Part,
    kept: &[&Annotation],
    scheme: Scheme,
    progress: &Progress,
) -> Result<String, FormatError> {
    let whole = text.as_str();
    let piece = &whole[part.bytes.clone()];
    let (lo, hi) = (part.first_char, part.first_char + piece.chars().count());
    // Annotations and cut points of this part, in its own code points.
    let local: Vec<&Annotation> = kept.iter().copied().filter(|a| a.start < hi && a.end > lo).collect();
    let cuts: Vec<usize> = local
        .iter()
        .flat_map(|a| [a.start, a.end])
        .filter(|&c| (lo..=hi).contains(&c))
        .map(|c| c - lo)
        .collect();
    let protected: Vec<Range<usize>> = local.iter().map(|a| a.start.max(lo) - lo..a.end.min(hi) - lo).collect();
    let mut out = String::with_capacity(part.bytes.len() * 2);
    let mut at = 0;
    let mut tagged = Vec::new();
    let mut name: (Option<crate::model::AnnotationId>, std::borrow::Cow<str>) = (None, "".into());
    // Tokens come in the part's own offsets.
    for_each_sentence(piece, &cuts, &protected, |sentence| {
        if let Some(last) = sentence.last() {
            progress.advance((last.chars.end - at) as u64)?;
            at = last.chars.end;
        }
        tags(sentence, lo, &local, scheme, &mut tagged);
        for (token, tag) in sentence.iter().zip(tagged.iter().copied()) {
            out.push_str(&piece[token.bytes.clone()]);
            match tag {
                None => out.push_str(" O\n"),
                Some((prefix, a)) => {
                    // The tag's type, worked out once per annotation (its
                    // tokens are consecutive).
                    if name.0 != Some(a.id) {
                        name = (Some(a.id), type_name(&a.label));
                    }
                    out.push(' ');
                    out.push(prefix);
                    out.push('-');
                    out.push_str(&name.1);
                    out.push('\n');
                }
            }
        }
        out.push('\n');
        Ok::<(), FormatError>(())
    })?;
    progress.advance((hi - lo - at) as u64)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tagging in parts gives exactly what tagging the whole text gives:
    /// the parts are cut at line breaks outside every kept annotation,
    /// where a sentence ends anyway.
    #[test]
    fn parts_give_the_same_lines_as_the_whole() {
        let sources = [
            "Le président Ilham Aliyev a déclaré la victoire.\nM. Pashinyan « répond » 👨🏻‍🚒.\r\nՀայաստան — Россия — 中文.",
            "Une phrase\nsur deux lignes, l’armée avance. Fin.",
        ];
        let mut p = crate::synth::synthetic_project(&sources, 60_000, 400, 3);
        // Annotations across line breaks too (kept ones must not be cut).
        let doc = p.documents[0].clone();
        let across: Vec<_> = doc
            .text
            .as_str()
            .match_indices('\n')
            .take(20)
            .filter_map(|(b, _)| {
                let cp = doc.text.char_of_byte(b)?;
                crate::edit::new_annotation(
                    &p,
                    &doc.id,
                    cp.saturating_sub(3)..cp + 4,
                    "claim",
                    "t",
                    crate::model::Timestamp::from_unix(0),
                )
                .ok()
            })
            .collect();
        crate::edit::Command::AddAnnotations(across).apply(&mut p).unwrap();
        let annotations: Vec<&Annotation> = p.annotations().iter().collect();
        let (kept, _) = non_overlapping(&annotations, OverlapPolicy::Outer);
        let text = &p.documents[0].text;
        let whole: String = chunks_of(text, &kept, 1)
            .into_iter()
            .map(|part| render(text, part, &kept, Scheme::Bioes, &Progress::new()).unwrap())
            .collect();
        for n in [2, 3, 7] {
            let parts = chunks_of(text, &kept, n);
            assert!(parts.len() > 1, "{n} parts asked for");
            let joined: String = parts
                .into_iter()
                .map(|part| render(text, part, &kept, Scheme::Bioes, &Progress::new()).unwrap())
                .collect();
            assert_eq!(joined, whole, "{n} parts");
        }
    }
}
