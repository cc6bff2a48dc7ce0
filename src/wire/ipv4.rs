//! IPv4 headers (RFC 791 §3.1).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-------+-------+---------------+-------------------------------+
//! |Version|  IHL  |Type of Service|          Total Length         |
//! +-------+-------+---------------+-----+-------------------------+
//! |         Identification        |Flags|      Fragment Offset    |
//! +---------------+---------------+-----+-------------------------+
//! |  Time to Live |    Protocol   |         Header Checksum       |
//! +---------------+---------------+-------------------------------+
//! |                       Source Address                          |
//! +---------------------------------------------------------------+
//! |                    Destination Address                        |
//! +---------------------------------------------------------------+
//! |                    Options (IHL > 5)                          |
//! +---------------------------------------------------------------+
//! ```
//!
//! IHL counts 32-bit words; the fragment offset counts 8-byte units (this
//! module speaks bytes); flags are reserved, DF (don't fragment), MF (more
//! fragments). The checksum covers the header only (RFC 791 §3.1).

use std::fmt;
use std::net::Ipv4Addr;

use super::{checksum, Result, WireError};

/// Bytes in a header without options.
pub const MIN_HEADER_LEN: usize = 20;

/// The DF flag in the flags/fragment-offset word.
const FLAG_DF: u16 = 0x4000;
/// The MF flag in the flags/fragment-offset word.
const FLAG_MF: u16 = 0x2000;
/// The 13-bit fragment offset, in 8-byte units.
const OFFSET_MASK: u16 = 0x1fff;

/// The Protocol field: what the payload is (IANA "Assigned Internet Protocol
/// Numbers", first listed in RFC 790).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpProtocol(pub u8);

impl IpProtocol {
    /// Internet Control Message Protocol (RFC 792).
    pub const ICMP: IpProtocol = IpProtocol(1);
    /// Transmission Control Protocol (RFC 9293).
    pub const TCP: IpProtocol = IpProtocol(6);
    /// User Datagram Protocol (RFC 768).
    pub const UDP: IpProtocol = IpProtocol(17);
}

impl fmt::Display for IpProtocol {
    /// `ICMP`, `TCP`, `UDP`, or `proto 47`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            IpProtocol::ICMP => f.write_str("ICMP"),
            IpProtocol::TCP => f.write_str("TCP"),
            IpProtocol::UDP => f.write_str("UDP"),
            IpProtocol(n) => write!(f, "proto {n}"),
        }
    }
}

/// A view of a byte buffer as an IPv4 packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ipv4Packet<T: AsRef<[u8]>> {
    buffer: T,
}

fn truncated(needed: usize, got: usize) -> WireError {
    WireError::Truncated {
        layer: "IPv4",
        needed,
        got,
    }
}

fn malformed(reason: &'static str) -> WireError {
    WireError::Malformed {
        layer: "IPv4",
        reason,
    }
}

impl<T: AsRef<[u8]>> Ipv4Packet<T> {
    /// Wraps `buffer` without checking it; accessors panic if it is shorter
    /// than the header or the total length claims.
    pub const fn new_unchecked(buffer: T) -> Ipv4Packet<T> {
        Ipv4Packet { buffer }
    }

    /// Wraps `buffer` after checking that the header and the whole datagram
    /// (its Total Length) are there. Bytes beyond Total Length, such as
    /// Ethernet padding, are allowed and ignored.
    pub fn new_checked(buffer: T) -> Result<Ipv4Packet<T>> {
        let packet = Ipv4Packet { buffer };
        packet.check_len()?;
        Ok(packet)
    }

    fn check_len(&self) -> Result<()> {
        let b = self.buffer.as_ref();
        let len = b.len();
        if len < MIN_HEADER_LEN {
            return Err(truncated(MIN_HEADER_LEN, len));
        }
        let first = b[0];
        if first >> 4 != 4 {
            return Err(malformed("version is not 4"));
        }
        let header_len = usize::from(first & 0x0f) * 4;
        if header_len < MIN_HEADER_LEN {
            return Err(malformed("header length (IHL) is below 5 words"));
        }
        if header_len > len {
            return Err(truncated(header_len, len));
        }
        let total_len = usize::from(u16::from_be_bytes([b[2], b[3]]));
        if total_len < header_len {
            return Err(malformed("total length is shorter than the header"));
        }
        if total_len > len {
            return Err(truncated(total_len, len));
        }
        Ok(())
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    #[inline]
    fn word(&self, at: usize) -> u16 {
        let b = self.buffer.as_ref();
        u16::from_be_bytes([b[at], b[at + 1]])
    }

    /// The Version field, 4.
    pub fn version(&self) -> u8 {
        self.buffer.as_ref()[0] >> 4
    }

    /// The header length in bytes (IHL × 4).
    pub fn header_len(&self) -> usize {
        usize::from(self.buffer.as_ref()[0] & 0x0f) * 4
    }

    /// The Type of Service byte, now DSCP and ECN (RFC 2474, RFC 3168).
    pub fn dscp_ecn(&self) -> u8 {
        self.buffer.as_ref()[1]
    }

    /// Total Length: header and payload, in bytes.
    #[inline]
    pub fn total_len(&self) -> u16 {
        self.word(2)
    }

    /// Identification, shared by the fragments of one datagram.
    pub fn ident(&self) -> u16 {
        self.word(4)
    }

    /// The DF (don't fragment) flag.
    pub fn dont_frag(&self) -> bool {
        self.word(6) & FLAG_DF != 0
    }

    /// The MF (more fragments) flag.
    #[inline]
    pub fn more_frags(&self) -> bool {
        self.word(6) & FLAG_MF != 0
    }

    /// Where this fragment's payload starts in the datagram, in bytes.
    #[inline]
    pub fn frag_offset(&self) -> u16 {
        (self.word(6) & OFFSET_MASK) * 8
    }

    /// Time to Live.
    pub fn ttl(&self) -> u8 {
        self.buffer.as_ref()[8]
    }

    /// The payload's protocol.
    pub fn protocol(&self) -> IpProtocol {
        IpProtocol(self.buffer.as_ref()[9])
    }

    /// The Header Checksum field.
    pub fn header_checksum(&self) -> u16 {
        self.word(10)
    }

    /// The source address.
    #[inline]
    pub fn src_addr(&self) -> Ipv4Addr {
        let b = self.buffer.as_ref();
        Ipv4Addr::new(b[12], b[13], b[14], b[15])
    }

    /// The destination address.
    #[inline]
    pub fn dst_addr(&self) -> Ipv4Addr {
        let b = self.buffer.as_ref();
        Ipv4Addr::new(b[16], b[17], b[18], b[19])
    }

    /// The options: header bytes after the first 20.
    pub fn options(&self) -> &[u8] {
        &self.buffer.as_ref()[MIN_HEADER_LEN..self.header_len()]
    }

    /// The payload: from the end of the header to Total Length.
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[self.header_len()..usize::from(self.total_len())]
    }

    /// Whether the header checksum is correct (RFC 791 §3.1, RFC 1071).
    pub fn verify_checksum(&self) -> bool {
        checksum::checksum(&self.buffer.as_ref()[..self.header_len()]) == 0
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Ipv4Packet<T> {
    /// Sets Time to Live (the checksum is left as is).
    pub fn set_ttl(&mut self, ttl: u8) {
        self.buffer.as_mut()[8] = ttl;
    }

    /// Sets the source address (the checksum is left as is).
    pub fn set_src_addr(&mut self, addr: Ipv4Addr) {
        self.buffer.as_mut()[12..16].copy_from_slice(&addr.octets());
    }

    /// Sets the destination address (the checksum is left as is).
    pub fn set_dst_addr(&mut self, addr: Ipv4Addr) {
        self.buffer.as_mut()[16..20].copy_from_slice(&addr.octets());
    }

    /// Sets the Header Checksum field.
    pub fn set_header_checksum(&mut self, value: u16) {
        self.buffer.as_mut()[10..12].copy_from_slice(&value.to_be_bytes());
    }

    /// Computes the header checksum and writes it.
    pub fn fill_checksum(&mut self) {
        self.set_header_checksum(0);
        let value = checksum::checksum(&self.buffer.as_ref()[..self.header_len()]);
        self.set_header_checksum(value);
    }

    /// The payload, writable.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let range = self.header_len()..usize::from(self.total_len());
        &mut self.buffer.as_mut()[range]
    }

    /// Lowers TTL by one, as a router does when forwarding (RFC 791 §3.2,
    /// RFC 1812 §5.3.1), and patches the checksum for the changed TTL/protocol
    /// word incrementally (RFC 1624 eqn. 3). A TTL of zero stays zero.
    pub fn decrement_ttl(&mut self) {
        let ttl = self.ttl();
        if ttl == 0 {
            return;
        }
        let old = self.word(8);
        self.set_ttl(ttl - 1);
        let new = self.word(8);
        let updated = checksum::update_u16(self.header_checksum(), old, new);
        self.set_header_checksum(updated);
    }
}

/// The fields of an IPv4 header, as this simulator emits them (no options).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv4Repr {
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// The payload's protocol.
    pub protocol: IpProtocol,
    /// Time to Live.
    pub ttl: u8,
    /// Identification.
    pub ident: u16,
    /// DF: routers must not fragment this datagram.
    pub dont_frag: bool,
    /// MF: more fragments follow.
    pub more_frags: bool,
    /// Fragment offset in bytes (a multiple of 8).
    pub frag_offset: u16,
    /// The Type of Service byte (DSCP and ECN).
    pub tos: u8,
    /// Bytes of payload after the header.
    pub payload_len: usize,
}

impl Ipv4Repr {
    /// Reads the header of `packet`, checking lengths and the header checksum
    /// (RFC 1122 §3.2.1.2: a datagram with a bad checksum is discarded).
    /// Options are tolerated and skipped.
    pub fn parse<T: AsRef<[u8]>>(packet: &Ipv4Packet<T>) -> Result<Ipv4Repr> {
        packet.check_len()?;
        if !packet.verify_checksum() {
            return Err(WireError::Checksum { layer: "IPv4" });
        }
        Ok(Ipv4Repr {
            src: packet.src_addr(),
            dst: packet.dst_addr(),
            protocol: packet.protocol(),
            ttl: packet.ttl(),
            ident: packet.ident(),
            dont_frag: packet.dont_frag(),
            more_frags: packet.more_frags(),
            frag_offset: packet.frag_offset(),
            tos: packet.dscp_ecn(),
            payload_len: usize::from(packet.total_len()) - packet.header_len(),
        })
    }

    /// Bytes of header emitted: always [`MIN_HEADER_LEN`], as no options are sent.
    pub const fn header_len(&self) -> usize {
        MIN_HEADER_LEN
    }

    /// Header plus payload: the Total Length field.
    pub fn total_len(&self) -> usize {
        self.header_len() + self.payload_len
    }

    /// Writes the 20-byte header, checksum included, into `buf[..20]`; the
    /// payload after it is left alone.
    ///
    /// # Panics
    /// If `buf` is shorter than 20 bytes.
    #[inline]
    pub fn emit(&self, buf: &mut [u8]) {
        debug_assert!(self.total_len() <= usize::from(u16::MAX));
        debug_assert!(
            self.frag_offset % 8 == 0,
            "fragment offset not a multiple of 8"
        );
        let mut flags_offset = (self.frag_offset / 8) & OFFSET_MASK;
        if self.dont_frag {
            flags_offset |= FLAG_DF;
        }
        if self.more_frags {
            flags_offset |= FLAG_MF;
        }
        let total_len = u16::try_from(self.total_len()).unwrap_or(u16::MAX);
        let [s0, s1, s2, s3] = self.src.octets();
        let [d0, d1, d2, d3] = self.dst.octets();
        // The header's ten 16-bit words, the checksum's (the sixth) zero.
        let words: [u16; 10] = [
            0x4500 | u16::from(self.tos), // version 4, IHL 5 words, TOS
            total_len,
            self.ident,
            flags_offset,
            u16::from_be_bytes([self.ttl, self.protocol.0]),
            0,
            u16::from_be_bytes([s0, s1]),
            u16::from_be_bytes([s2, s3]),
            u16::from_be_bytes([d0, d1]),
            u16::from_be_bytes([d2, d3]),
        ];
        // The checksum is summed from the fields themselves rather than read
        // back from the bytes just written: the same RFC 1071 sum, without
        // loads that wait on the stores before them.
        let sum: u32 = words.iter().map(|&w| u32::from(w)).sum();
        let mut header = [0u8; MIN_HEADER_LEN];
        for (bytes, word) in header.chunks_exact_mut(2).zip(words) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        header[10..12].copy_from_slice(&checksum::fold(sum).to_be_bytes());
        buf[..MIN_HEADER_LEN].copy_from_slice(&header);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An IPv4 header 192.168.1.2 > 192.168.2.2, ICMP, id 1, DF, TTL 64, total
    /// length 24 (checksum 0xb68f, worked out by hand), then its 4 payload
    /// bytes and 2 bytes of Ethernet padding.
    const PACKET: [u8; 26] = [
        0x45, 0x00, 0x00, 0x18, 0x00, 0x01, 0x40, 0x00, 0x40, 0x01, 0xb6, 0x8f, 192, 168, 1, 2,
        192, 168, 2, 2, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00,
    ];

    fn repr() -> Ipv4Repr {
        Ipv4Repr {
            src: Ipv4Addr::new(192, 168, 1, 2),
            dst: Ipv4Addr::new(192, 168, 2, 2),
            protocol: IpProtocol::ICMP,
            ttl: 64,
            ident: 1,
            dont_frag: true,
            more_frags: false,
            frag_offset: 0,
            tos: 0,
            payload_len: 4,
        }
    }

    #[test]
    fn reads_fields() {
        let p = Ipv4Packet::new_checked(&PACKET[..]).unwrap();
        assert_eq!((p.version(), p.header_len(), p.total_len()), (4, 20, 24));
        assert_eq!((p.ident(), p.dont_frag(), p.more_frags()), (1, true, false));
        assert_eq!(
            (p.frag_offset(), p.ttl(), p.protocol()),
            (0, 64, IpProtocol::ICMP)
        );
        assert_eq!(p.header_checksum(), 0xb68f);
        assert!(p.verify_checksum());
        assert_eq!(p.options(), &[] as &[u8]);
        assert_eq!(p.payload(), &[0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(Ipv4Repr::parse(&p), Ok(repr()));
    }

    #[test]
    fn round_trip() {
        let mut out = [0u8; 24];
        out[20..].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
        repr().emit(&mut out);
        assert_eq!(out, PACKET[..24]);
    }

    /// The checksum `emit` sums from the fields is the one summed from the
    /// bytes it wrote, over fields that carry into every fold step.
    #[test]
    fn emitted_checksum_equals_summing_the_bytes() {
        let mut next = crate::wire::test_words::words(1);
        for _ in 0..2000 {
            let r = next();
            let repr = Ipv4Repr {
                src: Ipv4Addr::from(next()),
                dst: Ipv4Addr::from(next() | 0xffff_0000),
                protocol: IpProtocol((r >> 8) as u8),
                ttl: r as u8,
                ident: (r >> 16) as u16,
                dont_frag: r & 1 == 1,
                more_frags: r & 2 == 2,
                frag_offset: (next() as u16) & 0xfff8,
                tos: (r >> 24) as u8,
                payload_len: (next() % 65_000) as usize,
            };
            let mut out = [0u8; 20];
            repr.emit(&mut out);
            let mut recomputed = out;
            Ipv4Packet::new_unchecked(&mut recomputed[..]).fill_checksum();
            assert_eq!(out, recomputed, "{repr:?}");
            assert_eq!(checksum::checksum(&out), 0);
        }
    }

    #[test]
    fn every_truncation_is_an_error() {
        for len in 0..24 {
            let err = Ipv4Packet::new_checked(&PACKET[..len]).unwrap_err();
            assert!(
                matches!(err, WireError::Truncated { layer: "IPv4", .. }),
                "{len}: {err}"
            );
            let unchecked = Ipv4Packet::new_unchecked(&PACKET[..len]);
            assert!(Ipv4Repr::parse(&unchecked).is_err());
        }
        assert_eq!(
            Ipv4Packet::new_checked(&PACKET[..10]).unwrap_err(),
            truncated(20, 10)
        );
        assert_eq!(
            Ipv4Packet::new_checked(&PACKET[..22]).unwrap_err(),
            truncated(24, 22)
        );
    }

    #[test]
    fn rejects_bad_version_ihl_and_total_length() {
        let cases = [
            (0, 0x65, malformed("version is not 4")),
            (0, 0x44, malformed("header length (IHL) is below 5 words")),
            (0, 0x47, truncated(28, 26)),
            (
                3,
                0x10,
                malformed("total length is shorter than the header"),
            ),
        ];
        for (at, value, err) in cases {
            let mut bytes = PACKET;
            bytes[at] = value;
            assert_eq!(Ipv4Packet::new_checked(&bytes[..]).unwrap_err(), err);
        }
    }

    #[test]
    fn detects_bad_checksum() {
        let mut bytes = PACKET;
        bytes[15] = 3; // source 192.168.1.3
        let p = Ipv4Packet::new_checked(&bytes[..]).unwrap();
        assert!(!p.verify_checksum());
        assert_eq!(
            Ipv4Repr::parse(&p),
            Err(WireError::Checksum { layer: "IPv4" })
        );
    }

    #[test]
    fn options_are_skipped() {
        // IHL 6: one word of options (four NOPs), total length 28.
        let mut bytes = [0u8; 28];
        bytes[..20].copy_from_slice(&PACKET[..20]);
        bytes[0] = 0x46;
        bytes[3] = 28;
        bytes[20..24].copy_from_slice(&[1, 1, 1, 1]);
        bytes[24..].copy_from_slice(&PACKET[20..24]);
        let mut p = Ipv4Packet::new_checked(&mut bytes[..]).unwrap();
        p.fill_checksum();
        assert_eq!(p.options(), &[1, 1, 1, 1]);
        assert_eq!(p.payload(), &[0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(Ipv4Repr::parse(&p), Ok(repr()));
    }

    #[test]
    fn fragment_fields() {
        let frag = Ipv4Repr {
            dont_frag: false,
            more_frags: true,
            frag_offset: 1480,
            payload_len: 1480,
            ..repr()
        };
        let mut out = vec![0u8; frag.total_len()];
        frag.emit(&mut out);
        assert_eq!(&out[2..8], &[0x05, 0xdc, 0x00, 0x01, 0x20, 0xb9]);
        let p = Ipv4Packet::new_checked(&out[..]).unwrap();
        assert_eq!((p.more_frags(), p.frag_offset()), (true, 1480));
        assert_eq!(Ipv4Repr::parse(&p), Ok(frag));
    }

    #[test]
    fn decrement_ttl_equals_recompute() {
        for ttl in 1..=255u8 {
            for tweak in [0u8, 0x11, 0xff] {
                let mut bytes = PACKET;
                bytes[8] = ttl;
                bytes[4] = tweak;
                bytes[9] = tweak;
                let mut p = Ipv4Packet::new_unchecked(&mut bytes[..]);
                p.fill_checksum();
                p.decrement_ttl();
                let incremental = p.header_checksum();
                assert_eq!(p.ttl(), ttl - 1);
                p.fill_checksum();
                assert_eq!(incremental, p.header_checksum(), "ttl {ttl} tweak {tweak}");
                assert!(p.verify_checksum());
            }
        }
        let mut bytes = PACKET;
        bytes[8] = 0;
        let mut p = Ipv4Packet::new_unchecked(&mut bytes[..]);
        p.decrement_ttl();
        assert_eq!(p.ttl(), 0);
    }

    #[test]
    fn setters_and_protocol_display() {
        let mut bytes = PACKET;
        let mut p = Ipv4Packet::new_checked(&mut bytes[..]).unwrap();
        p.set_src_addr(Ipv4Addr::new(10, 0, 0, 1));
        p.set_dst_addr(Ipv4Addr::new(10, 0, 0, 2));
        p.payload_mut().copy_from_slice(&[1, 2, 3, 4]);
        p.fill_checksum();
        let r = Ipv4Repr::parse(&p).unwrap();
        assert_eq!(
            (r.src, r.dst),
            (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2))
        );
        assert_eq!(p.into_inner()[20..24], [1, 2, 3, 4]);
        assert_eq!(IpProtocol::ICMP.to_string(), "ICMP");
        assert_eq!(IpProtocol::TCP.to_string(), "TCP");
        assert_eq!(IpProtocol::UDP.to_string(), "UDP");
        assert_eq!(IpProtocol(47).to_string(), "proto 47");
    }
}
