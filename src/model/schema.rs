//! The label schema: which tags exist, how they look and what they mean.
//!
//! Labels are ordered (the palette and the hotkeys follow the order). A label's
//! `id` is what annotations refer to and never changes; its display name,
//! colour, hotkey and guideline can all be edited. The default schema is the
//! one political scientists start from: event, claim, actor.
//!
//! Beside the labels, the schema declares the structure annotations may
//! carry (format version 2):
//! - **relation types**: typed, directed (or symmetric) links between two
//!   annotations of a document, with the labels allowed at each end. An
//!   event in brat's sense is an annotation whose label has
//!   [`LabelKind::Event`] (its trigger) with outgoing relations whose types
//!   are its roles; a relation type's [`Cardinality`] is the role's;
//! - **attributes**: keys that annotations of some labels, relations of some
//!   types, or documents take, with their kind (choice, multi-choice, flag,
//!   text, number, entity reference, date, URL), default and "required";
//! - **entities**: the local list entity-reference attributes point into
//!   (actors with their Wikidata ids, so that three different mentions can
//!   be one actor).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An sRGB colour, written `"#rrggbb"` in project files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Colour(pub [u8; 3]);

/// Colours given to labels added after the default schema's three, in
/// turn (the rest of Tableau 10).
const NEW_LABEL_COLOURS: [[u8; 3]; 7] = [
    [0xe1, 0x57, 0x59],
    [0x76, 0xb7, 0xb2],
    [0xed, 0xc9, 0x48],
    [0xb0, 0x7a, 0xa1],
    [0xff, 0x9d, 0xa7],
    [0x9c, 0x75, 0x5f],
    [0xba, 0xb0, 0xac],
];

impl Colour {
    /// The colour for the `n`th label added (the schema editor, imports).
    pub fn for_new_label(n: usize) -> Colour {
        Colour(NEW_LABEL_COLOURS[n % NEW_LABEL_COLOURS.len()])
    }

    /// Parses `#rrggbb` (the `#` is optional).
    pub fn parse(s: &str) -> Option<Colour> {
        let hex = s.strip_prefix('#').unwrap_or(s);
        if hex.len() != 6 || !hex.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Colour([byte(0)?, byte(2)?, byte(4)?]))
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02x}{g:02x}{b:02x}")
    }
}

impl Serialize for Colour {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Colour, D::Error> {
        let s = String::deserialize(deserializer)?;
        Colour::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("invalid colour {s:?}, expected \"#rrggbb\"")))
    }
}

/// One tag type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    /// Stable identifier referenced by annotations (`event`).
    pub id: String,
    /// Name shown in the palette (`Event`).
    pub name: String,
    pub colour: Colour,
    /// Key that applies the label to the selection in the GUI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<char>,
    /// What counts as this label: shown when hovering it in the palette.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub guideline: String,
    /// A span label (the default), an event trigger, or a label for whole
    /// documents.
    #[serde(default, skip_serializing_if = "LabelKind::is_span")]
    pub kind: LabelKind,
}

/// What a label tags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum LabelKind {
    /// A span of text (an entity in brat's terms).
    #[default]
    Span,
    /// An event trigger: its outgoing relations are its roles (brat's E lines).
    Event,
    /// A class for a whole document ("pro-government"): an annotation that
    /// covers the whole text.
    Document,
}

impl LabelKind {
    pub fn is_span(&self) -> bool {
        *self == LabelKind::Span
    }

    pub fn name(self) -> &'static str {
        match self {
            LabelKind::Span => "span",
            LabelKind::Event => "event",
            LabelKind::Document => "document",
        }
    }
}

/// How many relations of a type an annotation at its `from` end has (a
/// role's cardinality, as brat's `Theme`, `Theme?`, `Theme+`, `Theme*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cardinality {
    /// Any number (brat's `*`).
    #[default]
    Any,
    /// Exactly one.
    One,
    /// At most one (`?`).
    Optional,
    /// At least one (`+`).
    OneOrMore,
}

impl Cardinality {
    pub fn is_any(&self) -> bool {
        *self == Cardinality::Any
    }

    pub fn name(self) -> &'static str {
        match self {
            Cardinality::Any => "any",
            Cardinality::One => "one",
            Cardinality::Optional => "optional",
            Cardinality::OneOrMore => "one_or_more",
        }
    }

    /// As people say it: "any number", "exactly one", "at most one", "one or more".
    pub fn describe(self) -> &'static str {
        match self {
            Cardinality::Any => "any number",
            Cardinality::One => "exactly one",
            Cardinality::Optional => "at most one",
            Cardinality::OneOrMore => "one or more",
        }
    }

    /// The most relations allowed, if bounded.
    pub fn max(self) -> Option<usize> {
        matches!(self, Cardinality::One | Cardinality::Optional).then_some(1)
    }

    /// The fewest relations required.
    pub fn min(self) -> usize {
        usize::from(matches!(self, Cardinality::One | Cardinality::OneOrMore))
    }

    /// brat's suffix (`""`, `"?"`, `"+"`, `"*"`).
    pub fn brat_suffix(self) -> &'static str {
        match self {
            Cardinality::One => "",
            Cardinality::Optional => "?",
            Cardinality::OneOrMore => "+",
            Cardinality::Any => "*",
        }
    }
}

/// A type of relation between two annotations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationType {
    /// Stable identifier relations refer to (`claimant`).
    pub id: String,
    pub name: String,
    pub colour: Colour,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<char>,
    /// Labels allowed at the `from` end (empty: any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<String>,
    /// Labels allowed at the `to` end (empty: any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
    /// `A rel B` is the same as `B rel A` (coreference, "allied with").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub symmetric: bool,
    /// How many of these each `from` annotation has.
    #[serde(default, skip_serializing_if = "Cardinality::is_any")]
    pub cardinality: Cardinality,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub guideline: String,
}

impl RelationType {
    /// True when an annotation labelled `from` may point at one labelled
    /// `to` with this type (either way round for a symmetric type).
    pub fn allows(&self, from: &str, to: &str) -> bool {
        let fits = |list: &[String], l: &str| list.is_empty() || list.iter().any(|x| x == l);
        (fits(&self.from, from) && fits(&self.to, to))
            || (self.symmetric && fits(&self.from, to) && fits(&self.to, from))
    }
}

/// The kind of value an attribute takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttrKind {
    /// One of the listed values.
    #[default]
    Choice,
    /// Any number of the listed values.
    Multi,
    /// True or false.
    Flag,
    /// Free text.
    Text,
    /// A finite number.
    Number,
    /// The id of an entity of the project's entity list.
    Entity,
    /// A calendar date, `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`).
    Date,
    /// An `http://` or `https://` address.
    Url,
}

impl AttrKind {
    pub fn name(self) -> &'static str {
        match self {
            AttrKind::Choice => "choice",
            AttrKind::Multi => "multi",
            AttrKind::Flag => "flag",
            AttrKind::Text => "text",
            AttrKind::Number => "number",
            AttrKind::Entity => "entity",
            AttrKind::Date => "date",
            AttrKind::Url => "url",
        }
    }
}

/// What an attribute is declared on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AttrTarget {
    /// Annotations with this label.
    Label(String),
    /// Relations of this type.
    Relation(String),
    /// Documents (metadata fields).
    Document,
}

/// One value of a choice or multi-choice attribute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceValue {
    pub id: String,
    /// Key that sets this value on the selected annotation in the GUI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<char>,
}

/// An attribute's declaration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeDef {
    /// The key values are stored under (`polarity`).
    pub id: String,
    pub name: String,
    pub kind: AttrKind,
    /// Where the attribute may be set.
    pub on: Vec<AttrTarget>,
    /// The values of a choice or multi-choice attribute.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<ChoiceValue>,
    /// The value a new annotation (relation, document) is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<super::AttrValue>,
    /// `validate` reports a target without a value (as a warning: work in
    /// progress is not a broken file).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub guideline: String,
}

impl AttributeDef {
    /// True when the attribute may be set on `target`.
    pub fn applies_to(&self, target: &AttrTarget) -> bool {
        self.on.contains(target)
    }

    /// True when `v` is one of the listed values.
    pub fn has_value(&self, v: &str) -> bool {
        self.values.iter().any(|c| c.id == v)
    }
}

/// One entry of the project's entity list: what entity-reference
/// attributes point at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// Local id (`pashinyan`).
    pub id: String,
    /// Canonical name (`Nikol Pashinyan`).
    pub name: String,
    /// An id in a knowledge base, as `DB:ID` (`Wikidata:Q57521`), as brat's
    /// normalisation lines write it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The ordered list of labels of a project, with the relation types,
/// attributes and entities annotations may use.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Schema {
    pub labels: Vec<Label>,
    pub relation_types: Vec<RelationType>,
    pub attributes: Vec<AttributeDef>,
    pub entities: Vec<Entity>,
}

impl Schema {
    /// The label with `id`.
    pub fn get(&self, id: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.id == id)
    }

    /// Position of the label with `id` in the palette.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.labels.iter().position(|l| l.id == id)
    }

    /// True when a label with `id` exists.
    pub fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// The relation type with `id`.
    pub fn relation_type(&self, id: &str) -> Option<&RelationType> {
        self.relation_types.iter().find(|t| t.id == id)
    }

    /// The attribute with `id`.
    pub fn attribute(&self, id: &str) -> Option<&AttributeDef> {
        self.attributes.iter().find(|a| a.id == id)
    }

    /// The entity with `id`.
    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.id == id)
    }

    /// The attributes declared on `target`, in schema order.
    pub fn attributes_of<'a>(&'a self, target: &'a AttrTarget) -> impl Iterator<Item = &'a AttributeDef> + 'a {
        self.attributes.iter().filter(move |a| a.applies_to(target))
    }

    /// True when the schema declares any structure beyond labels (what
    /// format version 1 could not hold).
    pub fn has_structure(&self) -> bool {
        !self.relation_types.is_empty()
            || !self.attributes.is_empty()
            || !self.entities.is_empty()
            || self.labels.iter().any(|l| !l.kind.is_span())
    }

    /// The label bound to `key`, if any.
    pub fn by_hotkey(&self, key: char) -> Option<&Label> {
        self.labels.iter().find(|l| l.hotkey == Some(key))
    }

    /// A label id derived from `name` that no label uses yet.
    /// The id a label named `name` gets: [`Schema::fresh_id`], with the
    /// label `except` (the one being renamed) not counting as taken.
    pub fn id_for_name(&self, name: &str, except: &str) -> String {
        let others = Schema {
            labels: self.labels.iter().filter(|l| l.id != except).cloned().collect(),
            ..Schema::default()
        };
        others.fresh_id(name)
    }

    pub fn fresh_id(&self, name: &str) -> String {
        let base: String = name
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '_' })
            .collect();
        let base = if base.is_empty() { "label".to_owned() } else { base };
        let mut id = base.clone();
        let mut n = 2;
        while self.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        id
    }

    /// The schema every new project starts with.
    pub fn default_political() -> Schema {
        Schema {
            labels: vec![
                Label {
                    id: "event".into(),
                    name: "Event".into(),
                    colour: Colour([0xf2, 0x8e, 0x2b]),
                    hotkey: Some('1'),
                    guideline: EVENT_GUIDELINE.into(),
                    kind: LabelKind::Span,
                },
                Label {
                    id: "claim".into(),
                    name: "Claim".into(),
                    colour: Colour([0x4e, 0x79, 0xa7]),
                    hotkey: Some('2'),
                    guideline: CLAIM_GUIDELINE.into(),
                    kind: LabelKind::Span,
                },
                Label {
                    id: "actor".into(),
                    name: "Actor".into(),
                    colour: Colour([0x59, 0xa1, 0x4f]),
                    hotkey: Some('3'),
                    guideline: ACTOR_GUIDELINE.into(),
                    kind: LabelKind::Span,
                },
            ],
            ..Schema::default()
        }
    }
}

const EVENT_GUIDELINE: &str = "Something that happened or is reported to have happened at a particular time: an attack, a shelling, a battle, a ceasefire, a round of talks, a mobilisation, an evacuation, a declaration of martial law, an election, a speech as an act. Tag the shortest span that names the happening together with what distinguishes it (the verb or nominalisation and its core complement: \"ont attaqué des zones frontalières\", \"un cessez-le-feu\"), not the whole sentence. Do not tag states (\"le conflit qui couvait\"), generic or hypothetical events (\"une guerre à grande échelle\" that is only feared) or the act of saying itself when it is only the frame of a claim; tag those as events only when the statement is itself the news (a televised address, an ultimatum).";

const CLAIM_GUIDELINE: &str = "A proposition that a source asserts and that could be true or false, attributed in the text to someone: figures of casualties or destroyed equipment, accusations, denials, justifications, assessments (\"leur attaque était une représailles\"). Tag the content of the claim, from the first word of what is asserted to its last, without the attribution verb (\"a déclaré que\") but including reported figures and quoted words; tag the speaker separately as an actor, which is then nested in or next to the claim. The reporter's own narration is not a claim unless it is hedged (\"il semble que\", \"présumées\"). When unsure whether a statement is the source's or the journalist's, tag it and say so in the note.";

const ACTOR_GUIDELINE: &str = "A person, group or institution that acts, speaks or is acted upon in the political sense: heads of state and officials (\"Ilham Aliyev\"), governments and ministries (\"le ministère azerbaïdjanais de la Défense\"), armed forces and units, parties, separatist authorities, international organisations, news agencies as sources. Tag the full name phrase including title and nationality adjectives that identify it (\"le président azerbaïdjanais Ilham Aliyev\"), without the leading article. Tag every mention that refers to a specific actor, including inside claims; do not tag places used only as places (\"à Stepanakert\"), nor countries used as places, but do tag a country name when it stands for its government or army (\"l’Azerbaïdjan a lancé\").";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_round_trip_through_hex() {
        let c = Colour::parse("#4E79A7").unwrap();
        assert_eq!(c, Colour([0x4e, 0x79, 0xa7]));
        assert_eq!(c.to_string(), "#4e79a7");
        assert_eq!(Colour::parse("#4e79a"), None);
        assert_eq!(Colour::parse("#zz79a7"), None);
        assert_eq!(Colour::parse("#é79a7f"), None);
    }

    #[test]
    fn default_schema_has_three_labels_with_hotkeys() {
        let s = Schema::default_political();
        let ids: Vec<_> = s.labels.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["event", "claim", "actor"]);
        assert_eq!(s.by_hotkey('2').map(|l| l.id.as_str()), Some("claim"));
        assert!(s.labels.iter().all(|l| l.guideline.len() > 200));
    }

    #[test]
    fn fresh_ids_do_not_collide() {
        let s = Schema::default_political();
        assert_eq!(s.fresh_id("Event"), "event_2");
        assert_eq!(s.fresh_id("Place name"), "place_name");
        assert_eq!(s.fresh_id("  "), "label");
    }
}
