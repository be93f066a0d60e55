//! Names: one function that spells a schema's name in Rust ([`recase`]),
//! and the scopes that keep the names of one plan, struct or enum apart.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// What a name names: each has its own case and its own escapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Case {
    /// `conversation_statistics` → `ConversationStatistics`, `2fa` → `N2fa`.
    Type,
    /// A type's case, with operators spelled as words (`!~` → `NotContains`)
    /// and other symbols by code point (`§` → `U00A7`).
    Variant,
    /// `x-y.z` → `x_y_z`, a keyword raw (`r#type`) or suffixed (`self_`).
    Field,
}

/// The Rust name for `original` in `case`, and `original` again when the
/// two differ, as typify's `recase` does: only then must serde or schemars
/// be told the original. A raw identifier names its original as it is
/// (`r#type` is `type`). A type name is empty when `original` has no
/// letter or digit.
pub(super) fn recase(original: &str, case: Case) -> (String, Option<String>) {
    let rust = match case {
        Case::Type => type_case(original),
        Case::Variant => match symbol_name(original) {
            Some(name) => name.to_owned(),
            None => match type_case(original) {
                // Symbols we have no word for: spell them by code point.
                name if name.is_empty() => original
                    .chars()
                    .map(|c| format!("U{:04X}", c as u32))
                    .collect(),
                name => name,
            },
        },
        Case::Field => field_case(original),
    };
    let renamed = (rust.trim_start_matches("r#") != original).then(|| original.to_owned());
    (rust, renamed)
}

fn type_case(name: &str) -> String {
    let camel = sanitize(name).to_upper_camel_case();
    match camel.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("N{camel}"),
        _ => camel,
    }
}

fn field_case(name: &str) -> String {
    let snake = sanitize(name).to_snake_case();
    let snake = if snake.is_empty() {
        "field".to_owned()
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{snake}")
    } else {
        snake
    };
    match snake.as_str() {
        // These cannot be raw identifiers.
        "self" | "super" | "crate" => format!("{snake}_"),
        _ if syn::parse_str::<Ident>(&snake).is_err() => format!("r#{snake}"),
        _ => snake,
    }
}

/// Words separated the way heck understands: everything that is not a letter
/// or digit separates words.
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// Operators and other symbols, spelled so a variant can be named after them.
fn symbol_name(value: &str) -> Option<&'static str> {
    Some(match value {
        "=" => "Equals",
        "!=" => "NotEquals",
        "<" => "LessThan",
        "<=" => "LessThanOrEquals",
        ">" => "GreaterThan",
        ">=" => "GreaterThanOrEquals",
        "~" => "Contains",
        "!~" => "NotContains",
        "^" => "StartsWith",
        "$" => "EndsWith",
        "*" => "Any",
        "+" => "Plus",
        "-" => "Minus",
        "" => "Empty",
        _ => return None,
    })
}

/// The names taken in one scope: a plan's types, a struct's fields or an
/// enum's variants.
#[derive(Debug, Default)]
pub(super) struct Scope {
    taken: HashSet<String>,
}

impl Scope {
    pub(super) fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Takes `base`, or `base` with a number when it is taken (`extra_2`
    /// for a field, `Other2` for a variant or a type).
    pub(super) fn claim(&mut self, base: &str, case: Case) -> String {
        self.claim_with_suffix(base, "", case)
    }

    /// Takes `base`; when it is taken, `base` + `suffix` (`NoteObject`),
    /// then with a number.
    pub(super) fn claim_with_suffix(&mut self, base: &str, suffix: &str, case: Case) -> String {
        let base = match (case, base) {
            (Case::Type, "") => "Type",
            (Case::Variant, "Self") => "SelfValue",
            _ => base,
        };
        let separator = if case == Case::Field { "_" } else { "" };
        let mut candidate = base.to_owned();
        if self.taken.contains(&candidate) && !suffix.is_empty() {
            candidate = format!("{base}{suffix}");
        }
        let mut n = 2;
        while self.taken.contains(&candidate)
            || (case == Case::Type && is_reserved_type_name(&candidate))
        {
            candidate = format!("{base}{suffix}{separator}{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

/// Names the generated crate's own items, or std's prelude, already use.
fn is_reserved_type_name(name: &str) -> bool {
    matches!(
        name,
        "Self"
            | "Option"
            | "Some"
            | "None"
            | "Result"
            | "Ok"
            | "Err"
            | "Vec"
            | "String"
            | "Box"
            | "Value"
            | "Map"
            | "Number"
            | "Timestamp"
            | "Nullable"
            | "BTreeMap"
    )
}

/// The identifier for a name the plan made, `r#type` included.
pub(super) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}
