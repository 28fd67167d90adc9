//! What an adjudication remembers beside its gold project.
//!
//! Accepted annotations carry their provenance in the gold project itself;
//! a "reject both" leaves nothing there. So that an adjudication continued
//! another day does not offer rejected disagreements again, the rejected
//! pairs (their ids in A's and B's files) are kept in
//! `.marginalia/review/NAME.rejected.json` beside the gold project, written
//! when the gold project is saved. Like the history and recovery copies,
//! it is local state (`.marginalia/` is not meant for git).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::save::write_atomic;
use super::state_dir;

/// One rejected pair: the ids of A's and B's annotations (either may be absent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub a: Option<String>,
    pub b: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct File {
    rejected: Vec<Rejection>,
}

/// Where the rejections of the gold project at `project_path` are kept.
pub fn rejections_path(project_path: &Path) -> PathBuf {
    let mut name = project_path.file_name().map(|n| n.to_owned()).unwrap_or_default();
    name.push(".rejected.json");
    state_dir::path(project_path, &["review"]).join(name)
}

/// Reads the rejections kept for a gold project (none if there is no file).
pub fn read_rejections(project_path: &Path) -> std::io::Result<Vec<Rejection>> {
    let path = rejections_path(project_path);
    state_dir::check_no_links(project_path, &["review"])?;
    state_dir::check_file(&path)?;
    let text = match super::safe_read::read_utf8(&path, super::safe_read::MAX_PROJECT_BYTES) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let file: File = serde_json::from_str(&text)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {e}", path.display())))?;
    Ok(file.rejected)
}

/// Writes them (atomically); an empty list removes the file.
pub fn write_rejections(project_path: &Path, rejected: &[Rejection]) -> std::io::Result<()> {
    let path = rejections_path(project_path);
    state_dir::check_no_links(project_path, &["review"])?;
    if rejected.is_empty() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return state_dir::remove_file_in(&state_dir::path(project_path, &["review"]), &name);
    }
    state_dir::create(project_path, &["review"])?;
    let file = File {
        rejected: rejected.to_vec(),
    };
    let text = serde_json::to_string_pretty(&file).map_err(std::io::Error::other)?;
    write_atomic(&path, text.as_bytes(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejections_round_trip_and_an_empty_list_removes_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let gold = dir.path().join("gold.ron");
        assert_eq!(read_rejections(&gold).unwrap(), Vec::new());
        let list = vec![
            Rejection {
                a: Some("aaaaaaaaaaaa".into()),
                b: None,
            },
            Rejection {
                a: Some("bbbbbbbbbbbb".into()),
                b: Some("cccccccccccc".into()),
            },
        ];
        write_rejections(&gold, &list).unwrap();
        assert!(rejections_path(&gold).ends_with(".marginalia/review/gold.ron.rejected.json"));
        assert_eq!(read_rejections(&gold).unwrap(), list);
        write_rejections(&gold, &[]).unwrap();
        assert!(!rejections_path(&gold).exists());
        std::fs::create_dir_all(rejections_path(&gold).parent().unwrap()).unwrap();
        std::fs::write(rejections_path(&gold), "{oops").unwrap();
        let err = read_rejections(&gold).unwrap_err().to_string();
        assert!(err.contains("gold.ron.rejected.json"), "{err}");
    }
}
