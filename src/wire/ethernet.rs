//! Ethernet II frames (IEEE 802.3 with an EtherType, RFC 894 for IPv4).
//!
//! ```text
//!  0                   6                  12        14
//! +-------------------+-------------------+---------+------------------+
//! | destination MAC   | source MAC        |EtherType| payload (46–1500)|
//! +-------------------+-------------------+---------+------------------+
//! ```
//!
//! The frame check sequence (4 more bytes) is added and stripped by the
//! hardware and never appears here. A frame shorter than 60 bytes is padded
//! with zeros (RFC 894: "the data field … is padded"), so the payload seen by
//! the next layer may be longer than its own length field says.

use std::fmt;

use super::{MacAddr, Result, WireError};

/// Bytes in the Ethernet II header: two addresses and the EtherType.
pub const HEADER_LEN: usize = 14;
/// The shortest frame on the wire, without the FCS (64 bytes with it).
pub const MIN_FRAME_LEN: usize = 60;
/// The longest frame without VLAN tags, without the FCS: header plus MTU.
pub const MAX_FRAME_LEN: usize = 1514;
/// Bytes of the frame check sequence (CRC-32) that follows the payload.
pub const FCS_LEN: usize = 4;
/// The largest payload an Ethernet frame carries (RFC 894).
pub const MTU: usize = 1500;

/// The 16-bit EtherType field: which protocol the payload holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EtherType(pub u16);

impl EtherType {
    /// Internet Protocol version 4 (RFC 894).
    pub const IPV4: EtherType = EtherType(0x0800);
    /// Address Resolution Protocol (RFC 826).
    pub const ARP: EtherType = EtherType(0x0806);
}

impl fmt::Display for EtherType {
    /// `IPv4`, `ARP`, or the number in hex such as `0x86dd`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            EtherType::IPV4 => f.write_str("IPv4"),
            EtherType::ARP => f.write_str("ARP"),
            EtherType(n) => write!(f, "0x{n:04x}"),
        }
    }
}

/// A view of a byte buffer as an Ethernet II frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EthernetFrame<T: AsRef<[u8]>> {
    buffer: T,
}

fn mac_at(bytes: &[u8], at: usize) -> MacAddr {
    let mut mac = [0; 6];
    mac.copy_from_slice(&bytes[at..at + 6]);
    MacAddr(mac)
}

impl<T: AsRef<[u8]>> EthernetFrame<T> {
    /// Wraps `buffer` without checking its length.
    ///
    /// The accessors panic if the buffer is shorter than [`HEADER_LEN`]; use
    /// [`EthernetFrame::new_checked`] for bytes from outside.
    pub const fn new_unchecked(buffer: T) -> EthernetFrame<T> {
        EthernetFrame { buffer }
    }

    /// Wraps `buffer` after checking that it holds a whole header.
    pub fn new_checked(buffer: T) -> Result<EthernetFrame<T>> {
        let got = buffer.as_ref().len();
        if got < HEADER_LEN {
            return Err(WireError::Truncated {
                layer: "Ethernet",
                needed: HEADER_LEN,
                got,
            });
        }
        Ok(EthernetFrame { buffer })
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The destination address (bytes 0..6).
    pub fn dst_addr(&self) -> MacAddr {
        mac_at(self.buffer.as_ref(), 0)
    }

    /// The source address (bytes 6..12).
    pub fn src_addr(&self) -> MacAddr {
        mac_at(self.buffer.as_ref(), 6)
    }

    /// The EtherType (bytes 12..14).
    pub fn ethertype(&self) -> EtherType {
        let b = self.buffer.as_ref();
        EtherType(u16::from_be_bytes([b[12], b[13]]))
    }

    /// Everything after the header, padding included.
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[HEADER_LEN..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> EthernetFrame<T> {
    /// Sets the destination address.
    pub fn set_dst_addr(&mut self, addr: MacAddr) {
        self.buffer.as_mut()[0..6].copy_from_slice(addr.as_bytes());
    }

    /// Sets the source address.
    pub fn set_src_addr(&mut self, addr: MacAddr) {
        self.buffer.as_mut()[6..12].copy_from_slice(addr.as_bytes());
    }

    /// Sets the EtherType.
    pub fn set_ethertype(&mut self, ethertype: EtherType) {
        self.buffer.as_mut()[12..14].copy_from_slice(&ethertype.0.to_be_bytes());
    }

    /// Everything after the header, writable.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        &mut self.buffer.as_mut()[HEADER_LEN..]
    }
}

/// The fields of an Ethernet II header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EthernetRepr {
    /// The sending station.
    pub src: MacAddr,
    /// The receiving station, or a group address.
    pub dst: MacAddr,
    /// The protocol of the payload.
    pub ethertype: EtherType,
}

impl EthernetRepr {
    /// Reads the header of `frame`, checking its length even if it was made
    /// with [`EthernetFrame::new_unchecked`].
    pub fn parse<T: AsRef<[u8]>>(frame: &EthernetFrame<T>) -> Result<EthernetRepr> {
        let frame = EthernetFrame::new_checked(frame.buffer.as_ref())?;
        Ok(EthernetRepr {
            src: frame.src_addr(),
            dst: frame.dst_addr(),
            ethertype: frame.ethertype(),
        })
    }

    /// Writes the header into `frame`, leaving the payload alone.
    ///
    /// # Panics
    /// If the frame's buffer is shorter than [`HEADER_LEN`].
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, frame: &mut EthernetFrame<T>) {
        frame.set_dst_addr(self.dst);
        frame.set_src_addr(self.src);
        frame.set_ethertype(self.ethertype);
    }
}

/// Builds a whole frame in `buf`: clears it (keeping its capacity, so no
/// allocation when it is already large enough), writes the header from
/// `repr`, hands `fill` exactly `payload_len` zeroed bytes to write the
/// payload into, and zero-pads the frame to [`MIN_FRAME_LEN`].
///
/// Callers guarantee `payload_len <= MTU`.
pub fn build_frame(
    buf: &mut Vec<u8>,
    repr: &EthernetRepr,
    payload_len: usize,
    fill: impl FnOnce(&mut [u8]),
) {
    build_frame_with_data(buf, repr, payload_len, &[], fill);
}

/// Builds a whole frame in `buf` whose payload is `head_len` bytes and then
/// `data`: clears `buf` (keeping its capacity), writes the Ethernet header
/// from `repr`, zeroes the `head_len` bytes, copies `data` after them, and
/// hands `fill` the whole payload to write its headers into; the frame is
/// zero-padded to [`MIN_FRAME_LEN`]. The data is written once, rather than
/// over zeroes first: the same bytes as [`build_frame`] with a `fill` that
/// copies `data` in.
///
/// Callers guarantee `head_len + data.len() <= MTU`.
pub fn build_frame_with_data(
    buf: &mut Vec<u8>,
    repr: &EthernetRepr,
    head_len: usize,
    data: &[u8],
    fill: impl FnOnce(&mut [u8]),
) {
    let payload_len = head_len + data.len();
    debug_assert!(
        payload_len <= MTU,
        "payload of {payload_len} bytes exceeds the MTU"
    );
    buf.clear();
    buf.resize(HEADER_LEN + head_len, 0);
    buf.extend_from_slice(data);
    if buf.len() < MIN_FRAME_LEN {
        buf.resize(MIN_FRAME_LEN, 0);
    }
    repr.emit(&mut EthernetFrame::new_unchecked(&mut buf[..]));
    fill(&mut buf[HEADER_LEN..HEADER_LEN + payload_len]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header of a broadcast ARP request frame and 4 bytes of its payload.
    const FRAME: [u8; 18] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00,
        0x01, 0x08, 0x00,
    ];

    #[test]
    fn reads_fields() {
        let frame = EthernetFrame::new_checked(&FRAME[..]).unwrap();
        assert_eq!(frame.dst_addr(), MacAddr::BROADCAST);
        assert_eq!(frame.src_addr(), MacAddr::local(1));
        assert_eq!(frame.ethertype(), EtherType::ARP);
        assert_eq!(frame.payload(), &[0x00, 0x01, 0x08, 0x00]);
        let repr = EthernetRepr::parse(&frame).unwrap();
        assert_eq!(
            repr,
            EthernetRepr {
                src: MacAddr::local(1),
                dst: MacAddr::BROADCAST,
                ethertype: EtherType::ARP
            }
        );
    }

    #[test]
    fn round_trip() {
        let repr = EthernetRepr::parse(&EthernetFrame::new_unchecked(&FRAME[..])).unwrap();
        let mut out = [0u8; 18];
        out[14..].copy_from_slice(&FRAME[14..]);
        repr.emit(&mut EthernetFrame::new_unchecked(&mut out[..]));
        assert_eq!(out, FRAME);
    }

    #[test]
    fn every_truncation_is_an_error() {
        for len in 0..HEADER_LEN {
            let err = WireError::Truncated {
                layer: "Ethernet",
                needed: 14,
                got: len,
            };
            assert_eq!(EthernetFrame::new_checked(&FRAME[..len]), Err(err.clone()));
            let frame = EthernetFrame::new_unchecked(&FRAME[..len]);
            assert_eq!(EthernetRepr::parse(&frame), Err(err));
        }
        assert!(EthernetFrame::new_checked(&FRAME[..HEADER_LEN]).is_ok());
    }

    #[test]
    fn ethertype_display() {
        assert_eq!(EtherType::IPV4.to_string(), "IPv4");
        assert_eq!(EtherType::ARP.to_string(), "ARP");
        assert_eq!(EtherType(0x86dd).to_string(), "0x86dd");
        assert_eq!(EtherType(0x0042).to_string(), "0x0042");
    }

    /// A frame built around its data is the frame built by copying the data
    /// into a zeroed payload, padding included, from a buffer that held a
    /// longer frame.
    #[test]
    fn frame_with_data_equals_filling_the_zeroed_payload() {
        let repr = EthernetRepr {
            src: MacAddr::local(1),
            dst: MacAddr::local(2),
            ethertype: EtherType::IPV4,
        };
        for (head_len, data_len) in [(0, 0), (8, 3), (20, 25), (28, 18), (52, 1448)] {
            let data: Vec<u8> = (0..data_len).map(|i| (i * 13 + 1) as u8).collect();
            let head = |buf: &mut [u8]| buf[1] = 0x77;
            let mut with_data = vec![0xaa; 2000];
            build_frame_with_data(&mut with_data, &repr, head_len.max(2), &data, head);
            let mut filled = vec![0xbb; 2000];
            build_frame(&mut filled, &repr, head_len.max(2) + data_len, |buf| {
                buf[head_len.max(2)..].copy_from_slice(&data);
                head(buf);
            });
            assert_eq!(with_data, filled, "head {head_len}, data {data_len}");
            assert!(with_data.len() >= MIN_FRAME_LEN);
        }
    }

    #[test]
    fn build_frame_pads_and_reuses_buffer() {
        let repr = EthernetRepr {
            src: MacAddr::local(1),
            dst: MacAddr::local(2),
            ethertype: EtherType::IPV4,
        };
        let mut buf = vec![0xaa; 2000];
        let capacity = buf.capacity();
        let ptr = buf.as_ptr();
        build_frame(&mut buf, &repr, 3, |p| {
            assert_eq!(p, &[0, 0, 0]);
            p.copy_from_slice(&[1, 2, 3]);
        });
        assert_eq!(buf.len(), MIN_FRAME_LEN);
        assert_eq!((buf.capacity(), buf.as_ptr()), (capacity, ptr));
        assert_eq!(&buf[..6], MacAddr::local(2).as_bytes());
        assert_eq!(&buf[6..12], MacAddr::local(1).as_bytes());
        assert_eq!(&buf[12..17], &[0x08, 0x00, 1, 2, 3]);
        assert!(buf[17..].iter().all(|&b| b == 0));

        build_frame(&mut buf, &repr, MTU, |p| {
            assert_eq!(p.len(), MTU);
            p.fill(7);
        });
        assert_eq!(buf.len(), MAX_FRAME_LEN);
        assert_eq!(buf.as_ptr(), ptr);
        assert!(buf[HEADER_LEN..].iter().all(|&b| b == 7));
    }
}
