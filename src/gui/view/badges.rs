//! Attribute values at a glance: a compact badge after an annotation's
//! last word (a choice's value, a flag's name's initial when set, an
//! entity's name, a number), and a line per value in the hover card. Values are visible
//! without opening anything (label-studio #4761).

use crate::model::{Annotation, AttrKind, AttrValue, Project};

/// How one value reads on the span.
fn glyph(project: &Project, key: &str, value: &AttrValue) -> Option<String> {
    let def = project.schema.attribute(key);
    let kind = def.map(|d| d.kind);
    Some(match (kind, value) {
        (Some(AttrKind::Flag), AttrValue::Flag(true)) => {
            let name = def.map_or(key, |d| d.name.as_str());
            name.chars().next()?.to_uppercase().collect()
        }
        (_, AttrValue::Flag(_)) => return None,
        (Some(AttrKind::Entity), AttrValue::Text(id)) => {
            let name = project.schema.entity(id).map_or(id.as_str(), |e| e.name.as_str());
            // The family name reads best ("Pashinyan"); a qualifier in
            // brackets is left out ("Azerbaijan (government)" → "Azerbaijan").
            let name = name.split(" (").next().unwrap_or(name);
            let last = name.split_whitespace().last().unwrap_or(name);
            crate::model::shorten(last, 14)
        }
        // The value itself: a sign alone ("-") was too small to see.
        (Some(AttrKind::Choice), AttrValue::Text(v)) => crate::model::shorten(v, 10),
        (_, AttrValue::List(v)) => v
            .iter()
            .map(|x| x.chars().take(3).collect::<String>())
            .collect::<Vec<_>>()
            .join(","),
        (_, v) => crate::model::shorten(&v.to_string(), 10),
    })
}

/// The badge of `a`, or `None` when it has no value worth showing. A
/// choice that is the attribute's default is left out (most claims
/// affirm: only the denials need the eye).
pub fn badge(project: &Project, a: &Annotation) -> Option<String> {
    let parts: Vec<String> = a
        .attrs
        .iter()
        .filter(|(key, value)| {
            project
                .schema
                .attribute(key)
                .is_none_or(|d| d.default.as_ref() != Some(*value))
        })
        .filter_map(|(key, value)| glyph(project, key, value))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// Lines for the hover card: "Polarity: denies", "Refers to: Nikol Pashinyan".
pub fn lines(project: &Project, a: &Annotation) -> Vec<String> {
    a.attrs
        .iter()
        .map(|(key, value)| {
            let def = project.schema.attribute(key);
            let name = def.map_or(key.as_str(), |d| d.name.as_str());
            let shown = match (def.map(|d| d.kind), value) {
                (Some(AttrKind::Entity), AttrValue::Text(id)) => {
                    project.schema.entity(id).map_or_else(|| id.clone(), |e| e.name.clone())
                }
                _ => value.to_string(),
            };
            format!("{name}: {shown}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_show_what_differs_from_the_default() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_projects/karabakh/karabakh.ron");
        let project = crate::persist::load(&path).expect("sample").project;
        let with = |key: &str, v: &AttrValue| {
            project
                .annotations()
                .iter()
                .find(|a| a.attrs.get(key) == Some(v))
                .expect("an annotation with that value")
        };
        // A denial shows it; an affirmation (the default) shows nothing.
        let denial = with("polarity", &AttrValue::Text("denies".into()));
        assert!(
            badge(&project, denial).is_some_and(|b| b.split(' ').any(|p| p == "denies")),
            "{:?}",
            badge(&project, denial)
        );
        let plain = project
            .annotations()
            .iter()
            .find(|a| a.attrs.len() == 1 && a.attrs.get("polarity") == Some(&AttrValue::Text("affirms".into())))
            .expect("a plain affirmed claim");
        assert_eq!(badge(&project, plain), None);
        // A hedged claim shows H; an actor its entity's family name.
        let hedged = with("hedged", &AttrValue::Flag(true));
        assert!(badge(&project, hedged).is_some_and(|b| b.contains('H')));
        let pashinyan = with("refers_to", &AttrValue::Text("pashinyan".into()));
        assert_eq!(badge(&project, pashinyan).as_deref(), Some("Pashinyan"));
        let qualified = project
            .schema
            .entities
            .iter()
            .find(|e| e.name.contains(" ("))
            .expect("an entity with a qualifier");
        let government = with("refers_to", &AttrValue::Text(qualified.id.clone()));
        let shown = badge(&project, government).expect("a badge");
        assert!(
            !shown.contains(['(', ')']) && qualified.name.contains(&shown),
            "{shown}"
        );
        assert!(lines(&project, pashinyan).contains(&"Refers to: Nikol Pashinyan".to_owned()));
    }
}
