# simnet: fields, en. See src/i18n.rs.
# The frame dissection (src/wire/dissect/): layer names, summaries, and for
# each field `field-KEY` (its label) and `field-KEY-meaning` (one sentence
# for a beginner, with the field's `$value`).

## Layers

layer-eth = Ethernet II
layer-arp = ARP
layer-ip = IPv4
layer-icmp = ICMP
layer-udp = UDP
layer-tcp = TCP
layer-data = Data
layer-ip-fragment = Fragment data

## Summaries

summary-truncated = { $layer } header truncated at byte { $offset }: { $got } of { $need } bytes
summary-malformed = { $layer } header malformed at byte { $offset }: { $reason }
summary-data = { $len } bytes
summary-eth = { $src } > { $dst }, { $type }
summary-arp = { $op ->
    [request] { $gratuitous ->
        [yes] Gratuitous ARP: { $spa } announces it is at { $sha }
       *[no] Who has { $tpa }? Tell { $spa }
    }
    [reply] { $spa } is at { $sha }
   *[other] Unknown opcode: { $spa } ({ $sha }) to { $tpa }
}
summary-arp-malformed = ARP for another kind of network, or malformed at byte { $offset }: addresses of { $hlen } and { $plen } bytes, not Ethernet's 6 and IPv4's 4
summary-ip = { $src } > { $dst }, TTL { $ttl }, { $proto } { $notes }
summary-note-bad-checksum = [wrong checksum]
summary-note-cut = [cut short: total length { $total }, only { $got } bytes here]
summary-note-short = [total length { $total } is shorter than the header]
summary-note-fragment = [fragment at byte { $offset } of the datagram{ $more ->
    [yes] , more follow
   *[no] , the last one
}]
summary-note-udp-length = [UDP length { $len } does not fit the { $got } bytes here]
summary-udp = { $sport } > { $dport }{ $service }, { $len } bytes of data { $notes }
summary-tcp = { $sport } > { $dport }{ $service } [{ $flags }] seq { $seq }{ $hasack ->
    [yes] , ack { $ack }
   *[no] {""}
}, win { $win }, { $len } bytes of data { $notes }

reason-ip-version = the version is not 4
reason-ip-ihl = the header length (IHL) is below 5 words (20 bytes)
reason-tcp-hdrlen = the data offset is below 5 words (20 bytes)

## Values

value-bytes = { $n ->
    [one] 1 byte
   *[other] { $n } bytes
}
value-data = { $len } bytes { $preview }
value-checksum = { $stored } { $status ->
    [correct] [correct]
    [wrong] [wrong, expected { $expected }]
    [none] [none]
   *[unverified] [not checked]
}
maker-broadcast = broadcast, no maker
maker-local = locally administered, no maker
maker-unknown = maker not in simnet's small table
arp-op-name = { $op ->
    [request] request
    [reply] reply
    [rarp-request] RARP request
    [rarp-reply] RARP reply
   *[other] unknown
}
icmp-type-name = { $type ->
    [echo-reply] Echo reply
    [unreachable] Destination unreachable
    [source-quench] Source quench
    [redirect] Redirect
    [echo-request] Echo request
    [router-advert] Router advertisement
    [router-solicit] Router solicitation
    [time-exceeded] Time exceeded
    [param-problem] Parameter problem
    [timestamp] Timestamp request
    [timestamp-reply] Timestamp reply
   *[other] Unknown type
}
icmp-code-name = { $type ->
    [unreachable] { $code ->
        [c0] network unreachable
        [c1] host unreachable
        [c2] protocol unreachable
        [c3] port unreachable
        [c4] fragmentation needed but DF set
        [c5] source route failed
        [c6] destination network unknown
        [c7] destination host unknown
        [c9] network administratively prohibited
        [c10] host administratively prohibited
        [c13] communication administratively prohibited
       *[other] unknown code
    }
    [time-exceeded] { $code ->
        [c0] TTL exceeded in transit
        [c1] fragment reassembly time exceeded
       *[other] unknown code
    }
    [redirect] { $code ->
        [c0] for the network
        [c1] for the host
        [c2] for the type of service and network
        [c3] for the type of service and host
       *[other] unknown code
    }
   *[other] { $code ->
        [c0] code 0
       *[other] unknown code
    }
}
addr-class = Class { $class } ({ $class ->
    [A] first bit 0: the first byte names the network, 0 to 127
    [B] first bits 10: the first two bytes name the network, 128 to 191
    [C] first bits 110: the first three bytes name the network, 192 to 223
    [D] first bits 1110: multicast, 224 to 239
   *[E] first bits 1111: reserved, 240 to 255
}).
addr-note-this-network = It is in 0.0.0.0/8, "this network": a host uses it only as a source, before it knows its own address (RFC 1122).
addr-note-private = It is a private address (RFC 1918): anyone may use it inside their own network, and no router on the Internet forwards it.
addr-note-shared = It is shared address space for carrier-grade NAT (RFC 6598), 100.64.0.0/10.
addr-note-loopback = It is a loopback address (127.0.0.0/8): the packet never leaves the host.
addr-note-link-local = It is link-local (169.254.0.0/16, RFC 3927): a host picks one itself when nobody gave it an address, and routers do not forward it.
addr-note-documentation = It is reserved for examples in documentation (RFC 5737).
addr-note-multicast = It is a multicast group (class D): every host that joined the group takes the packet.
addr-note-reserved = It is class E, reserved for future use: hosts neither send to it nor accept it.
addr-note-broadcast = It is the limited broadcast address: every host on this segment takes the packet, and no router forwards it.

## Rendering

render-range = bytes { $first }-{ $last }
render-bit = @{ $offset } bit { $bit }
render-bits = @{ $offset } bits { $first }-{ $last }

## Raw bytes

field-data = Data
field-data-meaning = { $len } bytes that simnet does not take apart further.
field-udp-data = Data
field-udp-data-meaning = The { $len } bytes the sending program passed to sendto(): UDP delivers them as one message, unchanged.
field-tcp-data = Data
field-tcp-data-meaning = { $len } bytes of the sender's byte stream; TCP numbers every byte, and the first of these is the sequence number above.
field-icmp-data = Data
field-icmp-data-meaning = { $len } bytes of echo data: the reply carries back exactly the same bytes.
field-ip-fragment = Fragment data
field-ip-fragment-meaning = { $len } bytes from the middle or end of a larger datagram; only the first fragment holds the UDP or TCP header, so these are not taken apart until all fragments are reassembled.

## Ethernet II (IEEE 802.3)

field-eth-dst = Destination
field-eth-dst-meaning = The MAC address of the station the frame is for. { $kind ->
    [broadcast] ff:ff:ff:ff:ff:ff is broadcast: every station on this segment takes the frame, and a switch floods it out of every port.
    [multicast] The group bit is set: every station that listens to this multicast group takes the frame.
    [zero] All zeros is no real station.
   *[unicast] One station ({ $maker }); the others drop the frame, and a switch sends it only out of the port where it learned this address.
}
field-eth-src = Source
field-eth-src-meaning = The MAC address of the station that sent the frame ({ $maker }); switches learn from it which port leads to the sender.
field-eth-oui = Maker (OUI)
field-eth-oui-meaning = The first six hex digits name the maker of the network card. { $known ->
    [yes] This one is { $maker }.
   *[no] Here: { $maker }.
}
field-eth-lg = U/L bit (locally administered)
field-eth-lg-meaning = { $kind ->
    [broadcast] 1, as every bit of the broadcast address.
   *[other] { $local ->
        [yes] 1: someone chose this address by hand or by software (as simnet does), it was not burnt in by a maker.
       *[no] 0: a universal address, assigned by the maker named by the OUI.
    }
}
field-eth-ig = I/G bit (group)
field-eth-ig-meaning = { $group ->
    [yes] 1: a group address (multicast or broadcast): many stations may take the frame.
   *[no] 0: an individual address: one station.
}
field-eth-type = EtherType
field-eth-type-meaning = Which protocol the payload holds, so the receiver knows whom to hand it to: { $kind ->
    [ipv4] 0x0800 is IPv4.
    [arp] 0x0806 is ARP, asking or telling which MAC address has an IP address.
    [ipv6] 0x86dd is IPv6, which simnet does not take apart.
    [vlan] 0x8100 is an IEEE 802.1Q VLAN tag, which simnet does not take apart.
    [length] a value below 0x0600 is an IEEE 802.3 length, not a type.
   *[other] a type simnet does not know.
}
field-eth-padding = Padding
field-eth-padding-meaning = { $why ->
    [minimum] { $len } bytes that carry nothing: an Ethernet frame is at least 60 bytes (64 with the checksum), so the sender filled a short frame up.
   *[extra] { $len } bytes after the packet's end that carry nothing for it.
}

## ARP (RFC 826)

field-arp-htype = Hardware type
field-arp-htype-meaning = { $kind ->
    [ethernet] 1: the hardware addresses are Ethernet MAC addresses.
   *[other] { $value }: not Ethernet, which simnet does not speak.
}
field-arp-ptype = Protocol type
field-arp-ptype-meaning = { $kind ->
    [ipv4] 0x0800: the addresses being resolved are IPv4 addresses.
   *[other] { $value }: not IPv4.
}
field-arp-hlen = Hardware address length
field-arp-hlen-meaning = { $value } bytes per hardware address (a MAC address is 6).
field-arp-plen = Protocol address length
field-arp-plen-meaning = { $value } bytes per protocol address (an IPv4 address is 4).
field-arp-op = Opcode
field-arp-op-meaning = { $op ->
    [request] 1, a request: "who has the target IP address? Tell me."
    [reply] 2, a reply: "the sender IP address is at the sender MAC address."
   *[other] { $value }: not a plain ARP request or reply.
}
field-arp-sha = Sender MAC address
field-arp-sha-meaning = The asker's (or answerer's) MAC address ({ $maker }); the receiver puts it in its ARP cache.
field-arp-spa = Sender IP address
field-arp-spa-meaning = { $op ->
    [reply] The address that was asked about: it belongs to the sender MAC address.
   *[other] The sender's own IP address, so the target can answer and cache it.
}
field-arp-tha = Target MAC address
field-arp-tha-meaning = { $zero ->
    [yes] All zeros: this is exactly what the request asks for.
   *[no] { $op ->
        [reply] The asker's MAC address: the reply goes straight back to it.
       *[other] The target's MAC address, as the sender believes it.
    }
}
field-arp-tpa = Target IP address
field-arp-tpa-meaning = { $op ->
    [request] The IP address whose MAC address the sender wants; only the host that has it answers.
   *[other] The IP address of the station the message is for.
}

## IPv4 (RFC 791)

field-ip-version = Version
field-ip-version-meaning = The IP version: 4 here; a receiver drops anything else.
field-ip-ihl = Header length (IHL)
field-ip-ihl-meaning = The header's length in 4-byte words: { $len } bytes{ $len ->
    [20] , the usual header with no options.
   *[other] , including options.
}
field-ip-tos = Type of service (DSCP/ECN)
field-ip-tos-meaning = Priority and congestion marks for routers; most hosts send 0.
field-ip-dscp = DSCP
field-ip-dscp-meaning = { $dscp ->
    [0] 0: ordinary best-effort traffic.
    [46] 46: expedited forwarding, for voice.
   *[other] { $value }: a class of service routers may prioritise (RFC 2474).
}
field-ip-ecn = ECN
field-ip-ecn-meaning = { $ecn ->
    [0] 0: the sender does not use explicit congestion notification.
    [3] 3: a router on the way was congested and marked the packet instead of dropping it (RFC 3168).
   *[other] { $value }: the sender can take congestion marks (RFC 3168).
}
field-ip-len = Total length
field-ip-len-meaning = { $status ->
    [beyond] The whole packet should be { $value } bytes, header and data, but only { $got } are here: it was cut short.
    [short] { $value } bytes is less than the { $header }-byte header itself: the packet is malformed.
   *[ok] The whole packet, header and data, is { $value } bytes; anything after it in the frame is padding.
}
field-ip-id = Identification
field-ip-id-meaning = A number the sender gives each datagram, so the fragments of one datagram can be put together again.
field-ip-flags = Flags
field-ip-flags-meaning = Three bits about fragmentation.
field-ip-flags-rb = Reserved bit
field-ip-flags-rb-meaning = { $set ->
    [yes] 1, but this bit must be 0.
   *[no] 0, as it must be.
}
field-ip-flags-df = Don't fragment (DF)
field-ip-flags-df-meaning = { $set ->
    [yes] 1: a router must not split this packet; if it is too big for the next link, the router drops it and says so with ICMP.
   *[no] 0: routers may split this packet into fragments if a link's MTU is too small.
}
field-ip-flags-mf = More fragments (MF)
field-ip-flags-mf-meaning = { $set ->
    [yes] 1: more fragments of this datagram follow.
   *[no] 0: this is the last (or only) piece of the datagram.
}
field-ip-frag = Fragment offset
field-ip-frag-meaning = Where this piece's data starts in the original datagram, in units of 8 bytes: byte { $bytes }{ $bytes ->
    [0] , the start.
   *[other] , so this is a later fragment.
}
field-ip-ttl = Time to live (TTL)
field-ip-ttl-meaning = Every router subtracts 1 and drops the packet when it reaches 0, so a packet caught in a routing loop does not circle forever; { $value } hops are left{ $ttl ->
    [64] , the start value of Linux and macOS.
    [128] , the start value of Windows.
    [0] : the next router drops it.
   *[other] .
}
field-ip-proto = Protocol
field-ip-proto-meaning = Which protocol the data holds: { $name ->
    [ICMP] 1 is ICMP, IP's messages about errors and echo (ping).
    [TCP] 6 is TCP, a reliable byte stream.
    [UDP] 17 is UDP, single messages.
   *[other] { $value }.
}
field-ip-checksum = Header checksum
field-ip-checksum-meaning = A checksum of the header only, recomputed by every router because the TTL changes: { $status ->
    [correct] it matches, the header is intact.
    [wrong] it does NOT match; it should be { $expected }, so a receiver drops this packet.
    [none] the header is incomplete.
   *[unverified] the header is incomplete, so it cannot be checked.
}
field-ip-src = Source address
field-ip-src-meaning = The IP address of the host that sent the packet. { $class } { $notes }
field-ip-dst = Destination address
field-ip-dst-meaning = The IP address of the host the packet is for; routers forward by it. { $class } { $notes }
field-ip-options = Options
field-ip-options-meaning = { $len } bytes of options between the fixed header and the data; rare today.
field-ip-opt = Option
field-ip-opt-meaning = { $kind ->
    [0] End of the option list.
    [1] No operation: one byte of filler between options.
    [7] Record route: each router writes its address here.
    [68] Timestamp: each router writes the time here.
    [148] Router alert: routers should look at this packet more closely.
   *[other] An option of kind { $kind }.
}

## ICMP (RFC 792)

field-icmp-type = Type
field-icmp-type-meaning = What kind of message this is: { $type ->
    [echo-request] 8, an echo request, what ping sends.
    [echo-reply] 0, an echo reply, the answer to a ping.
    [unreachable] 3, destination unreachable: the packet quoted below could not be delivered.
    [time-exceeded] 11, time exceeded: the quoted packet's TTL reached 0 on the way (traceroute uses this).
    [redirect] 5, redirect: a router tells the sender of a better first hop.
    [source-quench] 4, source quench: an old request to slow down, no longer used.
    [param-problem] 12, parameter problem: something in the quoted header was wrong.
   *[other] { $value }.
}
field-icmp-code = Code
field-icmp-code-meaning = The detail within the type: { $value }.
field-icmp-checksum = Checksum
field-icmp-checksum-meaning = A checksum of the whole ICMP message: { $status ->
    [correct] it matches, the message is intact.
    [wrong] it does NOT match; it should be { $expected }, so the receiver drops this message.
   *[other] it cannot be checked, because the whole message is not here.
}
field-icmp-id = Identifier
field-icmp-id-meaning = Chosen by the pinging program and copied into the reply, so the reply finds its way back to that program.
field-icmp-seq = Sequence number
field-icmp-seq-meaning = Counts the echo requests (1, 2, 3…); the reply carries the same number, which is how ping matches replies and sees losses.
field-icmp-gateway = Gateway address
field-icmp-gateway-meaning = The better router to send to for this destination: { $value }.
field-icmp-pointer = Pointer
field-icmp-pointer-meaning = The byte of the quoted header where the problem is: byte { $value }.
field-icmp-unused = Unused
field-icmp-unused-meaning = Four bytes this type does not use; the sender sets them to 0.
field-icmp-mtu = Next-hop MTU
field-icmp-mtu-meaning = The largest packet the next link takes: { $value } bytes; the sender should send smaller packets (RFC 1191).
field-icmp-quoted = Quoted packet
field-icmp-quoted-meaning = The first { $len } bytes of the packet that caused this error: its IP header and first 8 bytes of data, enough for the sender to find the socket it came from.

## UDP (RFC 768)

field-udp-srcport = Source port
field-udp-srcport-meaning = The sending program's port; a reply goes back to it. { $range ->
    [dynamic] { $port } is in the dynamic range 49152-65535, picked by the operating system for a client.
    [system] { $known ->
        [yes] It is the well-known port of { $service }.
       *[no] It is a well-known (system) port below 1024.
    }
    [zero] 0: the sender expects no reply.
   *[other] { $known ->
        [yes] It is the registered port of { $service }.
       *[no] { $port } is a registered port (1024-49151).
    }
}
field-udp-dstport = Destination port
field-udp-dstport-meaning = The port of the socket this datagram is for; with the IP address it names one program. { $known ->
    [yes] { $port } is usually { $service }.
   *[no] {""}
}
field-udp-length = Length
field-udp-length-meaning = { $status ->
    [short] { $value } is less than the 8-byte header: malformed.
    [beyond] The datagram should be { $value } bytes but only { $got } are here.
   *[ok] The 8-byte header and { $data } bytes of data, { $value } bytes in all.
}
field-udp-checksum = Checksum
field-udp-checksum-meaning = A checksum of a pseudo-header (both IP addresses, protocol, length), the UDP header and the data: { $status ->
    [correct] it matches, the datagram is intact.
    [wrong] it does NOT match; it should be { $expected }, so the receiver drops this datagram.
    [none] 0 means the sender computed none, which IPv4 allows.
   *[unverified] it cannot be checked here, because not all of the datagram is here.
}

## TCP (RFC 9293)

field-tcp-srcport = Source port
field-tcp-srcport-meaning = The sending socket's port. { $range ->
    [dynamic] { $port } is in the dynamic range 49152-65535, picked by the operating system for a client.
    [system] { $known ->
        [yes] It is the well-known port of { $service }: the sender is a server.
       *[no] It is a well-known (system) port below 1024.
    }
    [zero] 0 is not a valid port.
   *[other] { $known ->
        [yes] It is the registered port of { $service }.
       *[no] { $port } is a registered port (1024-49151).
    }
}
field-tcp-dstport = Destination port
field-tcp-dstport-meaning = The receiving socket's port; the two addresses and two ports together name the connection. { $known ->
    [yes] { $port } is usually { $service }.
   *[no] {""}
}
field-tcp-seq = Sequence number
field-tcp-seq-meaning = { $syn ->
    [yes] The initial sequence number (ISN) the sender chose at random; the SYN itself counts as one byte, so its first data byte will be { $value } + 1.
   *[no] The number of the first data byte in this segment, counting the sender's stream from its ISN.
}
field-tcp-ack = Acknowledgment number
field-tcp-ack-meaning = { $set ->
    [yes] The next byte the sender expects from the other side: everything before { $value } arrived.
   *[no] Not used: the ACK bit is 0 (the first SYN of a connection).
}
field-tcp-hdrlen = Data offset (header length)
field-tcp-hdrlen-meaning = The header's length in 4-byte words: { $len } bytes{ $len ->
    [20] , no options.
   *[other] , including options.
}
field-tcp-reserved = Reserved
field-tcp-reserved-meaning = Four bits kept for the future; the sender sets them to 0.
field-tcp-flags = Flags
field-tcp-flags-meaning = The control bits: what this segment does in the connection.
field-tcp-flags-cwr = CWR
field-tcp-flags-cwr-meaning = Congestion window reduced (RFC 3168): { $set ->
    [yes] 1, the sender slowed down after a congestion mark.
   *[no] 0.
}
field-tcp-flags-ece = ECE
field-tcp-flags-ece-meaning = ECN echo (RFC 3168): { $set ->
    [yes] 1, the receiver saw a congestion mark.
   *[no] 0.
}
field-tcp-flags-urg = URG
field-tcp-flags-urg-meaning = Urgent: { $set ->
    [yes] 1, the urgent pointer is valid.
   *[no] 0, no urgent data (almost always).
}
field-tcp-flags-ack = ACK
field-tcp-flags-ack-meaning = Acknowledgment: { $set ->
    [yes] 1, the acknowledgment number is valid; every segment after the first SYN has it.
   *[no] 0, the acknowledgment number means nothing.
}
field-tcp-flags-psh = PSH
field-tcp-flags-psh-meaning = Push: { $set ->
    [yes] 1, hand the data to the application at once.
   *[no] 0.
}
field-tcp-flags-rst = RST
field-tcp-flags-rst-meaning = Reset: { $set ->
    [yes] 1, abort the connection at once (or: nobody listens on that port).
   *[no] 0.
}
field-tcp-flags-syn = SYN
field-tcp-flags-syn-meaning = Synchronise: { $set ->
    [yes] 1, open a connection: the first two segments of the three-way handshake.
   *[no] 0.
}
field-tcp-flags-fin = FIN
field-tcp-flags-fin-meaning = Finish: { $set ->
    [yes] 1, the sender has no more data: a step of the four-way close.
   *[no] 0.
}
field-tcp-window = Window
field-tcp-window-meaning = How many more bytes the sender can receive now, beyond the acknowledgment number: { $value } (times 2 to the window scale, if both sides agreed on one in the handshake).
field-tcp-checksum = Checksum
field-tcp-checksum-meaning = A checksum of a pseudo-header (both IP addresses, protocol, length), the TCP header and the data: { $status ->
    [correct] it matches, the segment is intact.
    [wrong] it does NOT match; it should be { $expected }, so the receiver drops the segment and the sender will retransmit it.
   *[other] it cannot be checked here, because not all of the segment is here.
}
field-tcp-urgent = Urgent pointer
field-tcp-urgent-meaning = { $set ->
    [yes] The urgent data ends { $value } bytes after the sequence number.
   *[no] Unused, since URG is 0.
}
field-tcp-options = Options
field-tcp-options-meaning = { $len } bytes of options after the fixed 20-byte header, each with a kind, a length and a value.
field-tcp-opt-kind = Kind
field-tcp-opt-kind-meaning = Which option this is: { $value }.
field-tcp-opt-len = Length
field-tcp-opt-len-meaning = The option's length in bytes, kind and length bytes included: { $value }.
field-tcp-opt-eol = End of option list
field-tcp-opt-eol-meaning = Kind 0: no more options follow.
field-tcp-opt-padding = Padding
field-tcp-opt-padding-meaning = Zero bytes that fill the header up to a multiple of 4 bytes.
field-tcp-opt-nop = No operation (NOP)
field-tcp-opt-nop-meaning = Kind 1: one byte of filler, so the next option starts on a 4-byte boundary.
field-tcp-opt-bad = Malformed option
field-tcp-opt-bad-meaning = Kind { $kind } says it is { $len } bytes, which does not fit the { $room } bytes left: the rest of the options cannot be read.
field-tcp-opt-mss = Maximum segment size (MSS)
field-tcp-opt-mss-meaning = Kind 2: the most data bytes the sender wants in one segment: { $value }. Sent only in a SYN (RFC 9293 §3.7.1).
field-tcp-opt-mss-val = MSS
field-tcp-opt-mss-val-meaning = { $value } bytes: usually the MTU 1500 minus 20 bytes of IP and 20 of TCP header, which is 1460.
field-tcp-opt-wscale = Window scale
field-tcp-opt-wscale-meaning = Kind 3: multiply the window field by a power of 2, so a window can exceed 65535 bytes (RFC 7323 §2); only in a SYN, and used only if both sides send it.
field-tcp-opt-wscale-shift = Shift count
field-tcp-opt-wscale-shift-meaning = Windows from this sender are multiplied by 2 to the { $shift }, that is by { $factor }.
field-tcp-opt-sack_perm = SACK permitted
field-tcp-opt-sack_perm-meaning = Kind 4: the sender can take selective acknowledgments, which tell exactly which blocks arrived (RFC 2018); only in a SYN.
field-tcp-opt-sack = SACK
field-tcp-opt-sack-meaning = Kind 5: blocks of data that arrived beyond the acknowledgment number, so the sender retransmits only the holes (RFC 2018).
field-tcp-opt-sack-block = Block
field-tcp-opt-sack-block-meaning = Bytes from the left number up to (not including) the right one arrived: { $bytes } bytes.
field-tcp-opt-ts = Timestamps
field-tcp-opt-ts-meaning = Kind 8: the sender's clock and an echo of the other side's, to measure the round-trip time and to tell old segments from new (RFC 7323 §3).
field-tcp-opt-ts-val = TSval
field-tcp-opt-ts-val-meaning = The sender's timestamp clock when it sent this segment: { $value }.
field-tcp-opt-ts-ecr = TSecr
field-tcp-opt-ts-ecr-meaning = The latest TSval the sender received from the other side, echoed back: { $value }{ $zero ->
    [yes] , none yet.
   *[other] .
}
field-tcp-opt-unknown = Unknown option
field-tcp-opt-unknown-meaning = Kind { $kind }, { $len } bytes: an option simnet does not know, or of the wrong length; a receiver skips it by its length.
field-tcp-opt-data = Value
field-tcp-opt-data-meaning = The option's value bytes, in hex.

## DNS (RFC 1035 §4.1)
layer-dns = DNS
summary-dns = { $text }
field-dns-id = Transaction ID
field-dns-id-meaning = A number the asker chose; the answer carries the same one, so the asker can tell which question it answers (and ignore forged answers that guess wrong).
field-dns-flags = Flags
field-dns-flags-meaning = Sixteen bits that say whether this is a question or an answer, and how it went.
field-dns-flags-qr = Response (QR)
field-dns-flags-qr-meaning = { $n ->
    [0] 0: a query.
   *[other] 1: a response.
}
field-dns-flags-opcode = Opcode
field-dns-flags-opcode-meaning = The kind of query: 0 is a standard query, the only kind simnet speaks.
field-dns-flags-aa = Authoritative answer (AA)
field-dns-flags-aa-meaning = { $n ->
    [0] 0: not from a server that owns the name (or a query).
   *[other] 1: the answering server is an authority for this name, not a cache.
}
field-dns-flags-tc = Truncated (TC)
field-dns-flags-tc-meaning = { $n ->
    [0] 0: the whole message is here.
   *[other] 1: the answer did not fit in 512 bytes of UDP and was cut: ask again over TCP.
}
field-dns-flags-rd = Recursion desired (RD)
field-dns-flags-rd-meaning = { $n ->
    [0] 0: the asker wants no recursion.
   *[other] 1: the asker would like the server to find the answer for it, asking other servers if needed.
}
field-dns-flags-ra = Recursion available (RA)
field-dns-flags-ra-meaning = { $n ->
    [0] 0: this server does not recurse; it only answers for what it knows.
   *[other] 1: this server can recurse.
}
field-dns-flags-z = Reserved (Z)
field-dns-flags-z-meaning = Bits kept for the future; 0.
field-dns-flags-rcode = Response code
field-dns-flags-rcode-meaning = { $n ->
    [0] 0: no error.
    [1] 1: format error, the server could not read the query.
    [2] 2: server failure.
    [3] 3: NXDOMAIN, the name does not exist.
    [4] 4: not implemented.
    [5] 5: refused.
   *[other] { $n }: another error.
}
field-dns-qdcount = Questions
field-dns-qdcount-meaning = How many questions follow ({ $n }); one in practice.
field-dns-ancount = Answer records
field-dns-ancount-meaning = How many records answer the question ({ $n }).
field-dns-nscount = Authority records
field-dns-nscount-meaning = How many records name authorities ({ $n }).
field-dns-arcount = Additional records
field-dns-arcount-meaning = How many extra records may help ({ $n }).
field-dns-question = Question
field-dns-question-meaning = What is asked: a name, the kind of record wanted, and the class.
field-dns-qname = Name
field-dns-qname-meaning = The name asked about, as labels: each a length byte and that many characters, ended by a zero byte (or a pointer to where the rest was written before).
field-dns-qtype = Type
field-dns-qtype-meaning = The kind of record wanted: { $type } (A is an IPv4 address, AAAA an IPv6 one).
field-dns-qclass = Class
field-dns-qclass-meaning = { $n ->
    [1] 1: IN, the Internet.
   *[other] { $n }: a class other than the Internet's.
}
field-dns-answer = Answer
field-dns-answer-meaning = A resource record that answers the question.
field-dns-authority = Authority
field-dns-authority-meaning = A resource record that names an authority.
field-dns-additional = Additional
field-dns-additional-meaning = A resource record that may help the asker.
field-dns-rr-name = Name
field-dns-rr-name-meaning = The name the record is about; often a two-byte pointer (0xc0…) back to the question's name, so it is not written twice.
field-dns-rr-type = Type
field-dns-rr-type-meaning = The kind of record: { $type }.
field-dns-rr-class = Class
field-dns-rr-class-meaning = { $n ->
    [1] 1: IN, the Internet.
   *[other] { $n }: a class other than the Internet's.
}
field-dns-rr-ttl = Time to live
field-dns-rr-ttl-meaning = How many seconds ({ $n }) the asker may keep the answer in a cache before asking again.
field-dns-rr-rdlength = Data length
field-dns-rr-rdlength-meaning = How many bytes of data follow ({ $n }); 4 for an A record.
field-dns-rr-rdata = Data
field-dns-rr-rdata-meaning = The record's data; for { $type }, the value the asker wanted.

## DHCP (RFC 2131 §2, RFC 2132)
layer-dhcp = DHCP
summary-dhcp = { $kind }, xid { $xid }, from { $mac }
field-dhcp-op = Message op
field-dhcp-op-meaning = { $n ->
    [1] 1: BOOTREQUEST, from a client.
    [2] 2: BOOTREPLY, from a server.
   *[other] { $n }: neither a request nor a reply.
}
field-dhcp-htype = Hardware type
field-dhcp-htype-meaning = { $n ->
    [1] 1: Ethernet.
   *[other] { $n }: not Ethernet.
}
field-dhcp-hlen = Hardware address length
field-dhcp-hlen-meaning = { $n } bytes of hardware address in chaddr; 6 for a MAC.
field-dhcp-hops = Hops
field-dhcp-hops-meaning = How many relay agents passed the message on ({ $n }).
field-dhcp-xid = Transaction ID
field-dhcp-xid-meaning = A random number the client chose for this exchange; the server's replies carry it, so the client knows they are for it.
field-dhcp-secs = Seconds
field-dhcp-secs-meaning = How long the client has been trying ({ $n } s).
field-dhcp-flags = Flags
field-dhcp-flags-meaning = Only the first bit is used: whether replies must be broadcast.
field-dhcp-flags-bc = Broadcast (B)
field-dhcp-flags-bc-meaning = { $n ->
    [0] 0: the client can take unicast replies.
   *[other] 1: the client cannot take unicast before it has an address: reply to 255.255.255.255.
}
field-dhcp-ciaddr = Client address (ciaddr)
field-dhcp-ciaddr-meaning = { $zero ->
    [yes] 0.0.0.0: the client has no address yet.
   *[no] The address the client already has and wants to keep (renewing).
}
field-dhcp-yiaddr = Your address (yiaddr)
field-dhcp-yiaddr-meaning = { $zero ->
    [yes] 0.0.0.0: no address offered in this message.
   *[no] The address the server offers or confirms for the client.
}
field-dhcp-siaddr = Next server (siaddr)
field-dhcp-siaddr-meaning = The server to boot from next (network booting); 0.0.0.0 when unused.
field-dhcp-giaddr = Relay agent (giaddr)
field-dhcp-giaddr-meaning = { $zero ->
    [yes] 0.0.0.0: no relay agent; client and server share the link.
   *[no] The relay agent that passed the message on from another network.
}
field-dhcp-chaddr = Client hardware address
field-dhcp-chaddr-meaning = The client's MAC, inside the message: the broadcast frame's source alone would not survive a relay. 16 bytes, of which a MAC uses 6.
field-dhcp-sname = Server host name
field-dhcp-sname-meaning = 64 bytes for an optional server name; all zeros here.
field-dhcp-file = Boot file name
field-dhcp-file-meaning = 128 bytes for a boot file name, for network booting; all zeros here.
field-dhcp-cookie = Magic cookie
field-dhcp-cookie-meaning = { $ok ->
    [yes] 99.130.83.99: DHCP options follow (the BOOTP message becomes a DHCP one).
   *[no] Not 99.130.83.99: these are not DHCP options.
}
field-dhcp-option = Option
field-dhcp-option-meaning = { $code ->
    [1] Subnet mask: with the address, it says which addresses are on the link.
    [3] Router: the default gateway, for every address off the link.
    [6] DNS servers: where the client's resolver sends its queries.
    [12] Host name.
    [50] Requested address: the address the client asks for.
    [51] Lease time: how long the address is the client's.
    [53] Message type: what this message is.
    [54] Server identifier: which server this is from, or for.
    [55] Parameter request list: the options the client wants, by code.
    [58] Renewal time (T1): when to ask the same server to extend the lease.
    [59] Rebinding time (T2): when to ask any server.
   *[other] Option { $code }, { $len } bytes.
}
field-dhcp-end = End
field-dhcp-end-meaning = Option 255: the options end here.
field-dhcp-pad = Pad
field-dhcp-pad-meaning = Option 0: a filler byte.
field-dhcp-padding = Padding
field-dhcp-padding-meaning = { $len } zero bytes after the end, so that the message is the 300 bytes BOOTP relays expect.
