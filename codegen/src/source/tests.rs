use super::yaml::MAX_YAML_DEPTH;
use super::*;

fn yaml(text: &str) -> Document {
    parse(Path::new("t.yaml"), text.as_bytes()).unwrap()
}

#[test]
fn yaml_scalars_follow_the_core_schema() {
    let doc = yaml("a: 1\nb: '2.13'\nc: 1.5\nd: ~\ne: yes\nf: true\ng: -3\nh: 1e3\n200: x\n");
    assert_eq!(
        doc.value,
        serde_json::json!({"a": 1, "b": "2.13", "c": 1.5, "d": null, "e": "yes", "f": true, "g": -3, "h": 1000.0, "200": "x"})
    );
}

#[test]
fn yaml_positions_are_recorded_per_pointer() {
    let doc = yaml("paths:\n  \"/a/{id}\":\n    get:\n      x: [1, 2]\n");
    assert_eq!(
        doc.position("/paths/~1a~1{id}/get"),
        Some(Position { line: 4, column: 7 })
    );
    assert_eq!(
        doc.position("/paths/~1a~1{id}/get/x/1"),
        Some(Position {
            line: 4,
            column: 14
        })
    );
    assert_eq!(
        doc.nearest_position("/paths/~1a~1{id}/get/missing"),
        doc.position("/paths/~1a~1{id}/get")
    );
}

/// The error that parsing `text` as the file `name` ends in, with its
/// position and message.
fn syntax_error(name: &str, text: impl AsRef<[u8]>) -> (LoadError, Position, String) {
    let error = parse(Path::new(name), text.as_ref()).unwrap_err();
    let LoadError::Syntax {
        position, message, ..
    } = &error
    else {
        panic!("not a syntax error: {error}")
    };
    let (position, message) = (*position, message.clone());
    (error, position, message)
}

#[test]
fn yaml_anchors_and_merge_keys_resolve() {
    let doc = yaml("base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n");
    assert_eq!(doc.value["derived"], serde_json::json!({"y": 3, "x": 1}));
}

#[test]
fn yaml_aliases_that_expand_without_bound_are_refused_where_they_cross_it() {
    // Ten anchors, each a list of ten aliases of the one before: 10^10 values.
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let aliases = vec![format!("*a{}", level - 1); 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{aliases}]\n"));
    }
    let (error, position, message) = syntax_error("laughs.yaml", text.as_bytes());
    assert!(message.contains("billion laughs"), "{message}");
    assert!(
        message.starts_with("the alias `*a"),
        "names the alias: {message}"
    );
    assert!(position.line > 1 && position.line <= 10, "{error}");

    // Aliases that stay within the bound still resolve.
    let doc = yaml("a: &a [1, 2]\nb: [*a, *a, *a]\n");
    assert_eq!(doc.value["b"], serde_json::json!([[1, 2], [1, 2], [1, 2]]));
}

#[test]
fn yaml_nesting_deeper_than_the_limit_is_an_error_not_a_stack_overflow() {
    let text: String = (0..MAX_YAML_DEPTH + 50)
        .map(|depth| format!("{}- \n", "  ".repeat(depth)))
        .collect();
    let (error, position, message) = syntax_error("deep.yaml", text.as_bytes());
    assert!(message.contains("nests deeper than 128"), "{message}");
    assert_eq!(position.line, MAX_YAML_DEPTH + 1, "{error}");
    let shallow: String = (0..100)
        .map(|depth| format!("{}- \n", "  ".repeat(depth)))
        .collect();
    assert!(parse(Path::new("shallow.yaml"), shallow.as_bytes()).is_ok());
}

#[test]
fn yaml_quoted_scalars_indented_less_than_their_block_read_as_libyaml_reads_them() {
    // Each value is what PyYAML (and libyaml, js-yaml) read.
    let text =
        "a:\n  b: \"one\n two\\\n three\"\n  c: 'it''s\n folded'\n  d: \"x\ry\"\n  e: \"kept\"\n";
    let doc = yaml(text);
    assert_eq!(
        doc.value,
        serde_json::json!({"a": {"b": "one twothree", "c": "it's folded", "d": "x y", "e": "kept"}})
    );
    let warnings: Vec<(Position, &str)> = doc
        .warnings
        .iter()
        .map(|w| (w.position, w.pointer.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [
            (Position { line: 2, column: 6 }, "/a/b"),
            (Position { line: 5, column: 6 }, "/a/c"),
            (Position { line: 7, column: 6 }, "/a/d"),
        ]
    );
    assert!(
        doc.warnings[0]
            .message
            .contains("indented less than its block")
    );
    // The positions of what follows stay those of the file (where YAML
    // counts the lone carriage return as a line break).
    assert_eq!(doc.positions["/a/e"], Position { line: 9, column: 6 });

    let unterminated = parse(Path::new("open.yaml"), b"a:\n  b: \"one\n two\n").unwrap_err();
    assert!(
        unterminated
            .to_string()
            .starts_with("open.yaml:2:6: invalid YAML"),
        "{unterminated}"
    );
}

#[test]
fn yaml_a_tab_after_a_colon_separates_as_libyaml_reads_it() {
    let doc = yaml("a:\t1\nb: \"x\ty\"\nc:\t\tword\n");
    assert_eq!(
        doc.value,
        serde_json::json!({"a": 1, "b": "x\ty", "c": "word"})
    );
    let warnings: Vec<(Position, &str)> = doc
        .warnings
        .iter()
        .map(|w| (w.position, w.pointer.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [
            (Position { line: 1, column: 4 }, "/a"),
            (Position { line: 3, column: 5 }, "/c"),
        ]
    );
}

#[test]
fn yaml_duplicate_keys_warn_and_keep_the_last() {
    let doc = yaml("a: 1\na: 2\n");
    assert_eq!(doc.value, serde_json::json!({"a": 2}));
    assert_eq!(doc.warnings.len(), 1);
    assert_eq!(doc.warnings[0].position, Position { line: 2, column: 1 });
}

#[test]
fn yaml_syntax_errors_have_line_and_column() {
    let (error, position, message) = syntax_error("bad.yaml", b"a: 1\nb: [1, 2\nc: 3\n");
    assert!(position.line >= 2, "{error}");
    assert!(message.starts_with("invalid YAML"), "{message}");
    assert!(error.to_string().starts_with("bad.yaml:"), "{error}");
}

#[test]
fn minified_json_is_indexed_by_characters_along_its_one_line() {
    let doc = parse(
        Path::new("t.json"),
        "{\"é\":[1,{\"ü\":2}],\"b\":{\"c\":[3,4]}}\n{}".as_bytes(),
    );
    assert!(doc.is_err(), "two documents are refused");
    let doc = parse(
        Path::new("t.json"),
        "{\"é\":[1,{\"ü\":2}],\"b\":{\"c\":[3,4]}}".as_bytes(),
    )
    .unwrap();
    let at = |pointer: &str| doc.position(pointer).map(|p| (p.line, p.column));
    assert_eq!(at("/é/1/ü"), Some((1, 14)));
    assert_eq!(at("/b"), Some((1, 22)));
    assert_eq!(at("/b/c/1"), Some((1, 30)));
    assert_eq!(at("/é/0"), Some((1, 7)), "the first item, asked for last");
}

#[test]
fn json_is_recognised_and_indexed() {
    let doc = parse(
        Path::new("t.yaml"),
        b"{\n  \"a\": {\"b/c\": [true, null]}\n}",
    )
    .unwrap();
    assert_eq!(doc.syntax, Syntax::Json);
    assert_eq!(
        doc.position("/a/b~1c/1"),
        Some(Position {
            line: 2,
            column: 23
        })
    );
}

#[test]
fn json_syntax_errors_have_line_and_column() {
    let error = parse(Path::new("bad.json"), b"{\n  \"a\": 1,\n}").unwrap_err();
    assert_eq!(
        error.to_string(),
        "bad.json:3:1: invalid JSON: trailing comma"
    );
}

#[test]
fn invalid_utf8_names_its_position() {
    let error = parse(Path::new("bad.yaml"), b"a: 1\nb: \xff\n").unwrap_err();
    assert_eq!(
        error.to_string(),
        "bad.yaml:2:4: invalid UTF-8: expected a UTF-8 encoded text file"
    );
}
