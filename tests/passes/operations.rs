//! `operations`: the registry, routing and typed responses, snapshotted on a
//! fixture reference and checked on the whole generated crate (every
//! operation of the pinned reference).

use std::collections::BTreeSet;

use intercom_codegen::import::{self, Options, Selection};
use intercom_codegen::model::Model;
use intercom_codegen::{operations, output, source, types};
use intercom_models::operations as ops;
use intercom_models::{OPERATIONS, ResponseError, operation, route};
use serde_json::{Value, json};

#[test]
fn fixtures() {
    insta::glob!("../fixtures/operations", "*.yaml", |path| {
        let bytes = std::fs::read(path).unwrap();
        let name =
            std::path::Path::new("tests/fixtures/operations").join(path.file_name().unwrap());
        let doc = source::parse(&name, &bytes).unwrap();
        let imported = import::import(
            &doc,
            &Options {
                selection: Selection::All,
                strict: false,
            },
        )
        .unwrap();
        let model = Model::parse(&imported.schema).unwrap();
        let plan = types::plan(&model).unwrap();
        let rendered =
            output::render(operations::emit(&model, &plan), &name.display().to_string()).unwrap();
        insta::with_settings!({ omit_expression => true }, {
            insta::assert_snapshot!(rendered);
        });
    });
}

/// A concrete value for each parameter of a template, none of which is a
/// literal segment of any path.
fn concrete(template: &str) -> (String, Vec<(String, String)>) {
    let mut params = Vec::new();
    let path = template
        .split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => {
                    let value = format!("v{}-{}", params.len(), name.len());
                    params.push((name.to_owned(), value.clone()));
                    value
                }
                None => segment.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("/");
    (path, params)
}

#[test]
fn every_operation_routes_back_to_itself_with_its_parameters() {
    assert!(
        OPERATIONS.len() > 200,
        "the whole API: {}",
        OPERATIONS.len()
    );
    let hosts = [
        "",
        "https://api.intercom.io",
        "https://api.eu.intercom.io",
        "https://api.au.intercom.io",
        "http://127.0.0.1:4010",
    ];
    let mut checked = 0;
    for op in OPERATIONS {
        let (path, params) = concrete(op.path);
        for host in hosts {
            for suffix in ["", "/", "?page=2&per_page=5", "/?x=1#frag"] {
                let target = format!("{host}{path}{suffix}");
                let routed = route(op.method, &target)
                    .unwrap_or_else(|| panic!("{} {target} routes nowhere", op.method));
                assert_eq!(routed.operation.id, op.id, "{} {target}", op.method);
                let got: Vec<(String, String)> = routed
                    .params
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.clone()))
                    .collect();
                assert_eq!(got, params, "{} {target}", op.method);
                checked += 1;
            }
        }
        assert_eq!(
            route(&op.method.to_lowercase(), &path).map(|r| r.operation.id),
            Some(op.id)
        );
    }
    assert_eq!(checked, OPERATIONS.len() * 20);
}

/// Pairs such as `/companies/list` and `/companies/{company_id}`: the
/// literal wins whatever order the reference writes them in.
/// Whether the literal template `literal` has a literal segment where
/// `template` has a parameter, and they agree everywhere else: a path of
/// the first one matches both.
fn overlaps(literal: &str, template: &str) -> bool {
    let (a, b): (Vec<_>, Vec<_>) = (literal.split('/').collect(), template.split('/').collect());
    a.len() == b.len()
        && a.iter().zip(&b).all(|(x, y)| x == y || y.starts_with('{'))
        && a.iter()
            .zip(&b)
            .any(|(x, y)| !x.starts_with('{') && y.starts_with('{'))
}

/// Pairs such as `/companies/list` and `/companies/{company_id}`: the
/// literal wins whatever order the reference writes them in.
#[test]
fn literal_segments_win_over_templates() {
    let paths: BTreeSet<&str> = OPERATIONS.iter().map(|op| op.path).collect();
    let path_pairs = paths
        .iter()
        .flat_map(|a| paths.iter().map(move |b| (a, b)))
        .filter(|(a, b)| overlaps(a, b))
        .count();
    assert!(
        path_pairs >= 15,
        "only {path_pairs} literal/template pairs of paths"
    );
    let mut same_method = 0;
    for literal in OPERATIONS {
        for template in OPERATIONS {
            if literal.method != template.method || !overlaps(literal.path, template.path) {
                continue;
            }
            same_method += 1;
            let (path, _) = concrete(literal.path);
            assert_eq!(
                route(literal.method, &path).map(|r| r.operation.id),
                Some(literal.id),
                "{} {path} is {} rather than {}",
                literal.method,
                literal.path,
                template.path
            );
        }
    }
    assert!(
        same_method >= 5,
        "only {same_method} pairs under one method"
    );
}

#[test]
fn the_registry_lists_every_operation_once_by_id() {
    let ids: BTreeSet<&str> = OPERATIONS.iter().map(|op| op.id).collect();
    assert_eq!(ids.len(), OPERATIONS.len());
    assert!(OPERATIONS.windows(2).all(|w| w[0].id < w[1].id));
    for op in OPERATIONS {
        assert_eq!(operation(op.id), Some(op));
    }
    assert_eq!(operation("noSuchOperation"), None);
    // 2.14 and later export reporting data through operations without an id.
    let derived: Vec<&str> = OPERATIONS
        .iter()
        .filter(|op| op.id_derived)
        .map(|op| op.id)
        .collect();
    assert!(
        derived.contains(&"getDownloadReportingDataJobIdentifier"),
        "{derived:?}"
    );
    let contacts = operation("ListContacts").unwrap();
    assert_eq!((contacts.method, contacts.path), ("GET", "/contacts"));
    assert!(contacts.tags.contains(&"Contacts"));
    assert!(contacts.summary.is_some());
    assert_eq!(
        contacts.response(200).unwrap().body.unwrap().schema,
        Some("contact_list")
    );
    assert_eq!(
        contacts.response(401).unwrap().body.unwrap().schema,
        Some("error")
    );
    assert_eq!(contacts.response(500), None);
}

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

#[test]
fn responses_read_into_the_type_of_their_status_and_back() {
    let list = json!({"type": "list", "data": [], "total_count": 0,
                      "pages": {"type": "pages", "page": 1, "per_page": 50, "total_pages": 0},
                      "added_in_a_later_version": [1, 2]});
    match ops::list_contacts::Response::from_response(200, &bytes(&list)).unwrap() {
        ops::list_contacts::Response::Ok(read) => {
            assert_eq!(serde_json::to_value(&read).unwrap(), list)
        }
        other => panic!("not Ok: {other:?}"),
    }
    let error = json!({"type": "error.list", "request_id": "r1",
                       "errors": [{"code": "unauthorized", "message": "Access Token Invalid"}]});
    let read = ops::list_contacts::Response::from_response(401, &bytes(&error)).unwrap();
    assert_eq!(read.status(), 401);
    let ops::list_contacts::Response::Unauthorized(body) = read else {
        panic!("not Unauthorized")
    };
    assert_eq!(serde_json::to_value(&body).unwrap(), error);
    // Undocumented: kept whole.
    let read = ops::list_contacts::Response::from_response(503, b"{\"a\":[1]}").unwrap();
    assert_eq!(
        read,
        ops::list_contacts::Response::Unknown {
            status: 503,
            body: json!({"a": [1]})
        }
    );
    assert_eq!(read.status(), 503);
    let read = ops::list_contacts::Response::from_response(502, b"").unwrap();
    assert_eq!(read.status(), 502);
}

#[test]
fn bodies_that_do_not_read_are_errors_naming_status_and_schema() {
    let error =
        ops::list_contacts::Response::from_response(200, b"{\"type\": \"list\", \"data\": 5}")
            .unwrap_err();
    assert!(matches!(
        error,
        ResponseError::Json {
            status: 200,
            schema: Some("contact_list"),
            ..
        }
    ));
    let message = error.to_string();
    assert!(
        message.starts_with("the body of a 200 response does not read as `contact_list`"),
        "{message}"
    );
    let error =
        ops::list_contacts::Response::from_response(502, b"<html>bad gateway</html>").unwrap_err();
    assert!(error.to_string().contains("line 1 column 1"), "{error}");
}

#[test]
fn no_content_and_default_responses() {
    let read = ops::delete_audience::Response::from_response(204, b"").unwrap();
    assert_eq!(read, ops::delete_audience::Response::NoContent);
    assert_eq!(read.status(), 204);
    // A body where none is documented is kept, not dropped.
    let read = ops::delete_audience::Response::from_response(204, b"{\"x\":1}").unwrap();
    assert_eq!(
        read,
        ops::delete_audience::Response::Unknown {
            status: 204,
            body: json!({"x": 1})
        }
    );
    // `default` takes every status the operation does not list, and keeps it.
    let op = operation("collectFinVoiceCallById").unwrap();
    let default = op.response(503).unwrap();
    assert_eq!(default.status, "default");
    assert_eq!(default.body.unwrap().schema, Some("error"));
    let error = json!({"type": "error.list", "errors": [{"code": "server_error"}]});
    let read =
        ops::collect_fin_voice_call_by_id::Response::from_response(503, &bytes(&error)).unwrap();
    assert_eq!(read.status(), 503);
    let ops::collect_fin_voice_call_by_id::Response::Default { status: 503, body } = read else {
        panic!("not Default: {read:?}")
    };
    assert_eq!(serde_json::to_value(&body).unwrap(), error);
}

/// The fixture whose operations are named `std`, `serde`, `serde_json`,
/// `core`, `intercom_runtime` and `regex` compiles (every path the generated
/// code names is `::`-rooted), routes and reads its responses.
#[test]
fn names_that_collide_with_crates_compile_and_work() {
    use intercom_tests::fixture_operations::colliding_names::operations::{
        self as colliding, route,
    };

    let found = route("GET", "https://mock.test/core/7").expect("routes");
    assert_eq!(found.operation.id, "core");
    assert_eq!(found.params, vec![("core", "7".to_owned())]);
    let read = colliding::serde::Response::from_response(200, br#"{"vec": ["a"], "box": {}}"#)
        .expect("reads");
    let colliding::serde::Response::Ok(body) = &read else {
        panic!("200 is the documented success: {read:?}");
    };
    assert_eq!(body.vec.as_deref(), Some(&["a".to_owned()][..]));
    // An exact code beside a range: 2XX takes the codes the operation does not
    // document one by one.
    let created =
        colliding::serde_json::Response::from_response(201, br#"{"k": "v"}"#).expect("reads");
    assert!(matches!(
        created,
        colliding::serde_json::Response::Success { status: 201, .. }
    ));
    let deleted = colliding::intercom_runtime::Response::from_response(204, b"").expect("reads");
    assert_eq!(deleted.status(), 204);
    let surprise = colliding::intercom_runtime::Response::from_response(204, b"{}").expect("reads");
    assert!(matches!(
        surprise,
        colliding::intercom_runtime::Response::Unknown { status: 204, .. }
    ));
}
