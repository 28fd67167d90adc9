//! Identifiers and timestamps of annotations.
//!
//! Annotation ids are random 60-bit numbers written as 12 Crockford base-32
//! characters (`"k3v9x2m7qp4r"`). Random rather than counted, because
//! projects are copied, branched in git and merged: two annotators who each
//! add "annotation 42" must not collide, and two independent files must not
//! share ids by accident (the diff matches annotations by id first). With 60
//! bits, a project of a million annotations has a collision chance below
//! 1e-6, and [`AnnotationId::fresh`] retries against the ids in use anyway.
//!
//! Timestamps are whole seconds in UTC, written as RFC 3339 (`2026-11-23T20:38:01Z`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const ID_CHARS: usize = 12;
const ID_BITS: u32 = 5 * ID_CHARS as u32;

/// A stable annotation identifier, unique within a project and never reused.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnnotationId(u64);

impl AnnotationId {
    /// The id with numeric value `n` (masked to 60 bits). Deterministic ids
    /// are for generated test data; editing uses [`AnnotationId::fresh`].
    pub fn from_u64(n: u64) -> AnnotationId {
        AnnotationId(n & ((1 << ID_BITS) - 1))
    }

    /// The numeric value.
    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// A random id for which `taken` is false.
    pub fn fresh(taken: impl Fn(AnnotationId) -> bool) -> AnnotationId {
        loop {
            let id = AnnotationId::from_u64(random_u64());
            if !taken(id) {
                return id;
            }
        }
    }

    /// Parses the 12-character form (case-insensitive, Crockford's `i`/`l`
    /// read as 1 and `o` as 0).
    pub fn parse(s: &str) -> Option<AnnotationId> {
        if s.len() != ID_CHARS {
            return None;
        }
        let mut n = 0u64;
        for c in s.bytes() {
            let digit = DIGITS[c as usize];
            if digit == INVALID {
                return None;
            }
            n = (n << 5) | digit as u64;
        }
        Some(AnnotationId(n))
    }
}

const INVALID: u8 = 0xff;

/// The value of each byte as an id digit (a table, not a search: ids are
/// parsed for every annotation of every file loaded).
const DIGITS: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        let c = ALPHABET[i];
        table[c as usize] = i as u8;
        table[c.to_ascii_uppercase() as usize] = i as u8;
        i += 1;
    }
    // Crockford's readings of the letters the alphabet leaves out.
    table[b'i' as usize] = table[b'1' as usize];
    table[b'I' as usize] = table[b'1' as usize];
    table[b'l' as usize] = table[b'1' as usize];
    table[b'L' as usize] = table[b'1' as usize];
    table[b'o' as usize] = table[b'0' as usize];
    table[b'O' as usize] = table[b'0' as usize];
    table
};

fn random_u64() -> u64 {
    // If the OS generator is unavailable, std's randomly keyed SipHash over
    // the clock is still unpredictable enough for ids; aborting the user's
    // edit would be worse.
    getrandom::u64().unwrap_or_else(|_| {
        use std::hash::{BuildHasher, Hasher};
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        hasher.write_u128(nanos);
        hasher.finish()
    })
}

impl fmt::Display for AnnotationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; ID_CHARS];
        for (i, b) in buf.iter_mut().enumerate() {
            let shift = 5 * (ID_CHARS - 1 - i);
            *b = ALPHABET[((self.0 >> shift) & 31) as usize];
        }
        // The alphabet is ASCII.
        f.write_str(std::str::from_utf8(&buf).unwrap_or_default())
    }
}

impl fmt::Debug for AnnotationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{self}")
    }
}

impl Serialize for AnnotationId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AnnotationId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<AnnotationId, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        AnnotationId::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "invalid annotation id {s:?}: expected 12 characters of 0-9 and a-z (Crockford base 32)"
            ))
        })
    }
}

/// A moment in UTC, to the second.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The current time.
    pub fn now() -> Timestamp {
        Timestamp(OffsetDateTime::now_utc().unix_timestamp())
    }

    /// The earliest moment a project file can hold: 0001-01-01T00:00:00Z.
    /// RFC 3339 writes four-digit years only, so a moment outside years
    /// 1–9999 could be read but never written back.
    pub const MIN: Timestamp = Timestamp(-62_135_596_800);
    /// The latest moment a project file can hold: 9999-12-31T23:59:59Z.
    pub const MAX: Timestamp = Timestamp(253_402_300_799);

    /// Seconds since 1970-01-01T00:00:00Z, clamped to years 1–9999
    /// ([`Timestamp::MIN`], [`Timestamp::MAX`]).
    pub fn from_unix(seconds: i64) -> Timestamp {
        Timestamp(seconds.clamp(Self::MIN.0, Self::MAX.0))
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix(self) -> i64 {
        self.0
    }

    /// Parses any RFC 3339 timestamp, converting it to UTC and dropping
    /// fractions of a second. A moment outside years 1–9999 in UTC (say
    /// `0000-01-01T00:00:00+23:59`, which is in year 0 once in UTC) is
    /// refused: it could not be written back.
    pub fn parse(s: &str) -> Option<Timestamp> {
        let seconds = OffsetDateTime::parse(s, &Rfc3339).ok()?.unix_timestamp();
        (Self::MIN.0..=Self::MAX.0)
            .contains(&seconds)
            .then_some(Timestamp(seconds))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match OffsetDateTime::from_unix_timestamp(self.0)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
        {
            Some(s) => f.write_str(&s),
            None => write!(f, "@{}", self.0),
        }
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Timestamp::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "invalid timestamp {s:?}: expected RFC 3339 such as \"2026-11-23T20:38:01Z\", in years 1 to 9999 (UTC)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_outside_years_1_to_9999_are_refused_or_clamped() {
        // In year 0 once converted to UTC: RFC 3339 cannot write it back.
        assert_eq!(Timestamp::parse("0000-01-01T00:00:00+23:59"), None);
        assert_eq!(Timestamp::parse("9999-12-31T23:59:59-00:01"), None);
        for edge in ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"] {
            let t = Timestamp::parse(edge).unwrap();
            assert_eq!(t.to_string(), edge);
            assert_eq!(Timestamp::parse(&t.to_string()), Some(t), "round trip of {edge}");
        }
        assert_eq!(Timestamp::from_unix(i64::MIN), Timestamp::MIN);
        assert_eq!(Timestamp::from_unix(i64::MAX).to_string(), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn ids_round_trip_through_text() {
        for n in [0, 1, 31, 32, 0x0fff_ffff_ffff_ffff, 123_456_789] {
            let id = AnnotationId::from_u64(n);
            let s = id.to_string();
            assert_eq!(s.len(), 12);
            assert_eq!(AnnotationId::parse(&s), Some(id));
            assert_eq!(AnnotationId::parse(&s.to_uppercase()), Some(id));
        }
        assert_eq!(AnnotationId::from_u64(1).to_string(), "000000000001");
        assert_eq!(AnnotationId::parse("00000000000l"), Some(AnnotationId::from_u64(1)));
        assert_eq!(AnnotationId::parse("0000000000OI"), Some(AnnotationId::from_u64(1)));
        assert_eq!(AnnotationId::parse("0000000000Z1"), AnnotationId::parse("0000000000z1"));
        assert_eq!(AnnotationId::parse("0000000000u1"), None);
        assert_eq!(AnnotationId::parse("short"), None);
    }

    #[test]
    fn fresh_ids_avoid_taken_ones() {
        let first = AnnotationId::fresh(|_| false);
        let second = AnnotationId::fresh(|id| id == first);
        assert_ne!(first, second);
    }

    #[test]
    fn timestamps_are_utc_seconds() {
        let t = Timestamp::parse("2023-09-20T14:05:09+02:00").unwrap();
        assert_eq!(t.to_string(), "2023-09-20T12:05:09Z");
        assert_eq!(Timestamp::parse("2023-09-20T12:05:09.75Z"), Some(t));
        assert_eq!(Timestamp::parse("20 septembre 2023"), None);
        assert_eq!(Timestamp::from_unix(0).to_string(), "1970-01-01T00:00:00Z");
    }
}
