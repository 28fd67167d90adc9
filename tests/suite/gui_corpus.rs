//! Search all documents, driven headless: the query, the hits as rows
//! with their state, ticks, tagging the ticked hits in one step (never
//! twice), and a hit shown in its document.

use super::*;

#[test]
fn the_corpus_is_searched_its_hits_tagged_once_in_one_step_and_shown() {
    use marginalia::search::{self, Matcher, Query};
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    // One occurrence tagged by hand already.
    let first = find(&h, "Stepanakert", 0);
    let a = marginalia::edit::new_annotation(
        project(&h),
        DOC,
        first,
        "actor",
        "ana",
        marginalia::model::Timestamp::now(),
    )
    .expect("a tag");
    h.state_mut()
        .apply(Action::Edit(marginalia::edit::Command::AddAnnotations(vec![a])));
    settle(&mut h);
    press(&mut h, Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::F);
    assert!(h.state().state.corpus_search.is_some(), "Ctrl+Shift+F opens it");
    h.get_by_label("Corpus search query").focus();
    settle(&mut h);
    h.event(Event::Text("stepanakert".into()));
    settle(&mut h);
    press(&mut h, Modifiers::NONE, Key::Enter);
    let expected = {
        let m = Matcher::new(&Query {
            pattern: "stepanakert".into(),
            whole_word: false,
            ..Query::default()
        })
        .expect("valid");
        search::search(project(&h), &m, &|_| true, &|_| None, search::MAX_HITS)
    };
    let (hits, ticked) = {
        let s = h.state().state.corpus_search.as_ref().expect("open");
        (s.hits.clone(), s.ticked.len())
    };
    assert_eq!(hits, expected.hits, "accents and case aside, every document");
    let untagged = hits
        .iter()
        .filter(|x| search::hit_state(project(&h), x).is_untagged())
        .count();
    assert!(untagged > 0 && untagged < hits.len(), "{untagged} of {}", hits.len());
    assert_eq!(ticked, untagged, "the untagged hits are ticked to begin with");
    h.get_by_label_contains(&format!("{} hits in", hits.len()));
    // Tag them as actors: one step, named, and nothing doubled.
    let before = project(&h).annotations().len();
    h.state_mut().state.corpus_search.as_mut().expect("open").label = Some("actor".into());
    settle(&mut h);
    h.get_by_label(&format!("Tag {untagged} ticked")).click();
    settle(&mut h);
    assert_eq!(project(&h).annotations().len(), before + untagged);
    let undo = h
        .state()
        .session()
        .and_then(|s| s.history().undo_description())
        .unwrap_or_default();
    assert!(undo.starts_with(&format!("tag {untagged} hit")), "{undo}");
    // Every hit is tagged now: ticking all and tagging again adds nothing.
    h.get_by_label("All").click();
    settle(&mut h);
    h.get_by_label(&format!("Tag {} ticked", hits.len())).click();
    settle(&mut h);
    assert_eq!(project(&h).annotations().len(), before + untagged);
    assert!(
        message(&h).is_some_and(|m| m.starts_with("Nothing to tag")),
        "{:?}",
        message(&h)
    );
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h).annotations().len(), before, "one undo");
    // A hit shown: its document opens with the hit selected as text.
    // (A row on screen: the list draws only those.)
    let last = hits.iter().position(|x| x.doc != DOC).filter(|&i| i < 6).unwrap_or(1);
    h.get_by_label(&format!("Hit {}: {}", last + 1, {
        let d = project(&h).document(&hits[last].doc).expect("doc");
        d.text.slice(hits[last].range()).expect("text").to_owned()
    }))
    .click();
    settle(&mut h);
    assert_eq!(h.state().state.current_doc.as_deref(), Some(hits[last].doc.as_str()));
    assert_eq!(h.state().state.selection.text, Some(hits[last].range()));
    // A bad regular expression says why.
    h.state_mut().state.corpus_search.as_mut().expect("open").query.regex = true;
    h.state_mut().state.corpus_search.as_mut().expect("open").query.pattern = "(".into();
    h.state_mut().apply(Action::CorpusSearchRun);
    settle(&mut h);
    h.get_by_label_contains("not a valid regular expression");
}

#[test]
fn the_overview_charts_the_corpus_and_a_frequent_text_opens_its_search() {
    use marginalia::search::figures::{self, GroupBy};
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    h.state_mut().apply(Action::ToggleOverview);
    settle(&mut h);
    // Grouped by the first document field (the sample's outlet) at first.
    let expected = figures::grouped(project(&h), &GroupBy::parse("outlet").expect("valid"));
    assert_eq!(
        h.state().state.overview.as_ref().expect("open").groups(),
        expected.as_slice()
    );
    h.get_by_label_contains("annotations in 4 documents, 3 groups");
    h.get_by_label_contains("of 4 documents done");
    // By status instead.
    h.state_mut().state.overview.as_mut().expect("open").group_by = Some("status".into());
    settle(&mut h);
    let by_status = figures::grouped(project(&h), &GroupBy::Status);
    assert_eq!(
        h.state().state.overview.as_ref().expect("open").groups(),
        by_status.as_slice()
    );
    // The most frequent actor: a click searches every document for it.
    let (text, _) = figures::top_texts(project(&h), "actor", 1).remove(0);
    h.get_by_label(&format!("Search for “{text}”")).scroll_to_me();
    settle(&mut h);
    h.get_by_label(&format!("Search for “{text}”")).click();
    settle(&mut h);
    let search = h.state().state.corpus_search.as_ref().expect("the search opened");
    assert_eq!(search.query.pattern, text);
    assert_eq!(
        search.label.as_deref(),
        Some("actor"),
        "ready to tag as what it was clicked under"
    );
    assert!(!search.hits.is_empty(), "it occurs somewhere");
    // An edit is counted at once.
    let before: usize = h
        .state()
        .state
        .overview
        .as_ref()
        .expect("open")
        .groups()
        .iter()
        .map(|g| g.annotations)
        .sum();
    let id = project(&h).annotations()[0].id;
    h.state_mut()
        .apply(Action::Edit(marginalia::edit::Command::DeleteAnnotations(vec![id])));
    settle(&mut h);
    let after: usize = h
        .state()
        .state
        .overview
        .as_ref()
        .expect("open")
        .groups()
        .iter()
        .map(|g| g.annotations)
        .sum();
    assert_eq!(after, before - 1);
}

#[test]
fn the_documents_panel_filters_by_metadata_status_and_label_and_sorts() {
    use marginalia::gui::panels::documents::DocSort;
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    let shown = |h: &Harness<'_, Workbench>| -> Vec<String> {
        h.state()
            .state
            .documents
            .shown(project(h))
            .into_iter()
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(shown(&h).len(), 4);
    let set = |h: &mut Harness<'_, Workbench>, filter: &str| {
        h.state_mut().state.documents.filter = filter.into();
        settle(h);
    };
    set(&mut h, "status=done");
    let done: Vec<String> = project(&h)
        .documents
        .iter()
        .filter(|d| d.status == Status::Done)
        .map(|d| d.id.clone())
        .collect();
    assert_eq!(shown(&h), done);
    h.get_by_label_contains(&format!("{} of 4 documents shown", done.len()));
    set(&mut h, "outlet=wiki; status=in progress");
    assert_eq!(shown(&h), ["war-2023-wikipedia", "wars-1988-2020-wikipedia"]);
    set(&mut h, "date=2023");
    assert_eq!(shown(&h), ["report-2023-09-21"]);
    // A filter that cannot match says why, not only "0 of 4".
    set(&mut h, "label=clam");
    assert!(shown(&h).is_empty());
    h.get_by_label_contains("The filter cannot match: \"clam\" is not a label");
    set(&mut h, "");
    // Most annotated first.
    h.state_mut().state.documents.sort = DocSort::Count;
    settle(&mut h);
    let counts: Vec<usize> = shown(&h)
        .iter()
        .map(|id| project(&h).annotations_of(id).len())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    // By date: the dated ones in order, the undated after.
    h.state_mut().state.documents.sort = DocSort::Date;
    settle(&mut h);
    assert_eq!(&shown(&h)[..2], ["report-2020-09-27", "report-2023-09-21"]);
}

#[test]
fn a_list_of_two_thousand_documents_lays_out_only_the_rows_on_screen() {
    use marginalia::model::{Document, Text};
    let dir = tempfile::tempdir().expect("tempdir");
    let mut p = Project::new("many");
    for i in 0..2_000 {
        let name = format!("doc-{i:04}.txt");
        let text = format!("Article {i}: Erevan et Bakou.");
        std::fs::write(dir.path().join(&name), &text).expect("write");
        p.documents.push(Document::new(
            format!("doc-{i:04}"),
            format!("Article number {i:04}"),
            name,
            Text::new(text),
        ));
    }
    let path = dir.path().join("many.ron");
    persist::save(&p, &path).expect("save");
    let mut wb = Workbench::new(test_settings(), Box::new(ScriptedDialogs::default()));
    wb.open_path(&path);
    let mut h = harness_of(wb, vec2(1400.0, 900.0));
    assert_eq!(h.state().state.documents.shown(project(&h)).len(), 2_000);
    assert!(
        h.query_by_label("Article number 0000").is_some(),
        "the first row is drawn"
    );
    assert!(
        h.query_by_label("Article number 1999").is_none(),
        "the last is not laid out"
    );
    // A filter finds it among them.
    h.state_mut().state.documents.filter = "1999".into();
    settle(&mut h);
    assert_eq!(h.state().state.documents.shown(project(&h)), ["doc-1999"]);
    assert!(h.query_by_label("Article number 1999").is_some());
}

#[test]
fn a_folder_is_added_in_the_background_in_one_step_with_what_it_left_out() {
    let (dir, path) = sample_copy();
    let folder = dir.path().join("more");
    for (rel, text) in [
        ("a/one.txt", "Erevan, le 3 octobre.\n\nLes négociations reprennent."),
        ("b/two.md", "# Bakou\n\nUn communiqué."),
        ("b/scan.pdf", "%PDF"),
    ] {
        let p = folder.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    let dialogs = ScriptedDialogs {
        folders: vec![folder.clone(), folder],
        ..ScriptedDialogs::default()
    };
    let mut h = harness_with(&path, dialogs);
    let before = project(&h).documents.len();
    h.state_mut().apply(Action::AddFolder);
    // Read on a thread: a few frames until it is done.
    for _ in 0..50 {
        settle(&mut h);
        if h.state().state.adding_folder.is_none() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(h.state().state.adding_folder.is_none(), "done");
    assert_eq!(project(&h).documents.len(), before + 2);
    let m = message(&h).unwrap_or_default().to_owned();
    assert!(
        m.starts_with("Added 2 document(s); skipped 1 (1 not a text document"),
        "{m}"
    );
    // One step: one undo takes both away.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(project(&h).documents.len(), before);
    press(&mut h, Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z);
    // The same folder again: nothing new.
    h.state_mut().apply(Action::AddFolder);
    for _ in 0..50 {
        settle(&mut h);
        if h.state().state.adding_folder.is_none() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(project(&h).documents.len(), before + 2);
    assert!(
        message(&h).is_some_and(|m| m.starts_with("Nothing new to add")),
        "{:?}",
        message(&h)
    );
}

#[test]
fn an_option_changed_searches_again_and_many_hits_are_tagged_only_when_confirmed() {
    use marginalia::search::{self, Matcher, Query};
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    press(&mut h, Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::F);
    h.get_by_label("Corpus search query").focus();
    settle(&mut h);
    h.event(Event::Text("armée".into()));
    settle(&mut h);
    press(&mut h, Modifiers::NONE, Key::Enter);
    let count = |h: &Harness<'_, Workbench>, whole_word: bool, pattern: &str| {
        let m = Matcher::new(&Query {
            pattern: pattern.into(),
            whole_word,
            ..Query::default()
        })
        .expect("valid");
        search::search(project(h), &m, &|_| true, &|_| None, search::MAX_HITS)
            .hits
            .len()
    };
    let hits = |h: &Harness<'_, Workbench>| h.state().state.corpus_search.as_ref().expect("open").hits.len();
    assert_eq!(hits(&h), count(&h, false, "armée"), "inside « armées » too");
    // Whole word ticked: searched again at once, « armées » gone.
    h.get_by_label("Whole word").click();
    settle(&mut h);
    assert_eq!(hits(&h), count(&h, true, "armée"));
    assert!(count(&h, true, "armée") < count(&h, false, "armée"));
    // A one-letter query: thousands of hits, tagged only when confirmed.
    let search = h.state_mut().state.corpus_search.as_mut().expect("open");
    search.query.pattern = "e".into();
    search.query.whole_word = false;
    h.state_mut().apply(Action::CorpusSearchRun);
    settle(&mut h);
    let many = h.state().state.corpus_search.as_ref().expect("open").ticked.len();
    assert!(many > 500, "{many}");
    let before = project(&h).annotations().len();
    h.get_by_label(&format!("Tag {many} ticked")).click();
    settle(&mut h);
    assert_eq!(project(&h).annotations().len(), before, "asked first");
    h.get_by_label_contains(&format!("Tag {many} hits as"));
    h.get_by_label("No").click();
    settle(&mut h);
    assert_eq!(project(&h).annotations().len(), before);
    h.get_by_label(&format!("Tag {many} ticked")).click();
    settle(&mut h);
    h.get_by_label("Yes, tag them").click();
    settle(&mut h);
    assert_eq!(project(&h).annotations().len(), before + many);
    assert!(
        h.state().state.corpus_search.as_ref().expect("open").ticked.is_empty(),
        "the tagged leave the ticks"
    );
}

/// Suggestions from a gazetteer chosen in the file dialog, drawn in the
/// text and decided from the keyboard: F4 goes to one, Ctrl+Enter
/// accepts it, Ctrl+Delete rejects the next, each one step; a click on a
/// dashed span focuses it; "accept all of this term" takes the rest of
/// the term at once; the documents panel keeps those with open ones.
#[test]
fn suggestions_are_focused_accepted_rejected_and_accepted_by_term_from_the_workbench() {
    let (dir, path) = sample_copy();
    let g = dir.path().join("actors.tsv");
    std::fs::write(&g, "Stepanakert\tactor\narmée azerbaïdjanaise\tactor\n").unwrap();
    let dialogs = ScriptedDialogs {
        gazetteers: vec![g],
        ..Default::default()
    };
    let mut h = harness_with(&path, dialogs);
    h.state_mut().apply(Action::SuggestFromGazetteer);
    settle(&mut h);
    let total = project(&h).suggestions().len();
    assert!(total > 3, "{total}");
    assert!(
        message(&h).is_some_and(|m| m.contains(&format!("{total} suggestions"))),
        "{:?}",
        message(&h)
    );
    h.get_by_label_contains("open here");
    let annotations = project(&h).annotations().len();
    // F4: the first open one of the document shown.
    press(&mut h, Modifiers::NONE, Key::F4);
    let first = h.state().state.suggestions.current.clone().expect("in focus");
    assert_eq!(first.doc, DOC);
    assert_eq!(
        Some(first.start),
        project(&h).suggestions_of(DOC).iter().map(|s| s.start).min()
    );
    // Ctrl+Enter: tagged, with its source; the next one of the document in focus.
    press(&mut h, Modifiers::COMMAND, Key::Enter);
    assert_eq!(project(&h).annotations().len(), annotations + 1);
    let made = project(&h)
        .annotations_of(DOC)
        .iter()
        .find(|a| (a.start, a.end) == (first.start, first.end))
        .expect("tagged")
        .clone();
    assert_eq!(made.meta["suggested_by"], "gazetteer:actors.tsv");
    assert_eq!(made.author, "gui-test");
    let second = h.state().state.suggestions.current.clone().expect("the next in focus");
    assert!(second.start > first.start);
    // Ctrl+Delete: rejected, kept, not open.
    press(&mut h, Modifiers::COMMAND, Key::Delete);
    let kept = project(&h).suggestion(second.key()).expect("remembered").clone();
    assert!(kept.rejected);
    assert!(!project(&h).is_open(&kept));
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(!project(&h).suggestion(second.key()).expect("there").rejected, "undone");
    // A click on a dashed span focuses it.
    let third = project(&h)
        .suggestions_of(DOC)
        .iter()
        .find(|s| project(&h).is_open(s) && s.start > second.start)
        .expect("another")
        .clone();
    h.state_mut().state.suggestions.current = None;
    click_at(&mut h, third.start + 1, Modifiers::NONE, false);
    assert_eq!(
        h.state().state.suggestions.current.as_ref().map(|s| s.key()),
        Some(third.key())
    );
    // Accept all of this term: every open one with its text (case and
    // accents aside), in every document, one step.
    let term = marginalia::model::fold_str_for_search(&third.text);
    let of_term = project(&h)
        .suggestions()
        .iter()
        .filter(|s| project(&h).is_open(s) && marginalia::model::fold_str_for_search(&s.text) == term)
        .count();
    let before = project(&h).annotations().len();
    h.get_by_label(&format!("Accept all of this term ({of_term})")).click();
    settle(&mut h);
    assert_eq!(project(&h).annotations().len(), before + of_term);
    let undo = h
        .state()
        .session()
        .and_then(|s| s.history().undo_description())
        .unwrap_or_default();
    assert_eq!(undo, format!("accept {of_term} suggestions"));
    // The documents panel: only those with open suggestions.
    h.get_by_label("Suggested").click();
    settle(&mut h);
    let shown = h.state().state.documents.shown(project(&h)).len();
    let with = project(&h)
        .documents
        .iter()
        .filter(|d| marginalia::search::has_open_suggestions(project(&h), &d.id, None))
        .count();
    assert_eq!(shown, with);
    assert!(with > 0, "open suggestions are left after the term");
}

/// Suggestions over one another (a model's and a gazetteer's): a click
/// focuses the shortest under the pointer, the next click the longer one,
/// and, with no annotation there, the next goes round to the first again.
#[test]
fn clicks_go_through_suggestions_over_one_another() {
    use marginalia::model::Suggestion;
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    // An untagged stretch of the text: no annotation under the click.
    let text = project(&h).document(DOC).expect("doc").text.clone();
    let word = find(&h, "hostilités", 0);
    assert!(
        project(&h)
            .annotations_of(DOC)
            .iter()
            .all(|a| a.end <= word.start || a.start >= word.end),
        "untagged"
    );
    let make = |range: Range<usize>, source: &str| Suggestion {
        doc: DOC.into(),
        start: range.start,
        end: range.end,
        label: "event".into(),
        text: text.slice(range).expect("in the text").to_owned(),
        source: source.into(),
        pattern: String::new(),
        entity: None,
        rejected: false,
    };
    let short = make(word.start..word.start + 4, "model:a");
    let long = make(word.clone(), "gazetteer:g.tsv");
    h.state_mut()
        .apply(Action::Edit(marginalia::search::suggest::store(vec![
            short.clone(),
            long.clone(),
        ])));
    settle(&mut h);
    let focus = |h: &Harness<'_, Workbench>| h.state().state.suggestions.current.as_ref().map(|s| s.start..s.end);
    let mut seen = Vec::new();
    for _ in 0..3 {
        click_at(&mut h, word.start + 1, Modifiers::NONE, false);
        seen.push(focus(&h));
        // Apart in time, so that no two clicks make a double click.
        for _ in 0..4 {
            h.step();
        }
    }
    assert_eq!(
        seen,
        [Some(short.range()), Some(long.range()), Some(short.range())],
        "shortest first, then the longer, then round again"
    );
    // With a tag of another label over them: the suggestions, the tag,
    // then the suggestions again (never stuck on the tag).
    let tag = marginalia::edit::new_annotation(
        project(&h),
        DOC,
        word.clone(),
        "actor",
        "ana",
        marginalia::model::Timestamp::now(),
    )
    .expect("a tag");
    h.state_mut()
        .apply(Action::Edit(marginalia::edit::Command::AddAnnotations(vec![
            tag.clone(),
        ])));
    settle(&mut h);
    let mut seen = Vec::new();
    for _ in 0..4 {
        click_at(&mut h, word.start + 1, Modifiers::NONE, false);
        let selected = h.state().state.selection.annotation;
        seen.push(if selected.is_some() { None } else { focus(&h) });
        assert!(selected.is_none() || selected == Some(tag.id));
        for _ in 0..4 {
            h.step();
        }
    }
    assert_eq!(
        seen,
        [Some(long.range()), None, Some(short.range()), Some(long.range())],
        "from the long one in focus: the tag, then round through the suggestions"
    );
}

/// The workbench opens before the texts are checked, then checks them in
/// the background: a document changed on disk is reported in the banner
/// a few frames later, and its tags are not drawn over the new text.
#[test]
fn a_changed_document_is_reported_by_the_background_check() {
    let (dir, path) = sample_copy();
    let project = persist::open(&path).expect("opens");
    let changed = project.document(DOC).expect("the document").clone();
    let file = dir.path().join(&changed.path);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("Avant-propos.\n{text}")).unwrap();
    let mut wb = Workbench::new(test_settings(), Box::new(ScriptedDialogs::default()));
    wb.open_path(&path);
    assert!(
        wb.state.text_check.is_some(),
        "the texts are checked after opening, not before"
    );
    wb.apply(Action::SelectDocument(DOC.into()));
    let mut h = harness_of(wb, vec2(1400.0, 900.0));
    settle(&mut h);
    assert!(h.state().state.text_check.is_none(), "done in a few frames");
    let problems: Vec<String> = h
        .state()
        .session()
        .expect("open")
        .current_problems()
        .iter()
        .map(|p| p.kind.to_string())
        .collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains(DOC) && problems[0].contains("changed"),
        "{problems:?}"
    );
    h.get_by_label_contains("text changed: tags not shown until re-anchored");
}

/// Undo and redo show what they change: an edit made in one document and
/// undone from another takes the workbench back to the first.
#[test]
fn undo_and_redo_go_to_the_document_they_change() {
    let (_dir, path) = sample_copy();
    let mut h = harness(&path);
    h.state_mut().apply(Action::SelectDocument(DOC.into()));
    settle(&mut h);
    let span = find(&h, "hostilités", 0);
    let a = marginalia::edit::new_annotation(
        project(&h),
        DOC,
        span,
        "event",
        "ana",
        marginalia::model::Timestamp::now(),
    )
    .expect("a tag");
    h.state_mut()
        .apply(Action::Edit(marginalia::edit::Command::AddAnnotations(vec![a.clone()])));
    settle(&mut h);
    let other = project(&h)
        .documents
        .iter()
        .find(|d| d.id != DOC)
        .expect("another document")
        .id
        .clone();
    h.state_mut().apply(Action::SelectDocument(other.clone()));
    settle(&mut h);
    assert_eq!(h.state().state.current_doc.as_deref(), Some(other.as_str()));
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(project(&h).annotation(a.id).is_none(), "undone");
    assert_eq!(
        h.state().state.current_doc.as_deref(),
        Some(DOC),
        "shown where it was undone"
    );
    h.state_mut().apply(Action::SelectDocument(other));
    settle(&mut h);
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert!(project(&h).annotation(a.id).is_some(), "redone");
    assert_eq!(
        h.state().state.current_doc.as_deref(),
        Some(DOC),
        "shown where it was redone"
    );
}

/// Over a corpus, suggestions are looked for on a thread, with a bar,
/// while the window goes on; what is found is stored in one step, as it
/// is at once for a small project.
#[test]
fn suggestions_over_a_corpus_are_looked_for_in_the_background() {
    let (dir, path) = sample_copy();
    let g = dir.path().join("actors.tsv");
    std::fs::write(&g, "Stepanakert\tactor\narmée azerbaïdjanaise\tactor\n").unwrap();
    let expected = {
        let p = persist::open(&path).expect("opens");
        let (patterns, source) = marginalia::search::suggest::load_gazetteer(&g, &p).expect("valid");
        marginalia::search::suggest::suggest(&p, &patterns, &source, &|_| true)
    };
    assert!(expected.len() > 3);
    let dialogs = ScriptedDialogs {
        gazetteers: vec![g],
        ..Default::default()
    };
    let mut h = harness_with(&path, dialogs);
    h.state_mut().suggest_in_background_over = 0;
    h.state_mut().apply(Action::SuggestFromGazetteer);
    assert!(h.state().state.suggesting.is_some(), "on a thread");
    assert!(project(&h).suggestions().is_empty(), "not yet");
    for _ in 0..200 {
        if h.state().state.suggesting.is_none() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
    assert!(h.state().state.suggesting.is_none(), "done");
    assert_eq!(project(&h).suggestions(), expected.as_slice());
    assert_eq!(
        h.state()
            .session()
            .and_then(|s| s.history().undo_description())
            .as_deref(),
        Some(format!("suggest {} spans", expected.len()).as_str())
    );
}
