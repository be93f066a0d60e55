//! `unevaluatedProperties` and `unevaluatedItems`: a member no keyword
//! evaluated, of this schema or of a subschema applied in place to the same
//! value and holding for it, is checked against them.
//!
//! What a schema evaluates is answered per member, when the check asks: an
//! evaluator function per node (`ep{N}` for properties, `ei{N}` for items)
//! says whether the node's keywords evaluate a member of the value, given
//! that the node holds for the value. What the schema alone tells
//! (`properties`, `patternProperties`, `prefixItems`, `additionalProperties`,
//! `items`, a nested `unevaluated*`) is decided in place; what depends on the
//! value (an `anyOf`/`oneOf` branch, `if`, `contains`, a `dependentSchemas`
//! entry) is probed. A schema without these keywords gets none of this code.

use std::collections::{BTreeSet, HashMap};

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::{format_ident, quote};

use super::calls::outermost_scope;
use super::{Check, DONE, Emitter, location, when_bound};
use crate::model::{DynamicReference, Keywords, NodeId, NodeKind};
use crate::types::CodegenError;

/// An object's members or an array's items: what an evaluator answers for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Members {
    Properties,
    Items,
}

impl Members {
    fn keyword(self) -> &'static str {
        match self {
            Members::Properties => "unevaluatedProperties",
            Members::Items => "unevaluatedItems",
        }
    }

    pub(super) fn function(self, node: NodeId) -> Ident {
        match self {
            Members::Properties => format_ident!("ep{}", node.0),
            Members::Items => format_ident!("ei{}", node.0),
        }
    }

    /// The keyword of the node itself that evaluates every member it is
    /// applied to.
    fn own_unevaluated(self, k: &Keywords) -> Option<NodeId> {
        match self {
            Members::Properties => k.unevaluated_properties,
            Members::Items => k.unevaluated_items,
        }
    }
}

/// Whether a member is evaluated: known from the schema, or asked of the
/// value by an expression.
enum Evaluated {
    Never,
    Always,
    When(TokenStream, Form),
}

/// The shape of an expression, for the parentheses it needs where it goes.
#[derive(Clone)]
enum Form {
    /// A call, a macro, a path: needs none.
    Atom,
    /// `a < b`, with its negation written out (`a >= b`), which clippy prefers.
    Comparison(TokenStream),
    /// `a && b`.
    And,
    /// `a || b`.
    Or,
    /// `if … { … } else { … }`.
    Conditional,
}

impl Evaluated {
    fn atom(expression: TokenStream) -> Evaluated {
        Evaluated::When(expression, Form::Atom)
    }

    /// Either.
    fn or(terms: Vec<Evaluated>) -> Evaluated {
        let mut expressions = Vec::new();
        for term in terms {
            match term {
                Evaluated::Never => {}
                Evaluated::Always => return Evaluated::Always,
                Evaluated::When(expression, form) => expressions.push((expression, form)),
            }
        }
        match expressions.len() {
            0 => Evaluated::Never,
            1 => {
                let (expression, form) = expressions.remove(0);
                Evaluated::When(expression, form)
            }
            _ => {
                let operands = expressions.into_iter().map(|(expression, form)| {
                    if matches!(form, Form::Conditional) {
                        quote!((#expression))
                    } else {
                        expression
                    }
                });
                Evaluated::When(quote!(#(#operands)||*), Form::Or)
            }
        }
    }

    /// `condition` and then this.
    fn after(self, condition: TokenStream) -> Evaluated {
        if always_true(&condition) {
            return self;
        }
        match self {
            Evaluated::Never => Evaluated::Never,
            Evaluated::Always => Evaluated::atom(condition),
            Evaluated::When(expression, form) => {
                let expression = match form {
                    Form::Atom | Form::Comparison(_) | Form::And => expression,
                    Form::Or | Form::Conditional => quote!((#expression)),
                };
                Evaluated::When(quote!(#condition && #expression), Form::And)
            }
        }
    }

    /// The expression, where it stands alone (a function's body, a branch).
    fn expression(&self) -> TokenStream {
        match self {
            Evaluated::Never => quote!(false),
            Evaluated::Always => quote!(true),
            Evaluated::When(expression, _) => expression.clone(),
        }
    }

    /// Its negation, for a condition.
    fn negated(&self) -> TokenStream {
        match self {
            Evaluated::When(expression, Form::Atom) => quote!(!#expression),
            Evaluated::When(_, Form::Comparison(negation)) => negation.clone(),
            other => {
                let expression = other.expression();
                quote!(!(#expression))
            }
        }
    }
}

/// What the unevaluated keywords add to the emitter: the evaluator
/// functions emitted or asked for, and which nodes can evaluate anything.
#[derive(Default)]
pub(super) struct Evaluators {
    /// Emitted evaluator functions, by what they answer for and their node.
    pub(super) functions: std::collections::BTreeMap<(Members, NodeId), TokenStream>,
    /// Evaluators called by the code emitted so far, to emit in turn.
    pub(super) called: Vec<(Members, NodeId)>,
    /// Whether a node, or a subschema it applies in place, evaluates any member.
    reaches: HashMap<(Members, NodeId), bool>,
}

impl Emitter<'_> {
    /// The checks of `unevaluatedProperties` and `unevaluatedItems` of a
    /// node, which go after every other keyword of it.
    pub(super) fn unevaluated_checks(
        &mut self,
        node: NodeId,
        pointer: &str,
        k: &Keywords,
    ) -> Result<Vec<TokenStream>, CodegenError> {
        let mut checks = Vec::new();
        if let Some(schema) = k.unevaluated_properties
            && let Some(check) =
                self.unevaluated_check(Members::Properties, node, pointer, schema)?
        {
            checks.push(check);
        }
        if let Some(schema) = k.unevaluated_items
            && let Some(check) = self.unevaluated_check(Members::Items, node, pointer, schema)?
        {
            checks.push(check);
        }
        Ok(checks)
    }

    fn unevaluated_check(
        &mut self,
        members: Members,
        node: NodeId,
        pointer: &str,
        schema: NodeId,
    ) -> Result<Option<TokenStream>, CodegenError> {
        let keyword = members.keyword();
        let loc = location(pointer, keyword);
        let evaluated = match self.own_evaluation(members, node)? {
            // Every member is evaluated: the keyword never applies.
            Evaluated::Always => return Ok(None),
            Evaluated::Never => None,
            evaluated => Some(evaluated.negated()),
        };
        let refuses = matches!(self.model.node(schema).kind, NodeKind::Bool(false));
        // What differs between an object's members and an array's items.
        let (member, enter, refused) = match members {
            Members::Properties => (
                format_ident!("child"),
                quote!(ctx.enter_key(key, child, #loc)),
                quote!(ctx.fail_naming(value, #loc, #keyword, "property \"", key, "\" is not allowed: no schema that applies here declares it");),
            ),
            Members::Items => (
                format_ident!("item"),
                quote!(ctx.enter_index(index, item, #loc)),
                quote!(ctx.fail(value, #loc, #keyword, || format!("item {index} is not allowed: no schema that applies here covers it"));),
            ),
        };
        let apply = if refuses {
            match evaluated {
                Some(unevaluated) => quote!(if #unevaluated { #refused }),
                None => refused,
            }
        } else {
            let Some(call) = self.call(schema, quote!(#member)) else {
                return Ok(None);
            };
            let condition = match evaluated {
                Some(unevaluated) => quote!(#unevaluated && #enter),
                None => enter,
            };
            quote!(if #condition { #call ctx.leave(#member); })
        };
        let bound = if mentions(&apply, &member.to_string()) {
            quote!(#member)
        } else {
            quote!(_)
        };
        let done = DONE();
        let (binding, each) = match members {
            Members::Properties => (
                quote!(Some(object) = value.as_object()),
                quote!((key, #bound) in ::intercom_runtime::json::JsonObject::members(object)),
            ),
            Members::Items => (
                quote!(Some(items) = value.as_array()),
                quote!((index, #bound) in ::intercom_runtime::json::JsonArray::items(items).enumerate()),
            ),
        };
        let check = Check::always(quote! {
            for #each {
                #apply
                #done
            }
        });
        Ok(when_bound(binding, vec![check], true))
    }

    /// Whether `node`, applied in place and holding, evaluates the member:
    /// its own `unevaluated*` evaluates every one.
    fn evaluated_by(&mut self, members: Members, node: NodeId) -> Evaluated {
        let NodeKind::Schema(k) = &self.model.node(node).kind else {
            return Evaluated::Never;
        };
        if members.own_unevaluated(k).is_some() {
            return Evaluated::Always;
        }
        if !self.reaches(members, node) {
            return Evaluated::Never;
        }
        // Names known from the schema alone are tested in place.
        if members == Members::Properties
            && let Some(names) = self.model.properties_evaluated(node)
        {
            return names_test(&names);
        }
        let f = members.function(node);
        Evaluated::atom(match members {
            Members::Properties => quote!(#f(value, ctx, key)),
            Members::Items => quote!(#f(value, ctx, index, item)),
        })
    }

    /// Whether the target of a `$dynamicRef` evaluates the member: the
    /// target is chosen as the check chose it.
    fn dynamically_evaluated_by(
        &mut self,
        members: Members,
        reference: &DynamicReference,
    ) -> Evaluated {
        let fallback = self.evaluated_by(members, reference.target);
        if reference.dynamic.is_empty() {
            return fallback;
        }
        let arms: Vec<Evaluated> = reference
            .dynamic
            .iter()
            .map(|(_, node)| self.evaluated_by(members, *node))
            .collect();
        let fallback_expression = fallback.expression().to_string();
        if arms
            .iter()
            .all(|arm| arm.expression().to_string() == fallback_expression)
        {
            return fallback;
        }
        let scope = outermost_scope(reference);
        let constant = |evaluated: &Evaluated| match evaluated {
            Evaluated::Never => Some(false),
            Evaluated::Always => Some(true),
            Evaluated::When(..) => None,
        };
        // Only constants: the anchors whose target differs from the
        // fallback, as `matches!` (which clippy wants for a `match` of bools).
        if let Some(otherwise) = constant(&fallback)
            && arms.iter().all(|arm| constant(arm).is_some())
        {
            let differing = arms
                .iter()
                .enumerate()
                .filter(|(_, arm)| constant(arm) != Some(otherwise))
                .map(|(i, _)| quote!(Some(#i)));
            let test = quote!(matches!(#scope, #(#differing)|*));
            // Negated, its negation is written out as for a comparison.
            return if otherwise {
                Evaluated::When(quote!(!#test), Form::Comparison(test))
            } else {
                Evaluated::atom(test)
            };
        }
        let arms = arms.iter().enumerate().map(|(i, arm)| {
            let evaluated = arm.expression();
            quote!(Some(#i) => #evaluated,)
        });
        let fallback = fallback.expression();
        Evaluated::When(
            quote! {
                match #scope {
                    #(#arms)*
                    _ => #fallback,
                }
            },
            Form::Atom,
        )
    }

    /// What the node's keywords other than its own `unevaluated*` evaluate,
    /// with the functions its expression calls registered to be emitted.
    fn own_evaluation(
        &mut self,
        members: Members,
        node: NodeId,
    ) -> Result<Evaluated, CodegenError> {
        // Terms are built before it is known whether another makes them
        // moot: only the calls that the kept expression makes are registered.
        let called = self.called.len();
        let evaluated = self.evaluation_terms(members, node)?;
        self.called.truncate(called);
        self.register_calls(&evaluated.expression());
        Ok(evaluated)
    }

    /// The node functions and evaluators `tokens` call, to emit in turn.
    fn register_calls(&mut self, tokens: &TokenStream) {
        for tree in tokens.clone() {
            match tree {
                TokenTree::Ident(ident) => {
                    let name = ident.to_string();
                    let numbered = |prefix: &str| {
                        name.strip_prefix(prefix)
                            .filter(|digits| !digits.is_empty())
                            .and_then(|digits| digits.parse::<u32>().ok())
                            .map(NodeId)
                    };
                    if let Some(node) = numbered("n") {
                        self.called.push(node);
                    } else if let Some(node) = numbered("ep") {
                        self.evaluators.called.push((Members::Properties, node));
                    } else if let Some(node) = numbered("ei") {
                        self.evaluators.called.push((Members::Items, node));
                    }
                }
                TokenTree::Group(group) => self.register_calls(&group.stream()),
                _ => {}
            }
        }
    }

    fn evaluation_terms(
        &mut self,
        members: Members,
        node: NodeId,
    ) -> Result<Evaluated, CodegenError> {
        let NodeKind::Schema(k) = &self.model.node(node).kind else {
            return Ok(Evaluated::Never);
        };
        if k.unresolved_ref.is_some() {
            return Ok(Evaluated::Never);
        }
        if members == Members::Properties
            && let Some(names) = self.model.properties_evaluated(node)
        {
            return Ok(names_test(&names));
        }
        // The model outlives the emitter's borrow: no copy of the keywords.
        let model = self.model;
        let pointer = &model.node(node).pointer;
        let mut terms = Vec::new();
        match members {
            Members::Properties => {
                if k.additional_properties.is_some() {
                    return Ok(Evaluated::Always);
                }
                let names = k.properties.iter().map(|(name, _)| name.clone());
                terms.push(names_test(&names.collect()));
                for (index, (pattern, _)) in k.pattern_properties.iter().enumerate() {
                    let regex =
                        self.regex(node, index + 1, pattern, pointer, "patternProperties")?;
                    terms.push(Evaluated::atom(quote!(#regex.is_match(key))));
                }
            }
            Members::Items => {
                if k.items.is_some() {
                    return Ok(Evaluated::Always);
                }
                if !k.prefix_items.is_empty() {
                    let count = k.prefix_items.len();
                    terms.push(Evaluated::When(
                        quote!(index < #count),
                        Form::Comparison(quote!(index >= #count)),
                    ));
                }
                if let Some(contains) = k.contains {
                    let matches = self.probe(contains, quote!(item));
                    terms.push(Evaluated::Always.after(matches));
                }
            }
        }
        if let Some(reference) = &k.reference {
            terms.push(self.evaluated_by(members, reference.target));
        }
        if let Some(reference) = &k.dynamic_reference {
            terms.push(self.dynamically_evaluated_by(members, reference));
        }
        for child in &k.all_of {
            terms.push(self.evaluated_by(members, *child));
        }
        // An alternative's annotations count when it holds.
        for child in k.any_of.iter().chain(&k.one_of) {
            let evaluated = self.evaluated_by(members, *child);
            if !matches!(evaluated, Evaluated::Never) {
                let holds = self.probe(*child, quote!(value));
                terms.push(evaluated.after(holds));
            }
        }
        if let Some(condition) = k.if_ {
            let when_true = {
                let mut both = vec![self.evaluated_by(members, condition)];
                if let Some(then) = k.then_ {
                    both.push(self.evaluated_by(members, then));
                }
                Evaluated::or(both)
            };
            let when_false = match k.else_ {
                Some(otherwise) => self.evaluated_by(members, otherwise),
                None => Evaluated::Never,
            };
            if !(matches!(when_true, Evaluated::Never) && matches!(when_false, Evaluated::Never)) {
                let holds = self.probe(condition, quote!(value));
                if always_true(&holds) {
                    terms.push(when_true);
                } else {
                    let (when_true, when_false) = (when_true.expression(), when_false.expression());
                    terms.push(Evaluated::When(
                        quote!(if #holds { #when_true } else { #when_false }),
                        Form::Conditional,
                    ));
                }
            }
        }
        // `dependentSchemas` applies to objects only.
        if members == Members::Properties {
            for (property, child) in &k.dependent_schemas {
                let present = quote! {
                    value.as_object().is_some_and(|object| ::intercom_runtime::json::JsonObject::contains_key(object, #property))
                };
                terms.push(self.evaluated_by(members, *child).after(present));
            }
        }
        Ok(Evaluated::or(terms))
    }

    /// Whether `node` or a subschema it applies in place to the same value
    /// has a keyword that evaluates members: nodes that cannot need no
    /// evaluator.
    fn reaches(&mut self, members: Members, node: NodeId) -> bool {
        if let Some(known) = self.evaluators.reaches.get(&(members, node)) {
            return *known;
        }
        // A cycle of in-place applicators adds nothing the first visit does not.
        self.evaluators.reaches.insert((members, node), false);
        let NodeKind::Schema(k) = &self.model.node(node).kind else {
            return false;
        };
        let own = match members {
            Members::Properties => {
                !k.properties.is_empty()
                    || !k.pattern_properties.is_empty()
                    || k.additional_properties.is_some()
                    || k.unevaluated_properties.is_some()
            }
            Members::Items => {
                !k.prefix_items.is_empty()
                    || k.items.is_some()
                    || k.contains.is_some()
                    || k.unevaluated_items.is_some()
            }
        };
        let in_place = k.annotating_subschemas(members == Members::Properties);
        let reaches = own
            || in_place
                .into_iter()
                .any(|child| self.reaches(members, child));
        self.evaluators.reaches.insert((members, node), reaches);
        reaches
    }

    /// The evaluator function of `node`: whether its keywords evaluate the
    /// member, given that it holds for the value.
    pub(super) fn evaluator(
        &mut self,
        members: Members,
        node: NodeId,
    ) -> Result<TokenStream, CodegenError> {
        let body = self.own_evaluation(members, node)?.expression();
        let resource = self.model.node(node).resource;
        let body = if self.model.scope_resources.contains(&resource) && mentions(&body, "ctx") {
            let resource = resource.0;
            quote!(ctx.in_scope(#resource, |ctx| #body))
        } else {
            body
        };
        let name = members.function(node);
        let param = |name: &str| {
            let ident = if mentions(&body, name) {
                format_ident!("{name}")
            } else {
                format_ident!("_{name}")
            };
            quote!(#ident)
        };
        let (value, ctx) = (param("value"), param("ctx"));
        let member = match members {
            Members::Properties => {
                let key = param("key");
                quote!(#key: &str)
            }
            Members::Items => {
                let (index, item) = (param("index"), param("item"));
                quote!(#index: usize, #item: J)
            }
        };
        Ok(quote! {
            pub(super) fn #name<'v, J: ::intercom_runtime::json::Json<'v>>(#value: J, #ctx: &mut ::intercom_runtime::check::Ctx<'v>, #member) -> bool {
                #body
            }
        })
    }
}

/// Whether the member's name is one of `names`.
fn names_test(names: &BTreeSet<String>) -> Evaluated {
    if names.is_empty() {
        Evaluated::Never
    } else {
        let names = names.iter();
        Evaluated::atom(quote!(matches!(key, #(#names)|*)))
    }
}

/// Whether a probe is the constant `true`: a subschema that checks nothing.
fn always_true(condition: &TokenStream) -> bool {
    condition.to_string() == "true"
}

/// Whether `tokens` name the identifier `name` anywhere: an evaluator's
/// parameters that its body does not read are named `_…`.
fn mentions(tokens: &TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|tree| match tree {
        TokenTree::Ident(ident) => ident == name,
        TokenTree::Group(group) => mentions(&group.stream(), name),
        _ => false,
    })
}
