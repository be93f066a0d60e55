//! The Rust view of a change: the generated type and member before and after,
//! taken from the codegen plan of each side (never guessed from the schema).

use std::collections::HashMap;

use serde::Serialize;

use super::{Change, Kind, Verdict};
use crate::model::Model;
use crate::source::unescape_pointer_token;
use crate::types::{self, Alternative, Plan, RustType, TypeDef, TypeKind};

/// Whether code written against the old generated crate still compiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RustVerdict {
    CompileBreaking,
    Compatible,
}

impl RustVerdict {
    pub fn id(self) -> &'static str {
        match self {
            RustVerdict::CompileBreaking => "compile-breaking",
            RustVerdict::Compatible => "compatible",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RustView {
    /// The generated type (new side, else old side).
    #[serde(rename = "type")]
    pub type_name: Option<String>,
    /// The field or variant.
    pub member: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub verdict: RustVerdict,
    /// For an absorbed change, what regenerating the model changes in how
    /// the same payload is read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub behaviour: Option<String>,
}

type Field = (String, String, String, Option<String>);

/// The plan of one side, indexed by the pointers changes carry.
pub struct Plans {
    plan: Plan,
    /// Property pointer to (type, field, Rust type, `$defs` entry of the type).
    fields: HashMap<String, Vec<Field>>,
}

impl Plans {
    /// Plans a side; `None` when codegen refuses the model (the report then
    /// carries no Rust view for it).
    pub fn new(model: &Model) -> Option<Plans> {
        let plan = types::plan(model).ok()?;
        let mut fields = HashMap::new();
        for t in &plan.types {
            if let TypeKind::Struct(s) = &t.kind {
                for f in &s.fields {
                    fields
                        .entry(f.pointer.clone())
                        .or_insert_with(Vec::new)
                        .push((
                            t.name.clone(),
                            f.rust_name.clone(),
                            f.ty.to_string(),
                            t.def_name.clone(),
                        ));
                }
            }
        }
        Some(Plans { plan, fields })
    }

    /// The field at a pointer; when several types share the property node,
    /// the one generated for the changed `$defs` entry.
    fn field(&self, pointer: Option<&String>, schema: &str) -> Option<&Field> {
        let candidates = self.fields.get(pointer?)?;
        candidates
            .iter()
            .find(|f| f.3.as_deref() == Some(schema))
            .or_else(|| candidates.first())
    }

    fn type_at(&self, model: &Model, pointer: Option<&String>) -> Option<&TypeDef> {
        self.plan.type_at(model, pointer?)
    }

    /// The enum and variant generated for the `oneOf`/`anyOf` branch at a
    /// pointer.
    fn branch_variant(
        &self,
        model: &Model,
        pointer: Option<&String>,
    ) -> Option<(&TypeDef, &Alternative)> {
        let node = model.at_pointer(pointer?)?;
        self.plan.types.iter().find_map(|t| match &t.kind {
            TypeKind::Alternatives(a) => a.variants.iter().find(|v| v.node == node).map(|v| (t, v)),
            _ => None,
        })
    }
}

fn variant(t: &TypeDef, value: &serde_json::Value) -> Option<String> {
    match (&t.kind, value) {
        (TypeKind::StringEnum(e), serde_json::Value::String(v)) => e
            .variants
            .iter()
            .find(|x| &x.value == v)
            .map(|x| x.name.clone()),
        (TypeKind::IntegerEnum(e), v) => e
            .variants
            .iter()
            .find(|x| Some(x.value) == v.as_i64())
            .map(|x| x.name.clone()),
        _ => None,
    }
}

fn open_enum(t: &TypeDef) -> bool {
    match &t.kind {
        TypeKind::StringEnum(e) => e.non_exhaustive,
        TypeKind::IntegerEnum(e) => e.non_exhaustive,
        TypeKind::Alternatives(a) => a.non_exhaustive,
        _ => false,
    }
}

/// The field that keeps a struct's unknown properties and its type, as
/// codegen emits it.
fn extra_field(t: &TypeDef) -> Option<(&str, RustType)> {
    match &t.kind {
        TypeKind::Struct(s) => s.extra.field(),
        _ => None,
    }
}

fn describe(t: &TypeDef) -> String {
    format!("{} ({})", t.name, t.kind.describe())
}

/// The Rust view of one change.
pub fn view(change: &Change, old: (&Model, &Plans), new: (&Model, &Plans)) -> Option<RustView> {
    use RustVerdict::{Compatible, CompileBreaking};
    let (om, op) = old;
    let (nm, np) = new;
    let (ol, nl) = (change.old_location.as_ref(), change.new_location.as_ref());
    match change.kind {
        Kind::SchemaAdded | Kind::SchemaRemoved => {
            let (plans, removed) = if change.kind == Kind::SchemaAdded {
                (np, false)
            } else {
                (op, true)
            };
            let t = plans.plan.def(&change.schema)?;
            let text = describe(t);
            return Some(RustView {
                type_name: Some(t.name.clone()),
                member: None,
                before: removed.then(|| text.clone()),
                after: (!removed).then_some(text),
                verdict: if removed { CompileBreaking } else { Compatible },
                behaviour: None,
            });
        }
        Kind::EnumValueAdded | Kind::EnumValueRemoved => {
            let added = change.kind == Kind::EnumValueAdded;
            let (model, plans, pointer, value) = if added {
                (nm, np, nl, &change.new)
            } else {
                (om, op, ol, &change.old)
            };
            let t = plans.type_at(model, pointer)?;
            let name = variant(t, value)?;
            let member = format!("{}::{name}", t.name);
            let catch_all = match (&t.kind, value) {
                (TypeKind::StringEnum(e), serde_json::Value::String(v)) => {
                    Some(format!("{}::{}({v:?})", t.name, e.catch_all))
                }
                _ => None,
            };
            let verdict = if added && open_enum(t) {
                Compatible
            } else {
                CompileBreaking
            };
            let behaviour = match (&catch_all, change.verdict) {
                (Some(catch_all), Verdict::Absorbed) => Some(format!(
                    "after regenerating, {value} arrives as `{member}`, no longer as `{catch_all}`"
                )),
                _ => None,
            };
            return Some(RustView {
                type_name: Some(t.name.clone()),
                member: Some(name),
                before: if added {
                    catch_all.clone()
                } else {
                    Some(member.clone())
                },
                after: if added { Some(member) } else { None },
                verdict,
                behaviour,
            });
        }
        Kind::BranchAdded | Kind::BranchRemoved => {
            let added = change.kind == Kind::BranchAdded;
            let found = if added {
                np.branch_variant(nm, nl)
            } else {
                op.branch_variant(om, ol)
            };
            if let Some((t, v)) = found {
                let member = format!("{}::{}({})", t.name, v.name, v.ty);
                return Some(RustView {
                    type_name: Some(t.name.clone()),
                    member: Some(v.name.clone()),
                    before: (!added).then(|| member.clone()),
                    after: added.then_some(member),
                    verdict: if added && open_enum(t) {
                        Compatible
                    } else {
                        CompileBreaking
                    },
                    behaviour: None,
                });
            }
        }
        _ => {}
    }
    // `additionalProperties` opened or closed: the struct gains or loses its
    // map of unknown properties (the one constraint with boolean values).
    if matches!(
        change.kind,
        Kind::ConstraintTightened | Kind::ConstraintLoosened
    ) && change.old.is_boolean()
    {
        let (bt, at) = (op.type_at(om, ol), np.type_at(nm, nl));
        let text =
            |t: &TypeDef| extra_field(t).map(|(field, ty)| format!("{}.{field}: {ty}", t.name));
        let (b, a) = (bt.and_then(text), at.and_then(text));
        let named = at.or(bt);
        return Some(RustView {
            type_name: named.map(|t| t.name.clone()),
            member: named
                .and_then(extra_field)
                .map(|(field, _)| field.to_owned()),
            verdict: if a == b { Compatible } else { CompileBreaking },
            before: b,
            after: a,
            behaviour: None,
        });
    }
    let before = op.field(ol, &change.schema);
    let after = np.field(nl, &change.schema);
    if before.is_none() && after.is_none() {
        // A change to a type as a whole (an enum, a def).
        let bt = op.type_at(om, ol);
        let at = np.type_at(nm, nl);
        if bt.is_none() && at.is_none() {
            return None;
        }
        let (b, a) = (bt.map(describe), at.map(describe));
        let verdict = if b == a { Compatible } else { CompileBreaking };
        return Some(RustView {
            type_name: at.or(bt).map(|t| t.name.clone()),
            member: None,
            before: b,
            after: a,
            verdict,
            behaviour: None,
        });
    }
    let text = |f: &Field| format!("{}.{}: {}", f.0, f.1, f.2);
    let verdict = match change.kind {
        Kind::PropertyRemoved => CompileBreaking,
        Kind::PropertyAddedOptional | Kind::PropertyAddedRequired => {
            let open = after
                .and_then(|f| np.plan.by_name(&f.0))
                .is_some_and(|t| matches!(&t.kind, TypeKind::Struct(s) if s.non_exhaustive));
            if open { Compatible } else { CompileBreaking }
        }
        _ => {
            if before.map(|f| &f.2) == after.map(|f| &f.2) {
                Compatible
            } else {
                CompileBreaking
            }
        }
    };
    let pick = after.or(before)?;
    // A property the old struct did not name is read today into its map of
    // unknown properties.
    let kept = match (change.kind, before) {
        (Kind::PropertyAddedOptional | Kind::PropertyAddedRequired, None) => {
            op.type_at(om, ol).and_then(|t| {
                let (field, _) = extra_field(t)?;
                let property = change.pointer.rsplit('/').next().unwrap_or_default();
                let property = unescape_pointer_token(property);
                Some((format!("{}.{field}[{property:?}]", t.name), property))
            })
        }
        _ => None,
    };
    let behaviour = match (&kept, after, change.verdict) {
        (Some((kept, property)), Some(after), Verdict::Absorbed) => Some(format!(
            "after regenerating, `{property}` is read into `{}.{}`, no longer kept in `{kept}`",
            after.0, after.1
        )),
        (None, Some(after), Verdict::Absorbed) if change.kind == Kind::EnumUnconstrained => {
            op.type_at(om, ol).and_then(|t| match &t.kind {
                TypeKind::StringEnum(e) => Some(format!(
                    "after regenerating, `{}.{}` is a `{}`: a value outside the old enum no longer arrives as `{}::{}(..)`",
                    after.0, after.1, after.2, t.name, e.catch_all
                )),
                _ => None,
            })
        }
        _ => None,
    };
    Some(RustView {
        type_name: Some(pick.0.clone()),
        member: Some(pick.1.clone()),
        before: before.map(text).or(kept.map(|(kept, _)| kept)),
        after: after.map(text),
        verdict,
        behaviour,
    })
}
