use serde_json::Value;

use super::locations::Cursor;
#[cfg(target_arch = "x86_64")]
use super::text::plain_end_sse2;
use super::text::{copy_plain, eight_digits, plain_end, plain_end_bytewise, plain_end_swar};
use super::*;
use crate::json::{Json, JsonArray, JsonObject, Kind, Num};
use crate::scan::count;

/// A document that owns its buffers, for tests that look at one at a time.
fn parse(text: &[u8]) -> Document<'static> {
    Document::parse(text.to_vec().leak(), Box::leak(Box::default())).unwrap()
}

fn same_as_serde_json(text: &str) {
    let document = parse(text.as_bytes());
    let expected: Value = serde_json::from_str(text).unwrap();
    assert_eq!(document.root().to_value(), expected, "{text}");
    assert!(document.root().equals(&expected), "{text}");
}

#[test]
fn characters_and_newlines_are_counted_wherever_they_fall() {
    let text = "a\né\n\u{1f600}bc\n\n€ x\n".repeat(5);
    for start in 0..text.len() {
        for end in start..text.len() {
            let run = &text.as_bytes()[start..end];
            let characters = run.iter().filter(|b| **b & 0xC0 != 0x80).count() as u64;
            let newlines = run.iter().filter(|b| **b == b'\n').count() as u64;
            assert_eq!(count(run), (characters, newlines), "{start}..{end}");
        }
    }
}

#[test]
fn ascii_texts_are_placed_as_any_text_is() {
    for text in [
        r#"{"a": [1, {"b": "x"}], "c": null}"#,
        "{\n  \"a\": [1,\n {\"b\": \"x\"}],\r\n\t\"c\": null\n}\n",
        "\n\n[\n]",
    ] {
        let bytes = text.as_bytes();
        let document = parse(bytes);
        assert!(document.ascii);
        assert_eq!(document.multiline, text.contains('\n'));
        assert_eq!(
            document.newlines(),
            (
                text.matches('\n').count() as u64,
                text.rfind('\n').map_or(0, |last| last + 1)
            )
        );
        let mut fast = Cursor {
            ascii: true,
            multiline: document.multiline,
            ..Cursor::start()
        };
        let mut slow = Cursor::start();
        for offset in 0..=bytes.len() {
            assert_eq!(
                fast.advance_to(bytes, offset),
                slow.advance_to(bytes, offset),
                "{text:?} at {offset}"
            );
        }
    }
}

#[test]
fn the_next_document_reuses_the_buffers_of_the_last() {
    let text = "[1, 2, 3, [4, 5], {\"a\": 6}]";
    let spare = |look: fn(&Buffers) -> usize| {
        SPARE.with(|spare| {
            let buffers = spare.take();
            let seen = look(&buffers);
            spare.set(buffers);
            seen
        })
    };
    Document::with(text.as_bytes(), |first| assert_eq!(first.nodes.len(), 10)).unwrap();
    let buffer = spare(|buffers| buffers.nodes.as_ptr() as usize);
    let value = Document::with(b"7", |second| {
        assert_eq!(second.nodes.as_ptr() as usize, buffer);
        second.root().to_value()
    });
    assert_eq!(value.unwrap(), serde_json::json!(7));
    // A document parsed while another is in use gets buffers of its own.
    let inner = Document::with(b"[1]", |_| {
        Document::with(b"[2, 3]", |inner| inner.nodes.len())
    });
    assert_eq!(inner.unwrap().unwrap(), 3);
    let huge = format!("[{}0]", "0,".repeat(KEEP_NODES));
    Document::with(huge.as_bytes(), |_| ()).unwrap();
    assert_eq!(
        spare(|buffers| buffers.nodes.capacity()),
        0,
        "a huge payload's buffers are freed"
    );
}

#[test]
fn reads_what_serde_json_reads() {
    for text in [
        "null",
        " true ",
        "false",
        "0",
        "-0",
        "-1",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "1.5",
        "-2.5e-3",
        "1E+2",
        "123456789012345678901234567890",
        r#""plain""#,
        r#""esc\"aped\\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00 é""#,
        "[]",
        "{}",
        "[1, [2, [3, []]], {}]",
        r#"{"a": {"b": [1, {"c": null}]}, "d": "e", "": 0}"#,
        "\n\t{ \"x\" : [ 1 , 2 ] }\r\n",
    ] {
        same_as_serde_json(text);
    }
}

#[test]
fn strings_read_the_same_wherever_the_escape_falls() {
    // The scan reads eight bytes at a time: put the special byte at every offset.
    for before in 0..20 {
        for after in 0..12 {
            let plain = "a".repeat(before);
            let tail = "é".repeat(after);
            same_as_serde_json(&format!(r#""{plain}\n{tail}""#));
            same_as_serde_json(&format!(r#"["{plain}", "{tail}"]"#));
            let control = format!("\"{plain}\u{1}{tail}\"");
            let e = error(control.as_bytes());
            assert_eq!(e.position.column, before as u64 + 2, "{control:?}");
        }
    }
}

#[test]
fn eight_digits_are_read_at_once() {
    assert_eq!(eight_digits(b"12345678"), Some(12_345_678));
    assert_eq!(eight_digits(b"00000009"), Some(9));
    assert_eq!(eight_digits(b"99999999"), Some(99_999_999));
    for bad in [
        &b"1234567a"[..],
        b"/2345678",
        b":2345678",
        b"1234 678",
        b"1234567",
    ] {
        assert_eq!(eight_digits(bad), None, "{}", String::from_utf8_lossy(bad));
    }
    for text in [
        "1663597223",
        "123456789012345678",
        "1234567890123456789",
        "12345678901234567890",
        "-9223372036854775808",
        "18446744073709551615",
        "18446744073709551616",
        "100000000",
        "12345678.5",
        "87654321e2",
    ] {
        same_as_serde_json(text);
        same_as_serde_json(&format!("[{text}, {{\"n\": {text}}}]"));
    }
}

#[test]
fn every_scan_for_a_string_end_agrees_with_the_bytewise_one() {
    let alphabet: [&[u8]; 7] = [
        b"a",
        b"\"",
        b"\\",
        b"\x01",
        b"\x1f",
        "é".as_bytes(),
        b"\x7f",
    ];
    for length in 0..40 {
        for (i, special) in alphabet.iter().enumerate() {
            for at in 0..length {
                let mut text: Vec<u8> = std::iter::repeat_n(b'x', length).collect();
                text.splice(at..at + 1, special.iter().copied());
                let expected = plain_end_bytewise(&text, 0, false);
                let widened = |scan: Result<(usize, bool), (usize, bool)>| match scan {
                    Ok(found) => found,
                    Err((rest, beyond)) => plain_end_bytewise(&text, rest, beyond),
                };
                assert_eq!(
                    widened(plain_end_swar(&text, 0)),
                    expected,
                    "{i} at {at} of {length}"
                );
                #[cfg(target_arch = "x86_64")]
                assert_eq!(
                    widened(plain_end_sse2(&text, 0)),
                    expected,
                    "{i} at {at} of {length}"
                );
                assert_eq!(plain_end(&text, 0), expected);
                let mut copied = b"kept".to_vec();
                assert_eq!(copy_plain(&text, 0, false, &mut copied), expected);
                assert_eq!(&copied[4..], &text[..expected.0], "{i} at {at} of {length}");
                // After a letter that is copied whatever it is.
                let mut lettered = vec![b'"'];
                lettered.extend_from_slice(&text);
                let mut copied = Vec::new();
                let end = copy_plain(&lettered, 0, true, &mut copied);
                assert_eq!(end, (expected.0 + 1, expected.1), "{i} at {at} of {length}");
                assert_eq!(copied, &lettered[..end.0]);
            }
        }
    }
}

/// JSON inside a JSON string, as a HAR body holds it: escaped quotes every
/// few bytes, escaped backslashes, `\/`, `\n`, `\u00e9` and a surrogate
/// pair, each at every offset from the sixteen-byte steps of the decoder.
#[test]
fn json_inside_a_string_decodes_wherever_its_escapes_fall() {
    let inner = r#"{"a":"x\"y","b":"c\/d","n":"\u00e9\ud83d\ude00","e":"\n"}"#;
    for before in 0..20 {
        let pad = "p".repeat(before);
        let body = format!("{pad}{inner}\n{pad}é");
        let outer = serde_json::to_string(&body).unwrap();
        same_as_serde_json(&outer);
        let with_slashes = outer.replace('/', "\\/");
        same_as_serde_json(&with_slashes);
        same_as_serde_json(&format!("[{outer}, {{\"k\": {outer}}}]"));
    }
    // An error after escapes is placed by the input's characters.
    let e = error(br#""a\"b\u00e9\t\q""#);
    assert_eq!(
        (e.message.as_str(), e.position.column),
        ("invalid escape", 15)
    );
    let e = error(b"\"\\\"\xC3\x28\"");
    assert_eq!(
        (e.message.as_str(), e.position.column),
        ("invalid UTF-8", 4)
    );
}

/// Strings of escapes of every kind and plain runs, in random order and
/// length, so that escapes fall at every place of the sixteen-byte steps
/// and of the input's last sixteen bytes: read as serde_json reads them,
/// and an error after them placed at its character.
#[test]
fn escapes_decode_wherever_they_fall_in_the_steps() {
    let pieces = [
        "a",
        "bcdefgh",
        "é",
        "😀",
        r#"\""#,
        r"\\",
        r"\/",
        r"\n",
        r"\t",
        r"\r",
        r"\b",
        r"\f",
        r"\u00e9",
        r"\ud83d\ude00",
        r"\u0041",
    ];
    let mut next = crate::xorshift(0x9e37_79b9_7f4a_7c15u64);
    for case in 0..4000 {
        let count = (next() % 24) as usize;
        let text: String = (0..count)
            .map(|_| pieces[(next() % pieces.len() as u64) as usize])
            .collect();
        same_as_serde_json(&format!("\"{text}\""));
        same_as_serde_json(&format!("[\"{text}\", 1]"));
        // The same, with an invalid escape or a control character after it.
        let bad = if case % 2 == 0 { r"\q" } else { "\u{1}" };
        let document = format!("\"{text}{bad}xx\"");
        let e = error(document.as_bytes());
        let column = 2 + text.chars().count() as u64 + u64::from(case % 2 == 0);
        assert_eq!(e.position.column, column, "{document}");
    }
}

#[test]
fn a_prefix_is_the_first_value_whatever_follows_it() {
    let text = b"  {\"a\": [1, \"x\\ny\"]}\n  , {\"b\": 2}]";
    let mut buffers = Buffers::default();
    let (document, end) = Document::parse_prefix(text, &mut buffers).unwrap();
    assert_eq!(&text[end..], b", {\"b\": 2}]");
    // The newline after the value is the prefix's; the one in a string is
    // an escape, not a line.
    assert_eq!(document.newlines(), (1, end - 2));
    let keys = b"{\n \"a\"\n : 1,\n\"b\"\n:\n2\n} x";
    let mut key_buffers = Buffers::default();
    let (keyed, keyed_end) = Document::parse_prefix(keys, &mut key_buffers).unwrap();
    assert_eq!(keyed.newlines(), (6, keyed_end - 2));
    assert_eq!(
        document.root().to_value(),
        serde_json::json!({"a": [1, "x\ny"]})
    );
    assert_eq!(
        document.position("/a/1"),
        Some(Position {
            line: 1,
            column: 13
        })
    );
    for cut in [b"{\"a\": [1, 2".as_slice(), b"{\"a\": \"x\\", b"  "] {
        let mut buffers = Buffers::default();
        assert!(
            Document::parse_prefix(cut, &mut buffers).is_err(),
            "{cut:?}"
        );
    }
    let mut buffers = Buffers::default();
    assert_eq!(
        Document::parse(b"{} ,", &mut buffers).unwrap_err().message,
        "trailing characters"
    );
}

#[test]
fn indentation_of_any_width_is_whitespace() {
    for width in 0..40 {
        let pad = " ".repeat(width);
        let text = format!("{{\n{pad}\"a\":\n{pad}\t[1,\r\n{pad}2]\n{pad}}}\n{pad}");
        same_as_serde_json(&text);
        let document = parse(text.as_bytes());
        assert_eq!(
            document.position("/a/1"),
            Some(Position {
                line: 4,
                column: width as u64 + 1
            }),
            "{width}"
        );
    }
}

#[test]
fn utf8_is_checked_in_every_string_wherever_the_bad_byte_falls() {
    let bad: [&[u8]; 6] = [
        b"\xff",
        b"\xc3",
        b"\xe2\x82",
        b"\xc0\x80",
        b"\xed\xa0\x80",
        b"\xf4\x90\x80\x80",
    ];
    for before in 0..18 {
        let plain = "a".repeat(before);
        for sequence in bad {
            for (open, close) in [
                ("\"", "\""),
                ("{\"", "\": 1}"),
                ("[\"\\n", "\"]"),
                ("\"\\t", "x\\n\""),
            ] {
                let mut text = Vec::new();
                text.extend_from_slice(open.as_bytes());
                text.extend_from_slice(plain.as_bytes());
                let bad_at = text.len();
                text.extend_from_slice(sequence);
                text.extend_from_slice("é".as_bytes());
                text.extend_from_slice(close.as_bytes());
                let e = error(&text);
                assert_eq!(
                    e.message,
                    "invalid UTF-8",
                    "{}",
                    String::from_utf8_lossy(&text)
                );
                let characters = text[..bad_at].iter().filter(|b| **b & 0xC0 != 0x80).count();
                assert_eq!(e.position.column, characters as u64 + 1);
                assert!(serde_json::from_slice::<Value>(&text).is_err());
            }
            // Outside a string, a byte beyond ASCII is no JSON at all.
            let mut text = b"[1, ".to_vec();
            text.extend_from_slice(sequence);
            text.push(b']');
            assert!(Document::parse(&text, &mut Buffers::default()).is_err());
        }
        for good in [
            "é",
            "€",
            "\u{1f600}",
            "\u{7ff}\u{800}\u{ffff}\u{10000}\u{10ffff}",
        ] {
            same_as_serde_json(&format!(
                r#"{{"{plain}{good}": "{good}{plain}", "k": ["\n{plain}{good}"]}}"#
            ));
        }
    }
}

#[test]
fn every_value_knows_its_pointer() {
    fn walk(item: Item<'_>, pointer: String, seen: &mut usize) {
        assert_eq!(item.pointer().as_deref(), Some(pointer.as_str()));
        *seen += 1;
        if let Some(members) = item.as_object() {
            for (key, value) in members.members() {
                let token = key.replace('~', "~0").replace('/', "~1");
                walk(value, format!("{pointer}/{token}"), seen);
            }
        }
        if let Some(items) = item.as_array() {
            for (i, value) in items.items().enumerate() {
                walk(value, format!("{pointer}/{i}"), seen);
            }
        }
    }
    let text = r#"{"a": [1, [2, [], {}], {"x/y": {"~": null}}], "": {"b": [true]}, "c\u0041": "d", "e": {}}"#;
    let mut seen = 0;
    walk(parse(text.as_bytes()).root(), String::new(), &mut seen);
    assert_eq!(seen, 15);
    let mut seen = 0;
    walk(parse(b"[[[]], 5]").root(), String::new(), &mut seen);
    assert_eq!(seen, 4);
}

#[test]
fn members_and_items_step_over_nested_values() {
    let text = r#"{"a": [1, [2, 3], {"x": 4}], "b": {"c": {}}, "d": 5}"#;
    let document = parse(text.as_bytes());
    let object = document.root().as_object().unwrap();
    assert_eq!(object.len(), 3);
    let keys: Vec<&str> = object.members().map(|(key, _)| key).collect();
    assert_eq!(keys, ["a", "b", "d"]);
    assert!(object.contains_key("d") && !object.contains_key("x"));
    let (_, a) = object.members().next().unwrap();
    let items = a.as_array().unwrap();
    assert_eq!(items.len(), 3);
    let kinds: Vec<Kind> = items.items().map(Item::kind).collect();
    assert_eq!(kinds, [Kind::Number, Kind::Array, Kind::Object]);
    let (_, d) = object.members().nth(2).unwrap();
    assert_eq!(d.as_number(), Some(Num::Uint(5)));
}

fn error(text: &[u8]) -> SyntaxError {
    Document::parse(text, &mut Buffers::default()).unwrap_err()
}

#[test]
fn refuses_what_is_not_json_with_its_position() {
    let e = error(b"{\n  \"a\": tru }");
    assert_eq!((e.position.line, e.position.column), (2, 11), "{e}");
    let e = error(b"[1, 2");
    assert_eq!(e.message, "EOF while parsing a list");
    let e = error(b"{\"a\" 1}");
    assert_eq!(e.message, "expected `:`");
    let e = error(b"{\"a\": 1,\n}");
    assert_eq!(e.message, "trailing comma");
    assert_eq!((e.position.line, e.position.column), (2, 1));
    let e = error(b"[1] 2");
    assert_eq!(e.message, "trailing characters");
    let e = error(b"\"caf\xc3\xa9 \xff\"");
    assert_eq!(e.message, "invalid UTF-8");
    assert_eq!(e.position.column, 7);
    for bad in [
        &b""[..],
        b"01",
        b"1.",
        b"-",
        b"1e",
        b"[1,]",
        b"{\"a\":1,}",
        b"{1: 2}",
        b"\"\\x\"",
        b"\"\\ud800\"",
        b"\"\\udc00\"",
        b"\"a\nb\"",
        b"1e400",
        b"-1e400",
        b"nul",
        b"[}",
    ] {
        assert!(
            Document::parse(bad, &mut Buffers::default()).is_err(),
            "{}",
            String::from_utf8_lossy(bad)
        );
        assert!(
            serde_json::from_slice::<Value>(bad).is_err(),
            "serde_json agrees: {}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn nesting_beyond_the_limit_is_an_error_not_a_crash() {
    let ok = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
    assert!(Document::parse(ok.as_bytes(), &mut Buffers::default()).is_ok());
    let deep = "[".repeat(100_000);
    let e = error(deep.as_bytes());
    assert_eq!(e.message, "recursion limit exceeded");
    assert_eq!(e.position.column, MAX_NESTING as u64 + 1);
}
