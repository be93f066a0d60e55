//! `enum` and `const`: whether a value equals one of the listed values, as
//! JSON Schema compares them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::{Emitter, location};
use crate::model::{Keywords, NodeId};

impl Emitter<'_> {
    /// The check of `enum`, if the node has one.
    pub(super) fn enum_check(
        &mut self,
        node: NodeId,
        pointer: &str,
        k: &Keywords,
    ) -> Option<TokenStream> {
        let values = k.enum_values.as_ref()?;
        let loc = location(pointer, "enum");
        let listed = values
            .iter()
            .take(12)
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join(", ")
            + if values.len() > 12 { ", …" } else { "" };
        let after = format!(" is not one of {listed}");
        // An empty enum refuses every value: `if !(false)` is clippy's nonminimal_bool.
        if values.is_empty() {
            let after = " is not allowed: the enum lists no value";
            return Some(quote!(ctx.fail_showing(value, #loc, "enum", "", #after);));
        }
        let test = self.membership(node, "ENUM", values);
        Some(quote! {
            if !(#test) {
                ctx.fail_showing(value, #loc, "enum", "", #after);
            }
        })
    }

    /// The check of `const`, if the node has one.
    pub(super) fn const_check(
        &mut self,
        node: NodeId,
        pointer: &str,
        k: &Keywords,
    ) -> Option<TokenStream> {
        let constant = k.const_value.as_ref()?;
        let loc = location(pointer, "const");
        let test = self.membership(node, "CONST", std::slice::from_ref(constant));
        let before = format!("expected {constant}, found ");
        Some(quote! {
            if !(#test) {
                ctx.fail_showing(value, #loc, "const", #before, "");
            }
        })
    }

    /// A test that `value` equals one of `values`, JSON Schema's way.
    fn membership(&mut self, node: NodeId, what: &str, values: &[Value]) -> TokenStream {
        if values.is_empty() {
            return quote!(false);
        }
        if values.iter().all(Value::is_string) {
            // A value listed twice would be an unreachable pattern.
            let mut seen = std::collections::HashSet::new();
            let strings = values
                .iter()
                .filter_map(Value::as_str)
                .filter(|string| seen.insert(*string));
            return quote!(value.as_str().is_some_and(|s| matches!(s, #(#strings)|*)));
        }
        let name = format_ident!("{}_{}", what, node.0);
        self.statics_used.push(name.clone());
        let text = Value::Array(values.to_vec()).to_string();
        self.statics.push(quote! {
            static #name: ::std::sync::LazyLock<Vec<::serde_json::Value>> =
                ::std::sync::LazyLock::new(|| ::serde_json::from_str(#text).expect("written by codegen as JSON"));
        });
        quote!(#name.iter().any(|allowed| value.equals(allowed)))
    }
}
