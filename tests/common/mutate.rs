//! What the hostile-bytes test does to valid frames: bit flips, boundary
//! bytes, length and count fields set to 0, one short, the maximum or past
//! the end, truncation at layer and option boundaries, splices; and the
//! checksum repair that lets a mutated frame past the checksum checks to
//! the parsing behind them.

#![allow(dead_code)]

use std::net::Ipv4Addr;

use simnet::wire::checksum;

use super::hostile::Dice;
use super::samples::{any_sample, Field, Sample, L3};

/// A boundary value for a field of `width_max` (0xff, 0xffff or 15) in a
/// buffer with `rest` bytes from the field's layer on.
fn boundary(d: &mut Dice, max: usize, rest: usize, words: bool) -> usize {
    let rest = if words { rest / 4 } else { rest };
    let value = match d.below(12) {
        0 => 0,
        1 => 1,
        2 => max,
        3 => max - 1,
        4 => rest,
        5 => rest + 1,
        6 => rest.saturating_sub(1),
        7 => d.pick(&[2, 3, 4, 5, 6, 7, 8, 19, 20, 21]),
        8 => 0x7f,
        9 => 0x80,
        10 => d.pick(&[0x7fff, 0x8000, 1480, 1500, 65_515]),
        _ => d.below(max + 1),
    };
    value.min(max)
}

/// Applies one to four mutations to `frame`: bit flips, boundary bytes,
/// fields set to extremes, truncation, extension and splices (`other` is a
/// second frame to splice from).
pub fn mutate(d: &mut Dice, sample: &Sample, other: &[u8]) -> Vec<u8> {
    let mut f = sample.frame.clone();
    for _ in 0..d.range(1, 4) {
        // Aim most mutations at the headers.
        let head = f.len().clamp(1, L3 + 60 + 60);
        let at = if d.chance(3, 4) {
            d.below(head)
        } else {
            d.below(f.len().max(1))
        };
        match d.below(10) {
            0 if !f.is_empty() => f[at] ^= 1 << d.below(8),
            1 if !f.is_empty() => f[at] = d.pick(&[0, 1, 0x7f, 0x80, 0xff]),
            2..=4 if !sample.fields.is_empty() => {
                let field = d.pick(&sample.fields);
                set_field(d, &mut f, field);
            }
            5 => {
                let cut = if d.chance(3, 4) && !sample.cuts.is_empty() {
                    (d.pick(&sample.cuts) + d.below(3)).saturating_sub(1)
                } else {
                    d.below(f.len() + 1)
                };
                f.truncate(cut);
            }
            6 => {
                let n = d.range(1, 64);
                let extra = if d.chance(1, 2) {
                    vec![0; n]
                } else {
                    d.bytes(n)
                };
                f.extend(extra);
            }
            7 if !other.is_empty() => {
                // Splice: a piece of another frame over (or into) this one.
                let from = d.below(other.len());
                let len = d.range(1, (other.len() - from).min(64));
                let piece = &other[from..from + len];
                let at = at.min(f.len());
                if d.chance(1, 2) {
                    f.splice(at..(at + len).min(f.len()), piece.iter().copied());
                } else {
                    f.splice(at..at, piece.iter().copied());
                }
            }
            8 if !f.is_empty() => {
                // Delete a range.
                let len = d.range(1, 16).min(f.len() - at);
                f.drain(at..at + len);
            }
            _ if !f.is_empty() => {
                let len = d.range(1, 8).min(f.len() - at);
                for b in &mut f[at..at + len] {
                    *b = d.byte();
                }
            }
            _ => {
                let n = d.below(40);
                f.extend(d.bytes(n));
            }
        }
    }
    f
}

fn set_field(d: &mut Dice, f: &mut [u8], field: Field) {
    match field {
        Field::Byte(at) if at < f.len() => {
            let rest = f.len() - at;
            f[at] = boundary(d, 0xff, rest, false) as u8;
        }
        Field::Word(at) if at + 1 < f.len() => {
            // A length counts from its layer's start: the IPv4 header's for
            // Total Length (at 14), the UDP header's for Length (4 before).
            let start = if d.chance(1, 2) {
                L3
            } else {
                at.saturating_sub(4)
            };
            let rest = f.len().saturating_sub(start);
            let v = boundary(d, 0xffff, rest, false) as u16;
            f[at..at + 2].copy_from_slice(&v.to_be_bytes());
        }
        Field::LowNibble(at) if at < f.len() => {
            let v = boundary(d, 15, f.len() - at, true) as u8;
            f[at] = (f[at] & 0xf0) | v;
        }
        Field::HighNibble(at) if at < f.len() => {
            let v = boundary(d, 15, f.len() - at, true) as u8;
            f[at] = (f[at] & 0x0f) | (v << 4);
        }
        _ => {}
    }
}

/// Recomputes the checksums of the IPv4 packet in `frame` (at byte 14) and
/// of its ICMP, UDP or TCP payload, as far as the lengths allow, so that a
/// mutated frame gets past the checksum checks to the code behind them.
pub fn fix_checksums(frame: &mut [u8]) {
    if let Some(ip) = frame.get_mut(L3..) {
        fix_ipv4_checksums(ip);
    }
}

/// [`fix_checksums`] for an IPv4 packet without its Ethernet header.
pub fn fix_ipv4_checksums(ip: &mut [u8]) {
    if ip.len() < 20 {
        return;
    }
    let header_len = usize::from(ip[0] & 0x0f) * 4;
    if header_len < 20 || header_len > ip.len() {
        return;
    }
    let total = usize::from(u16::from_be_bytes([ip[2], ip[3]])).clamp(header_len, ip.len());
    let src = Ipv4Addr::new(ip[12], ip[13], ip[14], ip[15]);
    let dst = Ipv4Addr::new(ip[16], ip[17], ip[18], ip[19]);
    let protocol = ip[9];
    let l4 = &mut ip[header_len..total];
    match protocol {
        1 if l4.len() >= 4 => {
            l4[2..4].fill(0);
            let c = checksum::checksum(l4);
            l4[2..4].copy_from_slice(&c.to_be_bytes());
        }
        17 if l4.len() >= 8 => {
            let len = usize::from(u16::from_be_bytes([l4[4], l4[5]]));
            if (8..=l4.len()).contains(&len) {
                l4[6..8].fill(0);
                let sum = checksum::pseudo_header_sum(src, dst, 17, len as u16)
                    + checksum::sum(&l4[..len]);
                let c = match checksum::fold(sum) {
                    0 => 0xffff,
                    c => c,
                };
                l4[6..8].copy_from_slice(&c.to_be_bytes());
            }
        }
        6 if l4.len() >= 20 => {
            l4[16..18].fill(0);
            let len = l4.len() as u16;
            let sum = checksum::pseudo_header_sum(src, dst, 6, len) + checksum::sum(l4);
            let c = checksum::fold(sum);
            l4[16..18].copy_from_slice(&c.to_be_bytes());
        }
        _ => {}
    }
    ip[10..12].fill(0);
    let c = checksum::checksum(&ip[..header_len]);
    ip[10..12].copy_from_slice(&c.to_be_bytes());
}

/// A hostile frame: random bytes (a quarter of the time), else a mutated
/// valid frame from `make`, its checksums repaired half the time.
pub fn hostile_frame(d: &mut Dice, make: fn(&mut Dice) -> Sample) -> Vec<u8> {
    if d.chance(1, 4) {
        let len = d.length(true);
        let mut f = d.bytes(len);
        // Random bytes with a plausible EtherType and IPv4 version, so that
        // some get past the first check.
        if f.len() > 14 && d.chance(1, 2) {
            f[12..14].copy_from_slice(&d.pick(&[0x0800u16, 0x0806]).to_be_bytes());
            if d.chance(1, 2) {
                f[14] = 0x40 | (f[14] & 0x0f);
                fix_checksums(&mut f);
            }
        }
        return f;
    }
    let sample = make(d);
    let other = any_sample(d).frame;
    let mut f = mutate(d, &sample, &other);
    if d.chance(1, 2) {
        fix_checksums(&mut f);
    }
    f
}
