# A TLS server that asks for client certificates (Deno.listenTls cannot), for
# tls_test.ts. Usage: _client_cert_server.py CERT KEY N. Prints its port,
# then accepts N TCP connections; to each one that completes the handshake it
# sends "<number of TCP connections accepted so far>:<cert|nocert>\n" and
# closes it. The client certificate is checked against CERT (CERT_OPTIONAL:
# clients without one are served too, so the test can tell them apart).
import socket
import ssl
import sys


def main() -> None:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(sys.argv[1], sys.argv[2])
    ctx.load_verify_locations(cafile=sys.argv[1])
    ctx.verify_mode = ssl.CERT_OPTIONAL
    wanted = int(sys.argv[3])
    with socket.create_server(("127.0.0.1", 0)) as listener:
        print(listener.getsockname()[1], flush=True)
        for accepted in range(1, wanted + 1):
            raw, _ = listener.accept()
            try:
                with ctx.wrap_socket(raw, server_side=True) as tls:
                    kind = "cert" if tls.getpeercert() else "nocert"
                    tls.sendall(f"{accepted}:{kind}\n".encode())
                    tls.recv(1)  # wait for the client to close
            except (ssl.SSLError, OSError) as e:
                print(f"connection {accepted}: {e}", flush=True)
                raw.close()


main()
