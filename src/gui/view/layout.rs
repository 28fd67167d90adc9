//! Laying out one block: text with annotation highlights.
//!
//! Each annotation tints the background of its text with its label's
//! colour (the innermost annotation's tint wins where they nest) and draws
//! an underline in the label's colour, one underline level per nesting
//! depth, so that an actor inside a claim inside an event stays legible.
//! Tints are part of the galley; underlines are shapes cached beside it.
//! Transient marks (the selection, find matches, the selected annotation's
//! outline) are painted over the cached layout each frame, so that moving
//! the selection never re-lays out text.

use std::ops::Range;
use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, Galley, Pos2, Rect, Shape, Stroke, pos2};

use crate::gui::style::tint;
use crate::model::AnnotationId;

/// Underline levels drawn before deeper annotations share the last one.
pub const MAX_UNDERLINE_DEPTH: u8 = 3;
const UNDERLINE_WIDTH: f32 = 2.0;
const UNDERLINE_GAP: f32 = 3.0;

/// An annotation as seen from one block.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    /// Shown code points, relative to the block start.
    pub range: Range<usize>,
    pub colour: Color32,
    /// Number of other annotations containing this one.
    pub depth: u8,
    pub id: AnnotationId,
}

/// How block text looks.
#[derive(Clone, Debug, PartialEq)]
pub struct TextStyle {
    pub font: FontId,
    pub colour: Color32,
    pub line_height: f32,
    /// Opacity of annotation tints (0–255).
    pub tint_alpha: u8,
}

/// A block's galley and its underlines (in galley coordinates).
pub struct BlockLayout {
    pub galley: Arc<Galley>,
    pub underlines: Vec<Shape>,
}

/// The layout job for `text` (one block) with `spans` highlighted.
pub fn block_job(text: &str, spans: &[Span], style: &TextStyle, wrap_width: f32) -> LayoutJob {
    let mut job = LayoutJob::default();
    job.wrap.max_width = wrap_width;
    // Byte offset of every code point boundary of the block.
    let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    let len = bytes.len();
    bytes.push(text.len());
    let mut cuts: Vec<usize> = vec![0, len];
    for s in spans {
        cuts.push(s.range.start.min(len));
        cuts.push(s.range.end.min(len));
    }
    cuts.sort_unstable();
    cuts.dedup();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let innermost = spans
            .iter()
            .filter(|s| s.range.start <= a && b <= s.range.end)
            .max_by_key(|s| (s.depth, std::cmp::Reverse(s.range.len())));
        let format = TextFormat {
            font_id: style.font.clone(),
            color: style.colour,
            line_height: Some(style.line_height),
            background: innermost.map_or(Color32::TRANSPARENT, |s| tint(s.colour, style.tint_alpha)),
            ..Default::default()
        };
        job.append(&text[bytes[a]..bytes[b]], 0.0, format);
    }
    if job.sections.is_empty() {
        // An empty line still needs its height.
        job.append(
            "",
            0.0,
            TextFormat {
                font_id: style.font.clone(),
                line_height: Some(style.line_height),
                ..Default::default()
            },
        );
    }
    job
}

/// Underlines for `spans`, one level per nesting depth, in galley coordinates.
pub fn underlines(galley: &Galley, spans: &[Span]) -> Vec<Shape> {
    let mut shapes = Vec::new();
    for s in spans {
        let level = s.depth.min(MAX_UNDERLINE_DEPTH) as f32;
        for rect in range_rects(galley, s.range.clone()) {
            let y = rect.bottom() - 1.5 - level * UNDERLINE_GAP;
            shapes.push(Shape::line_segment(
                [pos2(rect.left(), y), pos2(rect.right(), y)],
                Stroke::new(UNDERLINE_WIDTH, s.colour),
            ));
        }
    }
    shapes
}

/// One rectangle per row covering the code points `range` of the galley
/// (galley coordinates).
pub fn range_rects(galley: &Galley, range: Range<usize>) -> Vec<Rect> {
    let mut out = Vec::new();
    let mut row_start = 0usize;
    for row in &galley.rows {
        let n = row.row.glyphs.len();
        let (a, b) = (range.start.max(row_start), range.end.min(row_start + n));
        if a < b {
            let x0 = row.pos.x + row.row.x_offset(egui::text::CharIndex(a - row_start));
            let x1 = row.pos.x + row.row.x_offset(egui::text::CharIndex(b - row_start));
            out.push(Rect::from_min_max(pos2(x0, row.min_y()), pos2(x1, row.max_y())));
        }
        row_start += row.char_count_including_newline().0;
        if row_start >= range.end {
            break;
        }
    }
    out
}

/// The code point of the galley nearest to `pos` (galley coordinates).
pub fn char_at(galley: &Galley, pos: Pos2) -> usize {
    galley.cursor_from_pos(pos.to_vec2()).index.0
}

/// The rectangle of a caret before code point `cp` (galley coordinates).
pub fn caret_rect(galley: &Galley, cp: usize) -> Rect {
    galley.pos_from_cursor(egui::text::CCursor::new(cp))
}

/// Nesting depth of each annotation among `ranges` (sorted by start, then
/// by end descending): how many of the others contain it.
pub fn nesting_depths(ranges: &[Range<usize>]) -> Vec<u8> {
    let mut open: Vec<usize> = Vec::new();
    ranges
        .iter()
        .map(|r| {
            open.retain(|&end| end > r.start);
            let depth = open.iter().filter(|&&end| end >= r.end).count();
            open.push(r.end);
            depth.min(u8::MAX as usize) as u8
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depths_count_containing_annotations() {
        // claim [0, 20) contains actor [0, 5) and event [8, 15), which contains [9, 12).
        let ranges = [0..20, 0..5, 8..15, 9..12, 25..30];
        assert_eq!(nesting_depths(&ranges), [0, 1, 1, 2, 0]);
    }

    #[test]
    fn crossing_annotations_do_not_nest() {
        assert_eq!(nesting_depths(&[0..10, 5..15]), [0, 0]);
    }
}
