//! The rewrites that let saphyr-parser read the YAML libyaml, PyYAML and
//! js-yaml read, none of which changes the value the text means.

/// What libyaml reads and saphyr-parser refuses, and how the text is
/// rewritten so that saphyr-parser reads the same value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Repair {
    /// A quoted scalar whose continuation lines are indented less than the
    /// block around it (YAML 1.2 forbids it; published references have it).
    /// Indenting them changes nothing in its value: a quoted scalar's line
    /// breaks fold and each continuation line's leading blanks are dropped.
    UnderIndentedQuote,
    /// A tab between `:` and its value (YAML 1.2 allows tabs as separation,
    /// saphyr-parser refuses this one). A space separates alike.
    TabAfterColon,
}

impl Repair {
    /// The repair for the error saphyr-parser gives with `info`.
    pub(super) fn for_error(info: &str) -> Option<Repair> {
        match info {
            "invalid indentation in quoted scalar" => Some(Repair::UnderIndentedQuote),
            "':' must be followed by a valid YAML whitespace" => Some(Repair::TabAfterColon),
            _ => None,
        }
    }

    /// `text` rewritten where saphyr-parser stopped (`at`, a byte offset).
    pub(super) fn apply(self, text: &str, at: usize) -> Option<String> {
        match self {
            Repair::UnderIndentedQuote => indent_quoted_scalar(text, at),
            Repair::TabAfterColon => {
                let separation = text[..at].trim_end_matches([' ', '\t']);
                if !separation.ends_with(':') || !text[separation.len()..at].contains('\t') {
                    return None;
                }
                let spaces = " ".repeat(at - separation.len());
                Some(format!("{separation}{spaces}{}", &text[at..]))
            }
        }
    }

    pub(super) fn warning(self) -> &'static str {
        match self {
            Repair::UnderIndentedQuote => {
                "a quoted scalar's continuation lines are indented less than its block (YAML 1.2 forbids it); read as libyaml reads it"
            }
            Repair::TabAfterColon => {
                "a tab separates `:` from its value; read as libyaml reads it (saphyr-parser refuses it)"
            }
        }
    }
}

/// At most this many places are rewritten in one file, each a parse of the
/// whole text again.
pub(super) const MAX_REPAIRS: usize = 1_000;

/// `text` with every continuation line of the quoted scalar whose opening
/// quote is at byte `start` indented past that quote's column; `None` when
/// the scalar does not end.
fn indent_quoted_scalar(text: &str, start: usize) -> Option<String> {
    let quote = *text.as_bytes().get(start)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |at| at + 1);
    let indent = " ".repeat(text[line_start..start].chars().count() + 1);
    let mut out = String::with_capacity(text.len() + 256);
    out.push_str(&text[..=start]);
    let mut chars = text[start + 1..].char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' if quote == b'"' => {
                out.push(c);
                // An escaped character is copied as it is; an escaped line
                // break is a line break like any other.
                if let Some(&(_, next)) = chars.peek()
                    && next != '\n'
                    && next != '\r'
                {
                    out.push(next);
                    chars.next();
                }
            }
            '\'' if quote == b'\'' => {
                out.push(c);
                if chars.peek().is_some_and(|&(_, next)| next == '\'') {
                    out.push('\'');
                    chars.next();
                } else {
                    out.push_str(&text[start + 1 + at + 1..]);
                    return Some(out);
                }
            }
            '"' if quote == b'"' => {
                out.push_str(&text[start + 1 + at..]);
                return Some(out);
            }
            '\r' | '\n' => {
                out.push(c);
                if c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n') {
                    out.push('\n');
                    chars.next();
                }
                out.push_str(&indent);
            }
            _ => out.push(c),
        }
    }
    None
}
