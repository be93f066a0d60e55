//! The views of a document's values that generated validators walk: an
//! [`Item`], the [`Members`] of an object and the [`Items`] of an array.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::{Document, Node, tag};
use crate::json::{Json, JsonArray, JsonObject, Kind, Num};

/// One value of a [`Document`].
#[derive(Debug, Clone, Copy)]
pub struct Item<'d> {
    pub(super) doc: &'d Document<'d>,
    pub(super) at: usize,
}

impl<'d> Item<'d> {
    #[inline]
    fn node(self) -> Node {
        self.doc.nodes[self.at]
    }
}

impl<'d> Json<'d> for Item<'d> {
    type Object = Members<'d>;
    type Array = Items<'d>;

    const KNOWS_POINTER: bool = true;

    fn pointer(self) -> Option<String> {
        Some(self.doc.pointer(self.at))
    }

    #[inline]
    fn kind(self) -> Kind {
        match self.node().tag {
            tag::NULL => Kind::Null,
            tag::FALSE | tag::TRUE => Kind::Bool,
            tag::UINT | tag::INT | tag::FLOAT => Kind::Number,
            tag::STRING | tag::ESCAPED => Kind::String,
            tag::ARRAY => Kind::Array,
            _ => Kind::Object,
        }
    }

    #[inline]
    fn as_object(self) -> Option<Members<'d>> {
        let node = self.node();
        (node.tag == tag::OBJECT).then(|| Members {
            doc: self.doc,
            start: self.at + 1,
            end: node.high(),
            len: node.low(),
        })
    }

    #[inline]
    fn as_array(self) -> Option<Items<'d>> {
        let node = self.node();
        (node.tag == tag::ARRAY).then(|| Items {
            doc: self.doc,
            start: self.at + 1,
            end: node.high(),
            len: node.low(),
        })
    }

    #[inline]
    fn as_str(self) -> Option<&'d str> {
        match self.node().tag {
            tag::STRING | tag::ESCAPED => Some(self.doc.string(self.at)),
            _ => None,
        }
    }

    #[inline]
    fn as_bool(self) -> Option<bool> {
        match self.node().tag {
            tag::TRUE => Some(true),
            tag::FALSE => Some(false),
            _ => None,
        }
    }

    #[inline]
    fn as_number(self) -> Option<Num> {
        let node = self.node();
        match node.tag {
            tag::UINT => Some(Num::Uint(node.data)),
            tag::INT => Some(Num::Int(node.data as i64)),
            tag::FLOAT => Some(Num::Float(f64::from_bits(node.data))),
            _ => None,
        }
    }

    fn to_value(self) -> Value {
        match self.kind() {
            Kind::Null => Value::Null,
            Kind::Bool => Value::Bool(self.node().tag == tag::TRUE),
            Kind::Number => self
                .as_number()
                .and_then(Num::to_number)
                .map_or(Value::Null, Value::Number),
            Kind::String => Value::String(self.as_str().unwrap_or_default().to_owned()),
            Kind::Array => Value::Array(
                self.as_array()
                    .into_iter()
                    .flat_map(Items::items)
                    .map(Item::to_value)
                    .collect(),
            ),
            Kind::Object => {
                let mut map = Map::new();
                for (key, value) in self.as_object().into_iter().flat_map(Members::members) {
                    map.insert(key.to_owned(), value.to_value());
                }
                Value::Object(map)
            }
        }
    }

    #[inline]
    fn offset(self) -> Option<usize> {
        Some(self.node().start as usize)
    }

    fn equals(self, other: &Value) -> bool {
        match (self.kind(), other) {
            (Kind::Null, Value::Null) => true,
            (Kind::Bool, Value::Bool(b)) => (self.node().tag == tag::TRUE) == *b,
            (Kind::Number, Value::Number(b)) => self
                .as_number()
                .is_some_and(|a| a.compare(Num::from_number(b)) == Some(Ordering::Equal)),
            (Kind::String, Value::String(b)) => self.as_str() == Some(b.as_str()),
            (Kind::Array, Value::Array(b)) => self.as_array().is_some_and(|items| {
                items.len() == b.len() && items.items().zip(b).all(|(a, b)| a.equals(b))
            }),
            (Kind::Object, Value::Object(b)) => self.as_object().is_some_and(|members| {
                members.len() == b.len()
                    && members
                        .members()
                        .all(|(key, a)| b.get(key).is_some_and(|b| a.equals(b)))
            }),
            _ => false,
        }
    }
}

/// The members of an object of a [`Document`].
#[derive(Debug, Clone, Copy)]
pub struct Members<'d> {
    doc: &'d Document<'d>,
    start: usize,
    end: usize,
    len: usize,
}

impl<'d> JsonObject<'d> for Members<'d> {
    type Value = Item<'d>;

    #[inline]
    fn len(self) -> usize {
        self.len
    }

    #[inline]
    fn members(self) -> impl Iterator<Item = (&'d str, Item<'d>)> {
        MemberIter {
            doc: self.doc,
            at: self.start,
            end: self.end,
        }
    }
}

/// The walk over an object's members: generated validators run it for
/// every object, so it is kept small enough to inline.
struct MemberIter<'d> {
    doc: &'d Document<'d>,
    at: usize,
    end: usize,
}

impl<'d> Iterator for MemberIter<'d> {
    type Item = (&'d str, Item<'d>);

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.end {
            return None;
        }
        let key = self.doc.string(self.at);
        let value = Item {
            doc: self.doc,
            at: self.at + 1,
        };
        self.at = self.doc.after(self.at + 1);
        Some((key, value))
    }
}

/// The items of an array of a [`Document`].
#[derive(Debug, Clone, Copy)]
pub struct Items<'d> {
    doc: &'d Document<'d>,
    start: usize,
    end: usize,
    len: usize,
}

impl<'d> JsonArray<'d> for Items<'d> {
    type Item = Item<'d>;

    #[inline]
    fn len(self) -> usize {
        self.len
    }

    #[inline]
    fn items(self) -> impl Iterator<Item = Item<'d>> {
        ItemIter {
            doc: self.doc,
            at: self.start,
            end: self.end,
        }
    }
}

/// The walk over an array's items.
struct ItemIter<'d> {
    doc: &'d Document<'d>,
    at: usize,
    end: usize,
}

impl<'d> Iterator for ItemIter<'d> {
    type Item = Item<'d>;

    #[inline(always)]
    fn next(&mut self) -> Option<Item<'d>> {
        if self.at >= self.end {
            return None;
        }
        let item = Item {
            doc: self.doc,
            at: self.at,
        };
        self.at = self.doc.after(self.at);
        Some(item)
    }
}
