//! The words exports use for states, sources, urgencies and booleans, read as the library's ids.
//!
//! A centre's export says `已结案`, `12345热线` and `是` where the record schema says `closed`,
//! `hotline` and `true`. [`RecordLabels`] maps such labels to the ids when case records are read
//! (CSV, frames, columns): the English ids are always accepted; the built-in Chinese labels
//! ([`RecordLabels::chinese`]) are accepted by default; a model adds its own words in
//! `[scoring.labels]` (for example `state = { "已办结" = "closed" }`), and a call (Python's
//! `labels=`) may add more. A label maps to exactly one id.
//!
//! The built-in vocabulary follows the stage and queue names of the eGova-style systems the
//! centres run (上报 → 受理 → 核实 → 立案 → 派遣 → 处置 → 核查 → 结案; queues 待受理, 待立案,
//! 待派遣, 待核查, 待结案; sources 监督员上报, 公众上报, the 12345/12319 hotlines, media,
//! leaders' referrals and video/IoT alerts), as published in the eGova product descriptions and
//! the CJ/T 213 workflow; words a city uses beyond them go in its model.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::case::Source;
use crate::error::Issues;
use crate::lifecycle::State;

/// `[scoring.labels]`: a model's own words for the ids of the record schema.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelsSection {
    /// Label → lifecycle state id (`reported`, `closed`…).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub state: BTreeMap<String, String>,
    /// Label → source id (`supervisor`, `hotline`, `app`, `media`, `leader`, `sensor`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub source: BTreeMap<String, String>,
    /// Label → urgency id of the catalog (`urgent`, `normal`…).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub urgency: BTreeMap<String, String>,
    /// Label → boolean (`shelved`, `self_handled`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub boolean: BTreeMap<String, bool>,
}

impl LabelsSection {
    /// Whether the section adds nothing.
    pub fn is_empty(&self) -> bool {
        self.state.is_empty()
            && self.source.is_empty()
            && self.urgency.is_empty()
            && self.boolean.is_empty()
    }
}

/// Labels accepted for the ids of the record schema, resolved (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordLabels {
    state: BTreeMap<String, State>,
    source: BTreeMap<String, Source>,
    urgency: BTreeMap<String, String>,
    boolean: BTreeMap<String, bool>,
}

/// Built-in state labels: the stage names (上报, 受理…), their past forms (已受理…) and the
/// to-do queue names (待受理…) each map to the state a case is in.
const STATE_LABELS: &[(&str, State)] = &[
    ("上报", State::Reported),
    ("已上报", State::Reported),
    ("待受理", State::Reported),
    ("受理", State::Accepted),
    ("已受理", State::Accepted),
    ("待核实", State::Accepted),
    ("核实", State::Verified),
    ("已核实", State::Verified),
    ("待立案", State::Verified),
    ("立案", State::Filed),
    ("已立案", State::Filed),
    ("待派遣", State::Filed),
    ("派遣", State::Dispatched),
    ("已派遣", State::Dispatched),
    ("待处置", State::Dispatched),
    ("回退", State::Returned),
    ("已回退", State::Returned),
    ("处置中", State::Handling),
    ("办理中", State::Handling),
    ("已处置", State::Handled),
    ("处置完毕", State::Handled),
    ("待核查", State::Handled),
    ("核查", State::Checked),
    ("已核查", State::Checked),
    ("待结案", State::Checked),
    ("结案", State::Closed),
    ("已结案", State::Closed),
    ("已办结", State::Closed),
    ("挂账", State::Shelved),
    ("已挂账", State::Shelved),
    ("不予受理", State::Rejected),
    ("无效", State::Invalid),
    ("核实无效", State::Invalid),
    ("作废", State::Voided),
    ("已作废", State::Voided),
];

/// Built-in source labels.
const SOURCE_LABELS: &[(&str, Source)] = &[
    ("监督员", Source::Supervisor),
    ("监督员上报", Source::Supervisor),
    ("网格员上报", Source::Supervisor),
    ("12345", Source::Hotline),
    ("12345热线", Source::Hotline),
    ("12319", Source::Hotline),
    ("12319热线", Source::Hotline),
    ("热线", Source::Hotline),
    ("公众上报", Source::App),
    ("公众举报", Source::App),
    ("市民举报", Source::App),
    ("APP", Source::App),
    ("微信", Source::App),
    ("小程序", Source::App),
    ("媒体", Source::Media),
    ("媒体曝光", Source::Media),
    ("领导交办", Source::Leader),
    ("领导批示", Source::Leader),
    ("视频智能发现", Source::Sensor),
    ("智能感知", Source::Sensor),
    ("物联感知", Source::Sensor),
];

/// Built-in urgency labels (ids of the default catalog; a catalog with other urgencies maps its
/// own words in the model).
const URGENCY_LABELS: &[(&str, &str)] =
    &[("紧急", "urgent"), ("一般", "normal"), ("普通", "normal")];

/// Built-in boolean labels.
const BOOLEAN_LABELS: &[(&str, bool)] = &[("是", true), ("否", false), ("真", true), ("假", false)];

impl Default for RecordLabels {
    fn default() -> Self {
        Self::chinese()
    }
}

impl RecordLabels {
    /// The built-in Chinese labels (the module documentation says where they come from).
    pub fn chinese() -> Self {
        RecordLabels {
            state: STATE_LABELS
                .iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect(),
            source: SOURCE_LABELS
                .iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect(),
            urgency: URGENCY_LABELS
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            boolean: BOOLEAN_LABELS
                .iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect(),
        }
    }

    /// Adds a section's labels (they win over built-in ones), recording an unknown target id
    /// under `path` (`scoring.labels.state."已办结"`). Urgency targets are checked against the
    /// catalog when records are read, not here.
    pub fn extend(&mut self, section: &LabelsSection, path: &str, issues: &mut Issues) {
        for (label, id) in &section.state {
            match State::ALL.iter().find(|s| s.as_str() == id) {
                Some(s) => {
                    self.state.insert(label.clone(), *s);
                }
                None => issues.push(
                    format!("{path}.state.{label:?}"),
                    format!("{id:?} is not a lifecycle state"),
                ),
            }
        }
        for (label, id) in &section.source {
            match Source::parse(id) {
                Some(s) => {
                    self.source.insert(label.clone(), s);
                }
                None => issues.push(
                    format!("{path}.source.{label:?}"),
                    format!(
                        "{id:?} is not a source (supervisor, hotline, app, media, leader, sensor)"
                    ),
                ),
            }
        }
        for (label, id) in &section.urgency {
            self.urgency.insert(label.clone(), id.clone());
        }
        for (label, b) in &section.boolean {
            self.boolean.insert(label.clone(), *b);
        }
    }

    /// The state a text names: its id, or a label of it.
    pub fn state(&self, text: &str) -> Option<State> {
        State::ALL
            .iter()
            .find(|s| s.as_str() == text)
            .copied()
            .or_else(|| self.state.get(text.trim()).copied())
    }

    /// The source a text names: its id, or a label of it.
    pub fn source(&self, text: &str) -> Option<Source> {
        Source::parse(text).or_else(|| self.source.get(text.trim()).copied())
    }

    /// The urgency id a text stands for: a label's id, else the text itself.
    pub fn urgency<'t>(&'t self, text: &'t str) -> &'t str {
        self.urgency.get(text.trim()).map_or(text, String::as_str)
    }

    /// The boolean a label stands for (the English forms are read by the column parser).
    pub fn boolean(&self, text: &str) -> Option<bool> {
        self.boolean.get(text.trim()).copied()
    }

    /// Every label with the id it stands for, in the shape of `[scoring.labels]`: what the
    /// bindings list (C `gridgov_model_record_labels_json`, Python `Model.record_labels()`).
    pub fn to_section(&self) -> LabelsSection {
        let text = |m: &BTreeMap<String, String>| m.clone();
        LabelsSection {
            state: self
                .state
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().to_owned()))
                .collect(),
            source: self
                .source
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().to_owned()))
                .collect(),
            urgency: text(&self.urgency),
            boolean: self.boolean.clone(),
        }
    }

    /// Every label of a column (`state`, `source`, `urgency`, `boolean`) with the id it stands
    /// for, sorted by label.
    pub fn pairs(&self, column: &str) -> Vec<(String, String)> {
        match column {
            "state" => self
                .state
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().to_owned()))
                .collect(),
            "source" => self
                .source
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().to_owned()))
                .collect(),
            "urgency" => self
                .urgency
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            "boolean" => self
                .boolean
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_labels() {
        let l = RecordLabels::chinese();
        assert_eq!(l.state("closed"), Some(State::Closed));
        assert_eq!(l.state("已结案"), Some(State::Closed));
        assert_eq!(l.state("处置中"), Some(State::Handling));
        assert_eq!(l.state("办完了"), None);
        assert_eq!(l.source("12345热线"), Some(Source::Hotline));
        assert_eq!(l.source("监督员上报"), Some(Source::Supervisor));
        assert_eq!(l.source("公众举报"), Some(Source::App));
        assert_eq!(l.urgency("紧急"), "urgent");
        assert_eq!(l.urgency("urgent"), "urgent");
        assert_eq!(l.boolean("是"), Some(true));
        assert_eq!(l.boolean("否"), Some(false));
        // Every built-in label names one id (no label listed twice).
        assert_eq!(l.pairs("state").len(), STATE_LABELS.len());
        assert_eq!(l.pairs("source").len(), SOURCE_LABELS.len());
    }

    #[test]
    fn a_model_adds_words_and_bad_targets_are_named() {
        let mut l = RecordLabels::chinese();
        let mut section = LabelsSection::default();
        section.state.insert("已办理".into(), "closed".into());
        section.state.insert("乱码".into(), "finished".into());
        section.source.insert("市长信箱".into(), "leader".into());
        let mut issues = Issues::default();
        l.extend(&section, "scoring.labels", &mut issues);
        assert_eq!(l.state("已办理"), Some(State::Closed));
        assert_eq!(l.source("市长信箱"), Some(Source::Leader));
        let text = issues.to_string();
        assert!(text.contains("scoring.labels.state.\"乱码\""), "{text}");
        assert!(text.contains("finished"), "{text}");
    }
}
