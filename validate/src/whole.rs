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
    let Some(len) = len.and_then(|len| usize::try_from(len).ok()) else {
        let mut bytes = Vec::new();
        input.read_to_end(&mut bytes)?;
        return Ok(Whole::Read(bytes));
    };
    if (len as u64) < POPULATE_FROM {
        // One byte more than the length, so that the end shows in a second
        // read; a file's own `read_to_end` would first ask the kernel for
        // the length and the position again, two calls per file.
        let mut bytes = vec![0; len + 1];
        let filled = fill(&mut input, &mut bytes)?;
        bytes.truncate(filled);
        if filled > len {
            input.read_to_end(&mut bytes)?;
        }
        return Ok(Whole::Read(bytes));
    }
    let mut map = memmap2::MmapOptions::new().len(len).populate().map_anon()?;
    let filled = fill(&mut input, &mut map)?;
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

/// Reads into `buffer` until it is full or the input ends; how much it read.
fn fill(input: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match input.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
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
        // The same for a small input, read into a `Vec` of its length.
        for (len, text) in [
            (8, &b"{\"a\": 1}"[..]),
            (3, b"[1]"),
            (1, b"[]"),
            (0, b" 1 "),
        ] {
            let whole = read_whole(text, Some(len)).unwrap();
            assert!(matches!(whole, Whole::Read(_)));
            assert_eq!(&*whole, text);
        }
    }

    /// A reader that hands over one byte a call, as a pipe may.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let Some((first, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            match buffer.first_mut() {
                Some(slot) => *slot = *first,
                None => return Ok(0),
            }
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn an_input_read_in_short_pieces_is_read_whole() {
        let text = b"{\"tickets\": [1, 2, 3]}";
        for len in [None, Some(0), Some(5), Some(text.len() as u64), Some(100)] {
            let whole = read_whole(Trickle(text), len).unwrap();
            assert_eq!(&*whole, text, "length {len:?}");
        }
    }
}
