/*
 * role.h - the roles a host can play on a Milestone XProtect site, and sets
 * of roles.  A shared leaf: the documented-flow rules (rules.c) name the
 * roles that listen and the roles that may connect, the inventory maps
 * addresses to roles, and the policy compares the two.
 *
 * The roles are the components of the hardening guide's port tables
 * (section "Use firewalls to limit IP access to servers and computers")
 * plus the network infrastructure a site always has.  A set of roles is a
 * uint64_t bitmask, one ROLE_BIT() per role, so a set test is one AND.
 *
 * Besides the role names, role_set_lookup() knows the built-in groups that
 * may be written wherever roles are listed:
 *	all_servers	every VMS server component (ROLE_F_VMS|ROLE_F_SERVER)
 *	all_components	every VMS role: servers, clients, camera-side devices
 *	recorders	recording_server and failover_recording_server
 *	infrastructure	DNS, DHCP, NTP, syslog, SNMP manager, domain controller
 * and a few compatibility names used by inventories (see role.c).
 */
#ifndef VW_ROLE_H
#define VW_ROLE_H

#include <stddef.h>
#include <stdint.h>

enum role {
	/* VMS server components (services). */
	ROLE_MANAGEMENT_SERVER = 0,
	ROLE_SQL_SERVER,
	ROLE_DATA_COLLECTOR,
	ROLE_EVENT_SERVER,
	ROLE_RECORDING_SERVER,
	ROLE_FAILOVER_RECORDING_SERVER,
	ROLE_FAILOVER_SERVER,
	ROLE_LOG_SERVER,
	ROLE_MOBILE_SERVER,
	ROLE_LPR_SERVER,
	ROLE_OPEN_NETWORK_BRIDGE,
	ROLE_DLNA_SERVER,
	ROLE_SCREEN_RECORDER,
	ROLE_INCIDENT_MANAGER,
	ROLE_API_GATEWAY,
	/* VMS clients. */
	ROLE_SMART_CLIENT,
	ROLE_MANAGEMENT_CLIENT,
	ROLE_MIP_PLUGIN,
	ROLE_MOBILE_CLIENT,
	ROLE_ONVIF_CLIENT,
	ROLE_DLNA_DEVICE,
	/* VMS devices and sites the recording servers connect to. */
	ROLE_CAMERA,
	ROLE_NVR,
	ROLE_INTERCONNECTED_SITE,
	/* Outside the VMS: event sources and the local Windows SNMP service. */
	ROLE_ANALYTICS_EVENT_SOURCE,
	ROLE_GENERIC_EVENT_SOURCE,
	ROLE_SNMP_SERVICE,
	/* Network infrastructure. */
	ROLE_DNS_SERVER,
	ROLE_DHCP_SERVER,
	ROLE_NTP_SERVER,
	ROLE_SYSLOG_SERVER,
	ROLE_SNMP_MANAGER,
	ROLE_DOMAIN_CONTROLLER,
	ROLE_COUNT
};

#define ROLE_BIT(r)	((uint64_t)1 << (r))
/* Every defined role. */
#define ROLE_SET_ALL	(ROLE_BIT(ROLE_COUNT) - 1)

/* role_flags() */
#define ROLE_F_VMS	0x01	/* part of the VMS: server, client or device */
#define ROLE_F_SERVER	0x02	/* a VMS server component (listens) */
#define ROLE_F_CAMERA	0x04	/* camera-side device (camera subnet) */
#define ROLE_F_INFRA	0x08	/* network infrastructure */

/* Longest role or group name, without the NUL. */
#define ROLE_NAME_MAX	32

/* The snake_case name of r ("management_server"), or NULL if out of range. */
const char *role_name(enum role r);
/* A one-line description of r for humans, or NULL if out of range. */
const char *role_describe(enum role r);
/* ROLE_F_* of r; 0 if out of range. */
unsigned role_flags(enum role r);
/* The role named name (exact, case-sensitive), or -1 if there is none. */
int role_lookup(const char *name);
/*
 * Resolves name as a role or a built-in group into *set.  Returns 0, or -1
 * if name is neither (then *set is untouched).
 */
int role_set_lookup(const char *name, uint64_t *set);
/* The set of roles having every flag in flags (0: every role). */
uint64_t role_set_with(unsigned flags);
/*
 * Writes set as comma-separated role names in enum order ("-" for the empty
 * set) to buf of len bytes, truncating if needed.  Returns buf.
 */
char *role_set_fmt(uint64_t set, char *buf, size_t len);
/* Number of built-in groups, and the name of group i (NULL if out of range). */
size_t role_group_count(void);
const char *role_group_name(size_t i);

#endif
