import { DistributionBuilder } from './distribution.js';
import type { ExampleView } from './formats/index.js';
import { MAX_KEPT_LINE_NUMBERS } from './limits.js';
import type { ExampleTokens } from './tokens.js';
import type { DatasetStats, TokenReport } from './types.js';

/** Accumulates the statistics of valid examples in constant memory. */
export class StatsBuilder {
  blankLines = 0;
  private readonly messagesByRole: Record<string, number> = {};
  private readonly messagesPerExample = new DistributionBuilder();
  private readonly tokensPerExample = new DistributionBuilder();
  private readonly assistantTokens = new DistributionBuilder();
  private withoutSystem = 0;
  private withoutUser = 0;
  private withTools = 0;
  private withImages = 0;
  private images = 0;
  private untrained = 0;
  private totalTokens = 0;
  private billableTokens = 0;
  private overLimit = 0;
  private readonly overLimitLines: number[] = [];

  constructor(private readonly contextLimit: number) {}

  addExample(line: number, view: ExampleView, tokens: ExampleTokens): void {
    if (!view.completion) {
      const roles = new Set<string>();
      for (const m of view.messages) {
        roles.add(m.role);
        this.messagesByRole[m.role] = (this.messagesByRole[m.role] ?? 0) + 1;
        if (m.role === 'assistant' && m.weight === 0) this.untrained++;
      }
      if (!roles.has('system') && !roles.has('developer')) this.withoutSystem++;
      if (!roles.has('user')) this.withoutUser++;
      this.messagesPerExample.add(view.messages.length);
    }
    if (view.tools.length > 0) this.withTools++;
    if (view.images > 0) this.withImages++;
    this.images += view.images;
    this.tokensPerExample.add(tokens.total);
    this.assistantTokens.add(tokens.assistant);
    this.totalTokens += tokens.total;
    this.billableTokens += Math.min(this.contextLimit, tokens.total);
    if (tokens.total > this.contextLimit) {
      this.overLimit++;
      if (this.overLimitLines.length < MAX_KEPT_LINE_NUMBERS) this.overLimitLines.push(line);
    }
  }

  stats(): DatasetStats {
    return {
      messagesByRole: { ...this.messagesByRole },
      messagesPerExample: this.messagesPerExample.summary(),
      withoutSystem: this.withoutSystem,
      withoutUser: this.withoutUser,
      withTools: this.withTools,
      withImages: this.withImages,
      images: this.images,
      untrainedAssistantMessages: this.untrained,
      blankLines: this.blankLines,
    };
  }

  tokens(base: Pick<TokenReport, 'encoding' | 'contextLimitKnown'>): TokenReport {
    return {
      ...base,
      contextLimit: this.contextLimit,
      total: this.totalTokens,
      billableTotal: this.billableTokens,
      overLimit: this.overLimit,
      overLimitLines: [...this.overLimitLines],
      perExample: this.tokensPerExample.summary(),
      assistantPerExample: this.assistantTokens.summary(),
    };
  }
}
