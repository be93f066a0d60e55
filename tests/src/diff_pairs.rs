//! Finding the fixture pairs of `cargo xtask diff`; shared by build.rs (which
//! includes this file) and the tests.

use std::path::{Path, PathBuf};

/// The directories under `dir` that hold an `old.yaml` and a `new.yaml`, sorted.
pub fn diff_pairs(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if dir.join("old.yaml").is_file() && dir.join("new.yaml").is_file() {
            found.push(dir.clone());
        }
        for entry in std::fs::read_dir(&dir).expect("a fixture directory is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
    found.sort();
    found
}
