//! Which properties a schema evaluates, where the schema alone tells: the
//! reading `unevaluatedProperties` needs when it becomes part of a type.

use std::collections::BTreeSet;

use super::{Model, NodeId, NodeKind};

/// How many schemas deep the reading follows references and parts.
const MAX_DEPTH: usize = 64;

impl Model {
    /// The names of the properties `node` evaluates, its own
    /// `unevaluatedProperties` aside, when they are the same for every
    /// object: `None` when a keyword evaluates by pattern, evaluates every
    /// property, or evaluates depending on the value (an alternative, a
    /// condition, a dependent schema that evaluates anything).
    pub fn properties_evaluated(&self, node: NodeId) -> Option<BTreeSet<String>> {
        self.evaluated_at_depth(node, true, 0)
    }

    fn evaluated_at_depth(
        &self,
        node: NodeId,
        own_unevaluated_aside: bool,
        depth: usize,
    ) -> Option<BTreeSet<String>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let NodeKind::Schema(k) = &self.node(node).kind else {
            return Some(BTreeSet::new());
        };
        if k.unresolved_ref.is_some() {
            return Some(BTreeSet::new());
        }
        let everything = k.additional_properties.is_some()
            || (!own_unevaluated_aside && k.unevaluated_properties.is_some());
        // The target of a `$dynamicRef` depends on how the value was reached.
        if everything || !k.pattern_properties.is_empty() || k.dynamic_reference.is_some() {
            return None;
        }
        let mut names: BTreeSet<String> =
            k.properties.iter().map(|(name, _)| name.clone()).collect();
        let always = k
            .reference
            .iter()
            .map(|r| r.target)
            .chain(k.all_of.iter().copied());
        for part in always {
            names.extend(self.evaluated_at_depth(part, false, depth + 1)?);
        }
        // What applies only for some values may evaluate nothing at all.
        let sometimes = k
            .any_of
            .iter()
            .chain(&k.one_of)
            .copied()
            .chain([k.if_, k.then_, k.else_].into_iter().flatten())
            .chain(k.dependent_schemas.iter().map(|(_, child)| *child));
        for part in sometimes {
            if !self.evaluated_at_depth(part, false, depth + 1)?.is_empty() {
                return None;
            }
        }
        Some(names)
    }
}
