//! The operations of the API as data: what the generated registry
//! (`intercom_models::operations::OPERATIONS`) is made of, routing a method
//! and a path (or a whole URL) to its operation, and reading a response's
//! body by its status as OpenAPI resolves it (`200`, then `2XX`, then
//! `default`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasherDefault;

use crate::WordHasher;

/// One operation of the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The reference's operationId, or, where it gives none, one derived from
    /// the method and path (`getDownloadReportingDataJobIdentifier`).
    pub id: &'static str,
    /// The reference gives no operationId; [`Operation::id`] is derived.
    pub id_derived: bool,
    /// Upper case: `GET`, `POST`, …
    pub method: &'static str,
    /// The path template as written: `/contacts/{contact_id}`.
    pub path: &'static str,
    pub summary: Option<&'static str>,
    pub tags: &'static [&'static str],
    pub deprecated: bool,
    pub request: Option<OperationRequest>,
    /// In the order the reference writes them.
    pub responses: &'static [OperationResponse],
}

/// The request body an operation documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationRequest {
    pub body: Body,
    pub required: bool,
}

/// A response an operation documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationResponse {
    /// As written: `"200"`, `"2XX"`, `"default"`.
    pub status: &'static str,
    pub description: Option<&'static str>,
    /// `None` when the response has no content.
    pub body: Option<Body>,
}

/// A body's media type and the schema (its name in `schema/`) it must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Body {
    pub media_type: &'static str,
    /// `None` when the media type gives no schema.
    pub schema: Option<&'static str>,
}

impl Body {
    /// Whether the body is JSON (`application/json`, `…+json`).
    pub fn is_json(&self) -> bool {
        is_json_media_type(self.media_type)
    }
}

/// Whether a media type is JSON: `application/json` or a `+json` suffix,
/// parameters and case aside.
pub fn is_json_media_type(media_type: &str) -> bool {
    // Most bodies of recorded traffic, and of the reference, say just this.
    if media_type == "application/json" {
        return true;
    }
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence
            .get(essence.len().saturating_sub(5)..)
            .is_some_and(|suffix| suffix.eq_ignore_ascii_case("+json"))
}

impl Operation {
    /// The documented response for `status`: the exact code, else its range
    /// (`2XX`), else `default`, as OpenAPI resolves them.
    pub fn response(&self, status: u16) -> Option<&'static OperationResponse> {
        let responses = self.responses;
        // The code's three digits, without a `String` for each exchange.
        let digits = [
            b'0' + (status / 100 % 10) as u8,
            b'0' + (status / 10 % 10) as u8,
            b'0' + (status % 10) as u8,
        ];
        let written;
        let exact: &[u8] = if (100..1000).contains(&status) {
            &digits
        } else {
            written = status.to_string();
            written.as_bytes()
        };
        responses
            .iter()
            .find(|r| r.status.as_bytes() == exact)
            .or_else(|| responses.iter().find(|r| is_range_of(r.status, status)))
            .or_else(|| responses.iter().find(|r| r.status == "default"))
    }
}

/// Whether `documented` is the range (`2XX`, any case) that `status` falls in.
pub fn is_range_of(documented: &str, status: u16) -> bool {
    let bytes = documented.as_bytes();
    bytes.len() == 3
        && bytes[1].eq_ignore_ascii_case(&b'X')
        && bytes[2].eq_ignore_ascii_case(&b'X')
        && bytes[0].is_ascii_digit()
        && u16::from(bytes[0] - b'0') == status / 100
        && (100..600).contains(&status)
}

/// An operation a request was routed to, with the values of its path
/// parameters (percent-decoded), in the order the template names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub operation: &'static Operation,
    pub params: Vec<(&'static str, String)>,
}

impl Route {
    /// The value of the path parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Routes requests to operations by method and path.
#[derive(Debug)]
pub struct Router {
    entries: Vec<Entry>,
    /// The entries of each number of segments: a path is only tried against
    /// the templates as long as it is whose first segment can match.
    by_length: Vec<Candidates>,
}

#[derive(Debug, Default, Clone)]
struct Candidates {
    /// By the literal first segment.
    /// Hashed with [`WordHasher`]: SipHash took a tenth of an exchange's
    /// routing, and the keys come from the registry, not from requests.
    by_first: HashMap<&'static str, Vec<usize>, BuildHasherDefault<WordHasher>>,
    /// Those whose first segment is a template (or that have none).
    templated: Vec<usize>,
}

#[derive(Debug)]
struct Entry {
    operation: &'static Operation,
    segments: Vec<Segment>,
    /// [`Segment::rank`] of each segment, compared in order.
    rank: Vec<u8>,
}

#[derive(Debug)]
enum Segment {
    Literal(&'static str),
    /// The whole segment is one parameter: `{id}`.
    Param(&'static str),
    /// Literal text and parameters in one segment: `{id}.json`.
    Mixed(Vec<Part>),
}

#[derive(Debug)]
enum Part {
    Literal(&'static str),
    Param(&'static str),
}

impl Segment {
    fn parse(text: &'static str) -> Segment {
        if !text.contains('{') {
            return Segment::Literal(text);
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            match rest.find('{') {
                Some(0) => match rest.find('}') {
                    Some(end) => {
                        parts.push(Part::Param(&rest[1..end]));
                        rest = &rest[end + 1..];
                    }
                    // An unclosed brace is literal text.
                    None => {
                        parts.push(Part::Literal(rest));
                        rest = "";
                    }
                },
                Some(start) => {
                    parts.push(Part::Literal(&rest[..start]));
                    rest = &rest[start..];
                }
                None => {
                    parts.push(Part::Literal(rest));
                    rest = "";
                }
            }
        }
        match parts.as_slice() {
            [Part::Param(name)] => Segment::Param(name),
            _ => Segment::Mixed(parts),
        }
    }

    /// How specific the segment is: a literal wins over a template.
    fn rank(&self) -> u8 {
        match self {
            Segment::Literal(_) => 2,
            Segment::Mixed(_) => 1,
            Segment::Param(_) => 0,
        }
    }

    /// Whether `text` (percent-decoded) matches, pushing the parameters it
    /// binds when `params` is given.
    fn matches(&self, text: &str, params: Option<&mut Vec<(&'static str, String)>>) -> bool {
        match self {
            Segment::Literal(literal) => *literal == text,
            Segment::Param(name) => {
                if text.is_empty() {
                    return false;
                }
                if let Some(params) = params {
                    params.push((name, text.to_owned()));
                }
                true
            }
            Segment::Mixed(parts) => match_parts(parts, text, params),
        }
    }
}

/// Matches literal parts exactly and gives each parameter the shortest
/// non-empty text before the next literal (the last one takes the rest).
fn match_parts(
    parts: &[Part],
    mut text: &str,
    mut params: Option<&mut Vec<(&'static str, String)>>,
) -> bool {
    let mut index = 0;
    while index < parts.len() {
        match &parts[index] {
            Part::Literal(literal) => {
                let Some(rest) = text.strip_prefix(literal) else {
                    return false;
                };
                text = rest;
            }
            Part::Param(name) => {
                let value_len = match parts.get(index + 1) {
                    Some(Part::Literal(next)) => {
                        let Some(found) = text.get(1..).and_then(|t| t.find(next)) else {
                            return false;
                        };
                        found + 1
                    }
                    // Two parameters side by side: the first takes one character.
                    Some(Part::Param(_)) => text.chars().next().map_or(0, char::len_utf8),
                    None => text.len(),
                };
                if value_len == 0 {
                    return false;
                }
                if let Some(params) = params.as_deref_mut() {
                    params.push((name, text[..value_len].to_owned()));
                }
                text = &text[value_len..];
            }
        }
        index += 1;
    }
    text.is_empty()
}

impl Router {
    pub fn new(operations: &'static [Operation]) -> Router {
        let entries: Vec<Entry> = operations
            .iter()
            .map(|operation| {
                let segments: Vec<Segment> =
                    split_path(operation.path).map(Segment::parse).collect();
                let rank = segments.iter().map(Segment::rank).collect();
                Entry {
                    operation,
                    segments,
                    rank,
                }
            })
            .collect();
        let longest = entries.iter().map(|e| e.segments.len()).max().unwrap_or(0);
        let mut by_length = vec![Candidates::default(); longest + 1];
        for (index, entry) in entries.iter().enumerate() {
            let candidates = &mut by_length[entry.segments.len()];
            match entry.segments.first() {
                Some(Segment::Literal(first)) => {
                    candidates.by_first.entry(first).or_default().push(index)
                }
                _ => candidates.templated.push(index),
            }
        }
        Router { entries, by_length }
    }

    /// The operation for `method` (any case) and `path_or_url`: a path
    /// (`/contacts/123`) or a whole URL with any scheme and host
    /// (`https://api.eu.intercom.io/contacts/123?per_page=5`). The query and
    /// fragment are ignored, and so is a trailing slash. Where templates
    /// overlap, the one with a literal segment where the other has a
    /// parameter wins (`/companies/list` over `/companies/{company_id}`),
    /// whatever their order in the reference.
    pub fn route(&self, method: &str, path_or_url: &str) -> Option<Route> {
        let path = request_path(path_or_url);
        let segments: Vec<Cow<str>> = split_path(path).map(percent_decode).collect();
        let entry = self.best(method, &segments)?;
        let mut params = Vec::new();
        for (segment, text) in entry.segments.iter().zip(&segments) {
            segment.matches(text, Some(&mut params));
        }
        Some(Route {
            operation: entry.operation,
            params,
        })
    }

    /// The operation [`Router::route`] gives, without the values of its
    /// path parameters: what a reader of recorded traffic needs for every
    /// exchange.
    pub fn operation(&self, method: &str, path_or_url: &str) -> Option<&'static Operation> {
        self.operation_at(method, request_path(path_or_url))
    }

    /// [`Router::operation`] for a `path` that [`request_path`] gave.
    /// Nothing is allocated for a path without `%` escapes: its segments
    /// are split onto the stack in one pass over its bytes. One with them,
    /// or with more segments than fit there, is split as `route` splits it.
    pub fn operation_at(&self, method: &str, path: &str) -> Option<&'static Operation> {
        /// Segments held on the stack; every template of the reference has fewer.
        const ON_STACK: usize = 16;
        let decoded = || {
            let segments: Vec<Cow<str>> = split_path(path).map(percent_decode).collect();
            self.best(method, &segments).map(|entry| entry.operation)
        };
        if self.by_length.len() > ON_STACK {
            return decoded();
        }
        // As `split_path` splits: without the leading slash and a trailing one.
        let trimmed = path.strip_prefix('/').unwrap_or(path);
        let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
        let mut segments = [""; ON_STACK];
        let mut len = 0;
        if !trimmed.is_empty() {
            let mut from = 0;
            for (i, byte) in trimmed.bytes().enumerate() {
                match byte {
                    b'%' => return decoded(),
                    b'/' => {
                        // Longer than every template: nothing matches.
                        *segments.get_mut(len)? = &trimmed[from..i];
                        len += 1;
                        from = i + 1;
                    }
                    _ => {}
                }
            }
            *segments.get_mut(len)? = &trimmed[from..];
            len += 1;
        }
        self.best(method, &segments[..len])
            .map(|entry| entry.operation)
    }

    /// The entry that `segments` (percent-decoded) match for `method`: the
    /// best rank, and among equal ranks the first in the reference.
    fn best<S: AsRef<str>>(&self, method: &str, segments: &[S]) -> Option<&Entry> {
        let candidates = self.by_length.get(segments.len())?;
        let literal_first = segments
            .first()
            .and_then(|first| candidates.by_first.get(first.as_ref()))
            .map_or(&[][..], Vec::as_slice);
        let mut best: Option<(&[u8], usize)> = None;
        for &index in literal_first.iter().chain(&candidates.templated) {
            let entry = &self.entries[index];
            if !entry.operation.method.eq_ignore_ascii_case(method)
                || !entry
                    .segments
                    .iter()
                    .zip(segments)
                    .all(|(segment, text)| segment.matches(text.as_ref(), None))
            {
                continue;
            }
            let rank = entry.rank.as_slice();
            if best.is_none_or(|(best_rank, best_index)| {
                (rank, std::cmp::Reverse(index)) > (best_rank, std::cmp::Reverse(best_index))
            }) {
                best = Some((rank, index));
            }
        }
        best.map(|(_, index)| &self.entries[index])
    }
}

/// The path of a request target: a whole URL loses its scheme and host, any
/// target its query and fragment.
pub fn request_path(path_or_url: &str) -> &str {
    request_path_span(path_or_url).map_or("/", |span| &path_or_url[span])
}

/// Where [`request_path`] is in the target, or `None` when it is `/`
/// without a place there (a URL with nothing after its host but a query or
/// a fragment).
pub fn request_path_span(path_or_url: &str) -> Option<std::ops::Range<usize>> {
    // One pass over the bytes, each looked at once: every recorded exchange
    // is routed. A scheme is a run of these characters; `:` is not one, so
    // the first `://` ends the scheme exactly when it follows the run.
    let bytes = path_or_url.as_bytes();
    let scheme_end = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
        .unwrap_or(bytes.len());
    let mut start = 0;
    if bytes[scheme_end..].starts_with(b"://") {
        // The host ends at the path, or at the query or fragment (then the
        // path is `/`).
        let host = scheme_end + 3;
        match bytes[host..]
            .iter()
            .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        {
            Some(offset) if bytes[host + offset] == b'/' => start = host + offset,
            _ => return None,
        }
    }
    let end = bytes[start..]
        .iter()
        .position(|&b| matches!(b, b'?' | b'#'))
        .map_or(bytes.len(), |offset| start + offset);
    Some(start..end)
}

/// The segments of a path, without the leading slash and a trailing one.
fn split_path(path: &str) -> impl Iterator<Item = &str> {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    trimmed.split('/').filter({
        let root = trimmed.is_empty();
        move |_| !root
    })
}

/// `%XX` escapes decoded; text whose escapes are not UTF-8 is kept as written.
fn percent_decode(text: &str) -> Cow<'_, str> {
    if !text.contains('%') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(high), Some(low)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((high * 16 + low) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| text.to_owned()))
}

/// Why a response body did not read into the type its status documents.
#[derive(Debug)]
pub enum ResponseError {
    /// The body is not JSON, or not JSON of the documented schema's type
    /// (serde_json's message, with the line and column in the body).
    Json {
        status: u16,
        /// The schema in `schema/` the body must match; `None` for a body of
        /// a status the operation does not document.
        schema: Option<&'static str>,
        error: serde_json::Error,
    },
    /// A text body that is not UTF-8.
    Text {
        status: u16,
        error: std::str::Utf8Error,
    },
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseError::Json {
                status,
                schema: Some(schema),
                error,
            } => write!(
                f,
                "the body of a {status} response does not read as `{schema}`: {error}"
            ),
            ResponseError::Json {
                status,
                schema: None,
                error,
            } => write!(
                f,
                "the body of a {status} response (a status the operation does not document) is not JSON: {error}"
            ),
            ResponseError::Text { status, error } => {
                write!(
                    f,
                    "the text body of a {status} response is not UTF-8: {error}"
                )
            }
        }
    }
}

impl std::error::Error for ResponseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ResponseError::Json { error, .. } => Some(error),
            ResponseError::Text { error, .. } => Some(error),
        }
    }
}

/// Whether a body is empty (or only whitespace): what a response without
/// content sends.
pub fn is_empty_body(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

/// A JSON body read as the type of the schema its status documents.
///
/// The body is parsed into a `serde_json::Value` first and read from that:
/// the generated types are read from a `Value` elsewhere too, so each type
/// is compiled for one deserializer only. A body that is not JSON gets
/// serde_json's line and column; one of the wrong shape gets its message
/// (the validators, `validate_bytes_<type>`, say where).
pub fn read_json<T: serde::de::DeserializeOwned>(
    status: u16,
    schema: &'static str,
    body: &[u8],
) -> Result<T, ResponseError> {
    let error = |error| ResponseError::Json {
        status,
        schema: Some(schema),
        error,
    };
    let value: serde_json::Value = serde_json::from_slice(body).map_err(error)?;
    T::deserialize(&value).map_err(error)
}

/// A body of a status the operation does not document (or documents
/// without a schema), kept whole: JSON as a `Value`, an empty body as `null`.
pub fn read_unknown(status: u16, body: &[u8]) -> Result<serde_json::Value, ResponseError> {
    if is_empty_body(body) {
        return Ok(serde_json::Value::Null);
    }
    serde_json::from_slice(body).map_err(|error| ResponseError::Json {
        status,
        schema: None,
        error,
    })
}

/// A text body (`text/plain`), as written.
pub fn read_text(status: u16, body: &[u8]) -> Result<String, ResponseError> {
    std::str::from_utf8(body)
        .map(str::to_owned)
        .map_err(|error| ResponseError::Text { status, error })
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn op(id: &'static str, method: &'static str, path: &'static str) -> Operation {
        Operation {
            id,
            id_derived: false,
            method,
            path,
            summary: None,
            tags: &[],
            deprecated: false,
            request: None,
            responses: &[],
        }
    }

    static OPERATIONS: &[Operation] = &[
        op("retrieveCompany", "GET", "/companies/{company_id}"),
        op("listAllCompanies", "GET", "/companies/list"),
        op("listNotes", "GET", "/contacts/{contact_id}/notes"),
        op("findTag", "GET", "/tags/{tag_id}"),
        op("deleteTag", "DELETE", "/tags/{tag_id}"),
        op("identifyAdmin", "GET", "/me"),
        op("root", "GET", "/"),
        op("report", "GET", "/reports/{id}.json"),
        op("both", "GET", "/a/{x}/b"),
        op("second", "GET", "/a/literal/{y}"),
    ];

    fn route(method: &str, target: &str) -> Option<(&'static str, Vec<(&'static str, String)>)> {
        let router = Router::new(OPERATIONS);
        let routed = router
            .route(method, target)
            .map(|r| (r.operation.id, r.params));
        // The operation alone is found as the whole route finds it.
        assert_eq!(
            router.operation(method, target).map(|o| o.id),
            routed.as_ref().map(|r| r.0),
            "{method} {target}"
        );
        routed
    }

    #[test]
    fn literal_segments_win_whatever_the_order() {
        assert_eq!(
            route("GET", "/companies/list"),
            Some(("listAllCompanies", vec![]))
        );
        assert_eq!(
            route("GET", "/companies/5f4d"),
            Some(("retrieveCompany", vec![("company_id", "5f4d".into())]))
        );
        // The first segment where they differ decides.
        assert_eq!(route("GET", "/a/literal/b").map(|r| r.0), Some("second"));
    }

    #[test]
    fn urls_queries_trailing_slashes_and_case() {
        for target in [
            "https://api.intercom.io/contacts/123/notes",
            "https://api.eu.intercom.io/contacts/123/notes?per_page=5",
            "http://localhost:4010/contacts/123/notes/",
            "/contacts/123/notes#top",
            "contacts/123/notes",
        ] {
            assert_eq!(
                route("get", target),
                Some(("listNotes", vec![("contact_id", "123".into())])),
                "{target}"
            );
        }
        assert_eq!(
            route("GET", "https://api.intercom.io"),
            Some(("root", vec![]))
        );
        assert_eq!(route("GET", "/me/"), Some(("identifyAdmin", vec![])));
    }

    /// [`request_path`] as it was written first, three scans of the target:
    /// the reference for the one pass.
    fn request_path_before(path_or_url: &str) -> &str {
        // Byte scans: every recorded exchange is routed, and `str::find` with a
        // pattern of several characters set up a searcher for each.
        let mut path = path_or_url;
        if let Some(end) = path.bytes().position(|b| b == b'?' || b == b'#') {
            path = &path[..end];
        }
        // A scheme is a run of these characters; `:` is not one, so the first
        // `://` ends the scheme exactly when it follows the run.
        let scheme_end = path
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
            .unwrap_or(path.len());
        if path.as_bytes()[scheme_end..].starts_with(b"://") {
            let after = &path[scheme_end + 3..];
            path = after
                .bytes()
                .position(|b| b == b'/')
                .map_or("/", |start| &after[start..]);
        }
        path
    }

    /// Targets made of the characters that decide a path, in random order:
    /// the one pass finds what the three scans found.
    #[test]
    fn request_paths_as_three_scans_found_them() {
        let pieces = [
            "https", "://", ":", "/", "?", "#", "a", "x.y", "+", "-", "%2F", "é",
        ];
        let mut next = crate::xorshift(0x9e37_79b9_7f4a_7c15u64);
        for _ in 0..20_000 {
            let target: String = (0..next() % 9)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            assert_eq!(
                request_path(&target),
                request_path_before(&target),
                "{target}"
            );
        }
    }

    #[test]
    fn request_paths_lose_scheme_host_query_and_fragment() {
        for (target, path) in [
            ("https://api.intercom.io/contacts?per_page=5", "/contacts"),
            ("http://localhost:4010/tags/7#top", "/tags/7"),
            ("https://api.eu.intercom.io", "/"),
            ("://host/me", "/me"),
            ("/contacts?next=https://x.io/y", "/contacts"),
            // `/` before `://`: no scheme, the target stays a path.
            ("a/b://c/d", "a/b://c/d"),
            ("svn+ssh://host/repo", "/repo"),
            ("/me", "/me"),
        ] {
            assert_eq!(request_path(target), path, "{target}");
        }
    }

    #[test]
    fn methods_and_lengths_must_match() {
        assert_eq!(route("DELETE", "/tags/7").map(|r| r.0), Some("deleteTag"));
        assert_eq!(route("POST", "/tags/7"), None);
        assert_eq!(route("GET", "/tags"), None);
        assert_eq!(route("GET", "/tags/7/extra"), None);
        assert_eq!(route("GET", "/contacts//notes"), None);
    }

    #[test]
    fn parameters_are_percent_decoded_and_may_share_a_segment() {
        assert_eq!(
            route("GET", "/tags/a%20b"),
            Some(("findTag", vec![("tag_id", "a b".into())]))
        );
        assert_eq!(
            route("GET", "/tags/%FF"),
            Some(("findTag", vec![("tag_id", "%FF".into())]))
        );
        assert_eq!(
            route("GET", "/reports/2024.01.json"),
            Some(("report", vec![("id", "2024.01".into())]))
        );
        assert_eq!(route("GET", "/reports/.json"), None);
    }

    #[test]
    fn responses_resolve_exact_then_range_then_default() {
        static RESPONSES: &[OperationResponse] = &[
            OperationResponse {
                status: "200",
                description: None,
                body: None,
            },
            OperationResponse {
                status: "4XX",
                description: None,
                body: None,
            },
            OperationResponse {
                status: "404",
                description: None,
                body: None,
            },
            OperationResponse {
                status: "default",
                description: None,
                body: None,
            },
        ];
        let operation = Operation {
            responses: RESPONSES,
            ..op("x", "GET", "/x")
        };
        let status = |code| operation.response(code).map(|r| r.status);
        assert_eq!(status(200), Some("200"));
        assert_eq!(status(404), Some("404"));
        assert_eq!(status(401), Some("4XX"));
        assert_eq!(status(500), Some("default"));
        let without_default = Operation {
            responses: &RESPONSES[..2],
            ..operation
        };
        assert_eq!(without_default.response(500), None);
        assert!(is_range_of("2xx", 204));
        assert!(!is_range_of("2XX", 302));
    }

    #[test]
    fn bodies_read_by_kind() {
        assert_eq!(read_unknown(500, b"  \n").unwrap(), serde_json::Value::Null);
        assert_eq!(
            read_unknown(500, b"{\"a\":1}").unwrap(),
            serde_json::json!({"a": 1})
        );
        let error = read_unknown(502, b"<html>").unwrap_err().to_string();
        assert!(error.starts_with("the body of a 502 response"), "{error}");
        assert!(error.contains("line 1 column 1"), "{error}");
        let error = read_json::<u8>(200, "count", b"\"x\"")
            .unwrap_err()
            .to_string();
        assert!(error.contains("does not read as `count`"), "{error}");
        assert_eq!(read_text(200, b"hello").unwrap(), "hello");
        assert!(read_text(200, b"\xff").is_err());
        assert!(is_json_media_type("application/json; charset=utf-8"));
        assert!(is_json_media_type("application/problem+JSON"));
        assert!(!is_json_media_type("text/plain"));
    }
}
