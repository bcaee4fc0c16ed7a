/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CIRC_CREATE → onionskin queue → CIRC_CREATED (see circ.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "controlplane/circ/circ.h"

/* Answers pushed per cp_circ_poll() call. */
#define CIRC_POLL_BATCH 64u

static void
circ_load_keys(struct cp_circ *cc)
{
	struct cp_onion_server_keys sk;
	const struct cp_keys_ntor *cur = cp_keys_ntor_current(cc->keys);
	const struct cp_keys_ntor *old = cp_keys_ntor_previous(cc->keys);

	memset(&sk, 0, sizeof(sk));
	memcpy(sk.rsa_id, cp_keys_rsa_id_digest(cc->keys), sizeof(sk.rsa_id));
	memcpy(sk.ed_id, cp_keys_master_pub(cc->keys), sizeof(sk.ed_id));
	memcpy(sk.ntor[0].sec, cur->sec, 32);
	memcpy(sk.ntor[0].pub, cur->pub, 32);
	sk.n_ntor = 1;
	if (old != NULL) {
		memcpy(sk.ntor[1].sec, old->sec, 32);
		memcpy(sk.ntor[1].pub, old->pub, 32);
		sk.n_ntor = 2;
	}
	cp_onionq_set_keys(cc->q, &sk);
	OPENSSL_cleanse(&sk, sizeof(sk));
}

int
cp_circ_init(struct cp_circ *cc, struct cp_dplink *dp, const struct cp_keys *keys,
	     const struct cp_onionq_conf *qc, char *err, size_t errlen)
{
	struct cp_onionq_conf def;
	int rc;

	memset(cc, 0, sizeof(*cc));
	cc->dp = dp;
	cc->keys = keys;
	if (qc == NULL) {
		cp_onionq_conf_default(&def);
		qc = &def;
	}
	rc = cp_onionq_create(qc, &cc->q);
	if (rc != 0) {
		snprintf(err, errlen, "onionskin queue: %s", strerror(-rc));
		return rc;
	}
	circ_load_keys(cc);
	return 0;
}

void
cp_circ_fini(struct cp_circ *cc)
{
	cp_onionq_destroy(cc->q);
	memset(cc, 0, sizeof(*cc));
}

void
cp_circ_keys_changed(struct cp_circ *cc)
{
	if (cc->q != NULL)
		circ_load_keys(cc);
}

/* Answer a CIRC_CREATE on lcore @p lcore_idx; wipes @p m. */
static void
circ_answer(struct cp_circ *cc, uint32_t lcore_idx, struct ipc_msg_circ_created *m)
{
	if (m->status == IPC_CIRC_OK)
		cc->stats.answered_ok++;
	else
		cc->stats.answered_fail++;
	if (cp_dplink_down_push(cc->dp, lcore_idx, &m->hdr, sizeof(*m)) != 0)
		cc->stats.down_drops++;
	OPENSSL_cleanse(m, sizeof(*m));
}

void
cp_circ_on_cell(void *arg, uint32_t lcore_idx, const struct ipc_hdr *msg, uint64_t now_ns)
{
	struct cp_circ *cc = arg;
	const struct ipc_msg_circ_create *m = (const struct ipc_msg_circ_create *)(const void *)msg;
	struct cp_onionq_job job;
	struct ipc_msg_circ_created r;

	(void)now_ns;
	if (msg->type != IPC_MSG_CIRC_CREATE || cc->q == NULL)
		return;
	cc->stats.create_rx++;
	memset(&job, 0, sizeof(job));
	job.cookie[0] = (uint64_t)lcore_idx << 32 | m->circ;
	job.cookie[1] = m->hdr.req_id;
	job.htype = m->htype;
	job.hlen = m->hlen <= IPC_CIRC_HDATA_MAX ? m->hlen : 0;
	memcpy(job.hdata, m->hdata, job.hlen);
	if (m->hlen <= IPC_CIRC_HDATA_MAX && cp_onionq_submit(cc->q, &job) == 0)
		return;
	/* Refused at once (queue full or too slow, or a bad length): say so now,
	 * so the circuit is destroyed with RESOURCELIMIT rather than timing out. */
	cc->stats.busy++;
	memset(&r, 0, sizeof(r));
	ipc_hdr_init(&r.hdr, IPC_MSG_CIRC_CREATED, sizeof(r), m->hdr.req_id);
	r.circ = m->circ;
	r.status = m->hlen <= IPC_CIRC_HDATA_MAX ? IPC_CIRC_FAIL_BUSY : IPC_CIRC_FAIL_HANDSHAKE;
	circ_answer(cc, lcore_idx, &r);
}

uint32_t
cp_circ_poll(struct cp_circ *cc)
{
	struct cp_onionq_job jobs[8];
	uint32_t done = 0;

	if (cc->q == NULL)
		return 0;
	while (done < CIRC_POLL_BATCH) {
		size_t n = cp_onionq_poll(cc->q, jobs, sizeof(jobs) / sizeof(jobs[0]));

		for (size_t i = 0; i < n; i++) {
			struct cp_onionq_job *j = &jobs[i];
			struct ipc_msg_circ_created r;

			memset(&r, 0, sizeof(r));
			ipc_hdr_init(&r.hdr, IPC_MSG_CIRC_CREATED, sizeof(r), (uint32_t)j->cookie[1]);
			r.circ = (uint32_t)j->cookie[0];
			if (j->fail == CP_ONION_OK) {
				r.status = IPC_CIRC_OK;
				r.reply_len = j->reply_len;
				memcpy(r.reply, j->reply, j->reply_len);
				memcpy(r.keys, j->keys.keys, IPC_CIRC_KEYS_LEN);
			} else if (j->fail == CP_ONIONQ_TIMEDOUT) {
				r.status = IPC_CIRC_FAIL_TIMEOUT;
			} else {
				r.status = IPC_CIRC_FAIL_HANDSHAKE;
				r.fail = j->fail > 0 && j->fail < 256 ? (uint8_t)j->fail : 255;
			}
			circ_answer(cc, (uint32_t)(j->cookie[0] >> 32), &r);
			done++;
		}
		OPENSSL_cleanse(jobs, sizeof(jobs));
		if (n == 0)
			break;
	}
	return done;
}

int
cp_circ_fd(const struct cp_circ *cc)
{
	return cc->q != NULL ? cp_onionq_fd(cc->q) : -1;
}

void
cp_circ_counters(struct cp_circ *cc, cp_ctr_fn *fn, void *arg)
{
	fn(arg, "/cp/circ/create_rx", cc->stats.create_rx);
	fn(arg, "/cp/circ/busy", cc->stats.busy);
	fn(arg, "/cp/circ/answered_ok", cc->stats.answered_ok);
	fn(arg, "/cp/circ/answered_fail", cc->stats.answered_fail);
	fn(arg, "/cp/circ/down_drops", cc->stats.down_drops);
	if (cc->q != NULL)
		cp_onionq_counters(cc->q, fn, arg);
}
