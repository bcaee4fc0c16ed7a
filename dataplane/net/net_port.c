/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The port as the operator sees it (`chivectl show ports`): PORT_GET's answer.
 *
 * Runs on the lcore that received PORT_GET, from the command ring (a
 * slow-path command, bounded by one link and one stats read). It only reads
 * the struct drv_port, which is immutable after start-up: the link goes
 * into the reply, not back into the port, so concurrent readers on other
 * lcores never see a write.
 */
#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>

#include "common/ipc/ipc_msg.h"
#include "dataplane/net/net.h"
#include "drivers/port.h"

int
dp_net_port_info(struct dp_lcore *lc, struct ipc_msg_port_info *out)
{
	const struct drv_port *p = lc->net.port;
	struct drv_port_stats st;
	struct rte_eth_link link;
	int rc;

	if (!lc->has_port || p == NULL)
		return -ENODEV;
	/* A longer ethdev name is cut; it stays NUL-terminated (the reply was zeroed). */
	memcpy(out->name, p->name, strnlen(p->name, sizeof(out->name) - 1));
	memcpy(out->mac, p->mac, sizeof(out->mac));
	out->mtu = p->mtu;
	out->n_queues = p->n_queues;
	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(p->port_id, &link) == 0) {
		out->link_up = link.link_status == RTE_ETH_LINK_UP;
		out->link_speed_mbps =
			link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ? 0 : link.link_speed;
	} else {
		out->link_up = p->link_up;
		out->link_speed_mbps = p->link_speed_mbps;
	}
	rc = drv_port_stats(p, &st);
	if (rc != 0)
		return rc;
	out->rx_packets = st.ipackets;
	out->tx_packets = st.opackets;
	out->rx_bytes = st.ibytes;
	out->tx_bytes = st.obytes;
	out->rx_missed = st.imissed;
	out->rx_errors = st.ierrors;
	out->tx_errors = st.oerrors;
	out->rx_nombuf = st.rx_nombuf;
	return 0;
}
