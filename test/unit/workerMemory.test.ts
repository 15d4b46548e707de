import { describe, expect, it } from 'vitest';
import { WORKER_MEMORY_APPLIED, workerMemoryPlan } from '../../src/worker/memory.js';

describe('workerMemoryPlan: the memory settings `finetune worker` starts the worker with', () => {
  it('adds the heap cap and two malloc arenas to a bare environment', () => {
    const plan = workerMemoryPlan({ PATH: '/bin' });
    expect(plan?.env).toMatchObject({
      PATH: '/bin',
      NODE_OPTIONS: '--max-old-space-size=384',
      MALLOC_ARENA_MAX: '2',
    });
    expect(plan?.applied).toEqual(['NODE_OPTIONS --max-old-space-size=384', 'MALLOC_ARENA_MAX=2']);
    // The child is marked, so it runs the worker instead of starting another child.
    expect(workerMemoryPlan(plan!.env)).toBeUndefined();
  });

  it('keeps what NODE_OPTIONS already has and adds only what is missing', () => {
    const plan = workerMemoryPlan({ NODE_OPTIONS: '--enable-source-maps' });
    expect(plan?.env.NODE_OPTIONS).toBe('--enable-source-maps --max-old-space-size=384');
  });

  it("leaves the operator's own heap cap and arenas alone (either spelling of the flag)", () => {
    expect(
      workerMemoryPlan({ NODE_OPTIONS: '--max_old_space_size=2048', MALLOC_ARENA_MAX: '4' }),
    ).toBeUndefined();
    const plan = workerMemoryPlan({ NODE_OPTIONS: '--max-old-space-size=2048' });
    expect(plan?.env.NODE_OPTIONS).toBe('--max-old-space-size=2048');
    expect(plan?.applied).toEqual(['MALLOC_ARENA_MAX=2']);
  });

  it('takes its settings from FINETUNE_WORKER_NODE_OPTIONS and FINETUNE_WORKER_MALLOC_ARENA_MAX', () => {
    const plan = workerMemoryPlan({
      FINETUNE_WORKER_NODE_OPTIONS: '--max-old-space-size=1024 --stack-size 2000',
      FINETUNE_WORKER_MALLOC_ARENA_MAX: '4',
    });
    expect(plan?.env.NODE_OPTIONS).toBe('--max-old-space-size=1024 --stack-size 2000');
    expect(plan?.env.MALLOC_ARENA_MAX).toBe('4');
    // A flag given with a separate value is skipped whole when NODE_OPTIONS has it.
    const kept = workerMemoryPlan({
      NODE_OPTIONS: '--stack-size=900',
      FINETUNE_WORKER_NODE_OPTIONS: '--stack-size 2000 --max-old-space-size=512',
    });
    expect(kept?.env.NODE_OPTIONS).toBe('--stack-size=900 --max-old-space-size=512');
  });

  it('empty settings switch each off; both off means no child process at all', () => {
    const noCap = workerMemoryPlan({ FINETUNE_WORKER_NODE_OPTIONS: '' });
    expect(noCap?.env.NODE_OPTIONS).toBeUndefined();
    expect(noCap?.env.MALLOC_ARENA_MAX).toBe('2');
    expect(
      workerMemoryPlan({ FINETUNE_WORKER_NODE_OPTIONS: '', FINETUNE_WORKER_MALLOC_ARENA_MAX: '' }),
    ).toBeUndefined();
  });

  it('refuses an arena count that is not a whole number, naming the setting', () => {
    expect(() => workerMemoryPlan({ FINETUNE_WORKER_MALLOC_ARENA_MAX: 'two' })).toThrow(
      /FINETUNE_WORKER_MALLOC_ARENA_MAX must be a whole number/,
    );
    expect(() => workerMemoryPlan({ FINETUNE_WORKER_MALLOC_ARENA_MAX: '0' })).toThrow();
  });

  it('records what it applied where the worker can log it', () => {
    expect(workerMemoryPlan({})?.env[WORKER_MEMORY_APPLIED]).toBe(
      'NODE_OPTIONS --max-old-space-size=384, MALLOC_ARENA_MAX=2',
    );
  });
});
