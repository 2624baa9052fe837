import { Vendor } from '../domain/enums';
import type { ResolvedProviderConfig } from './config';
import { cashierCredentials } from './cashier/credentials';
import { colourlifeCredentials } from './colourlife/credentials';
import { shouqianbaCredentials } from './shouqianba/credentials';
import { yunzhanghuCredentials } from './yunzhanghu/credentials';

/**
 * What each vendor needs from a platform to be called on its behalf, named after the vendor
 * specifications. Secrets are sealed with DATA_KEY and never returned; options are plain
 * configuration and are returned.
 */
export interface VendorDescriptor {
  vendor: Vendor;
  title: string;
  /** Required secret fields (write-only). */
  secretFields: readonly string[];
  /** Required option fields (returned by the API). */
  requiredOptions: readonly string[];
  /** Optional option fields the adapter understands. */
  optionalOptions: readonly string[];
  /** Parses the credentials and options into the vendor's typed configuration; throws naming the field. */
  typed: (config: ResolvedProviderConfig) => unknown;
}

export const VENDORS: Readonly<Record<Vendor, VendorDescriptor>> = {
  [Vendor.COLOURLIFE]: {
    vendor: Vendor.COLOURLIFE,
    typed: colourlifeCredentials,
    title: 'Colourlife finance platform (彩生活金融平台)',
    // The auth micro-service account and password that obtain an access_token (spec 5.1).
    secretFields: ['authAccount', 'authPassword'],
    // The platform's own number (pno) and platform payment account (pano), spec 2.2.
    requiredOptions: ['pno'],
    optionalOptions: ['pano', 'authUrl'],
  },
  [Vendor.YUNZHANGHU]: {
    vendor: Vendor.YUNZHANGHU,
    typed: yunzhanghuCredentials,
    title: 'Yunzhanghu realtime settlement (云账户)',
    // "每个商户会获取3deskey和 appkey两个密钥" (spec 2.1).
    secretFields: ['appKey', 'des3Key'],
    requiredOptions: ['dealerId', 'brokerId'],
    // endpointNames: 'spec' (default) or 'current'; timestampUnit: 's' (default) or 'ms';
    // wechatMaxFen: the red packet limit the dealer has been granted (200 yuan to 4,999).
    optionalOptions: ['endpointNames', 'timestampUnit', 'wechatMaxFen'],
  },
  [Vendor.CASHIER]: {
    vendor: Vendor.CASHIER,
    typed: cashierCredentials,
    title: 'Hosted cashier (收银台)',
    // "支付将分配商户号及签名密钥" (spec 2.1).
    secretFields: ['signKey'],
    requiredOptions: ['merchantId'],
    optionalOptions: [],
  },
  [Vendor.SHOUQIANBA]: {
    vendor: Vendor.SHOUQIANBA,
    typed: shouqianbaCredentials,
    title: 'Shouqianba (收钱吧), its upay gateway v2',
    // "签名首部: Authorization:terminalId+" "+sign", sign = MD5(body + secret) (spec 二.2).
    secretFields: ['terminalKey'],
    requiredOptions: ['terminalSn'],
    optionalOptions: [],
  },
};
