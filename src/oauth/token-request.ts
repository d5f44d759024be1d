import { base64Encode, utf8Bytes } from './base64.js';
import { clientAuthOf } from './client-auth.js';
import type { TokenConfig } from './config.js';
import { encodeForm, formEncode, type FormPair } from './form.js';

/** A token request as plain data: the script hands it to pm.sendRequest, Node to fetch. */
export interface TokenRequest {
  readonly url: string;
  readonly method: 'POST';
  readonly headers: ReadonlyArray<{ readonly key: string; readonly value: string }>;
  /** The form body, already encoded: engines differ in how they encode forms, so we do it once. */
  readonly body: string;
}

/**
 * Builds the client credentials token request (RFC 6749 §4.4.2) with exactly one client
 * authentication method (§2.3), and the DPoP proof when the token is to be bound to a key (RFC 9449 §5).
 */
export function buildTokenRequest(config: TokenConfig, clientAssertion = '', dpopProof = ''): TokenRequest {
  const headers = [
    { key: 'Content-Type', value: 'application/x-www-form-urlencoded' },
    { key: 'Accept', value: 'application/json' },
  ];
  if (clientAuthOf(config.clientAuth).sends === 'basic') {
    headers.push({ key: 'Authorization', value: basicAuthorization(config.clientId, config.clientSecret) });
  }
  if (dpopProof) headers.push({ key: 'DPoP', value: dpopProof });
  return {
    url: config.tokenUrl,
    method: 'POST',
    headers,
    body: encodeForm(tokenRequestParams(config, clientAssertion)),
  };
}

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** @param clientAssertion the signed JWT, for client_secret_jwt and private_key_jwt (RFC 7523 §2.2) */
export function tokenRequestParams(config: TokenConfig, clientAssertion = ''): FormPair[] {
  const params: FormPair[] = [['grant_type', 'client_credentials']];
  if (config.scope) params.push(['scope', config.scope]);
  if (config.audience) params.push(['audience', config.audience]);
  for (const resource of config.resources) params.push(['resource', resource]);
  const sends = clientAuthOf(config.clientAuth).sends;
  if (sends === 'form') params.push(['client_id', config.clientId], ['client_secret', config.clientSecret]);
  else if (sends === 'id') params.push(['client_id', config.clientId]);
  else if (sends === 'assertion')
    params.push(
      ['client_id', config.clientId],
      ['client_assertion_type', ASSERTION_TYPE],
      ['client_assertion', clientAssertion],
    );
  return [...params, ...config.extraParams];
}

/**
 * RFC 6749 §2.3.1: id and secret are form-encoded *before* base64 — the step most clients skip,
 * which strict servers punish for secrets with `+ / = : & %` or spaces.
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${base64Encode(utf8Bytes(`${formEncode(clientId)}:${formEncode(clientSecret)}`))}`;
}
