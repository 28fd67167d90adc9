//! Making a relation from the keyboard: with an annotation selected, Ctrl+K
//! starts; the arrow keys (or typing part of a text) pick the other end
//! among the annotations a relation could link it to (either way round:
//! from an actor, the claims it may be the claimant of), nearest first;
//! Enter (or a click on it) picks it; if more than one type fits, the
//! type's key (or its number) chooses; Esc steps back. Types that would be
//! refused (the same link again, a claimant the claim already has) are
//! not offered. The view shows the candidate and a dashed arrow to it. The
//! state here is pure: the workbench feeds it keys and turns its answer
//! into one undoable command.
//!
//! The same loop assigns an event's roles (Ctrl+R): one role after the
//! other (the relation types that start at the event's label), the
//! candidates those the role allows, Enter fills the role and moves to the
//! next, Tab skips one, Shift+Tab goes back.

use crate::model::{Annotation, AnnotationId, LabelKind, Project, fold_str_for_search};

/// A relation being made.
#[derive(Clone, Debug, PartialEq)]
pub struct Linking {
    pub from: AnnotationId,
    pub doc: String,
    /// Annotations some relation type allows `from` to reach, nearest to
    /// `from` first.
    candidates: Vec<AnnotationId>,
    /// What is typed to narrow the candidates.
    pub typed: String,
    /// The candidate shown, in the narrowed list.
    at: usize,
    /// The other end picked, and the types that link the two, when there is
    /// more than one to choose from.
    pub choosing: Option<(AnnotationId, Vec<String>)>,
    /// The relation goes from the other end into `from` (linking started
    /// from its target: an actor, to the claims it makes).
    pub into: bool,
    /// Assigning an event's roles, one after another.
    pub roles: Option<Roles>,
}

/// An event's roles being assigned in turn.
#[derive(Clone, Debug, PartialEq)]
pub struct Roles {
    /// The relation types that start at the event's label, schema order.
    pub kinds: Vec<String>,
    /// The role being filled.
    pub at: usize,
    /// How many relations this loop has made.
    pub assigned: usize,
}

impl Roles {
    pub fn kind(&self) -> &str {
        &self.kinds[self.at]
    }
}

/// What a key did.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Still linking (the candidate may have changed).
    Continue,
    Cancel,
    /// Make this relation.
    Relate {
        kind: String,
        from: AnnotationId,
        to: AnnotationId,
    },
    /// Nothing to make: said in the status bar.
    Refuse(String),
    /// The roles loop went past its last role: said in the status bar.
    Finished(String),
}

/// A key as linking reads it.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkKey {
    Next,
    Previous,
    Enter,
    Escape,
    Backspace,
    Text(String),
    /// Linking ends (a click away from the candidates).
    Cancel,
    /// Tab, Shift+Tab: the next or the previous role (or candidate, when
    /// not assigning roles).
    NextRole,
    PreviousRole,
}

/// The types that could link `from` to `to` now: those that allow their
/// labels, not already linking them, with room left in `from`'s
/// cardinality.
pub fn types_between(project: &Project, from: &Annotation, to: &Annotation) -> Vec<String> {
    let existing = project.relations_from(&from.doc, from.id);
    project
        .schema
        .relation_types
        .iter()
        .filter(|t| t.allows(&from.label, &to.label))
        .filter(|t| !existing.iter().any(|r| r.kind == t.id && r.to == to.id))
        .filter(|t| {
            t.cardinality
                .max()
                .is_none_or(|max| existing.iter().filter(|r| r.kind == t.id).count() < max)
        })
        .map(|t| t.id.clone())
        .collect()
}

/// The way a relation between `a` (the one linking started from) and `b`
/// can go, and its types: from `a` if any type fits, else into `a`.
pub fn direction(project: &Project, a: &Annotation, b: &Annotation) -> Option<(bool, Vec<String>)> {
    let forward = types_between(project, a, b);
    if !forward.is_empty() {
        return Some((true, forward));
    }
    let backward = types_between(project, b, a);
    (!backward.is_empty()).then_some((false, backward))
}

impl Linking {
    /// Linking from `from`: every annotation of its document that a type
    /// allows it to reach, nearest first. An error says why there is none.
    pub fn start(project: &Project, from: &Annotation) -> Result<Linking, String> {
        if project.schema.relation_types.is_empty() {
            return Err("No relation types yet: add one in Edit labels… (Relations)".to_owned());
        }
        let mut candidates: Vec<(usize, AnnotationId)> = project
            .annotations_of(&from.doc)
            .iter()
            .filter(|a| a.id != from.id && direction(project, from, a).is_some())
            .map(|a| (a.start.abs_diff(from.start), a.id))
            .collect();
        if candidates.is_empty() {
            let label = project
                .schema
                .get(&from.label)
                .map_or(from.label.as_str(), |l| l.name.as_str());
            return Err(format!(
                "Nothing in this document can be linked to this {label} (the relation types allow no more links here)"
            ));
        }
        candidates.sort();
        Ok(Linking {
            from: from.id,
            doc: from.doc.clone(),
            candidates: candidates.into_iter().map(|(_, id)| id).collect(),
            typed: String::new(),
            at: 0,
            choosing: None,
            into: false,
            roles: None,
        })
    }

    /// Assigning the roles of event `event`, starting at the first role
    /// still short of its cardinality (or the first). An error says why
    /// there is nothing to assign.
    pub fn roles(project: &Project, event: &Annotation) -> Result<Linking, String> {
        let label = project.schema.get(&event.label);
        let name = label.map_or(event.label.as_str(), |l| l.name.as_str());
        if label.is_none_or(|l| l.kind != LabelKind::Event) {
            return Err(format!(
                "Roles belong to events: {name} is not a label of kind event (Edit labels… sets a label's kind)"
            ));
        }
        let kinds: Vec<String> = project
            .schema
            .relation_types
            .iter()
            .filter(|t| t.from.contains(&event.label))
            .map(|t| t.id.clone())
            .collect();
        if kinds.is_empty() {
            return Err(format!(
                "{name} has no roles: add a relation type from {name} in Edit labels… (Relation types)"
            ));
        }
        let existing = project.relations_from(&event.doc, event.id);
        let short = |kind: &String| {
            let min = project.schema.relation_type(kind).map_or(0, |t| t.cardinality.min());
            existing.iter().filter(|r| &r.kind == kind).count() < min
        };
        let at = kinds.iter().position(short).unwrap_or(0);
        let mut linking = Linking {
            from: event.id,
            doc: event.doc.clone(),
            candidates: Vec::new(),
            typed: String::new(),
            at: 0,
            choosing: None,
            into: false,
            roles: Some(Roles { kinds, at, assigned: 0 }),
        };
        linking.fill_role_candidates(project);
        Ok(linking)
    }

    /// The candidates of the role being filled: what it may point at and
    /// does not already, nearest first.
    fn fill_role_candidates(&mut self, project: &Project) {
        let (Some(roles), Some(event)) = (&self.roles, project.annotation(self.from)) else {
            return;
        };
        let kind = roles.kind();
        let mut candidates: Vec<(usize, AnnotationId)> = project
            .annotations_of(&event.doc)
            .iter()
            .filter(|a| a.id != event.id && types_between(project, event, a).iter().any(|k| k == kind))
            .map(|a| (a.start.abs_diff(event.start), a.id))
            .collect();
        candidates.sort();
        self.candidates = candidates.into_iter().map(|(_, id)| id).collect();
        self.typed.clear();
        self.at = 0;
    }

    /// Moves to another role (`forward` or back); past the last one the
    /// loop is finished.
    pub fn step_role(&mut self, project: &Project, forward: bool) -> Step {
        let Some(roles) = &mut self.roles else {
            return Step::Continue;
        };
        if forward {
            roles.at += 1;
            if roles.at == roles.kinds.len() {
                let text = project
                    .annotation(self.from)
                    .map_or_else(String::new, |a| format!(" of “{}”", crate::model::shorten(&a.text, 30)));
                return Step::Finished(format!(
                    "Roles{text}: {} assigned",
                    crate::model::plural(roles.assigned, "role")
                ));
            }
        } else {
            roles.at = roles.at.saturating_sub(1);
        }
        self.fill_role_candidates(project);
        Step::Continue
    }

    /// After a role was filled: counts it and moves to the next role.
    pub fn role_filled(&mut self, project: &Project) -> Step {
        if let Some(roles) = &mut self.roles {
            roles.assigned += 1;
        }
        self.step_role(project, true)
    }

    /// The candidates whose text holds what is typed (accents and case
    /// aside).
    pub fn narrowed(&self, project: &Project) -> Vec<AnnotationId> {
        let needle = fold_str_for_search(&self.typed);
        if needle.is_empty() {
            return self.candidates.clone();
        }
        self.candidates
            .iter()
            .copied()
            .filter(|id| {
                project
                    .annotation(*id)
                    .is_some_and(|a| fold_str_for_search(&a.text).contains(&needle))
            })
            .collect()
    }

    /// The candidate shown now.
    pub fn current(&self, project: &Project) -> Option<AnnotationId> {
        let shown = self.narrowed(project);
        shown.get(self.at.min(shown.len().saturating_sub(1))).copied()
    }

    /// Reads one key.
    pub fn key(&mut self, project: &Project, key: LinkKey) -> Step {
        if key == LinkKey::Cancel {
            return Step::Cancel;
        }
        let key = match key {
            LinkKey::NextRole | LinkKey::PreviousRole if self.roles.is_some() => {
                return self.step_role(project, key == LinkKey::NextRole);
            }
            LinkKey::NextRole => LinkKey::Next,
            LinkKey::PreviousRole => LinkKey::Previous,
            other => other,
        };
        if let Some((to, types)) = &self.choosing {
            let (to, types) = (*to, types.clone());
            return match key {
                LinkKey::Escape => {
                    self.choosing = None;
                    self.into = false;
                    Step::Continue
                }
                LinkKey::Enter => self.relate(&types[0], to),
                LinkKey::Text(t) => {
                    let mut chars = t.chars();
                    let Some(c) = chars.next() else { return Step::Continue };
                    let by_key = types.iter().find(|id| {
                        project
                            .schema
                            .relation_type(id)
                            .and_then(|t| t.hotkey)
                            .is_some_and(|k| k.eq_ignore_ascii_case(&c))
                    });
                    let by_number = c.to_digit(10).and_then(|n| types.get((n as usize).checked_sub(1)?));
                    match by_key.or(by_number) {
                        Some(kind) => self.relate(&kind.clone(), to),
                        None => Step::Continue,
                    }
                }
                _ => Step::Continue,
            };
        }
        match key {
            // Esc takes back what is typed first, then cancels.
            LinkKey::Escape if !self.typed.is_empty() => {
                self.typed.clear();
                self.at = 0;
                Step::Continue
            }
            LinkKey::Escape | LinkKey::Cancel => Step::Cancel,
            LinkKey::Next | LinkKey::Previous => {
                let n = self.narrowed(project).len().max(1);
                let at = self.at.min(n - 1);
                self.at = if key == LinkKey::Next {
                    (at + 1) % n
                } else {
                    (at + n - 1) % n
                };
                Step::Continue
            }
            LinkKey::NextRole | LinkKey::PreviousRole => Step::Continue,
            LinkKey::Backspace => {
                self.typed.pop();
                self.at = 0;
                Step::Continue
            }
            LinkKey::Text(t) => {
                self.typed.push_str(&t);
                self.at = 0;
                Step::Continue
            }
            LinkKey::Enter => match self.current(project) {
                Some(to) => self.pick(project, to),
                None => Step::Refuse(format!("No annotation here holds “{}”", self.typed)),
            },
        }
    }

    /// Picks `to` as the other end (Enter, or a click on it in the text).
    pub fn pick(&mut self, project: &Project, to: AnnotationId) -> Step {
        let (Some(from), Some(target)) = (project.annotation(self.from), project.annotation(to)) else {
            return Step::Cancel;
        };
        if let Some(roles) = &self.roles {
            return match self.candidates.contains(&to) {
                true => self.relate(roles.kind(), to),
                false => Step::Refuse("That annotation cannot fill this role".to_owned()),
            };
        }
        let Some((forward, types)) = direction(project, from, target) else {
            return Step::Refuse("No relation type can link these two now".to_owned());
        };
        self.into = !forward;
        match types.as_slice() {
            [one] => self.relate(&one.clone(), to),
            _ => {
                self.choosing = Some((to, types));
                Step::Continue
            }
        }
    }

    /// Whether `id` is among the candidates.
    pub fn offers(&self, id: AnnotationId) -> bool {
        self.candidates.contains(&id)
    }

    fn relate(&self, kind: &str, other: AnnotationId) -> Step {
        let (from, to) = if self.into {
            (other, self.from)
        } else {
            (self.from, other)
        };
        Step::Relate {
            kind: kind.to_owned(),
            from,
            to,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Project {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_projects/karabakh/karabakh.ron");
        crate::persist::load(&path).expect("sample loads").project
    }

    #[test]
    fn a_claim_reaches_actors_nearest_first_and_typing_narrows() {
        let project = sample();
        let claim = project
            .annotations()
            .iter()
            .find(|a| a.label == "claim")
            .expect("a claim");
        let mut linking = Linking::start(&project, claim).expect("actors to link to");
        let shown = linking.narrowed(&project);
        assert!(!shown.is_empty());
        // Only annotations a type allows (actors, from a claim), nearest first.
        let distance = |id| {
            project
                .annotation(id)
                .map(|a| a.start.abs_diff(claim.start))
                .expect("there")
        };
        for pair in shown.windows(2) {
            assert!(distance(pair[0]) <= distance(pair[1]));
        }
        assert!(
            shown
                .iter()
                .all(|id| project.annotation(*id).is_some_and(|a| a.label == "actor"))
        );
        // Typing part of a text narrows to the actors that hold it: the
        // farthest one's text, typed, brings it first.
        let farthest = *shown.last().expect("candidates");
        let typed = project.annotation(farthest).expect("there").text.clone();
        linking.key(&project, LinkKey::Text(typed.clone()));
        let narrowed = linking.narrowed(&project);
        assert!(narrowed.contains(&farthest) && narrowed.len() < shown.len(), "{typed}");
        let needle = fold_str_for_search(&typed);
        assert!(narrowed.iter().all(|id| {
            project
                .annotation(*id)
                .is_some_and(|a| fold_str_for_search(&a.text).contains(&needle))
        }));
        // The arrows go round the list.
        linking.key(&project, LinkKey::Backspace);
        let first = linking.current(&project);
        linking.key(&project, LinkKey::Previous);
        linking.key(&project, LinkKey::Next);
        assert_eq!(linking.current(&project), first);
    }

    #[test]
    fn two_possible_types_ask_which_and_the_types_key_chooses() {
        let project = sample();
        // A claim with no claimant yet (the text names no source).
        let claim = project
            .annotations()
            .iter()
            .find(|a| {
                a.label == "claim"
                    && !project
                        .relations_from(&a.doc, a.id)
                        .iter()
                        .any(|r| r.kind == "claimant")
            })
            .expect("a claim without a claimant");
        let mut linking = Linking::start(&project, claim).expect("start");
        // claim → actor: claimant and target both fit.
        assert_eq!(linking.key(&project, LinkKey::Enter), Step::Continue);
        let (to, types) = linking.choosing.clone().expect("a choice of types");
        assert_eq!(types, ["claimant", "target"]);
        assert_eq!(
            linking.key(&project, LinkKey::Text("t".into())),
            Step::Relate {
                kind: "target".into(),
                from: claim.id,
                to
            }
        );
        // Esc steps back from the choice, then cancels.
        let mut linking = Linking::start(&project, claim).expect("start");
        linking.key(&project, LinkKey::Enter);
        assert_eq!(linking.key(&project, LinkKey::Escape), Step::Continue);
        assert!(linking.choosing.is_none());
        assert_eq!(linking.key(&project, LinkKey::Escape), Step::Cancel);
    }

    #[test]
    fn an_event_has_one_type_to_an_actor_and_an_actor_has_none() {
        let project = sample();
        let event = project
            .annotations()
            .iter()
            .find(|a| a.label == "event")
            .expect("an event");
        let mut linking = Linking::start(&project, event).expect("start");
        // event → actor: agent and target.
        assert!(matches!(linking.key(&project, LinkKey::Enter), Step::Continue));
        let actor = project
            .annotations()
            .iter()
            .find(|a| a.label == "actor")
            .expect("an actor");
        // From an actor, the claims and events it may be the end of; the
        // relation goes into the actor.
        let mut linking = Linking::start(&project, actor).expect("claims and events link into an actor");
        let other = linking.current(&project).expect("a candidate");
        let step = match linking.key(&project, LinkKey::Enter) {
            Step::Continue => linking.key(&project, LinkKey::Enter),
            step => step,
        };
        match step {
            Step::Relate { from, to, .. } => assert_eq!((from, to), (other, actor.id), "into the actor"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn types_that_would_be_refused_are_not_offered() {
        let project = sample();
        let r = project
            .relations()
            .iter()
            .find(|r| r.kind == "claimant")
            .expect("a claimant");
        let (claim, actor) = (
            project.annotation(r.from).expect("claim"),
            project.annotation(r.to).expect("actor"),
        );
        // The same claimant again, or a second claimant: not offered.
        assert_eq!(types_between(&project, claim, actor), ["target"]);
        let other_actor = project
            .annotations_of(&claim.doc)
            .iter()
            .find(|a| a.label == "actor" && a.id != actor.id)
            .expect("another actor");
        assert!(!types_between(&project, claim, other_actor).contains(&"claimant".to_owned()));
    }

    #[test]
    fn an_events_roles_are_offered_one_after_another() {
        let project = sample();
        let claim = project
            .annotations()
            .iter()
            .find(|a| a.label == "claim")
            .expect("a claim");
        let not_event = Linking::roles(&project, claim).expect_err("a claim has no roles");
        assert!(not_event.contains("not a label of kind event"), "{not_event}");
        let event = project
            .annotations()
            .iter()
            .find(|a| a.label == "event" && project.relations_from(&a.doc, a.id).is_empty())
            .expect("an event without roles yet");
        let mut linking = Linking::roles(&project, event).expect("roles");
        let roles = linking.roles.clone().expect("roles mode");
        assert_eq!(
            roles.kinds,
            ["agent", "target"],
            "the types that start at events, in order"
        );
        assert_eq!(roles.at, 0);
        // Only what the role may point at: actors.
        let shown = linking.narrowed(&project);
        assert!(!shown.is_empty());
        assert!(
            shown
                .iter()
                .all(|id| project.annotation(*id).is_some_and(|a| a.label == "actor"))
        );
        let first = linking.current(&project).expect("a candidate");
        assert_eq!(
            linking.key(&project, LinkKey::Enter),
            Step::Relate {
                kind: "agent".into(),
                from: event.id,
                to: first
            }
        );
        // The workbench made it: on to the next role, then past the last.
        assert_eq!(linking.role_filled(&project), Step::Continue);
        assert_eq!(linking.roles.as_ref().map(|r| (r.at, r.assigned)), Some((1, 1)));
        assert_eq!(linking.key(&project, LinkKey::PreviousRole), Step::Continue);
        assert_eq!(linking.roles.as_ref().map(|r| r.at), Some(0), "Shift+Tab goes back");
        linking.key(&project, LinkKey::NextRole);
        match linking.key(&project, LinkKey::NextRole) {
            Step::Finished(text) => assert!(text.ends_with(": 1 role assigned"), "{text}"),
            other => panic!("expected the end of the loop, got {other:?}"),
        }
    }
}
