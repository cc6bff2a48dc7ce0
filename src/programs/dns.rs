//! Seed 001's DNS: an authoritative server for a scenario's names, and a
//! client that looks names up the way every program does.
//!
//! The server answers over UDP and TCP on port 53 (RFC 1035 §4.2); an
//! answer too long for 512 bytes goes back truncated over UDP, and the
//! resolver asks again over TCP. The client's lookups go through the host's
//! resolver (`dns = "…"` in the scenario), so what it prints is what
//! `TcpStream::connect("www.example.test:80")` would see.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use super::args::{take_flag, take_option};
use crate::dns::{Resolver, Zone};
use crate::net::{TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
use crate::println;
use crate::thread;
use crate::wire::dns::{self, DnsMessage, Rcode};

/// `dns-server [--port P] [--mute] [NAME=ADDR[,ADDR…]…]`: answers queries
/// for the names given (in a scenario, its `[zone]`) on UDP and TCP port P
/// (default 53), forever. Each query is printed with its answer. With
/// `--mute` it reads queries and never answers: a server that has hung,
/// for showing what a resolver does then.
pub fn dns_server(args: &[String]) {
    let (mute, args) = take_flag(args, "--mute");
    let (port, entries) = match take_option(&args, "--port") {
        Ok(got) => got,
        Err(e) => return println!("error: {e}"),
    };
    let port = match port.as_deref().map(str::parse::<u16>) {
        None => dns::PORT,
        Some(Ok(p)) => p,
        Some(Err(_)) => return println!("error: --port: not a port number"),
    };
    let zone = match Zone::from_entries(&entries) {
        Ok(zone) => zone,
        Err(e) => return println!("error: {e}"),
    };
    let bind = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port);
    let udp = match UdpSocket::bind(bind) {
        Ok(sock) => sock,
        Err(e) => return println!("error: bind udp {bind}: {e}"),
    };
    let tcp = match TcpListener::bind(bind) {
        Ok(listener) => listener,
        Err(e) => return println!("error: bind tcp {bind}: {e}"),
    };
    let port = udp.local_addr().map_or(port, |a| a.port());
    println!("serving {} names on port {port} (udp and tcp)", zone.len());
    let tcp_zone = zone.clone();
    thread::spawn(move || serve_tcp(&tcp, &tcp_zone));
    let mut buf = [0u8; dns::UDP_LIMIT];
    loop {
        let (n, from) = match udp.recv_from(&mut buf) {
            Ok(got) => got,
            Err(e) => {
                println!("error: recv_from: {e}");
                continue;
            }
        };
        if mute {
            match DnsMessage::parse(&buf[..n]) {
                Ok(q) if !q.flags.response => println!(
                    "{} from {from} over udp: not answering (--mute)",
                    questions(&q)
                ),
                _ => {}
            }
            continue;
        }
        let Some(answer) = answer(&zone, &buf[..n], from, "udp") else {
            continue;
        };
        let bytes = answer.emit_within(dns::UDP_LIMIT);
        if bytes.len() < answer.emit().len() {
            println!(
                "answer is {} bytes, over udp's {}: sent truncated (TC), ask again over tcp",
                answer.emit().len(),
                dns::UDP_LIMIT
            );
        }
        if let Err(e) = udp.send_to(&bytes, from) {
            println!("error: send_to {from}: {e}");
        }
    }
}

/// Answers each TCP client's queries, each message after its two-byte
/// length (RFC 1035 §4.2.2), until the client closes.
fn serve_tcp(listener: &TcpListener, zone: &Zone) {
    loop {
        let (mut stream, from) = match listener.accept() {
            Ok(got) => got,
            Err(e) => {
                println!("error: accept: {e}");
                continue;
            }
        };
        while let Some(query) = read_framed(&mut stream) {
            let Some(answer) = answer(zone, &query, from, "tcp") else {
                continue;
            };
            let bytes = answer.emit();
            let mut framed = (bytes.len() as u16).to_be_bytes().to_vec();
            framed.extend_from_slice(&bytes);
            if let Err(e) = stream.write_all(&framed) {
                println!("error: write to {from}: {e}");
                break;
            }
        }
    }
}

/// One length-prefixed message, or `None` at the end of the stream.
fn read_framed(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).ok()?;
    let mut message = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut message).ok()?;
    Some(message)
}

/// The answer to the query in `bytes`, after printing both; `None` for
/// bytes that are not a query.
fn answer(zone: &Zone, bytes: &[u8], from: SocketAddr, over: &str) -> Option<DnsMessage> {
    let query = match DnsMessage::parse(bytes) {
        Ok(query) => query,
        Err(e) => {
            println!("ignored {} bytes from {from} over {over}: {e}", bytes.len());
            return None;
        }
    };
    let answer = zone.answer(&query)?;
    let said = match answer.flags.rcode {
        Rcode::NO_ERROR if answer.answers.is_empty() => "no such record (NODATA)".to_string(),
        Rcode::NO_ERROR => {
            let addrs: Vec<String> = answer.addrs().iter().map(Ipv4Addr::to_string).collect();
            addrs.join(", ")
        }
        Rcode::NX_DOMAIN => "no such name (NXDOMAIN)".to_string(),
        other => format!("error {}", other.name()),
    };
    println!("{} from {from} over {over}: {said}", questions(&query));
    Some(answer)
}

/// The questions of `query`, as tcpdump writes them: `A? www.example.test.`.
fn questions(query: &DnsMessage) -> String {
    let asked: Vec<String> = query
        .questions
        .iter()
        .map(|q| format!("{}? {}.", q.qtype, q.name))
        .collect();
    asked.join(" ")
}

/// `dns-lookup [--server ADDR[:PORT]] NAME…`: prints each NAME's addresses
/// as `host` does, or the error `getaddrinfo` gives. Without `--server` it
/// asks the host's resolver, as any program's connect does.
pub fn dns_lookup(args: &[String]) {
    let (server, names) = match take_option(args, "--server") {
        Ok(got) => got,
        Err(e) => return println!("error: {e}"),
    };
    let resolver = match server.as_deref().map(parse_server).transpose() {
        Ok(r) => r,
        Err(e) => return println!("error: --server: {e}"),
    };
    if names.is_empty() {
        return println!("error: give a name to look up, like www.example.test");
    }
    for name in &names {
        let found: Result<Vec<Ipv4Addr>, String> = match resolver {
            Some(r) => r.lookup(name).map_err(|e| e.to_string()),
            None => (name.as_str(), 0)
                .to_socket_addrs()
                .map(|addrs| {
                    addrs
                        .filter_map(|a| match a {
                            SocketAddr::V4(v4) => Some(*v4.ip()),
                            SocketAddr::V6(_) => None,
                        })
                        .collect()
                })
                .map_err(|e| e.to_string()),
        };
        match found {
            Ok(addrs) => {
                for addr in addrs {
                    println!("{name} has address {addr}");
                }
            }
            Err(e) => println!("{name}: {e}"),
        }
    }
}

fn parse_server(text: &str) -> Result<Resolver, String> {
    if let Ok(addr) = text.parse::<SocketAddrV4>() {
        return Ok(Resolver::at(addr));
    }
    text.parse::<Ipv4Addr>()
        .map(Resolver::new)
        .map_err(|_| format!("`{text}` is not an IPv4 address (with an optional :port)"))
}
