import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../errors/app-errors';
import type { Logger } from '../logging/logger';
import { currentRequestId } from '../logging/request-context';
import { refusedFields } from './input-errors';

/** Codes that are safe to show the client as they are (ours, Apollo's and type-graphql's). */
const CLIENT_FACING_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** The variable or input field a GraphQL coercion error names ("Variable \"$input\" got invalid value … at \"input.amountFen\""). */
function variableOf(formatted: GraphQLFormattedError): string {
  const at = /at "([^"]+)"/.exec(formatted.message)?.[1];
  if (at) return at;
  return /Variable "\$([^"]+)"/.exec(formatted.message)?.[1] ?? '';
}

/**
 * Shapes every error the client sees: a stable `extensions.code`, never a stack trace, and
 * for anything unexpected a generic message (the real cause goes to the log, with the path).
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = String(formatted.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR);
    if (!CLIENT_FACING_CODES.has(code)) {
      const original = unwrapResolverError(error);
      const requestId = currentRequestId();
      logger.error({ err: original, path: formatted.path }, 'unexpected error in GraphQL operation');
      return {
        message: `Internal server error${requestId ? ` (request ${requestId})` : ''}`,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...(requestId ? { requestId } : {}) },
      };
    }
    const extensions: Record<string, unknown> = { code };
    if (code === ErrorCode.BAD_USER_INPUT) {
      // One shape for every bad input: fields [{ field, message }], the field as the client wrote it.
      const fields = refusedFields(formatted.extensions, formatted.message) ?? [];
      if (fields.length === 1 && !fields[0].field) fields[0].field = variableOf(formatted);
      extensions.fields = fields;
      if (formatted.extensions?.validationErrors) {
        return {
          message: `Invalid input: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
          path: formatted.path,
          locations: formatted.locations,
          extensions,
        };
      }
    }
    return { message: formatted.message, path: formatted.path, locations: formatted.locations, extensions };
  };
}
