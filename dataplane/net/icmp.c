/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief ICMP (RFC 792): answer echo requests, count and drop everything else.
 *
 * An operator pings the relay's address; nothing else of ICMP matters to a
 * relay that does PMTU discovery only through TCP's MSS. Each message's
 * checksum is verified over the whole message, every segment of a chain
 * (RFC 792 "Checksum"). An echo request (type 8, code 0) becomes its reply in
 * the same mbuf: the IPv4 header (and any options; RFC 1122 §3.2.2.6 only
 * says the options SHOULD be echoed) is stripped, the type set to 0 and the
 * checksum recomputed, and dp_ip4_output() sends it back to the requester's
 * address from ours. Identifier, sequence number and data are untouched, as
 * RFC 792 requires. Echo replies are not rate limited: they cost what the
 * request cost, and the NIC's RX queue bounds both.
 */
#include <netinet/in.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/lcore_types.h"
#include "dataplane/net/arp_int.h"
#include "dataplane/net/net.h"

void
dp_icmp_input(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t bad_len = 0, bad_csum = 0, other = 0, echo = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		uint32_t hlen = m->l3_len;
		uint32_t len = rte_pktmbuf_pkt_len(m) - hlen;
		struct rte_icmp_hdr *ih;
		uint32_t src;

		/* The 8-byte header must be in the first segment; the data may be chained. */
		if (unlikely(len < sizeof(*ih) || rte_pktmbuf_data_len(m) < hlen + sizeof(*ih))) {
			bad_len++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (unlikely(dp_ip4_cksum_mbuf(m, hlen, len) != 0xffff)) {
			bad_csum++;
			rte_pktmbuf_free(m);
			continue;
		}
		ih = rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *, hlen);
		if (ih->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || ih->icmp_code != 0) {
			other++;
			rte_pktmbuf_free(m);
			continue;
		}
		echo++;
		src = rte_be_to_cpu_32(ip->src_addr);
		rte_pktmbuf_adj(m, (uint16_t)hlen);

		/* RFC 792 "Echo or Echo Reply Message": type 0, same id, seq and data. */
		ih->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
		ih->icmp_cksum = 0;
		ih->icmp_cksum = (uint16_t)~dp_ip4_cksum_mbuf(m, 0, len);
		dp_ip4_output(lc, m, src, IPPROTO_ICMP);
	}
	DP_NET_CTR_FLUSH(lc, icmp_drop_bad_len, bad_len);
	DP_NET_CTR_FLUSH(lc, icmp_drop_bad_csum, bad_csum);
	DP_NET_CTR_FLUSH(lc, icmp_drop, other);
	DP_NET_CTR_FLUSH(lc, icmp_echo_rx, echo);
	DP_NET_CTR_FLUSH(lc, icmp_echo_tx, echo);
}
