//! The workbench driven headless with egui_kittest: pointer drags, keys,
//! menus and dialogs, with assertions on the session's project.

use crate::common;

use std::ops::Range;
use std::path::{Path, PathBuf};

use egui::{Event, Key, Modifiers, Pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::gui::action::Action;
use marginalia::gui::dialogs::{Modal, ScriptedDialogs};
use marginalia::gui::settings::Settings;
use marginalia::gui::{Workbench, fonts};
use marginalia::model::{Project, Status};
use marginalia::persist;

const DOC: &str = "report-2023-09-21";

#[path = "gui_corpus.rs"]
mod corpus;
#[path = "gui_structure.rs"]
mod structure;

/// A copy of the sample project in a temporary folder.
fn sample_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = common::sample_project_path();
    for entry in std::fs::read_dir(src.parent().unwrap()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt" || e == "ron") {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let path = dir.path().join("karabakh.ron");
    (dir, path)
}

/// Settings as a user who has given their name has them.
fn test_settings() -> Settings {
    Settings {
        author: "gui-test".into(),
        ..Settings::default()
    }
}

fn harness<'a>(path: &Path) -> Harness<'a, Workbench> {
    harness_with(path, ScriptedDialogs::default())
}

/// [`harness`], with the answers the file dialogs will give.
fn harness_with<'a>(path: &Path, dialogs: ScriptedDialogs) -> Harness<'a, Workbench> {
    let mut wb = Workbench::new(test_settings(), Box::new(dialogs));
    wb.open_path(path);
    wb.apply(Action::SelectDocument(DOC.into()));
    harness_of(wb, vec2(1400.0, 900.0))
}

/// A harness around `wb` in a window of `size`, settled.
fn harness_of<'a>(wb: Workbench, size: egui::Vec2) -> Harness<'a, Workbench> {
    // Frames of 0.1 s, so that two clicks a frame apart make a double click
    // (egui allows 0.3 s between them).
    let mut h = Harness::builder()
        .with_size(size)
        .with_step_dt(0.1)
        .with_context_setup(fonts::install)
        .build_ui_state(|ui, wb: &mut Workbench| wb.ui(ui), wb);
    settle(&mut h);
    h
}

/// Runs a few frames (the workbench asks for a repaint every second to
/// watch the disk, so `run` would never see it settle).
fn settle(h: &mut Harness<'_, Workbench>) {
    h.run_steps(3);
}

fn project<'h>(h: &'h Harness<'_, Workbench>) -> &'h Project {
    h.state().project().expect("a project is open")
}

/// The code point range of the `nth` occurrence of `needle` in the document.
fn find(h: &Harness<'_, Workbench>, needle: &str, nth: usize) -> Range<usize> {
    let text = project(h).document(DOC).unwrap().text.clone();
    let (byte, _) = text.as_str().match_indices(needle).nth(nth).expect("needle");
    let start = text.char_of_byte(byte).unwrap();
    start..start + needle.chars().count()
}

/// Screen position inside the character at `cp` (scrolled into view first).
fn screen_pos(h: &mut Harness<'_, Workbench>, cp: usize) -> Pos2 {
    if h.state().current_view().and_then(|v| v.char_rect(cp)).is_none() {
        h.state_mut().reveal(cp);
        settle(h);
    }
    let caret = h
        .state()
        .current_view()
        .and_then(|v| v.char_rect(cp))
        .expect("character on screen");
    caret.left_center() + vec2(2.0, 0.0)
}

/// Selects `range` by dragging the pointer from its first to its last character.
fn drag_select(h: &mut Harness<'_, Workbench>, range: Range<usize>) {
    let from = screen_pos(h, range.start);
    let to = screen_pos(h, range.end - 1);
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    h.hover_at(from + vec2(20.0, 0.0));
    h.step();
    h.hover_at(to);
    h.step();
    h.drop_at(to);
    settle(h);
}

/// The selected annotation.
fn selected(h: &Harness<'_, Workbench>) -> Option<marginalia::model::AnnotationId> {
    h.state().state.selection.annotation
}

/// The status bar's last message.
fn message<'h>(h: &'h Harness<'_, Workbench>) -> Option<&'h str> {
    h.state().state.message.as_deref()
}

/// The question the workbench is waiting on, if any.
fn modal<'h>(h: &'h Harness<'_, Workbench>) -> &'h Option<Modal> {
    &h.state().modal
}

/// Selects `range` of the current document as text (no pointer).
fn select_text(h: &mut Harness<'_, Workbench>, range: Range<usize>) {
    h.state_mut().state.selection.text = Some(range);
}

/// The review item in focus.
fn focused_item(h: &Harness<'_, Workbench>) -> Option<usize> {
    h.state().state.review.as_ref().expect("a review").current
}

/// The state of review item `i` now.
fn item_state(h: &Harness<'_, Workbench>, i: usize) -> marginalia::gui::review::ItemState {
    let wb = h.state();
    wb.state
        .review
        .as_ref()
        .expect("a review")
        .state(i, wb.session().unwrap().history())
}

fn type_key(h: &mut Harness<'_, Workbench>, c: &str) {
    h.event(Event::Text(c.to_owned()));
    settle(h);
}

fn press(h: &mut Harness<'_, Workbench>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    settle(h);
}

#[test]
fn drag_and_hotkey_tag_a_span() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let before = project(&h).annotations().len();
    let target = find(&h, "Les hostilités", 0);
    // Drag from inside "Les" to inside "hostilités": snapping gives whole words.
    drag_select(&mut h, target.start + 1..target.end - 2);
    assert_eq!(h.state().state.selection.text, Some(target.clone()));
    type_key(&mut h, "1");
    let p = project(&h);
    assert_eq!(p.annotations().len(), before + 1);
    let added = p
        .annotations_of(DOC)
        .iter()
        .find(|a| a.start == target.start)
        .expect("the new annotation");
    assert_eq!((added.start, added.end), (target.start, target.end));
    assert_eq!(added.label, "event");
    assert_eq!(added.text, "Les hostilités");
    assert_eq!(selected(&h), Some(added.id), "the new tag is selected");
    assert!(h.state().has_unsaved_changes());

    // The space after "Les" (what a double-click between words selects)
    // is not tagged.
    let space = target.start + 3..target.start + 4;
    select_text(&mut h, space);
    type_key(&mut h, "3");
    assert_eq!(project(&h).annotations().len(), before + 1);
    assert_eq!(message(&h), Some("Nothing to tag: the selection is only white space"));
}

#[test]
fn relabel_delete_undo_redo() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let target = find(&h, "Les hostilités", 0);
    drag_select(&mut h, target);
    type_key(&mut h, "1");
    let id = selected(&h).expect("selected");
    // A hotkey with an annotation selected relabels it (here the letter key).
    type_key(&mut h, "c");
    assert_eq!(project(&h).annotation(id).unwrap().label, "claim");
    press(&mut h, Modifiers::NONE, Key::Delete);
    assert!(project(&h).annotation(id).is_none());
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h).annotation(id).unwrap().label, "claim");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h).annotation(id).unwrap().label, "event");
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(project(&h).annotation(id).unwrap().label, "claim");
    press(&mut h, Modifiers::COMMAND, Key::Y);
    assert!(project(&h).annotation(id).is_none());
}

#[test]
fn relabeling_to_the_same_label_is_no_edit() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let event = project(&h)
        .annotations_of(DOC)
        .iter()
        .find(|a| a.label == "event")
        .expect("an event in the sample")
        .clone();
    h.state_mut().state.selection.annotation = Some(event.id);
    settle(&mut h);
    type_key(&mut h, "1");
    assert!(
        !h.state().has_unsaved_changes(),
        "pressing the label it has is no change"
    );
    assert_eq!(
        project(&h).annotation(event.id),
        Some(&event),
        "not even `modified` moved"
    );
    assert!(
        h.state()
            .state
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("Nothing to change")),
        "{:?}",
        h.state().state.message
    );
    h.state_mut().apply(Action::Undo);
    settle(&mut h);
    assert_eq!(message(&h), Some("Nothing to undo"));
}

#[test]
fn clicking_a_tag_selects_it_and_shift_arrows_resize_it() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let interfax = find(&h, "Interfax", 0);
    let pos = screen_pos(&mut h, interfax.start + 2);
    h.get_by_label("Document text").hover();
    h.hover_at(pos);
    h.drag_at(pos);
    h.step();
    h.drop_at(pos);
    settle(&mut h);
    let selected = selected(&h).expect("an annotation is selected");
    let a = project(&h).annotation(selected).unwrap().clone();
    assert_eq!(a.text, "agence de presse russe Interfax");
    press(&mut h, Modifiers::SHIFT, Key::ArrowLeft);
    let resized = project(&h).annotation(selected).unwrap().clone();
    assert_eq!((resized.start, resized.end), (a.start, a.end - 1));
    assert_eq!(resized.text, "agence de presse russe Interfa");
    press(&mut h, Modifiers::ALT | Modifiers::SHIFT, Key::ArrowRight);
    assert_eq!(project(&h).annotation(selected).unwrap().start, a.start + 1);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h).annotation(selected).unwrap(), &a);
    // Word steps: one press, one whole word, never a space or comma at the edge.
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::ArrowRight);
    let grown = project(&h).annotation(selected).unwrap().text.clone();
    let added = grown.strip_prefix(a.text.as_str()).expect("the end moved");
    assert!(grown.ends_with(char::is_alphanumeric), "{grown:?}");
    let words = added.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty());
    assert_eq!(words.count(), 1, "one word: {added:?}");
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::ArrowLeft);
    assert_eq!(project(&h).annotation(selected).unwrap().text, a.text, "and back");
}

#[test]
fn find_and_tag_all_matches_is_one_undoable_edit() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let before = project(&h).clone();
    press(&mut h, Modifiers::COMMAND, Key::F);
    h.get_by_label("Find").type_text("Moscou");
    settle(&mut h);
    let expected = h.state().state.find.matches.len();
    let in_text = project(&h)
        .document(DOC)
        .unwrap()
        .text
        .as_str()
        .matches("Moscou")
        .count();
    assert_eq!(expected, in_text);
    assert!(expected > 1);
    // The button says how many it will tag before it does.
    h.get_by_label(&format!("Tag {expected} matches as")).click();
    settle(&mut h);
    let p = project(&h);
    let tagged = p
        .annotations_of(DOC)
        .iter()
        .filter(|a| a.text == "Moscou" && a.label == "event")
        .count();
    assert_eq!(tagged, expected);
    assert_eq!(p.annotations().len(), before.annotations().len() + expected);
    h.state_mut().apply(Action::Undo);
    settle(&mut h);
    assert_eq!(project(&h), &before, "one undo removes them all");
    // Every space of the document is a match of " " (whole words off):
    // none is tagged.
    h.state_mut().state.find.whole_word = false;
    h.state_mut().state.find.query = " ".into();
    settle(&mut h);
    let spaces = h.state().state.find.matches.len();
    assert!(spaces > 100);
    h.get_by_label(&format!("Tag {spaces} matches as")).click();
    settle(&mut h);
    assert_eq!(project(&h), &before);
    assert_eq!(message(&h), Some("Nothing to tag: the search is only white space"));
    // Escape in the search field closes the bar.
    h.get_by_label("Find").focus();
    settle(&mut h);
    assert!(h.state().state.find.open);
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(!h.state().state.find.open, "Esc closes the find bar");
    // Ctrl+F again selects the old query: typing replaces it.
    press(&mut h, Modifiers::COMMAND, Key::F);
    h.get_by_label("Find").type_text("combats");
    settle(&mut h);
    press(&mut h, Modifiers::COMMAND, Key::F);
    h.get_by_label("Find").type_text("combats");
    settle(&mut h);
    assert_eq!(h.state().state.find.query, "combats", "not “combatscombats”");
    // Esc closes the bar even when the focus is elsewhere.
    h.get_by_label("Document text").focus();
    settle(&mut h);
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(!h.state().state.find.open, "Esc closes the find bar from anywhere");
}

#[test]
fn tag_all_matches_takes_whole_words_unless_told_otherwise() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let text = project(&h).document(DOC).unwrap().text.as_str().to_owned();
    press(&mut h, Modifiers::COMMAND, Key::F);
    h.get_by_label("Find").type_text("armenie");
    settle(&mut h);
    let whole: Vec<String> = h
        .state()
        .state
        .find
        .matches
        .iter()
        .map(|m| text.chars().skip(m.start).take(m.len()).collect())
        .collect();
    assert!(!whole.is_empty());
    for m in &h.state().state.find.matches {
        let after = text.chars().nth(m.end);
        assert!(
            !after.is_some_and(char::is_alphanumeric),
            "a match runs on into a word: {whole:?}"
        );
    }
    h.state_mut().state.find.whole_word = false;
    settle(&mut h);
    assert!(
        h.state().state.find.matches.len() > whole.len(),
        "inside “arméniens” too without whole words"
    );
}

#[test]
fn document_status_cycles_from_the_keyboard() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    assert_eq!(project(&h).document(DOC).unwrap().status, Status::Done);
    press(&mut h, Modifiers::COMMAND, Key::D);
    assert_eq!(project(&h).document(DOC).unwrap().status, Status::Todo);
    press(&mut h, Modifiers::COMMAND, Key::D);
    assert_eq!(project(&h).document(DOC).unwrap().status, Status::InProgress);
    assert!(h.state().title().starts_with("● "), "the title marks unsaved changes");
}

#[test]
fn unsaved_changes_guard_asks_save_discard_or_cancel() {
    let (_dir, path) = sample_copy();
    let on_disk = std::fs::read(&path).unwrap();
    let mut h = harness(&path);
    press(&mut h, Modifiers::COMMAND, Key::D);
    h.state_mut().apply(Action::CloseProject);
    settle(&mut h);
    assert!(matches!(modal(&h), Some(Modal::UnsavedChanges { .. })));
    h.get_by_label("Cancel").click();
    settle(&mut h);
    assert!(modal(&h).is_none());
    assert!(h.state().session().is_some(), "cancel keeps the project open");

    h.state_mut().apply(Action::CloseProject);
    settle(&mut h);
    h.get_by_label("Discard").click();
    settle(&mut h);
    assert!(h.state().session().is_none(), "discard closes");
    assert_eq!(std::fs::read(&path).unwrap(), on_disk, "discard writes nothing");

    h.state_mut().open_path(&path);
    h.state_mut().apply(Action::SelectDocument(DOC.into()));
    settle(&mut h);
    press(&mut h, Modifiers::COMMAND, Key::D);
    h.state_mut().apply(Action::Quit);
    settle(&mut h);
    h.get_by_label("Save").click();
    settle(&mut h);
    assert!(h.state().quit_confirmed);
    let saved = persist::open(&path).unwrap();
    assert_eq!(
        saved.document(DOC).unwrap().status,
        Status::Todo,
        "save wrote the change"
    );
}

/// A deletion that would break a relation (the agent of an event cannot
/// be a claim's) is said in the dialog, before it is asked for, and the
/// button waits for another choice.
#[test]
fn deleting_a_label_says_beforehand_when_a_relation_forbids_the_choice() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let choice = |h: &Harness<'_, Workbench>| match &h.state().modal {
        Some(Modal::DeleteLabel { relabel_to, .. }) => relabel_to.clone(),
        _ => panic!("no delete dialog"),
    };
    let why = marginalia::edit::delete_label_problem(project(&h), "event", Some("claim"));
    assert!(why.as_deref().is_some_and(|w| w.contains("relation")), "{why:?}");
    h.state_mut().apply(Action::ConfirmDeleteLabel("event".into()));
    settle(&mut h);
    assert_eq!(choice(&h).as_deref(), Some("claim"), "relabel by default");
    h.get_by_label_contains("This cannot be done:");
    let before = project(&h).clone();
    h.get_by_label("Delete label").click();
    settle(&mut h);
    assert_eq!(project(&h), &before, "the button waits");
    // Deleting the events (their relations go with them) can be done.
    if let Some(Modal::DeleteLabel { relabel_to, .. }) = &mut h.state_mut().modal {
        *relabel_to = None;
    }
    settle(&mut h);
    assert!(h.query_by_label_contains("This cannot be done:").is_none());
    assert!(marginalia::edit::delete_label_problem(project(&h), "event", None).is_none());
}

#[test]
fn schema_editor_renames_and_deletes_labels_undoably() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let original = project(&h).clone();
    h.state_mut().apply(Action::OpenSchemaEditor);
    settle(&mut h);
    let name = h.get_by_label("Name of claim");
    name.focus();
    name.type_text(" (attributed)");
    settle(&mut h);
    h.get_by_label("Apply changes").click();
    settle(&mut h);
    assert_eq!(project(&h).schema.get("claim").unwrap().name, "Claim (attributed)");

    // Deleting a label in use asks what to do with its annotations.
    let claims = original.annotations().iter().filter(|a| a.label == "claim").count();
    h.get_all_by_label("Delete")
        .nth(1)
        .expect("claim's delete button")
        .click();
    settle(&mut h);
    assert!(matches!(modal(&h), Some(Modal::DeleteLabel { count, .. }) if *count == claims));
    // The safe choice is the default: the annotations are kept, relabeled.
    assert!(
        matches!(&modal(&h), Some(Modal::DeleteLabel { relabel_to: Some(l), .. }) if l == "event"),
        "relabel, not delete, by default"
    );
    if let Some(Modal::DeleteLabel { relabel_to, .. }) = &mut h.state_mut().modal {
        *relabel_to = None;
    }
    // The dialog shows the new choice (tried first) before it is clicked.
    settle(&mut h);
    h.get_by_label("Delete label").click();
    settle(&mut h);
    assert!(!project(&h).schema.contains("claim"));
    assert!(project(&h).annotations().iter().all(|a| a.label != "claim"));
    assert_eq!(
        h.state()
            .session()
            .and_then(|s| s.history().undo_description())
            .as_deref(),
        Some("delete label Claim (attributed)"),
        "one step, named"
    );

    press(&mut h, Modifiers::COMMAND, Key::Z);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h), &original);
}

#[test]
fn recovery_copy_is_offered_after_a_crash() {
    let (_dir, path) = sample_copy();
    {
        let mut h = harness(&path);
        press(&mut h, Modifiers::COMMAND, Key::D);
        let target = find(&h, "Les hostilités", 0);
        drag_select(&mut h, target);
        type_key(&mut h, "1");
        h.state_mut().autosave_now().unwrap();
        // The harness is dropped without saving: a crash.
    }
    let mut h = harness(&path);
    assert!(matches!(modal(&h), Some(Modal::Recovery { .. })));
    h.get_by_label_contains("document statuses differ");
    // What the copy adds, tag by tag.
    h.get_by_label(&format!("{DOC}: + event  Les hostilités"));
    h.get_by_label("Restore").click();
    settle(&mut h);
    assert_eq!(project(&h).document(DOC).unwrap().status, Status::Todo);
    assert!(
        project(&h)
            .annotations_of(DOC)
            .iter()
            .any(|a| a.text == "Les hostilités")
    );
    assert!(h.state().has_unsaved_changes());
    assert_eq!(
        persist::open(&path).unwrap().document(DOC).unwrap().status,
        Status::Done,
        "the file is untouched"
    );
}

#[test]
fn changes_on_disk_are_offered_for_reload() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let theirs = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Haut-Karabakh, 1988–2023", "Karabakh (theirs)");
    std::fs::write(&path, theirs).unwrap();
    h.state_mut().check_disk_now();
    settle(&mut h);
    h.get_by_label("Reload").click();
    settle(&mut h);
    assert_eq!(project(&h).name, "Karabakh (theirs)");
}

#[test]
fn saving_over_a_changed_file_asks_first() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    press(&mut h, Modifiers::COMMAND, Key::D);
    let theirs = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Haut-Karabakh, 1988–2023", "Theirs");
    std::fs::write(&path, &theirs).unwrap();
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert!(matches!(modal(&h), Some(Modal::ChangedOnDisk)));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        theirs,
        "nothing was overwritten"
    );
    h.get_by_label("Overwrite with my version").click();
    settle(&mut h);
    assert_eq!(
        persist::open(&path).unwrap().document(DOC).unwrap().status,
        Status::Todo
    );
}

#[test]
fn tags_of_a_changed_text_are_not_drawn_over_it_until_re_anchored() {
    let (dir, path) = sample_copy();
    let mut h = harness(&path);
    // A save keeps the annotated text in the history, to re-anchor from.
    h.state_mut().apply(Action::Save);
    let interfax = find(&h, "Interfax", 0);
    let tagged = project(&h)
        .annotations_of(DOC)
        .iter()
        .find(|a| a.start <= interfax.start && interfax.end <= a.end)
        .expect("a tag over Interfax")
        .id;
    // Another program edits the text: everything shifts by the new words.
    let file = dir.path().join(format!("{DOC}.txt"));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("Mise à jour du texte, nouvelle version. {text}")).unwrap();
    h.state_mut().apply(Action::ReloadFromDisk);
    settle(&mut h);
    assert!(!project(&h).document(DOC).unwrap().text_matches());
    assert!(
        h.query_by_label("text changed: tags not shown until re-anchored")
            .is_some()
    );
    // Where the tag was drawn before, nothing is selectable now.
    let pos = screen_pos(&mut h, interfax.start + 2);
    h.hover_at(pos);
    h.drag_at(pos);
    h.step();
    h.drop_at(pos);
    settle(&mut h);
    assert_ne!(selected(&h), Some(tagged));
    assert_eq!(selected(&h), None);
    // Re-anchoring (from the banner) places them on the new text again.
    h.get_by_label("Re-anchor").click();
    settle(&mut h);
    let a = project(&h).annotation(tagged).unwrap();
    assert!(a.text.contains("Interfax"), "{}", a.text);
    assert!(a.start > interfax.start, "moved with the inserted words");
    assert!(project(&h).document(DOC).unwrap().text_matches());
    assert!(
        h.query_by_label("text changed: tags not shown until re-anchored")
            .is_none()
    );
}

#[test]
fn new_project_and_add_documents_through_dialogs() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("note.txt");
    std::fs::write(&doc, "Erevan, 2023 : une manifestation.").unwrap();
    let dialogs = ScriptedDialogs {
        save: vec![dir.path().join("study").join("study.ron")],
        documents: vec![vec![doc]],
        ..Default::default()
    };
    let wb = Workbench::new(test_settings(), Box::new(dialogs));
    let mut h = harness_of(wb, vec2(1200.0, 800.0));
    h.get_by_label("New project…").click();
    settle(&mut h);
    assert!(dir.path().join("study/study.ron").exists());
    h.state_mut().apply(Action::AddDocuments);
    settle(&mut h);
    let p = project(&h);
    assert_eq!(p.documents.len(), 1);
    assert_eq!(p.documents[0].path, "../note.txt");
    assert_eq!(h.state().state.current_doc.as_deref(), Some("note"));
}

#[test]
fn a_ten_megabyte_document_is_drawn_without_laying_out_the_whole_text() {
    let dir = tempfile::tempdir().unwrap();
    let texts: Vec<String> = ["report-2020-09-27.txt", "report-2023-09-21.txt"]
        .iter()
        .map(|f| std::fs::read_to_string(common::sample_project_path().parent().unwrap().join(f)).unwrap())
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let big = marginalia::synth::synthetic_project(&refs, 10 * 1024 * 1024, 20_000, 1);
    std::fs::write(dir.path().join("synthetic.txt"), big.documents[0].text.as_str()).unwrap();
    let path = dir.path().join("big.ron");
    persist::save(&big, &path).unwrap();
    let mut wb = Workbench::new(test_settings(), Box::new(ScriptedDialogs::default()));
    wb.open_path(&path);
    let mut h = Harness::builder()
        .with_size(vec2(1600.0, 1000.0))
        .with_context_setup(fonts::install)
        .build_ui_state(|ui, wb: &mut Workbench| wb.ui(ui), wb);
    settle(&mut h);
    let view = h.state().current_view().expect("the document view");
    assert!(view.block_count() > 10_000, "{} blocks", view.block_count());
    assert!(view.cached_layouts() < 80, "{} blocks laid out", view.cached_layouts());
    // Jumping to the middle lays out only what is then visible.
    let middle = big.documents[0].text.len_chars() / 2;
    h.state_mut().reveal(middle);
    settle(&mut h);
    let view = h.state().current_view().unwrap();
    let visible = view.visible_range().unwrap();
    assert!(visible.contains(&middle), "{visible:?} should contain {middle}");
    assert!(view.cached_layouts() < 160, "{} blocks laid out", view.cached_layouts());
}

#[test]
fn every_character_of_the_sample_documents_has_a_glyph() {
    let ctx = egui::Context::default();
    fonts::install(&ctx);
    // Fonts take effect at the next frame.
    ctx.run_ui(egui::RawInput::default(), |_| {}).textures_delta.clear();
    let project = persist::open(&common::sample_project_path()).unwrap();
    let font = egui::FontId::proportional(16.0);
    let mut missing = std::collections::BTreeSet::new();
    for doc in &project.documents {
        for c in doc.text.as_str().chars() {
            if !c.is_control() && !ctx.fonts_mut(|f| f.has_glyph(&font, c)) {
                missing.insert(c);
            }
        }
    }
    assert!(missing.is_empty(), "no glyph for {missing:?}");
    // The scripts of the region beyond the samples, the symbols of the
    // workbench's own interface, and emoji as found in quoted tweets.
    let more = "Հայաստան ქართული العربية עברית Россия Ελλάδα · — ’ “ ” … ← → ⏶ ⏷ ▲ ▼ ○ ● ◐ ⚠ ✎ ✕ 👨 🚒 😀";
    let missing: Vec<char> = more
        .chars()
        .filter(|c| !c.is_whitespace() && !ctx.fonts_mut(|f| f.has_glyph(&font, *c)))
        .collect();
    assert!(missing.is_empty(), "no glyph for {missing:?}");
}

/// Clicks at the character `cp` (with `modifiers`), double if `double`.
fn click_at(h: &mut Harness<'_, Workbench>, cp: usize, modifiers: Modifiers, double: bool) {
    let pos = screen_pos(h, cp);
    h.hover_at(pos);
    // Held modifiers stay down across frames, as on a keyboard.
    h.event(Event::ModifiersChanged(modifiers));
    h.step();
    for _ in 0..if double { 2 } else { 1 } {
        for pressed in [true, false] {
            h.event(Event::PointerButton {
                pos,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers,
            });
        }
        h.step();
    }
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    settle(h);
}

#[test]
fn double_click_selects_a_word_and_shift_click_extends() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let word = find(&h, "hostilités", 0);
    click_at(&mut h, word.start + 3, Modifiers::NONE, true);
    assert_eq!(h.state().state.selection.text, Some(word.clone()));
    let next = find(&h, "aggravé", 0);
    click_at(&mut h, next.start + 2, Modifiers::SHIFT, false);
    assert_eq!(
        h.state().state.selection.text,
        Some(word.start..next.end),
        "extended to the whole word"
    );
}

#[test]
fn dragging_a_handle_resizes_the_selected_annotation() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let interfax = find(&h, "agence de presse russe Interfax", 0);
    click_at(&mut h, interfax.start + 3, Modifiers::NONE, false);
    let id = selected(&h).expect("selected");
    // Grab the start handle (just left of the first character) and drop it
    // on "russe": the annotation now starts there.
    let handle = h.state().current_view().unwrap().char_rect(interfax.start).unwrap();
    let grab = handle.center() + vec2(-1.0, 0.0);
    let russe = find(&h, "russe Interfax", 0).start;
    let to = screen_pos(&mut h, russe + 1);
    h.hover_at(grab);
    h.step();
    h.drag_at(grab);
    h.step();
    h.hover_at(grab + vec2(15.0, 0.0));
    h.step();
    h.hover_at(to);
    h.step();
    h.drop_at(to);
    settle(&mut h);
    let a = project(&h).annotation(id).unwrap();
    assert_eq!(a.text, "russe Interfax");
    assert_eq!((a.start, a.end), (russe, interfax.end));
}

#[test]
fn notes_are_edited_in_the_inspector() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let interfax = find(&h, "Interfax", 0);
    click_at(&mut h, interfax.start, Modifiers::NONE, false);
    let id = selected(&h).expect("selected");
    let note = h.get_by_role(egui::Role::MultilineTextInput);
    note.focus();
    note.type_text("agence russe, source secondaire");
    settle(&mut h);
    assert_eq!(
        project(&h).annotation(id).unwrap().note,
        "",
        "not committed while typing"
    );
    h.key_press(Key::Tab);
    settle(&mut h);
    h.remove_cursor();
    h.state_mut().apply(Action::ClearSelection);
    settle(&mut h);
    assert_eq!(
        project(&h).annotation(id).unwrap().note,
        "agence russe, source secondaire"
    );
    h.state_mut().apply(Action::Undo);
    settle(&mut h);
    assert_eq!(project(&h).annotation(id).unwrap().note, "");
}

#[test]
fn clicking_a_row_of_the_list_selects_and_reveals_the_annotation() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let target = project(&h)
        .annotations_of(DOC)
        .iter()
        .find(|a| a.text == "bureau du procureur général azerbaïdjanais")
        .unwrap()
        .clone();
    // The list is virtual: filter it down to the row, then click it.
    let search = h.get_by_label("Search annotations");
    search.focus();
    search.type_text("procureur");
    settle(&mut h);
    assert_eq!(
        h.query_all_by_role(egui::Role::ListItem).count(),
        1,
        "the search leaves one row"
    );
    h.get_by_label(&target.text).click();
    settle(&mut h);
    settle(&mut h);
    assert_eq!(selected(&h), Some(target.id));
    let visible = h.state().current_view().unwrap().visible_range().unwrap();
    assert!(
        visible.contains(&target.start),
        "{visible:?} does not show {}",
        target.start
    );
}

#[test]
fn text_size_follows_ctrl_plus_and_minus() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let base = h.state().settings.text_size();
    press(&mut h, Modifiers::COMMAND, Key::Plus);
    assert!(h.state().settings.text_size() > base);
    press(&mut h, Modifiers::COMMAND, Key::Minus);
    press(&mut h, Modifiers::COMMAND, Key::Minus);
    assert!(h.state().settings.text_size() < base);
    press(&mut h, Modifiers::COMMAND, Key::Num0);
    assert_eq!(h.state().settings.text_size(), base);
}

#[test]
fn compare_view_filters_and_takes_or_restores_versions() {
    use marginalia::gui::compare::Source;
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    // Saving records version 1 of the history: the project as opened.
    press(&mut h, Modifiers::COMMAND, Key::S);
    let saved = project(&h).clone();
    // Two unsaved edits: a new tag, and a deleted one.
    let target = find(&h, "Les hostilités", 0);
    drag_select(&mut h, target);
    type_key(&mut h, "1");
    let added = selected(&h).unwrap();
    let interfax = id_of(&h, "agence de presse russe Interfax");
    h.state_mut()
        .apply(Action::Edit(marginalia::edit::Command::DeleteAnnotations(vec![
            interfax,
        ])));
    settle(&mut h);

    h.state_mut()
        .apply(Action::StartComparison(Source::Snapshot(1), Source::Current));
    settle(&mut h);
    let counts = h.state().state.comparison.as_ref().expect("comparing").diff.counts();
    assert_eq!((counts.added, counts.removed), (1, 1));
    // The status bar speaks of the compared document, not the one behind.
    h.get_by_label("report-2023-09-21");
    h.get_by_label("2 changes here · 2 in all");
    assert!(h.query_by_label_contains("annotations here").is_none());

    // Side by side, the two panes start at the same height whatever the
    // length of their names.
    h.get_by_label("Side by side").click();
    settle(&mut h);
    let tops: Vec<f32> = h.get_all_by_label("Document text").map(|n| n.rect().top()).collect();
    assert_eq!(tops.len(), 2, "two views side by side");
    assert!((tops[0] - tops[1]).abs() < 0.5, "panes start at {tops:?}");
    h.get_by_label("Inline").click();
    settle(&mut h);

    // Hide additions: one change is left in the list.
    h.get_by_label("added").click();
    settle(&mut h);
    assert_eq!(h.state().state.comparison.as_ref().unwrap().visible_changes().len(), 1);

    // Restore A's version of the deletion: Interfax is back in the project.
    h.get_by_label_contains("agence de presse russe Interfax").click();
    settle(&mut h);
    h.get_by_label_contains("Restore A's version").click();
    settle(&mut h);
    assert!(project(&h).annotation(interfax).is_some());
    assert_eq!(
        h.state().state.comparison.as_ref().unwrap().diff.counts().removed,
        0,
        "compared again"
    );
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(
        project(&h).annotation(interfax).is_none(),
        "taking a version is undoable"
    );
    press(&mut h, Modifiers::COMMAND, Key::Y);

    // The other way round: B is the saved version, take B's version of the
    // new tag (it is absent there), and the raw tab shows the files' diff.
    h.get_by_label("Close comparison").click();
    settle(&mut h);
    h.state_mut()
        .apply(Action::StartComparison(Source::Current, Source::Snapshot(1)));
    settle(&mut h);
    h.get_by_label_contains("Les hostilités").click();
    settle(&mut h);
    h.get_by_label_contains("Take B's version").click();
    settle(&mut h);
    assert!(project(&h).annotation(added).is_none());
    let left = marginalia::diff::diff(&saved, project(&h));
    assert!(
        left.changes.is_empty(),
        "the project has the saved annotations again: {:?}",
        left.counts()
    );
    // The raw tab: the restored Interfax annotation differs from the saved
    // line by its modification time, so its line shows as removed and added.
    h.get_by_label("Raw RON diff").click();
    settle(&mut h);
    let raw = h
        .state()
        .state
        .comparison
        .as_ref()
        .unwrap()
        .raw_lines()
        .expect("the raw diff was computed");
    use marginalia::diff::raw::RawLine;
    assert!(
        raw.iter()
            .any(|l| matches!(l, RawLine::Removed(t) if t.contains("agence de presse russe Interfax")))
    );
    assert!(
        raw.iter()
            .any(|l| matches!(l, RawLine::Added(t) if t.contains("agence de presse russe Interfax")))
    );
    // The whole line is there to scroll to, its end included: the row is
    // wider than the window when the line is.
    let row = h.get_by_label_contains("+        (id:");
    let window = h.ctx.content_rect().width();
    assert!(row.rect().width() > window, "{} <= {window}", row.rect().width());
}

fn id_of(h: &Harness<'_, Workbench>, text: &str) -> marginalia::model::AnnotationId {
    project(h)
        .annotations_of(DOC)
        .iter()
        .find(|a| a.text == text)
        .expect(text)
        .id
}

#[test]
fn a_changed_document_is_reanchored_from_the_banner_and_orphans_can_be_attached() {
    let (dir, path) = sample_copy();
    let mut h = harness(&path);
    // Saving keeps the document texts in the history.
    press(&mut h, Modifiers::COMMAND, Key::S);
    let doc_file = dir.path().join("report-2023-09-21.txt");
    let old = std::fs::read_to_string(&doc_file).unwrap();
    let new = format!("Mise à jour du 22 septembre.\n\n{old}").replace(
        "Le bureau du procureur général azerbaïdjanais a déclaré",
        "Le parquet a déclaré",
    );
    std::fs::write(&doc_file, &new).unwrap();
    h.state_mut().open_path(&path);
    h.state_mut().apply(Action::SelectDocument(DOC.into()));
    settle(&mut h);
    let before = project(&h).clone();
    let moscou = id_of(&h, "Moscou");
    let prosecutor = id_of(&h, "bureau du procureur général azerbaïdjanais");

    h.get_by_label("Re-anchor").click();
    settle(&mut h);
    let p = project(&h);
    assert!(
        p.documents.iter().all(|d| d.text_matches()),
        "the document now matches its text"
    );
    let a = p.annotation(moscou).unwrap();
    assert_eq!(p.document(DOC).unwrap().text.slice(a.range()), Some("Moscou"));
    // The prosecutor's office was replaced by "parquet": the span follows it.
    assert_eq!(p.annotation(prosecutor).unwrap().text, "parquet");
    assert!(p.orphans.is_empty());

    // Undo brings back the old anchors; delete a sentence instead and
    // attach the orphan to a new selection.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h), &before);
    let last = new.rfind("Le parquet a déclaré").unwrap();
    let deleted = new[..last].to_owned();
    std::fs::write(&doc_file, &deleted).unwrap();
    h.state_mut().open_path(&path);
    h.state_mut().apply(Action::SelectDocument(DOC.into()));
    settle(&mut h);
    h.get_by_label("Re-anchor").click();
    settle(&mut h);
    let orphans: Vec<_> = project(&h).orphans.iter().map(|o| o.text.clone()).collect();
    assert_eq!(
        orphans.len(),
        2,
        "the office and the claim of the deleted sentence: {orphans:?}"
    );
    assert!(project(&h).orphans.iter().any(|o| o.id == prosecutor));
    let target = find(&h, "Mise à jour du 22 septembre", 0);
    drag_select(&mut h, target);
    // The office's orphan is listed first (orphans are in document order).
    h.get_all_by_label("Attach to selection")
        .next()
        .expect("an attach button")
        .click();
    settle(&mut h);
    let attached = project(&h).annotation(prosecutor).expect("attached again");
    assert_eq!(attached.text, "Mise à jour du 22 septembre");
    assert_eq!(project(&h).orphans.len(), 1);
}

/// Runs frames until `done` holds (background work), for at most ~20 s.
fn run_until(h: &mut Harness<'_, Workbench>, done: impl Fn(&Workbench) -> bool) {
    for _ in 0..1000 {
        if done(h.state()) {
            settle(h);
            return;
        }
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("the background work did not finish");
}

#[test]
fn export_dialog_previews_filters_and_exports_in_the_background() {
    use egui_kittest::kittest::NodeT;
    let (dir, path) = sample_copy();
    let out = dir.path().join("out").join("claims-events.csv");
    let dialogs = ScriptedDialogs {
        export_targets: vec![out.clone()],
        ..Default::default()
    };
    let mut h = harness_with(&path, dialogs);
    press(&mut h, Modifiers::COMMAND, Key::E);
    assert!(h.state().state.export.is_some(), "Ctrl+E opens the export dialog");
    h.get_by_label("4 document(s), 156 annotation(s) will be exported.");
    // The first record, key by key.
    h.get_by_label("  \"id\": \"report-2020-09-27\",");

    h.get_by_label("Export format").click();
    settle(&mut h);
    h.get_by_label_contains("CSV — one row per annotation").click();
    settle(&mut h);
    // Leave the actors out: the dialog's checkbox.
    let window = h.get_by_label("Export dataset");
    let actor = window
        .query_all_by_label("Actor")
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::CheckBox)
        .expect("the Actor checkbox");
    actor.click();
    settle(&mut h);
    let project = persist::load(&path).unwrap().project;
    let expected = project.annotations().iter().filter(|a| a.label != "actor").count();
    h.get_by_label(&format!("4 document(s), {expected} annotation(s) will be exported."));
    h.get_by_label_contains("document,start,end,label,text,note,author");

    h.get_by_label("Choose…").click();
    settle(&mut h);
    assert_eq!(
        h.state().state.export.as_ref().unwrap().target.as_deref(),
        Some(out.as_path())
    );
    h.get_by_label("Export").click();
    run_until(&mut h, |wb| {
        wb.state.export.as_ref().is_some_and(|d| d.outcome.is_some())
    });
    h.get_by_label_contains(&format!("Exported 4 document(s), {expected} annotation(s) to"));
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
    assert_eq!(rows.len(), expected);
    assert!(rows.iter().all(|r| &r[3] != "actor" && &r[11] == "codepoint"));
}

#[test]
fn import_dialog_reads_first_then_creates_and_opens_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("doccano.jsonl");
    // doccano counts UTF-16 units: 👍 is two.
    std::fs::write(
        &good,
        "{\"text\": \"👍 Bakou accuse Erevan\", \"label\": [[3, 8, \"LOC\"], [16, 22, \"LOC\"]]}\n\
         {\"text\": \"Aliyev 🇦🇲 parle\", \"label\": [[0, 6, \"PER\"]]}\n\
         {\"text\": broken}\n",
    )
    .unwrap();
    let target = dir.path().join("new").join("imported.ron");
    let dialogs = ScriptedDialogs {
        import_inputs: vec![vec![good]],
        save: vec![target.clone()],
        ..Default::default()
    };
    let wb = Workbench::new(test_settings(), Box::new(dialogs));
    let mut h = harness_of(wb, vec2(1200.0, 900.0));
    h.get_by_label("Import dataset…").click();
    settle(&mut h);
    h.get_by_label("Import offsets").click();
    settle(&mut h);
    h.get_by_label_contains("UTF-16 code units").click();
    settle(&mut h);
    h.get_by_label("Choose files…").click();
    run_until(&mut h, |wb| wb.state.import.as_ref().is_some_and(|d| d.read.is_some()));
    // The broken line refuses the whole input, and nothing is written.
    h.get_by_label_contains("doccano.jsonl:3: not valid JSON at column 10");
    assert!(h.query_by_label("Create project…").is_none());
    assert!(!dir.path().join("new").exists());

    h.get_by_label("Import what is valid and list what is skipped").click();
    run_until(&mut h, |wb| {
        wb.state.import.as_ref().is_some_and(|d| d.imported().is_some())
    });
    h.get_by_label("2 document(s), 3 annotation(s); labels: LOC, PER");
    h.get_by_label("1 skipped");
    let skipped = h.state().state.import.as_ref().unwrap().imported().unwrap().skipped[0].to_string();
    h.get_by_label(&skipped); // the skipped line is listed
    h.get_by_label("Create project…").click();
    settle(&mut h);
    assert!(h.state().state.import.is_none(), "the dialog closes");
    let p = project(&h);
    assert_eq!(p.name, "imported");
    let spans: Vec<&str> = p.annotations().iter().map(|a| a.text.as_str()).collect();
    assert_eq!(spans, ["Bakou", "Erevan", "Aliyev"]);
    assert!(
        p.annotations()
            .iter()
            .all(|a| a.author == h.state().session().unwrap().author)
    );
    assert!(target.exists());
    assert!(persist::load(&target).unwrap().problems.is_empty());
}

/// A second annotator's copy of the sample: some tags relabeled, some
/// missing, one added. Saved beside the sample as `ben.ron`.
fn second_annotator(path: &Path) -> PathBuf {
    use marginalia::edit::{Command, new_annotation};
    let mut ben = persist::open(path).unwrap();
    let ids: Vec<_> = ben.annotations().iter().map(|a| (a.id, a.label.clone())).collect();
    for (k, (id, label)) in ids.iter().enumerate() {
        if k % 9 == 0 {
            Command::DeleteAnnotations(vec![*id]).apply(&mut ben).unwrap();
        } else if k % 6 == 0 {
            let other = if label == "claim" { "event" } else { "claim" };
            // A relabel the structure refuses (a claimant would end on an
            // event, a claim's polarity on an event) is not made.
            let _ = Command::Relabel {
                ids: vec![*id],
                label: other.into(),
                at: marginalia::model::Timestamp::now(),
            }
            .apply(&mut ben);
        }
    }
    let text = ben.document(DOC).unwrap().text.clone();
    let byte = text.as_str().find("Les hostilités").unwrap();
    let start = text.char_of_byte(byte).unwrap();
    let a = new_annotation(
        &ben,
        DOC,
        start..start + 14,
        "event",
        "ben",
        marginalia::model::Timestamp::now(),
    )
    .unwrap();
    Command::AddAnnotations(vec![a]).apply(&mut ben).unwrap();
    let out = path.with_file_name("ben.ron");
    persist::save(&ben, &out).unwrap();
    out
}

/// A review of the sample (Ana's copy) against Ben's, opened with
/// Review → Compare annotators… (its shortcut); the gold project is new, to
/// be saved as `gold/gold.ron`. Returns the folder, the gold path and the
/// harness.
fn open_review<'a>() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf, Harness<'a, Workbench>) {
    let (dir, ana) = sample_copy();
    let ben = second_annotator(&ana);
    let gold_path = dir.path().join("gold").join("gold.ron");
    std::fs::create_dir(gold_path.parent().unwrap()).unwrap();
    let dialogs = ScriptedDialogs {
        projects: vec![vec![ana.clone(), ben.clone()], vec![ana.clone(), ben.clone()]],
        save: vec![gold_path.clone()],
        ..Default::default()
    };
    let wb = Workbench::new(test_settings(), Box::new(dialogs));
    let mut h = harness_of(wb, vec2(1600.0, 1100.0));
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::R);
    assert!(h.state().state.review.is_some(), "a review is open");
    (dir, ana, ben, gold_path, h)
}

/// The review's first open item of `kind`, other than `except`.
fn open_item(
    h: &Harness<'_, Workbench>,
    kind: Option<marginalia::agreement::PairKind>,
    except: Option<usize>,
) -> usize {
    use marginalia::gui::review::ItemState;
    let review = h.state().state.review.as_ref().unwrap();
    (0..review.adjudication.items.len())
        .filter(|&i| Some(i) != except)
        .filter(|&i| match kind {
            Some(k) => review.adjudication.items[i].kind == k,
            None => review.adjudication.items[i].kind != marginalia::agreement::PairKind::Agree,
        })
        .find(|&i| item_state(h, i) == ItemState::Open)
        .expect("an open item of that kind")
}

#[test]
fn a_review_shows_the_librarys_figures_and_focuses_the_first_disagreement() {
    let (_dir, ana, ben, _gold, h) = open_review();
    let review = h.state().state.review.as_ref().unwrap();
    let expected = marginalia::agreement::compare(
        "karabakh.ron",
        &persist::open(&ana).unwrap(),
        "ben.ron",
        &persist::open(&ben).unwrap(),
        &Default::default(),
    );
    assert_eq!(
        review.report.pairs[0].overall, expected.overall,
        "the panel shows the library's figures"
    );
    assert!(review.adjudication.disagreements().count() > 10);
    assert!(project(&h).annotations().is_empty(), "the gold project starts empty");
    assert_eq!(
        review.current,
        review.adjudication.disagreements().next(),
        "focus on the first disagreement"
    );
    h.get_by_label("overall");
}

#[test]
fn agreements_in_one_step_then_keyboard_decisions_move_the_focus_on() {
    use marginalia::agreement::adjudicate::{DECISION, Decision, SOURCE, State};
    use marginalia::gui::review::ItemState;
    let (_dir, _ana, _ben, _gold, mut h) = open_review();
    let review = h.state().state.review.as_ref().unwrap();
    let disagreements = review.adjudication.disagreements().count();
    let agreements = review.adjudication.items.len() - disagreements;
    h.get_by_label(&format!("Accept all agreements ({agreements})")).click();
    settle(&mut h);
    assert_eq!(project(&h).annotations().len(), agreements);
    assert!(
        project(&h)
            .annotations()
            .iter()
            .all(|g| g.meta[DECISION] == "agreement" && g.meta[SOURCE] == "karabakh.ron + ben.ron")
    );
    // Alt+A accepts A's version of the item in focus; focus moves on.
    let first = focused_item(&h).unwrap();
    press(&mut h, Modifiers::ALT, Key::A);
    assert_eq!(
        item_state(&h, first),
        ItemState::Decided {
            decision: Decision::AcceptA,
            edited: false
        }
    );
    let second = focused_item(&h).unwrap();
    assert_ne!(second, first, "on to the next open disagreement");
    // The counts kept up item by item equal a full re-reading of the gold project.
    let review = h.state().state.review.as_ref().unwrap();
    let full = review.adjudication.states(project(&h));
    let open = review
        .adjudication
        .disagreements()
        .filter(|&i| full[i] == State::Open)
        .count();
    assert_eq!(review.open_disagreements(), open);
    assert_eq!(open, disagreements - 1);
    // Reject both from the button, then undo it: open again, and in focus.
    h.get_by_label("Reject both").click();
    settle(&mut h);
    assert_eq!(item_state(&h, second), ItemState::Rejected);
    assert_ne!(focused_item(&h), Some(second), "moved on");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(item_state(&h, second), ItemState::Open);
    assert_eq!(focused_item(&h), Some(second), "the undo focuses the item it reopened");
}

#[test]
fn accepting_b_takes_bs_version_with_its_provenance_and_undoes() {
    use marginalia::agreement::adjudicate::SOURCE_B;
    let (_dir, _ana, _ben, _gold, mut h) = open_review();
    let label_item = open_item(&h, Some(marginalia::agreement::PairKind::Label), None);
    h.state_mut().apply(Action::ReviewSelect(label_item));
    settle(&mut h);
    let b = h.state().state.review.as_ref().unwrap().adjudication.items[label_item]
        .b
        .clone()
        .expect("a label difference has B's side");
    let before = project(&h).annotations().len();
    press(&mut h, Modifiers::ALT, Key::B);
    let taken = project(&h)
        .annotations()
        .iter()
        .find(|g| g.meta.get(SOURCE_B) == Some(&b.id.to_string()))
        .expect("B's annotation is in the gold project");
    assert_eq!(
        (taken.start, taken.end, taken.label.as_str()),
        (b.start, b.end, b.label.as_str())
    );
    assert_eq!(taken.meta[marginalia::agreement::adjudicate::SOURCE], "ben.ron");
    assert_eq!(project(&h).annotations().len(), before + 1);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h).annotations().len(), before, "undo takes it out again");
}

#[test]
fn edit_takes_a_version_and_relabeling_it_marks_the_item_edited() {
    use marginalia::gui::review::ItemState;
    let (_dir, _ana, _ben, _gold, mut h) = open_review();
    // Edit…: takes the focused item's A version (B's when A has none) and
    // selects it in the inspector.
    let item_index = open_item(&h, None, None);
    h.state_mut().apply(Action::ReviewSelect(item_index));
    settle(&mut h);
    h.get_by_label("Edit…").click();
    settle(&mut h);
    let item = h.state().state.review.as_ref().unwrap().adjudication.items[item_index].clone();
    let source = item.a.as_ref().or(item.b.as_ref()).unwrap();
    let chosen = selected(&h).expect("the taken annotation is selected");
    let taken = project(&h).annotation(chosen).unwrap().clone();
    assert_eq!((taken.start, taken.end), (source.start, source.end));
    let other_label = if taken.label == "claim" { "event" } else { "claim" };
    h.state_mut().apply(Action::RelabelSelected(other_label.into()));
    settle(&mut h);
    let state = item_state(&h, item_index);
    assert!(matches!(state, ItemState::Decided { edited: true, .. }), "{state:?}");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(project(&h).annotation(chosen).is_none(), "both steps undo");
}

#[test]
fn a_gold_project_saved_elsewhere_is_continued_another_day() {
    use marginalia::agreement::adjudicate::{Decision, SOURCE_A, SOURCE_B};
    use marginalia::gui::review::ItemState;
    let (_dir, _ana, _ben, gold_path, mut h) = open_review();
    press(&mut h, Modifiers::ALT, Key::G);
    press(&mut h, Modifiers::ALT, Key::A);
    let rejected = open_item(&h, None, None);
    h.state_mut().apply(Action::ReviewDecide {
        item: rejected,
        decision: Decision::RejectBoth,
    });
    settle(&mut h);
    let kept = project(&h).annotations().len();
    // Save As into another folder: documents are found from there, the
    // rejection is kept beside it.
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    assert!(!h.state().has_unsaved_changes());
    assert!(persist::review::rejections_path(&gold_path).exists());
    let count = h.state().state.review.as_ref().unwrap().adjudication.items.len();
    let states_before: Vec<ItemState> = (0..count).map(|i| item_state(&h, i)).collect();
    assert_eq!(states_before[rejected], ItemState::Rejected);
    let gold = persist::open(&gold_path).expect("the gold project loads without problems");
    assert_eq!(gold.annotations().len(), kept);
    assert!(
        gold.documents.iter().all(|d| d.path.starts_with("../")),
        "paths relative to the gold file"
    );
    assert!(
        gold.annotations()
            .iter()
            .all(|g| g.meta.contains_key(SOURCE_A) || g.meta.contains_key(SOURCE_B))
    );
    // Another day: open the gold project and continue the adjudication in it.
    h.state_mut().apply(Action::CloseReview);
    h.state_mut().open_path(&gold_path);
    settle(&mut h);
    assert!(h.state().state.review.is_none());
    h.state_mut().apply(Action::OpenReview { into_current: true });
    settle(&mut h);
    assert_eq!(
        h.state().session().unwrap().path(),
        Some(gold_path.as_path()),
        "still the gold project"
    );
    let states_after: Vec<ItemState> = (0..count).map(|i| item_state(&h, i)).collect();
    assert_eq!(states_after, states_before, "decisions and rejections read back");
    assert_eq!(
        focused_item(&h).map(|i| states_after[i]),
        Some(ItemState::Open),
        "focus on an open one"
    );
}

#[test]
fn merge_conflicts_are_shown_and_resolved_from_the_banner() {
    use marginalia::edit::Command;
    let (_dir, path) = sample_copy();
    let base = persist::open(&path).unwrap();
    // A tag with no relations or attributes: both relabels are allowed.
    let target = base
        .annotations_of(DOC)
        .iter()
        .find(|a| a.attrs.is_empty() && base.relations().iter().all(|r| !r.touches(a.id)))
        .unwrap()
        .clone();
    let relabel = |label: &str| {
        let mut p = base.clone();
        Command::Relabel {
            ids: vec![target.id],
            label: label.into(),
            at: marginalia::model::Timestamp::now(),
        }
        .apply(&mut p)
        .unwrap();
        p
    };
    // The two labels it does not have: both sides change it, differently.
    let others: Vec<&str> = ["event", "claim", "actor"]
        .into_iter()
        .filter(|l| *l != target.label)
        .collect();
    let (ours_label, theirs_label) = (others[0], others[1]);
    let (ours, theirs) = (relabel(ours_label), relabel(theirs_label));
    let merged = marginalia::merge::merge(&base, &ours, &theirs);
    assert_eq!(merged.annotation_conflicts, 1);
    persist::save(&merged.project, &path).unwrap();

    let mut h = harness(&path);
    assert_eq!(h.state().state.conflicts.ids, vec![target.id]);
    h.get_by_label_contains("1 merge conflict(s)");
    h.get_by_label("Next conflict").click();
    settle(&mut h);
    assert_eq!(selected(&h), Some(target.id));
    h.get_by_label("Use theirs' version").click();
    settle(&mut h);
    let a = project(&h).annotation(target.id).unwrap();
    assert_eq!(a.label, theirs_label);
    assert!(!marginalia::merge::has_conflict(a));
    assert!(h.state().state.conflicts.ids.is_empty());
    press(&mut h, Modifiers::COMMAND, Key::Z);
    let a = project(&h).annotation(target.id).unwrap();
    assert_eq!(a.label, ours_label, "undo brings the conflict back");
    assert!(marginalia::merge::has_conflict(a));
    // Keeping ours resolves it too.
    h.get_by_label("Keep this version").click();
    settle(&mut h);
    let a = project(&h).annotation(target.id).unwrap();
    assert_eq!(a.label, ours_label);
    assert!(a.meta.is_empty());
}

/// A third annotator with a label of her own: switching the pair under
/// review brings her label into the gold project, and rejections made for
/// one pair still stand when coming back to it.
#[test]
fn review_of_three_annotators_switches_pairs_keeping_rejections_and_labels() {
    use marginalia::edit::{Command, new_annotation};
    use marginalia::gui::review::ItemState;
    use marginalia::model::{Colour, Label, Timestamp};
    let (_dir, ana) = sample_copy();
    let ben = second_annotator(&ana);
    let mut carla = persist::open(&ana).unwrap();
    Command::AddLabel {
        label: Label {
            id: "place".into(),
            name: "Place".into(),
            colour: Colour([10, 120, 90]),
            hotkey: Some('9'),
            guideline: String::new(),
            kind: Default::default(),
        },
        index: 3,
    }
    .apply(&mut carla)
    .unwrap();
    let text = carla.document(DOC).unwrap().text.clone();
    let start = text.char_of_byte(text.as_str().find("Stepanakert").unwrap()).unwrap();
    let a = new_annotation(&carla, DOC, start..start + 11, "place", "carla", Timestamp::now()).unwrap();
    Command::AddAnnotations(vec![a]).apply(&mut carla).unwrap();
    let carla_path = ana.with_file_name("carla.ron");
    persist::save(&carla, &carla_path).unwrap();

    let wb = Workbench::new(test_settings(), Box::new(ScriptedDialogs::default()));
    let mut h = harness_of(wb, vec2(1600.0, 1100.0));
    h.state_mut().apply(Action::StartReview {
        paths: vec![ana, ben, carla_path],
        into_current: false,
    });
    settle(&mut h);
    let review = h.state().state.review.as_ref().expect("reviewing");
    assert_eq!(review.report.pairs.len(), 3);
    assert!(!project(&h).schema.contains("place"), "the first pair does not use it");
    let rejected = review.current.expect("a disagreement in focus");
    h.state_mut().apply(Action::ReviewDecideCurrent(
        marginalia::agreement::adjudicate::Decision::RejectBoth,
    ));
    settle(&mut h);

    // Ana and Carla: her label comes in (one undoable step) with its
    // hotkey, and her tag can be accepted.
    h.state_mut().apply(Action::ReviewPair(0, 2));
    settle(&mut h);
    let place = project(&h)
        .schema
        .get("place")
        .expect("Carla's label was added")
        .clone();
    assert_eq!(place.hotkey, Some('9'));
    let (item, kind) = {
        let review = h.state().state.review.as_ref().unwrap();
        assert_eq!(review.pair, (0, 2));
        let i = (0..review.adjudication.items.len())
            .find(|&i| {
                review.adjudication.items[i]
                    .b
                    .as_ref()
                    .is_some_and(|b| b.label == "place")
            })
            .expect("Carla's tag is an item");
        (i, review.adjudication.items[i].kind)
    };
    assert_eq!(kind, marginalia::agreement::PairKind::OnlyB);
    h.state_mut().apply(Action::ReviewDecide {
        item,
        decision: marginalia::agreement::adjudicate::Decision::AcceptB,
    });
    settle(&mut h);
    assert!(project(&h).annotations().iter().any(|g| g.label == "place"));

    // Back to Ana and Ben: the rejection still stands.
    h.state_mut().apply(Action::ReviewPair(0, 1));
    settle(&mut h);
    let wb = h.state();
    let review = wb.state.review.as_ref().unwrap();
    assert_eq!(
        review.state(rejected, wb.session().unwrap().history()),
        ItemState::Rejected
    );
}

/// Focusing a disagreement far down another document opens that document
/// scrolled to it, in the gold view and on both sides: views made fresh
/// for it scroll as well as views already drawn.
#[test]
fn focusing_a_disagreement_in_another_document_scrolls_every_view_to_it() {
    let (_dir, ana) = sample_copy();
    let ben = second_annotator(&ana);
    let mut wb = Workbench::new(test_settings(), Box::new(ScriptedDialogs::default()));
    wb.apply(Action::StartReview {
        paths: vec![ana, ben],
        into_current: false,
    });
    let mut h = harness_of(wb, vec2(1600.0, 1000.0));
    let (item, doc, start) = {
        let review = h.state().state.review.as_ref().expect("a review is open");
        let current_doc = h.state().state.current_doc.clone().unwrap();
        let (i, item) = review
            .adjudication
            .items
            .iter()
            .enumerate()
            .filter(|(_, it)| it.kind.is_disagreement() && it.doc != current_doc)
            .max_by_key(|(_, it)| it.start())
            .expect("a disagreement in another document");
        (i, item.doc.clone(), item.start())
    };
    assert!(start > 3_000, "far enough down not to be on screen unscrolled: {start}");
    h.state_mut().apply(Action::ReviewSelect(item));
    settle(&mut h);
    let wb = h.state();
    assert_eq!(wb.state.current_doc.as_deref(), Some(doc.as_str()));
    let review = wb.state.review.as_ref().unwrap();
    for (name, view) in [
        ("gold", wb.current_view()),
        ("A", review.side_view(0)),
        ("B", review.side_view(1)),
    ] {
        let shown = view.and_then(|v| v.visible_range()).expect(name);
        assert!(shown.contains(&start), "{name} shows {shown:?}, not {start}");
    }
}

/// Alt+↓/↑ walk the annotation list as it is filtered (selecting and
/// scrolling to each), Ctrl+PageDown/PageUp the documents.
#[test]
fn the_keyboard_walks_annotations_and_documents() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let in_order: Vec<_> = project(&h)
        .annotations_of(DOC)
        .iter()
        .map(|a| (a.id, a.label.clone()))
        .collect();

    press(&mut h, Modifiers::ALT, Key::ArrowDown);
    assert_eq!(selected(&h), Some(in_order[0].0), "nothing selected: the first one");
    press(&mut h, Modifiers::ALT, Key::ArrowDown);
    press(&mut h, Modifiers::ALT, Key::ArrowDown);
    assert_eq!(selected(&h), Some(in_order[2].0));
    press(&mut h, Modifiers::ALT, Key::ArrowUp);
    assert_eq!(selected(&h), Some(in_order[1].0));

    // The list shows claims only: the walk does too.
    for label in ["event", "actor"] {
        h.state_mut()
            .state
            .annotation_list
            .filters
            .hidden_labels
            .push(label.into());
    }
    let claims: Vec<_> = in_order
        .iter()
        .filter(|(_, l)| l == "claim")
        .map(|(id, _)| *id)
        .collect();
    press(&mut h, Modifiers::ALT, Key::ArrowDown);
    let k = claims.iter().position(|&id| Some(id) == selected(&h)).expect("a claim");
    press(&mut h, Modifiers::ALT, Key::ArrowDown);
    assert_eq!(selected(&h), Some(claims[k + 1]));
    // The last one far down: selected and scrolled to.
    for _ in 0..claims.len() {
        press(&mut h, Modifiers::ALT, Key::ArrowDown);
    }
    let last = claims[claims.len() - 1];
    assert_eq!(selected(&h), Some(last));
    let start = project(&h).annotation(last).unwrap().start;
    let shown = h.state().current_view().and_then(|v| v.visible_range()).unwrap();
    assert!(shown.contains(&start), "{shown:?} shows {start}");
    assert_eq!(message(&h), Some("No annotation after this one in the list"));

    let docs: Vec<String> = project(&h).documents.iter().map(|d| d.id.clone()).collect();
    let here = docs.iter().position(|d| d == DOC).unwrap();
    press(&mut h, Modifiers::COMMAND, Key::PageDown);
    assert_eq!(h.state().state.current_doc.as_deref(), Some(docs[here + 1].as_str()));
    assert_eq!(selected(&h), None, "a new document starts with nothing selected");
    press(&mut h, Modifiers::COMMAND, Key::PageUp);
    press(&mut h, Modifiers::COMMAND, Key::PageUp);
    assert_eq!(h.state().state.current_doc.as_deref(), Some(docs[here - 1].as_str()));
}

/// F1 shows the shortcuts; F1 again or Esc puts them away (Esc then
/// clears the selection as before).
#[test]
fn the_shortcuts_window_opens_and_closes_from_the_keyboard() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let shown = |h: &Harness<'_, Workbench>| h.state().state.show_shortcuts;
    press(&mut h, Modifiers::NONE, Key::F1);
    assert!(shown(&h));
    h.get_by_label("Next annotation in the list");
    press(&mut h, Modifiers::NONE, Key::F1);
    assert!(!shown(&h));
    press(&mut h, Modifiers::NONE, Key::F1);
    press(&mut h, Modifiers::ALT, Key::ArrowDown);
    assert!(selected(&h).is_some());
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(!shown(&h));
    assert!(selected(&h).is_some(), "the first Esc closes the window only");
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert_eq!(selected(&h), None);
}

/// File → Save version with note… (Ctrl+Alt+S): the note typed and Enter
/// save, and the note is in the version history.
#[test]
fn save_version_with_note_from_the_keyboard() {
    use marginalia::persist::history::VersionHistory;
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let target = find(&h, "Les hostilités", 0);
    drag_select(&mut h, target);
    type_key(&mut h, "1");
    press(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::S);
    assert!(modal(&h).is_some(), "the note dialog is open");
    // The dialog's field has the keyboard (the inspector has a "Note" too).
    h.event(Event::Text("before review".into()));
    settle(&mut h);
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert!(modal(&h).is_none(), "Enter saves and closes");
    assert!(!h.state().session().unwrap().is_dirty());
    // The snapshot is recorded on a thread: waited for.
    h.state_mut().session_mut().unwrap().wait_for_snapshots();
    let versions = VersionHistory::of(&path).versions().unwrap();
    assert_eq!(versions.last().map(|v| v.message.as_str()), Some("before review"));
}

#[test]
fn a_new_label_takes_its_id_from_its_name_until_it_is_used() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    h.state_mut().apply(Action::OpenSchemaEditor);
    settle(&mut h);
    h.get_by_label("Add label").click();
    settle(&mut h);
    let added = project(&h).schema.labels.last().unwrap().id.clone();
    assert_eq!(added, "label_4", "a new label's id comes from its first name");
    h.state_mut()
        .state
        .schema_editor
        .as_mut()
        .unwrap()
        .draft_mut(&added)
        .unwrap()
        .name = "Place".into();
    settle(&mut h);
    h.get_by_label("Apply changes").click();
    settle(&mut h);
    let place = project(&h).schema.labels.last().unwrap().clone();
    assert_eq!((place.id.as_str(), place.name.as_str()), ("place", "Place"));
    // Used, it keeps its id; the status bar says its name.
    let erevan = find(&h, "Erevan", 0);
    select_text(&mut h, erevan);
    h.state_mut().apply(Action::TagSelection("place".into()));
    settle(&mut h);
    assert_eq!(message(&h), Some("Tag “Erevan” as Place"));
    h.state_mut()
        .state
        .schema_editor
        .as_mut()
        .unwrap()
        .draft_mut("place")
        .unwrap()
        .name = "Lieu".into();
    settle(&mut h);
    h.get_by_label("Apply changes").click();
    settle(&mut h);
    let renamed = project(&h).schema.labels.last().unwrap().clone();
    assert_eq!((renamed.id.as_str(), renamed.name.as_str()), ("place", "Lieu"));
    // Undo goes back through both steps.
    h.state_mut().apply(Action::Undo);
    h.state_mut().apply(Action::Undo);
    h.state_mut().apply(Action::Undo);
    settle(&mut h);
    assert_eq!(project(&h).schema.labels.last().unwrap().id, "label_4");
}

#[test]
fn the_command_palette_finds_and_runs_every_command() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    assert!(
        h.state().state.command_palette.is_some(),
        "Ctrl+Shift+P opens the palette"
    );
    h.get_by_label("Command").type_text("dataset export");
    settle(&mut h);
    assert!(h.query_by_label_contains("Export dataset…").is_some());
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert!(
        h.state().state.command_palette.is_none(),
        "running a command closes the palette"
    );
    assert!(h.state().state.export.is_some(), "Enter ran Export dataset…");
    // Arrows choose among the matches; Esc closes without running anything.
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    h.get_by_label("Command").type_text("next");
    settle(&mut h);
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(h.state().state.command_palette.is_none());
}

#[test]
fn the_annotator_is_asked_once_before_the_first_tag_without_a_name() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    h.state_mut().session.as_mut().unwrap().author = marginalia::user::UNKNOWN_AUTHOR.into();
    h.state_mut().settings.author.clear();
    let target = find(&h, "Les hostilités", 0);
    select_text(&mut h, target.clone());
    let before = project(&h).annotations().len();
    type_key(&mut h, "1");
    assert!(
        matches!(modal(&h), Some(Modal::AskAuthor { .. })),
        "the name is asked before anything is recorded"
    );
    assert_eq!(project(&h).annotations().len(), before);
    h.get_by_label("Your name").type_text("Léa Martin");
    settle(&mut h);
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert!(modal(&h).is_none());
    let added = project(&h)
        .annotations_of(DOC)
        .iter()
        .find(|a| a.range() == target && a.label == "event")
        .expect("the waiting tag was made")
        .clone();
    assert_eq!(added.author, "Léa Martin");
    assert_eq!(h.state().settings.author, "Léa Martin", "kept in the settings");
    // Not asked again.
    let next = find(&h, "Moscou", 0);
    select_text(&mut h, next);
    type_key(&mut h, "2");
    assert!(modal(&h).is_none());
}

#[test]
fn without_a_system_file_dialog_marginalias_own_picker_takes_over() {
    let (dir, path) = sample_copy();
    let dialogs = ScriptedDialogs {
        no_dialogs: true,
        ..Default::default()
    };
    let mut h = harness_with(&path, dialogs);
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    let picker = h.state().state.file_picker.as_ref().expect("the own picker opens");
    assert!(picker.reason.contains("not available"), "it says why");
    assert!(picker.path.ends_with("karabakh.ron"), "{}", picker.path);
    // Type a new name into the path field and save.
    let target = dir.path().join("copy").join("gold.ron");
    std::fs::create_dir(target.parent().unwrap()).unwrap();
    h.state_mut().state.file_picker.as_mut().unwrap().path = target.display().to_string();
    settle(&mut h);
    h.get_by_label("Save").click();
    settle(&mut h);
    assert!(h.state().state.file_picker.is_none());
    assert_eq!(h.state().session().unwrap().path(), Some(target.as_path()));
    let saved = persist::open(&target).expect("saved there, documents found from the new folder");
    assert_eq!(saved.annotations().len(), project(&h).annotations().len());
    // Open… lists the folder; Tab completes a path typed in part; Esc
    // closes without choosing.
    press(&mut h, Modifiers::COMMAND, Key::O);
    assert!(h.state().state.file_picker.is_some());
    assert!(h.query_by_label("gold.ron").is_some(), "the project is listed");
    let partial = dir.path().join("co").display().to_string();
    h.state_mut().state.file_picker.as_mut().unwrap().path = partial;
    h.get_by_label("Path").focus();
    settle(&mut h);
    press(&mut h, Modifiers::NONE, Key::Tab);
    let completed = h.state().state.file_picker.as_ref().unwrap().path.clone();
    assert_eq!(
        completed,
        format!("{}{}", dir.path().join("copy").display(), std::path::MAIN_SEPARATOR),
        "Tab completed the folder"
    );
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(h.state().state.file_picker.is_none());
}

#[test]
fn discarding_changes_to_open_another_project_asks_once() {
    let (dir, path) = sample_copy();
    let other = dir.path().join("other.ron");
    std::fs::copy(&path, &other).unwrap();
    let dialogs = ScriptedDialogs {
        open: vec![other.clone()],
        ..Default::default()
    };
    let mut h = harness_with(&path, dialogs);
    press(&mut h, Modifiers::COMMAND, Key::D);
    assert!(h.state().has_unsaved_changes());
    press(&mut h, Modifiers::COMMAND, Key::O);
    assert!(matches!(modal(&h), Some(Modal::UnsavedChanges { .. })));
    h.get_by_label("Discard").click();
    settle(&mut h);
    assert!(modal(&h).is_none(), "not asked a second time after the file dialog");
    assert_eq!(h.state().session().unwrap().path(), Some(other.as_path()));
    // The next project change asks again.
    press(&mut h, Modifiers::COMMAND, Key::D);
    press(&mut h, Modifiers::COMMAND, Key::O);
    assert!(matches!(modal(&h), Some(Modal::UnsavedChanges { .. })));
}

#[test]
fn zooming_keeps_the_selected_annotation_in_view() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let a = project(&h).annotations_of(DOC).last().unwrap().clone();
    h.state_mut().apply(Action::SelectAnnotation(Some(a.id)));
    settle(&mut h);
    assert!(
        h.state().current_view().unwrap().char_rect(a.start).is_some(),
        "selected and shown"
    );
    for key in [Key::Plus, Key::Plus, Key::Num0, Key::Minus] {
        press(&mut h, Modifiers::COMMAND, key);
        // Long enough for every estimated height around the target to be
        // measured and for any correction to have moved the view.
        h.run_steps(15);
        let rect = h.state().current_view().unwrap().char_rect(a.start);
        let window = h.ctx.content_rect();
        assert!(
            rect.is_some_and(|r| window.contains(r.center())),
            "after {key:?} the selection at {} is off screen: {rect:?}, view shows {:?}",
            a.start,
            h.state().current_view().unwrap().visible_range()
        );
    }
}

#[test]
fn resizing_the_window_keeps_the_selected_annotation_in_view() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let annotations = project(&h).annotations_of(DOC).to_vec();
    for a in [&annotations[annotations.len() / 2], annotations.last().unwrap()] {
        h.set_size(vec2(1600.0, 1100.0));
        h.state_mut().apply(Action::SelectAnnotation(Some(a.id)));
        h.run_steps(15);
        for size in [vec2(900.0, 700.0), vec2(1300.0, 600.0), vec2(1600.0, 1100.0)] {
            h.set_size(size);
            h.run_steps(15);
            let rect = h.state().current_view().unwrap().char_rect(a.start);
            let window = h.ctx.content_rect();
            assert!(
                rect.is_some_and(|r| window.contains(r.center())),
                "at {size:?} the selection at {} is off screen: {rect:?}",
                a.start
            );
        }
    }
}

#[test]
fn dialog_windows_open_below_the_menu_bar() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let menu_bottom = h.get_by_label("File").rect().max.y;
    for (action, title) in [
        (Action::OpenSchemaEditor, "Labels"),
        (Action::OpenExport, "Export dataset"),
        (Action::OpenImport, "Import dataset"),
        (Action::ShowShortcuts, "Keyboard shortcuts"),
    ] {
        h.state_mut().apply(action);
        settle(&mut h);
        let top = h
            .get_all_by_label(title)
            .map(|n| n.rect().min.y)
            .fold(f32::INFINITY, f32::min);
        assert!(
            top.is_finite() && top >= menu_bottom,
            "the {title} window starts at y={top}, over the menu bar (which ends at {menu_bottom})"
        );
        press(&mut h, Modifiers::NONE, Key::Escape);
        settle(&mut h);
    }
}

#[test]
fn in_a_small_window_the_side_panels_give_way_to_the_text() {
    let (_dir, path) = sample_copy();
    let mut wb = Workbench::new(test_settings(), Box::new(ScriptedDialogs::default()));
    wb.open_path(&path);
    wb.apply(Action::SelectDocument(DOC.into()));
    let h = harness_of(wb, vec2(1000.0, 700.0));
    let text = h.get_by_label("Document text").rect().width();
    assert!(text >= 480.0, "the text column is {text} px wide in a 1000 px window");
}

#[test]
fn an_unsaved_gold_project_has_a_recovery_copy_offered_at_the_next_start() {
    let (dir, ana) = sample_copy();
    let ben = second_annotator(&ana);
    let settings = Settings {
        file: Some(dir.path().join("config/settings.ron")),
        ..test_settings()
    };
    let dialogs = ScriptedDialogs {
        projects: vec![vec![ana, ben]],
        ..Default::default()
    };
    let wb = Workbench::new(settings.clone(), Box::new(dialogs));
    let mut h = harness_of(wb, vec2(1600.0, 1100.0));
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::R);
    assert!(
        h.state().session().unwrap().path().is_none(),
        "a new gold project has no file"
    );
    press(&mut h, Modifiers::ALT, Key::G);
    let kept = project(&h).annotations().len();
    assert!(kept > 0);
    h.state_mut().autosave_now().unwrap();
    drop(h); // a crash: nothing saved
    let copies: Vec<_> = std::fs::read_dir(dir.path().join("config/unsaved")).unwrap().collect();
    assert_eq!(copies.len(), 1);

    // The next start offers it; restored, its documents are found.
    let mut wb = Workbench::new(settings, Box::new(ScriptedDialogs::default()));
    wb.offer_unsaved_copies();
    let mut h = harness_of(wb, vec2(1400.0, 900.0));
    assert!(matches!(modal(&h), Some(Modal::RecoverUnsaved { annotations, .. }) if *annotations == kept));
    h.get_by_label("Restore").click();
    settle(&mut h);
    let restored = project(&h);
    assert_eq!(restored.annotations().len(), kept);
    assert!(
        restored.documents.iter().all(|d| d.text_matches()),
        "texts read from their files"
    );
    assert!(h.state().has_unsaved_changes());
}

#[test]
fn esc_closes_an_open_dialog_before_it_clears_the_selection() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let a = project(&h).annotations_of(DOC)[0].id;
    h.state_mut().apply(Action::SelectAnnotation(Some(a)));
    press(&mut h, Modifiers::COMMAND, Key::E);
    assert!(h.state().state.export.is_some());
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(h.state().state.export.is_none(), "Esc closes the export dialog");
    assert_eq!(selected(&h), Some(a), "and leaves the selection alone");
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert_eq!(selected(&h), None, "a second Esc clears it");
}

#[test]
fn a_discontinuous_claim_is_one_annotation_without_its_gap() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let claim = project(&h)
        .annotations_of(DOC)
        .iter()
        .find(|a| a.is_discontinuous())
        .expect("the sample's interrupted quotation")
        .clone();
    let pieces = claim.pieces();
    // Bring it into view, then click inside its second piece: the claim.
    h.state_mut().apply(Action::SelectAnnotation(Some(claim.id)));
    settle(&mut h);
    h.state_mut().apply(Action::SelectAnnotation(None));
    settle(&mut h);
    click_at(&mut h, pieces[1].start + 3, Modifiers::NONE, false);
    assert_eq!(selected(&h), Some(claim.id), "a piece selects the whole annotation");
    // In the gap ("a déclaré"), the claim is not there.
    let gap = pieces[0].end + 3;
    let under: Vec<_> = project(&h)
        .annotations_of(DOC)
        .iter()
        .filter(|a| a.start <= gap && gap < a.end && a.id != claim.id)
        .map(|a| a.id)
        .collect();
    assert!(under.is_empty(), "the click below lands on no other annotation");
    click_at(&mut h, gap, Modifiers::NONE, false);
    assert_eq!(selected(&h), None, "the gap is not the claim's");
    // The inspector says what it is: two pieces, its polarity, its claimant.
    h.state_mut().apply(Action::SelectAnnotation(Some(claim.id)));
    settle(&mut h);
    h.get_by_label_contains("2 pieces:");
    h.get_by_label("Polarity of the selected annotation");
    let claimant = project(&h)
        .relations_touching(DOC, claim.id)
        .find(|r| r.kind == "claimant")
        .expect("its claimant")
        .clone();
    h.get_by_label(&marginalia::gui::panels::structure::relation_text(
        project(&h),
        &claimant,
        claim.id,
    ));
}

#[test]
fn deleting_an_annotation_says_its_relations_go_too_and_undo_brings_them_back() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let before = project(&h).clone();
    let linked = before
        .annotations_of(DOC)
        .iter()
        .find(|a| before.relations_touching(DOC, a.id).count() == 1)
        .expect("an annotation with one relation")
        .clone();
    h.state_mut().apply(Action::SelectAnnotation(Some(linked.id)));
    settle(&mut h);
    press(&mut h, Modifiers::NONE, Key::Delete);
    assert!(project(&h).annotation(linked.id).is_none());
    assert_eq!(project(&h).relations().len(), before.relations().len() - 1);
    let undo = h
        .state()
        .session()
        .unwrap()
        .history()
        .undo_description()
        .unwrap_or_default();
    assert_eq!(undo, "delete 1 annotation and its 1 relation");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h), &before);
}
