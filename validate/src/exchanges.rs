//! Recorded exchanges with the API, read from HAR 1.2 files (browsers,
//! proxies, test recorders) and from NDJSON, one exchange a line. Reading
//! only finds the exchanges, their bodies and where each sits in the file;
//! routing and checking them is `traffic`'s job.

use base64::Engine as _;
use intercom_runtime::Position;
use intercom_runtime::document::Document;
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

/// One request and its response, as recorded.
#[derive(Debug)]
pub struct Exchange {
    /// HAR: the index in `log.entries`; NDJSON: the line.
    pub entry: u64,
    /// Where the exchange starts in the file.
    pub line: u64,
    pub method: String,
    /// The URL or path as recorded.
    pub target: String,
    /// `None`: no response was recorded (HAR's status 0, or none given).
    pub status: Option<u16>,
    pub request: Option<Body>,
    pub response: Option<Body>,
}

/// A body as recorded.
#[derive(Debug)]
pub struct Body {
    /// `None` where the recording gives none (NDJSON bodies are JSON values).
    pub media_type: Option<String>,
    pub text: Vec<u8>,
    /// Where the body's first character is in the file, when the body is
    /// written in it as JSON (NDJSON): errors inside it are placed in the
    /// file. `None` for HAR, whose bodies are strings: errors are placed in
    /// the body's own text.
    pub origin: Option<Position>,
}

impl Body {
    /// Whether the body is JSON: its media type says so, or it has none
    /// because it was recorded as a JSON value.
    pub fn is_json(&self) -> bool {
        self.media_type
            .as_deref()
            .is_none_or(intercom_runtime::operations::is_json_media_type)
    }
}

/// What a file of exchanges could not give: an exchange (or the whole file)
/// that is not what HAR or the NDJSON form says it must be.
#[derive(Debug)]
pub struct ReadError {
    /// HAR: the entry's index; NDJSON: the line. `None`: the whole file.
    pub entry: Option<u64>,
    pub position: Position,
    pub message: String,
}

/// Each exchange of a file, or why it could not be read.
pub type Exchanges = Vec<Result<Exchange, ReadError>>;

/// Which of the two forms a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Har,
    Ndjson,
}

/// HAR is one JSON object with `log`; anything else is read as NDJSON. A
/// file that starts with `{` and parses whole as an object with `log` is
/// HAR: an NDJSON exchange never has `log`.
pub fn form(bytes: &[u8]) -> Form {
    let first = bytes.iter().position(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|i| bytes[i] == b'{')
        && let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(bytes)
        && object.contains_key("log")
    {
        return Form::Har;
    }
    Form::Ndjson
}

/// The exchanges of a HAR 1.2 file; `Err` when the file is not HAR at all.
pub fn read_har(bytes: &[u8]) -> Result<Exchanges, ReadError> {
    let whole = |position: Position, message: String| ReadError {
        entry: None,
        position,
        message,
    };
    let har: Value = serde_json::from_slice(bytes).map_err(|error| {
        whole(
            Position {
                line: error.line() as u64,
                column: error.column() as u64,
            },
            format!("invalid JSON: {error}"),
        )
    })?;
    let start = Position { line: 1, column: 1 };
    let Some(entries) = har.pointer("/log/entries") else {
        return Err(whole(
            start,
            "not a HAR file: it has no `log.entries` (HAR 1.2 keeps the exchanges there)".into(),
        ));
    };
    let Some(entries) = entries.as_array() else {
        return Err(whole(
            start,
            "`log.entries` is not a list (HAR 1.2 keeps the exchanges in one)".into(),
        ));
    };
    let pointers: Vec<String> = (0..entries.len())
        .map(|i| format!("/log/entries/{i}"))
        .collect();
    let pointers: Vec<&str> = pointers.iter().map(String::as_str).collect();
    let lines: Vec<Position> = Document::with(bytes, |document| document.positions(&pointers))
        .map_err(|error| whole(error.position, format!("invalid JSON: {}", error.message)))?
        .into_iter()
        .map(|p| p.unwrap_or(start))
        .collect();
    Ok(entries
        .iter()
        .zip(lines)
        .enumerate()
        .map(|(index, (entry, at))| {
            har_entry(index as u64, at.line, entry).map_err(|message| ReadError {
                entry: Some(index as u64),
                position: at,
                message,
            })
        })
        .collect())
}

fn har_entry(index: u64, line: u64, entry: &Value) -> Result<Exchange, String> {
    let string = |pointer: &str| -> Result<String, String> {
        match entry.pointer(pointer) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!(
                "`{}` is {}, expected a string",
                dotted(pointer),
                kind(other)
            )),
            None => Err(format!(
                "`{}` is missing (HAR 1.2 requires it)",
                dotted(pointer)
            )),
        }
    };
    let method = string("/request/method")?;
    let target = string("/request/url")?;
    let status = match entry.pointer("/response/status") {
        Some(Value::Number(n)) => match n.as_u64() {
            // HAR records a request that got no response with status 0.
            Some(0) => None,
            Some(code @ 100..=599) => Some(code as u16),
            _ => {
                return Err(format!(
                    "`response.status` is {n}, expected an HTTP status code"
                ));
            }
        },
        Some(other) => {
            return Err(format!(
                "`response.status` is {}, expected a number",
                kind(other)
            ));
        }
        None => return Err("`response.status` is missing (HAR 1.2 requires it)".into()),
    };
    let request = match entry.pointer("/request/postData") {
        None | Some(Value::Null) => None,
        Some(post) => har_body(post, "request.postData", None)?,
    };
    let response = match (status, entry.pointer("/response/content")) {
        (None, _) | (_, None | Some(Value::Null)) => None,
        (Some(_), Some(content)) => har_body(
            content,
            "response.content",
            content.get("encoding").and_then(Value::as_str),
        )?,
    };
    Ok(Exchange {
        entry: index,
        line,
        method,
        target,
        status,
        request,
        response,
    })
}

/// A HAR body (`postData` or `content`): its text, decoded from base64 when
/// `encoding` says so; `None` when it has no text or an empty one.
fn har_body(body: &Value, at: &str, encoding: Option<&str>) -> Result<Option<Body>, String> {
    let media_type = match body.get("mimeType") {
        Some(Value::String(s)) => Some(s.clone()),
        None | Some(Value::Null) => None,
        Some(other) => {
            return Err(format!(
                "`{at}.mimeType` is {}, expected a string",
                kind(other)
            ));
        }
    };
    let text = match body.get("text") {
        Some(Value::String(s)) => s,
        None | Some(Value::Null) => return Ok(None),
        Some(other) => return Err(format!("`{at}.text` is {}, expected a string", kind(other))),
    };
    let text = match encoding {
        None | Some("") => text.as_bytes().to_vec(),
        Some("base64") => base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|error| format!("`{at}.text` is not base64, as `encoding` says: {error}"))?,
        Some(other) => {
            return Err(format!(
                "`{at}.encoding` is `{other}`; the bodies HAR records are as they are or in base64"
            ));
        }
    };
    if text.is_empty() {
        return Ok(None);
    }
    Ok(Some(Body {
        media_type,
        text,
        origin: None,
    }))
}

/// The fields of an NDJSON exchange; bodies stay as written in the line.
#[derive(Deserialize)]
struct Line<'a> {
    method: String,
    url: Option<String>,
    path: Option<String>,
    status: Option<u16>,
    #[serde(borrow, default)]
    request: Option<&'a RawValue>,
    #[serde(borrow, default)]
    response: Option<&'a RawValue>,
}

/// The exchange on one NDJSON line (`number` counts from 1), trailing
/// line break included or not.
pub fn read_ndjson_line(number: u64, line: &[u8]) -> Result<Exchange, ReadError> {
    let error = |position: Position, message: String| ReadError {
        entry: Some(number),
        position,
        message,
    };
    let text = std::str::from_utf8(line).map_err(|e| {
        error(
            column_at(number, line, e.valid_up_to()),
            format!("invalid UTF-8 (byte 0x{:02X})", line[e.valid_up_to()]),
        )
    })?;
    let text = text.trim_end_matches(['\n', '\r']);
    let parsed: Line = serde_json::from_str(text).map_err(|e| {
        error(
            Position {
                line: number,
                column: e.column() as u64,
            },
            format!(
                "not an exchange ({e}); expected {{\"method\", \"url\" or \"path\", \"status\", \"request\", \"response\"}}"
            ),
        )
    })?;
    let start = Position {
        line: number,
        column: 1,
    };
    let target = match (parsed.url, parsed.path) {
        (Some(url), _) => url,
        (None, Some(path)) => path,
        (None, None) => {
            return Err(error(
                start,
                "the exchange has neither `url` nor `path`".into(),
            ));
        }
    };
    let body = |raw: Option<&RawValue>| {
        raw.filter(|raw| raw.get() != "null").map(|raw| {
            let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
            Body {
                media_type: None,
                text: raw.get().as_bytes().to_vec(),
                origin: Some(column_at(number, line, offset)),
            }
        })
    };
    let request = body(parsed.request);
    let response = body(parsed.response);
    if response.is_some() && parsed.status.is_none() {
        return Err(error(
            start,
            "the exchange has a `response` but no `status`".into(),
        ));
    }
    Ok(Exchange {
        entry: number,
        line: number,
        method: parsed.method,
        target,
        status: parsed.status,
        request,
        response,
    })
}

/// The line and column of byte `offset` of a line (columns in characters).
fn column_at(number: u64, line: &[u8], offset: usize) -> Position {
    Position {
        line: number,
        column: String::from_utf8_lossy(&line[..offset]).chars().count() as u64 + 1,
    }
}

/// `/request/method` as HAR's documentation writes it: `request.method`.
fn dotted(pointer: &str) -> String {
    pointer.trim_start_matches('/').replace('/', ".")
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HAR: &str = r#"{
  "log": {
    "version": "1.2",
    "entries": [
      {
        "request": {"method": "POST", "url": "https://api.intercom.io/contacts",
          "postData": {"mimeType": "application/json", "text": "{\"role\": \"user\"}"}},
        "response": {"status": 200,
          "content": {"mimeType": "application/json", "text": "eyJ0eXBlIjogImNvbnRhY3QifQ==", "encoding": "base64"}}
      },
      {
        "request": {"method": "GET", "url": "https://api.intercom.io/me"},
        "response": {"status": 0, "content": {"mimeType": "", "text": ""}}
      },
      {
        "request": {"url": "https://api.intercom.io/me"},
        "response": {"status": 200}
      }
    ]
  }
}"#;

    #[test]
    fn har_entries_with_their_lines_bodies_and_errors() {
        assert_eq!(form(HAR.as_bytes()), Form::Har);
        let exchanges = read_har(HAR.as_bytes()).unwrap();
        assert_eq!(exchanges.len(), 3);
        let first = exchanges[0].as_ref().unwrap();
        assert_eq!((first.entry, first.line), (0, 5));
        assert_eq!(first.method, "POST");
        assert_eq!(first.status, Some(200));
        assert_eq!(first.request.as_ref().unwrap().text, br#"{"role": "user"}"#);
        // Decoded from base64.
        assert_eq!(
            first.response.as_ref().unwrap().text,
            br#"{"type": "contact"}"#
        );
        let second = exchanges[1].as_ref().unwrap();
        assert_eq!((second.status, second.request.is_none()), (None, true));
        assert!(second.response.is_none());
        let third = exchanges[2].as_ref().unwrap_err();
        assert_eq!(third.entry, Some(2));
        assert_eq!(third.position.line, 15);
        assert_eq!(
            third.message,
            "`request.method` is missing (HAR 1.2 requires it)"
        );
    }

    #[test]
    fn a_file_that_is_not_har() {
        let error = read_har(b"{\"log\": {}}").unwrap_err();
        assert!(
            error.message.contains("no `log.entries`"),
            "{}",
            error.message
        );
        let error = read_har(b"{\"log\": {\"entries\": [}").unwrap_err();
        assert_eq!(error.position.line, 1);
        assert!(
            error.message.starts_with("invalid JSON"),
            "{}",
            error.message
        );
        assert_eq!(
            form(b"{\"method\": \"GET\", \"path\": \"/me\"}\n"),
            Form::Ndjson
        );
    }

    #[test]
    fn ndjson_bodies_keep_their_place_in_the_line() {
        let line = "{\"method\": \"POST\", \"path\": \"/contacts\", \"status\": 200, \"request\": {\"é\": 1}, \"response\": null}\n";
        let exchange = read_ndjson_line(4, line.as_bytes()).unwrap();
        let request = exchange.request.unwrap();
        assert_eq!(request.text, "{\"é\": 1}".as_bytes());
        assert_eq!(
            request.origin,
            Some(Position {
                line: 4,
                column: 67
            })
        );
        assert!(request.is_json());
        assert!(exchange.response.is_none());
        let error = read_ndjson_line(2, b"{\"method\": \"GET\"}").unwrap_err();
        assert_eq!(error.message, "the exchange has neither `url` nor `path`");
        let error = read_ndjson_line(
            3,
            b"{\"method\": \"GET\", \"path\": \"/me\", \"response\": {}}",
        )
        .unwrap_err();
        assert_eq!(
            error.message,
            "the exchange has a `response` but no `status`"
        );
        let error = read_ndjson_line(5, b"{\"method\": 1}").unwrap_err();
        assert_eq!(error.position.line, 5);
        assert!(
            error.message.starts_with("not an exchange"),
            "{}",
            error.message
        );
    }
}
