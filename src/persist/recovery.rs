//! Recovery copies: unsaved work written aside while the user annotates.
//!
//! The workbench writes the project's current state to
//! `.marginalia/recovery/NAME.ron` beside the project file every 30 seconds
//! while there are unsaved changes. The project file itself is only written
//! when the user saves. After a crash, opening the project finds the copy
//! and offers to restore it, showing how it differs from the saved file. A
//! clean save, or discarding the changes, removes the copy.
//!
//! The copy is an ordinary project file whose document paths stay relative
//! to the project file (not to the recovery folder), so it is read with the
//! project's folder as base.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::load::{LoadError, Loaded, base_dir, parse};
use super::{format, save::write_atomic, state_dir, textfile};
use crate::model::Project;

/// Where the recovery copy of the project at `project_path` is kept.
pub fn recovery_path(project_path: &Path) -> PathBuf {
    let name = recovery_name(project_path);
    state_dir::path(project_path, &["recovery"]).join(name)
}

fn recovery_name(project_path: &Path) -> std::ffi::OsString {
    project_path.file_name().map(|n| n.to_owned()).unwrap_or_default()
}

/// Writes the recovery copy of `project` (atomically, without backup).
pub fn write_recovery(project: &Project, project_path: &Path) -> std::io::Result<()> {
    let path = state_dir::create(project_path, &["recovery"])?.join(recovery_name(project_path));
    write_atomic(&path, format::to_string(project).as_bytes(), false)
}

/// Writes recovery copies on a thread, one at a time, so that serialising
/// a corpus (a fifth of a second for 500,000 annotations) never holds up
/// a frame. It is given a clone of the project, which costs little: the
/// annotations are shared until they change.
#[derive(Debug, Default)]
pub struct RecoveryWriter {
    /// The history state being written, and the thread writing it.
    pending: Option<(u64, std::thread::JoinHandle<std::io::Result<()>>)>,
}

impl RecoveryWriter {
    /// True while a copy is being written.
    pub fn busy(&self) -> bool {
        self.pending.as_ref().is_some_and(|(_, h)| !h.is_finished())
    }

    /// Starts writing `project` (at history state `state`) as the recovery
    /// copy of `project_path`; returns the outcome of the previous write if
    /// it had not been collected. Written here and now if no thread can be
    /// started.
    pub fn start(&mut self, project: Project, project_path: PathBuf, state: u64) -> Option<(u64, std::io::Result<()>)> {
        let previous = self.finish();
        let spawned = std::thread::Builder::new()
            .name("recovery copy".into())
            .spawn(move || write_recovery(&project, &project_path));
        match spawned {
            Ok(handle) => {
                self.pending = Some((state, handle));
                previous
            }
            Err(e) => Some((state, Err(e))),
        }
    }

    /// The outcome of the last write, once it is done (without waiting).
    pub fn poll(&mut self) -> Option<(u64, std::io::Result<()>)> {
        if self.busy() { None } else { self.finish() }
    }

    /// Waits for the write in progress, if any, and returns its outcome.
    pub fn finish(&mut self) -> Option<(u64, std::io::Result<()>)> {
        let (state, handle) = self.pending.take()?;
        let result = handle
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the thread writing the recovery copy failed")));
        Some((state, result))
    }
}

impl Drop for RecoveryWriter {
    /// A copy being written when the workbench closes is finished, not cut off.
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

/// Reads the recovery copy, if there is one.
pub fn read_recovery(project_path: &Path) -> Result<Option<Loaded>, LoadError> {
    let path = recovery_path(project_path);
    state_dir::check_no_links(project_path, &["recovery"]).map_err(|source| LoadError::Io {
        path: path.clone(),
        source,
    })?;
    state_dir::check_file(&path).map_err(|source| LoadError::Io {
        path: path.clone(),
        source,
    })?;
    let source = match super::safe_read::read_utf8(&path, super::safe_read::MAX_PROJECT_BYTES) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(LoadError::Io { path, source }),
    };
    let base = base_dir(project_path);
    parse(&source, &path, &|rel, _hash| textfile::read_text_file(&base.join(rel))).map(Some)
}

/// Removes the recovery copy (no error if there is none).
pub fn remove_recovery(project_path: &Path) -> std::io::Result<()> {
    state_dir::check_no_links(project_path, &["recovery"])?;
    let dir = state_dir::path(project_path, &["recovery"]);
    let name = recovery_name(project_path);
    state_dir::remove_file_in(&dir, &name.to_string_lossy())
}

/// How a recovered project differs from the saved one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecoverySummary {
    /// Annotations only in the recovery copy.
    pub added: usize,
    /// Annotations only in the saved file.
    pub removed: usize,
    /// Annotations in both whose label, span, note or other field differs.
    pub changed: usize,
    /// Other differences, in words (labels, documents, statuses, name).
    pub other: Vec<String>,
}

impl RecoverySummary {
    /// True when the copy holds nothing the saved file lacks.
    pub fn is_empty(&self) -> bool {
        self.added == 0 && self.removed == 0 && self.changed == 0 && self.other.is_empty()
    }
}

/// Compares the saved project with the recovered one.
pub fn summarize(saved: &Project, recovered: &Project) -> RecoverySummary {
    let before: HashMap<_, _> = saved.annotations().iter().map(|a| (a.id, a)).collect();
    let mut summary = RecoverySummary::default();
    let mut seen = 0;
    for a in recovered.annotations() {
        match before.get(&a.id) {
            None => summary.added += 1,
            Some(old) => {
                seen += 1;
                if *old != a {
                    summary.changed += 1;
                }
            }
        }
    }
    summary.removed = before.len() - seen;
    if saved.schema != recovered.schema {
        summary.other.push("the labels differ".to_owned());
    }
    let ids = |p: &Project| p.documents.iter().map(|d| d.id.clone()).collect::<Vec<_>>();
    if ids(saved) != ids(recovered) {
        summary.other.push("the documents differ".to_owned());
    } else if saved
        .documents
        .iter()
        .zip(&recovered.documents)
        .any(|(a, b)| a.status != b.status)
    {
        summary.other.push("document statuses differ".to_owned());
    }
    if saved.name != recovered.name {
        summary.other.push(format!("the project is named {:?}", recovered.name));
    }
    if ids(saved) == ids(recovered)
        && saved
            .documents
            .iter()
            .zip(&recovered.documents)
            .any(|(a, b)| a.attrs != b.attrs || a.title != b.title)
    {
        summary.other.push("document titles or metadata differ".to_owned());
    }
    if saved.relations() != recovered.relations() {
        summary.other.push(format!(
            "the relations differ ({} saved, {} in the copy)",
            saved.relations().len(),
            recovered.relations().len()
        ));
    }
    // The suggestion layer is work too: a gazetteer's run, rejections.
    let sc = crate::diff::SuggestionCounts::between(saved.suggestions(), recovered.suggestions());
    if sc != crate::diff::SuggestionCounts::default() {
        summary.other.push(format!(
            "suggestions: {} added, {} accepted or cleared, {} rejected, {} reopened",
            sc.added, sc.removed, sc.rejected, sc.reopened
        ));
    }
    if saved.orphans != recovered.orphans {
        summary.other.push("the orphaned tags differ".to_owned());
    }
    // Whatever else a copy holds that the file does not (a note on a
    // relation, an attribute declaration's order): never silently lost.
    if summary.is_empty() && format::to_string(saved) != format::to_string(recovered) {
        summary.other.push("other changes".to_owned());
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{Command, new_annotation};
    use crate::model::{Document, Status, Text, Timestamp};

    #[test]
    fn recovery_copies_round_trip_and_summarize() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("d.txt"), "Le cessez-le-feu de Bichkek").unwrap();
        let path = dir.path().join("p.ron");
        let mut saved = Project::new("p");
        saved.documents.push(Document::new(
            "d",
            "D",
            "d.txt",
            Text::new("Le cessez-le-feu de Bichkek"),
        ));
        let at = Timestamp::from_unix(0);
        let a = new_annotation(&saved, "d", 3..16, "event", "ana", at).unwrap();
        let b = new_annotation(&saved, "d", 20..27, "actor", "ana", at).unwrap();
        Command::AddAnnotations(vec![a.clone(), b.clone()])
            .apply(&mut saved)
            .unwrap();
        super::super::save(&saved, &path).unwrap();
        assert!(read_recovery(&path).unwrap().is_none());

        let mut work = saved.clone();
        let c = new_annotation(&work, "d", 0..2, "claim", "ana", at).unwrap();
        Command::Batch(vec![
            Command::AddAnnotations(vec![c]),
            Command::DeleteAnnotations(vec![b.id]),
            Command::SetNote {
                id: a.id,
                note: "Bishkek Protocol".into(),
                at,
            },
            Command::SetStatus {
                doc: "d".into(),
                status: Status::Done,
            },
        ])
        .apply(&mut work)
        .unwrap();
        write_recovery(&work, &path).unwrap();
        assert!(recovery_path(&path).starts_with(dir.path().join(".marginalia")));
        let recovered = read_recovery(&path).unwrap().unwrap();
        assert!(recovered.problems.is_empty(), "{:?}", recovered.problems);
        assert_eq!(recovered.project, work);
        assert_eq!(
            summarize(&saved, &recovered.project),
            RecoverySummary {
                added: 1,
                removed: 1,
                changed: 1,
                other: vec!["document statuses differ".into()]
            }
        );
        assert!(summarize(&saved, &saved).is_empty());
        // Work on the suggestion layer alone (a gazetteer's run, a
        // rejection) is offered back too, as is a document's metadata.
        let mut suggested = saved.clone();
        let s = crate::model::Suggestion {
            doc: "d".into(),
            start: 20,
            end: 27,
            label: "event".into(),
            text: "Bichkek".into(),
            source: "gazetteer:g.tsv".into(),
            pattern: "Bichkek".into(),
            entity: None,
            rejected: false,
        };
        Command::AddSuggestions(vec![s.clone()]).apply(&mut suggested).unwrap();
        Command::RestoreSuggestions(vec![crate::model::Suggestion { rejected: true, ..s }])
            .apply(&mut suggested)
            .unwrap();
        assert_eq!(
            summarize(&saved, &suggested).other,
            ["suggestions: 1 added, 0 accepted or cleared, 0 rejected, 0 reopened"]
        );
        let mut described = saved.clone();
        described.documents[0]
            .attrs
            .insert("outlet".into(), crate::model::AttrValue::Text("Le Monde".into()));
        assert_eq!(
            summarize(&saved, &described).other,
            ["document titles or metadata differ"]
        );
        // The project file was never touched.
        assert_eq!(crate::persist::open(&path).unwrap(), saved);
        remove_recovery(&path).unwrap();
        remove_recovery(&path).unwrap();
        assert!(read_recovery(&path).unwrap().is_none());
    }
}
