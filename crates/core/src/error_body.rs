//! HTTP error bodies: the code and message of an error answer, in any of the shapes the
//! official SDKs read (`{error_code, error_msg, error_ext_msg}`, `{errorCode, errorMsg}`,
//! `{code, message}`, or one of these under `"error"`), read by serde_json with the list
//! parser's value readers (`dcs_tasks_parse::de`). Lenient by design: anything else is
//! `None`, never an error, and every value is read past within the same depth bound.

use std::fmt;

use dcs_tasks_parse::de::{Field, Key, Scalar, ScalarSeed, Skip};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The body of an HTTP error answer, in any of the shapes the official SDKs accept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    pub error_code: Option<String>,
    pub error_msg: Option<String>,
    pub error_ext_msg: Option<String>,
}

/// The members an error body may carry, by wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(field_identifier)]
enum ErrorField {
    #[serde(rename = "error_code")]
    ErrorCode,
    #[serde(rename = "error_msg")]
    ErrorMsg,
    #[serde(rename = "error_ext_msg")]
    ErrorExtMsg,
    #[serde(rename = "errorCode")]
    ErrorCodeCamel,
    #[serde(rename = "errorMsg")]
    ErrorMsgCamel,
    #[serde(rename = "code")]
    Code,
    #[serde(rename = "message")]
    Message,
    #[serde(rename = "error")]
    Error,
    #[serde(other)]
    Unknown,
}

impl Field for ErrorField {
    const UNKNOWN: Self = ErrorField::Unknown;
    fn bit(self) -> u64 {
        1 << (self as u32)
    }
}

/// What one object held: the texts in [`ErrorField`] order (the first of duplicates), and
/// the object under `"error"` (read at the top level only).
#[derive(Default)]
struct Shape {
    texts: [Option<String>; 7],
    nested: Option<Box<Shape>>,
}

impl Shape {
    /// The first shape present here, else (at the top) under `"error"`.
    fn fields(self) -> Option<ErrorBody> {
        let [code, msg, ext, code_camel, msg_camel, code_plain, message] = self.texts;
        let shapes = [
            (code, msg, ext),
            (code_camel, msg_camel, None),
            (code_plain, message, None),
        ];
        for (error_code, error_msg, error_ext_msg) in shapes {
            if error_code.is_some() || error_msg.is_some() {
                return Some(ErrorBody {
                    error_code,
                    error_msg,
                    error_ext_msg,
                });
            }
        }
        self.nested.and_then(|n| n.fields())
    }
}

/// One value that may be a shape: an object is read (depth 1 at the top, 2 under `"error"`);
/// anything else is read past and gives `None`.
struct ShapeSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ShapeSeed {
    type Value = Option<Shape>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ShapeSeed {
    type Value = Option<Shape>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an error object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut shape = Shape::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let f = if key.too_long {
                ErrorField::Unknown
            } else {
                ErrorField::of(&key.text)
            };
            match f {
                ErrorField::Unknown => map.next_value_seed(Skip(self.depth + 1))?,
                ErrorField::Error if self.depth == 1 => {
                    let nested = map.next_value_seed(ShapeSeed { depth: 2 })?;
                    if shape.nested.is_none() {
                        shape.nested = nested.map(Box::new);
                    }
                }
                ErrorField::Error => map.next_value_seed(Skip(self.depth + 1))?,
                f => {
                    let v = map.next_value_seed(ScalarSeed(self.depth + 1))?;
                    let text = match &v {
                        Scalar::Str(s) => Some(s.to_string()),
                        Scalar::U64(_) | Scalar::I64(_) | Scalar::F64(_) => Some(v.number()),
                        _ => None,
                    };
                    if let Some(slot) = shape.texts.get_mut(f as usize) {
                        if slot.is_none() {
                            *slot = text;
                        }
                    }
                }
            }
        }
        Ok(Some(shape))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Skip(self.depth).visit_seq(seq).map(|()| None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// Reads an HTTP error body: `{error_code, error_msg, error_ext_msg}`,
/// `{errorCode, errorMsg}`, `{code, message}`, or one of these under `"error"`.
/// `None` when the body is not one JSON object carrying any of them. Never fails.
pub fn parse_error_body(body: &[u8]) -> Option<ErrorBody> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let shape = ShapeSeed { depth: 1 }.deserialize(&mut de).ok()??;
    de.end().ok()?;
    shape.fields()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies() {
        let b =
            parse_error_body(br#"{"error_code":"DCS.4800","error_msg":"bad","error_ext_msg":"x"}"#)
                .unwrap();
        assert_eq!(b.error_ext_msg.as_deref(), Some("x"));
        let b = parse_error_body(br#"{"errorCode":"APIGW.0301","errorMsg":"m"}"#).unwrap();
        assert_eq!(b.error_code.as_deref(), Some("APIGW.0301"));
        let b = parse_error_body(br#"{"error":{"code":401,"message":"no"}}"#).unwrap();
        assert_eq!(b.error_code.as_deref(), Some("401"));
        // A top-level shape wins over "error"; a non-object "error" is read past.
        let b = parse_error_body(br#"{"error":"x","code":"C","message":{"m":1}}"#).unwrap();
        assert_eq!((b.error_code.as_deref(), b.error_msg), (Some("C"), None));
        // The first of duplicate members counts.
        let b = parse_error_body(br#"{"code":"A","code":"B"}"#).unwrap();
        assert_eq!(b.error_code.as_deref(), Some("A"));
        // Only one level of "error".
        assert_eq!(
            parse_error_body(br#"{"error":{"error":{"code":"x"}}}"#),
            None
        );
        assert_eq!(parse_error_body(b"<html>"), None);
        assert_eq!(parse_error_body(b"[]"), None);
        assert_eq!(parse_error_body(br#"{"a":1}"#), None);
        assert_eq!(parse_error_body(br#"{"code":"A"} x"#), None);
        let deep = format!(
            r#"{{"code":"A","x":{}{}}}"#,
            "[".repeat(100),
            "]".repeat(100)
        );
        assert_eq!(parse_error_body(deep.as_bytes()), None);
    }
}
