# simnet: fields, zh. See src/i18n.rs.
# 帧的逐层解析 (src/wire/dissect/)：层名、摘要，以及每个字段的
# `field-KEY`（名称）和 `field-KEY-meaning`（给初学者的一句话，带字段的 `$value`）。

## 层

layer-eth = 以太网 II
layer-arp = ARP
layer-ip = IPv4
layer-icmp = ICMP
layer-udp = UDP
layer-tcp = TCP
layer-data = 数据
layer-ip-fragment = 分片数据

## 摘要

summary-truncated = { $layer } 首部在第 { $offset } 字节处被截断：只有 { $got } 字节，需要 { $need } 字节
summary-malformed = { $layer } 首部在第 { $offset } 字节处格式错误：{ $reason }
summary-data = { $len } 字节
summary-eth = { $src } > { $dst }，{ $type }
summary-arp = { $op ->
    [request] { $gratuitous ->
        [yes] 免费 ARP：{ $spa } 宣告自己在 { $sha }
       *[no] 谁是 { $tpa }？请告诉 { $spa }
    }
    [reply] { $spa } 在 { $sha }
   *[other] 未知操作码：{ $spa }（{ $sha }）发给 { $tpa }
}
summary-arp-malformed = 用于别种网络的 ARP，或在第 { $offset } 字节处格式错误：地址长 { $hlen } 和 { $plen } 字节，而不是以太网的 6 和 IPv4 的 4
summary-ip = { $src } > { $dst }，TTL { $ttl }，{ $proto } { $notes }
summary-note-bad-checksum = [校验和错误]
summary-note-cut = [被截断：总长度 { $total }，这里只有 { $got } 字节]
summary-note-short = [总长度 { $total } 比首部还短]
summary-note-fragment = [分片，位于数据报第 { $offset } 字节{ $more ->
    [yes] ，后面还有分片
   *[no] ，最后一片
}]
summary-note-udp-length = [UDP 长度 { $len } 与这里的 { $got } 字节不符]
summary-udp = { $sport } > { $dport }{ $service }，{ $len } 字节数据 { $notes }
summary-tcp = { $sport } > { $dport }{ $service } [{ $flags }] 序列号 { $seq }{ $hasack ->
    [yes] ，确认号 { $ack }
   *[no] {""}
}，窗口 { $win }，{ $len } 字节数据 { $notes }

reason-ip-version = 版本号不是 4
reason-ip-ihl = 首部长度（IHL）小于 5 个字（20 字节）
reason-tcp-hdrlen = 数据偏移小于 5 个字（20 字节）

## 值

value-bytes = { $n } 字节
value-data = { $len } 字节 { $preview }
value-checksum = { $stored } { $status ->
    [correct] [正确]
    [wrong] [错误，应为 { $expected }]
    [none] [无]
   *[unverified] [未校验]
}
maker-broadcast = 广播地址，没有厂商
maker-local = 本地管理的地址，没有厂商
maker-unknown = simnet 的小表里没有这个厂商
arp-op-name = { $op ->
    [request] 请求
    [reply] 应答
    [rarp-request] RARP 请求
    [rarp-reply] RARP 应答
   *[other] 未知
}
icmp-type-name = { $type ->
    [echo-reply] 回显应答
    [unreachable] 目的不可达
    [source-quench] 源抑制
    [redirect] 重定向
    [echo-request] 回显请求
    [router-advert] 路由器通告
    [router-solicit] 路由器请求
    [time-exceeded] 超时
    [param-problem] 参数问题
    [timestamp] 时间戳请求
    [timestamp-reply] 时间戳应答
   *[other] 未知类型
}
icmp-code-name = { $type ->
    [unreachable] { $code ->
        [c0] 网络不可达
        [c1] 主机不可达
        [c2] 协议不可达
        [c3] 端口不可达
        [c4] 需要分片但设置了 DF
        [c5] 源路由失败
        [c6] 目的网络未知
        [c7] 目的主机未知
        [c9] 网络被管理性禁止
        [c10] 主机被管理性禁止
        [c13] 通信被管理性禁止
       *[other] 未知代码
    }
    [time-exceeded] { $code ->
        [c0] 传输中 TTL 耗尽
        [c1] 分片重组超时
       *[other] 未知代码
    }
    [redirect] { $code ->
        [c0] 针对网络
        [c1] 针对主机
        [c2] 针对服务类型和网络
        [c3] 针对服务类型和主机
       *[other] 未知代码
    }
   *[other] { $code ->
        [c0] 代码 0
       *[other] 未知代码
    }
}
addr-class = { $class } 类地址（{ $class ->
    [A] 首位为 0：第一个字节是网络号，0 到 127
    [B] 首两位为 10：前两个字节是网络号，128 到 191
    [C] 首三位为 110：前三个字节是网络号，192 到 223
    [D] 首四位为 1110：组播，224 到 239
   *[E] 首四位为 1111：保留，240 到 255
}）。
addr-note-this-network = 它属于 0.0.0.0/8，即“本网络”：主机只在还不知道自己的地址时用它作源地址（RFC 1122）。
addr-note-private = 这是私有地址（RFC 1918）：谁都可以在自己的网络里使用，互联网上的路由器不会转发它。
addr-note-shared = 这是运营商级 NAT 使用的共享地址空间 100.64.0.0/10（RFC 6598）。
addr-note-loopback = 这是环回地址（127.0.0.0/8）：数据包永远不会离开本机。
addr-note-link-local = 这是链路本地地址（169.254.0.0/16，RFC 3927）：主机没有分到地址时自己选一个，路由器不转发。
addr-note-documentation = 这是专供文档举例使用的地址（RFC 5737）。
addr-note-multicast = 这是一个组播组（D 类）：加入了该组的每台主机都会收下这个包。
addr-note-reserved = 这是 E 类地址，保留给将来使用：主机既不发往它，也不接收它。
addr-note-broadcast = 这是受限广播地址：本网段的每台主机都会收下这个包，路由器不会转发它。

## 显示

render-range = 第 { $first }-{ $last } 字节
render-bit = @{ $offset } 第 { $bit } 位
render-bits = @{ $offset } 第 { $first }-{ $last } 位

## 原始字节

field-data = 数据
field-data-meaning = simnet 不再继续解析的 { $len } 字节。
field-udp-data = 数据
field-udp-data-meaning = 发送程序交给 sendto() 的 { $len } 字节：UDP 把它们作为一条消息原样送达。
field-tcp-data = 数据
field-tcp-data-meaning = 发送方字节流中的 { $len } 字节；TCP 给每个字节编号，其中第一个字节的编号就是上面的序列号。
field-icmp-data = 数据
field-icmp-data-meaning = { $len } 字节的回显数据：应答会原封不动地带回这些字节。
field-ip-fragment = 分片数据
field-ip-fragment-meaning = 一个更大数据报中间或末尾的 { $len } 字节；只有第一个分片带有 UDP 或 TCP 首部，所以要等所有分片重组之后才能解析。

## 以太网 II（IEEE 802.3）

field-eth-dst = 目的地址
field-eth-dst-meaning = 这一帧要交给的那台设备的 MAC 地址。{ $kind ->
    [broadcast] ff:ff:ff:ff:ff:ff 是广播：本网段的每台设备都会收下，交换机会把它从所有端口泛洪出去。
    [multicast] 组播位为 1：监听这个组播组的每台设备都会收下这一帧。
    [zero] 全 0 不是任何真实设备的地址。
   *[unicast] 只给一台设备（{ $maker }）；其他设备会丢弃它，交换机只把它从 MAC 地址表中学到这个地址的那个端口发出去。
}
field-eth-src = 源地址
field-eth-src-meaning = 发出这一帧的设备的 MAC 地址（{ $maker }）；交换机据此学习哪个端口通向发送方，记入 MAC 地址表。
field-eth-oui = 厂商（OUI）
field-eth-oui-meaning = 前六个十六进制数字表示网卡的厂商。{ $known ->
    [yes] 这里是 { $maker }。
   *[no] 这里：{ $maker }。
}
field-eth-lg = U/L 位（本地管理）
field-eth-lg-meaning = { $kind ->
    [broadcast] 1，广播地址的每一位都是 1。
   *[other] { $local ->
        [yes] 1：这个地址是人或软件自己设定的（simnet 就是这样），不是厂商烧录的。
       *[no] 0：全球唯一地址，由 OUI 所指的厂商分配。
    }
}
field-eth-ig = I/G 位（组地址）
field-eth-ig-meaning = { $group ->
    [yes] 1：组地址（组播或广播）：可能有许多设备收下这一帧。
   *[no] 0：单个地址：只给一台设备。
}
field-eth-type = 类型（EtherType）
field-eth-type-meaning = 载荷是哪种协议，接收方据此知道交给谁处理：{ $kind ->
    [ipv4] 0x0800 是 IPv4。
    [arp] 0x0806 是 ARP，用来询问或告知某个 IP 地址对应哪个 MAC 地址。
    [ipv6] 0x86dd 是 IPv6，simnet 不解析它。
    [vlan] 0x8100 是 IEEE 802.1Q VLAN 标签，simnet 不解析它。
    [length] 小于 0x0600 的值是 IEEE 802.3 的长度，不是类型。
   *[other] simnet 不认识的类型。
}
field-eth-padding = 填充
field-eth-padding-meaning = { $why ->
    [minimum] { $len } 字节不携带任何内容：以太网帧至少 60 字节（加上校验 64 字节），所以发送方把太短的帧填满。
   *[extra] 数据包结束之后的 { $len } 字节，与它无关。
}

## ARP（RFC 826）

field-arp-htype = 硬件类型
field-arp-htype-meaning = { $kind ->
    [ethernet] 1：硬件地址是以太网 MAC 地址。
   *[other] { $value }：不是以太网，simnet 不支持。
}
field-arp-ptype = 协议类型
field-arp-ptype-meaning = { $kind ->
    [ipv4] 0x0800：要解析的是 IPv4 地址。
   *[other] { $value }：不是 IPv4。
}
field-arp-hlen = 硬件地址长度
field-arp-hlen-meaning = 每个硬件地址 { $value } 字节（MAC 地址是 6 字节）。
field-arp-plen = 协议地址长度
field-arp-plen-meaning = 每个协议地址 { $value } 字节（IPv4 地址是 4 字节）。
field-arp-op = 操作码
field-arp-op-meaning = { $op ->
    [request] 1，请求：“谁有目标 IP 地址？请告诉我。”
    [reply] 2，应答：“发送方 IP 地址就在发送方 MAC 地址。”
   *[other] { $value }：不是普通的 ARP 请求或应答。
}
field-arp-sha = 发送方 MAC 地址
field-arp-sha-meaning = 提问方（或回答方）的 MAC 地址（{ $maker }）；接收方把它记进 ARP 缓存。
field-arp-spa = 发送方 IP 地址
field-arp-spa-meaning = { $op ->
    [reply] 被询问的那个地址：它属于发送方 MAC 地址。
   *[other] 发送方自己的 IP 地址，目标据此应答并把它记进缓存。
}
field-arp-tha = 目标 MAC 地址
field-arp-tha-meaning = { $zero ->
    [yes] 全 0：这正是请求想要知道的。
   *[no] { $op ->
        [reply] 提问方的 MAC 地址：应答直接发回给它。
       *[other] 发送方认为的目标 MAC 地址。
    }
}
field-arp-tpa = 目标 IP 地址
field-arp-tpa-meaning = { $op ->
    [request] 发送方想知道其 MAC 地址的那个 IP 地址；只有拥有它的主机才会应答。
   *[other] 这条消息所要交给的设备的 IP 地址。
}

## IPv4（RFC 791）

field-ip-version = 版本
field-ip-version-meaning = IP 版本号：这里是 4；其他值会被接收方丢弃。
field-ip-ihl = 首部长度（IHL）
field-ip-ihl-meaning = 首部长度，以 4 字节为单位：{ $len } 字节{ $len ->
    [20] ，即不带选项的普通首部。
   *[other] ，包括选项。
}
field-ip-tos = 服务类型（DSCP/ECN）
field-ip-tos-meaning = 给路由器看的优先级和拥塞标记；大多数主机发送 0。
field-ip-dscp = DSCP
field-ip-dscp-meaning = { $dscp ->
    [0] 0：普通的尽力而为流量。
    [46] 46：加速转发，用于语音。
   *[other] { $value }：路由器可以优先处理的服务等级（RFC 2474）。
}
field-ip-ecn = ECN
field-ip-ecn-meaning = { $ecn ->
    [0] 0：发送方不使用显式拥塞通知。
    [3] 3：途中某个路由器发生拥塞，给这个包做了标记而没有丢弃它（RFC 3168）。
   *[other] { $value }：发送方能够接受拥塞标记（RFC 3168）。
}
field-ip-len = 总长度
field-ip-len-meaning = { $status ->
    [beyond] 整个包（首部加数据）应为 { $value } 字节，但这里只有 { $got } 字节：它被截断了。
    [short] { $value } 字节比 { $header } 字节的首部本身还短：这个包格式错误。
   *[ok] 整个包，首部加数据，共 { $value } 字节；帧中在它之后的内容都是填充。
}
field-ip-id = 标识
field-ip-id-meaning = 发送方给每个数据报的编号，用来把同一个数据报的各个分片重新拼起来。
field-ip-flags = 标志
field-ip-flags-meaning = 与分片有关的三个位。
field-ip-flags-rb = 保留位
field-ip-flags-rb-meaning = { $set ->
    [yes] 1，但这一位必须为 0。
   *[no] 0，符合规定。
}
field-ip-flags-df = 不分片（DF）
field-ip-flags-df-meaning = { $set ->
    [yes] 1：路由器不得拆分这个包；如果它对下一条链路来说太大，路由器就丢弃它并用 ICMP 告知发送方。
   *[no] 0：如果链路的 MTU 太小，路由器可以把这个包拆成分片。
}
field-ip-flags-mf = 更多分片（MF）
field-ip-flags-mf-meaning = { $set ->
    [yes] 1：这个数据报后面还有分片。
   *[no] 0：这是数据报的最后一片（或唯一的一片）。
}
field-ip-frag = 片偏移
field-ip-frag-meaning = 这一片的数据在原数据报中的起始位置，以 8 字节为单位：第 { $bytes } 字节{ $bytes ->
    [0] ，即开头。
   *[other] ，所以这是后续分片。
}
field-ip-ttl = 生存时间（TTL）
field-ip-ttl-meaning = 每经过一个路由器减 1，减到 0 时包被丢弃，这样陷入路由环路的包不会永远兜圈子；还剩 { $value } 跳{ $ttl ->
    [64] ，这是 Linux 和 macOS 的初始值。
    [128] ，这是 Windows 的初始值。
    [0] ：下一个路由器会丢弃它。
   *[other] 。
}
field-ip-proto = 协议
field-ip-proto-meaning = 数据部分是哪种协议：{ $name ->
    [ICMP] 1 是 ICMP，IP 的差错报告和回显（ping）消息。
    [TCP] 6 是 TCP，可靠的字节流。
    [UDP] 17 是 UDP，一条条独立的消息。
   *[other] { $value }。
}
field-ip-checksum = 首部校验和
field-ip-checksum-meaning = 只覆盖首部的校验和，因为 TTL 会变，每个路由器都要重新计算：{ $status ->
    [correct] 校验通过，首部完好。
    [wrong] 校验不通过；应为 { $expected }，接收方会丢弃这个包。
    [none] 首部不完整。
   *[unverified] 首部不完整，无法校验。
}
field-ip-src = 源地址
field-ip-src-meaning = 发出这个包的主机的 IP 地址。{ $class }{ $notes }
field-ip-dst = 目的地址
field-ip-dst-meaning = 这个包要送达的主机的 IP 地址；路由器根据它转发。{ $class }{ $notes }
field-ip-options = 选项
field-ip-options-meaning = 固定首部和数据之间的 { $len } 字节选项；如今很少见。
field-ip-opt = 选项
field-ip-opt-meaning = { $kind ->
    [0] 选项列表结束。
    [1] 空操作：选项之间的一个填充字节。
    [7] 记录路由：每个路由器在这里写下自己的地址。
    [68] 时间戳：每个路由器在这里写下时间。
    [148] 路由器警告：路由器应当仔细查看这个包。
   *[other] 类型为 { $kind } 的选项。
}

## ICMP（RFC 792）

field-icmp-type = 类型
field-icmp-type-meaning = 这是哪种消息：{ $type ->
    [echo-request] 8，回显请求，ping 发出的就是它。
    [echo-reply] 0，回显应答，对 ping 的回答。
    [unreachable] 3，目的不可达：下面引用的包无法送达。
    [time-exceeded] 11，超时：被引用的包在途中 TTL 减到了 0（traceroute 就利用这一点）。
    [redirect] 5，重定向：路由器告诉发送方有更好的下一跳。
    [source-quench] 4，源抑制：过去用来要求放慢速度，现已不用。
    [param-problem] 12，参数问题：被引用的首部中有错误。
   *[other] { $value }。
}
field-icmp-code = 代码
field-icmp-code-meaning = 类型之下的具体原因：{ $value }。
field-icmp-checksum = 校验和
field-icmp-checksum-meaning = 覆盖整条 ICMP 消息的校验和：{ $status ->
    [correct] 校验通过，消息完好。
    [wrong] 校验不通过；应为 { $expected }，接收方会丢弃这条消息。
   *[other] 这里没有完整的消息，无法校验。
}
field-icmp-id = 标识符
field-icmp-id-meaning = 由 ping 程序选定并复制到应答中，让应答能找回这个程序。
field-icmp-seq = 序列号
field-icmp-seq-meaning = 给回显请求计数（1、2、3……）；应答带着同一个号码，ping 就是靠它配对应答、发现丢包的。
field-icmp-gateway = 网关地址
field-icmp-gateway-meaning = 去往这个目的地更好的路由器：{ $value }。
field-icmp-pointer = 指针
field-icmp-pointer-meaning = 被引用首部中出问题的字节：第 { $value } 字节。
field-icmp-unused = 未用
field-icmp-unused-meaning = 这种类型不使用的四个字节；发送方置为 0。
field-icmp-mtu = 下一跳 MTU
field-icmp-mtu-meaning = 下一条链路能通过的最大包：{ $value } 字节；发送方应当发更小的包（RFC 1191）。
field-icmp-quoted = 引用的包
field-icmp-quoted-meaning = 引起这个差错的那个包的前 { $len } 字节：它的 IP 首部和数据的前 8 字节，足够发送方找到它来自哪个套接字。

## UDP（RFC 768）

field-udp-srcport = 源端口
field-udp-srcport-meaning = 发送程序的端口；应答会发回这里。{ $range ->
    [dynamic] { $port } 在动态端口范围 49152-65535 内，是操作系统为客户端挑选的。
    [system] { $known ->
        [yes] 这是 { $service } 的知名端口。
       *[no] 这是 1024 以下的知名（系统）端口。
    }
    [zero] 0：发送方不需要应答。
   *[other] { $known ->
        [yes] 这是 { $service } 的注册端口。
       *[no] { $port } 是注册端口（1024-49151）。
    }
}
field-udp-dstport = 目的端口
field-udp-dstport-meaning = 这个数据报要交给的套接字的端口；它和 IP 地址一起确定一个程序。{ $known ->
    [yes] { $port } 通常是 { $service }。
   *[no] {""}
}
field-udp-length = 长度
field-udp-length-meaning = { $status ->
    [short] { $value } 比 8 字节的首部还短：格式错误。
    [beyond] 数据报应为 { $value } 字节，但这里只有 { $got } 字节。
   *[ok] 8 字节首部加 { $data } 字节数据，共 { $value } 字节。
}
field-udp-checksum = 校验和
field-udp-checksum-meaning = 覆盖伪首部（两个 IP 地址、协议、长度）、UDP 首部和数据的校验和：{ $status ->
    [correct] 校验通过，数据报完好。
    [wrong] 校验不通过；应为 { $expected }，接收方会丢弃这个数据报。
    [none] 0 表示发送方没有计算校验和，IPv4 允许这样做。
   *[unverified] 这里没有完整的数据报，无法校验。
}

## TCP（RFC 9293）

field-tcp-srcport = 源端口
field-tcp-srcport-meaning = 发送方套接字的端口。{ $range ->
    [dynamic] { $port } 在动态端口范围 49152-65535 内，是操作系统为客户端挑选的。
    [system] { $known ->
        [yes] 这是 { $service } 的知名端口：发送方是服务器。
       *[no] 这是 1024 以下的知名（系统）端口。
    }
    [zero] 0 不是有效端口。
   *[other] { $known ->
        [yes] 这是 { $service } 的注册端口。
       *[no] { $port } 是注册端口（1024-49151）。
    }
}
field-tcp-dstport = 目的端口
field-tcp-dstport-meaning = 接收方套接字的端口；两个地址加两个端口一起确定一条连接。{ $known ->
    [yes] { $port } 通常是 { $service }。
   *[no] {""}
}
field-tcp-seq = 序列号
field-tcp-seq-meaning = { $syn ->
    [yes] 发送方随机选定的初始序列号（ISN）；SYN 本身算一个字节，所以它的第一个数据字节将是 { $value } + 1。
   *[no] 这个报文段中第一个数据字节的编号，从发送方的 ISN 开始计数。
}
field-tcp-ack = 确认号
field-tcp-ack-meaning = { $set ->
    [yes] 发送方期待对方发来的下一个字节：{ $value } 之前的字节都已收到。
   *[no] 未使用：ACK 位为 0（连接的第一个 SYN）。
}
field-tcp-hdrlen = 数据偏移（首部长度）
field-tcp-hdrlen-meaning = 首部长度，以 4 字节为单位：{ $len } 字节{ $len ->
    [20] ，没有选项。
   *[other] ，包括选项。
}
field-tcp-reserved = 保留
field-tcp-reserved-meaning = 留给将来的四个位；发送方置为 0。
field-tcp-flags = 标志
field-tcp-flags-meaning = 控制位：这个报文段在连接中起什么作用。
field-tcp-flags-cwr = CWR
field-tcp-flags-cwr-meaning = 拥塞窗口已减小（RFC 3168）：{ $set ->
    [yes] 1，发送方收到拥塞标记后已经放慢。
   *[no] 0。
}
field-tcp-flags-ece = ECE
field-tcp-flags-ece-meaning = ECN 回显（RFC 3168）：{ $set ->
    [yes] 1，接收方看到了拥塞标记。
   *[no] 0。
}
field-tcp-flags-urg = URG
field-tcp-flags-urg-meaning = 紧急：{ $set ->
    [yes] 1，紧急指针有效。
   *[no] 0，没有紧急数据（几乎总是如此）。
}
field-tcp-flags-ack = ACK
field-tcp-flags-ack-meaning = 确认：{ $set ->
    [yes] 1，确认号有效；除了第一个 SYN，之后的每个报文段都带它。
   *[no] 0，确认号没有意义。
}
field-tcp-flags-psh = PSH
field-tcp-flags-psh-meaning = 推送：{ $set ->
    [yes] 1，立即把数据交给应用程序。
   *[no] 0。
}
field-tcp-flags-rst = RST
field-tcp-flags-rst-meaning = 复位：{ $set ->
    [yes] 1，立即中止连接（或者：那个端口上没有程序在监听）。
   *[no] 0。
}
field-tcp-flags-syn = SYN
field-tcp-flags-syn-meaning = 同步：{ $set ->
    [yes] 1，建立连接：三次握手的前两个报文段。
   *[no] 0。
}
field-tcp-flags-fin = FIN
field-tcp-flags-fin-meaning = 结束：{ $set ->
    [yes] 1，发送方没有更多数据了：四次挥手中的一步。
   *[no] 0。
}
field-tcp-window = 窗口
field-tcp-window-meaning = 发送方现在还能接收多少字节（从确认号算起）：{ $value }（如果双方在握手时约定了窗口缩放，还要乘以 2 的缩放次方）。
field-tcp-checksum = 校验和
field-tcp-checksum-meaning = 覆盖伪首部（两个 IP 地址、协议、长度）、TCP 首部和数据的校验和：{ $status ->
    [correct] 校验通过，报文段完好。
    [wrong] 校验不通过；应为 { $expected }，接收方会丢弃这个报文段，发送方会超时重传。
   *[other] 这里没有完整的报文段，无法校验。
}
field-tcp-urgent = 紧急指针
field-tcp-urgent-meaning = { $set ->
    [yes] 紧急数据在序列号之后 { $value } 字节处结束。
   *[no] 未使用，因为 URG 为 0。
}
field-tcp-options = 选项
field-tcp-options-meaning = 固定的 20 字节首部之后的 { $len } 字节选项，每个选项都有类型、长度和值。
field-tcp-opt-kind = 类型
field-tcp-opt-kind-meaning = 这是哪个选项：{ $value }。
field-tcp-opt-len = 长度
field-tcp-opt-len-meaning = 选项的字节数，包括类型和长度这两个字节：{ $value }。
field-tcp-opt-eol = 选项列表结束
field-tcp-opt-eol-meaning = 类型 0：后面没有更多选项。
field-tcp-opt-padding = 填充
field-tcp-opt-padding-meaning = 把首部补齐到 4 字节倍数的零字节。
field-tcp-opt-nop = 空操作（NOP）
field-tcp-opt-nop-meaning = 类型 1：一个填充字节，让下一个选项从 4 字节边界开始。
field-tcp-opt-bad = 格式错误的选项
field-tcp-opt-bad-meaning = 类型 { $kind } 声称长 { $len } 字节，但只剩 { $room } 字节：后面的选项无法读取。
field-tcp-opt-mss = 最大报文段长度（MSS）
field-tcp-opt-mss-meaning = 类型 2：发送方希望一个报文段最多携带的数据字节数：{ $value }。只在 SYN 中发送（RFC 9293 §3.7.1）。
field-tcp-opt-mss-val = MSS
field-tcp-opt-mss-val-meaning = { $value } 字节：通常是 MTU 1500 减去 20 字节 IP 首部和 20 字节 TCP 首部，即 1460。
field-tcp-opt-wscale = 窗口缩放
field-tcp-opt-wscale-meaning = 类型 3：把窗口字段乘以 2 的若干次方，让窗口可以超过 65535 字节（RFC 7323 §2）；只在 SYN 中出现，且双方都发送时才生效。
field-tcp-opt-wscale-shift = 移位数
field-tcp-opt-wscale-shift-meaning = 这个发送方的窗口要乘以 2 的 { $shift } 次方，即乘以 { $factor }。
field-tcp-opt-sack_perm = 允许 SACK
field-tcp-opt-sack_perm-meaning = 类型 4：发送方能接受选择确认，它会准确说明哪些数据块已经到达（RFC 2018）；只在 SYN 中出现。
field-tcp-opt-sack = SACK
field-tcp-opt-sack-meaning = 类型 5：确认号之后已经到达的数据块，这样发送方只需重传缺口（RFC 2018）。
field-tcp-opt-sack-block = 数据块
field-tcp-opt-sack-block-meaning = 从左边的编号到右边的编号（不含）之间的字节已经到达：共 { $bytes } 字节。
field-tcp-opt-ts = 时间戳
field-tcp-opt-ts-meaning = 类型 8：发送方的时钟和对方时钟的回显，用来测量往返时间，并区分旧报文段和新报文段（RFC 7323 §3）。
field-tcp-opt-ts-val = TSval
field-tcp-opt-ts-val-meaning = 发送方发出这个报文段时的时间戳时钟：{ $value }。
field-tcp-opt-ts-ecr = TSecr
field-tcp-opt-ts-ecr-meaning = 发送方最近从对方收到的 TSval，原样回显：{ $value }{ $zero ->
    [yes] ，还没有收到过。
   *[other] 。
}
field-tcp-opt-unknown = 未知选项
field-tcp-opt-unknown-meaning = 类型 { $kind }，{ $len } 字节：simnet 不认识的选项，或者长度不对；接收方按长度跳过它。
field-tcp-opt-data = 值
field-tcp-opt-data-meaning = 选项的值字节，十六进制。

## DNS（RFC 1035 §4.1）
layer-dns = DNS
summary-dns = { $text }
field-dns-id = 事务 ID
field-dns-id-meaning = 提问者选的一个编号；回答带着同一个编号，提问者据此认出是哪个问题的回答（猜错编号的伪造回答会被丢掉）。
field-dns-flags = 标志
field-dns-flags-meaning = 十六位，说明这是提问还是回答，以及结果如何。
field-dns-flags-qr = 响应（QR）
field-dns-flags-qr-meaning = { $n ->
    [0] 0：查询。
   *[other] 1：响应。
}
field-dns-flags-opcode = 操作码
field-dns-flags-opcode-meaning = 查询的种类：0 是标准查询，simnet 只说这一种。
field-dns-flags-aa = 权威回答（AA）
field-dns-flags-aa-meaning = { $n ->
    [0] 0：不是来自拥有这个名字的服务器（或者这是查询）。
   *[other] 1：回答的服务器是这个名字的权威，不是缓存。
}
field-dns-flags-tc = 截断（TC）
field-dns-flags-tc-meaning = { $n ->
    [0] 0：消息是完整的。
   *[other] 1：回答装不进 512 字节的 UDP，被截断了：请改用 TCP 再问。
}
field-dns-flags-rd = 期望递归（RD）
field-dns-flags-rd-meaning = { $n ->
    [0] 0：提问者不要求递归。
   *[other] 1：提问者希望服务器替它找到答案，必要时去问别的服务器。
}
field-dns-flags-ra = 可用递归（RA）
field-dns-flags-ra-meaning = { $n ->
    [0] 0：这台服务器不递归，只回答它自己知道的。
   *[other] 1：这台服务器可以递归。
}
field-dns-flags-z = 保留（Z）
field-dns-flags-z-meaning = 留作将来使用的位；为 0。
field-dns-flags-rcode = 响应码
field-dns-flags-rcode-meaning = { $n ->
    [0] 0：没有错误。
    [1] 1：格式错误，服务器读不懂查询。
    [2] 2：服务器失败。
    [3] 3：NXDOMAIN，名字不存在。
    [4] 4：未实现。
    [5] 5：拒绝。
   *[other] { $n }：其他错误。
}
field-dns-qdcount = 问题数
field-dns-qdcount-meaning = 后面有几个问题（{ $n }）；实际上总是一个。
field-dns-ancount = 回答记录数
field-dns-ancount-meaning = 回答这个问题的记录有几条（{ $n }）。
field-dns-nscount = 权威记录数
field-dns-nscount-meaning = 指明权威服务器的记录有几条（{ $n }）。
field-dns-arcount = 附加记录数
field-dns-arcount-meaning = 可能有帮助的附加记录有几条（{ $n }）。
field-dns-question = 问题
field-dns-question-meaning = 问的是什么：一个名字、想要的记录种类和类别。
field-dns-qname = 名字
field-dns-qname-meaning = 被问的名字，按标签写：每个标签先一个长度字节，再跟那么多字符，最后一个零字节结束（或者一个指针，指向前面已经写过的剩余部分）。
field-dns-qtype = 类型
field-dns-qtype-meaning = 想要的记录种类：{ $type }（A 是 IPv4 地址，AAAA 是 IPv6 地址）。
field-dns-qclass = 类别
field-dns-qclass-meaning = { $n ->
    [1] 1：IN，互联网。
   *[other] { $n }：互联网以外的类别。
}
field-dns-answer = 回答
field-dns-answer-meaning = 回答这个问题的一条资源记录。
field-dns-authority = 权威
field-dns-authority-meaning = 指明权威服务器的一条资源记录。
field-dns-additional = 附加
field-dns-additional-meaning = 可能对提问者有帮助的一条资源记录。
field-dns-rr-name = 名字
field-dns-rr-name-meaning = 这条记录所属的名字；常常是一个两字节的指针（0xc0…），指回问题里的名字，免得写两遍。
field-dns-rr-type = 类型
field-dns-rr-type-meaning = 记录的种类：{ $type }。
field-dns-rr-class = 类别
field-dns-rr-class-meaning = { $n ->
    [1] 1：IN，互联网。
   *[other] { $n }：互联网以外的类别。
}
field-dns-rr-ttl = 生存时间
field-dns-rr-ttl-meaning = 提问者可以把这个回答缓存多少秒（{ $n }）再重新去问。
field-dns-rr-rdlength = 数据长度
field-dns-rr-rdlength-meaning = 后面有多少字节的数据（{ $n }）；A 记录是 4 字节。
field-dns-rr-rdata = 数据
field-dns-rr-rdata-meaning = 记录的数据；对 { $type } 来说，就是提问者想要的值。

## DHCP（RFC 2131 §2，RFC 2132）
layer-dhcp = DHCP
summary-dhcp = { $kind }，xid { $xid }，来自 { $mac }
field-dhcp-op = 操作
field-dhcp-op-meaning = { $n ->
    [1] 1：BOOTREQUEST，客户端发出。
    [2] 2：BOOTREPLY，服务器发出。
   *[other] { $n }：既不是请求也不是回复。
}
field-dhcp-htype = 硬件类型
field-dhcp-htype-meaning = { $n ->
    [1] 1：以太网。
   *[other] { $n }：不是以太网。
}
field-dhcp-hlen = 硬件地址长度
field-dhcp-hlen-meaning = chaddr 里硬件地址的字节数（{ $n }）；MAC 是 6。
field-dhcp-hops = 跳数
field-dhcp-hops-meaning = 转发过这条消息的中继代理个数（{ $n }）。
field-dhcp-xid = 事务 ID
field-dhcp-xid-meaning = 客户端为这次交换选的随机数；服务器的回复带着它，客户端据此知道回复是给自己的。
field-dhcp-secs = 秒数
field-dhcp-secs-meaning = 客户端已经尝试了多久（{ $n } 秒）。
field-dhcp-flags = 标志
field-dhcp-flags-meaning = 只用第一位：回复是否必须广播。
field-dhcp-flags-bc = 广播（B）
field-dhcp-flags-bc-meaning = { $n ->
    [0] 0：客户端能接收单播回复。
   *[other] 1：客户端在有地址之前收不了单播：请回复到 255.255.255.255。
}
field-dhcp-ciaddr = 客户端地址（ciaddr）
field-dhcp-ciaddr-meaning = { $zero ->
    [yes] 0.0.0.0：客户端还没有地址。
   *[no] 客户端已有并想保留的地址（续租）。
}
field-dhcp-yiaddr = 你的地址（yiaddr）
field-dhcp-yiaddr-meaning = { $zero ->
    [yes] 0.0.0.0：这条消息里没有提供地址。
   *[no] 服务器为客户端提供或确认的地址。
}
field-dhcp-siaddr = 下一个服务器（siaddr）
field-dhcp-siaddr-meaning = 接下来要从哪台服务器启动（网络启动）；不用时为 0.0.0.0。
field-dhcp-giaddr = 中继代理（giaddr）
field-dhcp-giaddr-meaning = { $zero ->
    [yes] 0.0.0.0：没有中继代理；客户端和服务器在同一条链路上。
   *[no] 从别的网络转发这条消息的中继代理。
}
field-dhcp-chaddr = 客户端硬件地址
field-dhcp-chaddr-meaning = 写在消息里面的客户端 MAC：广播帧的源地址经过中继就没了。共 16 字节，MAC 用其中 6 字节。
field-dhcp-sname = 服务器主机名
field-dhcp-sname-meaning = 64 字节，可选的服务器名；这里全是零。
field-dhcp-file = 启动文件名
field-dhcp-file-meaning = 128 字节，网络启动用的启动文件名；这里全是零。
field-dhcp-cookie = 魔术字
field-dhcp-cookie-meaning = { $ok ->
    [yes] 99.130.83.99：后面是 DHCP 选项（BOOTP 消息由此成为 DHCP 消息）。
   *[no] 不是 99.130.83.99：后面的不是 DHCP 选项。
}
field-dhcp-option = 选项
field-dhcp-option-meaning = { $code ->
    [1] 子网掩码：和地址一起说明哪些地址在本链路上。
    [3] 路由器：默认网关，发往本链路以外的地址都交给它。
    [6] DNS 服务器：客户端的解析器把查询发到这里。
    [12] 主机名。
    [50] 请求的地址：客户端想要的地址。
    [51] 租期：这个地址归客户端用多久。
    [53] 消息类型：这是一条什么消息。
    [54] 服务器标识：消息来自哪台服务器，或者发给哪台。
    [55] 参数请求列表：客户端想要的选项，按编号列出。
    [58] 续租时间（T1）：什么时候向同一台服务器请求延长租约。
    [59] 重新绑定时间（T2）：什么时候向任何服务器请求。
   *[other] 选项 { $code }，{ $len } 字节。
}
field-dhcp-end = 结束
field-dhcp-end-meaning = 选项 255：选项到此结束。
field-dhcp-pad = 填充
field-dhcp-pad-meaning = 选项 0：一个填充字节。
field-dhcp-padding = 填充
field-dhcp-padding-meaning = 结束之后的 { $len } 个零字节，让消息达到 BOOTP 中继期望的 300 字节。
