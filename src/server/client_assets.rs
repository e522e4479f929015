//! The files every page links — the stylesheet, the icon and the islands'
//! client (`/pkg`) — at addresses that name their content (`?v=` and a hash
//! of the file). A browser keeps each for a year without asking again, and a
//! deploy that changes a file changes its address, so no browser keeps an
//! old client against new pages.

use std::{
    collections::HashMap,
    path::{Component, Path, PathBuf},
    sync::{LazyLock, Mutex},
    time::SystemTime,
};

use axum::http::{header, HeaderValue};
use leptos::{nonce::use_nonce, prelude::*};
use sha2::{Digest, Sha256};

/// `Cache-Control` of a file asked for at its current versioned address.
pub const KEEP_FOREVER: &str = "public, max-age=31536000, immutable";

/// Loads the client and hydrates the islands (see the file's comments).
static LOADER: LazyLock<String> =
    LazyLock::new(|| without_comments(include_str!("load_client.js")));

/// `script` without its comment lines: they are for this repository's
/// readers, not for every page a browser downloads.
fn without_comments(script: &str) -> String {
    script
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The stylesheet, the icon, and the islands' client with its loader, for
/// the page's `<head>`.
#[component]
pub fn ClientAssets(options: LeptosOptions) -> impl IntoView {
    // Islands: only what an island renders carries hydration markers.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let site_root = PathBuf::from(&*options.site_root);
    let at = move |path: String| versioned(&site_root, &path);
    let name = &options.output_name;
    // wasm-bindgen's name for the wasm, as Leptos's own loader spells it.
    let wasm = if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
        format!("/pkg/{name}.wasm")
    } else {
        format!("/pkg/{name}_bg.wasm")
    };
    let wasm = at(wasm);
    let script = at(format!("/pkg/{name}.js"));
    // Chromium starts a `Link` header's preloads as it commits the page,
    // before the parser reaches the loader: both files then arrive from the
    // cache while the page is still parsed, and the loader's `fetch` and
    // `import()` take them over. (A `modulepreload` header is ignored.)
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        for preload in [
            format!("<{wasm}>; rel=preload; as=fetch; crossorigin"),
            format!("<{script}>; rel=preload; as=script; crossorigin"),
        ] {
            if let Ok(value) = HeaderValue::from_str(&preload) {
                response.append_header(header::LINK, value);
            }
        }
    }
    let nonce = use_nonce();
    // The loader goes ahead of the stylesheet, which would hold a classic
    // script back until it has loaded. `cargo leptos watch` swaps the
    // stylesheet whose address holds its name.
    view! {
        <script data-client-wasm=wasm data-client-js=script nonce=nonce>
            {LOADER.as_str()}
        </script>
        <link rel="stylesheet" id="leptos" href=at(format!("/pkg/{name}.css")) />
        <link rel="icon" type="image/svg+xml" href=at("/favicon.svg".into()) />
    }
}

/// `path` (an address under the site root) with its content's version; as it
/// is when the file cannot be read, so the page still links it.
pub fn versioned(site_root: &Path, path: &str) -> String {
    match version_of(site_root, path) {
        Some(version) => format!("{path}?v={version}"),
        None => path.to_owned(),
    }
}

/// Whether `version` names the current content of the file at `path`.
pub fn is_current(site_root: &Path, path: &str, version: &str) -> bool {
    version_of(site_root, path).is_some_and(|current| current == version)
}

/// What a file's version was computed from: it is computed again when the
/// file's time or size changes (a rebuild under `cargo leptos watch`).
struct Stamped {
    modified: SystemTime,
    len: u64,
    version: String,
}

/// Versions by file, so a page render costs a `stat` per file, not a hash.
static VERSIONS: LazyLock<Mutex<HashMap<PathBuf, Stamped>>> = LazyLock::new(Default::default);

/// The first 16 hex digits of the SHA-256 of the file at `path`, which must
/// stay inside the site root (no `..`).
fn version_of(site_root: &Path, path: &str) -> Option<String> {
    let relative = Path::new(path.trim_start_matches('/'));
    if !relative
        .components()
        .all(|part| matches!(part, Component::Normal(_)))
    {
        return None;
    }
    let file = site_root.join(relative);
    let metadata = std::fs::metadata(&file).ok().filter(|m| m.is_file())?;
    let modified = metadata.modified().ok()?;
    let len = metadata.len();
    let versions = || {
        VERSIONS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    if let Some(known) = versions().get(&file) {
        if known.modified == modified && known.len == len {
            return Some(known.version.clone());
        }
    }
    // Hashed without the lock: other pages' renders need not wait for it.
    let digest = Sha256::digest(std::fs::read(&file).ok()?);
    let version: String = digest[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    versions().insert(
        file,
        Stamped {
            modified,
            len,
            version: version.clone(),
        },
    );
    Some(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_names_its_content_and_follows_a_change() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join("pkg")).unwrap();
        let css = site.path().join("pkg/site.css");
        std::fs::write(&css, "body { color: red }").unwrap();

        let first = versioned(site.path(), "/pkg/site.css");
        let version = first.strip_prefix("/pkg/site.css?v=").unwrap();
        assert_eq!(version.len(), 16);
        assert!(is_current(site.path(), "/pkg/site.css", version));
        assert!(!is_current(
            site.path(),
            "/pkg/site.css",
            "0123456789abcdef"
        ));

        std::fs::write(&css, "body { color: blue; }").unwrap();
        let second = versioned(site.path(), "/pkg/site.css");
        assert_ne!(first, second, "a changed file gets a new address");
        assert!(!is_current(site.path(), "/pkg/site.css", version));
    }

    #[test]
    fn only_files_inside_the_site_root_get_a_version() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "x").unwrap();
        let site = outside.path().join("site");
        std::fs::create_dir(&site).unwrap();

        assert_eq!(versioned(&site, "/../secret"), "/../secret");
        assert_eq!(versioned(&site, "/missing.css"), "/missing.css");
        assert_eq!(versioned(&site, "/"), "/", "a folder is no file");
    }
}
