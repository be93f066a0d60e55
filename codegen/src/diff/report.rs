//! Rendering a [`Report`]: text, markdown, json and GitHub annotations.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{Change, Report, Verdict};

/// Output formats of `cargo xtask diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
    Github,
}

/// The level at which `--fail-on` fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Breaking,
    Any,
    None,
}

impl Report {
    /// Whether a change not accepted reaches the `--fail-on` level.
    pub fn fails(&self, level: FailOn) -> bool {
        let counted = self.changes.iter().filter(|c| !c.accepted);
        match level {
            FailOn::Breaking => counted.into_iter().any(|c| c.verdict == Verdict::Breaking),
            FailOn::Any => counted.count() > 0,
            FailOn::None => false,
        }
    }

    /// Marks the changes named in an accept file; returns a warning per line
    /// that matches nothing.
    pub fn accept(&mut self, file: &str, text: &str) -> Vec<String> {
        let mut warnings = Vec::new();
        for (number, full) in text.lines().enumerate() {
            let entry = strip_comment(full);
            if entry.is_empty() {
                continue;
            }
            let entry: String = entry.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut matched = false;
            for change in &mut self.changes {
                if change.id == entry {
                    change.accepted = true;
                    matched = true;
                }
            }
            if !matched {
                warnings.push(format!(
                    "{file}:{}: accepted change `{entry}` matches no change",
                    number + 1
                ));
            }
        }
        warnings
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text => self.text(),
            Format::Json => {
                let mut text =
                    serde_json::to_string_pretty(self).expect("a report always serializes");
                text.push('\n');
                text
            }
            Format::Markdown => self.markdown(),
            Format::Github => self.github(),
        }
    }

    /// Changes per kind, as counts of breaking, absorbed and non-breaking.
    pub fn counts_by_kind(&self) -> BTreeMap<super::Kind, [usize; 3]> {
        let mut counts: BTreeMap<super::Kind, [usize; 3]> = BTreeMap::new();
        for change in &self.changes {
            let slot = match change.verdict {
                Verdict::Breaking => 0,
                Verdict::Absorbed => 1,
                Verdict::NonBreaking => 2,
            };
            counts.entry(change.kind).or_default()[slot] += 1;
        }
        counts
    }

    fn summary(&self) -> String {
        let mut by_verdict: BTreeMap<Verdict, usize> = BTreeMap::new();
        let mut by_direction: BTreeMap<&str, usize> = BTreeMap::new();
        let mut accepted = 0;
        let mut compile_breaking = 0;
        for change in &self.changes {
            compile_breaking += usize::from(
                change
                    .rust
                    .as_ref()
                    .is_some_and(|r| r.verdict == super::rust::RustVerdict::CompileBreaking),
            );
            *by_verdict.entry(change.verdict).or_default() += 1;
            *by_direction.entry(change.direction.id()).or_default() += 1;
            accepted += usize::from(change.accepted);
        }
        let verdicts: Vec<String> = [Verdict::Breaking, Verdict::Absorbed, Verdict::NonBreaking]
            .iter()
            .map(|v| format!("{} {}", by_verdict.get(v).copied().unwrap_or(0), v.id()))
            .collect();
        let directions: Vec<String> = ["request", "response", "both", "none"]
            .iter()
            .map(|d| format!("{d} {}", by_direction.get(d).copied().unwrap_or(0)))
            .collect();
        format!(
            "{} changes: {}; by direction: {}; rust: {compile_breaking} compile-breaking; {accepted} accepted",
            self.changes.len(),
            verdicts.join(", "),
            directions.join(", ")
        )
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for change in &self.changes {
            let _ = writeln!(out, "{}", line(change));
        }
        let _ = writeln!(out, "{}", self.summary());
        out
    }

    fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "## API diff: `{}` → `{}`\n", self.old, self.new);
        let _ = writeln!(out, "| wire verdict | changes | accepted |");
        let _ = writeln!(out, "|---|---:|---:|");
        for verdict in [Verdict::Breaking, Verdict::Absorbed, Verdict::NonBreaking] {
            let of: Vec<&Change> = self
                .changes
                .iter()
                .filter(|c| c.verdict == verdict)
                .collect();
            let accepted = of.iter().filter(|c| c.accepted).count();
            let _ = writeln!(out, "| {} | {} | {accepted} |", verdict.id(), of.len());
        }
        let _ = writeln!(out, "\n| kind | breaking | absorbed | non-breaking |");
        let _ = writeln!(out, "|---|---:|---:|---:|");
        for (kind, counts) in self.counts_by_kind() {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                kind.id(),
                counts[0],
                counts[1],
                counts[2]
            );
        }
        for (verdict, title) in [
            (Verdict::Breaking, "Breaking"),
            (Verdict::Absorbed, "Absorbed"),
            (Verdict::NonBreaking, "Non-breaking"),
        ] {
            let mut by_schema: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
            for change in self.changes.iter().filter(|c| c.verdict == verdict) {
                by_schema.entry(&change.schema).or_default().push(change);
            }
            if by_schema.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n### {title}\n");
            for (schema, changes) in by_schema {
                // Long groups fold so a whole-version diff fits one comment.
                let fold = changes.len() > 3;
                // All changes of a schema share its direction: say it once.
                let direction = changes[0].direction.id();
                if fold {
                    let _ = writeln!(
                        out,
                        "<details><summary><code>{schema}</code> ({} changes, {direction})</summary>\n",
                        changes.len()
                    );
                } else {
                    let _ = writeln!(out, "**`{schema}`** ({direction})\n");
                }
                // In a folded group, the became-* changes of one kind share a line.
                let mut merged: BTreeMap<&str, Vec<String>> = BTreeMap::new();
                if fold {
                    for change in changes
                        .iter()
                        .filter(|c| c.kind.id().starts_with("became-"))
                    {
                        let accepted = if change.accepted { " (accepted)" } else { "" };
                        merged
                            .entry(change.kind.id())
                            .or_default()
                            .push(format!("`#{}`{accepted}", change.pointer));
                    }
                    for (kind, pointers) in &merged {
                        let _ = writeln!(out, "- `{kind}` {}", pointers.join(", "));
                    }
                }
                for change in changes
                    .iter()
                    .filter(|c| !(fold && c.kind.id().starts_with("became-")))
                {
                    let accepted = if change.accepted { " (accepted)" } else { "" };
                    // The became-* kinds say everything their message says.
                    let message = if change.kind.id().starts_with("became-") {
                        String::new()
                    } else {
                        format!(" {}", escape_markdown(&change.message))
                    };
                    // Folded groups leave the Rust view to the text and json
                    // reports, so a whole-version diff fits one PR comment.
                    let rust = match &change.rust {
                        Some(rust) if !fold => markdown_rust(rust),
                        _ => String::new(),
                    };
                    let _ = writeln!(
                        out,
                        "- `{}` `#{}`{message}{rust}{accepted}",
                        change.kind.id(),
                        change.pointer,
                    );
                }
                if fold {
                    let _ = writeln!(out, "\n</details>");
                }
                let _ = writeln!(out);
            }
        }
        let _ = writeln!(
            out,
            "\n{}\n\n✗ marks a change that breaks compilation of code written against the old generated crate.",
            self.summary()
        );
        out
    }

    fn github(&self) -> String {
        let mut out = String::new();
        for change in &self.changes {
            let level = match (change.verdict, change.accepted) {
                (_, true) => "notice",
                (Verdict::Breaking, false) => "error",
                (Verdict::Absorbed, false) => "warning",
                (Verdict::NonBreaking, false) => "notice",
            };
            let mut properties = Vec::new();
            if let Some(location) = &change.location {
                properties.push(format!("file={}", escape_property(&location.file)));
                properties.push(format!("line={}", location.line));
                properties.push(format!("col={}", location.column));
            }
            properties.push(format!(
                "title={}",
                escape_property(&format!("{} {}", change.verdict.id(), change.kind.id()))
            ));
            let _ = writeln!(
                out,
                "::{level} {}::{}",
                properties.join(","),
                escape_data(&line(change))
            );
        }
        let _ = writeln!(out, "{}", self.summary());
        out
    }
}

fn line(change: &Change) -> String {
    let mut text = format!(
        "{:<12} {:<24} {}#{}  {}",
        change.verdict.id().to_uppercase(),
        change.kind.id(),
        change.schema,
        change.pointer,
        change.message
    );
    let _ = write!(text, " [{}", change.direction.id());
    if !change.breaks_in.is_empty()
        && change.direction != super::Direction::Request
        && change.direction != super::Direction::Response
    {
        let dirs: Vec<&str> = change.breaks_in.iter().map(|d| d.id()).collect();
        let _ = write!(text, "; {} in {}", change.verdict.id(), dirs.join("+"));
    }
    text.push(']');
    if let Some(to) = &change.renamed_to {
        let _ = write!(text, " (possibly renamed to #{to})");
    }
    if let Some(from) = &change.renamed_from {
        let _ = write!(text, " (possibly renamed from #{from})");
    }
    if let Some(rust) = &change.rust {
        let _ = write!(
            text,
            "  [rust: {} → {}, {}]",
            rust.before.as_deref().unwrap_or("-"),
            rust.after.as_deref().unwrap_or("-"),
            rust.verdict.id()
        );
        // The JSON report says it in a sentence; before → after already shows it.
        if rust.behaviour.is_some() {
            text.push_str(" (read differently after regenerating)");
        }
    }
    if change.accepted {
        text.push_str(" (accepted)");
    }
    text
}

/// An accept line without its comment: a line starting with `#` is a
/// comment, and so is the rest of a line from a `#` that follows a space (the
/// `#` of a pointer follows the schema name directly).
fn strip_comment(line: &str) -> &str {
    let trimmed = line.trim();
    if trimmed.starts_with('#') {
        return "";
    }
    match trimmed.find(" #") {
        Some(i) => trimmed[..i].trim(),
        None => trimmed,
    }
}

/// The Rust before and after, short: the after side drops the `Type.field: `
/// prefix it shares with the before side.
fn markdown_rust(rust: &super::rust::RustView) -> String {
    let before = rust.before.as_deref().unwrap_or("-");
    let after = rust.after.as_deref().unwrap_or("-");
    let after = match (before.split_once(": "), after.split_once(": ")) {
        (Some((a, _)), Some((b, ty))) if a == b => ty,
        _ => after,
    };
    let mark = match rust.verdict {
        super::rust::RustVerdict::CompileBreaking => " ✗",
        super::rust::RustVerdict::Compatible => "",
    };
    let behaviour = if rust.behaviour.is_some() {
        " (read differently after regenerating)"
    } else {
        ""
    };
    format!(" `{before}`→`{after}`{mark}{behaviour}")
}

fn escape_markdown(text: &str) -> String {
    text.replace('|', "\\|").replace('<', "&lt;")
}

use intercom_runtime::workflow::{escape_data, escape_property};
