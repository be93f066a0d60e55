//! One reading of a schema node for the type planner and the diff alike: a
//! bare `$ref` followed, the spellings of `null` taken out of `type`, `enum`,
//! `const` and the `anyOf`/`oneOf` branches, `required` as a set, and the
//! object keywords of `allOf` parts merged.
//!
//! The two read two details differently, and each keeps its reading through
//! a parameter: which `{type: null}` branch spells "or null" ([`NullBranch`])
//! and which part wins a property two parts both describe ([`Precedence`]).

use std::collections::BTreeSet;

use serde_json::Value;

use super::{InstanceType, Keywords, Model, NodeId, NodeKind};
use crate::source::unescape_pointer_token;

/// How many bare `$ref`s [`Model::follow_refs`] follows before it gives up.
const MAX_REFS: usize = 64;

/// A list of `type` names, `enum` values or `anyOf`/`oneOf` branches, with
/// the ones that spell `null` taken out.
#[derive(Debug, Clone)]
pub struct Folded<T> {
    /// Whether one of them spelled `null`.
    pub null: bool,
    /// The others, in the order written.
    pub rest: Vec<T>,
}

impl<T> Default for Folded<T> {
    fn default() -> Self {
        Folded {
            null: false,
            rest: Vec::new(),
        }
    }
}

/// A branch of `anyOf` or `oneOf`, with where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Branch {
    /// `anyOf` or `oneOf`.
    pub keyword: &'static str,
    /// Its index in that keyword's list, `null` branches counted.
    pub index: usize,
    pub node: NodeId,
}

impl Branch {
    /// The pointer suffix that reaches the branch from the node that lists
    /// it: `/anyOf/2`.
    pub fn suffix(&self) -> String {
        format!("/{}/{}", self.keyword, self.index)
    }
}

/// Which `{type: null}` branch of `anyOf`/`oneOf` spells "or null" rather
/// than an alternative of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullBranch {
    /// `type: null` beside nothing else that shapes a type: the planner
    /// gives a branch with `items` or `enum` beside it a variant of its own.
    ShapesNothingElse,
    /// `type: null` beside no `$ref`, no `properties` and no alternatives
    /// ([`Keywords::only_null`]): the diff compares the other keywords on
    /// their own.
    OnlyNull,
}

/// A node's own keywords, with the spellings of `null` taken apart.
#[derive(Debug, Clone)]
pub struct Normalized<'m> {
    pub keywords: &'m Keywords,
    /// The target of a `$ref` beside no keyword that shapes a type: the node
    /// is the type it refers to.
    pub bare_ref: Option<NodeId>,
    pub types: Option<Folded<InstanceType>>,
    pub enum_values: Option<Folded<&'m Value>>,
    /// `const` as an `enum` of one value.
    pub const_value: Option<Folded<&'m Value>>,
    pub any_of: Folded<Branch>,
    pub one_of: Folded<Branch>,
}

/// Which of two merged parts wins a property, or `additionalProperties`,
/// that both describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precedence {
    /// The part merged first (the diff, which merges a `$ref`'s target
    /// before the keywords beside it).
    First,
    /// The part merged last (the planner, which merges the schema's own
    /// keywords after its `allOf` parts: the more specific description).
    Last,
}

/// The object keywords of one node, or of several `allOf` parts merged.
#[derive(Debug, Clone, Default)]
pub struct ObjectParts {
    /// In the order each property was first named.
    pub properties: Vec<(String, NodeId)>,
    pub required: BTreeSet<String>,
    /// `additionalProperties` as written: `false` is a node too.
    pub additional: Option<NodeId>,
}

impl ObjectParts {
    pub fn of(k: &Keywords) -> ObjectParts {
        ObjectParts {
            properties: k.properties.clone(),
            required: k.required.iter().cloned().collect(),
            additional: k.additional_properties,
        }
    }

    /// Merges `from` into these parts: `required` as the union, the
    /// properties by name.
    pub fn merge(&mut self, from: ObjectParts, precedence: Precedence) {
        for (name, node) in from.properties {
            match self.properties.iter_mut().find(|(n, _)| *n == name) {
                Some(existing) => {
                    if precedence == Precedence::Last {
                        existing.1 = node;
                    }
                }
                None => self.properties.push((name, node)),
            }
        }
        self.required.extend(from.required);
        let replace = match precedence {
            Precedence::First => self.additional.is_none(),
            Precedence::Last => from.additional.is_some(),
        };
        if replace {
            self.additional = from.additional;
        }
    }

    /// `additionalProperties: false`: properties the object does not name
    /// are refused.
    pub fn refuses_additional(&self, model: &Model) -> bool {
        self.additional
            .is_some_and(|node| matches!(model.node(node).kind, NodeKind::Bool(false)))
    }

    /// The schema of the properties the object does not name, when it has
    /// one (`true` included) and does not refuse them.
    pub fn additional_schema(&self, model: &Model) -> Option<NodeId> {
        self.additional.filter(|_| !self.refuses_additional(model))
    }
}

impl Model {
    /// The node's own keywords with the spellings of `null` taken apart, or
    /// `None` for a boolean schema.
    pub fn normalized(&self, id: NodeId, null_branch: NullBranch) -> Option<Normalized<'_>> {
        let k = self.keywords(id)?;
        Some(Normalized {
            keywords: k,
            bare_ref: k
                .reference
                .as_ref()
                .filter(|_| !k.shape_type())
                .map(|reference| reference.target),
            types: k.types.as_ref().map(|types| {
                let mut folded = Folded::default();
                for t in types {
                    if *t == InstanceType::Null {
                        folded.null = true;
                    } else {
                        folded.rest.push(*t);
                    }
                }
                folded
            }),
            enum_values: k.enum_values.as_deref().map(fold_values),
            const_value: k
                .const_value
                .as_ref()
                .map(|value| fold_values(std::slice::from_ref(value))),
            any_of: self.fold_branches("anyOf", &k.any_of, null_branch),
            one_of: self.fold_branches("oneOf", &k.one_of, null_branch),
        })
    }

    fn fold_branches(
        &self,
        keyword: &'static str,
        branches: &[NodeId],
        null_branch: NullBranch,
    ) -> Folded<Branch> {
        let mut folded = Folded::default();
        for (index, node) in branches.iter().enumerate() {
            let spells_null = self.keywords(*node).is_some_and(|k| match null_branch {
                NullBranch::OnlyNull => k.only_null(),
                NullBranch::ShapesNothingElse => k.only_null() && !shapes_type_besides_type(k),
            });
            if spells_null {
                folded.null = true;
            } else {
                folded.rest.push(Branch {
                    keyword,
                    index,
                    node: *node,
                });
            }
        }
        folded
    }

    /// The node a chain of bare `$ref`s ends at: the first whose own
    /// keywords shape its type.
    pub fn follow_refs(&self, mut node: NodeId) -> NodeId {
        for _ in 0..MAX_REFS {
            match self.keywords(node) {
                Some(k) if !k.shape_type() => match &k.reference {
                    Some(reference) => node = reference.target,
                    None => return node,
                },
                _ => return node,
            }
        }
        node
    }

    /// The name of the top-level `$defs` entry a node is, if it is one.
    pub fn def_name_of(&self, node: NodeId) -> Option<String> {
        let name = self.node(node).pointer.strip_prefix("/$defs/")?;
        (!name.contains('/')).then(|| unescape_pointer_token(name))
    }
}

fn fold_values(values: &[Value]) -> Folded<&Value> {
    let mut folded = Folded::default();
    for value in values {
        if value.is_null() {
            folded.null = true;
        } else {
            folded.rest.push(value);
        }
    }
    folded
}

/// Whether a keyword other than `type` shapes a type, or a `$ref` gives one.
fn shapes_type_besides_type(k: &Keywords) -> bool {
    let mut without_type = k.clone();
    without_type.types = None;
    without_type.shape_type() || k.reference.is_some()
}
