//! Version references: naming a version of a project wherever a project
//! file is expected.
//!
//! - `PROJECT.ron`: the file as it is on disk;
//! - `PROJECT.ron@N`: the N-th snapshot of its history (1 is the oldest;
//!   negative numbers count back from the newest, `@-1` being the newest);
//! - `PROJECT.ron@git:REV`: the file at a git revision (`@git:HEAD~3`,
//!   `@git:main`), read through the `git` command line.
//!
//! A snapshot's documents are read from the history's text store (the exact
//! texts it was saved with); a git revision's from git at that revision.
//! Either falls back to the files on disk when the text is not there.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::history::{HistoryError, VersionHistory};
use super::load::{LoadError, Loaded, base_dir, parse};
use super::textfile::{self, Decoded};

/// A version of a project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionRef {
    /// The file on disk.
    File(PathBuf),
    /// A snapshot of the history (1 = oldest, -1 = newest).
    Snapshot(PathBuf, i64),
    /// The file at a git revision.
    Git(PathBuf, String),
}

/// Why a version could not be read.
#[derive(Debug, thiserror::Error)]
pub enum VersionError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error("cannot run git ({0}); is git installed and on the PATH?")]
    GitMissing(std::io::Error),
    #[error("git: {0}")]
    Git(String),
    #[error("{0}")]
    BadReference(String),
}

impl VersionRef {
    /// Reads `PROJECT.ron`, `PROJECT.ron@N` or `PROJECT.ron@git:REV`. A
    /// file that exists under the whole name is that file, and an `@`
    /// followed by a path (`ana@uni/p.ron`) is part of the file name; any
    /// other `@…` (`@abc`, `@`, `@1.5`) is a malformed reference, said so.
    /// A git revision may not start with `-`: git would read it as an
    /// option (`@git:--output=x` would write a file).
    pub fn parse(s: &str) -> Result<VersionRef, VersionError> {
        if Path::new(s).exists() {
            return Ok(VersionRef::File(PathBuf::from(s)));
        }
        // A revision may hold '@' itself (`HEAD@{1}`, `@{u}`): the first
        // "@git:" ends the path.
        let split = s
            .find("@git:")
            .map(|i| (&s[..i], &s[i + 1..]))
            .or_else(|| s.rsplit_once('@'));
        let Some((path, suffix)) = split else {
            return Ok(VersionRef::File(PathBuf::from(s)));
        };
        if !suffix.starts_with("git:") && suffix.contains(['/', '\\']) {
            return Ok(VersionRef::File(PathBuf::from(s)));
        }
        let bad = |why: &str| {
            Err(VersionError::BadReference(format!(
                "{s:?} is not a version reference: {why} (use PROJECT.ron@N for a saved version, @-1 for the newest, or PROJECT.ron@git:REV)"
            )))
        };
        if let Some(rev) = suffix.strip_prefix("git:") {
            return match rev {
                "" => bad("the git revision is missing"),
                r if r.starts_with('-') => bad("a git revision cannot start with '-'"),
                r => Ok(VersionRef::Git(PathBuf::from(path), r.to_owned())),
            };
        }
        match suffix.parse::<i64>() {
            Ok(0) => bad("versions are numbered from 1"),
            Ok(n) => Ok(VersionRef::Snapshot(PathBuf::from(path), n)),
            Err(_) => bad(&format!("{suffix:?} is not a version number")),
        }
    }

    /// The project file the reference is about.
    pub fn project_path(&self) -> &Path {
        match self {
            VersionRef::File(p) | VersionRef::Snapshot(p, _) | VersionRef::Git(p, _) => p,
        }
    }

    /// The project file's text at this version.
    pub fn text(&self) -> Result<String, VersionError> {
        match self {
            VersionRef::File(path) => {
                super::safe_read::read_utf8(path, super::safe_read::MAX_PROJECT_BYTES).map_err(|source| {
                    VersionError::Load(LoadError::Io {
                        path: path.clone(),
                        source,
                    })
                })
            }
            VersionRef::Snapshot(path, n) => {
                let history = VersionHistory::of(path);
                Ok(history.read(&history.version(*n)?)?)
            }
            VersionRef::Git(path, rev) => {
                let (root, rel) = git_location(path)?;
                git_show(&root, rev, &rel)
            }
        }
    }

    /// Reads the version.
    pub fn load(&self) -> Result<Loaded, VersionError> {
        match self {
            VersionRef::File(path) => Ok(super::load(path)?),
            VersionRef::Snapshot(path, n) => {
                let history = VersionHistory::of(path);
                let version = history.version(*n)?;
                let text = history.read(&version)?;
                let base = base_dir(path);
                let name = PathBuf::from(self.to_string());
                Ok(parse(&text, &name, &|rel, hash| match history.text(hash) {
                    Some(text) => Ok(plain(text)),
                    None => textfile::read_text_file(&base.join(rel)),
                })?)
            }
            VersionRef::Git(path, rev) => {
                let (root, rel) = git_location(path)?;
                let text = git_show(&root, rev, &rel)?;
                let project_dir = rel.parent().map(Path::to_path_buf).unwrap_or_default();
                let base = base_dir(path);
                let name = PathBuf::from(self.to_string());
                Ok(parse(&text, &name, &|doc_rel, _hash| {
                    let in_repo = normalise(&project_dir.join(doc_rel));
                    match git_show(&root, rev, &in_repo) {
                        Ok(text) => Ok(plain(text)),
                        Err(_) => textfile::read_text_file(&base.join(doc_rel)),
                    }
                })?)
            }
        }
    }
}

impl std::fmt::Display for VersionRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VersionRef::File(p) => write!(f, "{}", p.display()),
            VersionRef::Snapshot(p, n) => write!(f, "{}@{n}", p.display()),
            VersionRef::Git(p, rev) => write!(f, "{}@git:{rev}", p.display()),
        }
    }
}

/// A text known to be UTF-8 (from the history or git, as saved).
fn plain(text: String) -> Decoded {
    Decoded {
        text,
        encoding: "UTF-8",
        bom: false,
        guessed: false,
        replaced: false,
    }
}

/// The repository root and the file's path inside it.
fn git_location(path: &Path) -> Result<(PathBuf, PathBuf), VersionError> {
    let dir = base_dir(path);
    let root = PathBuf::from(git(&dir, &["rev-parse", "--show-toplevel"])?.trim_end());
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let file = std::fs::canonicalize(path).map_err(|e| VersionError::Git(format!("{}: {e}", path.display())))?;
    let rel = file
        .strip_prefix(&root)
        .map_err(|_| {
            VersionError::Git(format!(
                "{} is not inside the repository {}",
                path.display(),
                root.display()
            ))
        })?
        .to_owned();
    Ok((root, rel))
}

/// `git show REV:PATH` (PATH relative to the repository root).
fn git_show(root: &Path, rev: &str, rel: &Path) -> Result<String, VersionError> {
    if rev.starts_with('-') {
        return Err(VersionError::BadReference(format!(
            "a git revision cannot start with '-': {rev:?}"
        )));
    }
    let spec = format!("{rev}:{}", rel.to_string_lossy().replace('\\', "/"));
    // Never an option, whatever the revision holds.
    git(root, &["show", "--end-of-options", &spec])
}

fn git(dir: &Path, args: &[&str]) -> Result<String, VersionError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(VersionError::GitMissing)?;
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        return Err(VersionError::Git(err.trim().to_owned()));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| VersionError::Git(format!("git {} did not print UTF-8", args.join(" "))))
}

/// Resolves `..` and `.` in a relative path without touching the disk.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse() {
        let parse = |s: &str| VersionRef::parse(s).unwrap();
        assert_eq!(parse("p.ron"), VersionRef::File("p.ron".into()));
        assert_eq!(parse("p.ron@3"), VersionRef::Snapshot("p.ron".into(), 3));
        assert_eq!(parse("p.ron@-1"), VersionRef::Snapshot("p.ron".into(), -1));
        assert_eq!(
            parse("dir/p.ron@git:HEAD~2"),
            VersionRef::Git("dir/p.ron".into(), "HEAD~2".into())
        );
        assert_eq!(parse("ana@uni/p.ron"), VersionRef::File("ana@uni/p.ron".into()));
        assert_eq!(
            parse("p.ron@git:HEAD@{1}"),
            VersionRef::Git("p.ron".into(), "HEAD@{1}".into())
        );
        assert_eq!(parse("p.ron@git:@{u}"), VersionRef::Git("p.ron".into(), "@{u}".into()));
        assert_eq!(parse("p.ron@-1").to_string(), "p.ron@-1");
    }

    #[test]
    fn malformed_references_and_option_like_revisions_are_refused() {
        for (s, why) in [
            ("p.ron@git:", "revision is missing"),
            ("p.ron@git:--output=x.txt", "cannot start with '-'"),
            ("p.ron@abc", "\"abc\" is not a version number"),
            ("p.ron@", "\"\" is not a version number"),
            ("p.ron@1.5", "\"1.5\" is not a version number"),
            ("p.ron@0", "numbered from 1"),
        ] {
            let e = VersionRef::parse(s).unwrap_err().to_string();
            assert!(e.contains(why) && e.contains(s), "{s}: {e}");
        }
        let dir = tempfile::tempdir().unwrap();
        let e = git_show(dir.path(), "--output=x.txt", Path::new("p.ron")).unwrap_err();
        assert!(matches!(e, VersionError::BadReference(_)), "{e}");
        assert!(!dir.path().join("x.txt:p.ron").exists());
    }

    #[test]
    fn paths_are_normalised_inside_the_repository() {
        assert_eq!(
            normalise(Path::new("projects/../corpus/./a.txt")),
            PathBuf::from("corpus/a.txt")
        );
    }
}
