import { describe, expect, inject, it } from 'vitest';
import { buildLocalStack } from '../../src/localStack/index.js';

describe('the local stack with the Together emulator', () => {
  it('starts it beside Temporal when asked, and stops it with the stack', async () => {
    const stack = await buildLocalStack({
      temporal: { address: inject('temporalAddress') },
      together: { timeScale: 2000, apiKey: 'stack-key' },
    });
    const together = stack.together!;
    expect(stack.openai).toBeNull();
    const models = await fetch(`${together.baseURL}/models`, {
      headers: { authorization: 'Bearer stack-key' },
    });
    expect(models.status).toBe(200);
    expect(Array.isArray(await models.json())).toBe(true);
    await stack.stop();
    await expect(fetch(`${together.baseURL}/models`)).rejects.toThrow();
  });

  it('leaves it out when not asked for', async () => {
    const stack = await buildLocalStack({ temporal: { address: inject('temporalAddress') } });
    expect(stack.together).toBeNull();
    await stack.stop();
  });
});
