//! The audit trail: events chained with SHA-256.
//!
//! Each exported event line carries `"hash"`: the SHA-256 of the previous event's hash (32 zero
//! bytes before the first event) followed by the event's **canonical bytes**: its JSON object
//! (the schema of [`crate::event`]) without `hash` and without the citizen `contact`, with keys
//! in sorted order and no spaces ([`crate::event::canonical`]); a report that had contact data carries `"contact_sha256"` (hex
//! SHA-256 of the contact text) instead, so exports with and without contact data verify alike
//! and a changed contact is detected too. Altering, inserting, removing or reordering any line
//! breaks every later link; [`verify_json_lines`] names the first broken one.
//!
//! ```
//! use std::sync::Arc;
//! use gridgov::case::{Actor, Report, Source};
//! let mut eng = gridgov::engine::Engine::new(Arc::new(gridgov::Model::sample()));
//! eng.report(Actor::Worker("SV001".into()), 1_762_131_600_000, Report {
//!     category: "C0101".into(), grid: "37990100100101".into(), point: None, urgency: None,
//!     source: Source::Supervisor, description: String::new(), contact: None, contact_sha256: None })?;
//! let lines = eng.events_json_lines(None)?;
//! assert_eq!(gridgov::audit::verify_json_lines(&lines)?.events, 1);
//! let forged = lines.replace("37990100100101", "37990100100102");
//! assert!(gridgov::audit::verify_json_lines(&forged).is_err());
//! # Ok::<(), gridgov::Error>(())
//! ```

mod scan;

use std::ops::Range;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::parallel;

/// The hash before the first event.
pub const GENESIS: [u8; 32] = [0; 32];

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX_DIGITS[usize::from(b >> 4)]));
        s.push(char::from(HEX_DIGITS[usize::from(b & 15)]));
    }
    s
}

/// The digits of lower-case hex.
const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lower-case hex of a SHA-256 digest, without allocating.
pub fn hex_array(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = HEX_DIGITS[usize::from(b >> 4)];
        pair[1] = HEX_DIGITS[usize::from(b & 15)];
    }
    out
}

fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Hex SHA-256 of a contact text (the digest exports carry instead of the contact).
pub fn contact_digest(contact: &str) -> String {
    sha256_hex(contact)
}

/// The hash linking an event after `prev`, from the event's canonical bytes
/// ([`crate::event::canonical`]).
pub fn link(prev: &[u8; 32], canonical: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(canonical);
    h.finalize().into()
}

/// [`link`] over canonical bytes given in pieces (their concatenation), without copying them.
pub fn link_parts(prev: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// What [`verify_json_lines`] found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verified {
    /// Events checked.
    pub events: usize,
    /// Hex hash of the last event (the head of the chain): keep it to detect truncation.
    pub head: String,
}

/// Verifies the hash chain of exported JSON lines.
///
/// Each line is read once: a line in canonical form (as [`crate::event::to_json_lines`]
/// writes it) is hashed straight from its bytes, less its `hash` and `contact` members; any
/// other line is parsed and printed in canonical form first, as before. Every line states its
/// own link, so lines are checked against the link stated on the line before them on all
/// cores at once: the first line that does not follow is the first broken one either way.
///
/// # Errors
/// [`Error::InvalidValue`] naming the first line (and `seq`) whose hash does not follow: the
/// line, or one before it, was altered, inserted, removed or reordered; or whose contact data
/// does not match its digest; [`Error::Parse`] for a line that is not JSON.
pub fn verify_json_lines(text: &str) -> Result<Verified> {
    verify_on(
        text,
        parallel::thread_count(0, text.len(), VERIFY_BYTES_PER_THREAD),
    )
}

/// [`verify_json_lines`] on `threads` threads.
fn verify_on(text: &str, threads: usize) -> Result<Verified> {
    let chunks = parallel::line_chunks(text, threads);
    let results = parallel::map_chunks(chunks, threads, |ranges| {
        ranges
            .into_iter()
            .map(|r| verify_chunk(text, r))
            .collect::<Vec<_>>()
    });
    let (mut n, mut head) = (0, GENESIS);
    for r in results.into_iter().flatten() {
        match r {
            Chunk::Good { events, last } => {
                n += events;
                if let Some(last) = last {
                    head = last;
                }
            }
            Chunk::Bad { offset } => return Err(first_break(text, offset)),
        }
    }
    Ok(Verified {
        events: n,
        head: hex(&head),
    })
}

/// Below this many bytes per thread, verification runs on fewer threads.
const VERIFY_BYTES_PER_THREAD: usize = 1 << 20;

/// What one chunk of lines gave.
enum Chunk {
    /// Every line follows: how many events, and the last link stated.
    Good {
        events: usize,
        last: Option<[u8; 32]>,
    },
    /// The line starting at `offset` does not follow the line before it.
    Bad { offset: usize },
}

/// The lines of `text` in `range` (whole lines), each with its start offset.
fn lines_in(text: &str, range: Range<usize>) -> impl Iterator<Item = (usize, &str)> {
    let base = range.start;
    text[range].split_inclusive('\n').scan(base, |at, raw| {
        let start = *at;
        *at += raw.len();
        // as `str::lines`: a carriage return goes only with the line feed after it
        let line = match raw.strip_suffix('\n') {
            Some(l) => l.strip_suffix('\r').unwrap_or(l),
            None => raw,
        };
        Some((start, line))
    })
}

fn verify_chunk(text: &str, range: Range<usize>) -> Chunk {
    let mut prev = stated_before(text, range.start);
    let mut events = 0;
    for (offset, line) in lines_in(text, range) {
        if line.trim().is_empty() {
            continue;
        }
        match prev.and_then(|p| follows(line, &p)) {
            Some(stated) => prev = Some(stated),
            None => return Chunk::Bad { offset },
        }
        events += 1;
    }
    Chunk::Good {
        events,
        last: prev.filter(|_| events > 0),
    }
}

/// The link stated on the last non-blank line before `offset` (a line start):
/// [`GENESIS`] when there is none, `None` when that line states none that can be read (it is
/// then itself broken).
fn stated_before(text: &str, offset: usize) -> Option<[u8; 32]> {
    let before = &text[..offset];
    let Some(line) = before.lines().rev().find(|l| !l.trim().is_empty()) else {
        return Some(GENESIS);
    };
    stated_link(line)
}

/// The link a line states (its `hash` member), `None` when it states none that can be read.
pub(crate) fn stated_link(line: &str) -> Option<[u8; 32]> {
    if let Some(s) = scan::scan(line.as_bytes()) {
        return Some(s.stated);
    }
    let v: Value = serde_json::from_str(line).ok()?;
    scan::unhex(v.get("hash")?.as_str()?.as_bytes())
}

/// The link `line` states when it follows `prev`; `None` when it does not (or is not a line
/// of the chain at all: [`check_line`] says why).
fn follows(line: &str, prev: &[u8; 32]) -> Option<[u8; 32]> {
    let Some(s) = scan::scan(line.as_bytes()) else {
        return check_line(line, 0, prev).ok();
    };
    follows_scanned(line, &s, prev)
}

/// [`follows`] for a line [`scan::scan`] took.
fn follows_scanned(line: &str, s: &scan::Scanned, prev: &[u8; 32]) -> Option<[u8; 32]> {
    let b = line.as_bytes();
    let (skip, h) = match &s.contact {
        Some((member, text, digest)) => {
            if hex_array(&Sha256::digest(&b[text.clone()]).into()) != b[digest.clone()] {
                return None;
            }
            (member.clone(), s.hash.clone())
        }
        None => (s.hash.start..s.hash.start, s.hash.clone()),
    };
    let got = link_parts(
        prev,
        &[&b[..skip.start], &b[skip.end..h.start], &b[h.end..]],
    );
    (got == s.stated).then_some(s.stated)
}

/// The link `line` states when it is in canonical form and follows `prev`, its top-level
/// members handed to `each` from the same pass (as [`Follower::follow_members`] does); `None`
/// when the fast path does not take the line or finds its link broken (the caller's general
/// path then decides, and names the error).
pub(crate) fn follows_members(
    line: &str,
    prev: &[u8; 32],
    each: impl FnMut(Range<usize>, &Member),
) -> Option<[u8; 32]> {
    let scanned = scan::scan_members(line.as_bytes(), each)?;
    follows_scanned(line, &scanned, prev)
}

/// The error for the first broken line, which starts at `offset`: the general path's own,
/// from the link stated on the line before it.
fn first_break(text: &str, offset: usize) -> Error {
    let number = text[..offset].bytes().filter(|&c| c == b'\n').count();
    let line = lines_in(text, offset..text.len())
        .next()
        .map_or("", |(_, l)| l);
    match stated_before(text, offset).map(|prev| check_line(line, number, &prev)) {
        Some(Err(e)) => e,
        // Cannot happen (every earlier line followed, this one did not); the sequential
        // general path then decides.
        _ => match verify_sequentially(text) {
            Err(e) => e,
            Ok(v) => Error::invalid(
                "verification",
                v.head,
                "the chain checks differed between the fast and the general path",
            ),
        },
    }
}

/// The general path over every line, one after the other.
fn verify_sequentially(text: &str) -> Result<Verified> {
    let mut prev = GENESIS;
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        prev = check_line(line, i, &prev)?;
        n += 1;
    }
    Ok(Verified {
        events: n,
        head: hex(&prev),
    })
}

/// The chain followed line by line, in order, for a reader that does more with each line (the
/// verified replay): the same checks and errors as [`verify_json_lines`].
pub(crate) struct Follower {
    prev: [u8; 32],
    events: usize,
}

impl Follower {
    pub(crate) fn new() -> Follower {
        Follower {
            prev: GENESIS,
            events: 0,
        }
    }

    /// Checks the next non-blank line (`i` counts every line from 0).
    pub(crate) fn follow(&mut self, i: usize, line: &str) -> Result<()> {
        self.prev = match follows(line, &self.prev) {
            Some(stated) => stated,
            None => check_line(line, i, &self.prev)?,
        };
        self.events += 1;
        Ok(())
    }

    /// [`Follower::follow`], handing the line's top-level members to `each` (the span of the
    /// key, and the value) from the same pass that checks the link: `Ok(true)` when the line
    /// was in canonical form and every member was handed, `Ok(false)` when it was checked by
    /// the general path (members may have been handed before the scan gave up: ignore them).
    pub(crate) fn follow_members(
        &mut self,
        i: usize,
        line: &str,
        each: impl FnMut(Range<usize>, &Member),
    ) -> Result<bool> {
        let scanned = scan::scan_members(line.as_bytes(), each);
        let taken = scanned.is_some();
        // as `follow`: a line the fast path does not take, or whose link it finds broken, is
        // checked (and its error given) by the general path
        self.prev = match scanned.and_then(|s| follows_scanned(line, &s, &self.prev)) {
            Some(stated) => stated,
            None => check_line(line, i, &self.prev)?,
        };
        self.events += 1;
        Ok(taken)
    }
}

/// Hands the top-level members of `line` to `each` as [`Follower::follow_members`] does,
/// without checking its link; whether the line is in canonical form.
pub(crate) fn scan_members(line: &str, each: impl FnMut(Range<usize>, &Member)) -> bool {
    scan::scan_members(line.as_bytes(), each).is_some()
}

/// A top-level member's value as [`Follower::follow_members`] hands it: a string (its text's
/// span without the quotes, and whether it holds escapes) or another value (its span).
pub(crate) use scan::Value as Member;

/// The general path for one line (`i` counts lines from 0): parsed, its contact checked
/// against its digest, printed in canonical form and hashed after `prev`; the link it states.
fn check_line(line: &str, i: usize, prev: &[u8; 32]) -> Result<[u8; 32]> {
    let mut v: Value = serde_json::from_str(line).map_err(|e| Error::Parse {
        format: "JSON",
        message: format!("line {}: {e}", i + 1),
    })?;
    let seq = v.get("seq").cloned().unwrap_or(Value::Null);
    let broken = |reason: &str| {
        Error::invalid(
            format!("line {} (seq {seq})", i + 1),
            "event",
            reason.to_owned(),
        )
    };
    let Value::Object(o) = &mut v else {
        return Err(broken("is not a JSON object"));
    };
    let Some(Value::String(stated)) = o.remove("hash") else {
        return Err(broken("has no \"hash\" member"));
    };
    if let Some(contact) = o.remove("contact") {
        let digest = sha256_hex(contact.as_str().unwrap_or_default());
        match o.get("contact_sha256").and_then(Value::as_str) {
            Some(d) if d != digest => {
                return Err(broken("its contact data does not match its digest"));
            }
            _ => {
                o.insert("contact_sha256".into(), json!(digest));
            }
        }
    }
    let h = link(prev, v.to_string().as_bytes());
    if hex(&h) != stated {
        return Err(broken(
            "its hash does not follow from the previous one: this event or an earlier one was altered, inserted, removed or reordered",
        ));
    }
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: usize) -> String {
        let mut out = String::new();
        let mut prev = GENESIS;
        for seq in 1..=n {
            let canonical = format!(r#"{{"action":"accept","d":"x{seq}","seq":{seq}}}"#);
            prev = link(&prev, canonical.as_bytes());
            let line = format!(
                r#"{{"action":"accept","d":"x{seq}","hash":"{}","seq":{seq}}}"#,
                hex(&prev)
            );
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    /// Every single-byte edit of a long log gives the sequential general path's verdict.
    #[test]
    fn the_parallel_check_gives_the_sequential_verdict() {
        let text = lines(600);
        assert_eq!(verify_on(&text, 3).ok(), verify_sequentially(&text).ok());
        assert_eq!(verify_on(&text, 3).map(|v| v.events).ok(), Some(600));
        let third = text.len() / 3;
        let probes = [
            0,
            1,
            7,
            30,
            100,
            third - 1,
            third,
            third + 1,
            third + 40,
            text.len() - 3,
        ];
        for &at in &probes {
            for edit in [b'9', b' ', b'\n', b'"'] {
                let mut bytes = text.clone().into_bytes();
                bytes[at] = edit;
                let Ok(edited) = String::from_utf8(bytes) else {
                    continue;
                };
                let slow = verify_sequentially(&edited).map_err(|e| e.to_string());
                for threads in 1..=4 {
                    let fast = verify_on(&edited, threads).map_err(|e| e.to_string());
                    assert_eq!(fast, slow, "edit {edit} at {at}, {threads} threads");
                }
            }
        }
        // blank lines, CRLF and a line in another form (spaces) still verify
        let mut mixed: Vec<String> = text.lines().map(str::to_owned).collect();
        mixed[5] = mixed[5].replace(',', ", ");
        mixed[9].push('\r');
        mixed.insert(300, "  ".into());
        let mixed = mixed.join("\n");
        for threads in 1..=4 {
            assert_eq!(
                verify_on(&mixed, threads).map_err(|e| e.to_string()),
                verify_sequentially(&mixed).map_err(|e| e.to_string())
            );
        }
        assert!(verify_json_lines(&mixed).is_ok());
        // a last line ending in a bare carriage return keeps it (as `str::lines` does)
        let first = text.lines().next().unwrap_or_default();
        let cr = format!("{text}{first}\r");
        for threads in 1..=4 {
            assert_eq!(
                verify_on(&cr, threads).map_err(|e| e.to_string()),
                verify_sequentially(&cr).map_err(|e| e.to_string())
            );
        }
    }
}
