//! The keywords of a schema object, typed, and the questions codegen and the
//! diff ask of them.

use serde_json::{Number, Value};

use super::{Discriminator, DynamicReference, InstanceType, NodeId, Reference};

/// Every keyword of a schema object, typed. Keywords that are absent are
/// `None` or empty; `examples` and the annotations are kept for docs and diffs.
#[derive(Debug, Clone, Default)]
pub struct Keywords {
    // Core.
    pub id: Option<String>,
    pub anchor: Option<String>,
    pub dynamic_anchor: Option<String>,
    pub reference: Option<Reference>,
    pub dynamic_reference: Option<DynamicReference>,
    pub defs: Vec<(String, NodeId)>,
    pub comment: Option<String>,

    // Applicators.
    pub all_of: Vec<NodeId>,
    pub any_of: Vec<NodeId>,
    pub one_of: Vec<NodeId>,
    pub not: Option<NodeId>,
    pub if_: Option<NodeId>,
    pub then_: Option<NodeId>,
    pub else_: Option<NodeId>,
    pub dependent_schemas: Vec<(String, NodeId)>,
    pub prefix_items: Vec<NodeId>,
    pub items: Option<NodeId>,
    pub contains: Option<NodeId>,
    pub properties: Vec<(String, NodeId)>,
    pub pattern_properties: Vec<(String, NodeId)>,
    pub additional_properties: Option<NodeId>,
    pub property_names: Option<NodeId>,
    /// `unevaluatedItems`: the items no other keyword of this schema, nor of
    /// a subschema applied to the same array that holds, evaluated.
    pub unevaluated_items: Option<NodeId>,
    /// `unevaluatedProperties`, the same for an object's members.
    pub unevaluated_properties: Option<NodeId>,

    // Validation.
    /// `type`, in the order written; a single string is a list of one.
    pub types: Option<Vec<InstanceType>>,
    pub enum_values: Option<Vec<Value>>,
    pub const_value: Option<Value>,
    pub multiple_of: Option<Number>,
    pub maximum: Option<Number>,
    pub exclusive_maximum: Option<Number>,
    pub minimum: Option<Number>,
    pub exclusive_minimum: Option<Number>,
    pub max_length: Option<u64>,
    pub min_length: Option<u64>,
    pub pattern: Option<String>,
    pub max_items: Option<u64>,
    pub min_items: Option<u64>,
    pub unique_items: bool,
    pub max_contains: Option<u64>,
    pub min_contains: Option<u64>,
    pub max_properties: Option<u64>,
    pub min_properties: Option<u64>,
    pub required: Vec<String>,
    pub dependent_required: Vec<(String, Vec<String>)>,

    // Format, content and annotations.
    pub format: Option<String>,
    pub content_encoding: Option<String>,
    pub content_media_type: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub default: Option<Value>,
    pub examples: Vec<Value>,
    pub deprecated: bool,
    pub read_only: bool,
    pub write_only: bool,

    // OpenAPI, as carried over by the importer.
    pub discriminator: Option<Discriminator>,
    /// `x-unresolved-ref`: the importer could not resolve this reference, and
    /// the schema accepts any value.
    pub unresolved_ref: Option<String>,
}

impl Keywords {
    /// The subschemas applied to the same value as this schema whose
    /// annotations count (for `unevaluated*`) where they hold: the `$ref`
    /// target, each target a `$dynamicRef` may take, `allOf`, `anyOf`,
    /// `oneOf`, `if`, `then`, `else`, and, when the value is an `object`,
    /// `dependentSchemas`. `not` applies to the same value too, but what it
    /// evaluates never counts.
    pub fn annotating_subschemas(&self, object: bool) -> Vec<NodeId> {
        let mut subschemas: Vec<NodeId> = self.reference.iter().map(|r| r.target).collect();
        if let Some(reference) = &self.dynamic_reference {
            subschemas.push(reference.target);
            subschemas.extend(reference.dynamic.iter().map(|(_, target)| *target));
        }
        subschemas.extend(self.all_of.iter().chain(&self.any_of).chain(&self.one_of));
        subschemas.extend([self.if_, self.then_, self.else_].into_iter().flatten());
        if object {
            subschemas.extend(self.dependent_schemas.iter().map(|(_, child)| *child));
        }
        subschemas
    }
}

/// The questions codegen and the diff ask of a schema's keywords. Each
/// destructures [`Keywords`] whole, with no `..`: a keyword added to the
/// struct is a compile error here until each question has its answer for it.
impl Keywords {
    /// Whether a value can fail these keywords: validators leave out the
    /// nodes that cannot. `asserted_formats` are the formats the validators
    /// check (the others are annotations).
    pub fn check_anything(&self, asserted_formats: &[&str]) -> bool {
        let Keywords {
            id: _,
            anchor: _,
            dynamic_anchor: _,
            reference,
            dynamic_reference,
            defs: _,
            comment: _,
            all_of,
            any_of,
            one_of,
            not,
            if_,
            // Without `if`, `then` and `else` assert nothing.
            then_: _,
            else_: _,
            dependent_schemas,
            prefix_items,
            items,
            contains,
            properties,
            pattern_properties,
            additional_properties,
            property_names,
            unevaluated_items,
            unevaluated_properties,
            types,
            enum_values,
            const_value,
            multiple_of,
            maximum,
            exclusive_maximum,
            minimum,
            exclusive_minimum,
            max_length,
            min_length,
            pattern,
            max_items,
            min_items,
            unique_items,
            // Without `contains`, the bounds on it assert nothing.
            max_contains: _,
            min_contains: _,
            max_properties,
            min_properties,
            required,
            dependent_required,
            format,
            content_encoding: _,
            content_media_type: _,
            title: _,
            description: _,
            default: _,
            examples: _,
            deprecated: _,
            read_only: _,
            write_only: _,
            // The tag's property is checked through the alternatives.
            discriminator: _,
            unresolved_ref,
        } = self;
        unresolved_ref.is_none()
            && (reference.is_some()
                || dynamic_reference.is_some()
                || types.is_some()
                || enum_values.is_some()
                || const_value.is_some()
                || multiple_of.is_some()
                || maximum.is_some()
                || exclusive_maximum.is_some()
                || minimum.is_some()
                || exclusive_minimum.is_some()
                || max_length.is_some()
                || min_length.is_some()
                || pattern.is_some()
                || max_items.is_some()
                || min_items.is_some()
                || *unique_items
                || max_properties.is_some()
                || min_properties.is_some()
                || !required.is_empty()
                || !dependent_required.is_empty()
                || format
                    .as_deref()
                    .is_some_and(|f| asserted_formats.contains(&f))
                || !all_of.is_empty()
                || !any_of.is_empty()
                || !one_of.is_empty()
                || not.is_some()
                || if_.is_some()
                || !dependent_schemas.is_empty()
                || !prefix_items.is_empty()
                || items.is_some()
                || contains.is_some()
                || !properties.is_empty()
                || !pattern_properties.is_empty()
                || additional_properties.is_some()
                || property_names.is_some()
                || unevaluated_items.is_some()
                || unevaluated_properties.is_some())
    }

    /// Whether these keywords give a value its Rust type, `$ref` aside: a
    /// node with none of them but a `$ref` is the type it refers to. The
    /// other assertions narrow the values of a type, not its shape.
    pub fn shape_type(&self) -> bool {
        let Keywords {
            id: _,
            anchor: _,
            dynamic_anchor: _,
            reference: _,
            // Its target is known only as the value is checked: no shape.
            dynamic_reference: _,
            defs: _,
            comment: _,
            all_of,
            any_of,
            one_of,
            not: _,
            if_: _,
            then_: _,
            else_: _,
            dependent_schemas: _,
            prefix_items,
            items,
            contains: _,
            properties,
            pattern_properties: _,
            additional_properties,
            property_names: _,
            // They narrow the values of a shape another keyword gives.
            unevaluated_items: _,
            unevaluated_properties: _,
            types,
            enum_values,
            const_value,
            multiple_of: _,
            maximum: _,
            exclusive_maximum: _,
            minimum: _,
            exclusive_minimum: _,
            max_length: _,
            min_length: _,
            pattern: _,
            max_items: _,
            min_items: _,
            unique_items: _,
            max_contains: _,
            min_contains: _,
            max_properties: _,
            min_properties: _,
            required: _,
            dependent_required: _,
            format: _,
            content_encoding: _,
            content_media_type: _,
            title: _,
            description: _,
            default: _,
            examples: _,
            deprecated: _,
            read_only: _,
            write_only: _,
            discriminator: _,
            unresolved_ref: _,
        } = self;
        types.is_some()
            || !properties.is_empty()
            || additional_properties.is_some()
            || items.is_some()
            || !prefix_items.is_empty()
            || enum_values.is_some()
            || const_value.is_some()
            || !all_of.is_empty()
            || !any_of.is_empty()
            || !one_of.is_empty()
    }

    /// Whether these keywords allow `null` and nothing else the diff and
    /// the nullable folding look at: `type: null` with no reference, no
    /// properties and no alternatives (the other keywords say nothing of a
    /// `null`).
    pub fn only_null(&self) -> bool {
        let Keywords {
            id: _,
            anchor: _,
            dynamic_anchor: _,
            reference,
            dynamic_reference,
            defs: _,
            comment: _,
            all_of,
            any_of,
            one_of,
            not: _,
            if_: _,
            then_: _,
            else_: _,
            dependent_schemas: _,
            prefix_items: _,
            items: _,
            contains: _,
            properties,
            pattern_properties: _,
            additional_properties: _,
            property_names: _,
            unevaluated_items: _,
            unevaluated_properties: _,
            types,
            enum_values: _,
            const_value: _,
            multiple_of: _,
            maximum: _,
            exclusive_maximum: _,
            minimum: _,
            exclusive_minimum: _,
            max_length: _,
            min_length: _,
            pattern: _,
            max_items: _,
            min_items: _,
            unique_items: _,
            max_contains: _,
            min_contains: _,
            max_properties: _,
            min_properties: _,
            required: _,
            dependent_required: _,
            format: _,
            content_encoding: _,
            content_media_type: _,
            title: _,
            description: _,
            default: _,
            examples: _,
            deprecated: _,
            read_only: _,
            write_only: _,
            discriminator: _,
            unresolved_ref: _,
        } = self;
        types.as_deref() == Some(&[InstanceType::Null][..])
            && reference.is_none()
            && dynamic_reference.is_none()
            && properties.is_empty()
            && any_of.is_empty()
            && one_of.is_empty()
            && all_of.is_empty()
    }
}
