//! Colours and text helpers of the interface, in one place: label
//! colours and their tints, the colours of changes (compare view) and of
//! disagreements (review), and the small text helpers messages use.

use egui::Color32;

use crate::agreement::PairKind;
pub use crate::model::shorten;

/// An egui colour for a label colour.
pub fn label_colour(c: crate::model::Colour) -> Color32 {
    let [r, g, b] = c.0;
    Color32::from_rgb(r, g, b)
}

/// The tint of a label colour at `alpha`.
pub fn tint(colour: Color32, alpha: u8) -> Color32 {
    Color32::from_rgba_unmultiplied(colour.r(), colour.g(), colour.b(), alpha)
}

/// Green, red and amber for added, removed and changed.
pub fn change_colours(dark: bool) -> [Color32; 3] {
    if dark {
        [
            Color32::from_rgb(110, 200, 110),
            Color32::from_rgb(235, 110, 100),
            Color32::from_rgb(235, 180, 70),
        ]
    } else {
        [
            Color32::from_rgb(30, 140, 50),
            Color32::from_rgb(200, 40, 40),
            Color32::from_rgb(190, 120, 0),
        ]
    }
}

/// One colour per kind of disagreement.
pub fn kind_colour(kind: PairKind, dark: bool) -> Color32 {
    let (r, g, b) = match kind {
        PairKind::Agree => (120, 170, 120),
        PairKind::OnlyA => (66, 133, 244),
        PairKind::OnlyB => (230, 120, 20),
        PairKind::Label => (170, 80, 200),
        PairKind::Boundaries => (210, 170, 0),
    };
    if dark {
        Color32::from_rgb(r.max(90), g.max(90), b.max(90))
    } else {
        Color32::from_rgb(r, g, b)
    }
}

/// `s` with a capital first letter (messages built from command descriptions).
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
