import { walletPaymentOf } from '../../src/providers/colourlife/transfers';

/** The prepay answer's payinfo (5.3.1), by paytype, into the parameters an app's wallet SDK takes. */
describe("the ledger's payinfo read as a wallet payment", () => {
  it('reads WeChat Pay parameters, a numeric timestamp as text', () => {
    expect(
      walletPaymentOf({
        paytype: 'weixin',
        tno: '1607_x',
        partnerId: '1900000109',
        appId: 'wxd930ea5d5a258f4f',
        prepayId: 'wx201410272009395522657a690389285100',
        noncestr: '5K8264ILTKCH16CQ',
        timestamp: 1412000000,
        packageValue: 'Sign=WXPAY',
        sign: 'C380BEC2BFD727A4B6845133519F3AD6',
      }),
    ).toEqual({
      wallet: 'WECHAT',
      partnerId: '1900000109',
      appId: 'wxd930ea5d5a258f4f',
      prepayId: 'wx201410272009395522657a690389285100',
      nonceStr: '5K8264ILTKCH16CQ',
      timestamp: '1412000000',
      packageValue: 'Sign=WXPAY',
      sign: 'C380BEC2BFD727A4B6845133519F3AD6',
    });
  });

  it('reads Alipay and Shuangqian parameters', () => {
    expect(walletPaymentOf({ paytype: 'alipay', tno: 't', orderInfo: 'app_id=1&biz_content=x' })).toEqual({
      wallet: 'ALIPAY',
      orderInfo: 'app_id=1&biz_content=x',
    });
    expect(walletPaymentOf({ paytype: 'lhq', tno: 't', merNo: '168885' })).toEqual({
      wallet: 'SHUANGQIAN',
      merchantNo: '168885',
    });
  });

  it('is none for a prepay paid from an account, an unknown paytype, or parameters missing', () => {
    expect(walletPaymentOf({ tno: '1607_20160713192557b1abcda3f4777' })).toBeUndefined();
    expect(walletPaymentOf({ paytype: 'unionpay', tno: 't' })).toBeUndefined();
    expect(walletPaymentOf({ paytype: 'weixin', tno: 't', appId: 'wx1' })).toBeUndefined();
  });
});
