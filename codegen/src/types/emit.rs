//! Emission: the plan as tokens, one item per type, with the `Serialize`
//! and `Deserialize` impls of `serde_impls` beside them.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::ir::{Alternative, AlternativesDef, EnumDef, Plan, StructDef, TypeDef, TypeKind};
use super::naming::ident;
use super::serde_impls;
use crate::model::display_pointer;
use crate::output::doc_literal;

/// The tokens of `types.rs`: every type of the plan, in plan order.
pub fn emit(plan: &Plan) -> TokenStream {
    let docs = emit_file_docs();
    let items = emit_items(plan);
    quote!(#docs #items)
}

/// The inner doc comment that opens `types.rs`. With [`emit_types`] over
/// consecutive slices of the plan's types, the parts that print one after
/// another as [`emit`] prints whole.
pub fn emit_file_docs() -> TokenStream {
    quote! {
        //! The types of every schema in `schema/`, one per `$defs` entry and
        //! one per inline object, enum or set of alternatives.
    }
}

/// The items alone, for a caller that puts them in a module of its own.
pub fn emit_items(plan: &Plan) -> TokenStream {
    emit_types(&plan.types)
}

/// The items of some of a plan's types, in their order.
pub fn emit_types(types: &[TypeDef]) -> TokenStream {
    let items = types.iter().map(emit_type);
    quote!(#(#items)*)
}

fn doc_attrs(docs: Option<&str>) -> TokenStream {
    let Some(docs) = docs else {
        return TokenStream::new();
    };
    let docs = crate::docs::rustdoc_markdown(docs);
    let lines = docs.lines().map(|line| {
        let line = doc_literal(&format!(" {}", line.trim_end()));
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

fn emit_type(def: &TypeDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let mut docs = def.docs.clone().unwrap_or_default();
    let origin = match &def.def_name {
        Some(def_name) => format!("Schema `{def_name}`."),
        None => format!("At `{}`.", display_pointer(&def.pointer)),
    };
    if docs.is_empty() {
        docs = origin;
    } else {
        docs = format!("{docs}\n\n{origin}");
    }
    let doc = doc_attrs(Some(&docs));
    match &def.kind {
        TypeKind::Struct(s) => emit_struct(&name, &doc, s),
        TypeKind::StringEnum(e) => emit_string_enum(&name, &doc, e),
        TypeKind::IntegerEnum(e) => emit_integer_enum(&name, &doc, e),
        TypeKind::Alternatives(a) => emit_alternatives(&name, &doc, a),
        TypeKind::Alias(ty) => {
            let ty = ty.tokens();
            quote! { #doc pub type #name = #ty; }
        }
    }
}

fn emit_struct(name: &Ident, doc: &TokenStream, s: &StructDef) -> TokenStream {
    let fields = s.fields.iter().map(|field| {
        let ident = ident(&field.rust_name);
        let ty = field.ty.tokens();
        let doc = doc_attrs(field.docs.as_deref());
        let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
        // What schemars needs to know of the field; serde's impls are below.
        let mut schemars = Vec::new();
        if let Some(json_name) = &field.rename {
            schemars.push(quote!(rename = #json_name));
        }
        match (field.required, field.nullable) {
            (true, false) => {}
            (true, true) => schemars.push(quote!(required)),
            (false, _) => schemars.push(quote!(default, skip_serializing_if = "Option::is_none")),
        }
        let schemars = (!schemars.is_empty())
            .then(|| quote!(#[cfg_attr(feature = "schemars", schemars(#(#schemars),*))]));
        quote! { #doc #deprecated #schemars pub #ident: #ty, }
    });
    let (extra, closed) = match s.extra.field() {
        Some((field, ty)) => {
            let ident = ident(field);
            let ty = ty.tokens();
            (
                quote! {
                    /// Properties the schema does not name, kept as they came.
                    #[cfg_attr(feature = "schemars", schemars(flatten))]
                    pub #ident: #ty,
                },
                quote!(),
            )
        }
        None => (quote!(), quote!(, schemars(deny_unknown_fields))),
    };
    let allow_deprecated = s
        .fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    let impls = serde_impls::struct_impls(name, s);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema) #closed)]
        #allow_deprecated
        pub struct #name {
            #(#fields)*
            #extra
        }

        #impls
    }
}

fn emit_string_enum(name: &Ident, doc: &TokenStream, e: &EnumDef<String>) -> TokenStream {
    let variants = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let value = &v.value;
        let doc = doc_literal(&format!(" `{value}`"));
        quote! { #[doc = #doc] #[cfg_attr(feature = "schemars", schemars(rename = #value))] #ident, }
    });
    let as_str = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let value = &v.value;
        quote! { Self::#ident => #value, }
    });
    let catch_all = format_ident!("{}", e.catch_all);
    let impls = serde_impls::string_enum_impls(name, e);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the schema does not list, kept as it came.
            #[cfg_attr(feature = "schemars", schemars(untagged))]
            #catch_all(String),
        }

        impl #name {
            /// The value as written in JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::#catch_all(value) => value,
                }
            }
        }

        #impls
    }
}

fn emit_integer_enum(name: &Ident, doc: &TokenStream, e: &EnumDef<i64>) -> TokenStream {
    let variants = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let doc = doc_literal(&format!(" `{}`", v.value));
        quote! { #[doc = #doc] #ident, }
    });
    let to_value = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let value = v.value;
        quote! { Self::#ident => #value, }
    });
    let from_value = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let value = v.value;
        quote! { #value => Self::#ident, }
    });
    let values = e.variants.iter().map(|v| v.value);
    let catch_all = format_ident!("{}", e.catch_all);
    let schema_name = name.to_string();
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the schema does not list, kept as it came.
            #catch_all(i64),
        }

        impl #name {
            /// The value as written in JSON.
            pub fn value(self) -> i64 {
                match self {
                    #(#to_value)*
                    Self::#catch_all(value) => value,
                }
            }

            pub fn from_value(value: i64) -> Self {
                match value {
                    #(#from_value)*
                    other => Self::#catch_all(other),
                }
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <i64 as ::serde::Deserialize>::deserialize(deserializer).map(Self::from_value)
            }
        }

        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                #schema_name.into()
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({ "type": "integer", "enum": [#(#values),*] })
            }
        }
    }
}

fn emit_alternatives(name: &Ident, doc: &TokenStream, a: &AlternativesDef) -> TokenStream {
    let variants = a.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let ty = v.ty.tokens();
        quote! { #ident(#ty), }
    });
    // Tagged alternatives are tried first, each only where its tag matches.
    let mut order: Vec<&Alternative> = a.variants.iter().filter(|v| v.tag.is_some()).collect();
    order.extend(a.variants.iter().filter(|v| v.tag.is_none()));
    let attempts = order.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let ty = v.ty.tokens();
        let tag = v.tag.as_ref().map(|(property, values)| {
            quote! { ::intercom_runtime::alternatives::has_tag(&value, #property, &[#(#values),*]) && }
        });
        quote! {
            if #tag let Some(read) = ::intercom_runtime::alternatives::read_exactly::<#ty>(&value) {
                return Ok(Self::#ident(read));
            }
        }
    });
    let catch_all = format_ident!("{}", a.catch_all);
    // Written as its alternative is, as `#[serde(untagged)]` wrote it.
    let serialize = a.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        quote! { Self::#ident(value) => ::serde::Serialize::serialize(value, serializer), }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema), schemars(untagged))]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value none of the alternatives reads exactly, kept as it came.
            #catch_all(::serde_json::Value),
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize)*
                    Self::#catch_all(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                #(#attempts)*
                Ok(Self::#catch_all(value))
            }
        }
    }
}
