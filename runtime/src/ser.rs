//! What the generated `Serialize` impls call: a struct's fields go through a
//! writer that keeps the first error and makes no call to the serializer
//! after it, as the derive's `?` after each field did, so that each field is
//! one call in generated code.

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeStruct};

/// Writes a struct that keeps unknown properties as the derive with
/// `#[serde(flatten)]` did: a map of its fields, then of its `extra` entries.
pub struct Map<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> Map<M> {
    pub fn new(map: M) -> Self {
        Map { map, error: None }
    }

    /// A field that is always written.
    pub fn field<V: Serialize + ?Sized>(&mut self, name: &'static str, value: &V) {
        self.entry(name, value);
    }

    /// An optional field, written only when it is `Some` (as an `Option`).
    pub fn optional<V: Serialize>(&mut self, name: &'static str, value: &Option<V>) {
        if value.is_some() {
            self.entry(name, value);
        }
    }

    fn entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(&mut self, key: &K, value: &V) {
        if self.error.is_none()
            && let Err(error) = self.map.serialize_entry(key, value)
        {
            self.error = Some(error);
        }
    }

    /// Writes the entries of `extra` after the fields, and ends the map.
    pub fn end<'a, V: Serialize + 'a>(
        mut self,
        extra: impl IntoIterator<Item = (&'a String, &'a V)>,
    ) -> Result<M::Ok, M::Error> {
        for (key, value) in extra {
            if self.error.is_some() {
                break;
            }
            self.entry(key, value);
        }
        match self.error {
            Some(error) => Err(error),
            None => self.map.end(),
        }
    }
}

/// Writes a struct with `additionalProperties: false` as the derive did: a
/// struct whose optional fields are skipped (`skip_field`) when `None`.
pub struct Struct<S: SerializeStruct> {
    state: S,
    error: Option<S::Error>,
}

impl<S: SerializeStruct> Struct<S> {
    pub fn new(state: S) -> Self {
        Struct { state, error: None }
    }

    pub fn field<V: Serialize + ?Sized>(&mut self, name: &'static str, value: &V) {
        if self.error.is_none()
            && let Err(error) = self.state.serialize_field(name, value)
        {
            self.error = Some(error);
        }
    }

    pub fn optional<V: Serialize>(&mut self, name: &'static str, value: &Option<V>) {
        if value.is_some() {
            self.field(name, value);
        } else if self.error.is_none()
            && let Err(error) = self.state.skip_field(name)
        {
            self.error = Some(error);
        }
    }

    pub fn end(self) -> Result<S::Ok, S::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.state.end(),
        }
    }
}
