//! Reading source documents from disk, whatever their encoding.
//!
//! Researchers' corpora come as UTF-8 (with or without a byte order mark),
//! as Windows-1252 or Latin-1 exports from old word processors, or as UTF-16
//! from Windows tools. [`decode`] turns any of these into a Rust string and
//! says what it found, so the import can report it; binary files (PDFs, Word
//! documents) are refused rather than turned into mojibake. The decoding is
//! deterministic, so a document re-read at every load gives the same text
//! and the same hash. Line endings are kept exactly as they are.

use std::path::{Path, PathBuf};

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// Larger documents are refused: beyond this size a text is almost
/// certainly not a source document (and the GUI's memory budget assumes it).
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// How much of a file is inspected for binary content.
const SNIFF_BYTES: usize = 64 * 1024;

/// A decoded text and how it was decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// WHATWG name of the encoding (`UTF-8`, `windows-1252`, `UTF-16LE`, …).
    pub encoding: &'static str,
    /// True if the file started with a byte order mark (not part of the text).
    pub bom: bool,
    /// True if the encoding was guessed from the content rather than certain
    /// (valid UTF-8 and byte order marks are certain).
    pub guessed: bool,
    /// True if some bytes were invalid and replaced by U+FFFD.
    pub replaced: bool,
}

impl Decoded {
    /// A one-line account for import reports, or `None` for plain UTF-8.
    pub fn report(&self) -> Option<String> {
        if self.encoding == "UTF-8" && !self.bom && !self.replaced {
            return None;
        }
        let mut parts = vec![format!("decoded as {}", self.encoding)];
        if self.encoding == "windows-1252" {
            parts.push("a superset of Latin-1 / ISO-8859-1".to_owned());
        }
        if self.guessed {
            parts.push("detected from the content".to_owned());
        }
        if self.bom {
            parts.push("byte order mark removed".to_owned());
        }
        if self.replaced {
            parts.push("invalid bytes replaced by U+FFFD".to_owned());
        }
        Some(parts.join(", "))
    }
}

/// Why a file cannot be a document.
#[derive(Debug, thiserror::Error)]
pub enum TextFileError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is {size} bytes, more than the {limit}-byte limit for a document", path.display())]
    TooLarge { path: PathBuf, size: u64, limit: u64 },
    #[error("{} looks like a binary file ({why}), not text; convert it to .txt first", path.display())]
    Binary { path: PathBuf, why: &'static str },
}

impl TextFileError {
    /// What is wrong, without the path (for messages that name the file
    /// already, such as `file: reason`).
    pub fn reason(&self) -> String {
        match self {
            TextFileError::Io { source, .. } => source.to_string(),
            TextFileError::TooLarge { size, limit, .. } => {
                format!("it is {size} bytes, more than the {limit}-byte limit for a document")
            }
            TextFileError::Binary { why, .. } => {
                format!("it looks like a binary file ({why}), not text; convert it to .txt first")
            }
        }
    }
}

/// Reads and decodes the text file at `path`.
pub fn read_text_file(path: &Path) -> Result<Decoded, TextFileError> {
    let io = |source| TextFileError::Io {
        path: path.to_owned(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let size = meta.len();
    if meta.is_file() && size > MAX_DOCUMENT_BYTES {
        return Err(TextFileError::TooLarge {
            path: path.to_owned(),
            size,
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    let bytes = super::safe_read::read_bytes(path, MAX_DOCUMENT_BYTES).map_err(io)?;
    decode(&bytes).map_err(|why| TextFileError::Binary {
        path: path.to_owned(),
        why,
    })
}

/// Whether `text`, written as a UTF-8 document file, reads back as exactly
/// `text` (an import must never write a document the loader then refuses
/// or reads differently); `Err` says why not.
pub fn storable(text: &str) -> Result<(), String> {
    if text.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(format!(
            "the text is {} bytes, more than the {MAX_DOCUMENT_BYTES}-byte limit for a document",
            text.len()
        ));
    }
    match decode(text.as_bytes()) {
        Err(why) => Err(format!("the text would not read back as a document: {why}")),
        Ok(d) if d.text == text => Ok(()),
        Ok(_) if text.starts_with('\u{feff}') => Err(
            "the text starts with U+FEFF (a byte order mark), which is dropped when a document is read; remove it"
                .to_owned(),
        ),
        Ok(d) => Err(format!(
            "the text would read back differently (as {}); it holds NUL or control characters",
            d.encoding
        )),
    }
}

/// Decodes bytes as text; `Err` says why they look binary.
pub fn decode(bytes: &[u8]) -> Result<Decoded, &'static str> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, replaced) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return checked(Decoded {
            text: text.into_owned(),
            encoding: encoding.name(),
            bom: true,
            guessed: false,
            replaced,
        });
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        let (text, replaced) = encoding.decode_without_bom_handling(bytes);
        return checked(Decoded {
            text: text.into_owned(),
            encoding: encoding.name(),
            bom: false,
            guessed: true,
            replaced,
        });
    }
    if bytes[..bytes.len().min(SNIFF_BYTES)].contains(&0) {
        return Err("it contains NUL bytes");
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return checked(Decoded {
            text: text.to_owned(),
            encoding: UTF_8.name(),
            bom: false,
            guessed: false,
            replaced: false,
        });
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    let (text, replaced) = encoding.decode_without_bom_handling(bytes);
    checked(Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
        bom: false,
        guessed: true,
        replaced,
    })
}

/// UTF-16 without a byte order mark shows as a NUL in every other byte for
/// Latin-script text; recognise that rather than calling it binary.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let zeros_at = |parity: usize| sample.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let (even, odd) = (zeros_at(0), zeros_at(1));
    // Mostly-zero high bytes, and no zero low bytes.
    if odd * 10 >= pairs * 7 && even == 0 {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 7 && odd == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Refuses decoded "text" full of control characters (a binary file that
/// happened to decode).
fn checked(decoded: Decoded) -> Result<Decoded, &'static str> {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in decoded.text.chars().take(SNIFF_BYTES) {
        total += 1;
        if c == '\0' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}')) {
            control += 1;
        }
    }
    if control * 100 > total.max(1) {
        return Err("more than 1% of its characters are control characters");
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_is_not_part_of_the_text() {
        let d = decode(b"\xEF\xBB\xBFL\xE2\x80\x99attaque\r\n").unwrap();
        assert_eq!(d.text, "L’attaque\r\n");
        assert!(d.bom);
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.report().unwrap().contains("byte order mark removed"));
    }

    #[test]
    fn plain_utf8_has_nothing_to_report() {
        let d = decode("Հայաստան 👨🏻‍🚒".as_bytes()).unwrap();
        assert_eq!(d.text, "Հայաստան 👨🏻‍🚒");
        assert_eq!(d.report(), None);
    }

    #[test]
    fn windows_1252_is_detected() {
        // "L’armée a déclaré « cessez-le-feu »" in Windows-1252.
        let bytes = b"L\x92arm\xE9e a d\xE9clar\xE9 \xAB cessez-le-feu \xBB \xE0 Stepanakert, o\xF9 l\x92on a entendu des tirs.";
        let d = decode(bytes).unwrap();
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.guessed);
        assert_eq!(
            d.text,
            "L’armée a déclaré « cessez-le-feu » à Stepanakert, où l’on a entendu des tirs."
        );
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "Erevan — Ереван\r\n";
        let mut le: Vec<u8> = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let d = decode(&le).unwrap();
        assert_eq!((d.text.as_str(), d.encoding, d.bom), (text, "UTF-16LE", true));

        let mut be: Vec<u8> = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be).unwrap().text, text);

        let ascii = "Stepanakert and Baku\n";
        let bare: Vec<u8> = ascii.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let d = decode(&bare).unwrap();
        assert_eq!((d.text.as_str(), d.encoding, d.bom), (ascii, "UTF-16LE", false));
    }

    #[test]
    fn only_texts_that_read_back_identically_are_storable() {
        assert_eq!(storable("Bakou et Erevan 👨🏻‍🚒\r\n"), Ok(()));
        let bom = storable("\u{feff}Bakou").unwrap_err();
        assert!(bom.contains("U+FEFF"), "{bom}");
        let nul = storable("Bakou\0Erevan").unwrap_err();
        assert!(nul.contains("NUL"), "{nul}");
        // Alternating NULs look like UTF-16 without a byte order mark.
        let alternating: String = "Stepanakert".chars().flat_map(|c| [c, '\0']).collect();
        assert!(storable(&alternating).is_err());
        let controls: String = "a\u{1}".repeat(100);
        assert!(storable(&controls).unwrap_err().contains("control characters"));
    }

    #[test]
    fn binary_files_are_refused() {
        let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nstream\n\x00\x01\x02\x03\x04endstream";
        assert_eq!(decode(pdf), Err("it contains NUL bytes"));
        let controls: Vec<u8> = (0..200u8).map(|i| if i % 3 == 0 { 0x01 } else { b'a' }).collect();
        assert!(decode(&controls).is_err());
    }

    #[test]
    fn oversized_files_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.txt");
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(MAX_DOCUMENT_BYTES + 1).unwrap();
        assert!(matches!(read_text_file(&path), Err(TextFileError::TooLarge { .. })));
        let missing = read_text_file(&dir.path().join("missing.txt")).unwrap_err();
        assert!(missing.to_string().contains("missing.txt"), "{missing}");
    }
}
