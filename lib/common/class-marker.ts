/**
 * Cross-copy, cross-realm `instanceof` for SDK error classes.
 *
 * Why: the same error class exists in several copies at run time — ours, the official
 * `@temporalio/common` that workflow code imports, and the copy bundled into each workflow sandbox
 * (a separate `vm` realm). Plain `instanceof` compares constructor identity and fails across them.
 * The official SDK brands each class prototype with `Symbol.for('__temporal_is<Name>')` and checks
 * that brand in `Symbol.hasInstance`; we use the same global-registry brand, so an official
 * `ApplicationFailure` is `instanceof` ours and ours is `instanceof` the official one.
 */

/** The global-registry symbol that brands instances of the class named `className`. */
export function classBrand(className: string): symbol {
  return Symbol.for(`__temporal_is${className}`);
}

/** True when `value` carries the brand of the SDK class named `className` (from any copy of the SDK). */
export function hasClassBrand(value: unknown, className: string): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  return (value as Record<symbol, unknown>)[classBrand(className)] === true;
}

/**
 * Brands `clazz` as `className`: sets `prototype.name`, the brand symbol, and a `Symbol.hasInstance`
 * that recognises the brand. Subclasses that are not branded themselves fall back to the prototype
 * chain, so `x instanceof UnbrandedSubclass` is not true for every branded parent instance.
 */
export function brandClass(clazz: abstract new (...args: never[]) => object, className: string): void {
  const brand = classBrand(className);
  Object.defineProperty(clazz.prototype, 'name', { value: className, enumerable: true, writable: true, configurable: true });
  Object.defineProperty(clazz.prototype, brand, { value: true, enumerable: false });
  Object.defineProperty(clazz, Symbol.hasInstance, {
    value: function hasInstance(this: { prototype: object }, instance: unknown): boolean {
      if (this === clazz) return hasClassBrand(instance, className);
      return typeof instance === 'object' && instance !== null && Object.prototype.isPrototypeOf.call(this.prototype, instance);
    },
  });
}
