//! DNS messages (RFC 1035 §4), as a stub resolver and a small
//! authoritative server exchange them.
//!
//! ```text
//!                                 1  1  1  1  1  1
//!   0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
//! +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//! |                      ID                       |
//! +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//! |QR|   Opcode  |AA|TC|RD|RA|   Z    |   RCODE   |
//! +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//! |        QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT     |
//! +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//! | Question | Answer | Authority | Additional    |
//! ```
//!
//! A name is a run of labels, each a length byte and up to 63 bytes, ended
//! by a zero byte; 255 bytes at most in all (§2.3.4). Where a name, or its
//! tail, was already written, a two-byte pointer (`11` and a 14-bit offset)
//! may stand for it (§4.1.4). The parser follows pointers only backwards,
//! so no crafted message can make it loop.
//!
//! Over UDP a message is at most 512 bytes (§4.2.1); a server whose answer
//! is longer sets TC and the resolver asks again over TCP, where each
//! message is preceded by its length in two bytes (§4.2.2).

use std::fmt::{self, Write};
use std::net::Ipv4Addr;

use super::{Result, WireError};

/// The port DNS servers listen on, over UDP and TCP.
pub const PORT: u16 = 53;

/// The largest message sent over UDP (RFC 1035 §4.2.1).
pub const UDP_LIMIT: usize = 512;

/// Bytes in the header.
pub const HEADER_LEN: usize = 12;

/// The longest name on the wire, in bytes (RFC 1035 §2.3.4).
pub const MAX_NAME_LEN: usize = 255;

/// The longest label, in bytes (RFC 1035 §2.3.4).
pub const MAX_LABEL_LEN: usize = 63;

/// The class of every record here: IN, the Internet (RFC 1035 §3.2.4).
pub const CLASS_IN: u16 = 1;

/// A record type (RFC 1035 §3.2.2), or a query type (§3.2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordType(pub u16);

impl RecordType {
    /// A host address.
    pub const A: RecordType = RecordType(1);
    /// An authoritative name server.
    pub const NS: RecordType = RecordType(2);
    /// The canonical name for an alias.
    pub const CNAME: RecordType = RecordType(5);
    /// The start of a zone of authority.
    pub const SOA: RecordType = RecordType(6);
    /// A domain name pointer.
    pub const PTR: RecordType = RecordType(12);
    /// Mail exchange.
    pub const MX: RecordType = RecordType(15);
    /// Text strings.
    pub const TXT: RecordType = RecordType(16);
    /// An IPv6 host address (RFC 3596).
    pub const AAAA: RecordType = RecordType(28);
    /// A query for every type (`*`, RFC 1035 §3.2.3).
    pub const ANY: RecordType = RecordType(255);

    /// The mnemonic, as tcpdump and dig print it, if it is a known type.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            RecordType::A => "A",
            RecordType::NS => "NS",
            RecordType::CNAME => "CNAME",
            RecordType::SOA => "SOA",
            RecordType::PTR => "PTR",
            RecordType::MX => "MX",
            RecordType::TXT => "TXT",
            RecordType::AAAA => "AAAA",
            RecordType::ANY => "ANY",
            _ => return None,
        })
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "TYPE{}", self.0),
        }
    }
}

/// A response code (RFC 1035 §4.1.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rcode(pub u8);

impl Rcode {
    /// No error.
    pub const NO_ERROR: Rcode = Rcode(0);
    /// The server could not read the query.
    pub const FORM_ERR: Rcode = Rcode(1);
    /// The server failed.
    pub const SERV_FAIL: Rcode = Rcode(2);
    /// The name does not exist ("Name Error"; NXDOMAIN, RFC 2308).
    pub const NX_DOMAIN: Rcode = Rcode(3);
    /// The server does not do this kind of query.
    pub const NOT_IMP: Rcode = Rcode(4);
    /// The server will not answer, by policy.
    pub const REFUSED: Rcode = Rcode(5);

    /// The name tcpdump prints for it (empty for no error).
    pub fn name(self) -> &'static str {
        match self.0 {
            0 => "",
            1 => "FormErr",
            2 => "ServFail",
            3 => "NXDomain",
            4 => "NotImp",
            5 => "Refused",
            _ => "Rcode?",
        }
    }
}

/// The header's flag bits and codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DnsFlags {
    /// QR: this message is a response.
    pub response: bool,
    /// The kind of query: 0 is a standard query.
    pub opcode: u8,
    /// AA: the responding server is an authority for the name.
    pub authoritative: bool,
    /// TC: the message was truncated to fit the transport.
    pub truncated: bool,
    /// RD: the client asks the server to recurse.
    pub recursion_desired: bool,
    /// RA: the server can recurse.
    pub recursion_available: bool,
    /// RCODE.
    pub rcode: Rcode,
}

impl DnsFlags {
    fn bits(&self) -> u16 {
        let bit = |b: bool, at: u16| u16::from(b) << at;
        bit(self.response, 15)
            | (u16::from(self.opcode & 0xf) << 11)
            | bit(self.authoritative, 10)
            | bit(self.truncated, 9)
            | bit(self.recursion_desired, 8)
            | bit(self.recursion_available, 7)
            | u16::from(self.rcode.0 & 0xf)
    }

    fn from_bits(bits: u16) -> DnsFlags {
        let bit = |at: u16| bits & (1 << at) != 0;
        DnsFlags {
            response: bit(15),
            opcode: ((bits >> 11) & 0xf) as u8,
            authoritative: bit(10),
            truncated: bit(9),
            recursion_desired: bit(8),
            recursion_available: bit(7),
            rcode: Rcode((bits & 0xf) as u8),
        }
    }
}

/// One entry of the question section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The name asked about, without the final dot.
    pub name: String,
    /// What kind of record is wanted.
    pub qtype: RecordType,
    /// Its class (IN).
    pub qclass: u16,
}

/// A resource record (RFC 1035 §4.1.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The name it belongs to, without the final dot.
    pub name: String,
    /// Its type.
    pub rtype: RecordType,
    /// Its class (IN).
    pub class: u16,
    /// How many seconds it may be cached.
    pub ttl: u32,
    /// RDATA as it stood on the wire.
    pub data: Vec<u8>,
}

impl Record {
    /// An A record: `name` has address `addr`.
    pub fn a(name: &str, addr: Ipv4Addr, ttl: u32) -> Record {
        Record {
            name: name.to_string(),
            rtype: RecordType::A,
            class: CLASS_IN,
            ttl,
            data: addr.octets().to_vec(),
        }
    }

    /// The address, if this is an IN A record.
    pub fn addr(&self) -> Option<Ipv4Addr> {
        match (self.rtype, self.class, self.data.as_slice()) {
            (RecordType::A, CLASS_IN, &[a, b, c, d]) => Some(Ipv4Addr::new(a, b, c, d)),
            _ => None,
        }
    }
}

/// A whole DNS message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DnsMessage {
    /// Chosen by the asker, copied into the answer.
    pub id: u16,
    /// The header's flags and codes.
    pub flags: DnsFlags,
    /// What is asked (one entry in practice).
    pub questions: Vec<Question>,
    /// Records that answer it.
    pub answers: Vec<Record>,
    /// Records that name authorities.
    pub authority: Vec<Record>,
    /// Records that may help.
    pub additional: Vec<Record>,
}

fn malformed(reason: &'static str) -> WireError {
    WireError::Malformed {
        layer: "DNS",
        reason,
    }
}

fn truncated(needed: usize, got: usize) -> WireError {
    WireError::Truncated {
        layer: "DNS",
        needed,
        got,
    }
}

/// Checks that `name` can be written as a DNS name: labels of 1 to 63
/// bytes separated by dots (one final dot allowed), 255 bytes in all on the
/// wire. Returns what is wrong.
pub fn check_name(name: &str) -> std::result::Result<(), &'static str> {
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() {
        return Err("the name is empty");
    }
    let mut wire_len = 1;
    for label in name.split('.') {
        if label.is_empty() {
            return Err("a label is empty (two dots in a row, or a leading dot)");
        }
        if label.len() > MAX_LABEL_LEN {
            return Err("a label is longer than 63 bytes");
        }
        wire_len += 1 + label.len();
    }
    if wire_len > MAX_NAME_LEN {
        return Err("the name is longer than 255 bytes on the wire");
    }
    Ok(())
}

/// Whether two names are the same name: DNS compares ASCII letters without
/// regard to case (RFC 4343) and ignores a final dot.
pub fn same_name(a: &str, b: &str) -> bool {
    let a = a.strip_suffix('.').unwrap_or(a);
    let b = b.strip_suffix('.').unwrap_or(b);
    a.eq_ignore_ascii_case(b)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8]> {
        let end = self.at + n;
        let slice = self
            .bytes
            .get(self.at..end)
            .ok_or_else(|| truncated(end, self.bytes.len()))?;
        self.at = end;
        Ok(slice)
    }

    fn u16(&mut self) -> Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A name at the cursor (see [`read_name`]).
    fn name(&mut self) -> Result<String> {
        let (name, next) = read_name(self.bytes, self.at)?;
        self.at = next;
        Ok(name)
    }

    fn question(&mut self) -> Result<Question> {
        Ok(Question {
            name: self.name()?,
            qtype: RecordType(self.u16()?),
            qclass: self.u16()?,
        })
    }

    fn record(&mut self) -> Result<Record> {
        let name = self.name()?;
        let rtype = RecordType(self.u16()?);
        let class = self.u16()?;
        let ttl = self.u32()?;
        let len = usize::from(self.u16()?);
        let data = self.take(len)?.to_vec();
        if rtype == RecordType::A && class == CLASS_IN && data.len() != 4 {
            return Err(malformed("an A record's data is not 4 bytes"));
        }
        Ok(Record {
            name,
            rtype,
            class,
            ttl,
            data,
        })
    }
}

/// The name at offset `at` of the message `bytes`, following compression
/// pointers (RFC 1035 §4.1.4) only to earlier offsets, so that no chain
/// can loop; and the offset just past the bytes that stand for it there
/// (after its zero byte, or after its first pointer).
pub fn read_name(bytes: &[u8], at: usize) -> Result<(String, usize)> {
    let mut name = String::new();
    let mut pos = at;
    // Where the cursor resumes: after the first pointer, if any.
    let mut resume = None;
    // Every pointer must go below this, so a chain always ends.
    let mut limit = at;
    let mut wire_len = 1;
    loop {
        let &len = bytes
            .get(pos)
            .ok_or_else(|| truncated(pos + 1, bytes.len()))?;
        match len & 0xc0 {
            0x00 if len == 0 => return Ok((name, resume.unwrap_or(pos + 1))),
            0x00 => {
                let len = usize::from(len);
                let label = bytes
                    .get(pos + 1..pos + 1 + len)
                    .ok_or_else(|| truncated(pos + 1 + len, bytes.len()))?;
                wire_len += 1 + len;
                if wire_len > MAX_NAME_LEN {
                    return Err(malformed("a name is longer than 255 bytes"));
                }
                if !name.is_empty() {
                    name.push('.');
                }
                push_label(label, &mut name);
                pos += 1 + len;
            }
            0xc0 => {
                let &low = bytes
                    .get(pos + 1)
                    .ok_or_else(|| truncated(pos + 2, bytes.len()))?;
                let target = usize::from(u16::from_be_bytes([len & 0x3f, low]));
                if target >= limit {
                    return Err(malformed("a compression pointer does not point backwards"));
                }
                resume.get_or_insert(pos + 2);
                limit = target;
                pos = target;
            }
            _ => return Err(malformed("a label type is reserved (0x40 or 0x80)")),
        }
    }
}

/// Appends one label as text, escaping dots, backslashes and bytes that are
/// not printable ASCII as dig does (`\.`, `\\`, `\000`).
fn push_label(label: &[u8], out: &mut String) {
    for &b in label {
        match b {
            b'.' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x21..=0x7e => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\{b:03}");
            }
        }
    }
}

/// Writes messages, compressing names against those already written.
struct Writer {
    out: Vec<u8>,
    /// Names (and tails of names) written so far, with their offsets. A
    /// pointer stands only for the same spelling, so that every name keeps
    /// its case on the wire (RFC 4343 §4.1).
    names: Vec<(String, u16)>,
}

impl Writer {
    fn u16(&mut self, v: u16) {
        self.out.extend_from_slice(&v.to_be_bytes());
    }

    fn name(&mut self, name: &str) {
        let name = name.strip_suffix('.').unwrap_or(name);
        let mut rest = name;
        while !rest.is_empty() {
            if let Some(&(_, offset)) = self.names.iter().find(|(n, _)| n == rest) {
                self.u16(0xc000 | offset);
                return;
            }
            if let Ok(offset) = u16::try_from(self.out.len()) {
                if offset < 0x4000 {
                    self.names.push((rest.to_string(), offset));
                }
            }
            let (label, tail) = rest.split_once('.').unwrap_or((rest, ""));
            let label = &label.as_bytes()[..label.len().min(MAX_LABEL_LEN)];
            self.out.push(label.len() as u8);
            self.out.extend_from_slice(label);
            rest = tail;
        }
        self.out.push(0);
    }

    fn record(&mut self, record: &Record) {
        self.name(&record.name);
        self.u16(record.rtype.0);
        self.u16(record.class);
        self.out.extend_from_slice(&record.ttl.to_be_bytes());
        let len = record.data.len().min(usize::from(u16::MAX));
        self.u16(len as u16);
        self.out.extend_from_slice(&record.data[..len]);
    }
}

fn count(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

impl DnsMessage {
    /// A standard query for `name`'s records of type `qtype`, asking for
    /// recursion as stub resolvers do.
    pub fn query(id: u16, name: &str, qtype: RecordType) -> DnsMessage {
        DnsMessage {
            id,
            flags: DnsFlags {
                recursion_desired: true,
                ..DnsFlags::default()
            },
            questions: vec![Question {
                name: name.strip_suffix('.').unwrap_or(name).to_string(),
                qtype,
                qclass: CLASS_IN,
            }],
            ..DnsMessage::default()
        }
    }

    /// Reads a message. Bytes after the last record are ignored.
    pub fn parse(bytes: &[u8]) -> Result<DnsMessage> {
        if bytes.len() < HEADER_LEN {
            return Err(truncated(HEADER_LEN, bytes.len()));
        }
        let mut r = Reader { bytes, at: 0 };
        let id = r.u16()?;
        let flags = DnsFlags::from_bits(r.u16()?);
        let counts = [r.u16()?, r.u16()?, r.u16()?, r.u16()?];
        let mut message = DnsMessage {
            id,
            flags,
            ..DnsMessage::default()
        };
        for _ in 0..counts[0] {
            message.questions.push(r.question()?);
        }
        for (section, &n) in counts[1..].iter().enumerate() {
            for _ in 0..n {
                let record = r.record()?;
                match section {
                    0 => message.answers.push(record),
                    1 => message.authority.push(record),
                    _ => message.additional.push(record),
                }
            }
        }
        Ok(message)
    }

    /// The message's bytes, with names compressed.
    pub fn emit(&self) -> Vec<u8> {
        let mut w = Writer {
            out: Vec::with_capacity(UDP_LIMIT),
            names: Vec::new(),
        };
        w.u16(self.id);
        w.u16(self.flags.bits());
        w.u16(count(self.questions.len()));
        w.u16(count(self.answers.len()));
        w.u16(count(self.authority.len()));
        w.u16(count(self.additional.len()));
        for q in &self.questions {
            w.name(&q.name);
            w.u16(q.qtype.0);
            w.u16(q.qclass);
        }
        for record in self
            .answers
            .iter()
            .chain(&self.authority)
            .chain(&self.additional)
        {
            w.record(record);
        }
        w.out
    }

    /// The bytes to send over UDP: the whole message if it fits in `limit`
    /// (512, RFC 1035 §4.2.1); otherwise as many whole records as fit, with
    /// TC set so that the resolver asks again over TCP (RFC 2181 §9).
    pub fn emit_within(&self, limit: usize) -> Vec<u8> {
        let whole = self.emit();
        if whole.len() <= limit {
            return whole;
        }
        let mut cut = self.clone();
        cut.flags.truncated = true;
        cut.additional.clear();
        cut.authority.clear();
        loop {
            let bytes = cut.emit();
            if bytes.len() <= limit || cut.answers.is_empty() {
                return bytes;
            }
            cut.answers.pop();
        }
    }

    /// The addresses in the answer section.
    pub fn addrs(&self) -> Vec<Ipv4Addr> {
        self.answers.iter().filter_map(Record::addr).collect()
    }
}

/// Appends the tcpdump-style summary of a DNS message to `out`:
/// `DNS 4660+ A? www.example.test.` for a query (`+`: recursion desired),
/// `DNS 4660*- 1/0/0 A 10.0.2.80` for an answer (`*`: authoritative, `-`:
/// no recursion available, `|`: truncated, then the answer, authority and
/// additional counts), `DNS 4660 NXDomain*- 0/0/0` for a name that does
/// not exist.
pub fn describe(bytes: &[u8], out: &mut String) {
    let _ = write_summary(bytes, out);
}

fn write_summary(bytes: &[u8], out: &mut String) -> fmt::Result {
    let message = match DnsMessage::parse(bytes) {
        Ok(m) => m,
        Err(err) => return write!(out, "DNS [{err}]"),
    };
    let f = &message.flags;
    write!(out, "DNS {}", message.id)?;
    if f.opcode != 0 {
        write!(out, " op{}", f.opcode)?;
    }
    if f.response {
        let rcode = f.rcode;
        if rcode != Rcode::NO_ERROR {
            write!(out, " {}", rcode.name())?;
        }
        out.push_str(if f.authoritative { "*" } else { "" });
        out.push_str(if f.recursion_available { "" } else { "-" });
        out.push_str(if f.truncated { "|" } else { "" });
        write!(
            out,
            " {}/{}/{}",
            message.answers.len(),
            message.authority.len(),
            message.additional.len()
        )?;
        for (i, record) in message.answers.iter().enumerate() {
            out.push_str(if i == 0 { " " } else { ", " });
            match record.addr() {
                Some(addr) => write!(out, "A {addr}")?,
                None => write!(out, "{}", record.rtype)?,
            }
        }
    } else {
        out.push_str(if f.recursion_desired { "+" } else { "" });
        for q in &message.questions {
            write!(out, " {}? {}.", q.qtype, q.name)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The query dig sends for `www.example.test A`, written out by hand.
    fn hand_query() -> Vec<u8> {
        let mut q = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        for label in ["www", "example", "test"] {
            q.push(label.len() as u8);
            q.extend_from_slice(label.as_bytes());
        }
        q.extend_from_slice(&[0, 0, 1, 0, 1]);
        q
    }

    #[test]
    fn a_query_is_written_as_rfc_1035_lays_it_out() {
        let query = DnsMessage::query(0x1234, "www.example.test.", RecordType::A);
        assert_eq!(query.emit(), hand_query());
        assert_eq!(DnsMessage::parse(&hand_query()).unwrap(), query);
    }

    #[test]
    fn an_answer_points_back_at_the_question_name() {
        let mut answer = DnsMessage::query(7, "www.example.test", RecordType::A);
        answer.flags.response = true;
        answer.flags.authoritative = true;
        answer.answers.push(Record::a(
            "www.example.test",
            Ipv4Addr::new(10, 0, 2, 80),
            300,
        ));
        let bytes = answer.emit();
        // Header 12, question 18 + 4, answer: pointer 2, type, class, TTL,
        // length 10, address 4.
        assert_eq!(bytes.len(), 12 + 22 + 16);
        assert_eq!(&bytes[34..36], &[0xc0, 12], "a pointer to offset 12");
        let back = DnsMessage::parse(&bytes).unwrap();
        assert_eq!(back.addrs(), vec![Ipv4Addr::new(10, 0, 2, 80)]);
        assert_eq!(back.answers[0].name, "www.example.test");
        let mut line = String::new();
        describe(&bytes, &mut line);
        assert_eq!(line, "DNS 7*- 1/0/0 A 10.0.2.80");
    }

    #[test]
    fn queries_and_errors_read_as_tcpdump_prints_them() {
        let mut line = String::new();
        describe(&hand_query(), &mut line);
        assert_eq!(line, "DNS 4660+ A? www.example.test.");
        let mut nx = DnsMessage::query(9, "nope.example.test", RecordType::A);
        nx.flags.response = true;
        nx.flags.authoritative = true;
        nx.flags.rcode = Rcode::NX_DOMAIN;
        line.clear();
        describe(&nx.emit(), &mut line);
        assert_eq!(line, "DNS 9 NXDomain*- 0/0/0");
    }

    #[test]
    fn a_long_answer_is_cut_to_512_bytes_with_tc_set() {
        let mut answer = DnsMessage::query(1, "big.example.test", RecordType::A);
        answer.flags.response = true;
        for i in 0..40 {
            answer.answers.push(Record::a(
                "big.example.test",
                Ipv4Addr::new(10, 0, 3, i),
                60,
            ));
        }
        assert!(answer.emit().len() > UDP_LIMIT);
        let cut = DnsMessage::parse(&answer.emit_within(UDP_LIMIT)).unwrap();
        assert!(cut.flags.truncated);
        assert!(cut.emit().len() <= UDP_LIMIT);
        // 12 + 22 = 34 bytes before the answers, 16 for each: 29 fit.
        assert_eq!(cut.answers.len(), 29);
        let whole = DnsMessage::parse(&answer.emit_within(65535)).unwrap();
        assert!(!whole.flags.truncated);
        assert_eq!(whole.answers.len(), 40);
    }

    #[test]
    fn pointers_that_loop_or_point_forward_are_refused() {
        // A question whose name is a pointer to itself.
        let mut looping = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        looping.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
        assert_eq!(
            DnsMessage::parse(&looping),
            Err(malformed("a compression pointer does not point backwards"))
        );
        // Two names pointing at each other: the second points back to the
        // first, which points forward to the second.
        let mut pair = vec![0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0];
        pair.extend_from_slice(&[0xc0, 18, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1]);
        assert!(DnsMessage::parse(&pair).is_err());
        let mut reserved = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 1, 0, 1];
        assert!(DnsMessage::parse(&reserved).is_err());
        reserved.truncate(12);
        assert!(matches!(
            DnsMessage::parse(&reserved),
            Err(WireError::Truncated { .. })
        ));
    }

    #[test]
    fn names_are_checked_before_they_are_served() {
        assert_eq!(check_name("www.example.test."), Ok(()));
        assert!(check_name("").is_err());
        assert!(check_name("a..b").is_err());
        assert!(check_name(&"x".repeat(64)).is_err());
        let long = ["a".repeat(63).as_str(); 4].join(".");
        assert!(check_name(&long).is_err(), "{} bytes", long.len() + 2);
        assert!(same_name("WWW.Example.test.", "www.example.TEST"));
    }

    #[test]
    fn odd_bytes_in_a_label_are_escaped_as_dig_escapes_them() {
        let mut q = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, b'a', b'.', 0];
        q.extend_from_slice(&[0, 0, 1, 0, 1]);
        assert_eq!(
            DnsMessage::parse(&q).unwrap().questions[0].name,
            "a\\.\\000"
        );
    }
}
