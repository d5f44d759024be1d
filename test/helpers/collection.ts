// Collections for the end-to-end tests: our built script at the root, with the Bearer auth the
// generator sets, and requests whose paths tell the tests' API apart.

export interface RequestSpec {
  readonly name: string;
  readonly url: string;
  /** Lines of a request-level test script (runs after the request). */
  readonly test?: string;
  /** The request's own auth; absent: it inherits the collection's Bearer. */
  readonly auth?: object;
}

export function collectionWithScript(
  script: string,
  requests: readonly RequestSpec[],
  variables: Record<string, string> = {},
): object {
  return {
    info: { name: 'pm-oauth2 e2e', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{oauth2_access_token}}', type: 'string' }] },
    event: [{ listen: 'prerequest', script: { type: 'text/javascript', exec: script.split('\n') } }],
    variable: Object.entries(variables).map(([key, value]) => ({ key, value })),
    item: requests.map((r) => ({
      name: r.name,
      request: { method: 'GET', url: r.url, ...(r.auth ? { auth: r.auth } : {}) },
      event: r.test ? [{ listen: 'test', script: { type: 'text/javascript', exec: r.test.split('\n') } }] : [],
    })),
  };
}

export function requests(count: number, url: string): RequestSpec[] {
  return Array.from({ length: count }, (_, i) => ({ name: `request ${i + 1}`, url: `${url}/${i + 1}` }));
}
