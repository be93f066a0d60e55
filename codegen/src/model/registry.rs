//! The documents a `$ref` may reach besides the one being parsed: a map from
//! absolute URI to JSON, filled by the caller (the files beside the schema,
//! the test suite's remotes). Nothing is ever fetched: a reference to a
//! document that is not registered is an error naming it.

use std::collections::BTreeMap;

use serde_json::Value;

use super::uri::{has_scheme, resolve_uri, split_fragment};

/// Documents by the absolute URI they are retrieved from, and by the `$id`
/// their root declares.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Retrieval URI (absolute, without fragment) to the document.
    documents: BTreeMap<String, Value>,
    /// The root `$id` of a document, resolved against its retrieval URI, to
    /// that retrieval URI.
    ids: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("`{uri}`: a document is registered under an absolute URI without a fragment")]
    NotAbsolute { uri: String },
    #[error("`{uri}`: two documents are registered under this URI")]
    Duplicate { uri: String },
    #[error(
        "`{uri}`: the documents registered under `{first}` and `{second}` both declare this `$id`"
    )]
    DuplicateId {
        uri: String,
        first: String,
        second: String,
    },
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Registers `document` as what `uri` retrieves. A root `$id` makes the
    /// document reachable under that URI too.
    pub fn insert(&mut self, uri: &str, document: Value) -> Result<(), RegistryError> {
        let uri = match split_fragment(uri) {
            (resource, None | Some("")) if has_scheme(resource) => resource.to_owned(),
            _ => {
                return Err(RegistryError::NotAbsolute {
                    uri: uri.to_owned(),
                });
            }
        };
        if self.documents.contains_key(&uri) {
            return Err(RegistryError::Duplicate { uri });
        }
        if let Some(id) = document.get("$id").and_then(Value::as_str) {
            let resolved = resolve_uri(&uri, id);
            let (id, _) = split_fragment(&resolved);
            if id != uri {
                if let Some(first) = self.ids.get(id) {
                    return Err(RegistryError::DuplicateId {
                        uri: id.to_owned(),
                        first: first.clone(),
                        second: uri,
                    });
                }
                self.ids.insert(id.to_owned(), uri.clone());
            }
        }
        self.documents.insert(uri, document);
        Ok(())
    }

    /// The document `uri` (absolute, without fragment) names, with the URI it
    /// was registered under: its own first, else a root `$id`.
    pub fn get(&self, uri: &str) -> Option<(&str, &Value)> {
        let retrieval = match self.documents.get_key_value(uri) {
            Some((key, _)) => key.as_str(),
            None => self.ids.get(uri)?.as_str(),
        };
        Some((retrieval, &self.documents[retrieval]))
    }

    pub fn len(&self) -> usize {
        self.documents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }
}
