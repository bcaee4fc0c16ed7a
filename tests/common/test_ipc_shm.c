/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Tests of the shared segment: layout, create/attach, every refusal of
 * ipc_seg_validate(), stale-segment replacement, and two processes passing
 * messages both ways through a real mapping.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "common/ipc/ipc_msg.h"
#include "common/ipc/ipc_shm.h"
#include "tests/suites.h"

static char seg_name[IPC_SHM_NAME_MAX];
static struct ipc_seg_geom geom;
static struct ipc_shm owner, peer;
static char err[256];

static void
setup(void)
{
	snprintf(seg_name, sizeof(seg_name), "chive-ut-%d-shm", (int)getpid());
	ipc_seg_geom_default(&geom, 2);
	geom.lcore_ids[0] = 3;
	geom.lcore_ids[1] = 5;
	memset(&owner, 0, sizeof(owner));
	memset(&peer, 0, sizeof(peer));
	owner.fd = peer.fd = -1;
	err[0] = '\0';
}

static void
teardown(void)
{
	char path[IPC_SHM_NAME_MAX + 1];

	ipc_shm_close(&peer);
	ipc_shm_close(&owner);
	snprintf(path, sizeof(path), "/%s", seg_name);
	shm_unlink(path);
}

static bool
seg_exists(void)
{
	char path[IPC_SHM_NAME_MAX + 1];
	int fd;

	snprintf(path, sizeof(path), "/%s", seg_name);
	fd = shm_open(path, O_RDONLY, 0);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Create, with a live owner pid other than ours (our parent), and publish. */
static void
create_ready(void)
{
	CU_ASSERT_EQUAL_FATAL(ipc_shm_create(seg_name, &geom, (uint32_t)getppid(), &owner, err,
					     sizeof(err)),
			      0);
	ipc_shm_publish(&owner);
}

/* A heap copy of the owner's segment, for validate tests that break bytes. */
static void *
seg_copy(void)
{
	void *m = NULL;

	CU_ASSERT_FATAL(posix_memalign(&m, 64, owner.size) == 0);
	memcpy(m, owner.hdr, owner.size);
	return m;
}

static void
test_shm_layout_is_aligned_and_in_bounds(void)
{
	create_ready();
	CU_ASSERT_EQUAL(owner.size, ipc_seg_size(&geom));
	CU_ASSERT_EQUAL(owner.size % 4096, 0);
	CU_ASSERT_EQUAL(ipc_seg_validate(owner.hdr, owner.size, err, sizeof(err)), 0);
	for (uint32_t i = 0; i < 2; i++) {
		for (uint32_t r = 0; r < IPC_RING_COUNT; r++) {
			uint64_t off = ipc_shm_lcore(&owner, i)->ring_off[r];

			CU_ASSERT_EQUAL(off % 64, 0);
			CU_ASSERT(off + ipc_shm_ring_size(&owner, r) <= owner.size);
			CU_ASSERT_EQUAL(ipc_shm_ring(&owner, i, r)->slot_size, geom.ring_slot_size[r]);
		}
	}
	CU_ASSERT_EQUAL(ipc_shm_lcore(&owner, 0)->lcore_id, 3);
	CU_ASSERT_EQUAL(ipc_shm_lcore(&owner, 1)->lcore_id, 5);
	CU_ASSERT_EQUAL(ipc_shm_ctr_dir(&owner)->max, geom.ctr_max);
}

static void
test_shm_attach_sees_creator_geometry(void)
{
	create_ready();
	CU_ASSERT_EQUAL_FATAL(ipc_shm_attach(seg_name, &peer, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(peer.size, owner.size);
	CU_ASSERT_EQUAL(peer.hdr->n_lcores, 2);
	CU_ASSERT_EQUAL(peer.hdr->dp_pid, (uint32_t)getppid());
	CU_ASSERT_EQUAL(ipc_shm_lcore(&peer, 1)->lcore_id, 5);
	CU_ASSERT(ipc_shm_owner_is_alive(&peer));
}

static void
test_shm_attach_missing_is_enoent_with_hint(void)
{
	CU_ASSERT_EQUAL(ipc_shm_attach(seg_name, &peer, err, sizeof(err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is chive-dataplane running"));
}

static void
test_shm_attach_before_publish_is_eagain(void)
{
	CU_ASSERT_EQUAL_FATAL(ipc_shm_create(seg_name, &geom, (uint32_t)getppid(), &owner, err,
					     sizeof(err)),
			      0);
	CU_ASSERT_EQUAL(ipc_shm_attach(seg_name, &peer, err, sizeof(err)), -EAGAIN);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "still being built"));
}

static void
test_shm_attach_refuses_wrong_magic(void)
{
	create_ready();
	owner.hdr->magic ^= 1;
	CU_ASSERT_EQUAL(ipc_shm_attach(seg_name, &peer, err, sizeof(err)), -EPROTO);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad magic"));
}

static void
test_shm_attach_refuses_wrong_abi_version(void)
{
	create_ready();
	owner.hdr->abi_version = IPC_ABI_VERSION + 1;
	CU_ASSERT_EQUAL(ipc_shm_attach(seg_name, &peer, err, sizeof(err)), -EPROTONOSUPPORT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ABI version mismatch"));
}

static void
test_shm_attach_refuses_wrong_size(void)
{
	char path[IPC_SHM_NAME_MAX + 1];
	int fd;

	create_ready();
	snprintf(path, sizeof(path), "/%s", seg_name);
	fd = shm_open(path, O_RDWR, 0);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(ftruncate(fd, (off_t)owner.size + 4096) == 0);
	close(fd);
	CU_ASSERT_EQUAL(ipc_shm_attach(seg_name, &peer, err, sizeof(err)), -EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "size mismatch"));
}

static void
test_seg_validate_refuses_wrong_header_size(void)
{
	struct ipc_seg_hdr *h;

	create_ready();
	h = seg_copy();
	h->hdr_size += 8;
	CU_ASSERT_EQUAL(ipc_seg_validate(h, owner.size, err, sizeof(err)), -EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "header size"));
	free(h);
}

static void
test_seg_validate_refuses_buffer_smaller_than_header(void)
{
	create_ready();
	CU_ASSERT_EQUAL(ipc_seg_validate(owner.hdr, 16, err, sizeof(err)), -EBADMSG);
}

static void
test_seg_validate_refuses_ring_offset_out_of_range(void)
{
	struct ipc_seg_hdr *h;
	struct ipc_lcore_desc *ld;

	create_ready();
	h = seg_copy();
	ld = (struct ipc_lcore_desc *)(void *)((uint8_t *)h + h->lcore_desc_off);
	ld[1].ring_off[IPC_RING_EVT] = owner.size - 64;
	CU_ASSERT_EQUAL(ipc_seg_validate(h, owner.size, err, sizeof(err)), -ERANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "lcore 1 evt ring"));
	free(h);
}

static void
test_seg_validate_refuses_misaligned_offset(void)
{
	struct ipc_seg_hdr *h;

	create_ready();
	h = seg_copy();
	h->ctr_dir_off += 8;
	CU_ASSERT_EQUAL(ipc_seg_validate(h, owner.size, err, sizeof(err)), -ERANGE);
	free(h);
}

static void
test_seg_validate_refuses_offset_overflow(void)
{
	struct ipc_seg_hdr *h;
	struct ipc_lcore_desc *ld;

	create_ready();
	h = seg_copy();
	ld = (struct ipc_lcore_desc *)(void *)((uint8_t *)h + h->lcore_desc_off);
	ld[0].ctr_off = UINT64_MAX - 63;
	CU_ASSERT_EQUAL(ipc_seg_validate(h, owner.size, err, sizeof(err)), -ERANGE);
	free(h);
}

static void
test_seg_validate_refuses_ring_geometry_mismatch(void)
{
	struct ipc_seg_hdr *h;
	struct ipc_lcore_desc *ld;
	struct ipc_ring *r;

	create_ready();
	h = seg_copy();
	ld = (struct ipc_lcore_desc *)(void *)((uint8_t *)h + h->lcore_desc_off);
	r = (struct ipc_ring *)(void *)((uint8_t *)h + ld[0].ring_off[IPC_RING_CMD]);
	r->nslots = 512;
	CU_ASSERT_EQUAL(ipc_seg_validate(h, owner.size, err, sizeof(err)), -EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cmd ring geometry"));
	free(h);
}

static void
test_seg_validate_refuses_too_many_lcores(void)
{
	struct ipc_seg_hdr *h;

	create_ready();
	h = seg_copy();
	h->n_lcores = IPC_MAX_LCORES + 1;
	CU_ASSERT_EQUAL(ipc_seg_validate(h, owner.size, err, sizeof(err)), -EBADMSG);
	free(h);
}

static void
test_shm_create_refuses_segment_of_live_dataplane(void)
{
	struct ipc_shm second;

	create_ready();
	CU_ASSERT_EQUAL(ipc_shm_create(seg_name, &geom, 1, &second, err, sizeof(err)), -EEXIST);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "running dataplane"));
	CU_ASSERT(ipc_shm_owner_is_alive(&owner));
}

static void
test_shm_create_replaces_segment_of_dead_dataplane(void)
{
	struct ipc_shm second;
	pid_t child = fork();

	CU_ASSERT_FATAL(child >= 0);
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	/* A segment left behind by a dataplane (pid `child`) that no longer exists. */
	CU_ASSERT_EQUAL_FATAL(ipc_shm_create(seg_name, &geom, (uint32_t)child, &owner, err,
					     sizeof(err)),
			      0);
	ipc_shm_publish(&owner);
	CU_ASSERT_FALSE(ipc_shm_owner_is_alive(&owner));
	CU_ASSERT_EQUAL_FATAL(ipc_shm_create(seg_name, &geom, (uint32_t)getppid(), &second, err,
					     sizeof(err)),
			      0);
	CU_ASSERT_EQUAL(second.hdr->dp_pid, (uint32_t)getppid());
	ipc_shm_close(&second);
}

static void
test_shm_create_refuses_bad_name(void)
{
	CU_ASSERT_EQUAL(ipc_shm_create("../etc", &geom, 1, &owner, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(ipc_shm_create("", &geom, 1, &owner, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(ipc_shm_create("a/b", &geom, 1, &owner, err, sizeof(err)), -EINVAL);
}

static void
test_shm_owner_close_marks_stopping_and_unlinks(void)
{
	create_ready();
	CU_ASSERT_EQUAL_FATAL(ipc_shm_attach(seg_name, &peer, err, sizeof(err)), 0);
	ipc_shm_close(&owner);
	CU_ASSERT_FALSE(seg_exists());
	CU_ASSERT_EQUAL(atomic_load(&peer.hdr->state), IPC_SEG_STATE_STOPPING);
	CU_ASSERT_FALSE(ipc_shm_owner_is_alive(&peer));
}

static void
test_shm_peer_close_keeps_segment(void)
{
	create_ready();
	CU_ASSERT_EQUAL_FATAL(ipc_shm_attach(seg_name, &peer, err, sizeof(err)), 0);
	ipc_shm_close(&peer);
	CU_ASSERT(seg_exists());
	CU_ASSERT_EQUAL(atomic_load(&owner.hdr->state), IPC_SEG_STATE_READY);
}

#define T_FORK_MSGS 200000u

/*
 * The child attaches by name (a real, separate mapping), answers each PING
 * on lcore 1's command ring with a PONG on its event ring carrying cookie*3,
 * and exits 0 when it saw every message in order.
 */
static int
fork_child(const char *name)
{
	struct ipc_ring_cons cmd = { 0 };
	struct ipc_ring_prod evt = { 0 };
	struct ipc_shm s;
	char e[256];
	uint64_t next = 0;

	if (ipc_shm_attach(name, &s, e, sizeof(e)) != 0)
		return 10;
	if (ipc_ring_cons_init(&cmd, ipc_shm_ring(&s, 1, IPC_RING_CMD),
			       ipc_shm_ring_size(&s, IPC_RING_CMD)) != 0 ||
	    ipc_ring_prod_init(&evt, ipc_shm_ring(&s, 1, IPC_RING_EVT),
			       ipc_shm_ring_size(&s, IPC_RING_EVT)) != 0)
		return 11;
	while (next < T_FORK_MSGS) {
		struct ipc_msg_ping ping;
		struct ipc_msg_pong pong;
		uint16_t type;

		if (ipc_ring_pop(&cmd, &ping, sizeof(ping)) < 0)
			continue;
		if (ipc_msg_validate(&ping, sizeof(ping), IPC_DIR_CMD, &type) != 0 ||
		    type != IPC_MSG_PING || ping.cookie != next)
			return 12;
		memset(&pong, 0, sizeof(pong));
		ipc_hdr_init(&pong.hdr, IPC_MSG_PONG, sizeof(pong), ping.hdr.req_id);
		pong.cookie = ping.cookie * 3;
		while (ipc_ring_push(&evt, &pong, sizeof(pong)) != 0)
			;
		next++;
	}
	ipc_shm_close(&s);
	return 0;
}

static void
test_shm_two_processes_pass_messages_both_ways(void)
{
	struct ipc_ring_prod cmd = { 0 };
	struct ipc_ring_cons evt = { 0 };
	uint64_t sent = 0, got = 0, bad = 0, idle = 0;
	int status = -1;
	bool reaped = false;
	pid_t child;

	create_ready();
	child = fork();
	CU_ASSERT_FATAL(child >= 0);
	if (child == 0)
		_exit(fork_child(seg_name));
	CU_ASSERT_FATAL(ipc_ring_prod_init(&cmd, ipc_shm_ring(&owner, 1, IPC_RING_CMD),
					   ipc_shm_ring_size(&owner, IPC_RING_CMD)) == 0);
	CU_ASSERT_FATAL(ipc_ring_cons_init(&evt, ipc_shm_ring(&owner, 1, IPC_RING_EVT),
					   ipc_shm_ring_size(&owner, IPC_RING_EVT)) == 0);
	while (got < T_FORK_MSGS) {
		struct ipc_msg_pong pong;

		if (sent < T_FORK_MSGS) {
			struct ipc_msg_ping ping;

			memset(&ping, 0, sizeof(ping));
			ipc_hdr_init(&ping.hdr, IPC_MSG_PING, sizeof(ping), (uint32_t)sent + 1);
			ping.cookie = sent;
			if (ipc_ring_push(&cmd, &ping, sizeof(ping)) == 0)
				sent++;
		}
		if (ipc_ring_pop(&evt, &pong, sizeof(pong)) < 0) {
			/* Bounded: stop waiting if the child died. */
			if ((++idle & 0xffff) == 0 && waitpid(child, &status, WNOHANG) == child) {
				reaped = true;
				break;
			}
			continue;
		}
		bad += pong.cookie != got * 3 || pong.hdr.req_id != (uint32_t)got + 1;
		got++;
	}
	if (!reaped)
		waitpid(child, &status, 0);
	CU_ASSERT(WIFEXITED(status));
	CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(got, T_FORK_MSGS);
}

static CU_TestInfo ipc_shm_tests[] = {
	{ "layout_is_aligned_and_in_bounds", test_shm_layout_is_aligned_and_in_bounds },
	{ "attach_sees_creator_geometry", test_shm_attach_sees_creator_geometry },
	{ "attach_missing_is_enoent_with_hint", test_shm_attach_missing_is_enoent_with_hint },
	{ "attach_before_publish_is_eagain", test_shm_attach_before_publish_is_eagain },
	{ "attach_refuses_wrong_magic", test_shm_attach_refuses_wrong_magic },
	{ "attach_refuses_wrong_abi_version", test_shm_attach_refuses_wrong_abi_version },
	{ "attach_refuses_wrong_size", test_shm_attach_refuses_wrong_size },
	{ "validate_refuses_wrong_header_size", test_seg_validate_refuses_wrong_header_size },
	{ "validate_refuses_buffer_smaller_than_header",
	  test_seg_validate_refuses_buffer_smaller_than_header },
	{ "validate_refuses_ring_offset_out_of_range",
	  test_seg_validate_refuses_ring_offset_out_of_range },
	{ "validate_refuses_misaligned_offset", test_seg_validate_refuses_misaligned_offset },
	{ "validate_refuses_offset_overflow", test_seg_validate_refuses_offset_overflow },
	{ "validate_refuses_ring_geometry_mismatch", test_seg_validate_refuses_ring_geometry_mismatch },
	{ "validate_refuses_too_many_lcores", test_seg_validate_refuses_too_many_lcores },
	{ "create_refuses_segment_of_live_dataplane",
	  test_shm_create_refuses_segment_of_live_dataplane },
	{ "create_replaces_segment_of_dead_dataplane",
	  test_shm_create_replaces_segment_of_dead_dataplane },
	{ "create_refuses_bad_name", test_shm_create_refuses_bad_name },
	{ "owner_close_marks_stopping_and_unlinks", test_shm_owner_close_marks_stopping_and_unlinks },
	{ "peer_close_keeps_segment", test_shm_peer_close_keeps_segment },
	{ "two_processes_pass_messages_both_ways", test_shm_two_processes_pass_messages_both_ways },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_ipc_shm = {
	.pName = "common/ipc_shm",
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = ipc_shm_tests,
};
