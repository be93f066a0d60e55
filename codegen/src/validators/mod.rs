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

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use crate::model::{Keywords, Model, NodeId, NodeKind};
use crate::output::string_literal;
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
        statics_used: Vec::new(),
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
    // What each evaluator names (a node function's names are kept with it).
    let mut evaluator_names = BTreeMap::new();
    loop {
        if let Some(node) = pending.pop() {
            if functions.contains_key(&node) {
                continue;
            }
            let waiting = emitter.evaluators.called.len();
            let function = emitter.function(node)?;
            functions.insert(node, (function, emitter.names_since(waiting)));
        } else if let Some(key) = emitter.evaluators.called.pop() {
            if emitter.evaluators.functions.contains_key(&key) {
                continue;
            }
            let waiting = emitter.evaluators.called.len();
            let evaluator = emitter.evaluator(key.0, key.1)?;
            emitter.evaluators.functions.insert(key, evaluator);
            evaluator_names.insert(key, emitter.names_since(waiting));
        } else {
            break;
        }
        pending.append(&mut emitter.called);
    }
    let roots: Vec<Ident> = roots
        .iter()
        .filter(|root| functions.contains_key(root))
        .map(|root| node_fn(*root))
        .collect();
    let nodes = functions
        .into_iter()
        .map(|(node, (tokens, names))| Function {
            name: node_fn(node),
            tokens,
            names,
        });
    let evaluators = emitter
        .evaluators
        .functions
        .into_iter()
        .map(|(key, tokens)| Function {
            name: key.0.function(key.1),
            tokens,
            names: evaluator_names.remove(&key).unwrap_or_default(),
        });
    let functions: Vec<Function> = nodes.chain(evaluators).collect();
    Ok(in_modules(&emitter.statics, &functions, &roots))
}

/// An emitted function, its name and the names (functions and statics) its
/// body calls.
struct Function {
    name: Ident,
    tokens: TokenStream,
    names: Vec<Ident>,
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
fn in_modules(statics: &[TokenStream], functions: &[Function], roots: &[Ident]) -> TokenStream {
    let modules: Vec<&[Function]> = functions.chunks(FUNCTIONS_PER_MODULE).collect();
    let module_name = |index: usize| format_ident!("nodes_{}", index);
    // Where each function is defined, by name.
    let mut home: HashMap<&Ident, usize> = HashMap::new();
    for (index, module) in modules.iter().enumerate() {
        for function in *module {
            home.insert(&function.name, index);
        }
    }
    let modules = modules.iter().enumerate().map(|(index, module)| {
        let named: std::collections::BTreeSet<&Ident> =
            module.iter().flat_map(|function| &function.names).collect();
        let imports = named.into_iter().filter_map(|name| match home.get(name) {
            Some(&other) if other == index => None,
            Some(&other) => {
                let other = module_name(other);
                Some(quote!(use super::#other::#name;))
            }
            // Not a function: a static of the enclosing module.
            None => Some(quote!(use super::#name;)),
        });
        let name = module_name(index);
        let functions = module.iter().map(|function| &function.tokens);
        quote! {
            mod #name {
                #(#imports)*
                #(#functions)*
            }
        }
    });
    let root_imports = roots.iter().map(|root| {
        let module = module_name(home[root]);
        quote!(use #module::#root;)
    });
    quote! {
        #(#root_imports)*
        #(#statics)*
        #(#modules)*
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
    /// The statics named by the function being emitted, to import into its
    /// module.
    statics_used: Vec<Ident>,
}

/// The keyword location of `keyword` at `pointer`, as the string literal
/// that the checks pass on.
fn location(pointer: &str, keyword: &str) -> Literal {
    string_literal(&format!(
        "{}/{keyword}",
        crate::model::display_pointer(pointer)
    ))
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

    /// What the function just emitted names: the node functions it calls,
    /// the evaluators it pushed after the first `waiting` ones, and the
    /// statics it used (taken).
    fn names_since(&mut self, waiting: usize) -> Vec<Ident> {
        self.called
            .iter()
            .map(|node| node_fn(*node))
            .chain(
                self.evaluators.called[waiting..]
                    .iter()
                    .map(|(members, node)| members.function(*node)),
            )
            .chain(self.statics_used.drain(..))
            .collect()
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
