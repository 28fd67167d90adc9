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
    let ext = file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !ext.is_some_and(|e| DOCUMENT_EXTENSIONS.contains(&e.as_str())) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
