/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chive-controlplane's configuration: the config file, then the command line.
 *
 * cp_config_parse_args() reads the file named by -f FILE (or, with no
 * arguments at all, /etc/chive/chive.conf, as tor reads its default torrc),
 * then applies the command line over it. The file is checked whole against
 * the schema shared with the dataplane (common/conf/conf.h), so both
 * processes refuse the same files; the controlplane then applies the
 * keywords it uses. For a keyword that may repeat (DirAuthority, MyFamily,
 * MetricsPortPolicy),
 * the command line's lines replace the file's, as on tor's command line.
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_CONFIG_H
#define CONTROLPLANE_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/conf/conf.h"
#include "common/ipc/ipc_shm.h"
#include "controlplane/dir/dir_conf.h"
#include "controlplane/metrics/metrics_conf.h"
#include "controlplane/onion/onionq.h"

#define CP_CONFIG_DEFAULT_SOCKET "/run/chive/chive.sock"
#define CP_CONFIG_DEFAULT_DATA_DIR "/var/lib/chive"

/** cp_config_parse_args() results other than 0 and -errno. */
#define CP_CONFIG_HELP 1  /**< --help: print the usage, exit 0 */
#define CP_CONFIG_USAGE 2 /**< an unknown option or a stray argument: print err and the usage */

/** Everything chive-controlplane is started with. Start from cp_config_default(). */
struct cp_config {
	char shm_name[IPC_SHM_NAME_MAX]; /**< SharedMemoryName, --shm (default "chive") */
	char sock_path[PATH_MAX];        /**< CliSocket, --socket */
	unsigned sock_mode;              /**< CliSocketMode, --socket-mode (default 0660) */
	int log_level;                   /**< Log SEVERITY, --log-level; CP_LOG_* (notice) */
	enum conf_log_dest log_dest;     /**< Log ... stderr|stdout|file (stderr) */
	char log_path[PATH_MAX];         /**< Log ... file PATH */
	char data_dir[PATH_MAX];         /**< DataDirectory, --data-dir */
	bool offline_master;             /**< OfflineMasterKey, --offline-master */
	uint32_t netinfo_addr;           /**< --netinfo-addr, host order; 0 = Address or the port's */
	struct cp_onionq_conf onionq;    /**< NumOnionWorkers, MaxOnionQueueDelay */
	struct cp_dir_conf dir;          /**< Nickname, ContactInfo, Address, ORPort, DirAuthority,
					      PublishServerDescriptor, TestingTorNetwork,
					      RelayBandwidthRate/Burst, MyFamily */
	struct cp_metrics_conf metrics;  /**< MetricsPort, --metrics-port; MetricsPortPolicy,
					      --metrics-policy (repeatable) */
	uint32_t circ_queue;             /**< CircuitQueue (the dataplane applies it; kept here
					      for `config get|set`) */
	uint32_t circ_queue_max;         /**< CircuitQueueMax (likewise) */
	const char *default_file;        /**< read when there are no arguments (CONF_FILE_DEFAULT) */
	char file[PATH_MAX];             /**< the file read, "" if none */
};

/** Fill @p c with the defaults (tor's where tor has the option). */
void cp_config_default(struct cp_config *c);

/**
 * Read the configuration file @p path, check all of it against the schema
 * (every keyword, also the dataplane's) and apply the controlplane's
 * keywords to @p c.
 *
 * @return
 *   0; -EINVAL with @p err `PATH:LINE: reason`; or the negative errno of
 *   reading it, with @p err `PATH: reason`.
 */
int cp_config_load_file(struct cp_config *c, const char *path, char *err, size_t errlen);

/**
 * Apply chive-controlplane's command line @p argv[0 .. argc) to @p c: first
 * the file of -f FILE / --config FILE (or c->default_file when @p argc is
 * 1), then every other option over it, then the checks that span options
 * (RelayBandwidthBurst and Rate: either alone sets both, the burst is at
 * least the rate).
 *
 * @return
 *   0; CP_CONFIG_HELP; CP_CONFIG_USAGE with @p err saying what is wrong;
 *   or a negative errno with @p err saying why (a bad value, the file).
 */
int cp_config_parse_args(struct cp_config *c, int argc, char **argv, char *err, size_t errlen);

/** Print the command-line usage to stderr. */
void cp_config_usage(const char *prog);

/**
 * Change keyword @p key (any case, the file's names) to @p value in @p c, as
 * `chivectl config set` does. The keyword must be one that changes at run
 * time (CONF_F_RUNTIME in the schema); @p value is checked by
 * conf_check_value(), so a bad value gets the file's message. A value
 * replaces the keyword's (MyFamily: all its members). Rules that span
 * keywords, as tor's: RelayBandwidthRate 0 lifts the limit (the burst goes
 * to 0 too), a rate above the burst raises the burst to it; a
 * RelayBandwidthBurst below the rate is refused, 0 makes it the rate, and
 * one set while the rate is 0 sets the rate too. Log takes a severity
 * alone ("info") or a whole Log line whose destination is the current one.
 *
 * On success *@p optp is the keyword and @p note says what else changed,
 * "" if nothing. On error @p c may be partly changed: work on a copy.
 *
 * @return
 *   0; with @p err holding the reason: -ENOENT `unknown option "KEY"`;
 *   -EPERM `KEY needs a restart (set it in the config file)` (also a new
 *   Log destination); -EINVAL `KEY: reason` (the file's reason, without
 *   FILE:LINE). *@p optp is set from -EPERM on.
 */
int cp_config_set(struct cp_config *c, const char *key, const char *value,
		  const struct conf_opt **optp, char *note, size_t notelen, char *err,
		  size_t errlen);

/** Called by cp_config_values() with each value as text. */
typedef void(cp_config_value_fn)(void *arg, const char *value);

/**
 * Report the value(s) of keyword @p opt in @p c to @p fn, as a config file
 * line would give them (one call per value; several for DirAuthority,
 * MyFamily, FamilyId, MetricsPortPolicy): numbers in bytes ("1048576
 * bytes") and milliseconds ("1750 msec"), booleans 0 or 1, a Log line
 * ("notice stderr"), MyFamily members as $FINGERPRINT.
 *
 * @return
 *   Number of values (0: not set); -ENOENT for a keyword only the dataplane
 *   applies (the control plane does not hold it); -ENOTSUP for a keyword
 *   Chive does not support.
 */
int cp_config_values(const struct cp_config *c, const struct conf_opt *opt, cp_config_value_fn *fn,
		     void *arg);

/** A DirAuthority line as torrc writes it: [NICK] [orport=N] [v3ident=HEX] A.B.C.D:PORT FP. */
void cp_config_dirauth_line(char *out, size_t len, const struct cp_dir_auth *au);

#endif /* CONTROLPLANE_CONFIG_H */
