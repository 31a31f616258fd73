//! Character rules written once, used wherever the value is checked.

/// A token (`DCS_AUTH_TOKEN`, `PROXY_TOKEN`, `auth.token`, an AK, a security token): non-empty
/// printable ASCII without spaces (0x21-0x7E).
pub fn is_token_text(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic())
}

/// An HTTP header name (RFC 9110 `token`), at most 256 bytes.
pub fn is_header_name(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 256
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A header value `fetch`'s `Headers` accepts: one line of Latin-1 text (no CR, LF or NUL).
pub fn is_header_value(v: &str) -> bool {
    !v.chars()
        .any(|c| c > '\u{ff}' || matches!(c, '\0' | '\r' | '\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(is_token_text("abc-123_~!"));
        for bad in ["", "a b", "a\tb", "é", "a\u{7f}"] {
            assert!(!is_token_text(bad), "{bad:?}");
        }
        assert!(is_header_name("X-Request-Id"));
        for bad in ["", "a b", "a:b", "é", &"a".repeat(257)] {
            assert!(!is_header_name(bad), "{bad:?}");
        }
        assert!(is_header_value("Bearer abc é"));
        for bad in ["a\r\nb", "a\nb", "a\0", "\u{100}"] {
            assert!(!is_header_value(bad), "{bad:?}");
        }
    }
}
