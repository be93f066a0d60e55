//! Runs of plain bytes the parser steps over: whitespace, string characters
//! (sixteen at a time where the processor can), digits, and UTF-8 checks.

use super::locations::syntax_error;
use crate::validate::SyntaxError;

/// The newlines a parse has passed. In JSON they are all whitespace between
/// tokens (a string cannot hold one), so the parser counts them as it skips
/// them, and a reader that streams a file of values knows the lines of
/// each without scanning its bytes again.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Lines {
    pub(super) newlines: usize,
    /// Just past the last newline (0 when there is none).
    pub(super) last_start: usize,
}

impl Lines {
    /// Both counts, of the parse's two halves (the keys' and the values').
    pub(super) fn merge(self, other: Lines) -> Lines {
        Lines {
            newlines: self.newlines + other.newlines,
            last_start: self.last_start.max(other.last_start),
        }
    }
}

/// Past any whitespace from `at`.
#[inline(always)]
pub(super) fn skip_whitespace(bytes: &[u8], mut at: usize, lines: &mut Lines) -> usize {
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b' ' | b'\r' | b'\t' => at += 1,
            b'\n' => {
                lines.newlines += 1;
                lines.last_start = at + 1;
                at = skip_indentation(bytes, at + 1);
            }
            _ => break,
        }
    }
    at
}

/// Past the spaces from `at`, the start of a line: pretty-printed JSON
/// (a HAR file as browsers save it) indents most lines by ten spaces or
/// more, looked at sixteen at a time where the processor can.
#[inline(always)]
fn skip_indentation(bytes: &[u8], mut at: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    while let Some(chunk) = bytes.get(at..at + 16) {
        use std::arch::x86_64::{
            _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
        };
        // SAFETY: SSE2 is part of every x86_64 processor, and the unaligned
        // load reads the sixteen bytes of `chunk`.
        let spaces = unsafe {
            let word = _mm_loadu_si128(chunk.as_ptr().cast());
            _mm_movemask_epi8(_mm_cmpeq_epi8(word, _mm_set1_epi8(b' ' as i8))) as u32
        };
        if spaces != 0xFFFF {
            return at + (!spaces).trailing_zeros() as usize;
        }
        at += 16;
    }
    at
}

/// The first byte from `at` that ends a run of plain string characters: a
/// quote, a backslash or a control character (or the end), and whether the
/// run has bytes beyond ASCII (to be checked as UTF-8). Strings are most of
/// a payload's bytes: sixteen are looked at in one step where the processor
/// has vector instructions every model has (SSE2 on x86_64), eight where not.
#[inline(always)]
pub(super) fn plain_end(bytes: &[u8], at: usize) -> (usize, bool) {
    #[cfg(target_arch = "x86_64")]
    let (at, beyond_ascii) = match plain_end_sse2(bytes, at) {
        Ok(found) => return found,
        Err(rest) => rest,
    };
    #[cfg(not(target_arch = "x86_64"))]
    let (at, beyond_ascii) = match plain_end_swar(bytes, at) {
        Ok(found) => return found,
        Err(rest) => rest,
    };
    plain_end_bytewise(bytes, at, beyond_ascii)
}

/// [`plain_end`] a byte at a time, for the last few bytes of the input.
#[inline(always)]
pub(super) fn plain_end_bytewise(
    bytes: &[u8],
    mut at: usize,
    mut beyond_ascii: bool,
) -> (usize, bool) {
    while let Some(&byte) = bytes.get(at) {
        if byte == b'"' || byte == b'\\' || byte < 0x20 {
            break;
        }
        beyond_ascii |= byte >= 0x80;
        at += 1;
    }
    (at, beyond_ascii)
}

/// Which of sixteen bytes end a run of plain string characters (quotes,
/// backslashes, control characters), and which are beyond ASCII: bit `i`
/// of each mask is byte `i`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn stops_sse2(chunk: &[u8; 16]) -> (u32, u32) {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    // SAFETY: SSE2 is part of every x86_64 processor, and the unaligned
    // load reads the sixteen bytes of `chunk`.
    unsafe {
        let word = _mm_loadu_si128(chunk.as_ptr().cast());
        let quote = _mm_cmpeq_epi8(word, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(word, _mm_set1_epi8(b'\\' as i8));
        // A signed comparison: below 0x20, and every byte from 0x80 too.
        let low = _mm_cmplt_epi8(word, _mm_set1_epi8(0x20));
        let high = _mm_movemask_epi8(word) as u32;
        let flagged = _mm_or_si128(_mm_or_si128(quote, backslash), low);
        (_mm_movemask_epi8(flagged) as u32 & !high, high)
    }
}

/// [`plain_end`] sixteen bytes at a time: `Ok` with the end when it is
/// found, else `Err` with where fewer than sixteen bytes are left.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(super) fn plain_end_sse2(bytes: &[u8], mut at: usize) -> Result<(usize, bool), (usize, bool)> {
    let mut beyond_ascii = false;
    while let Some(chunk) = bytes.get(at..at + 16) {
        let (stops, high) = stops_sse2(chunk.try_into().expect("sixteen bytes"));
        if stops != 0 {
            let stop = stops.trailing_zeros();
            beyond_ascii |= high & ((1 << stop) - 1) != 0;
            return Ok((at + stop as usize, beyond_ascii));
        }
        beyond_ascii |= high != 0;
        at += 16;
    }
    Err((at, beyond_ascii))
}

/// [`plain_end`], appending the run's bytes to `out`: how a string with
/// escapes is decoded. JSON inside a JSON string (a recorded body) has an
/// escape every few bytes, so each step copies all sixteen bytes it looked
/// at and keeps those before the stop, rather than calling a copy of a
/// few bytes for every run. With `letter`, the byte at `at` is copied
/// whatever it is: the letter of an escape that stands for itself (`\"`,
/// `\\`, `\/`), kept with the run after it in one step.
#[inline(always)]
pub(super) fn copy_plain(
    bytes: &[u8],
    start: usize,
    letter: bool,
    out: &mut Vec<u8>,
) -> (usize, bool) {
    #[cfg(target_arch = "x86_64")]
    let (at, beyond_ascii) = {
        let mut at = start;
        let mut beyond_ascii = false;
        let mut counted = !u32::from(letter);
        loop {
            let Some(chunk) = bytes.get(at..at + 16) else {
                break (at, beyond_ascii);
            };
            let chunk: &[u8; 16] = chunk.try_into().expect("sixteen bytes");
            let (stops, high) = stops_sse2(chunk);
            let stops = stops & counted;
            counted = u32::MAX;
            let kept = out.len();
            out.extend_from_slice(chunk);
            if stops != 0 {
                let stop = stops.trailing_zeros();
                beyond_ascii |= high & ((1 << stop) - 1) != 0;
                out.truncate(kept + stop as usize);
                return (at + stop as usize, beyond_ascii);
            }
            beyond_ascii |= high != 0;
            at += 16;
        }
    };
    #[cfg(not(target_arch = "x86_64"))]
    let (at, beyond_ascii) = (start, false);
    // The letter, when the steps above have not passed it (it is ASCII).
    let from = if letter && at == start { at + 1 } else { at };
    let (end, beyond_ascii) = plain_end_bytewise(bytes, from, beyond_ascii);
    out.extend_from_slice(&bytes[at..end]);
    (end, beyond_ascii)
}

/// Decodes a string's text from `at` into `out` for as long as it is plain
/// runs and the escapes JSON inside a JSON string is made of (`\"`, `\\`,
/// `\/`, `\n`, `\t`, `\r`, `\b`, `\f`): where it stops, and whether a
/// run had bytes beyond ASCII. It stops at what the caller decodes itself:
/// the closing quote, a control character, a `\u` or invalid escape, and
/// the last fifteen bytes of the input. A recorded body has an escape every
/// eight bytes or so: a sixteen-byte step is looked at once, its bytes
/// written to `out`, and then each of its escapes (taken from the step's
/// mask, not found again) writes its character and the rest of the step one
/// place further left. Writes go straight into `out`'s spare room, without
/// the length kept in `out` from step to step.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(super) fn decode_simple(bytes: &[u8], mut at: usize, out: &mut Vec<u8>) -> (usize, bool) {
    /// Room kept for one step: sixteen bytes written at most sixteen past
    /// where the step started.
    const STEP: usize = 32;
    let mut len = out.len();
    let mut beyond = 0u32;
    while let Some(chunk) = bytes.get(at..at + 16) {
        if out.capacity() - len < STEP {
            // SAFETY: the bytes up to `len` were written by the steps
            // below, within the capacity.
            unsafe { out.set_len(len) };
            out.reserve(STEP.max(bytes.len() - at).min(1 << 16));
        }
        let chunk: &[u8; 16] = chunk.try_into().expect("sixteen bytes");
        let (stops, high) = stops_sse2(chunk);
        // SAFETY: `out` has room for `STEP` bytes past `len` (checked
        // above), and `chunk` is sixteen bytes of the input.
        unsafe {
            std::ptr::copy_nonoverlapping(chunk.as_ptr(), out.as_mut_ptr().add(len), 16);
        }
        if stops == 0 {
            beyond |= high;
            len += 16;
            at += 16;
            continue;
        }
        // The step and sixteen bytes after it, so that the rest of the step
        // after any escape is sixteen bytes to copy.
        let mut wide = [0u8; 32];
        wide[..16].copy_from_slice(chunk);
        // Of the step: how much is written to `out` (up to `from`), how
        // much is taken, and whether decoding stops there.
        let mut from = 0;
        let mut taken = 16;
        let mut done = false;
        let mut rest = stops;
        while rest != 0 {
            let i = rest.trailing_zeros() as usize;
            if chunk[i] != b'\\' {
                // A quote or a control character: the caller's.
                (taken, done) = (i, true);
                break;
            }
            if i == 15 {
                // The letter is in the next step, which starts here.
                taken = 15;
                break;
            }
            let decoded = SIMPLE_ESCAPES[usize::from(chunk[i + 1])];
            if decoded == 0 {
                (taken, done) = (i, true);
                break;
            }
            // The bytes before the backslash are in place already: the
            // character goes where the backslash would, and the rest of the
            // step after it.
            len += i - from;
            from = i + 2;
            // SAFETY: `len` is at most fourteen past where the step started,
            // so the byte and the sixteen after it are within the `STEP`
            // bytes of room; `wide` has sixteen bytes from `from` (at most 16).
            unsafe {
                let to = out.as_mut_ptr().add(len);
                to.write(decoded);
                std::ptr::copy_nonoverlapping(wide.as_ptr().add(from), to.add(1), 16);
            }
            len += 1;
            // The letter is no stop, even a quote or a backslash.
            rest &= !(0b11 << i);
        }
        len += taken - from;
        beyond |= high & ((1 << taken) - 1);
        at += taken;
        if done {
            break;
        }
    }
    // SAFETY: as above, every byte up to `len` was written.
    unsafe { out.set_len(len) };
    if bytes.len() - at < 16 {
        let (end, tail_beyond) = plain_end_bytewise(bytes, at, false);
        out.extend_from_slice(&bytes[at..end]);
        return (end, beyond != 0 || tail_beyond);
    }
    (at, beyond != 0)
}

/// The character of each escape's letter that `decode_simple` decodes
/// (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`); 0 for the others (`\u`
/// and invalid letters), which the caller decodes or reports.
#[cfg(target_arch = "x86_64")]
static SIMPLE_ESCAPES: [u8; 256] = {
    let mut table = [0u8; 256];
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table[b'/' as usize] = b'/';
    table[b'b' as usize] = 0x08;
    table[b'f' as usize] = 0x0C;
    table[b'n' as usize] = b'\n';
    table[b'r' as usize] = b'\r';
    table[b't' as usize] = b'\t';
    table
};

/// [`plain_end`] eight bytes at a time in a `u64`.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline(always)]
pub(super) fn plain_end_swar(bytes: &[u8], mut at: usize) -> Result<(usize, bool), (usize, bool)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The lowest flagged byte is exact; flags above it may be spurious.
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut seen = 0u64;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let found = zero_byte(word ^ (ONES * u64::from(b'"')))
            | zero_byte(word ^ (ONES * u64::from(b'\\')))
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGH);
        if found != 0 {
            let stop = found.trailing_zeros() / 8;
            let before = (1u64 << (8 * stop)).wrapping_sub(1);
            seen |= word & before;
            return Ok((at + stop as usize, seen & HIGH != 0));
        }
        seen |= word;
        at += 8;
    }
    Err((at, seen & HIGH != 0))
}

/// The value of eight ASCII digits, if `chunk` is eight of them.
#[inline(always)]
pub(super) fn eight_digits(chunk: &[u8]) -> Option<u64> {
    let word = u64::from_le_bytes(chunk.try_into().ok()?);
    // Every byte from 0x30 to 0x39: its high half 3, and still 3 after adding 6.
    let high_halves = 0xF0F0_F0F0_F0F0_F0F0;
    let threes = 0x3030_3030_3030_3030;
    if word & high_halves != threes
        || word.wrapping_add(0x0606_0606_0606_0606) & high_halves != threes
    {
        return None;
    }
    // Pairs, then fours, then all eight, the first digit the most significant.
    let digits = word - threes;
    let pairs = (digits * 10 + (digits >> 8)) & 0x00FF_00FF_00FF_00FF;
    let fours = (pairs * 100 + (pairs >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((fours * 10_000 + (fours >> 32)) & 0xFFFF_FFFF)
}

/// The bytes from `start` to `end` as text, or the error at the first byte
/// that is not UTF-8.
pub(super) fn utf8(bytes: &[u8], start: usize, end: usize) -> Result<&str, SyntaxError> {
    std::str::from_utf8(&bytes[start..end]).map_err(|error| {
        syntax_error(
            bytes,
            start + error.valid_up_to(),
            "invalid UTF-8".to_owned(),
        )
    })
}
