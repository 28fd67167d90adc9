//! The fonts of the workbench: Noto Sans and its Armenian, Georgian, Arabic
//! and Hebrew companions plus Noto Sans Symbols 1 and 2 (arrows, shapes,
//! dingbats), compiled into the binary (see `assets/fonts/`), ahead of
//! egui's own fonts (which bring monochrome emoji). CJK comes from the
//! system fonts through eframe's font provider, because a CJK font is tens
//! of MB.

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

/// Name and bytes of each bundled font, in fallback order.
const BUNDLED: &[(&str, &[u8])] = &[
    ("NotoSans", include_bytes!("../../assets/fonts/NotoSans-Regular.ttf")),
    (
        "NotoSansArmenian",
        include_bytes!("../../assets/fonts/NotoSansArmenian-Regular.ttf"),
    ),
    (
        "NotoSansGeorgian",
        include_bytes!("../../assets/fonts/NotoSansGeorgian-Regular.ttf"),
    ),
    (
        "NotoSansArabic",
        include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf"),
    ),
    (
        "NotoSansHebrew",
        include_bytes!("../../assets/fonts/NotoSansHebrew-Regular.ttf"),
    ),
    (
        "NotoSansSymbols",
        include_bytes!("../../assets/fonts/NotoSansSymbols-Regular.ttf"),
    ),
    (
        "NotoSansSymbols2",
        include_bytes!("../../assets/fonts/NotoSansSymbols2-Regular.ttf"),
    ),
];

/// egui's default fonts with the bundled ones first in the proportional
/// family and as fallbacks of the monospace family.
pub fn definitions() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    for (name, bytes) in BUNDLED {
        fonts
            .font_data
            .insert((*name).to_owned(), Arc::new(FontData::from_static(bytes)));
    }
    let names = BUNDLED.iter().map(|(n, _)| (*n).to_owned());
    if let Some(family) = fonts.families.get_mut(&FontFamily::Proportional) {
        let rest = std::mem::take(family);
        family.extend(names.clone());
        family.extend(rest);
    }
    if let Some(family) = fonts.families.get_mut(&FontFamily::Monospace) {
        family.extend(names);
    }
    fonts
}

/// Installs the fonts in `ctx`.
pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(definitions());
}
