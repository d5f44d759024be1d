// A TLS front for the authorization server, as deployments put one before it: HTTPS with a
// certificate from the test CA, optionally demanding a client certificate from that CA, forwarding
// every request to the plain-http server behind it.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export const TLS_FIXTURES = new URL('../fixtures/tls/', import.meta.url).pathname;
const read = (name: string) => readFileSync(`${TLS_FIXTURES}${name}`);

export interface TlsFront {
  readonly url: string;
  /** The subject CN of the client certificate of each forwarded request ('' without one). */
  readonly clients: string[];
  close(): Promise<void>;
}

export interface TlsFrontOptions {
  readonly requireClientCertificate: boolean;
  /**
   * Forward the client certificate (PEM, URL-encoded) in this header, as nginx's
   * $ssl_client_escaped_cert, and whether the CA verified it in `<header>-verify` ($ssl_client_verify).
   */
  readonly forwardCertificateAs?: string;
}

export async function startTlsFront(target: string, options: TlsFrontOptions): Promise<TlsFront> {
  const clients: string[] = [];
  const server: Server = createServer(
    {
      key: read('server.key'),
      cert: read('server.crt'),
      ca: read('ca.crt'),
      // Forwarding a certificate means asking for one; only a required one fails the handshake without it.
      requestCert: options.requireClientCertificate || !!options.forwardCertificateAs,
      rejectUnauthorized: options.requireClientCertificate,
    },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate?.();
      clients.push(String(peer?.subject?.CN ?? ''));
      const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: new URL(target).host };
      if (options.forwardCertificateAs) {
        const verify = `${options.forwardCertificateAs}-verify`;
        delete headers[options.forwardCertificateAs];
        delete headers[verify];
        // Any certificate, as nginx's ssl_verify_client optional_no_ca: the server decides what it takes.
        if (peer?.raw) {
          headers[options.forwardCertificateAs] = encodeURIComponent(new X509Certificate(peer.raw).toString());
          headers[verify] = (req.socket as TLSSocket).authorized ? 'SUCCESS' : 'FAILED';
        }
      }
      const forward = httpRequest(new URL(req.url ?? '/', target), { method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.writeHead(502).end());
      req.pipe(forward);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    clients,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
