import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { parseEvery } from '../client/schedule.js';
import type { GatePolicy, PromotionConfig } from '../shared/promotionTypes.js';
import { integerFrom, numberIn } from './numberOption.js';
import { UserError } from './userError.js';

/** The flags `addPromotionFlags` defines, as commander hands them to the action. */
export interface PromotionFlags {
  promotion: boolean;
  approver: string[];
  requireSecondPerson: boolean;
  startedBy?: string;
  approvalTimeout?: string;
  onTimeout: 'approve' | 'reject';
  autoApprove?: string;
  alias?: string;
  registry?: string;
  registryKind: 'registry' | 'legacy';
  pruneDeployments: boolean;
  pruneEndpoints: boolean;
  gatePii?: GatePolicy;
  gateTokenLimit?: GatePolicy;
  gateDrift?: GatePolicy;
  gateEval?: GatePolicy;
  evalDataset?: string;
  evalMinScore?: number;
  evalMaxExamples?: number;
  evalRegex?: string;
  evalGrader?: 'exact' | 'contains' | 'regex' | 'model';
}

const policy = (flag: string, what: string) =>
  new Option(`--${flag} <policy>`, what).choices(['off', 'warn', 'block']);

export function addPromotionFlags(cmd: Command): Command {
  return cmd
    .option('--no-promotion', 'end at "succeeded": no gates, no approval, no alias moves')
    .option('--approver <name...>', 'who may approve (default: anyone who can signal)', [])
    .option('--require-second-person', 'the starter may not approve their own pipeline', false)
    .option('--started-by <name>', 'who starts it (default: your OS user name)')
    .option('--approval-timeout <duration>', 'decide this way if nobody decides in time (e.g. 2d)')
    .addOption(
      new Option('--on-timeout <decision>', 'what the timeout decides')
        .choices(['approve', 'reject'])
        .default('reject'),
    )
    .option(
      '--auto-approve <name>',
      'scripted runs: approve at once, recorded as this person (auto)',
    )
    .option('--alias <name>', 'the alias promotion moves (default production)')
    .option(
      '--registry <collection>',
      'also link the promoted version into this registry collection',
    )
    .addOption(
      new Option('--registry-kind <kind>', 'W&B Registry (org) or the legacy model registry')
        .choices(['registry', 'legacy'])
        .default('registry'),
    )
    .option(
      '--prune-deployments',
      'after promoting, remove deployments no alias points to (keeps the rollback target)',
      false,
    )
    .option(
      '--prune-endpoints',
      'the same for dedicated serving endpoints billed by the minute: stop those no alias points to, keeping the rollback target',
      false,
    )
    .addOption(policy('gate-pii', 'PII gate (default warn)'))
    .addOption(policy('gate-token-limit', 'examples over the context limit (default warn)'))
    .addOption(policy('gate-drift', 'drift from the production dataset (default warn)'))
    .addOption(policy('gate-eval', 'evaluation against base and production (default warn)'))
    .option(
      '--eval-dataset <ref>',
      'W&B dataset version to evaluate on (default: the validation file)',
    )
    .option('--eval-min-score <0..1>', 'the eval gate fails below this score', numberIn(0, 1))
    .option(
      '--eval-max-examples <n>',
      'evaluate at most this many examples (default 50)',
      integerFrom(1),
    )
    .option('--eval-regex <pattern>', 'also grade answers against this regex')
    .addOption(
      new Option(
        '--eval-grader <kind>',
        'the score that decides the eval gate (default model)',
      ).choices(['exact', 'contains', 'regex', 'model']),
    );
}

function duration(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  try {
    return parseEvery(v);
  } catch (err) {
    throw new UserError(`--${flag}: ${(err as Error).message}`);
  }
}

/** The pipeline's promotion settings from the flags, or false with --no-promotion. */
export function promotionFromFlags(f: PromotionFlags): PromotionConfig | false {
  if (!f.promotion) return false;
  const evalOptions = {
    dataset: f.evalDataset,
    minScore: f.evalMinScore,
    maxExamples: f.evalMaxExamples,
    regex: f.evalRegex,
    primary: f.evalGrader,
  };
  const config: PromotionConfig = {
    approvers: f.approver.length ? f.approver : undefined,
    requireSecondPerson: f.requireSecondPerson || undefined,
    startedBy: f.startedBy ?? userInfo().username,
    approvalTimeoutMs: duration('approval-timeout', f.approvalTimeout),
    onTimeout: f.approvalTimeout ? f.onTimeout : undefined,
    autoApprove: f.autoApprove ? { by: f.autoApprove } : undefined,
    alias: f.alias,
    registry: f.registry ? { collection: f.registry, kind: f.registryKind } : undefined,
    pruneDeployments: f.pruneDeployments || f.pruneEndpoints || undefined,
    gates: {
      pii: f.gatePii,
      tokenLimit: f.gateTokenLimit,
      drift: f.gateDrift,
      eval: f.gateEval,
      evalOptions: Object.values(evalOptions).some((v) => v !== undefined)
        ? evalOptions
        : undefined,
    },
  };
  return JSON.parse(JSON.stringify(config)) as PromotionConfig; // drops the undefined keys
}
