//! The reference tokens of JSON pointers (RFC 6901): `~` and `/` written as
//! `~0` and `~1`, and read back.

use std::borrow::Cow;

/// `token` as it stands in a pointer; borrowed when it has nothing to escape.
pub fn escape_token(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Undoes [`escape_token`]: `~1` before `~0`, so `~01` reads as `~1`.
pub fn unescape_token(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_read_back_as_written() {
        for (token, escaped) in [
            ("plain", "plain"),
            ("a/b", "a~1b"),
            ("~", "~0"),
            ("~1", "~01"),
            ("/~/", "~1~0~1"),
            ("", ""),
        ] {
            assert_eq!(escape_token(token), escaped);
            assert_eq!(unescape_token(escaped), token);
        }
        assert!(matches!(escape_token("plain"), Cow::Borrowed(_)));
    }
}
