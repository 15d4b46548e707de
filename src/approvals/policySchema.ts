import { z } from 'zod';
import type { ApprovalPolicy } from '../shared/approvalTypes.js';
import { parsePublicKeyLine } from './sshKeys.js';

// The approvers policy as a person writes it (JSON), checked and normalised. Not imported by
// workflow code: the worker's activity and the CLI parse; the workflow gets the result.

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

function durationMs(raw: string): number | undefined {
  const m = /^(\d+)([smhd])$/.exec(raw.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : undefined;
}

const Principal = z.string().trim().min(1).max(200);
const Role = z.string().trim().min(1).max(100);

const Quorum = z
  .object({
    approvals: z.number().int().min(1).max(50).optional(),
    roles: z.array(Role).max(20).optional(),
  })
  .strict();

const Signer = z
  .object({
    principal: Principal,
    roles: z.array(Role).min(1),
    key: z.string().superRefine((k, ctx) => {
      try {
        parsePublicKeyLine(k);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  })
  .strict();

const PolicyFile = z
  .object({
    version: z.literal(1),
    signers: z.array(Signer).min(1),
    promote: Quorum,
    rollback: Quorum.optional(),
    selfApproval: z.boolean().optional(),
    maxValidity: z.string().default('24h'),
  })
  .strict();

export class PolicyError extends Error {
  override name = 'PolicyError';
}

/**
 * The policy from its JSON text, or a PolicyError naming each problem. A quorum no set of
 * signers can meet (more approvals than principals, a role nobody holds) is refused here, not
 * discovered by a pipeline that then waits forever.
 */
export function parsePolicy(text: string, where: string): ApprovalPolicy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PolicyError(`${where} is not JSON: ${(err as Error).message}`);
  }
  const parsed = PolicyFile.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `  ${i.path.join('.') || '(top)'}: ${i.message}`,
    );
    throw new PolicyError(`${where} is not a valid approval policy:\n${problems.join('\n')}`);
  }
  const p = parsed.data;
  const maxValidityMs = durationMs(p.maxValidity);
  const problems: string[] = [];
  if (!maxValidityMs)
    problems.push(`maxValidity "${p.maxValidity}": use a whole number with s, m, h or d, e.g. 24h`);
  const principals = new Set(p.signers.map((s) => s.principal));
  const keys = p.signers.map((s) => parsePublicKeyLine(s.key).fingerprint);
  if (new Set(keys).size !== keys.length)
    problems.push('a key is listed twice: one key, one principal');
  for (const [name, rule] of [
    ['promote', p.promote],
    ['rollback', p.rollback],
  ] as const) {
    if (!rule) continue;
    if ((rule.approvals ?? 1) > principals.size) {
      problems.push(
        `${name}: ${rule.approvals} approvals but only ${principals.size} principal(s) can sign`,
      );
    }
    for (const role of rule.roles ?? []) {
      if (!p.signers.some((s) => s.roles.includes(role)))
        problems.push(`${name}: nobody holds role "${role}"`);
    }
  }
  if (problems.length) {
    throw new PolicyError(
      `${where} is not a valid approval policy:\n${problems.map((x) => `  ${x}`).join('\n')}`,
    );
  }
  const policy: ApprovalPolicy = {
    version: 1,
    signers: p.signers.map((s) => ({ principal: s.principal, roles: s.roles, key: s.key.trim() })),
    promote: p.promote,
    ...(p.rollback ? { rollback: p.rollback } : {}),
    ...(p.selfApproval !== undefined ? { selfApproval: p.selfApproval } : {}),
    maxValidityMs: maxValidityMs!,
  };
  return policy;
}
