import { fenToYuan } from '../../domain/money';
import { CODES } from '../../providers/colourlife/wire-types';
import {
  accountRecord,
  id32,
  LedgerError,
  required,
  unixNow,
  yuanMap,
  type LedgerAccount,
  type LedgerAccountType,
  type LedgerParty,
  type LedgerPlatform,
} from './state';
import type { SandboxClock } from '../clock';

/** The account endpoints (5.3.7, 5.4, 5.5): account types, clients, bizs and their accounts. */
export class LedgerAccounts {
  constructor(private readonly clock: SandboxClock) {}

  listAccountTypes(platform: LedgerPlatform, body: Record<string, string>) {
    if (body.pno !== platform.pno) throw new LedgerError(CODES.BAD_PARAMS, 'pno错误');
    return {
      list: [...platform.accountTypes.values()].map((t) => ({
        type: t.type,
        atid: t.atid,
        pano: t.pano,
        name: t.name,
        iconurl: t.iconurl,
        cano: '',
      })),
    };
  }

  private typeByPano(platform: LedgerPlatform, pano: string | undefined): LedgerAccountType {
    const type = [...platform.accountTypes.values()].find((t) => t.pano === pano);
    if (!type) throw new LedgerError(CODES.BAD_PARAMS, 'pano错误');
    return type;
  }

  openClientAccount(platform: LedgerPlatform, body: Record<string, string>) {
    const type = this.typeByPano(platform, body.pano);
    const mobile = required(body, 'mobile', 20);
    const name = required(body, 'name', 64);
    const now = unixNow(this.clock);
    // A user is one person per mobile number; opening another account type reuses them.
    let client = [...platform.clients.values()].find((c) => c.mobile === mobile);
    if (!client) {
      client = {
        no: id32(),
        name,
        mobile,
        gender: body.gender,
        birthday: body.birthday,
        memo: body.memo,
        creationtime: now,
        modifiedtime: now,
        status: 1,
      };
      platform.clients.set(client.no, client);
    }
    const account = this.openAccount(platform, type, 'client', client.no, body);
    return {
      client: {
        cno: client.no,
        mobile: client.mobile,
        name: client.name,
        gender: client.gender ?? '',
        birthday: client.birthday ?? '',
        memo: client.memo ?? '',
        creationtime: client.creationtime,
        modifiedtime: client.modifiedtime,
        status: client.status,
      },
      account: { cano: account.ano, ...accountRecord(account) },
    };
  }

  openBizAccount(platform: LedgerPlatform, body: Record<string, string>) {
    const type = this.typeByPano(platform, body.pano);
    const now = unixNow(this.clock);
    // Our extension (documented): an existing bno opens another account type for the same merchant.
    const known = body.bno ? platform.bizs.get(body.bno) : undefined;
    if (body.bno && !known) throw new LedgerError(CODES.NOT_FOUND, '商家不存在');
    const biz: LedgerParty = known ?? {
      no: id32(),
      name: required(body, 'name', 128),
      tel: body.tel,
      address: body.address,
      website: body.website,
      memo: body.memo,
      creationtime: now,
      modifiedtime: now,
      status: 1,
    };
    platform.bizs.set(biz.no, biz);
    const account = this.openAccount(platform, type, 'biz', biz.no, body);
    return {
      biz: {
        bno: biz.no,
        tel: biz.tel ?? '',
        name: biz.name,
        address: biz.address ?? '',
        website: biz.website ?? '',
        memo: biz.memo ?? '',
        creationtime: biz.creationtime,
        modifiedtime: biz.modifiedtime,
        status: biz.status,
      },
      account: { bano: account.ano, ...accountRecord(account) },
    };
  }

  private openAccount(
    platform: LedgerPlatform,
    type: LedgerAccountType,
    role: 'client' | 'biz',
    ownerNo: string,
    body: Record<string, string>,
  ): LedgerAccount {
    const existing = [...platform.accounts.values()].find((a) => a.ownerNo === ownerNo && a.atid === type.atid);
    if (existing) return existing;
    if (body.cannegative !== undefined && !['0', '1'].includes(body.cannegative)) {
      throw new LedgerError(CODES.BAD_PARAMS, 'cannegative只能是0或1');
    }
    const account: LedgerAccount = {
      ano: id32(),
      atid: type.atid,
      role,
      ownerNo,
      balanceFen: 0,
      cannegative: body.cannegative === '1',
      status: 1,
      memo: body.memo ?? '',
      subaccounts: {},
    };
    platform.accounts.set(account.ano, account);
    return account;
  }

  private ownedAccount(
    platform: LedgerPlatform,
    body: Record<string, string>,
    role: 'client' | 'biz',
    field: 'cano' | 'bano',
  ) {
    const type = this.typeByPano(platform, body.pano);
    const account = platform.accounts.get(required(body, field, 64));
    if (!account || account.role !== role || account.atid !== type.atid)
      throw new LedgerError(CODES.NOT_FOUND, '账号不存在');
    return account;
  }

  setAccountStatus(
    platform: LedgerPlatform,
    body: Record<string, string>,
    role: 'client' | 'biz',
    field: 'cano' | 'bano',
    status: 0 | 1,
  ) {
    this.ownedAccount(platform, body, role, field).status = status;
    return '';
  }

  queryAccount(platform: LedgerPlatform, body: Record<string, string>, role: 'client' | 'biz', field: 'cano' | 'bano') {
    const account = this.ownedAccount(platform, body, role, field);
    return {
      ano: account.ano,
      money: fenToYuan(account.balanceFen),
      status: account.status,
      subaccounts: yuanMap(account.subaccounts),
    };
  }
}
