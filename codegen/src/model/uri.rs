//! URIs: just enough of RFC 3986 to resolve `$ref` against `$id`.

pub(super) fn split_fragment(uri: &str) -> (&str, Option<&str>) {
    match uri.find('#') {
        Some(hash) => (&uri[..hash], Some(&uri[hash + 1..])),
        None => (uri, None),
    }
}

pub(super) fn has_scheme(uri: &str) -> bool {
    let Some(colon) = uri.find(':') else {
        return false;
    };
    let scheme = &uri[..colon];
    !scheme.is_empty()
        && scheme.as_bytes()[0].is_ascii_alphabetic()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// Resolves `reference` against `base` (RFC 3986, section 5.2).
pub fn resolve_uri(base: &str, reference: &str) -> String {
    if has_scheme(reference) {
        return remove_dot_segments_in(reference);
    }
    let (base_resource, _) = split_fragment(base);
    if reference.is_empty() {
        return base_resource.to_string();
    }
    if reference.starts_with('#') {
        return format!("{base_resource}{reference}");
    }
    let scheme_end = base_resource.find(':').map_or(0, |c| c + 1);
    let scheme = &base_resource[..scheme_end];
    let rest = &base_resource[scheme_end..];
    if let Some(authority_ref) = reference.strip_prefix("//") {
        return format!("{scheme}//{authority_ref}");
    }
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => match after.find('/') {
            Some(slash) => (&rest[..slash + 2], &after[slash..]),
            None => (rest, ""),
        },
        None => ("", rest),
    };
    let path = path.split(['?']).next().unwrap_or("");
    let merged = if reference.starts_with('/') {
        reference.to_string()
    } else if reference.starts_with('?') {
        format!("{path}{reference}")
    } else if !authority.is_empty() && path.is_empty() {
        format!("/{reference}")
    } else {
        match path.rfind('/') {
            Some(slash) => format!("{}{reference}", &path[..=slash]),
            None => reference.to_string(),
        }
    };
    format!("{scheme}{authority}{}", remove_dot_segments(&merged))
}

fn remove_dot_segments_in(uri: &str) -> String {
    let scheme_end = uri.find(':').map_or(0, |c| c + 1);
    let (scheme, rest) = uri.split_at(scheme_end);
    let Some(after) = rest.strip_prefix("//") else {
        return uri.to_string();
    };
    let (authority, path) = match after.find('/') {
        Some(slash) => (&after[..slash], &after[slash..]),
        None => return uri.to_string(),
    };
    format!("{scheme}//{authority}{}", remove_dot_segments(path))
}

fn remove_dot_segments(path: &str) -> String {
    let (path, suffix) = match path.find(['#', '?']) {
        Some(i) => path.split_at(i),
        None => (path, ""),
    };
    if !path.contains("./") && !path.ends_with("/.") && !path.ends_with("/..") {
        return format!("{path}{suffix}");
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "." => {}
            ".." => {
                if segments.len() > 1 {
                    segments.pop();
                }
            }
            _ => segments.push(segment),
        }
    }
    let mut joined = segments.join("/");
    if path.ends_with("/.") || path.ends_with("/..") {
        joined.push('/');
    }
    format!("{joined}{suffix}")
}

/// `uri` as short as it can be written from `base`: the name alone when
/// both stand in the same folder, else `uri` itself. How the nodes of
/// another document name where they are.
pub(super) fn relative_to(base: &str, uri: &str) -> String {
    let (base, _) = split_fragment(base);
    if let Some(slash) = base.rfind('/')
        && base[..slash].contains("//")
        && let Some(name) = uri.strip_prefix(&base[..=slash])
        && !name.is_empty()
        && !name.contains('/')
        && !has_scheme(name)
    {
        return name.to_owned();
    }
    uri.to_owned()
}
