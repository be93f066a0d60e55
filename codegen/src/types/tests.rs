use super::RustType;
use super::naming::{Case, Scope, ident, recase};

#[test]
fn names_read_well() {
    let name = |original: &str, case: Case| recase(original, case).0;
    assert_eq!(
        name("conversation_statistics", Case::Type),
        "ConversationStatistics"
    );
    assert_eq!(name("2fa", Case::Type), "N2fa");
    assert_eq!(name("!~", Case::Variant), "NotContains");
    assert_eq!(name("$", Case::Variant), "EndsWith");
    assert_eq!(name("in_app", Case::Variant), "InApp");
    assert_eq!(name("§", Case::Variant), "U00A7");
    assert_eq!(name("type", Case::Field), "r#type");
    assert_eq!(name("self", Case::Field), "self_");
    assert_eq!(name("1st", Case::Field), "n1st");
    assert_eq!(name("x-y.z", Case::Field), "x_y_z");
    assert_eq!(ident("r#type").to_string(), "r#type");
}

#[test]
fn the_original_comes_back_only_when_the_name_differs() {
    assert_eq!(recase("type", Case::Field), ("r#type".to_owned(), None));
    assert_eq!(recase("name", Case::Field), ("name".to_owned(), None));
    assert_eq!(
        recase("x-y", Case::Field),
        ("x_y".to_owned(), Some("x-y".to_owned()))
    );
}

#[test]
fn taken_names_get_the_suffix_of_their_case() {
    let mut fields = Scope::default();
    assert_eq!(fields.claim("extra", Case::Field), "extra");
    assert_eq!(fields.claim("extra", Case::Field), "extra_2");
    let mut variants = Scope::default();
    assert_eq!(variants.claim("Self", Case::Variant), "SelfValue");
    assert_eq!(variants.claim("Other", Case::Variant), "Other");
    assert_eq!(variants.claim("Other", Case::Variant), "Other2");
    let mut types = Scope::default();
    assert_eq!(types.claim("Note", Case::Type), "Note");
    assert_eq!(
        types.claim_with_suffix("Note", "Object", Case::Type),
        "NoteObject"
    );
    assert_eq!(types.claim("Value", Case::Type), "Value2");
    assert_eq!(types.claim("", Case::Type), "Type");
}

#[test]
fn rust_types_display_as_written() {
    let ty = RustType::Option(Box::new(RustType::Nullable(Box::new(RustType::Vec(
        Box::new(RustType::Named("Tag".into())),
    )))));
    assert_eq!(ty.to_string(), "Option<Nullable<Vec<Tag>>>");
}
