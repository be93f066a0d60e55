//! What the generated `Deserialize` impls call, so that each type's impl is
//! a short match and the shared logic is compiled once, here.
//!
//! The impls behave as serde's derive did on the shapes codegen used to emit
//! (`#[serde(flatten)] extra`, `deny_unknown_fields`, `default` on optional
//! fields, string enums with an `#[serde(untagged)] Other(String)`): the same
//! values read, the same errors, at the same places.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{
    DeserializeSeed, Deserializer, EnumAccess, Error, IgnoredAny, MapAccess, SeqAccess, Unexpected,
    Visitor,
};

/// A key of a struct's object: one of the struct's fields, by its index in
/// the struct's list of JSON names, or a property it does not name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Field(usize),
    Other(String),
}

/// Reads a key of a struct that keeps unknown properties: the index of the
/// name in this list of the struct's JSON names, or the name itself.
#[derive(Debug, Clone, Copy)]
pub struct Fields(pub &'static [&'static str]);

/// Reads a key of a struct with `additionalProperties: false`: the index of
/// the name in this list, and for any other name serde's `unknown_field`
/// error, as `#[serde(deny_unknown_fields)]` gives it.
#[derive(Debug, Clone, Copy)]
pub struct ClosedFields(pub &'static [&'static str]);

fn position(names: &[&str], key: &str) -> Option<usize> {
    names.iter().position(|name| *name == key)
}

impl<'de> DeserializeSeed<'de> for Fields {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Fields {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<Key, E> {
        Ok(match position(self.0, key) {
            Some(index) => Key::Field(index),
            None => Key::Other(key.to_owned()),
        })
    }

    fn visit_string<E: Error>(self, key: String) -> Result<Key, E> {
        Ok(match position(self.0, &key) {
            Some(index) => Key::Field(index),
            None => Key::Other(key),
        })
    }

    fn visit_bytes<E: Error>(self, key: &[u8]) -> Result<Key, E> {
        match std::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) => Err(E::invalid_value(Unexpected::Bytes(key), &"a string")),
        }
    }
}

impl<'de> DeserializeSeed<'de> for ClosedFields {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for ClosedFields {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<usize, E> {
        position(self.0, key).ok_or_else(|| E::unknown_field(key, self.0))
    }

    fn visit_bytes<E: Error>(self, key: &[u8]) -> Result<usize, E> {
        self.visit_str(&String::from_utf8_lossy(key))
    }
}

/// Reads the value of the field `name` into `slot`. A second value for the
/// same field is serde's `duplicate_field` error, raised before the value is
/// read, as the derive does.
pub fn field<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads the value of a property the struct does not name into its `extra`
/// map; a second value under the same name replaces the first, in its place,
/// as `#[serde(flatten)]` into a map did.
pub fn extra<'de, A, M>(map: &mut A, extra: &mut M, name: String) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    M: Extra,
    M::Value: Deserialize<'de>,
{
    let value = map.next_value()?;
    extra.insert_entry(name, value);
    Ok(())
}

/// The maps a struct keeps unknown properties in.
pub trait Extra {
    type Value;

    fn insert_entry(&mut self, name: String, value: Self::Value);
}

impl Extra for serde_json::Map<String, serde_json::Value> {
    type Value = serde_json::Value;

    fn insert_entry(&mut self, name: String, value: serde_json::Value) {
        self.insert(name, value);
    }
}

impl<V> Extra for std::collections::BTreeMap<String, V> {
    type Value = V;

    fn insert_entry(&mut self, name: String, value: V) {
        self.insert(name, value);
    }
}

/// serde's `missing_field` error for the first of a struct's required
/// fields (in declaration order, as the derive checks them) that is missing:
/// `fields` holds, for each, whether it is missing and its name.
pub fn missing<E: Error>(fields: &[(bool, &'static str)]) -> E {
    match fields.iter().find(|(missing, _)| *missing) {
        Some((_, name)) => E::missing_field(name),
        None => E::custom("a required field is missing"),
    }
}

/// The next element of a struct read from a sequence (the fields in order, as
/// serde reads structs from formats that write them so), or serde's
/// `invalid_length` error naming what was expected (`struct X with 2 elements`).
pub fn element<'de, A, T>(seq: &mut A, index: usize, expecting: &'static str) -> Result<T, A::Error>
where
    A: SeqAccess<'de>,
    T: Deserialize<'de>,
{
    match seq.next_element()? {
        Some(value) => Ok(value),
        None => Err(A::Error::invalid_length(index, &expecting)),
    }
}

/// Reads the string of a string enum: borrowed from the input when the input
/// allows it, so that matching a known value allocates nothing. Anything but
/// a string is the error serde's derive gave for an enum with an untagged
/// catch-all: "data did not match any variant of untagged enum `name`",
/// raised after the value has been read, as the derive did.
pub fn enum_str<'de, D: Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
) -> Result<Cow<'de, str>, D::Error> {
    match deserializer.deserialize_any(EnumStr)? {
        Some(value) => Ok(value),
        None => Err(D::Error::custom(format_args!(
            "data did not match any variant of untagged enum {name}"
        ))),
    }
}

/// A string, or `None` for any other value (read to its end).
struct EnumStr;

impl<'de> Visitor<'de> for EnumStr {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(value)))
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(value)))
    }

    // The derive read a string from bytes that are UTF-8 too.
    fn visit_borrowed_bytes<E: Error>(self, value: &'de [u8]) -> Result<Self::Value, E> {
        Ok(std::str::from_utf8(value).ok().map(Cow::Borrowed))
    }

    fn visit_bytes<E: Error>(self, value: &[u8]) -> Result<Self::Value, E> {
        Ok(std::str::from_utf8(value)
            .ok()
            .map(|value| Cow::Owned(value.to_owned())))
    }

    fn visit_bool<E: Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i128<E: Error>(self, _: i128) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u128<E: Error>(self, _: u128) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| None)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        IgnoredAny.visit_enum(data).map(|_| None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::value::{Error as ValueError, StrDeserializer};

    #[test]
    fn keys_are_matched_against_the_names() {
        let fields = Fields(&["id", "type"]);
        let key = |k: &str| fields.deserialize(StrDeserializer::<ValueError>::new(k));
        assert_eq!(key("type").unwrap(), Key::Field(1));
        assert_eq!(key("other").unwrap(), Key::Other("other".into()));
        let closed = ClosedFields(&["id"]);
        assert_eq!(
            closed
                .deserialize(StrDeserializer::<ValueError>::new("x"))
                .unwrap_err()
                .to_string(),
            "unknown field `x`, expected `id`"
        );
    }

    #[test]
    fn enum_strings_are_borrowed_when_they_can_be() {
        let mut de = serde_json::Deserializer::from_str(r#""open""#);
        assert!(matches!(
            enum_str(&mut de, "State"),
            Ok(Cow::Borrowed("open"))
        ));
        let list = serde_json::json!([1, 2]);
        assert_eq!(
            enum_str(&list, "State").unwrap_err().to_string(),
            "data did not match any variant of untagged enum State"
        );
    }
}
