//! What the page shows beside the trace, from the modules that know it:
//! each event's sentence (explain mode) and each frame's layers (the
//! dissector), turned into the page's JSON.

use super::json::Json;
use crate::i18n::Catalogue;
use crate::trace::Capture;
use crate::wire::dissect::{dissect_frame, dissect_ipv4_packet, Field};

/// One field of a frame, for the details pane.
#[derive(Clone, Debug, PartialEq)]
pub struct PageField {
    /// Its label.
    pub name: String,
    /// Its value as shown.
    pub value: String,
    /// What it means.
    pub meaning: String,
    /// Its first byte in the frame.
    pub offset: usize,
    /// Bytes it covers.
    pub len: usize,
    /// Fields inside it.
    pub children: Vec<PageField>,
}

/// One layer of a frame.
#[derive(Clone, Debug, PartialEq)]
pub struct PageLayer {
    /// Its name.
    pub name: String,
    /// One line on it.
    pub summary: String,
    /// Its first byte.
    pub offset: usize,
    /// Its length.
    pub len: usize,
    /// Its fields.
    pub fields: Vec<PageField>,
}

impl PageField {
    pub(super) fn to_json(&self) -> Json {
        Json::Object(vec![
            ("name", self.name.clone().into()),
            ("value", self.value.clone().into()),
            ("meaning", self.meaning.clone().into()),
            ("offset", self.offset.into()),
            ("len", self.len.into()),
            (
                "children",
                Json::Array(self.children.iter().map(PageField::to_json).collect()),
            ),
        ])
    }
}

impl PageLayer {
    pub(super) fn to_json(&self) -> Json {
        Json::Object(vec![
            ("name", self.name.clone().into()),
            ("summary", self.summary.clone().into()),
            ("offset", self.offset.into()),
            ("len", self.len.into()),
            (
                "fields",
                Json::Array(self.fields.iter().map(PageField::to_json).collect()),
            ),
        ])
    }
}

/// One sentence per event of `capture` (explain mode).
pub fn sentences(capture: &Capture, catalogue: &Catalogue) -> Vec<String> {
    crate::explain::explain_all(capture, catalogue)
}

fn field(f: &Field) -> PageField {
    PageField {
        name: f.name.clone(),
        value: f.value.clone(),
        meaning: f.meaning.clone(),
        offset: f.offset,
        len: f.len,
        children: f.children.iter().map(field).collect(),
    }
}

/// The layers of a frame (or, `loopback`, of an IPv4 packet), from the
/// dissector.
pub fn layers(bytes: &[u8], loopback: bool, catalogue: &Catalogue) -> Vec<PageLayer> {
    let layers = if loopback {
        dissect_ipv4_packet(bytes, catalogue)
    } else {
        dissect_frame(bytes, catalogue)
    };
    layers
        .iter()
        .map(|l| PageLayer {
            name: l.name.clone(),
            summary: l.summary.clone(),
            offset: l.offset,
            len: l.len,
            fields: l.fields.iter().map(field).collect(),
        })
        .collect()
}
