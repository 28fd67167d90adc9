//! The workbench's structure, driven headless: relations made from the
//! keyboard, drawn as arrows and followed, deleted from the inspector;
//! attributes set from their keys, their widgets and on many annotations
//! at once; entities added from an attribute. Each with Undo and Redo.

use super::*;
use marginalia::gui::panels::structure::relation_text;
use marginalia::model::{AnnotationId, AttrValue, Owner};

fn undo_text(h: &Harness<'_, Workbench>) -> String {
    h.state()
        .session()
        .and_then(|s| s.history().undo_description())
        .unwrap_or_default()
}

/// A claim of the document with no target yet (every claim here has its
/// claimant already).
fn unlinked_claim(p: &Project) -> marginalia::model::Annotation {
    p.annotations_of(DOC)
        .iter()
        .find(|a| a.label == "claim" && !p.relations_of(DOC).iter().any(|r| r.from == a.id && r.kind == "target"))
        .expect("a claim without a target")
        .clone()
}

#[test]
fn a_relation_is_made_from_the_keyboard_named_in_undo_and_undone() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let claim = unlinked_claim(project(&h));
    h.state_mut().apply(Action::SelectAnnotation(Some(claim.id)));
    settle(&mut h);
    press(&mut h, Modifiers::COMMAND, Key::K);
    let linking = h.state().state.linking.clone().expect("Ctrl+K starts linking");
    assert_eq!(linking.from, claim.id);
    let first = linking.current(project(&h)).expect("a candidate");
    // The arrows move between candidates; the view shows a dashed arrow.
    press(&mut h, Modifiers::NONE, Key::ArrowRight);
    let second = h.state().state.linking.as_ref().and_then(|l| l.current(project(&h)));
    assert!(
        second.is_some() && second != Some(first),
        "→ moves to another candidate"
    );
    let arrows = &h.state().current_view().expect("a view").arrows_last_frame;
    assert!(arrows.iter().any(|a| a.preview), "the link being made is drawn");
    press(&mut h, Modifiers::NONE, Key::ArrowLeft);
    let target = project(&h).annotation(first).expect("there").clone();
    // Enter: the claim has its claimant already, so target is the one
    // type left and needs no choice (the choice is the library's test).
    let relations = project(&h).relations().len();
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert!(h.state().state.linking.is_none(), "done");
    let made = project(&h)
        .relations_of(DOC)
        .iter()
        .find(|r| r.from == claim.id && r.to == target.id && r.kind == "target")
        .expect("the relation")
        .clone();
    assert_eq!(made.kind, "target");
    assert_eq!(made.author, "gui-test");
    assert_eq!(project(&h).relations().len(), relations + 1);
    let undo = undo_text(&h);
    assert!(undo.starts_with("relate target: “"), "{undo}");
    assert!(undo.contains(" → “"), "{undo}");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(project(&h).relation(made.id).is_none(), "undone");
    press(&mut h, Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z);
    assert_eq!(project(&h).relation(made.id), Some(&made), "redone exactly");
}

#[test]
fn typing_narrows_the_candidates_and_escape_cancels() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let claim = unlinked_claim(project(&h));
    h.state_mut().apply(Action::SelectAnnotation(Some(claim.id)));
    settle(&mut h);
    press(&mut h, Modifiers::COMMAND, Key::K);
    let all = h.state().state.linking.as_ref().expect("linking").narrowed(project(&h));
    let far = project(&h)
        .annotation(*all.last().expect("candidates"))
        .expect("there")
        .clone();
    type_key(&mut h, &far.text);
    let linking = h.state().state.linking.clone().expect("still linking");
    assert_eq!(
        linking.typed, far.text,
        "typing goes to the loop, not to the label keys"
    );
    assert_eq!(linking.current(project(&h)), Some(far.id));
    assert_eq!(
        project(&h).annotation(claim.id).map(|a| a.label.as_str()),
        Some("claim")
    );
    press(&mut h, Modifiers::NONE, Key::Escape);
    let linking = h
        .state()
        .state
        .linking
        .clone()
        .expect("the first Esc takes back the typing");
    assert!(linking.typed.is_empty());
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(h.state().state.linking.is_none(), "the second cancels");
    assert_eq!(selected(&h), Some(claim.id), "the selection stays");
}

#[test]
fn the_selected_annotations_relations_are_arrows_and_a_label_click_selects_one() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let p = project(&h).clone();
    let r = p
        .relations_of(DOC)
        .iter()
        .find(|r| r.kind == "claimant")
        .expect("a claimant")
        .clone();
    // Nothing selected: no arrows (by default only the selected's).
    settle(&mut h);
    assert!(h.state().current_view().expect("view").arrows_last_frame.is_empty());
    h.state_mut().apply(Action::SelectAnnotation(Some(r.from)));
    settle(&mut h);
    let arrows = h.state().current_view().expect("view").arrows_last_frame.clone();
    let arrow = arrows
        .iter()
        .find(|a| a.relation == Some(r.id))
        .expect("the claim's claimant is drawn");
    assert!(arrow.label.starts_with("Claimant"), "{}", arrow.label);
    assert!(!arrow.selected);
    // Both ends in view: a click on its label selects the relation, and
    // the inspector opens its editor.
    h.get_by_role_and_label(egui::accesskit::Role::Link, &arrow.label)
        .click();
    settle(&mut h);
    assert_eq!(h.state().state.selection.relation, Some(r.id));
    assert_eq!(selected(&h), Some(r.from), "the claim stays selected");
    h.get_by_label("Note of the relation");
    let arrows = &h.state().current_view().expect("view").arrows_last_frame;
    assert!(
        arrows.iter().any(|a| a.relation == Some(r.id) && a.selected),
        "drawn heavier"
    );
    // Another annotation selected: the relation is no longer.
    h.state_mut().apply(Action::SelectAnnotation(Some(r.to)));
    settle(&mut h);
    assert_eq!(h.state().state.selection.relation, None);
    // Show all: every relation with an end in view.
    h.state_mut().apply(Action::ToggleAllRelations);
    h.state_mut().apply(Action::SelectAnnotation(None));
    settle(&mut h);
    let all = h.state().current_view().expect("view").arrows_last_frame.len();
    assert!(all > 1, "{all} arrows with all shown");
    // A type unticked above the list is not drawn.
    h.get_by_role_and_label(egui::accesskit::Role::CheckBox, "Claimant")
        .click();
    settle(&mut h);
    assert_eq!(h.state().state.hidden_relation_types, ["claimant"]);
    let arrows = &h.state().current_view().expect("view").arrows_last_frame;
    assert!(arrows.len() < all && arrows.iter().all(|a| !a.label.starts_with("Claimant")));
}

#[test]
fn the_inspector_goes_to_a_relations_other_end_and_deletes_it_undoably() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let p = project(&h).clone();
    let r = p
        .relations_of(DOC)
        .iter()
        .find(|r| r.kind == "claimant")
        .expect("a claimant")
        .clone();
    h.state_mut().apply(Action::SelectAnnotation(Some(r.from)));
    settle(&mut h);
    h.get_by_label(&relation_text(&p, &r, r.from)).click();
    settle(&mut h);
    assert_eq!(selected(&h), Some(r.to), "the other end");
    // From the actor's side the relation reads backwards; ✕ deletes it.
    let backwards = relation_text(&p, &r, r.to);
    assert!(backwards.starts_with("← Claimant “"), "{backwards}");
    h.get_by_label(&backwards);
    h.get_by_label(&format!("Delete: {backwards}")).click();
    settle(&mut h);
    assert!(project(&h).relation(r.id).is_none());
    assert!(
        undo_text(&h).starts_with("delete the relation claimant: “"),
        "{}",
        undo_text(&h)
    );
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h).relation(r.id), Some(&r));
}

#[test]
fn an_attribute_value_is_set_from_its_key_and_on_many_annotations_in_one_step() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let claim = project(&h)
        .annotations_of(DOC)
        .iter()
        .find(|a| a.label == "claim" && a.attrs.get("polarity") == Some(&AttrValue::Text("affirms".into())))
        .expect("an affirmed claim")
        .clone();
    h.state_mut().apply(Action::SelectAnnotation(Some(claim.id)));
    settle(&mut h);
    // `-` is the key of polarity's value "denies" (no label has it).
    type_key(&mut h, "-");
    let polarity = |h: &Harness<'_, Workbench>| {
        project(h)
            .annotation(claim.id)
            .and_then(|a| a.attrs.get("polarity").cloned())
    };
    assert_eq!(polarity(&h), Some(AttrValue::Text("denies".into())));
    assert_eq!(undo_text(&h), "set polarity to denies");
    h.get_by_label("Polarity of the selected annotation");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(polarity(&h), Some(AttrValue::Text("affirms".into())));
    // A label's key still relabels (it comes first): `2` is claim's own.
    // Many at once: every claim of the document hedged, one step.
    let claims: Vec<AnnotationId> = project(&h)
        .annotations_of(DOC)
        .iter()
        .filter(|a| a.label == "claim")
        .map(|a| a.id)
        .collect();
    let before = project(&h).clone();
    let unhedged = claims
        .iter()
        .filter(|id| before.annotation(**id).and_then(|a| a.attrs.get("hedged")) != Some(&AttrValue::Flag(true)))
        .count();
    h.state_mut().apply(Action::SetAttr {
        owners: claims.iter().map(|id| Owner::Annotation(*id)).collect(),
        key: "hedged".into(),
        value: Some(AttrValue::Flag(true)),
    });
    settle(&mut h);
    assert!(
        claims
            .iter()
            .all(|id| project(&h).annotation(*id).and_then(|a| a.attrs.get("hedged")) == Some(&AttrValue::Flag(true)))
    );
    assert_eq!(undo_text(&h), format!("set hedged to true on {unhedged} annotations"));
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(
        project(&h).annotations(),
        before.annotations(),
        "one undo puts every one back"
    );
}

#[test]
fn a_new_entity_is_added_from_an_attribute_and_referred_to() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let actor = project(&h)
        .annotations_of(DOC)
        .iter()
        .find(|a| a.label == "actor")
        .expect("an actor")
        .clone();
    let entities = project(&h).schema.entities.len();
    h.state_mut().apply(Action::NewEntity {
        name: "Ruben Vardanyan".into(),
        owner: Owner::Annotation(actor.id),
        key: "refers_to".into(),
    });
    settle(&mut h);
    let p = project(&h);
    assert_eq!(p.schema.entities.len(), entities + 1);
    let e = p.schema.entity("ruben_vardanyan").expect("the new entity");
    assert_eq!(e.name, "Ruben Vardanyan");
    assert_eq!(
        p.annotation(actor.id).and_then(|a| a.attrs.get("refers_to")),
        Some(&AttrValue::Text("ruben_vardanyan".into()))
    );
    assert_eq!(undo_text(&h), "add the entity Ruben Vardanyan and refer to it");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h).schema.entities.len(), entities);
    assert_eq!(project(&h).annotation(actor.id), Some(&actor));
}

#[test]
fn a_multi_selection_in_the_list_takes_one_value_in_one_step() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    // The list shows only claims.
    h.state_mut().state.annotation_list.filters.hidden_labels = vec!["event".into(), "actor".into()];
    settle(&mut h);
    let claims: Vec<marginalia::model::Annotation> = project(&h)
        .annotations_of(DOC)
        .iter()
        .filter(|a| a.label == "claim")
        .cloned()
        .collect();
    let total = project(&h).annotations_of(DOC).len();
    h.get_by_label(&format!("{} shown of {total} in this document", claims.len()));
    let row =
        |a: &marginalia::model::Annotation| marginalia::gui::view::shorten(&a.text.replace(['\n', '\r'], " "), 60);
    h.get_by_label(&row(&claims[0])).click();
    settle(&mut h);
    h.get_by_label(&row(&claims[1])).click_modifiers(Modifiers::COMMAND);
    settle(&mut h);
    assert_eq!(
        h.state().state.annotation_list.picked,
        [claims[0].id, claims[1].id],
        "Ctrl-click adds"
    );
    h.get_by_label(&row(&claims[3])).click_modifiers(Modifiers::SHIFT);
    settle(&mut h);
    let picked = h.state().state.annotation_list.picked.clone();
    assert_eq!(
        picked,
        [claims[1].id, claims[2].id, claims[3].id],
        "Shift-click: from the last one clicked"
    );
    h.get_by_label("3 annotations selected");
    // `-` (denies) on all three, one step.
    let affirming = picked
        .iter()
        .filter(|id| {
            project(&h).annotation(**id).and_then(|a| a.attrs.get("polarity"))
                != Some(&AttrValue::Text("denies".into()))
        })
        .count();
    let before = project(&h).clone();
    type_key(&mut h, "-");
    for id in &picked {
        assert_eq!(
            project(&h).annotation(*id).and_then(|a| a.attrs.get("polarity")),
            Some(&AttrValue::Text("denies".into()))
        );
    }
    assert_eq!(
        undo_text(&h),
        format!("set polarity to denies on {affirming} annotations")
    );
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h).annotations(), before.annotations(), "one undo");
    // Ctrl+A: every row of the filtered list; Esc lets go.
    press(&mut h, Modifiers::COMMAND, Key::A);
    assert_eq!(h.state().state.annotation_list.picked.len(), claims.len());
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(h.state().state.annotation_list.picked.is_empty());
}

/// Selects `range` by dragging with Ctrl held (which keeps the selected
/// annotation).
fn ctrl_drag_select(h: &mut Harness<'_, Workbench>, range: Range<usize>) {
    let m = Modifiers::COMMAND;
    let from = screen_pos(h, range.start);
    let to = screen_pos(h, range.end - 1);
    let button = |pos, pressed| Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: m,
    };
    h.event_modifiers(Event::PointerMoved(from), m);
    h.step();
    h.event_modifiers(button(from, true), m);
    h.step();
    h.event_modifiers(Event::PointerMoved(from + vec2(20.0, 0.0)), m);
    h.step();
    h.event_modifiers(Event::PointerMoved(to), m);
    h.step();
    h.event_modifiers(button(to, false), m);
    settle(h);
}

#[test]
fn a_piece_is_taken_out_of_an_annotation_and_put_back_with_ctrl_drag_and_ctrl_j() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let claim = project(&h)
        .annotations_of(DOC)
        .iter()
        .find(|a| a.is_discontinuous())
        .expect("the interrupted quotation")
        .clone();
    let pieces = claim.pieces();
    h.state_mut().apply(Action::SelectAnnotation(Some(claim.id)));
    settle(&mut h);
    // Below the inspector's fold here: pressed through accessibility.
    h.get_by_label(&format!("Remove the piece [{}, {})", pieces[1].start, pieces[1].end))
        .click_accesskit();
    settle(&mut h);
    let one = project(&h).annotation(claim.id).expect("still there").clone();
    assert_eq!(one.pieces(), [pieces[0].clone()], "one piece left");
    assert!(undo_text(&h).starts_with("remove a piece of “"), "{}", undo_text(&h));
    // Ctrl+drag over the second piece's words keeps the claim selected;
    // Ctrl+J makes them its piece again.
    ctrl_drag_select(&mut h, pieces[1].clone());
    assert_eq!(selected(&h), Some(claim.id), "Ctrl+drag keeps the annotation");
    let chosen = h.state().state.selection.text.clone().expect("text chosen");
    // The words of the piece (snapping leaves its closing punctuation).
    assert!(
        chosen.start == pieces[1].start && chosen.end <= pieces[1].end && chosen.end + 5 >= pieces[1].end,
        "{chosen:?} vs {:?}",
        pieces[1]
    );
    press(&mut h, Modifiers::COMMAND, Key::J);
    let two = project(&h).annotation(claim.id).expect("there").clone();
    assert_eq!(two.pieces(), [pieces[0].clone(), chosen]);
    assert!(undo_text(&h).starts_with("add a piece to “"), "{}", undo_text(&h));
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h).annotation(claim.id), Some(&one));
    // A piece over the annotation's own text is refused, and said.
    h.state_mut().state.selection.text = Some(pieces[0].clone());
    press(&mut h, Modifiers::COMMAND, Key::J);
    assert_eq!(project(&h).annotation(claim.id), Some(&one));
    assert_eq!(message(&h), Some("That text overlaps a piece of the annotation"));
}

#[test]
fn document_metadata_is_shown_filtered_on_and_edited_in_the_header() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    // DOC has no outlet yet: the header offers its fields; the list shows
    // each document's line ("Wikipédia · …").
    let wiki = project(&h).document("war-2023-wikipedia").expect("doc").clone();
    let line = marginalia::gui::panels::structure::metadata_line(project(&h), &wiki);
    assert!(line.contains("Wikipédia") && line.contains("fr"), "{line}");
    h.get_all_by_label(&line)
        .next()
        .expect("the metadata line in the documents panel");
    // Filtering by outlet keeps the two Wikipédia articles.
    h.get_by_label("Filter documents").focus();
    settle(&mut h);
    h.get_by_label("Filter documents").type_text("wikipedia");
    settle(&mut h);
    let shown = |h: &Harness<'_, Workbench>, title: &str| h.query_by_label(title).is_some();
    assert!(shown(&h, &wiki.title));
    let report = project(&h).document("report-2020-09-27").expect("doc").title.clone();
    assert_eq!(h.state().state.documents.filter, "wikipedia");
    assert!(
        !shown(&h, &report),
        "a news report without Wikipédia metadata is filtered out"
    );
    // The header: open it, type an outlet, leave the field: one step.
    let header =
        marginalia::gui::panels::structure::metadata_line(project(&h), project(&h).document(DOC).expect("doc"));
    h.get_by_label(&header).click();
    settle(&mut h);
    h.get_by_label("Outlet field").focus();
    settle(&mut h);
    h.event(Event::Text("Reuters".into()));
    settle(&mut h);
    press(&mut h, Modifiers::NONE, Key::Enter);
    let outlet = project(&h).document(DOC).and_then(|d| d.attrs.get("outlet").cloned());
    assert_eq!(outlet, Some(AttrValue::Text("Reuters".into())));
    assert_eq!(undo_text(&h), "set outlet to Reuters");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(
        project(&h)
            .document(DOC)
            .is_some_and(|d| !d.attrs.contains_key("outlet"))
    );
}

#[test]
fn the_list_shows_filters_and_sorts_by_an_attribute_column() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    h.state_mut().state.selection = Default::default();
    let p = project(&h).clone();
    let row =
        |a: &marginalia::model::Annotation| marginalia::gui::view::shorten(&a.text.replace(['\n', '\r'], " "), 60);
    let denials: Vec<_> = p
        .annotations_of(DOC)
        .iter()
        .filter(|a| a.attrs.get("polarity") == Some(&AttrValue::Text("denies".into())))
        .collect();
    let affirmed = p
        .annotations_of(DOC)
        .iter()
        .find(|a| a.attrs.get("polarity") == Some(&AttrValue::Text("affirms".into())))
        .expect("an affirmed claim");
    assert!(!denials.is_empty(), "the report has a denial");
    {
        let filters = &mut h.state_mut().state.annotation_list.filters;
        filters.column = Some("polarity".into());
        filters.column_value = "den".into();
    }
    settle(&mut h);
    for d in &denials {
        assert!(h.query_by_label(&row(d)).is_some(), "a denial is listed");
    }
    assert!(
        h.query_by_label(&row(affirmed)).is_none(),
        "an affirmation is filtered out"
    );
    // `-`: the rows without a value (actors, events).
    h.state_mut().state.annotation_list.filters.column_value = "-".into();
    settle(&mut h);
    assert!(h.query_by_label(&row(affirmed)).is_none());
    let actor = p
        .annotations_of(DOC)
        .iter()
        .find(|a| a.label == "actor")
        .expect("an actor");
    // Virtualised, the list may not draw the actor's row: the list's own
    // order (what Alt+↓ walks) is asked instead.
    let next = marginalia::gui::panels::annotations::neighbour(
        project(&h),
        DOC,
        &marginalia::gui::view::Selection {
            cursor: Some(actor.start),
            ..Default::default()
        },
        &h.state().state.annotation_list.filters,
        true,
    );
    assert!(next.is_some_and(|id| {
        project(&h)
            .annotation(id)
            .is_some_and(|a| !a.attrs.contains_key("polarity"))
    }));
}

#[test]
fn a_click_on_a_candidate_links_it_and_a_click_elsewhere_ends_linking() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let claim = unlinked_claim(project(&h));
    h.state_mut().apply(Action::SelectAnnotation(Some(claim.id)));
    settle(&mut h);
    press(&mut h, Modifiers::COMMAND, Key::K);
    let to = h
        .state()
        .state
        .linking
        .as_ref()
        .and_then(|l| l.current(project(&h)))
        .expect("a candidate");
    let target = project(&h).annotation(to).expect("there").clone();
    click_at(&mut h, target.start + 1, Modifiers::NONE, false);
    settle(&mut h);
    assert!(h.state().state.linking.is_none(), "picked");
    assert!(
        project(&h)
            .relations_from(DOC, claim.id)
            .iter()
            .any(|r| r.to == to && r.kind == "target"),
        "the clicked candidate is linked"
    );
    assert_eq!(selected(&h), Some(claim.id), "the source stays selected");
    // Again, and a click on plain text: linking ends, nothing is made.
    press(&mut h, Modifiers::COMMAND, Key::K);
    assert!(h.state().state.linking.is_some());
    let relations = project(&h).relations().len();
    let plain = (0..project(&h).document(DOC).expect("doc").text.len_chars())
        .find(|&cp| {
            project(&h)
                .annotations_of(DOC)
                .iter()
                .all(|a| !(a.start <= cp && cp < a.end))
                && cp > 200
        })
        .expect("untagged text");
    h.state_mut().reveal(plain);
    settle(&mut h);
    click_at(&mut h, plain, Modifiers::NONE, false);
    settle(&mut h);
    assert!(h.state().state.linking.is_none(), "ended");
    assert_eq!(project(&h).relations().len(), relations);
}

#[test]
fn the_compare_view_lists_relation_changes_and_restores_them() {
    use marginalia::gui::compare::Source;
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    // Version 1: as opened. Then a relation deleted, not saved.
    press(&mut h, Modifiers::COMMAND, Key::S);
    let r = project(&h)
        .relations_of(DOC)
        .iter()
        .find(|r| r.kind == "claimant")
        .expect("a claimant")
        .clone();
    h.state_mut().apply(Action::DeleteRelation(r.id));
    settle(&mut h);
    assert!(project(&h).relation(r.id).is_none());
    h.state_mut()
        .apply(Action::StartComparison(Source::Snapshot(1), Source::Current));
    settle(&mut h);
    let cmp = h.state().state.comparison.as_ref().expect("comparing");
    assert_eq!(cmp.diff.relations.len(), 1);
    let text = marginalia::gui::compare::relation_change_text(&cmp.b.project, &cmp.a.project, &cmp.diff.relations[0]);
    assert!(text.starts_with("− claimant “"), "{text}");
    h.get_by_label(&text);
    // Tick it, restore A's (the saved version): the relation is back, one step.
    h.get_by_label(&format!("Tick: {text}")).click();
    settle(&mut h);
    h.get_by_label("Restore A's relations (1)").click();
    settle(&mut h);
    let back = project(&h).relation(r.id).expect("restored");
    assert_eq!((back.from, back.to, &back.kind), (r.from, r.to, &r.kind));
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(project(&h).relation(r.id).is_none(), "one undo takes it away again");
}

#[test]
fn two_entities_are_merged_in_the_schema_editor_and_references_follow() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let actor = project(&h)
        .annotations_of(DOC)
        .iter()
        .find(|a| a.label == "actor")
        .expect("an actor")
        .clone();
    // "Pashinyan" entered a second time, from the inspector.
    h.state_mut().apply(Action::NewEntity {
        name: "Nikol Pashinyan".into(),
        owner: Owner::Annotation(actor.id),
        key: "refers_to".into(),
    });
    settle(&mut h);
    let entities = project(&h).schema.entities.len();
    assert!(project(&h).schema.entity("nikol_pashinyan").is_some());
    press(&mut h, Modifiers::COMMAND, Key::L);
    h.get_by_label(&format!("Entities ({entities})")).click();
    settle(&mut h);
    h.get_by_label("Name of entity nikol_pashinyan");
    h.state_mut()
        .state
        .schema_editor
        .as_mut()
        .expect("the editor is open")
        .choose_merge("nikol_pashinyan", "pashinyan");
    settle(&mut h);
    h.get_by_label("Merge").click();
    settle(&mut h);
    assert_eq!(project(&h).schema.entities.len(), entities - 1);
    assert_eq!(
        project(&h).annotation(actor.id).and_then(|a| a.attrs.get("refers_to")),
        Some(&AttrValue::Text("pashinyan".into()))
    );
    assert_eq!(undo_text(&h), "merge the entity Nikol Pashinyan into Nikol Pashinyan");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h).schema.entities.len(), entities);
    assert_eq!(
        project(&h).annotation(actor.id).and_then(|a| a.attrs.get("refers_to")),
        Some(&AttrValue::Text("nikol_pashinyan".into()))
    );
}

#[test]
fn a_relations_note_is_edited_under_its_line_in_the_inspector() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let p = project(&h).clone();
    let r = p
        .relations_of(DOC)
        .iter()
        .find(|r| r.kind == "claimant")
        .expect("a claimant")
        .clone();
    h.state_mut().apply(Action::SelectAnnotation(Some(r.from)));
    settle(&mut h);
    let line = relation_text(&p, &r, r.from);
    h.get_by_label(&format!("Edit: {line}")).click();
    settle(&mut h);
    h.get_by_label("Type of the relation");
    h.get_by_label("Note of the relation").focus();
    settle(&mut h);
    h.event(Event::Text("selon Interfax".into()));
    settle(&mut h);
    press(&mut h, Modifiers::NONE, Key::Enter);
    let edited = project(&h).relation(r.id).expect("there").clone();
    assert_eq!(edited.note, format!("{}selon Interfax", r.note));
    assert_eq!((edited.from, edited.to, &edited.kind), (r.from, r.to, &r.kind));
    assert_eq!(undo_text(&h), "edit a relation's note");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h).relation(r.id).map(|x| x.note.clone()), Some(r.note));
}

/// Opens the schema editor with one of its sections unfolded.
fn schema_section(h: &mut Harness<'_, Workbench>, prefix: &str) {
    h.state_mut().apply(Action::OpenSchemaEditor);
    settle(h);
    let title = {
        let p = project(h);
        match prefix {
            "Relation types" => format!("Relation types ({})", p.schema.relation_types.len()),
            _ => format!("Attributes ({})", p.schema.attributes.len()),
        }
    };
    h.get_by_label(&title).click();
    settle(h);
}

fn drafts<'h>(h: &'h mut Harness<'_, Workbench>) -> &'h mut marginalia::gui::panels::schema_structure::StructureDrafts {
    &mut h
        .state_mut()
        .state
        .schema_editor
        .as_mut()
        .expect("the editor is open")
        .structure
}

#[test]
fn a_relation_type_edit_that_breaks_relations_is_refused_and_a_good_one_undoes() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    schema_section(&mut h, "Relation types");
    let before = project(&h).clone();
    // Claimants start at claims: allowing only events there would orphan them.
    drafts(&mut h).type_mut("claimant").expect("claimant").from = vec!["event".into()];
    settle(&mut h);
    h.get_by_label("Apply relation type changes").click();
    settle(&mut h);
    assert_eq!(project(&h).schema, before.schema, "refused");
    let message = h.state().state.message.clone().unwrap_or_default();
    assert!(message.starts_with("Could not edit relation types"), "{message}");
    assert!(message.contains("claimant"), "{message}");
    h.get_by_label("Revert relation type changes").click();
    settle(&mut h);
    // At most one agent is refused too: an event has two already.
    drafts(&mut h).type_mut("agent").expect("agent").cardinality = marginalia::model::Cardinality::Optional;
    settle(&mut h);
    h.get_by_label("Apply relation type changes").click();
    settle(&mut h);
    assert_eq!(project(&h).schema, before.schema, "refused");
    let message = h.state().state.message.clone().unwrap_or_default();
    assert!(message.contains("the schema allows at most one"), "{message}");
    h.get_by_label("Revert relation type changes").click();
    settle(&mut h);
    // Every event needing a target is work in progress, not a broken
    // file: accepted (validate warns), with a name and a guideline.
    let t = drafts(&mut h).type_mut("target").expect("target");
    t.cardinality = marginalia::model::Cardinality::OneOrMore;
    t.name = "Target of".into();
    t.guideline = "Whom it is done to or about.".into();
    settle(&mut h);
    h.get_by_label("Apply relation type changes").click();
    settle(&mut h);
    let message = h.state().state.message.clone().unwrap_or_default();
    let target = project(&h).schema.relation_type("target").expect("there").clone();
    assert_eq!(target.name, "Target of", "{message}");
    assert_eq!(target.guideline, "Whom it is done to or about.");
    assert_eq!(target.cardinality, marginalia::model::Cardinality::OneOrMore);
    let problems = marginalia::model::check(project(&h), &Default::default());
    assert!(
        problems
            .iter()
            .any(|w| w.severity() == marginalia::model::Severity::Warning
                && w.to_string()
                    .contains("has no \"target\" relation yet; the schema asks for one or more")),
        "the events without a target are listed as warnings"
    );
    assert_eq!(undo_text(&h), "edit relation types");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h).schema, before.schema, "undone");
}

#[test]
fn deleting_a_relation_type_in_use_says_what_goes_and_takes_its_relations() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let before = project(&h).clone();
    let agents = before.relations().iter().filter(|r| r.kind == "agent").count();
    assert!(agents > 0, "the sample has agents");
    schema_section(&mut h, "Relation types");
    h.get_by_label("Delete the relation type agent").click();
    settle(&mut h);
    assert_eq!(project(&h).relations().len(), before.relations().len(), "nothing yet");
    h.get_by_label(&format!(
        "Deleting the relation type \"agent\" deletes its {agents} relation(s)."
    ));
    h.get_by_label("Delete the type and what uses it").click();
    settle(&mut h);
    assert!(project(&h).schema.relation_type("agent").is_none());
    assert_eq!(project(&h).relations().len(), before.relations().len() - agents);
    assert_eq!(
        undo_text(&h),
        format!("delete the relation type Agent and its {agents} relation(s)")
    );
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h), &before, "undone exactly");
}

#[test]
fn attribute_values_are_added_in_the_editor_and_an_attribute_in_use_is_deleted_with_its_values() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let before = project(&h).clone();
    schema_section(&mut h, "Attributes");
    h.get_by_label("New value of polarity").focus();
    settle(&mut h);
    h.event(Event::Text("reports".into()));
    settle(&mut h);
    h.get_by_label("Add a value to polarity").click();
    settle(&mut h);
    h.get_by_label("Apply attribute changes").click();
    settle(&mut h);
    let polarity = project(&h).schema.attribute("polarity").expect("there").clone();
    assert_eq!(
        polarity.values.iter().map(|v| v.id.as_str()).collect::<Vec<_>>(),
        ["affirms", "denies", "reports"]
    );
    // A value in use cannot go: the core says which.
    drafts(&mut h)
        .attribute_mut("polarity")
        .expect("polarity")
        .values
        .retain(|v| v.id != "denies");
    settle(&mut h);
    h.get_by_label("Apply attribute changes").click();
    settle(&mut h);
    assert!(
        project(&h)
            .schema
            .attribute("polarity")
            .expect("there")
            .has_value("denies")
    );
    let message = h.state().state.message.clone().unwrap_or_default();
    assert!(message.contains("denies"), "{message}");
    h.get_by_label("Revert attribute changes").click();
    settle(&mut h);
    // Deleting "hedged", set on some claims.
    let hedged = marginalia::edit::attribute_uses(project(&h), "hedged");
    assert!(hedged > 0);
    h.get_by_label("Delete the attribute hedged").click();
    settle(&mut h);
    h.get_by_label(&format!(
        "Deleting the attribute \"hedged\" unsets its {hedged} value(s)."
    ));
    h.get_by_label("Delete the attribute and its values").click();
    settle(&mut h);
    assert!(project(&h).schema.attribute("hedged").is_none());
    assert_eq!(marginalia::edit::attribute_uses(project(&h), "hedged"), 0);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h).schema, before.schema, "both steps undone");
    assert_eq!(marginalia::edit::attribute_uses(project(&h), "hedged"), hedged);
}

#[test]
fn an_events_roles_are_assigned_from_the_keyboard_and_undone() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let event = project(&h)
        .annotations_of(DOC)
        .iter()
        .find(|a| a.label == "event" && project(&h).relations_from(DOC, a.id).is_empty())
        .expect("an event without roles")
        .clone();
    h.state_mut().apply(Action::SelectAnnotation(Some(event.id)));
    settle(&mut h);
    press(&mut h, Modifiers::COMMAND, Key::R);
    let linking = h.state().state.linking.clone().expect("Ctrl+R assigns roles");
    assert_eq!(
        linking.roles.as_ref().map(|r| r.kind().to_owned()),
        Some("agent".into())
    );
    h.get_by_label_contains("Tab next role");
    let agent = linking.current(project(&h)).expect("an actor to be the agent");
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert!(
        project(&h)
            .relations_from(DOC, event.id)
            .iter()
            .any(|r| r.kind == "agent" && r.to == agent),
        "the agent is assigned"
    );
    let undo = undo_text(&h);
    assert!(undo.starts_with("relate agent: “"), "{undo}");
    let linking = h.state().state.linking.clone().expect("the loop goes on");
    assert_eq!(
        linking.roles.as_ref().map(|r| r.kind().to_owned()),
        Some("target".into())
    );
    // Tab skips the target: past the last role, the loop ends.
    press(&mut h, Modifiers::NONE, Key::Tab);
    assert!(h.state().state.linking.is_none());
    assert_eq!(
        message(&h),
        Some(
            format!(
                "Roles of “{}”: 1 role assigned",
                marginalia::model::shorten(&event.text, 30)
            )
            .as_str()
        )
    );
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(project(&h).relations_from(DOC, event.id).is_empty(), "undone");
    // A claim has no roles: said, nothing started.
    let claim = unlinked_claim(project(&h));
    h.state_mut().apply(Action::SelectAnnotation(Some(claim.id)));
    settle(&mut h);
    press(&mut h, Modifiers::COMMAND, Key::R);
    assert!(h.state().state.linking.is_none());
    assert!(
        message(&h).is_some_and(|m| m.contains("not a label of kind event")),
        "{:?}",
        message(&h)
    );
}

#[test]
fn an_arrow_to_an_end_off_screen_says_where_it_goes_and_a_click_follows_it() {
    let (_dir, path) = sample_copy();
    let p = {
        let h = harness(&path);
        project(&h).clone()
    };
    // The relation whose ends are farthest apart, in a short window.
    let r = p
        .relations_of(DOC)
        .iter()
        .max_by_key(|r| {
            let at = |id| p.annotation(id).map_or(0, |a| a.start);
            at(r.from).abs_diff(at(r.to))
        })
        .expect("relations")
        .clone();
    let mut wb = Workbench::new(test_settings(), Box::new(ScriptedDialogs::default()));
    wb.open_path(&path);
    wb.apply(Action::SelectDocument(DOC.into()));
    let mut h = harness_of(wb, vec2(1000.0, 320.0));
    h.state_mut().apply(Action::SelectAnnotation(Some(r.from)));
    settle(&mut h);
    let arrow = h
        .state()
        .current_view()
        .expect("view")
        .arrows_last_frame
        .iter()
        .find(|a| a.relation == Some(r.id))
        .expect("drawn")
        .clone();
    assert_eq!(arrow.follow, Some(r.to), "the other end is off screen: {}", arrow.label);
    assert!(
        arrow.label.contains('↑') || arrow.label.contains('↓'),
        "{}",
        arrow.label
    );
    h.get_by_role_and_label(egui::accesskit::Role::Link, &arrow.label)
        .click();
    settle(&mut h);
    assert_eq!(selected(&h), Some(r.to), "the click follows the arrow");
}

#[test]
fn a_relation_is_dragged_from_the_link_knob_onto_another_span_its_type_chosen_and_undone() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let p = project(&h).clone();
    // An event with no roles yet and the nearest actor after it.
    let (event, actor) = p
        .annotations_of(DOC)
        .iter()
        .filter(|a| a.label == "event" && p.relations_from(DOC, a.id).is_empty())
        .find_map(|e| {
            let actor = p
                .annotations_of(DOC)
                .iter()
                .find(|a| a.label == "actor" && a.start > e.end && a.start < e.end + 200)?;
            Some((e.clone(), actor.clone()))
        })
        .expect("an event with an actor close after it");
    h.state_mut().apply(Action::SelectAnnotation(Some(event.id)));
    settle(&mut h);
    let to = screen_pos(&mut h, actor.start + 1);
    let knob = h.get_by_label("Link knob").rect().center();
    h.hover_at(knob);
    h.step();
    h.drag_at(knob);
    h.step();
    h.hover_at(knob + vec2(20.0, 10.0));
    h.step();
    h.hover_at(to);
    h.step();
    h.drop_at(to);
    settle(&mut h);
    assert_eq!(selected(&h), Some(event.id), "the event stays selected");
    // Event → actor: agent or target; the bar asks, the type's key answers.
    let linking = h.state().state.linking.clone().expect("asking the type");
    assert_eq!(
        linking.choosing.as_ref().map(|(to, types)| (*to, types.clone())),
        Some((actor.id, vec!["agent".to_owned(), "target".to_owned()]))
    );
    h.event(Event::Text("a".into()));
    settle(&mut h);
    let made = project(&h)
        .relations_from(DOC, event.id)
        .iter()
        .find(|r| r.to == actor.id)
        .expect("the relation")
        .clone();
    assert_eq!(made.kind, "agent");
    assert!(undo_text(&h).starts_with("relate agent: “"), "{}", undo_text(&h));
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(project(&h).relations_from(DOC, event.id).is_empty(), "undone");
    // Dropped on plain text: nothing.
    let relations = project(&h).relations().len();
    let knob = h.get_by_label("Link knob").rect().center();
    let nowhere = screen_pos(&mut h, event.start.saturating_sub(3));
    h.hover_at(knob);
    h.step();
    h.drag_at(knob);
    h.step();
    h.hover_at(nowhere);
    h.step();
    h.drop_at(nowhere);
    settle(&mut h);
    assert_eq!(project(&h).relations().len(), relations);
    assert!(h.state().state.linking.is_none());
}

/// Two annotators who agree on every span; Ben left out one claimant.
#[test]
fn relation_disagreements_are_adjudicated_in_the_review_with_the_same_keys_and_undo() {
    use marginalia::agreement::adjudicate::Decision;
    use marginalia::gui::review::ItemState;
    let (_dir, ana) = sample_copy();
    let mut ben = persist::open(&ana).expect("opens");
    let left_out = ben
        .relations_of(DOC)
        .iter()
        .find(|r| r.kind == "claimant")
        .expect("a claimant")
        .clone();
    marginalia::edit::Command::DeleteRelations(vec![left_out.id])
        .apply(&mut ben)
        .expect("deleted");
    let ben_path = ana.with_file_name("ben.ron");
    persist::save(&ben, &ben_path).expect("saved");
    let wb = Workbench::new(test_settings(), Box::new(ScriptedDialogs::default()));
    let mut h = harness_of(wb, vec2(1600.0, 1100.0));
    h.state_mut().apply(Action::StartReview {
        paths: vec![ana, ben_path],
        into_current: false,
    });
    settle(&mut h);
    h.state_mut().apply(Action::SelectDocument(DOC.into()));
    settle(&mut h);
    let relations = ben.relations().len();
    h.get_by_label(&format!(
        "Relations (A {}, B {relations}; those whose ends are compared spans)",
        relations + 1
    ));
    // The relations wait for their ends: accepting them first takes none.
    h.get_by_label_contains("Accept agreeing relations").click();
    settle(&mut h);
    assert!(project(&h).relations().is_empty());
    assert!(
        message(&h).is_some_and(|m| m.contains("accept the spans first")),
        "{:?}",
        message(&h)
    );
    h.state_mut().apply(Action::ReviewAcceptAgreements);
    settle(&mut h);
    h.get_by_label(&format!("Accept agreeing relations ({relations})"))
        .click();
    settle(&mut h);
    assert_eq!(
        project(&h).relations().len(),
        relations,
        "every agreeing relation, one step"
    );
    assert_eq!(undo_text(&h), format!("accept {relations} agreeing relations"));
    // The one disagreement: the claimant only Ana made.
    h.get_by_label("Next relation disagreement ▶").click();
    settle(&mut h);
    let item = {
        let review = h.state().state.review.as_ref().expect("reviewing");
        let i = review.current_relation.expect("a relation in focus");
        let it = &review.adjudication.relation_items[i];
        assert_eq!(it.kind, marginalia::agreement::PairKind::OnlyA);
        assert_eq!(it.a.as_ref().map(|r| r.id), Some(left_out.id));
        i
    };
    h.get_by_label_contains("Relation only in A — open");
    // Only A has it: Alt+B says what the keys do here instead of nothing.
    press(&mut h, Modifiers::ALT, Key::B);
    assert!(
        message(&h).is_some_and(|m| m.contains("does not apply") && m.contains("Alt+A accept A")),
        "{:?}",
        message(&h)
    );
    let state = |h: &Harness<'_, Workbench>| {
        let wb = h.state();
        wb.state
            .review
            .as_ref()
            .expect("reviewing")
            .relation_state(item, wb.session().expect("gold").history())
    };
    press(&mut h, Modifiers::ALT, Key::A);
    assert!(
        matches!(
            state(&h),
            ItemState::Decided {
                decision: Decision::AcceptA,
                ..
            }
        ),
        "{:?}",
        state(&h)
    );
    assert_eq!(project(&h).relations().len(), relations + 1);
    assert_eq!(undo_text(&h), "accept A on a claimant relation");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(state(&h), ItemState::Open, "undone");
    // Reject: nothing taken, remembered until undone.
    h.state_mut().apply(Action::ReviewSelectRelation(item));
    settle(&mut h);
    press(&mut h, Modifiers::ALT, Key::R);
    assert_eq!(state(&h), ItemState::Rejected);
    assert_eq!(project(&h).relations().len(), relations);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(state(&h), ItemState::Open);
}

#[test]
fn a_relation_merge_conflict_is_found_with_next_conflict_and_resolved_from_the_banner() {
    use marginalia::edit::Command;
    let (_dir, path) = sample_copy();
    let base = persist::open(&path).expect("opens");
    let r = base
        .relations_of(DOC)
        .iter()
        .find(|r| r.kind == "claimant")
        .expect("a claimant")
        .clone();
    let noted = |note: &str| {
        let mut p = base.clone();
        let mut changed = r.clone();
        changed.note = note.into();
        Command::RestoreRelations(vec![changed]).apply(&mut p).expect("noted");
        p
    };
    let merged = marginalia::merge::merge(&base, &noted("selon Interfax"), &noted("selon TASS"));
    persist::save(&merged.project, &path).expect("saved");

    let mut h = harness(&path);
    assert_eq!(h.state().state.conflicts.relation_ids, vec![r.id]);
    h.get_by_label_contains("1 merge conflict(s)");
    press(&mut h, Modifiers::ALT, Key::C);
    assert_eq!(h.state().state.selection.relation, Some(r.id));
    assert_eq!(selected(&h), Some(r.from));
    h.get_by_label_contains("Conflict: note");
    h.get_by_label("Use theirs' version").click();
    settle(&mut h);
    let now = project(&h).relation(r.id).expect("there").clone();
    assert_eq!(now.note, "selon TASS");
    assert!(!marginalia::merge::relation_has_conflict(&now));
    assert!(h.state().state.conflicts.relation_ids.is_empty());
    press(&mut h, Modifiers::COMMAND, Key::Z);
    let back = project(&h).relation(r.id).expect("there");
    assert_eq!(back.note, "selon Interfax", "undo brings the conflict back");
    assert!(marginalia::merge::relation_has_conflict(back));
    h.get_by_label("Keep this version").click();
    settle(&mut h);
    let kept = project(&h).relation(r.id).expect("there");
    assert_eq!(kept.note, "selon Interfax");
    assert!(kept.meta.is_empty(), "{:?}", kept.meta);
}

#[test]
fn the_compare_view_restores_an_attribute_value_in_one_step() {
    use marginalia::gui::compare::Source;
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    press(&mut h, Modifiers::COMMAND, Key::S);
    let claim = project(&h)
        .annotations_of(DOC)
        .iter()
        .find(|a| a.attrs.get("polarity") == Some(&AttrValue::Text("affirms".into())))
        .expect("an affirming claim")
        .clone();
    // Since version 1: the claim denies.
    h.state_mut().apply(Action::SetAttr {
        owners: vec![Owner::Annotation(claim.id)],
        key: "polarity".into(),
        value: Some(AttrValue::Text("denies".into())),
    });
    settle(&mut h);
    h.state_mut()
        .apply(Action::StartComparison(Source::Snapshot(1), Source::Current));
    settle(&mut h);
    let text = {
        let cmp = h.state().state.comparison.as_ref().expect("comparing");
        assert_eq!(cmp.diff.attributes.len(), 1, "{:?}", cmp.diff.attributes);
        marginalia::gui::compare::attribute_change_text(&cmp.b.project, &cmp.a.project, &cmp.diff.attributes[0])
    };
    assert!(text.ends_with("polarity: \"affirms\" → \"denies\""), "{text}");
    h.get_by_label(&format!("Tick: {text}")).click();
    settle(&mut h);
    h.get_by_label("Restore A's attribute values (1)").click();
    settle(&mut h);
    assert_eq!(
        project(&h).annotation(claim.id).and_then(|a| a.attrs.get("polarity")),
        Some(&AttrValue::Text("affirms".into()))
    );
    assert_eq!(undo_text(&h), "restore 1 attribute value");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(
        project(&h).annotation(claim.id).and_then(|a| a.attrs.get("polarity")),
        Some(&AttrValue::Text("denies".into()))
    );
}

#[test]
fn an_entity_is_picked_from_the_keyboard_with_the_arrow_keys() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let actor = project(&h)
        .annotations_of(DOC)
        .iter()
        .find(|a| a.label == "actor" && !a.attrs.contains_key("refers_to"))
        .expect("an actor with no identity yet")
        .clone();
    h.state_mut().apply(Action::SelectAnnotation(Some(actor.id)));
    settle(&mut h);
    h.get_by_label("Entity of the selected annotation").click();
    settle(&mut h);
    // "an" is in Arménie, Azerbaïdjan and Pashinyan: ↓ ↓ points at the second.
    h.event(Event::Text("an".into()));
    settle(&mut h);
    press(&mut h, Modifiers::NONE, Key::ArrowDown);
    press(&mut h, Modifiers::NONE, Key::ArrowDown);
    press(&mut h, Modifiers::NONE, Key::ArrowUp);
    press(&mut h, Modifiers::NONE, Key::ArrowDown);
    press(&mut h, Modifiers::NONE, Key::Enter);
    let p = project(&h);
    let matching: Vec<&str> = p
        .schema
        .entities
        .iter()
        .filter(|e| marginalia::model::fold_str_for_search(&e.name).contains("an"))
        .map(|e| e.id.as_str())
        .collect();
    assert!(matching.len() >= 2, "{matching:?}");
    assert_eq!(
        p.annotation(actor.id).and_then(|a| a.attrs.get("refers_to")),
        Some(&AttrValue::Text(matching[1].into()))
    );
    // A name nothing matches: Enter adds it as an entity and refers to it.
    let entities = p.schema.entities.len();
    h.get_by_label("Entity of the selected annotation").click();
    settle(&mut h);
    h.event(Event::Text("Ruben Vardanyan".into()));
    settle(&mut h);
    press(&mut h, Modifiers::NONE, Key::Enter);
    let p = project(&h);
    assert_eq!(p.schema.entities.len(), entities + 1);
    assert_eq!(
        p.annotation(actor.id).and_then(|a| a.attrs.get("refers_to")),
        Some(&AttrValue::Text("ruben_vardanyan".into()))
    );
}

/// A chord released within one frame (as X11 delivers a quick Alt+C): the
/// frame's modifiers no longer show Alt, but the key event does.
fn quick_chord(h: &mut Harness<'_, Workbench>, modifiers: Modifiers, key: Key, text: Option<&str>) {
    h.event(Event::Key {
        key,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers,
    });
    if let Some(t) = text {
        h.event(Event::Text(t.into()));
    }
    h.event(Event::Key {
        key,
        physical_key: None,
        pressed: false,
        repeat: false,
        modifiers: Modifiers::NONE,
    });
    settle(h);
}

#[test]
fn an_alt_chord_never_reaches_a_label_key_and_a_quick_shift_tab_goes_back() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let actor = project(&h)
        .annotations_of(DOC)
        .iter()
        .find(|a| {
            a.label == "actor" && a.attrs.is_empty() && project(&h).relations_touching(DOC, a.id).next().is_none()
        })
        .expect("an actor with no relation or value")
        .clone();
    h.state_mut().apply(Action::SelectAnnotation(Some(actor.id)));
    settle(&mut h);
    // The sample's "c" is a claim key (beside "2"), and Alt+C is Next conflict.
    quick_chord(&mut h, Modifiers::ALT, Key::C, Some("c"));
    assert_eq!(
        project(&h).annotation(actor.id).map(|a| a.label.as_str()),
        Some("actor")
    );
    // The same "c" typed alone relabels (the key works).
    quick_chord(&mut h, Modifiers::NONE, Key::C, Some("c"));
    assert_eq!(
        project(&h).annotation(actor.id).map(|a| a.label.as_str()),
        Some("claim")
    );
    press(&mut h, Modifiers::COMMAND, Key::Z);
    // Shift+Tab in the roles bar goes back, even held only for the key.
    let event = project(&h)
        .annotations_of(DOC)
        .iter()
        .find(|a| a.label == "event" && project(&h).relations_from(DOC, a.id).is_empty())
        .expect("an event")
        .clone();
    h.state_mut().apply(Action::SelectAnnotation(Some(event.id)));
    settle(&mut h);
    press(&mut h, Modifiers::COMMAND, Key::R);
    quick_chord(&mut h, Modifiers::NONE, Key::Tab, None);
    let at = |h: &Harness<'_, Workbench>| {
        h.state()
            .state
            .linking
            .as_ref()
            .and_then(|l| l.roles.as_ref())
            .map(|r| r.at)
    };
    assert_eq!(at(&h), Some(1), "Tab: the next role");
    quick_chord(&mut h, Modifiers::SHIFT, Key::Tab, None);
    assert_eq!(at(&h), Some(0), "Shift+Tab: back");
}

#[test]
fn ctrl_s_and_ctrl_q_while_typing_a_note_keep_what_was_typed() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let r = project(&h)
        .relations_of(DOC)
        .iter()
        .find(|r| r.kind == "claimant")
        .expect("a claimant")
        .clone();
    h.state_mut().apply(Action::SelectRelation(Some(r.id)));
    settle(&mut h);
    h.get_by_label("Note of the relation").focus();
    settle(&mut h);
    h.event(Event::Text("per the ministry".into()));
    settle(&mut h);
    assert_eq!(
        project(&h).relation(r.id).map(|x| x.note.as_str()),
        Some(""),
        "not yet committed"
    );
    // Ctrl+S with the field still focused: the note is committed, then saved.
    press(&mut h, Modifiers::COMMAND, Key::S);
    let saved = persist::open(&path).expect("saved file");
    assert_eq!(saved.relation(r.id).map(|x| x.note.as_str()), Some("per the ministry"));
    assert!(!h.state().has_unsaved_changes());
    // Typing again, then Ctrl+Q: the typed text makes the project dirty,
    // so quitting asks instead of losing it.
    h.get_by_label("Note of the relation").focus();
    settle(&mut h);
    h.event(Event::Text(" (unverified)".into()));
    settle(&mut h);
    press(&mut h, Modifiers::COMMAND, Key::Q);
    assert!(!h.state().quit_confirmed, "not quit");
    assert!(matches!(modal(&h), Some(Modal::UnsavedChanges { .. })), "asked first");
    assert_eq!(
        project(&h).relation(r.id).map(|x| x.note.as_str()),
        Some("per the ministry (unverified)")
    );
}

#[test]
fn a_value_renamed_in_the_schema_editor_carries_the_annotations_that_hold_it() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let denying: Vec<AnnotationId> = project(&h)
        .annotations()
        .iter()
        .filter(|a| a.attrs.get("polarity") == Some(&AttrValue::Text("denies".into())))
        .map(|a| a.id)
        .collect();
    assert!(!denying.is_empty(), "the sample has denials");
    schema_section(&mut h, "Attributes");
    h.get_by_label("Value 2 of polarity").focus();
    settle(&mut h);
    press(&mut h, Modifiers::COMMAND, Key::A);
    h.event(Event::Text("rejects".into()));
    settle(&mut h);
    h.get_by_label("Apply attribute changes").click();
    settle(&mut h);
    let p = project(&h);
    assert!(p.schema.attribute("polarity").expect("there").has_value("rejects"));
    assert!(!p.schema.attribute("polarity").expect("there").has_value("denies"));
    for id in &denying {
        assert_eq!(
            p.annotation(*id).and_then(|a| a.attrs.get("polarity")),
            Some(&AttrValue::Text("rejects".into()))
        );
    }
    assert_eq!(undo_text(&h), "rename the value(s) denies → rejects");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(
        project(&h)
            .schema
            .attribute("polarity")
            .expect("there")
            .has_value("denies")
    );
}

#[test]
fn compare_annotators_takes_one_file_per_dialog_from_separate_folders() {
    let (_dir, ana) = sample_copy();
    // Ben's copy in a folder of its own, as colleagues send them.
    let (_ben_dir, ben) = sample_copy();
    let dialogs = ScriptedDialogs {
        projects: vec![vec![ana.clone()], vec![ben.clone()]],
        ..ScriptedDialogs::default()
    };
    let mut wb = Workbench::new(test_settings(), Box::new(dialogs));
    wb.apply(Action::OpenReview { into_current: false });
    let review = wb.state.review.as_ref().expect("reviewing after the second dialog");
    assert_eq!(review.paths, vec![ana, ben]);
    // One file then a cancelled dialog: nothing starts, nothing is kept.
    let (_d, one) = sample_copy();
    let dialogs = ScriptedDialogs {
        projects: vec![vec![one]],
        ..ScriptedDialogs::default()
    };
    let mut wb = Workbench::new(test_settings(), Box::new(dialogs));
    wb.apply(Action::OpenReview { into_current: false });
    assert!(wb.state.review.is_none());
    assert!(wb.state.review_files.is_empty(), "let go with the cancelled dialog");
}
