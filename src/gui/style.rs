//! Colours and text helpers of the interface, in one place: label
//! colours and their tints, the colours of changes (compare view) and of
//! disagreements (review), the small text helpers messages use, and
//! where dialog windows open.

use egui::{Color32, Context, Id, Rect};

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
        PairKind::Attributes => (0, 150, 160),
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

fn dialog_area_id() -> Id {
    Id::unique("marginalia-dialog-area")
}

/// Records the part of the window dialogs may cover (below the menu bar),
/// once the menu bar is drawn.
pub fn set_dialog_area(ctx: &Context, area: Rect) {
    ctx.data_mut(|d| d.insert_temp(dialog_area_id(), area));
}

/// A dialog window that opens below the menu bar and stays there.
pub fn dialog_window(ctx: &Context, title: impl Into<egui::WidgetText>) -> egui::Window<'static> {
    let area = ctx
        .data(|d| d.get_temp::<Rect>(dialog_area_id()))
        .unwrap_or_else(|| ctx.content_rect());
    egui::Window::new(title)
        .constrain_to(area)
        .default_pos(area.min + egui::vec2(24.0, 16.0))
}
