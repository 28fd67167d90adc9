//! Labeled datasets: exporting and importing the formats researchers'
//! pipelines read (spaCy, Hugging Face datasets, seqeval, brat, pandas, R,
//! doccano).
//!
//! Every format is a module behind [`Exporter`] and/or [`Importer`], like
//! ripgrep's printers behind one sink. Exports are built in memory as named
//! files (the caller writes them, atomically); imports return a project and
//! the records they skipped. Offsets are converted explicitly: project
//! files count code points, exports count in the unit asked for
//! ([`OffsetUnit`]) and say so.

pub mod brat;
pub mod conll;
mod create;

pub mod csv;
pub mod jsonl;
mod output;
pub mod preview;

mod project_builder;
mod select;
pub mod text;
pub mod tokenize;
mod word_bounds;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub use create::create_project;
pub use project_builder::ProjectBuilder;
pub use select::{Selected, select};

use crate::model::{OffsetUnit, Project, Status};

/// The formats Marginalia reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Jsonl,
    Conll,
    Brat,
    Csv,
    Text,
}

impl Format {
    pub const ALL: [Format; 5] = [Format::Jsonl, Format::Conll, Format::Brat, Format::Csv, Format::Text];

    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Conll => "conll",
            Format::Brat => "brat",
            Format::Csv => "csv",
            Format::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(s))
    }

    /// The file name extensions of this format's files: what the importers
    /// take from a folder and what the file dialogs offer (said once).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Jsonl => &["jsonl", "json", "ndjson"],
            Format::Conll => &["conll", "iob", "bio", "txt", "tsv"],
            Format::Brat => &["ann"],
            Format::Csv => &["csv"],
            Format::Text => crate::persist::documents::DOCUMENT_EXTENSIONS,
        }
    }

    /// The exporter of this format, if it can be exported.
    pub fn exporter(self) -> Option<&'static dyn Exporter> {
        match self {
            Format::Jsonl => Some(&jsonl::Jsonl),
            Format::Conll => Some(&conll::Conll),
            Format::Brat => Some(&brat::Brat),
            Format::Csv => Some(&csv::Csv),
            Format::Text => None,
        }
    }

    /// The importer of this format, if it can be imported.
    pub fn importer(self) -> Option<&'static dyn Importer> {
        match self {
            Format::Jsonl => Some(&jsonl::Jsonl),
            Format::Conll => Some(&conll::Conll),
            Format::Brat => Some(&brat::Brat),
            Format::Text => Some(&text::PlainText),
            Format::Csv => None,
        }
    }

    /// True when the export is a folder of files (brat) rather than one file.
    pub fn exports_folder(self) -> bool {
        self == Format::Brat
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Tagging schemes of token-based formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Scheme {
    /// `B-` starts every entity, `I-` continues it (CoNLL-2003 as used today).
    #[default]
    Iob2,
    /// `B-` only where an entity follows another of the same type.
    Iob1,
    /// `B-`egin, `I-`nside, `E-`nd, `S-`ingle.
    Bioes,
}

impl Scheme {
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Iob2 => "iob2",
            Scheme::Iob1 => "iob1",
            Scheme::Bioes => "bioes",
        }
    }

    pub fn parse(s: &str) -> Option<Scheme> {
        <Scheme as clap::ValueEnum>::from_str(s, true).ok()
    }
}

/// Which annotation wins where annotations overlap, in formats with one tag per token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OverlapPolicy {
    /// The outermost (longest first, then earliest).
    #[default]
    Outer,
    /// The innermost (shortest first, then earliest).
    Inner,
}

impl OverlapPolicy {
    pub fn name(self) -> &'static str {
        match self {
            OverlapPolicy::Outer => "outer",
            OverlapPolicy::Inner => "inner",
        }
    }

    pub fn parse(s: &str) -> Option<OverlapPolicy> {
        <OverlapPolicy as clap::ValueEnum>::from_str(s, true).ok()
    }
}

/// What to export, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportOptions {
    pub offsets: OffsetUnit,
    pub scheme: Scheme,
    pub overlaps: OverlapPolicy,
    /// Only these labels (all if `None`).
    pub labels: Option<Vec<String>>,
    /// Only documents with this status.
    pub status: Option<Status>,
    /// Only annotations by this author.
    pub author: Option<String>,
}

impl Default for ExportOptions {
    fn default() -> ExportOptions {
        ExportOptions {
            offsets: OffsetUnit::CodePoint,
            scheme: Scheme::Iob2,
            overlaps: OverlapPolicy::Outer,
            labels: None,
            status: None,
            author: None,
        }
    }
}

/// One file of an export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportFile {
    /// The file's name inside the output folder, or `None` for the output
    /// file itself (single-file formats).
    pub name: Option<String>,
    pub content: String,
    /// `name` is not in a folder but beside the output file: its stem
    /// followed by `name` (`data.csv` → `data.relations.csv`).
    pub beside: bool,
}

impl ExportFile {
    /// The path this file is written to, for output `out`.
    pub fn path(&self, out: &Path) -> PathBuf {
        match (&self.name, self.beside) {
            (None, _) => out.to_owned(),
            (Some(name), false) => out.join(name),
            (Some(name), true) => {
                let stem = out
                    .file_stem()
                    .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
                out.with_file_name(format!("{stem}{name}"))
            }
        }
    }
}

/// The result of an export.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Export {
    pub files: Vec<ExportFile>,
    /// Documents written.
    pub documents: usize,
    /// Annotations written.
    pub annotations: usize,
    /// What could not be represented (overlaps dropped from CoNLL, …).
    pub warnings: Vec<String>,
}

impl Export {
    /// Writes the export to `out` (a file, or a folder for folder formats),
    /// each file atomically, after [`OutputGuard::check`] has accepted
    /// every file it would write: nothing is written if one is refused.
    pub fn write(&self, out: &Path, guard: &OutputGuard) -> std::io::Result<()> {
        let paths: Vec<PathBuf> = self.files.iter().map(|f| f.path(out)).collect();
        let folder = self.files.iter().any(|f| f.name.is_some() && !f.beside);
        guard.check(out, &paths, folder)?;
        for (f, path) in self.files.iter().zip(&paths) {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            crate::persist::save::write_atomic(path, f.content.as_bytes(), false)?;
        }
        Ok(())
    }
}

pub use output::{OutputGuard, project_file_of_any_project};

/// How to read an import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOptions {
    /// Unit of offsets in files that do not state it.
    pub offsets: OffsetUnit,
    pub scheme: Scheme,
    /// Author of annotations whose format carries none.
    pub author: String,
    /// Import what is valid and list the rest, instead of refusing the whole input.
    pub lenient: bool,
    /// Name of the new project.
    pub name: String,
}

impl Default for ImportOptions {
    fn default() -> ImportOptions {
        ImportOptions {
            offsets: OffsetUnit::CodePoint,
            scheme: Scheme::Iob2,
            author: crate::session::UNKNOWN_AUTHOR.to_owned(),
            lenient: false,
            name: "Imported".to_owned(),
        }
    }
}

/// A record an import could not use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.reason),
            None => write!(f, "{}: {}", self.file.display(), self.reason),
        }
    }
}

/// The result of an import: a project whose documents hold their texts
/// (with paths for writing them beside the project file).
#[derive(Clone, Debug)]
pub struct Imported {
    pub project: Project,
    /// What was not imported (`--lenient`), or not representable yet
    /// (brat relations and attributes).
    pub skipped: Vec<Skipped>,
    /// Other things worth telling (discontinuous spans split, …).
    pub notes: Vec<String>,
}

/// Why an export or import failed. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: {reason}", file.display())]
    Invalid { file: PathBuf, line: usize, reason: String },
    #[error("{}: {reason}", file.display())]
    InvalidFile { file: PathBuf, reason: String },
    #[error("{0}")]
    Other(String),
    #[error("cancelled")]
    Cancelled,
}

impl FormatError {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> FormatError + '_ {
        move |source| FormatError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// How far a long export or import has got, shared with the thread that
/// shows it (the GUI's progress bar), and the request to stop it.
///
/// Each format counts in its own steps (annotations, bytes of input); only
/// the fraction means anything outside.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    cancel: AtomicBool,
}

impl Progress {
    pub fn new() -> Progress {
        Progress::default()
    }

    /// Adds `n` steps to do.
    pub fn add_total(&self, n: u64) {
        self.total.fetch_add(n, Ordering::Relaxed);
    }

    /// Marks `n` steps done; `Err(Cancelled)` once a stop was asked for.
    pub fn advance(&self, n: u64) -> Result<(), FormatError> {
        self.done.fetch_add(n, Ordering::Relaxed);
        if self.cancel.load(Ordering::Relaxed) {
            Err(FormatError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// The part done, from 0 to 1 (`None` before the work is counted).
    pub fn fraction(&self) -> Option<f32> {
        let total = self.total.load(Ordering::Relaxed);
        (total > 0).then(|| (self.done.load(Ordering::Relaxed) as f64 / total as f64).min(1.0) as f32)
    }

    /// Asks the work to stop at its next step.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// Writes datasets.
pub trait Exporter: Sync {
    fn export(&self, project: &Project, options: &ExportOptions, progress: &Progress) -> Result<Export, FormatError>;
}

/// Reads datasets into a new project.
pub trait Importer: Sync {
    fn import(&self, inputs: &[PathBuf], options: &ImportOptions, progress: &Progress)
    -> Result<Imported, FormatError>;
}

/// Collects the problems of an import: in lenient mode they are skipped
/// and listed, otherwise the first one fails the import.
pub(crate) struct Problems {
    lenient: bool,
    pub skipped: Vec<Skipped>,
}

impl Problems {
    pub fn new(lenient: bool) -> Problems {
        Problems {
            lenient,
            skipped: Vec::new(),
        }
    }

    /// Records a problem; `Err` unless lenient.
    pub fn report(&mut self, file: &Path, line: Option<usize>, reason: String) -> Result<(), FormatError> {
        if self.lenient {
            self.skipped.push(Skipped {
                file: file.to_owned(),
                line,
                reason,
            });
            Ok(())
        } else {
            Err(match line {
                Some(line) => FormatError::Invalid {
                    file: file.to_owned(),
                    line,
                    reason,
                },
                None => FormatError::InvalidFile {
                    file: file.to_owned(),
                    reason,
                },
            })
        }
    }

    /// Records something skipped whatever the mode (not representable yet).
    pub fn skip(&mut self, file: &Path, line: Option<usize>, reason: String) {
        self.skipped.push(Skipped {
            file: file.to_owned(),
            line,
            reason,
        });
    }
}

/// Frees a parsed input on another thread when it is `large` (a JSON tree
/// of 100,000 spans, an `.ann` file's lines): freeing it costs as much as
/// parsing it, and the import need not wait. Small ones are freed here (a
/// thread per record of a corpus would cost more than it saves).
pub(crate) fn drop_in_background<T: Send + 'static>(value: T, large: bool) {
    if large {
        // If no thread can be started, the closure, and the value, are freed here.
        let _ = std::thread::Builder::new().spawn(move || drop(value));
    }
}

/// A label id as a type name in formats whose fields are separated by
/// whitespace (brat, CoNLL): whitespace becomes `_`.
pub(crate) fn type_name(label: &str) -> std::borrow::Cow<'_, str> {
    if label.contains(char::is_whitespace) {
        label.replace(char::is_whitespace, "_").into()
    } else {
        label.into()
    }
}

/// The files `inputs` name: files as given, folders expanded to the files
/// with one of `extensions` inside them (sorted, not recursive).
pub(crate) fn expand_inputs(inputs: &[PathBuf], extensions: &[&str]) -> Result<Vec<PathBuf>, FormatError> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(input)
                .map_err(FormatError::io(input))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
                })
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(input.clone());
        }
    }
    if out.is_empty() {
        return Err(FormatError::Other(format!(
            "no input files (expected {} files or folders holding them)",
            extensions.join(", ")
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod value_name_tests {
    use super::*;
    use crate::model::{OffsetUnit, Status};
    use clap::ValueEnum;

    /// The names the files and the messages use are the command line's.
    #[test]
    fn names_are_the_command_lines_and_read_back() {
        fn check<T: ValueEnum + PartialEq + std::fmt::Debug + Copy>(
            name: impl Fn(T) -> &'static str,
            parse: impl Fn(&str) -> Option<T>,
        ) {
            for v in T::value_variants() {
                let cli = v.to_possible_value().expect("named");
                assert_eq!(cli.get_name(), name(*v), "{v:?}");
                assert_eq!(parse(name(*v)), Some(*v));
            }
        }
        check(OffsetUnit::name, OffsetUnit::parse);
        check(Scheme::name, Scheme::parse);
        check(OverlapPolicy::name, OverlapPolicy::parse);
        check(Status::name, Status::parse);
        assert_eq!(
            OffsetUnit::parse("UTF-16"),
            Some(OffsetUnit::Utf16),
            "aliases, any case"
        );
        assert_eq!(Status::parse("in-progress"), Some(Status::InProgress));
    }
}
