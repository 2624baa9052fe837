import { Arg, ID, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Client } from '../../entities';
import type { Account } from '../../entities';
import { requireScope, type RequestContext } from '../../graphql/context';
import { fromGlobalIdOf, toGlobalId } from '../../graphql/global-id';
import { connectionOfLoaded, toConnection, type ConnectionShape } from '../../schema/connection';
import {
  ClientFilter,
  CreateClientInput,
  IssueClientTokenInput,
  PageArgs,
  TransactionFilter,
} from '../../schema/inputs';
import { transactionFilter } from './transaction-resolver';
import {
  AccountConnection,
  ClientConnection,
  ClientNode,
  PayoutConnection,
  TransactionConnection,
} from '../../schema/object-types';
import {
  ClientInactiveError,
  CreateClientPayload,
  CreateClientResult,
  duplicateExternalRef,
  IssueClientTokenPayload,
  IssueClientTokenResult,
} from '../../schema/tenancy-types';
import { ResultErrorCode } from '../../schema/results';
import { NODE_ID_DESCRIPTION } from '../../schema/node';
import { Role } from '../auth-checker';

@Resolver(() => ClientNode)
export class ClientResolver {
  @FieldResolver(() => ID, {
    description: NODE_ID_DESCRIPTION,
  })
  id(@Root() client: Client): string {
    return toGlobalId('Client', client.id);
  }

  @FieldResolver()
  name(@Root() client: Client, @Ctx() context: RequestContext): string {
    return context.services.parties.clientName(client);
  }

  @FieldResolver(() => String, { nullable: true })
  mobile(@Root() client: Client, @Ctx() context: RequestContext): string | null {
    return context.services.parties.clientMobile(client);
  }

  @FieldResolver(() => AccountConnection, {
    description: "The user's ledger accounts (at most one per account type), newest first.",
  })
  async accounts(
    @Root() client: Client,
    @Args() page: PageArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<Account>> {
    return connectionOfLoaded((await context.loaders.clientAccounts(client.id)).toReversed(), page);
  }

  @FieldResolver(() => TransactionConnection, {
    description: "The user's payments, refunds and ledger transfers, newest first.",
  })
  async transactions(
    @Root() client: Client,
    @Args() page: PageArgs,
    @Arg('filter', () => TransactionFilter, {
      nullable: true,
      description: 'Only the transactions that match (the same filter as the root `transactions`).',
    })
    filter: TransactionFilter | undefined,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<unknown>> {
    const result = await context.services.reads.page(
      'Transaction',
      requireScope(context),
      page,
      transactionFilter(filter, client.id),
    );
    return toConnection(result, Boolean(page.after));
  }

  @FieldResolver(() => PayoutConnection, { description: 'Payouts made to the user, newest first.' })
  async payouts(
    @Root() client: Client,
    @Args() page: PageArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<unknown>> {
    const result = await context.services.reads.page('Payout', requireScope(context), page, (builder) =>
      builder.andWhere('row.clientId = :ownerId', { ownerId: client.id }),
    );
    return toConnection(result, Boolean(page.after));
  }

  @Authorized(Role.PLATFORM)
  @Query(() => ClientConnection, {
    description: "Your platform's end users (clients), newest first. Needs an API key.",
  })
  async clients(
    @Args() page: PageArgs,
    @Arg('filter', () => ClientFilter, { nullable: true, description: 'Only the clients that match.' })
    filter: ClientFilter | undefined,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<unknown>> {
    const result = await context.services.reads.page('Client', requireScope(context), page, (builder) => {
      if (filter?.status) builder.andWhere('row.status = :status', { status: filter.status });
      if (filter?.externalRef) builder.andWhere('row.externalRef = :externalRef', { externalRef: filter.externalRef });
    });
    return toConnection(result, Boolean(page.after));
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => CreateClientResult, {
    description:
      'Creates an end user (client) of your platform. Its name, mobile and ID number are sealed at rest. Then issue it a client token (issueClientToken) for your app, or open ledger accounts for it. Needs an API key.',
  })
  async createClient(
    @Arg('input') input: CreateClientInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof CreateClientResult> {
    const scope = requireScope(context);
    const result = await context.services.parties.createClient(scope.platformId, input);
    if (!result.ok) return duplicateExternalRef(input.clientMutationId, result.externalRef);
    return Object.assign(new CreateClientPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      client: result.value,
    });
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => IssueClientTokenResult, {
    description:
      "Issues a short-lived token for a client's mobile app: with it, the app sees only that client's data and may pay as it. Needs an API key (never give the key to an app).",
  })
  async issueClientToken(
    @Arg('input') input: IssueClientTokenInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof IssueClientTokenResult> {
    const clientId = fromGlobalIdOf('Client', input.clientId, 'clientId');
    const result = await context.services.parties.issueClientToken(requireScope(context), clientId, input.ttlSeconds);
    const clientMutationId = input.clientMutationId ?? null;
    if (!result.ok) {
      return Object.assign(new ClientInactiveError(), {
        clientMutationId,
        code: ResultErrorCode.CLIENT_INACTIVE,
        message: 'The client is not active and cannot be issued a token',
        client: result.client,
      });
    }
    return Object.assign(new IssueClientTokenPayload(), {
      clientMutationId,
      token: result.token,
      expiresAt: result.expiresAt,
      client: result.client,
    });
  }
}
