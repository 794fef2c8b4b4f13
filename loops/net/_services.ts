// Service names for getaddrinfo/getnameinfo ("http" <-> 80 over TCP). Deno
// has no getservbyname/getservbyport, and node:dns's lookupService only
// answers for TCP, so we read the system's services database ourselves:
// /etc/services on Unix (the file libc's "files" backend reads, so the
// answers match Python's socket module), or a small built-in table of common
// services when that file is missing or unreadable (Windows, or no read
// permission: we never prompt for it). The table is read once and cached.

/** The services libc's database normally has, for systems without one. */
const FALLBACK = `
ftp 21/tcp
ssh 22/tcp
telnet 23/tcp
smtp 25/tcp mail
domain 53/tcp
domain 53/udp
http 80/tcp www
pop3 110/tcp pop-3
ntp 123/udp
imap2 143/tcp imap
snmp 161/udp
ldap 389/tcp
https 443/tcp
submission 587/tcp
ldaps 636/tcp
imaps 993/tcp
pop3s 995/tcp
mysql 3306/tcp
postgresql 5432/tcp
mdns 5353/udp
http-alt 8080/tcp webcache
`;

const SERVICES_FILE = "/etc/services";

interface ServiceTable {
  /** `"tcp/http"` → 80 (names lower-cased: glibc matches them case-insensitively). */
  byName: Map<string, number>;
  /** `"tcp/80"` → `"http"` (the first entry of the file wins, like libc). */
  byPort: Map<string, string>;
}

let table: ServiceTable | null = null;

function parse(text: string): ServiceTable {
  const byName = new Map<string, number>();
  const byPort = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    const [name, portProto, ...aliases] = line.split(/\s+/);
    const m = /^(\d+)\/(\w+)$/.exec(portProto ?? "");
    if (name === undefined || m === null) continue;
    const port = Number(m[1]);
    const proto = m[2].toLowerCase();
    if (port > 65535) continue;
    for (const n of [name, ...aliases]) {
      const key = `${proto}/${n.toLowerCase()}`;
      if (!byName.has(key)) byName.set(key, port);
    }
    if (!byPort.has(`${proto}/${port}`)) byPort.set(`${proto}/${port}`, name);
  }
  return { byName, byPort };
}

function readServicesFile(): string | null {
  try {
    const state = Deno.permissions.querySync({ name: "read", path: SERVICES_FILE }).state;
    if (state !== "granted") return null;
    return Deno.readTextFileSync(SERVICES_FILE);
  } catch {
    return null; // missing (Windows) or unreadable: use the built-in table
  }
}

function services(): ServiceTable {
  table ??= parse(readServicesFile() ?? FALLBACK);
  return table;
}

/** The port of service `name` over `proto`, or null if unknown. */
export function servicePort(name: string, proto: "tcp" | "udp"): number | null {
  return services().byName.get(`${proto}/${name.toLowerCase()}`) ?? null;
}

/** The service name of `port` over `proto`, or null if it has none. */
export function serviceName(port: number, proto: "tcp" | "udp"): string | null {
  return services().byPort.get(`${proto}/${port}`) ?? null;
}
