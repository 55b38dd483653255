//! The fast path of verification: recognising, in one pass over its bytes, an exported line
//! that is already in canonical form — members sorted, no spaces, every string, number and
//! escape written exactly as `serde_json` prints it — so that its canonical bytes are the line
//! itself less its `hash` (and `contact`) member, and the hasher can be fed from the line.
//!
//! A line is accepted only when re-printing its parsed value would give back the same bytes;
//! anything else (spaces, another member order, `\u` escapes of printable characters, numbers
//! in another form, a missing digest) is left to the general path, which parses it into a
//! value and prints it, so both paths hash the same bytes.

use std::ops::Range;

/// Deeper nesting than this is left to the general path.
const MAX_DEPTH: usize = 32;

/// What [`scan`] found in a canonical line. Spans are byte ranges of the line.
pub(super) struct Scanned {
    /// The `hash` member with its leading comma.
    pub hash: Range<usize>,
    /// The stated link (the `hash` member's 64 hex digits).
    pub stated: [u8; 32],
    /// The `contact` member with its leading comma, its text, and the text of
    /// `contact_sha256`.
    pub contact: Option<(Range<usize>, Range<usize>, Range<usize>)>,
}

/// The line's `hash` and `contact` members when the line is in canonical form (see the module
/// documentation); `None` sends the line to the general path.
pub(super) fn scan(line: &[u8]) -> Option<Scanned> {
    scan_members(line, |_, _| {})
}

/// [`scan`], also handing every top-level member to `each` as it is read: its key's span and
/// its value (a line [`scan`] does not take may have handed some of its members already).
pub(super) fn scan_members(
    line: &[u8],
    mut each: impl FnMut(Range<usize>, &Value),
) -> Option<Scanned> {
    let mut s = Scanner { b: line, i: 0 };
    let mut top = Top::default();
    s.object(0, Some((&mut top, &mut each)))?;
    if s.i != line.len() {
        return None;
    }
    let hash = top.hash?;
    let stated = unhex(&line[top.hash_text?])?;
    let contact = match (top.contact, top.contact_text, top.digest_text) {
        (None, _, _) => None,
        (Some(member), Some(text), Some(digest)) => Some((member, text, digest)),
        _ => return None,
    };
    Some(Scanned {
        hash,
        stated,
        contact,
    })
}

/// 64 lower-case hex digits as 32 bytes.
pub(super) fn unhex(text: &[u8]) -> Option<[u8; 32]> {
    /// The value of a lower-case hex digit; 0xff for any other byte.
    const DIGIT: [u8; 256] = {
        let mut t = [0xffu8; 256];
        let mut c = 0;
        while c < 10 {
            t[b'0' as usize + c] = c as u8;
            c += 1;
        }
        let mut c = 0;
        while c < 6 {
            t[b'a' as usize + c] = 10 + c as u8;
            c += 1;
        }
        t
    };
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    let mut bad = 0u8;
    for (o, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        let (h, l) = (DIGIT[usize::from(pair[0])], DIGIT[usize::from(pair[1])]);
        bad |= (h | l) & 0xf0;
        *o = h << 4 | l;
    }
    (bad == 0).then_some(out)
}

/// The members of the top-level object that verification treats apart.
#[derive(Default)]
struct Top {
    hash: Option<Range<usize>>,
    hash_text: Option<Range<usize>>,
    contact: Option<Range<usize>>,
    contact_text: Option<Range<usize>>,
    digest_text: Option<Range<usize>>,
}

/// What [`Scanner::value`] read: a string (its text's span, whether it holds escapes), or
/// another value (its span).
pub(crate) enum Value {
    Text(Range<usize>, bool),
    Other(Range<usize>),
}

/// Whether any byte of `w` is a quote, a backslash or below 0x20 (bytes of 0x80 and above are
/// never flagged: the borrow into the top bit is masked by `!w`).
#[cfg(test)]
fn has_special(w: u64) -> bool {
    special_bytes(w) != 0
}

/// The top bit of each byte of `w` that may be a quote, a backslash or below 0x20: every such
/// byte is flagged, and the lowest flagged byte is always one (a borrow only flags bytes above
/// a true match), so `trailing_zeros / 8` is the index of the first special byte.
fn special_bytes(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    zero_byte(w ^ (ONES * u64::from(b'"'))) | zero_byte(w ^ (ONES * u64::from(b'\\'))) | below_space
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    /// An object whose keys are strictly increasing (as a sorted map prints them).
    fn object<F: FnMut(Range<usize>, &Value)>(
        &mut self,
        depth: usize,
        mut top: Option<(&mut Top, &mut F)>,
    ) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.eat(b'{')?;
        if self.eat(b'}').is_some() {
            return Some(());
        }
        let mut last: &[u8] = &[];
        let mut first = true;
        loop {
            let member = if first { self.i } else { self.i - 1 };
            let (key, escaped) = self.string()?;
            let key_bytes = &self.b[key.clone()];
            if escaped || (!first && key_bytes <= last) {
                return None;
            }
            last = key_bytes;
            self.eat(b':')?;
            let text = self.value(depth + 1)?;
            if let Some((top, each)) = top.as_mut() {
                each(key.clone(), &text);
                let inner = || match &text {
                    Value::Text(r, false) => Some(r.clone()),
                    _ => None,
                };
                match key_bytes {
                    // the general path leaves a first member out with the comma after it
                    b"hash" | b"contact" if first => return None,
                    b"hash" => {
                        top.hash = Some(member..self.i);
                        top.hash_text = Some(inner()?);
                    }
                    b"contact" => {
                        top.contact = Some(member..self.i);
                        top.contact_text = Some(inner()?);
                    }
                    b"contact_sha256" => top.digest_text = Some(inner()?),
                    _ => {}
                }
            }
            first = false;
            if self.eat(b',').is_none() {
                break;
            }
        }
        self.eat(b'}')
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.eat(b'[')?;
        if self.eat(b']').is_some() {
            return Some(());
        }
        loop {
            self.value(depth + 1)?;
            if self.eat(b',').is_none() {
                break;
            }
        }
        self.eat(b']')
    }

    /// A value; for a string, its text's span and whether it holds escapes.
    fn value(&mut self, depth: usize) -> Option<Value> {
        let start = self.i;
        match *self.b.get(self.i)? {
            b'"' => return self.string().map(|(r, escaped)| Value::Text(r, escaped)),
            b'{' => self.object::<fn(Range<usize>, &Value)>(depth, None)?,
            b'[' => self.array(depth)?,
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'n' => self.literal(b"null")?,
            _ => self.number()?,
        }
        Some(Value::Other(start..self.i))
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.b[self.i..]
            .starts_with(word)
            .then(|| self.i += word.len())
    }

    /// A string with only the escapes `serde_json` writes; its text's span and whether it
    /// holds escapes.
    fn string(&mut self) -> Option<(Range<usize>, bool)> {
        self.eat(b'"')?;
        let start = self.i;
        let mut escaped = false;
        loop {
            // eight plain bytes at a time (none a quote, a backslash or a control character),
            // then straight to the first special byte of the word
            while let Some(word) = self.b.get(self.i..self.i + 8) {
                let special = special_bytes(u64::from_le_bytes(word.try_into().ok()?));
                if special != 0 {
                    self.i += (special.trailing_zeros() / 8) as usize;
                    break;
                }
                self.i += 8;
            }
            let c = *self.b.get(self.i)?;
            self.i += 1;
            match c {
                b'"' => return Some((start..self.i - 1, escaped)),
                b'\\' => {
                    escaped = true;
                    match *self.b.get(self.i)? {
                        b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 1,
                        b'u' => {
                            // only a control character without a short form, in lower case
                            let hex = self.b.get(self.i + 1..self.i + 5)?;
                            let v = match hex {
                                [
                                    b'0',
                                    b'0',
                                    h @ (b'0' | b'1'),
                                    l @ (b'0'..=b'9' | b'a'..=b'f'),
                                ] => {
                                    (h - b'0') * 16
                                        + if l.is_ascii_digit() {
                                            l - b'0'
                                        } else {
                                            l - b'a' + 10
                                        }
                                }
                                _ => return None,
                            };
                            if matches!(v, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d) {
                                return None;
                            }
                            self.i += 5;
                        }
                        _ => return None,
                    }
                }
                0..0x20 => return None,
                _ => {}
            }
        }
    }

    /// A number as `serde_json` prints it: an integer that fits 64 bits, or a float in its
    /// shortest round-trip form.
    fn number(&mut self) -> Option<()> {
        let start = self.i;
        let negative = self.eat(b'-').is_some();
        let digits = |s: &mut Self| {
            let from = s.i;
            while s.b.get(s.i).is_some_and(u8::is_ascii_digit) {
                s.i += 1;
            }
            s.i - from
        };
        let int_start = self.i;
        let n = digits(self);
        if n == 0 || (n > 1 && self.b[int_start] == b'0') {
            return None;
        }
        let mut float = false;
        if self.eat(b'.').is_some() {
            float = true;
            if digits(self) == 0 {
                return None;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            float = true;
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return None;
            }
        }
        if !float {
            // up to 18 digits always fit; "-0" is printed as "0"
            if n <= 18 {
                return (!(negative && n == 1 && self.b[int_start] == b'0')).then_some(());
            }
            let text = std::str::from_utf8(&self.b[start..self.i]).ok()?;
            let fits = if negative {
                text.parse::<i64>().is_ok()
            } else {
                text.parse::<u64>().is_ok()
            };
            return fits.then_some(());
        }
        let text = std::str::from_utf8(&self.b[start..self.i]).ok()?;
        let x: f64 = text.parse().ok()?;
        if !x.is_finite() {
            return None;
        }
        let mut printed = Vec::with_capacity(24);
        serde::Serialize::serialize(&x, &mut serde_json::Serializer::new(&mut printed)).ok()?;
        (printed == text.as_bytes()).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The general path's canonical text of a line: parsed, less `hash` and `contact`, printed.
    fn printed(line: &str) -> Option<String> {
        let mut v: serde_json::Value = serde_json::from_str(line).ok()?;
        let o = v.as_object_mut()?;
        o.remove("hash")?;
        o.remove("contact");
        Some(v.to_string())
    }

    fn fast(line: &str) -> Option<String> {
        let s = scan(line.as_bytes())?;
        let mut skip = vec![s.hash];
        if let Some((member, _, _)) = s.contact {
            skip.push(member);
        }
        skip.sort_by_key(|r| r.start);
        let mut out = String::new();
        let mut at = 0;
        for r in skip {
            out.push_str(&line[at..r.start]);
            at = r.end;
        }
        out.push_str(&line[at..]);
        Some(out)
    }

    const H: &str = "a708023bc1515d49ad6cf1aeabd9a376e262f97e68fc51213431d43fb7ba62bd";

    #[test]
    fn canonical_lines_are_taken_and_agree_with_the_general_path() {
        for body in [
            r#""a":1,"b":-2,"c":"x""#,
            r#""a":[1,2.5,{"x":null,"y":true}],"b":false"#,
            r#""a":"q\"b\\n\n\t\r\b\f\u0001\u001f é 中","b":1e+300"#,
            r#""a":117.02720504808097,"b":36.67098765234403,"c":0.1"#,
            r#""a":18446744073709551615,"b":-9223372036854775808,"c":{}"#,
        ] {
            let line = format!(r#"{{{body},"hash":"{H}","z":0}}"#);
            assert_eq!(fast(&line), printed(&line), "{line}");
            assert!(fast(&line).is_some(), "{line}");
        }
        let line =
            format!(r#"{{"action":"report","contact":"138","contact_sha256":"d","hash":"{H}"}}"#);
        assert_eq!(fast(&line), printed(&line));
    }

    #[test]
    fn other_forms_go_to_the_general_path() {
        for body in [
            r#""a": 1"#,
            r#""b":1,"a":2"#,
            r#""a":1,"a":2"#,
            r#""a":"\u0041""#,
            r#""a":"\u000a""#,
            r#""a":"\u001F""#,
            r#""a":"\/""#,
            r#""a":1.0e2"#,
            r#""a":1E2"#,
            r#""a":100000000000000000000.0"#,
            r#""a":18446744073709551616"#,
            r#""a":-0"#,
            r#""a":01"#,
            r#""a":1e400"#,
            r#""a":"tab	inside""#,
            r#""\u0061":1"#,
        ] {
            let line = format!(r#"{{{body},"hash":"{H}"}}"#);
            assert!(fast(&line).is_none(), "{line}");
        }
        // no hash, a bad hash, a hash first, trailing bytes, a contact without its digest
        for line in [
            r#"{"a":1}"#.to_owned(),
            r#"{"a":1,"hash":"00"}"#.to_owned(),
            format!(r#"{{"a":1,"hash":"{}"}}"#, H.to_uppercase()),
            format!(r#"{{"hash":"{H}","z":1}}"#),
            format!(r#"{{"a":1,"hash":"{H}"}} "#),
            format!(r#"{{"a":1,"contact":"1","hash":"{H}"}}"#),
            format!(r#"{{"a":1,"contact":"\n","contact_sha256":"x","hash":"{H}"}}"#),
        ] {
            assert!(fast(&line).is_none(), "{line}");
        }
    }

    #[test]
    fn special_bytes_are_found_in_any_word() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let naive = x
                .to_le_bytes()
                .iter()
                .any(|&b| b == b'"' || b == b'\\' || b < 0x20);
            assert_eq!(has_special(x), naive, "{x:#x}");
            let first = x
                .to_le_bytes()
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            let flagged = special_bytes(x);
            assert_eq!(
                (flagged != 0).then(|| (flagged.trailing_zeros() / 8) as usize),
                first,
                "{x:#x}"
            );
            // and with most bytes plain
            let w = (x & 0x0f0f_0f0f_0f0f_0f0f) | 0x4040_4040_4040_4040;
            let w = w & !(0xff << ((x >> 61) * 8)) | (u64::from(b'\\') << ((x >> 61) * 8));
            assert!(has_special(w));
        }
    }
}
