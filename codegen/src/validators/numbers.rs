//! The number keywords: the four bounds and `multipleOf`, compared exactly
//! where both sides are integers (`intercom_runtime::check::Bound`).

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Number;

use super::{Check, location, when_bound};
use crate::model::Keywords;

/// A number of the schema as the runtime's `Bound`, exact where it is an integer.
fn bound(n: &Number) -> TokenStream {
    if let Some(i) = n.as_i64() {
        quote!(::intercom_runtime::check::Bound::Int(#i))
    } else if let Some(u) = n.as_u64() {
        quote!(::intercom_runtime::check::Bound::Uint(#u))
    } else {
        let f = Literal::f64_suffixed(n.as_f64().unwrap_or(f64::NAN));
        quote!(::intercom_runtime::check::Bound::Float(#f))
    }
}

/// The checks of `minimum`, `exclusiveMinimum`, `maximum`,
/// `exclusiveMaximum` and `multipleOf`, on a value that is a number.
pub(super) fn number_checks(pointer: &str, k: &Keywords) -> Option<TokenStream> {
    let mut checks = Vec::new();
    let mut limit = |n: &Option<Number>, keyword: &str, fails: TokenStream, words: &str| {
        if let Some(n) = n {
            let b = bound(n);
            let loc = location(pointer, keyword);
            checks.push(Check::when(
                quote!(matches!(#b.compare(number), #fails)),
                quote!(ctx.fail(value, #loc, #keyword, || format!("{} is {} {}", number, #words, #b));),
            ));
        }
    };
    limit(
        &k.minimum,
        "minimum",
        quote!(Some(::std::cmp::Ordering::Less)),
        "less than the minimum of",
    );
    limit(
        &k.exclusive_minimum,
        "exclusiveMinimum",
        quote!(Some(
            ::std::cmp::Ordering::Less | ::std::cmp::Ordering::Equal
        )),
        "not greater than",
    );
    limit(
        &k.maximum,
        "maximum",
        quote!(Some(::std::cmp::Ordering::Greater)),
        "greater than the maximum of",
    );
    limit(
        &k.exclusive_maximum,
        "exclusiveMaximum",
        quote!(Some(
            ::std::cmp::Ordering::Greater | ::std::cmp::Ordering::Equal
        )),
        "not less than",
    );
    if let Some(divisor) = &k.multiple_of {
        let b = bound(divisor);
        let loc = location(pointer, "multipleOf");
        checks.push(Check::when(
            quote!(!::intercom_runtime::check::is_multiple_of(number, #b)),
            quote!(ctx.fail(value, #loc, "multipleOf", || format!("{} is not a multiple of {}", number, #b));),
        ));
    }
    when_bound(quote!(Some(number) = value.as_number()), checks, false)
}
