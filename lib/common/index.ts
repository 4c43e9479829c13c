/**
 * Values and errors shared by the client, the worker and user code.
 */
export * from './failures';
export * from './enums';
export * from './errors';
export * from './time';
export { brandClass, classBrand, hasClassBrand } from './class-marker';
