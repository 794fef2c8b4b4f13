// A private CA and a server certificate for localhost / 127.0.0.1, for the
// TLS cells of the matrix tests. Test-only material: generated once with
// openssl (EC P-256, valid 2020-01-01 to 2120-01-01) and never used
// anywhere else. The leaf has basicConstraints CA:FALSE, as rustls requires.

import { SSLContext } from "../../mod.ts";

const CA_CERT = `-----BEGIN CERTIFICATE-----
MIIBfjCCASWgAwIBAgIBATAKBggqhkjOPQQDAjAmMSQwIgYDVQQDDBthc3luY2lv
LWRlbm8gbWF0cml4IHRlc3QgQ0EwIBcNMjAwMTAxMDAwMDAwWhgPMjEyMDAxMDEw
MDAwMDBaMCYxJDAiBgNVBAMMG2FzeW5jaW8tZGVubyBtYXRyaXggdGVzdCBDQTBZ
MBMGByqGSM49AgEGCCqGSM49AwEHA0IABE6uBXdclHlCR1FY5eeb/TkVx5UZy4jN
caxcMrSghHNLQ0NJYtFurD6+ebvNKNULGtTrk92XMQZNA9RUQ3eWqDGjQjBAMA8G
A1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMB0GA1UdDgQWBBRtKx1o1gV6
Yx4MLrZICVo1Bp2EjzAKBggqhkjOPQQDAgNHADBEAiAQ9WKJEE8XiSKerx89nuyh
UWeXDDiHmLafr4QnFmkD+wIgQ/enYz8Rh5QraouViX5hNvTu2l5OlsQifGYkp7VZ
JHw=
-----END CERTIFICATE-----
`;

const SERVER_CERT = `-----BEGIN CERTIFICATE-----
MIIBvjCCAWSgAwIBAgIBAjAKBggqhkjOPQQDAjAmMSQwIgYDVQQDDBthc3luY2lv
LWRlbm8gbWF0cml4IHRlc3QgQ0EwIBcNMjAwMTAxMDAwMDAwWhgPMjEyMDAxMDEw
MDAwMDBaMBQxEjAQBgNVBAMMCWxvY2FsaG9zdDBZMBMGByqGSM49AgEGCCqGSM49
AwEHA0IABNE2KYTr7R4g4UpgzE/EJoFxSRuaArkeHGvMsUkATyGiHKnVDDY65IWU
Purtm+toJxfA1sLmrCmK1yQv6fMowiyjgZIwgY8wDAYDVR0TAQH/BAIwADAOBgNV
HQ8BAf8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwEwGgYDVR0RBBMwEYIJbG9j
YWxob3N0hwR/AAABMB8GA1UdIwQYMBaAFG0rHWjWBXpjHgwutkgJWjUGnYSPMB0G
A1UdDgQWBBQWl5FJ9SeH9wHP+uNdbNloyXKH8jAKBggqhkjOPQQDAgNIADBFAiEA
21o3LSDc6KX8OwZfP3qNnsnak592ncNmf0CGWSojCHsCIC4GSIr5LWxigXNxr/PI
Q3oFPkYS1/tGth+U84Z6g5YA
-----END CERTIFICATE-----
`;

const SERVER_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgOsrKdFFoq97aRxlA
zKfZxoXRZHUDJQyIwwktgAotbpShRANCAATRNimE6+0eIOFKYMxPxCaBcUkbmgK5
HhxrzLFJAE8hohyp1Qw2OuSFlD7q7ZvraCcXwNbC5qwpitckL+nzKMIs
-----END PRIVATE KEY-----
`;

/** A server context for localhost with the test certificate. */
export function serverContext(): SSLContext {
  const ctx = new SSLContext("clientAuth");
  ctx.loadCertChain(SERVER_CERT, SERVER_KEY);
  return ctx;
}

/** A client context that trusts the test CA. */
export function clientContext(): SSLContext {
  const ctx = new SSLContext("serverAuth");
  ctx.loadVerifyLocations({ cadata: CA_CERT });
  return ctx;
}
