//! Reach: which operations use each `$defs` entry, in requests or in
//! responses, through the references between entries.

use std::collections::{BTreeMap, BTreeSet};

use super::Direction;
use crate::model::{Model, NodeId, NodeKind, owners};

/// Who reaches each `$defs` entry: operation labels and directions.
#[derive(Debug, Default, Clone)]
pub(super) struct Reach {
    pub operations: BTreeSet<String>,
    pub request: bool,
    pub response: bool,
}

/// The `$defs` entries each entry references, directly.
pub(super) fn ref_graph(model: &Model) -> BTreeMap<String, BTreeSet<String>> {
    let owner = owners(model);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, _) in &model.defs {
        graph.entry(name.clone()).or_default();
    }
    for (i, node) in model.nodes.iter().enumerate() {
        let NodeKind::Schema(k) = &node.kind else {
            continue;
        };
        let Some(from) = owner.get(&NodeId(i as u32)) else {
            continue;
        };
        let mut targets: Vec<NodeId> = k.reference.iter().map(|r| r.target).collect();
        if let Some(d) = &k.discriminator {
            targets.extend(d.mapping.iter().map(|(_, t)| *t));
        }
        for target in targets {
            if let Some(to) = owner.get(&target) {
                graph.entry(from.clone()).or_default().insert(to.clone());
            }
        }
    }
    graph
}

pub(super) fn closure(
    graph: &BTreeMap<String, BTreeSet<String>>,
    roots: impl IntoIterator<Item = String>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.into_iter().collect();
    while let Some(name) = stack.pop() {
        if seen.insert(name.clone()) {
            stack.extend(graph.get(&name).into_iter().flatten().cloned());
        }
    }
    seen
}

/// The key operations are matched by: method and path, with every path
/// parameter reduced to its position.
pub(super) fn operation_key(method: &str, path: &str) -> String {
    let mut key = method.to_uppercase();
    key.push(' ');
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    key.push_str("{}");
                }
            }
            '}' => depth -= 1,
            _ if depth > 0 => {}
            _ => key.push(c),
        }
    }
    key
}

pub(super) fn reach(
    model: &Model,
    graph: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, Reach> {
    let mut reach: BTreeMap<String, Reach> = BTreeMap::new();
    for op in &model.operations {
        let label = format!("{} {}", op.method.to_uppercase(), op.path);
        if let Some(schema) = op.request.as_ref().and_then(|r| r.body.schema.clone()) {
            for def in closure(graph, [schema]) {
                let entry = reach.entry(def).or_default();
                entry.request = true;
                entry.operations.insert(format!("{label} request"));
            }
        }
        for response in &op.responses {
            let status = &response.status;
            if let Some(schema) = response.body.as_ref().and_then(|b| b.schema.clone()) {
                for def in closure(graph, [schema]) {
                    let entry = reach.entry(def).or_default();
                    entry.response = true;
                    entry.operations.insert(format!("{label} {status}"));
                }
            }
        }
    }
    reach
}

/// The reach of every `$defs` entry on one side, for directions.
pub(super) fn all_reach(
    model: &Model,
) -> (BTreeMap<String, BTreeSet<String>>, BTreeMap<String, Reach>) {
    let graph = ref_graph(model);
    let reach = reach(model, &graph);
    (graph, reach)
}

pub(super) fn direction_of(reach: Option<&Reach>) -> Direction {
    match reach {
        Some(r) if r.request && r.response => Direction::Both,
        Some(r) if r.request => Direction::Request,
        Some(r) if r.response => Direction::Response,
        _ => Direction::None,
    }
}
