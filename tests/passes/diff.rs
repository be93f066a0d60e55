//! `cargo xtask diff` on fixture pairs: one pair per change kind and
//! direction (snapshots of the text and JSON reports), and equivalent
//! descriptions that must give an empty report.

use std::path::{Path, PathBuf};

use intercom_codegen::diff::{self, Side, Verdict, report::Format};

/// Fixture directories holding an `old.yaml` and a `new.yaml`, sorted, as
/// paths relative to the tests package (so reports name them the same
/// everywhere).
fn pairs(under: &str) -> Vec<PathBuf> {
    let found = intercom_tests::diff_pairs(&intercom_tests::fixture(under));
    assert!(!found.is_empty(), "no fixture pairs under {under}");
    found
        .into_iter()
        .map(|dir| {
            dir.strip_prefix(intercom_tests::tests_dir())
                .unwrap()
                .to_path_buf()
        })
        .collect()
}

fn run(dir: &Path) -> diff::Report {
    let base = intercom_tests::tests_dir();
    // Reports name the inputs as given: relative, so snapshots do not depend
    // on where the checkout is.
    std::env::set_current_dir(&base).unwrap();
    let old = Side::load(&dir.join("old.yaml"), false).unwrap();
    let new = Side::load(&dir.join("new.yaml"), false).unwrap();
    diff::diff(&old, &new, &diff::Options::default()).unwrap()
}

fn snapshot_name(dir: &Path) -> String {
    dir.strip_prefix("fixtures/diff")
        .unwrap()
        .to_string_lossy()
        .replace(['/', '\\'], "__")
}

#[test]
fn every_change_kind_in_every_direction() {
    for dir in pairs("diff") {
        if dir.starts_with("fixtures/diff/equivalent") {
            continue;
        }
        let report = run(&dir);
        assert!(
            !report.changes.is_empty(),
            "{}: a change fixture reports nothing",
            dir.display()
        );
        let name = snapshot_name(&dir);
        insta::assert_snapshot!(format!("{name}__text"), report.render(Format::Text));
        insta::assert_snapshot!(format!("{name}__json"), report.render(Format::Json));
    }
}

/// Every change kind is reported by at least one fixture pair.
#[test]
fn every_change_kind_has_a_fixture() {
    let seen: std::collections::BTreeSet<diff::Kind> = pairs("diff")
        .iter()
        .flat_map(|dir| run(dir).changes.into_iter().map(|c| c.kind))
        .collect();
    let missing: Vec<&str> = diff::Kind::ALL
        .iter()
        .filter(|kind| !seen.contains(kind))
        .map(|kind| kind.id())
        .collect();
    assert!(missing.is_empty(), "no fixture reports {missing:?}");
}

#[test]
fn equivalent_descriptions_give_an_empty_report() {
    for dir in pairs("diff/equivalent") {
        let report = run(&dir);
        assert!(
            report.changes.is_empty(),
            "{}: expected no change, got {:#?}",
            dir.display(),
            report.changes
        );
    }
}

#[test]
fn a_fixture_against_itself_gives_nothing() {
    for dir in pairs("diff") {
        let base = intercom_tests::tests_dir();
        let new = Side::load(&base.join(&dir).join("new.yaml"), false).unwrap();
        let report = diff::diff(&new, &new, &diff::Options::default()).unwrap();
        assert!(report.changes.is_empty(), "{}", dir.display());
    }
}

/// The direction table of the README, cell by cell: the verdict of each
/// property-level fixture in a request, in a response and in both.
#[test]
fn verdicts_follow_the_direction() {
    use Verdict::{Absorbed as A, Breaking as B, NonBreaking as N};
    let table: &[(&str, Verdict, Verdict)] = &[
        ("property_added_optional", N, A),
        ("property_added_required", B, A),
        ("property_removed", B, B),
        ("type_changed", B, B),
        ("format_changed", B, B),
        ("became_required", B, N),
        ("became_optional", N, B),
        ("became_nullable", N, B),
        ("became_not_nullable", B, N),
        ("enum_value_added", N, A),
        ("enum_value_removed", B, N),
        ("enum_constrained", B, N),
        ("enum_unconstrained", N, A),
        ("branch_added", N, B),
        ("branch_removed", B, N),
        ("constraint_tightened", B, N),
        ("constraint_loosened", N, B),
        ("additional_properties_closed", B, N),
        ("ref_target_changed", B, B),
        ("discriminator_changed", B, B),
    ];
    for (case, request, response) in table {
        let worst = |dir: &str| {
            let report = run(Path::new(&format!("fixtures/diff/{case}/{dir}")));
            report
                .changes
                .iter()
                .map(|c| c.verdict)
                .min()
                .unwrap_or_else(|| panic!("{case}/{dir}: no change"))
        };
        assert_eq!(worst("request"), *request, "{case} in a request");
        assert_eq!(worst("response"), *response, "{case} in a response");
        assert_eq!(
            worst("both"),
            (*request).min(*response),
            "{case} in both directions takes the stricter verdict"
        );
    }
}

#[test]
fn a_rename_is_hinted_and_keeps_both_verdicts() {
    let report = run(Path::new("fixtures/diff/renamed/both"));
    let removed = report
        .changes
        .iter()
        .find(|c| c.kind == diff::Kind::PropertyRemoved)
        .unwrap();
    assert_eq!(
        removed.renamed_to.as_deref(),
        Some("/properties/job_identifier")
    );
    let added = report
        .changes
        .iter()
        .find(|c| c.kind == diff::Kind::PropertyAddedOptional)
        .unwrap();
    assert_eq!(
        added.renamed_from.as_deref(),
        Some("/properties/job_identfier")
    );
}

/// A branch added to or removed from an `anyOf` is named by the keyword
/// that lists it.
#[test]
fn branches_are_named_by_the_keyword_that_lists_them() {
    let report = run(Path::new("fixtures/diff/any_of_branches/response"));
    let ids: Vec<&str> = report.changes.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "branch-added thing#/properties/gains/anyOf/2",
            "branch-removed thing#/properties/loses/anyOf/2",
        ]
    );
}

/// The JSON report is valid against the schema README.md documents.
#[test]
fn json_output_matches_its_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            intercom_tests::project_root().join("xtask/diff-report.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for dir in pairs("diff") {
        let report: serde_json::Value =
            serde_json::from_str(&run(&dir).render(Format::Json)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", dir.display());
    }
    // The premise: the schema rejects a change without a verdict.
    let bad = serde_json::json!({"old": "a", "new": "b", "changes": [{"id": "x"}]});
    assert!(!validator.is_valid(&bad));
}

/// The payloads under `absorbed.json` in a pair: `[{"schema", "payload"}]`.
fn proofs(dir: &str) -> Vec<(String, serde_json::Value)> {
    let path = intercom_tests::fixture("diff")
        .join(dir)
        .join("absorbed.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{}: the pair reports absorbed changes, so it needs payloads that prove them",
            path.display()
        )
    });
    let list: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    list.into_iter()
        .map(|p| {
            (
                p["schema"].as_str().unwrap().to_owned(),
                p["payload"].clone(),
            )
        })
        .collect()
}

fn any_value(haystack: &serde_json::Value, test: &dyn Fn(&serde_json::Value) -> bool) -> bool {
    test(haystack)
        || match haystack {
            serde_json::Value::Array(items) => items.iter().any(|v| any_value(v, test)),
            serde_json::Value::Object(map) => map.values().any(|v| any_value(v, test)),
            _ => false,
        }
}

fn contains_key(haystack: &serde_json::Value, key: &str) -> bool {
    match haystack {
        serde_json::Value::Array(items) => items.iter().any(|v| contains_key(v, key)),
        serde_json::Value::Object(map) => {
            map.contains_key(key) || map.values().any(|v| contains_key(v, key))
        }
        _ => false,
    }
}

/// The JSON Schema `cargo xtask import --all` derives from a fixture.
fn imported(path: &Path) -> serde_json::Value {
    let document = intercom_codegen::source::load(&intercom_tests::tests_dir().join(path)).unwrap();
    let options = intercom_codegen::import::Options {
        selection: intercom_codegen::import::Selection::All,
        strict: true,
    };
    intercom_codegen::import::import(&document, &options)
        .unwrap()
        .schema
}

/// Item 6 of the diff issue: an absorbed change is proven. A payload of the
/// new version that uses it is valid against the new schema (by the jsonschema
/// crate, on the imported schema), reads into the OLD generated type and writes back to the same JSON; and the behaviour
/// change the report names (catch-all variant or unknown-properties map
/// today, a variant or a field after regenerating) is what the old and new
/// types really do with it.
#[test]
fn absorbed_changes_are_proven_by_the_old_generated_types() {
    let mut proven = 0;
    for dir in pairs("diff") {
        let report = run(&dir);
        let absorbed: Vec<_> = report
            .changes
            .iter()
            .filter(|c| c.verdict == Verdict::Absorbed)
            .collect();
        if absorbed.is_empty() {
            continue;
        }
        let relative = dir
            .strip_prefix("fixtures/diff")
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let proofs = proofs(&relative);
        let pair = intercom_tests::fixture_diff::PAIRS
            .iter()
            .find(|pair| pair.dir == relative)
            .expect("build.rs compiles the types of every pair with an absorbed.json");
        let new_schema = imported(&Path::new("fixtures/diff").join(pair.dir).join("new.yaml"));
        for (schema, payload) in &proofs {
            // Judged by an independent validator, on the imported new schema.
            let mut root = new_schema.clone();
            root["$ref"] = serde_json::json!(format!("#/$defs/{schema}"));
            let validator = jsonschema::options()
                .should_validate_formats(true)
                .build(&root)
                .unwrap();
            let errors: Vec<String> = validator
                .iter_errors(payload)
                .map(|e| e.to_string())
                .collect();
            assert!(
                errors.is_empty(),
                "{}: the proof payload is not a payload of the new version: {errors:?}",
                pair.dir
            );
            let (written, _) = (pair.old_round_trip)(schema, payload)
                .unwrap_or_else(|| panic!("{}: no schema `{schema}` on the old side", pair.dir))
                .unwrap_or_else(|e| {
                    panic!(
                        "{}: the old type does not read the new payload: {e}",
                        pair.dir
                    )
                });
            assert_eq!(&written, payload, "{}: the old type loses data", pair.dir);
        }
        for change in absorbed {
            let rust = change
                .rust
                .as_ref()
                .expect("an absorbed change has a Rust view");
            let behaviour = rust
                .behaviour
                .as_deref()
                .unwrap_or_else(|| panic!("{}: {} names no behaviour change", pair.dir, change.id));
            let before = rust
                .before
                .as_deref()
                .expect("absorbed: read somewhere today");
            let property = change.pointer.rsplit('/').next().unwrap();
            // What the old and new types show, in Debug, when they read it.
            let (today, after_regenerating) = match change.kind {
                diff::Kind::EnumValueAdded => {
                    let catch_all = before.rsplit_once("::").unwrap().1.to_owned();
                    (catch_all.clone(), catch_all)
                }
                diff::Kind::PropertyAddedOptional | diff::Kind::PropertyAddedRequired => {
                    let map = before.split_once('.').unwrap().1.split_once('[').unwrap().0;
                    let kept = format!("{map}: {{\"{property}\": ");
                    (kept.clone(), kept)
                }
                diff::Kind::EnumUnconstrained => {
                    // `Type::CatchAll(..)`, as the behaviour names it.
                    let catch_all = behaviour
                        .split('`')
                        .find_map(|span| span.strip_suffix("(..)"))
                        .and_then(|path| path.rsplit_once("::"))
                        .map(|(_, variant)| format!("{variant}("))
                        .expect("the behaviour names the catch-all");
                    (catch_all.clone(), catch_all)
                }
                other => panic!("{}: no proof rule for absorbed {}", pair.dir, other.id()),
            };
            let outside_old_enum = |value: &serde_json::Value| {
                value.is_string() && !any_value(&change.old, &|v| v == value)
            };
            let uses = |payload: &serde_json::Value| match change.kind {
                diff::Kind::EnumValueAdded => any_value(payload, &|v| *v == change.new),
                diff::Kind::EnumUnconstrained => any_value(payload, &outside_old_enum),
                _ => contains_key(payload, property),
            };
            let (schema, payload) = proofs
                .iter()
                .find(|(_, payload)| uses(payload))
                .unwrap_or_else(|| panic!("{}: no proof payload uses {}", pair.dir, change.id));
            let (_, old_debug) = (pair.old_round_trip)(schema, payload).unwrap().unwrap();
            let (new_written, new_debug) = (pair.new_round_trip)(schema, payload)
                .unwrap()
                .unwrap_or_else(|e| panic!("{}: the new type does not read it: {e}", pair.dir));
            assert_eq!(&new_written, payload, "{}", pair.dir);
            assert!(
                old_debug.contains(&today),
                "{}: the report says `{before}` today ({behaviour}), the old type reads {old_debug}",
                pair.dir
            );
            assert!(
                !new_debug.contains(&after_regenerating),
                "{}: the report says {behaviour}, the new type reads {new_debug}",
                pair.dir
            );
            proven += 1;
        }
    }
    assert!(proven >= 5, "only {proven} absorbed changes proven");
}

/// A named item of a generated file.
fn item<'f>(file: &'f syn::File, name: &str) -> Option<&'f syn::Item> {
    file.items.iter().find(|item| match item {
        syn::Item::Struct(s) => s.ident == name,
        syn::Item::Enum(e) => e.ident == name,
        syn::Item::Type(t) => t.ident == name,
        _ => false,
    })
}

/// A type as tokens. The report names types by their last path segment, as
/// user code that imports them writes them (`Nullable`, `Value`, `BTreeMap`).
fn tokens(ty: &syn::Type) -> String {
    let mut text = quote::ToTokens::to_token_stream(ty).to_string();
    for path in [
        ":: intercom_runtime :: ",
        ":: serde_json :: ",
        ":: std :: collections :: ",
    ] {
        text = text.replace(path, "");
    }
    text
}

/// Checks one side of a Rust view (`Type.field: Ty`, `Type.map["p"]`,
/// `Type.field`, `Type::Variant`, `Type::Catch("v")` or `Type (kind)`) against the code
/// codegen emits for that side; the error says what differs.
fn check_view(file: &syn::File, view: &str) -> Result<(), String> {
    let find = |name: &str| item(file, name).ok_or(format!("no item `{name}`"));
    let field = |name: &str, field: &str| -> Result<syn::Type, String> {
        let syn::Item::Struct(s) = find(name)? else {
            return Err(format!("`{name}` is not a struct"));
        };
        s.fields
            .iter()
            .find(|f| f.ident.as_ref().is_some_and(|i| i == field))
            .map(|f| f.ty.clone())
            .ok_or(format!("struct `{name}` has no field `{field}`"))
    };
    if let Some((name, kind)) = view.split_once(" (") {
        let kind = kind.trim_end_matches(')');
        let found = match find(name)? {
            syn::Item::Struct(_) => "struct",
            syn::Item::Enum(_) => "enum",
            _ => "type",
        };
        return (found == kind)
            .then_some(())
            .ok_or(format!("`{name}` is a {found}"));
    }
    if let Some((path, ty)) = view.split_once(": ") {
        let (name, member) = path.split_once('.').ok_or("no member")?;
        let expected: syn::Type = syn::parse_str(ty).map_err(|e| format!("`{ty}`: {e}"))?;
        let found = field(name, member)?;
        return (tokens(&found) == tokens(&expected))
            .then_some(())
            .ok_or(format!("`{name}.{member}` is `{}`", tokens(&found)));
    }
    if let Some((name, rest)) = view.split_once('.') {
        // `Type.map["key"]`, or `Type.field` alone.
        let member = rest.split_once('[').map_or(rest, |(map, _)| map);
        return field(name, member).map(|_| ());
    }
    let (name, variant) = view.split_once("::").ok_or("not a type member")?;
    let variant = variant.split_once('(').map_or(variant, |(v, _)| v);
    let syn::Item::Enum(e) = find(name)? else {
        return Err(format!("`{name}` is not an enum"));
    };
    e.variants
        .iter()
        .any(|v| v.ident == variant)
        .then_some(())
        .ok_or(format!("enum `{name}` has no variant `{variant}`"))
}

/// The Rust view of every change of every fixture names, before and after,
/// what codegen really emits for the old and the new fragment.
#[test]
fn rust_views_match_the_generated_code() {
    let generated = |path: &Path| {
        let side = Side::load(path, false).unwrap();
        let plan = intercom_codegen::types::plan(&side.model).unwrap();
        let text =
            intercom_codegen::output::render(intercom_codegen::types::emit_items(&plan), "fixture")
                .unwrap();
        syn::parse_file(&text).unwrap()
    };
    let mut checked = 0;
    for dir in pairs("diff") {
        let base = intercom_tests::tests_dir().join(&dir);
        let (old, new) = (
            generated(&base.join("old.yaml")),
            generated(&base.join("new.yaml")),
        );
        for change in &run(&dir).changes {
            let Some(rust) = &change.rust else { continue };
            let sides = [
                (&old, &rust.before, "old", &rust.after),
                (&new, &rust.after, "new", &rust.before),
            ];
            for (file, view, side, other) in sides {
                match (view, other) {
                    (Some(view), _) => check_view(file, view).unwrap_or_else(|e| {
                        panic!(
                            "{}: {}: {side} side `{view}`: {e}",
                            dir.display(),
                            change.id
                        )
                    }),
                    // A member that only one side has: the other side must
                    // not have it (its type may be gone altogether).
                    (None, Some(other)) => {
                        let member = other.split_once(": ").map_or(other.as_str(), |(m, _)| m);
                        let member = member.split_once('(').map_or(member, |(m, _)| m);
                        if member.contains(['.', ':']) && check_view(file, member).is_ok() {
                            panic!(
                                "{}: {}: the {side} side has `{member}`, which the report says it lacks",
                                dir.display(),
                                change.id
                            );
                        }
                    }
                    (None, None) => panic!(
                        "{}: {}: a Rust view with neither side",
                        dir.display(),
                        change.id
                    ),
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} Rust views checked");
}
