//! Cycles: a type that holds itself by value, directly or through others,
//! has no size; the reference that closes the cycle is boxed.

use std::collections::{HashMap, HashSet};

use super::ir::{Plan, RustType, TypeKind};

/// The named type a field holds without indirection, if any.
fn held_by_value(ty: &RustType) -> Option<String> {
    match ty {
        RustType::Named(name) => Some(name.clone()),
        RustType::Option(inner) | RustType::Nullable(inner) => held_by_value(inner),
        _ => None,
    }
}

/// Boxes each by-value reference that closes a cycle of types, so every type
/// has a size. Through `Vec` and maps there is already an indirection.
pub(super) fn box_cycles(plan: &mut Plan) {
    let index: HashMap<String, usize> = plan
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let edges: Vec<Vec<usize>> = plan
        .types
        .iter()
        .map(|t| {
            let members: Vec<&RustType> = match &t.kind {
                TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
                TypeKind::Alternatives(a) => a.variants.iter().map(|v| &v.ty).collect(),
                TypeKind::Alias(ty) => vec![ty],
                _ => Vec::new(),
            };
            members
                .into_iter()
                .filter_map(held_by_value)
                .filter_map(|name| index.get(&name).copied())
                .collect()
        })
        .collect();
    let reaches = |from: usize, to: usize| -> bool {
        let mut stack = vec![from];
        let mut seen = HashSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n) {
                stack.extend(edges[n].iter().copied());
            }
        }
        false
    };
    for i in 0..plan.types.len() {
        let boxed = |name: &str| index.get(name).is_some_and(|&target| reaches(target, i));
        match &mut plan.types[i].kind {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    box_named(&mut field.ty, &boxed);
                }
            }
            TypeKind::Alternatives(a) => {
                for variant in &mut a.variants {
                    box_named(&mut variant.ty, &boxed);
                }
            }
            _ => {}
        }
    }
}

/// Boxes `ty`, or what its `Option` or `Nullable` holds, when it is a named
/// type `boxed` picks.
fn box_named(ty: &mut RustType, boxed: &dyn Fn(&str) -> bool) {
    match ty {
        RustType::Named(name) if boxed(name) => {
            *ty = RustType::Box(Box::new(RustType::Named(name.clone())));
        }
        RustType::Option(inner) | RustType::Nullable(inner) => box_named(inner, boxed),
        _ => {}
    }
}
