//! ICMP for IPv4 (RFC 792).
//!
//! ```text
//!  0               1               2               3
//! +---------------+---------------+-------------------------------+
//! |     Type      |     Code      |          Checksum             |
//! +---------------+---------------+-------------------------------+
//! |  echo: Identifier | Sequence Number; unreachable: unused | MTU |
//! +---------------------------------------------------------------+
//! |  echo: data; errors: the invoking datagram's header + 8 bytes |
//! +---------------------------------------------------------------+
//! ```
//!
//! The checksum covers the whole ICMP message (RFC 792, "Checksum").
//! An error message quotes the IP header of the datagram that caused it plus
//! at least its first 64 bits of payload (RFC 792; RFC 1812 §4.3.2.3 allows
//! more), enough for the sender to find the UDP or TCP ports.

use std::fmt;

use super::{checksum, Result, WireError};

/// Bytes in the ICMP header: type, code, checksum and the 4-byte "rest".
pub const HEADER_LEN: usize = 8;

const TYPE_ECHO_REPLY: u8 = 0;
const TYPE_DST_UNREACHABLE: u8 = 3;
const TYPE_ECHO_REQUEST: u8 = 8;
const TYPE_TIME_EXCEEDED: u8 = 11;

/// Why a Destination Unreachable (type 3) was sent: its code (RFC 792,
/// RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DstUnreachable {
    /// 0: no route to the network.
    NetUnreachable,
    /// 1: the last router could not reach the host (ARP got no answer).
    HostUnreachable,
    /// 2: the host does not speak the IP protocol.
    ProtoUnreachable,
    /// 3: nothing listens on the UDP port.
    PortUnreachable,
    /// 4: DF is set but the datagram is larger than the next hop's MTU (RFC 1191).
    FragRequired,
    /// 9: the network is administratively prohibited.
    NetProhibited,
    /// 10: the host is administratively prohibited.
    HostProhibited,
    /// 13: communication administratively prohibited (a filter, RFC 1812).
    AdminProhibited,
    /// Any other code.
    Other(u8),
}

impl DstUnreachable {
    /// The code byte.
    pub fn code(self) -> u8 {
        match self {
            DstUnreachable::NetUnreachable => 0,
            DstUnreachable::HostUnreachable => 1,
            DstUnreachable::ProtoUnreachable => 2,
            DstUnreachable::PortUnreachable => 3,
            DstUnreachable::FragRequired => 4,
            DstUnreachable::NetProhibited => 9,
            DstUnreachable::HostProhibited => 10,
            DstUnreachable::AdminProhibited => 13,
            DstUnreachable::Other(code) => code,
        }
    }

    /// The reason for a code byte.
    pub fn from_code(code: u8) -> DstUnreachable {
        match code {
            0 => DstUnreachable::NetUnreachable,
            1 => DstUnreachable::HostUnreachable,
            2 => DstUnreachable::ProtoUnreachable,
            3 => DstUnreachable::PortUnreachable,
            4 => DstUnreachable::FragRequired,
            9 => DstUnreachable::NetProhibited,
            10 => DstUnreachable::HostProhibited,
            13 => DstUnreachable::AdminProhibited,
            code => DstUnreachable::Other(code),
        }
    }
}

impl fmt::Display for DstUnreachable {
    /// Lower-case words as in a trace: `host unreachable`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DstUnreachable::NetUnreachable => "net unreachable",
            DstUnreachable::HostUnreachable => "host unreachable",
            DstUnreachable::ProtoUnreachable => "protocol unreachable",
            DstUnreachable::PortUnreachable => "port unreachable",
            DstUnreachable::FragRequired => "fragmentation needed",
            DstUnreachable::NetProhibited => "net administratively prohibited",
            DstUnreachable::HostProhibited => "host administratively prohibited",
            DstUnreachable::AdminProhibited => "communication administratively prohibited",
            DstUnreachable::Other(code) => return write!(f, "unreachable code {code}"),
        })
    }
}

/// Why a Time Exceeded (type 11) was sent: its code (RFC 792).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeExceeded {
    /// 0: TTL reached zero in transit.
    TtlExceeded,
    /// 1: the fragments of a datagram did not all arrive in time.
    FragReassembly,
    /// Any other code.
    Other(u8),
}

impl TimeExceeded {
    /// The code byte.
    pub fn code(self) -> u8 {
        match self {
            TimeExceeded::TtlExceeded => 0,
            TimeExceeded::FragReassembly => 1,
            TimeExceeded::Other(code) => code,
        }
    }

    /// The reason for a code byte.
    pub fn from_code(code: u8) -> TimeExceeded {
        match code {
            0 => TimeExceeded::TtlExceeded,
            1 => TimeExceeded::FragReassembly,
            code => TimeExceeded::Other(code),
        }
    }
}

impl fmt::Display for TimeExceeded {
    /// Lower-case words as in a trace: `time to live exceeded`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeExceeded::TtlExceeded => f.write_str("time to live exceeded"),
            TimeExceeded::FragReassembly => f.write_str("fragment reassembly time exceeded"),
            TimeExceeded::Other(code) => write!(f, "time exceeded code {code}"),
        }
    }
}

/// A view of a byte buffer as an ICMP message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IcmpPacket<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> IcmpPacket<T> {
    /// Wraps `buffer` without checking it; accessors panic if it is shorter
    /// than [`HEADER_LEN`].
    pub const fn new_unchecked(buffer: T) -> IcmpPacket<T> {
        IcmpPacket { buffer }
    }

    /// Wraps `buffer` after checking that it holds the 8-byte header.
    pub fn new_checked(buffer: T) -> Result<IcmpPacket<T>> {
        let got = buffer.as_ref().len();
        if got < HEADER_LEN {
            return Err(WireError::Truncated {
                layer: "ICMP",
                needed: HEADER_LEN,
                got,
            });
        }
        Ok(IcmpPacket { buffer })
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn word(&self, at: usize) -> u16 {
        let b = self.buffer.as_ref();
        u16::from_be_bytes([b[at], b[at + 1]])
    }

    /// The Type byte.
    pub fn msg_type(&self) -> u8 {
        self.buffer.as_ref()[0]
    }

    /// The Code byte.
    pub fn msg_code(&self) -> u8 {
        self.buffer.as_ref()[1]
    }

    /// The Checksum field.
    pub fn checksum(&self) -> u16 {
        self.word(2)
    }

    /// Whether the checksum over the whole message is correct.
    pub fn verify_checksum(&self) -> bool {
        checksum::checksum(self.buffer.as_ref()) == 0
    }

    /// The Identifier of an echo request or reply (bytes 4..6).
    pub fn echo_ident(&self) -> u16 {
        self.word(4)
    }

    /// The Sequence Number of an echo request or reply (bytes 6..8).
    pub fn echo_seq_no(&self) -> u16 {
        self.word(6)
    }

    /// The bytes after the 8-byte header: echo data, or the quoted datagram.
    pub fn data(&self) -> &[u8] {
        &self.buffer.as_ref()[HEADER_LEN..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> IcmpPacket<T> {
    /// Computes the checksum over the whole buffer and writes it.
    pub fn fill_checksum(&mut self) {
        self.buffer.as_mut()[2..4].fill(0);
        let value = checksum::checksum(self.buffer.as_ref());
        self.buffer.as_mut()[2..4].copy_from_slice(&value.to_be_bytes());
    }
}

/// An ICMP message, borrowing its data from the buffer it was parsed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IcmpRepr<'a> {
    /// Type 8: please answer (`ping`).
    EchoRequest {
        /// Identifier, chosen by the sender (Linux: the socket's "port").
        ident: u16,
        /// Sequence number.
        seq_no: u16,
        /// Data, to be echoed back unchanged.
        data: &'a [u8],
    },
    /// Type 0: the answer to an echo request.
    EchoReply {
        /// Identifier, copied from the request.
        ident: u16,
        /// Sequence number, copied from the request.
        seq_no: u16,
        /// Data, copied from the request.
        data: &'a [u8],
    },
    /// Type 3: the datagram could not be delivered.
    DstUnreachable {
        /// The code.
        reason: DstUnreachable,
        /// The next hop's MTU for `FragRequired` (RFC 1191 §4), else 0.
        next_hop_mtu: u16,
        /// The invoking datagram's IP header and first payload bytes.
        invoking: &'a [u8],
    },
    /// Type 11: the datagram's time ran out.
    TimeExceeded {
        /// The code.
        reason: TimeExceeded,
        /// The invoking datagram's IP header and first payload bytes.
        invoking: &'a [u8],
    },
    /// Any other type, or an echo with a nonzero code.
    Other {
        /// The Type byte.
        msg_type: u8,
        /// The Code byte.
        code: u8,
        /// Everything after type, code and checksum.
        rest: &'a [u8],
    },
}

impl<'a> IcmpRepr<'a> {
    /// Reads a message, checking its length and checksum.
    pub fn parse(bytes: &'a [u8]) -> Result<IcmpRepr<'a>> {
        let packet = IcmpPacket::new_checked(bytes)?;
        if !packet.verify_checksum() {
            return Err(WireError::Checksum { layer: "ICMP" });
        }
        IcmpRepr::parse_unverified(bytes)
    }

    /// Like [`IcmpRepr::parse`] without the checksum check, for describing
    /// messages whose checksum is wrong or cannot be checked (a fragment).
    pub(crate) fn parse_unverified(bytes: &'a [u8]) -> Result<IcmpRepr<'a>> {
        let packet = IcmpPacket::new_checked(bytes)?;
        let data = bytes.get(HEADER_LEN..).unwrap_or_default();
        Ok(match (packet.msg_type(), packet.msg_code()) {
            (TYPE_ECHO_REQUEST, 0) => IcmpRepr::EchoRequest {
                ident: packet.echo_ident(),
                seq_no: packet.echo_seq_no(),
                data,
            },
            (TYPE_ECHO_REPLY, 0) => IcmpRepr::EchoReply {
                ident: packet.echo_ident(),
                seq_no: packet.echo_seq_no(),
                data,
            },
            (TYPE_DST_UNREACHABLE, code) => IcmpRepr::DstUnreachable {
                reason: DstUnreachable::from_code(code),
                next_hop_mtu: packet.word(6),
                invoking: data,
            },
            (TYPE_TIME_EXCEEDED, code) => IcmpRepr::TimeExceeded {
                reason: TimeExceeded::from_code(code),
                invoking: data,
            },
            (msg_type, code) => IcmpRepr::Other {
                msg_type,
                code,
                rest: bytes.get(4..).unwrap_or_default(),
            },
        })
    }

    /// Bytes [`IcmpRepr::emit`] writes.
    pub fn buffer_len(&self) -> usize {
        match self {
            IcmpRepr::EchoRequest { data, .. } | IcmpRepr::EchoReply { data, .. } => {
                HEADER_LEN + data.len()
            }
            IcmpRepr::DstUnreachable { invoking, .. } | IcmpRepr::TimeExceeded { invoking, .. } => {
                HEADER_LEN + invoking.len()
            }
            IcmpRepr::Other { rest, .. } => 4 + rest.len(),
        }
    }

    /// Writes the message, checksum included, into `buf[..buffer_len()]`.
    ///
    /// # Panics
    /// If `buf` is shorter than [`IcmpRepr::buffer_len`].
    pub fn emit(&self, buf: &mut [u8]) {
        let buf = &mut buf[..self.buffer_len()];
        let (msg_type, code, word1, word2, body) = match *self {
            IcmpRepr::EchoRequest {
                ident,
                seq_no,
                data,
            } => (TYPE_ECHO_REQUEST, 0, ident, seq_no, data),
            IcmpRepr::EchoReply {
                ident,
                seq_no,
                data,
            } => (TYPE_ECHO_REPLY, 0, ident, seq_no, data),
            IcmpRepr::DstUnreachable {
                reason,
                next_hop_mtu,
                invoking,
            } => (
                TYPE_DST_UNREACHABLE,
                reason.code(),
                0,
                next_hop_mtu,
                invoking,
            ),
            IcmpRepr::TimeExceeded { reason, invoking } => {
                (TYPE_TIME_EXCEEDED, reason.code(), 0, 0, invoking)
            }
            IcmpRepr::Other {
                msg_type,
                code,
                rest,
            } => {
                buf[4..].copy_from_slice(rest);
                buf[..4].copy_from_slice(&[msg_type, code, 0, 0]);
                IcmpPacket::new_unchecked(buf).fill_checksum();
                return;
            }
        };
        buf[..4].copy_from_slice(&[msg_type, code, 0, 0]);
        buf[4..6].copy_from_slice(&word1.to_be_bytes());
        buf[6..8].copy_from_slice(&word2.to_be_bytes());
        buf[HEADER_LEN..].copy_from_slice(body);
        IcmpPacket::new_unchecked(buf).fill_checksum();
    }
}

/// How many bytes of an offending datagram an ICMP error quotes: its IP
/// header plus the first 8 bytes of its payload (RFC 792), bounded by its
/// length.
pub fn invoking_len(original_ip_packet: &[u8]) -> usize {
    let header_len = original_ip_packet
        .first()
        .map_or(0, |&b| usize::from(b & 0x0f) * 4);
    (header_len + 8).min(original_ip_packet.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The echo request Windows `ping` sends (id 1, seq 1, 32 bytes of
    /// `abcdefghijklmnopqrstuvwabcdefghi`), with its well-known checksum 0x4d5a.
    const ECHO: [u8; 40] = *b"\x08\x00\x4d\x5a\x00\x01\x00\x01abcdefghijklmnopqrstuvwabcdefghi";

    /// An IPv4/UDP datagram 192.168.1.2:40000 > 192.168.2.9:33434 (traceroute)
    /// carrying 4 bytes, as quoted in an error: header plus 8 bytes of UDP.
    const INVOKING: [u8; 28] = [
        0x45, 0x00, 0x00, 0x20, 0x00, 0x07, 0x00, 0x00, 0x01, 0x11, 0x00, 0x00, 192, 168, 1, 2,
        192, 168, 2, 9, 0x9c, 0x40, 0x82, 0x9a, 0x00, 0x0c, 0x00, 0x00,
    ];

    #[test]
    fn parses_known_echo_request() {
        let packet = IcmpPacket::new_checked(&ECHO[..]).unwrap();
        assert_eq!((packet.msg_type(), packet.msg_code()), (8, 0));
        assert_eq!((packet.echo_ident(), packet.echo_seq_no()), (1, 1));
        assert_eq!(packet.checksum(), 0x4d5a);
        assert!(packet.verify_checksum());
        let repr = IcmpRepr::parse(&ECHO).unwrap();
        assert_eq!(
            repr,
            IcmpRepr::EchoRequest {
                ident: 1,
                seq_no: 1,
                data: b"abcdefghijklmnopqrstuvwabcdefghi"
            }
        );
        let mut out = [0xee; 40];
        repr.emit(&mut out);
        assert_eq!(out, ECHO);
    }

    #[test]
    fn every_truncation_is_an_error() {
        for len in 0..HEADER_LEN {
            assert_eq!(
                IcmpRepr::parse(&ECHO[..len]),
                Err(WireError::Truncated {
                    layer: "ICMP",
                    needed: 8,
                    got: len
                })
            );
        }
        // Longer truncations keep a valid header but break the checksum.
        for len in HEADER_LEN..ECHO.len() {
            assert_eq!(
                IcmpRepr::parse(&ECHO[..len]),
                Err(WireError::Checksum { layer: "ICMP" })
            );
        }
    }

    #[test]
    fn detects_bad_checksum() {
        let mut bytes = ECHO;
        bytes[20] ^= 0x40;
        assert_eq!(
            IcmpRepr::parse(&bytes),
            Err(WireError::Checksum { layer: "ICMP" })
        );
        assert!(!IcmpPacket::new_checked(&bytes[..])
            .unwrap()
            .verify_checksum());
    }

    fn round_trip(repr: IcmpRepr<'_>) -> Vec<u8> {
        let mut buf = vec![0xee; repr.buffer_len()];
        repr.emit(&mut buf);
        assert!(IcmpPacket::new_checked(&buf[..]).unwrap().verify_checksum());
        assert_eq!(IcmpRepr::parse(&buf), Ok(repr));
        buf
    }

    #[test]
    fn round_trips_every_kind() {
        let reply = round_trip(IcmpRepr::EchoReply {
            ident: 0x1234,
            seq_no: 0xffff,
            data: &[],
        });
        assert_eq!(reply, [0, 0, 0xed, 0xcb, 0x12, 0x34, 0xff, 0xff]);
        let unreachable = round_trip(IcmpRepr::DstUnreachable {
            reason: DstUnreachable::FragRequired,
            next_hop_mtu: 1400,
            invoking: &INVOKING,
        });
        assert_eq!(&unreachable[..2], &[3, 4]);
        assert_eq!(&unreachable[4..8], &[0, 0, 0x05, 0x78]);
        assert_eq!(&unreachable[8..], &INVOKING);
        let exceeded = round_trip(IcmpRepr::TimeExceeded {
            reason: TimeExceeded::TtlExceeded,
            invoking: &INVOKING,
        });
        assert_eq!(&exceeded[..2], &[11, 0]);
        assert_eq!(&exceeded[4..8], &[0, 0, 0, 0]);
        round_trip(IcmpRepr::Other {
            msg_type: 13,
            code: 0,
            rest: &[0; 16],
        });
        // An echo with a nonzero code is not an echo.
        round_trip(IcmpRepr::Other {
            msg_type: 8,
            code: 1,
            rest: &[0, 1, 0, 2],
        });
    }

    #[test]
    fn codes_round_trip() {
        for code in 0..=255u8 {
            assert_eq!(DstUnreachable::from_code(code).code(), code);
            assert_eq!(TimeExceeded::from_code(code).code(), code);
        }
        assert_eq!(
            DstUnreachable::from_code(13),
            DstUnreachable::AdminProhibited
        );
        assert_eq!(DstUnreachable::from_code(5), DstUnreachable::Other(5));
        assert_eq!(
            DstUnreachable::HostUnreachable.to_string(),
            "host unreachable"
        );
        assert_eq!(
            DstUnreachable::ProtoUnreachable.to_string(),
            "protocol unreachable"
        );
        assert_eq!(
            DstUnreachable::FragRequired.to_string(),
            "fragmentation needed"
        );
        assert_eq!(
            TimeExceeded::TtlExceeded.to_string(),
            "time to live exceeded"
        );
        assert_eq!(
            TimeExceeded::FragReassembly.to_string(),
            "fragment reassembly time exceeded"
        );
    }

    #[test]
    fn invoking_len_is_header_plus_eight() {
        let mut long = INVOKING.to_vec();
        long.extend_from_slice(&[0; 100]);
        assert_eq!(invoking_len(&long), 28);
        assert_eq!(invoking_len(&INVOKING[..24]), 24);
        assert_eq!(invoking_len(&[]), 0);
        let mut with_options = long.clone();
        with_options[0] = 0x46;
        assert_eq!(invoking_len(&with_options), 32);
    }
}
