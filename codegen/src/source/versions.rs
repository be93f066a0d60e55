//! References found by their file names, which are version numbers.

use std::path::{Path, PathBuf};

/// The file in `dir` whose name is the highest version number (`2.13.yaml`
/// over `2.9.yaml`): the newest reference, for benchmarks.
pub fn newest_version(dir: &Path) -> Option<PathBuf> {
    versions(dir).pop()
}

/// The files in `dir` named by a version number (`2.9.yaml`), oldest first
/// by number, not by name.
pub fn versions(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(Vec<u64>, PathBuf)> = entries
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let stem = path.file_stem()?.to_str()?;
            let version = stem
                .split('.')
                .map(str::parse)
                .collect::<Result<Vec<u64>, _>>()
                .ok()?;
            Some((version, path))
        })
        .collect();
    files.sort();
    files.into_iter().map(|(_, path)| path).collect()
}
