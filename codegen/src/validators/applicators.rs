//! The applicators that combine subschemas on the same value: `allOf`,
//! `anyOf` and `oneOf` (which report the closest alternative's errors),
//! `not`, and `if`/`then`/`else`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Emitter, checks_anything, location};
use crate::model::{Keywords, NodeId};

impl Emitter<'_> {
    /// The checks of `allOf`, `anyOf`, `oneOf`, `not` and `if`/`then`/`else`,
    /// added to `checks` in that order.
    pub(super) fn applicator_checks(
        &mut self,
        pointer: &str,
        k: &Keywords,
        checks: &mut Vec<TokenStream>,
    ) {
        for child in &k.all_of {
            if let Some(call) = self.call(*child, quote!(value)) {
                checks.push(call);
            }
        }
        // A branch that accepts everything satisfies `anyOf` whatever the value.
        let any_of_always_holds = k
            .any_of
            .iter()
            .any(|branch| !checks_anything(self.model, *branch));
        if !k.any_of.is_empty() && !any_of_always_holds {
            checks.push(self.alternatives(pointer, "anyOf", &k.any_of));
        }
        if !k.one_of.is_empty() {
            checks.push(self.alternatives(pointer, "oneOf", &k.one_of));
        }
        if let Some(not) = k.not {
            let loc = location(pointer, "not");
            let probe = self.probe(not, quote!(value));
            checks.push(quote! {
                if #probe {
                    ctx.fail_showing(value, #loc, "not", "", " matches a schema it must not match");
                }
            });
        }
        if let Some(condition) = k.if_ {
            let then = k.then_.and_then(|n| self.call(n, quote!(value)));
            let otherwise = k.else_.and_then(|n| self.call(n, quote!(value)));
            if then.is_some() || otherwise.is_some() {
                let test = self.probe(condition, quote!(value));
                checks.push(match (then, otherwise) {
                    (Some(then), Some(otherwise)) => quote!(if #test { #then } else { #otherwise }),
                    (Some(then), None) => quote!(if #test { #then }),
                    (None, otherwise) => quote!(if !(#test) { #otherwise }),
                });
            }
        }
    }

    /// `anyOf` or `oneOf`: a verdict tries the alternatives; a walk that
    /// wants errors tallies them and reports the closest one's.
    fn alternatives(&mut self, pointer: &str, keyword: &str, branches: &[NodeId]) -> TokenStream {
        let loc = location(pointer, keyword);
        let count = branches.len();
        // A verdict tries each alternative until its first error.
        let probes: Vec<TokenStream> = branches
            .iter()
            .map(|branch| self.probe(*branch, quote!(value)))
            .collect();
        // Only the closest alternative is walked in full: the others are
        // tallied (errors counted, none written) to find it.
        let tallies: Vec<TokenStream> = branches
            .iter()
            .map(|branch| match self.call(*branch, quote!(value)) {
                Some(call) => quote!(ctx.distance_by(|ctx| { #call })),
                None => quote!((0, usize::MAX)),
            })
            .collect();
        let walks: Vec<Option<TokenStream>> = branches
            .iter()
            .map(|branch| self.invoke(*branch, quote!(value), quote!(&mut branch)))
            .collect();
        let walks = walks.into_iter().enumerate().map(|(i, call)| {
            let walk = match call {
                Some(call) => quote! {{ let mut branch = ctx.branch(); #call branch.errors }},
                None => quote!(Vec::new()),
            };
            if count == 1 {
                walk
            } else if i + 1 == count {
                quote!(_ => #walk)
            } else {
                quote!(#i => #walk,)
            }
        });
        let none_after =
            format!(" matches none of the {count} alternatives; the closest fails with:");
        // One alternative is the closest: a `match` with a lone catch-all
        // arm is its body (clippy: match_single_binding).
        let context = if count == 1 {
            let walk = walks.into_iter().next();
            quote!(let context = #walk;)
        } else {
            quote! {
                let closest = ::intercom_runtime::check::closest(&distances);
                let context = match closest { #(#walks)* };
            }
        };
        let none_matches = quote! {
            #context
            ctx.fail_with_context(value, #loc, #keyword, ::intercom_runtime::check::describe("", value, #none_after), context);
        };
        // When errors are wanted, each alternative is tallied, which also
        // tells whether it matches (no error counted): the tallies pick the
        // closest without a verdict pass first.
        if keyword == "anyOf" {
            let steps = tallies.iter().enumerate().map(|(i, tally)| {
                quote! {
                    distances[#i] = #tally;
                    if distances[#i].0 == 0 {
                        break 'alternatives;
                    }
                }
            });
            quote! {
                if ctx.wants_errors() {
                    'alternatives: {
                        let mut distances = [(0usize, 0usize); #count];
                        #(#steps)*
                        #none_matches
                    }
                } else if !(#(#probes)||*) {
                    ctx.fail(value, #loc, #keyword, String::new);
                }
            }
        } else {
            quote! {
                if ctx.wants_errors() {
                    let distances: [(usize, usize); #count] = [#(#tallies),*];
                    match distances.iter().filter(|d| d.0 == 0).count() {
                        0 => { #none_matches }
                        1 => {}
                        _ => ctx.fail(value, #loc, #keyword, || format!(
                            "{} matches more than one alternative (numbers {:?}, counting from 0)",
                            ::intercom_runtime::check::show(value),
                            distances.iter().enumerate().filter(|(_, d)| d.0 == 0).map(|(i, _)| i).collect::<Vec<usize>>()
                        )),
                    }
                } else {
                    let verdicts: [bool; #count] = [#(#probes),*];
                    if verdicts.iter().filter(|v| **v).count() != 1 {
                        ctx.fail(value, #loc, #keyword, String::new);
                    }
                }
            }
        }
    }
}
