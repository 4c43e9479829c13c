// Visibility for the dev server: the list-filter query language, the search-attribute registry,
// and the rows they apply to.
export type { VisibilityRecord } from './types';
export {
  type AttributeRef,
  type ComparisonOperator,
  type OrderByItem,
  type VisibilityExpr,
  type VisibilityQuery,
  type VisibilityValue,
  VisibilityQueryError,
} from './query-ast';
export { parseVisibilityQuery } from './parser';
export { countExecutions, encodeGroupValues, type ExecutionCount, matchesQuery, queryExecutions } from './evaluate';
export { executionStatusFromName, executionStatusName } from './execution-status';
export {
  decodeSearchAttributes,
  DEV_SERVER_DEFAULT_CUSTOM_ATTRIBUTES,
  encodeSearchAttributes,
  IndexedValueType,
  indexedValueTypeName,
  mergeSearchAttributes,
  parseIndexedValueTypeName,
  parseRfc3339Ms,
  PREDEFINED_SEARCH_ATTRIBUTES,
  SearchAttributeError,
  type SearchAttributeErrorCode,
  SearchAttributeRegistry,
  type SearchAttributeRegistryOptions,
  SYSTEM_SEARCH_ATTRIBUTES,
} from './search-attributes';
