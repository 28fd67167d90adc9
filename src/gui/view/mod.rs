//! The document view: a document's text with its annotations, scrolled,
//! selected and clicked.
//!
//! Long documents are drawn virtually. The text is split into blocks
//! ([`blocks`]); only blocks in or near the viewport are laid out, each
//! block's galley is cached with a signature of the annotations it shows,
//! and a block is laid out again only when that signature, the width, the
//! text size or the theme changes. Blocks never laid out have estimated
//! heights; when a block above the first visible one gets its real height,
//! the scroll offset moves by the difference so that what the reader looks
//! at stays put.
//!
//! The view changes the transient selection state directly and proposes
//! edits (resizing with the handles) as actions. Relations are drawn as
//! arrows in a lane at the right of the text ([`arrows`]): those of the
//! selected and the hovered annotation, or all those of the text in view.

pub mod arrows;
pub mod badges;
pub mod blocks;
pub mod layout;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

use egui::{Color32, CursorIcon, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, Ui, Vec2, pos2, vec2};

use self::blocks::{Block, MAX_BLOCK_BYTES, block_at, blocks_overlapping, split_blocks};
use self::layout::{
    BlockLayout, Span, TextStyle, block_job, caret_rect, char_at, nesting_depths, range_rects, underlines,
};
use super::action::Action;
use crate::edit::Command;
use crate::model::{AnnotationId, Document, Project, Text, Timestamp, words};

/// Margin around the text, in points.
const MARGIN: f32 = 16.0;
/// How far beyond the viewport blocks are laid out (pre-fetch), in points.
const OVERSCAN: f32 = 200.0;
/// Cached layouts kept before old ones are dropped.
const CACHE_SIZE: usize = 400;
/// Row height as a multiple of the text size (room for stacked underlines).
const LINE_SPACING: f32 = 1.65;
/// Distance within which a press grabs a resize handle.
const HANDLE_REACH: f32 = 7.0;

/// The selection state the view edits directly.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    /// Selected text (code points), if any.
    pub text: Option<Range<usize>>,
    /// The selected annotation, if any.
    pub annotation: Option<AnnotationId>,
    /// Where the caret was put last (code point), for the status bar.
    pub cursor: Option<usize>,
    /// The selected relation (its arrow drawn heavier, its editor open in
    /// the inspector), one of the selected annotation's.
    pub relation: Option<AnnotationId>,
}

/// What the view needs to know about the project this frame.
/// The annotations of the view's document that can be drawn: none while
/// the text on disk is not the text they were made on (a reloaded or
/// edited file, before re-anchoring), since their offsets would land on the
/// wrong words.
fn placed<'a>(input: &ViewInput<'a>) -> &'a [crate::model::Annotation] {
    if input.doc.text_matches() {
        input.project.annotations_of(&input.doc.id)
    } else {
        &[]
    }
}

/// The selection, else the caret, else the length, in code points.
pub fn caret_text(selection: &Selection, len_chars: usize) -> String {
    match (&selection.text, selection.cursor) {
        (Some(sel), _) => format!("selection [{}, {}) · {} chars", sel.start, sel.end, sel.end - sel.start),
        (None, Some(cp)) => format!("position {cp}"),
        _ => format!("{len_chars} chars"),
    }
}

pub struct ViewInput<'a> {
    pub project: &'a Project,
    pub doc: &'a Document,
    pub revision: u64,
    pub text_size: f32,
    pub dark: bool,
    pub snap_to_words: bool,
    /// Find matches (code points) and the current one.
    pub matches: &'a [Range<usize>],
    pub current_match: Option<usize>,
    /// Coloured marks with tooltips (the compare view's changes).
    pub overlays: &'a [Overlay],
    /// No edits from this view (resize handles are off).
    pub read_only: bool,
    /// Which relations are drawn.
    pub relations: RelationView<'a>,
    /// The document's open suggestions (drawn dashed in their label's
    /// colour), in order of position, and the one in focus.
    pub suggestions: &'a [crate::model::Suggestion],
    pub current_suggestion: Option<&'a crate::model::Suggestion>,
}

/// Which relations the view draws as arrows.
#[derive(Clone, Copy, Debug, Default)]
pub struct RelationView<'a> {
    /// All those with an end in view, not only the selected and the
    /// hovered annotation's.
    pub all: bool,
    /// Relation types not drawn.
    pub hidden: &'a [String],
    /// A relation being made (drawn dashed): from, to.
    pub preview: Option<(AnnotationId, AnnotationId, Color32)>,
}

/// True when the project has relations or may have (a type is declared):
/// the view then keeps a lane for arrows.
pub fn has_relations(project: &Project) -> bool {
    !project.schema.relation_types.is_empty() || !project.relations().is_empty()
}

impl<'a> ViewInput<'a> {
    /// A view that only shows `doc` (another version, another annotator's
    /// copy): marks, but no find matches and no edits.
    pub fn read_only(
        project: &'a Project,
        doc: &'a Document,
        revision: u64,
        text_size: f32,
        dark: bool,
        overlays: &'a [Overlay],
    ) -> ViewInput<'a> {
        ViewInput {
            project,
            doc,
            revision,
            text_size,
            dark,
            snap_to_words: true,
            matches: &[],
            current_match: None,
            overlays,
            read_only: true,
            relations: RelationView::default(),
            suggestions: &[],
            current_suggestion: None,
        }
    }
}

/// A coloured mark over a range of the text, with a tooltip.
#[derive(Clone, Debug, PartialEq)]
pub struct Overlay {
    pub range: Range<usize>,
    pub fill: Color32,
    pub tip: String,
}

#[derive(Clone, Copy, PartialEq)]
struct LayoutKey {
    width: f32,
    size: f32,
    dark: bool,
}

struct Cached {
    layout: BlockLayout,
    signature: u64,
    last_used: u64,
}

#[derive(Clone, Debug)]
enum Drag {
    Select {
        anchor: usize,
    },
    Resize {
        id: AnnotationId,
        fixed: usize,
        current: usize,
    },
    /// From the selected annotation's link knob to another annotation.
    Link {
        from: AnnotationId,
        knob: Pos2,
        pointer: Pos2,
    },
}

/// The colour of a relation being made (the knob, the rubber band, the
/// candidate's tint).
pub const LINKING: Color32 = Color32::from_rgb(0, 150, 255);

/// A code point held at a height in the view until the heights around it
/// stop changing (blocks are measured as they come into view).
#[derive(Clone, Copy, Debug)]
struct Pin {
    cp: usize,
    /// Points from the top of the view to the caret's top; `None` puts it a
    /// third of the way down.
    from_top: Option<f32>,
    /// Frames in a row without a new height.
    quiet: u8,
    frames: u8,
}

impl Pin {
    fn new(cp: usize, from_top: Option<f32>) -> Pin {
        Pin {
            cp,
            from_top,
            quiet: 0,
            frames: 0,
        }
    }

    /// The pin for the next frame. It lets go after two frames without a
    /// new height (the aim is then exact), or after a second at most.
    fn next(self, heights_changed: bool) -> Option<Pin> {
        let quiet = if heights_changed { 0 } else { self.quiet + 1 };
        let frames = self.frames.saturating_add(1);
        (quiet < 2 && frames < 60).then_some(Pin { quiet, frames, ..self })
    }
}

/// The per-document state of the view.
pub struct DocumentView {
    doc_id: String,
    text: Text,
    blocks: Vec<Block>,
    heights: Vec<f32>,
    measured: Vec<bool>,
    /// `tops[i]` is the y of block `i` from the top of the content;
    /// `tops[len]` is the content height.
    tops: Vec<f32>,
    tops_stale: bool,
    spans: Vec<Vec<Span>>,
    signatures: Vec<u64>,
    index_revision: Option<(u64, u64)>,
    key: Option<LayoutKey>,
    cache: HashMap<usize, Cached>,
    frame: u64,
    /// Blocks painted in the last frame, with their galley rectangles on screen.
    painted: Vec<(usize, Rect)>,
    /// The part of the screen the text was shown in, in the last frame.
    visible: Rect,
    /// The view's whole area, scroll bar included, in the last frame.
    area: Rect,
    /// The height of the scrolled viewport in the last frame.
    view_height: f32,
    offset: f32,
    pending_offset: Option<f32>,
    scroll_target: Option<usize>,
    /// A place held on screen while the blocks around it are measured:
    /// after a scroll to a target, a change of text size or of width,
    /// estimated heights put it off for a few frames (see [`Pin`]).
    pin: Option<Pin>,
    /// Some block's measured height changed this frame.
    heights_changed: bool,
    drag: Option<Drag>,
    /// A galley laid out through egui's own cache every frame. egui clears
    /// that cache exactly when galleys stop being valid (new fonts, a full
    /// glyph atlas, another scale); a different canary means ours must go too.
    canary: Option<Arc<egui::Galley>>,
    /// Blocks laid out in the last frame (for tests and benchmarks).
    pub layouts_last_frame: usize,
    /// Where each placed annotation is in the document's list, by id (for
    /// the ends of relations), rebuilt with the spans.
    positions: HashMap<AnnotationId, usize>,
    /// Each relation of the document with the code points its ends span
    /// (lowest start, highest end), rebuilt with the spans.
    relation_spans: Vec<(usize, usize, usize)>,
    /// The spans' key and the relations' generation `relation_spans` was
    /// built for; built only while "show all" is on, the only reader.
    relation_spans_key: Option<((u64, u64), u64)>,
    /// The annotation under the pointer in the last frame.
    hovered: Option<AnnotationId>,
    /// Arrows drawn in the last frame (for tests).
    pub arrows_last_frame: Vec<arrows::Arrow>,
}

impl DocumentView {
    /// A view of `doc`'s current text.
    pub fn new(doc: &Document) -> DocumentView {
        let blocks = split_blocks(&doc.text, MAX_BLOCK_BYTES);
        let n = blocks.len();
        DocumentView {
            doc_id: doc.id.clone(),
            text: doc.text.clone(),
            blocks,
            heights: vec![0.0; n],
            measured: vec![false; n],
            tops: vec![0.0; n + 1],
            tops_stale: true,
            spans: vec![Vec::new(); n],
            signatures: vec![0; n],
            index_revision: None,
            key: None,
            cache: HashMap::new(),
            frame: 0,
            painted: Vec::new(),
            visible: Rect::NOTHING,
            area: Rect::NOTHING,
            view_height: 0.0,
            offset: 0.0,
            pending_offset: None,
            scroll_target: None,
            pin: None,
            heights_changed: false,
            drag: None,
            canary: None,
            layouts_last_frame: 0,
            positions: HashMap::new(),
            relation_spans: Vec::new(),
            relation_spans_key: None,
            hovered: None,
            arrows_last_frame: Vec::new(),
        }
    }

    /// True when the view was made for this text (documents can be reloaded).
    pub fn shows(&self, doc: &Document) -> bool {
        self.doc_id == doc.id && self.text.ptr_eq(&doc.text)
    }

    /// Number of blocks the text is split into.
    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    /// Number of blocks with a cached layout.
    pub fn cached_layouts(&self) -> usize {
        self.cache.len()
    }

    /// Scrolls so that code point `cp` is in view, at the next frame.
    pub fn scroll_to(&mut self, cp: usize) {
        self.scroll_target = Some(cp);
    }

    /// The scroll offset of the last frame, in points.
    pub fn offset(&self) -> f32 {
        self.offset
    }

    /// Scrolls to an offset at the next frame (to keep two views together).
    pub fn set_offset(&mut self, offset: f32) {
        if (offset - self.offset).abs() > 0.5 {
            self.pending_offset = Some(offset);
        }
    }

    /// The screen rectangle of a caret before code point `cp`, if it was on
    /// screen in the last frame.
    pub fn char_rect(&self, cp: usize) -> Option<Rect> {
        let b = block_at(&self.blocks, cp);
        let (_, rect) = self.painted.iter().find(|(i, _)| *i == b)?;
        let cached = self.cache.get(&b)?;
        let local = cp.clamp(self.blocks[b].start, self.blocks[b].text_end) - self.blocks[b].start;
        let caret = caret_rect(&cached.layout.galley, local).translate(rect.min.to_vec2());
        self.visible.contains_rect(caret).then_some(caret)
    }

    /// The blocks on screen in the last frame, as code points (whole blocks).
    pub fn visible_range(&self) -> Option<Range<usize>> {
        let mut on_screen = self.painted.iter().filter(|(_, r)| r.intersects(self.visible));
        let first = on_screen.next()?.0;
        let last = on_screen.next_back().map_or(first, |(b, _)| *b);
        Some(self.blocks[first].start..self.blocks[last].end)
    }

    /// Draws the view and handles the pointer. Returns proposed edits.
    pub fn ui(&mut self, ui: &mut Ui, input: &ViewInput<'_>, selection: &mut Selection) -> Vec<Action> {
        self.frame += 1;
        self.layouts_last_frame = 0;
        self.heights_changed = false;
        self.area = ui.available_rect_before_wrap();
        self.ensure_index(input);
        let style = text_style(ui, input);
        let lane = if has_relations(input.project) {
            arrows::LANE_WIDTH
        } else {
            0.0
        };
        let width = (ui.available_width() - 2.0 * MARGIN - lane).max(50.0);
        let key = LayoutKey {
            width,
            size: input.text_size,
            dark: input.dark,
        };
        if self.key.is_some_and(|k| k != key) && self.pin.is_none() && self.scroll_target.is_none() {
            // A new width or text size moves every line: keep the selected
            // annotation, else the first line in view, where it was.
            let selected = selection
                .annotation
                .and_then(|id| placed(input).iter().find(|a| a.id == id))
                .map(|a| a.start);
            self.pin = self.place_on_screen(selected);
        }
        if self.key != Some(key) || self.atlas_changed(ui, &style) {
            self.relayout_all(key, &style);
        }
        if self.tops_stale {
            self.recompute_tops();
        }

        // Dragging selects text: only the wheel and the scroll bar scroll.
        let mut area = egui::ScrollArea::vertical()
            .id_salt(("document-view", &self.doc_id))
            .scroll_source(
                egui::containers::scroll_area::ScrollSource::SCROLL_BAR
                    | egui::containers::scroll_area::ScrollSource::MOUSE_WHEEL,
            )
            .auto_shrink(false);
        if let Some(offset) = self.paging(ui).or(self.pending_offset.take()) {
            // Within the content: egui lets an offset past the end spring
            // back over several frames (rubber-banding), which would carry a
            // target near the end of the text out of view.
            let end = (self.tops[self.blocks.len()] + 2.0 * MARGIN - self.view_height).max(0.0);
            let offset = offset.clamp(0.0, end);
            area = area.vertical_scroll_offset(offset);
            // The anchor correction below must start from this frame's offset.
            self.offset = offset;
        }
        let mut actions = Vec::new();
        let output = area.show_viewport(ui, |ui, viewport| {
            actions = self.content_ui(ui, viewport, input, &style, selection);
        });
        self.offset = output.state.clamped_offset().y;
        self.view_height = output.inner_rect.height();
        self.evict();
        actions
    }

    /// Rebuilds the per-block annotation spans when the project changed.
    fn ensure_index(&mut self, input: &ViewInput<'_>) {
        // Rebuilt when the annotations, the labels' colours or whether the
        // text matches change; not for other edits (a relation, a status),
        // which a document of 100,000 annotations would pay 50 ms for.
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for l in &input.project.schema.labels {
            (&l.id, l.colour.0).hash(&mut h);
        }
        input.doc.text_matches().hash(&mut h);
        let key = (input.project.annotations_generation(), h.finish());
        if self.index_revision != Some(key) {
            self.index_revision = Some(key);
            self.index_spans(input);
        }
        let relations_key = (key, input.project.relations_generation());
        if input.relations.all && self.relation_spans_key != Some(relations_key) {
            self.relation_spans_key = Some(relations_key);
            self.index_relations(input);
        }
    }

    /// The per-block spans of the annotations, their positions by id and
    /// the blocks' signatures.
    fn index_spans(&mut self, input: &ViewInput<'_>) {
        let colours: HashMap<&str, Color32> = input
            .project
            .schema
            .labels
            .iter()
            .map(|l| (l.id.as_str(), label_colour(l.colour)))
            .collect();
        let annotations = placed(input);
        let mut order: Vec<usize> = (0..annotations.len()).collect();
        order.sort_by_key(|&i| (annotations[i].start, std::cmp::Reverse(annotations[i].end)));
        let ranges: Vec<Range<usize>> = order.iter().map(|&i| annotations[i].range()).collect();
        let depths = nesting_depths(&ranges);
        for spans in &mut self.spans {
            spans.clear();
        }
        for (k, &i) in order.iter().enumerate() {
            let a = &annotations[i];
            if a.end > self.text.len_chars() {
                continue; // a changed document: nothing sensible to show
            }
            let colour = colours.get(a.label.as_str()).copied().unwrap_or(Color32::GRAY);
            // A discontinuous annotation tints its pieces, not its gaps.
            for piece in a.pieces() {
                for b in blocks_overlapping(&self.blocks, piece.clone()) {
                    let block = self.blocks[b];
                    let (s, e) = (piece.start.max(block.start), piece.end.min(block.text_end));
                    if s < e {
                        self.spans[b].push(Span {
                            range: s - block.start..e - block.start,
                            colour,
                            depth: depths[k],
                            id: a.id,
                        });
                    }
                }
            }
        }
        self.positions = annotations.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
        for (b, spans) in self.spans.iter().enumerate() {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            for s in spans {
                (s.range.start, s.range.end, s.colour.to_array(), s.depth).hash(&mut h);
            }
            self.signatures[b] = h.finish();
        }
    }

    /// The attribute badges of the annotations ending in blocks `blocks`,
    /// small, above the end of their last word.
    fn paint_badges(
        &self,
        painter: &egui::Painter,
        input: &ViewInput<'_>,
        blocks: Range<usize>,
        origin: Pos2,
        shift: Vec2,
        visuals: &egui::Visuals,
    ) {
        let annotations = placed(input);
        let font = FontId::proportional(10.0);
        for b in blocks {
            let Some(cached) = self.cache.get(&b) else { continue };
            let block = self.blocks[b];
            let min = origin + vec2(0.0, self.tops[b]) + shift;
            for span in &self.spans[b] {
                let Some(a) = self.positions.get(&span.id).and_then(|&i| annotations.get(i)) else {
                    continue;
                };
                // Once, at the end of its last piece.
                if a.attrs.is_empty() || block.start + span.range.end != a.end {
                    continue;
                }
                let Some(text) = badges::badge(input.project, a) else {
                    continue;
                };
                let Some(end) = range_rects(&cached.layout.galley, span.range.end - 1..span.range.end).pop() else {
                    continue;
                };
                let at = end.translate(min.to_vec2()).right_top() + vec2(1.0, 2.0);
                let colour = input
                    .project
                    .schema
                    .get(&a.label)
                    .map_or(visuals.weak_text_color(), |l| label_colour(l.colour));
                // On a small pill of the background: legible over a line
                // above or an arrow's run.
                let galley = painter.layout_no_wrap(text, font.clone(), visuals.strong_text_color());
                let rect = egui::Align2::LEFT_BOTTOM.anchor_size(at, galley.size() + vec2(4.0, 0.0));
                painter.rect(
                    rect,
                    3.0,
                    visuals.extreme_bg_color,
                    Stroke::new(1.0, colour),
                    StrokeKind::Inside,
                );
                painter.galley(rect.min + vec2(2.0, 0.0), galley, visuals.strong_text_color());
            }
        }
    }

    /// Each relation of the document with the code points its ends span.
    fn index_relations(&mut self, input: &ViewInput<'_>) {
        let annotations = placed(input);
        self.relation_spans = input
            .project
            .relations_of(&self.doc_id)
            .iter()
            .enumerate()
            .filter_map(|(k, r)| {
                let a = annotations.get(*self.positions.get(&r.from)?)?;
                let b = annotations.get(*self.positions.get(&r.to)?)?;
                Some((a.start.min(b.start), a.end.max(b.end), k))
            })
            .collect();
    }

    /// Page Up/Down move by a screen, Ctrl+Home/End to the ends (unless a
    /// text field has the keyboard).
    fn paging(&mut self, ui: &Ui) -> Option<f32> {
        if ui.ctx().text_edit_focused() {
            return None;
        }
        let page = (self.visible.height() - 40.0).max(40.0);
        let end = self.tops[self.blocks.len()];
        ui.input(|i| {
            if i.key_pressed(egui::Key::PageDown) {
                Some((self.offset + page).min(end))
            } else if i.key_pressed(egui::Key::PageUp) {
                Some((self.offset - page).max(0.0))
            } else if i.modifiers.command && i.key_pressed(egui::Key::Home) {
                Some(0.0)
            } else if i.modifiers.command && i.key_pressed(egui::Key::End) {
                Some(end)
            } else {
                None
            }
        })
    }

    /// True when egui dropped its galleys since the last frame (see `canary`).
    fn atlas_changed(&mut self, ui: &Ui, style: &TextStyle) -> bool {
        let canary = ui.fonts_mut(|f| f.layout_no_wrap("Marginalia".to_owned(), style.font.clone(), Color32::WHITE));
        let changed = !self.canary.as_ref().is_some_and(|c| Arc::ptr_eq(c, &canary));
        self.canary = Some(canary);
        changed
    }

    /// The width, text size or theme changed: every layout is stale and
    /// heights go back to estimates.
    fn relayout_all(&mut self, key: LayoutKey, style: &TextStyle) {
        self.key = Some(key);
        self.cache.clear();
        for (i, b) in self.blocks.iter().enumerate() {
            self.heights[i] = estimate_height(b, key.width, style);
            self.measured[i] = false;
        }
        self.tops_stale = true;
    }

    fn recompute_tops(&mut self) {
        let mut y = 0.0;
        for (i, h) in self.heights.iter().enumerate() {
            self.tops[i] = y;
            y += h;
        }
        self.tops[self.heights.len()] = y;
        self.tops_stale = false;
    }

    /// Index of the block at content y.
    fn block_at_y(&self, y: f32) -> usize {
        self.tops[..self.blocks.len()]
            .partition_point(|&top| top <= y)
            .saturating_sub(1)
    }

    /// The layout of block `b`, laid out now if needed. Updates its height.
    fn layout(&mut self, ui: &Ui, b: usize, style: &TextStyle) -> &BlockLayout {
        let signature = self.signatures[b];
        let stale = self.cache.get(&b).is_none_or(|c| c.signature != signature);
        if stale {
            let block = self.blocks[b];
            let text = &self.text.as_str()[block.byte_start..block.byte_text_end];
            let width = self.key.map_or(400.0, |k| k.width);
            let job = block_job(text, &self.spans[b], style, width);
            let galley = ui.fonts_mut(|f| f.layout_job(job));
            let underlines = underlines(&galley, &self.spans[b]);
            let height = galley.size().y.max(style.line_height);
            if !self.measured[b] || (self.heights[b] - height).abs() > 0.01 {
                self.heights[b] = height;
                self.measured[b] = true;
                self.tops_stale = true;
                self.heights_changed = true;
            }
            self.layouts_last_frame += 1;
            self.cache.insert(
                b,
                Cached {
                    layout: BlockLayout { galley, underlines },
                    signature,
                    last_used: self.frame,
                },
            );
        }
        let cached = self.cache.get_mut(&b).expect("inserted above");
        cached.last_used = self.frame;
        &cached.layout
    }

    fn content_ui(
        &mut self,
        ui: &mut Ui,
        viewport: Rect,
        input: &ViewInput<'_>,
        style: &TextStyle,
        selection: &mut Selection,
    ) -> Vec<Action> {
        let mut actions = Vec::new();
        if self.pin.is_some() && self.reader_took_over(ui) {
            self.pin = None;
        }
        if let Some(target) = self.scroll_target.take() {
            self.pin = Some(Pin::new(target, None));
        }
        ui.set_min_height(self.tops[self.blocks.len()] + 2.0 * MARGIN);
        let origin = ui.min_rect().min + vec2(MARGIN, MARGIN);

        // The anchor: the first visible block already measured. Blocks laid
        // out above it this frame move it; the offset follows.
        let view_top = (viewport.min.y - MARGIN).max(0.0);
        let first = self.block_at_y(view_top);
        let anchor = (first..self.blocks.len()).find(|&b| self.measured[b]).unwrap_or(first);
        let anchor_top_before = self.tops[anchor];

        // Lay out what is visible (plus overscan), top to bottom.
        let lo = self.block_at_y((view_top - OVERSCAN).max(0.0));
        let mut b = lo;
        let bottom = viewport.max.y - MARGIN + OVERSCAN;
        let mut y = self.tops[lo];
        while b < self.blocks.len() && y <= bottom {
            self.layout(ui, b, style);
            y += self.heights[b];
            b += 1;
        }
        let hi = b;
        if self.tops_stale {
            self.recompute_tops();
        }
        let shift = self.tops[anchor] - anchor_top_before;
        if let Some(pin) = self.pin.take() {
            // Aimed after this frame's layout, so that it uses every height
            // measured so far; held until the heights stop changing.
            // Kept inside a view that may have become shorter.
            let h = viewport.height();
            let from_top = pin
                .from_top
                .unwrap_or(h / 3.0)
                .clamp(0.0, (h - 2.0 * style.line_height).max(0.0));
            self.scroll_to_now(ui, pin.cp, from_top, style);
            self.pin = pin.next(self.heights_changed);
        } else if shift.abs() > 0.01 {
            // Keep the anchor where it was on screen, now and from next
            // frame on; a scroll target set this frame moves with it.
            self.pending_offset = Some(self.pending_offset.unwrap_or(self.offset) + shift);
        }
        let shift = vec2(0.0, -shift);

        // Paint.
        let painter = ui.painter().clone();
        self.painted.clear();
        let visuals = ui.visuals().clone();
        // Matches and suggestions are sorted by start: each block paints
        // the window of them that can reach it, not the whole list (a
        // long document can hold 100,000 of either).
        let longest_match = input.matches.iter().map(|m| m.len()).max().unwrap_or(0);
        let longest_suggestion = input.suggestions.iter().map(|s| s.end - s.start).max().unwrap_or(0);
        for b in lo..hi {
            let Some(cached) = self.cache.get(&b) else { continue };
            let galley = &cached.layout.galley;
            let min = origin + vec2(0.0, self.tops[b]) + shift;
            let rect = Rect::from_min_size(min, galley.size());
            self.painted.push((b, rect));
            let block = self.blocks[b];
            // Overlays, find matches and the selection go under the text.
            for o in input.overlays {
                if o.range.end <= block.start || o.range.start >= block.text_end.max(block.start + 1) {
                    continue;
                }
                for r in range_rects(galley, local(&o.range, &block)) {
                    painter.rect_filled(r.translate(min.to_vec2()).expand(1.0), 3.0, o.fill);
                }
            }
            let reach = block.start..block.text_end.max(block.start + 1);
            let window = sorted_window(input.matches, |m| m.start, longest_match, &reach);
            for (i, m) in input.matches[window.clone()].iter().enumerate() {
                let i = i + window.start;
                if m.end <= reach.start {
                    continue;
                }
                let fill = if Some(i) == input.current_match {
                    Color32::from_rgba_unmultiplied(255, 170, 0, 170)
                } else {
                    Color32::from_rgba_unmultiplied(255, 220, 0, 90)
                };
                for r in range_rects(galley, local(m, &block)) {
                    painter.rect_filled(r.translate(min.to_vec2()), 2.0, fill);
                }
            }
            let shown_selection = match &self.drag {
                Some(Drag::Resize { fixed, current, .. }) => Some(*fixed.min(current)..*fixed.max(current)),
                _ => selection.text.clone(),
            };
            if let Some(sel) = &shown_selection {
                for r in range_rects(galley, local(sel, &block)) {
                    painter.rect_filled(
                        r.translate(min.to_vec2()),
                        0.0,
                        visuals.selection.bg_fill.gamma_multiply(0.6),
                    );
                }
            }
            painter.galley(min, galley.clone(), style.colour);
            for shape in &cached.layout.underlines {
                let mut s = shape.clone();
                s.translate(min.to_vec2());
                painter.add(s);
            }
            if input.doc.text_matches() {
                let window = sorted_window(input.suggestions, |s| s.start, longest_suggestion, &reach);
                paint_suggestions(&painter, galley, &block, min, input, window);
            }
        }
        let selected = selection
            .annotation
            .and_then(|id| placed(input).iter().find(|a| a.id == id));
        let mut handles = Vec::new();
        let mut knob = None;
        if let Some(a) = selected.filter(|_| !input.read_only) {
            let outline = Stroke::new(2.0, visuals.strong_text_color());
            // Every piece outlined, and the gaps between them underlined with
            // dashes below the text (one annotation, not several; the gap's
            // own words stay readable).
            let ranges = a.pieces();
            let rects: Vec<Rect> = ranges.iter().flat_map(|p| self.screen_rects(p.clone())).collect();
            for r in &rects {
                painter.rect_stroke(r.expand(1.0), 2.0, outline, StrokeKind::Outside);
            }
            for pair in ranges.windows(2) {
                for r in self.screen_rects(pair[0].end..pair[1].start) {
                    let y = r.bottom() + 3.0;
                    let dashes = egui::Shape::dashed_line(
                        &[pos2(r.left(), y), pos2(r.right(), y)],
                        Stroke::new(1.5, outline.color),
                        3.0,
                        3.0,
                    );
                    painter.extend(dashes);
                }
            }
            if let (Some(first), Some(last)) = (rects.first(), rects.last()) {
                handles.push((true, first.left_top(), first.left_bottom()));
                handles.push((false, last.right_top(), last.right_bottom()));
                // The link knob: above the start handle, clear of it and of
                // the value badges (those sit above the end).
                if has_relations(input.project) {
                    knob = Some(first.left_top() + vec2(-7.0, -5.0));
                }
            }
            for (_, top, bottom) in &handles {
                painter.line_segment([*top, *bottom], Stroke::new(3.0, visuals.strong_text_color()));
                painter.circle_filled(*bottom + vec2(0.0, 2.5), 4.0, visuals.strong_text_color());
            }
        }

        // Relations, as arrows in the lane at the right of the text.
        let arrows = self.arrows(input, selection.annotation, selection.relation, &visuals);
        let lane_x = origin.x + self.key.map_or(0.0, |k| k.width) + 4.0;
        let view_rect = Rect::from_min_max(
            pos2(viewport.min.x, viewport.min.y),
            pos2(viewport.max.x, viewport.max.y),
        )
        .translate(ui.min_rect().min.to_vec2());
        let label_rects = arrows::paint(
            &painter.with_clip_rect(view_rect),
            &arrows,
            lane_x,
            view_rect,
            visuals.extreme_bg_color,
        );
        // Over the arrows, so that no line strikes a value through.
        self.paint_badges(&painter, input, lo..hi, origin, shift, &visuals);
        // The knob over everything: it is grabbed.
        if let Some(k) = knob {
            painter.circle(k, 4.5, visuals.extreme_bg_color, Stroke::new(1.8, LINKING));
            painter.circle_filled(k, 1.8, LINKING);
        }

        // The pointer.
        // From the enclosing ui, so that two views of one document (compare,
        // review) do not share their pointer state.
        let id = ui.scope_id().with(("document-view-content", &self.doc_id));
        let visible = Rect::from_min_max(
            pos2(viewport.min.x, viewport.min.y),
            pos2(viewport.max.x, viewport.max.y),
        )
        .translate(ui.min_rect().min.to_vec2());
        self.visible = visible;
        let response = ui
            .interact(visible, id, Sense::click_and_drag())
            .on_hover_cursor(CursorIcon::Text);
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Document, true, "Document text"));

        if response.drag_started() {
            let press = ui.input(|i| i.pointer.press_origin());
            if let Some(press) = press {
                let handle = handles.iter().find(|(_, top, bottom)| {
                    let seg = Rect::from_two_pos(*top, *bottom).expand(HANDLE_REACH);
                    seg.contains(press)
                });
                let on_knob = knob.filter(|k| k.distance(press) <= HANDLE_REACH);
                self.drag = match (handle, selected) {
                    (_, Some(a)) if let Some(knob) = on_knob => Some(Drag::Link {
                        from: a.id,
                        knob,
                        pointer: press,
                    }),
                    (Some((moving_start, _, _)), Some(a)) => Some(Drag::Resize {
                        id: a.id,
                        fixed: if *moving_start { a.end } else { a.start },
                        current: if *moving_start { a.start } else { a.end },
                    }),
                    _ => self.char_at_screen(press).map(|cp| {
                        let shift = ui.input(|i| i.modifiers.shift);
                        let anchor = match (&selection.text, shift) {
                            (Some(sel), true) => {
                                if cp >= sel.start {
                                    sel.start
                                } else {
                                    sel.end
                                }
                            }
                            _ => cp,
                        };
                        // Ctrl+drag keeps the selected annotation: the text
                        // chosen may become another of its pieces (Ctrl+J).
                        if !ui.input(|i| i.modifiers.command || i.modifiers.ctrl) {
                            selection.annotation = None;
                        }
                        selection.text = None;
                        Drag::Select { anchor }
                    }),
                };
            }
        }
        if let (Some(drag), Some(pointer)) = (&mut self.drag, response.interact_pointer_pos()) {
            // Scroll when dragging past the edges.
            let edge = 24.0;
            if pointer.y < visible.min.y + edge {
                ui.scroll_with_delta(vec2(0.0, 12.0));
            } else if pointer.y > visible.max.y - edge {
                ui.scroll_with_delta(vec2(0.0, -12.0));
            }
            let cp = char_at_screen(&self.painted, &self.cache, &self.blocks, pointer);
            if let Some(cp) = cp {
                match drag {
                    Drag::Select { anchor } => {
                        let (a, b) = ((*anchor).min(cp), (*anchor).max(cp));
                        selection.text = (a < b).then_some(a..b);
                        selection.cursor = Some(cp);
                    }
                    Drag::Resize { current, .. } => *current = cp,
                    Drag::Link { .. } => {}
                }
            }
            if let Drag::Link { knob, pointer: at, .. } = drag {
                *at = pointer;
                let band = egui::Shape::dashed_line(&[*knob, pointer], Stroke::new(1.8, LINKING), 4.0, 3.0);
                painter.extend(band);
                painter.circle_filled(pointer, 3.0, LINKING);
            }
        }
        if response.drag_stopped() {
            match self.drag.take() {
                Some(Drag::Select { .. }) => {
                    if let Some(sel) = selection.text.take() {
                        let snapped = if input.snap_to_words {
                            words::snap_to_words(&self.text, sel)
                        } else {
                            words::snap_to_graphemes(&self.text, sel)
                        };
                        selection.text = (snapped.start < snapped.end).then_some(snapped);
                    }
                }
                Some(Drag::Resize { id, fixed, current, .. }) => {
                    let (start, end) = (fixed.min(current), fixed.max(current));
                    let range = if input.snap_to_words {
                        words::snap_to_words(&self.text, start..end)
                    } else {
                        start..end
                    };
                    if range.start < range.end {
                        actions.push(Action::Edit(Command::Resize {
                            id,
                            start: range.start,
                            end: range.end,
                            at: Timestamp::now(),
                        }));
                    }
                }
                Some(Drag::Link { from, pointer, .. }) => {
                    let to = self.char_at_screen(pointer).and_then(|cp| {
                        self.annotations_at(input.project, cp)
                            .into_iter()
                            .find(|id| *id != from)
                    });
                    if let Some(to) = to {
                        actions.push(Action::DragLink { from, to });
                    }
                }
                None => {}
            }
        }
        if let Some(k) = knob {
            let grip = ui
                .interact(
                    Rect::from_center_size(k, vec2(2.0 * HANDLE_REACH, 2.0 * HANDLE_REACH)),
                    id.with("link-knob"),
                    Sense::hover(),
                )
                .on_hover_cursor(CursorIcon::Grab)
                .on_hover_text("Drag to another annotation to link them (or Ctrl+K)");
            grip.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, "Link knob"));
        }
        // A click on an arrow's label goes to its other end when that is
        // off screen, and otherwise selects the relation (its editor opens
        // in the inspector). Registered after the text, so the label is on top.
        for (k, (arrow, rect)) in arrows.iter().zip(&label_rects).enumerate() {
            let Some(rect) = rect else { continue };
            let go = match (arrow.follow, arrow.relation) {
                (Some(other), _) => Action::SelectAnnotation(Some(other)),
                (None, Some(r)) => Action::SelectRelation(Some(r)),
                (None, None) => continue,
            };
            let label = ui
                .interact(*rect, id.with(("arrow", k)), Sense::click())
                .on_hover_cursor(CursorIcon::PointingHand)
                .on_hover_text(if arrow.follow.is_some() {
                    "Go to the other end"
                } else {
                    "Select this relation: its type, note and attributes in the inspector"
                });
            label.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Link, true, &arrow.label));
            if label.clicked() {
                actions.push(go);
            }
        }
        self.arrows_last_frame = arrows;
        if response.double_clicked() {
            if let Some(cp) = response.interact_pointer_pos().and_then(|p| self.char_at_screen(p))
                && let Some(word) = words::word_at(&self.text, cp)
            {
                selection.text = Some(word);
                selection.annotation = None;
                selection.cursor = Some(cp);
            }
        } else if response.clicked() {
            let shift = ui.input(|i| i.modifiers.shift);
            if let Some(cp) = response.interact_pointer_pos().and_then(|p| self.char_at_screen(p)) {
                selection.cursor = Some(cp);
                match (&selection.text, shift) {
                    (Some(sel), true) => {
                        let range = sel.start.min(cp)..sel.end.max(cp);
                        selection.text = Some(if input.snap_to_words {
                            words::snap_to_words(&self.text, range)
                        } else {
                            range
                        });
                    }
                    _ => {
                        selection.text = None;
                        let under = self.annotations_at(input.project, cp);
                        // What is under the pointer, in the order clicks go
                        // through it: the suggestions, shortest first, then the
                        // annotations, innermost first; round again after the
                        // last. The first click takes the innermost of the two.
                        let mut here: Vec<&crate::model::Suggestion> = input
                            .suggestions
                            .iter()
                            .filter(|s| s.start <= cp && cp < s.end)
                            .collect();
                        here.sort_by(|a, b| (a.end - a.start).cmp(&(b.end - b.start)).then(a.key().cmp(&b.key())));
                        let innermost = under
                            .first()
                            .and_then(|id| placed(input).iter().find(|a| a.id == *id))
                            .map(|a| a.len());
                        let n = here.len();
                        let total = n + under.len();
                        // Where the cycle stands: the selected annotation, else
                        // the suggestion in focus.
                        let at = match under.iter().position(|&id| Some(id) == selection.annotation) {
                            Some(i) => Some(n + i),
                            None => input
                                .current_suggestion
                                .and_then(|c| here.iter().position(|s| s.key() == c.key())),
                        };
                        let next = match at {
                            Some(k) => (k + 1) % total.max(1),
                            None if here
                                .first()
                                .is_some_and(|s| innermost.is_none_or(|len| s.end - s.start <= len)) =>
                            {
                                0
                            }
                            None => n,
                        };
                        match here.get(next) {
                            Some(s) => {
                                selection.annotation = None;
                                actions.push(Action::FocusSuggestion((*s).clone()));
                            }
                            None => selection.annotation = under.get(next - n).copied(),
                        }
                    }
                }
            }
        }
        let mut hovered = None;
        if let Some(pos) = response.hover_pos()
            && self.drag.is_none()
            && let Some(cp) = self.char_at_screen(pos)
        {
            let under = self.annotations_at(input.project, cp);
            hovered = under.first().copied();
            let mut tips: Vec<String> = input
                .overlays
                .iter()
                .filter(|o| o.range.start <= cp && cp < o.range.end)
                .map(|o| o.tip.clone())
                .collect();
            tips.extend(
                input
                    .suggestions
                    .iter()
                    .filter(|s| s.start <= cp && cp < s.end)
                    .map(|s| suggestion_tip(input.project, s)),
            );
            if !under.is_empty() || !tips.is_empty() {
                response.on_hover_ui_at_pointer(|ui| {
                    for tip in &tips {
                        ui.label(egui::RichText::new(tip).strong());
                    }
                    for id in &under {
                        if let Some(a) = placed(input).iter().find(|a| a.id == *id) {
                            annotation_summary_ui(ui, input.project, a);
                        }
                    }
                });
            }
        }
        if self.hovered != hovered {
            // The hovered annotation's arrows are drawn next frame.
            ui.ctx().request_repaint();
        }
        self.hovered = hovered;
        actions
    }

    /// The arrows to draw this frame: the relations of the selected and
    /// the hovered annotation, or every relation with an end in view, and
    /// the one being made; not those of hidden types.
    fn arrows(
        &self,
        input: &ViewInput<'_>,
        selected: Option<AnnotationId>,
        selected_relation: Option<AnnotationId>,
        visuals: &egui::Visuals,
    ) -> Vec<arrows::Arrow> {
        const MOST: usize = 300;
        let annotations = placed(input);
        let relations = input.project.relations_of(&self.doc_id);
        let schema = &input.project.schema;
        let mut chosen: Vec<(&crate::model::Relation, Option<AnnotationId>)> = Vec::new();
        let focus: Vec<AnnotationId> = selected.into_iter().chain(self.hovered).collect();
        if input.relations.all
            && let Some(vis) = self.visible_range()
        {
            for &(lo, hi, k) in &self.relation_spans {
                if lo < vis.end && hi > vis.start && chosen.len() < MOST {
                    chosen.push((&relations[k], None));
                }
            }
        }
        for &id in &focus {
            for r in input.project.relations_touching(&self.doc_id, id) {
                if chosen.len() < MOST && !chosen.iter().any(|(c, _)| c.id == r.id) {
                    chosen.push((r, Some(id)));
                }
            }
        }
        let end_of = |id: AnnotationId| -> Option<arrows::End> {
            let a = annotations.get(*self.positions.get(&id)?)?;
            let first = a.pieces().first().cloned()?;
            let rect = self
                .screen_rects(first.clone())
                .into_iter()
                .find(|r| r.intersects(self.visible));
            Some(match (rect, self.visible_range()) {
                (Some(r), _) => arrows::End::On(r),
                (None, Some(vis)) if first.start < vis.start + (vis.end - vis.start) / 2 => {
                    arrows::End::Off(arrows::Off::Above)
                }
                _ => arrows::End::Off(arrows::Off::Below),
            })
        };
        let text_of = |id: AnnotationId| {
            self.positions
                .get(&id)
                .and_then(|&i| annotations.get(i))
                .map_or_else(String::new, |a| shorten(&a.text, 14))
        };
        let mut out = Vec::new();
        for (r, seen_from) in chosen {
            if input.relations.hidden.contains(&r.kind) {
                continue;
            }
            let (Some(from), Some(to)) = (end_of(r.from), end_of(r.to)) else {
                continue;
            };
            let t = schema.relation_type(&r.kind);
            let colour = t.map_or(visuals.text_color(), |t| label_colour(t.colour));
            let name = t.map_or(r.kind.as_str(), |t| t.name.as_str());
            let other = match seen_from {
                Some(id) if id == r.to => r.from,
                _ => r.to,
            };
            let off = match (from, to) {
                (arrows::End::Off(o), _) | (_, arrows::End::Off(o)) => Some(o),
                _ => None,
            };
            let label = match off {
                Some(arrows::Off::Above) => format!("{name} ↑ “{}”", text_of(other)),
                Some(arrows::Off::Below) => format!("{name} ↓ “{}”", text_of(other)),
                None => name.to_owned(),
            };
            out.push(arrows::Arrow {
                from,
                to,
                colour,
                label,
                follow: off.map(|_| other),
                relation: Some(r.id),
                selected: selected_relation == Some(r.id),
                preview: false,
            });
        }
        if let Some((from, to, colour)) = input.relations.preview
            && let (Some(f), Some(t)) = (end_of(from), end_of(to))
        {
            out.push(arrows::Arrow {
                from: f,
                to: t,
                colour,
                label: "link?".to_owned(),
                follow: None,
                relation: None,
                selected: false,
                preview: true,
            });
        }
        out
    }

    /// Lays out the target's neighbourhood and asks for the offset that
    /// shows code point `cp` a third down the view.
    /// Sets the offset that puts code point `cp` `from_top` points below
    /// the top of the view (the caret's top edge).
    fn scroll_to_now(&mut self, ui: &Ui, cp: usize, from_top: f32, style: &TextStyle) {
        if self.blocks.is_empty() {
            return;
        }
        let b = block_at(&self.blocks, cp);
        for k in b.saturating_sub(3)..(b + 4).min(self.blocks.len()) {
            self.layout(ui, k, style);
        }
        self.recompute_tops();
        let local_cp = cp.clamp(self.blocks[b].start, self.blocks[b].text_end) - self.blocks[b].start;
        let within = self
            .cache
            .get(&b)
            .map_or(0.0, |c| caret_rect(&c.layout.galley, local_cp).min.y);
        self.pending_offset = Some((self.tops[b] + within - from_top).max(0.0));
        ui.ctx().request_repaint();
    }

    /// Screen rectangles (one per row) of a code point range, from the
    /// blocks painted this frame.
    fn screen_rects(&self, range: Range<usize>) -> Vec<Rect> {
        let mut out = Vec::new();
        for (b, rect) in &self.painted {
            let block = self.blocks[*b];
            if range.end <= block.start || range.start >= block.end {
                continue;
            }
            if let Some(c) = self.cache.get(b) {
                for r in range_rects(&c.layout.galley, local(&range, &block)) {
                    out.push(r.translate(rect.min.to_vec2()));
                }
            }
        }
        out
    }

    /// The reader scrolled, or pressed in the view (the text or its scroll
    /// bar), this frame: a held place must let go.
    fn reader_took_over(&self, ui: &Ui) -> bool {
        ui.input(|i| {
            i.smooth_scroll_delta.y != 0.0
                || (i.pointer.any_pressed() && i.pointer.press_origin().is_some_and(|p| self.area.contains(p)))
        })
    }

    /// A pin for what is on screen now: code point `preferred` if it is in
    /// view, else the first character in view, at its present height.
    fn place_on_screen(&self, preferred: Option<usize>) -> Option<Pin> {
        let top = self.visible.min.y;
        let shown = |cp: usize| self.char_rect(cp).filter(|r| self.visible.contains(r.center()));
        let (cp, rect) = preferred.and_then(|cp| Some((cp, shown(cp)?))).or_else(|| {
            let (b, rect) = self.painted.iter().find(|(_, r)| r.max.y > top)?;
            let cp = self.char_at_screen(pos2(rect.min.x, top.max(rect.min.y) + 1.0))?;
            let cp = cp.max(self.blocks[*b].start);
            Some((cp, self.char_rect(cp)?))
        })?;
        Some(Pin::new(cp, Some(rect.min.y - top)))
    }

    fn char_at_screen(&self, pos: Pos2) -> Option<usize> {
        char_at_screen(&self.painted, &self.cache, &self.blocks, pos)
    }

    /// Annotations covering code point `cp`, innermost first.
    fn annotations_at(&self, project: &Project, cp: usize) -> Vec<AnnotationId> {
        let placed = match project.document(&self.doc_id) {
            Some(d) if d.text_matches() => project.annotations_of(&self.doc_id),
            _ => &[],
        };
        // In a piece, not in a gap between pieces.
        let mut under: Vec<_> = placed
            .iter()
            .take_while(|a| a.start <= cp)
            .filter(|a| a.start <= cp && cp < a.end)
            .filter(|a| !a.is_discontinuous() || a.pieces().iter().any(|p| p.contains(&cp)))
            .map(|a| (a.covered_len(), a.id))
            .collect();
        under.sort();
        under.into_iter().map(|(_, id)| id).collect()
    }

    /// Drops layouts not used for a while once the cache is full.
    fn evict(&mut self) {
        if self.cache.len() <= CACHE_SIZE {
            return;
        }
        let mut ages: Vec<u64> = self.cache.values().map(|c| c.last_used).collect();
        ages.sort_unstable();
        let cutoff = ages[ages.len() - CACHE_SIZE / 2];
        self.cache.retain(|_, c| c.last_used >= cutoff);
    }
}

/// The range relative to a block, clipped to its shown text.
fn local(range: &Range<usize>, block: &Block) -> Range<usize> {
    let s = range.start.clamp(block.start, block.text_end) - block.start;
    let e = range.end.clamp(block.start, block.text_end) - block.start;
    s..e
}

fn char_at_screen(
    painted: &[(usize, Rect)],
    cache: &HashMap<usize, Cached>,
    blocks: &[Block],
    pos: Pos2,
) -> Option<usize> {
    let (b, rect) = painted
        .iter()
        .find(|(_, r)| pos.y < r.max.y)
        .or_else(|| painted.last())?;
    let c = cache.get(b)?;
    let block = blocks[*b];
    let local_pos = pos - rect.min.to_vec2();
    Some(block.start + char_at(&c.layout.galley, local_pos).min(block.len()))
}

/// The indices of `sorted` (by `start_of`) whose items may overlap
/// `range`: those starting before its end, and not so early that even
/// the `longest` item would end before its start.
fn sorted_window<T>(
    sorted: &[T],
    start_of: impl Fn(&T) -> usize,
    longest: usize,
    range: &Range<usize>,
) -> Range<usize> {
    let from = sorted.partition_point(|t| start_of(t).saturating_add(longest) <= range.start);
    let to = sorted.partition_point(|t| start_of(t) < range.end);
    from..to.max(from)
}

/// The open suggestions over `block` (those of `window`): a dashed
/// outline in the label's colour; the one in focus tinted and outlined
/// in full.
fn paint_suggestions(
    painter: &egui::Painter,
    galley: &egui::Galley,
    block: &Block,
    min: Pos2,
    input: &ViewInput<'_>,
    window: Range<usize>,
) {
    let candidates = &input.suggestions[window];
    for (k, s) in candidates.iter().enumerate() {
        if s.end <= block.start {
            continue;
        }
        let colour = input
            .project
            .schema
            .get(&s.label)
            .map_or(Color32::GRAY, |l| label_colour(l.colour));
        let current = input.current_suggestion.is_some_and(|c| c.key() == s.key());
        // Suggestions over one another (a gazetteer's "Nikol Pashinyan"
        // and a model's "Pashinyan") are drawn a little apart, so that
        // two dashed outlines never merge into what looks like the focus.
        let depth = candidates[k.saturating_sub(8)..k]
            .iter()
            .filter(|o| o.end > s.start)
            .count()
            .min(3) as f32;
        for r in range_rects(galley, local(&s.range(), block)) {
            let r = r.translate(min.to_vec2()).expand(1.5 + 2.5 * depth);
            if current {
                painter.rect_filled(r, 2.0, colour.gamma_multiply(0.25));
                painter.rect_stroke(r, 2.0, Stroke::new(2.0, colour), StrokeKind::Outside);
            } else {
                let outline = [
                    r.left_top(),
                    r.right_top(),
                    r.right_bottom(),
                    r.left_bottom(),
                    r.left_top(),
                ];
                painter.extend(egui::Shape::dashed_line(&outline, Stroke::new(1.5, colour), 4.0, 3.0));
            }
        }
    }
}

/// What hovering a suggestion says.
fn suggestion_tip(project: &Project, s: &crate::model::Suggestion) -> String {
    let label = project
        .schema
        .get(&s.label)
        .map_or(s.label.as_str(), |l| l.name.as_str());
    let term = if s.pattern.is_empty() || s.pattern == s.text {
        String::new()
    } else {
        format!(", term “{}”", s.pattern)
    };
    format!(
        "Suggested: {label} (from {}{term}). Click it, then Ctrl+Enter accepts, Ctrl+Delete rejects",
        s.source
    )
}

fn text_style(ui: &Ui, input: &ViewInput<'_>) -> TextStyle {
    TextStyle {
        font: FontId::proportional(input.text_size),
        colour: ui.visuals().text_color(),
        line_height: (input.text_size * LINE_SPACING).round(),
        tint_alpha: if input.dark { 80 } else { 60 },
    }
}

fn estimate_height(block: &Block, width: f32, style: &TextStyle) -> f32 {
    let chars_per_row = (width / (style.font.size * 0.5)).max(8.0);
    let rows = ((block.len() as f32) / chars_per_row).ceil().max(1.0);
    rows * style.line_height
}

/// One annotation in a tooltip: label chip, quoted text, note.
pub fn annotation_summary_ui(ui: &mut Ui, project: &Project, a: &crate::model::Annotation) {
    let (name, colour) = project
        .schema
        .get(&a.label)
        .map_or((a.label.as_str(), Color32::GRAY), |l| {
            (l.name.as_str(), label_colour(l.colour))
        });
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(Vec2::splat(10.0), Sense::hover());
        ui.painter().rect_filled(rect, 2.0, colour);
        ui.strong(name);
        ui.label(shorten(&a.text, 80));
    });
    for line in badges::lines(project, a) {
        ui.weak(line);
    }
    if !a.note.is_empty() {
        ui.label(egui::RichText::new(shorten(&a.note, 200)).italics());
    }
}

pub use crate::gui::style::{capitalise, label_colour, shorten, tint};
