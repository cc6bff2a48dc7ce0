//! Who made a network card: the OUI, the first three bytes of a MAC address
//! (IEEE 802, "Organizationally Unique Identifier"; the IEEE Registration
//! Authority assigns them).
//!
//! A small shipped table of common makers, and the rule for addresses no
//! maker assigned: bit 1 of the first byte (the U/L bit) set means the
//! address is *locally administered*, chosen by whoever configured the
//! interface, as simnet's own `02:00:00:…` addresses are (IEEE 802-2014
//! §8.2).
//!
//! ```
//! use simnet::wire::{oui, MacAddr};
//! assert_eq!(oui::maker(MacAddr([0x08, 0x00, 0x27, 1, 2, 3])), Some("VirtualBox (PCS Systemtechnik)"));
//! assert!(oui::is_local(MacAddr([0x02, 0, 0, 0, 0, 1])));
//! ```

use super::MacAddr;

/// Common OUIs and their makers, sorted by OUI. Only assignments checked
/// against the IEEE register; `52:54:00` is not one (its U/L bit is set)
/// but is what QEMU/KVM gives every virtual card.
const TABLE: &[([u8; 3], &str)] = &[
    ([0x00, 0x00, 0x0c], "Cisco"),
    ([0x00, 0x01, 0x42], "Cisco"),
    ([0x00, 0x03, 0x93], "Apple"),
    ([0x00, 0x04, 0x4b], "NVIDIA"),
    ([0x00, 0x05, 0x5d], "D-Link"),
    ([0x00, 0x05, 0x69], "VMware"),
    ([0x00, 0x05, 0x85], "Juniper Networks"),
    ([0x00, 0x09, 0x5b], "Netgear"),
    ([0x00, 0x0a, 0x95], "Apple"),
    ([0x00, 0x0c, 0x29], "VMware"),
    ([0x00, 0x10, 0x18], "Broadcom"),
    ([0x00, 0x14, 0x22], "Dell"),
    ([0x00, 0x15, 0x5d], "Microsoft (Hyper-V)"),
    ([0x00, 0x16, 0x3e], "Xen"),
    ([0x00, 0x18, 0x82], "Huawei"),
    ([0x00, 0x1b, 0x21], "Intel"),
    ([0x00, 0x1b, 0x63], "Apple"),
    ([0x00, 0x1c, 0x42], "Parallels"),
    ([0x00, 0x1d, 0x60], "ASUSTek"),
    ([0x00, 0x1e, 0xc2], "Apple"),
    ([0x00, 0x1f, 0x29], "Hewlett Packard"),
    ([0x00, 0x50, 0x56], "VMware"),
    ([0x00, 0xe0, 0x18], "ASUSTek"),
    ([0x00, 0xe0, 0x4c], "Realtek"),
    ([0x00, 0xe0, 0xfc], "Huawei"),
    ([0x01, 0x00, 0x5e], "IANA (IPv4 multicast)"),
    ([0x08, 0x00, 0x27], "VirtualBox (PCS Systemtechnik)"),
    ([0x14, 0xcc, 0x20], "TP-Link"),
    ([0x24, 0x0a, 0xc4], "Espressif"),
    ([0x28, 0x6c, 0x07], "Xiaomi"),
    ([0x30, 0xae, 0xa4], "Espressif"),
    ([0x34, 0xce, 0x00], "Xiaomi"),
    ([0x3c, 0x5a, 0xb4], "Google"),
    ([0x3c, 0xd9, 0x2b], "Hewlett Packard"),
    ([0x50, 0xc7, 0xbf], "TP-Link"),
    ([0x52, 0x54, 0x00], "QEMU/KVM (virtual)"),
    ([0x64, 0x09, 0x80], "Xiaomi"),
    ([0xa0, 0x36, 0x9f], "Intel"),
    ([0xb8, 0x27, 0xeb], "Raspberry Pi"),
    ([0xb8, 0xac, 0x6f], "Dell"),
    ([0xdc, 0xa6, 0x32], "Raspberry Pi"),
    ([0xe4, 0x5f, 0x01], "Raspberry Pi"),
    ([0xf8, 0xbc, 0x12], "Dell"),
];

/// The maker whose OUI begins `mac`, if the shipped table knows it.
///
/// A locally administered address that is not in the table (such as
/// simnet's `02:00:00:…`) has no maker: see [`is_local`].
pub fn maker(mac: MacAddr) -> Option<&'static str> {
    let [a, b, c, ..] = mac.0;
    TABLE
        .binary_search_by(|(oui, _)| oui.cmp(&[a, b, c]))
        .ok()
        .map(|i| TABLE[i].1)
}

/// Whether the U/L bit (bit 1 of the first byte) is set: a locally
/// administered address, chosen by whoever set up the interface rather
/// than burnt in by a maker (IEEE 802-2014 §8.2.2).
pub fn is_local(mac: MacAddr) -> bool {
    mac.0[0] & 0x02 != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_without_repeats_so_binary_search_finds_every_entry() {
        for pair in TABLE.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{:?} then {:?}", pair[0], pair[1]);
        }
        for &(oui, name) in TABLE {
            let mac = MacAddr([oui[0], oui[1], oui[2], 0xab, 0xcd, 0xef]);
            assert_eq!(maker(mac), Some(name));
        }
    }

    #[test]
    fn simnet_addresses_are_local_and_have_no_maker() {
        let mac = MacAddr::local(1);
        assert!(is_local(mac));
        assert_eq!(maker(mac), None);
        assert!(!is_local(MacAddr([0x00, 0x15, 0x5d, 1, 2, 3])));
        assert_eq!(
            maker(MacAddr([0x00, 0x15, 0x5d, 1, 2, 3])),
            Some("Microsoft (Hyper-V)")
        );
    }
}
