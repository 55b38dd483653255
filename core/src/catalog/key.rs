//! Category keys and patterns: the two families ([`Family`]: components 部件 `C`, events 事件
//! `E`), the key of a major class or leaf category ([`CategoryKey`]: `C01`, `C0101`) and the
//! prefix patterns duty rules and escalation rules match categories with ([`CategoryPattern`]:
//! `*`, `C`, `C01`, `C0101`).

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::str::FromStr;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// Regular expression every [`CategoryKey`] matches (also its JSON Schema `pattern`).
pub const CATEGORY_KEY_REGEX: &str = "^[CE](0[1-9]|[1-9][0-9])(0[1-9]|[1-9][0-9])?$";

/// JSON Schema pattern of a major-class key in a table.
pub(super) const MAJOR_KEY_REGEX: &str = "^[CE](0[1-9]|[1-9][0-9])$";

/// JSON Schema pattern of a leaf key in a table.
pub(super) const LEAF_KEY_REGEX: &str = "^[CE](0[1-9]|[1-9][0-9])(0[1-9]|[1-9][0-9])$";

/// Regular expression every [`CategoryPattern`] matches (also its JSON Schema `pattern`).
pub const CATEGORY_PATTERN_REGEX: &str = "^(\\*|[CE]|[CE](0[1-9]|[1-9][0-9])(0[1-9]|[1-9][0-9])?)$";

/// The two families of problems: components (部件, physical facilities) and events (事件,
/// behaviours and situations).
///
/// Serialised in lower case (`"component"`, `"event"`); the key letter is `C` or `E`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// 部件: a public facility (manhole cover, street light, bench…); key letter `C`.
    Component,
    /// 事件: a behaviour or situation (exposed rubbish, street vending…); key letter `E`.
    Event,
}

impl Family {
    /// Both families, components first.
    pub const ALL: [Family; 2] = [Family::Component, Family::Event];

    /// The key letter: `'C'` or `'E'`.
    pub const fn letter(self) -> char {
        match self {
            Self::Component => 'C',
            Self::Event => 'E',
        }
    }

    /// The family of a key letter (`'C'` or `'E'`, upper case only).
    pub const fn from_letter(letter: char) -> Option<Family> {
        match letter {
            'C' => Some(Self::Component),
            'E' => Some(Self::Event),
            _ => None,
        }
    }

    /// The lower-case English name (`"component"`, `"event"`), as serialised.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Component => "component",
            Self::Event => "event",
        }
    }

    /// The Chinese name (`"部件"`, `"事件"`).
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::Component => "部件",
            Self::Event => "事件",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Family {
    type Err = Error;

    /// Accepts `"component"`, `"event"`, `"C"` or `"E"`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "component" | "C" => Ok(Self::Component),
            "event" | "E" => Ok(Self::Event),
            _ => Err(Error::invalid(
                "family",
                format!("{s:?}"),
                "expected \"component\", \"event\", \"C\" or \"E\"",
            )),
        }
    }
}

/// A validated category key: family letter + 2-digit major code (a major class, e.g. `"C01"`,
/// `"E03"`) or + 4 digits (a leaf category, e.g. `"C0101"`, `"E0102"`). Local extensions use
/// the same shape with higher numbers (e.g. `"E07"`, `"E0701"`).
///
/// Codes `00` are not used (a major or minor code starts at `01`).
///
/// # Examples
/// ```
/// use gridgov::catalog::{CategoryKey, Family};
/// let key = CategoryKey::parse("E0102")?;
/// assert_eq!(key.family(), Family::Event);
/// assert_eq!(key.major(), "E01");
/// assert!(key.is_leaf());
/// assert!(!CategoryKey::parse("C01")?.is_leaf());
/// assert!(CategoryKey::parse("0101").is_err());
/// # Ok::<(), gridgov::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CategoryKey(String);

/// Why `s` is not a category key, or `None` when it is one.
fn key_problem(s: &str) -> Option<String> {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return Some("is empty".into());
    };
    if Family::from_letter(first).is_none() {
        return Some(if matches!(first, 'c' | 'e') {
            "the family letter must be upper case (C or E)".into()
        } else {
            "must start with the family letter C (component, 部件) or E (event, 事件)".into()
        });
    }
    let digits = &s[first.len_utf8()..];
    if !(digits.len() == 2 || digits.len() == 4) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Some(
            "must be a family letter followed by 2 digits (major class, e.g. C01) \
             or 4 digits (leaf category, e.g. C0101)"
                .into(),
        );
    }
    if &digits[..2] == "00" {
        return Some("major code 00 is not used (codes start at 01)".into());
    }
    if digits.len() == 4 && &digits[2..] == "00" {
        return Some("minor code 00 is not used (codes start at 01)".into());
    }
    None
}

impl CategoryKey {
    /// Parses and validates a key.
    ///
    /// # Examples
    /// ```
    /// use gridgov::catalog::CategoryKey;
    /// assert_eq!(CategoryKey::parse("C0101")?.as_str(), "C0101");
    /// let err = CategoryKey::parse("X0101").unwrap_err();
    /// assert_eq!(err.kind(), gridgov::ErrorKind::InvalidCode);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidCode`] (`what` = `"category"`) naming the text and what is wrong with it.
    pub fn parse(s: &str) -> Result<CategoryKey> {
        match key_problem(s) {
            None => Ok(Self(s.to_owned())),
            Some(reason) => Err(Error::InvalidCode {
                what: "category",
                value: s.to_owned(),
                reason,
            }),
        }
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The family, from the key letter.
    pub fn family(&self) -> Family {
        if self.0.starts_with('E') {
            Family::Event
        } else {
            Family::Component
        }
    }

    /// The key of the major class: the first three characters (`"C01"` for `"C0101"`).
    pub fn major(&self) -> &str {
        self.0.get(..3).unwrap_or(&self.0)
    }

    /// `true` for a leaf category (4 digits), `false` for a major class (2 digits).
    pub fn is_leaf(&self) -> bool {
        self.0.len() == 5
    }
}

impl fmt::Display for CategoryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CategoryKey {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl AsRef<str> for CategoryKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for CategoryKey {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl Serialize for CategoryKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CategoryKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(deserializer)?;
        Self::parse(&s).map_err(de::Error::custom)
    }
}

/// A string schema with a pattern and a description.
fn string_schema(pattern: &str, description: &str) -> Schema {
    let mut map = serde_json::Map::new();
    map.insert("type".into(), "string".into());
    map.insert("pattern".into(), pattern.into());
    map.insert("description".into(), description.into());
    Schema::from(map)
}

impl JsonSchema for CategoryKey {
    fn schema_name() -> Cow<'static, str> {
        "CategoryKey".into()
    }

    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::CategoryKey").into()
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        string_schema(
            CATEGORY_KEY_REGEX,
            "Category key: family letter C (component 部件) or E (event 事件), a 2-digit major \
             code, and for a leaf category a 2-digit minor code, e.g. \"C01\", \"C0101\".",
        )
    }
}

/// A category pattern, as duty rules ([`crate::duty`]) and escalation rules
/// ([`crate::escalation`]) match categories: `"*"`, a family (`"C"`/`"E"`), a major class
/// (`"C01"`), or a leaf key (`"C0101"`). It matches a key when it is a prefix of it.
///
/// # Examples
/// ```
/// use gridgov::catalog::{CategoryKey, CategoryPattern};
/// let leaf = CategoryKey::parse("C0101")?;
/// for (pattern, specificity) in [("*", 0), ("C", 1), ("C01", 3), ("C0101", 5)] {
///     let p = CategoryPattern::parse(pattern)?;
///     assert!(p.matches(&leaf));
///     assert_eq!(p.specificity(), specificity);
/// }
/// assert!(!CategoryPattern::parse("E")?.matches(&leaf));
/// assert!(CategoryPattern::parse("C0").is_err());
/// # Ok::<(), gridgov::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CategoryPattern(String);

impl CategoryPattern {
    /// The pattern that matches every category.
    pub fn any() -> CategoryPattern {
        Self("*".into())
    }

    /// Parses and validates a pattern.
    ///
    /// # Examples
    /// ```
    /// use gridgov::catalog::CategoryPattern;
    /// assert_eq!(CategoryPattern::parse("E03")?.as_str(), "E03");
    /// assert!(CategoryPattern::parse("C*").is_err());
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidCode`] (`what` = `"category pattern"`) naming the text and the reason.
    pub fn parse(s: &str) -> Result<CategoryPattern> {
        let bad = |reason: String| Error::InvalidCode {
            what: "category pattern",
            value: s.to_owned(),
            reason,
        };
        match s {
            "*" | "C" | "E" => Ok(Self(s.to_owned())),
            "" => Err(bad(
                "is empty (use \"*\" for every category, \"C\"/\"E\" for a family, \
                 \"C01\" for a major class or \"C0101\" for a leaf)"
                    .into(),
            )),
            _ => match key_problem(s) {
                None => Ok(Self(s.to_owned())),
                Some(reason) => Err(bad(format!(
                    "{reason}; a pattern is \"*\", a family letter (C or E), \
                     a major class (C01) or a leaf key (C0101)"
                ))),
            },
        }
    }

    /// The pattern as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key prefix the pattern stands for (`""` for `"*"`).
    pub fn prefix(&self) -> &str {
        if self.0 == "*" { "" } else { &self.0 }
    }

    /// `true` when the pattern is a prefix of `key` (`"*"` matches every key).
    pub fn matches(&self, key: &CategoryKey) -> bool {
        key.as_str().starts_with(self.prefix())
    }

    /// Length of the prefix: `"*"` → 0, `"C"` → 1, `"C01"` → 3, `"C0101"` → 5. Longer is more
    /// specific.
    pub fn specificity(&self) -> usize {
        self.prefix().len()
    }
}

impl From<CategoryKey> for CategoryPattern {
    fn from(key: CategoryKey) -> Self {
        Self(key.0)
    }
}

impl fmt::Display for CategoryPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CategoryPattern {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl Serialize for CategoryPattern {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CategoryPattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(deserializer)?;
        Self::parse(&s).map_err(de::Error::custom)
    }
}

impl JsonSchema for CategoryPattern {
    fn schema_name() -> Cow<'static, str> {
        "CategoryPattern".into()
    }

    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::CategoryPattern").into()
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        string_schema(
            CATEGORY_PATTERN_REGEX,
            "Category pattern, a prefix of category keys: \"*\" (every category), \"C\" or \"E\" \
             (a family), \"C01\" (a major class) or \"C0101\" (a leaf category).",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_problems() {
        assert_eq!(key_problem("C0101"), None);
        assert_eq!(key_problem("E99"), None);
        for bad in [
            "", "C", "C1", "C001", "C01010", "X01", "c01", "C0a", "C00", "C0100", "中01",
        ] {
            assert!(key_problem(bad).is_some(), "{bad:?} accepted");
        }
    }
}
