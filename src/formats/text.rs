//! Plain text import: `.txt` and `.md` files (or folders of them) become the
//! documents of a new project, without annotations.
//!
//! Files are decoded as the core's document import decodes them (byte
//! order marks, UTF-16, legacy encodings detected and reported), and each
//! document is written again, as UTF-8, beside the new project file.

use std::path::PathBuf;

use super::{FormatError, ImportOptions, Imported, Importer, Problems, Progress, ProjectBuilder, expand_inputs};
use crate::model::{Status, Text, guess_title};
use crate::persist::textfile::read_text_file;

pub struct PlainText;

impl Importer for PlainText {
    fn import(
        &self,
        inputs: &[PathBuf],
        options: &ImportOptions,
        progress: &Progress,
    ) -> Result<Imported, FormatError> {
        let files = expand_inputs(inputs, super::Format::Text.extensions())?;
        // Steps: files.
        progress.add_total(files.len() as u64);
        let mut builder = ProjectBuilder::new(&options.name, &options.author);
        builder.use_default_schema();
        let mut problems = Problems::new(options.lenient);
        let mut notes = Vec::new();
        for file in &files {
            progress.advance(1)?;
            let decoded = match read_text_file(file) {
                Ok(d) => d,
                Err(e) => {
                    problems.report(file, None, e.reason())?;
                    continue;
                }
            };
            let stem = file
                .file_stem()
                .map_or_else(|| "document".to_owned(), |s| s.to_string_lossy().into_owned());
            let title = guess_title(&decoded.text, &stem);
            if let Some(report) = decoded.report() {
                notes.push(format!("{}: {report}", file.display()));
            }
            if let Err(reason) = builder.add_document(&stem, &title, Text::new(decoded.text), Status::Todo) {
                problems.report(file, None, reason)?;
            }
        }
        Ok(Imported {
            project: builder.finish(),
            skipped: problems.skipped,
            notes,
        })
    }
}
