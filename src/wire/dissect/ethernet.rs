//! Ethernet II: destination, source, EtherType (IEEE 802.3 §3.2; RFC 894
//! for IPv4 over Ethernet), and the padding that brings a short frame to
//! the 60-byte minimum (IEEE 802.3 §4.2.3.3, 64 bytes with the FCS).

use super::{args, with_bits, Ctx, Field, Fields, Layer, Whole};
use crate::wire::ethernet::{HEADER_LEN, MIN_FRAME_LEN};
use crate::wire::{oui, MacAddr};

/// The keys of one address field and its parts.
struct AddrKeys {
    addr: &'static str,
    oui: &'static str,
    lg: &'static str,
    ig: &'static str,
}

const DST: AddrKeys = AddrKeys {
    addr: "eth.dst",
    oui: "eth.dst.oui",
    lg: "eth.dst.lg",
    ig: "eth.dst.ig",
};
const SRC: AddrKeys = AddrKeys {
    addr: "eth.src",
    oui: "eth.src.oui",
    lg: "eth.src.lg",
    ig: "eth.src.ig",
};

/// The frame's layers, Ethernet first.
pub(crate) fn dissect(ctx: &Ctx) -> Vec<Layer> {
    let frame = ctx.bytes;
    if frame.len() < HEADER_LEN {
        return vec![ctx.truncated_layer("eth", 0, frame.len(), HEADER_LEN)];
    }
    let dst = mac_at(frame, 0);
    let src = mac_at(frame, 6);
    let ethertype = ctx.u16_at(12);
    let mut fields = Fields::new(0, frame.len());
    fields.push(address(ctx, &DST, 0, dst));
    fields.push(address(ctx, &SRC, 6, src));
    let kind = type_kind(ethertype);
    let type_name = match kind {
        "ipv4" => "IPv4",
        "arp" => "ARP",
        "ipv6" => "IPv6",
        "vlan" => "802.1Q VLAN",
        "length" => "802.3 length",
        _ => "?",
    };
    fields.push(ctx.field(
        "eth.type",
        12,
        2,
        format!("0x{ethertype:04x} ({type_name})"),
        args!["kind" => kind],
    ));

    let (mut inner, end) = match kind {
        "arp" => super::arp::dissect(ctx, HEADER_LEN, frame.len()),
        "ipv4" => super::ipv4::dissect(ctx, HEADER_LEN, frame.len(), Whole::Yes),
        _ => (Vec::new(), HEADER_LEN),
    };
    let mut trailing = None;
    if end < frame.len() {
        if kind == "arp" || kind == "ipv4" {
            let len = frame.len() - end;
            let why = if frame.len() <= MIN_FRAME_LEN {
                "minimum"
            } else {
                "extra"
            };
            fields.push(ctx.field(
                "eth.padding",
                end,
                len,
                hex_preview(&frame[end..]),
                args!["len" => len as i64, "why" => why],
            ));
        } else {
            trailing = Some(ctx.data_layer("data", end, frame.len()));
        }
    }
    let summary = ctx.text(
        "summary-eth",
        &args![
            "src" => src.to_string(),
            "dst" => dst.to_string(),
            "type" => type_name,
        ],
    );
    let mut layers = vec![Layer {
        key: "eth",
        name: ctx.cat.plain("layer-eth"),
        offset: 0,
        len: HEADER_LEN,
        summary,
        fields: fields.list,
    }];
    layers.append(&mut inner);
    layers.extend(trailing);
    layers
}

/// Six bytes at `at` (the caller checked they are there).
pub(crate) fn mac_at(bytes: &[u8], at: usize) -> MacAddr {
    let mut six = [0u8; 6];
    if let Some(b) = bytes.get(at..at + 6) {
        six.copy_from_slice(b);
    }
    MacAddr(six)
}

/// What an EtherType names, for the catalogue's selectors. Values below
/// 0x0600 are an IEEE 802.3 length, not a type (IEEE 802.3 §3.2.6).
fn type_kind(ethertype: u16) -> &'static str {
    match ethertype {
        0x0800 => "ipv4",
        0x0806 => "arp",
        0x86dd => "ipv6",
        0x8100 => "vlan",
        0..=0x05ff => "length",
        _ => "other",
    }
}

/// What kind of station a MAC address names, for the selectors.
pub(crate) fn mac_kind(mac: MacAddr) -> &'static str {
    if mac.is_broadcast() {
        "broadcast"
    } else if mac.is_multicast() {
        "multicast"
    } else if mac == MacAddr::ZERO {
        "zero"
    } else {
        "unicast"
    }
}

/// The maker's name for a MAC address, or a word for why there is none.
pub(crate) fn maker_text(ctx: &Ctx, mac: MacAddr) -> String {
    match oui::maker(mac) {
        Some(name) => name.to_string(),
        None if mac.is_broadcast() => ctx.cat.plain("maker-broadcast"),
        None if oui::is_local(mac) => ctx.cat.plain("maker-local"),
        None => ctx.cat.plain("maker-unknown"),
    }
}

/// A MAC address field with its maker and its two flag bits as children.
fn address(ctx: &Ctx, keys: &AddrKeys, at: usize, mac: MacAddr) -> Field {
    let kind = mac_kind(mac);
    let maker = maker_text(ctx, mac);
    let mut field = ctx.field(
        keys.addr,
        at,
        6,
        mac.to_string(),
        args!["kind" => kind, "maker" => maker.clone()],
    );
    let b = mac.0;
    let known = if oui::maker(mac).is_some() {
        "yes"
    } else {
        "no"
    };
    field.children.push(ctx.field_as(
        keys.oui,
        "eth-oui",
        at,
        3,
        format!("{:02x}:{:02x}:{:02x} ({maker})", b[0], b[1], b[2]),
        args!["maker" => maker, "known" => known],
    ));
    let local = oui::is_local(mac);
    field.children.push(with_bits(
        ctx.field_as(
            keys.lg,
            "eth-lg",
            at,
            1,
            u8::from(local).to_string(),
            args!["local" => if local { "yes" } else { "no" }, "kind" => kind],
        ),
        6,
        1,
    ));
    let group = mac.is_multicast();
    field.children.push(with_bits(
        ctx.field_as(
            keys.ig,
            "eth-ig",
            at,
            1,
            u8::from(group).to_string(),
            args!["group" => if group { "yes" } else { "no" }],
        ),
        7,
        1,
    ));
    field
}

/// Up to 8 bytes in hex, `…` after when there are more.
fn hex_preview(bytes: &[u8]) -> String {
    let mut s: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
    if bytes.len() > 8 {
        s.push("…".to_string());
    }
    s.join(" ")
}
