//! JSON Schema patterns are ECMA-262 regular expressions; generated validators
//! run them with the `regex` crate. This pass rewrites the escapes whose
//! meaning differs (ECMA-262 `\d` and `\w` are ASCII-only, `\s` follows its
//! own whitespace list) so that both engines agree.

/// Rewrites an ECMA-262 pattern into the `regex` crate's syntax.
pub fn translate(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(escaped) = chars.next() else {
                    out.push('\\');
                    break;
                };
                match (escaped, in_class) {
                    ('d', false) => out.push_str("[0-9]"),
                    ('d', true) => out.push_str("0-9"),
                    ('D', false) => out.push_str("[^0-9]"),
                    ('w', false) => out.push_str("[0-9A-Za-z_]"),
                    ('w', true) => out.push_str("0-9A-Za-z_"),
                    ('W', false) => out.push_str("[^0-9A-Za-z_]"),
                    ('s', false) => out.push_str(&format!("[{ECMA_WHITESPACE}]")),
                    ('s', true) => out.push_str(ECMA_WHITESPACE),
                    ('S', false) => out.push_str(&format!("[^{ECMA_WHITESPACE}]")),
                    // `\cX` is the control character X % 32.
                    ('c', _) if chars.peek().is_some_and(char::is_ascii_alphabetic) => {
                        let letter = chars.next().unwrap_or('@');
                        out.push_str(&format!("\\x{{{:02X}}}", (letter as u32) % 32));
                    }
                    ('/', _) => out.push('/'),
                    _ => {
                        out.push('\\');
                        out.push(escaped);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // A leading `]` or `^]` is literal in ECMA-262 only when escaped; pass through.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
            }
            '[' if in_class => out.push_str("\\["),
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

/// ECMA-262 WhiteSpace and LineTerminator code points, as a class body.
const ECMA_WHITESPACE: &str = "\\t\\n\\x{0B}\\x{0C}\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}";

#[cfg(test)]
mod tests {
    use super::translate;

    fn matches(pattern: &str, text: &str) -> bool {
        regex::Regex::new(&translate(pattern))
            .unwrap()
            .is_match(text)
    }

    #[test]
    fn digits_and_words_are_ascii_only() {
        assert!(matches(r"^\d+$", "0123"));
        assert!(!matches(r"^\d+$", "\u{0660}"));
        assert!(!matches(r"^\w+$", "é"));
        assert!(matches(r"^[\w-]+$", "a-b_c"));
    }

    #[test]
    fn whitespace_follows_ecma() {
        assert!(matches(r"^\s$", "\u{FEFF}"));
        assert!(!matches(r"^\S$", "\u{3000}"));
        assert!(!matches(r"^\s$", "\u{0085}"));
    }

    #[test]
    fn control_escapes_and_slashes() {
        assert!(matches(r"^\cJ$", "\n"));
        assert!(matches(r"^a\/b$", "a/b"));
    }
}
