//! Seed 002, "FeiQ": one IPMsg datagram sent to a whole subnet, and a
//! receiver that takes such datagrams apart.
//!
//! FeiQ and IPMsg chat clients listen on UDP port 2425 and read a datagram
//! of colon-separated text: `version:packet-no:user:host:command:text`.
//! The Chinese clients encode it GBK, not UTF-8.

use encoding_rs::GBK;

use super::args::{nth, take_flag};
use super::udp_first_steps::bytes_repr;
use crate::net::UdpSocket;
use crate::println;

/// The port FeiQ and IPMsg listen on.
const PORT: u16 = 2425;

/// The seed's datagram header: version 99, packet number 12345, user
/// `lajos` on host `windows`, command 32 (`IPMSG_SENDMSG`, 0x20: "send a
/// message"). A real client numbers its packets; a fixed one keeps every
/// run the same.
const HEADER: &str = "99:12345:lajos:windows:32";

/// The IPMsg datagram carrying `text`, encoded GBK.
pub fn packet(text: &str) -> Vec<u8> {
    // `encode` answers a character GBK lacks with an HTML escape (`&#NNNN;`)
    // as WHATWG says; the datagram still goes.
    let datagram = format!("{HEADER}:{text}");
    GBK.encode(&datagram).0.into_owned()
}

/// `feiq-sender [--broadcast] [SUBNET] [TEXT]`: sends one FeiQ message to
/// every address SUBNET.1 … SUBNET.254 on port 2425 (default subnet
/// `192.168.1`), or with `--broadcast` once to 255.255.255.255.
pub fn feiq_sender(args: &[String]) {
    let (broadcast, args) = take_flag(args, "--broadcast");
    let subnet = nth(&args, 0, "192.168.1");
    let text = nth(&args, 1, "您好，欢迎进入飞秋");
    let data = packet(text);
    // No connection, so no need to know who is there: the datagram is
    // simply sent to each address, and whoever listens on 2425 gets it.
    let sock = match UdpSocket::bind("0.0.0.0:0") {
        Ok(sock) => sock,
        Err(e) => return println!("error: bind 0.0.0.0:0: {e}"),
    };
    if broadcast {
        // One datagram to 255.255.255.255 reaches every host of the local
        // network, but only once the socket asks for it (SO_BROADCAST):
        // without it, sending to a broadcast address is refused.
        if let Err(e) = sock.set_broadcast(true) {
            return println!("error: set_broadcast: {e}");
        }
        let to = format!("255.255.255.255:{PORT}");
        match sock.send_to(&data, &to) {
            Ok(n) => println!("sent {n} bytes to {to}"),
            Err(e) => println!("error: send_to {to}: {e}"),
        }
        return;
    }
    // The seed's way: one datagram per address, .1 to .254 (.0 names the
    // network and .255 is its broadcast address).
    let mut sent = 0;
    for i in 1..=254 {
        let to = format!("{subnet}.{i}:{PORT}");
        match sock.send_to(&data, &to) {
            Ok(n) => sent = n,
            Err(e) => return println!("error: send_to {to}: {e}"),
        }
    }
    println!("sent {sent} bytes to {subnet}.1-254:{PORT}");
}

/// `feiq-receiver [COUNT]`: listens on port 2425, takes COUNT datagrams
/// (default 1) apart as IPMsg packets, and returns.
pub fn feiq_receiver(args: &[String]) {
    let count: usize = match nth(args, 0, "1").parse() {
        Ok(n) => n,
        Err(e) => return println!("error: COUNT: {e}"),
    };
    let bind = format!("0.0.0.0:{PORT}");
    let sock = match UdpSocket::bind(&bind) {
        Ok(sock) => sock,
        Err(e) => return println!("error: bind {bind}: {e}"),
    };
    let mut buf = [0u8; 1024];
    for _ in 0..count {
        let (n, from) = match sock.recv_from(&mut buf) {
            Ok(got) => got,
            Err(e) => return println!("error: recv_from: {e}"),
        };
        // GBK back to text: the same table as the sender's, or the Chinese
        // comes out garbled.
        let (text, _, _) = GBK.decode(&buf[..n]);
        // The message text comes last and may itself hold colons.
        let fields: Vec<&str> = text.splitn(6, ':').collect();
        match fields[..] {
            [v, no, user, host, command, text] => println!(
                "from {from}: version={v} packet={no} user={user} host={host} \
                 command={command} text={text}"
            ),
            _ => println!(
                "from {from}: not an IPMsg packet: {}",
                bytes_repr(&buf[..n])
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_gives_two_bytes_per_chinese_character() {
        assert_eq!(GBK.encode("你好").0.as_ref(), [0xc4, 0xe3, 0xba, 0xc3]);
        let data = packet("你好");
        assert_eq!(&data[..26], b"99:12345:lajos:windows:32:");
        assert_eq!(&data[26..], [0xc4, 0xe3, 0xba, 0xc3]);
        assert_eq!(GBK.decode(&data).0, "99:12345:lajos:windows:32:你好");
    }

    #[test]
    fn the_seed_greeting_is_44_bytes() {
        // 26 bytes of ASCII header and 9 characters of 2 bytes each.
        assert_eq!(packet("您好，欢迎进入飞秋").len(), 44);
    }
}
