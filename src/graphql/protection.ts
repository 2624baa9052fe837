import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { ValidationRule } from 'graphql';

/**
 * Operation limits (graphql-armor). Sized so the deepest legitimate query in our own tests
 * and playground examples (transactions → client → accounts → accountType, inside a
 * connection) passes with room to spare, and a hostile one is refused before execution.
 */
export const OPERATION_LIMITS = {
  maxDepth: 12,
  maxCost: 5000,
  maxAliases: 15,
  maxDirectives: 20,
  /** Enforced by graphql-js's own parser (parseOptions.maxTokens). */
  maxTokens: 2000,
  /** Request body size, enforced by the JSON parser before GraphQL sees anything. */
  maxBodyBytes: 64 * 1024,
} as const;

export function protectionRules(): ValidationRule[] {
  return [
    maxDepthRule({
      n: OPERATION_LIMITS.maxDepth,
      flattenFragments: true,
      ignoreIntrospection: true,
    }) as unknown as ValidationRule,
    costLimitRule({ maxCost: OPERATION_LIMITS.maxCost, ignoreIntrospection: true }) as unknown as ValidationRule,
    maxAliasesRule({ n: OPERATION_LIMITS.maxAliases }) as unknown as ValidationRule,
    maxDirectivesRule({ n: OPERATION_LIMITS.maxDirectives }) as unknown as ValidationRule,
  ];
}
