import { createUnionType, Field, ObjectType, type ClassType } from 'type-graphql';
import { ErrorResult, MutationResult, ResultErrorCode } from './results';

@ObjectType({ description: 'One field of an input that was refused, and why.' })
export class FieldError {
  @Field({
    description: 'The field as you wrote it, with dots for nested inputs (`payee.idCard`); empty for the whole input.',
  })
  field: string;
  @Field({ description: 'What is wrong with it, for a developer.' }) message: string;
}

@ObjectType({
  implements: [MutationResult, ErrorResult],
  description:
    'The input was refused before anything was done: a field is missing, malformed, out of range, or names something your platform does not have. Fix the fields and send it again. (A variable that does not even match its GraphQL type is a GraphQL error instead, code BAD_USER_INPUT.)',
})
export class InvalidInputError extends ErrorResult {
  @Field(() => [FieldError], { description: 'Every refused field (at least one).' }) fields: FieldError[];
}

export function invalidInput(clientMutationId: string | null, fields: FieldError[]): InvalidInputError {
  return Object.assign(new InvalidInputError(), {
    clientMutationId,
    code: ResultErrorCode.BAD_USER_INPUT,
    message: `Invalid input: ${fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; ')}`,
    fields,
  });
}

const capitalized = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * One result model for every mutation: `<Mutation>Result`, a union of `<Mutation>Payload` and
 * the typed errors the mutation can meet, always with InvalidInputError. A payload class made
 * for one mutation (named `<Mutation>Payload`) is used as it is. A payload shared by several
 * mutations is an interface (`@InterfaceType`): each mutation gets its own payload type that
 * implements it, so every answer has a type of its own, a client's fragment on the interface
 * fits them all, and resolvers keep building the shared class.
 */
export function mutationResult<TPayload extends MutationResult, TErrors extends ClassType<ErrorResult>[]>(
  mutation: string,
  payload: ClassType<TPayload>,
  errors: readonly [...TErrors],
) {
  const name = capitalized(mutation);
  let named: ClassType<TPayload> = payload;
  if (payload.name !== `${name}Payload`) {
    @ObjectType(`${name}Payload`, {
      implements: [MutationResult, payload],
      description: `What ${mutation} answers when it succeeds.`,
    })
    class PerMutationPayload extends (payload as ClassType<MutationResult>) {}
    named = PerMutationPayload as ClassType<TPayload>;
  }
  const members = [...errors, InvalidInputError] as ClassType<ErrorResult>[];
  const union = createUnionType({
    name: `${name}Result`,
    description: `What ${mutation} answers: ${name}Payload when it succeeds, or one of the typed errors (each implements ErrorResult, with a \`code\` to branch on). More error types may be added: handle an unknown __typename.`,
    types: () => [named, ...members] as const,
    resolveType: (value) => (value instanceof payload ? named : members.find((member) => value instanceof member)),
  });
  return union as unknown as TPayload | InstanceType<TErrors[number]> | InvalidInputError;
}
