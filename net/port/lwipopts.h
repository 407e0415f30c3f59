/* SPDX-License-Identifier: ISC */
/*
 * lwipopts.h: vmgo's lwIP 2.1 configuration (lwIP's opt.h documents each
 * option).  A server's stack: IPv4 and IPv6, DHCP, SLAAC, loopback, and
 * TCP sized for about a thousand concurrent connections with 128 KiB
 * windows.  Only lwIP's raw API is used, under vmgo's core lock (NO_SYS;
 * net/net.h); the socket layer is vmgo's own.  Nothing from vmgo is
 * included here: the glue is in arch/cc.h and sys_arch.c.
 */
#ifndef VMGO_NET_PORT_LWIPOPTS_H
#define VMGO_NET_PORT_LWIPOPTS_H

/*
 * System: no lwIP threads, no sequential or socket API.  Every lwIP call
 * is made with the core lock held, so lwIP's own critical sections
 * (SYS_ARCH_PROTECT) are not needed.
 */
#define NO_SYS				1
#define LWIP_TIMERS			1
#define SYS_LIGHTWEIGHT_PROT		0
#define LWIP_NETCONN			0
#define LWIP_SOCKET			0
#define LWIP_NETIF_API			0
#define LWIP_ALTCP			0
#define LWIP_NO_CTYPE_H			1	/* lwIP's own isdigit etc. */

/*
 * Memory: every lwIP allocation, pools included, comes from the runtime
 * heap (malloc over kmalloc, whose size classes are free lists much like
 * lwIP's pools).  Static pools sized for a server (1,100 PCBs, thousands
 * of segments and pbufs) would put megabytes into every image, including
 * those of programs that never open a socket, and cap what a busy one can
 * use; from the heap, memory is taken only when used and the limit is the
 * VM's RAM (the commit charge), which Go's heap shares.  The MEMP_NUM_*
 * values below then only size lwIP's consistency checks.
 */
#define MEM_LIBC_MALLOC			1
#define MEMP_MEM_MALLOC			1
#define MEM_ALIGNMENT			8

/* Interfaces. */
#define LWIP_SINGLE_NETIF		0
#define LWIP_NETIF_HOSTNAME		1	/* sent in DHCP requests */
#define LWIP_NETIF_STATUS_CALLBACK	1
#define LWIP_NETIF_EXT_STATUS_CALLBACK	1	/* address changes */
#define LWIP_NUM_NETIF_CLIENT_DATA	1	/* for the socket layer */
#define LWIP_NETIF_TX_SINGLE_PBUF	0	/* linkoutput takes chains */
#define LWIP_HAVE_LOOPIF		1	/* lo0: 127.0.0.1, ::1 */
#define LWIP_NETIF_LOOPBACK		1	/* to our own addresses */
#define LWIP_LOOPBACK_MAX_PBUFS		0
/*
 * A frame looped back to one of our own addresses is queued and then
 * delivered by netif_poll() in the network thread; netif.c asks for that
 * poll through tcpip_try_callback, which in vmgo only wakes the network
 * thread (net_port_loop_kick, arch/cc.h).  The callback argument is
 * dropped by the macro on purpose: the thread polls every interface.
 */
#define LWIP_NETIF_LOOPBACK_MULTITHREADING 1
#define tcpip_try_callback(fn, ctx)	(net_port_loop_kick(), 0)

/* Link layer. */
#define LWIP_ARP			1
#define LWIP_ETHERNET			1
#define ARP_TABLE_SIZE			64
#define ARP_QUEUEING			1
#define ETHARP_SUPPORT_STATIC_ENTRIES	0
#define ETH_PAD_SIZE			0

/* IPv4. */
#define LWIP_IPV4			1
#define IP_FORWARD			0
#define IP_REASSEMBLY			1
#define IP_FRAG				1
#define IP_REASS_MAX_PBUFS		128
#define IP_DEFAULT_TTL			64
#define LWIP_ICMP			1
#define LWIP_RAW			0
#define LWIP_IGMP			1	/* multicast group membership */
#define LWIP_DHCP			1
#define DHCP_DOES_ARP_CHECK		0	/* no 1 s probe before bound */
#define LWIP_AUTOIP			0

/* IPv6: link-local and SLAAC addresses from router advertisements. */
#define LWIP_IPV6			1
#define LWIP_IPV6_NUM_ADDRESSES		4	/* link-local, SLAAC, static */
#define LWIP_IPV6_AUTOCONFIG		1
#define LWIP_IPV6_SEND_ROUTER_SOLICIT	1
#define LWIP_IPV6_MLD			1
#define LWIP_IPV6_FRAG			1
#define LWIP_IPV6_REASS			1
#define IPV6_FRAG_COPYHEADER		1	/* 64-bit pointers (ip6_frag.c) */
#define LWIP_IPV6_DHCP6			0	/* SLAAC only (docs/networking.md) */
#define LWIP_ND6_NUM_NEIGHBORS		64
#define LWIP_ND6_NUM_DESTINATIONS	64
#define LWIP_ND6_RDNSS_MAX_DNS_SERVERS	0

/*
 * DNS: lwIP's resolver is not used (Go resolves by itself from
 * /etc/resolv.conf), but its server table is where DHCP puts the servers
 * it learns, and net/config.c the static ones.
 */
#define LWIP_DNS			1
#define DNS_MAX_SERVERS			3	/* resolv.conf's MAXNS */
#define DNS_TABLE_SIZE			2
#define LWIP_DHCP_PROVIDE_DNS_SERVERS	DNS_MAX_SERVERS

/* UDP. */
#define LWIP_UDP			1
#define MEMP_NUM_UDP_PCB		256

/*
 * TCP, for a server: 1,000 concurrent connections plus listeners and
 * TIME_WAIT.  512 KiB receive windows (window scaling, shift 4): a
 * window-bound transfer moves a window per round trip, and under TCG the
 * round trip to a tap peer is a few milliseconds; with 128 KiB,
 * host-to-guest bulk TCP stopped at 39 MB/s where the Linux guest, whose
 * windows grow to megabytes, did 62 (tests/bench --net; 63 MB/s with
 * 512 KiB).  Send buffers are 512 KiB too, for the same reason the other
 * way.  That is more segments than the NIC's 256-slot transmit ring
 * holds: linkoutput answers ERR_MEM for a TCP frame that does not fit,
 * lwIP keeps it unsent, and the driver's nic_tx_room sends it later
 * (netif.c).  Before that backpressure a full ring dropped the frame,
 * and 512 KiB send buffers made guest-to-host fall from 55 to 29 MB/s
 * (retransmissions); with it, guest-to-host went from about 60 MB/s
 * (128 KiB) to about 120 (docs/networking.md).  What a connection
 * buffers is bounded by its window and send buffer: idle connections
 * cost little; memory comes from the heap as used (MEMP_MEM_MALLOC), and
 * a full heap drops segments, it does not crash.
 */
#define LWIP_TCP			1
#define TCP_MSS				1460
#define LWIP_WND_SCALE			1
#define TCP_RCV_SCALE			4
#define TCP_WND				(512 * 1024)
#define TCP_SND_BUF			(512 * 1024)
/*
 * An explicit window update once the application has read a quarter of
 * the connection's window, not lwIP's default of 4 MSS: the ACKs that
 * data gets carry the window anyway, and each update is a frame and a
 * notification of the NIC (docs/networking.md, "Bulk throughput").  The
 * connection's window, not TCP_WND: without window scaling (QEMU's slirp
 * has none) it is at most 64 KiB, a quarter of TCP_WND is never reached,
 * and a peer that had filled the window waited for an update forever
 * (tests/net echo_guest_to_host hung).  lwIP uses this in one place,
 * tcp_recved, where pcb is the connection.
 */
#define TCP_WND_UPDATE_THRESHOLD	(TCP_WND_MAX(pcb) / 4)
#define TCP_SND_QUEUELEN		(4 * TCP_SND_BUF / TCP_MSS)
/* lwIP keeps it in a u16_t, 4 MSS below overflow (its init.c checks). */
#define TCP_SNDLOWAT			LWIP_MIN(TCP_SND_BUF / 4, 0xffff - 4 * TCP_MSS - 1)
#define TCP_SNDQUEUELOWAT		(TCP_SND_QUEUELEN / 4)
#define TCP_QUEUE_OOSEQ			1
#define TCP_OOSEQ_MAX_BYTES		TCP_WND
#define TCP_LISTEN_BACKLOG		1
#define TCP_DEFAULT_LISTEN_BACKLOG	128
#define LWIP_TCP_KEEPALIVE		1	/* SO_KEEPALIVE, TCP_KEEP* */
#define LWIP_TCP_TIMESTAMPS		0
#define LWIP_TCP_SACK_OUT		0
#define SO_REUSE			1
/* As BSD: a broadcast or multicast datagram reaches every socket bound to
 * its port with SO_REUSEADDR/SO_REUSEPORT, not only the first. */
#define SO_REUSE_RXTOALL		1
/* Unpredictable initial sequence numbers (RFC 6528), not lwIP's counter. */
#define LWIP_HOOK_FILENAME		"arch/vmgo_hooks.h"
#define LWIP_HOOK_TCP_ISN		net_port_tcp_isn
#define LWIP_HOOK_TCP_INPACKET_PCB	net_port_tcp_inpacket
#define MEMP_NUM_TCP_PCB		1100
#define MEMP_NUM_TCP_PCB_LISTEN		128
#define MEMP_NUM_TCP_SEG		(8 * TCP_SND_QUEUELEN)
#define PBUF_POOL_SIZE			1024
#define MEMP_NUM_PBUF			1024
#define MEMP_NUM_REASSDATA		32

/* Checksums: computed and checked by lwIP... */
#define LWIP_CHKSUM_ALGORITHM		3
#define CHECKSUM_GEN_IP			1
#define CHECKSUM_GEN_UDP		1
#define CHECKSUM_GEN_TCP		1
#define CHECKSUM_GEN_ICMP		1
#define CHECKSUM_GEN_ICMP6		1
#define CHECKSUM_CHECK_IP		1
#define CHECKSUM_CHECK_UDP		1
#define CHECKSUM_CHECK_TCP		1
#define CHECKSUM_CHECK_ICMP		1
#define CHECKSUM_CHECK_ICMP6		1
/* ...switched off per frame for those the NIC vouches for (netif.c). */
#define LWIP_CHECKSUM_CTRL_PER_NETIF	1

/* No statistics and no debug output (LWIP_DEBUG stays undefined). */
#define LWIP_STATS			0
#define LWIP_STATS_DISPLAY		0

#endif
