//! `cargo xtask diff`: what a new API version changes, and whether it breaks
//! a client on the wire.
//!
//! ```text
//! load (reference file or schema/ dir) -> Model, twice
//!   -> engine      structural comparison, one change per place it happens
//!        flat      a node seen as a whole, over model::normalize
//!        equality  structural equality of two nodes
//!   -> operations  operation-level changes
//!   -> reach       which operations use each schema, in which direction
//!   -> verdict     breaking, absorbed or not, per direction
//!   -> rust        the generated Rust before and after
//!   -> report      text / markdown / json / github
//! ```

mod engine;
mod equality;
mod flat;
pub mod load;
mod operations;
mod reach;
pub mod report;
pub mod rust;
mod verdict;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

pub use load::{LoadSideError, Side};
pub use verdict::VerdictInputs;

/// A kind of change, with the stable id output, `--accept` and the README use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Kind {
    #[default]
    SchemaAdded,
    SchemaRemoved,
    PropertyAddedOptional,
    PropertyAddedRequired,
    PropertyRemoved,
    TypeChanged,
    RefTargetChanged,
    FormatChanged,
    BecameRequired,
    BecameOptional,
    BecameNullable,
    BecameNotNullable,
    EnumValueAdded,
    EnumValueRemoved,
    EnumConstrained,
    EnumUnconstrained,
    BranchAdded,
    BranchRemoved,
    DiscriminatorChanged,
    ConstraintTightened,
    ConstraintLoosened,
    OperationAdded,
    OperationRemoved,
    RequestBodyAdded,
    RequestBodyRemoved,
    RequestBodyRequired,
    ResponseStatusAdded,
    ResponseStatusRemoved,
}

impl Kind {
    pub const ALL: [Kind; 28] = [
        Kind::SchemaAdded,
        Kind::SchemaRemoved,
        Kind::PropertyAddedOptional,
        Kind::PropertyAddedRequired,
        Kind::PropertyRemoved,
        Kind::TypeChanged,
        Kind::RefTargetChanged,
        Kind::FormatChanged,
        Kind::BecameRequired,
        Kind::BecameOptional,
        Kind::BecameNullable,
        Kind::BecameNotNullable,
        Kind::EnumValueAdded,
        Kind::EnumValueRemoved,
        Kind::EnumConstrained,
        Kind::EnumUnconstrained,
        Kind::BranchAdded,
        Kind::BranchRemoved,
        Kind::DiscriminatorChanged,
        Kind::ConstraintTightened,
        Kind::ConstraintLoosened,
        Kind::OperationAdded,
        Kind::OperationRemoved,
        Kind::RequestBodyAdded,
        Kind::RequestBodyRemoved,
        Kind::RequestBodyRequired,
        Kind::ResponseStatusAdded,
        Kind::ResponseStatusRemoved,
    ];

    /// The stable kebab-case id.
    pub fn id(self) -> &'static str {
        match self {
            Kind::SchemaAdded => "schema-added",
            Kind::SchemaRemoved => "schema-removed",
            Kind::PropertyAddedOptional => "property-added-optional",
            Kind::PropertyAddedRequired => "property-added-required",
            Kind::PropertyRemoved => "property-removed",
            Kind::TypeChanged => "type-changed",
            Kind::RefTargetChanged => "ref-target-changed",
            Kind::FormatChanged => "format-changed",
            Kind::BecameRequired => "became-required",
            Kind::BecameOptional => "became-optional",
            Kind::BecameNullable => "became-nullable",
            Kind::BecameNotNullable => "became-not-nullable",
            Kind::EnumValueAdded => "enum-value-added",
            Kind::EnumValueRemoved => "enum-value-removed",
            Kind::EnumConstrained => "enum-constrained",
            Kind::EnumUnconstrained => "enum-unconstrained",
            Kind::BranchAdded => "branch-added",
            Kind::BranchRemoved => "branch-removed",
            Kind::DiscriminatorChanged => "discriminator-changed",
            Kind::ConstraintTightened => "constraint-tightened",
            Kind::ConstraintLoosened => "constraint-loosened",
            Kind::OperationAdded => "operation-added",
            Kind::OperationRemoved => "operation-removed",
            Kind::RequestBodyAdded => "request-body-added",
            Kind::RequestBodyRemoved => "request-body-removed",
            Kind::RequestBodyRequired => "request-body-required",
            Kind::ResponseStatusAdded => "response-status-added",
            Kind::ResponseStatusRemoved => "response-status-removed",
        }
    }

    /// Whether the change takes something away (positions come from OLD).
    pub fn is_removal(self) -> bool {
        matches!(
            self,
            Kind::SchemaRemoved
                | Kind::PropertyRemoved
                | Kind::EnumValueRemoved
                | Kind::BranchRemoved
                | Kind::OperationRemoved
                | Kind::RequestBodyRemoved
                | Kind::ResponseStatusRemoved
        )
    }
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// The wire verdict, strictest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Breaking,
    /// Breaking for a generic client, not for readers of our lossless models.
    Absorbed,
    #[default]
    NonBreaking,
}

impl Verdict {
    pub fn id(self) -> &'static str {
        match self {
            Verdict::Breaking => "breaking",
            Verdict::Absorbed => "absorbed",
            Verdict::NonBreaking => "non-breaking",
        }
    }
}

/// Where the changed schema is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Request,
    Response,
    Both,
    /// Reached by no operation: judged as if used both ways.
    #[default]
    None,
}

impl Direction {
    pub fn id(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
            Direction::Both => "both",
            Direction::None => "none",
        }
    }
}

/// One change, reported once where it happens.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Change {
    /// `kind-id schema#/pointer`: what `--accept` lines name.
    pub id: String,
    pub kind: Kind,
    pub verdict: Verdict,
    pub direction: Direction,
    /// The directions in which the change is breaking (or absorbed).
    pub breaks_in: Vec<Direction>,
    /// The `$defs` entry, or `METHOD /path` for an operation-level change.
    pub schema: String,
    /// JSON pointer inside the schema (`""` for the schema itself).
    pub pointer: String,
    pub message: String,
    pub operations: Vec<String>,
    pub old: Value,
    pub new: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_to: Option<String>,
    pub accepted: bool,
    /// The generated Rust before and after, from the codegen plans.
    pub rust: Option<rust::RustView>,
    /// Where the change stands in the OLD and NEW inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(skip)]
    pub old_location: Option<String>,
    #[serde(skip)]
    pub new_location: Option<String>,
    /// What the verdict rests on beyond the kind and the direction.
    #[serde(skip)]
    pub verdict_inputs: VerdictInputs,
    #[serde(skip)]
    operation_source: Option<String>,
}

/// A file position of a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

/// What to compare.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Schema names or operationIds, as in `import --select`; empty for all.
    pub select: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error(
        "unknown schema or operationId `{name}` in --select (in neither {old} nor {new}){}",
        suggest(suggestions)
    )]
    UnknownName {
        name: String,
        old: String,
        new: String,
        suggestions: Vec<String>,
    },
}

use crate::import::suggest;

/// The result of a diff.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub old: String,
    pub new: String,
    pub changes: Vec<Change>,
}

/// The `$defs` entries and operation keys a selection keeps on one side.
fn selected(side: &Side, names: &[String]) -> (BTreeSet<String>, BTreeSet<String>) {
    let (graph, _) = reach::all_reach(&side.model);
    let mut roots = Vec::new();
    let mut operations = BTreeSet::new();
    for name in names {
        if side.model.def(name).is_some() {
            roots.push(name.clone());
        }
        for op in &side.model.operations {
            if op.operation_id == *name {
                operations.insert(reach::operation_key(&op.method, &op.path));
                roots.extend(op.request.iter().filter_map(|r| r.body.schema.clone()));
                roots.extend(
                    op.responses
                        .iter()
                        .filter_map(|r| r.body.as_ref().and_then(|b| b.schema.clone())),
                );
            }
        }
    }
    (reach::closure(&graph, roots), operations)
}

fn known_names(side: &Side) -> impl Iterator<Item = &str> {
    side.model.defs.iter().map(|(n, _)| n.as_str()).chain(
        side.model
            .operations
            .iter()
            .map(|o| o.operation_id.as_str()),
    )
}

/// Compares two sides.
pub fn diff(old: &Side, new: &Side, options: &Options) -> Result<Report, DiffError> {
    for name in &options.select {
        let found = known_names(old).chain(known_names(new)).any(|n| n == name);
        if !found {
            let known: BTreeSet<&str> = known_names(old).chain(known_names(new)).collect();
            return Err(DiffError::UnknownName {
                name: name.clone(),
                old: old.input.display().to_string(),
                new: new.input.display().to_string(),
                suggestions: crate::import::closest_names(name, known),
            });
        }
    }
    let filter = (!options.select.is_empty()).then(|| {
        let (d1, o1) = selected(old, &options.select);
        let (d2, o2) = selected(new, &options.select);
        (
            d1.union(&d2).cloned().collect::<BTreeSet<_>>(),
            o1.union(&o2).cloned().collect::<BTreeSet<_>>(),
        )
    });
    let keep_def = |name: &str| filter.as_ref().is_none_or(|(defs, _)| defs.contains(name));
    let keep_op = |key: &str| filter.as_ref().is_none_or(|(_, ops)| ops.contains(key));

    let mut engine = engine::Engine::new(&old.model, &new.model);
    let old_defs: BTreeMap<&str, _> = old
        .model
        .defs
        .iter()
        .map(|(n, id)| (n.as_str(), *id))
        .collect();
    let new_defs: BTreeMap<&str, _> = new
        .model
        .defs
        .iter()
        .map(|(n, id)| (n.as_str(), *id))
        .collect();
    let mut schema_level = Vec::new();
    for (name, a) in &old_defs {
        if !keep_def(name) {
            continue;
        }
        match new_defs.get(name) {
            Some(b) => engine.compare_def(name, *a, *b),
            None => schema_level.push(Change {
                kind: Kind::SchemaRemoved,
                schema: name.to_string(),
                message: format!("schema `{name}` removed"),
                old_location: Some(old.model.node(*a).pointer.clone()),
                ..Change::default()
            }),
        }
    }
    for (name, b) in &new_defs {
        if keep_def(name) && !old_defs.contains_key(name) {
            schema_level.push(Change {
                kind: Kind::SchemaAdded,
                schema: name.to_string(),
                message: format!("schema `{name}` added"),
                new_location: Some(new.model.node(*b).pointer.clone()),
                ..Change::default()
            });
        }
    }
    let operation_changes = operations::operations(old, new, &engine, &keep_op);
    let mut changes = engine.finish();
    changes.extend(schema_level);

    // Directions and operations: the union of both sides.
    let (_, old_reach) = reach::all_reach(&old.model);
    let (_, new_reach) = reach::all_reach(&new.model);
    for change in &mut changes {
        let mut reached = reach::Reach::default();
        for r in [old_reach.get(&change.schema), new_reach.get(&change.schema)]
            .into_iter()
            .flatten()
        {
            reached.request |= r.request;
            reached.response |= r.response;
            reached.operations.extend(r.operations.iter().cloned());
        }
        change.direction = reach::direction_of(Some(&reached));
        change.operations = reached.operations.into_iter().collect();
    }
    changes.extend(operation_changes);
    let plans = (rust::Plans::new(&old.model), rust::Plans::new(&new.model));
    for change in &mut changes {
        verdict::judge(change);
        if let (Some(op), Some(np)) = (&plans.0, &plans.1) {
            change.rust = rust::view(change, (&old.model, op), (&new.model, np));
        }
        change.id = format!("{} {}#{}", change.kind.id(), change.schema, change.pointer);
        change.location = locate(change, old, new);
    }
    changes.sort_by(|a, b| {
        (a.verdict, &a.schema, &a.pointer, a.kind, &a.message)
            .cmp(&(b.verdict, &b.schema, &b.pointer, b.kind, &b.message))
    });
    Ok(Report {
        old: old.input.display().to_string(),
        new: new.input.display().to_string(),
        changes,
    })
}

fn locate(change: &Change, old: &Side, new: &Side) -> Option<Location> {
    let (side, pointer) = if change.kind.is_removal() {
        (old, change.old_location.as_ref())
    } else {
        (
            new,
            change
                .new_location
                .as_ref()
                .or(change.old_location.as_ref()),
        )
    };
    let (file, position) = match &change.operation_source {
        Some(source) => side.operation_place(source),
        None => side.place(pointer?),
    }?;
    Some(Location {
        file: file.display().to_string(),
        line: position.line,
        column: position.column,
    })
}
