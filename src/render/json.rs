//! The site's large JSON files (`dossier.json`, `annotations.jsonld`, the
//! search index), written byte for byte as `serde_json::to_writer` writes
//! them, but with strings escaped faster.
//!
//! Those files are mostly text (every quote, name and passage of the
//! dossier, 150 MB at 10,000 articles), and serde_json looks each byte of a
//! string up in a table, one at a time. Here a string is first asked whether
//! it holds anything to escape at all, sixteen bytes at a time, and nearly
//! none does: it is written whole. Everything but strings and keys (numbers,
//! `null`, the punctuation) is written as serde_json writes it; numbers by
//! serde_json itself.

use std::fmt::Display;
use std::io::{self, Write};

use serde::ser::{self, Serialize};

/// Writes `value` as compact JSON into `out`, exactly as
/// `serde_json::to_writer` does.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(out: W, value: &T) -> io::Result<()> {
    value
        .serialize(&mut Serializer { out })
        .map_err(|e| match e {
            Error::Io(e) => e,
            Error::Message(m) => io::Error::other(m),
        })
}

/// Writes `text` as a JSON string, quotes included.
pub fn write_str(out: &mut impl Write, text: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    let bytes = text.as_bytes();
    if !any_to_escape(bytes) {
        // Nearly every string.
        out.write_all(bytes)?;
        return out.write_all(b"\"");
    }
    // Written up to here.
    let mut run = 0;
    for (at, &b) in bytes.iter().enumerate() {
        if !needs_escape(b) {
            continue;
        }
        out.write_all(&bytes[run..at])?;
        run = at + 1;
        match b {
            b'"' => out.write_all(b"\\\"")?,
            b'\\' => out.write_all(b"\\\\")?,
            b'\x08' => out.write_all(b"\\b")?,
            b'\t' => out.write_all(b"\\t")?,
            b'\n' => out.write_all(b"\\n")?,
            b'\x0c' => out.write_all(b"\\f")?,
            b'\r' => out.write_all(b"\\r")?,
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.write_all(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 0xf)],
                ])?;
            }
        }
    }
    out.write_all(&bytes[run..])?;
    out.write_all(b"\"")
}

/// Whether `bytes` hold one to escape: sixteen bytes at a time (a few
/// vector instructions each), and the last fifteen or fewer as one or two
/// machine words, so that a short string (an anchor, a slug) costs a few
/// instructions too. Inlined: as a function of its own, the compiler
/// vectorised the loop across blocks, a byte of each, many times slower.
#[inline(always)]
fn any_to_escape(bytes: &[u8]) -> bool {
    let blocks = bytes.chunks_exact(BLOCK);
    let tail = blocks.remainder();
    for block in blocks {
        let block: &[u8; BLOCK] = block.try_into().expect("whole blocks");
        if block.iter().fold(false, |any, &b| any | needs_escape(b)) {
            return true;
        }
    }
    let n = tail.len();
    let four = |b: &[u8]| u64::from(u32::from_le_bytes(b[..4].try_into().expect("four bytes")));
    let eight = |b: &[u8]| u64::from_le_bytes(b[..8].try_into().expect("eight bytes"));
    match n {
        0 => false,
        // The tail's bytes repeated to fill a word, so that nothing else is
        // tested.
        1..=3 => {
            let b = |i: usize| tail[i.min(n - 1)];
            let x = u64::from(u32::from_le_bytes([b(0), b(1), b(2), b(0)]));
            word_to_escape(x | x << 32)
        }
        4..=7 => word_to_escape(four(tail) | four(&tail[n - 4..]) << 32),
        _ => word_to_escape(eight(tail)) | word_to_escape(eight(&tail[n - 8..])),
    }
}

/// Bytes tested at once: one SSE2 register.
const BLOCK: usize = 16;

/// Whether one of the eight bytes of `v` is to be escaped, with the classic
/// bit tricks: `(x - 0x01..) & !x` sets a byte's high bit for some byte of
/// `x` that is zero, and `(x - n * 0x01..) & !x` for some byte below `n`
/// (both exact as to whether there is one, for `n` up to 128).
#[inline(always)]
fn word_to_escape(v: u64) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x;
    let control = v.wrapping_sub(ONES * 0x20) & !v;
    let quote = zero_byte(v ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(v ^ (ONES * u64::from(b'\\')));
    (control | quote | backslash) & HIGHS != 0
}

/// What JSON does not allow raw inside a string: a quote, a backslash, a
/// control character. (Every other byte, UTF-8 included, goes as it is.)
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

#[derive(Debug)]
enum Error {
    Io(io::Error),
    Message(String),
}

impl Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io(e) => e.fmt(f),
            Error::Message(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error::Message(msg.to_string())
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

struct Serializer<W> {
    out: W,
}

impl<W: Write> Serializer<W> {
    /// A number, written by serde_json, so that it reads the same.
    fn number<N: Serialize>(&mut self, n: N) -> Result<(), Error> {
        serde_json::to_writer(&mut self.out, &n).map_err(|e| Error::Io(e.into()))
    }

    /// `{"variant":` before a variant's content; `}` follows it.
    fn open_variant(&mut self, variant: &str) -> Result<(), Error> {
        self.out.write_all(b"{")?;
        write_str(&mut self.out, variant)?;
        self.out.write_all(b":")?;
        Ok(())
    }

    /// `{"variant":` and an array or object of `len` entries, closed with
    /// one more `}`.
    fn open_in_variant(
        &mut self,
        variant: &str,
        bracket: &'static [u8; 1],
        len: usize,
    ) -> Result<Compound<'_, W>, Error> {
        self.open_variant(variant)?;
        let mut compound = self.open(bracket, len == 0)?;
        compound.variant = true;
        Ok(compound)
    }

    fn open(&mut self, bracket: &'static [u8; 1], empty: bool) -> Result<Compound<'_, W>, Error> {
        self.out.write_all(bracket)?;
        if empty {
            self.out
                .write_all(if bracket == b"[" { b"]" } else { b"}" })?;
        }
        Ok(Compound {
            ser: self,
            first: true,
            closed: empty,
            variant: false,
        })
    }
}

/// An array or object being written: commas between its entries, its
/// closing bracket at the end (not again when it was written empty).
struct Compound<'a, W> {
    ser: &'a mut Serializer<W>,
    first: bool,
    closed: bool,
    /// Inside `{"variant":...}`: one more `}` at the end.
    variant: bool,
}

impl<W: Write> Compound<'_, W> {
    fn comma(&mut self) -> Result<(), Error> {
        if !self.first {
            self.ser.out.write_all(b",")?;
        }
        self.first = false;
        Ok(())
    }

    fn entry<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        self.comma()?;
        write_str(&mut self.ser.out, key)?;
        self.ser.out.write_all(b":")?;
        value.serialize(&mut *self.ser)
    }

    fn close(self, bracket: &[u8]) -> Result<(), Error> {
        if !self.closed {
            self.ser.out.write_all(bracket)?;
        }
        if self.variant {
            self.ser.out.write_all(b"}")?;
        }
        Ok(())
    }
}

impl<'a, W: Write> ser::Serializer for &'a mut Serializer<W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Compound<'a, W>;
    type SerializeTupleStruct = Compound<'a, W>;
    type SerializeTupleVariant = Compound<'a, W>;
    type SerializeMap = Compound<'a, W>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Compound<'a, W>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        Ok(self.out.write_all(if v { b"true" } else { b"false" })?)
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.number(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.number(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.number(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.number(v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.number(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.number(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.number(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.number(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.number(v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.number(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.number(v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.number(v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        Ok(write_str(&mut self.out, v)?)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        ser::Serializer::collect_seq(self, v)
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Ok(self.out.write_all(b"null")?)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.open_variant(variant)?;
        value.serialize(&mut *self)?;
        Ok(self.out.write_all(b"}")?)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a, W>, Error> {
        self.open(b"[", len == Some(0))
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, W>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.open_in_variant(variant, b"[", len)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a, W>, Error> {
        self.open(b"{", len == Some(0))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a, W>, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.open_in_variant(variant, b"{", len)
    }
}

/// The compound kinds serde distinguishes that are written alike here: as
/// an array (each element after a comma) or as an object (each field as a
/// key and its value).
macro_rules! written_as {
    (array: $($kind:ident :: $add:ident),*) => {$(
        impl<W: Write> ser::$kind for Compound<'_, W> {
            type Ok = ();
            type Error = Error;
            fn $add<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.comma()?;
                value.serialize(&mut *self.ser)
            }
            fn end(self) -> Result<(), Error> {
                self.close(b"]")
            }
        }
    )*};
    (object: $($kind:ident),*) => {$(
        impl<W: Write> ser::$kind for Compound<'_, W> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.entry(key, value)
            }
            fn end(self) -> Result<(), Error> {
                self.close(b"}")
            }
        }
    )*};
}

written_as!(array: SerializeSeq::serialize_element, SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field, SerializeTupleVariant::serialize_field);
written_as!(object: SerializeStruct, SerializeStructVariant);

impl<W: Write> ser::SerializeMap for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.comma()?;
        // serde_json's rules for keys: strings as they are; numbers, booleans
        // and characters as strings; nothing else.
        let key = serde_json::to_value(key).map_err(|e| Error::Message(e.to_string()))?;
        match key {
            serde_json::Value::String(s) => write_str(&mut self.ser.out, &s)?,
            serde_json::Value::Number(_) | serde_json::Value::Bool(_) => {
                write_str(&mut self.ser.out, &key.to_string())?
            }
            _ => return Err(Error::Message("key must be a string".into())),
        }
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.ser.out.write_all(b":")?;
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<(), Error> {
        self.close(b"}")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::Serialize;

    fn ours<T: Serialize + ?Sized>(value: &T) -> String {
        let mut out = Vec::new();
        super::to_writer(&mut out, value).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn theirs<T: Serialize + ?Sized>(value: &T) -> String {
        serde_json::to_string(value).unwrap()
    }

    #[derive(Serialize)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Plain,
        Wrapped(u32),
        Pair(i8, String),
        Shaped { at: f64, tags: Vec<String> },
    }

    #[derive(Serialize)]
    struct Shapes<'a> {
        text: &'a str,
        none: Option<u8>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        kinds: Vec<Kind>,
        empty: Vec<u8>,
        unit: (),
        tuple: (bool, char, f32),
        map: std::collections::BTreeMap<i32, &'a str>,
    }

    #[test]
    fn every_shape_reads_as_serde_json_writes_it() {
        let value = Shapes {
            text: "a \"quoted\" \\ line\nwith\ttabs, \u{1f}\u{7f} and é, 日本",
            none: None,
            skipped: None,
            kinds: vec![
                Kind::Plain,
                Kind::Wrapped(7),
                Kind::Pair(-3, "x".into()),
                Kind::Shaped {
                    at: 0.1 + 0.2,
                    tags: vec![],
                },
                Kind::Shaped {
                    at: f64::NAN,
                    tags: vec!["t".into()],
                },
            ],
            empty: vec![],
            unit: (),
            tuple: (true, '"', 1e21),
            map: [(1, "one"), (-2, "minus two")].into_iter().collect(),
        };
        assert_eq!(ours(&value), theirs(&value));
    }

    /// Text of any characters, half of them ones JSON escapes (or nearly:
    /// DEL is not escaped).
    fn any_text() -> impl Strategy<Value = String> {
        let special = prop::sample::select(
            (0u8..0x20)
                .chain(*b"\"\\\x7f")
                .map(char::from)
                .collect::<Vec<_>>(),
        );
        prop::collection::vec(prop_oneof![any::<char>(), special], 0..80)
            .prop_map(|chars| chars.into_iter().collect())
    }

    fn any_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            any_text().prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
                prop::collection::vec((any_text(), inner), 0..8)
                    .prop_map(|entries| serde_json::Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn strings_read_as_serde_json_writes_them(text in any_text()) {
            prop_assert_eq!(ours(&text), theirs(&text));
        }

        #[test]
        fn one_byte_to_escape_is_found_anywhere(
            len in 0usize..70,
            at in any::<prop::sample::Index>(),
            byte in 0u8..0x80,
        ) {
            // The case `any_text` seldom draws: one byte among plain ones,
            // at every place of strings of every length (both halves of
            // the test that looks at sixteen bytes, or at words, at once).
            let mut text = "a".repeat(len);
            if len > 0 {
                let at = at.index(len);
                text.replace_range(at..at + 1, char::from(byte).encode_utf8(&mut [0; 4]));
            }
            prop_assert_eq!(ours(&text), theirs(&text));
        }

        #[test]
        fn values_read_as_serde_json_writes_them(value in any_json()) {
            prop_assert_eq!(ours(&value), theirs(&value));
        }
    }
}
