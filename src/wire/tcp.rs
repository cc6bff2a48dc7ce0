//! TCP headers (RFC 9293 §3.1).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Source Port          |       Destination Port        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                        Sequence Number                        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                    Acknowledgment Number                      |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Data |       |C|E|U|A|P|R|S|F|                               |
//! | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
//! |       |       |R|E|G|K|H|T|N|N|                               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |           Checksum            |         Urgent Pointer        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                    Options                    |    Padding    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                             data                              |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! Data Offset counts the header in 32-bit words (5 to 15, so 20 to 60
//! bytes). The checksum is the Internet checksum (RFC 1071) of a
//! pseudo-header (source and destination address, a zero byte, protocol 6 and
//! the TCP length: header plus data) followed by the header and the data; a
//! sender must compute it and a receiver must check it (RFC 9293 §3.1,
//! MUST-2, MUST-3). TCP has no length field of its own: a segment is the
//! whole IPv4 payload, so a [`TcpPacket`] is handed exactly those bytes.
//!
//! Options (RFC 9293 §3.1, §3.2) are End of Option List (kind 0, one byte),
//! No-Operation (kind 1, one byte), and kind-length-data triples whose length
//! counts the kind and length bytes:
//!
//! | kind | length | option | where |
//! |---|---|---|---|
//! | 2 | 4 | Maximum Segment Size | RFC 9293 §3.7.1, SYNs only |
//! | 3 | 3 | Window Scale (shift count) | RFC 7323 §2.2, SYNs only |
//! | 4 | 2 | SACK permitted | RFC 2018 §2, SYNs only |
//! | 5 | 2 + 8n | SACK, n = 1 to 4 blocks | RFC 2018 §3 |
//! | 8 | 10 | Timestamps (TSval, TSecr) | RFC 7323 §3.2 |
//!
//! Unknown options are skipped by their length (MUST-5); an illegal
//! length, such as zero, or a known option of the wrong length, is an error
//! (MUST-7). [`TcpRepr::emit`] lays the options out as Linux does
//! (`tcp_options_write`), padded with No-Operations to 32-bit words:
//! `mss, sackOK, TS, nop, wscale` on a SYN (`nop, nop, sackOK` without
//! timestamps), `nop, nop, TS` and `nop, nop, sack` on other segments.

use std::fmt;
use std::net::Ipv4Addr;

use super::checksum;
use super::ipv4::IpProtocol;
use super::{Result, WireError};

/// Bytes in a TCP header without options.
pub const HEADER_LEN: usize = 20;

/// Bytes in the longest TCP header: Data Offset 15 words.
pub const MAX_HEADER_LEN: usize = 60;

/// Option kind: End of Option List.
const KIND_END: u8 = 0;
/// Option kind: No-Operation.
const KIND_NOP: u8 = 1;
/// Option kind: Maximum Segment Size.
const KIND_MSS: u8 = 2;
/// Option kind: Window Scale (RFC 7323 §2.2).
const KIND_WSCALE: u8 = 3;
/// Option kind: SACK permitted (RFC 2018 §2).
const KIND_SACK_PERMITTED: u8 = 4;
/// Option kind: SACK (RFC 2018 §3).
const KIND_SACK: u8 = 5;
/// Option kind: Timestamps (RFC 7323 §3.2).
const KIND_TIMESTAMP: u8 = 8;
/// The length of the MSS option: kind, length and two bytes of size.
const MSS_OPTION_LEN: usize = 4;
/// Bytes a window scale option takes with its leading No-Operation.
const WSCALE_LEN: usize = 4;
/// Bytes of SACK permitted padded to a word (`nop, nop, sackOK`).
const SACK_PERMITTED_LEN: usize = 4;
/// Bytes of the timestamps option with its two leading bytes (`nop, nop`,
/// or SACK permitted on a SYN).
const TIMESTAMP_LEN: usize = 12;
/// Bytes of the options area: 40 (Data Offset at most 15 words).
const MAX_OPTIONS_LEN: usize = MAX_HEADER_LEN - HEADER_LEN;

/// The largest window shift (RFC 7323 §2.3): a larger one received is
/// taken as 14.
pub const MAX_WINDOW_SHIFT: u8 = 14;

/// The control bits in byte 13, as RFC 9293 §3.1 numbers them.
const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const RST: u8 = 0x04;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;
const URG: u8 = 0x20;
const ECE: u8 = 0x40;
const CWR: u8 = 0x80;

/// tcpdump's letter for each control bit, in tcpdump's order
/// (`tcp_flag_values` in its `print-tcp.c`).
const LETTERS: [(u8, char); 8] = [
    (FIN, 'F'),
    (SYN, 'S'),
    (RST, 'R'),
    (PSH, 'P'),
    (ACK, '.'),
    (URG, 'U'),
    (ECE, 'E'),
    (CWR, 'W'),
];

/// The control bits of a segment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TcpFlags {
    /// FIN: no more data from the sender.
    pub fin: bool,
    /// SYN: synchronise sequence numbers.
    pub syn: bool,
    /// RST: reset the connection.
    pub rst: bool,
    /// PSH: push function.
    pub psh: bool,
    /// ACK: the acknowledgment field is significant.
    pub ack: bool,
    /// URG: the urgent pointer is significant (never sent by simnet).
    pub urg: bool,
}

impl TcpFlags {
    /// Reads the control bits of byte 13 of the header. CWR and ECE (RFC
    /// 3168), which simnet does not implement, are dropped.
    pub const fn from_bits(bits: u8) -> TcpFlags {
        TcpFlags {
            fin: bits & FIN != 0,
            syn: bits & SYN != 0,
            rst: bits & RST != 0,
            psh: bits & PSH != 0,
            ack: bits & ACK != 0,
            urg: bits & URG != 0,
        }
    }

    /// The control bits as byte 13 of the header holds them (CWR and ECE
    /// zero).
    pub const fn bits(self) -> u8 {
        let mut bits = 0;
        if self.fin {
            bits |= FIN;
        }
        if self.syn {
            bits |= SYN;
        }
        if self.rst {
            bits |= RST;
        }
        if self.psh {
            bits |= PSH;
        }
        if self.ack {
            bits |= ACK;
        }
        if self.urg {
            bits |= URG;
        }
        bits
    }
}

/// Writes the control bits of byte 13 as tcpdump does: one letter per bit
/// set, `F` `S` `R` `P` `.` (ACK) `U` `E` (ECE) `W` (CWR) in that order, or
/// `none`.
pub(crate) fn write_flag_letters(bits: u8, out: &mut impl fmt::Write) -> fmt::Result {
    if bits == 0 {
        return out.write_str("none");
    }
    for (bit, letter) in LETTERS {
        if bits & bit != 0 {
            out.write_char(letter)?;
        }
    }
    Ok(())
}

impl fmt::Display for TcpFlags {
    /// tcpdump's letters: `S` for a SYN, `S.` for a SYN-ACK, `P.`, `F.`,
    /// `R`, `.` for a bare ACK, `none` when no bit is set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_flag_letters(self.bits(), f)
    }
}

/// The Timestamps option (RFC 7323 §3.2): the sender's clock, and the
/// latest clock value it received from the other side.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TcpTimestamp {
    /// TSval: the sender's timestamp clock when it sent the segment.
    pub val: u32,
    /// TSecr: the TSval it echoes (meaningful when ACK is set).
    pub ecr: u32,
}

/// The blocks of a SACK option (RFC 2018 §3): up to four ranges of
/// sequence numbers received beyond the cumulative ACK, each `[left,
/// right)`, the most recently changed first. Two are equal when they hold
/// the same blocks in the same order.
#[derive(Clone, Copy, Debug, Default)]
pub struct SackBlocks {
    blocks: [(u32, u32); SackBlocks::MAX],
    len: u8,
}

impl PartialEq for SackBlocks {
    fn eq(&self, other: &SackBlocks) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for SackBlocks {}

impl SackBlocks {
    /// The most blocks an option holds: 40 bytes of options fit four.
    pub const MAX: usize = 4;

    /// No blocks.
    pub const fn new() -> SackBlocks {
        SackBlocks {
            blocks: [(0, 0); SackBlocks::MAX],
            len: 0,
        }
    }

    /// Appends the block `[left, right)`; returns `false` (and drops it)
    /// when four are held already.
    pub fn push(&mut self, left: u32, right: u32) -> bool {
        let len = usize::from(self.len);
        if len == SackBlocks::MAX {
            return false;
        }
        self.blocks[len] = (left, right);
        self.len += 1;
        true
    }

    /// The blocks, in order.
    pub fn as_slice(&self) -> &[(u32, u32)] {
        &self.blocks[..usize::from(self.len)]
    }

    /// How many blocks there are.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Only the first `n` blocks.
    pub fn truncate(&mut self, n: usize) {
        self.len = self.len.min(u8::try_from(n).unwrap_or(u8::MAX));
    }
}

/// A TCP segment's header, parsed: what the stack reads and writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpRepr {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Sequence number of the first octet (of the SYN, if set).
    pub seq: u32,
    /// Acknowledgment number (meaningful when `flags.ack`).
    pub ack: u32,
    /// Control bits.
    pub flags: TcpFlags,
    /// The Window field as it stands: the receive window, right-shifted by
    /// the sender's window scale once one is negotiated (never on a SYN).
    pub window: u16,
    /// The Maximum Segment Size option (kind 2), sent only on SYNs.
    pub mss: Option<u16>,
    /// The Window Scale option (kind 3): the shift the sender will apply to
    /// the windows it advertises. Sent only on SYNs.
    pub window_scale: Option<u8>,
    /// The SACK-permitted option (kind 4), sent only on SYNs.
    pub sack_permitted: bool,
    /// The Timestamps option (kind 8).
    pub timestamp: Option<TcpTimestamp>,
    /// The SACK option (kind 5): blocks received beyond `ack`. Those that do
    /// not fit in the 40 bytes of options are left out by
    /// [`TcpRepr::emit`] (three fit beside timestamps, four without).
    pub sack: SackBlocks,
    /// Bytes of data that follow the header.
    pub payload_len: usize,
}

fn truncated(needed: usize, got: usize) -> WireError {
    WireError::Truncated {
        layer: "TCP",
        needed,
        got,
    }
}

fn malformed(reason: &'static str) -> WireError {
    WireError::Malformed {
        layer: "TCP",
        reason,
    }
}

/// The checksum of the pseudo-header and `segment` (header and data, the
/// checksum field as it stands), folded and complemented.
fn segment_checksum(src: Ipv4Addr, dst: Ipv4Addr, segment: &[u8]) -> u16 {
    let length = u16::try_from(segment.len()).unwrap_or(u16::MAX);
    let pseudo = checksum::pseudo_header_sum(src, dst, IpProtocol::TCP.0, length);
    checksum::fold(pseudo + checksum::sum(segment))
}

/// A view of a byte buffer as a TCP segment: the buffer is the whole segment,
/// header and data, as the IPv4 payload (up to Total Length) holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcpPacket<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> TcpPacket<T> {
    /// Wraps `buffer` without checking it; accessors panic if it is shorter
    /// than the header or than Data Offset claims.
    pub const fn new_unchecked(buffer: T) -> TcpPacket<T> {
        TcpPacket { buffer }
    }

    /// Wraps `buffer` after checking that the fixed header is there, that
    /// Data Offset is at least 5 words and that the buffer holds the header
    /// it announces. The options are not read here: see
    /// [`TcpPacket::options_iter`] and [`TcpRepr::parse`].
    pub fn new_checked(buffer: T) -> Result<TcpPacket<T>> {
        let packet = TcpPacket { buffer };
        packet.check_len()?;
        Ok(packet)
    }

    fn check_len(&self) -> Result<()> {
        let got = self.buffer.as_ref().len();
        if got < HEADER_LEN {
            return Err(truncated(HEADER_LEN, got));
        }
        let header_len = self.header_len();
        if header_len < HEADER_LEN {
            return Err(malformed("data offset is below 5 words"));
        }
        if header_len > got {
            return Err(truncated(header_len, got));
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

    fn dword(&self, at: usize) -> u32 {
        let b = self.buffer.as_ref();
        u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
    }

    /// The Source Port.
    pub fn src_port(&self) -> u16 {
        self.word(0)
    }

    /// The Destination Port.
    pub fn dst_port(&self) -> u16 {
        self.word(2)
    }

    /// The Sequence Number: of the first data octet, or of the SYN when SYN
    /// is set (the first data octet is then this plus one).
    pub fn seq_number(&self) -> u32 {
        self.dword(4)
    }

    /// The Acknowledgment Number: the next sequence number the sender
    /// expects, meaningful only when ACK is set.
    pub fn ack_number(&self) -> u32 {
        self.dword(8)
    }

    /// Data Offset: the header length in 32-bit words.
    pub fn data_offset(&self) -> u8 {
        self.buffer.as_ref()[12] >> 4
    }

    /// The header length in bytes (Data Offset × 4), options included.
    pub fn header_len(&self) -> usize {
        usize::from(self.data_offset()) * 4
    }

    /// The control bits byte (byte 13) as it stands, CWR and ECE included.
    pub fn flag_bits(&self) -> u8 {
        self.buffer.as_ref()[13]
    }

    /// The control bits simnet knows (CWR and ECE are ignored).
    pub fn flags(&self) -> TcpFlags {
        TcpFlags::from_bits(self.flag_bits())
    }

    /// The Window: how many octets, from the acknowledged one, the sender
    /// will accept.
    pub fn window(&self) -> u16 {
        self.word(14)
    }

    /// The Checksum field.
    pub fn checksum(&self) -> u16 {
        self.word(16)
    }

    /// The Urgent Pointer, meaningful only when URG is set.
    pub fn urgent_pointer(&self) -> u16 {
        self.word(18)
    }

    /// The options and their padding: from byte 20 to the end of the header.
    pub fn options(&self) -> &[u8] {
        &self.buffer.as_ref()[HEADER_LEN..self.header_len()]
    }

    /// The options, one by one (see [`TcpOptions`]).
    pub fn options_iter(&self) -> TcpOptions<'_> {
        TcpOptions::new(self.options())
    }

    /// The data: from the end of the header to the end of the buffer.
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[self.header_len()..]
    }

    /// Whether the checksum is correct for a segment from `src` to `dst`:
    /// the pseudo-header, the header and the data sum to `0xffff`.
    pub fn verify_checksum(&self, src: Ipv4Addr, dst: Ipv4Addr) -> bool {
        segment_checksum(src, dst, self.buffer.as_ref()) == 0
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> TcpPacket<T> {
    fn set_word(&mut self, at: usize, value: u16) {
        self.buffer.as_mut()[at..at + 2].copy_from_slice(&value.to_be_bytes());
    }

    fn set_dword(&mut self, at: usize, value: u32) {
        self.buffer.as_mut()[at..at + 4].copy_from_slice(&value.to_be_bytes());
    }

    /// Sets the Source Port.
    pub fn set_src_port(&mut self, port: u16) {
        self.set_word(0, port);
    }

    /// Sets the Destination Port.
    pub fn set_dst_port(&mut self, port: u16) {
        self.set_word(2, port);
    }

    /// Sets the Sequence Number.
    pub fn set_seq_number(&mut self, seq: u32) {
        self.set_dword(4, seq);
    }

    /// Sets the Acknowledgment Number.
    pub fn set_ack_number(&mut self, ack: u32) {
        self.set_dword(8, ack);
    }

    /// Sets Data Offset to `len` bytes, a multiple of 4 from 20 to 60; the
    /// four reserved bits after it are cleared.
    pub fn set_header_len(&mut self, len: usize) {
        debug_assert!(len % 4 == 0 && (HEADER_LEN..=MAX_HEADER_LEN).contains(&len));
        // At most 15 words: the value fits the four high bits.
        let words = (len / 4).min(15) as u8;
        self.buffer.as_mut()[12] = words << 4;
    }

    /// Sets the control bits byte to `flags`; CWR and ECE are cleared.
    pub fn set_flags(&mut self, flags: TcpFlags) {
        self.buffer.as_mut()[13] = flags.bits();
    }

    /// Sets the Window.
    pub fn set_window(&mut self, window: u16) {
        self.set_word(14, window);
    }

    /// Sets the Checksum field.
    pub fn set_checksum(&mut self, value: u16) {
        self.set_word(16, value);
    }

    /// Sets the Urgent Pointer.
    pub fn set_urgent_pointer(&mut self, value: u16) {
        self.set_word(18, value);
    }

    /// The options and their padding, writable.
    pub fn options_mut(&mut self) -> &mut [u8] {
        let end = self.header_len();
        &mut self.buffer.as_mut()[HEADER_LEN..end]
    }

    /// The data, writable.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let start = self.header_len();
        &mut self.buffer.as_mut()[start..]
    }

    /// Computes the checksum over the pseudo-header for `src` > `dst`, the
    /// header and the data (the whole buffer), and writes it.
    pub fn fill_checksum(&mut self, src: Ipv4Addr, dst: Ipv4Addr) {
        self.set_checksum(0);
        let value = segment_checksum(src, dst, self.buffer.as_ref());
        self.set_checksum(value);
    }
}

/// One option of a TCP header (RFC 9293 §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpOption<'a> {
    /// End of Option List (kind 0): what follows is padding.
    End,
    /// No-Operation (kind 1), used to align the next option.
    Nop,
    /// Maximum Segment Size (kind 2, length 4): the largest segment data
    /// the sender can receive.
    Mss(u16),
    /// Window Scale (kind 3, length 3): the shift count (RFC 7323 §2.2).
    WindowScale(u8),
    /// SACK permitted (kind 4, length 2, RFC 2018 §2).
    SackPermitted,
    /// SACK (kind 5, length 2 + 8n): n blocks (RFC 2018 §3).
    Sack(SackBlocks),
    /// Timestamps (kind 8, length 10, RFC 7323 §3.2).
    Timestamp(TcpTimestamp),
    /// Any other option, skipped by its length.
    Unknown {
        /// The option kind.
        kind: u8,
        /// The bytes after kind and length.
        data: &'a [u8],
    },
}

/// The options of a header, in order: an iterator of
/// `Result<TcpOption>` that ends after [`TcpOption::End`], at the end of the
/// bytes, or after the first error (a length below 2, an option running past
/// the header, a known option of the wrong length).
#[derive(Clone, Debug)]
pub struct TcpOptions<'a> {
    rest: &'a [u8],
}

impl<'a> TcpOptions<'a> {
    /// Iterates over the options in `bytes`, the header from byte 20 on.
    pub const fn new(bytes: &'a [u8]) -> TcpOptions<'a> {
        TcpOptions { rest: bytes }
    }

    fn next_option(&mut self) -> Result<TcpOption<'a>> {
        match *self.rest {
            [] => Err(malformed("option runs past the header")),
            [KIND_END, ..] => {
                self.rest = &[];
                Ok(TcpOption::End)
            }
            [KIND_NOP, ref rest @ ..] => {
                self.rest = rest;
                Ok(TcpOption::Nop)
            }
            [_] => Err(malformed("option runs past the header")),
            [kind, len, ..] => {
                let len = usize::from(len);
                if len < 2 {
                    return Err(malformed("option length is below 2"));
                }
                let Some(option) = self.rest.get(..len) else {
                    return Err(malformed("option runs past the header"));
                };
                self.rest = &self.rest[len..];
                let data = &option[2..];
                known_option(kind, data)
            }
        }
    }
}

/// The option of `kind` whose bytes after kind and length are `data`.
fn known_option(kind: u8, data: &[u8]) -> Result<TcpOption<'_>> {
    match (kind, data) {
        (KIND_MSS, &[hi, lo]) => Ok(TcpOption::Mss(u16::from_be_bytes([hi, lo]))),
        (KIND_MSS, _) => Err(malformed("MSS option length is not 4")),
        (KIND_WSCALE, &[shift]) => Ok(TcpOption::WindowScale(shift)),
        (KIND_WSCALE, _) => Err(malformed("window scale option length is not 3")),
        (KIND_SACK_PERMITTED, []) => Ok(TcpOption::SackPermitted),
        (KIND_SACK_PERMITTED, _) => Err(malformed("SACK-permitted option length is not 2")),
        (KIND_SACK, _) => {
            if data.is_empty() || data.len() % 8 != 0 || data.len() > 8 * SackBlocks::MAX {
                return Err(malformed("SACK option length is not 2 + 8n, n from 1 to 4"));
            }
            let mut blocks = SackBlocks::new();
            for block in data.chunks_exact(8) {
                let left = u32::from_be_bytes([block[0], block[1], block[2], block[3]]);
                let right = u32::from_be_bytes([block[4], block[5], block[6], block[7]]);
                blocks.push(left, right);
            }
            Ok(TcpOption::Sack(blocks))
        }
        (KIND_TIMESTAMP, &[a, b, c, d, e, f, g, h]) => Ok(TcpOption::Timestamp(TcpTimestamp {
            val: u32::from_be_bytes([a, b, c, d]),
            ecr: u32::from_be_bytes([e, f, g, h]),
        })),
        (KIND_TIMESTAMP, _) => Err(malformed("timestamps option length is not 10")),
        _ => Ok(TcpOption::Unknown { kind, data }),
    }
}

impl<'a> Iterator for TcpOptions<'a> {
    type Item = Result<TcpOption<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let option = self.next_option();
        if option.is_err() {
            self.rest = &[];
        }
        Some(option)
    }
}

impl TcpRepr {
    /// Reads the header of `packet`, a segment from `src` to `dst`, checking
    /// its lengths, its checksum (RFC 9293 §3.1, MUST-3: a segment with a
    /// bad checksum is discarded) and its options. Each option field holds
    /// the last such option present; unknown options are skipped. CWR and
    /// ECE are ignored.
    pub fn parse<T: AsRef<[u8]>>(
        packet: &TcpPacket<T>,
        src: Ipv4Addr,
        dst: Ipv4Addr,
    ) -> Result<TcpRepr> {
        packet.check_len()?;
        if !packet.verify_checksum(src, dst) {
            return Err(WireError::Checksum { layer: "TCP" });
        }
        TcpRepr::parse_fields(packet)
    }

    /// [`TcpRepr::parse`] without the checksum, for bytes known to be those
    /// their sender checksummed: what a NIC's receive checksum offload hands
    /// a stack (Linux's `CHECKSUM_UNNECESSARY`). Lengths and options are
    /// checked as by `parse`.
    pub fn parse_intact<T: AsRef<[u8]>>(packet: &TcpPacket<T>) -> Result<TcpRepr> {
        packet.check_len()?;
        TcpRepr::parse_fields(packet)
    }

    /// The header fields and options of a segment whose lengths are checked.
    fn parse_fields<T: AsRef<[u8]>>(packet: &TcpPacket<T>) -> Result<TcpRepr> {
        let mut repr = TcpRepr {
            src_port: packet.src_port(),
            dst_port: packet.dst_port(),
            seq: packet.seq_number(),
            ack: packet.ack_number(),
            flags: packet.flags(),
            window: packet.window(),
            payload_len: packet.payload().len(),
            ..TcpRepr::default()
        };
        // The options of nearly every segment once a connection is open
        // with timestamps: NOP, NOP, TS (RFC 7323 Appendix A's layout, the
        // one Linux sends), read without walking them.
        if let &[1, 1, KIND_TIMESTAMP, 10, a, b, c, d, e, f, g, h] = packet.options() {
            repr.timestamp = Some(TcpTimestamp {
                val: u32::from_be_bytes([a, b, c, d]),
                ecr: u32::from_be_bytes([e, f, g, h]),
            });
            return Ok(repr);
        }
        for option in packet.options_iter() {
            match option? {
                TcpOption::Mss(value) => repr.mss = Some(value),
                TcpOption::WindowScale(shift) => repr.window_scale = Some(shift),
                TcpOption::SackPermitted => repr.sack_permitted = true,
                TcpOption::Sack(blocks) => repr.sack = blocks,
                TcpOption::Timestamp(ts) => repr.timestamp = Some(ts),
                TcpOption::End | TcpOption::Nop | TcpOption::Unknown { .. } => {}
            }
        }
        Ok(repr)
    }

    /// Bytes the options take before any SACK blocks: the MSS, timestamps
    /// (with SACK permitted riding in their padding), SACK permitted alone,
    /// and window scale, as [`TcpRepr::emit`] lays them out.
    const fn fixed_options_len(&self) -> usize {
        let mut len = 0;
        if self.mss.is_some() {
            len += MSS_OPTION_LEN;
        }
        if self.timestamp.is_some() {
            len += TIMESTAMP_LEN;
        } else if self.sack_permitted {
            len += SACK_PERMITTED_LEN;
        }
        if self.window_scale.is_some() {
            len += WSCALE_LEN;
        }
        len
    }

    /// How many of the SACK blocks [`TcpRepr::emit`] writes: those that fit
    /// in the options area after the other options.
    pub fn sack_blocks_sent(&self) -> usize {
        let room = MAX_OPTIONS_LEN.saturating_sub(self.fixed_options_len() + 4) / 8;
        self.sack.len().min(room)
    }

    /// Bytes of header: [`HEADER_LEN`] plus the options, padded to 32-bit
    /// words (the MSS 4, timestamps 12, SACK permitted 4 without
    /// timestamps, window scale 4, SACK 4 + 8 per block).
    pub fn header_len(&self) -> usize {
        let blocks = self.sack_blocks_sent();
        let sack = if blocks > 0 { 4 + 8 * blocks } else { 0 };
        HEADER_LEN + self.fixed_options_len() + sack
    }

    /// Header plus data: the TCP length of the pseudo-header, and the IPv4
    /// payload length.
    pub fn buffer_len(&self) -> usize {
        self.header_len() + self.payload_len
    }

    /// Writes the header into `buf[..header_len]`: the fields, Data Offset,
    /// the options that are set (laid out as the module documentation
    /// says), an Urgent Pointer of zero, and
    /// the checksum over the pseudo-header for `src` > `dst`, the header and
    /// the data. The caller writes the data into
    /// `buf[header_len..header_len + payload_len]` *first*, as the checksum
    /// covers it; bytes after [`TcpRepr::buffer_len`] are left alone.
    ///
    /// # Panics
    /// If `buf` is shorter than [`TcpRepr::buffer_len`].
    pub fn emit(&self, buf: &mut [u8], src: Ipv4Addr, dst: Ipv4Addr) {
        debug_assert!(self.buffer_len() <= usize::from(u16::MAX));
        let header_len = self.header_len();
        let segment = &mut buf[..self.buffer_len()];
        // The header is laid out in a local array and summed word by word as
        // it is laid out, rather than read back from the bytes just written:
        // the same checksum (RFC 9293 section 3.1), without loads that wait
        // on the stores before them. Only the data is read.
        let mut header = [0u8; MAX_HEADER_LEN];
        let mut words = Words {
            out: &mut header,
            at: 0,
            sum: 0,
        };
        let [p0, p1] = self.src_port.to_be_bytes();
        let [p2, p3] = self.dst_port.to_be_bytes();
        words.put(&[p0, p1, p2, p3]);
        words.put(&self.seq.to_be_bytes());
        words.put(&self.ack.to_be_bytes());
        // At most 15 words: the value fits the four high bits.
        let offset = ((header_len / 4).min(15) as u8) << 4;
        let [w0, w1] = self.window.to_be_bytes();
        words.put(&[offset, self.flags.bits(), w0, w1]);
        // The checksum, zero while summing, and an Urgent Pointer of zero.
        words.put(&[0, 0, 0, 0]);
        self.write_options(&mut words);
        debug_assert_eq!(words.at, header_len);
        let length = u16::try_from(segment.len()).unwrap_or(u16::MAX);
        let pseudo = checksum::pseudo_header_sum(src, dst, IpProtocol::TCP.0, length);
        let data = checksum::sum(&segment[header_len..]);
        let value = checksum::fold(pseudo + words.sum + data);
        header[16..18].copy_from_slice(&value.to_be_bytes());
        segment[..header_len].copy_from_slice(&header[..header_len]);
    }

    /// Lays the options out after the fixed header as Linux's
    /// `tcp_options_write` does.
    fn write_options(&self, out: &mut Words<'_>) {
        if let Some(mss) = self.mss {
            let [hi, lo] = mss.to_be_bytes();
            out.put(&[KIND_MSS, MSS_OPTION_LEN as u8, hi, lo]);
        }
        if let Some(ts) = self.timestamp {
            if self.sack_permitted {
                out.put(&[KIND_SACK_PERMITTED, 2]);
            } else {
                out.put(&[KIND_NOP, KIND_NOP]);
            }
            out.put(&[KIND_TIMESTAMP, 10]);
            out.put(&ts.val.to_be_bytes());
            out.put(&ts.ecr.to_be_bytes());
        } else if self.sack_permitted {
            out.put(&[KIND_NOP, KIND_NOP, KIND_SACK_PERMITTED, 2]);
        }
        if let Some(shift) = self.window_scale {
            out.put(&[KIND_NOP, KIND_WSCALE, 3, shift]);
        }
        let blocks = self.sack_blocks_sent();
        if blocks > 0 {
            // At most 4 blocks: 2 + 32 fits a byte.
            out.put(&[KIND_NOP, KIND_NOP, KIND_SACK, (2 + 8 * blocks) as u8]);
            for &(left, right) in &self.sack.as_slice()[..blocks] {
                out.put(&left.to_be_bytes());
                out.put(&right.to_be_bytes());
            }
        }
    }
}

/// A TCP header being laid out: bytes written in order, each piece a whole
/// number of 16-bit words at an even offset, their big-endian sum kept as
/// they are written.
struct Words<'a> {
    out: &'a mut [u8; MAX_HEADER_LEN],
    at: usize,
    sum: u32,
}

impl Words<'_> {
    /// Writes `bytes` (an even number of them) next and adds their words
    /// to the sum.
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        debug_assert!(bytes.len() % 2 == 0);
        self.out[self.at..self.at + bytes.len()].copy_from_slice(bytes);
        self.at += bytes.len();
        for word in bytes.chunks_exact(2) {
            self.sum += u32::from(u16::from_be_bytes([word[0], word[1]]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 2);
    const DST: Ipv4Addr = Ipv4Addr::new(192, 168, 2, 2);

    /// 192.168.1.2:49152 > 192.168.2.2:8998, SYN, seq 1000, window 64240,
    /// MSS 1460, no data. The checksum, by hand:
    ///
    /// ```text
    /// pseudo-header  c0a8 + 0102 + c0a8 + 0202 + 0006 + 0018     = 1_8472
    /// header         c000 + 2326 + 0000 + 03e8 + 0000 + 0000
    ///                + 6002 + faf0 (+ checksum 0000) + 0000       = 2_4200
    /// options        0204 + 05b4                                  =    07b8
    /// total          1_8472 + 2_4200 + 07b8 = 3_ce2a; folded ce2a + 3 = ce2d
    /// checksum       !ce2d = 31d2
    /// ```
    const SYN_SEGMENT: [u8; 24] = [
        0xc0, 0x00, 0x23, 0x26, // ports 49152 > 8998
        0x00, 0x00, 0x03, 0xe8, // seq 1000
        0x00, 0x00, 0x00, 0x00, // ack 0
        0x60, 0x02, 0xfa, 0xf0, // offset 6 words, SYN, window 64240
        0x31, 0xd2, 0x00, 0x00, // checksum, urgent pointer
        0x02, 0x04, 0x05, 0xb4, // MSS 1460
    ];

    fn syn() -> TcpRepr {
        TcpRepr {
            src_port: 49152,
            dst_port: 8998,
            seq: 1000,
            ack: 0,
            flags: TcpFlags {
                syn: true,
                ..TcpFlags::default()
            },
            window: 64240,
            mss: Some(1460),
            payload_len: 0,
            ..TcpRepr::default()
        }
    }

    fn data_segment(len: usize) -> TcpRepr {
        TcpRepr {
            src_port: 8998,
            dst_port: 49152,
            seq: 0xffff_fff0,
            ack: 1001,
            flags: TcpFlags {
                psh: true,
                ack: true,
                ..TcpFlags::default()
            },
            window: 65535,
            mss: None,
            payload_len: len,
            ..TcpRepr::default()
        }
    }

    /// `repr` emitted with `data` after its header.
    fn emitted(repr: &TcpRepr, data: &[u8]) -> Vec<u8> {
        let mut buf = vec![0u8; repr.buffer_len()];
        buf[repr.header_len()..].copy_from_slice(data);
        repr.emit(&mut buf, SRC, DST);
        buf
    }

    #[test]
    fn reads_hand_checked_syn() {
        let p = TcpPacket::new_checked(&SYN_SEGMENT[..]).unwrap();
        assert_eq!((p.src_port(), p.dst_port()), (49152, 8998));
        assert_eq!((p.seq_number(), p.ack_number()), (1000, 0));
        assert_eq!((p.data_offset(), p.header_len()), (6, 24));
        assert_eq!(p.flag_bits(), 0x02);
        assert_eq!(p.flags(), syn().flags);
        assert_eq!(
            (p.window(), p.checksum(), p.urgent_pointer()),
            (64240, 0x31d2, 0)
        );
        assert_eq!(p.options(), &[2, 4, 0x05, 0xb4]);
        assert_eq!(
            p.options_iter().collect::<Vec<_>>(),
            [Ok(TcpOption::Mss(1460))]
        );
        assert_eq!(p.payload(), b"");
        assert!(p.verify_checksum(SRC, DST));
        assert_eq!(TcpRepr::parse(&p, SRC, DST), Ok(syn()));
        // The pseudo-header matters: the same bytes between other hosts fail.
        assert!(!p.verify_checksum(SRC, Ipv4Addr::new(192, 168, 2, 3)));
        // Swapping them does not: the sum is commutative (RFC 1071 §2(B)).
        assert!(p.verify_checksum(DST, SRC));
    }

    #[test]
    fn emits_hand_checked_syn() {
        let mut buf = [0xee; 26];
        syn().emit(&mut buf, SRC, DST);
        assert_eq!(buf[..24], SYN_SEGMENT);
        assert_eq!(
            buf[24..],
            [0xee, 0xee],
            "bytes after the segment are left alone"
        );
        assert_eq!((syn().header_len(), syn().buffer_len()), (24, 24));
    }

    #[test]
    fn round_trips_with_and_without_mss_and_data() {
        let data: Vec<u8> = (0..1460).map(|i| (i * 7 + 3) as u8).collect();
        let cases = [
            (syn(), 0),
            (
                TcpRepr {
                    payload_len: 5,
                    ..syn()
                },
                5,
            ),
            (data_segment(0), 0),
            (data_segment(1), 1),
            (data_segment(1460), 1460),
            (
                TcpRepr {
                    flags: TcpFlags {
                        fin: true,
                        syn: true,
                        rst: true,
                        psh: true,
                        ack: true,
                        urg: true,
                    },
                    mss: Some(0),
                    ..data_segment(3)
                },
                3,
            ),
        ];
        for (repr, len) in cases {
            let buf = emitted(&repr, &data[..len]);
            assert_eq!(buf.len(), repr.header_len() + len);
            let p = TcpPacket::new_checked(&buf[..]).unwrap();
            assert_eq!(p.payload(), &data[..len]);
            assert_eq!(p.header_len(), repr.header_len());
            assert_eq!(TcpRepr::parse(&p, SRC, DST), Ok(repr), "{repr:?}");
        }
        assert_eq!(data_segment(7).header_len(), 20);
        assert_eq!(data_segment(7).buffer_len(), 27);
    }

    #[test]
    fn agrees_with_etherparse_checksum() {
        for len in [0usize, 1, 2, 3, 536, 1460, 65_000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 13 + 1) as u8).collect();
            for repr in [
                data_segment(len),
                TcpRepr {
                    payload_len: len,
                    ..syn()
                },
            ] {
                let buf = emitted(&repr, &data);
                let theirs = etherparse::TcpSlice::from_slice(&buf)
                    .unwrap()
                    .calc_checksum_ipv4(SRC.octets(), DST.octets())
                    .unwrap();
                let p = TcpPacket::new_checked(&buf[..]).unwrap();
                assert_eq!(p.checksum(), theirs, "len {len}");
                assert_eq!(TcpRepr::parse(&p, SRC, DST), Ok(repr));
            }
        }
    }

    #[test]
    fn every_truncation_is_an_error() {
        for len in 0..24 {
            let err = TcpPacket::new_checked(&SYN_SEGMENT[..len]).unwrap_err();
            let needed = if len < 20 { 20 } else { 24 };
            assert_eq!(err, truncated(needed, len), "{len}");
            let unchecked = TcpPacket::new_unchecked(&SYN_SEGMENT[..len]);
            assert_eq!(TcpRepr::parse(&unchecked, SRC, DST), Err(err));
        }
    }

    #[test]
    fn rejects_data_offset_below_5_and_past_the_buffer() {
        for words in 0..5u8 {
            let mut bytes = SYN_SEGMENT;
            bytes[12] = words << 4;
            assert_eq!(
                TcpPacket::new_checked(&bytes[..]).unwrap_err(),
                malformed("data offset is below 5 words"),
                "{words}"
            );
        }
        for words in 7..16u8 {
            let mut bytes = SYN_SEGMENT;
            bytes[12] = words << 4;
            assert_eq!(
                TcpPacket::new_checked(&bytes[..]).unwrap_err(),
                truncated(usize::from(words) * 4, 24)
            );
        }
        // Offset 5 on the same bytes: the MSS option becomes four bytes of data.
        let mut bytes = SYN_SEGMENT;
        bytes[12] = 0x50;
        let mut p = TcpPacket::new_checked(&mut bytes[..]).unwrap();
        p.fill_checksum(SRC, DST);
        assert_eq!(p.payload(), &[2, 4, 0x05, 0xb4]);
        let repr = TcpRepr::parse(&p, SRC, DST).unwrap();
        assert_eq!((repr.mss, repr.payload_len), (None, 4));
    }

    /// A 20-byte header with `options` after it (a multiple of 4 bytes),
    /// Data Offset set to cover them, and a valid checksum.
    fn with_options(options: &[u8]) -> Vec<u8> {
        let repr = TcpRepr { mss: None, ..syn() };
        let mut buf = vec![0; HEADER_LEN + options.len()];
        repr.emit(&mut buf, SRC, DST);
        let mut p = TcpPacket::new_unchecked(&mut buf[..]);
        p.set_header_len(HEADER_LEN + options.len());
        p.options_mut().copy_from_slice(options);
        p.fill_checksum(SRC, DST);
        buf
    }

    fn parse(bytes: &[u8]) -> Result<TcpRepr> {
        TcpRepr::parse(&TcpPacket::new_checked(bytes)?, SRC, DST)
    }

    #[test]
    fn known_options_are_read_and_unknown_ones_skipped() {
        // nop, wscale 7, sackOK, nop, nop, MSS 1400, timestamps, kind 253,
        // end, padding.
        let options = [
            1, 3, 3, 7, 4, 2, 1, 1, 2, 4, 0x05, 0x78, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 253, 3, 9, 0,
        ];
        let mut padded = options.to_vec();
        padded.resize(28, 0);
        let buf = with_options(&padded);
        let p = TcpPacket::new_checked(&buf[..]).unwrap();
        let all: Vec<_> = p.options_iter().map(|o| o.unwrap()).collect();
        let ts = TcpTimestamp { val: 1, ecr: 2 };
        assert_eq!(
            all,
            [
                TcpOption::Nop,
                TcpOption::WindowScale(7),
                TcpOption::SackPermitted,
                TcpOption::Nop,
                TcpOption::Nop,
                TcpOption::Mss(1400),
                TcpOption::Timestamp(ts),
                TcpOption::Unknown {
                    kind: 253,
                    data: &[9]
                },
                TcpOption::End,
            ]
        );
        let repr = parse(&buf).unwrap();
        assert_eq!(repr.mss, Some(1400));
        assert_eq!(repr.window_scale, Some(7));
        assert!(repr.sack_permitted);
        assert_eq!(repr.timestamp, Some(ts));
        assert!(repr.sack.is_empty());
        // After End, anything is padding, even bytes that would be malformed.
        let buf = with_options(&[0, 0xff, 0, 9]);
        assert_eq!(parse(&buf).unwrap().mss, None);
        // Without any option, every field stays empty.
        let buf = with_options(&[1, 1, 1, 1]);
        assert_eq!(parse(&buf).unwrap(), TcpRepr { mss: None, ..syn() });
        // SACK blocks, one to four.
        for n in 1..=4u8 {
            let mut options = vec![1, 1, 5, 2 + 8 * n];
            for i in 0..u32::from(n) {
                options.extend_from_slice(&(1000 + 2000 * i).to_be_bytes());
                options.extend_from_slice(&(2000 + 2000 * i).to_be_bytes());
            }
            let repr = parse(&with_options(&options)).unwrap();
            let want: Vec<(u32, u32)> = (0..u32::from(n))
                .map(|i| (1000 + 2000 * i, 2000 + 2000 * i))
                .collect();
            assert_eq!(repr.sack.as_slice(), &want[..]);
        }
    }

    /// Linux's SYN, as tcpdump shows it: `<mss 1460,sackOK,TS val 3 ecr
    /// 0,nop,wscale 7>`, 20 bytes of options.
    #[test]
    fn emits_options_in_linux_order() {
        let linux_syn = TcpRepr {
            window_scale: Some(7),
            sack_permitted: true,
            timestamp: Some(TcpTimestamp { val: 3, ecr: 0 }),
            ..syn()
        };
        let buf = emitted(&linux_syn, &[]);
        assert_eq!(linux_syn.header_len(), 40);
        assert_eq!(
            &buf[20..],
            &[2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 3, 0, 0, 0, 0, 1, 3, 3, 7]
        );
        assert_eq!(parse(&buf), Ok(linux_syn));
        // Without timestamps, SACK permitted is padded by two nops.
        let no_ts = TcpRepr {
            timestamp: None,
            ..linux_syn
        };
        let buf = emitted(&no_ts, &[]);
        assert_eq!(&buf[20..], &[2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7]);
        assert_eq!(parse(&buf), Ok(no_ts));
        // A data segment: nop, nop, TS, then nop, nop, SACK.
        let mut sack = SackBlocks::new();
        sack.push(3000, 4448);
        let data = TcpRepr {
            timestamp: Some(TcpTimestamp { val: 9, ecr: 8 }),
            sack,
            ..data_segment(10)
        };
        let buf = emitted(&data, &[7; 10]);
        assert_eq!(data.header_len(), 20 + 12 + 12);
        assert_eq!(
            &buf[20..44],
            &[
                1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 8, 1, 1, 5, 10, 0, 0, 0x0b, 0xb8, 0, 0, 0x11,
                0x60
            ]
        );
        assert_eq!(parse(&buf), Ok(data));
    }

    /// The checksum `emit` sums as it lays the header out equals the one
    /// [`TcpPacket::fill_checksum`] reads back from the bytes, for every mix
    /// of options and fields that carry.
    #[test]
    fn emitted_checksum_equals_summing_the_bytes() {
        let mut next = crate::wire::test_words::words(5);
        for options in 0..32u32 {
            for _ in 0..40 {
                let mut sack = SackBlocks::new();
                for _ in 0..(options >> 3) * 2 {
                    sack.push(next(), next());
                }
                let r = TcpRepr {
                    src_port: next() as u16,
                    dst_port: next() as u16 | 0xff00,
                    seq: next(),
                    ack: next() | 0xffff_0000,
                    flags: TcpFlags::from_bits(next() as u8),
                    window: next() as u16,
                    mss: (options & 1 == 1).then(|| next() as u16),
                    window_scale: (options & 2 == 2).then(|| next() as u8 % 15),
                    sack_permitted: options & 4 == 4,
                    timestamp: (options & 8 == 8).then(|| TcpTimestamp {
                        val: next(),
                        ecr: next(),
                    }),
                    sack,
                    payload_len: (next() % 1500) as usize,
                };
                let (src, dst) = (Ipv4Addr::from(next()), Ipv4Addr::from(next()));
                let mut buf: Vec<u8> = (0..r.buffer_len()).map(|_| next() as u8).collect();
                r.emit(&mut buf, src, dst);
                let mut recomputed = buf.clone();
                TcpPacket::new_unchecked(&mut recomputed[..]).fill_checksum(src, dst);
                assert_eq!(buf, recomputed, "{r:?}");
            }
        }
    }

    #[test]
    fn sack_blocks_that_do_not_fit_are_left_out() {
        let mut sack = SackBlocks::new();
        for i in 0..4 {
            assert!(sack.push(i * 100, i * 100 + 50));
        }
        assert!(!sack.push(1, 2), "a fifth block is refused");
        // Four fit without timestamps: 4 + 32 bytes.
        let four = TcpRepr {
            sack,
            ..data_segment(0)
        };
        assert_eq!((four.sack_blocks_sent(), four.header_len()), (4, 56));
        assert_eq!(parse(&emitted(&four, &[])), Ok(four));
        // Beside timestamps, three: 12 + 4 + 24 = 40 bytes.
        let three = TcpRepr {
            timestamp: Some(TcpTimestamp::default()),
            ..four
        };
        assert_eq!((three.sack_blocks_sent(), three.header_len()), (3, 60));
        let mut want = sack;
        want.truncate(3);
        let back = parse(&emitted(&three, &[])).unwrap();
        assert_eq!(back.sack, want);
    }

    #[test]
    fn rejects_bad_option_lengths() {
        let sack = "SACK option length is not 2 + 8n, n from 1 to 4";
        let cases: [(&[u8], &str); 14] = [
            (&[3, 0, 1, 1], "option length is below 2"),
            (&[3, 1, 1, 1], "option length is below 2"),
            (&[1, 1, 3, 3], "option runs past the header"),
            (&[1, 1, 1, 3], "option runs past the header"),
            (&[2, 3, 5, 0], "MSS option length is not 4"),
            (&[2, 8, 0, 0, 0, 0, 0, 0], "MSS option length is not 4"),
            (&[3, 4, 7, 0], "window scale option length is not 3"),
            (&[3, 2, 1, 1], "window scale option length is not 3"),
            (&[4, 3, 0, 1], "SACK-permitted option length is not 2"),
            (&[8, 4, 0, 0], "timestamps option length is not 10"),
            (&[5, 2, 1, 1], sack),
            (&[5, 6, 0, 0, 0, 0, 1, 1], sack),
            (
                &[5, 18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                "option runs past the header",
            ),
            (&[5, 34 + 8, 0, 0], "option runs past the header"),
        ];
        for (options, reason) in cases {
            let buf = with_options(options);
            assert_eq!(parse(&buf), Err(malformed(reason)), "{options:?}");
            let p = TcpPacket::new_checked(&buf[..]).unwrap();
            let mut iter = p.options_iter();
            while let Some(Ok(_)) = iter.next() {}
            assert_eq!(iter.next(), None, "the iterator ends after an error");
        }
        // A lone kind byte with no length, at the very end of the header.
        let mut options = TcpOptions::new(&[1, 9]);
        assert_eq!(options.next(), Some(Ok(TcpOption::Nop)));
        assert_eq!(
            options.next(),
            Some(Err(malformed("option runs past the header")))
        );
        assert_eq!(options.next(), None);
    }

    #[test]
    fn bad_checksum_is_an_error() {
        let data = b"hello";
        let good = emitted(&data_segment(data.len()), data);
        for at in 0..good.len() {
            let mut bad = good.clone();
            bad[at] ^= 0x01;
            let Ok(p) = TcpPacket::new_checked(&bad[..]) else {
                continue; // a changed Data Offset may no longer fit
            };
            assert!(!p.verify_checksum(SRC, DST), "byte {at}");
            assert_eq!(
                TcpRepr::parse(&p, SRC, DST),
                Err(WireError::Checksum { layer: "TCP" }),
                "byte {at}"
            );
        }
        // An odd-length segment has its last byte covered, padded with zero.
        let mut bad = good.clone();
        *bad.last_mut().unwrap() ^= 0x80;
        assert!(!TcpPacket::new_unchecked(&bad[..]).verify_checksum(SRC, DST));
    }

    /// The NOP, NOP, TS layout read at once gives what walking the options
    /// gives, and a layout that only looks like it is walked.
    #[test]
    fn the_usual_timestamps_layout_reads_as_the_walk_does() {
        let walked = |bytes: &[u8]| {
            let p = TcpPacket::new_checked(bytes).unwrap();
            let ts: Vec<_> = p
                .options_iter()
                .filter_map(|o| match o {
                    Ok(TcpOption::Timestamp(ts)) => Some(ts),
                    _ => None,
                })
                .collect();
            ts.last().copied()
        };
        let usual = with_options(&[1, 1, 8, 10, 0, 0, 1, 2, 0xfe, 0xdc, 0xba, 0x98]);
        let repr = parse(&usual).unwrap();
        assert_eq!(
            repr.timestamp,
            Some(TcpTimestamp {
                val: 0x0102,
                ecr: 0xfedc_ba98
            })
        );
        assert_eq!(repr.timestamp, walked(&usual));
        assert_eq!(
            (repr.mss, repr.window_scale, repr.sack_permitted),
            (None, None, false)
        );
        // Timestamps with a bad length in the same place: malformed.
        let bad = with_options(&[1, 1, 8, 9, 0, 0, 1, 2, 0xfe, 0xdc, 0xba, 0x98]);
        assert!(parse(&bad).is_err());
        // sackOK, TS (a SYN's layout): twelve bytes too, walked.
        let other = with_options(&[4, 2, 8, 10, 0, 0, 1, 2, 0xfe, 0xdc, 0xba, 0x98]);
        let repr = parse(&other).unwrap();
        assert!(repr.sack_permitted);
        assert_eq!(repr.timestamp, walked(&other));
    }

    /// `parse_intact` reads what `parse` reads, and takes the checksum on
    /// trust: a wrong one is not looked at, wrong lengths and options are.
    #[test]
    fn parse_intact_skips_only_the_checksum() {
        let data = b"hello";
        let good = emitted(&data_segment(data.len()), data);
        let p = TcpPacket::new_checked(&good[..]).unwrap();
        assert_eq!(TcpRepr::parse_intact(&p), TcpRepr::parse(&p, SRC, DST));
        let mut bad = good.clone();
        bad[16] ^= 0xff; // the checksum field
        let p = TcpPacket::new_checked(&bad[..]).unwrap();
        assert!(TcpRepr::parse(&p, SRC, DST).is_err());
        assert_eq!(
            TcpRepr::parse_intact(&p).map(|r| r.payload_len),
            Ok(data.len())
        );
        let bad_option = with_options(&[2, 3, 5, 0]);
        let p = TcpPacket::new_checked(&bad_option[..]).unwrap();
        assert_eq!(
            TcpRepr::parse_intact(&p),
            Err(malformed("MSS option length is not 4"))
        );
    }

    #[test]
    fn cwr_and_ece_are_ignored_on_parse_and_zero_on_emit() {
        let mut bytes = SYN_SEGMENT;
        bytes[13] |= CWR | ECE;
        let mut p = TcpPacket::new_checked(&mut bytes[..]).unwrap();
        p.fill_checksum(SRC, DST);
        assert_eq!(p.flag_bits(), 0xc2);
        assert_eq!(TcpRepr::parse(&p, SRC, DST), Ok(syn()));
        let flags = p.flags();
        p.set_flags(flags);
        assert_eq!(p.flag_bits(), SYN);
    }

    #[test]
    fn flags_bits_and_letters() {
        let all = TcpFlags {
            fin: true,
            syn: true,
            rst: true,
            psh: true,
            ack: true,
            urg: true,
        };
        assert_eq!(all.bits(), 0x3f);
        assert_eq!(TcpFlags::from_bits(0xff), all);
        assert_eq!(TcpFlags::from_bits(0), TcpFlags::default());
        for bits in 0..0x40u8 {
            assert_eq!(TcpFlags::from_bits(bits).bits(), bits);
        }
        let f = |bits| TcpFlags::from_bits(bits).to_string();
        assert_eq!(f(SYN), "S");
        assert_eq!(f(SYN | ACK), "S.");
        assert_eq!(f(PSH | ACK), "P.");
        assert_eq!(f(FIN | ACK), "F.");
        assert_eq!(f(RST), "R");
        assert_eq!(f(ACK), ".");
        assert_eq!(f(0), "none");
        assert_eq!(all.to_string(), "FSRP.U");
        let mut letters = String::new();
        write_flag_letters(0xff, &mut letters).unwrap();
        assert_eq!(letters, "FSRP.UEW");
    }

    #[test]
    fn setters() {
        let mut bytes = [0u8; 28];
        let mut p = TcpPacket::new_unchecked(&mut bytes[..]);
        p.set_src_port(7);
        p.set_dst_port(9);
        p.set_seq_number(0x0102_0304);
        p.set_ack_number(0xa0b0_c0d0);
        p.set_header_len(24);
        p.set_flags(TcpFlags {
            fin: true,
            ack: true,
            ..TcpFlags::default()
        });
        p.set_window(512);
        p.set_urgent_pointer(3);
        p.options_mut().copy_from_slice(&[1, 1, 1, 0]);
        p.payload_mut().copy_from_slice(b"abcd");
        p.fill_checksum(SRC, DST);
        assert!(p.verify_checksum(SRC, DST));
        assert_eq!(p.urgent_pointer(), 3);
        assert_eq!(p.payload(), b"abcd");
        p.set_checksum(p.checksum().wrapping_add(1));
        assert!(!p.verify_checksum(SRC, DST));
        let bytes = p.into_inner();
        assert_eq!(
            &bytes[..16],
            &[0, 7, 0, 9, 1, 2, 3, 4, 0xa0, 0xb0, 0xc0, 0xd0, 0x60, 0x11, 2, 0]
        );
    }
}
