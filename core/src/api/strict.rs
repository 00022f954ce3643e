//! Reads a request type out of a parsed JSON value (a body, or a query
//! string's parameters) more strictly than serde's derive does on its own, and
//! says where a value went wrong:
//!
//! - a struct must be a JSON object (the derive also takes an array, field by
//!   field in order, so `[]` would pass for a body whose fields are optional);
//! - an object may hold only the struct's fields (unknown fields are refused,
//!   not ignored, so a misspelt field is noticed);
//! - nesting deeper than `MAX_DEPTH` is refused;
//! - every error carries the path of the field (`admin.email`, `fields[2].key`).
//!
//! It is a `serde::Deserializer` over `serde_json::Value`, wrapping each nested
//! value in turn, so the rules hold at every depth.

use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{Map, Value};

/// How deep a body may nest objects and arrays.
pub const MAX_DEPTH: usize = 16;

/// What was wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyError {
    /// The path of the value the error is about; `None` until a value claims it.
    path: Option<String>,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A required field is absent.
    Missing(String),
    /// A field the request type does not have.
    Unknown(String),
    /// A value of the wrong JSON type, or out of range, or not one of the choices.
    Invalid,
    /// Nested deeper than `MAX_DEPTH`.
    TooDeep,
}

impl BodyError {
    fn new(problem: Problem) -> BodyError {
        BodyError { path: None, problem }
    }

    /// Claims the error for the value at `path`, unless a deeper value has.
    fn at(mut self, path: &str) -> BodyError {
        if self.path.is_none() {
            self.path = Some(path.to_owned());
        }
        self
    }

    /// The field as a client names it: the path, and for a missing or unknown
    /// field the field itself under it. Empty for the body as a whole.
    pub fn field(&self) -> String {
        let path = self.path.as_deref().unwrap_or("");
        match &self.problem {
            Problem::Missing(name) | Problem::Unknown(name) => join(path, name),
            Problem::Invalid | Problem::TooDeep => path.to_owned(),
        }
    }
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} at {:?}", self.problem, self.field())
    }
}

impl std::error::Error for BodyError {}

impl de::Error for BodyError {
    fn custom<T: fmt::Display>(_: T) -> Self {
        BodyError::new(Problem::Invalid)
    }

    fn missing_field(field: &'static str) -> Self {
        BodyError::new(Problem::Missing(field.to_owned()))
    }

    fn unknown_field(field: &str, _: &'static [&'static str]) -> Self {
        BodyError::new(Problem::Unknown(field.to_owned()))
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") }
}

/// Reads a `T` out of `value` with the rules above.
pub fn from_value<'de, T: de::Deserialize<'de>>(value: &'de Value) -> Result<T, BodyError> {
    T::deserialize(Strict { value, path: String::new(), depth: 0, text: false })
}

/// Reads a `T` out of an object of strings (a query string's parameters):
/// numbers and booleans are parsed from their text.
pub fn from_text_object<'de, T: de::Deserialize<'de>>(object: &'de Value) -> Result<T, BodyError> {
    T::deserialize(Strict { value: object, path: String::new(), depth: 0, text: true })
}

/// One value of the body, where it is, and how deep; `text` when scalars come
/// as text (query strings).
struct Strict<'a> {
    value: &'a Value,
    path: String,
    depth: usize,
    text: bool,
}

/// Parses a scalar from text in a query string; otherwise as any value.
macro_rules! scalars_from_text {
    ($($method:ident => $visit:ident: $ty:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, BodyError> {
            match (self.text, self.value) {
                (true, Value::String(s)) => match s.trim().parse::<$ty>() {
                    Ok(v) => visitor.$visit::<BodyError>(v).map_err(|e| e.at(&self.path)),
                    Err(_) => Err(BodyError::new(Problem::Invalid).at(&self.path)),
                },
                _ => self.deserialize_any(visitor),
            }
        }
    )*};
}

impl<'a> Strict<'a> {
    fn child(&self, value: &'a Value, path: String) -> Result<Strict<'a>, BodyError> {
        if self.depth >= MAX_DEPTH {
            return Err(BodyError::new(Problem::TooDeep).at(&self.path));
        }
        Ok(Strict { value, path, depth: self.depth + 1, text: self.text })
    }

    fn visit_object<V: Visitor<'a>>(self, map: &'a Map<String, Value>, visitor: V) -> Result<V::Value, BodyError> {
        let access = ObjectAccess { parent: &self, entries: map.iter(), value: None };
        visitor.visit_map(access).map_err(|e| e.at(&self.path))
    }

    fn visit_array<V: Visitor<'a>>(self, items: &'a [Value], visitor: V) -> Result<V::Value, BodyError> {
        let access = ArrayAccess { parent: &self, items: items.iter().enumerate() };
        visitor.visit_seq(access).map_err(|e| e.at(&self.path))
    }
}

impl<'a> de::Deserializer<'a> for Strict<'a> {
    type Error = BodyError;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, BodyError> {
        let path = self.path.clone();
        let r = match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => visitor.visit_u64(u),
                (None, Some(i), _) => visitor.visit_i64(i),
                (None, None, Some(f)) => visitor.visit_f64(f),
                _ => Err(BodyError::new(Problem::Invalid)),
            },
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => return self.visit_array(items, visitor),
            Value::Object(map) => return self.visit_object(map, visitor),
        };
        r.map_err(|e| e.at(&path))
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, BodyError> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(self, _: &'static str, visitor: V) -> Result<V::Value, BodyError> {
        visitor.visit_newtype_struct(self)
    }

    /// Only an object, and only with the struct's own fields.
    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, BodyError> {
        let Value::Object(map) = self.value else {
            return Err(BodyError::new(Problem::Invalid).at(&self.path));
        };
        if let Some(unknown) = map.keys().find(|k| !fields.contains(&k.as_str())) {
            return Err(BodyError::new(Problem::Unknown(unknown.clone())).at(&self.path));
        }
        self.visit_object(map, visitor)
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, BodyError> {
        let path = self.path.clone();
        match self.value {
            Value::String(variant) => visitor.visit_enum(variant.as_str().into_deserializer()),
            Value::Object(map) if map.len() == 1 => {
                let Some((variant, value)) = map.iter().next() else { unreachable!("one entry") };
                let value = self.child(value, join(&path, variant))?;
                visitor.visit_enum(VariantAccess { variant, value })
            }
            _ => Err(BodyError::new(Problem::Invalid)),
        }
        .map_err(|e| e.at(&path))
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, BodyError> {
        visitor.visit_unit()
    }

    scalars_from_text! {
        deserialize_bool => visit_bool: bool,
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_f32 => visit_f32: f32,
        deserialize_f64 => visit_f64: f64,
    }

    forward_to_deserialize_any! {
        <W: Visitor<'a>>
        i128 u128 char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier
    }
}

struct ObjectAccess<'p, 'a> {
    parent: &'p Strict<'a>,
    entries: serde_json::map::Iter<'a>,
    value: Option<(&'a String, &'a Value)>,
}

impl<'a> de::MapAccess<'a> for ObjectAccess<'_, 'a> {
    type Error = BodyError;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<Option<K::Value>, BodyError> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        self.value = Some((key, value));
        seed.deserialize(key.as_str().into_deserializer()).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'a>>(&mut self, seed: S) -> Result<S::Value, BodyError> {
        let (key, value) = self.value.take().ok_or_else(|| BodyError::new(Problem::Invalid))?;
        let path = join(&self.parent.path, key);
        let child = self.parent.child(value, path.clone())?;
        seed.deserialize(child).map_err(|e| e.at(&path))
    }
}

struct ArrayAccess<'p, 'a> {
    parent: &'p Strict<'a>,
    items: std::iter::Enumerate<std::slice::Iter<'a, Value>>,
}

impl<'a> de::SeqAccess<'a> for ArrayAccess<'_, 'a> {
    type Error = BodyError;

    fn next_element_seed<S: DeserializeSeed<'a>>(&mut self, seed: S) -> Result<Option<S::Value>, BodyError> {
        let Some((i, value)) = self.items.next() else { return Ok(None) };
        let path = format!("{}[{i}]", self.parent.path);
        let child = self.parent.child(value, path.clone())?;
        seed.deserialize(child).map(Some).map_err(|e| e.at(&path))
    }
}

/// `{"variant": value}` for an enum variant with data.
struct VariantAccess<'a> {
    variant: &'a str,
    value: Strict<'a>,
}

impl<'a> de::EnumAccess<'a> for VariantAccess<'a> {
    type Error = BodyError;
    type Variant = Strict<'a>;

    fn variant_seed<S: DeserializeSeed<'a>>(self, seed: S) -> Result<(S::Value, Strict<'a>), BodyError> {
        let v = seed.deserialize(self.variant.into_deserializer())?;
        Ok((v, self.value))
    }
}

impl<'a> de::VariantAccess<'a> for Strict<'a> {
    type Error = BodyError;

    fn unit_variant(self) -> Result<(), BodyError> {
        match self.value {
            Value::Null => Ok(()),
            _ => Err(BodyError::new(Problem::Invalid).at(&self.path)),
        }
    }

    fn newtype_variant_seed<S: DeserializeSeed<'a>>(self, seed: S) -> Result<S::Value, BodyError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'a>>(self, _: usize, visitor: V) -> Result<V::Value, BodyError> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, BodyError> {
        de::Deserializer::deserialize_struct(self, "", fields, visitor)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        key: String,
        #[serde(default)]
        n: Option<u8>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Channel {
        Email,
        Sms,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Outer {
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        inner: Option<Inner>,
        #[serde(default)]
        list: Vec<Inner>,
        #[serde(default)]
        channel: Option<Channel>,
        #[serde(default)]
        free: Option<serde_json::Value>,
    }

    fn err(v: Value) -> (String, Problem) {
        let e = from_value::<Outer>(&v).unwrap_err();
        (e.field(), e.problem)
    }

    #[test]
    fn reads_what_is_right() {
        let v = json!({"name": "سارة", "inner": {"key": "a", "n": 5}, "list": [{"key": "b"}], "channel": "sms",
                       "free": {"any": [1, "x", null]}});
        let o: Outer = from_value(&v).unwrap();
        assert_eq!(o.inner, Some(Inner { key: "a".into(), n: Some(5) }));
        assert_eq!(o.list, vec![Inner { key: "b".into(), n: None }]);
        assert_eq!(o.channel, Some(Channel::Sms));
        assert_eq!(o.free, Some(json!({"any": [1, "x", null]})));
        assert_eq!(from_value::<Outer>(&json!({})).unwrap().name, None);
    }

    #[test]
    fn arrays_are_not_structs_at_any_depth() {
        assert_eq!(err(json!([])), (String::new(), Problem::Invalid));
        assert_eq!(err(json!({"inner": ["a", 1]})), ("inner".into(), Problem::Invalid));
        assert_eq!(err(json!({"list": [{"key": "a"}, ["b"]]})), ("list[1]".into(), Problem::Invalid));
    }

    #[test]
    fn unknown_and_missing_fields_are_named() {
        assert_eq!(err(json!({"nmae": "x"})), ("nmae".into(), Problem::Unknown("nmae".into())));
        assert_eq!(
            err(json!({"inner": {"key": "a", "extra": 1}})),
            ("inner.extra".into(), Problem::Unknown("extra".into()))
        );
        assert_eq!(err(json!({"inner": {}})), ("inner.key".into(), Problem::Missing("key".into())));
        assert_eq!(err(json!({"list": [{"key": "a"}, {}]})), ("list[1].key".into(), Problem::Missing("key".into())));
    }

    #[test]
    fn wrong_types_and_ranges_are_named() {
        assert_eq!(err(json!({"name": 5})), ("name".into(), Problem::Invalid));
        assert_eq!(err(json!({"inner": {"key": "a", "n": -5}})), ("inner.n".into(), Problem::Invalid));
        assert_eq!(err(json!({"inner": {"key": "a", "n": 300}})), ("inner.n".into(), Problem::Invalid));
        assert_eq!(err(json!({"channel": "pigeon"})), ("channel".into(), Problem::Invalid));
        assert_eq!(err(json!({"channel": 1})), ("channel".into(), Problem::Invalid));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut v = json!(1);
        for _ in 0..MAX_DEPTH + 2 {
            v = json!([v]);
        }
        let (field, problem) = err(json!({ "free": v }));
        assert_eq!(problem, Problem::TooDeep);
        assert!(field.starts_with("free[0]"), "{field}");
        let mut ok = json!(1);
        for _ in 0..MAX_DEPTH - 2 {
            ok = json!([ok]);
        }
        assert!(from_value::<Outer>(&json!({ "free": ok })).is_ok());
    }
}
