//! `type`: the JSON types as bits of a mask (which codegen writes into the
//! checks it emits), and whether a value has one of a mask's types.

use super::Ctx;
use crate::json::{Json, Kind, Num};

pub const NULL: u8 = 1;
pub const BOOLEAN: u8 = 2;
pub const OBJECT: u8 = 4;
pub const ARRAY: u8 = 8;
pub const NUMBER: u8 = 16;
pub const STRING: u8 = 32;
pub const INTEGER: u8 = 64;

/// Whether `value` has one of the types in `mask` (`integer` includes `1.0`).
#[inline]
pub fn has_type<'v>(value: impl Json<'v>, mask: u8) -> bool {
    let bit = match value.kind() {
        Kind::Null => NULL,
        Kind::Bool => BOOLEAN,
        Kind::Object => OBJECT,
        Kind::Array => ARRAY,
        Kind::String => STRING,
        Kind::Number => {
            if mask & NUMBER != 0 {
                return true;
            }
            return mask & INTEGER != 0 && value.as_number().is_some_and(Num::is_integer);
        }
    };
    mask & bit != 0
}

/// The check of a schema that says only `type`, where the schema is used:
/// most schemas of a real reference are such leaves, and a function of
/// their own for each would be code to compile and a call to make.
#[inline]
pub fn expect_type<'v, J: Json<'v>>(
    value: J,
    ctx: &mut Ctx<'v>,
    mask: u8,
    keyword_location: &'static str,
    expected: &'static str,
) {
    if !has_type(value, mask) {
        ctx.fail_type(value, keyword_location, expected);
    }
}

/// The JSON type of a value, for messages.
pub fn type_name<'v>(value: impl Json<'v>) -> &'static str {
    match value.kind() {
        Kind::Null => "null",
        Kind::Bool => "boolean",
        Kind::Object => "object",
        Kind::Array => "array",
        Kind::Number if value.as_number().is_some_and(Num::is_integer) => "integer",
        Kind::Number => "number",
        Kind::String => "string",
    }
}
