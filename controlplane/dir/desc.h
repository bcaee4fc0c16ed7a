/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The relay's server descriptor: built from config and keys, signed twice.
 *
 * dir-spec §2.1.1, in the order and encodings tor 0.4.9 emits
 * (relay-checklist §F1; tor's router.c router_dump_router_to_string):
 * router, identity-ed25519, master-key-ed25519, platform, proto, published,
 * fingerprint, uptime, bandwidth, onion-key (the TAP key authorities still
 * demand, checklist §0.3), signing-key, onion-key-crosscert,
 * ntor-onion-key-crosscert, family, family-cert (one per FamilyId key), contact,
 * ntor-onion-key, "reject *:*",
 * router-sig-ed25519 and router-signature. No extra-info-digest (we upload
 * no extra-info), no tunnelled-dir-server or hidden-service-dir (Chive serves
 * no directory documents yet), no caches-extra-info.
 *
 * Pure: time and figures are parameters; no I/O.
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_DIR_DESC_H
#define CONTROLPLANE_DIR_DESC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "controlplane/dir/dir_conf.h"
#include "controlplane/keys/keys.h"

/**
 * The protocols Chive implements (tor-spec §9), and nothing more:
 * Cons=2 Desc=2 Microdesc=2 (it reads the documents of today's formats),
 * FlowCtrl=1 (authenticated SENDMEs are the endpoints' business; a middle
 * forwards them), Link=4-5, LinkAuth=3 (Ed25519 AUTHENTICATE), Relay=2,4
 * (EXTEND2 and ntor-v3; not 3: Chive cannot extend over IPv6). No DirCache,
 * HSDir, HSIntro, HSRend, Padding, Conflux or FlowCtrl=2.
 */
#define CP_DESC_PROTO "Cons=2 Desc=2 FlowCtrl=1 Link=4-5 LinkAuth=3 Microdesc=2 Relay=2,4"

/** Largest descriptor (tor's parser refuses more; router.c MAX_DESCRIPTOR_UPLOAD_SIZE). */
#define CP_DESC_MAX 20000

/** Tor's default bandwidth rate and burst when nothing limits them (BandwidthRate 1 GB). */
#define CP_DESC_BW_DEFAULT 1073741824ull

/** What goes into one descriptor besides the keys. */
struct cp_desc_params {
	const struct cp_dir_conf *conf; /**< nickname, contact, family */
	uint32_t address;		/**< IPv4, host order */
	uint16_t orport;
	const char *platform;	    /**< "Chive 0.1.0 on Linux"; never "Tor <0.4.8" */
	time_t published;	    /**< s; must be newer than the last one uploaded */
	uint64_t uptime;	    /**< s */
	uint64_t bw_rate, bw_burst; /**< bytes/s, advertised */
	uint64_t bw_observed;	    /**< bytes/s, measured (dir-spec: > 0 for Fast) */
	time_t onion_key_expires;   /**< s; the ntor crosscert's expiry */
	/** FamilyId keys: each signs a family-cert (proposal 321). */
	const struct cp_ed25519_key *family_keys;
	unsigned n_family_keys;
};

/** Ed25519 cert type of a family-cert: the family key certifies the identity. */
#define CP_DESC_CERT_FAMILY 0x0C
/** A family-cert's lifetime from "published" (tor's FAMILY_CERT_LIFETIME). */
#define CP_DESC_FAMILY_CERT_LIFETIME (30 * 86400)

/**
 * Build and sign the descriptor into @p out (NUL-terminated).
 *
 * @return
 *   Its length, or a negative errno (-ENOBUFS: more than @p cap or
 *   CP_DESC_MAX; -EINVAL: bad parameters, with @p err saying which;
 *   signing errors) with a reason in @p err.
 */
int cp_desc_build(char *out, size_t cap, const struct cp_desc_params *p, const struct cp_keys *k,
		  char *err, size_t errlen);

/**
 * Check the two signatures of a descriptor we made (or fetched back):
 * router-sig-ed25519 against @p signing_pub and router-signature against
 * @p rsa_id. Used by the tests and to validate what authorities return.
 *
 * @return
 *   0, or -EBADMSG with a reason in @p err.
 */
int cp_desc_verify(const char *desc, size_t len, const uint8_t signing_pub[32], EVP_PKEY *rsa_id,
		   char *err, size_t errlen);

/**
 * Format @p t as dir-spec's "YYYY-MM-DD HH:MM:SS" (UTC) into @p out (20 bytes).
 */
void cp_desc_format_time(char out[20], time_t t);

/**
 * Append @p len bytes of @p data to @p out as PEM-style base64: lines of 64
 * characters, each ending "\n", padding kept (tor's BASE64_ENCODE_MULTILINE).
 *
 * @return
 *   Characters written (NUL not counted), or -ENOBUFS.
 */
int cp_desc_b64_lines(char *out, size_t cap, const uint8_t *data, size_t len);

#endif /* CONTROLPLANE_DIR_DESC_H */
