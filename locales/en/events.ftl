# simnet: events, en. One sentence per kind of event (see src/explain).
# Values: $node (where it happened), $time, and the event's own.

## Frames sent by hosts and routers
frame-out-arp-request = { $node } does not know the MAC address of { $target_ip } yet, so it asks everyone on its LAN: an ARP request to the broadcast address ff:ff:ff:ff:ff:ff ("who has { $target_ip }? tell { $sender_ip }"). Every station hears it; only the owner of { $target_ip } answers.
frame-out-arp-reply = { $node } answers the ARP request directly to the asker ({ $dst_mac }), not by broadcast: "{ $sender_ip } is at { $sender_mac }".
frame-out-icmp-echo-request = { $node } pings { $dst }: an ICMP echo request (seq { $seq }) asking { $dst } to send it back. It leaves with TTL { $ttl }.
frame-out-icmp-echo-reply = { $node } answers the ping of { $dst }: an ICMP echo reply with the same seq { $seq } and data.
frame-out-icmp-unreachable = { $node } tells { $dst } that its packet could not be delivered: ICMP destination unreachable ({ $reason }).
frame-out-icmp-time-exceeded = { $node } tells { $dst } that its packet died on the way: its TTL reached 0 here, so ICMP time exceeded goes back to the sender (traceroute uses exactly this).
frame-out-icmp-other = { $node } sends an ICMP message to { $dst }.
frame-out-udp = { $node } sends a UDP datagram from port { $src_port } to { $dst }:{ $dst_port }, { $len } bytes of data. UDP just sends: no connection, no acknowledgment, no retransmission.
frame-out-dns-query = { $node } asks the DNS server { $dst } "what is the { $qtype } record of { $name }?": a DNS query (id { $id }) in one UDP datagram to port 53. It cannot connect to a name; it needs the address first.
frame-out-dns-answer = { $node } answers query { $id }: { $name } has { $count } address(es), { $addrs }.
frame-out-dns-negative = { $node } answers query { $id } with no address for { $name } ({ $rcode }): NXDOMAIN means the name does not exist, NODATA that it exists but has no { $qtype } record.
frame-out-dns-truncated = { $node } answers query { $id } for { $name }, but the whole answer does not fit in UDP's 512 bytes: it sends { $count } address(es) and sets TC (truncated), telling the asker to ask again over TCP.
frame-out-dhcp-discover = { $node } has no address yet, so it sends from 0.0.0.0 to 255.255.255.255, every station on the link: a DHCP DISCOVER asking any server for an address for its MAC { $mac }.
frame-out-dhcp-offer = { $node } offers { $yiaddr } to { $mac } for { $lease } s, broadcast, because the client has no address to send to yet.
frame-out-dhcp-request = { $renewing ->
    [yes] { $node } asks its server { $dst } to extend the lease of { $ciaddr }: a DHCP REQUEST by unicast, from the address it already has.
   *[no] { $node } broadcasts a DHCP REQUEST for the address it was offered, naming the server { $server }, so that every server learns which offer it took.
}
frame-out-dhcp-ack = { $node } confirms the lease: { $yiaddr } belongs to { $mac } for { $lease } s (a DHCP ACK, with the mask, router and DNS server).
frame-out-dhcp-nak = { $node } refuses (DHCP NAK): the address { $mac } asked for is not its to have.
frame-out-tcp-syn = Step 1 of the three-way handshake: { $node } asks { $dst }:{ $dst_port } for a connection with a SYN. Its initial sequence number (ISN) is { $seq }, picked at random; the options say what it can do (MSS { $mss } bytes per segment, window scale { $wscale }).
frame-out-tcp-syn-ack = Step 2 of the three-way handshake: { $node } accepts with SYN-ACK. It sends its own ISN { $seq }, and ack { $ack } is the peer's ISN + 1, because a SYN counts as one byte.
frame-out-tcp-handshake-ack = Step 3 of the three-way handshake: { $node } acknowledges the SYN-ACK (ack { $ack } = the peer's ISN + 1). Both sides now know each other's numbers: the connection is open.
frame-out-tcp-ack = { $node } acknowledges: it has every byte before { $ack } (relative { $rel_ack }), and can take { $win } more (the window, scaled if window scaling is on).
frame-out-tcp-data = { $node } sends { $len } bytes: seq { $seq } (relative { $rel_seq }) is the number of the first byte; ack { $ack } says which byte it expects next from the peer.
frame-out-tcp-fin = { $node } has nothing more to send: FIN (seq { $seq }, relative { $rel_seq }). A connection closes in four steps, FIN and ACK in each direction; a FIN counts as one byte, like a SYN.
frame-out-tcp-rst = { $node } sends a RST: the connection is refused or broken off at once. This is what a connect to a port where nothing listens gets.
frame-out-ip-fragment = { $node } sends one fragment of an IP datagram to { $dst } (offset { $offset }, more fragments: { $more }): the datagram is larger than the link's MTU, so IP cut it into pieces that the destination puts back together.
frame-out-other = { $node } sends a frame out of { $iface }.
frame-out-forward = { $node } is a router: it passes the packet from { $src } on towards { $dst } out of { $iface }. Its TTL is now { $ttl }: each router lowers it by one, and a packet whose TTL reaches 0 is dropped, so a routing loop cannot keep a packet alive for ever.

## Frames received by hosts and routers
frame-in-arp-request = { $node } hears the ARP broadcast "who has { $target_ip }?" from { $sender_ip }.
frame-in-arp-reply = { $node } gets the answer: { $sender_ip } is at { $sender_mac }.
frame-in-icmp-echo-request = { $node } receives a ping from { $src } (seq { $seq }, TTL { $ttl }).
frame-in-icmp-echo-reply = { $node } receives the echo reply from { $src } (seq { $seq }, TTL { $ttl }): the ping made the round trip.
frame-in-icmp-unreachable = { $node } learns from { $src } that a packet could not be delivered ({ $reason }).
frame-in-icmp-time-exceeded = { $node } learns from { $src } that one of its packets ran out of TTL on the way.
frame-in-icmp-other = { $node } receives an ICMP message from { $src }.
frame-in-udp = { $node } receives a UDP datagram from { $src }:{ $src_port } for port { $dst_port }, { $len } bytes.
frame-in-dns-query = { $node } receives a DNS query (id { $id }) from { $src }: what is the { $qtype } record of { $name }?
frame-in-dns-answer = { $node } receives the answer to query { $id }: { $name } is { $addrs }.
frame-in-dns-negative = { $node } receives the answer to query { $id }: no address for { $name } ({ $rcode }).
frame-in-dns-truncated = { $node } receives a truncated answer to query { $id } (TC set): its resolver will ask again over TCP for the rest.
frame-in-dhcp-discover = { $node } receives a DHCP DISCOVER from { $mac }: a host looking for an address.
frame-in-dhcp-offer = { $node } receives a DHCP OFFER of { $yiaddr } for { $mac } from { $src }.
frame-in-dhcp-request = { $node } receives a DHCP REQUEST from { $mac }.
frame-in-dhcp-ack = { $node } receives a DHCP ACK: { $yiaddr } is { $mac }'s for { $lease } s.
frame-in-dhcp-nak = { $node } receives a DHCP NAK for { $mac }: the client must start over.
frame-in-tcp-syn = { $node } receives a connection request (SYN) from { $src }:{ $src_port } for port { $dst_port }.
frame-in-tcp-syn-ack = { $node } receives the SYN-ACK from { $src }: its connection request is accepted.
frame-in-tcp-handshake-ack = { $node } receives the last ACK of the handshake from { $src }: the connection is established.
frame-in-tcp-ack = { $node } receives an acknowledgment from { $src }: everything before { $ack } arrived.
frame-in-tcp-data = { $node } receives { $len } bytes from { $src } (seq { $seq }, relative { $rel_seq }).
frame-in-tcp-fin = { $node } receives a FIN from { $src }: the peer will send nothing more.
frame-in-tcp-rst = { $node } receives a RST from { $src }: the connection is refused or reset.
frame-in-ip-fragment = { $node } receives a fragment of a datagram from { $src } (offset { $offset }).
frame-in-other = { $node } receives a frame on { $iface }.

## Switches and loopback
frame-switch-in = The frame reaches switch { $node } on port { $iface }.
frame-switch-out = Switch { $node } sends the frame out of port { $iface }, unchanged: a switch does not touch IP at all.
frame-loopback = { $node } sends a packet to itself ({ $len } bytes): it goes through the loopback interface lo and never reaches a link, so no frame is seen on the wire.

## Drops
drop-link-loss = The link lost this frame on the way (the scenario gives it a loss rate). Nobody is told: TCP will notice and retransmit, UDP will not.
drop-link-down = The cable is cut (the scenario's `down` time): the frame goes nowhere. The sender is not told; it will notice only by what never answers.
drop-queue-full = The link's queue on { $iface } is full, so the frame is dropped (tail drop): the sender is sending faster than the link carries.
drop-no-link = Nothing is plugged into { $iface }: the frame goes nowhere.
drop-not-our-mac = { $node } ignores this frame: its destination MAC is not { $node }'s own address (a switch flooded it to everyone).
drop-malformed = { $node } drops bytes it cannot parse: { $what }.
drop-bad-checksum = { $node } drops a packet whose checksum is wrong: the bytes were damaged on the way.
drop-ttl-expired = { $node } drops the packet: its TTL ran out here. It answers the sender with ICMP time exceeded.
drop-no-route = { $node } has no route to the destination, so it drops the packet (and reports "network unreachable").
drop-arp-failed = { $node } gives up: nobody answered its ARP requests, so it cannot deliver the packet.
drop-arp-queue-full = { $node } drops a packet: too many were already waiting for the same ARP answer.
drop-not-our-address = { $node } drops a packet for another host's IP address: a host does not forward.
drop-unhandled = { $node } has nothing that handles this packet's protocol.
drop-too-big = { $node } cannot send the packet: it is larger than the link's MTU and may not be fragmented (DF).
drop-reassembly-timeout = { $node } gives up on a datagram: not all of its fragments arrived in time.
drop-no-socket = No socket on { $node } listens on that port, so the packet is dropped: UDP answers with ICMP port unreachable, TCP with a RST.
drop-backlog-full = { $node }'s listener has no room left in its backlog (the queue of connections waiting for accept), so it drops the SYN as Linux does; the client will send its SYN again later.
drop-buffer-full = The receiving socket's buffer on { $node } is full, so the datagram is dropped: the program is not reading fast enough.
drop-martian = { $node } drops a packet from the link with a 127.x.x.x address: loopback addresses must never appear on a wire.

## Switches
switch-learn = Switch { $node } learns that { $mac } is behind port { $port }: it read the frame's source address. Frames for { $mac } will now go out of { $port } only.
switch-move = Switch { $node } sees { $mac } arrive on { $to } instead of { $from }: the station moved, and the table follows.
switch-age = Switch { $node } forgets { $mac } on { $port }: the entry aged out, nothing was heard from it for too long.
switch-flood-broadcast = The destination is the broadcast address, meant for everyone: switch { $node } floods it out of every port but the one it came in on ({ $ports }).
switch-flood-unknown = Switch { $node } does not know where { $mac } is (it has not seen a frame from it yet), so it floods the frame out of every other port ({ $ports }).
switch-forward = Switch { $node } knows { $mac } is behind { $to }, so the frame goes out of that port only.
switch-filter = Switch { $node } keeps the frame: { $mac } is behind the port it came in on ({ $port }), so it has already been heard there.

## Links
link-duplicate = The link on { $iface } delivers this frame twice (the scenario asks it to duplicate some frames).
link-corrupt = The link on { $iface } flips one bit (bit { $bit } of byte { $byte }): the receiver's checksum will catch it.
link-reorder = The link on { $iface } holds the frame back { $held }, so frames sent after it may arrive first.

## ARP
arp-add = { $node } writes into its ARP cache: { $ip } is at { $mac } (on { $iface }). Next time it needs no ARP.
arp-update = { $node } updates its ARP cache: { $ip } is now at { $mac }.
arp-expire = { $node }'s ARP entry for { $ip } expires: it will ask again next time.
arp-retry = { $node } asks again who has { $ip } (request { $attempt } of { $of }): no answer yet.
arp-failed = { $node } gives up on { $ip }: no ARP answer, so { $dropped } waiting packet(s) are dropped ("no route to host").

## Routing
route-connected = { $node } looks up { $dst }: { $dst } AND { $mask } = { $dst_net }, the same network as its own { $iface } ({ $own }). So { $dst } is on the same link: { $node } sends straight to it and needs { $dst }'s own MAC address.
route-gateway = { $node } looks up { $dst }: { $dst } AND { $mask } = { $dst_net }, which is not its own network { $own }. So the packet goes to the gateway { $via } (route { $dest }), and { $node } needs the gateway's MAC address, not { $dst }'s.
route-forward = Router { $node } forwards the packet for { $dst } out of { $iface } (route { $dest }, next hop { $via }, "-" meaning directly).
route-local = { $dst } is { $node }'s own address: the packet is delivered inside the host, over lo.
reassembled = { $node } puts the fragments back together: { $len } bytes, one datagram again.

## Ping and programs
ping = ping on { $node } reports: { $line }
process-start = The program { $name } starts on { $node }.
process-output = { $name } on { $node } prints this line.
process-output-refused = "Connection refused": the peer answered the SYN with a RST, because nothing listens on that port.
process-output-in-use = "Address already in use": another socket holds this address and port, possibly an old connection still in TIME-WAIT; SO_REUSEADDR lets a server bind it again.
process-output-timed-out = "Timed out": no answer came within the time allowed (retransmissions unanswered, or a read timeout).
process-output-reset = "Connection reset": the peer broke the connection off with a RST.
process-exit = { $name } on { $node } has finished.
process-crash = { $name } on { $node } crashed: { $message }
process-calls = { $name } made { $calls } socket calls, and { $would_block } of them answered WouldBlock: only { $useful } did any work. This is the cost of asking in turn instead of waiting in a poll.
poll-wake = { $name } wakes from poll: { $count } socket(s) ready, by token: { $tokens }. It serves them, reading or accepting until WouldBlock.
poll-timeout = { $name } wakes from poll: the timeout passed with nothing ready.

## TCP states
tcp-state-closed = The connection { $local } ⇄ { $remote } is over ({ $from } → CLOSED).
tcp-state-listen = The socket listens ({ $from } → LISTEN).
tcp-state-syn-sent = { $node } has sent its SYN and waits for the SYN-ACK ({ $from } → SYN-SENT).
tcp-state-syn-received = { $node } got a SYN and answered SYN-ACK; it waits for the last ACK ({ $from } → SYN-RECEIVED).
tcp-state-established = The handshake is done: { $local } ⇄ { $remote } is ESTABLISHED, and data can flow both ways.
tcp-state-fin-wait-1 = { $node } closed its side and sent FIN; it waits for the ACK (FIN-WAIT-1). It can still receive.
tcp-state-fin-wait-2 = { $node }'s FIN is acknowledged; it waits for the peer's FIN (FIN-WAIT-2).
tcp-state-closing = Both sides sent FIN at the same time; { $node } waits for the ACK of its own (CLOSING).
tcp-state-time-wait = { $node } closed first, so it waits in TIME-WAIT for 2 MSL (60 s on Linux): its last ACK can be sent again if lost, and old duplicates die out. Meanwhile { $local } stays in use: a server restarting on that port gets "Address already in use" unless it sets SO_REUSEADDR.
tcp-state-close-wait = The peer sent FIN: it will send nothing more (CLOSE-WAIT). Once the data before it is read, a read returns 0, which means end of stream, not an error; the program should now close its side.
tcp-state-last-ack = { $node } closed its side after the peer's FIN and waits for the last ACK (LAST-ACK).

## TCP retransmission and flow
tcp-retransmit-timeout = No ACK came within the retransmission timeout (RTO), so { $node } sends bytes { $seq } ({ $len } bytes) again, and doubles the RTO.
tcp-retransmit-fast = Three duplicate ACKs say a segment is missing while later ones arrived, so { $node } sends { $seq } again at once, without waiting for the timeout (fast retransmit).
tcp-retransmit-partial-ack = The ACK covered only part of what was outstanding, so the next hole ({ $seq }) goes again at once (NewReno).
tcp-retransmit-sack = The peer's SACK blocks show data received beyond { $seq }, so that segment is lost; { $node } sends it again.
tcp-retransmit-syn = The SYN got no answer, so { $node } sends it again, waiting twice as long each time.
tcp-retransmit-probe = The zero-window probe got no opening, so { $node } probes again.
tcp-congestion = Congestion control: cwnd is now { $cwnd } bytes and ssthresh { $ssthresh } ({ $why }). cwnd limits how much may be in flight, so TCP does not flood the network.
tcp-rtt = { $node } measured the round-trip time: smoothed RTT { $srtt }, variation { $rttvar }, so the retransmission timeout is { $rto }.
tcp-window-update = The program read data, so { $node } tells the peer its window opened: { $window } bytes.
tcp-peer-window = The peer's window is now { $window } bytes.
tcp-shift-too-large = The peer asked for a window shift of { $shift }, above the maximum 14; 14 is used.
tcp-paws = An old duplicate segment (its timestamp { $tsval } is older than { $recent }) is dropped (PAWS).
tcp-retransmission-lost = The retransmission of { $seq } was lost too: data sent after it arrived first. It goes again.
tcp-ack-rate-limited = An ACK for an out-of-window segment is not sent: one went less than half a second ago.
tcp-sacked = The peer holds { $bytes } bytes beyond a gap, in { $ranges } range(s) (SACK): only the gap needs resending.
tcp-zero-window-probe = The peer's window is 0, so { $node } sends a probe to learn when it opens.
tcp-timer-expired = The { $which } timer of { $local } ⇄ { $remote } expired.
tcp-out-of-order = Bytes { $seq } ({ $len } bytes) arrived beyond a gap: kept until the missing bytes come. Data reaches the program in order.
tcp-duplicate = A segment with nothing new ({ $seq }, { $len } bytes; already received) is dropped; an ACK answers it.
tcp-dup-ack = Duplicate ACK number { $count } for { $ack }: the peer still waits for byte { $ack }, something is missing.
tcp-timer-set = { $node } starts its { $which } timer: it fires in { $after }.
tcp-window-closed = { $node }'s receive buffer is full: it advertises a window of 0, and the peer must wait until the program reads.
tcp-reset-sent = { $node } sends a RST: { $why }.
tcp-failed = The connection failed: the program will see "{ $error }".

## DHCP (RFC 2131)
dhcp-discovering = { $node } has no address on { $iface } yet, so it cannot even say who it is: it broadcasts a DHCP DISCOVER from 0.0.0.0 to 255.255.255.255, asking any server on the link for an address.
dhcp-offered = The server { $server } offers { $addr }. { $node } answers with a REQUEST, still broadcast, so that every server hears which offer it took.
dhcp-bound = The server's ACK confirms the lease: { $node } now has { $addr }/{ $prefix } on { $iface }, its default gateway is { $router } and its DNS server { $dns }, for { $lease } s. Its programs can use the network now; it will ask to renew in { $renew } s (T1, half the lease).
dhcp-renewing = Half the lease has passed (T1): { $node } asks its server, by unicast from its own address, to extend the lease. It keeps using the address meanwhile.
dhcp-renewed = The server extends the lease: { $node } keeps { $addr } for { $lease } s more and will renew again in { $renew } s.
dhcp-rebinding = Its server has not answered by T2 (7/8 of the lease): { $node } broadcasts the request, so that any server may extend the lease.
dhcp-expired = Nobody extended the lease: { $node } must stop using { $addr }, removes it from { $iface }, and starts over with a DISCOVER.
dhcp-refused = The server { $server } says no (DHCPNAK): the address is not { $node }'s to have. It gives up any address it held and starts over.
