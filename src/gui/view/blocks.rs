//! Splitting a document into blocks, the unit of layout and painting.
//!
//! Laying out a 10 MB text as one galley takes seconds and gigabytes, so
//! the document view lays out blocks of at most a few kilobytes, and only
//! those on screen. A block is a line of the text (up to its `\n`), or a
//! piece of a long line cut after a space (the seed Wikipedia dump has
//! 30 KB lines): such a piece ends its last row early, a small price for
//! bounded layout cost. Blocks cover the text without gaps, so every code
//! point belongs to exactly one block.

use std::ops::Range;

use crate::model::Text;

/// Longest block in bytes before a line is cut.
pub const MAX_BLOCK_BYTES: usize = 2048;

/// One block: code points `[start, end)` of the document, of which
/// `[start, text_end)` is shown (the rest is the line break, if any).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub start: usize,
    pub text_end: usize,
    pub end: usize,
    /// Byte range of the shown text.
    pub byte_start: usize,
    pub byte_text_end: usize,
}

impl Block {
    /// The shown code points.
    pub fn shown(&self) -> Range<usize> {
        self.start..self.text_end
    }

    /// Number of shown code points.
    pub fn len(&self) -> usize {
        self.text_end - self.start
    }

    /// True for an empty line.
    pub fn is_empty(&self) -> bool {
        self.text_end == self.start
    }

    /// True when the block is followed by a line break (not a cut).
    pub fn ends_line(&self) -> bool {
        self.end > self.text_end
    }
}

/// Splits `text` into blocks of at most `max_bytes` shown bytes (longer
/// lines are cut after a space, or anywhere if a line has none). O(n).
pub fn split_blocks(text: &Text, max_bytes: usize) -> Vec<Block> {
    let s = text.as_str();
    let mut blocks = Vec::with_capacity(s.len() / 256 + 1);
    let mut cp = 0usize;
    let mut byte = 0usize;
    loop {
        let line_end = s[byte..].find('\n').map(|i| byte + i);
        let content_end = match line_end {
            Some(nl) if nl > byte && s.as_bytes()[nl - 1] == b'\r' => nl - 1,
            Some(nl) => nl,
            None => s.len(),
        };
        // Cut the line's content into pieces.
        let mut piece = byte;
        loop {
            let cut = if content_end - piece > max_bytes {
                cut_point(s, piece, max_bytes)
            } else {
                content_end
            };
            let chars = s[piece..cut].chars().count();
            let is_last_piece = cut == content_end;
            let (end_byte, end_cp) = if is_last_piece {
                let after = line_end.map_or(s.len(), |nl| nl + 1);
                (after, cp + chars + s[cut..after].chars().count())
            } else {
                (cut, cp + chars)
            };
            blocks.push(Block {
                start: cp,
                text_end: cp + chars,
                end: end_cp,
                byte_start: piece,
                byte_text_end: cut,
            });
            cp = end_cp;
            piece = end_byte;
            if is_last_piece {
                break;
            }
        }
        match line_end {
            Some(nl) => byte = nl + 1,
            None => break,
        }
        if byte == s.len() {
            // A final line break: the empty last line is a block too, so
            // that the end of the text has a place on screen.
            blocks.push(Block {
                start: cp,
                text_end: cp,
                end: cp,
                byte_start: byte,
                byte_text_end: byte,
            });
            break;
        }
    }
    blocks
}

/// Where to cut a long line starting at `from`: after the last whitespace
/// in the second half of the allowed length, else at a character boundary.
fn cut_point(s: &str, from: usize, max_bytes: usize) -> usize {
    let floor = |mut i: usize| {
        while !s.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let limit = floor(from + max_bytes);
    let half = floor(from + max_bytes / 2).max(from);
    match s[half..limit].rfind(char::is_whitespace) {
        Some(i) => {
            let at = half + i;
            at + s[at..].chars().next().map_or(1, char::len_utf8)
        }
        // A whole window without spaces: cut at a character boundary, and
        // always make progress (a single character may exceed a tiny limit).
        None if limit > from => limit,
        None => from + s[from..].chars().next().map_or(1, char::len_utf8),
    }
}

/// Index of the block containing code point `cp` (the last block for the
/// end of the text).
pub fn block_at(blocks: &[Block], cp: usize) -> usize {
    blocks
        .partition_point(|b| b.end <= cp)
        .min(blocks.len().saturating_sub(1))
}

/// Indices of the blocks overlapping `[range.start, range.end)`.
pub fn blocks_overlapping(blocks: &[Block], range: Range<usize>) -> Range<usize> {
    let first = block_at(blocks, range.start);
    let last = if range.end > range.start {
        block_at(blocks, range.end - 1)
    } else {
        first
    };
    first..last + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown<'a>(text: &'a Text, b: &Block) -> &'a str {
        &text.as_str()[b.byte_start..b.byte_text_end]
    }

    fn check_cover(text: &Text, blocks: &[Block]) {
        assert_eq!(blocks[0].start, 0);
        for w in blocks.windows(2) {
            assert_eq!(w[0].end, w[1].start, "{w:?}");
        }
        assert_eq!(blocks.last().unwrap().end, text.len_chars());
        for b in blocks {
            assert_eq!(text.slice(b.shown()), Some(shown(text, b)));
        }
    }

    #[test]
    fn lines_become_blocks_without_their_breaks() {
        let t = Text::new("Bakou\r\nErevan\n\nStepanakert");
        let blocks = split_blocks(&t, 100);
        let texts: Vec<&str> = blocks.iter().map(|b| shown(&t, b)).collect();
        assert_eq!(texts, ["Bakou", "Erevan", "", "Stepanakert"]);
        assert_eq!((blocks[0].text_end, blocks[0].end), (5, 7), "CRLF belongs to the block");
        check_cover(&t, &blocks);
    }

    #[test]
    fn a_final_line_break_leaves_an_empty_last_block() {
        let t = Text::new("a\n");
        let blocks = split_blocks(&t, 100);
        assert_eq!(blocks.len(), 2);
        check_cover(&t, &blocks);
        let empty = Text::new("");
        let blocks = split_blocks(&empty, 100);
        assert_eq!(blocks.len(), 1);
        check_cover(&empty, &blocks);
    }

    #[test]
    fn long_lines_are_cut_after_spaces() {
        let line = "l’Azerbaïdjan attaque 👨🏻‍🚒 ".repeat(200);
        let t = Text::new(format!("{line}\nfin"));
        let blocks = split_blocks(&t, 256);
        check_cover(&t, &blocks);
        assert!(blocks.len() > 20);
        for b in &blocks[..blocks.len() - 2] {
            assert!(b.byte_text_end - b.byte_start <= 256);
            assert!(shown(&t, b).ends_with(' '), "{:?}", shown(&t, b));
            assert!(!b.ends_line());
        }
        // Lines without spaces, or with characters of every width, are cut
        // at character boundaries whatever the limit.
        for text in ["Հայաստան".repeat(100), "aé€👨 ".repeat(300), "é😀".repeat(500)] {
            let t = Text::new(text);
            for max in [5, 63, 64, 65, 127, 255, 1001] {
                let blocks = split_blocks(&t, max);
                check_cover(&t, &blocks);
            }
        }
    }

    #[test]
    fn blocks_are_found_by_code_point() {
        let t = Text::new("ab\ncd\nef");
        let blocks = split_blocks(&t, 100);
        assert_eq!(block_at(&blocks, 0), 0);
        assert_eq!(block_at(&blocks, 2), 0, "the line break belongs to its line");
        assert_eq!(block_at(&blocks, 3), 1);
        assert_eq!(block_at(&blocks, 8), 2, "the end of the text is in the last block");
        assert_eq!(blocks_overlapping(&blocks, 1..4), 0..2);
        assert_eq!(blocks_overlapping(&blocks, 3..5), 1..2);
    }
}
