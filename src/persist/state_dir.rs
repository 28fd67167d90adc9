//! `.marginalia/`: the folder Marginalia keeps its own files in, beside a
//! project file (version history, recovery copies, review state).
//!
//! It is local state, like a build tool's cache folder: when Marginalia
//! creates it, it writes a `.gitignore` inside that ignores the whole
//! folder, so `git add -A` in a project folder does not pick up snapshots
//! that no merge driver could merge. A user who wants it in git deletes
//! that file; it is not written again into an existing folder.
//!
//! Its content comes with the project folder (email, git), so it is
//! untrusted: nothing is written or deleted through a symbolic link at any
//! level of it, and file names read from its indexes must be plain names
//! ([`is_plain_name`]) that cannot reach outside their folder.

use std::io;
use std::path::{Path, PathBuf};

use super::load::base_dir;

/// The folder's name.
pub const STATE_DIR: &str = ".marginalia";

/// What the `.gitignore` written into a new state folder says.
pub const GITIGNORE: &str = "# Marginalia's local state (history, recovery copies): not for version control.\n*\n";

/// `<project folder>/.marginalia/<parts…>`, without touching the disk.
pub fn path(project_path: &Path, parts: &[&str]) -> PathBuf {
    let mut dir = base_dir(project_path).join(STATE_DIR);
    dir.extend(parts);
    dir
}

/// Creates `<project folder>/.marginalia/<parts…>` as needed and returns
/// it. Refuses when any level of it is a symbolic link (it could lead
/// anywhere) or not a folder.
pub fn create(project_path: &Path, parts: &[&str]) -> io::Result<PathBuf> {
    let mut dir = base_dir(project_path).join(STATE_DIR);
    let fresh = make_level(&dir)?;
    if fresh {
        super::save::write_atomic(&dir.join(".gitignore"), GITIGNORE.as_bytes(), false)?;
    }
    for part in parts {
        dir.push(part);
        make_level(&dir)?;
    }
    Ok(dir)
}

/// Refuses when an existing level of `<project folder>/.marginalia/<parts…>`
/// is a symbolic link. Missing levels are fine (there is nothing there).
pub fn check_no_links(project_path: &Path, parts: &[&str]) -> io::Result<()> {
    let mut dir = base_dir(project_path).join(STATE_DIR);
    check_level(&dir)?;
    for part in parts {
        dir.push(part);
        check_level(&dir)?;
    }
    Ok(())
}

/// Refuses a file of the state folder that is a symbolic link (it could
/// lead a read or a lock outside the project). A missing file is fine.
pub fn check_file(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is a symbolic link; Marginalia does not follow links in a project's state folder",
                path.display()
            ),
        )),
        _ => Ok(()),
    }
}

/// True for a file name that stays in its folder: not empty, no path
/// separator, not `.` or `..`, no NUL, not absolute on any platform.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0', ':'])
        && Path::new(name).components().count() == 1
}

/// Removes the regular file `name` in `dir`: refuses a name that is not
/// plain and never deletes through a symbolic link. A missing file is not
/// an error.
pub fn remove_file_in(dir: &Path, name: &str) -> io::Result<()> {
    if !is_plain_name(name) {
        return Err(outside(name));
    }
    let path = dir.join(name);
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.is_file() => std::fs::remove_file(&path),
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a regular file; not deleted", path.display()),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// The error for a file name that would leave its folder.
pub fn outside(name: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{name:?} is not a plain file name (it could reach outside its folder)"),
    )
}

/// Creates one level; true if it was created now.
fn make_level(dir: &Path) -> io::Result<bool> {
    match std::fs::create_dir(dir) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => check_level(dir).map(|()| false),
        Err(e) => Err(e),
    }
}

fn check_level(dir: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.file_type().is_symlink() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is a symbolic link; Marginalia does not follow links out of a project's state folder",
                dir.display()
            ),
        )),
        Ok(meta) if !meta.is_dir() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a folder", dir.display()),
        )),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_stay_in_their_folder() {
        for good in ["2026-11-30T08-00-00Z.full.gz", "a.ron", ".gitignore"] {
            assert!(is_plain_name(good), "{good}");
        }
        for bad in ["", ".", "..", "../x", "a/b", "/etc/passwd", "a\\b", "C:x", "a\0b"] {
            assert!(!is_plain_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_new_state_folder_is_ignored_by_git_and_an_existing_one_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p.ron");
        let history = create(&project, &["history", "p"]).unwrap();
        assert!(history.is_dir());
        let ignore = dir.path().join(STATE_DIR).join(".gitignore");
        assert_eq!(std::fs::read_to_string(&ignore).unwrap(), GITIGNORE);
        // The user chose to track it: not written again.
        std::fs::remove_file(&ignore).unwrap();
        create(&project, &["recovery"]).unwrap();
        assert!(!ignore.exists());
    }

    #[cfg(unix)]
    #[test]
    fn links_are_never_followed_for_writing_or_deleting() {
        let dir = tempfile::tempdir().unwrap();
        let outside_dir = tempfile::tempdir().unwrap();
        let victim = outside_dir.path().join("victim.txt");
        std::fs::write(&victim, b"keep me").unwrap();
        let project = dir.path().join("p.ron");
        std::fs::create_dir(dir.path().join(STATE_DIR)).unwrap();
        std::os::unix::fs::symlink(outside_dir.path(), path(&project, &["history"])).unwrap();
        let e = create(&project, &["history", "p"]).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert!(check_no_links(&project, &["history", "p"]).is_err());
        assert!(check_no_links(&project, &["recovery"]).is_ok());

        let link = dir.path().join("link.gz");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(remove_file_in(dir.path(), "link.gz").is_err());
        assert!(remove_file_in(dir.path(), "../victim.txt").is_err());
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
        remove_file_in(dir.path(), "missing.gz").unwrap();
    }
}
