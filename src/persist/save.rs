//! Atomic saving.
//!
//! A save writes the whole file to a temporary file in the same folder,
//! flushes it to disk (fsync), and renames it over the project file; the
//! rename is atomic, so a crash or a kill at any moment leaves either the
//! old file or the new one, never a truncated mix. Before the rename, the
//! old content is kept as `NAME.ron.bak` (a hard link, so no copying; a
//! copy where the file system has no hard links), itself put in place by an
//! atomic rename. The project file keeps its permissions.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::format;
use crate::model::Project;

/// Why a save failed. The project file on disk is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("cannot save {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Saves `project` to `path` atomically, keeping the previous file as a backup.
pub fn save(project: &Project, path: &Path) -> Result<(), SaveError> {
    save_text(project, path).map(drop)
}

/// [`save`], returning the text written (for the version history).
pub fn save_text(project: &Project, path: &Path) -> Result<String, SaveError> {
    let text = format::to_string(project);
    let io = |source| SaveError::Io {
        path: path.to_owned(),
        source,
    };
    // Through a symbolic link, the file it points at is saved (a rename
    // over the link would replace the link and leave its target stale).
    let target = resolve_link(path).map_err(io)?;
    write_atomic(&target, text.as_bytes(), true).map_err(io)?;
    Ok(text)
}

/// The backup path of a project file: `NAME.ron.bak`.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(OsString::from).unwrap_or_default();
    name.push(".bak");
    path.with_file_name(name)
}

/// Writes `bytes` to `path` atomically (temp file, fsync, rename, fsync of
/// the folder). With `backup`, an existing file is first kept at
/// [`backup_path`]. A symbolic link at `path` is replaced, never written
/// through (a link planted in a project's state folder must not lead a
/// write outside it); project saves resolve their links first
/// ([`resolve_link`]).
pub fn write_atomic(path: &Path, bytes: &[u8], backup: bool) -> std::io::Result<()> {
    let dir = super::load::base_dir(path);
    let prefix = temp_prefix(path);
    let tmp = temp_with(&dir, &prefix, bytes)?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && meta.is_file()
    {
        tmp.as_file().set_permissions(meta.permissions())?;
        if backup {
            keep_backup(path, &dir, &prefix)?;
        }
    }
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(&dir);
    Ok(())
}

/// Writes many new files, each whole under its name (temp file, rename),
/// then makes them all durable at once: one flush of the file system on
/// Linux (`syncfs`), else an fsync of each. For content-addressed files
/// that nothing refers to until the caller writes its index afterwards
/// (the history's texts): 10,000 of them took two fsyncs each before.
pub fn write_all_durably(files: &[(PathBuf, Vec<u8>)]) -> std::io::Result<()> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut written: Vec<std::fs::File> = Vec::new();
    for (path, bytes) in files {
        let dir = super::load::base_dir(path);
        let file = temp_with(&dir, &temp_prefix(path), bytes)?
            .persist(path)
            .map_err(|e| e.error)?;
        if cfg!(not(target_os = "linux")) {
            written.push(file);
        }
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    #[cfg(target_os = "linux")]
    if let Some(dir) = dirs.first() {
        let d = std::fs::File::open(dir)?;
        rustix::fs::syncfs(&d)?;
        return Ok(());
    }
    for file in written {
        file.sync_all()?;
    }
    for dir in &dirs {
        sync_dir(dir);
    }
    Ok(())
}

/// `path`, or the file a symbolic link at `path` leads to (links to links
/// followed). A link whose target does not exist yet resolves to that
/// target, so a first save through it creates the file the link names.
pub fn resolve_link(path: &Path) -> std::io::Result<PathBuf> {
    let mut path = path.to_owned();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&path)?;
                path = super::load::base_dir(&path).join(target);
            }
            _ => return Ok(path),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("{}: too many levels of symbolic links", path.display()),
    ))
}

/// A temporary file in `dir` (named `prefix…tmp`) holding `bytes`, not
/// yet synced. A new file gets the usual mode (0666 less the umask), not
/// the owner-only mode temporary files default to.
fn temp_with(dir: &Path, prefix: &str, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix).suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    Ok(tmp)
}

fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.")
}

/// Puts the current content of `path` at its backup path, atomically.
fn keep_backup(path: &Path, dir: &Path, prefix: &str) -> std::io::Result<()> {
    let builder = {
        let mut b = tempfile::Builder::new();
        b.prefix(prefix).suffix(".bak.tmp");
        b
    };
    let staged = match builder.make_in(dir, |p| std::fs::hard_link(path, p)) {
        Ok(linked) => linked.into_temp_path(),
        Err(_) => {
            let mut copy = builder.tempfile_in(dir)?;
            copy.write_all(&std::fs::read(path)?)?;
            copy.as_file().sync_all()?;
            copy.into_temp_path()
        }
    };
    staged.persist(backup_path(path)).map_err(|e| e.error)?;
    Ok(())
}

/// Flushes the folder entry of a rename to disk, where the platform allows it.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        // Best effort: the rename itself has already happened atomically.
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_files_are_written_whole_and_a_link_in_the_way_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "untouched").unwrap();
        let files: Vec<(PathBuf, Vec<u8>)> = (0..50)
            .map(|i| (dir.path().join(format!("t{i}.gz")), format!("text {i}").into_bytes()))
            .collect();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, &files[7].0).unwrap();
        write_all_durably(&files).unwrap();
        for (path, bytes) in &files {
            assert_eq!(&std::fs::read(path).unwrap(), bytes);
            assert!(!std::fs::symlink_metadata(path).unwrap().file_type().is_symlink());
        }
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "untouched");
        let leftovers = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "tmp"))
            .count();
        assert_eq!(leftovers, 0, "no temporary file left");
    }

    #[test]
    fn backup_keeps_the_previous_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        write_atomic(&path, b"one", true).unwrap();
        assert!(!backup_path(&path).exists(), "no backup of a file that did not exist");
        write_atomic(&path, b"two", true).unwrap();
        write_atomic(&path, b"three", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"three");
        assert_eq!(std::fs::read(backup_path(&path)).unwrap(), b"two");
        // No temporary files are left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_not_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        write_atomic(&path, b"new", true).unwrap();
        let plain = dir.path().join("plain");
        std::fs::write(&plain, b"x").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode(&path),
            mode(&plain),
            "a saved project gets the mode of any new file"
        );
    }

    #[cfg(unix)]
    #[test]
    fn permissions_survive_a_save() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        std::fs::write(&path, b"old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
        write_atomic(&path, b"new", true).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o664);
    }

    #[cfg(unix)]
    #[test]
    fn saving_through_a_link_saves_its_target_and_other_writes_replace_links() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        let target = real.join("p.ron");
        std::fs::write(&target, b"old").unwrap();
        let link = dir.path().join("p.ron");
        std::os::unix::fs::symlink("real/p.ron", &link).unwrap();
        save_text(&Project::new("p"), &link).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert!(std::fs::read_to_string(&target).unwrap().contains("name: \"p\""));
        assert_eq!(std::fs::read(backup_path(&target)).unwrap(), b"old");
        // A plain atomic write (state files, exports) replaces a link.
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        let planted = real.join("index");
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        write_atomic(&planted, b"index", false).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert!(std::fs::symlink_metadata(&planted).unwrap().is_file());
    }

    #[test]
    fn a_failed_save_leaves_the_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-folder").join("p.ron");
        assert!(write_atomic(&missing, b"x", true).is_err());
        assert!(!missing.exists());
    }
}
