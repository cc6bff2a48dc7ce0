//! UDP headers (RFC 768).
//!
//! ```text
//!  0      7 8     15 16    23 24    31
//! +--------+--------+--------+--------+
//! |   Source Port   | Destination Port|
//! +--------+--------+--------+--------+
//! |     Length      |    Checksum     |
//! +--------+--------+--------+--------+
//! |          data octets ...
//! +---------------- ...
//! ```
//!
//! Length counts the header and the data, so it is at least 8. The checksum
//! is the Internet checksum (RFC 1071) of a pseudo-header (source and
//! destination address, a zero byte, protocol 17 and the UDP length) followed
//! by the header and the data. A checksum field of zero means the sender
//! computed none; a computed zero is therefore sent as `0xffff` (RFC 768,
//! "Fields"; RFC 1122 §4.1.3.4 lets a receiver accept a zero field).

use std::net::Ipv4Addr;

use super::checksum;
use super::ipv4::IpProtocol;
use super::{Result, WireError};

/// Bytes in a UDP header.
pub const HEADER_LEN: usize = 8;

/// A view of a byte buffer as a UDP datagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UdpPacket<T: AsRef<[u8]>> {
    buffer: T,
}

fn truncated(needed: usize, got: usize) -> WireError {
    WireError::Truncated {
        layer: "UDP",
        needed,
        got,
    }
}

/// The value a sender writes for checksum `value`: a computed zero goes
/// out as `0xffff`, as zero in the field means "no checksum" (RFC 768).
fn as_sent(value: u16) -> u16 {
    match value {
        0 => 0xffff,
        value => value,
    }
}

/// The checksum of the pseudo-header and `datagram` (header and data, the
/// checksum field as it stands), folded and complemented.
fn datagram_checksum(src: Ipv4Addr, dst: Ipv4Addr, datagram: &[u8]) -> u16 {
    let length = u16::try_from(datagram.len()).unwrap_or(u16::MAX);
    let pseudo = checksum::pseudo_header_sum(src, dst, IpProtocol::UDP.0, length);
    checksum::fold(pseudo + checksum::sum(datagram))
}

impl<T: AsRef<[u8]>> UdpPacket<T> {
    /// Wraps `buffer` without checking it; accessors panic if it is shorter
    /// than the header or than the Length field claims.
    pub const fn new_unchecked(buffer: T) -> UdpPacket<T> {
        UdpPacket { buffer }
    }

    /// Wraps `buffer` after checking that the header is there, that Length is
    /// at least 8 and that the buffer holds that many bytes. Bytes beyond
    /// Length are allowed and ignored (Linux trims them too).
    pub fn new_checked(buffer: T) -> Result<UdpPacket<T>> {
        let packet = UdpPacket { buffer };
        packet.check_len()?;
        Ok(packet)
    }

    fn check_len(&self) -> Result<()> {
        let got = self.buffer.as_ref().len();
        if got < HEADER_LEN {
            return Err(truncated(HEADER_LEN, got));
        }
        let len = usize::from(self.len());
        if len < HEADER_LEN {
            return Err(WireError::Malformed {
                layer: "UDP",
                reason: "length is below 8",
            });
        }
        if len > got {
            return Err(truncated(len, got));
        }
        Ok(())
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn word(&self, at: usize) -> u16 {
        let b = self.buffer.as_ref();
        u16::from_be_bytes([b[at], b[at + 1]])
    }

    /// The Source Port (zero when the sender expects no reply, RFC 768).
    pub fn src_port(&self) -> u16 {
        self.word(0)
    }

    /// The Destination Port.
    pub fn dst_port(&self) -> u16 {
        self.word(2)
    }

    /// The Length field: header plus data, in bytes.
    pub fn len(&self) -> u16 {
        self.word(4)
    }

    /// Whether the Length field is zero (never so in a valid datagram).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The Checksum field.
    pub fn checksum(&self) -> u16 {
        self.word(6)
    }

    /// The data: from the end of the header to Length.
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[HEADER_LEN..usize::from(self.len())]
    }

    /// Whether the checksum is correct for a datagram from `src` to `dst`.
    /// A zero field means the sender computed none, and is accepted
    /// (RFC 768; RFC 1122 §4.1.3.4).
    pub fn verify_checksum(&self, src: Ipv4Addr, dst: Ipv4Addr) -> bool {
        if self.checksum() == 0 {
            return true;
        }
        let datagram = &self.buffer.as_ref()[..usize::from(self.len())];
        datagram_checksum(src, dst, datagram) == 0
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> UdpPacket<T> {
    /// Sets the Source Port.
    pub fn set_src_port(&mut self, port: u16) {
        self.buffer.as_mut()[0..2].copy_from_slice(&port.to_be_bytes());
    }

    /// Sets the Destination Port.
    pub fn set_dst_port(&mut self, port: u16) {
        self.buffer.as_mut()[2..4].copy_from_slice(&port.to_be_bytes());
    }

    /// Sets the Length field.
    pub fn set_len(&mut self, len: u16) {
        self.buffer.as_mut()[4..6].copy_from_slice(&len.to_be_bytes());
    }

    /// Sets the Checksum field.
    pub fn set_checksum(&mut self, value: u16) {
        self.buffer.as_mut()[6..8].copy_from_slice(&value.to_be_bytes());
    }

    /// The data, writable.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let end = usize::from(self.len());
        &mut self.buffer.as_mut()[HEADER_LEN..end]
    }

    /// Computes the checksum over the pseudo-header for `src` > `dst`, the
    /// header and the data up to Length, and writes it. A computed zero is
    /// written as `0xffff`, as zero would mean "no checksum" (RFC 768).
    pub fn fill_checksum(&mut self, src: Ipv4Addr, dst: Ipv4Addr) {
        self.set_checksum(0);
        let end = usize::from(self.len());
        let value = as_sent(datagram_checksum(src, dst, &self.buffer.as_ref()[..end]));
        self.set_checksum(value);
    }
}

/// The fields of a UDP header. The addresses, which the checksum covers,
/// travel in the IP header and are passed alongside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UdpRepr {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Bytes of data after the header.
    pub payload_len: usize,
}

impl UdpRepr {
    /// Reads the header of `packet`, a datagram from `src` to `dst`, checking
    /// its lengths and its checksum (RFC 1122 §4.1.3.4: a datagram with a bad
    /// checksum is discarded silently).
    pub fn parse<T: AsRef<[u8]>>(
        packet: &UdpPacket<T>,
        src: Ipv4Addr,
        dst: Ipv4Addr,
    ) -> Result<UdpRepr> {
        packet.check_len()?;
        if !packet.verify_checksum(src, dst) {
            return Err(WireError::Checksum { layer: "UDP" });
        }
        UdpRepr::parse_intact(packet)
    }

    /// [`UdpRepr::parse`] without the checksum, for bytes known to be those
    /// their sender checksummed: what a NIC's receive checksum offload hands
    /// a stack (Linux's `CHECKSUM_UNNECESSARY`). The lengths are checked as
    /// by `parse`.
    pub fn parse_intact<T: AsRef<[u8]>>(packet: &UdpPacket<T>) -> Result<UdpRepr> {
        packet.check_len()?;
        Ok(UdpRepr {
            src_port: packet.src_port(),
            dst_port: packet.dst_port(),
            payload_len: usize::from(packet.len()) - HEADER_LEN,
        })
    }

    /// Bytes of header: always [`HEADER_LEN`].
    pub const fn header_len(&self) -> usize {
        HEADER_LEN
    }

    /// Header plus data: the Length field.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN + self.payload_len
    }

    /// Writes the 8-byte header into `buf[..8]` and the checksum over it and
    /// the data for `src` > `dst`. The caller writes the data into
    /// `buf[8..8 + payload_len]` *first*, as the checksum covers it; bytes
    /// after [`UdpRepr::buffer_len`] are left alone.
    ///
    /// # Panics
    /// If `buf` is shorter than [`UdpRepr::buffer_len`].
    #[inline]
    pub fn emit(&self, buf: &mut [u8], src: Ipv4Addr, dst: Ipv4Addr) {
        debug_assert!(self.buffer_len() <= usize::from(u16::MAX));
        let len = u16::try_from(self.buffer_len()).unwrap_or(u16::MAX);
        let datagram = &mut buf[..self.buffer_len()];
        // The header's words are summed from the fields rather than read back
        // from the bytes just written (the same RFC 768 checksum, without
        // loads that wait on the stores before them); only the data is read.
        let header_sum = u32::from(self.src_port) + u32::from(self.dst_port) + u32::from(len);
        let pseudo = checksum::pseudo_header_sum(src, dst, IpProtocol::UDP.0, len);
        let data = checksum::sum(&datagram[HEADER_LEN..]);
        let value = as_sent(checksum::fold(pseudo + header_sum + data));
        let [a, b] = self.src_port.to_be_bytes();
        let [c, d] = self.dst_port.to_be_bytes();
        let [e, f] = len.to_be_bytes();
        let [g, h] = value.to_be_bytes();
        datagram[..HEADER_LEN].copy_from_slice(&[a, b, c, d, e, f, g, h]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
    const DST: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

    /// 10.0.0.1:1234 > 10.0.0.2:5678 carrying "abc", then one byte of
    /// trailing padding that Length excludes. The checksum, by hand:
    ///
    /// ```text
    /// pseudo-header  0a00 + 0001 + 0a00 + 0002 + 0011 + 000b  = 141f
    /// header         04d2 + 162e + 000b (+ checksum 0000)      = 1b0b
    /// data           6162 + 6300 (odd byte padded with zero)   = c462
    /// total          141f + 1b0b + c462 = f38c (no carry)
    /// checksum       !f38c = 0c73
    /// ```
    const DATAGRAM: [u8; 12] = [
        0x04, 0xd2, 0x16, 0x2e, 0x00, 0x0b, 0x0c, 0x73, b'a', b'b', b'c', 0xee,
    ];

    fn repr() -> UdpRepr {
        UdpRepr {
            src_port: 1234,
            dst_port: 5678,
            payload_len: 3,
        }
    }

    #[test]
    fn reads_hand_checked_datagram() {
        let p = UdpPacket::new_checked(&DATAGRAM[..]).unwrap();
        assert_eq!((p.src_port(), p.dst_port(), p.len()), (1234, 5678, 11));
        assert!(!p.is_empty());
        assert_eq!(p.checksum(), 0x0c73);
        assert_eq!(p.payload(), b"abc");
        assert!(p.verify_checksum(SRC, DST));
        assert_eq!(UdpRepr::parse(&p, SRC, DST), Ok(repr()));
        // The pseudo-header matters: the same bytes between other hosts fail.
        assert!(!p.verify_checksum(SRC, Ipv4Addr::new(10, 0, 0, 3)));
    }

    #[test]
    fn round_trip() {
        let mut out = [0u8; 12];
        out[8..11].copy_from_slice(b"abc");
        out[11] = 0xee;
        repr().emit(&mut out, SRC, DST);
        assert_eq!(out, DATAGRAM);
        assert_eq!((repr().header_len(), repr().buffer_len()), (8, 11));
    }

    #[test]
    fn agrees_with_etherparse() {
        for len in [0usize, 1, 2, 7, 100, 1471, 1472, 65_507] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let r = UdpRepr {
                src_port: 49152,
                dst_port: 53,
                payload_len: len,
            };
            let mut buf = vec![0u8; r.buffer_len()];
            buf[HEADER_LEN..].copy_from_slice(&data);
            r.emit(&mut buf, SRC, DST);
            let theirs = etherparse::UdpHeader::without_ipv4_checksum(49152, 53, len)
                .unwrap()
                .calc_checksum_ipv4_raw(SRC.octets(), DST.octets(), &data)
                .unwrap();
            let p = UdpPacket::new_checked(&buf[..]).unwrap();
            assert_eq!(p.checksum(), theirs, "len {len}");
            assert_eq!(UdpRepr::parse(&p, SRC, DST), Ok(r));
        }
    }

    /// The header sum `emit` takes from the fields equals the one
    /// [`UdpPacket::fill_checksum`] reads back from the bytes, over ports,
    /// addresses and lengths that carry.
    #[test]
    fn emitted_checksum_equals_summing_the_bytes() {
        let mut next = crate::wire::test_words::words(3);
        for _ in 0..500 {
            let r = UdpRepr {
                src_port: next() as u16 | 0xf000,
                dst_port: next() as u16,
                payload_len: (next() % 1500) as usize,
            };
            let (src, dst) = (Ipv4Addr::from(next()), Ipv4Addr::from(next() | 0xff00_0000));
            let mut buf: Vec<u8> = (0..r.buffer_len()).map(|_| next() as u8).collect();
            r.emit(&mut buf, src, dst);
            let mut recomputed = buf.clone();
            UdpPacket::new_unchecked(&mut recomputed[..]).fill_checksum(src, dst);
            assert_eq!(buf, recomputed, "{r:?}");
        }
    }

    #[test]
    fn every_truncation_is_an_error() {
        for len in 0..11 {
            let err = UdpPacket::new_checked(&DATAGRAM[..len]).unwrap_err();
            let needed = if len < 8 { 8 } else { 11 };
            assert_eq!(err, truncated(needed, len), "{len}");
            let unchecked = UdpPacket::new_unchecked(&DATAGRAM[..len]);
            assert_eq!(UdpRepr::parse(&unchecked, SRC, DST), Err(err));
        }
    }

    #[test]
    fn rejects_length_below_header() {
        for bad in 0..8u8 {
            let mut bytes = DATAGRAM;
            bytes[5] = bad;
            let err = UdpPacket::new_checked(&bytes[..]).unwrap_err();
            assert_eq!(
                err,
                WireError::Malformed {
                    layer: "UDP",
                    reason: "length is below 8"
                }
            );
        }
        // Exactly 8: an empty datagram is valid.
        let mut empty = [0x04, 0xd2, 0x16, 0x2e, 0x00, 0x08, 0x00, 0x00];
        UdpPacket::new_checked(&mut empty[..])
            .unwrap()
            .fill_checksum(SRC, DST);
        let p = UdpPacket::new_checked(&empty[..]).unwrap();
        assert_eq!(p.payload(), b"");
        assert!(p.verify_checksum(SRC, DST));
    }

    #[test]
    fn zero_checksum_means_none_and_is_accepted() {
        let mut bytes = DATAGRAM;
        bytes[6] = 0;
        bytes[7] = 0;
        bytes[8] = b'z'; // even with altered data: nothing was checksummed
        let p = UdpPacket::new_checked(&bytes[..]).unwrap();
        assert!(p.verify_checksum(SRC, DST));
        assert!(UdpRepr::parse(&p, SRC, DST).is_ok());
    }

    /// `parse_intact` takes the checksum on trust, not the lengths.
    #[test]
    fn parse_intact_skips_only_the_checksum() {
        let mut bytes = DATAGRAM;
        bytes[8] ^= 0x01;
        let p = UdpPacket::new_checked(&bytes[..]).unwrap();
        assert!(UdpRepr::parse(&p, SRC, DST).is_err());
        assert_eq!(
            UdpRepr::parse_intact(&p),
            UdpRepr::parse(&UdpPacket::new_checked(&DATAGRAM[..]).unwrap(), SRC, DST)
        );
        bytes[5] = 7; // Length below the header
        assert!(UdpRepr::parse_intact(&UdpPacket::new_unchecked(&bytes[..])).is_err());
    }

    #[test]
    fn corrupted_payload_or_header_is_detected() {
        for at in [0, 3, 5, 8, 9, 10] {
            let mut bytes = DATAGRAM;
            bytes[at] ^= 0x01;
            let Ok(p) = UdpPacket::new_checked(&bytes[..]) else {
                continue; // a changed Length may no longer fit
            };
            assert!(!p.verify_checksum(SRC, DST), "byte {at}");
            assert_eq!(
                UdpRepr::parse(&p, SRC, DST),
                Err(WireError::Checksum { layer: "UDP" })
            );
        }
        // The padding after Length is not covered.
        let mut bytes = DATAGRAM;
        bytes[11] = 0;
        assert!(UdpPacket::new_checked(&bytes[..])
            .unwrap()
            .verify_checksum(SRC, DST));
    }

    /// Data chosen so the sum is 0xffff: the computed checksum is 0, which
    /// goes out as 0xffff (RFC 768) and still verifies.
    ///
    /// ```text
    /// pseudo 0a00+0001+0a00+0002+0011+000a = 141e; header 04d2+162e+000a = 1b0a
    /// 141e + 1b0a = 2f28; data word ffff - 2f28 = d0d7; total ffff, checksum 0
    /// ```
    #[test]
    fn computed_zero_is_sent_as_ffff() {
        let mut buf = [0u8; 10];
        buf[8..].copy_from_slice(&[0xd0, 0xd7]);
        let r = UdpRepr {
            payload_len: 2,
            ..repr()
        };
        r.emit(&mut buf, SRC, DST);
        let p = UdpPacket::new_checked(&buf[..]).unwrap();
        assert_eq!(p.checksum(), 0xffff);
        assert!(p.verify_checksum(SRC, DST));
        assert_eq!(UdpRepr::parse(&p, SRC, DST), Ok(r));
    }

    #[test]
    fn setters() {
        let mut bytes = DATAGRAM;
        let mut p = UdpPacket::new_checked(&mut bytes[..]).unwrap();
        p.set_src_port(7);
        p.set_dst_port(9);
        p.payload_mut().copy_from_slice(b"xyz");
        p.set_len(10);
        p.fill_checksum(SRC, DST);
        assert_eq!(p.payload(), b"xy");
        assert!(p.verify_checksum(SRC, DST));
        p.set_checksum(0x1234);
        assert!(!p.verify_checksum(SRC, DST));
        let bytes = p.into_inner();
        assert_eq!(&bytes[..6], &[0, 7, 0, 9, 0, 10]);
    }
}
