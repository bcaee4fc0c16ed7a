/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief `show consensus`: the relay as the directory sees it.
 *
 * The consensus Chive holds (times, relays, signatures), our entry and
 * flags in it, the descriptor we publish, and what each authority did with
 * it (controlplane/dir/).
 */
#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include "controlplane/cli/cli.h"
#include "controlplane/cli/cli_cmds.h"
#include "controlplane/cli/cli_json.h"
#include "controlplane/cli/cli_proto.h"
#include "controlplane/cp.h"
#include "controlplane/dir/consensus.h"
#include "controlplane/dir/desc.h"

void
cp_cli_when(char out[64], time_t t, time_t now)
{
	char ts[20];

	if (t == 0) {
		snprintf(out, 64, "never");
		return;
	}
	cp_desc_format_time(ts, t);
	if (t <= now)
		snprintf(out, 64, "%s (%llds ago)", ts, (long long)(now - t));
	else
		snprintf(out, 64, "%s (in %llds)", ts, (long long)(t - now));
}

/* Our flags as a JSON array of tor's names. */
static void
flags_json(struct cp_json *j, uint32_t flags)
{
	char fl[160];
	const char *p = flags != 0 ? cp_dir_flag_names(flags, fl, sizeof(fl)) : "";

	cp_json_arr_begin(j);
	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		cp_json_strn(j, p, n);
		p += n;
		while (*p == ' ')
			p++;
	}
	cp_json_arr_end(j);
}

/* `show consensus --json`. */
static int
consensus_json(struct cp_cli_req *req)
{
	const struct cp_dir *d = &req->cp->dir;
	const struct cp_consensus *c = d->cons;
	struct cp_json j;

	cp_json_init(&j, &req->out);
	cp_json_obj_begin(&j);
	cp_json_kv_bool(&j, "configured", d->conf.n_auth != 0);
	cp_json_key(&j, "consensus");
	if (c == NULL) {
		cp_json_null(&j);
	} else {
		cp_json_obj_begin(&j);
		cp_json_kv_time(&j, "valid_after", c->valid_after);
		cp_json_kv_time(&j, "fresh_until", c->fresh_until);
		cp_json_kv_time(&j, "valid_until", c->valid_until);
		cp_json_kv_u64(&j, "method", c->method);
		cp_json_kv_u64(&j, "relays", c->n_relays);
		cp_json_kv_u64(&j, "signed_by", c->n_signed_by);
		cp_json_kv_u64(&j, "trusted_authorities", c->n_trusted);
		cp_json_key(&j, "params");
		cp_json_obj_begin(&j);
		for (size_t i = 0; i < c->n_params; i++)
			cp_json_kv_i64(&j, c->params[i].name, c->params[i].value);
		cp_json_obj_end(&j);
		cp_json_obj_end(&j);
	}
	cp_json_key(&j, "this_relay");
	if (c == NULL) {
		cp_json_null(&j);
	} else {
		cp_json_obj_begin(&j);
		cp_json_kv_bool(&j, "listed", d->listed);
		cp_json_key(&j, "flags");
		flags_json(&j, d->listed ? d->flags : 0);
		if (d->listed)
			cp_json_kv_u64(&j, "bandwidth_kbs", d->listed_bw);
		else
			cp_json_kv_null(&j, "bandwidth_kbs");
		cp_json_obj_end(&j);
	}
	cp_json_kv_time(&j, "next_fetch", d->conf.n_auth != 0 ? d->cons_next : 0);
	cp_json_kv_str(&j, "last_error", d->last_err[0] != '\0' ? d->last_err : NULL);
	cp_json_key(&j, "descriptor");
	cp_json_obj_begin(&j);
	cp_json_kv_bool(&j, "publish", d->enabled);
	cp_json_kv_u64(&j, "gen", d->desc_gen);
	cp_json_kv_time(&j, "published", d->desc_gen != 0 ? d->desc_published : 0);
	cp_json_kv_u64(&j, "observed_bw", d->desc_bw);
	cp_json_kv_u64(&j, "measured_bw", cp_dir_bw_max(&d->bw));
	cp_json_obj_end(&j);
	cp_json_key(&j, "authorities");
	cp_json_arr_begin(&j);
	for (unsigned i = 0; i < d->conf.n_auth; i++) {
		const struct cp_dir_auth *au = &d->conf.auth[i];
		struct in_addr ia = { .s_addr = htonl(au->ip) };
		char ip[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &ia, ip, sizeof(ip));
		cp_json_obj_begin(&j);
		cp_json_kv_str(&j, "nickname", au->nickname[0] ? au->nickname : NULL);
		cp_json_kv_str(&j, "address", ip);
		cp_json_kv_u64(&j, "dirport", au->dirport);
		cp_json_kv_str(&j, "last", d->au[i].last[0] ? d->au[i].last : NULL);
		cp_json_obj_end(&j);
	}
	cp_json_arr_end(&j);
	cp_json_obj_end(&j);
	cp_json_end(&j);
	return CLI_STATUS_OK;
}

int
cp_cli_cmd_show_consensus(struct cp_cli_req *req, int argc, char **argv)
{
	const struct cp_dir *d = &req->cp->dir;
	const struct cp_consensus *c = d->cons;
	time_t now = time(NULL);
	char a[64], b[64], fl[160];

	(void)argv;
	if (argc != 0) {
		cp_buf_printf(&req->out, "usage: show consensus\n");
		return CLI_STATUS_USAGE;
	}
	if (req->json)
		return consensus_json(req);
	if (d->conf.n_auth == 0) {
		cp_buf_printf(&req->out, "no DirAuthority configured: Chive neither publishes nor "
					 "follows a consensus\n");
		return CLI_STATUS_OK;
	}
	if (c != NULL) {
		cp_cli_when(a, c->valid_after, now);
		cp_buf_printf(&req->out, "consensus:     valid-after %s, method %u\n", a,
			      c->method);
		cp_cli_when(a, c->fresh_until, now);
		cp_cli_when(b, c->valid_until, now);
		cp_buf_printf(&req->out, "               fresh-until %s, valid-until %s\n", a, b);
		cp_buf_printf(&req->out,
			      "               %zu relays, signed by %u of %u trusted authorities\n",
			      c->n_relays, c->n_signed_by, c->n_trusted);
		if (c->n_params > 0) {
			size_t start = req->out.len;

			cp_buf_printf(&req->out, "params:       ");
			for (size_t i = 0; i < c->n_params; i++) {
				if (req->out.len - start > 200) {
					cp_buf_printf(&req->out, " ... (%zu in all)", c->n_params);
					break;
				}
				cp_buf_printf(&req->out, " %s=%d", c->params[i].name,
					      (int)c->params[i].value);
			}
			cp_buf_printf(&req->out, "\n");
		}
		if (d->listed)
			cp_buf_printf(&req->out,
				      "this relay:    listed, flags %s, bandwidth %u kB/s\n",
				      cp_dir_flag_names(d->flags, fl, sizeof(fl)), d->listed_bw);
		else
			cp_buf_printf(&req->out, "this relay:    not listed\n");
	} else {
		cp_buf_printf(&req->out, "consensus:     none yet\n");
	}
	cp_cli_when(a, d->cons_next, now);
	cp_buf_printf(&req->out, "next fetch:    %s%s%s\n", a,
		      d->last_err[0] ? "; last error: " : "", d->last_err);
	if (!d->enabled) {
		cp_buf_printf(&req->out,
			      "descriptor:    not published (PublishServerDescriptor 0)\n");
		return CLI_STATUS_OK;
	}
	if (d->desc_gen == 0) {
		cp_buf_printf(&req->out, "descriptor:    none yet (%s)\n",
			      req->cp->dp.attached ? "waiting for link credentials on every lcore"
						   : "waiting for the dataplane");
	} else {
		cp_cli_when(a, d->desc_published, now);
		cp_buf_printf(&req->out,
			      "descriptor:    %u, published %s, observed bandwidth %llu B/s "
			      "(measured now %llu B/s)\n",
			      d->desc_gen, a, (unsigned long long)d->desc_bw,
			      (unsigned long long)cp_dir_bw_max(&d->bw));
	}
	for (unsigned i = 0; i < d->conf.n_auth; i++) {
		const struct cp_dir_auth *au = &d->conf.auth[i];
		struct in_addr ia = {.s_addr = htonl(au->ip)};
		char ip[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &ia, ip, sizeof(ip));
		cp_buf_printf(&req->out, "authority:     %-12s %s:%u  %s\n",
			      au->nickname[0] ? au->nickname : "-", ip, au->dirport,
			      d->au[i].last[0] ? d->au[i].last : "nothing sent yet");
	}
	return CLI_STATUS_OK;
}
