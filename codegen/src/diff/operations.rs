//! Operation-level changes: operations added or removed, request bodies
//! added, removed or made required, response statuses added or removed, and
//! bodies whose schema became another.

use std::collections::BTreeMap;

use serde_json::Value;

use super::engine::Engine;
use super::load::Side;
use super::reach::operation_key;
use super::{Change, Direction, Kind};
use crate::model::{Body, Operation};

/// The operation-level changes between two sides, for the operations `keep`
/// keeps.
pub(super) fn operations(
    old: &Side,
    new: &Side,
    engine: &Engine<'_>,
    keep: &dyn Fn(&str) -> bool,
) -> Vec<Change> {
    let index = |side: &'_ Side| -> BTreeMap<String, Operation> {
        side.model
            .operations
            .iter()
            .map(|op| (operation_key(&op.method, &op.path), op.clone()))
            .collect()
    };
    let (olds, news) = (index(old), index(new));
    let mut changes = Vec::new();
    let label = |op: &Operation| format!("{} {}", op.method.to_uppercase(), op.path);
    let make = |kind: Kind, op: &Operation, pointer: &str, message: String, direction| Change {
        kind,
        schema: label(op),
        pointer: pointer.to_string(),
        message,
        direction,
        operations: vec![label(op)],
        operation_source: Some(op.source.clone()),
        ..Change::default()
    };
    for (key, a) in &olds {
        if !keep(key) {
            continue;
        }
        let Some(b) = news.get(key) else {
            changes.push(make(
                Kind::OperationRemoved,
                a,
                "",
                format!("operation {} removed", label(a)),
                Direction::Both,
            ));
            continue;
        };
        match (&a.request, &b.request) {
            (None, Some(r)) => {
                let mut c = make(
                    Kind::RequestBodyAdded,
                    b,
                    "/request",
                    format!(
                        "{} request body added",
                        if r.required { "required" } else { "optional" }
                    ),
                    Direction::Request,
                );
                c.verdict_inputs.was_required = r.required;
                changes.push(c);
            }
            (Some(_), None) => changes.push(make(
                Kind::RequestBodyRemoved,
                a,
                "/request",
                "request body removed".to_string(),
                Direction::Request,
            )),
            (Some(x), Some(y)) => {
                if !x.required && y.required {
                    changes.push(make(
                        Kind::RequestBodyRequired,
                        b,
                        "/request",
                        "request body became required".to_string(),
                        Direction::Request,
                    ));
                }
                if let Some(c) = body_target(
                    engine,
                    b,
                    "/request",
                    &x.body,
                    &y.body,
                    Direction::Request,
                    &make,
                ) {
                    changes.push(c);
                }
            }
            (None, None) => {}
        }
        let statuses = |op: &Operation| -> BTreeMap<String, Option<Body>> {
            op.responses
                .iter()
                .map(|r| (r.status.clone(), r.body.clone()))
                .collect()
        };
        let (sa, sb) = (statuses(a), statuses(b));
        for (status, body) in &sa {
            let pointer = format!("/responses/{status}");
            match sb.get(status) {
                None => changes.push(make(
                    Kind::ResponseStatusRemoved,
                    a,
                    &pointer,
                    format!("response status {status} removed"),
                    Direction::Response,
                )),
                Some(other) => {
                    if let (Some(x), Some(y)) = (body, other)
                        && let Some(c) =
                            body_target(engine, b, &pointer, x, y, Direction::Response, &make)
                    {
                        changes.push(c);
                    }
                }
            }
        }
        for status in sb.keys() {
            if !sa.contains_key(status) {
                let mut c = make(
                    Kind::ResponseStatusAdded,
                    b,
                    &format!("/responses/{status}"),
                    format!("response status {status} added"),
                    Direction::Response,
                );
                c.verdict_inputs.success_status = status.starts_with('2') || status == "default";
                changes.push(c);
            }
        }
    }
    for (key, b) in &news {
        if keep(key) && !olds.contains_key(key) {
            changes.push(make(
                Kind::OperationAdded,
                b,
                "",
                format!("operation {} added", label(b)),
                Direction::Both,
            ));
        }
    }
    changes
}

/// A body whose schema became another one that is not the same.
fn body_target(
    engine: &Engine<'_>,
    op: &Operation,
    pointer: &str,
    x: &Body,
    y: &Body,
    direction: Direction,
    make: &dyn Fn(Kind, &Operation, &str, String, Direction) -> Change,
) -> Option<Change> {
    let (Some(sx), Some(sy)) = (&x.schema, &y.schema) else {
        return None;
    };
    if sx == sy {
        return None;
    }
    let same = match (engine.old.def(sx), engine.new.def(sy)) {
        (Some(a), Some(b)) => engine.same_target(a, b),
        _ => false,
    };
    if same {
        return None;
    }
    let mut change = make(
        Kind::RefTargetChanged,
        op,
        pointer,
        format!("body schema changed from `{sx}` to `{sy}`"),
        direction,
    );
    change.old = Value::String(sx.clone());
    change.new = Value::String(sy.clone());
    Some(change)
}
