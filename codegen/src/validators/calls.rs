//! How one node's checks call another's (`$ref`, subschemas): the target's
//! function, a `type` check in place of a node that only has `type`, or
//! nothing for a node that checks nothing; and the same asked as a verdict.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::types::type_mask;
use super::{Emitter, FORMATS, checks_anything, location, node_fn};
use crate::model::{DynamicReference, NodeId, NodeKind};

/// What checking a value against a node comes down to where the node is
/// used. Most nodes of a real reference are a bare `$ref` or a bare `type`;
/// calling the target directly and checking the type in place leaves them
/// no function to compile, with the same errors.
#[derive(Debug, Clone)]
pub(super) enum Callee {
    Nothing,
    /// The node's function: after following `$ref`s that add no keyword.
    Function(NodeId),
    /// Only `type`.
    Type {
        mask: u8,
        location: Literal,
        expected: Literal,
    },
}

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
                && !self.in_scope_resource(target)
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

    /// Whether a node belongs to a schema resource of the dynamic scope:
    /// its function must run, to enter the resource, however it is reached.
    fn in_scope_resource(&self, node: NodeId) -> bool {
        let resource = self.model.node(node).resource;
        self.model.scope_resources.contains(&resource)
    }

    /// The statement that checks `value` against the target of a
    /// `$dynamicRef`: the schema of the outermost resource in the dynamic
    /// scope that declares the anchor, or its first target.
    pub(super) fn dynamic_call(
        &mut self,
        reference: &DynamicReference,
        value: TokenStream,
    ) -> Option<TokenStream> {
        let fallback = self.call(reference.target, value.clone());
        if reference.dynamic.is_empty() {
            return fallback;
        }
        let calls: Vec<Option<TokenStream>> = reference
            .dynamic
            .iter()
            .map(|(_, node)| self.call(*node, value.clone()))
            .collect();
        // Targets that check nothing leave no arm: an empty `match` would
        // leave `value` unread, and clippy wants `if` for one arm.
        let scope = outermost_scope(reference);
        let checking: Vec<(usize, &TokenStream)> = calls
            .iter()
            .enumerate()
            .filter_map(|(i, call)| call.as_ref().map(|call| (i, call)))
            .collect();
        match (&fallback, checking.as_slice()) {
            (None, []) => None,
            (None, [(i, call)]) => Some(quote!(if #scope == Some(#i) { #call })),
            (Some(fallback), []) => Some(quote!(if #scope.is_none() { #fallback })),
            _ => {
                let arms = calls.iter().enumerate().map(|(i, call)| match call {
                    Some(call) => quote!(Some(#i) => { #call }),
                    None => quote!(Some(#i) => {}),
                });
                Some(quote! {
                    match #scope {
                        #(#arms)*
                        _ => { #fallback }
                    }
                })
            }
        }
    }

    /// The statement that checks `value` against `node` in the walk `ctx`,
    /// or `None` when the node checks nothing.
    pub(super) fn invoke(
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
                ::intercom_runtime::check::expect_type(#value, #ctx, #mask, #location, #expected);
            }),
        }
    }

    pub(super) fn call(&mut self, child: NodeId, value: TokenStream) -> Option<TokenStream> {
        self.invoke(child, value, quote!(ctx))
    }

    /// Whether `value` passes `node`, asked without recording errors.
    pub(super) fn probe(&mut self, node: NodeId, value: TokenStream) -> TokenStream {
        match self.invoke(node, value, quote!(ctx)) {
            Some(call) => quote!(ctx.is_valid_by(|ctx| { #call })),
            None => quote!(true),
        }
    }
}

/// Which of the resources that declare a `$dynamicRef`'s anchor the walk
/// entered first, as the index into `reference.dynamic`: `Option<usize>`.
pub(super) fn outermost_scope(reference: &DynamicReference) -> TokenStream {
    let resources = reference.dynamic.iter().map(|(resource, _)| resource.0);
    quote!(ctx.outermost_scope(&[#(#resources),*]))
}
