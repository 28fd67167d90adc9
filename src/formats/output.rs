//! Where an export may write.
//!
//! `export -o` names a path the user typed: a slip (`-o p.ron`, `-o` a
//! document's file, a folder full of someone else's files, `/dev/sda` as
//! root) must never replace the project or its documents. The
//! [`OutputGuard`] knows the project's own files and refuses, before
//! anything is written, an export that would write over one of them, over
//! something that is not a regular file, or over files already in a
//! folder that is not an earlier Marginalia export.

use std::io;
use std::path::{Path, PathBuf};

use crate::model::Project;
use crate::persist::load::base_dir;
use crate::persist::save::backup_path;

/// The project's own files, which no export may write over.
#[derive(Clone, Debug, Default)]
pub struct OutputGuard {
    protected: Vec<(PathBuf, String)>,
}

impl OutputGuard {
    /// Protects the project file at `project_path` (if saved), its backup,
    /// its state folder, and the text file of every document.
    pub fn new(project_path: Option<&Path>, project: &Project) -> OutputGuard {
        let mut protected = Vec::new();
        if let Some(path) = project_path {
            protected.push((path.to_owned(), "the project file".to_owned()));
            protected.push((backup_path(path), "the project's backup".to_owned()));
            let base = base_dir(path);
            for doc in &project.documents {
                protected.push((base.join(&doc.path), format!("the text of document {:?}", doc.id)));
            }
        }
        OutputGuard {
            protected: protected
                .into_iter()
                .filter_map(|(p, what)| Some((canonical(&p)?, what)))
                .collect(),
        }
    }

    /// Checks the files an export to `out` would write (`folder`: `out` is
    /// a folder of several files).
    pub fn check(&self, out: &Path, paths: &[PathBuf], folder: bool) -> io::Result<()> {
        let refuse = |msg: String| Err(io::Error::new(io::ErrorKind::AlreadyExists, msg));
        let earlier_export = folder && out.join(super::brat::MANIFEST).is_file();
        let mut existing = Vec::new();
        for path in paths {
            if let Some(c) = canonical(path)
                && let Some((_, what)) = self.protected.iter().find(|(p, _)| *p == c)
            {
                return refuse(format!("{} is {what}; choose another output", path.display()));
            }
            match std::fs::metadata(path) {
                Ok(meta) if !meta.is_file() => {
                    return refuse(format!(
                        "{} exists and is not a regular file; choose another output",
                        path.display()
                    ));
                }
                Ok(_) => existing.push(path),
                Err(_) => {}
            }
        }
        if folder && !earlier_export && !existing.is_empty() {
            let names: Vec<String> = existing.iter().take(5).map(|p| p.display().to_string()).collect();
            return refuse(format!(
                "{} already holds {} file(s) this export would replace ({}{}) and is not an earlier Marginalia export; choose an empty or new folder",
                out.display(),
                existing.len(),
                names.join(", "),
                if existing.len() > 5 { ", …" } else { "" }
            ));
        }
        Ok(())
    }
}

/// The path with links and `..` resolved; for a file that does not exist
/// yet, its folder's resolved path joined with its name.
fn canonical(path: &Path) -> Option<PathBuf> {
    if let Ok(c) = std::fs::canonicalize(path) {
        return Some(c);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(canonical(parent)?.join(name))
}
