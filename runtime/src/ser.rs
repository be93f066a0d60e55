//! What the generated `Serialize` impls call.

use serde::Serialize;
use serde::ser::SerializeMap;

/// Writes the properties a struct keeps in its `extra` map after its own
/// fields, entry by entry into the same map, as `#[serde(flatten)]` did.
pub fn entries<'a, M, V>(
    map: &mut M,
    entries: impl IntoIterator<Item = (&'a String, &'a V)>,
) -> Result<(), M::Error>
where
    M: SerializeMap,
    V: Serialize + 'a,
{
    for (key, value) in entries {
        map.serialize_entry(key, value)?;
    }
    Ok(())
}
