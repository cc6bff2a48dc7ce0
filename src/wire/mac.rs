//! Ethernet MAC addresses (IEEE 802): six bytes, written `02:00:00:00:00:01`.

use std::fmt;
use std::str::FromStr;

/// A 48-bit Ethernet hardware address.
///
/// The first three bytes are the maker's OUI (organisationally unique
/// identifier); bit 1 of the first byte marks a locally administered address,
/// which is what simnet hands out (`02:…`), and bit 0 marks a group
/// (multicast or broadcast) address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    /// The six bytes as one number, first byte highest.
    const fn to_u64(self) -> u64 {
        let [a, b, c, d, e, f] = self.0;
        u64::from_be_bytes([0, 0, a, b, c, d, e, f])
    }
}

impl Ord for MacAddr {
    /// Byte by byte, as the bytes stand on the wire (the order a derived
    /// `Ord` gives), compared as one number: a switch's table looks an
    /// address up with a few integer comparisons rather than calls to
    /// `memcmp`.
    fn cmp(&self, other: &MacAddr) -> std::cmp::Ordering {
        self.to_u64().cmp(&other.to_u64())
    }
}

impl PartialOrd for MacAddr {
    fn partial_cmp(&self, other: &MacAddr) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl MacAddr {
    /// `ff:ff:ff:ff:ff:ff`, every station on the segment.
    pub const BROADCAST: MacAddr = MacAddr([0xff; 6]);
    /// `00:00:00:00:00:00`, "unknown" (the target of an ARP request).
    pub const ZERO: MacAddr = MacAddr([0; 6]);

    /// A locally administered unicast address `02:00:nn:nn:nn:nn` built from `n`.
    pub const fn local(n: u32) -> MacAddr {
        let b = n.to_be_bytes();
        MacAddr([0x02, 0x00, b[0], b[1], b[2], b[3]])
    }

    /// The address from its six bytes, as they stand on the wire.
    pub fn from_bytes(bytes: &[u8; 6]) -> MacAddr {
        MacAddr(*bytes)
    }

    /// The six bytes, in wire order.
    pub const fn as_bytes(&self) -> &[u8; 6] {
        &self.0
    }

    /// Whether this is the broadcast address.
    pub fn is_broadcast(&self) -> bool {
        *self == Self::BROADCAST
    }

    /// Whether the group bit is set (multicast, including broadcast).
    pub fn is_multicast(&self) -> bool {
        self.0[0] & 0x01 != 0
    }

    /// Whether this names one station (the group bit is clear).
    pub fn is_unicast(&self) -> bool {
        !self.is_multicast()
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            b[0], b[1], b[2], b[3], b[4], b[5]
        )
    }
}

/// Why a string is not a MAC address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseMacError;

impl fmt::Display for ParseMacError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected a MAC address of six hex bytes, like 02:00:00:00:00:01")
    }
}

impl std::error::Error for ParseMacError {}

impl FromStr for MacAddr {
    type Err = ParseMacError;

    /// Six two-digit hex bytes separated by `:` or `-`.
    fn from_str(s: &str) -> Result<MacAddr, ParseMacError> {
        let mut out = [0u8; 6];
        let mut parts = s.split([':', '-']);
        for byte in out.iter_mut() {
            let part = parts.next().ok_or(ParseMacError)?;
            if part.len() != 2 {
                return Err(ParseMacError);
            }
            *byte = u8::from_str_radix(part, 16).map_err(|_| ParseMacError)?;
        }
        if parts.next().is_some() {
            return Err(ParseMacError);
        }
        Ok(MacAddr(out))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn orders_byte_by_byte() {
        let macs = [
            MacAddr([0, 0, 0, 0, 0, 1]),
            MacAddr([0, 0, 0, 0, 1, 0]),
            MacAddr([0x02, 0, 0, 0, 0, 0xff]),
            MacAddr([0x02, 0, 0, 1, 0, 0]),
            MacAddr([0xff; 6]),
            MacAddr([0x80, 0, 0, 0, 0, 0]),
        ];
        for a in macs {
            for b in macs {
                assert_eq!(a.cmp(&b), a.0.cmp(&b.0), "{a} {b}");
            }
        }
    }

    use super::*;

    #[test]
    fn formats_and_parses() {
        let mac = MacAddr::local(0x0102_0304);
        assert_eq!(mac.to_string(), "02:00:01:02:03:04");
        assert_eq!("02:00:01:02:03:04".parse(), Ok(mac));
        assert_eq!("02-00-01-02-03-04".parse(), Ok(mac));
        assert!("02:00:01:02:03".parse::<MacAddr>().is_err());
        assert!("02:00:01:02:03:04:05".parse::<MacAddr>().is_err());
        assert!("02:00:01:02:03:zz".parse::<MacAddr>().is_err());
        assert!("2:00:01:02:03:04".parse::<MacAddr>().is_err());
    }

    #[test]
    fn classifies() {
        assert!(MacAddr::BROADCAST.is_broadcast());
        assert!(MacAddr::BROADCAST.is_multicast());
        assert!(MacAddr::local(1).is_unicast());
        assert!("01:00:5e:00:00:01"
            .parse::<MacAddr>()
            .unwrap()
            .is_multicast());
    }
}
