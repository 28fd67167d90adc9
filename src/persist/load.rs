//! Loading a project file: parse, read the documents, validate.
//!
//! Loading never writes anything. Syntax errors and files from a newer
//! format stop the load with an error naming the file, line and column.
//! Everything else (a missing or changed document, bad offsets, unknown
//! labels, duplicate ids, quotes that do not match the text) is collected
//! into one list of [`Problem`]s, each located at its line of the file when
//! possible, so that `validate` and the GUI can show them all at once.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::format::{self, DocumentEntry, FORMAT_VERSION, FileIn};
use super::textfile::{self, Decoded, TextFileError};
use crate::model::{Problem, ProblemKind, Project, Severity, Text, check};

/// A loaded project and what is wrong with it (nothing, ideally).
#[derive(Clone, Debug)]
pub struct Loaded {
    pub project: Project,
    /// Errors: a project with any is refused for editing, export and agreement.
    pub problems: Vec<Problem>,
    /// Warnings (see [`crate::model::Severity`]): listed, not refused.
    pub warnings: Vec<Problem>,
    /// Documents that were not plain UTF-8, with how they were decoded.
    pub decodings: Vec<(String, String)>,
}

/// Why a project could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{} was written by a newer version of Marginalia (format version {found}; this build reads up to {supported}); update Marginalia to open it",
        path.display()
    )]
    NewerFormat { path: PathBuf, found: u32, supported: u32 },
    #[error("{} has {} problem(s):\n{}", path.display(), problems.len(), list(path, problems))]
    Invalid { path: PathBuf, problems: Vec<Problem> },
}

fn list(path: &Path, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| describe(path, p))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `file:line: problem`, the form editors and terminals link to.
pub fn describe(path: &Path, problem: &Problem) -> String {
    match problem.line {
        Some(line) => format!("{}:{line}: {}", path.display(), problem.kind),
        None => format!("{}: {}", path.display(), problem.kind),
    }
}

/// Loads the project at `path`, reading its documents from beside it.
/// Problems are collected, not fatal: see [`open`] for the strict form.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let source = read_source(path)?;
    let base = base_dir(path);
    parse(&source, path, &|rel, _hash| textfile::read_text_file(&base.join(rel)))
}

/// [`load`], also handing back the file's text (a session keeps it as the
/// base of a later three-way merge, instead of a copy of the project).
pub fn load_keeping_text(path: &Path) -> Result<(Loaded, String), LoadError> {
    let source = read_source(path)?;
    let base = base_dir(path);
    let loaded = parse(&source, path, &|rel, _hash| textfile::read_text_file(&base.join(rel)))?;
    Ok((loaded, source))
}

/// [`load_keeping_text`] without checking the documents' texts: the
/// workbench shows a corpus at once and checks its texts afterwards, a
/// document at a time ([`check_texts`]), reporting a changed one when it
/// finds it. Unreadable documents and the project's structure are checked
/// as by [`load`].
pub fn load_unchecked_keeping_text(path: &Path) -> Result<(Loaded, String), LoadError> {
    let source = read_source(path)?;
    let base = base_dir(path);
    let loaded = parse_checking(
        &source,
        path,
        &|rel, _hash| textfile::read_text_file(&base.join(rel)),
        false,
    )?;
    Ok((loaded, source))
}

/// What [`load`] would find wrong with document `doc`'s text, for a
/// project loaded by [`load_unchecked_keeping_text`]: the text changed
/// since it was annotated, or (when it did not) annotations and
/// suggestions that do not quote it. An unreadable document was reported
/// at loading and has nothing more to say.
pub fn check_texts(project: &Project, doc: &crate::model::Document) -> Vec<Problem> {
    let kinds = if doc.text_matches() {
        crate::model::text_problems(project, doc)
    } else {
        vec![ProblemKind::DocumentChanged {
            doc: doc.id.clone(),
            path: doc.path.clone(),
            annotations: project.annotations_of(&doc.id).len(),
        }]
    };
    kinds.into_iter().map(Problem::from).collect()
}

/// Loads the project at `path` and refuses it if it has any problem.
pub fn open(path: &Path) -> Result<Project, LoadError> {
    let loaded = load(path)?;
    if loaded.problems.is_empty() {
        Ok(loaded.project)
    } else {
        Err(LoadError::Invalid {
            path: path.to_owned(),
            problems: loaded.problems,
        })
    }
}

/// The folder relative document paths start from.
pub fn base_dir(project_path: &Path) -> PathBuf {
    match project_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Parses project file text. `path` names the file in messages;
/// `read_document` reads a document given its path relative to the project
/// and the hash the file records
/// (from disk, or from a git revision).
pub fn parse(source: &str, path: &Path, read_document: &ReadDocument<'_>) -> Result<Loaded, LoadError> {
    parse_checking(source, path, read_document, true)
}

/// [`parse`]; with `texts` false, the documents' texts are read but not
/// checked (neither their hashes nor the quotes of their annotations):
/// [`check_texts`] does that afterwards, document by document.
fn parse_checking(
    source: &str,
    path: &Path,
    read_document: &ReadDocument<'_>,
    texts: bool,
) -> Result<Loaded, LoadError> {
    // The texts are read while the annotations are parsed: the head gives
    // the documents, then both halves of the opening run side by side.
    let (file, early) = std::thread::scope(|scope| {
        let early = scope.spawn(|| {
            let entries = format::canonical_documents(source)?;
            let read = read_all(&entries, read_document, texts);
            Some((entries, read))
        });
        let file = parse_file(source, path);
        (file, early.join().ok().flatten())
    });
    let file = file?;
    let read = match early {
        Some((entries, read)) if entries == file.documents => read,
        _ => read_all(&file.documents, read_document, texts),
    };
    let annotations = &file.annotations;
    let mut kinds = Vec::new();
    let mut skip = HashSet::new();
    let mut decodings = Vec::new();
    let mut documents = Vec::with_capacity(file.documents.len());
    for (mut entry, read) in read {
        let text = match read {
            Ok((text, report)) => {
                if let Some(report) = report {
                    decodings.push((entry.id.clone(), report));
                }
                if !texts {
                    // Checked later (check_texts): the length the file records stands.
                } else if text.content_hash() == entry.hash {
                    // The length is derived from the text; trust the text.
                    entry.length = text.len_chars();
                } else {
                    skip.insert(entry.id.clone());
                    kinds.push(ProblemKind::DocumentChanged {
                        doc: entry.id.clone(),
                        path: entry.path.clone(),
                        annotations: annotations.iter().filter(|a| a.doc == entry.id).count(),
                    });
                }
                text
            }
            Err(e) => {
                skip.insert(entry.id.clone());
                kinds.push(ProblemKind::DocumentUnreadable {
                    doc: entry.id.clone(),
                    path: entry.path.clone(),
                    reason: e.reason(),
                });
                Text::default()
            }
        };
        documents.push(entry.into_document(text));
    }

    let project = FileIn {
        documents: Vec::new(),
        ..file
    }
    .into_project(|_| documents);
    let skip_refs: HashSet<&str> = if texts {
        skip.iter().map(String::as_str).collect()
    } else {
        project.documents.iter().map(|d| d.id.as_str()).collect()
    };
    kinds.extend(check(&project, &skip_refs));
    let (problems, warnings) = locate(source, kinds)
        .into_iter()
        .partition(|p| p.kind.severity() == Severity::Error);
    Ok(Loaded {
        project,
        problems,
        warnings,
        decodings,
    })
}

/// Reads a document given its path relative to the project and the hash
/// the file records; called from several threads at once.
pub type ReadDocument<'a> = dyn Fn(&str, &str) -> Result<Decoded, TextFileError> + Sync + 'a;

/// A document read: its text and, if it was not plain UTF-8, how it was
/// decoded.
type Read = Result<(Text, Option<String>), TextFileError>;

/// Reads every document of `entries`, on as many threads as there are
/// cores (reading, decoding and indexing 100 MB of text is most of the
/// time an opening takes), hashing each text too when `hash`; in order.
fn read_all(entries: &[DocumentEntry], read_document: &ReadDocument<'_>, hash: bool) -> Vec<(DocumentEntry, Read)> {
    let read_one = |e: &DocumentEntry| -> Read {
        let decoded = read_document(&e.path, &e.hash)?;
        let report = decoded.report();
        let text = Text::new(decoded.text);
        if hash {
            text.content_hash();
        }
        Ok((text, report))
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    if threads < 2 || entries.len() < 64 {
        return entries.iter().map(|e| (e.clone(), read_one(e))).collect();
    }
    let chunk = entries.len().div_ceil(threads);
    let mut out = Vec::with_capacity(entries.len());
    std::thread::scope(|scope| {
        let handles: Vec<_> = entries
            .chunks(chunk)
            .map(|part| {
                (
                    part,
                    scope.spawn(move || part.iter().map(read_one).collect::<Vec<Read>>()),
                )
            })
            .collect();
        for (part, handle) in handles {
            // A reader thread that died leaves its documents to this one.
            let read = handle.join().unwrap_or_else(|_| part.iter().map(read_one).collect());
            out.extend(part.iter().cloned().zip(read));
        }
    });
    out
}

/// Reads a project file alone, without its documents: each document keeps
/// the hash and length the file records, with an empty text. For work on
/// the file's content only, such as the three-way merge, where git hands
/// over temporary copies with no documents beside them. Syntax errors and
/// newer formats are refused as by [`load`]; nothing is validated.
pub fn read_file_only(path: &Path) -> Result<Project, LoadError> {
    parse_file_only(&read_source(path)?, path)
}

/// [`read_file_only`] on the file's text, already read (`path` names it in
/// errors).
pub fn parse_file_only(source: &str, path: &Path) -> Result<Project, LoadError> {
    Ok(parse_file(source, path)?
        .into_project(|entries| entries.into_iter().map(|e| e.into_document(Text::default())).collect()))
}

fn read_source(path: &Path) -> Result<String, LoadError> {
    let source = read_source_text(path)?;
    // Old Mac files end lines with CR alone: the header comment would then
    // run to the end of the file, and ron would report a puzzling error.
    if source.contains('\r') && !source.contains('\n') {
        return Err(LoadError::Syntax {
            path: path.to_owned(),
            line: 1,
            column: 1,
            message: "the lines end with CR alone (old Mac line endings); save the file with LF or CRLF line endings"
                .to_owned(),
        });
    }
    Ok(source)
}

fn read_source_text(path: &Path) -> Result<String, LoadError> {
    super::safe_read::read_utf8(path, super::safe_read::MAX_PROJECT_BYTES).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Parses the file's syntax, refusing newer formats.
fn parse_file(source: &str, path: &Path) -> Result<FileIn, LoadError> {
    let newer = |found: u32| LoadError::NewerFormat {
        path: path.to_owned(),
        found,
        supported: FORMAT_VERSION,
    };
    match format::parse(source) {
        Ok(file) if file.format_version > FORMAT_VERSION => Err(newer(file.format_version)),
        Ok(file) => Ok(file),
        // A newer format may not parse at all: say so rather than show
        // the first syntax this build does not know.
        Err(_) if let Some(found) = format::declared_version(source).filter(|&v| v > FORMAT_VERSION) => {
            Err(newer(found))
        }
        Err(e) => Err(LoadError::Syntax {
            path: path.to_owned(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        }),
    }
}

/// Attaches file lines to problems, by finding the line that defines the
/// annotation or document they are about.
fn locate(source: &str, kinds: Vec<ProblemKind>) -> Vec<Problem> {
    if kinds.is_empty() {
        return Vec::new();
    }
    let mut lines: HashMap<&str, usize> = HashMap::new();
    // Suggestions have no id: their lines are found by how they start.
    let mut suggestion_lines: HashMap<&str, usize> = HashMap::new();
    for (i, line) in source.lines().enumerate() {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("(id: \"")
            && let Some(end) = rest.find('"')
        {
            lines.entry(&rest[..end]).or_insert(i + 1);
        } else if line.starts_with("(doc: ")
            && let Some(end) = line.find(", text: ")
        {
            suggestion_lines.entry(&line[..end]).or_insert(i + 1);
        }
    }
    kinds
        .into_iter()
        .map(|kind| {
            if let ProblemKind::BadSuggestion {
                doc, start, end, label, ..
            } = &kind
            {
                let head = format!("(doc: {doc:?}, start: {start}, end: {end}, label: {label:?}");
                let line = suggestion_lines.get(head.as_str()).copied();
                return Problem { line, kind };
            }
            let key = match (kind.annotation(), kind.document()) {
                (Some(id), _) => Some(id.to_string()),
                (None, Some(doc)) => Some(doc.to_owned()),
                _ => None,
            };
            let line = key.and_then(|k| lines.get(k.as_str()).copied());
            Problem { line, kind }
        })
        .collect()
}
