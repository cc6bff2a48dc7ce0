//! What a lesson's programs printed, in a form that compares across
//! backends: `host program: text`, one line each, no timestamps.

pub use crate::net::loopback::Line;

/// The lines of each program in the order it printed them, programs in
/// order of their first line: what stays the same between two runs of a
/// lesson on different backends, where programs interleave differently.
pub fn per_program(lines: &[Line]) -> Vec<(String, String, Vec<String>)> {
    let mut programs: Vec<(String, String, Vec<String>)> = Vec::new();
    for line in lines {
        let slot = programs
            .iter_mut()
            .find(|(h, p, _)| *h == line.host && *p == line.program);
        match slot {
            Some((_, _, texts)) => texts.push(normalise(&line.text)),
            None => programs.push((
                line.host.clone(),
                line.program.clone(),
                vec![normalise(&line.text)],
            )),
        }
    }
    programs.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    programs
}

/// `text` with each ephemeral port (a number of 32768 or more after a
/// colon: Linux hands out 32768–60999, simnet 49152–65535) written `PORT`,
/// so that two runs' transcripts compare equal.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(colon) = rest.find(':') {
        out.push_str(&rest[..=colon]);
        rest = &rest[colon + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let ephemeral = rest[..digits]
            .parse::<u32>()
            .is_ok_and(|port| (32768..=65535).contains(&port));
        if ephemeral && !rest[digits..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
            out.push_str("PORT");
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ephemeral_ports_are_normalised_and_fixed_ones_kept() {
        assert_eq!(
            normalise("from 192.168.1.2:49152: hi, 10.0.0.1:7852 and 127.3.4.1:60999"),
            "from 192.168.1.2:PORT: hi, 10.0.0.1:7852 and 127.3.4.1:PORT"
        );
        assert_eq!(normalise("text: 40000 bytes"), "text: 40000 bytes");
        assert_eq!(normalise("time 12:34:56"), "time 12:34:56");
        assert_eq!(normalise("port :123456"), "port :123456");
    }

    #[test]
    fn programs_keep_their_own_order_whatever_the_interleaving() {
        let line = |host: &str, program: &str, text: &str| Line {
            host: host.into(),
            program: program.into(),
            text: text.into(),
        };
        let a = [
            line("pc2", "server", "got 1"),
            line("pc1", "client", "sent 1"),
            line("pc2", "server", "got 2"),
        ];
        let b = [
            line("pc1", "client", "sent 1"),
            line("pc2", "server", "got 1"),
            line("pc2", "server", "got 2"),
        ];
        assert_eq!(per_program(&a), per_program(&b));
        assert_ne!(per_program(&a[..2]), per_program(&b));
    }
}
