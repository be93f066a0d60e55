//! `format`: asserted for the formats the runtime checks
//! (`intercom_runtime::formats`), by a call of the runtime's check.

use quote::{format_ident, quote};

use super::{Check, Emitter, location};
use crate::model::Keywords;

/// The formats whose assertion is implemented: the runtime's, so that a
/// format it gains or loses is asserted or not without a second list.
pub use intercom_runtime::formats::NAMES as FORMATS;

impl Emitter<'_> {
    /// The check of `format` on a string, when formats are asserted and the
    /// runtime checks this one; other formats are annotations.
    pub(super) fn format_check(&self, pointer: &str, k: &Keywords) -> Option<Check> {
        let format = k.format.as_ref()?;
        if !self.options.assert_formats || !FORMATS.contains(&format.as_str()) {
            return None;
        }
        let loc = location(pointer, "format");
        let after = format!(" is not a valid {format}");
        // `date-time` is checked by `is_date_time`.
        let check = format_ident!("is_{}", format.replace('-', "_"));
        Some(Check::when(
            quote!(!::intercom_runtime::formats::#check(string)),
            quote!(ctx.fail_showing(value, #loc, "format", "", #after);),
        ))
    }
}
