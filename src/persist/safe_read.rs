//! Reading files that may come from someone else.
//!
//! A project folder travels by email and git, so every path it names is
//! untrusted: a document path may name `/dev/zero` (endless), a FIFO
//! (blocks forever on open) or a symbolic link to either, and
//! `metadata().len()` is 0 for all of them, so a size check alone lets them
//! through. Every read of a file the user did not just pick goes through
//! [`read_bytes`]: only regular files are opened (links are followed, the
//! file they reach must be regular), and the read stops at a limit whatever
//! the file claims its size is.

use std::io::{self, Read};
use std::path::Path;

/// The most a project file, a history snapshot or an import input may
/// hold. Far above any real project (100,000 annotations take 22 MB), low
/// enough that a hostile file cannot take the machine's memory.
pub const MAX_PROJECT_BYTES: u64 = 1024 * 1024 * 1024;

/// Reads the regular file at `path`, refusing anything else (folders,
/// devices, FIFOs, sockets) and anything larger than `limit` bytes.
pub fn read_bytes(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    // Checked before opening: opening a FIFO for reading blocks until a
    // writer comes, which may be never.
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    if meta.len() > limit {
        return Err(too_large(meta.len(), limit));
    }
    let file = std::fs::File::open(path)?;
    // The file may have been swapped since: check what was opened.
    let opened = file.metadata()?;
    if !opened.is_file() {
        return Err(not_regular(&opened));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(opened.len().min(limit)).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// [`read_bytes`] as UTF-8 text. Invalid UTF-8 is refused with the byte
/// offset, line and column of the first bad byte; a byte order mark at the
/// start is dropped (editors on Windows add one).
pub fn read_utf8(path: &Path, limit: u64) -> io::Result<String> {
    let bytes = read_bytes(path, limit)?;
    utf8(bytes)
}

/// Bytes as UTF-8 text, as [`read_utf8`] takes them.
pub fn utf8(mut bytes: Vec<u8>) -> io::Result<String> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    utf8_exact(bytes)
}

/// Bytes as UTF-8 text, a byte order mark kept as the character U+FEFF
/// (for texts whose offsets count it, as brat's do).
pub fn utf8_exact(bytes: Vec<u8>) -> io::Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..at];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        // Columns count characters, as editors show them.
        let column = 1 + String::from_utf8_lossy(&before[line_start..]).chars().count();
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("invalid UTF-8 at byte {at} (line {line}, column {column}); save the file as UTF-8"),
        )
    })
}

fn not_regular(meta: &std::fs::Metadata) -> io::Error {
    let ft = meta.file_type();
    let what = if ft.is_dir() {
        "a folder"
    } else if is_fifo(&ft) {
        "a named pipe (FIFO)"
    } else {
        "a device or other special file"
    };
    io::Error::new(io::ErrorKind::InvalidInput, format!("it is {what}, not a regular file"))
}

#[cfg(unix)]
fn is_fifo(ft: &std::fs::FileType) -> bool {
    std::os::unix::fs::FileTypeExt::is_fifo(ft)
}

#[cfg(not(unix))]
fn is_fifo(_: &std::fs::FileType) -> bool {
    false
}

fn too_large(size: u64, limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("it is {size} bytes or more, over the limit of {limit} bytes"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read_bytes(&path, 10).unwrap(), b"0123456789");
        let e = read_bytes(&path, 9).unwrap_err();
        assert!(e.to_string().contains("over the limit of 9 bytes"), "{e}");
        let e = read_bytes(dir.path(), 10).unwrap_err();
        assert_eq!(e.to_string(), "it is a folder, not a regular file");
    }

    #[cfg(unix)]
    #[test]
    fn devices_fifos_and_links_to_them_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        let e = read_bytes(&fifo, 1 << 20).unwrap_err();
        assert!(e.to_string().contains("named pipe"), "{e}");
        let e = read_bytes(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(e.to_string().contains("device"), "{e}");
        let link = dir.path().join("zero.txt");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let e = read_bytes(&link, 1 << 20).unwrap_err();
        assert!(e.to_string().contains("device"), "{e}");
    }

    #[test]
    fn invalid_utf8_is_located() {
        let e = utf8(b"ab\ncd\xC3\xA9f\xFFgh".to_vec()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid UTF-8 at byte 8 (line 2, column 5); save the file as UTF-8"
        );
        assert_eq!(utf8(b"\xEF\xBB\xBF(x)".to_vec()).unwrap(), "(x)");
    }
}
