import { GraphQLError } from 'graphql';

/**
 * Stable error codes for `extensions.code`. Clients branch on these, so they never change
 * meaning; add new ones rather than reuse.
 */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  PROVIDER_ERROR = 'PROVIDER_ERROR',
  RATE_LIMITED = 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
    this.name = 'AppError';
  }
}

export const unauthenticated = (message = 'A valid API key or client token is required') =>
  new AppError(ErrorCode.UNAUTHENTICATED, message, { http: { status: 401 } });

export const forbidden = (message = 'This credential may not perform this operation') =>
  new AppError(ErrorCode.FORBIDDEN, message);

/** Also used for rows that exist but belong to someone else: never reveal that they exist. */
export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found`);

export const badUserInput = (message: string, field?: string) =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});

export const conflict = (message: string) => new AppError(ErrorCode.CONFLICT, message);
