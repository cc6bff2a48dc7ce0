//! ARP, the Address Resolution Protocol (RFC 826), for Ethernet and IPv4 only.
//!
//! ```text
//!  0       2       4   5   6       8             14      18            24      28
//! +-------+-------+---+---+-------+-------------+-------+-------------+-------+
//! | htype | ptype |hln|pln|  op   | sender MAC  |sndr IP| target MAC  |tgt IP |
//! +-------+-------+---+---+-------+-------------+-------+-------------+-------+
//!    1     0x0800   6   4   1 = request, 2 = reply
//! ```
//!
//! A request asks "who has target IP? tell sender IP" and is broadcast with
//! the target MAC left zero; the reply comes back unicast with the roles
//! swapped and the sender MAC filled in (RFC 826, "Packet Generation").

use std::net::Ipv4Addr;

use super::{MacAddr, Result, WireError};

/// Bytes in an Ethernet/IPv4 ARP packet.
pub const PACKET_LEN: usize = 28;

/// Hardware type 1: Ethernet (RFC 826, `ar$hrd`).
const HTYPE_ETHERNET: u16 = 1;
/// Protocol type: IPv4, the EtherType 0x0800 (RFC 826, `ar$pro`).
const PTYPE_IPV4: u16 = 0x0800;

/// The ARP opcode (RFC 826, `ar$op`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArpOperation {
    /// 1: who has this protocol address?
    Request,
    /// 2: this protocol address is at this hardware address.
    Reply,
    /// Any other opcode (RARP and friends), kept as read.
    Unknown(u16),
}

impl From<u16> for ArpOperation {
    fn from(op: u16) -> ArpOperation {
        match op {
            1 => ArpOperation::Request,
            2 => ArpOperation::Reply,
            n => ArpOperation::Unknown(n),
        }
    }
}

impl From<ArpOperation> for u16 {
    fn from(op: ArpOperation) -> u16 {
        match op {
            ArpOperation::Request => 1,
            ArpOperation::Reply => 2,
            ArpOperation::Unknown(n) => n,
        }
    }
}

/// A view of a byte buffer as an ARP packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArpPacket<T: AsRef<[u8]>> {
    buffer: T,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn ip_at(b: &[u8], at: usize) -> Ipv4Addr {
    Ipv4Addr::new(b[at], b[at + 1], b[at + 2], b[at + 3])
}

fn mac_at(b: &[u8], at: usize) -> MacAddr {
    let mut mac = [0; 6];
    mac.copy_from_slice(&b[at..at + 6]);
    MacAddr(mac)
}

impl<T: AsRef<[u8]>> ArpPacket<T> {
    /// Wraps `buffer` without checking it; accessors panic if it is shorter
    /// than [`PACKET_LEN`].
    pub const fn new_unchecked(buffer: T) -> ArpPacket<T> {
        ArpPacket { buffer }
    }

    /// Wraps `buffer` after checking that it holds [`PACKET_LEN`] bytes.
    pub fn new_checked(buffer: T) -> Result<ArpPacket<T>> {
        let got = buffer.as_ref().len();
        if got < PACKET_LEN {
            return Err(WireError::Truncated {
                layer: "ARP",
                needed: PACKET_LEN,
                got,
            });
        }
        Ok(ArpPacket { buffer })
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// Hardware address space, 1 for Ethernet.
    pub fn hardware_type(&self) -> u16 {
        u16_at(self.buffer.as_ref(), 0)
    }

    /// Protocol address space, an EtherType: 0x0800 for IPv4.
    pub fn protocol_type(&self) -> u16 {
        u16_at(self.buffer.as_ref(), 2)
    }

    /// Bytes in a hardware address, 6 for Ethernet.
    pub fn hardware_len(&self) -> u8 {
        self.buffer.as_ref()[4]
    }

    /// Bytes in a protocol address, 4 for IPv4.
    pub fn protocol_len(&self) -> u8 {
        self.buffer.as_ref()[5]
    }

    /// The opcode.
    pub fn operation(&self) -> ArpOperation {
        u16_at(self.buffer.as_ref(), 6).into()
    }

    /// The sender's MAC address.
    pub fn sender_hardware_addr(&self) -> MacAddr {
        mac_at(self.buffer.as_ref(), 8)
    }

    /// The sender's IPv4 address.
    pub fn sender_protocol_addr(&self) -> Ipv4Addr {
        ip_at(self.buffer.as_ref(), 14)
    }

    /// The target's MAC address (zero in a request).
    pub fn target_hardware_addr(&self) -> MacAddr {
        mac_at(self.buffer.as_ref(), 18)
    }

    /// The target's IPv4 address.
    pub fn target_protocol_addr(&self) -> Ipv4Addr {
        ip_at(self.buffer.as_ref(), 24)
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> ArpPacket<T> {
    /// Sets the hardware type.
    pub fn set_hardware_type(&mut self, value: u16) {
        self.buffer.as_mut()[0..2].copy_from_slice(&value.to_be_bytes());
    }

    /// Sets the protocol type.
    pub fn set_protocol_type(&mut self, value: u16) {
        self.buffer.as_mut()[2..4].copy_from_slice(&value.to_be_bytes());
    }

    /// Sets the hardware address length.
    pub fn set_hardware_len(&mut self, value: u8) {
        self.buffer.as_mut()[4] = value;
    }

    /// Sets the protocol address length.
    pub fn set_protocol_len(&mut self, value: u8) {
        self.buffer.as_mut()[5] = value;
    }

    /// Sets the opcode.
    pub fn set_operation(&mut self, op: ArpOperation) {
        self.buffer.as_mut()[6..8].copy_from_slice(&u16::from(op).to_be_bytes());
    }

    /// Sets the sender's MAC address.
    pub fn set_sender_hardware_addr(&mut self, addr: MacAddr) {
        self.buffer.as_mut()[8..14].copy_from_slice(addr.as_bytes());
    }

    /// Sets the sender's IPv4 address.
    pub fn set_sender_protocol_addr(&mut self, addr: Ipv4Addr) {
        self.buffer.as_mut()[14..18].copy_from_slice(&addr.octets());
    }

    /// Sets the target's MAC address.
    pub fn set_target_hardware_addr(&mut self, addr: MacAddr) {
        self.buffer.as_mut()[18..24].copy_from_slice(addr.as_bytes());
    }

    /// Sets the target's IPv4 address.
    pub fn set_target_protocol_addr(&mut self, addr: Ipv4Addr) {
        self.buffer.as_mut()[24..28].copy_from_slice(&addr.octets());
    }
}

/// An Ethernet/IPv4 ARP request or reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArpRepr {
    /// Request or reply (never `Unknown` after [`ArpRepr::parse`]).
    pub operation: ArpOperation,
    /// The sender's MAC address.
    pub sender_mac: MacAddr,
    /// The sender's IPv4 address.
    pub sender_ip: Ipv4Addr,
    /// The target's MAC address (zero in a request).
    pub target_mac: MacAddr,
    /// The target's IPv4 address.
    pub target_ip: Ipv4Addr,
}

impl ArpRepr {
    /// Reads an Ethernet/IPv4 request or reply from `bytes` (which may carry
    /// Ethernet padding after the 28 bytes).
    ///
    /// Other hardware or protocol types, address lengths and opcodes are
    /// `Malformed`: RFC 826 has the receiver drop what it does not speak.
    pub fn parse(bytes: &[u8]) -> Result<ArpRepr> {
        let packet = ArpPacket::new_checked(bytes)?;
        let malformed = |reason| {
            Err(WireError::Malformed {
                layer: "ARP",
                reason,
            })
        };
        if packet.hardware_type() != HTYPE_ETHERNET {
            return malformed("hardware type is not Ethernet (1)");
        }
        if packet.protocol_type() != PTYPE_IPV4 {
            return malformed("protocol type is not IPv4 (0x0800)");
        }
        if packet.hardware_len() != 6 {
            return malformed("hardware address length is not 6");
        }
        if packet.protocol_len() != 4 {
            return malformed("protocol address length is not 4");
        }
        if let ArpOperation::Unknown(_) = packet.operation() {
            return malformed("operation is neither request (1) nor reply (2)");
        }
        Ok(ArpRepr {
            operation: packet.operation(),
            sender_mac: packet.sender_hardware_addr(),
            sender_ip: packet.sender_protocol_addr(),
            target_mac: packet.target_hardware_addr(),
            target_ip: packet.target_protocol_addr(),
        })
    }

    /// Bytes [`ArpRepr::emit`] writes: [`PACKET_LEN`].
    pub const fn buffer_len(&self) -> usize {
        PACKET_LEN
    }

    /// Writes the packet into `buf[..28]`.
    ///
    /// # Panics
    /// If `buf` is shorter than [`PACKET_LEN`].
    pub fn emit(&self, buf: &mut [u8]) {
        let mut packet = ArpPacket::new_unchecked(&mut buf[..PACKET_LEN]);
        packet.set_hardware_type(HTYPE_ETHERNET);
        packet.set_protocol_type(PTYPE_IPV4);
        packet.set_hardware_len(6);
        packet.set_protocol_len(4);
        packet.set_operation(self.operation);
        packet.set_sender_hardware_addr(self.sender_mac);
        packet.set_sender_protocol_addr(self.sender_ip);
        packet.set_target_hardware_addr(self.target_mac);
        packet.set_target_protocol_addr(self.target_ip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ARP request as on the wire: who-has 192.168.1.1 tell 192.168.1.2,
    /// from 02:00:00:00:00:01.
    const REQUEST: [u8; 28] = [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, // htype, ptype, hlen, plen, op
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 192, 168, 1, 2, // sender
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 192, 168, 1, 1, // target
    ];

    fn request() -> ArpRepr {
        ArpRepr {
            operation: ArpOperation::Request,
            sender_mac: MacAddr::local(1),
            sender_ip: Ipv4Addr::new(192, 168, 1, 2),
            target_mac: MacAddr::ZERO,
            target_ip: Ipv4Addr::new(192, 168, 1, 1),
        }
    }

    #[test]
    fn parses_request() {
        assert_eq!(ArpRepr::parse(&REQUEST), Ok(request()));
        let packet = ArpPacket::new_checked(&REQUEST[..]).unwrap();
        assert_eq!(packet.hardware_type(), 1);
        assert_eq!(packet.protocol_type(), 0x0800);
        assert_eq!((packet.hardware_len(), packet.protocol_len()), (6, 4));
    }

    #[test]
    fn round_trips_with_padding() {
        let mut padded = [0u8; 46];
        padded[..28].copy_from_slice(&REQUEST);
        let repr = ArpRepr::parse(&padded).unwrap();
        let mut out = [0xee; 28];
        repr.emit(&mut out);
        assert_eq!(out, REQUEST);
        assert_eq!(repr.buffer_len(), 28);
    }

    #[test]
    fn reply_round_trip() {
        let reply = ArpRepr {
            operation: ArpOperation::Reply,
            sender_mac: MacAddr::local(3),
            sender_ip: Ipv4Addr::new(192, 168, 1, 1),
            target_mac: MacAddr::local(1),
            target_ip: Ipv4Addr::new(192, 168, 1, 2),
        };
        let mut out = [0; 28];
        reply.emit(&mut out);
        assert_eq!(&out[6..8], &[0, 2]);
        assert_eq!(ArpRepr::parse(&out), Ok(reply));
    }

    #[test]
    fn every_truncation_is_an_error() {
        for len in 0..PACKET_LEN {
            assert_eq!(
                ArpRepr::parse(&REQUEST[..len]),
                Err(WireError::Truncated {
                    layer: "ARP",
                    needed: 28,
                    got: len
                })
            );
        }
    }

    #[test]
    fn rejects_other_address_spaces_and_opcodes() {
        for (at, value, reason) in [
            (1, 6, "hardware type is not Ethernet (1)"),
            (2, 0x86, "protocol type is not IPv4 (0x0800)"),
            (4, 8, "hardware address length is not 6"),
            (5, 16, "protocol address length is not 4"),
            (7, 3, "operation is neither request (1) nor reply (2)"),
        ] {
            let mut bytes = REQUEST;
            bytes[at] = value;
            assert_eq!(
                ArpRepr::parse(&bytes),
                Err(WireError::Malformed {
                    layer: "ARP",
                    reason
                })
            );
        }
    }

    #[test]
    fn operation_conversions() {
        for n in 0..5u16 {
            assert_eq!(u16::from(ArpOperation::from(n)), n);
        }
        assert_eq!(ArpOperation::from(1), ArpOperation::Request);
        assert_eq!(ArpOperation::from(2), ArpOperation::Reply);
        assert_eq!(ArpOperation::from(3), ArpOperation::Unknown(3));
    }
}
