//! Relations drawn as arrows between spans, in a side lane.
//!
//! An arrow never crosses the text: it leaves its source span upwards into
//! the gap above the source's line, runs in that gap to a lane at the
//! right of the text, along the lane to the gap above the target's line,
//! and down into the target, where its head is (two spans on one line are
//! joined by a bracket in the gap above it). Each arrow has its own
//! track in the lane (so parallel arrows stay apart) and its type's name
//! beside it, in the type's colour, in the lane where there is no text. An
//! arrow whose other end is off screen runs along the lane to the top or
//! bottom edge of the view, and its label (with the other end's text) is a
//! button that goes there.

use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Stroke, pos2, vec2};

/// Width kept at the right of the text for the arrows' tracks and labels.
pub const LANE_WIDTH: f32 = 120.0;
/// Tracks in the lane before they are reused.
const TRACKS: usize = 6;
/// Apart enough that two parallel runs read as two lines at a glance.
const TRACK_STEP: f32 = 6.0;

/// Where the other end of an arrow is when it is not on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Off {
    Above,
    Below,
}

/// One end of an arrow: its first row's rectangle on screen, or where it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum End {
    On(Rect),
    Off(Off),
}

/// An arrow to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    pub from: End,
    pub to: End,
    pub colour: Color32,
    /// The type's name (and the other end's text when it is off screen).
    pub label: String,
    /// The annotation a click on the label goes to (an end off screen).
    pub follow: Option<crate::model::AnnotationId>,
    /// The relation drawn (none for the one being made); a click on the
    /// label of an arrow whose ends are both in view selects it.
    pub relation: Option<crate::model::AnnotationId>,
    /// Drawn heavier: the selected relation.
    pub selected: bool,
    /// Drawn dashed: a relation being made, not yet made.
    pub preview: bool,
}

/// The points of an arrow's path, from its source to its target, with
/// `lane_x` the lane's left edge, `track` the arrow's track, `view` the
/// visible area (for ends off screen). `None` when neither end is on
/// screen.
pub fn route(from: End, to: End, lane_x: f32, track: usize, view: Rect) -> Option<Vec<Pos2>> {
    let x = lane_x + 6.0 + (track % TRACKS) as f32 * TRACK_STEP;
    // The gap above a row, a little higher for each track so that two
    // arrows leaving one row do not run on one line.
    let gap = |r: Rect| r.top() - 2.0 - (track % 3) as f32 * 2.5;
    let edge = |o: Off| match o {
        Off::Above => view.top() + 2.0,
        Off::Below => view.bottom() - 2.0,
    };
    let path = match (from, to) {
        // On one row: a bracket in the gap above it, straight across (its
        // label waits in the lane at the same height).
        (End::On(a), End::On(b)) if (a.top() - b.top()).abs() < 1.0 => vec![
            pos2(a.center().x, a.top()),
            pos2(a.center().x, gap(a)),
            pos2(b.center().x, gap(a)),
            pos2(b.center().x, b.top()),
        ],
        (End::On(a), End::On(b)) => vec![
            pos2(a.center().x, a.top()),
            pos2(a.center().x, gap(a)),
            pos2(x, gap(a)),
            pos2(x, gap(b)),
            pos2(b.center().x, gap(b)),
            pos2(b.center().x, b.top()),
        ],
        (End::On(a), End::Off(o)) => vec![
            pos2(a.center().x, a.top()),
            pos2(a.center().x, gap(a)),
            pos2(x, gap(a)),
            pos2(x, edge(o)),
        ],
        (End::Off(o), End::On(b)) => vec![
            pos2(x, edge(o)),
            pos2(x, gap(b)),
            pos2(b.center().x, gap(b)),
            pos2(b.center().x, b.top()),
        ],
        (End::Off(_), End::Off(_)) => return None,
    };
    Some(path)
}

/// Where an arrow's label goes: beside its track in the lane, at the
/// middle of its run along the lane (at the edge for an end off screen).
fn label_anchor(path: &[Pos2], from: End, to: End, lane_x: f32) -> Pos2 {
    let x = lane_x + 6.0 + TRACKS as f32 * TRACK_STEP + 2.0;
    let y = match (from, to) {
        (End::On(_), End::Off(o)) | (End::Off(o), End::On(_)) => {
            let edge = if matches!(from, End::Off(_)) {
                path[0].y
            } else {
                path[path.len() - 1].y
            };
            match o {
                Off::Above => edge + 8.0,
                Off::Below => edge - 8.0,
            }
        }
        // One row: the bracket's height.
        _ if path.len() == 4 => path[1].y,
        _ => (path[2].y + path[3].y) / 2.0,
    };
    pos2(x, y)
}

/// Paints `arrows` and returns each label's rectangle (for clicks), in
/// the order given. Labels are moved down where they would overlap.
pub fn paint(painter: &Painter, arrows: &[Arrow], lane_x: f32, view: Rect, background: Color32) -> Vec<Option<Rect>> {
    let font = FontId::proportional(11.0);
    let mut placed: Vec<Rect> = Vec::new();
    let mut out = Vec::with_capacity(arrows.len());
    for (track, arrow) in arrows.iter().enumerate() {
        let Some(path) = route(arrow.from, arrow.to, lane_x, track, view) else {
            out.push(None);
            continue;
        };
        let stroke = Stroke::new(if arrow.selected { 3.0 } else { 1.6 }, arrow.colour);
        if arrow.preview {
            painter.extend(egui::Shape::dashed_line(&path, stroke, 4.0, 3.0));
        } else {
            painter.add(egui::Shape::line(path.clone(), stroke));
        }
        // The head, at the target: down into a span, or up or down to the
        // edge of the view.
        let n = path.len();
        let (tip, before) = (path[n - 1], path[n - 2]);
        let dir = (tip - before).normalized();
        if dir.is_finite() {
            let side = vec2(-dir.y, dir.x) * 3.5;
            let back = tip - dir * 6.0;
            painter.add(egui::Shape::convex_polygon(
                vec![tip, back + side, back - side],
                arrow.colour,
                Stroke::NONE,
            ));
        }
        // The source's end: a small dot, so the direction reads at a glance.
        painter.circle_filled(path[0], 2.2, arrow.colour);
        let mut anchor = label_anchor(&path, arrow.from, arrow.to, lane_x);
        let galley = painter.layout_no_wrap(arrow.label.clone(), font.clone(), arrow.colour);
        let size = galley.size() + vec2(4.0, 2.0);
        let mut rect = Align2::LEFT_CENTER.anchor_size(anchor, size);
        let wanted = anchor;
        // Side by side while the lane has room, else below.
        let left = anchor.x;
        while placed.iter().any(|r| r.intersects(rect)) {
            anchor.x += size.x + 4.0;
            if anchor.x + size.x > lane_x + LANE_WIDTH + 8.0 {
                anchor.x = left;
                anchor.y += size.y;
            }
            rect = Align2::LEFT_CENTER.anchor_size(anchor, size);
        }
        // Inside the view: a long label moves left rather than being cut.
        if rect.right() > view.right() - 2.0 {
            rect = rect.translate(vec2(view.right() - 2.0 - rect.right(), 0.0));
        }
        // A label moved off its place keeps a faint leader to it, so that
        // a stack of labels still says which arrow each names.
        if (rect.left_center() - wanted).length() > 1.0 {
            let leader = [pos2(wanted.x - 3.0, wanted.y), rect.left_center()];
            painter.line_segment(leader, Stroke::new(0.8, arrow.colour.gamma_multiply(0.6)));
        }
        placed.push(rect);
        painter.rect_filled(rect, 2.0, background);
        if arrow.selected {
            painter.rect_stroke(rect, 2.0, Stroke::new(1.0, arrow.colour), egui::StrokeKind::Outside);
        }
        painter.galley(rect.min + vec2(2.0, 1.0), galley, arrow.colour);
        out.push(Some(rect));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(x: f32, y: f32) -> Rect {
        Rect::from_min_size(pos2(x, y), vec2(40.0, 16.0))
    }

    #[test]
    fn an_arrow_runs_above_its_rows_and_in_the_lane() {
        let view = Rect::from_min_max(pos2(0.0, 0.0), pos2(600.0, 400.0));
        let path = route(End::On(r(100.0, 200.0)), End::On(r(300.0, 50.0)), 500.0, 0, view).expect("on screen");
        // It starts on the source's top and ends on the target's top.
        assert_eq!(path[0], pos2(120.0, 200.0));
        assert_eq!(*path.last().expect("points"), pos2(320.0, 50.0));
        // Its horizontal runs are above the rows (in the gaps), its
        // vertical run is in the lane, right of the text.
        assert!(path[1].y < 200.0 && path[4].y < 50.0, "{path:?}");
        assert!(path[2].x >= 500.0 && path[3].x >= 500.0, "{path:?}");
    }

    #[test]
    fn two_spans_of_one_row_are_joined_in_the_gap_above_it() {
        let view = Rect::from_min_max(pos2(0.0, 0.0), pos2(600.0, 400.0));
        let path = route(End::On(r(300.0, 100.0)), End::On(r(10.0, 100.0)), 500.0, 0, view).expect("a");
        assert_eq!(path.len(), 4);
        assert!(
            path.iter().all(|p| p.x < 500.0 && p.y <= 100.0),
            "not through the lane: {path:?}"
        );
    }

    #[test]
    fn arrows_take_separate_tracks_and_ends_off_screen_reach_the_edge() {
        let view = Rect::from_min_max(pos2(0.0, 0.0), pos2(600.0, 400.0));
        let a = route(End::On(r(10.0, 100.0)), End::On(r(10.0, 300.0)), 500.0, 0, view).expect("a");
        let b = route(End::On(r(10.0, 100.0)), End::On(r(10.0, 300.0)), 500.0, 1, view).expect("b");
        assert_ne!(a[2].x, b[2].x, "two arrows, two tracks");
        let up = route(End::On(r(10.0, 100.0)), End::Off(Off::Above), 500.0, 0, view).expect("up");
        assert_eq!(up.last().expect("points").y, 2.0);
        let down = route(End::Off(Off::Below), End::On(r(10.0, 100.0)), 500.0, 0, view).expect("down");
        assert_eq!(down[0].y, 398.0);
        assert!(route(End::Off(Off::Above), End::Off(Off::Below), 500.0, 0, view).is_none());
    }
}
