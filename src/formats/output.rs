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
use crate::persist::state_dir;

/// The project's own files, which no export may write over.
#[derive(Clone, Debug, Default)]
pub struct OutputGuard {
    protected: Vec<(PathBuf, String)>,
    /// Folders nothing may be written into (the project's state folder).
    protected_dirs: Vec<PathBuf>,
    /// The output may be a project file (`marginalia merge -o OURS`).
    project_file_ok: bool,
}

impl OutputGuard {
    /// Protects the project file at `project_path` (if saved), its backup,
    /// its state folder, and the text file of every document.
    pub fn new(project_path: Option<&Path>, project: &Project) -> OutputGuard {
        let mut protected = Vec::new();
        let mut protected_dirs = Vec::new();
        if let Some(path) = project_path {
            protected.push((path.to_owned(), "the project file".to_owned()));
            protected.push((backup_path(path), "the project's backup".to_owned()));
            protected_dirs.extend(canonical(&state_dir::path(path, &[])));
        }
        let mut guard = OutputGuard {
            protected: protected
                .into_iter()
                .filter_map(|(p, what)| Some((canonical(&p)?, what)))
                .collect(),
            protected_dirs,
            project_file_ok: false,
        };
        if let Some(path) = project_path {
            guard.protect_documents(path, project);
        }
        guard
    }

    /// Protects the text files of `project`'s documents (paths relative to
    /// the project file at `project_path`) and its state folder, but not the
    /// project file itself (`marginalia merge -o` writes over it).
    pub fn documents(project_path: &Path, project: &Project) -> OutputGuard {
        let mut guard = OutputGuard {
            protected: Vec::new(),
            protected_dirs: canonical(&state_dir::path(project_path, &[])).into_iter().collect(),
            project_file_ok: true,
        };
        guard.protect_documents(project_path, project);
        guard
    }

    fn protect_documents(&mut self, project_path: &Path, project: &Project) {
        let base = base_dir(project_path);
        for doc in &project.documents {
            if let Some(c) = canonical(&base.join(&doc.path)) {
                self.protected.push((c, format!("the text of document {:?}", doc.id)));
            }
        }
    }

    /// Checks the files an export to `out` would write (`folder`: `out` is
    /// a folder of several files).
    pub fn check(&self, out: &Path, paths: &[PathBuf], folder: bool) -> io::Result<()> {
        let refuse = |msg: String| Err(io::Error::new(io::ErrorKind::AlreadyExists, msg));
        let earlier_export = if folder { super::brat::exported_files(out) } else { None };
        let mut existing = Vec::new();
        for path in paths {
            if let Some(c) = canonical(path) {
                if let Some((_, what)) = self.protected.iter().find(|(p, _)| *p == c) {
                    return refuse(format!("{} is {what}; choose another output", path.display()));
                }
                if self.protected_dirs.iter().any(|d| c.starts_with(d)) {
                    return refuse(format!(
                        "{} is inside the project's state folder (.marginalia); choose another output",
                        path.display()
                    ));
                }
            }
            if let Some(why) = project_file_of_any_project(path, self.project_file_ok) {
                return refuse(format!("{} is {why}; choose another output", path.display()));
            }
            // Never written through a link: it could lead anywhere.
            if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                return refuse(format!("{} is a symbolic link; choose another output", path.display()));
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
        // An earlier export of ours may be replaced, file by file, but only
        // the files its manifest says it wrote.
        if let Some(ours) = &earlier_export {
            existing.retain(|p| {
                !p.file_name()
                    .is_some_and(|n| ours.iter().any(|o| n.to_string_lossy() == *o))
            });
        }
        if folder && !existing.is_empty() {
            let names: Vec<String> = existing.iter().take(5).map(|p| p.display().to_string()).collect();
            return refuse(format!(
                "{} already holds {} file(s) this export would replace ({}{}), which are not from an earlier Marginalia export; choose an empty or new folder",
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

/// Why `path` belongs to some project (not only the one exported): inside
/// a `.marginalia` state folder, a project's backup, a project file (unless
/// `project_ok`: `marginalia merge -o` writes over one), or a document of a
/// project file in the same folder. `None` when it is free.
pub fn project_file_of_any_project(path: &Path, project_ok: bool) -> Option<String> {
    let resolved = canonical(path).unwrap_or_else(|| path.to_owned());
    if resolved
        .components()
        .chain(path.components())
        .any(|c| c.as_os_str() == state_dir::STATE_DIR)
    {
        return Some("inside a project's state folder (.marginalia)".to_owned());
    }
    let name = path.file_name()?.to_string_lossy().into_owned();
    if name.ends_with(".ron.bak") {
        return Some("a project's backup".to_owned());
    }
    if !project_ok && is_project_file(path) {
        return Some("a Marginalia project file".to_owned());
    }
    // A document of a project beside it (a few dozen project files at most).
    let dir = base_dir(path);
    let projects = std::fs::read_dir(&dir).ok()?.filter_map(Result::ok).take(200);
    for entry in projects {
        let p = entry.path();
        if p.extension().is_none_or(|e| e != "ron") || !p.is_file() {
            continue;
        }
        let Ok(project) = crate::persist::load::read_file_only(&p) else {
            continue;
        };
        let base = base_dir(&p);
        if let Some(doc) = project
            .documents
            .iter()
            .find(|d| canonical(&base.join(&d.path)).is_some_and(|c| c == resolved))
        {
            return Some(format!(
                "the text of document {:?} of {}",
                doc.id,
                p.file_name().unwrap_or_default().to_string_lossy()
            ));
        }
    }
    None
}

/// Whether the regular file at `path` declares a `format_version` in its
/// first lines (only its head is read).
fn is_project_file(path: &Path) -> bool {
    use std::io::Read as _;
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut head = Vec::with_capacity(4096);
    let read = std::fs::File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head));
    read.is_ok() && crate::persist::format::declared_version(&String::from_utf8_lossy(&head)).is_some()
}
