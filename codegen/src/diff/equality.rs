//! Structural equality of two schema nodes, one from each side, over their
//! flattened forms; coinductive, so cycles compare equal.

use std::collections::HashSet;

use super::flat::flatten;
use crate::model::{Model, NodeId};

/// Structural equality, coinductive over cycles.
pub(super) struct Equality<'a> {
    pub old: &'a Model,
    pub new: &'a Model,
    assumed: HashSet<(NodeId, NodeId)>,
}

impl<'a> Equality<'a> {
    pub fn new(old: &'a Model, new: &'a Model) -> Self {
        Equality {
            old,
            new,
            assumed: HashSet::new(),
        }
    }

    pub fn equal(&mut self, a: NodeId, b: NodeId) -> bool {
        if !self.assumed.insert((a, b)) {
            return true;
        }
        let (fa, fb) = (flatten(self.old, a), flatten(self.new, b));
        let same = fa.nullable == fb.nullable
            && fa.types == fb.types
            && fa.enum_values == fb.enum_values
            && fa.format == fb.format
            && fa.required == fb.required
            && fa.constraints == fb.constraints
            && fa.discriminator.as_ref().map(|d| &d.0) == fb.discriminator.as_ref().map(|d| &d.0)
            && fa.properties.keys().eq(fb.properties.keys())
            && fa.branches.len() == fb.branches.len()
            && self.optional(fa.items, fb.items)
            && self.optional(fa.additional, fb.additional)
            && self.optional(fa.unevaluated_properties, fb.unevaluated_properties)
            && self.optional(fa.unevaluated_items, fb.unevaluated_items)
            && fa
                .properties
                .values()
                .zip(fb.properties.values())
                .all(|(x, y)| self.equal(*x, *y));
        let same = same && {
            // Branches in any order.
            let mut unused: Vec<NodeId> = fb.branches.iter().map(|b| b.node).collect();
            fa.branches.iter().all(
                |x| match unused.iter().position(|y| self.equal(x.node, *y)) {
                    Some(i) => {
                        unused.remove(i);
                        true
                    }
                    None => false,
                },
            )
        };
        if !same {
            self.assumed.remove(&(a, b));
        }
        same
    }

    fn optional(&mut self, a: Option<NodeId>, b: Option<NodeId>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(x), Some(y)) => self.equal(x, y),
            _ => false,
        }
    }
}
