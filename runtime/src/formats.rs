//! The `format`s the validators assert: those the Intercom reference uses
//! (`date-time`, `date`, `email`, `uri`, `uuid`) and `time`, `ipv4`, `ipv6`,
//! `hostname`. Each follows its RFC, as the JSON Schema Test Suite reads it.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The formats this module checks, each with a function named `is_` and the
/// format in snake case (`date-time`: `is_date_time`), which generated code
/// calls by that name; codegen asserts these formats and no others.
pub const NAMES: [&str; 9] = [
    "date-time",
    "date",
    "time",
    "email",
    "uri",
    "uuid",
    "ipv4",
    "ipv6",
    "hostname",
];

/// The value of a few decimal digits. On bytes, not a `&str`: a slice of
/// a string at fixed places can end inside a character.
/// The check of each of [`NAMES`], in its order.
pub const CHECKS: [fn(&str) -> bool; 9] = [
    is_date_time,
    is_date,
    is_time,
    is_email,
    is_uri,
    is_uuid,
    is_ipv4,
    is_ipv6,
    is_hostname,
];

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() {
        return None;
    }
    b.iter().try_fold(0u32, |n, byte| {
        let digit = byte.wrapping_sub(b'0');
        (digit <= 9).then(|| n * 10 + u32::from(digit))
    })
}

fn is_leap_year(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// RFC 3339 `full-date`: `2024-02-29`.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) =
        (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10]))
    else {
        return false;
    };
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// RFC 3339 `full-time`: `23:59:60.5+01:00`. A leap second must fall at 23:59:60 UTC.
pub fn is_time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 9 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) =
        (digits(&b[0..2]), digits(&b[3..5]), digits(&b[6..8]))
    else {
        return false;
    };
    // Byte 8 follows two digits: a character starts there.
    let mut rest = &s[8..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let end = fraction
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(fraction.len());
        if end == 0 {
            return false;
        }
        rest = &fraction[end..];
    }
    let offset_minutes: i64 = if rest.eq_ignore_ascii_case("z") {
        0
    } else {
        let ob = rest.as_bytes();
        if ob.len() != 6 || !(ob[0] == b'+' || ob[0] == b'-') || ob[3] != b':' {
            return false;
        }
        let (Some(oh), Some(om)) = (digits(&ob[1..3]), digits(&ob[4..6])) else {
            return false;
        };
        if oh > 23 || om > 59 {
            return false;
        }
        let sign = if ob[0] == b'-' { -1 } else { 1 };
        sign * i64::from(oh * 60 + om)
    };
    if hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    if second == 60 {
        let utc = (i64::from(hour * 60 + minute) - offset_minutes).rem_euclid(24 * 60);
        return utc == 23 * 60 + 59;
    }
    true
}

/// RFC 3339 `date-time`: `2024-01-31T12:00:00.123Z`.
pub fn is_date_time(s: &str) -> bool {
    // A date has no `T`: the first one is at 10 if the date is well formed.
    matches!(s.as_bytes().get(10), Some(b'T' | b't')) && is_date(&s[..10]) && is_time(&s[11..])
}

/// 8-4-4-4-12 hexadecimal digits.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36 && uuid_bytes(b)
}

/// The bit of each place of a uuid, from the first, that holds a hyphen.
const UUID_HYPHENS: u64 = 1 << 8 | 1 << 13 | 1 << 18 | 1 << 23;

/// Every id in the reference is a uuid, so this runs on many strings of
/// every payload: three loads of sixteen bytes (at 0, 16 and 20) class all
/// 36 places at once, about half the instructions of a check byte by byte.
#[cfg(target_arch = "x86_64")]
fn uuid_bytes(b: &[u8]) -> bool {
    use std::arch::x86_64::*;
    /// Bit `i` set where byte `i` of `chunk` is a hexadecimal digit, and
    /// where it is a hyphen.
    fn classes(chunk: &[u8]) -> (u64, u64) {
        assert_eq!(chunk.len(), 16);
        // SAFETY: SSE2 is part of every x86_64 processor, and the unaligned
        // load reads the sixteen bytes of `chunk`.
        unsafe {
            let word = _mm_loadu_si128(chunk.as_ptr().cast());
            // `c - '0'` is at most 9 for a digit alone, wrapping below '0'.
            let digit = _mm_sub_epi8(word, _mm_set1_epi8(b'0' as i8));
            let digit = _mm_cmpeq_epi8(_mm_min_epu8(digit, _mm_set1_epi8(9)), digit);
            // Setting bit 5 makes `A`..`F` into `a`..`f`, and only them.
            let lower = _mm_or_si128(word, _mm_set1_epi8(0x20));
            let letter = _mm_sub_epi8(lower, _mm_set1_epi8(b'a' as i8));
            let letter = _mm_cmpeq_epi8(_mm_min_epu8(letter, _mm_set1_epi8(5)), letter);
            let hyphen = _mm_cmpeq_epi8(word, _mm_set1_epi8(b'-' as i8));
            (
                _mm_movemask_epi8(_mm_or_si128(digit, letter)) as u16 as u64,
                _mm_movemask_epi8(hyphen) as u16 as u64,
            )
        }
    }
    let (hex_0, hyphen_0) = classes(&b[..16]);
    let (hex_16, hyphen_16) = classes(&b[16..32]);
    let (hex_20, hyphen_20) = classes(&b[20..]);
    let hex = hex_0 | hex_16 << 16 | hex_20 << 20;
    let hyphens = hyphen_0 | hyphen_16 << 16 | hyphen_20 << 20;
    let all = (1 << 36) - 1;
    hyphens == UUID_HYPHENS && hex == all & !UUID_HYPHENS
}

#[cfg(not(target_arch = "x86_64"))]
fn uuid_bytes(b: &[u8]) -> bool {
    b.iter().enumerate().fold(true, |valid, (at, c)| {
        valid
            & if UUID_HYPHENS & 1 << at != 0 {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
    })
}

/// Dotted decimal, four octets, no leading zeros.
pub fn is_ipv4(s: &str) -> bool {
    s.is_ascii() && s.parse::<Ipv4Addr>().is_ok()
}

pub fn is_ipv6(s: &str) -> bool {
    s.is_ascii() && s.parse::<Ipv6Addr>().is_ok()
}

/// RFC 1123 host name: labels of letters, digits and inner hyphens, at most
/// 63 characters each and 253 in all. One pass over the bytes: host names
/// are checked in every payload that has an email address.
pub fn is_hostname(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.is_empty() || bytes.len() > 253 {
        return false;
    }
    let mut label = 0;
    for (at, byte) in bytes.iter().enumerate() {
        match byte {
            b'.' => {
                if !is_label(&s[label..at]) {
                    return false;
                }
                label = at + 1;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => {}
            _ => return false,
        }
    }
    is_label(&s[label..])
}

/// A label of a host name, known to be letters, digits and hyphens.
fn is_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    // Hyphens in the third and fourth places make an A-label, which must decode well.
    bytes.len() <= 63
        && *first != b'-'
        && *last != b'-'
        && match bytes.get(2..4) {
            Some(b"--") => label.starts_with("xn") && crate::idna::is_valid_a_label(label),
            _ => true,
        }
}

/// A character of an RFC 5322 `atom`.
fn is_atom_char(byte: u8) -> bool {
    matches!(byte,
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9'
        | b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'/' | b'='
        | b'?' | b'^' | b'_' | b'`' | b'{' | b'|' | b'}' | b'~')
}

/// RFC 5321 mailbox: a dot-atom or quoted local part, `@`, and a host name
/// or an address literal.
pub fn is_email(s: &str) -> bool {
    // By bytes: `rfind` with a `char` sets up a searcher that costs more
    // than the search through an address.
    let Some(at) = s.bytes().rposition(|b| b == b'@') else {
        return false;
    };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    let local_ok = if local.len() >= 2 && local.starts_with('"') && local.ends_with('"') {
        let inner = &local[1..local.len() - 1];
        inner.bytes().all(|b| (32..127).contains(&b)) && !inner.ends_with('\\')
    } else {
        // Atoms joined by single dots: no dot first, last or next to another.
        let bytes = local.as_bytes();
        !bytes.is_empty()
            && bytes.len() <= 64
            && bytes[0] != b'.'
            && bytes[bytes.len() - 1] != b'.'
            && bytes
                .iter()
                .zip(&bytes[1..])
                .all(|(a, b)| is_atom_char(*b) || (*b == b'.' && *a != b'.'))
            && is_atom_char(bytes[0])
    };
    if !local_ok {
        return false;
    }
    if let Some(literal) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        return match literal.strip_prefix("IPv6:") {
            Some(v6) => is_ipv6(v6),
            None => is_ipv4(literal),
        };
    }
    is_hostname(domain)
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~".contains(&b)
}

fn is_sub_delim(b: u8) -> bool {
    b"!$&'()*+,;=".contains(&b)
}

/// Whether `s` is made of unreserved characters, sub-delimiters, percent
/// escapes and the characters in `extra`.
fn uri_chars(s: &str, extra: &[u8]) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            if i + 2 >= b.len() || !(b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit()) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(is_unreserved(c) || is_sub_delim(c) || extra.contains(&c)) {
            return false;
        }
        i += 1;
    }
    true
}

/// RFC 3986 URI (absolute: a scheme is required).
pub fn is_uri(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s[..colon];
    let mut scheme_bytes = scheme.bytes();
    if !scheme_bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        || !scheme_bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        return false;
    }
    let rest = &s[colon + 1..];
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    if fragment.is_some_and(|f| !uri_chars(f, b":@/?")) {
        return false;
    }
    let (hier, query) = match rest.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (rest, None),
    };
    if query.is_some_and(|q| !uri_chars(q, b":@/?")) {
        return false;
    }
    let path = match hier.strip_prefix("//") {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            if !is_authority(&after[..end]) {
                return false;
            }
            &after[end..]
        }
        None => hier,
    };
    uri_chars(path, b":@/")
}

fn is_authority(authority: &str) -> bool {
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    if userinfo.is_some_and(|u| !uri_chars(u, b":")) {
        return false;
    }
    let (host, port) = if let Some(literal) = host_port.strip_prefix('[') {
        let Some(end) = literal.find(']') else {
            return false;
        };
        let ip = &literal[..end];
        let valid = if ip.starts_with(['v', 'V']) {
            ip.contains('.') && uri_chars(ip, b":")
        } else {
            is_ipv6(ip)
        };
        if !valid {
            return false;
        }
        let after = &literal[end + 1..];
        match after.strip_prefix(':') {
            Some(port) => ("", Some(port)),
            None if after.is_empty() => ("", None),
            None => return false,
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    if port.is_some_and(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    uri_chars(host, b"")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The host name and email checks as they were written first, with
    /// `split`, to compare the one-pass ones with.
    fn hostname_by_split(s: &str) -> bool {
        !s.is_empty()
            && s.len() <= 253
            && s.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && match label.get(2..4) {
                        Some("--") => {
                            label.starts_with("xn") && crate::idna::is_valid_a_label(label)
                        }
                        _ => true,
                    }
            })
    }

    fn local_part_by_split(local: &str) -> bool {
        !local.is_empty()
            && local.len() <= 64
            && local.split('.').all(|atom| {
                !atom.is_empty()
                    && atom
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b))
            })
    }

    #[test]
    fn one_pass_checks_agree_with_split_ones() {
        let alphabet = ["a", "-", ".", "x", "n", "9", "_", "é", "!", "~", "Z"];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        texts.extend(["xn--bcher-kva.example", "xn--a", "ab--c"].map(String::from));
        texts.extend([
            "a".repeat(63),
            "a".repeat(64),
            format!("{}.b", "a".repeat(250)),
        ]);
        for text in &texts {
            assert_eq!(is_hostname(text), hostname_by_split(text), "{text:?}");
            let email = format!("{text}@example.com");
            let quoted = email.starts_with('"');
            if !quoted {
                assert_eq!(is_email(&email), local_part_by_split(text), "{email:?}");
            }
        }
    }

    #[test]
    fn formats_follow_their_rfcs() {
        assert!(is_date_time("2024-01-31T12:00:00.123456+01:00"));
        assert!(is_date_time("1998-12-31t23:59:60z"));
        assert!(!is_date_time("1998-12-31T22:59:60Z"));
        assert!(!is_date("2023-02-29"));
        assert!(is_date("2024-02-29"));
        assert!(is_time("01:29:60+01:30"));
        // The seconds' second digit is half of a two-byte character.
        assert!(!is_time("12:34:5\u{e9}"));
        assert!(!is_date_time("2024-01-01T12:34:5\u{e9}"));
        assert!(!is_date_time("2024-01-01\u{e9}12:34:56Z"));
        assert!(is_uuid("2EB8AA08-AA98-11EA-B4AA-73B441D16380"));
        assert!(!is_uuid("2eb8aa08aa9811eab4aa73b441d16380"));
        // 36 bytes, of which the last two are one character.
        assert!(!is_uuid("2eb8aa08-aa98-11ea-b4aa-73b441d163é"));
        assert!(is_email("joe.bloggs@[IPv6:::1]"));
        assert!(!is_email("test..test@example.com"));
        assert!(is_uri("https://example.com/a?b=c#d"));
        assert!(!is_uri("//example.com/a"));
        assert!(!is_uri("http://exa mple.com"));
        assert!(!is_uri("https://[@example.org/test.txt"));
        assert!(!is_ipv4("087.10.0.1"));
        assert!(is_ipv6("::"));
        assert!(!is_hostname("-a.example"));
    }

    #[test]
    fn each_check_is_at_its_name_s_place() {
        let samples = [
            ("date-time", "2024-01-31T12:00:00Z"),
            ("date", "2024-01-31"),
            ("time", "12:00:00Z"),
            ("email", "joe@example.com"),
            ("uri", "https://example.com/a"),
            ("uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d16380"),
            ("ipv4", "192.168.0.1"),
            ("ipv6", "::1"),
            ("hostname", "example.com"),
        ];
        let mut taken = Vec::new();
        for (name, sample) in samples {
            let place = NAMES.iter().position(|n| *n == name).unwrap();
            assert!(CHECKS[place](sample), "{name}: {sample}");
            taken.push(samples.map(|(_, other)| CHECKS[place](other)));
        }
        // No two places hold checks that take the same samples.
        for (i, one) in taken.iter().enumerate() {
            assert!(!taken[i + 1..].contains(one), "{}", samples[i].0);
        }
    }

    /// Near-valid texts with characters of two, three and four bytes in
    /// every place, where a check that slices at fixed offsets would cut
    /// one in half (as `is_time` did at byte 8): each check answers, none
    /// panics.
    #[test]
    fn no_format_panics_on_multibyte_text_anywhere() {
        let pieces = [
            "2024-01-31",
            "T",
            "12:34:5",
            "6",
            ".",
            "Z",
            "+01:00",
            "-",
            ":",
            "@",
            "[IPv6:",
            "]",
            "://",
            "xn--",
            "a",
            "0",
            "%2F",
            "\u{e9}",
            "\u{20ac}",
            "\u{1f600}",
            "2eb8aa08-aa98",
        ];
        let mut next = crate::xorshift(0xd1b5_4a32_d192_ed03);
        for _ in 0..50_000 {
            let text: String = (0..next() % 8)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            for check in CHECKS {
                check(&text);
            }
        }
    }

    /// `is_uuid`'s classing of sixteen bytes at a time against the
    /// definition, byte by byte: every byte value in every one of the 36
    /// places.
    #[test]
    fn uuid_words_class_every_byte_as_the_definition_does() {
        let valid = *b"2eb8aa08-AA98-11ea-b4aa-73b441d16380";
        let by_byte = |b: &[u8]| {
            b.len() == 36
                && b.iter().enumerate().all(|(at, c)| match at {
                    8 | 13 | 18 | 23 => *c == b'-',
                    _ => c.is_ascii_hexdigit(),
                })
        };
        for at in 0..36 {
            for byte in 0..=255u8 {
                let mut candidate = valid;
                candidate[at] = byte;
                // Bytes beyond ASCII alone are not a `str`: the function
                // also sees them inside longer characters, checked below.
                if let Ok(s) = std::str::from_utf8(&candidate) {
                    assert_eq!(is_uuid(s), by_byte(&candidate), "{s:?}");
                }
            }
        }
        assert!(!is_uuid("2eb8aa08-aa98-11ea-b4aa-73b441d1638"));
        assert!(!is_uuid("2eb8aa08-aa98-11ea-b4aa-73b441d163800"));
    }
}
