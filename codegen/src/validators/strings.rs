//! `minLength`, `maxLength` and `pattern`, and the regexes that `pattern`
//! and `patternProperties` share (`format` is `formats`).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{Check, Emitter, location, when_bound};
use crate::model::{Keywords, NodeId};
use crate::pattern;
use crate::types::CodegenError;

impl Emitter<'_> {
    /// The checks of `minLength`, `maxLength`, `pattern` and `format`, on a
    /// value that is a string.
    pub(super) fn string_checks(
        &mut self,
        node: NodeId,
        pointer: &str,
        k: &Keywords,
    ) -> Result<Option<TokenStream>, CodegenError> {
        let mut checks = Vec::new();
        // A minimum of 0 holds for every value.
        if let Some(min) = k.min_length.filter(|min| *min > 0) {
            let loc = location(pointer, "minLength");
            let after = format!(" is shorter than {min} characters");
            checks.push(Check::when(
                quote!(::intercom_runtime::check::length(string) < #min),
                quote!(ctx.fail_showing(value, #loc, "minLength", "", #after);),
            ));
        }
        if let Some(max) = k.max_length {
            let loc = location(pointer, "maxLength");
            let after = format!(" is longer than {max} characters");
            checks.push(Check::when(
                quote!(::intercom_runtime::check::length(string) > #max),
                quote!(ctx.fail_showing(value, #loc, "maxLength", "", #after);),
            ));
        }
        if let Some(pattern_text) = &k.pattern {
            let regex = self.regex(node, 0, pattern_text, pointer, "pattern")?;
            let loc = location(pointer, "pattern");
            let after = format!(" does not match the pattern {pattern_text}");
            checks.push(Check::when(
                quote!(!#regex.is_match(string)),
                quote!(ctx.fail_showing(value, #loc, "pattern", "", #after);),
            ));
        }
        checks.extend(self.format_check(pointer, k));
        Ok(when_bound(
            quote!(Some(string) = value.as_str()),
            checks,
            false,
        ))
    }

    /// The static regex of a `pattern` (`index` 0) or of `patternProperties`
    /// (from 1), checked here so that the generated code cannot fail to build it.
    pub(super) fn regex(
        &mut self,
        owner: NodeId,
        index: usize,
        pattern_text: &str,
        pointer: &str,
        keyword: &str,
    ) -> Result<Ident, CodegenError> {
        let name = format_ident!("PATTERN_{}_{}", owner.0, index);
        let translated = pattern::translate(pattern_text);
        if let Err(error) = regex::Regex::new(&translated) {
            return Err(CodegenError {
                pointer: pointer.to_owned(),
                keyword: keyword.to_owned(),
                message: format!("the pattern cannot be compiled: {error}"),
            });
        }
        self.statics_used.push(name.clone());
        if !self.statics_named.insert(name.clone()) {
            return Ok(name);
        }
        self.statics.push(quote! {
            static #name: ::std::sync::LazyLock<::regex::Regex> =
                ::std::sync::LazyLock::new(|| ::regex::Regex::new(#translated).expect("checked by codegen"));
        });
        Ok(name)
    }
}
