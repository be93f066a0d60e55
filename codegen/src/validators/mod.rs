//! Validators from the typed model: one function per schema node that checks
//! anything, walking a `serde_json::Value` and recording every error with its
//! instance location and the keyword's location in `schema/`. The checks that
//! are the same everywhere live in `intercom_runtime::check`; this module
//! decides which apply where, so the generated code is a list of calls.

use std::collections::{BTreeMap, HashMap};

use intercom_runtime::check::types as mask_bits;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Number, Value};

use crate::model::{InstanceType, Keywords, Model, NodeId, NodeKind};
use crate::pattern;
use crate::types::CodegenError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidatorOptions {
    /// Assert `format` (the default for payloads); `false` makes it an
    /// annotation, as the test suite's required `format.json` expects.
    pub assert_formats: bool,
}

impl Default for ValidatorOptions {
    fn default() -> Self {
        ValidatorOptions {
            assert_formats: true,
        }
    }
}

/// The formats whose assertion is implemented: the runtime's, so that a
/// format it gains or loses is asserted or not without a second list.
pub use intercom_runtime::formats::NAMES as FORMATS;

/// The name of the function that validates `node`.
pub fn node_fn(node: NodeId) -> Ident {
    format_ident!("n{}", node.0)
}

/// The closure `intercom_runtime::bytes::validate_bytes` runs on a parsed
/// document: every error of the node function `f`, or none when the schema
/// checks nothing (no function, and no unused variable).
pub fn errors_from_bytes(f: Option<&Ident>) -> TokenStream {
    match f {
        Some(f) => quote! {
            |root| intercom_runtime::check::errors(|ctx| #f(root, ctx))
        },
        None => quote!(|_| Vec::new()),
    }
}

/// Whether a node checks anything: calls to nodes that do not are left out.
pub fn checks_anything(model: &Model, node: NodeId) -> bool {
    match &model.node(node).kind {
        NodeKind::Bool(accepts) => !accepts,
        NodeKind::Schema(k) => k.check_anything(&FORMATS),
    }
}

/// The bit of each JSON type in `intercom_runtime::check::has_type`'s mask,
/// and the types as an error names them (`object or null`).
fn type_mask(types: &[InstanceType]) -> (u8, String) {
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
    (mask, expected)
}

/// What checking a value against a node comes down to where the node is
/// used. Most nodes of a real reference are a bare `$ref` or a bare `type`;
/// calling the target directly and checking the type in place leaves them
/// no function to compile, with the same errors.
#[derive(Debug, Clone)]
enum Callee {
    Nothing,
    /// The node's function: after following `$ref`s that add no keyword.
    Function(NodeId),
    /// Only `type`.
    Type {
        mask: u8,
        location: String,
        expected: String,
    },
}

/// The functions that validate `roots` and every node they reach.
pub fn emit(
    model: &Model,
    roots: &[NodeId],
    options: &ValidatorOptions,
) -> Result<TokenStream, CodegenError> {
    let mut emitter = Emitter {
        model,
        options: *options,
        statics: Vec::new(),
        callees: HashMap::new(),
        called: Vec::new(),
    };
    // A function for each root that checks anything, and for each node a
    // function calls: what the bodies reach, not every node of the model.
    let mut functions = BTreeMap::new();
    let mut pending: Vec<NodeId> = roots
        .iter()
        .copied()
        .filter(|root| checks_anything(model, *root))
        .collect();
    while let Some(node) = pending.pop() {
        if functions.contains_key(&node) {
            continue;
        }
        let function = emitter.function(node)?;
        functions.insert(node, function);
        pending.append(&mut emitter.called);
    }
    let statics = emitter.statics;
    let functions = functions.into_values();
    Ok(quote! {
        #(#statics)*
        #(#functions)*
    })
}

struct Emitter<'a> {
    model: &'a Model,
    options: ValidatorOptions,
    /// `LazyLock`s for regexes and enum values, emitted once.
    statics: Vec<TokenStream>,
    callees: HashMap<NodeId, Callee>,
    /// Functions called by the bodies emitted so far, to emit in turn.
    called: Vec<NodeId>,
}

fn location(pointer: &str, keyword: &str) -> String {
    format!("#{pointer}/{keyword}")
}

fn bound(n: &Number) -> TokenStream {
    if let Some(i) = n.as_i64() {
        quote!(intercom_runtime::check::Bound::Int(#i))
    } else if let Some(u) = n.as_u64() {
        quote!(intercom_runtime::check::Bound::Uint(#u))
    } else {
        let f = Literal::f64_suffixed(n.as_f64().unwrap_or(f64::NAN));
        quote!(intercom_runtime::check::Bound::Float(#f))
    }
}

const DONE: fn() -> TokenStream = || {
    quote!(if ctx.done() {
        return;
    })
};

impl Emitter<'_> {
    fn callee(&mut self, node: NodeId) -> Callee {
        if let Some(callee) = self.callees.get(&node) {
            return callee.clone();
        }
        let mut target = node;
        // A cycle of bare `$ref`s keeps its functions (and recurses, as the
        // schema says).
        let mut hops = 0;
        let callee = loop {
            let NodeKind::Schema(k) = &self.model.node(target).kind else {
                break if checks_anything(self.model, target) {
                    Callee::Function(target)
                } else {
                    Callee::Nothing
                };
            };
            if !k.check_anything(&FORMATS) {
                break Callee::Nothing;
            }
            let mut others = k.clone();
            if let Some(reference) = others.reference.take()
                && !others.check_anything(&FORMATS)
                && hops < 64
            {
                target = reference.target;
                hops += 1;
                continue;
            }
            let mut others = k.clone();
            if let Some(types) = others.types.take()
                && !others.check_anything(&FORMATS)
            {
                let (mask, expected) = type_mask(&types);
                let pointer = &self.model.node(target).pointer;
                break Callee::Type {
                    mask,
                    location: location(pointer, "type"),
                    expected,
                };
            }
            break Callee::Function(target);
        };
        self.callees.insert(node, callee.clone());
        callee
    }

    /// The statement that checks `value` against `node` in the walk `ctx`,
    /// or `None` when the node checks nothing.
    fn invoke(
        &mut self,
        node: NodeId,
        value: TokenStream,
        ctx: TokenStream,
    ) -> Option<TokenStream> {
        match self.callee(node) {
            Callee::Nothing => None,
            Callee::Function(target) => {
                self.called.push(target);
                let f = node_fn(target);
                Some(quote!(#f(#value, #ctx);))
            }
            Callee::Type {
                mask,
                location,
                expected,
            } => Some(quote! {
                intercom_runtime::check::expect_type(#value, #ctx, #mask, #location, #expected);
            }),
        }
    }

    fn call(&mut self, child: NodeId, value: TokenStream) -> Option<TokenStream> {
        self.invoke(child, value, quote!(ctx))
    }

    /// Whether `value` passes `node`, asked without recording errors.
    fn probe(&mut self, node: NodeId, value: TokenStream) -> TokenStream {
        match self.invoke(node, value, quote!(ctx)) {
            Some(call) => quote!(ctx.is_valid_by(|ctx| { #call })),
            None => quote!(true),
        }
    }

    fn function(&mut self, node: NodeId) -> Result<TokenStream, CodegenError> {
        let name = node_fn(node);
        let pointer = self.model.node(node).pointer.clone();
        let body = match &self.model.node(node).kind {
            NodeKind::Bool(true) => quote!(),
            NodeKind::Bool(false) => {
                let loc = format!("#{pointer}");
                quote! {
                    ctx.fail(value, #loc, "false", || "no value is allowed here".to_owned());
                }
            }
            NodeKind::Schema(k) => {
                if k.unresolved_ref.is_some() {
                    quote!()
                } else {
                    let k = k.clone();
                    self.body(node, &pointer, &k)?
                }
            }
        };
        Ok(quote! {
            #[allow(unused_variables, clippy::needless_return)]
            fn #name<'v, J: intercom_runtime::json::Json<'v>>(value: J, ctx: &mut intercom_runtime::check::Ctx<'v>) {
                #body
            }
        })
    }

    fn body(
        &mut self,
        node: NodeId,
        pointer: &str,
        k: &Keywords,
    ) -> Result<TokenStream, CodegenError> {
        let done = DONE();
        let mut checks = Vec::new();
        if let Some(reference) = &k.reference
            && let Some(call) = self.call(reference.target, quote!(value))
        {
            checks.push(call);
        }
        if let Some(types) = &k.types {
            let (mask, expected) = type_mask(types);
            let loc = location(pointer, "type");
            checks.push(quote! {
                if !intercom_runtime::check::has_type(value, #mask) {
                    ctx.fail_type(value, #loc, #expected);
                }
            });
        }
        if let Some(values) = &k.enum_values {
            let loc = location(pointer, "enum");
            let listed = values
                .iter()
                .take(12)
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join(", ")
                + if values.len() > 12 { ", …" } else { "" };
            let test = self.membership(node, "ENUM", values);
            let after = format!(" is not one of {listed}");
            checks.push(quote! {
                if !(#test) {
                    ctx.fail_showing(value, #loc, "enum", "", #after);
                }
            });
        }
        if let Some(constant) = &k.const_value {
            let loc = location(pointer, "const");
            let test = self.membership(node, "CONST", std::slice::from_ref(constant));
            let before = format!("expected {constant}, found ");
            checks.push(quote! {
                if !(#test) {
                    ctx.fail_showing(value, #loc, "const", #before, "");
                }
            });
        }
        if let Some(object) = self.object_checks(node, pointer, k)? {
            checks.push(quote! {
                if let Some(object) = value.as_object() { #object }
            });
        }
        if let Some(array) = self.array_checks(pointer, k) {
            checks.push(quote! {
                if let Some(items) = value.as_array() { #array }
            });
        }
        if let Some(string) = self.string_checks(node, pointer, k)? {
            checks.push(quote! {
                if let Some(string) = value.as_str() { #string }
            });
        }
        if let Some(number) = self.number_checks(pointer, k) {
            checks.push(quote! {
                if let Some(number) = value.as_number() { #number }
            });
        }
        for child in &k.all_of {
            if let Some(call) = self.call(*child, quote!(value)) {
                checks.push(call);
            }
        }
        if !k.any_of.is_empty() {
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
                checks.push(quote! {
                    if #test { #then } else { #otherwise }
                });
            }
        }
        Ok(quote!(#(#checks #done)*))
    }

    /// A test that `value` equals one of `values`, JSON Schema's way.
    fn membership(&mut self, node: NodeId, what: &str, values: &[Value]) -> TokenStream {
        if values.is_empty() {
            return quote!(false);
        }
        if values.iter().all(Value::is_string) {
            let strings = values.iter().filter_map(Value::as_str);
            return quote!(value.as_str().is_some_and(|s| matches!(s, #(#strings)|*)));
        }
        let name = format_ident!("{}_{}", what, node.0);
        let text = Value::Array(values.to_vec()).to_string();
        self.statics.push(quote! {
            static #name: std::sync::LazyLock<Vec<serde_json::Value>> =
                std::sync::LazyLock::new(|| serde_json::from_str(#text).expect("written by codegen as JSON"));
        });
        quote!(#name.iter().any(|allowed| value.equals(allowed)))
    }

    fn regex(
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
        self.statics.push(quote! {
            static #name: std::sync::LazyLock<regex::Regex> =
                std::sync::LazyLock::new(|| regex::Regex::new(#translated).expect("checked by codegen"));
        });
        Ok(name)
    }

    fn object_checks(
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
            checks.push(quote! {
                for name in intercom_runtime::check::missing(object, &[#(#names),*]) {
                    ctx.fail_naming(value, #required_loc, "required", "missing required property \"", name, "\"");
                }
            });
        }
        // One pass over the payload's members, matching each name against
        // the declared ones, costs less than a hash lookup per declared name.
        let property_arms: Vec<TokenStream> = k
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
                let check = call.map(|call| {
                    let loc = location(pointer, "properties");
                    quote! {
                        if ctx.enter_key(key, child, #loc) { #call ctx.leave(child); }
                    }
                });
                if tick.is_none() && check.is_none() {
                    return None;
                }
                Some(quote! {
                    #property => {
                        #tick
                        #check
                    }
                })
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
            checks.push(quote! {
                #declare
                for (key, child) in intercom_runtime::json::JsonObject::members(object) {
                    match key {
                        #(#property_arms)*
                        _ => {}
                    }
                    #done
                }
                #report
            });
        }
        let additional_checks = k
            .additional_properties
            .is_some_and(|n| checks_anything(self.model, n));
        let pattern_checks = !k.pattern_properties.is_empty();
        if additional_checks || pattern_checks {
            let declared: Vec<&String> = k.properties.iter().map(|(name, _)| name).collect();
            let is_declared = if declared.is_empty() {
                quote!(false)
            } else {
                quote!(matches!(key, #(#declared)|*))
            };
            let mut per_key = Vec::new();
            let has_additional = k.additional_properties.is_some_and(|child| {
                matches!(self.model.node(child).kind, NodeKind::Bool(false))
                    || checks_anything(self.model, child)
            });
            let mark = has_additional.then(|| quote!(matched = true;));
            for (index, (pattern_text, child)) in k.pattern_properties.iter().enumerate() {
                let regex =
                    self.regex(node, index + 1, pattern_text, pointer, "patternProperties")?;
                let loc = location(pointer, "patternProperties");
                let call = self.call(*child, quote!(child));
                per_key.push(quote! {
                    if #regex.is_match(key) {
                        #mark
                        if ctx.enter_key(key, child, #loc) { #call ctx.leave(child); }
                    }
                });
            }
            let additional = match k.additional_properties {
                Some(child) if matches!(self.model.node(child).kind, NodeKind::Bool(false)) => {
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
                        if !matched {
                            if ctx.enter_key(key, child, #loc) { #call ctx.leave(child); }
                        }
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
            checks.push(quote! {
                for (key, child) in intercom_runtime::json::JsonObject::members(object) {
                    #declare
                    #(#per_key)*
                    #additional
                    #done
                }
            });
        }
        if let Some(names) = k.property_names
            && let Some(check) = self.invoke(names, quote!(&name), quote!(&mut probe))
        {
            let loc = location(pointer, "propertyNames");
            checks.push(quote! {
                for (key, _) in intercom_runtime::json::JsonObject::members(object) {
                    let name = serde_json::Value::String(key.to_owned());
                    let mut probe = intercom_runtime::check::Ctx::verdict();
                    #check
                    if !probe.is_valid() {
                        ctx.fail_naming(value, #loc, "propertyNames", "the property name \"", key, "\" is not allowed");
                    }
                }
            });
        }
        if let Some(min) = k.min_properties {
            let loc = location(pointer, "minProperties");
            checks.push(quote! {
                if (intercom_runtime::json::JsonObject::len(object) as u64) < #min {
                    ctx.fail(value, #loc, "minProperties", || format!("has {} properties, fewer than {}", intercom_runtime::json::JsonObject::len(object), #min));
                }
            });
        }
        if let Some(max) = k.max_properties {
            let loc = location(pointer, "maxProperties");
            checks.push(quote! {
                if (intercom_runtime::json::JsonObject::len(object) as u64) > #max {
                    ctx.fail(value, #loc, "maxProperties", || format!("has {} properties, more than {}", intercom_runtime::json::JsonObject::len(object), #max));
                }
            });
        }
        for (property, required) in &k.dependent_required {
            let loc = location(pointer, "dependentRequired");
            checks.push(quote! {
                if intercom_runtime::json::JsonObject::contains_key(object, #property) {
                    for name in intercom_runtime::check::missing(object, &[#(#required),*]) {
                        ctx.fail(value, #loc, "dependentRequired", || format!("missing property \"{name}\", required when \"{}\" is present", #property));
                    }
                }
            });
        }
        for (property, child) in &k.dependent_schemas {
            if let Some(call) = self.call(*child, quote!(value)) {
                checks.push(quote! {
                    if intercom_runtime::json::JsonObject::contains_key(object, #property) { #call }
                });
            }
        }
        Ok((!checks.is_empty()).then(|| quote!(#(#checks #done)*)))
    }

    fn array_checks(&mut self, pointer: &str, k: &Keywords) -> Option<TokenStream> {
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
            checks.push(quote! {
                for (index, item) in intercom_runtime::json::JsonArray::items(items).enumerate() {
                    if ctx.enter_index(index, item, #loc) {
                        #each
                        ctx.leave(item);
                    }
                    #done
                }
            });
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
                checks.push(quote! {
                    let count = intercom_runtime::json::JsonArray::items(items).filter(|&item| #test).count();
                    #min_check
                    #max_check
                });
            }
        }
        if let Some(min) = k.min_items {
            let loc = location(pointer, "minItems");
            checks.push(quote! {
                if (intercom_runtime::json::JsonArray::len(items) as u64) < #min {
                    ctx.fail(value, #loc, "minItems", || format!("has {} items, fewer than {}", intercom_runtime::json::JsonArray::len(items), #min));
                }
            });
        }
        if let Some(max) = k.max_items {
            let loc = location(pointer, "maxItems");
            checks.push(quote! {
                if (intercom_runtime::json::JsonArray::len(items) as u64) > #max {
                    ctx.fail(value, #loc, "maxItems", || format!("has {} items, more than {}", intercom_runtime::json::JsonArray::len(items), #max));
                }
            });
        }
        if k.unique_items {
            let loc = location(pointer, "uniqueItems");
            checks.push(quote! {
                if !intercom_runtime::check::all_unique(items) {
                    ctx.fail(value, #loc, "uniqueItems", || "has items that are equal".to_owned());
                }
            });
        }
        (!checks.is_empty()).then(|| quote!(#(#checks #done)*))
    }

    fn string_checks(
        &mut self,
        node: NodeId,
        pointer: &str,
        k: &Keywords,
    ) -> Result<Option<TokenStream>, CodegenError> {
        let mut checks = Vec::new();
        if let Some(min) = k.min_length {
            let loc = location(pointer, "minLength");
            let after = format!(" is shorter than {min} characters");
            checks.push(quote! {
                if intercom_runtime::check::length(string) < #min {
                    ctx.fail_showing(value, #loc, "minLength", "", #after);
                }
            });
        }
        if let Some(max) = k.max_length {
            let loc = location(pointer, "maxLength");
            let after = format!(" is longer than {max} characters");
            checks.push(quote! {
                if intercom_runtime::check::length(string) > #max {
                    ctx.fail_showing(value, #loc, "maxLength", "", #after);
                }
            });
        }
        if let Some(pattern_text) = &k.pattern {
            let regex = self.regex(node, 0, pattern_text, pointer, "pattern")?;
            let loc = location(pointer, "pattern");
            let after = format!(" does not match the pattern {pattern_text}");
            checks.push(quote! {
                if !#regex.is_match(string) {
                    ctx.fail_showing(value, #loc, "pattern", "", #after);
                }
            });
        }
        if self.options.assert_formats
            && let Some(format) = &k.format
            && FORMATS.contains(&format.as_str())
        {
            let loc = location(pointer, "format");
            let after = format!(" is not a valid {format}");
            let check = format_ident!("is_{}", format.replace('-', "_"));
            checks.push(quote! {
                if !intercom_runtime::formats::#check(string) {
                    ctx.fail_showing(value, #loc, "format", "", #after);
                }
            });
        }
        Ok((!checks.is_empty()).then(|| quote!(#(#checks)*)))
    }

    fn number_checks(&mut self, pointer: &str, k: &Keywords) -> Option<TokenStream> {
        let mut checks = Vec::new();
        let mut limit = |n: &Option<Number>, keyword: &str, fails: TokenStream, words: &str| {
            if let Some(n) = n {
                let b = bound(n);
                let loc = location(pointer, keyword);
                checks.push(quote! {
                    if matches!(#b.compare(number), #fails) {
                        ctx.fail(value, #loc, #keyword, || format!("{} is {} {}", number, #words, #b));
                    }
                });
            }
        };
        limit(
            &k.minimum,
            "minimum",
            quote!(Some(std::cmp::Ordering::Less)),
            "less than the minimum of",
        );
        limit(
            &k.exclusive_minimum,
            "exclusiveMinimum",
            quote!(Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)),
            "not greater than",
        );
        limit(
            &k.maximum,
            "maximum",
            quote!(Some(std::cmp::Ordering::Greater)),
            "greater than the maximum of",
        );
        limit(
            &k.exclusive_maximum,
            "exclusiveMaximum",
            quote!(Some(
                std::cmp::Ordering::Greater | std::cmp::Ordering::Equal
            )),
            "not less than",
        );
        if let Some(divisor) = &k.multiple_of {
            let b = bound(divisor);
            let loc = location(pointer, "multipleOf");
            checks.push(quote! {
                if !intercom_runtime::check::is_multiple_of(number, #b) {
                    ctx.fail(value, #loc, "multipleOf", || format!("{} is not a multiple of {}", number, #b));
                }
            });
        }
        (!checks.is_empty()).then(|| quote!(#(#checks)*))
    }

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
            if i + 1 == count {
                quote!(_ => #walk)
            } else {
                quote!(#i => #walk,)
            }
        });
        let none_after =
            format!(" matches none of the {count} alternatives; the closest fails with:");
        let none_matches = quote! {
            let closest = intercom_runtime::check::closest(&distances);
            let context = match closest { #(#walks)* };
            ctx.fail_with_context(value, #loc, #keyword, intercom_runtime::check::describe("", value, #none_after), context);
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
                            intercom_runtime::check::show(value),
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
