//! A small, strict JSON reader (owned by the parser work; see issue 2).
