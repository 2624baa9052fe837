import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';

/**
 * Operation limits (graphql-armor). Sized so the deepest legitimate query in our own tests
 * and playground examples (transactions → client → accounts → accountType, inside a
 * connection) passes with room to spare, and a hostile one is refused before execution.
 */
export const OPERATION_LIMITS = {
  maxDepth: 12,
  /** armor's cost multiplies by list sizes (`first`), so this bounds rows × fields. */
  maxCost: 10_000,
  maxAliases: 15,
  maxDirectives: 20,
  /** Enforced by graphql-js's own parser (parseOptions.maxTokens). */
  maxTokens: 2000,
  /** Request body size, enforced by the JSON parser before GraphQL sees anything. */
  maxBodyBytes: 64 * 1024,
} as const;

/**
 * graphql-armor throws from inside the validation visitor by default, which Apollo treats as
 * an unexpected error (HTTP 500). Reporting through the validation context instead makes a
 * refused operation an ordinary 400 GRAPHQL_VALIDATION_FAILED, like any other invalid query.
 */
const reportInsteadOfThrowing = {
  propagateOnRejection: false,
  exposeLimits: true,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''))),
  ],
};

export function protectionRules(): ValidationRule[] {
  return [
    maxDepthRule({
      n: OPERATION_LIMITS.maxDepth,
      flattenFragments: true,
      ignoreIntrospection: true,
      ...reportInsteadOfThrowing,
    }),
    costLimitRule({ maxCost: OPERATION_LIMITS.maxCost, ignoreIntrospection: true, ...reportInsteadOfThrowing }),
    maxAliasesRule({ n: OPERATION_LIMITS.maxAliases, ...reportInsteadOfThrowing }),
    maxDirectivesRule({ n: OPERATION_LIMITS.maxDirectives, ...reportInsteadOfThrowing }),
  ] as unknown as ValidationRule[];
}
