//! Descriptions from the reference, rewritten so that rustdoc and clippy's
//! doc lints read them as the reference's readers do.
//!
//! Intercom's descriptions are Markdown with HTML in it, written for a web
//! page: bare URLs, `</br>`, `<p>` left open, `/contacts/<id>` placeholders,
//! code blocks in JSON or shell without a language, list items continued on
//! an unindented line, tabs. rustdoc would take an unlabelled block for Rust,
//! a `<id>` for an unclosed tag and a `[name]` for a link to an item; clippy
//! objects to the lists and the tabs. Each is mended here rather than
//! silenced in the generated crate, so a warning there is a real one.

/// HTML elements a description may keep when they are balanced; any other
/// tag (`<html>`, `<attribute>`, `<id>`) is shown as the text it is.
const KEPT_ELEMENTS: [&str; 32] = [
    "a",
    "b",
    "blockquote",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "i",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "td",
    "th",
    "tr",
    "u",
    "ul",
];

/// Elements without content: never closed, so never unbalanced.
const VOID_ELEMENTS: [&str; 4] = ["br", "hr", "img", "wbr"];

/// `text` as Markdown that rustdoc renders without a warning and clippy's
/// doc lints pass: fences labelled, indented code fenced, bare URLs in angle
/// brackets, unbalanced or unknown HTML escaped, brackets that are not links
/// escaped, list continuations indented, tabs expanded.
pub fn rustdoc_markdown(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\t', "    ");
    let blocks = split_blocks(&text);
    let prose: Vec<&str> = blocks
        .iter()
        .filter_map(|block| match block {
            Block::Prose(line) => Some(line.as_str()),
            Block::Code { .. } => None,
        })
        .collect();
    let unbalanced = unbalanced_tags(&prose);
    let mut tags_seen = 0;
    let mut out = Vec::new();
    for block in &blocks {
        match block {
            Block::Prose(line) => out.push(inline(line, &unbalanced, &mut tags_seen)),
            Block::Code {
                indent,
                fence,
                info,
                lines,
            } => {
                let pad = " ".repeat(*indent);
                out.push(format!("{pad}{fence}{info}"));
                out.extend(lines.iter().map(|line| match line.is_empty() {
                    true => String::new(),
                    false => format!("{pad}{line}"),
                }));
                out.push(format!("{pad}{fence}"));
            }
        }
    }
    indent_list_continuations(&mut out);
    out.join("\n")
}

enum Block {
    Prose(String),
    Code {
        /// Kept, so that a block inside a list item stays in it.
        indent: usize,
        fence: String,
        info: String,
        lines: Vec<String>,
    },
}

/// The lines of `text`, with fenced and indented code blocks gathered and
/// labelled: rustdoc compiles an unlabelled block as Rust.
fn split_blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    let mut previous_blank = true;
    let mut in_list = false;
    while i < lines.len() {
        let line = lines[i];
        if let Some((fence, info)) = fence_open(line) {
            let indent = line.len() - line.trim_start().len();
            let mut body = Vec::new();
            i += 1;
            while i < lines.len() && !closes(lines[i], &fence) {
                body.push(strip_indent(lines[i], indent).to_owned());
                i += 1;
            }
            i += 1;
            blocks.push(Block::Code {
                indent,
                fence: fence.clone(),
                info: code_label(&info),
                lines: body,
            });
            previous_blank = false;
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if previous_blank && !in_list && indent >= 4 && !line.trim().is_empty() {
            let mut body = Vec::new();
            while i < lines.len() && (lines[i].trim().is_empty() || indented(lines[i]) >= 4) {
                body.push(strip_indent(lines[i], 4).to_owned());
                i += 1;
            }
            while body.last().is_some_and(|l| l.trim().is_empty()) {
                body.pop();
                i -= 1;
            }
            blocks.push(Block::Code {
                indent: 0,
                fence: "```".to_owned(),
                info: "text".to_owned(),
                lines: body,
            });
            previous_blank = false;
            continue;
        }
        if line.trim().is_empty() {
            previous_blank = true;
        } else {
            in_list = list_item(line).is_some() || (in_list && indent > 0);
            previous_blank = false;
        }
        blocks.push(Block::Prose(line.to_owned()));
        i += 1;
    }
    blocks
}

fn indented(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn strip_indent(line: &str, indent: usize) -> &str {
    let spaces = indented(line).min(indent);
    &line[spaces..]
}

/// The fence (three or more backticks or tildes) and info string of a line
/// that opens a fenced code block.
fn fence_open(line: &str) -> Option<(String, String)> {
    let trimmed = line.trim_start();
    if indented(line) > 3 {
        return None;
    }
    let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = trimmed.chars().take_while(|c| *c == marker).count();
    if length < 3 {
        return None;
    }
    let info = trimmed[length..].trim();
    // A backtick fence's info string cannot hold a backtick (CommonMark).
    if marker == '`' && info.contains('`') {
        return None;
    }
    Some((trimmed[..length].to_owned(), info.to_owned()))
}

fn closes(line: &str, fence: &str) -> bool {
    let trimmed = line.trim();
    let marker = fence.chars().next().unwrap_or('`');
    trimmed.len() >= fence.len() && trimmed.chars().all(|c| c == marker)
}

/// The label a code block keeps: its own language, unless it has none or
/// names Rust, which rustdoc would then parse (these are not Rust samples).
fn code_label(info: &str) -> String {
    const RUSTDOC_ATTRIBUTES: [&str; 7] = [
        "rust",
        "ignore",
        "no_run",
        "should_panic",
        "compile_fail",
        "test_harness",
        "standalone_crate",
    ];
    let first = info
        .split([',', ' '])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if first.is_empty()
        || RUSTDOC_ATTRIBUTES.contains(&first.as_str())
        || first.starts_with("edition")
    {
        "text".to_owned()
    } else {
        first
    }
}

/// An HTML tag at the start of `text`: its length, element name (lower
/// case) and whether it closes.
fn html_tag(text: &str) -> Option<(usize, String, bool)> {
    let rest = text.strip_prefix('<')?;
    let (closing, rest) = match rest.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let name_len = rest
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '-')
        .unwrap_or(rest.len());
    if name_len == 0 || !rest.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let after = &rest[name_len..];
    let end = after.find('>')?;
    let inside = &after[..end];
    if !(inside.is_empty() || inside.starts_with([' ', '/'])) || inside.contains('<') {
        return None;
    }
    let length = 1 + usize::from(closing) + name_len + end + 1;
    Some((length, rest[..name_len].to_ascii_lowercase(), closing))
}

/// The ordinals (in reading order, outside code) of the tags that rustdoc
/// would call unclosed or unopened, or that are not kept at all.
fn unbalanced_tags(prose: &[&str]) -> Vec<bool> {
    let mut tags = Vec::new();
    for line in prose {
        each_outside_code(line, |segment| {
            let mut at = 0;
            while let Some(offset) = segment[at..].find('<') {
                let start = at + offset;
                match html_tag(&segment[start..]) {
                    Some((length, name, closing)) => {
                        tags.push((name, closing));
                        at = start + length;
                    }
                    None => at = start + 1,
                }
            }
        });
    }
    let mut escape = vec![false; tags.len()];
    let mut open: Vec<usize> = Vec::new();
    for (index, (name, closing)) in tags.iter().enumerate() {
        let kept = KEPT_ELEMENTS.contains(&name.as_str());
        if VOID_ELEMENTS.contains(&name.as_str()) {
            // `</br>` is how the reference writes a line break.
            continue;
        }
        if !kept {
            escape[index] = true;
        } else if !closing {
            open.push(index);
        } else if let Some(position) = open.iter().rposition(|&o| tags[o].0 == *name) {
            // Whatever opened inside it and never closed stays unclosed.
            for unclosed in open.drain(position..).skip(1) {
                escape[unclosed] = true;
            }
        } else {
            escape[index] = true;
        }
    }
    for unclosed in open {
        escape[unclosed] = true;
    }
    escape
}

/// Calls `f` on each part of `line` outside code spans.
fn each_outside_code(line: &str, mut f: impl FnMut(&str)) {
    for (outside, part) in code_spans(line) {
        if outside {
            f(part);
        }
    }
}

/// `line` cut into code spans (false) and the text between them (true).
fn code_spans(line: &str) -> Vec<(bool, &str)> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while let Some(offset) = line[at..].find('`') {
        let open = at + offset;
        let run = line[open..].chars().take_while(|c| *c == '`').count();
        let fence = &line[open..open + run];
        match line[open + run..].find(fence) {
            Some(close) => {
                let end = open + run + close + run;
                parts.push((true, &line[start..open]));
                parts.push((false, &line[open..end]));
                start = end;
                at = end;
            }
            None => at = open + run,
        }
    }
    parts.push((true, &line[start..]));
    parts
}

fn inline(line: &str, unbalanced: &[bool], tags_seen: &mut usize) -> String {
    let mut out = String::with_capacity(line.len());
    for (outside, part) in code_spans(line) {
        if outside {
            prose(part, unbalanced, tags_seen, &mut out);
        } else {
            out.push_str(part);
        }
    }
    out
}

fn prose(text: &str, unbalanced: &[bool], tags_seen: &mut usize, out: &mut String) {
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let c = rest.chars().next().unwrap_or_default();
        if c == '<' {
            if let Some(url_len) = autolink(rest) {
                out.push_str(&rest[..url_len]);
                at += url_len;
                continue;
            }
            if let Some((length, name, closing)) = html_tag(rest) {
                let escape = unbalanced.get(*tags_seen).copied().unwrap_or(true);
                *tags_seen += 1;
                if closing && VOID_ELEMENTS.contains(&name.as_str()) {
                    out.push_str(&format!("<{name}>"));
                } else if escape {
                    out.push_str("&lt;");
                    out.push_str(&rest[1..length]);
                } else {
                    out.push_str(&rest[..length]);
                }
                at += length;
                continue;
            }
        }
        if c == '[' {
            if let Some(link_len) = inline_link(rest) {
                out.push_str(&rest[..link_len]);
                at += link_len;
                continue;
            }
            out.push_str("\\[");
            at += 1;
            continue;
        }
        if c == ']' {
            out.push_str("\\]");
            at += 1;
            continue;
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let url_len = bare_url(rest);
            out.push('<');
            out.push_str(&rest[..url_len]);
            out.push('>');
            at += url_len;
            continue;
        }
        out.push(c);
        at += c.len_utf8();
    }
}

/// The length of an autolink (`<https://…>`) at the start of `text`.
fn autolink(text: &str) -> Option<usize> {
    let rest = text.strip_prefix('<')?;
    if !(rest.starts_with("http://") || rest.starts_with("https://") || rest.starts_with("mailto:"))
    {
        return None;
    }
    let end = rest.find(|c: char| c == '>' || c == '<' || c.is_whitespace())?;
    rest[end..].starts_with('>').then_some(end + 2)
}

/// The length of an inline link (`[text](target)`) at the start of `text`,
/// whose text holds no brackets.
fn inline_link(text: &str) -> Option<usize> {
    let close = text.find(']')?;
    if text[1..close].contains('[') || close == 1 {
        return None;
    }
    let target = text[close + 1..].strip_prefix('(')?;
    let end = target.find(')')?;
    (!target[..end].contains(char::is_whitespace) || target[..end].contains('"'))
        .then_some(close + 2 + end + 1)
}

/// The length of a bare URL at the start of `text`: up to a space or a
/// character no URL ends with, without trailing punctuation.
fn bare_url(text: &str) -> usize {
    let mut end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '\'' | '[' | ']'))
        .unwrap_or(text.len());
    while end > 0 {
        let last = text[..end].chars().next_back().unwrap_or_default();
        let unbalanced_paren =
            last == ')' && text[..end].matches('(').count() < text[..end].matches(')').count();
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '*' | '_') || unbalanced_paren {
            end -= last.len_utf8();
        } else {
            break;
        }
    }
    end
}

/// The column where a list item's content starts, if `line` is one.
fn list_item(line: &str) -> Option<usize> {
    let indent = indented(line);
    let rest = &line[indent..];
    let marker = if rest.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || digits > 9 || !rest[digits..].starts_with(['.', ')']) {
            return None;
        }
        digits + 1
    };
    let after = &rest[marker..];
    if after.is_empty() {
        return Some(indent + marker + 1);
    }
    let spaces = after.chars().take_while(|c| *c == ' ').count();
    (spaces > 0).then(|| indent + marker + spaces.min(4))
}

/// A line right after a list item (or its continuation) that is neither
/// blank nor a new item continues that item: rustdoc reads it so however it
/// is indented, and clippy wants it indented to the item's content.
fn indent_list_continuations(lines: &mut [String]) {
    let mut content: Option<usize> = None;
    let mut in_code = false;
    for line in lines.iter_mut() {
        if fence_open(line).is_some() || (in_code && closes(line, "```")) {
            in_code = !in_code;
            content = None;
            continue;
        }
        if in_code || line.trim().is_empty() {
            content = None;
            continue;
        }
        if let Some(column) = list_item(line) {
            content = Some(column);
            continue;
        }
        if let Some(column) = content
            && indented(line) != column
        {
            *line = format!("{}{}", " ".repeat(column), line.trim_start());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::rustdoc_markdown;

    #[track_caller]
    fn rewrites(text: &str, expected: &str) {
        assert_eq!(rustdoc_markdown(text), expected, "from {text:?}");
    }

    #[test]
    fn leaves_plain_markdown_alone() {
        let text = "Fetch a `contact` by *id*.\n\n- one\n- two\n\nSee [the guide](https://developers.intercom.com/docs).";
        rewrites(text, text);
    }

    #[test]
    fn puts_bare_urls_in_angle_brackets() {
        rewrites(
            "See https://developers.intercom.com/docs.",
            "See <https://developers.intercom.com/docs>.",
        );
        rewrites(
            "(https://example.com/a_(b))",
            "(<https://example.com/a_(b)>)",
        );
        rewrites(
            "already <https://example.com>",
            "already <https://example.com>",
        );
        rewrites(
            "`https://example.com` in code",
            "`https://example.com` in code",
        );
    }

    #[test]
    fn escapes_html_that_is_unbalanced_or_not_kept() {
        rewrites("version.</br>By default", "version.<br>By default");
        rewrites("GET /contacts/<id>", "GET /contacts/&lt;id>");
        rewrites("<p>one</p><p>two", "<p>one</p>&lt;p>two");
        rewrites(
            "<html><body>x</body></html>",
            "&lt;html>&lt;body>x&lt;/body>&lt;/html>",
        );
        rewrites("a </b> b", "a &lt;/b> b");
        rewrites("<ul>\n<li>one</li>\n</ul>", "<ul>\n<li>one</li>\n</ul>");
        rewrites("a < b and c > d", "a < b and c > d");
    }

    #[test]
    fn escapes_brackets_that_are_not_links() {
        rewrites("an [array] of ids", "an \\[array\\] of ids");
        rewrites("[link](https://x.io) [x]", "[link](https://x.io) \\[x\\]");
    }

    #[test]
    fn labels_code_that_is_not_rust() {
        rewrites("```\n{\"a\": 1}\n```", "```text\n{\"a\": 1}\n```");
        rewrites("```json\n{}\n```", "```json\n{}\n```");
        rewrites("```rust\nlet\n```", "```text\nlet\n```");
        rewrites(
            "Example:\n\n    curl https://x.io\n    -H y\n\nDone.",
            "Example:\n\n```text\ncurl https://x.io\n-H y\n```\n\nDone.",
        );
        rewrites(
            "```\n<id> [x] https://a.b\n```",
            "```text\n<id> [x] https://a.b\n```",
        );
    }

    #[test]
    fn indents_list_continuations_and_expands_tabs() {
        rewrites("- one\ncontinued\n- two", "- one\n  continued\n- two");
        rewrites("1. one\n        over-indented", "1. one\n   over-indented");
        rewrites("a\tb", "a    b");
        rewrites(
            "- item\n\n    code in the item",
            "- item\n\n    code in the item",
        );
        rewrites(
            "1. item\n   ```\n   x\n\n   ```",
            "1. item\n   ```text\n   x\n\n   ```",
        );
    }
}
