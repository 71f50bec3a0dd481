/*
 * role.c - host roles and role sets.  A shared leaf (see role.h).
 *
 * The flags follow the hardening guide and the way a site is laid out:
 * servers, clients and camera-side devices are the VMS; external event
 * sources, the operating system's SNMP service and the network
 * infrastructure are not.  Choices the guide leaves open are noted beside
 * the entry.
 */
#include <stdio.h>
#include <string.h>

#include "role.h"

struct role_def {
	const char *name;
	unsigned flags;
	const char *desc;
};

#define SRV	(ROLE_F_VMS | ROLE_F_SERVER)
#define CLI	ROLE_F_VMS
#define DEV	(ROLE_F_VMS | ROLE_F_CAMERA)

/* Indexed by enum role; the order must match role.h. */
static const struct role_def role_defs[ROLE_COUNT] = {
	[ROLE_MANAGEMENT_SERVER] = { "management_server", SRV,
	    "XProtect Management Server service (IIS 80/443, 9000, ...)" },
	[ROLE_SQL_SERVER] = { "sql_server", SRV,
	    "SQL Server holding the configuration, event and log databases" },
	/*
	 * The Data Collector runs on every server; inventories usually label
	 * the host by its main service, which all_servers covers.
	 */
	[ROLE_DATA_COLLECTOR] = { "data_collector", SRV,
	    "Data Collector service (System Monitor, 7609)" },
	[ROLE_EVENT_SERVER] = { "event_server", SRV,
	    "Event Server service (events, alarms, maps, MIP messaging)" },
	[ROLE_RECORDING_SERVER] = { "recording_server", SRV,
	    "Recording Server service" },
	[ROLE_FAILOVER_RECORDING_SERVER] = { "failover_recording_server", SRV,
	    "Failover Recording Server service" },
	[ROLE_FAILOVER_SERVER] = { "failover_server", SRV,
	    "Failover Server service (runs beside a failover recording server)" },
	[ROLE_LOG_SERVER] = { "log_server", SRV, "Log Server service" },
	[ROLE_MOBILE_SERVER] = { "mobile_server", SRV,
	    "Mobile Server service (mobile and web clients, Video Push)" },
	[ROLE_LPR_SERVER] = { "lpr_server", SRV, "LPR Server service" },
	[ROLE_OPEN_NETWORK_BRIDGE] = { "open_network_bridge", SRV,
	    "Milestone Open Network Bridge service (ONVIF, RTSP)" },
	[ROLE_DLNA_SERVER] = { "dlna_server", SRV,
	    "XProtect DLNA Server service" },
	/*
	 * The Screen Recorder "acts as a camera" towards the recording server
	 * but runs on an operator's computer, not on the camera subnet: a
	 * server component, not a camera-side device.
	 */
	[ROLE_SCREEN_RECORDER] = { "screen_recorder", SRV,
	    "XProtect Screen Recorder service" },
	[ROLE_INCIDENT_MANAGER] = { "incident_manager", SRV,
	    "XProtect Incident Manager service" },
	[ROLE_API_GATEWAY] = { "api_gateway", SRV, "API Gateway" },
	[ROLE_SMART_CLIENT] = { "smart_client", CLI, "XProtect Smart Client" },
	[ROLE_MANAGEMENT_CLIENT] = { "management_client", CLI,
	    "Management Client" },
	[ROLE_MIP_PLUGIN] = { "mip_plugin", CLI,
	    "MIP plug-ins and applications" },
	[ROLE_MOBILE_CLIENT] = { "mobile_client", CLI,
	    "XProtect Mobile and web clients" },
	[ROLE_ONVIF_CLIENT] = { "onvif_client", CLI,
	    "ONVIF client of the Open Network Bridge" },
	[ROLE_DLNA_DEVICE] = { "dlna_device", CLI,
	    "DLNA device (TV, media player) of the DLNA Server" },
	[ROLE_CAMERA] = { "camera", DEV,
	    "camera, encoder or I/O device" },
	[ROLE_NVR] = { "nvr", DEV,
	    "network video recorder added to a recording server" },
	/*
	 * A remote XProtect site (Milestone Interconnect) is VMS, but neither
	 * one of this site's server components nor a camera-subnet device.
	 */
	[ROLE_INTERCONNECTED_SITE] = { "interconnected_site", ROLE_F_VMS,
	    "remote interconnected site (Milestone Interconnect)" },
	[ROLE_ANALYTICS_EVENT_SOURCE] = { "analytics_event_source", 0,
	    "external system or device sending analytics events" },
	[ROLE_GENERIC_EVENT_SOURCE] = { "generic_event_source", 0,
	    "external system or device sending generic events" },
	/* The Windows SNMP service is the operating system's, on the host. */
	[ROLE_SNMP_SERVICE] = { "snmp_service", 0,
	    "Windows SNMP service (local, loads the extension agent)" },
	[ROLE_DNS_SERVER] = { "dns_server", ROLE_F_INFRA, "DNS server" },
	[ROLE_DHCP_SERVER] = { "dhcp_server", ROLE_F_INFRA, "DHCP server" },
	[ROLE_NTP_SERVER] = { "ntp_server", ROLE_F_INFRA, "NTP server" },
	[ROLE_SYSLOG_SERVER] = { "syslog_server", ROLE_F_INFRA,
	    "syslog collector" },
	[ROLE_SNMP_MANAGER] = { "snmp_manager", ROLE_F_INFRA,
	    "SNMP manager / network management station" },
	[ROLE_DOMAIN_CONTROLLER] = { "domain_controller", ROLE_F_INFRA,
	    "Active Directory domain controller" },
};

/*
 * Named sets.  A group given by flags is computed from role_defs so a new
 * role joins its groups by its flags alone; the others list their roles.
 * The last four are the role names of the synthetic site's inventory
 * (pcap/synthetic), which combine roles this module keeps apart.
 */
struct role_group {
	const char *name;
	unsigned flags;		/* roles with all these flags, or 0 */
	uint64_t set;		/* ... or exactly these roles */
};

static const struct role_group role_groups[] = {
	{ "all_servers", ROLE_F_VMS | ROLE_F_SERVER, 0 },
	{ "all_components", ROLE_F_VMS, 0 },
	{ "recorders", 0, ROLE_BIT(ROLE_RECORDING_SERVER) |
	    ROLE_BIT(ROLE_FAILOVER_RECORDING_SERVER) },
	{ "infrastructure", ROLE_F_INFRA, 0 },
	{ "infrastructure_dns_dc", 0, ROLE_BIT(ROLE_DNS_SERVER) |
	    ROLE_BIT(ROLE_DOMAIN_CONTROLLER) },
	{ "infrastructure_ntp", 0, ROLE_BIT(ROLE_NTP_SERVER) },
	{ "infrastructure_nms", 0, ROLE_BIT(ROLE_SNMP_MANAGER) |
	    ROLE_BIT(ROLE_SYSLOG_SERVER) },
	{ "third_party_event_source", 0,
	    ROLE_BIT(ROLE_GENERIC_EVENT_SOURCE) |
	    ROLE_BIT(ROLE_ANALYTICS_EVENT_SOURCE) },
};

/* ROLE_SET_ALL shifts by ROLE_COUNT, so 63 roles at most. */
_Static_assert(ROLE_COUNT < 64, "role sets are 64-bit masks");

#define NGROUPS	(sizeof(role_groups) / sizeof(role_groups[0]))

const char *
role_name(enum role r)
{
	if ((unsigned)r >= ROLE_COUNT)
		return NULL;
	return role_defs[r].name;
}

const char *
role_describe(enum role r)
{
	if ((unsigned)r >= ROLE_COUNT)
		return NULL;
	return role_defs[r].desc;
}

unsigned
role_flags(enum role r)
{
	if ((unsigned)r >= ROLE_COUNT)
		return 0;
	return role_defs[r].flags;
}

int
role_lookup(const char *name)
{
	int r;

	for (r = 0; r < ROLE_COUNT; r++)
		if (strcmp(role_defs[r].name, name) == 0)
			return r;
	return -1;
}

uint64_t
role_set_with(unsigned flags)
{
	uint64_t set = 0;
	int r;

	for (r = 0; r < ROLE_COUNT; r++)
		if ((role_defs[r].flags & flags) == flags)
			set |= ROLE_BIT(r);
	return set;
}

int
role_set_lookup(const char *name, uint64_t *set)
{
	size_t i;
	int r;

	if ((r = role_lookup(name)) != -1) {
		*set = ROLE_BIT(r);
		return 0;
	}
	for (i = 0; i < NGROUPS; i++) {
		if (strcmp(role_groups[i].name, name) != 0)
			continue;
		if (role_groups[i].flags != 0)
			*set = role_set_with(role_groups[i].flags);
		else
			*set = role_groups[i].set;
		return 0;
	}
	return -1;
}

char *
role_set_fmt(uint64_t set, char *buf, size_t len)
{
	size_t off = 0;
	int r, n;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if ((set & ROLE_SET_ALL) == 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	for (r = 0; r < ROLE_COUNT; r++) {
		if (!(set & ROLE_BIT(r)))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? "," : "",
		    role_defs[r].name);
		/* Truncated: keep only the names that fitted whole. */
		if (n < 0 || (size_t)n >= len - off) {
			buf[off] = '\0';
			break;
		}
		off += (size_t)n;
	}
	return buf;
}

size_t
role_group_count(void)
{
	return NGROUPS;
}

const char *
role_group_name(size_t i)
{
	if (i >= NGROUPS)
		return NULL;
	return role_groups[i].name;
}
