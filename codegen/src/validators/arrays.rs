//! The array keywords: `prefixItems` and `items` in one pass over the items,
//! `contains` with `minContains` and `maxContains`, `minItems`, `maxItems`
//! and `uniqueItems`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Check, DONE, Emitter, location, when_bound};
use crate::model::Keywords;

impl Emitter<'_> {
    /// The checks of the array keywords, on a value that is an array.
    pub(super) fn array_checks(&mut self, pointer: &str, k: &Keywords) -> Option<TokenStream> {
        let done = DONE();
        let mut checks = Vec::new();
        let prefix: Vec<Option<TokenStream>> = k
            .prefix_items
            .iter()
            .map(|child| self.call(*child, quote!(item)))
            .collect();
        let rest = k.items.and_then(|child| self.call(child, quote!(item)));
        if prefix.iter().any(Option::is_some) || rest.is_some() {
            let each = if prefix.is_empty() {
                quote!(#rest)
            } else if let [first] = prefix.as_slice() {
                match &rest {
                    Some(rest) => quote!(if index == 0 { #first } else { #rest }),
                    None => quote!(if index == 0 { #first }),
                }
            } else {
                let arms = prefix
                    .iter()
                    .enumerate()
                    .map(|(i, call)| quote!(#i => { #call }));
                quote! {
                    match index {
                        #(#arms)*
                        _ => { #rest }
                    }
                }
            };
            let loc = location(pointer, "items");
            checks.push(Check::always(quote! {
                for (index, item) in ::intercom_runtime::json::JsonArray::items(items).enumerate() {
                    if ctx.enter_index(index, item, #loc) {
                        #each
                        ctx.leave(item);
                    }
                    #done
                }
            }));
        }
        if let Some(contains) = k.contains {
            let loc = location(pointer, "contains");
            let min = k.min_contains.unwrap_or(1);
            let max_check = k.max_contains.map(|max| {
                let loc = location(pointer, "maxContains");
                quote! {
                    if (count as u64) > #max {
                        ctx.fail(value, #loc, "maxContains", || format!("{count} items match `contains`, more than {}", #max));
                    }
                }
            });
            let min_loc = if k.min_contains.is_some() {
                location(pointer, "minContains")
            } else {
                loc
            };
            let min_check = (min > 0).then(|| {
                quote! {
                    if (count as u64) < #min {
                        ctx.fail(value, #min_loc, "contains", || format!("{count} items match `contains`, fewer than {}", #min));
                    }
                }
            });
            if min_check.is_some() || max_check.is_some() {
                // Asked for only here: a probe registers the function it calls.
                let test = self.probe(contains, quote!(item));
                checks.push(Check::always(quote! {
                    let count = ::intercom_runtime::json::JsonArray::items(items).filter(|&item| #test).count();
                    #min_check
                    #max_check
                }));
            }
        }
        // A minimum of 0 holds for every value.
        if let Some(min) = k.min_items.filter(|min| *min > 0) {
            let loc = location(pointer, "minItems");
            checks.push(Check::when(
                quote!((::intercom_runtime::json::JsonArray::len(items) as u64) < #min),
                quote!(ctx.fail(value, #loc, "minItems", || format!("has {} items, fewer than {}", ::intercom_runtime::json::JsonArray::len(items), #min));),
            ));
        }
        if let Some(max) = k.max_items {
            let loc = location(pointer, "maxItems");
            checks.push(Check::when(
                quote!((::intercom_runtime::json::JsonArray::len(items) as u64) > #max),
                quote!(ctx.fail(value, #loc, "maxItems", || format!("has {} items, more than {}", ::intercom_runtime::json::JsonArray::len(items), #max));),
            ));
        }
        if k.unique_items {
            let loc = location(pointer, "uniqueItems");
            checks.push(Check::when(
                quote!(!::intercom_runtime::check::all_unique(items)),
                quote!(ctx.fail(value, #loc, "uniqueItems", || "has items that are equal".to_owned());),
            ));
        }
        when_bound(quote!(Some(items) = value.as_array()), checks, true)
    }
}
