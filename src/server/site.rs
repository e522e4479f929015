//! The built site's files, as the server finds them at start.

use std::{
    io,
    path::{Path, PathBuf},
};

/// Removes compressed copies (`X.br`, `X.gz`) older than their file `X`.
///
/// A release build made with `--precompress` leaves them beside the wasm
/// and JavaScript, and the file server prefers them to the file itself. A
/// later build without it (any debug build) replaces only the files, so
/// browsers would be sent the old compressed wasm with the new JavaScript,
/// and the page would never hydrate. Returns what was removed.
pub fn drop_stale_precompressed(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(removed),
        Err(error) => return Err(error),
    };
    for entry in entries {
        let copy = entry?.path();
        let is_copy = matches!(copy.extension().and_then(|e| e.to_str()), Some("br" | "gz"));
        if !is_copy {
            continue;
        }
        let original = copy.with_extension("");
        let (Ok(copied), Ok(built)) = (modified(&copy), modified(&original)) else {
            continue;
        };
        if copied < built {
            std::fs::remove_file(&copy)?;
            removed.push(copy);
        }
    }
    Ok(removed)
}

fn modified(path: &Path) -> io::Result<std::time::SystemTime> {
    std::fs::metadata(path)?.modified()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn write_at(path: &Path, age: Duration) {
        std::fs::write(path, b"x").unwrap();
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() - age).unwrap();
    }

    #[test]
    fn only_copies_older_than_their_file_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        // A debug build's wasm and JavaScript after a precompressed release.
        write_at(&path("app.wasm.br"), Duration::from_secs(60));
        write_at(&path("app.wasm.gz"), Duration::from_secs(60));
        write_at(&path("app.wasm"), Duration::ZERO);
        // A release build's own copies, written after their file.
        write_at(&path("app.js"), Duration::from_secs(60));
        write_at(&path("app.js.br"), Duration::ZERO);
        // A compressed file with no original is the site's own content.
        write_at(&path("archive.gz"), Duration::from_secs(60));

        let mut removed = drop_stale_precompressed(dir.path()).unwrap();
        removed.sort();
        assert_eq!(removed, vec![path("app.wasm.br"), path("app.wasm.gz")]);
        for kept in ["app.wasm", "app.js", "app.js.br", "archive.gz"] {
            assert!(path(kept).exists(), "{kept}");
        }
    }

    #[test]
    fn a_missing_directory_is_nothing_to_clean() {
        let dir = tempfile::tempdir().unwrap();
        assert!(drop_stale_precompressed(&dir.path().join("pkg"))
            .unwrap()
            .is_empty());
    }
}
