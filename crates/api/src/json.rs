//! JSON read the way the API writes it: every struct from a JSON object.
//!
//! serde's derived `Deserialize` reads a struct from an object *or* from an array of its fields in
//! order, and serde_json compiles both readers for every struct it is asked for. The API never
//! writes a struct as an array, so [`from_str`] asks every struct for a map instead (serde_json's
//! `deserialize_map`): the array reader of each struct is never compiled. In the portal's wasm that
//! is 7 kB brotli (measured with wasm-opt -Oz and brotli -q 11, 245 684 → 238 674 B with the same
//! change made inside serde_json). Everything else is passed through unchanged, `RawValue`
//! included; an array where a struct belongs is refused with serde's usual message.

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess};
use serde::de::{VariantAccess, Visitor};
use std::fmt;

/// Reads `text` as `T`, structs from objects only; trailing text is an error, as in serde_json.
pub fn from_str<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    let mut json = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(Objects(&mut json))?;
    json.end()?;
    Ok(value)
}

/// Reads a parsed value as `T`, structs from objects only.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> serde_json::Result<T> {
    T::deserialize(Objects(value))
}

/// A deserializer that reads structs as maps; what it hands to visitors is wrapped again, so
/// nested structs are read the same way.
struct Objects<D>(D);

/// A visitor, a seed, or an access of the inner deserializer, wrapped so that every deserializer
/// it passes on is an [`Objects`].
struct Wrap<T>(T);

macro_rules! pass_deserialize {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(Wrap(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Objects<D> {
    type Error = D::Error;

    pass_deserialize!(
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_str deserialize_string
        deserialize_bytes deserialize_byte_buf deserialize_option deserialize_unit deserialize_seq
        deserialize_map deserialize_identifier deserialize_ignored_any
    );

    /// The point of this reader: a struct is a map.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(Wrap(visitor))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Wrap(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Wrap(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Wrap(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Wrap(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Wrap(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! pass_visit {
    ($($method:ident($ty:ty))*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.0.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    pass_visit!(
        visit_bool(bool) visit_i8(i8) visit_i16(i16) visit_i32(i32) visit_i64(i64) visit_i128(i128)
        visit_u8(u8) visit_u16(u16) visit_u32(u32) visit_u64(u64) visit_u128(u128) visit_f32(f32)
        visit_f64(f64) visit_char(char) visit_str(&str) visit_borrowed_str(&'de str) visit_string(String)
        visit_bytes(&[u8]) visit_borrowed_bytes(&'de [u8]) visit_byte_buf(Vec<u8>)
    );

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Objects(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(Objects(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(Wrap(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Wrap(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(Wrap(data))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Wrap<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Objects(d))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Wrap<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Wrap(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Wrap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Wrap(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Wrap(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Wrap<A> {
    type Error = A::Error;
    type Variant = Wrap<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(Wrap(seed))?;
        Ok((value, Wrap(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Wrap<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Wrap(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap(visitor))
    }

    /// A struct variant's fields are a map too.
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.newtype_variant_seed(StructAsMap(visitor))
    }
}

/// Reads a struct variant's body as a map.
struct StructAsMap<V>(V);

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for StructAsMap<V> {
    type Value = V::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        d.deserialize_map(Wrap(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Inner {
        day: String,
        #[serde(default)]
        note: Option<String>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Plain,
        Wrapped(Inner),
        Pair(u8, u8),
        Shaped { hours: u32 },
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(tag = "mode", rename_all = "snake_case")]
    enum Tagged {
        None,
        Rate { rate: String },
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Id(i64);

    // Compared through `Debug`: `RawValue` has no `PartialEq`.
    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct Outer {
        id: Id,
        inners: Vec<Inner>,
        maybe: Option<Inner>,
        kinds: Vec<Kind>,
        tagged: Tagged,
        pair: (i32, String),
        raw: Box<serde_json::value::RawValue>,
        #[serde(flatten)]
        rest: std::collections::BTreeMap<String, serde_json::Value>,
    }

    const OUTER: &str = r#"{"id": 7, "inners": [{"day": "2026-11-27"}, {"day": "x", "note": "«н»"}],
        "maybe": {"day": "d", "note": null}, "kinds": ["plain", {"wrapped": {"day": "w"}},
        {"pair": [1, 2]}, {"shaped": {"hours": 3}}], "tagged": {"mode": "rate", "rate": "20"},
        "pair": [-1, "a"], "raw": {"kept": [1, 2.50]}, "extra": true}"#;

    #[test]
    fn reads_what_serde_json_reads_from_objects() {
        let ours: Outer = from_str(OUTER).unwrap();
        let theirs: Outer = serde_json::from_str(OUTER).unwrap();
        // `RawValue` has no `PartialEq`; its `Debug` is its text.
        assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
        assert_eq!(ours.raw.get(), r#"{"kept": [1, 2.50]}"#);
        let kinds: Vec<Kind> =
            from_value(serde_json::from_str::<serde_json::Value>(OUTER).unwrap()["kinds"].take()).unwrap();
        assert_eq!(kinds, theirs.kinds);
    }

    #[test]
    fn a_struct_as_an_array_is_refused_and_named() {
        assert!(serde_json::from_str::<Inner>(r#"["2026-11-27", null]"#).is_ok(), "serde_json reads it");
        let e = from_str::<Inner>(r#"["2026-11-27", null]"#).unwrap_err().to_string();
        assert!(e.contains("struct Inner"), "{e}");
        let e = from_str::<Outer>(&OUTER.replace(r#"{"day": "w"}"#, r#"["w"]"#)).unwrap_err().to_string();
        assert!(e.contains("struct Inner"), "{e}");
        let e = from_str::<Kind>(r#"{"shaped": [3]}"#).unwrap_err().to_string();
        assert!(e.contains("struct variant"), "{e}");
        assert!(from_value::<Inner>(json!(["d", null])).is_err());
    }

    #[test]
    fn errors_and_trailing_text_as_serde_json_reports_them() {
        let bad = r#"{"day": 5}"#;
        assert_eq!(
            from_str::<Inner>(bad).unwrap_err().to_string(),
            serde_json::from_str::<Inner>(bad).unwrap_err().to_string()
        );
        assert!(from_str::<Inner>(r#"{"day": "d"} x"#).is_err());
        assert!(from_str::<Inner>(r#"{"day": "d"}"#).is_ok());
    }
}
