/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The port as the operator sees it (`chivectl show ports`): the
 *        figures behind PORT_GET's and PORT_XSTATS's answers.
 *
 * Runs on the lcore that received the command, from the command ring (a
 * slow-path command, bounded by one link and one stats read, or one read of
 * at most DRV_PORT_XSTATS_READ_MAX extended stats). It only reads the
 * struct drv_port, which is immutable after start-up (the xstat names
 * included): the link goes into the reply, not back into the port, so
 * concurrent readers on other lcores never see a write.
 */
#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>

#include "common/ipc/ipc_msg.h"
#include "dataplane/net/net.h"
#include "drivers/port.h"

_Static_assert(DRV_PORT_XSTAT_NAME_MAX == IPC_PORT_XSTAT_NAME_MAX, "xstat names");
_Static_assert(DRV_PORT_XSTATS_MAX <= IPC_PORT_XSTATS_MAX, "xstats served");
_Static_assert(DRV_PORT_XSTATS_READ_MAX >= IPC_PORT_XSTATS_PAGE_MAX, "one read per page");
_Static_assert(DRV_PORT_QSTATS_MAX <= IPC_PORT_QUEUES_MAX, "per-queue records");

int
dp_net_port_info(struct dp_lcore *lc, struct ipc_msg_port_info *out,
		 struct ipc_msg_port_queue *queues, uint32_t max_queues, uint32_t *n_queues)
{
	const struct drv_port *p = lc->net.port;
	struct drv_port_stats st;
	struct rte_eth_link link;
	int rc;

	*n_queues = 0;
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
	for (uint16_t q = 0; q < st.n_qstats && q < max_queues; q++) {
		struct ipc_msg_port_queue *r = &queues[q];

		r->queue = q;
		r->rx_packets = st.q_ipackets[q];
		r->rx_bytes = st.q_ibytes[q];
		r->tx_packets = st.q_opackets[q];
		r->tx_bytes = st.q_obytes[q];
		r->errors = st.q_errors[q];
		(*n_queues)++;
	}
	return 0;
}

int
dp_net_port_xstats(struct dp_lcore *lc, uint32_t first, uint32_t n, uint64_t *values,
		   const char **names, uint32_t *served, uint32_t *total)
{
	const struct drv_port *p = lc->net.port;
	int rc;

	*served = 0;
	*total = 0;
	if (!lc->has_port || p == NULL)
		return -ENODEV;
	*served = p->n_xstats;
	*total = p->xstats_total;
	if (first >= p->n_xstats || n == 0)
		return 0;
	if (n > DRV_PORT_XSTATS_READ_MAX)
		n = DRV_PORT_XSTATS_READ_MAX;
	if (n > p->n_xstats - first)
		n = p->n_xstats - first;
	rc = drv_port_xstats(p, first, n, values);
	if (rc != 0)
		return rc;
	for (uint32_t i = 0; i < n; i++)
		names[i] = p->xstat_names[first + i];
	return (int)n;
}
