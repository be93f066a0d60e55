//! Scans of bytes that need no parse: bit masks of the bytes of JSON's
//! structure in a block of 64 bytes, for scanners that find where a value
//! ends (the HAR reader streams a file entry by entry this way; bit `i` of
//! each mask is byte `i` of the block), and the characters and newlines a
//! run of bytes holds, for lines and columns.

use crate::validate::Position;

/// Which bytes of a block are quotes, backslashes and brackets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockMasks {
    pub quotes: u64,
    pub backslashes: u64,
    /// `{` and `[`.
    pub opens: u64,
    /// `}` and `]`.
    pub closes: u64,
}

/// The masks of `block`: sixteen bytes a step with the vector instructions
/// every x86_64 processor has (SSE2), a byte at a time elsewhere.
#[inline]
pub fn block_masks(block: &[u8; 64]) -> BlockMasks {
    #[cfg(target_arch = "x86_64")]
    {
        block_masks_sse2(block)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        block_masks_bytewise(block)
    }
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline]
fn block_masks_bytewise(block: &[u8; 64]) -> BlockMasks {
    let mut masks = BlockMasks {
        quotes: 0,
        backslashes: 0,
        opens: 0,
        closes: 0,
    };
    for (i, &byte) in block.iter().enumerate() {
        let bit = 1u64 << i;
        match byte {
            b'"' => masks.quotes |= bit,
            b'\\' => masks.backslashes |= bit,
            b'{' | b'[' => masks.opens |= bit,
            b'}' | b']' => masks.closes |= bit,
            _ => {}
        }
    }
    masks
}

#[cfg(target_arch = "x86_64")]
#[inline]
fn block_masks_sse2(block: &[u8; 64]) -> BlockMasks {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let mut masks = BlockMasks {
        quotes: 0,
        backslashes: 0,
        opens: 0,
        closes: 0,
    };
    for (step, sixteen) in block.chunks_exact(16).enumerate() {
        let shift = 16 * step;
        // SAFETY: SSE2 is part of every x86_64 processor, and the unaligned
        // load reads the sixteen bytes of `sixteen`.
        let [quotes, backslashes, opens, closes] = unsafe {
            let word = _mm_loadu_si128(sixteen.as_ptr().cast());
            let is = |byte: u8| _mm_cmpeq_epi8(word, _mm_set1_epi8(byte as i8));
            [
                is(b'"'),
                is(b'\\'),
                _mm_or_si128(is(b'{'), is(b'[')),
                _mm_or_si128(is(b'}'), is(b']')),
            ]
            .map(|mask| u64::from(_mm_movemask_epi8(mask) as u16))
        };
        masks.quotes |= quotes << shift;
        masks.backslashes |= backslashes << shift;
        masks.opens |= opens << shift;
        masks.closes |= closes << shift;
    }
    masks
}

/// How many characters (every byte but UTF-8 continuation bytes) and how
/// many newlines `bytes` holds, eight bytes at a time: finding an error's
/// column means counting every character before it on its line, and a
/// reader that streams a file keeps its line and column this way.
pub fn count(bytes: &[u8]) -> (u64, u64) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut continuations = 0u64;
    let mut newlines = 0u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // 10xxxxxx: the high bit set and the next one clear.
        continuations += u64::from((word & !(word << 1) & HIGH).count_ones());
        // A byte of `word ^ newlines` is zero exactly where a newline is.
        let t = word ^ (ONES * u64::from(b'\n'));
        newlines += u64::from((!(((t & LOW) + LOW) | t) & HIGH).count_ones());
    }
    for byte in chunks.remainder() {
        continuations += u64::from(byte & 0xC0 == 0x80);
        newlines += u64::from(*byte == b'\n');
    }
    (bytes.len() as u64 - continuations, newlines)
}

/// The line and column (from 1, columns in characters) of byte `at` of
/// `bytes`: where an error is, such as the first byte that is not UTF-8
/// (`Utf8Error::valid_up_to`).
pub fn position(bytes: &[u8], at: usize) -> Position {
    let before = &bytes[..at.min(bytes.len())];
    match before.iter().rposition(|byte| *byte == b'\n') {
        Some(last) => Position {
            line: 1 + count(before).1,
            column: 1 + count(&before[last + 1..]).0,
        },
        None => Position {
            line: 1,
            column: 1 + count(before).0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vector_masks_are_the_bytewise_masks() {
        let mut block = [b'a'; 64];
        for (i, byte) in block.iter_mut().enumerate() {
            *byte = b"\"\\{}[]x\n"[(i * 7 + i / 5) % 8];
        }
        assert_eq!(block_masks(&block), block_masks_bytewise(&block));
        let masks = block_masks(&block);
        assert_eq!(masks.quotes & 1, u64::from(block[0] == b'"'));
        assert_eq!(
            masks.closes >> 63,
            u64::from(matches!(block[63], b'}' | b']'))
        );
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\n\u{e9}x\ny".as_bytes();
        let at = |line, column| Position { line, column };
        assert_eq!(position(text, 0), at(1, 1));
        assert_eq!(position(text, 3), at(2, 1));
        // After `é`, two bytes, stands the line's second character.
        assert_eq!(position(text, 5), at(2, 2));
        assert_eq!(position(text, text.len()), at(3, 2));
        assert_eq!(position(text, text.len() + 5), at(3, 2));
    }
}
