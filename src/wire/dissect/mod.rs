//! A frame taken apart layer by layer, field by field, as Wireshark's
//! details pane shows it: for each field its bytes, its value and one
//! beginner's sentence on what it is for and what this value means.
//!
//! ```
//! use simnet::i18n::{Catalogue, Lang};
//! use simnet::wire::dissect::dissect_frame;
//! let arp = [
//!     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x08, 0x06, // Ethernet
//!     0, 1, 0x08, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 192, 168, 1, 2, // ARP …
//!     0, 0, 0, 0, 0, 0, 192, 168, 1, 1,
//! ];
//! let layers = dissect_frame(&arp, &Catalogue::new(Lang::En));
//! assert_eq!(layers[0].key, "eth");
//! assert_eq!(layers[1].key, "arp");
//! let ty = layers[0].fields.iter().find(|f| f.key == "eth.type").unwrap();
//! assert_eq!((ty.offset, ty.len), (12, 2));
//! ```
//!
//! Any bytes at all give layers and never a panic: a header that is cut
//! short or malformed gives a layer whose summary says what is wrong and at
//! which byte, the fields that fit, and the remaining bytes as raw `data`.
//! Every field lies inside the bytes given, and covers at least one byte.
//!
//! Every name and sentence comes from the catalogue (`locales/*/fields.ftl`):
//! a field `ip.ttl` is named by `field-ip-ttl` and explained by
//! `field-ip-ttl-meaning`, which gets the field's `$value` and whatever
//! else the field needs.

mod arp;
mod dhcp;
mod dns;
mod ethernet;
mod hex;
mod icmp;
mod ipv4;
mod ports;
mod render;
mod tcp;
mod udp;

pub use hex::{parse_hex, HexError};
pub use ipv4::{address_class, address_notes, AddressNote};
pub use render::render_text;

use crate::i18n::{Args, Catalogue};

/// One field of a header: where its bytes are, what they say, what it means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// A stable id such as `eth.dst`, `ip.ttl`, `tcp.opt.mss`.
    pub key: &'static str,
    /// The label, in the catalogue's language: "Destination", "生存时间 (TTL)".
    pub name: String,
    /// Byte offset in the whole frame (or packet, for a loopback packet).
    pub offset: usize,
    /// Bytes covered, at least 1.
    pub len: usize,
    /// For a field smaller than a byte or not aligned on bytes: the first
    /// bit, counted from the most significant bit of the first byte, and
    /// the number of bits.
    pub bits: Option<(u8, u8)>,
    /// The value as shown: `02:00:00:00:00:01`, `64`, `0x0800 (IPv4)`.
    pub value: String,
    /// One sentence for a beginner: what the field is for, and what this
    /// value means.
    pub meaning: String,
    /// Fields inside this one: flag bits, TCP options, a quoted header.
    pub children: Vec<Field>,
}

/// One protocol layer of a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    /// A stable id: `eth`, `arp`, `ip`, `icmp`, `udp`, `tcp`, `data`.
    pub key: &'static str,
    /// The layer's name in the catalogue's language.
    pub name: String,
    /// Where its header starts.
    pub offset: usize,
    /// Bytes of its header (the whole message for ARP, ICMP and data).
    pub len: usize,
    /// One line: addresses, ports, flags; or what is wrong, and where.
    pub summary: String,
    /// Its fields, in wire order.
    pub fields: Vec<Field>,
}

/// Takes a whole Ethernet frame (without FCS) apart: Ethernet II, then ARP
/// or IPv4 and what it carries.
pub fn dissect_frame(frame: &[u8], catalogue: &Catalogue) -> Vec<Layer> {
    let ctx = Ctx {
        cat: catalogue,
        bytes: frame,
    };
    ethernet::dissect(&ctx)
}

/// Takes an IPv4 packet with no link header apart (a loopback packet);
/// offsets count from its first byte.
pub fn dissect_ipv4_packet(packet: &[u8], catalogue: &Catalogue) -> Vec<Layer> {
    let ctx = Ctx {
        cat: catalogue,
        bytes: packet,
    };
    if packet.is_empty() {
        return vec![ctx.truncated_layer("ip", 0, 0, ipv4::MIN_LEN)];
    }
    let (mut layers, end) = ipv4::dissect(&ctx, 0, packet.len(), Whole::Yes);
    if end < packet.len() {
        layers.push(ctx.data_layer("data", end, packet.len()));
    }
    layers
}

/// Whether a transport header is followed by all its data, so its checksum
/// can be checked: not in an IP fragment, nor quoted in an ICMP error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Whole {
    /// The whole datagram is here.
    Yes,
    /// A first fragment: the rest of the datagram is in later fragments.
    Fragment,
    /// Quoted in an ICMP error: only the header and 8 bytes.
    Quoted,
}

/// What every layer's dissector needs: the words and the bytes.
pub(crate) struct Ctx<'a> {
    pub cat: &'a Catalogue,
    pub bytes: &'a [u8],
}

/// Builds Fluent arguments: `args!["value" => v, "kind" => "arp"]`.
macro_rules! args {
    ($($k:expr => $v:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut a = $crate::i18n::Args::new();
        $(a.set($k, $v);)*
        a
    }};
}
pub(crate) use args;

impl Ctx<'_> {
    /// Message `id` with `args`.
    pub fn text(&self, id: &str, args: &Args) -> String {
        self.cat.text(id, args)
    }

    /// Field `key` named by `field-MSG` and explained by `field-MSG-meaning`,
    /// where MSG is `key` with dots as dashes; `$value` is added to `args`.
    pub fn field(
        &self,
        key: &'static str,
        offset: usize,
        len: usize,
        value: String,
        args: Args<'static>,
    ) -> Field {
        self.field_as(key, &key.replace('.', "-"), offset, len, value, args)
    }

    /// Field `key` with the messages of `msg` (for fields that share words,
    /// such as the bits of both MAC addresses).
    pub fn field_as(
        &self,
        key: &'static str,
        msg: &str,
        offset: usize,
        len: usize,
        value: String,
        mut args: Args<'static>,
    ) -> Field {
        args.set("value", value.clone());
        Field {
            key,
            name: self.cat.plain(&format!("field-{msg}")),
            offset,
            len: len.max(1),
            bits: None,
            value,
            meaning: self.cat.text(&format!("field-{msg}-meaning"), &args),
            children: Vec::new(),
        }
    }

    /// The raw bytes `start..end` as a `key` field (`data`, `udp.data`,
    /// `ip.fragment`…) with a printable preview, or `None` if there are none.
    pub fn data_field(&self, key: &'static str, start: usize, end: usize) -> Option<Field> {
        let end = end.min(self.bytes.len());
        if start >= end {
            return None;
        }
        let bytes = &self.bytes[start..end];
        let n = bytes.len() as i64;
        let value = self.text(
            "value-data",
            &args!["len" => n, "preview" => preview(bytes)],
        );
        Some(self.field(key, start, end - start, value, args!["len" => n]))
    }

    /// A layer holding only raw bytes `start..end` (possibly none).
    pub fn data_layer(&self, key: &'static str, start: usize, end: usize) -> Layer {
        let field_key = if key == "data" { "data" } else { key };
        let fields: Vec<Field> = self.data_field(field_key, start, end).into_iter().collect();
        let len = end.saturating_sub(start);
        Layer {
            key: "data",
            name: self.cat.plain(&format!("layer-{}", key.replace('.', "-"))),
            offset: start,
            len,
            summary: self.text("summary-data", &args!["len" => len as i64]),
            fields,
        }
    }

    /// A layer for a header cut short: `got` of `need` bytes at `offset`,
    /// whatever there is shown as raw data.
    pub fn truncated_layer(
        &self,
        key: &'static str,
        offset: usize,
        got: usize,
        need: usize,
    ) -> Layer {
        let name = self.cat.plain(&format!("layer-{key}"));
        let summary = self.truncated_summary(&name, offset, got, need);
        Layer {
            key,
            name,
            offset,
            len: got,
            summary,
            fields: self
                .data_field("data", offset, offset + got)
                .into_iter()
                .collect(),
        }
    }

    /// "IPv4 header truncated at byte 14: 6 of 20 bytes".
    pub fn truncated_summary(&self, layer: &str, offset: usize, got: usize, need: usize) -> String {
        self.text(
            "summary-truncated",
            &args![
                "layer" => layer.to_string(),
                "offset" => offset as i64,
                "got" => got as i64,
                "need" => need as i64,
            ],
        )
    }

    /// "20 bytes", in the catalogue's language.
    pub fn bytes_text(&self, n: usize) -> String {
        self.text("value-bytes", &args!["n" => n as i64])
    }

    /// A big-endian 16-bit word at `at`, 0 past the end.
    pub fn u16_at(&self, at: usize) -> u16 {
        match self.bytes.get(at..at + 2) {
            Some(&[a, b]) => u16::from_be_bytes([a, b]),
            _ => 0,
        }
    }

    /// A big-endian 32-bit word at `at`, 0 past the end.
    pub fn u32_at(&self, at: usize) -> u32 {
        match self.bytes.get(at..at + 4) {
            Some(&[a, b, c, d]) => u32::from_be_bytes([a, b, c, d]),
            _ => 0,
        }
    }

    /// The byte at `at`, 0 past the end.
    pub fn u8_at(&self, at: usize) -> u8 {
        self.bytes.get(at).copied().unwrap_or(0)
    }

    /// The checksum field's value and its verdict: `0x1c46 [correct]` or
    /// `0x1c47 [wrong, expected 0x1c46]`, with the args `status`
    /// (`correct`, `wrong`, `unverified`, `none`) and `expected` for the
    /// meaning.
    pub fn checksum_value(&self, stored: u16, expected: Option<u16>) -> (String, Args<'static>) {
        let status = match expected {
            None if stored == 0 => "none",
            None => "unverified",
            Some(e) if e == stored => "correct",
            Some(_) => "wrong",
        };
        let expected = expected.map_or(String::new(), |e| format!("0x{e:04x}"));
        let value = self.text(
            "value-checksum",
            &args![
                "stored" => format!("0x{stored:04x}"),
                "status" => status,
                "expected" => expected.clone(),
            ],
        );
        (value, args!["status" => status, "expected" => expected])
    }
}

/// A field's sub-byte position.
pub(crate) fn with_bits(mut field: Field, first: u8, count: u8) -> Field {
    field.bits = Some((first, count));
    field
}

/// The value a checksum field at `at` in `data` should hold: the checksum
/// of `data` with that field read as zero, plus `extra_sum` (a
/// pseudo-header's sum). The field lies at an even offset, so the bytes
/// after it keep their place in the 16-bit words (RFC 1071 §1).
pub(crate) fn expected_checksum(extra_sum: u32, data: &[u8], at: usize) -> u16 {
    let before = data.get(..at).unwrap_or(data);
    let after = data.get(at + 2..).unwrap_or(&[]);
    let sum = super::checksum::sum(before) + super::checksum::sum(after) + extra_sum;
    super::checksum::fold(sum)
}

/// Up to 48 bytes as text, `.` for what is not printable ASCII, in quotes,
/// `…` after when there is more.
pub(crate) fn preview(bytes: &[u8]) -> String {
    const MAX: usize = 48;
    let mut s = String::with_capacity(MAX + 4);
    s.push('"');
    for &b in bytes.iter().take(MAX) {
        s.push(if b.is_ascii_graphic() || b == b' ' {
            b as char
        } else {
            '.'
        });
    }
    s.push('"');
    if bytes.len() > MAX {
        s.push('…');
    }
    s
}

/// A layer as a field, for a header quoted inside another (ICMP errors).
pub(crate) fn layer_as_field(layer: Layer) -> Field {
    Field {
        key: layer.key,
        name: layer.name,
        offset: layer.offset,
        len: layer.len.max(1),
        bits: None,
        value: layer.summary,
        meaning: String::new(),
        children: layer.fields,
    }
}

/// A list of fields that takes only those lying wholly before `limit`, and
/// remembers how far the fields it took reach.
pub(crate) struct Fields {
    pub limit: usize,
    pub reach: usize,
    pub list: Vec<Field>,
}

impl Fields {
    /// An empty list for bytes `start..limit`.
    pub fn new(start: usize, limit: usize) -> Fields {
        Fields {
            limit,
            reach: start,
            list: Vec::new(),
        }
    }

    /// Whether bytes `offset..offset+len` lie before the limit.
    pub fn fits(&self, offset: usize, len: usize) -> bool {
        offset + len <= self.limit
    }

    /// Adds `field` if it fits.
    pub fn push(&mut self, field: Field) {
        if self.fits(field.offset, field.len) {
            self.reach = self.reach.max(field.offset + field.len);
            self.list.push(field);
        }
    }
}
