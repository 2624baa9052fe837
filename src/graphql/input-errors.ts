import { GraphQLError, type GraphQLSchema } from 'graphql';
import { ErrorCode } from '../errors/app-errors';
import { invalidInput } from '../schema/mutation-result';

interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

function flattenValidation(errors: ValidationErrorLike[], prefix = ''): Array<{ field: string; message: string }> {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidation(error.children ?? [], field)];
  });
}

/**
 * The refused fields of a bad-input error, the field as the client wrote it: class-validator's
 * nested errors flattened (`payee.idCard`), or the one field a service named. Undefined for any
 * other error.
 */
export function refusedFields(
  extensions: Readonly<Record<string, unknown>> | undefined,
  message: string,
): Array<{ field: string; message: string }> | undefined {
  if (extensions?.code !== ErrorCode.BAD_USER_INPUT) return undefined;
  const validationErrors = extensions.validationErrors as ValidationErrorLike[] | undefined;
  if (validationErrors) return flattenValidation(validationErrors);
  return [{ field: typeof extensions.field === 'string' ? extensions.field : '', message }];
}

/**
 * Input errors are a typed member of every mutation's result union (InvalidInputError), not a
 * GraphQL error: each mutation's resolver is wrapped once, when the schema is built, so the
 * input's validation (which type-graphql runs inside the resolver) and every service's
 * badUserInput arrive as `{ __typename: "InvalidInputError", fields }` with the clientMutationId.
 * Variables that do not match their GraphQL type never reach a resolver: those stay errors.
 */
export function answerInputErrorsAsResults(schema: GraphQLSchema): void {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve;
    if (!resolve) continue;
    field.resolve = async (source, args, context, info) => {
      try {
        return await resolve(source, args, context, info);
      } catch (error) {
        const fields = error instanceof GraphQLError ? refusedFields(error.extensions, error.message) : undefined;
        if (!fields) throw error;
        const input = args.input as { clientMutationId?: unknown } | undefined;
        const clientMutationId = typeof input?.clientMutationId === 'string' ? input.clientMutationId : null;
        return invalidInput(clientMutationId, fields);
      }
    };
  }
}
