/*
 * classify_family.c - nDPI protocol ids folded into the few families the
 * policy reasons about, and nDPI risk bits into weak TLS and cleartext
 * credentials.  Part of the classify stage: only it knows nDPI's ids.
 */
#include <ndpi/ndpi_api.h>

#include "classify.h"

static enum classify_family
family_of(uint16_t id)
{
	switch (id) {
	case NDPI_PROTOCOL_HTTP:
	case NDPI_PROTOCOL_HTTP_PROXY:
	case NDPI_PROTOCOL_HTTP_CONNECT:
	case NDPI_PROTOCOL_SOAP:
		return CLASSIFY_FAM_HTTP;
	case NDPI_PROTOCOL_TLS:
	case NDPI_PROTOCOL_DTLS:
	case NDPI_PROTOCOL_QUIC:
		return CLASSIFY_FAM_TLS;
	case NDPI_PROTOCOL_WEBSOCKET:
		return CLASSIFY_FAM_WEBSOCKET;
	case NDPI_PROTOCOL_RTSP:
		return CLASSIFY_FAM_RTSP;
	case NDPI_PROTOCOL_RTP:
	case NDPI_PROTOCOL_RTCP:
		return CLASSIFY_FAM_RTP;
	case NDPI_PROTOCOL_MAIL_SMTP:
		return CLASSIFY_FAM_SMTP;
	case NDPI_PROTOCOL_MAIL_SMTPS:
		return CLASSIFY_FAM_SMTPS;
	case NDPI_PROTOCOL_MAIL_POP:
	case NDPI_PROTOCOL_MAIL_IMAP:
		return CLASSIFY_FAM_MAIL;
	case NDPI_PROTOCOL_TELNET:
		return CLASSIFY_FAM_TELNET;
	case NDPI_PROTOCOL_FTP_CONTROL:
		return CLASSIFY_FAM_FTP;
	case NDPI_PROTOCOL_FTP_DATA:
		return CLASSIFY_FAM_FTP_DATA;
	case NDPI_PROTOCOL_SSH:
		return CLASSIFY_FAM_SSH;
	case NDPI_PROTOCOL_DNS:
		return CLASSIFY_FAM_DNS;
	case NDPI_PROTOCOL_NTP:
		return CLASSIFY_FAM_NTP;
	case NDPI_PROTOCOL_SNMP:
		return CLASSIFY_FAM_SNMP;
	case NDPI_PROTOCOL_SYSLOG:
		return CLASSIFY_FAM_SYSLOG;
	case NDPI_PROTOCOL_MDNS:
	case NDPI_PROTOCOL_SSDP:
	case NDPI_PROTOCOL_WSD:
	case NDPI_PROTOCOL_DHCP:
	case NDPI_PROTOCOL_NETBIOS:
	case NDPI_PROTOCOL_LLMNR:
		return CLASSIFY_FAM_DISCOVERY;
	case NDPI_PROTOCOL_OPENVPN:
	case NDPI_PROTOCOL_WIREGUARD:
	case NDPI_PROTOCOL_IP_IPSEC:
	case NDPI_PROTOCOL_TOR:
		return CLASSIFY_FAM_VPN;
	}
	return CLASSIFY_FAM_OTHER;
}

enum classify_family
classify_family_of(uint16_t master, uint16_t app)
{
	enum classify_family f;

	/*
	 * The master protocol says how the bytes travel (TLS.Google is
	 * TLS); an application alone (Google) says little, so the master
	 * decides when there is one.
	 */
	if (master != NDPI_PROTOCOL_UNKNOWN) {
		f = family_of(master);
		if (f == CLASSIFY_FAM_HTTP && app == NDPI_PROTOCOL_WEBSOCKET)
			return CLASSIFY_FAM_WEBSOCKET;
		return f;
	}
	if (app == NDPI_PROTOCOL_UNKNOWN)
		return CLASSIFY_FAM_NONE;
	return family_of(app);
}

enum classify_family
classify_family(const struct classify_result *r)
{
	if (r->state != CLASSIFY_DETECTED)
		return CLASSIFY_FAM_NONE;
	return classify_family_of(r->master, r->app);
}

#define RISK(x)	((uint64_t)1 << (x))

uint64_t
classify_risk_weak_tls(uint64_t risk)
{
	return risk & (RISK(NDPI_TLS_OBSOLETE_VERSION) |
	    RISK(NDPI_TLS_WEAK_CIPHER) | RISK(NDPI_TLS_SELFSIGNED_CERTIFICATE) |
	    RISK(NDPI_TLS_CERTIFICATE_EXPIRED) |
	    RISK(NDPI_TLS_CERTIFICATE_MISMATCH));
}

uint64_t
classify_risk_credentials(uint64_t risk)
{
	return risk & RISK(NDPI_CLEAR_TEXT_CREDENTIALS);
}

uint64_t
classify_risk_unsafe(uint64_t risk)
{
	return risk & RISK(NDPI_UNSAFE_PROTOCOL);
}
