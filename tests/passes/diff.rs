//! `cargo xtask diff` on fixture pairs: one pair per change kind and
//! direction (snapshots of the text and JSON reports), and equivalent
//! descriptions that must give an empty report.

use std::path::{Path, PathBuf};

use intercom_codegen::diff::{self, Side, Verdict, report::Format};

/// Fixture directories holding an `old.yaml` and a `new.yaml`, sorted, as
/// paths relative to the tests package (so reports name them the same
/// everywhere).
fn pairs(under: &str) -> Vec<PathBuf> {
    let root = intercom_tests::fixture(under);
    let mut found = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        if dir.join("old.yaml").is_file() {
            found.push(dir.clone());
        }
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
    found.sort();
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
