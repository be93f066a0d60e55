//! What `validators.rs` holds beside the node functions: per `$defs` entry
//! its public functions (`validate_*`, `is_valid_*`, `validate_bytes_*`) and
//! the registry of every schema (`SCHEMAS`, `schema`, `schema_names`,
//! `validate`); and the `Validate` trait with an impl per type, which the
//! crate that holds both the types and the validators declares.

use heck::ToSnakeCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{ValidatorOptions, checks_anything, errors_from_bytes, node_fn};
use crate::model::Model;
use crate::output::doc_literal;
use crate::types::{CodegenError, Plan, TypeKind};

/// The tokens of `validators.rs`: a function per schema node, then per
/// `$defs` entry the public functions, and the registry.
pub fn validators_tokens(model: &Model, plan: &Plan) -> Result<TokenStream, CodegenError> {
    let items = validators_items(model, plan)?;
    Ok(quote! {
        //! Validators of every schema in `schema/`: JSON Schema draft 2020-12,
        //! every error with its instance location and its keyword's location.

        #items
    })
}

/// The items of `validators.rs` alone, for a caller that puts them in a
/// module of its own beside a `types` module.
pub fn validators_items(model: &Model, plan: &Plan) -> Result<TokenStream, CodegenError> {
    let roots: Vec<_> = model.defs.iter().map(|(_, node)| *node).collect();
    let functions = super::emit(model, &roots, &ValidatorOptions::default())?;
    let mut public = Vec::new();
    let mut entries = Vec::new();
    for (name, id) in &plan.defs {
        let def = plan.get(*id);
        let node = model.def(name).expect("every planned def is in the model");
        let PublicFunctions {
            validate,
            is_valid,
            validate_bytes,
        } = PublicFunctions::of(&def.name);
        let doc = doc_literal(&format!(
            " Validates a payload against `{name}`, collecting every error."
        ));
        let rust_type = &def.name;
        // A schema that accepts any value has no checks to call: its
        // functions ignore the payload rather than name an unused variable.
        let f = checks_anything(model, node).then(|| node_fn(node));
        let bytes_closure = errors_from_bytes(f.as_ref());
        let (value, validate_body, is_valid_body) = match &f {
            Some(f) => (
                quote!(value),
                quote!(::intercom_runtime::check::errors(value, #f)),
                quote!(::intercom_runtime::check::is_valid(value, #f)),
            ),
            None => (quote!(_), quote!(Vec::new()), quote!(true)),
        };
        public.push(quote! {
            #[doc = #doc]
            pub fn #validate(#value: &::serde_json::Value) -> Vec<ValidationError> {
                #validate_body
            }

            #[doc = #doc]
            /// Stops at the first error.
            pub fn #is_valid(#value: &::serde_json::Value) -> bool {
                #is_valid_body
            }

            #[doc = #doc]
            /// From bytes, with the line and column of each error, without
            /// building a `serde_json::Value`.
            pub fn #validate_bytes(bytes: &[u8]) -> Result<Vec<ValidationError>, SyntaxError> {
                ::intercom_runtime::bytes::validate_bytes(bytes, #bytes_closure)
            }
        });
        entries.push(quote! {
            SchemaEntry {
                name: #name,
                rust_type: #rust_type,
                validate_value: #validate,
                is_valid: #is_valid,
                validate_bytes: #validate_bytes,
            },
        });
    }
    Ok(quote! {
        use ::intercom_runtime::{SchemaEntry, SyntaxError, ValidationError};

        /// Every schema, sorted by name.
        pub static SCHEMAS: &[SchemaEntry] = &[#(#entries)*];

        /// The schema called `name`.
        pub fn schema(name: &str) -> Option<&'static SchemaEntry> {
            SCHEMAS
                .binary_search_by(|entry| entry.name.cmp(name))
                .ok()
                .map(|index| &SCHEMAS[index])
        }

        /// The names of every schema, sorted.
        pub fn schema_names() -> impl Iterator<Item = &'static str> {
            SCHEMAS.iter().map(|entry| entry.name)
        }

        /// Every error of `value` against the schema called `name`, or `None`
        /// when there is no such schema.
        pub fn validate(name: &str, value: &::serde_json::Value) -> Option<Vec<ValidationError>> {
            schema(name).map(|entry| (entry.validate_value)(value))
        }

        #(#public)*

        #functions
    })
}

/// The names of the three public functions of a schema, after its Rust type:
/// `validate_ticket`, `is_valid_ticket`, `validate_bytes_ticket`.
struct PublicFunctions {
    validate: Ident,
    is_valid: Ident,
    validate_bytes: Ident,
}

impl PublicFunctions {
    fn of(rust_type: &str) -> PublicFunctions {
        let snake = rust_type.to_snake_case();
        PublicFunctions {
            validate: format_ident!("validate_{}", snake),
            is_valid: format_ident!("is_valid_{}", snake),
            validate_bytes: format_ident!("validate_bytes_{}", snake),
        }
    }
}

/// The `Validate` trait and its impl for every type but an alias (the type
/// it names has one), for the crate root where the modules `types` and
/// `validators` meet. The types and the validators are crates of their own
/// that compile side by side, so neither can implement a trait for the
/// other's items: the trait is declared where both are known.
pub fn validate_trait(plan: &Plan) -> TokenStream {
    let impls = plan.defs.iter().filter_map(|(name, id)| {
        let def = plan.get(*id);
        if matches!(def.kind, TypeKind::Alias(_)) {
            return None;
        }
        let ty = format_ident!("{}", def.name);
        let PublicFunctions {
            validate,
            is_valid,
            validate_bytes,
        } = PublicFunctions::of(&def.name);
        Some(quote! {
            impl Validate for types::#ty {
                const SCHEMA: &'static str = #name;

                fn validate(value: &::serde_json::Value) -> Vec<ValidationError> {
                    validators::#validate(value)
                }

                fn is_valid(value: &::serde_json::Value) -> bool {
                    validators::#is_valid(value)
                }

                fn validate_bytes(bytes: &[u8]) -> Result<Vec<ValidationError>, SyntaxError> {
                    validators::#validate_bytes(bytes)
                }
            }
        })
    });
    quote! {
        /// Validation against the schema a type was generated from, for every
        /// struct and enum: `Ticket::validate(&value)`.
        pub trait Validate {
            /// The schema's name in `schema/`.
            const SCHEMA: &'static str;

            /// Every error of a parsed payload.
            fn validate(value: &::serde_json::Value) -> Vec<ValidationError>;

            /// The verdict alone, stopping at the first error.
            fn is_valid(value: &::serde_json::Value) -> bool;

            /// Every error of a payload given as bytes, each with its line and column.
            fn validate_bytes(bytes: &[u8]) -> Result<Vec<ValidationError>, SyntaxError>;
        }

        #(#impls)*
    }
}
