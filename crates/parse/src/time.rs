//! Calendar arithmetic and the timestamp formats the API and its SDKs use.
//!
//! All instants are milliseconds since the Unix epoch (UTC), as `i64`. Only years
//! 1970..=9999 are accepted on input: the API has no tasks before 1970 and its
//! formats have four-digit years.

/// Lowest and highest accepted instant: 1970-01-01T00:00:00.000Z ..= 9999-12-31T23:59:59.999Z.
pub const MIN_MS: i64 = 0;
pub const MAX_MS: i64 = 253_402_300_799_999;

/// Days in `month` (1..=12) of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian), H. Hinnant's algorithm.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Broken-down UTC time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
}

impl Civil {
    /// Checks ranges (month, day of that month, hour < 24, minute < 60, second < 60,
    /// year 1970..=9999) and converts to epoch milliseconds.
    pub fn to_ms(&self) -> Result<i64, &'static str> {
        if !(1970..=9999).contains(&self.year) {
            return Err("year out of range 1970..9999");
        }
        if !(1..=12).contains(&self.month) {
            return Err("month out of range");
        }
        if self.day < 1 || self.day > days_in_month(self.year, self.month) {
            return Err("day does not exist in that month");
        }
        if self.hour > 23 {
            return Err("hour out of range");
        }
        if self.minute > 59 {
            return Err("minute out of range");
        }
        if self.second > 59 {
            return Err("second out of range");
        }
        if self.millis > 999 {
            return Err("milliseconds out of range");
        }
        let days = days_from_civil(self.year, self.month, self.day);
        Ok(
            ((days * 24 + self.hour as i64) * 60 + self.minute as i64) * 60_000
                + self.second as i64 * 1000
                + self.millis as i64,
        )
    }

    /// Breaks an instant down. `ms` must be within MIN_MS..=MAX_MS.
    pub fn from_ms(ms: i64) -> Civil {
        let days = ms.div_euclid(86_400_000);
        let rem = ms.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: (rem / 3_600_000) as u32,
            minute: (rem / 60_000 % 60) as u32,
            second: (rem / 1000 % 60) as u32,
            millis: (rem % 1000) as u32,
        }
    }
}

/// `2020-06-17T08:18:06.597Z`
pub fn format_iso_ms(ms: i64) -> String {
    let c = Civil::from_ms(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second, c.millis
    )
}

/// The API's query format, UTC: `20200609160000` (milliseconds are dropped).
pub fn format_api_time(ms: i64) -> String {
    let c = Civil::from_ms(ms);
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// The signer's `X-Sdk-Date`: `20240101T000000Z`.
pub fn format_sdk_date(ms: i64) -> String {
    let c = Civil::from_ms(ms);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// A tiny cursor over ASCII digits.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cur<'a> {
    fn digits(&mut self, n: usize) -> Option<u32> {
        let end = self.i.checked_add(n)?;
        let part = self.b.get(self.i..end)?;
        let mut v: u32 = 0;
        for &c in part {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + (c - b'0') as u32;
        }
        self.i = end;
        Some(v)
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

/// How a timestamp text was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeForm {
    /// Exactly `YYYY-MM-DDTHH:MM:SS.sssZ`, the API's documented form.
    Canonical,
    /// Another RFC 3339 / ISO-8601 form with a zone (`Z` or `±HH:MM`), any fraction digits.
    IsoWithZone,
    /// ISO-8601-like without a zone (`2022-09-01 11:52:24`, `2022-09-01T11:52:24.5`): read as UTC.
    NoZone,
    /// The API's compact query form `yyyyMMddHHmmss`, UTC.
    Compact,
}

/// Parses the timestamp forms this crate accepts and says which form it was.
/// Errors are short human messages (the caller adds the field or path).
pub fn parse_timestamp(s: &str) -> Result<(i64, TimeForm), &'static str> {
    let b = s.as_bytes();
    if b.len() == 14 && b.iter().all(u8::is_ascii_digit) {
        let mut c = Cur { b, i: 0 };
        let civ = Civil {
            year: c.digits(4).unwrap_or(0) as i64,
            month: c.digits(2).unwrap_or(0),
            day: c.digits(2).unwrap_or(0),
            hour: c.digits(2).unwrap_or(0),
            minute: c.digits(2).unwrap_or(0),
            second: c.digits(2).unwrap_or(0),
            millis: 0,
        };
        return civ.to_ms().map(|ms| (ms, TimeForm::Compact));
    }
    let mut c = Cur { b, i: 0 };
    let year = c.digits(4).ok_or(SHAPE)? as i64;
    if !c.eat(b'-') {
        return Err(SHAPE);
    }
    let month = c.digits(2).ok_or(SHAPE)?;
    if !c.eat(b'-') {
        return Err(SHAPE);
    }
    let day = c.digits(2).ok_or(SHAPE)?;
    let t_sep = c.eat(b'T') || c.eat(b't');
    if !t_sep && !c.eat(b' ') {
        return Err(SHAPE);
    }
    let hour = c.digits(2).ok_or(SHAPE)?;
    if !c.eat(b':') {
        return Err(SHAPE);
    }
    let minute = c.digits(2).ok_or(SHAPE)?;
    if !c.eat(b':') {
        return Err(SHAPE);
    }
    let second = c.digits(2).ok_or(SHAPE)?;
    let (millis, frac_digits) = fraction(&mut c)?;
    let civ = Civil {
        year,
        month,
        day,
        hour,
        minute,
        second,
        millis,
    };
    // Canonical: `T`, three fraction digits, `Z` (upper case both).
    let canonical = t_sep && frac_digits == 3 && b[10] == b'T' && b[b.len() - 1] == b'Z';
    let (offset_min, form) = zone(&mut c, canonical)?;
    if !c.done() {
        return Err(SHAPE);
    }
    let ms = civ.to_ms()? - offset_min * 60_000;
    if !(MIN_MS..=MAX_MS).contains(&ms) {
        return Err("instant out of range 1970..9999");
    }
    Ok((ms, form))
}

/// Whether `s` is a valid timestamp in the documented form `YYYY-MM-DDTHH:MM:SS.sssZ`: the
/// same answer as `parse_timestamp(s)` giving [`TimeForm::Canonical`], without computing the
/// instant (the list parser's common case: such a timestamp is kept as sent).
pub fn is_canonical(s: &str) -> bool {
    let Ok(b) = <&[u8; 24]>::try_from(s.as_bytes()) else {
        return false;
    };
    let shape = b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[23] == b'Z';
    const DIGITS: [usize; 17] = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];
    if !shape || !DIGITS.iter().all(|&i| b[i].is_ascii_digit()) {
        return false;
    }
    let n = |i: usize| (b[i] - b'0') as u32 * 10 + (b[i + 1] - b'0') as u32;
    let (year, month, day) = (n(0) * 100 + n(2), n(5), n(8));
    (1970..=9999).contains(&year)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year as i64, month)
        && n(11) <= 23
        && n(14) <= 59
        && n(17) <= 59
}

const SHAPE: &str =
    "not a timestamp (expected ISO-8601 like 2020-06-17T08:18:06.597Z or yyyyMMddHHmmss)";

/// An optional `.fraction` (1-9 digits): its milliseconds and how many digits it had.
fn fraction(c: &mut Cur) -> Result<(u32, usize), &'static str> {
    let (mut millis, mut digits) = (0u32, 0usize);
    if !c.eat(b'.') {
        return Ok((0, 0));
    }
    while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
        if digits < 3 {
            millis = millis * 10 + (d - b'0') as u32;
        }
        digits += 1;
        c.i += 1;
        if digits > 9 {
            return Err("too many fraction digits");
        }
    }
    if digits == 0 {
        return Err(SHAPE);
    }
    for _ in digits..3 {
        millis *= 10;
    }
    Ok((millis, digits))
}

/// The zone after the time: none, `Z`, or `±hh[:]mm`; its offset in minutes and the form.
fn zone(c: &mut Cur, canonical: bool) -> Result<(i64, TimeForm), &'static str> {
    if c.done() {
        return Ok((0, TimeForm::NoZone));
    }
    if c.eat(b'Z') || c.eat(b'z') {
        let form = if canonical {
            TimeForm::Canonical
        } else {
            TimeForm::IsoWithZone
        };
        return Ok((0, form));
    }
    let sign = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        return Err(SHAPE);
    };
    let oh = c.digits(2).ok_or(SHAPE)?;
    let _colon = c.eat(b':');
    let om = c.digits(2).ok_or(SHAPE)?;
    if oh > 23 || om > 59 {
        return Err("zone offset out of range");
    }
    Ok((sign * (oh as i64 * 60 + om as i64), TimeForm::IsoWithZone))
}

/// Parses an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 IMF-fixdate) for
/// `Date` and `Retry-After` headers.
pub fn parse_http_date(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    // "Sun, 06 Nov 1994 08:49:37 GMT" is 29 bytes.
    if b.len() != 29 || &b[3..5] != b", " || &b[25..] != b" GMT" {
        return None;
    }
    let mut c = Cur { b, i: 5 };
    let day = c.digits(2)?;
    if !c.eat(b' ') {
        return None;
    }
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == &b[8..11])? as u32 + 1;
    c.i = 11;
    if !c.eat(b' ') {
        return None;
    }
    let year = c.digits(4)? as i64;
    if !c.eat(b' ') {
        return None;
    }
    let hour = c.digits(2)?;
    c.eat(b':').then_some(())?;
    let minute = c.digits(2)?;
    c.eat(b':').then_some(())?;
    let second = c.digits(2)?;
    Civil {
        year,
        month,
        day,
        hour,
        minute,
        second,
        millis: 0,
    }
    .to_ms()
    .ok()
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`
pub fn format_http_date(ms: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let c = Civil::from_ms(ms);
    let dow = DAYS
        .get(ms.div_euclid(86_400_000).rem_euclid(7) as usize)
        .unwrap_or(&"Thu");
    let month = MONTHS
        .get((c.month as usize).wrapping_sub(1))
        .unwrap_or(&"Jan");
    format!(
        "{dow}, {:02} {month} {:04} {:02}:{:02}:{:02} GMT",
        c.day, c.year, c.hour, c.minute, c.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_canonical_agrees_with_parse_timestamp() {
        let canonical = |s: &str| matches!(parse_timestamp(s), Ok((_, TimeForm::Canonical)));
        let mut cases = 0;
        for base in [
            "2020-06-17T08:18:06.597Z",
            "1970-01-01T00:00:00.000Z",
            "9999-12-31T23:59:59.999Z",
            "2024-02-29T12:00:00.000Z",
            "2023-02-28T23:59:59.999Z",
        ] {
            // Every byte replaced by each of a few characters, and every cut.
            for i in 0..base.len() {
                for c in "0123456789-T:.Zzt +x".chars() {
                    let mut s = base.to_string();
                    s.replace_range(i..i + 1, &c.to_string());
                    assert_eq!(is_canonical(&s), canonical(&s), "{s}");
                    cases += 1;
                }
                assert_eq!(is_canonical(&base[..i]), canonical(&base[..i]));
            }
            assert!(is_canonical(base));
            assert!(!is_canonical(&format!("{base}Z")));
        }
        for s in [
            "1969-12-31T23:59:59.999Z",
            "2023-02-29T00:00:00.000Z",
            "2020-13-01T00:00:00.000Z",
            "2020-00-01T00:00:00.000Z",
            "2020-04-31T00:00:00.000Z",
            "2020-04-00T00:00:00.000Z",
            "2020-04-01T24:00:00.000Z",
            "2020-04-01T00:60:00.000Z",
            "2020-04-01T00:00:60.000Z",
            "2020-06-17T08:18:06.597+00:00",
            "2020-06-17 08:18:06.597Z",
        ] {
            assert_eq!(is_canonical(s), canonical(s), "{s}");
            assert!(!is_canonical(s), "{s}");
        }
        assert!(cases > 2000);
    }

    #[test]
    fn round_trips() {
        let (ms, f) = parse_timestamp("2020-06-17T08:18:06.597Z").unwrap();
        assert_eq!(f, TimeForm::Canonical);
        assert_eq!(format_iso_ms(ms), "2020-06-17T08:18:06.597Z");
        assert_eq!(format_api_time(ms), "20200617081806");
        assert_eq!(format_sdk_date(ms), "20200617T081806Z");
        let (ms2, f2) = parse_timestamp("20200617081806").unwrap();
        assert_eq!(f2, TimeForm::Compact);
        assert_eq!(ms2, ms - 597);
        let (ms3, f3) = parse_timestamp("2020-06-17T16:18:06.597+08:00").unwrap();
        assert_eq!((ms3, f3), (ms, TimeForm::IsoWithZone));
        let (ms4, f4) = parse_timestamp("2022-09-01 11:52:24").unwrap();
        assert_eq!(f4, TimeForm::NoZone);
        assert_eq!(format_iso_ms(ms4), "2022-09-01T11:52:24.000Z");
    }

    #[test]
    fn impossible_dates() {
        for s in [
            "2021-02-29T00:00:00.000Z",
            "2020-02-30T00:00:00Z",
            "2020-01-01T24:00:00Z",
            "2020-13-01T00:00:00Z",
            "20200230000000",
            "20200101240000",
            "1969-12-31T23:59:59Z",
            "2020-01-01T00:00:60Z",
            "2020-1-01T00:00:00Z",
            "2020-01-01T00:00:00.Z",
            "2020-01-01T00:00:00+24:00",
            "",
            "yesterday",
        ] {
            assert!(parse_timestamp(s).is_err(), "{s}");
        }
        assert!(parse_timestamp("2024-02-29T00:00:00Z").is_ok());
        assert!(parse_timestamp("20240229000000").is_ok());
    }

    #[test]
    fn civil_round_trip_everywhere() {
        let mut d = 0;
        while d < 2_932_896 {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
            d += 37;
        }
    }

    #[test]
    fn http_dates() {
        let ms = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(format_http_date(ms), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37"), None);
        assert_eq!(parse_http_date("garbage"), None);
    }
}
