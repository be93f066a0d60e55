//! `type`: the check of a value's JSON type, with the runtime's mask of types
//! (`intercom_runtime::check::types`) written into the generated code.

use intercom_runtime::check::types as mask_bits;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::location;
use crate::model::{InstanceType, Keywords};
use crate::output::string_literal;

/// The bit of each JSON type in `intercom_runtime::check::has_type`'s mask,
/// and the types as an error names them (`object or null`), as a literal.
pub(super) fn type_mask(types: &[InstanceType]) -> (u8, Literal) {
    let mut mask = 0u8;
    for t in types {
        mask |= match t {
            InstanceType::Null => mask_bits::NULL,
            InstanceType::Boolean => mask_bits::BOOLEAN,
            InstanceType::Object => mask_bits::OBJECT,
            InstanceType::Array => mask_bits::ARRAY,
            InstanceType::Number => mask_bits::NUMBER,
            InstanceType::String => mask_bits::STRING,
            InstanceType::Integer => mask_bits::INTEGER,
        };
    }
    let expected = types
        .iter()
        .map(|t| t.name())
        .collect::<Vec<_>>()
        .join(" or ");
    (mask, string_literal(&expected))
}

/// The check of `type`, if the node has one.
pub(super) fn type_check(pointer: &str, k: &Keywords) -> Option<TokenStream> {
    let types = k.types.as_ref()?;
    let (mask, expected) = type_mask(types);
    let loc = location(pointer, "type");
    Some(quote! {
        if !::intercom_runtime::check::has_type(value, #mask) {
            ctx.fail_type(value, #loc, #expected);
        }
    })
}
