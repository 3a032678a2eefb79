/* lib/service — service names to port numbers, as Go's LookupPort: the
 * services(5) file is parsed here (no getservbyname, which may consult NSS
 * and block), with a built-in table of common services when the file is
 * missing. Never prints. */
#ifndef NR_SERVICE_H
#define NR_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#define NR_SERVICES_PATH "/etc/services"

/* Port of service for proto: "tcp", "udp" (a 4/6 suffix is ignored), or ""
 * / "ip" for either (tcp first). service may be a decimal number, checked
 * to be 0..65535 ("invalid port"); names match case-insensitively, aliases
 * included. path: a services(5) file, NULL for /etc/services; when it
 * cannot be opened the built-in table answers. Returns 0, or -1 with err
 * ("unknown port", "invalid port", "unknown network"). */
int nr_service_port(const char *proto, const char *service, const char *path,
                    uint16_t *port, char *err, size_t errlen);

/* Calls fn for every (name, proto, port) in the file (or the built-in table
 * when the file is missing), aliases included; for completion. Returns how
 * many entries were seen. */
typedef void (*nr_service_fn)(void *arg, const char *name, const char *proto,
                              uint16_t port);
size_t nr_service_each(const char *path, nr_service_fn fn, void *arg);

#endif
