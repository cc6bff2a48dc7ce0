//! What the page shows beside the trace, from the modules that know it:
//! each event's sentence (explain mode) and each frame's layers (the
//! dissector), turned into the page's JSON.

use super::json::Json;
use crate::i18n::Catalogue;
use crate::trace::Capture;
use crate::wire::MacAddr;

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

/// One sentence per event of `capture`.
pub fn sentences(capture: &Capture, _catalogue: &Catalogue) -> Vec<String> {
    capture
        .events
        .iter()
        .map(|e| {
            e.line
                .split_once(' ')
                .map_or("", |(_, rest)| rest)
                .to_string()
        })
        .collect()
}

/// The layers of a frame (or, `loopback`, of an IPv4 packet).
pub fn layers(bytes: &[u8], loopback: bool, _catalogue: &Catalogue) -> Vec<PageLayer> {
    let field = |name: &str, value: String, offset: usize, len: usize| PageField {
        name: name.to_string(),
        value,
        meaning: String::new(),
        offset,
        len,
        children: Vec::new(),
    };
    let mut out = Vec::new();
    let mut start = 0;
    if !loopback && bytes.len() >= 14 {
        let mac = |at: usize| {
            let mut m = [0u8; 6];
            m.copy_from_slice(&bytes[at..at + 6]);
            MacAddr(m).to_string()
        };
        out.push(PageLayer {
            name: "Ethernet II".to_string(),
            summary: format!("{} > {}", mac(6), mac(0)),
            offset: 0,
            len: 14,
            fields: vec![
                field("Destination", mac(0), 0, 6),
                field("Source", mac(6), 6, 6),
                field(
                    "Type",
                    format!("0x{:02x}{:02x}", bytes[12], bytes[13]),
                    12,
                    2,
                ),
            ],
        });
        start = 14;
    }
    if start < bytes.len() {
        out.push(PageLayer {
            name: "Data".to_string(),
            summary: format!("{} bytes", bytes.len() - start),
            offset: start,
            len: bytes.len() - start,
            fields: Vec::new(),
        });
    }
    out
}
