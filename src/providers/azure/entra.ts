/**
 * An Entra ID token source for a scope, from the worker's identity (managed identity, workload
 * identity, `az login`, environment credentials: DefaultAzureCredential). @azure/identity is
 * loaded only when a worker uses it, so OpenAI workers and API-key setups never load it.
 */
export function entraToken(scope: string): () => Promise<string> {
  let provider: Promise<() => Promise<string>> | undefined;
  return async () => {
    provider ??= import('@azure/identity').then(
      ({ DefaultAzureCredential, getBearerTokenProvider }) =>
        getBearerTokenProvider(new DefaultAzureCredential(), scope),
    );
    return (await provider)();
  };
}
