//! Shared pieces of the fuzz targets: invariant checks and a small dictionary that
//! steers `arbitrary` input towards the values the validators care about.

use arbitrary::{Arbitrary, Unstructured};
use dcs_tasks_core::{DcsError, ErrorCode, Warning, WarningCode};

/// The warnings that report a quirk (strict mode refuses each): all but `invisible_text`, which
/// reports display text the API allows (in both modes).
pub fn quirks(warnings: &[Warning]) -> Vec<&Warning> {
    warnings
        .iter()
        .filter(|w| w.code != WarningCode::InvisibleText)
        .collect()
}

/// What the crate writes is valid JSON for serde_json, read into a generic tree.
pub fn assert_valid_json(what: &str, text: &str) {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        panic!("{what}: to_json() is not valid JSON ({e}): {text:?}");
    }
}

/// A parse error must be INVALID_RESPONSE with a non-empty wire path and no field (the
/// empty key renders quoted: `[""]`).
pub fn assert_response_error(e: &DcsError) {
    assert_eq!(e.code, ErrorCode::InvalidResponse, "{e:?}");
    assert!(
        e.path.as_deref().is_some_and(|p| !p.is_empty()),
        "INVALID_RESPONSE without a path: {e:?}"
    );
    assert!(e.field.is_none(), "{e:?}");
    assert!(e.http.is_none(), "{e:?}");
}

/// The two parse modes agree: strict accepts exactly what default mode accepts without
/// quirks, with the same result (`invisible_text` notes included). `warnings` reads a
/// result's warnings.
pub fn assert_modes_agree<T: PartialEq + std::fmt::Debug>(
    strict_r: &Result<T, DcsError>,
    default_r: &Result<T, DcsError>,
    warnings: impl Fn(&T) -> &[dcs_tasks_core::Warning],
) {
    match (strict_r, default_r) {
        (Ok(s), Ok(d)) => {
            assert!(
                quirks(warnings(d)).is_empty(),
                "strict accepted what default warned about: {:?}",
                warnings(d)
            );
            assert_eq!(s, d, "the modes disagree on an input without quirks");
        }
        (Ok(_), Err(e)) => panic!("strict accepted what default mode refused: {e:?}"),
        (Err(e), Ok(d)) => assert!(
            !quirks(warnings(d)).is_empty(),
            "strict refused an input default mode accepted without warnings: {e:?}"
        ),
        (Err(_), Err(e)) => assert_response_error(e),
    }
}

/// A validation error must be INVALID_ARGUMENT naming a field.
pub fn assert_argument_error(e: &DcsError) {
    assert_eq!(e.code, ErrorCode::InvalidArgument, "{e:?}");
    let f = e
        .field
        .as_deref()
        .expect("INVALID_ARGUMENT without a field");
    assert!(!f.is_empty(), "empty field: {e:?}");
    assert!(e.path.is_none(), "{e:?}");
}

/// Strings the validators treat specially; mixed with fully arbitrary strings.
pub const WORDS: &[&str] = &[
    "",
    " ",
    "cn-north-4",
    "ap-southeast-1",
    "cn-north-4 ",
    "CN-NORTH-4",
    "0123456789abcdef0123456789abcdef",
    "3e5c8b1a-1111-2222-3333-444455556666",
    "a_b-C9",
    "a/b",
    "a?b",
    "a%2Fb",
    "..",
    ".",
    "a\u{0}b",
    "é",
    "\u{feff}x",
    "0123456789012345678901234567890123456789012345678901234567890123",
    "01234567890123456789012345678901234567890123456789012345678901234",
    "https://dcs.cn-north-4.myhuaweicloud.com",
    "https://dcs.cn-north-4.myhuaweicloud.com/",
    "https://proxy.example.com/dcs/api",
    "https://proxy.example.com:8443/x/",
    "https://[::1]:443/",
    "https://user:pw@example.com",
    "https://example.com?x=1",
    "https://example.com#f",
    "https://example.com:99999",
    "https://example.com:0",
    "http://127.0.0.1:8787",
    "http://localhost",
    "http://[::1]:8080/p",
    "http://example.com",
    "ftp://example.com",
    "HTTPS://EXAMPLE.COM",
    "0",
    "1",
    "10",
    "1000",
    "1001",
    "-1",
    "2147483647",
    "2147483648",
    "1e3",
    "0x10",
    "1.0",
    " 1",
    "NaN",
    "Infinity",
    "20200609160000",
    "20200230000000",
    "20201301000000",
    "20200101240000",
    "99991231235959",
    "00000101000000",
    "2020-06-17T08:18:06.597Z",
    "2020-06-17T08:18:06Z",
    "2020-06-17T08:18:06+08:00",
    "2020-06-17T08:18:06-23:59",
    "2020-02-29T00:00:00Z",
    "2019-02-29T00:00:00Z",
    "2020-06-17T08:18:06",
    "2020-06-17 08:18:06Z",
    "9999-12-31T23:59:59.999Z",
    "10000-01-01T00:00:00Z",
    "1969-12-31T23:59:59Z",
    "2020-06-17T08:18:60Z",
    "2020-06-17T08:18:06.5Z",
    "2020-06-17T08:18:06.123456789Z",
    "1591718400000",
];

/// A string: usually a dictionary word (sometimes with an arbitrary suffix), else arbitrary.
pub fn word(u: &mut Unstructured) -> arbitrary::Result<String> {
    Ok(match u.int_in_range(0u8..=9)? {
        0..=4 => (*u.choose(WORDS)?).to_string(),
        5 => {
            let mut s = (*u.choose(WORDS)?).to_string();
            s.push_str(&String::arbitrary(u)?);
            s
        }
        _ => String::arbitrary(u)?,
    })
}

/// A float that is often interesting: boundaries, non-finite, epoch milliseconds.
pub fn number(u: &mut Unstructured) -> arbitrary::Result<f64> {
    const NUMS: &[f64] = &[
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        10.0,
        1000.0,
        1001.0,
        2147483647.0,
        2147483648.0,
        9007199254740991.0,
        9007199254740992.0,
        1e300,
        -1e300,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        f64::EPSILON,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1_591_718_400_000.0,
        253_402_300_799_999.0,
        253_402_300_800_000.0,
        -1.0e3,
    ];
    Ok(if bool::arbitrary(u)? {
        *u.choose(NUMS)?
    } else {
        f64::arbitrary(u)?
    })
}
