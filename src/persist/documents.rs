//! Adding text files to a project as documents.
//!
//! A document is referenced from the project file by a path relative to the
//! project file (so a project folder can be moved or cloned as a whole) and
//! by the hash of its text. The file itself is never modified.

use std::path::{Component, Path, PathBuf};

use super::load::base_dir;
use super::textfile::{self, TextFileError};
use crate::model::{Document, Project, Text, guess_title};

/// File extensions accepted as documents.
pub const DOCUMENT_EXTENSIONS: &[&str] = &["txt", "text", "md", "markdown"];

/// A document read from a file, with an account of its decoding.
#[derive(Clone, Debug)]
pub struct NewDocument {
    pub document: Document,
    /// How the file was decoded, if it was not plain UTF-8.
    pub decoding: Option<String>,
}

/// Why a file cannot be added.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("{}: only {} files can be added as documents", path.display(), DOCUMENT_EXTENSIONS.join(", "))]
    UnsupportedType { path: PathBuf },
    #[error(transparent)]
    Text(#[from] TextFileError),
    #[error("cannot add {}: {source}", path.display())]
    Resolve {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Reads `file` as a new document of the project saved at `project_path`,
/// with an id unique in `project` (and not in `taken`, for batches).
pub fn read_new_document(
    project_path: &Path,
    file: &Path,
    project: &Project,
    taken: &[String],
) -> Result<NewDocument, AddError> {
    if !is_document_file(file) {
        return Err(AddError::UnsupportedType { path: file.to_owned() });
    }
    let decoded = textfile::read_text_file(file)?;
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut id = project.fresh_document_id(&stem);
    let mut n = 2;
    while taken.contains(&id) {
        id = project.fresh_document_id(&format!("{stem}-{n}"));
        n += 1;
    }
    let rel = relative_path(&base_dir(project_path), file).map_err(|source| AddError::Resolve {
        path: file.to_owned(),
        source,
    })?;
    let title = guess_title(&decoded.text, &stem);
    let decoding = decoded.report();
    Ok(NewDocument {
        document: Document::new(id, title, rel, Text::new(decoded.text)),
        decoding,
    })
}

/// `target` relative to the folder `base`, with `/` separators. Falls back
/// to the absolute path when the two share no root (another drive).
/// A path that is not valid UTF-8 is refused: the project file could only
/// store a replacement character, and the file could never be read again.
pub fn relative_path(base: &Path, target: &Path) -> std::io::Result<String> {
    let base = std::fs::canonicalize(base)?;
    let target = std::fs::canonicalize(target)?;
    let b: Vec<Component> = base.components().collect();
    let t: Vec<Component> = target.components().collect();
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let utf8 = |p: &std::ffi::OsStr| {
        p.to_str().map(str::to_owned).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "{} is not valid UTF-8; rename it (a project file can only name it with a replacement character, and it could never be read again)",
                    target.display()
                ),
            )
        })
    };
    if common == 0 {
        return Ok(utf8(target.as_os_str())?.replace('\\', "/"));
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); b.len() - common];
    for c in &t[common..] {
        parts.push(utf8(c.as_os_str())?);
    }
    Ok(parts.join("/"))
}

/// The files to add from paths given by the user: a file as it is, a
/// folder walked recursively (in name order) for document files. What a
/// walk leaves out is listed with the reason, never silently.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Collected {
    pub files: Vec<PathBuf>,
    /// Paths left out of folders, with why.
    pub skipped: Vec<(PathBuf, &'static str)>,
}

/// Walks `paths` (see [`Collected`]). Hidden files and folders (a name
/// starting with `.`: `.git`, `.marginalia`) are left out, and links to
/// folders are not followed (a link back up would never end).
pub fn collect_files(paths: &[PathBuf]) -> std::io::Result<Collected> {
    let mut out = Collected::default();
    for path in paths {
        if std::fs::symlink_metadata(path).is_err() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{} does not exist", path.display()),
            ));
        }
        if path.is_dir() {
            walk(path, &mut out)?;
        } else {
            out.files.push(path.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Collected) -> std::io::Result<()> {
    let mut entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        let kind = entry.file_type()?;
        if name.to_string_lossy().starts_with('.') {
            out.skipped.push((path, "hidden"));
        } else if kind.is_symlink() && path.is_dir() {
            out.skipped.push((path, "a link to a folder (not followed)"));
        } else if kind.is_dir() {
            walk(&path, out)?;
        } else if is_document_file(&path) && entry.metadata().is_ok_and(|m| m.len() == 0) {
            out.skipped.push((path, "empty"));
        } else if is_document_file(&path) {
            out.files.push(path);
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ron")) {
            out.skipped.push((path, "a project file"));
        } else {
            out.skipped.push((path, "not a text document (.txt, .md)"));
        }
    }
    Ok(())
}

/// What reading the paths given gave: the documents to add, and what was
/// left out, with why.
#[derive(Debug, Default)]
pub struct ReadDocuments {
    pub added: Vec<NewDocument>,
    pub skipped: Vec<(PathBuf, String)>,
}

/// Why reading documents stopped (nothing is to be added then).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Add(#[from] AddError),
    #[error("{path} is already in the project as document {existing:?}; nothing was added")]
    Duplicate { path: String, existing: String },
    #[error("{0}")]
    Walk(#[from] std::io::Error),
    #[error("cancelled: nothing was added")]
    Cancelled,
}

/// Reads every file of `paths` (folders walked, [`collect_files`]) as new
/// documents of `project`, or stops at the first named file that cannot
/// be one, before anything is added. A file found in a folder whose text
/// is already in the project (or was read just before) is skipped, so that
/// a folder can be added again for what is new; a file named on its own is
/// refused then. `on_file(done, total)` is called before each file and
/// stops the reading when it returns false.
pub fn read_documents(
    project_path: &Path,
    project: &Project,
    paths: &[PathBuf],
    on_file: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<ReadDocuments, ReadError> {
    let collected = collect_files(paths)?;
    let mut skipped: Vec<(PathBuf, String)> = collected
        .skipped
        .into_iter()
        .map(|(p, why)| (p, why.to_owned()))
        .collect();
    let mut by_hash: std::collections::HashMap<String, String> = project
        .documents
        .iter()
        .map(|d| (d.hash.clone(), d.id.clone()))
        .collect();
    let total = collected.files.len();
    let mut added: Vec<NewDocument> = Vec::new();
    let mut taken: Vec<String> = Vec::new();
    for (k, file) in collected.files.iter().enumerate() {
        if !on_file(k, total) {
            return Err(ReadError::Cancelled);
        }
        let named = paths.contains(file);
        // A file found in a folder that cannot be a document (binary, a
        // name that is not UTF-8, unreadable) is left out and listed, not a
        // reason to add none of the thousands of others.
        let d = match read_new_document(project_path, file, project, &taken) {
            Ok(d) => d,
            Err(e) if !named => {
                skipped.push((file.clone(), e.to_string()));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(existing) = by_hash.get(&d.document.hash) {
            if named {
                return Err(ReadError::Duplicate {
                    path: d.document.path.clone(),
                    existing: existing.clone(),
                });
            }
            skipped.push((file.clone(), format!("the same text as document {existing:?}")));
            continue;
        }
        by_hash.insert(d.document.hash.clone(), d.document.id.clone());
        taken.push(d.document.id.clone());
        added.push(d);
    }
    on_file(total, total);
    Ok(ReadDocuments { added, skipped })
}

/// "3 hidden; 2 not a text document (.txt, .md)": what was left out, by reason.
pub fn skipped_summary(skipped: &[(PathBuf, String)]) -> String {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for (_, why) in skipped {
        *counts.entry(why.as_str()).or_default() += 1;
    }
    let parts: Vec<String> = counts.iter().map(|(why, n)| format!("{n} {why}")).collect();
    parts.join("; ")
}

/// True for a file name with one of the [`DOCUMENT_EXTENSIONS`].
pub fn is_document_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| DOCUMENT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_stops_when_asked_and_gives_nothing() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..5 {
            std::fs::write(dir.path().join(format!("{i}.txt")), format!("texte {i}")).unwrap();
        }
        let project = dir.path().join("p.ron");
        let mut seen = Vec::new();
        let all = read_documents(&project, &Project::new("p"), &[dir.path().to_owned()], &mut |k, n| {
            seen.push((k, n));
            true
        })
        .unwrap();
        assert_eq!(all.added.len(), 5);
        assert_eq!(seen.first(), Some(&(0, 5)));
        assert_eq!(seen.last(), Some(&(5, 5)));
        let stopped = read_documents(&project, &Project::new("p"), &[dir.path().to_owned()], &mut |k, _| {
            k < 3
        });
        assert!(matches!(stopped, Err(ReadError::Cancelled)));
    }

    #[test]
    fn folders_are_walked_in_order_and_what_is_left_out_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        for (rel, text) in [
            ("b/2.txt", "deux"),
            ("b/1.MD", "un"),
            ("a.txt", "a"),
            ("notes.pdf", "%PDF"),
            (".git/config", "x"),
            ("old.ron", "()"),
            ("b/empty.txt", ""),
        ] {
            let p = corpus.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let c = collect_files(std::slice::from_ref(&corpus)).unwrap();
        let rel = |p: &PathBuf| p.strip_prefix(&corpus).unwrap().to_string_lossy().replace('\\', "/");
        assert_eq!(
            c.files.iter().map(rel).collect::<Vec<_>>(),
            ["a.txt", "b/1.MD", "b/2.txt"]
        );
        let skipped: Vec<(String, &str)> = c.skipped.iter().map(|(p, why)| (rel(p), *why)).collect();
        assert_eq!(
            skipped,
            [
                (".git".to_owned(), "hidden"),
                ("b/empty.txt".to_owned(), "empty"),
                ("notes.pdf".to_owned(), "not a text document (.txt, .md)"),
                ("old.ron".to_owned(), "a project file"),
            ]
        );
        let missing = collect_files(&[corpus.join("nope")]).unwrap_err();
        assert!(missing.to_string().ends_with("nope does not exist"), "{missing}");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_name_that_is_not_utf8_is_refused() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let name = std::ffi::OsStr::from_bytes(b"r\xE9sum\xE9.txt");
        let file = dir.path().join(name);
        std::fs::write(&file, "Bakou").unwrap();
        let project = dir.path().join("p.ron");
        let e = read_new_document(&project, &file, &Project::new("p"), &[]).unwrap_err();
        assert!(e.to_string().contains("is not valid UTF-8; rename it"), "{e}");
    }

    #[test]
    fn paths_are_relative_to_the_project_folder() {
        let dir = tempfile::tempdir().unwrap();
        let project_dir = dir.path().join("project");
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&project_dir).unwrap();
        std::fs::create_dir_all(corpus.join("fr")).unwrap();
        let doc = corpus.join("fr").join("a b.txt");
        std::fs::write(&doc, "x").unwrap();
        assert_eq!(relative_path(&project_dir, &doc).unwrap(), "../corpus/fr/a b.txt");
        let beside = project_dir.join("b.md");
        std::fs::write(&beside, "y").unwrap();
        assert_eq!(relative_path(&project_dir, &beside).unwrap(), "b.md");
    }

    #[test]
    fn ids_come_from_stems_and_are_unique() {
        let dir = tempfile::tempdir().unwrap();
        let project_path = dir.path().join("p.ron");
        let file = dir.path().join("rapport 2020.txt");
        std::fs::write(&file, "Rapport\n\nTexte").unwrap();
        let project = Project::new("p");
        let first = read_new_document(&project_path, &file, &project, &[]).unwrap();
        assert_eq!(first.document.id, "rapport-2020");
        assert_eq!(first.document.title, "Rapport");
        let second =
            read_new_document(&project_path, &file, &project, std::slice::from_ref(&first.document.id)).unwrap();
        assert_eq!(second.document.id, "rapport-2020-2");
    }

    #[test]
    fn other_file_types_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("report.pdf");
        std::fs::write(&file, "%PDF").unwrap();
        let err = read_new_document(&dir.path().join("p.ron"), &file, &Project::new("p"), &[]).unwrap_err();
        assert!(matches!(err, AddError::UnsupportedType { .. }), "{err}");
    }
}
