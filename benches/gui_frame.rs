//! Frame times of the document view on the 10 MB / 100,000-annotation
//! project, headless: an `egui::Context` at 1600×1000 runs the whole
//! workbench (`ctx.run_ui` + tessellation) for the first frame after the
//! project opens, idle frames, wheel scrolling (50 px a frame) and page
//! jumps (a screen a frame), then reports resident memory.
//!
//! Targets: first frame < 150 ms, idle p95 < 1 ms, wheel p95 < 4 ms,
//! page jump p95 < 8 ms; with the project's 50,000 relations, wheel p95
//! < 4 ms with the selected annotation's arrows and < 8 ms with all in
//! view, making a relation < 16 ms, an attribute set on 10,000
//! annotations < 200 ms; resident memory < 400 MB.
//!
//! Then the same for a review of that project against a changed copy
//! (Review → Compare annotators), reported without targets: start, first
//! and idle frames, accepting all agreements, and deciding disagreements
//! from the keyboard with the gold project full (the worst case: one
//! document holding 90,000 gold annotations).
//!
//! Run with `cargo bench --bench gui_frame`.

mod common;

use std::time::{Duration, Instant};

use common::{large_project, ms, write_project};
use egui::{Event, Key, Modifiers, MouseWheelUnit, Pos2, vec2};

#[path = "common/frames.rs"]
mod frames;

use frames::{Runner, figure, p95, report, resident_mb};

/// The code points on screen.
fn visible(r: &Runner) -> std::ops::Range<usize> {
    r.workbench
        .current_view()
        .and_then(|v| v.visible_range())
        .expect("the document view is on screen")
}

fn main() {
    let project = large_project();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_project(&project, dir.path());
    drop(project);

    let mut r = Runner::start();

    let t = Instant::now();
    r.workbench.open_path(&path);
    let open = t.elapsed();
    println!("open (load + validate, not a frame) {:>7.1} ms", ms(open));
    let first = r.frame(Vec::new());
    report("first frame after open", ms(first), "ms", 150.0);

    for _ in 0..5 {
        r.frame(Vec::new());
    }
    let mut idle: Vec<Duration> = (0..200).map(|_| r.frame(Vec::new())).collect();
    report("idle frame p95", ms(p95(&mut idle)), "ms", 1.0);

    // Wheel scrolling over the text, 50 points a frame.
    let over_text = Pos2::new(700.0, 500.0);
    r.frame(vec![Event::PointerMoved(over_text)]);
    let wheel = || Event::MouseWheel {
        unit: MouseWheelUnit::Point,
        delta: vec2(0.0, -50.0),
        modifiers: Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    };
    let before = visible(&r);
    let mut scrolling: Vec<Duration> = (0..300).map(|_| r.frame(vec![wheel()])).collect();
    report("wheel scroll p95 (50 px)", ms(p95(&mut scrolling)), "ms", 4.0);
    let after = visible(&r);
    println!("  visible text moved from {before:?} to {after:?}");
    assert!(after.start > before.start, "the wheel did not scroll");

    // Page Down: a whole screen of new text every frame.
    let page = || Event::Key {
        key: Key::PageDown,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: Modifiers::NONE,
    };
    let before = visible(&r);
    let mut paging: Vec<Duration> = (0..200).map(|_| r.frame(vec![page()])).collect();
    report("page jump p95 (a screen)", ms(p95(&mut paging)), "ms", 8.0);
    let after = visible(&r);
    println!("  visible text moved from {before:?} to {after:?}");
    assert!(after.start > before.end, "paging did not move by screens");

    structure(&mut r);

    if let Some(view) = r.workbench.current_view() {
        println!(
            "document: {} blocks, {} layouts cached, visible {:?}",
            view.block_count(),
            view.cached_layouts(),
            view.visible_range()
        );
    }
    match resident_mb() {
        Some(mb) => report("resident memory", mb, "MB", 400.0),
        None => println!("resident memory: not available on this platform"),
    }
    review(&mut r, &path, dir.path());
}

/// Relations and attributes (50,000 relations in the project): wheel
/// scrolling with the selected annotation's arrows drawn, then with every
/// relation in view drawn, making a relation, and setting an attribute on
/// 10,000 annotations in one step.
fn structure(r: &mut Runner) {
    use marginalia::gui::action::Action;
    use marginalia::model::{AttrValue, Owner};
    let wheel = |dy: f32| Event::MouseWheel {
        unit: MouseWheelUnit::Point,
        delta: vec2(0.0, dy),
        modifiers: Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    };
    // The annotation in view with the most relations, selected.
    let vis = visible(r);
    let (doc, selected) = {
        let p = r.workbench.project().expect("open");
        let doc = p.documents[0].id.clone();
        let in_view = p.annotations_of(&doc).iter().filter(|a| vis.contains(&a.start));
        let best = in_view
            .max_by_key(|a| p.relations_touching(&doc, a.id).count())
            .expect("an annotation in view");
        println!(
            "  selected: {} relation(s) of the annotation at {}",
            p.relations_touching(&doc, best.id).count(),
            best.start
        );
        (doc, best.id)
    };
    r.workbench.apply(Action::SelectAnnotation(Some(selected)));
    for _ in 0..5 {
        r.frame(Vec::new());
    }
    let arrows = r.workbench.current_view().map_or(0, |v| v.arrows_last_frame.len());
    // Up and down around the selection, so that its arrows stay drawn.
    let mut selected_scroll: Vec<Duration> = (0..300)
        .map(|i| r.frame(vec![wheel(if (i / 10) % 2 == 0 { -50.0 } else { 50.0 })]))
        .collect();
    report("wheel p95, selected's arrows", ms(p95(&mut selected_scroll)), "ms", 4.0);
    println!("  {arrows} arrow(s) drawn");

    r.workbench.apply(Action::ToggleAllRelations);
    r.frame(Vec::new());
    let mut all_scroll: Vec<Duration> = (0..300).map(|_| r.frame(vec![wheel(-50.0)])).collect();
    report("wheel p95, all relations", ms(p95(&mut all_scroll)), "ms", 8.0);
    let arrows = r.workbench.current_view().map_or(0, |v| v.arrows_last_frame.len());
    println!("  {arrows} arrow(s) drawn in the last frame");
    r.workbench.apply(Action::ToggleAllRelations);

    // Polarity on 10,000 claims in one step.
    let owners: Vec<Owner> = {
        let p = r.workbench.project().expect("open");
        p.annotations()
            .iter()
            .filter(|a| a.label == "claim" && a.attrs.get("polarity") != Some(&AttrValue::Text("denies".into())))
            .take(10_000)
            .map(|a| Owner::Annotation(a.id))
            .collect()
    };
    assert_eq!(owners.len(), 10_000, "10,000 claims to set");
    let t = Instant::now();
    r.workbench.apply(Action::SetAttr {
        owners,
        key: "polarity".into(),
        value: Some(AttrValue::Text("denies".into())),
    });
    let edit = t.elapsed();
    let frame = r.frame(Vec::new());
    report("set polarity on 10,000", ms(edit), "ms", 200.0);
    // The next frame re-indexes the document's annotations for drawing.
    println!("  and the frame after it {:.1} ms", ms(frame));
    let undo = r
        .workbench
        .session()
        .and_then(|s| s.history().undo_description())
        .unwrap_or_default();
    assert_eq!(undo, "set polarity to denies on 10000 annotations");
    // A relation between two annotations in view, and its frame.
    let vis = visible(r);
    let (from, to) = {
        let p = r.workbench.project().expect("open");
        let mut in_view = p.annotations_of(&doc).iter().filter(|a| vis.contains(&a.start));
        let a = in_view.next().expect("one");
        let b = in_view
            .find(|b| {
                !p.relations_of(&doc)
                    .iter()
                    .any(|x| x.kind == "related" && x.from == a.id && x.to == b.id)
            })
            .expect("another");
        (a.id, b.id)
    };
    let before = r.workbench.project().map_or(0, |p| p.relations().len());
    // As in the workbench: the annotation is selected first (Ctrl+K then
    // picks the other end).
    r.workbench.apply(Action::SelectAnnotation(Some(from)));
    for _ in 0..5 {
        r.frame(Vec::new());
    }
    let t = Instant::now();
    r.workbench.apply(Action::Relate {
        kind: "related".into(),
        from,
        to,
    });
    let edit = t.elapsed();
    r.frame(Vec::new());
    report("make a relation + its frame", ms(t.elapsed()), "ms", 16.0);
    println!("  of which the edit {:.1} ms", ms(edit));
    let next: Vec<f64> = (0..3).map(|_| ms(r.frame(Vec::new()))).collect();
    println!("  the frames after: {next:.1?} ms");
    assert_eq!(
        r.workbench.project().map_or(0, |p| p.relations().len()),
        before + 1,
        "related"
    );

    // Both undone, so that the review below starts from the saved project.
    r.workbench.apply(Action::Undo);
    r.workbench.apply(Action::Undo);
    assert!(!r.workbench.has_unsaved_changes(), "{:?}", r.workbench.state.message);
    r.workbench.apply(Action::SelectAnnotation(None));
    r.frame(Vec::new());
}

/// Review → Compare annotators on the large project against a copy with
/// one annotation in ten changed: starting the review (two 22 MB files
/// loaded, compared, aligned), then frames of the review layout (A and B
/// side by side above the gold view, the figures and item panel).
fn review(r: &mut Runner, path: &std::path::Path, dir: &std::path::Path) {
    use marginalia::gui::action::Action;
    let a = marginalia::persist::open(path).expect("the project");
    let b = common::changed_copy(&a, 10, 7, 0x0bcd_0000_0000);
    let other = dir.join("b");
    std::fs::create_dir(&other).expect("folder");
    let b_path = write_project(&b, &other);
    drop((a, b));
    let t = Instant::now();
    r.workbench.apply(Action::StartReview {
        paths: vec![path.to_owned(), b_path],
        into_current: false,
    });
    println!(
        "review: start (2 files loaded, compared, aligned) {:>7.1} ms",
        ms(t.elapsed())
    );
    let Some(review) = r.workbench.state.review.as_ref() else {
        panic!(
            "no review: {:?} (modal: {})",
            r.workbench.state.message,
            r.workbench.modal.is_some()
        );
    };
    println!(
        "review: {} items, {} disagreements",
        review.adjudication.items.len(),
        review.adjudication.disagreements().count()
    );
    let first = r.frame(Vec::new());
    figure("review: first frame", ms(first), "ms");
    let key = |k: Key| Event::Key {
        key: k,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: Modifiers::ALT,
    };
    for _ in 0..5 {
        r.frame(Vec::new());
    }
    let mut idle: Vec<Duration> = (0..100).map(|_| r.frame(Vec::new())).collect();
    figure("review: idle frame p95", ms(p95(&mut idle)), "ms");
    // Accept all agreements (one step), then decide from the keyboard:
    // Alt+A, Alt+N, a frame each, with the gold project full.
    let t = Instant::now();
    r.frame(vec![key(Key::G)]);
    println!("review: accept all agreements (a frame) {:>7.1} ms", ms(t.elapsed()));

    let mut deciding: Vec<Duration> = (0..50)
        .map(|i| r.frame(vec![key(if i % 2 == 0 { Key::A } else { Key::N })]))
        .collect();
    figure("review: decide/next frame p95", ms(p95(&mut deciding)), "ms");
    let gold = r.workbench.project().map_or(0, |p| p.annotations().len());
    println!("review: {gold} annotations in the gold project after the keyboard pass");
    assert!(gold > 0, "the keyboard pass accepted nothing");
    match resident_mb() {
        Some(mb) => println!("resident memory with the review open: {mb:.0} MB"),
        None => println!("resident memory: not available on this platform"),
    }
}
