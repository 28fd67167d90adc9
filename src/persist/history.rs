//! Version history: a snapshot of the project at every save.
//!
//! Snapshots live beside the project in `.marginalia/history/<stem>/`:
//!
//! - `versions.ron`: the index (time, author, message, annotation count and
//!   hash of each snapshot), rewritten atomically at every save;
//! - `<time>.full.gz`: a whole project file, gzip-compressed (a keyframe);
//! - `<time>.delta.gz`: a project file as line edits against the latest
//!   keyframe (project files hold one annotation per line, so a save that
//!   changed fifty annotations is a delta of fifty lines);
//! - `texts/<sha256>.txt.gz`: every document text the project was ever
//!   saved with, once each, so that a document changed on disk can be
//!   re-anchored from the text its annotations were made on.
//!
//! A save over a file whose content the history does not hold records that
//! file first ([`VersionHistory::record_found`]): a project received from
//! elsewhere starts its history in the state it came in, and a version
//! another program wrote (a `git pull` the user saved over) is kept.
//!
//! A snapshot identical to the previous one is not stored again. A new
//! keyframe is written when the delta against the current one would exceed
//! a quarter of its size.
//!
//! Pruning, applied at every save so that a year of hourly saves stays
//! small (for a 100,000-annotation project, about a hundred snapshots,
//! most of them deltas of a few kilobytes):
//!
//! - never pruned: the newest snapshot, and every snapshot saved with a
//!   message ("Save version with note…");
//! - every snapshot of the last 24 hours is kept;
//! - then the last snapshot of each day for 30 days,
//! - then the last snapshot of each week (Monday to Sunday, UTC) for a year,
//! - then the last snapshot of each month;
//! - a keyframe that a kept delta is stored against is kept with it.
//!
//! Document texts are never pruned.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::safe_read::{self, MAX_PROJECT_BYTES};
use super::save::{write_all_durably, write_atomic};
use super::state_dir;
use crate::model::{Project, Text, Timestamp, content_hash};

const INDEX: &str = "versions.ron";
const DELTA_MAGIC: &str = "MARGINALIA-DELTA 1\n";

/// The message of the snapshot of a project file as found before its first
/// save (see [`VersionHistory::record_found`]).
pub const FOUND_MESSAGE: &str = "as found before the first save";

/// The message of the snapshot of a project file another program changed,
/// kept before a save over it (see [`VersionHistory::record_found`]).
pub const CHANGED_MESSAGE: &str = "as found on disk, changed outside Marginalia, before a save over it";

/// One stored snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    /// File name in the history folder.
    pub file: String,
    /// The keyframe this delta applies to (`None` for a keyframe).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    pub time: Timestamp,
    pub author: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    pub annotations: usize,
    /// Hash of the project file's text.
    pub hash: String,
}

/// Why the history could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: the version index is damaged: {message}", path.display())]
    BadIndex { path: PathBuf, message: String },
    #[error("{}: the snapshot is damaged", path.display())]
    BadSnapshot { path: PathBuf },
    #[error("there is no version {requested}; the history has {count} version(s)")]
    NoSuchVersion { requested: i64, count: usize },
}

/// The history of one project file.
#[derive(Clone, Debug)]
pub struct VersionHistory {
    dir: PathBuf,
    /// The project file, whose folder holds `.marginalia/`.
    project: PathBuf,
    /// The history's folder name under `.marginalia/history/`.
    stem: String,
}

impl VersionHistory {
    /// The history of the project saved at `project_path`.
    pub fn of(project_path: &Path) -> VersionHistory {
        // Saved through a link, the file is its target: one history.
        let resolved = super::save::resolve_link(project_path).unwrap_or_else(|_| project_path.to_owned());
        let project_path = resolved.as_path();
        let stem = project_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| state_dir::is_plain_name(s))
            .unwrap_or_else(|| "project".to_owned());
        VersionHistory {
            dir: state_dir::path(project_path, &["history", &stem]),
            project: project_path.to_owned(),
            stem,
        }
    }

    /// The folder the history is kept in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn io<T>(&self, path: &Path, r: std::io::Result<T>) -> Result<T, HistoryError> {
        r.map_err(|source| HistoryError::Io {
            path: path.to_owned(),
            source,
        })
    }

    /// The stored versions, oldest first (empty if there is no history).
    pub fn versions(&self) -> Result<Vec<Version>, HistoryError> {
        let path = self.dir.join(INDEX);
        self.io(
            &self.dir,
            state_dir::check_no_links(&self.project, &["history", &self.stem]),
        )?;
        self.io(&path, state_dir::check_file(&path))?;
        let text = match safe_read::read_utf8(&path, MAX_PROJECT_BYTES) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(HistoryError::Io { path, source }),
        };
        parse_index(&text, &path)
    }
}

/// Reads a history index (`versions.ron`; `path` names it in errors). The
/// index comes with the project folder, so it is untrusted: a file name in
/// it must not lead outside the history folder (pruning deletes by name).
pub fn parse_index(text: &str, path: &Path) -> Result<Vec<Version>, HistoryError> {
    let bad = |message: String| HistoryError::BadIndex {
        path: path.to_owned(),
        message,
    };
    let versions: Vec<Version> = ron::from_str(text).map_err(|e| bad(e.to_string()))?;
    let names_snapshot =
        |name: &str, kinds: &[&str]| state_dir::is_plain_name(name) && kinds.iter().any(|k| name.ends_with(k));
    for (i, v) in versions.iter().enumerate() {
        let wrong = if !names_snapshot(&v.file, &[".full.gz", ".delta.gz"]) {
            Some(v.file.as_str())
        } else {
            v.base.as_deref().filter(|b| !names_snapshot(b, &[".full.gz"]))
        };
        if let Some(name) = wrong {
            return Err(bad(format!(
                "version {} names {name:?}, which is not a snapshot file of this folder",
                i + 1
            )));
        }
    }
    Ok(versions)
}

impl VersionHistory {
    /// The version numbered `n`: 1 is the oldest, -1 the newest.
    pub fn version(&self, n: i64) -> Result<Version, HistoryError> {
        let versions = self.versions()?;
        let count = versions.len();
        let index = match n {
            n if n > 0 => usize::try_from(n - 1).ok(),
            n if n < 0 => usize::try_from(n.unsigned_abs())
                .ok()
                .and_then(|k| count.checked_sub(k)),
            _ => None,
        };
        index
            .and_then(|i| versions.get(i).cloned())
            .ok_or(HistoryError::NoSuchVersion { requested: n, count })
    }

    /// The project file text of a version.
    pub fn read(&self, version: &Version) -> Result<String, HistoryError> {
        let text = self.read_gz(&version.file)?;
        match &version.base {
            None => Ok(text),
            Some(base) => {
                let base_text = self.read_gz(base)?;
                apply_delta(&base_text, &text).ok_or_else(|| HistoryError::BadSnapshot {
                    path: self.dir.join(&version.file),
                })
            }
        }
    }

    /// A document text stored by its hash (`sha256:…`), if the history has it.
    pub fn text(&self, hash: &str) -> Option<String> {
        self.read_gz(&text_file(hash)?).ok()
    }

    fn read_gz(&self, file: &str) -> Result<String, HistoryError> {
        let path = self.dir.join(file);
        self.io(
            &self.dir,
            state_dir::check_no_links(&self.project, &["history", &self.stem]),
        )?;
        self.io(&path, state_dir::check_file(&path))?;
        let bytes = self.io(&path, safe_read::read_bytes(&path, MAX_PROJECT_BYTES))?;
        gunzip(&bytes).ok_or(HistoryError::BadSnapshot { path })
    }

    fn write_gz(&self, file: &str, text: &str) -> Result<(), HistoryError> {
        let path = self.dir.join(file);
        let bytes = self.gz_bytes(file, text)?;
        self.io(&path, write_atomic(&path, &bytes, false))
    }

    /// `text` compressed for `file` of the history, whose folder is made
    /// (checked for links) on the way.
    fn gz_bytes(&self, file: &str, text: &str) -> Result<Vec<u8>, HistoryError> {
        let path = self.dir.join(file);
        let sub: &[&str] = if file.contains('/') { &["texts"] } else { &[] };
        let parts: Vec<&str> = ["history", self.stem.as_str()].iter().chain(sub).copied().collect();
        self.io(&self.dir, state_dir::create(&self.project, &parts))?;
        let mut encoder = GzEncoder::new(Vec::with_capacity(text.len() / 4), Compression::new(4));
        self.io(&path, encoder.write_all(text.as_bytes()))?;
        self.io(&path, encoder.finish())
    }

    /// Before a save over the project file: records the file as it is on
    /// disk when the history does not hold it (at its modification time,
    /// with a note, so that pruning keeps it). That is the state a project
    /// was received in (a colleague's copy, a git checkout, the sample;
    /// note [`FOUND_MESSAGE`]) or one another program wrote since the last
    /// save (a `git pull` the user chose to save over; note
    /// [`CHANGED_MESSAGE`]). Does nothing when there is no file, when the
    /// history holds its content already, or when the file is not a
    /// project this version can read (the save keeps it as `.bak`).
    pub fn record_found(&self, project_path: &Path) -> Result<Option<Version>, HistoryError> {
        let Ok(text) = safe_read::read_utf8(project_path, MAX_PROJECT_BYTES) else {
            return Ok(None);
        };
        let versions = self.versions()?;
        let hash = content_hash(&text);
        if versions.iter().any(|v| v.hash == hash) {
            return Ok(None);
        }
        let Ok(project) = super::load::parse_file_only(&text, project_path) else {
            return Ok(None);
        };
        let time = std::fs::metadata(project_path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .and_then(|d| i64::try_from(d.as_secs()).ok())
            .map_or_else(Timestamp::now, Timestamp::from_unix);
        let message = if versions.is_empty() {
            FOUND_MESSAGE
        } else {
            CHANGED_MESSAGE
        };
        self.record(&text, &project, "", message, time)
    }

    /// Records a snapshot of `project`, whose file text is `text` (as just
    /// saved). Returns the new version, or `None` when the state equals the
    /// newest snapshot (a message is then added to that snapshot).
    pub fn record(
        &self,
        text: &str,
        project: &Project,
        author: &str,
        message: &str,
        now: Timestamp,
    ) -> Result<Option<Version>, HistoryError> {
        self.record_parts(
            text,
            &Snapshot::texts_of(project),
            project.annotations().len(),
            author,
            message,
            now,
        )
    }

    /// Records `snapshot` (what [`VersionHistory::record`] reads of a
    /// project, taken apart so that it can be recorded on another thread).
    pub fn record_snapshot(&self, snapshot: &Snapshot) -> Result<Option<Version>, HistoryError> {
        self.record_parts(
            &snapshot.text,
            &snapshot.texts,
            snapshot.annotations,
            &snapshot.author,
            &snapshot.message,
            snapshot.at,
        )
    }

    fn record_parts(
        &self,
        text: &str,
        texts: &[(String, Text)],
        annotations: usize,
        author: &str,
        message: &str,
        now: Timestamp,
    ) -> Result<Option<Version>, HistoryError> {
        let mut versions = self.versions()?;
        // Texts first, even when the file equals the newest snapshot: that
        // one may have been recorded without them (a file as found). All
        // made durable at once, before the index that names them.
        let mut new_texts: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        for (hash, text) in texts {
            if let Some(file) = text_file(hash)
                && std::fs::symlink_metadata(self.dir.join(&file)).is_err()
                && text.content_hash() == hash
            {
                new_texts.push((self.dir.join(&file), self.gz_bytes(&file, text.as_str())?));
            }
        }
        if let Some((first, _)) = new_texts.first() {
            self.io(first, write_all_durably(&new_texts))?;
        }
        let hash = content_hash(text);
        if let Some(last) = versions.last_mut()
            && last.hash == hash
        {
            if !message.is_empty() {
                if !last.message.is_empty() {
                    last.message.push_str("; ");
                }
                last.message.push_str(message);
                self.write_index(&versions)?;
            }
            return Ok(None);
        }
        let stamp = file_stamp(now, &versions);
        let keyframe = versions.iter().rev().find(|v| v.base.is_none()).cloned();
        let delta = match &keyframe {
            Some(k) => {
                let base = self.read_gz(&k.file)?;
                let delta = make_delta(&base, text);
                (delta.len() < base.len() / 4).then_some((k.file.clone(), delta))
            }
            None => None,
        };
        let version = match delta {
            Some((base, delta)) => {
                let file = format!("{stamp}.delta.gz");
                self.write_gz(&file, &delta)?;
                Version {
                    file,
                    base: Some(base),
                    time: now,
                    author: author.to_owned(),
                    message: message.to_owned(),
                    annotations,
                    hash,
                }
            }
            None => {
                let file = format!("{stamp}.full.gz");
                self.write_gz(&file, text)?;
                Version {
                    file,
                    base: None,
                    time: now,
                    author: author.to_owned(),
                    message: message.to_owned(),
                    annotations,
                    hash,
                }
            }
        };
        versions.push(version.clone());
        let keep = prune_plan(&versions, now);
        let (kept, dropped): (Vec<_>, Vec<_>) = versions.into_iter().zip(keep).partition(|(_, k)| *k);
        let kept: Vec<Version> = kept.into_iter().map(|(v, _)| v).collect();
        self.write_index(&kept)?;
        for (v, _) in dropped {
            // The index no longer lists it: a failure to delete only wastes
            // space. The name was checked when the index was read, and
            // is checked again where it is deleted.
            let _ = state_dir::remove_file_in(&self.dir, &v.file);
        }
        Ok(Some(version))
    }

    fn write_index(&self, versions: &[Version]) -> Result<(), HistoryError> {
        let path = self.dir.join(INDEX);
        self.io(&self.dir, state_dir::create(&self.project, &["history", &self.stem]))?;
        let config = ron::ser::PrettyConfig::new().depth_limit(1).struct_names(false);
        let text = ron::ser::to_string_pretty(&versions, config).map_err(|e| HistoryError::BadIndex {
            path: path.clone(),
            message: e.to_string(),
        })?;
        self.io(&path, write_atomic(&path, text.as_bytes(), false))
    }
}

/// What a version snapshot records of a project: its file's text as
/// saved, its documents' texts, its annotation count, and who saved it.
/// The texts are shared, not copied: taking a snapshot of a corpus costs
/// little, and recording it (compressing, the delta) can run on a thread.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub text: std::sync::Arc<String>,
    /// (stored hash, text) of each document; only a text that matches its
    /// hash is recorded (checked when recorded, off the window's thread).
    pub texts: Vec<(String, Text)>,
    pub annotations: usize,
    pub author: String,
    pub message: String,
    pub at: Timestamp,
}

impl Snapshot {
    pub fn of(text: std::sync::Arc<String>, project: &Project, author: &str, message: &str, at: Timestamp) -> Snapshot {
        Snapshot {
            text,
            texts: Snapshot::texts_of(project),
            annotations: project.annotations().len(),
            author: author.to_owned(),
            message: message.to_owned(),
            at,
        }
    }

    fn texts_of(project: &Project) -> Vec<(String, Text)> {
        project
            .documents
            .iter()
            .map(|d| (d.hash.clone(), d.text.clone()))
            .collect()
    }
}

/// `texts/<hex>.txt.gz` for a `sha256:<hex>` hash (None for other forms).
fn text_file(hash: &str) -> Option<String> {
    let hex = hash.strip_prefix("sha256:")?;
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(|| format!("texts/{hex}.txt.gz"))
}

/// A file stamp for `now` that no stored version uses yet.
fn file_stamp(now: Timestamp, versions: &[Version]) -> String {
    let base = now.to_string().replace(':', "-");
    let mut stamp = base.clone();
    let mut n = 2;
    while versions.iter().any(|v| v.file.starts_with(&format!("{stamp}."))) {
        stamp = format!("{base}-{n}");
        n += 1;
    }
    stamp
}

/// Line edits turning `base` into `text`: `=start,len` copies lines of the
/// base, `+bytes` is followed by that many bytes of new text.
fn make_delta(base: &str, text: &str) -> String {
    let old: Vec<&str> = base.split_inclusive('\n').collect();
    let new: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::from(DELTA_MAGIC);
    for op in capture_diff_slices(Algorithm::Myers, &old, &new) {
        match op {
            DiffOp::Equal { old_index, len, .. } => out.push_str(&format!("={old_index},{len}\n")),
            DiffOp::Delete { .. } => {}
            DiffOp::Insert { new_index, new_len, .. } | DiffOp::Replace { new_index, new_len, .. } => {
                let inserted = new[new_index..new_index + new_len].concat();
                out.push_str(&format!("+{}\n", inserted.len()));
                out.push_str(&inserted);
            }
        }
    }
    out
}

/// The text of a gzip-compressed snapshot, or `None` if it is damaged, not
/// UTF-8 or inflates past [`MAX_PROJECT_BYTES`] (a small hostile file may
/// inflate to gigabytes).
pub fn gunzip(bytes: &[u8]) -> Option<String> {
    let mut text = String::new();
    GzDecoder::new(bytes)
        .take(MAX_PROJECT_BYTES + 1)
        .read_to_string(&mut text)
        .ok()?;
    (text.len() as u64 <= MAX_PROJECT_BYTES).then_some(text)
}

/// Applies a delta made by [`make_delta`]; `None` if it is damaged.
pub fn apply_delta(base: &str, delta: &str) -> Option<String> {
    let old: Vec<&str> = base.split_inclusive('\n').collect();
    let mut rest = delta.strip_prefix(DELTA_MAGIC)?;
    let mut out = String::with_capacity(base.len());
    while !rest.is_empty() {
        let (line, after) = rest.split_once('\n')?;
        if let Some(copy) = line.strip_prefix('=') {
            let (start, len) = copy.split_once(',')?;
            let (start, len): (usize, usize) = (start.parse().ok()?, len.parse().ok()?);
            for l in old.get(start..start.checked_add(len)?)? {
                out.push_str(l);
            }
            // A hostile delta can copy the base many times over.
            if out.len() as u64 > MAX_PROJECT_BYTES {
                return None;
            }
            rest = after;
        } else if let Some(bytes) = line.strip_prefix('+') {
            let n: usize = bytes.parse().ok()?;
            out.push_str(after.get(..n)?);
            rest = &after[n..];
        } else {
            return None;
        }
    }
    Some(out)
}

/// Which versions to keep (see the module docs for the rule).
pub fn prune_plan(versions: &[Version], now: Timestamp) -> Vec<bool> {
    const DAY: i64 = 86_400;
    let n = versions.len();
    let mut keep = vec![false; n];
    let mut newest_in: std::collections::HashSet<(u8, i64)> = std::collections::HashSet::new();
    // Newest first, so the first version seen in a bucket is its newest.
    for i in (0..n).rev() {
        let v = &versions[i];
        let age = now.unix() - v.time.unix();
        let day = v.time.unix().div_euclid(DAY);
        let bucket = if age < DAY {
            None
        } else if age < 30 * DAY {
            Some((0, day))
        } else if age < 365 * DAY {
            // 1970-01-01 was a Thursday: shift so weeks start on Monday.
            Some((1, (day + 3).div_euclid(7)))
        } else {
            let (y, m) = year_month(v.time);
            Some((2, y * 12 + m))
        };
        keep[i] = i == n - 1 || !v.message.is_empty() || bucket.is_none_or(|b| newest_in.insert(b));
    }
    // Keyframes stay while a kept delta needs them.
    let needed: Vec<String> = (0..n)
        .filter(|&i| keep[i])
        .filter_map(|i| versions[i].base.clone())
        .collect();
    for (i, v) in versions.iter().enumerate() {
        if needed.contains(&v.file) {
            keep[i] = true;
        }
    }
    keep
}

fn year_month(t: Timestamp) -> (i64, i64) {
    time::OffsetDateTime::from_unix_timestamp(t.unix())
        .map(|d| (i64::from(d.year()), i64::from(u8::from(d.month()))))
        .unwrap_or((1970, 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{Command, new_annotation};
    use crate::model::{Document, Text};
    use crate::persist::format;

    #[test]
    fn deltas_round_trip() {
        let base = "(\n    a: 1,\n    b: 2,\n)\n";
        for text in ["(\n    a: 1,\n    b: 3,\n    c: 4,\n)\n", "", "(\n)", "x\ny"] {
            let d = make_delta(base, text);
            assert_eq!(apply_delta(base, &d).as_deref(), Some(text));
        }
        assert_eq!(apply_delta(base, "garbage"), None);
        assert_eq!(apply_delta(base, &format!("{DELTA_MAGIC}=0,99\n")), None);
    }

    fn project(dir: &Path) -> (Project, PathBuf) {
        std::fs::write(dir.join("d.txt"), "Stepanakert et Bakou").unwrap();
        let mut p = Project::new("p");
        p.documents
            .push(Document::new("d", "D", "d.txt", Text::new("Stepanakert et Bakou")));
        (p, dir.join("p.ron"))
    }

    #[test]
    fn snapshots_are_recorded_once_per_state_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let (mut p, path) = project(dir.path());
        let h = VersionHistory::of(&path);
        let t0 = Timestamp::from_unix(1_700_000_000);
        let first = h.record(&format::to_string(&p), &p, "ana", "", t0).unwrap().unwrap();
        assert!(first.base.is_none(), "the first snapshot is a keyframe");
        assert!(h.record(&format::to_string(&p), &p, "ana", "", t0).unwrap().is_none());
        // A note on an unchanged state is attached to the newest snapshot.
        assert!(
            h.record(&format::to_string(&p), &p, "ana", "relu", t0)
                .unwrap()
                .is_none()
        );
        assert_eq!(h.versions().unwrap()[0].message, "relu");

        let mut texts = vec![format::to_string(&p)];
        for i in 0..5 {
            let a = new_annotation(&p, "d", i..i + 3, "actor", "ana", t0).unwrap();
            Command::AddAnnotations(vec![a]).apply(&mut p).unwrap();
            let text = format::to_string(&p);
            h.record(
                &text,
                &p,
                "ana",
                "",
                Timestamp::from_unix(t0.unix() + 60 * (i as i64 + 1)),
            )
            .unwrap()
            .unwrap();
            texts.push(text);
        }
        let versions = h.versions().unwrap();
        assert_eq!(versions.len(), 6);
        for (v, text) in versions.iter().zip(&texts) {
            assert_eq!(&h.read(v).unwrap(), text);
        }
        assert!(
            versions[1..].iter().any(|v| v.base.is_some()),
            "small changes are stored as deltas"
        );
        assert_eq!(h.version(-1).unwrap(), versions[5]);
        assert_eq!(h.version(1).unwrap(), versions[0]);
        assert!(matches!(h.version(0), Err(HistoryError::NoSuchVersion { .. })));
        assert!(matches!(h.version(-7), Err(HistoryError::NoSuchVersion { .. })));
        assert_eq!(h.text(&p.documents[0].hash).as_deref(), Some("Stepanakert et Bakou"));
        assert_eq!(h.text("sha256:00"), None);
    }

    fn version(t: i64, message: &str, base: Option<&str>) -> Version {
        Version {
            file: format!("{t}.gz"),
            base: base.map(str::to_owned),
            time: Timestamp::from_unix(t),
            author: "a".into(),
            message: message.into(),
            annotations: 0,
            hash: String::new(),
        }
    }

    #[test]
    fn a_year_of_hourly_saves_is_pruned_to_about_a_hundred_snapshots() {
        let start = 1_700_000_000;
        let hours = 24 * 365;
        let mut versions: Vec<Version> = (0..hours).map(|h| version(start + h * 3600, "", None)).collect();
        versions[100].message = "avant l’accord inter-annotateurs".into();
        let now = Timestamp::from_unix(start + (hours - 1) * 3600);
        let keep = prune_plan(&versions, now);
        let kept = keep.iter().filter(|k| **k).count();
        assert!((90..=130).contains(&kept), "{kept} snapshots kept");
        assert!(keep[hours as usize - 1], "the newest is kept");
        assert!(keep[100], "a snapshot with a message is kept");
        assert!(
            keep[hours as usize - 24..].iter().all(|k| *k),
            "the last day is kept whole"
        );
    }

    #[test]
    fn keyframes_of_kept_deltas_are_kept() {
        let day = 86_400;
        // Two snapshots in one week, 200 days ago: the rule keeps the later.
        let alone = vec![
            version(0, "", None),
            version(3600, "", None),
            version(day * 200, "", None),
        ];
        assert_eq!(prune_plan(&alone, Timestamp::from_unix(day * 200)), [false, true, true]);
        // Unless the newest snapshot is a delta against the earlier one.
        let needed = vec![
            version(0, "", None),
            version(3600, "", None),
            version(day * 200, "", Some("0.gz")),
        ];
        assert_eq!(prune_plan(&needed, Timestamp::from_unix(day * 200)), [true, true, true]);
    }
}
