//! Helpers shared by the tests of every pass.

use std::path::{Path, PathBuf};

/// `tests/` in this workspace.
pub fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture file under `tests/fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    tests_dir().join("fixtures").join(relative)
}

/// The workspace root.
pub fn project_root() -> PathBuf {
    tests_dir()
        .parent()
        .expect("tests/ lives in the workspace root")
        .to_path_buf()
}

/// `../shared` beside the project, when it is there (it is not on a fresh clone).
pub fn shared_dir() -> Option<PathBuf> {
    let shared = project_root().join("..").join("shared");
    shared.is_dir().then_some(shared)
}

/// The name a snapshot gets from its fixture: the file stem.
pub fn fixture_name(path: &Path) -> String {
    path.file_stem()
        .expect("a fixture has a file name")
        .to_string_lossy()
        .into_owned()
}
