//! What `validators.rs` holds beside the node functions: per `$defs` entry
//! its public functions (`validate_*`, `is_valid_*`, `validate_bytes_*`) and
//! the `Validate` impl of its type, and the registry of every schema
//! (`SCHEMAS`, `schema`, `schema_names`, `validate`).

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{ValidatorOptions, checks_anything, errors_from_bytes, node_fn};
use crate::model::Model;
use crate::types::{CodegenError, Plan, TypeKind};

/// The tokens of `validators.rs`: a function per schema node, then per
/// `$defs` entry the public functions, the `Validate` impl of its type, and
/// the registry.
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
        let snake = def.name.to_snake_case();
        let validate = format_ident!("validate_{}", snake);
        let is_valid = format_ident!("is_valid_{}", snake);
        let validate_bytes = format_ident!("validate_bytes_{}", snake);
        let doc = format!(" Validates a payload against `{name}`, collecting every error.");
        let rust_type = &def.name;
        // A schema that accepts any value has no checks to call: its
        // functions ignore the payload rather than name an unused variable.
        let f = checks_anything(model, node).then(|| node_fn(node));
        let bytes_closure = errors_from_bytes(f.as_ref());
        let (value, validate_body, is_valid_body) = match &f {
            Some(f) => (
                quote!(value),
                quote!(::intercom_runtime::check::errors(|ctx| #f(value, ctx))),
                quote!(::intercom_runtime::check::is_valid(|ctx| #f(value, ctx))),
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
        if !matches!(def.kind, TypeKind::Alias(_)) {
            let ty = format_ident!("{}", def.name);
            public.push(quote! {
                impl ::intercom_runtime::Validate for super::types::#ty {
                    const SCHEMA: &'static str = #name;

                    fn validate(value: &::serde_json::Value) -> Vec<ValidationError> {
                        #validate(value)
                    }

                    fn is_valid(value: &::serde_json::Value) -> bool {
                        #is_valid(value)
                    }

                    fn validate_bytes(bytes: &[u8]) -> Result<Vec<ValidationError>, SyntaxError> {
                        #validate_bytes(bytes)
                    }
                }
            });
        }
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
