//! The run-time support of the generated crate (`generated/`): the pieces
//! generated code calls instead of repeating them in every type or validator,
//! and the few that the command lines (`cargo xtask`, `intercom-validate`)
//! share with it or with each other (`pointer`, `scan::position`, `suggest`,
//! `workflow`).

pub mod alternatives;
pub mod bytes;
pub mod check;
pub mod de;
pub mod document;
pub mod formats;
mod idna;
pub mod json;
pub mod nullable;
pub mod operations;
pub mod pointer;
pub mod scan;
pub mod ser;
pub mod suggest;
pub mod timestamp;
pub mod validate;
pub mod workflow;

/// A hasher of a multiply and a rotate for each eight bytes (as rustc's
/// FxHash), for maps whose keys the program makes itself (the registry's
/// paths and names), where SipHash's resistance to chosen keys buys
/// nothing and costs most of a lookup.
#[derive(Debug, Default, Clone, Copy)]
pub struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.write_u64(u64::from_le_bytes(word.try_into().expect("eight bytes")));
        }
        let mut last = [0u8; 8];
        last[..words.remainder().len()].copy_from_slice(words.remainder());
        self.write_u64(u64::from_le_bytes(last));
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_usize(&mut self, word: usize) {
        self.write_u64(word as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A repeatable stream of pseudo-random numbers (xorshift64), for the
/// randomised tests that hold a fast way of doing a thing to a plain one.
#[cfg(test)]
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

pub use nullable::Nullable;
pub use timestamp::Timestamp;
pub use validate::{Position, SchemaEntry, SyntaxError, ValidationError};
