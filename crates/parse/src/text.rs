//! Small text helpers for messages and decimal fields, shared by every module.

/// `s` as a JSON string literal (serde_json's escaping) for a message, clipped to
/// `max_chars` characters (then `…` follows the closing quote).
pub fn quoted(s: &str, max_chars: usize) -> String {
    let json = |s: &str| serde_json::to_string(s).unwrap_or_default();
    match s.char_indices().nth(max_chars) {
        Some((cut, _)) => json(s.get(..cut).unwrap_or("")) + "…",
        None => json(s),
    }
}

/// Decimal digits only (no sign, no `+`, no spaces), at least one, to `u64`; `None` on
/// overflow or anything else.
pub fn digits(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A number as a JS caller writes it, for messages: `5000`, `1.5`, `NaN`, `-Infinity`
/// (whole values within ±(2^53 - 1) without a fraction; others by serde_json).
pub fn number(n: f64) -> String {
    if n.is_nan() {
        "NaN".to_string()
    } else if n.is_infinite() {
        (if n < 0.0 { "-Infinity" } else { "Infinity" }).to_string()
    } else if n.fract() == 0.0 && n.abs() <= crate::model::MAX_SAFE_INTEGER as f64 {
        (n as i64).to_string()
    } else {
        serde_json::to_string(&n).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_digits() {
        assert_eq!(quoted("a\"b", 10), r#""a\"b""#);
        assert_eq!(quoted("héllo", 2), "\"hé\"…");
        assert_eq!(digits("0042"), Some(42));
        assert_eq!(digits("+1"), None);
        assert_eq!(digits(""), None);
        assert_eq!(digits("18446744073709551616"), None);
        assert_eq!(number(5000.0), "5000");
        assert_eq!(number(-1.5), "-1.5");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::NEG_INFINITY), "-Infinity");
    }
}
