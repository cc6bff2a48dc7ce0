//! Matching a trace line against a [`Pattern`]: `*` matches any run of
//! characters, everything else matches itself, anywhere in the line.

use super::model::Pattern;

impl Pattern {
    /// Whether the pattern matches some part of `line`.
    ///
    /// The pattern behaves as if written `*pattern*`. The match is the
    /// classic greedy wildcard walk: on a mismatch, only the most recent `*`
    /// is given one more character, so the cost is at most the product of
    /// the two lengths, never exponential.
    pub fn matches(&self, line: &str) -> bool {
        wildcard_substring(self.text.as_bytes(), line.as_bytes())
    }
}

/// Byte-wise wildcard search. Comparing bytes is exact for UTF-8: a literal
/// run of whole characters only ever matches whole characters.
fn wildcard_substring(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    // Where to resume after the last `*`: the pattern index after it and
    // the text index it was last tried from. The implicit leading `*`
    // resumes at (0, 0).
    let (mut star_p, mut star_t) = (0, 0);
    loop {
        match pattern.get(p) {
            // The implicit trailing `*` takes the rest of the line.
            None => return true,
            Some(b'*') => {
                p += 1;
                star_p = p;
                star_t = t;
            }
            Some(c) if text.get(t) == Some(c) => {
                p += 1;
                t += 1;
            }
            Some(_) => {
                if star_t >= text.len() {
                    return false;
                }
                star_t += 1;
                p = star_p;
                t = star_t;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, line: &str) -> bool {
        Pattern {
            text: pattern.to_string(),
            origin: String::new(),
        }
        .matches(line)
    }

    #[test]
    fn literal_substring() {
        assert!(matches("ARP", "0.001 pc1.eth0 > ARP who-has"));
        assert!(matches("who-has", "ARP who-has"));
        assert!(!matches("ARP reply", "ARP who-has"));
        assert!(matches("", "anything"));
        assert!(matches("", ""));
        assert!(!matches("x", ""));
        assert!(matches("has", "has"));
    }

    #[test]
    fn stars() {
        let p = "pc1.eth0 > * ARP who-has 192.168.1.1 tell 192.168.1.2";
        assert!(matches(
            p,
            "1.000 pc1.eth0 > ff:ff:ff:ff:ff:ff ARP who-has 192.168.1.1 tell 192.168.1.2"
        ));
        assert!(!matches(
            p,
            "1.000 pc1.eth0 < ff ARP who-has 192.168.1.1 tell 192.168.1.2"
        ));
        assert!(matches("a*b*c", "xxaxxbxxcxx"));
        assert!(!matches("a*b*c", "xxaxxcxxbxx"));
        assert!(matches("a*", "a"));
        assert!(matches("*", ""));
        assert!(matches("a**b", "ab"));
        assert!(matches("ab*ab*c", "abababababc"));
        assert!(!matches("ab*abd", "abababab"));
        // `.` and other regex characters are literal.
        assert!(!matches("1.1", "1x1"));
        assert!(matches("é*ü", "aéxüb"));
    }

    #[test]
    fn no_exponential_blowup() {
        let line = "a".repeat(5_000);
        let pattern = format!("{}b", "a*".repeat(50));
        assert!(!matches(&pattern, &line));
    }
}
