//! The `Serialize`/`Deserialize` impls codegen writes out, against the serde
//! derives they replace. `derived` below is what codegen emitted before (the
//! derives and their attributes, schemars left out) for the fixture
//! `fixtures/types/serde_impls.json`; `intercom_tests::fixture_types::serde_impls`
//! is what it emits now. Every input is read by both, through every kind of
//! serde_json deserializer, and must give the same value (compared by
//! `Debug` and by what it writes back) or the same error message, position
//! included.

use std::fmt::Debug;

use intercom_runtime::Nullable;
use intercom_tests::fixture_types::serde_impls as generated;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

#[allow(deprecated, clippy::enum_variant_names)]
mod derived {
    use intercom_runtime::{Nullable, Timestamp};
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Record {
        pub id: String,
        pub count: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "intercom_runtime::nullable::deserialize_present"
        )]
        pub note: Option<Nullable<String>>,
        pub owner: Option<String>,
        #[serde(rename = "fooBar")]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub foo_bar: Option<bool>,
        pub r#type: RecordType,
        #[deprecated]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub legacy: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub created_at: Option<Timestamp>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub score: Option<serde_json::Number>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tags: Option<Vec<State>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub parent: Option<Box<Record>>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "intercom_runtime::nullable::deserialize_present"
        )]
        pub closed: Option<Nullable<Closed>>,
        #[serde(flatten)]
        pub extra: serde_json::Map<String, serde_json::Value>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum State {
        #[serde(rename = "open")]
        Open,
        #[serde(rename = "closed")]
        Closed,
        #[serde(rename = "in_progress")]
        InProgress,
        #[serde(untagged)]
        Other(String),
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Closed {
        pub id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub n: Option<i64>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "intercom_runtime::nullable::deserialize_present"
        )]
        pub x: Option<Nullable<String>>,
        pub y: Option<i64>,
        #[deprecated]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub z: Option<bool>,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ClosedOne {
        pub id: String,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ClosedEmpty {}

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Scores {
        pub total: i64,
        #[serde(flatten)]
        pub extra: std::collections::BTreeMap<String, i64>,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct NullableScores {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub label: Option<String>,
        #[serde(flatten)]
        pub extra: std::collections::BTreeMap<String, Option<i64>>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum RecordType {
        #[serde(rename = "record")]
        Record,
        #[serde(rename = "!~")]
        NotContains,
        #[serde(rename = "")]
        Empty,
        #[serde(untagged)]
        Other(String),
    }
}

/// What reading gave, in a form both types share: `Debug` and the JSON
/// written back, or the error's message.
type Outcome = Result<(String, String), String>;

fn outcome<T: Debug + Serialize>(read: Result<T, serde_json::Error>) -> Outcome {
    read.map(|value| {
        (
            format!("{value:?}"),
            serde_json::to_string(&value).expect("writes"),
        )
    })
    .map_err(|error| error.to_string())
}

/// Reads `input` through each kind of deserializer: from a `&str` (keys and
/// strings borrowed), from a reader (nothing borrowed), and where `input`
/// is JSON at all, from an owned `Value` and from a `&Value`.
fn readings<T: DeserializeOwned + Debug + Serialize>(input: &str) -> Vec<(&'static str, Outcome)> {
    let mut readings = vec![
        ("from_str", outcome(serde_json::from_str::<T>(input))),
        (
            "from_reader",
            outcome(serde_json::from_reader::<_, T>(input.as_bytes())),
        ),
    ];
    if let Ok(value) = serde_json::from_str::<Value>(input) {
        readings.push((
            "from_value",
            outcome(serde_json::from_value::<T>(value.clone())),
        ));
        readings.push(("from &Value", outcome(T::deserialize(&value))));
    }
    readings
}

/// `Old` and `New` read every input alike.
fn same<Old, New>(inputs: &[&str])
where
    Old: DeserializeOwned + Debug + Serialize,
    New: DeserializeOwned + Debug + Serialize,
{
    for input in inputs {
        let old = readings::<Old>(input);
        let new = readings::<New>(input);
        for ((how, old), (_, new)) in old.iter().zip(&new) {
            assert_eq!(
                old,
                new,
                "{input} read {how} as {}",
                std::any::type_name::<New>()
            );
        }
    }
}

#[test]
fn structs_that_keep_unknown_properties_read_as_the_derive_read_them() {
    same::<derived::Record, generated::Record>(&[
        r#"{"id":"1","count":2,"owner":null,"type":"record"}"#,
        // Every field, unknown properties among them and after them.
        r#"{"zz":[1,2.5,{"a":null}],"id":"1","count":-2,"name":"n","note":"x","owner":"o",
            "fooBar":true,"type":"!~","legacy":"l","created_at":1663597223,"score":2.5,
            "big":18446744073709551615,"tags":["open","in_progress","new"],
            "parent":{"id":"2","count":0,"owner":null,"type":"","q":{}},
            "closed":{"id":"c","y":3,"x":null},"after":"last"}"#,
        // Absent, null and a value stay apart where the type says so.
        r#"{"id":"1","count":2,"owner":null,"type":"record","note":null,"closed":null}"#,
        r#"{"id":"1","count":2,"owner":null,"type":"record","name":null}"#,
        // A required nullable field that is missing reads as `None`.
        r#"{"id":"1","count":2,"type":"record"}"#,
        // Missing required fields, the first in declaration order named.
        r#"{"count":2,"owner":null,"type":"record"}"#,
        r#"{"owner":null}"#,
        r#"{"id":"1","count":2,"owner":null}"#,
        // A field twice, even when the first was null; an unknown one twice.
        r#"{"id":"1","count":2,"owner":null,"type":"record","id":"2"}"#,
        r#"{"id":"1","count":2,"owner":null,"type":"record","name":null,"name":"x"}"#,
        r#"{"id":"1","count":2,"owner":null,"type":"record","note":null,"note":"x"}"#,
        r#"{"id":"1","count":2,"owner":null,"type":"record","u":1,"v":0,"u":2}"#,
        // The JSON name, not the Rust one.
        r#"{"id":"1","count":2,"owner":null,"type":"record","foo_bar":true}"#,
        // Escaped keys and values.
        r#"{"\u0069d":"1","count":2,"owner":null,"type":"rec\u006frd","a\nb":"\u00e9"}"#,
        // Wrong types, at every depth.
        r#"{"id":1,"count":2,"owner":null,"type":"record"}"#,
        r#"{"id":"1","count":1.5,"owner":null,"type":"record"}"#,
        r#"{"id":"1","count":2,"owner":null,"type":5}"#,
        r#"{"id":"1","count":2,"owner":null,"type":"record","tags":["open",1]}"#,
        r#"{"id":"1","count":2,"owner":null,"type":"record","closed":{"id":"c","y":1,"q":1}}"#,
        r#"{"id":"1","count":2,"owner":null,"type":"record","closed":["c",1,null,2]}"#,
        r#"{"id":"1","count":2,"owner":null,"type":"record","parent":{"id":"2"}}"#,
        r#"{"id":"1","count":2,"owner":null,"type":"record","score":"x"}"#,
        // Not an object; not JSON.
        "[]",
        r#"["1",2,null,"record"]"#,
        r#""record""#,
        "5",
        "null",
        r#"{"id":"1",}"#,
        r#"{"id":"1","count":2,"owner":null,"type":"record","x":[1,}"#,
        r#"{"id":"1","count":2,"owner":null,"type":"record","x":1e400}"#,
    ]);
}

#[test]
fn closed_structs_read_as_the_derive_read_them() {
    same::<derived::Closed, generated::Closed>(&[
        r#"{"id":"1","y":null}"#,
        r#"{"y":2,"z":true,"x":"s","n":1,"id":"1"}"#,
        r#"{"id":"1"}"#,
        r#"{"y":null}"#,
        r#"{"id":"1","y":1,"q":1}"#,
        r#"{"id":"1","y":1,"y":2}"#,
        r#"{"id":"1","x":null}"#,
        // A struct also reads from a sequence of its fields, in order.
        r#"["1"]"#,
        r#"["1",2,null,3]"#,
        r#"["1",2,"x",3,true]"#,
        r#"["1",2,"x",3,true,9]"#,
        "[]",
        r#""1""#,
    ]);
    same::<derived::ClosedOne, generated::ClosedOne>(&[
        r#"{"id":"1"}"#,
        "{}",
        r#"{"id":"1","id":"2"}"#,
        r#"{"x":1}"#,
        r#"["1"]"#,
        "[]",
    ]);
    same::<derived::ClosedEmpty, generated::ClosedEmpty>(&["{}", r#"{"a":1}"#, "[]", "[1]", "1"]);
}

#[test]
fn maps_of_a_schema_read_as_the_derive_read_them() {
    same::<derived::Scores, generated::Scores>(&[
        r#"{"total":1}"#,
        r#"{"b":2,"total":1,"a":3}"#,
        r#"{"total":1,"total":2}"#,
        r#"{"a":1,"a":2,"total":1}"#,
        r#"{"a":1}"#,
    ]);
    same::<derived::NullableScores, generated::NullableScores>(&[
        r#"{}"#,
        r#"{"a":null,"label":"x","b":1}"#,
        r#"{"label":null}"#,
    ]);
}

#[test]
fn string_enums_read_as_the_derive_read_them() {
    let inputs = [
        r#""open""#,
        r#""in_progress""#,
        r#""escalated""#,
        r#""""#,
        r#""!~""#,
        r#""rec\u006frd""#,
        r#""\u006fpen""#,
        "5",
        "-1",
        "2.5",
        "true",
        "null",
        "[]",
        r#"["open"]"#,
        r#"{"x":1}"#,
        r#"[1,{"a":[2]}]"#,
        r#"["open",}"#,
    ];
    same::<derived::State, generated::State>(&inputs);
    same::<derived::RecordType, generated::RecordType>(&inputs);
    same::<Vec<derived::State>, Vec<generated::State>>(&[
        r#"["open","x"]"#,
        r#"["open",5]"#,
        r#"["open",[1,2],"closed"]"#,
    ]);
}

/// Where the impls and the derive part: on payloads no validator accepts,
/// and for the reasons below.
#[test]
fn where_the_derive_differed() {
    // The derive read an enum's variant from a map of one key (serde's
    // externally tagged form): `{"open": null}` read as `open` and was
    // written back as `"open"`. A string enum reads only strings now.
    let old: derived::State = serde_json::from_str(r#"{"open":null}"#).unwrap();
    assert_eq!(old, derived::State::Open);
    assert_eq!(
        serde_json::from_str::<generated::State>(r#"{"open":null}"#)
            .unwrap_err()
            .to_string(),
        "data did not match any variant of untagged enum State"
    );
    // The derive kept the values of unknown properties aside and read them
    // into the map's type once the object had been read; they are read in
    // place now. So a value of the wrong type is reported where it stands
    // (the derive: at the end of the object), and before a missing field
    // (the derive: after).
    let input = r#"{"a":"x","total":1}"#;
    assert_eq!(
        serde_json::from_str::<derived::Scores>(input)
            .unwrap_err()
            .to_string(),
        "invalid type: string \"x\", expected i64 at line 1 column 19"
    );
    assert_eq!(
        serde_json::from_str::<generated::Scores>(input)
            .unwrap_err()
            .to_string(),
        "invalid type: string \"x\", expected i64 at line 1 column 8"
    );
    let input = r#"{"a":"x"}"#;
    assert_eq!(
        serde_json::from_str::<derived::Scores>(input)
            .unwrap_err()
            .to_string(),
        "missing field `total` at line 1 column 9"
    );
    assert_eq!(
        serde_json::from_str::<generated::Scores>(input)
            .unwrap_err()
            .to_string(),
        "invalid type: string \"x\", expected i64 at line 1 column 8"
    );
}

#[test]
fn values_built_in_code_are_written_as_the_derive_wrote_them() {
    #[allow(deprecated)]
    let (old, new) = (
        derived::Closed {
            id: "1".into(),
            n: None,
            x: Some(Nullable::Null),
            y: None,
            z: Some(false),
        },
        generated::Closed {
            id: "1".into(),
            n: None,
            x: Some(Nullable::Null),
            y: None,
            z: Some(false),
        },
    );
    assert_eq!(
        serde_json::to_string(&old).unwrap(),
        serde_json::to_string(&new).unwrap()
    );
    assert_eq!(
        serde_json::to_value(&old).unwrap(),
        serde_json::to_value(&new).unwrap()
    );
    // A kept property under a field's name is written after the field, as
    // the derive did (serde_json writes both; a `Value` keeps the last).
    let extra = json!({"total": 5, "a": 1});
    let old = derived::Scores {
        total: 1,
        extra: serde_json::from_value(extra.clone()).unwrap(),
    };
    let new = generated::Scores {
        total: 1,
        extra: serde_json::from_value(extra).unwrap(),
    };
    assert_eq!(
        serde_json::to_string(&old).unwrap(),
        serde_json::to_string(&new).unwrap()
    );
    assert_eq!(
        serde_json::to_value(&old).unwrap(),
        serde_json::to_value(&new).unwrap()
    );
    assert_eq!(
        serde_json::to_string_pretty(&old).unwrap(),
        serde_json::to_string_pretty(&new).unwrap()
    );
}
