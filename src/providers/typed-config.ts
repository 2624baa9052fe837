import type { z } from 'zod';
import type { ResolvedProviderConfig } from './config';

/**
 * A vendor's credentials and options, typed: parsed once per resolved configuration with the
 * vendor's schema (the result is kept with the configuration object, which the configuration
 * service reuses), so flow code reads `credentials.merchantId`, never `String(config.options.x)`.
 * A configuration that does not parse fails at once with the field's name.
 */
export function typedConfig<S extends z.ZodType>(schema: S): (config: ResolvedProviderConfig) => z.output<S> {
  const parsed = new WeakMap<ResolvedProviderConfig, z.output<S>>();
  return (config) => {
    let typed = parsed.get(config);
    if (typed === undefined) {
      const result = schema.safeParse({ ...config.options, ...config.secrets });
      if (!result.success) {
        const issue = result.error.issues[0];
        throw new Error(`${config.vendor} configuration: ${issue?.path.join('.')} ${issue?.message}`);
      }
      typed = result.data;
      parsed.set(config, typed);
    }
    return typed as z.output<S>;
  };
}
