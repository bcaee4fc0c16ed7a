/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief What the directory module is configured with (torrc names in comments).
 *
 * Filled by the control plane's configuration (controlplane/config.c) from
 * the config file or the command line; read by controlplane/dir/.
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_DIR_DIR_CONF_H
#define CONTROLPLANE_DIR_DIR_CONF_H

#include <stdbool.h>
#include <stdint.h>

/** Most DirAuthority lines kept. */
#define CP_DIR_AUTH_MAX 16
/** Most MyFamily members kept. */
#define CP_DIR_FAMILY_MAX 64
/** Nickname length limit (dir-spec §2.1.1: 1-19 alphanumerics). */
#define CP_DIR_NICK_MAX 19
/** Most FamilyId lines kept. */
#define CP_DIR_FAMILY_ID_MAX 8
/** ContactInfo length limit. */
#define CP_DIR_CONTACT_MAX 256

/**
 * One directory authority: torrc's
 * `DirAuthority [NICK] [orport=N] [v3ident=HEX40] [no-v2] [...] A.B.C.D:DIRPORT HEXFP`
 * (tor's config.c parse_dir_authority_line; flags Chive has no use for, such
 * as no-v2, hs, bridge, ipv6=, weight=, are accepted and ignored).
 */
struct cp_dir_auth {
	char nickname[CP_DIR_NICK_MAX + 1]; /**< "" when the line has none */
	uint32_t ip;			    /**< host order */
	uint16_t dirport;		    /**< where descriptors are posted and fetched */
	uint16_t orport;		    /**< 0 when not given */
	uint8_t rsa_id[20];		    /**< the authority's relay identity (HEXFP) */
	uint8_t v3ident[20];		    /**< its v3 authority identity (signs consensuses) */
	bool has_v3ident;		    /**< only authorities with v3ident= vote */
};

/** Directory settings. Zero means "not set" unless the field says otherwise. */
struct cp_dir_conf {
	char nickname[CP_DIR_NICK_MAX + 1];	  /**< Nickname; default "Unnamed" */
	char contact[CP_DIR_CONTACT_MAX];	  /**< ContactInfo; "" = no contact line */
	uint32_t address;			  /**< Address (IPv4, host order); 0 = the port's */
	uint16_t orport;			  /**< ORPort (also the dataplane's listener) */
	struct cp_dir_auth auth[CP_DIR_AUTH_MAX]; /**< DirAuthority lines */
	unsigned n_auth;
	bool publish;	   /**< PublishServerDescriptor (default 1) */
	bool testing;	   /**< TestingTorNetwork (default 0) */
	uint64_t bw_rate;  /**< RelayBandwidthRate, bytes/s; 0 = unlimited */
	uint64_t bw_burst; /**< RelayBandwidthBurst, bytes/s; 0 = = rate */
	/** MyFamily members as 40 upper-case hex digits, NUL-terminated. */
	char family[CP_DIR_FAMILY_MAX][41];
	unsigned n_family;
	/**
	 * FamilyId (tor 0.4.9, proposal 321): the family keys whose secret the
	 * key directory must hold (NAME.secret_family_key, made by
	 * `tor --keygen-family NAME`); each signs a family-cert in the
	 * descriptor. family_id_any: "FamilyId *", every key found there.
	 */
	uint8_t family_ids[CP_DIR_FAMILY_ID_MAX][32];
	unsigned n_family_ids;
	bool family_id_any;
};

#endif /* CONTROLPLANE_DIR_DIR_CONF_H */
