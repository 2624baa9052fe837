import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { badUserInput } from '../errors/app-errors';
import { requireScope, type RequestContext } from '../graphql/context';
import { fromGlobalIdOf } from '../graphql/global-id';
import { ResultErrorCode } from '../schema/results';
import { providerNotConfigured } from '../schema/results';
import {
  Checkout,
  CheckoutFormField,
  PaymentMethod,
  CreatePaymentInput,
  CreatePaymentPayload,
  CreatePaymentResult,
  SyncPaymentInput,
  SyncPaymentPayload,
  VendorQueryFailedError,
  SyncPaymentResult,
} from '../schema/payment-types';

/** The signed form as a list of typed fields, in the order they were signed. */
@Resolver(() => Checkout)
export class CheckoutResolver {
  @FieldResolver(() => [CheckoutFormField], { description: 'The signed fields to POST to formAction.' })
  formFields(@Root() checkout: Checkout): CheckoutFormField[] {
    return Object.entries(checkout.formFields).map(([name, value]) =>
      Object.assign(new CheckoutFormField(), { name, value }),
    );
  }
}

@Resolver()
export class PaymentResolver {
  @Authorized()
  @Mutation(() => CreatePaymentResult, {
    description:
      'Takes a payment (after configureProvider for its vendor): on the hosted checkout page, or in store by barcode or QR code. Answers at once with the payment (and, for the checkout, where to send the payer); follow it on transactionUpdated, or ask with syncPayment. The same idempotencyKey never takes a second payment. Needs an API key or a client token (paying as that client).',
  })
  async createPayment(
    @Arg('input') input: CreatePaymentInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof CreatePaymentResult> {
    const clientMutationId = input.clientMutationId ?? null;
    const scope = requireScope(context);
    const common = {
      idempotencyKey: input.idempotencyKey,
      amountFen: input.amountFen,
      clientId: input.clientId ? fromGlobalIdOf('Client', input.clientId, 'clientId') : undefined,
      bizId: input.bizId ? fromGlobalIdOf('Biz', input.bizId, 'bizId') : undefined,
      description: input.description,
    };
    const { checkout, barcode, qrCode } = input.method;
    if (barcode || qrCode) {
      const outcome = await context.services.inStorePayments.create(scope, {
        ...common,
        method: barcode ? PaymentMethod.BARCODE : PaymentMethod.QR_CODE,
        operator: input.operator,
        dynamicId: barcode?.dynamicId,
        wallet: qrCode?.wallet,
      });
      if (!outcome.ok) return providerNotConfigured(clientMutationId, outcome.vendor);
      const vendorData = (outcome.transaction.vendorData ?? {}) as { qrCode?: string | null };
      return Object.assign(new CreatePaymentPayload(), {
        clientMutationId,
        transaction: outcome.transaction,
        checkout: null,
        qrCode: vendorData.qrCode ?? null,
        replayed: outcome.replayed,
      });
    }
    // @oneOf: GraphQL lets exactly one method through.
    if (!checkout) throw badUserInput('give one payment method', 'method');
    const outcome = await context.services.payments.createCheckoutPayment(scope, {
      ...common,
      action: checkout.action,
      returnUrl: checkout.returnUrl,
      payerName: checkout.payerName,
      payerIdNumber: checkout.payerIdNumber,
    });
    if (!outcome.ok) return providerNotConfigured(clientMutationId, outcome.vendor);
    return Object.assign(new CreatePaymentPayload(), {
      clientMutationId,
      transaction: outcome.transaction,
      checkout: outcome.checkout,
      qrCode: null,
      replayed: outcome.replayed,
    });
  }

  @Authorized()
  @Mutation(() => SyncPaymentResult, {
    description:
      "Asks the payment's vendor for its state now and applies it (paygraph also asks on its own while a payment is open). Needs an API key or a client token (its own payments).",
  })
  async syncPayment(
    @Arg('input') input: SyncPaymentInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof SyncPaymentResult> {
    const outcome = await context.services.payments.syncPayment(
      requireScope(context),
      fromGlobalIdOf('Transaction', input.paymentId, 'paymentId'),
    );
    const clientMutationId = input.clientMutationId ?? null;
    if (!outcome.ok) {
      return Object.assign(new VendorQueryFailedError(), {
        clientMutationId,
        code: ResultErrorCode[outcome.error],
        message: outcome.message,
        transaction: outcome.transaction,
      });
    }
    return Object.assign(new SyncPaymentPayload(), {
      clientMutationId,
      transaction: outcome.transaction,
      changed: outcome.changed,
    });
  }
}
