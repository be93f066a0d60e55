//! The operations of `schema/` (its `x-operations`) as Rust: the registry
//! every operation is looked up and routed through, and a module per
//! operation with its request body type and an enum of its documented
//! responses, read from a status code and the body's bytes.

use std::collections::HashSet;
use std::ops::Range;

use heck::ToSnakeCase;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::Ident;

use crate::docs::rustdoc_markdown;
use crate::model::{Body, Model, Operation};
use crate::output::doc_literal;
use crate::types::Plan;

/// The tokens of the generated crate's `operations.rs`. Types are named
/// through `super::types` (the file is a module beside `types`).
pub fn emit(model: &Model, plan: &Plan) -> TokenStream {
    let registry = emit_registry(model);
    let modules = emit_modules(model, plan, 0..model.operations.len());
    quote!(#registry #modules)
}

/// The operations in the order the file lists them, sorted by id.
fn sorted(model: &Model) -> Vec<&Operation> {
    let mut operations: Vec<&Operation> = model.operations.iter().collect();
    operations.sort_by(|a, b| a.operation_id.cmp(&b.operation_id));
    operations
}

/// The beginning of `operations.rs`: its doc, the registry and the lookups.
/// With [`emit_modules`] over consecutive ranges, the parts that print one
/// after another as [`emit`] prints whole.
pub fn emit_registry(model: &Model) -> TokenStream {
    let operations = sorted(model);
    let entries = operations.iter().map(|op| registry_entry(op));
    // Only the runtime's names the registry uses: a schema without request
    // or response bodies (or without operations) would import some unused.
    let requests = operations.iter().any(|op| op.request.is_some());
    let responses = operations.iter().any(|op| !op.responses.is_empty());
    let bodies = requests
        || operations
            .iter()
            .any(|op| op.responses.iter().any(|response| response.body.is_some()));
    let imports = [
        ("Body", bodies),
        ("Operation", true),
        ("OperationRequest", requests),
        ("OperationResponse", responses),
        ("Route", true),
        ("Router", true),
    ]
    .into_iter()
    .filter(|(_, used)| *used)
    .map(|(name, _)| format_ident!("{name}"));
    quote! {
        //! Every operation of the API: the registry ([`OPERATIONS`], looked up
        //! by id with [`operation`] and by method and path with [`route`]),
        //! and a module per operation with its `Request` body type and its
        //! `Response` enum, one variant per documented status.

        use ::intercom_runtime::operations::{#(#imports),*};

        /// Every operation, sorted by id.
        pub static OPERATIONS: &[Operation] = &[#(#entries)*];

        /// The operation whose id (the reference's operationId) is `id`.
        pub fn operation(id: &str) -> Option<&'static Operation> {
            OPERATIONS
                .binary_search_by(|operation| operation.id.cmp(id))
                .ok()
                .map(|index| &OPERATIONS[index])
        }

        /// The operation for `method` and a path or URL, with its path
        /// parameters: literal segments win over templated ones, any host is
        /// accepted, the query and a trailing slash are ignored.
        pub fn route(method: &str, path_or_url: &str) -> Option<Route> {
            static ROUTER: ::std::sync::OnceLock<Router> = ::std::sync::OnceLock::new();
            ROUTER
                .get_or_init(|| Router::new(OPERATIONS))
                .route(method, path_or_url)
        }
    }
}

/// The modules of the operations at `range` of the sorted operations.
pub fn emit_modules(model: &Model, plan: &Plan, range: Range<usize>) -> TokenStream {
    let operations = sorted(model);
    // Names are given in order over all operations: a later one that
    // clashes with an earlier one gets the suffix, whichever part it is in.
    let mut module_names = HashSet::new();
    let names: Vec<Ident> = operations
        .iter()
        .map(|op| unique(module_name(&op.operation_id), &mut module_names))
        .collect();
    let modules = range.filter_map(|index| {
        let op = operations.get(index)?;
        Some(operation_module(op, index, &names[index], plan))
    });
    quote!(#(#modules)*)
}

fn registry_entry(op: &Operation) -> TokenStream {
    let id = &op.operation_id;
    let id_derived = op.operation_id_derived;
    let method = op.method.to_uppercase();
    let path = &op.path;
    let summary = option_str(op.summary.as_deref());
    let tags = &op.tags;
    let deprecated = op.deprecated;
    let request = match &op.request {
        Some(request) => {
            let body = body_entry(&request.body);
            let required = request.required;
            quote!(Some(OperationRequest { body: #body, required: #required }))
        }
        None => quote!(None),
    };
    let responses = op.responses.iter().map(|response| {
        let status = &response.status;
        let description = option_str(response.description.as_deref());
        let body = match &response.body {
            Some(body) => {
                let body = body_entry(body);
                quote!(Some(#body))
            }
            None => quote!(None),
        };
        quote!(OperationResponse { status: #status, description: #description, body: #body },)
    });
    quote! {
        Operation {
            id: #id,
            id_derived: #id_derived,
            method: #method,
            path: #path,
            summary: #summary,
            tags: &[#(#tags),*],
            deprecated: #deprecated,
            request: #request,
            responses: &[#(#responses)*],
        },
    }
}

fn body_entry(body: &Body) -> TokenStream {
    let media_type = &body.content_type;
    let schema = option_str(body.schema.as_deref());
    quote!(Body { media_type: #media_type, schema: #schema })
}

fn option_str(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    }
}

/// How a body is read: into the type of its schema, as any JSON, as text,
/// or as bytes.
enum BodyKind {
    Typed { schema: String, ty: TokenStream },
    Json,
    Text,
    Bytes,
}

impl BodyKind {
    fn of(body: &Body, plan: &Plan) -> BodyKind {
        let essence = body
            .content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if intercom_runtime_is_json(&essence) {
            let typed = body.schema.as_ref().and_then(|schema| {
                let id = plan.defs.get(schema)?;
                let ty = format_ident!("{}", plan.get(*id).name);
                Some(BodyKind::Typed {
                    schema: schema.clone(),
                    ty: quote!(super::super::types::#ty),
                })
            });
            typed.unwrap_or(BodyKind::Json)
        } else if essence.starts_with("text/") {
            BodyKind::Text
        } else {
            BodyKind::Bytes
        }
    }

    fn ty(&self) -> TokenStream {
        match self {
            BodyKind::Typed { ty, .. } => ty.clone(),
            BodyKind::Json => quote!(::serde_json::Value),
            BodyKind::Text => quote!(String),
            BodyKind::Bytes => quote!(Vec<u8>),
        }
    }

    /// The type a response variant holds. A typed body is boxed: the types
    /// of some responses are kilobytes, and an enum is as large as its largest.
    fn variant_ty(&self) -> TokenStream {
        match self {
            BodyKind::Typed { ty, .. } => quote!(Box<#ty>),
            _ => self.ty(),
        }
    }

    /// An expression of the body read from `body` (`&[u8]`) for `status`,
    /// as its response variant holds it.
    fn read(&self) -> TokenStream {
        match self {
            BodyKind::Typed { schema, .. } => {
                quote!(Box::new(::intercom_runtime::operations::read_json(status, #schema, body)?))
            }
            BodyKind::Json => quote!(::intercom_runtime::operations::read_unknown(status, body)?),
            BodyKind::Text => quote!(::intercom_runtime::operations::read_text(status, body)?),
            BodyKind::Bytes => quote!(body.to_vec()),
        }
    }

    fn describe(&self) -> String {
        match self {
            BodyKind::Typed { schema, .. } => format!("schema `{schema}`"),
            BodyKind::Json => "any JSON".to_owned(),
            BodyKind::Text => "text".to_owned(),
            BodyKind::Bytes => "bytes".to_owned(),
        }
    }
}

/// The same test as the runtime's `is_json_media_type`, on the lowercased essence.
fn intercom_runtime_is_json(essence: &str) -> bool {
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

/// What a documented status matches.
enum StatusMatch {
    Exact(u16),
    /// `2XX`: the first digit.
    Range(u16),
    Default,
}

fn status_match(status: &str) -> Option<StatusMatch> {
    if status == "default" {
        return Some(StatusMatch::Default);
    }
    let bytes = status.as_bytes();
    if bytes.len() == 3
        && bytes[1..].eq_ignore_ascii_case(b"XX")
        && (b'1'..=b'5').contains(&bytes[0])
    {
        return Some(StatusMatch::Range(u16::from(bytes[0] - b'0')));
    }
    status
        .parse::<u16>()
        .ok()
        .filter(|code| (100..=599).contains(code))
        .map(StatusMatch::Exact)
}

/// The variant of a documented status: the reason phrase of a code, the
/// class of a range.
fn variant_base(status: &StatusMatch) -> String {
    let name = match status {
        StatusMatch::Default => "Default",
        StatusMatch::Range(1) => "Informational",
        StatusMatch::Range(2) => "Success",
        StatusMatch::Range(3) => "Redirection",
        StatusMatch::Range(4) => "ClientError",
        StatusMatch::Range(_) => "ServerError",
        StatusMatch::Exact(code) => match code {
            100 => "Continue",
            101 => "SwitchingProtocols",
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritativeInformation",
            204 => "NoContent",
            205 => "ResetContent",
            206 => "PartialContent",
            300 => "MultipleChoices",
            301 => "MovedPermanently",
            302 => "Found",
            303 => "SeeOther",
            304 => "NotModified",
            307 => "TemporaryRedirect",
            308 => "PermanentRedirect",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            411 => "LengthRequired",
            412 => "PreconditionFailed",
            413 => "ContentTooLarge",
            415 => "UnsupportedMediaType",
            422 => "UnprocessableEntity",
            423 => "Locked",
            424 => "FailedDependency",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            other => return format!("Status{other}"),
        },
    };
    name.to_owned()
}

fn operation_module(op: &Operation, index: usize, name: &Ident, plan: &Plan) -> TokenStream {
    let method = op.method.to_uppercase();
    let mut doc = format!(" `{method} {}`", op.path);
    if let Some(summary) = &op.summary {
        doc.push_str(&format!(": {}", rustdoc_markdown(summary.trim())));
    }
    let id_line = if op.operation_id_derived {
        format!(
            " Operation `{}` (the reference gives no operationId; this one is derived from the method and path).",
            op.operation_id
        )
    } else {
        format!(" Operation `{}`.", op.operation_id)
    };
    let (doc, id_line) = (doc_literal(&doc), doc_literal(&id_line));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let request = op.request.as_ref().map(|request| {
        let kind = BodyKind::of(&request.body, plan);
        let ty = kind.ty();
        let necessity = if request.required {
            "required"
        } else {
            "optional"
        };
        let doc = format!(
            " The request body (`{}`, {}, {necessity}).",
            request.body.content_type,
            kind.describe()
        );
        let doc = doc_literal(&doc);
        quote! { #[doc = #doc] pub type Request = #ty; }
    });
    let response = response_enum(op, plan);
    quote! {
        #[doc = #doc]
        ///
        #[doc = #id_line]
        #deprecated
        pub mod #name {
            /// This operation in the registry.
            pub fn operation() -> &'static ::intercom_runtime::operations::Operation {
                &super::OPERATIONS[#index]
            }

            #request

            #response
        }
    }
}

/// The patterns of the codes `low..=high` but `apart`: ranges, or a code
/// alone.
fn codes_apart(low: u16, high: u16, apart: &[u16]) -> Vec<TokenStream> {
    let mut pieces = Vec::new();
    let mut start = low;
    for code in low..=high + 1 {
        if code > high || apart.contains(&code) {
            match code.checked_sub(1) {
                Some(end) if end > start => pieces.push(quote!(#start..=#end)),
                Some(end) if end == start => pieces.push(quote!(#start)),
                _ => {}
            }
            start = code + 1;
        }
    }
    pieces
}

fn response_enum(op: &Operation, plan: &Plan) -> TokenStream {
    let mut used = HashSet::from(["Unknown".to_owned()]);
    let mut variants = Vec::new();
    let mut exact_arms = Vec::new();
    let mut range_arms = Vec::new();
    let mut default_arm = None;
    let mut default_takes_all = false;
    let mut default_construct = None;
    let mut status_arms = Vec::new();
    let mut seen = HashSet::new();
    let exact_codes: Vec<u16> = op
        .responses
        .iter()
        .filter_map(|response| match status_match(&response.status) {
            Some(StatusMatch::Exact(code)) => Some(code),
            _ => None,
        })
        .collect();
    for response in &op.responses {
        // A status that is neither a code, a range nor `default` can match
        // nothing (nor can a second spelling of one already met, `2xx`
        // beside `2XX`); the registry still lists it as written.
        let Some(matching) = status_match(&response.status) else {
            continue;
        };
        let key = match matching {
            StatusMatch::Exact(code) => code,
            StatusMatch::Range(class) => 1000 + class,
            StatusMatch::Default => 2000,
        };
        if !seen.insert(key) {
            continue;
        }
        let variant = Ident::new(
            &unique_variant(variant_base(&matching), &mut used),
            Span::call_site(),
        );
        let kind = response.body.as_ref().map(|body| BodyKind::of(body, plan));
        let mut doc = format!(" `{}`", response.status);
        if let Some(description) = &response.description {
            let description = description.trim();
            if !description.is_empty() {
                doc.push_str(&format!(": {}", rustdoc_markdown(description)));
            }
        }
        doc.push_str(&match &kind {
            Some(kind) => format!(" ({})", kind.describe()),
            None => " (no content)".to_owned(),
        });
        let keeps_status = !matches!(matching, StatusMatch::Exact(_));
        let (definition, construct, status_of) = match (&kind, keeps_status) {
            (Some(kind), false) => {
                let ty = kind.variant_ty();
                let read = kind.read();
                (
                    quote!(#variant(#ty)),
                    quote!(Self::#variant(#read)),
                    quote!(Self::#variant(_)),
                )
            }
            (Some(kind), true) => {
                let ty = kind.variant_ty();
                let read = kind.read();
                (
                    quote!(#variant { status: u16, body: #ty }),
                    quote!(Self::#variant { status, body: #read }),
                    quote!(Self::#variant { status, .. }),
                )
            }
            (None, false) => (
                quote!(#variant),
                quote!(Self::#variant),
                quote!(Self::#variant),
            ),
            (None, true) => (
                quote!(#variant { status: u16 }),
                quote!(Self::#variant { status }),
                quote!(Self::#variant { status }),
            ),
        };
        let doc = doc_literal(&doc);
        variants.push(quote! { #[doc = #doc] #definition, });
        // A response without content takes only an empty body; anything else
        // is kept whole in `Unknown`.
        let guard = kind
            .is_none()
            .then(|| quote!(if ::intercom_runtime::operations::is_empty_body(body)));
        match matching {
            StatusMatch::Exact(code) => {
                exact_arms.push(quote!(#code #guard => #construct,));
                status_arms.push(quote!(#status_of => #code,));
            }
            StatusMatch::Range(class) => {
                // The codes documented on their own are not the range's,
                // even when their arm's guard refuses the body.
                let pieces = codes_apart(class * 100, class * 100 + 99, &exact_codes);
                if !pieces.is_empty() {
                    range_arms.push(quote!(#(#pieces)|* #guard => #construct,));
                }
                status_arms.push(quote!(#status_of => *status,));
            }
            StatusMatch::Default => {
                default_takes_all = guard.is_none();
                default_arm = Some(quote!(_ #guard => #construct,));
                default_construct = Some(construct.clone());
                status_arms.push(quote!(#status_of => *status,));
            }
        }
    }
    let unknown = quote! {
        Self::Unknown {
            status,
            body: ::intercom_runtime::operations::read_unknown(status, body)?,
        }
    };
    // A `default` that takes every body leaves nothing to `Unknown` here.
    let unknown_arm = (!default_takes_all).then(|| quote!(_ => #unknown,));
    // A `match` with a lone catch-all arm is its body (clippy: match_single_binding).
    let read = match (&default_construct, default_takes_all) {
        _ if !exact_arms.is_empty() || !range_arms.is_empty() => None,
        (None, _) => Some(unknown),
        (Some(construct), true) => Some(construct.clone()),
        (Some(_), false) => None,
    };
    let read = read.unwrap_or_else(|| {
        quote! {
            match status {
                #(#exact_arms)*
                #(#range_arms)*
                #default_arm
                #unknown_arm
            }
        }
    });
    let doc = format!(
        " The responses of `{}`, read with [`Response::from_response`]: a variant per documented status, and `Unknown` for the rest.",
        op.operation_id
    );
    let doc = doc_literal(&doc);
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Response {
            #(#variants)*
            /// A status the operation does not document (or a body where it
            /// documents none), kept whole: JSON as read, an empty body as `null`.
            Unknown { status: u16, body: ::serde_json::Value },
        }

        impl Response {
            /// Reads a response from its status code and its body's bytes:
            /// the exact status first, then its range (`2XX`), then `default`,
            /// as OpenAPI resolves them.
            // Inline, so that its code (every response type's reader) is
            // built where it is called, not for all operations in this crate.
            #[inline]
            pub fn from_response(
                status: u16,
                body: &[u8],
            ) -> Result<Self, ::intercom_runtime::operations::ResponseError> {
                Ok(#read)
            }

            /// The status code the response came with.
            pub fn status(&self) -> u16 {
                match self {
                    #(#status_arms)*
                    Self::Unknown { status, .. } => *status,
                }
            }
        }
    }
}

/// The module of an operation: its id in snake case, as an identifier.
fn module_name(id: &str) -> String {
    let snake: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .to_snake_case();
    if snake.is_empty() {
        "operation".to_owned()
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{snake}")
    } else {
        snake
    }
}

fn unique(base: String, used: &mut HashSet<String>) -> Ident {
    let mut candidate = base.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{base}_{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    match candidate.as_str() {
        "self" | "super" | "crate" | "Self" => format_ident!("{}_", candidate),
        _ if syn::parse_str::<Ident>(&candidate).is_err() => {
            Ident::new_raw(&candidate, Span::call_site())
        }
        _ => Ident::new(&candidate, Span::call_site()),
    }
}

fn unique_variant(base: String, used: &mut HashSet<String>) -> String {
    let mut candidate = base.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{base}{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::{codes_apart, emit};
    use crate::model::Model;
    use serde_json::json;

    /// The first line of the rendered `operations.rs` that imports from the runtime.
    fn runtime_import(schema: &serde_json::Value) -> String {
        let model = Model::parse(schema).unwrap();
        let plan = crate::types::plan(&model).unwrap();
        let file = crate::output::render(emit(&model, &plan), "test").unwrap();
        file.lines()
            .find(|line| line.starts_with("use ::intercom_runtime::operations::"))
            .unwrap()
            .to_owned()
    }

    #[test]
    fn a_response_enum_without_documented_statuses_reads_every_one_as_unknown() {
        // A `match` with a lone catch-all arm fails clippy's match_single_binding.
        let model = Model::parse(&json!({"$defs": {}, "x-operations": [
            {"operation_id": "a", "method": "get", "path": "/a", "responses": {}}
        ]}))
        .unwrap();
        let plan = crate::types::plan(&model).unwrap();
        let file = crate::output::render(emit(&model, &plan), "test").unwrap();
        assert!(!file.contains("match status"), "{file}");
        assert!(file.contains("Ok(Self::Unknown {"), "{file}");
    }

    #[test]
    fn the_registry_imports_only_the_runtime_names_it_uses() {
        // Unused imports fail a crate built with `#![deny(warnings)]`.
        let defs = json!({"a": {"type": "string"}});
        assert_eq!(
            runtime_import(&json!({"$defs": defs})),
            "use ::intercom_runtime::operations::{Operation, Route, Router};"
        );
        let no_bodies = json!({"$defs": defs, "x-operations": [
            {"method": "get", "path": "/a", "responses": {"204": {}}}
        ]});
        assert_eq!(
            runtime_import(&no_bodies),
            "use ::intercom_runtime::operations::{Operation, OperationResponse, Route, Router};"
        );
    }

    fn patterns(low: u16, high: u16, apart: &[u16]) -> Vec<String> {
        codes_apart(low, high, apart)
            .iter()
            .map(|pattern| pattern.to_string().replace(' ', ""))
            .collect()
    }

    #[test]
    fn a_range_leaves_out_the_codes_documented_on_their_own() {
        assert_eq!(patterns(200, 299, &[]), ["200u16..=299u16"]);
        assert_eq!(patterns(200, 299, &[200, 404]), ["201u16..=299u16"]);
        assert_eq!(
            patterns(200, 299, &[201, 203, 299]),
            ["200u16", "202u16", "204u16..=298u16"]
        );
        assert!(patterns(200, 201, &[200, 201]).is_empty());
    }
}
