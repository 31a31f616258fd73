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

/// A character a reader cannot see, or that changes how the text around it is shown: control
/// characters, bidirectional controls (`U+202E` shows `\u{202E}dorp-ehcac` as "cache-prod"),
/// zero-width and joiner characters, the soft hyphen, invisible operators, the BOM, the tag
/// characters, the Hangul fillers and the interlinear annotation marks.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{ad}' | '\u{61c}' | '\u{115f}' | '\u{1160}'
        | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{3164}' | '\u{feff}' | '\u{ffa0}' | '\u{fff9}'..='\u{fffb}'
        | '\u{e0000}'..='\u{e007f}')
}

/// `s` with every [`is_invisible`] character shown as `[U+XXXX]`, so that a person sees it
/// instead of its effect; `s` itself when it has none.
pub fn reveal(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_invisible) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_invisible(c) {
            out.push_str("[U+");
            let hex = format!("{:04X}", c as u32);
            out.push_str(&hex);
            out.push(']');
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod invisible_tests {
    use super::*;

    #[test]
    fn invisible_characters_are_revealed() {
        assert_eq!(reveal("cache-prod"), "cache-prod");
        assert_eq!(
            reveal("\u{202E}dorp-ehcac\u{202C}"),
            "[U+202E]dorp-ehcac[U+202C]"
        );
        assert_eq!(
            reveal("a\u{200B}b\u{FEFF}\u{E0041}"),
            "a[U+200B]b[U+FEFF][U+E0041]"
        );
        assert_eq!(reveal("tab\there"), "tab[U+0009]here");
        for visible in ["订单缓存", "café", "emoji 🙂", "a-b_c.d"] {
            assert_eq!(reveal(visible), visible);
        }
    }
}
