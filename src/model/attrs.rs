//! Attribute values: what a key of an annotation, a relation or a
//! document holds (a claim's polarity, an actor's identity, an article's
//! outlet and date).
//!
//! Values are untyped in the file (a string, a number, `true`/`false`, or a
//! list of strings, as RON writes them) and typed by the schema's
//! [`AttributeDef`](super::AttributeDef): a `choice` and an `entity`
//! reference are strings checked against a list, `multi` is a list, `flag`
//! a boolean. Keeping the value's shape in the value (not only in the
//! schema) means a file whose schema lost an attribute still loads and
//! reports the orphaned values, rather than failing to parse.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The attributes of one annotation, relation or document, by key.
pub type Attrs = BTreeMap<String, AttrValue>;

/// A finite number. `NaN` and infinities are refused on the way in, so
/// equality and the written form are well defined.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Number(f64);

impl Eq for Number {}

impl Number {
    /// The number, if `x` is finite.
    pub fn new(x: f64) -> Option<Number> {
        x.is_finite().then_some(Number(x))
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Number {
    /// Rust's shortest round-trip form (`3`, `0.25`, `-1e-7`), which RON
    /// and JSON read back to the same `f64`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == self.0.trunc() && self.0.abs() < 1e15 {
            write!(f, "{}", self.0 as i64)
        } else {
            write!(f, "{:?}", self.0)
        }
    }
}

/// One attribute value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttrValue {
    /// Free text, a choice's value id, an entity id, a date or a URL.
    Text(String),
    Number(Number),
    Flag(bool),
    /// The values of a multi-choice attribute, in the schema's order.
    List(Vec<String>),
}

impl AttrValue {
    /// The value as text, when it is one.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            AttrValue::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The strings the value holds (one for text, each for a list): what a
    /// choice or entity check looks at, and what counts in statistics.
    pub fn strings(&self) -> Vec<String> {
        match self {
            AttrValue::Text(s) => vec![s.clone()],
            AttrValue::List(v) => v.clone(),
            AttrValue::Number(n) => vec![n.to_string()],
            AttrValue::Flag(b) => vec![b.to_string()],
        }
    }

    /// The value in a JSON document (exports, `--json` outputs).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            AttrValue::Text(s) => serde_json::Value::from(s.as_str()),
            AttrValue::Number(n) => serde_json::Number::from_f64(n.get()).map_or(serde_json::Value::Null, Into::into),
            AttrValue::Flag(b) => serde_json::Value::from(*b),
            AttrValue::List(v) => serde_json::Value::from(v.clone()),
        }
    }

    /// The value of a JSON document, if it has an attribute's shape.
    pub fn from_json(v: &serde_json::Value) -> Option<AttrValue> {
        Some(match v {
            serde_json::Value::String(s) => AttrValue::Text(s.clone()),
            serde_json::Value::Bool(b) => AttrValue::Flag(*b),
            serde_json::Value::Number(n) => AttrValue::Number(Number::new(n.as_f64()?)?),
            serde_json::Value::Array(items) => AttrValue::List(
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()?,
            ),
            _ => return None,
        })
    }
}

impl fmt::Display for AttrValue {
    /// The value as people read it (and as CSV cells hold it): a list is
    /// joined with `|`, which no choice value id contains.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttrValue::Text(s) => f.write_str(s),
            AttrValue::Number(n) => write!(f, "{n}"),
            AttrValue::Flag(b) => write!(f, "{b}"),
            AttrValue::List(v) => f.write_str(&v.join("|")),
        }
    }
}

/// Writes `value` as RON (the project file's form).
pub fn write_ron(out: &mut String, value: &AttrValue) {
    use std::fmt::Write as _;
    let _ = match value {
        AttrValue::Text(s) => write!(out, "{s:?}"),
        AttrValue::Number(n) => write!(out, "{n}"),
        AttrValue::Flag(b) => write!(out, "{b}"),
        AttrValue::List(v) => {
            out.push('[');
            for (i, s) in v.iter().enumerate() {
                let _ = write!(out, "{}{s:?}", if i == 0 { "" } else { ", " });
            }
            out.push(']');
            Ok(())
        }
    };
}

/// Writes `{"key": value, …}`.
pub fn write_attrs_ron(out: &mut String, attrs: &Attrs) {
    use std::fmt::Write as _;
    out.push('{');
    for (i, (k, v)) in attrs.iter().enumerate() {
        let _ = write!(out, "{}{k:?}: ", if i == 0 { "" } else { ", " });
        write_ron(out, v);
    }
    out.push('}');
}

impl Serialize for AttrValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AttrValue::Text(s) => serializer.serialize_str(s),
            AttrValue::Number(n) => serializer.serialize_f64(n.get()),
            AttrValue::Flag(b) => serializer.serialize_bool(*b),
            AttrValue::List(v) => v.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for AttrValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<AttrValue, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AttrValue;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, a number, true or false, or a list of strings")
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<AttrValue, E> {
                Ok(AttrValue::Text(s.to_owned()))
            }

            fn visit_string<E: de::Error>(self, s: String) -> Result<AttrValue, E> {
                Ok(AttrValue::Text(s))
            }

            fn visit_bool<E: de::Error>(self, b: bool) -> Result<AttrValue, E> {
                Ok(AttrValue::Flag(b))
            }

            fn visit_i64<E: de::Error>(self, n: i64) -> Result<AttrValue, E> {
                self.visit_f64(n as f64)
            }

            fn visit_u64<E: de::Error>(self, n: u64) -> Result<AttrValue, E> {
                self.visit_f64(n as f64)
            }

            fn visit_f64<E: de::Error>(self, x: f64) -> Result<AttrValue, E> {
                Number::new(x)
                    .map(AttrValue::Number)
                    .ok_or_else(|| E::custom("a number must be finite"))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AttrValue, A::Error> {
                let mut items = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    items.push(s);
                }
                Ok(AttrValue::List(items))
            }
        }
        deserializer.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_ron_and_json() {
        let values = [
            AttrValue::Text("Nikol \"Pashinyan\"".into()),
            AttrValue::Number(Number::new(0.25).unwrap()),
            AttrValue::Number(Number::new(-3.0).unwrap()),
            AttrValue::Flag(true),
            AttrValue::List(vec!["security".into(), "economy".into()]),
            AttrValue::List(Vec::new()),
        ];
        for v in values {
            let mut ron_text = String::new();
            write_ron(&mut ron_text, &v);
            let back: AttrValue = ron::from_str(&ron_text).unwrap();
            assert_eq!(back, v, "{ron_text}");
            assert_eq!(AttrValue::from_json(&v.to_json()), Some(v.clone()));
        }
        let mut s = String::new();
        write_ron(&mut s, &AttrValue::Number(Number::new(3.0).unwrap()));
        assert_eq!(s, "3");
    }

    #[test]
    fn numbers_are_finite() {
        assert_eq!(Number::new(f64::NAN), None);
        assert_eq!(Number::new(f64::INFINITY), None);
        assert!(ron::from_str::<AttrValue>("inf").is_err());
        assert_eq!(AttrValue::from_json(&serde_json::json!({"a": 1})), None);
        assert_eq!(AttrValue::from_json(&serde_json::json!([1, 2])), None);
    }
}
