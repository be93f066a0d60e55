//! The object keywords: `properties`, `required`, `additionalProperties`,
//! `patternProperties`, `propertyNames`, `minProperties`, `maxProperties`,
//! `dependentRequired` and `dependentSchemas`, in one pass over the members
//! where they can share it.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{Check, DONE, Emitter, checks_anything, location, when_bound};
use crate::model::{Keywords, NodeId, NodeKind};
use crate::output::string_literal;
use crate::types::CodegenError;

impl Emitter<'_> {
    /// The checks of the object keywords, on a value that is an object.
    pub(super) fn object_checks(
        &mut self,
        node: NodeId,
        pointer: &str,
        k: &Keywords,
    ) -> Result<Option<TokenStream>, CodegenError> {
        let done = DONE();
        let mut checks = Vec::new();
        let declared = |name: &String| k.properties.iter().any(|(p, _)| p == name);
        // Required properties that are also declared are ticked off in the
        // pass over the members below (a bit each) instead of searched for.
        let ticked =
            !k.required.is_empty() && k.required.len() <= 64 && k.required.iter().all(declared);
        let required_loc = location(pointer, "required");
        if !k.required.is_empty() && !ticked {
            let names = &k.required;
            checks.push(Check::always(quote! {
                for name in ::intercom_runtime::check::missing(object, &[#(#names),*]) {
                    ctx.fail_naming(value, #required_loc, "required", "missing required property \"", name, "\"");
                }
            }));
        }
        // One pass over the payload's members, matching each name against
        // the declared ones, costs less than a hash lookup per declared name.
        let properties_loc = location(pointer, "properties");
        let property_arms: Vec<(Literal, Option<TokenStream>, TokenStream)> = k
            .properties
            .iter()
            .filter_map(|(property, child)| {
                let tick = k
                    .required
                    .iter()
                    .position(|r| r == property)
                    .filter(|_| ticked)
                    .map(|bit| {
                        let bit = 1u64 << bit;
                        quote!(present |= #bit;)
                    });
                let call = self.call(*child, quote!(child));
                let enter = quote!(ctx.enter_key(key, child, #properties_loc));
                let property = string_literal(property);
                // The arm's guard is the step into the member when that is
                // all the arm does: the match's other arm does nothing either.
                match (tick, call) {
                    (None, None) => None,
                    (Some(tick), None) => Some((property, None, tick)),
                    (None, Some(call)) => {
                        Some((property, Some(enter), quote!(#call ctx.leave(child);)))
                    }
                    (Some(tick), Some(call)) => Some((
                        property,
                        None,
                        quote!(#tick if #enter { #call ctx.leave(child); }),
                    )),
                }
            })
            .collect();
        if !property_arms.is_empty() {
            let (declare, report) = if ticked {
                let names = &k.required;
                let all = if names.len() == 64 {
                    u64::MAX
                } else {
                    (1u64 << names.len()) - 1
                };
                (
                    quote!(let mut present: u64 = 0;),
                    quote! {
                        if present != #all {
                            for (bit, name) in [#(#names),*].into_iter().enumerate() {
                                if present & (1u64 << bit) == 0 {
                                    ctx.fail_naming(value, #required_loc, "required", "missing required property \"", name, "\"");
                                }
                            }
                        }
                    },
                )
            } else {
                (quote!(), quote!())
            };
            let dispatch = match property_arms.as_slice() {
                // One arm: a test of the name, not a match.
                [(property, guard, body)] => {
                    let guard = guard.as_ref().map(|guard| quote!(&& #guard));
                    quote!(if key == #property #guard { #body })
                }
                arms => {
                    let arms = arms.iter().map(|(property, guard, body)| {
                        let guard = guard.as_ref().map(|guard| quote!(if #guard));
                        quote!(#property #guard => { #body })
                    });
                    quote! {
                        match key {
                            #(#arms)*
                            _ => {}
                        }
                    }
                }
            };
            checks.push(Check::always(quote! {
                #declare
                for (key, child) in ::intercom_runtime::json::JsonObject::members(object) {
                    #dispatch
                    #done
                }
                #report
            }));
        }
        let additional_checks = k
            .additional_properties
            .is_some_and(|n| checks_anything(self.model, n));
        let refuses_additional = k
            .additional_properties
            .is_some_and(|child| matches!(self.model.node(child).kind, NodeKind::Bool(false)));
        let pattern_checks = !k.pattern_properties.is_empty();
        if additional_checks || pattern_checks {
            let declared: Vec<&String> = k.properties.iter().map(|(name, _)| name).collect();
            let is_declared = if declared.is_empty() {
                quote!(false)
            } else {
                quote!(matches!(key, #(#declared)|*))
            };
            let mut per_key = Vec::new();
            // `additionalProperties: false` checks something too.
            let has_additional = additional_checks;
            let mark = has_additional.then(|| quote!(matched = true;));
            for (index, (pattern_text, child)) in k.pattern_properties.iter().enumerate() {
                let regex =
                    self.regex(node, index + 1, pattern_text, pointer, "patternProperties")?;
                let loc = location(pointer, "patternProperties");
                let call = self.call(*child, quote!(child));
                let enter = quote!(ctx.enter_key(key, child, #loc));
                per_key.push(match &mark {
                    Some(mark) => quote! {
                        if #regex.is_match(key) {
                            #mark
                            if #enter { #call ctx.leave(child); }
                        }
                    },
                    None => quote! {
                        if #regex.is_match(key) && #enter { #call ctx.leave(child); }
                    },
                });
            }
            let additional = match k.additional_properties {
                Some(_) if refuses_additional => {
                    let loc = location(pointer, "additionalProperties");
                    quote! {
                        if !matched {
                            ctx.fail_naming(value, #loc, "additionalProperties", "property \"", key, "\" is not allowed");
                        }
                    }
                }
                Some(child) if checks_anything(self.model, child) => {
                    let loc = location(pointer, "additionalProperties");
                    let call = self.call(child, quote!(child));
                    quote! {
                        if !matched && ctx.enter_key(key, child, #loc) { #call ctx.leave(child); }
                    }
                }
                _ => quote!(),
            };
            let declare = has_additional.then(|| {
                if k.pattern_properties.is_empty() {
                    quote!(let matched = #is_declared;)
                } else {
                    quote!(let mut matched = #is_declared;)
                }
            });
            // `additionalProperties: false` alone names the members it refuses
            // and reads none of them.
            let reads_children = !per_key.is_empty() || !refuses_additional;
            let child = if reads_children {
                quote!(child)
            } else {
                quote!(_)
            };
            checks.push(Check::always(quote! {
                for (key, #child) in ::intercom_runtime::json::JsonObject::members(object) {
                    #declare
                    #(#per_key)*
                    #additional
                    #done
                }
            }));
        }
        if let Some(names) = k.property_names
            && let Some(check) = self.invoke(names, quote!(&name), quote!(&mut probe))
        {
            let loc = location(pointer, "propertyNames");
            checks.push(Check::always(quote! {
                for (key, _) in ::intercom_runtime::json::JsonObject::members(object) {
                    let name = ::serde_json::Value::String(key.to_owned());
                    let mut probe = ::intercom_runtime::check::Ctx::verdict();
                    #check
                    if !probe.is_valid() {
                        ctx.fail_naming(value, #loc, "propertyNames", "the property name \"", key, "\" is not allowed");
                    }
                }
            }));
        }
        // A minimum of 0 holds for every value.
        if let Some(min) = k.min_properties.filter(|min| *min > 0) {
            let loc = location(pointer, "minProperties");
            checks.push(Check::when(
                quote!((::intercom_runtime::json::JsonObject::len(object) as u64) < #min),
                quote!(ctx.fail(value, #loc, "minProperties", || format!("has {} properties, fewer than {}", ::intercom_runtime::json::JsonObject::len(object), #min));),
            ));
        }
        if let Some(max) = k.max_properties {
            let loc = location(pointer, "maxProperties");
            checks.push(Check::when(
                quote!((::intercom_runtime::json::JsonObject::len(object) as u64) > #max),
                quote!(ctx.fail(value, #loc, "maxProperties", || format!("has {} properties, more than {}", ::intercom_runtime::json::JsonObject::len(object), #max));),
            ));
        }
        for (property, required) in &k.dependent_required {
            let loc = location(pointer, "dependentRequired");
            checks.push(Check::when(
                quote!(::intercom_runtime::json::JsonObject::contains_key(object, #property)),
                quote! {
                    for name in ::intercom_runtime::check::missing(object, &[#(#required),*]) {
                        ctx.fail(value, #loc, "dependentRequired", || format!("missing property \"{name}\", required when \"{}\" is present", #property));
                    }
                },
            ));
        }
        for (property, child) in &k.dependent_schemas {
            if let Some(call) = self.call(*child, quote!(value)) {
                checks.push(Check::when(
                    quote!(::intercom_runtime::json::JsonObject::contains_key(object, #property)),
                    call,
                ));
            }
        }
        Ok(when_bound(
            quote!(Some(object) = value.as_object()),
            checks,
            true,
        ))
    }
}
