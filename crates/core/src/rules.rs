//! Character rules written once, used wherever the value is checked, and the client's
//! rules for what the caller hands it: the IAM token ([`check_iam_token`]) and the extra
//! headers ([`check_header`]). The wasm client only reads them.

/// Longest IAM token accepted.
pub const MAX_IAM_TOKEN_LEN: usize = 32 * 1024;
/// Longest value of an extra header.
pub const MAX_HEADER_VALUE_LEN: usize = 8192;

/// Headers the client sets itself; callers may not pass them in `headers`. The first two
/// carry credentials: without `auth` (a client of the edge proxy) they may be given, so that
/// the proxy's token reaches it (`headers: { Authorization: "Bearer ..." }`).
pub const RESERVED_HEADERS: [&str; 7] = [
    "authorization",
    "x-auth-token",
    "host",
    "x-sdk-date",
    "x-security-token",
    "x-project-id",
    "content-length",
];

/// An IAM token (`auth.token`): non-empty printable ASCII without spaces, at most
/// [`MAX_IAM_TOKEN_LEN`] bytes. The problem as a sentence.
pub fn check_iam_token(t: &str) -> Result<(), &'static str> {
    if t.len() > MAX_IAM_TOKEN_LEN || !is_token_text(t) {
        return Err("must be a non-empty printable ASCII string without spaces");
    }
    Ok(())
}

/// An extra header the caller gives the client (`headers`): a valid name, not one the client
/// sets itself (the credential headers only without `auth`), one line of Latin-1 text of at
/// most [`MAX_HEADER_VALUE_LEN`] bytes. The problem as a sentence.
pub fn check_header(name: &str, value: &str, with_auth: bool) -> Result<(), &'static str> {
    if !is_header_name(name) {
        return Err("is not a valid header name");
    }
    match RESERVED_HEADERS
        .iter()
        .position(|r| name.eq_ignore_ascii_case(r))
    {
        Some(i) if i < 2 && with_auth => {
            return Err("carries credentials, which `auth` sets: pass it only without `auth`")
        }
        Some(i) if i >= 2 => return Err("is set by the client itself and cannot be overridden"),
        _ => {}
    }
    if value.len() > MAX_HEADER_VALUE_LEN || !is_header_value(value) {
        return Err("must be one line of at most 8192 bytes of Latin-1 text");
    }
    Ok(())
}

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
        assert!(check_iam_token("MIItoken").is_ok());
        assert!(check_iam_token(&"t".repeat(MAX_IAM_TOKEN_LEN + 1)).is_err());
        assert!(check_iam_token("").is_err());
        assert!(check_header("X-Trace", "1", true).is_ok());
        assert!(check_header("Authorization", "Bearer x", false).is_ok());
        assert!(check_header("authorization", "Bearer x", true).is_err());
        assert!(check_header("Host", "h", false).is_err());
        assert!(check_header("X-Trace", &"v".repeat(8193), false).is_err());
        assert!(check_header("X Trace", "1", false).is_err());
    }
}
