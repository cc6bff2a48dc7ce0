//! Bad scenario files: each must fail with the exact line and column of the
//! offending value, a message that says what is wrong, and a rustc-style
//! rendering (`-->` line, source line, carets).

use simnet::scenario::{load_str, ScenarioError};

/// One bad file: where the error must point and a phrase its message must hold.
struct Case {
    text: &'static str,
    line: usize,
    column: usize,
    phrase: &'static str,
}

const fn case(text: &'static str, line: usize, column: usize, phrase: &'static str) -> Case {
    Case {
        text,
        line,
        column,
        phrase,
    }
}

/// The text of the nodes shared by the link and ping cases: lines 1–17.
macro_rules! net {
    () => {
        r#"[[host]]
name = "pc1"
ip = "192.168.1.2/24"
[[host]]
name = "pc2"
ip = "192.168.2.2/24"
[[router]]
name = "gw"
interfaces = [{ ip = "192.168.1.1/24" }, { ip = "192.168.2.1/24" }]
[[switch]]
name = "sw1"
[[link]]
a = "pc1"
b = "sw1"
[[link]]
a = "gw.eth0"
b = "sw1.eth5"
"#
    };
}

/// `net!()` followed by more lines, as one literal.
macro_rules! concat_net {
    ($more:literal) => {
        concat!(net!(), $more)
    };
}

/// The shared nodes: two hosts, a router with two interfaces, a switch,
/// and links `pc1`–`sw1` (line 12) and `gw.eth0`–`sw1.eth5` (line 15).
const NET: &str = net!();

const CASES: &[Case] = &[
    // TOML itself: syntax, types, missing and unknown keys.
    case("seed = 1\nname = \n", 2, 8, "quoted"),
    case("seed = \"one\"\n", 1, 8, "invalid type: string \"one\", expected u64"),
    case("seed = -3\n", 1, 8, "expected u64"),
    case("[[host]]\nip = \"10.0.0.1/24\"\n", 1, 1, "missing key `name`"),
    case("[[link]]\na = \"x\"\n", 1, 1, "missing key `b`"),
    case("[[ping]]\nfrom = \"x\"\n", 1, 1, "missing key `to`"),
    case("sed = 1\n", 1, 1, "unknown key `sed`"),
    case("[[hosts]]\nname = \"a\"\n", 1, 3, "unknown key `hosts`"),
    case(
        "[[host]]\nname = \"a\"\ninterfaces = [{ ip = \"10.0.0.1/24\", speed = 3 }]\n",
        3,
        37,
        "unknown key `speed`",
    ),
    case("[link_defaults]\nlatncy = \"1ms\"\n", 2, 1, "unknown key `latncy`"),
    case("[[expect]]\nsee = \"x\"\nsee = \"y\"\n", 3, 1, "duplicate key"),
    // Top-level values.
    case("time_limit = \"0s\"\n", 1, 14, "time_limit must be longer than 0s"),
    case("time_limit = \"60\"\n", 1, 14, "invalid time_limit: `60` has no unit"),
    case("max_events = 0\n", 1, 14, "max_events must be at least 1, got 0"),
    // Nodes.
    case(
        "[[host]]\nname = \"pc1\"\nip = \"10.0.0.1/24\"\n\n[[switch]]\nname = \"pc1\"\n",
        6,
        8,
        "a node named `pc1` already exists (line 2)",
    ),
    case("[[switch]]\nname = \"sw 1\"\n", 2, 8, "`sw 1` is not a valid name"),
    // A node's TCP settings.
    case(
        "[[host]]\nname = \"pc1\"\nip = \"10.0.0.1/24\"\ntcp = { sacks = false }\n",
        4,
        9,
        "unknown key `sacks`, expected one of `window_scaling`, `sack`",
    ),
    case(
        "[[host]]\nname = \"pc1\"\nip = \"10.0.0.1/24\"\ntcp = { recv_buffer = 10 }\n",
        4,
        23,
        "tcp.recv_buffer must be between 1024 and 1073741824, got 10",
    ),
    case(
        "[[host]]\nname = \"pc1\"\nip = \"10.0.0.1/24\"\ntcp = { send_buffer = 2000000000 }\n",
        4,
        23,
        "tcp.send_buffer must be between 1024",
    ),
    case(
        "[[host]]\nname = \"pc1\"\nip = \"10.0.0.1/24\"\ntcp = { sack = \"no\" }\n",
        4,
        16,
        "expected a boolean",
    ),
    case(
        "[[host]]\nname = \"pc1\"\nip = \"192.168.1.2\"\n",
        3,
        6,
        "expected an address with a prefix length, like 192.168.1.2/24",
    ),
    case("[[host]]\nname = \"a\"\nip = \"10.0.0.1/33\"\n", 3, 6, "prefix length 33 is too long"),
    case("[[host]]\nname = \"a\"\nip = \"10.0.0.256/8\"\n", 3, 6, "`10.0.0.256` is not an IPv4 address"),
    case(
        "[[host]]\nname = \"a\"\nip = \"192.168.1.0/24\"\n",
        3,
        6,
        "192.168.1.0 is the network address of 192.168.1.0/24",
    ),
    case(
        "[[host]]\nname = \"a\"\nip = \"192.168.1.255/24\"\n",
        3,
        6,
        "192.168.1.255 is the broadcast address of 192.168.1.0/24",
    ),
    case(
        "[[host]]\nname = \"a\"\nip = \"10.0.0.1/8\"\n[[router]]\nname = \"r\"\ninterfaces = [{ ip = \"10.0.0.2/8\" }, { ip = \"10.0.0.1/8\" }]\n",
        6,
        45,
        "10.0.0.1 is already the address of a.eth0 (line 3)",
    ),
    case(
        "[[host]]\nname = \"a\"\nip = \"10.0.0.1/8\"\nmac = \"02:00:00:00:00:07\"\n[[host]]\nname = \"b\"\nip = \"10.0.0.2/8\"\nmac = \"02-00-00-00-00-07\"\n",
        8,
        7,
        "02:00:00:00:00:07 is already the address of a.eth0 (line 4)",
    ),
    case("[[host]]\nname = \"a\"\nip = \"10.0.0.1/8\"\nmac = \"02:00:00\"\n", 4, 7, "six hex bytes"),
    case(
        "[[host]]\nname = \"a\"\ninterfaces = [{ name = \"e0\", ip = \"10.0.0.1/8\" }, { name = \"e0\", ip = \"11.0.0.1/8\" }]\n",
        3,
        60,
        "`a` already has an interface named `e0`",
    ),
    case(
        "[[host]]\nname = \"a\"\nip = \"10.0.0.1/8\"\ninterfaces = [{ ip = \"10.0.0.2/8\" }]\n",
        4,
        14,
        "has both `ip` and `interfaces`",
    ),
    case("[[router]]\nname = \"r\"\ngateway = \"10.0.0.1\"\n", 2, 8, "router `r` has no interface"),
    case(
        "[[host]]\nname = \"a\"\nmac = \"02:00:00:00:00:01\"\ninterfaces = [{ ip = \"10.0.0.2/8\" }]\n",
        3,
        7,
        "`mac` goes with `ip`",
    ),
    case("[[host]]\nname = \"a\"\nip = \"10.0.0.1/8\"\nmtu = 9000\n", 4, 7, "mtu must be between 68 and 1500, got 9000"),
    case(
        "[[host]]\nname = \"pc1\"\nip = \"192.168.1.2/24\"\ngateway = \"192.168.5.1\"\n",
        4,
        11,
        "gateway 192.168.5.1 is outside every subnet of pc1 (192.168.1.0/24)",
    ),
    case(
        "[[host]]\nname = \"pc1\"\nip = \"192.168.1.2/24\"\nroutes = [ { to = \"10.1.2.3/8\", via = \"192.168.1.254\" } ]\n",
        4,
        19,
        "10.1.2.3/8 has host bits set; did you mean 10.0.0.0/8?",
    ),
    case(
        "[[host]]\nname = \"pc1\"\nip = \"192.168.1.2/24\"\nroutes = [ { to = \"10.0.0.0/8\", via = \"10.0.0.1\" } ]\n",
        4,
        39,
        "route via 10.0.0.1 is outside every subnet of pc1 (192.168.1.0/24)",
    ),
    case("[[switch]]\nname = \"sw\"\naging = \"0s\"\n", 3, 9, "aging must be longer than 0s"),
    // Link parameters.
    case("[link_defaults]\nlatency = \"5 parsecs\"\n", 2, 11, "invalid latency: unknown unit `parsecs`"),
    case("[link_defaults]\nbandwidth = \"100MB\"\n", 2, 13, "invalid bandwidth: unknown unit `MB`"),
    case("[link_defaults]\nloss = 1.5\n", 2, 8, "loss must be a probability between 0 and 1"),
    case("[link_defaults]\nloss = nan\n", 2, 8, "got NaN"),
    case("[link_defaults]\nqueue = 0\n", 2, 9, "queue must be at least 1, got 0"),
    case("[link_defaults]\nduplicate = -0.1\n", 2, 13, "duplicate must be a probability between 0 and 1"),
    case("[link_defaults]\nreorder = 2.0\n", 2, 11, "reorder must be a probability between 0 and 1"),
    case("[link_defaults]\ncorrupt = 1.01\n", 2, 11, "corrupt must be a probability between 0 and 1"),
    case("[link_defaults]\nreorder_delay = \"soon\"\n", 2, 17, "invalid reorder_delay"),
    case("[link_defaults]\nreorder = 0.1\nreorder_delay = \"0s\"\n", 3, 17, "reorder needs a reorder_delay above zero"),
    // Link endpoints (NET is lines 1–17).
    case(concat_net!("[[link]]\na = \"pc3\"\nb = \"pc2\"\n"), 19, 5, "no node named `pc3` (known nodes: gw, pc1, pc2, sw1)"),
    case(concat_net!("[[link]]\na = \"pc2.eth3\"\nb = \"sw1\"\n"), 19, 5, "`pc2` has no interface `eth3` (its interfaces: eth0)"),
    case(concat_net!("[[link]]\na = \"gw\"\nb = \"pc2\"\n"), 19, 5, "`gw` has 2 interfaces (eth0, eth1); name one, like `gw.eth0`"),
    case(concat_net!("[[link]]\na = \"pc2\"\nb = \"sw1.port2\"\n"), 20, 5, "`port2` is not a switch port"),
    case(concat_net!("[[link]]\na = \"pc2\"\nb = \"sw1.eth05\"\n"), 20, 5, "`eth05` is not a switch port"),
    case(concat_net!("[[link]]\na = \"pc2\"\nb = \"sw1.\"\n"), 20, 5, "expected `node` or `node.interface`"),
    case(concat_net!("[[link]]\na = \"pc1.eth0\"\nb = \"pc2\"\n"), 19, 5, "`pc1.eth0` is already used by the link at line 12"),
    case(concat_net!("[[link]]\na = \"pc2\"\nb = \"sw1.eth5\"\n"), 20, 5, "`sw1.eth5` is already used by the link at line 15"),
    case(concat_net!("[[link]]\na = \"pc2\"\nb = \"pc2.eth0\"\n"), 20, 5, "a link cannot connect `pc2.eth0` to itself"),
    // Pings.
    case(concat_net!("[[ping]]\nfrom = \"pc9\"\nto = \"pc2\"\n"), 19, 8, "no node named `pc9`"),
    case(concat_net!("[[ping]]\nfrom = \"sw1\"\nto = \"pc2\"\n"), 19, 8, "`sw1` is a switch; a ping starts from a host or router"),
    case(concat_net!("[[ping]]\nfrom = \"pc1\"\nto = \"pc22\"\n"), 20, 6, "`pc22` is neither an IPv4 address nor a host or router (hosts and routers: gw, pc1, pc2)"),
    case(concat_net!("[[ping]]\nfrom = \"pc1\"\nto = \"sw1\"\n"), 20, 6, "`sw1` is a switch and has no address"),
    case("[[ping]]\nfrom = \"a\"\nto = \"b\"\ncount = 0\n", 4, 9, "count must be between 1 and 65535, got 0"),
    case("[[ping]]\nfrom = \"a\"\nto = \"b\"\nttl = 0\n", 4, 7, "ttl must be between 1 and 255, got 0"),
    case("[[ping]]\nfrom = \"a\"\nto = \"b\"\nsize = 65508\n", 4, 8, "size must be between 0 and 65507, got 65508"),
    case("[[ping]]\nfrom = \"a\"\nto = \"b\"\ninterval = \"1 fortnight\"\n", 4, 12, "invalid interval"),
    case("[[ping]]\nfrom = \"a\"\nto = \"b\"\nexpect_received = 4\n", 4, 19, "expect_received is 4 but the ping sends only 3 requests"),
    case("time_limit = \"10s\"\n[[ping]]\nfrom = \"a\"\nto = \"b\"\nat = \"10s\"\n", 5, 6, "not before the time limit (10s)"),
    case("[[ping]]\nfrom = \"a\"\nto = \"b\"\nat = \"2m\"\n", 4, 6, "the ping starts at 120s, not before the time limit (60s)"),
    // Runs.
    case(concat_net!("[[run]]\nhost = \"pc9\"\nprogram = \"echo\"\n"), 19, 8, "no host named `pc9` (hosts: pc1, pc2)"),
    case(concat_net!("[[run]]\nhost = \"gw\"\nprogram = \"echo\"\n"), 19, 8, "`gw` is a router; programs run on hosts (hosts: pc1, pc2)"),
    case(concat_net!("[[run]]\nhost = \"sw1\"\nprogram = \"echo\"\n"), 19, 8, "`sw1` is a switch; programs run on hosts (hosts: pc1, pc2)"),
    case("[[run]]\nhost = \"pc1\"\nprogram = \"echo\"\n", 2, 8, "no host named `pc1` (the scenario defines no hosts)"),
    // The list of programs grows; `unknown_programs_are_listed` checks all of it.
    case(concat_net!("[[run]]\nhost = \"pc2\"\nprogram = \"ecoh\"\n"), 20, 11, "no program named `ecoh` (known programs: "),
    case(concat_net!("[[run]]\nhost = \"pc2\"\nprogram = \"ecoh\"\n"), 20, 11, "); did you mean `echo`?"),
    case("[[run]]\nhost = \"a\"\nprogram = \"echo\"\nat = \"soon\"\n", 4, 6, "invalid at: "),
    case("time_limit = \"10s\"\n[[run]]\nhost = \"a\"\nprogram = \"echo\"\nat = \"10s\"\n", 5, 6, "`echo` starts at 10s, not before the time limit (10s); it would never run"),
    case("[[run]]\nhost = \"a\"\nprogram = \"echo\"\nat = \"2m\"\n", 4, 6, "`echo` starts at 120s, not before the time limit (60s)"),
    case("[[run]]\nhost = \"a\"\nat = \"2m\"\nprogram = \"nope\"\n", 3, 6, "not before the time limit"),
    case("[[run]]\nhost = \"a\"\nprogram = \"nope\"\nat = \"2m\"\n", 3, 11, "no program named `nope`"),
    // A wrong program is found before a wrong host, wherever it stands.
    case(concat_net!("[[run]]\nhost = \"pc9\"\nprogram = \"nope\"\n"), 20, 11, "no program named `nope`"),
    case("[[run]]\nhost = \"a\"\n", 1, 1, "missing key `program`"),
    case("[[run]]\nprogram = \"echo\"\n", 1, 1, "missing key `host`"),
    case("[[run]]\nhost = \"a\"\nprogram = \"echo\"\nargv = [\"x\"]\n", 4, 1, "unknown key `argv`"),
    case("[[run]]\nhost = \"a\"\nprogram = \"echo\"\nargs = [7852]\n", 4, 9, "invalid type: integer `7852`, expected a string"),
    case("[[run]]\nhost = \"a\"\nprogram = \"echo\"\nargs = \"x y\"\n", 4, 8, "expected a sequence"),
    // Expectations.
    case("[[expect]]\nsee = \"x\"\nabsent = \"y\"\n", 3, 10, "takes one of"),
    case("[[expect]]\nnever = \"x\"\nsee = \"y\"\n", 3, 7, "takes one of"),
    case("[[expect]]\n\n[[expect]]\n", 1, 1, "an [[expect]] needs `see"),
    case("[[expect]]\nsee = \"\"\n", 2, 7, "this pattern matches every line"),
    case("[[expect]]\nabsent = \"**\"\n", 2, 10, "this pattern matches every line"),
    // The first problem in file order wins, whatever the kind.
    case(
        "[link_defaults]\nqueue = 0\n[[host]]\nname = \"a\"\nip = \"10.0.0.0/8\"\n",
        2,
        9,
        "queue must be at least 1",
    ),
    case(
        "[[host]]\nname = \"a\"\nip = \"10.0.0.0/8\"\n[link_defaults]\nqueue = 0\n",
        3,
        6,
        "network address",
    ),
];

fn check(index: usize, case: &Case) -> Result<(), String> {
    let err: ScenarioError = match load_str(case.text, "bad.toml") {
        Ok(_) => return Err("loaded without error".to_string()),
        Err(e) => e,
    };
    let rendered = err.to_string();
    let got = (err.line, err.column);
    if got != (case.line, case.column) || !err.message.contains(case.phrase) {
        return Err(format!(
            "case {index}: want {}:{} containing {:?}\n{rendered}",
            case.line, case.column, case.phrase
        ));
    }
    let pad = " ".repeat(err.line.to_string().len());
    let arrow = format!("\n{pad}--> bad.toml:{}:{}\n", err.line, err.column);
    let carets = format!(
        "\n{pad} | {}{}",
        " ".repeat(err.column - 1),
        "^".repeat(err.span_len)
    );
    if !rendered.starts_with("error: ")
        || !rendered.contains(&arrow)
        || !rendered.ends_with(&carets)
    {
        return Err(format!("case {index}: badly rendered:\n{rendered}"));
    }
    Ok(())
}

#[test]
fn every_bad_file_points_at_its_mistake() {
    let failures: Vec<String> = CASES
        .iter()
        .enumerate()
        .filter_map(|(i, c)| check(i, c).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_shared_network_is_valid() {
    let s = load_str(NET, "net.toml").expect("NET must load");
    assert_eq!(s.links[0].b.iface, "eth0");
}

#[test]
fn the_checker_notices_a_wrong_position() {
    let wrong = case("max_events = 0\n", 1, 1, "max_events");
    assert!(check(0, &wrong).is_err());
    let wrong_phrase = case("max_events = 0\n", 1, 14, "no such phrase");
    assert!(check(0, &wrong_phrase).is_err());
    let valid = case("", 1, 1, "");
    assert!(check(0, &valid).is_err());
}

#[test]
fn renders_the_brief_example() {
    let text = concat_net!("[[link]]\na = \"pc3\"\nb = \"pc2\"\n");
    let err = load_str(text, "scenarios/x.toml").unwrap_err();
    assert_eq!(
        err.to_string(),
        "error: no node named `pc3` (known nodes: gw, pc1, pc2, sw1)\n  --> scenarios/x.toml:19:5\n   |\n19 | a = \"pc3\"\n   |     ^^^^^"
    );
}

#[test]
fn unknown_programs_are_listed_with_a_suggestion_only_when_one_is_close() {
    let known: Vec<&str> = simnet::programs::all().iter().map(|p| p.name).collect();
    assert!(known.contains(&"echo"));
    let file = |program: &str| {
        let text = format!("{NET}[[run]]\nhost = \"pc2\"\nprogram = \"{program}\"\n");
        load_str(&text, "bad.toml").unwrap_err().message
    };
    let listed = format!("(known programs: {})", known.join(", "));
    assert_eq!(
        file("ecoh"),
        format!("no program named `ecoh` {listed}; did you mean `echo`?")
    );
    assert_eq!(
        file("Echo"),
        format!("no program named `Echo` {listed}; did you mean `echo`?")
    );
    assert_eq!(file("cat"), format!("no program named `cat` {listed}"));
}

#[test]
fn renders_a_bad_run_host() {
    let text = concat_net!("[[run]]\nhost = \"gw\"\nprogram = \"echo\"\n");
    let err = load_str(text, "scenarios/x.toml").unwrap_err();
    assert_eq!(
        err.to_string(),
        "error: `gw` is a router; programs run on hosts (hosts: pc1, pc2)\n  --> scenarios/x.toml:19:8\n   |\n19 | host = \"gw\"\n   |        ^^^^"
    );
}
