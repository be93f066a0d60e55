//! The tokens of JSON pointers (RFC 6901) and the percent-escapes of URI
//! fragments that hold them.

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    intercom_runtime::pointer::escape_token(token).into_owned()
}

/// Undoes [`escape_pointer_token`].
pub fn unescape_pointer_token(token: &str) -> String {
    intercom_runtime::pointer::unescape_token(token).into_owned()
}

/// Decodes `%XX` escapes in a URI fragment (a `$ref` may percent-encode its pointer).
pub fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 3 <= bytes.len()
            && let Some(byte) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
