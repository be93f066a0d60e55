//! Writing a set of files all or none: each file that changes is written to
//! a temporary file beside its target, and only when all of them are
//! written are they renamed into place. A failure before that point removes
//! the temporary files; a failure while renaming puts back what was already
//! replaced. `import`, `codegen` and `upgrade` write through it, so an
//! interrupted run never leaves `schema/` or `generated/` half written.

use std::path::{Path, PathBuf};

use anyhow::Context;
use intercom_codegen::output::GeneratedFile;

/// A file to write: where, and the bytes it must hold.
pub struct Target {
    pub path: PathBuf,
    pub contents: Vec<u8>,
    /// Compare with what is there with `\r\n` read as `\n`, as codegen does.
    pub normalize: bool,
}

impl Target {
    /// The files codegen generated, as targets in the crate folder `dir`.
    pub fn generated(dir: &Path, files: &[GeneratedFile]) -> Vec<Target> {
        files
            .iter()
            .map(|file| Target {
                path: dir.join(&file.path),
                contents: file.contents.replace("\r\n", "\n").into_bytes(),
                normalize: true,
            })
            .collect()
    }
}

/// A target whose temporary file is written, waiting to be renamed into place.
struct Staged {
    path: PathBuf,
    temp: PathBuf,
    /// What the target held before (`None`: it did not exist).
    original: Option<Vec<u8>>,
}

/// Writes every target that changes, all or none, and removes `remove` last.
/// Returns the targets that changed.
pub fn write_all(targets: &[Target], remove: Option<&Path>) -> anyhow::Result<Vec<PathBuf>> {
    let mut created_dirs = Vec::new();
    let mut staged = Vec::new();
    let result = stage(targets, &mut staged, &mut created_dirs);
    if let Err(error) = result {
        discard(&staged, &created_dirs);
        return Err(error);
    }
    for (done, item) in staged.iter().enumerate() {
        if let Err(error) = std::fs::rename(&item.temp, &item.path) {
            restore(&staged[..done]);
            discard(&staged[done..], &created_dirs);
            return Err(error).with_context(|| {
                format!(
                    "renaming {} into place; nothing was changed",
                    item.path.display()
                )
            });
        }
    }
    if let Some(old) = remove
        && let Err(error) = std::fs::remove_file(old)
    {
        restore(&staged);
        discard(&[], &created_dirs);
        return Err(error)
            .with_context(|| format!("removing {}; nothing was changed", old.display()));
    }
    Ok(staged.into_iter().map(|item| item.path).collect())
}

/// Writes the temporary file of each target that changes.
fn stage(
    targets: &[Target],
    staged: &mut Vec<Staged>,
    created_dirs: &mut Vec<PathBuf>,
) -> anyhow::Result<()> {
    for target in targets {
        let original = match std::fs::read(&target.path) {
            Ok(bytes) => Some(bytes),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => {
                return Err(error).with_context(|| format!("reading {}", target.path.display()));
            }
        };
        let same = original.as_deref().is_some_and(|bytes| {
            if target.normalize {
                String::from_utf8_lossy(bytes)
                    .replace("\r\n", "\n")
                    .as_bytes()
                    == target.contents.as_slice()
            } else {
                bytes == target.contents.as_slice()
            }
        });
        if same {
            continue;
        }
        let dir = target
            .path
            .parent()
            .context("a target has a parent folder")?;
        create_dirs(dir, created_dirs).with_context(|| format!("creating {}", dir.display()))?;
        let temp = temporary_beside(&target.path);
        std::fs::write(&temp, &target.contents)
            .with_context(|| format!("writing {}", temp.display()))?;
        staged.push(Staged {
            path: target.path.clone(),
            temp,
            original,
        });
    }
    Ok(())
}

/// `dir/.NAME.xtask-PID.tmp` for `dir/NAME`.
fn temporary_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.xtask-{}.tmp", std::process::id()))
}

/// Creates `dir` and its missing parents, noting each one created (outermost first).
fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut missing = Vec::new();
    let mut current = Some(dir);
    while let Some(path) = current {
        if path.is_dir() {
            break;
        }
        missing.push(path.to_path_buf());
        current = path.parent();
    }
    for path in missing.into_iter().rev() {
        std::fs::create_dir(&path)?;
        created.push(path);
    }
    Ok(())
}

/// Removes temporary files, then the folders made for them (innermost first).
fn discard(staged: &[Staged], created_dirs: &[PathBuf]) {
    for item in staged {
        let _ = std::fs::remove_file(&item.temp);
    }
    for dir in created_dirs.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
}

/// Puts back what the targets held before they were replaced.
fn restore(replaced: &[Staged]) {
    for item in replaced {
        match &item.original {
            Some(bytes) => {
                let temp = temporary_beside(&item.path);
                let back =
                    std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, &item.path));
                if let Err(error) = back {
                    let _ = std::fs::remove_file(&temp);
                    eprintln!("error: could not put back {}: {error}", item.path.display());
                }
            }
            None => {
                let _ = std::fs::remove_file(&item.path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(path: PathBuf, contents: &str) -> Target {
        Target {
            path,
            contents: contents.as_bytes().to_vec(),
            normalize: false,
        }
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(current) = stack.pop() {
            for entry in std::fs::read_dir(&current).unwrap() {
                let path = entry.unwrap().path();
                names.push(path.strip_prefix(dir).unwrap().display().to_string());
                if path.is_dir() {
                    stack.push(path);
                }
            }
        }
        names.sort();
        names
    }

    #[test]
    fn writes_what_changes_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let (same, other) = (dir.path().join("same"), dir.path().join("other"));
        std::fs::write(&same, "kept\n").unwrap();
        std::fs::write(&other, "old\n").unwrap();
        let new = dir.path().join("new/deeper/file");
        let changed = write_all(
            &[
                target(same.clone(), "kept\n"),
                target(other.clone(), "new\n"),
                target(new.clone(), "made\n"),
            ],
            None,
        )
        .unwrap();
        assert_eq!(changed, [other.clone(), new.clone()]);
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "new\n");
        assert_eq!(std::fs::read_to_string(&new).unwrap(), "made\n");
        assert_eq!(
            listing(dir.path()),
            ["new", "new/deeper", "new/deeper/file", "other", "same"]
        );
    }

    #[test]
    fn a_failure_after_renaming_puts_everything_back() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, "a before\n").unwrap();
        std::fs::write(&b, "b before\r\n").unwrap();
        let new = dir.path().join("made/file");
        // The old file to remove is a folder: removing it fails after every
        // target was renamed into place.
        let old = dir.path().join("old");
        std::fs::create_dir(&old).unwrap();
        let before = listing(dir.path());
        let error = write_all(
            &[
                target(a.clone(), "a after\n"),
                target(b.clone(), "b after\n"),
                target(new, "made\n"),
            ],
            Some(&old),
        )
        .unwrap_err();
        assert!(
            format!("{error:#}").starts_with(&format!(
                "removing {}; nothing was changed: ",
                old.display()
            )),
            "{error:#}"
        );
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "a before\n");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "b before\r\n");
        assert_eq!(
            listing(dir.path()),
            before,
            "no new file, folder or temporary file"
        );
    }
}
