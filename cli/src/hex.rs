//! Input decoding for the commands that read captures: hex text or raw bytes.
//!
//! Captures in this project are stored as lowercase hex on one line, while tools such as
//! tcpdump or a socket dump write raw bytes. Accepting both without a flag means a user can
//! point `hellogate inspect` at whatever file they have.

/// Decodes `input` as hex when it is nothing but hex digits and ASCII whitespace, with an
/// even, non-zero number of digits; otherwise returns it unchanged as raw bytes.
///
/// A raw TLS or DTLS capture starts with a content-type byte (20 to 26) that is not an ASCII
/// hex digit, so real binary captures are never mistaken for hex.
pub fn decode_input(input: &[u8]) -> Vec<u8> {
    match decode_hex(input) {
        Some(bytes) => bytes,
        None => input.to_vec(),
    }
}

/// Strict hex decoding with whitespace ignored: `None` for any other character, an odd
/// number of digits, or no digits at all.
pub fn decode_hex(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() / 2);
    let mut high: Option<u8> = None;
    for &c in input {
        if c.is_ascii_whitespace() {
            continue;
        }
        let nibble = hex_value(c)?;
        match high.take() {
            None => high = Some(nibble),
            Some(h) => out.push(h << 4 | nibble),
        }
    }
    if high.is_some() || out.is_empty() {
        return None;
    }
    Some(out)
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Lowercase hex of `bytes`, no separators (the form the capture files use).
pub fn encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_with_whitespace_and_mixed_case_decodes() {
        assert_eq!(
            decode_input(b"16 03\n01 Ab\r\n"),
            vec![0x16, 0x03, 0x01, 0xab]
        );
    }

    #[test]
    fn odd_digit_count_or_other_characters_mean_raw() {
        assert_eq!(decode_input(b"160"), b"160".to_vec());
        assert_eq!(decode_input(b"16:03"), b"16:03".to_vec());
        assert_eq!(decode_input(&[0x16, 0x03, 0x01]), vec![0x16, 0x03, 0x01]);
        assert_eq!(decode_input(b" \n"), b" \n".to_vec());
        assert_eq!(decode_input(b""), Vec::<u8>::new());
    }

    #[test]
    fn encode_is_lowercase_and_inverts_decode() {
        let bytes = [0x00, 0x0f, 0xf0, 0xff, 0x5a];
        assert_eq!(encode(&bytes), "000ff0ff5a");
        assert_eq!(decode_hex(encode(&bytes).as_bytes()), Some(bytes.to_vec()));
    }
}
