import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { pooledRandomBytes } from './random-pool';

/**
 * Authenticated encryption for secrets and personal data at rest (AES-256-GCM).
 * Format: "v1:" + base64(iv[12] | tag[16] | ciphertext). The version prefix lets us rotate the
 * algorithm or key later without guessing what an old row holds.
 */
const VERSION_PREFIX = 'v1:';

export class SecretBox {
  private readonly encryptionKey: Buffer;
  private readonly indexKey: Buffer;

  constructor(dataKey: Buffer) {
    if (dataKey.length !== 32) throw new Error('DATA_KEY must be exactly 32 bytes');
    // Separate sub-keys so the blind index can never be used to attack the cipher, and vice versa.
    this.encryptionKey = createHmac('sha256', dataKey).update('paygraph/encryption').digest();
    this.indexKey = createHmac('sha256', dataKey).update('paygraph/blind-index').digest();
  }

  encrypt(plaintext: string): string {
    // A fresh random nonce per message (never reused under one key), drawn from the pool.
    const iv = pooledRandomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return VERSION_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  decrypt(sealed: string): string {
    if (!sealed.startsWith(VERSION_PREFIX)) throw new Error('Unknown ciphertext version');
    const raw = Buffer.from(sealed.slice(VERSION_PREFIX.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /** Deterministic keyed hash, for looking up an encrypted value (e.g. a mobile number) by equality. */
  blindIndex(value: string): string {
    return createHmac('sha256', this.indexKey).update(value).digest('hex');
  }

  /** A key for signing short-lived tokens, derived so it differs from the encryption key. */
  deriveKey(purpose: string): Buffer {
    return createHmac('sha256', this.encryptionKey).update(`paygraph/${purpose}`).digest();
  }
}
