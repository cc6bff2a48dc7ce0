# simnet：事件，中文。每种事件一句话（见 src/explain）。
# 变量：$node（发生的地方）、$time，以及各事件自己的值。

## 主机和路由器发出的帧
frame-out-arp-request = { $node } 还不知道 { $target_ip } 的 MAC 地址，于是向整个局域网发出 ARP 请求，目的地址是广播地址 ff:ff:ff:ff:ff:ff（“谁是 { $target_ip }？请告诉 { $sender_ip }”）。局域网里每台机器都收得到，只有 { $target_ip } 的主人会回答。
frame-out-arp-reply = { $node } 直接（单播，不是广播）回答提问者 { $dst_mac }：“{ $sender_ip } 在 { $sender_mac }”。
frame-out-icmp-echo-request = { $node } ping { $dst }：发出 ICMP 回显请求（序号 { $seq }），请 { $dst } 原样送回。出发时 TTL 为 { $ttl }。
frame-out-icmp-echo-reply = { $node } 回应 { $dst } 的 ping：ICMP 回显应答，序号 { $seq } 和数据都原样带回。
frame-out-icmp-unreachable = { $node } 告诉 { $dst }：它的数据包无法送达，ICMP 目的不可达（{ $reason }）。
frame-out-icmp-time-exceeded = { $node } 告诉 { $dst }：它的数据包死在了半路，TTL 在这里减到了 0，于是 ICMP 超时报文返回给发送方（traceroute 正是利用这一点）。
frame-out-icmp-other = { $node } 向 { $dst } 发出一个 ICMP 报文。
frame-out-udp = { $node } 从端口 { $src_port } 向 { $dst }:{ $dst_port } 发出一个 UDP 数据报，数据 { $len } 字节。UDP 只管发送：没有连接，没有确认，也不重传。
frame-out-dns-query = { $node } 问 DNS 服务器 { $dst }：“{ $name } 的 { $qtype } 记录是什么？”——一个 DNS 查询（编号 { $id }），装在一个发往 53 端口的 UDP 数据报里。它不能连接一个名字，必须先拿到地址。
frame-out-dns-answer = { $node } 回答查询 { $id }：{ $name } 有 { $count } 个地址：{ $addrs }。
frame-out-dns-negative = { $node } 回答查询 { $id }：{ $name } 没有地址（{ $rcode }）。NXDOMAIN 表示这个名字不存在，NODATA 表示名字存在但没有 { $qtype } 记录。
frame-out-dns-truncated = { $node } 回答查询 { $id }（{ $name }），但完整的回答超过了 UDP 的 512 字节：它只发 { $count } 个地址并置 TC（截断）位，告诉提问者改用 TCP 再问。
frame-out-dhcp-discover = { $node } 还没有地址，只能从 0.0.0.0 发往 255.255.255.255，也就是链路上的每一台设备：一个 DHCP DISCOVER，请任何服务器给它的 MAC { $mac } 一个地址。
frame-out-dhcp-offer = { $node } 向 { $mac } 提供地址 { $yiaddr }，租期 { $lease } 秒；用广播发送，因为客户端还没有可以单播的地址。
frame-out-dhcp-request = { $renewing ->
    [yes] { $node } 请服务器 { $dst } 延长 { $ciaddr } 的租约：用它已有的地址单播一个 DHCP REQUEST。
   *[no] { $node } 广播一个 DHCP REQUEST，请求它得到的那个地址，并写明服务器 { $server }，好让每台服务器都知道它选了谁。
}
frame-out-dhcp-ack = { $node } 确认租约：{ $yiaddr } 归 { $mac } 使用 { $lease } 秒（DHCP ACK，附带子网掩码、路由器和 DNS 服务器）。
frame-out-dhcp-nak = { $node } 拒绝了（DHCP NAK）：{ $mac } 请求的地址不归它用。
frame-out-tcp-syn = 三次握手第 1 步：{ $node } 用 SYN 向 { $dst }:{ $dst_port } 请求建立连接。它的初始序列号（ISN）是 { $seq }，随机选取；选项说明它的能力（每个报文段最多 { $mss } 字节的 MSS，窗口扩大因子 { $wscale }）。
frame-out-tcp-syn-ack = 三次握手第 2 步：{ $node } 用 SYN-ACK 接受连接。它带上自己的 ISN { $seq }，确认号 { $ack } 是对方的 ISN 加 1，因为 SYN 本身占一个序号。
frame-out-tcp-handshake-ack = 三次握手第 3 步：{ $node } 确认对方的 SYN-ACK（确认号 { $ack } = 对方 ISN + 1）。双方都知道了彼此的序列号，连接建立。
frame-out-tcp-ack = { $node } 发出确认：{ $ack }（相对值 { $rel_ack }）之前的字节都已收到，还能再接收 { $win }（窗口，启用窗口扩大时要乘以因子）。
frame-out-tcp-data = { $node } 发送 { $len } 字节数据：序列号 { $seq }（相对值 { $rel_seq }）是第一个字节的编号；确认号 { $ack } 表示它期待对方发来的下一个字节。
frame-out-tcp-fin = { $node } 没有数据要发了：发出 FIN（序列号 { $seq }，相对值 { $rel_seq }）。关闭连接要四次挥手，每个方向各一个 FIN 和一个 ACK；FIN 和 SYN 一样占一个序号。
frame-out-tcp-rst = { $node } 发出 RST：立即拒绝或中断连接。连接一个没有程序监听的端口，得到的就是它。
frame-out-ip-fragment = { $node } 向 { $dst } 发出 IP 数据报的一个分片（偏移 { $offset }，后面还有分片：{ $more }）：数据报比链路的 MTU 大，IP 把它切成几片，由目的主机重新拼起来。
frame-out-other = { $node } 从 { $iface } 发出一帧。
frame-out-forward = { $node } 是路由器：它把来自 { $src } 的数据包从 { $iface } 转发给 { $dst }。现在 TTL 是 { $ttl }：每经过一个路由器减 1，减到 0 就丢弃，这样路由环路也不能让数据包永远转下去。

## 主机和路由器收到的帧
frame-in-arp-request = { $node } 听到来自 { $sender_ip } 的 ARP 广播：“谁是 { $target_ip }？”
frame-in-arp-reply = { $node } 收到回答：{ $sender_ip } 在 { $sender_mac }。
frame-in-icmp-echo-request = { $node } 收到来自 { $src } 的 ping（序号 { $seq }，TTL { $ttl }）。
frame-in-icmp-echo-reply = { $node } 收到 { $src } 的回显应答（序号 { $seq }，TTL { $ttl }）：ping 走完了一个来回。
frame-in-icmp-unreachable = { $node } 从 { $src } 得知一个数据包无法送达（{ $reason }）。
frame-in-icmp-time-exceeded = { $node } 从 { $src } 得知它的一个数据包在路上 TTL 耗尽了。
frame-in-icmp-other = { $node } 收到来自 { $src } 的 ICMP 报文。
frame-in-udp = { $node } 收到来自 { $src }:{ $src_port }、发往端口 { $dst_port } 的 UDP 数据报，{ $len } 字节。
frame-in-dns-query = { $node } 收到来自 { $src } 的 DNS 查询（编号 { $id }）：{ $name } 的 { $qtype } 记录是什么？
frame-in-dns-answer = { $node } 收到查询 { $id } 的回答：{ $name } 是 { $addrs }。
frame-in-dns-negative = { $node } 收到查询 { $id } 的回答：{ $name } 没有地址（{ $rcode }）。
frame-in-dns-truncated = { $node } 收到查询 { $id } 的截断回答（TC 置位）：它的解析器会改用 TCP 再问一次。
frame-in-dhcp-discover = { $node } 收到 { $mac } 的 DHCP DISCOVER：有台主机在找地址。
frame-in-dhcp-offer = { $node } 收到 { $src } 发来的 DHCP OFFER：给 { $mac } 的地址 { $yiaddr }。
frame-in-dhcp-request = { $node } 收到 { $mac } 的 DHCP REQUEST。
frame-in-dhcp-ack = { $node } 收到 DHCP ACK：{ $yiaddr } 归 { $mac } 使用 { $lease } 秒。
frame-in-dhcp-nak = { $node } 收到给 { $mac } 的 DHCP NAK：客户端必须重新开始。
frame-in-tcp-syn = { $node } 收到来自 { $src }:{ $src_port } 的连接请求（SYN），目的端口 { $dst_port }。
frame-in-tcp-syn-ack = { $node } 收到 { $src } 的 SYN-ACK：连接请求被接受了。
frame-in-tcp-handshake-ack = { $node } 收到 { $src } 握手的最后一个 ACK：连接建立。
frame-in-tcp-ack = { $node } 收到 { $src } 的确认：{ $ack } 之前的字节都已送到。
frame-in-tcp-data = { $node } 收到 { $src } 的 { $len } 字节数据（序列号 { $seq }，相对值 { $rel_seq }）。
frame-in-tcp-fin = { $node } 收到 { $src } 的 FIN：对方不会再发数据了。
frame-in-tcp-rst = { $node } 收到 { $src } 的 RST：连接被拒绝或被重置。
frame-in-ip-fragment = { $node } 收到来自 { $src } 的一个数据报分片（偏移 { $offset }）。
frame-in-other = { $node } 在 { $iface } 上收到一帧。

## 交换机和环回
frame-switch-in = 这一帧从端口 { $iface } 进入交换机 { $node }。
frame-switch-out = 交换机 { $node } 把这一帧原封不动地从端口 { $iface } 发出：交换机根本不看 IP。
frame-loopback = { $node } 给自己发了一个数据包（{ $len } 字节）：它走环回接口 lo，不会到达任何链路，线上看不到这一帧。

## 丢弃
drop-link-loss = 链路在途中丢了这一帧（场景给它设置了丢包率）。谁也不会收到通知：TCP 会发现并重传，UDP 不会。
drop-link-down = 网线断了（场景的 `down` 时段）：这一帧哪儿也去不了。发送方不会收到通知，只能从迟迟没有回应中察觉。
drop-queue-full = { $iface } 上链路的队列满了，这一帧被丢弃（尾部丢弃）：发送方发得比链路能传的快。
drop-no-link = { $iface } 上没有接任何链路：这一帧无处可去。
drop-not-our-mac = { $node } 忽略这一帧：目的 MAC 地址不是它自己的（交换机把它泛洪给了所有人）。
drop-malformed = { $node } 丢弃无法解析的字节：{ $what }。
drop-bad-checksum = { $node } 丢弃一个校验和不对的数据包：字节在途中损坏了。
drop-ttl-expired = { $node } 丢弃这个数据包：它的 TTL 在这里耗尽了。它会用 ICMP 超时报文告诉发送方。
drop-no-route = { $node } 没有到达目的地的路由，只能丢弃这个数据包（并报告“网络不可达”）。
drop-arp-failed = { $node } 放弃了：ARP 请求没人回答，数据包无法送出。
drop-arp-queue-full = { $node } 丢弃一个数据包：等同一个 ARP 回答的数据包已经太多了。
drop-not-our-address = { $node } 丢弃一个发给别的主机 IP 地址的数据包：主机不做转发。
drop-unhandled = { $node } 没有能处理这个协议的程序。
drop-too-big = { $node } 发不出这个数据包：它比链路的 MTU 大，又不允许分片（DF）。
drop-reassembly-timeout = { $node } 放弃了一个数据报：它的分片没有按时到齐。
drop-no-socket = { $node } 上没有套接字在这个端口监听，数据包被丢弃：UDP 回一个 ICMP 端口不可达，TCP 回一个 RST。
drop-backlog-full = { $node } 的监听套接字的 backlog（等待 accept 的连接队列）已满，于是像 Linux 一样丢掉这个 SYN；客户端稍后会重发 SYN。
drop-buffer-full = { $node } 上接收套接字的缓冲区满了，数据报被丢弃：程序读得不够快。
drop-martian = { $node } 丢弃一个从链路上来、带 127.x.x.x 地址的数据包：环回地址绝不应该出现在线路上。

## 交换机
switch-learn = 交换机 { $node } 学到 { $mac } 在端口 { $port } 后面：它读了这一帧的源地址。之后发给 { $mac } 的帧只从 { $port } 发出。这就是 MAC 地址表的学习。
switch-move = 交换机 { $node } 看到 { $mac } 从 { $to } 而不是 { $from } 进来：这台机器挪了位置，MAC 地址表跟着更新。
switch-age = 交换机 { $node } 忘掉了 { $port } 上的 { $mac }：太久没听到它，表项老化了。
switch-flood-broadcast = 目的地址是广播地址，是发给所有人的：交换机 { $node } 把它从除了进来的端口之外的所有端口泛洪出去（{ $ports }）。
switch-flood-unknown = 交换机 { $node } 不知道 { $mac } 在哪里（还没见过它发的帧），只好从其他所有端口泛洪出去（{ $ports }）。
switch-forward = 交换机 { $node } 知道 { $mac } 在 { $to } 后面，所以这一帧只从那个端口转发出去。
switch-filter = 交换机 { $node } 不转发这一帧：{ $mac } 就在它进来的端口 { $port } 后面，那边已经听到了。

## 链路
link-duplicate = { $iface } 上的链路把这一帧送了两次（场景让它复制一部分帧）。
link-corrupt = { $iface } 上的链路翻转了一位（第 { $byte } 字节的第 { $bit } 位）：接收方的校验和会发现。
link-reorder = { $iface } 上的链路把这一帧压后了 { $held }，所以在它之后发出的帧可能先到。

## ARP
arp-add = { $node } 把它记进 ARP 缓存：{ $ip } 在 { $mac }（{ $iface }）。下次就不用再问了。
arp-update = { $node } 更新 ARP 缓存：{ $ip } 现在在 { $mac }。
arp-expire = { $node } 的 ARP 缓存里 { $ip } 的表项过期了：下次要重新询问。
arp-retry = { $node } 再次询问谁是 { $ip }（第 { $attempt } 次，共 { $of } 次）：还没有回答。
arp-failed = { $node } 放弃了 { $ip }：没有 ARP 回答，{ $dropped } 个等待中的数据包被丢弃（“没有到主机的路由”）。

## 路由
route-connected = { $node } 查路由表找 { $dst }：{ $dst } AND 子网掩码 { $mask } = { $dst_net }，和它自己 { $iface } 的网络 { $own } 相同。所以 { $dst } 就在同一条链路上：{ $node } 直接发给它，需要的是 { $dst } 自己的 MAC 地址。
route-gateway = { $node } 查路由表找 { $dst }：{ $dst } AND 子网掩码 { $mask } = { $dst_net }，不是它自己的网络 { $own }。所以数据包要交给网关 { $via }（路由 { $dest }），{ $node } 需要的是网关的 MAC 地址，而不是 { $dst } 的。
route-forward = 路由器 { $node } 把发往 { $dst } 的数据包从 { $iface } 转发出去（路由 { $dest }，下一跳 { $via }，“-” 表示直接送达）。
route-local = { $dst } 是 { $node } 自己的地址：数据包在主机内部经 lo 交付。
reassembled = { $node } 把分片重新拼好：{ $len } 字节，又成了一个完整的数据报。

## ping 和程序
ping = { $node } 上的 ping 报告：{ $line }
process-start = 程序 { $name } 在 { $node } 上启动。
process-output = { $node } 上的 { $name } 打印了这一行。
process-output-refused = “Connection refused”（连接被拒绝）：对方用 RST 回答了 SYN，因为那个端口没有程序监听。
process-output-in-use = “Address already in use”（地址已被占用）：另一个套接字占着这个地址和端口，可能是还在 TIME-WAIT 的旧连接；设置 SO_REUSEADDR 的服务器可以重新绑定。
process-output-timed-out = “超时”：在允许的时间内没有等到回答（重传没有回应，或读超时）。
process-output-reset = “Connection reset”（连接被重置）：对方用 RST 中断了连接。
process-exit = { $node } 上的 { $name } 运行结束。
process-crash = { $node } 上的 { $name } 崩溃了：{ $message }
process-calls = { $name } 一共做了 { $calls } 次套接字调用，其中 { $would_block } 次回答 WouldBlock：只有 { $useful } 次真正做了事。这就是轮流询问而不是在 poll 里等待的代价。
poll-wake = { $name } 从 poll 中醒来：{ $count } 个套接字就绪，按 token 列出：{ $tokens }。它逐个处理，一直读（或 accept）到 WouldBlock。
poll-timeout = { $name } 从 poll 中醒来：超时了，没有任何套接字就绪。

## TCP 状态
tcp-state-closed = 连接 { $local } ⇄ { $remote } 结束了（{ $from } → CLOSED）。
tcp-state-listen = 套接字开始监听（{ $from } → LISTEN）。
tcp-state-syn-sent = { $node } 已发出 SYN，正在等 SYN-ACK（{ $from } → SYN-SENT）。
tcp-state-syn-received = { $node } 收到 SYN 并回了 SYN-ACK，正在等最后一个 ACK（{ $from } → SYN-RECEIVED）。
tcp-state-established = 三次握手完成：{ $local } ⇄ { $remote } 进入 ESTABLISHED，双方可以互相发送数据了。
tcp-state-fin-wait-1 = { $node } 关闭了自己这一边并发出 FIN，正在等 ACK（FIN-WAIT-1）。它仍然可以接收数据。
tcp-state-fin-wait-2 = { $node } 的 FIN 已被确认，正在等对方的 FIN（FIN-WAIT-2）。
tcp-state-closing = 双方同时发出了 FIN；{ $node } 在等对自己 FIN 的确认（CLOSING）。
tcp-state-time-wait = { $node } 先关闭，所以要在 TIME-WAIT 里等 2 MSL（Linux 上是 60 秒）：万一最后的 ACK 丢了还能重发，旧的重复报文也会消失。这期间 { $local } 仍被占用：在这个端口上重启的服务器会得到 “Address already in use”，除非设置 SO_REUSEADDR。
tcp-state-close-wait = 对方发来 FIN：它不会再发数据了（CLOSE-WAIT）。读完之前的数据后，read 返回 0，表示数据流结束，而不是出错；程序此时应该关闭自己这一边。
tcp-state-last-ack = { $node } 在收到对方 FIN 之后关闭了自己这一边，正在等最后一个 ACK（LAST-ACK）。

## TCP 重传和流量控制
tcp-retransmit-timeout = 在重传超时（RTO）内没等到 ACK，所以 { $node } 重传从 { $seq } 开始的 { $len } 字节，并把 RTO 加倍。
tcp-retransmit-fast = 三个重复的 ACK 说明有一个报文段丢了而后面的到了，所以 { $node } 立即重传 { $seq }，不等超时（快速重传）。
tcp-retransmit-partial-ack = 这个 ACK 只确认了一部分未确认的数据，所以下一个空洞（{ $seq }）立即重传（NewReno）。
tcp-retransmit-sack = 对方的 SACK 块表明 { $seq } 之后的数据都收到了，说明这个报文段丢了；{ $node } 重传它。
tcp-retransmit-syn = SYN 没有回音，所以 { $node } 重发 SYN，每次等待的时间加倍。
tcp-retransmit-probe = 零窗口探测没等到窗口打开，所以 { $node } 再探测一次。
tcp-congestion = 拥塞控制：cwnd 现在是 { $cwnd } 字节，ssthresh 是 { $ssthresh }（{ $why }）。cwnd 限制在途的数据量，TCP 不会把网络塞满。
tcp-rtt = { $node } 测得往返时间：平滑 RTT { $srtt }，偏差 { $rttvar }，所以重传超时是 { $rto }。
tcp-window-update = 程序读走了数据，所以 { $node } 告诉对方窗口打开了：{ $window } 字节。
tcp-peer-window = 对方的窗口现在是 { $window } 字节。
tcp-shift-too-large = 对方要求的窗口扩大因子 { $shift } 超过了上限 14，只用 14。
tcp-paws = 一个旧的重复报文段（时间戳 { $tsval } 比 { $recent } 旧）被丢弃（PAWS）。
tcp-retransmission-lost = { $seq } 的重传也丢了：在它之后发出的数据先到了。再重传一次。
tcp-ack-rate-limited = 对窗口外报文段的 ACK 没有发：不到半秒前刚发过一个。
tcp-sacked = 对方在一个空洞之后已经收到 { $bytes } 字节，分成 { $ranges } 段（SACK）：只需要重传空洞。
tcp-zero-window-probe = 对方的窗口是 0，所以 { $node } 发一个探测报文，看窗口什么时候打开。
tcp-timer-expired = { $local } ⇄ { $remote } 的 { $which } 定时器到时了。
tcp-out-of-order = 从 { $seq } 开始的 { $len } 字节越过了一个空洞先到：先存着，等缺的字节到了再交给程序。程序收到的数据总是按顺序的。
tcp-duplicate = 一个没有新内容的报文段（{ $seq }，{ $len } 字节，已经收到过）被丢弃，回一个 ACK。
tcp-dup-ack = 第 { $count } 个针对 { $ack } 的重复 ACK：对方还在等第 { $ack } 个字节，有数据丢了。
tcp-timer-set = { $node } 启动 { $which } 定时器：{ $after } 后到时。
tcp-window-closed = { $node } 的接收缓冲区满了：它通告窗口为 0，对方必须等程序读走数据。
tcp-reset-sent = { $node } 发出 RST：{ $why }。
tcp-failed = 连接失败：程序会看到 “{ $error }”。

## DHCP（RFC 2131）
dhcp-discovering = { $node } 在 { $iface } 上还没有地址，连“我是谁”都说不出：它从 0.0.0.0 向 255.255.255.255 广播一个 DHCP DISCOVER，请链路上任何一台服务器给它一个地址。
dhcp-offered = 服务器 { $server } 提供地址 { $addr }。{ $node } 回一个 REQUEST，仍然是广播，好让每台服务器都知道它选了哪一个。
dhcp-bound = 服务器的 ACK 确认了租约：{ $node } 现在在 { $iface } 上有了 { $addr }/{ $prefix }，默认网关是 { $router }，DNS 服务器是 { $dns }，租期 { $lease } 秒。它的程序现在可以上网了；{ $renew } 秒后（T1，租期的一半）它会请求续租。
dhcp-renewing = 租期已过一半（T1）：{ $node } 用自己的地址单播给它的服务器，请求延长租约。这期间它继续使用这个地址。
dhcp-renewed = 服务器延长了租约：{ $node } 再保留 { $addr } { $lease } 秒，{ $renew } 秒后再续租。
dhcp-rebinding = 到了 T2（租期的 7/8）它的服务器还没回答：{ $node } 改为广播请求，任何一台服务器都可以延长租约。
dhcp-expired = 没人延长租约：{ $node } 必须停用 { $addr }，把它从 { $iface } 上删掉，重新从 DISCOVER 开始。
dhcp-refused = 服务器 { $server } 拒绝了（DHCPNAK）：这个地址不归 { $node } 用。它放弃手上的地址，重新开始。
