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

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The hash before the first event.
pub const GENESIS: [u8; 32] = [0; 32];

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
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
/// # Errors
/// [`Error::InvalidValue`] naming the first line (and `seq`) whose hash does not follow: the
/// line, or one before it, was altered, inserted, removed or reordered; or whose contact data
/// does not match its digest; [`Error::Parse`] for a line that is not JSON.
pub fn verify_json_lines(text: &str) -> Result<Verified> {
    let mut prev = GENESIS;
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
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
        let h = link(&prev, v.to_string().as_bytes());
        if hex(&h) != stated {
            return Err(broken(
                "its hash does not follow from the previous one: this event or an earlier one was altered, inserted, removed or reordered",
            ));
        }
        prev = h;
        n += 1;
    }
    Ok(Verified {
        events: n,
        head: hex(&prev),
    })
}
