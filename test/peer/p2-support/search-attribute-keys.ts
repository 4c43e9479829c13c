/** Typed search-attribute keys shared by the phase-2 workflows and tests (the dev server predefines the Custom* ones). */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const customKeyword = defineSearchAttributeKey('CustomKeywordField', SearchAttributeType.KEYWORD);
export const customInt = defineSearchAttributeKey('CustomIntField', SearchAttributeType.INT);
export const customDouble = defineSearchAttributeKey('CustomDoubleField', SearchAttributeType.DOUBLE);
export const customBool = defineSearchAttributeKey('CustomBoolField', SearchAttributeType.BOOL);
export const customDatetime = defineSearchAttributeKey('CustomDatetimeField', SearchAttributeType.DATETIME);
/** Never registered on the server: using it must be refused. */
export const unregisteredKeyword = defineSearchAttributeKey('P2NeverRegistered', SearchAttributeType.KEYWORD);
