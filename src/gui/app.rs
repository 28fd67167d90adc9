//! The eframe app: the [`Workbench`] in a native window. It adds only what
//! needs the window: its title, the unsaved-changes guard on closing, and
//! the fonts.

use super::action::Action;
use super::dialogs::{Modal, NativeDialogs};
use super::settings::Settings;
use super::workbench::Workbench;

pub struct MarginaliaApp {
    workbench: Workbench,
    title: String,
}

impl MarginaliaApp {
    pub fn new(cc: &eframe::CreationContext<'_>, start: super::Start) -> MarginaliaApp {
        super::fonts::install(&cc.egui_ctx);
        cc.egui_ctx.options_mut(|o| o.zoom_with_keyboard = false);
        let settings = Settings::load(Settings::default_file());
        let mut workbench = Workbench::new(settings, Box::new(NativeDialogs::default()));
        // A gold project a crash left unsaved is offered first (only when
        // nothing else asks a question on opening).
        if matches!(start, super::Start::Nothing) {
            workbench.offer_unsaved_copies();
        }
        match start {
            super::Start::Nothing => {}
            super::Start::Project(path) => workbench.open_path(&path),
            super::Start::Review(paths) => workbench.apply(Action::StartReview {
                paths,
                into_current: false,
            }),
        }
        MarginaliaApp {
            workbench,
            title: String::new(),
        }
    }
}

impl eframe::App for MarginaliaApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.viewport().close_requested()) && !self.workbench.quit_confirmed {
            if ctx.text_edit_focused() {
                // What is being typed is committed first; Quit then asks
                // about unsaved changes as usual.
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.workbench.hold_until_drafts_committed(&ctx, vec![Action::Quit]);
            } else if self.workbench.has_unsaved_changes() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                if self.workbench.modal.is_none() {
                    self.workbench.modal = Some(Modal::UnsavedChanges { then: Action::Quit });
                }
            } else {
                self.workbench.quit_confirmed = true;
            }
        }
        self.workbench.ui(ui);
        let title = self.workbench.title();
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        if self.workbench.quit_confirmed {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}
