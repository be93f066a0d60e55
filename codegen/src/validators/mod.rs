//! Validators from the typed model: one function per schema node that checks
//! anything, walking a `serde_json::Value` and recording every error with its
//! instance location and the keyword's location in `schema/`. The checks that
//! are the same everywhere live in `intercom_runtime::check`; this module
//! decides which apply where, so the generated code is a list of calls.
//!
//! Here: the walk over the nodes and each node's function. The checks of
//! each keyword family have a file of their own, as `jsonschema` has
//! `keywords/<keyword>.rs`; `calls` is how one node's checks call another's,
//! and `registry` is what `validators.rs` holds beside the node functions.

mod applicators;
mod arrays;
mod calls;
mod enums;
mod formats;
mod numbers;
mod objects;
mod registry;
mod strings;
mod types;
mod unevaluated;

use std::collections::{BTreeMap, HashMap};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::model::{Keywords, Model, NodeId, NodeKind};
use crate::types::CodegenError;
use calls::Callee;
use unevaluated::Evaluators;

pub use formats::FORMATS;
pub use registry::{validate_trait, validators_items, validators_tokens};

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
            |root| ::intercom_runtime::check::errors(root, #f)
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
        evaluators: Evaluators::default(),
        statics_named: std::collections::HashSet::new(),
    };
    // A function for each root that checks anything, and for each node a
    // function calls: what the bodies reach, not every node of the model.
    let mut functions = BTreeMap::new();
    let mut pending: Vec<NodeId> = roots
        .iter()
        .copied()
        .filter(|root| checks_anything(model, *root))
        .collect();
    // Evaluators (`unevaluated`) call node functions to probe, and node
    // functions call evaluators: both lists are worked off together.
    loop {
        if let Some(node) = pending.pop() {
            if functions.contains_key(&node) {
                continue;
            }
            let function = emitter.function(node)?;
            functions.insert(node, function);
            pending.append(&mut emitter.called);
        } else if let Some(key) = emitter.evaluators.called.pop() {
            if emitter.evaluators.functions.contains_key(&key) {
                continue;
            }
            let evaluator = emitter.evaluator(key.0, key.1)?;
            emitter.evaluators.functions.insert(key, evaluator);
            pending.append(&mut emitter.called);
        } else {
            break;
        }
    }
    let roots: Vec<Ident> = roots
        .iter()
        .filter(|root| functions.contains_key(root))
        .map(|root| node_fn(*root))
        .collect();
    let functions: Vec<TokenStream> = functions
        .into_values()
        .chain(emitter.evaluators.functions.into_values())
        .collect();
    Ok(in_modules(&emitter.statics, &functions, &roots))
}

/// How many functions one module of the validators holds. rustc compiles a
/// module's functions in one codegen unit, so validators all in one module
/// were optimised on one core however many there are (on 2.16, one unit held
/// 93% of the optimised code); a few dozen to a module lets rustc's 16
/// release units (256 in debug) share the work out. Neighbouring functions
/// (a node and its children) stay together, so most calls stay in a unit.
const FUNCTIONS_PER_MODULE: usize = 64;

/// `statics` in the enclosing module, and `functions` in modules of
/// [`FUNCTIONS_PER_MODULE`] (`nodes_0`, `nodes_1`, …), each importing by name
/// the functions of other modules and the statics it calls; the enclosing
/// module imports `roots`, the functions its callers name. Imports by name,
/// not globs, so no module imports what it does not use.
fn in_modules(statics: &[TokenStream], functions: &[TokenStream], roots: &[Ident]) -> TokenStream {
    let static_names: std::collections::HashSet<String> =
        statics.iter().filter_map(static_name).collect();
    let modules: Vec<&[TokenStream]> = functions.chunks(FUNCTIONS_PER_MODULE).collect();
    let module_name = |index: usize| format_ident!("nodes_{}", index);
    // Where each function is defined, by name.
    let mut home: HashMap<String, usize> = HashMap::new();
    for (index, module) in modules.iter().enumerate() {
        for function in *module {
            if let Some(name) = function_name(function) {
                home.insert(name, index);
            }
        }
    }
    let modules = modules.iter().enumerate().map(|(index, module)| {
        let mut named = std::collections::BTreeSet::new();
        for function in *module {
            idents(function, &mut named);
        }
        let imports = named.iter().filter_map(|name| {
            let ident = format_ident!("{}", name);
            match home.get(name) {
                Some(&other) if other != index => {
                    let other = module_name(other);
                    Some(quote!(use super::#other::#ident;))
                }
                Some(_) => None,
                None => static_names
                    .contains(name)
                    .then(|| quote!(use super::#ident;)),
            }
        });
        let name = module_name(index);
        quote! {
            mod #name {
                #(#imports)*
                #(#module)*
            }
        }
    });
    let root_imports = roots.iter().map(|root| {
        let module = module_name(home[&root.to_string()]);
        quote!(use #module::#root;)
    });
    quote! {
        #(#root_imports)*
        #(#statics)*
        #(#modules)*
    }
}

/// The name after `fn` in a function's tokens.
fn function_name(function: &TokenStream) -> Option<String> {
    let mut tokens = function.clone().into_iter();
    tokens.find(|tree| matches!(tree, proc_macro2::TokenTree::Ident(ident) if ident == "fn"))?;
    match tokens.next()? {
        proc_macro2::TokenTree::Ident(ident) => Some(ident.to_string()),
        _ => None,
    }
}

/// The name after `static` in a static's tokens.
fn static_name(item: &TokenStream) -> Option<String> {
    let mut tokens = item.clone().into_iter();
    tokens
        .find(|tree| matches!(tree, proc_macro2::TokenTree::Ident(ident) if ident == "static"))?;
    match tokens.next()? {
        proc_macro2::TokenTree::Ident(ident) => Some(ident.to_string()),
        _ => None,
    }
}

/// Every identifier in `tokens`, at any depth.
fn idents(tokens: &TokenStream, into: &mut std::collections::BTreeSet<String>) {
    for tree in tokens.clone() {
        match tree {
            proc_macro2::TokenTree::Ident(ident) => {
                into.insert(ident.to_string());
            }
            proc_macro2::TokenTree::Group(group) => idents(&group.stream(), into),
            _ => {}
        }
    }
}

struct Emitter<'a> {
    model: &'a Model,
    options: ValidatorOptions,
    /// `LazyLock`s for regexes and enum values, emitted once.
    statics: Vec<TokenStream>,
    callees: HashMap<NodeId, Callee>,
    /// Functions called by the bodies emitted so far, to emit in turn.
    called: Vec<NodeId>,
    evaluators: Evaluators,
    /// The names of the statics emitted so far: a regex that a check and an
    /// evaluator both use is emitted once.
    statics_named: std::collections::HashSet<Ident>,
}

fn location(pointer: &str, keyword: &str) -> String {
    format!("{}/{keyword}", crate::model::display_pointer(pointer))
}

const DONE: fn() -> TokenStream = || {
    quote!(if ctx.done() {
        return;
    })
};

/// `checks` one after another, stopping once a verdict is reached: a
/// `ctx.done()` test between two, none after the last, where the function
/// or the block that holds them ends anyway.
fn in_sequence(checks: impl IntoIterator<Item = TokenStream>) -> TokenStream {
    let done = DONE();
    let mut sequence = TokenStream::new();
    for (i, check) in checks.into_iter().enumerate() {
        if i > 0 {
            sequence.extend(done.clone());
        }
        sequence.extend(check);
    }
    sequence
}

/// A check of a value of one JSON type, its condition kept apart from what
/// it does so that a lone check joins the `if let` that binds the value
/// (`if let Some(string) = value.as_str() && …`), the shape clippy asks for.
struct Check {
    condition: Option<TokenStream>,
    body: TokenStream,
}

impl Check {
    fn when(condition: TokenStream, body: TokenStream) -> Check {
        Check {
            condition: Some(condition),
            body,
        }
    }

    fn always(body: TokenStream) -> Check {
        Check {
            condition: None,
            body,
        }
    }

    fn tokens(&self) -> TokenStream {
        let Check { condition, body } = self;
        match condition {
            Some(condition) => quote!(if #condition { #body }),
            None => body.clone(),
        }
    }
}

/// `checks` on the value when `binding` binds it (`Some(object) =
/// value.as_object()`), none when there are none. Checks that walk
/// children are `sequenced`, with a verdict test between two.
fn when_bound(binding: TokenStream, checks: Vec<Check>, sequenced: bool) -> Option<TokenStream> {
    match checks.as_slice() {
        [] => None,
        [
            Check {
                condition: Some(condition),
                body,
            },
        ] => Some(quote!(if let #binding && #condition { #body })),
        _ => {
            let checks = checks.iter().map(Check::tokens);
            let body = if sequenced {
                in_sequence(checks)
            } else {
                quote!(#(#checks)*)
            };
            Some(quote!(if let #binding { #body }))
        }
    }
}

impl Emitter<'_> {
    fn function(&mut self, node: NodeId) -> Result<TokenStream, CodegenError> {
        let name = node_fn(node);
        let pointer = self.model.node(node).pointer.clone();
        let body = match &self.model.node(node).kind {
            NodeKind::Bool(true) => quote!(),
            NodeKind::Bool(false) => {
                let loc = crate::model::display_pointer(&pointer);
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
        let body = self.in_scope(node, body);
        // A node that checks nothing has a function only when another's
        // calls it by name; its parameters go unused.
        let (value, ctx) = if body.is_empty() {
            (quote!(_value), quote!(_ctx))
        } else {
            (quote!(value), quote!(ctx))
        };
        Ok(quote! {
            pub(super) fn #name<'v, J: ::intercom_runtime::json::Json<'v>>(#value: J, #ctx: &mut ::intercom_runtime::check::Ctx<'v>) {
                #body
            }
        })
    }

    /// `body`, run with the node's schema resource in the dynamic scope
    /// when that resource is one a `$dynamicRef` looks for.
    fn in_scope(&self, node: NodeId, body: TokenStream) -> TokenStream {
        let resource = self.model.node(node).resource;
        if body.is_empty() || !self.model.scope_resources.contains(&resource) {
            return body;
        }
        let resource = resource.0;
        quote!(ctx.in_scope(#resource, |ctx| { #body });)
    }

    /// The checks of a schema node, keyword family by family. The order is
    /// the output's: it fixes the order of the checks and of the statics
    /// (regexes, enum values) the families register.
    fn body(
        &mut self,
        node: NodeId,
        pointer: &str,
        k: &Keywords,
    ) -> Result<TokenStream, CodegenError> {
        let mut checks = Vec::new();
        // `$ref` is a call of its target (`calls`).
        if let Some(reference) = &k.reference
            && let Some(call) = self.call(reference.target, quote!(value))
        {
            checks.push(call);
        }
        if let Some(reference) = &k.dynamic_reference
            && let Some(call) = self.dynamic_call(reference, quote!(value))
        {
            checks.push(call);
        }
        checks.extend(types::type_check(pointer, k));
        checks.extend(self.enum_check(node, pointer, k));
        checks.extend(self.const_check(node, pointer, k));
        checks.extend(self.object_checks(node, pointer, k)?);
        checks.extend(self.array_checks(pointer, k));
        checks.extend(self.string_checks(node, pointer, k)?);
        checks.extend(numbers::number_checks(pointer, k));
        self.applicator_checks(pointer, k, &mut checks);
        // What the other keywords evaluated decides what these apply to.
        checks.extend(self.unevaluated_checks(node, pointer, k)?);
        Ok(in_sequence(checks))
    }
}
