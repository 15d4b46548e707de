import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventsConfigError, readEventsConfig } from '../../../src/events/config.js';
import { EVENT_TYPES } from '../../../src/shared/eventTypes.js';

const secret = `whsec_${Buffer.from('an-event-signing-secret-32-bytes!').toString('base64')}`;

function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'events-config-'));
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('the operator event settings', () => {
  it('are absent when nothing is set', () => {
    expect(readEventsConfig({})).toBeUndefined();
  });

  it('take one endpoint from FINETUNE_EVENTS_URL + FINETUNE_EVENTS_SECRET, all events', () => {
    const c = readEventsConfig({
      FINETUNE_EVENTS_URL: 'https://hooks.example.com/ft?token=abc',
      FINETUNE_EVENTS_SECRET: secret,
    })!;
    expect(c.endpoints).toEqual([
      expect.objectContaining({
        name: 'default',
        format: 'standard',
        secret,
        giveUpAfterMs: 3_600_000,
      }),
    ]);
    expect(c.endpoints[0]!.events).toEqual(EVENT_TYPES);
    expect(c.digest).toMatch(/^[0-9a-f]{12}$/);
  });

  it('read several endpoints from a YAML file, with filters, Slack and a secret from the environment', () => {
    const path = file(
      'events.yaml',
      [
        'uiUrl: http://localhost:8233',
        'endpoints:',
        '  - name: deploy-bot',
        '    url: https://deploy.internal/hooks/finetune',
        '    secretEnv: DEPLOY_BOT_SECRET',
        '    events: [promotion.completed, rollback.completed]',
        '  - name: approvers',
        '    url: https://hooks.slack.com/services/T0/B0/XYZ',
        '    format: slack',
        '    events: [approval.requested, gate.blocked]',
        '    giveUpAfterSeconds: 600',
      ].join('\n'),
    );
    const c = readEventsConfig({ FINETUNE_EVENTS_FILE: path, DEPLOY_BOT_SECRET: secret })!;
    expect(c.uiUrl).toBe('http://localhost:8233');
    expect(c.endpoints.map((e) => [e.name, e.format, e.events, e.giveUpAfterMs])).toEqual([
      ['deploy-bot', 'standard', ['promotion.completed', 'rollback.completed'], 3_600_000],
      ['approvers', 'slack', ['approval.requested', 'gate.blocked'], 600_000],
    ]);
    expect(c.endpoints[0]!.secret).toBe(secret);
    expect(c.endpoints[1]!.secret).toBeUndefined();
  });

  it('read JSON too, and change digest when a secret changes', () => {
    const json = (s: string) =>
      file(
        'events.json',
        JSON.stringify({ endpoints: [{ name: 'a', url: 'http://r.test/', secret: s }] }),
      );
    const other = `whsec_${Buffer.from('another-secret-of-enough-length!!').toString('base64')}`;
    const a = readEventsConfig({ FINETUNE_EVENTS_FILE: json(secret) })!;
    const b = readEventsConfig({ FINETUNE_EVENTS_FILE: json(other) })!;
    expect(a.endpoints[0]!.name).toBe('a');
    expect(a.digest).not.toBe(b.digest);
  });

  it('refuse bad settings naming the setting, never echoing the secret or URL', () => {
    const bad = (env: Record<string, string>) => {
      try {
        readEventsConfig(env);
      } catch (err) {
        expect(err).toBeInstanceOf(EventsConfigError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    const noSecret = bad({ FINETUNE_EVENTS_URL: 'https://h.example/x?token=sekrit' });
    expect(noSecret).toMatch(/FINETUNE_EVENTS_URL.*signing secret/);
    expect(noSecret).not.toContain('sekrit');
    const short = bad({
      FINETUNE_EVENTS_URL: 'https://h.example/',
      FINETUNE_EVENTS_SECRET: 'whsec_c2hvcnQ=',
    });
    expect(short).toMatch(/FINETUNE_EVENTS_SECRET must encode 24 to 64 bytes/);
    expect(short).not.toContain('c2hvcnQ');
    const unknownEvent = bad({
      FINETUNE_EVENTS_FILE: file(
        'e.yaml',
        `endpoints: [{name: a, url: 'http://r.test', secret: '${secret}', events: [job.done]}]`,
      ),
    });
    expect(unknownEvent).toMatch(/endpoints\.0\.events\.0/);
    expect(unknownEvent).not.toContain(secret);
    const dup = bad({
      FINETUNE_EVENTS_FILE: file(
        'd.yaml',
        `endpoints: [{name: a, url: 'http://r.test', secret: '${secret}'}, {name: a, url: 'http://s.test', secret: '${secret}'}]`,
      ),
    });
    expect(dup).toMatch(/unique/);
    expect(bad({ FINETUNE_EVENTS_FILE: '/nonexistent/events.yaml' })).toMatch(
      /cannot read.*ENOENT/,
    );
  });
});
