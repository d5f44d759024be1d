// The local stack's fixed facts, apart from the servers themselves: the CLI shows them without
// loading oidc-provider.
export const LOCAL_AUTH_PORT = 4010;
export const LOCAL_API_PORT = 4011;

/** Not secrets: the demo clients exist only on this machine, in this process. */
export const DEMO_CLIENT = {
  clientId: 'demo-client',
  clientSecret: 'demo-secret',
  authentication: 'client_secret_basic',
} as const;
/** The admin profile's client of the sample collection with two profiles. */
export const DEMO_ADMIN_CLIENT = {
  clientId: 'demo-admin',
  clientSecret: 'demo-admin-secret',
  authentication: 'client_secret_basic',
} as const;
