/** OperatorService search-attribute calls, backed by each namespace's registry. */
import type { temporal } from '@temporalio/proto';
import { ServiceError } from '../errors';
import type { Engine } from '../engine/engine';
import { SearchAttributeError, type IndexedValueType } from '../visibility';
import type { OperatorServiceHandlers } from '../transport';


function mapErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SearchAttributeError) throw new ServiceError(err.grpcCode, err.message);
    throw err;
  }
}

export function operatorHandlers(engine: Engine): OperatorServiceHandlers {
  return {
    async addSearchAttributes(req) {
      const ns = engine.requireNamespace(req.namespace || 'default');
      engine.transact(() => {
        mapErrors(() => engine.registry(ns.name).add((req.searchAttributes ?? {}) as Record<string, IndexedValueType>));
        engine.searchAttributesChanged(ns.name);
      });
      return {};
    },

    async removeSearchAttributes(req) {
      const ns = engine.requireNamespace(req.namespace || 'default');
      engine.transact(() => {
        mapErrors(() => engine.registry(ns.name).remove(req.searchAttributes ?? []));
        engine.searchAttributesChanged(ns.name);
      });
      return {};
    },

    async listSearchAttributes(req) {
      const ns = engine.requireNamespace(req.namespace || 'default');
      const registry = engine.registry(ns.name);
      return { customAttributes: registry.listCustom(), systemAttributes: registry.listSystem(), storageSchema: {} };
    },
  };
}
