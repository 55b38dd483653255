//! # gridgov — the urban grid management core
//!
//! A pure-Rust domain core for 网格化管理 / 数字城管 (urban grid management).
//!
//! | module | what it models |
//! |---|---|
//! | [`territory`] | the area tree (city → district → street → community → unit grid), codes, attributes |
//! | [`divisions`] | the dated list of GB/T 2260 division codes a national area code is checked against |
//! | [`org`] | units (centres, departments, street offices), the reporting graph, workers and roles |
//! | [`catalog`] | component (部件) and event (事件) categories, urgency levels, time limits |
//! | [`calendar`] | working calendars (weekly windows, 调休 date rules) and working-time arithmetic |
//! | [`duty`] | the responsibility matrix (权责清单): routing a case and the static gap/conflict check |
//! | [`spatial`] | grid boundaries (GeoJSON), point location, WGS-84/CGCS2000/GCJ-02/BD-09 conversions, adjacency |
//! | [`lifecycle`] | the names of the lifecycle: case states and actions |
//! | [`case`] | cases, actors, reports, actions and the lifecycle table ([`case::transition`]) |
//! | [`access`] | who may perform which action, and where: the permission matrix and the scope rules |
//! | [`escalation`] | escalation rules: which cases, when, what to do, how often |
//! | [`policy`] | the engine's policy from the model: light thresholds, permissions, escalation rules |
//! | [`engine`] | the case engine: actions, stage timers and lights, the escalation queue and sweeps, replay |
//! | [`event`] | events and their JSON form on disk (schema version 1) |
//! | [`audit`] | the SHA-256 chain over exported events and its verification |
//! | [`sink`] | event sinks: the contract of a store that takes each commit's events (`EventSink`); a host's sink behind the journal is caught up by `seq` (`Engine::set_sink_from`) |
//! | `journal` | the engine on disk (feature `journal`, on by default): a SQLite journal, `Engine::open`, its verification |
//! | [`division`] | grid-division analysis: household bounds, load per worker outliers, adjacency, merge and split suggestions |
//! | [`score`] | performance evaluation: case records, indicators, composite scores, fair rankings, mergeable scorecards, period comparison |
//! | [`simulate`] | a seeded simulator: a city's cases through the engine for N days (demo and test histories) |
//! | [`model`] | the city model file (TOML/JSON) that ties all of the above together |
//! | [`error`] | the typed errors every fallible call returns |
//! | [`limits`] | what the doors accept: the range of instants, no control characters in identifiers |
//!
//! ```
//! let model = gridgov::Model::sample();
//! let report = model.check();
//! assert!(report.is_clean());
//! ```
#![forbid(unsafe_code)]

pub mod access;
pub mod audit;
pub mod calendar;
pub mod case;
pub mod catalog;
pub mod division;
pub mod divisions;
pub mod duty;
pub mod engine;
pub mod error;
pub mod escalation;
pub mod event;
#[cfg(feature = "journal")]
pub mod journal;
pub mod lifecycle;
pub mod limits;
pub mod model;
pub mod org;
mod parallel;
pub mod policy;
pub mod score;
pub mod simulate;
pub mod sink;
pub mod spatial;
pub mod territory;

pub use error::{Error, ErrorKind, Issue, Issues, Result};

/// The name of the worker threads the crate starts (for large inputs): a binding's panic hook
/// recognises a panic of the library on a worker thread by it.
pub const WORKER_THREAD_NAME: &str = "gridgov-worker";
pub use model::{Model, ModelFile};

/// The library version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
