//! The `Serialize` and `Deserialize` impls of generated structs and string
//! enums, written out instead of derived: serde's derive makes several
//! hundred lines of tokens for a struct with `#[serde(flatten)]` (a field
//! enum, its visitor with a method per JSON type, a buffer of every unknown
//! property), and compiling them was most of the generated crate's build.
//! These impls are a short match per type over helpers in
//! `intercom_runtime::{de, ser}`, and keep the derive's behaviour: the same
//! values read and written, the same errors (`duplicate_field`,
//! `missing_field`, `unknown_field`) at the same places.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::ir::{EnumDef, Field, RustType, StructDef};
use super::naming::ident;
use crate::output::string_literal;

/// How a field is read: what its slot holds while the map is read, and how
/// the field's value comes out of the slot.
enum Reading {
    /// Required and not nullable (`T`): slot `Option<T>`; missing is `missing_field`.
    Required,
    /// `Option<T>`, optional or required and nullable: slot `Option<Option<T>>`,
    /// read with `Option<T>`'s `Deserialize` (`null` is `None`); missing is
    /// `None`, as serde treats a missing `Option` (and `#[serde(default)]`).
    Option,
    /// Optional and nullable, `Option<Nullable<T>>`: the slot is the field, and
    /// a present value is read as `Nullable<T>` (`null` is `Some(Null)`).
    Present,
}

fn reading(field: &Field) -> Reading {
    match (&field.ty, field.required, field.nullable) {
        (_, false, true) => Reading::Present,
        (RustType::Option(_), _, _) => Reading::Option,
        _ => Reading::Required,
    }
}

/// Whether the field is written only when it is `Some` (optional fields).
fn skipped_when_none(field: &Field) -> bool {
    !field.required
}

fn unsuffixed(n: usize) -> Literal {
    Literal::usize_unsuffixed(n)
}

/// `impl Serialize` and `impl Deserialize` for the struct `name`.
pub(super) fn struct_impls(name: &Ident, s: &StructDef) -> TokenStream {
    let allow = s
        .fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    let serialize = serialize_struct(name, s);
    let deserialize = deserialize_struct(name, s);
    quote! {
        #allow
        impl ::serde::Serialize for #name {
            #serialize
        }

        #allow
        impl<'de> ::serde::Deserialize<'de> for #name {
            #deserialize
        }
    }
}

fn serialize_struct(name: &Ident, s: &StructDef) -> TokenStream {
    // One call per field: the writer keeps the first error and stops
    // writing, as the derive's `?` after each field did.
    let fields = s.fields.iter().map(|f| {
        let member = ident(&f.rust_name);
        let json_name = string_literal(&f.json_name);
        if skipped_when_none(f) {
            quote!(writer.optional(#json_name, &self.#member);)
        } else {
            quote!(writer.field(#json_name, &self.#member);)
        }
    });
    let writer = if s.fields.is_empty() {
        quote!(writer)
    } else {
        quote!(mut writer)
    };
    match s.extra.field() {
        // As the derive with `#[serde(flatten)]` wrote it: a map of unknown
        // length, the fields in order, then the kept properties.
        Some((extra, _)) => {
            let extra = ident(extra);
            quote! {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    let #writer = ::intercom_runtime::ser::Map::new(serializer.serialize_map(None)?);
                    #(#fields)*
                    writer.end(&self.#extra)
                }
            }
        }
        // As the derive without flatten wrote it: a struct, its length
        // counting the fields written, a skipped field announced.
        None => {
            let type_name = name.to_string();
            let required = s.fields.iter().filter(|f| !skipped_when_none(f)).count();
            let mut len: Vec<TokenStream> = Vec::new();
            if required > 0 || s.fields.iter().all(|f| !skipped_when_none(f)) {
                let required = unsuffixed(required);
                len.push(quote!(#required));
            }
            for f in &s.fields {
                if skipped_when_none(f) {
                    let member = ident(&f.rust_name);
                    len.push(quote!(usize::from(self.#member.is_some())));
                }
            }
            quote! {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    let state = serializer.serialize_struct(#type_name, #(#len)+*)?;
                    let #writer = ::intercom_runtime::ser::Struct::new(state);
                    #(#fields)*
                    writer.end()
                }
            }
        }
    }
}

/// The index pattern of field `i` of `count`: the last takes `_`, since the
/// seed gives only indices of the struct's names, so the match needs no
/// empty arm.
fn index_pattern(i: usize, count: usize) -> TokenStream {
    if i + 1 == count {
        quote!(_)
    } else {
        let i = unsuffixed(i);
        quote!(#i)
    }
}

fn deserialize_struct(name: &Ident, s: &StructDef) -> TokenStream {
    let type_name = name.to_string();
    let expecting = format!("struct {type_name}");
    let names: Vec<Literal> = s
        .fields
        .iter()
        .map(|f| string_literal(&f.json_name))
        .collect();
    let slots: Vec<Ident> = (0..s.fields.len())
        .map(|i| quote::format_ident!("f{}", i))
        .collect();
    let declarations: Vec<TokenStream> = s
        .fields
        .iter()
        .zip(&slots)
        .map(|(f, slot)| {
            let ty = f.ty.tokens();
            match reading(f) {
                Reading::Present => quote!(let mut #slot: #ty = None;),
                Reading::Required | Reading::Option => quote!(let mut #slot: Option<#ty> = None;),
            }
        })
        .collect();
    let reads: Vec<TokenStream> = slots
        .iter()
        .zip(&names)
        .map(|(slot, n)| quote!(de::field(&mut map, &mut #slot, #n)))
        .collect();
    let members: Vec<Ident> = s.fields.iter().map(|f| ident(&f.rust_name)).collect();
    let values: Vec<TokenStream> = s
        .fields
        .iter()
        .zip(&slots)
        .map(|(f, slot)| match reading(f) {
            Reading::Required => quote!(#slot),
            Reading::Option => quote!(#slot.flatten()),
            Reading::Present => quote!(#slot),
        })
        .collect();
    let extra = s.extra.field().map(|(extra, _)| {
        let extra = ident(extra);
        quote!(#extra: rest,)
    });
    // The value, once every key is read: the required fields taken out of
    // their slots in one match, the first missing one (in declaration order,
    // as the derive checks them) named in the error.
    let construct = quote!(#name { #(#members: #values,)* #extra });
    let required: Vec<(&Ident, &Literal)> = s
        .fields
        .iter()
        .zip(&slots)
        .zip(&names)
        .filter(|((f, _), _)| matches!(reading(f), Reading::Required))
        .map(|((_, slot), n)| (slot, n))
        .collect();
    let finish = match required.as_slice() {
        [] => quote!(Ok(#construct)),
        [(slot, n)] => quote! {
            match #slot {
                Some(#slot) => Ok(#construct),
                None => Err(::serde::de::Error::missing_field(#n)),
            }
        },
        required => {
            let slots: Vec<&Ident> = required.iter().map(|(slot, _)| *slot).collect();
            let names = required.iter().map(|(_, n)| n);
            quote! {
                match (#(#slots),*) {
                    (#(Some(#slots)),*) => Ok(#construct),
                    (#(#slots),*) => Err(de::missing(&[#((#slots.is_none(), #names)),*])),
                }
            }
        }
    };
    let count = s.fields.len();
    match s.extra.field() {
        Some((_, ty)) => {
            let ty = ty.tokens();
            let arms = reads.iter().enumerate().map(|(i, read)| {
                let index = index_pattern(i, count);
                quote!(de::Key::Field(#index) => #read,)
            });
            let body = if s.fields.is_empty() {
                quote! {
                    if let de::Key::Other(name) = key {
                        de::extra(&mut map, &mut rest, name)?;
                    }
                }
            } else {
                quote! {
                    match key {
                        #(#arms)*
                        de::Key::Other(name) => de::extra(&mut map, &mut rest, name),
                    }?;
                }
            };
            quote! {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    struct __Visitor;

                    impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                        type Value = #name;

                        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str(#expecting)
                        }

                        fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#name, A::Error> {
                            use ::intercom_runtime::de;
                            #(#declarations)*
                            let mut rest = <#ty>::new();
                            let fields = de::Fields(&[#(#names),*]);
                            while let Some(key) = map.next_key_seed(fields)? {
                                #body
                            }
                            #finish
                        }
                    }

                    deserializer.deserialize_map(__Visitor)
                }
            }
        }
        None => {
            let keys = match reads.len() {
                0 => quote! {
                    while map.next_key_seed(fields)?.is_some() {}
                },
                1 => {
                    let read = &reads[0];
                    quote! {
                        while map.next_key_seed(fields)?.is_some() {
                            #read?;
                        }
                    }
                }
                _ => {
                    let arms = reads.iter().enumerate().map(|(i, read)| {
                        let index = index_pattern(i, count);
                        quote!(#index => #read,)
                    });
                    quote! {
                        while let Some(key) = map.next_key_seed(fields)? {
                            match key {
                                #(#arms)*
                            }?;
                        }
                    }
                }
            };
            let elements = if count == 1 {
                "1 element".to_owned()
            } else {
                format!("{count} elements")
            };
            let expecting_seq = format!("struct {type_name} with {elements}");
            let elements = s.fields.iter().zip(&slots).enumerate().map(|(i, (f, slot))| {
                let ty = f.ty.tokens();
                let i = unsuffixed(i);
                match reading(f) {
                    // `#[serde(default)]`: a short sequence leaves it `None`.
                    Reading::Option if !f.required => {
                        quote!(let #slot: #ty = seq.next_element::<#ty>()?.flatten();)
                    }
                    Reading::Present => {
                        let RustType::Option(inner) = &f.ty else {
                            unreachable!("an optional field is an `Option`")
                        };
                        let inner = inner.tokens();
                        quote!(let #slot: #ty = seq.next_element::<#inner>()?;)
                    }
                    Reading::Required | Reading::Option => quote! {
                        let #slot: #ty = ::intercom_runtime::de::element(&mut seq, #i, #expecting_seq)?;
                    },
                }
            });
            let seq = if s.fields.is_empty() {
                quote!(_)
            } else {
                quote!(mut seq)
            };
            quote! {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    const FIELDS: &[&str] = &[#(#names),*];

                    struct __Visitor;

                    impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                        type Value = #name;

                        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str(#expecting)
                        }

                        fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, #seq: A) -> Result<#name, A::Error> {
                            #(#elements)*
                            Ok(#name { #(#members: #slots,)* })
                        }

                        fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#name, A::Error> {
                            use ::intercom_runtime::de;
                            #(#declarations)*
                            let fields = de::ClosedFields(FIELDS);
                            #keys
                            #finish
                        }
                    }

                    deserializer.deserialize_struct(#type_name, FIELDS, __Visitor)
                }
            }
        }
    }
}

/// `impl Serialize`, `impl Deserialize` and `impl From<&str>` for the string
/// enum `name`.
pub(super) fn string_enum_impls(name: &Ident, e: &EnumDef<String>) -> TokenStream {
    let type_name = name.to_string();
    let catch_all = ident(&e.catch_all);
    let arms = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.value;
        quote!(#value => Self::#variant,)
    });
    quote! {
        impl ::std::convert::From<&str> for #name {
            /// The variant of a value as written in JSON; a value this
            /// version does not list is kept in the catch-all.
            fn from(value: &str) -> Self {
                match value {
                    #(#arms)*
                    other => Self::#catch_all(other.to_owned()),
                }
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                ::intercom_runtime::de::enum_str(deserializer, #type_name).map(|value| <Self as ::std::convert::From<&str>>::from(&value))
            }
        }
    }
}
