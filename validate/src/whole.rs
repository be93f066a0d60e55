//! One input read whole into memory, for a payload that is one JSON document.
//!
//! A big file goes into an anonymous mapping that the kernel fills with
//! pages in one call (`MAP_POPULATE`) before the file is read into it. A
//! growing `Vec` gets its pages one trap per 4 KiB as it is written, and for
//! a 3.6 MB payload those traps cost more than validating it. The file itself
//! is not mapped: its bytes could change under the parser while it runs.

use std::io::{self, Read};
use std::ops::Deref;

/// From this size on, an input of known length goes into a populated mapping;
/// below it, the mapping's own system calls cost more than the traps it saves.
pub const POPULATE_FROM: u64 = 1 << 20;

/// The bytes of one input.
pub enum Whole {
    Read(Vec<u8>),
    /// A mapping of the input's length at the time it was opened, and how
    /// much of it the input filled.
    Mapped(memmap2::MmapMut, usize),
}

impl Deref for Whole {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Whole::Read(bytes) => bytes,
            Whole::Mapped(map, filled) => &map[..*filled],
        }
    }
}

/// Reads all of `input`, whose length is `len` when it is a regular file.
pub fn read_whole(mut input: impl Read, len: Option<u64>) -> io::Result<Whole> {
    let mapped_len = len
        .filter(|len| *len >= POPULATE_FROM)
        .and_then(|len| usize::try_from(len).ok());
    let Some(len) = mapped_len else {
        let mut bytes = Vec::new();
        input.read_to_end(&mut bytes)?;
        return Ok(Whole::Read(bytes));
    };
    let mut map = memmap2::MmapOptions::new().len(len).populate().map_anon()?;
    let mut filled = 0;
    while filled < len {
        match input.read(&mut map[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    // A file that grew after its length was taken is read to its end.
    let mut rest = Vec::new();
    input.read_to_end(&mut rest)?;
    if rest.is_empty() {
        return Ok(Whole::Mapped(map, filled));
    }
    let mut bytes = map[..filled].to_vec();
    bytes.append(&mut rest);
    Ok(Whole::Read(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_input_is_read_into_a_vec() {
        let whole = read_whole(&b"{\"a\": 1}"[..], Some(8)).unwrap();
        assert!(matches!(whole, Whole::Read(_)));
        assert_eq!(&*whole, b"{\"a\": 1}");
    }

    #[test]
    fn a_big_input_is_read_into_a_mapping_and_kept_whole() {
        let text = vec![b' '; POPULATE_FROM as usize + 3];
        let whole = read_whole(&text[..], Some(text.len() as u64)).unwrap();
        assert!(matches!(whole, Whole::Mapped(..)));
        assert_eq!(&*whole, &text[..]);
    }

    #[test]
    fn an_input_shorter_or_longer_than_its_length_is_read_as_it_is() {
        let text = vec![b'1'; POPULATE_FROM as usize + 2];
        let len = Some(POPULATE_FROM);
        // The file shrank after its length was taken.
        let shrank = read_whole(&text[..10], len).unwrap();
        assert_eq!(&*shrank, &text[..10]);
        // It grew.
        let grew = read_whole(&text[..], len).unwrap();
        assert!(matches!(grew, Whole::Read(_)));
        assert_eq!(&*grew, &text[..]);
    }
}
