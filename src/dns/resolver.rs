//! A stub resolver, as glibc's is in every Linux process: it asks one
//! server and believes what it hears.
//!
//! The defaults are resolv.conf(5)'s: a timeout of 5 s and 2 attempts, so a
//! server that never answers costs 10 s before the lookup fails. The query
//! goes over a connected UDP socket (so an ICMP port unreachable ends the
//! wait at once, as in glibc's `send_dg`); an answer with TC set is asked
//! again over TCP (RFC 1035 §4.2.2, RFC 7766). Only A records are asked for:
//! simnet's hosts speak IPv4 alone.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::Duration;

use crate::net::{TcpStream, UdpSocket};
use crate::wire::dns::{self, DnsMessage, Rcode, RecordType};

/// Why a name did not resolve, as `getaddrinfo(3)` reports it on Linux.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookupError {
    /// `EAI_NONAME`: the server says the name does not exist (NXDOMAIN).
    NoName,
    /// `EAI_NODATA`: the name exists but has no address.
    NoData,
    /// `EAI_AGAIN`: no usable answer came (timeout, refused, SERVFAIL).
    Again,
    /// `EAI_FAIL`: the server rejected the query itself (FORMERR, NOTIMP).
    Fail,
}

impl LookupError {
    /// glibc's `gai_strerror` text for it.
    pub fn gai_strerror(self) -> &'static str {
        match self {
            LookupError::NoName => "Name or service not known",
            LookupError::NoData => "No address associated with hostname",
            LookupError::Again => "Temporary failure in name resolution",
            LookupError::Fail => "Non-recoverable failure in name resolution",
        }
    }
}

impl fmt::Display for LookupError {
    /// As std prints a failed lookup on Linux.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "failed to lookup address information: {}",
            self.gai_strerror()
        )
    }
}

impl std::error::Error for LookupError {}

impl From<LookupError> for io::Error {
    /// The error std's `ToSocketAddrs` gives (std's kind there is
    /// `Uncategorized`, which only std may build; this is `Other`).
    fn from(e: LookupError) -> io::Error {
        io::Error::other(e)
    }
}

/// A stub resolver that asks one server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolver {
    server: SocketAddrV4,
    timeout: Duration,
    attempts: u32,
}

impl Resolver {
    /// Asks `server` on port 53, with resolv.conf(5)'s defaults.
    pub fn new(server: Ipv4Addr) -> Resolver {
        Resolver::at(SocketAddrV4::new(server, dns::PORT))
    }

    /// Asks a server on another port.
    pub fn at(server: SocketAddrV4) -> Resolver {
        Resolver {
            server,
            timeout: Duration::from_secs(5),
            attempts: 2,
        }
    }

    /// How long to wait for each answer (`options timeout:N`).
    pub fn timeout(mut self, timeout: Duration) -> Resolver {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// How many times to send the query over UDP (`options attempts:N`).
    pub fn attempts(mut self, attempts: u32) -> Resolver {
        self.attempts = attempts.max(1);
        self
    }

    /// The server it asks.
    pub fn server(&self) -> SocketAddrV4 {
        self.server
    }

    /// `name`'s IPv4 addresses, or the error `getaddrinfo` gives.
    pub fn lookup(&self, name: &str) -> Result<Vec<Ipv4Addr>, LookupError> {
        let answer = self.query(name, RecordType::A)?;
        match answer.flags.rcode {
            Rcode::NO_ERROR => {
                let addrs = answer.addrs();
                if addrs.is_empty() {
                    Err(LookupError::NoData)
                } else {
                    Ok(addrs)
                }
            }
            Rcode::NX_DOMAIN => Err(LookupError::NoName),
            Rcode::FORM_ERR | Rcode::NOT_IMP => Err(LookupError::Fail),
            _ => Err(LookupError::Again),
        }
    }

    /// The server's whole answer to a query for `name`'s `qtype` records,
    /// over UDP and, if that answer is truncated, over TCP. Errors only
    /// when no answer came.
    pub fn query(&self, name: &str, qtype: RecordType) -> Result<DnsMessage, LookupError> {
        dns::check_name(name).map_err(|_| LookupError::NoName)?;
        let answer = self.query_udp(name, qtype)?;
        if answer.flags.truncated {
            return self.query_tcp(name, qtype, answer.id);
        }
        Ok(answer)
    }

    fn query_udp(&self, name: &str, qtype: RecordType) -> Result<DnsMessage, LookupError> {
        let again = |_| LookupError::Again;
        let sock = UdpSocket::bind("0.0.0.0:0").map_err(again)?;
        sock.connect(self.server).map_err(again)?;
        sock.set_read_timeout(Some(self.timeout)).map_err(again)?;
        let local = sock.local_addr().ok();
        let mut buf = [0u8; dns::UDP_LIMIT];
        for attempt in 0..self.attempts {
            let query = DnsMessage::query(query_id(name, local, attempt), name, qtype);
            sock.send(&query.emit()).map_err(again)?;
            loop {
                match sock.recv(&mut buf) {
                    Ok(n) => match DnsMessage::parse(&buf[..n]) {
                        Ok(answer) if answers(&query, &answer) => return Ok(answer),
                        // Not ours, or not DNS: keep waiting, as glibc does.
                        _ => continue,
                    },
                    Err(e) if is_timeout(&e) => break,
                    // ICMP port or host unreachable: nobody will answer.
                    Err(_) => return Err(LookupError::Again),
                }
            }
        }
        Err(LookupError::Again)
    }

    fn query_tcp(&self, name: &str, qtype: RecordType, id: u16) -> Result<DnsMessage, LookupError> {
        let again = |_| LookupError::Again;
        let server = SocketAddr::V4(self.server);
        let mut stream = TcpStream::connect_timeout(&server, self.timeout).map_err(again)?;
        stream.set_read_timeout(Some(self.timeout)).map_err(again)?;
        let query = DnsMessage::query(id, name, qtype);
        let bytes = query.emit();
        let mut framed = (bytes.len() as u16).to_be_bytes().to_vec();
        framed.extend_from_slice(&bytes);
        stream.write_all(&framed).map_err(again)?;
        let mut len = [0u8; 2];
        stream.read_exact(&mut len).map_err(again)?;
        let mut message = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut message).map_err(again)?;
        match DnsMessage::parse(&message) {
            Ok(answer) if answers(&query, &answer) => Ok(answer),
            _ => Err(LookupError::Again),
        }
    }
}

/// Whether `answer` answers `query`: the same id and the same question
/// (RFC 5452 §4.1: a resolver accepts nothing else).
fn answers(query: &DnsMessage, answer: &DnsMessage) -> bool {
    answer.flags.response
        && answer.id == query.id
        && answer.questions.len() == 1
        && query.questions.iter().zip(&answer.questions).all(|(q, a)| {
            dns::same_name(&q.name, &a.name) && q.qtype == a.qtype && q.qclass == a.qclass
        })
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// A query id from the name, the socket's address and the attempt:
/// different for each query, and the same in every run of a simulation
/// (glibc draws it at random; a simulation may not).
fn query_id(name: &str, local: Option<SocketAddr>, attempt: u32) -> u16 {
    let (ip, port) = match local {
        Some(SocketAddr::V4(a)) => (a.ip().octets(), a.port()),
        _ => ([0; 4], 0),
    };
    let mut hash: u32 = 0x811c_9dc5;
    let bytes = name.bytes().chain(ip).chain(port.to_be_bytes());
    for b in bytes.chain(attempt.to_be_bytes()) {
        hash = (hash ^ u32::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0193);
    }
    (hash ^ (hash >> 16)) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_as_std_prints_them_on_linux() {
        assert_eq!(
            io::Error::from(LookupError::NoName).to_string(),
            "failed to lookup address information: Name or service not known"
        );
        assert_eq!(
            LookupError::Again.to_string(),
            "failed to lookup address information: Temporary failure in name resolution"
        );
    }

    #[test]
    fn only_the_matching_answer_is_accepted() {
        let query = DnsMessage::query(3, "www.example.test", RecordType::A);
        let mut answer = query.clone();
        answer.flags.response = true;
        assert!(answers(&query, &answer));
        answer.questions[0].name = "WWW.EXAMPLE.TEST.".into();
        assert!(answers(&query, &answer));
        answer.id = 4;
        assert!(!answers(&query, &answer));
        answer.id = 3;
        answer.questions[0].name = "evil.example.test".into();
        assert!(!answers(&query, &answer));
        assert!(!answers(&query, &query), "a query is not its own answer");
    }

    #[test]
    fn ids_differ_by_address_port_and_attempt() {
        let at = |ip: [u8; 4], port| Some(SocketAddr::from((ip, port)));
        let a = query_id("www.example.test", at([10, 0, 1, 2], 49152), 0);
        assert_ne!(a, query_id("www.example.test", at([10, 0, 1, 2], 49153), 0));
        assert_ne!(a, query_id("www.example.test", at([10, 0, 1, 3], 49152), 0));
        assert_ne!(a, query_id("www.example.test", at([10, 0, 1, 2], 49152), 1));
        assert_eq!(a, query_id("WWW.example.test", at([10, 0, 1, 2], 49152), 0));
    }
}
