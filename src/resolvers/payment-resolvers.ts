import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { badUserInput } from '../errors/app-errors';
import { requireScope, type RequestContext } from '../graphql/context';
import { fromGlobalIdOf } from '../graphql/global-id';
import { ResultErrorCode } from '../schema/results';
import { providerNotConfigured } from '../schema/results';
import {
  PaymentMethod,
  CreatePaymentInput,
  CreatePaymentPayload,
  CreatePaymentResult,
  SyncPaymentInput,
  SyncPaymentPayload,
  VendorQueryFailedError,
  SyncPaymentResult,
} from '../schema/payment-types';

@Resolver()
export class PaymentResolver {
  @Authorized()
  @Mutation(() => CreatePaymentResult, {
    description: 'Creates a payment. CHECKOUT returns the hosted checkout to send the payer to.',
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
    if (input.method !== PaymentMethod.CHECKOUT) {
      if (input.method === PaymentMethod.BARCODE && !input.barcode)
        throw badUserInput('barcode is required for BARCODE payments', 'barcode');
      if (input.method === PaymentMethod.QR_CODE && !input.qrCode)
        throw badUserInput('qrCode is required for QR_CODE payments', 'qrCode');
      const outcome = await context.services.inStorePayments.create(scope, {
        ...common,
        method: input.method,
        operator: input.operator,
        dynamicId: input.barcode?.dynamicId,
        wallet: input.qrCode?.wallet,
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
    if (!input.checkout) throw badUserInput('checkout is required for CHECKOUT payments', 'checkout');
    const outcome = await context.services.payments.createCheckoutPayment(scope, {
      ...common,
      action: input.checkout.action,
      returnUrl: input.checkout.returnUrl,
      payerName: input.checkout.payerName,
      payerIdNumber: input.checkout.payerIdNumber,
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
  @Mutation(() => SyncPaymentResult, { description: "Asks the vendor for the payment's current state and applies it." })
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
