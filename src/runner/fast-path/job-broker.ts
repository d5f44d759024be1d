// The token broker of one job: tokens fetched in Node, every token request counted (answered or
// not, as the sandbox path counts them). A --parallel job has one, in its parent process.
import type { FetchRuntime } from '../../oauth/fetch-token.js';
import type { ProofFactory } from '../../oauth/dpop/proof-factory.js';
import type { NonceStore } from '../../oauth/dpop/nonce.js';
import { nodeRuntimeWith } from '../node-token-client.js';
import type { ProxyAgentFor } from '../token-endpoint-proxy.js';
import { tokenEndpointTls } from '../token-endpoint-tls.js';
import type { TokenStats } from '../token-stats.js';
import { TokenBroker, type BrokerEvents } from './token-broker.js';
import { withFederatedAssertion, type FederatedAssertions } from '../federated/assertion-source.js';
import { IssuerAudiences } from '../assertion/issuer-audience.js';

export interface JobBrokerSettings {
  readonly newmanOptions: Readonly<Record<string, unknown>>;
  readonly agentFor: ProxyAgentFor;
  readonly proofs: ProofFactory | undefined;
  readonly nonces: NonceStore;
  readonly tokenStats: TokenStats;
  readonly events: BrokerEvents;
  /** Reads federated assertions from the CI; each value it reads is a secret for the redactor. */
  readonly federated: FederatedAssertions;
}

export function jobTokenBroker(settings: JobBrokerSettings): TokenBroker {
  const { tokenStats } = settings;
  const runtime = nodeRuntimeWith(tokenEndpointTls(settings.newmanOptions), settings.agentFor, {
    proofs: settings.proofs,
    nonces: settings.nonces,
  });
  const counting: FetchRuntime = {
    ...runtime,
    send: (request, timeoutMs, done) => {
      const started = Date.now();
      runtime.send(request, timeoutMs, (result) => {
        tokenStats.count++;
        tokenStats.totalMs += Date.now() - started;
        done(result);
      });
    },
  };
  const issuers = new IssuerAudiences();
  return new TokenBroker(counting, settings.events, async (config) =>
    issuers.resolve(await withFederatedAssertion(config, settings.federated)),
  );
}
