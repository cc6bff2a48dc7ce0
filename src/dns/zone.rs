//! The names an authoritative server knows, and how it answers a query
//! about them (RFC 1035 §4.3.2, with the negative answers of RFC 2308 and
//! RFC 8020).

use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;

use crate::wire::dns::{self, DnsFlags, DnsMessage, Rcode, Record, RecordType, CLASS_IN};

/// How long answers may be cached, in seconds, unless the zone says
/// otherwise.
pub const DEFAULT_TTL: u32 = 300;

/// A set of names, each with its IPv4 addresses (A records).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    /// Lower-cased names without the final dot, with their addresses in
    /// the order given.
    names: BTreeMap<String, Vec<Ipv4Addr>>,
    ttl: u32,
}

impl Default for Zone {
    fn default() -> Zone {
        Zone {
            names: BTreeMap::new(),
            ttl: DEFAULT_TTL,
        }
    }
}

/// Why a zone entry could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneError {
    /// The entry as written.
    pub entry: String,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for ZoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "zone entry `{}`: {}", self.entry, self.reason)
    }
}

impl std::error::Error for ZoneError {}

impl Zone {
    /// An empty zone.
    pub fn new() -> Zone {
        Zone::default()
    }

    /// Adds `addr` to `name`'s addresses; a name may have many. Names
    /// compare without regard to case (RFC 4343).
    pub fn add(&mut self, name: &str, addr: Ipv4Addr) -> Result<(), ZoneError> {
        dns::check_name(name).map_err(|reason| ZoneError {
            entry: name.to_string(),
            reason: reason.to_string(),
        })?;
        let key = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
        self.names.entry(key).or_default().push(addr);
        Ok(())
    }

    /// Reads entries written `NAME=ADDR[,ADDR…]`, as the `dns-server`
    /// program takes them on its command line.
    pub fn from_entries(entries: &[String]) -> Result<Zone, ZoneError> {
        let mut zone = Zone::new();
        for entry in entries {
            let error = |reason: String| ZoneError {
                entry: entry.clone(),
                reason,
            };
            let (name, addrs) = entry.split_once('=').ok_or_else(|| {
                error("write it NAME=ADDR, like www.example.test=10.0.2.80".into())
            })?;
            for addr in addrs.split(',') {
                let addr: Ipv4Addr = addr
                    .trim()
                    .parse()
                    .map_err(|_| error(format!("`{addr}` is not an IPv4 address")))?;
                zone.add(name.trim(), addr).map_err(|e| error(e.reason))?;
            }
        }
        Ok(zone)
    }

    /// The entries, `NAME=ADDR[,ADDR…]`, in name order: what
    /// [`Zone::from_entries`] reads back.
    pub fn entries(&self) -> Vec<String> {
        self.names
            .iter()
            .map(|(name, addrs)| {
                let addrs: Vec<String> = addrs.iter().map(Ipv4Addr::to_string).collect();
                format!("{name}={}", addrs.join(","))
            })
            .collect()
    }

    /// How many names the zone holds.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the zone holds no names.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// `name`'s addresses, if the zone has the name.
    pub fn lookup(&self, name: &str) -> Option<&[Ipv4Addr]> {
        let key = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
        self.names.get(&key).map(Vec::as_slice)
    }

    /// Whether `name` exists in the tree: it has records, or a name below
    /// it does (an "empty non-terminal", which is not NXDOMAIN, RFC 8020).
    fn exists(&self, name: &str) -> bool {
        let key = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
        let suffix = format!(".{key}");
        self.names.keys().any(|n| *n == key || n.ends_with(&suffix))
    }

    /// The answer an authoritative server gives to `query`, or `None` for a
    /// message it must not answer (a response: answering those could make
    /// two servers talk forever).
    ///
    /// - A standard query for a name with addresses: every A record, AA set.
    /// - A name that exists with no A record, or a type other than A: no
    ///   answers and no error, "NODATA" (RFC 2308 §2.2).
    /// - A name that does not exist: NXDOMAIN (RFC 2308 §2.1).
    /// - Another opcode: NOTIMP; not exactly one question: FORMERR; a class
    ///   other than IN: REFUSED (RFC 1035 §4.1.1).
    pub fn answer(&self, query: &DnsMessage) -> Option<DnsMessage> {
        if query.flags.response {
            return None;
        }
        let mut answer = DnsMessage {
            id: query.id,
            flags: DnsFlags {
                response: true,
                opcode: query.flags.opcode,
                authoritative: true,
                recursion_desired: query.flags.recursion_desired,
                ..DnsFlags::default()
            },
            questions: query.questions.clone(),
            ..DnsMessage::default()
        };
        let rcode = match query.questions.as_slice() {
            _ if query.flags.opcode != 0 => Rcode::NOT_IMP,
            [q] if q.qclass != CLASS_IN && q.qclass != RecordType::ANY.0 => Rcode::REFUSED,
            [q] => match self.lookup(&q.name) {
                Some(addrs) if matches!(q.qtype, RecordType::A | RecordType::ANY) => {
                    answer.answers = addrs
                        .iter()
                        .map(|&addr| Record::a(&q.name, addr, self.ttl))
                        .collect();
                    Rcode::NO_ERROR
                }
                _ if self.exists(&q.name) => Rcode::NO_ERROR,
                _ => Rcode::NX_DOMAIN,
            },
            _ => Rcode::FORM_ERR,
        };
        answer.flags.authoritative = rcode == Rcode::NO_ERROR || rcode == Rcode::NX_DOMAIN;
        answer.flags.rcode = rcode;
        Some(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone() -> Zone {
        Zone::from_entries(&[
            "www.example.test=10.0.2.80".to_string(),
            "Big.Example.Test=10.0.3.1, 10.0.3.2".to_string(),
        ])
        .unwrap()
    }

    fn ask(zone: &Zone, name: &str, qtype: RecordType) -> DnsMessage {
        zone.answer(&DnsMessage::query(5, name, qtype)).unwrap()
    }

    #[test]
    fn a_known_name_gets_its_addresses_with_authority() {
        let answer = ask(&zone(), "WWW.example.test.", RecordType::A);
        assert_eq!(answer.id, 5);
        assert!(answer.flags.response && answer.flags.authoritative);
        assert!(answer.flags.recursion_desired && !answer.flags.recursion_available);
        assert_eq!(answer.flags.rcode, Rcode::NO_ERROR);
        assert_eq!(answer.addrs(), vec![Ipv4Addr::new(10, 0, 2, 80)]);
        // The answer keeps the asker's spelling (RFC 4343 §4.1).
        assert_eq!(answer.answers[0].name, "WWW.example.test");
        assert_eq!(
            ask(&zone(), "big.example.test", RecordType::ANY)
                .addrs()
                .len(),
            2
        );
    }

    #[test]
    fn negative_answers_tell_nxdomain_from_nodata() {
        let nx = ask(&zone(), "nope.example.test", RecordType::A);
        assert_eq!(nx.flags.rcode, Rcode::NX_DOMAIN);
        assert!(nx.answers.is_empty() && nx.flags.authoritative);
        let aaaa = ask(&zone(), "www.example.test", RecordType::AAAA);
        assert_eq!((aaaa.flags.rcode, aaaa.answers.len()), (Rcode::NO_ERROR, 0));
        // example.test has no records, but names below it exist.
        let parent = ask(&zone(), "example.test", RecordType::A);
        assert_eq!(
            (parent.flags.rcode, parent.answers.len()),
            (Rcode::NO_ERROR, 0)
        );
    }

    #[test]
    fn odd_queries_get_the_rfc_1035_codes_and_responses_none() {
        let z = zone();
        let mut q = DnsMessage::query(1, "www.example.test", RecordType::A);
        q.flags.opcode = 2;
        assert_eq!(z.answer(&q).unwrap().flags.rcode, Rcode::NOT_IMP);
        let mut two = DnsMessage::query(1, "www.example.test", RecordType::A);
        two.questions.push(two.questions[0].clone());
        assert_eq!(z.answer(&two).unwrap().flags.rcode, Rcode::FORM_ERR);
        let mut chaos = DnsMessage::query(1, "www.example.test", RecordType::A);
        chaos.questions[0].qclass = 3;
        assert_eq!(z.answer(&chaos).unwrap().flags.rcode, Rcode::REFUSED);
        let mut response = DnsMessage::query(1, "www.example.test", RecordType::A);
        response.flags.response = true;
        assert_eq!(z.answer(&response), None);
    }

    #[test]
    fn entries_read_back_and_bad_ones_say_what_is_wrong() {
        let z = zone();
        assert_eq!(Zone::from_entries(&z.entries()).unwrap(), z);
        assert_eq!(
            z.entries(),
            [
                "big.example.test=10.0.3.1,10.0.3.2",
                "www.example.test=10.0.2.80"
            ]
        );
        let err = Zone::from_entries(&["www.example.test".to_string()]).unwrap_err();
        assert!(err.to_string().contains("NAME=ADDR"), "{err}");
        let err = Zone::from_entries(&["a..b=10.0.0.1".to_string()]).unwrap_err();
        assert!(err.to_string().contains("label is empty"), "{err}");
        let err = Zone::from_entries(&["www=10.0.0.300".to_string()]).unwrap_err();
        assert!(
            err.to_string().contains("`10.0.0.300` is not an IPv4"),
            "{err}"
        );
    }
}
