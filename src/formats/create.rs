//! Writing an imported project to disk: its documents' texts beside the
//! project file, then the project file itself.
//!
//! Nothing that exists is overwritten: the project file must be new, and a
//! document whose file name is taken by a different text gets a fresh name
//! (`report-2.txt`). If anything fails, the files written so far are
//! removed again, so a failed import leaves the folder as it was.

use std::path::{Path, PathBuf};

use super::{FormatError, Imported};
use crate::persist::load::base_dir;
use crate::session::Session;

/// Creates the project file `path` (and its folder) from `imported`, and
/// returns it open in a session.
pub fn create_project(imported: &Imported, path: &Path) -> Result<Session, FormatError> {
    if path.exists() {
        return Err(FormatError::Other(format!(
            "{} already exists; imports create new projects only",
            path.display()
        )));
    }
    if let Some(why) = super::project_file_of_any_project(path, true) {
        return Err(FormatError::Other(format!(
            "{} is {why}; choose another place",
            path.display()
        )));
    }
    let dir = base_dir(path);
    std::fs::create_dir_all(&dir).map_err(FormatError::io(&dir))?;
    // Held from the check that the project is new to its save: a second
    // import to the same file waits, then finds it there and writes nothing.
    let lock = crate::persist::lock::ProjectLock::acquire(path, crate::session::SAVE_WAIT)
        .map_err(|e| FormatError::Other(e.to_string()))?;
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(FormatError::Other(format!(
            "{} already exists; imports create new projects only",
            path.display()
        )));
    }
    let mut written: Vec<PathBuf> = Vec::new();
    let result = write_all(imported, path, &dir, &mut written, lock);
    if result.is_err() {
        for file in written {
            let _ = std::fs::remove_file(file);
        }
    }
    result
}

fn write_all(
    imported: &Imported,
    path: &Path,
    dir: &Path,
    written: &mut Vec<PathBuf>,
    lock: crate::persist::lock::ProjectLock,
) -> Result<Session, FormatError> {
    let mut project = imported.project.clone();
    for doc in &mut project.documents {
        let (stem, ext) = match doc.path.rsplit_once('.') {
            Some((s, e)) => (s.to_owned(), format!(".{e}")),
            None => (doc.path.clone(), String::new()),
        };
        let mut name = doc.path.clone();
        let mut n = 2;
        loop {
            let target = dir.join(&name);
            match crate::persist::safe_read::read_bytes(&target, crate::persist::safe_read::MAX_PROJECT_BYTES) {
                // The same text is already there (an earlier import): share it.
                Ok(bytes) if bytes == doc.text.as_str().as_bytes() => break,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    // Claimed exclusively: another import writing the same
                    // name at the same moment gets it or takes the next.
                    match create_new(&target, doc.text.as_str().as_bytes()) {
                        Ok(()) => {
                            written.push(target);
                            break;
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                        Err(e) => return Err(FormatError::io(&target)(e)),
                    }
                }
                Err(e) => return Err(FormatError::io(&target)(e)),
            }
            name = format!("{stem}-{n}{ext}");
            n += 1;
        }
        doc.path = name;
    }
    let mut session = Session::new(project);
    session.hold_lock(lock);
    session.save_new(path).map_err(|e| match e {
        crate::session::SessionError::Exists(_) => FormatError::Other(format!(
            "{} already exists; imports create new projects only",
            path.display()
        )),
        e => FormatError::Other(format!("cannot save {}: {e}", path.display())),
    })?;
    Ok(session)
}

/// Writes `bytes` to a file that must not exist yet, flushed to disk.
fn create_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
